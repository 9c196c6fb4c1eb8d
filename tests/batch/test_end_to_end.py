"""Real runs (the real pipeline and sample data): failures, re-runs, kills, locks, SQL sources."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import deckgen
from deckgen.batch.lock import LOCK_NAME

PERIOD = "2026-10"


def _deckgen_run(*args: str) -> subprocess.CompletedProcess[str]:
    """`deckgen run ...` in a fresh process, as cron would start it (not on a terminal)."""
    command = [sys.executable, "-m", "deckgen.cli", "run", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def _manifest(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def three_client_run(tmp_path_factory: pytest.TempPathFactory, sample_workbook: Path) -> dict:
    """`deckgen run --jobs 2` over acme and globex (sample data) and initech (no orders sheet)."""
    folder = tmp_path_factory.mktemp("three")
    shutil.copy(sample_workbook, folder / "acme.xlsx")
    shutil.copy(sample_workbook, folder / "globex.xlsx")
    customers = pd.read_excel(sample_workbook, sheet_name="customers", engine="calamine")
    customers.to_excel(folder / "initech.xlsx", sheet_name="customers", index=False)
    config = folder / "run.toml"
    clients = "".join(
        f'[[client]]\nname = "{name}"\nsource = "{name}.xlsx"\n'
        for name in ("acme", "globex", "initech")
    )
    config.write_text(f'output = "reports/{{client}}/{{period}}.pptx"\n{clients}')
    done = _deckgen_run(str(config), "--period", PERIOD, "--jobs", "2")
    return {"config": config, "reports": folder / "reports", "process": done}


def test_broken_client_fails_alone(three_client_run: dict) -> None:
    done, reports = three_client_run["process"], three_client_run["reports"]
    assert done.returncode == 1, done.stderr
    decks = sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*.pptx"))
    assert decks == ["acme/2026-10.pptx", "globex/2026-10.pptx"]
    manifest = _manifest(reports / "manifest-2026-10.json")
    assert manifest["counts"] == {"ok": 2, "failed": 1}
    assert manifest["jobs"] == 2
    initech = manifest["clients"][2]
    assert (initech["name"], initech["status"], initech["traceback"]) == ("initech", "failed", None)
    assert "orders" in initech["error"]
    assert "failed initech (" in done.stderr  # the plain log line, as under cron
    assert done.stdout.startswith("deckgen run: 3 clients: 2 ok, 1 failed in ")


def test_manifest_checksums_and_headlines(three_client_run: dict) -> None:
    from deckgen.batch.manifest import file_sha256

    reports = three_client_run["reports"]
    acme, globex, _ = _manifest(reports / "manifest-2026-10.json")["clients"]
    assert acme["output_sha256"] == file_sha256(reports / "acme/2026-10.pptx")
    assert acme["input_sha256"] == globex["input_sha256"]  # copies of one workbook
    assert acme["output_sha256"] != globex["output_sha256"]  # the client name differs
    assert acme["headlines"] and all(isinstance(v, str) for v in acme["headlines"].values())
    assert acme["slides"] > 5


def test_rerun_gives_identical_decks(three_client_run: dict) -> None:
    reports = three_client_run["reports"]
    before = {p: p.read_bytes() for p in reports.rglob("*.pptx")}
    # In-process this time: one job and no timeout need no worker process.
    result = deckgen.run(three_client_run["config"], PERIOD, jobs=1, timeout=0)
    assert [r.status for r in result.clients] == ["ok", "ok", "failed"]
    assert {p: p.read_bytes() for p in reports.rglob("*.pptx")} == before


_BLOCKED_RUN = """
import os, sys, time
from pathlib import Path

real_replace = os.replace


def replace_never(src, dst):
    # Stop just before a deck would be renamed into place: its temporary file is complete.
    if str(dst).endswith(".pptx"):
        Path(sys.argv[2]).write_text(str(src))
        time.sleep(600)
    real_replace(src, dst)


os.replace = replace_never
import deckgen

deckgen.run(sys.argv[1], "2026-10", jobs=1, timeout=0)  # in this process, where os.replace is patched
"""


def test_killed_run_leaves_no_partial_deck_and_no_stale_lock(
    tmp_path: Path, sample_workbook: Path
) -> None:
    config = tmp_path / "run.toml"
    config.write_text(
        f'output = "reports/{{client}}/{{period}}.pptx"\n'
        f'[[client]]\nname = "acme"\nsource = "{sample_workbook}"\n'
    )
    reports, ready = tmp_path / "reports", tmp_path / "ready"
    command = [sys.executable, "-c", _BLOCKED_RUN, str(config), str(ready)]
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True) as victim:
        try:
            deadline = time.monotonic() + 120
            while not ready.exists() and victim.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert ready.exists(), victim.stderr.read() if victim.poll() is not None else "timeout"
            temp = Path(ready.read_text())
            assert temp.parent == reports / "acme" and temp.stat().st_size > 0
            assert temp.name.startswith(".2026-10.pptx.") and temp.name.endswith(".tmp")

            overlapping = _deckgen_run(str(config), "--period", PERIOD)
            assert overlapping.returncode == 3
            assert overlapping.stderr == (
                f"error: another deckgen run is writing to {reports} (it holds "
                f"{reports / LOCK_NAME}) and lock_timeout is 0; try again when it has finished\n"
            )
        finally:
            victim.kill()  # SIGKILL mid-run: no cleanup code runs
    assert list(reports.rglob("*.pptx")) == []
    assert temp.exists()  # the orphan is hidden and not a .pptx

    result = deckgen.run(config, PERIOD, jobs=1)  # the lock died with its process
    assert result.ok
    assert not temp.exists()
    assert [p.name for p in (reports / "acme").iterdir()] == ["2026-10.pptx"]


def test_sqlite_source_gives_the_workbook_deck(tmp_path: Path, database_matches_workbook) -> None:
    database_matches_workbook(f"sqlite:///{tmp_path / 'crm.db'}", tmp_path)


def test_a_month_without_orders_is_never_ok(tmp_path: Path, sample_frames: dict) -> None:
    from datetime import datetime

    from deckgen.data.sample import write_workbook

    frames = dict(sample_frames)
    orders = frames["orders"]
    frames["orders"] = orders[orders["order_date"].dt.strftime("%Y-%m") != "2026-09"]
    write_workbook(frames, tmp_path / "gap.xlsx", created=datetime(2026, 11, 1))
    config = tmp_path / "run.toml"
    config.write_text(
        'output = "{client}-{period}.pptx"\n[[client]]\nname = "gap"\nsource = "gap.xlsx"\n'
    )
    result = deckgen.run(config, "2026-09", jobs=1)
    (record,) = result.clients
    assert record.status == "failed"
    assert record.error.startswith("--period 2026-09: no order is dated in that month")
    assert not (tmp_path / "gap-2026-09.pptx").exists()
