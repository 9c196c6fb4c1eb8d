"""Big .parquet folders loaded with their leads and orders checked where they lie (issue 17).

The leads stay in leads.parquet and the metrics ask deckgen.data.lead_store for the aggregates
they need; the orders are checked in their file(s) by DuckDB (deckgen.data.order_store) and only
the three columns the metrics read come into memory. Every other sheet is read and validated as
always, with the rows SQL cannot vouch for (docs/scale.md).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import pandas as pd

from deckgen.config import Settings, SheetMapping
from deckgen.data.lead_store import LeadStore, PushedTables
from deckgen.data.load import Source, load_tables, open_book, read_folder_without, with_rows
from deckgen.data.mapping import allowed_codes, check_mapping, locate_sheets, normalise_name
from deckgen.data.order_store import OrderPart, OrderStore, Unvouched
from deckgen.data.schema import LEADS, ORDERS, TEXT_KINDS, Sheet
from deckgen.data.source import PathSource, SourceSpec
from deckgen.data.tables import CustomerRows, Tables, arrow_data, by_rows
from deckgen.data.vouch import interrupted_until_done
from deckgen.errors import InputError, ValidationError

if TYPE_CHECKING:
    import pyarrow as pa

    from deckgen.data.validate import SheetsChecked, ValidationReport

PUSHDOWN_LEADS = 2_000_000  # leads from which a folder's leads are read in place
PUSHDOWN_ORDERS = 2_000_000  # orders from which a folder's orders are checked in place
LEADS_FILE = "leads.parquet"
GLOB_CHARACTERS = "*?["  # read_parquet expands them
LEADS_COLUMNS = {column.name for column in LEADS.columns}
_Task = TypeVar("_Task")
_Here = TypeVar("_Here")
ROW_NUMBER = "file_row_number"  # the column DuckDB adds for each row's position in the file
_ALIASES = {ROW_NUMBER, "part_", "row_"}  # names of order_store's own columns


@dataclass(frozen=True)
class Pushdown:
    """What of a local .parquet folder is read in place."""

    folder: Path
    leads: Path | None = None  # the leads file, None: read in memory
    orders: tuple[OrderPart, ...] = ()  # the order files, in sheet order; (): in memory


def pushdown_plan(source: SourceSpec | Path, settings: Settings) -> Pushdown | None:
    """The leads and orders of a local .parquet folder to read in place (under engine "duckdb",
    or "auto" from PUSHDOWN_LEADS leads and PUSHDOWN_ORDERS orders); None when neither is."""
    path = source.path if isinstance(source, PathSource) else source
    if settings.engine == "memory" or not isinstance(path, Path) or not path.is_dir():
        return None
    # DuckDB reads a path as a glob: a folder named "acme [2026]" or "client?" could match others.
    if any(c in str(path) for c in GLOB_CHARACTERS):
        return None
    if any(mapping.transformed for mapping in settings.sheets.values()):
        return None
    plan = Pushdown(path, _leads_file(path, settings), _order_parts(path, settings))
    if plan.leads is None and not plan.orders:
        return None
    others = {f.name for f in path.glob("*.parquet")} - {p.file.name for p in plan.orders}
    if not others - {LEADS_FILE if plan.leads else ""}:
        return None  # nothing left to read as before: the ordinary reader names what is missing
    return plan


def pushdown_leads_file(source: SourceSpec | Path, settings: Settings) -> Path | None:
    """The leads file of a local .parquet folder whose leads are to be read in place."""
    plan = pushdown_plan(source, settings)
    return None if plan is None else plan.leads


def _leads_file(
    path: Path, settings: Settings, least: int | None = None, kinds: Collection[str] | None = None
) -> Path | None:
    """The leads file to read in place: mapped as it is, typed as ours (the columns of `kinds`,
    default all), `least` rows or more (default PUSHDOWN_LEADS; any number under engine
    "duckdb")."""
    if not (path / LEADS_FILE).is_file() or settings.mapping("leads") != SheetMapping():
        return None
    rows = _rows_if_ours([path / LEADS_FILE], LEADS, kinds)
    least = PUSHDOWN_LEADS if least is None else least
    wanted = rows and (settings.engine == "duckdb" or rows >= least)
    return path / LEADS_FILE if wanted else None


def _order_parts(path: Path, settings: Settings) -> tuple[OrderPart, ...]:
    """The order files to check in place: the file or part files of the orders sheet (as
    `[sheets.orders] sheet` names them, else `orders`), columns and values as they are, all of
    one schema typed as ours, big enough together."""
    mapping = settings.mapping("orders")
    if mapping.model_copy(update={"sheet": None}) != SheetMapping():
        return ()
    try:
        book = open_book(path)
    except InputError:
        return ()
    if getattr(book, "kind", None) != ".parquet":
        return ()
    found, missing = locate_sheets(mapping.sources or ("orders",), book.available)
    if missing or not found:
        return ()
    parts = tuple(OrderPart(name, path / book.files[name]) for name in found)
    rows = _rows_if_ours([part.file for part in parts], ORDERS)
    wanted = rows and (settings.engine == "duckdb" or rows >= PUSHDOWN_ORDERS)
    return parts if wanted else ()


def _rows_if_ours(files: list[Path], sheet: Sheet, kinds: Collection[str] | None = None) -> int:
    """The rows of `files` when they share one schema in which every column of `sheet` is
    named and typed as the validator reads it without help (the columns of `kinds`, default
    all); else 0."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        opened = [pq.ParquetFile(file) for file in files]
    except (OSError, pa.ArrowException, UnicodeDecodeError):  # a column name not UTF-8
        return 0  # the ordinary reader names what is wrong with it
    schema = opened[0].schema_arrow
    if any(not f.schema_arrow.equals(schema) for f in opened[1:]):
        return 0
    # DuckDB numbers the rows in a column of its own name: a client's column of that name clashes
    # (DuckDB's names are case-insensitive: `Row_` too), as do two columns of one name, which
    # the ordinary reader names.
    names = {n.lower() for n in schema.names}
    if (
        len(names) < len(schema.names)
        or _ALIASES & names
        or not _typed_as_ours(schema, sheet, kinds)
    ):
        return 0
    return sum(f.metadata.num_rows for f in opened)


