"""Client frames checked against deckgen.data.schema and converted into typed `Tables`.

Every rule is declared by the schema (kinds, required columns, allowed codes, bounds, keys,
references) and applied column by column on Arrow (deckgen.data.cells); every problem is
collected and located as the user sees it, through the reserved columns `__sheet__` and
`__row__` the reader adds (sheet, spreadsheet row, column, value). docs/data-format.md lists the
rules and which are errors and which are warnings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from deckgen.config import Settings, SheetMapping, Vocabulary
from deckgen.data import cells
from deckgen.data.header import SEARCH_ROWS
from deckgen.data.load import (
    RESERVED_COLUMNS,
    ROW_COLUMN,
    SHEET_COLUMN,
    SheetRead,
    Source,
    as_source,
    located,
    read_source,
    repeat_of,
)
from deckgen.data.mapping import (
    ColumnMatch,
    allowed_codes,
    canonical_code,
    check_mapping,
    match_columns,
    normalise_name,
)
from deckgen.data.schema import (
    OTHER,
    RETURNS,
    SHEETS,
    SHEETS_BY_NAME,
    TEXT_KINDS,
    Column,
    Sheet,
)
from deckgen.data.source import SourceSpec
from deckgen.data.tables import CODED_SHEETS, CustomerRows, Tables, arrow_data
from deckgen.errors import DeckgenError, Problem, problem_count, sample_lines

LISTED_PER_RULE = 50  # rows listed per rule and column; the rest are counted in one line
LOOKUP_ROWS = 1_000_000  # ids looked up at once by check_sheets (once checked) at least
FIRST_DATE = pd.Timestamp(cells.FIRST_DATE)
LAST_DATE = pd.Timestamp(cells.LAST_DATE)
STRAY_GAP = pd.Timedelta(days=92)  # dates this far beyond all the others ...
STRAY_SHARE = 0.01  # ... and at most this share of them (or just one) are stray, "future"
# Columns whose bounds come from the settings rather than the schema.
_SCALES = {
    ("surveys", "satisfaction"): "satisfaction_scale",
    ("surveys", "recommend"): "recommend_scale",
}
_NEGATIVE_WARNED = {("orders", "amount")}  # negative values allowed but worth a warning
_BY_NAME = {**SHEETS_BY_NAME, RETURNS.name: RETURNS}  # the sheets validated, returns included
_MAPPED_AS = {RETURNS.name: "orders"}  # returns are the orders' rows, in the orders' columns
# The rules (errors.Problem.rule) of the problems found here, for decks to word them.
DUPLICATE_KEY = "duplicate_id"
UNKNOWN_CODE = "unknown_code"
FORBIDDEN_CHARACTER = "control_character"
FUTURE_DATE = "future_date"
REPEATED_COLUMN = "repeated_column"
_HINT_SAMPLE = 1000  # distinct unreadable dates tried in the formats of a hint
# Distinct dates (datetime64[ns]) and how many rows have each, per column: rows validated elsewhere.
DateCounts = Sequence[tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class SheetSummary:
    """What validation found in one sheet."""

    sheet: str  # deckgen's sheet name
    source: str | None  # the client's sheet(s) or file(s) it was read from; None when not found
    required: bool
    rows: int  # rows of data (blank rows not counted)
    found: tuple[str, ...]  # our columns present under our own names
    renamed: tuple[tuple[str, str], ...]  # (ours, the client's) for columns under other names
    missing: tuple[str, ...]  # our columns not present
    ignored: tuple[str, ...]  # the client's columns deckgen does not use
    first_date: date | None = None  # range of the sheet's main date column
    last_date: date | None = None
    # (client sheet, spreadsheet row) of each column-name row found below title rows
    headers_found: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class ValidationReport:
    """Everything validation found: the tables (None when there are errors) and every problem."""

    source: str
    tables: Tables | None
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    sheets: tuple[SheetSummary, ...] = ()
    failure: str | None = None  # why the source could not be read at all (then no problems)
    notes: tuple[str, ...] = ()  # what the transforms of deckgen.toml did

    @property
    def ok(self) -> bool:
        """True when the source was read and has no errors (warnings allowed)."""
        return self.failure is None and not self.errors

    def format(self, limit: int = 20) -> str:
        """A readable report: per-sheet summary, then errors and warnings (at most `limit` each)."""
        if self.failure is not None:
            return f"error: {self.failure}"
        lines = [f"Checked {self.source}", ""]
        lines += _format_overview(self.sheets)
        if self.notes:
            lines += ["", "Transforms (deckgen.toml):", *(f"  {note}" for note in self.notes)]
        for summary in self.sheets:
            lines += _format_columns(summary)
        for title, problems in (("Errors", self.errors), ("Warnings", self.warnings)):
            if problems:
                lines += ["", f"{title} ({problem_count(problems):,}):"]
                lines += sample_lines(problems, limit)
        lines.append("")
        if self.errors:
            lines.append(
                f"Result: {problem_count(self.errors):,} error(s); fix them and run again."
            )
        else:
            noted = f" with {problem_count(self.warnings):,} warning(s)" if self.warnings else ""
            lines.append(f"Result: valid{noted}.")
        return "\n".join(lines)


def validate_source(
    source: Path | str | SourceSpec, settings: Settings, today: date | None = None
) -> ValidationReport:
    """Read and validate `source`; a source that cannot be read gives a report with `failure`."""
    from deckgen.data.transform import transform_source  # it builds on this module

    spec = as_source(source)
    try:
        check_mapping(settings)
        read = transform_source(read_source(spec, settings), settings)
    except DeckgenError as exc:
        return ValidationReport(spec.shown, None, (), (), failure=spec.mask(str(exc)))
    return validate_read(read, settings, today=today)


def validate_frames(
    frames: dict[str, pd.DataFrame],
    settings: Settings,
    source_label: str,
    today: date | None = None,
) -> ValidationReport:
    """Validate raw frames keyed by our sheet names (as `read_frames` returns them, or any frame
    whose row 0 is spreadsheet row 2), after the transforms of deckgen.toml."""
    from deckgen.data.transform import transform_source  # it builds on this module

    check_mapping(settings)
    names = {name: _configured(settings, name) for name in frames}
    read = Source(source_label, {k: located(f, names[k]) for k, f in frames.items()}, names, ())
    read = transform_source(read, settings)
    return _validate(read, settings, today or date.today(), known_sheets=False)


def validate_read(
    read: Source,
    settings: Settings,
    today: date | None = None,
    left_out: DateCounts = (),
    ahead: SheetsChecked | None = None,
) -> ValidationReport:
    """Validate what `read_source` read (and the transforms made of it), naming the client's
    own sheets in problems; `left_out`: the dates of rows vouched for elsewhere (issue 17);
    `ahead`: sheets of `read` already checked by check_sheets."""
    return _validate(read, settings, today or date.today(), True, left_out, ahead)


@dataclass(frozen=True)
class SheetsChecked:
    """Some sheets' own checks (check_sheets), with the problems each found in their order."""

    checked: dict[str, _Checked]
    errors: dict[str, tuple[Problem, ...]]
    warnings: dict[str, tuple[Problem, ...]]
    # Found among these sheets alone, for validate_read to reuse: the rows referred to by each
    # id column (reference_positions) and each date column's distinct dates (date_counts).
    references: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    dates: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


