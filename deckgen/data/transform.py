"""The transforms of deckgen.toml: client sheets reshaped between reading and validation.

Per sheet, in this order (docs/data-format.md#transforms): `query` (SQL over the sheets as
read), `row_ids`, `lookup`, `compute`, `where`, `returns` and `order_lines` (orders); then
`from_orders` (customers). Expressions run in an embedded DuckDB with file and network access
disabled. When no transform is configured the source is returned as read and DuckDB is not
even imported.

Every problem is collected before stopping: configuration problems (an unknown column, a
lookup sheet that does not exist, an expression that does not bind) as one ConfigError, found
by binding each expression on zero rows before running it; data problems (an expression that
fails on a row, customers that differ between the lines of one order) as errors located at
the client's sheet and row, reported by validation with the others.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
import pyarrow as pa

from deckgen.config import Lookup, Settings, SheetMapping
from deckgen.data import cells
from deckgen.data.load import RESERVED_COLUMNS, ROW_COLUMN, SHEET_COLUMN, Source, located
from deckgen.data.mapping import find_name, match_columns
from deckgen.data.schema import CUSTOMERS, ORDERS, SHEETS, SHEETS_BY_NAME, Column, Sheet

# Validation's own reading of cells, so that the transforms read them exactly as it will.
from deckgen.data.validate import LISTED_PER_RULE, Converted, expected_text, read_cells
from deckgen.errors import ConfigError, Problem, ValidationError

if TYPE_CHECKING:
    import duckdb

RETURNS_SHEET = "returns"  # Source.frames key of the returns split from the orders
_DATA = "__data__"  # the table an expression reads
_VALUE = "__value__"  # the column it gives
# Rules of the problems found here (errors.Problem.rule), worded per language in labels.toml.
LOOKUP_UNMATCHED = "lookup_unmatched"
WHERE_KEPT_NONE = "where_kept_none"
DERIVED_CUSTOMERS = "derived_customers"
DERIVED_ATTRIBUTE = "derived_attribute_conflict"
_ONLY_UNDER = {"order_lines": "orders", "returns": "orders", "from_orders": "customers"}
_LEADING_ZERO = re.compile(r"[+-]?0\d")
_MISSING_COLUMN = re.compile(r'Referenced column "(?P<name>[^"]+)" not found')
_RESERVED_REPEATED = re.compile(r"^(?:__sheet__|__row__)_\d+$")  # by a query joining sheets


# -- the SQL text ------------------------------------------------------------------------


@cache
def _parser() -> duckdb.DuckDBPyConnection:
    """A locked connection for parsing configured SQL (it never sees data)."""
    return _connect()


def _connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that can read only the frames registered with it."""
    import duckdb

    return duckdb.connect(
        config={
            # A client's config must not read /etc/passwd through read_csv, nor fetch a URL,
            # nor load an extension that could; nothing can switch this back on once locked.
            "enable_external_access": False,
            "autoload_known_extensions": False,
            "autoinstall_known_extensions": False,
            "python_enable_replacements": False,  # no Python variable is readable as a table
            "threads": 1,  # the same rows in the same order on every run
            "lock_configuration": True,
        }
    )


def _sql_errors() -> type[Exception]:
    """The errors DuckDB raises for SQL it cannot run (imported only when SQL is configured)."""
    import duckdb

    return duckdb.Error


def _parsed(sql: str) -> dict:
    """DuckDB's syntax tree of `sql` as JSON (its `error` key set when it does not parse)."""
    rows = _parser().execute("SELECT json_serialize_sql(?)", [sql]).fetchall()
    return json.loads(rows[0][0])


def sql_problem(text: str, kind: Literal["expression", "query"]) -> str | None:
    """Why `text` is not one SQL expression (or one SELECT query); None when it is."""
    if not text.strip():
        return "empty"
    sql = text if kind == "query" else f'SELECT ({text}) AS "{_VALUE}" FROM "{_DATA}"'
    tree = _parsed(sql)
    if tree.get("error"):
        message = str(tree.get("error_message", "cannot be parsed"))
        if tree.get("error_type") == "not implemented":
            return "not a SELECT query (only SELECT can read the sheets)"
        return message
    statements = tree["statements"]
    if len(statements) != 1:
        return f"{len(statements)} statements; write one"
    if kind == "expression" and not _one_expression(statements[0]["node"]):
        return "not one expression (a FROM, WHERE or ';' outside it?)"
    return None


def _one_expression(node: dict) -> bool:
    """True when the parsed wrapper is exactly SELECT (<one expression>) FROM the sheet."""
    table = node.get("from_table") or {}
    return (
        node.get("type") == "SELECT_NODE"
        and len(node.get("select_list", ())) == 1
        and table.get("type") == "BASE_TABLE"
        and table.get("table_name") == _DATA
        and not node.get("where_clause")
        and not node.get("group_expressions")
        and not node.get("having")
        and not node.get("qualify")
        and not node.get("modifiers")
        and not node.get("cte_map", {}).get("map")
    )


