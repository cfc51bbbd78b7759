"""Settings → Access tokens: a reader makes, lists and revokes personal access tokens for the API."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from bookapp.blueprints.auth import bp
from bookapp.blueprints.auth.forms import CreateAccessTokenForm
from bookapp.blueprints.books.forms import ConfirmForm
from bookapp.blueprints.form_ids import form_id_from
from bookapp.users import repository as users
from bookapp.users.access_tokens import EXPIRY_CHOICES, Scope, TokenAlreadyMade, create_token, revoke_token
from bookapp.users.models import utcnow

log = logging.getLogger(__name__)


def _tokens_page(form: CreateAccessTokenForm, new_token: str | None = None, status: int = 200, made_already=None):
    tokens = users.tokens_of(current_user.id)
    page = render_template(
        "auth/access_tokens.html",
        form=form,
        tokens=tokens,
        new_token=new_token,
        made_already=made_already,
        now=utcnow(),
    )
    return page, status


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def access_tokens():
    """The reader's tokens, and the form that makes one. A new token is shown in the answer to the
    form, once: it is never stored, not even in the session cookie a redirect would need. So the
    answer is the page itself, not a redirect, and the form carries an id: sent again (a reload),
    it makes no second token and the page says the token was shown already."""
    form = CreateAccessTokenForm()
    if not form.validate_on_submit():
        return _tokens_page(form, status=422 if form.is_submitted() else 200)
    try:
        token, secret = create_token(
            current_user,
            name=form.name.data,
            scope=Scope(form.scope.data),
            expires_in_days=EXPIRY_CHOICES[form.expiry.data],
            now=utcnow(),
            form_id=form_id_from(form.form_id.data),
        )
    except TokenAlreadyMade as made:
        return _tokens_page(CreateAccessTokenForm(formdata=None), made_already=made.token)
    log.info(
        "access token created user_id=%s token_id=%s scope=%s ip=%s",
        current_user.id,
        token.id,
        token.scope,
        request.remote_addr,
    )
    return _tokens_page(CreateAccessTokenForm(formdata=None), new_token=secret, status=201)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke_access_token(token_id: int):
    """Revoke one of the reader's tokens, after confirmation: it stops working at once."""
    token = users.get_token(current_user.id, token_id)
    if token is None:
        abort(404)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        name = token.name
        revoke_token(current_user, token_id, utcnow())
        log.info("access token revoked user_id=%s token_id=%s ip=%s", current_user.id, token_id, request.remote_addr)
        flash(f"Revoked the token “{name}”. Anything using it is refused from now on.", "success")
        return redirect(url_for("auth.access_tokens"), code=303)
    return render_template("auth/revoke_access_token.html", token=token, form=form)