def check_sheets(read: Source, settings: Settings, names: Iterable[str]) -> SheetsChecked:
    """The per-sheet checks of the sheets `names` that `read` holds, and the references and
    dates among them, for validate_read to take as they are: run while another thread judges
    the sheets left in their files (issue 16)."""
    labels = _labels(read, settings)
    wanted = set(names)
    checked, errors, warnings = {}, {}, {}
    tables: dict[str, pd.DataFrame] = {}
    lookups: list[tuple[list[tuple[str, str]], Future[list[np.ndarray]]]] = []
    pending: list[tuple[str, str, Sheet]] = []  # checked id columns not looked up, by _referring
    sent: set[tuple[str, str]] = set()
    # The ids looked up (in Arrow, outside the interpreter's lock) while the next sheets are
    # checked, some LOOKUP_ROWS at a time (each lookup builds its set of keys): at 1,000,000
    # orders 0.25 s of this thread's 0.75 s.
    helper = ThreadPoolExecutor(1, thread_name_prefix="deckgen-references")

    def send(here: bool = False) -> None:
        for target in {t.name: t for *_, t in pending}.values():
            pairs = [(name, column) for name, column, t in pending if t is target]
            columns = [tables[name][column] for name, column in pairs]
            key = tables[target.name][target.key]
            if here:
                found: Future[list[np.ndarray]] = Future()
                try:
                    found.set_result(id_positions(columns, key))
                except Exception as error:  # raised in turn below, after the helper's
                    found.set_exception(error)
            else:
                found = helper.submit(id_positions, columns, key)
            lookups.append((pairs, found))
        pending.clear()

    try:
        for sheet in SHEETS:
            if sheet.name in wanted and sheet.name in read.frames:
                problems = _Problems()
                c = _check_sheet(sheet, read, labels[sheet.name], settings, problems)
                checked[sheet.name] = c
                errors[sheet.name] = tuple(problems.errors)
                warnings[sheet.name] = tuple(problems.warnings)
                if c.table is not None:
                    tables[sheet.name] = c.table
                new = [(n, col, t) for n, col, t in _referring(tables) if (n, col) not in sent]
                pending += new
                sent |= {(n, col) for n, col, _ in new}
                if sum(len(tables[name]) for name, *_ in pending) >= LOOKUP_ROWS:
                    send()
        if pending:
            # The last ids: looked up here, beside the helper's lookup still running, rather
            # than queued behind it while this thread waits (0.2 s at 1,000,000 orders); not
            # against more than LOOKUP_ROWS keys, whose two sets at once would raise the peak
            # (at 10,000,000 orders, 4.5 million customers).
            keys = max(len(tables[t.name]) for *_, t in pending)
            busy = not all(found.done() for _, found in lookups)
            send(here=busy and keys <= LOOKUP_ROWS)
        dates = date_counts(tables)
        references = {
            pair: positions
            for pairs, found in lookups
            for pair, positions in zip(pairs, found.result(), strict=True)
        }
    finally:  # failed or interrupted (Ctrl-C): the lookups not started are dropped
        helper.shutdown(wait=True, cancel_futures=True)
    return SheetsChecked(checked, errors, warnings, references, dates)


# -- problems ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Where:
    """Where each row of a sheet's data is, as the user sees it."""

    label: str  # the client's sheet(s), for problems with the whole sheet
    rows: np.ndarray  # spreadsheet row of each row
    codes: np.ndarray  # into `sheets`, per row
    sheets: tuple[str, ...]  # the client's sheets

    def sheet(self, position: int) -> str:
        """The client's sheet of row `position`."""
        return self.sheets[self.codes[position]]

    def take(self, keep: np.ndarray) -> _Where:
        """The rows where `keep` is true."""
        return _Where(self.label, self.rows[keep], self.codes[keep], self.sheets)


@dataclass
class _Problems:
    """Problems collected so far, in the order found."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def sort(self, order: dict[str, int]) -> None:
        """Order by sheet (schema order), whole-sheet problems first, then by row."""

        def key(p: Problem) -> tuple[int, int, int]:
            return (
                order.get(p.sheet, -1),
                int(p.column is not None),
                p.row if p.row is not None else 1 << 62,
            )

        self.errors.sort(key=key)
        self.warnings.sort(key=key)

    def add(self, problem: Problem) -> None:
        (self.errors if problem.severity == "error" else self.warnings).append(problem)

    def whole(
        self,
        severity: str,
        sheet: str,
        column: str | None,
        expected: str,
        rule: str = "",
        value: str | None = None,
        count: int = 1,
    ) -> None:
        """A problem with a whole sheet or column."""
        self.add(Problem(sheet, None, column, value, expected, severity, rule, count))

    def rows(
        self,
        severity: str,
        where: _Where,
        column: str,
        raw: pd.Series,
        mask: np.ndarray | pd.Series,
        expected: str | Callable[[int], str],
        show_value: bool = True,
        rule: str = "",
    ) -> None:
        """One problem per row of `raw` where `mask` is true (the first LISTED_PER_RULE);
        `expected` may depend on the row's position."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if positions.size == 0:
            return
        listed = positions[:LISTED_PER_RULE]
        values = _listed_values(raw, listed) if show_value else [None] * len(listed)
        for position, value in zip(listed.tolist(), values, strict=True):
            said = expected(position) if callable(expected) else expected
            shown = cells.shown(value) if show_value else None
            self.add(
                Problem(
                    where.sheet(position),
                    int(where.rows[position]),
                    column,
                    shown,
                    said,
                    severity,
                    rule,
                )
            )
        more = positions.size - LISTED_PER_RULE
        if more > 0:
            said = expected(int(positions[LISTED_PER_RULE])) if callable(expected) else expected
            self.whole(
                severity,
                where.label,
                column,
                f"{said} ({more:,} more rows like this)",  # see errors.Problem.expectation
                rule,
                count=more,
            )


