"""The opaque cursor of GET /books: where a listing goes on (a place and the column's own cursor in
it), as URL-safe base64 of JSON. Anything else is a MalformedCursor (400); a column cursor of
another reader's column is refused by the repository (404)."""

from __future__ import annotations

import base64
import binascii
import json

from bookapp.books.listing import Position
from bookapp.books.model import MalformedCursor
from bookapp.books.status import Status


def encode_position(position: Position) -> str:
    data = json.dumps({"status": position.status.value, "after": position.column_cursor}, separators=(",", ":"))
    return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


def decode_position(cursor: str) -> Position:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        status = Status(data["status"])
        after = data["after"]
    except (binascii.Error, ValueError, UnicodeError, RecursionError, TypeError, KeyError):
        raise MalformedCursor("not a position") from None
    if after is not None and not isinstance(after, str):
        raise MalformedCursor("not a position")
    return Position(status, after)
