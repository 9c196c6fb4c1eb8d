"""The leads' and orders' checks in place run in a worker thread while the other sheets are
checked in pandas (deckgen.data.pushdown, issue 16): the same messages in the same order,
errors and Ctrl-C surfacing as when they ran one after the other."""

from __future__ import annotations

import signal
import threading
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from deckgen.config import Settings
from deckgen.data import pushdown, validate
from deckgen.data.lead_store import LeadStore
from deckgen.data.load import load_tables, read_source
from deckgen.data.pushdown import _beside, load_pushed_tables
from deckgen.data.schema import LOYALTY
from deckgen.errors import InputError, ValidationError
from deckgen.pipeline import load_source
from tests.test_cli import run_cli

TODAY = date(2026, 11, 15)
DUCKDB = Settings(engine="duckdb")  # the leads and the orders in place, whatever their number


def _folder(frames: dict[str, pd.DataFrame], folder: Path) -> Path:
    folder.mkdir()
    for name, frame in frames.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    return folder


def _checkers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("deckgen-checks")]


def test_both_answers_and_no_thread_left():
    ran = []
    assert _beside(lambda: ran.append("task") or 1, lambda: 2, lambda: ran.append("x")) == (1, 2)
    assert ran == ["task"] and not _checkers()


def test_the_workers_error_comes_first_as_when_it_ran_first():
    def task() -> None:
        time.sleep(0.2)  # fails after this thread did
        raise InputError("leads.parquet changed while deckgen was reading it")

    def here() -> None:
        raise RuntimeError("a bug in the checks")

    with pytest.raises(InputError, match=r"leads\.parquet changed"):
        _beside(task, here, lambda: None)
    assert not _checkers()


def test_this_threads_error_when_the_worker_succeeds():
    def here() -> None:
        raise RuntimeError("a bug in the checks")

    with pytest.raises(RuntimeError, match="a bug in the checks"):
        _beside(lambda: 1, here, lambda: None)
    assert not _checkers()


