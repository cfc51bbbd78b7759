"""Friendly errors, CSRF, cookies and configuration from the environment."""

import pytest

from bookapp import create_app
from bookapp.config import ConfigError, ProductionConfig


def text(response) -> str:
    return response.get_data(as_text=True)


def test_unknown_page_is_a_friendly_404(reader):
    response = reader.get("/no/such/page")
    assert response.status_code == 404
    assert "There is nothing here." in text(response) and "Back to the board" in text(response)


def test_unknown_book_is_a_friendly_404(reader):
    response = reader.get("/books/01JABCDEFGHJKMNPQRSTVWXYZ0")
    assert response.status_code == 404 and "There is nothing here." in text(response)


def test_htmx_errors_are_a_message_not_a_page(reader):
    response = reader.get("/books/01JABCDEFGHJKMNPQRSTVWXYZ0", htmx=True)
    assert response.status_code == 404
    assert "<html" not in text(response) and 'data-error-code="404"' in text(response)


def test_dynamodb_outage_is_a_friendly_503(app, reader):
    from bookapp.books import BookRepository

    app.extensions["book_repository"] = BookRepository("no-such-table", "us-east-1")
    response = reader.get("/")
    assert response.status_code == 503
    assert "The book store is not answering right now." in text(response)
    assert "ResourceNotFound" not in text(response)


@pytest.mark.parametrize("url", ["/books", "/logout", "/admin/users/new"])
def test_state_changes_without_a_csrf_token_are_refused(admin, url):
    response = admin.post(url, {"title": "x", "author": "y", "username": "zed", "password": "p" * 12}, csrf=False)
    assert response.status_code == 400
    assert "Your form expired or was sent from elsewhere." in text(response)


def test_htmx_requests_may_send_the_csrf_token_in_a_header(reader):
    response = reader.client.post(
        "/books",
        data={"title": "Dune", "author": "Frank Herbert", "status": "reading"},
        headers={"HX-Request": "true", "X-CSRFToken": reader.token()},
    )
    assert response.status_code == 200


def test_debug_is_off_unless_asked_for(app):
    assert app.debug is False


def test_production_refuses_to_start_without_a_strong_secret_key(tmp_path, monkeypatch):
    for weak in [None, "", "dev", "short-key"]:
        monkeypatch.setattr(ProductionConfig, "SECRET_KEY", weak)
        with pytest.raises(ConfigError, match="SECRET_KEY"):
            create_app(ProductionConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_production_starts_with_a_strong_secret_key_and_secure_cookies(tmp_path, monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "k" * 64)
    app = create_app(ProductionConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.debug is False


def test_database_and_table_come_from_the_environment(monkeypatch, tmp_path):
    """`application.py` builds its config from DATABASE_URL, BOOKS_TABLE and AWS_REGION."""
    import importlib

    import bookapp.config

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    monkeypatch.setenv("BOOKS_TABLE", "books-from-env")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("BOOKAPP_CONFIG", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
    monkeypatch.setenv("PAGE_CACHE_MB", "0.5")
    config_module = importlib.reload(bookapp.config)
    try:
        config_class = config_module.config_from_environment()
        app = create_app(config_class)
        assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.db"
        assert app.config["BOOKS_TABLE"] == "books-from-env"
        assert app.extensions["book_repository"].table_name == "books-from-env"
        assert app.config["AWS_REGION"] == "eu-west-1"
        assert app.extensions["page_cache"].max_bytes == 512 * 1024
    finally:
        monkeypatch.undo()
        importlib.reload(bookapp.config)


def test_oversized_requests_are_refused(reader):
    response = reader.post("/books", {"title": "x" * 100_000, "author": "y"})
    assert response.status_code == 413
