"""The leads of a .parquet folder left in their file (deckgen.data.pushdown, issue 17): the
deck and every figure equal those of the in-memory path, on the sample and hostile folders."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from deckgen.config import Settings
from deckgen.data.lead_store import lead_store_of
from deckgen.data.load import load_tables
from deckgen.data.pushdown import load_pushed_tables, pushdown_leads_file
from deckgen.data.sample import generate_sample
from deckgen.errors import InputError, ValidationError
from deckgen.metrics.common import day_number
from deckgen.metrics.lifecycle import compute_metrics
from deckgen.pipeline import leads_ahead, load_source, render_deck_bytes, resolve_period
from tests.data.test_load import _not_utf8, write_name_not_utf8
from tests.test_cli import run_cli

TODAY = date(2026, 11, 15)
SECTIONS = (
    "customers",
    "orders",
    "segmentation",
    "prospects",
    "funnel",
    "channels",
    "loyalty",
    "clv",
    "feedback",
    "satisfaction",
    "findings",
    "diagnostics",
)


def _folder(frames: dict[str, pd.DataFrame], folder: Path) -> Path:
    folder.mkdir()
    for name, frame in frames.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    return folder


def _deck(folder: Path, engine: str) -> str:
    data, _ = render_deck_bytes(
        folder, folder.parent / "deck.pptx", settings=Settings(engine=engine), today=TODAY
    )
    return hashlib.sha256(data).hexdigest()


def _assert_same(folder: Path) -> None:
    """Every section's figures and the deck's bytes are the same from both paths."""
    settings = Settings()
    in_memory = load_tables(folder, settings, today=TODAY)
    pushed = load_pushed_tables(folder, settings, today=TODAY)
    assert pushed.leads is None and lead_store_of(pushed) is not None
    period = resolve_period(None, in_memory, settings, TODAY)
    expected = compute_metrics(in_memory, period, settings.metrics)
    found = compute_metrics(pushed, period, settings.metrics)
    with leads_ahead(pushed, period):  # the leads' queries run in a worker thread
        ahead = compute_metrics(pushed, period, settings.metrics)
    assert not _workers()
    for section in SECTIONS:
        assert getattr(found, section) == getattr(expected, section), section
        assert getattr(ahead, section) == getattr(expected, section), section
    assert pushed.warnings == in_memory.warnings
    assert _deck(folder, "duckdb") == _deck(folder, "memory")


def _workers() -> list[threading.Thread]:
    """The LeadStore worker threads still running."""
    return [t for t in threading.enumerate() if t.name.startswith("deckgen-leads")]


def test_the_sample_is_the_same_with_its_leads_in_their_file(tmp_path: Path):
    _assert_same(_folder(generate_sample(), tmp_path / "sample"))


@pytest.fixture
def frames(small_frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: frame.copy() for name, frame in small_frames.items()}


def test_one_lead(frames: dict[str, pd.DataFrame], tmp_path: Path):
    frames["leads"] = frames["leads"].iloc[:1]
    _assert_same(_folder(frames, tmp_path / "one"))


def test_no_closed_lead(frames: dict[str, pd.DataFrame], tmp_path: Path):
    leads = frames["leads"]
    leads["status"] = "open"
    leads["converted_date"] = pd.NaT
    leads["customer_id"] = None
    _assert_same(_folder(frames, tmp_path / "open"))


def test_blank_values_and_a_conversion_after_the_period(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    leads = frames["leads"]
    converted = leads.index[leads["status"] == "converted"]
    # Converted after October: open at its end, scored with the open leads.
    leads.loc[converted[:5], "converted_date"] = pd.Timestamp("2026-11-10")
    for column in ("region", "country", "income_band", "interest"):
        leads.loc[leads.index[::7], column] = None
    leads.loc[leads.index[::5], "age"] = None
    leads.loc[leads.index[::3], "name"] = None
    _assert_same(_folder(frames, tmp_path / "blanks"))


def test_equal_scores_are_ranked_by_lead_id(frames: dict[str, pd.DataFrame], tmp_path: Path):
    leads = frames["leads"]
    for column in ("region", "country", "income_band", "interest"):
        leads[column] = leads[column].iloc[0]
    leads["age"] = 40
    leads["channel"] = "email"
    # Ids out of row order, so that ties are broken by id, not by row.
    leads["lead_id"] = [f"L{(7919 * k) % len(leads):06d}" for k in range(len(leads))]
    _assert_same(_folder(frames, tmp_path / "ties"))


def test_a_big_leads_file_is_read_in_place_and_a_small_one_in_memory(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = _folder(frames, tmp_path / "parquet")
    assert pushdown_leads_file(folder, Settings()) is None
    assert pushdown_leads_file(folder, Settings(engine="duckdb")) == folder / "leads.parquet"
    (tmp_path / "csv").mkdir()
    for name, frame in frames.items():
        frame.to_csv(tmp_path / "csv" / f"{name}.csv", index=False)
    assert pushdown_leads_file(tmp_path / "csv", Settings(engine="duckdb")) is None
    monkeypatch.setattr("deckgen.data.pushdown.PUSHDOWN_LEADS", 10)
    assert pushdown_leads_file(folder, Settings()) == folder / "leads.parquet"
    assert pushdown_leads_file(folder, Settings(engine="memory")) is None
    tables = load_source(folder, Settings(), today=TODAY)
    assert tables.leads is None and lead_store_of(tables) is not None


def _same_errors(folder: Path) -> str:
    """The message of both paths for an invalid folder (asserted equal)."""
    with pytest.raises(ValidationError) as in_memory:
        load_tables(folder, Settings(), today=TODAY)
    with pytest.raises(ValidationError) as pushed:
        load_pushed_tables(folder, Settings(), today=TODAY)
    assert str(pushed.value) == str(in_memory.value)
    return str(pushed.value)


def test_a_bad_date_at_a_far_row_is_named_as_in_memory(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    leads = frames["leads"]
    last = len(leads) - 1
    leads["created_date"] = leads["created_date"].astype("datetime64[us]")
    leads.loc[last, "created_date"] = pd.Timestamp("1850-03-01")
    leads.loc[last - 1, "created_date"] = pd.NaT
    message = _same_errors(_folder(frames, tmp_path / "dates"))
    assert f"row {last + 2}" in message and "1850-03-01" in message
    assert f"row {last + 1}" in message


def test_a_duplicate_id_and_an_unknown_status_are_named_as_in_memory(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    leads = frames["leads"]
    leads.loc[20, "lead_id"] = leads.loc[21, "lead_id"]
    leads.loc[30, "status"] = "pending"
    message = _same_errors(_folder(frames, tmp_path / "ids"))
    assert "row 23, column 'lead_id'" in message
    assert "row 32, column 'status': got 'pending'" in message


def test_values_the_validator_rewrites_or_warns_about(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    leads = frames["leads"]
    leads.loc[leads.index[::4], "channel"] = "E-mail"  # an alias of email
    leads.loc[leads.index[1::4], "status"] = " Converted "
    leads.loc[leads.index[2::9], "region"] = "  North  "
    leads.loc[leads.index[3::11], "lead_id"] = leads["lead_id"] + " "
    leads.loc[10, "lead_id"] = "L\x07042"  # a character a deck cannot hold
    leads.loc[12, "name"] = "Ana\x00 Weber"
    converted = leads.index[leads["customer_id"].notna()]
    leads.loc[converted[:3], "customer_id"] = "NOBODY"  # an unknown customer: a warning
    folder = _folder(frames, tmp_path / "rewritten")
    _assert_same(folder)
    warnings = load_pushed_tables(folder, Settings(), today=TODAY).warnings
    assert sum(p.value == "NOBODY" for p in warnings) == 3


def render_refused(folder: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """What `deckgen render` says of the invalid `folder`, the same in memory and with DuckDB
    (exit code 2 both ways, no traceback, no deck)."""
    said = {}
    deck = folder.parent / "deck.pptx"
    for engine in ("memory", "duckdb"):
        (folder / "deckgen.toml").write_text(f'engine = "{engine}"\n', encoding="utf-8")
        code, _, said[engine] = run_cli(["render", str(folder), "-o", str(deck)], capsys)
        assert code == 2
    assert said["duckdb"] == said["memory"]
    assert "Traceback" not in said["duckdb"]
    assert not deck.exists()
    return said["duckdb"]


def test_the_command_line_exits_2_with_the_same_message(
    frames: dict[str, pd.DataFrame], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    frames["leads"].loc[len(frames["leads"]) - 1, "channel"] = None
    said = render_refused(_folder(frames, tmp_path / "cli"), capsys)
    assert f"row {len(frames['leads']) + 1}, column 'channel'" in said


def test_a_name_column_of_empty_cells_only_as_in_memory(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    """Written as Parquet's null type, the names were counted for a dictionary read and failed
    with a traceback (Arrow counts no distinct null-typed values)."""
    frames["leads"]["name"] = None
    folder = _folder(frames, tmp_path / "no-names")
    assert pq.read_schema(folder / "leads.parquet").field("name").type == pa.null()
    _assert_same(folder)


def test_a_leads_file_typed_otherwise_is_read_in_memory(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    frames["leads"]["created_date"] = frames["leads"]["created_date"].dt.strftime("%d/%m/%Y")
    folder = _folder(frames, tmp_path / "text-dates")
    assert pushdown_leads_file(folder, Settings(engine="duckdb")) is None
    frames["leads"]["created_date"] = pd.Timestamp("2026-01-01")
    frames["leads"]["age"] = frames["leads"]["age"].astype("string")
    folder = _folder(frames, tmp_path / "text-ages")
    assert pushdown_leads_file(folder, Settings(engine="duckdb")) is None
    frames["leads"]["age"] = 40
    assert pushdown_leads_file(_folder(frames, tmp_path / "typed"), Settings(engine="duckdb"))
    del frames["leads"]["status"]
    folder = _folder(frames, tmp_path / "no-status")
    assert pushdown_leads_file(folder, Settings(engine="duckdb")) is None


def test_a_leads_file_without_rows_skips_the_lead_slides_as_in_memory(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    frames["leads"] = frames["leads"].iloc[:0]
    folder = _folder(frames, tmp_path / "no-rows")
    pushed = load_source(folder, Settings(engine="duckdb"), today=TODAY)
    assert lead_store_of(pushed) is None and pushed.leads is None
    assert [p.rule for p in pushed.warnings] == ["empty_sheet"]
    assert _deck(folder, "duckdb") == _deck(folder, "memory")


def test_blank_rows_are_not_leads_as_in_memory(frames: dict[str, pd.DataFrame], tmp_path: Path):
    leads = frames["leads"]
    blank = pd.DataFrame([[None] * leads.shape[1]] * 2, columns=leads.columns)
    frames["leads"] = pd.concat([leads.iloc[:5], blank, leads.iloc[5:]], ignore_index=True)
    _assert_same(_folder(frames, tmp_path / "some-blank"))
    frames["leads"] = pd.concat([leads.iloc[:0], blank], ignore_index=True)
    folder = _folder(frames, tmp_path / "all-blank")
    pushed = load_source(folder, Settings(engine="duckdb"), today=TODAY)
    assert lead_store_of(pushed) is None
    assert pushed.warnings == load_tables(folder, Settings(), today=TODAY).warnings
    assert [p.rule for p in pushed.warnings] == ["empty_sheet"]
    assert _deck(folder, "duckdb") == _deck(folder, "memory")


def test_a_client_column_named_as_duckdbs_row_number_is_read_in_memory(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    frames["leads"]["file_row_number"] = 7
    folder = _folder(frames, tmp_path / "row-number")
    assert pushdown_leads_file(folder, Settings(engine="duckdb")) is None
    assert _deck(folder, "duckdb") == _deck(folder, "memory")


@pytest.mark.parametrize(
    ("sheet", "twice"),
    [("leads", "name"), ("leads", "customer_id"), ("orders", "customer_id"), ("orders", "amount")],
)
def test_a_column_named_twice_is_refused_as_in_memory(
    sheet: str,
    twice: str,
    frames: dict[str, pd.DataFrame],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
):
    """Two columns of one name (DuckDB's names ignore case) are left to the ordinary reader,
    which names them: in place, the text scan raised KeyError (a traceback)."""
    folder = _folder(frames, tmp_path / "twice")
    table = pa.Table.from_pandas(frames[sheet], preserve_index=False)
    table = table.append_column(twice, table.column("customer_id"))
    pq.write_table(table, folder / f"{sheet}.parquet")
    if sheet == "leads":
        assert pushdown_leads_file(folder, Settings(engine="duckdb")) is None
    said = render_refused(folder, capsys)
    assert f"{sheet}.parquet" in said


@pytest.mark.parametrize(("sheet", "column"), [("leads", "name"), ("orders", "customer_id")])
def test_text_that_is_not_utf8_is_named_as_in_memory(
    sheet: str,
    column: str,
    frames: dict[str, pd.DataFrame],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
):
    """DuckDB refuses such text mid-check (a traceback): the folder is read in memory, where
    the reader names the cell."""
    folder = _folder(frames, tmp_path / "not-utf8")
    table = pa.Table.from_pandas(frames[sheet], preserve_index=False)
    cells = [None if v is None else v.encode() for v in table.column(column).to_pylist()]
    cells[7] = b"X\xff"
    at = table.schema.get_field_index(column)
    pq.write_table(table.set_column(at, column, _not_utf8(cells)), folder / f"{sheet}.parquet")
    said = render_refused(folder, capsys)
    assert f"{sheet}.parquet, row 9, column '{column}': b'X\\xff' is not UTF-8 text" in said


@pytest.mark.parametrize("sheet", ["leads", "orders"])
def test_a_column_name_not_utf8_is_refused_as_in_memory(
    sheet: str, frames: dict[str, pd.DataFrame], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """A column name that is not UTF-8 leaves the file to the ordinary reader, which names it
    (exit 2 both ways): in place, opening the file raised UnicodeDecodeError (a traceback)."""
    folder = _folder(frames, tmp_path / "name")
    table = pa.Table.from_pandas(frames[sheet], preserve_index=False)
    write_name_not_utf8(table, folder / f"{sheet}.parquet")
    said = render_refused(folder, capsys)
    assert f"{sheet}.parquet, row 1: column name b'note\\xff\\xfe' is not UTF-8 text" in said


@pytest.mark.parametrize(
    "written",
    [" L00004", "L00004\u00a0", "L00004\x07", "4.0"],
    ids=["space", "nbsp", "control", "point-0"],
)
def test_an_id_equal_to_another_once_rewritten_is_a_duplicate_as_in_memory(
    written: str, frames: dict[str, pd.DataFrame], tmp_path: Path
):
    leads = frames["leads"]
    last = len(leads) - 1
    leads.loc[3, "lead_id"] = written.strip("\x07\u00a0 ").removesuffix(".0")  # sheet row 5
    leads.loc[last, "lead_id"] = written
    message = _same_errors(_folder(frames, tmp_path / "dup"))
    assert f"row {last + 2}, column 'lead_id'" in message and "(row 5 has it too)" in message


@pytest.mark.parametrize("change", ["rewritten", "removed"])
def test_a_leads_file_changed_after_validation_is_an_input_error(
    change: str, frames: dict[str, pd.DataFrame], tmp_path: Path
):
    folder = _folder(frames, tmp_path / "changed")
    settings = Settings(engine="duckdb")
    tables = load_source(folder, settings, today=TODAY)
    period = resolve_period(None, tables, settings, TODAY)
    if change == "removed":
        (folder / "leads.parquet").unlink()
    else:  # unvalidated rows must not reach the metrics
        frames["leads"].assign(status="pending").to_parquet(folder / "leads.parquet", index=False)
    with pytest.raises(InputError, match=r"leads\.parquet changed while deckgen was reading it"):
        compute_metrics(tables, period, settings.metrics)
    # The same from the worker thread that queries ahead, which is stopped on the way out.
    changed = r"leads\.parquet changed while deckgen was reading it"
    with pytest.raises(InputError, match=changed), leads_ahead(tables, period):
        compute_metrics(tables, period, settings.metrics)
    assert not _workers()


@pytest.mark.parametrize("ahead", [False, True])
def test_a_leads_file_removed_while_a_query_reads_it_is_an_input_error(
    ahead: bool, frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Removed after a query checked it, before DuckDB read it: DuckDB's IOException was a
    traceback (exit 1); it is said as the file changed (exit 2)."""
    folder = _folder(frames, tmp_path / "removed")
    settings = Settings(engine="duckdb")
    tables = load_source(folder, settings, today=TODAY)
    period = resolve_period(None, tables, settings, TODAY)
    store = lead_store_of(tables)
    checks = []
    unchanged = type(store)._unchanged

    def removed_after_the_first_check(self) -> None:
        checks.append(1)
        if len(checks) == 1:  # the query's own check passes, then the file goes
            (folder / "leads.parquet").unlink()
            return
        unchanged(self)

    monkeypatch.setattr(type(store), "_unchanged", removed_after_the_first_check)
    changed = r"leads\.parquet changed while deckgen was reading it"
    context = leads_ahead(tables, period) if ahead else contextlib.nullcontext()
    with pytest.raises(InputError, match=changed), context:
        compute_metrics(tables, period, settings.metrics)
    assert not _workers()


@pytest.mark.parametrize("sheet", ["leads", "orders"])
@pytest.mark.parametrize("when", ["before", "after"])
def test_a_file_removed_while_it_is_validated_in_place_is_an_input_error(
    sheet: str,
    when: str,
    frames: dict[str, pd.DataFrame],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    """Removed while the validation's queries read it, before Arrow's text scan (its
    FileNotFoundError) or after it (DuckDB's IOException): both were a traceback (exit 1);
    it is said as the file changed (exit 2)."""
    import deckgen.data.lead_store as lead_store
    import deckgen.data.order_store as order_store

    folder = _folder(frames, tmp_path / "removed")
    store = lead_store if sheet == "leads" else order_store
    scan = store.text_scan

    def removed(*args: object) -> object:
        if when == "before":
            (folder / f"{sheet}.parquet").unlink()
        found = scan(*args)
        if when == "after":
            (folder / f"{sheet}.parquet").unlink()
        return found

    monkeypatch.setattr(store, "text_scan", removed)
    with pytest.raises(InputError, match=rf"{sheet}\.parquet changed while deckgen was reading it"):
        load_source(folder, Settings(engine="duckdb"), today=TODAY)


def test_an_error_in_the_metrics_stops_the_leads_worker(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import deckgen.metrics.lifecycle as lifecycle

    folder = _folder(frames, tmp_path / "failing")
    settings = Settings(engine="duckdb")
    tables = load_source(folder, settings, today=TODAY)
    period = resolve_period(None, tables, settings, TODAY)

    def failing(*args: object, **kwargs: object) -> None:
        raise RuntimeError("segments failed")

    monkeypatch.setattr(lifecycle, "compute_segments", failing)
    with pytest.raises(RuntimeError, match="segments failed"), leads_ahead(tables, period):
        assert _workers()  # queries ahead while the metrics run
        compute_metrics(tables, period, settings.metrics)
    assert not _workers()
    store = lead_store_of(tables)
    assert store is not None  # the store still answers, on this thread, after the worker
    end = day_number(period.end)
    assert store.statuses(end) == _statuses_one_by_one(store, end)


def test_leads_queried_ahead_and_let_go_at_once_leave_the_store_working(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    from deckgen.data.lead_store import LeadStore

    store = LeadStore(_folder(frames, tmp_path / "let-go") / "leads.parquet")
    days = (frames["leads"]["created_date"] - pd.Timestamp("1970-01-01")).dt.days
    end = int(days.max())
    for _ in range(3):  # queries dropped, interrupted or done, as the worker gets to them
        store.prefetch(end, channels=True)
        store.settle()
        assert not _workers() and not store._ahead
        assert store.statuses(end) == _statuses_one_by_one(store, end)


def test_a_ctrl_c_while_settling_is_raised_and_the_worker_still_stopped(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # settle runs on a render's success path too: a Ctrl-C pressed while it stops the queries
    # nobody asked for is raised (the render stops), the worker stopped and DuckDB's threads
    # given back all the same.
    import deckgen.data.lead_store as lead_store_module
    from deckgen.data.lead_store import LeadStore

    store = LeadStore(_folder(frames, tmp_path / "settling") / "leads.parquet")
    stopping = lead_store_module.interrupted_until_done

    def pressed(futures, interrupt) -> None:
        stopping(futures, interrupt)
        raise KeyboardInterrupt

    monkeypatch.setattr(lead_store_module, "interrupted_until_done", pressed)
    store.prefetch(day_number(date(2026, 10, 31)), channels=True)
    with pytest.raises(KeyboardInterrupt):
        store.settle()
    assert not _workers()
    assert store._db.execute("SELECT current_setting('threads')").fetchall() == [(2,)]


class _Interrupted(Exception):
    """What a signal raises in the metrics' thread here, as Ctrl-C does."""


def test_an_answer_waited_for_when_interrupted_is_stopped_at_once(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # Ctrl-C while the metrics wait for a query running ahead (its answer already asked for):
    # the query is interrupted, also between two statements, not waited for (seconds at ten
    # million orders).
    from deckgen.data.lead_store import LeadStore

    store = LeadStore(_folder(frames, tmp_path / "waited") / "leads.parquet")
    end = day_number(date(2026, 10, 31))
    released = threading.Event()

    def first_converted(self: LeadStore, end: int) -> pd.DataFrame:
        while not released.is_set():  # a long scan, statement after statement
            self._db.execute("SELECT count(*) FROM range(20000000)").fetchall()
        return pd.DataFrame()

    def interrupt(signum: int, frame: object) -> None:
        raise _Interrupted

    monkeypatch.setattr(LeadStore.first_converted, "__wrapped__", first_converted)
    previous = signal.signal(signal.SIGUSR1, interrupt)
    release = threading.Timer(20, released.set)  # what settle would wait for without its interrupt
    release.start()
    main = threading.main_thread().ident
    threading.Timer(0.3, signal.pthread_kill, (main, signal.SIGUSR1)).start()
    try:
        store.prefetch(end, channels=True)
        try:
            with pytest.raises(_Interrupted):
                store.first_converted(end)
        finally:
            store.settle()
        stopped = not released.is_set()
    finally:
        released.set()
        release.cancel()
        signal.signal(signal.SIGUSR1, previous)
    assert stopped
    assert not _workers()
    assert store.statuses(end) == _statuses_one_by_one(store, end)


def _statuses_one_by_one(store, end: int) -> tuple[int, int, int]:
    """statuses(end) counted in pandas from the file."""
    leads = pd.read_parquet(store.file)
    end = pd.Timestamp("1970-01-01") + pd.Timedelta(days=end)
    kept = leads[leads["created_date"] <= end]
    later = kept["converted_date"] > end
    converted = int(((kept["status"] == "converted") & ~later).sum())
    lost = int((kept["status"] == "lost").sum())
    opened = int(((kept["status"] == "open") | ((kept["status"] == "converted") & later)).sum())
    return converted, converted + lost, opened


def test_answers_queried_ahead_equal_those_asked_for(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    from deckgen.data.lead_store import LeadStore

    file = _folder(frames, tmp_path / "ahead") / "leads.parquet"
    days = (frames["leads"]["created_date"] - pd.Timestamp("1970-01-01")).dt.days
    end = int(days.median())
    asked, ahead = LeadStore(file), LeadStore(file)
    ahead.prefetch(end, channels=True)
    try:
        pd.testing.assert_frame_equal(
            ahead.first_converted(end).sort_values("customer_id", ignore_index=True),
            asked.first_converted(end).sort_values("customer_id", ignore_index=True),
        )
        assert ahead.statuses(end) == asked.statuses(end)
        combos, expected = ahead.open_combos(end), asked.open_combos(end)
        pd.testing.assert_frame_equal(combos.values, expected.values)
        assert (combos.combo == expected.combo).all() and (combos.rows == expected.rows).all()
        for attribute in ahead.present:
            pd.testing.assert_frame_equal(
                ahead.closed_counts(end, attribute), asked.closed_counts(end, attribute)
            )
        for got, want in zip(ahead.created(end), asked.created(end), strict=True):
            assert (got == want).all()
        pd.testing.assert_frame_equal(ahead.channel_days(end), asked.channel_days(end))
        rows = expected.rows[:5]  # not queried ahead: queued behind those that were
        pd.testing.assert_frame_equal(ahead.rows(rows), asked.rows(rows))
        assert not ahead._ahead  # every answer given once, then let go
        assert ahead.statuses(end) == asked.statuses(end)  # asked again: queried again
    finally:
        ahead.settle()
    assert not _workers()
    threads = "SELECT current_setting('threads')"  # one beside the metrics, then as before
    assert ahead._db.execute(threads).fetchall() == asked._db.execute(threads).fetchall() == [(2,)]


def _first_days(frames: dict[str, pd.DataFrame]) -> tuple[pd.Index, np.ndarray]:
    """Each ordering customer's id (as Arrow text) and first order's day number."""
    orders = frames["orders"]
    days = (orders["order_date"] - pd.Timestamp("1970-01-01")).dt.days
    first = days.groupby(orders["customer_id"].astype(str)).min()
    return pd.Index(first.index, dtype="string[pyarrow]"), first.to_numpy(np.int64)


def test_conversion_days_asked_ahead_equal_those_asked_for(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    from deckgen.data.lead_store import LeadStore

    file = _folder(frames, tmp_path / "conversions") / "leads.parquet"
    ids, first_day = _first_days(frames)
    end = day_number(date(2026, 10, 31))
    start = day_number(date(2026, 9, 1))
    asked, ahead = LeadStore(file), LeadStore(file)
    expected = asked.conversion_days(end, start, ids, first_day)
    assert len(expected[0]) > 0  # the sample converts leads in those months
    ahead.prefetch(end, channels=False)
    try:
        ahead.ask_ahead(LeadStore.conversion_days, end, start, ids, first_day)
        assert (
            "conversion_days",
            end,
            start,
            ("id", id(ids)),
            ("id", id(first_day)),
        ) in ahead._ahead
        # Equal arrays that are not the very ones asked ahead with: queried again, same answer.
        again = ahead.conversion_days(end, start, ids.copy(), first_day.copy())
        found = ahead.conversion_days(end, start, ids, first_day)
        assert not any(key[0] == "conversion_days" for key in ahead._ahead)  # taken, let go
    finally:
        ahead.settle()
    for answer in (found, again):
        for got, want in zip(answer, expected, strict=True):
            assert (np.sort(got) == np.sort(want)).all()
    assert not _workers()


def test_conversion_days_read_any_ids_as_their_text(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    # Ids held as Python objects give the answer those held in Arrow give.
    from deckgen.data.lead_store import LeadStore

    store = LeadStore(_folder(frames, tmp_path / "as-text") / "leads.parquet")
    ids, first_day = _first_days(frames)
    end, start = day_number(date(2026, 10, 31)), day_number(date(2026, 9, 1))
    expected = store.conversion_days(end, start, ids, first_day)
    found = store.conversion_days(end, start, pd.Index(ids.astype(object)), first_day)
    for got, want in zip(found, expected, strict=True):
        assert (got == want).all()


def test_the_funnel_takes_the_conversion_days_queried_ahead(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # A client in the concurrent range: the lead-to-customer days are queried once, as soon
    # as the first days are known, and the funnel takes that answer (the same figures).
    import deckgen.metrics.lifecycle as lifecycle_module
    from deckgen.data.lead_store import LeadStore

    settings = Settings()
    pushed = load_pushed_tables(_folder(frames, tmp_path / "days"), settings, today=TODAY)
    period = resolve_period(None, pushed, settings, TODAY)
    expected = compute_metrics(pushed, period, settings.metrics)
    sent: list[str] = []
    send = LeadStore._send

    def spy(self: LeadStore, method, *args: object):
        sent.append(method.__name__)
        return send(self, method, *args)

    monkeypatch.setattr(LeadStore, "_send", spy)
    monkeypatch.setattr(lifecycle_module, "CONCURRENT_ORDERS", range(0, 10**12))
    with leads_ahead(pushed, period):
        found = compute_metrics(pushed, period, settings.metrics)
    assert sent.count("conversion_days") == 1
    assert sent.index("conversion_days") > sent.index("channel_days")  # behind the prefetch
    for section in SECTIONS:
        assert getattr(found, section) == getattr(expected, section), section
    assert found.funnel.lead_to_customer_days is not None
    assert not _workers()


def test_asked_ahead_without_a_worker_is_asked_when_wanted(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    from deckgen.data.lead_store import LeadStore

    store = LeadStore(_folder(frames, tmp_path / "no-worker") / "leads.parquet")
    end = day_number(date(2026, 10, 31))
    store.ask_ahead(LeadStore.statuses, end)
    assert not store._ahead and not _workers()
    assert store.statuses(end) == _statuses_one_by_one(store, end)


@pytest.mark.parametrize("channels", [True, False])
def test_the_leads_are_asked_ahead_for_channels_only_when_the_metrics_will_ask(
    channels: bool, frames: dict[str, pd.DataFrame], tmp_path: Path
):
    # The sample's customers sheet names every channel: a scan of the leads for the first
    # converted lead of each customer would only delay the answers the prospects wait for.
    from deckgen.data.lead_store import LeadStore

    store = LeadStore(_folder(frames, tmp_path / f"channels-{channels}") / "leads.parquet")
    end = day_number(date(2026, 10, 31))
    store.prefetch(end, channels=channels)
    try:
        queued = {key[0] for key in store._ahead}
        assert ("first_converted" in queued) is channels
        assert {"statuses", "open_combos", "created", "channel_days"} <= queued
    finally:
        store.settle()


def test_a_render_of_the_sample_folder_asks_the_leads_for_no_channel(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from deckgen.data.lead_store import LeadStore

    asked: list[bool] = []
    prefetch = LeadStore.prefetch

    def spy(self: LeadStore, end: int, *, channels: bool) -> None:
        asked.append(channels)
        prefetch(self, end, channels=channels)

    monkeypatch.setattr(LeadStore, "prefetch", spy)
    assert frames["customers"]["acquisition_channel"].notna().all()
    named = _folder(frames, tmp_path / "named")
    assert _deck(named, "duckdb") == _deck(named, "memory")  # the same deck without the query
    frames["customers"].loc[0, "acquisition_channel"] = None
    unnamed = _folder(frames, tmp_path / "one-unnamed")
    assert _deck(unnamed, "duckdb") == _deck(unnamed, "memory")
    assert asked == [False, True]


@pytest.mark.parametrize("name", ["client?", "client*", "client[12]"])
def test_a_folder_named_with_glob_characters_is_read_in_memory(
    name: str, frames: dict[str, pd.DataFrame], tmp_path: Path
):
    # read_parquet would read the sibling's leads too (every lead_id a duplicate).
    _folder(frames, tmp_path / "client1")
    folder = _folder(frames, tmp_path / name)
    assert pushdown_leads_file(folder, Settings(engine="duckdb")) is None
    tables = load_source(folder, Settings(engine="duckdb"), today=TODAY)
    assert tables.leads is not None and len(tables.leads) == len(frames["leads"])


def test_an_id_written_as_missing_and_a_blank_customer_row_as_in_memory(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    # "NA" reads as a blank id (an error); a blank customers row must not make every lead's
    # customer known (SQL's `x NOT IN (..., NULL)` is never true).
    customers = frames["customers"]
    frames["customers"] = customers.reindex(range(len(customers) + 1))  # a blank last row
    leads = frames["leads"]
    converted = leads.index[leads["customer_id"].notna()]
    leads.loc[converted[:2], "customer_id"] = "NOBODY"
    folder = _folder(frames, tmp_path / "unknown")
    _assert_same(folder)
    warnings = load_pushed_tables(folder, Settings(), today=TODAY).warnings
    assert sum(p.value == "NOBODY" for p in warnings) == 2
    leads.loc[7, "lead_id"] = "NA"
    message = _same_errors(_folder(frames, tmp_path / "na"))
    assert "row 9, column 'lead_id'" in message


def _closed_counts_one_by_one(store, end: int, attribute: str) -> pd.DataFrame:
    """closed_counts as one query per attribute (before they were counted in one scan)."""
    later = f"coalesce(cday > {end}, false)"
    return store._db.execute(
        f"""SELECT a_{attribute} AS value, min(row_) AS first,
        count(*) FILTER ((status = 'converted' AND NOT {later}) OR status = 'lost') AS closed,
        count(*) FILTER (status = 'converted' AND NOT {later}) AS converted
        FROM leads WHERE day <= {end} GROUP BY a_{attribute} ORDER BY first"""
    ).fetchdf()


@pytest.mark.parametrize("rows", [1, 40])
def test_closed_counts_of_every_attribute_in_one_scan(
    rows: int, small_frames: dict[str, pd.DataFrame], tmp_path: Path
):
    from deckgen.data.lead_store import LeadStore

    leads = small_frames["leads"].iloc[:rows].copy()
    if rows > 1:  # missing values are a value of their own: NaN ages, empty regions
        leads.loc[leads.index[::3], "age"] = float("nan")
        leads.loc[leads.index[::4], "region"] = None
        leads.loc[leads.index[1], "interest"] = None
    file = tmp_path / "leads.parquet"
    leads.to_parquet(file, index=False)
    store = LeadStore(file)
    days = (leads["created_date"] - pd.Timestamp("1970-01-01")).dt.days
    for end in (int(days.min()) - 1, int(days.median()), int(days.max())):  # none, some, all
        for attribute in store.present:
            found = store.closed_counts(end, attribute)
            pd.testing.assert_frame_equal(found, _closed_counts_one_by_one(store, end, attribute))
            if end < days.min():
                assert found.empty
        # 0s when no lead is kept.
        assert store.statuses(end) == _statuses_one_by_one(store, end)
    assert set(store.present) == {"channel", "geography", "age", "income_band", "interest"}


_ALLOCATOR = (
    "import os, deckgen.data.transform, duckdb; "
    "print(os.environ.get('DUCKDB_JE_MALLOC_CONF')); "
    "print(duckdb.sql('SELECT 42').fetchall())"
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [(None, "dirty_decay_ms:0,muzzy_decay_ms:0"), ("narenas:1", "narenas:1")],
)
def test_duckdb_gives_freed_memory_back_unless_told_otherwise(given, expected):
    # docs/scale.md: DuckDB's jemalloc reads it once, when first imported (here after any
    # deckgen.data module: the transforms', as in a batch run); a user's setting is kept.
    env = {k: v for k, v in os.environ.items() if k != "DUCKDB_JE_MALLOC_CONF"}
    if given is not None:
        env["DUCKDB_JE_MALLOC_CONF"] = given
    found = subprocess.run(
        [sys.executable, "-c", _ALLOCATOR], env=env, capture_output=True, text=True, check=True
    )
    assert found.stdout.splitlines() == [expected, "[(42,)]"]


@pytest.mark.parametrize(
    ("column", "kind"), [("lead_id", "float"), ("lead_id", "int"), ("name", "int")]
)
def test_text_of_numbers_without_a_plan_is_read_as_in_memory(
    frames: dict[str, pd.DataFrame],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    column: str,
    kind: str,
):
    """Regression: load_pushed_tables without a plan read leads.parquet in place whatever its
    types, and a lead_id (or a name) of numbers crashed in the text scan (ValueError,
    AttributeError). The CLI never went there: pushdown_plan leaves such a file to the
    in-memory reader, even under engine "duckdb", and so does load_pushed_tables now."""
    leads = frames["leads"]
    leads[column] = leads["lead_id"].str[1:].astype(kind)
    folder = _folder(frames, tmp_path / "numbers")
    pushed = load_pushed_tables(folder, Settings(), today=TODAY)
    in_memory = load_tables(folder, Settings(), today=TODAY)
    assert lead_store_of(pushed) is None
    pd.testing.assert_frame_equal(pushed.leads, in_memory.leads)
    assert pushed.leads[column].iloc[0] == str(int(leads[column].iloc[0]))
    (folder / "deckgen.toml").write_text('engine = "duckdb"\n')
    out = tmp_path / "deck.pptx"
    code, _, err = run_cli(["render", str(folder), "-o", str(out), "--period", "2026-09"], capsys)
    assert (code, err) == (0, "")
    assert out.exists()
