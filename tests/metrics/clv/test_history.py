"""Repeat purchases per customer: x, t_x, T and mean repeat spend, worked out by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen.metrics.clv.history import order_days, purchase_history, purchases_between
from deckgen.metrics.common import customer_orders, day_number
from tests.metrics.clv import former
from tests.metrics.fixtures_lifecycle import OCT_2026, orders

# A: 1 Oct (40 + 10, one purchase day), 11 Oct (30), 21 Oct (20), 5 Nov (after the period);
# B: once, 31 Oct 2026, the period's last day; C: 1 Sep and 1 Sep again, a 0-amount refund day
# on 11 Sep (-15 + 15) and 1 Oct (60).
ROWS = (
    ("A", "2026-10-01", 40.0),
    ("A", "2026-10-01", 10.0),
    ("A", "2026-10-11", 30.0),
    ("A", "2026-10-21", 20.0),
    ("A", "2026-11-05", 99.0),
    ("B", "2026-10-31", 25.0),
    ("C", "2026-09-01", 70.0),
    ("C", "2026-09-01", 5.0),
    ("C", "2026-09-11", -15.0),
    ("C", "2026-09-11", 15.0),
    ("C", "2026-10-01", 60.0),
)


def _history(cutoff: str):
    coded = customer_orders(orders(ROWS), OCT_2026)
    days = order_days(coded)
    found = purchase_history(coded, days, day_number(np.datetime64(cutoff).astype(object)))
    ids = list(coded.ids[found.customer])
    return ids, found, coded, days


def test_repeat_purchases_at_the_period_end():
    ids, found, _, _ = _history("2026-10-31")
    assert ids == ["A", "B", "C"]
    # A: days 0, 10, 20 from 1 Oct, T = 30; B: no repeat, T = 0; C: days 0, 10, 30 from 1 Sep,
    # T = 60.
    assert found.x.tolist() == [2, 0, 2]
    assert found.t_x.tolist() == [20, 0, 30]
    assert found.T.tolist() == [30, 0, 60]
    # A: (30 + 20) / 2; C: (15 + 60) / 2: the refund of 11 September is a return, not part of
    # that day's purchase (docs/metrics.md#purchase-occasions), as a configured return is not.
    assert found.repeat_spend[[0, 2]].tolist() == [25.0, 37.5]
    assert np.isnan(found.repeat_spend[1])
    assert found.revenue.tolist() == [100.0, 25.0, 135.0]  # A's November order is after the end


def test_a_cutoff_keeps_the_orders_up_to_that_day():
    ids, found, _, days = _history("2026-10-10")
    assert ids == ["A", "C"]  # B had not ordered yet
    assert found.x.tolist() == [0, 2]
    assert found.T.tolist() == [9, 39]
    assert found.t_x.tolist() == [0, 30]
    # After the cutoff, to the period end: A bought on 11 and 21 Oct, C nothing new.
    later = purchases_between(
        days,
        day_number(np.datetime64("2026-10-10").astype(object)),
        day_number(OCT_2026.end),
    )
    assert later[found.customer].tolist() == [2, 0]


def test_no_orders():
    coded = customer_orders(orders([("A", "2026-11-05", 10.0)]), OCT_2026)
    found = purchase_history(coded, order_days(coded), day_number(OCT_2026.end))
    assert len(found.x) == 0 and found.revenue.sum() == pytest.approx(0.0)


_DAYS = st.integers(0, 60).map(lambda d: str(np.datetime64("2026-09-01") + np.timedelta64(d, "D")))
_AMOUNTS = st.sampled_from([0.0, -0.0, 15.0, -15.0, 0.1, 1e-300, 99.99, 1e15])


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.tuples(st.sampled_from("ABCDE"), _DAYS, _AMOUNTS), min_size=1, max_size=40),
    cutoff=st.integers(-5, 65),
)
def test_the_same_history_as_the_former_code_to_the_bit(rows, cutoff):
    """Read in place (no copies of the pairs or orders before a cut-off), the same values."""
    coded = customer_orders(orders(rows), OCT_2026)
    days = order_days(coded)
    cut = day_number(date(2026, 9, 1)) + cutoff
    found = purchase_history(coded, days, cut)
    expected = former.purchase_history(coded, days, cut)
    # Refunds (amounts below zero) are returns, not purchases: the former code's revenue was of
    # the purchases alone; the history's is net of the refunds to the cut-off.
    net = coded.revenue(stop=cut + 1)[expected.customer] if len(coded.return_day) else None
    for name in ("customer", "x", "t_x", "T", "repeat_spend", "revenue"):
        value, wanted = getattr(found, name), getattr(expected, name)
        if name == "revenue" and net is not None:
            wanted = net
        # With no order by the cut-off the former revenue was np.bincount's int64 of no weights.
        assert value.dtype == wanted.dtype or len(value) == 0, name
        assert np.array_equal(value, wanted, equal_nan=True), name
        # -0.0 and 0.0 compare equal: the bits too.
        assert value.tobytes() == wanted.tobytes(), name


def test_one_customer_one_order_and_zero_amounts():
    coded = customer_orders(orders([("A", "2026-10-03", 0.0)]), OCT_2026)
    days = order_days(coded)
    for cut in (day_number(date(2026, 10, 2)), day_number(date(2026, 10, 3))):
        found = purchase_history(coded, days, cut)
        expected = former.purchase_history(coded, days, cut)
        assert found.customer.tolist() == expected.customer.tolist()
        assert found.revenue.tobytes() == expected.revenue.tobytes()
    assert found.x.tolist() == [0] and found.T.tolist() == [0] and found.revenue.tolist() == [0]
