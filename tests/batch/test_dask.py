"""`deckgen run --executor dask` on a real LocalCluster of two worker processes (no mocks): the
same decks and manifest as the local executor, failures isolated, timeouts, dying workers."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import dask
import pandas as pd
import pytest
from distributed import LocalCluster
from distributed.diagnostics.plugin import SchedulerPlugin

from deckgen.batch.config import ClientSpec
from deckgen.batch.dask_executor import RETRIED, WORKER_DIED
from deckgen.batch.progress import JsonLines, LoggerReporter
from deckgen.batch.runner import RunResult, execute_run
from deckgen.batch.worker import DIED, mask_secrets
from deckgen.data.source import DatabaseSource, PathSource
from deckgen.errors import ConfigError
from tests.batch import render_stubs
from tests.batch.test_runner import NOV_1
from tests.batch.test_timeout import TIMED_OUT

# A password that must never leave the run config: not in logs, manifests, or task keys.
SECRET = "s3cret-Pw9"
REFUSED_URL = f"postgresql+psycopg://reports:{SECRET}@127.0.0.1:1/crm"


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """Two worker processes of one thread each, as an operator would start them for deckgen."""
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 1}),
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as started,
    ):
        yield started


def _run(config: Path, **options: Any) -> RunResult:
    options.setdefault("today", NOV_1)
    options.setdefault("reporter", LoggerReporter())
    return execute_run(config, None, **options)


def _snapshot(result: RunResult) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The manifest's client entries without their timings, and every deck's SHA-256."""
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    entries = [{k: v for k, v in c.items() if k != "duration_s"} for c in manifest["clients"]]
    root = result.manifest.parent
    decks = {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*.pptx"))
    }
    return entries, decks


def _stub_config(folder: Path, sources: dict[str, str]) -> Path:
    """A run config of one client per (name, source text) for the render stand-in."""
    clients = ""
    for name, text in sources.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        clients += f'[[client]]\nname = "{name}"\nsource = "{name}.txt"\n'
    config = folder / "run.toml"
    config.write_text(f'output = "reports/{{client}}/{{period}}.pptx"\n{clients}')
    return config


def test_dask_gives_the_local_executors_decks_and_manifest(
    cluster: LocalCluster, tmp_path: Path, sample_workbook: Path
) -> None:
    """The real renderer: two sample clients (one in Persian), one with bad data, one whose
    source never answers (a FIFO, like a stalled network drive)."""
    shutil.copy(sample_workbook, tmp_path / "acme.xlsx")
    customers = pd.read_excel(sample_workbook, sheet_name="customers", engine="calamine")
    customers.to_excel(tmp_path / "broken.xlsx", sheet_name="customers", index=False)
    os.mkfifo(tmp_path / "stalled.xlsx")
    config = tmp_path / "run.toml"
    # The stalled client first: it holds one worker for the timeout while the other renders the
    # rest, so a run takes about the timeout, which is ample for a sample deck on a busy machine.
    config.write_text(
        'output = "reports/{client}/{period}.pptx"\n'
        '[[client]]\nname = "stalled"\nsource = "stalled.xlsx"\n'
        '[[client]]\nname = "acme"\nsource = "acme.xlsx"\n'
        '[[client]]\nname = "tehran"\nsource = "acme.xlsx"\nlang = "fa"\n'
        '[[client]]\nname = "broken"\nsource = "broken.xlsx"\n'
    )
    local = _run(config, jobs=2, timeout=30)
    local_entries, local_decks = _snapshot(local)
    shutil.rmtree(tmp_path / "reports")
    on_dask = _run(config, timeout=30, executor="dask", scheduler=cluster.scheduler_address)
    dask_entries, dask_decks = _snapshot(on_dask)

    assert [(r.name, r.status) for r in on_dask.clients] == [
        ("stalled", "failed"),
        ("acme", "ok"),
        ("tehran", "ok"),
        ("broken", "failed"),
    ]
    assert sorted(dask_decks) == ["acme/2026-10.pptx", "tehran/1405-07.pptx"]
    assert dask_decks == local_decks  # byte-identical decks, written by the coordinator
    assert dask_entries == local_entries  # every manifest field but the timings
    stalled, broken = on_dask.clients[0], on_dask.clients[3]
    assert "orders" in (broken.error or "") and broken.traceback is None
    assert (stalled.error or "").startswith(TIMED_OUT.format("30"))
    manifest = json.loads(on_dask.manifest.read_text(encoding="utf-8"))
    assert (manifest["executor"], manifest["jobs"], manifest["counts"]) == (
        "dask",
        2,  # the cluster's worker threads
        {"ok": 2, "failed": 2},
    )
    assert on_dask.exit_code == local.exit_code == 1
    assert sorted(p.name for p in (tmp_path / "reports").rglob("*") if p.is_file()) == [
        ".deckgen-run.lock",
        "1405-07.pptx",
        "2026-10.pptx",
        "manifest-1405-07+2026-10.json",
    ]  # no temporary file left behind


