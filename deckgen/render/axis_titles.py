"""Value-axis titles pinned beside their axis in right-to-left charts.

LibreOffice draws a primary value axis' title on the left and a secondary one's on the right,
wherever the axis itself is drawn. A right-to-left chart reverses its categories (or its x
axis), which moves the primary value axis to the right and a secondary one to the left, so each
title would sit beside the other axis. A manual layout on the title (`c:title/c:layout`, in
fractions of the chart) puts it beside its own axis in LibreOffice and PowerPoint alike.
"""

from __future__ import annotations

from typing import Literal

from pptx.chart.axis import _BaseAxis

from deckgen import textmetrics
from deckgen.render.layout import Box
from deckgen.render.oxml import child, element, qn

Side = Literal["left", "right"]
_EDGE = 0.005  # gap between a title and the chart's edge, a fraction of the chart width
_PLOT_MIDDLE = 0.45  # a vertical title is centred this far down (the legend sits below)


def pin_axis_title(
    axis: _BaseAxis, side: Side, box: Box, size_pt: float, family: str, bold: bool = False
) -> None:
    """Put `axis`' vertical title at the `side` edge of a chart filling `box`, centred on the plot.

    Does nothing when the axis has no title.
    """
    title = axis._element.find(qn("c:title"))
    if title is None:
        return
    text = "".join(t.text or "" for t in title.iter(qn("a:t")))
    length = textmetrics.measure_width(text, size_pt, family, bold) / box.h_pt
    thickness = textmetrics.line_height(text, size_pt, family, bold) / box.w_pt
    x = _EDGE if side == "left" else 1 - _EDGE - thickness
    y = min(max(_PLOT_MIDDLE - length / 2, 0.0), max(1 - length, 0.0))
    for old in title.findall(qn("c:layout")):
        title.remove(old)
    manual = element("c:manualLayout")
    child(manual, "c:xMode", val="edge")
    child(manual, "c:yMode", val="edge")
    child(manual, "c:x", val=f"{x:.4f}")
    child(manual, "c:y", val=f"{y:.4f}")
    layout = element("c:layout")
    layout.append(manual)
    title.find(qn("c:tx")).addnext(layout)  # schema order: tx, layout, overlay, spPr, txPr
