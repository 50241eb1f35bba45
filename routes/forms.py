"""Forms. Field labels are English msgids, translated when the page renders; the rules
for what a valid account is live in services/accounts.py, not here."""

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from werkzeug.datastructures import CombinedMultiDict
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from supply_match.models import Role
from supply_match.services.fields import record_id

# Most accounts are village cadres', and a slip should not make an administrator: the
# form offers the roles from the least power to the most, a cadre by default.
ROLE_LABELS = {
    Role.CADRE: _l("Village cadre"),
    Role.OUTLET_STAFF: _l("Outlet staff"),
    Role.DISPATCHER: _l("Dispatcher"),
    Role.ADMIN: _l("Administrator"),
}


class PageForm(FlaskForm):
    """A form a page posts. Flask-WTF would also read a JSON body as the form, handing a
    field whatever the JSON held (an object, a list, a number): pages take form fields
    only, so a JSON body reads as an empty form and fails validation with a message."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            if formdata is _Auto:
                if request.files:
                    return CombinedMultiDict((request.files, request.form))
                return request.form or None
            return formdata


class LoginForm(PageForm):
    login = StringField(
        _l("Username or mobile number"),
        validators=[
            InputRequired(message=_l("Please enter your username or mobile number.")),
            Length(max=64),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Please enter your password.")), Length(max=128)],
    )


class UserForm(PageForm):
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
    # Any text gets through (an unknown outlet is the service's error, under this field).
    outlet_id = SelectField(
        _l("Outlet (outlet staff only)"), coerce=record_id, validate_choice=False
    )
