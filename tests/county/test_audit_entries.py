"""What the audit log says for a few kinds of change: an import is one entry with its
counts (never one per row), a refused import none, a volunteer's phone mark names the
volunteer and the phone link, a worker's planning names the dispatcher who asked."""

import pytest
from sqlalchemy import select

from supply_match import acting
from supply_match.extensions import db
from supply_match.models import AuditEntry
from supply_match.services.county import account_import
from supply_match.services.delivery import phone_updates
from supply_match.services.documents.spreadsheets import SheetError
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from tests import factories
from tests.county.conftest import xlsx
from tests.days import DAY, allocated_orders

HEADER = ["登录名", "姓名", "手机号", "村代码"]


def _entries(kind: str | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if kind:
        stmt = stmt.where(AuditEntry.kind == kind)
    return list(db.session.scalars(stmt))


@pytest.fixture
def villages(pengshui):
    township = factories.township(code="500243104", name="鹿鸣乡", kind="乡")
    village = factories.village(township, code="500243104201", name="鹿鸣村")
    db.session.commit()
    return [village]


def test_an_import_of_accounts_is_one_entry_with_its_count(villages):
    rows = [
        ["luming", "冉德福", "13896412345", "500243104201"],
        ["baiguo", "向小琴", "", "500243104201"],
    ]
    with acting.acting_as(acting.Acting(name="管理员 (admin)", origin="10.0.0.1")):
        account_import.import_accounts("村干部.xlsx", xlsx(HEADER, rows))
    (entry,) = _entries("account")
    assert (entry.action, entry.detail["created"], entry.detail["file"]) == (
        "imported",
        2,
        "村干部.xlsx",
    )
    assert "村干部.xlsx" in entry.summary and entry.origin == "10.0.0.1"


def test_a_refused_import_writes_no_entry(villages):
    rows = [["luming", "冉德福", "", "500243104201"], ["luming", "冉德福", "", "500243104201"]]
    with pytest.raises(SheetError):
        account_import.import_accounts("c.xlsx", xlsx(HEADER, rows))
    assert _entries("account") == []


def test_a_phone_mark_names_the_volunteer_and_the_phone_link(app, county):
    allocated_orders(county, [[(county["urea"], 2)]])
    plan = plan_day(DAY, PlanningSettings(solution_limit=30))
    publish(plan)
    stop = next(stop for run in plan.runs for stop in run.stops)
    volunteer = stop.run.volunteer
    # Whoever is signed in on the phone's browser, the mark is the volunteer's.
    signed_in = acting.Acting(user_id=None, name="别人 (other)", origin="10.9.9.9")
    with acting.acting_as(signed_in):
        answer = phone_updates.apply_from_phone(
            volunteer,
            {
                "change_id": "c-1",
                "stop_id": stop.id,
                "action": "failed",
                "reason": "nobody_home",
                "plan_version": plan.version,
            },
        )
    assert answer["outcome"] == "applied", answer
    (entry,) = _entries("stop")
    assert (entry.action, entry.record_id, entry.origin) == ("phone_failed", stop.id, "phone link")
    assert volunteer.name in entry.actor_name and entry.actor_id is None
    # The reason as the volunteer read it, not its code.
    assert entry.summary.startswith(stop.label) and "nobody_home" not in entry.summary
    assert len(entry.summary) > len(stop.label)
    planned = [e.action for e in _entries("plan")]
    assert planned == ["planned", "published"]
