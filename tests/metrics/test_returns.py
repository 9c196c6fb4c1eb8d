"""Returns net against revenue and are never orders (docs/metrics.md#returns).

Built on `segment_tables` (tests/metrics/conftest.py, October 2026): without returns the month's
revenue is 300 (C1 150, C2 80, C4 40, C8 30) against 110 in September (C2 20 the 1st of
August is not September: C1 50, C3 60), and all revenue to October's end is 830.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pandas as pd
import pytest

from deckgen.config import MetricsSettings
from deckgen.data.tables import Tables
from deckgen.metrics.common import Change, customer_orders, day_number
from deckgen.metrics.lifecycle import compute_metrics
from deckgen.metrics.segments import rfm_table
from deckgen.period import Period
from tests.metrics.fixtures_lifecycle import OCT_2026, make_frame

RETURNS = [
    ["R1", "C1", "2026-10-15", -30.0],  # nets C1's October
    ["R2", "C3", "2026-10-20", -60.0],  # C3 bought in September only: October revenue, not active
    ["R3", "C9", "2026-10-05", -99.0],  # no order ever: no revenue to net against
    ["R4", "C2", "2026-11-03", -80.0],  # after the period
    ["R5", "C3", "2026-09-10", -20.0],  # nets September
]


@pytest.fixture
def with_returns(segment_tables: Tables) -> Tables:
    returns = make_frame("orders", ["order_id", "customer_id", "order_date", "amount"], RETURNS)
    return dataclasses.replace(segment_tables, returns=returns)


def test_revenue_of_the_month_is_net_of_its_returns(with_returns: Tables):
    metrics = compute_metrics(with_returns, OCT_2026, MetricsSettings())
    # October 300 - 30 (R1) - 60 (R2) = 210; September 110 - 20 (R5) = 90.
    assert metrics.segmentation.revenue == Change(210.0, 90.0)
    assert dict((n, v) for n, v, _ in metrics.headline_figures())["revenue"] == 210.0


def test_a_return_is_never_an_order_an_active_month_or_a_repeat(
    segment_tables: Tables, with_returns: Tables
):
    plain = compute_metrics(segment_tables, OCT_2026, MetricsSettings())
    netted = compute_metrics(with_returns, OCT_2026, MetricsSettings())
    assert netted.orders == plain.orders == 11
    assert netted.loyalty.active == plain.loyalty.active
    assert netted.loyalty.new == plain.loyalty.new
    assert netted.loyalty.repeat_rate_12m == plain.loyalty.repeat_rate_12m
    assert netted.segmentation.customers == plain.segmentation.customers
    assert [m.active for m in netted.loyalty.months] == [m.active for m in plain.loyalty.months]


def test_rfm_monetary_is_net_and_frequency_counts_orders_only(with_returns: Tables):
    rfm = rfm_table(with_returns, OCT_2026, MetricsSettings())
    assert rfm.loc["C1", "monetary"] == 270.0  # 300 - 30
    assert rfm.loc["C3", "monetary"] == -20.0  # 60 - 60 - 20
    assert rfm.loc["C2", "monetary"] == 100.0  # R4 is after October
    assert rfm.loc["C1", "frequency"] == 4
    assert rfm.loc["C3", "frequency"] == 1
    assert "C9" not in rfm.index


def test_revenue_per_customer_lifetime_is_net_of_returns(with_returns: Tables):
    loyalty = compute_metrics(with_returns, OCT_2026, MetricsSettings()).loyalty
    clv = loyalty.revenue_per_customer_lifetime
    # To October's end (830 - 30 - 60 - 20) / 6 customers; to September's end
    # (C1 150 + C2 20 + C3 60 + C5 300 - 20) / 4 customers.
    assert clv == Change(720 / 6, 510 / 4)


def test_revenue_windows_per_customer_include_their_returns(with_returns: Tables):
    orders = customer_orders(with_returns.orders, OCT_2026, with_returns.returns)
    c3 = orders.ids.get_loc("C3")
    first = orders.first_day  # C3's first order: 2026-09-05
    in_30_days = orders.revenue(first, first + 30)
    assert in_30_days[c3] == 60.0 - 20.0  # R5 on the 5th day after; R2 on the 45th is outside
    assert orders.revenue(first, first + 60)[c3] == 60.0 - 20.0 - 60.0
    assert orders.total() == 830.0 - 30.0 - 60.0 - 20.0
    assert orders.total(stop=day_number(OCT_2026.start)) == 530.0 - 20.0
    cents = orders.revenue(cents=True)
    assert cents.dtype == np.float64 and cents[c3] == -2000.0


def test_without_returns_revenue_is_unchanged(segment_tables: Tables):
    orders = customer_orders(segment_tables.orders, OCT_2026, None)
    assert len(orders.return_day) == 0
    assert orders.total() == 830.0


def test_orders_are_coded_once_for_the_analyses_with_returns_and_clv_without(
    with_returns: Tables, monkeypatch: pytest.MonkeyPatch
):
    """The CLV reads the analyses' shared orders (their own arrays, not the returns beside
    them): one deck codes the orders and counts their purchase occasions once."""
    from deckgen.metrics import common

    calls = []
    code_orders = common._code_orders
    monkeypatch.setattr(common, "_last_customer_orders", [])
    monkeypatch.setattr(
        common, "_code_orders", lambda *a, **k: calls.append(1) or code_orders(*a, **k)
    )
    occasions = common.CustomerOrders.occasions.func
    counted = []
    monkeypatch.setattr(
        common.CustomerOrders,
        "occasions",
        functools.cached_property(lambda self: counted.append(1) or occasions(self)),
    )
    common.CustomerOrders.occasions.__set_name__(common.CustomerOrders, "occasions")
    compute_metrics(with_returns, OCT_2026, MetricsSettings())
    assert len(calls) == 1
    assert len(common._last_customer_orders) == 1
    assert len(counted) == 1


def test_an_earlier_clients_coded_orders_are_let_go(segment_tables: Tables, monkeypatch):
    """Once a client's orders frame is gone, its coded orders are not kept for the next."""
    import gc

    from deckgen.metrics import common

    monkeypatch.setattr(common, "_last_customer_orders", [])
    earlier = segment_tables.orders.copy()
    customer_orders(earlier, OCT_2026)
    del earlier
    gc.collect()
    customer_orders(segment_tables.orders, OCT_2026)
    assert len(common._last_customer_orders) == 1
    assert common._last_customer_orders[0][0]() is segment_tables.orders


