"""Bar + line combo charts with a secondary value axis, by extending python-pptx's chart XML.

python-pptx has no combo chart (its #305, #479, #338). The chart is created as a clustered
column chart holding every series, so the embedded workbook and every series formula stay
correct; then each `plot="line"` series is moved from `c:barChart` into a `c:lineChart`
(secondary ones on their own category/value axis pair, the value axis on the far side).
PowerPoint and LibreOffice open it as an ordinary, editable combo chart.
Bar series are always drawn on the primary axis. The two value axes get round scales with their
zeros and gridlines lined up (`charts.aligned_scales`): an NPS of zero sits on the answers' zero.
"""

from __future__ import annotations

from lxml import etree
from pptx.chart.axis import ValueAxis
from pptx.chart.series import LineSeries
from pptx.enum.chart import XL_CHART_TYPE
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide as PptxSlide
from pptx.util import Emu

from deckgen.model import ChartSpec
from deckgen.render.axis_titles import pin_axis_title
from deckgen.render.charts import (
    SMALL_PT,
    category_data,
    category_slant,
    category_slot,
    column_gaps,
    for_chart,
    hides_negative,
    series_color,
    style_bar_series,
    style_category_axis,
    style_chart,
    style_line_series,
    style_value_axis,
    upright_value_labels,
    visible_value_axes,
)
from deckgen.render.context import RenderContext
from deckgen.render.layout import Box
from deckgen.render.oxml import element, qn

_PRIMARY_CAT_ID, _PRIMARY_VAL_ID = "-2068027336", "-2113994440"  # python-pptx's fixed axis ids
_SECONDARY_CAT_ID, _SECONDARY_VAL_ID = "50000001", "50000002"


def _line_chart(axis_ids: tuple[str, str]) -> etree._Element:
    """An empty standard `c:lineChart` bound to the given category and value axis ids."""
    chart = element("c:lineChart")
    chart.append(element("c:grouping", val="standard"))
    chart.append(element("c:varyColors", val="0"))
    chart.append(element("c:marker", val="1"))
    for axis_id in axis_ids:
        chart.append(element("c:axId", val=axis_id))
    return chart


def _bar_to_line_series(ser: etree._Element) -> etree._Element:
    """A `c:ser` of a bar chart rewritten in the element order a line chart requires."""
    for tag in ("c:invertIfNegative", "c:shape", "c:pictureOptions"):
        for node in ser.findall(qn(tag)):
            ser.remove(node)
    anchor = ser.find(qn("c:spPr"))
    if anchor is None:
        anchor = ser.find(qn("c:tx"))
    anchor.addnext(element("c:marker"))
    smooth = element("c:smooth", val="0")
    ser.find(qn("c:val")).addnext(smooth)
    return ser


def _secondary_axes(ctx: RenderContext) -> tuple[etree._Element, etree._Element]:
    """A hidden category axis and a value axis on the opposite side for the secondary series."""
    orientation = "maxMin" if ctx.rtl else "minMax"  # same order as the primary categories
    cat = element("c:catAx")
    cat.append(element("c:axId", val=_SECONDARY_CAT_ID))
    scaling = element("c:scaling")
    scaling.append(element("c:orientation", val=orientation))
    cat.append(scaling)
    cat.append(element("c:delete", val="1"))
    cat.append(element("c:axPos", val="b"))
    cat.append(element("c:majorTickMark", val="none"))
    cat.append(element("c:minorTickMark", val="none"))
    cat.append(element("c:tickLblPos", val="nextTo"))
    cat.append(element("c:crossAx", val=_SECONDARY_VAL_ID))
    cat.append(element("c:crosses", val="autoZero"))
    cat.append(element("c:auto", val="1"))
    cat.append(element("c:lblAlgn", val="ctr"))
    cat.append(element("c:lblOffset", val="100"))
    cat.append(element("c:noMultiLvlLbl", val="0"))
    val = element("c:valAx")
    val.append(element("c:axId", val=_SECONDARY_VAL_ID))
    scaling = element("c:scaling")
    scaling.append(element("c:orientation", val="minMax"))
    val.append(scaling)
    val.append(element("c:delete", val="0"))
    val.append(element("c:axPos", val="l" if ctx.rtl else "r"))
    val.append(element("c:numFmt", formatCode="General", sourceLinked="0"))
    val.append(element("c:majorTickMark", val="none"))
    val.append(element("c:minorTickMark", val="none"))
    val.append(element("c:tickLblPos", val="nextTo"))
    val.append(element("c:crossAx", val=_SECONDARY_CAT_ID))
    val.append(element("c:crosses", val="max"))
    val.append(element("c:crossBetween", val="between"))
    return cat, val


