"""Client data from a SQL database, through SQLAlchemy, read only: its named queries and its
tables are the sheets (DatabaseBook), read like a workbook's.

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

import hashlib
import logging
import math
import re
import sqlite3
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from deckgen.config import DEFAULT_STATEMENT_TIMEOUT, SheetMapping
from deckgen.data.cells import clean_name
from deckgen.data.mapping import normalise_name
from deckgen.data.schema import Sheet
from deckgen.errors import InputError

if TYPE_CHECKING:
    import pyarrow as pa
    import sqlalchemy as sa

    from deckgen.data.load import SheetRead
    from deckgen.data.source import DatabaseSource

_PYTHON_CLASS = re.compile(r"<class '(?:\w+\.)*(\w+)'>")
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
CONNECT_TIMEOUT = 30  # seconds a database server has to accept a connection (a URL may say)
# Backends whose drivers (psycopg, psycopg2, pymysql, mysqlclient) take `connect_timeout`.
_CONNECT_TIMEOUT_BACKENDS = {"postgresql", "mysql", "mariadb"}
_SQLITE_CHECK_EVERY = 10_000  # virtual-machine instructions between two looks at the clock
# PostgreSQL type OID -> the Arrow type pandas.read_sql's column becomes (whole numbers with gaps
# become floats, as in pandas); a table with a column of any other type is read by pandas.
_COPY_TYPES = {
    16: "bool",
    19: "large_string",  # name
    20: "int64",
    21: "int64",
    23: "int64",
    25: "large_string",  # text
    700: "double",  # real: its shortest text, as psycopg parses it too
    701: "double",
    1042: "large_string",  # char(n), padded either way
    1043: "large_string",  # varchar
    1082: "timestamp[s]",  # date
    1114: "timestamp[us]",  # timestamp (without time zone)
}


def read_sql_frames(
    url: str,
    queries: Mapping[str, str],
    *,
    statement_timeout: float = DEFAULT_STATEMENT_TIMEOUT,
) -> dict[str, pd.DataFrame]:
    """One DataFrame per sheet: each query's rows, or a bare table name's whole table, read only
    with `statement_timeout` seconds per query; InputError, before anything runs for a query that
    is not a single SELECT."""
    from deckgen.data.source import DatabaseSource

    with DatabaseBook(DatabaseSource(url, tuple(queries.items()), statement_timeout)) as book:
        return {name: book.frame(name) for name in queries}


class DatabaseBook:
    """A database opened read only and read like a workbook: each named query is a sheet, and
    so is each table and view of its default schema that no query is named after."""

    def __init__(self, source: DatabaseSource) -> None:
        """Check every query (InputError before anything runs), then connect."""
        from sqlalchemy.exc import SQLAlchemyError

        self.url = _url(source.url)
        self.shown = source.shown
        self.backend = self.url.get_backend_name()
        self.queries = {name: query.strip() for name, query in source.queries}
        for name, query in self.queries.items():
            check_query(query, name, self.backend)
        self.clock = _Deadline(source.statement_timeout)
        self.engine = _driven_engine(self.url, self.clock)
        self._read: dict[str, pa.Table] = {}
        self._frames: dict[str, pd.DataFrame] = {}
        try:
            self.connection = self.engine.connect()
            if self.backend == "postgresql":
                self.connection.exec_driver_sql("SET TRANSACTION READ ONLY")
                # Dates in COPY's text as ISO, whatever the server's DateStyle (_copy_to_arrow).
                self.connection.exec_driver_sql("SET LOCAL DateStyle = 'ISO, YMD'")
            with _timed(self.connection, self.backend, self.clock):
                tables = self._tables()
        except SQLAlchemyError as exc:
            self.engine.dispose()
            reason = _reason(exc, self.url.password, self.clock)
            raise InputError(f"cannot connect to the database {self.shown}: {reason}") from None
        named = {normalise_name(name) for name in self.queries}
        # Table names are the client's: shown cleaned (no control characters), read as they are.
        self.tables = {clean_name(t): t for t in tables if normalise_name(t) not in named}
        self.available = (*self.queries, *self.tables)

    def __enter__(self) -> DatabaseBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.connection.close()
        self.engine.dispose()

    def hidden(self, name: str) -> bool:
        """Queries and tables are never hidden."""
        return False

    def read(
        self, name: str, sheet: Sheet | None, mapping: SheetMapping
    ) -> tuple[pa.Table, SheetRead]:
        """Query or table `name` as an Arrow table; its rows are numbered from 1 (no header)."""
        from deckgen.data.load import SheetRead, header_names, numbered

        if mapping.header_row is not None and sheet is not None:
            raise InputError(
                f"[sheets.{sheet.name}] header_row: '{name}' is a database query or table, "
                "whose column names are not in a row; remove header_row"
            )
        table = self.table(name)
        cells = [str(c) for c in table.column_names]
        names = header_names(cells)
        return table.rename_columns(names), SheetRead(name, 0, numbered=numbered(cells, names))

    def table(self, name: str) -> pa.Table:
        """The rows of query or table `name` as Arrow columns, read once: a PostgreSQL table by
        COPY (no Python object per cell) when its column types allow, else through `frame`."""
        import pyarrow as pa

        from deckgen.data.cells import arrow_column

        if name in self._read:
            return self._read[name]
        query = self.queries.get(name)
        table = None
        if query is None or _TABLE_NAME.match(query):
            schema, _, bare = (query or "").rpartition(".")
            with self._reading(name, query):
                table = self._copied(schema or None, bare if query else self.tables[name])
        if table is None:
            frame = self.frame(name)
            columns = [arrow_column(frame.iloc[:, i]) for i in range(frame.shape[1])]
            table = pa.Table.from_arrays(columns, names=[str(c) for c in frame.columns])
            del self._frames[name]  # read() needs only the Arrow columns: spare the memory
        self._read[name] = table
        return table

    def frame(self, name: str) -> pd.DataFrame:
        """The rows of query or table `name` as pandas reads them, read once under the statement
        timeout."""
        if name in self._frames:
            return self._frames[name]
        query = self.queries.get(name)
        with self._reading(name, query):
            if query is None:
                frame = _read_table(self.connection, None, self.tables[name])
            else:
                frame = _read_sheet(self.connection, query)
        self._frames[name] = _plain_types(frame)
        return self._frames[name]

    @contextmanager
    def _reading(self, name: str, query: str | None) -> Iterator[None]:
        """A read of sheet `name` under the statement timeout; its failure as an InputError."""
        from sqlalchemy.exc import NoSuchTableError, SQLAlchemyError

        try:
            with _timed(self.connection, self.backend, self.clock):
                yield
        except NoSuchTableError:
            raise InputError(f"sheet '{name}': no table {query} in {self.shown}") from None
        except (SQLAlchemyError, pd.errors.DatabaseError, *_driver_errors()) as exc:
            reason = _reason(exc, self.url.password, self.clock)
            what = "the query" if query is not None else f"reading table {name}"
            raise InputError(f"sheet '{name}': {what} failed on {self.shown}: {reason}") from None

    def _copied(self, schema: str | None, name: str) -> pa.Table | None:
        """A PostgreSQL table (psycopg 3) read by `COPY ... TO STDOUT` into Arrow, in the order
        and with the types `frame` gives; None for another database or a column type that COPY's
        text would not give back as pandas reads it (numeric, time zones, JSON, ...)."""
        import pyarrow as pa
        import sqlalchemy as sa

        if self.backend != "postgresql" or self.url.get_dialect().driver != "psycopg":
            return None
        key = sa.inspect(self.connection).get_pk_constraint(name, schema=schema)
        ordered = key.get("constrained_columns") or []
        everything = sa.select(sa.text("*")).select_from(sa.table(name, schema=schema))
        select = everything.order_by(*map(sa.column, ordered))
        sql = str(select.compile(self.connection, compile_kwargs={"literal_binds": True}))
        raw = self.connection.connection.driver_connection
        cursor = raw.cursor()
        cursor.execute(f"SELECT * FROM ({sql}) AS q LIMIT 0")
        kinds = [_COPY_TYPES.get(column.type_code) for column in cursor.description]
        kinds = [pa.type_for_alias(kind) if kind else None for kind in kinds]
        if None in kinds:
            return None
        names = [column.name for column in cursor.description]
        table = _copy_to_arrow(cursor, sql, names, kinds)
        if table is None:
            return None
        if not ordered:
            order = _content_indices(table.to_pandas(types_mapper=None))
            table = table.take(order)
        return table

    def checksum(self) -> Callable[[], str]:
        """A function giving the SHA-256 of the rows read so far (tables_sha256), to be called
        only where a checksum is wanted; it holds the Arrow tables, not the connection."""
        return partial(tables_sha256, dict(self._read))

    def _tables(self) -> list[str]:
        """The tables and views of the default schema (the names a database gives its sheets)."""
        import sqlalchemy as sa

        inspector = sa.inspect(self.connection)
        return sorted({*inspector.get_table_names(), *inspector.get_view_names()})


def tables_sha256(tables: Mapping[str, pa.Table]) -> str:
    """Hex SHA-256 of database sheets as CSV written by Arrow (sheets sorted by name)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    digest = hashlib.sha256()
    for sheet in sorted(tables):
        csv = pa.BufferOutputStream()
        pcsv.write_csv(tables[sheet], csv)
        digest.update(sheet.encode() + b"\0" + csv.getvalue().to_pybytes() + b"\0")
    return digest.hexdigest()


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
    except (ArgumentError, ValueError):  # ValueError: a port that is no number
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
        raise InputError(f"no database driver for {shown}: {_install_hint(exc)}") from None


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
        detail = _PYTHON_CLASS.sub(r"\1", detail)  # sqlglot names its node classes
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
    """An engine for `url`; a SQLite file is opened read only (a missing file is an error), and
    a server is given CONNECT_TIMEOUT seconds to answer unless the URL sets `connect_timeout`."""
    import sqlalchemy as sa

    path = _sqlite_file(url)
    if path is None:
        if (
            url.get_backend_name() not in _CONNECT_TIMEOUT_BACKENDS
            or "connect_timeout" in url.query
        ):
            return sa.create_engine(url)
        # A host that takes the connection but never answers would otherwise hang a run for good.
        seconds = max(2, math.ceil(min(clock.seconds, CONNECT_TIMEOUT)))
        return sa.create_engine(url, connect_args={"connect_timeout": seconds})
    return sa.create_engine("sqlite://", creator=lambda: connect_sqlite_read_only(path, clock))


