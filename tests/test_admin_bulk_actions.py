"""Disable, enable or delete several accounts at once: one confirmation that names them, then the
same rules per account as one at a time; what the rules protect is skipped and the rest proceed."""

from __future__ import annotations

import datetime as dt

import pytest

from bookapp.books import BookRepository, Status, get_book_repository
from bookapp.users import repository as users
from bookapp.users.audit import Actor
from bookapp.users.bulk_actions import BulkAction, Outcome, apply_to_accounts
from tests.conftest import PASSWORD, Browser

TODAY = dt.date(2026, 11, 27)


def text(response) -> str:
    return response.get_data(as_text=True)


def account(app, username: str):
    with app.app_context():
        return users.find_by_username(username)


def flashed(admin: Browser) -> str:
    return text(admin.get("/admin/users"))


@pytest.fixture
def readers(app, make_user, books):
    """alice (2 books) and bob (1 book), readers; carol, a reader with none."""
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    for i in range(2):
        books.add(alice.books_key, f"Alice’s {i}", "Author", Status.READING, TODAY)
    books.add(bob.books_key, "Bob’s", "Author", Status.FINISHED, TODAY)
    return alice, bob, carol


def test_bulk_disable_asks_once_naming_the_accounts_then_disables_them(app, admin, readers):
    alice, bob, carol = readers
    confirm = admin.post("/admin/users/bulk", {"user_ids": [alice.id, bob.id], "action": "disable"})
    assert confirm.status_code == 200
    page = text(confirm)
    assert "<title>Disable 2 accounts? · Book Tracking Online</title>" in page
    assert "<strong>alice</strong>" in page and "<strong>bob</strong>" in page and "carol" not in page
    assert not account(app, "alice").is_disabled  # nothing happens before the confirmation

    done = admin.post("/admin/users/bulk/apply", {"user_ids": [alice.id, bob.id], "action": "disable"})

    assert done.status_code == 303 and done.headers["Location"] == "/admin/users"
    assert "Disabled 2 accounts: “alice”, “bob”." in flashed(admin)
    assert account(app, "alice").is_disabled and account(app, "bob").is_disabled
    assert not account(app, "carol").is_disabled
    refused = Browser(app).post("/login", {"username": "alice", "password": PASSWORD})
    assert "This account is disabled." in text(refused)

    admin.post("/admin/users/bulk/apply", {"user_ids": [alice.id, bob.id], "action": "enable"})
    assert "Enabled 2 accounts: “alice”, “bob”." in flashed(admin)
    assert not account(app, "alice").is_disabled


def test_bulk_delete_names_the_books_then_deletes_accounts_and_books(app, admin, readers, books):
    alice, bob, carol = readers
    page = text(admin.post("/admin/users/bulk", {"user_ids": [alice.id, bob.id], "action": "delete"}))
    assert "<strong>alice</strong>: 2 books" in page and "<strong>bob</strong>: 1 book<" in page
    assert "Delete 2 accounts and their books" in page

    admin.post("/admin/users/bulk/apply", {"user_ids": [alice.id, bob.id], "action": "delete"})

    assert "Deleted 2 accounts and all of their books (3), which are gone: “alice”, “bob”." in flashed(admin)
    assert account(app, "alice") is None and account(app, "bob") is None and account(app, "carol") is not None
    assert books.counts(alice.books_key) == dict.fromkeys(Status, 0)
    assert books.list_column(alice.books_key, Status.READING, 10).books == []


def test_your_own_account_in_the_selection_is_skipped_and_the_rest_proceed(app, admin, readers):
    alice, _, _ = readers
    me = account(app, "boss")
    page = text(admin.post("/admin/users/bulk", {"user_ids": [me.id, alice.id], "action": "delete"}))
    assert "Your own account is in the selection: it will be skipped." in page

    admin.post("/admin/users/bulk/apply", {"user_ids": [me.id, alice.id], "action": "delete"})
    admin.post("/admin/users/bulk/apply", {"user_ids": [me.id], "action": "disable"})

    messages = flashed(admin)
    assert "Deleted 1 account and all of their books (2), which are gone: “alice”." in messages
    assert "Skipped “boss”: You cannot delete your own account." in messages
    assert "Skipped “boss”: You cannot disable your own account." in messages
    assert account(app, "alice") is None
    assert not account(app, "boss").is_disabled


@pytest.mark.parametrize(
    ("action", "reason"),
    [
        (BulkAction.DELETE, "The last admin cannot be deleted."),
        (BulkAction.DISABLE, "The last active admin cannot be disabled."),
    ],
)
def test_the_last_admin_in_a_selection_is_skipped_and_the_rest_proceed(app, make_user, action, reason):
    """Through the web the acting admin is an active admin other than the target, so the rule can
    only bite where the actor is not one (as in tests/test_admin.py): the service is called directly."""
    only_admin = make_user("boss", is_admin=True)
    alice, bob = make_user("alice"), make_user("bob")
    with app.app_context():
        actor = Actor.of(users.get_user(alice.id), "127.0.0.1")
        accounts = users.get_users([only_admin.id, bob.id])
        results = apply_to_accounts(actor, accounts, action, get_book_repository())
        assert [(result.username, result.outcome, result.reason) for result in results] == [
            ("bob", Outcome.DONE, ""),
            ("boss", Outcome.SKIPPED, reason),
        ]
        assert users.get_user(only_admin.id) is not None and not users.get_user(only_admin.id).is_disabled


