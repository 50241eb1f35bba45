"""The Pengshui demo: ``flask --app supply_match seed-demo [--seed N]``.

Built only from facts shipped in ``supply_match/demo/data`` (the county's 39 townships with
their official codes, hand-placed approximate centres, a spring-planting catalogue, the
outlets) and one seeded random generator: the same seed builds the same rows.
"""

from supply_match.demo.builder import (
    ADMIN_PASSWORD,
    CADRE_PASSWORD,
    DISPATCHER_PASSWORD,
    DemoError,
    build_demo,
    demo_logins,
)

__all__ = [
    "ADMIN_PASSWORD",
    "CADRE_PASSWORD",
    "DISPATCHER_PASSWORD",
    "DemoError",
    "build_demo",
    "demo_logins",
]
