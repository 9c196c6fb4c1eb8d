"""Reading workbooks and folders: the same tables from every form, one clear error otherwise."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from deckgen.config import Settings, SheetMapping
from deckgen.data.load import OPEN_IN_EXCEL, load_tables, read_frames
from deckgen.data.schema import SHEETS
from deckgen.errors import InputError, ValidationError

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


def test_csv_with_semicolons_and_a_byte_order_mark(frames, writers, settings, tmp_path):
    expected = load_tables(writers["csv"](frames, tmp_path / "plain"), settings)
    folder = tmp_path / "excel"
    folder.mkdir()
    for name, frame in frames.items():
        frame.to_csv(folder / f"{name}.csv", index=False, sep=";", encoding="utf-8-sig")
    got = load_tables(folder, settings)
    pd.testing.assert_frame_equal(got.orders, expected.orders)
    pd.testing.assert_frame_equal(got.customers, expected.customers)


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
            lambda tmp: _write(tmp, "report.pdf", b"%PDF-1.4"),
            "is not an .xlsx workbook or a folder",
        ),
        (lambda tmp: _write(tmp, "orders.csv", b"order_id\n"), "is a single .csv file"),
        (lambda tmp: tmp, "holds no .csv or .parquet files"),
    ],
    ids=["missing", "empty", "text", "truncated-zip", "password", "pdf", "single-csv", "no-files"],
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
    with pytest.raises(InputError, match=r"customers\.csv is not UTF-8 text"):
        read_frames(folder, settings)


def test_corrupt_parquet(frames, writers, settings, tmp_path):
    folder = writers["parquet"](frames, tmp_path / "data")
    (folder / "orders.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(InputError, match=r"orders\.parquet cannot be read as Parquet"):
        read_frames(folder, settings)


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
