import pytest

from supply_match.extensions import db
from supply_match.models import IllegalTransition, Order, OrderStatus
from tests import factories


def test_an_order_walks_the_happy_path_to_delivered(app):
    order = factories.order()
    for status in ("allocated", "scheduled", "delivered"):
        order.transition_to(status)
    db.session.commit()
    assert db.session.get(Order, order.id).status == OrderStatus.DELIVERED


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ([], "delivered"),
        ([], "scheduled"),
        (["allocated", "scheduled", "delivered"], "cancelled"),
        (["cancelled"], "submitted"),
        (["allocated", "scheduled"], "cancelled"),
    ],
)
def test_an_illegal_transition_raises_a_clear_error(app, path, illegal):
    order = factories.order()
    for status in path:
        order.transition_to(status)
    before = order.status
    with pytest.raises(IllegalTransition) as error:
        order.transition_to(illegal)
    assert order.status == before
    assert repr(before.value if hasattr(before, "value") else before) in str(error.value)
    assert illegal in str(error.value)


def test_assigning_status_directly_is_refused(app):
    order = factories.order()
    with pytest.raises(IllegalTransition):
        order.status = "delivered"


def test_a_failed_delivery_returns_to_the_pool(app):
    order = factories.order()
    for status in ("allocated", "scheduled", "failed", "allocated"):
        order.transition_to(status)
    assert order.status == OrderStatus.ALLOCATED
    assert order.editable
