"""Table sizing without python-pptx: column widths, row heights, a font size that fits, pages.

LibreOffice does not grow a row for wrapped text (RTL.md), so deckgen sizes every row itself.
Slide builders call `paginate_table` to split a long table over several slides.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from deckgen import textmetrics
from deckgen.model import Area, TableSpec
from deckgen.render.layout import BLOCK_GAP_PT, BLOCK_TITLE_PT, area_size_pt

CELL_INSET_X = 5.0  # points, left and right inside a cell
CELL_INSET_Y = 3.0  # points, top and bottom inside a cell
MIN_FONT_PT = 8.0  # tables never shrink below this


@dataclass(frozen=True)
class TableFit:
    """A table's font size and sizes in points."""

    size: float  # points
    widths: tuple[float, ...]  # column widths in points, model order
    heights: tuple[float, ...]  # row heights in points, header first


def column_widths(spec: TableSpec, width_pt: float) -> tuple[float, ...]:
    """Column widths (points, model order) proportional to each column's weight."""
    total = sum(column.width for column in spec.columns) or 1.0
    return tuple(width_pt * column.width / total for column in spec.columns)


def _cell_height(text: str, width_pt: float, size: float, family: str, bold: bool) -> float:
    inner = max(width_pt - 2 * CELL_INSET_X, 1.0)
    lines = textmetrics.wrap_text(text, inner, size, family, bold)
    return len(lines) * textmetrics.line_height(text, size, family, bold) + 2 * CELL_INSET_Y


def row_heights(
    spec: TableSpec, widths: tuple[float, ...], size: float, family: str
) -> tuple[float, ...]:
    """Height (points) of the header row and of every body row at `size`."""
    header = max(
        _cell_height(col.header, w, size, family, True)
        for col, w in zip(spec.columns, widths, strict=True)
    )
    body = [
        max(
            _cell_height(cell.text, w, size, family, False)
            for cell, w in zip(row, widths, strict=True)
        )
        for row in spec.rows
    ]
    return (header, *body)


def fit_table(spec: TableSpec, width_pt: float, height_pt: float, family: str) -> TableFit:
    """The largest size from spec.font_size down to MIN_FONT_PT at which the table fits."""
    widths = column_widths(spec, width_pt)
    size = spec.font_size
    floor = min(MIN_FONT_PT, spec.font_size)
    while True:
        heights = row_heights(spec, widths, size, family)
        if sum(heights) <= height_pt or size - 0.5 < floor:
            return TableFit(size=size, widths=widths, heights=heights)
        size -= 0.5


def paginate_table(
    spec: TableSpec, family: str = "Calibri", area: Area | None = None
) -> list[TableSpec]:
    """`spec` split into tables that each fit their area at the table's own font size."""
    width_pt, height_pt = area_size_pt(area or spec.area)
    if spec.title:
        height_pt -= BLOCK_TITLE_PT + BLOCK_GAP_PT
    widths = column_widths(spec, width_pt)
    heights = row_heights(spec, widths, spec.font_size, family)
    pages: list[TableSpec] = []
    start, used = 0, heights[0]
    for index, height in enumerate(heights[1:]):
        if used + height > height_pt and index > start:
            pages.append(replace(spec, rows=spec.rows[start:index]))
            start, used = index, heights[0]
        used += height
    pages.append(replace(spec, rows=spec.rows[start:]))
    return pages
