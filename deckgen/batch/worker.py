"""One client's render inside a run; runs in a worker process and never raises."""

from __future__ import annotations

import hashlib
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from deckgen.batch.config import ClientSpec
from deckgen.batch.manifest import source_sha256
from deckgen.config import Settings
from deckgen.data.source import PathSource
from deckgen.errors import DeckgenError, problem_count
from deckgen.masking import mask_credentials
from deckgen.period import Period
from deckgen.render.pdf import find_libreoffice, pdf_bytes

if TYPE_CHECKING:
    from deckgen.data.tables import Tables
    from deckgen.pipeline import RenderResult
    from deckgen.refresh.report import RefreshReport

RenderFn = Callable[
    ..., tuple[bytes, "RenderResult"]
]  # deckgen.pipeline.render_deck_bytes or a stand-in with its signature

DIED = "the process rendering this client died (killed, out of memory, or a native crash)"
NOT_STARTED = "a worker process could not start"
NO_START = f"{NOT_STARTED} (it ended before it was ready)"


@dataclass(frozen=True)
class ClientTask:
    """Everything a worker needs to render one client's deck (picklable)."""

    client: ClientSpec
    settings: Settings
    period: Period
    output: Path
    strict: bool
    base: Path | None = None  # the edited deck to refresh instead of rendering afresh


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
    mode: Literal["render", "refresh"] = "render"  # refresh: `base` was refreshed
    base: Path | None = None  # the deck refreshed, or looked for (`base` in the run config)
    refresh: tuple[tuple[str, int], ...] = ()  # refresh outcomes: status -> items

    @property
    def ok(self) -> bool:
        """True if the deck was written."""
        return self.status == "ok"


@dataclass(frozen=True)
class RenderedClient:
    """A client's record and, when it rendered, its deck: the run writes the bytes, not the worker."""

    record: ClientRecord
    deck: bytes | None = None  # the .pptx file's bytes; None when it did not render
    pdf: bytes | None = None  # the PDF to write beside the deck, when the client asks for one
    report: bytes | None = None  # a refresh's report (JSON), written beside the deck


def describe_source(client: ClientSpec) -> str:
    """The client's source as shown in logs and the manifest (never with a password); its
    config's for a client whose config names the source and could not be read."""
    if client.source is None:
        return f"[source] of {client.config}"
    return client.source.shown


def mask_secrets(text: str, client: ClientSpec) -> str:
    """`text` with the client's source URL and password masked (a driver's message may hold them)."""
    return mask_credentials(text) if client.source is None else client.source.mask(text)


def failed_record(
    task: ClientTask, error: str, *, duration_s: float = 0.0, trace: str | None = None
) -> ClientRecord:
    """A failed record of `task` for a failure outside its render (a timeout, a dead process)."""
    return ClientRecord(
        task.client.name,
        "failed",
        task.period.key,
        task.output,
        describe_source(task.client),
        error=mask_secrets(error, task.client),
        traceback=None if trace is None else mask_secrets(trace, task.client),
        duration_s=duration_s,
    )


def timed_out(task: ClientTask, timeout: float) -> ClientRecord:
    """The failed record of a client still rendering `timeout` seconds after it started."""
    error = (
        f"timed out: the client was still rendering after {timeout:g} s (the run's "
        "timeout), so its process was stopped; raise `timeout` in the run config or "
        "--timeout if its data is that large"
    )
    return failed_record(task, error, duration_s=timeout)


def render_client(task: ClientTask, render: RenderFn | None = None) -> RenderedClient:
    """Render one client's deck (and PDF) in memory; a failure comes back as a failed record,
    never raised. A deck whose PDF fails still comes back, as `deckgen render --pdf` writes it."""
    started = time.perf_counter()
    client = task.client
    record = ClientRecord(
        name=client.name,
        status="failed",
        period=task.period.key,
        output=task.output,
        source=describe_source(client),
    )
    deck = pdf = None
    try:
        if client.pdf:
            find_libreoffice()  # no LibreOffice: say so before any work
        if render is None:
            from deckgen.pipeline import render_deck_bytes as render
        source: Path | Tables
        if isinstance(client.source, PathSource):
            source = client.source.path
            if source.exists():  # a missing source gets the loader's clear message below
                record = replace(record, input_sha256=source_sha256(source))
        else:  # read here, for the checksum of what was read: the same reader and validation
            from deckgen.data.load import read_source, tables_from_read

            assert client.source is not None  # the run resolved it when it planned the client
            read = read_source(client.source, task.settings)
            record = replace(record, input_sha256=read.digest)
            source = tables_from_read(read, task.settings, strict=task.strict)
        record = replace(record, base=task.base)
        if task.base is not None and task.base.is_file():
            deck, report = _refresh(task, source)
            record = replace(
                record,
                status="ok",
                mode="refresh",
                output_sha256=hashlib.sha256(deck).hexdigest(),
                slides=report.slides,
                refresh=tuple(sorted(report.counts().items())),
            )
            if client.pdf:
                pdf = pdf_bytes(task.output, data=deck)
            duration = time.perf_counter() - started
            return RenderedClient(replace(record, duration_s=duration), deck, pdf, report.to_json())
        deck, result = render(
            source,
            task.output,
            settings=task.settings,
            period=task.period,
            template=client.template,
            templates_dir=client.templates_dir,
            charts=client.charts,
            logo=client.logo,
            strict=task.strict,
        )
        record = replace(
            record,
            output_sha256=hashlib.sha256(deck).hexdigest(),
            slides=result.slides,
            headlines=tuple(result.headlines),
            warnings=(*(str(w) for w in result.warnings), *result.template_warnings),
            warning_count=problem_count(result.warnings),
        )
        if client.pdf:
            pdf = pdf_bytes(task.output, data=deck)
        record = replace(record, status="ok")
    except DeckgenError as exc:
        record = replace(record, error=mask_secrets(str(exc), client))
    except Exception as exc:
        record = replace(
            record,
            error=mask_secrets(f"unexpected error: {type(exc).__name__}: {exc}", client),
            traceback=mask_secrets(traceback.format_exc(), client),
        )
    duration = time.perf_counter() - started
    return RenderedClient(replace(record, duration_s=duration), deck, pdf)


def _refresh(task: ClientTask, source: Path | Tables) -> tuple[bytes, RefreshReport]:
    """The client's edited deck (`task.base`) refreshed to the task's month."""
    from deckgen.refresh.deck import refresh_deck_bytes

    return refresh_deck_bytes(
        task.base,  # type: ignore[arg-type]
        source,
        task.output,
        settings=task.settings,
        period=task.period,
        templates_dir=task.client.templates_dir,
        strict=task.strict,
    )
