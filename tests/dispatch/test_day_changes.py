"""Changes to a published day: a volunteer withdrawn after two deliveries, orders added at
10:00; each re-planned by a job into a proposal that the dispatcher accepts or discards."""

import pytest
from sqlalchemy import select

from supply_match.extensions import db
from supply_match.models import (
    AuditEntry,
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    JobStatus,
    Order,
    OrderStatus,
    PlanningJob,
    Role,
    RunStatus,
    StopStatus,
)
from supply_match.queue import work_one
from supply_match.services.delivery import phone_updates
from supply_match.services.delivery.volunteer_day import day_data
from supply_match.services.planning import proposals
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.day_changes import DayChange
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningError, PlanningSettings
from tests import factories
from tests.days import DAY, allocated_orders, household

SETTINGS = PlanningSettings(solution_limit=30, second_trips=False)
TEN_AM = 10 * 3600


@pytest.fixture
def day(county):
    """Six orders of two bags of urea (100 kg each): both volunteers have a run."""
    allocated_orders(county, [[(county["urea"], 2)]] * 6)
    plan = plan_day(DAY, SETTINGS)
    publish(plan)
    db.session.commit()
    assert len(plan.runs) == 2
    busy = max(plan.runs, key=lambda r: len(r.stops))
    other = next(r for r in plan.runs if r is not busy)
    assert len(busy.stops) >= 3
    return dict(plan=plan, busy=busy, other=other, county=county)


def mark_delivered(run, stops, version):
    for stop in stops:
        result = phone_updates.apply_stop_update(
            run.volunteer,
            change_id=f"c{stop.id}",
            stop_id=stop.id,
            action="delivered",
            plan_version=version,
        )
        db.session.commit()
        assert result.outcome == "applied"


def worked_out(app, job):
    assert work_one(app.extensions["queue"]) is True
    db.session.expire_all()
    job = db.session.get(PlanningJob, job.id)
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def withdraw_after_two(app, day):
    busy = day["busy"]
    delivered = busy.stops[:2]
    mark_delivered(busy, delivered, day["plan"].version)
    moving = [s.id for s in busy.stops[2:]]
    job = proposals.request_change(
        day["plan"], DayChange(volunteer_id=busy.volunteer_id, now_s=TEN_AM), SETTINGS
    )
    return worked_out(app, job), [s.id for s in delivered], moving


def test_withdrawing_puts_the_remaining_stops_on_another_run_and_keeps_the_delivered(app, day):
    busy_id, other_id = day["busy"].id, day["other"].id
    other_volunteer = day["other"].volunteer
    job, delivered, moving = withdraw_after_two(app, day)
    proposal = proposals.proposal_of(job)
    assert proposal["state"] == "open"
    assert sorted(int(m["job"][1:]) for m in proposal["moved"]) == sorted(moving)
    assert proposal["after"]["stops"] == proposal["before"]["stops"]
    assert proposal["serves_fewer"] is False
    assert proposal["after"]["km"] >= proposal["before"]["km"] - 50

    version = proposals.accept(job)
    db.session.expire_all()
    plan = db.session.get(DeliveryPlan, day["plan"].id)
    assert plan.version == version == 2
    busy = next(r for r in plan.runs if r.id == busy_id)
    assert [s.id for s in busy.stops] == delivered
    assert all(s.status == StopStatus.DELIVERED for s in busy.stops)
    assert busy.status == RunStatus.FINISHED
    other = next(r for r in plan.runs if r.id == other_id)
    assert set(moving) <= {s.id for s in other.stops}
    assert [s.position for s in other.stops] == list(range(len(other.stops)))
    assert other.version == 2 and other.notice["added"]
    assert busy.notice["removed"]
    # The other volunteer's phone shows what came on their run.
    runs = day_data(other_volunteer, DAY)["runs"]
    assert runs[0]["notice"]["added"] == other.notice["added"]
    orders = {item.order for s in other.stops for item in s.items}
    assert all(o.status == OrderStatus.SCHEDULED for o in orders)
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"withdraw_asked", "withdrawn", "day_changed"} <= actions


