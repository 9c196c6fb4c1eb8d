"""Native, editable charts from ChartSpec and ScatterSpec (python-pptx chart API plus small XML edits).

Look: no chart title (the block title sits above the chart), theme fonts at 10-11 pt with the
complex-script font in every `c:txPr`, series in theme colours, light gridlines, number formats
set explicitly from deckgen.formats (rates are fractions: a `0%` format multiplies by 100;
right-to-left decks store rates × 100 for their literal ٪, see `formats.chart_percent_scale`).
With data labels on, the value axis is hidden: the labels carry the numbers. A visible value
axis gets an explicit round scale (`axis_scale`), shared with the image charts, and no more
decimals than its step needs ("50 M USD", not "50.0 M USD").
Right-to-left: categories reversed so the first is on the right (the value axis moves right);
horizontal bars grow from the right; a scatter's x axis runs right to left. Category labels and
series names start with U+200F: LibreOffice lays chart text out left to right otherwise, which
turns «۱۸ تا ۲۴» into «تا ۲۴ ۱۸».
Category labels are drawn at the type floor (10 pt) and never break inside a word: they wrap
at spaces when every word fits its category, else all of them are turned upright (90°), where
a label's thickness is one line (see `category_slant`). 45° was tried: LibreOffice then drops
every other label whose slanted box overlaps its neighbour's. Legends and scatter quadrant
labels are slide shapes (deckgen.render.legend), the same for native and image charts.
"""

from __future__ import annotations

import decimal
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
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
    XL_TICK_MARK,
)
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide as PptxSlide
from pptx.text.text import Font
from pptx.util import Emu, Pt

from deckgen import textmetrics
from deckgen.formats import (
    chart_percent_scale,
    excel_number_format,
    format_chart_value,
    format_value,
    money_scale,
    rtl_mark,
)
from deckgen.model import ChartSpec, ScatterSpec, Series, ValueKind
from deckgen.render.axis_titles import pin_axis_title
from deckgen.render.context import RenderContext, blend, luminance
from deckgen.render.layout import EMU_PER_PT, Box
from deckgen.render.oxml import child, element, qn
from deckgen.render.text import (
    Align,
    TextLine,
    TextStyle,
    add_text,
    set_run_language,
    style_paragraph,
)

BASE_PT = 11.0  # chart text
# Ticks, labels, legend: half a point above the type floor. LibreOffice lays chart text out at
# exactly 10 pt with its spaces squeezed to about half (1.3 pt where a text box draws 2.6 pt),
# which ran «سن ۱۸» together; at 10.5 pt chart spaces are as wide as in text boxes.
SMALL_PT = 10.5
UPRIGHT_ROT = 5400000  # 90°, in 60000ths of a degree (OOXML `a:bodyPr rot`)
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
_GAP, _MIN_GAP = 60, 15  # gap between column clusters, percent of a bar: usual, and least
_LABEL_SIDE_PT = 6.0  # a value label needs this much more than its width over its bar
_MARKER_PT = 5  # scatter dot size
_MARKER_OPACITY = 45_000  # 45%: overlapping dots darken, so dense answers show
_LABEL_PAD_PT = 4.0  # between a quadrant label and the plot's edge
_MAX_STEPS = 6  # an axis gets at most this many major steps
# Estimates of LibreOffice's automatic plot layout, points: chart edge to plot (each side),
# value-axis labels to plot, and the least room between two category labels.
_CHART_PAD_PT = 7.0
_AXIS_GAP_PT = 6.0
_CATEGORY_GAP_PT = 4.0
_WRAP_SHARE = 0.95  # LibreOffice wraps a category label in this share of its category's width


def number_format(
    kind: ValueKind, ctx: RenderContext, places: int | None = None, hide_negative: bool = False
) -> str:
    """The OOXML number format of a value kind in this deck's language and digits.

    `places` overrides the decimals of percent, decimal and compact money figures; with
    `hide_negative`, ticks below zero are left blank (an axis extended only to line up zeros).
    """
    deck = ctx.deck
    return excel_number_format(
        kind,
        deck.lang,
        deck.digits,
        deck.currency,
        ctx.money_max,
        places=places,
        hide_negative=hide_negative,
    )


