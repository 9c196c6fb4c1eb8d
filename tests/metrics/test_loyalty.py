from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from deckgen.data.tables import Tables
from deckgen.metrics import loyalty
from deckgen.metrics.common import (
    NEVER,
    Change,
    CustomerOrders,
    day_number,
    month_edges,
    month_index,
)
from deckgen.metrics.loyalty import TREND_MONTHS, compute_loyalty
from deckgen.period import Period
from tests.metrics.fixtures_lifecycle import (
    LIFECYCLE_ORDERS,
    OCT_2026,
    SEGMENTS,
    assert_plain,
    customers,
    lifecycle_tables,
    make_frame,
    missing_definitions,
    one_month_tables,
    orders,
    settings,
)

K60 = settings(churn_days=60)


def _months(result, field):
    return tuple(getattr(month, field) for month in result.months)


def test_trend_months_are_the_twelve_ending_with_the_period():
    result = compute_loyalty(lifecycle_tables(), OCT_2026, K60)
    assert tuple(m.month for m in result.months) == OCT_2026.trailing(12)
    assert result.months[0].month == Period("gregorian", 2025, 11)


def test_new_active_returning():
    # First orders: B Dec 2025, C Jul, A Aug, D Sep, E Oct (G first ordered in Nov 2024).
    # Active: Dec B; Jul C; Aug A, G; Sep A, D; Oct A, B, E.  F orders after the period.
    result = compute_loyalty(lifecycle_tables(), OCT_2026, K60)
    assert _months(result, "new") == (0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1)
    assert _months(result, "active") == (0, 1, 0, 0, 0, 0, 0, 0, 1, 2, 2, 3)
    # Aug: G (first order 2024); Sep: A; Oct: A and B.
    assert _months(result, "returning") == (0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2)


def test_at_risk_with_k_60():
    # At risk: last order 30..59 days before the month's end.
    # Jan 31: B (Dec 15, 47 days); Jul 31: C (Jul 1, 30 days, the lower edge);
    # Sep 30: G (Aug 15, 46 days); Oct 31: B (Oct 1, 30 days).  D on Oct 31 is 60 days: churned.
    result = compute_loyalty(lifecycle_tables(), OCT_2026, K60)
    assert _months(result, "at_risk") == (0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 1)


def test_churned_and_churn_rate_with_k_60():
    # Churn day = last order + 60 with no order in between:
    # B Dec 15 -> Feb 13; C Jul 1 -> Aug 30; D Sep 1 -> Oct 31; G Aug 15 -> Oct 14.
    # (G's 2024 order churns in Jan 2025, before the trend; A and B reorder in time.)
    result = compute_loyalty(lifecycle_tables(), OCT_2026, K60)
    assert _months(result, "churned") == (0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 2)
    # Base = not churned at the previous month's end (last order < 60 days before it):
    # Dec 31: B -> Jan 0/1; Jan 31: B -> Feb 1/1; Jul 31: C -> Aug 1/1;
    # Aug 31: A, G -> Sep 0/2; Sep 30: A, D, G -> Oct 2/3; other months have no base.
    expected = (None, None, 0.0, 1.0) + (None,) * 5 + (1.0, 0.0, 2 / 3)
    assert _months(result, "churn_rate") == expected


def test_repeat_rate():
    # Purchase occasions in the 12 months ending Oct: A 3, B 2, C 1, D 1 (two orders on one
    # day), E 1, G 1 -> 2 of 6.  Ending Sep: A 2, B 1, C 1, D 1, G 1 -> 1 of 5.  Ending Aug:
    # A, B, C, G once -> 0 of 4.  Ending Nov 2025: nobody (G's order is Nov 2024) -> undefined.
    result = compute_loyalty(lifecycle_tables(), OCT_2026, K60)
    assert _months(result, "repeat_rate_12m") == (None,) + (0.0,) * 9 + (1 / 5, 2 / 6)


def test_club_rule_stock_is_the_active_members_and_frequent_buyers_are_kept_apart():
    # Members: A (joined Aug 5), C (flagged, no date: always), D (first club event Sep 20),
    # H (no orders).  Active members = members with an order in the trailing 12 months:
    # Jul C; Aug A, C; Sep A, C, D; Oct A, C, D.
    result = compute_loyalty(lifecycle_tables(), OCT_2026, K60)
    assert result.loyalty_rule == "club"
    assert result.club.active_by_month == (0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 3)
    # Frequent buyers (3+ purchase occasions in 12 months) are computed under any rule, under
    # their own name: only A (Aug 5, Sep 10, Oct 20), in October.
    assert _months(result, "frequent_buyers") == (0,) * 11 + (1,)


def test_frequent_buyers_under_the_orders_rule():
    # >= 2 purchase occasions in the trailing 12 months: Sep A; Oct A, B (D's two orders
    # share a day).
    result = compute_loyalty(
        lifecycle_tables(),
        OCT_2026,
        settings(churn_days=60, loyalty_rule="orders", loyalty_min_orders=2),
    )
    assert result.loyalty_rule == "orders"
    assert _months(result, "frequent_buyers") == (0,) * 10 + (1, 2)
    assert result.frequent_buyers == Change(2, 1)


def test_club_rule_without_club_data_uses_the_orders_rule():
    # No loyalty columns, no loyalty sheet: >= 3 purchase occasions in 12 months -> only A,
    # in Oct.
    result = compute_loyalty(lifecycle_tables(club=False, loyalty_sheet=False), OCT_2026, K60)
    assert result.loyalty_rule == "orders"
    assert result.club is None
    assert _months(result, "frequent_buyers") == (0,) * 11 + (1,)


def test_headline_changes():
    result = compute_loyalty(lifecycle_tables(), OCT_2026, K60)
    assert result.active == Change(3, 2)
    assert result.new == Change(1, 1)
    assert result.returning == Change(2, 1)
    assert result.frequent_buyers == Change(1, 0)
    assert result.at_risk == Change(1, 1)
    assert result.churned == Change(2, 0)
    assert result.churn_rate == Change(2 / 3, 0.0)
    assert result.repeat_rate_12m == Change(2 / 6, 1 / 5)
    # Each rate carries its base: 3 customers not churned at Sep 30 (A, D, G), 6 buyers in 12
    # months; September: 2 at Aug 31 (A, G), 5 buyers.
    assert (result.churn_rate_n, result.repeat_rate_12m_n) == (3, 6)
    assert (result.months[-2].churn_rate_n, result.months[-2].repeat_rate_12m_n) == (2, 5)


def test_cohort_retention():
    result = compute_loyalty(lifecycle_tables(), OCT_2026, K60)
    by_month = {row.cohort: row for row in result.cohorts}
    assert tuple(by_month) == OCT_2026.trailing(12)
    # Dec 2025 (B): ordered at ages 0 and 10; age 11 is not reached by Oct 2026.
    dec = by_month[Period("gregorian", 2025, 12)]
    assert dec.customers == 1
    assert dec.retention == (1.0,) + (0.0,) * 9 + (1.0, None)
    # Jul (C): only at age 0, reached ages 0..3.
    assert by_month[Period("gregorian", 2026, 7)].retention == (1.0, 0.0, 0.0, 0.0) + (None,) * 8
    # Aug (A): every month since.
    assert by_month[Period("gregorian", 2026, 8)].retention == (1.0, 1.0, 1.0) + (None,) * 9
    # Sep (D, two orders on one day); Oct (E).
    assert by_month[Period("gregorian", 2026, 9)].retention == (1.0, 0.0) + (None,) * 10
    assert by_month[Period("gregorian", 2026, 10)].retention == (1.0,) + (None,) * 11
    # A month without new customers has only empty cells.
    nov = by_month[Period("gregorian", 2025, 11)]
    assert (nov.customers, nov.retention) == (0, (None,) * 12)


