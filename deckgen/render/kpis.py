"""KPI strips: a card per headline figure (label, value, change), first card at the reading start.

The cards of a strip are laid out together, as one table would be: one label size, one value
size and one change size for the whole strip (the largest at which every card fits, none below
the type floor of 10 pt), and the value and change of every card start at the same heights,
labels sitting on their values, so a label that wraps does not push its value below its
neighbours'. A value is one
line (figures are unbreakable phrases, deckgen.formats). A change is one line when it fits, else
it breaks after its figure ("+0.1 pts" over "vs Sep 2026"), never inside a phrase.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pptx.slide import Slide as PptxSlide

from deckgen import textmetrics
from deckgen.model import Kpi, KpiStrip
from deckgen.render.context import RenderContext
from deckgen.render.identity import mark_item
from deckgen.render.layout import EMU_PER_PT, Box
from deckgen.render.shapes import add_rect
from deckgen.render.text import (
    Anchor,
    TextLine,
    TextStyle,
    add_text,
    measure_family,
    text_block_height,
)

_GAP_PT = 12.0  # between cards
_BAR_PT = 4.0  # accent bar on the card's start edge
_WIDE_RATIO = 2.2  # a box at least this many times wider than high holds one row of cards
_LABEL_PT, _MIN_PT = 12.0, 10.0  # label size, and the least any card text shrinks to
_VALUE_SCALES = (2.3, 2.1, 1.9, 1.7, 1.5, 1.3)  # value size relative to the label, largest first
_DELTA_SCALE = 0.95  # change size relative to the label, at most
_INSET_X_PT, _INSET_Y_PT = 10.0, 6.0  # card text inset
_LINE_GAP_PT = 2.0  # between label, value and change


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


@dataclass(frozen=True)
class KpiLayout:
    """Type sizes (points) and the heights of the three bands every card of a strip shares."""

    label_pt: float
    value_pt: float
    delta_pt: float
    label_h: float  # points
    value_h: float
    delta_h: float  # 0 when no card has a change
    deltas: tuple[tuple[str, ...], ...]  # each card's change as drawn: one line or two

    @property
    def height(self) -> float:
        """The stack of label, value and change, points."""
        gaps = _LINE_GAP_PT * (2 if self.delta_h else 1)
        return self.label_h + self.value_h + self.delta_h + gaps


def _style(size: float, bold: bool = False, anchor: Anchor = "top") -> TextStyle:
    return TextStyle(
        size=size,
        min_size=size,
        color=None,
        bold=bold,
        anchor=anchor,
        inset_x=_INSET_X_PT,
        inset_y=0,
        space_after=0,
    )


def _fits_line(text: str, width: float, size: float, family: str, bold: bool = False) -> bool:
    return textmetrics.measure_width(text, size, family, bold) <= width


def _delta_lines(delta: str, width: float, size: float, family: str) -> tuple[str, ...]:
    """The change on one line, or broken when it is too long: before its parenthesis (the norm
    it is compared with) when what precedes fits, else after its figure (its first word)."""
    if _fits_line(delta, width, size, family):
        return (delta,)
    head, paren, tail = delta.partition(" (")
    if paren and _fits_line(head, width, size, family):
        return (head, "(" + tail)
    figure, _, rest = delta.partition(" ")
    if rest and any(ch.isdigit() for ch in figure):
        return (figure, rest)
    return (delta,)


def _band_height(
    texts: Sequence[Sequence[str]], width: float, size: float, family: str, bold: bool = False
) -> float:
    """The tallest of `texts` (each a list of paragraphs) wrapped in `width` at `size`."""
    style = _style(size, bold)
    box_w = width + 2 * _INSET_X_PT
    return max(
        (
            text_block_height([TextLine(t) for t in lines], style, box_w, size, family)
            for lines in texts
            if lines
        ),
        default=0.0,
    )


def value_size(values: Sequence[str], width: float, largest: float, family: str) -> float:
    """The size (half points, at most `largest`) of a strip's values: each on one line in
    `width`, or, for a value too long for one line at the label size, each of its words."""
    size = largest
    for value in values:
        line = textmetrics.measure_width(value, 1.0, family, bold=True)
        fit = width / line if line > 0 else largest
        if fit < _LABEL_PT:
            widest = max(
                textmetrics.measure_width(w, 1.0, family, bold=True) for w in value.split(" ")
            )
            fit = width / widest if widest > 0 else largest
        size = min(size, fit)
    return max(_MIN_PT, int(size * 2) / 2)  # rounded down, so it still fits


def kpi_layout(kpis: Sequence[Kpi], width: float, height: float, family: str) -> KpiLayout:
    """The largest common sizes at which every card's text fits `width` × `height` (points)."""
    layout = None
    label_pt = _LABEL_PT
    while label_pt >= _MIN_PT:
        for scale in _VALUE_SCALES:
            layout = _layout_at(kpis, width, label_pt, scale, family)
            if layout.height <= height:
                return layout
        label_pt -= 0.5
    assert layout is not None
    return layout


