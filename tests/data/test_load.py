"""Reading workbooks and folders: the same tables from every form, one clear error otherwise."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from deckgen.config import Settings, SheetMapping
from deckgen.data.load import HIDDEN_SHEET, OPEN_IN_EXCEL, load_tables, read_frames, read_source
from deckgen.data.sample import generate_sample
from deckgen.data.schema import SHEETS
from deckgen.data.validate import validate_frames, validate_source
from deckgen.errors import InputError, Problem, ValidationError
from tests.data.workbooks import write_book, write_openpyxl_book
from tests.test_cli import run_cli

FIXTURES = Path(__file__).parent / "fixtures"


def test_xlsx_csv_and_parquet_give_identical_tables(frames, writers, settings, tmp_path):
    loaded = {
        form: load_tables(write(frames, tmp_path / f"data.{form}"), settings)
        for form, write in writers.items()
    }
    reference = loaded["xlsx"]
    for form in ("csv", "parquet"):
        for sheet in SHEETS:
            pd.testing.assert_frame_equal(
                loaded[form].sheet(sheet.name),
                reference.sheet(sheet.name),
                obj=f"{form} {sheet.name}",
            )
        assert loaded[form].warnings == reference.warnings


def test_read_frames_keys_our_sheet_names_and_keeps_rows(frames, writers, settings, tmp_path):
    read = read_frames(writers["xlsx"](frames, tmp_path / "data.xlsx"), settings)
    assert list(read) == [s.name for s in SHEETS]
    assert [len(f) for f in read.values()] == [len(f) for f in frames.values()]


def test_client_sheet_names_are_found_through_the_mapping_and_any_case(frames, writers, tmp_path):
    frames["Bestellungen"] = frames.pop("orders")
    frames["CUSTOMERS"] = frames.pop("customers")
    settings = Settings(sheets={"orders": SheetMapping(sheet="Bestellungen")})
    read = read_frames(writers["xlsx"](frames, tmp_path / "data.xlsx"), settings)
    assert {"orders", "customers"} <= set(read)


@pytest.mark.parametrize("form", ["csv", "parquet"])
def test_folder_file_stems_are_sheet_names(frames, writers, settings, tmp_path, form):
    del frames["loyalty"]
    read = read_frames(writers[form](frames, tmp_path / "data"), settings)
    assert set(read) == set(frames)


@pytest.mark.parametrize("form", ["csv", "parquet"])
def test_a_single_file_is_a_folder_of_that_file_alone(frames, writers, settings, tmp_path, form):
    folder = writers[form](frames, tmp_path / "data")
    read = read_frames(folder / f"orders.{form}", settings)  # its siblings are not read
    assert list(read) == ["orders"]
    pd.testing.assert_frame_equal(read["orders"], read_frames(folder, settings)["orders"])


def test_csv_with_semicolons_and_a_byte_order_mark(frames, writers, settings, tmp_path):
    expected = load_tables(writers["csv"](frames, tmp_path / "plain"), settings)
    folder = tmp_path / "excel"
    folder.mkdir()
    for name, frame in frames.items():
        frame.to_csv(folder / f"{name}.csv", index=False, sep=";", encoding="utf-8-sig")
    got = load_tables(folder, settings)
    pd.testing.assert_frame_equal(got.orders, expected.orders)
    pd.testing.assert_frame_equal(got.customers, expected.customers)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_csv_in_utf16_with_its_byte_order_mark(frames, writers, settings, tmp_path, encoding):
    """Excel's "Unicode Text": UTF-16 behind a byte-order mark, tabs, Windows line ends; Persian
    text kept (the file was refused as not UTF-8)."""
    frames["customers"].loc[frames["customers"].index[:3], "city"] = "تهران"
    expected = load_tables(writers["csv"](frames, tmp_path / "plain"), settings)
    folder = tmp_path / "unicode-text"
    folder.mkdir()
    for name, frame in frames.items():
        text = "\ufeff" + frame.to_csv(index=False, sep="\t", lineterminator="\r\n")
        (folder / f"{name}.csv").write_bytes(text.encode(encoding))
    got = load_tables(folder, settings)
    for sheet in SHEETS:
        pd.testing.assert_frame_equal(got.sheet(sheet.name), expected.sheet(sheet.name))
    assert got.customers["city"].tolist()[:3] == ["تهران"] * 3


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_csv_in_utf16_without_a_byte_order_mark(frames, writers, settings, tmp_path, encoding):
    """UTF-16 without its byte-order mark (database and script exports) was read as UTF-8 with
    a NUL byte after every letter: a row 'with a different number of cells' such as '\\x00', or
    hundreds of cells 'with control characters'; its NUL bytes tell it (review of 00573c9)."""
    frames["customers"].loc[frames["customers"].index[:3], "city"] = "تهران"
    expected = load_tables(writers["csv"](frames, tmp_path / "plain"), settings)
    folder = tmp_path / "no-mark"
    folder.mkdir()
    for name, frame in frames.items():
        (folder / f"{name}.csv").write_bytes(frame.to_csv(index=False).encode(encoding))
    got = load_tables(folder, settings)
    for sheet in SHEETS:
        pd.testing.assert_frame_equal(got.sheet(sheet.name), expected.sheet(sheet.name))
    assert got.customers["city"].tolist()[:3] == ["تهران"] * 3


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
@pytest.mark.parametrize("mark", [True, False], ids=["with-mark", "without-mark"])
def test_utf16_csv_with_a_lone_surrogate_names_its_line(tmp_path, mark, newline):
    """A UTF-16 file with a broken letter was 'line 1: b'\\xff\\xfeo\\x00...' is not UTF-8
    text': its byte-order mark blamed, as if UTF-8 (review of 61c23c5); with \\r alone ending
    lines, line 1 too."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id\nC1\n", encoding="utf-8")
    head = (
        f"order_id,customer_id,order_date,amount{newline}A,C1,2026-01-01,4{newline}B,C1,2026-01-0"
    )
    tail = f"2,5{newline}"
    data = head.encode("utf-16-le") + b"\x00\xd8" + tail.encode("utf-16-le")
    (folder / "orders.csv").write_bytes((b"\xff\xfe" if mark else b"") + data)
    with pytest.raises(InputError) as caught:
        read_frames(folder, Settings())
    assert str(caught.value) == (
        f"{folder / 'orders.csv'}, line 3: b'\\x00\\xd8' after '2026-01-0' is not UTF-16 "
        "text; save the file as 'CSV UTF-8'"
    )


@pytest.mark.parametrize("mark", [True, False], ids=["with-mark", "without-mark"])
def test_utf16_csv_cut_short_by_one_byte_names_its_line(tmp_path, mark):
    """A UTF-16 file of an odd number of bytes (a copy cut short) raised UnicodeDecodeError
    from Arrow's reader: a traceback."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id\nC1\n", encoding="utf-8")
    data = "order_id,customer_id,order_date,amount\rA,C1,2026-01-01,4\rB,C1,2026-01-02,5".encode(
        "utf-16-le"
    )
    (folder / "orders.csv").write_bytes((b"\xff\xfe" if mark else b"") + data + b"\x00")
    with pytest.raises(InputError) as caught:
        read_frames(folder, Settings())
    assert str(caught.value) == (
        f"{folder / 'orders.csv'}, line 3: b'\\x00' after '5' is not UTF-16 text; save the "
        "file as 'CSV UTF-8'"
    )


def test_utf8_csv_with_a_nul_byte_in_a_cell_stays_utf8(tmp_path):
    """One NUL byte (a control character, removed with a warning) is no sign of UTF-16."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id,city\nC1,Kö\x00ln\n", encoding="utf-8")
    (folder / "orders.csv").write_text(
        "order_id,customer_id,order_date,amount\nA,C1,2026-01-01,4\n", encoding="utf-8"
    )
    assert read_frames(folder, Settings())["customers"]["city"].tolist() == ["Kö\x00ln"]


@pytest.mark.parametrize(
    "title", ["Report\x00", "\x00", '"x\x00\n"'], ids=["end", "alone", "quoted"]
)
def test_utf8_csv_with_a_nul_byte_beside_a_comma_stays_utf8(tmp_path, title):
    """A title with a NUL byte beside its comma read as UTF-16 (one comma found in the garbage):
    'cannot be read as CSV: Could not skip initial 1 rows' or the header not found."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "customers.csv").write_text(
        f"{title},\ncustomer_id,city\nC1,Köln\n", encoding="utf-8"
    )
    (folder / "orders.csv").write_text(
        "order_id,customer_id,order_date,amount\nA,C1,2026-01-01,4\n", encoding="utf-8"
    )
    assert read_frames(folder, Settings())["customers"]["city"].tolist() == ["Köln"]


@pytest.mark.parametrize("end", ["", "\n", "\r"], ids=["no-line-end", "lf", "cr"])
@pytest.mark.parametrize("title", ["", "Orders of 2026\n"], ids=["plain", "titled"])
def test_csv_of_its_header_alone_has_no_rows(tmp_path, end, title):
    """A header with no line end after it (nothing below it) was 'cannot be read as CSV: Could
    not skip initial 1 rows from CSV file, either file is too short ...' (Arrow's words)."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id,city\nC1,Köln\n", encoding="utf-8")
    (folder / "orders.csv").write_text(
        f"{title}order_id,customer_id,order_date,amount{end}", encoding="utf-8"
    )
    orders = read_frames(folder, Settings())["orders"]
    assert orders.empty
    assert list(orders.columns[:4]) == ["order_id", "customer_id", "order_date", "amount"]


