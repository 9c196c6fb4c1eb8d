"""Native, editable charts from ChartSpec and ScatterSpec (python-pptx chart API plus small XML edits).

Look: no chart title (the block title sits above the chart), theme fonts at 10-11 pt with the
complex-script font in every `c:txPr`, series in theme colours, light gridlines, number formats
set explicitly from deckgen.formats (rates are fractions: a `0%` format multiplies by 100).
With data labels on, the value axis is hidden: the labels carry the numbers.
Right-to-left: categories reversed so the first is on the right (the value axis moves right);
horizontal bars grow from the right; a scatter's x axis runs right to left. Category labels and
series names start with U+200F: LibreOffice lays chart text out left to right otherwise, which
turns «۱۸ تا ۲۴» into «تا ۲۴ ۱۸».
Category labels under a narrow plot shrink (to MIN_CATEGORY_PT) until their widest word fits
its category, as LibreOffice would otherwise break the word.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from lxml import etree
from pptx.chart.axis import _BaseAxis
from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.chart.series import BarSeries, LineSeries, _BaseCategorySeries
from pptx.dml.chtfmt import ChartFormat
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_AXIS_CROSSES,
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
    XL_TICK_MARK,
)
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.oxml.ns import qn
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide as PptxSlide
from pptx.text.text import Font
from pptx.util import Emu, Pt

from deckgen import textmetrics
from deckgen.formats import (
    currency_unit,
    excel_number_format,
    format_value,
    localise_digits,
    money_scale,
    rtl_mark,
)
from deckgen.model import ChartSpec, ScatterSpec, Series, ValueKind
from deckgen.render.axis_titles import pin_axis_title
from deckgen.render.context import RenderContext, blend, luminance
from deckgen.render.layout import Box
from deckgen.render.oxml import child, element
from deckgen.render.text import set_run_language, style_paragraph

BASE_PT = 11.0  # chart text
SMALL_PT = 10.0  # ticks, labels, legend
MIN_CATEGORY_PT = 7.0  # category labels shrink no further to keep their words whole
_CHART_TYPES = {
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "stacked_bar": XL_CHART_TYPE.BAR_STACKED,
    "stacked_column": XL_CHART_TYPE.COLUMN_STACKED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
    "doughnut": XL_CHART_TYPE.DOUGHNUT,
    "combo": XL_CHART_TYPE.COLUMN_CLUSTERED,  # bars first; combo.py moves the line series
}
_HORIZONTAL = ("bar", "stacked_bar")
_STACKED = ("stacked_bar", "stacked_column")
_DIM = 0.55  # non-highlighted categories of a multi-series chart fade this far to white
_MARKER_PT = 5  # scatter dot size
_MARKER_OPACITY = 45_000  # 45%: overlapping dots darken, so dense answers show
_LABEL_PAD_PT = 4.0  # between a quadrant label and the plot's edge
_LABEL_FILL_OPACITY = 85_000  # bottom quadrant labels sit on 85% white, above the dots
_MAX_STEPS = 6  # an axis gets at most this many major steps
# Estimates of LibreOffice's automatic plot layout, points: chart edge to plot (each side),
# value-axis labels to plot, and the least room between two category labels.
_CHART_PAD_PT = 7.0
_AXIS_GAP_PT = 6.0
_CATEGORY_GAP_PT = 4.0


def number_format(kind: ValueKind, ctx: RenderContext) -> str:
    """The OOXML number format of a value kind in this deck's language and digits."""
    deck = ctx.deck
    return excel_number_format(kind, deck.lang, deck.digits, deck.currency, ctx.money_max)


def for_chart(series: Sequence[Series], ctx: RenderContext) -> RenderContext:
    """The context for drawing one chart: it knows the chart's largest money amount."""
    amounts = [abs(v) for s in series if s.value_kind == "money" for v in chart_values(s, ctx) if v]
    return replace(ctx, money_max=max(amounts, default=0.0))


