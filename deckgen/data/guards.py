"""Workbook size guards: a sheet's used range is checked before the reader allocates for it.

The `.xlsx` reader (calamine) allocates one slot per cell of a sheet's used range: a single value
at `XFD1048576` asks for 17 billion slots and aborts the process. So before a sheet is read, its
used range is taken from the sheet's XML inside the zip, without loading the sheet: the
`<dimension ref>` Excel writes, checked against the cells really there for sheets small enough to
scan (and for any sheet whose declared range is itself absurd). A range whose cell count is
absurd for the sheet's size is refused with one sentence naming the sheet and the far cell.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from deckgen.errors import InputError

MIN_CELLS = 4_000_000  # a range this large is always read (about 250 MB in the reader)
CELLS_PER_BYTE = 0.5  # beyond it, a range may hold this many cells per byte of sheet XML
# Sheets with less XML than this are scanned for their real cells (about 30 ms per MB); a
# larger one is trusted to declare its range, as every spreadsheet program writes it.
SCAN_BYTES = 2 << 20
_HEAD_BYTES = 64 << 10  # where <dimension> sits (it precedes the cells)
_CHUNK = 4 << 20
_OVERLAP = 256  # longer than any cell tag's start, so no cell is split unseen between chunks
_FAR_COLUMN = 26 * 27  # ZZ: columns beyond it are rarely data

_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\s([^>]*?)/?>")
_RELATIONSHIP_TAG = re.compile(rb"<(?:\w+:)?Relationship\s([^>]*?)/?>")
_ATTRIBUTE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s[^>]*?\bref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"'
)
# A cell with content: <c r="B7" ...><v>, <is> or <f> (not a styled blank: <c r="B7" s="1"/>).
_CELL = re.compile(
    rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})(\d{1,7})"[^>]*?(?<!/)>\s*<(?:\w+:)?(?:v|is|f)\b'
)
# Any `r="B7"` at all: every cell with content has one, so the rectangle of these holds theirs;
# a search for it alone is three times faster (30 -> 11 ms on the sample's sheets), so a sheet is
# scanned for the cells with content only when that rectangle is absurd.
_ANY_REF = re.compile(rb'r="([A-Z]{1,3})(\d{1,7})"')


@dataclass(frozen=True)
class SheetPart:
    """One worksheet of an `.xlsx` package."""

    name: str
    part: str | None  # its XML inside the zip; None when the relationships do not say
    hidden: bool  # hidden or very hidden in Excel
    chart: bool = False  # a chart sheet: a chart, no cells


@dataclass(frozen=True)
class CellRange:
    """A rectangle of cells, 1-based and inclusive, and the cell that fixes its far corner."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int
    far_cell: str  # e.g. "XFD1048576"

    @property
    def cells(self) -> int:
        """Cells in the rectangle."""
        return (self.last_row - self.first_row + 1) * (self.last_col - self.first_col + 1)

    @property
    def ref(self) -> str:
        """The rectangle as Excel writes it, e.g. A1:E300."""
        return f"{column_letters(self.first_col)}{self.first_row}:{column_letters(self.last_col)}{self.last_row}"


def column_letters(number: int) -> str:
    """The letters of 1-based column `number` (1 is A, 27 is AA)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: bytes) -> int:
    """The 1-based number of column `letters` (b"A" is 1, b"AA" 27)."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def workbook_parts(path: Path) -> dict[str, SheetPart] | None:
    """Each sheet of an `.xlsx`/`.xlsm` package by name; None when it is not a readable zip
    (the reader then says what is wrong with it)."""
    try:
        with zipfile.ZipFile(path) as package:
            workbook = _read_small(package, "xl/workbook.xml")
            rels = _read_small(package, "xl/_rels/workbook.xml.rels")
    except (zipfile.BadZipFile, OSError, KeyError, EOFError):
        return None
    targets, charts = {}, set()
    for tag in _RELATIONSHIP_TAG.finditer(rels):
        attributes = _attributes(tag.group(1))
        if "Id" in attributes and "Target" in attributes:
            target = attributes["Target"]
            part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            targets[attributes["Id"]] = posixpath.normpath(part)
            if attributes.get("Type", "").endswith("/chartsheet"):
                charts.add(attributes["Id"])
    parts = {}
    for tag in _SHEET_TAG.finditer(workbook):
        attributes = _attributes(tag.group(1))
        if "name" not in attributes:
            continue
        rid = next((v for k, v in attributes.items() if k.endswith(":id")), "")
        hidden = attributes.get("state", "visible") != "visible"
        parts[attributes["name"]] = SheetPart(
            attributes["name"], targets.get(rid), hidden, chart=rid in charts
        )
    return parts


