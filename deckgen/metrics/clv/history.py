"""Each customer's repeat purchases up to a cut-off day: the data the two models are fitted on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deckgen.metrics.common import CustomerOrders


@dataclass(frozen=True)
class OrderDays:
    """The distinct (customer, order day) pairs of the orders, sorted by customer then day."""

    customer: np.ndarray  # int64 customer code (into CustomerOrders.ids)
    day: np.ndarray  # int64 day number


@dataclass(frozen=True)
class PurchaseHistory:
    """Repeat purchases of the customers with an order by a cut-off day (docs/metrics.md#clv-model).

    A purchase is an order day: several orders on one day are one purchase, and the first
    purchase day starts the customer's clock and is not a repeat purchase.
    """

    customer: np.ndarray  # int64 customer codes, ascending
    x: np.ndarray  # int64 repeat purchases: order days after the first
    t_x: np.ndarray  # int64 days from the first to the last order day (0 when x = 0)
    T: np.ndarray  # int64 days from the first order day to the cut-off day
    repeat_spend: np.ndarray  # client currency: mean spend of a repeat purchase day; NaN if x = 0
    revenue: np.ndarray  # client currency: all orders up to the cut-off day


def order_days(orders: CustomerOrders) -> OrderDays:
    """The distinct order days of each customer."""
    # The purchase occasions are these very pairs, computed once for the deck's analyses.
    occasions = orders.occasions
    return OrderDays(customer=occasions.customer, day=occasions.day)


def purchase_history(orders: CustomerOrders, days: OrderDays, cutoff: int) -> PurchaseHistory:
    """The repeat purchases of each customer with an order on or before day `cutoff`."""
    size = len(orders.ids)
    # At the period's end every order is kept: the arrays are read as they are, not copied
    # (some 80 MB each at ten million orders).
    kept = days.day <= cutoff
    customer, day = (
        (days.customer, days.day) if kept.all() else (days.customer[kept], days.day[kept])
    )
    purchases = np.bincount(customer, minlength=size)
    codes = np.flatnonzero(purchases)
    # Pairs are sorted by customer then day: each customer's first and last pair bound a run.
    starts = np.searchsorted(customer, codes, side="left")
    ends = np.searchsorted(customer, codes, side="right") - 1
    first, last = day[starts], day[ends]
    in_time = orders.day <= cutoff
    if in_time.all():
        who, amount, order_day = orders.customer, orders.amount, orders.day
    else:
        who, amount, order_day = (
            orders.customer[in_time],
            orders.amount[in_time],
            orders.day[in_time],
        )
    first_of = np.zeros(size, dtype=np.int64)
    first_of[codes] = first
    revenue = np.bincount(who, weights=amount, minlength=size)
    first_day_spend = np.bincount(
        who, weights=np.where(order_day == first_of[who], amount, 0.0), minlength=size
    )
    x = purchases[codes] - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        repeat_spend = np.where(x > 0, (revenue[codes] - first_day_spend[codes]) / x, np.nan)
    return PurchaseHistory(
        customer=codes,
        x=x.astype(np.int64),
        t_x=(last - first).astype(np.int64),
        T=(cutoff - first).astype(np.int64),
        repeat_spend=repeat_spend,
        revenue=revenue[codes],
    )


def purchases_between(days: OrderDays, size: int, after: int, until: int) -> np.ndarray:
    """Order days of each customer code (0..size-1) in (after, until]."""
    inside = (days.day > after) & (days.day <= until)
    return np.bincount(days.customer[inside], minlength=size)
