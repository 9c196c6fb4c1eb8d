"""Client data read from a workbook, a folder of .csv or .parquet files (on this machine or by
URL) or a database, then validated.

Workbooks are read straight into Arrow by fastexcel (calamine's Rust core: no Python object per
cell), CSV files by pyarrow's reader with every cell as text, Parquet files by pyarrow; a URL's
files are fetched first (deckgen.data.remote), a database's queries and tables are read like
sheets (deckgen.data.sql). Each of our sheets becomes one frame in the client's own column names
plus two reserved columns that locate every row as the user sees it: `__sheet__`, the client's
sheet, file, query or table it came from, and `__row__`, its row number there (1-based, as the
spreadsheet shows it; for a database, the row's position in the result). Several client sheets
configured for one table are stacked into one frame.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import difflib
import io
import logging
import os
import re
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property, partial
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Protocol, TypeVar

import numpy as np
import pandas as pd

from deckgen.config import Settings, SheetMapping
from deckgen.data.mapping import check_mapping, find_name, locate_sheets, normalise_name
from deckgen.data.schema import SHEETS, SHEETS_BY_NAME, TEXT_KINDS, Column, Sheet
from deckgen.data.source import DatabaseSource, PathSource, SourceSpec, UrlSource, parse_location
from deckgen.errors import DeckgenError, InputError, Problem, ValidationError

if TYPE_CHECKING:
    import fastexcel
    import pyarrow as pa

    from deckgen.data.guards import SheetPart
    from deckgen.data.header import HeaderGuess
    from deckgen.data.sheet_marks import ErrorCell, Formula, Merge, SheetMarks
    from deckgen.data.tables import Tables

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
FOLDER_SUFFIXES = (".csv", ".parquet")
SHEET_COLUMN = "__sheet__"  # the client's sheet (or file stem) a row was read from
ROW_COLUMN = "__row__"  # the row's number in that sheet, as the spreadsheet shows it
RESERVED_COLUMNS = (SHEET_COLUMN, ROW_COLUMN)
# Excel stores a password-protected .xlsx as an OLE2 container holding this stream.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_SNIFFED_BYTES = 4096  # of a file that is not a readable workbook, to say what it is instead
_CSV_HEAD_BYTES = 256 << 10  # read to find the separator and the header row
_NUMBERED = re.compile(r"(.+)_\d+")  # how the readers name a repeat of a column name
_CSV_CELL_END = re.compile(rb"[,;\t\r\n]")  # what ends a CSV cell, in any separator we read
_UTF16_SAMPLE_BYTES = 4096  # read to tell UTF-16 without its byte-order mark
_CSV_BLOCK_BYTES = 16 << 20  # Arrow's 1 MB blocks make a column of hundreds of chunks
# fastexcel logs each mixed column it reads as text; validation reports the cells that matter.
logging.getLogger("fastexcel").setLevel(logging.ERROR)

OPEN_IN_EXCEL = "open_in_excel"  # errors.Problem.rule of the lock-file warning
HIDDEN_SHEET = "hidden_sheet"  # errors.Problem.rule of the hidden-sheet warning
NEVER_CALCULATED = "never_calculated"  # ... of the warning about formulas never calculated
REPEATED_SHEET = "repeated_sheet"  # ... of the warning about a sheet whose name another repeats
_T = TypeVar("_T")
# A workbook with this much sheet XML is read by READ_THREADS threads, the largest sheet first.
READ_THREADS = 2
_THREADED_BYTES = 16 << 20
_IDLE_CORES = 1.0  # ... on a machine with this many cores idle (by the load average)
_SERIAL = re.compile(r"value: (-?[0-9.]+(?:e[+-]?[0-9]+)?)")  # in a fastexcel CellError
_DATE_CELL_TEXT = r"^\+?\d{4,}-\d\d-\d\d \d\d:\d\d:\d\d$"  # a date cell in a text column
_MADE_UP = "__UNNAMED__"  # how fastexcel names a column whose header cell is blank
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # as Excel, Windows, old Macs end a CSV line


def repeat_of(name: str) -> str | None:
    """The column name that a reader's numbered `name` repeats (`amount` for `amount_1`)."""
    match = _NUMBERED.fullmatch(name)
    return None if match is None else match.group(1)


@dataclass(frozen=True)
class SheetRead:
    """How one of the client's sheets (or files) was read."""

    name: str  # the client's sheet name or file stem
    header_row: int  # spreadsheet row of the column names (1 = the first row)
    searched: bool = False  # found below title rows (header_row not configured)
    columns: tuple[str, ...] = ()  # its column names
    # When the header row lacks required column names: the row closest to holding them
    # (None when no row searched holds any).
    closest: HeaderGuess | None = None
    # Names the reader made for a column whose header cell repeats an earlier one's (`amount_5`).
    numbered: tuple[str, ...] = ()
    # In a workbook that asks to have its formulas calculated when opened (its writer did not):
    # (row, column name) of a formula cell below the header in a column read, if any.
    formula: tuple[int, str] | None = None


@dataclass(frozen=True)
class Source:
    """Raw client sheets as read, before validation."""

    label: str  # the path as given, for messages
    # Our sheet name -> its rows as read: the client's columns, plus __sheet__ and __row__.
    frames: dict[str, pd.DataFrame]
    names: dict[str, str]  # our sheet name -> the client's sheet(s) it came from, for messages
    available: tuple[str, ...]  # every sheet (or file stem) the source holds
    warnings: tuple[Problem, ...] = ()  # about the file itself (open in Excel, hidden sheets)
    reads: dict[str, tuple[SheetRead, ...]] = field(default_factory=dict)  # per our sheet
    unmatched: dict[str, tuple[str, ...]] = field(default_factory=dict)  # configured, not found
    # Other sheets the transforms read (lookups, queries), by the client's name; their rows,
    # like those of our sheets, carry __sheet__ and __row__.
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()  # found by the transforms (errors and warnings)
    notes: tuple[str, ...] = ()  # what the transforms did, one line each
    # Gives the SHA-256 of what was read, when the reader saw it whole (a URL's files, a
    # database's rows); called only when a checksum is wanted (see `digest`).
    checksum: Callable[[], str] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def digest(self) -> str | None:
        """SHA-256 of what was read (None when the reader did not see it whole), computed on
        first use: hashing a database's million orders takes seconds that a render does not need."""
        return None if self.checksum is None else self.checksum()


class _Book(Protocol):
    """A source read sheet by sheet: a workbook, a folder, a database."""

    available: tuple[str, ...]  # every sheet (file stem, query or table) it holds

    def hidden(self, name: str) -> bool: ...

    def read(
        self, name: str, sheet: Sheet | None, mapping: SheetMapping
    ) -> tuple[pa.Table, SheetRead]: ...


