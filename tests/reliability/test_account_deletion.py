"""Deleting a user removes every one of their books, and survives being interrupted."""

import datetime as dt

from bookapp.books import Status, get_book_repository
from bookapp.users import repository as users
from bookapp.users.accounts import begin_deletion, delete_account
from bookapp.users.audit import Actor
from tests.conftest import PASSWORD, Browser

TODAY = dt.date(2026, 11, 27)


def library(books, user, count):
    for i in range(count):
        books.add(user.books_key, f"Book {i}", "Author", list(Status)[i % 3], TODAY)


def test_an_interrupted_deletion_locks_the_account_and_finishes_when_run_again(app, make_user, books):
    admin = make_user("boss", is_admin=True)
    alice = make_user("alice")
    library(books, alice, 60)
    alice_browser = Browser(app)
    alice_browser.login("alice")

    # The deletion starts, deletes some books, then the process dies.
    with app.app_context():
        begin_deletion(users.get_user(alice.id))
    for book in books.list_column(alice.books_key, Status.READING, 10).books:
        books.delete(alice.books_key, book.book_id)

    # Meanwhile: alice is signed out and cannot sign in; the admin sees her disabled.
    assert alice_browser.get("/").status_code == 302
    refused = Browser(app).post("/login", {"username": "alice", "password": PASSWORD})
    assert "This account is disabled." in refused.get_data(as_text=True)

    # Running the deletion again finishes the job.
    with app.app_context():
        remaining = delete_account(
            Actor.of(users.get_user(admin.id), "127.0.0.1"), users.get_user(alice.id), get_book_repository()
        )
        assert users.get_user(alice.id) is None
    assert remaining == 50
    assert alice.books_key not in books.user_ids_with_books()


def test_purge_orphans_removes_books_whose_user_is_gone(app, make_user, books):
    alice = make_user("alice")
    library(books, alice, 5)
    library(books, type("Gone", (), {"books_key": "999999"})(), 7)  # a user deleted without their books
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["purge-orphans", "--dry-run"])
    assert "Would delete the books of missing user 999999." in dry.output
    assert "999999" in books.user_ids_with_books()
    result = runner.invoke(args=["purge-orphans"])
    assert result.exit_code == 0 and "Deleted 7 books of missing user 999999." in result.output
    assert books.user_ids_with_books() == {alice.books_key}
    assert runner.invoke(args=["purge-orphans"]).output.strip() == "No orphaned books."