def test_club_summary():
    club = compute_loyalty(lifecycle_tables(), OCT_2026, K60).club
    assert club is not None
    # A, C, D, H; E joins on Nov 1, after the period.
    assert club.members == 4
    # Joins: A Aug, D Sep (first event), H Oct; C has no date and is never counted as a join.
    assert club.joins_by_month == (0,) * 9 + (1, 1, 1)
    assert club.joins == Change(1, 1)
    assert club.active_by_month == (0,) * 8 + (1, 2, 3, 3)
    assert club.active_members == Change(3, 3)
    # Latest tier: A gold (Oct 20 tier change), H bronze; C and D have none.
    assert [(t.tier, t.members, t.share) for t in club.tiers] == [
        ("bronze", 1, 0.5),
        ("gold", 1, 0.5),
    ]
    assert club.untiered == 2
    # Points: Oct +30 / -20 -10; Sep +50.  A's Nov 2 redemption is after the period.
    assert club.points_earned == Change(30.0, 50.0)
    assert club.points_redeemed == Change(30.0, 0.0)
    assert club.offers_redeemed == Change(2, 0)
    assert club.referrals == Change(0, 1)
    # Each offer redeemed once in Oct by one of the 3 active members (A, D); ties by name.
    assert [
        (o.offer, o.redemptions, o.redemptions_12m, o.members, o.share) for o in club.offers
    ] == [
        ("birthday_gift", 1, 1, 1, 1 / 3),
        ("free_shipping", 1, 1, 1, 1 / 3),
    ]


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=10, max_size=10))
@hypothesis_settings(max_examples=30, deadline=None)
def test_club_points_sum_each_months_points_in_sheet_order(points: list[float]) -> None:
    """Points of any value (fractions whose sums depend on the order they are added in): each
    month's earned and redeemed points are its events' positive and negative points summed in
    sheet order, as np.where over every event then the month's rows summed them."""
    tables = lifecycle_tables()
    events = tables.loyalty.assign(points=points)
    events.loc[0, "points"] = np.nan  # an event without points counts 0
    club = compute_loyalty(dataclasses.replace(tables, loyalty=events), OCT_2026, K60).club
    values = events["points"].to_numpy(dtype=np.float64, na_value=0.0)
    month = events["date"].dt.month.to_numpy()
    earned, redeemed = np.where(values > 0, values, 0.0), np.where(values < 0, -values, 0.0)
    assert club.points_earned == Change(earned[month == 10].sum(), earned[month == 9].sum())
    assert club.points_redeemed == Change(redeemed[month == 10].sum(), redeemed[month == 9].sum())


def test_club_from_customer_flags_only():
    club = compute_loyalty(lifecycle_tables(loyalty_sheet=False), OCT_2026, K60).club
    assert club is not None
    # A (Aug 5), C and D (flagged without a date: members throughout).
    assert club.members == 3
    assert club.joins_by_month == (0,) * 9 + (1, 0, 0)
    # Jul C; Aug A, C; Sep A, C, D (D ordered on Sep 1); Oct A, C, D.
    assert club.active_by_month == (0,) * 8 + (1, 2, 3, 3)
    assert (club.tiers, club.untiered, club.offers) == ((), None, ())
    assert club.points_earned is club.points_redeemed is club.offers_redeemed is None
    assert club.referrals is None


def test_revenue_per_customer_lifetime_and_segments():
    result = compute_loyalty(lifecycle_tables(), OCT_2026, K60, SEGMENTS)
    # To Oct 31: A 180, B 280, C 40, D 30, E 60, G 160 = 750 over 6 customers.
    # To Sep 30: A 150, B 200, C 40, D 30, G 160 = 580 over 5 customers.
    assert result.revenue_per_customer_lifetime == Change(125.0, 116.0)
    assert result.revenue_per_customer_lifetime_n == 6
    rows = [
        (s.segment, s.customers, s.revenue_lifetime, s.revenue_per_customer_lifetime)
        for s in result.revenue_per_customer_lifetime_by_segment
    ]
    # E has no segment; X has no orders.
    assert rows == [
        ("Champions", 2, 460.0, 230.0),
        ("Lost", 2, 200.0, 100.0),
        ("New", 1, 30.0, 30.0),
    ]
    assert [s.revenue_share for s in result.revenue_per_customer_lifetime_by_segment] == [
        460 / 750,
        200 / 750,
        30 / 750,
    ]


def test_segment_map_may_be_a_series():
    from_series = compute_loyalty(lifecycle_tables(), OCT_2026, K60, pd.Series(SEGMENTS))
    assert from_series == compute_loyalty(lifecycle_tables(), OCT_2026, K60, SEGMENTS)


def test_without_segments_the_breakdown_is_empty():
    assert (
        compute_loyalty(lifecycle_tables(), OCT_2026, K60).revenue_per_customer_lifetime_by_segment
        == ()
    )


def test_churn_days_derived_from_inter_purchase_times():
    # Gaps between order days: A 36, 40; B 290; G 633 (D's same-day orders are one day).
    # 90th percentile: 290 + 0.7 * (633 - 290) = 530.1 -> 530.
    result = compute_loyalty(lifecycle_tables(), OCT_2026, settings())
    assert (result.churn_days, result.churn_days_derived) == (530, True)
    configured = compute_loyalty(lifecycle_tables(), OCT_2026, K60)
    assert (configured.churn_days, configured.churn_days_derived) == (60, False)


def test_each_month_keeps_the_churn_window_it_had():
    # K as of each month's end (docs/metrics.md#churn-days): no gap before 2026 -> 365; G's
    # 633 from Aug 15 -> 633; A's 36 from Sep 10 -> 36 + 0.9 * 597 = 573.3 -> 573; October 530.
    result = compute_loyalty(lifecycle_tables(), OCT_2026, settings())
    assert _months(result, "churn_days") == (365,) * 9 + (633, 573, 530)
    september = compute_loyalty(lifecycle_tables(), Period("gregorian", 2026, 9), settings())
    assert september.churn_days == 573
    assert september.months[-1] == result.months[-2]


def _restated_churn_tables() -> Tables:
    """Short gaps early in 2026 (K = 30), long ones from September (K above 180)."""
    rows = [
        ("Q", "2026-01-01", 1.0),
        ("Q", "2026-01-11", 1.0),
        ("Q", "2026-01-21", 1.0),
        ("R", "2026-06-01", 1.0),
        ("S", "2026-02-01", 1.0),
        ("S", "2026-09-15", 1.0),
        ("T", "2026-03-01", 1.0),
        ("T", "2026-10-10", 1.0),
    ]
    return Tables(customers=customers(["Q", "R", "S", "T"]), orders=orders(rows))