def located(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """`frame` with __sheet__ (`label`) and __row__ (row 0 is spreadsheet row 2, below the
    column names) unless it has them."""
    if ROW_COLUMN in frame.columns:
        return frame
    return frame.assign(
        **{
            SHEET_COLUMN: pd.Categorical.from_codes(np.zeros(len(frame), dtype=np.int8), [label]),
            ROW_COLUMN: np.arange(len(frame), dtype=np.int64) + 2,
        }
    )


def read_frames(source: Path, settings: Settings) -> dict[str, pd.DataFrame]:
    """The client's sheets as raw frames keyed by our sheet names; InputError if unreadable."""
    return read_source(source, settings).frames


def as_source(source: Path | str | SourceSpec) -> SourceSpec:
    """`source` as a description: a Path is a local path, a str a path or a URL."""
    if isinstance(source, PathSource | UrlSource | DatabaseSource):
        return source
    return PathSource(source) if isinstance(source, Path) else parse_location(source)


def read_source(source: Path | str | SourceSpec, settings: Settings) -> Source:
    """The client's sheets as raw frames, with where each came from; InputError if unreadable.
    The one way into a source, whatever it is: every command opens its data here."""
    spec = as_source(source)
    use_jemalloc()
    try:
        if isinstance(spec, DatabaseSource):
            from deckgen.data.sql import DatabaseBook

            with DatabaseBook(spec) as book:
                read = _read_sheets(book, spec.shown, settings)
                return replace(read, checksum=book.checksum())
        if isinstance(spec, UrlSource):
            return _read_url(spec, settings)
        return _read_path(spec.path, settings)
    except DeckgenError as exc:
        # Every message of a reader is built on the shown URL; a driver's may quote the rest.
        exc.args = (spec.mask(str(exc)), *exc.args[1:])
        raise


def use_jemalloc() -> None:
    """Arrow's memory from jemalloc where this build of pyarrow has it, unless the user chose
    with ARROW_DEFAULT_MEMORY_POOL: against the default mimalloc, the 1,000,000-order bench
    peaked 0.2 GB lower and validated in 0.7 times the CPU (bench/bench_scale.py, issue 16)."""
    import pyarrow as pa

    if "ARROW_DEFAULT_MEMORY_POOL" in os.environ:
        return
    with contextlib.suppress(NotImplementedError):  # a build without jemalloc (Windows)
        pa.set_memory_pool(pa.jemalloc_memory_pool())


def _read_path(path: Path, settings: Settings) -> Source:
    book = open_book(path)
    read = _read_sheets(book, str(path), settings)
    if isinstance(book, _Workbook):
        return replace(read, warnings=(*_open_in_excel(path), *read.warnings))
    return read


def read_folder_without(path: Path, settings: Settings, *left_out: str) -> Source:
    """The sheets of the local folder `path` but for the files `left_out` (read elsewhere),
    though listed among the sheets it holds."""
    use_jemalloc()
    names = {file.name: str(file) for file in path.iterdir() if file.is_file()}
    available = _Folder(str(path), names, Path).available
    for name in left_out:  # one removed meanwhile is said by the store reading it
        names.pop(name, None)
    read = _read_sheets(_Folder(str(path), names, Path), str(path), settings)
    return replace(read, available=available)


def with_rows(
    read: Source, settings: Settings, name: str, parts: list[tuple[str, pa.Table, np.ndarray]]
) -> Source:
    """`read` with our sheet `name` read as `parts`: for each of the client's files (by stem)
    some of its rows and the 0-based position of each in it, as read_source reads a sheet."""
    reads = [(t, SheetRead(stem, 1, columns=tuple(t.column_names))) for stem, t, _ in parts]
    sheet = SHEETS_BY_NAME[name]
    columns = reads[0][0].column_names
    frame = _stack(reads, category_columns(columns, sheet, settings.mapping(name)))
    frame[ROW_COLUMN] = np.concatenate([positions for *_, positions in parts]) + 2
    return replace(
        read,
        frames=read.frames | {name: frame},
        names=read.names | {name: " + ".join(stem for stem, *_ in parts)},
        reads=read.reads | {name: tuple(r for _, r in reads)},
        unmatched={k: v for k, v in read.unmatched.items() if k != name},  # found: the parts
    )


def open_book(source: Path) -> _Workbook | _Folder:
    """The workbook or folder of files at local path `source`, to read sheet by sheet;
    InputError if it cannot be read as client data."""
    path = Path(source)
    if not path.exists():
        raise InputError(f"{path} does not exist")
    if path.is_dir():
        return _Folder.local(path)
    if path.suffix.lower() in FOLDER_SUFFIXES:
        return _Folder(str(path), {path.name: str(path)}, Path)  # a folder of one sheet
    _check_workbook_suffix(path.suffix.lower(), str(path))
    return _Workbook(path)


def _read_url(spec: UrlSource, settings: Settings) -> Source:
    from deckgen.data.remote import Remote

    with Remote(spec.url, spec.shown) as remote:
        if remote.suffix in FOLDER_SUFFIXES:  # one file: a folder of one sheet
            name = PurePosixPath(remote.path).name
            book: _Book = _Folder(spec.shown, {name: remote.path}, remote.fetch)
        elif remote.suffix in WORKBOOK_SUFFIXES:
            book = _Workbook(remote.fetch(remote.path), spec.shown)
        else:
            book = _Folder(spec.shown.rstrip("/"), remote.listing(), remote.fetch)
        # Hashed while fetching: the checksum is ready, and the Remote is not kept.
        return replace(
            _read_sheets(book, spec.shown, settings), checksum=partial(str, remote.digest())
        )


def _check_workbook_suffix(suffix: str, shown: str) -> None:
    """Nothing for a workbook's suffix; InputError for anything else."""
    if suffix not in WORKBOOK_SUFFIXES:
        raise InputError(
            f"{shown} is not an .xlsx workbook, a .csv or .parquet file, or a folder of them"
        )


def load_tables(
    source: Path | str | SourceSpec,
    settings: Settings,
    strict: bool = False,
    today: date | None = None,
) -> Tables:
    """Validated tables from `source`; ValidationError on errors (and on warnings if `strict`)."""
    check_mapping(settings)  # before reading: a database or URL may take a while
    return tables_from_read(read_source(source, settings), settings, strict=strict, today=today)


def tables_from_read(
    read: Source, settings: Settings, *, strict: bool = False, today: date | None = None
) -> Tables:
    """Validated tables from what `read_source` read with `settings` (whose mapping was
    checked); ValidationError on errors (and on warnings if `strict`)."""
    from deckgen.data.transform import transform_source  # both build on the readers here
    from deckgen.data.validate import validate_read

    read = transform_source(read, settings)
    report = validate_read(read, settings, today=today)
    if report.errors:
        raise ValidationError(list(report.errors))
    if strict and report.warnings:
        raise ValidationError(list(report.warnings))
    assert report.tables is not None  # no errors means tables
    return report.tables


def _open_in_excel(path: Path) -> tuple[Problem, ...]:
    """A warning when Excel's lock file sits beside the workbook: edits may be unsaved."""
    lock = path.with_name(f"~${path.name}")
    if not lock.exists():
        return ()
    expected = "the workbook closed in Excel: it is open, so edits not yet saved are not read"
    return (Problem("(workbook)", None, None, lock.name, expected, "warning", OPEN_IN_EXCEL),)


# -- every sheet -------------------------------------------------------------------------


def _read_sheets(book: _Book, label: str, settings: Settings) -> Source:
    unmatched: dict[str, tuple[str, ...]] = {}
    plan: list[tuple[Sheet, SheetMapping, tuple[str, ...]]] = []  # our sheets, in schema order
    charts = book.charts if isinstance(book, _Workbook) else ()  # a pattern passes them over
    for sheet in SHEETS:
        mapping = settings.mapping(sheet.name)
        found, missing = locate_sheets(mapping.sources or (sheet.name,), book.available, charts)
        if mapping.sources and missing:
            unmatched[sheet.name] = missing
        if found:
            plan.append((sheet, mapping, tuple(found)))
    names = {sheet.name: " + ".join(found) for sheet, _, found in plan}
    others = _extra(settings, book.available, names)
    # Category columns stay dictionary-encoded (their few distinct values once, codes per row)
    # for validation to check each value once; transforms get plain text.
    encode = not any(mapping.transformed for mapping in settings.sheets.values())
    jobs = [
        partial(_read_sheet, book, sheet, mapping, found, encode) for sheet, mapping, found in plan
    ]
    jobs += [partial(_read_sheet, book, None, SheetMapping(), (name,), False) for name in others]
    groups = [found for *_, found in plan] + [(name,) for name in others]
    if isinstance(book, _Workbook):  # folders' readers use threads of their own, databases none
        sizes, threads = [sum(map(book.size, group)) for group in groups], book.threads
    else:
        sizes, threads = [0] * len(groups), 1
    done = in_threads(jobs, sizes, threads)
    ours, theirs = done[: len(plan)], done[len(plan) :]
    frames = {sheet.name: frame for (sheet, *_), (frame, _) in zip(plan, ours, strict=True)}
    reads = {sheet.name: read for (sheet, *_), (_, read) in zip(plan, ours, strict=True)}
    extra = {name: frame for name, (frame, _) in zip(others, theirs, strict=True)}
    warnings = [
        w
        for sheet, mapping, found in plan
        for name in found
        if name not in mapping.sources
        for w in _hidden(name, sheet, book) or _repeated(name, sheet, book)
    ]
    warnings += _never_calculated(reads)
    return Source(label, frames, names, book.available, tuple(warnings), reads, unmatched, extra)


def _never_calculated(reads: dict[str, tuple[SheetRead, ...]]) -> list[Problem]:
    """One warning when a column read holds formulas whose writer did not calculate them: the
    results it stored (xlsxwriter's 0, unless told another) are read, maybe wrong."""
    found = next(((r.name, r.formula) for rs in reads.values() for r in rs if r.formula), None)
    if found is None:
        return []
    name, (row, column) = found
    expected = (
        "formula results a spreadsheet calculated: this workbook asks to have its formulas "
        "calculated when it is opened, as programs that write formulas without calculating "
        "them (xlsxwriter, openpyxl) mark it, so the results read may be 0 or out of date; "
        "open it in Excel or LibreOffice Calc and save it, then run again"
    )
    return [Problem(name, row, column, None, expected, "warning", NEVER_CALCULATED)]


def _read_sheet(
    book: _Book, sheet: Sheet | None, mapping: SheetMapping, found: tuple[str, ...], encode: bool
) -> tuple[pd.DataFrame, tuple[SheetRead, ...]]:
    """The client's sheets `found` for our `sheet` (None: a sheet the transforms read) as one
    frame, and how each was read."""
    parts = [book.read(name, sheet, mapping) for name in found]
    parts = [(table, replace(read, columns=tuple(table.column_names))) for table, read in parts]
    categories = category_columns(parts[0][0].column_names, sheet, mapping) if encode else ()
    return _stack(parts, categories), tuple(read for _, read in parts)


def in_threads(jobs: list[Callable[[], _T]], sizes: list[int], threads: int) -> list[_T]:
    """Each job's result, in the order of `jobs`, run by `threads` threads (this one and
    `threads - 1` more), the largest first (one thread: in order, so that it stops at the
    first failing job without reading larger ones after it); this thread takes the largest
    before the others start. Whatever order they finish in, the error raised is the one the
    first failing job (in the order of `jobs`) raised, as when run one by one; jobs after a
    failed one are not started."""
    results: list[_T | None] = [None] * len(jobs)
    errors: dict[int, BaseException] = {}
    order = list(range(len(jobs)))
    if threads > 1:
        order.sort(key=lambda i: -sizes[i])  # ties keep their order
    pending = iter(order)
    lock, stop = threading.Lock(), threading.Event()

    def claim() -> int | None:
        """The next job to run: none left, or none worth running after a failed one."""
        with lock:
            for index in pending:
                if not any(failed < index for failed in errors):
                    return index
        return None

    def work(index: int | None) -> None:
        while index is not None and not stop.is_set():
            try:
                results[index] = jobs[index]()
            except BaseException as exc:  # raised below, by the calling thread, in job order
                with lock:
                    errors[index] = exc
                if not isinstance(exc, Exception):  # interrupted: no new job anywhere
                    stop.set()
            index = claim()

    first = claim()  # this thread's: the largest, for the reader this thread has open
    helpers = [
        threading.Thread(target=work, args=(claim(),), daemon=True)
        for _ in range(min(threads, len(jobs)) - 1)
    ]
    for helper in helpers:
        helper.start()
    try:
        work(first)
    finally:
        if sys.exc_info()[0] is not None:
            stop.set()
        for helper in helpers:
            helper.join()
    interrupt = next((e for e in errors.values() if not isinstance(e, Exception)), None)
    if interrupt is not None:
        raise interrupt
    if errors:
        raise errors[min(errors)]
    return results  # type: ignore[return-value]  # every job ran and returned


def _extra(settings: Settings, available: tuple[str, ...], names: dict[str, str]) -> list[str]:
    """The client's sheets that transforms read besides those read for our sheets."""
    if not any(m.lookup or m.query for m in settings.sheets.values()):
        return []
    from deckgen.data.transform import sheets_read_by_transforms

    found = (find_name(name, available) for name in sheets_read_by_transforms(settings))
    return list(dict.fromkeys(n for n in found if n is not None and n not in names.values()))


def _hidden(name: str, sheet: Sheet, book: _Book) -> tuple[Problem, ...]:
    """A warning when sheet `name`, read for `sheet`, is hidden and a visible sheet has a similar
    name (a hidden `orders` beside a visible `Orders `)."""
    if not book.hidden(name):
        return ()
    others = {normalise_name(o): o for o in book.available if o != name and not book.hidden(o)}
    close = difflib.get_close_matches(normalise_name(name), list(others), n=1, cutoff=0.8)
    if not close:
        return ()
    similar = others[close[0]]
    expected = (
        f"a visible sheet: this one is hidden in Excel, yet read for '{sheet.name}' rather than "
        f"the visible '{similar}'; if that is the one, name it in deckgen.toml as "
        f'[sheets.{sheet.name}] sheet = "{similar}"'
    )
    return (Problem(name, None, None, None, expected, "warning", HIDDEN_SHEET),)


def _repeated(name: str, sheet: Sheet, book: _Book) -> tuple[Problem, ...]:
    """A warning when sheet `name`, read for `sheet`, has its name repeated by another sheet or
    file in another case or spacing (`orders.csv` beside `Orders.csv`, as a case-sensitive file
    system or a bucket allows): the one read may be the older export."""
    others = [o for o in book.available if o != name and normalise_name(o) == normalise_name(name)]
    if not others:
        return ()
    also = ", ".join(f"'{o}'" for o in others)
    expected = (
        f"one sheet of this name, not also {also}: this one is "
        f"read for '{sheet.name}'; to read another, name it in deckgen.toml as "
        f'[sheets.{sheet.name}] sheet = "{others[0]}"'
    )
    return (Problem(name, None, None, None, expected, "warning", REPEATED_SHEET),)


def category_columns(
    columns: list[str], sheet: Sheet | None, mapping: SheetMapping
) -> tuple[str, ...]:
    """The client's names among `columns` of the category columns of our `sheet`."""
    if sheet is None:
        return ()
    from deckgen.data.mapping import match_columns

    source = match_columns(columns, sheet, mapping).source
    return tuple(theirs for ours, theirs in source.items() if sheet.column(ours).kind == "category")


def _stack(
    parts: list[tuple[pa.Table, SheetRead]], categories: tuple[str, ...] = ()
) -> pd.DataFrame:
    """The tables read for one of our sheets as one frame, with __sheet__ and __row__; the text
    columns named in `categories` dictionary-encoded, every other column plain."""
    import pyarrow as pa

    tables = [table for table, _ in parts]
    if len(tables) > 1:
        tables = aligned_tables(tables)
        combined = pa.concat_tables(tables, promote_options="default")
    else:
        combined = tables[0]
    combined = _encoded(combined, categories)
    frame = combined.to_pandas(types_mapper=pd.ArrowDtype)
    lengths = [len(table) for table in tables]
    reads = [read for _, read in parts]
    frame[SHEET_COLUMN] = pd.Categorical.from_codes(
        np.repeat(np.arange(len(reads)), lengths), categories=[r.name for r in reads]
    )
    frame[ROW_COLUMN] = np.concatenate(
        [
            np.arange(n, dtype=np.int64) + read.header_row + 1
            for n, read in zip(lengths, reads, strict=True)
        ]
    )
    return frame


def _encoded(table: pa.Table, categories: tuple[str, ...]) -> pa.Table:
    """`table` with its text columns named in `categories` dictionary-encoded and its other
    dictionary columns (as a reader may give them) decoded."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for index, spec in enumerate(table.schema):
        column = table.column(index)
        if pa.types.is_dictionary(spec.type):
            if spec.name not in categories:
                table = table.set_column(index, spec.name, column.cast(spec.type.value_type))
        elif spec.name in categories and (
            pa.types.is_string(spec.type) or pa.types.is_large_string(spec.type)
        ):
            table = table.set_column(index, spec.name, pc.dictionary_encode(column))
    return table


def aligned_tables(tables: list[pa.Table]) -> list[pa.Table]:
    """Tables of one kind with the first one's spelling of each column name (`Order Date` and
    `order date` are one column) and one type per column (text where the sheets disagree)."""
    import pyarrow as pa

    from deckgen.data.cells import as_text

    spelling: dict[str, str] = {}
    renamed = []
    for table in tables:
        names: list[str] = []
        for name in table.column_names:
            target = spelling.setdefault(normalise_name(name), name)
            names.append(target if target not in names else name)
        renamed.append(table.rename_columns(names))
    kinds: dict[str, set[pa.DataType]] = {}
    for table in renamed:
        for column in table.schema:
            if not pa.types.is_null(column.type):
                kinds.setdefault(column.name, set()).add(column.type)
    text = pa.large_string()
    for name, found in kinds.items():
        if len(found) < 2:
            continue
        numeric = all(pa.types.is_integer(k) or pa.types.is_floating(k) for k in found)
        for i, table in enumerate(renamed):
            if name in table.column_names:
                column = table[name]
                # One text type: as_text keeps a file's string or large_string as it was.
                value = column.cast(pa.float64()) if numeric else as_text(column).cast(text)
                renamed[i] = table.set_column(table.column_names.index(name), name, value)
    return renamed


# -- workbooks ---------------------------------------------------------------------------


class _Workbook:
    """An .xlsx, .xlsm, .xls or .ods workbook, read sheet by sheet with fastexcel."""

    def __init__(self, path: Path, shown: str | None = None) -> None:
        from deckgen.data.guards import workbook_parts
        from deckgen.data.sheet_marks import calculated_on_opening

        self.shown = str(path) if shown is None else shown  # the workbook as named, for messages
        if path.stat().st_size == 0:
            raise InputError(f"{self.shown} is empty (0 bytes)")
        self.path = path
        self._data: bytes | None = None  # the workbook as opened, for other threads' readers
        self._local = threading.local()  # each thread's own reader (see `reader`)
        self._local.reader = self._open()
        with contextlib.ExitStack() as opened:
            # The file this reader opened, to read again though saved again meanwhile (below).
            handle = _opened(path, opened)
            self.available = tuple(_clean(name, strip=False) for name in self.reader.sheet_names)
            self._names = dict(zip(self.available, self.reader.sheet_names, strict=True))
            suffix = path.suffix.lower()
            self.parts = workbook_parts(path) if suffix in (".xlsx", ".xlsm") else None
            # Its formulas never calculated: where they are in the columns read is looked for.
            self.uncalculated = self.parts is not None and calculated_on_opening(path)
            self._sizes = _part_sizes(path, self.parts)
            self.threads = _threads_for(self._sizes.values())
            if self.threads > 1 and handle is not None:
                # A second reader reads these bytes, not the path: Excel saving the workbook
                # while it is read puts a new file there, and one read would mix two saves.
                self._data = handle.read()
        self._visible: dict[str, bool] = {}
        # (sheet, header row) -> column name -> its letter index: keyed by the header row too,
        # for two threads may read one sheet for two of our sheets, each with its header row.
        self._indices: dict[tuple[str, int], dict[str, int]] = {}
        # sheet -> its marks, when the reader failed on an error cell and the sheet was read
        # whole to find it: a large sheet's marks are then known, not guessed from its start.
        self._scanned: dict[str, SheetMarks] = {}

    @property
    def reader(self) -> fastexcel.ExcelReader:
        """This thread's reader of the workbook: fastexcel's reader reads one sheet at a time."""
        reader = getattr(self._local, "reader", None)
        if reader is None:
            reader = self._local.reader = self._open()
        return reader

    def _open(self) -> fastexcel.ExcelReader:
        import fastexcel

        try:
            return fastexcel.read_excel(self.path if self._data is None else self._data)
        except BaseException as exc:
            if not _reader_failed(exc, (fastexcel.FastExcelError, OSError)):
                raise
            raise InputError(_unreadable_workbook(self.path, self.shown, exc)) from None

    def size(self, name: str) -> int:
        """Bytes of sheet `name`'s XML (0 when not known: not an .xlsx)."""
        return self._sizes.get(self._names[name], 0)

    @cached_property
    def charts(self) -> frozenset[str]:
        """The chart sheets among the `available` (a chart on a tab of its own, no cells)."""
        return frozenset(a for a in self.available if (p := self._part(a)) and p.chart)

    def hidden(self, name: str) -> bool:
        """True if sheet `name` is hidden in the workbook."""
        if self.parts is not None and self._names[name] in self.parts:
            return self.parts[self._names[name]].hidden
        return not self._visible.get(name, True)

    def read(
        self, name: str, sheet: Sheet | None, mapping: SheetMapping
    ) -> tuple[pa.Table, SheetRead]:
        """Sheet `name` as an Arrow table of its rows below the header row (found if need be;
        row 1 for a sheet that is not one of ours, `sheet` None)."""
        from deckgen.data.header import SEARCH_ROWS, find_header, row_match
        from deckgen.data.mapping import match_columns
        from deckgen.data.sheet_marks import MarkScanner, sheet_marks

        self._check_cells(name, sheet)
        scanner = MarkScanner(self.uncalculated)
        whole = self._check_size(name, scanner.feed)
        header = mapping.header_row or 1
        table = self._load(name, header)
        read = SheetRead(name, header)
        if (
            sheet is not None
            and mapping.header_row is None
            and not row_match(table.column_names, sheet, mapping, 1).complete
        ):
            guess = find_header(self._rows(name, SEARCH_ROWS), sheet, mapping)
            if guess is None or not guess.complete:
                read = SheetRead(name, 1, closest=guess)
            else:
                table = self._load(name, guess.row)
                read = SheetRead(name, guess.row, searched=True)
        # Once the header row is settled: the names of the columns read are those below it.
        read = replace(read, numbered=self._numbered(name, read.header_row, table.column_names))
        ours: dict[str, Column] | None = None  # the client's column -> which of ours it is
        missing: tuple[str, ...] = ()  # our required columns not found
        used: tuple[str, ...] = ()  # the client's other columns its transforms name
        if sheet is not None:  # (the columns are not renamed below)
            source = match_columns(table.column_names, sheet, mapping).source
            ours = {theirs: sheet.column(column) for column, theirs in source.items()}
            missing = tuple(c.name for c in sheet.columns if c.required and c.name not in source)
            if texts := "\n".join(mapping.expressions).casefold():
                used = tuple(t for t in table.column_names if t not in ours and _named(t, texts))
        if whole:
            marks = scanner.result()
        else:
            marks = self._scanned.get(name) or self._late_marks(name, table, ours)
        if marks.unplaced and (part := self._part(name)) is not None:
            # A cell written without where it is: read again, counting rows and cells.
            marks = sheet_marks(self.path, part, True, self.uncalculated, placing=True)
        table = self._marked(name, read.header_row, table, ours, marks, missing, used)
        if marks.formulas:
            columns = None if ours is None else {*ours, *used}
            read = replace(read, formula=self._formula(name, read.header_row, columns, marks))
        if ours is None:  # not one of our sheets
            return table, read
        if mapping.decimal == ",":
            table = self._numbers_as_written(name, read.header_row, table, ours)
        return self._dates_as_written(name, read.header_row, table, ours), read

    def _late_marks(self, name: str, table: pa.Table, ours: dict[str, Column] | None) -> SheetMarks:
        """The marks of sheet `name`, too large to be read whole for its size: read on when its
        start holds a formula or an error cell, or a required column of `ours` in `table` has
        a blank cell (no good export does), which may be merged, a formula or an error."""
        from deckgen.data.sheet_marks import SheetMarks, sheet_marks

        if (part := self._part(name)) is None:
            return SheetMarks()
        blank = any(c.required and table[t].null_count for t, c in (ours or {}).items())
        return sheet_marks(self.path, part, whole=blank, formulas=self.uncalculated)

    def _formula(
        self, name: str, header: int, columns: set[str] | None, marks: SheetMarks
    ) -> tuple[int, str] | None:
        """(row, column name) of a formula cell below row `header` of sheet `name` in one of
        the `columns` read (None: in any column), by `marks`; None when there is none."""
        at = self._indices[name, header]
        names = {i: column for column, i in at.items() if columns is None or column in columns}
        cells = [
            (first if first > header else last, names[column])
            for first, last, column in marks.formulas
            if last > header and column in names
        ]
        return min(cells, default=None)

    def _numbered(self, name: str, header: int, names: list[str]) -> tuple[str, ...]:
        """The column `names` read below row `header` of sheet `name` that the reader numbered
        (`amount_1`) because their header cell repeats an earlier one's."""
        maybe = [n for n in names if repeat_of(n) in names]
        if not maybe:  # the header row is read again only when a name may be a repeat
            return ()
        options = {"skip_rows": 0, "n_rows": header, "header_row": None, "dtypes": "string"}
        batch, columns = self._columns_read(name, options)
        cells = {
            index: batch.column(i)[header - 1].as_py() for i, (_, index, _) in enumerate(columns)
        }
        at = self._indices[name, header]
        return tuple(n for n in maybe if _clean(cells.get(at[n]) or "") != n)

    def head(self, name: str, rows: int) -> list[tuple[str | None, ...]]:
        """The first `rows` rows of sheet `name`, every cell as the text it shows (None: blank;
        a chart sheet has none)."""
        if (part := self._part(name)) is not None and part.chart:
            return []
        self._check_size(name)
        return self._rows(name, rows)

    def _rows(self, name: str, rows: int) -> list[tuple[str | None, ...]]:
        """`head` of a sheet already checked (`read` checks it once, not again for its head)."""
        table = self._load(name, None, rows)
        return list(zip(*(column.to_pylist() for column in table.columns), strict=True))

    def _part(self, name: str) -> SheetPart | None:
        """Sheet `name` in the .xlsx package (None: not an .xlsx, or not listed)."""
        return None if self.parts is None else self.parts.get(self._names[name])

    def _check_size(self, name: str, also: Callable[[bytes], None] | None = None) -> bool:
        """InputError when sheet `name` declares a used range far beyond its data (guards.py);
        else True when its XML was read whole, each chunk handed to `also` too."""
        from deckgen.data.guards import check_sheet_size

        part = self._part(name)
        return part is not None and check_sheet_size(self.path, part, also)

    def _check_cells(self, name: str, sheet: Sheet | None) -> None:
        """InputError when sheet `name`, read for our `sheet` (None: for a transform), is a
        chart sheet: a chart, without cells to read."""
        if (part := self._part(name)) is None or not part.chart:
            return
        ours = sheet.name if sheet is not None else name
        data = [a for a in self.available if a not in self.charts]
        raise InputError(
            f"{self.shown}: sheet '{name}' is a chart sheet (a chart, no cells); expected the "
            f"sheet that holds the rows of '{ours}': name it in deckgen.toml as "
            f'[sheets.{ours}] sheet = "..." (the workbook\'s other sheets: '
            f"{', '.join(repr(a) for a in data) or 'none'})"
        )

    def _marked(
        self,
        name: str,
        header: int,
        table: pa.Table,
        ours: dict[str, Column] | None,
        marks: SheetMarks,
        missing: tuple[str, ...] = (),
        used: tuple[str, ...] = (),
    ) -> pa.Table:
        """`table` with each merged range of one of our text, id, category, date or yes/no
        columns read as its first cell's value on each of its rows, as the sheet shows it;
        InputError for a formula cell without its result or an error cell in a column read, an
        error cell where the name of a column belongs when our required columns `missing` are
        not found, or a merged range that cannot be read as rows (sheet_marks.py; `ours`: the
        client's columns of ours, by name, None for a sheet the transforms read; `used`: the
        client's other columns the transforms of ours read, checked as any column)."""
        # The client's column -> its kind, for our columns.
        kinds = {theirs: column.kind for theirs, column in (ours or {}).items()}
        if not marks.uncached and not marks.merges and not marks.errors:
            return table
        at = self._indices[name, header]
        kept = {at[column]: column for column in table.column_names if column in at}
        checked = (
            (kinds | dict.fromkeys(used, ""))
            if ours is not None
            else dict.fromkeys(table.column_names, "")
        )
        self._check_formulas(name, header, marks.uncached, kept, checked)
        self._check_errors(name, header, marks.errors, kept, checked)
        if missing:
            self._check_header_errors(name, header, marks.errors, kept, missing)
        self._check_header_merges(name, header, marks.merges, kept, kinds)
        return self._merges_filled(name, header, table, marks.merges, kept, kinds)

    def _check_formulas(
        self,
        name: str,
        header: int,
        uncached: tuple[Formula, ...],
        kept: dict[int, str],
        checked: Mapping[str, str],
    ) -> None:
        """InputError naming the first of the `uncached` formula cells below row `header` in
        the `checked` columns (the table's columns by index: `kept`)."""
        found = [
            f for f in uncached if f.row > header and f.column in kept and kept[f.column] in checked
        ]
        if not found:
            return
        first = min(found, key=lambda f: (f.row, f.column))
        formula = f"the formula ={first.text}" if first.text else "a shared formula"
        more = f" (and {len(found) - 1:,} more such cells)" if len(found) > 1 else ""
        raise InputError(
            f"{self.shown}: sheet '{name}', row {first.row}, column '{kept[first.column]}' "
            f"(cell {first.cell}): got {formula} without its result{more}; expected a value: "
            "the workbook was written by a program that does not calculate formulas, and "
            "never saved by a spreadsheet; open it in Excel or LibreOffice Calc and save it, "
            "which stores each formula's result, then run again"
        )

    def _check_errors(
        self,
        name: str,
        header: int,
        errors: tuple[ErrorCell, ...],
        kept: dict[int, str],
        checked: Mapping[str, str],
    ) -> None:
        """InputError naming the first of the `errors` cells below row `header` in the `checked`
        columns (by kind; the table's columns by index: `kept`): the reader reads them as
        blank, so an amount of #DIV/0! would be lost, or said to be missing."""
        found = [e for e in errors if e.row > header and kept.get(e.column) in checked]
        if not found:
            return
        first = min(found, key=lambda e: (e.row, e.column))
        column = kept[first.column]
        more = f" (and {len(found) - 1:,} more such cells)" if len(found) > 1 else ""
        raise InputError(
            f"{self.shown}: sheet '{name}', row {first.row}, column '{column}' (cell "
            f"{first.cell}): got the error {_error_shown(first)}{more}; expected "
            f"{_EXPECTED.get(checked[column], 'a value')}: {_error_fix(first)}"
        )

    def _check_header_errors(
        self,
        name: str,
        header: int,
        errors: tuple[ErrorCell, ...],
        kept: dict[int, str],
        missing: tuple[str, ...],
    ) -> None:
        """InputError naming the first of the `errors` cells on the header row (row `header`)
        over a column with data (the table's, by index: `kept`), when our required columns
        `missing` are not found: that column may be one of them."""
        from deckgen.data.guards import column_letters

        found = [e for e in errors if e.row == header and e.column in kept]
        if not found:
            return
        first = min(found, key=lambda e: e.column)
        names = ", ".join(f"'{m}'" for m in missing)
        raise InputError(
            f"{self.shown}: sheet '{name}', row {header}, column "
            f"{column_letters(first.column + 1)} (cell {first.cell}): got the error "
            f"{_error_shown(first)} where the column's name belongs, and the sheet lacks "
            f"{names}; expected a column name: write the column's name there in Excel or "
            "LibreOffice Calc, save the workbook and run again"
        )

    def _check_header_merges(
        self,
        name: str,
        header: int,
        merges: tuple[Merge, ...],
        kept: dict[int, str],
        kinds: dict[str, str],
    ) -> None:
        """InputError for a merge of the header row (row `header` of sheet `name`; the table's
        columns by index: `kept`) that leaves a column with data unnamed, or that joins one of
        our columns' (`kinds`) name with the cells below it."""
        from deckgen.data.guards import column_letters

        for merge in sorted(merges, key=lambda m: (m.first_row, m.first_column)):
            if merge.last_row < header or merge.first_row > header:
                continue  # a title above the column names, or cells below them
            columns = range(merge.first_column, merge.last_column + 1)
            first = kept.get(merge.first_column)
            first = first if first in kinds else None  # the merge's value's column, if ours
            where = f"{self.shown}: sheet '{name}'"
            # Made-up names only: a program may keep a covered cell's own name. Which column
            # holds ours is unclear only when the name is ours (or, for a transform, any).
            unnamed = [c for c in columns[1:] if kept.get(c) == _unnamed(c)]
            if unnamed and (first is not None or not kinds):
                letter = column_letters(unnamed[0] + 1)
                raise InputError(
                    f"{where}, row {header}, column {letter}: cells {merge.ref} are merged, so "
                    f"column {letter} has no name of its own though it holds data; expected "
                    f"one column name per column: unmerge the cells and name column {letter}"
                )
            covered = [kept[c] for c in columns[1:] if c in kept and kept[c] in kinds]
            if merge.last_row > header and (first or covered):
                raise InputError(
                    f"{where}, rows {merge.first_row} to {merge.last_row}, column "
                    f"'{first or covered[0]}': cells {merge.ref} are merged, joining the "
                    f"column's name with the cells below it; expected values below the column "
                    f"names: unmerge the cells"
                )

    def _merges_filled(
        self,
        name: str,
        header: int,
        table: pa.Table,
        merges: tuple[Merge, ...],
        kept: dict[int, str],
        kinds: dict[str, str],
    ) -> pa.Table:
        """`table` (the rows below row `header` of sheet `name`; its columns by index: `kept`)
        with each of the `merges` below the header row down one of our columns (`kinds`) filled
        with its first cell's value; InputError for one over our number column (each row's
        number, or their total?) or one across columns of ours."""
        import pyarrow.compute as pc

        from deckgen.data.guards import column_letters

        # column -> the row each of its rows takes its value from
        filled: dict[str, np.ndarray] = {}
        for merge in sorted(merges, key=lambda m: (m.first_row, m.first_column)):
            if merge.first_row <= header:
                continue  # a title, or of the header row (_check_header_merges)
            columns = range(merge.first_column, merge.last_column + 1)
            first = kept.get(merge.first_column)
            first = first if first in kinds else None  # the merge's value's column, if ours
            covered = [kept[c] for c in columns[1:] if c in kept and kept[c] in kinds]
            where = f"{self.shown}: sheet '{name}'"
            top = merge.first_row - header - 1  # the merge's first row in the table
            if covered:  # its value would stand for a column of ours it is not in
                value = table[first][top].as_py() if first and top < len(table) else None
                last = kept.get(merge.last_column, column_letters(merge.last_column + 1))
                start = kept.get(merge.first_column, column_letters(merge.first_column + 1))
                raise InputError(
                    f"{where}, row {merge.first_row}, columns '{start}' to '{last}' (cells "
                    f"{merge.ref}): got one merged cell ({value!r}) across columns; expected a "
                    "value in each column: unmerge the cells and write each column's value"
                )
            if first is None or top >= len(table):
                continue
            value = table[first][top].as_py()
            if kinds[first] in ("float", "int"):
                rows = merge.last_row - merge.first_row + 1
                raise InputError(
                    f"{where}, rows {merge.first_row} to {merge.last_row}, column '{first}' "
                    f"(cells {merge.ref}): got one merged cell ({value!r}) over {rows} rows; "
                    "expected a number on each row (a merged one may be each row's or their "
                    "total): unmerge the cells and write each row's number"
                )
            if first not in filled:  # not setdefault: a row index per merge would be made
                filled[first] = np.arange(len(table))
            source = filled[first]
            source[top + 1 : merge.last_row - header] = top
        for column, source in filled.items():
            index = table.column_names.index(column)
            table = table.set_column(index, column, pc.take(table[column], source))
        return table

    def _numbers_as_written(
        self, name: str, header: int, table: pa.Table, ours: dict[str, Column]
    ) -> pa.Table:
        """`table` with the number cells of its mixed number columns (of `ours`: the client's
        columns of ours) written with a decimal comma, as the user sees them: read as text,
        1.234 would become 1234 under decimal ","."""
        import pyarrow as pa
        import pyarrow.compute as pc

        mixed = [
            theirs
            for theirs, column in ours.items()
            if column.kind in ("float", "int") and pa.types.is_string(table[theirs].type)
        ]
        if not mixed:
            return table
        indices = [self._indices[name, header][column] for column in mixed]
        # A cell read as yes/no is filled only when it holds a number (or TRUE/FALSE), not text.
        is_number = self._typed(name, header, indices, "boolean")
        numbers = self._typed(name, header, indices, "float")
        for column, kind, value in zip(mixed, is_number.columns, numbers.columns, strict=True):
            written = _with_decimal_comma(value)
            cells = pc.if_else(pc.is_valid(kind), written, table[column])
            table = table.set_column(table.column_names.index(column), column, cells)
        return table

    def _dates_as_written(
        self, name: str, header: int, table: pa.Table, ours: dict[str, Column]
    ) -> pa.Table:
        """`table` with the date cells of its text and id columns (of `ours`: the client's
        columns of ours) as `YYYY-MM-DD[ HH:MM:SS]`
        (cells.as_text), also among text, where the reader writes `2025-12-09 00:00:00` and
        `+56658-02-19 00:00:00`; InputError for a date cell the reader dropped (beyond about
        year 262,000, serial 95,000,000, which no workbook shows). Only a column with date
        cells among text, or with empty cells among dates, is read again; one whose every date
        cell was dropped among text goes unnoticed."""
        import pyarrow as pa
        import pyarrow.compute as pc

        from deckgen.data.cells import as_text

        suspect: dict[str, pa.ChunkedArray | None] = {}  # column -> its date-like text cells
        for theirs, ours_column in ours.items():
            column = table[theirs]
            if ours_column.kind not in TEXT_KINDS:
                continue
            if pa.types.is_timestamp(column.type) and column.null_count:
                suspect[theirs] = None
            elif pa.types.is_string(column.type) and _long_enough(column):
                like = pc.fill_null(pc.match_substring_regex(column, _DATE_CELL_TEXT), False)
                if pc.any(like).as_py():
                    suspect[theirs] = like
        if not suspect:
            return table
        indices = [self._indices[name, header][column] for column in suspect]
        dates, errors = self._typed_with_errors(name, header, indices, "datetime")
        self._check_dates_read(name, header, list(suspect), indices, errors)
        for (column, like), read in zip(suspect.items(), dates.columns, strict=True):
            if like is None:
                continue
            # a number cell reads as a date too: only the cells written as dates are dates
            date_cell = pc.and_(like, pc.is_valid(read))
            cells = pc.if_else(date_cell, as_text(pa.chunked_array([read])), table[column])
            table = table.set_column(table.column_names.index(column), column, cells)
        return table

    def _check_dates_read(
        self,
        name: str,
        header: int,
        columns: list[str],
        indices: list[int],
        errors: fastexcel.CellErrors | None,
    ) -> None:
        """InputError naming the first date cell of `columns` the reader dropped, if any."""
        lost = [e for e in (errors.errors if errors else ()) if "DateTime(" in e.detail]
        if not lost:
            return
        first = min(lost, key=lambda e: e.offset_position)
        row, letter = first.offset_position  # the row below the header, the column's index
        column = columns[indices.index(letter)]
        serial = _SERIAL.search(first.detail)
        value = f" holds serial {float(serial.group(1)):,.0f}" if serial else ""
        more = f" (and {len(lost) - 1:,} more such cells)" if len(lost) > 1 else ""
        raise InputError(
            f"{self.shown}: sheet '{name}', row {header + 1 + row}, column '{column}': "
            f"a date cell that{value}, beyond the last date a workbook can show "
            f"(9999-12-31, serial 2,958,465){more}; expected text or a number: format the "
            "column as Text or General"
        )

    def _typed(self, name: str, header: int, indices: list[int], dtype: str) -> pa.RecordBatch:
        """Columns `indices` of sheet `name` read as `dtype`, cells of another type empty."""
        return self._typed_with_errors(name, header, indices, dtype)[0]

    def _typed_with_errors(
        self, name: str, header: int, indices: list[int], dtype: str
    ) -> tuple[pa.RecordBatch, fastexcel.CellErrors | None]:
        """`_typed`, with the reader's note of each cell it left empty."""
        sheet = self.reader.load_sheet(
            self._names[name],
            header_row=header - 1,
            skip_rows=0,
            use_columns=indices,
            dtypes=dict.fromkeys(indices, dtype),
        )
        return sheet.to_arrow_with_errors()

    def _load(self, name: str, header: int | None, rows: int | None = None) -> pa.Table:
        """Rows below spreadsheet row `header` (or from row 1 as text, without a header)."""
        import fastexcel
        import pyarrow as pa

        options: dict[str, object] = {"skip_rows": 0, "n_rows": rows}
        if header is None:
            options |= {"header_row": None, "dtypes": "string"}
        else:
            # Every row decides a column's type, so a late text cell is never lost.
            options |= {"header_row": header - 1, "schema_sample_rows": None}
        try:
            batch, columns = self._columns_read(name, options)
        except BaseException as exc:
            if not _reader_failed(exc, (fastexcel.FastExcelError, OSError, ValueError)):
                raise
            batch, columns = self._read_past_errors(name, header, options, exc)
        # A name of control characters alone is no name either.
        names = [
            (not made_up and _clean(text)) or _unnamed(index) for text, index, made_up in columns
        ]
        table = pa.Table.from_batches([batch]).rename_columns(names)
        if header is None:
            return table
        self._indices[name, header] = {
            n: index for n, (_, index, _) in zip(names, columns, strict=True)
        }
        # Without a name or a value, a column is the blank space spreadsheets leave.
        kept = [
            i
            for i, (_, _, made_up) in enumerate(columns)
            if not made_up or table.column(i).null_count < len(table)
        ]
        return table if len(kept) == len(columns) else table.select(kept)  # not drop_columns: O(n²)

    def _read_past_errors(
        self, name: str, header: int | None, options: dict[str, object], exc: BaseException
    ) -> tuple[pa.RecordBatch, list[tuple[str, int, bool]]]:
        """Sheet `name` read as `_columns_read` reads it, after the reader failed with `exc`:
        again, each column holding `#NAME?` below row `header` read as text, when that error
        (of those the reader knows, the one whose column it cannot give a type) failed it;
        else InputError naming an error cell the reader cannot read, or saying the sheet
        cannot be read."""
        import fastexcel

        from deckgen.data.guards import column_letters
        from deckgen.data.sheet_marks import sheet_marks

        part = self._part(name)
        errors: tuple[ErrorCell, ...] = ()
        if part is not None:
            self._scanned[name] = sheet_marks(self.path, part, True, self.uncalculated)
            errors = self._scanned[name].errors
        unknown = [e for e in errors if e.value not in _KNOWN_ERRORS]
        if unknown:
            first = min(unknown, key=lambda e: (e.row, e.column))
            more = f" (and {len(unknown) - 1:,} more such cells)" if len(unknown) > 1 else ""
            raise InputError(
                f"{self.shown}: sheet '{name}', row {first.row}, column "
                f"{column_letters(first.column + 1)} (cell {first.cell}): got the error "
                f"{_error_shown(first)}{more}, which cannot be read, in any column; expected a "
                f"value: {_error_fix(first)} (or, in a column deckgen does not read, replace "
                "the column with its values)"
            ) from None
        named = sorted({e.column for e in errors if e.value == "#NAME?" and e.row > (header or 0)})
        if header is not None and named:
            with contextlib.suppress(fastexcel.FastExcelError, ValueError):
                return self._columns_read(
                    name, options | {"dtypes": dict.fromkeys(named, "string")}
                )
        raise InputError(
            f"{self.shown}: sheet '{name}' cannot be read ({_first_line(exc)})"
        ) from None

    def _columns_read(
        self, name: str, options: dict[str, object]
    ) -> tuple[pa.RecordBatch, list[tuple[str, int, bool]]]:
        """Sheet `name` read with `options`, and each column's name, letter index (0 for A)
        and whether the reader made its name up (a blank cell in the header row)."""
        sheet_name = self._names[name]
        if options["header_row"] is not None and self.parts and sheet_name in self.parts:
            # Straight to Arrow, without fastexcel's grid of cells: a fifth less CPU on the
            # 300k-order sample (issue 16). Visibility comes from `parts`, the columns from
            # the reader's choosing; a made-up name (a blank header cell) is read again below.
            seen: dict[int, fastexcel.ColumnInfoNoDtype] = {}

            def every(info: fastexcel.ColumnInfoNoDtype) -> bool:
                seen.setdefault(info.index, info)
                return True

            batch = self.reader.load_sheet(sheet_name, eager=True, use_columns=every, **options)
            found = [seen[i] for i in sorted(seen)]
            if len(found) == batch.num_columns and not any(
                info.name.startswith(_MADE_UP) for info in found
            ):
                return batch, [(info.name, info.absolute_index, False) for info in found]
        sheet = self.reader.load_sheet(sheet_name, **options)
        batch = sheet.to_arrow()
        self._visible[name] = sheet.visible == "visible"
        columns = sheet.selected_columns  # a property that builds the list anew
        return batch, [
            (info.name, info.absolute_index, info.column_name_from == "generated")
            for info in columns
        ]