def query_tables(query: str) -> tuple[str, ...]:
    """The tables a SELECT query reads, by the names it gives them (CTEs left out)."""
    tables: list[str] = []
    ctes: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE" and node.get("table_name"):
                tables.append(str(node["table_name"]))
            for entry in (node.get("cte_map") or {}).get("map", ()):
                ctes.add(str(entry["key"]).casefold())
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(_parsed(query).get("statements", []))
    return tuple(dict.fromkeys(t for t in tables if t.casefold() not in ctes))


# -- the configuration -------------------------------------------------------------------


def transform_config_problems(settings: Settings) -> list[str]:
    """What is wrong with the transform keys of `[sheets]`, whatever the data (one line each)."""
    problems = []
    for name, mapping in settings.sheets.items():
        sheet = SHEETS_BY_NAME.get(name)
        if sheet is None:
            continue  # check_mapping names the unknown sheet
        where = f"[sheets.{name}]"
        for key, owner in _ONLY_UNDER.items():
            if getattr(mapping, key) and name != owner:
                problems.append(f"{where} {key}: only [sheets.{owner}] can have it")
        if mapping.row_ids and sheet.key is None:
            problems.append(f"{where} row_ids: the sheet has no key column to number")
        if mapping.row_ids and mapping.order_lines:
            problems.append(f"{where} row_ids and order_lines: order lines need real order ids")
        if mapping.from_orders:
            others = ("sheet", "query", "row_ids", "lookup", "compute", "where")
            problems += [
                f"{where} from_orders derives the customers from the orders: drop '{key}'"
                for key in others
                if getattr(mapping, key)
            ]
            if "signup_date" in mapping.columns:
                problems.append(
                    f"{where} from_orders: signup_date is each customer's first order date; "
                    "drop it from columns"
                )
        for new in (*mapping.lookup, *mapping.compute):
            if not new.strip() or new in RESERVED_COLUMNS:
                problems.append(f"{where} '{new}' cannot name a new column")
    return problems


def sheets_read_by_transforms(settings: Settings) -> tuple[str, ...]:
    """The client's sheets (or files) that lookups and queries read besides deckgen's own."""
    wanted: list[str] = []
    for mapping in settings.sheets.values():
        wanted += [spec.sheet for spec in mapping.lookup.values()]
        if mapping.query:
            wanted += query_tables(mapping.query)
    return tuple(dict.fromkeys(w for w in wanted if find_name(w, SHEETS_BY_NAME) is None))


# -- typing client cells for SQL ----------------------------------------------------------


def _sql_column(
    raw: pd.Series, ours: Column | None, mapping: SheetMapping, timezone: str | None
) -> pd.Series:
    """A client column typed for SQL: a column mapped onto one of ours by our rules (ids and
    categories text, dates and numbers read as validation will), any other by its cells
    (numbers when every filled cell is one without a leading zero, else text)."""
    if ours is not None and ours.kind in ("date", "float", "int", "bool"):
        return read_cells(raw, ours, mapping, timezone).values
    if (
        ours is None
        and raw.name != SHEET_COLUMN
        and (
            pd.api.types.is_numeric_dtype(raw)
            or pd.api.types.is_bool_dtype(raw)
            or pd.api.types.is_datetime64_any_dtype(raw)
        )
    ):
        return raw
    text = _text(raw)
    if ours is not None or raw.name == SHEET_COLUMN:
        return text
    if text.isna().all():
        return _nulls(raw)  # an empty column can be read as any type
    if raw.dtype == object and all(isinstance(v, date) for v in raw.dropna()):
        return pd.to_datetime(raw, errors="coerce")
    numbers = _numbers(raw, text, mapping)
    return text if numbers is None else numbers


_SAMPLE = 200  # cells tried first: most text columns show it within them


def _numbers(raw: pd.Series, text: pd.Series, mapping: SheetMapping) -> pd.Series | None:
    """`raw` as numbers when every filled cell is one, written without a leading zero or a
    currency (a code such as `m1` is text)."""
    if text.str.match(_LEADING_ZERO).any():
        return None  # "007" is a code, not seven
    sample = np.flatnonzero(text.notna().to_numpy())[:_SAMPLE]
    for cells_read in (raw.iloc[sample], raw):  # a text column is told by its first cells
        numbers = cells.read_numbers(
            cells.arrow_column(cells_read), mapping.decimal, cells.python_numbers(cells_read)
        )
        if numbers.bad.any() or numbers.currencies:  # "m1" is not one metre
            return None
    return pd.Series(numbers.values, index=raw.index)


def _text(raw: pd.Series) -> pd.Series:
    """Cells as the trimmed text the user sees (missing where empty), as validation reads them."""
    return cells.to_series(cells.as_text(cells.arrow_column(raw)), "string", raw.index)


# -- one sheet being transformed -----------------------------------------------------------


@dataclass
class _Found:
    """What a lookup found: through which key, in how many rows."""

    by: tuple[str, str, str]  # this sheet's key column, the other sheet, its key column
    rows: int  # rows with a key
    unmatched: int  # rows whose key the other sheet does not list
    columns: list[str] = field(default_factory=list)  # the columns looked up this way


