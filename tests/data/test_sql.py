"""Database sources: frames per sheet from SQL queries or tables, one clear sentence on failure."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from deckgen.data.sql import read_sql_frames
from deckgen.errors import InputError


@pytest.fixture
def crm(tmp_path: Path) -> str:
    """A SQLite file with customers and sales tables; returns its URL."""
    path = tmp_path / "crm.db"
    with sqlite3.connect(path) as db:
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
    with sqlite3.connect(path) as db:
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


def test_missing_driver() -> None:
    with pytest.raises(InputError, match=r"no database driver for mssql\+pymssql://u:\*\*\*@h/db"):
        read_sql_frames("mssql+pymssql://u:pw@h/db", {"orders": "orders"})


def test_not_a_url() -> None:
    with pytest.raises(InputError, match="the database URL is not a SQLAlchemy URL"):
        read_sql_frames("crm.db", {"orders": "orders"})
