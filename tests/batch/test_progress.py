"""Run output: a progress bar on a terminal, log lines for cron, JSON lines, logging records."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from deckgen.batch.progress import JsonLines, LoggerReporter, LogLines, ProgressBar
from deckgen.batch.runner import RunResult
from deckgen.batch.worker import ClientRecord

OK = ClientRecord(
    "acme", "ok", "2026-10", Path("/r/reports/acme/2026-10.pptx"), "/r/acme.xlsx", duration_s=1.25
)
FAILED = ClientRecord(
    "initech",
    "failed",
    "2026-10",
    Path("/r/reports/initech/2026-10.pptx"),
    "/r/initech.xlsx",
    error="unexpected error: KeyError: 'x'",
    traceback="Traceback (most recent call last):\nKeyError: 'x'\n",
    duration_s=0.5,
)
RESULT = RunResult(
    Path("/r/run.toml"),
    Path("/r/reports/manifest-2026-10.json"),
    (OK, FAILED),
    datetime(2026, 11, 1, 3, 0, 0, tzinfo=UTC),
    datetime(2026, 11, 1, 3, 0, 4, tzinfo=UTC),
)


def _feed(reporter: object) -> None:
    reporter.started(Path("/r/run.toml"), 2, 2)  # type: ignore[attr-defined]
    reporter.client_done(OK)  # type: ignore[attr-defined]
    reporter.client_done(FAILED)  # type: ignore[attr-defined]
    reporter.finished(RESULT)  # type: ignore[attr-defined]


def test_json_lines() -> None:
    out = io.StringIO()
    _feed(JsonLines(out))
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    for event in events:
        assert datetime.fromisoformat(event.pop("time")).tzinfo is not None
    assert events == [
        {"event": "run_started", "config": "/r/run.toml", "clients": 2, "jobs": 2},
        {
            "event": "client_finished",
            "client": "acme",
            "status": "ok",
            "duration": 1.25,
            "period": "2026-10",
            "output": "/r/reports/acme/2026-10.pptx",
            "message": "wrote /r/reports/acme/2026-10.pptx",
            "traceback": None,
        },
        {
            "event": "client_finished",
            "client": "initech",
            "status": "failed",
            "duration": 0.5,
            "period": "2026-10",
            "output": "/r/reports/initech/2026-10.pptx",
            "message": "unexpected error: KeyError: 'x'",
            "traceback": "Traceback (most recent call last):\nKeyError: 'x'\n",
        },
        {
            "event": "run_finished",
            "status": "failed",
            "duration": 4.0,
            "ok": 1,
            "failed": 1,
            "manifest": "/r/reports/manifest-2026-10.json",
            "message": "2 clients: 1 ok, 1 failed",
        },
    ]


def test_log_lines_and_summary() -> None:
    log, summary = io.StringIO(), io.StringIO()
    _feed(LogLines(log, summary))
    stamped = [line.split(" ", 1) for line in log.getvalue().splitlines() if line[:1] != " "]
    assert all(datetime.fromisoformat(stamp).tzinfo is not None for stamp, _ in stamped)
    assert [text for _, text in stamped] == [
        "deckgen: run started: /r/run.toml (2 clients, 2 jobs)",
        "deckgen: ok acme (1.2s): wrote /r/reports/acme/2026-10.pptx",
        "deckgen: failed initech (0.5s): unexpected error: KeyError: 'x'",
        "deckgen: run finished: 2 clients: 1 ok, 1 failed; manifest /r/reports/manifest-2026-10.json",
    ]
    assert "    Traceback (most recent call last):\n    KeyError: 'x'\n" in log.getvalue()
    assert summary.getvalue() == RESULT.summary() + "\n"
    assert summary.getvalue() == (
        "deckgen run: 2 clients: 1 ok, 1 failed in 4.0 s\n"
        "  ok      acme     reports/acme/2026-10.pptx\n"
        "  failed  initech  unexpected error: KeyError: 'x'\n"
        "manifest: reports/manifest-2026-10.json\n"
    )


def test_log_lines_keep_every_problem_of_a_data_error() -> None:
    bad_data = ClientRecord(
        "globex",
        "failed",
        "2026-10",
        None,
        "/r/globex.xlsx",
        error="1 problem(s) in the data:\n  - sheet 'orders', row 5, column 'amount': got 'x'",
    )
    log = io.StringIO()
    reporter = LogLines(log, io.StringIO())
    reporter.started(Path("/r/run.toml"), 1, 1)
    reporter.client_done(bad_data)
    lines = log.getvalue().splitlines()
    assert lines[0].endswith("deckgen: run started: /r/run.toml (1 client, 1 job)")
    assert lines[1].endswith("deckgen: failed globex (0.0s): 1 problem(s) in the data:")
    assert lines[2] == "      - sheet 'orders', row 5, column 'amount': got 'x'"


def test_progress_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    bar, summary = io.StringIO(), io.StringIO()
    _feed(ProgressBar(bar, summary))
    frames = bar.getvalue().split("\r")
    drawn = [frame for frame in frames if frame.startswith("[")]
    assert [frame.split("]")[0] for frame in drawn] == [
        "[" + "-" * 24,
        "[" + "#" * 12 + "-" * 12,
        "[" + "#" * 24,
    ]
    assert drawn[-1].startswith("[" + "#" * 24 + "] 2/2 clients, 1 failed ")
    assert all(len(frame) == 59 for frame in drawn)  # one column short of the terminal
    assert "failed: initech: unexpected error: KeyError: 'x'\n" in bar.getvalue()
    assert summary.getvalue() == RESULT.summary() + "\n"


def test_logger_reporter(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="deckgen.batch"):
        _feed(LoggerReporter())
    assert [(r.levelname, r.getMessage().splitlines()[0]) for r in caplog.records] == [
        ("INFO", "run started: /r/run.toml (2 clients, 2 jobs)"),
        ("INFO", "ok acme (1.2s): /r/reports/acme/2026-10.pptx"),
        ("ERROR", "failed initech: unexpected error: KeyError: 'x'"),
        ("ERROR", "deckgen run: 2 clients: 1 ok, 1 failed in 4.0 s"),
    ]
    assert caplog.records[2].getMessage().endswith("KeyError: 'x'\n")
