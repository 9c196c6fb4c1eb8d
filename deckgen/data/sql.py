"""Client data from a SQL database: one query (or table) per sheet, through SQLAlchemy, read only.

Reading is read-only three times over (docs/security.md):
1. before anything runs, every query must parse (sqlglot, in the database's dialect) as exactly
   one SELECT statement (`WITH ... SELECT`, `UNION` and subqueries included) that holds no
   INSERT, UPDATE, DELETE, MERGE, `SELECT ... INTO` or `FOR UPDATE`; a bare table name is read
   as a whole table;
2. SQLite files are opened with `mode=ro`, and an authorizer lets a statement only read tables,
   call functions and run the catalogue pragmas SQLAlchemy needs (no ATTACH, so no
   `VACUUM INTO`); PostgreSQL reads inside a READ ONLY transaction;
3. each query has a statement timeout (PostgreSQL's `statement_timeout`, re-armed before every
   query; for SQLite a progress handler that interrupts the query at the deadline).
"""

from __future__ import annotations

import logging
import re
import sqlite3
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from deckgen.config import DEFAULT_STATEMENT_TIMEOUT
from deckgen.errors import InputError

if TYPE_CHECKING:
    import sqlalchemy as sa

_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")
# SQLAlchemy backend name -> sqlglot dialect (others are parsed as standard SQL).
_DIALECTS = {"postgresql": "postgres", "sqlite": "sqlite", "mysql": "mysql", "mariadb": "mysql"}
# Nodes that make a SELECT write or lock: a data-modifying CTE, SELECT INTO, FOR UPDATE.
_WRITING_NODES = ("Insert", "Update", "Delete", "Merge", "Into", "Lock", "Command")
_SQLITE_ALLOWED = {
    sqlite3.SQLITE_SELECT,
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_FUNCTION,
    sqlite3.SQLITE_RECURSIVE,
}
# The pragmas SQLAlchemy reads: the catalogue (primary keys, columns) and, with no value given
# (a read, not a setting), the isolation level when it connects.
_SQLITE_TABLE_PRAGMAS = {"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo"}
_SQLITE_READ_PRAGMAS = {"read_uncommitted"}
_SQLITE_CHECK_EVERY = 10_000  # virtual-machine instructions between two looks at the clock


def read_sql_frames(
    url: str,
    queries: Mapping[str, str],
    *,
    statement_timeout: float = DEFAULT_STATEMENT_TIMEOUT,
) -> dict[str, pd.DataFrame]:
    """One DataFrame per sheet: each query's rows, or a bare table name's whole table, read only
    with `statement_timeout` seconds per query; InputError, before anything runs for a query that
    is not a single SELECT."""
    from sqlalchemy.exc import NoSuchTableError, SQLAlchemyError

    parsed = _url(url)
    shown = parsed.render_as_string(hide_password=True)
    backend = parsed.get_backend_name()
    queries = {sheet: query.strip() for sheet, query in queries.items()}
    for sheet, query in queries.items():
        check_query(query, sheet, backend)
    clock = _Deadline(statement_timeout)
    engine = _driven_engine(parsed, clock)
    frames: dict[str, pd.DataFrame] = {}
    try:
        with engine.connect() as connection:
            if backend == "postgresql":
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            for sheet, query in queries.items():
                try:
                    with _timed(connection, backend, clock):
                        frame = _read_sheet(connection, query)
                except NoSuchTableError:
                    raise InputError(f"sheet '{sheet}': no table {query} in {shown}") from None
                except (SQLAlchemyError, pd.errors.DatabaseError) as exc:
                    reason = _reason(exc, parsed.password, clock)
                    raise InputError(
                        f"sheet '{sheet}': the query failed on {shown}: {reason}"
                    ) from None
                frames[sheet] = _plain_types(frame)
    except SQLAlchemyError as exc:
        reason = _reason(exc, parsed.password, clock)
        raise InputError(f"cannot connect to the database {shown}: {reason}") from None
    finally:
        engine.dispose()
    return frames


def list_tables(url: str) -> tuple[str, ...]:
    """The names of the tables in the database's default schema, sorted; InputError if it
    cannot be reached (read only, like read_sql_frames)."""
    import sqlalchemy as sa
    from sqlalchemy.exc import SQLAlchemyError

    parsed = _url(url)
    clock = _Deadline(DEFAULT_STATEMENT_TIMEOUT)
    engine = _driven_engine(parsed, clock)
    try:
        with engine.connect() as connection:
            return tuple(sorted(sa.inspect(connection).get_table_names()))
    except SQLAlchemyError as exc:
        shown = parsed.render_as_string(hide_password=True)
        reason = _reason(exc, parsed.password, clock)
        raise InputError(f"cannot connect to the database {shown}: {reason}") from None
    finally:
        engine.dispose()


