"""Client frames checked against deckgen.data.schema and converted into typed `Tables`.

Every rule is declared by the schema (kinds, required columns, allowed codes, bounds, keys,
references) and applied column by column with vectorised pandas; every problem is collected,
located as the user sees it (sheet, spreadsheet row, column, value). docs/data-format.md lists
the rules and which are errors and which are warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from deckgen.config import Settings, SheetMapping
from deckgen.data.load import Source, read_source
from deckgen.data.mapping import (
    ColumnMatch,
    canonical_code,
    check_mapping,
    match_columns,
    normalise_name,
)
from deckgen.data.schema import RETURNS, SHEETS, SHEETS_BY_NAME, Column, Sheet
from deckgen.data.tables import Tables
from deckgen.errors import DeckgenError, Problem, problem_count, sample_lines

_DECIMAL_COMMA = r"-?\d{1,3}(?:[.\s\u00a0']\d{3})*,\d+|-?\d+,\d+"  # "12,50", "1.234,50"
LISTED_PER_RULE = 50  # rows listed per rule and column; the rest are counted in one line
FIRST_DATE = pd.Timestamp("1900-01-01")
LAST_DATE = pd.Timestamp("2199-12-31")
STRAY_GAP = pd.Timedelta(days=92)  # dates this far beyond all the others ...
STRAY_SHARE = 0.01  # ... and at most this share of them (or just one) are stray, "future"
_BOOLEANS = {"true": True, "yes": True, "y": True, "1": True}
_BOOLEANS |= {"false": False, "no": False, "n": False, "0": False}
# Persian and Arabic-Indic digits and separators, read as their Latin equivalents.
_NATIVE_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٫٬", "01234567890123456789.,")
_NATIVE_PATTERN = "[۰-۹٠-٩٫٬]"
# Columns whose bounds come from the settings rather than the schema.
_SCALES = {
    ("surveys", "satisfaction"): "satisfaction_scale",
    ("surveys", "recommend"): "recommend_scale",
}
_NEGATIVE_WARNED = {("orders", "amount")}  # negative values allowed but worth a warning
_BY_NAME = {**SHEETS_BY_NAME, RETURNS.name: RETURNS}  # the sheets validated, returns included
_MAPPED_AS = {RETURNS.name: "orders"}  # returns are the orders' rows, in the orders' columns


@dataclass(frozen=True)
class SheetSummary:
    """What validation found in one sheet."""

    sheet: str  # deckgen's sheet name
    source: str | None  # the client's sheet or file it was read from; None when not found
    required: bool
    rows: int  # rows of data (blank rows not counted)
    found: tuple[str, ...]  # our columns present under our own names
    renamed: tuple[tuple[str, str], ...]  # (ours, the client's) for columns under other names
    missing: tuple[str, ...]  # our columns not present
    ignored: tuple[str, ...]  # the client's columns deckgen does not use
    first_date: date | None = None  # range of the sheet's main date column
    last_date: date | None = None


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


def validate_source(source: Path, settings: Settings) -> ValidationReport:
    """Read and validate `source`; a source that cannot be read gives a report with `failure`."""
    from deckgen.data.transform import transform_source  # it builds on this module

    try:
        check_mapping(settings)
        read = transform_source(read_source(source, settings), settings)
    except DeckgenError as exc:
        return ValidationReport(str(source), None, (), (), failure=str(exc))
    return validate_read(read, settings)


def validate_frames(
    frames: dict[str, pd.DataFrame], settings: Settings, source_label: str
) -> ValidationReport:
    """Validate raw frames keyed by our sheet names (as `read_frames` returns them), after the
    transforms of deckgen.toml."""
    from deckgen.data.transform import transform_source  # it builds on this module

    check_mapping(settings)
    read = transform_source(Source(source_label, frames, {}, tuple(frames)), settings)
    report = _validate(read.frames, settings, source_label, read.names, None, read.problems)
    return replace(report, notes=read.notes)


def validate_read(read: Source, settings: Settings) -> ValidationReport:
    """Validate what `read_source` read (and the transforms made of it), naming the client's
    own sheets in problems."""
    report = _validate(
        read.frames,
        settings,
        read.label,
        read.names,
        read.available,
        (*read.warnings, *read.problems),
    )
    return replace(report, notes=read.notes)


# -- problems ----------------------------------------------------------------------------


@dataclass
class _Problems:
    """Problems collected so far, in the order found."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def sort(self, sheets: list[str]) -> None:
        """Order by sheet (schema order), whole-sheet problems first, then by row."""

        def key(p: Problem) -> tuple[int, int, int]:
            sheet = sheets.index(p.sheet) if p.sheet in sheets else -1
            return (sheet, int(p.column is not None), p.row if p.row is not None else 1 << 62)

        self.errors.sort(key=key)
        self.warnings.sort(key=key)

    def add(self, problem: Problem) -> None:
        (self.errors if problem.severity == "error" else self.warnings).append(problem)

    def whole(
        self, severity: str, sheet: str, column: str | None, expected: str, rule: str = ""
    ) -> None:
        """A problem with a whole sheet or column."""
        self.add(Problem(sheet, None, column, None, expected, severity, rule))

    def rows(
        self,
        severity: str,
        sheet: str,
        column: str,
        raw: pd.Series,
        mask: np.ndarray | pd.Series,
        expected: str,
        show_value: bool = True,
        rule: str = "",
    ) -> None:
        """One problem per row of `raw` where `mask` is true (the first LISTED_PER_RULE)."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if positions.size == 0:
            return
        listed = raw.iloc[positions[:LISTED_PER_RULE]]
        for label, value in zip(listed.index.tolist(), listed.tolist(), strict=True):
            shown = _shown(value) if show_value else None
            self.add(Problem(sheet, int(label) + 2, column, shown, expected, severity, rule))
        more = positions.size - LISTED_PER_RULE
        if more > 0:
            self.add(
                Problem(
                    sheet,
                    None,
                    column,
                    None,
                    f"{expected} ({more:,} more rows like this)",
                    severity,
                    rule,
                    more,
                )
            )


def _shown(value: object) -> str | None:
    """A cell as the user typed it, for a problem message."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, datetime):
        return (
            f"{value:%Y-%m-%d}" if value == datetime.combine(value.date(), time()) else str(value)
        )
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()[:80]


