"""Lifecycle funnel: hand-computed stages on `acquisition_tables`, invariants on random data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen.config import MetricsSettings
from deckgen.data.tables import Tables
from deckgen.metrics.channels import compute_channels
from deckgen.metrics.common import Change
from deckgen.metrics.funnel import STAGES, compute_funnel
from deckgen.period import Period
from tests.metrics.fixtures_lifecycle import make_frame

OCT = Period("gregorian", 2026, 10)
SETTINGS = MetricsSettings()

# Entries per month (Jun, Jul, Aug, Sep, Oct 2026; every source starts in June):
#   reach        4400  5500     0  8900  13000   (channels sheet; no August rows)
#   acquisition     1     0     1     2      4   (leads L8; -; L6; L4, L5; L1, L2, L3, L7)
#   conversion      1     2     0     1      3   (A4; A1, A2; -; A5; A3, A6, A7)
#   retention       0     0     1     0      1   (A1 Aug 1, 27 days after Jul 5; A5 Oct 15,
#                                                 42 days after Sep 3; A2's 97 and A4's 113
#                                                 days are over 90, A4's same-day pair is one)
#   loyalty (club)  -     -     -     1      1   (joins A5 Sep 3, A1 Oct 12; data from Sep 3)
# Conversions per month; the benchmark is the median of Jun..Sep where defined:
#   acquisition  1/4400  0  -  2/8900 | 4/13000   benchmark median(0, 1/4400, 2/8900) = 2/8900
#   conversion   1/1     -  0  1/2    | 3/4       benchmark median(1, 0, 1/2) = 1/2
#   retention    0/1   0/2  -  0/1    | 1/3       benchmark 0
#   loyalty      (covered from Sep)   - | 1/1     no benchmark; September's 1/0 is undefined
# Against benchmark: acquisition (4/13000)/(2/8900) = 1.37, conversion 1.5; retention's
# benchmark is 0, so acquisition is the biggest leak.


def steps(result):
    return {s.stage: s for s in result.steps}


def test_stage_counts(acquisition_tables):
    result = compute_funnel(acquisition_tables, OCT, SETTINGS)
    assert [s.stage for s in result.steps] == list(STAGES)
    assert [s.count for s in result.steps] == [
        Change(13000, 8900),
        Change(4, 2),
        Change(3, 1),
        Change(1, 0),
        Change(1, 1),
    ]
    assert result.loyalty_rule == "club"


def test_conversions_and_benchmarks(acquisition_tables):
    by_stage = steps(compute_funnel(acquisition_tables, OCT, SETTINGS))
    assert by_stage["reach"].conversion is None
    assert by_stage["acquisition"].conversion == Change(4 / 13000, 2 / 8900)
    assert by_stage["acquisition"].benchmark == pytest.approx(2 / 8900)
    assert by_stage["conversion"].conversion == Change(3 / 4, 1 / 2)
    assert by_stage["conversion"].drop_off == pytest.approx(1 / 4)
    assert by_stage["conversion"].benchmark == 1 / 2
    assert by_stage["retention"].conversion == Change(1 / 3, 0.0)
    assert by_stage["retention"].benchmark == 0.0
    assert by_stage["loyalty"].conversion == Change(1.0, None)
    assert by_stage["loyalty"].drop_off == 0.0
    assert by_stage["loyalty"].benchmark is None


def test_biggest_leak(acquisition_tables):
    assert compute_funnel(acquisition_tables, OCT, SETTINGS).biggest_leak == "acquisition"


def test_leak_without_history(acquisition_tables):
    # June is the first month of every source, so no stage has a benchmark: the lowest
    # conversion wins. June: acquisition 1/4400, conversion 1/1, retention 0/1 = 0.
    result = compute_funnel(acquisition_tables, Period("gregorian", 2026, 6), SETTINGS)
    assert all(s.benchmark is None for s in result.steps)
    assert result.biggest_leak == "retention"


def test_time_to_convert(acquisition_tables):
    # October: L1 Oct 2 -> A7's first order Oct 28 (26 days), L2 Oct 5 -> A3's Oct 10 (5);
    # September: L6 Aug 15 -> A5's Sep 3 (19). L7 converts in November.
    result = compute_funnel(acquisition_tables, OCT, SETTINGS)
    assert result.lead_to_customer_days == Change(15.5, 19.0)
    assert result.converted_leads == 2


def test_loyalty_by_orders(acquisition_tables):
    # Two purchase occasions within 12 months: A1 in August (Jul 5, Aug 1); A4's two orders
    # of Jun 10 are one occasion, so A4 reaches two on Oct 1; A2 (Jul 20, Oct 25) and A5
    # (Sep 3, Oct 15) in October too. September: nobody.
    rule = MetricsSettings(loyalty_rule="orders", loyalty_min_orders=2)
    result = compute_funnel(acquisition_tables, OCT, rule)
    assert result.loyalty_rule == "orders"
    assert steps(result)["loyalty"].count == Change(3, 0)


def test_club_rule_without_club_data_uses_orders(acquisition_tables):
    customers = acquisition_tables.customers[["customer_id", "acquisition_channel"]]
    result = compute_funnel(replace(acquisition_tables, customers=customers), OCT, SETTINGS)
    assert result.loyalty_rule == "orders"
    # Three purchase occasions within 12 months: only A1 (Jul 5, Aug 1, Oct 3), in October;
    # A4's three orders fall on two days (Jun 10 twice, Oct 1).
    assert steps(result)["loyalty"].count == Change(1, 0)


def test_retention_window(acquisition_tables):
    # With 100 days A2's 97-day gap counts too: October has A2 and A5.
    result = compute_funnel(acquisition_tables, OCT, MetricsSettings(retention_window_days=100))
    assert steps(result)["retention"].count == Change(2, 0)


def test_missing_sheets(acquisition_tables):
    bare = replace(acquisition_tables, leads=None, channels=None)
    by_stage = steps(compute_funnel(bare, OCT, SETTINGS))
    assert by_stage["reach"].count is None and by_stage["acquisition"].count is None
    assert by_stage["conversion"].conversion is None  # nothing before it to convert from
    assert by_stage["retention"].conversion == Change(1 / 3, 0.0)
    assert compute_funnel(bare, OCT, SETTINGS).lead_to_customer_days is None


def test_jalali_month(acquisition_tables):
    # Mehr 1405 is 2026-09-23..2026-10-22: new customers A3 (Oct 10), A6 (Oct 20); Shahrivar
    # (Aug 23..Sep 22): A5 (Sep 3). Leads in Mehr: L1, L2, L3, L7; in Shahrivar: L4, L5.
    by_stage = steps(compute_funnel(acquisition_tables, Period("jalali", 1405, 7), SETTINGS))
    assert by_stage["conversion"].count == Change(2, 1)
    assert by_stage["acquisition"].count == Change(4, 2)


# --- random data --------------------------------------------------------------------------

START = date(2025, 6, 1)
DAYS = st.integers(0, 520).map(lambda n: START + timedelta(days=n))


@st.composite
def random_tables(draw) -> Tables:
    n = draw(st.integers(1, 8))
    customers = make_frame(
        "customers",
        ["customer_id", "loyalty_member", "loyalty_join_date"],
        [[f"C{i}", True, draw(st.one_of(st.none(), DAYS))] for i in range(n)],
    )
    order_rows = draw(st.lists(st.tuples(st.integers(0, n - 1), DAYS), max_size=30))
    orders = make_frame(
        "orders",
        ["order_id", "customer_id", "order_date", "amount"],
        [[f"O{k}", f"C{c}", d.isoformat(), 10.0] for k, (c, d) in enumerate(order_rows)],
    )
    lead_rows = draw(st.lists(DAYS, max_size=15))
    leads = make_frame(
        "leads",
        ["lead_id", "created_date", "channel", "status"],
        [[f"L{k}", d.isoformat(), "email", "open"] for k, d in enumerate(lead_rows)],
    )
    channels = make_frame(
        "channels",
        ["month", "channel", "spend", "reach"],
        [
            [date(2026, m, 1).isoformat(), "tv", 10.0, draw(st.integers(0, 50))]
            for m in range(1, 12)
        ],
    )
    return Tables(customers=customers, orders=orders, leads=leads, channels=channels)


@settings(max_examples=60, deadline=None)
@given(random_tables(), st.sampled_from(["club", "orders"]))
def test_invariants(tables, rule):
    result = compute_funnel(tables, OCT, MetricsSettings(loyalty_rule=rule))
    channels = compute_channels(tables, OCT, SETTINGS)
    by_stage = steps(result)
    # The funnel's flows are the channels' totals.
    assert by_stage["reach"].count.current == channels.total.reach.current
    assert by_stage["acquisition"].count.current == channels.total.leads.current
    assert by_stage["conversion"].count.current == channels.total.new_customers.current
    for step in result.steps:
        assert step.count is None or step.count.current >= 0
        assert step.conversion is None or step.conversion.current >= 0
        assert step.benchmark is None or step.benchmark >= 0
    assert result.biggest_leak is None or result.biggest_leak in STAGES[1:]
    # Retained in October: ordered in October on a day after an earlier order day.
    orders = tables.orders[tables.orders["order_date"] <= "2026-10-31"]
    days = orders.drop_duplicates(["customer_id", "order_date"])
    in_october = days[days["order_date"] >= "2026-10-01"]["customer_id"]
    repeat = days["customer_id"].value_counts()
    returning = set(in_october) & set(repeat[repeat >= 2].index)
    assert by_stage["retention"].count.current <= len(returning)