def test_a_run_the_change_leaves_alone_keeps_its_version_and_its_marks_still_count(app, county):
    """Three volunteers; withdrawing one moves its stops to one other: the third is not
    disturbed, and a mark from its phone with the old version is applied."""
    factories.volunteer(
        township=county["township"], payload_kg=300, home_lat=29.33, home_lon=108.21
    )
    db.session.commit()
    allocated_orders(county, [[(county["urea"], 2)]] * 7)
    plan = plan_day(DAY, SETTINGS)
    publish(plan)
    db.session.commit()
    busy = max(plan.runs, key=lambda r: len(r.stops))
    job = proposals.request_change(
        plan, DayChange(volunteer_id=busy.volunteer_id, now_s=TEN_AM), SETTINGS
    )
    job = worked_out(app, job)
    proposal = proposals.proposal_of(job)
    changed = {c["run_id"] for c in proposal["changed_runs"]}
    proposals.accept(job)
    db.session.expire_all()
    plan = db.session.get(DeliveryPlan, plan.id)
    untouched = [r for r in plan.runs if r.id not in changed and r.id != busy.id]
    for run in untouched:
        assert run.version == 1 and run.notice is None
        result = phone_updates.apply_stop_update(
            run.volunteer,
            change_id="old-version",
            stop_id=run.stops[0].id,
            action="delivered",
            plan_version=1,
        )
        assert result.outcome == "applied"
    for run in plan.runs:
        if run.id in changed:
            stale = phone_updates.apply_stop_update(
                run.volunteer,
                change_id=f"stale{run.id}",
                stop_id=run.stops[0].id,
                action="delivered",
                plan_version=1,
            )
            assert stale.outcome == "conflict"


def test_discarding_leaves_the_day_as_it_was(app, day):
    before = sorted((s.id, s.run_id, s.position) for s in db.session.scalars(select(DeliveryStop)))
    job, _, _ = withdraw_after_two(app, day)
    proposals.discard(job)
    db.session.expire_all()
    after = sorted((s.id, s.run_id, s.position) for s in db.session.scalars(select(DeliveryStop)))
    assert after == before
    assert db.session.get(DeliveryPlan, day["plan"].id).version == 1
    assert proposals.proposal_of(db.session.get(PlanningJob, job.id))["state"] == "discarded"
    with pytest.raises(proposals.ProposalError):
        proposals.accept(db.session.get(PlanningJob, job.id))


def test_a_proposal_is_refused_once_a_stop_it_moves_was_marked(app, day):
    job, _, moving = withdraw_after_two(app, day)
    busy = day["busy"]
    stop = db.session.get(DeliveryStop, moving[0])
    mark_delivered(busy, [stop], day["plan"].version)
    with pytest.raises(proposals.ProposalError):
        proposals.accept(db.session.get(PlanningJob, job.id))
    db.session.rollback()
    assert db.session.get(DeliveryPlan, day["plan"].id).version == 1


def test_an_order_added_at_ten_goes_on_a_run_as_a_new_version(app, day):
    county = day["county"]
    urgent = factories.order(
        household=household(county, 9), lines=[(county["seed"], 2)], wanted_from=DAY, wanted_to=DAY
    )
    db.session.commit()
    from supply_match.services.supply.matching import run_matching

    run_matching()
    db.session.commit()
    assert urgent.status == OrderStatus.ALLOCATED
    job = proposals.request_change(
        day["plan"], DayChange(order_ids=(urgent.id,), now_s=TEN_AM), SETTINGS
    )
    job = worked_out(app, job)
    proposal = proposals.proposal_of(job)
    assert proposal["after"]["stops"] == proposal["before"]["stops"] + 1
    assert proposal["before"]["unplanned_orders"] == proposal["after"]["unplanned_orders"] + 1
    proposals.accept(job)
    db.session.expire_all()
    assert db.session.get(Order, urgent.id).status == OrderStatus.SCHEDULED
    runs = db.session.get(DeliveryPlan, day["plan"].id).runs
    carrying = [r for r in runs if any(i.order_id == urgent.id for s in r.stops for i in s.items)]
    assert len(carrying) == 1 and carrying[0].version == 2
    new_stop = next(s for s in carrying[0].stops if s.items[0].order_id == urgent.id)
    assert new_stop.arrival_s >= TEN_AM


