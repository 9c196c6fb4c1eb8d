"""Native charts: number formats, highlight, RTL mirroring, doughnut labels, scatter quadrants."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.oxml.ns import qn

from deckgen.formats import excel_number_format
from deckgen.model import ChartSpec, ScatterSpec, Series, XYSeries
from deckgen.render.charts import (
    axis_ticks,
    draw_chart,
    draw_scatter,
    line_axis_floor,
    major_unit,
    scatter_layout,
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