# What a column of a kind holds, for the message about an error cell in it.
_EXPECTED = {"float": "a number", "int": "a whole number", "date": "a date", "bool": "yes or no"}
# The errors the reader knows: another (#SPILL!, #CALC!) fails the whole sheet.
_KNOWN_ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!")


def _named(column: str, texts: str) -> bool:
    """True if `column` is named in the casefolded SQL `texts`, ignoring case, as a whole name
    (perhaps in a literal too: an error is then named where it would not have mattered)."""
    return re.search(rf"(?<!\w){re.escape(column.casefold())}(?!\w)", texts) is not None


def _error_shown(error: ErrorCell) -> str:
    """The error `error` holds, with the formula that gave it, as a message shows it."""
    value = error.value if error.value in _KNOWN_ERRORS else repr(error.value[:40])
    if error.formula:
        return f"{value} of the formula ={error.formula[:200]}"
    return value if error.formula is None else f"{value} of a shared formula"


def _error_fix(error: ErrorCell) -> str:
    """What to do about the error cell `error`."""
    if error.formula is None:
        return "replace the error with the cell's value in Excel or LibreOffice Calc, save the workbook and run again"
    return (
        "correct the formula (or the cells it reads) in Excel or LibreOffice Calc, save the "
        "workbook and run again"
    )