def draw_combo(slide: PptxSlide, spec: ChartSpec, box: Box, ctx: RenderContext) -> GraphicFrame:
    """Bars on the primary axis with `plot="line"` series as lines (secondary axis if asked)."""
    primary_series = [s for s in spec.series if s.axis == "primary"]
    secondary_series = [s for s in spec.series if s.axis == "secondary"]
    primary_ctx = for_chart(primary_series, ctx)
    secondary_ctx = for_chart(secondary_series, ctx)
    ctx = primary_ctx
    order = sorted(range(len(spec.series)), key=lambda i: spec.series[i].plot == "line")
    ordered = [spec.series[i] for i in order]  # bars first, as chart XML lists them
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED,
        Emu(box.x),
        Emu(box.y),
        Emu(box.w),
        Emu(box.h),
        category_data(spec.categories, ordered, ctx),
    )
    frame.name = "Chart"
    chart = frame.chart
    style_chart(chart, ctx)
    plot_area = chart._chartSpace.find(qn("c:chart")).find(qn("c:plotArea"))
    bar_chart = plot_area.find(qn("c:barChart"))
    slot = category_slot(spec, box.w_pt, ctx)
    gap, upright_labels = column_gaps(spec, slot, ctx)
    chart.plots[0].gap_width = gap
    bars = [s for s in ordered if s.plot == "bar"]
    for index, series in enumerate(chart.plots[0].series):
        if index < len(bars):
            style_bar_series(
                series,
                series_color(spec, order[index], ctx),
                bars[index],
                ctx,
                stacked=False,
                highlight=spec.highlight,
                multi=len(bars) > 1,
                labels=spec.data_labels,
            )
            if upright_labels:
                upright_value_labels(series)
    sers = bar_chart.findall(qn("c:ser"))
    primary_line = _line_chart((_PRIMARY_CAT_ID, _PRIMARY_VAL_ID))
    secondary_line = _line_chart((_SECONDARY_CAT_ID, _SECONDARY_VAL_ID))
    lines: list[tuple[etree._Element, int]] = []  # each line series and its index in the spec
    for ser, index in zip(sers, order, strict=True):
        item = spec.series[index]
        if item.plot != "line":
            continue
        target = secondary_line if item.axis == "secondary" else primary_line
        target.find(qn("c:marker")).addprevious(_bar_to_line_series(ser))
        lines.append((ser, index))
    anchor = bar_chart
    for line_chart in (primary_line, secondary_line):
        if line_chart.find(qn("c:ser")) is not None:
            anchor.addnext(line_chart)
            anchor = line_chart
    style_category_axis(
        chart.category_axis, ctx, category_slant(spec.categories, slot, ctx.theme.minor_font)
    )
    axes = visible_value_axes(spec, ctx)
    primary_scale, primary_kind, _ = axes[0]
    style_value_axis(
        chart.value_axis,
        primary_kind,
        ctx,
        title=spec.value_axis_title,
        visible=True,
        gridlines=True,
        scale=primary_scale,
        hide_negative=hides_negative(primary_series, primary_scale),
    )
    if ctx.rtl:
        chart.category_axis.reverse_order = True  # which moves the primary value axis right
        pin_axis_title(chart.value_axis, "right", box, SMALL_PT, ctx.theme.minor_font)
    if secondary_series:
        secondary_scale, secondary_kind, _ = axes[1]
        cat_ax, val_ax = _secondary_axes(ctx)
        last_axis = plot_area.findall(qn("c:valAx"))[-1]
        last_axis.addnext(cat_ax)
        cat_ax.addnext(val_ax)
        secondary_axis = ValueAxis(val_ax)
        style_value_axis(
            secondary_axis,
            secondary_kind,
            secondary_ctx,
            title=spec.secondary_axis_title,
            visible=True,
            gridlines=False,
            scale=secondary_scale,
            hide_negative=hides_negative(secondary_series, secondary_scale),
        )
        if ctx.rtl:
            pin_axis_title(secondary_axis, "left", box, SMALL_PT, ctx.theme.minor_font)
    for ser, index in lines:
        item = spec.series[index]
        style_line_series(
            LineSeries(ser),
            series_color(spec, index, ctx),
            item.value_kind,
            secondary_ctx if item.axis == "secondary" else primary_ctx,
            spec.data_labels,
        )
    return frame