# -- conversion --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Converted:
    values: pd.Series  # in the Tables dtype; missing where the cell is blank or unreadable
    blank: np.ndarray  # the cell is empty
    bad: np.ndarray  # the cell holds something that cannot be read as the column's kind


def _as_text(raw: pd.Series) -> pd.Series:
    """Cells as trimmed text (pandas `string`), missing where empty; whole floats without '.0'."""
    if pd.api.types.is_float_dtype(raw):
        whole = raw.notna() & (raw % 1 == 0) & (raw.abs() < 2**53)
        text = raw.astype("string")
        text[whole] = raw[whole].astype("int64").astype("string")
    elif pd.api.types.is_datetime64_any_dtype(raw):
        text = raw.dt.strftime("%Y-%m-%d").astype("string")
    else:
        text = raw.astype("string")
    text = text.str.strip()
    return text.mask(text == "")


def _with_latin_digits(text: pd.Series) -> pd.Series:
    """`text` with Persian and Arabic-Indic digits and separators in Latin form."""
    native = text.str.contains(_NATIVE_PATTERN, regex=True).fillna(False).to_numpy(dtype=bool)
    if not native.any():
        return text
    text = text.copy()
    text[native] = text[native].str.translate(_NATIVE_DIGITS).str.replace(",", "", regex=False)
    return text


def _map_distinct(text: pd.Series, convert: Callable[[str], object], dtype: str) -> pd.Series:
    """`convert` applied once per distinct value of `text` (for columns with few values)."""
    codes, distinct = pd.factorize(text)
    mapped = pd.array([convert(v) for v in distinct] + [None], dtype=dtype)
    return pd.Series(mapped.take(codes), index=text.index)  # code -1 (missing) takes the None


def _translated(raw: pd.Series, values: dict[str, str]) -> pd.Series:
    """Cells replaced through a client value map (exact, else by normalised spelling)."""
    exact = dict(values)
    loose = {normalise_name(k): v for k, v in values.items()}

    def translate(value: str) -> str:
        return exact.get(value, loose.get(normalise_name(value), value))

    return _map_distinct(_as_text(raw), translate, "string")


def _text_kind(raw: pd.Series, column: Column, mapping: SheetMapping) -> _Converted:
    values = _as_text(raw)
    blank = values.isna().to_numpy()
    return _Converted(values, blank, np.zeros(len(values), dtype=bool))


def _category(raw: pd.Series, column: Column, mapping: SheetMapping) -> _Converted:
    text = _as_text(raw)
    blank = text.isna().to_numpy()
    if column.allowed is None:
        return _Converted(text, blank, np.zeros(len(text), dtype=bool))
    allowed = column.allowed
    values = _map_distinct(text, lambda v: canonical_code(v, allowed), "string")
    return _Converted(values, blank, values.isna().to_numpy() & ~blank)


