"""Accounts and throttling, without HTTP."""

from datetime import timedelta

import pytest

from supply_match.extensions import db
from supply_match.models import Role
from supply_match.models._types import utcnow
from supply_match.services.county import accounts
from tests import factories


def test_authenticate_by_username_or_mobile(app):
    factories.user(Role.DISPATCHER, username="liu", mobile="13700000009")
    db.session.commit()
    assert accounts.authenticate("liu", factories.PASSWORD, "10.0.0.1").ok
    assert accounts.authenticate("13700000009", factories.PASSWORD, "10.0.0.1").ok
    assert not accounts.authenticate("liu", "nope", "10.0.0.1").ok


def test_lock_ends_a_window_after_the_failure_that_locked(app):
    app.config.update(LOGIN_MAX_FAILURES=2, LOGIN_FAILURE_WINDOW_S=300)
    factories.user(Role.DISPATCHER, username="liu")
    db.session.commit()
    accounts.authenticate("liu", "nope", None)
    result = accounts.authenticate("liu", "nope", None)
    assert result.locked_until is not None
    assert timedelta(seconds=290) < result.locked_until - utcnow() <= timedelta(seconds=300)
    later = result.locked_until + timedelta(seconds=1)
    assert accounts.locked_until([("liu", 2)], now=later) is None


def test_success_forgives_an_accounts_earlier_typos(app):
    app.config.update(LOGIN_MAX_FAILURES=2)
    factories.user(Role.DISPATCHER, username="liu")
    db.session.commit()
    accounts.authenticate("liu", "nope", None)
    assert accounts.authenticate("liu", factories.PASSWORD, None).ok
    assert not accounts.authenticate("liu", "nope", None).locked_until


def test_create_user_checks_and_adds(county_people):
    user = accounts.create_user(
        username="new_one",
        display_name="新人",
        password="long-enough",
        role="cadre",
        mobile="13611112222",
        village_ids=[county_people.village_a.id],
    )
    assert user.id and user.village_ids == {county_people.village_a.id}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"username": "x"}, "username"),
        ({"username": "CADRE_A"}, "username"),
        ({"username": "13611112222"}, "username"),
        ({"mobile": "1361111222"}, "mobile"),
        ({"mobile": "12611112222"}, "mobile"),
        ({"mobile": "13800000001"}, "mobile"),
        ({"password": "short"}, "password"),
        ({"role": "boss"}, "role"),
        ({"display_name": " "}, "display_name"),
        ({"village_ids": []}, "villages"),
        ({"village_ids": [999999]}, "villages"),
    ],
)
def test_create_user_refuses(county_people, fields, field):
    values = dict(
        username="new_one",
        display_name="新人",
        password="long-enough",
        role="cadre",
        mobile="13611112222",
        village_ids=[county_people.village_a.id],
    )
    values.update(fields)
    with pytest.raises(accounts.AccountError) as refused:
        accounts.create_user(**values)
    assert field in refused.value.errors


def test_dispatcher_gets_no_villages(county_people):
    user = accounts.create_user(
        username="disp2",
        display_name="调度",
        password="long-enough",
        role="dispatcher",
        village_ids=[county_people.village_a.id],
    )
    assert user.villages == []


def test_old_attempts_are_forgotten(app):
    from sqlalchemy import func, select

    from supply_match.models import LoginAttempt

    db.session.add(LoginAttempt(key="liu", succeeded=False, attempted_at=utcnow()))
    db.session.add(
        LoginAttempt(key="liu", succeeded=False, attempted_at=utcnow() - timedelta(days=40))
    )
    db.session.commit()
    assert accounts.forget_old_attempts() == 1
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 1


def _staff_values(**fields) -> dict:
    values = dict(
        username="dianyuan2",
        display_name="店员丙",
        password="long-enough",
        role="outlet_staff",
        mobile="13611113333",
    )
    values.update(fields)
    return values


def test_an_outlet_staff_account_belongs_to_its_outlet_and_is_audited(county_people):
    from sqlalchemy import select

    from supply_match.models import AuditEntry

    outlet = factories.outlet(name="鹿鸣农资店")
    db.session.commit()
    user = accounts.create_user(**_staff_values(outlet_id=outlet.id))
    db.session.commit()
    assert user.role == Role.OUTLET_STAFF and user.outlet_id == outlet.id
    assert user.villages == []
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.kind, entry.action, entry.record_id) == ("account", "created", user.id)
    assert "鹿鸣农资店" in entry.summary and "outlet_staff" in entry.summary


@pytest.mark.parametrize(
    ("outlet", "message"),
    [
        (None, "An outlet's staff account needs its outlet."),
        ("unknown", "Unknown outlet."),
        # Past PostgreSQL's INTEGER: a query with it would fail instead of finding nothing.
        ("huge", "Unknown outlet."),
        ("inactive", "This outlet is no longer in use: choose another."),
    ],
)
def test_an_outlet_staff_account_needs_an_active_outlet(county_people, outlet, message):
    closed = factories.outlet(active=False)
    db.session.commit()
    outlet_id = {None: None, "unknown": closed.id + 1000, "huge": 2**40, "inactive": closed.id}
    with pytest.raises(accounts.AccountError) as refused:
        accounts.create_user(**_staff_values(outlet_id=outlet_id[outlet]))
    assert refused.value.errors == {"outlet_id": message}


@pytest.mark.parametrize("role", ["cadre", "dispatcher", "admin"])
def test_no_other_role_belongs_to_an_outlet(county_people, role):
    outlet = factories.outlet()
    db.session.commit()
    values = _staff_values(role=role, outlet_id=outlet.id, village_ids=[county_people.village_a.id])
    with pytest.raises(accounts.AccountError) as refused:
        accounts.create_user(**values)
    assert refused.value.errors == {"outlet_id": "Only an outlet's staff belong to an outlet."}