def test_accounts_deleted_meanwhile_are_reported_and_the_rest_proceed(app, admin, readers):
    alice, bob, _ = readers
    admin.post(f"/admin/users/{bob.id}/delete")  # between the confirmation page and the confirm

    admin.post("/admin/users/bulk/apply", {"user_ids": [alice.id, bob.id], "action": "disable"})

    messages = flashed(admin)
    assert "Disabled 1 account: “alice”." in messages
    assert "Skipped 1 account that no longer exists." in messages


@pytest.mark.parametrize("url", ["/admin/users/bulk", "/admin/users/bulk/apply"])
@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"action": "disable"}, "Select at least one account first."),
        ({"user_ids": "abc", "action": "disable"}, "The selection could not be read."),
        ({"user_ids": ["1.5", "2"], "action": "disable"}, "The selection could not be read."),
        ({"user_ids": str(2**63), "action": "delete"}, "None of the selected accounts exists any more."),
        ({"user_ids": ["-1", "0"], "action": "delete"}, "None of the selected accounts exists any more."),
        ({"user_ids": "{alice}", "action": "explode"}, "Choose what to do with the selected accounts"),
        ({"user_ids": "{alice}"}, "Choose what to do with the selected accounts"),
        ({"user_ids": [str(i) for i in range(1, 27)], "action": "disable"}, "Select at most 25 accounts at a time"),
    ],
)
def test_a_bulk_form_that_cannot_be_acted_on_shows_the_list_again_saying_why(app, admin, readers, url, form, message):
    alice = readers[0]
    form = {
        name: value.replace("{alice}", str(alice.id)) if isinstance(value, str) else value
        for name, value in form.items()
    }
    before = [(user.username, user.is_disabled) for user in users_now(app)]

    response = admin.post(url, form)

    assert response.status_code == 422
    assert message in text(response)
    assert 'id="bulk-actions"' in text(response)  # the list, to choose again
    assert [(user.username, user.is_disabled) for user in users_now(app)] == before


def users_now(app):
    with app.app_context():
        return users.all_users()


def test_a_refused_bulk_form_keeps_the_ticks_and_the_lists_filters(app, admin, readers):
    _, bob, _ = readers
    response = admin.post(
        "/admin/users/bulk", {"user_ids": [str(bob.id), "x"], "action": "nuke", "list_query": "q=b&role=reader"}
    )
    page = text(response)
    assert response.status_code == 422
    assert f'value="{bob.id}" form="bulk-actions" id="select-user-{bob.id}" aria-label="Select bob" checked' in page
    assert 'name="list_query" value="q=b&amp;role=reader"' in page
    assert ">bob</th>" in page and ">alice</th>" not in page  # the filtered list, not a confirmation


def test_after_a_bulk_action_the_list_comes_back_with_its_filters(admin, readers):
    alice, bob, _ = readers
    list_query = "q=b&role=reader&sort=created&direction=desc&page=1&bogus=1"
    confirm = text(
        admin.post("/admin/users/bulk", {"user_ids": [bob.id], "action": "disable", "list_query": list_query})
    )
    assert 'href="/admin/users?q=b&amp;role=reader&amp;sort=created&amp;direction=desc">Cancel</a>' in confirm

    done = admin.post("/admin/users/bulk/apply", {"user_ids": [bob.id], "action": "disable", "list_query": list_query})

    assert done.headers["Location"] == "/admin/users?q=b&role=reader&sort=created&direction=desc"


def test_a_list_query_the_list_did_not_make_leads_back_to_the_whole_list(admin, readers):
    alice = readers[0]
    for list_query in ("//evil.example/", "q=" + "a" * 600, "page=99999999999999999999", "\x00=%%%"):
        done = admin.post(
            "/admin/users/bulk/apply", {"user_ids": [alice.id], "action": "enable", "list_query": list_query}
        )
        assert done.status_code == 303 and done.headers["Location"] == "/admin/users", list_query


def test_a_deletion_the_books_store_interrupts_leaves_the_account_disabled_and_says_so(app, admin, readers, books):
    alice, bob, _ = readers
    working = app.extensions["book_repository"]
    app.extensions["book_repository"] = BookRepository("no-such-table", "us-east-1")  # as in an outage

    admin.post("/admin/users/bulk/apply", {"user_ids": [alice.id], "action": "delete"})

    app.extensions["book_repository"] = working
    messages = flashed(admin)
    assert "“alice” is not deleted yet: its books could not all be deleted" in messages
    assert "Delete it again to finish." in messages
    assert account(app, "alice").is_disabled
    assert books.counts(alice.books_key)[Status.READING] == 2

    admin.post("/admin/users/bulk/apply", {"user_ids": [alice.id], "action": "delete"})

    assert account(app, "alice") is None
    assert books.counts(alice.books_key) == dict.fromkeys(Status, 0)
