"""A database named in deckgen.toml, read like a workbook: its queries and tables are the sheets,
rows located by query (or table) name and result row, through validate, metrics and render."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from deckgen.config import Settings
from deckgen.data import sql
from deckgen.data.load import read_source, tables_from_read
from deckgen.data.source import DatabaseSource
from deckgen.data.sql import tables_sha256
from deckgen.data.validate import validate_source
from deckgen.errors import InputError
from tests.data.conftest import Frames, write_xlsx
from tests.test_cli import run_cli

ORDERS_2025 = "SELECT id AS order_id, who AS customer_id, day AS order_date, total AS amount FROM sales WHERE day < '2026' ORDER BY id"
ORDERS_2026 = "SELECT id AS order_id, who AS customer_id, day AS order_date, total AS amount FROM sales WHERE day >= '2026' ORDER BY id"


def _database(path: Path, frames: Frames) -> Path:
    """`frames` as tables of a SQLite file (dates as ISO text, as SQLite keeps them)."""
    with closing(sqlite3.connect(path)) as db, db:
        for name, frame in frames.items():
            frame.to_sql(name, db, index=False)
    return path


@pytest.fixture
def crm(tmp_path: Path) -> Path:
    """A SQLite file: customers C1, C2 and sales with one bad amount on its third row."""
    path = tmp_path / "crm.db"
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("CREATE TABLE customers (customer_id TEXT PRIMARY KEY, country TEXT)")
        db.executemany("INSERT INTO customers VALUES (?, ?)", [("C1", "Germany"), ("C2", None)])
        db.execute("CREATE TABLE sales (id TEXT, who TEXT, day TEXT, total)")
        db.executemany(
            "INSERT INTO sales VALUES (?, ?, ?, ?)",
            [
                ("O1", "C1", "2025-12-03", 12.5),
                ("O2", "C2", "2026-01-04", 20),
                ("O3", "C1", "2026-02-05", "twelve"),  # SQLite keeps text in a number column
                ("O4", "C2", "2026-03-06", 7.25),
            ],
        )
    return path


def _config(folder: Path, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "deckgen.toml").write_text(text, encoding="utf-8")
    return folder


def test_tables_are_sheets_and_queries_are_named_sheets(crm: Path) -> None:
    source = DatabaseSource(f"sqlite:///{crm}", (("orders", ORDERS_2025),))
    read = read_source(source, Settings())
    assert read.available == ("orders", "customers", "sales")
    assert read.names == {"customers": "customers", "orders": "orders"}
    orders = read.frames["orders"]
    assert orders["order_id"].tolist() == ["O1"]
    assert orders["__sheet__"].tolist() == ["orders"] and orders["__row__"].tolist() == [1]
    assert read.frames["customers"]["__row__"].tolist() == [1, 2]
    with closing(sqlite3.connect(crm)) as db, db:
        customers = pd.read_sql("SELECT * FROM customers ORDER BY customer_id", db)
        orders_read = pd.read_sql(ORDERS_2025, db)
    expected = {
        name: pa.Table.from_pandas(frame)
        for name, frame in (("customers", customers), ("orders", orders_read))
    }
    assert read.digest == tables_sha256(expected)


def test_the_checksum_is_computed_only_when_asked_and_once(
    crm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed: list[list[str]] = []

    def counted(tables: dict[str, pa.Table]) -> str:
        hashed.append(sorted(tables))
        return tables_sha256(tables)

    monkeypatch.setattr(sql, "tables_sha256", counted)
    read = read_source(DatabaseSource(f"sqlite:///{crm}", (("orders", ORDERS_2025),)), Settings())
    tables = tables_from_read(read, Settings())
    assert tables.orders["order_id"].tolist() == ["O1"]
    assert hashed == []  # reading and validating (all a render does) hash nothing
    digest = read.digest
    assert read.digest == digest and hashed == [["customers", "orders"]]
    assert len(digest) == 64 and int(digest, 16) >= 0


def test_validate_locates_a_bad_value_by_query_and_result_row(
    crm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _config(
        tmp_path / "acme",
        f'[source]\ndatabase = "sqlite:///{crm}"\n'
        f'[source.queries]\nsales_2025 = "{ORDERS_2025}"\nsales_2026 = "{ORDERS_2026}"\n'
        '[sheets.orders]\nsheet = ["sales_2025", "sales_2026"]\n',
    )
    code, out, err = run_cli(["validate", str(folder)], capsys)
    assert code == 2, err
    assert err == ""  # the report is the output asked for, errors and all
    assert out.startswith(f"Checked sqlite:///{crm}\n")
    # 'twelve' is the second row of the query sales_2026 (O2, O3, O4), whatever the table's order
    assert (
        "  - sheet 'sales_2026', row 2, column 'amount': got 'twelve'; expected a number"
    ) in out
    assert "orders             4 rows" in out


def test_a_missing_column_names_the_query_not_a_header_row(
    crm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _config(
        tmp_path / "acme",
        f'[source]\ndatabase = "sqlite:///{crm}"\n'
        '[source.queries]\norders = "SELECT id AS order_id, who AS customer_id FROM sales"\n',
    )
    report = validate_source(
        DatabaseSource(
            f"sqlite:///{crm}",
            (("orders", "SELECT id AS order_id, who AS customer_id FROM sales"),),
        ),
        Settings(),
    )
    missing = [p for p in report.errors if p.column == "order_date"]
    assert [str(p) for p in missing] == [
        "sheet 'orders', column 'order_date'; expected a column with this name (required); "
        "the sheet has 'order_id', 'customer_id'"
    ]
    code, out, _ = run_cli(["validate", str(folder)], capsys)
    assert code == 2 and "column 'order_date'" in out


def test_header_row_is_refused_for_a_database(crm: Path) -> None:
    settings = Settings.model_validate({"sheets": {"customers": {"header_row": 2}}})
    with pytest.raises(
        InputError, match=r"^\[sheets.customers\] header_row: 'customers' is a database"
    ):
        read_source(DatabaseSource(f"sqlite:///{crm}"), settings)


def test_a_query_named_like_a_table_is_read_instead_of_it(crm: Path) -> None:
    source = DatabaseSource(f"sqlite:///{crm}", (("customers", "SELECT 'C9' AS customer_id"),))
    read = read_source(source, Settings())
    assert read.available == ("customers", "sales")
    assert read.frames["customers"]["customer_id"].tolist() == ["C9"]


def test_render_from_a_database_config_gives_the_workbook_deck(
    small_frames: Frames, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = write_xlsx(small_frames, tmp_path / "acme.xlsx")
    crm = _database(tmp_path / "crm.db", small_frames)
    folder = _config(tmp_path / "acme", '[source]\ndatabase = "sqlite:///../crm.db"\n')
    decks = []
    for data, deck in ((book, "book.pptx"), (folder, "db.pptx")):
        args = ["render", str(data), "-o", str(tmp_path / deck), "--period", "2026-10"]
        code, out, err = run_cli(args, capsys)
        assert code == 0, err
        decks.append(hashlib.sha256((tmp_path / deck).read_bytes()).hexdigest())
    assert decks[0] == decks[1]
    code, out, _ = run_cli(["metrics", str(folder), "--period", "2026-10"], capsys)
    assert code == 0
    _, book_out, _ = run_cli(["metrics", str(book), "--period", "2026-10"], capsys)
    assert out == book_out
    assert crm.exists()


def test_a_sqlite_file_that_is_missing_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _config(tmp_path / "acme", '[source]\ndatabase = "sqlite:///nope.db"\n')
    code, _, err = run_cli(["render", str(folder), "-o", str(tmp_path / "d.pptx")], capsys)
    assert code == 2
    assert err == f"error: database file not found: {folder}/nope.db\n"
    assert not (folder / "nope.db").exists()


SECRET = "S3cret%2Fpw"  # percent-encoded in the URL; the driver may quote it decoded


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            '[source]\ndatabase = "sqlite:///{crm}"\n[source.queries]\norders = "ordrs"\n',
            "error: sheet 'orders': no table ordrs in sqlite:///{crm}\n",
        ),
        (
            '[source]\ndatabase = "sqlite:///{crm}"\n[source.queries]\n'
            'orders = "SELECT * FROM ordrs"\n',
            "error: sheet 'orders': the query failed on sqlite:///{crm}: no such table: ordrs\n",
        ),
        (
            '[source]\ndatabase = "sqlite:///{crm}"\n[source.queries]\n'
            'orders = "UPDATE sales SET total = 0"\n',
            "error: 1 problem(s) in {config}:\n  - source: Value error, sheet 'orders': the "
            "query is an UPDATE statement, not a SELECT; expected a single SELECT (or WITH ... "
            "SELECT) query, or a table name (deckgen only reads)\n",
        ),
        (
            f'[source]\ndatabase = "postgresql+psycopg://reports:{SECRET}@127.0.0.1:9/crm"\n',
            "error: cannot connect to the database postgresql+psycopg://reports:***@127.0.0.1:9/"
            'crm: connection failed: connection to server at "127.0.0.1", port 9 failed: '
            "Connection refused\n",
        ),
        (
            f'[source]\ndatabase = "mysql+nosuchdriver://reports:{SECRET}@db/crm"\n',
            "error: no database driver for mysql+nosuchdriver://reports:***@db/crm: Can't load "
            "plugin: sqlalchemy.dialects:mysql.nosuchdriver; name a dialect SQLAlchemy knows, "
            "e.g. postgresql+psycopg://\n",
        ),
        (
            f'[source]\nurl = "nosuchfs://reports:{SECRET}@host/acme/"\n',
            "error: 1 problem(s) in {config}:\n  - source.url: Value error, "
            "nosuchfs://reports:***@host/acme/: deckgen reads no 'nosuchfs://' URLs; a workbook "
            "or folder is read by path or by a URL such as file://, s3://, gs:// or https://, "
            "and a database is named in deckgen.toml as [source] database\n",
        ),
    ],
)
@pytest.mark.parametrize("command", ["validate", "metrics", "render"])
def test_a_hostile_source_is_one_message_with_exit_code_2(
    crm: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    source: str,
    expected: str,
    command: str,
) -> None:
    folder = _config(tmp_path / "acme", source.format(crm=crm))
    before = hashlib.sha256(crm.read_bytes()).hexdigest()
    output = ["-o", str(tmp_path / "deck.pptx")] if command == "render" else []
    code, out, err = run_cli([command, str(folder), *output], capsys)
    assert (code, out) == (2, "")
    assert err == expected.format(crm=crm, config=folder / "deckgen.toml")
    assert "S3cret" not in err and "Traceback" not in err
    assert hashlib.sha256(crm.read_bytes()).hexdigest() == before
    assert not (tmp_path / "deck.pptx").exists()