def _listed_values(raw: pd.Series, listed: np.ndarray) -> list[object]:
    """The cells of `raw` at `listed`, as Python values; as text where Python cannot hold
    them (a timestamp of year 318857)."""
    try:
        return raw.iloc[listed].tolist()
    except (OverflowError, ValueError):
        column = cells.arrow_column(raw.iloc[listed])
        if not pa.types.is_timestamp(column.type):
            return pc.cast(column, pa.string()).to_pylist()
        unit = column.type.unit  # numpy's datetime64 in that unit holds it
        numbers = column.cast(pa.int64()).to_pylist()
        return [
            None if n is None else str(np.datetime64(n, unit)).replace("T", " ") for n in numbers
        ]


# -- conversion --------------------------------------------------------------------------


@dataclass(frozen=True)
class Converted:
    """A client column read as one of our columns."""

    values: pd.Series  # in the Tables dtype; missing where the cell is blank or unreadable
    blank: np.ndarray  # the cell is empty
    bad: np.ndarray  # the cell holds something that cannot be read as the column's kind
    currencies: tuple[str, ...] = ()  # of amounts, most used first (cells.Numbers.currencies)


def read_cells(
    raw: pd.Series, column: Column, mapping: SheetMapping, timezone: str | None
) -> Converted:
    """The client's cells `raw` read as our `column`, as validation reads them but without its
    warnings: through the value map, text trimmed (ids without a `.0`), other kinds typed."""
    source = cells.arrow_column(raw)
    if column.name in mapping.values:
        source = translated_values(source, mapping.values[column.name])
    if column.kind in TEXT_KINDS:
        text = cells.as_id(cells.as_text(source)) if column.kind == "id" else cells.as_text(source)
        blank = cells.null_mask(text)
        return Converted(cells.to_series(text, "string", raw.index), blank, np.zeros_like(blank))
    return _typed(source, column, mapping, timezone, raw)


def _typed(
    source: pa.ChunkedArray,
    column: Column,
    mapping: SheetMapping,
    timezone: str | None,
    raw: pd.Series,
) -> Converted:
    """`source` read as a date, number, whole number or yes/no `column` (`raw`: as read)."""
    index = raw.index
    blank = _blank(source)
    if column.kind == "date":
        dates = cells.read_dates(source, mapping.date_format.get(column.name), timezone)
        return Converted(pd.Series(dates, index=index), blank, np.isnat(dates) & ~blank)
    if column.kind == "bool":
        flags = cells.read_booleans(source)
        values = cells.to_series(flags, "boolean", index)
        return Converted(values, blank, values.isna().to_numpy() & ~blank)
    numbers = cells.read_numbers(source, mapping.decimal, cells.python_numbers(raw))
    values = pd.Series(numbers.values, index=index)
    bad = np.isnan(numbers.values) & ~blank
    if column.kind == "int":
        whole = (values % 1 == 0) & (values.abs() < 2**53)
        values = values.where(whole).astype("Int64")
        bad = values.isna().to_numpy() & ~blank
    return Converted(values, blank, bad, numbers.currencies)


def expected_text(column: Column, mapping: SheetMapping, vocabulary: Vocabulary) -> str:
    """What a cell of `column` should hold, in words, for problem messages."""
    if column.kind == "category" and column.allowed:
        allowed = allowed_codes(column, vocabulary) or ()
        return f"one of {', '.join(allowed)} (or map the value in deckgen.toml)"
    if column.kind == "date":
        fmt = mapping.date_format.get(column.name)
        return f"a date like {column.example}" + (f" or written as {fmt}" if fmt else "")
    example = column.example.replace(".", ",") if mapping.decimal == "," else column.example
    return {
        "float": f"a number like {example}",
        "int": f"a whole number like {example}",
        "bool": "true/false, yes/no, y/n or 1/0",
    }.get(column.kind, "a value")


