from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from bookapp.blueprints.auth.forms import new_password_field
from bookapp.blueprints.form_ids import new_form_id
from bookapp.users.accounts import USERNAME_RULE
from bookapp.users.bulk_actions import BulkAction
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


class RoleForm(FlaskForm):
    """The role a user list row's button gives its account."""

    role = SelectField(choices=[SelectChoice("admin", "Admin"), SelectChoice("reader", "Reader")])


class BulkActionForm(FlaskForm):
    """Accounts ticked in the user list and what to do with them; sent once to ask for confirmation
    and once more, confirmed. `list_query` carries the list's search and filters, to go back to."""

    # Ids are read as numbers; which of them are accounts is the repository's to say.
    user_ids = SelectMultipleField(coerce=int, validate_choice=False)
    action = SelectField(choices=[SelectChoice(action.value, action.label) for action in BulkAction])
    list_query = HiddenField()


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
