"""Native charts: number formats, scales, highlight, RTL mirroring, doughnut shares, category labels,
scatter quadrants."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.oxml.ns import qn

from deckgen import textmetrics
from deckgen.formats import excel_number_format
from deckgen.model import ChartSpec, ScatterSpec, Series, XYSeries
from deckgen.render.charts import (
    SMALL_PT,
    UPRIGHT_ROT,
    AxisScale,
    aligned_scales,
    axis_places,
    axis_scale,
    axis_ticks,
    category_slant,
    category_slot,
    column_gaps,
    doughnut_shares,
    draw_chart,
    draw_quadrant_labels,
    draw_scatter,
    line_axis_floor,
    major_unit,
    scatter_layout,
    series_color,
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
    assert labels.font.size.pt == SMALL_PT == 10.5
    assert not chart.value_axis.visible  # labels carry the numbers
    assert not chart.has_title


def test_axis_format_and_title_without_labels() -> None:
    slide, ctx = make_canvas("fa")
    spec = _spec("line", data_labels=False, value_axis_title="سهم")
    chart = draw_chart(slide, spec, BOX, ctx).chart
    axis = chart.value_axis
    assert axis.visible and axis.has_major_gridlines
    # Rates are stored × 100 for the literal ٪; steps of 10 percentage points need no decimal.
    assert chart.plots[0].series[0].values == (25.0, 50.0, None)
    alm = "\u061c"
    assert axis.tick_labels.number_format == (
        f'[$-3000429]"{alm}"0"٪{alm}";[$-3000429]"{alm}"0"\u2212٪{alm}"'
    )
    # A line's axis starts below its data (line_axis_floor: 12.5% down to 10%), not at zero.
    assert (axis.minimum_scale, axis.maximum_scale, axis.major_unit) == (10.0, 50.0, 10.0)
    assert axis.axis_title.text_frame.text == "سهم"
    assert chart.category_axis.reverse_order  # first category on the right


def test_rates_are_stored_on_their_decimal_digits() -> None:
    # 0.285 × 100 is 28.499999999999996 in floats: a viewer would show 28.4 where the text says
    # 28.5 (the text rounds the decimal 0.285).
    slide, ctx = make_canvas("ar")
    spec = ChartSpec(
        kind="column", title="t", categories=("a",), series=(Series("r", (0.285,), "percent"),)
    )
    assert draw_chart(slide, spec, BOX, ctx).chart.plots[0].series[0].values == (28.5,)


def test_large_money_is_shown_in_millions_on_axis_and_labels() -> None:
    slide, ctx = make_canvas("en")
    spend = Series("Spend", (350_000_000.0, 2_500_000.0, 0.0), "money")
    spec = ChartSpec(kind="column", title="t", categories=CATS, series=(spend,), data_labels=False)
    chart = draw_chart(slide, spec, BOX, ctx).chart
    # Steps of 100M on a 0..400M axis: whole millions; data labels keep one decimal.
    millions = excel_number_format("money", "en", "latn", "USD", 350_000_000.0, places=0)
    assert millions == '#,##0,,"M\u00a0USD"'
    assert chart.value_axis.tick_labels.number_format == millions
    assert (chart.value_axis.maximum_scale, chart.value_axis.major_unit) == (4e8, 1e8)
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


def test_doughnut_shows_shares_computed_once() -> None:
    spec = ChartSpec(
        kind="doughnut", title="t", categories=CATS, series=(Series("n", (12.0, 409.0, None)),)
    )
    shares = doughnut_shares(spec).series[0]
    assert shares.value_kind == "percent"
    assert shares.values == pytest.approx((12 / 421, 409 / 421, 0.0))
    slide, ctx = make_canvas("en")
    chart = draw_chart(slide, spec, BOX, ctx).chart
    assert chart.plots[0].series[0].values == pytest.approx((12 / 421, 409 / 421, 0.0))
    labels = chart.plots[0].series[0]._element.findall(".//" + qn("c:dLbl"))
    assert len(labels) == 3
    for label in labels:
        assert label.find(qn("c:showPercent")).get("val") == "0"
        assert label.find(qn("c:showVal")).get("val") == "1"
        assert label.find(qn("c:numFmt")).get("formatCode") == "0.0%"
    assert chart.plots[0]._element.find(qn("c:holeSize")).get("val") == "55"
    assert not chart.has_legend  # drawn as shapes under the chart (deckgen.render.legend)


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


def test_scatter_splits_are_helper_series_and_labels_are_shapes() -> None:
    slide, ctx = make_canvas("en")
    chart = draw_scatter(slide, _scatter(), BOX, ctx).chart
    series = list(chart.plots[0].series)
    assert [s.name for s in series] == ["Customers", "x split", "y split"]
    x_split = series[1]
    assert tuple(x_split.values) == (0.0, 10.0)
    x_values = x_split._element.find(qn("c:xVal")).findall(".//" + qn("c:v"))
    assert [float(v.text) for v in x_values] == [3.0, 3.0]
    assert (chart.category_axis.minimum_scale, chart.category_axis.maximum_scale) == (1.0, 5.0)
    assert not chart.has_legend


def _quadrant_labels(lang: str) -> list:  # type: ignore[type-arg]
    slide, ctx = make_canvas(lang)
    draw_quadrant_labels(slide, _scatter(), BOX, ctx)
    return [s for s in slide.shapes if s.name == "Quadrant"]


def test_quadrant_labels_sit_outside_the_plot_at_its_corners() -> None:
    _, ctx = make_canvas("en")
    layout = scatter_layout(_scatter(), BOX.w_pt, BOX.h_pt, ctx)
    labels = _quadrant_labels("en")
    assert [s.text_frame.text for s in labels] == [
        "Hostages",
        "Loyalists",
        "Defectors",
        "Mercenaries",
    ]
    plot_top = BOX.y / 12700 + layout.top
    plot_bottom = plot_top + layout.plot_h
    left = BOX.x / 12700 + layout.left
    right = left + layout.plot_w
    top_labels, bottom_labels = labels[:2], labels[2:]
    for shape in top_labels:  # above the plot: never over a dot
        assert shape.top / 12700 + shape.height / 12700 <= plot_top + 1e-6
    for shape in bottom_labels:  # below the plot and its tick labels
        assert shape.top / 12700 >= plot_bottom + layout.line
    assert labels[0].left / 12700 == pytest.approx(left, abs=0.01)  # low x at the left
    assert (labels[1].left + labels[1].width) / 12700 == pytest.approx(right, abs=0.01)
    assert labels[2].left / 12700 == pytest.approx(left, abs=0.01)
    _, ctx = make_canvas("fa")
    layout = scatter_layout(_scatter(), BOX.w_pt, BOX.h_pt, ctx)
    left = BOX.x / 12700 + layout.left
    rtl = _quadrant_labels("fa")  # low x on the right
    assert (rtl[0].left + rtl[0].width) / 12700 == pytest.approx(left + layout.plot_w, abs=0.01)
    assert rtl[1].left / 12700 == pytest.approx(left, abs=0.01)


def test_bottom_quadrant_labels_get_a_row_of_their_own_when_the_title_is_in_the_way() -> None:
    _, ctx = make_canvas("en")
    short = scatter_layout(_scatter(), BOX.w_pt, BOX.h_pt, ctx)
    title = "A very long satisfaction axis title " * 3
    crowded = scatter_layout(replace(_scatter(), x_title=title), BOX.w_pt, BOX.h_pt, ctx)
    # Same row as the x title when they fit beside it, else a row below it (a shorter plot).
    assert short.bottom_row == pytest.approx(short.top + short.plot_h + short.line + 8.0)
    assert crowded.plot_h < short.plot_h
    assert crowded.bottom_row > crowded.top + crowded.plot_h + 2 * crowded.line


def test_scatter_rtl_runs_right_to_left() -> None:
    slide, ctx = make_canvas("fa")
    chart = draw_scatter(slide, _scatter(), BOX, ctx).chart
    assert chart.category_axis.reverse_order
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


def _rotation(chart) -> int:  # type: ignore[no-untyped-def]
    return int(chart.category_axis._element.find(qn("c:txPr")).find(qn("a:bodyPr")).get("rot"))


def test_category_labels_wrap_at_spaces_or_stand_upright_never_shrink() -> None:
    # "Television" is 4.07 pt wide at 1 pt: 42.7 pt at 10.5 pt. Eight categories in 300 pt:
    # 286 pt of plot (7 pt pads; labels on, so no value axis), 35.75 pt a category, of which
    # LibreOffice wraps in 95% less a 4 pt gap (29.96 pt): "Television" does not fit.
    width = textmetrics.measure_width("Television", SMALL_PT, "Calibri")
    assert width == pytest.approx(42.7, abs=0.05)
    assert category_slant(("Trade shows", "Television"), 35.75, "Calibri")
    assert not category_slant(("Trade shows", "Email"), 35.75, "Calibri")  # words fit: wrap
    assert not category_slant(("Television",), (width + 4.0) / 0.95 + 0.01, "Calibri")
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
    assert chart.category_axis.tick_labels.font.size.pt == SMALL_PT  # never smaller
    assert _rotation(chart) == -UPRIGHT_ROT  # read upwards, ending at the tick
    slide, ctx = make_canvas("fa")
    assert _rotation(draw_chart(slide, spec, box, ctx).chart) == UPRIGHT_ROT  # mirrored
    slide, ctx = make_canvas("en")
    wide = Box(0, 0, 900 * 12700, 200 * 12700)
    assert _rotation(draw_chart(slide, spec, wide, ctx).chart) == 0


def test_a_visible_value_axis_narrows_the_categories() -> None:
    _slide, ctx = make_canvas("en")
    spec = replace(_spec("column"), data_labels=False)
    # Values up to 0.5 on steps of 0.1: the widest label is "50.0%", 6 pt from the plot.
    scale = AxisScale(0.0, 0.5, 0.1)
    room = textmetrics.measure_width("50.0%", SMALL_PT, "Calibri") + 6.0
    assert value_axis_room(scale, "percent", None, ctx) == pytest.approx(room)
    assert category_slot(spec, 300.0, ctx) == pytest.approx((300.0 - 14.0 - room) / 3)


@pytest.mark.parametrize(
    ("values", "floor", "expected"),
    [
        ((0.24, 0.31, None), None, AxisScale(0.0, 0.4, 0.1)),
        ((-8.0, 31.0), None, AxisScale(-10.0, 40.0, 10.0)),
        ((310.0, 398.0), 260.0, AxisScale(250.0, 400.0, 50.0)),  # floor down to the step
        ((0.0,), None, AxisScale(0.0, 1.0, 0.2)),  # all zero: a unit range, not a crash
    ],
)
def test_axis_scale_is_round_and_holds_zero(
    values: tuple[float | None, ...], floor: float | None, expected: AxisScale
) -> None:
    scale = axis_scale(values, floor)
    assert (scale.low, scale.high, scale.unit) == pytest.approx(
        (expected.low, expected.high, expected.unit)
    )


def test_aligned_scales_share_their_zero_and_steps() -> None:
    answers = axis_scale((40.0, 62.0, 31.0))  # 0 .. 80 by 20
    nps = axis_scale((12.0, -8.0, 31.0))  # -10 .. 40 by 10
    first, second = aligned_scales(answers, nps)
    assert (first.low, first.high, first.unit) == (-20.0, 80.0, 20.0)
    assert (second.low, second.high, second.unit) == (-10.0, 40.0, 10.0)
    # Zero at the same height: the same share of each axis lies below it.
    assert -first.low / (first.high - first.low) == -second.low / (second.high - second.low)
    assert len(first.ticks) == len(second.ticks) == 6


def test_dual_axis_chart_lines_up_zeros_and_blanks_the_count_axis_below_zero() -> None:
    slide, ctx = make_canvas("en")
    spec = ChartSpec(
        kind="combo",
        title="t",
        categories=("a", "b", "c"),
        series=(
            Series("Answers", (40.0, 62.0, 31.0)),
            Series("NPS", (12.0, -8.0, 31.0), "score", axis="secondary", plot="line"),
        ),
        data_labels=False,
    )
    chart = draw_chart(slide, spec, BOX, ctx).chart
    primary, secondary = chart._chartSpace.findall(".//" + qn("c:valAx"))

    def scaling(axis, tag):  # type: ignore[no-untyped-def]
        return float(axis.find(qn("c:scaling")).find(qn(tag)).get("val"))

    assert (scaling(primary, "c:min"), scaling(primary, "c:max")) == (-20.0, 80.0)
    assert (scaling(secondary, "c:min"), scaling(secondary, "c:max")) == (-10.0, 40.0)
    assert primary.find(qn("c:numFmt")).get("formatCode") == "#,##0;;#,##0"  # no "-20"
    assert secondary.find(qn("c:numFmt")).get("formatCode") == "+#,##0;-#,##0;0"


def test_axis_places_follow_the_step() -> None:
    _, ctx = make_canvas("en")
    assert axis_places("percent", 0.1, ctx) == 0 and axis_places("percent", 0.025, ctx) == 1
    assert axis_places("decimal", 0.5, ctx) == 1 and axis_places("decimal", 2.0, ctx) == 0
    millions = replace(ctx, money_max=3.5e8)
    assert axis_places("money", 5e7, millions) == 0 and axis_places("money", 5e5, millions) == 1


def test_series_colours_match_between_chart_kinds_and_legends() -> None:
    _, ctx = make_canvas("en")
    one = _spec("column")
    assert series_color(one, 0, ctx) == ctx.hex("primary")
    combo = ChartSpec(
        kind="combo",
        title="t",
        categories=("a",),
        series=(
            Series("open", (1.0,), plot="line"),
            Series("received", (1.0,)),
            Series("resolved", (1.0,)),
        ),
    )
    # Bars take the first series colours, the line the next one, whatever the spec order.
    assert [series_color(combo, i, ctx) for i in range(3)] == [
        ctx.series_hex(2),
        ctx.series_hex(0),
        ctx.series_hex(1),
    ]


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


@example([120000001.0, -0.03125])  # a tiny negative beside millions still gets a step below zero
@example([6.103515625e-05, -300001.0])  # and a tiny positive beside a large negative
@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).filter(lambda v: abs(v) > 1e-6),
        min_size=1,
        max_size=12,
    )
)
def test_axis_scales_hold_their_values_and_zero_in_few_round_steps(values: list[float]) -> None:
    scale = axis_scale(values)
    assert scale.low <= min(0.0, *values) + 1e-9 * max(1.0, abs(scale.low))
    assert scale.high >= max(0.0, *values) - 1e-9 * max(1.0, abs(scale.high))
    steps = (scale.high - scale.low) / scale.unit
    assert abs(steps - round(steps)) < 1e-6 and 1 <= round(steps) <= 12
    mantissa = scale.unit / 10 ** math.floor(math.log10(scale.unit))
    assert round(mantissa, 6) in (1.0, 2.0, 5.0)
    other = axis_scale([-v for v in values])
    first, second = aligned_scales(scale, other)
    assert round(-first.low / first.unit) == round(-second.low / second.unit)
    assert round(first.high / first.unit) == round(second.high / second.unit)


def test_column_labels_keep_apart_by_narrowing_the_gaps_or_standing_upright() -> None:
    # "52.3%" is 26.1 pt wide at 10.5 pt; a label needs 6 pt more than that over its bar, and
    # a bar of two is slot / (2 + gap): 60% in a 90 pt slot gives 34.6 pt, enough.
    _, ctx = make_canvas("en")
    series = (Series("a", (0.523,) * 6, "percent"), Series("b", (0.519,) * 6, "percent"))
    spec = ChartSpec(kind="column", title="t", categories=tuple("abcdef"), series=series)
    assert column_gaps(spec, 90.0, ctx) == (60, False)
    assert column_gaps(spec, 75.0, ctx) == (30, False)  # 32.6 pt bars at a 30% gap
    assert column_gaps(spec, 60.0, ctx) == (60, True)  # 27.9 pt even at 15%: upright
    assert column_gaps(replace(spec, data_labels=False), 60.0, ctx) == (60, False)
    slide, ctx = make_canvas("en")
    narrow = Box(0, 0, 380 * 12700, 200 * 12700)  # (380 - 14) / 6 = 61 pt a category
    chart = draw_chart(slide, spec, narrow, ctx).chart
    assert chart.plots[0].gap_width == 60
    for plotted in chart.plots[0].series:
        body = plotted.data_labels._element.find(qn("c:txPr")).find(qn("a:bodyPr"))
        assert body.get("rot") == str(-UPRIGHT_ROT)