def _install_hint(exc: Exception) -> str:
    """What to install for a missing driver: the postgres extra, else the module named."""
    missing = exc.name if isinstance(exc, ImportError) else None
    if missing in ("psycopg", "psycopg2"):
        return f'{exc}; install it with pip install "deckgen[postgres]"'
    if missing:
        return f"{exc}; install the driver {missing} (pip install {missing})"
    return f"{exc}; name a dialect SQLAlchemy knows, e.g. postgresql+psycopg://"


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
    return _read_table(connection, schema or None, name)


def _read_table(connection: sa.Connection, schema: str | None, name: str) -> pd.DataFrame:
    """A table's rows in primary-key order, else in an order fixed by their content."""
    import sqlalchemy as sa

    everything = sa.select(sa.text("*")).select_from(sa.table(name, schema=schema))
    key = sa.inspect(connection).get_pk_constraint(name, schema=schema)
    if key.get("constrained_columns"):
        return pd.read_sql(
            everything.order_by(*map(sa.column, key["constrained_columns"])), connection
        )
    # Without a primary key a database returns rows in any order (PostgreSQL: physical order,
    # which changes with updates); sort them by content so that every run sees the same rows.
    return _content_order(pd.read_sql(everything, connection))


def _content_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by every column; by a hash of their text when a column has no order (JSON)."""
    return frame.iloc[_content_indices(frame)].reset_index(drop=True)


def _content_indices(frame: pd.DataFrame) -> np.ndarray:
    """The positions of `frame`'s rows in the order `_content_order` puts them."""
    try:
        ordered = frame.reset_index(drop=True).sort_values(
            list(frame.columns), kind="stable", na_position="last"
        )
        return ordered.index.to_numpy()
    except TypeError:
        hashes = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy()
        return np.argsort(hashes, kind="stable")


