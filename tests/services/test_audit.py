"""The audit log: a change and its entry commit together, and the entry names who acted
and from where."""

import pytest

from supply_match import acting
from supply_match.extensions import db
from supply_match.models import AuditEntry, AuditKind
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
