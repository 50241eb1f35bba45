"""The unit of work commits once, at the outermost use case, and runs after-commit work
only after a commit."""

import pytest

from supply_match.extensions import db
from supply_match.models import Product
from supply_match.services.unit_of_work import after_commit, unit_of_work, use_case
from tests import factories


def test_outer_unit_commits_and_runs_after_commit_work(app):
    ran = []
    with unit_of_work():
        product = factories.product(name="测试种子")
        with unit_of_work():
            after_commit(lambda: ran.append(db.session.get(Product, product.id) is not None))
        assert ran == []
    assert ran == [True]
    db.session.expunge_all()
    assert db.session.get(Product, product.id) is not None


def test_exception_rolls_back_and_skips_after_commit_work(app):
    ran = []

    @use_case
    def failing():
        factories.product(name="回滚种子")
        after_commit(lambda: ran.append(1))
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing()
    assert ran == []
    assert db.session.query(Product).filter_by(name="回滚种子").count() == 0