@dataclass
class _Sheet:
    """A sheet while its transforms run (or, `sheet` None, another sheet a query reads)."""

    sheet: Sheet | None
    mapping: SheetMapping
    label: str  # the client's sheet name (or what defines the sheet), for messages
    frame: pd.DataFrame  # the client's cells, __sheet__ and __row__, the columns added
    timezone: str | None  # Settings.timezone, for dates written with a UTC offset
    typed: dict[str, pd.Series] = field(default_factory=dict)  # columns typed for SQL
    checking: bool = False  # after a data problem: zero rows, only the configuration checked

    @property
    def name(self) -> str:
        return self.sheet.name if self.sheet else self.label

    def key(self, part: str) -> str:
        """How a key of this sheet's mapping is named in messages."""
        return f"[sheets.{self.name}] {part}"

    def view(self, mentioned: str | None = None) -> pd.DataFrame:
        """The columns whose names `mentioned` holds (all when None), typed for SQL; a column
        named only in a string literal is typed too, which is harmless."""
        text = None if mentioned is None else mentioned.casefold()
        wanted = [c for c in self.frame.columns if text is None or str(c).casefold() in text]
        ours = _ours(self.frame, self.sheet, self.mapping)
        for name in wanted:
            if name not in self.typed:
                raw = self.frame[name]
                self.typed[name] = _sql_column(raw, ours.get(name), self.mapping, self.timezone)
        columns = {name: self.typed[name] for name in wanted}
        if not columns:  # DuckDB reads no table without columns; this one is never named
            columns[_VALUE] = _nulls(self.frame)
        return pd.DataFrame(columns, index=self.frame.index)

    def add(self, name: str, values: pd.Series, typed: bool) -> None:
        """A new (or replaced) column; `typed`: its values are SQL's own, not client cells."""
        self.frame[name] = values
        self.typed.pop(name, None)
        if typed:
            self.typed[name] = self.frame[name]

    def keep(self, mask: np.ndarray) -> None:
        """Only the rows where `mask` is true."""
        self.frame = self.frame.loc[mask]
        self.typed = {name: values.loc[mask] for name, values in self.typed.items()}

    def stop(self) -> None:
        """Keep checking the configuration on zero rows (a data problem was found)."""
        self.checking = True
        self.keep(np.zeros(len(self.frame), dtype=bool))

    def locate(self, positions: np.ndarray) -> Iterator[tuple[str, int]]:
        """(client sheet, spreadsheet row) of the rows at `positions`."""
        return _locate(self.frame, positions)


def _ours(frame: pd.DataFrame, sheet: Sheet | None, mapping: SheetMapping) -> dict[str, Column]:
    """Our column that each client column is mapped onto (those that are)."""
    if sheet is None:
        return {}
    found = match_columns(_client_columns(frame), sheet, mapping).source
    return {theirs: sheet.column(ours) for ours, theirs in found.items()}


def _locate(frame: pd.DataFrame, positions: np.ndarray) -> Iterator[tuple[str, int]]:
    """(client sheet, spreadsheet row) of the rows of `frame` at `positions`."""
    rows = frame[ROW_COLUMN].to_numpy()[positions]
    sheets = frame[SHEET_COLUMN].to_numpy()[positions]
    for sheet, row in zip(sheets, rows, strict=True):
        yield str(sheet), int(row)


# -- the whole source --------------------------------------------------------------------


def transform_source(source: Source, settings: Settings) -> Source:
    """`source` with the configured transforms applied (itself when there are none);
    ConfigError listing every configuration problem, ValidationError for a data problem
    that stops a transform (an expression failing on a row)."""
    if not any(mapping.transformed for mapping in settings.sheets.values()):
        return source
    return _Transform(source, settings).run()


