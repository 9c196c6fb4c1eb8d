"""Typed settings from a client's deckgen.toml; every problem is reported at once."""

from __future__ import annotations

import difflib
import os
import re
import tomllib
import unicodedata
from pathlib import Path
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from deckgen.errors import ConfigError
from deckgen.model import TitleStyle

Lang = Literal["en", "ar", "fa"]
DEFAULT_STATEMENT_TIMEOUT = 120.0  # seconds one SQL query of a database source may run
_JOINERS = "\u200c\u200d"  # zero-width non-joiner and joiner: part of Persian words
# Direction embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): one left open in
# a name turns the rest of its line around, figures included (`160.9%` shown as `%9.061`).
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# The marks right-to-left editors and exports put around names, invisible: Arabic letter mark,
# zero-width space, direction marks, word joiner, byte-order mark, and the controls above; not
# the Persian joiners.
INVISIBLE_MARKS = "\u061c\u200b\u200e\u200f\u2060\ufeff" + BIDI_CONTROLS
MAX_CLIENT_NAME = 100  # characters: the name is on the title slide, in footers and file names


def clean_client_name(name: str) -> str:
    """`name` with control characters and line breaks made spaces (a name is one line in every
    log and on every slide), non-characters and direction controls dropped, spaces collapsed;
    ValueError if nothing is left or it is longer than MAX_CLIENT_NAME characters."""
    kept = (
        " " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char
        for char in name
        if unicodedata.category(char) != "Cs"
        and not _noncharacter(char)
        and char not in BIDI_CONTROLS
    )
    text = " ".join("".join(kept).split())
    if not text:
        raise ValueError("the client name is empty once control characters are removed")
    if len(text) > MAX_CLIENT_NAME:
        raise ValueError(
            f"the client name is {len(text)} characters long; the limit is {MAX_CLIENT_NAME} "
            "(it goes on the title slide, in every footer and in file names)"
        )
    return text