def test_a_database_password_never_leaves_the_worker(cluster: LocalCluster, tmp_path: Path) -> None:
    config = tmp_path / "run.toml"
    config.write_text(
        'output = "reports/{client}.pptx"\n'
        f'[[client]]\nname = "globex"\n[client.database]\nurl = "{REFUSED_URL}"\n'
        '[client.database.queries]\ncustomers = "customers"\norders = "orders"\n'
    )
    log = tmp_path / "log.jsonl"
    keys = _KeyRecorder()
    cluster.scheduler.add_plugin(keys)  # the scheduler runs in this process
    try:
        with log.open("w", encoding="utf-8") as stream:
            result = _run(
                config,
                executor="dask",
                scheduler=cluster.scheduler_address,
                reporter=JsonLines(stream),
                timeout=60,
            )
    finally:
        cluster.scheduler.remove_plugin(name=keys.name)
    (globex,) = result.clients
    assert globex.status == "failed"
    assert (globex.error or "").startswith(
        "cannot connect to the database postgresql+psycopg://reports:***@127.0.0.1:1/crm"
    )
    for text in (log.read_text(encoding="utf-8"), result.manifest.read_text(encoding="utf-8")):
        assert SECRET not in text and "***" in text
    (key,) = keys.seen  # what the dashboard and the scheduler's logs name the task by
    assert re.fullmatch(r"deckgen-render-[0-9a-f]{8}", key[0]) and key[1:] == ("globex",)


class _KeyRecorder(SchedulerPlugin):
    """Records the key of every task the scheduler is given."""

    name = "deckgen-test-keys"

    def __init__(self) -> None:
        self.seen: set[Any] = set()

    def transition(self, key: Any, start: str, finish: str, *args: Any, **kwargs: Any) -> None:
        """Note the task's key."""
        self.seen.add(key)


def test_a_render_process_that_dies_is_retried_once(cluster: LocalCluster, tmp_path: Path) -> None:
    config = _stub_config(tmp_path, {"good": "fine", "flaky": "die once", "dead": "die"})
    result = _run(
        config,
        executor="dask",
        scheduler=cluster.scheduler_address,
        render=render_stubs.fake_render,
        timeout=60,
    )
    good, flaky, dead = result.clients
    assert (good.status, flaky.status) == ("ok", "ok")
    assert (tmp_path / "flaky.txt.died").exists()  # its first attempt did die
    assert (tmp_path / "reports/flaky/2026-10.pptx").read_text() == "flaky|en|2026-10|die once"
    assert (dead.status, dead.error, dead.output_sha256) == ("failed", DIED + RETRIED, None)
    assert not (tmp_path / "reports/dead").exists()


def test_jobs_caps_the_clients_on_a_shared_cluster(cluster: LocalCluster, tmp_path: Path) -> None:
    """With --scheduler, --jobs 1 keeps one client on the cluster at a time (e.g. to spare the
    database), though two workers are free."""
    config = _stub_config(tmp_path, {"acme": "slow", "globex": "slow"})
    scheduler = cluster.scheduler_address
    result = _run(
        config, executor="dask", scheduler=scheduler, jobs=1, render=render_stubs.fake_render
    )
    assert result.ok
    (a_start, a_end), (b_start, b_end) = (
        map(float, (tmp_path / f"reports/{name}/2026-10.pptx").read_text().split())
        for name in ("acme", "globex")
    )
    assert a_end <= b_start or b_end <= a_start
    assert json.loads(result.manifest.read_text(encoding="utf-8"))["jobs"] == 1


