"""The web processes' gunicorn settings: the app's long-lived objects frozen out of the
garbage collector's sight once it is loaded, and rarer young collections."""

import gc

from supply_match import serving


def test_a_loaded_web_process_freezes_what_it_holds_and_collects_less_often():
    threshold = gc.get_threshold()
    try:
        serving.post_worker_init(None)
        assert gc.get_freeze_count() > 10_000  # the modules, the test session's objects
        assert gc.get_threshold() == (serving.YOUNG_GENERATION_THRESHOLD, *threshold[1:])
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