def _copy_to_arrow(
    cursor: object, sql: str, names: list[str], kinds: list[pa.DataType]
) -> pa.Table | None:
    """The rows of `sql` through PostgreSQL's CSV `COPY ... TO STDOUT` as Arrow columns of
    `kinds` (dates in ISO form: DatabaseBook sets DateStyle); None if a value will not parse
    (an `infinity` date, say), for pandas to read instead."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    chunks = []
    with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
        chunks.extend(bytes(block) for block in copy)
    data = pa.py_buffer(b"".join(chunks))
    del chunks
    # A date column (held in seconds, as pandas holds dates) is parsed as dates.
    parsed = [pa.date32() if kind == pa.timestamp("s") else kind for kind in kinds]
    # Unquoted empty is NULL, quoted empty is an empty text (COPY's CSV); nothing else is missing.
    options = pcsv.ConvertOptions(
        column_types=dict(zip(names, parsed, strict=True)),
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
        true_values=["t"],
        false_values=["f"],
    )
    try:
        table = pcsv.read_csv(
            pa.BufferReader(data),
            read_options=pcsv.ReadOptions(column_names=names, block_size=1 << 24),
            convert_options=options,
        )
    except pa.ArrowInvalid:
        return None
    columns = []
    for column, kind in zip(table.columns, kinds, strict=True):
        if column.null_count == len(column):  # pandas sees only None: a column of no type
            columns.append(pa.chunked_array([pa.nulls(len(column))]))
            continue
        if pa.types.is_integer(kind) and column.null_count:
            kind = pa.float64()  # pandas holds a whole-number column with gaps as floats
        column = column.cast(kind, safe=False)  # rounded past 2**53, as in pandas
        if pa.types.is_floating(kind):
            column = pc.if_else(pc.is_nan(column), None, column)  # NaN is missing in pandas
        columns.append(column)
    return pa.Table.from_arrays(columns, names=names)


def _driver_errors() -> tuple[type[Exception], ...]:
    """The errors of psycopg (which the COPY read calls without SQLAlchemy), if installed."""
    try:
        import psycopg
    except ImportError:
        return ()
    return (psycopg.Error,)


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
