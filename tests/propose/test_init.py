"""`deckgen init` end to end: the file it writes, the hostile and degenerate sources."""

from __future__ import annotations

import os
import sqlite3
import stat
import tomllib
import zipfile
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from deckgen.config import load_settings
from deckgen.data.load import load_tables
from deckgen.data.validate import validate_source
from deckgen.pipeline import resolve_source
from deckgen.propose import init_config
from tests.data.workbooks import write_book
from tests.propose.corpus import CORPUS, build
from tests.test_cli import run_cli

SPECS = {spec.name: spec for spec in CORPUS}


def _orders(n: int = 6, start: int = 1) -> list[list[object]]:
    return [
        [f"INV{start + i:04d}", f"K{1 + i % 3:03d}", datetime(2026, 9, 1 + i), 100.0 + i]
        for i in range(n)
    ]


def _customers(n: int = 3) -> list[list[object]]:
    return [[f"K{i:03d}", datetime(2025, 1, i), "Germany"] for i in range(1, n + 1)]


# -- the happy path ----------------------------------------------------------------------


def test_init_writes_beside_the_workbook_and_validate_finds_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = build(SPECS["de_kunden"], tmp_path)
    code, out, err = run_cli(["init", str(data)], capsys)
    assert code == 0, err
    config = tmp_path / "deckgen.toml"
    assert f"wrote {config}" in out
    assert "Validated: valid" in out
    settings = tomllib.loads(config.read_text(encoding="utf-8"))
    orders = settings["sheets"]["orders"]
    assert orders["sheet"] == "Bestellungen"
    assert orders["columns"] == {
        "order_id": "Beleg",
        "customer_id": "Kunden-Nr",
        "order_date": "Datum",
        "amount": "Betrag",
        "product_category": "Warengruppe",
    }
    assert orders["date_format"] == {"order_date": "%d.%m.%Y"}
    assert orders["decimal"] == ","
    assert settings["currency"] == "EUR"
    # W and M are read as they are (docs/data-format.md); unbekannt needs the map
    assert settings["sheets"]["customers"]["values"]["gender"] == {"unbekannt": "unknown"}
    code, out, _ = run_cli(["validate", str(data)], capsys)  # the config beside it is found
    assert code == 0 and "Result: valid" in out


def test_every_guess_carries_its_evidence_and_confidence(tmp_path: Path) -> None:
    data = build(SPECS["crm_titles_yearly"], tmp_path)
    text = init_config(str(data), tmp_path / "d.toml").output.read_text(encoding="utf-8")
    lines = {line.split(" = ")[0]: line for line in text.splitlines() if " = " in line}
    assert 'sheet = ["Sales 2025", "Sales 2026"]' in text
    assert "header_row = 3  # high: rows above it are titles (ACME CRM - sales export)" in text
    assert lines["order_id"].startswith('order_id = "Invoice"  # high')
    assert "unique" in lines["order_id"]
    assert lines["where"].startswith("where = \"coalesce(\\\"Invoice\\\", '') NOT IN ('TOTAL')\"")
    assert "2 row(s) labelled 'TOTAL'" in lines["where"]
    assert lines["currency"] == (
        "currency = \"USD\"  # medium: amounts in 'Total' are written with $"
    )
    for line in text.splitlines():
        if " = " in line and not line.startswith(("#", "policy", "sheet = ")):
            assert "  # " in line, line  # every value says why (a sheet: on the line above)


def test_invoice_lines_get_lines_a_computed_amount_returns_and_derived_customers(
    tmp_path: Path,
) -> None:
    data = build(SPECS["invoice_lines"], tmp_path)
    result = init_config(str(data), tmp_path / "d.toml")
    settings = tomllib.loads(result.output.read_text(encoding="utf-8"))
    orders = settings["sheets"]["orders"]
    assert orders["order_lines"] is True
    assert orders["compute"] == {"amount": '"Quantity" * "UnitPrice"'}
    assert orders["returns"] == {"when": "\"InvoiceNo\" LIKE 'C%'", "policy": "net"}
    assert orders["where"] == '"CustomerID" IS NOT NULL'
    assert orders["date_format"] == {"order_date": "%m/%d/%Y %H:%M"}
    customers = settings["sheets"]["customers"]
    assert customers["from_orders"] is True
    assert customers["columns"]["customer_id"] == "CustomerID"
    assert customers["columns"]["country"] == "country"
    assert result.valid