def _blank(column: pa.ChunkedArray) -> np.ndarray:
    """Empty cells: null, only spaces, or written as missing (NA, #N/A, ...)."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return cells.null_mask(cells.as_text(column))
    return cells.null_mask(column)


def translated_values(column: pa.ChunkedArray, values: dict[str, str]) -> pa.ChunkedArray:
    """Cells replaced through a client value map (exact, else by normalised spelling)."""
    exact = dict(values)
    loose = {normalise_name(k): v for k, v in values.items()}

    def translate(value: str) -> str:
        return exact.get(value, loose.get(normalise_name(value), value))

    return cells.map_distinct(cells.as_text(column), translate, pa.string())


_Rows = Callable[[np.ndarray, bool], np.ndarray]  # a mask of values -> one of cells


def _per_row(mask: np.ndarray, null: bool) -> np.ndarray:
    """A mask that is already one per cell."""
    return mask


class _SheetCheck:
    """Conversion and per-sheet rules for one sheet."""

    def __init__(self, sheet: Sheet, settings: Settings, problems: _Problems, where: _Where):
        self.sheet = sheet
        self.settings = settings
        self.configured = _MAPPED_AS.get(sheet.name, sheet.name)  # its [sheets.X] in deckgen.toml
        self.mapping = settings.mapping(self.configured)
        self.problems = problems
        self.where = where

    @property
    def label(self) -> str:
        """The client's sheet(s), for problems with the whole sheet."""
        return self.where.label

    def run(self, frame: pd.DataFrame, reads: tuple[SheetRead, ...]) -> _Checked:
        columns = [c for c in frame.columns if c not in RESERVED_COLUMNS]
        match = match_columns(columns, self.sheet, self.mapping)
        for name in match.missing:
            if self.sheet.column(name).required:
                self._missing_column(name, columns, reads)
        self._partly_missing(match, reads)
        self._repeated_names(match, columns, {n for r in reads for n in r.numbered})
        if not match.source:  # nothing of ours to read (the missing columns are reported)
            return _Checked(self.label, match, len(frame))
        data = frame[list(match.source.values())]
        filled = ~data.isna().all(axis=1).to_numpy()  # blank rows are not data
        if not filled.any():
            severity = "error" if self.sheet.required else "warning"
            outcome = (
                "required"
                if self.sheet.required
                else "optional; the slides that use it are skipped"
            )
            self.problems.whole(
                severity, self.label, None, f"at least one row of data ({outcome})", "empty_sheet"
            )
            return _Checked(self.label, match, 0)
        if not filled.all():
            data = data.loc[filled]
            self.where = self.where.take(filled)
        raw = data.rename(columns={v: k for k, v in match.source.items()})
        table = _unconsolidated(
            {name: self._column(raw[name], name, match.source[name]) for name in match.source},
            raw.index,
        )
        self._check_unique_key(table, raw, match)
        return _Checked(self.label, match, len(raw), table, raw, self.where)

    def _missing_column(self, name: str, columns: list[str], reads: tuple[SheetRead, ...]) -> None:
        theirs = self.mapping.columns.get(name, name)
        how = "as mapped in deckgen.toml" if name in self.mapping.columns else "required"
        rows = sorted({r.header_row for r in reads}) or [1]
        has = ", ".join(f"'{c}'" for c in columns) or "no columns"
        expected = f"a column with this name ({how}); the sheet has {has}"
        if rows != [0]:  # a database's sheets have their names in no row
            expected += f" (the names on row {', '.join(map(str, rows))})"
        closest = next((r.closest for r in reads if r.closest is not None), None)
        if closest is not None and closest.row not in rows:
            expected += (
                f"; row {closest.row} of sheet '{reads[0].name}' comes closest to the expected "
                f"names ({', '.join(self.mapping.columns.get(c, c) for c in closest.found)}): "
                f"if the column names are there, set header_row = {closest.row} under "
                f"[sheets.{self.configured}]"
            )
        elif (
            closest is None
            and len(reads)
            and reads[0].header_row == 1
            and not self.mapping.header_row
        ):
            expected += f"; none of the first {SEARCH_ROWS} rows holds the expected column names"
        if name == self.sheet.key and self.sheet.name != "customers":
            expected += (
                f"; rows without ids can be numbered: [sheets.{self.configured}] row_ids = true"
            )
        self.problems.whole("error", self.label, theirs, expected)

    def _partly_missing(self, match: ColumnMatch, reads: tuple[SheetRead, ...]) -> None:
        """An error for each stacked sheet that lacks a column the others have."""
        if len(reads) < 2:
            return
        for ours, theirs in match.source.items():
            column = self.sheet.column(ours)
            for read in reads:
                if all(normalise_name(c) != normalise_name(theirs) for c in read.columns):
                    severity = "error" if column.required else "warning"
                    self.problems.whole(
                        severity,
                        read.name,
                        theirs,
                        f"a column with this name, as the other sheets stacked for "
                        f"'{self.sheet.name}' have (it is left empty for this sheet's rows)",
                        "missing_column",
                    )

    def _repeated_names(self, match: ColumnMatch, columns: list[str], numbered: set[str]) -> None:
        """A warning for each column read whose name another column repeats (the readers number
        a repeated name: `amount_5`, one of `numbered`), or spells the same (`Amount`,
        `amount `): the one read may not be the one meant; none for a column the mapping names."""
        for ours, theirs in match.source.items():
            if ours in self.mapping.columns:
                continue
            repeats = [
                c
                for c in columns
                if c != theirs
                and (
                    normalise_name(c) == normalise_name(theirs)
                    or (c in numbered and repeat_of(c) == theirs)
                )
            ]
            if repeats:
                also = ", ".join(f"'{c}'" for c in repeats)
                self.problems.whole(
                    "warning",
                    self.label,
                    theirs,
                    f"one column of this name, not also {also} (a repeat of it): this one is "
                    "read; to read another, name it under "
                    f"[sheets.{self.configured}.columns] in deckgen.toml",
                    REPEATED_COLUMN,
                )

    def _column(self, raw: pd.Series, name: str, theirs: str) -> pd.Series:
        column = self.sheet.column(name)
        source = cells.arrow_column(raw, dictionary=column.kind in TEXT_KINDS)
        coded = cells.dictionary_of(source)
        if coded is not None:  # a category read dictionary-encoded: each value checked once
            source = coded.values
        if name in self.mapping.values:
            source = translated_values(source, self.mapping.values[name])
        converted = self._convert(source, column, theirs, raw, coded)
        expected = expected_text(column, self.mapping, self.settings.vocabulary)
        expected += self._decimal_hint(raw, column, converted.bad)
        expected += self._date_hint(raw, column, converted.bad)
        if column.required:
            self.problems.rows(
                "error", self.where, theirs, raw, converted.blank, "a value (required)", False
            )
            self.problems.rows("error", self.where, theirs, raw, converted.bad, expected)
        else:
            expected += "; left empty"
            self.problems.rows(
                "warning", self.where, theirs, raw, converted.bad, expected, rule="bad_value"
            )
        return self._bounded(converted.values, raw, column, theirs)

    def _convert(
        self,
        source: pa.ChunkedArray,
        column: Column,
        theirs: str,
        raw: pd.Series,
        coded: cells.Dictionary | None = None,
    ) -> Converted:
        """`source` in the Tables dtype of `column`, with the blank and unreadable cells;
        with `coded`, `source` holds the distinct values of a dictionary-encoded text column."""
        kind = column.kind
        if kind in TEXT_KINDS:
            rows = _per_row if coded is None else coded.rows
            text = self._text(source, theirs, raw, rows)
            if kind == "id":
                text = cells.as_id(text)
            blank = rows(cells.null_mask(text), True)
            bad = np.zeros(len(raw), dtype=bool)
            if kind == "category":
                text, unknown = self._codes(text, column, theirs, rows)
                indices = None if coded is None else coded.indices
                categories = cells.to_categories(text, raw.index, indices)
                return Converted(categories, blank, rows(unknown, False))
            if coded is not None:
                text = coded.cells(text)
            return Converted(cells.to_series(text, "string", raw.index), blank, bad)
        converted = _typed(source, column, self.mapping, self.settings.timezone, raw)
        self._one_currency(converted.currencies, column, theirs)
        return converted

    def _text(
        self, source: pa.ChunkedArray, theirs: str, raw: pd.Series, rows: _Rows
    ) -> pa.ChunkedArray:
        """Cells as trimmed text, without the characters a deck cannot hold (with a warning,
        unless they were only direction controls paired within their cell)."""
        text = cells.as_text(source)
        forbidden = cells.forbidden_characters(text)
        if forbidden.any():
            named = cells.left_open(text, forbidden)  # balanced direction controls go unnamed
            if named.any():
                self.problems.rows(
                    "warning",
                    self.where,
                    theirs,
                    raw,
                    rows(named, False),
                    "text without control characters, direction controls or non-characters (they "
                    "were removed)",
                    rule=FORBIDDEN_CHARACTER,
                )
            text = cells.without_forbidden_characters(text)
            text = cells.as_text(text)  # a cell of nothing else is now empty
        return text

    def _codes(
        self, text: pa.ChunkedArray, column: Column, theirs: str, rows: _Rows
    ) -> tuple[pa.ChunkedArray, np.ndarray]:
        """Category text as canonical codes, and where a code is not allowed; in an open
        vocabulary, unknown values become `other`, counted in one warning (`rows` spreads a
        mask of `text` over the cells)."""
        allowed = allowed_codes(column, self.settings.vocabulary)
        if allowed is None:
            return text, np.zeros(len(text), dtype=bool)
        codes = cells.map_distinct(text, lambda v: canonical_code(v, allowed), pa.string())
        unknown = cells.null_mask(codes) & ~cells.null_mask(text)
        if column.vocabulary is None or not unknown.any():
            return codes, unknown
        examples = pc.unique(pc.filter(text, pa.array(unknown))).to_pylist()
        counted = int(rows(unknown, False).sum())
        shown = ", ".join(repr(v) for v in sorted(examples)[:5]) + (
            ", ..." if len(examples) > 5 else ""
        )
        self.problems.whole(
            "warning",
            self.label,
            theirs,
            f"a known code (the {counted:,} rows with other values are counted as "
            f"'{OTHER}'; map them under [sheets.{self.configured}.values.{column.name}] or add "
            f"codes under [vocabulary.{column.vocabulary}] in deckgen.toml)",
            UNKNOWN_CODE,
            value=shown,
            count=counted,
        )
        return cells.chunked(pc.if_else(pa.array(unknown), OTHER, codes)), np.zeros(
            len(text), dtype=bool
        )

    def _one_currency(self, currencies: tuple[str, ...], column: Column, theirs: str) -> None:
        """An error when the amounts of one column are written in several currencies."""
        if len(currencies) < 2:
            return
        severity = "error" if column.required else "warning"
        self.problems.whole(
            severity,
            self.label,
            theirs,
            "amounts in one currency: the column mixes "
            f"{', '.join(currencies)}; convert them to one currency first",
            "mixed_currencies",
            value=", ".join(currencies),
        )

    def _decimal_hint(self, raw: pd.Series, column: Column, bad: np.ndarray) -> str:
        """Why numbers failed, when most of them use the other decimal mark."""
        if column.kind not in ("float", "int") or not bad.any():
            return ""
        written = pd.Series(
            cells.as_text(cells.arrow_column(raw[bad])).to_pylist(), dtype=object
        ).dropna()
        other = "." if self.mapping.decimal == "," else ","
        elsewhere = np.array([cells.parse_number(v, other) is not None for v in written])
        if not elsewhere.size or elsewhere.mean() <= 0.5:
            return ""
        where = f"[sheets.{self.configured}]"
        if self.mapping.decimal == ",":
            return f' (they use a decimal point, but decimal = "," is set under {where})'
        return f' (they use a decimal comma: set decimal = "," under {where})'

    def _date_hint(self, raw: pd.Series, column: Column, bad: np.ndarray) -> str:
        """The date_format that reads most of the text dates that failed (day first when the
        day and the month could be either), for a date column without one."""
        if column.kind != "date" or column.name in self.mapping.date_format or not bad.any():
            return ""
        from deckgen.propose.profile import DATE_FORMATS  # init's formats; only when dates fail

        written = cells.as_text(cells.arrow_column(raw[bad])).drop_null().unique()
        sample = pa.chunked_array([written.slice(0, _HINT_SAMPLE)])
        shares = {
            fmt: float((~np.isnat(cells.read_dates(sample, fmt, None))).mean())
            for fmt in DATE_FORMATS
        }
        best = max(DATE_FORMATS, key=shares.__getitem__)  # the first of equals: day first
        if shares[best] <= 0.5:
            return ""
        also = next((f for f in DATE_FORMATS if f != best and shares[f] == shares[best]), None)
        either = f", or as {also}: check which" if also else ""
        return (
            f" (they are written as {best}{either}: set date_format = "
            f'{{ {column.name} = "{best}" }} under [sheets.{self.configured}])'
        )

    def _bounded(self, values: pd.Series, raw: pd.Series, column: Column, theirs: str) -> pd.Series:
        """`values` checked against the column's bounds (and negative-value warnings)."""
        if column.kind in ("float", "int"):
            values = self._sized(values, raw, column, theirs)
        low, high = column.minimum, column.maximum
        scale = _SCALES.get((self.sheet.name, column.name))
        if scale is not None:
            low, high = getattr(self.settings.metrics, scale)
        if low is not None or high is not None:
            outside = ((values < low) if low is not None else False) | (
                (values > high) if high is not None else False
            )
            outside = outside.fillna(False).to_numpy(dtype=bool)
            if scale is not None:
                expected = f"a number from {low:g} to {high:g} ([metrics] {scale} in deckgen.toml)"
            elif high is None:
                expected = f"a number of at least {low:g}"
            else:
                expected = f"a number from {low:g} to {high:g}"
            if column.required:
                self.problems.rows("error", self.where, theirs, raw, outside, expected)
            else:
                self.problems.rows(
                    "warning",
                    self.where,
                    theirs,
                    raw,
                    outside,
                    expected + "; left empty",
                    rule="out_of_range",
                )
                values = values.mask(outside)
        if (self.sheet.name, column.name) in _NEGATIVE_WARNED:
            negative = (values < 0).fillna(False).to_numpy(dtype=bool)
            expected = (
                "an amount of at least 0 (kept as a refund: it lowers revenue and is no order)"
            )
            self.problems.rows(
                "warning", self.where, theirs, raw, negative, expected, rule="negative_amount"
            )
        return values

    def _sized(self, values: pd.Series, raw: pd.Series, column: Column, theirs: str) -> pd.Series:
        """Numbers too large to be real (1e17, 1e308) refused: an error, or emptied optional cells."""
        huge = (values.abs() > cells.MAX_MAGNITUDE).fillna(False).to_numpy(dtype=bool)
        if not huge.any():
            return values
        expected = f"a number of at most {cells.MAX_MAGNITUDE:,.0f} in size (larger ones are typing or export errors)"
        if column.required:
            self.problems.rows("error", self.where, theirs, raw, huge, expected)
            return values.mask(huge)
        self.problems.rows(
            "warning", self.where, theirs, raw, huge, expected + "; left empty", rule="out_of_range"
        )
        return values.mask(huge)

    def _check_unique_key(self, table: pd.DataFrame, raw: pd.DataFrame, match: ColumnMatch) -> None:
        """An error for every row whose key an earlier row has (never silently dropped)."""
        key = self.sheet.key
        if key is None or key not in table:
            return
        keys = table[key]
        if strictly_increasing(keys) or pd.Index(keys).is_unique:  # the usual cases
            return
        distinct, codes = cells.distinct_values(cells.arrow_column(keys))
        _, first = np.unique(codes, return_index=True)
        first_of = np.full(len(distinct) + 1, -1, dtype=np.int64)
        first_of[np.unique(codes)] = first
        repeated = (codes >= 0) & (np.arange(len(codes)) != first_of[codes])
        hint = ""
        if self.sheet.name == "orders":
            hint = (
                "; if an order spans several rows (invoice lines), set order_lines = true "
                "under [sheets.orders] to add them up"
            )

        def expected(position: int) -> str:
            earlier = int(first_of[codes[position]])
            where = f"row {self.where.rows[earlier]}"
            if self.where.sheet(earlier) != self.where.sheet(position):
                where += f" of sheet '{self.where.sheet(earlier)}'"
            return f"a unique {key} ({where} has it too){hint}"

        self.problems.rows(
            "error", self.where, match.source[key], raw[key], repeated, expected, rule=DUPLICATE_KEY
        )