def is_table_name(text: str) -> bool:
    """True if `text` is a bare (optionally schema-qualified) table name, read as a whole table."""
    return bool(_TABLE_NAME.match(text))


def _url(url: str) -> sa.URL:
    """`url` parsed by SQLAlchemy; InputError when it is not a database URL."""
    import sqlalchemy as sa
    from sqlalchemy.exc import ArgumentError

    try:
        return sa.engine.make_url(url)
    except ArgumentError:
        raise InputError(
            "the database URL is not a SQLAlchemy URL (e.g. sqlite:///crm.db)"
        ) from None


def _driven_engine(url: sa.URL, clock: _Deadline) -> sa.Engine:
    """`_engine(url)`; InputError when the URL's database driver is not installed."""
    from sqlalchemy.exc import NoSuchModuleError

    try:
        return _engine(url, clock)
    except (NoSuchModuleError, ImportError) as exc:
        shown = url.render_as_string(hide_password=True)
        raise InputError(
            f"no database driver for {shown} ({exc}); for PostgreSQL install deckgen[postgres]"
        ) from None


def check_query(query: str, sheet: str, backend: str) -> None:
    """Nothing if `query` is a bare table name or a single read-only SELECT; else InputError."""
    if _TABLE_NAME.match(query):
        return
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ParseError

    expected = "a single SELECT (or WITH ... SELECT) query, or a table name"
    sqlglot_log = logging.getLogger("sqlglot")
    level = sqlglot_log.level
    sqlglot_log.setLevel(logging.ERROR)  # its "falling back to a Command" warnings are ours to word
    try:
        statements = [s for s in sqlglot.parse(query, read=_DIALECTS.get(backend)) if s is not None]
    except ParseError as exc:
        error = exc.errors[0] if exc.errors else {}
        where = f" at line {error.get('line')}, column {error.get('col')}" if error else ""
        detail = error.get("description") or str(exc).splitlines()[0]
        raise InputError(
            f"sheet '{sheet}': the query cannot be read as SQL ({detail}{where}); "
            f"expected {expected}"
        ) from None
    finally:
        sqlglot_log.setLevel(level)
    if len(statements) != 1:
        raise InputError(
            f"sheet '{sheet}': the query holds {len(statements)} statements; expected {expected}"
        )
    statement = statements[0]
    kind = _kind(statement)
    if not isinstance(statement, exp.Query):
        raise InputError(
            f"sheet '{sheet}': the query is {_article(kind)} {kind} statement, not a SELECT; "
            f"expected {expected} (deckgen only reads)"
        )
    writing = tuple(getattr(exp, name) for name in _WRITING_NODES if hasattr(exp, name))
    for node in statement.walk():
        if isinstance(node, writing):
            raise InputError(
                f"sheet '{sheet}': the query holds {_kind(node)}, which writes or locks; "
                f"expected {expected} (deckgen only reads)"
            )


def _article(word: str) -> str:
    return "an" if word[:1] in "AEIOU" else "a"


def _kind(node: object) -> str:
    """The SQL keyword of a parsed statement: DROP, COPY, VACUUM (a Command's own word), ..."""
    from sqlglot import exp

    if isinstance(node, exp.Command):
        return str(node.this).upper()
    if isinstance(node, exp.Lock):
        return "FOR UPDATE/SHARE"
    if isinstance(node, exp.Into):
        return "SELECT ... INTO"
    return str(getattr(node, "key", type(node).__name__)).upper()


def connect_sqlite_read_only(path: Path, clock: _Deadline | None = None) -> sqlite3.Connection:
    """The SQLite file at `path` opened read only, statements limited to reading (see module)."""
    uri = f"file:{urllib.parse.quote(str(Path(path).absolute()))}?mode=ro"
    connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
    connection.set_authorizer(_sqlite_authorizer)
    if clock is not None:
        connection.set_progress_handler(clock.expired, _SQLITE_CHECK_EVERY)
    return connection


def _sqlite_authorizer(
    action: int, first: str | None, second: str | None, database: str | None, trigger: str | None
) -> int:
    if action in _SQLITE_ALLOWED:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (
        first in _SQLITE_TABLE_PRAGMAS or (first in _SQLITE_READ_PRAGMAS and second is None)
    ):
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