def test_a_proposal_that_serves_fewer_stops_says_so(app, day):
    """At 16:50 nothing more fits in anyone's shift: the withdrawn stops cannot be placed."""
    busy = day["busy"]
    job = proposals.request_change(
        day["plan"], DayChange(volunteer_id=busy.volunteer_id, now_s=16 * 3600 + 50 * 60), SETTINGS
    )
    proposal = proposals.proposal_of(worked_out(app, job))
    assert proposal["serves_fewer"] is True
    assert proposal["after"]["stops"] < proposal["before"]["stops"]
    assert proposal["unplaced"] and proposal["unplaced_order_ids"]
    proposals.accept(db.session.get(PlanningJob, job.id))
    db.session.expire_all()
    for order_id in proposal["unplaced_order_ids"]:
        assert db.session.get(Order, order_id).status == OrderStatus.ALLOCATED


def test_nonsense_changes_are_refused_before_any_job(day):
    other = factories.volunteer(township=day["county"]["township"])
    db.session.commit()
    with pytest.raises(PlanningError):
        proposals.request_change(day["plan"], DayChange(volunteer_id=other.id), SETTINGS)
    on_plan = day["busy"].stops[0].items[0].order_id
    with pytest.raises(PlanningError):
        proposals.request_change(day["plan"], DayChange(order_ids=(on_plan,)), SETTINGS)
    assert db.session.scalar(select(PlanningJob)) is None


def sign_in(app, client):
    app.config["CLOCK_NOW"] = "2020-03-03T02:00:00"  # 10:00 in Pengshui
    factories.user(Role.DISPATCHER, username="disp-dayof")
    db.session.commit()
    client.post("/login", data={"login": "disp-dayof", "password": factories.PASSWORD})


def test_the_pages_ask_before_withdrawing_then_show_the_proposal_to_accept(app, day, client):
    sign_in(app, client)
    busy = day["busy"]
    mark_delivered(busy, busy.stops[:2], day["plan"].version)
    moving = [s.label for s in busy.stops[2:]]
    base = f"/plans/{DAY.isoformat()}"
    plan_page = client.get(base).get_data(as_text=True)
    assert f"{base}/volunteers/{busy.volunteer_id}/withdraw" in plan_page
    asked = client.get(f"{base}/volunteers/{busy.volunteer_id}/withdraw").get_data(as_text=True)
    assert busy.volunteer.name in asked and all(label in asked for label in moving)
    assert db.session.scalar(select(PlanningJob)) is None  # asking changed nothing

    started = client.post(f"{base}/volunteers/{busy.volunteer_id}/withdraw")
    job = db.session.scalar(select(PlanningJob))
    assert started.headers["Location"].endswith(f"/plans/jobs/{job.id}")
    worked_out(app, job)
    page = client.get(f"/plans/jobs/{job.id}").get_data(as_text=True)
    assert 'data-figure="stops"' in page and "serves-fewer" not in page
    assert client.get(base).get_data(as_text=True).count("proposal-waiting") == 1
    accepted = client.post(f"/plans/jobs/{job.id}/accept")
    assert accepted.status_code == 302
    db.session.expire_all()
    assert db.session.get(DeliveryPlan, day["plan"].id).version == 2


def test_the_add_orders_page_lists_waiting_orders_and_discarding_keeps_the_day(app, day, client):
    sign_in(app, client)
    county = day["county"]
    urgent = factories.order(
        household=household(county, 9), lines=[(county["seed"], 2)], wanted_from=DAY, wanted_to=DAY
    )
    db.session.commit()
    from supply_match.services.supply.matching import run_matching

    run_matching()
    db.session.commit()
    base = f"/plans/{DAY.isoformat()}"
    page = client.get(f"{base}/add-orders").get_data(as_text=True)
    assert f'value="{urgent.id}"' in page
    assert client.post(f"{base}/add-orders", data={}).status_code == 302
    assert db.session.scalar(select(PlanningJob)) is None
    client.post(f"{base}/add-orders", data={"order": [str(urgent.id)]})
    job = db.session.scalar(select(PlanningJob))
    worked_out(app, job)
    assert client.post(f"/plans/jobs/{job.id}/discard").status_code == 302
    db.session.expire_all()
    assert db.session.get(Order, urgent.id).status == OrderStatus.ALLOCATED
    page = client.get(f"/plans/jobs/{job.id}").get_data(as_text=True)
    assert "/accept" not in page