def _unconsolidated(columns: dict[str, pd.Series], index: pd.Index) -> pd.DataFrame:
    """A frame of `columns` each kept as it is: pandas' constructor copies the columns of one
    dtype into one block (some 0.3 s and 100 MB at a million orders) that nothing here needs."""
    table = pd.DataFrame(index=index)
    for name, values in columns.items():
        table[name] = values
    return table


def strictly_increasing(values: pd.Series) -> bool:
    """True if no value is missing and each is greater than the one before (so all differ)."""
    # An export sorted by its ids, as most are, shows its keys unique by comparing neighbours
    # in Arrow; pandas' hash check first copies every id into a Python string (some 200 MB
    # for 2.9 million lead ids, the peak of a million-order render).
    column = cells.arrow_column(values)
    if column.null_count:
        return False
    if len(column) < 2:
        return True
    column = column.combine_chunks()
    return bool(pc.all(pc.greater(column[1:], column[:-1])).as_py())


@dataclass(frozen=True)
class _Checked:
    label: str  # the client's name of the sheet
    match: ColumnMatch
    rows: int  # rows of data read (blank rows not counted)
    table: pd.DataFrame | None = None  # converted columns, indexed by row position
    raw: pd.DataFrame | None = None  # the client's cells of the same rows, in our names
    where: _Where | None = None  # where those rows are