class _Transform:
    """The transforms of one source, with the problems and notes they find."""

    def __init__(self, source: Source, settings: Settings):
        self.source = source
        self.settings = settings
        self.frames = dict(source.frames)
        self.names = dict(source.names)
        self.reads = dict(source.reads)
        self.config: list[str] = []  # configuration problems
        self.problems: list[Problem] = []  # data problems and warnings
        self.notes: list[str] = []
        self.failed: list[Problem] = []  # expressions that failed on a row
        self._connection: duckdb.DuckDBPyConnection | None = None

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        if self._connection is None:
            self._connection = _connect()
        return self._connection

    def run(self) -> Source:
        try:
            for sheet in SHEETS:
                mapping = self.settings.mapping(sheet.name)
                if mapping.transformed and not mapping.from_orders:
                    self._transform(sheet, mapping)
            if self.settings.mapping("customers").from_orders:
                self._derive_customers()
        finally:
            if self._connection is not None:
                self._connection.close()
        if self.config:
            lines = "\n".join(f"  - {p}" for p in self.config)
            raise ConfigError(f"{len(self.config)} problem(s) in the transforms:\n{lines}")
        if self.failed:
            raise ValidationError(self.failed)
        return replace(
            self.source,
            frames=self.frames,
            names=self.names,
            reads=self.reads,
            problems=(*self.source.problems, *self.problems),
            notes=(*self.source.notes, *self.notes),
        )

    # -- reading what the transforms need ------------------------------------------------

    def _as_read(self, wanted: str) -> tuple[pd.DataFrame, str] | None:
        """A sheet as read, by our name or the client's, and the client's name for it."""
        ours_named = find_name(wanted, SHEETS_BY_NAME)
        if ours_named is not None:
            frame = self.source.frames.get(ours_named)
            label = self.source.names.get(ours_named, ours_named)
            return None if frame is None else (frame, label)
        ours = {theirs: name for name, theirs in self.source.names.items()}
        found = find_name(wanted, [*ours, *self.source.extra])
        if found is None:
            return None
        if found in ours:
            return self.source.frames[ours[found]], found
        return self.source.extra[found], found

    def _unknown_sheet(self, wanted: str) -> str:
        ours = ", ".join(f"'{name}'" for name in self.source.frames)
        theirs = ", ".join(f"'{name}'" for name in self.source.available)
        return (
            f"no sheet or file '{wanted}' (deckgen's sheets read: {ours}; the source has {theirs})"
        )

    # -- one sheet -----------------------------------------------------------------------

    def _transform(self, sheet: Sheet, mapping: SheetMapping) -> None:
        if mapping.query:
            label = f"{sheet.name} (query)"
            frame = self._query(sheet, mapping.query, label)
            if frame is None:
                return
            self.names[sheet.name] = label
            self.reads.pop(sheet.name, None)  # its columns are the query's, not a sheet's
        elif sheet.name in self.frames:
            frame = self.frames[sheet.name]
            label = self.names.get(sheet.name, sheet.name)
        else:
            return  # validation reports the missing sheet
        state = _Sheet(sheet, mapping, label, frame.copy(deep=False), self.settings.timezone)
        if mapping.row_ids:
            self._row_ids(state)
        looked_up: dict[tuple[str, str, str], _Found] = {}
        for name, spec in mapping.lookup.items():
            found = self._lookup(state, name, spec)
            if found is not None:  # lookups through one key and sheet are reported together
                looked_up.setdefault(found.by, found).columns.append(name)
        for found in looked_up.values():
            self._report_lookup(state, found)
        for name, text in mapping.compute.items():
            values = self._evaluate(state, f"compute.{name}", text)
            state.add(name, values if values is not None else _nulls(state.frame), typed=True)
        if mapping.where:
            self._where(state, mapping.where)
        returns = None
        if mapping.returns:
            returns = self._returns(state, mapping)
        if mapping.order_lines:
            state.frame = self._sum_lines(state, state.frame, "orders")
            if returns is not None:
                returns = self._sum_lines(state, returns, "returns")
        self.frames[sheet.name] = state.frame
        if returns is not None and len(returns):
            self.frames[RETURNS_SHEET] = returns
            self.names[RETURNS_SHEET] = label

    def _query(self, sheet: Sheet, query: str, label: str) -> pd.DataFrame | None:
        """The rows of `query`, located at the rows it selected from (`SELECT l.*` keeps
        __sheet__ and __row__), else as rows of `label`."""
        where = f"[sheets.{sheet.name}] query"
        names = query_tables(query)
        tables = {}
        for name in names:
            found = self._as_read(name)
            if found is None:
                self.config.append(f"{where}: {self._unknown_sheet(name)}")
                continue
            frame, theirs = found
            ours = next((o for o, t in self.source.names.items() if t == theirs), None)
            mapping = self.settings.mapping(ours) if ours else SheetMapping()
            sheet_of = SHEETS_BY_NAME[ours] if ours else None
            tables[name] = _Sheet(sheet_of, mapping, theirs, frame, self.settings.timezone).view()
        if len(tables) < len(names):
            return None
        for name, view in tables.items():
            self.connection.register(name, view.iloc[:0])
        try:
            self.connection.sql(query).df()
        except _sql_errors() as exc:
            self.config.append(f"{where}: {_reason(exc)}")
            return None
        for name, view in tables.items():
            self.connection.register(name, view)
        try:
            result = self.connection.sql(query).df()
        except _sql_errors() as exc:
            self.failed.append(
                Problem(sheet.name, None, None, None, f"{where} to run: {_reason(exc)}")
            )
            return None
        finally:
            for name in tables:
                self.connection.unregister(name)
        self.notes.append(f"{sheet.name}: {_count(len(result), 'row')} from its query")
        result = result.drop(columns=[c for c in result.columns if _RESERVED_REPEATED.match(c)])
        if any(c not in result or result[c].isna().any() for c in RESERVED_COLUMNS):
            result = located(result.drop(columns=list(RESERVED_COLUMNS), errors="ignore"), label)
        return result.astype({ROW_COLUMN: np.int64})

    def _row_ids(self, state: _Sheet) -> None:
        key = state.sheet.key
        assert key is not None  # checked with the configuration
        name = state.mapping.columns.get(key, key)
        if find_name(name, state.frame.columns) is not None:
            self.config.append(
                f"{state.key('row_ids')}: the rows would be numbered as '{name}', but the sheet "
                "already has that column (map the key to it instead, or rename it)"
            )
            return
        located = list(state.locate(np.arange(len(state.frame))))
        width = len(str(max((row for _, row in located), default=0)))
        several = len({sheet for sheet, _ in located}) > 1
        ids = [
            f"{sheet}:{row:0{width}d}" if several else f"{row:0{width}d}" for sheet, row in located
        ]
        state.add(name, pd.Series(ids, index=state.frame.index, dtype="string"), typed=True)
        self.notes.append(f"{state.name}: {key} numbered from the rows")

    def _lookup(self, state: _Sheet, name: str, spec: Lookup) -> _Found | None:
        """Adds column `name`, looked up as `spec` says; how many keys were found."""
        where = f"[sheets.{state.name}.lookup.{name}]"
        found = self._as_read(spec.sheet)
        if found is None:
            self.config.append(f"{where} sheet = '{spec.sheet}': {self._unknown_sheet(spec.sheet)}")
            state.add(name, _nulls(state.frame), typed=True)
            return None
        other, other_label = found
        key = find_name(spec.key, map(str, state.frame.columns))
        match = find_name(spec.match or spec.key, map(str, other.columns))
        value = find_name(spec.value or name, map(str, other.columns))
        missing = [
            f"{part} = '{wanted}': {_no_column(wanted, columns, label)}"
            for part, wanted, got, columns, label in (
                ("key", spec.key, key, state.frame.columns, state.label),
                ("match", spec.match or spec.key, match, other.columns, other_label),
                ("value", spec.value or name, value, other.columns, other_label),
            )
            if got is None
        ]
        if missing:
            self.config += [f"{where} {m}" for m in missing]
            state.add(name, _nulls(state.frame), typed=True)
            return None
        assert key is not None and match is not None and value is not None
        keys = _text(state.frame[key])
        theirs = _text(other[match])
        self._ambiguous_keys(other, theirs, value, other_label, match)
        first = (theirs.notna() & ~theirs.duplicated()).to_numpy()
        position = pd.Index(theirs[first]).get_indexer(keys.fillna("").to_numpy(dtype=object))
        position[keys.isna().to_numpy()] = -1
        rows = np.full(len(keys), -1)  # the row of `other` each row takes its value from
        rows[position >= 0] = np.flatnonzero(first)[position[position >= 0]]
        values = cells.arrow_column(other[value]).take(pa.array(rows, mask=rows < 0))
        state.add(
            name,
            pd.Series(pd.arrays.ArrowExtensionArray(values), index=state.frame.index),
            typed=False,
        )
        unmatched = int((keys.notna().to_numpy() & (position < 0)).sum())
        return _Found((key, other_label, match), int(keys.notna().sum()), unmatched)

    def _report_lookup(self, state: _Sheet, found: _Found) -> None:
        """A note on what the lookups through one key found; a warning if keys were not."""
        key, other, match = found.by
        names = ", ".join(found.columns)
        rows, unmatched = found.rows, found.unmatched
        self.notes.append(
            f"{state.name}: {names} looked up in '{other}': {rows - unmatched:,} of {rows:,} "
            "keys found"
        )
        if unmatched:
            verb = "is" if len(found.columns) == 1 else "are"
            self.problems.append(
                Problem(
                    state.label,
                    None,
                    key,
                    None,
                    f"a {key} listed in column '{match}' of '{other}' ({unmatched:,} of {rows:,} "
                    f"rows have none, so their {names} {verb} left empty)",
                    "warning",
                    LOOKUP_UNMATCHED,
                )
            )

    def _ambiguous_keys(
        self, other: pd.DataFrame, keys: pd.Series, value: str, label: str, match: str
    ) -> None:
        """An error per key that the lookup sheet lists twice with different values."""
        repeated = (keys.duplicated(keep=False) & keys.notna()).to_numpy()
        if not repeated.any():
            return
        values = _text(other[value]).fillna("").to_numpy(dtype=object)[repeated]
        positions = np.flatnonzero(repeated)
        first: dict[str, int] = {}
        clashes = []
        for k, key in enumerate(keys.to_numpy(dtype=object)[repeated]):
            if key not in first:
                first[key] = k
            elif values[k] != values[first[key]] and len(clashes) < LISTED_PER_RULE:
                clashes.append((positions[first[key]], positions[k], key))
        for one, two, key in clashes:
            (sheet, row_one), (_, row_two) = _locate(other, np.array([one, two]))
            self.problems.append(
                Problem(
                    sheet,
                    row_two,
                    match,
                    str(key),
                    f"one {value} per {match} (row {row_one} has the same {match} with "
                    f"{other[value].iloc[one]!r}, this row {other[value].iloc[two]!r})",
                )
            )

    def _condition(self, state: _Sheet, part: str, text: str) -> np.ndarray | None:
        """Where the condition `text` is true (NULL is not); None if it cannot be evaluated."""
        values = self._evaluate(state, part, text)
        if values is None:
            return None
        if not pd.api.types.is_bool_dtype(values.dtype):
            self.config.append(
                f"{state.key(part)} = {text!r}: gives {values.dtype} values, not true or false"
            )
            return None
        return values.fillna(False).to_numpy(dtype=bool)

    def _where(self, state: _Sheet, text: str) -> None:
        keep = self._condition(state, "where", text)
        if keep is None:
            return
        before = len(state.frame)
        state.keep(keep)
        if state.checking:
            return
        self.notes.append(f"{state.name}: where kept {len(state.frame):,} of {before:,} rows")
        if before and state.frame.empty:
            self.problems.append(
                Problem(
                    state.label,
                    None,
                    None,
                    None,
                    f'rows that pass [sheets.{state.name}] where = "{text}" (none of the '
                    f"{before:,} rows does)",
                    "warning",
                    WHERE_KEPT_NONE,
                )
            )

    def _returns(self, state: _Sheet, mapping: SheetMapping) -> pd.DataFrame | None:
        assert mapping.returns is not None
        flag = self._condition(state, "returns.when", mapping.returns.when)
        if flag is None:
            return None
        returns = state.frame.loc[flag]
        state.keep(~flag)
        if state.checking:
            return None
        if mapping.returns.policy == "drop":
            self.notes.append(f"{state.name}: {_count(int(flag.sum()), 'return')} dropped")
            return None
        self.notes.append(
            f"{state.name}: {_count(int(flag.sum()), 'return')} set apart, netted against revenue"
        )
        return returns

    # -- expressions ---------------------------------------------------------------------

    def _evaluate(self, state: _Sheet, part: str, text: str) -> pd.Series | None:
        """`text` evaluated on every row of the sheet; None (problem recorded) if it cannot be."""
        view = state.view(text)
        sql = f'SELECT ({text}) AS "{_VALUE}" FROM "{_DATA}"'
        where = f"{state.key(part)} = {text!r}"
        try:
            empty = self._select(sql, view.iloc[:0])
        except _sql_errors() as exc:
            self.config.append(f"{where}: {_explain(exc, state, view)}")
            return None
        if len(empty):
            self.config.append(
                f"{where}: gives one value for the whole sheet (an aggregate?); write "
                "sum(x) OVER () for a total on every row"
            )
            return None
        if state.checking:
            return empty.set_axis(state.frame.index)
        try:
            return self._select(sql, view).set_axis(state.frame.index)
        except _sql_errors() as exc:
            position = self._first_failure(sql, view)
            sheet, row = next(state.locate(np.array([position])))
            self.failed.append(
                Problem(sheet, row, None, None, f"{where} to give a value: {_reason(exc)}")
            )
            state.stop()
            return empty

    def _select(self, sql: str, view: pd.DataFrame) -> pd.Series:
        self.connection.register(_DATA, view)
        try:
            return self.connection.sql(sql).df()[_VALUE]
        finally:
            self.connection.unregister(_DATA)

    def _first_failure(self, sql: str, view: pd.DataFrame) -> int:
        """The position of the first row on which `sql` fails (bisecting on prefixes)."""
        low, high = 0, len(view)  # fails on view[:high], not on view[:low]
        while high - low > 1:
            middle = (low + high) // 2
            try:
                self._select(sql, view.iloc[:middle])
                low = middle
            except _sql_errors():
                high = middle
        return high - 1

    # -- order lines ---------------------------------------------------------------------

    def _sum_lines(self, state: _Sheet, frame: pd.DataFrame, what: str) -> pd.DataFrame:
        """The lines of `frame` summed into one row per order id: amounts added, the earliest
        date, the customer of the lines, other cells and the row of the first line."""
        mapping = state.mapping
        found = match_columns(_client_columns(frame), ORDERS, mapping).source
        if state.checking:
            return frame

        def read(name: str) -> Converted:
            column = ORDERS.column(name)
            return read_cells(frame[found[name]], column, mapping, self.settings.timezone)

        if any(n not in found for n in _LINE_COLUMNS):
            # Validation reports the missing column, an error; one line per order spares it
            # listing every other line as a duplicate.
            if "order_id" not in found:
                return frame
            return frame.loc[~read("order_id").values.duplicated().to_numpy()]
        # Ids and customers as integer codes of their text (-1 when empty): cheap to compare.
        id_code, _ = pd.factorize(read("order_id").values)
        customer, customers = pd.factorize(read("customer_id").values)
        converted = {name: read(name) for name in ("order_date", "amount")}
        unusable = id_code < 0
        for name, values in converted.items():
            expected = expected_text(ORDERS.column(name), mapping, self.settings.vocabulary)
            for mask, wanted in ((values.blank, "a value (required)"), (values.bad, expected)):
                self._rows(frame, state.label, found[name], mask, wanted)
                unusable = unusable | mask
        lines = np.flatnonzero(~unusable)
        codes, _ = pd.factorize(id_code[lines])  # orders numbered in order of appearance
        first = lines[np.unique(codes, return_index=True)[1]]
        line = self._order_customers(
            frame, state.label, found, lines, codes, customer, customers.to_numpy(dtype=object)
        )
        keep = np.sort(np.concatenate([first, np.flatnonzero(id_code < 0)]))
        out = frame.iloc[keep]
        summed = np.isin(keep, first)  # in order of appearance, as `keep` and `first` are sorted
        day = converted["order_date"].values.to_numpy(dtype="datetime64[ns]")[lines]
        amounts = converted["amount"].values.to_numpy()[lines]
        totals = {
            found["amount"]: np.bincount(codes, weights=amounts, minlength=len(first)),
            found["order_date"]: pd.Series(day).groupby(codes).min().to_numpy(),
            found["customer_id"]: frame[found["customer_id"]].iloc[line].array,
        }
        for column, values in totals.items():
            if summed.all():
                out[column] = values
            else:  # rows without an order id stay as they are, for validation to report
                merged = out[column].to_numpy(dtype=object).copy()
                merged[summed] = np.asarray(values, dtype=object)
                out[column] = merged
        self.notes.append(
            f"{what}: {_count(len(lines), 'line')} summed into {_count(len(first), what[:-1])}"
        )
        return out

    def _order_customers(
        self,
        frame: pd.DataFrame,
        label: str,
        found: dict[str, str],
        lines: np.ndarray,
        codes: np.ndarray,
        customer: np.ndarray,
        customers: np.ndarray,
    ) -> np.ndarray:
        """Position in `frame` of each order's first line naming a customer (its first line
        when none does); an error for each order whose lines name different customers.
        `codes`: the order of each of `lines`; `customer`: each row's code into `customers`."""
        line = lines[np.unique(codes, return_index=True)[1]]
        named = np.flatnonzero(customer[lines] >= 0)
        orders, first_named = np.unique(codes[named], return_index=True)
        line[orders] = lines[named[first_named]]
        clash = named[customer[lines[named]] != customer[line[codes[named]]]]
        once = clash[np.unique(codes[clash], return_index=True)[1]]  # the first line per order
        ids = frame[found["order_id"]]
        for k in once[:LISTED_PER_RULE]:
            order = codes[k]
            rows = np.array([lines[k], line[order]])
            (sheet, row), (_, first_row) = _locate(frame, rows)
            self.problems.append(
                Problem(
                    sheet,
                    row,
                    found["customer_id"],
                    str(customers[customer[lines[k]]]),
                    f"the customer of the other lines of order {cells.shown(ids.iloc[lines[k]])} "
                    f"({customers[customer[line[order]]]} on row {first_row}); order_lines = "
                    "true sums the lines of an order, which must name one customer",
                )
            )
        if len(once) > LISTED_PER_RULE:
            more = len(once) - LISTED_PER_RULE
            self.problems.append(
                Problem(
                    label,
                    None,
                    found["customer_id"],
                    None,
                    f"one customer per order ({more:,} more orders like this)",
                    count=more,
                )
            )
        return line

    def _rows(
        self, frame: pd.DataFrame, label: str, column: str, mask: np.ndarray, expected: str
    ) -> None:
        """An error for each row where `mask` is true (the first LISTED_PER_RULE, then a count)."""
        positions = np.flatnonzero(mask)
        if positions.size == 0:
            return
        listed = positions[:LISTED_PER_RULE]
        values = frame[column].iloc[listed].tolist()
        for cell, (sheet, row) in zip(values, _locate(frame, listed), strict=True):
            self.problems.append(Problem(sheet, row, column, cells.shown(cell), expected))
        if positions.size > LISTED_PER_RULE:
            more = positions.size - LISTED_PER_RULE
            self.problems.append(
                Problem(
                    label,
                    None,
                    column,
                    None,
                    f"{expected} ({more:,} more rows like this)",
                    count=more,
                )
            )

    # -- customers from the orders -------------------------------------------------------

    def _derive_customers(self) -> None:
        """One customer per customer id of the orders, joined on their first order, with the
        attributes `[sheets.customers] columns` takes from order columns (their last row's)."""
        orders = self.frames.get("orders")
        if orders is None:
            return  # validation reports the missing orders
        label = self.names.get("orders", "orders")
        where = "[sheets.customers] from_orders"
        mapping = self.settings.mapping("orders")
        found = match_columns(_client_columns(orders), ORDERS, mapping).source
        if "customer_id" not in found or "order_date" not in found:
            return  # validation reports the missing order columns
        wanted = self.settings.mapping("customers").columns
        attributes = {
            ours: find_name(theirs, map(str, orders.columns))
            for ours, theirs in wanted.items()
            if ours != "customer_id"
        }
        self.config += [
            f"{where}: columns.{ours} = '{wanted[ours]}': {_no_column(wanted[ours], orders.columns, label)}"
            for ours, theirs in attributes.items()
            if theirs is None
        ]
        timezone = self.settings.timezone
        ids = read_cells(
            orders[found["customer_id"]], ORDERS.column("customer_id"), mapping, timezone
        )
        customer, _ = pd.factorize(ids.values)  # in order of appearance
        rows = np.flatnonzero(customer >= 0)
        codes = customer[rows]
        first = rows[np.unique(codes, return_index=True)[1]]
        derived = {
            wanted.get("customer_id", "customer_id"): orders[found["customer_id"]].iloc[first].array
        }
        day = read_cells(
            orders[found["order_date"]], ORDERS.column("order_date"), mapping, timezone
        )
        derived["signup_date"] = (
            pd.Series(day.values.to_numpy()[rows]).groupby(codes).min().to_numpy()
        )
        for ours, theirs in attributes.items():
            if theirs is None:
                continue
            values = orders[theirs].iloc[rows].reset_index(drop=True)
            grouped = values.groupby(codes)
            derived[wanted[ours]] = grouped.last().reindex(range(len(first))).to_numpy(dtype=object)
            several = int((_text(values).groupby(codes).nunique() > 1).sum())
            if several:
                self.problems.append(
                    Problem(
                        label,
                        None,
                        theirs,
                        None,
                        f"one {theirs} per customer ({_count(several, 'customer')} with several "
                        "in the orders: the value of their last row is used)",
                        "warning",
                        DERIVED_ATTRIBUTE,
                    )
                )
        for reserved in RESERVED_COLUMNS:  # a customer is located at their first order
            derived[reserved] = orders[reserved].to_numpy()[first]
        self.frames["customers"] = pd.DataFrame(derived)
        self.names["customers"] = label
        self.reads.pop("customers", None)
        unknown = [
            c.name for c in CUSTOMERS.columns if c.name in _ATTRIBUTES and c.name not in wanted
        ]
        lacking = f"attributes the orders lack, such as {', '.join(unknown[:3])}, show as unknown"
        self.notes.append(f"customers: {_count(len(first), 'customer')} derived from the orders")
        self.problems.append(
            Problem(
                label,
                None,
                None,
                None,
                "a customers sheet (the customers are derived from the orders and join on their "
                f"first order: {lacking if unknown else 'every attribute is mapped'})",
                "warning",
                DERIVED_CUSTOMERS,
            )
        )


