"""Bar charts drawn on the server: the geometry of an SVG bar chart, which `stats/_chart.html` turns
into markup (escaped by Jinja), with a title, a description and the numbers as a table beside it.

No chart library and nothing for the browser to run; no `style` attributes either (the CSP forbids
them): colours come from classes in app.css, which follow Bootstrap's light and dark modes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# One size for every chart, so their text is the same size on the page; the bars share the width.
WIDTH = 520
HEIGHT = 200
TOP = 22  # room for the value above the tallest bar
BOTTOM = 28  # room for the labels under the bars
LEFT = 40  # room for the scale's numbers
RIGHT = 8
BAR_SHARE = 0.7  # of each bar's slot; the rest is the gap
WIDEST_BAR = 40
LABELS_MAX = 14  # more bars than this: every second (third…) one is labelled, so labels never overlap


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    labelled: bool = True  # whether its label and value are written under and above it

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Row:
    """One row of the chart's table: the bar's label and the numbers shown for it."""

    label: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class BarChart:
    chart_id: str  # unique in the page: the title's and description's ids derive from it
    title: str
    description: str
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    width: int
    # The table beside the chart: what its first column holds, the other columns' headings, its rows.
    label_heading: str
    value_headings: tuple[str, ...]
    rows: tuple[Row, ...]

    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT

    @property
    def label_y(self) -> float:
        return self.baseline + 18


def nice_ceiling(largest: int) -> tuple[int, int]:
    """(top of the scale, step between its lines): a step of 1, 2 or 5 × 10ⁿ, about four lines."""
    if largest <= 0:
        return 1, 1
    rough = largest / 4
    magnitude = 10 ** math.floor(math.log10(rough)) if rough >= 1 else 1
    step = next(factor * magnitude for factor in (1, 2, 5, 10) if factor * magnitude >= rough)
    return step * math.ceil(largest / step), step


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: list[tuple[str, int]],
    *,
    label_heading: str,
    value_headings: tuple[str, ...],
    rows: list[Row] | None = None,
) -> BarChart:
    """A chart of `bars` (label, value); its table shows `rows`, or each bar's value when none are given."""
    top, step = nice_ceiling(max((value for _, value in bars), default=0))
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = HEIGHT - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(bars), 1)
    bar_width = min(slot * BAR_SHARE, WIDEST_BAR)
    every = math.ceil(len(bars) / LABELS_MAX) if bars else 1
    drawn = []
    for index, (label, value) in enumerate(bars):
        height = plot_height * value / top
        x = LEFT + slot * index + (slot - bar_width) / 2
        drawn.append(Bar(label, value, x, baseline - height, bar_width, height, labelled=index % every == 0))
    ticks = tuple(Tick(baseline - plot_height * value / top, f"{value:,}") for value in range(0, top + 1, step))
    table = rows if rows is not None else [Row(label, (f"{value:,}",)) for label, value in bars]
    return BarChart(
        chart_id=chart_id,
        title=title,
        description=description,
        bars=tuple(drawn),
        ticks=ticks,
        width=WIDTH,
        label_heading=label_heading,
        value_headings=value_headings,
        rows=tuple(table),
    )
