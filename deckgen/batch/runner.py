"""A scheduled run: every client's deck for a period, in parallel, under a lock, with a manifest."""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import get_args

from deckgen.batch.config import ClientSpec, ExecutorName, RunConfig, load_run_config
from deckgen.batch.executors import open_executor
from deckgen.batch.lock import run_lock
from deckgen.batch.manifest import manifest_path, write_manifest
from deckgen.batch.paths import OutputPattern
from deckgen.batch.progress import JsonLines, LoggerReporter, LogLines, ProgressBar, Reporter
from deckgen.batch.worker import (
    ClientRecord,
    ClientTask,
    RenderedClient,
    RenderFn,
    describe_source,
    mask_secrets,
)
from deckgen.config import Settings, load_settings
from deckgen.data.source import choose_source, source_from_settings
from deckgen.errors import ConfigError, DeckgenError
from deckgen.period import Calendar, Period


@dataclass(frozen=True)
class RunResult:
    """What a run did: one record per client (in config order) and where the manifest is."""

    config: Path
    manifest: Path
    clients: tuple[ClientRecord, ...]
    started: datetime  # UTC
    finished: datetime  # UTC

    @property
    def ok(self) -> bool:
        """True if every client's deck was written."""
        return not self.failed

    @property
    def failed(self) -> tuple[ClientRecord, ...]:
        """The clients that failed."""
        return tuple(record for record in self.clients if not record.ok)

    @property
    def exit_code(self) -> int:
        """0 when every client succeeded, 1 when any failed."""
        return 0 if self.ok else 1

    @property
    def duration_s(self) -> float:
        """Wall-clock seconds from start to finish."""
        return (self.finished - self.started).total_seconds()

    def counts_text(self) -> str:
        """E.g. `3 clients: 2 ok, 1 failed`."""
        ok = len(self.clients) - len(self.failed)
        noun = "client" if len(self.clients) == 1 else "clients"
        return f"{len(self.clients)} {noun}: {ok} ok, {len(self.failed)} failed"

    def summary(self) -> str:
        """A readable end-of-run report: one line per client and the manifest's path."""
        base = self.config.parent
        lines = [f"deckgen run: {self.counts_text()} in {self.duration_s:.1f} s"]
        width = max(len(record.name) for record in self.clients)
        for record in self.clients:
            if record.ok and record.output is not None:
                detail = _shown(record.output, base)
                if record.warning_count:  # e.g. a part month: worth a look before the deck ships
                    noun = "warning" if record.warning_count == 1 else "warnings"
                    detail += f"  ({record.warning_count:,} data {noun}, see the manifest)"
            else:
                detail = _first_lines(record.error or "failed")
            lines.append(f"  {record.status:<6}  {record.name:<{width}}  {detail}")
        lines.append(f"manifest: {_shown(self.manifest, base)}")
        return "\n".join(lines)


def run(
    config_path: Path | str,
    period: str | None = None,
    *,
    clients: Sequence[str] | None = None,
    jobs: int | None = None,
    today: date | None = None,
    strict: bool = False,
    timeout: float | None = None,
    executor: ExecutorName | None = None,
    scheduler: str | None = None,
) -> RunResult:
    """Render every (or the named) client's deck; client failures are in the result, not raised.

    `timeout`: seconds a client may take before its process is killed (default: the config's).
    `executor`: `local` worker processes or a `dask` cluster, at `scheduler` if given
    (default: the config's, else local).
    """
    return execute_run(
        Path(config_path),
        period,
        clients=clients,
        jobs=jobs,
        today=today,
        strict=strict,
        timeout=timeout,
        executor=executor,
        scheduler=scheduler,
        reporter=LoggerReporter(),
    )


