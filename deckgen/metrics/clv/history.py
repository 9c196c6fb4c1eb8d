"""Each customer's repeat purchases up to a cut-off day: the data the two models are fitted on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deckgen.metrics.common import CustomerOrders, PurchaseOccasions

_ORDER_BLOCK = 1 << 20  # orders per block of _not_on_first_day: 8 MB of days gathered


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
    revenue: np.ndarray  # client currency: all orders up to the cut-off day, net of returns


def order_days(orders: CustomerOrders) -> PurchaseOccasions:
    """The distinct order days of each customer: their purchase occasions, computed once for
    the deck's analyses."""
    return orders.occasions


def purchase_history(
    orders: CustomerOrders, days: PurchaseOccasions, cutoff: int
) -> PurchaseHistory:
    """The repeat purchases of each customer with an order on or before day `cutoff`."""
    size = len(orders.ids)
    # Each customer's occasions are a run sorted by day: those by the cut-off day are the run's
    # first ones. Counted and read in place: neither the occasions nor the orders are copied
    # for a cut-off before the period's end (the holdout's), some 80 MB an array at ten
    # million orders.
    purchases = days.counts(days.low, cutoff + 1)
    codes = np.flatnonzero(purchases)
    starts, count = days.first_positions()[codes], purchases[codes]
    del purchases
    first, last = days.day[starts], days.day[starts + count - 1]
    del starts
    first_of = np.zeros(size, dtype=np.int64)
    first_of[codes] = first
    in_time = orders.day <= cutoff
    whole = bool(in_time.all())
    # Orders after the cut-off weigh 0.0: each customer's sums are the same, bit for bit (a
    # running sum from +0.0 is never -0.0, so adding +0.0 leaves it as it is).
    amount = orders.amount if whole else np.where(in_time, orders.amount, 0.0)
    revenue = np.bincount(orders.customer, weights=amount, minlength=size)
    # Historical revenue is net of the returns and refunds to the cut-off (docs/metrics.md#returns);
    # the spend per purchase is of the purchases alone.
    net = orders.revenue(stop=cutoff + 1) if len(orders.return_day) else revenue
    later = _not_on_first_day(orders, first_of)
    del first_of
    if not whole:
        later |= ~in_time
    del in_time
    if whole:
        amount = np.where(later, 0.0, amount)
    else:
        np.copyto(amount, 0.0, where=later)  # our own copy: its orders of the first day alone
    del later
    first_day_spend = np.bincount(orders.customer, weights=amount, minlength=size)
    del amount
    x = count - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        repeat_spend = np.where(x > 0, (revenue[codes] - first_day_spend[codes]) / x, np.nan)
    return PurchaseHistory(
        customer=codes,
        x=x.astype(np.int64),
        t_x=(last - first).astype(np.int64),
        T=(cutoff - first).astype(np.int64),
        repeat_spend=repeat_spend,
        revenue=net[codes],
    )


def _not_on_first_day(orders: CustomerOrders, first_of: np.ndarray) -> np.ndarray:
    """True for each order not dated its customer's day `first_of` (by code); by blocks of
    orders, as a whole gathered array of days would be 80 MB at ten million orders."""
    later = np.empty(len(orders.day), dtype=bool)
    for start in range(0, len(later), _ORDER_BLOCK):
        block = slice(start, start + _ORDER_BLOCK)
        np.not_equal(orders.day[block], first_of[orders.customer[block]], out=later[block])
    return later


def purchases_between(days: PurchaseOccasions, after: int, until: int) -> np.ndarray:
    """Order days of each customer code in (after, until]."""
    return days.counts(after + 1, until + 1)
