"""Signing in and out."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from bookapp.blueprints.auth import bp
from bookapp.blueprints.auth.forms import LoginForm
from bookapp.extensions import login_manager
from bookapp.users import repository as users
from bookapp.users.accounts import normalize_username
from bookapp.users.passwords import burn_verification_time

log = logging.getLogger(__name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to continue."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str):
    return users.get_user(int(user_id)) if user_id.isdigit() else None


def _safe_next(target: str | None) -> str:
    """Only same-site paths: `next` must never send a reader to another site."""
    if target and "\\" not in target:  # browsers read a backslash as a slash: "/\evil" is "//evil"
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("books.board")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in. A wrong username and a wrong password get the same message."""
    if current_user.is_authenticated:
        return redirect(url_for("books.board"))
    form = LoginForm()
    if form.validate_on_submit():
        user = users.find_by_username(normalize_username(form.username.data))
        if user is None:
            burn_verification_time()
        elif user.check_password(form.password.data):
            login_user(user)
            users.record_sign_in(user)
            log.info("sign-in succeeded user_id=%s ip=%s", user.id, request.remote_addr)
            return redirect(_safe_next(request.args.get("next")), code=303)
        log.info("sign-in failed username=%r ip=%s", form.username.data[:64], request.remote_addr)
        return render_template("auth/login.html", form=form, failed=True), 200
    return render_template("auth/login.html", form=form, failed=False)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out (POST with a CSRF token, so another site cannot sign a reader out)."""
    logout_user()
    flash("You are signed out.", "success")
    return redirect(url_for("auth.login"), code=303)
