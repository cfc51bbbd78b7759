"""Operator commands, run through Flask's CLI runner against the real databases."""

import re

from bookapp.books import BookRepository
from bookapp.users import repository as users
from tests.conftest import Browser

PASSWORD = "an operator's password"


def test_create_admin_takes_the_password_from_the_environment(app, monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", PASSWORD)
    result = app.test_cli_runner().invoke(args=["create-admin", "Olivia"])
    assert result.exit_code == 0, result.output
    assert "Created admin “olivia”." in result.output
    assert PASSWORD not in result.output
    browser = Browser(app)
    browser.login("olivia", PASSWORD)
    assert browser.get("/admin/users").status_code == 200


def test_create_admin_prompts_for_the_password_twice(app, monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    result = app.test_cli_runner().invoke(args=["create-admin", "olivia"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert users.find_by_username("olivia").is_admin


def test_create_admin_refuses_a_weak_password_or_a_taken_name(app, monkeypatch):
    runner = app.test_cli_runner()
    monkeypatch.setenv("ADMIN_PASSWORD", "short")
    result = runner.invoke(args=["create-admin", "olivia"])
    assert result.exit_code != 0 and "Use at least 12 characters." in result.output
    monkeypatch.setenv("ADMIN_PASSWORD", PASSWORD)
    runner.invoke(args=["create-admin", "olivia"])
    result = runner.invoke(args=["create-admin", "olivia"])
    assert result.exit_code != 0 and "is taken" in result.output


def test_first_admin_is_created_once_with_a_password_printed_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["create-first-admin"])
    password = re.search(r"password: (\S+)", first.output).group(1)
    assert len(password) >= 20
    Browser(app).login("admin", password)
    second = runner.invoke(args=["create-first-admin"])
    assert second.exit_code == 0 and second.output == ""


def test_there_is_no_default_admin(app):
    assert Browser(app).post("/login", {"username": "admin", "password": "admin"}).status_code == 200
    with app.app_context():
        assert not users.any_user_exists()


def test_create_books_table_creates_it_once(app, dynalite):
    runner = app.test_cli_runner()
    app.config["BOOKS_TABLE"] = "books-cli-test"
    app.extensions["book_repository"] = BookRepository("books-cli-test", "us-east-1")
    first = runner.invoke(args=["create-books-table"])
    assert first.exit_code == 0 and "Created table books-cli-test." in first.output
    second = runner.invoke(args=["create-books-table"])
    assert second.exit_code == 0 and "already exists" in second.output


def test_recount_books_repairs_drifted_counters(app, make_user, books):
    import datetime as dt

    from bookapp.books import Status

    alice = make_user("alice")
    for i in range(3):
        books.add(alice.books_key, f"Book {i}", "Author", Status.READING, dt.date(2026, 1, 1))
    books.repair_count(alice.books_key, Status.READING, 42)  # as if a process died mid-move
    books.repair_count(alice.books_key, Status.FINISHED, 5)
    result = app.test_cli_runner().invoke(args=["recount-books", "alice"])
    assert result.exit_code == 0, result.output
    assert "alice: Not started: 0, Reading: 3, Finished: 0" in result.output
    assert books.counts(alice.books_key) == {
        Status.NOT_STARTED: 0,
        Status.READING: 3,
        Status.FINISHED: 0,
        Status.DID_NOT_FINISH: 0,
    }
    everyone = app.test_cli_runner().invoke(args=["recount-books"])
    assert everyone.exit_code == 0 and "alice:" in everyone.output
    missing = app.test_cli_runner().invoke(args=["recount-books", "nobody"])
    assert missing.exit_code != 0 and "No user “nobody”." in missing.output
