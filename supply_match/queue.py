"""The task queue's plumbing (huey): where the queue lives and how work is put on it.

The default backend is an SQLite file under ``instance/``, so ``make demo`` needs nothing
else; with ``REDIS_URL`` set, the queue lives in Redis and web servers and solver workers
can run on separate machines. A job's state (progress, result, error) lives in the
database, never in a worker, so that any web process can show it.

This module knows no task body: ``supply_match.tasks`` registers them, so services may
enqueue work without importing what the work does.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey

from config import INSTANCE_DIR

QUEUE_NAME = "supply_match"


def create_queue(app: Flask) -> Huey:
    """The app's queue, kept in ``app.extensions["queue"]``; tasks are added with ``task``."""
    url = app.config.get("REDIS_URL")
    if url:
        queue: Huey = RedisHuey(QUEUE_NAME, url=url, results=False)
    else:
        path = app.config.get("QUEUE_SQLITE_PATH") or str(INSTANCE_DIR / "queue.db")
        queue = SqliteHuey(QUEUE_NAME, filename=path, results=False)
    queue.immediate = bool(app.config.get("QUEUE_IMMEDIATE", False))
    app.extensions["queue"] = queue
    app.extensions["queue_tasks"] = {}
    return queue


def task(app: Flask, name: str, body: Callable[..., None], *, retries: int = 0) -> None:
    """Register ``body`` as the task ``name``; a worker runs it inside an app context."""

    def run(*args) -> None:
        with app.app_context():
            body(*args)

    app.extensions["queue_tasks"][name] = app.extensions["queue"].task(name=name, retries=retries)(
        run
    )


def queue() -> Huey:
    """The current app's queue."""
    return current_app.extensions["queue"]


def enqueue(task_name: str, *args) -> None:
    """Put the task ``task_name`` with ``args`` (plain values: ids, text) on the queue."""
    current_app.extensions["queue_tasks"][task_name](*args)


def work_one(queue_: Huey) -> bool:
    """Take one task off the queue and run it here; False when the queue was empty."""
    task_ = queue_.dequeue()
    if task_ is None:
        return False
    queue_.execute(task_)
    return True
