"""The audit log: a change and its entry commit together, and the entry names who acted
and from where."""

import pytest

from supply_match import acting
from supply_match.extensions import db
from supply_match.models import AuditEntry, AuditKind, Product
from supply_match.services import audit
from supply_match.services.unit_of_work import unit_of_work


def _entries():
    db.session.expire_all()
    return db.session.query(AuditEntry).order_by(AuditEntry.id).all()


def test_an_entry_rolls_back_with_the_change_it_records(app):
    with pytest.raises(RuntimeError), unit_of_work():
        audit.record(AuditKind.SETTINGS, "changed", summary="never happened")
        raise RuntimeError("the change failed")
    assert _entries() == []


def test_the_acting_context_names_the_actor_and_origin(app):
    worker = acting.Acting(user_id=None, name="worker", origin="worker")
    with acting.acting_as(worker), unit_of_work():
        audit.record(AuditKind.PLAN, "solved", record_id=7, detail={"runs": 3})
    (entry,) = _entries()
    assert (entry.actor_name, entry.origin, entry.kind, entry.record_id) == (
        "worker",
        "worker",
        "plan",
        7,
    )
    assert entry.detail == {"runs": 3}


def test_the_guard_names_a_use_case_that_changes_without_an_entry(app):
    from supply_match.services.unit_of_work import use_case
    from tests import audit_guard, factories

    @use_case
    def rename_quietly(product_id: int) -> None:
        db.session.get(Product, product_id).name = "改名不记"

    @use_case
    def rename_on_the_record(product_id: int) -> None:
        db.session.get(Product, product_id).name = "改名有记"
        audit.record(AuditKind.PRODUCT, "edited", record_id=product_id)

    product_id = factories.product(name="玉米种").id
    db.session.commit()  # a fixture's commit, outside any use case: not checked
    guard = audit_guard.current
    rename_on_the_record(product_id)
    assert guard.violations == []
    rename_quietly(product_id)
    (violation,) = guard.violations
    assert violation.changed == ["Product"]
    assert "rename_quietly" in violation.where
    guard.violations.clear()  # seen: the test itself must not fail for it