def chart_values(series: Series, ctx: RenderContext) -> tuple[float | None, ...]:
    """The values written to the chart: money in display units (tomans are rials / 10)."""
    if series.value_kind != "money":
        return series.values
    scale = money_scale(ctx.deck.currency)
    return tuple(None if v is None else v * scale for v in series.values)


def chart_label(text: str, ctx: RenderContext) -> str:
    """A category label or series name as written: with U+200F first in right-to-left decks."""
    return rtl_mark(text) if ctx.rtl else text


def category_data(
    categories: Sequence[str], series: Sequence[Series], ctx: RenderContext
) -> CategoryChartData:
    """Chart data of category series, each with its own number format."""
    data = CategoryChartData()
    data.categories = [chart_label(category, ctx) for category in categories]
    for item in series:
        # Money is scaled per value axis: a secondary axis of tens of millions keeps its own
        # unit beside a primary one in billions.
        same_axis = [s for s in series if s.axis == item.axis]
        data.add_series(
            chart_label(item.name, ctx),
            chart_values(item, ctx),
            number_format=number_format(item.value_kind, for_chart(same_axis, ctx)),
        )
    return data


def _tick_text(value: float, kind: ValueKind, ctx: RenderContext) -> str:
    """`value` roughly as the viewer draws it with `number_format` (for measuring only)."""
    if kind == "percent":
        text = f"{value * 100:.1f}%"
    elif kind == "decimal":
        text = f"{value:,.1f}"
    elif kind == "score":
        text = f"+{value:,.0f}"
    else:
        text = f"{value:,.0f}"
    if kind == "money":
        text = f"{text} {currency_unit(ctx.deck.currency, ctx.deck.lang)}"
    return localise_digits(text, ctx.deck.lang, ctx.deck.digits)


def value_axis_room(
    series: Sequence[Series], title: str | None, ctx: RenderContext, stacked: bool = False
) -> float:
    """Width (points) a visible value axis takes beside the plot: its widest label and title."""
    columns = zip(*(chart_values(item, ctx) for item in series), strict=True)
    if stacked:
        values = [sum(abs(v) for v in column if v is not None) for column in columns]
    else:
        values = [abs(v) for column in columns for v in column if v is not None]
    top = max(values, default=0.0)
    unit = major_unit(0.0, top)
    top = math.ceil(top / unit - 1e-9) * unit
    family = ctx.theme.minor_font
    width = textmetrics.measure_width(_tick_text(top, series[0].value_kind, ctx), SMALL_PT, family)
    if title:
        width += textmetrics.line_height(title, SMALL_PT, family)
    return width + _AXIS_GAP_PT


def category_slot(spec: ChartSpec, width_pt: float, ctx: RenderContext) -> float:
    """Estimated width (points) of one category of a column, line or combo chart's plot."""
    plot = width_pt - 2 * _CHART_PAD_PT
    bars = [s for s in spec.series if s.plot == "bar"] or list(spec.series)
    if spec.kind == "combo" or not spec.data_labels:  # the primary value axis is shown
        primary = [s for s in spec.series if s.axis == "primary"] if spec.kind == "combo" else bars
        stacked = spec.kind in _STACKED
        plot -= value_axis_room(primary or bars, spec.value_axis_title, ctx, stacked)
    secondary = [s for s in spec.series if s.plot == "line" and s.axis == "secondary"]
    if spec.kind == "combo" and secondary:
        plot -= value_axis_room(secondary, spec.secondary_axis_title, ctx)
    return max(plot, 1.0) / max(len(spec.categories), 1)


def category_font_size(categories: Sequence[str], slot_pt: float, family: str) -> float:
    """The size (SMALL_PT down to MIN_CATEGORY_PT, half points) at which every word fits a slot."""
    widest = max(
        (
            textmetrics.measure_width(word, 1.0, family)
            for category in categories
            for word in category.split(" ")
        ),
        default=0.0,
    )
    room = slot_pt - _CATEGORY_GAP_PT
    if widest * SMALL_PT <= room:
        return SMALL_PT
    return max(MIN_CATEGORY_PT, math.floor(room / widest * 2) / 2)


