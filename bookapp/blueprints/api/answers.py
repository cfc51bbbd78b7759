"""The API's successful answers: JSON from a response model, and a book with its ETag."""

from __future__ import annotations

from flask import Response, jsonify
from pydantic import BaseModel

from bookapp.blueprints.api.schemas import BookOut
from bookapp.books import Book


def json_answer(model: BaseModel, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = jsonify(model.model_dump(mode="json"))
    response.status_code = status
    response.headers.update(headers or {})
    return response


def etag(book: Book) -> str:
    return f'"{book.version}"'


def book_answer(book: Book, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return json_answer(BookOut.of(book), status, {"ETag": etag(book), **(headers or {})})
