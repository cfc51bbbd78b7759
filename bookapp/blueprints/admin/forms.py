from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from bookapp.users.accounts import USERNAME_RULE
from bookapp.users.passwords import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH


class CreateUserForm(FlaskForm):
    username = StringField(
        "Username",
        validators=[DataRequired("Enter a username."), Length(max=64)],
        description=USERNAME_RULE,
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter a password.")],
        description=f"{PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters, not a common password. "
        "Give it to the person privately.",
        render_kw={"autocomplete": "new-password"},
    )
    is_admin = BooleanField("Admin (can create and delete accounts)")


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(
        "New password",
        validators=[DataRequired("Enter a new password.")],
        description=f"{PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters, not a common password.",
        render_kw={"autocomplete": "new-password"},
    )
