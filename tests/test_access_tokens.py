"""Settings → Access tokens: a reader makes a token (shown once), lists and revokes theirs; admins
see how many each account has and revoke them all; a disabled or deleted account's tokens stop."""

import datetime as dt
import re

from bookapp.extensions import db
from bookapp.users import repository as users
from bookapp.users.access_tokens import Scope, hash_token
from bookapp.users.models import utcnow
from tests.api_helpers import ApiClient, expire_token_in, make_token
from tests.conftest import PASSWORD, Browser

NEW_PASSWORD = "another long passphrase"
TOKEN_PATTERN = re.compile(r'id="new-token-value"[^>]* value="(bt_[A-Za-z0-9_-]{43})"')


def text(response) -> str:
    return response.get_data(as_text=True)


def create(reader, name="e-reader sync", expiry="30", scope="read"):
    return reader.post("/account/tokens", {"name": name, "expiry": expiry, "scope": scope})


def test_a_new_token_is_shown_once_and_then_listed_without_it(reader, app):
    response = create(reader, scope="read-write")
    assert response.status_code == 201
    token = TOKEN_PATTERN.search(text(response)).group(1)
    assert "shown only this once" in text(response)
    assert ApiClient(app, token).get("/me").get_json()["username"] == "alice"

    listing = text(reader.get("/account/tokens"))
    assert token not in listing and 'id="new-token"' not in listing
    assert "e-reader sync" in listing and f'<code class="fw-normal">{token[:7]}…</code>' in listing
    assert "Read and write" in listing and "Last used" in listing
    with app.app_context():
        (stored,) = users.tokens_of(users.find_by_username("alice").id)
        assert stored.token_hash == hash_token(token) and token not in (stored.hint, stored.name)
        assert stored.last_used_at is not None  # the request above used it


def test_expiry_is_30_days_unless_chosen_and_never_means_never(reader, app):
    create(reader, name="default")
    create(reader, name="forever", expiry="never")
    with app.app_context():
        tokens = {token.name: token for token in users.tokens_of(users.find_by_username("alice").id)}
    assert (tokens["default"].expires_at - tokens["default"].created_at).days == 30
    assert tokens["forever"].expires_at is None
    assert "Never" in text(reader.get("/account/tokens"))


def test_a_token_without_a_name_is_refused_with_the_input_kept(reader, app):
    response = reader.post("/account/tokens", {"name": "   ", "expiry": "7", "scope": "read"})
    assert response.status_code == 422
    assert "Name the token after what will use it." in text(response)
    assert 'aria-invalid="true"' in text(response)
    response = reader.post("/account/tokens", {"name": "x", "expiry": "1000", "scope": "admin"})
    assert response.status_code == 422
    with app.app_context():
        assert users.tokens_of(users.find_by_username("alice").id) == []


def test_the_page_says_a_password_change_does_not_revoke_tokens_and_it_does_not(reader, app):
    assert "Changing\n      your password does <strong>not</strong> revoke your tokens" in text(
        reader.get("/account/tokens")
    )
    token = make_token(app, "alice")
    response = reader.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "another long passphrase",
            "confirm_password": "another long passphrase",
        },
    )
    assert response.status_code == 303
    assert ApiClient(app, token).get("/me").status_code == 200


def test_revoking_asks_first_and_then_the_token_stops_at_once(reader, app):
    token = make_token(app, "alice", name="phone")
    api = ApiClient(app, token)
    assert api.get("/me").status_code == 200
    with app.app_context():
        (record,) = users.tokens_of(users.find_by_username("alice").id)
    confirm = reader.get(f"/account/tokens/{record.id}/revoke")
    assert "Revoke “phone”?" in text(confirm)
    assert api.get("/me").status_code == 200  # asking is not revoking
    response = reader.post(f"/account/tokens/{record.id}/revoke", {"confirm": "yes"})
    assert response.status_code == 303
    assert "Revoked the token “phone”" in text(reader.get("/account/tokens"))
    assert api.get("/me").status_code == 401


def test_a_reader_cannot_revoke_someone_elses_token(reader, app, make_user):
    make_user("bob")
    make_token(app, "bob")
    with app.app_context():
        (bobs,) = users.tokens_of(users.find_by_username("bob").id)
    assert reader.get(f"/account/tokens/{bobs.id}/revoke").status_code == 404
    assert reader.post(f"/account/tokens/{bobs.id}/revoke", {"confirm": "yes"}).status_code == 404
    with app.app_context():
        assert len(users.tokens_of(users.find_by_username("bob").id)) == 1