def test_blank_rows_and_unnamed_empty_columns_are_not_data(frames, writers, settings, tmp_path):
    orders = frames["orders"]
    blank = pd.DataFrame([[None] * orders.shape[1]], columns=orders.columns)
    frames["orders"] = pd.concat([orders.iloc[:3], blank, orders.iloc[3:]], ignore_index=True)
    frames["orders"]["Unnamed: 9"] = None
    tables = load_tables(writers["xlsx"](frames, tmp_path / "data.xlsx"), settings)
    assert len(tables.orders) == len(orders)
    assert list(tables.orders.columns) == [c.name for c in SHEETS[1].columns]


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _zip(path: Path, files: dict[str, str]) -> Path:
    """A zip archive of `files` at `path`."""
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.xlsx", "missing.xlsx does not exist"),
        (lambda tmp: _write(tmp, "empty.xlsx", b""), "empty.xlsx is empty (0 bytes)"),
        (
            lambda tmp: _write(tmp, "notes.xlsx", b"just some text, not a workbook"),
            "notes.xlsx is not a readable .xlsx workbook",
        ),
        (
            lambda tmp: _write(tmp, "broken.xlsx", b"PK\x03\x04 truncated zip"),
            "broken.xlsx is not a readable .xlsx workbook",
        ),
        (lambda tmp: FIXTURES / "encrypted.xlsx", "encrypted.xlsx is password-protected"),
        (
            lambda tmp: _write(tmp, "web.xlsx", b"\n<!DOCTYPE html><html><table><tr><td>1"),
            "web.xlsx is a web page (HTML) named like a workbook, as some systems' Excel "
            "exports are; open it in Excel and save it as an .xlsx workbook",
        ),
        (
            # UTF-16 without its byte-order mark, as some exports write it
            lambda tmp: _write(
                tmp, "web16.xlsx", "<html><table>\n<tr><td>1</td></tr>\n".encode("utf-16-le")
            ),
            "web16.xlsx is a web page (HTML) named like a workbook",
        ),
        (
            lambda tmp: _write(tmp, "export.xlsx", "Order;Kunde\n1;Müller\n".encode("utf-16")),
            "export.xlsx is CSV text named like a workbook; name it .csv and pass the folder it "
            "is in (one .csv file per sheet), or open it in Excel and save it as an .xlsx workbook",
        ),
        (
            lambda tmp: _zip(tmp / "bundle.xlsx", {"orders.csv": "order_id\n1\n"}),
            "bundle.xlsx is a zip archive of other files, not a workbook; unzip it and pass the "
            "workbook or the folder of .csv or .parquet files it holds",
        ),
        (
            lambda tmp: _write(tmp, "report.pdf", b"%PDF-1.4"),
            "is not an .xlsx workbook, a .csv or .parquet file, or a folder of them",
        ),
        (lambda tmp: tmp, "holds no .csv or .parquet files"),
    ],
    ids=[
        *("missing", "empty", "text", "truncated-zip", "password", "html", "html-utf16"),
        *("csv-text", "zip"),
        *("pdf", "no-files"),
    ],
)
def test_unreadable_sources_raise_one_clear_input_error(tmp_path, settings, make, message):
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        read_frames(make(tmp_path), settings)
    assert "\n" not in str(caught.value)


def test_folder_mixing_csv_and_parquet_is_refused(frames, writers, settings, tmp_path):
    folder = writers["csv"](frames, tmp_path / "data")
    frames["orders"].to_parquet(folder / "orders.parquet")
    with pytest.raises(InputError, match=r"both \.csv and \.parquet"):
        read_frames(folder, settings)


def test_csv_that_is_not_utf8(frames, writers, settings, tmp_path):
    folder = writers["csv"](frames, tmp_path / "data")
    (folder / "customers.csv").write_bytes("customer_id,city\nC1,Zürich\n".encode("latin-1"))
    with pytest.raises(InputError) as caught:
        read_frames(folder, settings)
    assert str(caught.value) == (
        f"{folder / 'customers.csv'}, line 2: b'Z\\xfcrich' is not UTF-8 text; save the file as "
        "'CSV UTF-8'"
    )


@pytest.mark.parametrize("encoding", ["cp1256", "latin-1"])
def test_csv_not_utf8_far_down_names_its_line_and_cell(settings, tmp_path, encoding):
    """The first bad bytes past the part read to find the header (Arrow's own error names no
    line), after a Persian letter cut in two by a block of the scan and Windows line ends."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id\nC1\n", encoding="utf-8")
    good = "order_id,customer_id,order_date,amount,comments\r\n" + "".join(
        f"O{i},C1,2026-01-02,5,{'ب' * (i % 7)}\r\n" for i in range(40_000)
    )
    bad = "Z1,C1,2026-01-02,5,ألمانيا\r\n" if encoding == "cp1256" else "Z1,C1,2026-01-02,5,Zoë\r\n"
    raw = good.encode("utf-8") + bad.encode(encoding)
    assert len(raw) > 1 << 20  # past the first block of the scan (256 KiB) and the header's
    assert 0x80 <= raw[256 << 10] < 0xC0  # the first block ends inside a letter
    (folder / "orders.csv").write_bytes(raw)
    with pytest.raises(InputError) as caught:
        read_frames(folder, settings)
    shown = repr(bad.split(",")[-1].strip().encode(encoding))
    assert str(caught.value) == (
        f"{folder / 'orders.csv'}, line 40,002: {shown} is not UTF-8 text; save the file as "
        "'CSV UTF-8'"
    )


def test_csv_cell_longer_than_pythons_csv_limit_is_read(tmp_path):
    """A 200,000-character cell near the top (csv's limit is 131,072) is read as it is: it was a
    traceback while the separator and header row were looked for."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id\nC1\n", encoding="utf-8")
    long = "x" * 200_000
    (folder / "orders.csv").write_text(
        "order_id,customer_id,order_date,amount,note\n"
        f'A,C1,2026-01-02,5,"{long}"\nB,C1,2026-01-03,7,short\n',
        encoding="utf-8",
    )
    orders = read_frames(folder, Settings())["orders"]
    assert orders["note"].tolist() == [long, "short"]
    assert orders["amount"].tolist() == ["5", "7"]


