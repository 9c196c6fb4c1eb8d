"""Validation: one broken input per rule, located as the user sees it; typed, clean tables."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from deckgen.cli import cli, main
from deckgen.config import MetricsSettings, Settings, SheetMapping
from deckgen.data.load import load_tables
from deckgen.data.sample import generate_sample
from deckgen.data.schema import SHEETS
from deckgen.data.validate import (
    LISTED_PER_RULE,
    last_regular_date,
    strictly_increasing,
    validate_frames,
    validate_source,
)
from deckgen.errors import ConfigError
from tests.data.workbooks import write_book

Frames = dict[str, pd.DataFrame]
DTYPES = {
    "id": "string",
    "text": "string",
    "date": "datetime64[ns]",
    "float": "float64",
    "int": "Int64",
    "bool": "boolean",
}


def _set(sheet: str, row: int, column: str, value: object) -> Callable[[Frames], None]:
    """A breakage: cell (row, column) of `sheet` set to `value` (row = position in the frame)."""

    def breaks(frames: Frames) -> None:
        frame = frames[sheet]
        frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value

    return breaks


def _drop_sheet(sheet: str) -> Callable[[Frames], None]:
    return lambda frames: frames.pop(sheet)


def _empty_sheet(sheet: str) -> Callable[[Frames], None]:
    return lambda frames: frames.update({sheet: frames[sheet].iloc[:0]})


def _drop_column(sheet: str, column: str) -> Callable[[Frames], None]:
    return lambda frames: frames.update({sheet: frames[sheet].drop(columns=column)})


def _duplicate_id(frames: Frames) -> None:
    frames["orders"].loc[[4, 5], "order_id"] = "O-DUP"


@dataclass(frozen=True)
class Case:
    """One broken input and the one problem it must produce."""

    rule: str
    breaks: Callable[[Frames], None]
    severity: str
    sheet: str
    row: int | None  # spreadsheet row: frame position + 2
    column: str | None
    value: str | None
    expected: str  # part of the problem's `expected`


CASES = [
    Case("missing required sheet", _drop_sheet("orders"), "error", "orders", None, None, None, "a sheet with this name (required; another name goes in deckgen.toml"),
    Case("empty required sheet", _empty_sheet("customers"), "error", "customers", None, None, None, "at least one row of data (required)"),
    Case("missing required column", _drop_column("orders", "amount"), "error", "orders", None, "amount", None, "a column with this name"),
    Case("blank required value", _set("orders", 2, "order_date", None), "error", "orders", 4, "order_date", None, "a value (required)"),
    Case("unparseable required date", _set("orders", 3, "order_date", "31/12/2026"), "error", "orders", 5, "order_date", "31/12/2026", "a date like 2026-10-05"),
    Case("unparseable amount", _set("orders", 4, "amount", "12,50"), "error", "orders", 6, "amount", "12,50", "a number like"),
    Case("blank required id", _set("orders", 5, "customer_id", " "), "error", "orders", 7, "customer_id", None, "a value (required)"),
    Case("required code not allowed", _set("leads", 1, "status", "maybe"), "error", "leads", 3, "status", "maybe", "one of open, converted, lost"),
    Case("unknown channel counted as other", _set("leads", 1, "channel", "Insta"), "warning", "leads", None, "channel", "'Insta'", "the 1 rows with other values are counted as 'other'"),
    Case("duplicate id", _duplicate_id, "error", "orders", 7, "order_id", "O-DUP", "a unique order_id (row 6 has it too); if an order spans several rows (invoice lines), set order_lines = true"),
    Case("required value below bound", _set("channels", 2, "spend", -5), "error", "channels", 4, "spend", "-5", "a number of at least 0"),
    Case("answer outside the survey scale", _set("surveys", 0, "satisfaction", 7), "error", "surveys", 2, "satisfaction", "7", "satisfaction_scale"),
    Case("missing optional sheet", _drop_sheet("loyalty"), "warning", "loyalty", None, None, None, "optional; the slides that use it are skipped"),
    Case("empty optional sheet", _empty_sheet("feedback"), "warning", "feedback", None, None, None, "at least one row of data (optional"),
    Case("order of an unknown customer", _set("orders", 2, "customer_id", "C99999"), "warning", "orders", 4, "customer_id", "C99999", "a customer_id listed in sheet 'customers'"),
    Case("future date", _set("orders", 2, "order_date", pd.Timestamp("2099-01-05")), "warning", "orders", 4, "order_date", "2099-01-05", "a date up to today, "),
    Case("negative amount", _set("orders", 3, "amount", -20.0), "warning", "orders", 5, "amount", "-20", "an amount of at least 0"),
    Case("optional number unparseable", _set("customers", 1, "age", "abc"), "warning", "customers", 3, "age", "abc", "a whole number like 37; left empty"),
    Case("optional value out of range", _set("customers", 2, "age", 150), "warning", "customers", 4, "age", "150", "a number from 0 to 120; left empty"),
    Case("optional code not allowed", _set("customers", 3, "gender", "x"), "warning", "customers", 5, "gender", "x", "one of female, male"),
    Case("optional date unparseable", _set("customers", 4, "signup_date", "soon"), "warning", "customers", 6, "signup_date", "soon", "a date like"),
    Case("optional flag unparseable", _set("customers", 5, "loyalty_member", "maybe"), "warning", "customers", 7, "loyalty_member", "maybe", "true/false, yes/no"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("ids", "increasing"),
    [
        ([], True),
        (["A"], True),
        (["A", "B", "C10", "C9"], True),  # text order: "C10" < "C9"
        (["A", "B", "B"], False),  # equal neighbours
        (["B", "A"], False),
        (["A", None, "C"], False),  # a missing id is never proof of anything
        ([None], False),
    ],
)
def test_strictly_increasing_keys(ids, increasing):
    assert strictly_increasing(pd.Series(ids, dtype="string")) is increasing


@pytest.mark.parametrize(
    ("order_ids", "repeated"),
    [
        (["O1", "O2", "O2", "O3"], [4]),  # sorted: the neighbours are equal
        (["O3", "O1", "O2", "O1"], [5]),  # unsorted: found by hashing
        (["O1", "O2", "O3", "O4"], []),
    ],
)
def test_a_repeated_key_is_found_sorted_or_not(order_ids, repeated):
    customers = pd.DataFrame({"customer_id": ["C1"]})
    orders = pd.DataFrame(
        {
            "order_id": order_ids,
            "customer_id": "C1",
            "order_date": pd.Timestamp("2026-10-01"),
            "amount": 10.0,
        }
    )
    report = validate_frames({"customers": customers, "orders": orders}, Settings(), "t")
    found = [p for p in report.errors if p.column == "order_id"]
    assert [p.row for p in found] == repeated
    assert all(p.value == order_ids[p.row - 2] for p in found)


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_each_rule_names_sheet_row_column_value_and_expectation(case, frames, writers, tmp_path):
    case.breaks(frames)
    path = writers["xlsx"](frames, tmp_path / "data.xlsx")
    report = validate_source(path, Settings())
    problems = report.errors if case.severity == "error" else report.warnings
    found = [
        p for p in problems if (p.sheet, p.row, p.column) == (case.sheet, case.row, case.column)
    ]
    assert len(found) == 1, [str(p) for p in problems]
    problem = found[0]
    assert problem.value == case.value
    assert case.expected in problem.expected
    if case.severity == "warning":
        assert report.errors == ()
        assert report.tables is not None and problem in report.tables.warnings
    else:
        assert report.tables is None
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == (2 if case.severity == "error" else 0)
    assert str(problem) in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def _main(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    """Run the installed entry point; its exit code and everything it printed."""
    monkeypatch.setattr(sys, "argv", ["deckgen", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    out = capsys.readouterr()
    return exited.value.code, out.out + out.err


def test_both_cli_paths_exit_2_with_one_message(frames, writers, tmp_path, monkeypatch, capsys):
    del frames["orders"]
    broken = writers["xlsx"](frames, tmp_path / "data.xlsx")
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 not really a zip")
    bad_mapping = tmp_path / "deckgen.toml"
    bad_mapping.write_text('[sheets.order]\nsheet = "Orders"\n', encoding="utf-8")
    for args in (
        ["validate", str(broken)],
        ["validate", str(corrupt)],
        ["validate", str(tmp_path / "missing.xlsx")],
        ["validate", str(broken), "--config", str(bad_mapping)],
    ):
        for standalone in (True, False):
            result = CliRunner().invoke(cli, args, standalone_mode=standalone)
            assert result.exit_code == 2, (args, result.output)
            assert "Traceback" not in result.output
        code, printed = _main(monkeypatch, capsys, *args)
        assert code == 2
        assert "Traceback" not in printed
    assert "error: " in CliRunner().invoke(cli, ["validate", str(corrupt)]).output


def test_a_workbook_without_any_of_our_sheet_names_lists_what_it_has(frames, writers, tmp_path):
    renamed = {f"Sheet {name.title()}": frame for name, frame in frames.items()}
    report = validate_source(writers["xlsx"](renamed, tmp_path / "data.xlsx"), Settings())
    assert [p.sheet for p in report.errors] == ["customers", "orders"]
    assert "[sheets.customers] sheet = " in report.errors[0].expected
    assert "it has 'Sheet Customers', 'Sheet Orders', 'Sheet Leads'" in report.errors[0].expected
    assert all(s.source is None for s in report.sheets)


def test_valid_source_exits_0_and_summarises_every_sheet(small_frames, writers, tmp_path):
    path = writers["xlsx"](small_frames, tmp_path / "data.xlsx")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0
    for sheet in SHEETS:
        rows = f"{len(small_frames[sheet.name]):,} rows"
        line = next(
            line for line in result.output.splitlines() if line.strip().startswith(sheet.name)
        )
        assert rows in line
    assert result.output.rstrip().endswith("Result: valid.")


def test_tables_follow_the_dtype_contract(small_frames, settings):
    tables = validate_frames(small_frames, settings, "sample").tables
    assert tables is not None
    for sheet in SHEETS:
        table = tables.sheet(sheet.name)
        assert list(table.columns) == [c.name for c in sheet.columns]
        assert isinstance(table.index, pd.RangeIndex)
        for column in sheet.columns:
            values = table[column.name]
            if column.kind == "category":  # its distinct texts once, sorted; a code per cell
                assert isinstance(values.dtype, pd.CategoricalDtype), (sheet.name, column.name)
                assert values.cat.categories.dtype == "string", (sheet.name, column.name)
                assert list(values.cat.categories) == sorted(values.dropna().unique())
                continue
            assert values.dtype == DTYPES[column.kind], (sheet.name, column.name)
    assert tables.orders["order_date"].eq(tables.orders["order_date"].dt.normalize()).all()


def test_every_problem_is_collected_and_the_display_is_capped(frames, settings):
    orders = frames["orders"]
    frames["orders"] = orders.assign(order_date="someday", amount="n/a?")
    report = validate_frames(frames, settings, "broken")
    per_column = LISTED_PER_RULE + 1 if len(orders) > LISTED_PER_RULE else len(orders)
    assert len(report.errors) == 2 * per_column
    text = report.format(limit=5)
    bad = 2 * len(orders)  # every date and every amount
    assert f"Errors ({bad:,}):" in text
    for column in ("order_date", "amount"):
        assert f"    ... and {len(orders) - 2:,} more in sheet 'orders', column '{column}'" in text
    assert len([line for line in text.splitlines() if line.startswith("  - ")]) == 4
    assert text.rstrip().endswith(f"Result: {bad:,} error(s); fix them and run again.")


def test_rows_beyond_the_listed_ones_are_counted(settings):
    frames = generate_sample(customers=60, months=12, seed=4)
    frames["orders"] = frames["orders"].assign(order_date="someday")
    report = validate_frames(frames, settings, "broken")
    extra = len(frames["orders"]) - LISTED_PER_RULE
    assert extra > 0
    last = [p for p in report.errors if p.column == "order_date"][-1]
    assert last.row is None
    assert f"({extra:,} more rows like this)" in last.expected


def test_values_read_the_way_clients_write_them(frames):
    customers = frames["customers"].astype(object)
    customers.loc[0, ["gender", "loyalty_member", "age"]] = ["W", "Yes", "۴۲"]
    customers.loc[1, ["gender", "loyalty_member", "age"]] = ["Female", "n", "41.0"]
    customers.loc[2, ["acquisition_channel", "signup_date"]] = ["Social Media", "2026-07-03 14:30"]
    customers.loc[3, "acquisition_channel"] = "Insta"
    customers.loc[4, "city"] = "  Seattle "
    frames["customers"] = customers
    settings = Settings(
        sheets={"customers": SheetMapping(values={"acquisition_channel": {"insta": "social"}})}
    )
    report = validate_frames(frames, settings, "client")
    assert report.errors == () and report.warnings == ()
    table = report.tables.customers
    assert table.loc[0, ["gender", "loyalty_member", "age"]].tolist() == ["female", True, 42]
    assert table.loc[1, ["gender", "loyalty_member", "age"]].tolist() == ["female", False, 41]
    assert table.loc[2, "acquisition_channel"] == "social"
    assert table.loc[2, "signup_date"] == pd.Timestamp("2026-07-03")
    assert table.loc[3, "acquisition_channel"] == "social"
    assert table.loc[4, "city"] == "Seattle"


def test_date_format_from_the_mapping(frames):
    frames["orders"]["order_date"] = frames["orders"]["order_date"].dt.strftime("%d.%m.%Y")
    settings = Settings(sheets={"orders": SheetMapping(date_format={"order_date": "%d.%m.%Y"})})
    report = validate_frames(frames, settings, "client")
    assert report.ok
    expected = validate_frames(generate_sample(customers=40, months=6, seed=2), Settings(), "x")
    pd.testing.assert_frame_equal(report.tables.orders, expected.tables.orders)


def test_survey_scale_comes_from_the_settings(frames):
    frames["surveys"]["satisfaction"] = frames["surveys"]["satisfaction"] * 2  # a 1-10 survey
    assert not validate_frames(frames, Settings(), "client").ok
    ten = Settings(metrics=MetricsSettings(satisfaction_scale=(1, 10)))
    assert validate_frames(frames, ten, "client").ok


def test_unknown_names_in_the_mapping_are_a_config_error(small_frames):
    settings = Settings(
        sheets={
            "order": SheetMapping(sheet="Orders"),
            "customers": SheetMapping(columns={"customer": "Kunde"}, date_format={"age": "%Y"}),
        }
    )
    with pytest.raises(ConfigError) as caught:
        validate_frames(small_frames, settings, "client")
    message = str(caught.value)
    assert "[sheets.order] is not a deckgen sheet" in message
    assert "names 'customer', which is not a column of 'customers'" in message
    assert "'age', which is not a date column" in message


def test_a_value_map_to_an_unknown_code_is_a_config_error(small_frames):
    gender = SheetMapping(values={"gender": {"F": "femal", "M": "Male"}})
    leads = SheetMapping(values={"channel": {"Insta": "social media"}})
    settings = Settings(sheets={"customers": gender, "leads": leads})
    with pytest.raises(ConfigError) as caught:
        validate_frames(small_frames, settings, "client")
    assert str(caught.value) == (
        "1 problem(s) in the [sheets] mapping:\n"
        '  - [sheets.customers.values.gender] F = "femal": not one of female, male, other, unknown'
    )


def test_stray_dates_are_those_far_beyond_the_rest():
    regular = pd.date_range("2026-01-01", "2026-10-31").to_numpy()
    assert last_regular_date(regular) == pd.Timestamp("2026-10-31")
    typo = np.append(regular, np.datetime64("2062-10-01"))
    assert last_regular_date(typo) == pd.Timestamp("2026-10-31")
    season = np.append(regular, pd.date_range("2027-03-01", "2027-03-31").to_numpy())
    assert last_regular_date(season) == pd.Timestamp("2027-03-31")  # many rows: not typos
    assert last_regular_date(np.array([], dtype="datetime64[ns]")) is None


def test_a_stray_date_over_292_years_on_is_stray_in_any_unit():
    # 106,752 days apart: more nanoseconds than int64 holds, so the gap once wrapped negative
    # and the nanosecond dates took 2216 as regular where the same dates in days did not.
    days = np.datetime64("1970-01-01", "D") + np.array([-16752, 90000]).astype("timedelta64[D]")
    for dates in (days, days.astype("datetime64[s]"), days.astype("datetime64[ns]")):
        assert last_regular_date(dates) == pd.Timestamp("1924-02-20")


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    days=st.lists(st.integers(-40_000, 90_000), min_size=1, max_size=300),
    hours=st.lists(st.integers(0, 23), max_size=3),
)
def test_stray_dates_counted_by_day_agree_with_sorting(days, hours):
    """Dates at midnight are counted by day (issue 16); any time of day falls back to a sort."""
    dates = np.datetime64("1970-01-01", "ns") + np.array(days).astype("timedelta64[D]")
    hours = hours[: len(dates)]
    dates[: len(hours)] += np.array(hours, dtype=np.int64).astype("timedelta64[h]")
    ordered = np.sort(dates)
    distinct = np.unique(ordered)
    steps = np.diff(distinct.view(np.int64).tolist())  # Python integers: no overflow
    gaps = np.flatnonzero(steps > 92 * 86_400 * 10**9)
    later = ordered.size - np.searchsorted(ordered, distinct[gaps], side="right")
    stray = gaps[later <= max(1.0, 0.01 * ordered.size)]
    expected = pd.Timestamp(distinct[stray[0]] if stray.size else distinct[-1])
    assert last_regular_date(dates) == expected
    assert last_regular_date(dates.astype("datetime64[D]")) == pd.Timestamp(
        last_regular_date(dates.astype("datetime64[D]").astype("datetime64[ns]"))
    )


@hypothesis_settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    customers=st.integers(1, 60),
    months=st.integers(1, 18),
    lang=st.sampled_from(["en", "fa", "ar"]),
)
def test_any_sample_validates_clean(seed, customers, months, lang):
    frames = generate_sample(customers=customers, months=months, seed=seed, lang=lang)
    report = validate_frames(frames, Settings(lang=lang), "sample")
    assert report.errors == () and report.warnings == (), report.format()
    assert len(report.tables.customers) == customers


def test_decimal_commas_are_read_when_configured_and_suggested_when_not(small_frames):
    frames = {name: frame.copy() for name, frame in small_frames.items()}
    amounts = frames["orders"]["amount"]
    frames["orders"]["amount"] = ["1.234,50", "12,5"] + [
        f"{value:.2f}".replace(".", ",") for value in amounts[2:]
    ]
    plain = validate_frames(frames, Settings(), "client")
    assert plain.errors[0].expected == (
        'a number like 129.90 (they use a decimal comma: set decimal = "," under [sheets.orders])'
    )
    comma = Settings(sheets={"orders": SheetMapping(decimal=",")})
    tables = validate_frames(frames, comma, "client").tables
    assert tables is not None
    assert tables.orders["amount"].tolist()[:2] == [1234.5, 12.5]
    assert tables.orders["amount"].iloc[2:].round(2).tolist() == amounts.iloc[2:].round(2).tolist()


# -- no silent wrong numbers -------------------------------------------------------------


def _with_orders(frames: Frames, column: str, values: list[object]) -> Frames:
    """`frames` with the first orders' `column` set to `values` (as text cells)."""
    orders = frames["orders"].astype({column: object})
    orders.loc[: len(values) - 1, column] = values
    frames["orders"] = orders
    return frames