def test_the_tokens_page_is_for_signed_in_readers(browser):
    response = browser.get("/account/tokens")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_sees_token_counts_and_revokes_all_of_an_accounts_tokens(admin, app, make_user):
    make_user("alice")
    tokens = [make_token(app, "alice", scope=Scope.READ) for _ in range(2)]
    alice_id = users_id(app, "alice")
    page = text(admin.get("/admin/users"))
    row = re.search(rf'<tr id="user-{alice_id}">.*?</tr>', page, re.S).group(0)
    assert '<td class="text-end">2</td>' in row and "Revoke all tokens" in row
    assert "2 working tokens" in text(admin.get(f"/admin/users/{alice_id}/tokens/revoke"))
    response = admin.post(f"/admin/users/{alice_id}/tokens/revoke", {"confirm": "yes"})
    assert response.status_code == 303
    assert "Revoked 2 access tokens of “alice”." in text(admin.get("/admin/users"))
    assert all(ApiClient(app, token).get("/me").status_code == 401 for token in tokens)


def test_readers_cannot_revoke_tokens_as_admins(reader, app):
    alice_id = users_id(app, "alice")
    assert reader.post(f"/admin/users/{alice_id}/tokens/revoke", {"confirm": "yes"}).status_code == 403


def test_a_disabled_accounts_tokens_stop_at_once_and_work_again_when_enabled(admin, app, make_user):
    make_user("alice")
    api = ApiClient(app, make_token(app, "alice"))
    alice_id = users_id(app, "alice")
    admin.post(f"/admin/users/{alice_id}/disable", {"confirm": "yes"})
    assert api.get("/me").status_code == 401
    admin.post(f"/admin/users/{alice_id}/enable", {"confirm": "yes"})
    assert api.get("/me").status_code == 200


def test_a_deleted_accounts_tokens_go_with_it(admin, app, make_user):
    make_user("alice")
    token = make_token(app, "alice")
    admin.post(f"/admin/users/{users_id(app, 'alice')}/delete", {"confirm": "yes"})
    assert ApiClient(app, token).get("/me").status_code == 401
    with app.app_context():
        assert users.find_token(hash_token(token)) is None


def test_an_expired_token_is_listed_as_expired(reader, app):
    token = make_token(app, "alice", expires_in_days=7)
    expire_token_in(app, token, -dt.timedelta(days=1))
    assert "Expired</span>" in text(reader.get("/account/tokens"))
    assert ApiClient(app, token).get("/me").status_code == 401


def users_id(app, username: str) -> int:
    with app.app_context():
        return users.find_by_username(username).id


def test_a_signed_in_browser_can_reach_the_page_from_the_navigation(app, make_user):
    make_user("carol")
    browser = Browser(app)
    browser.login("carol")
    assert 'href="/account/tokens">Access tokens</a>' in text(browser.get("/account/password"))


def test_a_token_older_than_its_account_opens_nothing(app, make_user):
    """An account deleted outside the app leaves its tokens behind on SQLite (no foreign keys), and
    SQLite may give its id to the next account: that account must not inherit them."""
    make_user("alice")
    token = make_token(app, "alice")
    with app.app_context():
        user = users.find_by_username("alice")
        user.created_at = utcnow() + dt.timedelta(seconds=5)  # as if made after the token
        db.session.commit()
    assert ApiClient(app, token).get("/me").status_code == 401


def test_the_same_form_sent_again_makes_no_second_token_and_does_not_show_the_first_again(reader, app):
    form_id = re.search(r'name="form_id" type="hidden" value="([0-9A-Z]{26})"', text(reader.get("/account/tokens")))
    form = {"name": "laptop", "expiry": "30", "scope": "read", "form_id": form_id.group(1)}
    first = reader.post("/account/tokens", form)
    token = TOKEN_PATTERN.search(text(first)).group(1)
    again = reader.post("/account/tokens", form)
    assert again.status_code == 200
    assert "This form made the token “laptop” already" in text(again) and token not in text(again)
    assert TOKEN_PATTERN.search(text(again)) is None
    with app.app_context():
        assert len(users.tokens_of(users.find_by_username("alice").id)) == 1