def test_the_same_data_gives_the_same_bytes(tmp_path: Path) -> None:
    data = build(SPECS["fa_persian"], tmp_path)
    first = init_config(str(data), tmp_path / "a.toml").output.read_bytes()
    second = init_config(str(data), tmp_path / "a.toml", force=True).output.read_bytes()
    assert first == second


def test_an_existing_file_is_never_overwritten_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = build(SPECS["transaction_log"], tmp_path)
    config = tmp_path / "deckgen.toml"
    config.write_text("# the consultant's edits\n", encoding="utf-8")
    code, _, err = run_cli(["init", str(data)], capsys)
    assert code == 2
    assert (
        err.strip()
        == f"error: {config} exists; pass --force to replace it, or -o to write elsewhere"
    )
    assert "Traceback" not in err
    assert config.read_text(encoding="utf-8") == "# the consultant's edits\n"
    code, _out, _ = run_cli(["init", str(data), "--force"], capsys)
    assert code == 0
    assert "row_ids = true" in config.read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".deckgen.toml")]
    # the mode any new file gets (the umask's), not the private 0600 of a temporary file
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(config.stat().st_mode) == 0o666 & ~umask


def test_force_never_writes_over_the_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = build(SPECS["transaction_log"], tmp_path)
    before = data.read_bytes()
    code, _, err = run_cli(["init", str(data), "-o", str(data), "--force"], capsys)
    assert (code, err.strip()) == (
        2,
        f"error: cannot write {data}: init writes a .toml file; name one with -o",
    )
    assert data.read_bytes() == before


def test_lang_is_written_as_given(tmp_path: Path) -> None:
    data = build(SPECS["ar_offsets"], tmp_path)
    text = init_config(str(data), tmp_path / "d.toml", lang="en").output.read_text("utf-8")
    settings = tomllib.loads(text)
    assert settings["lang"] == "en"
    assert settings["timezone"] == "Asia/Riyadh"
    assert settings["currency"] == "SAR"


# -- hostile and degenerate sources ------------------------------------------------------


def test_an_empty_workbook_is_one_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = write_book(tmp_path / "empty.xlsx", {"Sheet1": []})
    code, _out, err = run_cli(["init", str(book)], capsys)
    assert code == 2
    assert err.startswith(f"error: {book}: no sheet looks like deckgen's orders or customers")
    assert "'Sheet1' (it is empty)" in err
    assert "Traceback" not in err
    assert not (tmp_path / "deckgen.toml").exists()


def test_a_workbook_of_unrelated_sheets_is_one_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = write_book(
        tmp_path / "office.xlsx",
        {
            "Staff": [
                ["Name", "Role", "Phone"],
                ["Ana Weber", "Sales", "+49 30 1234"],
                ["Ben Ode", "IT", "+49 30 9876"],
            ],
            "Rooms": [["Room", "Floor", "Seats"], ["Berlin", 1, 8], ["Paris", 2, 12]],
        },
    )
    code, _, err = run_cli(["init", str(book)], capsys)
    assert code == 2
    assert "no sheet looks like deckgen's orders or customers" in err
    assert "'Staff', 'Rooms'" in err


def test_a_missing_path_and_a_non_workbook_are_one_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(["init", str(tmp_path / "nope.xlsx")], capsys)
    assert (code, err.strip()) == (2, f"error: {tmp_path / 'nope.xlsx'} does not exist")
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    code, _, err = run_cli(["init", str(text)], capsys)
    assert code == 2 and "is not an .xlsx workbook" in err and "Traceback" not in err