def test_refunds_written_as_persian_and_arabic_software_writes_them_are_read(frames):
    """`‎−۱۲٫۵` (a left-to-right mark, the minus sign U+2212, Persian digits: CLDR's Persian)
    and `؜-١٢` (Arabic) were errors; they are refunds like `-12.5`."""
    _with_orders(frames, "amount", ["\u200e−۱۲٫۵", "\u061c-١٢", "۱۲۹٫۹۰"])
    report = validate_frames(frames, Settings(), "client")
    assert [p for p in report.errors if p.column == "amount"] == []
    negative = [(p.row, p.rule) for p in report.warnings if p.column == "amount"]
    assert negative == [(2, "negative_amount"), (3, "negative_amount")]
    assert report.tables.orders["amount"].iloc[:3].tolist() == [-12.5, -12.0, 129.9]


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        (
            ["13/10/2026", "01/11/2026"],
            'written as %d/%m/%Y: set date_format = { order_date = "%d/%m/%Y" }',
        ),
        (
            ["13/10/2026 10:30"],
            'written as %d/%m/%Y %H:%M: set date_format = { order_date = "%d/%m/%Y %H:%M" }',
        ),
        (["10/13/2026"], 'written as %m/%d/%Y: set date_format = { order_date = "%m/%d/%Y" }'),
        (["01/02/2026"], "written as %d/%m/%Y, or as %m/%d/%Y: check which: set date_format"),
        (["13.10.26"], 'written as %d.%m.%y: set date_format = { order_date = "%d.%m.%y" }'),
    ],
    ids=["day-first", "with-time", "month-first", "either", "short-year"],
)
def test_text_dates_in_another_order_say_which_date_format_reads_them(frames, written, hint):
    """A column of `13/10/2026` was an error per row with no word of `date_format`, the way a
    decimal comma gets its hint."""
    _with_orders(frames, "order_date", written)
    report = validate_frames(frames, Settings(), "client")
    problems = [p for p in report.errors if p.column == "order_date"]
    assert len(problems) == len(written)
    assert all(f"(they are {hint}" in p.expected for p in problems), problems[0].expected
    assert problems[0].expected.endswith(" under [sheets.orders])")


