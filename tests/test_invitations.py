"""Invitation links: an admin makes one, the invitee chooses a name and a password and is signed in;
a link that is expired, used, revoked or altered says so and makes nothing; two people racing on
one link get one account between them, on SQLite and on MariaDB."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
import threading

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, update

from bookapp import create_app
from bookapp.config import TestingConfig
from bookapp.extensions import db
from bookapp.users import User, invitation_repository
from bookapp.users import repository as users
from bookapp.users.audit import Actor
from bookapp.users.invitations import InvitationClosed, LinkState, accept_invitation, create_invitation
from bookapp.users.models import AuditEntry, Invitation, utcnow
from bookapp.users.passwords import hash_password
from tests.conftest import Browser

NEW_PASSWORD = "a reading lamp by the window"
LINK = re.compile(r'id="new-invitation-link"[^>]*value="([^"]+)"')


def text(response) -> str:
    return response.get_data(as_text=True)


def invite(admin: Browser, **form) -> str:
    """The path of the link an admin makes with the form on /admin/invitations."""
    response = admin.post("/admin/invitations", {"expiry": "7d", **form})
    assert response.status_code == 201, text(response)[:500]
    link = html.unescape(LINK.search(text(response)).group(1))
    assert link.startswith("http://localhost/invite/")
    return link.removeprefix("http://localhost")


def accept(browser: Browser, path: str, username: str = "newbie", password: str = NEW_PASSWORD):
    return browser.post(path, {"username": username, "password": password, "confirm_password": password})


def account_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def only_invitation(app) -> Invitation:
    with app.app_context():
        (invitation,) = db.session.scalars(select(Invitation)).all()
        db.session.expunge(invitation)
        return invitation


# -- making one -----------------------------------------------------------------------------------------


def test_an_admin_makes_a_link_that_is_shown_once_and_stored_as_a_hash_only(app, admin):
    path = invite(admin, note="for Ada")
    secret = path.removeprefix("/invite/")

    invitation = only_invitation(app)
    assert invitation.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert invitation.created_by_name == "boss"
    assert invitation.note == "for Ada"
    assert not invitation.as_admin
    assert dt.timedelta(days=7) - (invitation.expires_at - invitation.created_at) < dt.timedelta(seconds=1)
    listed = text(admin.get("/admin/invitations"))
    assert secret not in listed  # shown once, in the answer to the form
    pending = listed.split('id="pending-invitations"')[1].split("</table>")[0]
    assert "for Ada" in pending and "boss" in pending


def test_the_form_sent_again_makes_no_second_link(app, admin):
    form = {"expiry": "7d", "note": "for Ada", "form_id": "01JC0000000000000000000000"}
    first = admin.post("/admin/invitations", form)

    again = admin.post("/admin/invitations", form)

    assert first.status_code == 201 and again.status_code == 200
    assert 'id="new-invitation-link"' not in text(again)
    assert "This form made an invitation already (“for Ada”)" in text(again)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1


@pytest.mark.parametrize(("choice", "length"), [("1h", dt.timedelta(hours=1)), ("30d", dt.timedelta(days=30))])
def test_the_admin_chooses_how_long_the_link_stays_open(app, admin, choice, length):
    invite(admin, expiry=choice)

    invitation = only_invitation(app)
    assert abs(invitation.expires_at - invitation.created_at - length) < dt.timedelta(seconds=1)


@pytest.mark.parametrize("form", [{"expiry": "100d"}, {"expiry": "7d", "note": "x" * 101}])
def test_an_invitation_form_with_a_value_it_does_not_offer_is_refused_and_makes_nothing(app, admin, form):
    response = admin.post("/admin/invitations", form)

    assert response.status_code == 422
    assert 'id="new-invitation-link"' not in text(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


# -- accepting it ---------------------------------------------------------------------------------------


def test_the_invitee_chooses_a_name_and_password_and_lands_signed_in_on_the_board(app, admin):
    path = invite(admin, note="for Ada")
    invitee = Browser(app)
    page = invitee.get(path)
    assert page.status_code == 200
    assert "Choose your username and password" in text(page)

    response = accept(invitee, path, username="  Ada.L ")

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    board = text(invitee.get("/"))
    assert "Signed in as <strong>ada.l</strong>" in board
    assert "Welcome, ada.l!" in board
    with app.app_context():
        ada = users.find_by_username("ada.l")
        assert not ada.is_admin and ada.check_password(NEW_PASSWORD)
    used = text(admin.get("/admin/invitations")).split('id="used-invitations"')[1].split("</table>")[0]
    assert "ada.l" in used and "for Ada" in used
    assert Browser(app).login("ada.l", NEW_PASSWORD).status_code == 303


def test_an_invitation_as_admin_makes_an_admin(app, admin):
    path = invite(admin, as_admin="y")
    invitee = Browser(app)
    assert "as an <strong>admin</strong>" in text(invitee.get(path))

    accept(invitee, path, username="grace")

    assert invitee.get("/admin/users").status_code == 200


@pytest.mark.parametrize(
    ("username", "password", "confirm", "message"),
    [
        ("newbie", "short", "short", "at least 12 characters"),
        ("no spaces allowed", NEW_PASSWORD, NEW_PASSWORD, "Usernames are 3 to 64 characters"),
        ("newbie", NEW_PASSWORD, NEW_PASSWORD + "!", "The two passwords differ."),
    ],
)
def test_a_name_or_password_the_rules_refuse_keeps_the_input_and_the_link_open(
    app, admin, username, password, confirm, message
):
    path = invite(admin)
    invitee = Browser(app)

    response = invitee.post(path, {"username": username, "password": password, "confirm_password": confirm})

    assert response.status_code == 422
    assert message in html.unescape(text(response))
    assert f'value="{username}"' in text(response)
    assert account_count(app) == 1  # boss
    assert only_invitation(app).used_at is None
    assert accept(invitee, path).status_code == 303


def test_a_username_taken_meanwhile_is_a_form_error_with_the_input_kept(app, admin, make_user):
    path = invite(admin)
    invitee = Browser(app)
    invitee.get(path)
    make_user("newbie")  # between the invitee opening the page and sending it

    response = accept(invitee, path, username="newbie")

    assert response.status_code == 422
    assert "The username “newbie” is taken." in text(response)
    assert 'value="newbie"' in text(response)
    assert only_invitation(app).used_at is None


def test_a_used_link_says_so_and_makes_nothing(app, admin):
    path = invite(admin)
    accept(Browser(app), path)
    second = Browser(app)

    page = second.get(path)
    sent = accept(second, path, username="another")

    assert page.status_code == sent.status_code == 410
    assert "This invitation has been used" in text(page)
    assert "No account was created." in text(sent)
    assert account_count(app) == 2  # boss and newbie


def test_an_expired_link_says_so_and_makes_nothing(app, admin):
    path = invite(admin, expiry="1h")
    with app.app_context():
        db.session.execute(update(Invitation).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
        db.session.commit()
    invitee = Browser(app)

    page = invitee.get(path)
    sent = accept(invitee, path)

    assert page.status_code == sent.status_code == 410
    assert "This invitation has expired" in text(page)
    assert account_count(app) == 1
    assert "Expired" in text(admin.get("/admin/invitations"))


def test_a_revoked_link_says_so_and_makes_nothing(app, admin):
    path = invite(admin, note="for Ada")
    invitation_id = only_invitation(app).id
    confirm = admin.get(f"/admin/invitations/{invitation_id}/revoke")
    assert "Revoke the invitation “for Ada”?" in text(confirm)

    response = admin.post(f"/admin/invitations/{invitation_id}/revoke", {"confirm": "yes"})

    assert response.status_code == 303
    assert "Invitation revoked" in text(admin.get("/admin/invitations"))
    invitee = Browser(app)
    assert invitee.get(path).status_code == 410
    assert "This invitation was revoked" in text(invitee.get(path))
    assert accept(invitee, path).status_code == 410
    assert account_count(app) == 1
    # Revoked once: no longer pending, so neither its page nor a second revoke finds it.
    assert admin.get(f"/admin/invitations/{invitation_id}/revoke").status_code == 404
    assert admin.post(f"/admin/invitations/{invitation_id}/revoke", {"confirm": "yes"}).status_code == 404


def test_a_used_invitation_cannot_be_revoked(app, admin):
    path = invite(admin)
    accept(Browser(app), path)

    assert admin.get(f"/admin/invitations/{only_invitation(app).id}/revoke").status_code == 404


@pytest.mark.parametrize(
    "tamper",
    [
        lambda secret: secret[:-1] + ("A" if secret[-1] != "A" else "B"),
        lambda secret: secret[:-1],
        lambda secret: secret + "x",
        lambda secret: secret.upper(),
        lambda secret: secret * 5,
    ],
    ids=["one character changed", "one character short", "one character more", "upper case", "very long"],
)
def test_a_tampered_link_is_not_valid_and_makes_nothing(app, admin, tamper):
    secret = invite(admin).removeprefix("/invite/")
    invitee = Browser(app)

    page = invitee.get(f"/invite/{tamper(secret)}")
    sent = accept(invitee, f"/invite/{tamper(secret)}")

    assert page.status_code == sent.status_code == 404
    assert "This invitation link is not valid" in text(page)
    assert account_count(app) == 1
    assert only_invitation(app).used_at is None


def test_someone_signed_in_is_asked_to_sign_out_first(app, admin, reader):
    path = invite(admin)

    page = reader.get(path)
    sent = accept(reader, path)

    assert page.status_code == 200 and sent.status_code == 409
    assert "You are signed in as <strong>alice</strong>" in text(page)
    assert account_count(app) == 2
    assert only_invitation(app).used_at is None


def test_the_link_never_reaches_the_log(app, admin, caplog):
    path = invite(admin)
    secret = path.removeprefix("/invite/")
    invitee = Browser(app)
    with caplog.at_level("INFO"):
        invitee.get(path)
        invitee.get(path[:-1])  # one that is not valid: 404
        accept(invitee, path, password="short")
        accept(invitee, path)

    assert "GET /invite/<secret> 200" in caplog.text
    assert "GET /invite/<secret> 404" in caplog.text
    assert secret not in caplog.text and secret[:-1] not in caplog.text


# -- two people on one link at once ------------------------------------------------------------------


def race(app, secret: str) -> list[object]:
    """Two threads accepting the same link at the same moment; what each got (a User or the error)."""
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def claim(index: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[index] = accept_invitation(
                    secret, f"racer{index}", NEW_PASSWORD, client="127.0.0.1", now=utcnow()
                ).username
            except InvitationClosed as closed:
                results[index] = closed.state
            finally:
                db.session.remove()

    threads = [threading.Thread(target=claim, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def race_on_the_claim_itself(app, invitation_id: int) -> list[bool]:
    """Two threads running the claim (the conditional UPDATE and the insert) at the same moment."""
    barrier = threading.Barrier(2)
    password_hash = hash_password(NEW_PASSWORD)
    results = [None, None]

    def claim(index: int) -> None:
        with app.app_context():
            user = User(username=f"claimer{index}", is_admin=False, password_hash=password_hash)
            user.rotate_session_token()
            entry = AuditEntry(action="accept-invitation", detail="", client="127.0.0.1", at=utcnow())
            barrier.wait()
            results[index] = invitation_repository.claim_with_new_user(invitation_id, user, entry, utcnow())
            db.session.remove()

    threads = [threading.Thread(target=claim, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def check_one_account_from_a_race(app) -> None:
    for _ in range(3):
        with app.app_context():
            invitation, secret = create_invitation(
                Actor.command_line(), expires_in=dt.timedelta(days=1), as_admin=False, note="", now=utcnow()
            )
            invitation_id = invitation.id
        results = race(app, secret)
        accounts_made = [result for result in results if isinstance(result, str)]
        assert len(accounts_made) == 1 and LinkState.USED in results, results
        with app.app_context():
            racers = db.session.scalars(select(User.username).where(User.username.like("racer%"))).all()
            assert racers == accounts_made
            assert db.session.get(Invitation, invitation_id).used_by_name == accounts_made[0]
            db.session.execute(db.delete(User).where(User.username.like("racer%")))
            db.session.commit()

        with app.app_context():
            invitation, secret = create_invitation(
                Actor.command_line(), expires_in=dt.timedelta(days=1), as_admin=False, note="", now=utcnow()
            )
            invitation_id = invitation.id
        assert sorted(race_on_the_claim_itself(app, invitation_id)) == [False, True]
        with app.app_context():
            claimers = db.session.scalars(select(User.username).where(User.username.like("claimer%"))).all()
            assert len(claimers) == 1
            assert db.session.get(Invitation, invitation_id).used_by_name == claimers[0]
            db.session.execute(db.delete(User).where(User.username.like("claimer%")))
            db.session.commit()


def test_two_people_racing_on_one_link_get_one_account_on_sqlite(tmp_path, dynalite):
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/race.sqlite3"})
    with app.app_context():
        upgrade()
    check_one_account_from_a_race(app)
    with app.app_context():
        db.engine.dispose()


def test_two_people_racing_on_one_link_get_one_account_on_mariadb(mariadb, dynalite):
    _, url = mariadb
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
    check_one_account_from_a_race(app)
    with app.app_context():
        db.engine.dispose()


def test_the_link_state_of_a_secret_that_was_never_made(app):
    with app.app_context():
        assert accept_invitation_state(app, "") is LinkState.UNKNOWN
        assert accept_invitation_state(app, "x" * 101) is LinkState.UNKNOWN


def accept_invitation_state(app, secret: str) -> LinkState:
    try:
        accept_invitation(secret, "nobody", NEW_PASSWORD, client="127.0.0.1", now=utcnow())
    except InvitationClosed as closed:
        return closed.state
    raise AssertionError("an account was made")