def test_a_reported_churn_rate_is_never_restated():
    tables = _restated_churn_tables()
    july = compute_loyalty(tables, Period("gregorian", 2026, 7), settings())
    # The July deck: gaps 10 and 10 -> K = 30 (the floor).  Alive at the end of June (last
    # occasion under 30 days before Jun 30): R (Jun 1).  R reaches 30 days on Jul 1: churned.
    assert july.churn_days == 30
    assert (july.months[-1].churned, july.churn_rate.current) == (1, 1.0)
    october = compute_loyalty(tables, OCT_2026, settings())
    # October's own K: gaps 10, 10, 223, 226 -> 223 + 0.7 * 3 = 225.1 -> 225; September's:
    # 10, 10, 226 -> 10 + 0.8 * 216 = 182.8 -> 183.  Had October's K been applied to July,
    # July would read 0 churned of 4 customers alive (Q, R, S, T all within 225 days).
    assert _months(october, "churn_days") == (365, 365) + (30,) * 8 + (183, 225)
    assert october.months[-4] == july.months[-1]
    assert october.months[-4].churn_rate == 1.0


def _two_gap_tables(first_gap: int, second_gap: int) -> Tables:
    start = date(2026, 1, 1)
    rows = [
        ("P", start.isoformat(), 1.0),
        ("P", (start + timedelta(days=first_gap)).isoformat(), 1.0),
        ("Q", start.isoformat(), 1.0),
        ("Q", (start + timedelta(days=second_gap)).isoformat(), 1.0),
    ]
    return Tables(customers=customers(["P", "Q"]), orders=orders(rows))


def test_churn_days_rounds_half_up_with_a_floor():
    # Gaps 40 and 45: 40 + 0.9 * 5 = 44.5 -> 45 (half up, not to even).
    assert compute_loyalty(_two_gap_tables(40, 45), OCT_2026, settings()).churn_days == 45
    # Gaps 10 and 20: 19 -> the floor of 30.
    assert compute_loyalty(_two_gap_tables(10, 20), OCT_2026, settings()).churn_days == 30


def test_churn_days_without_repeat_customers():
    tables = Tables(customers=customers(["P"]), orders=orders([("P", "2026-10-01", 5.0)]))
    assert compute_loyalty(tables, OCT_2026, settings()).churn_days == 365


def test_previous_is_none_before_the_data_starts():
    tables = Tables(customers=customers(["P"]), orders=orders([("P", "2026-10-01", 5.0)]))
    result = compute_loyalty(tables, OCT_2026, K60)
    assert result.new == Change(1, None)
    assert result.revenue_per_customer_lifetime == Change(5.0, None)
    assert result.repeat_rate_12m == Change(0.0, None)
    assert result.churn_rate is None  # nobody was a customer at the end of September


def test_no_orders_at_all():
    tables = Tables(customers=customers(["P"]), orders=orders([("P", "2026-11-01", 5.0)]))
    result = compute_loyalty(tables, OCT_2026, settings())
    assert result.active == Change(0, None)
    assert (
        result.revenue_per_customer_lifetime,
        result.revenue_per_customer_lifetime_n,
        result.churn_days,
    ) == (None, 0, 365)
    assert all(cell is None for row in result.cohorts for cell in row.retention)


def test_offers_redeemed_before_any_order_through_compute_loyalty():
    """A club member redeems an offer in October; nobody orders before November."""
    events = make_frame(
        "loyalty",
        ["customer_id", "date", "event", "tier", "points", "offer"],
        [["P", "2026-10-05", "offer_redeemed", None, None, "gift"]],
    )
    tables = Tables(
        customers=customers(["P"]), orders=orders([("P", "2026-11-01", 5.0)]), loyalty=events
    )
    result = compute_loyalty(tables, OCT_2026, settings())
    assert result.club.offers == (loyalty.OfferUse("gift", 1, 1, 0, None),)
    assert result.club.offers_redeemed == Change(1, None)  # no data before October


def test_later_data_does_not_change_a_past_period():
    later = (*LIFECYCLE_ORDERS, ("A", "2026-12-01", 10.0), ("Z", "2027-01-05", 99.0))
    tables = dataclasses.replace(lifecycle_tables(), orders=orders(later))
    assert compute_loyalty(tables, OCT_2026, settings(), SEGMENTS) == compute_loyalty(
        lifecycle_tables(), OCT_2026, settings(), SEGMENTS
    )


def test_jalali_period_across_the_year_end():
    # Esfand 1404 ends on 2026-03-20, Farvardin 1405 starts on 2026-03-21.
    tables = Tables(
        customers=customers(["P", "Q"]),
        orders=orders(
            [("P", "2026-03-20", 10.0), ("P", "2026-03-21", 20.0), ("Q", "2026-02-19", 5.0)]
        ),
    )
    farvardin = Period("jalali", 1405, 1)
    result = compute_loyalty(tables, farvardin, K60)
    assert result.months[-1].month == farvardin
    assert result.months[-2].month == Period("jalali", 1404, 12)
    # Q's order (2026-02-19) is the last day of Bahman 1404.
    assert _months(result, "new")[-3:] == (1, 1, 0)
    assert _months(result, "active")[-3:] == (1, 1, 1)
    assert result.returning == Change(1, 0)
    esfand = result.cohorts[-2]
    assert esfand.cohort == Period("jalali", 1404, 12)
    assert esfand.retention == (1.0, 1.0) + (None,) * 10


def test_cited_definitions_exist():
    assert missing_definitions(loyalty) == set()


def test_results_hold_plain_values():
    assert_plain(compute_loyalty(lifecycle_tables(), OCT_2026, settings(), SEGMENTS))


# --- invariants on random data ------------------------------------------------------------

_BASE = date(2024, 6, 1)
_order_rows = st.lists(
    st.tuples(
        st.sampled_from("PQRSTU"),
        st.integers(0, 900),
        st.floats(0, 500, allow_nan=False).map(lambda v: round(v, 2)),
    ),
    max_size=40,
)
_periods = st.one_of(
    st.builds(Period, st.just("gregorian"), st.integers(2025, 2027), st.integers(1, 12)),
    st.builds(Period, st.just("jalali"), st.integers(1403, 1405), st.integers(1, 12)),
)


def _random_tables(rows: list[tuple[str, int, float]]) -> Tables:
    dated = [(c, (_BASE + timedelta(days=d)).isoformat(), a) for c, d, a in rows]
    return Tables(customers=customers(list("PQRSTU")), orders=orders(dated))


def _brute_force(rows, period: Period, churn_days: int):
    """Per-month figures from plain Python, for comparison with the vectorised code."""
    end = period.end
    days: dict[str, list[date]] = {}
    for customer, offset, _ in rows:
        day = _BASE + timedelta(days=offset)
        if day <= end:
            days.setdefault(customer, []).append(day)
    figures = []
    for month in period.trailing(TREND_MONTHS):
        window_start = month.shift(-11).start
        active = {c for c, ds in days.items() if any(month.contains(d) for d in ds)}
        new = {c for c, ds in days.items() if month.contains(min(ds))}
        at_risk = set()
        churned = set()
        for c, ds in days.items():
            before = [d for d in ds if d <= month.end]
            if before:
                gap = (month.end - max(before)).days
                if (churn_days + 1) // 2 <= gap < churn_days:
                    at_risk.add(c)
            for d in set(ds):
                churn_day = d + timedelta(days=churn_days)
                if month.contains(churn_day) and not any(d < o <= churn_day for o in ds):
                    churned.add(c)
        # Purchase occasions: distinct order days.
        in_window = {
            c: sum(window_start <= d <= month.end for d in set(ds)) for c, ds in days.items()
        }
        buyers = sum(n >= 1 for n in in_window.values())
        repeaters = sum(n >= 2 for n in in_window.values())
        figures.append(
            (
                len(active),
                len(new),
                len(at_risk),
                len(churned),
                repeaters / buyers if buyers else None,
            )
        )
    return tuple(figures)