def _date(raw: pd.Series, column: Column, mapping: SheetMapping) -> _Converted:
    if pd.api.types.is_datetime64_any_dtype(raw):
        values = raw
        blank = raw.isna().to_numpy()
    else:
        text = _with_latin_digits(_as_text(raw))
        blank = text.isna().to_numpy()
        fmt = mapping.date_format.get(column.name)
        # utc=True: text with differing UTC offsets would otherwise raise.
        values = pd.to_datetime(text, format=fmt or "ISO8601", errors="coerce", utc=True)
        if fmt is not None:  # real date cells (read as ISO text) are fine whatever the format
            retry = values.isna() & text.notna()
            iso = pd.to_datetime(text[retry], format="ISO8601", errors="coerce", utc=True)
            values[retry] = iso
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    values = values.where((values >= FIRST_DATE) & (values <= LAST_DATE))
    values = values.astype("datetime64[ns]").dt.normalize()
    return _Converted(values, blank, values.isna().to_numpy() & ~blank)


def _float(raw: pd.Series, column: Column, mapping: SheetMapping) -> _Converted:
    if pd.api.types.is_numeric_dtype(raw):
        values = raw.astype("float64")
        blank = values.isna().to_numpy()
    else:
        text = _with_latin_digits(_as_text(raw))
        blank = text.isna().to_numpy()
        if mapping.decimal == ",":  # "1.234,50" or "1 234,50": drop grouping, then the comma
            text = text.str.replace(r"[.\s\u00a0']", "", regex=True).str.replace(",", ".")
        values = pd.to_numeric(text, errors="coerce").astype("float64")
    values = values.where(np.isfinite(values))
    return _Converted(values, blank, values.isna().to_numpy() & ~blank)


def _int(raw: pd.Series, column: Column, mapping: SheetMapping) -> _Converted:
    number = _float(raw, column, mapping)
    whole = (number.values % 1 == 0) & (number.values.abs() < 2**53)
    values = number.values.where(whole).astype("Int64")
    return _Converted(values, number.blank, values.isna().to_numpy() & ~number.blank)


def _bool(raw: pd.Series, column: Column, mapping: SheetMapping) -> _Converted:
    if pd.api.types.is_bool_dtype(raw):
        values = raw.astype("boolean")
        blank = values.isna().to_numpy()
    else:
        text = _as_text(raw)
        blank = text.isna().to_numpy()
        values = _map_distinct(text, lambda v: _BOOLEANS.get(v.casefold()), "boolean")
    return _Converted(values, blank, values.isna().to_numpy() & ~blank)


_CONVERTERS: dict[str, Callable[[pd.Series, Column, SheetMapping], _Converted]] = {
    "id": _text_kind,
    "text": _text_kind,
    "category": _category,
    "date": _date,
    "float": _float,
    "int": _int,
    "bool": _bool,
}


def _expected(column: Column, mapping: SheetMapping) -> str:
    """What a cell of `column` should hold, in words, for problem messages."""
    if column.kind == "category" and column.allowed:
        return f"one of {', '.join(column.allowed)} (or map the value in deckgen.toml)"
    if column.kind == "date":
        fmt = mapping.date_format.get(column.name)
        return f"a date like {column.example}" + (f" or written as {fmt}" if fmt else "")
    example = column.example.replace(".", ",") if mapping.decimal == "," else column.example
    return {
        "float": f"a number like {example}",
        "int": f"a whole number like {example}",
        "bool": "true/false, yes/no, y/n or 1/0",
    }.get(column.kind, "a value")


# -- one sheet ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Checked:
    label: str  # the client's name of the sheet
    match: ColumnMatch
    rows: int  # rows of data read (blank rows not counted)
    table: pd.DataFrame | None = None  # converted columns, indexed by row position
    raw: pd.DataFrame | None = None  # the client's cells of the same rows, in our names


