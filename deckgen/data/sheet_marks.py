"""What the cell reader does not tell about a worksheet of an `.xlsx` package: its formula cells
that hold no result, its cells that hold an error, and its merged cells.

The reader (calamine) gives a formula cell's stored result, and nothing when a program that does
not calculate (openpyxl, Apache POI) wrote the formula without one: the cell reads as empty.
A cell whose stored value is an error (`t="e"`: `#DIV/0!`, `#N/A`, a formula's failed result)
reads as empty as well, and one of the errors calamine does not know (`#SPILL!`, `#CALC!`) or
`#NAME?` in a column whose type is guessed fails the whole sheet. A merged range's value sits
in its first cell only; the others read as empty too. All are found in the sheet's XML inside
the zip. The XML is read in full when it is small (at most
guards.SCAN_BYTES, read whole for its size anyway) or when its start (HEAD_BYTES) holds a
formula; a larger sheet without a formula in its start is trusted, for reading all of it would
cost a quarter of the read (a fifth of a second per 100 MB of XML, on the 140,000-customer
sample), and its merged ranges, listed after its cells, go unseen; unless a required column
of ours read has a blank cell (no good export does), which may be a merged, formula or error
cell, or its start holds an error cell. A sheet whose writer left out the cells' places (`r`,
which the spec allows: the reader counts rows and cells) is read again counting them.
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from deckgen.data.guards import SheetPart, column_letters, column_number

# The sheet XML always read (some 2,500 rows; a sheet this small is read in full). A sheet of
# up to guards.SCAN_BYTES is read whole for its size anyway, and its marks gathered meanwhile.
HEAD_BYTES = 256 << 10
_CHUNK = 4 << 20
# A formula cell whose result is missing: its <f> (or <f .../>, a shared formula's) followed by
# an empty <v> or by the cell's end. A result of text (t="str") may be empty: left out below.
_UNCACHED = re.compile(
    rb'<(?:\w+:)?c\s([^>]*?\br="([A-Z]{1,3})(\d{1,7})"[^>]*)>\s*<(?:\w+:)?f\b[^>]*?'
    rb"(?:/>|>([^<]*)</(?:\w+:)?f>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>|</(?:\w+:)?c>)"
)
_TEXT_RESULT = re.compile(rb'\bt="(?:str|s|inlineStr)"')
# What an uncached formula cell holds, found fast before the pattern is matched (after "<f":
# most sheets hold no formula); {p} is the tags' namespace prefix, as <x:f> ("x:").
_UNCACHED_HINTS = (b"<{p}v></{p}v>", b"<{p}v/>", b"</{p}f></{p}c>", b"/></{p}c>")
# The root tag, in the sheet's first bytes: its prefix is every tag's (some .NET writers).
_ROOT = re.compile(rb"<(\w+:)?worksheet\b")
_MERGE = re.compile(
    rb'<(?:\w+:)?mergeCell\s[^>]*?\bref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"'
)
_OVERLAP = 256
_ERROR = b't="e"'  # the type of a cell holding an error, found fast before a cell is parsed
# An error cell from its start: its attributes, its formula element, the formula's text
# (None: a shared formula's later cell) and its value.
_ERROR_CELL = re.compile(
    rb"<(?:\w+:)?c\s([^>]*?)/?>\s*(<(?:\w+:)?f\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?f>)\s*)?"
    rb"(?:<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>)?"
)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
# A row's or a cell's start tag: the spec lets a writer leave out their `r` (the reader then
# counts rows and cells), and a sheet without them is read with them written in (`_placed`).
_ROW_OR_CELL = re.compile(rb"<((?:\w+:)?)(row|c)(?=[\s/>])([^>]*?)(/?)>")
_ROW_REF = re.compile(rb'\br="(\d{1,7})"')
# A formula cell and its stored result, if any (what the reader reads).
_FORMULA_CELL = re.compile(
    rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})(\d{1,7})"[^>]*>\s*<(?:\w+:)?f\b[^>]*?'
    rb"(?:/>|>[^<]*</(?:\w+:)?f>)\s*(?:<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>)?"
)
# The results a writer that does not calculate stores (xlsxwriter's 0, unless told the result;
# or none): a result it was told, or calculated itself, is not one.
_UNCALCULATED = (None, b"", b"0")
# The workbook's calculation settings asking a spreadsheet to calculate every formula when it
# opens the file: what xlsxwriter, openpyxl and other writers that do not calculate write
# (their stored results are 0 or none); Excel and LibreOffice clear it when they save (none of
# the 46 workbooks saved by either among calamine's test files has it).
_FULL_CALC_ON_LOAD = re.compile(rb'<(?:\w+:)?calcPr\b[^>]*?\bfullCalcOnLoad="(?:1|true)"')
# Longer than any cell holding a formula: Excel keeps a formula to 8,192 letters (a cell's text
# to 32,767), each at most 6 bytes of XML (&quot;).
_LONGEST_CELL = 1 << 20


@dataclass(frozen=True)
class Formula:
    """A formula cell without its result."""

    row: int  # 1-based sheet row
    column: int  # 0-based column index (0 for A)
    text: str  # the formula as written, without its '='

    @property
    def cell(self) -> str:
        """The cell as Excel names it, e.g. D2."""
        return f"{column_letters(self.column + 1)}{self.row}"


@dataclass(frozen=True)
class ErrorCell:
    """A cell whose stored value is an error, such as `#DIV/0!`."""

    row: int  # 1-based sheet row
    column: int  # 0-based column index (0 for A)
    value: str  # the error as stored, such as `#DIV/0!`
    formula: str | None  # the formula that gave it, without its '=' (None: not written out)

    @property
    def cell(self) -> str:
        """The cell as Excel names it, e.g. D2."""
        return f"{column_letters(self.column + 1)}{self.row}"


@dataclass(frozen=True)
class Merge:
    """A merged range: 1-based rows, 0-based column indices, inclusive."""

    first_row: int
    first_column: int
    last_row: int
    last_column: int

    @property
    def ref(self) -> str:
        """The range as Excel writes it, e.g. B2:B4."""
        first = f"{column_letters(self.first_column + 1)}{self.first_row}"
        return f"{first}:{column_letters(self.last_column + 1)}{self.last_row}"


@dataclass(frozen=True)
class SheetMarks:
    """A sheet's formula cells without results, its error cells and its merged ranges (as far
    as read)."""

    uncached: tuple[Formula, ...] = ()
    merges: tuple[Merge, ...] = ()
    errors: tuple[ErrorCell, ...] = ()
    # Where the formula cells whose stored result may never have been calculated (0 or none)
    # are, when looked for: (first row, last row, column) of each column holding one (1-based
    # rows, 0-based column index).
    formulas: tuple[tuple[int, int, int], ...] = ()
    # A cell without its `r` (where it is) was seen: the marks above may miss it; read the
    # sheet again with `placing`.
    unplaced: bool = False


class MarkScanner:
    """Gathers a sheet's marks from its XML fed chunk by chunk, in order (a tag may be cut
    between two chunks)."""

    def __init__(self, formulas: bool = False, placing: bool = False) -> None:
        """`formulas`: find where the formula cells stored 0 are, too (SheetMarks.formulas); `placing`:
        count the rows and cells to place those written without their `r` (slower)."""
        self._placing = placing
        self._unplaced = False
        self._row = 0  # with `placing`: the row read last (1-based) and its last cell's column
        self._column = 0
        self._uncached: list[Formula] = []
        self._merges: list[Merge] = []
        self._errors: list[ErrorCell] = []
        self._formulas: dict[int, tuple[int, int]] | None = {} if formulas else None
        self._carry = b""
        self._tags: _Tags | None = None  # known from the first chunk

    def feed(self, chunk: bytes) -> None:
        """Read the next `chunk` of the sheet's XML."""
        text = self._carry + chunk
        tags = self._tags or _Tags.of(text)
        if self._tags is None:  # a writer leaves out every `r` or none: its first cell tells
            first = text.find(tags.cell)
            attributes = text[first : text.find(b">", first)] if first >= 0 else b""
            self._unplaced = tags.bare in text or (first >= 0 and not _CELL_REF.search(attributes))
        # The last cell's start is near the end; a merge's only once the cells are done.
        cut = (
            max(text.rfind(tags.cell), text.rfind(tags.bare))
            if self._placing
            else text.rfind(tags.cell)
        )
        if cut < 0 or tags.merge in text[cut:]:
            cut = max(cut, text.rfind(tags.merge))
        if cut < 0 or len(text) - cut > _LONGEST_CELL:
            # No tag starts here, or a cell too long to be a formula's (a zip bomb's: carried
            # whole, it was copied and searched again with each chunk): only its start is kept.
            cut = max(len(text) - _OVERLAP, 0)
        self._tags = tags
        self._carry = text[cut:]
        self._marks(text[:cut], tags)

    def result(self) -> SheetMarks:
        """The marks of the XML fed, which ends here."""
        self._marks(self._carry, self._tags or _Tags.of(b""))
        self._carry = b""
        formulas = tuple((f, la, c) for c, (f, la) in (self._formulas or {}).items())
        return SheetMarks(
            tuple(self._uncached),
            tuple(self._merges),
            tuple(self._errors),
            tuple(sorted(formulas)),
            self._unplaced and not self._placing,
        )

    def _marks(self, text: bytes, tags: _Tags) -> None:
        """Add the marks of the XML `text`, which holds whole cells."""
        if self._placing:
            text = _ROW_OR_CELL.sub(self._placed, text)
        _marks(text, tags, self._uncached, self._merges)
        if _ERROR in text:
            errors, unplaced = _error_cells(text)
            self._errors += errors
            self._unplaced = self._unplaced or unplaced
        if self._formulas is not None and tags.formula in text:
            for match in _FORMULA_CELL.finditer(text):
                if match.group(3) not in _UNCALCULATED:
                    continue
                column, row = _index(match.group(1)), int(match.group(2))
                first, _ = self._formulas.get(column, (row, row))
                self._formulas[column] = (first, row)

    def _placed(self, tag: re.Match[bytes]) -> bytes:
        """A row's or a cell's start `tag` with its `r`, counted from the last one's if left
        out, as the reader counts them."""
        prefix, kind, attributes, end = tag.groups()
        if kind == b"row":
            ref = _ROW_REF.search(attributes)
            self._row, self._column = (int(ref.group(1)) if ref else self._row + 1), 0
            if ref:
                return tag.group(0)
            return b'<%srow r="%d"%s%s>' % (prefix, self._row, attributes, end)
        ref = _CELL_REF.search(attributes)
        if ref:
            self._row, self._column = int(ref.group(2)), column_number(ref.group(1))
            return tag.group(0)
        self._column += 1
        cell = column_letters(self._column).encode() + str(self._row).encode()
        return b'<%sc r="%s"%s%s>' % (prefix, cell, attributes, end)


