"""Big .parquet folders loaded with their leads left in the file, for DuckDB (issue 17).

Every sheet but the leads is read and validated as always; the leads stay in leads.parquet and
the metrics ask deckgen.data.lead_store for the aggregates they need (docs/scale.md).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from pathlib import Path

from deckgen.config import Settings, SheetMapping
from deckgen.data.lead_store import LeadStore, PushedTables
from deckgen.data.source import PathSource, SourceSpec
from deckgen.data.tables import Tables
from deckgen.errors import ValidationError

PUSHDOWN_LEADS = 2_000_000  # leads from which a folder's leads are read in place
LEADS_FILE = "leads.parquet"


def pushdown_leads_file(source: SourceSpec | Path, settings: Settings) -> Path | None:
    """The leads file of a local .parquet folder whose leads are to be read in place: under
    engine "duckdb", or "auto" from PUSHDOWN_LEADS leads, when mapped as they are (no renamed
    columns, values or transforms); None for any other source."""
    path = source.path if isinstance(source, PathSource) else source
    if settings.engine == "memory" or not isinstance(path, Path):
        return None
    if not (path / LEADS_FILE).is_file():
        return None
    if settings.mapping("leads") != SheetMapping() or any(
        mapping.transformed for mapping in settings.sheets.values()
    ):
        return None
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        rows = pq.ParquetFile(path / LEADS_FILE).metadata.num_rows
    except (OSError, pa.ArrowException):
        return None  # the ordinary reader names what is wrong with it
    wanted = settings.engine == "duckdb" or rows >= PUSHDOWN_LEADS
    return path / LEADS_FILE if wanted else None


def load_pushed_tables(
    folder: Path, settings: Settings, *, strict: bool = False, today: date | None = None
) -> PushedTables:
    """Validated tables of the local .parquet `folder` with its leads.parquet left in place;
    ValidationError on errors (and on warnings if `strict`), as deckgen.data.load.load_tables."""
    from deckgen.data.load import read_folder_without
    from deckgen.data.mapping import check_mapping
    from deckgen.data.validate import validate_read

    check_mapping(settings)
    read = read_folder_without(folder, settings, LEADS_FILE)
    report = validate_read(read, settings, today=today)
    # The leads are not missing: they are read in place.
    warnings = tuple(p for p in report.warnings if not (p.sheet == "leads" and p.row is None))
    if report.errors:
        raise ValidationError(list(report.errors))
    if strict and warnings:
        raise ValidationError(list(warnings))
    assert report.tables is not None  # no errors means tables
    kept = {f.name: getattr(report.tables, f.name) for f in fields(Tables)}
    return PushedTables(
        **(kept | {"warnings": warnings}), lead_store=LeadStore(folder / LEADS_FILE)
    )
