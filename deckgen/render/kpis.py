"""KPI strips: a card per headline figure (label, value, change), first card at the reading start."""

from __future__ import annotations

from pptx.slide import Slide as PptxSlide

from deckgen.model import KpiStrip
from deckgen.render.context import RenderContext
from deckgen.render.layout import EMU_PER_PT, Box
from deckgen.render.shapes import add_rect
from deckgen.render.text import TextLine, TextStyle, add_text

_GAP_PT = 12.0  # between cards
_BAR_PT = 4.0  # accent bar on the card's start edge
_WIDE_RATIO = 2.2  # a box at least this many times wider than high holds one row of cards
_VALUE_SCALE = 2.3  # value size relative to the label size


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
        lines = [
            TextLine(kpi.label, color=ctx.rgb("muted")),
            TextLine(kpi.value, bold=True, color=ctx.rgb("title"), size_scale=_VALUE_SCALE),
        ]
        if kpi.delta:
            lines.append(TextLine(kpi.delta, color=ctx.tone_rgb(kpi.tone), size_scale=0.95))
        text_box = Box(card.x if ctx.rtl else card.x + bar, card.y, card.w - bar, card.h)
        style = TextStyle(
            size=12,
            min_size=7,
            color=ctx.rgb("text"),
            anchor="middle",
            space_after=2,
            inset_x=10,
            inset_y=6,
        )
        add_text(slide, text_box, lines, style, ctx, name="KPI")
