"""Native tables: navy header, thin rules, heat-scaled fills (cohort matrices), rows sized by deckgen.

Right-to-left: the columns are written in reverse order, so the first column sits at the right
in every viewer. The table-level `a:tblPr rtl="1"` flag is deliberately NOT set: LibreOffice
ignores it, and PowerPoint would mirror the already reversed columns back to left-to-right.
Cell paragraphs still get `rtl="1"` and right alignment (see docs/rendering.md).
"""

from __future__ import annotations

import math
import unicodedata
from copy import deepcopy

from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR
from pptx.oxml.table import CT_TableCell
from pptx.slide import Slide as PptxSlide
from pptx.table import _Cell
from pptx.util import Emu, Pt

from deckgen.formats import isolate_first_strong
from deckgen.model import TableSpec
from deckgen.render.context import RenderContext, blend, luminance
from deckgen.render.identity import HEADER_ROW, mark_rows
from deckgen.render.layout import EMU_PER_PT, Box
from deckgen.render.oxml import child, qn
from deckgen.render.table_fit import (
    CELL_INSET_X,
    cell_line_height,
    fit_table,
    loosened,
)
from deckgen.render.text import (
    Align,
    measure_family,
    style_paragraph,
    style_run,
)

NO_STYLE_NO_GRID = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"  # built-in table style: nothing
_RULE_EMU = 9525  # 0.75 pt row rule
_HEAT_LOW = "F4F6F9"  # heat 0: almost white; heat 1: the theme's primary colour
_DARK_FILL = 0.5  # text turns white on fills darker than this luminance
ZERO_WIDTH_SPACE = "\u200b"
_RUN_PATH = f"{qn('a:txBody')}/{qn('a:p')}/{qn('a:r')}"  # a cell's one run


def _borders(cell: _Cell, bottom: str | None) -> None:
    """No side or top lines; a thin bottom rule of colour `bottom` (RRGGBB) or none."""
    tc_pr = cell._tc.get_or_add_tcPr()
    for tag in ("a:lnL", "a:lnR", "a:lnT", "a:lnB"):
        line = child(tc_pr, tag)
        if tag == "a:lnB" and bottom is not None:
            line.set("w", str(_RULE_EMU))
            fill = child(line, "a:solidFill")
            child(fill, "a:srgbClr").set("val", bottom)
        else:
            line.set("w", "0")
            child(line, "a:noFill")


def _write_cell(
    cell: _Cell,
    text: str,
    ctx: RenderContext,
    *,
    size: float,
    bold: bool,
    color: RGBColor,
    align: Align,
    fill: str | None,
    rule: str | None,
    inset_y: float,
) -> None:
    _borders(cell, rule)
    # What python-pptx's `cell.fill` setters write after the borders, at a tenth of their cost.
    tc_pr = cell._tc.get_or_add_tcPr()
    if fill is None:
        child(tc_pr, "a:noFill")
    else:
        child(child(tc_pr, "a:solidFill"), "a:srgbClr", val=str(RGBColor.from_string(fill)))
    cell.margin_left = cell.margin_right = Pt(CELL_INSET_X)
    cell.margin_top = cell.margin_bottom = Pt(inset_y)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame = cell.text_frame
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    style_paragraph(paragraph, ctx, align)
    paragraph.line_spacing = Pt(cell_line_height(size))  # exact: rows as measured, any script
    run = paragraph.add_run()
    # An empty cell gets an invisible zero-width space: LibreOffice sizes a paragraph with no
    # text by its end mark and ignores its line spacing, which made such rows taller.
    run.text = text or ZERO_WIDTH_SPACE
    style_run(run, ctx, size, bold, color)


def _has_latin(text: str) -> bool:
    # Letters only: the LRM that CLDR puts before a sign ("‎-5") is no Latin text, and an
    # isolate around it would turn a right-to-left figure ("٪" after "-80.5") left to right.
    return any(unicodedata.bidirectional(char) == "L" and char.isalpha() for char in text)


def cell_text(text: str, ctx: RenderContext) -> str:
    """A body cell's text as written: in RTL decks, text holding Latin letters is put in a
    first-strong isolate, so an English comment keeps its full stop at its end."""
    return isolate_first_strong(text) if ctx.rtl and _has_latin(text) else text