def _long_enough(column: pa.ChunkedArray) -> bool:
    """True if a cell of `column` is as long as a date cell's text: ids rarely are, and a
    length is read far faster than a pattern is matched."""
    import pyarrow.compute as pc

    longest = pc.max(pc.binary_length(column)).as_py()
    return longest is not None and longest >= len("2025-12-09 00:00:00")


def _opened(path: Path, stack: contextlib.ExitStack) -> io.BufferedReader | None:
    """The file at `path` opened for reading until `stack` closes (None: it cannot be)."""
    try:
        return stack.enter_context(path.open("rb"))
    except OSError:
        return None


def _part_sizes(path: Path, parts: dict[str, SheetPart] | None) -> dict[str, int]:
    """Bytes of each sheet's XML, by the workbook's sheet name (none when `parts` is None)."""
    import zipfile

    if not parts:
        return {}
    try:
        with zipfile.ZipFile(path) as package:
            sizes = {info.filename: info.file_size for info in package.infolist()}
    except (zipfile.BadZipFile, OSError):
        return {}
    return {name: sizes.get(part.part or "", 0) for name, part in parts.items()}


def reading_threads(path: Path) -> int:
    """The threads read_source reads the workbook at `path` with (1 for anything else)."""
    from deckgen.data.guards import workbook_parts

    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return 1
    return _threads_for(_part_sizes(path, workbook_parts(path)).values())