@pytest.mark.parametrize("header_row", [None, 2], ids=["row-1", "configured-row-2"])
def test_csv_cell_beyond_pythons_csv_limit_at_the_column_names_is_one_message(tmp_path, header_row):
    """A 200,000-character cell in the column names' row, or above a configured one, was a
    traceback (csv's field limit, while the lines above the header were counted; review of
    64661ab)."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id\nC1\n", encoding="utf-8")
    header = "order_id,customer_id,order_date,amount"
    title = f'note,"{"x" * 200_000}"'
    lines = [f"{header},{title}"] if header_row is None else [title, header]
    (folder / "orders.csv").write_text(
        "\n".join([*lines, "A,C1,2026-01-02,5", ""]), encoding="utf-8"
    )
    settings = Settings(sheets={"orders": SheetMapping(header_row=header_row)})
    with pytest.raises(InputError) as caught:
        read_frames(folder, settings)
    assert str(caught.value) == (
        f"{folder / 'orders.csv'}, line 1: a cell longer than 131,072 characters where the "
        "column names are looked for; expected column names above the data (shorten or remove "
        "that cell)"
    )


@pytest.mark.parametrize("size", [10, 50_000], ids=["small", "beyond-csv-limit"])
def test_csv_quote_never_closed_names_its_line(tmp_path, size):
    """An opening quote with no closing one turns the rest of the file into one cell: one
    message naming the line and what to do (a traceback once the rest passed 128 KiB)."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id\nC1\n", encoding="utf-8")
    rows = "".join(f"O{i},C1,2026-01-02,5\n" for i in range(size))
    (folder / "orders.csv").write_text(
        'order_id,customer_id,order_date,amount\nA,C1,2026-01-01,4\nB,"C1,2026-01-01,4\n' + rows,
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        read_frames(folder, Settings())
    assert str(caught.value).startswith(
        f'{folder / "orders.csv"}, line 3: a quote (") opens a cell and is never closed, so '
        "the lines after it read as one cell: 'B,\"C1,2026-01-01,4\\nO0,C1,"
    )
    assert str(caught.value).endswith("; close the quote or remove it")


def test_csv_row_with_an_extra_cell_names_its_line(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id\nC1\n", encoding="utf-8")
    (folder / "orders.csv").write_text(
        'order_id,customer_id,order_date,amount\nA,C1,2026-01-01,"4\n5"\nB,C1,2026-01-01,4,9\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        read_frames(folder, Settings())
    assert str(caught.value) == (
        f"{folder / 'orders.csv'}, line 4: 1 row(s) have a different number of cells than the "
        "4 column names of row 1, such as 'B,C1,2026-01-01,4,9'; quote cells that hold the "
        "separator"
    )


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_csv_ragged_row_is_named_at_its_own_line_not_where_its_text_first_appears(
    tmp_path, newline
):
    """A row of only `A`: its text is also the start of line 2 and inside line 3 (`CA`); the
    message named line 2, where the row is fine (review of 64661ab)."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id\nC1\n", encoding="utf-8")
    lines = ["order_id,customer_id,order_date,amount", "A,C1,2026-01-01,4", "CA,C1,2026-01-02,5"]
    (folder / "orders.csv").write_bytes(
        newline.join([*lines, "A", "B,C1,2026-01-03,6", ""]).encode()
    )
    with pytest.raises(InputError) as caught:
        read_frames(folder, Settings())
    assert str(caught.value) == (
        f"{folder / 'orders.csv'}, line 4: 1 row(s) have a different number of cells than the "
        "4 column names of row 1, such as 'A'; quote cells that hold the separator"
    )


def test_parquet_with_a_column_name_twice_is_one_message(frames, writers, settings, tmp_path):
    """Arrow refuses a Parquet file whose columns share a name with a message about a
    `FieldRef` listing the schema: now one sentence naming the columns."""
    folder = writers["parquet"](frames, tmp_path / "data")
    table = pq.read_table(folder / "orders.parquet")
    table = table.append_column("amount", table.column("amount"))
    pq.write_table(table, folder / "orders.parquet")
    position = table.num_columns
    with pytest.raises(InputError) as caught:
        read_frames(folder, settings)
    assert str(caught.value) == (
        f"{folder / 'orders.parquet'}, row 1: columns 4 and {position} are both named 'amount'; "
        "expected a name per column (rename one where the file is written)"
    )


def test_two_files_of_one_name_in_other_case_are_a_warning(tmp_path):
    """`orders.csv` beside `Orders.csv` (a case-sensitive file system or a bucket holds both):
    one was read without a word, perhaps last month's export."""
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id\nC1\n", encoding="utf-8")
    header = "order_id,customer_id,order_date,amount\n"
    (folder / "orders.csv").write_text(header + "A,C1,2026-01-02,5\n", encoding="utf-8")
    (folder / "Orders.csv").write_text(header + "B,C1,2026-02-02,7\n", encoding="utf-8")
    source = read_source(folder, Settings())
    assert [str(w) for w in source.warnings] == [
        "sheet 'orders'; expected one sheet of this name, not also 'Orders': this one is read "
        "for 'orders'; to read another, name it in deckgen.toml as [sheets.orders] sheet = "
        '"Orders"'
    ]
    assert source.frames["orders"]["order_id"].tolist() == ["A"]
    named = Settings(sheets={"orders": SheetMapping(sheet="Orders")})
    source = read_source(folder, named)
    assert source.warnings == () and source.frames["orders"]["order_id"].tolist() == ["B"]


def test_corrupt_parquet(frames, writers, settings, tmp_path):
    folder = writers["parquet"](frames, tmp_path / "data")
    (folder / "orders.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(InputError, match=r"orders\.parquet cannot be read as Parquet"):
        read_frames(folder, settings)


def _not_utf8(values: list[bytes | None], large: bool = False) -> pa.Array:
    """A text array holding `values` as they are, UTF-8 or not (as a careless writer stores)."""
    binary = pa.array(values, pa.large_binary() if large else pa.binary())
    text = pa.large_string() if large else pa.string()
    return pa.Array.from_buffers(text, len(binary), binary.buffers(), binary.null_count)


@pytest.mark.parametrize("layout", ["plain", "large", "dictionary"])
def test_parquet_text_that_is_not_utf8_is_named(layout, frames, writers, settings, tmp_path):
    """The first cell that is not UTF-8, in sheet order (a category read as a dictionary: by
    its first row, not its place in the dictionary; across chunks too), is named with its row,
    column and bytes, exit 2: it was a traceback."""
    folder = writers["parquet"](frames, tmp_path / "data")
    table = pq.read_table(folder / "customers.parquet")
    name = "gender" if layout == "dictionary" else "customer_id"
    cells = [None if v is None else v.encode() for v in table.column(name).to_pylist()]
    cells[6], cells[4] = b"C\xff7", b"C\xe9"  # rows 8 and 6 of the sheet: row 6 is the first
    column = _not_utf8(cells, large=layout == "large")
    if layout == "dictionary":  # its dictionary backwards: row 8's bad value comes first there
        backwards = list(range(len(cells)))[::-1]
        column = pa.DictionaryArray.from_arrays(
            pa.array(backwards, pa.int32()), column.take(backwards)
        )
    table = table.set_column(table.schema.get_field_index(name), name, column)
    pq.write_table(table, folder / "customers.parquet", row_group_size=3)  # read in chunks of 3
    with pytest.raises(InputError) as caught:
        read_frames(folder, settings)
    assert str(caught.value) == (
        f"{folder / 'customers.parquet'}, row 6, column '{name}': b'C\\xe9' is not UTF-8 "
        "text; expected text saved as UTF-8"
    )


def test_parquet_cell_of_a_megabyte_not_utf8_is_named_briefly(frames, writers, settings, tmp_path):
    """A cell of 1 MB that is not UTF-8 is named by its first 40 bytes and its size: the whole
    cell made a message of 4 MB."""
    folder = writers["parquet"](frames, tmp_path / "data")
    table = pq.read_table(folder / "customers.parquet")
    cells = [v.encode() for v in table.column("customer_id").to_pylist()]
    cells[2] = b"\xff" * 1_000_000  # row 4 of the sheet
    table = table.set_column(0, "customer_id", _not_utf8(cells))
    pq.write_table(table, folder / "customers.parquet")
    with pytest.raises(InputError) as caught:
        read_frames(folder, settings)
    shown = "b'" + "\\xff" * 40 + "'"
    assert str(caught.value) == (
        f"{folder / 'customers.parquet'}, row 4, column 'customer_id': {shown}... "
        "(1,000,000 bytes) is not UTF-8 text; expected text saved as UTF-8"
    )


def test_parquet_dictionary_value_no_row_uses_may_be_not_utf8(frames, writers, settings, tmp_path):
    """A dictionary entry that is not UTF-8 but that no row (or only a null) points to is not
    a cell: the file reads, its values as written; it was said as a bad cell on a good one."""
    folder = writers["parquet"](frames, tmp_path / "data")
    table = pq.read_table(folder / "customers.parquet")
    genders = table.column("gender").to_pylist()
    values = sorted({g for g in genders if g is not None})
    indices = [None if g is None else values.index(g) for g in genders]
    indices[0] = None  # a null row that points nowhere
    genders[0] = None
    column = pa.DictionaryArray.from_arrays(
        pa.array(indices, pa.int32()), _not_utf8([v.encode() for v in values] + [b"\xff"])
    )
    index = table.schema.get_field_index("gender")
    pq.write_table(table.set_column(index, "gender", column), folder / "customers.parquet")
    read = read_frames(folder, settings)["customers"]["gender"]
    assert [None if pd.isna(g) else g for g in read] == genders


@pytest.mark.parametrize("kind", [pa.binary(), pa.large_binary()])
def test_parquet_text_stored_as_bytes_reads_as_text(kind, frames, writers, settings, tmp_path):
    """Text a writer stored as bytes (no UTF-8 mark) reads as the same text; a cell that is not
    UTF-8 is named: ids read as bytes matched no customer (a warning for every order)."""
    folder = writers["parquet"](frames, tmp_path / "data")
    expected = read_frames(folder, settings)["customers"]
    table = pq.read_table(folder / "customers.parquet")
    cells = [v.encode() for v in table.column("customer_id").to_pylist()]
    table = table.set_column(0, "customer_id", pa.array(cells, kind))
    pq.write_table(table, folder / "customers.parquet")
    read = read_frames(folder, settings)["customers"]
    pd.testing.assert_frame_equal(read, expected, check_dtype=False)  # string or large_string
    cells[5] = b"C\xff"  # row 7 of the sheet
    table = table.set_column(0, "customer_id", pa.array(cells, kind))
    pq.write_table(table, folder / "customers.parquet")
    with pytest.raises(InputError) as caught:
        read_frames(folder, settings)
    assert str(caught.value) == (
        f"{folder / 'customers.parquet'}, row 7, column 'customer_id': b'C\\xff' is not UTF-8 "
        "text; expected text saved as UTF-8"
    )


@pytest.mark.parametrize("kind", ["text", "bytes"])
def test_a_column_deckgen_does_not_read_may_hold_any_bytes(
    kind, frames, writers, settings, tmp_path
):
    """A client's own column (a photo, say), text that is not UTF-8 or bytes, is left as it
    is: the sheet reads as without it, as before the UTF-8 check."""
    folder = writers["parquet"](frames, tmp_path / "data")
    expected = read_frames(folder, settings)["customers"]
    table = pq.read_table(folder / "customers.parquet")
    photos = [b"\xff\xd8\xff\xe0JFIF"] * len(table)
    photo = _not_utf8(photos) if kind == "text" else pa.array(photos, pa.binary())
    pq.write_table(table.append_column("photo", photo), folder / "customers.parquet")
    read = read_frames(folder, settings)["customers"]
    pd.testing.assert_frame_equal(read.drop(columns="photo"), expected)
    load_tables(folder, settings)  # valid


def write_name_not_utf8(table: pa.Table, path: Path) -> None:
    """`table` at `path` with a column `noteQZ` added, whose name's last two bytes are then
    made \\xff\\xfe (as a writer that does not check its names stores them)."""
    table = table.append_column("noteQZ", pa.array(["x"] * len(table)))
    pq.write_table(table, path, store_schema=False)  # the name only in Parquet's own schema
    path.write_bytes(path.read_bytes().replace(b"noteQZ", b"note\xff\xfe"))


def test_parquet_column_name_not_utf8_is_named(frames, writers, settings, tmp_path):
    """A column name that is not UTF-8 is named with its bytes (row 1, the header), exit 2:
    Arrow's UnicodeDecodeError was a traceback."""
    folder = writers["parquet"](frames, tmp_path / "data")
    write_name_not_utf8(pq.read_table(folder / "customers.parquet"), folder / "customers.parquet")
    with pytest.raises(InputError) as caught:
        read_frames(folder, settings)
    assert str(caught.value) == (
        f"{folder / 'customers.parquet'}, row 1: column name b'note\\xff\\xfe' is not UTF-8 "
        "text; expected text saved as UTF-8"
    )


def test_load_tables_raises_on_errors_and_on_warnings_when_strict(
    frames, writers, settings, tmp_path
):
    del frames["loyalty"]  # a warning
    path = writers["xlsx"](frames, tmp_path / "data.xlsx")
    tables = load_tables(path, settings)
    assert tables.loyalty is None
    assert [p.sheet for p in tables.warnings] == ["loyalty"]
    with pytest.raises(ValidationError, match="sheet 'loyalty'"):
        load_tables(path, settings, strict=True)
    del frames["orders"]  # an error
    broken = writers["xlsx"](frames, tmp_path / "broken.xlsx")
    with pytest.raises(ValidationError, match="sheet 'orders'") as caught:
        load_tables(broken, settings)
    assert [p.severity for p in caught.value.problems] == ["error"]


def test_a_workbook_open_in_excel_is_read_with_a_warning(frames, writers, settings, tmp_path):
    path = tmp_path / "acme.xlsx"
    writers["xlsx"](frames, path)
    assert load_tables(path, settings).warnings == ()
    (tmp_path / "~$acme.xlsx").write_bytes(b"")
    (warning,) = load_tables(path, settings).warnings
    assert (warning.sheet, warning.value, warning.rule) == (
        "(workbook)",
        "~$acme.xlsx",
        OPEN_IN_EXCEL,
    )
    with pytest.raises(ValidationError, match="the workbook closed in Excel"):
        load_tables(path, settings, strict=True)


# -- reading as the user sees it ---------------------------------------------------------


CUSTOMERS = [["customer_id"], ["C1"], ["C2"]]
ORDERS = [
    ["order_id", "customer_id", "order_date", "amount"],
    ["O1", "C1", datetime(2026, 9, 5), 10.0],
    ["O2", "C2", datetime(2026, 10, 7), 20.5],
]
TITLES = [["Sales report"], ["Exported from the CRM", None, None, "page 1"], []]


def _about_data(warnings: tuple[Problem, ...]) -> list[Problem]:
    """The warnings other than the optional sheets these small workbooks leave out."""
    return [w for w in warnings if w.rule != "missing_sheet"]


def test_ids_are_the_text_the_user_sees(tmp_path):
    customers = [["customer_id"], ["00002"], ["007"], [7], [2.0]]
    orders = [
        ["order_id", "customer_id", "order_date", "amount"],
        ["O1", "007", datetime(2026, 10, 1), 5.0],
        ["O2", 7, datetime(2026, 10, 2), 6.0],
        [3.0, "00002", datetime(2026, 10, 3), 7.0],
    ]
    path = write_book(tmp_path / "ids.xlsx", {"customers": customers, "orders": orders})
    tables = load_tables(path, Settings())
    assert tables.customers["customer_id"].tolist() == ["00002", "007", "7", "2"]
    assert tables.orders["customer_id"].tolist() == ["007", "7", "00002"]
    assert tables.orders["order_id"].tolist() == ["O1", "O2", "3"]
    assert _about_data(tables.warnings) == []


def test_csv_ids_with_a_zero_fraction_are_the_whole_number(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id\n1\n007\n", encoding="utf-8")
    (folder / "orders.csv").write_text(
        "order_id,customer_id,order_date,amount\n1.0,1.0,2026-10-01,5\n2,007,2026-10-02,6\n",
        encoding="utf-8",
    )
    tables = load_tables(folder, Settings())
    assert tables.orders["customer_id"].tolist() == ["1", "007"]
    assert tables.orders["order_id"].tolist() == ["1", "2"]
    assert _about_data(tables.warnings) == []  # "1.0" is customer "1", not an unknown one


def test_a_configured_header_row_skips_the_titles_and_rows_keep_their_numbers(tmp_path):
    orders = [*TITLES, *ORDERS, ["O3", "C1", "someday", 5.0]]
    path = write_book(tmp_path / "titled.xlsx", {"customers": CUSTOMERS, "orders": orders})
    settings = Settings(sheets={"orders": SheetMapping(header_row=4)})
    read = read_source(path, settings)
    assert read.frames["orders"]["__row__"].tolist() == [5, 6, 7]
    assert read.frames["orders"]["__sheet__"].tolist() == ["orders"] * 3
    report = validate_source(path, settings)
    (problem,) = report.errors
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "orders",
        7,
        "order_date",
        "someday",
    )


def test_the_header_row_is_found_below_title_rows_and_the_report_says_so(tmp_path):
    orders = [*TITLES, *ORDERS]
    path = write_book(tmp_path / "titled.xlsx", {"customers": CUSTOMERS, "orders": orders})
    report = validate_source(path, Settings())
    assert report.ok, report.format()
    assert report.tables.orders["amount"].tolist() == [10.0, 20.5]
    summary = next(s for s in report.sheets if s.sheet == "orders")
    assert summary.headers_found == (("orders", 4),)
    text = report.format()
    assert "  header:  row 4 of 'orders' (found below the title rows; header_row = 4" in text


def test_a_sheet_whose_header_is_searched_is_checked_and_matched_once(tmp_path, monkeypatch):
    """The size check reads a sheet of up to 2 MB whole: reading its head for the header row
    ran it (and the chart check) again; the columns were matched three times. Once each now,
    with the decimal comma's and the dates' passes that use the match."""
    from deckgen.data import guards, load, mapping

    orders = [*TITLES, *ORDERS]
    path = write_book(tmp_path / "titled.xlsx", {"customers": CUSTOMERS, "orders": orders})
    calls: list[str] = []
    check, match = guards.check_sheet_size, mapping.match_columns
    monkeypatch.setattr(guards, "check_sheet_size", lambda *a: calls.append("size") or check(*a))
    monkeypatch.setattr(mapping, "match_columns", lambda *a: calls.append("match") or match(*a))
    book = load._Workbook(path)
    table, read = book.read("orders", SHEETS[1], SheetMapping(decimal=","))
    assert (read.header_row, read.searched) == (4, True)
    assert table["amount"].to_pylist() == [10.0, 20.5]
    assert calls == ["size", "match"]


def test_a_column_named_by_control_characters_alone_is_named_by_its_letter(tmp_path):
    orders = [[*ORDERS[0], "\x01", "\x02\x1f"], *([*row, "x", "y"] for row in ORDERS[1:])]
    path = write_book(tmp_path / "ctrl.xlsx", {"customers": CUSTOMERS, "orders": orders})
    frames = read_frames(path, Settings())
    assert list(frames["orders"].columns)[4:6] == ["(column E)", "(column F)"]


def test_without_the_names_the_error_says_which_row_comes_closest(tmp_path):
    orders = [*TITLES, ["Invoice", "customer_id", "Date", "amount"], ["O1", "C1", "x", 5.0]]
    path = write_book(tmp_path / "titled.xlsx", {"customers": CUSTOMERS, "orders": orders})
    report = validate_source(path, Settings())
    missing = [p for p in report.errors if p.column == "order_id"]
    assert len(missing) == 1
    expected = missing[0].expected
    assert "the sheet has 'Sales report', '(column B)', '(column C)', '(column D)'" in expected
    assert "(the names on row 1)" in expected
    assert (
        "row 4 of sheet 'orders' comes closest to the expected names (customer_id, amount)"
        in expected
    )
    assert "set header_row = 4 under [sheets.orders]" in expected
    assert "Unnamed" not in report.format()


def test_csv_title_rows_and_blank_lines_keep_row_numbers(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id\nC1\n", encoding="utf-8")
    (folder / "orders.csv").write_text(
        "Sales report,,,\n\norder_id,customer_id,order_date,amount\n"
        'O1,C1,2026-10-01,5\n\n"O2",C1,2026-10-02,"line\nbreak"\n',
        encoding="utf-8",
    )
    report = validate_source(folder, Settings())
    (problem,) = report.errors
    assert (problem.sheet, problem.row, problem.column) == ("orders", 6, "amount")
    assert problem.value == "line\nbreak"
    assert next(s for s in report.sheets if s.sheet == "orders").headers_found == (("orders", 3),)


def test_yearly_sheets_are_stacked_and_every_problem_names_its_sheet(tmp_path):
    year_2025 = [
        ["Order", "customer_id", "order_date", "amount"],
        ["A1", "C1", datetime(2025, 12, 3), 4.0],
    ]
    year_2026 = [
        ["order", "Customer ID", "Order Date", "Amount"],  # the same columns, spelt otherwise
        ["A2", "C2", datetime(2026, 1, 9), "n/a?"],
        ["A1", "C2", datetime(2026, 2, 1), 8.0],
    ]
    path = write_book(
        tmp_path / "years.xlsx",
        {"customers": CUSTOMERS, "Sales 2025": year_2025, "Sales 2026": year_2026},
    )
    settings = Settings(
        sheets={
            "orders": SheetMapping(
                sheet=["Sales 2025", "Sales 2026"], columns={"order_id": "Order"}
            )
        }
    )
    read = read_source(path, settings)
    frame = read.frames["orders"]
    assert frame["__sheet__"].tolist() == ["Sales 2025", "Sales 2026", "Sales 2026"]
    assert frame["__row__"].tolist() == [2, 2, 3]
    report = validate_source(path, settings)
    assert [(p.sheet, p.row, p.column) for p in report.errors] == [
        ("Sales 2026", 2, "amount"),
        ("Sales 2026", 3, "Order"),
    ]
    assert report.errors[1].expected.startswith(
        "a unique order_id (row 2 of sheet 'Sales 2025' has it too)"
    )
    assert next(s for s in report.sheets if s.sheet == "orders").source == "Sales 2025 + Sales 2026"


def test_a_listed_sheet_that_is_missing_is_an_error(tmp_path):
    path = write_book(tmp_path / "years.xlsx", {"customers": CUSTOMERS, "Sales 2025": ORDERS})
    settings = Settings(sheets={"orders": SheetMapping(sheet=["Sales 2025", "Sales 2026"])})
    report = validate_source(path, settings)
    (problem,) = report.errors
    assert problem.sheet == "Sales 2026"
    assert problem.expected == (
        "a sheet with this name, as [sheets.orders] sheet in deckgen.toml names it; it has "
        "'customers', 'Sales 2025'"
    )


def test_a_stacked_sheet_without_a_column_the_others_have_is_an_error(tmp_path):
    without = [["order_id", "customer_id", "order_date"], ["O9", "C1", datetime(2026, 3, 1)]]
    path = write_book(tmp_path / "years.xlsx", {"customers": CUSTOMERS, "a": ORDERS, "b": without})
    report = validate_source(path, Settings(sheets={"orders": SheetMapping(sheet="?")}))
    whole = [p for p in report.errors if p.row is None]
    assert [(p.sheet, p.column) for p in whole] == [("b", "amount")]


def test_a_glob_stacks_csv_files_in_name_order(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id\nC1\n", encoding="utf-8")
    header = "order_id,customer_id,order_date,amount\n"
    (folder / "orders_2026.csv").write_text(header + "B,C1,2026-01-02,2\n", encoding="utf-8")
    (folder / "orders_2025.csv").write_text(header + "A,C1,2025-01-02,1\n", encoding="utf-8")
    settings = Settings(sheets={"orders": SheetMapping(sheet="orders_*")})
    read = read_source(folder, settings)
    assert read.frames["orders"]["__sheet__"].tolist() == ["orders_2025", "orders_2026"]
    assert load_tables(folder, settings).orders["order_id"].tolist() == ["A", "B"]


def test_a_hidden_sheet_picked_over_a_visible_one_is_a_warning(tmp_path):
    stale = [ORDERS[0], ["X1", "C1", datetime(2026, 10, 1), 1.0]]
    path = write_book(
        tmp_path / "hidden.xlsx",
        {"customers": CUSTOMERS, "orders": stale, "Orders ": ORDERS},
        hidden=("orders",),
    )
    (warning,) = _about_data(load_tables(path, Settings()).warnings)
    assert (warning.sheet, warning.rule) == ("orders", HIDDEN_SHEET)
    assert (
        "'Orders '" in warning.expected and '[sheets.orders] sheet = "Orders "' in warning.expected
    )
    named = Settings(sheets={"orders": SheetMapping(sheet="orders")})
    assert _about_data(load_tables(path, named).warnings) == []  # the config chose it


@pytest.mark.parametrize("suffix", [".ods", ".xls"])
def test_ods_and_xls_workbooks_give_the_same_tables(suffix):
    expected = validate_frames(
        generate_sample(customers=12, months=3, end="2026-10", seed=2), Settings(), "sample"
    ).tables
    got = load_tables(FIXTURES / f"tiny{suffix}", Settings())
    for sheet in SHEETS:
        pd.testing.assert_frame_equal(got.sheet(sheet.name), expected.sheet(sheet.name))
    assert got.warnings == ()


def test_number_cells_beside_text_cells_keep_their_value_under_a_decimal_comma(tmp_path):
    orders = [
        ORDERS[0],
        ["O1", "C1", datetime(2026, 10, 1), 1.234],  # a number cell: 1,234 on a German screen
        ["O2", "C1", datetime(2026, 10, 2), "12,50"],  # text, as typed
        ["O3", "C1", datetime(2026, 10, 3), 118.5],
        ["O4", "C1", datetime(2026, 10, 4), 7],
        ["O5", "C1", datetime(2026, 10, 5), "1.234,50"],
    ]
    path = write_book(tmp_path / "comma.xlsx", {"customers": CUSTOMERS, "orders": orders})
    comma = Settings(sheets={"orders": SheetMapping(decimal=",")})
    tables = load_tables(path, comma)
    assert tables.orders["amount"].tolist() == [1.234, 12.5, 118.5, 7.0, 1234.5]
    orders.append(["O6", "C1", datetime(2026, 10, 6), "118.25"])  # text with a decimal point
    path = write_book(tmp_path / "point.xlsx", {"customers": CUSTOMERS, "orders": orders})
    (problem,) = validate_source(path, comma).errors
    assert (problem.row, problem.column, problem.value) == (7, "amount", "118.25")


def test_a_sheet_starting_in_column_b_keeps_number_cells_under_a_decimal_comma(tmp_path):
    shifted = [
        [None, *ORDERS[0]],
        [None, "O1", "C1", datetime(2026, 9, 5), 1.234],  # a number cell
        [None, "O2", "C2", datetime(2026, 10, 7), "12,5"],  # text
    ]
    path = write_book(tmp_path / "shifted.xlsx", {"customers": CUSTOMERS, "orders": shifted})
    comma = Settings(sheets={"orders": SheetMapping(decimal=",")})
    assert load_tables(path, comma).orders["amount"].tolist() == [1.234, 12.5]


@pytest.mark.parametrize("closed_code", [None, "maybe"])
def test_categories_are_checked_once_per_value_with_the_same_problems(
    frames, writers, tmp_path, closed_code
):
    """Category columns are read dictionary-encoded and checked per distinct value (issue 16):
    the problems, rows and tables are those of a cell-by-cell check of the same frames."""
    leads = frames["leads"].astype({"channel": object, "status": object, "country": object})
    leads.loc[0, "channel"] = "  Email "  # trimmed, then the code email
    leads.loc[[1, 5], "channel"] = "tele\x07phone"  # a control character, then `other`
    leads.loc[2, "channel"] = "Insta"  # through the value map
    leads.loc[3, "country"] = "   "  # blank
    leads.loc[4, "country"] = "NA"  # written as missing
    if closed_code is not None:
        leads.loc[6, "status"] = closed_code  # not a lead status: an error
    frames["leads"] = leads
    settings = Settings(sheets={"leads": SheetMapping(values={"channel": {"Insta": "social"}})})
    today = date(2026, 11, 15)
    cell_by_cell = validate_frames(frames, settings, "client", today=today)
    assert any(p.rule == "unknown_code" and p.count == 2 for p in cell_by_cell.warnings)
    assert bool(cell_by_cell.errors) == (closed_code is not None)
    for form, write in writers.items():
        source = write(frames, tmp_path / f"data.{form}")
        assert isinstance(read_frames(source, settings)["leads"]["channel"].dtype, pd.ArrowDtype)
        assert "dictionary" in str(read_frames(source, settings)["leads"]["channel"].dtype)
        report = validate_source(source, settings, today=today)
        assert report.errors == cell_by_cell.errors, form
        assert report.warnings == cell_by_cell.warnings, form
        if closed_code is None:
            for sheet in SHEETS:
                pd.testing.assert_frame_equal(
                    report.tables.sheet(sheet.name),
                    cell_by_cell.tables.sheet(sheet.name),
                    obj=f"{form} {sheet.name}",
                )


@pytest.mark.parametrize(
    ("chosen", "expected"), [(None, "jemalloc"), ("mimalloc", "mimalloc"), ("system", "system")]
)
def test_arrow_memory_comes_from_jemalloc_unless_the_user_chose(tmp_path, chosen, expected):
    """Reading switches Arrow to jemalloc (lower peak, less CPU; issue 16); an explicit
    ARROW_DEFAULT_MEMORY_POOL is kept. In a fresh interpreter: the pool is per process."""
    import os
    import subprocess
    import sys

    import pyarrow as pa

    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        expected = chosen or pa.default_memory_pool().backend_name  # this build has none
    folder = tmp_path / "data"
    folder.mkdir()
    pd.DataFrame({"customer_id": ["C1"]}).to_csv(folder / "customers.csv", index=False)
    code = (
        "import sys, pyarrow as pa; from pathlib import Path; from deckgen.config import Settings;"
        "from deckgen.data.load import read_source;"
        "read_source(Path(sys.argv[1]), Settings()); print(pa.default_memory_pool().backend_name)"
    )
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if chosen is not None:
        env["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    run = subprocess.run(
        [sys.executable, "-c", code, str(folder)], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == expected


@pytest.mark.parametrize("form", ["xlsx", "csv", "parquet"])
def test_with_a_transform_the_categories_reach_it_as_plain_text(frames, writers, tmp_path, form):
    """Categories are dictionary-encoded only when no transform is configured (issue 16): a
    transform (DuckDB) gets plain text, Parquet's dictionaries decoded, and works on it."""
    source = writers[form](frames, tmp_path / f"data.{form}")
    settings = Settings(
        sheets={
            "leads": SheetMapping(where="status <> 'lost'", compute={"interest": "upper(interest)"})
        }
    )
    read = read_frames(source, settings)
    assert str(read["leads"]["channel"].dtype) == "string[pyarrow]"
    assert "dictionary" in str(read_frames(source, Settings())["leads"]["channel"].dtype)
    tables = load_tables(source, settings)
    leads = frames["leads"][frames["leads"]["status"] != "lost"]
    assert len(tables.leads) == len(leads) < len(frames["leads"])
    assert tables.leads["interest"].tolist() == leads["interest"].str.upper().tolist()


# -- CSV line endings of old Macs (\r alone) ---------------------------------------------


def _orders_csv(tmp_path: Path, lines: list[str], newline: str) -> Path:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "customers.csv").write_bytes(newline.join(["customer_id", "C1", ""]).encode())
    (folder / "orders.csv").write_bytes(newline.join([*lines, ""]).encode("utf-8"))
    return folder


_NEWLINES = pytest.mark.parametrize("newline", ["\r", "\n", "\r\n"], ids=["cr", "lf", "crlf"])


@_NEWLINES
def test_csv_row_numbers_are_the_spreadsheets_whatever_the_line_ends(tmp_path, newline):
    """Title rows, a blank line and the header: the bad amount is on row 7, as Excel shows it."""
    lines = ["Orders export", "", "order_id,customer_id,order_date,amount"]
    lines += ["A,C1,2026-01-01,4", "B,C1,2026-01-02,5", "", "C,C1,2026-01-03,abc"]
    folder = _orders_csv(tmp_path, lines, newline)
    problems = [p for p in validate_source(folder, Settings()).errors if p.sheet == "orders"]
    assert [(p.row, p.column, p.value) for p in problems] == [(7, "amount", "abc")]


@_NEWLINES
def test_csv_row_with_an_extra_cell_names_its_line_whatever_the_line_ends(tmp_path, newline):
    """Regression: with \\r alone ending lines, every such message named line 1."""
    lines = ["order_id,customer_id,order_date,amount", "A,C1,2026-01-01,4", "B,C1,2026-01-01,4,9"]
    folder = _orders_csv(tmp_path, lines, newline)
    with pytest.raises(InputError) as caught:
        read_frames(folder, Settings())
    assert str(caught.value).startswith(f"{folder / 'orders.csv'}, line 3: 1 row(s) have a ")


@_NEWLINES
def test_csv_not_utf8_names_its_line_whatever_the_line_ends(tmp_path, newline):
    """Regression: with \\r alone ending lines, the bad bytes were said to be on line 1."""
    lines = ["order_id,customer_id,order_date,amount,city", "A,C1,2026-01-01,4,Bern"]
    folder = _orders_csv(tmp_path, [*lines, "B,C1,2026-01-01,4,Zürich"], newline)
    raw = (folder / "orders.csv").read_bytes().replace("ü".encode(), "ü".encode("latin-1"))
    (folder / "orders.csv").write_bytes(raw)
    with pytest.raises(InputError) as caught:
        read_frames(folder, Settings())
    assert str(caught.value) == (
        f"{folder / 'orders.csv'}, line 3: b'Z\\xfcrich' is not UTF-8 text; save the file as "
        "'CSV UTF-8'"
    )


def test_csv_not_utf8_counts_a_crlf_cut_by_the_scans_blocks_once(tmp_path):
    """A \\r\\n split between two blocks of the scan (256 KiB) is one line break, not two."""
    first = "order_id,customer_id,order_date,amount,city\r\n"
    row = "A,C1,2026-01-01,4,Bern\r\n"
    # the first block ends between \r and \n
    note = "x" * ((256 << 10) - 1 - len(first) - len("A,C1,2026-01-01,4,"))
    text = first + f"A,C1,2026-01-01,4,{note}\r\n" + row * 3 + "B,C1,2026-01-01,4,Zürich\r\n"
    raw = text.encode().replace("ü".encode(), "ü".encode("latin-1"))
    assert raw[(256 << 10) - 1 : (256 << 10) + 1] == b"\r\n"
    folder = _orders_csv(tmp_path, ["x"], "\n")
    (folder / "orders.csv").write_bytes(raw)
    with pytest.raises(InputError) as caught:
        read_frames(folder, Settings())
    assert str(caught.value).startswith(f"{folder / 'orders.csv'}, line 6: b'Z\\xfcrich' ")


# -- workbooks as programs write them: formulas, merged cells, chart sheets -------------------


def test_formula_cells_without_results_are_one_message(frames, tmp_path, capsys):
    """A workbook written by openpyxl with formulas, never opened in Excel: the amounts read
    as empty, said as missing values (required) and silently lost where optional."""

    def formulas(book):
        for row in range(2, 12):
            cell = book["orders"].cell(row, 4)
            cell.value = f"={cell.value}*1"

    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, formulas)
    code, _, err = run_cli(["render", str(path), "-o", str(tmp_path / "deck.pptx")], capsys)
    assert code == 2
    amount = frames["orders"]["amount"].iloc[0]
    assert err == (
        f"error: {path}: sheet 'orders', row 2, column 'amount' (cell D2): got the formula "
        f"={amount}*1 without its result (and 9 more such cells); expected a value: the "
        "workbook was written by a program that does not calculate formulas, and never saved "
        "by a spreadsheet; open it in Excel or LibreOffice Calc and save it, which stores each "
        "formula's result, then run again\n"
    )
    assert not (tmp_path / "deck.pptx").exists()


def test_a_formula_without_its_result_in_an_optional_column_is_not_lost(frames, tmp_path):
    def formula(book):
        book["customers"]["F5"] = "=30+4"  # age, optional

    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, formula)
    with pytest.raises(InputError, match=r"row 5, column 'age' \(cell F5\): got the formula =30"):
        read_frames(path, Settings())


def test_a_formula_in_a_column_deckgen_does_not_read_is_left_alone(frames, tmp_path):
    def formula(book):
        book["orders"]["F1"] = "note"
        book["orders"]["F2"] = "=D2*2"

    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, formula)
    read = read_frames(path, Settings())
    assert read["orders"]["note"].isna().all()
    assert read["orders"]["amount"].tolist() == frames["orders"]["amount"].tolist()


def test_formula_results_stored_by_a_spreadsheet_are_read(frames, tmp_path):
    """As Excel saves a formula: its result beside it."""
    path = write_openpyxl_book(tmp_path / "book.xlsx", frames)
    _rewrite_part(path, "xl/worksheets/sheet2.xml", lambda xml: _with_formula(xml, "D2", "E2"))
    assert (
        read_frames(path, Settings())["orders"]["amount"].iloc[0]
        == frames["orders"]["amount"].iloc[0]
    )


def _with_formula(xml: bytes, cell: str, other: str) -> bytes:
    """Sheet `xml` with the number of `cell` written as a calculated formula."""
    found = re.search(rf'<c r="{cell}"[^>]*><v>([^<]*)</v></c>'.encode(), xml)
    assert found is not None
    calculated = f'<c r="{cell}" t="n"><f>{other}*0+{found.group(1).decode()}</f>'
    return xml.replace(found.group(0), calculated.encode() + b"<v>" + found.group(1) + b"</v></c>")


def _rewrite_part(path: Path, name: str, change) -> None:
    with zipfile.ZipFile(path) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    parts[name] = change(parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for part, data in parts.items():
            package.writestr(part, data)


def test_a_merged_title_above_the_header_is_read_past(frames, tmp_path):
    def title(book):
        book["orders"].insert_rows(1)
        book["orders"]["A1"] = "Orders, 2026"
        book["orders"].merge_cells("A1:E1")

    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, title)
    read = read_frames(path, Settings())["orders"]
    assert read["order_id"].tolist() == frames["orders"]["order_id"].tolist()
    assert read["__row__"].iloc[0] == 3


def test_a_value_merged_down_rows_is_each_rows_value(frames, tmp_path):
    """A customer or a country merged over rows, as grouped reports show them: each row's value
    (they read as missing: an error where required, silently lost where optional)."""

    def merged(book):
        book["orders"].merge_cells("B2:B4")  # customer_id
        book["customers"].merge_cells("C2:C5")  # country

    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, merged)
    read = read_frames(path, Settings())
    assert read["orders"]["customer_id"].iloc[:4].tolist() == [
        *[frames["orders"]["customer_id"].iloc[0]] * 3,
        frames["orders"]["customer_id"].iloc[3],
    ]
    assert read["customers"]["country"].iloc[:5].tolist() == [
        *[frames["customers"]["country"].iloc[0]] * 4,
        frames["customers"]["country"].iloc[4],
    ]


@pytest.mark.parametrize(
    ("merge", "message"),
    [
        (
            "D1:E1",
            "sheet 'orders', row 1, column E: cells D1:E1 are merged, so column E has no name "
            "of its own though it holds data; expected one column name per column: unmerge the "
            "cells and name column E",
        ),
        (
            "D2:D4",
            "sheet 'orders', rows 2 to 4, column 'amount' (cells D2:D4): got one merged cell "
            "({amount!r}) over 3 rows; expected a number on each row (a merged one may be each "
            "row's or their total): unmerge the cells and write each row's number",
        ),
        (
            "B5:C5",
            "sheet 'orders', row 5, columns 'customer_id' to 'order_date' (cells B5:C5): got "
            "one merged cell ({customer!r}) across columns; expected a value in each column: "
            "unmerge the cells and write each column's value",
        ),
        (
            "E1:E3",
            "sheet 'orders', rows 1 to 3, column 'product_category': cells E1:E3 are merged, "
            "joining the column's name with the cells below it; expected values below the "
            "column names: unmerge the cells",
        ),
    ],
    ids=["header-across", "number-down", "across-columns", "name-down"],
)
def test_merged_cells_deckgen_cannot_read_as_rows_are_one_message(
    frames, tmp_path, capsys, merge, message
):
    def merged(book):
        book["orders"].merge_cells(merge)

    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, merged)
    code, _, err = run_cli(["render", str(path), "-o", str(tmp_path / "deck.pptx")], capsys)
    assert code == 2
    orders = frames["orders"]
    amount, customer = float(orders["amount"].iloc[0]), str(orders["customer_id"].iloc[3])
    shown = message.format(amount=amount, customer=customer)
    assert err == f"error: {path}: {shown}\n"


def test_merged_cells_outside_deckgens_columns_are_left_alone(frames, tmp_path):
    def merged(book):
        book["orders"]["F1"] = "note"
        book["orders"]["F2"] = "grouped"
        book["orders"].merge_cells("F2:G4")

    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, merged)
    read = read_frames(path, Settings())["orders"]
    assert read["note"].iloc[0] == "grouped"
    assert read["note"].iloc[1:4].isna().all()