class _Deadline:
    """The end of the running query's time (a SQLite progress handler)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = float("inf")
        self.hit = False

    def start(self) -> None:
        self.end, self.hit = time.monotonic() + self.seconds, False

    def expired(self) -> int:
        """Non-zero (interrupt the query) once the deadline has passed."""
        self.hit = self.hit or time.monotonic() > self.end
        return int(self.hit)


@contextmanager
def _timed(connection: sa.Connection, backend: str, clock: _Deadline) -> Iterator[None]:
    """Run a query under the statement timeout."""
    if backend == "postgresql":
        # Re-armed before every query: a query may not lift it for the next (set_config).
        milliseconds = max(1, round(clock.seconds * 1000))
        connection.exec_driver_sql(f"SET LOCAL statement_timeout = {milliseconds}")
    clock.start()
    try:
        yield
    finally:
        clock.end = float("inf")


def sqlite_path(database: str) -> str:
    """The file named by the database part of a SQLite URL: a path, or a `file:` URI's path."""
    if not database.startswith("file:"):
        return database
    return urllib.parse.unquote(urllib.parse.urlsplit(database.split("?", 1)[0]).path)


def _engine(url: sa.URL, clock: _Deadline) -> sa.Engine:
    """An engine for `url`; a SQLite file is opened read only (a missing file is an error)."""
    import sqlalchemy as sa

    path = _sqlite_file(url)
    if path is None:
        return sa.create_engine(url)
    return sa.create_engine("sqlite://", creator=lambda: connect_sqlite_read_only(path, clock))


def _sqlite_file(url: sa.URL) -> Path | None:
    """The SQLite file of `url` (a path or a `file:` URI, whose own mode is ignored); None if the
    URL is not SQLite or in memory; InputError if the file is missing (SQLite would create it)."""
    if not url.drivername.startswith("sqlite") or url.query.get("mode") == "memory":
        return None
    database = sqlite_path(url.database or "")
    if database in ("", ":memory:"):
        return None
    if not Path(database).is_file():
        raise InputError(f"database file not found: {database}")
    return Path(database)


def _read_sheet(connection: sa.Connection, query: str) -> pd.DataFrame:
    """A query's rows in its own order, or a bare (optionally schema-qualified) table's rows."""
    import sqlalchemy as sa

    if not _TABLE_NAME.match(query):
        return pd.read_sql(sa.text(query), connection)
    schema, _, name = query.rpartition(".")
    everything = sa.select(sa.text("*")).select_from(sa.table(name, schema=schema or None))
    key = sa.inspect(connection).get_pk_constraint(name, schema=schema or None)
    if key.get("constrained_columns"):
        return pd.read_sql(
            everything.order_by(*map(sa.column, key["constrained_columns"])), connection
        )
    # Without a primary key a database returns rows in any order (PostgreSQL: physical order,
    # which changes with updates); sort them by content so that every run sees the same rows.
    return _content_order(pd.read_sql(everything, connection))


def _content_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by every column; by a hash of their text when a column has no order (JSON)."""
    try:
        ordered = frame.sort_values(list(frame.columns), kind="stable", na_position="last")
    except TypeError:
        hashes = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
        ordered = frame.iloc[np.argsort(hashes, kind="stable")]
    return ordered.reset_index(drop=True)


def _reason(exc: Exception, password: str | None, clock: _Deadline) -> str:
    """The driver's own first line (not SQLAlchemy's SQL echo), with the password scrubbed."""
    cause = exc.__cause__ if isinstance(exc, pd.errors.DatabaseError) and exc.__cause__ else exc
    orig = getattr(cause, "orig", None) or cause
    if clock.hit or "statement timeout" in str(orig):
        return f"it ran longer than the statement timeout ({clock.seconds:g} s)"
    if "not authorized" in str(orig) or "authorization denied" in str(orig):
        return "not authorized: deckgen only reads (no ATTACH, no writes)"
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    reason = lines[0] if lines else type(orig).__name__
    return reason.replace(password, "***") if password else reason


def _plain_types(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns of Python dates (PostgreSQL `date`) as datetime64, time zones dropped, like a workbook."""
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            frame[column] = values.dt.tz_localize(None)
        elif values.dtype == object:
            first = values.first_valid_index()
            if first is not None and isinstance(values.loc[first], date | datetime):
                frame[column] = pd.to_datetime(values)
    return frame