def test_text_dates_that_no_format_reads_get_no_hint(frames):
    _with_orders(frames, "order_date", ["tomorrow", "2026-13-45"])
    report = validate_frames(frames, Settings(), "client")
    assert [p.expected for p in report.errors if p.column == "order_date"] == [
        "a date like 2026-10-05"
    ] * 2


def test_a_decimal_point_under_a_decimal_comma_is_an_error_naming_the_cell(frames):
    _with_orders(frames, "amount", ["118,25", "118.25", "1.234,50"])
    comma = Settings(sheets={"orders": SheetMapping(decimal=",")})
    report = validate_frames(frames, comma, "client")
    (problem,) = [p for p in report.errors if p.column == "amount"]
    assert (problem.row, problem.value) == (3, "118.25")
    assert problem.expected.startswith("a number like 129,90")


def test_a_decimal_comma_under_the_default_point_is_an_error_naming_the_cell(frames):
    _with_orders(frames, "amount", ["118.25", "1.234,50", "1,234.50"])
    report = validate_frames(frames, Settings(), "client")
    (problem,) = [p for p in report.errors if p.column == "amount"]
    assert (problem.row, problem.value) == (3, "1.234,50")
    assert problem.expected == (
        'a number like 129.90 (they use a decimal comma: set decimal = "," under [sheets.orders])'
    )


