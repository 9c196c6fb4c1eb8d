"""A big client's leads left in their .parquet file and aggregated there by DuckDB (issue 17).

The metrics read leads only through counts by day and channel, each converted customer's
first lead, lead-to-customer days, per-value conversion counts of closed leads and the open
leads' attribute combinations; LeadStore answers each with one SQL query, so the leads never
become pandas rows and memory scales with customers and days, not leads (docs/scale.md).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from deckgen.data.schema import LEADS
from deckgen.data.tables import Tables
from deckgen.data.vouch import (
    TEXT_KINDS,
    cell_checks,
    connect,
    interrupted_until_done,
    said_changed,
    stamp,
    text_scan,
    validated_ids,
)
from deckgen.errors import InputError

_DAY = "datediff('day', DATE '1970-01-01', CAST({} AS DATE))"
# Statuses as of a period end (docs/metrics.md#lead-status): a lead converted after the end
# was still open at it.
_LATER = "coalesce({cday} > $end, false)"
_OURS = {column.name for column in LEADS.columns}
ATTRIBUTES = ("channel", "geography", "age", "income_band", "interest")  # scored, in order


_Answer = TypeVar("_Answer")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _queued(method: Callable[..., _Answer]) -> Callable[..., _Answer]:
    """`method` of a LeadStore answered by its worker thread while one runs (LeadStore.prefetch):
    the answer computed ahead if it was, else queued behind the queries running there (one
    query at a time on the connection)."""

    @functools.wraps(method)
    def answer(self: LeadStore, *args: Any) -> _Answer:
        ahead = self._ahead.pop(_key(method.__name__, args), None)
        if ahead is not None:
            return ahead[0].result()
        if self._worker is not None:
            return self._send(method, *args).result()
        return method(self, *args)

    return said_changed(answer)


def _key(name: str, args: tuple[Any, ...]) -> tuple[object, ...]:
    """The key of LeadStore._ahead for method `name` asked with `args`: a number or a text by
    value, anything else (an array) by identity, the very object asked ahead with (the entry
    holds it: no other object takes its id meanwhile)."""
    return (name, *(arg if isinstance(arg, int | str) else ("id", id(arg)) for arg in args))


def id_texts(ids: pd.Index) -> pa.Array | pa.ChunkedArray:
    """`ids` as Arrow text, as `ids.astype(str)` spells them: text held in Arrow as it is
    (no Python string per customer), anything else through str."""
    if isinstance(ids.array, pd.arrays.ArrowStringArray):
        return ids.array.__arrow_array__()
    return pa.array(np.asarray(ids.astype(str), dtype=object), pa.string())


@dataclass(frozen=True)
class OpenCombos:
    """The open leads at a period end as combinations of their raw attribute values."""

    values: pd.DataFrame  # one row per combination: the raw value of each present attribute
    combo: np.ndarray  # int64 combination of each open lead, in sheet order
    rows: np.ndarray  # int64 sheet row (0-based) of each open lead, in sheet order


class LeadStore:
    """The leads sheet of a .parquet folder, queried in place by DuckDB."""

    def __init__(self, file: Path) -> None:
        """The leads in `file` (a .parquet file of the leads sheet, in deckgen's names)."""
        self.file = Path(file)
        self._worker: ThreadPoolExecutor | None = None  # see prefetch
        # An answer queried ahead and its arguments, by _key.
        self._ahead: dict[tuple[object, ...], tuple[Future[Any], tuple[object, ...]]] = {}
        self._sent: list[Future[Any]] = []  # every query given to the worker
        self._threads = 0  # DuckDB's threads before prefetch
        self._scan: Future[Any] | None = None  # text_scan's answer: see scan_ahead
        self._stop_scan = threading.Event()  # set: the scan ahead is not wanted (stop_scan)
        self._stamp = stamp(self.file)  # the file validated is the file the metrics read
        self._db = connect()
        self.columns = tuple(
            row[0]
            for row in self._db.execute(
                "DESCRIBE SELECT * FROM read_parquet($file)", {"file": str(file)}
            ).fetchall()
        )
        geography = "region" if "region" in self.columns else "country"
        present = {
            "channel": "channel",
            "geography": geography if geography in self.columns else None,
            "age": "age" if "age" in self.columns else None,
            "income_band": "income_band" if "income_band" in self.columns else None,
            "interest": "interest" if "interest" in self.columns else None,
        }
        self.present = {k: v for k, v in present.items() if v is not None}
        self._db.execute(
            f"""CREATE TEMP VIEW raw AS SELECT *
            FROM read_parquet('{str(file).replace("'", "''")}', file_row_number = true)"""
        )
        self._view("raw")

    def _view(self, source: str) -> None:
        """The `leads` view the queries read, over `source` (the file, or it corrected)."""
        cday = _DAY.format("converted_date") if "converted_date" in self.columns else "NULL"
        customer = "customer_id" if "customer_id" in self.columns else "NULL"
        name = "name" if "name" in self.columns else "NULL"
        picked = ", ".join(f"{_quoted(c)} AS a_{k}" for k, c in self.present.items())
        self._counted: int | None = None  # the day closed_counts last counted to
        # A row without a lead_id that passed validation is blank: not a lead.
        self._db.execute(
            f"""CREATE OR REPLACE TEMP VIEW leads AS SELECT file_row_number AS row_, lead_id,
            {name} AS name, channel, status, created_date,
            {_DAY.format("created_date")} AS day, {cday} AS cday,
            {customer} AS customer_id, {picked}
            FROM {source} WHERE lead_id IS NOT NULL"""
        )

    @said_changed
    def correct(self, fixed: pd.DataFrame) -> None:
        """Read the rows of `fixed` (file_row_number and our columns, as validated) from it."""
        self._db.register("fixed", fixed)
        ours = [c for c in self.columns if c in _OURS and c in fixed.columns]
        picked = ", ".join(
            f"CASE WHEN f.file_row_number IS NULL THEN r.{_quoted(c)} ELSE f.{_quoted(c)} END "
            f"AS {_quoted(c)}"
            for c in ours
        )
        self._db.execute(
            f"""CREATE OR REPLACE TEMP VIEW corrected AS SELECT r.file_row_number, {picked}
            FROM raw r LEFT JOIN fixed f ON r.file_row_number = f.file_row_number"""
        )
        self._view("corrected")

    @said_changed
    def unvouched(
        self, allowed: dict[str, tuple[str, ...]], customer_ids: pa.Array, today: date
    ) -> tuple[pa.Table, np.ndarray]:
        """The rows SQL cannot vouch for, as read (and the 0-based position of each), for the
        validator to judge: any id, date, code, age or text it might reject, warn about or
        change (deckgen.data.vouch), a lead_id another row has (also once rewritten as the
        validator does), an unknown customer (`customer_ids`: those of the customers sheet, no
        null), a code not written as deckgen's own (`allowed`: column -> codes); every other
        row is valid as is."""
        named = [c for c in self.columns if c in _OURS and LEADS.column(c).kind == "category"]
        categories = {}
        if named:  # every column's distinct values in one scan of the file
            lists = ", ".join(f"list(DISTINCT {_quoted(c)})" for c in named)
            found = self._db.sql(f"SELECT {lists} FROM raw").fetchall()[0]
            categories = dict(zip(named, found, strict=True))
        columns = tuple(c for c in self.columns if c in _OURS)
        checks = cell_checks(LEADS, columns, categories, allowed, today)
        scan = self._scan.result() if self._scan is not None else self._text_scan()
        self._scan = None
        if not scan.key_increasing:
            checks.append(
                "lead_id IN (SELECT lead_id FROM raw WHERE lead_id IS NOT NULL "
                "GROUP BY lead_id HAVING count(*) > 1)"
            )
        self._db.register("known_customers", pa.table({"customer_id": customer_ids}))
        try:
            if "customer_id" in self.columns:
                checks.append(
                    "(customer_id IS NOT NULL AND customer_id NOT IN "
                    "(SELECT customer_id FROM known_customers))"
                )
            found = self._db.sql(
                f"SELECT file_row_number FROM raw WHERE {' OR '.join(checks)}"
            ).fetchnumpy()["file_row_number"]
        finally:
            self._db.unregister("known_customers")
        positions = np.union1d(np.asarray(found, np.int64), scan.flagged[0])
        # An id the validator rewrites may equal another's as written: judge that one too.
        table, positions = self.rows_at(positions)
        rewritten = pc.unique(pc.drop_null(validated_ids(table.column("lead_id"))))
        if len(rewritten):
            self._db.register("rewritten", pa.table({"lead_id": rewritten.cast(pa.string())}))
            try:
                twins = self._db.sql(
                    "SELECT file_row_number FROM raw WHERE lead_id IN "
                    "(SELECT lead_id FROM rewritten)"
                ).fetchnumpy()["file_row_number"]
            finally:
                self._db.unregister("rewritten")
            extra = np.setdiff1d(np.asarray(twins, np.int64), positions)
            if len(extra):
                table, positions = self.rows_at(np.concatenate([positions, extra]))
        return table, positions

    def scan_ahead(self) -> None:
        """Start unvouched's read of the text columns (text_scan) in a thread of its own, for
        it to run while the other sheets are read; unvouched takes its answer. Call
        stop_scan when the load fails before."""
        worker = ThreadPoolExecutor(1, thread_name_prefix="deckgen-scan")
        self._scan = worker.submit(self._text_scan)
        worker.shutdown(wait=False)  # the thread ends with the scan

    def stop_scan(self) -> None:
        """Stop scan_ahead's scan if unvouched did not take its answer, and wait for it to
        end (a batch or two): a load that failed meanwhile (a bad cell in another sheet,
        Ctrl-C) is reported without waiting seconds for the scan at ten million leads."""
        if self._scan is not None:
            interrupted_until_done([self._scan], self._stop_scan.set)
            with contextlib.suppress(Exception):  # stopped, or failed: not wanted either way
                self._scan.result()
        self._scan = None

    def _text_scan(self) -> Any:
        """text_scan of the text columns of ours (their spelling), the lead_id the key."""
        kinds = {c: LEADS.column(c).kind for c in self.columns if c in _OURS}
        texts = {c: kind for c, kind in kinds.items() if kind in TEXT_KINDS}
        return text_scan([self.file], texts, "lead_id", self._stop_scan)

    @said_changed
    def rows_at(self, positions: np.ndarray) -> tuple[pa.Table, np.ndarray]:
        """The rows at 0-based `positions` as read, in file order, and their positions."""
        self._db.register("wanted", pa.table({"row_": np.unique(positions)}))
        try:
            found = self._db.sql(
                "SELECT * FROM raw WHERE file_row_number IN (SELECT row_ FROM wanted) "
                "ORDER BY file_row_number"
            ).to_arrow_table()
        finally:
            self._db.unregister("wanted")
        positions = found.column("file_row_number").to_numpy().astype(np.int64)
        return found.drop_columns(["file_row_number"]), positions

    @said_changed
    def days(self, judged: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per date column, the distinct days (datetime64[ns]) of the rows not at `judged`
        positions (those the validator sees) and their counts, for the stray-date reckoning."""
        found = []
        for column in ("created_date", "converted_date"):
            if column not in self.columns:
                continue
            day = _DAY.format(column)
            # Every row's days less the judged rows': a join on the few judged rows reads only
            # their row groups, where `NOT IN` probed every row.
            counted = self._judged(
                f"SELECT day, CAST(sum(n) AS BIGINT) AS n FROM (SELECT {day} AS day, count(*) AS n "
                f"FROM raw WHERE {column} IS NOT NULL GROUP BY day UNION ALL SELECT {day}, -count(*) "
                f"FROM raw JOIN judged ON file_row_number = row_ WHERE {column} IS NOT NULL "
                "GROUP BY 1) GROUP BY day HAVING sum(n) > 0 ORDER BY day",
                judged,
            )
            days = np.asarray(counted["day"], np.int64).astype("datetime64[D]")
            found.append((days.astype("datetime64[ns]"), np.asarray(counted["n"], np.int64)))
        return found

    @said_changed
    def after(self, day: np.datetime64, judged: np.ndarray) -> np.ndarray:
        """Positions of the rows not at `judged` positions with a date after `day`."""
        number = int(np.datetime64(day, "D").astype(np.int64))
        later = " OR ".join(
            f"{_DAY.format(c)} > {number}"
            for c in ("created_date", "converted_date")
            if c in self.columns
        )
        found = self._judged(
            f"SELECT file_row_number FROM raw WHERE ({later}) AND "
            "file_row_number NOT IN (SELECT row_ FROM judged)",
            judged,
        )
        return np.asarray(found["file_row_number"], np.int64)

    def _judged(self, sql: str, judged: np.ndarray) -> dict[str, np.ndarray]:
        self._db.register("judged", pa.table({"row_": judged.astype(np.int64)}))
        try:
            return self._db.execute(sql).fetchnumpy()
        finally:
            self._db.unregister("judged")

    def _unchanged(self) -> None:
        """InputError when the file was replaced, changed or removed since it was validated."""
        try:
            same = stamp(self.file) == self._stamp
        except OSError:
            same = False
        if not same:
            raise InputError(
                f"{self.file} changed while deckgen was reading it; render again once it is "
                "written in full"
            )

    def interrupt(self) -> None:
        """Stop the query running on this store's connection, if any (another thread's), and
        the scan ahead (scan_ahead) that unvouched may be waiting for."""
        self._stop_scan.set()
        self._db.interrupt()

    @said_changed
    def empty(self) -> bool:
        """True when the file holds no lead (no row, or blank rows only)."""
        return self._db.execute("SELECT count(*) FROM leads").fetchall() == [(0,)]

    def prefetch(self, end: int, *, channels: bool) -> None:
        """Start the aggregate queries of day `end` that the metrics read, one after another
        in a worker thread, while the metrics run in this one (DuckDB leaves the interpreter
        free while it scans); each query's method then returns its answer. `channels`: the
        metrics will ask the leads for customers' acquisition channels. Call settle() when the
        metrics are done or failed."""
        self.settle()
        # One DuckDB thread beside the metrics' own: on two cores a second one only contends
        # (at 1M orders 0.2 s of CPU more in all, and more on the metrics' thread).
        self._threads = int(self._db.execute("SELECT current_setting('threads')").fetchall()[0][0])
        self._db.execute("SET threads = 1")
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="deckgen-leads")
        # In the order the metrics ask for them (deckgen.metrics.lifecycle.compute_metrics).
        wanted: list[tuple[Callable[..., object], tuple[object, ...]]] = []
        if channels and "customer_id" in self.columns:
            wanted.append((LeadStore.first_converted, (end,)))
        wanted += [(LeadStore.statuses, (end,)), (LeadStore.open_combos, (end,))]
        wanted += [(LeadStore.closed_counts, (end, attribute)) for attribute in self.present]
        wanted += [(LeadStore.created, (end,)), (LeadStore.channel_days, (end,))]
        for method, args in wanted:
            self.ask_ahead(method, *args)

    def ask_ahead(self, method: Callable[..., object], *args: object) -> None:
        """Query `method` of this store (one of its queued queries) with `args` in prefetch's
        worker now, behind those queued there, for the call with the same arguments (the very
        same arrays) to take its answer; nothing while no worker runs."""
        if self._worker is None:
            return
        plain = inspect.unwrap(method)
        self._ahead[_key(plain.__name__, args)] = (self._send(plain, *args), args)

    def _send(self, method: Callable[..., _Answer], *args: object) -> Future[_Answer]:
        """`method`'s answer, queried by the worker."""
        assert self._worker is not None
        future = self._worker.submit(method, self, *args)
        self._sent.append(future)
        return future

    def settle(self) -> None:
        """Stop prefetch's worker: the queries not started are dropped, a running one whose
        answer nobody asked for is interrupted (at ten million orders one scan takes seconds:
        an error in the metrics is reported without waiting for it), and the answers not
        asked for are let go."""
        if self._worker is not None:
            self._worker.shutdown(wait=False, cancel_futures=True)
            # The metrics' thread is here, so nobody waits for what still runs there, an answer
            # it was waiting for when interrupted (Ctrl-C) included.
            try:
                interrupted_until_done(self._sent, self._db.interrupt)
            finally:  # a Ctrl-C raised there comes once every query is done
                self._worker.shutdown(wait=True)
                self._db.execute(f"SET threads = {self._threads}")
        self._worker = None
        self._ahead = {}
        self._sent = []

    def _fetch(self, sql: str, end: int, **params: object) -> pd.DataFrame:
        self._unchanged()
        where = f"WITH kept AS (SELECT * FROM leads WHERE day <= $end) {sql}"
        return self._db.execute(where, {"end": end, **params}).fetchdf()

    @_queued
    def created(self, end: int) -> tuple[np.ndarray, np.ndarray]:
        """Distinct capture day numbers on or before day `end`, and the leads of each."""
        found = self._fetch("SELECT day, count(*) AS n FROM kept GROUP BY day ORDER BY day", end)
        return found["day"].to_numpy(np.int64), found["n"].to_numpy(np.int64)

    @_queued
    def channel_days(self, end: int) -> pd.DataFrame:
        """channel (raw), day, n and first (sheet row) of the leads captured by day `end`."""
        return self._fetch(
            "SELECT channel, day, count(*) AS n, min(row_) AS first FROM kept "
            "GROUP BY channel, day ORDER BY first",
            end,
        )

    @_queued
    def first_converted(self, end: int) -> pd.DataFrame:
        """customer_id and channel of each customer's earliest converted lead by day `end`
        (earliest capture, then lowest lead_id: docs/metrics.md#acquisition-channel)."""
        self._unchanged()
        # Through Arrow, not fetchdf: millions of customers' ids as Python strings first took
        # some 400 MB more at ten million orders, much of it kept by the allocator after.
        found = self._db.sql(
            "WITH kept AS (SELECT * FROM leads WHERE day <= $end) "
            "SELECT customer_id, arg_min(channel, (created_date, lead_id)) AS channel FROM kept "
            "WHERE status = 'converted' AND customer_id IS NOT NULL GROUP BY customer_id",
            params={"end": end},
        ).to_arrow_table()
        as_text = pa.schema([(name, pa.string()) for name in found.column_names])  # NULL too
        return found.cast(as_text).to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get)

    @_queued
    def conversion_days(
        self, end: int, start: int, ids: pd.Index, first_day: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(converted-on day, days from capture) of the converted leads captured by day `end`
        whose conversion day is start..end; conversion day: the customer's first order (that
        of customer `ids[k]` on day number `first_day[k]`) else converted_date
        (docs/metrics.md)."""
        self._db.register(
            "first_days", pa.table({"customer_id": id_texts(ids), "first_day": first_day})
        )
        try:
            found = self._fetch(
                "SELECT on_day, on_day - day AS days FROM (SELECT day, "
                "coalesce(f.first_day, cday) AS on_day FROM kept LEFT JOIN first_days f "
                "ON kept.customer_id = f.customer_id WHERE status = 'converted') "
                "WHERE on_day BETWEEN $start AND $end",
                end,
                start=start,
            )
        finally:
            self._db.unregister("first_days")
        return found["on_day"].to_numpy(np.int64), found["days"].to_numpy(np.int64)

    @_queued
    def statuses(self, end: int) -> tuple[int, int, int]:
        """(converted, closed, open) leads captured by day `end`, as of that day."""
        self._unchanged()
        later = _LATER.format(cday="cday")
        row = self._db.execute(
            f"""SELECT count(*) FILTER (status = 'converted' AND NOT {later}),
            count(*) FILTER ((status = 'converted' AND NOT {later}) OR status = 'lost'),
            count(*) FILTER (status = 'open' OR (status = 'converted' AND {later}))
            FROM leads WHERE day <= $end""",
            {"end": end},
        ).fetchone()
        assert row is not None
        return int(row[0]), int(row[1]), int(row[2])

    @_queued
    def closed_counts(self, end: int, attribute: str) -> pd.DataFrame:
        """value (raw), first (sheet row among the kept leads), closed and converted counts of
        one scored attribute's values over the leads captured by day `end`."""
        if self._counted != end:  # every attribute's counts in one scan of the file
            later = _LATER.format(cday="cday")
            names = ", ".join(f"a_{k}" for k in self.present)
            flags = ", ".join(f"grouping(a_{k}) AS g_{k}" for k in self.present)
            sets = ", ".join(f"(a_{k})" for k in self.present)
            self._unchanged()
            self._db.execute(
                f"""CREATE OR REPLACE TEMP TABLE closed_counts AS WITH kept AS (SELECT * FROM
                leads WHERE day <= $end) SELECT {names}, {flags}, min(row_) AS first,
                count(*) FILTER ((status = 'converted' AND NOT {later}) OR status = 'lost')
                AS closed, count(*) FILTER (status = 'converted' AND NOT {later}) AS converted
                FROM kept GROUP BY GROUPING SETS ({sets})""",
                {"end": end},
            )
            self._counted = end
        # Each attribute's own rows (a missing value is one of them): as grouped by it alone.
        return self._db.execute(
            f"SELECT a_{attribute} AS value, first, closed, converted FROM closed_counts "
            f"WHERE g_{attribute} = 0 ORDER BY first"
        ).fetchdf()

    @_queued
    def open_combos(self, end: int) -> OpenCombos:
        """The leads open at day `end` by combination of raw attribute values."""
        self._unchanged()
        later = _LATER.format(cday="cday")
        names = ", ".join(f"a_{k}" for k in self.present)
        self._db.execute(
            f"""CREATE OR REPLACE TEMP TABLE open_leads AS SELECT row_, {names},
            dense_rank() OVER (ORDER BY {names}) - 1 AS combo FROM leads
            WHERE day <= $end AND (status = 'open' OR (status = 'converted' AND {later}))""",
            {"end": end},
        )
        values = self._db.execute(
            f"SELECT combo, {names} FROM open_leads GROUP BY ALL ORDER BY combo"
        ).fetchdf()
        ordered = self._db.execute("SELECT combo, row_ FROM open_leads ORDER BY row_").fetchnumpy()
        return OpenCombos(
            values=values,
            combo=np.asarray(ordered["combo"], dtype=np.int64),
            rows=np.asarray(ordered["row_"], dtype=np.int64),
        )

    @_queued
    def rows(self, rows: np.ndarray) -> pd.DataFrame:
        """lead_id, name, channel and created_date of the leads at sheet `rows`, in that order."""
        self._unchanged()
        wanted = pd.DataFrame({"row_": rows, "position_": np.arange(len(rows))})
        self._db.register("wanted", wanted)
        try:
            return self._db.execute(
                "SELECT lead_id, name, channel, created_date FROM leads JOIN wanted "
                "USING (row_) ORDER BY position_"
            ).fetchdf()
        finally:
            self._db.unregister("wanted")

    def lead_ids(self, rows: np.ndarray) -> np.ndarray:
        """lead_id of the leads at sheet `rows`, as str, in that order."""
        return self.rows(rows)["lead_id"].to_numpy(dtype=str)


@dataclass(frozen=True)
class PushedTables(Tables):
    """Tables whose leads stay in their file, answered by `lead_store` (issue 17)."""

    lead_store: LeadStore | None = field(default=None, compare=False)


def lead_store_of(tables: Tables) -> LeadStore | None:
    """The LeadStore of `tables` when its leads stay in their file; None otherwise."""
    return getattr(tables, "lead_store", None)


def has_leads(tables: Tables) -> bool:
    """True when the client has a leads sheet, in memory or in its file."""
    return tables.leads is not None or lead_store_of(tables) is not None
