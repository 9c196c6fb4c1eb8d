"""A PostgreSQL source, for real: the sample client loaded into a local server (.ci/postgres.sh)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import missing_service

pytestmark = pytest.mark.postgres

# Peer authentication over the Unix socket, as .ci/postgres.sh sets up: no password anywhere.
DEFAULT_URL = "postgresql+psycopg:///deckgen_test?host=/var/run/postgresql"


@pytest.fixture(scope="module")
def pg_url() -> str:
    """The test server's URL; skips only when it is unreachable outside CI, fails in CI."""
    import sqlalchemy as sa

    url = os.environ.get("DECKGEN_TEST_PG_URL", DEFAULT_URL)
    engine = sa.create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as exc:
        missing_service(
            f"PostgreSQL at {engine.url!r} is unreachable ({exc.orig}); run .ci/postgres.sh"
        )
    finally:
        engine.dispose()
    return url


def test_postgres_source_gives_the_workbook_deck(
    pg_url: str, tmp_path: Path, database_matches_workbook: Callable[[str, Path], None]
) -> None:
    database_matches_workbook(pg_url, tmp_path)


def test_postgres_query_with_renamed_columns(pg_url: str) -> None:
    import sqlalchemy as sa

    from deckgen.data.sql import read_sql_frames

    engine = sa.create_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS crm_sales"))
        connection.execute(
            sa.text("CREATE TABLE crm_sales (id text, who text, day date, total numeric(10, 2))")
        )
        connection.execute(
            sa.text("INSERT INTO crm_sales VALUES ('O1', 'C1', '2026-10-03', 12.50)")
        )
    engine.dispose()
    query = "SELECT id AS order_id, who AS customer_id, day AS order_date, total AS amount FROM crm_sales"
    orders = read_sql_frames(pg_url, {"orders": query})["orders"]
    assert str(orders["order_date"].dtype).startswith("datetime64")
    assert orders.to_dict("records") == [
        {
            "order_id": "O1",
            "customer_id": "C1",
            "order_date": pd.Timestamp("2026-10-03"),
            "amount": 12.5,
        }
    ]


def test_postgres_table_without_key_and_with_json_is_read_in_a_fixed_order(pg_url: str) -> None:
    import sqlalchemy as sa

    from deckgen.data.sql import read_sql_frames

    rows = [("C2", '{"tier": "gold"}'), ("C1", '{"tier": "silver"}'), ("C3", '{"a": [1]}')]
    engine = sa.create_engine(pg_url)
    with engine.begin() as connection:
        for table, ordered in (("crm_a", rows), ("crm_b", rows[::-1])):
            connection.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
            connection.execute(sa.text(f"CREATE TABLE {table} (customer_id text, extra json)"))
            for row in ordered:
                connection.execute(
                    sa.text(f"INSERT INTO {table} VALUES (:id, CAST(:extra AS json))"),
                    {"id": row[0], "extra": row[1]},
                )
    engine.dispose()
    frames = read_sql_frames(pg_url, {"customers": "crm_a", "orders": "crm_b"})
    pd.testing.assert_frame_equal(frames["customers"], frames["orders"])
    assert sorted(frames["customers"]["customer_id"]) == ["C1", "C2", "C3"]


@pytest.fixture
def victim(pg_url: str) -> Callable[[], list[tuple]]:
    """A table with two rows and a sequence; returns a function reading the table back."""
    import sqlalchemy as sa

    engine = sa.create_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS victim"))
        connection.execute(sa.text("CREATE TABLE victim (customer_id text PRIMARY KEY)"))
        connection.execute(sa.text("INSERT INTO victim VALUES ('C1'), ('C2')"))
        connection.execute(sa.text("DROP SEQUENCE IF EXISTS victim_seq"))
        connection.execute(sa.text("CREATE SEQUENCE victim_seq"))

    def rows() -> list[tuple]:
        with engine.connect() as connection:
            return [
                tuple(r) for r in connection.execute(sa.text("SELECT * FROM victim ORDER BY 1"))
            ]

    yield rows
    engine.dispose()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("DROP TABLE victim", "the query is a DROP statement, not a SELECT"),
        ("COPY (SELECT 1) TO PROGRAM 'touch {dir}/pwned'", "the query is a COPY statement"),
        ("SELECT 1 AS customer_id; DROP TABLE victim", "the query holds 2 statements"),
        (
            "WITH gone AS (DELETE FROM victim RETURNING *) SELECT * FROM gone",
            "the query holds DELETE, which writes or locks",
        ),
        ("SELECT * INTO victim_copy FROM victim", "the query holds SELECT ... INTO"),
    ],
)
def test_postgres_refuses_anything_but_one_select_before_it_runs(
    pg_url: str, victim: Callable[[], list[tuple]], tmp_path: Path, query: str, expected: str
) -> None:
    from deckgen.data.sql import read_sql_frames
    from deckgen.errors import InputError

    with pytest.raises(InputError) as caught:
        read_sql_frames(pg_url, {"customers": "victim", "orders": query.format(dir=tmp_path)})
    assert str(caught.value).startswith(f"sheet 'orders': {expected}")
    assert victim() == [("C1",), ("C2",)]
    assert not (tmp_path / "pwned").exists()


def test_postgres_reads_in_a_read_only_transaction(
    pg_url: str, victim: Callable[[], list[tuple]]
) -> None:
    """The second guard, for a SELECT that writes: nextval() in a READ ONLY transaction."""
    from deckgen.data.sql import read_sql_frames
    from deckgen.errors import InputError

    with pytest.raises(InputError) as caught:
        read_sql_frames(pg_url, {"orders": "SELECT nextval('victim_seq') AS order_id"})
    assert str(caught.value).startswith("sheet 'orders': the query failed on ")
    assert str(caught.value).endswith(": cannot execute nextval() in a read-only transaction")


def test_postgres_statement_timeout_stops_pg_sleep_even_after_a_query_lifts_it(
    pg_url: str,
) -> None:
    from deckgen.data.sql import read_sql_frames
    from deckgen.errors import InputError

    queries = {
        "customers": "SELECT set_config('statement_timeout', '0', true) AS customer_id",
        "orders": "SELECT pg_sleep(100) AS order_id",
    }
    with pytest.raises(InputError) as caught:
        read_sql_frames(pg_url, queries, statement_timeout=1)
    assert str(caught.value).startswith("sheet 'orders': the query failed on ")
    assert str(caught.value).endswith("it ran longer than the statement timeout (1 s)")
