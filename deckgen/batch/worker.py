"""One client's render inside a run; runs in a worker process and never raises."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from deckgen.batch.config import ClientSpec, DatabaseSpec
from deckgen.batch.manifest import file_sha256, frames_sha256, source_sha256
from deckgen.config import Settings
from deckgen.errors import DeckgenError, ValidationError, problem_count
from deckgen.period import Period

if TYPE_CHECKING:
    import pandas as pd

    from deckgen.data.tables import Tables
    from deckgen.pipeline import RenderResult

RenderFn = Callable[
    ..., "RenderResult"
]  # deckgen.pipeline.render_deck or a stand-in with its signature


@dataclass(frozen=True)
class ClientTask:
    """Everything a worker needs to render one client's deck (picklable)."""

    client: ClientSpec
    settings: Settings
    period: Period
    output: Path
    strict: bool


@dataclass(frozen=True)
class ClientRecord:
    """What happened to one client in a run."""

    name: str
    status: Literal["ok", "failed"]
    period: str | None  # period key in the client's calendar, e.g. 2026-10 or 1405-07
    output: Path | None  # the deck written (or that would have been)
    source: str  # workbook path or database URL with the password masked
    error: str | None = None  # one readable message when failed
    traceback: str | None = None  # only for unexpected errors (bugs), not for bad input
    input_sha256: str | None = None
    output_sha256: str | None = None
    slides: int | None = None
    headlines: tuple[tuple[str, str], ...] = ()  # headline figure name -> formatted value
    warnings: tuple[str, ...] = ()
    warning_count: int = 0  # rows and sheets the warnings concern (errors.problem_count)
    duration_s: float = 0.0  # seconds

    @property
    def ok(self) -> bool:
        """True if the deck was written."""
        return self.status == "ok"


def describe_source(client: ClientSpec) -> str:
    """The client's source as shown in logs and the manifest (never with a password)."""
    source = client.source
    return source.shown_url if isinstance(source, DatabaseSpec) else str(source)


def render_client(task: ClientTask, render: RenderFn | None = None) -> ClientRecord:
    """Render one client's deck; a failure comes back as a failed record, never as an exception."""
    started = time.perf_counter()
    client = task.client
    record = ClientRecord(
        name=client.name,
        status="failed",
        period=task.period.key,
        output=task.output,
        source=describe_source(client),
    )
    try:
        if render is None:
            from deckgen.pipeline import render_deck as render
        source: Path | Tables
        if isinstance(client.source, DatabaseSpec):
            from deckgen.data.sql import read_sql_frames

            frames = read_sql_frames(
                client.source.url,
                dict(client.source.queries),
                statement_timeout=client.source.statement_timeout,
            )
            record = replace(record, input_sha256=frames_sha256(frames))
            source = _validated(frames, task.settings, record.source, strict=task.strict)
        else:
            source = client.source
            if source.exists():  # a missing source gets the loader's clear message below
                record = replace(record, input_sha256=source_sha256(source))
        result = render(
            source,
            task.output,
            settings=task.settings,
            period=task.period,
            template=client.template,
            templates_dir=client.templates_dir,
            charts=client.charts,
            logo=client.logo,
            strict=task.strict,
            pdf=client.pdf,
        )
        record = replace(
            record,
            status="ok",
            output_sha256=file_sha256(result.output),
            slides=result.slides,
            headlines=tuple(result.headlines),
            warnings=(*(str(w) for w in result.warnings), *result.template_warnings),
            warning_count=problem_count(result.warnings),
        )
    except DeckgenError as exc:
        record = replace(record, error=str(exc))
    except Exception as exc:
        record = replace(
            record,
            error=f"unexpected error: {type(exc).__name__}: {exc}",
            traceback=traceback.format_exc(),
        )
    return replace(record, duration_s=time.perf_counter() - started)


def _validated(
    frames: dict[str, pd.DataFrame], settings: Settings, label: str, *, strict: bool
) -> Tables:
    """Database frames checked exactly like a workbook's; ValidationError on errors."""
    from deckgen.data.validate import validate_frames

    report = validate_frames(frames, settings, label)
    # The same rule as deckgen.data.load.load_tables applies to a workbook.
    if report.errors:
        raise ValidationError(list(report.errors))
    if strict and report.warnings:
        raise ValidationError(list(report.warnings))
    assert report.tables is not None  # no errors means tables
    return report.tables
