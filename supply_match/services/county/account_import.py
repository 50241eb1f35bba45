"""Village cadres' accounts from a sheet, each with a random first password that is shown
once (a printable list) and must be changed at the first sign-in.

Rows are checked like the new-account form (services/county/accounts.py); a login or
mobile repeated in the sheet or already taken, or an unknown village code, is named with
its row and column, and on any error no account is made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import Role, Village
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
VILLAGES = Column(
    "villages",
    "村代码",
    aliases=("负责村代码",),
    example="500243104201",
    width=30,
    english="Village codes",
)
CADRE_COLUMNS = [USERNAME, NAME, MOBILE, VILLAGES]
HEADERS = {"username": USERNAME, "display_name": NAME, "mobile": MOBILE,
           "villages": VILLAGES, "password": USERNAME, "role": USERNAME}  # fmt: skip

TEMPLATE_NOTES = [
    _l(
        "One row per village cadre's account; the login is 3 to 32 letters, digits, dots, hyphens or underscores, and unique."
    ),
    _l(
        "Village codes: the 12-digit codes of the villages the cadre looks after, separated by commas."
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


@dataclass
class CadreImportResult:
    accounts: list[NewAccount] = field(default_factory=list)

    @property
    def created(self) -> int:
        return len(self.accounts)


def template_xlsx() -> bytes:
    return sheets.template_xlsx(CADRE_COLUMNS, _("Cadre accounts"), TEMPLATE_NOTES)


def _village_codes(value: object) -> list[str]:
    return [code for code in re.split(r"[\s,，、;；]+", cell_text(value)) if code]


@use_case
def import_cadres(filename: str, data: bytes) -> CadreImportResult:
    """Make a cadre account per row; all of them, or none (``SheetError``). The result
    holds each first password in clear, for the one page that shows them."""
    rows = sheets.read_table(filename, data, CADRE_COLUMNS)
    errors = RowErrors()
    villages = {v.code: v for v in db.session.scalars(select(Village))}
    result = CadreImportResult()
    with audit.one_entry_for_many():
        _make_accounts(rows, villages, errors, result)
    errors.raise_if_any()
    audit.record_import(AuditKind.ACCOUNT, filename, created=len(result.accounts))
    return result


def _make_accounts(rows, villages, errors: RowErrors, result: CadreImportResult) -> None:
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
        codes = _village_codes(row.values.get("villages"))
        unknown = [code for code in codes if code not in villages]
        if unknown:
            errors.at(row, VILLAGES,
                       _("No village has the code %(code)s.", code="、".join(unknown)))  # fmt: skip
        if not codes:
            errors.at(row, VILLAGES, _("A village cadre needs at least one village."))
        if repeated or unknown or not codes:
            continue
        password = first_password()
        try:
            user = accounts.create_user(
                username=username,
                display_name=cell_text(row.values.get("display_name")),
                password=password,
                role=Role.CADRE,
                mobile=mobile or None,
                village_ids=[villages[code].id for code in codes],
            )
        except accounts.AccountError as error:
            for key, message in error.errors.items():
                errors.at(row, HEADERS.get(key, USERNAME), _(message))
            continue
        user.must_change_password = True
        result.accounts.append(
            NewAccount(user.username, user.display_name, user.mobile or "", codes, password)
        )
