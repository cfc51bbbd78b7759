"""Signing in and out, and changing one's own password."""

from __future__ import annotations

import logging

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFError

from bookapp import errors
from bookapp.blueprints.acting import current_actor
from bookapp.blueprints.auth import bp
from bookapp.blueprints.auth.devices import device_for, remember_device
from bookapp.blueprints.auth.forms import ChangePasswordForm, LoginForm
from bookapp.blueprints.auth.plain_http import secure_cookie_over_plain_http
from bookapp.client_address import request_client
from bookapp.extensions import limiter, login_manager
from bookapp.redirects import board_or
from bookapp.request_log import loggable_path
from bookapp.users import repository as users
from bookapp.users.accounts import (
    AccountError,
    SignInRefused,
    change_password,
    normalize_username,
    sign_in,
    sign_out,
)
from bookapp.users.brakes import SignInAttempt

log = logging.getLogger(__name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to continue."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_token: str):
    """The session cookie names the user's current session token, not their id: a token rotated at
    log-out, password change, disabling or deletion no longer finds anyone."""
    return users.find_by_session_token(session_token)


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_page(form: LoginForm, refusal: str | None = None, status: int = 200):
    page = render_template(
        "auth/login.html", form=form, refusal=refusal, over_plain_http=secure_cookie_over_plain_http()
    )
    return page, status


@bp.errorhandler(CSRFError)
def auth_form_refused(error: CSRFError):
    """Over plain HTTP with Secure cookies the token can never match (the browser kept no session):
    the sign-in page says why, instead of "your form expired", which reloading never fixes."""
    if not secure_cookie_over_plain_http():
        return errors.form_refused()
    log.warning(
        "CSRF check failed over plain HTTP (the browser keeps no Secure cookie) %s %s ip=%s",
        request.method,
        loggable_path(),
        request.remote_addr,
    )
    return _login_page(LoginForm(), status=400)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def login():
    """Sign in. A wrong username and a wrong password get the same message, and so do a locked
    username with an account and one without (`users/brakes.py`)."""
    if current_user.is_authenticated:
        return redirect(url_for("books.board"))
    form = LoginForm()
    if not form.validate_on_submit():
        return _login_page(form)
    username = normalize_username(form.username.data)
    attempt = SignInAttempt(username=username, client=request_client(), device=device_for(username))
    try:
        user = sign_in(attempt, form.password.data)
    except SignInRefused as refusal:
        log.info("sign-in failed username=%r ip=%s", form.username.data[:64], request.remote_addr)
        return _login_page(form, refusal=str(refusal))
    # A fresh session: nothing planted in the cookie before sign-in survives it (session fixation),
    # and the CSRF token is new too.
    session.clear()
    login_user(user)
    log.info("sign-in succeeded user_id=%s ip=%s", user.id, request.remote_addr)
    # `next` must never send a reader to another site, nor break the redirect's header.
    response = redirect(board_or(request.args.get("next")), code=303)
    remember_device(response, username)
    return response


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out everywhere this session's cookie was copied to (POST with a CSRF token)."""
    sign_out(current_user._get_current_object())
    logout_user()
    session.clear()
    flash("You are signed out.", "success")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password (the current one is required). Other sessions are signed out."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_password(current_actor(), user, form.current_password.data, form.new_password.data)
        except AccountError as error:
            getattr(form, error.field or "new_password").errors.append(str(error))
        else:
            login_user(user)  # this session goes on with the new token; all others have ended
            log.info("password changed user_id=%s ip=%s", user.id, request.remote_addr)
            flash("Your password is changed. Other devices are signed out.", "success")
            return redirect(url_for("books.board"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("auth/password.html", form=form), status