def test_a_name_merged_over_two_columns_deckgen_does_not_read_is_left_alone(frames, tmp_path):
    """'Notes' merged over two columns of notes (F1:G1): the workbook was refused, 'column G
    has no name of its own though it holds data', though neither column is ours."""

    def merged(book):
        book["orders"]["F1"] = "Notes"
        for row in range(2, 6):
            book["orders"][f"F{row}"], book["orders"][f"G{row}"] = f"call {row}", f"mail {row}"
        book["orders"].merge_cells("F1:G1")

    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, merged)
    read = read_frames(path, Settings())["orders"]
    assert read["Notes"].iloc[:4].tolist() == ["call 2", "call 3", "call 4", "call 5"]
    pd.testing.assert_series_equal(
        read["amount"], frames["orders"]["amount"], check_names=False, check_dtype=False
    )


def test_many_merges_down_a_column_make_one_row_index(monkeypatch, tmp_path):
    """Each merge made a row index of the whole table (setdefault's default, built each time):
    34,000 merged pairs of 68,000 orders took 3 s more than none, hundreds of thousands
    over a million rows minutes. One index per column filled now."""
    import numpy as np

    from deckgen.data import load
    from deckgen.data.sheet_marks import Merge

    made = []
    arange = np.arange
    monkeypatch.setattr(np, "arange", lambda *a, **k: made.append(a) or arange(*a, **k))
    table = pa.table({"customer_id": ["C1", None, "C2", None] * 500, "amount": [1.0] * 2000})
    merges = tuple(Merge(r, 0, r + 1, 0) for r in range(2, 2002, 2))  # B2:B3, B4:B5, ...
    kept, kinds = {0: "customer_id", 1: "amount"}, {"customer_id": "id", "amount": "float"}
    book = load._Workbook(write_book(tmp_path / "book.xlsx", {"orders": [["customer_id"]]}))
    filled = book._merges_filled("orders", 1, table, merges, kept, kinds)
    assert filled["customer_id"].to_pylist() == ["C1", "C1", "C2", "C2"] * 500
    assert len(made) == 1


