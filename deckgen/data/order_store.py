"""A big client's orders checked in their .parquet file(s) by DuckDB, then read slim (issue 17).

The metrics read of the orders only each order's customer, day and amount; the validator needs
to see only the rows SQL cannot vouch for. OrderStore finds those rows with DuckDB (the file or
part files are never read into pandas whole), counts the other rows' order days for the
stray-date warning, and reads the three columns the metrics need, so that the order ids,
categories and every other column never become pandas rows (docs/scale.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from deckgen.data import cells
from deckgen.data.schema import ORDERS
from deckgen.data.vouch import (
    TEXT_KINDS,
    cell_checks,
    connect,
    quoted,
    said_changed,
    stamp,
    text_scan,
    validated_ids,
)
from deckgen.errors import InputError

ROW_NUMBER = "file_row_number"  # the column DuckDB adds for each row's position in its file
KEPT = ("customer_id", "order_date", "amount")  # what the metrics read of an order
_OURS = tuple(column.name for column in ORDERS.columns)
_DAY = "datediff('day', DATE '1970-01-01', CAST(order_date AS DATE))"


@dataclass(frozen=True)
class OrderPart:
    """One file read for the orders sheet."""

    name: str  # the client's sheet name: the file's stem
    file: Path


@dataclass(frozen=True)
class Unvouched:
    """Rows of the order files for the validator to judge, as read, in sheet order."""

    table: pa.Table  # every column of the files, as read
    part: np.ndarray  # int64 index into the parts of each row
    row: np.ndarray  # int64 0-based position of each row in its file


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class OrderStore:
    """The orders sheet of a .parquet folder (one file or several parts of one schema)."""

    def __init__(self, parts: tuple[OrderPart, ...]) -> None:
        """The orders in `parts`, stacked in that order."""
        self.parts = parts
        self._stamps = [stamp(part.file) for part in parts]
        self._db = connect()
        import pyarrow.parquet as pq

        self.all_columns = tuple(pq.read_schema(parts[0].file).names)  # as the reader names them
        self.columns = tuple(c for c in _OURS if c in self.all_columns)  # ours, present
        # Only ours are read: the validator ignores the others' cells, which DuckDB may not
        # even convert (a millisecond timestamp beyond its microseconds' range).
        every = ", ".join(quoted(c) for c in self.columns)
        scans = " UNION ALL ".join(
            f"SELECT {k} AS part_, {ROW_NUMBER} AS row_, {every} FROM "
            f"read_parquet({_literal(str(part.file))}, file_row_number = true)"
            for k, part in enumerate(parts)
        )
        self._db.execute(f"CREATE TEMP VIEW raw AS {scans}")
        # A row whose cells of ours are all empty is blank: not an order (as the validator).
        filled = " OR ".join(f"{quoted(c)} IS NOT NULL" for c in self.columns)
        self._db.execute(f"CREATE TEMP VIEW filled AS SELECT * FROM raw WHERE {filled}")

    @said_changed
    def blank(self) -> tuple[np.ndarray, np.ndarray]:
        """(part, row) of each blank row, in sheet order."""
        filled = " OR ".join(f"{quoted(c)} IS NOT NULL" for c in self.columns)
        found = self._db.execute(
            f"SELECT part_, row_ FROM raw WHERE NOT ({filled}) ORDER BY part_, row_"
        ).fetchnumpy()
        return np.asarray(found["part_"], np.int64), np.asarray(found["row_"], np.int64)

    def interrupt(self) -> None:
        """Stop the query running on this store's connection, if any (another thread's)."""
        self._db.interrupt()

    @said_changed
    def empty(self) -> bool:
        """True when the files hold no order (no row, or blank rows only)."""
        return self._db.execute("SELECT count(*) FROM filled").fetchall() == [(0,)]

    @said_changed
    def unvouched(
        self,
        allowed: Mapping[str, tuple[str, ...] | None],
        customer_ids: pa.ChunkedArray,
        today: date,
    ) -> Unvouched:
        """The rows SQL cannot vouch for, with the first filled row (so that the validator sees
        the sheet), in sheet order: any cell the validator might reject, warn about or change
        (deckgen.data.vouch), an order_id another row has (also once rewritten as the validator
        does), a customer not in the customers sheet (`customer_ids`, as read)."""
        categories = {
            c: [v for (v,) in self._db.sql(f"SELECT DISTINCT {quoted(c)} FROM filled").fetchall()]
            for c in self.columns
            if ORDERS.column(c).kind == "category"
        }
        checks = cell_checks(ORDERS, self.columns, categories, allowed, today)
        kinds = {c: ORDERS.column(c).kind for c in self.columns}
        kinds = {c: kind for c, kind in kinds.items() if kind in TEXT_KINDS}
        scan = text_scan([part.file for part in self.parts], kinds, "order_id")
        self._db.register("known_customers", pa.table({"customer_id": customer_ids}))
        try:
            checks.append(
                "(customer_id IS NOT NULL AND customer_id NOT IN "
                "(SELECT customer_id FROM known_customers))"
            )
            if not scan.key_increasing:
                checks.append(
                    "order_id IN (SELECT order_id FROM filled WHERE order_id IS NOT NULL "
                    "GROUP BY order_id HAVING count(*) > 1)"
                )
            self._db.execute(
                "CREATE OR REPLACE TEMP TABLE judged AS SELECT part_, row_ FROM filled "
                f"WHERE {' OR '.join(checks)}"
            )
            self._db.execute(
                "INSERT INTO judged SELECT part_, row_ FROM filled ORDER BY part_, row_ LIMIT 1"
            )
        finally:
            self._db.unregister("known_customers")
        parts = [np.full(len(rows), k, np.int64) for k, rows in enumerate(scan.flagged)]
        self._insert_judged(np.concatenate(parts), np.concatenate(scan.flagged))
        # An id the validator rewrites may equal another's as written: judge that one too.
        ids = self._db.sql(
            "SELECT order_id FROM filled JOIN judged USING (part_, row_) WHERE order_id IS NOT NULL"
        ).to_arrow_table()["order_id"]
        rewritten = pc.unique(pc.drop_null(validated_ids(ids))).to_pylist()
        if rewritten:
            self._db.register("rewritten", pa.table({"order_id": pa.array(rewritten, pa.string())}))
            try:
                self._db.execute(
                    "INSERT INTO judged SELECT part_, row_ FROM filled WHERE order_id IN "
                    "(SELECT order_id FROM rewritten)"
                )
            finally:
                self._db.unregister("rewritten")
        return self._rows("judged")

    @said_changed
    def add(self, part: np.ndarray, row: np.ndarray) -> Unvouched:
        """All the rows judged so far and the rows (`part`, `row`), in sheet order."""
        self._insert_judged(part, row)
        return self._rows("judged")

    def _insert_judged(self, part: np.ndarray, row: np.ndarray) -> None:
        """Judge the rows (`part`, `row`) too."""
        if len(part) == 0:
            return
        self._db.register("extra", pd.DataFrame({"part_": part, "row_": row}))
        try:
            self._db.execute("INSERT INTO judged SELECT part_, row_ FROM extra")
        finally:
            self._db.unregister("extra")

    def _rows(self, judged: str) -> Unvouched:
        every = ", ".join(f"f.{quoted(c)}" for c in self.columns)
        found = self._db.sql(
            f"SELECT DISTINCT f.part_, f.row_, {every} FROM filled f "
            f"JOIN {judged} USING (part_, row_) ORDER BY f.part_, f.row_"
        ).to_arrow_table()
        part = found.column("part_").to_numpy().astype(np.int64)
        row = found.column("row_").to_numpy().astype(np.int64)
        # The client's other columns by name only, empty: the validator lists them as ignored.
        table = pa.table(
            {
                c: found.column(c) if c in self.columns else pa.nulls(len(found))
                for c in self.all_columns
            }
        )
        return Unvouched(table, part, row)

    @said_changed
    def days(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct order days (datetime64[ns]) of the rows not judged, and their counts;
        dates outside 1900..2199 are judged rows, never counted here."""
        # Every row's days less the judged rows' (a row may be judged twice: counted once): a
        # join on the few judged rows reads only their row groups, where an anti-join probed
        # every row.
        found = self._db.execute(
            f"SELECT day, CAST(sum(n) AS BIGINT) AS n FROM (SELECT {_DAY} AS day, count(*) AS n "
            f"FROM filled WHERE order_date IS NOT NULL GROUP BY day UNION ALL SELECT {_DAY}, -count(*) "
            "FROM filled JOIN (SELECT DISTINCT part_, row_ FROM judged) USING (part_, row_) "
            "WHERE order_date IS NOT NULL GROUP BY 1) GROUP BY day HAVING sum(n) > 0 ORDER BY day"
        ).fetchnumpy()
        days = np.asarray(found["day"], np.int64).astype("datetime64[D]")
        return days.astype("datetime64[ns]"), np.asarray(found["n"], np.int64)

    @said_changed
    def after(self, day: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
        """(part, row) of the rows not judged dated after `day`."""
        found = self._db.execute(
            "SELECT part_, row_ FROM filled ANTI JOIN judged USING (part_, row_) "
            f"WHERE {_DAY} > $day",
            {"day": int(np.datetime64(day, "D").astype(np.int64))},
        ).fetchnumpy()
        return np.asarray(found["part_"], np.int64), np.asarray(found["row_"], np.int64)

    @said_changed
    def read(self, judged: Unvouched, validated: pd.DataFrame) -> pd.DataFrame:
        """customer_id, order_date and amount of every order, in sheet order, as the validator
        gives them (`validated`: the judged rows, in their order, as validated)."""
        import pyarrow.parquet as pq

        tables = [pq.read_table(part.file, columns=list(KEPT)) for part in self.parts]
        self._unchanged()
        blank_part, blank_row = self.blank()
        self._db.close()  # its buffers go back before the orders take their memory
        lengths = np.array([len(t) for t in tables], dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        table = pa.concat_tables(tables)
        del tables
        at = starts[judged.part] + judged.row
        keep = np.ones(len(table), dtype=bool)
        keep[starts[blank_part] + blank_row] = False
        mask = np.zeros(len(table), dtype=bool)
        mask[at] = True
        ids = table.column("customer_id")
        patched = validated["customer_id"].array.__arrow_array__().combine_chunks()
        # The judged rows are in sheet order, as replace_with_mask takes the replacements
        # (chunk by chunk: no copy of the whole column first).
        ids = pc.replace_with_mask(ids, pa.array(mask), patched.cast(ids.type))
        dates = cells.read_dates(table.column("order_date"), None, None)
        dates[at] = validated["order_date"].to_numpy(dtype="datetime64[ns]")
        amounts = table.column("amount").to_numpy()  # a copy of its chunks, unless one
        if amounts.dtype != np.float64 or not amounts.flags.writeable:
            amounts = amounts.astype(np.float64)
        amounts[at] = validated["amount"].to_numpy(dtype=np.float64)
        del table
        index = pd.RangeIndex(int(keep.sum()))
        if not keep.all():  # blank rows left out; none, as a rule: then no copies
            ids, dates, amounts = ids.filter(pa.array(keep)), dates[keep], amounts[keep]
        return pd.DataFrame(
            {
                "customer_id": cells.to_series(ids, "string", index),
                "order_date": pd.Series(dates, index=index),
                "amount": pd.Series(amounts, index=index),
            }
        )

    def _unchanged(self) -> None:
        """InputError when a file was replaced, changed or removed since it was validated."""
        for part, expected in zip(self.parts, self._stamps, strict=True):
            try:
                same = stamp(part.file) == expected
            except OSError:
                same = False
            if not same:
                raise InputError(
                    f"{part.file} changed while deckgen was reading it; render again once it "
                    "is written in full"
                )