def read_toml(path: Path, what: str) -> dict[str, object]:
    """The TOML document at `path`, UTF-8 with or without a byte-order mark (Notepad writes
    one); ConfigError naming `what` (`config file`) if it cannot be read or parsed."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"{what} not found: {path}") from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}, line {line}: {exc.object[exc.start : exc.end]!r} is not UTF-8 text; save "
            "the file as UTF-8"
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None


def _noncharacter(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Returns(_Strict):
    """Which order rows are returns or cancellations, and what they do to revenue."""

    when: str  # SQL expression over the client's columns, true on a return row
    policy: Literal["net", "drop"] = "net"  # docs/metrics.md#returns

    @field_validator("when")
    @classmethod
    def _expression(cls, text: str) -> str:
        return _checked_sql(text, "expression")


class Lookup(_Strict):
    """A column taken from another sheet by key (docs/data-format.md#lookups)."""

    sheet: str  # the sheet or file to look in: the client's name, or one of ours
    key: str  # this sheet's column holding the key
    match: str | None = None  # that sheet's column holding the key; default: `key`
    value: str | None = None  # that sheet's column to take; default: the new column's name


class SheetMapping(_Strict):
    """How one of the client's sheets maps onto one of deckgen's."""

    # The client's sheet name (or .csv/.parquet file stem), a list of them stacked into one
    # table, or a glob such as "orders_*"; default: ours.
    sheet: str | list[str] | None = None
    header_row: int | None = Field(None, ge=1, le=1_048_576)  # None: row 1, else searched
    columns: dict[str, str] = Field(default_factory=dict)  # our column -> client's column
    values: dict[str, dict[str, str]] = Field(default_factory=dict)  # our column -> {client: ours}
    date_format: dict[str, str] = Field(default_factory=dict)  # our column -> strptime format
    decimal: Literal[".", ","] = "."  # decimal mark of numbers written as text ("12,50")
    # Transforms, applied in this order right after reading (docs/data-format.md#transforms).
    query: str | None = None  # SQL over the sheets as read; its rows replace the sheet's
    row_ids: bool = False  # number the rows as the sheet's key (a sheet without ids)
    lookup: dict[str, Lookup] = Field(default_factory=dict)  # new column -> where to find it
    compute: dict[str, str] = Field(default_factory=dict)  # new column -> SQL expression
    where: str | None = None  # SQL expression: the rows to keep
    returns: Returns | None = None  # orders only
    order_lines: bool = False  # orders only: rows are lines, summed into orders by order id
    from_orders: bool = False  # customers only: one customer per customer id of the orders

    @field_validator("query")
    @classmethod
    def _query(cls, text: str | None) -> str | None:
        return None if text is None else _checked_sql(text, "query")

    @field_validator("where")
    @classmethod
    def _where(cls, text: str | None) -> str | None:
        return None if text is None else _checked_sql(text, "expression")

    @field_validator("compute")
    @classmethod
    def _expressions(cls, compute: dict[str, str]) -> dict[str, str]:
        problems = [
            f"{name} = {text!r}: {problem}"
            for name, text in compute.items()
            if (problem := _sql_problem(text, "expression"))
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return compute

    @field_validator("sheet")
    @classmethod
    def _named(cls, sheet: str | list[str] | None) -> str | list[str] | None:
        names = [sheet] if isinstance(sheet, str) else sheet or []
        if isinstance(sheet, list) and not sheet:
            raise ValueError("list at least one sheet")
        if any(not name.strip() for name in names):
            raise ValueError("a sheet name cannot be empty")
        return sheet

    @property
    def sources(self) -> tuple[str, ...]:
        """The client's sheet names or globs as configured; empty when not configured."""
        if self.sheet is None:
            return ()
        return (self.sheet,) if isinstance(self.sheet, str) else tuple(self.sheet)

    @property
    def expressions(self) -> tuple[str, ...]:
        """The SQL of the transforms reading the sheet's own columns by name, and the columns
        its lookups take their keys from, as written."""
        return (
            *((self.query,) if self.query else ()),
            *self.compute.values(),
            *((self.where,) if self.where else ()),
            *((self.returns.when,) if self.returns else ()),
            *(lookup.key for lookup in self.lookup.values()),
        )

    @property
    def transformed(self) -> bool:
        """True when any transform is configured (else the sheet is used as read)."""
        return bool(
            self.query
            or self.row_ids
            or self.lookup
            or self.compute
            or self.where
            or self.returns
            or self.order_lines
            or self.from_orders
        )


def _sql_problem(text: str, kind: Literal["expression", "query"]) -> str | None:
    """Why `text` is not one SQL expression (or one SELECT query); None when it is."""
    from deckgen.data.transform import sql_problem  # DuckDB is loaded only when configured

    return sql_problem(text, kind)


def _checked_sql(text: str, kind: Literal["expression", "query"]) -> str:
    """`text` when it is valid SQL of its kind; ValueError saying why not."""
    problem = _sql_problem(text, kind)
    if problem:
        raise ValueError(problem)
    return text


class SourceSettings(_Strict):
    """Where the client's data is (docs/data-format.md#sources): exactly one of `path`, `url`
    or `database`; relative paths are taken from the deckgen.toml's folder."""

    path: str | None = Field(None, min_length=1)  # a workbook, or a folder of .csv/.parquet
    url: str | None = Field(None, min_length=1)  # a workbook or folder by URL (fsspec)
    database: str | None = Field(None, min_length=1)  # a SQLAlchemy URL
    # Database only: sheet name -> a single SELECT or a table name. Its tables are sheets too.
    queries: dict[str, str] = Field(default_factory=dict)
    statement_timeout: float = Field(DEFAULT_STATEMENT_TIMEOUT, gt=0, le=86_400)  # s per query

    @field_validator("url")
    @classmethod
    def _fsspec_url(cls, url: str | None) -> str | None:
        from deckgen.data.source import is_url, parse_location
        from deckgen.errors import DeckgenError

        if url is None:
            return None
        if not is_url(url):
            raise ValueError(
                "not a URL (s3://bucket/acme/, https://host/acme.xlsx); a path goes in `path`"
            )
        try:
            parse_location(url)
        except DeckgenError as exc:
            raise ValueError(str(exc)) from None
        return url

    @model_validator(mode="after")
    def _one_kind(self) -> SourceSettings:
        kinds = [key for key in ("path", "url", "database") if getattr(self, key) is not None]
        if len(kinds) != 1:
            raise ValueError(
                "give exactly one of path (a workbook or folder), url (a workbook or folder by "
                f"URL) or database (a SQLAlchemy URL); got {' and '.join(kinds) or 'none'}"
            )
        extra = [key for key in ("queries", "statement_timeout") if key in self._changed()]
        if self.database is None and extra:
            raise ValueError(f"{' and '.join(extra)}: only for a database source")
        if self.database is not None:
            _check_database(self.database, self.queries)
        return self

    def _changed(self) -> set[str]:
        """The keys whose values differ from their defaults (a dump lists every key)."""
        return {
            name
            for name, field in type(self).model_fields.items()
            if getattr(self, name) != field.get_default(call_default_factory=True)
        }


def _check_database(url: str, queries: dict[str, str]) -> None:
    """ValueError when `url` is not a SQLAlchemy URL or a query is not a single SELECT."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from deckgen.data.sql import check_query
    from deckgen.errors import DeckgenError

    try:
        backend = make_url(url).get_backend_name()
    except (ArgumentError, ValueError):  # ValueError: a port that is no number
        raise ValueError("database: not a SQLAlchemy URL (e.g. sqlite:///crm.db)") from None
    problems = []
    for name, query in queries.items():
        try:
            check_query(query.strip(), name, backend)
        except DeckgenError as exc:
            problems.append(str(exc))
    if problems:
        raise ValueError("; ".join(problems))


Label = dict[Lang, str]  # a code's label per deck language
_CODE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
# labels.toml groups (deckgen.slides.context.SlideContext.label) -> [vocabulary] tables
VOCABULARY_GROUPS = {"channels": "channels", "feedback_kinds": "feedback_kinds"}
VOCABULARY_GROUPS |= {"feedback_topics": "topics"}


class Vocabulary(_Strict):
    """Codes a client adds to the open vocabularies, each with its label per deck language."""

    channels: dict[str, Label] = Field(default_factory=dict)
    feedback_kinds: dict[str, Label] = Field(default_factory=dict)
    topics: dict[str, Label] = Field(default_factory=dict)  # feedback topics, as written

    @field_validator("channels", "feedback_kinds")
    @classmethod
    def _codes(cls, codes: dict[str, Label]) -> dict[str, Label]:
        for code in codes:
            if not _CODE.match(code):
                raise ValueError(
                    f"'{code}' is not a code (lower case, digits and '_': paid_search)"
                )
            if code == "total":
                raise ValueError("'total' is reserved for the totals row")
        return codes

    def label(self, group: str, code: str, lang: str) -> str | None:
        """The configured label of `code` in labels.toml group `group`: in `lang`, else English."""
        table: dict[str, Label] = getattr(self, VOCABULARY_GROUPS.get(group, ""), None) or {}
        labels = table.get(code)
        if labels is None:
            return None
        return labels.get(lang) or labels.get("en")  # type: ignore[call-overload]


class MetricsSettings(_Strict):
    """Definitions behind the figures (docs/metrics.md explains each)."""

    retention_window_days: int = Field(90, gt=0)
    churn_days: int | None = Field(None, gt=0)  # None: derived from inter-purchase times
    loyalty_rule: Literal["club", "orders"] = "club"
    # with loyalty_rule = "orders": purchase occasions (order days) in 12 months
    loyalty_min_orders: int = Field(3, gt=0)
    prospects_top_n: int = Field(15, gt=0)
    prospect_shrinkage: float = Field(20.0, ge=0)  # pseudo-count pulling small groups to the mean
    satisfaction_scale: tuple[float, float] = (1, 5)
    recommend_scale: tuple[float, float] = (0, 10)
    rfm_segments: dict[str, list[str]] | None = (
        None  # segment -> ["R:F", ...] patterns; None = default
    )
    discount_rate: float = Field(0.10, ge=0, lt=1)  # a year, docs/metrics.md#clv-value
    clv_holdout_months: int = Field(6, gt=0, le=24)  # docs/metrics.md#clv-holdout
    clv_at_risk_top_n: int = Field(25, gt=0)  # docs/metrics.md#clv-at-risk

    @model_validator(mode="after")
    def _scales_ordered(self) -> MetricsSettings:
        for name in ("satisfaction_scale", "recommend_scale"):
            low, high = getattr(self, name)
            if low >= high:
                raise ValueError(f"{name}: the low end must be below the high end")
        return self


class Settings(_Strict):
    """Everything a client's deckgen.toml can say; defaults fit the sample data."""

    client: str = "Sample Retail Co."
    currency: str = "USD"
    lang: Lang = "en"
    calendar: Literal["gregorian", "jalali"] | None = None  # None: jalali for fa, else gregorian
    digits: Literal["latn", "native"] | None = None  # None: the locale's default
    # "action": each slide's title states its finding; "topic": the title names the topic and
    # the finding sits in the line under it.
    title_style: TitleStyle = TitleStyle.ACTION
    # IANA name; dates written with a UTC offset are converted to it. None: the date as written.
    timezone: str | None = None
    source: SourceSettings | None = None  # None: the data given on the command line
    # How a .parquet folder's leads are read (docs/scale.md): "auto" leaves them in their file
    # for DuckDB from deckgen.data.pushdown.PUSHDOWN_LEADS leads, "memory" never, "duckdb" always.
    engine: Literal["auto", "memory", "duckdb"] = "auto"
    sheets: dict[str, SheetMapping] = Field(default_factory=dict)
    vocabulary: Vocabulary = Field(default_factory=Vocabulary)
    metrics: MetricsSettings = Field(default_factory=MetricsSettings)

    @field_validator("client")
    @classmethod
    def _one_line_name(cls, client: str) -> str:
        return clean_client_name(client)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str | None) -> str | None:
        if name is None:
            return None
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"'{name}' is not a time zone name such as 'Asia/Tehran' or 'UTC'"
            ) from None
        return name

    @property
    def effective_calendar(self) -> Literal["gregorian", "jalali"]:
        """The calendar in force: the configured one, else Jalali for Persian decks."""
        if self.calendar is not None:
            return self.calendar
        return "jalali" if self.lang == "fa" else "gregorian"

    @property
    def effective_digits(self) -> Literal["latn", "native"]:
        """The digits in force: the configured ones, else Persian digits for fa, Latin otherwise."""
        if self.digits is not None:
            return self.digits
        return "native" if self.lang == "fa" else "latn"

    def mapping(self, sheet: str) -> SheetMapping:
        """The mapping for one of our sheets (identity when the config says nothing)."""
        return self.sheets.get(sheet, SheetMapping())


