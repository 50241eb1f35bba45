"""One reader of list filters: the pages ignore what they cannot use, the API names it."""

from werkzeug.datastructures import MultiDict

from supply_match.services.intake.listing import read_list_filters
from tests import factories

ODD = MultiDict(
    {"village": "١٢", "product": "99999999999999999999999", "status": "lost", "q": " 张 "}
)


def test_pages_ignore_unusable_values(app):
    village = factories.village()
    filters = read_list_filters(ODD, [village])
    assert (filters.village_id, filters.product_id, filters.status) == (None, None, None)
    assert filters.errors == {}
    assert filters.q == "张"


def test_api_names_each_unusable_value(app):
    filters = read_list_filters(ODD, strict=True)
    assert set(filters.errors) == {"village", "product", "status"}


def test_known_values_are_kept_for_both(app):
    village = factories.village()
    product = factories.product()
    args = MultiDict(
        {"village": str(village.id), "product": str(product.id), "status": "allocated"}
    )
    for filters in (read_list_filters(args, [village]), read_list_filters(args, strict=True)):
        assert (filters.village_id, filters.product_id, filters.status) == (
            village.id,
            product.id,
            "allocated",
        )
        assert filters.errors == {}


def test_pages_drop_a_village_outside_the_users_villages(app):
    mine, other = factories.village(), factories.village()
    filters = read_list_filters(MultiDict({"village": str(other.id)}), [mine])
    assert filters.village_id is None