def style_font(
    font: Font, ctx: RenderContext, size: float, color: str | None = None, bold: bool = False
) -> None:
    """Size, colour, weight, theme Latin font, language and complex-script font of chart text."""
    font.size = Pt(size)
    font.bold = bold
    font.name = ctx.theme.minor_font
    font.color.rgb = RGBColor.from_string(color or ctx.hex("text"))
    set_run_language(font._rPr, ctx)


def _no_fill_sp_pr(parent: etree._Element, before: Sequence[str]) -> None:
    """A `c:spPr` with no fill and no line, placed before the first of `before` present."""
    sp_pr = element("c:spPr")
    child(sp_pr, "a:noFill")
    line = child(sp_pr, "a:ln")
    child(line, "a:noFill")
    for old in parent.findall(qn("c:spPr")):
        parent.remove(old)
    anchor = next((el for tag in before if (el := parent.find(qn(tag))) is not None), None)
    if anchor is None:
        parent.append(sp_pr)
    else:
        anchor.addprevious(sp_pr)


def style_chart(chart: Chart, ctx: RenderContext, legend: bool) -> None:
    """Chart-wide text, transparent background, no title, legend at the bottom."""
    style_font(chart.font, ctx, BASE_PT)
    chart.has_title = False
    space = chart._chartSpace
    _no_fill_sp_pr(space, ("c:txPr", "c:externalData", "c:printSettings", "c:userShapes"))
    plot_area = space.find(qn("c:chart")).find(qn("c:plotArea"))
    _no_fill_sp_pr(plot_area, ("c:extLst",))
    chart.has_legend = legend
    if legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        style_font(chart.legend.font, ctx, SMALL_PT)


def _axis_title(axis: _BaseAxis, text: str | None, ctx: RenderContext) -> None:
    if not text:
        axis.has_title = False
        return
    frame = axis.axis_title.text_frame
    frame.text = text
    paragraph = frame.paragraphs[0]
    style_paragraph(paragraph, ctx, "center")
    for run in paragraph.runs:
        style_font(run.font, ctx, SMALL_PT, ctx.hex("muted"))


def _axis_line(axis: _BaseAxis, color: str | None) -> None:
    line = axis.format.line
    if color is None:
        line.fill.background()
    else:
        line.color.rgb = RGBColor.from_string(color)
        line.width = Pt(0.75)


def style_value_axis(
    axis: _BaseAxis,
    kind: ValueKind,
    ctx: RenderContext,
    *,
    title: str | None,
    visible: bool,
    gridlines: bool = True,
) -> None:
    """Number format, light gridlines, muted tick labels and title; hidden when not `visible`."""
    axis.visible = visible
    axis.has_major_gridlines = visible and gridlines
    if axis.has_major_gridlines:
        grid = axis.major_gridlines.format.line
        grid.color.rgb = RGBColor.from_string(ctx.hex("rule"))
        grid.width = Pt(0.5)
    axis.major_tick_mark = XL_TICK_MARK.NONE
    axis.minor_tick_mark = XL_TICK_MARK.NONE
    labels = axis.tick_labels
    labels.number_format = number_format(kind, ctx)
    labels.number_format_is_linked = False
    style_font(labels.font, ctx, SMALL_PT, ctx.hex("muted"))
    _axis_line(axis, None)
    _axis_title(axis, title if visible else None, ctx)