CONFIG_NAME = "deckgen.toml"
_URL_KEYS = ("url", "database", "source")  # keys whose values are never repeated in messages


def find_config(source: Path) -> Path | None:
    """The deckgen.toml beside a workbook or inside a data folder, if there is one."""
    source = Path(source)
    candidate = (source if source.is_dir() else source.parent) / CONFIG_NAME
    return candidate if candidate.is_file() else None


def load_settings(path: Path | None, *, lenient: bool = False, **overrides: object) -> Settings:
    """Settings read from `path` (defaults when None) with CLI `overrides` on top; ConfigError
    listing every problem at once (unknown keys, and sheets or columns deckgen does not have).
    `lenient` leaves out the keys that fail validation instead (to check the data under the
    rest of a config that has problems)."""
    # The mapping is checked against the schema.
    from deckgen.data.mapping import mapping_problems, transform_problems

    data: dict[str, object] = {} if path is None else read_toml(path, "config file")
    data.update({k: v for k, v in overrides.items() if v is not None})
    problems: list[str] = []
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc)
        if lenient:
            settings = _without_failing_keys(data, exc)
            if settings is None:
                raise ConfigError(_problem_list(problems, str(path or "settings"))) from None
            problems = []
    else:
        problems = transform_problems(settings)
    problems += mapping_problems(data.get("sheets"), data.get("vocabulary"))
    if problems:
        raise ConfigError(_problem_list(problems, str(path or "settings")))
    if settings.source is not None and path is not None:
        settings = settings.model_copy(
            update={"source": _anchored(settings.source, Path(path).absolute().parent)}
        )
    return settings


