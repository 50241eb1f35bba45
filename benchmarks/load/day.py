"""One published delivery day on the Pengshui demo, the ground every load figure stands on.

The demo is seeded, then one day is set up as benchmarks.dispatch_day does (orders of
``orders`` households all wanting the same day, enough stock, ``volunteers`` on duty),
matched, planned with the solver for ``time_limit`` seconds, and published: the board,
the progress page and the volunteers' phones then have runs to show.
"""

from __future__ import annotations

import random

from sqlalchemy import func, select

from benchmarks.dispatch_day import DAY, make_day
from supply_match.demo import build_demo
from supply_match.extensions import db
from supply_match.models import DeliveryPlan, DeliveryRun, DeliveryStop
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.publishing import publish
from supply_match.services.planning.settings import PlanningSettings
from supply_match.services.supply.matching import run_matching


def published_day(orders: int, volunteers: int, time_limit: float) -> DeliveryPlan:
    """Seed, plan and publish the day (inside an app context, on an empty database)."""
    build_demo(2020)
    db.session.commit()
    make_day(orders, volunteers, random.Random(2000))
    run_matching()
    db.session.commit()
    plan = plan_day(DAY, PlanningSettings(time_limit_s=time_limit))
    publish(plan)
    return plan


def the_plan() -> DeliveryPlan | None:
    return db.session.scalar(select(DeliveryPlan).where(DeliveryPlan.delivery_date == DAY))


def describe(plan: DeliveryPlan) -> str:
    runs = db.session.scalar(select(func.count()).where(DeliveryRun.plan_id == plan.id))
    stops = db.session.scalar(
        select(func.count())
        .select_from(DeliveryStop)
        .join(DeliveryRun)
        .where(DeliveryRun.plan_id == plan.id)
    )
    return f"{DAY.isoformat()}: {runs} runs, {stops} stops, plan version {plan.version}"
