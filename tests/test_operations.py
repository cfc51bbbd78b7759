"""What operators rely on: the health check, proxy headers, and log lines."""

import logging
import re

from flask import request

from bookapp import create_app
from bookapp.books import BookRepository
from bookapp.config import TestingConfig


def test_healthz_answers_200_with_both_stores_up(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "books": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_names_dynamodb_when_the_table_does_not_answer(app):
    app.extensions["book_repository"] = BookRepository("no-such-table", "us-east-1")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "checks": {"database": "ok", "books": "unavailable"}}


def test_healthz_names_the_database_when_it_does_not_answer(tmp_path, dynalite, caplog):
    broken = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/users.db"})
    with broken.app_context():
        broken.extensions["book_repository"].create_table()
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "unavailable", "books": "ok"}
    assert "missing/dir" not in response.get_data(as_text=True)


def test_one_log_line_per_request_with_user_and_duration(reader, caplog):
    with caplog.at_level(logging.INFO, logger="bookapp.requests"):
        reader.get("/?cursor=secret-looking-query")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "bookapp.requests"]
    assert re.fullmatch(r"GET / 200 [\d.]+ms user=\d+ ip=127\.0\.0\.1", line), line
    assert "secret-looking-query" not in line


def behind_proxies(app_config: dict, database_url: str):
    return create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url, **app_config})


def client_ip_seen(app, caplog, headers) -> str:
    with caplog.at_level(logging.INFO, logger="bookapp.requests"):
        app.test_client().get("/login", headers=headers)
    (line,) = [r.getMessage() for r in caplog.records if r.name == "bookapp.requests"]
    caplog.clear()
    return line.rsplit("ip=", 1)[1]


def test_behind_elastic_beanstalk_the_client_ip_and_scheme_come_from_the_proxies(database_url, caplog):
    app = behind_proxies({"PROXY_X_FOR": 2, "PROXY_X_PROTO": 1}, database_url)

    @app.get("/scheme-probe")
    def scheme_probe():
        return request.scheme

    headers = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9, 10.0.0.5", "X-Forwarded-Proto": "https"}
    # The load balancer appended the client (203.0.113.9), nginx appended the balancer (10.0.0.5);
    # 198.51.100.7 is what the client claimed and is not trusted.
    assert client_ip_seen(app, caplog, headers) == "203.0.113.9"
    assert app.test_client().get("/scheme-probe", headers=headers).get_data(as_text=True) == "https"


def test_without_proxy_settings_forwarded_headers_are_ignored(database_url, caplog):
    app = behind_proxies({}, database_url)
    assert client_ip_seen(app, caplog, {"X-Forwarded-For": "203.0.113.9"}) == "127.0.0.1"
