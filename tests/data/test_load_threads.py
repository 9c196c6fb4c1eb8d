"""A big workbook's sheets read by two threads: the same tables and the same first message,
whatever order the threads finish in."""

from __future__ import annotations

import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import deckgen.data.load as load
from deckgen.cli import main
from deckgen.config import Settings, SheetMapping
from deckgen.data.load import in_threads, read_source
from deckgen.errors import InputError
from tests.data.workbooks import write_book


@pytest.fixture
def threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every workbook read by two threads, however small."""
    monkeypatch.setattr(load, "READ_THREADS", 2)
    monkeypatch.setattr(load, "_THREADED_BYTES", 0)
    monkeypatch.setattr(load, "_cores", lambda: 2)
    monkeypatch.setattr(load.os, "getloadavg", lambda: (0.0, 0.0, 0.0))


@pytest.fixture
def customers_late(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Sheet 'customers' read 0.3 s late, so later sheets finish first; the sheets' names in
    the order their reads ended (successfully or not)."""
    ended: list[str] = []
    read = load._Workbook.read

    def late(self, name, sheet, mapping):  # type: ignore[no-untyped-def]
        if name == "customers":
            time.sleep(0.3)
        try:
            return read(self, name, sheet, mapping)
        finally:
            ended.append(name)

    monkeypatch.setattr(load._Workbook, "read", late)
    return ended


def test_jobs_run_largest_first_and_results_come_back_in_job_order():
    started: dict[str, list[int]] = {}
    both = threading.Barrier(2, timeout=10)

    def job(i: int) -> str:
        mine = started.setdefault(threading.current_thread().name, [])
        mine.append(i)
        if len(mine) == 1:
            both.wait()  # each thread's first job held until both have one
        return "abcd"[i]

    jobs = [lambda i=i: job(i) for i in range(4)]
    assert in_threads(jobs, [1, 5, 5, 0], threads=2) == ["a", "b", "c", "d"]
    # By size, ties in job order: this thread takes the largest, the other thread the next.
    assert started.pop("MainThread")[0] == 1
    assert [first for first, *_ in started.values()] == [2]


def test_one_thread_runs_the_jobs_in_order():
    started: list[int] = []
    jobs = [lambda i=i: started.append(i) or "abcd"[i] for i in range(4)]
    assert in_threads(jobs, [1, 5, 5, 0], threads=1) == ["a", "b", "c", "d"]
    assert started == [0, 1, 2, 3]  # as read before sheets were read by size


def test_the_first_failing_job_in_order_wins_though_a_later_one_failed_first():
    later_failed = threading.Event()
    ran: list[int] = []

    def first() -> str:
        assert later_failed.wait(10), "job 2 never ran beside job 0"
        raise ValueError("job 0")

    def second() -> str:
        ran.append(1)
        return "b"

    def third() -> str:
        later_failed.set()
        raise ValueError("job 2")

    # Job 0 (the largest) is this thread's, job 2 the helper's: job 2 fails first.
    with pytest.raises(ValueError, match=r"^job 0$"):
        in_threads([first, second, third], [3, 1, 2], threads=2)
    assert ran == [1]  # before the failed job 2 in order: it still decides nothing, but runs


def test_jobs_after_a_failed_one_are_not_started():
    ran: list[int] = []

    def job(i: int) -> int:
        ran.append(i)
        if i == 1:
            raise KeyError(i)
        return i

    with pytest.raises(KeyError):
        in_threads([lambda i=i: job(i) for i in range(4)], [4, 3, 2, 1], threads=1)
    assert ran == [0, 1]


def test_an_interrupt_stops_both_threads_and_is_raised():
    ran: list[int] = []

    def job(i: int) -> int:
        ran.append(i)
        if i == 0:
            raise KeyboardInterrupt
        return i

    with pytest.raises(KeyboardInterrupt):
        in_threads([lambda i=i: job(i) for i in range(6)], [9, 1, 1, 1, 1, 1], threads=1)
    assert ran == [0]