def test_orders_without_returns_never_reuse_a_gone_returns_frames_result(
    segment_tables: Tables, monkeypatch: pytest.MonkeyPatch
):
    """The orders netted of a returns frame since let go are not the orders without returns:
    a dead reference to the returns is no `returns=None` (the cache compared None to None)."""
    import gc

    from deckgen.metrics import common

    monkeypatch.setattr(common, "_last_customer_orders", [])
    orders = segment_tables.orders
    returns = make_frame("orders", ["order_id", "customer_id", "order_date", "amount"], RETURNS)
    # R1, R2 and R5 net 110 off the 830 to October's end (R3: no order; R4: November).
    assert float(customer_orders(orders, OCT_2026, returns).revenue().sum()) == 720.0
    del returns
    gc.collect()
    assert float(customer_orders(orders, OCT_2026, None).revenue().sum()) == 830.0


@pytest.fixture
def with_refund_rows(segment_tables: Tables) -> Tables:
    """The RETURNS rows as rows of the orders sheet (no returns setting): negative amounts."""
    refunds = make_frame("orders", ["order_id", "customer_id", "order_date", "amount"], RETURNS)
    orders = pd.concat([segment_tables.orders, refunds], ignore_index=True)
    return dataclasses.replace(segment_tables, orders=orders)


