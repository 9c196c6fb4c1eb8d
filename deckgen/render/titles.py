"""The top of a content slide and the foot of a chart: section tracker, action title, source line.

Under action titles (deckgen.model.TitleStyle) a slide's title is its finding: at most two
lines, measured with the theme's heading font and shrunk to fit, in the band the topic title
and its headline used to share. The tracker is a small line above the title naming the
section (and the topic). A chart with a source line gives up a line at its foot for it.

On the 13.333 x 7.5 in design slide:

    tracker        0.10 in .. 0.34 in from the top
    topic title    0.35 in .. 1.15 in (deckgen.render.layout), headline below it
    action title   0.44 in .. 1.80 in, anchored at the top
    source line    the foot of the chart's box: at least 0.22 in, as tall as its text needs
"""

from __future__ import annotations

import math

from pptx.slide import Slide as PptxSlide

from deckgen import textmetrics
from deckgen.render.context import RenderContext
from deckgen.render.layout import DESIGN_H, EMU_PER_INCH, EMU_PER_PT, Box, Grid
from deckgen.render.text import TextLine, TextStyle, add_text, measure_family, text_block_height

_TRACKER_Y, _TRACKER_H = 0.10, 0.24
_ACTION_Y, _ACTION_BOTTOM = 0.44, 1.80
_SOURCE_H = 0.22
TRACKER_PT = 10.0  # the slide text floor (tests/layout_check.py): neither shrinks below it
SOURCE_PT = 10.0
ACTION_TITLE_PT = 24.0  # preferred size of an action title
ACTION_TITLE_MIN_PT = 16.0  # it shrinks to this before taking a third line
ACTION_TITLE_LINES = 2
_LINE_SPACING = 1.0


def _y(grid: Grid, inches: float) -> int:
    return round(inches * EMU_PER_INCH * grid.slide_h / DESIGN_H)


def tracker_box(grid: Grid) -> Box:
    """The tracker's band above the title."""
    title = grid.title
    return Box(title.x, _y(grid, _TRACKER_Y), title.w, _y(grid, _TRACKER_H))


def action_title_box(grid: Grid) -> Box:
    """The band an action title takes: the topic title's and the headline's together."""
    title = grid.title
    top = _y(grid, _ACTION_Y)
    return Box(title.x, top, title.w, _y(grid, _ACTION_BOTTOM) - top)


def action_title_size(text: str, width_pt: float, family: str) -> float:
    """The largest size from ACTION_TITLE_PT down to ACTION_TITLE_MIN_PT (0.5 pt steps) at
    which `text` takes at most two lines of `width_pt`; the minimum when none does."""
    size = ACTION_TITLE_PT
    while size > ACTION_TITLE_MIN_PT:
        if len(textmetrics.wrap_text(text, width_pt, size, family, True)) <= ACTION_TITLE_LINES:
            return size
        size -= 0.5
    return ACTION_TITLE_MIN_PT


def action_title_style(text: str, box: Box, ctx: RenderContext) -> TextStyle:
    """The style of an action title: bold heading font at the size that keeps two lines."""
    size = action_title_size(text, box.w_pt, measure_family(ctx, heading=True))
    return TextStyle(
        size=size,
        min_size=min(size, ACTION_TITLE_MIN_PT),
        color=None,  # the layout's title colour
        bold=True,
        heading=True,
        anchor="top",
        inset_x=0,
        inset_y=0,
        line_spacing=_LINE_SPACING,
    )


def draw_tracker(slide: PptxSlide, text: str, ctx: RenderContext) -> None:
    """The section tracker above the title, small and in the accent colour."""
    style = TextStyle(
        size=TRACKER_PT,
        min_size=TRACKER_PT,
        color=ctx.rgb("accent"),
        bold=True,
        anchor="bottom",
        inset_x=0,
        inset_y=0,
    )
    add_text(slide, tracker_box(ctx.grid), [TextLine(text)], style, ctx, name="Tracker")


def _source_style(ctx: RenderContext) -> TextStyle:
    return TextStyle(
        size=SOURCE_PT,
        min_size=SOURCE_PT,
        color=ctx.rgb("muted"),
        anchor="bottom",
        inset_x=0,
        inset_y=0,
    )


def split_source(box: Box, text: str, ctx: RenderContext) -> tuple[Box, Box]:
    """A chart's box without its foot, and the foot: as tall as the source line `text` needs
    (an Arabic-script line is taller; a long one wraps), at least _SOURCE_H."""
    needed = text_block_height(
        [TextLine(text)], _source_style(ctx), box.w_pt, SOURCE_PT, measure_family(ctx, False)
    )
    height = max(_y(ctx.grid, _SOURCE_H), math.ceil(needed * EMU_PER_PT))
    return Box(box.x, box.y, box.w, box.h - height), Box(box.x, box.bottom - height, box.w, height)


def draw_source(slide: PptxSlide, text: str, box: Box, ctx: RenderContext) -> None:
    """A chart's source line: sheet, period and n, small and muted, at the chart's foot."""
    add_text(slide, box, [TextLine(text)], _source_style(ctx), ctx, name="Source")