def test_a_header_row_of_numbers_is_no_header(tmp_path: Path) -> None:
    book = write_book(
        tmp_path / "pivot.xlsx",
        {
            "Orders": [["Order", "Customer", "Date", "Amount"], *_orders()],
            "Customers": [["Customer", "Since", "Country"], *_customers()],
            "Pivot": [[2024, 2025, 2026], [10, 20, 30], [40, 50, 60]],
        },
    )
    result = init_config(str(book), tmp_path / "d.toml")
    assert (
        "Pivot",
        "no row among its first rows holds column names (words): only numbers or one cell",
    ) in result.proposal.source.skipped
    text = result.output.read_text(encoding="utf-8")
    assert "#   'Pivot': no row among its first rows holds column names" in text
    assert any("sheet 'Pivot' was not read" in d.text for d in result.decisions)
    assert result.valid


def test_two_sheets_that_both_look_like_orders_name_the_runner_up(tmp_path: Path) -> None:
    book = write_book(
        tmp_path / "two.xlsx",
        {
            "Customers": [["Customer", "Since", "Country"], *_customers()],
            "Orders": [["Order", "Customer", "Date", "Amount"], *_orders(6)],
            "Orders old system": [["Order", "Customer", "Date", "Amount"], *_orders(4, start=100)],
        },
    )
    result = init_config(str(book), tmp_path / "d.toml")
    orders = result.proposal.sheet("orders")
    assert orders is not None and orders.table is not None
    assert orders.table.names == ("Orders",)
    assert orders.runner_up is not None and orders.runner_up.startswith("'Orders old system' (")
    text = result.output.read_text(encoding="utf-8")
    assert "# runner-up: 'Orders old system' (" in text
    assert any(
        "'Orders old system'" in d.text and "looks like 'orders' too" in d.text
        for d in result.decisions
    )


def test_one_row_sheets(tmp_path: Path) -> None:
    book = write_book(
        tmp_path / "tiny.xlsx",
        {
            "Customers": [["Customer", "Since"], ["K001", datetime(2026, 1, 5)]],
            "Orders": [
                ["Order", "Customer", "Date", "Amount"],
                ["A1", "K001", datetime(2026, 9, 3), 12.5],
            ],
        },
    )
    result = init_config(str(book), tmp_path / "d.toml")
    settings = tomllib.loads(result.output.read_text(encoding="utf-8"))
    assert settings["sheets"]["orders"]["columns"] == {
        "order_id": "Order",
        "customer_id": "Customer",
        "order_date": "Date",
        "amount": "Amount",
    }
    assert settings["sheets"]["customers"]["columns"] == {
        "customer_id": "Customer",
        "signup_date": "Since",
    }
    assert result.failure is None


def test_persian_digits_in_dates_day_first(tmp_path: Path) -> None:
    rows = [["شماره سفارش", "شماره مشتری", "تاریخ", "مبلغ"]]
    rows += [
        [
            f"S{i}",
            "M1",
            f"{i + 10:02d}/۰۹/۲۰۲۶".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")),
            1000 * i,
        ]
        for i in range(1, 6)
    ]
    book = write_book(
        tmp_path / "fa.xlsx",
        {"سفارش‌ها": rows, "مشتریان": [["شماره مشتری", "شهر"], ["M1", "تهران"]]},
    )
    result = init_config(str(book), tmp_path / "d.toml")
    settings = tomllib.loads(result.output.read_text(encoding="utf-8"))
    assert settings["sheets"]["orders"]["date_format"] == {"order_date": "%d/%m/%Y"}
    assert settings["lang"] == "fa" and settings["currency"] == "IRR"
    assert result.valid, result.summary()


