"""The rows of a sheet left in its .parquet file(s) that SQL cannot vouch for (issue 17).

A row is vouched for when the validator would neither reject, warn about nor rewrite any of its
cells; every other row is handed to the validator (deckgen.data.pushdown), so that problems read
word for word as in memory. These are DuckDB expressions over a view in deckgen's column names.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, wait
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from deckgen.data import cells
from deckgen.data.schema import Sheet

if TYPE_CHECKING:
    from pyarrow.parquet import FileMetaData

# Text the validator trims or rejects: spaces at either end (Python's str.strip: \s, \x85 and
# the Unicode separators), nothing, a character a deck cannot hold; in RE2's syntax (Arrow's).
UNVOUCHED_TEXT = r"^[\s\x{85}\p{Z}]|[\s\x{85}\p{Z}]$|^$|" + cells.FORBIDDEN_CHARACTERS
READ_AS_NUMBER = r"|\.0+$"  # an id with a zero fraction (`42.0`), read as the whole number
TEXT_KINDS = ("id", "text")  # the columns text_scan judges (their spelling), not SQL
_MISSING_SET = pa.array(cells.MISSING_TEXTS, pa.string())
BATCH_ROWS = 1 << 20  # rows text_scan reads at a time, per thread
SCAN_THREADS = 2  # as DuckDB's (connect)
REPEAT_SAMPLE = 1 << 16  # rows whose names decide how a file's names are read (_repeating)
NEGATIVE_WARNED = {("orders", "amount")}  # as deckgen.data.validate warns about


def quoted(name: str) -> str:
    """`name` as a DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def changed_text(value: str, allowed: tuple[str, ...] | None) -> bool:
    """True when the validator would change, reject or warn about the category `value`."""
    return (
        value != value.strip()
        or not value
        or value in cells.MISSING_TEXTS
        or cells.clean_name(value) != value  # a character a deck cannot hold
        or (allowed is not None and value not in allowed)
    )


def cell_checks(
    sheet: Sheet,
    columns: tuple[str, ...],
    categories: Mapping[str, list[str]],
    allowed: Mapping[str, tuple[str, ...] | None],
    today: date,
) -> list[str]:
    """One SQL condition per check of a cell of `sheet` on its own (`columns`: ours present;
    `categories`: the distinct values of each category column; `allowed`: their codes), but
    the text columns' (their spelling: text_scan)."""
    checks = []
    ours = {column.name: column for column in sheet.columns}
    for name in columns:
        column = ours.get(name)
        if column is None:
            continue
        field = quoted(name)
        if column.kind == "category":  # few values: each judged once, in Python
            bad = [
                v
                for v in categories.get(name, [])
                if v is not None and changed_text(v, allowed.get(name))
            ]
            if bad:
                checks.append(f"{field} IN ({', '.join(_literal(v) for v in bad)})")
        elif column.kind == "date":
            checks.append(
                f"({field} < TIMESTAMP '{cells.FIRST_DATE:%Y-%m-%d}' "
                f"OR {field} >= TIMESTAMP '{today:%Y-%m-%d}' + INTERVAL 1 DAY)"
            )
        elif column.kind in ("int", "float"):
            # NaN sorts above every number in DuckDB: it fails the first test, as infinity does.
            # As a double: abs() of a whole number type's minimum (-128 as TINYINT) overflows.
            checks.append(f"NOT (abs(CAST({field} AS DOUBLE)) <= {cells.MAX_MAGNITUDE:g})")
            if column.minimum is not None:
                checks.append(f"{field} < {column.minimum:g}")
            if column.maximum is not None:
                checks.append(f"{field} > {column.maximum:g}")
            if (sheet.name, name) in NEGATIVE_WARNED:
                checks.append(f"{field} < 0")
    checks += [f"{quoted(c.name)} IS NULL" for c in sheet.columns if c.required]
    return checks


def validated_ids(ids: pa.ChunkedArray) -> pa.ChunkedArray:
    """Id cells as the validator rewrites them: trimmed, without the characters a deck cannot
    hold, a zero fraction read as the whole number (deckgen.data.validate)."""
    text = cells.as_text(ids)
    text = cells.as_text(cells.without_forbidden_characters(text))
    return cells.as_id(text)


