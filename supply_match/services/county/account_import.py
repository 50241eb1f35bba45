"""Village cadres' and outlet staff's accounts from a sheet, each with a random first
password that is shown once (a printable list) and must be changed at the first sign-in.

A row is a village cadre's unless its role column says outlet staff (网点店员): a cadre's
row names its villages by code, a staff row its outlet by name. The role and outlet
columns may be left out of a sheet of cadres only, as the older template had them.

Rows are checked like the new-account form (services/county/accounts.py); a login or
mobile repeated in the sheet or already taken, an unknown village code or outlet, is
named with its row and column, and on any error no account is made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import Outlet, Role, Village
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.county import accounts
from supply_match.services.county.passwords import first_password
from supply_match.services.county.places import cell_text
from supply_match.services.documents import spreadsheets as sheets
from supply_match.services.documents.spreadsheets import Column, RowErrors
from supply_match.services.unit_of_work import use_case

USERNAME = Column(
    "username", "登录名", aliases=("用户名",), example="lumingcun", width=14, english="Login"
)
NAME = Column("display_name", "姓名", example="冉德福", width=10, english="Name")
MOBILE = Column(
    "mobile",
    "手机号",
    required=False,
    aliases=("手机",),
    example="13896412345",
    width=14,
    english="Mobile",
)
ROLE = Column(
    "role",
    "角色",
    required=False,
    aliases=("账号类型",),
    example="村干部",
    width=10,
    english="Role",
    english_example="Village cadre",
)
# Not required as a heading: a sheet of outlet staff has no village codes, and a row's
# own check says what its role needs.
VILLAGES = Column(
    "villages",
    "村代码",
    required=False,
    aliases=("负责村代码",),
    example="500243104201",
    width=30,
    english="Village codes",
)
OUTLET = Column(
    "outlet", "所在网点", required=False, aliases=("网点", "网点名称"), width=28, english="Outlet"
)
CADRE_COLUMNS = [USERNAME, NAME, MOBILE, ROLE, VILLAGES, OUTLET]
HEADERS = {"username": USERNAME, "display_name": NAME, "mobile": MOBILE,
           "villages": VILLAGES, "password": USERNAME, "role": ROLE,
           "outlet_id": OUTLET}  # fmt: skip
# How a role may be written in the role column (compared lower-cased, without spaces).
ROLE_WORDS = {
    "村干部": Role.CADRE, "cadre": Role.CADRE, "villagecadre": Role.CADRE,
    "网点店员": Role.OUTLET_STAFF, "店员": Role.OUTLET_STAFF,
    "outletstaff": Role.OUTLET_STAFF, "outlet_staff": Role.OUTLET_STAFF,
}  # fmt: skip

TEMPLATE_NOTES = [
    _l(
        "One row per village cadre's account; the login is 3 to 32 letters, digits, dots, hyphens or underscores, and unique."
    ),
    _l(
        "Village codes: the 12-digit codes of the villages the cadre looks after, separated by commas."
    ),
    _l(
        "Role: village cadre (when left empty) or outlet staff. An outlet staff row leaves the village codes empty and names its outlet as the outlets page writes it."
    ),
    _l(
        "After the import the page lists each account's first password, shown this once: print it and hand it out; each cadre must change it at the first sign-in."
    ),
]


@dataclass
class NewAccount:
    username: str
    display_name: str
    mobile: str
    villages: list[str]
    password: str
    outlet: str = ""  # an outlet staff's outlet, by name


@dataclass
class AccountImportResult:
    accounts: list[NewAccount] = field(default_factory=list)

    @property
    def created(self) -> int:
        return len(self.accounts)


def template_xlsx() -> bytes:
    return sheets.template_xlsx(CADRE_COLUMNS, _("Accounts to import"), TEMPLATE_NOTES)


def _village_codes(value: object) -> list[str]:
    return [code for code in re.split(r"[\s,，、;；]+", cell_text(value)) if code]


@use_case
def import_accounts(filename: str, data: bytes) -> AccountImportResult:
    """Make a cadre account per row; all of them, or none (``SheetError``). The result
    holds each first password in clear, for the one page that shows them."""
    rows = sheets.read_table(filename, data, CADRE_COLUMNS)
    errors = RowErrors()
    villages = {v.code: v for v in db.session.scalars(select(Village))}
    outlets = {o.name: o for o in db.session.scalars(select(Outlet))}
    result = AccountImportResult()
    with audit.one_entry_for_many():
        _make_accounts(rows, villages, outlets, errors, result)
    errors.raise_if_any()
    audit.record_import(AuditKind.ACCOUNT, filename, created=len(result.accounts))
    return result


def _role(value: object) -> Role | None:
    """The role a cell names (a cadre when empty), or None when it names none."""
    word = re.sub(r"\s+", "", cell_text(value)).lower()
    return ROLE_WORDS.get(word) if word else Role.CADRE


def _make_accounts(rows, villages, outlets, errors: RowErrors, result: AccountImportResult) -> None:
    seen_logins: dict[str, int] = {}
    seen_mobiles: dict[str, int] = {}
    for row in rows:
        username = cell_text(row.values.get("username"))
        mobile = re.sub(r"[\s-]", "", cell_text(row.values.get("mobile")))
        repeated = False
        if username.lower() in seen_logins:
            errors.at(row, USERNAME,
                       _("Repeats the login of row %(row)s.", row=seen_logins[username.lower()]))  # fmt: skip
            repeated = True
        if mobile and mobile in seen_mobiles:
            errors.at(row, MOBILE,
                       _("Repeats the mobile of row %(row)s.", row=seen_mobiles[mobile]))  # fmt: skip
            repeated = True
        seen_logins.setdefault(username.lower(), row.number)
        if mobile:
            seen_mobiles.setdefault(mobile, row.number)
        role = _role(row.values.get("role"))
        if role is None:
            errors.at(
                row,
                ROLE,
                _(
                    "Write %(cadre)s or %(staff)s.",
                    cadre=_("Village cadre"),
                    staff=_("Outlet staff"),
                ),
            )
            continue
        codes = _village_codes(row.values.get("villages"))
        unknown = [code for code in codes if code not in villages]
        if role == Role.CADRE:
            if unknown:
                errors.at(row, VILLAGES,
                           _("No village has the code %(code)s.", code="、".join(unknown)))  # fmt: skip
            if not codes:
                errors.at(row, VILLAGES, _("A village cadre needs at least one village."))
        elif codes:
            errors.at(row, VILLAGES, _("Only a village cadre serves villages: leave it empty."))
        outlet_name = cell_text(row.values.get("outlet"))
        outlet = outlets.get(outlet_name) if outlet_name else None
        if outlet_name and outlet is None:
            errors.at(row, OUTLET, _('There is no outlet "%(name)s".', name=outlet_name))
        bad_villages = (unknown or not codes) if role == Role.CADRE else bool(codes)
        if repeated or bad_villages or (outlet_name and outlet is None):
            continue
        password = first_password()
        try:
            user = accounts.create_user(
                username=username,
                display_name=cell_text(row.values.get("display_name")),
                password=password,
                role=role,
                mobile=mobile or None,
                village_ids=[villages[code].id for code in codes] if role == Role.CADRE else [],
                outlet_id=outlet.id if outlet is not None else None,
            )
        except accounts.AccountError as error:
            for key, message in error.errors.items():
                errors.at(row, HEADERS.get(key, USERNAME), _(message))
            continue
        user.must_change_password = True
        result.accounts.append(
            NewAccount(
                user.username,
                user.display_name,
                user.mobile or "",
                codes,
                password,
                outlet.name if outlet is not None else "",
            )
        )
