from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from bookapp.blueprints.auth.forms import new_password_field
from bookapp.blueprints.form_ids import new_form_id
from bookapp.users.accounts import USERNAME_RULE
from bookapp.users.invitations import DEFAULT_EXPIRY, EXPIRY_CHOICES, NOTE_MAX_LENGTH


class CreateUserForm(FlaskForm):
    username = StringField(
        "Username",
        validators=[DataRequired("Enter a username."), Length(max=64)],
        description=USERNAME_RULE,
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = new_password_field("Password", note="Give it to the person privately.")
    is_admin = BooleanField("Admin (can create and delete accounts)")


class ResetPasswordForm(FlaskForm):
    new_password = new_password_field()


class InvitationForm(FlaskForm):
    expiry = SelectField(
        "Link expires in",
        choices=[SelectChoice(value, label) for value, (label, _) in EXPIRY_CHOICES.items()],
        default=DEFAULT_EXPIRY,
    )
    as_admin = BooleanField("Admin (can create and delete accounts)")
    note = StringField(
        "Note (optional)",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            Optional(),
            Length(max=NOTE_MAX_LENGTH, message=f"Keep the note under {NOTE_MAX_LENGTH} characters."),
        ],
        description="Who it is for, e.g. “for Ada”. Only admins see it.",
        render_kw={"autocomplete": "off"},
    )
    # Made when the form is shown: the same form sent again (a reload) makes no second link.
    form_id = HiddenField(default=new_form_id)
