"""A PostgreSQL source, for real: the sample client loaded into a local server (.ci/postgres.sh)."""

from __future__ import annotations

import getpass
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from tests.conftest import missing_service

if TYPE_CHECKING:
    from deckgen.data.sql import DatabaseBook

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


# -- a database named in a client's deckgen.toml, with a password in its URL ------------------

PASSWORD = "Tr1cky/p@ss:word"  # holds the characters that break naive masking
PASSWORD_IN_URL = "Tr1cky%2Fp%40ss%3Aword"


def _leaks(text: str) -> list[str]:
    """The forms of the password found in `text` (as written, percent-encoded, or its core)."""
    return [form for form in (PASSWORD, PASSWORD_IN_URL, "p@ss") if form in text]


@pytest.fixture
def client_schema(pg_url: str, sample_frames: dict) -> Iterator[str]:
    """The sample client's seven tables in a schema of their own, dropped afterwards."""
    import sqlalchemy as sa

    schema = f"deckgen_sources_{os.getpid()}"
    engine = sa.create_engine(pg_url)
    with engine.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
        for sheet, frame in sample_frames.items():
            frame.to_sql(sheet, connection, schema=schema, index=False)
    try:
        yield schema
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def _with_password(pg_url: str, **query: str) -> str:
    """`pg_url` with the test password (ignored by peer authentication) and `query` added."""
    from sqlalchemy.engine import make_url

    url = make_url(pg_url)
    return url.set(
        username=url.username or getpass.getuser(),
        password=url.password or PASSWORD,
        query={**url.query, **query},
    ).render_as_string(hide_password=False)


def _client_folders(tmp_path: Path, url: str) -> tuple[Path, list[str]]:
    """The sample client's folder whose deckgen.toml reads `url`, and the options that give the
    workbook the same client name."""
    acme = tmp_path / "acme"
    acme.mkdir()
    (acme / "deckgen.toml").write_text(
        f'client = "Sample Retail Co."\n[source]\ndatabase = "{url}"\n', encoding="utf-8"
    )
    (tmp_path / "book.toml").write_text('client = "Sample Retail Co."\n', encoding="utf-8")
    return acme, ["--config", str(tmp_path / "book.toml")]