def _typed_as_ours(schema: pa.Schema, sheet: Sheet, only: Collection[str] | None = None) -> bool:
    """True when the file has our required columns under our own names (and no other name
    that reads as one of ours) and each of our columns (of the kinds `only`, default all) in a
    type SQL reads as the validator would: text as strings, dates as dates without a time
    zone, numbers as numbers (any other file is read in memory, where the validator names
    problems)."""
    import pyarrow as pa

    from deckgen.data.load import _clean

    ours = {column.name: column for column in sheet.columns}
    if any(c.required and c.name not in schema.names for c in sheet.columns):
        return False
    if any(_clean(n) != n or (n not in ours and normalise_name(n) in ours) for n in schema.names):
        return False
    kinds = {
        "id": pa.types.is_string,
        "text": pa.types.is_string,
        "category": pa.types.is_string,
        "date": lambda t: pa.types.is_date(t) or (pa.types.is_timestamp(t) and t.tz is None),
        "int": pa.types.is_integer,
        "float": lambda t: pa.types.is_integer(t) or pa.types.is_floating(t),
    }
    for field_ in schema:
        if field_.name not in ours or pa.types.is_null(field_.type):
            continue
        kind = ours[field_.name].kind
        if only is not None and kind not in only:
            continue
        text = pa.types.is_large_string(field_.type) and kind in TEXT_KINDS
        if kind not in kinds or not (kinds[kind](field_.type) or text):
            return False
    return True


