"""Forms. Field labels are English msgids, translated when the page renders; the rules
for what a valid account is live in services/accounts.py, not here."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from supply_match.models import Role

# Most accounts are village cadres', and a slip should not make an administrator: the
# form offers the roles from the least power to the most, a cadre by default.
ROLE_LABELS = {
    Role.CADRE: _l("Village cadre"),
    Role.DISPATCHER: _l("Dispatcher"),
    Role.ADMIN: _l("Administrator"),
}


def _text_only(value: object) -> object:
    # A JSON body reaches the form as data: a list or an object is no name or password.
    return value if value is None or isinstance(value, str) else ""


class LoginForm(FlaskForm):
    login = StringField(
        _l("Username or mobile number"),
        filters=[_text_only],
        validators=[
            InputRequired(message=_l("Please enter your username or mobile number.")),
            Length(max=64),
        ],
    )
    password = PasswordField(
        _l("Password"),
        filters=[_text_only],
        validators=[InputRequired(message=_l("Please enter your password.")), Length(max=128)],
    )


class UserForm(FlaskForm):
    username = StringField(_l("Username"))
    display_name = StringField(_l("Name"))
    mobile = StringField(_l("Mobile number (optional)"))
    password = PasswordField(_l("Initial password"))
    role = SelectField(
        _l("Role"),
        # Least power first and by default: an administrator's account is never made by
        # a form left as it was.
        choices=[SelectChoice(str(role), label) for role, label in ROLE_LABELS.items()],
        default=str(Role.CADRE),
    )
    villages = SelectMultipleField(_l("Villages (village cadres only)"), coerce=int)