def sheet_marks(
    path: Path,
    sheet: SheetPart,
    whole: bool = False,
    formulas: bool = False,
    placing: bool = False,
) -> SheetMarks:
    """The formula cells without results, the error cells and the merged ranges of `sheet` of
    the package at `path` (none found in a large sheet whose start holds no formula or error
    cell, unless `whole`; see the module), and with `formulas`, where its formula cells are;
    read again counting rows and cells (`placing`) when one was written without its `r`."""
    if sheet.part is None:
        return SheetMarks()
    scanner = MarkScanner(formulas, placing)
    try:
        with zipfile.ZipFile(path) as package, package.open(sheet.part) as handle:
            chunk = handle.read(HEAD_BYTES)
            whole = (
                whole
                or len(chunk) < HEAD_BYTES
                or _Tags.of(chunk).formula in chunk
                or _ERROR in chunk
            )
            if not whole:  # nothing to find in its start, and the rest is trusted
                return SheetMarks()
            while chunk:
                scanner.feed(chunk)
                chunk = handle.read(_CHUNK)
    except (zipfile.BadZipFile, OSError, KeyError, EOFError):
        return SheetMarks()  # the reader reports an unreadable package
    marks = scanner.result()
    return sheet_marks(path, sheet, True, formulas, placing=True) if marks.unplaced else marks