def test_reoptimizing_is_a_job_whose_proposal_changes_nothing_until_accepted(app, county):
    allocated_orders(county, [[(county["urea"], 2)]] * 6)
    plan = plan_day(DAY, SETTINGS)
    db.session.commit()
    before = sorted((s.id, s.run_id) for s in db.session.scalars(select(DeliveryStop)))
    job = worked_out(app, proposals.request_reoptimize(plan, SETTINGS))
    proposal = proposals.proposal_of(job)
    assert proposal["kind"] == "reoptimize" and proposal["before"]["stops"] == 6
    db.session.expire_all()
    assert sorted((s.id, s.run_id) for s in db.session.scalars(select(DeliveryStop))) == before
    proposals.accept(job)
    db.session.expire_all()
    plan = db.session.get(DeliveryPlan, plan.id)
    assert plan.changes[-1].action == "reoptimized"
    assert sum(len(r.stops) for r in plan.runs) == proposal["after"]["stops"]
    assert {e.action for e in db.session.scalars(select(AuditEntry))} >= {"reoptimized"}


def test_a_reoptimization_that_serves_fewer_stops_says_so_in_red_and_can_be_discarded(
    app, county, client
):
    allocated_orders(county, [[(county["urea"], 2)]] * 6)
    plan = plan_day(DAY, SETTINGS)
    db.session.commit()
    for volunteer in county["volunteers"]:
        volunteer.payload_kg = 100  # a vehicle swapped for a smaller one since planning
    db.session.commit()
    job = worked_out(app, proposals.request_reoptimize(plan, SETTINGS))
    proposal = proposals.proposal_of(job)
    assert proposal["serves_fewer"] and proposal["after"]["stops"] < proposal["before"]["stops"]
    sign_in(app, client)
    page = client.get(f"/plans/jobs/{job.id}").get_data(as_text=True)
    assert 'data-warning="serves-fewer"' in page and 'class="error"' in page
    client.post(f"/plans/jobs/{job.id}/discard")
    db.session.expire_all()
    assert sum(len(r.stops) for r in db.session.get(DeliveryPlan, plan.id).runs) == 6


def test_a_proposal_still_applies_when_a_run_it_changes_was_marked_meanwhile(app, county):
    """The other volunteer delivers their first stop while the dispatcher reads the
    proposal: it is accepted, that stop stays delivered at the head of its run, and the
    moved stops follow. Once a run it changes has finished, it is refused."""
    allocated_orders(county, [[(county["urea"], 2)]] * 8)
    plan = plan_day(DAY, SETTINGS)
    publish(plan)
    db.session.commit()
    busy = max(plan.runs, key=lambda r: len(r.stops))
    other = next(r for r in plan.runs if r is not busy)
    assert len(other.stops) >= 2
    ask = DayChange(volunteer_id=busy.volunteer_id, now_s=TEN_AM)
    job = worked_out(app, proposals.request_change(plan, ask, SETTINGS))
    given = next(c for c in proposals.proposal_of(job)["changed_runs"] if c["run_id"] == other.id)
    planned = {int(row["job"][1:]) for row in given["stops"] if row["job"].startswith("s")}
    moving = planned & {s.id for s in busy.stops}
    assert moving
    first = other.stops[0]
    mark_delivered(other, [first], plan.version)

    version = proposals.accept(db.session.get(PlanningJob, job.id))
    db.session.expire_all()
    run = db.session.get(DeliveryRun, other.id)
    assert version == 2 and run.version == 2
    assert run.stops[0].id == first.id and run.stops[0].status == StopStatus.DELIVERED
    assert {s.id for s in run.stops[1:]} == planned - {first.id}
    assert all(s.status == StopStatus.PENDING for s in run.stops[1:])
    assert [s.position for s in run.stops] == list(range(len(run.stops)))
    assert run.status == RunStatus.STARTED


def test_a_proposal_is_refused_once_a_run_it_changes_has_finished(app, day):
    job, _, _ = withdraw_after_two(app, day)
    other = day["other"]
    mark_delivered(other, list(other.stops), day["plan"].version)
    assert db.session.get(DeliveryRun, other.id).status == RunStatus.FINISHED
    with pytest.raises(proposals.ProposalError):
        proposals.accept(db.session.get(PlanningJob, job.id))