def test_decimal_point_hint_when_most_numbers_use_one_under_a_decimal_comma(frames):
    _with_orders(frames, "amount", ["118.25", "7.5"])
    comma = Settings(sheets={"orders": SheetMapping(decimal=",")})
    problems = [p for p in validate_frames(frames, comma, "client").errors if p.column == "amount"]
    assert [p.value for p in problems] == ["118.25", "7.5"]
    assert problems[0].expected.endswith(
        '(they use a decimal point, but decimal = "," is set under [sheets.orders])'
    )


def test_currency_signs_and_thousands_separators_are_read(frames):
    _with_orders(frames, "amount", ["$1,234.50", "$ 12", "(1,000.00)", "$5"])
    report = validate_frames(frames, Settings(), "client")
    assert report.errors == ()
    assert report.tables.orders["amount"].tolist()[:3] == [1234.5, 12.0, -1000.0]
    comma = Settings(sheets={"orders": SheetMapping(decimal=",")})
    _with_orders(frames, "amount", ["1 234,50 €", "1.234,50 €", "12 €", "3,5€"])
    tables = validate_frames(frames, comma, "client").tables
    assert tables.orders["amount"].tolist()[:4] == [1234.5, 1234.5, 12.0, 3.5]


def test_amounts_in_two_currencies_are_an_error(frames):
    _with_orders(frames, "amount", ["$10", "€12", "$3"])
    (problem,) = validate_frames(frames, Settings(), "client").errors
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "orders",
        None,
        "amount",
        "$, €",
    )
    assert problem.expected.startswith("amounts in one currency: the column mixes $, €")


