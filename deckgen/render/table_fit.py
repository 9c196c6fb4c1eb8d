"""Table sizing without python-pptx: column widths, row heights, a font size that fits, pages.

LibreOffice does not grow a row for wrapped text (RTL.md), so deckgen sizes every row itself.
Slide builders call `paginate_table` to split a long table over several slides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from deckgen import textmetrics
from deckgen.model import Area, TableSpec
from deckgen.render.layout import BLOCK_GAP_PT, BLOCK_TITLE_PT, area_size_pt

CELL_INSET_X = 5.0  # points, left and right inside a cell
CELL_INSET_Y = 3.0  # points, top and bottom inside a cell
MIN_FONT_PT = 10.0  # the deck's type floor: tables never shrink below it, nor start below it


@dataclass(frozen=True)
class TableFit:
    """A table's font size and sizes in points."""

    size: float  # points
    widths: tuple[float, ...]  # column widths in points, model order
    heights: tuple[float, ...]  # row heights in points, header first


# A long table may shrink this much below its size when that saves a slide (a third prospects
# page at 11 pt in Arabic, a sixth definitions page in English).
PAGE_SHRINK_PT = 1.5


def column_widths(spec: TableSpec, width_pt: float) -> tuple[float, ...]:
    """Column widths (points, model order) proportional to each column's weight."""
    total = sum(column.width for column in spec.columns) or 1.0
    return tuple(width_pt * column.width / total for column in spec.columns)


def _cell_height(text: str, width_pt: float, size: float, family: str, bold: bool) -> float:
    inner = max(width_pt - 2 * CELL_INSET_X, 1.0)
    lines = textmetrics.wrap_text(text, inner, size, family, bold)
    return len(lines) * cell_line_height(size) + 2 * CELL_INSET_Y


def cell_line_height(size: float) -> float:
    """One line in a table cell, points: the exact line spacing every cell paragraph is given.

    Without it LibreOffice grows a line holding Arabic script to Noto Sans Arabic's own line
    height (2.1 em, for its stacked marks), so Persian and Arabic rows were uneven and twice
    the English ones; an exact spacing of ARABIC_LINE_EM holds every script's letters.
    """
    return size * textmetrics.ARABIC_LINE_EM


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


def _widest_words(spec: TableSpec, family: str) -> tuple[float, ...]:
    """Per column, the widest unbreakable word (headers bold) at 1 pt, in points.

    Lines break only at plain spaces: a no-break space (as between a number and its currency)
    joins its neighbours into one word. Widths grow in proportion to the font size.
    """
    rows = (
        [(col.header, True) for col in spec.columns],
        *([(cell.text, False) for cell in row] for row in spec.rows),
    )
    return tuple(
        max(
            textmetrics.measure_width(word, 1.0, family, bold)
            for text, bold in cells
            for word in text.split(" ")
        )
        for cells in zip(*rows, strict=True)
    )


def _room_for_words(widths: tuple[float, ...], needs: tuple[float, ...]) -> tuple[float, ...]:
    """`widths` with each column widened to its need, taken from the columns with room to spare."""
    short = [max(need - width, 0.0) for width, need in zip(widths, needs, strict=True)]
    spare = [max(width - need, 0.0) for width, need in zip(widths, needs, strict=True)]
    deficit, room = sum(short), sum(spare)
    if deficit == 0 or room < deficit:
        return widths
    return tuple(
        width + gain - extra * deficit / room
        for width, gain, extra in zip(widths, short, spare, strict=True)
    )


def _fit_words(spec: TableSpec, width_pt: float, family: str) -> tuple[float, tuple[float, ...]]:
    """The largest size (down to MIN_FONT_PT) at which every word fits its column; the widths.

    A word still too wide at the smallest size widens its column with room from roomier ones.
    """
    widths = column_widths(spec, width_pt)
    floor = MIN_FONT_PT
    start = max(spec.font_size, floor)
    words = _widest_words(spec, family)
    word_cap = min(
        (width - 2 * CELL_INSET_X) / word if word > 0 else start
        for width, word in zip(widths, words, strict=True)
    )
    if word_cap >= start:
        return start, widths
    size = max(floor, math.floor(word_cap * 2) / 2)  # sizes go in half points
    needs = tuple(word * size + 2 * CELL_INSET_X for word in words)
    return size, _room_for_words(widths, needs)


def fit_table(spec: TableSpec, width_pt: float, height_pt: float, family: str) -> TableFit:
    """The largest size from spec.font_size down to MIN_FONT_PT at which the table fits.

    No cell may break a word: the size also shrinks until every word fits its column, and if a
    word is still too wide at the smallest size, its column takes width from roomier ones.
    """
    floor = MIN_FONT_PT
    size, widths = _fit_words(spec, width_pt, family)
    while True:
        heights = row_heights(spec, widths, size, family)
        if sum(heights) <= height_pt or size - 0.5 < floor:
            return TableFit(size=size, widths=widths, heights=heights)
        size -= 0.5


def _page_sizes(heights: tuple[float, ...], height_pt: float, most: int) -> list[int]:
    """Rows per page filling pages in order, at most `most` rows and `height_pt` points each.

    `heights` starts with the header, repeated on every page; a page always takes one row.
    """
    sizes: list[int] = []
    rows, used = 0, heights[0]
    for height in heights[1:]:
        if rows and (used + height > height_pt or rows == most):
            sizes.append(rows)
            rows, used = 0, heights[0]
        rows += 1
        used += height
    return [*sizes, rows]


def _fewest_pages_size(
    spec: TableSpec, widths: tuple[float, ...], size: float, height_pt: float, family: str
) -> float:
    """The largest size, at most PAGE_SHRINK_PT below `size`, giving the fewest pages."""

    def pages(at: float) -> int:
        heights = row_heights(spec, widths, at, family)
        return len(_page_sizes(heights, height_pt, len(spec.rows)))

    floor = max(MIN_FONT_PT, size - PAGE_SHRINK_PT)
    best, fewest = size, pages(size)
    candidate = size - 0.5
    while candidate >= floor and fewest > 1:
        if (count := pages(candidate)) < fewest:
            best, fewest = candidate, count
        candidate -= 0.5
    return best


def paginate_table(
    spec: TableSpec, family: str = "Calibri", area: Area | None = None
) -> list[TableSpec]:
    """`spec` split into tables that each fit their area at the size `fit_table` will give them.

    Rows are measured at the size at which every word of the table fits its column (the size
    fit_table ends up with), and every page gets that size, so pages are filled at the size
    they are drawn at. Pages are filled in order, each as full as it goes: a table continues
    on another slide only when its own slide is full (the last page holds what is left).
    """
    width_pt, height_pt = area_size_pt(area or spec.area)
    if spec.title:
        height_pt -= BLOCK_TITLE_PT + BLOCK_GAP_PT
    size, widths = _fit_words(spec, width_pt, family)
    size = _fewest_pages_size(spec, widths, size, height_pt, family)
    spec = replace(spec, font_size=size)
    heights = row_heights(spec, widths, size, family)
    sizes = _page_sizes(heights, height_pt, len(spec.rows))
    starts = [sum(sizes[:i]) for i in range(len(sizes))]
    return [
        replace(spec, rows=spec.rows[start : start + count])
        for start, count in zip(starts, sizes, strict=True)
    ]