def test_a_day_first_or_month_first_tie_is_left_to_decide(tmp_path: Path) -> None:
    rows = [["Order", "Customer", "Date", "Amount"]]
    rows += [[f"A{i}", "K001", f"0{i}/0{i + 1}/2026", 10.0 * i] for i in range(1, 8)]
    book = write_book(
        tmp_path / "tie.xlsx", {"Orders": rows, "Customers": [["Customer"], ["K001"]]}
    )
    result = init_config(str(book), tmp_path / "d.toml")
    text = result.output.read_text(encoding="utf-8")
    assert (
        'order_date = "%d/%m/%Y"  # low: dates written dd/mm/yyyy; every one also reads as mm/dd/yyyy (no day above 12); runner-up: %m/%d/%Y'
        in text
    )
    assert any("date format of order_date" in d.text for d in result.decisions)


def test_unplaced_values_are_listed_and_offered_as_vocabulary(tmp_path: Path) -> None:
    customers = [["Customer", "Source", "Sex"]]
    customers += [
        [f"K{i:03d}", ["Insta", "Referral", "Paid Search"][i % 3], ["F", "M", "Q"][i % 3]]
        for i in range(1, 10)
    ]
    book = write_book(
        tmp_path / "v.xlsx",
        {"Customers": customers, "Orders": [["Order", "Customer", "Date", "Amount"], *_orders()]},
    )
    result = init_config(str(book), tmp_path / "d.toml")
    text = result.output.read_text(encoding="utf-8")
    assert 'Insta = "social"  # 3 rows; a listed spelling' in text
    assert '# Referral = "?"  # 3 rows' in text
    assert '# referral = { en = "Referral" }  # 3 rows' in text
    assert '# paid_search = { en = "Paid Search" }  # 3 rows' in text
    texts = [d.text for d in result.decisions]
    assert any(
        "values.acquisition_channel] not placed: 'Paid Search' (3 rows), 'Referral' (3 rows)" in t
        for t in texts
    )
    assert any("values.gender] not placed: 'Q' (3 rows)" in t for t in texts)


def test_a_database_gets_a_mapping_and_its_source(tmp_path: Path) -> None:
    db = tmp_path / "crm.db"
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute(
            "CREATE TABLE kunden (kunden_nr TEXT PRIMARY KEY, angelegt TEXT, land TEXT)"
        )
        connection.execute(
            "CREATE TABLE bestellungen (beleg TEXT PRIMARY KEY, kunden_nr TEXT, datum TEXT, betrag REAL)"
        )
        connection.executemany(
            "INSERT INTO kunden VALUES (?, ?, ?)",
            [(f"K{i}", f"2025-0{i}-01", "Deutschland") for i in range(1, 4)],
        )
        connection.executemany(
            "INSERT INTO bestellungen VALUES (?, ?, ?, ?)",
            [(f"B{i}", f"K{1 + i % 3}", f"2026-09-{i + 1:02d}", 10.5 * i) for i in range(1, 9)],
        )
    connection.close()
    url = f"sqlite:///{db}"
    result = init_config(url, tmp_path / "deckgen.toml")
    text = result.output.read_text(encoding="utf-8")
    settings = tomllib.loads(text)
    assert settings["sheets"]["orders"]["columns"] == {
        "order_id": "beleg",
        "customer_id": "kunden_nr",
        "order_date": "datum",
        "amount": "betrag",
    }
    assert "sheet" not in settings["sheets"]["orders"]  # a query names the table, not `sheet`
    assert settings["currency"] == "EUR"
    assert settings["source"] == {
        "database": url,
        "queries": {"customers": "kunden", "orders": "bestellungen"},
    }
    assert result.valid, result.summary()
    assert f"`deckgen validate {result.output}`" in result.summary()
    # The written file is a working config: deckgen reads the database it names.
    spec, resolved = resolve_source(str(result.output), None, None)
    report = validate_source(spec, resolved)
    assert report.ok, report.format()


