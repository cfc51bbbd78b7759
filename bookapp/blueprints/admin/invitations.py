"""Admin pages for invitation links: make one (shown once), list pending and used ones, revoke."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, request, url_for

from bookapp.blueprints.acting import current_actor
from bookapp.blueprints.admin import bp
from bookapp.blueprints.admin.forms import InvitationForm
from bookapp.blueprints.books.forms import ConfirmForm
from bookapp.blueprints.form_ids import form_id_from
from bookapp.users import invitations as invitation_rules
from bookapp.users.models import utcnow

log = logging.getLogger(__name__)


def _invitations_page(form: InvitationForm, new_link: str | None = None, status: int = 200, made_already=None):
    now = utcnow()
    page = render_template(
        "admin/invitations.html",
        form=form,
        lists=invitation_rules.invitation_lists(now),
        new_link=new_link,
        made_already=made_already,
        now=now,
    )
    return page, status


@bp.route("/invitations", methods=["GET", "POST"])
def invitations():
    """Pending and used invitations, and the form that makes one. The new link is shown in the
    answer to the form, once: its secret is never stored, not even in a session cookie a redirect
    would need, so the answer is the page itself."""
    form = InvitationForm()
    if not form.validate_on_submit():
        return _invitations_page(form, status=422 if form.is_submitted() else 200)
    try:
        invitation, secret = invitation_rules.create_invitation(
            current_actor(),
            expires_in=invitation_rules.EXPIRY_CHOICES[form.expiry.data][1],
            as_admin=form.as_admin.data,
            note=form.note.data or "",
            now=utcnow(),
            form_id=form_id_from(form.form_id.data),
        )
    except invitation_rules.InvitationAlreadyMade as made:
        return _invitations_page(InvitationForm(formdata=None), made_already=made.invitation)
    log.info("invitation created invitation_id=%s by admin_id=%s", invitation.id, invitation.created_by_id)
    link = url_for("auth.accept_invitation_page", secret=secret, _external=True)
    return _invitations_page(InvitationForm(formdata=None), new_link=link, status=201)


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["GET", "POST"])
def revoke_invitation(invitation_id: int):
    """Revoke a pending invitation, after confirmation: its link makes no account from then on."""
    invitation = invitation_rules.pending_invitation(invitation_id, utcnow())
    if invitation is None:
        abort(404)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        if invitation_rules.revoke_invitation(current_actor(), invitation_id, utcnow()):
            log.info("invitation revoked invitation_id=%s", invitation_id)
            flash("Invitation revoked: its link makes no account any more.", "success")
        else:  # accepted or revoked between the confirmation page and now
            flash("That invitation was used or revoked meanwhile.", "warning")
        return redirect(url_for("admin.invitations"), code=303)
    return render_template("admin/confirm_revoke_invitation.html", invitation=invitation, form=form)