class _CellWriter:
    """Writes cells that look alike as copies of the first one written: a table's cells share a
    handful of looks, and python-pptx's property setters cost ten times a copy of the XML."""

    def __init__(self, ctx: RenderContext, size: float, inset_y: float) -> None:
        self._ctx, self._size, self._inset_y = ctx, size, inset_y
        self._made: dict[tuple[object, ...], CT_TableCell] = {}

    def write(
        self,
        cell: _Cell,
        text: str,
        *,
        bold: bool,
        color: RGBColor,
        align: Align,
        fill: str | None,
        rule: str | None,
    ) -> None:
        """`cell` filled with `text` in the given look (see `_write_cell`)."""
        key = (bold, str(color), align, fill, rule)
        made = self._made.get(key)
        if made is None:
            _write_cell(
                cell,
                text,
                self._ctx,
                size=self._size,
                bold=bold,
                color=color,
                align=align,
                fill=fill,
                rule=rule,
                inset_y=self._inset_y,
            )
            self._made[key] = cell._tc
            return
        copy = deepcopy(made)
        copy.find(_RUN_PATH).text = text or ZERO_WIDTH_SPACE  # python-pptx escapes the text
        cell._tc.getparent().replace(cell._tc, copy)


def draw_table(slide: PptxSlide, spec: TableSpec, box: Box, ctx: RenderContext) -> None:
    """The table in `box`: font shrunk (not below the type floor) until the measured rows fit."""
    fit = fit_table(spec, box.w_pt, box.h_pt, measure_family(ctx, heading=False))
    spec = loosened(spec, fit.loose)
    order = list(range(len(spec.columns)))
    if ctx.rtl:
        order.reverse()
    rows, cols = len(spec.rows) + 1, len(spec.columns)
    height = round(math.fsum(fit.heights) * EMU_PER_PT)
    shape = slide.shapes.add_table(rows, cols, Emu(box.x), Emu(box.y), Emu(box.w), Emu(height))
    shape.name = "Table"
    if spec.row_keys:
        mark_rows(shape._element, (HEADER_ROW, *spec.row_keys))
    table = shape.table
    tbl_pr = table._tbl.tblPr
    tbl_pr.set("firstRow", "1")
    tbl_pr.set("bandRow", "0")
    tbl_pr.find(qn("a:tableStyleId")).text = NO_STYLE_NO_GRID
    widths = [round(fit.widths[i] * EMU_PER_PT) for i in order]
    widths[-1] = box.w - sum(widths[:-1])  # no rounding gap at the end
    heights = [round(row_h * EMU_PER_PT) for row_h in fit.heights]
    # Written on the XML, then the frame sized once: python-pptx's column and row setters
    # re-add every width and height after each one (quadratic in the rows).
    for grid_col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.w = Emu(width)
    trs = table._tbl.tr_lst
    for tr, row_h in zip(trs, heights, strict=True):
        tr.h = Emu(row_h)
    shape.width, shape.height = Emu(sum(widths)), Emu(sum(heights))
    table_cells = [[_Cell(tc, table) for tc in tr.tc_lst] for tr in trs]
    header_fill, rule = ctx.hex("title"), ctx.hex("rule")
    writer = _CellWriter(ctx, fit.size, fit.inset_y)
    for position, index in enumerate(order):
        column = spec.columns[index]
        writer.write(
            table_cells[0][position],
            column.header,
            bold=True,
            color=ctx.rgb("background"),
            align=column.align,
            fill=header_fill,
            rule=None,
        )
    for row_number, cells in enumerate(spec.rows, start=1):
        for position, index in enumerate(order):
            cell = cells[index]
            fill = None if cell.heat is None else blend(_HEAT_LOW, ctx.hex("primary"), cell.heat)
            dark = fill is not None and luminance(fill) < _DARK_FILL
            writer.write(
                table_cells[row_number][position],
                cell_text(cell.text, ctx),
                bold=False,
                color=ctx.rgb("background") if dark else ctx.rgb("text"),
                align=spec.columns[index].align,
                fill=fill,
                rule=rule,
            )
