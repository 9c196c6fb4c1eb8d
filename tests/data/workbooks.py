"""Workbooks written cell by cell for the reading tests."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import xlsxwriter


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
