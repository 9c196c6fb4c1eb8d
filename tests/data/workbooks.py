"""Workbooks written cell by cell for the reading tests."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pandas as pd
import xlsxwriter
from openpyxl import Workbook


def write_book(
    path: Path, sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()
) -> Path:
    """A workbook with `sheets` written row by row from row 1 (dates as date cells, None as a
    blank cell); the sheets named in `hidden` are hidden."""
    book = xlsxwriter.Workbook(path)
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        if name in hidden:
            sheet.hide()
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, datetime):
                    sheet.write_datetime(r, c, value, dates)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def write_openpyxl_book(
    path: Path, frames: dict[str, object], edit: Callable[[Workbook], None] | None = None
) -> Path:
    """`frames` (name -> DataFrame) as a workbook written by openpyxl, as a script writes one
    that no spreadsheet program ever opened; `edit` changes it before it is saved."""
    book = Workbook()
    book.remove(book.active)
    for name, frame in frames.items():
        sheet = book.create_sheet(name)
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append([_cell(value) for value in row])
    if edit is not None:
        edit(book)
    book.save(path)
    return path


def _cell(value: object) -> object:
    """`value` as openpyxl writes it: missing values blank, timestamps as datetimes."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
