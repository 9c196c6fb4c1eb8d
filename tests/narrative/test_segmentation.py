"""The RFM headline on hand-computed bases: a segment is named only when recency ranks someone."""

from __future__ import annotations

import pytest

from deckgen.config import MetricsSettings, Settings
from deckgen.data.tables import Tables
from deckgen.metrics.lifecycle import LifecycleMetrics, compute_metrics
from deckgen.narrative.claims import check_claims
from deckgen.narrative.segmentation import (
    RfmHeadline,
    RfmState,
    tell_history,
    tell_rfm_headline,
)
from tests.metrics.fixtures_lifecycle import OCT_2026, make_frame


def _tables(orders: list[tuple[str, str, float]]) -> Tables:
    """Customers and orders of (customer, order date, amount) rows."""
    ids = sorted({c for c, _, _ in orders})
    return Tables(
        customers=make_frame("customers", ["customer_id"], [[c] for c in ids]),
        orders=make_frame(
            "orders",
            ["order_id", "customer_id", "order_date", "amount"],
            [[f"O{i}", c, d, a] for i, (c, d, a) in enumerate(orders)],
        ),
    )


def _segments(
    orders: list[tuple[str, str, float]], churn_days: int | None = None
) -> LifecycleMetrics:
    """The metrics at the end of October 2026 of (customer, order date, amount) rows
    (`churn_days` set: lapsing is judged whatever the history's length)."""
    return compute_metrics(_tables(orders), OCT_2026, MetricsSettings(churn_days=churn_days))


def _headline(m: LifecycleMetrics) -> RfmHeadline:
    """The RFM headline of `m`, once its claims are checked against the metrics."""
    told = tell_rfm_headline(m.segmentation, m.loyalty)
    assert check_claims(told.claims, m) == []
    return told.context


def test_customers_who_all_ordered_on_one_day_are_not_lost():
    # Three one-time buyers, all on 15 October: recency 31 - 15 = 16 days each, all tied, so R
    # scores 3 (not 1); F is one occasion each, the floor, so F = 1: About to Sleep (3:1-2).
    m = _segments(
        [("C1", "2026-10-15", 10.0), ("C2", "2026-10-15", 20.0), ("C3", "2026-10-15", 30.0)]
    )
    assert [
        (s.name, s.customers.current) for s in m.segmentation.rfm.segments if s.customers.current
    ] == [("About to Sleep", 3)]
    told = _headline(m)
    assert told.state == RfmState.SAME_RECENCY
    assert (told.customers, told.recency_days) == (3, 16)


def test_a_subscription_base_ordering_on_one_day_is_ranked_by_purchase_days_only():
    # Everyone's last order on 1 October (recency 30, tied: R = 3); C1 bought on 3 days, C2 and
    # C3 on 1: F = 5 for C1 (beats 2 of 2), 1 for the others. 3:5 is Loyal, 3:1 About to Sleep.
    m = _segments(
        [
            ("C1", "2026-08-01", 10.0),
            ("C1", "2026-09-01", 10.0),
            ("C1", "2026-10-01", 10.0),
            ("C2", "2026-10-01", 10.0),
            ("C3", "2026-10-01", 10.0),
        ]
    )
    counts = {
        s.name: s.customers.current for s in m.segmentation.rfm.segments if s.customers.current
    }
    assert counts == {"Loyal": 1, "About to Sleep": 2}
    told = _headline(m)
    assert told.state == RfmState.SAME_RECENCY
    assert told.recency_days == 30


def test_a_lone_customer_is_not_lost():
    # One customer, orders on 2 days, the last on 14 October: 17 days; R and F tied (alone) = 3:
    # Need Attention (3:3), and the headline names no segment.
    m = _segments([("C1", "2026-09-02", 50.0), ("C1", "2026-10-14", 70.0)])
    assert [s.name for s in m.segmentation.rfm.segments if s.customers.current] == [
        "Need Attention"
    ]
    told = _headline(m)
    assert told.state == RfmState.ONE_CUSTOMER
    assert (told.customers, told.recency_days) == (1, 17)


def test_one_time_buyers_of_different_days_keep_their_recency_segments():
    # Recency 30, 20, 10 days (1, 11 and 21 October): R = 1, 3, 5; F all one occasion = 1.
    m = _segments(
        [("C1", "2026-10-01", 10.0), ("C2", "2026-10-11", 10.0), ("C3", "2026-10-21", 10.0)],
        churn_days=60,  # set: lapsing is judged on this month of history
    )
    counts = {
        s.name: s.customers.current for s in m.segmentation.rfm.segments if s.customers.current
    }
    assert counts == {"New": 1, "About to Sleep": 1, "Lost": 1}
    told = _headline(m)
    assert told.state == RfmState.LARGEST  # same revenue each: none out-earns


@pytest.mark.parametrize("amounts", [(10.0, 10.0, 10.0), (10.0, 20.0, 90.0)])
def test_the_happy_path_names_a_segment(amounts):
    # Recency 30, 20, 10: C3 (New) brings 90 of 120 = 75% from a third when amounts differ.
    rows = [(f"C{i + 1}", f"2026-10-{1 + 10 * i:02d}", a) for i, a in enumerate(amounts)]
    m = _segments(rows, churn_days=60)
    told = _headline(m)
    expected = RfmState.OUTEARNS if amounts[2] == 90.0 else RfmState.LARGEST
    assert told.state == expected
    if expected == RfmState.OUTEARNS:
        assert told.segment == "New"
        assert told.revenue_share == pytest.approx(0.75)


def test_a_history_too_short_to_judge_lapsing_names_no_lapsing_segment():
    # The same three one-time buyers (recency 30, 20, 10 days) with the churn window derived:
    # no repeat purchase, so K = 365, and no order lies 2K days back: lapsing is not judged, as
    # the repeat-and-churn slide says. C1 still scores R = 1 (Lost) against the others, so the
    # headline says the segments only rank the 3 customers, the oldest last order 30 days back.
    m = _segments(
        [("C1", "2026-10-01", 10.0), ("C2", "2026-10-11", 10.0), ("C3", "2026-10-21", 10.0)]
    )
    assert not m.loyalty.lapsing_judged
    told = _headline(m)
    assert told.state == RfmState.SHORT_HISTORY
    assert (told.customers, told.recency_days) == (3, 30)


def _history(first_orders: list[str]):
    """tell_history over customers whose (only) orders fall on these dates, as of October."""
    tables = _tables([(f"C{i}", d, 10.0) for i, d in enumerate(first_orders)])
    metrics = compute_metrics(tables, OCT_2026, Settings().metrics)
    told = tell_history(metrics.segmentation, metrics.loyalty)
    assert check_claims(told.claims, metrics) == []
    return told.context


@pytest.mark.parametrize(
    ("dates", "full", "months"),
    [
        (["2026-06-10", "2026-10-01"], False, 5),  # June to October
        (["2026-10-01"], False, 1),  # October only
        (["2025-11-03", "2026-10-01"], True, 12),  # from the window's first month: all 12
        (["2024-05-01", "2026-10-01"], True, 12),  # a first order before the window
    ],
)
def test_the_history_behind_a_twelve_month_figure(dates, full, months):
    history = _history(dates)
    assert (history.full, history.months) == (full, months)