def _chart_sheet(book, title: str, index: int | None = None, data: str = "orders") -> None:
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.add_data(Reference(book[data], min_col=4, min_row=1, max_row=20))
    book.create_chartsheet(title, index).add_chart(chart)


@pytest.mark.parametrize("index", [0, None], ids=["first", "last"])
def test_a_chart_sheet_among_the_sheets_is_passed_over(frames, tmp_path, capfd, index):
    """Nor does the reader print its complaint about a chart sheet (it does when one is read)."""
    path = write_openpyxl_book(
        tmp_path / "book.xlsx", frames, lambda b: _chart_sheet(b, "Chart", index)
    )
    tables = load_tables(path, Settings())
    assert len(tables.orders) == len(frames["orders"])
    assert capfd.readouterr().err == ""


def test_a_chart_sheet_read_as_one_of_ours_is_one_message(frames, tmp_path, capfd):
    def chart_named_orders(book):
        book["orders"].title = "orders data"
        _chart_sheet(book, "orders", data="orders data")

    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, chart_named_orders)
    code, _, err = run_cli(["render", str(path), "-o", str(tmp_path / "deck.pptx")], capfd)
    assert code == 2
    assert err == (
        f"error: {path}: sheet 'orders' is a chart sheet (a chart, no cells); expected the "
        "sheet that holds the rows of 'orders': name it in deckgen.toml as [sheets.orders] "
        "sheet = \"...\" (the workbook's other sheets: 'customers', 'orders data', 'leads', "
        "'channels', 'feedback', 'surveys', 'loyalty')\n"
    )
    code, _, err = run_cli(["init", str(path), "-o", str(tmp_path / "deckgen.toml")], capfd)
    assert code == 0 and "chartsheet" not in err
    assert 'sheet = "orders data"' in (tmp_path / "deckgen.toml").read_text()


