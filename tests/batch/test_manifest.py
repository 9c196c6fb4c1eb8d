"""Checksums and the manifest file."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from deckgen.batch.manifest import (
    file_sha256,
    manifest_path,
    source_sha256,
    write_manifest,
)
from deckgen.batch.worker import ClientRecord
from deckgen.data.sql import tables_sha256

START = datetime(2026, 11, 1, 3, 0, 0, tzinfo=UTC)
END = datetime(2026, 11, 1, 3, 1, 30, 500_000, tzinfo=UTC)


def test_file_checksum(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"abc")
    assert file_sha256(path) == hashlib.sha256(b"abc").hexdigest()
    assert source_sha256(path) == file_sha256(path)


def test_folder_checksum_covers_names_and_contents_not_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text("1")
    (tmp_path / "customers.csv").write_text("2")
    expected = hashlib.sha256(
        b"customers.csv\0"
        + hashlib.sha256(b"2").digest()
        + b"orders.csv\0"
        + hashlib.sha256(b"1").digest()
    ).hexdigest()
    assert source_sha256(tmp_path) == expected
    (tmp_path / ".orders.csv.swp").write_text("editor junk")
    assert source_sha256(tmp_path) == expected
    (tmp_path / "orders.csv").rename(tmp_path / "orders2.csv")
    assert source_sha256(tmp_path) != expected


def test_database_checksum_is_arrow_csv_in_sheet_order() -> None:
    orders = pa.table({"order_id": ["O1"], "amount": [9.5]})
    customers = pa.table({"customer_id": ["C1", None]})
    expected = hashlib.sha256(
        b'customers\0"customer_id"\n"C1"\n\n\0orders\0"order_id","amount"\n"O1",9.5\n\0'
    ).hexdigest()
    assert tables_sha256({"orders": orders, "customers": customers}) == expected
    assert tables_sha256({"customers": customers, "orders": orders}) == expected
    changed = orders.set_column(1, "amount", pa.array([9.6]))
    assert tables_sha256({"orders": changed, "customers": customers}) != expected


def test_manifest_path_names_the_periods(tmp_path: Path) -> None:
    assert manifest_path(tmp_path, ["2026-10", "2026-10"]) == tmp_path / "manifest-2026-10.json"
    assert manifest_path(tmp_path, ["2026-10", "1405-07"]) == (
        tmp_path / "manifest-1405-07+2026-10.json"
    )


def _write(path: Path, records: list[ClientRecord], keep: set[str]) -> dict:
    return write_manifest(
        path,
        records,
        config=Path("/cfg/run.toml"),
        requested_period="2026-10",
        executor="dask",
        jobs=2,
        timeout=600.0,
        started=START,
        finished=END,
        keep=keep,
    )


def test_manifest_is_written_and_keeps_other_clients(tmp_path: Path) -> None:
    path = tmp_path / "manifest-2026-10.json"
    deck = tmp_path / "acme/2026-10.pptx"
    acme = ClientRecord("acme", "ok", "2026-10", deck, "/d/acme.xlsx", duration_s=1.23456)
    gone = ClientRecord("gone", "ok", "2026-10", None, "/d/gone.xlsx")
    _write(path, [acme, gone], {"acme", "gone", "zeta"})
    zeta = ClientRecord("zeta", "failed", "2026-10", None, "/d/zeta.xlsx", error="bad")
    written = _write(path, [zeta], {"acme", "zeta"})  # "gone" left the run config
    assert json.loads(path.read_text(encoding="utf-8")) == written
    assert {k: written[k] for k in written if k != "clients"} == {
        "deckgen_version": "0.1.0",
        "config": "/cfg/run.toml",
        "periods": ["2026-10"],
        "requested_period": "2026-10",
        "started": "2026-11-01T03:00:00+00:00",
        "finished": "2026-11-01T03:01:30+00:00",
        "duration_s": 90.5,
        "executor": "dask",
        "jobs": 2,
        "timeout_s": 600.0,
        "counts": {"ok": 1, "failed": 1},
    }
    assert [(c["name"], c["status"]) for c in written["clients"]] == [
        ("acme", "ok"),
        ("zeta", "failed"),
    ]
    assert written["clients"][0]["output"] == "acme/2026-10.pptx"
    assert written["clients"][0]["duration_s"] == 1.235
    assert list(tmp_path.glob(".*.tmp")) == []


def test_unreadable_earlier_manifest_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "manifest-2026-10.json"
    path.write_text("{not json")
    record = ClientRecord("acme", "ok", "2026-10", None, "/d/acme.xlsx")
    assert [c["name"] for c in _write(path, [record], {"acme", "b"})["clients"]] == ["acme"]
