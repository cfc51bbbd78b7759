from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from bookapp.blueprints.auth.forms import new_password_field
from bookapp.users.accounts import USERNAME_RULE


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
