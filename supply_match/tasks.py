"""The bodies of background tasks, and the worker command that runs them.

Each task takes plain values (ids, a base URL) and calls one service; the queue's plumbing
is in ``supply_match.queue``, which imports nothing from here.
"""

from __future__ import annotations

import click
from flask import Flask, current_app

from supply_match import acting, queue, urls
from supply_match.services.delivery import positions
from supply_match.services.documents import household_slips, route_sheets
from supply_match.services.planning import jobs as planning_jobs

WORKER = acting.Acting(name="worker", origin="worker")


def solve_day(job_id: int) -> None:
    """Run the planning job ``job_id`` (see ``planning.jobs.run_planning_job``)."""
    with acting.acting_as(WORKER):
        planning_jobs.run_planning_job(job_id)


def render_sheets(plan_id: int, site_url: str) -> None:
    """Lay out a plan's route sheets and each outlet's households' slips ahead of the
    clicks, with the volunteers' and households' links under ``site_url``."""
    with acting.acting_as(WORKER):
        route_sheets.prerender(plan_id, urls.volunteer_link_builder(site_url))
        household_slips.prerender(plan_id, urls.household_link_builder(site_url))


def register_tasks(app: Flask) -> None:
    """Add every task to the app's queue (made by ``queue.create_queue``)."""
    queue.task(app, planning_jobs.SOLVE_TASK, solve_day, retries=0)
    queue.task(app, route_sheets.RENDER_TASK, render_sheets, retries=1)


@click.command("worker")
@click.option("--workers", default=1, show_default=True, help="Tasks run at once (threads).")
def worker_command(workers: int) -> None:
    """Run background jobs (planning) until stopped."""
    failed = planning_jobs.fail_stale_jobs()
    if failed:
        click.echo(f"{failed} 个中断的任务已标记为失败 / stale jobs marked failed")
    forgotten = positions.forget_old_positions()
    if forgotten:
        click.echo(f"删除了 {forgotten} 个往日的志愿者位置 / old volunteer positions deleted")
    consumer = queue.queue().create_consumer(workers=workers, worker_type="thread", periodic=False)
    click.echo(
        f"后台任务进程已启动 / worker started ({'redis' if current_app.config.get('REDIS_URL') else 'sqlite'})"
    )
    consumer.run()
