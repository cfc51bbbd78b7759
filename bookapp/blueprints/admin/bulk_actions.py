"""Admin actions on several accounts at once: ticked in the user list, named on one confirmation
page, then applied account by account through the same services (and rules) as one at a time."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from bookapp.blueprints.acting import current_actor
from bookapp.blueprints.admin import bp
from bookapp.blueprints.admin.forms import BulkActionForm
from bookapp.blueprints.admin.user_list import USERS_PER_PAGE, book_counts, list_arguments, list_state, render_user_list
from bookapp.books import get_book_repository
from bookapp.users import User
from bookapp.users import repository as users
from bookapp.users.bulk_actions import AccountResult, BulkAction, Outcome, apply_to_accounts

log = logging.getLogger(__name__)


class SelectionRefused(Exception):
    """The bulk form cannot be acted on; the message says why, fit to show the admin."""


@dataclass(frozen=True)
class Selection:
    action: BulkAction
    accounts: list[User]  # by username
    missing: int  # ticked ids that are no account (deleted meanwhile, or never one)


@bp.errorhandler(SelectionRefused)
def selection_refused(error: SelectionRefused):
    """The list again, as it was, with the reason above it and the ticked accounts still ticked."""
    listing, page = list_state(request.form.get("list_query", ""))
    return render_user_list(listing, page, bulk_problem=str(error), ticked=_ticked_ids()), 422


@bp.post("/users/bulk")
def confirm_bulk_action():
    """The ticked accounts and the action → one page that names them and asks to confirm."""
    form = BulkActionForm()
    selection = _selection(form)
    listing, page = list_state(form.list_query.data or "")
    counts = book_counts(selection.accounts) if selection.action is BulkAction.DELETE else None
    return render_template(
        "admin/confirm_bulk.html",
        form=form,
        selection=selection,
        book_counts=counts,
        includes_you=any(account.id == current_user.id for account in selection.accounts),
        back_url=url_for("admin.list_users", **list_arguments(listing, page)),
    )


@bp.post("/users/bulk/apply")
def apply_bulk_action():
    """Apply the confirmed action to each account in turn; those the rules protect are skipped."""
    form = BulkActionForm()
    selection = _selection(form)
    results = apply_to_accounts(current_actor(), selection.accounts, selection.action, get_book_repository())
    log.info(
        "bulk %s by admin_id=%s: %s",
        selection.action.value,
        current_user.id,
        ", ".join(f"{result.username}={result.outcome.value}" for result in results),
    )
    _flash_summary(selection, results)
    listing, page = list_state(form.list_query.data or "")
    return redirect(url_for("admin.list_users", **list_arguments(listing, page)), code=303)


def _selection(form: BulkActionForm) -> Selection:
    """The accounts and action the form names, or SelectionRefused saying what is wrong with it."""
    if not form.validate_on_submit():  # the CSRF token was checked before the view
        if form.action.errors:
            raise SelectionRefused("Choose what to do with the selected accounts: disable, enable or delete.")
        raise SelectionRefused("The selection could not be read. Tick the accounts again.")
    ids = list(dict.fromkeys(form.user_ids.data or []))
    if not ids:
        raise SelectionRefused("Select at least one account first.")
    if len(ids) > USERS_PER_PAGE:
        raise SelectionRefused(f"Select at most {USERS_PER_PAGE} accounts at a time (a page of the list).")
    accounts = users.get_users(ids)
    if not accounts:
        raise SelectionRefused("None of the selected accounts exists any more. The list shows the accounts there are.")
    return Selection(BulkAction(form.action.data), accounts, missing=len(ids) - len(accounts))


def _ticked_ids() -> set[int]:
    """The ids the form ticked that read as numbers (to tick them again)."""
    ticked = set()
    for value in request.form.getlist("user_ids"):
        try:
            ticked.add(int(value))
        except ValueError:
            continue
    return ticked


def _names(results: list[AccountResult]) -> str:
    return ", ".join(f"“{result.username}”" for result in results)


def _flash_summary(selection: Selection, results: list[AccountResult]) -> None:
    done = [result for result in results if result.outcome is Outcome.DONE]
    if done and selection.action is BulkAction.DELETE:
        books = sum(result.books_deleted for result in done)
        flash(
            f"Deleted {_accounts(len(done))} and all of their books ({books}), which are gone: {_names(done)}.",
            "success",
        )
    elif done:
        flash(f"{selection.action.done} {_accounts(len(done))}: {_names(done)}.", "success")
    for result in results:
        if result.outcome is Outcome.SKIPPED:
            flash(f"Skipped “{result.username}”: {result.reason}", "warning")
        elif result.outcome is Outcome.UNFINISHED:
            flash(f"“{result.username}” is not deleted yet: {result.reason}", "danger")
    if selection.missing:
        exists = "exists" if selection.missing == 1 else "exist"
        flash(f"Skipped {_accounts(selection.missing)} that no longer {exists}.", "warning")


def _accounts(count: int) -> str:
    return f"{count} account{'s' if count != 1 else ''}"
