"""Big .parquet folders loaded with their leads left in the file, for DuckDB (issue 17).

Every sheet but the leads is read and validated as always; the leads stay in leads.parquet and
the metrics ask deckgen.data.lead_store for the aggregates they need (docs/scale.md).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from deckgen.config import Settings, SheetMapping
from deckgen.data.lead_store import LeadStore, PushedTables
from deckgen.data.load import Source, load_tables, read_folder_without, with_rows
from deckgen.data.mapping import allowed_codes, check_mapping
from deckgen.data.schema import LEADS
from deckgen.data.source import PathSource, SourceSpec
from deckgen.data.tables import Tables
from deckgen.errors import ValidationError

if TYPE_CHECKING:
    import pyarrow as pa

PUSHDOWN_LEADS = 2_000_000  # leads from which a folder's leads are read in place
LEADS_FILE = "leads.parquet"
GLOB_CHARACTERS = "*?["  # read_parquet expands them
LEADS_COLUMNS = {column.name for column in LEADS.columns}
ROW_NUMBER = "file_row_number"  # the column DuckDB adds for each row's position in the file


def pushdown_leads_file(source: SourceSpec | Path, settings: Settings) -> Path | None:
    """The leads file of a local .parquet folder whose leads are to be read in place: under
    engine "duckdb", or "auto" from PUSHDOWN_LEADS leads, when mapped as they are (no renamed
    columns, values or transforms); None for any other source."""
    path = source.path if isinstance(source, PathSource) else source
    if settings.engine == "memory" or not isinstance(path, Path):
        return None
    # DuckDB reads a path as a glob: a folder named "acme [2026]" or "client?" could match others.
    if not (path / LEADS_FILE).is_file() or any(c in str(path) for c in GLOB_CHARACTERS):
        return None
    if settings.mapping("leads") != SheetMapping() or any(
        mapping.transformed for mapping in settings.sheets.values()
    ):
        return None
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        file = pq.ParquetFile(path / LEADS_FILE)
    except (OSError, pa.ArrowException):
        return None  # the ordinary reader names what is wrong with it
    # DuckDB numbers the rows in a column of its own name: a client's column of that name clashes.
    if not _typed_as_ours(file.schema_arrow) or ROW_NUMBER in file.schema_arrow.names:
        return None
    rows = file.metadata.num_rows
    wanted = rows > 0 and (settings.engine == "duckdb" or rows >= PUSHDOWN_LEADS)
    return path / LEADS_FILE if wanted else None


def _typed_as_ours(schema: pa.Schema) -> bool:
    """True when the leads file has our required columns and each of our columns in a type
    SQL reads as the validator would: text as strings, dates as dates without a time zone,
    ages as integers (any other file is read in memory, where the validator names problems)."""
    import pyarrow as pa

    if any(c.required and c.name not in schema.names for c in LEADS.columns):
        return False
    kinds = {
        "id": pa.types.is_string,
        "text": pa.types.is_string,
        "category": pa.types.is_string,
        "date": lambda t: pa.types.is_date(t) or (pa.types.is_timestamp(t) and t.tz is None),
        "int": pa.types.is_integer,
    }
    for field_ in schema:
        if field_.name not in LEADS_COLUMNS or pa.types.is_null(field_.type):
            continue
        kind = LEADS.column(field_.name).kind
        text = pa.types.is_large_string(field_.type) and kind in ("id", "text", "category")
        if not (kinds[kind](field_.type) or text):
            return False
    return True


def load_pushed_tables(
    folder: Path, settings: Settings, *, strict: bool = False, today: date | None = None
) -> PushedTables:
    """Validated tables of the local .parquet `folder` with its leads.parquet left in place;
    ValidationError on errors (and on warnings if `strict`), with the messages of
    deckgen.data.load.load_tables: the validator judges every lead row SQL cannot vouch for."""
    from deckgen.data.validate import validate_read

    check_mapping(settings)
    today = today or date.today()
    store = LeadStore(folder / LEADS_FILE)
    if store.empty():  # blank rows only: read as in memory, which skips the lead slides
        return load_tables(folder, settings, strict=strict, today=today)
    read = read_folder_without(folder, settings, LEADS_FILE)
    allowed = {
        name: allowed_codes(LEADS.column(name), settings.vocabulary) or ()
        for name in ("channel", "status")
    }
    table, positions = store.unvouched(allowed, _customer_ids(read, settings), today)
    if len(positions):
        read = with_rows(read, settings, "leads", table, positions)
    report = validate_read(read, settings, today=today)
    # The leads are neither missing nor empty, though the validator saw only some rows or none.
    warnings = tuple(
        p
        for p in report.warnings
        if not (p.sheet == "leads" and p.rule in ("empty_sheet", "missing_sheet"))
    )
    if report.errors:
        raise ValidationError(list(report.errors))
    if strict and warnings:
        raise ValidationError(list(warnings))
    assert report.tables is not None  # no errors means tables
    if report.tables.leads is not None:
        # Read the judged rows as validated (codes spelt as ours, text trimmed).
        ours = [c for c in table.column_names if c in LEADS_COLUMNS]
        filled = ~table.select(ours).to_pandas().isna().all(axis=1).to_numpy()
        store.correct(report.tables.leads.assign(file_row_number=positions[filled]))
    kept = {f.name: getattr(report.tables, f.name) for f in fields(Tables)}
    return PushedTables(**(kept | {"warnings": warnings, "leads": None}), lead_store=store)


def _customer_ids(read: Source, settings: Settings) -> pa.ChunkedArray:
    """The customer ids of the customers sheet as read (none without one)."""
    import pyarrow as pa

    frame = read.frames.get("customers")
    column = settings.mapping("customers").columns.get("customer_id", "customer_id")
    if frame is None or column not in frame.columns:
        return pa.chunked_array([], pa.string())
    return pa.chunked_array([pa.array(frame[column].astype("string"), from_pandas=True)])