@dataclass(frozen=True)
class _Tags:
    """The starts of the tags looked for, with the sheet's namespace prefix."""

    cell: bytes  # b"<c "
    bare: bytes  # b"<c>": a cell without attributes (nor its `r`)
    formula: bytes  # b"<f"
    merge: bytes  # b"<mergeCell" (or <mergeCells: a search for a space is slow in XML)
    uncached: tuple[bytes, ...]  # _UNCACHED_HINTS

    @classmethod
    def of(cls, head: bytes) -> _Tags:
        """The tags of the sheet whose XML starts with `head`."""
        root = _ROOT.search(head)
        p = (root.group(1) if root else None) or b""
        hints = tuple(hint.replace(b"{p}", p) for hint in _UNCACHED_HINTS)
        return cls(
            b"<" + p + b"c ", b"<" + p + b"c>", b"<" + p + b"f", b"<" + p + b"mergeCell", hints
        )


def _marks(text: bytes, tags: _Tags, uncached: list[Formula], merges: list[Merge]) -> None:
    """Add the uncached formula cells and the merged ranges of the XML `text`."""
    if tags.formula in text and any(hint in text for hint in tags.uncached):
        for match in _UNCACHED.finditer(text):
            if _TEXT_RESULT.search(match.group(1)) and not match.group(0).endswith(b"c>"):
                continue  # an empty text result, as Excel stores a formula giving ""
            formula = html.unescape((match.group(4) or b"").decode("utf-8", "replace"))
            uncached.append(Formula(int(match.group(3)), _index(match.group(2)), formula))
    if tags.merge in text:
        for match in _MERGE.finditer(text):
            merges.append(
                Merge(
                    int(match.group(2)),
                    _index(match.group(1)),
                    int(match.group(4)),
                    _index(match.group(3)),
                )
            )