def test_a_refund_row_is_no_purchase(segment_tables: Tables, with_refund_rows: Tables):
    # docs/metrics.md#purchase-occasions: a row with an amount below zero is a refund, taken
    # off revenue like a return, never a purchase. Was: C9 (only a refund) counted as a
    # customer, active and new in October, and C3's refund day as a second purchase occasion.
    plain = compute_metrics(segment_tables, OCT_2026, MetricsSettings())
    refunded = compute_metrics(with_refund_rows, OCT_2026, MetricsSettings())
    assert refunded.segmentation.customers == plain.segmentation.customers
    assert refunded.loyalty.active == plain.loyalty.active
    assert refunded.loyalty.new == plain.loyalty.new
    assert refunded.loyalty.repeat_rate_12m == plain.loyalty.repeat_rate_12m
    assert [m.active for m in refunded.loyalty.months] == [m.active for m in plain.loyalty.months]
    conversion = {s.stage: s.count for s in refunded.funnel.steps}["conversion"]
    assert conversion == {s.stage: s.count for s in plain.funnel.steps}["conversion"]
    # The same money as the returns: October 300 - 30 (R1) - 60 (R2) = 210; September 110 - 20.
    assert refunded.segmentation.revenue == Change(210.0, 90.0)
    rfm = rfm_table(with_refund_rows, OCT_2026, MetricsSettings())
    assert rfm.loc["C3", "frequency"] == 1  # 5 September only: 10 and 20 October were refunds
    assert rfm.loc["C3", "monetary"] == -20.0  # 60 - 60 - 20
    assert "C9" not in rfm.index


def test_refund_rows_and_returns_give_the_same_figures(
    with_returns: Tables, with_refund_rows: Tables
):
    by_rows = compute_metrics(with_refund_rows, OCT_2026, MetricsSettings())
    by_returns = compute_metrics(with_returns, OCT_2026, MetricsSettings())
    assert by_rows.segmentation == by_returns.segmentation
    assert by_rows.loyalty == by_returns.loyalty
    assert by_rows.funnel == by_returns.funnel


def test_a_refund_row_is_no_order_in_the_count(segment_tables: Tables, with_refund_rows: Tables):
    # The orders sheet holds 11 orders to October's end and 5 refund rows, 4 of them by then.
    refunded = compute_metrics(with_refund_rows, OCT_2026, MetricsSettings())
    assert refunded.orders == compute_metrics(segment_tables, OCT_2026, MetricsSettings()).orders
    assert refunded.orders == 11


@pytest.mark.parametrize("as_returns", [False, True], ids=["refund rows", "returns setting"])
def test_a_refund_before_the_first_purchase_lowers_no_figure(
    segment_tables: Tables, as_returns: bool
):
    # C4's first purchase is on 5 October. Was: the 12 September refund lowered September's
    # revenue in the October deck (110 - 15 = 95) but not in the September deck (110, C4 no
    # customer yet): the month reported again changed its figure (docs/metrics.md#period).
    rows = [["X1", "C4", "2026-09-12", -15.0], ["X2", "C4", "2026-10-02", -5.0]]
    refunds = make_frame("orders", ["order_id", "customer_id", "order_date", "amount"], rows)
    if as_returns:
        tables = dataclasses.replace(segment_tables, returns=refunds)
    else:
        orders = pd.concat([segment_tables.orders, refunds], ignore_index=True)
        tables = dataclasses.replace(segment_tables, orders=orders)
    october = compute_metrics(tables, OCT_2026, MetricsSettings())
    september = compute_metrics(tables, Period("gregorian", 2026, 9), MetricsSettings())
    assert october.segmentation.revenue == Change(300.0, 110.0)
    assert september.segmentation.revenue.current == october.segmentation.revenue.previous
    assert rfm_table(tables, OCT_2026, MetricsSettings()).loc["C4", "monetary"] == 40.0
