"""The stats page's bar charts (blueprints/stats/charts.py): a scale of round numbers, bars that share the
chart's width and reach the scale's top, labels thinned out when there are many bars."""

from __future__ import annotations

import pytest

from bookapp.blueprints.stats.charts import HEIGHT, WIDTH, Row, bar_chart, nice_ceiling


@pytest.mark.parametrize(
    ("largest", "top", "step"),
    [(0, 1, 1), (1, 1, 1), (3, 3, 1), (7, 8, 2), (18, 20, 5), (41, 60, 20), (120, 150, 50), (9_999, 10_000, 5_000)],
)
def test_the_scale_ends_on_a_round_number(largest, top, step):
    assert nice_ceiling(largest) == (top, step)


def chart(values):
    return bar_chart(
        "c", "Title", "Description", [(str(index), value) for index, value in enumerate(values)],
        label_heading="Label", value_headings=("Books",),
    )  # fmt: skip


def test_bars_stand_on_the_baseline_and_the_tallest_reaches_the_top_of_the_scale():
    drawn = chart([0, 2, 4])
    zero, half, full = drawn.bars
    assert zero.height == 0 and zero.y == drawn.baseline
    assert half.height == pytest.approx(full.height / 2)
    assert full.y == pytest.approx(drawn.ticks[-1].y)  # the scale's top is 4
    assert [tick.label for tick in drawn.ticks] == ["0", "1", "2", "3", "4"]
    assert (drawn.width, drawn.height) == (WIDTH, HEIGHT)


def test_bars_share_the_width_and_stay_inside_it():
    for count in (1, 12, 40):
        bars = chart([1] * count).bars
        assert bars[0].x >= drawn_left() and bars[-1].x + bars[-1].width <= WIDTH
        assert all(later.x > earlier.x + earlier.width for earlier, later in zip(bars, bars[1:], strict=False))


def drawn_left():
    return chart([1]).left


def test_many_bars_are_labelled_every_so_often_and_the_table_keeps_every_one():
    drawn = chart(list(range(40)))
    labelled = [bar.label for bar in drawn.bars if bar.labelled]
    assert labelled == [str(index) for index in range(0, 40, 3)]
    assert len(drawn.rows) == 40 and drawn.rows[5] == Row("5", ("5",))
    assert all(bar.labelled for bar in chart(list(range(12))).bars)