@pytest.mark.parametrize("amount", [1e308, 1e17, -1e16])
def test_absurd_amounts_are_refused(frames, amount):
    _with_orders(frames, "amount", [amount])
    (problem,) = validate_frames(frames, Settings(), "client").errors
    assert (problem.row, problem.column, problem.value) == (2, "amount", f"{amount:g}")
    assert problem.expected.startswith("a number of at most 1,000,000,000,000,000 in size")


def test_a_large_but_possible_amount_is_kept(frames):
    _with_orders(frames, "amount", [9.5e14])  # a billion dollars in rials
    tables = validate_frames(frames, Settings(), "client").tables
    assert tables.orders["amount"].iloc[0] == 9.5e14


def test_an_absurd_optional_number_is_left_empty_with_a_warning(frames):
    frames["loyalty"]["points"] = frames["loyalty"]["points"].astype(object)
    frames["loyalty"].loc[0, "points"] = 1e300
    report = validate_frames(frames, Settings(), "client")
    (warning,) = report.warnings
    assert (warning.sheet, warning.row, warning.column, warning.rule) == (
        "loyalty",
        2,
        "points",
        "out_of_range",
    )
    assert pd.isna(report.tables.loyalty["points"].iloc[0])


def test_offset_dates_keep_their_day_unless_a_time_zone_is_configured(frames):
    _with_orders(frames, "order_date", ["2026-10-01T00:30:00+03:30", "2026-09-30T23:00:00-05:00"])
    plain = validate_frames(frames, Settings(), "client").tables
    assert plain.orders["order_date"].iloc[:2].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-10-01",
        "2026-09-30",
    ]
    tehran = validate_frames(frames, Settings(timezone="Asia/Tehran"), "client").tables
    assert tehran.orders["order_date"].iloc[:2].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-10-01",
        "2026-10-01",  # 04:00 UTC on 1 October is 07:30 in Tehran
    ]


