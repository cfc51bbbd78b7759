"""The audit log: every admin action, sign-in lockout and password change leaves one entry with who,
whom, what, when and from where, and never a secret; admins read it at /admin/audit (read-only,
filtered, paginated); operators export it as JSON lines and prune it by a retention."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

from sqlalchemy import delete, select, update

from bookapp.extensions import db
from bookapp.users import repository as users
from bookapp.users.accounts import set_disabled
from bookapp.users.audit import Action, Actor, record, record_bulk_action
from bookapp.users.brakes import PER_CLIENT
from bookapp.users.models import AuditEntry, Invitation, User, utcnow
from tests.api_helpers import make_token
from tests.conftest import PASSWORD, Browser

NEW_PASSWORD = "a reading lamp by the window"
RESET_PASSWORD = "another fine passphrase"
CREATED_PASSWORD = "maple violin harbour 26"
LINK = re.compile(r'id="new-invitation-link"[^>]*value="[^"]*/invite/([^"]+)"')


def text(response) -> str:
    return response.get_data(as_text=True)


def entries(app) -> list[dict]:
    """Every entry, oldest first, as its columns."""
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [{column.name: getattr(row, column.name) for column in AuditEntry.__table__.columns} for row in rows]


def forget_entries(app) -> None:
    """Start from an empty log (the fixtures' accounts were created from the command line, recorded)."""
    with app.app_context():
        db.session.execute(delete(AuditEntry))
        db.session.commit()


def summary(app) -> list[tuple]:
    return [(entry["actor_name"], entry["action"], entry["target_name"]) for entry in entries(app)]


def user_id(app, username: str) -> int:
    with app.app_context():
        return users.find_by_username(username).id


# -- what each action writes -------------------------------------------------------------------------


def test_every_admin_action_and_password_change_is_recorded_once_and_holds_no_secret(app, admin, make_user):
    secrets = {PASSWORD, NEW_PASSWORD, RESET_PASSWORD, CREATED_PASSWORD}
    forget_entries(app)
    admin.client.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    admin.post("/admin/users/new", {"username": "dora", "password": CREATED_PASSWORD, "is_admin": "y"})
    dora = user_id(app, "dora")
    admin.post(f"/admin/users/{dora}/disable", {"confirm": "yes"})
    admin.post(f"/admin/users/{dora}/enable", {"confirm": "yes"})
    admin.post(f"/admin/users/{dora}/password", {"new_password": RESET_PASSWORD})
    secrets.add(make_token(app, "dora"))
    admin.post(f"/admin/users/{dora}/tokens/revoke", {"confirm": "yes"})
    invited = admin.post("/admin/invitations", {"expiry": "7d", "note": "for Ada"})
    secret = LINK.search(text(invited)).group(1)
    secrets.add(html.unescape(secret))
    invitee = Browser(app)
    invitee.post(f"/invite/{secret}", {"username": "ada", "password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    invitee.csrf_token = None  # signed in: a new session, a new token
    second = LINK.search(text(admin.post("/admin/invitations", {"expiry": "1h"}))).group(1)
    secrets.add(html.unescape(second))
    with app.app_context():
        second_invitation = db.session.scalar(select(Invitation.id).order_by(Invitation.id.desc()))
    admin.post(f"/admin/invitations/{second_invitation}/revoke", {"confirm": "yes"})
    invitee.post(
        "/account/password",
        {"current_password": NEW_PASSWORD, "new_password": PASSWORD + "!", "confirm_password": PASSWORD + "!"},
    )
    secrets.add(PASSWORD + "!")
    admin.post(f"/admin/users/{dora}/delete", {"confirm": "yes"})

    assert summary(app) == [
        ("boss", "create", "dora"),
        ("boss", "disable", "dora"),
        ("boss", "enable", "dora"),
        ("boss", "reset-password", "dora"),
        ("boss", "revoke-tokens", "dora"),
        ("boss", "invite", None),
        ("ada", "accept-invitation", "ada"),
        ("boss", "invite", None),
        ("boss", "revoke-invitation", None),
        ("ada", "change-password", "ada"),
        ("boss", "delete", "dora"),
    ]
    recorded = entries(app)
    boss = user_id(app, "boss")
    assert {entry["client"] for entry in recorded if entry["actor_name"] == "boss"} == {"203.0.113.7"}
    assert all(entry["actor_id"] == boss for entry in recorded if entry["actor_name"] == "boss")
    assert recorded[-1]["target_id"] == dora  # the id stays, though the account is gone
    assert recorded[0]["detail"] == "as admin"
    assert recorded[4]["detail"] == "1 token"
    assert "for Ada" in recorded[5]["detail"]
    assert all(abs(entry["at"] - utcnow()) < dt.timedelta(minutes=1) for entry in recorded)
    with app.app_context():
        for row in db.session.scalars(select(User)):
            secrets |= {row.password_hash, row.session_token}
    assert_no_secret_in(recorded, secrets)


def assert_no_secret_in(recorded: list[dict], secrets: set[str]) -> None:
    for entry in recorded:
        for column, value in entry.items():
            for secret in secrets:
                assert secret not in str(value), f"entry {entry['id']} holds a secret in {column}"


def test_a_sign_in_lockout_is_recorded_with_the_username_and_the_client(app, make_user):
    make_user("alice")
    forget_entries(app)
    browser = Browser(app)
    browser.client.environ_base["REMOTE_ADDR"] = "198.51.100.66"
    for _ in range(PER_CLIENT.lock_after):
        browser.post("/login", {"username": "alice", "password": "a wrong password!"})

    (entry,) = entries(app)
    assert (entry["actor_name"], entry["action"], entry["target_name"]) == (None, "sign-in-lockout", "alice")
    assert entry["client"] == "198.51.100.66"
    assert entry["detail"] == "client brake, 15 minutes"
    assert_no_secret_in([entry], {"a wrong password!"})


def test_a_refused_action_records_nothing(app, admin):
    forget_entries(app)
    admin.post(f"/admin/users/{user_id(app, 'boss')}/disable", {"confirm": "yes"})  # not yourself
    admin.post("/admin/users/new", {"username": "dora", "password": "short"})

    assert entries(app) == []


def test_a_bulk_action_leaves_one_entry_per_account_and_a_summary(app, make_user):
    for name in ("ann", "ben", "cat"):
        make_user(name)
    make_user("boss", is_admin=True)
    forget_entries(app)
    with app.app_context():
        actor = Actor.of(users.find_by_username("boss"), "192.0.2.1")
        for name in ("ann", "ben", "cat"):
            set_disabled(actor, users.find_by_username(name), True)
        record_bulk_action(actor, Action.DISABLE, done=3, skipped=1)

    assert summary(app) == [
        ("boss", "disable", "ann"),
        ("boss", "disable", "ben"),
        ("boss", "disable", "cat"),
        ("boss", "bulk", None),
    ]
    assert entries(app)[-1]["detail"] == "bulk disable of 3 accounts, 1 skipped"


def test_the_command_line_is_recorded_as_the_operator(app, monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", PASSWORD)
    app.test_cli_runner().invoke(args=["create-admin", "olivia"])

    (entry,) = entries(app)
    assert (entry["actor_id"], entry["actor_name"], entry["client"]) == (None, None, "command line")


# -- the admin's page -----------------------------------------------------------------------------------


def add_entries(app, count: int, action: Action = Action.ENABLE, target: str = "someone") -> None:
    with app.app_context():
        actor = Actor(None, "boss", "192.0.2.1")
        for n in range(count):
            record(actor, action, target_name=target, detail=f"entry {n}")


def page_details(response) -> list[str]:
    body = text(response).split('id="audit-entries"')[1].split("</table>")[0]
    return re.findall(r"<td>(entry \d+)</td>", body)


def test_the_audit_page_shows_the_newest_first_25_a_page(app, admin):
    forget_entries(app)
    add_entries(app, 30)

    first, second = admin.get("/admin/audit"), admin.get("/admin/audit?page=2")

    assert first.status_code == 200
    assert page_details(first) == [f"entry {n}" for n in range(29, 4, -1)]
    assert page_details(second) == [f"entry {n}" for n in range(4, -1, -1)]
    assert 'href="/admin/audit?page=2"' in text(first)


def test_the_audit_page_filters_by_account_and_action(app, admin):
    forget_entries(app)
    add_entries(app, 2, Action.DISABLE, target="ann")
    add_entries(app, 1, Action.ENABLE, target="ann")
    add_entries(app, 3, Action.DISABLE, target="ben")

    by_account = admin.get("/admin/audit?account=ANN")
    by_both = admin.get("/admin/audit?account=ann&action=disable")
    by_actor = admin.get("/admin/audit?account=boss")

    assert len(page_details(by_account)) == 3
    assert len(page_details(by_both)) == 2
    assert len(page_details(by_actor)) == 6
    assert '<option value="disable" selected>' in text(by_both)
    assert 'value="ann"' in text(by_both)
    assert "No entries match this filter." in text(admin.get("/admin/audit?account=nobody"))


def test_an_action_the_log_does_not_know_filters_nothing(app, admin):
    forget_entries(app)
    add_entries(app, 2)

    assert len(page_details(admin.get("/admin/audit?action=drop-table"))) == 2


def test_the_audit_page_says_when_nothing_is_recorded(app, admin):
    forget_entries(app)
    assert "Nothing recorded yet." in text(admin.get("/admin/audit"))


def test_the_audit_log_has_no_route_that_changes_it(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin/audit")]
    assert [sorted(rule.methods - {"HEAD", "OPTIONS"}) for rule in rules] == [["GET"]]


def test_the_audit_page_is_linked_from_the_admin_pages(admin):
    page = text(admin.get("/admin/users"))
    assert 'href="/admin/audit"' in page and 'href="/admin/invitations"' in page


# -- the operator's commands ----------------------------------------------------------------------------


def test_export_audit_writes_json_lines_oldest_first_to_stdout(app):
    add_entries(app, 3)

    result = app.test_cli_runner().invoke(args=["export-audit"])

    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["detail"] for line in lines] == ["entry 0", "entry 1", "entry 2"]
    assert set(lines[0]) == {"id", "at", "actor_id", "actor", "target_id", "target", "action", "detail", "client"}
    assert lines[0]["actor"] == "boss" and lines[0]["action"] == "enable" and lines[0]["at"].endswith("+00:00")


def test_export_audit_writes_to_a_file(app, tmp_path):
    add_entries(app, 600)  # more than one batch
    output = tmp_path / "audit.jsonl"

    result = app.test_cli_runner().invoke(args=["export-audit", "--output", str(output)])

    assert result.exit_code == 0, result.output
    lines = output.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 600 and json.loads(lines[-1])["detail"] == "entry 599"


def age_entries(app, days: int, details: list[str]) -> None:
    with app.app_context():
        db.session.execute(
            update(AuditEntry).where(AuditEntry.detail.in_(details)).values(at=utcnow() - dt.timedelta(days=days))
        )
        db.session.commit()


def test_prune_audit_keeps_the_retention_setting_or_the_days_given(app):
    add_entries(app, 4)
    age_entries(app, 400, ["entry 0"])
    age_entries(app, 40, ["entry 1"])
    runner = app.test_cli_runner()

    default = runner.invoke(args=["prune-audit"])
    assert default.exit_code == 0 and "Deleted 1 audit entry older than 365 days." in default.output
    shorter = runner.invoke(args=["prune-audit", "--days", "30"])
    assert shorter.exit_code == 0 and "Deleted 1 audit entry older than 30 days." in shorter.output
    assert [entry["detail"] for entry in entries(app)] == ["entry 2", "entry 3"]
    assert runner.invoke(args=["prune-audit", "--days", "0"]).exit_code != 0


def test_prune_audit_follows_audit_retention_days(app):
    add_entries(app, 2)
    age_entries(app, 10, ["entry 0"])
    app.config["AUDIT_RETENTION_DAYS"] = 7

    result = app.test_cli_runner().invoke(args=["prune-audit"])

    assert "Deleted 1 audit entry older than 7 days." in result.output


def test_a_bulk_action_through_the_user_list_leaves_each_accounts_entry_and_a_summary(app, admin, make_user):
    ann, ben = make_user("ann"), make_user("ben")
    boss = user_id(app, "boss")
    forget_entries(app)

    response = admin.post("/admin/users/bulk/apply", {"user_ids": [ann.id, ben.id, boss], "action": "disable"})

    assert response.status_code == 303
    assert summary(app) == [("boss", "disable", "ann"), ("boss", "disable", "ben"), ("boss", "bulk", None)]
    assert entries(app)[-1]["detail"] == "bulk disable of 2 accounts, 1 skipped"