def for_chart(series: Sequence[Series], ctx: RenderContext) -> RenderContext:
    """The context for drawing one chart: it knows the chart's largest money amount."""
    amounts = [abs(v) for s in series if s.value_kind == "money" for v in chart_values(s, ctx) if v]
    return replace(ctx, money_max=max(amounts, default=0.0))


def stored_scale(kind: ValueKind, ctx: RenderContext) -> float:
    """Factor from a figure to the value the chart stores: money in display units (tomans
    are rials / 10), rates × 100 where the percent sign is a literal (right to left)."""
    if kind == "money":
        return money_scale(ctx.deck.currency)
    if kind == "percent":
        return chart_percent_scale(ctx.deck.lang)
    return 1.0


def stored(value: float, kind: ValueKind, ctx: RenderContext) -> float:
    """`value` as the chart stores it, scaled on its decimal digits (0.285 × 100 is 28.5, the
    number a viewer rounds as the text does, not 28.499999999999996)."""
    scale = stored_scale(kind, ctx)
    if scale == 1.0:
        return value
    return float(decimal.Decimal(repr(float(value))) * decimal.Decimal(repr(scale)))


def chart_values(series: Series, ctx: RenderContext) -> tuple[float | None, ...]:
    """The values written to the chart (see `stored`)."""
    if stored_scale(series.value_kind, ctx) == 1.0:
        return series.values
    return tuple(None if v is None else stored(v, series.value_kind, ctx) for v in series.values)


@dataclass(frozen=True)
class AxisScale:
    """A value axis' range and step, in the figures' own units (rates 0..1, money as data)."""

    low: float
    high: float
    unit: float

    @property
    def ticks(self) -> list[float]:
        """Every major tick from low to high."""
        steps = round((self.high - self.low) / self.unit)
        return [self.low + i * self.unit for i in range(steps + 1)]


def axis_scale(values: Sequence[float | None], floor: float | None = None) -> AxisScale:
    """A round scale holding `values` and zero (or starting at `floor`), at most _MAX_STEPS."""
    present = [v for v in values if v is not None]
    low = min(0.0, *present) if floor is None else floor
    high = max(0.0, *present)
    if high <= low:
        high = low + 1.0
    unit = major_unit(low, high)
    # The tolerance absorbs float noise (0.3 / 0.1); a value it would leave outside the scale
    # (-0.03 beside 120 million) still gets its step.
    bottom = math.floor(low / unit + 1e-9) * unit
    top = math.ceil(high / unit - 1e-9) * unit
    return AxisScale(
        bottom - unit if bottom > low else bottom, top + unit if top < high else top, unit
    )


def aligned_scales(first: AxisScale, second: AxisScale) -> tuple[AxisScale, AxisScale]:
    """Both scales extended to the same number of steps below and above zero, so their zeros
    and gridlines line up (a dual-axis chart's NPS zero at the answers' zero)."""
    below = max(round(-first.low / first.unit), round(-second.low / second.unit), 0)
    above = max(round(first.high / first.unit), round(second.high / second.unit), 1)
    return tuple(  # type: ignore[return-value]
        AxisScale(-below * scale.unit, above * scale.unit, scale.unit) for scale in (first, second)
    )


def series_scale(series: Sequence[Series], kind: str) -> AxisScale:
    """The value-axis scale of category series drawn as `kind` (stacked kinds add up)."""
    columns = list(zip(*(s.values for s in series), strict=True))
    if kind in _STACKED:
        values: list[float | None] = [
            sum(v for v in column if v is not None and v > 0) for column in columns
        ] + [sum(v for v in column if v is not None and v < 0) for column in columns]
    else:
        values = [v for column in columns for v in column]
    floor = line_axis_floor(series) if kind == "line" else None
    return axis_scale(values, floor)