def test_control_characters_are_removed_with_a_warning(frames):
    frames["feedback"].loc[0, "text"] = "Parcel\x0b late\ufffe"
    frames["customers"].loc[1, "city"] = "\x01"
    report = validate_frames(frames, Settings(), "client")
    assert [(w.sheet, w.row, w.column, w.rule) for w in report.warnings] == [
        ("customers", 3, "city", "control_character"),
        ("feedback", 2, "text", "control_character"),
    ]
    assert report.warnings[1].value == "Parcel late"
    assert report.tables.feedback["text"].iloc[0] == "Parcel late"
    assert pd.isna(report.tables.customers["city"].iloc[1])


def test_direction_controls_are_removed_with_a_warning(frames):
    frames["customers"].loc[1, "city"] = "\u202eChicago"
    report = validate_frames(frames, Settings(), "client")
    (warning,) = report.warnings
    assert str(warning) == (
        "sheet 'customers', row 3, column 'city': got 'Chicago'; expected text without control "
        "characters, direction controls or non-characters (they were removed)"
    )
    assert report.tables.customers["city"].iloc[1] == "Chicago"


def test_direction_controls_paired_in_their_cell_are_removed_unnamed(frames):
    """A right-to-left export's isolated code (`کد ⁦SKU-12⁩`) turns nothing around: removed, so
    that ids match, but no warning (4414d7d kept it silently; `--strict` stays passable). One
    left open beside it is still named."""
    frames["feedback"].loc[0, "text"] = "کد \u2066SKU-12\u2069 خراب است"
    frames["customers"].loc[1, "city"] = "\u2067تهران\u2069"
    report = validate_frames(frames, Settings(), "client")
    assert report.warnings == ()
    assert report.tables.feedback["text"].iloc[0] == "کد SKU-12 خراب است"
    assert report.tables.customers["city"].iloc[1] == "تهران"
    frames["customers"].loc[2, "city"] = "\u2067تهران"
    (warning,) = validate_frames(frames, Settings(), "client").warnings
    assert (warning.sheet, warning.row, warning.column, warning.rule) == (
        "customers",
        4,
        "city",
        "control_character",
    )


def test_a_closed_override_is_still_named(frames):
    """`\u202eanA\u202c` shows `Ana` in the client's sheet; without its controls the deck
    says `anA`: not contained like an isolate, so the warning names it (efd2bf7 did not)."""
    frames["customers"].loc[1, "city"] = "\u202eogacihC\u202c"
    report = validate_frames(frames, Settings(), "client")
    (warning,) = report.warnings
    assert (warning.sheet, warning.row, warning.column, warning.rule) == (
        "customers",
        3,
        "city",
        "control_character",
    )
    assert report.tables.customers["city"].iloc[1] == "ogacihC"


def test_dates_after_today_are_flagged_naming_them(frames):
    _with_orders(frames, "order_date", [pd.Timestamp("2026-11-20")])
    before = validate_frames(frames, Settings(), "client", today=date(2026, 11, 5))
    (future,) = before.warnings
    assert (future.row, future.column, future.value, future.rule) == (
        2,
        "order_date",
        "2026-11-20",
        "future_date",
    )
    assert future.expected == "a date up to today, 2026-11-05 (this one is in the future)"
    later = validate_frames(frames, Settings(), "client", today=date(2026, 12, 1))
    assert later.warnings == ()  # by then it is a regular date


def test_a_stray_year_far_beyond_the_rest_is_flagged_even_when_past(frames):
    _with_orders(frames, "order_date", [pd.Timestamp("2062-10-01")])
    (stray,) = validate_frames(frames, Settings(), "client", today=date(2070, 1, 1)).warnings
    assert (stray.row, stray.value) == (2, "2062-10-01")
    assert stray.expected == "a date up to 2026-11-01 (the other dates end on 2026-10-31)"