def test_a_column_name_with_a_double_quote_gets_no_expression(tmp_path: Path) -> None:
    rows = [['Order "No"', "Customer", "Date", "Amount"], *_orders(4), ["Total", None, None, 406.0]]
    book = write_book(tmp_path / "q.xlsx", {"Orders": rows, "Customers": [["Customer"], ["K001"]]})
    result = init_config(str(book), tmp_path / "d.toml")
    text = result.output.read_text(encoding="utf-8")
    assert 'order_id = "Order \\"No\\""' in text  # escaped for TOML
    assert "where =" not in text  # the transforms cannot name such a column yet
    assert result.failure is None and result.errors == 2  # the TOTAL row's empty cells
    assert any(
        "validation error: sheet 'Orders', row 6, column 'Customer'" in d.text
        for d in result.decisions
    )


def test_a_csv_file_that_is_not_utf8_is_one_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "orders.csv").write_bytes("Order;Kunde\n1;M\xfcller\n".encode("latin-1"))
    code, _, err = run_cli(["init", str(folder)], capsys)
    assert (code, err.strip()) == (
        2,
        f"error: {folder / 'orders.csv'}, line 2: b'M\\xfcller' is not UTF-8 text; save the "
        "file as 'CSV UTF-8'",
    )


def _parquet_export(folder: Path, notes: pa.Array, country: pa.Array) -> Path:
    """A Parquet export: orders, and customers with `country` and a free-text `Notes` column."""
    folder.mkdir()
    orders = list(zip(*_orders(6), strict=True))
    pq.write_table(
        pa.table(dict(zip(["Order", "Customer", "Date", "Amount"], orders, strict=True))),
        folder / "orders.parquet",
    )
    ids = pa.array([f"K{i:03d}" for i in range(1, 4)])
    signup = pa.array([datetime(2025, 1, i) for i in range(1, 4)])
    customers = {"Customer": ids, "Signup": signup, "Country": country, "Notes": notes}
    pq.write_table(pa.table(customers), folder / "customers.parquet")
    return folder


def _not_utf8(values: list[bytes], dictionary: bool = False) -> pa.Array:
    """Text cells holding `values` as they are, UTF-8 or not (as a careless writer stores)."""
    text = pa.array(values, pa.binary()).view(pa.string())  # a view: Arrow does not check
    if dictionary:
        return pa.DictionaryArray.from_arrays(pa.array([0, 1, 0], pa.int32()), text.slice(0, 2))
    return text


@pytest.mark.parametrize("dictionary", [False, True])
def test_text_not_utf8_in_a_column_deckgen_does_not_read_is_profiled_around(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], dictionary: bool
) -> None:
    """A free-text column whose bytes are not UTF-8 (on row 2, where the header is looked for)
    is none of deckgen's business: init proposes and validates as without it (a traceback)."""
    notes = _not_utf8([b"caf\xe9 \xff", b"ok", b"ok"], dictionary)
    folder = _parquet_export(tmp_path / "export", notes, pa.array(["Germany"] * 3))
    code, out, err = run_cli(["init", str(folder)], capsys)
    assert (code, err) == (0, "")
    assert "Validated: valid" in out
    settings = tomllib.loads((folder / "deckgen.toml").read_text(encoding="utf-8"))
    assert settings["sheets"]["customers"]["columns"]["country"] == "Country"
    assert "Notes" not in settings["sheets"]["customers"]["columns"].values()


