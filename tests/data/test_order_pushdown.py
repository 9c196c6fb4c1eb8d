"""The orders of a .parquet folder checked in their file(s) by DuckDB (deckgen.data.order_store,
issue 17): the same problems, word for word, and the same deck as the in-memory path, on the
sample and on hostile folders (part files, far rows, rewritten ids, stray dates)."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from deckgen.config import Settings
from deckgen.data.load import load_tables
from deckgen.data.order_store import OrderStore
from deckgen.data.pushdown import load_pushed_tables, pushdown_plan
from deckgen.data.sample import generate_sample
from deckgen.data.tables import id_text
from deckgen.errors import InputError, ValidationError
from deckgen.metrics.lifecycle import compute_metrics
from deckgen.pipeline import load_source, render_deck_bytes, resolve_period
from tests.data.test_pushdown import render_refused

TODAY = date(2026, 11, 15)
PARTS = {"orders": {"sheet": "orders_*"}}  # [sheets.orders] sheet = "orders_*"


def _folder(frames: dict[str, pd.DataFrame], folder: Path, parts: int = 1) -> Path:
    """The frames as .parquet files; the orders cut into `parts` files orders_1, ... when > 1."""
    folder.mkdir()
    for name, frame in frames.items():
        if name == "orders" and parts > 1:
            for k, piece in enumerate(np.array_split(np.arange(len(frame)), parts)):
                frame.iloc[piece].to_parquet(folder / f"orders_{k + 1}.parquet", index=False)
        else:
            frame.to_parquet(folder / f"{name}.parquet", index=False)
    return folder


def _settings(engine: str, parts: int) -> Settings:
    return Settings(engine=engine, sheets=PARTS if parts > 1 else {})


def _deck(folder: Path, engine: str, parts: int = 1) -> str:
    data, _ = render_deck_bytes(
        folder, folder.parent / "deck.pptx", settings=_settings(engine, parts), today=TODAY
    )
    return hashlib.sha256(data).hexdigest()


def _pushed(folder: Path, parts: int = 1, strict: bool = False):
    settings = _settings("duckdb", parts)
    plan = pushdown_plan(folder, settings)
    assert plan is not None and len(plan.orders) == parts
    return load_pushed_tables(folder, settings, today=TODAY, plan=plan, strict=strict)


def _assert_same(folder: Path, parts: int = 1) -> tuple:
    """Every figure, every warning and the deck's bytes are the same from both paths."""
    in_memory = load_tables(folder, _settings("memory", parts), today=TODAY)
    pushed = _pushed(folder, parts)
    assert list(pushed.orders.columns) == ["customer_id", "order_date", "amount"]
    # The same text, held as the customers' rows when every customer is listed (by_rows).
    as_text = pushed.orders.assign(customer_id=id_text(pushed.orders["customer_id"]))
    pd.testing.assert_frame_equal(
        as_text, in_memory.orders[["customer_id", "order_date", "amount"]]
    )
    period = resolve_period(None, in_memory, Settings(), TODAY)
    settings = Settings()
    assert compute_metrics(pushed, period, settings.metrics) == compute_metrics(
        in_memory, period, settings.metrics
    )
    assert pushed.warnings == in_memory.warnings
    assert _deck(folder, "duckdb", parts) == _deck(folder, "memory", parts)
    return pushed.warnings


def _same_errors(folder: Path, parts: int = 1) -> str:
    """The message of both paths for an invalid folder (asserted equal)."""
    with pytest.raises(ValidationError) as in_memory:
        load_tables(folder, _settings("memory", parts), today=TODAY)
    with pytest.raises(ValidationError) as pushed:
        _pushed(folder, parts)
    assert str(pushed.value) == str(in_memory.value)
    return str(pushed.value)


@pytest.fixture
def frames(small_frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: frame.copy() for name, frame in small_frames.items()}


def test_the_sample_is_the_same_with_its_orders_checked_in_place(tmp_path: Path):
    _assert_same(_folder(generate_sample(), tmp_path / "sample"))


