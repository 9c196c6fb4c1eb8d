"""Loyalty lifecycle: new, returning, frequent, at-risk and churned customers, cohorts, club."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np
import pandas as pd

from deckgen.config import MetricsSettings
from deckgen.data.tables import Tables
from deckgen.metrics.common import (
    NAT,
    NEVER,
    Change,
    ClubJoins,
    CustomerOrders,
    PurchaseOccasions,
    club_joins,
    covers,
    customer_orders,
    day_numbers,
    factorize,
    month_edges,
    month_index,
    order_codes_of,
    positions_in,
    ratio,
    revenue_shares,
    sorted_distinct,
    until_end_of,
)
from deckgen.period import Period

TREND_MONTHS = 12
CHURN_PERCENTILE = 90  # docs/metrics.md#churn-days
CHURN_DAYS_FLOOR = 30
CHURN_DAYS_WITHOUT_REPEATS = 365

# Twelve trend months plus the eleven before them, so every trend month has a full
# trailing-12-month window behind it (repeat rate, frequent buyers).
_SPAN = 2 * TREND_MONTHS - 1
_FIRST = TREND_MONTHS - 1  # index of the oldest trend month within the span
_OLD_SHARE = 10  # one occasion in this many must be 2K days old for lapsing to be judged
_GAP_BINS = 1 << 12  # days between occasions counted one by one for the churn days' percentile
_BLOCK_CELLS = 1 << 20  # customer-months turned into window counts at a time
_RANK_BLOCK = 1 << 20  # tier events whose positions are added to their ranks at a time


@dataclass(frozen=True)
class LifecycleMonth:
    """Lifecycle counts for one month (docs/metrics.md#lifecycle-counts)."""

    month: Period
    active: int  # customers with at least one order in the month
    new: int  # customers whose first order is in the month
    returning: int  # active customers whose first order is earlier
    frequent_buyers: int  # docs/metrics.md#frequent-buyers, at the month's end
    at_risk: int  # docs/metrics.md#at-risk, at the month's end
    lapsing_judged: bool  # at_risk, churned, churn_rate read as lapsing (docs/metrics.md#at-risk)
    churned: int  # docs/metrics.md#churned, during the month
    churn_days: int  # K as derived at the month's end, behind at_risk, churned and churn_rate
    churn_rate: float | None  # 0..1, docs/metrics.md#churn-rate; None without a base or unjudged
    churn_rate_n: int  # its base: customers not churned at the end of the month before
    repeat_rate_12m: float | None  # 0..1, docs/metrics.md#repeat-rate-12m; None without buyers
    repeat_rate_12m_n: int  # its base: customers with an order in the 12 months
    # months of the 12 ending with the month the orders cover, from the first order's month
    # (docs/metrics.md#trailing-12-months); 0 before it
    repeat_rate_months: int


@dataclass(frozen=True)
class CohortRow:
    """Retention of the customers acquired in one month (docs/metrics.md#cohort-retention)."""

    cohort: Period  # month of the customers' first order
    customers: int  # customers acquired that month
    # 0..1 by months since acquisition (index 0 = the acquisition month, always 1.0);
    # None where the cohort has not reached that age by the period end, or is empty.
    retention: tuple[float | None, ...]


@dataclass(frozen=True)
class TierCount:
    """Club members in one tier at the period end (docs/metrics.md#club-tiers)."""

    tier: str
    members: int
    share: float  # 0..1 of the members with a known tier


@dataclass(frozen=True)
class OfferUse:
    """How one club offer is used (docs/metrics.md#club-offers)."""

    offer: str
    redemptions: int  # redemptions in the month
    redemptions_12m: int  # redemptions in the 12 months ending with the month
    members: int  # active members who redeemed it in those 12 months
    share: float | None  # 0..1 of the active members; None without active members


@dataclass(frozen=True)
class ClubSummary:
    """The loyalty club at the period end; activity parts are None/empty without a loyalty sheet."""

    members: int  # docs/metrics.md#club-members
    active_members: Change  # docs/metrics.md#club-active-members
    joins: Change  # docs/metrics.md#club-joins
    joins_by_month: tuple[int, ...]  # the 12 trend months, oldest first
    active_by_month: tuple[int, ...]  # the 12 trend months, oldest first
    tiers: tuple[TierCount, ...]  # most members first
    untiered: int | None  # members without a known tier
    points_earned: Change | None  # points, docs/metrics.md#club-points
    points_redeemed: Change | None  # points
    offers_redeemed: Change | None  # redemptions, docs/metrics.md#club-offers
    offers: tuple[OfferUse, ...]  # offers used in the 12 months, most members first
    referrals: Change | None  # referral events, docs/metrics.md#referrals


@dataclass(frozen=True)
class SegmentValue:
    """Lifetime revenue of one RFM segment (docs/metrics.md#revenue-per-customer-lifetime)."""

    segment: str
    customers: int
    revenue_lifetime: float  # client currency, all orders to the period end
    revenue_per_customer_lifetime: float  # client currency per customer
    # 0..1 of all customers' lifetime revenue; None when the segments have no shares of it
    revenue_share: float | None


@dataclass(frozen=True)
class LoyaltyResult:
    """The loyalty lifecycle of the period, its 12-month trend and the month-on-month changes."""

    period: Period
    churn_days: int  # K of the period's month, docs/metrics.md#churn-days
    churn_days_derived: bool  # True when K came from the inter-purchase times
    loyalty_rule: str  # "club" (stock: club.active_members) or "orders" (frequent_buyers)
    months: tuple[LifecycleMonth, ...]  # the 12 months ending with the period, oldest first
    active: Change  # customers
    new: Change  # customers
    returning: Change  # customers
    frequent_buyers: Change  # customers, docs/metrics.md#frequent-buyers
    at_risk: Change  # customers
    lapsing_judged: bool  # at_risk, churned, churn_rate read as lapsing (docs/metrics.md#at-risk)
    churned: Change  # customers
    churn_rate: Change | None  # 0..1; None when the month's rate is undefined or unjudged
    churn_rate_n: int  # the month's base, docs/metrics.md#minimum-n
    repeat_rate_12m: Change | None  # 0..1; None when the month's rate is undefined
    repeat_rate_12m_n: int  # the month's base, docs/metrics.md#minimum-n
    cohorts: tuple[CohortRow, ...]  # the 12 months ending with the period, oldest first
    club: ClubSummary | None  # None without club data (no loyalty sheet, no members)
    # client currency per customer, docs/metrics.md#revenue-per-customer-lifetime
    revenue_per_customer_lifetime: Change | None
    revenue_per_customer_lifetime_n: int  # customers with an order by the period end
    # highest revenue per customer first; empty without segments
    revenue_per_customer_lifetime_by_segment: tuple[SegmentValue, ...]


def compute_loyalty(
    tables: Tables,
    period: Period,
    settings: MetricsSettings,
    segment_of: Mapping[str, str] | pd.Series | None = None,
    club: ClubJoins | None = None,
) -> LoyaltyResult:
    """The loyalty lifecycle as of the end of `period` (segment_of: customer_id → RFM segment;
    `club`: the deck's shared club_joins, computed here when not given)."""
    months = period.trailing(_SPAN)
    edges = month_edges(months)
    month_ends = edges[1:] - 1
    orders = customer_orders(tables.orders, period, tables.returns)
    visits = orders.occasions
    n_customers = len(orders.ids)

    trend_ends = month_ends[_FIRST:]
    churn_days, derived = _churn_days(visits, settings, trend_ends)
    first_month = month_index(orders.first_day, months)

    if club is None:
        club = club_joins(tables, period, orders)
    club_join, member_join = club.by_id, club.by_code
    rule = settings.loyalty_rule if club_join is not None else "orders"

    # The customer-months and windows are counted out and let go before the club's events.
    cells = _month_cells(visits, months)
    windows = _window_counts(
        cells,
        (settings.loyalty_min_orders, 1, 2),
        # A member counts from the first trend month ending on or after joining (12: never);
        # an array not kept beyond the counts (36 MB at ten million orders).
        None if club_join is None else np.searchsorted(trend_ends, member_join, side="left"),
    )
    frequent, buyers, repeaters = windows.at_least
    active_members = None
    if windows.joined is not None:
        now = _members_now(cells, member_join, trend_ends, n_customers)
        active_members = _ActiveMembers(by_month=windows.joined, now=now)
    active = np.bincount(cells.month[cells.month >= _FIRST] - _FIRST, minlength=TREND_MONTHS)
    cohorts = _cohorts(cells, first_month, months)
    del cells

    new = np.bincount(first_month[first_month >= _FIRST] - _FIRST, minlength=TREND_MONTHS)
    at_risk, alive, churned, churned_from_base = _churn_figures(visits, churn_days, months, edges)
    judged = _lapsing_judged(visits, churn_days, trend_ends, derived)
    covered = _months_covered(orders.first_day, months)

    trend = tuple(
        LifecycleMonth(
            month=months[_FIRST + j],
            active=int(active[j]),
            new=int(new[j]),
            returning=int(active[j] - new[j]),
            frequent_buyers=int(frequent[j]),
            at_risk=int(at_risk[j]),
            lapsing_judged=bool(judged[j]),
            churned=int(churned[j]),
            churn_days=int(churn_days[j]),
            churn_rate=ratio(churned_from_base[j], alive[j]) if judged[j] else None,
            churn_rate_n=int(alive[j]),
            repeat_rate_12m=ratio(repeaters[j], buyers[j]),
            repeat_rate_12m_n=int(buyers[j]),
            repeat_rate_months=int(covered[j]),
        )
        for j in range(TREND_MONTHS)
    )
    has_previous = covers(orders.day, period.previous())

    def previous(name: str) -> float | None:
        return getattr(trend[-2], name) if has_previous else None

    def count_change(name: str) -> Change:
        return Change(getattr(trend[-1], name), previous(name))

    def judged_change(name: str) -> Change:
        # a month too short to judge lapsing is no baseline (docs/metrics.md#at-risk)
        before = previous(name) if trend[-2].lapsing_judged else None
        return Change(getattr(trend[-1], name), before)

    def rate_change(name: str) -> Change | None:
        current = getattr(trend[-1], name)
        return None if current is None else Change(current, previous(name))

    per_customer, per_customer_before = _mean_revenue(orders, month_ends[-2])
    return LoyaltyResult(
        period=period,
        churn_days=int(churn_days[-1]),
        churn_days_derived=derived,
        loyalty_rule=rule,
        months=trend,
        active=count_change("active"),
        new=count_change("new"),
        returning=count_change("returning"),
        frequent_buyers=count_change("frequent_buyers"),
        at_risk=judged_change("at_risk"),
        lapsing_judged=trend[-1].lapsing_judged,
        churned=judged_change("churned"),
        churn_rate=rate_change("churn_rate"),
        churn_rate_n=trend[-1].churn_rate_n,
        repeat_rate_12m=rate_change("repeat_rate_12m"),
        repeat_rate_12m_n=trend[-1].repeat_rate_12m_n,
        cohorts=cohorts,
        club=None
        if club_join is None or active_members is None
        else _club_summary(
            tables,
            period,
            club_join,
            active_members,
            orders,
            months,
            has_previous,
        ),
        revenue_per_customer_lifetime=None
        if per_customer is None
        else Change(per_customer, per_customer_before if has_previous else None),
        revenue_per_customer_lifetime_n=n_customers,
        revenue_per_customer_lifetime_by_segment=_segment_values(orders, segment_of),
    )


def _churn_days(
    visits: PurchaseOccasions, settings: MetricsSettings, ends: np.ndarray
) -> tuple[np.ndarray, bool]:
    """K as it stands on each of the days `ends`: the configured churn days, else derived from
    the gaps between purchase occasions up to that day (docs/metrics.md#churn-days).

    Deriving K from the data of each month's own end, not the period's, keeps a month's churn
    the same in every later deck: more data can move today's K, never a past month's.
    """
    if settings.churn_days is not None:
        return np.full(len(ends), settings.churn_days, dtype=np.int64), False
    repeat = visits.next_day != NEVER
    next_day = visits.next_day[repeat]
    gaps = next_day - visits.day[repeat]  # int64, 1 or more
    # The gaps known at ends[j] are those of bucket j or lower: their next occasion by then.
    bucket = np.searchsorted(ends, next_day, side="left")
    del next_day
    return np.asarray(
        [_derived_churn_days(q) for q in _gap_percentiles(gaps, bucket, len(ends))],
        dtype=np.int64,
    ), True


def _gap_percentiles(gaps: np.ndarray, bucket: np.ndarray, ends: int) -> list[float | None]:
    """For each j < `ends`, the CHURN_PERCENTILE percentile of the `gaps` (int64, 1 or more)
    whose `bucket` is j or lower, as np.percentile gives it; None where there is none.

    Read off a histogram of the gaps by bucket (a sort of every gap took 0.1 s at a million
    orders): where the two gaps np.percentile would interpolate between are equal (the usual
    case with many gaps, whole days), the percentile is that gap whatever the weights; else,
    and for the rare gap beyond _GAP_BINS days, np.percentile of those gaps, as before.
    """
    width = _GAP_BINS + 1  # bin _GAP_BINS: that many days or more
    cell = bucket * width
    cell += np.minimum(gaps, _GAP_BINS)
    table = np.bincount(cell, minlength=(ends + 1) * width).reshape(-1, width)[:ends]
    del cell
    below = np.cumsum(np.cumsum(table, axis=0), axis=1)  # [j, g]: the known gaps <= g
    found: list[float | None] = []
    for j in range(ends):
        n = int(below[j, -1])
        if n == 0:
            found.append(None)
            continue
        at = int(np.floor((n - 1) * (CHURN_PERCENTILE / 100)))
        # The gaps at positions at - 1 to at + 2 of the sorted gaps: any rounding of the
        # position np.percentile computes falls among them.
        near = np.searchsorted(below[j], np.clip(np.arange(at - 1, at + 3), 0, n - 1), "right")
        if near.min() == near.max() < _GAP_BINS:
            found.append(float(near[0]))
        else:
            found.append(float(np.percentile(gaps[bucket <= j], CHURN_PERCENTILE)))
    return found


def _lapsing_judged(
    visits: PurchaseOccasions, churn_days: np.ndarray, ends: np.ndarray, derived: bool
) -> np.ndarray:
    """Whether the at-risk customers at each of `ends` can be said to lapse: K is set in
    deckgen.toml, or at least a tenth of the purchase occasions to that day are 2K days or more
    before it (docs/metrics.md#at-risk): one stray old order does not make a history long."""
    if not derived:
        return np.ones(len(ends), dtype=bool)
    # Both counts off one count per day of the occasions (each call counts every occasion).
    to_date, old = _occasions_to(visits, np.stack((ends, ends - 2 * churn_days)))
    return (old > 0) & (old * _OLD_SHARE >= to_date)


def _occasions_to(visits: PurchaseOccasions, days: np.ndarray) -> np.ndarray:
    """How many purchase occasions are on or before each of `days` (int64, any shape)."""
    # Counted per day of the span, not sorted: the days run over a few thousand values.
    by_day = np.cumsum(np.bincount(visits.day - visits.low, minlength=visits.span))
    offset = np.minimum(days - visits.low, visits.span - 1)
    return np.where(offset >= 0, by_day[np.maximum(offset, 0)], 0)


def _derived_churn_days(quantile: float | None) -> int:
    """The 90th percentile of the gaps (`quantile`; None: no gap), rounded half up, at least
    30; 365 without any gap."""
    if quantile is None:
        return CHURN_DAYS_WITHOUT_REPEATS
    return max(CHURN_DAYS_FLOOR, int(np.floor(quantile + 0.5)))


@dataclass(frozen=True)
class _MonthCells:
    """The customer-months of the span with a purchase occasion, sorted by customer, then month."""

    customer: np.ndarray  # int64 customer code
    month: np.ndarray  # int8 index of the month in the span
    occasions: np.ndarray  # int32 purchase occasions of the customer in the month, 1 or more


def _month_cells(visits: PurchaseOccasions, months: tuple[Period, ...]) -> _MonthCells:
    """Purchase occasions per customer and month of the span, for the cells that have any.

    Only the cells with an occasion are held (at most one per occasion), not a table of every
    customer by month: 0.4 GB of int32 at 4.5 million customers, and as much again for its
    running sums.
    """
    index = month_index(visits.day, months)
    inside = index >= 0
    flat = visits.customer[inside].astype(np.int64) * len(months) + index[inside]
    # The occasions are sorted by customer, then day, so `flat` is too: each run of one value
    # is one cell, its length the cell's count.
    heads = np.flatnonzero(np.diff(flat, prepend=-1))
    occasions = np.diff(heads, append=len(flat)).astype(np.int32)
    flat = flat[heads]
    return _MonthCells(
        customer=flat // len(months),
        month=(flat % len(months)).astype(np.int8),
        occasions=occasions,
    )


@dataclass(frozen=True)
class _WindowCounts:
    """Per trend month, customers by their purchase occasions in its 12-month window."""

    at_least: np.ndarray  # int64 [i, j]: customers with thresholds[i] or more in month j's window
    joined: np.ndarray | None  # int64 [j]: those with one or more, from their from_month on


def _window_counts(
    cells: _MonthCells,
    thresholds: tuple[int, ...],
    from_month: np.ndarray | None = None,
    block: int = _BLOCK_CELLS,
) -> _WindowCounts:
    """Per trend month, the customers with thresholds[i] (1 or more) occasions in its 12-month
    window; and (`from_month` given) those with one or more counted only from trend month
    from_month[customer] on. Worked out by blocks of about `block` cells, each customer's
    cells in one block."""
    at_least = np.zeros((len(thresholds), TREND_MONTHS), dtype=np.int64)
    joined = None if from_month is None else np.zeros(TREND_MONTHS, dtype=np.int64)
    cuts = np.searchsorted(cells.customer, cells.customer[block::block], side="left")
    bounds = np.unique(np.concatenate(([0], cuts, [len(cells.customer)])))
    trend_month = np.arange(TREND_MONTHS)[:, None]
    for a, b in pairwise(bounds):
        customer, windows = _windows_of(cells.customer[a:b], cells.month[a:b], cells.occasions[a:b])
        for i, threshold in enumerate(thresholds):
            at_least[i] += np.count_nonzero(windows >= threshold, axis=1)
        if joined is not None and from_month is not None:
            since = trend_month >= from_month[customer]
            joined += np.count_nonzero(since & (windows > 0), axis=1)
    return _WindowCounts(at_least=at_least, joined=joined)


def _windows_of(
    customer: np.ndarray, month: np.ndarray, occasions: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The distinct customers of the cells (customer, month, occasions) and their occasions in
    the 12-month window of each trend month (trend months x customers).

    A table of these customers by month, not of every customer: its running sums over the
    months give each window as a difference, where sorting each cell's entry into and exit
    from the windows took three times as long. A month's occasions are days (31 at most), so
    the running sums stay within 713 over the 23 months of the span: int16 holds them.
    """
    head = np.ones(len(customer), dtype=bool)
    head[1:] = customer[1:] != customer[:-1]
    column = np.cumsum(head) - 1
    table = np.zeros((_SPAN + 1, int(column[-1]) + 1 if len(column) else 0), dtype=np.int16)
    table[month.astype(np.intp) + 1, column] = occasions
    # Row m + 1 summed into the occasions of span months 0 to m, a row at a time: np.cumsum
    # along the months walks each customer's column on its own (30 times as long).
    for row in range(2, _SPAN + 1):
        table[row] += table[row - 1]
    # Trend month j's window is span months j to j + 11.
    return customer[head], table[TREND_MONTHS:] - table[:TREND_MONTHS]


@dataclass(frozen=True)
class _ActiveMembers:
    """Club members with an occasion in the 12 months ending with each trend month."""

    by_month: np.ndarray  # int64 members, the 12 trend months, oldest first
    now: np.ndarray  # bool per customer code: an active member at the period end


def _members_now(
    cells: _MonthCells, member_join: np.ndarray, trend_ends: np.ndarray, n_customers: int
) -> np.ndarray:
    """Per customer code, whether it is an active member at the period end."""
    now = np.zeros(n_customers, dtype=bool)
    now[cells.customer[cells.month >= _FIRST]] = True  # an occasion in the last 12 months
    now &= member_join <= trend_ends[-1]
    return now


def _count_in_windows(
    day: np.ndarray,
    key: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    above: np.ndarray,
    first_day: int,
) -> np.ndarray:
    """For each window i, how many of the items (by `day`, all on or after `first_day`) have
    low[i] <= day <= high[i] and key > above[i].

    One histogram of the items by day and by how many of the distinct `above` values their
    key exceeds, summed both ways: every window is then two look-ups, where counting each
    window (or each churn window K) in a pass over the items took a second at a million.
    """
    if len(low) == 0:
        return np.zeros(0, dtype=np.int64)
    thresholds = np.unique(above)
    base = max(int(low.min()), first_day)
    top = int(high.max())
    if top < base:
        return np.zeros(len(low), dtype=np.int64)
    width = len(thresholds) + 1
    inside = (day >= base) & (day <= top)
    exceeded = np.searchsorted(thresholds, key[inside], side="left")  # thresholds below key
    cells = (day[inside].astype(np.int64) - base) * width + exceeded  # int32 days widened
    table = np.bincount(cells, minlength=(top - base + 1) * width).reshape(-1, width)
    # at_least[d, k]: items of day base + d exceeding k thresholds or more; then summed by day.
    at_least = np.cumsum(table[:, ::-1], axis=1)[:, ::-1]
    running = np.zeros((top - base + 2, width), dtype=np.int64)
    np.cumsum(at_least, axis=0, out=running[1:])
    column = np.searchsorted(thresholds, above) + 1  # key > above[i]: beyond its threshold
    start = np.clip(low, base, top + 1) - base
    stop = np.clip(high + 1, base, top + 1) - base
    counts = running[stop, column] - running[start, column]
    return np.where(stop > start, counts, 0)


def _churn_figures(
    visits: PurchaseOccasions,
    churn_days: np.ndarray,
    months: tuple[Period, ...],
    edges: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per trend month, with that month's K: at-risk customers at its end, customers not
    churned at the end of the month before, churned customers, and those of that base.

    A customer's occasions split the days into runs [day, next_day - 1], so at any day at
    most one of them counts: at-risk customers at day e are the occasions with
    e - K < day <= e - ceil(K/2) and next_day > e, those not churned the ones with
    e - K < day <= e and next_day > e.
    """
    ends = edges[1:] - 1
    trend_ends, base_ends = ends[_FIRST:], ends[_FIRST - 1 : -1]
    day, next_day, first_day = visits.day, visits.next_day, visits.low
    # Each pair of figures below counts the same items by the same key: its windows are
    # counted together, off one histogram of the items (each call reads every occasion).
    at_risk, alive = np.split(
        _count_in_windows(
            day,
            next_day,
            np.concatenate((trend_ends - churn_days + 1, base_ends - churn_days + 1)),
            np.concatenate((trend_ends - (churn_days + 1) // 2, base_ends)),
            np.concatenate((trend_ends, base_ends)),
            first_day,
        ),
        2,
    )
    # A customer churns in the month when an occasion's next one comes more than K days
    # later (or never) and day + K falls in the month. Two such occasions of one customer are
    # more than K days apart, so with K at least the month's length less one they never churn
    # the same customer twice in the month: each is a customer. Shorter K: counted per customer.
    starts, stops = edges[_FIRST:-1], edges[_FIRST + 1 :]
    once = churn_days >= stops - starts - 1
    churned, from_base = np.split(
        _count_in_windows(
            day,
            next_day - day,
            np.tile(starts - churn_days, 2),
            np.concatenate((stops - churn_days, np.minimum(stops - churn_days, starts))) - 1,
            np.tile(churn_days, 2),
            first_day,
        ),
        2,
    )
    for k in np.unique(churn_days[~once]):
        uses = ~once & (churn_days == k)
        per_customer, per_customer_from_base = _count_churned(visits, int(k), months, edges, uses)
        churned[uses], from_base[uses] = per_customer[uses], per_customer_from_base[uses]
    return at_risk, alive, churned, from_base


def _count_churned(
    visits: PurchaseOccasions,
    churn_days: int,
    months: tuple[Period, ...],
    edges: np.ndarray,
    wanted: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Customers reaching K days without an order in each `wanted` trend month (0 in the
    others); and those of the base."""
    churn_day = visits.day + np.int64(churn_days)  # int64 whatever the days' type
    index = month_index(churn_day, months)
    event = (visits.next_day > churn_day) & (index >= _FIRST)
    event[event] = wanted[index[event] - _FIRST]
    customer, index = visits.customer[event].astype(np.int64), index[event]
    from_base = visits.day[event] < edges[index]

    def distinct_per_month(mask: np.ndarray) -> np.ndarray:
        pairs = sorted_distinct(customer[mask] * len(months) + index[mask])
        return np.bincount(pairs % len(months) - _FIRST, minlength=TREND_MONTHS)

    return distinct_per_month(np.ones(len(customer), dtype=bool)), distinct_per_month(from_base)


def _cohorts(
    cells: _MonthCells, first_month: np.ndarray, months: tuple[Period, ...]
) -> tuple[CohortRow, ...]:
    cohort = first_month[first_month >= _FIRST] - _FIRST
    # Each cell of a trend-month cohort's customer is one retained customer at its age (under
    # 12: a cohort is a trend month and the span ends with the last).
    first = first_month[cells.customer]
    age = cells.month - first
    counted = (first >= _FIRST) & (age >= 0)
    flat = (first[counted] - _FIRST) * TREND_MONTHS + age[counted]
    retained = np.bincount(flat, minlength=TREND_MONTHS * TREND_MONTHS)
    retained = retained.reshape(TREND_MONTHS, TREND_MONTHS)
    sizes = np.bincount(cohort, minlength=TREND_MONTHS)
    return tuple(
        CohortRow(
            cohort=months[_FIRST + i],
            customers=int(sizes[i]),
            retention=tuple(
                ratio(retained[i, k], sizes[i]) if i + k < TREND_MONTHS else None
                for k in range(TREND_MONTHS)
            ),
        )
        for i in range(TREND_MONTHS)
    )


def _club_summary(
    tables: Tables,
    period: Period,
    club_join: pd.Series,
    active_members: _ActiveMembers,
    orders: CustomerOrders,
    months: tuple[Period, ...],
    has_previous: bool,
) -> ClubSummary:
    join_month = month_index(club_join.to_numpy(), months)
    joins = np.bincount(join_month[join_month >= _FIRST] - _FIRST, minlength=TREND_MONTHS)
    active = active_members.by_month
    summary = ClubSummary(
        members=len(club_join),
        active_members=Change(int(active[-1]), int(active[-2]) if has_previous else None),
        joins=Change(int(joins[-1]), int(joins[-2]) if has_previous else None),
        joins_by_month=tuple(int(v) for v in joins),
        active_by_month=tuple(int(v) for v in active),
        tiers=(),
        untiered=None,
        points_earned=None,
        points_redeemed=None,
        offers_redeemed=None,
        offers=(),
        referrals=None,
    )
    if tables.loyalty is None:
        return summary
    kept = until_end_of(tables.loyalty["date"], period).to_numpy(dtype=bool)
    whole = bool(kept.all())  # usually: the events and their rows as they are, no copies
    events = tables.loyalty if whole else tables.loyalty[kept]
    listed = tables.customer_rows("loyalty")  # the events' rows of the customers sheet
    if listed is not None and not whole:
        listed = listed[kept]
    # The tiers first, before the events' months and codes are held beside their temporaries.
    tiers, untiered = _tiers(events, summary.members, listed)
    codes = order_codes_of(orders, tables, "loyalty")  # the events' customers, when known
    if codes is not None and not whole:
        codes = codes[kept]
    month = month_index(day_numbers(events["date"]), months)
    current, previous = month == len(months) - 1, month == len(months) - 2
    redeemed = (events["event"] == "offer_redeemed").to_numpy(dtype=bool, na_value=False)
    referral = (events["event"] == "referral").to_numpy(dtype=bool, na_value=False)

    def change(now: np.ndarray, before: np.ndarray) -> Change:
        return Change(now.sum().item(), before.sum().item() if has_previous else None)

    def event_change(values: np.ndarray) -> Change:
        return change(values[current], values[previous])

    points_earned = points_redeemed = None
    if "points" in events.columns:
        # The two months' points alone: arrays of every event's were the render's peak at ten
        # million orders. The same values in the same order, so the same sums.
        points = [
            events["points"].iloc[np.flatnonzero(rows)].to_numpy(dtype=np.float64, na_value=0.0)
            for rows in (current, previous)
        ]
        points_earned = change(*(np.where(values > 0, values, 0.0) for values in points))
        points_redeemed = change(*(np.where(values < 0, -values, 0.0) for values in points))
    return replace(
        summary,
        tiers=tiers,
        untiered=untiered,
        points_earned=points_earned,
        points_redeemed=points_redeemed,
        offers_redeemed=event_change(redeemed),
        offers=_offers(events, month, redeemed, orders.ids, active_members.now, codes),
        referrals=event_change(referral),
    )


def _tiers(
    events: pd.DataFrame, members: int, rows: np.ndarray | None = None
) -> tuple[tuple[TierCount, ...], int | None]:
    """Members by their latest known tier, and the members without one; `rows`: each event's
    row of the customers sheet (Tables.customer_rows, -1: none), when known."""
    if "tier" not in events.columns:
        return (), None
    # The rows with a tier, by position: no copy of the events' other columns. Usually every
    # event has one: then the events' own columns are read, no rows taken (0.1 GB at ten
    # million orders, where this made the render's peak).
    known = events["tier"].notna().to_numpy(dtype=bool)
    tiered = None if known.all() else np.flatnonzero(known)
    size = len(known) if tiered is None else len(tiered)

    def taken(column: str) -> pd.Series:
        return events[column] if tiered is None else events[column].iloc[tiered]

    owner = rows if rows is None or tiered is None else rows[tiered]
    if owner is not None and size and int(owner.min()) >= 0:
        # Distinct rows are distinct ids (the customers' key is unique): grouped by row, not
        # by hashing the tiered events' text (0.4 GB at ten million orders).
        codes, seen = owner, int(owner.max()) + 1
    else:
        codes, members_seen = factorize(taken("customer_id"))
        seen = len(members_seen)
        codes = np.where(codes >= 0, codes, seen)  # an empty id: the last slot
    # Latest by date, of same-day events the last in sheet order: each customer's largest
    # (day, position), one integer per row, without sorting the rows (an empty date first),
    # worked out in place in the days' array (a new one: converted to days).
    rank = day_numbers(taken("date"))
    dated = rank != NAT
    low = int(rank.min(where=dated, initial=np.iinfo(np.int64).max)) if dated.any() else 0
    np.subtract(rank, low - 1, out=rank, where=dated)
    rank[~dated] = 0
    rank *= size
    for start in range(0, size, _RANK_BLOCK):  # positions added by blocks: no array of them all
        rank[start : start + _RANK_BLOCK] += np.arange(start, min(start + _RANK_BLOCK, size))
    latest = np.full(seen + 1, -1, dtype=np.int64)  # the last: an empty id
    np.maximum.at(latest, codes, rank)
    rows = latest[latest >= 0] % max(size, 1)
    if tiered is not None:
        rows = tiered[rows]
    counts = events["tier"].iloc[rows].value_counts(sort=False)
    counts = counts[counts > 0]  # a category column also counts the tiers no member holds
    order = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    total = int(counts.sum())
    tiers = tuple(TierCount(str(tier), int(n), int(n) / total) for tier, n in order)
    return tiers, members - total


def _offers(
    events: pd.DataFrame,
    month: np.ndarray,
    redeemed: np.ndarray,
    ids: pd.Index,
    active_now: np.ndarray,
    codes: np.ndarray | None = None,
) -> tuple[OfferUse, ...]:
    """Use of each offer redeemed in the 12 trend months (docs/metrics.md#club-offers);
    `codes`: the code in `ids` of each event's customer (-1: none), when known."""
    if "offer" not in events.columns:
        return ()
    used = redeemed & (month >= _FIRST) & events["offer"].notna().to_numpy()
    # By code, not through a frame of the used rows' text: offers and customers as integers.
    offer, offers = pd.factorize(events["offer"][used])
    if codes is None:
        ids_used = pd.Index(events["customer_id"][used].to_numpy(dtype=object), dtype=ids.dtype)
        code = positions_in(ids_used, ids)
    else:
        code = codes[used]
    # A code of -1 (no order) reads the appended False: no index error without ordering customers.
    active = np.append(active_now, False)[code]
    size = len(ids) + 1
    pairs = sorted_distinct(offer[active] * size + code[active])  # (offer, active member)
    members = np.bincount(pairs // size, minlength=len(offers))
    redemptions = np.bincount(offer[month[used] == _SPAN - 1], minlength=len(offers))
    redemptions_12m = np.bincount(offer, minlength=len(offers))
    names = [str(name) for name in offers]
    order = sorted(range(len(offers)), key=lambda k: (-members[k], -redemptions_12m[k], names[k]))
    return tuple(
        OfferUse(
            offer=names[k],
            redemptions=int(redemptions[k]),
            redemptions_12m=int(redemptions_12m[k]),
            members=int(members[k]),
            share=ratio(int(members[k]), int(active_now.sum())),
        )
        for k in order
    )


def _mean_revenue(orders: CustomerOrders, previous_end: int) -> tuple[float | None, float | None]:
    """Mean revenue per ordering customer to the period end, and to the previous month's end."""
    customers_before = int((orders.first_day <= previous_end).sum())
    return (
        ratio(orders.total(), len(orders.ids)),
        ratio(orders.total(stop=previous_end + 1), customers_before),
    )


def _months_covered(first_day: np.ndarray, months: Sequence[Period]) -> np.ndarray:
    """For each trend month, how many of the 12 months ending with it the orders cover: all 12
    unless the first order ever falls within them (docs/metrics.md#trailing-12-months)."""
    ends = np.arange(_FIRST, len(months))
    if len(first_day) == 0:
        return np.zeros(TREND_MONTHS, dtype=np.int64)
    first = int(month_index(np.asarray([first_day.min()]), months)[0])
    if first < 0:  # before the span: every window is covered
        return np.full(TREND_MONTHS, TREND_MONTHS, dtype=np.int64)
    return np.clip(ends - first + 1, 0, TREND_MONTHS)


def _segment_values(
    orders: CustomerOrders, segment_of: Mapping[str, str] | pd.Series | None
) -> tuple[SegmentValue, ...]:
    """Lifetime revenue per customer by RFM segment, highest first.

    docs/metrics.md#revenue-per-customer-lifetime
    """
    if segment_of is None or len(orders.ids) == 0:
        return ()
    segments = segment_of if isinstance(segment_of, pd.Series) else pd.Series(segment_of)
    revenue = orders.revenue()
    # Grouped by the segments' codes, not their text: the same groups, summed in the same row
    # order by the same groupby, without a Python string per customer.
    labels = segments.array if segments.index is orders.ids else segments.reindex(orders.ids).array
    codes, names = pd.factorize(labels)  # -1: no segment
    frame = pd.DataFrame({"segment": codes, "revenue": revenue})
    grouped = frame[codes >= 0].groupby("segment")["revenue"].agg(["size", "sum"])
    total = float(revenue.sum())
    # The customers of no segment are a part of the total too.
    parts = [*grouped["sum"], float(revenue[codes < 0].sum())]
    shares = revenue_shares(parts, total)
    rows = sorted(
        (
            SegmentValue(
                segment=str(names[code]),
                customers=int(size),
                revenue_lifetime=float(amount),
                revenue_per_customer_lifetime=float(amount) / int(size),
                revenue_share=share,
            )
            for (code, size, amount), share in zip(grouped.itertuples(), shares, strict=False)
        ),
        key=lambda row: (-row.revenue_per_customer_lifetime, row.segment),
    )
    return tuple(rows)