def run_from_cli(
    config: Path,
    period: str | None,
    clients: str | None,
    jobs: int | None,
    log_format: str,
    strict: bool,
    timeout: float | None = None,
    executor: ExecutorName | None = None,
    scheduler: str | None = None,
) -> int:
    """`deckgen run`: the run with terminal or log output; returns the exit code (0 ok, 1 failures)."""
    reporter: Reporter
    if log_format == "json":
        reporter = JsonLines(sys.stdout)
    elif sys.stderr.isatty():
        reporter = ProgressBar(sys.stderr, sys.stdout)
    else:
        reporter = LogLines(sys.stderr, sys.stdout)
    names = None if clients is None else [name.strip() for name in clients.split(",")]
    result = execute_run(
        config,
        period,
        clients=names,
        jobs=jobs,
        strict=strict,
        timeout=timeout,
        executor=executor,
        scheduler=scheduler,
        reporter=reporter,
    )
    return result.exit_code


def execute_run(
    config_path: Path,
    period: str | None,
    *,
    reporter: Reporter,
    clients: Sequence[str] | None = None,
    jobs: int | None = None,
    today: date | None = None,
    strict: bool = False,
    timeout: float | None = None,
    executor: ExecutorName | None = None,
    scheduler: str | None = None,
    render: RenderFn | None = None,
) -> RunResult:
    """The run behind `run` and `run_from_cli`; `render` stands in for render_deck_bytes in tests."""
    config = load_run_config(config_path)
    selected = _select(config.clients, clients)
    if period is not None:
        _check_period(period)
    executor = executor or config.executor
    if scheduler is not None and executor != "dask":
        raise ConfigError("--scheduler is the address of a Dask scheduler: add --executor dask")
    opened = open_executor(
        executor,
        jobs=jobs or config.jobs,
        scheduler=(scheduler or config.scheduler) if executor == "dask" else None,
        render=render,
    )
    timeout = config.timeout if timeout is None else timeout
    today = today or date.today()
    with run_lock(config.root, config.lock_timeout), opened as engine:
        started = datetime.now(UTC)
        planned = [_plan(client, config, period, today, strict) for client in selected]
        tasks = [item for item in planned if isinstance(item, ClientTask)]
        _remove_orphans(task.output for task in tasks)
        _remove_orphans(task.output.with_suffix(".pdf") for task in tasks if task.client.pdf)
        reporter.started(config.path, len(selected), engine.slots)
        records: dict[str, ClientRecord] = {}
        for item in planned:
            if isinstance(item, ClientRecord):
                records[item.name] = item
                reporter.client_done(item)
        for rendered in engine.render(tasks, timeout):
            record = _deliver(rendered)
            records[record.name] = record
            reporter.client_done(record)
        ordered = tuple(records[client.name] for client in selected)
        # Named after the periods of every client in the config, so re-running some clients
        # updates the whole run's manifest even when clients use different calendars.
        periods = _config_periods(config, period, today) or [r.period for r in ordered if r.period]
        manifest = manifest_path(config.root, periods or [_fallback_period(period, today)])
        _remove_orphans([manifest])
        finished = datetime.now(UTC)
        write_manifest(
            manifest,
            ordered,
            config=config.path,
            requested_period=period,
            executor=engine.name,
            jobs=engine.slots,
            timeout=timeout,
            started=started,
            finished=finished,
            keep={client.name for client in config.clients},
        )
    result = RunResult(config.path, manifest, ordered, started, finished)
    reporter.finished(result)
    return result


def default_period(today: date, calendar: Calendar) -> Period:
    """The last complete month before `today` in `calendar`."""
    return Period.last_complete(today - timedelta(days=1), calendar)


def _select(clients: tuple[ClientSpec, ...], names: Sequence[str] | None) -> list[ClientSpec]:
    if names is None:
        return list(clients)
    wanted = [name for name in names if name]
    known = [client.name for client in clients]
    unknown = [name for name in wanted if name not in known]
    listed = ", ".join(sorted(known))
    if not wanted:
        raise ConfigError(f"--clients: give at least one client name; known: {listed}")
    if unknown:
        raise ConfigError(f"--clients: no client named {', '.join(unknown)}; known: {listed}")
    return [client for client in clients if client.name in set(wanted)]