def axis_places(kind: ValueKind, unit: float, ctx: RenderContext) -> int:
    """Decimals an axis of step `unit` needs: none when every tick is a whole number as shown."""
    if kind == "percent":
        shown = unit * 100
    elif kind == "money":
        scaled = abs(ctx.money_max)
        power = 9 if scaled >= 1e9 else 6 if scaled >= 1e6 else 0
        shown = unit * money_scale(ctx.deck.currency) / 10**power
    else:
        shown = unit
    return 0 if abs(shown - round(shown)) < 1e-9 else 1


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


def value_axis_room(
    scale: AxisScale, kind: ValueKind, title: str | None, ctx: RenderContext
) -> float:
    """Width (points) a visible value axis takes beside the plot: its widest label and title."""
    deck, family = ctx.deck, ctx.theme.minor_font
    width = max(
        textmetrics.measure_width(
            format_value(tick, kind, deck.lang, deck.digits, deck.currency), SMALL_PT, family
        )
        for tick in (scale.low, scale.high)
    )
    if title:
        width += textmetrics.line_height(title, SMALL_PT, family)
    return width + _AXIS_GAP_PT


def category_slot(spec: ChartSpec, width_pt: float, ctx: RenderContext) -> float:
    """Estimated width (points) of one category of a column, line or combo chart's plot."""
    plot = width_pt - 2 * _CHART_PAD_PT
    for scale, kind, title in visible_value_axes(spec, ctx):
        plot -= value_axis_room(scale, kind, title, ctx)
    return max(plot, 1.0) / max(len(spec.categories), 1)


def visible_value_axes(
    spec: ChartSpec, ctx: RenderContext
) -> list[tuple[AxisScale, ValueKind, str | None]]:
    """Scale, kind and title of each value axis a category chart shows (none with data labels,
    except a combo's); a combo's two axes have their zeros lined up."""
    if spec.kind == "combo":
        primary = [s for s in spec.series if s.axis == "primary"] or list(spec.series)
        axes = [(series_scale(primary, "column"), primary[0].value_kind, spec.value_axis_title)]
        secondary = [s for s in spec.series if s.axis == "secondary"]
        if secondary:
            first, second = aligned_scales(axes[0][0], series_scale(secondary, "line"))
            axes = [
                (first, axes[0][1], spec.value_axis_title),
                (second, secondary[0].value_kind, spec.secondary_axis_title),
            ]
        return axes
    if spec.data_labels or spec.kind == "doughnut":
        return []
    return [
        (series_scale(spec.series, spec.kind), spec.series[0].value_kind, spec.value_axis_title)
    ]


def category_room(slot_pt: float) -> float:
    """The width (points) a category label wraps in, in a category `slot_pt` wide."""
    return slot_pt * _WRAP_SHARE - _CATEGORY_GAP_PT


def category_slant(categories: Sequence[str], slot_pt: float, family: str) -> bool:
    """True when some word of a category label is wider than its category at SMALL_PT: then
    every label is turned upright (a viewer would break that word); else labels wrap at spaces."""
    room = category_room(slot_pt)
    return any(
        textmetrics.measure_width(word, SMALL_PT, family) > room
        for category in categories
        for word in category.split(" ")
    )


def column_gaps(spec: ChartSpec, slot_pt: float, ctx: RenderContext) -> tuple[int, bool]:
    """The gap between a column chart's clusters (percent of a bar) and whether its value labels
    stand upright: the widest gap, down to _MIN_GAP, at which each label is no wider than its
    bar, else the usual gap and upright labels (two labels side by side ran together)."""
    if spec.kind not in ("column", "combo") or not spec.data_labels:
        return _GAP, False
    bars = [s for s in spec.series if spec.kind != "combo" or s.plot == "bar"]
    deck, family = ctx.deck, ctx.theme.minor_font
    widest = max(
        (
            textmetrics.measure_width(
                format_chart_value(
                    v, s.value_kind, deck.lang, deck.digits, deck.currency, ctx.money_max
                ),
                SMALL_PT,
                family,
            )
            for s in bars
            for v in s.values
            if v is not None
        ),
        default=0.0,
    )
    for gap in range(_GAP, _MIN_GAP - 1, -15):
        if widest + _LABEL_SIDE_PT <= slot_pt / (len(bars) + gap / 100):
            return gap, False
    return _GAP, True


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


