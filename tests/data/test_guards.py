"""Workbook size guards: a far-away cell is refused in one sentence, never an abort."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from openpyxl.styles import Font

from deckgen.config import Settings
from deckgen.data.guards import CellRange, check_sheet_size, column_letters, workbook_parts
from deckgen.data.load import read_source
from deckgen.errors import InputError


def _orders(path: Path, far: str | None = None, styled: str | None = None) -> Path:
    """A small customers + orders workbook, with a value (or only a style) at a far cell."""
    book = openpyxl.Workbook()
    customers = book.active
    customers.title = "customers"
    customers.append(["customer_id"])
    customers.append(["C1"])
    orders = book.create_sheet("orders")
    orders.append(["order_id", "customer_id", "order_date", "amount"])
    orders.append(["O1", "C1", "2026-10-05", 10])
    if far:
        orders[far] = "stray"
    if styled:
        orders[styled].font = Font(bold=True)
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("cell", "cells"),
    [("XFD1048576", "17,179,869,184"), ("ZZ100000", "70,200,000")],
)
def test_a_value_far_away_is_refused_naming_the_sheet_and_the_cell(tmp_path, cell, cells):
    path = _orders(tmp_path / "far.xlsx", far=cell)
    with pytest.raises(InputError) as caught:
        read_source(path, Settings())
    message = str(caught.value)
    assert message.startswith(f"sheet 'orders' has a value in cell {cell}, far beyond")
    assert f"its used range A1:{cell} spans {cells} cells" in message
    assert "delete that cell" in message and "\n" not in message


def test_the_cli_exits_2_with_the_sentence_and_no_abort(tmp_path):
    path = _orders(tmp_path / "far.xlsx", far="XFD1048576")
    done = subprocess.run(
        [sys.executable, "-c", "from deckgen.cli import main; main()", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "cell XFD1048576" in done.stderr
    assert "Traceback" not in done.stderr and "panicked" not in done.stderr


def test_a_styled_blank_far_away_is_no_data_and_is_read(tmp_path):
    path = _orders(tmp_path / "styled.xlsx", styled="XFD1048576")
    read = read_source(path, Settings())
    assert len(read.frames["orders"]) == 1


def test_a_far_value_is_named_even_beyond_it_a_styled_blank(tmp_path):
    # Issue 16: the first pass takes every cell reference, blanks too (XFD1048576 here); the
    # refusal and the cell it names come from the cells with content only.
    path = _orders(tmp_path / "both.xlsx", far="ZZ100000", styled="XFD1048576")
    with pytest.raises(InputError) as caught:
        check_sheet_size(path, workbook_parts(path)["orders"])
    message = str(caught.value)
    assert message.startswith("sheet 'orders' has a value in cell ZZ100000, far beyond")
    assert "its used range A1:ZZ100000 spans 70,200,000 cells" in message


def _with_sheet_xml(plain: Path, path: Path, change: Callable[[bytes], bytes]) -> Path:
    """A copy of workbook `plain` at `path`, its orders sheet's XML passed through `change`."""
    part = workbook_parts(plain)["orders"].part
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, change(data) if item.filename == part else data)
    return path


def test_a_far_reference_outside_any_cell_is_no_data(tmp_path):
    # A `r="..."` that is no cell's (here on an element of its own after the sheet data) widens
    # only the first pass's rectangle; the cells with content decide.
    plain = _orders(tmp_path / "plain.xlsx")
    far = b'</sheetData><x r="XFD1048576"/>'
    odd = _with_sheet_xml(
        plain, tmp_path / "odd.xlsx", lambda xml: xml.replace(b"</sheetData>", far, 1)
    )
    assert far in zipfile.ZipFile(odd).read(workbook_parts(odd)["orders"].part)
    check_sheet_size(odd, workbook_parts(odd)["orders"])  # no error: nothing far holds a value


def test_a_declared_range_that_lies_is_checked_against_the_real_cells(tmp_path):
    plain = _orders(tmp_path / "plain.xlsx")
    lie = b'<dimension ref="A1:XFD1048576"'
    lying = _with_sheet_xml(
        plain, tmp_path / "lying.xlsx", lambda xml: re.sub(rb'<dimension ref="[^"]*"', lie, xml)
    )
    assert lie in zipfile.ZipFile(lying).read(workbook_parts(lying)["orders"].part)
    part = workbook_parts(lying)["orders"]
    check_sheet_size(lying, part)  # the cells are few: read by its real cells
    assert len(read_source(lying, Settings()).frames["orders"]) == 1


def test_workbook_parts_find_each_sheet_xml_and_hidden_sheets(tmp_path):
    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Orders ")
    book.add_worksheet("orders").hide()
    book.add_worksheet("A & B")
    book.close()
    parts = workbook_parts(path)
    assert {name: (p.part, p.hidden) for name, p in parts.items()} == {
        "Orders ": ("xl/worksheets/sheet1.xml", False),
        "orders": ("xl/worksheets/sheet2.xml", True),
        "A & B": ("xl/worksheets/sheet3.xml", False),
    }
    assert workbook_parts(tmp_path / "missing.xlsx") is None


def test_cell_range_arithmetic():
    assert [column_letters(n) for n in (1, 26, 27, 702, 703, 16384)] == [
        "A",
        "Z",
        "AA",
        "ZZ",
        "AAA",
        "XFD",
    ]
    used = CellRange(1, 1, 300, 5, "E300")
    assert (used.cells, used.ref) == (1500, "A1:E300")
