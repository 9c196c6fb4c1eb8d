"""The run config (TOML): where decks go and one table per client; every problem reported at once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from deckgen.batch.paths import OutputPattern, check_pattern, slugify
from deckgen.config import (
    DEFAULT_STATEMENT_TIMEOUT,
    Lang,
    clean_client_name,
    describe_validation_error,
    read_toml,
)
from deckgen.data.source import DatabaseSource, SourceSpec, anchor_sqlite, parse_location
from deckgen.errors import ConfigError

Charts = Literal["native", "image"]
CalendarName = Literal["gregorian", "jalali"]
ExecutorName = Literal["local", "dask"]  # where clients render: deckgen.batch.executors
# Seconds one client may take before its worker is killed: ample for a large client (a
# 50-client run takes about 1 s a client), short enough for a monthly schedule to go on.
DEFAULT_TIMEOUT = 600.0


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Database(_Strict):
    url: str = Field(min_length=1)  # SQLAlchemy URL; leave the password to ~/.pgpass or PGPASSWORD
    queries: dict[str, str] = Field(min_length=1)  # our sheet name -> SQL query or table name
    statement_timeout: float = Field(DEFAULT_STATEMENT_TIMEOUT, gt=0, le=86_400)  # s per query

    @field_validator("queries")
    @classmethod
    def _known_sheets(cls, queries: dict[str, str]) -> dict[str, str]:
        from deckgen.data.schema import SHEETS

        names = [sheet.name for sheet in SHEETS]
        unknown = sorted(set(queries) - set(names))
        if unknown:
            raise ValueError(f"unknown sheet(s) {unknown}; the sheets are {', '.join(names)}")
        return queries

    @field_validator("url")
    @classmethod
    def _parses(cls, url: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(url)
        except (ArgumentError, ValueError):
            raise ValueError("not a SQLAlchemy database URL (e.g. sqlite:///crm.db)") from None
        return url


class _Client(_Strict):
    name: str = Field(min_length=1)
    source: str | None = Field(None, min_length=1)  # workbook or folder: a path or a URL
    database: _Database | None = None
    config: str | None = None  # the client's deckgen.toml (its [source] may name the data)
    lang: Lang | None = None
    calendar: CalendarName | None = None
    template: str | None = None
    templates: str | None = None
    charts: Charts = "native"
    logo: str | None = None
    pdf: bool | None = None  # None: the run's setting
    # "last": refresh last month's deck in the output folder; or a path pattern of the deck to
    # refresh ({client}, {period} of the month before, {lang}); None: render afresh.
    base: str | None = Field(None, min_length=1)

    @field_validator("base")
    @classmethod
    def _base(cls, base: str | None) -> str | None:
        if base is None or base == "last":
            return base
        if not base.lower().endswith(".pptx"):
            raise ValueError('base is "last" or a path pattern of a .pptx deck')
        problems = [p for p in check_pattern(base) if "must contain {client}" not in p]
        if problems:
            raise ValueError("; ".join(problems))
        return base

    @field_validator("name")
    @classmethod
    def _nameable(cls, name: str) -> str:
        name = clean_client_name(name)  # one line: a name cannot forge log lines
        slugify(name)
        return name

    @field_validator("source")
    @classmethod
    def _location(cls, source: str | None) -> str | None:
        from deckgen.data.source import parse_location
        from deckgen.errors import DeckgenError

        if source is not None:
            try:
                parse_location(source)
            except DeckgenError as exc:
                raise ValueError(str(exc)) from None
        return source

    @model_validator(mode="after")
    def _one_source(self) -> _Client:
        if self.source is not None and self.database is not None:
            raise ValueError(
                "give one of 'source' (a workbook or folder) or [client.database], not both"
            )
        if self.source is None and self.database is None and self.config is None:
            raise ValueError(
                "give 'source' (a workbook or folder), [client.database], or a 'config' whose "
                "[source] names the data"
            )
        return self


class _RunFile(_Strict):
    output: str
    jobs: int | None = Field(None, ge=1, le=64)
    lock_timeout: float = Field(0, ge=0, le=86_400)  # seconds to wait for an overlapping run
    timeout: float = Field(DEFAULT_TIMEOUT, ge=0, le=86_400)  # seconds per client; 0: no limit
    pdf: bool = False  # also write each deck's PDF beside it (LibreOffice)
    executor: ExecutorName = "local"
    scheduler: str | None = Field(None, min_length=1)  # a Dask scheduler's address
    client: list[_Client] = Field(min_length=1)

    @field_validator("output")
    @classmethod
    def _pattern(cls, output: str) -> str:
        problems = check_pattern(output)
        if problems:
            raise ValueError("; ".join(problems))
        return output

    @model_validator(mode="after")
    def _scheduler_for_dask(self) -> _RunFile:
        if self.scheduler is not None and self.executor != "dask":
            raise ValueError('scheduler is the address of a Dask scheduler: set executor = "dask"')
        return self

    @model_validator(mode="after")
    def _distinct(self) -> _RunFile:
        seen: dict[str, str] = {}
        clashes: list[str] = []
        for client in self.client:
            # Case-folded: "Acme" and "acme" would be one file on macOS and Windows.
            key = slugify(client.name).casefold()
            if key in seen:
                first = seen[key]
                what = (
                    "appears twice"
                    if first == client.name
                    else f"gives the same file name as {first!r}"
                )
                clashes.append(f"client name {client.name!r} {what}")
            seen.setdefault(key, client.name)
        if clashes:
            raise ValueError("; ".join(clashes) + " (names must be unique)")
        return self


@dataclass(frozen=True)
class ClientSpec:
    """One client of a run, with every path made absolute."""

    name: str
    slug: str  # file-name-safe form of the name, used for {client}
    source: SourceSpec | None  # None: the [source] of its config, resolved when the run plans it
    config: Path | None
    lang: Lang | None
    calendar: CalendarName | None
    template: Path | None
    templates_dir: Path | None
    charts: Charts
    logo: Path | None
    pdf: bool = False  # also write the PDF beside the deck
    base: str | None = None  # "last", a path pattern of the deck to refresh, or None


@dataclass(frozen=True)
class RunConfig:
    """A validated run config."""

    path: Path
    output: OutputPattern
    jobs: int | None
    lock_timeout: float  # seconds
    clients: tuple[ClientSpec, ...]
    timeout: float = DEFAULT_TIMEOUT  # seconds a client may render before it is stopped; 0: none
    executor: ExecutorName = "local"
    scheduler: str | None = None  # a Dask scheduler's address; None: a local Dask cluster

    @property
    def root(self) -> Path:
        """The output folder holding the decks, the manifest and the lock file."""
        return self.output.root


def load_run_config(path: Path) -> RunConfig:
    """The run config at `path`; ConfigError listing every problem."""
    path = Path(path).absolute()
    data = read_toml(path, "run config")
    try:
        parsed = _RunFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, str(path), _RunFile)) from None
    base = path.parent
    return RunConfig(
        path=path,
        output=OutputPattern(os.path.expanduser(parsed.output), base),
        jobs=parsed.jobs,
        lock_timeout=parsed.lock_timeout,
        timeout=parsed.timeout,
        executor=parsed.executor,
        scheduler=parsed.scheduler,
        clients=tuple(_client_spec(client, base, parsed.pdf) for client in parsed.client),
    )


def _client_spec(client: _Client, base: Path, pdf: bool) -> ClientSpec:
    def under(value: str | None) -> Path | None:
        return None if value is None else base / Path(value).expanduser()

    source: SourceSpec | None = None
    if client.source is not None:
        source = parse_location(client.source, base)
    elif client.database is not None:
        db = client.database
        source = DatabaseSource(
            anchor_sqlite(db.url, base), tuple(db.queries.items()), db.statement_timeout
        )
    return ClientSpec(
        name=client.name,
        slug=slugify(client.name),
        source=source,
        config=under(client.config),
        lang=client.lang,
        calendar=client.calendar,
        template=under(client.template),
        templates_dir=under(client.templates),
        charts=client.charts,
        logo=under(client.logo),
        pdf=pdf if client.pdf is None else client.pdf,
        base=client.base,
    )