# -- the whole workbook ------------------------------------------------------------------


def _validate(
    read: Source,
    settings: Settings,
    today: date,
    known_sheets: bool,
    left_out: DateCounts = (),
    ahead: SheetsChecked | None = None,
) -> ValidationReport:
    problems = _Problems()
    for problem in (*read.warnings, *read.problems):
        problems.add(problem)
    checked: dict[str, _Checked] = {}
    labels = _labels(read, settings)
    for sheet in SHEETS:
        label = labels[sheet.name]
        for missing in read.unmatched.get(sheet.name, ()):
            _unmatched_sheet(sheet, missing, read.available, problems)
        if sheet.name not in read.frames:
            if sheet.name not in read.unmatched:
                _missing_sheet(sheet, label, read.available if known_sheets else None, problems)
        elif ahead is not None and sheet.name in ahead.checked:  # the same problems, in turn
            problems.errors += ahead.errors[sheet.name]
            problems.warnings += ahead.warnings[sheet.name]
            checked[sheet.name] = ahead.checked[sheet.name]
        else:
            checked[sheet.name] = _check_sheet(sheet, read, label, settings, problems)
    if RETURNS.name in read.frames:
        frame = read.frames[RETURNS.name].reset_index(drop=True)
        where = _where(frame, read.names.get(RETURNS.name, labels["orders"]))
        checked[RETURNS.name] = _SheetCheck(RETURNS, settings, problems, where).run(frame, ())
    tables = {name: c.table for name, c in checked.items() if c.table is not None}
    listed = _check_references(tables, checked, problems, ahead.references if ahead else {})
    _check_returns(tables, checked, problems)
    dates = date_counts(tables, ahead.dates if ahead else {})
    _check_future_dates(tables, checked, problems, today, [*dates.values(), *left_out])
    summaries = tuple(
        _summary(
            sheet, checked.get(sheet.name), tables.get(sheet.name), read.reads.get(sheet.name, ())
        )
        for sheet in SHEETS
    )
    order = {s.name: i for i, s in enumerate(SHEETS)}
    order[RETURNS.name] = order[_MAPPED_AS[RETURNS.name]]
    for name, c in checked.items():
        order |= {sheet: order[name] for sheet in (c.where.sheets if c.where else ())}
        order[c.label] = order[name]
    order |= {labels[s.name]: order[s.name] for s in SHEETS}
    problems.sort(order)
    result = None
    if not problems.errors:
        final = {name: table.reset_index(drop=True) for name, table in tables.items()}
        if RETURNS.name in final:  # the revenue a return takes back, whatever its sign
            final[RETURNS.name]["amount"] = -final[RETURNS.name]["amount"].abs()
        result = Tables(
            **final,
            warnings=tuple(problems.warnings),
            coded=coded_customers(final, listed),
        )
    return ValidationReport(
        source=read.label,
        tables=result,
        errors=tuple(problems.errors),
        warnings=tuple(problems.warnings),
        sheets=summaries,
        notes=read.notes,
    )


def _labels(read: Source, settings: Settings) -> dict[str, str]:
    """The client's name of each of our sheets, for messages."""
    return {s.name: read.names.get(s.name) or _configured(settings, s.name) for s in SHEETS}


def _check_sheet(
    sheet: Sheet, read: Source, label: str, settings: Settings, problems: _Problems
) -> _Checked:
    """The conversion and per-sheet rules of `sheet` (in `read.frames`), problems added."""
    frame = read.frames[sheet.name].reset_index(drop=True)
    check = _SheetCheck(sheet, settings, problems, _where(frame, label))
    return check.run(frame, read.reads.get(sheet.name, ()))


def coded_customers(
    final: dict[str, pd.DataFrame], listed: dict[tuple[str, str], np.ndarray]
) -> dict[str, CustomerRows]:
    """The customers' rows found for the orders' and the leads' customer ids (`listed`, by
    _check_references), kept with the validated columns they belong to (Tables.coded)."""
    customers = final.get("customers")
    if customers is None:
        return {}
    keys = arrow_data(customers["customer_id"].array)
    return {
        name: CustomerRows(arrow_data(final[name]["customer_id"].array), keys, rows)
        for (name, column), rows in listed.items()
        if name in CODED_SHEETS and column == "customer_id"
    }


def _configured(settings: Settings, sheet: str) -> str:
    """The client's name of one of our sheets as configured, for messages (ours by default)."""
    sources = settings.mapping(sheet).sources
    return " + ".join(sources) if sources else sheet


def _where(frame: pd.DataFrame, label: str) -> _Where:
    sheets = frame[SHEET_COLUMN]
    if isinstance(sheets.dtype, pd.CategoricalDtype):
        codes = sheets.cat.codes.to_numpy(dtype=np.int64)
        names = tuple(str(c) for c in sheets.cat.categories)
    else:
        codes_, uniques = pd.factorize(sheets.astype(str))
        codes, names = codes_.astype(np.int64), tuple(uniques)
    return _Where(label, frame[ROW_COLUMN].to_numpy(dtype=np.int64), codes, names)


def _missing_sheet(
    sheet: Sheet, label: str, available: tuple[str, ...] | None, problems: _Problems
) -> None:
    if sheet.required:
        has = f"; it has {', '.join(repr(a) for a in available)}" if available else ""
        other = f'another name goes in deckgen.toml as [sheets.{sheet.name}] sheet = "..."'
        if sheet.name == "customers":
            other += "; or derive them from the orders with [sheets.customers] from_orders = true"
        problems.whole("error", label, None, f"a sheet with this name (required; {other}){has}")
    else:
        expected = "a sheet with this name (optional; the slides that use it are skipped)"
        problems.whole("warning", label, None, expected, "missing_sheet")