def calculated_on_opening(path: Path) -> bool:
    """True if the workbook at `path` asks to have its formulas calculated when opened: its
    writer did not calculate them (False when it cannot be read: the reader says why)."""
    try:
        with zipfile.ZipFile(path) as package, package.open("xl/workbook.xml") as handle:
            return _FULL_CALC_ON_LOAD.search(handle.read(16 << 20)) is not None
    except (zipfile.BadZipFile, OSError, KeyError, EOFError):
        return False


def _error_cells(text: bytes) -> tuple[list[ErrorCell], bool]:
    """The error cells of the XML `text` (whole cells), found by their type: a pattern matched
    against every cell would take a tenth of a second per megabyte; and True if one was
    written without its `r` (left out)."""
    found: list[ErrorCell] = []
    unplaced = False
    at = text.find(_ERROR)
    while at >= 0:
        start = text.rfind(b"<", 0, at)  # the cell's tag: no attribute holds a '<'
        cell = _ERROR_CELL.match(text, start)
        # Without a value, the reader reads a blank (or a formula without its result, found so).
        if cell is not None and _ERROR in cell.group(1) and cell.group(4):
            ref = _CELL_REF.search(cell.group(1))
            unplaced = unplaced or ref is None
            # A shared formula's text is written in its first cell only.
            formula = None if cell.group(2) is None else _text(cell.group(3) or b"")
            if ref is not None:
                value = _text(cell.group(4))
                found.append(ErrorCell(int(ref.group(2)), _index(ref.group(1)), value, formula))
        at = text.find(_ERROR, at + len(_ERROR))
    return found, unplaced


def _text(xml: bytes) -> str:
    """The text of an element's content."""
    return html.unescape(xml.decode("utf-8", "replace"))


def _index(letters: bytes) -> int:
    """The 0-based index of column `letters` (b"A" is 0)."""
    return column_number(letters) - 1