def test_a_dask_worker_that_dies_is_retried_once_then_recorded(tmp_path: Path) -> None:
    """Without --scheduler deckgen starts its own cluster of --jobs worker processes; a client
    that kills its Dask worker is rescheduled once on a fresh worker, then recorded."""
    config = _stub_config(tmp_path, {"good": "fine", "killer": "kill parent"})
    result = _run(config, executor="dask", jobs=2, render=render_stubs.fake_render, timeout=60)
    good, killer = result.clients
    assert good.status == "ok"
    assert (killer.status, killer.error) == ("failed", WORKER_DIED)
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert (manifest["executor"], manifest["jobs"]) == ("dask", 2)


def test_clients_fail_when_no_worker_joins_within_the_timeout(tmp_path: Path) -> None:
    config = _stub_config(tmp_path, {"acme": "fine", "globex": "fine"})
    with LocalCluster(n_workers=0, dashboard_address=":0") as empty:
        result = _run(
            config,
            executor="dask",
            scheduler=empty.scheduler_address,
            render=render_stubs.fake_render,
            timeout=1,
        )
    assert [r.status for r in result.clients] == ["failed", "failed"]
    assert result.clients[0].error == (
        "no Dask worker was connected to the scheduler for 1 s (the run's timeout), so this "
        "client was not rendered; start workers (docs/scheduling.md) and re-run it with --clients"
    )
    assert result.duration_s < 30


def test_mask_secrets_hides_the_url_and_the_password() -> None:
    spec = ClientSpec(
        name="globex",
        slug="globex",
        source=DatabaseSource(REFUSED_URL, (("orders", "orders"),)),
        config=None,
        lang=None,
        calendar=None,
        template=None,
        templates_dir=None,
        charts="native",
        logo=None,
    )
    message = f"OperationalError: ({REFUSED_URL}) password {SECRET!r} rejected"
    assert mask_secrets(message, spec) == (
        "OperationalError: (postgresql+psycopg://reports:***@127.0.0.1:1/crm) password "
        "'***' rejected"
    )
    # Any other source: URLs in the text are masked all the same; a bare password is unknown.
    assert mask_secrets(message, replace(spec, source=PathSource(Path("a.xlsx")))) == (
        "OperationalError: (postgresql+psycopg://reports:***@127.0.0.1:1/crm) password "
        f"{SECRET!r} rejected"
    )


def test_scheduler_unreachable_is_one_message_and_exit_2(tmp_path: Path) -> None:
    config = _stub_config(tmp_path, {"acme": "fine"})
    env = {**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s"}
    command = ["run", str(config), "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"]
    done = subprocess.run(
        [sys.executable, "-m", "deckgen.cli", *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith(
        "error: cannot connect to the Dask scheduler at tcp://127.0.0.1:9: "
    )
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "reports/acme").exists()


def test_without_dask_installed_one_message_and_exit_2(tmp_path: Path) -> None:
    config = _stub_config(tmp_path, {"acme": "fine"})
    # An entry of None in sys.modules makes `import distributed` fail as if it were not installed.
    probe = (
        "import sys; sys.modules['distributed'] = None; from deckgen.cli import main; "
        f"sys.argv = ['deckgen', 'run', {str(config)!r}, '--executor', 'dask']; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 2
    assert done.stderr == (
        "error: --executor dask needs Dask distributed, which is not installed (import of "
        "distributed halted; None in sys.modules); install it with: "
        'pip install "deckgen[dask]"\n'
    )
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize(
    ("line", "options", "message"),
    [
        ("", {"scheduler": "tcp://127.0.0.1:8786"}, "--scheduler is the address of a Dask"),
        (
            'scheduler = "tcp://10.0.0.5:8786"\n',
            {},
            'scheduler is the address of a Dask scheduler: set executor = "dask"',
        ),
        ('executor = "spark"\n', {}, "executor: Input should be 'local' or 'dask'"),
        (
            'executor = "dask"\nscheduler = ""\n',
            {},
            "scheduler: String should have at least 1 character",
        ),
    ],
)
def test_bad_executor_settings(
    tmp_path: Path, line: str, options: dict[str, str], message: str
) -> None:
    config = _stub_config(tmp_path, {"acme": "fine"})
    config.write_text(line + config.read_text())
    with pytest.raises(ConfigError, match=message):
        _run(config, **options)


def test_help_does_not_import_dask() -> None:
    probe = (
        "import sys; from deckgen.cli import cli; "
        "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