def _unmatched_sheet(
    sheet: Sheet, missing: str, available: tuple[str, ...], problems: _Problems
) -> None:
    """An error for a sheet named under [sheets.<sheet>] that the source does not have."""
    has = f"; it has {', '.join(repr(a) for a in available)}" if available else ""
    kind = (
        "sheets matching this pattern"
        if any(m in missing for m in "*?[")
        else "a sheet with this name"
    )
    problems.whole(
        "error",
        missing,
        None,
        f"{kind}, as [sheets.{sheet.name}] sheet in deckgen.toml names it{has}",
    )


def _referring(tables: dict[str, pd.DataFrame]) -> list[tuple[str, str, Sheet]]:
    """(sheet, id column, the sheet it refers to) of every id column of `tables` that refers to
    another of them holding its key column (a missing key column is already an error)."""
    wanted = []
    for name, table in tables.items():
        for column in _BY_NAME[name].columns:
            target = tables.get(column.references) if column.references else None
            if target is None or column.name not in table:
                continue
            target_sheet = SHEETS_BY_NAME[column.references]
            if target_sheet.key in target:
                wanted.append((name, column.name, target_sheet))
    return wanted


def reference_positions(
    tables: dict[str, pd.DataFrame], known: dict[tuple[str, str], np.ndarray] | None = None
) -> dict[tuple[str, str], np.ndarray]:
    """The row each id refers to in the sheet it refers to (id_positions; -1: none), by (sheet,
    id column), for every id column of `tables`; those in `known` (found among some of the
    same tables) taken as they are."""
    known = known or {}
    wanted = _referring(tables)
    listed: dict[tuple[str, str], np.ndarray] = {}
    for target_sheet in {target.name: target for _, _, target in wanted}.values():
        referring = [(name, column) for name, column, t in wanted if t is target_sheet]
        missing = [pair for pair in referring if pair not in known]
        key = tables[target_sheet.name][target_sheet.key]
        columns = [tables[name][column] for name, column in missing]
        found = dict(zip(missing, id_positions(columns, key) if missing else [], strict=True))
        listed |= {pair: known[pair] if pair in known else found[pair] for pair in referring}
    return listed


def _check_references(
    tables: dict[str, pd.DataFrame],
    checked: dict[str, _Checked],
    problems: _Problems,
    known: dict[tuple[str, str], np.ndarray],
) -> dict[tuple[str, str], np.ndarray]:
    """Warn about ids that are not listed in the sheet they refer to (orders of unknown
    customers); returns the row each id was found on (-1: none), by (sheet, id column);
    `known`: those found already (check_sheets)."""
    listed = reference_positions(tables, known)
    for name, column, target_sheet in _referring(tables):
        values = tables[name][column]
        unknown = values.notna().to_numpy() & (listed[name, column] < 0)
        c = checked[name]
        expected = f"a {target_sheet.key} listed in sheet '{checked[target_sheet.name].label}'"
        problems.rows(
            "warning",
            c.where,
            c.match.source[column],
            c.raw[column],
            unknown,
            expected,
            rule="unknown_reference",
        )
    return listed


def _check_returns(
    tables: dict[str, pd.DataFrame], checked: dict[str, _Checked], problems: _Problems
) -> None:
    """Warn about returns of customers without an order: no revenue to net them against."""
    returns, orders = tables.get(RETURNS.name), tables.get("orders")
    if returns is None or orders is None:
        return
    c = checked[RETURNS.name]
    problems.rows(
        "warning",
        c.where,
        c.match.source["customer_id"],
        c.raw["customer_id"],
        id_positions([returns["customer_id"]], orders["customer_id"])[0] < 0,
        "a customer with an order (a return is netted against its customer's revenue; this "
        "one lowers no figure)",
        rule="unmatched_return",
    )


def id_positions(columns: list[pd.Series], known: pd.Series) -> list[np.ndarray]:
    """Position in `known` of each value of the text `columns` (int32, the first match; -1
    where absent or empty), through Arrow (pandas loops in Python here), in one lookup:
    building the set of `known` costs more than looking up."""
    text = pa.large_string()
    arrays = [cells.arrow_column(values).cast(text) for values in columns]
    keys = cells.arrow_column(known).cast(text)
    kept = None
    if keys.null_count:  # an empty key matches no value: left out, positions mapped back
        kept = np.flatnonzero(~pc.is_null(keys).to_numpy(zero_copy_only=False))
        keys = keys.take(kept)
    found = pc.index_in(
        pa.chunked_array([chunk for array in arrays for chunk in array.chunks], text),
        value_set=keys.combine_chunks(),
    )
    del arrays
    # One int32 array per column, -1 set in numpy: no Arrow copy that its pool would keep.
    positions = [_minus_one_for_null(chunk) for chunk in found.chunks]
    flat = np.concatenate(positions) if positions else np.zeros(0, np.int32)
    del found, positions
    if kept is not None:
        flat = np.where(flat >= 0, kept[np.maximum(flat, 0)], -1).astype(np.int32)
    bounds = np.cumsum([len(values) for values in columns])[:-1]
    return [part.copy() for part in np.split(flat, bounds)]  # each its own: one is kept


def _minus_one_for_null(chunk: pa.Array) -> np.ndarray:
    """A chunk of int32 positions as numpy, -1 where null (one chunk copied at a time)."""
    filled = chunk if chunk.null_count == 0 else pc.fill_null(chunk, -1)
    return filled.to_numpy().astype(np.int32, copy=True)


def last_regular_date(dates: np.ndarray) -> pd.Timestamp | None:
    """The latest of `dates`, ignoring stray dates far beyond the rest (likely mistyped years)."""
    return _last_regular([_distinct_dates(dates[~np.isnat(dates)])])


def _last_regular(counted: DateCounts) -> pd.Timestamp | None:
    """last_regular_date of the dates `counted` together (distinct dates and their counts)."""
    found = [(distinct, counts) for distinct, counts in counted if distinct.size]
    if not found:
        return None
    distinct, inverse = np.unique(np.concatenate([d for d, _ in found]), return_inverse=True)
    counts = np.bincount(inverse, weights=np.concatenate([c for _, c in found]))
    total = counts.sum()
    # As unsigned steps: a step of over 292 years in nanoseconds passes int64's range, and sorted
    # dates' steps wrap into uint64 exactly.
    steps = np.diff(distinct.view(np.int64)).view(np.uint64)
    unit = np.datetime_data(distinct.dtype)[0]
    gap = STRAY_GAP.to_timedelta64().astype(f"timedelta64[{unit}]").astype(np.uint64)
    gaps = np.flatnonzero(steps > gap)
    later = total - np.cumsum(counts)[gaps]  # the dates after each gap's start
    stray = gaps[later <= max(1.0, STRAY_SHARE * total)]
    return pd.Timestamp(distinct[stray[0]] if stray.size else distinct[-1])


