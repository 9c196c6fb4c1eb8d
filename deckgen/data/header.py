"""Finding a sheet's header row: the row that holds the expected column names, below any titles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from deckgen.config import SheetMapping
from deckgen.data.mapping import match_columns
from deckgen.data.schema import Sheet

SEARCH_ROWS = 30  # rows searched for the column names when row 1 does not hold them


@dataclass(frozen=True)
class HeaderGuess:
    """The row of a sheet that holds the most of the column names deckgen expects."""

    row: int  # spreadsheet row, 1-based
    found: tuple[str, ...]  # our columns whose (mapped) names are on that row
    missing: tuple[str, ...]  # our required columns whose names are not

    @property
    def complete(self) -> bool:
        """True when every required column's name is on the row."""
        return not self.missing


def row_match(
    cells: Sequence[object], sheet: Sheet, mapping: SheetMapping, row: int
) -> HeaderGuess:
    """How well the cells of spreadsheet row `row` serve as `sheet`'s column names."""
    names = [str(cell).strip() for cell in cells if cell is not None and str(cell).strip()]
    found = match_columns(names, sheet, mapping).source
    missing = tuple(c.name for c in sheet.columns if c.required and c.name not in found)
    return HeaderGuess(row, tuple(found), missing)


def find_header(
    rows: Sequence[Sequence[object]], sheet: Sheet, mapping: SheetMapping
) -> HeaderGuess | None:
    """The first of `rows` (spreadsheet rows 1, 2, ...) holding every required column name, else
    the one holding the most expected names (the earliest of equals); None when none holds any."""
    guesses = [row_match(cells, sheet, mapping, i) for i, cells in enumerate(rows, 1)]
    complete = [g for g in guesses if g.complete and g.found]
    if complete:
        return complete[0]
    best = max(guesses, key=lambda g: (-len(g.missing), len(g.found), -g.row), default=None)
    return best if best is not None and best.found else None
