"""Gunicorn's settings for the web processes: ``gunicorn -c python:supply_match.serving
"supply_match:create_app()"`` (scripts/serve.sh, the README's production line and the load
benchmark all serve this way).

A web process holds some 175,000 long-lived objects (modules, the app, its templates,
SQLAlchemy's mappers and compiled statements), and Python's garbage collector walked all
of them in every full collection: measured in process on the demo's published day, that
was 17 ms of the board's 50 ms, 19 ms of each phone's ``day.json`` (averaged over its
requests) and 46 ms of the plan page's 220 ms. Frozen once the app is loaded, they are out
of the collector's sight; collections become rarer too (5,000 new objects instead of 700
before the youngest generation is looked at: a page makes tens of thousands). Measured
after: 4, 0.6 and 10 ms. Nothing is leaked: what is frozen lives as long as the process.
"""

from __future__ import annotations

import gc

# The youngest generation's threshold; the older two keep Python's defaults.
YOUNG_GENERATION_THRESHOLD = 5_000


def post_worker_init(_worker) -> None:
    """Gunicorn calls this in each web process once the app is loaded."""
    gc.collect()
    gc.freeze()
    _young, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, older, oldest)
