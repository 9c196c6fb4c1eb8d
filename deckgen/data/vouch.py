"""The rows of a sheet left in its .parquet file(s) that SQL cannot vouch for (issue 17).

A row is vouched for when the validator would neither reject, warn about nor rewrite any of its
cells; every other row is handed to the validator (deckgen.data.pushdown), so that problems read
word for word as in memory. These are DuckDB expressions over a view in deckgen's column names.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pyarrow as pa

from deckgen.data import cells
from deckgen.data.schema import Sheet

# Text the validator trims or rejects: spaces at either end (Python's str.strip: \s, \x85 and
# the Unicode separators), nothing, a character a deck cannot hold; for DuckDB (RE2).
UNVOUCHED_TEXT = r"^[\s\x{85}\p{Z}]|[\s\x{85}\p{Z}]$|^$|" + cells.FORBIDDEN_CHARACTERS
_MISSING = ", ".join("'" + text.replace("'", "''") + "'" for text in cells.MISSING_TEXTS)
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
    `categories`: the distinct values of each category column; `allowed`: their codes)."""
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
        elif column.kind in ("id", "text"):
            read_as_number = r"|\.0+$" if column.kind == "id" else ""
            checks.append(f"regexp_matches({field}, '{UNVOUCHED_TEXT}{read_as_number}')")
            checks.append(f"{field} IN ({_MISSING})")
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


def strictly_increasing(files: list[Path], column: str) -> bool:
    """True when `column` of the .parquet `files`, stacked, has no null and each value is
    greater than the one before (so no two are equal): an export sorted by its ids, as most
    are, shows them unique without grouping millions of ids (a neighbour test per batch)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    last = None
    for file in files:
        for batch in pq.ParquetFile(file).iter_batches(batch_size=1 << 20, columns=[column]):
            values = batch.column(0)
            if values.null_count:
                return False
            if len(values) == 0:
                continue
            if last is not None and not pc.greater(values[0], last).as_py():
                return False
            if len(values) > 1 and not pc.all(pc.greater(values[1:], values[:-1])).as_py():
                return False
            last = values[-1]
    return True


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


def stamp(file: Path) -> tuple[int, int, int, int]:
    """Device, inode, size and modification time (ns) of `file`: the file validated is the
    file read."""
    found = file.stat()
    return found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns
