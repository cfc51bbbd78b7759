"""Secure session cookies and plain HTTP: the sign-in page explains why signing in cannot work, and the
app warns at start-up when its settings make that likely. (tests/browser/test_plain_http_sign_in.py
shows it in Chromium against gunicorn.)"""

from __future__ import annotations

import logging

import pytest

from bookapp import create_app
from bookapp.config import DevelopmentConfig, ProductionConfig, TestingConfig
from tests.conftest import PASSWORD, Browser, start_up_warnings

NOTICE = 'role="alert" id="plain-http-notice"'
EXPIRED_FORM = "Your form expired or was sent from elsewhere."
WARNING_LOGGER = "bookapp.blueprints.auth.plain_http"


def app_with(database_url: str, **settings):
    return create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": database_url, **settings})


def sign_in_without_the_cookie(browser: Browser, **request_options):
    """A sign-in the way a browser sends it after dropping the session cookie: the form's token, no session."""
    browser.client.get("/login", **request_options)
    token = browser.token()
    browser.client.delete_cookie("session")
    form = {"csrf_token": token, "username": "alice", "password": PASSWORD}
    return browser.client.post("/login", data=form, **request_options)


def text(response) -> str:
    return response.get_data(as_text=True)


def test_sign_in_page_over_plain_http_says_that_secure_cookies_need_https(database_url):
    page = text(Browser(app_with(database_url, SESSION_COOKIE_SECURE=True)).get("/login"))
    assert NOTICE in page
    assert "This page came over plain HTTP" in page and "https://" in page
    assert "SESSION_COOKIE_SECURE=0" in page


def test_a_refused_sign_in_over_plain_http_explains_instead_of_saying_the_form_expired(database_url, caplog):
    browser = Browser(app_with(database_url, SESSION_COOKIE_SECURE=True))
    with caplog.at_level(logging.WARNING):
        response = sign_in_without_the_cookie(browser)
    assert response.status_code == 400
    assert NOTICE in text(response) and EXPIRED_FORM not in text(response)
    assert 'value="alice"' in text(response)  # the username is kept, as after any refused sign-in
    assert PASSWORD not in text(response)
    assert any("CSRF check failed over plain HTTP" in record.getMessage() for record in caplog.records)


def test_over_https_the_sign_in_page_has_no_notice_and_a_lost_session_is_an_expired_form(database_url):
    browser = Browser(app_with(database_url, SESSION_COOKIE_SECURE=True))
    assert NOTICE not in text(browser.client.get("/login", base_url="https://localhost"))
    response = sign_in_without_the_cookie(browser, base_url="https://localhost")
    assert response.status_code == 400
    assert EXPIRED_FORM in text(response) and NOTICE not in text(response)


def test_behind_a_proxy_the_scheme_it_passes_on_decides(database_url):
    client = app_with(database_url, SESSION_COOKIE_SECURE=True, PROXY_X_PROTO=1).test_client()
    assert NOTICE not in text(client.get("/login", headers={"X-Forwarded-Proto": "https"}))
    assert NOTICE in text(client.get("/login", headers={"X-Forwarded-Proto": "http"}))


def test_without_secure_cookies_plain_http_signs_in(browser, make_user):
    make_user("alice")
    assert NOTICE not in text(browser.get("/login"))
    assert browser.post("/login", {"username": "alice", "password": PASSWORD}).status_code == 303


def test_production_served_directly_warns_once_at_start_up(caplog, tmp_path, monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "k" * 64)
    (warning,) = start_up_warnings(caplog, WARNING_LOGGER, ProductionConfig, tmp_path)
    assert "\n" not in warning
    assert "over plain HTTP" in warning and "PROXY_X_PROTO" in warning and "SESSION_COOKIE_SECURE=0" in warning


@pytest.mark.parametrize(
    "config_class, settings",
    [
        pytest.param(ProductionConfig, {"PROXY_X_FOR": 1, "PROXY_X_PROTO": 1}, id="production behind a proxy"),
        pytest.param(
            ProductionConfig,
            {"SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False},
            id="production with SESSION_COOKIE_SECURE=0",
        ),
        pytest.param(DevelopmentConfig, {"SECRET_KEY": "d" * 64}, id="development"),
        pytest.param(TestingConfig, {}, id="testing"),
    ],
)
def test_no_start_up_warning_where_browsers_keep_the_cookie(caplog, tmp_path, monkeypatch, config_class, settings):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "k" * 64)
    assert start_up_warnings(caplog, WARNING_LOGGER, config_class, tmp_path, **settings) == []