def style_category_axis(axis: _BaseAxis, ctx: RenderContext, size: float = SMALL_PT) -> None:
    """A thin rule, no tick marks, horizontal labels of `size` that wrap instead of rotating."""
    axis.major_tick_mark = XL_TICK_MARK.NONE
    axis.minor_tick_mark = XL_TICK_MARK.NONE
    axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    style_font(axis.tick_labels.font, ctx, size)
    body_pr = axis._element.find(qn("c:txPr")).find(qn("a:bodyPr"))
    body_pr.set("rot", "0")
    body_pr.set("vert", "horz")
    _axis_line(axis, ctx.hex("rule"))


def _fill(fmt: ChartFormat, color: str) -> None:
    fmt.fill.solid()
    fmt.fill.fore_color.rgb = RGBColor.from_string(color)


def style_series_labels(
    series: _BaseCategorySeries,
    kind: ValueKind,
    ctx: RenderContext,
    position: XL_LABEL_POSITION | None,
    color: str,
) -> None:
    """Value labels of one series with its number format."""
    labels = series.data_labels
    labels.show_value = True
    labels.number_format = number_format(kind, ctx)
    labels.number_format_is_linked = False
    if position is not None:
        labels.position = position
    style_font(labels.font, ctx, SMALL_PT, color)
    # LibreOffice wraps a long label ("۵۹٫۹ میلیون تومان") onto lines that overlap the bars.
    labels._element.find(qn("c:txPr")).find(qn("a:bodyPr")).set("wrap", "none")


def style_bar_series(
    series: BarSeries,
    index: int,
    spec_series: Series,
    ctx: RenderContext,
    *,
    stacked: bool,
    highlight: int | None,
    multi: bool,
    labels: bool,
) -> None:
    """Theme colour fill; a highlighted category in the accent colour (or the others faded)."""
    color = ctx.hex("primary") if not multi else ctx.series_hex(index)
    _fill(series.format, color)
    series.format.line.fill.background()
    series.invert_if_negative = False
    if highlight is not None and 0 <= highlight < len(spec_series.values):
        for point_index in range(len(spec_series.values)):
            if point_index == highlight:
                point_color = ctx.hex("accent") if not multi else color
            else:
                point_color = color if not multi else blend(color, "FFFFFF", _DIM)
            _fill(series.points[point_index].format, point_color)
    if labels:
        if stacked:
            text = "FFFFFF" if luminance(color) < 0.5 else ctx.hex("text")
            style_series_labels(series, spec_series.value_kind, ctx, XL_LABEL_POSITION.CENTER, text)
        else:
            style_series_labels(
                series, spec_series.value_kind, ctx, XL_LABEL_POSITION.OUTSIDE_END, ctx.hex("text")
            )


def style_line_series(
    series: LineSeries, color: str, kind: ValueKind, ctx: RenderContext, labels: bool
) -> None:
    """A 2.25 pt line with round markers in `color`."""
    series.smooth = False
    line = series.format.line
    line.color.rgb = RGBColor.from_string(color)
    line.width = Pt(2.25)
    marker = series.marker
    marker.style = XL_MARKER_STYLE.CIRCLE
    marker.size = 7
    _fill(marker.format, color)
    marker.format.line.color.rgb = RGBColor.from_string(color)
    if labels:
        style_series_labels(series, kind, ctx, XL_LABEL_POSITION.ABOVE, ctx.hex("text"))


def _doughnut_labels(chart: Chart, spec: ChartSpec, ctx: RenderContext) -> None:
    """Percent-of-total labels on every segment, white on dark segments."""
    plot = chart.plots[0]
    percent = number_format("percent", ctx)
    for series in plot.series:
        for index in range(len(spec.categories)):
            fill = ctx.series_hex(index)
            _fill(series.points[index].format, fill)
            series.points[index].format.line.color.rgb = RGBColor.from_string("FFFFFF")
            if not spec.data_labels:
                continue
            label = series.points[index].data_label
            color = "FFFFFF" if luminance(fill) < 0.5 else ctx.hex("text")
            style_font(label.font, ctx, SMALL_PT, color, bold=True)
            d_lbl = label._dLbl
            idx = d_lbl.find(qn("c:idx"))
            num_fmt = element("c:numFmt")
            num_fmt.set("formatCode", percent)
            num_fmt.set("sourceLinked", "0")
            idx.addnext(num_fmt)
            d_lbl.find(qn("c:showVal")).set("val", "0")
            d_lbl.find(qn("c:showPercent")).set("val", "1")
    hole = plot._element.find(qn("c:holeSize"))
    if hole is not None:
        hole.set("val", "55")


