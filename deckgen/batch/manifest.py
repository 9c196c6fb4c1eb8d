"""The run manifest (JSON beside the decks) and the checksums it records."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Collection, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deckgen import __version__

if TYPE_CHECKING:
    from deckgen.batch.worker import ClientRecord

_CHUNK = 1 << 20  # bytes read at a time while hashing


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def source_sha256(path: Path) -> str:
    """Hex SHA-256 of a workbook, or of a folder's visible files (names and contents, sorted)."""
    if not path.is_dir():
        return file_sha256(path)
    digest = hashlib.sha256()
    files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
    for file in files:
        digest.update(file.name.encode() + b"\0" + bytes.fromhex(file_sha256(file)))
    return digest.hexdigest()


def manifest_path(root: Path, periods: Sequence[str]) -> Path:
    """Where the manifest of a run over `periods` (period keys) is written."""
    return root / f"manifest-{'+'.join(sorted(set(periods)))}.json"


def write_manifest(
    path: Path,
    records: Sequence[ClientRecord],
    *,
    config: Path,
    requested_period: str | None,
    executor: str,
    jobs: int,
    timeout: float,
    started: datetime,
    finished: datetime,
    keep: Collection[str],
) -> dict[str, Any]:
    """Write the manifest atomically and return it; earlier entries of clients in `keep` not run now stay."""
    from deckgen.pipeline import write_atomically

    entries = {record.name: _entry(record, path.parent) for record in records}
    for earlier in _earlier_entries(path):
        name = earlier.get("name")
        if name in keep and name not in entries:
            entries[name] = earlier
    clients = [entries[name] for name in sorted(entries)]
    manifest = {
        "deckgen_version": __version__,
        "config": str(config),
        "periods": sorted({c["period"] for c in clients if c.get("period")}),
        "requested_period": requested_period,
        "started": _iso(started),
        "finished": _iso(finished),
        "duration_s": round((finished - started).total_seconds(), 3),
        "executor": executor,
        "jobs": jobs,
        "timeout_s": timeout,
        "counts": {
            status: sum(c.get("status") == status for c in clients) for status in ("ok", "failed")
        },
        "clients": clients,
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    write_atomically(path, text.encode("utf-8"))
    return manifest


def _entry(record: ClientRecord, folder: Path) -> dict[str, Any]:
    output = None if record.output is None else Path(os.path.relpath(record.output, folder))
    return {
        "name": record.name,
        "status": record.status,
        "period": record.period,
        "output": None if output is None else output.as_posix(),
        "source": record.source,
        "input_sha256": record.input_sha256,
        "output_sha256": record.output_sha256,
        "slides": record.slides,
        "headlines": dict(record.headlines),
        "warnings": list(record.warnings),
        "warning_count": record.warning_count,
        "error": record.error,
        "traceback": record.traceback,
        "duration_s": round(record.duration_s, 3),
        "mode": record.mode,
        "base": None
        if record.base is None
        else Path(os.path.relpath(record.base, folder)).as_posix(),
        "refresh": dict(record.refresh),
    }


def _earlier_entries(path: Path) -> list[dict[str, Any]]:
    """Client entries of the manifest already at `path`; none if it is missing or unreadable."""
    try:
        clients = json.loads(path.read_text(encoding="utf-8")).get("clients", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [c for c in clients if isinstance(c, dict)]


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
