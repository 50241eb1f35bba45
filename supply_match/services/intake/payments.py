"""How an order is paid (付款方式): before delivery, on delivery, or by a subsidy programme
(补贴项目) for its share; and the county's list of programmes."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import Order, PaymentMethod, SubsidyProgramme
from supply_match.models.audit import AuditKind
from supply_match.services import audit
from supply_match.services.errors import NotFoundError, ServiceError
from supply_match.services.unit_of_work import use_case

PAYMENT_LABELS = {
    PaymentMethod.PREPAID: _l("Paid before delivery"),
    PaymentMethod.ON_DELIVERY: _l("Pay on delivery"),
    PaymentMethod.SUBSIDY: _l("Subsidy programme"),
}
# What a cadre may type in a sheet besides the codes.
_METHOD_WORDS = {
    "prepaid": PaymentMethod.PREPAID,
    "已付": PaymentMethod.PREPAID,
    "已付款": PaymentMethod.PREPAID,
    "预付": PaymentMethod.PREPAID,
    "paid": PaymentMethod.PREPAID,
    "on_delivery": PaymentMethod.ON_DELIVERY,
    "on delivery": PaymentMethod.ON_DELIVERY,
    "货到付款": PaymentMethod.ON_DELIVERY,
    "送货收款": PaymentMethod.ON_DELIVERY,
    "subsidy": PaymentMethod.SUBSIDY,
    "补贴": PaymentMethod.SUBSIDY,
}


class ProgrammeError(ServiceError, ValueError):
    """A subsidy programme that cannot be saved; ``errors`` by field."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


def payment_label(method: str) -> str:
    label = PAYMENT_LABELS.get(method)
    return str(label) if label is not None else method


def programmes(active_only: bool = True) -> list[SubsidyProgramme]:
    statement = select(SubsidyProgramme).order_by(SubsidyProgramme.name)
    if active_only:
        statement = statement.where(SubsidyProgramme.active.is_(True))
    return list(db.session.scalars(statement))


def read_payment(
    method: object, programme: object, errors: dict[str, str]
) -> tuple[str, SubsidyProgramme | None]:
    """A payment way and its programme from a form, a sheet or the API.

    ``method`` is a code or its Chinese word (blank: pay on delivery); ``programme`` an
    active programme's id or name, required for ``subsidy`` and refused otherwise.
    Problems go to ``errors`` under ``payment_method`` and ``subsidy_programme``."""
    text = str(method or "").strip()
    wanted = _METHOD_WORDS.get(text.lower()) or _METHOD_WORDS.get(text)
    if not text:
        wanted = PaymentMethod.ON_DELIVERY
    if wanted is None:
        errors["payment_method"] = _(
            "Payment must be prepaid, on_delivery or subsidy (已付款, 货到付款 or 补贴)."
        )
        return PaymentMethod.ON_DELIVERY, None
    given = str(programme or "").strip()
    if wanted != PaymentMethod.SUBSIDY:
        if given:
            errors["subsidy_programme"] = _("A subsidy programme goes only with subsidy payment.")
        return wanted, None
    if not given:
        errors["subsidy_programme"] = _("Please choose the subsidy programme.")
        return wanted, None
    found = None
    if given.isdigit():
        found = db.session.get(SubsidyProgramme, int(given))
    if found is None:
        found = db.session.scalar(select(SubsidyProgramme).where(SubsidyProgramme.name == given))
    if found is None or not found.active:
        errors["subsidy_programme"] = _("No such subsidy programme: %(name)s", name=given)
        return wanted, None
    return wanted, found


@use_case
def save_programme(
    programme_id: int | None, name: str, share_percent: object, active: bool | None = None
) -> SubsidyProgramme:
    """Create a subsidy programme (``programme_id`` None) or change one; ``active``
    None leaves it as it is (new programmes are active). An inactive programme stays on
    the orders that name it but is offered for no new one.

    Raises ``ProgrammeError`` for a blank or taken name, a share outside 1-100 percent,
    or a new share for a programme orders already name (their amounts would change
    after the fact), ``NotFoundError`` for an unknown id."""
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name or len(name) > 64:
        errors["name"] = _("Please enter a name of at most 64 characters.")
    share_text = str(share_percent or "").strip().rstrip("%")
    share = int(share_text) if share_text.isdigit() else None
    if share is None or not 1 <= share <= 100:
        errors["share_percent"] = _("The share is a whole percent from 1 to 100.")
    programme = None
    if programme_id is not None:
        programme = db.session.get(SubsidyProgramme, programme_id)
        if programme is None:
            raise NotFoundError()
    taken = db.session.scalar(
        select(func.count())
        .select_from(SubsidyProgramme)
        .where(SubsidyProgramme.name == name, SubsidyProgramme.id != (programme_id or 0))
    )
    if name and taken:
        errors["name"] = _("A programme with this name exists already.")
    if programme is not None and share is not None and share != programme.share_percent:
        named = db.session.scalar(
            select(func.count())
            .select_from(Order)
            .where(Order.subsidy_programme_id == programme.id)
        )
        if named:
            # An order keeps what it was matched at: its subsidy share as much as its price.
            errors["share_percent"] = _(
                "%(count)s orders name this programme at %(share)s %%: its share stays. "
                "Retire it and add a new programme with the new share.",
                count=named,
                share=programme.share_percent,
            )
    if errors:
        raise ProgrammeError(errors)
    if programme is None:
        programme = SubsidyProgramme(name=name, share_percent=share)
        db.session.add(programme)
    else:
        programme.name, programme.share_percent = name, share
    if active is not None:
        programme.active = active
    db.session.flush()
    audit.record(
        AuditKind.PRICE,
        "programme_edited" if programme_id else "programme_created",
        record_id=programme.id,
        summary=f"{name} {share}%",
    )
    return programme