def test_text_not_utf8_in_a_column_deckgen_reads_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Such bytes in a column the proposal maps: init still writes the proposal, and names the
    cell that must be fixed, as validate does (it was a traceback)."""
    country = _not_utf8([b"Germany", b"Fran\xe7e", b"Germany"])
    folder = _parquet_export(tmp_path / "export", pa.array(["a", "b", "c"]), country)
    code, out, err = run_cli(["init", str(folder)], capsys)
    assert (code, err) == (0, "")
    named = (
        f"{folder / 'customers.parquet'}, row 3, column 'Country': b'Fran\\xe7e' is not UTF-8 "
        "text; expected text saved as UTF-8"
    )
    assert f"The proposal cannot be checked yet: {named}" in out
    code, _, err = run_cli(["validate", str(folder)], capsys)
    assert (code, err.strip()) == (2, f"error: {named}")


def test_invisible_marks_in_names_are_written_visibly_and_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A right-to-left export's header `\u200fOrder` was written into deckgen.toml as it is: a
    name that looks like `Order` and is not; now as an escape, the Persian joiner kept."""
    header = ["\u200fOrder", "Customer\u200e", "Date", "Amount", "نام\u200cمحصول"]
    rows = [[*row, "کتاب"] for row in _orders()]
    book = write_book(tmp_path / "export.xlsx", {"Orders": [header, *rows]})
    code, out, err = run_cli(["init", str(book)], capsys)
    assert (code, err) == (0, ""), err
    text = (tmp_path / "deckgen.toml").read_text(encoding="utf-8")
    assert 'order_id = "\\u200fOrder"' in text and 'customer_id = "Customer\\u200e"' in text
    assert "\u200f" not in text and "\u200e" not in text
    assert "Validated: valid" in out


