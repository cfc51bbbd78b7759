"""Admin pages for one account at a time: list, create, delete, disable, and revoke its access tokens
(the list's page is user_list.py; actions on several accounts at once, bulk_actions.py)."""

from __future__ import annotations

import logging

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from bookapp.blueprints.acting import current_actor
from bookapp.blueprints.admin import bp
from bookapp.blueprints.admin.forms import CreateUserForm, ResetPasswordForm, RoleForm
from bookapp.blueprints.admin.user_list import list_arguments, page_number, render_user_list
from bookapp.blueprints.books.forms import ConfirmForm
from bookapp.books import get_book_repository
from bookapp.extensions import login_manager
from bookapp.users import User
from bookapp.users import repository as users
from bookapp.users.access_tokens import revoke_all_tokens
from bookapp.users.accounts import (
    AccountError,
    create_account,
    delete_account,
    set_disabled,
    set_password,
    set_role,
)
from bookapp.users.listing import UserListing
from bookapp.users.models import utcnow

log = logging.getLogger(__name__)


@bp.before_request
def admins_only():
    """The one authorization check for every /admin route: anonymous → sign in, reader → 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403)  # logged once, by the 403 handler


def _user_or_404(user_id: int) -> User:
    user = users.get_user(user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/")
def index():
    return redirect(url_for("admin.list_users"))


@bp.get("/users")
def list_users():
    """The accounts, a page at a time, searched, filtered and sorted as the URL asks (a GET form)."""
    arguments = {
        "q": request.args.get("q", ""),
        "role": request.args.get("role", ""),
        "state": request.args.get("state", ""),
        "never": request.args.get("never", ""),
        "sort": request.args.get("sort", ""),
        "direction": request.args.get("direction", ""),
    }
    listing, ignored = UserListing.from_arguments(arguments)
    page = request.args.get("page", 1, type=page_number)
    # htmx asks for the results alone, except when it restores a page missing from its history cache.
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    response = make_response(render_user_list(listing, page, ignored=ignored, fragment=fragment))
    if fragment:  # the address bar shows the list's own URL, without the form's empty and default fields
        response.headers["HX-Push-Url"] = url_for("admin.list_users", **list_arguments(listing, page))
    return response


@bp.route("/users/new", methods=["GET", "POST"])
def create_user():
    """Create an account; nobody signs up alone."""
    form = CreateUserForm()
    if form.validate_on_submit():
        try:
            user = create_account(current_actor(), form.username.data, form.password.data, is_admin=form.is_admin.data)
        except AccountError as error:
            field = form.password if error.field == "password" else form.username
            field.errors.append(str(error))
        else:
            log.info("account created user_id=%s by admin_id=%s", user.id, current_user.id)
            flash(f"Created {'admin' if user.is_admin else 'reader'} “{user.username}”.", "success")
            return redirect(url_for("admin.list_users"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("admin/new_user.html", form=form), status


@bp.route("/users/<int:user_id>/delete", methods=["GET", "POST"])
def delete_user(user_id: int):
    """Delete an account and all of its books, after confirmation."""
    user = _user_or_404(user_id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        username = user.username
        try:
            deleted_books = delete_account(current_actor(), user, get_book_repository())
        except AccountError as error:
            flash(str(error), "danger")
            return redirect(url_for("admin.list_users"), code=303)
        log.info("account deleted user_id=%s by admin_id=%s books=%s", user_id, current_user.id, deleted_books)
        flash(f"Deleted “{username}” and {deleted_books} book{'s' if deleted_books != 1 else ''}.", "success")
        return redirect(url_for("admin.list_users"), code=303)
    book_count = sum(get_book_repository().counts(user.books_key).values())
    return render_template("admin/confirm_delete.html", user=user, form=form, book_count=book_count)


@bp.post("/users/<int:user_id>/disable")
def disable_user(user_id: int):
    """Disable an account: its sessions end at once, it cannot sign in, its books are kept."""
    return _set_disabled(user_id, disabled=True)


@bp.post("/users/<int:user_id>/enable")
def enable_user(user_id: int):
    return _set_disabled(user_id, disabled=False)


def _set_disabled(user_id: int, disabled: bool):
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        set_disabled(current_actor(), user, disabled)
    except AccountError as error:
        flash(str(error), "danger")
    else:
        action = "disabled" if disabled else "enabled"
        log.info("account %s user_id=%s by admin_id=%s", action, user.id, current_user.id)
        flash(f"“{user.username}” is {action}.", "success")
    return redirect(url_for("admin.list_users"), code=303)


@bp.post("/users/<int:user_id>/role")
def change_role(user_id: int):
    """Make an account an admin (`role=admin`) or a reader (`role=reader`)."""
    user = _user_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        set_role(current_actor(), user, is_admin=form.role.data == "admin")
    except AccountError as error:
        flash(str(error), "danger")
    else:
        log.info("account role=%s user_id=%s by admin_id=%s", form.role.data, user.id, current_user.id)
        flash(f"“{user.username}” is {'an admin' if user.is_admin else 'a reader'}.", "success")
    return redirect(url_for("admin.list_users"), code=303)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
def reset_password(user_id: int):
    """Give an account a new password (the person forgot theirs); their sessions end."""
    user = _user_or_404(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            set_password(current_actor(), user, form.new_password.data)
        except AccountError as error:
            form.new_password.errors.append(str(error))
        else:
            log.info("password reset user_id=%s by admin_id=%s", user.id, current_user.id)
            flash(f"New password set for “{user.username}”. Give it to them privately.", "success")
            return redirect(url_for("admin.list_users"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("admin/reset_password.html", form=form, user=user), status


@bp.route("/users/<int:user_id>/tokens/revoke", methods=["GET", "POST"])
def revoke_tokens(user_id: int):
    """Revoke every access token of an account (a lost phone, a leaked script), after confirmation."""
    user = _user_or_404(user_id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        revoked = revoke_all_tokens(current_actor(), user, utcnow())
        log.info("access tokens revoked user_id=%s by admin_id=%s tokens=%s", user.id, current_user.id, revoked)
        flash(f"Revoked {revoked} access token{'s' if revoked != 1 else ''} of “{user.username}”.", "success")
        return redirect(url_for("admin.list_users"), code=303)
    token_count = users.count_live_tokens([user.id], utcnow()).get(user.id, 0)
    return render_template("admin/confirm_revoke_tokens.html", user=user, form=form, token_count=token_count)