class _SheetCheck:
    """Conversion and per-sheet rules for one sheet."""

    def __init__(self, sheet: Sheet, settings: Settings, problems: _Problems, label: str):
        self.sheet = sheet
        self.settings = settings
        self.mapping = settings.mapping(_MAPPED_AS.get(sheet.name, sheet.name))
        self.problems = problems
        self.label = label

    def run(self, frame: pd.DataFrame) -> _Checked:
        frame = frame.reset_index(drop=True)
        frame.columns = [str(c).strip() for c in frame.columns]
        match = match_columns(frame.columns, self.sheet, self.mapping)
        for name in match.missing:
            if self.sheet.column(name).required:
                self._missing_column(name, frame)
        if not match.source:  # nothing of ours to read (the missing columns are reported)
            return _Checked(self.label, match, len(frame))
        data = frame[list(match.source.values())]
        data = data.loc[~data.isna().all(axis=1)]  # blank rows are not data
        if data.empty:
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
        raw = data.rename(columns={v: k for k, v in match.source.items()})
        table = pd.DataFrame(
            {name: self._column(raw[name], name, match.source[name]) for name in match.source},
            index=raw.index,
        )
        table = self._drop_duplicate_keys(table, raw, match)
        kept = raw if len(table) == len(raw) else raw.loc[table.index]  # no copy if none dropped
        return _Checked(self.label, match, len(raw), table, kept)

    def _missing_column(self, name: str, frame: pd.DataFrame) -> None:
        theirs = self.mapping.columns.get(name, name)
        how = "as mapped in deckgen.toml" if name in self.mapping.columns else "required"
        has = ", ".join(f"'{c}'" for c in frame.columns) or "no columns"
        if name == self.sheet.key and self.sheet.name != "customers":
            has += f"; rows without ids can be numbered: [sheets.{self.sheet.name}] row_ids = true"
        self.problems.whole(
            "error", self.label, theirs, f"a column with this name ({how}); the sheet has {has}"
        )

    def _column(self, raw: pd.Series, name: str, theirs: str) -> pd.Series:
        column = self.sheet.column(name)
        cells = raw
        if name in self.mapping.values:
            cells = _translated(raw, self.mapping.values[name])
        converted = _CONVERTERS[column.kind](cells, column, self.mapping)
        expected = _expected(column, self.mapping) + self._decimal_hint(raw, converted.bad)
        if column.required:
            self.problems.rows(
                "error", self.label, theirs, raw, converted.blank, "a value (required)", False
            )
            self.problems.rows("error", self.label, theirs, raw, converted.bad, expected)
        else:
            expected += "; left empty"
            self.problems.rows(
                "warning", self.label, theirs, raw, converted.bad, expected, rule="bad_value"
            )
        return self._bounded(converted.values, raw, column, theirs)

    def _decimal_hint(self, raw: pd.Series, bad: np.ndarray) -> str:
        """Why numbers failed, when most of them are written with a decimal comma."""
        if self.mapping.decimal == "," or not bad.any():
            return ""
        written = _as_text(raw[bad]).dropna()
        if not written.str.fullmatch(_DECIMAL_COMMA).mean() > 0.5:
            return ""
        return f' (they use a decimal comma: set decimal = "," under [sheets.{self.sheet.name}])'

    def _bounded(self, values: pd.Series, raw: pd.Series, column: Column, theirs: str) -> pd.Series:
        """`values` checked against the column's bounds (and negative-value warnings)."""
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
                self.problems.rows("error", self.label, theirs, raw, outside, expected)
            else:
                self.problems.rows(
                    "warning",
                    self.label,
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
                "an amount of at least 0 (kept: negative amounts such as refunds lower revenue)"
            )
            self.problems.rows(
                "warning", self.label, theirs, raw, negative, expected, rule="negative_amount"
            )
        return values

    def _drop_duplicate_keys(
        self, table: pd.DataFrame, raw: pd.DataFrame, match: ColumnMatch
    ) -> pd.DataFrame:
        key = self.sheet.key
        if key is None or key not in table:
            return table
        if pd.Index(table[key]).is_unique:  # the usual case; a third of duplicated()'s cost
            return table
        repeated = (table[key].duplicated() & table[key].notna()).to_numpy()
        expected = f"a unique {key} (an earlier row has it; this row is ignored)"
        self.problems.rows(
            "warning",
            self.label,
            match.source[key],
            raw[key],
            repeated,
            expected,
            rule="duplicate_id",
        )
        return table.loc[~repeated]


# -- the whole workbook ------------------------------------------------------------------


