"""Database sources: frames per sheet from SQL queries or tables, one clear sentence on failure."""

from __future__ import annotations

import hashlib
import re
import socket
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest

from deckgen.data.sql import connect_sqlite_read_only, read_sql_frames
from deckgen.errors import InputError


@pytest.fixture
def crm(tmp_path: Path) -> str:
    """A SQLite file with customers and sales tables; returns its URL."""
    path = tmp_path / "crm.db"
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE customers (customer_id TEXT PRIMARY KEY, country TEXT)")
        db.executemany("INSERT INTO customers VALUES (?, ?)", [("C2", None), ("C1", "Germany")])
        db.execute("CREATE TABLE sales (id TEXT, who TEXT, day TEXT, total REAL)")
        db.execute("INSERT INTO sales VALUES ('O1', 'C1', '2026-10-03', 12.5)")
    return f"sqlite:///{path}"


def test_tables_and_queries(crm: str) -> None:
    frames = read_sql_frames(
        crm,
        {
            "customers": "customers",
            "orders": "SELECT id AS order_id, who AS customer_id, day AS order_date, total AS amount"
            " FROM sales",
        },
    )
    assert list(frames) == ["customers", "orders"]
    pd.testing.assert_frame_equal(
        frames["customers"],
        pd.DataFrame({"customer_id": ["C1", "C2"], "country": ["Germany", None]}),
    )
    assert frames["orders"].to_dict("records") == [
        {"order_id": "O1", "customer_id": "C1", "order_date": "2026-10-03", "amount": 12.5}
    ]


def test_table_without_key_is_read_sorted_by_content(tmp_path: Path) -> None:
    rows = [("C3", 1.5), ("C1", 3.0), ("C4", 3.0), ("C2", None)]
    path = tmp_path / "two.db"
    with closing(sqlite3.connect(path)) as db, db:
        for table, ordered in (("a", rows), ("b", rows[::-1])):
            db.execute(f"CREATE TABLE {table} (customer_id TEXT, score REAL)")
            db.executemany(f"INSERT INTO {table} VALUES (?, ?)", ordered)
    frames = read_sql_frames(f"sqlite:///{path}", {"customers": "a", "orders": "b"})
    pd.testing.assert_frame_equal(frames["customers"], frames["orders"])
    assert frames["customers"]["customer_id"].tolist() == ["C1", "C2", "C3", "C4"]


def test_schema_qualified_table(crm: str) -> None:
    assert len(read_sql_frames(crm, {"customers": "main.customers"})["customers"]) == 2


def test_bad_query_names_the_sheet(crm: str) -> None:
    with pytest.raises(InputError) as caught:
        read_sql_frames(crm, {"customers": "customers", "orders": "SELECT nope FROM sales"})
    assert str(caught.value) == (f"sheet 'orders': the query failed on {crm}: no such column: nope")


def test_missing_table(crm: str) -> None:
    with pytest.raises(InputError) as caught:
        read_sql_frames(crm, {"leads": "leads"})
    assert str(caught.value) == f"sheet 'leads': no table leads in {crm}"


def test_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_sql_frames(f"sqlite:///{tmp_path}/missing.db", {"orders": "orders"})
    assert str(caught.value) == f"database file not found: {tmp_path}/missing.db"
    assert not (tmp_path / "missing.db").exists()


def test_unreachable_server_never_shows_the_password() -> None:
    url = "postgresql+psycopg://deckgen:s3cr3t-pw@127.0.0.1:9/crm?connect_timeout=2"
    with pytest.raises(InputError) as caught:
        read_sql_frames(url, {"orders": "orders"})
    message = str(caught.value)
    assert message.startswith(
        "cannot connect to the database postgresql+psycopg://deckgen:***@127.0.0.1:9/crm"
    )
    assert "s3cr3t-pw" not in message
    assert "\n" not in message


