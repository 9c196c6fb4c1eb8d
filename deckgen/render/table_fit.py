"""Table sizing without python-pptx: column widths, row heights, a font size that fits, pages.

LibreOffice does not grow a row for wrapped text (RTL.md), so deckgen sizes every row itself.
Slide builders call `paginate_table` to split a long table over several slides.

A table that does not fit its area even at the type floor tightens its rows (TIGHT_INSET_Y)
before it would run over. No cell breaks a word. A figure is one unbreakable phrase (its number and unit are joined by
no-break spaces, deckgen.formats); when a column cannot hold its widest figure even at the type
floor with room taken from the other columns, that column's figures may break between number
and unit ("۴۵۰" over "میلیون ریال"): its cells are written with a plain space there (`loosen`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from deckgen import textmetrics
from deckgen.model import Area, TableSpec
from deckgen.render.layout import BLOCK_GAP_PT, BLOCK_TITLE_PT, area_size_pt

CELL_INSET_X = 5.0  # points, left and right inside a cell
CELL_INSET_Y = 3.0  # points, top and bottom inside a cell
TIGHT_INSET_Y = 1.0  # ... in a table that does not fit its area at the type floor otherwise
MIN_FONT_PT = 10.0  # the deck's type floor: tables never shrink below it, nor start below it
_NUMBER_UNIT = re.compile(r"(?<=\d)\u00a0")  # the no-break space between a number and its unit


@dataclass(frozen=True)
class TableFit:
    """A table's font size and sizes in points."""

    size: float  # points
    widths: tuple[float, ...]  # column widths in points, model order
    heights: tuple[float, ...]  # row heights in points, header first
    loose: tuple[bool, ...] = ()  # per column: figures may break between number and unit
    inset_y: float = CELL_INSET_Y  # points, above and below each cell's text


def loosen(text: str) -> str:
    """`text` with a plain space, where a line may break, between each number and its unit."""
    return _NUMBER_UNIT.sub(" ", text)


def loosened(spec: TableSpec, loose: tuple[bool, ...]) -> TableSpec:
    """`spec` with the body cells of the `loose` columns loosened (see `loosen`)."""
    if not any(loose):
        return spec
    rows = tuple(
        tuple(
            replace(cell, text=loosen(cell.text)) if free else cell
            for cell, free in zip(row, loose, strict=True)
        )
        for row in spec.rows
    )
    return replace(spec, rows=rows)


# A long table may shrink this much below its size when that saves a slide (a third prospects
# page at 11 pt in Arabic, a sixth definitions page in English).
PAGE_SHRINK_PT = 1.5


def column_widths(spec: TableSpec, width_pt: float) -> tuple[float, ...]:
    """Column widths (points, model order) proportional to each column's weight."""
    total = math.fsum(column.width for column in spec.columns) or 1.0
    return tuple(width_pt * column.width / total for column in spec.columns)


def _cell_height(
    text: str, width_pt: float, size: float, family: str, bold: bool, inset_y: float
) -> float:
    inner = max(width_pt - 2 * CELL_INSET_X, 1.0)
    lines = textmetrics.wrap_text(text, inner, size, family, bold)
    return len(lines) * cell_line_height(size) + 2 * inset_y


def cell_line_height(size: float) -> float:
    """One line in a table cell, points: the exact line spacing every cell paragraph is given.

    Without it LibreOffice grows a line holding Arabic script to Noto Sans Arabic's own line
    height (2.1 em, for its stacked marks), so Persian and Arabic rows were uneven and twice
    the English ones; an exact spacing of ARABIC_LINE_EM holds every script's letters.
    """
    return size * textmetrics.ARABIC_LINE_EM


def row_heights(
    spec: TableSpec,
    widths: tuple[float, ...],
    size: float,
    family: str,
    inset_y: float = CELL_INSET_Y,
) -> tuple[float, ...]:
    """Height (points) of the header row and of every body row at `size`."""
    header = max(
        _cell_height(col.header, w, size, family, True, inset_y)
        for col, w in zip(spec.columns, widths, strict=True)
    )
    body = [
        max(
            _cell_height(cell.text, w, size, family, False, inset_y)
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
    deficit, room = math.fsum(short), math.fsum(spare)
    if deficit == 0 or room < deficit:
        return widths
    return tuple(
        width + gain - extra * deficit / room
        for width, gain, extra in zip(widths, short, spare, strict=True)
    )


def _fit_words(
    spec: TableSpec, width_pt: float, family: str
) -> tuple[float, tuple[float, ...], tuple[bool, ...]]:
    """The largest size (down to MIN_FONT_PT) at which every word fits its column; the widths;
    the columns loosened to get there.

    A word still too wide at the smallest size widens its column with room from roomier ones;
    if there is not room enough, the columns whose words do not fit are loosened first.
    """
    widths = column_widths(spec, width_pt)
    floor = MIN_FONT_PT
    start = max(spec.font_size, floor)
    words = _widest_words(spec, family)
    no_loose = (False,) * len(spec.columns)
    word_cap = min(
        (width - 2 * CELL_INSET_X) / word if word > 0 else start
        for width, word in zip(widths, words, strict=True)
    )
    if word_cap >= start:
        return start, widths, no_loose
    size = max(floor, math.floor(word_cap * 2) / 2)  # sizes go in half points
    needs = tuple(word * size + 2 * CELL_INSET_X for word in words)
    if math.fsum(needs) > width_pt:
        loose = tuple(need > width for need, width in zip(needs, widths, strict=True))
        words = _widest_words(loosened(spec, loose), family)
        needs = tuple(word * size + 2 * CELL_INSET_X for word in words)
        return size, _room_for_words(widths, needs), loose
    return size, _room_for_words(widths, needs), no_loose


def fit_table(spec: TableSpec, width_pt: float, height_pt: float, family: str) -> TableFit:
    """The largest size from spec.font_size down to MIN_FONT_PT at which the table fits.

    No cell may break a word: the size also shrinks until every word fits its column, and if a
    word is still too wide at the smallest size, its column takes width from roomier ones, and
    figures in columns still too narrow may break between number and unit (`TableFit.loose`).
    """
    floor = MIN_FONT_PT
    size, widths, loose = _fit_words(spec, width_pt, family)
    measured = loosened(spec, loose)
    while True:
        heights = row_heights(measured, widths, size, family)
        if math.fsum(heights) <= height_pt or size - 0.5 < floor:
            break
        size -= 0.5
    if math.fsum(heights) > height_pt:
        heights = row_heights(measured, widths, size, family, TIGHT_INSET_Y)
        return TableFit(size, widths, heights, loose, TIGHT_INSET_Y)
    return TableFit(size=size, widths=widths, heights=heights, loose=loose)


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
    size, widths, loose = _fit_words(spec, width_pt, family)
    measured = loosened(spec, loose)
    size = _fewest_pages_size(measured, widths, size, height_pt, family)
    spec = replace(spec, font_size=size)
    heights = row_heights(loosened(spec, loose), widths, size, family)
    sizes = _page_sizes(heights, height_pt, len(spec.rows))
    starts = [sum(sizes[:i]) for i in range(len(sizes))]
    return [
        spec.rows_between(start, start + count) for start, count in zip(starts, sizes, strict=True)
    ]