def load_pushed_tables(
    folder: Path,
    settings: Settings,
    *,
    strict: bool = False,
    today: date | None = None,
    plan: Pushdown | None = None,
) -> PushedTables:
    """Validated tables of the local .parquet `folder` with the leads and orders of `plan`
    (default: its leads.parquet only, when typed as ours) checked in place; ValidationError on errors (and on
    warnings if `strict`), with the messages of deckgen.data.load.load_tables: the validator
    judges every lead and order row SQL cannot vouch for. A value DuckDB cannot hold (a
    timestamp beyond its range) or read (text that is not UTF-8) reads the folder in memory,
    as before, where the reader names it."""
    import duckdb

    try:
        return _load_pushed(folder, settings, strict, today, plan)
    except (duckdb.ConversionException, duckdb.OutOfRangeException, duckdb.InvalidInputException):
        return load_tables(folder, settings, strict=strict, today=today)


def _load_pushed(
    folder: Path, settings: Settings, strict: bool, today: date | None, plan: Pushdown | None
) -> PushedTables:
    """load_pushed_tables, DuckDB's errors raised."""
    check_mapping(settings)
    today = today or date.today()
    # The store scans the text columns as text: a leads file with a lead_id or a name of
    # numbers (or a mapping) is read in memory, as pushdown_plan leaves it. (Numbers and
    # dates it reads in place as they are, where pushdown_plan is stricter: blank ages.)
    plan = plan or Pushdown(folder, _leads_file(folder, settings, least=1, kinds=TEXT_KINDS))
    store = None if plan.leads is None else LeadStore(plan.leads)
    if store is not None and store.empty():  # blank rows only: as in memory (no lead slides)
        store = None
    orders = OrderStore(plan.orders) if plan.orders else None
    if orders is not None and orders.empty():  # blank rows only: as in memory (an error)
        orders = None
    if store is None and orders is None:
        return load_tables(folder, settings, strict=strict, today=today)
    left_out = [] if store is None else [LEADS_FILE]
    left_out += [] if orders is None else [part.file.name for part in orders.parts]
    if store is not None:  # the leads' text read meanwhile (some 0.3 s at 3,000,000 leads)
        store.scan_ahead()
    try:
        read = read_folder_without(folder, settings, *left_out)
        judged = _Judged(read, settings, today, store, orders)
    finally:  # failed (a bad cell, a file removed, Ctrl-C): the scan is not waited for
        if store is not None:
            store.stop_scan()
    report = judged.report()
    # The leads are neither missing nor empty, though the validator saw only some rows or none.
    warnings = tuple(
        p
        for p in report.warnings
        if store is None or not (p.sheet == "leads" and p.rule in ("empty_sheet", "missing_sheet"))
    )
    if report.errors:
        raise ValidationError(list(report.errors))
    if strict and warnings:
        raise ValidationError(list(warnings))
    assert report.tables is not None  # no errors means tables
    kept = {f.name: getattr(report.tables, f.name) for f in fields(Tables)}
    if orders is not None and judged.orders is not None:
        kept["orders"] = orders.read(judged.orders, report.tables.orders)
        kept["coded"] = _orders_coded(kept["orders"], kept["customers"], report.tables.coded)
    if store is not None:
        kept["leads"] = None
        if report.tables.leads is not None:
            # Read the judged rows as validated (codes spelt as ours, text trimmed).
            table, positions = judged.leads
            ours = [c for c in table.column_names if c in LEADS_COLUMNS]
            filled = ~table.select(ours).to_pandas().isna().all(axis=1).to_numpy()
            store.correct(report.tables.leads.assign(file_row_number=positions[filled]))
    return PushedTables(**(kept | {"warnings": warnings}), lead_store=store)


def _orders_coded(
    orders: pd.DataFrame, customers: pd.DataFrame, coded: dict[str, CustomerRows]
) -> dict[str, CustomerRows]:
    """`coded` (Tables.coded) with the row of `customers` holding each order's customer,
    looked up as the validator looks them up: the metrics then code the orders by row, hashing
    no text again. When every order's customer is listed, `orders`' customer_id becomes those
    rows over the customers' ids (by_rows): the same text, 4 bytes an order instead of some 18."""
    import pyarrow as pa

    from deckgen.data.validate import coded_customers, id_positions

    if "customer_id" not in customers:
        return coded
    ids = orders["customer_id"]
    rows = id_positions([ids], customers["customer_id"])[0]
    if not (ids.notna().to_numpy() & (rows < 0)).any():
        keys = arrow_data(customers["customer_id"].array)
        if isinstance(keys, pa.ChunkedArray) and keys.num_chunks > 1:
            # In one chunk, that the orders' ids share rather than a copy of it.
            one = pa.chunked_array([keys.combine_chunks()])
            customers["customer_id"] = pd.Series(
                pd.arrays.ArrowStringArray(one), index=customers.index
            )
            new = arrow_data(customers["customer_id"].array)
            coded = {k: replace(c, keys=new) if c.keys is keys else c for k, c in coded.items()}
        orders["customer_id"] = by_rows(rows, customers["customer_id"], orders.index)
    final = {"customers": customers, "orders": orders}
    return coded | coded_customers(final, {("orders", "customer_id"): rows})


