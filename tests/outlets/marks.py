"""Marking a priced day's stops as the volunteers' phones do, for the outlets' tests."""

from supply_match.services.delivery import phone_updates as delivery
from supply_match.services.supply.amounts import stop_dues


def all_stops(plan):
    return [stop for run in plan.runs for stop in run.stops]


def stop_of(priced_day, index):
    """The stop carrying the ``index``-th order of the fixture."""
    order = priced_day["orders"][index]
    return next(
        s for s in all_stops(priced_day["plan"]) if order.id in {i.order_id for i in s.items}
    )


def mark(stop, change_id, action="delivered", **money):
    change = {"change_id": change_id, "stop_id": stop.id, "action": action, **money}
    change.setdefault("plan_version", stop.run.plan.version)
    return delivery.apply_from_phone(stop.run.volunteer, change)


def deliver_everything(priced_day):
    for n, stop in enumerate(all_stops(priced_day["plan"])):
        due = stop_dues([stop])[stop.id]
        answer = mark(stop, f"all-{n}", received_fen=due, paid_by="cash")
        assert answer["outcome"] == "applied"
