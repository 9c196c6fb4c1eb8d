"""Where a client's data is: a path, a URL or a database, and which one a command reads.

A source is named on the command line (DATA), in a client's deckgen.toml (`[source]`) or in a
run config (`source =`, `[client.database]`). Each becomes one of three descriptions here, which
`deckgen.data.load.read_source` opens the same way for every command (docs/data-format.md#sources).
"""

from __future__ import annotations

import os
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from deckgen.config import CONFIG_NAME, DEFAULT_STATEMENT_TIMEOUT, find_config
from deckgen.errors import InputError
from deckgen.masking import mask_credentials, url_secrets

if TYPE_CHECKING:
    from deckgen.config import SourceSettings

_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://")
# SQLAlchemy's dialects that ship with it or are common; `dialect+driver://` is a database too.
_DATABASE_SCHEMES = {"postgresql", "postgres", "sqlite", "mysql", "mariadb", "mssql", "oracle"}
DATA_SUFFIXES = (".csv", ".parquet")  # files that make a folder a data folder


@dataclass(frozen=True)
class PathSource:
    """A workbook, or a folder of .csv or .parquet files, on this machine."""

    path: Path

    @property
    def shown(self) -> str:
        """The path, for messages."""
        return str(self.path)

    @property
    def stem(self) -> str:
        """The name the data goes by: the workbook's or folder's name without its suffix."""
        return Path(os.path.abspath(self.path)).stem

    def mask(self, text: str) -> str:
        """`text` with any URL credentials in it masked."""
        return mask_credentials(text)

    def same(self, other: SourceSpec) -> bool:
        """True if `other` names the same data."""
        return isinstance(other, PathSource) and _resolved(self.path) == _resolved(other.path)


@dataclass(frozen=True)
class UrlSource:
    """A workbook or folder addressed by URL, read through fsspec (s3://, gs://, https://, file://)."""

    url: str

    @property
    def shown(self) -> str:
        """The URL with its credentials masked, for messages, logs and the manifest."""
        return self.mask(self.url)

    @property
    def stem(self) -> str:
        """The name the data goes by: the last part of the URL's path without its suffix."""
        parts = urllib.parse.urlsplit(self.url)
        return PurePosixPath(parts.path.rstrip("/")).stem or parts.hostname or "data"

    def mask(self, text: str) -> str:
        """`text` with this URL's credentials (and any other URL's password) masked."""
        return mask_credentials(text, url_secrets(self.url))

    def same(self, other: SourceSpec) -> bool:
        """True if `other` names the same data."""
        return isinstance(other, UrlSource) and other.url.rstrip("/") == self.url.rstrip("/")


@dataclass(frozen=True)
class DatabaseSource:
    """A SQL database read like a workbook: its named queries and its tables are the sheets."""

    url: str  # SQLAlchemy URL; a SQLite file's path is absolute
    queries: tuple[tuple[str, str], ...] = ()  # (sheet name, SELECT query or table name)
    statement_timeout: float = DEFAULT_STATEMENT_TIMEOUT  # seconds one query may run

    @property
    def shown(self) -> str:
        """The URL with its password masked, for messages, logs and the manifest."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            rendered = make_url(self.url).render_as_string(hide_password=True)
        except (ArgumentError, ValueError):  # ValueError: a port that is no number
            rendered = self.url
        return mask_credentials(rendered, self._secrets())

    @property
    def stem(self) -> str:
        """The name the data goes by: the database's name (a SQLite file's without suffix)."""
        from sqlalchemy.engine import make_url

        url = make_url(self.url)
        return PurePosixPath(url.database or "").stem or url.host or "database"

    def mask(self, text: str) -> str:
        """`text` with this URL shown masked and its password masked wherever it appears."""
        return mask_credentials(text.replace(self.url, self.shown), self._secrets())

    def same(self, other: SourceSpec) -> bool:
        """True if `other` names the same data."""
        return other == self

    def _secrets(self) -> tuple[str, ...]:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            password = make_url(self.url).password
        except (ArgumentError, ValueError):  # not a URL SQLAlchemy reads: mask what may be secret
            return url_secrets(self.url)
        found = url_secrets(self.url, token_user=False)
        return (*found, str(password)) if password else found


SourceSpec = PathSource | UrlSource | DatabaseSource


def is_url(text: str) -> bool:
    """True if `text` starts with a URL scheme (`s3://`, `postgresql+psycopg://`)."""
    return _SCHEME.match(text) is not None


def parse_location(text: str, base: Path | None = None) -> PathSource | UrlSource:
    """The workbook or folder named by a path (relative to `base`) or a URL that fsspec reads;
    InputError for a database URL (its queries belong in a deckgen.toml) or an unknown scheme."""
    match = _SCHEME.match(text)
    if match is None:
        path = Path(text).expanduser()
        return PathSource(path if base is None else base / path)
    scheme = match["scheme"].lower()
    shown = mask_credentials(text, url_secrets(text))
    if _is_database(scheme):
        raise InputError(
            f"{shown} is a database URL; name it in the client's deckgen.toml as [source] "
            'database = "..." (with [source.queries] if the tables are not named like '
            "deckgen's sheets) and give that deckgen.toml, or its folder, as the data"
        )
    from deckgen.data.remote import check_protocol

    check_protocol(scheme, shown)
    return UrlSource(text)


def parse_source(text: str, base: Path | None = None) -> SourceSpec:
    """What a command that takes any source as its argument reads (`deckgen init`): a path or
    URL as parse_location, or a database URL, whose tables are then the sheets (a relative
    SQLite file is taken from `base`, by default the working folder)."""
    match = _SCHEME.match(text)
    if match is None or not _is_database(match["scheme"].lower()):
        return parse_location(text, base)
    from sqlalchemy.exc import ArgumentError

    try:
        return DatabaseSource(anchor_sqlite(text, Path.cwd() if base is None else base))
    except (ArgumentError, ValueError):
        shown = mask_credentials(text, url_secrets(text))
        raise InputError(f"{shown} is not a SQLAlchemy URL (e.g. sqlite:///crm.db)") from None


def _is_database(scheme: str) -> bool:
    """True for a SQLAlchemy URL scheme: a known dialect, or any `dialect+driver`."""
    return scheme.partition("+")[0] in _DATABASE_SCHEMES or "+" in scheme


def source_from_settings(source: SourceSettings) -> SourceSpec:
    """The description of a deckgen.toml's `[source]` (its paths already absolute)."""
    if source.database is not None:
        queries = tuple(source.queries.items())
        return DatabaseSource(source.database, queries, source.statement_timeout)
    if source.url is not None:
        return UrlSource(source.url)
    assert source.path is not None  # SourceSettings holds exactly one of the three
    return PathSource(Path(source.path))


