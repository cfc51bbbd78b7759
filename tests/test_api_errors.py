"""The API's answers when something is wrong: problem details (RFC 9457) for every error, never an
HTML page or a traceback; who may call it (tokens only) and how often; CORS only when configured."""

import datetime as dt
import json
import logging
import re

import pytest

from bookapp import create_app
from bookapp.books import BookRepository
from bookapp.config import TestingConfig
from bookapp.users import repository as users
from bookapp.users.access_tokens import Scope
from tests.api_helpers import ApiClient, expire_token_in, make_token
from tests.conftest import Browser

PROBLEM = "application/problem+json"


@pytest.fixture
def api(app, make_user):
    make_user("alice")
    return ApiClient(app, make_token(app, "alice"))


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["title"]
    assert "<html" not in response.get_data(as_text=True).lower() and "Traceback" not in response.get_data(as_text=True)
    return body


def test_no_token_is_401_with_a_bearer_challenge(app):
    response = ApiClient(app, None).get("/books")
    problem(response, 401)
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="bookapp"'


@pytest.mark.parametrize(
    "authorization",
    ["Bearer bt_not-a-real-token-at-all-0000000000000000000", "Bearer nonsense", "Basic YWxpY2U6cGFzcw==", "Bearer"],
)
def test_a_token_that_does_not_work_is_401(app, make_user, authorization):
    make_user("alice")
    response = app.test_client().get("/api/v1/me", headers={"Authorization": authorization})
    problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_is_401_and_one_about_to_expire_still_works(app, make_user):
    make_user("alice")
    expired, fresh = make_token(app, "alice", expires_in_days=7), make_token(app, "alice", expires_in_days=7)
    expire_token_in(app, expired, -dt.timedelta(seconds=1))
    expire_token_in(app, fresh, dt.timedelta(minutes=1))
    response = ApiClient(app, expired).get("/me")
    problem(response, 401)
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert ApiClient(app, fresh).get("/me").status_code == 200


def test_a_signed_in_browser_session_does_not_open_the_api(app, make_user):
    make_user("alice")
    browser = Browser(app)
    browser.login("alice")
    assert browser.get("/").status_code == 200
    problem(browser.get("/api/v1/books"), 401)


def test_the_api_needs_no_csrf_token(api):
    assert api.post("/books", {"title": "Dune", "author": "Frank Herbert"}).status_code == 201


def test_an_unknown_path_is_a_404_problem(api):
    problem(api.get("/shelves"), 404)
    problem(api.client.get("/api/nothing"), 404)


def test_a_method_the_path_does_not_take_is_405_with_allow(api):
    response = api.client.put("/api/v1/books", json={}, headers={"Authorization": f"Bearer {api.token}"})
    problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_a_body_that_is_not_json_is_400_and_not_application_json_is_415(api):
    problem(api.post("/books", data="{title: Dune", headers={"Content-Type": "application/json"}), 400)
    problem(api.post("/books", data="title=Dune&author=F", content_type="application/x-www-form-urlencoded"), 415)
    problem(api.post("/books", data='"\\ud800"', content_type="application/json"), 400)


def test_fields_that_break_the_schema_are_422_with_each_field_and_reason(api):
    body = problem(api.post("/books", {"title": "", "author": 7, "status": "lost", "colour": "red"}), 422)
    fields = {error["field"] for error in body["errors"]}
    assert fields == {"title", "author", "status", "colour"}
    assert all(error["reason"] for error in body["errors"])
    book = api.add()
    body = problem(api.patch(f"/books/{book['id']}", {"version": "1", "rating": 4.3, "pages": True}), 422)
    assert {error["field"] for error in body["errors"]} == {"version", "rating", "pages"}
    body = problem(api.get("/books?limit=1000&status=lost"), 422)
    assert {error["field"] for error in body["errors"]} == {"limit", "status"}


def test_a_body_too_large_is_413(api):
    problem(api.post("/books", {"title": "x" * 70_000, "author": "y"}), 413)


def test_notes_of_the_largest_size_fit_in_a_patch(api):
    book = api.add()
    notes = "é" * 20_000
    response = api.patch(
        f"/books/{book['id']}", data=json.dumps({"version": 1, "notes": notes}), content_type="application/json"
    )
    assert response.status_code == 200 and response.get_json()["notes"] == notes


def test_too_many_requests_per_token_is_429_with_retry_after(database_url, make_user, app):
    make_user("alice")
    limited = create_app(TestingConfig, {**app.config, "API_RATE_LIMIT": "3 per minute"})
    token, other = make_token(app, "alice"), make_token(app, "alice")
    client = ApiClient(limited, token)
    assert [client.get("/me").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/me")
    problem(response, 429)
    assert 1 <= int(response.headers["Retry-After"]) <= 61
    assert ApiClient(limited, other).get("/me").status_code == 200  # counted per token


def test_an_unexpected_error_is_a_500_problem_without_a_traceback(app, make_user, caplog):
    make_user("alice")
    token = make_token(app, "alice")

    def boom():
        raise RuntimeError("secret internals")

    app.add_url_rule("/api/v1/boom", "boom", boom)
    body = problem(ApiClient(app, token).get("/boom"), 500)
    assert "secret internals" not in json.dumps(body)


def test_a_books_store_that_does_not_answer_is_a_503_problem(app, make_user, monkeypatch):
    make_user("alice")
    token = make_token(app, "alice")
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9")  # nothing listens on the discard port
    app.extensions["book_repository"] = BookRepository("gone", "us-east-1")
    body = problem(ApiClient(app, token).get("/books"), 503)
    assert "try again" in body["detail"]


def test_cors_is_off_unless_origins_are_listed(app, make_user):
    make_user("alice")
    token = make_token(app, "alice")
    origin = {"Origin": "https://tools.example.com"}
    plain = ApiClient(app, token).get("/me", headers=origin)
    assert plain.status_code == 200 and "Access-Control-Allow-Origin" not in plain.headers
    preflight = app.test_client().options("/api/v1/books", headers={**origin, "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in preflight.headers

    allowing = create_app(TestingConfig, {**app.config, "API_CORS_ORIGINS": ["https://tools.example.com"]})
    preflight = allowing.test_client().options(
        "/api/v1/books", headers={**origin, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://tools.example.com"
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    answer = ApiClient(allowing, token).get("/me", headers=origin)
    assert answer.headers["Access-Control-Allow-Origin"] == "https://tools.example.com"
    assert "ETag" in answer.headers["Access-Control-Expose-Headers"]
    other = ApiClient(allowing, token).get("/me", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


def test_a_read_only_token_is_named_in_me(app, make_user):
    make_user("alice")
    assert ApiClient(app, make_token(app, "alice", scope=Scope.READ)).get("/me").get_json()["token"]["scope"] == "read"


def test_the_request_log_names_the_tokens_user_and_a_refused_write(api, app, make_user, caplog):
    with app.app_context():
        alice_id = users.find_by_username("alice").id
    reader = ApiClient(app, make_token(app, "alice", scope=Scope.READ))
    with caplog.at_level(logging.INFO, logger="bookapp"):
        api.get("/me")
        reader.post("/books", {"title": "Dune", "author": "F. H."})
    lines = [record.getMessage() for record in caplog.records]
    assert any(re.fullmatch(rf"GET /api/v1/me 200 [\d.]+ms user={alice_id} ip=127.0.0.1", line) for line in lines)
    assert any(line.startswith("API write refused: read-only token") for line in lines)
    assert not any(api.token in line or reader.token in line for line in lines)
