"""The supply chart's layout: names whole when they fit, shortened past the chart's
width, and the widest figure reserved at the bars' right end."""

from decimal import Decimal

from supply_match.services.supply import chart
from supply_match.services.supply.figures import Figures, ProductSupply


def product(name, ordered, stock, unit="袋"):
    return ProductSupply(
        product_id=1,
        name=name,
        category="fertilizer",
        unit=unit,
        unit_weight_kg=Decimal(50),
        total=Figures(ordered=Decimal(ordered), stock=Decimal(stock), available=Decimal(stock)),
    )


def test_a_name_that_fits_is_printed_whole():
    laid = chart.lay_out([product("复合肥（15-15-15）50kg/袋", 10, 3)], str)
    assert laid.rows[0].label == "复合肥（15-15-15）50kg/袋"
    assert laid.rows[0].short


def test_a_name_wider_than_the_chart_is_shortened_to_fit():
    name = "超长名称的测试用复合肥料" * 4
    row = chart.lay_out([product(name, 1, 1)], str).rows[0]
    assert row.label.endswith("…") and name.startswith(row.label[:-1])
    assert chart.text_width(row.label, chart.NAME_SIZE) <= chart.WIDTH - 2 * chart.PADDING


def test_the_widest_figure_ends_inside_the_chart():
    rows = chart.lay_out(
        [product("尿素", 1234567, 10), product("地膜", 5, 9999999, "卷")], str
    ).rows
    for bar in (rows[0].ordered, rows[1].stock):
        assert bar.figure_x + chart.text_width(bar.figure, chart.FIGURE_SIZE) <= chart.WIDTH
    assert rows[0].ordered.width > rows[0].stock.width  # each row on its own scale
    assert rows[1].stock.width == rows[0].ordered.width


def test_text_width_counts_chinese_as_wider_than_latin():
    assert chart.text_width("复合肥", 10) == 30
    assert chart.text_width("abc", 10) < 30