def _without_failing_keys(data: dict[str, object], exc: ValidationError) -> Settings | None:
    """Settings from `data` with every key that fails validation removed (a few passes, as a
    removal can uncover another problem); None when no valid settings remain."""
    for _ in range(5):
        for error in exc.errors():
            _remove(data, error["loc"])
        try:
            return Settings.model_validate(data)
        except ValidationError as again:
            exc = again
    return None


def _remove(data: object, loc: tuple[int | str, ...]) -> None:
    """Deletes the key at path `loc` of nested dicts (a list item: the whole list)."""
    for depth, key in enumerate(loc):
        if not isinstance(data, dict) or key not in data:
            return
        if depth == len(loc) - 1 or not isinstance(data[key], dict):
            del data[key]
            return
        data = data[key]


def _anchored(source: SourceSettings, base: Path) -> SourceSettings:
    """`source` with a relative path (or SQLite file) taken from `base`, the config's folder."""
    from deckgen.data.source import anchor_sqlite

    if source.path is not None:
        path = os.path.normpath(base / Path(source.path).expanduser())
        return source.model_copy(update={"path": path})
    if source.database is not None:
        return source.model_copy(update={"database": anchor_sqlite(source.database, base)})
    return source


def describe_validation_error(
    exc: ValidationError, source: str, model: type[BaseModel] | None = None
) -> str:
    """One readable line per problem pydantic found, prefixed by where it was found; an unknown
    key names the nearest known key of `model` (Settings by default)."""
    return _problem_list(validation_problems(exc, model), source)