def line_axis_floor(series: Sequence[Series]) -> float | None:
    """A round value-axis minimum that shows a line's trend; None to start at zero.

    Lines need no zero baseline (bars do): the axis starts half the data's range below its
    lowest value, rounded down to the range's order of magnitude, unless that reaches zero.
    """
    values = [v for item in series for v in item.values if v is not None]
    if not values or min(values) <= 0:
        return None
    low, high = min(values), max(values)
    span = (high - low) or abs(high)
    floor = low - span / 2
    step = 10 ** math.floor(math.log10(span))
    floor = math.floor(floor / step) * step
    return floor if floor > 0 else None


def _mirror_category_chart(chart: Chart, kind: str) -> None:
    """Right-to-left: first category on the right, or bars growing from the right."""
    if kind in _HORIZONTAL:
        chart.value_axis.reverse_order = True
    else:
        chart.category_axis.reverse_order = True


def written_order(spec: ChartSpec) -> list[int]:
    """Indexes of `spec.series` in the order the chart XML lists them.

    Horizontal bars are written bottom-up on a normal category axis (last category first) rather
    than on a reversed axis: PowerPoint and LibreOffice both order a bar chart's legend for that
    usual geometry, where the last series is drawn on top of each cluster. Clustered bars are
    therefore written last series first, so the first series is on top and first in the legend.
    """
    indexes = list(range(len(spec.series)))
    return indexes[::-1] if spec.kind == "bar" else indexes


def draw_chart(slide: PptxSlide, spec: ChartSpec, box: Box, ctx: RenderContext) -> GraphicFrame:
    """A native chart of `spec` filling `box` (combo charts: see deckgen.render.combo)."""
    if spec.kind == "combo":
        from deckgen.render.combo import draw_combo

        return draw_combo(slide, spec, box, ctx)
    ctx = for_chart(spec.series, ctx)
    order = written_order(spec)
    categories, written, highlight = (
        spec.categories,
        [spec.series[i] for i in order],
        spec.highlight,
    )
    if spec.kind in _HORIZONTAL:  # written bottom-up: see written_order
        categories = categories[::-1]
        written = [replace(item, values=item.values[::-1]) for item in written]
        highlight = None if highlight is None else len(categories) - 1 - highlight
    data = category_data(categories, written, ctx)
    frame = slide.shapes.add_chart(
        _CHART_TYPES[spec.kind], Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h), data
    )
    frame.name = "Chart"
    chart = frame.chart
    multi = len(spec.series) > 1
    style_chart(chart, ctx, legend=spec.legend and (multi or spec.kind == "doughnut"))
    if spec.kind == "doughnut":
        _doughnut_labels(chart, spec, ctx)
        return frame
    plot = chart.plots[0]
    if spec.kind != "line":
        plot.gap_width = 60
    first_kind = spec.series[0].value_kind
    label_size = SMALL_PT
    if spec.kind not in _HORIZONTAL:  # categories side by side: each has a slot's width
        slot = category_slot(spec, box.w_pt, ctx)
        label_size = category_font_size(spec.categories, slot, ctx.theme.minor_font)
    style_category_axis(chart.category_axis, ctx, label_size)
    style_value_axis(
        chart.value_axis,
        first_kind,
        ctx,
        title=spec.value_axis_title,
        visible=not spec.data_labels,
    )
    if spec.kind == "line":
        chart.value_axis.minimum_scale = line_axis_floor(spec.series)
    for series, index, spec_series in zip(plot.series, order, written, strict=True):
        if spec.kind == "line":
            color = ctx.series_hex(index)
            style_line_series(series, color, spec_series.value_kind, ctx, spec.data_labels)
        else:
            style_bar_series(
                series,
                index,
                spec_series,
                ctx,
                stacked=spec.kind in _STACKED,
                highlight=highlight,
                multi=multi,
                labels=spec.data_labels,
            )
    if ctx.rtl:
        _mirror_category_chart(chart, spec.kind)
        if spec.kind not in _HORIZONTAL:  # reversed categories moved the value axis right
            pin_axis_title(chart.value_axis, "right", box, SMALL_PT, ctx.theme.minor_font)
    return frame