def test_formulas_in_a_sheet_too_large_to_read_whole_for_its_size_are_found(
    frames, tmp_path, monkeypatch
):
    """Past guards.SCAN_BYTES the size guard reads only the sheet's start: the formulas are then
    looked for in their own read (sheet_marks), which finds them at the start."""
    monkeypatch.setattr("deckgen.data.guards.SCAN_BYTES", 1000)

    def formula(book):
        book["orders"]["D3"] = "=1+1"

    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, formula)
    with pytest.raises(InputError, match=r"row 3, column 'amount' \(cell D3\): got the formula =1"):
        read_frames(path, Settings())


def test_merged_dates_and_late_formulas_in_a_large_sheet_are_found(frames, tmp_path, monkeypatch):
    """A sheet past guards.SCAN_BYTES whose start holds no formula was not read on: a date
    merged down rows (and a formula without its result past the start) read as blank cells,
    'expected a value (required)'. A required column with a blank cell now has it read on."""
    monkeypatch.setattr("deckgen.data.guards.SCAN_BYTES", 1000)
    monkeypatch.setattr("deckgen.data.sheet_marks.HEAD_BYTES", 1000)

    def merged(book):
        book["orders"].merge_cells("C2:C4")  # order_date

    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, merged)
    read = read_frames(path, Settings())["orders"]
    dates = frames["orders"]["order_date"]
    assert read["order_date"].iloc[:4].tolist() == [dates.iloc[0]] * 3 + [dates.iloc[3]]

    def formula(book):
        book["orders"][f"D{len(frames['orders']) + 1}"] = "=1+1"

    path = write_openpyxl_book(tmp_path / "late.xlsx", frames, formula)
    with pytest.raises(InputError, match=r"column 'amount' \(cell D\d+\): got the formula =1"):
        read_frames(path, Settings())