def _check_period(period: str) -> None:
    """ConfigError unless `period` is a month of some calendar (each client reads it in its own)."""
    problems = []
    for calendar in get_args(Calendar):
        try:
            Period.parse(period, calendar)
            return
        except ValueError as exc:
            problems.append(str(exc))
    raise ConfigError(f"--period: {problems[0]}")


def _config_periods(config: RunConfig, period: str | None, today: date) -> list[str]:
    """The period key of each client of the config whose settings can be read."""
    keys = []
    for client in config.clients:
        try:
            calendar = _client_settings(client).effective_calendar
            chosen = Period.parse(period, calendar) if period else default_period(today, calendar)
        except (DeckgenError, ValueError):
            continue  # its failure is reported by its own plan
        keys.append(chosen.key)
    return keys


def _plan(
    client: ClientSpec, config: RunConfig, period: str | None, today: date, strict: bool
) -> ClientTask | ClientRecord:
    """The client's task, or a failed record when its own settings, source or paths are unusable."""
    try:
        settings = _client_settings(client)
        configured = None if settings.source is None else source_from_settings(settings.source)
        source = choose_source(client.source, client.config, configured, "the run config", hint="")
        calendar = settings.effective_calendar
        chosen = Period.parse(period, calendar) if period else default_period(today, calendar)
        output = config.output.path(client.slug, chosen.key, settings.lang)
        base = _base_deck(client, config, chosen, settings.lang)
    except (DeckgenError, ValueError) as exc:
        error = mask_secrets(str(exc), client)
        return ClientRecord(client.name, "failed", None, None, describe_source(client), error)
    return ClientTask(replace(client, source=source), settings, chosen, output, strict, base)


def _base_deck(client: ClientSpec, config: RunConfig, period: Period, lang: str) -> Path | None:
    """The deck a client's run refreshes: last month's in the output folder (`base = "last"`),
    or the client's own pattern filled in with last month; None to render afresh."""
    if client.base is None:
        return None
    before = period.previous().key
    if client.base == "last":
        return config.output.path(client.slug, before, lang)
    return OutputPattern(client.base, config.path.parent).path(client.slug, before, lang)


def _client_settings(client: ClientSpec) -> Settings:
    """The client's deckgen.toml with the run config's overrides; its name when the file has none."""
    settings = load_settings(client.config, lang=client.lang, calendar=client.calendar)
    if "client" in settings.model_fields_set:
        return settings
    return Settings.model_validate(settings.model_dump() | {"client": client.name})


def _deliver(rendered: RenderedClient) -> ClientRecord:
    """The client's record once the run has written its deck and PDF (atomically, in that
    order); failed if it cannot."""
    from deckgen.pipeline import write_atomically

    record = rendered.record
    if rendered.deck is None or record.output is None:
        return record
    try:
        write_atomically(record.output, rendered.deck)
    except DeckgenError as exc:
        return replace(record, status="failed", output_sha256=None, error=str(exc))
    try:
        if rendered.pdf is not None:
            write_atomically(record.output.with_suffix(".pdf"), rendered.pdf)
        if rendered.report is not None:
            from deckgen.refresh.deck import report_path

            write_atomically(report_path(record.output), rendered.report)
    except DeckgenError as exc:
        return replace(record, status="failed", error=str(exc))
    return record


def _remove_orphans(targets: Iterable[Path]) -> None:
    """Delete temporary files that a killed earlier run left beside these targets."""
    for target in targets:
        # deckgen.pipeline.write_atomically names its temporary files `.NAME.XXXXXXXX.tmp`.
        pattern = os.path.join(
            glob.escape(str(target.parent)), f".{glob.escape(target.name)}.*.tmp"
        )
        for orphan in glob.glob(pattern):
            Path(orphan).unlink(missing_ok=True)


def _fallback_period(period: str | None, today: date) -> str:
    return period or default_period(today, "gregorian").key


def _shown(path: Path, base: Path) -> str:
    return str(path.relative_to(base)) if path.is_relative_to(base) else str(path)


def _first_lines(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    shown = " ".join(lines[:2])
    return shown + (" ..." if len(lines) > 2 else "")