def _read_small(package: zipfile.ZipFile, name: str, limit: int = 16 << 20) -> bytes:
    """A small part of the package (at most `limit` bytes are read)."""
    with package.open(name) as handle:
        return handle.read(limit)


def _attributes(text: bytes) -> dict[str, str]:
    return {
        key.decode("utf-8", "replace"): html.unescape(value.decode("utf-8", "replace"))
        for key, value in _ATTRIBUTE.findall(text)
    }


def check_sheet_size(
    path: Path, sheet: SheetPart, also: Callable[[bytes], None] | None = None
) -> bool:
    """InputError when `sheet`'s used range is absurd for its size; else True when its XML was
    read whole, each chunk read handed to `also` as well (one read for two checks)."""
    if sheet.part is None:
        return False
    whole = False
    try:
        with zipfile.ZipFile(path) as package:
            size = package.getinfo(sheet.part).file_size
            with package.open(sheet.part) as handle:
                declared = _declared_range(handle.read(_HEAD_BYTES))
            used = declared
            if size <= SCAN_BYTES or declared is None or _absurd(declared, size):
                with package.open(sheet.part) as handle:
                    used = _used_range(handle, _ANY_REF, also)  # holds the range of the cells
                whole = True
                if used is not None and _absurd(used, size):
                    with package.open(sheet.part) as handle:
                        used = _used_range(handle, _CELL)
    except (zipfile.BadZipFile, OSError, KeyError, EOFError):
        return False  # the reader reports an unreadable package
    if used is not None and _absurd(used, size):
        raise InputError(
            f"sheet '{sheet.name}' has a value in cell {used.far_cell}, far beyond the rest of "
            f"its data: its used range {used.ref} spans {used.cells:,} cells, too many for a "
            f"sheet of {_size(size)} of cell data; delete that cell (or everything "
            "beyond the data) in Excel and save the workbook again"
        )
    return whole


def _size(size: int) -> str:
    return f"{size / 1e6:,.1f} MB" if size >= 100_000 else f"{size / 1e3:,.1f} KB"


def _absurd(used: CellRange, size: int) -> bool:
    return used.cells > max(MIN_CELLS, CELLS_PER_BYTE * size)


def _declared_range(head: bytes) -> CellRange | None:
    match = _DIMENSION.search(head)
    if match is None:
        return None
    first_col, first_row = column_number(match.group(1)), int(match.group(2))
    last_col = column_number(match.group(3)) if match.group(3) else first_col
    last_row = int(match.group(4)) if match.group(4) else first_row
    far = f"{column_letters(last_col)}{last_row}"
    return CellRange(first_row, first_col, last_row, last_col, far)


def _used_range(
    handle: zipfile.ZipExtFile, cell: re.Pattern[bytes], also: Callable[[bytes], None] | None = None
) -> CellRange | None:
    """The rectangle of the cells `cell` finds (column letters, row number), scanning the sheet
    XML once (each chunk read handed to `also` too)."""
    low_row = low_col = 1 << 40
    high_row = high_col = 0
    row_cell = col_cell = ""
    carry = b""
    while chunk := handle.read(_CHUNK):
        if also is not None:
            also(chunk)
        text = carry + chunk
        carry = text[-_OVERLAP:]  # a tag cut at the end is found whole in the next round
        found = cell.findall(text)
        if not found:
            continue
        rows = np.array([cell[1] for cell in found], dtype="S7").astype(np.int64)
        cols = _column_numbers(np.array([cell[0] for cell in found], dtype="S3"))
        low_row, low_col = min(low_row, int(rows.min())), min(low_col, int(cols.min()))
        if rows.max() > high_row:
            high_row, row_cell = int(rows.max()), _ref(found[int(rows.argmax())])
        if cols.max() > high_col:
            high_col, col_cell = int(cols.max()), _ref(found[int(cols.argmax())])
    if not high_row:
        return None
    # Name the cell that makes the range absurd: the far column's when it is far, else the row's.
    far_cell = col_cell if high_col > _FAR_COLUMN else row_cell
    return CellRange(low_row, low_col, high_row, high_col, far_cell)


def _column_numbers(letters: np.ndarray) -> np.ndarray:
    """1-based column numbers of an array of column letters (b"A", b"XFD"; NUL-padded)."""
    codes = letters.view(np.uint8).reshape(-1, 3).astype(np.int64)
    numbers = np.zeros(len(letters), dtype=np.int64)
    for position in range(3):
        present = codes[:, position] > 0
        numbers = np.where(present, numbers * 26 + codes[:, position] - 64, numbers)
    return numbers


def _ref(cell: tuple[bytes, bytes]) -> str:
    return (cell[0] + cell[1]).decode()