def _layout_at(
    kpis: Sequence[Kpi], width: float, label_pt: float, scale: float, family: str
) -> KpiLayout:
    value_pt = value_size([k.value for k in kpis], width, label_pt * scale, family)
    deltas = [k.delta for k in kpis if k.delta]
    delta_pt = max(_MIN_PT, int(label_pt * _DELTA_SCALE * 2) / 2)
    while delta_pt > _MIN_PT and not all(_fits_line(d, width, delta_pt, family) for d in deltas):
        delta_pt = max(_MIN_PT, delta_pt - 0.5)
    lines = tuple(_delta_lines(k.delta, width, delta_pt, family) if k.delta else () for k in kpis)
    return KpiLayout(
        label_pt=label_pt,
        value_pt=value_pt,
        delta_pt=delta_pt,
        label_h=_band_height([[k.label] for k in kpis], width, label_pt, family),
        value_h=_band_height([[k.value] for k in kpis], width, value_pt, family, bold=True),
        delta_h=_band_height(lines, width, delta_pt, family),
        deltas=lines,
    )


def draw_kpis(slide: PptxSlide, strip: KpiStrip, box: Box, ctx: RenderContext) -> None:
    """Cards for every KPI of the strip inside `box`, laid out together (see the module doc)."""
    bar = round(_BAR_PT * EMU_PER_PT)
    cards = card_boxes(box, len(strip.kpis), ctx.rtl)
    if not cards:
        return
    family = measure_family(ctx, heading=False)
    inner_w = cards[0].w / EMU_PER_PT - _BAR_PT - 2 * _INSET_X_PT
    inner_h = cards[0].h / EMU_PER_PT - 2 * _INSET_Y_PT
    layout = kpi_layout(strip.kpis, inner_w, inner_h, family)
    tree = slide.shapes._spTree
    for kpi, card, delta in zip(strip.kpis, cards, layout.deltas, strict=True):
        first = len(tree)
        add_rect(slide, card, ctx.hex("light"), "KPI Card")
        bar_x = card.right - bar if ctx.rtl else card.x
        add_rect(slide, Box(bar_x, card.y, bar, card.h), ctx.hex("accent"), "KPI Accent")
        x = card.x if ctx.rtl else card.x + bar
        top = card.y / EMU_PER_PT + (card.h / EMU_PER_PT - layout.height) / 2
        bands = (
            ("KPI Label", [TextLine(kpi.label, color=ctx.rgb("muted"))], layout.label_pt, False),
            (
                "KPI Value",
                [TextLine(kpi.value, bold=True, color=ctx.rgb("title"))],
                layout.value_pt,
                True,
            ),
            (
                "KPI Delta",
                [TextLine(line, color=ctx.tone_rgb(kpi.tone)) for line in delta],
                layout.delta_pt,
                False,
            ),
        )
        heights = (layout.label_h, layout.value_h, layout.delta_h)
        for (name, lines, size, bold), band_h in zip(bands, heights, strict=True):
            if lines:
                band = Box(x, round(top * EMU_PER_PT), card.w - bar, round(band_h * EMU_PER_PT))
                # A label sits on its value: the labels' band is as tall as the longest one.
                anchor: Anchor = "bottom" if name == "KPI Label" else "top"
                add_text(slide, band, lines, _style(size, bold, anchor), ctx, name=name)
            top += band_h + _LINE_GAP_PT
        mark_item(list(tree)[first:], kpi.key)