def number_axes(chart: Chart) -> None:
    """Renumber the chart's axis ids 1, 2, ... in document order.

    python-pptx writes fixed negative ids (-2068027336, ...), which ECMA-376 does not allow
    (`c:axId` is an unsigned int): a validator, and possibly PowerPoint, rejects the part.
    """
    plot_area = chart._chartSpace.find(qn("c:chart")).find(qn("c:plotArea"))
    ids: dict[str, str] = {}
    for node in plot_area.iter(qn("c:axId"), qn("c:crossAx")):
        node.set("val", ids.setdefault(node.get("val"), str(len(ids) + 1)))


def _hide_legend_entries(chart: Chart, indexes: Sequence[int]) -> None:
    """Delete the legend entries of helper series (split lines, quadrant labels)."""
    legend = chart._chartSpace.find(qn("c:chart")).find(qn("c:legend"))
    if legend is None:
        return
    anchor = legend.find(qn("c:legendPos"))
    for index in sorted(indexes, reverse=True):
        entry = element("c:legendEntry")
        child(entry, "c:idx").set("val", str(index))
        child(entry, "c:delete").set("val", "1")
        anchor.addnext(entry)


def major_unit(low: float, high: float) -> float:
    """A round axis step (1, 2 or 5 times a power of ten) of at most _MAX_STEPS over the range."""
    raw = (high - low) / _MAX_STEPS
    if raw <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(f * power for f in (1, 2, 5, 10) if f * power >= raw * (1 - 1e-9))


def axis_ticks(low: float, high: float) -> list[float]:
    """The major tick values from `low` to `high` at the axis' major unit."""
    unit = major_unit(low, high)
    count = math.floor((high - low) / unit + 1e-9)
    return [low + i * unit for i in range(count + 1)]


@dataclass(frozen=True)
class ScatterLayout:
    """Where a scatter's plot sits in its chart (points) and where its quadrant labels go."""

    start: float  # room on the y axis' side (left in LTR), points
    end: float  # room on the far side
    top: float
    bottom: float
    anchors: tuple[tuple[float, float], ...]  # data (x, y) of each quadrant label, spec order
    plot_w: float  # points
    plot_h: float  # points