def test_ctrl_c_stops_the_workers_long_query_at_once(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Ctrl-C while pandas checks the other sheets: the leads' query running in the worker is
    interrupted (also between two statements), not waited for, and KeyboardInterrupt raised."""
    folder = _folder(frames, tmp_path / "interrupted")
    released = threading.Event()
    started = threading.Event()

    def unvouched(self: LeadStore, *args: object) -> None:
        started.set()
        while not released.is_set():  # a long scan, statement after statement
            self._db.execute("SELECT count(*) FROM range(20000000)").fetchall()

    def check_sheets(*args: object) -> None:
        assert started.wait(10)
        raise KeyboardInterrupt

    monkeypatch.setattr(LeadStore, "unvouched", unvouched)
    monkeypatch.setattr(validate, "check_sheets", check_sheets)
    release = threading.Timer(20, released.set)  # what the worker would run for unstopped
    release.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            load_source(folder, DUCKDB, today=TODAY)
        stopped = not released.is_set()
    finally:
        released.set()
        release.cancel()
    assert stopped and not _checkers()


def test_ctrl_c_in_the_checks_is_aborted_exit_130(
    frames: dict[str, pd.DataFrame],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    folder = _folder(frames, tmp_path / "cli")
    (folder / "deckgen.toml").write_text('engine = "duckdb"\n', encoding="utf-8")
    checked = validate.check_sheets

    def interrupted(*args: object) -> object:
        signal.raise_signal(signal.SIGINT)
        return checked(*args)

    monkeypatch.setattr(validate, "check_sheets", interrupted)
    deck = tmp_path / "deck.pptx"
    code, out, err = run_cli(["render", str(folder), "-o", str(deck)], capsys)
    assert (code, out, err) == (130, "", "\nAborted.\n")  # click's new line after the ^C
    assert not deck.exists() and not _checkers()


def test_an_order_file_removed_while_the_other_sheets_are_checked_is_an_input_error(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = _folder(frames, tmp_path / "removed")
    checked = validate.check_sheets

    def removing(*args: object) -> object:
        (folder / "orders.parquet").unlink()
        return checked(*args)

    monkeypatch.setattr(validate, "check_sheets", removing)
    with pytest.raises(InputError, match=r"orders\.parquet changed while deckgen was reading it"):
        load_source(folder, DUCKDB, today=TODAY)
    assert not _checkers()


def _broken(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Errors and warnings in sheets checked in pandas and in those checked in place."""
    frames["customers"].loc[3, "customer_id"] = frames["customers"].loc[2, "customer_id"]
    frames["customers"].loc[5, "region"] = "  North "  # trimmed: no message
    frames["loyalty"].loc[2, "customer_id"] = "NOBODY"  # a warning
    frames["feedback"].loc[1, "date"] = pd.Timestamp("1850-03-01")  # an error
    frames["leads"].loc[7, "status"] = "pending"  # an error
    frames["leads"].loc[9, "customer_id"] = "NOBODY"  # a warning
    frames["orders"].loc[4, "amount"] = -1e16  # an error
    frames["orders"].loc[6, "customer_id"] = "NOBODY"  # a warning
    return frames


def test_errors_of_every_sheet_read_word_for_word_in_the_same_order(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    folder = _folder(_broken(frames), tmp_path / "broken")
    with pytest.raises(ValidationError) as in_memory:
        load_tables(folder, DUCKDB, today=TODAY)
    with pytest.raises(ValidationError) as pushed:
        load_pushed_tables(folder, DUCKDB, today=TODAY)
    assert str(pushed.value) == str(in_memory.value)
    sheets = [p.sheet for p in pushed.value.problems]
    assert sheets == ["customers", "orders", "leads", "feedback"]


def test_warnings_of_every_sheet_and_a_stray_date_as_in_memory(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    """A stray lead date makes a second validation, which takes the other sheets' checks as
    they were."""
    frames["loyalty"].loc[2, "customer_id"] = "NOBODY"
    frames["surveys"].loc[0, "customer_id"] = "NOBODY"
    frames["leads"].loc[9, "customer_id"] = "NOBODY"
    leads = frames["leads"]
    leads["created_date"] = leads["created_date"].astype("datetime64[us]")
    leads.loc[11, "created_date"] = pd.Timestamp("2027-03-01")  # months beyond the others
    folder = _folder(frames, tmp_path / "warned")
    later = date(2027, 6, 1)  # the stray date is before it: only the reckoning finds it
    in_memory = load_tables(folder, DUCKDB, today=later).warnings
    pushed = load_pushed_tables(folder, DUCKDB, today=later).warnings
    assert pushed == in_memory
    said = [(p.sheet, p.row, p.rule) for p in pushed]
    assert ("leads", 13, "future_date") in said
    assert [s for s, _, rule in said if rule == "unknown_reference"] == [
        "leads",
        "surveys",
        "loyalty",
    ]


def _days_counted(monkeypatch: pytest.MonkeyPatch, fail_beside: bool = False) -> list[str]:
    """The thread of each LeadStore.days call; with fail_beside, the worker's fails."""
    threads: list[str] = []
    days = LeadStore.days

    def counted(self: LeadStore, judged):
        threads.append(threading.current_thread().name)
        if fail_beside and threading.current_thread() is not threading.main_thread():
            raise InputError("leads.parquet changed while deckgen was reading it")
        return days(self, judged)

    monkeypatch.setattr(LeadStore, "days", counted)
    return threads


def test_the_leads_days_are_counted_beside_once(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = _folder(frames, tmp_path / "days")
    expected = load_tables(folder, DUCKDB, today=TODAY)
    threads = _days_counted(monkeypatch)
    pushed = load_pushed_tables(folder, DUCKDB, today=TODAY)
    assert len(threads) == 1 and threads[0].startswith("deckgen-checks")
    assert pushed.warnings == expected.warnings
    pd.testing.assert_frame_equal(pushed.customers, expected.customers)


def test_the_leads_days_are_counted_again_when_rows_are_added_or_counting_beside_failed(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    leads = frames["leads"]
    leads["created_date"] = leads["created_date"].astype("datetime64[us]")
    leads.loc[11, "created_date"] = pd.Timestamp("2027-03-01")  # a stray: judged too, later
    folder = _folder(frames, tmp_path / "again")
    later = date(2027, 6, 1)
    expected = load_tables(folder, DUCKDB, today=later).warnings
    threads = _days_counted(monkeypatch)
    assert load_pushed_tables(folder, DUCKDB, today=later).warnings == expected
    assert threads[0].startswith("deckgen-checks") and threads[1:] == ["MainThread"]
    threads = _days_counted(monkeypatch, fail_beside=True)
    assert load_pushed_tables(folder, DUCKDB, today=later).warnings == expected
    assert threads[0].startswith("deckgen-checks") and threads[1:] == ["MainThread"] * 2


def test_sheets_checked_ahead_give_the_same_report(frames: dict[str, pd.DataFrame], tmp_path: Path):
    read = read_source(_folder(_broken(frames), tmp_path / "read"), Settings())
    names = [name for name in read.frames if name != "leads"]
    ahead = validate.check_sheets(read, Settings(), names)
    assert set(ahead.checked) == set(names)
    assert [(p.row, p.column) for p in ahead.errors["customers"]] == [(5, "customer_id")]
    assert not ahead.warnings["customers"]
    expected = validate.validate_read(read, Settings(), today=TODAY)
    found = validate.validate_read(read, Settings(), today=TODAY, ahead=ahead)
    assert (found.errors, found.warnings, found.sheets) == (
        expected.errors,
        expected.warnings,
        expected.sheets,
    )
    # The three NOBODY, and C00004's five rows elsewhere: its id was overwritten.
    assert len(found.errors) == 4 and len(found.warnings) == 8
    assert sum(p.value == "C00004" for p in found.warnings) == 5


@pytest.mark.parametrize("lookup_rows", [1, 10**9])
def test_ids_looked_up_sheet_by_sheet_or_at_once_are_found_alike(
    lookup_rows: int,
    frames: dict[str, pd.DataFrame],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    """check_sheets looks ids up while it checks the next sheets, a lookup per sheet (1) or
    one for all (10**9): the rows found are those of one lookup of every id column, an unknown
    or empty id -1, and each date column's distinct dates are counted as validate_read counts
    them."""
    monkeypatch.setattr(validate, "LOOKUP_ROWS", lookup_rows)
    read = read_source(_folder(_broken(frames), tmp_path / "read"), Settings())
    names = [name for name in read.frames if name != "leads"]
    ahead = validate.check_sheets(read, Settings(), names)
    tables = {name: c.table for name, c in ahead.checked.items() if c.table is not None}
    at_once = validate.reference_positions(tables)
    assert (
        set(ahead.references)
        == set(at_once)
        == {
            ("orders", "customer_id"),
            ("surveys", "customer_id"),
            ("loyalty", "customer_id"),
            ("feedback", "customer_id"),
        }
    )
    for pair, rows in at_once.items():
        assert ahead.references[pair].tolist() == rows.tolist()
    keys = tables["customers"]["customer_id"].tolist()
    ids = tables["orders"]["customer_id"].tolist()
    by_hand = [keys.index(i) if i in keys else -1 for i in ids]
    assert ahead.references["orders", "customer_id"].tolist() == by_hand
    assert -1 in by_hand  # the broken frames' unknown customers
    counted = validate.date_counts(tables)
    assert set(ahead.dates) == set(counted)
    for pair, (days, counts) in counted.items():
        assert ahead.dates[pair][0].tolist() == days.tolist()
        assert ahead.dates[pair][1].tolist() == counts.tolist()
        assert counts.sum() == tables[pair[0]][pair[1]].notna().sum()


@pytest.mark.parametrize("busy", [True, False])
def test_the_last_ids_are_looked_up_here_while_the_helper_is_busy(
    busy: bool, frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The orders' ids go to the helper (LOOKUP_ROWS reached); the other sheets' are looked up
    in this thread while the helper still works, else by the helper: the same rows."""
    monkeypatch.setattr(validate, "LOOKUP_ROWS", len(frames["orders"]))
    read = read_source(_folder(_broken(frames), tmp_path / "last"), Settings())
    names = [name for name in read.frames if name != "leads"]
    expected = validate.check_sheets(read, Settings(), names).references
    threads: list[str] = []
    release, looked = threading.Event(), threading.Event()
    lookup, check = validate.id_positions, validate._check_sheet

    def held(columns, known):
        threads.append(threading.current_thread().name)
        if threading.current_thread() is threading.main_thread():
            release.set()  # looked up here meanwhile: the helper may finish
        if busy and len(threads) == 1:
            release.wait(timeout=30)  # the helper still busy when the last ids are sent
        found = lookup(columns, known)
        looked.set()
        return found

    def after_the_lookup(*args: object):
        if threads:  # the orders' ids sent: the helper done before the next sheet
            looked.wait(timeout=30)
        return check(*args)

    monkeypatch.setattr(validate, "id_positions", held)
    if not busy:
        monkeypatch.setattr(validate, "_check_sheet", after_the_lookup)
    if busy:
        threading.Timer(3, release.set).start()  # let go even when this thread waits for it
    ahead = validate.check_sheets(read, Settings(), names)
    release.set()
    assert threads[0].startswith("deckgen-references")
    assert threads[1] == "MainThread" if busy else threads[1].startswith("deckgen-references")
    assert len(threads) == 2
    assert set(ahead.references) == set(expected)
    for pair, rows in expected.items():
        assert ahead.references[pair].tolist() == rows.tolist()


def test_an_error_of_the_last_ids_looked_up_here_comes_in_turn(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The last ids looked up in this thread while the helper is busy: the helper's earlier
    lookup's error is still the one raised, as when the helper looked up every id in turn
    (the last lookup's error was raised at once, before it)."""
    monkeypatch.setattr(validate, "LOOKUP_ROWS", len(frames["orders"]))
    read = read_source(_folder(_broken(frames), tmp_path / "failing"), Settings())
    names = [name for name in read.frames if name != "leads"]
    threads: list[str] = []
    release = threading.Event()

    def failing(columns, known):
        threads.append(threading.current_thread().name)
        if threading.current_thread() is threading.main_thread():
            release.set()  # the helper fails once this lookup has failed
            raise MemoryError("the last ids")
        release.wait(timeout=30)
        raise MemoryError("the first ids")

    monkeypatch.setattr(validate, "id_positions", failing)
    with pytest.raises(MemoryError, match="the first ids"):
        validate.check_sheets(read, Settings(), names)
    release.set()
    assert threads[0].startswith("deckgen-references") and threads[1] == "MainThread"


def test_ctrl_c_pressed_again_while_the_worker_is_stopped_still_stops_it():
    """A second Ctrl-C while the first one's interrupts are lost (the worker between two
    queries, in Arrow's work) does not leave the worker to run its queries to the end."""
    import duckdb

    db = duckdb.connect()
    released, started = threading.Event(), threading.Event()
    pressed: list[int] = []

    def task() -> None:
        started.set()
        time.sleep(0.3)  # Arrow's work: an interrupt now is lost
        while not released.is_set():  # then queries, statement after statement
            db.execute("SELECT count(*) FROM range(20000000)").fetchall()

    def here() -> None:
        assert started.wait(10)
        raise KeyboardInterrupt

    def interrupt() -> None:
        db.interrupt()
        if not pressed:  # Ctrl-C again, at once
            pressed.append(1)
            raise KeyboardInterrupt

    release = threading.Timer(20, released.set)  # what the worker would run for unstopped
    release.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            _beside(task, here, interrupt)
        stopped = not released.is_set()
    finally:
        released.set()
        release.cancel()
    assert pressed and stopped and not _checkers()


def _scanners() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("deckgen-scan")]


@pytest.mark.parametrize("failure", ["a corrupt sheet", "ctrl-c", "ctrl-c in the checks"])
def test_a_failed_read_stops_the_leads_scan_ahead(
    failure: str,
    frames: dict[str, pd.DataFrame],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    """The leads' text scan started before the other sheets are read stops within a batch when
    their read fails (at ten million leads the process waited seconds for it to end before
    exiting with the message), nor when Ctrl-C stops the checks beside the leads': no scan
    thread is left, most batches are never scanned."""
    from deckgen.data import vouch

    folder = _folder(frames, tmp_path / "failed")
    monkeypatch.setattr(vouch, "BATCH_ROWS", 4)  # the sample's leads in many batches
    batches = -(-len(frames["leads"]) // 4)
    started, scanned = threading.Event(), []
    judged = vouch.unvouched_text

    def slow(values: object, kind: str) -> object:
        started.set()
        scanned.append(kind)
        time.sleep(0.05)  # each batch a while: the whole scan some seconds
        return judged(values, kind)

    monkeypatch.setattr(vouch, "unvouched_text", slow)
    read = pushdown.read_folder_without

    def failing(*args: object) -> object:
        assert started.wait(10)
        if failure == "ctrl-c":
            raise KeyboardInterrupt
        (folder / "customers.parquet").write_bytes(b"PAR1 not a parquet file PAR1")
        return read(*args)

    def interrupted(*args: object) -> object:
        assert started.wait(10)
        time.sleep(0.2)  # unvouched, past its DuckDB query, now waits for the scan
        raise KeyboardInterrupt

    if failure == "ctrl-c in the checks":
        monkeypatch.setattr(validate, "check_sheets", interrupted)
    else:
        monkeypatch.setattr(pushdown, "read_folder_without", failing)
    error = InputError if failure == "a corrupt sheet" else KeyboardInterrupt
    with pytest.raises(error):
        load_pushed_tables(folder, DUCKDB, today=TODAY)
    assert not _scanners()
    assert 0 < len(scanned) < batches // 2  # a call per text column and batch: 3 per batch


def test_ctrl_c_in_check_sheets_drops_the_lookups_not_started(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A lookup per sheet (orders, feedback, surveys) queued behind a slow one; Ctrl-C while
    the next sheet is checked waits for the one running only, and leaves no helper thread."""
    monkeypatch.setattr(validate, "LOOKUP_ROWS", 1)
    read = read_source(_folder(frames, tmp_path / "read"), Settings())
    looked_up = []
    lookup, check = validate.id_positions, validate._check_sheet

    def slow(*args: object) -> object:
        looked_up.append(args)
        time.sleep(0.5)
        return lookup(*args)

    def interrupted(sheet: object, *args: object) -> object:
        if sheet is LOYALTY:
            raise KeyboardInterrupt
        return check(sheet, *args)

    monkeypatch.setattr(validate, "id_positions", slow)
    monkeypatch.setattr(validate, "_check_sheet", interrupted)
    names = [name for name in read.frames if name != "leads"]
    with pytest.raises(KeyboardInterrupt):
        validate.check_sheets(read, Settings(), names)
    assert len(looked_up) == 1
    assert not [t for t in threading.enumerate() if t.name.startswith("deckgen-references")]


def test_the_last_ids_wait_for_the_helper_when_their_keys_are_many(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Past LOOKUP_ROWS keys the last ids are queued behind the busy helper, never looked up
    here beside it (two key sets at once would raise the peak of the biggest clients)."""
    monkeypatch.setattr(validate, "LOOKUP_ROWS", len(frames["customers"]) - 1)
    read = read_source(_folder(_broken(frames), tmp_path / "many"), Settings())
    # The orders sent to the helper; the feedback's and surveys' ids (fewer) left for the end.
    names = [name for name in read.frames if name not in ("leads", "loyalty")]
    expected = validate.check_sheets(read, Settings(), names).references
    threads: list[str] = []
    release = threading.Event()
    lookup = validate.id_positions

    def held(columns, known):
        threads.append(threading.current_thread().name)
        if len(threads) == 1:
            release.wait(timeout=3)  # the helper busy while the other sheets are checked
        return lookup(columns, known)

    monkeypatch.setattr(validate, "id_positions", held)
    ahead = validate.check_sheets(read, Settings(), names)
    release.set()
    assert len(threads) >= 2
    assert all(name.startswith("deckgen-references") for name in threads)
    assert set(ahead.references) == set(expected)
    for pair, rows in expected.items():
        assert ahead.references[pair].tolist() == rows.tolist()


def test_the_leads_days_wait_their_turn_when_the_orders_are_in_place_too(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """With the orders checked in place too (the biggest clients), the leads' days are counted
    after the other sheets' checks, in this thread, as before (DuckDB's count beside them would
    add to the peak); the warnings are the same."""
    folder = _folder(frames, tmp_path / "both")
    expected = load_tables(folder, DUCKDB, today=TODAY)
    threads = _days_counted(monkeypatch)
    plan = pushdown.pushdown_plan(folder, DUCKDB)  # the leads and the orders in place
    assert plan is not None and plan.orders
    pushed = load_pushed_tables(folder, DUCKDB, today=TODAY, plan=plan)
    assert threads == ["MainThread"]
    assert pushed.warnings == expected.warnings