def test_a_category_merged_over_an_empty_column_beside_it_is_read(frames, tmp_path):
    """Only a merge whose value would stand for another column of ours is refused."""

    def merged(book):
        book["orders"].merge_cells("E2:F3")  # product_category, and the empty column F

    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, merged)
    read = read_frames(path, Settings())["orders"]
    category = frames["orders"]["product_category"]
    assert read["product_category"].iloc[:3].tolist() == [category.iloc[0]] * 2 + [category.iloc[2]]
    assert list(read.columns[:5]) == list(frames["orders"].columns)


# -- cells holding an Excel error (t="e") ---------------------------------------------------


def _error_cells(**cells: str):
    """An openpyxl edit writing each error (openpyxl stores #DIV/0! and the like as t="e") into
    its cell of the orders sheet, such as D3="#DIV/0!"."""

    def edit(book):
        for cell, value in cells.items():
            book["orders"][cell] = value

    return edit


def _as_error_cell(path: Path, cell: str, value: str, sheet: int = 2) -> None:
    """Cell `cell` of the workbook's sheet `sheet` rewritten as an error cell holding `value`
    (XML text), as a writer stores an error openpyxl does not know (#SPILL!, #CALC!)."""

    def rewrite(xml: bytes) -> bytes:
        found = re.search(rf'<c r="{cell}"[^>]*?(?:/>|>.*?</c>)'.encode(), xml)
        assert found is not None
        error = f'<c r="{cell}" t="e"><f>SORT(A2:A9)</f><v>{value}</v></c>'.encode()
        return xml.replace(found.group(0), error)

    _rewrite_part(path, f"xl/worksheets/sheet{sheet}.xml", rewrite)


def _refused(path: Path, capsys) -> str:
    """What `deckgen render` of the workbook at `path` says on stderr, having exited with code 2
    without a traceback, and written nothing beside the workbook."""
    files = set(path.parent.iterdir())
    code, out, err = run_cli(["render", str(path), "-o", str(path.with_suffix(".pptx"))], capsys)
    assert code == 2
    assert "Traceback" not in out + err
    assert set(path.parent.iterdir()) == files
    return err


def test_an_error_cell_in_a_number_column_is_one_message_and_no_deck(frames, tmp_path, capsys):
    """#DIV/0! read as a blank: said 'expected a value (required)', as if the cell were empty."""
    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, _error_cells(D3="#DIV/0!"))
    assert _refused(path, capsys) == (
        f"error: {path}: sheet 'orders', row 3, column 'amount' (cell D3): got the error "
        "#DIV/0!; expected a number: replace the error with the cell's value in Excel or "
        "LibreOffice Calc, save the workbook and run again\n"
    )


@pytest.mark.parametrize("error", ["#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"])
@pytest.mark.parametrize(
    ("cell", "column", "expected"),
    [
        ("D3", "amount", "a number"),
        ("C3", "order_date", "a date"),
        ("B3", "customer_id", "a value"),
    ],
)
def test_each_error_the_reader_knows_is_named_in_each_kind_of_column(
    frames, tmp_path, error, cell, column, expected
):
    """#NAME? failed the whole sheet ('cannot be read (calamine cell error: #NAME?)'); the
    others read as blank."""
    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, _error_cells(**{cell: error}))
    with pytest.raises(InputError) as caught:
        read_frames(path, Settings())
    assert (
        f"row 3, column '{column}' (cell {cell}): got the error {error}; expected {expected}:"
        in (str(caught.value))
    )


def test_an_error_cell_in_an_optional_column_is_not_dropped(frames, tmp_path):
    """Read as a blank age, it was left out of the deck without a word."""

    def error(book):
        book["customers"]["F5"] = "#NUM!"

    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, error)
    with pytest.raises(InputError, match=r"'customers', row 5, column 'age' \(cell F5\): got the "):
        load_tables(path, Settings())


def test_error_cells_in_the_last_row_and_in_every_cell_are_found(frames, tmp_path):
    last = len(frames["orders"]) + 1
    path = write_openpyxl_book(tmp_path / "last.xlsx", frames, _error_cells(**{f"E{last}": "#N/A"}))
    with pytest.raises(
        InputError, match=rf"row {last}, column 'product_category' \(cell E{last}\)"
    ):
        read_frames(path, Settings())

    def only_errors(book):
        for row in book["orders"].iter_rows(min_row=2):
            for cell in row:
                cell.value = "#REF!"

    path = write_openpyxl_book(tmp_path / "all.xlsx", frames, only_errors)
    with pytest.raises(InputError) as caught:
        read_frames(path, Settings())
    cells = len(frames["orders"]) * 5
    assert (
        f"sheet 'orders', row 2, column 'order_id' (cell A2): got the error #REF! (and "
        f"{cells - 1:,} more such cells); expected a value" in str(caught.value)
    )


def test_error_cells_in_columns_deckgen_does_not_read_do_not_matter(frames, tmp_path):
    """Not even #NAME?, whose column the reader could not give a type, failing the sheet."""
    edit = _error_cells(F1="check", F2="#NAME?", F3="#DIV/0!", G1="#REF!", G2="#N/A")
    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, edit)
    tables = load_tables(path, Settings())
    assert tables.orders["amount"].tolist() == frames["orders"]["amount"].tolist()


def test_an_error_cell_above_the_header_row_is_a_title_s(frames, tmp_path):
    def titled(book):
        book["orders"].insert_rows(1, 2)
        book["orders"]["A1"] = "#NAME?"
        book["orders"]["D2"] = "#DIV/0!"

    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, titled)
    read = read_source(path, Settings())
    assert read.reads["orders"][0].header_row == 3
    assert read.frames["orders"]["amount"].tolist() == frames["orders"]["amount"].tolist()


def test_an_error_cell_where_a_column_name_belongs(frames, tmp_path):
    """Said only when a required column is missing (the one it may be); else the column, which
    deckgen does not read, does not matter."""
    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, _error_cells(D1="#REF!"))
    with pytest.raises(InputError) as caught:
        read_frames(path, Settings())
    assert str(caught.value) == (
        f"{path}: sheet 'orders', row 1, column D (cell D1): got the error #REF! where the "
        "column's name belongs, and the sheet lacks 'amount'; expected a column name: write "
        "the column's name there in Excel or LibreOffice Calc, save the workbook and run again"
    )
    edit = _error_cells(F1="#REF!", F2="note")
    path = write_openpyxl_book(tmp_path / "other.xlsx", frames, edit)
    assert list(read_frames(path, Settings())["orders"].columns[:6]) == [
        *frames["orders"].columns,
        "(column F)",
    ]


@pytest.mark.parametrize("error", ["#SPILL!", "#CALC!", "#BLOCKED!"])
def test_an_error_the_reader_does_not_know_is_named_by_its_cell(frames, tmp_path, error):
    """The reader fails the whole sheet on it ('Unsupported cell error value'), wherever it is:
    in a column deckgen does not read too, which the message then says how to mend."""
    path = write_openpyxl_book(tmp_path / "book.xlsx", frames)
    _as_error_cell(path, "D4", error)
    with pytest.raises(InputError) as caught:
        read_frames(path, Settings())
    assert str(caught.value) == (
        f"{path}: sheet 'orders', row 4, column D (cell D4): got the error '{error}' of the "
        "formula =SORT(A2:A9), which cannot be read, in any column; expected a value: correct "
        "the formula (or the cells it reads) in Excel or LibreOffice Calc, save the workbook "
        "and run again (or, in a column deckgen does not read, replace the column with its "
        "values)"
    )


def test_an_error_cell_holding_a_control_character_is_shown_escaped(frames, tmp_path, capsys):
    path = write_openpyxl_book(tmp_path / "book.xlsx", frames)
    _as_error_cell(path, "D2", "#N/A\x07\u202e")
    err = _refused(path, capsys)
    assert "(cell D2): got the error '#N/A\\x07\\u202e' of the formula =SORT(A2:A9)" in err


def test_an_error_cell_far_away_is_refused_by_the_size_guard(frames, tmp_path):
    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, _error_cells(XFD1048576="#N/A"))
    with pytest.raises(InputError, match="has a value in cell XFD1048576, far beyond the rest"):
        read_frames(path, Settings())


def test_error_cells_in_a_sheet_too_large_to_read_whole_are_found(frames, tmp_path, monkeypatch):
    """Past guards.SCAN_BYTES the sheet is read on for its marks when its start holds a formula
    or an error cell (a pasted value), or a required column of ours has a blank cell."""
    monkeypatch.setattr("deckgen.data.guards.SCAN_BYTES", 1000)
    monkeypatch.setattr("deckgen.data.sheet_marks.HEAD_BYTES", 1000)
    last = len(frames["orders"]) + 1
    edit = _error_cells(E2="#N/A", **{f"D{last}": "#DIV/0!"})  # an optional column, then ours
    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, edit)
    with pytest.raises(InputError, match=r"row 2, column 'product_category' \(cell E2\): got the "):
        read_frames(path, Settings())
    path = write_openpyxl_book(tmp_path / "late.xlsx", frames, _error_cells(**{f"D{last}": "#N/A"}))
    with pytest.raises(
        InputError, match=rf"row {last}, column 'amount' \(cell D{last}\): got the "
    ):
        read_frames(path, Settings())


def test_an_error_cell_of_a_sheet_written_without_cell_references_is_named(frames, tmp_path):
    """Rows and cells without `r` (the spec allows it; the reader counts them): the error cell
    was passed over and read as a blank, the category dropped without a word."""
    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, _error_cells(E4="#N/A"))

    def unnumbered(xml: bytes) -> bytes:
        return re.sub(rb'(<c|<row) r="[A-Z]*\d+"', rb"\1", xml)

    _rewrite_part(path, "xl/worksheets/sheet2.xml", unnumbered)
    assert b' r="' not in zipfile.ZipFile(path).read("xl/worksheets/sheet2.xml")
    with pytest.raises(InputError) as caught:
        read_frames(path, Settings())
    assert "sheet 'orders', row 4, column 'product_category' (cell E4): got the error #N/A;" in (
        str(caught.value)
    )


