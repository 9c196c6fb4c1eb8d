"""Funnels from native shapes: one centred bar per stage, stage conversion between bars.

Columns (LTR): stage labels at the start (24%), bars in the middle (46%), conversion at the
end (30%); mirrored in RTL. Bar widths show the order, not the proportion (30% + 70% of the
value's share of the widest stage), so late stages stay legible; the numbers carry the size.
The highlighted stage (the biggest leak) is drawn in the accent colour, its conversion in red.
"""

from __future__ import annotations

from pptx.enum.shapes import MSO_SHAPE
from pptx.slide import Slide as PptxSlide

from deckgen.model import FunnelSpec
from deckgen.render.context import RenderContext
from deckgen.render.layout import Box
from deckgen.render.shapes import add_rect
from deckgen.render.text import TextLine, TextStyle, add_text

_LABEL_SHARE, _BAR_SHARE = 0.24, 0.46  # of the box width; conversion takes the rest
_BAR_FILL = 0.72  # bar height as a share of a stage's row
_MIN_BAR = 0.30  # narrowest bar as a share of the bar column
_ARROW = 0.5  # arrow height as a share of the gap between bars


def _mirror(outer: Box, inner: Box, rtl: bool) -> Box:
    """`inner` reflected inside `outer` for right-to-left decks."""
    if not rtl:
        return inner
    return Box(outer.x + outer.right - inner.right, inner.y, inner.w, inner.h)


def bar_shares(spec: FunnelSpec) -> list[float]:
    """Each stage's bar width as a share (0.3..1) of the bar column."""
    top = max((stage.value for stage in spec.stages), default=0.0)
    if top <= 0:
        return [_MIN_BAR for _ in spec.stages]
    return [_MIN_BAR + (1 - _MIN_BAR) * max(stage.value, 0.0) / top for stage in spec.stages]


def draw_funnel(slide: PptxSlide, spec: FunnelSpec, box: Box, ctx: RenderContext) -> None:
    """The funnel in `box`: bars, stage labels, values and conversions."""
    count = len(spec.stages)
    if count == 0:
        return
    label_w = round(box.w * _LABEL_SHARE)
    bar_w = round(box.w * _BAR_SHARE)
    conv_w = box.w - label_w - bar_w
    pitch = box.h // count
    bar_h = round(pitch * _BAR_FILL)
    gap = pitch - bar_h
    bar_x = box.x + label_w
    label_style = TextStyle(
        size=14, min_size=9, color=ctx.rgb("text"), bold=True, align="end", anchor="middle"
    )
    value_style = TextStyle(
        size=14,
        min_size=8,
        color=ctx.rgb("background"),
        bold=True,
        align="center",
        anchor="middle",
        inset_x=2,
    )
    conv_style = TextStyle(
        size=12, min_size=8, color=ctx.rgb("muted"), align="start", anchor="middle"
    )
    for index, (stage, share) in enumerate(zip(spec.stages, bar_shares(spec), strict=True)):
        top = box.y + index * pitch + gap // 2
        width = round(bar_w * share)
        bar = Box(bar_x + (bar_w - width) // 2, top, width, bar_h)
        highlighted = index == spec.highlight
        color = ctx.hex("accent") if highlighted else ctx.hex("primary")
        add_rect(slide, _mirror(box, bar, ctx.rtl), color, "Funnel Stage")
        add_text(
            slide,
            _mirror(box, bar, ctx.rtl),
            [TextLine(stage.value_text)],
            value_style,
            ctx,
            name="Funnel Value",
        )
        label_box = Box(box.x, top, label_w, bar_h)
        add_text(
            slide,
            _mirror(box, label_box, ctx.rtl),
            [TextLine(stage.label)],
            label_style,
            ctx,
            name="Funnel Label",
        )
        if index == 0 or not stage.conversion_text:
            continue
        boundary = box.y + index * pitch  # middle of the gap above this stage
        arrow_h = max(round(gap * _ARROW), 1)
        arrow_w = arrow_h * 2
        arrow = Box(bar_x + (bar_w - arrow_w) // 2, boundary - arrow_h // 2, arrow_w, arrow_h)
        step = add_rect(
            slide,
            _mirror(box, arrow, ctx.rtl),
            ctx.hex("grey"),
            "Funnel Step",
            MSO_SHAPE.ISOSCELES_TRIANGLE,
        )
        step.rotation = 180  # pointing down
        conv_box = Box(bar_x + bar_w, boundary - pitch // 2, conv_w, pitch)
        line = TextLine(
            stage.conversion_text,
            bold=highlighted,
            color=ctx.tone_rgb("bad") if highlighted else None,
        )
        add_text(
            slide,
            _mirror(box, conv_box, ctx.rtl),
            [line],
            conv_style,
            ctx,
            name="Funnel Conversion",
        )