def style_chart(chart: Chart, ctx: RenderContext) -> None:
    """Chart-wide text, transparent background, no title and no legend (drawn as shapes)."""
    style_font(chart.font, ctx, BASE_PT)
    chart.has_title = False
    space = chart._chartSpace
    _no_fill_sp_pr(space, ("c:txPr", "c:externalData", "c:printSettings", "c:userShapes"))
    plot_area = space.find(qn("c:chart")).find(qn("c:plotArea"))
    _no_fill_sp_pr(plot_area, ("c:extLst",))
    chart.has_legend = False


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
    scale: AxisScale | None = None,
    hide_negative: bool = False,
) -> None:
    """Number format, light gridlines, muted tick labels and title; hidden when not `visible`.

    With a `scale`, the axis spans it exactly, at its step, with the decimals the step needs.
    """
    axis.visible = visible
    axis.has_major_gridlines = visible and gridlines
    if axis.has_major_gridlines:
        grid = axis.major_gridlines.format.line
        grid.color.rgb = RGBColor.from_string(ctx.hex("rule"))
        grid.width = Pt(0.5)
    axis.major_tick_mark = XL_TICK_MARK.NONE
    axis.minor_tick_mark = XL_TICK_MARK.NONE
    scale_value_axis(axis, kind, ctx, scale, hide_negative)
    style_font(axis.tick_labels.font, ctx, SMALL_PT, ctx.hex("muted"))
    _axis_line(axis, None)
    _axis_title(axis, title if visible else None, ctx)


def scale_value_axis(
    axis: _BaseAxis,
    kind: ValueKind,
    ctx: RenderContext,
    scale: AxisScale | None = None,
    hide_negative: bool = False,
) -> None:
    """The axis' span and step (exactly `scale`, when given) and its labels' number format: of
    the axes, all a refresh reads of a newly drawn chart."""
    places = None
    if scale is not None:
        axis.minimum_scale = stored(scale.low, kind, ctx)
        axis.maximum_scale = stored(scale.high, kind, ctx)
        axis.major_unit = stored(scale.unit, kind, ctx)
        places = axis_places(kind, scale.unit, ctx)
    labels = axis.tick_labels
    labels.number_format = number_format(kind, ctx, places, hide_negative)
    labels.number_format_is_linked = False


def style_category_axis(axis: _BaseAxis, ctx: RenderContext, slanted: bool = False) -> None:
    """A thin rule, no tick marks, labels at the type floor: horizontal (wrapping at spaces) or
    upright, ending at their tick and read upwards (turned the other way round in RTL, so the
    reading end is still at the tick)."""
    axis.major_tick_mark = XL_TICK_MARK.NONE
    axis.minor_tick_mark = XL_TICK_MARK.NONE
    axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    style_font(axis.tick_labels.font, ctx, SMALL_PT)
    body_pr = axis._element.find(qn("c:txPr")).find(qn("a:bodyPr"))
    rotation = (UPRIGHT_ROT if ctx.rtl else -UPRIGHT_ROT) if slanted else 0
    body_pr.set("rot", str(rotation))
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


def series_color(spec: ChartSpec, index: int, ctx: RenderContext) -> str:
    """RRGGBB of `spec.series[index]` as drawn, in native and image charts and their legends.

    One bar series is drawn in the primary colour; several take the theme's series colours in
    order; a combo's lines follow its bars in that order.
    """
    item = spec.series[index]
    if spec.kind == "combo":
        bars = [i for i, s in enumerate(spec.series) if s.plot == "bar"]
        if item.plot == "bar":
            return ctx.series_hex(bars.index(index)) if len(bars) > 1 else ctx.hex("primary")
        lines = [i for i, s in enumerate(spec.series) if s.plot == "line"]
        return ctx.series_hex(max(len(bars) + lines.index(index), 1))
    if spec.kind == "line" or len(spec.series) > 1:
        return ctx.series_hex(index)
    return ctx.hex("primary")


def style_bar_series(
    series: BarSeries,
    color: str,
    spec_series: Series,
    ctx: RenderContext,
    *,
    stacked: bool,
    highlight: int | None,
    multi: bool,
    labels: bool,
) -> None:
    """`color` fill; a highlighted category in the accent colour (or the others faded)."""
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


