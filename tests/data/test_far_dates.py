"""Date cells read as ids or text keep the date they hold, whatever its year (a regression test).

Arrow's strftime wraps years beyond ±32767: a lead id typed as Excel serial 20,000,000 read as
`-8878-02-19`, and a Parquet date of year 20000 as another date, silently.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from deckgen.config import Settings
from deckgen.data.load import _long_enough, load_tables
from deckgen.data.sample import generate_sample, write_workbook
from deckgen.errors import InputError

TODAY = date(2026, 11, 5)
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
# Lead ids that are dates, as text; the first rows of the leads sheet get them.
FAR = {
    "0001-01-01": np.datetime64("0001-01-01T00:00:00", "s"),
    "9999-12-31 12:00:00": np.datetime64("9999-12-31T12:00:00", "s"),
    "20000-01-01": np.datetime64("20000-01-01T00:00:00", "s"),
    "56658-02-19 06:00:00": np.datetime64("56658-02-19T06:00:00", "s"),
}
EXCEL_FAR = {text: when for text, when in FAR.items() if when >= EXCEL_EPOCH}


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return generate_sample(customers=120, months=6, end="2026-10", seed=5)


def _lead_ids(source: Path) -> list[str]:
    return [str(v) for v in load_tables(source, Settings(), today=TODAY).leads["lead_id"]]


def test_an_excel_id_column_of_date_cells_keeps_every_date(
    frames: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    path = tmp_path / "client.xlsx"
    write_workbook(frames, path, created=datetime(2026, 11, 1))
    book = openpyxl.load_workbook(path)
    sheet = book["leads"]
    column = [cell.value for cell in sheet[1]].index("lead_id") + 1
    # Every cell a date (the reader then types the column as dates), the first ones far away:
    # Excel serials, as a date cell holds them.
    serials = [(when - EXCEL_EPOCH) / np.timedelta64(1, "D") for when in EXCEL_FAR.values()]
    serials += [46_000.0 + row for row in range(sheet.max_row - 1 - len(serials))]
    for row, serial in enumerate(serials, start=2):
        sheet.cell(row=row, column=column, value=serial).number_format = "yyyy-mm-dd hh:mm"
    book.save(path)
    ids = _lead_ids(path)
    assert ids[: len(EXCEL_FAR)] == list(EXCEL_FAR)
    assert ids[len(EXCEL_FAR)] == "2025-12-09"  # serial 46000


def test_a_parquet_id_column_of_timestamps_and_of_dates_keeps_every_date(
    frames: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    for name, frame in frames.items():
        frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
    leads = pq.read_table(tmp_path / "leads.parquet")
    count = leads.num_rows
    spread = np.datetime64("2026-01-01T00:00:00", "s") + np.arange(count - len(FAR)) * 86_401
    stamps = np.concatenate([np.array(list(FAR.values())), spread]).astype("datetime64[ms]")
    at = leads.schema.get_field_index("lead_id")
    pq.write_table(leads.set_column(at, "lead_id", pa.array(stamps)), tmp_path / "leads.parquet")
    assert _lead_ids(tmp_path)[: len(FAR) + 2] == [*FAR, "2026-01-01", "2026-01-02 00:00:01"]

    days = stamps.astype("datetime64[D]")
    pq.write_table(leads.set_column(at, "lead_id", pa.array(days)), tmp_path / "leads.parquet")
    expected = ["0001-01-01", "9999-12-31", "20000-01-01", "56658-02-19", "2026-01-01"]
    assert _lead_ids(tmp_path)[: len(FAR) + 1] == expected


def test_csv_dates_are_text_as_written(frames: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    for name, frame in frames.items():
        if name == "leads":
            frame = frame.assign(lead_id=[*FAR, *frame["lead_id"][len(FAR) :]])
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    assert _lead_ids(tmp_path)[: len(FAR)] == list(FAR)


def _names_as_dates(
    frames: dict[str, pd.DataFrame],
    path: Path,
    serials: dict[int, float],
    blank: bool,
    plain: dict[int, object] | None = None,
) -> Path:
    """The sample workbook with the leads' names at rows `serials` as date cells of those
    serials, at rows `plain` those values; every other name blank if `blank`, else row 4's."""
    write_workbook(frames, path, created=datetime(2026, 11, 1))
    book = openpyxl.load_workbook(path)
    sheet = book["leads"]
    column = [cell.value for cell in sheet[1]].index("name") + 1
    for row in range(2, sheet.max_row + 1):
        if blank or row == 4:
            sheet.cell(row=row, column=column).value = None
    for row, serial in serials.items():
        sheet.cell(row=row, column=column, value=serial).number_format = "yyyy-mm-dd"
    for row, value in (plain or {}).items():
        sheet.cell(row=row, column=column, value=value)
    book.save(path)
    return path


@pytest.mark.parametrize("blank", [False, True], ids=["among-text", "dates-and-blanks"])
def test_a_date_cell_the_reader_cannot_hold_is_bad_input_not_a_blank(
    frames: dict[str, pd.DataFrame], tmp_path: Path, blank: bool
) -> None:
    # fastexcel leaves a date cell beyond about year 262,000 empty: an optional text column
    # lost the value silently, a required id one was called blank.
    serials = {3: 46_000.0, 5: 1e8, 7: 2e9}
    path = _names_as_dates(frames, tmp_path / "client.xlsx", serials, blank)
    with pytest.raises(InputError) as raised:
        load_tables(path, Settings(), today=TODAY)
    assert str(raised.value) == (
        f"{path}: sheet 'leads', row 5, column 'name': a date cell that holds serial "
        "100,000,000, beyond the last date a workbook can show (9999-12-31, serial 2,958,465) "
        "(and 1 more such cells); expected text or a number: format the column as Text or General"
    )


def test_a_text_column_of_dates_with_blanks_reads_as_before(
    frames: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    path = _names_as_dates(frames, tmp_path / "client.xlsx", {3: 2e7}, blank=True)
    names = load_tables(path, Settings(), today=TODAY).leads["name"]
    assert names.isna().sum() == len(names) - 1
    assert names.iloc[1] == "56658-02-19"


def test_date_cells_among_text_read_as_in_a_column_of_dates(
    frames: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    # Among text the reader wrote date cells `2025-12-09 00:00:00` and `+56658-02-19 00:00:00`:
    # not the documented `YYYY-MM-DD` a column of date cells gives.
    serials = {3: 46_000.0, 5: 46_000.75, 7: 2e7}
    # a text cell stays as typed; a number is no date
    plain = {9: "2025-12-09 00:00:00", 11: 7}
    path = _names_as_dates(frames, tmp_path / "client.xlsx", serials, False, plain)
    names = load_tables(path, Settings(), today=TODAY).leads["name"]
    assert pd.isna(names.iloc[2])
    assert names.iloc[[1, 3, 5, 7, 9]].tolist() == [
        "2025-12-09",
        "2025-12-09 18:00:00",
        "56658-02-19",
        "2025-12-09 00:00:00",
        "7",
    ]
    assert names.iloc[4] == frames["leads"]["name"].iloc[4]


def test_only_text_as_long_as_a_date_cell_is_searched_for_dates() -> None:
    assert not _long_enough(pa.chunked_array([pa.array(["O0000001", None, "C7"])]))
    assert _long_enough(pa.chunked_array([pa.array(["O1", "2025-12-09 00:00:00"])]))
    assert not _long_enough(pa.chunked_array([pa.array([None], pa.string())]))