@hypothesis_settings(max_examples=60, deadline=None)
@given(rows=_order_rows, period=_periods, churn_days=st.integers(1, 120))
def test_matches_a_brute_force_computation(rows, period, churn_days):
    result = compute_loyalty(_random_tables(rows), period, settings(churn_days=churn_days))
    computed = tuple(
        (m.active, m.new, m.at_risk, m.churned, m.repeat_rate_12m) for m in result.months
    )
    assert computed == _brute_force(rows, period, churn_days)


@hypothesis_settings(max_examples=60, deadline=None)
@given(rows=_order_rows, period=_periods, later=st.integers(1, 6))
def test_a_month_reads_the_same_in_every_later_deck(rows, period, later):
    # A month's figures, churn included, use only data to that month's end and the churn
    # window as derived then: deck M and deck M + `later` agree on every shared month.
    tables = _random_tables(rows)
    deck = compute_loyalty(tables, period, settings())
    later_deck = compute_loyalty(tables, period.shift(later), settings())
    assert deck.months[later:] == later_deck.months[: TREND_MONTHS - later]
    if later == 1 and later_deck.churn_rate is not None and deck.churn_rate is not None:
        assert later_deck.churn_rate.previous == deck.churn_rate.current


@hypothesis_settings(max_examples=60, deadline=None)
@given(rows=_order_rows, period=_periods, rule=st.sampled_from(["club", "orders"]))
def test_invariants(rows, period, rule):
    result = compute_loyalty(_random_tables(rows), period, settings(loyalty_rule=rule))
    assert result.churn_days >= 30
    for month in result.months:
        assert month.new + month.returning == month.active
        values = (month.active, month.new, month.returning, month.frequent_buyers, month.at_risk)
        assert min(values) >= 0
        for rate in (month.churn_rate, month.repeat_rate_12m):
            assert rate is None or 0.0 <= rate <= 1.0
    assert sum(row.customers for row in result.cohorts) == sum(m.new for m in result.months)
    for i, row in enumerate(result.cohorts):
        for age, cell in enumerate(row.retention):
            reached = i + age < TREND_MONTHS
            assert (cell is None) == (not reached or row.customers == 0)
            assert cell is None or 0.0 <= cell <= 1.0
        if row.customers:
            assert row.retention[0] == 1.0


def test_month_cells_count_each_customers_distinct_days_per_month() -> None:
    """Three months; customer 0 twice in January (two days; the same day twice counts once)
    and once in March, customer 1 never in the span, customer 2 once before it and once in
    February."""
    months = Period.parse("2026-03").trailing(3)
    days = [date(2026, 1, 5), date(2026, 1, 5), date(2026, 1, 20), date(2026, 3, 31)]
    days += [date(2025, 12, 31), date(2026, 2, 1), date(2026, 4, 1)]
    orders = CustomerOrders(
        ids=pd.Index(["A", "B", "C"]),
        customer=np.array([0, 0, 0, 0, 2, 2, 1]),
        day=np.array([day_number(d) for d in days]),
        amount=np.ones(7),
        first_day=np.zeros(3, dtype=np.int64),
    )
    cells = loyalty._month_cells(orders.occasions, months)
    found = list(
        zip(cells.customer.tolist(), cells.month.tolist(), cells.occasions.tolist(), strict=True)
    )
    assert found == [(0, 0, 2), (0, 2, 1), (2, 1, 1)]
    empty = dataclasses.replace(orders, customer=orders.customer[:0], day=orders.day[:0])
    cells = loyalty._month_cells(empty.occasions, months)
    assert (len(cells.customer), len(cells.month), len(cells.occasions)) == (0, 0, 0)


# --- the month counts from the occasions, against a table of every customer by month ---------


def _by_table(days: dict[int, list[int]], months, join: list[int], n: int):
    """Active, 12-month window counts (at least 1..4), active members, who is one now and
    cohort retention, from a plain table of every customer by month (the former way)."""
    edges = [day_number(m.start) for m in months] + [day_number(months[-1].end) + 1]
    table = [[0] * len(months) for _ in range(n)]
    for c, ds in days.items():
        for d in set(ds):
            for m in range(len(months)):
                if edges[m] <= d < edges[m + 1]:
                    table[c][m] += 1
    first = loyalty._FIRST
    ends = [edges[first + j + 1] - 1 for j in range(TREND_MONTHS)]
    window = [[sum(row[j : j + first + 1]) for j in range(TREND_MONTHS)] for row in table]
    active = [sum(row[first + j] > 0 for row in table) for j in range(TREND_MONTHS)]
    at_least = {
        t: [sum(w[j] >= t for w in window) for j in range(TREND_MONTHS)] for t in (1, 2, 3, 4)
    }
    members = [
        sum(window[c][j] >= 1 and join[c] <= ends[j] for c in range(n)) for j in range(TREND_MONTHS)
    ]
    now = [window[c][-1] >= 1 and join[c] <= ends[-1] for c in range(n)]
    first_month = [
        next((m for m in range(len(months)) if ds and edges[m] <= min(ds) < edges[m + 1]), -1)
        for ds in (days.get(c, []) for c in range(n))
    ]
    retention = []
    for i in range(TREND_MONTHS):
        cohort = [c for c in range(n) if first_month[c] == first + i]
        retention.append(
            (
                len(cohort),
                tuple(
                    (sum(table[c][first + i + k] > 0 for c in cohort) / len(cohort))
                    if cohort and i + k < TREND_MONTHS
                    else None
                    for k in range(TREND_MONTHS)
                ),
            )
        )
    return active, at_least, members, now, retention


