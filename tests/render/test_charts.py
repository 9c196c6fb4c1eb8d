"""Native charts: number formats, highlight, RTL mirroring, doughnut labels, scatter quadrants."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.oxml.ns import qn

from deckgen import textmetrics
from deckgen.formats import excel_number_format
from deckgen.model import ChartSpec, ScatterSpec, Series, XYSeries
from deckgen.render.charts import (
    MIN_CATEGORY_PT,
    SMALL_PT,
    axis_ticks,
    category_font_size,
    category_slot,
    draw_chart,
    draw_scatter,
    line_axis_floor,
    major_unit,
    scatter_layout,
    value_axis_room,
    written_order,
)
from deckgen.render.layout import Box
from tests.render.conftest import make_canvas

BOX = Box(457200, 1783080, 5000000, 4000000)
CATS = ("Email", "SEO", "TV")


def _spec(kind: str, **kwargs: object) -> ChartSpec:
    series = (Series("Share", (0.25, 0.5, None), "percent"),)
    return ChartSpec(kind=kind, title="t", categories=CATS, series=series, **kwargs)  # type: ignore[arg-type]


def _fill(element) -> str | None:  # type: ignore[no-untyped-def]
    color = element.find(".//" + qn("a:solidFill") + "/" + qn("a:srgbClr"))
    return None if color is None else color.get("val")


def test_values_formats_and_labels() -> None:
    slide, ctx = make_canvas("en")
    chart = draw_chart(slide, _spec("column"), BOX, ctx).chart
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    series = chart.plots[0].series[0]
    assert series.values == (0.25, 0.5, None)
    labels = series.data_labels
    assert labels.number_format == "0.0%" == excel_number_format("percent", "en", "latn", "USD")
    assert not labels.number_format_is_linked
    assert labels.position == XL_LABEL_POSITION.OUTSIDE_END
    assert labels.font.size.pt == 10
    assert not chart.value_axis.visible  # labels carry the numbers
    assert not chart.has_title


def test_axis_format_and_title_without_labels() -> None:
    slide, ctx = make_canvas("fa")
    spec = _spec("line", data_labels=False, value_axis_title="سهم")
    chart = draw_chart(slide, spec, BOX, ctx).chart
    axis = chart.value_axis
    assert axis.visible and axis.has_major_gridlines
    assert axis.tick_labels.number_format == "[$-3000429]0.0%"
    assert axis.axis_title.text_frame.text == "سهم"
    assert chart.category_axis.reverse_order  # first category on the right


def test_large_money_is_shown_in_millions_on_axis_and_labels() -> None:
    slide, ctx = make_canvas("en")
    spend = Series("Spend", (350_000_000.0, 2_500_000.0, 0.0), "money")
    spec = ChartSpec(kind="column", title="t", categories=CATS, series=(spend,), data_labels=False)
    chart = draw_chart(slide, spec, BOX, ctx).chart
    millions = excel_number_format("money", "en", "latn", "USD", 350_000_000.0)
    assert millions == '#,##0.0,,"M\u00a0USD"'
    assert chart.value_axis.tick_labels.number_format == millions
    assert chart.plots[0].series[0].values == (350_000_000.0, 2_500_000.0, 0.0)


def test_highlight_single_series_uses_the_accent() -> None:
    slide, ctx = make_canvas("en")
    chart = draw_chart(slide, _spec("column", highlight=1), BOX, ctx).chart
    points = chart.plots[0].series[0]._element.findall(qn("c:dPt"))
    fills = {int(p.find(qn("c:idx")).get("val")): _fill(p) for p in points}
    assert fills == {0: ctx.hex("primary"), 1: ctx.hex("accent"), 2: ctx.hex("primary")}


def test_horizontal_bars_first_category_on_top_and_rtl_from_the_right() -> None:
    slide, ctx = make_canvas("en")
    chart = draw_chart(slide, _spec("bar"), BOX, ctx).chart
    # Written bottom-up on a normal axis: the first category is drawn last, at the top.
    assert tuple(chart.plots[0].categories) == ("TV", "SEO", "Email")
    assert chart.plots[0].series[0].values == (None, 0.5, 0.25)
    assert not chart.category_axis.reverse_order and not chart.value_axis.reverse_order
    slide, ctx = make_canvas("fa")
    chart = draw_chart(slide, _spec("bar"), BOX, ctx).chart
    assert not chart.category_axis.reverse_order and chart.value_axis.reverse_order


def test_clustered_bars_list_the_first_series_on_top_and_first_in_the_legend() -> None:
    slide, ctx = make_canvas("en")
    spec = ChartSpec(
        kind="bar",
        title="t",
        categories=CATS,
        series=(Series("Customers", (1.0, 2.0, 3.0)), Series("Revenue", (4.0, 5.0, 6.0))),
        highlight=0,
    )
    assert written_order(spec) == [1, 0]
    chart = draw_chart(slide, spec, BOX, ctx).chart
    # Both viewers list a normal bar chart's legend top-down, i.e. last written series first.
    written = list(chart.plots[0].series)
    assert [s.name for s in written] == ["Revenue", "Customers"]
    assert written[1].values == (3.0, 2.0, 1.0)
    assert [_fill(s._element.find(qn("c:spPr"))) for s in written] == [
        ctx.series_hex(1),
        ctx.series_hex(0),
    ]
    # The highlighted first category is the last point written: it keeps full colour.
    points = written[1]._element.findall(qn("c:dPt"))
    fills = {int(p.find(qn("c:idx")).get("val")): _fill(p) for p in points}
    assert fills[2] == ctx.series_hex(0) != fills[0]
    assert written_order(replace(spec, kind="stacked_bar")) == [0, 1]  # segments left to right


def test_doughnut_shows_percentages() -> None:
    slide, ctx = make_canvas("en")
    spec = ChartSpec(
        kind="doughnut", title="t", categories=CATS, series=(Series("n", (10.0, 30.0, 60.0)),)
    )
    chart = draw_chart(slide, spec, BOX, ctx).chart
    labels = chart.plots[0].series[0]._element.findall(".//" + qn("c:dLbl"))
    assert len(labels) == 3
    for label in labels:
        assert label.find(qn("c:showPercent")).get("val") == "1"
        assert label.find(qn("c:showVal")).get("val") == "0"
        assert label.find(qn("c:numFmt")).get("formatCode") == "0.0%"
    assert chart.plots[0]._element.find(qn("c:holeSize")).get("val") == "55"
    assert chart.has_legend


def test_stacked_series_get_theme_colours() -> None:
    slide, ctx = make_canvas("en")
    spec = ChartSpec(
        kind="stacked_column",
        title="t",
        categories=CATS,
        series=(Series("a", (1.0, 2.0, 3.0)), Series("b", (3.0, 2.0, 1.0))),
    )
    chart = draw_chart(slide, spec, BOX, ctx).chart
    fills = [_fill(s._element.find(qn("c:spPr"))) for s in chart.plots[0].series]
    assert fills == [ctx.series_hex(0), ctx.series_hex(1)]
    assert chart.plots[0].series[0].data_labels.position == XL_LABEL_POSITION.CENTER


def _scatter(**kwargs: object) -> ScatterSpec:
    return ScatterSpec(
        title="t",
        series=(XYSeries("Customers", (1.0, 4.0), (2.0, 9.0)),),
        x_title="Satisfaction",
        y_title="Recommend",
        x_range=(1.0, 5.0),
        y_range=(0.0, 10.0),
        x_split=3.0,
        y_split=7.0,
        quadrant_labels=("Hostages", "Loyalists", "Defectors", "Mercenaries"),
        **kwargs,  # type: ignore[arg-type]
    )


def test_scatter_quadrants_are_helper_series() -> None:
    slide, ctx = make_canvas("en")
    chart = draw_scatter(slide, _scatter(), BOX, ctx).chart
    series = list(chart.plots[0].series)
    assert [s.name for s in series] == ["Customers", "x split", "y split", "quadrants"]
    x_split = series[1]
    assert tuple(x_split.values) == (0.0, 10.0)
    x_values = x_split._element.find(qn("c:xVal")).findall(".//" + qn("c:v"))
    assert [float(v.text) for v in x_values] == [3.0, 3.0]
    texts = [
        "".join(t.text for t in label.iter(qn("a:t")))
        for label in series[3]._element.findall(".//" + qn("c:dLbl"))
    ]
    assert texts == ["Hostages", "Loyalists", "Defectors", "Mercenaries"]
    assert (chart.category_axis.minimum_scale, chart.category_axis.maximum_scale) == (1.0, 5.0)
    assert not chart.has_legend  # one data series


def test_scatter_rtl_runs_right_to_left_and_hides_helpers_in_the_legend() -> None:
    slide, ctx = make_canvas("fa")
    spec = _scatter()
    spec = ScatterSpec(**{**spec.__dict__, "series": (*spec.series, XYSeries("b", (2.0,), (3.0,)))})
    chart = draw_scatter(slide, spec, BOX, ctx).chart
    assert chart.category_axis.reverse_order
    entries = chart._chartSpace.findall(".//" + qn("c:legendEntry"))
    assert sorted(int(e.find(qn("c:idx")).get("val")) for e in entries) == [2, 3, 4]
    positions = [
        label.find(qn("c:dLblPos")).get("val")
        for label in chart.plots[0].series[4]._element.findall(".//" + qn("c:dLbl"))
    ]
    assert positions == ["t", "t", "l", "r"]  # low x is on the right: labels grow inward
    layout = chart._chartSpace.find(".//" + qn("c:plotArea") + "/" + qn("c:layout"))
    x = float(layout.find(".//" + qn("c:x")).get("val"))
    w = float(layout.find(".//" + qn("c:w")).get("val"))
    assert 1 - x - w > x  # the y axis' room is on the right


def _scaling(axis, tag: str) -> float:  # type: ignore[no-untyped-def]
    return float(axis._element.find(qn("c:scaling")).find(qn(tag)).get("val"))


def test_scatter_axes_span_the_scales_and_cross_at_their_minimums() -> None:
    slide, ctx = make_canvas("en")
    chart = draw_scatter(slide, _scatter(), BOX, ctx).chart
    x_axis, y_axis = chart.category_axis, chart.value_axis
    assert (_scaling(x_axis, "c:min"), _scaling(x_axis, "c:max")) == (1.0, 5.0)
    assert (_scaling(y_axis, "c:min"), _scaling(y_axis, "c:max")) == (0.0, 10.0)
    assert (x_axis.major_unit, y_axis.major_unit) == (1.0, 2.0)
    for axis in (x_axis, y_axis):
        assert axis._element.find(qn("c:crosses")).get("val") == "min"
    layout = chart._chartSpace.find(".//" + qn("c:plotArea") + "/" + qn("c:layout"))
    assert layout.find(".//" + qn("c:layoutTarget")).get("val") == "inner"
    assert float(layout.find(".//" + qn("c:y")).get("val")) > 0.05  # room for the top labels


def test_scatter_dots_are_small_and_see_through() -> None:
    slide, ctx = make_canvas("en")
    dots = draw_scatter(slide, _scatter(), BOX, ctx).chart.plots[0].series[0]
    assert dots.marker.size == 5
    color = dots._element.find(qn("c:marker")).find(".//" + qn("a:srgbClr"))
    assert color.get("val") == ctx.series_hex(0)
    assert color.find(qn("a:alpha")).get("val") == "45000"


def test_scatter_top_labels_above_the_plot_bottom_ones_on_white() -> None:
    slide, ctx = make_canvas("en")
    spec = _scatter()
    chart = draw_scatter(slide, spec, BOX, ctx).chart
    labels = chart.plots[0].series[3]._element.findall(".//" + qn("c:dLbl"))
    assert [label.find(qn("c:dLblPos")).get("val") for label in labels] == ["t", "t", "r", "l"]
    for label in labels[:2]:
        assert label.find(qn("c:spPr")) is None
    for label in labels[2:]:
        color = label.find(qn("c:spPr")).find(qn("a:solidFill")).find(qn("a:srgbClr"))
        assert color.get("val") == "FFFFFF" and color.find(qn("a:alpha")).get("val") == "85000"
    layout = scatter_layout(spec, BOX.w_pt, BOX.h_pt, ctx)
    (top_left, y_top), (top_right, _), (bottom_left, y_bottom), _ = layout.anchors
    assert y_top == 10.0 and 0.0 < y_bottom < 1.0
    assert 1.0 < bottom_left < top_left < 3.0 < top_right < 5.0  # inside, near the corners


@pytest.mark.parametrize(
    ("low", "high", "unit"),
    [(1.0, 5.0, 1.0), (0.0, 10.0, 2.0), (0.0, 100.0, 20.0), (0.0, 0.35, 0.1), (-10, 30, 10)],
)
def test_major_unit_is_round_with_at_most_six_steps(low: float, high: float, unit: float) -> None:
    assert major_unit(low, high) == pytest.approx(unit)
    assert axis_ticks(0.0, 10.0) == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]


def test_line_axis_starts_below_the_data_not_at_zero() -> None:
    rates = (Series("r", (0.24, 0.31, None)),)
    # Range 0.07: half below 0.24 is 0.205, rounded down to hundredths.
    assert line_axis_floor(rates) == pytest.approx(0.20)
    assert line_axis_floor((Series("n", (310.0, 398.0)),)) == 260.0  # 266 down to tens
    assert line_axis_floor((Series("n", (0.0, 5.0)),)) is None
    assert line_axis_floor((Series("n", (1.0, 9.0)),)) is None  # would go below zero
    slide, ctx = make_canvas("en")
    spec = ChartSpec(kind="line", title="t", categories=("a", "b", "c"), series=rates)
    assert draw_chart(slide, spec, BOX, ctx).chart.value_axis.minimum_scale == pytest.approx(0.2)


def _category_size(chart) -> float:  # type: ignore[no-untyped-def]
    return chart.category_axis.tick_labels.font.size.pt


def test_category_labels_shrink_until_the_widest_word_fits_its_category() -> None:
    # Words at 1 pt: "Television" 4.07 pt, "shows" 2.55. Eight categories in 300 pt: 286 pt
    # of plot (7 pt pads; labels on, so no value axis), 35.75 pt a category, 31.75 pt of room
    # (4 pt gap): "Television" fits at 7.8 pt, so 7.5; "Trade shows" alone fits at 10.
    width = textmetrics.measure_width("Television", 1.0, "Calibri")
    assert math.floor(31.75 / width * 2) / 2 == 7.5
    assert category_font_size(("Trade shows", "Television"), 35.75, "Calibri") == 7.5
    assert category_font_size(("Trade shows", "Email"), 35.75, "Calibri") == SMALL_PT
    assert category_font_size(("Telecommunications",), 20.0, "Calibri") == MIN_CATEGORY_PT
    slide, ctx = make_canvas("en")
    categories = ("Television", "Radio", "Print", "Email", "SEO", "Blog", "Social", "Trade shows")
    spec = ChartSpec(
        kind="column",
        title="t",
        categories=categories,
        series=(Series("Spend", tuple(float(i) for i in range(8))),),
    )
    box = Box(0, 0, 300 * 12700, 200 * 12700)
    assert category_slot(spec, 300.0, ctx) == pytest.approx(286.0 / 8)
    chart = draw_chart(slide, spec, box, ctx).chart
    assert _category_size(chart) == category_font_size(categories, 286.0 / 8, "Calibri") < 10
    assert textmetrics.measure_width("Television", _category_size(chart), "Calibri") <= 31.75
    slide, ctx = make_canvas("en")
    wide = Box(0, 0, 900 * 12700, 200 * 12700)
    assert _category_size(draw_chart(slide, spec, wide, ctx).chart) == SMALL_PT


def test_a_visible_value_axis_narrows_the_categories() -> None:
    _slide, ctx = make_canvas("en")
    spec = replace(_spec("column"), data_labels=False)
    # Values up to 0.5 on steps of 0.1: the top label is "50.0%", 6 pt from the plot.
    room = textmetrics.measure_width("50.0%", SMALL_PT, "Calibri") + 6.0
    assert value_axis_room(spec.series, None, ctx) == pytest.approx(room)
    assert category_slot(spec, 300.0, ctx) == pytest.approx((300.0 - 14.0 - room) / 3)


def test_rtl_category_labels_and_series_names_start_with_a_right_to_left_mark() -> None:
    for lang, prefix in (("fa", "\u200f"), ("en", "")):
        slide, ctx = make_canvas(lang)
        spec = ChartSpec(
            kind="combo",
            title="t",
            categories=("۱۸ تا ۲۴", "آبان ۱۴۰۴"),
            series=(Series("هزینه", (1.0, 2.0)), Series("CAC", (3.0, 4.0), plot="line")),
        )
        chart = draw_chart(slide, spec, BOX, ctx).chart
        assert tuple(chart.plots[0].categories) == (f"{prefix}۱۸ تا ۲۴", f"{prefix}آبان ۱۴۰۴")
        names = [ser.find(".//" + qn("c:v")).text for ser in chart._chartSpace.iter(qn("c:ser"))]
        assert names == [f"{prefix}هزینه", f"{prefix}CAC"]
