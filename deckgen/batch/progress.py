"""What a run tells its operator: a progress bar on a terminal, log lines otherwise, or JSON lines."""

from __future__ import annotations

import json
import logging
import shutil
import time
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

if TYPE_CHECKING:
    from deckgen.batch.runner import RunResult
    from deckgen.batch.worker import ClientRecord


class Reporter(Protocol):
    """Receives a run's events, in order: started, one done per client, finished."""

    def started(self, config: Path, clients: int, jobs: int) -> None:
        """The run holds its lock and is about to render `clients` decks."""

    def client_done(self, record: ClientRecord) -> None:
        """One client finished (ok or failed)."""

    def finished(self, result: RunResult) -> None:
        """Every client is done and the manifest is written."""


def _one_line(text: str) -> str:
    """`text` with line breaks and other control characters escaped: one log line stays one."""
    return "".join(
        repr(char)[1:-1] if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char
        for char in text
    )


def _client_message(record: ClientRecord) -> str:
    if record.ok:
        return f"wrote {record.output}"
    return (record.error or "failed").splitlines()[0]


def _indented(traceback: str | None) -> str:
    """An unexpected error's traceback, indented under its log line (empty for bad input)."""
    if not traceback:
        return ""
    return "".join(f"    {line}\n" for line in traceback.rstrip("\n").splitlines())


class ProgressBar:
    """A one-line progress bar redrawn on a terminal, with failures printed above it."""

    def __init__(self, stream: TextIO, summary: TextIO) -> None:
        self._stream, self._summary = stream, summary
        self._total = self._done = self._failed = 0
        self._started = time.monotonic()

    def started(self, config: Path, clients: int, jobs: int) -> None:
        """Draw the empty bar."""
        self._total, self._started = clients, time.monotonic()
        self._draw("")

    def client_done(self, record: ClientRecord) -> None:
        """Advance the bar; print a failure on its own line."""
        self._done += 1
        if not record.ok:
            self._failed += 1
            self._clear()
            self._stream.write(f"failed: {_one_line(record.name)}: {_client_message(record)}\n")
            self._stream.write(_indented(record.traceback))
        self._draw(record.name)

    def finished(self, result: RunResult) -> None:
        """Clear the bar and print the summary."""
        self._clear()
        self._summary.write(result.summary() + "\n")
        self._summary.flush()

    def _draw(self, last: str) -> None:
        width = 24
        filled = width * self._done // max(self._total, 1)
        bar = "#" * filled + "-" * (width - filled)
        failed = f", {self._failed} failed" if self._failed else ""
        elapsed = time.monotonic() - self._started
        line = f"[{bar}] {self._done}/{self._total} clients{failed} {elapsed:.0f}s {last}"
        columns = shutil.get_terminal_size().columns
        self._stream.write("\r" + line[: columns - 1].ljust(columns - 1))
        self._stream.flush()

    def _clear(self) -> None:
        self._stream.write("\r" + " " * (shutil.get_terminal_size().columns - 1) + "\r")


class LogLines:
    """Plain, timestamped log lines, one per event (cron mails and journald keep them)."""

    def __init__(self, stream: TextIO, summary: TextIO) -> None:
        self._stream, self._summary = stream, summary

    def started(self, config: Path, clients: int, jobs: int) -> None:
        """Log the start."""
        noun = "client" if clients == 1 else "clients"
        self._line(f"run started: {config} ({clients} {noun}, {jobs} job{'s' * (jobs != 1)})")

    def client_done(self, record: ClientRecord) -> None:
        """Log one client's outcome."""
        self._line(
            f"{record.status} {record.name} ({record.duration_s:.1f}s): {_client_message(record)}"
        )
        # A data error lists its problems on the lines after the first: cron mails need them.
        detail = "\n".join((record.error or "").splitlines()[1:])
        self._stream.write(_indented(detail) + _indented(record.traceback))

    def finished(self, result: RunResult) -> None:
        """Log the end and print the summary."""
        self._line(f"run finished: {result.counts_text()}; manifest {result.manifest}")
        self._summary.write(result.summary() + "\n")
        self._summary.flush()

    def _line(self, text: str) -> None:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        self._stream.write(f"{stamp} deckgen: {_one_line(text)}\n")
        self._stream.flush()


class JsonLines:
    """One JSON object per line: event, client, status, duration, message."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def started(self, config: Path, clients: int, jobs: int) -> None:
        """Emit `run_started`."""
        self._emit("run_started", config=str(config), clients=clients, jobs=jobs)

    def client_done(self, record: ClientRecord) -> None:
        """Emit `client_finished`."""
        self._emit(
            "client_finished",
            client=record.name,
            status=record.status,
            duration=round(record.duration_s, 3),
            period=record.period,
            output=None if record.output is None else str(record.output),
            message=_client_message(record) if record.ok else record.error or "failed",
            traceback=record.traceback,
        )

    def finished(self, result: RunResult) -> None:
        """Emit `run_finished`."""
        self._emit(
            "run_finished",
            status="ok" if result.ok else "failed",
            duration=round(result.duration_s, 3),
            ok=len(result.clients) - len(result.failed),
            failed=len(result.failed),
            manifest=str(result.manifest),
            message=result.counts_text(),
        )

    def _emit(self, event: str, **fields: Any) -> None:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        self._stream.write(json.dumps({"time": stamp, "event": event, **fields}) + "\n")
        self._stream.flush()


class LoggerReporter:
    """Events as records of the `deckgen.batch` logger (what Airflow and Prefect capture)."""

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self._log = logger or logging.getLogger("deckgen.batch")

    def started(self, config: Path, clients: int, jobs: int) -> None:
        """Log the start."""
        self._log.info("run started: %s (%d clients, %d jobs)", config, clients, jobs)

    def client_done(self, record: ClientRecord) -> None:
        """Log one client's outcome (failures at error level, with their traceback if any)."""
        name = _one_line(record.name)
        if record.ok:
            self._log.info("ok %s (%.1fs): %s", name, record.duration_s, record.output)
        else:
            detail = f"\n{record.traceback}" if record.traceback else ""
            self._log.error("failed %s: %s%s", name, record.error, detail)

    def finished(self, result: RunResult) -> None:
        """Log the summary."""
        level = logging.INFO if result.ok else logging.ERROR
        self._log.log(level, "%s", result.summary())
