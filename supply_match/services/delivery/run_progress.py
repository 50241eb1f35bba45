"""Each run's progress against its plan, for the dispatcher's board: stops done, the next
stop, the expected finish and how late it runs.

Lateness comes from the marks so far: the last marked stop's mark time against its
planned departure, carried forward to the rest of the run. On the day itself a run whose
next stop is overdue with no mark is at least that late, so a volunteer who stopped
marking does not look on time. Times are seconds from the delivery day's midnight in the
county's time zone, as the plan keeps them.

Everything is read in one query beyond the plan's runs and stops, which the board has
loaded already (``planning.views.plan_for``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from supply_match.extensions import db
from supply_match.models import (
    DeliveryPlan,
    DeliveryRun,
    DeliveryStop,
    StopStatus,
    StopUpdate,
    StopUpdateAction,
)
from supply_match.services.county.settings import county_now, county_time
from supply_match.services.documents.route_sheets import clock

# A run this much behind its plan is "late" and goes to the top of the board.
LATE_AFTER_S = 10 * 60


@dataclass(frozen=True)
class RunProgress:
    done: int
    total: int
    next_stop: str | None
    next_arrival_s: int | None
    late_s: int  # behind the plan (negative: ahead of it)
    expected_finish_s: int
    finished: bool

    @property
    def running_late(self) -> bool:
        return self.late_s >= LATE_AFTER_S

    @property
    def late_minutes(self) -> int:
        return max(self.late_s, 0) // 60

    @property
    def expected_finish(self) -> str:
        return clock(self.expected_finish_s)

    @property
    def next_arrival(self) -> str:
        return clock(self.next_arrival_s) if self.next_arrival_s is not None else ""


def _mark_times(plan: DeliveryPlan) -> dict[int, datetime]:
    """Stop id -> when its standing mark arrived (naive UTC), for the plan's marked stops."""
    statement = (
        select(StopUpdate.stop_id, func.max(StopUpdate.received_at))
        .join(DeliveryStop, StopUpdate.stop_id == DeliveryStop.id)
        .join(DeliveryRun, DeliveryStop.run_id == DeliveryRun.id)
        .where(
            DeliveryRun.plan_id == plan.id,
            StopUpdate.outcome == "applied",
            StopUpdate.action != StopUpdateAction.UNDO,
        )
        .group_by(StopUpdate.stop_id)
    )
    return dict(db.session.execute(statement).all())


def _seconds_into(day: date, moment_local: datetime) -> int:
    return int((moment_local - datetime.combine(day, datetime.min.time())).total_seconds())


def _run_progress(run: DeliveryRun, marks: dict[int, datetime], now_s: int | None) -> RunProgress:
    day = run.plan.delivery_date
    stops = list(run.stops)
    pending = [stop for stop in stops if stop.status == StopStatus.PENDING]
    marked = [stop for stop in stops if stop.status != StopStatus.PENDING and stop.id in marks]
    late_s = 0
    last_mark_s = None
    if marked:
        last = max(marked, key=lambda stop: stop.position)
        last_mark_s = _seconds_into(day, county_time(marks[last.id]))
        late_s = last_mark_s - last.departure_s
    following = pending[0] if pending else None
    if following is not None and now_s is not None:
        late_s = max(late_s, now_s - following.arrival_s)
    if pending:
        finish_s = run.end_s + late_s
    else:
        finish_s = max(last_mark_s if last_mark_s is not None else run.end_s, 0)
    return RunProgress(
        done=len(stops) - len(pending),
        total=len(stops),
        next_stop=following.label if following is not None else None,
        next_arrival_s=following.arrival_s + max(late_s, 0) if following is not None else None,
        late_s=late_s,
        expected_finish_s=finish_s,
        finished=not pending,
    )


def for_plan(plan: DeliveryPlan) -> dict[int, RunProgress]:
    """Run id -> its progress."""
    marks = _mark_times(plan)
    now = county_now()
    now_s = _seconds_into(plan.delivery_date, now) if now.date() == plan.delivery_date else None
    return {run.id: _run_progress(run, marks, now_s) for run in plan.runs}


def late_first(plan: DeliveryPlan, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """The board's rows (one per run, in the plan's order) with their ``progress`` and
    their place in the plan (``index``, which keeps each run's colour), late runs first,
    the latest on top."""
    progress = for_plan(plan)
    for index, row in enumerate(rows):
        row["index"] = index
        row["progress"] = progress[row["run"].id]

    def key(row):
        late = row["progress"]
        if late.running_late and not late.finished:
            return (0, -late.late_s, row["index"])
        return (1, 0, row["index"])

    return sorted(rows, key=key)