def _threads_for(sizes: Iterable[int]) -> int:
    """The threads to read sheets of `sizes` bytes of XML with. A second thread opens a reader
    of its own (the shared strings read again, the workbook's bytes kept for it: 0.5 s of CPU
    and 0.15 GB on the 300k-order sample), worth it for big sheets only, and only with a core
    idle for it: at a load average of 1 on 2 cores it read that sample in 4.1 s against 5.9,
    on a busy machine it took as long and more CPU (bench/bench_load.py)."""
    if sum(sizes) < _THREADED_BYTES:
        return 1
    cores = _cores()
    busy = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0  # the last minute's
    return min(READ_THREADS, cores) if cores - busy >= _IDLE_CORES else 1


def _cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _with_decimal_comma(numbers: pa.Array) -> pa.Array:
    """Numbers as text with a decimal comma (`1,234` for 1.234; whole ones without a mark)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from deckgen.data.cells import as_text

    text = as_text(pa.chunked_array([numbers.cast(pa.float64())]))
    return pc.replace_substring(text, ".", ",").combine_chunks()


def _unnamed(index: int) -> str:
    """The name of a column without a name in the header row: its letter."""
    from deckgen.data.guards import column_letters

    return f"(column {column_letters(index + 1)})"


def _clean(name: str, strip: bool = True) -> str:
    """A sheet name (`strip` false: as written) or a column name (trimmed) fit for a deck."""
    from deckgen.data.cells import clean_name

    cleaned = clean_name(str(name))
    return cleaned.strip() if strip else cleaned


def _reader_failed(exc: BaseException, expected: tuple[type[BaseException], ...]) -> bool:
    """True for an `expected` error of the reader, or a panic in fastexcel's Rust code, which
    a malformed file can cause (fastexcel issue #343): pyo3's PanicException derives from
    BaseException and cannot be imported, so it is known by its name."""
    return isinstance(exc, expected) or type(exc).__name__ == "PanicException"


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else type(exc).__name__
    return text.removeprefix("calamine error: ").rstrip(".")


def _unreadable_workbook(path: Path, shown: str, exc: BaseException) -> str:
    with path.open("rb") as handle:
        head = handle.read(_SNIFFED_BYTES)
    if head[:8] == _OLE2_MAGIC and path.suffix.lower() != ".xls":
        if _ENCRYPTED_STREAM in path.read_bytes():
            return f"{shown} is password-protected; save a copy without a password and use that"
        return f"{shown} is an old-style Office file, not an .xlsx workbook; save it as .xlsx"
    renamed = _renamed_as_workbook(path, head)
    if renamed is not None:
        return f"{shown} is {renamed}"
    return f"{shown} is not a readable {path.suffix} workbook ({_first_line(exc)})"


def _renamed_as_workbook(path: Path, head: bytes) -> str | None:
    """What a file named like a workbook is instead, and what to do, when it is a web page, CSV
    text or a zip archive of other files (exports named `.xlsx` often are); else None."""
    import zipfile

    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return None
        if any(name.startswith(("xl/", "content.xml")) for name in names):
            return None  # a damaged workbook, not another file
        return (
            "a zip archive of other files, not a workbook; unzip it and pass the workbook or "
            "the folder of .csv or .parquet files it holds"
        )
    encoding = _encoding_of(head[:_UTF16_SAMPLE_BYTES])
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head).lstrip()
    if re.match(r"(?i)<(!doctype html|html|table|\?xml[^>]*>\s*<html)", text):
        return (
            "a web page (HTML) named like a workbook, as some systems' Excel exports are; open "
            "it in Excel and save it as an .xlsx workbook"
        )
    first, newline, _ = text.partition("\n")
    if newline and "\ufffd" not in text and any(mark in first for mark in ",;\t"):
        return (
            "CSV text named like a workbook; name it .csv and pass the folder it is in (one "
            ".csv file per sheet), or open it in Excel and save it as an .xlsx workbook"
        )
    return None


# -- folders -----------------------------------------------------------------------------


class _Folder:
    """A folder of .csv or .parquet files, one per sheet (the file stem is its name)."""

    def __init__(self, where: str, names: Mapping[str, str], fetch: Callable[[str], Path]) -> None:
        """`names`: each file of the folder by its name -> how to fetch it (its local path
        or its remote path); `where`: the folder as named, for messages."""
        files: dict[str, dict[str, str]] = {suffix: {} for suffix in FOLDER_SUFFIXES}
        for name in sorted(names):
            suffix = Path(name).suffix.lower()
            if suffix in files:
                files[suffix][Path(name).stem] = name
        kinds = [suffix for suffix, found in files.items() if found]
        if not kinds:
            raise InputError(f"{where} holds no .csv or .parquet files (one per sheet)")
        if len(kinds) > 1:
            raise InputError(
                f"{where} holds both .csv and .parquet files; keep one kind per folder"
            )
        self.kind = kinds[0]
        self.files = files[self.kind]  # sheet name (file stem) -> file name
        self.available = tuple(self.files)
        self.where = where
        self._names = names
        self._fetch = fetch

    @classmethod
    def local(cls, path: Path) -> _Folder:
        """The folder at `path` on this machine."""
        names = {file.name: str(file) for file in path.iterdir() if file.is_file()}
        return cls(str(path), names, Path)

    def hidden(self, name: str) -> bool:
        """Files are never hidden."""
        return False

    def read(
        self, name: str, sheet: Sheet | None, mapping: SheetMapping
    ) -> tuple[pa.Table, SheetRead]:
        """File `name` as an Arrow table of its rows below the header row (row 1 for a file
        that is not one of our sheets, `sheet` None)."""
        shown = f"{self.where}/{self.files[name]}"
        if self.kind == ".parquet" and mapping.header_row is not None and sheet is not None:
            raise InputError(
                f"[sheets.{sheet.name}] header_row: {shown} is a Parquet file, whose "
                "column names are not in a row; remove header_row"
            )
        file = self._fetch(self._names[self.files[name]])
        if self.kind == ".parquet":
            return _read_parquet(file, shown, sheet, mapping), SheetRead(name, 1)
        return _read_csv(file, shown, name, sheet, mapping)

    def head(self, name: str, rows: int) -> list[tuple[str | None, ...]]:
        """The first `rows` rows of file `name` (a Parquet file's column names first), every
        cell as text (None: blank)."""
        from deckgen.data.cells import as_text, utf8_replaced

        shown = f"{self.where}/{self.files[name]}"
        file = self._fetch(self._names[self.files[name]])
        if self.kind == ".csv":
            records = _csv_head(file, rows, shown)[2] if file.stat().st_size else []
            return [tuple(cell.strip() or None for cell in record) for record in records]
        table = utf8_replaced(_read_parquet(file, shown).slice(0, max(rows - 1, 0)))
        cells = [as_text(column).to_pylist() for column in table.columns]
        return [tuple(table.column_names), *zip(*cells, strict=True)][:rows]


def _read_csv(
    file: Path, shown: str, name: str, sheet: Sheet | None, mapping: SheetMapping
) -> tuple[pa.Table, SheetRead]:
    """Every cell of a UTF-8 CSV file as text, below its header row (found if need be, for one
    of our sheets)."""
    import pyarrow as pa
    import pyarrow.csv as pv

    from deckgen.data.cells import MISSING_TEXTS
    from deckgen.data.header import SEARCH_ROWS, find_header, row_match

    if file.stat().st_size == 0:
        return pa.table({}), SheetRead(name, 1)
    head = _csv_head(file, max(SEARCH_ROWS, mapping.header_row or 0), shown)
    text, delimiter, records, encoding = head
    header, searched, closest = mapping.header_row or 1, False, None
    first = row_match(records[0], sheet, mapping, 1) if records and sheet is not None else None
    if mapping.header_row is None and first is not None and not first.complete:
        guess = find_header(records, sheet, mapping)
        if guess is not None and guess.complete:
            header, searched = guess.row, True
        else:
            closest = guess
    cells = records[header - 1] if header <= len(records) else []
    names = header_names(cells)
    if not names:
        if header > len(records):  # the records read stop before it: at the end, or ...
            _check_cell_limit(text, delimiter, shown)
        return pa.table({}), SheetRead(name, header, searched, closest)
    # Lines to skip up to the header (read above, so within csv's cell limit): a quoted cell
    # can hold line breaks.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for _ in zip(range(header), reader, strict=False):
        pass
    skipped = reader.line_num
    read = SheetRead(name, header, searched, closest, numbered=numbered(cells, names))
    with contextlib.suppress(csv.Error):  # a cell beyond csv's limit: Arrow reads it
        if next(reader, None) is None and file.stat().st_size <= _CSV_HEAD_BYTES:
            # Nothing below the header, which Arrow cannot skip when no line end follows it.
            return pa.table({n: pa.array([], pa.string()) for n in names}), read
    odd_rows: list[str] = []

    def odd(row: pv.InvalidRow) -> str:
        odd_rows.append(row.text or "")
        return "skip"

    try:
        table = pv.read_csv(
            file,
            read_options=pv.ReadOptions(
                skip_rows=skipped,
                column_names=names,
                encoding="utf8" if encoding == "utf-8-sig" else encoding,
                block_size=_CSV_BLOCK_BYTES,
            ),
            parse_options=pv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=True,  # Excel quotes line breaks inside cells
                ignore_empty_lines=False,  # a blank line is a row: numbers stay the user's
                invalid_row_handler=odd,
            ),
            convert_options=pv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=["", *MISSING_TEXTS],
                strings_can_be_null=True,
            ),
        )
    except UnicodeDecodeError:  # UTF-16 cut short at its end: Python's decoder, in Arrow
        raise InputError(_not_utf8_message(file, shown)) from None
    except (pa.ArrowInvalid, OSError) as exc:
        if "UTF8" in str(exc) or "UTF-8" in str(exc):
            raise InputError(_not_utf8_message(file, shown)) from None
        raise InputError(f"{shown} cannot be read as CSV: {_first_line(exc)}") from None
    if odd_rows:
        raise InputError(_odd_rows_message(file, shown, odd_rows, len(names), header))
    return table, read


def _odd_rows_message(
    file: Path, shown: str, odd_rows: list[str], columns: int, header: int
) -> str:
    """What is wrong with the rows of a CSV file that do not have `columns` cells, naming the
    line of the first (Arrow does not know it once cells may hold line breaks)."""
    first = odd_rows[0]
    line = _line_of(file, first)
    where = shown if line is None else f"{shown}, line {line:,}"
    if "\n" in first and first.count('"') % 2:  # the rest of the file became one quoted cell
        return (
            f'{where}: a quote (") opens a cell and is never closed, so the lines after it '
            f"read as one cell: {first[:80]!r}; close the quote or remove it"
        )
    return (
        f"{where}: {len(odd_rows):,} row(s) have a different number of cells than the "
        f"{columns} column names of row {header}, such as {first[:80]!r}; "
        "quote cells that hold the separator"
    )


def _line_of(file: Path, text: str) -> int | None:
    """The line of `file` where the raw CSV record `text` starts; None if it is not found."""
    import mmap

    record = text[:200].encode("utf-8")
    whole = len(text) <= 200  # else only its start is looked for
    with file.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        at = data.find(record)
        # The record is a line of its own: its text may also start or sit inside another.
        while at >= 0:
            end = at + len(record)
            if (at == 0 or data[at - 1] in b"\r\n") and (
                not whole or end == len(data) or data[end] in b"\r\n"
            ):
                return _line_breaks(data[:at]) + 1
            at = data.find(record, at + 1)
        return None


def _csv_head(
    file: Path, rows: int, shown: str | None = None
) -> tuple[str, str, list[list[str]], str]:
    """The decoded start of a UTF-8 (or UTF-16) CSV file, its separator, its first `rows`
    records and its encoding (_csv_encoding), from one read of the file's start."""
    from deckgen.data.header import SEARCH_ROWS

    with file.open("rb") as handle:
        head = handle.read(_CSV_HEAD_BYTES)
    encoding = _encoding_of(head[:_UTF16_SAMPLE_BYTES])
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError:
        raise InputError(_not_utf8_message(file, shown or str(file))) from None
    lines = _LINE_BREAK.split(text, maxsplit=SEARCH_ROWS)[:SEARCH_ROWS]
    # Excel writes ';' in many locales, and a tab for "Unicode text".
    delimiter = max((",", ";", "\t"), key=lambda d: sum(line.count(d) for line in lines))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    with contextlib.suppress(csv.Error):  # a cell beyond csv's limit: Arrow reads it, or names it
        for _, record in zip(range(rows), reader, strict=False):
            records.append(record)
    return text, delimiter, records, encoding


def _check_cell_limit(text: str, delimiter: str, shown: str) -> None:
    """InputError if a cell of the CSV `text` (a file's start) is beyond csv's limit: there the
    column names can be neither found nor read."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for _ in reader:
            pass
    except csv.Error:
        raise InputError(
            f"{shown}, line {reader.line_num:,}: a cell longer than {csv.field_size_limit():,} "
            "characters where the column names are looked for; expected column names above "
            "the data (shorten or remove that cell)"
        ) from None


def _not_utf8_message(file: Path, shown: str) -> str:
    """That the CSV `file` is not UTF-8 (or, behind UTF-16's marks, not UTF-16), naming the line
    and the cell of its first bad bytes."""
    encoding = _csv_encoding(file)
    if encoding != "utf-8-sig":
        return _not_utf16_message(file, shown, encoding)
    lines, tail, pending = 0, b"", b""  # line breaks so far, the line they end on, a part letter
    with file.open("rb") as handle:
        while True:
            block = handle.read(_CSV_HEAD_BYTES)
            data = pending + block
            try:
                data.decode("utf-8")
                pending = b""
            except UnicodeDecodeError as exc:
                if block and exc.end == len(data):  # a letter cut by the block's end
                    data, pending = data[: exc.start], data[exc.start :]
                else:
                    before, after = tail + data[: exc.start], data[exc.start :]
                    cell = _CSV_CELL_END.split(before)[-1] + _CSV_CELL_END.split(after)[0]
                    line = lines + _line_breaks(before) + 1
                    return (
                        f"{shown}, line {line:,}: {_bytes_shown(cell)} is not UTF-8 text; "
                        "save the file as 'CSV UTF-8'"
                    )
            if not block:
                return f"{shown} is not UTF-8 text; save it as 'CSV UTF-8'"
            end = max(data.rfind(b"\n"), data.rfind(b"\r"))
            if end < 0:
                tail += data
            else:  # a last \r is counted with what follows it: a \n after it is no line
                end += data[end : end + 1] == b"\n"
                lines += _line_breaks(tail + data[:end])
                tail = data[end:]


def _not_utf16_message(file: Path, shown: str, encoding: str) -> str:
    """That the CSV `file`, read as UTF-16, is not (a cut letter, a lone surrogate), naming the
    line of its first bad bytes and the start of their cell."""
    data = file.read_bytes()  # UTF-16 needs reading from its start to find its lines
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode(encoding)
        line, cell = _line_breaks(before) + 1, re.split("[,;\t\r\n]", before)[-1][-40:]
        bad = _bytes_shown(data[exc.start : exc.end])
        return (
            f"{shown}, line {line:,}: {bad} after {cell!r} is not UTF-16 text; save the file "
            "as 'CSV UTF-8'"
        )
    return f"{shown} is not UTF-16 text; save it as 'CSV UTF-8'"


def _line_breaks(text: str | bytes) -> int:
    """The line breaks in `text`: \r\n, \n, and \r alone as old Mac exports end lines."""
    if isinstance(text, str):
        return text.count("\n") + text.count("\r") - text.count("\r\n")
    return text.count(b"\n") + text.count(b"\r") - text.count(b"\r\n")


def _csv_encoding(file: Path) -> str:
    """`utf-16` for a file that starts with its byte-order mark (Excel's "Unicode Text"),
    `utf-16-le` or `utf-16-be` for one without it, else `utf-8-sig` (UTF-8, with or without
    one)."""
    with file.open("rb") as handle:
        return _encoding_of(handle.read(_UTF16_SAMPLE_BYTES))


def _encoding_of(start: bytes) -> str:
    """_csv_encoding of a file whose first _UTF16_SAMPLE_BYTES bytes are `start`."""
    if start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    # UTF-16 writes the separators and line breaks with a NUL byte, (nearly) all on one side of
    # each pair; UTF-8 text holds NUL bytes only by accident, and is no such text read as UTF-16.
    even, odd = start[0::2].count(0), start[1::2].count(0)
    if min(even, odd) * 20 < max(even, odd):
        encoding = "utf-16-le" if odd > even else "utf-16-be"
        text = start.decode(encoding, "replace")  # a broken letter is named when read
        # Read as UTF-16, UTF-8 keeps most of its separators and line breaks inside other
        # letters (a title cell with a NUL byte beside a comma: one comma read, the rest lost).
        marks = sum(text.count(mark) for mark in "\n,;\t")
        written = sum(start.count(mark) for mark in b"\n,;\t")
        if "\x00" not in text and marks and marks * 2 >= written:
            return encoding
    return "utf-8-sig"


def numbered(cells: list[str], names: list[str]) -> tuple[str, ...]:
    """The `names` (of header_names) numbered because their header cell repeats an earlier one's."""
    return tuple(n for c, n in zip(cells, names, strict=True) if _clean(c) and _clean(c) != n)


def header_names(cells: list[str]) -> list[str]:
    """Column names from a header row (a CSV file's, a query's): trimmed, unnamed ones by
    letter, repeats numbered."""
    names: list[str] = []
    for index, cell in enumerate(cells):
        name = _clean(cell) or _unnamed(index)
        names.append(name if name not in names else f"{name}_{index + 1}")
    return names


def _read_parquet(
    file: Path, shown: str, sheet: Sheet | None = None, mapping: SheetMapping | None = None
) -> pa.Table:
    """A Parquet file's table, the text columns of our `sheet`'s categories as dictionaries
    (as Parquet stores them: the text is not expanded cell by cell)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        dictionary: list[str] = []
        ours: set[str] = set()  # the columns deckgen reads: none of a file not one of our sheets
        schema = pq.read_schema(file)
        _check_unique_names(schema.names, shown)
        if sheet is not None and mapping is not None:
            from deckgen.data.mapping import match_columns

            text = {
                _clean(f.name): f.name
                for f in schema
                if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
            }
            names = [_clean(name) for name in schema.names]
            dictionary = [text[n] for n in category_columns(names, sheet, mapping) if n in text]
            ours = set(match_columns(names, sheet, mapping).source.values())
        table = pq.read_table(file, read_dictionary=dictionary or None)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"{shown} cannot be read as Parquet: {_first_line(exc)}") from None
    except UnicodeDecodeError as exc:  # Arrow decodes the column names as it opens the file
        raise InputError(
            f"{shown}, row 1: column name {_bytes_shown(exc.object)} is not UTF-8 text; "
            "expected text saved as UTF-8"
        ) from None
    table = _check_utf8(table, shown, ours)
    return table.rename_columns([_clean(name) for name in table.column_names])


def _check_unique_names(names: list[str], shown: str) -> None:
    """InputError if two columns of a Parquet file have one name: Arrow cannot read them."""
    seen: dict[str, int] = {}
    for position, name in enumerate(names, 1):
        if name in seen:
            raise InputError(
                f"{shown}, row 1: columns {seen[name]} and {position} are both named "
                f"'{_clean(name)}'; expected a name per column (rename one where the file is "
                "written)"
            )
        seen[name] = position


SHOWN_BYTES = 40  # of a cell that is not UTF-8, in its message (a cell may hold megabytes)


def _check_utf8(table: pa.Table, shown: str, ours: set[str]) -> pa.Table:
    """`table`, its bytes columns read as text (a writer that does not mark its text as UTF-8
    stores it so) and dictionary values no row uses dropped when they are not UTF-8 (every
    reader of the dictionary would refuse them); InputError naming the first cell of a text
    column that is not UTF-8: a writer that does not check its text can store such bytes.
    Only the columns named in `ours` (cleaned names): a client's other columns, a photo's
    bytes say, are none of deckgen's business."""
    import pyarrow as pa

    from deckgen.data.cells import is_utf8

    as_text = {
        pa.string(): pa.string(),
        pa.large_string(): pa.large_string(),
        pa.binary(): pa.string(),
        pa.large_binary(): pa.large_string(),
    }
    for index, (name, column) in enumerate(zip(table.column_names, table.columns, strict=True)):
        if _clean(name) not in ours:
            continue
        dictionary = pa.types.is_dictionary(column.type)
        kind = column.type.value_type if dictionary else column.type
        text = as_text.get(kind)
        if text is None or (
            kind == text and all(is_utf8(c.dictionary if dictionary else c) for c in column.chunks)
        ):
            continue
        if dictionary:  # by the first row of a value, not its place in the dictionary
            column = pa.chunked_array([c.dictionary_decode() for c in column.chunks], kind)
        column = pa.chunked_array([c.view(text) for c in column.chunks], text)
        start = 0
        for chunk in column.chunks:
            if not is_utf8(chunk):
                row, raw = _first_invalid_utf8(chunk)
                raise InputError(
                    f"{shown}, row {start + row + 2}, column '{_clean(name)}': "
                    f"{_bytes_shown(raw)} is not UTF-8 text; expected text saved as UTF-8"
                )
            start += len(chunk)
        table = table.set_column(index, name, column.dictionary_encode() if dictionary else column)
    return table


def _bytes_shown(raw: bytes) -> str:
    """`raw` as a message shows it: its first SHOWN_BYTES bytes and its size when longer."""
    return (
        repr(raw) if len(raw) <= SHOWN_BYTES else f"{raw[:SHOWN_BYTES]!r}... ({len(raw):,} bytes)"
    )


def _first_invalid_utf8(chunk: pa.Array) -> tuple[int, bytes]:
    """(position, bytes) of the first value of the text `chunk` that is not UTF-8, which it
    holds."""
    import pyarrow as pa

    from deckgen.data.cells import is_utf8

    low, high = 0, len(chunk)  # chunk[low:high] holds a value that is not UTF-8: halve it
    while high - low > 1:
        middle = (low + high) // 2
        if is_utf8(chunk.slice(low, middle - low)):
            low = middle
        else:
            high = middle
    binary = pa.large_binary() if pa.types.is_large_string(chunk.type) else pa.binary()
    return low, chunk.slice(low, 1).view(binary)[0].as_py()
