"""Legends as slide shapes: entries, rows, mirroring, and the room they take from the chart."""

from __future__ import annotations

from dataclasses import replace

import pytest

from deckgen import textmetrics
from deckgen.model import ChartSpec, ScatterSpec, Series, XYSeries
from deckgen.render.chart_block import draw_chart_block
from deckgen.render.charts import SMALL_PT
from deckgen.render.layout import EMU_PER_PT, Box
from deckgen.render.legend import LegendEntry, legend_entries, legend_height, legend_rows
from tests.render.conftest import make_canvas

BOX = Box(0, 0, 400 * EMU_PER_PT, 300 * EMU_PER_PT)
COMBO = ChartSpec(
    kind="combo",
    title="t",
    categories=("a", "b"),
    series=(
        Series("Received", (3.0, 4.0)),
        Series("Open", (6.0, 5.0), plot="line"),
        Series("Resolved", (2.0, 5.0)),
    ),
)


def test_entries_follow_the_spec_with_the_drawn_colours() -> None:
    _, ctx = make_canvas("en")
    assert legend_entries(COMBO, ctx) == (
        LegendEntry("Received", "bar", ctx.series_hex(0)),
        LegendEntry("Open", "line", ctx.series_hex(2)),
        LegendEntry("Resolved", "bar", ctx.series_hex(1)),
    )
    doughnut = ChartSpec(
        kind="doughnut", title="t", categories=("Silver", "Gold"), series=(Series("n", (3, 1)),)
    )
    assert [e.name for e in legend_entries(doughnut, ctx)] == ["Silver", "Gold"]
    one = ChartSpec(kind="column", title="t", categories=("a",), series=(Series("n", (1.0,)),))
    assert legend_entries(one, ctx) == ()  # one series: the block title names it
    hidden = ChartSpec(kind="line", title="t", categories=("a",), series=COMBO.series, legend=False)
    assert legend_entries(hidden, ctx) == ()
    scatter = ScatterSpec(
        title="t",
        series=(XYSeries("a", (1.0,), (1.0,)), XYSeries("b", (2.0,), (2.0,))),
        x_title="x",
        y_title="y",
        x_range=(0.0, 5.0),
        y_range=(0.0, 5.0),
    )
    assert [e.key for e in legend_entries(scatter, ctx)] == ["dot", "dot"]


def test_rows_wrap_between_entries_when_the_names_do_not_fit() -> None:
    entries = tuple(LegendEntry(name, "bar", "000000") for name in ("Alpha", "Beta", "Gamma"))
    # An entry: 8 pt key, 4 pt gap, its name and 2 pt of slack; 14 pt between entries.
    widths = [8 + 4 + textmetrics.measure_width(e.name, SMALL_PT, "Calibri") + 2 for e in entries]
    one_row = sum(widths) + 2 * 14
    assert legend_rows(entries, one_row, "Calibri") == [list(entries)]
    two_rows = legend_rows(entries, one_row - 1, "Calibri")
    assert two_rows == [list(entries[:2]), [entries[2]]]
    line = SMALL_PT * textmetrics.ARABIC_LINE_EM  # every script's line: equal charts, equal room
    assert legend_height(entries, one_row - 1, "Calibri") == pytest.approx(4 + 2 * line)
    assert legend_height((), 100, "Calibri") == 0.0


def _legend(lang: str) -> tuple[list, list]:  # type: ignore[type-arg]
    slide, ctx = make_canvas(lang)
    draw_chart_block(slide, COMBO, BOX, ctx)
    names = [s for s in slide.shapes if s.name == "Legend"]
    keys = [s for s in slide.shapes if s.name == "Legend Key"]
    (chart,) = [s for s in slide.shapes if s.has_chart]
    assert not chart.chart.has_legend
    assert chart.height == BOX.h - round(
        legend_height(legend_entries(COMBO, ctx), 400, "Calibri") * EMU_PER_PT
    )
    return names, keys


def test_the_legend_reads_from_the_start_and_is_mirrored_right_to_left() -> None:
    names, keys = _legend("en")
    assert [s.text_frame.text for s in names] == ["Received", "Open", "Resolved"]
    assert names[0].left < names[1].left < names[2].left
    assert keys[0].left + keys[0].width <= names[0].left  # the key before its name
    rtl_names, rtl_keys = _legend("fa")
    assert [s.text_frame.text for s in rtl_names] == ["Received", "Open", "Resolved"]
    for en, fa in zip(names + keys, rtl_names + rtl_keys, strict=True):
        assert fa.left == 2 * BOX.x + BOX.w - en.left - en.width  # mirrored in the chart's box
        assert (fa.top, fa.width, fa.height) == (en.top, en.width, en.height)
    assert rtl_keys[0].left >= rtl_names[0].left + rtl_names[0].width  # key right of its name


def test_image_charts_get_the_same_legend_and_chart_box() -> None:
    slide, ctx = make_canvas("en")
    draw_chart_block(slide, COMBO, BOX, ctx)
    native = [(s.name, s.left, s.top, s.width, s.height) for s in slide.shapes]
    slide, ctx = make_canvas("en")
    draw_chart_block(slide, COMBO, BOX, replace(ctx, charts="image"))
    image = [(s.name, s.left, s.top, s.width, s.height) for s in slide.shapes]
    assert [n for n in image if n[0] != "Chart Picture"] == [n for n in native if n[0] != "Chart"]
    (picture,) = [n for n in image if n[0] == "Chart Picture"]
    (frame,) = [n for n in native if n[0] == "Chart"]
    assert picture[1:] == frame[1:]