def test_direction_embeddings_in_values_are_written_as_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An embedding left in a cell (`\u202bInsta\u202c`, an isolate around `Referral`) was
    written into deckgen.toml as it is, turning the rest of its line around in an editor; the
    direction marks were escaped, these not (review of 0be5b19)."""
    customers = [["Customer", "Source"]]
    customers += [
        [f"K{i:03d}", ["\u202bInsta\u202c", "\u2067Referral\u2069", "Insta"][i % 3]]
        for i in range(1, 10)
    ]
    book = write_book(
        tmp_path / "v.xlsx",
        {"Customers": customers, "Orders": [["Order", "Customer", "Date", "Amount"], *_orders()]},
    )
    code, out, err = run_cli(["init", str(book)], capsys)
    assert (code, err) == (0, ""), err
    text = (tmp_path / "deckgen.toml").read_text(encoding="utf-8")
    assert '"\\u202bInsta\\u202c" = "social"  # 3 rows; a listed spelling' in text
    assert '# "\\u2067Referral\\u2069" = "?"  # 3 rows' in text
    assert not set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") & set(text)
    assert "Validated: valid" in out


def test_a_sheet_of_control_characters_is_one_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = write_book(tmp_path / "junk.xlsx", {"junk": [["\x01\x02", "\x1f", "\x0b"]] * 5})
    code, _, err = run_cli(["init", str(book)], capsys)
    assert code == 2 and "Traceback" not in err
    assert err.startswith(f"error: {book}: no sheet looks like deckgen's orders or customers")
    assert not (tmp_path / "deckgen.toml").exists()


def test_a_far_away_cell_is_one_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows: list[list[object]] = [["Order", "Customer", "Date", "Amount"], *_orders(3)]
    book = write_book(tmp_path / "far.xlsx", {"Orders": rows})
    with zipfile.ZipFile(book) as original:
        parts = {name: original.read(name) for name in original.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("</sheetData>", far + "</sheetData>").encode()
    with zipfile.ZipFile(book, "w") as changed:
        for name, data in parts.items():
            changed.writestr(name, data)
    code, _, err = run_cli(["init", str(book)], capsys)
    assert code == 2 and "Traceback" not in err
    assert "has a value in cell XFD1048576, far beyond the rest of its data" in err
    assert not (tmp_path / "deckgen.toml").exists()


def test_a_folder_without_data_files_is_one_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "readme.txt").write_text("hello", encoding="utf-8")
    code, _, err = run_cli(["init", str(tmp_path)], capsys)
    assert (code, err.strip()) == (
        2,
        f"error: {tmp_path} holds no .csv or .parquet files (one per sheet)",
    )
    assert not (tmp_path / "deckgen.toml").exists()


def test_unit_prices_written_with_a_currency_are_read_past_it(tmp_path: Path) -> None:
    # Invoice lines: quantity x unit price ("1,250 ریال"), no amount column.
    header = ["شماره فاکتور", "شماره مشتری", "تاریخ", "تعداد", "قیمت واحد"]
    lines = [
        ["F1", "K001", datetime(2026, 9, 1), 2, "1,250 ریال"],
        ["F1", "K001", datetime(2026, 9, 1), 1, "۵۰۰ ریال"],  # Persian digits
        ["F2", "K002", datetime(2026, 9, 2), 3, "ریال 2,000.5"],
        ["F3", "K001", datetime(2026, 9, 3), 1, "75 ریال"],
    ]
    customers = [["شماره مشتری", "کشور"], ["K001", "ایران"], ["K002", "ایران"]]
    book = write_book(tmp_path / "fa.xlsx", {"مشتریان": customers, "فروش": [header, *lines]})
    result = init_config(str(book), tmp_path / "d.toml")
    assert result.failure is None and result.valid, result.summary()
    orders = tomllib.loads(result.output.read_text(encoding="utf-8"))["sheets"]["orders"]
    assert orders["order_lines"] is True
    assert "TRY_CAST" in orders["compute"]["amount"]
    tables = load_tables(book, load_settings(result.output))
    amounts = dict(zip(tables.orders["order_id"], tables.orders["amount"], strict=True))
    assert amounts == {"F1": 2 * 1250.0 + 500.0, "F2": 3 * 2000.5, "F3": 75.0}


def test_a_total_row_among_many_distinct_ids_is_filtered_not_taken_for_lines(
    tmp_path: Path,
) -> None:
    # 250 orders of one line each: the TOTAL label is not among the 200 values kept per column.
    rows = [["رقم الطلب", "رقم العميل", "تاريخ الطلب", "المبلغ"]]
    rows += [
        [f"O{i:04d}", f"K{1 + i % 3:03d}", datetime(2026, 9, 1 + i % 28), f"{10 + i}.50 ر.س"]
        for i in range(250)
    ]
    rows.append(["الإجمالي", None, None, "30,000.00 ر.س"])
    customers = [["رقم العميل", "الدولة"], *[[f"K{i:03d}", "السعودية"] for i in (1, 2, 3)]]
    book = write_book(tmp_path / "ar.xlsx", {"العملاء": customers, "الطلبات": rows})
    result = init_config(str(book), tmp_path / "d.toml")
    assert result.failure is None and result.valid, result.summary()
    settings = tomllib.loads(result.output.read_text(encoding="utf-8"))
    orders = settings["sheets"]["orders"]
    assert orders["where"] == "coalesce(\"رقم الطلب\", '') NOT IN ('الإجمالي')"
    assert "order_lines" not in orders
    assert orders["columns"]["amount"] == "المبلغ"  # read past 'ر.س', a currency with a dot
    assert settings["currency"] == "SAR"


def test_a_proposal_written_elsewhere_still_finds_a_relative_sqlite_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with closing(sqlite3.connect(tmp_path / "crm.db")) as connection, connection:
        connection.execute(
            "CREATE TABLE orders (order_id TEXT, customer_id TEXT, order_date TEXT, amount REAL)"
        )
        connection.executemany(
            "INSERT INTO orders VALUES (?, ?, ?, ?)",
            [(f"O{i}", f"C{i % 3}", f"2026-09-{i + 1:02d}", 10.0 * i) for i in range(1, 9)],
        )
        connection.execute("CREATE TABLE customers (customer_id TEXT, signup_date TEXT)")
        connection.executemany(
            "INSERT INTO customers VALUES (?, ?)", [(f"C{i}", "2025-01-01") for i in range(3)]
        )
    connection.close()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "configs").mkdir()
    result = init_config("sqlite:///crm.db", tmp_path / "configs" / "deckgen.toml")
    assert result.valid, result.summary()
    written = tomllib.loads(result.output.read_text(encoding="utf-8"))["source"]["database"]
    assert written == f"sqlite:///{tmp_path / 'crm.db'}"
    monkeypatch.chdir(tmp_path / "configs")  # as cron would, from another folder
    spec, resolved = resolve_source(str(result.output), None, None)
    assert validate_source(spec, resolved).ok
