"""Background work on a task queue (huey).

The default backend is an SQLite file under ``instance/``, so ``make demo`` needs nothing
else; with ``REDIS_URL`` set, the queue lives in Redis and web servers and solver workers
can run on separate machines. A job's state (progress, result, error) lives in the
database, never in a worker, so that any web process can show it.
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey

from config import INSTANCE_DIR

QUEUE_NAME = "supply_match"


def create_queue(app: Flask) -> Huey:
    url = app.config.get("REDIS_URL")
    if url:
        queue: Huey = RedisHuey(QUEUE_NAME, url=url, results=False)
    else:
        path = app.config.get("QUEUE_SQLITE_PATH") or str(INSTANCE_DIR / "queue.db")
        queue = SqliteHuey(QUEUE_NAME, filename=path, results=False)
    queue.immediate = bool(app.config.get("QUEUE_IMMEDIATE", False))

    @queue.task(name="solve_day", retries=0)
    def solve_day(job_id: int) -> None:
        from supply_match.services.planning.jobs import run_planning_job

        with app.app_context():
            run_planning_job(job_id)

    @queue.task(name="render_sheets", retries=1)
    def render_sheets(plan_id: int, url_root: str) -> None:
        from supply_match.services.documents.route_sheets import prerender

        with app.app_context():
            prerender(plan_id, url_root)

    app.extensions["queue"] = queue
    app.extensions["queue_tasks"] = {"solve_day": solve_day, "render_sheets": render_sheets}
    return queue


def queue() -> Huey:
    return current_app.extensions["queue"]


def enqueue(task_name: str, *args) -> None:
    current_app.extensions["queue_tasks"][task_name](*args)


def work_one(queue_: Huey) -> bool:
    """Take one task off the queue and run it here; False when the queue was empty."""
    task = queue_.dequeue()
    if task is None:
        return False
    queue_.execute(task)
    return True


@click.command("worker")
@click.option("--workers", default=1, show_default=True, help="Tasks run at once (threads).")
def worker_command(workers: int) -> None:
    """Run background jobs (planning) until stopped."""
    from supply_match.services.planning.jobs import fail_stale_jobs

    failed = fail_stale_jobs()
    if failed:
        click.echo(f"{failed} 个中断的任务已标记为失败 / stale jobs marked failed")
    consumer = queue().create_consumer(workers=workers, worker_type="thread", periodic=False)
    click.echo(
        f"后台任务进程已启动 / worker started ({'redis' if current_app.config.get('REDIS_URL') else 'sqlite'})"
    )
    consumer.run()
