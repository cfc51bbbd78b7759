"""The audit log for admins: read-only, newest first, filtered by account and action."""

from __future__ import annotations

from flask import render_template, request

from bookapp.blueprints.admin import bp
from bookapp.blueprints.admin.user_list import page_number
from bookapp.users.accounts import normalize_username
from bookapp.users.audit import COMMAND_LINE, Action, AuditFilter, page_of_entries

ENTRIES_PER_PAGE = 25


def _audit_filter() -> AuditFilter:
    """The filter from the URL; an action the log does not know filters nothing."""
    account = normalize_username(request.args.get("account", ""))[:64] or None
    try:
        action = Action(request.args.get("action", ""))
    except ValueError:
        action = None
    return AuditFilter(account=account, action=action)


@bp.get("/audit")
def audit_log():
    """Who did what to which account, when and from where. There is no route that edits or deletes
    an entry: old ones go only by the operator's `flask prune-audit`."""
    audit_filter = _audit_filter()
    page = request.args.get("page", 1, type=page_number)
    pagination = page_of_entries(audit_filter, page=page, per_page=ENTRIES_PER_PAGE)
    return render_template(
        "admin/audit.html",
        pagination=pagination,
        audit_filter=audit_filter,
        actions=list(Action),
        action_labels={action.value: action.label for action in Action},
        command_line=COMMAND_LINE,
    )