def _problem_list(problems: list[str], source: str) -> str:
    return "\n".join([f"{len(problems)} problem(s) in {source}:"] + [f"  - {p}" for p in problems])


def validation_problems(exc: ValidationError, model: type[BaseModel] | None = None) -> list[str]:
    """One readable line per problem pydantic found; an unknown key names the nearest known key
    of `model` (Settings by default)."""
    known = sorted(_field_names(model or Settings))
    lines = []
    for err in exc.errors():
        where = ".".join(shown_key(p) for p in err["loc"]) or "(top level)"
        if err["type"] == "extra_forbidden":
            key = str(err["loc"][-1])
            if key in known:  # a key of another table, e.g. `columns` outside [sheets.orders]
                lines.append(f"{where}: not a key at this level (it belongs in another table)")
                continue
            near = difflib.get_close_matches(key, known, n=1)
            lines.append(f"{where}: unknown key" + (f"; did you mean '{near[0]}'?" if near else ""))
            continue
        value = err.get("input")
        # A source's URL may hold a password: never repeat it.
        secret = bool(err["loc"]) and err["loc"][-1] in _URL_KEYS
        shown = "" if isinstance(value, dict) or secret else f" (got {value!r})"
        lines.append(f"{where}: {err['msg']}{shown}")
    return lines


def shown_key(key: int | str) -> str:
    """`key` with each character a terminal would act on rather than show (a control character,
    a bidirectional override) written as its escape; Persian's joiners are shown as they are."""
    return "".join(
        char if char.isprintable() or char in _JOINERS else repr(char)[1:-1] for char in str(key)
    )


def _field_names(model: object) -> set[str]:
    """The field names of a pydantic model and of the models nested in its fields' types."""
    if isinstance(model, type) and issubclass(model, BaseModel):
        names = set(model.model_fields)
        for field in model.model_fields.values():
            names |= _field_names(field.annotation)
        return names
    return set().union(*(_field_names(arg) for arg in get_args(model)))
