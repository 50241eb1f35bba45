"""``id_url``: a URL built once and filled with each record's id gives what ``url_for``
gives for that id."""

import pytest
from flask import url_for

from supply_match.urls import id_url


def test_an_id_url_is_url_for_with_that_id(app):
    with app.test_request_context("/"):
        move = id_url("plans.move_stop", "stop_id", day="2020-03-17")
        for stop_id in (1, 7, 42, 987654, 2**40):
            assert move(stop_id) == url_for("plans.move_stop", day="2020-03-17", stop_id=stop_id)
        assert move("12") == url_for("plans.move_stop", day="2020-03-17", stop_id=12)


def test_an_endpoint_without_the_argument_is_refused(app):
    with app.test_request_context("/"), pytest.raises(ValueError, match="stop_id"):
        id_url("plans.index", "stop_id")