def _check_against_the_table(days: dict[int, list[int]], period: Period, join: list[int]):
    n = len(join)
    months = period.trailing(loyalty._SPAN)
    pairs = sorted({(c, d) for c, ds in days.items() for d in ds})
    firsts = {c: min(ds) for c, ds in days.items() if ds}
    orders_ = CustomerOrders(
        ids=pd.Index([f"C{c}" for c in range(n)]),
        customer=np.array([c for c, _ in pairs], dtype=np.int64),
        day=np.array([d for _, d in pairs], dtype=np.int64),
        amount=np.ones(len(pairs)),
        first_day=np.array([firsts.get(c, NEVER) for c in range(n)], dtype=np.int64),
    )
    edges = month_edges(months)
    trend_ends = edges[1:][loyalty._FIRST :] - 1
    cells = loyalty._month_cells(orders_.occasions, months)
    member_join = np.array(join, dtype=np.int64)
    joined = np.searchsorted(trend_ends, member_join, side="left")
    active, at_least, by_month, now, retention = _by_table(days, months, join, n)
    thresholds = tuple(at_least)
    windows = loyalty._window_counts(cells, thresholds, joined)
    for block in (1, 2, 5):  # by blocks of customers: the same counts
        by_blocks = loyalty._window_counts(cells, thresholds, joined, block)
        assert by_blocks.at_least.tolist() == windows.at_least.tolist()
        assert by_blocks.joined is not None and windows.joined is not None
        assert by_blocks.joined.tolist() == windows.joined.tolist()
    first_month = month_index(orders_.first_day, months)
    cohorts = loyalty._cohorts(cells, first_month, months)
    trend = cells.month >= loyalty._FIRST
    assert np.bincount(cells.month[trend] - loyalty._FIRST, minlength=12).tolist() == active
    for row, (t, counted) in zip(windows.at_least, at_least.items(), strict=True):
        assert row.tolist() == counted, t
    assert windows.joined.tolist() == by_month
    assert loyalty._members_now(cells, member_join, trend_ends, n).tolist() == now
    assert [(row.customers, row.retention) for row in cohorts] == retention
    assert [row.cohort for row in cohorts] == list(months[loyalty._FIRST :])


_SPAN_START = {"gregorian": Period("gregorian", 2026, 10), "jalali": Period("jalali", 1405, 7)}


@hypothesis_settings(max_examples=80, deadline=None)
@given(
    calendar=st.sampled_from(["gregorian", "jalali"]),
    rows=st.lists(st.tuples(st.integers(0, 5), st.integers(-60, 760)), max_size=50),
    joins=st.lists(st.one_of(st.just(None), st.integers(-60, 760)), min_size=6, max_size=6),
)
def test_month_counts_match_a_table_of_every_customer_by_month(calendar, rows, joins):
    # Days from two months before the 23-month span to a month after it; joins too, or never.
    period = _SPAN_START[calendar]
    first = day_number(period.trailing(loyalty._SPAN)[0].start)
    days: dict[int, list[int]] = {}
    for c, offset in rows:
        days.setdefault(c, []).append(first + offset)
    join = [NEVER if j is None else first + j for j in joins]
    _check_against_the_table(days, period, join)


def test_month_counts_of_degenerate_clients() -> None:
    """No orders; one customer; every order in one month; orders only outside the span; a
    Jalali span; a customer with 40 occasions in one month."""
    period = Period("gregorian", 2026, 10)
    first = day_number(period.trailing(loyalty._SPAN)[0].start)
    last = day_number(period.end)
    _check_against_the_table({}, period, [NEVER, first])
    _check_against_the_table({0: [first + 100, first + 400, last]}, period, [first + 500])
    one_month = {c: [last - c, last - 2 * c] for c in range(4)}
    _check_against_the_table(one_month, period, [first, last, last + 1, NEVER])
    outside = {0: [first - 1, first - 400], 1: [last + 1, last + 90]}
    _check_against_the_table(outside, period, [first, first])
    jalali = Period("jalali", 1404, 12)
    start = day_number(jalali.trailing(loyalty._SPAN)[0].start)
    _check_against_the_table(
        {0: [start, start + 360], 1: [day_number(jalali.end)]},
        jalali,
        [
            start,
            NEVER,
        ],
    )
    _check_against_the_table({0: list(range(last - 39, last + 1))}, period, [first])


def test_window_counts_of_a_customer_every_day_and_thresholds_beyond_int16() -> None:
    """Every day of ten years: 365 or 366 occasions in each window (the block's table is int16);
    a loyalty_min_orders beyond int16 is met by nobody, not wrapped."""
    period = Period("gregorian", 2026, 10)
    months = period.trailing(loyalty._SPAN)
    last = day_number(period.end)
    days = np.arange(last - 3650, last + 31, dtype=np.int64)
    orders_ = CustomerOrders(
        ids=pd.Index(["C0", "C1"]),
        customer=np.repeat(np.array([0, 1], dtype=np.int64), [len(days), 1]),
        day=np.concatenate((days, [last])),
        amount=np.ones(len(days) + 1),
        first_day=np.array([days[0], last], dtype=np.int64),
    )
    cells = loyalty._month_cells(orders_.occasions, months)
    edges = month_edges(months)
    in_window = [int(edges[j + TREND_MONTHS] - edges[j]) for j in range(TREND_MONTHS)]
    thresholds = (min(in_window), max(in_window) + 1, 1 << 15, 1 << 40)
    joined = np.array([TREND_MONTHS - 1, 0])
    for block in (1, loyalty._BLOCK_CELLS):
        windows = loyalty._window_counts(cells, thresholds, joined, block)
        assert windows.at_least.tolist() == [[1] * 12, [0] * 12, [0] * 12, [0] * 12]
        assert windows.joined is not None
        assert windows.joined.tolist() == [0] * 11 + [2]


def _short_history(first: str) -> Tables:
    """A: `first` and 11 Sep 2026 (the only gap: K derived is the floor, 30 days); B: 10 Oct."""
    rows = (("A", first, 10.0), ("A", "2026-09-11", 10.0), ("B", "2026-10-10", 10.0))
    return Tables(customers=customers(["A", "B"]), orders=orders(rows))


def test_lapsing_is_judged_from_a_history_of_2k_days():
    # K = 30 (gap 10 days, floored); Oct 31 is 60 days after Sep 1, 59 after Sep 2.
    judged = compute_loyalty(_short_history("2026-09-01"), OCT_2026, settings())
    assert (judged.churn_days, judged.churn_days_derived, judged.lapsing_judged) == (30, True, True)
    # B (21 days) at risk; A (last order 11 Sep) reached 30 days on 11 Oct, from Sep's base.
    assert judged.at_risk == Change(1, None)  # Sep 30 is 29 days in: no baseline
    assert judged.churned == Change(1, None)
    assert judged.churn_rate == Change(1.0, None)
    assert _months(judged, "lapsing_judged") == (False,) * 11 + (True,)

    short = compute_loyalty(_short_history("2026-09-02"), OCT_2026, settings())
    assert short.lapsing_judged is False
    assert short.at_risk == Change(1, None)  # still counted for the JSON, flagged
    assert short.churn_rate is None
    assert _months(short, "churn_rate") == (None,) * 12


def test_one_month_of_orders_is_too_short_unless_k_is_set():
    # At risk with K = 30: last order 15..29 days before Oct 31, A (11 Oct) and B (2 Oct).
    derived = compute_loyalty(one_month_tables(), OCT_2026, settings())
    assert (derived.churn_days, derived.lapsing_judged) == (30, False)
    assert derived.at_risk == Change(2, None) and derived.churn_rate is None
    chosen = compute_loyalty(one_month_tables(), OCT_2026, settings(churn_days=30))
    assert chosen.lapsing_judged is True and chosen.at_risk == Change(2, None)


def test_no_orders_judge_no_lapsing():
    empty = Tables(customers=customers(["A"]), orders=orders(()))
    result = compute_loyalty(empty, OCT_2026, settings())
    assert result.lapsing_judged is False and result.at_risk == Change(0, None)