def unvouched_text(values: pa.Array, kind: str) -> np.ndarray:
    """0-based positions of the cells of the text `values` that UNVOUCHED_TEXT matches (an id,
    `kind` "id": READ_AS_NUMBER too) or that are written as missing (MISSING_TEXTS), as DuckDB's
    `regexp_matches(...) OR ... IN (...)` would find them."""
    if pa.types.is_null(values.type):  # a column of empty cells only
        return np.zeros(0, np.int64)
    if pa.types.is_dictionary(values.type):  # each distinct value judged once
        bad = pa.array(unvouched_text(values.dictionary, kind), values.indices.type)
        return _positions(pc.is_in(values.indices, value_set=bad))
    # RE2 runs only on the cells a byte scan cannot vouch for: one holding a character beyond
    # printable ASCII (every character the pattern names but the space is one), a space at
    # either end, nothing, an id ending in 0. A sample-shaped file has few (ids ending in 0).
    # Each cell's first and last byte and length come from its offsets, not from a pass over
    # its text; the bytes are looked at one by one only when some is not printable ASCII.
    first, last, length = cells.text_ends(values)
    valid = values.is_valid().to_numpy(zero_copy_only=False)
    suspect = (first == 32) | (last == 32) | (length == 0)
    if kind == "id":
        suspect |= last == ord("0")
    data = cells.text_bytes(values)
    if data.size and (data.min() < 0x20 or data.max() > 0x7E):
        suspect |= ~_flags(pc.fill_null(pc.ascii_is_printable(values), True))
    at = np.flatnonzero(suspect & valid)
    pattern = UNVOUCHED_TEXT + (READ_AS_NUMBER if kind == "id" else "")
    matched = pc.match_substring_regex(values.take(at), pattern)
    # Only a cell of a missing text's length and first letter can be one.
    maybe = cells.maybe_missing(first, length) & valid
    short = np.flatnonzero(maybe)
    missing = pc.is_in(values.take(short), value_set=_MISSING_SET)
    return np.union1d(at[_flags(matched)], short[_flags(missing)])


def _positions(mask: pa.Array) -> np.ndarray:
    """int64 positions where the boolean `mask` is true (null: false)."""
    return pc.indices_nonzero(pc.fill_null(mask, False)).to_numpy().astype(np.int64)


def _flags(mask: pa.Array) -> np.ndarray:
    """The boolean `mask` (no null) as numpy."""
    return mask.to_numpy(zero_copy_only=False).astype(bool)


@dataclass(frozen=True)
class TextScan:
    """What one read of a sheet's text columns in its .parquet file(s) shows."""

    flagged: tuple[np.ndarray, ...]  # per file, int64 0-based rows with a cell unvouched_text finds
    key_increasing: bool  # the key column has no null and each value exceeds the one before


@dataclass(frozen=True)
class _GroupScan:
    """text_scan of a run of row groups."""

    flagged: np.ndarray  # int64 rows from the run's first
    rows: int
    increasing: bool  # the key within the run
    first: pa.Scalar | None  # the key's first and last values (None: no row)
    last: pa.Scalar | None


class ScanStopped(Exception):
    """text_scan stopped by its `stop` event before its end (its answer is not wanted)."""


def text_scan(
    files: list[Path], kinds: Mapping[str, str], key: str, stop: threading.Event | None = None
) -> TextScan:
    """The rows of the .parquet `files` (stacked) with a text cell the validator would trim,
    reject or rewrite (`kinds`: column -> its kind, "id" or "text"), and whether `key` is
    strictly increasing: an export sorted by its ids, as most are, shows them unique without
    grouping millions of ids (a neighbour test per batch). ScanStopped once `stop` is set."""
    from concurrent.futures import ThreadPoolExecutor

    import pyarrow.parquet as pq

    # Each footer read once: one per task cost a file of 2,000 small row groups 40 s CPU.
    text = [c for c, k in kinds.items() if k == "text"]
    tasks = []  # (the file's place in `files`, its group scan's arguments), in sheet order
    for k, f in enumerate(files):
        metadata = pq.ParquetFile(f).metadata
        dictionary = _repeating(f, metadata, text)
        tasks += [(k, (f, metadata, dictionary, run)) for run in _runs(metadata)]
    # Runs of row groups two at a time: Arrow's reader and kernels release the GIL.
    with ThreadPoolExecutor(SCAN_THREADS) as pool:
        scans = list(pool.map(lambda task: _group_scan(*task[1], kinds, key, stop), tasks))
    found: list[list[np.ndarray]] = [[] for _ in files]
    starts = [0] * len(files)
    increasing, last = True, None
    for (k, _), scan in zip(tasks, scans, strict=True):
        found[k].append(starts[k] + scan.flagged)
        starts[k] += scan.rows
        increasing = increasing and scan.increasing
        if increasing and scan.first is not None:
            increasing = last is None or pc.greater(scan.first, last).as_py()
            last = scan.last
    flagged = [np.unique(np.concatenate(f)) if f else np.zeros(0, np.int64) for f in found]
    return TextScan(tuple(flagged), increasing)


def _runs(metadata: FileMetaData) -> list[list[int]]:
    """The row groups of a file (its Parquet `metadata`) in runs of at least BATCH_ROWS rows
    (the last: those left), each read as one task: a file of many small groups in a few."""
    runs, run, rows = [], [], 0
    for group in range(metadata.num_row_groups):
        run.append(group)
        rows += metadata.row_group(group).num_rows
        if rows >= BATCH_ROWS:
            runs.append(run)
            run, rows = [], 0
    return [*runs, run] if run else runs


