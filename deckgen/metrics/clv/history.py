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
    # Pairs are sorted by customer then day: each customer's pairs are a run, and those by the
    # cut-off day are the run's first ones. Counted and read in place: neither the pairs nor
    # the orders are copied for a cut-off before the period's end (the holdout's), some 80 MB
    # an array at ten million orders.
    runs = np.bincount(days.customer, minlength=size)
    starts = np.cumsum(runs) - runs
    kept = days.day <= cutoff
    if kept.all():
        purchases = runs
    else:
        purchases = np.zeros(size, dtype=np.int64)
        ordering = np.flatnonzero(runs)
        purchases[ordering] = np.add.reduceat(kept, starts[ordering], dtype=np.int64)
    del kept
    codes = np.flatnonzero(purchases)
    starts, count = starts[codes], purchases[codes]
    first, last = days.day[starts], days.day[starts + count - 1]
    first_of = np.zeros(size, dtype=np.int64)
    first_of[codes] = first
    in_time = orders.day <= cutoff
    whole = bool(in_time.all())
    # Orders after the cut-off weigh 0.0: each customer's sums are the same, bit for bit (a
    # running sum from +0.0 is never -0.0, so adding +0.0 leaves it as it is).
    amount = orders.amount if whole else np.where(in_time, orders.amount, 0.0)
    revenue = np.bincount(orders.customer, weights=amount, minlength=size)
    on_first_day = orders.day == first_of[orders.customer]
    if not whole:
        on_first_day &= in_time
    del in_time
    first_day_spend = np.bincount(
        orders.customer, weights=np.where(on_first_day, amount, 0.0), minlength=size
    )
    del on_first_day, amount
    x = count - 1
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