def test_count_in_windows_by_hand() -> None:
    """Items on days 10, 10, 12, 15 with keys 11, 30, 13, 100: window [10, 12] counts the
    items with key > 12 (days 10 key 30 and 12 key 13), [10, 15] those with key > 50 (day 15),
    [13, 14] none, an empty window [14, 13] none, and [0, 100] those with key > 11 (three)."""
    day = np.array([10, 10, 12, 15])
    key = np.array([11, 30, 13, 100])
    low, high = np.array([10, 10, 13, 14, 0]), np.array([12, 15, 14, 13, 100])
    above = np.array([12, 50, 0, 0, 11])
    counts = loyalty._count_in_windows(day, key, low, high, above, first_day=10)
    assert counts.tolist() == [2, 1, 0, 0, 3]
    none = loyalty._count_in_windows(day[:0], key[:0], low, high, above, first_day=0)
    assert none.tolist() == [0, 0, 0, 0, 0]
    assert loyalty._count_in_windows(day, key, low[:0], high[:0], above[:0], 10).tolist() == []


def _churn_by_hand(days: dict[int, list[int]], churn_days, edges):
    """at_risk, alive, churned, from_base per trend month, customer by customer in Python."""
    figures = []
    for j, k in enumerate(churn_days.tolist()):
        start, stop = int(edges[loyalty._FIRST + j]), int(edges[loyalty._FIRST + j + 1])
        end, before = stop - 1, start - 1
        at_risk = alive = churned = from_base = 0
        for ds in days.values():
            ds = sorted(set(ds))
            last = [d for d in ds if d <= end]
            at_risk += bool(last) and (k + 1) // 2 <= end - last[-1] < k
            last_before = [d for d in ds if d <= before]
            alive += bool(last_before) and before - last_before[-1] < k
            lapses = [d for i, d in enumerate(ds) if i + 1 == len(ds) or ds[i + 1] > d + k]
            lapsing = [d for d in lapses if start <= d + k < stop]
            churned += bool(lapsing)
            from_base += any(d < start for d in lapsing)
        figures.append((at_risk, alive, churned, from_base))
    return [list(column) for column in zip(*figures, strict=True)]


@hypothesis_settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 1000)), max_size=40),
    churn_days=st.lists(st.integers(1, 400), min_size=TREND_MONTHS, max_size=TREND_MONTHS),
)
def test_churn_figures_match_a_count_by_hand_with_a_window_per_month(rows, churn_days):
    # Each month its own K, short ones (a customer may churn twice in a month) among them.
    months = OCT_2026.trailing(loyalty._SPAN)
    edges = np.asarray([day_number(m.start) for m in months] + [day_number(OCT_2026.end) + 1])
    first = day_number(date(2024, 1, 1))
    days: dict[int, list[int]] = {}
    for customer, offset in rows:
        days.setdefault(customer, []).append(first + offset)
    pairs = sorted({(c, d) for c, ds in days.items() for d in ds if d < edges[-1]})
    kept = {c: [d for cc, d in pairs if cc == c] for c in {c for c, _ in pairs}}
    orders_ = CustomerOrders(
        ids=pd.Index([f"C{c}" for c in range(6)]),
        customer=np.array([c for c, _ in pairs], dtype=np.int64),
        day=np.array([d for _, d in pairs], dtype=np.int64),
        amount=np.ones(len(pairs)),
        first_day=np.zeros(6, dtype=np.int64),
    )
    k = np.asarray(churn_days, dtype=np.int64)
    found = loyalty._churn_figures(orders_.occasions, k, months, edges)
    assert [column.tolist() for column in found] == _churn_by_hand(kept, k, edges)


def test_churn_figures_of_one_customer_who_never_came_back() -> None:
    """One order on 2026-08-01, K = 40 every month: at risk at the end of August (30 days,
    at least 20), alive at the end of August for September's rate (30 < 40), churned on
    September 10 (from September's base); nothing before or after."""
    months = OCT_2026.trailing(loyalty._SPAN)
    edges = np.asarray([day_number(m.start) for m in months] + [day_number(OCT_2026.end) + 1])
    orders_ = CustomerOrders(
        ids=pd.Index(["A"]),
        customer=np.zeros(1, dtype=np.int64),
        day=np.array([day_number(date(2026, 8, 1))]),
        amount=np.ones(1),
        first_day=np.array([day_number(date(2026, 8, 1))]),
    )
    k = np.full(TREND_MONTHS, 40, dtype=np.int64)
    at_risk, alive, churned, from_base = loyalty._churn_figures(orders_.occasions, k, months, edges)
    zeros = [0] * (TREND_MONTHS - 3)
    assert at_risk.tolist() == [*zeros, 1, 0, 0]
    assert alive.tolist() == [*zeros, 0, 1, 0]
    assert churned.tolist() == [*zeros, 0, 1, 0]
    assert from_base.tolist() == [*zeros, 0, 1, 0]


def test_offers_counted_by_code() -> None:
    """Redemptions in the trend months (month index 11..22 of the span; 22 the period's):
    A (active) redeems gift twice, the same member once; B (active) gift once and ship in an
    earlier month; C (not active) ship; Z (no order: code -1) gift; X's shipping falls before
    the trend; Y's row is not a redemption and W's has no offer. gift: 3 redemptions by 2
    active members (of 2); ship: 2, 1 member, redeemed before the month."""
    events = pd.DataFrame(
        {
            "customer_id": pd.array(["A", "A", "B", "B", "C", "Z", "X", "Y", "W"], "string"),
            "offer": pd.Categorical(
                ["gift", "gift", "gift", "ship", "ship", "gift", "ship", "gift", None]
            ),
        }
    )
    month = np.array([22, 21, 22, 15, 20, 22, 5, 22, 22])
    redeemed = np.array([True] * 7 + [False, True])
    ids = pd.Index(["A", "B", "C"], dtype="string")
    active_now = np.array([True, True, False])
    codes = np.array([0, 0, 1, 1, 2, -1, -1, -1, -1])
    expected = (
        loyalty.OfferUse("gift", 3, 4, 2, 1.0),
        loyalty.OfferUse("ship", 0, 2, 1, 0.5),
    )
    assert loyalty._offers(events, month, redeemed, ids, active_now, codes) == expected
    assert loyalty._offers(events, month, redeemed, ids, active_now) == expected  # by id
    nothing = np.zeros(len(events), dtype=bool)
    assert loyalty._offers(events, month, nothing, ids, active_now, codes) == ()
    nobody = np.zeros(3, dtype=bool)
    assert [o.members for o in loyalty._offers(events, month, redeemed, ids, nobody)] == [0, 0]


def test_offers_redeemed_without_any_ordering_customer() -> None:
    """No customer has ordered by the period end: each offer still counts its redemptions,
    by no active member (this raised IndexError on the empty active-members array)."""
    events = pd.DataFrame(
        {"customer_id": pd.array(["A", "B"], "string"), "offer": pd.array(["gift"] * 2, "string")}
    )
    ids = pd.Index([], dtype="string")
    empty = np.zeros(0, dtype=bool)
    month, redeemed = np.array([22, 20]), np.ones(2, dtype=bool)
    expected = (loyalty.OfferUse("gift", 1, 2, 0, None),)
    assert loyalty._offers(events, month, redeemed, ids, empty) == expected
    assert loyalty._offers(events, month, redeemed, ids, empty, np.array([-1, -1])) == expected