def _repeating(file: Path, metadata: FileMetaData, columns: list[str]) -> list[str]:
    """The free-text `columns` of `file` (its Parquet `metadata`) read as a dictionary, each
    distinct value judged once: those whose first REPEAT_SAMPLE rows hold each value twice or
    more on average. Names that repeat (2,000 in a sample-shaped file) gain; mostly distinct
    names (a real client's prospects) read plain, where building a dictionary of every cell
    cost three times the judging it saved (1.1 against 0.3 s CPU at 3,000,000 leads)."""
    import pyarrow.parquet as pq

    if not columns:
        return []
    batches = pq.ParquetFile(file, metadata=metadata).iter_batches(
        batch_size=REPEAT_SAMPLE, columns=columns, use_threads=False
    )
    first = next(batches, None)
    if first is None:
        return []
    # Text only: a column of empty cells (Arrow's null type) has no distinct value counted.
    types = {c: first.column(c).type for c in columns}
    texts = [
        c for c in columns if pa.types.is_string(types[c]) or pa.types.is_large_string(types[c])
    ]
    return [
        c for c in texts if 2 * pc.count_distinct(first.column(c), mode="all").as_py() <= len(first)
    ]


def _group_scan(
    file: Path,
    metadata: FileMetaData,
    dictionary: list[str],
    groups: list[int],
    kinds: Mapping[str, str],
    key: str,
    stop: threading.Event | None = None,
) -> _GroupScan:
    """text_scan of the row `groups` of `file` (its Parquet `metadata`), by batches of
    BATCH_ROWS; the `dictionary` columns read as Parquet's dictionary (_repeating);
    ScanStopped once `stop` is set (looked at before each batch)."""
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(file, metadata=metadata, read_dictionary=dictionary)
    columns = list(dict.fromkeys([key, *kinds]))
    found, start, increasing, first, last = [], 0, True, None, None
    batches = parquet.iter_batches(
        batch_size=BATCH_ROWS, row_groups=groups, columns=columns, use_threads=False
    )
    for batch in batches:
        if stop is not None and stop.is_set():
            raise ScanStopped
        for name, kind in kinds.items():
            found.append(start + unvouched_text(batch.column(name), kind))
        start += len(batch)
        values = batch.column(key)
        if increasing and len(values):
            increasing = values.null_count == 0 and (
                last is None or pc.greater(values[0], last).as_py()
            )
            increasing = increasing and (
                len(values) < 2 or pc.all(pc.greater(values[1:], values[:-1])).as_py()
            )
            first = values[0] if first is None else first
            last = values[-1]
    flagged = np.unique(np.concatenate(found)) if found else np.zeros(0, np.int64)
    return _GroupScan(flagged, start, increasing, first, last)


def connect() -> object:
    """A DuckDB connection for a sheet left in its file, within the render's memory budget
    (docs/scale.md), printing nothing (no progress bar on a long scan)."""
    import tempfile

    import duckdb  # optional at import time: only big folders come here

    db = duckdb.connect(
        config={
            "threads": 2,
            # Sorts and groups beyond it spill to the system's temporary folder, never to the
            # working folder.
            "memory_limit": "1GB",
            "temp_directory": str(Path(tempfile.gettempdir()) / "deckgen-duckdb"),
            "autoload_known_extensions": False,
            "autoinstall_known_extensions": False,
        }
    )
    db.execute("SET enable_progress_bar = false")  # it would draw on stdout after 2 s
    # Parquet's min/max statistics leave NaN out: without this, a row group of amounts within
    # bounds was skipped whole, and its NaN amount vouched for.
    db.execute("SET parquet_can_have_nan = true")
    return db


_Answer = TypeVar("_Answer")


def interrupted_until_done(futures: Sequence[Future], interrupt: Callable[[], object]) -> None:
    """Calls `interrupt` (a DuckDB connection's) until every future is done: one that falls
    between two of a task's queries has no effect, and a Ctrl-C pressed meanwhile does not
    leave the task running to its end, waited for; it is raised once every future is done."""
    pressed = False
    while running := [future for future in futures if not future.done()]:
        try:
            interrupt()
            wait(running, timeout=0.01)
        except KeyboardInterrupt:  # still stopping it, not waiting for it
            pressed = True
    if pressed:
        raise KeyboardInterrupt


def said_changed(method: Callable[..., _Answer]) -> Callable[..., _Answer]:
    """`method` of a store whose files DuckDB or Arrow read in place: their error (a file
    removed or cut short while a query read it) said by the store's `_unchanged` when a file
    changed."""

    @functools.wraps(method)
    def checked(self: Any, *args: Any) -> _Answer:
        import duckdb

        try:
            return method(self, *args)
        except (duckdb.Error, OSError, pa.ArrowException):
            self._unchanged()
            raise

    return checked


def stamp(file: Path) -> tuple[int, int, int, int]:
    """Device, inode, size and modification time (ns) of `file`: the file validated is the
    file read."""
    found = file.stat()
    return found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns
