from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from bookapp.blueprints.form_ids import new_form_id
from bookapp.users.access_tokens import DEFAULT_EXPIRY, EXPIRY_CHOICES, TOKEN_NAME_MAX_LENGTH, Scope
from bookapp.users.accounts import USERNAME_RULE
from bookapp.users.passwords import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    username = StringField(
        "Username",
        filters=[_strip],
        validators=[DataRequired("Enter your username."), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Sign in")


PASSWORD_RULE = f"{PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters, not a common password."


def new_password_field(label: str = "New password", note: str = "") -> PasswordField:
    """A field for choosing a password; the policy itself is checked by the account rules."""
    return PasswordField(
        label,
        validators=[DataRequired(f"Enter a {label.lower()}.")],
        description=f"{PASSWORD_RULE} {note}".strip(),
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = new_password_field()
    confirm_password = PasswordField(
        "New password again",
        validators=[
            DataRequired("Enter the new password again."),
            EqualTo("new_password", "The two new passwords differ."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class CreateAccessTokenForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[_strip],
        validators=[
            DataRequired("Name the token after what will use it."),
            Length(max=TOKEN_NAME_MAX_LENGTH, message=f"Keep the name under {TOKEN_NAME_MAX_LENGTH} characters."),
        ],
        description="What will use it, e.g. “e-reader sync” or “shortcuts on my phone”.",
        render_kw={"autocomplete": "off"},
    )
    expiry = SelectField(
        "Expires",
        choices=[SelectChoice(value, f"In {value} days" if value != "never" else "Never") for value in EXPIRY_CHOICES],
        default=DEFAULT_EXPIRY,
    )
    scope = RadioField(
        "Access",
        choices=[SelectChoice(scope.value, scope.label) for scope in Scope],
        default=Scope.READ.value,
    )
    # Made when the form is shown: the same form sent again (a reload) makes no second token.
    form_id = HiddenField(default=new_form_id)


class AcceptInvitationForm(FlaskForm):
    username = StringField(
        "Username",
        validators=[DataRequired("Choose a username."), Length(max=64)],
        description=USERNAME_RULE,
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = new_password_field("Password")
    confirm_password = PasswordField(
        "Password again",
        validators=[DataRequired("Enter the password again."), EqualTo("password", "The two passwords differ.")],
        render_kw={"autocomplete": "new-password"},
    )