def scatter_layout(
    spec: ScatterSpec, width_pt: float, height_pt: float, ctx: RenderContext
) -> ScatterLayout:
    """Plot margins that fit ticks, titles and the top quadrant labels above the plot.

    Top quadrant labels sit above the plot, outside the data; bottom ones inside its lower
    corners (on a white chip), clear of the tick labels. Anchors are in data units.
    """
    deck, family = ctx.deck, ctx.theme.minor_font

    def text_w(text: str, bold: bool = False) -> float:
        return textmetrics.measure_width(text, SMALL_PT, family, bold)

    line = textmetrics.line_height("0", SMALL_PT, family)
    y_ticks = [
        format_value(v, spec.y_kind, deck.lang, deck.digits, deck.currency)
        for v in axis_ticks(*spec.y_range)
    ]
    x_ticks = [
        format_value(v, spec.x_kind, deck.lang, deck.digits, deck.currency)
        for v in axis_ticks(*spec.x_range)
    ]
    labels = spec.quadrant_labels or ("", "", "", "")
    start = max(text_w(t) for t in y_ticks) + 2 * _LABEL_PAD_PT + (line if spec.y_title else 0.0)
    end = max(text_w(x_ticks[-1]) / 2, _LABEL_PAD_PT) + _LABEL_PAD_PT
    top = line + 2 * _LABEL_PAD_PT if spec.quadrant_labels else line / 2 + _LABEL_PAD_PT
    bottom = line + 2 * _LABEL_PAD_PT + (line + _LABEL_PAD_PT if spec.x_title else 0.0)
    if len(spec.series) > 1:
        bottom += line + 2 * _LABEL_PAD_PT  # the legend
    plot_w = max(width_pt - start - end, 1.0)
    plot_h = max(height_pt - top - bottom, 1.0)
    (x0, x1), (y0, y1) = spec.x_range, spec.y_range
    per_x, per_y = (x1 - x0) / plot_w, (y1 - y0) / plot_h  # data units per point
    inset_x = _LABEL_PAD_PT * per_x
    inset_y = (line / 2 + _LABEL_PAD_PT) * per_y
    top_left = x0 + (text_w(labels[0], True) / 2 + _LABEL_PAD_PT) * per_x
    top_right = x1 - (text_w(labels[1], True) / 2 + _LABEL_PAD_PT) * per_x
    anchors = (
        (top_left, y1),
        (top_right, y1),
        (x0 + inset_x, y0 + inset_y),
        (x1 - inset_x, y0 + inset_y),
    )
    return ScatterLayout(start, end, top, bottom, anchors, plot_w, plot_h)


def _manual_plot_layout(
    chart: Chart, layout: ScatterLayout, width_pt: float, height_pt: float, rtl: bool
) -> None:
    """Fix the inner plot area (inside the axes) at the layout's margins, in both viewers."""
    plot_area = chart._chartSpace.find(qn("c:chart")).find(qn("c:plotArea"))
    for old in plot_area.findall(qn("c:layout")):
        plot_area.remove(old)
    left = layout.end if rtl else layout.start
    manual = element("c:manualLayout")
    child(manual, "c:layoutTarget", val="inner")
    child(manual, "c:xMode", val="edge")
    child(manual, "c:yMode", val="edge")
    for tag, value in (
        ("c:x", left / width_pt),
        ("c:y", layout.top / height_pt),
        ("c:w", layout.plot_w / width_pt),
        ("c:h", layout.plot_h / height_pt),
    ):
        child(manual, tag, val=f"{value:.4f}")
    box = element("c:layout")
    box.append(manual)
    plot_area.insert(0, box)


def _set_alpha(sp_pr: etree._Element, opacity: int) -> None:
    """Give every solid colour under `sp_pr` an opacity (1000ths of a percent)."""
    for color in sp_pr.iter(qn("a:srgbClr")):
        for old in color.findall(qn("a:alpha")):
            color.remove(old)
        child(color, "a:alpha", val=str(opacity))


def _label_chip(d_lbl: etree._Element) -> None:
    """A white, slightly see-through background behind a data label, with no outline."""
    sp_pr = d_lbl.get_or_add_spPr()
    for old in list(sp_pr):
        sp_pr.remove(old)
    fill = child(sp_pr, "a:solidFill")
    child(fill, "a:srgbClr", val="FFFFFF")
    _set_alpha(sp_pr, _LABEL_FILL_OPACITY)
    child(child(sp_pr, "a:ln"), "a:noFill")


