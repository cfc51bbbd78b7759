"""Accepting an invitation link: the invitee chooses a username and a password and is signed in."""

from __future__ import annotations

import logging

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_user

from bookapp.blueprints.auth import bp
from bookapp.blueprints.auth.forms import AcceptInvitationForm
from bookapp.client_address import request_client
from bookapp.extensions import limiter
from bookapp.users.accounts import AccountError
from bookapp.users.invitations import InvitationClosed, LinkState, accept_invitation, link_state
from bookapp.users.models import utcnow

log = logging.getLogger(__name__)

# A link that makes no account: 404 for one never made (or altered), 410 for one that was.
CLOSED_STATUS = {LinkState.UNKNOWN: 404, LinkState.EXPIRED: 410, LinkState.USED: 410, LinkState.REVOKED: 410}


def _rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _closed_page(state: LinkState):
    return render_template("auth/invitation_closed.html", state=state.value), CLOSED_STATUS[state]


@bp.route("/invite/<secret>", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def accept_invitation_page(secret: str):
    """The form an invitation link opens; sent, it makes the account and signs it in. A closed link
    says so plainly and makes nothing. Someone signed in is asked to sign out first: accepting would
    otherwise swap their session for the new account's."""
    state, invitation = link_state(secret, utcnow())
    if state is not LinkState.OPEN:
        return _closed_page(state)
    form = AcceptInvitationForm()
    if current_user.is_authenticated:
        return render_template("auth/accept_invitation.html", form=form, signed_in=True), (
            409 if form.is_submitted() else 200
        )
    if form.validate_on_submit():
        try:
            user = accept_invitation(
                secret, form.username.data, form.password.data, client=request_client(), now=utcnow()
            )
        except InvitationClosed as closed:
            return _closed_page(closed.state)
        except AccountError as error:
            field = form.password if error.field == "password" else form.username
            field.errors.append(str(error))
        else:
            session.clear()  # a fresh session, as at every sign-in
            login_user(user)
            log.info("invitation accepted invitation_id=%s user_id=%s", invitation.id, user.id)
            flash(f"Welcome, {user.username}! Your account is ready.", "success")
            return redirect(url_for("books.board"), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation, signed_in=False), status