# -- open vocabularies -------------------------------------------------------------------


def test_unknown_channels_are_other_in_one_warning(frames):
    leads = frames["leads"]
    leads.loc[:9, "channel"] = ["paid_search"] * 4 + ["referral"] * 3 + ["direct"] * 3
    report = validate_frames(frames, Settings(), "client")
    assert report.errors == ()
    (warning,) = report.warnings
    assert (warning.sheet, warning.row, warning.column, warning.count) == (
        "leads",
        None,
        "channel",
        10,
    )
    assert warning.value == "'direct', 'paid_search', 'referral'"
    assert "the 10 rows with other values are counted as 'other'" in warning.expected
    assert "[vocabulary.channels]" in warning.expected
    assert report.tables.leads["channel"].iloc[:10].tolist() == ["other"] * 10


def test_declared_channels_are_codes_with_labels(frames):
    leads = frames["leads"]
    leads.loc[:2, "channel"] = ["Paid Search", "paid_search", "Google Ads"]
    settings = Settings(
        vocabulary={"channels": {"paid_search": {"en": "Paid search", "fa": "جستجوی پولی"}}},
        sheets={"leads": SheetMapping(values={"channel": {"Google Ads": "paid_search"}})},
    )
    report = validate_frames(frames, settings, "client")
    assert report.errors == () and report.warnings == ()
    assert report.tables.leads["channel"].iloc[:3].tolist() == ["paid_search"] * 3
    assert settings.vocabulary.label("channels", "paid_search", "fa") == "جستجوی پولی"
    assert settings.vocabulary.label("channels", "paid_search", "ar") == "Paid search"
    assert settings.vocabulary.label("channels", "email", "en") is None


def test_closed_codes_still_fail(frames):
    frames["feedback"].loc[0, "severity"] = "urgent"
    (problem,) = validate_frames(frames, Settings(), "client").errors
    assert (problem.sheet, problem.column, problem.value) == ("feedback", "severity", "urgent")


# -- one truth for counts ----------------------------------------------------------------


def test_the_appendix_counts_the_warnings_validate_counts(frames):
    from deckgen.slides.appendix import summarise_warnings

    frames["customers"] = frames["customers"].assign(age="unknown")  # 40 warnings ...
    frames["leads"] = frames["leads"].assign(age="?")  # ... and one per lead, past the listing
    report = validate_frames(frames, Settings(), "client")
    rows = len(frames["customers"]) + len(frames["leads"])
    assert len(frames["leads"]) > LISTED_PER_RULE
    assert f"Warnings ({rows:,}):" in report.format()
    notes = summarise_warnings(report.warnings)
    assert [(n.sheet, n.count) for n in notes] == [
        ("leads", len(frames["leads"])),
        ("customers", len(frames["customers"])),
    ]


def test_amounts_up_to_the_limit_keep_the_rfm_scores(small_frames):
    """1e17 overflowed the RFM scores; amounts below the limit score as their smaller copies."""
    from deckgen.metrics.segments import rfm_table
    from deckgen.period import Period

    scaled = {name: frame.copy() for name, frame in small_frames.items()}
    amounts = scaled["orders"]["amount"]
    scaled["orders"]["amount"] = amounts * (0.99e15 / amounts.max())
    period = Period("gregorian", 2026, 9)
    plain = rfm_table(
        validate_frames(small_frames, Settings(), "x").tables, period, MetricsSettings()
    )
    large = rfm_table(validate_frames(scaled, Settings(), "x").tables, period, MetricsSettings())
    columns = ["r", "f", "m", "segment"]
    pd.testing.assert_frame_equal(large[columns], plain[columns])


def test_a_rule_with_no_row_listed_still_says_what_is_wrong(frames, settings):
    leads = frames["leads"]
    frames["leads"] = leads.assign(channel=["Carrier pigeon"] * len(leads))
    text = validate_frames(frames, settings, "pigeons").format(limit=5)
    assert (
        f"  - sheet 'leads', column 'channel': got \"'Carrier pigeon'\"; expected a known code "
        f"(the {len(leads):,} rows with other values are counted as 'other'"
    ) in text
    assert "more in sheet 'leads'" not in text


def test_unknown_references_of_every_sheet_are_found_in_one_lookup(small_frames):
    """The ids of orders, leads, feedback, surveys and loyalty are looked up among the
    customers together (issue 16): each unknown one is reported at its own sheet and row,
    and an empty optional id is not."""
    frames = {name: frame.copy() for name, frame in small_frames.items()}
    unknown = {"orders": 3, "leads": 0, "feedback": 2, "surveys": 1, "loyalty": 4}
    for sheet, row in unknown.items():
        frames[sheet]["customer_id"] = frames[sheet]["customer_id"].astype(object)
        frames[sheet].loc[row, "customer_id"] = f"X-{sheet}"
    frames["leads"].loc[1, "customer_id"] = None  # optional: no warning
    report = validate_frames(frames, Settings(), "client", today=date(2026, 11, 15))
    found = [(p.sheet, p.row, p.value) for p in report.warnings if p.rule == "unknown_reference"]
    assert found == [(sheet, row + 2, f"X-{sheet}") for sheet, row in unknown.items()]


