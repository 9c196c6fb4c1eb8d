"""The pipeline: load → validate → metrics → slide model → render, one direction only."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pydantic

from deckgen.config import (
    MAX_CLIENT_NAME,
    Settings,
    describe_validation_error,
    load_settings,
)
from deckgen.data.lead_store import lead_store_of
from deckgen.data.load import OPEN_IN_EXCEL
from deckgen.data.source import (
    SourceSpec,
    choose_source,
    config_in_force,
    default_client_name,
    source_from_settings,
)
from deckgen.data.tables import Tables
from deckgen.errors import (
    ConfigError,
    DeckgenError,
    InputError,
    Problem,
    RenderError,
    ValidationError,
    problem_count,
    sample_lines,
)
from deckgen.formats import format_value
from deckgen.metrics.channels import channels_unnamed
from deckgen.metrics.common import day_number, refund_rows
from deckgen.metrics.lifecycle import LifecycleMetrics, compute_metrics
from deckgen.model import Deck
from deckgen.period import Period

if TYPE_CHECKING:
    from deckgen.slides.deck import PageMap

PARTIAL_PERIOD = "partial_period"  # errors.Problem.rule of coverage_warning
# The settings a deck records for `deckgen refresh`: how it is worded and counted. The sheet
# mapping stays with the data (it names the client's columns and SQL; a deck travels).
DECK_SETTINGS = frozenset(
    {"client", "currency", "lang", "calendar", "digits", "title_style", "timezone"}
    | {"vocabulary", "metrics"}
)
_SHOWN_RULES = (PARTIAL_PERIOD, OPEN_IN_EXCEL)


@dataclass(frozen=True)
class RenderResult:
    """What a render wrote and found."""

    output: Path
    period: Period
    slides: int
    warnings: tuple[Problem, ...]
    headlines: tuple[tuple[str, str], ...]  # headline figure name -> formatted value
    template_warnings: tuple[str, ...] = ()  # what was dropped from the brand template, ...
    pdf: Path | None = None  # the PDF written beside the deck, when asked for

    def summary(self) -> str:
        """A few readable lines for the terminal."""
        lines = [f"wrote {self.output} ({self.slides} slides, period {self.period.key})"]
        if self.pdf is not None:
            lines.append(f"wrote {self.pdf}")
        lines += [f"  {name}: {value}" for name, value in self.headlines]
        # A part month or a workbook open in Excel changes every figure; the other warnings
        # are for the appendix.
        lines += [f"  warning: {p}" for p in self.warnings if p.rule in _SHOWN_RULES]
        lines += [f"  warning: {text}" for text in self.template_warnings]
        if self.warnings:
            count = problem_count(self.warnings)
            lines.append(f"  {count:,} data warning(s); see the appendix slide")
        return "\n".join(lines)


# What a render imports on first use (this module imports them lazily, for a quick `--help`;
# pandas and python-pptx come with them): a process about to render imports them first. SciPy
# is imported by the customer-value fits only (so `deckgen validate` does without it), but
# nearly every client's deck fits them: imported here, before the collector is frozen
# (deckgen.cli._Imports), it costs 0.2 s of CPU less than in the middle of the metrics.
# `deckgen render` imports LOAD_MODULES first, then DRAW_MODULES in a thread while the data
# loads: the loading imports none of the modules the thread does (DuckDB, pyarrow.parquet and
# deckgen.data's own, lazily), so no module is imported by both at once. The ones it shares
# come first: pyarrow.fs imports ssl; DuckDB reads its version with importlib.metadata, which
# imports email.parser and email.message (the latter on first use since Python 3.13), as
# python-pptx does (through urllib.request).
LOAD_MODULES = (
    "deckgen.data.load",
    "deckgen.data.validate",
    "ssl",
    "email.parser",
    "email.message",
)
DRAW_MODULES = (
    "deckgen.render.brand",
    "deckgen.render.writer",
    "deckgen.slides.deck",
    "deckgen.wording",
    "deckgen.scipy_import",  # scipy.optimize and scipy.special, without numpy.f2py
)
RENDER_MODULES = LOAD_MODULES + DRAW_MODULES

Data = (
    Path | str | SourceSpec | Tables
)  # what a command is given to read (docs/data-format.md#sources)


def resolve_source(
    source: Data,
    settings: Settings | None,
    config_path: Path | None,
    *,
    lang: str | None = None,
    calendar: str | None = None,
    currency: str | None = None,
    client: str | None = None,
) -> tuple[SourceSpec | Tables, Settings]:
    """The source to read and the settings in force: a given Settings, else the config file (by
    default the deckgen.toml beside the data, or the data itself when it is a deckgen.toml or its
    folder), with CLI overrides on top; the client is named after the data if unset. InputError
    when no source or two different ones are named (deckgen.data.source.choose_source)."""
    if isinstance(source, Tables):
        return source, with_options(
            settings if settings is not None else load_settings(config_path),
            lang=lang,
            calendar=calendar,
            currency=currency,
            client=client,
        )
    config = config_in_force(source, config_path)
    try:
        base = settings if settings is not None else load_settings(config)
    except ConfigError as exc:
        if config is None:
            raise
        raise ConfigError(_with_data_errors(str(exc), source, config)) from None
    configured = None if base.source is None else source_from_settings(base.source)
    spec = choose_source(source, config, configured)
    if client is None and "client" not in base.model_fields_set:
        # Never present a real client's deck as the sample company's.
        client = default_client_name(source)[:MAX_CLIENT_NAME]
    overridden = with_options(base, lang=lang, calendar=calendar, currency=currency, client=client)
    return spec, overridden


def _with_data_errors(message: str, source: Data, config: Path) -> str:
    """`message` (a config's problems) followed by the errors the data gives under the rest of
    that config, so that one round lists them all; just `message` when that cannot be checked."""
    from deckgen.data.validate import validate_source

    try:
        lenient = load_settings(config, lenient=True)
        configured = None if lenient.source is None else source_from_settings(lenient.source)
        report = validate_source(choose_source(source, config, configured), lenient)
    except DeckgenError:
        return message
    if report.failure is not None or not report.errors:
        return message
    lines = sample_lines(report.errors, 20)
    count = problem_count(report.errors)
    return f"{message}\nand {count:,} problem(s) in the data under the rest of {config}:\n" + (
        "\n".join(lines)
    )


def resolve_settings(
    settings: Settings | None,
    config_path: Path | None,
    *,
    lang: str | None = None,
    calendar: str | None = None,
    currency: str | None = None,
    client: str | None = None,
    source: Data | None = None,
) -> Settings:
    """The settings in force for `source` (see resolve_source); for no source, the given
    Settings or the config file with CLI overrides on top."""
    overrides = {"lang": lang, "calendar": calendar, "currency": currency, "client": client}
    if source is None:
        base = settings if settings is not None else load_settings(config_path)
        return with_options(base, **overrides)
    return resolve_source(source, settings, config_path, **overrides)[1]


def with_options(base: Settings, **overrides: str | None) -> Settings:
    """`base` with the command-line options that were given on top."""
    updates = {k: v for k, v in overrides.items() if v is not None}
    if not updates:
        return base
    try:
        return Settings.model_validate(base.model_dump() | updates)
    except pydantic.ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, "the command-line options")) from None


def load_source(
    source: SourceSpec | Path | Tables,
    settings: Settings,
    *,
    strict: bool = False,
    today: date | None = None,
) -> Tables:
    """Validated tables from a source (a workbook, folder, URL or database), or the given
    Tables unchanged."""
    if isinstance(source, Tables):
        return source
    from deckgen.data.load import load_tables
    from deckgen.data.pushdown import load_pushed_tables, pushdown_plan

    if (plan := pushdown_plan(source, settings)) is not None:
        return load_pushed_tables(plan.folder, settings, strict=strict, today=today, plan=plan)

    return load_tables(source, settings, strict=strict, today=today)


def resolve_period(
    period: str | Period | None, tables: Tables, settings: Settings, today: date | None = None
) -> Period:
    """The reporting period: the given one, else the last complete month before `today` (by
    default the real today) that has orders, leaving out orders dated after today and stray
    ones far beyond the rest; InputError when the month has no orders."""
    from deckgen.data.validate import last_regular_date  # pandas stays out of `--help`

    calendar = settings.effective_calendar
    today = today or date.today()
    # A refund (an amount below zero) is no order (docs/metrics.md#purchase-occasions): a month
    # of refunds alone would render a deck of empty charts.
    refund = refund_rows(tables.orders)
    dates = tables.orders["order_date"]
    if refund.any():  # else no copy of the dates (ten million orders: 80 MB)
        dates = dates[~refund]
    dates = dates.dropna().to_numpy(dtype="datetime64[D]")
    if dates.size == 0:
        raise InputError(
            "sheet 'orders' has no dated orders (a row with an amount below zero is a refund), "
            "so there is no period to report"
        )
    first, last = dates.min().item(), dates.max().item()
    if period is None:
        regular = last_regular_date(dates[dates < np.datetime64(today)])
        if regular is None:
            raise InputError(
                f"every order is dated today ({today}) or later, up to {last}, so no month "
                "is complete; check the order dates, or give --period"
            )
        chosen = Period.last_complete(min(regular.date(), today - timedelta(days=1)), calendar)
    elif isinstance(period, Period):
        chosen = period
    else:
        try:
            chosen = Period.parse(period, calendar)
        except ValueError as exc:
            raise InputError(f"--period: {exc}") from None
    ordered = dates[dates <= np.datetime64(chosen.end)]
    if period is None:
        if ordered.size == 0:
            raise InputError(
                f"the orders run from {first} to {last}, which holds no complete month; "
                f"give --period {Period.containing(last, calendar).key} to report on a part month"
            )
        return Period.containing(ordered.max().item(), calendar)  # the last month with orders
    # A month without orders would render a deck of empty charts.
    if ordered.size == 0 or ordered.max().item() < chosen.start:
        raise InputError(
            f"--period {chosen.key}: no order is dated in that month (the orders run from "
            f"{first} to {last}); choose a month from {Period.containing(first, calendar).key} "
            f"to {Period.containing(last, calendar).key} that has orders"
        )
    return chosen


def coverage_warning(period: Period, tables: Tables) -> Problem | None:
    """A warning when the orders end before `period` does, so its figures cover part of it."""
    last = tables.orders["order_date"].max().date()
    if last >= period.end:
        return None
    return Problem(
        "orders",
        None,
        "order_date",
        str(last),
        f"orders up to {period.end} to report on {period.key} in full (the figures of "
        f"{period.start} to {period.end} rest on the orders to {last} only)",
        "warning",
        PARTIAL_PERIOD,
    )


def compute_source_metrics(
    source: Data,
    *,
    settings: Settings | None = None,
    config_path: Path | None = None,
    period: str | Period | None = None,
    lang: str | None = None,
    calendar: str | None = None,
    strict: bool = False,
    today: date | None = None,
) -> LifecycleMetrics:
    """All lifecycle metrics for one source and period."""
    spec, resolved = resolve_source(source, settings, config_path, lang=lang, calendar=calendar)
    tables = load_source(spec, resolved, strict=strict, today=today)
    chosen = resolve_period(period, tables, resolved, today)
    with leads_ahead(tables, chosen):
        return compute_metrics(tables, chosen, resolved.metrics)


def render_deck(
    source: Data,
    output: Path,
    *,
    settings: Settings | None = None,
    config_path: Path | None = None,
    period: str | Period | None = None,
    template: Path | None = None,
    templates_dir: Path | None = None,
    charts: str = "native",
    lang: str | None = None,
    calendar: str | None = None,
    currency: str | None = None,
    client: str | None = None,
    logo: Path | None = None,
    strict: bool = False,
    pdf: bool = False,
    today: date | None = None,
    loaded: Callable[[], None] | None = None,
) -> RenderResult:
    """Render the lifecycle deck for `source` to `output` (atomically), and with `pdf` its PDF
    beside it (LibreOffice); returns what it did. `loaded`: called once the data is loaded and
    validated, before the metrics."""
    from deckgen.render.pdf import find_libreoffice, pdf_bytes

    if pdf:
        find_libreoffice()  # no LibreOffice: say so before any work
    data, result = render_deck_bytes(
        source,
        output,
        settings=settings,
        config_path=config_path,
        period=period,
        template=template,
        templates_dir=templates_dir,
        charts=charts,
        lang=lang,
        calendar=calendar,
        currency=currency,
        client=client,
        logo=logo,
        strict=strict,
        today=today,
        loaded=loaded,
    )
    write_atomically(result.output, data)
    if not pdf:
        return result
    pdf_path = result.output.with_suffix(".pdf")
    write_atomically(pdf_path, pdf_bytes(result.output))
    return replace(result, pdf=pdf_path)


def render_deck_bytes(
    source: Data,
    output: Path,
    *,
    settings: Settings | None = None,
    config_path: Path | None = None,
    period: str | Period | None = None,
    template: Path | None = None,
    templates_dir: Path | None = None,
    charts: str = "native",
    lang: str | None = None,
    calendar: str | None = None,
    currency: str | None = None,
    client: str | None = None,
    logo: Path | None = None,
    strict: bool = False,
    today: date | None = None,
    loaded: Callable[[], None] | None = None,
) -> tuple[bytes, RenderResult]:
    """The deck `render_deck` would write to `output` and what it found, without writing it
    (a scheduled run's worker hands the bytes to the run, which writes them)."""
    output = Path(output)
    check_output(output)
    template_warnings: tuple[str, ...] = ()
    if template is not None:  # reject an unusable brand template before any work
        from deckgen.render.brand import check_template

        template_warnings = check_template(Path(template))
    spec, resolved = resolve_source(
        source,
        settings,
        config_path,
        lang=lang,
        calendar=calendar,
        currency=currency,
        client=client,
    )
    tables = load_source(spec, resolved, strict=strict, today=today)
    if loaded is not None:
        loaded()
    chosen = resolve_period(period, tables, resolved, today)
    deck, metrics, warnings = build_deck_model(
        tables, chosen, resolved, templates_dir=templates_dir, strict=strict
    )
    from deckgen.render.writer import render_pptx

    data = render_pptx(
        deck,
        template=template,
        charts=charts,
        logo=logo,
        provenance=deck_provenance(resolved, metrics.period),
    )
    return data, RenderResult(
        output=output,
        period=metrics.period,
        slides=len(deck.slides),
        warnings=warnings,
        headlines=tuple(
            # English with Latin digits: the terminal and manifest are read by operators.
            (name, format_value(value, kind, "en", "latn", resolved.currency))
            for name, value, kind in metrics.headline_figures()
        ),
        template_warnings=template_warnings,
    )


def build_deck_model(
    tables: Tables,
    period: Period,
    settings: Settings,
    *,
    templates_dir: Path | None = None,
    strict: bool = False,
    pages: PageMap | None = None,
) -> tuple[Deck, LifecycleMetrics, tuple[Problem, ...]]:
    """The deck model of a month of validated tables, with its metrics and the data warnings;
    ValidationError under `strict` when the orders end before the month does. `pages`: see
    deckgen.slides.deck.build_deck."""
    from deckgen.slides.deck import build_deck
    from deckgen.wording import Wording

    wording = Wording(
        settings.lang,
        templates_dir,
        digits=settings.effective_digits,
        currency=settings.currency,
        vocabulary=settings.vocabulary,
    )
    partial = coverage_warning(period, tables)
    if partial is not None and strict:
        raise ValidationError([partial])
    warnings = tables.warnings if partial is None else (partial, *tables.warnings)
    with leads_ahead(tables, period):
        metrics = compute_metrics(tables, period, settings.metrics)
    deck = build_deck(metrics, settings, wording, warnings=warnings, pages=pages)
    return deck, metrics, warnings


@contextmanager
def leads_ahead(tables: Tables, period: Period) -> Iterator[None]:
    """The leads' aggregates for `period` queried in a worker thread while the metrics run
    (LeadStore.prefetch: the second core works while pandas holds the first), when the leads
    stay in their file; the worker stopped on leaving, also on an error."""
    store = lead_store_of(tables)
    if store is None:
        yield
        return
    store.prefetch(day_number(period.end), channels=channels_unnamed(tables))
    try:
        yield
    finally:
        store.settle()


def deck_provenance(settings: Settings, period: Period) -> dict[str, object]:
    """What a deck records of how it was made: its period and the settings that shape it."""
    return {
        "period": period.key,
        "calendar": period.calendar,
        "settings": settings.model_dump(mode="json", include=set(DECK_SETTINGS)),
    }


def check_output(output: Path) -> None:
    """RenderError unless `output` can be a deck: a .pptx file name, not a folder."""
    if output.suffix.lower() != ".pptx":
        raise RenderError(f"the output must be a .pptx file, got {output}")
    if output.is_dir():
        raise RenderError(f"the output {output} is a folder; give a file name ending in .pptx")


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise RenderError(f"cannot write to {path.parent}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            # mkstemp makes the file private (0600); a deck gets the mode any new file would get.
            os.fchmod(handle.fileno(), 0o666 & ~_umask())
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise RenderError(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return mask