def test_offers_tied_on_members_by_redemptions_then_name() -> None:
    events = pd.DataFrame(
        {
            "customer_id": pd.array(["A", "A", "A", "B"], "string"),
            "offer": pd.array(["zeta", "beta", "alpha", "beta"], "string"),
        }
    )
    ids = pd.Index(["A", "B"], dtype="string")
    found = loyalty._offers(
        events, np.full(4, 22), np.ones(4, dtype=bool), ids, np.array([True, False])
    )
    assert [(o.offer, o.members, o.redemptions_12m) for o in found] == [
        ("beta", 1, 2),
        ("alpha", 1, 1),
        ("zeta", 1, 1),
    ]


def _tier_events() -> pd.DataFrame:
    """A's, B's, C's and D's loyalty events with tiers (see the test below)."""
    dates = ["2026-10-01", "2026-10-05", "2026-10-05", "2026-10-02", None, None, None, "2026-10-03"]
    return pd.DataFrame(
        {
            "customer_id": pd.array(["A", "A", "A", "B", "B", "C", "C", "D"], "string"),
            "date": pd.to_datetime(dates),
            "tier": pd.Categorical(
                ["gold", "silver", "bronze", "silver", "gold", "silver", "gold", None]
            ),
        }
    )


def test_tiers_take_each_members_latest_tier() -> None:
    """A: gold on Oct 1, then silver and bronze both on Oct 5 (the later row wins: bronze);
    B: silver on Oct 2 and an undated gold (a date beats none); C: undated silver, then
    undated gold (the later row: gold); D's only event has no tier. Of 5 members: bronze 1,
    gold 1, silver 1; 2 untiered."""
    events = _tier_events()
    tiers, untiered = loyalty._tiers(events, members=5)
    assert [(t.tier, t.members) for t in tiers] == [("bronze", 1), ("gold", 1), ("silver", 1)]
    assert untiered == 2
    # Reversed rows: A's same-day pair now ends with silver, C's undated pair with silver.
    tiers, untiered = loyalty._tiers(events.iloc[::-1].reset_index(drop=True), members=5)
    assert [(t.tier, t.members, t.share) for t in tiers] == [("silver", 3, 1.0)]
    assert untiered == 2
    none, untiered = loyalty._tiers(events.iloc[7:], members=1)  # D's event only: no tier
    assert (none, untiered) == ((), 1)


def test_tiers_the_same_by_blocks_and_with_every_event_tiered(monkeypatch) -> None:
    """Positions added by blocks of 3 events, or all at once; every event tiered (A, B and C's,
    read in place) or not (D's too): the same latest tiers."""
    events = _tier_events()
    rows = np.asarray([3, 3, 3, 0, 0, 7, 7, 1], dtype=np.int32)
    every = [loyalty._tiers(events.iloc[:7], 3), loyalty._tiers(events.iloc[:7], 3, rows[:7])]
    some = [loyalty._tiers(events, 5), loyalty._tiers(events, 5, rows)]
    assert every[0] == every[1]
    assert [(t.tier, t.members) for t in every[0][0]] == [("bronze", 1), ("gold", 1), ("silver", 1)]
    assert every[0][1] == 0
    monkeypatch.setattr(loyalty, "_RANK_BLOCK", 3)
    assert [
        loyalty._tiers(events.iloc[:7], 3),
        loyalty._tiers(events.iloc[:7], 3, rows[:7]),
    ] == every
    assert [loyalty._tiers(events, 5), loyalty._tiers(events, 5, rows)] == some


def test_tiers_leave_the_events_dates_as_they_are() -> None:
    """The latest tiers are worked out in place in the taken dates: the events keep their dates;
    with no date at all, each member's last row in sheet order."""
    events = _tier_events()
    before = events["date"].copy()
    expected = loyalty._tiers(events, members=5)
    pd.testing.assert_series_equal(events["date"], before)
    assert [(t.tier, t.members) for t in expected[0]] == [("bronze", 1), ("gold", 1), ("silver", 1)]
    undated = events.assign(date=pd.NaT)  # the later row of each: A bronze, B gold, C gold
    tiers, untiered = loyalty._tiers(undated, members=5)
    assert [(t.tier, t.members) for t in tiers] == [("gold", 2), ("bronze", 1)]
    assert untiered == 2


def test_tiers_by_the_events_customer_rows_are_those_by_their_ids() -> None:
    """Grouped by each event's row of the customers sheet (A row 3, B row 0, C row 7, D row 1)
    or by the ids: the same latest tiers; a row -1 (an id not listed) falls back to the ids."""
    events = _tier_events()
    rows = np.asarray([3, 3, 3, 0, 0, 7, 7, 1], dtype=np.int32)
    expected = loyalty._tiers(events, members=5)
    assert loyalty._tiers(events, 5, rows) == expected
    assert [(t.tier, t.members) for t in expected[0]] == [("bronze", 1), ("gold", 1), ("silver", 1)]
    unlisted = rows.copy()
    unlisted[5:7] = -1  # C not in the customers sheet: grouped by id, still one member
    assert loyalty._tiers(events, 5, unlisted) == expected
    one = loyalty._tiers(events.iloc[:3], 1, rows[:3])  # one customer: the later same-day row
    assert [(t.tier, t.members, t.share) for t in one[0]] == [("bronze", 1, 1.0)]
    assert one[1] == 0


def test_segment_values_by_the_orders_own_ids_and_with_no_segment_known():
    """The deck's shared segments are indexed by the orders' very ids (taken by code, not looked
    up): the same breakdown; segments of customers without orders only: none."""
    tables = lifecycle_tables()
    orders_ = loyalty.customer_orders(tables.orders, OCT_2026, tables.returns)
    by_ids = pd.Series([SEGMENTS.get(i) for i in orders_.ids], index=orders_.ids, dtype="string")
    assert loyalty._segment_values(orders_, by_ids) == loyalty._segment_values(orders_, SEGMENTS)
    assert loyalty._segment_values(orders_, {"X": "Champions"}) == ()


def test_one_stray_old_order_does_not_make_a_history_long():
    # A month of orders from 12 customers (A twice: K derived is the floor, 30 days) and one
    # order of Z in January 2024: the first order alone judged lapsing, so the deck said
    # "2 customers are at risk" of a month-old shop. 1 occasion in 14 is 2K days old, not 1 in 10.
    rows = [("Z", "2024-01-15", 5.0), ("A", "2026-10-01", 5.0), ("A", "2026-10-11", 5.0)]
    rows += [(f"C{i:02d}", f"2026-10-{20 + i:02d}", 5.0) for i in range(11)]
    people = customers(["Z", "A", *(f"C{i:02d}" for i in range(11))])
    stray = compute_loyalty(Tables(customers=people, orders=orders(rows)), OCT_2026, settings())
    assert (stray.churn_days, stray.lapsing_judged, stray.churn_rate) == (30, False, None)
    assert stray.at_risk.current == 1  # A, 20 days silent: counted, not judged
    # Two such old occasions of 15 are more than one in ten: judged.
    rows.append(("Z", "2024-03-01", 5.0))
    both = compute_loyalty(Tables(customers=people, orders=orders(rows)), OCT_2026, settings())
    assert both.lapsing_judged is True