def _two_amounts(tmp_path, form: str, names: tuple[str, str]):
    """Orders whose columns D and E are both an amount (net, then gross), as `form`."""
    header = ["order_id", "customer_id", "order_date", *names]
    rows = [
        ["A", "C1", datetime(2026, 9, 1), 10.0, 12.0],
        ["B", "C1", datetime(2026, 9, 2), 20.0, 24.0],
    ]
    customers = [["customer_id"], ["C1"]]
    if form == "xlsx":
        return write_book(
            tmp_path / "book.xlsx", {"customers": customers, "orders": [header, *rows]}
        )
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id\nC1\n", encoding="utf-8")
    lines = [",".join(header)] + [
        ",".join(str(v).removesuffix(" 00:00:00") for v in row) for row in rows
    ]
    (folder / "orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("form", "names", "read", "repeat"),
    [
        ("xlsx", ("amount", "amount"), "amount", "amount_1"),
        ("csv", ("amount", "amount"), "amount", "amount_5"),
        ("csv", ("Amount", "amount"), "amount", "Amount"),  # the exact name wins over the left
    ],
)
def test_a_column_whose_name_is_repeated_is_a_warning(tmp_path, form, names, read, repeat):
    """Two columns named `amount` (the readers number the second) were read silently as the
    first, perhaps the wrong one: revenue from the net or the gross without a word."""
    source = _two_amounts(tmp_path, form, names)
    report = validate_source(source, Settings())
    assert report.ok
    repeated = [w for w in report.warnings if w.rule == "repeated_column"]
    assert [str(w) for w in repeated] == [
        f"sheet 'orders', column '{read}'; expected one column of this name, not also "
        f"'{repeat}' (a repeat of it): this one is read; to read another, name it under "
        "[sheets.orders.columns] in deckgen.toml"
    ]
    expected = [10.0, 20.0] if names[0] == "amount" else [12.0, 24.0]
    assert load_tables(source, Settings()).orders["amount"].tolist() == expected


@pytest.mark.parametrize(
    ("form", "names"),
    [("xlsx", ("amount", "amount_1")), ("csv", ("amount", "amount_5"))],
)
def test_a_column_named_like_a_numbered_repeat_is_no_warning(tmp_path, form, names):
    """A header that writes `amount_1` (or `city_2`, `phone_2`) itself is no repeat, though the
    readers would name a repeat so: valid exports were warned, fatal under --strict (review of
    f45fffb)."""
    source = _two_amounts(tmp_path, form, names)
    report = validate_source(source, Settings())
    assert report.ok and [w for w in report.warnings if w.rule == "repeated_column"] == []
    assert load_tables(source, Settings()).orders["amount"].tolist() == [10.0, 20.0]


def test_a_repeated_column_named_in_the_mapping_is_no_warning(tmp_path):
    settings = Settings(sheets={"orders": SheetMapping(columns={"amount": "amount_5"})})
    source = _two_amounts(tmp_path, "csv", ("amount", "amount"))
    report = validate_source(source, settings)
    assert report.ok and [w for w in report.warnings if w.rule == "repeated_column"] == []
    assert load_tables(source, settings).orders["amount"].tolist() == [12.0, 24.0]


def test_excel_day_numbers_in_date_cells_are_not_dates(tmp_path):
    """`60` in a date cell shows as 29/02/1900, a date Excel invents, and the other day numbers
    of 1900 as dates of 1900: they were orders of 1900, silently, which moved the RFM scores and
    the predicted values; now each is named."""
    import xlsxwriter

    path = tmp_path / "serials.xlsx"
    book = xlsxwriter.Workbook(path)
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    customers = book.add_worksheet("customers")
    customers.write_row(0, 0, ["customer_id", "signup_date"])
    customers.write_row(1, 0, ["C1"])
    customers.write_number(1, 1, 366, day)  # 31/12/1900
    orders = book.add_worksheet("orders")
    orders.write_row(0, 0, ["order_id", "customer_id", "order_date", "amount"])
    for row, serial in enumerate([60, 1, 46300], 1):
        orders.write_row(row, 0, [f"O{row}", "C1"])
        orders.write_number(row, 2, serial, day)
        orders.write_number(row, 3, 10)
    book.close()
    report = validate_source(path, Settings())
    assert [str(e) for e in report.errors] == [
        "sheet 'orders', row 2, column 'order_date': got '1900-02-28'; expected a date like "
        "2026-10-05",
        "sheet 'orders', row 3, column 'order_date': got '1900-01-01'; expected a date like "
        "2026-10-05",
    ]
    assert [str(w) for w in report.warnings if w.rule == "bad_value"] == [
        "sheet 'customers', row 2, column 'signup_date': got '1900-12-31'; expected a date like "
        "2025-03-14; left empty"
    ]
