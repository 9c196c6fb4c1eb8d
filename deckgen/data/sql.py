"""Client data from a SQL database: one query (or table) per sheet, through SQLAlchemy."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from deckgen.errors import InputError

if TYPE_CHECKING:
    import sqlalchemy as sa

_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")


def read_sql_frames(url: str, queries: Mapping[str, str]) -> dict[str, pd.DataFrame]:
    """One DataFrame per sheet: each query's rows, or a bare table name's whole table; InputError."""
    import sqlalchemy as sa
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, NoSuchTableError, SQLAlchemyError

    try:
        parsed = sa.engine.make_url(url)
    except ArgumentError:
        raise InputError(
            "the database URL is not a SQLAlchemy URL (e.g. sqlite:///crm.db)"
        ) from None
    shown = parsed.render_as_string(hide_password=True)
    _check_sqlite_file(parsed)
    try:
        engine = sa.create_engine(parsed)
    except (NoSuchModuleError, ImportError) as exc:
        raise InputError(
            f"no database driver for {shown} ({exc}); for PostgreSQL install deckgen[postgres]"
        ) from None
    frames: dict[str, pd.DataFrame] = {}
    try:
        with engine.connect() as connection:
            for sheet, query in queries.items():
                try:
                    frame = _read_sheet(connection, query.strip())
                except NoSuchTableError:
                    raise InputError(
                        f"sheet '{sheet}': no table {query.strip()} in {shown}"
                    ) from None
                except (SQLAlchemyError, pd.errors.DatabaseError) as exc:
                    reason = _reason(exc, parsed.password)
                    raise InputError(
                        f"sheet '{sheet}': the query failed on {shown}: {reason}"
                    ) from None
                frames[sheet] = _plain_types(frame)
    except SQLAlchemyError as exc:
        reason = _reason(exc, parsed.password)
        raise InputError(f"cannot connect to the database {shown}: {reason}") from None
    finally:
        engine.dispose()
    return frames


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


def _check_sqlite_file(url: sa.URL) -> None:
    """SQLite would silently create a missing file; say it is missing instead."""
    database = url.database
    if not url.drivername.startswith("sqlite") or database in (None, "", ":memory:"):
        return
    if not database.startswith("file:") and not Path(database).is_file():
        raise InputError(f"database file not found: {database}")


def _reason(exc: Exception, password: str | None) -> str:
    """The driver's own first line (not SQLAlchemy's SQL echo), with the password scrubbed."""
    cause = exc.__cause__ if isinstance(exc, pd.errors.DatabaseError) and exc.__cause__ else exc
    orig = getattr(cause, "orig", None) or cause
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
