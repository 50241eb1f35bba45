"""Changes made through the pages are written to the audit log with who and where."""

from supply_match.extensions import db
from supply_match.models import AuditEntry


def _entries():
    db.session.expire_all()
    return db.session.query(AuditEntry).order_by(AuditEntry.id).all()


def test_cancelling_an_order_on_the_page_is_logged_with_the_cadre_and_address(
    client, auth, county_people
):
    auth.login("cadre_a")
    order_id = county_people.order_a.id
    client.post(f"/orders/{order_id}/cancel", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    cancelled = [e for e in _entries() if e.kind == "order" and e.action == "cancelled"]
    assert len(cancelled) == 1
    entry = cancelled[0]
    assert entry.record_id == order_id
    assert entry.actor_id == county_people.cadre_a.id
    assert entry.origin == "10.1.2.3"
    assert "cadre_a" in entry.actor_name


def test_a_refused_cancel_leaves_no_entry(client, auth, county_people):
    auth.login("cadre_b")  # another village's cadre
    client.post(f"/orders/{county_people.order_a.id}/cancel")
    assert [e for e in _entries() if e.kind == "order"] == []
