"""The supply chart's layout: one row per product, its name on a line of its own above a
demand bar and a stock bar, each bar followed by its figure.

Bars are scaled to the product's larger figure (units differ between products, so rows
are not compared with each other). Everything is placed in the SVG's own units from an
estimate of how wide each text is, so that no name or figure leaves the picture: names
get the chart's whole width (and are shortened with "…" only past it), and the widest
figure is reserved at the right end of the bars.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from supply_match.services.supply.figures import ProductSupply

WIDTH = 360  # the viewBox width: about a phone's column, so text is not scaled down
PADDING = 6
LEGEND_HEIGHT = 26
NAME_SIZE = 14
FIGURE_SIZE = 12
BAR_HEIGHT = 12
ROW_HEIGHT = 58  # name line, two bars and the gap to the next row
FIGURE_GAP = 4

# Glyph advance widths as a share of the font size, rounded up from the widest fonts
# Chromium falls back to here (DejaVu Sans for Latin, Noto Sans CJK for Chinese).
_WIDE = 1.0
_NARROW = {"digit": 0.64, "upper": 0.76, "lower": 0.62, "space": 0.32, "thin": 0.36}
_THIN = set(".,:;'!|il()[]")


def text_width(text: str, font_size: float) -> float:
    """An upper estimate of ``text``'s width in the chart's units at ``font_size``."""
    em = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            em += _WIDE
        elif char in _THIN:
            em += _NARROW["thin"]
        elif char.isspace():
            em += _NARROW["space"]
        elif char.isdigit():
            em += _NARROW["digit"]
        elif char.isupper():
            em += _NARROW["upper"]
        elif char.islower():
            em += _NARROW["lower"]
        else:
            em += 0.8  # %, ×, symbols: as wide as a capital or wider
    return em * font_size


def fit(text: str, font_size: float, width: float) -> str:
    """``text`` as it fits in ``width``: whole, or shortened and ending in "…"."""
    if text_width(text, font_size) <= width:
        return text
    while text and text_width(text + "…", font_size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


@dataclass
class Bar:
    y: int
    width: float
    figure: str  # the figure as printed after the bar
    figure_x: float
    figure_y: int


@dataclass
class ChartRow:
    name: str  # the product's full name (the row's tooltip)
    label: str  # what the row prints: the name, shortened only when it cannot fit
    label_y: int
    short: bool
    ordered: Bar
    stock: Bar


@dataclass
class Chart:
    width: int
    height: int
    bars_x: int
    legend_y: int
    rows: list[ChartRow]


def lay_out(products: list[ProductSupply], number: Callable[[Decimal], str]) -> Chart:
    """The chart for ``products``; ``number`` formats a figure for the reader's language."""
    texts = [
        (number(p.total.ordered), f"{number(p.total.stock)} {p.unit}".strip()) for p in products
    ]
    widest_figure = max(
        (text_width(text, FIGURE_SIZE) for pair in texts for text in pair), default=0.0
    )
    bars_x = PADDING
    longest_bar = WIDTH - PADDING - bars_x - FIGURE_GAP - widest_figure

    def bar(value: Decimal, largest: Decimal, y: int, text: str) -> Bar:
        width = round(float(value / largest) * longest_bar, 1)
        return Bar(y, width, text, round(bars_x + width + FIGURE_GAP, 1), y + BAR_HEIGHT - 2)

    rows = []
    for index, (product, (ordered_text, stock_text)) in enumerate(
        zip(products, texts, strict=True)
    ):
        top = LEGEND_HEIGHT + index * ROW_HEIGHT
        largest = max(product.total.ordered, product.total.stock) or Decimal(1)
        rows.append(
            ChartRow(
                name=product.name,
                label=fit(product.name, NAME_SIZE, WIDTH - 2 * PADDING),
                label_y=top + NAME_SIZE,
                short=product.shortfall > 0,
                ordered=bar(product.total.ordered, largest, top + NAME_SIZE + 6, ordered_text),
                stock=bar(
                    product.total.stock, largest, top + NAME_SIZE + 8 + BAR_HEIGHT, stock_text
                ),
            )
        )
    return Chart(
        width=WIDTH,
        height=LEGEND_HEIGHT + len(products) * ROW_HEIGHT,
        bars_x=bars_x,
        legend_y=4,
        rows=rows,
    )