_LINE_COLUMNS = ("order_id", "customer_id", "order_date", "amount")
# Customer attributes the slides segment by, most used first (the data note names a few).
_ATTRIBUTES = ("country", "region", "age", "gender", "income_band", "city", "interests")


def _client_columns(frame: pd.DataFrame) -> list[str]:
    """The client's columns of `frame` (and those the transforms added), not the reserved ones."""
    return [c for c in frame.columns if c not in RESERVED_COLUMNS]


def _count(n: int, noun: str) -> str:
    """`n` and `noun`, plural when n is not 1 ("1 line", "1,200 lines")."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _nulls(frame: pd.DataFrame) -> pd.Series:
    """An empty column for `frame` (SQL NULL, of any type)."""
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _no_column(wanted: str, columns: object, label: str) -> str:
    """No such column in sheet `label`: the columns it has, and the nearest name."""
    names = [str(c) for c in columns if c not in RESERVED_COLUMNS]  # type: ignore[attr-defined]
    near = difflib.get_close_matches(wanted, names, n=1, cutoff=0.6)
    hint = f"; did you mean '{near[0]}'?" if near else ""
    has = ", ".join(repr(n) for n in names) or "no columns"
    return f"no column '{wanted}' in '{label}' (it has {has}){hint}"


def _reason(exc: BaseException) -> str:
    """DuckDB's own first line, without its error-class prefix or advice that does not apply."""
    line = next((ln.strip() for ln in str(exc).splitlines() if ln.strip()), type(exc).__name__)
    line = re.sub(r"^[A-Za-z ]+ Error: ", "", line)
    if type(exc).__name__ == "PermissionException":
        return "reads a file or the network, which deckgen's SQL cannot (it sees the sheets only)"
    if line.startswith("Division by zero"):
        return "a division by zero (NULLIF(x, 0) as the divisor leaves such rows empty)"
    return line


def _explain(exc: BaseException, state: _Sheet, view: pd.DataFrame) -> str:
    """Why an expression does not bind, in the client's terms."""
    reason = _reason(exc)
    missing = _MISSING_COLUMN.search(str(exc))
    if missing:
        return _no_column(missing.group("name"), state.frame.columns, state.label)
    if type(exc).__name__ == "CatalogException" and "Table" in reason:
        return f"{reason} (an expression reads only its own sheet's columns; use a query)"
    if "No function matches" in reason:
        reason = reason.replace(" You might need to add explicit type casts.", "").rstrip(".")
        text = [_why_text(state, str(c), v) for c, v in view.items() if _is_text(v)]
        if text:
            return (
                f"{reason}; read as text: {'; '.join(text)} (TRY_CAST(x AS DOUBLE) reads a number)"
            )
    return reason


def _is_text(values: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(values) and bool(values.notna().any())


def _why_text(state: _Sheet, column: str, values: pd.Series) -> str:
    """`column` and the first of its cells that is not a number."""
    position = np.flatnonzero(pd.to_numeric(values, errors="coerce").isna() & values.notna())[0]
    _, row = next(state.locate(np.array([position])))
    return f"'{column}' (row {row} holds {values.iloc[position]!r})"
