"""A client that never finishes cannot hold a run hostage: its worker is killed at the timeout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from deckgen.batch.lock import LOCK_NAME
from deckgen.batch.progress import LoggerReporter
from deckgen.batch.runner import RunResult, execute_run
from deckgen.errors import ConfigError
from deckgen.wording import default_templates_dir
from tests.batch.test_runner import NOV_1

TIMED_OUT = "timed out: the client was still rendering after {} s (the run's timeout)"


def _run(config: Path, render: Callable[..., Any], **options: Any) -> RunResult:
    return execute_run(
        config, None, reporter=LoggerReporter(), render=render, today=NOV_1, **options
    )


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_client_that_hangs_is_stopped_and_the_run_goes_on(
    three_clients: Path, render: Callable[..., Any], jobs: int
) -> None:
    (three_clients.parent / "globex.xlsx").write_text("hang")
    result = _run(three_clients, render, jobs=jobs, timeout=1.5)
    assert [(r.name, r.status) for r in result.clients] == [
        ("acme", "ok"),
        ("globex", "failed"),
        ("initech", "failed"),  # its own bad data, after the hung client in config order
    ]
    globex = result.clients[1]
    assert globex.error is not None and globex.error.startswith(TIMED_OUT.format("1.5"))
    assert result.duration_s < 120  # not the hour the client would have taken
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["timeout_s"] == 1.5
    entry = next(c for c in manifest["clients"] if c["name"] == "globex")
    assert (entry["status"], entry["error"], entry["output_sha256"]) == (
        "failed",
        globex.error,
        None,
    )
    reports = three_clients.parent / "reports"
    # A worker returns its deck to the run, which writes it: a killed one wrote nothing here.
    assert not (reports / "globex").exists()
    with FileLock(reports / LOCK_NAME, timeout=0):  # released: the next run can start at once
        pass


def test_the_config_sets_the_timeout_and_the_option_overrides_it(
    three_clients: Path, render: Callable[..., Any]
) -> None:
    (three_clients.parent / "globex.xlsx").write_text("hang")
    three_clients.write_text("timeout = 1\n" + three_clients.read_text())
    globex = _run(three_clients, render, jobs=2).clients[1]
    assert globex.error is not None and globex.error.startswith(TIMED_OUT.format("1"))
    result = _run(three_clients, render, jobs=2, timeout=2)
    assert result.clients[1].error.startswith(TIMED_OUT.format("2"))  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("line", "message"), [("timeout = -1", "timeout: Input should be greater than or equal to 0")]
)
def test_a_bad_timeout_in_the_config(
    three_clients: Path, render: Callable[..., Any], line: str, message: str
) -> None:
    three_clients.write_text(f"{line}\n" + three_clients.read_text())
    with pytest.raises(ConfigError, match=message):
        _run(three_clients, render)


def test_the_cli_refuses_a_negative_timeout(three_clients: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "deckgen.cli", "run", str(three_clients), "--timeout", "-5"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Invalid value for '--timeout': -5.0 is not in the range 0<=x<=86400." in done.stderr
    assert "Traceback" not in done.stderr


def test_deckgen_run_stops_a_stalled_source_and_a_looping_template(
    tmp_path: Path, sample_workbook: Path
) -> None:
    """The real renderer: a template loop is stopped by its budget, a source that never answers
    (a FIFO, like a stalled network drive) by the run's timeout; the good client is written."""
    wording = tmp_path / "wording" / "en" / "slides" / "title.j2"
    wording.parent.mkdir(parents=True)
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    default = (default_templates_dir() / "en" / "slides" / "title.j2").read_text(encoding="utf-8")
    line = 1 + next(n for n, text in enumerate(default.splitlines()) if "{% block title %}" in text)
    wording.write_text(default.replace("{% block title %}", "{% block title %}" + loop, 1))
    os.mkfifo(tmp_path / "stalled.xlsx")
    config = tmp_path / "run.toml"
    config.write_text(
        'output = "reports/{client}/{period}.pptx"\n'
        f'[[client]]\nname = "good"\nsource = "{sample_workbook}"\n'
        f'[[client]]\nname = "looping"\nsource = "{sample_workbook}"\ntemplates = "wording"\n'
        '[[client]]\nname = "stalled"\nsource = "stalled.xlsx"\n',
        encoding="utf-8",
    )
    command = ["run", str(config), "--period", "2026-10", "--jobs", "2", "--timeout", "12"]
    done = subprocess.run(
        [sys.executable, "-m", "deckgen.cli", *command],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr  # some clients failed; the run itself did not
    manifest = json.loads((tmp_path / "reports/manifest-2026-10.json").read_text(encoding="utf-8"))
    good, looping, stalled = manifest["clients"]
    assert good["status"] == "ok" and (tmp_path / "reports/good/2026-10.pptx").is_file()
    assert looping["status"] == "failed"
    assert looping["error"].startswith(f"{wording}, line {line}: the template ran more than ")
    assert stalled["status"] == "failed"
    assert stalled["error"].startswith(TIMED_OUT.format("12"))
    assert looping["traceback"] is None and stalled["traceback"] is None
    assert "Traceback" not in done.stderr
    assert f"failed stalled (12.0s): {TIMED_OUT.format('12')}" in done.stderr


def test_workers_that_cannot_start_fail_their_clients_and_the_run_ends(
    three_clients: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    import boot_failure

    monkeypatch.setenv("DECKGEN_TEST_NO_WORKERS", "1")
    result = _run(three_clients, boot_failure.never_called, jobs=2, timeout=60)
    assert [(r.status, r.error) for r in result.clients] == [
        ("failed", "a worker process could not start (it ended before it was ready)")
    ] * 3