def _widened(visits):
    """The same purchase occasions with int64 customers and days (as before issue 17's cut)."""
    return dataclasses.replace(
        visits, customer=visits.customer.astype(np.int64), day=visits.day.astype(np.int64)
    )


@pytest.mark.parametrize("churn_days", [1, 45, 2**40])
def test_int32_occasions_count_as_int64_ones(churn_days) -> None:
    """The loyalty counts from int32 occasions equal those from int64 ones, K far beyond
    int32 too (day + K would overflow int32: it is widened, not wrapped or refused)."""
    tables = lifecycle_tables()
    orders_ = loyalty.customer_orders(tables.orders, OCT_2026, tables.returns)
    visits = orders_.occasions
    assert visits.day.dtype == np.int32 and visits.customer.dtype == np.int32
    months = OCT_2026.trailing(loyalty._SPAN)
    edges = np.asarray([day_number(m.start) for m in months] + [day_number(OCT_2026.end) + 1])
    k = np.full(TREND_MONTHS, churn_days, dtype=np.int64)
    narrow = loyalty._churn_figures(visits, k, months, edges)
    wide = loyalty._churn_figures(_widened(visits), k, months, edges)
    assert [a.tolist() for a in narrow] == [a.tolist() for a in wide]
    wanted = np.ones(TREND_MONTHS, dtype=bool)
    counted = loyalty._count_churned(visits, churn_days, months, edges, wanted)
    widened = loyalty._count_churned(_widened(visits), churn_days, months, edges, wanted)
    assert [a.tolist() for a in counted] == [a.tolist() for a in widened]
    cells, wide_cells = (loyalty._month_cells(v, months) for v in (visits, _widened(visits)))
    for name in ("customer", "month", "occasions"):
        assert getattr(cells, name).tolist() == getattr(wide_cells, name).tolist()


def test_month_cells_of_customer_codes_beyond_int32_over_the_span() -> None:
    """A customer code times the span's months beyond int32 (2**31 // 23 + 1 customers):
    the cell's key is widened first, so the customer comes back whole."""
    months = OCT_2026.trailing(loyalty._SPAN)
    code = 2**31 // len(months) + 1
    day = day_number(OCT_2026.start)
    visits = dataclasses.replace(
        loyalty.customer_orders(lifecycle_tables().orders, OCT_2026).occasions,
        customer=np.array([code], dtype=np.int32),
        day=np.array([day], dtype=np.int32),
        next_day=np.array([NEVER], dtype=np.int64),
    )
    cells = loyalty._month_cells(visits, months)
    assert cells.customer.tolist() == [code] and cells.month.tolist() == [len(months) - 1]


def _occasions(pairs: list[tuple[int, int]], customers: int) -> object:
    """The purchase occasions of (customer, day) `pairs`."""
    pairs = sorted(set(pairs))
    firsts: dict[int, int] = {}
    for c, d in pairs:
        firsts.setdefault(c, d)
    return CustomerOrders(
        ids=pd.Index([f"C{c}" for c in range(customers)]),
        customer=np.array([c for c, _ in pairs], dtype=np.int64),
        day=np.array([d for _, d in pairs], dtype=np.int64),
        amount=np.ones(len(pairs)),
        first_day=np.array([firsts.get(c, NEVER) for c in range(customers)], dtype=np.int64),
    ).occasions


def _churn_days_by_sorting(visits, ends: np.ndarray) -> list[int]:
    """K at each of `ends` as first computed: the percentile of the gaps known by then, sorted
    by their next occasion."""
    repeat = visits.next_day != NEVER
    order = np.argsort(visits.next_day[repeat], kind="stable")
    gaps = (visits.next_day - visits.day)[repeat][order]
    known = np.searchsorted(visits.next_day[repeat][order], ends, side="right")
    return [
        loyalty._derived_churn_days(
            float(np.percentile(gaps[:n], loyalty.CHURN_PERCENTILE)) if n else None
        )
        for n in known
    ]


def _lapsing_judged_by_sorting(visits, churn_days: np.ndarray, ends: np.ndarray) -> list[bool]:
    days = np.sort(visits.day)
    to_date = np.searchsorted(days, ends, side="right")
    old = np.searchsorted(days, ends - 2 * churn_days, side="right")
    return ((old > 0) & (old * loyalty._OLD_SHARE >= to_date)).tolist()


_GAP_DAYS = st.one_of(
    st.integers(0, 40),  # many equal gaps: read off the histogram
    st.integers(0, 3000),  # mostly distinct: interpolated by np.percentile
    st.integers(0, 3 * loyalty._GAP_BINS),  # beyond the histogram's days
)


@hypothesis_settings(max_examples=150, deadline=None)
@given(
    pairs=st.lists(st.tuples(st.integers(0, 6), _GAP_DAYS), max_size=80),
    repeats=st.integers(1, 40),
)
def test_churn_days_and_lapsing_equal_those_of_a_sort(pairs, repeats):
    # Customers repeated with the same days give many equal gaps, as a big client has.
    base = day_number(date(2020, 1, 1))
    spread = [(c + 7 * k, base + d) for k in range(repeats) for c, d in pairs]
    visits = _occasions(spread, 7 * repeats)
    period = Period("gregorian", 2026, 10)
    ends = np.array([base + 30 * j for j in range(12)] + [day_number(period.end)])[-12:]
    ends = np.sort(np.concatenate([ends[:6], base + np.array([100, 900, 2000, 4000, 9000, 13000])]))
    churn_days, derived = loyalty._churn_days(visits, settings(), ends)
    assert derived
    assert churn_days.tolist() == _churn_days_by_sorting(visits, ends)
    judged = loyalty._lapsing_judged(visits, churn_days, ends, derived)
    assert judged.tolist() == _lapsing_judged_by_sorting(visits, churn_days, ends)


def test_churn_days_of_a_million_like_history_read_off_the_histogram(monkeypatch):
    # Many customers with gaps of whole days: every month's K from the histogram alone.
    rng = np.random.default_rng(7)
    base = day_number(date(2024, 1, 1))
    days = base + rng.integers(0, 120, size=(20000, 3))
    pairs = [(c, int(d)) for c in range(20000) for d in days[c]]
    visits = _occasions(pairs, 20000)
    ends = base + 60 + 5 * np.arange(12)
    expected = _churn_days_by_sorting(visits, ends)

    def unused(*args: object, **kwargs: object) -> object:
        raise AssertionError("np.percentile called")

    monkeypatch.setattr(loyalty.np, "percentile", unused)
    assert loyalty._churn_days(visits, settings(), ends)[0].tolist() == expected


def test_occasions_to_days_before_within_and_after_the_span():
    visits = _occasions([(0, 100), (0, 105), (1, 105), (1, 110)], 2)
    days = np.array([-(10**9), 99, 100, 104, 105, 109, 110, 111, 10**9])
    assert loyalty._occasions_to(visits, days).tolist() == [0, 0, 1, 1, 3, 3, 4, 4, 4]
    assert loyalty._occasions_to(_occasions([], 1), days).tolist() == [0] * len(days)
    # Two rows of days at once (_lapsing_judged's two counts): each row as counted alone.
    both = loyalty._occasions_to(visits, np.stack((days, days - 5)))
    assert both.tolist() == [
        loyalty._occasions_to(visits, row).tolist() for row in (days, days - 5)
    ]
