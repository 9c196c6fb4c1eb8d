"""Chart legends drawn as slide shapes under the chart, mirrored in right-to-left decks.

Viewers lay a chart's own legend out left to right whatever the language (LibreOffice mirrors
it only when its own user interface is right to left), so a Persian legend listed its series
backwards with the keys on the wrong side. deckgen draws the legend itself, under the chart
and for native and image charts alike: a key (a square for bars and doughnut slices, a line
with a dot for lines, a dot for scatter series) and the name, entries from the reading start
(the right in RTL, key right of its name), in centred rows that wrap as the names are measured.
The chart keeps no legend of its own; the legend does not follow later edits of series names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pptx.enum.shapes import MSO_SHAPE
from pptx.slide import Slide as PptxSlide

from deckgen import textmetrics
from deckgen.model import ChartSpec, ScatterSpec
from deckgen.render.charts import SMALL_PT, series_color
from deckgen.render.context import RenderContext
from deckgen.render.layout import EMU_PER_PT, Box
from deckgen.render.shapes import add_rect, add_rule
from deckgen.render.text import TextLine, TextStyle, add_text

Key = Literal["bar", "line", "dot"]
_SQUARE_PT = 8.0  # a bar's key
_LINE_PT = 16.0  # a line's key: its length ...
_LINE_WEIGHT_PT = 2.25  # ... and weight, as the chart's lines
_DOT_PT = 6.0
_KEY_GAP_PT = 4.0  # between a key and its name
_ENTRY_GAP_PT = 14.0  # between two entries of a row
_BAND_GAP_PT = 4.0  # between the chart and the legend's first row
_TEXT_SLACK_PT = 2.0  # a name's box is this much wider than measured, so it never wraps


@dataclass(frozen=True)
class LegendEntry:
    """One line of a legend: the series or category name, its key and colour (RRGGBB)."""

    name: str
    key: Key
    color: str


def legend_entries(spec: ChartSpec | ScatterSpec, ctx: RenderContext) -> tuple[LegendEntry, ...]:
    """The entries a chart's legend lists, in the spec's order (none for a single series)."""
    if isinstance(spec, ScatterSpec):
        if len(spec.series) < 2:
            return ()
        return tuple(
            LegendEntry(item.name, "dot", ctx.series_hex(i)) for i, item in enumerate(spec.series)
        )
    if not spec.legend:
        return ()
    if spec.kind == "doughnut":
        return tuple(
            LegendEntry(name, "bar", ctx.series_hex(i)) for i, name in enumerate(spec.categories)
        )
    if len(spec.series) < 2:
        return ()
    return tuple(
        LegendEntry(
            item.name,
            "line"
            if spec.kind == "line" or (spec.kind == "combo" and item.plot == "line")
            else "bar",
            series_color(spec, index, ctx),
        )
        for index, item in enumerate(spec.series)
    )


def _key_width(key: Key) -> float:
    return {"bar": _SQUARE_PT, "line": _LINE_PT, "dot": _DOT_PT}[key]


def _entry_width(entry: LegendEntry, family: str) -> float:
    text = textmetrics.measure_width(entry.name, SMALL_PT, family) + _TEXT_SLACK_PT
    return _key_width(entry.key) + _KEY_GAP_PT + text


def legend_rows(
    entries: tuple[LegendEntry, ...], width_pt: float, family: str
) -> list[list[LegendEntry]]:
    """The entries in rows no wider than `width_pt`, in reading order (one entry at least)."""
    rows: list[list[LegendEntry]] = []
    used = 0.0
    for entry in entries:
        width = _entry_width(entry, family)
        if rows and used + _ENTRY_GAP_PT + width <= width_pt:
            rows[-1].append(entry)
            used += _ENTRY_GAP_PT + width
        else:
            rows.append([entry])
            used = width
    return rows


def _row_height() -> float:
    # The height of a line of Arabic script in every language: legends of equal charts take
    # equal room, so a right-to-left chart is its left-to-right twin mirrored.
    return SMALL_PT * textmetrics.ARABIC_LINE_EM


def legend_height(entries: tuple[LegendEntry, ...], width_pt: float, family: str) -> float:
    """Points the legend takes under its chart (its gap included); 0 without entries."""
    if not entries:
        return 0.0
    rows = legend_rows(entries, width_pt, family)
    return _BAND_GAP_PT + len(rows) * _row_height()


def _emu(points: float) -> int:
    return round(points * EMU_PER_PT)


def _key_boxes(entry: LegendEntry, x: int, middle: int) -> list[tuple[Box, MSO_SHAPE | None]]:
    """The key's pieces with their left edge at `x` (EMU) and centred on `middle`: a line
    (shape None) and a dot, or a square."""
    size = _emu(_DOT_PT if entry.key != "bar" else _SQUARE_PT)
    if entry.key == "bar":
        return [(Box(x, middle - size // 2, size, size), MSO_SHAPE.RECTANGLE)]
    line_w = _emu(_LINE_PT) if entry.key == "line" else size
    dot = Box(x + (line_w - size) // 2, middle - size // 2, size, size)
    line = [(Box(x, middle, line_w, 0), None)] if entry.key == "line" else []
    return [*line, (dot, MSO_SHAPE.OVAL)]


def draw_legend(
    slide: PptxSlide, spec: ChartSpec | ScatterSpec, box: Box, ctx: RenderContext
) -> Box:
    """The chart's legend in the bottom of `box`; returns the box left for the chart.

    Laid out left to right, then mirrored inside `box` in a right-to-left deck: the first
    entry at the right, each key right of its name.
    """
    family = ctx.theme.minor_font
    entries = legend_entries(spec, ctx)
    if not entries:
        return box
    chart_box, _ = box.split_top(box.h - _emu(legend_height(entries, box.w_pt, family)))
    row_h = _emu(_row_height())
    style = TextStyle(
        size=SMALL_PT,
        min_size=SMALL_PT,
        color=ctx.rgb("text"),
        anchor="middle",
        inset_x=0,
        inset_y=0,
    )
    top = chart_box.bottom + _emu(_BAND_GAP_PT)

    def placed(piece: Box) -> Box:
        return piece.mirrored(2 * box.x + box.w) if ctx.rtl else piece

    for number, row in enumerate(legend_rows(entries, box.w_pt, family)):
        widths = [_emu(_entry_width(entry, family)) for entry in row]
        total = sum(widths) + _emu(_ENTRY_GAP_PT) * (len(row) - 1)
        y = top + number * row_h
        x = box.x + (box.w - total) // 2
        for entry, width in zip(row, widths, strict=True):
            for piece, shape in _key_boxes(entry, x, y + row_h // 2):
                piece = placed(piece)
                if shape is None:
                    add_rule(
                        slide,
                        piece.x,
                        piece.y,
                        piece.w,
                        entry.color,
                        "Legend Key",
                        weight_pt=_LINE_WEIGHT_PT,
                    )
                else:
                    add_rect(slide, piece, entry.color, "Legend Key", shape)
            key_w = _emu(_key_width(entry.key) + _KEY_GAP_PT)
            text_box = placed(Box(x + key_w, y, width - key_w, row_h))
            add_text(slide, text_box, [TextLine(entry.name)], style, ctx, name="Legend")
            x += width + _emu(_ENTRY_GAP_PT)
    return chart_box
