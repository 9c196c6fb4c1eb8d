"""Lifecycle funnel: hand-computed stages on `acquisition_tables`, invariants on random data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen.config import MetricsSettings
from deckgen.data.tables import Tables
from deckgen.metrics import funnel
from deckgen.metrics.channels import compute_channels
from deckgen.metrics.common import Change
from deckgen.metrics.funnel import STAGES, NormStatus, cohort_lag_months, compute_funnel
from deckgen.metrics.signal import RateKind, is_thin
from deckgen.period import Period
from tests.metrics.fixtures_lifecycle import make_frame, missing_definitions

OCT = Period("gregorian", 2026, 10)
SETTINGS = MetricsSettings()

# Month flows per month (Jun, Jul, Aug, Sep, Oct 2026; every source starts in June):
#   reach        4400  5500     0  8900  13000   (channels sheet; no August rows)
#   acquisition     1     0     1     2      4   (leads L8; -; L6; L4, L5; L1, L2, L3, L7)
#   conversion      1     2     0     1      3   (A4; A1, A2; -; A5; A3, A6, A7)
# Conversions per month; the norm is the median of Jun..Sep where defined:
#   acquisition  1/4400  0  -  2/8900 | 4/13000   norm median(0, 1/4400, 2/8900) = 2/8900
#   conversion   1/1     -  0  1/2    | 3/4       norm median(1, 0, 1/2) = 1/2
# Both are above their norm: (4/13000)/(2/8900) = 1.37 and 1.5.
# Cohort stages, retention window 90 days -> lag 4 months: October follows June's cohort (A4,
# whose second purchase day, Oct 1, is 113 days after Jun 10: not retained); September's
# cohort (May) precedes the data, so there is no previous month.


def steps(result):
    return {s.stage: s for s in result.steps}


def test_stage_counts(acquisition_tables):
    result = compute_funnel(acquisition_tables, OCT, SETTINGS)
    assert [s.stage for s in result.steps] == list(STAGES)
    assert [s.count for s in result.steps] == [
        Change(13000, 8900),
        Change(4, 2),
        Change(3, 1),
        Change(0, None),
        Change(0, None),
    ]
    assert [s.group for s in result.steps] == ["month"] * 3 + ["cohort"] * 2
    assert result.loyalty_rule == "club"
    assert result.cohort == Period("gregorian", 2026, 6)


def test_conversions_and_norms(acquisition_tables):
    by_stage = steps(compute_funnel(acquisition_tables, OCT, SETTINGS))
    assert by_stage["reach"].conversion is None and by_stage["reach"].base is None
    assert by_stage["acquisition"].conversion == Change(4 / 13000, 2 / 8900)
    assert by_stage["acquisition"].base == Change(13000, 8900)
    assert by_stage["acquisition"].benchmark == pytest.approx(2 / 8900)
    assert by_stage["acquisition"].vs_norm == NormStatus.ABOVE
    assert by_stage["conversion"].conversion == Change(3 / 4, 1 / 2)
    assert by_stage["conversion"].base == Change(4, 2)
    assert by_stage["conversion"].drop_off == pytest.approx(1 / 4)
    assert by_stage["conversion"].benchmark == 1 / 2
    assert by_stage["conversion"].norm_index == pytest.approx(1.5)
    # Retention: 0 of June's 1 new customer; no earlier cohort in the data, so no norm.
    assert by_stage["retention"].conversion == Change(0.0, None)
    assert by_stage["retention"].base == Change(1, None)
    assert by_stage["retention"].benchmark is None
    assert by_stage["retention"].vs_norm == NormStatus.UNKNOWN
    # Loyalty: nobody of June's cohort was retained, so there is no base to divide.
    assert by_stage["loyalty"].base == Change(0, None)
    assert by_stage["loyalty"].conversion is None
    # The months before October with a conversion: acquisition June (1 lead / 4,400 reached),
    # July (0 / 5,500), September (2 / 8,900), August reached nobody; conversion June (1 new /
    # 1 lead), August (0 / 1), September (1 / 2), July had no lead. Each median spans June to
    # September, 4 months, skipping the one without a conversion: not "the 3 months before"
    # (July to September), which would leave June out and count the empty month in.
    assert [by_stage[s].benchmark_months for s in STAGES] == [0, 4, 4, 0, 0]


def test_a_stage_above_its_norm_is_never_the_leak(acquisition_tables):
    # Acquisition and conversion are above their norms; the cohort stages have none: no leak,
    # although acquisition's rate is the lowest (the old rule named it the biggest leak).
    assert compute_funnel(acquisition_tables, OCT, SETTINGS).biggest_leak is None


def test_no_leak_without_history(acquisition_tables):
    # June is the first month of every source, so no stage has a norm: nothing is a leak.
    result = compute_funnel(acquisition_tables, Period("gregorian", 2026, 6), SETTINGS)
    assert all(s.benchmark is None for s in result.steps)
    assert all(s.vs_norm == NormStatus.UNKNOWN for s in result.steps)
    assert all(s.benchmark_months == 0 for s in result.steps)
    assert result.biggest_leak is None


def test_time_to_convert(acquisition_tables):
    # October: L1 Oct 2 -> A7's first order Oct 28 (26 days), L2 Oct 5 -> A3's Oct 10 (5);
    # September: L6 Aug 15 -> A5's Sep 3 (19). L7 converts in November.
    result = compute_funnel(acquisition_tables, OCT, SETTINGS)
    assert result.lead_to_customer_days == Change(15.5, 19.0)
    assert result.converted_leads == 2


def test_missing_sheets(acquisition_tables):
    bare = replace(acquisition_tables, leads=None, channels=None)
    by_stage = steps(compute_funnel(bare, OCT, SETTINGS))
    assert by_stage["reach"].count is None and by_stage["acquisition"].count is None
    assert by_stage["conversion"].conversion is None  # nothing before it to convert from
    # The cohort stages do not need the stage before: their base is the cohort itself.
    assert by_stage["retention"].conversion == Change(0.0, None)


def test_jalali_month(acquisition_tables):
    # Mehr 1405 is 2026-09-23..2026-10-22: new customers A3 (Oct 10), A6 (Oct 20); Shahrivar
    # (Aug 23..Sep 22): A5 (Sep 3). Leads in Mehr: L1, L2, L3, L7; in Shahrivar: L4, L5.
    by_stage = steps(compute_funnel(acquisition_tables, Period("jalali", 1405, 7), SETTINGS))
    assert by_stage["conversion"].count == Change(2, 1)
    assert by_stage["acquisition"].count == Change(4, 2)


@pytest.mark.parametrize(
    ("window", "lag"), [(1, 1), (28, 1), (29, 2), (30, 2), (56, 2), (90, 4), (365, 14)]
)
def test_cohort_lag(window, lag):
    # Every month has at least 28 days: a lag of ceil(W / 28) months gives each cohort
    # customer W days by the month's end.
    assert cohort_lag_months(window) == lag


# A cohort fixture, retention window 30 days -> lag 2: October follows August's cohort,
# September July's.
#   July:   J1 Jul 3 + Jul 20 (17 days: retained), J2 Jul 10 + Sep 1 (53), J3 Jul 31 only
#   August: K1 Aug 1 + Aug 15 (14: retained), K2 Aug 5 twice + Sep 2 (28 days from the
#           purchase day: retained), K3 Aug 20 + Sep 25 (36), K4 Aug 31 + Sep 29 (29:
#           retained), K5 Aug 10 only
#   October: N1 Oct 5 (a new customer of the month, in no cohort followed here)
# Club: J1 joined Jul 3, K1 Aug 1, K2 flagged without a date (a member throughout), K4 joins
# Nov 2 (after the period).
COHORT_ORDERS = (
    ("J1", "2026-07-03"),
    ("J1", "2026-07-20"),
    ("J2", "2026-07-10"),
    ("J2", "2026-09-01"),
    ("J3", "2026-07-31"),
    ("K1", "2026-08-01"),
    ("K1", "2026-08-15"),
    ("K2", "2026-08-05"),
    ("K2", "2026-08-05"),
    ("K2", "2026-09-02"),
    ("K3", "2026-08-20"),
    ("K3", "2026-09-25"),
    ("K4", "2026-08-31"),
    ("K4", "2026-09-29"),
    ("K5", "2026-08-10"),
    ("N1", "2026-10-05"),
)
COHORT_CLUB = {"J1": "2026-07-03", "K1": "2026-08-01", "K2": None, "K4": "2026-11-02"}
W30 = MetricsSettings(retention_window_days=30)


def _cohort_tables(copies: int = 1) -> Tables:
    """The cohort fixture, each customer `copies` times (ids suffixed -0, -1, ...)."""

    def names(customer: str) -> list[str]:
        return [customer] if copies == 1 else [f"{customer}-{k}" for k in range(copies)]

    ids = sorted({c for c, _ in COHORT_ORDERS})
    customers = make_frame(
        "customers",
        ["customer_id", "loyalty_member", "loyalty_join_date"],
        [[name, c in COHORT_CLUB, COHORT_CLUB.get(c)] for c in ids for name in names(c)],
    )
    rows = [(name, d) for c, d in COHORT_ORDERS for name in names(c)]
    orders = make_frame(
        "orders",
        ["order_id", "customer_id", "order_date", "amount"],
        [[f"O{k}", name, d, 10.0] for k, (name, d) in enumerate(rows)],
    )
    return Tables(customers=customers, orders=orders)


@pytest.fixture
def cohort_tables() -> Tables:
    return _cohort_tables()


def test_cohort_stages_follow_one_group(cohort_tables):
    result = compute_funnel(cohort_tables, OCT, W30)
    assert result.cohort == Period("gregorian", 2026, 8)
    by_stage = steps(result)
    # Retention: 3 of August's 5 (K1, K2, K4); September's cohort (July): 1 of 3 (J1).
    retention = by_stage["retention"]
    assert (retention.count, retention.base) == (Change(3, 1), Change(5, 3))
    assert retention.conversion == Change(3 / 5, 1 / 3)
    # The norm: September's 1/3 (August follows June, before the data): 0.6 / (1/3) = 1.8.
    assert retention.benchmark == pytest.approx(1 / 3)
    assert retention.vs_norm == NormStatus.ABOVE
    # Loyalty (club): of K1, K2, K4, the active club members at Oct 31 are K1 and K2 (K4
    # joins in November); September: J1 of J1.  Norm 1.0, index 2/3: below it.
    loyalty = by_stage["loyalty"]
    assert (loyalty.count, loyalty.base) == (Change(2, 1), Change(3, 1))
    assert loyalty.conversion == Change(2 / 3, 1.0)
    assert loyalty.benchmark == 1.0
    assert loyalty.norm_index == pytest.approx(2 / 3)
    assert loyalty.vs_norm == NormStatus.BELOW
    # Below its norm, but on 3 repeat buyers: too thin to call a leak (docs/metrics.md#minimum-n).
    assert result.biggest_leak is None
    # The month flow is not the cohort: October's new customer N1 is in neither stage.
    assert by_stage["conversion"].count == Change(1, 0)


def test_a_stage_below_its_norm_on_enough_cases_is_the_leak():
    # Ten of each customer: loyalty 20 of 30 repeat buyers against 10 of 10 in September, a
    # base of 30, the minimum a conversion needs.  Retention (30 of 50) is above its norm.
    result = compute_funnel(_cohort_tables(10), OCT, W30)
    by_stage = steps(result)
    assert by_stage["loyalty"].base == Change(30, 10)
    assert by_stage["loyalty"].conversion == Change(2 / 3, 1.0)
    assert by_stage["retention"].vs_norm == NormStatus.ABOVE
    assert result.biggest_leak == "loyalty"


def test_cohort_loyalty_under_the_orders_rule(cohort_tables):
    # Frequent buyers with 2+ purchase days in 12 months at Oct 31: K1, K2, K4 all have two
    # (K2's two August orders are one day): 3 of 3; September: J1 1 of 1.  At its norm.
    two = MetricsSettings(retention_window_days=30, loyalty_rule="orders", loyalty_min_orders=2)
    loyalty = steps(compute_funnel(cohort_tables, OCT, two))["loyalty"]
    assert loyalty.conversion == Change(1.0, 1.0)
    assert loyalty.vs_norm == NormStatus.NEAR
    # With 3 purchase days nobody qualifies, now or in September: a zero norm met by zero.
    three = MetricsSettings(retention_window_days=30, loyalty_rule="orders", loyalty_min_orders=3)
    result = compute_funnel(cohort_tables, OCT, three)
    loyalty = steps(result)["loyalty"]
    assert (loyalty.conversion, loyalty.benchmark) == (Change(0.0, 0.0), 0.0)
    assert (loyalty.norm_index, loyalty.vs_norm) == (None, NormStatus.NEAR)
    # Neither cohort stage is below its norm: no leak.
    assert result.biggest_leak is None


def test_a_longer_window_moves_the_cohort_back(cohort_tables):
    # W = 60 -> lag 3: October follows July (J1 retained within 60 days, and J2's 53 days now
    # count too): 2 of 3.
    result = compute_funnel(cohort_tables, OCT, MetricsSettings(retention_window_days=60))
    assert result.cohort == Period("gregorian", 2026, 7)
    retention = steps(result)["retention"]
    assert (retention.count.current, retention.base.current) == (2, 3)


def test_cited_definitions_exist():
    assert missing_definitions(funnel) == set()


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
    # Only a stage below its norm on enough cases is a leak, and it is the one furthest below.
    below = [
        s
        for s in result.steps
        if s.vs_norm == NormStatus.BELOW and not is_thin(RateKind.CONVERSION, s.base.current)
    ]
    if result.biggest_leak is None:
        assert not below
    else:
        leak = by_stage[result.biggest_leak]
        assert leak.vs_norm == NormStatus.BELOW
        assert leak.norm_index == min(s.norm_index for s in below)
    # The cohort stages nest: loyal within retained within the cohort.
    retention, loyalty = by_stage["retention"], by_stage["loyalty"]
    first = min(tables.orders["order_date"], default=None)
    # Orders that begin after the cohort month leave both cohort stages unjudged, not at 0.
    unjudged = first is None or first > pd.Timestamp(result.cohort.end)
    assert (retention.count is None) == unjudged
    assert (loyalty.count is None) == unjudged
    # Nor is the group they divide by a cohort of 0 (deckgen metrics --json showed base 0).
    assert (retention.base is None) == unjudged
    assert (loyalty.base is None) == unjudged
    if not unjudged:
        assert retention.count.current <= retention.base.current
        assert loyalty.base.current == retention.count.current
        assert loyalty.count.current <= loyalty.base.current
    for step in (retention, loyalty):
        assert step.conversion is None or 0.0 <= step.conversion.current <= 1.0
