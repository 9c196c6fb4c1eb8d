"""Jalali (Solar Hijri) months end to end: period bounds, the default period, metrics, the deck.

Known dates (checked against the Iranian calendar): 1 Farvardin 1405 = 2026-03-21; Mehr 1405
runs from 2026-09-23 to 2026-10-22; Esfand 1403 has 30 days (a leap year), Esfand 1404 has 29.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from pptx import Presentation

from deckgen.cli import cli
from deckgen.config import MetricsSettings, Settings
from deckgen.data.tables import Tables
from deckgen.errors import InputError
from deckgen.formats import format_month
from deckgen.metrics.lifecycle import compute_metrics
from deckgen.model import ChartSpec
from deckgen.period import Period
from deckgen.pipeline import resolve_period
from tests.metrics.fixtures_lifecycle import customers, orders
from tests.rtl.conftest import Rendered

MEHR_1405 = Period("jalali", 1405, 7)
OCTOBER_2026 = Period("gregorian", 2026, 10)


@pytest.mark.parametrize(
    ("period", "start", "end", "days"),
    [
        (Period("jalali", 1405, 1), date(2026, 3, 21), date(2026, 4, 20), 31),
        (MEHR_1405, date(2026, 9, 23), date(2026, 10, 22), 30),
        (Period("jalali", 1403, 12), date(2025, 2, 19), date(2025, 3, 20), 30),
        (Period("jalali", 1404, 12), date(2026, 2, 20), date(2026, 3, 20), 29),
    ],
)
def test_jalali_month_bounds(period: Period, start: date, end: date, days: int) -> None:
    assert (period.start, period.end, period.days) == (start, end, days)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 9, 22), Period("jalali", 1405, 6)),
        (date(2026, 9, 23), MEHR_1405),
        (date(2026, 10, 22), MEHR_1405),
        (date(2026, 10, 23), Period("jalali", 1405, 8)),
        (date(2026, 3, 20), Period("jalali", 1404, 12)),
        (date(2026, 3, 21), Period("jalali", 1405, 1)),
    ],
)
def test_the_jalali_month_holding_a_day(day: date, expected: Period) -> None:
    assert Period.containing(day, "jalali") == expected
    assert expected.contains(day)


@pytest.mark.parametrize(
    ("last_day", "expected"),
    [
        (date(2026, 10, 31), MEHR_1405),  # 9 Aban: Aban is not over
        (date(2026, 10, 22), MEHR_1405),  # Mehr's own last day
        (date(2026, 10, 21), Period("jalali", 1405, 6)),
    ],
)
def test_last_complete_jalali_month(last_day: date, expected: Period) -> None:
    assert Period.last_complete(last_day, "jalali") == expected


def test_trailing_twelve_jalali_months_cross_the_new_year() -> None:
    months = MEHR_1405.trailing(12)
    assert months[0] == Period("jalali", 1404, 8)
    assert months[0].start == date(2025, 10, 23)
    assert [p.key for p in months[4:7]] == ["1404-12", "1405-01", "1405-02"]
    assert sum(p.days for p in months) == (MEHR_1405.end - months[0].start).days + 1


@given(st.integers(1300, 1500), st.integers(1, 12))
def test_jalali_months_tile_the_calendar(year: int, month: int) -> None:
    period = Period("jalali", year, month)
    assert period.shift(1).start == period.end + timedelta(days=1)
    assert period.days == {**dict.fromkeys(range(1, 7), 31), 12: period.days}.get(month, 30)
    assert period.days in (29, 30, 31)
    assert Period.containing(period.start, "jalali") == period
    assert Period.containing(period.end, "jalali") == period


@pytest.fixture
def jalali_tables() -> Tables:
    """Orders on both sides of Jalali (not Gregorian) month boundaries.

    J1: 1 Mehr 1405 (2026-09-23). J2: 31 Shahrivar (2026-09-22), again 9 Mehr (2026-10-01).
    J3: 30 Mehr (2026-10-22). J4: 1 Aban (2026-10-23), after Mehr. J5: 29 Esfand 1404
    (2026-03-20), again the next day, 1 Farvardin 1405. J6: 6 Aban (2026-10-28).
    """
    rows = [
        ("J1", "2026-09-23", 10.0),
        ("J2", "2026-09-22", 20.0),
        ("J2", "2026-10-01", 30.0),
        ("J3", "2026-10-22", 40.0),
        ("J4", "2026-10-23", 50.0),
        ("J5", "2026-03-20", 60.0),
        ("J5", "2026-03-21", 70.0),
        ("J6", "2026-10-28", 80.0),
    ]
    return Tables(customers=customers(["J1", "J2", "J3", "J4", "J5", "J6"]), orders=orders(rows))


def test_metrics_follow_jalali_month_boundaries(jalali_tables: Tables) -> None:
    loyalty = compute_metrics(jalali_tables, MEHR_1405, MetricsSettings()).loyalty
    # New in Mehr: J1 (1 Mehr) and J3 (30 Mehr); not J2 (31 Shahrivar) nor J4 (1 Aban).
    assert (loyalty.new.current, loyalty.new.previous) == (2, 1)
    # Active in Mehr: J1, J2 (9 Mehr) and J3.
    assert loyalty.active.current == 3
    trend = {m.month.key: (m.new, m.active) for m in loyalty.months}
    assert trend["1405-06"] == (1, 1)  # J2 alone in Shahrivar
    assert trend["1404-12"] == (1, 1)  # J5 in Esfand
    assert trend["1405-01"] == (0, 1)  # J5 again in Farvardin, a day later


def test_cohorts_are_jalali_months(jalali_tables: Tables) -> None:
    cohorts = {
        row.cohort.key: (row.customers, row.retention[:2])
        for row in compute_metrics(jalali_tables, MEHR_1405, MetricsSettings()).loyalty.cohorts
        if row.customers
    }
    # J5's second order, a day after the first, falls in the next Jalali month.
    assert cohorts == {
        "1404-12": (1, (1.0, 1.0)),
        "1405-06": (1, (1.0, 1.0)),
        "1405-07": (2, (1.0, None)),
    }


def test_the_same_orders_by_gregorian_month(jalali_tables: Tables) -> None:
    metrics = compute_metrics(jalali_tables, OCTOBER_2026, MetricsSettings())
    # New in October: J3 (22nd), J4 (23rd), J6 (28th); J1 (23 September) is not.
    assert metrics.loyalty.new.current == 3
    assert metrics.segmentation.revenue.current == 30 + 40 + 50 + 80
    march = next(row for row in metrics.loyalty.cohorts if row.cohort.key == "2026-03")
    assert march.retention[:2] == (1.0, 0.0)  # both of J5's orders are in March


def test_mehr_revenue_counts_mehr_orders_only(jalali_tables: Tables) -> None:
    revenue = compute_metrics(jalali_tables, MEHR_1405, MetricsSettings()).segmentation.revenue
    assert (revenue.current, revenue.previous) == (10 + 30 + 40, 20)


@pytest.mark.parametrize(
    ("settings", "period", "expected"),
    [
        (Settings(lang="fa"), None, MEHR_1405),  # last complete Jalali month
        (Settings(lang="fa", calendar="gregorian"), None, OCTOBER_2026),
        (Settings(lang="en"), None, OCTOBER_2026),
        (Settings(lang="ar"), None, OCTOBER_2026),
        (Settings(lang="en", calendar="jalali"), None, MEHR_1405),
        (Settings(lang="fa"), "1405-07", MEHR_1405),
        (Settings(lang="fa"), "1405-6", Period("jalali", 1405, 6)),
        (Settings(lang="fa", calendar="gregorian"), "2026-09", Period("gregorian", 2026, 9)),
    ],
)
def test_resolve_period(
    sample_tables: Tables, settings: Settings, period: str | None, expected: Period
) -> None:
    assert resolve_period(period, sample_tables, settings) == expected


def test_a_malformed_jalali_period_is_an_input_error(sample_tables: Tables) -> None:
    with pytest.raises(InputError, match="YYYY-MM"):
        resolve_period("Mehr 1405", sample_tables, Settings(lang="fa"))


def test_the_persian_deck_reports_mehr_and_its_trailing_months(persian_deck: Rendered) -> None:
    assert persian_deck.model.period_label == "مهر ۱۴۰۵"
    trends = {
        block.categories
        for slide in persian_deck.model.slides
        for block in slide.blocks
        if isinstance(block, ChartSpec) and len(block.categories) == 12
    }
    assert trends == {
        tuple(format_month(p, "fa", "native", short=True) for p in MEHR_1405.trailing())
    }
    assert next(iter(trends))[4:6] == ("اسفند ۱۴۰۴", "فروردین ۱۴۰۵")


def test_cli_renders_a_jalali_period(tmp_path: Path, small_workbook: Path) -> None:
    output = tmp_path / "fa.pptx"
    args = ["render", str(small_workbook), "-o", str(output), "--lang", "fa", "--period", "1405-06"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "period 1405-06" in result.output
    cover = Presentation(str(output)).slides[0]
    texts = [p.text for s in cover.shapes if s.has_text_frame for p in s.text_frame.paragraphs]
    assert "شهریور ۱۴۰۵" in texts