def test_a_large_sheet_read_whole_for_its_name_error_keeps_its_marks(frames, tmp_path, monkeypatch):
    """#NAME? failing the reader has the sheet read whole to find it; its marks were then thrown
    away and the large sheet's start, clean, trusted: an optional column's #NAME? went blank."""
    monkeypatch.setattr("deckgen.data.guards.SCAN_BYTES", 1000)
    monkeypatch.setattr("deckgen.data.sheet_marks.HEAD_BYTES", 1000)
    last = len(frames["orders"]) + 1
    path = write_openpyxl_book(
        tmp_path / "book.xlsx", frames, _error_cells(**{f"E{last}": "#NAME?"})
    )
    with pytest.raises(InputError) as caught:
        read_frames(path, Settings())
    assert f"row {last}, column 'product_category' (cell E{last}): got the error #NAME?;" in (
        str(caught.value)
    )


def test_an_error_cell_in_a_sheet_a_transform_reads_is_named(frames, tmp_path):
    """A lookup sheet's columns are all read, as for a formula without its result."""

    def lookup(book):
        sheet = book.create_sheet("regions")
        sheet.append(["city", "area"])
        sheet.append(["Bern", "#N/A"])

    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, lookup)
    settings = Settings.model_validate(
        {"sheets": {"customers": {"lookup": {"area": {"sheet": "regions", "key": "city"}}}}}
    )
    with pytest.raises(InputError, match=r"'regions', row 2, column 'area' \(cell B2\): got the "):
        read_source(path, settings)


@pytest.mark.parametrize(
    "mapping",
    [
        {"where": "Status = 'paid'"},
        {"compute": {"amount": '"Unit Price" * 2'}},
        {"returns": {"when": "status = 'returned'"}},
    ],
    ids=["where", "compute", "returns"],
)
def test_an_error_cell_in_a_column_only_a_transform_reads_is_named(frames, tmp_path, mapping):
    """Not one of ours, the column was not checked: the where filter dropped the row of #N/A
    without a word (read as NULL), a computed amount was said to be missing."""

    def extra(book):
        sheet = book["orders"]
        sheet["F1"], sheet["G1"], sheet["H1"] = "status", "Unit Price", "note"
        for row in range(2, sheet.max_row + 1):
            sheet[f"F{row}"], sheet[f"G{row}"] = "paid", 2.5
        sheet["F4"] = sheet["G4"] = "#N/A"
        sheet["H5"] = "#DIV/0!"  # a column no transform names: left alone

    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, extra)
    column, cell = ("status", "F4") if "compute" not in mapping else ("Unit Price", "G4")
    with pytest.raises(InputError) as caught:
        read_source(path, Settings.model_validate({"sheets": {"orders": mapping}}))
    assert f"sheet 'orders', row 4, column '{column}' (cell {cell}): got the error #N/A;" in (
        str(caught.value)
    )
    read = read_source(path, Settings())  # without the transform, neither is read
    assert read.frames["orders"]["amount"].tolist() == frames["orders"]["amount"].tolist()


def test_a_workbook_saved_by_libreoffice_with_error_results(tmp_path, capsys):
    """A real spreadsheet's file (fixtures/README.md): the formula's error in the amount is
    named with its formula; once mended, the errors of the columns deckgen does not read
    (#N/A, #VALUE!, and #NAME?, which failed the sheet) do not matter."""
    path = tmp_path / "book.xlsx"
    path.write_bytes((FIXTURES / "errors-libreoffice.xlsx").read_bytes())
    assert _refused(path, capsys) == (
        f"error: {path}: sheet 'orders', row 3, column 'amount' (cell D3): got the error "
        "#DIV/0! of the formula =1/0; expected a number: correct the formula (or the cells "
        "it reads) in Excel or LibreOffice Calc, save the workbook and run again\n"
    )
    _rewrite_part(
        path,
        "xl/worksheets/sheet2.xml",
        lambda xml: re.sub(rb'<c r="D3"[^>]*>.*?</c>', b'<c r="D3"><v>12.5</v></c>', xml),
    )
    tables = load_tables(path, Settings())
    assert tables.orders["amount"].iloc[1] == 12.5


def test_a_pattern_passes_over_a_chart_sheet_it_matches(frames, tmp_path, capfd):
    """A chart sheet can hold no rows: `sheet = "orders *"` matching 'orders chart' beside
    'orders 2026' stopped at 'is a chart sheet'; a chart sheet named exactly is still said."""

    def chart_among_orders(book):
        book["orders"].title = "orders 2026"
        _chart_sheet(book, "orders chart", data="orders 2026")

    path = write_openpyxl_book(tmp_path / "book.xlsx", frames, chart_among_orders)
    by_pattern = Settings(sheets={"orders": SheetMapping(sheet="orders *")})
    tables = load_tables(path, by_pattern)
    assert tables.orders["order_id"].tolist() == frames["orders"]["order_id"].tolist()
    assert capfd.readouterr().err == ""
    named = Settings(sheets={"orders": SheetMapping(sheet=["orders 2026", "orders chart"])})
    with pytest.raises(InputError, match="sheet 'orders chart' is a chart sheet"):
        load_tables(path, named)
    only_chart = Settings(sheets={"orders": SheetMapping(sheet="* chart")})
    with pytest.raises(ValidationError) as caught:
        load_tables(path, only_chart)
    assert any(p.sheet == "* chart" for p in caught.value.problems)


# -- formulas a writer did not calculate ------------------------------------------------------


def _xlsxwriter_formulas(frames, path: Path, cells: dict[str, str], given: bool = False) -> Path:
    """`frames` written by xlsxwriter, with each of `cells` of the orders sheet a formula, whose
    result xlsxwriter stores as 0 (it cannot calculate it); with `given`, each amount a formula
    whose result it was given (as a writer that calculates stores it)."""
    book = xlsxwriter.Workbook(path)
    for name, frame in frames.items():
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, list(frame.columns))
        for r, row in enumerate(frame.astype(object).itertuples(index=False), 1):
            sheet.write_row(r, 0, ["" if pd.isna(v) else str(v) for v in row])
        if name == "orders":
            amounts = frame["amount"]
            sheet.write_column(1, 3, amounts.tolist())
            for cell, formula in cells.items():
                sheet.write_formula(cell, formula)
            for r, amount in enumerate(amounts if given else (), 1):
                sheet.write_formula(r, 3, f"={amount}*1", None, amount)
    book.close()
    return path


def test_formulas_a_writer_did_not_calculate_are_a_warning(frames, tmp_path):
    """xlsxwriter stores 0 as each formula's result: read, 0 is an amount like any other. The
    workbook asks to be calculated on opening (fullCalcOnLoad), which Excel and LibreOffice
    clear when they save it: a warning names the first formula cell in a column read."""
    edit = {"D3": "=2*3", "D9": "=1+1", "G5": "=1/0"}  # G: a column deckgen does not read
    path = _xlsxwriter_formulas(frames, tmp_path / "book.xlsx", edit)
    read = read_source(path, Settings())
    assert read.frames["orders"]["amount"].iloc[1] == 0
    (warning,) = [w for w in read.warnings if w.rule == "never_calculated"]
    assert (warning.sheet, warning.row, warning.column, warning.severity) == (
        "orders",
        3,
        "amount",
        "warning",
    )
    assert str(warning).startswith(
        "sheet 'orders', row 3, column 'amount'; expected formula results a spreadsheet "
        "calculated: this workbook asks to have its formulas calculated when it is opened"
    )
    with pytest.raises(ValidationError, match="calculated when it is opened"):
        load_tables(path, Settings(), strict=True)


@pytest.mark.parametrize(
    "cells",
    [{}, {"G2": "=1+1"}, {"A1": '="order_id"'}],
    ids=["no-formula", "column-not-read", "header-cell"],
)
def test_no_warning_without_a_formula_below_the_header_in_a_column_read(frames, tmp_path, cells):
    """The sample workbook (xlsxwriter, asking to be calculated, no formula) is no exception."""
    path = _xlsxwriter_formulas(frames, tmp_path / "book.xlsx", cells)
    assert not [w for w in read_source(path, Settings()).warnings if w.rule == "never_calculated"]


def test_no_warning_for_a_workbook_a_spreadsheet_saved(tmp_path):
    """LibreOffice drops the request when it saves (as Excel does): its formulas' results,
    errors included, are its own (fixtures/README.md)."""
    from deckgen.data.sheet_marks import calculated_on_opening

    path = tmp_path / "book.xlsx"
    path.write_bytes((FIXTURES / "errors-libreoffice.xlsx").read_bytes())
    assert not calculated_on_opening(path)
    _rewrite_part(
        path,
        "xl/worksheets/sheet2.xml",
        lambda xml: re.sub(rb'<c r="D3"[^>]*>.*?</c>', b'<c r="D3"><f>2*3</f><v>6</v></c>', xml),
    )
    read = read_source(path, Settings())
    assert read.frames["orders"]["amount"].iloc[1] == 6
    assert not [w for w in read.warnings if w.rule == "never_calculated"]


def test_formulas_a_writer_did_not_calculate_in_a_column_a_transform_reads(frames, tmp_path):
    """A quantity the amount is computed from is read: its formulas' stored 0 matter as much."""
    frames["orders"]["qty"] = 1
    path = _xlsxwriter_formulas(frames, tmp_path / "book.xlsx", {"F3": "=2*3"})
    computed = Settings.model_validate({"sheets": {"orders": {"compute": {"amount": "qty * 2"}}}})
    (warning,) = [w for w in read_source(path, computed).warnings if w.rule == "never_calculated"]
    assert (warning.sheet, warning.row, warning.column) == ("orders", 3, "qty")
    assert not [w for w in read_source(path, Settings()).warnings if w.rule == "never_calculated"]


def test_no_warning_for_formula_results_the_writer_was_given(frames, tmp_path):
    """xlsxwriter marks every workbook to be calculated on opening, also when each formula's
    result was given to it (write_formula's value; as a tool that calculates writes them):
    warned of, and refused under --strict, though every result read was right."""
    path = _xlsxwriter_formulas(frames, tmp_path / "book.xlsx", {}, given=True)
    assert b"<f>" in zipfile.ZipFile(path).read("xl/worksheets/sheet2.xml")
    read = read_source(path, Settings())
    assert read.frames["orders"]["amount"].tolist() == frames["orders"]["amount"].tolist()
    assert not [w for w in read.warnings if w.rule == "never_calculated"]
    strict = load_tables(path, Settings(), strict=True)
    assert strict.orders["amount"].tolist() == frames["orders"]["amount"].tolist()
