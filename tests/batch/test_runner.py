"""The runner with a stand-in renderer: failures isolated, periods, selection, manifest, lock."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from deckgen.batch.lock import LOCK_NAME, RunLockedError
from deckgen.batch.progress import LoggerReporter
from deckgen.batch.runner import RunResult, default_period, execute_run
from deckgen.batch.worker import ClientRecord
from deckgen.errors import ConfigError
from deckgen.period import Period

NOV_1 = date(2026, 11, 1)


def _run(config: Path, render: Callable[..., Any], **options: Any) -> RunResult:
    options.setdefault("today", NOV_1)
    options.setdefault("jobs", 1)
    return execute_run(
        config, options.pop("period", None), reporter=LoggerReporter(), render=render, **options
    )


def _manifest(result: RunResult) -> dict[str, Any]:
    return json.loads(result.manifest.read_text(encoding="utf-8"))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_broken_client_does_not_stop_the_others(three_clients: Path, render: Callable) -> None:
    result = _run(three_clients, render)
    reports = three_clients.parent / "reports"
    assert [(r.name, r.status) for r in result.clients] == [
        ("acme", "ok"),
        ("globex", "ok"),
        ("initech", "failed"),
    ]
    assert result.exit_code == 1 and not result.ok
    assert sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*.pptx")) == [
        "acme/2026-10.pptx",
        "globex/2026-10.pptx",
    ]
    assert (reports / "acme/2026-10.pptx").read_text() == "acme|en|2026-10|good"
    assert result.manifest == reports / "manifest-2026-10.json"


def test_manifest_records_each_client(three_clients: Path, render: Callable) -> None:
    result = _run(three_clients, render)
    manifest = _manifest(result)
    folder = three_clients.parent
    assert manifest["deckgen_version"] == "0.1.0"
    assert manifest["periods"] == ["2026-10"]
    assert manifest["requested_period"] is None
    assert manifest["counts"] == {"ok": 2, "failed": 1}
    assert manifest["config"] == str(three_clients)
    assert manifest["started"] <= manifest["finished"]
    acme, _, initech = manifest["clients"]
    assert acme == {
        "name": "acme",
        "status": "ok",
        "period": "2026-10",
        "output": "acme/2026-10.pptx",
        "source": str(folder / "acme.xlsx"),
        "input_sha256": _sha(folder / "acme.xlsx"),
        "output_sha256": _sha(folder / "reports/acme/2026-10.pptx"),
        "slides": 12,
        "headlines": {"Revenue": "1,234 USD"},
        "warnings": ["sheet 'leads'; expected at least one row"],
        "warning_count": 1,
        "error": None,
        "traceback": None,
        "duration_s": acme["duration_s"],
        "mode": "render",
        "base": None,
        "refresh": {},
    }
    assert initech["status"] == "failed"
    assert initech["output_sha256"] is None
    assert initech["input_sha256"] == _sha(folder / "initech.xlsx")
    assert initech["error"] == (
        "1 problem(s) in the data:\n"
        "  - sheet 'orders', row 7, column 'amount': got 'abc'; expected a number"
    )
    assert initech["traceback"] is None  # bad data is not a bug


def test_unexpected_error_keeps_its_traceback(three_clients: Path, render: Callable) -> None:
    (three_clients.parent / "initech.xlsx").write_text("bug")
    initech = _manifest(_run(three_clients, render))["clients"][2]
    assert initech["error"] == "unexpected error: ZeroDivisionError: division by zero"
    assert initech["traceback"].startswith("Traceback (most recent call last):")
    assert initech["traceback"].rstrip().endswith("ZeroDivisionError: division by zero")


def test_rerun_writes_identical_decks(three_clients: Path, render: Callable) -> None:
    first = _manifest(_run(three_clients, render))
    second = _manifest(_run(three_clients, render))
    assert [c["output_sha256"] for c in first["clients"]] == [
        c["output_sha256"] for c in second["clients"]
    ]


@pytest.mark.parametrize(
    ("today", "calendar", "expected"),
    [
        (date(2026, 11, 1), "gregorian", Period("gregorian", 2026, 10)),
        (date(2026, 10, 31), "gregorian", Period("gregorian", 2026, 9)),
        (date(2026, 1, 15), "gregorian", Period("gregorian", 2025, 12)),
        (date(2026, 10, 23), "jalali", Period("jalali", 1405, 7)),  # 1 Aban 1405
        (date(2026, 10, 22), "jalali", Period("jalali", 1405, 6)),  # 30 Mehr 1405
    ],
)
def test_default_period_is_last_complete_month_before_today(
    today: date, calendar: str, expected: Period
) -> None:
    assert default_period(today, calendar) == expected


def test_each_client_gets_its_own_calendar(
    tmp_path: Path, make_config: Callable, render: Callable
) -> None:
    (tmp_path / "data.xlsx").write_text("good")
    (tmp_path / "tehran.toml").write_text('lang = "fa"\nclient = "شرکت تهران"\n')
    config = make_config(
        """
        output = "out/{client}/{lang}-{period}.pptx"
        [[client]]
        name = "berlin"
        source = "data.xlsx"
        [[client]]
        name = "tehran"
        source = "data.xlsx"
        config = "tehran.toml"
        """
    )
    result = _run(config, render)
    assert [(r.period, r.output) for r in result.clients] == [
        ("2026-10", tmp_path / "out/berlin/en-2026-10.pptx"),
        ("1405-07", tmp_path / "out/tehran/fa-1405-07.pptx"),
    ]
    assert (tmp_path / "out/tehran/fa-1405-07.pptx").read_text() == "شرکت تهران|fa|1405-07|good"
    assert result.manifest == tmp_path / "out/manifest-1405-07+2026-10.json"
    rerun = _run(config, render, clients=["tehran"])
    assert rerun.manifest == result.manifest  # the whole run's manifest, not a new one
    assert [c["name"] for c in _manifest(rerun)["clients"]] == ["berlin", "tehran"]
    overridden = _run(config, render, period="1405-06", clients=["tehran"])
    assert overridden.clients[0].output == tmp_path / "out/tehran/fa-1405-06.pptx"


def test_selected_clients_update_the_manifest(three_clients: Path, render: Callable) -> None:
    (three_clients.parent / "initech.xlsx").write_text("fixed now")
    first = _run(three_clients, render, clients=["acme", "initech"])
    assert [r.name for r in first.clients] == ["acme", "initech"]
    assert first.ok
    assert not (three_clients.parent / "reports/globex").exists()
    _run(three_clients, render, clients=["globex"])
    manifest = _manifest(first)
    assert [(c["name"], c["status"]) for c in manifest["clients"]] == [
        ("acme", "ok"),
        ("globex", "ok"),
        ("initech", "ok"),
    ]
    assert manifest["counts"] == {"ok": 3, "failed": 0}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"clients": ["acme", "hooli"]},
            "--clients: no client named hooli; known: acme, globex, initech",
        ),
        (
            {"clients": [""]},
            "--clients: give at least one client name; known: acme, globex, initech",
        ),
        ({"period": "October"}, "--period: expected a period as YYYY-MM, got 'October'"),
    ],
)
def test_bad_options_stop_before_any_work(
    three_clients: Path, render: Callable, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        _run(three_clients, render, **options)
    assert str(caught.value) == message
    assert not (three_clients.parent / "reports").exists()


def test_client_with_bad_settings_fails_alone(three_clients: Path, render: Callable) -> None:
    text = three_clients.read_text().replace(
        'name = "globex"', 'name = "globex"\nconfig = "g.toml"'
    )
    three_clients.write_text(text)
    (three_clients.parent / "g.toml").write_text('lang = "xx"\n')
    result = _run(three_clients, render, clients=["acme", "globex"])
    acme, globex = result.clients
    assert acme.ok
    assert globex.status == "failed" and globex.output is None and globex.period is None
    assert globex.error is not None and "lang: Input should be 'en', 'ar' or 'fa'" in globex.error


def test_orphans_of_a_killed_run_are_removed(three_clients: Path, render: Callable) -> None:
    folder = three_clients.parent / "reports/acme"
    folder.mkdir(parents=True)
    orphan = folder / ".2026-10.pptx.k3j4h5g6.tmp"
    orphan.write_bytes(b"half a deck")
    unrelated = folder / "notes.tmp"
    unrelated.write_text("mine")
    _run(three_clients, render)
    assert not orphan.exists()
    assert unrelated.exists()


def test_locked_output_folder_stops_the_run(three_clients: Path, render: Callable) -> None:
    from filelock import FileLock

    reports = three_clients.parent / "reports"
    reports.mkdir()
    with FileLock(reports / LOCK_NAME), pytest.raises(RunLockedError, match="another deckgen run"):
        _run(three_clients, render)
    assert list(reports.iterdir()) == [reports / LOCK_NAME]


def test_summary_lists_every_client(three_clients: Path, render: Callable) -> None:
    result = _run(three_clients, render)
    lines = result.summary().splitlines()
    assert lines[0].startswith("deckgen run: 3 clients: 2 ok, 1 failed in ")
    assert lines[1:] == [
        "  ok      acme     reports/acme/2026-10.pptx  (1 data warning, see the manifest)",
        "  ok      globex   reports/globex/2026-10.pptx  (1 data warning, see the manifest)",
        "  failed  initech  1 problem(s) in the data: - sheet 'orders', row 7, column 'amount': "
        "got 'abc'; expected a number",
        "manifest: reports/manifest-2026-10.json",
    ]


def test_parallel_run_matches_the_serial_one(three_clients: Path, render: Callable) -> None:
    serial = _run(three_clients, render, jobs=1)
    parallel = _run(three_clients, render, jobs=2)
    assert [(r.name, r.status, r.output_sha256, r.error) for r in parallel.clients] == [
        (r.name, r.status, r.output_sha256, r.error) for r in serial.clients
    ]


def test_a_dying_worker_fails_only_its_own_client(three_clients: Path, render: Callable) -> None:
    (three_clients.parent / "initech.xlsx").write_text("die")
    result = _run(three_clients, render, jobs=2)
    assert [(r.name, r.status) for r in result.clients] == [
        ("acme", "ok"),
        ("globex", "ok"),
        ("initech", "failed"),
    ]
    assert result.clients[2].error == (
        "the process rendering this client died (killed, out of memory, or a native crash)"
    )


def test_cli_rejects_a_bad_run_config_with_exit_code_2(make_config: Callable) -> None:
    import subprocess
    import sys

    config = make_config('output = "{client}.pptx"\njobs = "many"\n')
    done = subprocess.run(
        [sys.executable, "-m", "deckgen.cli", "run", str(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == (
        f"error: 2 problem(s) in {config}:\n"
        "  - jobs: Input should be a valid integer, unable to parse string as an integer"
        " (got 'many')\n"
        "  - client: Field required\n"
    )
    assert done.stdout == ""


def test_summary_points_at_the_warnings_of_a_written_deck(tmp_path: Path) -> None:
    late = ClientRecord(
        "pars",
        "ok",
        "1405-08",
        tmp_path / "reports/pars/1405-08.pptx",
        "pars.xlsx",
        warnings=("sheet 'orders', column 'order_date': got '2026-10-30'; expected ...",),
        warning_count=1,
    )
    stamp = datetime(2026, 11, 23, tzinfo=UTC)
    result = RunResult(tmp_path / "run.toml", tmp_path / "m.json", (late,), stamp, stamp)
    assert result.summary().splitlines()[1] == (
        "  ok      pars  reports/pars/1405-08.pptx  (1 data warning, see the manifest)"
    )


def test_render_processes_use_the_dataclasses_code_cache(
    three_clients: Path, render: Callable
) -> None:
    (three_clients.parent / "acme.xlsx").write_text("code cache")
    result = _run(three_clients, render, jobs=2)
    acme = result.clients[0]
    assert (acme.name, acme.status) == ("acme", "ok")
    assert acme.output is not None
    assert acme.output.read_bytes().endswith(b"|code cache True")