def test_a_server_that_never_answers_times_out_in_one_sentence() -> None:
    """A host that accepts the connection and says nothing (a firewall, a hung server): the
    connect timeout (here the 2 s statement timeout, below CONNECT_TIMEOUT) ends the wait."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        url = f"postgresql+psycopg://deckgen:s3cr3t-pw@127.0.0.1:{port}/crm"
        started = time.monotonic()
        with pytest.raises(InputError) as caught:
            read_sql_frames(url, {"orders": "orders"}, statement_timeout=2)
        waited = time.monotonic() - started
    assert str(caught.value) == (
        f"cannot connect to the database postgresql+psycopg://deckgen:***@127.0.0.1:{port}/crm: "
        "connection timeout expired"
    )
    assert 2 <= waited < 30


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        (
            "mssql+pymssql://u:pw@h/db",
            "mssql+pymssql://u:***@h/db: No module named 'pymssql'; install the driver pymssql "
            "(pip install pymssql)",
        ),
        (
            "nosuchdb://u:pw@h/db",
            "nosuchdb://u:***@h/db: Can't load plugin: sqlalchemy.dialects:nosuchdb; name a "
            "dialect SQLAlchemy knows, e.g. postgresql+psycopg://",
        ),
    ],
)
def test_missing_driver_says_what_to_install(url: str, hint: str) -> None:
    with pytest.raises(InputError) as caught:
        read_sql_frames(url, {"orders": "orders"})
    assert str(caught.value) == f"no database driver for {hint}"


def test_not_a_url() -> None:
    with pytest.raises(InputError, match="the database URL is not a SQLAlchemy URL"):
        read_sql_frames("crm.db", {"orders": "orders"})


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("DROP TABLE customers", "the query is a DROP statement, not a SELECT"),
        ("VACUUM INTO '{dir}/copy.db'", "the query is a VACUUM statement, not a SELECT"),
        (
            "ATTACH DATABASE '{dir}/copy.db' AS spare",
            "the query is an ATTACH statement, not a SELECT",
        ),
        (
            "COPY (SELECT 1) TO PROGRAM 'touch {dir}/copy.db'",
            "the query is a COPY statement, not a SELECT",
        ),
        ("PRAGMA writable_schema = 1", "the query is a PRAGMA statement, not a SELECT"),
        (
            "INSERT INTO customers VALUES ('C9', 'Iran')",
            "the query is an INSERT statement, not a SELECT",
        ),
        ("SELECT 1 AS customer_id; DROP TABLE customers", "the query holds 2 statements"),
        (
            "WITH gone AS (DELETE FROM customers RETURNING *) SELECT * FROM gone",
            "the query holds DELETE, which writes or locks",
        ),
        ("SELECT * INTO copy FROM customers", "the query holds SELECT ... INTO, which writes"),
        ("SELECT * FROM customers FOR UPDATE", "the query holds FOR UPDATE/SHARE, which writes"),
        (
            "SELEC * FROM customers",
            "the query cannot be read as SQL (Required keyword: 'expression' missing for Mul at "
            "line 1, column 12)",
        ),
    ],
)
def test_anything_but_one_select_is_refused_before_it_runs(
    crm: str, tmp_path: Path, query: str, expected: str
) -> None:
    database = tmp_path / "crm.db"
    before = _sha(database)
    statement = query.format(dir=tmp_path)
    with pytest.raises(InputError) as caught:
        read_sql_frames(crm, {"customers": "customers", "orders": statement})
    assert str(caught.value).startswith(f"sheet 'orders': {expected}")
    assert "expected a single SELECT (or WITH ... SELECT) query, or a table name" in str(
        caught.value
    )
    assert _sha(database) == before
    assert not (tmp_path / "copy.db").exists()
    # Refused before connecting: the same query against a missing file names the query.
    with pytest.raises(InputError, match=f"^sheet 'orders': {re.escape(expected)}"):
        read_sql_frames(f"sqlite:///{tmp_path}/missing.db", {"orders": statement})


@pytest.mark.parametrize(
    "query",
    [
        "VACUUM INTO '{dir}/copy.db'",
        "ATTACH DATABASE '{dir}/copy.db' AS spare",
        "DELETE FROM customers",
        "CREATE TABLE t (x)",
        "PRAGMA journal_mode = DELETE",
    ],
)
def test_the_sqlite_connection_itself_only_reads(crm: str, tmp_path: Path, query: str) -> None:
    """The second guard, for a query the parser let through: SQLite refuses it in the engine."""
    database = tmp_path / "crm.db"
    before = _sha(database)
    connection = connect_sqlite_read_only(database)
    try:
        with pytest.raises(
            sqlite3.DatabaseError, match=r"not authorized|authorization denied|readonly"
        ):
            connection.execute(query.format(dir=tmp_path))
        rows = connection.execute("SELECT customer_id FROM customers ORDER BY 1").fetchall()
    finally:
        connection.close()
    assert rows == [("C1",), ("C2",)]
    assert _sha(database) == before
    assert not (tmp_path / "copy.db").exists()


def test_a_sqlite_query_that_runs_too_long_is_interrupted(crm: str) -> None:
    endless = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    )
    with pytest.raises(InputError) as caught:
        read_sql_frames(crm, {"orders": endless}, statement_timeout=0.5)
    assert str(caught.value) == (
        f"sheet 'orders': the query failed on {crm}: "
        "it ran longer than the statement timeout (0.5 s)"
    )


def test_a_sqlite_file_uri_is_read_like_a_path_and_read_only(crm: str, tmp_path: Path) -> None:
    database = tmp_path / "crm.db"
    before = _sha(database)
    frames = read_sql_frames(f"sqlite:///file:{database}?mode=rwc", {"customers": "customers"})
    assert frames["customers"]["customer_id"].tolist() == ["C1", "C2"]
    assert _sha(database) == before
    with pytest.raises(InputError) as caught:
        read_sql_frames(f"sqlite:///file:{tmp_path}/missing.db?mode=rwc", {"orders": "orders"})
    assert str(caught.value) == f"database file not found: {tmp_path}/missing.db"
    assert not (tmp_path / "missing.db").exists()


def test_a_missing_postgresql_driver_names_the_extra() -> None:
    from deckgen.data.sql import _install_hint

    missing = ModuleNotFoundError("No module named 'psycopg'", name="psycopg")
    assert _install_hint(missing) == (
        "No module named 'psycopg'; install it with pip install \"deckgen[postgres]\""
    )
