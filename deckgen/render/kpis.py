"""KPI strips: a card per headline figure (label, value, change), first card at the reading start."""

from __future__ import annotations

import math

from pptx.slide import Slide as PptxSlide

from deckgen import textmetrics
from deckgen.model import KpiStrip
from deckgen.render.context import RenderContext
from deckgen.render.layout import EMU_PER_PT, Box
from deckgen.render.shapes import add_rect
from deckgen.render.text import TextLine, TextStyle, add_text, measure_family

_GAP_PT = 12.0  # between cards
_BAR_PT = 4.0  # accent bar on the card's start edge
_WIDE_RATIO = 2.2  # a box at least this many times wider than high holds one row of cards
_VALUE_SCALE = 2.3  # value size relative to the label size
_LABEL_PT, _MIN_PT = 12.0, 7.0  # card text size, and the least it shrinks to
_INSET_X_PT = 10.0  # card text inset, each side


def value_scale(value: str, width_pt: float, size: float, family: str) -> float:
    """The value's size relative to `size`: at most _VALUE_SCALE, and small enough that the
    value stays on one line in `width_pt` points, or (when that would make it smaller than
    the label) that each of its words does; a viewer would otherwise break a word."""

    def fitting(text: str) -> float:
        width = textmetrics.measure_width(text, size, family, bold=True)
        if width * _VALUE_SCALE <= width_pt:
            return _VALUE_SCALE
        return math.floor(width_pt / width * 100) / 100  # rounded down, so it still fits

    scale = fitting(value)
    if scale < 1.0:
        scale = min(fitting(word) for word in value.split(" "))
    return scale


def card_boxes(box: Box, count: int, rtl: bool) -> list[Box]:
    """Boxes of `count` cards in `box`: a row when the box is wide, else a column."""
    gap = round(_GAP_PT * EMU_PER_PT)
    if count == 0:
        return []
    if box.w >= _WIDE_RATIO * box.h:
        w = (box.w - gap * (count - 1)) // count
        boxes = [Box(box.x + i * (w + gap), box.y, w, box.h) for i in range(count)]
        if rtl:  # first card at the right
            boxes = [Box(box.x + box.right - b.right, b.y, b.w, b.h) for b in boxes]
        return boxes
    h = (box.h - gap * (count - 1)) // count
    return [Box(box.x, box.y + i * (h + gap), box.w, h) for i in range(count)]


def draw_kpis(slide: PptxSlide, strip: KpiStrip, box: Box, ctx: RenderContext) -> None:
    """Cards for every KPI of the strip inside `box`."""
    bar = round(_BAR_PT * EMU_PER_PT)
    for kpi, card in zip(strip.kpis, card_boxes(box, len(strip.kpis), ctx.rtl), strict=True):
        add_rect(slide, card, ctx.hex("light"), "KPI Card")
        bar_x = card.right - bar if ctx.rtl else card.x
        add_rect(slide, Box(bar_x, card.y, bar, card.h), ctx.hex("accent"), "KPI Accent")
        text_box = Box(card.x if ctx.rtl else card.x + bar, card.y, card.w - bar, card.h)
        inner = text_box.w_pt - 2 * _INSET_X_PT
        scale = value_scale(kpi.value, inner, _LABEL_PT, measure_family(ctx, heading=False))
        lines = [
            TextLine(kpi.label, color=ctx.rgb("muted")),
            TextLine(kpi.value, bold=True, color=ctx.rgb("title"), size_scale=scale),
        ]
        if kpi.delta:
            lines.append(TextLine(kpi.delta, color=ctx.tone_rgb(kpi.tone), size_scale=0.95))
        style = TextStyle(
            size=_LABEL_PT,
            min_size=_MIN_PT,
            color=ctx.rgb("text"),
            anchor="middle",
            space_after=2,
            inset_x=_INSET_X_PT,
            inset_y=6,
        )
        add_text(slide, text_box, lines, style, ctx, name="KPI")
