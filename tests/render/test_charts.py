"""Native charts: number formats, highlight, RTL mirroring, doughnut labels, scatter quadrants."""

from __future__ import annotations

import pytest
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.oxml.ns import qn

from deckgen.formats import excel_number_format
from deckgen.model import ChartSpec, ScatterSpec, Series, XYSeries
from deckgen.render.charts import draw_chart, draw_scatter, line_axis_floor
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
    assert chart.category_axis.reverse_order and not chart.value_axis.reverse_order
    slide, ctx = make_canvas("fa")
    chart = draw_chart(slide, _spec("bar"), BOX, ctx).chart
    assert chart.category_axis.reverse_order and chart.value_axis.reverse_order


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
    assert positions == ["l", "r", "l", "r"]  # low x is on the right: labels grow inward


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