def test_two_threads_read_the_same_tables_as_one(
    frames, writers, settings, tmp_path, monkeypatch, threaded
):
    path = writers["xlsx"](frames, tmp_path / "data.xlsx")
    two = read_source(path, settings)
    monkeypatch.setattr(load, "READ_THREADS", 1)
    one = read_source(path, settings)
    assert list(two.frames) == list(one.frames)
    for name, frame in one.frames.items():
        pd.testing.assert_frame_equal(two.frames[name], frame, obj=name)
    assert (two.names, two.reads, two.warnings) == (one.names, one.reads, one.warnings)


def test_a_big_workbook_is_read_by_two_threads_a_small_one_by_one(frames, writers, tmp_path):
    book = load._Workbook(writers["xlsx"](frames, tmp_path / "data.xlsx"))
    assert book.threads == 1  # the small sample: a second reader would cost more than it saves
    assert book.size("orders") > book.size("channels") > 0


@pytest.mark.parametrize(
    ("cores", "load_average", "threads"),
    [(2, 0.4, 2), (2, 1.0, 2), (2, 1.1, 1), (2, 5.0, 1), (1, 0.0, 1), (8, 7.0, 2), (8, 7.1, 1)],
)
def test_a_second_thread_only_with_a_core_idle_for_it(monkeypatch, cores, load_average, threads):
    monkeypatch.setattr(load, "_cores", lambda: cores)
    monkeypatch.setattr(load.os, "getloadavg", lambda: (load_average, 0.0, 0.0))
    big = load._THREADED_BYTES
    assert load._threads_for([big // 2, big // 2]) == threads
    assert load._threads_for([big // 2, big // 2 - 1]) == 1


def _far_cells(path: Path) -> Path:
    """Sheets customers and orders, each with a value in cell XFD1048576 (refused unread)."""
    book = openpyxl.Workbook()
    customers = book.active
    customers.title = "customers"
    customers.append(["customer_id"])
    customers.append(["C1"])
    customers["XFD1048576"] = "stray"
    orders = book.create_sheet("orders")
    orders.append(["order_id", "customer_id", "order_date", "amount"])
    orders.append(["O1", "C1", "2026-10-05", 10])
    orders["XFD1048576"] = "stray"
    book.save(path)
    return path


def test_two_unreadable_sheets_give_the_first_sheets_message(tmp_path, threaded, customers_late):
    path = _far_cells(tmp_path / "far.xlsx")
    with pytest.raises(InputError) as caught:
        read_source(path, Settings())
    assert customers_late == ["orders", "customers"]  # orders failed first
    assert str(caught.value).startswith("sheet 'customers' has a value in cell XFD1048576")


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], path: Path):
    monkeypatch.setattr(sys, "argv", ["deckgen", "validate", str(path)])
    with pytest.raises(SystemExit) as exited:
        main()
    out = capsys.readouterr()
    return exited.value.code, out.out + out.err


def test_two_bad_sheets_give_the_same_messages_in_the_same_order_from_two_threads(
    frames, writers, tmp_path, monkeypatch, capsys, threaded, customers_late
):
    frames["customers"].loc[2, "customer_id"] = "   "  # spreadsheet row 4
    frames["orders"]["amount"] = frames["orders"]["amount"].astype(object)
    frames["orders"].loc[0, "amount"] = "twelve"  # spreadsheet row 2
    path = writers["xlsx"](frames, tmp_path / "data.xlsx")
    two_code, two_out = _run(monkeypatch, capsys, path)
    assert customers_late.index("orders") < customers_late.index("customers")
    monkeypatch.setattr(load, "READ_THREADS", 1)
    one_code, one_out = _run(monkeypatch, capsys, path)
    assert one_code == two_code == 2
    assert two_out == one_out
    assert "Traceback" not in two_out
    problems = [line.strip() for line in two_out.splitlines() if line.strip().startswith("- ")]
    assert problems[:2] == [
        "- sheet 'customers', row 4, column 'customer_id'; expected a value (required)",
        "- sheet 'orders', row 2, column 'amount': got 'twelve'; expected a number like 129.90",
    ]


def test_blank_header_cells_and_a_name_like_the_readers_made_up_ones(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append([None, "a", "__UNNAMED__3", None])
    sheet.append(["x", 1, 2, None])
    book.save(tmp_path / "data.xlsx")
    table, _ = load._Workbook(tmp_path / "data.xlsx").read("data", None, SheetMapping())
    # A: data without a name; C: named as fastexcel names a blank cell; D: blank, left out.
    assert table.column_names == ["(column A)", "a", "__UNNAMED__3"]
    assert table.to_pylist() == [{"(column A)": "x", "a": 1.0, "__UNNAMED__3": 2.0}]


def _one_sheet_two_headers(path: Path) -> tuple[Path, Settings]:
    """Sheet 'data' with English column names in row 1 and German ones in row 2, read for
    customers from row 1 and for orders from row 2, numbers written with a decimal comma; age
    and Betrag mix number cells with text cells."""
    rows: list[list[object]] = [
        ["customer_id", "signup_date", "age", "order_id", "order_date", "amount"],
        ["Kunde", "Seit", "Alter", "Nr", "Datum", "Betrag"],
    ]
    for i in range(4):
        age: object = 30 + i if i % 2 else f"{30 + i}"
        amount: object = 12.5 + i if i % 2 else f"{i},5"
        signup, ordered = datetime(2025, 1, 1 + i), datetime(2026, 8, 1 + i)
        rows.append([f"C{i}", signup, age, f"O{i}", ordered, amount])
    german = {"customer_id": "Kunde", "order_id": "Nr", "order_date": "Datum", "amount": "Betrag"}
    settings = Settings(
        sheets={
            "customers": SheetMapping(sheet="data", header_row=1, decimal=","),
            "orders": SheetMapping(sheet="data", header_row=2, decimal=",", columns=german),
        }
    )
    return write_book(path, {"data": rows}), settings


def test_one_sheet_read_for_two_of_ours_with_two_header_rows_by_two_threads(
    tmp_path, monkeypatch, threaded
):
    path, settings = _one_sheet_two_headers(tmp_path / "data.xlsx")
    monkeypatch.setattr(load, "READ_THREADS", 1)
    one = read_source(path, settings)
    monkeypatch.setattr(load, "READ_THREADS", 2)
    # Both threads read the sheet before either writes its numbers back as written: each
    # must find its own header row's columns, not those the other thread read last.
    both_read = threading.Barrier(2, timeout=10)
    read = load._Workbook._load

    def in_step(self, name, header, rows=None):  # type: ignore[no-untyped-def]
        table = read(self, name, header, rows)
        if header is not None:
            both_read.wait()
        return table

    monkeypatch.setattr(load._Workbook, "_load", in_step)
    two = read_source(path, settings)
    for name, frame in one.frames.items():
        pd.testing.assert_frame_equal(two.frames[name], frame, obj=name)
    # Number cells as the user sees them under decimal ",": 31 stays "31", 13.5 is "13,5".
    assert two.frames["customers"]["age"].tolist() == ["Alter", "30", "31", "32", "33"]
    assert two.frames["orders"]["Betrag"].tolist() == ["0,5", "13,5", "2,5", "15,5"]


def test_one_thread_reads_in_sheet_order_and_stops_at_the_first_bad_sheet(tmp_path, monkeypatch):
    # customers (refused unread: a far cell) comes before orders, the larger sheet: read by
    # one thread, orders is never read, as before sheets were read by size.
    book = openpyxl.Workbook()
    customers = book.active
    customers.title = "customers"
    customers.append(["customer_id"])
    customers["XFD1048576"] = "stray"
    orders = book.create_sheet("orders")
    orders.append(["order_id", "customer_id", "order_date", "amount"])
    for i in range(2_000):
        orders.append([f"O{i}", "C1", "2026-10-05", 10])
    book.save(tmp_path / "far.xlsx")
    read: list[str] = []
    original = load._Workbook._load

    def spy(self, name, header, rows=None):  # type: ignore[no-untyped-def]
        read.append(name)
        return original(self, name, header, rows)

    monkeypatch.setattr(load._Workbook, "_load", spy)
    monkeypatch.setattr(load, "READ_THREADS", 1)
    workbook = load._Workbook(tmp_path / "far.xlsx")
    assert workbook.size("orders") > workbook.size("customers")
    with pytest.raises(InputError, match=r"^sheet 'customers' has a value in cell XFD1048576"):
        read_source(tmp_path / "far.xlsx", Settings())
    assert read == []  # customers refused before reading it; orders not read at all


def test_a_workbook_saved_again_while_read_by_two_threads_is_read_as_opened(
    frames, writers, tmp_path, monkeypatch, threaded
):
    path = writers["xlsx"](frames, tmp_path / "data.xlsx")
    monkeypatch.setattr(load, "READ_THREADS", 1)
    one = read_source(path, Settings())
    monkeypatch.setattr(load, "READ_THREADS", 2)
    edited = {name: frame.copy() for name, frame in frames.items()}
    edited["orders"]["amount"] = 999.0
    edited["customers"]["city"] = "Elsewhere"
    saved = writers["xlsx"](edited, tmp_path / "saved.xlsx")
    opened = load._Workbook.__init__

    def then_saved_again(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        opened(self, *args, **kwargs)
        saved.replace(path)  # as Excel saves: a new file put in the old one's place

    monkeypatch.setattr(load._Workbook, "__init__", then_saved_again)
    two = read_source(path, Settings())
    for name, frame in one.frames.items():  # the second thread's sheets too
        pd.testing.assert_frame_equal(two.frames[name], frame, obj=name)


class PanicException(BaseException):
    """Stands in for pyo3's PanicException (a panic in fastexcel's Rust code), which cannot
    be imported: a BaseException known by its name."""


@pytest.mark.parametrize("threads", [1, 2])
def test_a_panic_in_the_reader_is_one_message_and_exit_2(
    frames, writers, tmp_path, monkeypatch, capsys, threads
):
    # Regression: a malformed file can make fastexcel panic (fastexcel issue #343); the panic,
    # not an Exception, went past the command line's handler as a traceback with exit code 1.
    path = writers["xlsx"](frames, tmp_path / "data.xlsx")
    monkeypatch.setattr(load, "READ_THREADS", threads)
    monkeypatch.setattr(load, "_THREADED_BYTES", 0)
    monkeypatch.setattr(load, "_cores", lambda: 2)
    monkeypatch.setattr(load.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    columns_read = load._Workbook._columns_read

    def panics(self, name, options):  # type: ignore[no-untyped-def]
        if name == "orders":
            raise PanicException("index out of bounds: the len is 3 but the index is 7\nmore")
        return columns_read(self, name, options)

    monkeypatch.setattr(load._Workbook, "_columns_read", panics)
    code, out = _run(monkeypatch, capsys, path)
    assert (code, out) == (
        2,
        f"error: {path}: sheet 'orders' cannot be read (index out of bounds: the len is 3 "
        "but the index is 7)\n",
    )


def test_a_panic_opening_the_workbook_is_one_message_and_exit_2(
    frames, writers, tmp_path, monkeypatch, capsys
):
    path = writers["xlsx"](frames, tmp_path / "data.xlsx")
    import fastexcel

    def panics(source):  # type: ignore[no-untyped-def]
        raise PanicException("called `Option::unwrap()` on a `None` value")

    monkeypatch.setattr(fastexcel, "read_excel", panics)
    code, out = _run(monkeypatch, capsys, path)
    assert (code, out) == (
        2,
        f"error: {path} is not a readable .xlsx workbook (called `Option::unwrap()` on a "
        "`None` value)\n",
    )


def test_an_interrupt_while_reading_is_not_taken_for_a_panic(
    frames, writers, tmp_path, monkeypatch
):
    path = writers["xlsx"](frames, tmp_path / "data.xlsx")

    def interrupted(self, name, options):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(load._Workbook, "_columns_read", interrupted)
    with pytest.raises(KeyboardInterrupt):
        read_source(path, Settings())