def _distinct_dates(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct `dates` (none NaT) in order, and how many times each occurs; dates at
    midnight are counted by day, without sorting millions of them."""
    if dates.size == 0:
        return dates, np.zeros(0, dtype=np.int64)
    days = dates.astype("datetime64[D]")
    numbers = days.view(np.int64)
    low, high = int(numbers.min()), int(numbers.max())
    if high - low >= 1 << 22 or not (days == dates).all():
        return np.unique(dates, return_counts=True)
    counts = np.bincount(numbers - low)
    present = np.flatnonzero(counts)
    distinct = (present + low).astype("datetime64[D]").astype(dates.dtype)
    return distinct, counts[present]


def date_columns(tables: dict[str, pd.DataFrame]) -> list[tuple[str, str]]:
    """(sheet, column) of every date column of the validated `tables`."""
    return [
        (name, column.name)
        for name, table in tables.items()
        for column in _BY_NAME[name].columns
        if column.kind == "date" and column.name in table
    ]


def date_counts(
    tables: dict[str, pd.DataFrame],
    known: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] | None = None,
) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
    """The distinct dates and how many rows have each, by (sheet, column), of every date column
    of the validated `tables`; those in `known` (counted in some of the same tables) as they are."""
    known = known or {}
    counted = {}
    for name, column in date_columns(tables):
        if (name, column) in known:
            counted[name, column] = known[name, column]
        else:
            dates = tables[name][column].to_numpy()
            counted[name, column] = _distinct_dates(dates[~np.isnat(dates)])
    return counted


def regular_end(counted: DateCounts, today: date) -> pd.Timestamp | None:
    """The last regular date (last_regular_date) of the dates `counted` (distinct dates and
    their counts, per column): of those up to `today` if any, else of all."""
    upto = np.datetime64(today)
    until = [(dates[dates <= upto], counts[dates <= upto]) for dates, counts in counted]
    last = _last_regular(until)
    return _last_regular(counted) if last is None else last


def _check_future_dates(
    tables: dict[str, pd.DataFrame],
    checked: dict[str, _Checked],
    problems: _Problems,
    today: date,
    counted: DateCounts,
) -> None:
    """Warn about dates after `today`, and stray dates far beyond all the others (`counted`:
    the distinct dates of every date column, those of `tables` and of rows validated
    elsewhere)."""
    columns = date_columns(tables)
    if not columns:
        return
    last = regular_end(counted, today)
    if last is None:
        return
    limit = last + pd.Timedelta(days=1)
    after_today = f"a date up to today, {today:%Y-%m-%d} (this one is in the future)"
    stray = f"a date up to {limit:%Y-%m-%d} (the other dates end on {last:%Y-%m-%d})"
    # Compared as integers (NaT, the int64 minimum, is never later), once per cell.
    today_ns = pd.Timestamp(today).as_unit("ns").value
    first_late = min(today_ns, limit.as_unit("ns").value)
    for name, column in columns:
        c = checked[name]
        dates = tables[name][column].to_numpy()
        stamps = dates.astype("datetime64[ns]", copy=False).view(np.int64)
        problems.rows(
            "warning",
            c.where,
            c.match.source[column],
            c.raw[column],
            stamps > first_late,
            lambda position, stamps=stamps: after_today if stamps[position] > today_ns else stray,
            rule=FUTURE_DATE,
        )


def _summary(
    sheet: Sheet, checked: _Checked | None, table: pd.DataFrame | None, reads: tuple[SheetRead, ...]
) -> SheetSummary:
    if checked is None:
        return SheetSummary(sheet.name, None, sheet.required, 0, (), (), (), ())
    match = checked.match
    first = last = None
    dates = [
        c.name for c in sheet.columns if c.kind == "date" and table is not None and c.name in table
    ]
    if dates and table[dates[0]].notna().any():
        first, last = table[dates[0]].min().date(), table[dates[0]].max().date()
    return SheetSummary(
        sheet=sheet.name,
        source=checked.label,
        required=sheet.required,
        rows=checked.rows,
        found=tuple(ours for ours, theirs in match.source.items() if ours == theirs),
        renamed=match.renamed,
        missing=match.missing,
        ignored=match.ignored,
        first_date=first,
        last_date=last,
        headers_found=tuple((r.name, r.header_row) for r in reads if r.searched),
    )


# -- formatting --------------------------------------------------------------------------


def _format_overview(sheets: tuple[SheetSummary, ...]) -> list[str]:
    width = max(len(s.sheet) for s in sheets)
    lines = []
    for s in sheets:
        if s.source is None:
            state = "not found" + (" (required)" if s.required else " (optional)")
            lines.append(f"  {s.sheet:<{width}}  {state}")
            continue
        total = len(s.found) + len(s.renamed) + len(s.missing)
        dates = f"  {s.first_date} to {s.last_date}" if s.first_date else ""
        where = f"  from '{s.source}'" if s.source != s.sheet else ""
        lines.append(
            f"  {s.sheet:<{width}}  {s.rows:>9,} rows  {total - len(s.missing):>2}/{total} columns"
            f"{dates}{where}"
        )
    return lines


def _format_columns(s: SheetSummary) -> list[str]:
    if s.source is None or not (s.renamed or s.missing or s.ignored or s.headers_found):
        return []
    required = {c.name for c in SHEETS_BY_NAME[s.sheet].columns if c.required}
    parts = {
        "header:  ": [
            f"row {row} of '{name}' (found below the title rows; header_row = {row} under "
            f"[sheets.{s.sheet}] says so)"
            for name, row in s.headers_found
        ],
        "mapped:  ": [f"{ours} from '{theirs}'" for ours, theirs in s.renamed],
        "missing: ": [f"{n} (required)" if n in required else n for n in s.missing],
        "ignored: ": [f"'{name}'" for name in s.ignored],
    }
    lines = ["", f"{s.sheet}:"]
    for title, items in parts.items():
        if items:
            lines += _wrapped(items, f"  {title}")
    return lines


def _wrapped(items: list[str], lead: str, width: int = 96) -> list[str]:
    """`items` joined by commas on lines of at most `width`, never breaking an item."""
    pieces = [f"{item}," for item in items[:-1]] + items[-1:]
    lines = [lead + pieces[0]]
    for piece in pieces[1:]:
        if len(lines[-1]) + 1 + len(piece) > width:
            lines.append(" " * len(lead) + piece)
        else:
            lines[-1] += " " + piece
    return lines