def _validate(
    frames: dict[str, pd.DataFrame],
    settings: Settings,
    source_label: str,
    names: dict[str, str],
    available: tuple[str, ...] | None,
    file_warnings: tuple[Problem, ...] = (),
) -> ValidationReport:
    problems = _Problems()
    for problem in file_warnings:
        problems.add(problem)
    checked: dict[str, _Checked] = {}
    labels = [names.get(s.name) or settings.mapping(s.name).sheet or s.name for s in SHEETS]
    for sheet, label in zip(SHEETS, labels, strict=True):
        frame = frames.get(sheet.name)
        if frame is None:
            _missing_sheet(sheet, label, available, problems)
            continue
        checked[sheet.name] = _SheetCheck(sheet, settings, problems, label).run(frame)
    if RETURNS.name in frames:
        label = names.get(RETURNS.name, labels[SHEETS.index(SHEETS_BY_NAME["orders"])])
        checked[RETURNS.name] = _SheetCheck(RETURNS, settings, problems, label).run(
            frames[RETURNS.name]
        )
    tables = {name: c.table for name, c in checked.items() if c.table is not None}
    _check_references(tables, checked, problems)
    _check_returns(tables, checked, problems)
    _check_future_dates(tables, checked, problems)
    summaries = tuple(
        _summary(sheet, checked.get(sheet.name), tables.get(sheet.name)) for sheet in SHEETS
    )
    problems.sort(labels)
    result = None
    if not problems.errors:
        final = {name: table.reset_index(drop=True) for name, table in tables.items()}
        if RETURNS.name in final:  # the revenue a return takes back, whatever its sign
            final[RETURNS.name]["amount"] = -final[RETURNS.name]["amount"].abs()
        result = Tables(**final, warnings=tuple(problems.warnings))
    return ValidationReport(
        source=source_label,
        tables=result,
        errors=tuple(problems.errors),
        warnings=tuple(problems.warnings),
        sheets=summaries,
    )


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


def _check_references(
    tables: dict[str, pd.DataFrame], checked: dict[str, _Checked], problems: _Problems
) -> None:
    """Warn about ids that are not listed in the sheet they refer to (orders of unknown customers)."""
    for name, table in tables.items():
        sheet = _BY_NAME[name]
        for column in sheet.columns:
            target = tables.get(column.references) if column.references else None
            if target is None or column.name not in table:
                continue
            target_sheet = SHEETS_BY_NAME[column.references]
            values = table[column.name]
            unknown = values.notna().to_numpy() & ~_isin(values, target[target_sheet.key])
            c = checked[name]
            expected = f"a {target_sheet.key} listed in sheet '{checked[target_sheet.name].label}'"
            problems.rows(
                "warning",
                c.label,
                c.match.source[column.name],
                c.raw[column.name],
                unknown,
                expected,
                rule="unknown_reference",
            )


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
        c.label,
        c.match.source["customer_id"],
        c.raw["customer_id"],
        ~_isin(returns["customer_id"], orders["customer_id"]),
        "a customer with an order (a return is netted against its customer's revenue; this "
        "one lowers no figure)",
        rule="unmatched_return",
    )


def _isin(values: pd.Series, known: pd.Series) -> np.ndarray:
    """`values.isin(known)` for string columns, through Arrow (pandas loops in Python here)."""
    found = pc.is_in(pa.array(values.array), value_set=pa.array(known.dropna().array))
    return found.to_numpy(zero_copy_only=False)


def last_regular_date(dates: np.ndarray) -> pd.Timestamp | None:
    """The latest of `dates`, ignoring stray dates far beyond the rest (likely mistyped years)."""
    dates = np.sort(dates[~np.isnat(dates)])
    if dates.size == 0:
        return None
    distinct = np.unique(dates)
    gaps = np.flatnonzero(np.diff(distinct) > STRAY_GAP.to_timedelta64())
    later = dates.size - np.searchsorted(dates, distinct[gaps], side="right")
    stray = gaps[later <= max(1.0, STRAY_SHARE * dates.size)]
    return pd.Timestamp(distinct[stray[0]] if stray.size else distinct[-1])


def _check_future_dates(
    tables: dict[str, pd.DataFrame], checked: dict[str, _Checked], problems: _Problems
) -> None:
    """Warn about stray dates beyond all the others (deterministic: today is never used)."""
    columns = [
        (name, column.name)
        for name, table in tables.items()
        for column in _BY_NAME[name].columns
        if column.kind == "date" and column.name in table
    ]
    if not columns:
        return
    every = np.concatenate([tables[name][column].to_numpy() for name, column in columns])
    last = last_regular_date(every)
    if last is None:
        return
    limit = last + pd.Timedelta(days=1)
    expected = f"a date up to {limit:%Y-%m-%d} (the other dates end on {last:%Y-%m-%d})"
    for name, column in columns:
        c = checked[name]
        future = (tables[name][column] > limit).to_numpy(dtype=bool)
        problems.rows(
            "warning",
            c.label,
            c.match.source[column],
            c.raw[column],
            future,
            expected,
            rule="future_date",
        )


def _summary(sheet: Sheet, checked: _Checked | None, table: pd.DataFrame | None) -> SheetSummary:
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
    if s.source is None or not (s.renamed or s.missing or s.ignored):
        return []
    required = {c.name for c in SHEETS_BY_NAME[s.sheet].columns if c.required}
    parts = {
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