def upright_value_labels(series: _BaseCategorySeries) -> None:
    """The series' value labels turned upright, read upwards, above their bars."""
    body_pr = series.data_labels._element.find(qn("c:txPr")).find(qn("a:bodyPr"))
    body_pr.set("rot", str(-UPRIGHT_ROT))
    body_pr.set("vert", "horz")


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


def doughnut_shares(spec: ChartSpec) -> ChartSpec:
    """A doughnut's series as shares of its total (rates 0..1): what its labels show, computed
    once for native and image charts alike rather than by each viewer."""
    item = spec.series[0]
    values = [0.0 if v is None else v for v in item.values]
    total = math.fsum(values) or 1.0
    shares = tuple(v / total for v in values)
    return replace(spec, series=(replace(item, values=shares, value_kind="percent"),))


def _doughnut_labels(chart: Chart, spec: ChartSpec, ctx: RenderContext) -> None:
    """Share labels on every segment, bold, white on dark segments."""
    plot = chart.plots[0]
    for series in plot.series:
        for index in range(len(spec.categories)):
            fill = ctx.series_hex(index)
            _fill(series.points[index].format, fill)
            series.points[index].format.line.color.rgb = RGBColor.from_string("FFFFFF")
        if spec.data_labels:
            for index in range(len(spec.categories)):
                fill = ctx.series_hex(index)
                label = series.points[index].data_label
                color = "FFFFFF" if luminance(fill) < 0.5 else ctx.hex("text")
                style_font(label.font, ctx, SMALL_PT, color, bold=True)
                d_lbl = label._dLbl
                num_fmt = element("c:numFmt")
                num_fmt.set("formatCode", number_format("percent", ctx))
                num_fmt.set("sourceLinked", "0")
                d_lbl.find(qn("c:idx")).addnext(num_fmt)
                d_lbl.find(qn("c:showVal")).set("val", "1")
                d_lbl.find(qn("c:showPercent")).set("val", "0")
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
    than on a reversed axis, where both viewers draw the last series of a cluster on top.
    Clustered bars are therefore written last series first, so the first series is on top.
    """
    indexes = list(range(len(spec.series)))
    return indexes[::-1] if spec.kind == "bar" else indexes


def hides_negative(series: Sequence[Series], scale: AxisScale) -> bool:
    """True for an axis taken below zero only to line up with another one: no series of it
    goes below zero, so its negative ticks would label nothing."""
    values = [v for item in series for v in item.values if v is not None]
    return scale.low < 0 <= min(values, default=0.0)


def draw_chart(slide: PptxSlide, spec: ChartSpec, box: Box, ctx: RenderContext) -> GraphicFrame:
    """A native chart of `spec` filling `box` (combo charts: see deckgen.render.combo)."""
    if spec.kind == "combo":
        from deckgen.render.combo import draw_combo

        return draw_combo(slide, spec, box, ctx)
    if spec.kind == "doughnut":
        spec = doughnut_shares(spec)
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
    # A chart a refresh merges into the deck's own is read for its series, value axes'
    # scales and number formats and workbook only: the rest of its look is not drawn.
    look = not ctx.figures_only
    if look:
        style_chart(chart, ctx)
    if spec.kind == "doughnut":
        _doughnut_labels(chart, spec, ctx)
        return frame
    plot = chart.plots[0]
    slanted, upright_labels = False, False
    if spec.kind not in _HORIZONTAL:  # categories side by side: each has a slot's width
        slot = category_slot(spec, box.w_pt, ctx)
        slanted = look and category_slant(spec.categories, slot, ctx.theme.minor_font)
        gap, upright_labels = column_gaps(spec, slot, ctx)
        if spec.kind != "line":
            plot.gap_width = gap
    elif spec.kind != "line":
        plot.gap_width = _GAP
    axes = visible_value_axes(spec, ctx)
    first_kind = spec.series[0].value_kind
    if look:
        style_category_axis(chart.category_axis, ctx, slanted)
        style_value_axis(
            chart.value_axis,
            first_kind,
            ctx,
            title=spec.value_axis_title,
            visible=bool(axes),
            scale=axes[0][0] if axes else None,
        )
    else:
        scale_value_axis(chart.value_axis, first_kind, ctx, axes[0][0] if axes else None)
    floor = line_axis_floor(spec.series) if spec.kind == "line" else None
    if not axes and floor is not None:  # labelled lines: the trend, not a flat line at the top
        chart.value_axis.minimum_scale = stored(floor, first_kind, ctx)
    multi = len(spec.series) > 1
    for series, index, spec_series in zip(plot.series, order, written, strict=True):
        color = series_color(spec, index, ctx)
        if spec.kind == "line":
            style_line_series(series, color, spec_series.value_kind, ctx, spec.data_labels)
        else:
            style_bar_series(
                series,
                color,
                spec_series,
                ctx,
                stacked=spec.kind in _STACKED,
                highlight=highlight,
                multi=multi,
                labels=spec.data_labels,
            )
            if upright_labels:
                upright_value_labels(series)
    if ctx.rtl:
        _mirror_category_chart(chart, spec.kind)
        if look and spec.kind not in _HORIZONTAL:  # reversed categories moved the value axis right
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
    """Where a scatter's plot sits in its chart and where its quadrant labels go (points from
    the chart's top left; x of the plot's left edge, whatever the direction)."""

    left: float
    top: float
    plot_w: float
    plot_h: float
    line: float  # one line of chart text
    bottom_row: float  # top of the row holding the bottom quadrant labels
    x_title_row: float  # top of the x-axis title's row


def scatter_layout(
    spec: ScatterSpec, width_pt: float, height_pt: float, ctx: RenderContext
) -> ScatterLayout:
    """Plot margins that fit ticks, axis titles and the four quadrant labels outside the plot.

    The top quadrant labels sit in a row above the plot, at its corners; the bottom ones in the
    x-axis title's row, at the plot's corners, or in a row of their own when they would touch
    the title. No label is ever drawn over the dots.
    """
    deck, family = ctx.deck, ctx.theme.minor_font

    def text_w(text: str, bold: bool = False) -> float:
        return textmetrics.measure_width(text, SMALL_PT, family, bold)

    labels = spec.quadrant_labels
    line = max(
        textmetrics.line_height(t, SMALL_PT, family)
        for t in ("0", spec.x_title, spec.y_title, *(labels or ()))
    )
    y_ticks = [
        format_value(v, spec.y_kind, deck.lang, deck.digits, deck.currency)
        for v in axis_ticks(*spec.y_range)
    ]
    x_ticks = [
        format_value(v, spec.x_kind, deck.lang, deck.digits, deck.currency)
        for v in axis_ticks(*spec.x_range)
    ]
    start = max(text_w(t) for t in y_ticks) + 2 * _LABEL_PAD_PT + (line if spec.y_title else 0.0)
    end = max(text_w(x_ticks[-1]) / 2, _LABEL_PAD_PT) + _LABEL_PAD_PT
    top = line + 2 * _LABEL_PAD_PT if labels else line / 2 + _LABEL_PAD_PT
    ticks_row = line + 2 * _LABEL_PAD_PT
    title_row = line + _LABEL_PAD_PT if spec.x_title else 0.0
    plot_w = max(width_pt - start - end, 1.0)
    bottom = ticks_row + title_row
    shared_row = True
    if labels:
        corners = max(text_w(labels[2], True), text_w(labels[3], True)) + _LABEL_PAD_PT
        shared_row = bool(spec.x_title) and corners <= (plot_w - text_w(spec.x_title)) / 2
        if not shared_row:
            bottom += line + _LABEL_PAD_PT
    plot_h = max(height_pt - top - bottom, 1.0)
    title_row = top + plot_h + ticks_row
    row = title_row if shared_row else height_pt - line - _LABEL_PAD_PT / 2
    return ScatterLayout(end if ctx.rtl else start, top, plot_w, plot_h, line, row, title_row)


def _manual_plot_layout(
    chart: Chart, layout: ScatterLayout, width_pt: float, height_pt: float
) -> None:
    """Fix the inner plot area (inside the axes) at the layout's margins, in both viewers."""
    plot_area = chart._chartSpace.find(qn("c:chart")).find(qn("c:plotArea"))
    for old in plot_area.findall(qn("c:layout")):
        plot_area.remove(old)
    manual = element("c:manualLayout")
    child(manual, "c:layoutTarget", val="inner")
    child(manual, "c:xMode", val="edge")
    child(manual, "c:yMode", val="edge")
    for tag, value in (
        ("c:x", layout.left / width_pt),
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


def draw_quadrant_labels(slide: PptxSlide, spec: ScatterSpec, box: Box, ctx: RenderContext) -> None:
    """The scatter's quadrant labels as text boxes at the plot's corners, outside the plot.

    Labels are given low-x first (top-left, top-right, bottom-left, bottom-right in a left to
    right chart); low x is on the right in a right-to-left chart. Each label grows inward from
    its corner.
    """
    if spec.quadrant_labels is None:
        return
    layout = scatter_layout(spec, box.w_pt, box.h_pt, ctx)
    family = ctx.theme.minor_font
    style = TextStyle(
        size=SMALL_PT,
        min_size=SMALL_PT,
        color=ctx.rgb("muted"),
        bold=True,
        anchor="middle",
        inset_x=0,
        inset_y=0,
    )
    rows = (_LABEL_PAD_PT / 2, layout.bottom_row)
    for index, text in enumerate(spec.quadrant_labels):
        width = textmetrics.measure_width(text, SMALL_PT, family, bold=True) + 2 * _LABEL_PAD_PT
        width_emu = round(min(width, layout.plot_w / 2) * EMU_PER_PT)
        at_left = (index % 2 == 0) != ctx.rtl  # low x on the left in a left-to-right chart
        # Placed from the box's nearer edge so a right-to-left label mirrors to the EMU.
        if at_left:
            x = box.x + round(layout.left * EMU_PER_PT)
        else:
            margin = box.w_pt - layout.left - layout.plot_w
            x = box.x + box.w - round(margin * EMU_PER_PT) - width_emu
        label_box = Box(
            x,
            box.y + round(rows[index // 2] * EMU_PER_PT),
            width_emu,
            round(layout.line * EMU_PER_PT),
        )
        align: Align = "start" if at_left != ctx.rtl else "end"
        add_text(slide, label_box, [TextLine(text)], replace(style, align=align), ctx, "Quadrant")


def draw_scatter(slide: PptxSlide, spec: ScatterSpec, box: Box, ctx: RenderContext) -> GraphicFrame:
    """A native XY scatter; quadrant splits are dashed helper series.

    Axes span exactly the given ranges and cross at their minimums; dots are small and
    see-through so piles of equal answers show; the plot area is placed by hand
    (`scatter_layout`), leaving room for the quadrant labels drawn around it.
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
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.XY_SCATTER, Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h), data
    )
    frame.name = "Chart"
    chart = frame.chart
    look = not ctx.figures_only  # see draw_chart
    if look:
        style_chart(chart, ctx)
        _manual_plot_layout(chart, layout, box.w_pt, box.h_pt)
    x_axis, y_axis = chart.category_axis, chart.value_axis
    for axis, (low, high), kind, title in (
        (x_axis, spec.x_range, spec.x_kind, spec.x_title),
        (y_axis, spec.y_range, spec.y_kind, spec.y_title),
    ):
        scale = AxisScale(low, high, major_unit(low, high))
        if not look:
            scale_value_axis(axis, kind, ctx, scale)
            continue
        style_value_axis(axis, kind, ctx, title=title, visible=True, gridlines=False, scale=scale)
        _axis_line(axis, ctx.hex("rule"))
        axis.crosses = XL_AXIS_CROSSES.MINIMUM  # meet the other axis at its minimum
    for index, series in enumerate(chart.plots[0].series):
        if index in helpers:
            series.marker.style = XL_MARKER_STYLE.NONE
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
    if ctx.rtl:
        x_axis.reverse_order = True
        if look:
            pin_axis_title(y_axis, "right", box, SMALL_PT, ctx.theme.minor_font)
    return frame