class _Judged:
    """The rows of the leads and orders left in their files that the validator judges: those
    SQL cannot vouch for, then also any dated beyond the others (the stray-date warning)."""

    def __init__(
        self,
        read: Source,
        settings: Settings,
        today: date,
        store: LeadStore | None,
        orders: OrderStore | None,
    ) -> None:
        """Finds the rows SQL cannot vouch for in `store` and `orders` (either may be None)."""
        self.read, self.settings, self.today = read, settings, today
        self.store, self.order_store = store, orders
        from deckgen.data.validate import check_sheets

        in_place = {"leads"} if store is not None else set()
        in_place |= {"orders"} if orders is not None else set()
        others = [name for name in read.frames if name not in in_place]
        stores = [s for s in (store, orders) if s is not None]
        written = _customer_cells(read, settings)
        # DuckDB and Arrow judge the leads and orders outside the interpreter's lock, while
        # pandas checks the other sheets here (at 1,000,000 orders this thread waited 1.2 s).
        self.leads: tuple[pa.Table, np.ndarray] | None
        self.orders: Unvouched | None
        self.ahead: SheetsChecked
        # The unjudged leads' days (LeadStore.days) of the rows judged, counted beside too.
        self._lead_days: tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]] | None = None
        (self.leads, self.orders), self.ahead = _beside(
            lambda: self._unvouched(_customer_ids(written, settings)),  # Arrow's work there too
            lambda: check_sheets(read, settings, others),
            lambda: [s.interrupt() for s in stores],
        )

    def _unvouched(
        self, customer_ids: pa.ChunkedArray
    ) -> tuple[tuple[pa.Table, np.ndarray] | None, Unvouched | None]:
        """The rows SQL cannot vouch for of the leads, then of the orders (None: not in place)."""
        settings, leads, orders = self.settings, None, None
        if self.store is not None:
            allowed = {
                name: allowed_codes(LEADS.column(name), settings.vocabulary) or ()
                for name in ("channel", "status")
            }
            leads = self.store.unvouched(allowed, customer_ids, self.today)
        if self.order_store is not None:
            category = ORDERS.column("product_category")
            allowed_ = {category.name: allowed_codes(category, settings.vocabulary)}
            orders = self.order_store.unvouched(allowed_, customer_ids, self.today)
        # Not with the orders in place too (from PUSHDOWN_ORDERS): DuckDB's count beside the
        # other sheets' checks would add to the peak of the biggest clients.
        if self.store is not None and leads is not None and self.order_store is None:
            # On an error, _days asks again in turn, its error raised where it was.
            with contextlib.suppress(Exception):
                self._lead_days = (leads[1], self.store.days(leads[1]))
        return leads, orders

    def report(self) -> ValidationReport:
        """The validator's report, with every row beyond the other dates judged too."""
        from deckgen.data.validate import date_counts, regular_end

        days = self._days()
        report = self._validate(days)
        if report.tables is None:
            return report
        tables = {f.name: getattr(report.tables, f.name) for f in fields(Tables)}
        tables = {k: v for k, v in tables.items() if isinstance(v, pd.DataFrame)}
        # The sheets checked beside hold the same rows in the tables (renumbered).
        counted = date_counts(tables, self.ahead.dates)
        last = regular_end([*counted.values(), *days], self.today)
        if last is None:
            return report
        # A row dated after the day after `last` (and before today: those are judged) is a
        # stray the validator warns about: rare (a mistyped year), so validated again then.
        limit = np.datetime64(last.date()) + np.timedelta64(1, "D")
        more = False
        if self.order_store is not None and self.orders is not None:
            part, row = self.order_store.after(limit)
            if len(part):
                self.orders, more = self.order_store.add(part, row), True
        if self.store is not None and self.leads is not None:
            later = self.store.after(limit, self.leads[1])
            if len(later):
                self.leads = self.store.rows_at(np.concatenate([self.leads[1], later]))
                more = True
        return self._validate(self._days()) if more else report

    def _days(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The dates of the rows the validator does not see, per column, counted."""
        days = [] if self.order_store is None else [self.order_store.days()]
        if self.store is not None and self.leads is not None:
            judged, ahead = self.leads[1], self._lead_days
            self._lead_days = None
            # Counted beside for these very rows (none added since: _Judged.report).
            days += (
                ahead[1] if ahead is not None and ahead[0] is judged else self.store.days(judged)
            )
        return days

    def _validate(self, days: list[tuple[np.ndarray, np.ndarray]]) -> ValidationReport:
        """The validator's report on the rows judged, `days` those of the others (_days)."""
        import pyarrow as pa

        from deckgen.data.validate import validate_read

        read = self.read
        if self.leads is not None and len(self.leads[1]):
            read = with_rows(read, self.settings, "leads", [("leads", *self.leads)])
        if self.order_store is not None and self.orders is not None:
            judged = self.orders
            parts = [
                (
                    part.name,
                    judged.table.filter(pa.array(judged.part == k)),
                    judged.row[judged.part == k],
                )
                for k, part in enumerate(self.order_store.parts)
            ]
            read = with_rows(read, self.settings, "orders", parts)
        return validate_read(read, self.settings, today=self.today, left_out=days, ahead=self.ahead)


def _beside(
    task: Callable[[], _Task], here: Callable[[], _Here], interrupt: Callable[[], object]
) -> tuple[_Task, _Here]:
    """The answers of `task`, run in a worker thread, and of `here`, run meanwhile in this one.
    An error of `task` is raised before one of `here`, as when `task` ran first; Ctrl-C, or
    any error, stops the worker by `interrupt` (repeated: one between two queries is lost;
    through a second Ctrl-C too) rather than wait for it."""
    worker = ThreadPoolExecutor(1, thread_name_prefix="deckgen-checks")
    future = worker.submit(task)
    try:
        try:
            mine = here()
        except Exception:
            future.result()  # its error first
            raise
        return future.result(), mine
    except BaseException:
        interrupted_until_done([future], interrupt)
        raise
    finally:
        worker.shutdown(wait=True)


def _customer_cells(read: Source, settings: Settings) -> pd.Series | None:
    """The customer id cells of the customers sheet, as read (None: no such column)."""
    frame = read.frames.get("customers")
    column = settings.mapping("customers").columns.get("customer_id", "customer_id")
    return None if frame is None or column not in frame.columns else frame[column]


def _customer_ids(written: pd.Series | None, settings: Settings) -> pa.ChunkedArray:
    """The customer ids `written` in the customers sheet (_customer_cells) as the validator
    reads them, through its value map (none without one): an order's id is vouched for when
    it is written as one of them (a timestamp id reads as `2000-01-01`, not as pandas writes
    it, `2000-01-01 00:00:00`)."""
    import pyarrow as pa

    from deckgen.data import cells
    from deckgen.data.vouch import validated_ids

    mapping = settings.mapping("customers")
    if written is None:
        return pa.chunked_array([], pa.string())
    ids = cells.arrow_column(written)
    if "customer_id" in mapping.values:  # [sheets.customers.values]: the ids as renamed
        from deckgen.data.validate import translated_values

        ids = translated_values(ids, mapping.values["customer_id"])
    ids = validated_ids(ids).cast(pa.large_string())
    # No null: `x NOT IN (..., NULL)` is never true, so one blank row would vouch for every id.
    return pa.chunked_array([ids.combine_chunks().drop_null()])
