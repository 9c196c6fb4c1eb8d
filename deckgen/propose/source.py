"""The client's tables as init sees them: every sheet, file or database table, read below its
header row and profiled; sheets of one kind (one per year) stacked into one table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pyarrow as pa

from deckgen.config import SheetMapping
from deckgen.data.cells import utf8_replaced
from deckgen.data.header import SEARCH_ROWS
from deckgen.errors import InputError
from deckgen.propose.names import compact
from deckgen.propose.profile import ColumnProfile, find_header_row, profile_table

SourceKind = Literal["workbook", "folder", "database"]


@dataclass(frozen=True)
class ClientTable:
    """One of the client's tables: a sheet (file, database table), or several of one kind."""

    names: tuple[str, ...]  # the client's sheets, files or tables, stacked in this order
    header_rows: tuple[int, ...]  # per name, the spreadsheet row of its column names
    titles: tuple[str, ...]  # the text of the title rows above the first one's header
    table: pa.Table  # the rows, every part stacked
    profiles: tuple[ColumnProfile, ...]
    hidden: bool = False  # a hidden sheet of a workbook

    @property
    def label(self) -> str:
        """The client's name(s) of the table, for comments and messages."""
        return " + ".join(f"'{name}'" for name in self.names)

    @property
    def rows(self) -> int:
        """Rows of data."""
        return self.table.num_rows

    def profile(self, name: str) -> ColumnProfile:
        """The profile of the client's column `name`."""
        return next(p for p in self.profiles if p.name == name)


@dataclass(frozen=True)
class ClientSource:
    """Everything the client's source holds that init can use."""

    label: str  # the path or the URL (without a password) as given
    kind: SourceKind
    tables: tuple[ClientTable, ...]
    skipped: tuple[tuple[str, str], ...]  # (sheet, why it cannot be a table) in source order
    url: str | None = None  # the database URL, for a database source


@dataclass(frozen=True)
class _Part:
    """One sheet, file or database table as read."""

    name: str
    header_row: int
    titles: tuple[str, ...]
    table: pa.Table
    hidden: bool = False


def read_client_source(data: str) -> ClientSource:
    """The tables of a workbook, a folder of CSV or Parquet files, or a database (a SQLAlchemy
    URL); InputError if it cannot be read or holds no sheet at all."""
    if "://" in data:
        return _read_database(data)
    from deckgen.data.load import open_book

    path = Path(data)
    book = open_book(path)
    kind: SourceKind = "folder" if path.is_dir() else "workbook"
    parts: list[_Part] = []
    skipped: list[tuple[str, str]] = []
    if not book.available:
        raise InputError(f"{path} holds no sheets")
    for name in book.available:
        header = find_header_row(book.head(name, SEARCH_ROWS))
        if header is None:
            skipped.append((name, _why_no_header(book.head(name, SEARCH_ROWS))))
            continue
        table, _ = book.read(name, None, SheetMapping(header_row=header.row))
        table = utf8_replaced(table)  # the loader names such a cell if the proposal reads it
        if table.num_rows == 0:
            skipped.append((name, f"it has column names on row {header.row} but no rows below"))
            continue
        parts.append(_Part(name, header.row, header.titles, table, book.hidden(name)))
    return ClientSource(str(path), kind, _stacked(parts), tuple(skipped))


def _why_no_header(head: list[tuple[str | None, ...]]) -> str:
    if not any(cell for row in head for cell in row):
        return "it is empty"
    return "no row among its first rows holds column names (words): only numbers or one cell"


def _read_database(url: str) -> ClientSource:
    from deckgen.data.sql import is_table_name, list_tables, read_sql_frames

    tables = list_tables(url)
    if not tables:
        raise InputError("the database has no tables in its default schema")
    readable = [t for t in tables if is_table_name(t)]
    skipped = [
        (t, "its name needs quoting; read it with a query") for t in tables if t not in readable
    ]
    frames = read_sql_frames(url, {t: t for t in readable})
    parts = []
    for name, frame in frames.items():
        if frame.empty:
            skipped.append((name, "it has no rows"))
            continue
        table = pa.Table.from_pandas(frame, preserve_index=False)
        parts.append(_Part(name, 1, (), table))
    shown = _shown_url(url)
    return ClientSource(shown, "database", _stacked(parts), tuple(skipped), url=url)


def _shown_url(url: str) -> str:
    import sqlalchemy as sa

    return sa.engine.make_url(url).render_as_string(hide_password=True)


def _stacked(parts: list[_Part]) -> tuple[ClientTable, ...]:
    """The parts as tables: parts whose names differ only by numbers (`Sales 2025`,
    `Sales 2026`) and that have the same columns are one table, stacked in source order."""
    from deckgen.data.load import aligned_tables

    groups: dict[tuple[str, frozenset[str]], list[int]] = {}
    for index, part in enumerate(parts):
        stem = compact(re.sub(r"\d+", " ", part.name)) or part.name
        columns = frozenset(compact(c) for c in part.table.column_names)
        groups.setdefault((stem, columns), []).append(index)
    tables = []
    for members in sorted(groups.values()):
        chosen = [parts[i] for i in members]
        if len(chosen) == 1 or not all(re.search(r"\d", part.name) for part in chosen):
            tables += [_table([part]) for part in chosen]
            continue
        aligned = aligned_tables([part.table for part in chosen])
        combined = pa.concat_tables(aligned, promote_options="default")
        tables.append(_table(chosen, combined))
    order = {part.name: i for i, part in enumerate(parts)}
    return tuple(sorted(tables, key=lambda t: order[t.names[0]]))


def _table(chosen: list[_Part], combined: pa.Table | None = None) -> ClientTable:
    table = combined if combined is not None else chosen[0].table
    return ClientTable(
        names=tuple(part.name for part in chosen),
        header_rows=tuple(part.header_row for part in chosen),
        titles=chosen[0].titles,
        table=table,
        profiles=profile_table(table),
        hidden=all(part.hidden for part in chosen),
    )