def test_postgres_in_deckgen_toml_gives_the_workbook_figures_and_never_shows_the_password(
    pg_url: str,
    client_schema: str,
    sample_workbook: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from deckgen.data.source import DatabaseSource
    from tests.test_cli import run_cli

    url = _with_password(pg_url, options=f"-csearch_path={client_schema}")
    assert PASSWORD_IN_URL in url
    acme, book = _client_folders(tmp_path, url)
    shown = DatabaseSource(url).shown
    assert ":***@" in shown and not _leaks(shown)

    code, out, err = run_cli(["validate", str(acme)], capsys)
    assert (code, err) == (0, ""), err
    assert out.startswith(f"Checked {shown}\n") and out.endswith("Result: valid.\n")
    _, book_out, _ = run_cli(["validate", str(sample_workbook), *book], capsys)
    assert out.splitlines()[1:] == book_out.splitlines()[1:]  # every sheet's rows and dates

    figures = []
    for data in ([str(acme)], [str(sample_workbook), *book]):
        code, out, err = run_cli(["metrics", *data, "--period", "2026-10", "--json"], capsys)
        assert code == 0, err
        figures.append(out)
    assert figures[0] == figures[1]

    decks = []
    for data, deck in (([str(acme)], "db.pptx"), ([str(sample_workbook), *book], "book.pptx")):
        args = ["render", *data, "-o", str(tmp_path / deck), "--period", "2026-10"]
        code, out, err = run_cli(args, capsys)
        assert code == 0, err
        assert not _leaks(out + err)
        decks.append((tmp_path / deck).read_bytes())
    assert decks[0] == decks[1]

    # A scheduled run of the same client, its source taken from its deckgen.toml.
    (tmp_path / "run.toml").write_text(
        'output = "reports/{client}.pptx"\n[[client]]\nname = "acme"\nconfig = "acme/deckgen.toml"\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "deckgen.cli", "run", str(tmp_path / "run.toml")]
    ran = subprocess.run(
        [*command, "--period", "2026-10", "--jobs", "1", "--log-format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert not _leaks(ran.stdout + ran.stderr)
    manifest = (tmp_path / "reports/manifest-2026-10.json").read_text(encoding="utf-8")
    assert json.loads(manifest)["clients"][0]["source"] == shown
    assert not _leaks(manifest)
    assert (tmp_path / "reports/acme.pptx").read_bytes() == decks[1]


def test_postgres_refusing_the_password_is_one_line_without_it(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real authentication failure over TCP, whose driver message names the user."""
    from tests.test_cli import run_cli

    acme = tmp_path / "acme"
    acme.mkdir()
    url = f"postgresql+psycopg://reports:{PASSWORD_IN_URL}@127.0.0.1:5432/deckgen_test"
    (acme / "deckgen.toml").write_text(f'[source]\ndatabase = "{url}"\n', encoding="utf-8")
    expected = (
        "error: cannot connect to the database "
        "postgresql+psycopg://reports:***@127.0.0.1:5432/deckgen_test: connection failed: "
        'connection to server at "127.0.0.1", port 5432 failed: FATAL:  password '
        'authentication failed for user "reports"\n'
    )
    for command in (
        ["validate"],
        ["metrics", "--json"],
        ["render", "-o", str(tmp_path / "d.pptx")],
    ):
        code, out, err = run_cli([*command, str(acme)], capsys)
        assert (code, out, err) == (2, "", expected)
    assert not (tmp_path / "d.pptx").exists()
    (tmp_path / "run.toml").write_text(
        'output = "reports/{client}.pptx"\n[[client]]\nname = "acme"\nconfig = "acme/deckgen.toml"\n',
        encoding="utf-8",
    )
    ran = subprocess.run(
        [
            sys.executable,
            "-m",
            "deckgen.cli",
            "run",
            str(tmp_path / "run.toml"),
            "--period",
            "2026-10",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 1, ran.stderr
    assert "password authentication failed" in ran.stderr and not _leaks(ran.stdout + ran.stderr)
    manifest = (tmp_path / "reports/manifest-2026-10.json").read_text(encoding="utf-8")
    assert "password authentication failed" in manifest and not _leaks(manifest)


# -- tables read by COPY (no Python object per cell) --------------------------------------------


def _book(url: str, timeout: float = 120) -> DatabaseBook:
    """The database at `url` opened as deckgen reads it (callers close it)."""
    from deckgen.data.source import DatabaseSource
    from deckgen.data.sql import DatabaseBook

    return DatabaseBook(DatabaseSource(url, (), timeout))


@pytest.fixture
def typed_schema(pg_url: str) -> Iterator[str]:
    """A schema of its own holding tables of every type COPY reads, and one it leaves to pandas."""
    import sqlalchemy as sa

    schema = f"deckgen_copy_{os.getpid()}"
    engine = sa.create_engine(pg_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        connection.exec_driver_sql(
            f"CREATE TABLE {schema}.kinds (id text PRIMARY KEY, small smallint, whole int, "
            "big bigint, ratio real, amount double precision, flag boolean, day date, "
            "code varchar(8), padded char(3), full_n int, at timestamp, midnight timestamp, "
            "nothing text, no_day date)"
        )
        connection.exec_driver_sql(
            f"INSERT INTO {schema}.kinds VALUES "
            "('b', 1, -2, 9007199254740993, 0.1, 1e-300, true, '2026-01-31', 'NA', 'x', 1, "
            "'2026-01-31 23:59:59.999999', '2026-01-31', NULL, NULL), "
            "('a', NULL, NULL, NULL, NULL, 'NaN', NULL, NULL, '', NULL, 2, NULL, '2026-02-01', "
            "NULL, NULL), "
            "('c,\"q\"', 3, 4, 5, -2.5, 12.345678901234567, false, '1999-12-31', 'NULL', "
            "'abc', 3, '1999-12-31 00:00:01', '1999-12-31', NULL, NULL), "
            "('d\nline ش', 0, 0, 0, 0, 0, false, '2026-10-01', ' ', 'z', 4, "
            "'2026-10-01 12:00', '2026-10-01', NULL, NULL)"
        )
        # No primary key: read in an order fixed by content, as pandas orders it.
        connection.exec_driver_sql(f"CREATE TABLE {schema}.loose (who text, day date, n int)")
        connection.exec_driver_sql(
            f"INSERT INTO {schema}.loose VALUES ('b', '2026-01-02', 1), (NULL, NULL, NULL), "
            "('a', '2026-01-03', 2), ('a', '2026-01-01', NULL), ('', '2026-01-01', 3)"
        )
        connection.exec_driver_sql(
            f"CREATE TABLE {schema}.money (id int PRIMARY KEY, cost numeric)"
        )
        connection.exec_driver_sql(f"INSERT INTO {schema}.money VALUES (1, 1.10), (2, NULL)")
        connection.exec_driver_sql(
            f"CREATE VIEW {schema}.slow AS SELECT pg_sleep(100)::text AS customer_id"
        )
    try:
        yield schema
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        engine.dispose()


def test_postgres_tables_read_by_copy_equal_pandas_read_cell_for_cell(
    pg_url: str, typed_schema: str
) -> None:
    import pyarrow as pa

    from deckgen.data.cells import arrow_column

    # A server whose dates print day first (DateStyle SQL, DMY): COPY's dates still parse.
    options = f"-csearch_path%3D{typed_schema}%20-cdatestyle%3DSQL%2CDMY"
    with _book(f"{pg_url}&options={options}") as book:
        copied = {name: book._copied(None, name) for name in ("kinds", "loose", "money")}
        assert copied["money"] is None  # numeric: pandas reads it (Decimal), not COPY
        for name in ("kinds", "loose"):
            frame = book.frame(name)
            by_pandas = pa.Table.from_arrays(
                [arrow_column(frame.iloc[:, i]) for i in range(frame.shape[1])],
                names=list(frame.columns),
            )
            assert copied[name].equals(by_pandas), (name, copied[name], by_pandas)
    kinds = copied["kinds"].to_pydict()
    assert kinds["id"] == ["a", "b", 'c,"q"', "d\nline ش"]  # primary-key order
    assert kinds["code"] == ["", "NA", "NULL", " "]  # text, never read as missing
    assert kinds["small"] == [None, 1.0, 3.0, 0.0]  # gaps: floats, as pandas holds them
    assert kinds["full_n"] == [2, 1, 3, 4] and copied["kinds"]["full_n"].type == pa.int64()
    assert kinds["flag"] == [None, True, False, False]
    assert kinds["ratio"][1] == 0.1 and kinds["amount"][2] == 12.345678901234567
    assert kinds["amount"][0] is None  # NaN is missing, as pandas has it
    assert str(copied["kinds"]["day"].type) == "timestamp[s]"
    assert str(copied["kinds"]["at"].type) == "timestamp[us]"
    assert copied["kinds"]["nothing"].type == pa.null() == copied["kinds"]["no_day"].type
    assert copied["loose"].to_pydict()["who"] == ["", "a", "a", "b", None]


def test_postgres_copy_read_keeps_the_statement_timeout(pg_url: str, typed_schema: str) -> None:
    from deckgen.errors import InputError

    url = f"{pg_url}&options=-csearch_path%3D{typed_schema}"
    with _book(url, timeout=1) as book, pytest.raises(InputError) as caught:
        book.table("slow")
    assert str(caught.value).startswith("sheet 'slow': reading table slow failed on ")
    assert str(caught.value).endswith("it ran longer than the statement timeout (1 s)")


def test_postgres_typed_tables_read_by_copy_give_the_workbook_figures_and_deck(
    pg_url: str,
    sample_frames: dict,
    sample_workbook: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The sample as a CRM keeps it (dates as `date`, ids as primary keys, loyalty with none),
    read by COPY: the workbook's figures and the same deck, byte for byte."""
    import sqlalchemy as sa

    from tests.test_cli import run_cli

    schema = f"deckgen_typed_{os.getpid()}"
    keys = {"customers": "customer_id", "orders": "order_id", "leads": "lead_id"}
    engine = sa.create_engine(pg_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        for sheet, frame in sample_frames.items():
            dates = {
                c: sa.Date for c in frame.columns if str(frame[c].dtype).startswith("datetime")
            }
            frame.to_sql(sheet, connection, schema=schema, index=False, dtype=dates)
            if sheet in keys:
                connection.exec_driver_sql(
                    f"ALTER TABLE {schema}.{sheet} ADD PRIMARY KEY ({keys[sheet]})"
                )
    try:
        url = f"{pg_url}&options=-csearch_path%3D{schema}"
        with _book(url) as book:
            assert all(book._copied(None, name) is not None for name in sample_frames)
        acme, book_args = _client_folders(tmp_path, url)
        outputs = []
        for data, deck in (
            ([str(acme)], "db.pptx"),
            ([str(sample_workbook), *book_args], "b.pptx"),
        ):
            code, figures, err = run_cli(
                ["metrics", *data, "--period", "2026-10", "--json"], capsys
            )
            assert code == 0, err
            args = ["render", *data, "-o", str(tmp_path / deck), "--period", "2026-10"]
            code, _, err = run_cli(args, capsys)
            assert code == 0, err
            outputs.append((figures, (tmp_path / deck).read_bytes()))
        assert outputs[0][0] == outputs[1][0]
        assert outputs[0][1] == outputs[1][1]
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        engine.dispose()