def anchor_sqlite(url: str, base: Path) -> str:
    """`url` with a relative SQLite file (a path or a `file:` URI) made relative to `base` (the
    config that names it, not the working folder of cron); deckgen opens it read only whatever
    mode the URI asks for. Other URLs are returned unchanged."""
    from sqlalchemy.engine import make_url

    from deckgen.data.sql import sqlite_path

    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.query.get("mode") == "memory":
        return url
    database = sqlite_path(parsed.database or "")
    if database in ("", ":memory:"):
        return url
    anchored = os.path.normpath(base / Path(database).expanduser())
    return parsed.set(database=str(anchored), query={}).render_as_string(hide_password=False)


# -- which source a command reads ----------------------------------------------------------


def config_in_force(data: str | Path | SourceSpec, config: Path | None) -> Path | None:
    """The deckgen.toml that applies to `data`: `config` if given, else DATA itself when it is a
    .toml file, else the deckgen.toml beside a workbook or inside a folder (none for a URL)."""
    named = _config_named_by(data)
    if config is not None:
        if named is not None and _resolved(named) != _resolved(config):
            raise InputError(
                f"the data {named} is a config file and --config names another, {config}; "
                "give one of them"
            )
        return config
    if named is not None:
        return named
    if isinstance(data, PathSource):
        return find_config(data.path)
    if isinstance(data, UrlSource | DatabaseSource) or is_url(str(data)):
        return None
    return find_config(Path(data))


def choose_source(
    data: str | Path | SourceSpec | None,
    config: Path | None,
    configured: SourceSpec | None,
    named_by: str = "the command line",
    hint: str = (
        " (give the config, or its folder, as DATA to read its [source], or remove [source] "
        "from it to read DATA)"
    ),
) -> SourceSpec:
    """The one source to read: the one `data` names, or the config's `[source]` when `data` is
    None, that config or its folder. InputError when neither names data, or both name
    different data.

    `data` names no data itself when it is a .toml file, or the folder of `config` while that
    config has a `[source]` and the folder holds no .csv or .parquet files."""
    named = _named(data, config, configured)
    if named is None and configured is None:
        raise InputError(
            f"{config} names no data: add a [source] table to it (path, url or database; "
            "docs/data-format.md#sources) or give the data itself"
        )
    if named is None:
        assert configured is not None
        return configured
    if configured is None or configured.same(named):
        return named
    raise InputError(
        f"two sources: {named_by} names {named.shown} and {config} names "
        f"{configured.shown} under [source]; name the data in one place{hint}"
    )


def default_client_name(data: str | Path | SourceSpec) -> str:
    """The client's name when its deckgen.toml gives none: after the data as it was named."""
    named = _config_named_by(data)
    if named is not None:
        return named.parent.name if named.name == CONFIG_NAME else named.stem
    if isinstance(data, PathSource | UrlSource | DatabaseSource):
        return data.stem
    return parse_location(str(data)).stem


def _named(
    data: str | Path | SourceSpec | None, config: Path | None, configured: SourceSpec | None
) -> SourceSpec | None:
    """The source `data` itself names; None when it stands for `config`."""
    if data is None or isinstance(data, PathSource | UrlSource | DatabaseSource):
        return data
    if _config_named_by(data) is not None:
        return None
    text = str(data)
    if is_url(text):
        return parse_location(text)
    path = Path(text)
    if (
        configured is not None
        and config is not None
        and path.is_dir()
        and _resolved(path / CONFIG_NAME) == _resolved(config)
        and not _holds_data(path)
    ):
        return None
    return PathSource(path)


def _config_named_by(data: str | Path | SourceSpec) -> Path | None:
    """`data` when it is a .toml file (a config named as the data), else None."""
    if isinstance(data, PathSource | UrlSource | DatabaseSource) or is_url(str(data)):
        return None
    path = Path(data)
    return path if path.suffix.lower() == ".toml" and path.is_file() else None


def _holds_data(folder: Path) -> bool:
    return any(f.suffix.lower() in DATA_SUFFIXES and f.is_file() for f in folder.iterdir())


def _resolved(path: Path) -> Path:
    return Path(os.path.abspath(Path(path).expanduser()))