def draw_scatter(slide: PptxSlide, spec: ScatterSpec, box: Box, ctx: RenderContext) -> GraphicFrame:
    """A native XY scatter; quadrant splits are dashed helper series, labels are point labels.

    Axes span exactly the given ranges and cross at their minimums; dots are small and
    see-through so piles of equal answers show; the plot area is placed by hand so the top
    quadrant labels sit above the data (see `scatter_layout`).
    """
    layout = scatter_layout(spec, box.w_pt, box.h_pt, ctx)
    data = XyChartData()
    for item in spec.series:
        series = data.add_series(chart_label(item.name, ctx))
        for x, y in zip(item.xs, item.ys, strict=True):
            series.add_data_point(x, y)
    helpers: list[int] = []
    (x0, x1), (y0, y1) = spec.x_range, spec.y_range
    if spec.x_split is not None:
        helpers.append(len(data))
        split = data.add_series("x split")
        split.add_data_point(spec.x_split, y0)
        split.add_data_point(spec.x_split, y1)
    if spec.y_split is not None:
        helpers.append(len(data))
        split = data.add_series("y split")
        split.add_data_point(x0, spec.y_split)
        split.add_data_point(x1, spec.y_split)
    label_index = None
    if spec.quadrant_labels is not None:
        label_index = len(data)
        helpers.append(label_index)
        quadrants = data.add_series("quadrants")
        for x, y in layout.anchors:
            quadrants.add_data_point(x, y)
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.XY_SCATTER, Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h), data
    )
    frame.name = "Chart"
    chart = frame.chart
    style_chart(chart, ctx, legend=len(spec.series) > 1)
    _manual_plot_layout(chart, layout, box.w_pt, box.h_pt, ctx.rtl)
    x_axis, y_axis = chart.category_axis, chart.value_axis
    for axis, (low, high), kind, title in (
        (x_axis, spec.x_range, spec.x_kind, spec.x_title),
        (y_axis, spec.y_range, spec.y_kind, spec.y_title),
    ):
        axis.minimum_scale, axis.maximum_scale = low, high
        axis.major_unit = major_unit(low, high)
        style_value_axis(axis, kind, ctx, title=title, visible=True, gridlines=False)
        _axis_line(axis, ctx.hex("rule"))
        axis.crosses = XL_AXIS_CROSSES.MINIMUM  # meet the other axis at its minimum
    plot_series = list(chart.plots[0].series)
    for index, series in enumerate(plot_series):
        if index in helpers:
            series.marker.style = XL_MARKER_STYLE.NONE
            if index == label_index:
                series.format.line.fill.background()
            else:
                line = series.format.line
                line.color.rgb = RGBColor.from_string(ctx.hex("grey"))
                line.width = Pt(1.25)
                line.dash_style = MSO_LINE_DASH_STYLE.DASH
            continue
        series.format.line.fill.background()
        series.marker.style = XL_MARKER_STYLE.CIRCLE
        series.marker.size = _MARKER_PT
        _fill(series.marker.format, ctx.series_hex(index))
        series.marker.format.line.fill.background()
        _set_alpha(series.marker.format._element.spPr, _MARKER_OPACITY)
    if label_index is not None and spec.quadrant_labels is not None:
        series = plot_series[label_index]
        for index, text in enumerate(spec.quadrant_labels):
            label = series.points[index].data_label
            frame_text = label.text_frame
            frame_text.text = text
            paragraph = frame_text.paragraphs[0]
            style_paragraph(paragraph, ctx, "start")
            for run in paragraph.runs:
                style_font(run.font, ctx, SMALL_PT, ctx.hex("muted"), bold=True)
            if index < 2:  # top: centred above the plot, clear of the dots
                label.position = XL_LABEL_POSITION.ABOVE
                continue
            _label_chip(label._dLbl)
            # Bottom labels grow inward: away from the low-x edge, which is on the right in RTL.
            inward_right = (index == 2) != ctx.rtl
            label.position = XL_LABEL_POSITION.RIGHT if inward_right else XL_LABEL_POSITION.LEFT
    _hide_legend_entries(chart, helpers)
    if ctx.rtl:
        x_axis.reverse_order = True
        pin_axis_title(y_axis, "right", box, SMALL_PT, ctx.theme.minor_font)
    return frame