def test_part_files_one_of_them_empty(frames: dict[str, pd.DataFrame], tmp_path: Path):
    folder = _folder(frames, tmp_path / "parts", parts=3)
    frames["orders"].iloc[:0].to_parquet(folder / "orders_4.parquet", index=False)
    _assert_same(folder, parts=4)


def test_a_bad_date_far_down_a_part_file_is_named_as_in_memory(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    orders = frames["orders"]
    orders["order_date"] = orders["order_date"].astype("datetime64[us]")
    last = len(orders) - 1
    orders.loc[last, "order_date"] = pd.Timestamp("2601-03-01")  # in the second part
    orders.loc[3, "order_date"] = pd.Timestamp("1850-01-01")
    message = _same_errors(_folder(frames, tmp_path / "dates", parts=2), parts=2)
    second = last - int(np.ceil(len(orders) / 2))  # its row in orders_2
    assert f"sheet 'orders_2', row {second + 2}, column 'order_date'" in message
    assert "sheet 'orders_1', row 5, column 'order_date'" in message


def test_a_bad_date_at_row_9_000_001_of_a_part_file(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    # A part file of nine million orders of one customer, the last one dated 2226: SQL scans
    # it, and only its first row and the bad one reach the validator.
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    rows = 9_000_001
    folder = _folder(frames, tmp_path / "far")
    (folder / "orders.parquet").rename(folder / "orders_a.parquet")
    first = pq.read_table(folder / "orders_a.parquet").slice(0, 1)
    big = first.take(pa.array(np.zeros(rows, dtype=np.int32)))
    dates = np.full(rows, np.datetime64(frames["orders"]["order_date"].iloc[0], "ns"))
    dates[-1] = np.datetime64("2226-10-01", "ns")  # beyond 2199: no date
    ids = pc.binary_join_element_wise("B", pa.array(np.arange(rows)).cast(pa.string()), "")
    ids = ids.cast(pa.large_string())
    big = big.set_column(big.schema.get_field_index("order_id"), "order_id", ids)
    big = big.set_column(
        big.schema.get_field_index("order_date"),
        "order_date",
        pa.array(dates, big.schema.field("order_date").type),
    )
    pq.write_table(big, folder / "orders_big.parquet")
    del big, dates
    settings = _settings("duckdb", 2)
    plan = pushdown_plan(folder, settings)
    assert plan is not None and [p.name for p in plan.orders] == ["orders_a", "orders_big"]
    with pytest.raises(ValidationError) as found:
        load_pushed_tables(folder, settings, today=TODAY, plan=plan)
    said = str(found.value)
    assert "sheet 'orders_big', row 9000002, column 'order_date': got '2226-10-01'" in said


def test_a_duplicate_order_id_across_part_files_is_named_as_in_memory(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    orders = frames["orders"]
    last = len(orders) - 1
    orders.loc[last, "order_id"] = orders.loc[2, "order_id"]
    message = _same_errors(_folder(frames, tmp_path / "dup", parts=2), parts=2)
    assert "(row 4 of sheet 'orders_1' has it too)" in message


@pytest.mark.parametrize(
    "written",
    [" O_X", "O_X\u00a0", "O_\x07X", "O_X\x00"],
    ids=["space", "nbsp", "bell", "nul"],
)
def test_an_order_id_equal_to_another_once_rewritten_is_a_duplicate(
    written: str, frames: dict[str, pd.DataFrame], tmp_path: Path
):
    orders = frames["orders"]
    orders.loc[5, "order_id"] = "O_X"  # sheet row 7
    orders.loc[len(orders) - 1, "order_id"] = written
    message = _same_errors(_folder(frames, tmp_path / "dup"))
    assert f"row {len(orders) + 1}, column 'order_id'" in message
    assert "(row 7 has it too)" in message


def test_a_number_read_id_is_a_duplicate_of_the_whole_number(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    orders = frames["orders"]
    orders.loc[5, "order_id"] = "42"
    orders.loc[9, "order_id"] = "42.0"
    message = _same_errors(_folder(frames, tmp_path / "dup"))
    assert "row 11, column 'order_id'" in message and "(row 7 has it too)" in message


def test_cells_the_validator_rejects(frames: dict[str, pd.DataFrame], tmp_path: Path):
    orders = frames["orders"]
    orders.loc[4, "order_id"] = "NA"  # written as missing: blank
    orders.loc[6, "order_id"] = None
    orders.loc[8, "amount"] = float("nan")
    orders.loc[10, "amount"] = 1e16
    orders.loc[12, "amount"] = float("inf")
    orders.loc[14, "customer_id"] = "   "
    message = _same_errors(_folder(frames, tmp_path / "bad"))
    for row, column in ((6, "order_id"), (8, "order_id"), (10, "amount"), (12, "amount")):
        assert f"row {row}, column '{column}'" in message
    assert "row 16, column 'customer_id'" in message


def test_cells_the_validator_rewrites_or_warns_about(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    orders = frames["orders"]
    orders.loc[3, "customer_id"] = orders.loc[3, "customer_id"] + "\x07"  # removed, warned
    orders.loc[5, "customer_id"] = " " + orders.loc[5, "customer_id"]  # trimmed
    orders.loc[7, "customer_id"] = "NOBODY"  # an unknown customer
    orders.loc[9, "amount"] = -25.0  # a refund: kept, warned
    orders.loc[11, "product_category"] = "shoes\x00"
    orders.loc[13, "product_category"] = "#N/A"
    orders.loc[15, "order_id"] = orders.loc[15, "order_id"] + " "
    warnings = _assert_same(_folder(frames, tmp_path / "rewritten"))
    rules = {(p.row, p.rule) for p in warnings if p.sheet == "orders"}
    assert {(5, "control_character"), (9, "unknown_reference"), (11, "negative_amount")} <= rules
    assert (13, "control_character") in rules


def test_blank_rows_and_times_of_day(frames: dict[str, pd.DataFrame], tmp_path: Path):
    orders = frames["orders"]
    orders["order_date"] = orders["order_date"].astype("datetime64[us]") + pd.Timedelta(hours=13)
    blank = pd.DataFrame([[None] * orders.shape[1]] * 2, columns=orders.columns)
    frames["orders"] = pd.concat([orders.iloc[:5], blank, orders.iloc[5:]], ignore_index=True)
    _assert_same(_folder(frames, tmp_path / "blank", parts=2), parts=2)


def test_a_stray_date_among_valid_rows_is_warned_about_as_in_memory(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    # The data ends in October 2026; an order of 2026-11-10 (before today) is no stray, one
    # year after the others is (typed 2027 for 2026: here a past date beyond a gap).
    orders = frames["orders"]
    for name in ("orders", "leads", "feedback", "surveys", "loyalty", "channels", "customers"):
        frame = frames[name]
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]):
                frame[column] = frame[column] - pd.DateOffset(years=1)
    orders.loc[20, "order_date"] = pd.Timestamp("2026-10-20")  # a year beyond the rest
    warnings = _assert_same(_folder(frames, tmp_path / "stray"))
    assert [(p.row, p.rule) for p in warnings if p.sheet == "orders"] == [(22, "future_date")]


def test_the_command_line_exits_2_with_the_same_message(
    frames: dict[str, pd.DataFrame], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    frames["orders"].loc[len(frames["orders"]) - 1, "amount"] = None
    said = render_refused(_folder(frames, tmp_path / "cli"), capsys)
    assert f"row {len(frames['orders']) + 1}, column 'amount'" in said


def test_what_is_read_in_memory(
    frames: dict[str, pd.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = _folder(frames, tmp_path / "small")
    assert pushdown_plan(folder, Settings()) is None  # auto: too few orders and leads
    monkeypatch.setattr("deckgen.data.pushdown.PUSHDOWN_ORDERS", 10)
    plan = pushdown_plan(folder, Settings())
    assert plan is not None and plan.leads is None and len(plan.orders) == 1
    assert pushdown_plan(folder, Settings(engine="memory")) is None
    renamed = Settings(engine="duckdb", sheets={"orders": {"columns": {"amount": "amount"}}})
    assert pushdown_plan(folder, renamed).orders == ()
    frames["orders"]["order_date"] = frames["orders"]["order_date"].dt.strftime("%Y-%m-%d")
    text_dates = _folder(frames, tmp_path / "text-dates")
    assert pushdown_plan(text_dates, Settings(engine="duckdb")).orders == ()


@pytest.mark.parametrize("name", ["client?", "client*", "client[12]"])
def test_a_folder_named_with_glob_characters_is_read_in_memory(
    name: str, frames: dict[str, pd.DataFrame], tmp_path: Path
):
    _folder(frames, tmp_path / "client1")
    folder = _folder(frames, tmp_path / name)
    assert pushdown_plan(folder, Settings(engine="duckdb")) is None
    tables = load_source(folder, Settings(engine="duckdb"), today=TODAY)
    assert len(tables.orders) == len(frames["orders"])


def test_orders_of_blank_rows_only_are_an_error_as_in_memory(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    orders = frames["orders"]
    frames["orders"] = pd.DataFrame([[None] * orders.shape[1]] * 3, columns=orders.columns)
    frames["orders"] = frames["orders"].astype(orders.dtypes.to_dict())
    folder = _folder(frames, tmp_path / "blank-orders")
    with pytest.raises(ValidationError) as in_memory:
        load_tables(folder, Settings(), today=TODAY)
    with pytest.raises(ValidationError) as pushed:
        load_source(folder, Settings(engine="duckdb"), today=TODAY)
    assert str(pushed.value) == str(in_memory.value)


def test_an_order_file_changed_before_it_is_read_is_an_input_error(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    folder = _folder(frames, tmp_path / "changed")
    plan = pushdown_plan(folder, Settings(engine="duckdb"))
    store = OrderStore(plan.orders)
    judged = store.unvouched({"product_category": None}, frames["customers"]["customer_id"], TODAY)
    frames["orders"].assign(amount=-1.0).to_parquet(folder / "orders.parquet", index=False)
    with pytest.raises(InputError, match=r"orders\.parquet changed while deckgen was reading"):
        store.read(judged, frames["orders"].iloc[: len(judged.row)])
    # Removed: the read's own error (FileNotFoundError, a traceback) is said the same way.
    (folder / "orders.parquet").unlink()
    with pytest.raises(InputError, match=r"orders\.parquet changed while deckgen was reading"):
        store.read(judged, frames["orders"].iloc[: len(judged.row)])


def test_duckdb_draws_no_progress_bar_on_stdout():
    # A scan longer than two seconds drew one on stdout, in the middle of the command's output.
    from deckgen.data.vouch import connect

    db = connect()
    assert db.sql("SELECT current_setting('enable_progress_bar')").fetchall() == [(False,)]


def test_a_nan_amount_among_numbers_is_an_error_as_in_memory(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    # Parquet's min/max statistics leave NaN out: DuckDB skipped the row group as holding no
    # amount beyond 10^15, and the NaN order was read as vouched for (silently accepted).
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = _folder(frames, tmp_path / "nan")
    table = pq.read_table(folder / "orders.parquet")
    amounts = table.column("amount").to_numpy().copy()
    amounts[7] = np.nan  # pandas would write a null, read as blank by both
    at = table.schema.get_field_index("amount")
    pq.write_table(table.set_column(at, "amount", pa.array(amounts)), folder / "orders.parquet")
    message = _same_errors(folder)
    assert "row 9, column 'amount'" in message


@pytest.mark.parametrize("kind", ["int8", "int16", "int32", "int64"])
def test_the_smallest_whole_number_amount_is_judged_as_in_memory(
    kind: str, frames: dict[str, pd.DataFrame], tmp_path: Path
):
    # abs() of the type's minimum overflowed in DuckDB: a traceback instead of the warning
    # (or, for int64, the error) of the in-memory path.
    orders = frames["orders"]
    info = np.iinfo(kind)
    orders["amount"] = orders["amount"].round().clip(upper=info.max).astype(kind)
    orders.loc[5, "amount"] = info.min
    folder = _folder(frames, tmp_path / kind)
    if kind == "int64":  # beyond 10^15: an error
        assert "row 7, column 'amount'" in _same_errors(folder)
    else:  # negative: a warning
        warnings = _assert_same(folder)
        assert (7, "negative_amount") in {(p.row, p.rule) for p in warnings}


@pytest.mark.parametrize("name", ["PART_", "Row_", "File_Row_Number"])
def test_a_column_named_as_the_order_store_s_own_in_other_case_is_read_in_memory(
    name: str, frames: dict[str, pd.DataFrame], tmp_path: Path
):
    # DuckDB's names are case-insensitive: the client's `Row_` clashed with the store's `row_`.
    frames["orders"][name] = 1
    folder = _folder(frames, tmp_path / "clash")
    assert pushdown_plan(folder, Settings(engine="duckdb")).orders == ()
    assert _deck(folder, "duckdb") == _deck(folder, "memory")


def test_a_column_of_the_client_s_own_duckdb_cannot_convert_is_ignored_as_in_memory(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    # A millisecond timestamp of year 318857 fits Arrow but not DuckDB's microseconds: the
    # column is none of ours (ignored in memory), but reading it stopped the render.
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = _folder(frames, tmp_path / "far-column")
    table = pq.read_table(folder / "orders.parquet")
    far = pa.array([10**16] * len(table), pa.int64()).cast(pa.timestamp("ms"))
    pq.write_table(table.append_column("exported_at", far), folder / "orders.parquet")
    assert len(pushdown_plan(folder, Settings(engine="duckdb")).orders) == 1
    assert _deck(folder, "duckdb") == _deck(folder, "memory")


@pytest.mark.parametrize("engine", ["memory", "duckdb"])
def test_an_order_date_beyond_microseconds_is_one_error(
    engine: str, frames: dict[str, pd.DataFrame], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    # A timestamp of year 318857 in seconds: Arrow's cast to microseconds raised in memory, and
    # DuckDB could not convert it (now read in memory): a traceback either way, exit code 1.
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = _folder(frames, tmp_path / "far-date")
    table = pq.read_table(folder / "orders.parquet")
    seconds = table.column("order_date").cast(pa.timestamp("s")).cast(pa.int64()).to_pylist()
    seconds[5] = 10**13
    at = table.schema.get_field_index("order_date")
    dates = pa.array(seconds, pa.int64()).cast(pa.timestamp("s"))
    pq.write_table(table.set_column(at, "order_date", dates), folder / "orders.parquet")
    said = render_refused(folder, capsys)
    assert "sheet 'orders', row 7, column 'order_date': got '318857-" in said


def test_part_files_of_string_and_large_string_text_are_stacked(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    # Two writers, one text type each: the stacking of the parts (in memory, as the schemas
    # differ) failed to merge string with large_string, a traceback under either engine.
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = _folder(frames, tmp_path / "text-types", parts=2)
    table = pq.read_table(folder / "orders_2.parquet")
    small = pa.schema(
        [
            pa.field(f.name, pa.string() if f.type == pa.large_string() else f.type)
            for f in table.schema
        ]
    )
    pq.write_table(table.cast(small), folder / "orders_2.parquet")
    tables = load_tables(folder, _settings("memory", 2), today=TODAY)
    assert tables.orders["order_id"].tolist() == frames["orders"]["order_id"].tolist()
    assert _deck(folder, "duckdb", 2) == _deck(folder, "memory", 2)


def test_customer_ids_written_as_timestamps_are_known_as_the_validator_reads_them(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    # Customer ids stored as timestamps read as `2000-01-01`; the known customers SQL looked
    # up were pandas' text, `2000-01-01 00:00:00`, so an order of that id was vouched for,
    # though the validator warns that no customer has it: another deck, one warning fewer.
    ids = frames["customers"]["customer_id"]
    stamps = pd.Series(pd.date_range("2000-01-01", periods=len(ids), freq="D"), index=ids.index)
    as_written = dict(zip(ids, stamps.dt.strftime("%Y-%m-%d %H:%M:%S"), strict=True))
    frames["customers"]["customer_id"] = stamps
    for name in ("orders", "leads", "feedback", "surveys", "loyalty"):
        column = frames[name]["customer_id"]
        frames[name]["customer_id"] = column.map(as_written).where(column.notna())
    warnings = _assert_same(_folder(frames, tmp_path / "stamped-ids"))
    unknown = [p for p in warnings if p.sheet == "orders" and p.rule == "unknown_reference"]
    assert unknown and unknown[0].row == 2


def _same_customer_rows(folder: Path) -> np.ndarray:
    """The row of the customers sheet of each order's customer, as the in-memory validator
    finds them, also found for the orders read in place (asserted equal), and the same deck."""
    in_memory = load_tables(folder, _settings("memory", 1), today=TODAY)
    pushed = _pushed(folder)
    rows = pushed.customer_rows("orders")
    assert rows is not None and rows.dtype == np.int32
    np.testing.assert_array_equal(rows, in_memory.customer_rows("orders"))
    # Held as those rows (4 bytes an order) when every customer is listed, else as text.
    held = pushed.orders["customer_id"].dtype
    assert isinstance(held, pd.ArrowDtype) == bool((rows >= 0).all())
    _assert_same(folder)
    return rows


def test_the_orders_read_in_place_are_coded_by_customer_row(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    # The metrics code the orders by these rows instead of hashing every order's id again.
    frames["orders"].loc[[0, 3], "customer_id"] = ["NOBODY-1", "NOBODY-2"]  # two unknowns
    rows = _same_customer_rows(_folder(frames, tmp_path / "unknown"))
    ids = frames["customers"]["customer_id"].tolist()
    assert rows[0] == rows[3] == -1
    assert rows[1] == ids.index(frames["orders"]["customer_id"].iloc[1])


def test_one_order_of_customers_with_numbers_for_ids(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    # Customers' ids written as floats (100.0), the orders' as text (100): the validator reads
    # both as the text 100, and so does the lookup of the order's customer.
    numbers = pd.Series(np.arange(100, 100 + len(frames["customers"])), dtype=np.float64)
    text = dict(
        zip(frames["customers"]["customer_id"], numbers.astype(int).astype(str), strict=True)
    )
    frames["customers"]["customer_id"] = numbers
    for name in ("leads", "feedback", "surveys", "loyalty"):
        column = frames[name]["customer_id"]
        frames[name]["customer_id"] = column.map(text).where(column.notna())
    first = frames["orders"].iloc[:1].copy()
    first["customer_id"] = text[first["customer_id"].iloc[0]]
    first["order_date"] = pd.Timestamp("2026-05-31")  # a month complete on its last day
    frames["orders"] = first
    rows = _same_customer_rows(_folder(frames, tmp_path / "numbers"))
    assert rows.tolist() == [int(first["customer_id"].iloc[0]) - 100]


def test_an_order_of_no_customer_when_the_customers_sheet_has_no_id_column(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    # Without customer_id the customers sheet is an error under both engines, not a traceback.
    frames["customers"] = frames["customers"].drop(columns="customer_id")
    message = _same_errors(_folder(frames, tmp_path / "no-ids"))
    assert "customer_id" in message


@pytest.mark.parametrize("sheet", ["customers", "orders"])
def test_a_value_map_on_customer_id_gives_what_memory_gives(
    sheet: str, frames: dict[str, pd.DataFrame], tmp_path: Path
):
    # [sheets.customers.values] customer_id renames a customer: the orders of the old id are
    # of no customer listed, the orders of the new one of that customer ([sheets.orders.values]
    # keeps the orders in memory, the leads still in place); the same warnings and deck.
    ids = frames["customers"]["customer_id"]
    renamed = {ids.iloc[0]: "RENAMED-1", ids.iloc[1]: ids.iloc[2]}  # one onto another's id
    if sheet == "customers":
        renamed = {ids.iloc[0]: "RENAMED-1"}
        frames["orders"].loc[0, "customer_id"] = "RENAMED-1"
    folder = _folder(frames, tmp_path / f"{sheet}-values")
    decks, warnings = [], []
    for engine in ("memory", "duckdb"):
        settings = Settings(engine=engine, sheets={sheet: {"values": {"customer_id": renamed}}})
        tables = load_source(folder, settings, today=TODAY)
        warnings.append(tables.warnings)
        data, _ = render_deck_bytes(folder, tmp_path / "deck.pptx", settings=settings, today=TODAY)
        decks.append(hashlib.sha256(data).hexdigest())
    assert warnings[0] == warnings[1]
    assert any(p.rule == "unknown_reference" for p in warnings[0])
    assert decks[0] == decks[1]
    plan = pushdown_plan(folder, Settings(engine="duckdb", sheets={sheet: {"values": {"x": {}}}}))
    assert plan is not None and (len(plan.orders) == 1) == (sheet == "customers")


_FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@pytest.mark.parametrize(
    "spelling",
    [
        lambda v: v.translate(_FA_DIGITS),  # Persian digits
        lambda v: "\u00a0" + v,  # a no-break space
        lambda v: v + "\u200b",  # a zero-width space
        lambda v: v.lower(),  # another customer's id once lowered (below)
        lambda v: " " + v + " ",
    ],
    ids=["persian-digits", "nbsp", "zero-width", "case", "spaces"],
)
def test_an_order_s_customer_id_spelled_otherwise_finds_the_row_memory_finds(
    spelling, frames: dict[str, pd.DataFrame], tmp_path: Path
):
    # An adversarial review of the orders coded by customer row (Tables.coded): an id the
    # validator rewrites or does not know finds the same row (or none) as in memory, with
    # one customer listed under the lowered id too, so that the case tells two customers apart.
    customers = frames["customers"]
    lowered = customers.iloc[[5]].assign(customer_id=customers["customer_id"].iloc[5].lower())
    frames["customers"] = pd.concat([customers, lowered], ignore_index=True)
    orders = frames["orders"]
    at = orders.index[orders["customer_id"] == customers["customer_id"].iloc[5]][:2]
    orders.loc[at, "customer_id"] = [spelling(v) for v in orders.loc[at, "customer_id"]]
    _same_customer_rows(_folder(frames, tmp_path / "spelled"))


@pytest.mark.parametrize("unknown", [False, True])
def test_orders_coded_without_the_rows_are_coded_as_their_text(
    unknown: bool, frames: dict[str, pd.DataFrame], tmp_path: Path
):
    """The metrics' own coding, when the rows cannot be used, reads the ids held as rows as
    the text they are: the same codes, ids and first days as in memory."""
    from deckgen.metrics.common import _code_orders

    if unknown:
        frames["orders"].loc[2, "customer_id"] = "NOBODY"
    folder = _folder(frames, tmp_path / "coded")
    pushed = _pushed(folder)
    assert isinstance(pushed.orders["customer_id"].dtype, pd.ArrowDtype) is not unknown
    in_memory = load_tables(folder, _settings("memory", 1), today=TODAY)
    period = resolve_period(None, in_memory, Settings(), TODAY)
    found, expected = _code_orders(pushed.orders, period), _code_orders(in_memory.orders, period)
    pd.testing.assert_index_equal(found.ids, expected.ids)
    for name in ("customer", "day", "amount", "first_day"):
        np.testing.assert_array_equal(getattr(found, name), getattr(expected, name))
    assert found.customer_rows is None


def test_orders_held_as_rows_share_the_customers_ids_read_in_many_chunks(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    """The customers' ids, read in several row groups, are put in one chunk that the orders'
    ids point into; the other sheets' rows still belong to that column."""
    from deckgen.data.tables import arrow_data

    folder = _folder(frames, tmp_path / "chunked")
    frames["customers"].to_parquet(folder / "customers.parquet", index=False, row_group_size=7)
    pushed = _pushed(folder)
    keys = arrow_data(pushed.customers["customer_id"].array)
    assert keys.num_chunks == 1
    held = arrow_data(pushed.orders["customer_id"].array).chunk(0).dictionary
    assert held.buffers()[2].address == keys.chunk(0).buffers()[2].address
    for name in ("orders", "surveys", "loyalty"):
        assert pushed.customer_rows(name) is not None, name
    _assert_same(folder)
