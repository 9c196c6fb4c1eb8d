"""Loyalty sentences: the customer flow, repeat buying and churn, cohorts, the club."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import reduce

from deckgen.metrics.common import Change
from deckgen.metrics.loyalty import (
    TREND_MONTHS,
    ClubSummary,
    LifecycleMonth,
    LoyaltyResult,
    SegmentValue,
)
from deckgen.metrics.signal import MIN_N, RateKind, is_thin
from deckgen.narrative.claims import Agg, Claim, Expr, Fig, Relation, claim, states
from deckgen.narrative.told import Moved, Scale, Told, level_if_thin, moved, told
from deckgen.period import Period


class FlowState(StrEnum):
    """Who ordered in the month."""

    SOME_RETURNING = "some_returning"  # some of the month's buyers had bought before
    ALL_NEW = "all_new"  # every buyer of the month was new
    ALL_RETURNING = "all_returning"  # every buyer of the month had bought before
    NO_ORDERS = "no_orders"  # nobody ordered


@dataclass(frozen=True)
class LoyaltyStock:
    """The month-end stock that stands for loyalty (docs/metrics.md#loyalty-rule): the active
    club members under the club rule, the frequent buyers under the orders rule; never "loyal",
    which names the RFM segment."""

    rule: str  # "club" or "orders", as applied
    change: Change  # customers at the month's end vs the month before's
    path: str  # of `change` in the metrics, for the claims
    by_month: tuple[int, ...]  # at each trend month's end, oldest first

    @property
    def anchor(self) -> str:
        """The definition of the stock."""
        return "club-active-members" if self.rule == "club" else "frequent-buyers"


class LineWindow(StrEnum):
    """What the months of a monthly 12-month repeat-rate line cover."""

    FULL = "full"  # every point covers its 12 months: the card's "12 m" label is true
    SINCE = "since"  # every point covers the months from the first order's month
    UP_TO = "up_to"  # the earlier points cover fewer months than the later ones


@dataclass(frozen=True)
class RepeatLine:
    """The label of the repeat-rate line, true of every point drawn
    (docs/metrics.md#trailing-12-months)."""

    window: LineWindow
    since: Period  # the first order's month (SINCE)


def tell_repeat_line(months: Sequence[LifecycleMonth], first: int) -> Told[RepeatLine]:
    """The label record of the repeat-rate line drawn over `months`, which are
    loyalty.months from index `first` on."""

    def covered(i: int) -> Fig:
        return Fig(f"loyalty.months[{first + i % len(months)}].repeat_rate_months")

    last = months[-1]
    if months[0].repeat_rate_months == TREND_MONTHS:
        full = claim("the first point covers 12 months", covered(0), Relation.EQ, TREND_MONTHS)
        return told(RepeatLine(LineWindow.FULL, last.month), full)
    if last.repeat_rate_months < TREND_MONTHS:
        since = last.month.shift(1 - last.repeat_rate_months)
        return told(
            RepeatLine(LineWindow.SINCE, since),
            states("the months the last point covers", last.repeat_rate_months, covered(-1)),
            claim("fewer than 12", covered(-1), Relation.LT, TREND_MONTHS),
        )
    return told(
        RepeatLine(LineWindow.UP_TO, last.month),
        claim("the first point covers fewer than 12 months", covered(0), Relation.LT, TREND_MONTHS),
        claim("the last point covers 12", covered(-1), Relation.EQ, TREND_MONTHS),
    )


def loyalty_stock(loyalty: LoyaltyResult) -> LoyaltyStock:
    """The stock the applied loyalty rule picks."""
    if loyalty.loyalty_rule == "club" and loyalty.club is not None:
        club = loyalty.club
        return LoyaltyStock(
            "club", club.active_members, "loyalty.club.active_members", club.active_by_month
        )
    return LoyaltyStock(
        "orders",
        loyalty.frequent_buyers,
        "loyalty.frequent_buyers",
        tuple(m.frequent_buyers for m in loyalty.months),
    )


@dataclass(frozen=True)
class FlowHeadline:
    """The loyalty stock's move and who ordered in the month."""

    stock: Moved
    loyalty_rule: str  # "club": active club members; "orders": frequent buyers
    min_orders: int
    state: FlowState
    returning: int
    active: int
    period: Period


def tell_flow(loyalty: LoyaltyResult, stock: LoyaltyStock, min_orders: int) -> Told[FlowHeadline]:
    """The flow headline and its claims."""
    held = moved(stock.change, stock.path, Scale.RELATIVE, "the loyalty stock")
    active, returning = loyalty.active.current, loyalty.returning.current
    claims: list[Claim] = list(held.claims)
    if not active:
        state = FlowState.NO_ORDERS
        claims.append(claim("nobody ordered", Fig("loyalty.active.current"), Relation.EQ, 0))
    elif not returning:
        state = FlowState.ALL_NEW
        claims += [
            claim("no buyer had bought before", Fig("loyalty.returning.current"), Relation.EQ, 0),
            states("buyers of the month", active, Fig("loyalty.active.current")),
        ]
    elif returning == active:
        # Was "1 of the 1 customers who ordered ... had bought before".
        state = FlowState.ALL_RETURNING
        claims += [
            claim(
                "every buyer had bought before",
                Fig("loyalty.returning.current"),
                Relation.EQ,
                Fig("loyalty.active.current"),
            ),
            states("buyers of the month", active, Fig("loyalty.active.current")),
        ]
    else:
        state = FlowState.SOME_RETURNING
        claims += [
            states("returning buyers", returning, Fig("loyalty.returning.current")),
            states("buyers of the month", active, Fig("loyalty.active.current")),
        ]
    return told(
        FlowHeadline(
            held.context,
            stock.rule,
            min_orders,
            state,
            int(returning),
            int(active),
            loyalty.period,
        ),
        claims,
    )


@dataclass(frozen=True)
class FlowNotes:
    """What the flow notes explain."""

    period: Period
    loyalty_rule: str
    club_rule_asked: bool  # the settings ask for the club rule but the data has no club
    min_orders: int
    churn_days: int
    at_risk_from: int  # days since the last order from which a customer is at risk
    at_risk_to: int
    judged: bool  # the month's history is long enough to judge lapsing (docs/metrics.md#at-risk)


@dataclass(frozen=True)
class RepeatHeadline:
    """Repeat rate and churn rate, each moved or not, and the customers at risk."""

    repeat: Moved | None  # None: no customer ordered in the 12 months
    churn: Moved | None  # FIRST (the level only) when its base is thin
    churn_n: int  # customers the churn rate is a share of
    churn_thin: bool  # fewer than the minimum n (docs/metrics.md#minimum-n): n is given
    at_risk: int  # customers at risk of lapsing; 0: none said
    too_short: bool  # the history is too short to judge lapsing (docs/metrics.md#at-risk)
    period: Period


def tell_repeat(loyalty: LoyaltyResult) -> Told[RepeatHeadline]:
    """The repeat-and-churn headline and its claims."""
    claims: list[Claim] = []
    repeat = churn = None
    churn_thin = False
    if loyalty.repeat_rate_12m is not None:
        said, _ = level_if_thin(
            moved(
                loyalty.repeat_rate_12m, "loyalty.repeat_rate_12m", Scale.POINTS, "the repeat rate"
            ),
            "loyalty.repeat_rate_12m",
            "the repeat rate",
            RateKind.REPEAT_RATE,
            loyalty.repeat_rate_12m_n,
            "loyalty.repeat_rate_12m_n",
        )
        repeat, claims = said.context, [*claims, *said.claims]
    else:
        claims.append(claim("no repeat rate", Fig("loyalty.repeat_rate_12m"), Relation.IS_NONE))
    if loyalty.churn_rate is not None:
        said, churn_thin = level_if_thin(
            moved(loyalty.churn_rate, "loyalty.churn_rate", Scale.POINTS, "churn"),
            "loyalty.churn_rate",
            "churn",
            RateKind.CHURN_RATE,
            loyalty.churn_rate_n,
            "loyalty.churn_rate_n",
        )
        churn, claims = said.context, [*claims, *said.claims]
        if churn_thin:
            claims.append(states("churn's n", loyalty.churn_rate_n, Fig("loyalty.churn_rate_n")))
    at_risk, too_short = 0, False
    if loyalty.lapsing_judged:
        at_risk = int(loyalty.at_risk.current)
        claims.append(states("customers at risk", at_risk, Fig("loyalty.at_risk.current")))
    elif repeat is not None:
        # A churn window derived from a short history says nothing of lapsing: no count.
        too_short = True
        claims.append(
            claim("too short to judge lapsing", Fig("loyalty.lapsing_judged"), Relation.EQ, 0)
        )
    return told(
        RepeatHeadline(
            repeat, churn, loyalty.churn_rate_n, churn_thin, at_risk, too_short, loyalty.period
        ),
        claims,
    )


@dataclass(frozen=True)
class RepeatNotes:
    """What the repeat-and-churn notes explain."""

    period: Period
    churn_days: int
    derived: bool  # the churn window came from the data
    churned: int
    judged: bool  # the history is long enough to judge lapsing (docs/metrics.md#at-risk)
    customers: int  # with an order by the period end (revenue per customer's n)
    segments_shown: int


class CohortState(StrEnum):
    """What the cohort headline can say."""

    MONTH_ONE = "month_one"  # the share ordering again in their second month


@dataclass(frozen=True)
class CohortHeadline:
    """The share of new customers ordering again the month after their first order."""

    month_one: float
    low: bool  # under 30% on enough customers: worded "only"
    customers: int  # the new customers of those cohorts, the share's n
    thin: bool  # fewer than the minimum n (docs/metrics.md#minimum-n): n is given, no "only"
    cohorts: int  # cohorts old enough to have a month 1
    worst: float | None  # the range across those cohorts (None when all have one share)
    best: float | None


LOW_MONTH_ONE = 0.3


def tell_cohorts(loyalty: LoyaltyResult, offset: int) -> Told[CohortHeadline] | None:
    """The cohort headline from the cohorts of `loyalty` (the metrics' cohorts from `offset`
    on); None when no cohort with customers has reached its second month."""
    reached = [
        (offset + k, row)
        for k, row in enumerate(loyalty.cohorts)
        if row.customers and row.retention[1] is not None
    ]
    if not reached:
        return None
    base = sum(row.customers for _, row in reached)
    share = math.fsum(row.customers * row.retention[1] for _, row in reached) / base

    def at(i: int, field: str) -> Fig:
        return Fig(f"loyalty.cohorts[{i}].{field}")

    returned: Expr = reduce(
        lambda a, b: a + b, (at(i, "customers") * at(i, "retention[1]") for i, _ in reached)
    )
    total: Expr = reduce(lambda a, b: a + b, (at(i, "customers") for i, _ in reached))
    claims: list[Claim] = [
        states("the month-1 share", share, returned / total),
        states("its customers", base, total),
    ]
    thin = is_thin(RateKind.REPEAT_RATE, base)
    if thin:
        claims.append(
            claim("the share rests on few cases", total, Relation.LT, MIN_N[RateKind.REPEAT_RATE])
        )
    else:
        claims.append(
            claim(
                "low" if share < LOW_MONTH_ONE else "not low",
                returned / total,
                Relation.LT if share < LOW_MONTH_ONE else Relation.GE,
                LOW_MONTH_ONE,
            )
        )
    worst = best = None
    low_i, low = min(reached, key=lambda p: (p[1].retention[1], p[1].cohort))
    high_i, high = max(reached, key=lambda p: (p[1].retention[1], p[1].cohort))
    if low.retention[1] != high.retention[1]:  # a range of one value says nothing more
        worst, best = low.retention[1], high.retention[1]
        claims += [
            states("the lowest month-1 share", worst, at(low_i, "retention[1]")),
            states("the highest", best, at(high_i, "retention[1]")),
        ]
        claims += [
            claim("within the range", at(i, "retention[1]"), Relation.GE, at(low_i, "retention[1]"))
            for i, _ in reached
        ]
        claims += [
            claim(
                "within the range", at(i, "retention[1]"), Relation.LE, at(high_i, "retention[1]")
            )
            for i, _ in reached
        ]
    said_low = not thin and share < LOW_MONTH_ONE
    return told(CohortHeadline(share, said_low, base, thin, len(reached), worst, best), claims)


@dataclass(frozen=True)
class CohortAge:
    """A column of the cohort table: months since the first order."""

    age: int


@dataclass(frozen=True)
class CohortNotes:
    """What the cohort notes explain."""

    top: float | None  # the highest share in the table
    cohorts: int


class ClubState(StrEnum):
    """How many of the club's members are active."""

    SOME_ACTIVE = "some_active"
    ALL_ACTIVE = "all_active"
    NONE_ACTIVE = "none_active"
    NO_MEMBERS = "no_members"


@dataclass(frozen=True)
class ClubHeadline:
    """Active members among all members, and the offer they use most."""

    state: ClubState
    active: int
    members: int
    share: float | None  # active / members
    offer: str | None  # the most used offer's code
    offer_share: float | None  # of active members who redeemed it


def tell_club(club: ClubSummary) -> Told[ClubHeadline]:
    """The club headline and its claims."""
    active, members = int(club.active_members.current), club.members
    a, m = Fig("loyalty.club.active_members.current"), Fig("loyalty.club.members")
    claims: list[Claim] = [states("club members", members, m)]
    if not members:
        state = ClubState.NO_MEMBERS
    elif active == members:
        state = ClubState.ALL_ACTIVE
        claims.append(claim("every member is active", a, Relation.EQ, m))
    elif not active:
        state = ClubState.NONE_ACTIVE
        claims.append(claim("no member is active", a, Relation.EQ, 0))
    else:
        state = ClubState.SOME_ACTIVE
        claims += [
            states("active members", active, a),
            states("their share", active / members, a / m),
        ]
    offer = share = None
    if club.offers and club.offers[0].share and active:
        offer, share = club.offers[0].offer, club.offers[0].share
        claims.append(states("the top offer's share", share, Fig("loyalty.club.offers[0].share")))
        claims += [
            claim(
                f"{offer} is used most",
                Fig("loyalty.club.offers[0].members"),
                Relation.GE,
                Fig(f"loyalty.club.offers[{k}].members"),
            )
            for k in range(len(club.offers))
        ]
    return told(
        ClubHeadline(state, active, members, active / members if members else None, offer, share),
        claims,
    )


@dataclass(frozen=True)
class ClubNotes:
    """What the club notes explain."""

    period: Period
    offers: bool
    tiers: bool
    untiered: int | None
    points_earned: float | None
    points_redeemed: float | None


def segment_value_evidence(segments: Sequence[SegmentValue]) -> tuple[Claim, ...]:
    """Why the revenue-per-segment chart would show nothing (deckgen.narrative.signal): no
    revenue at all, or a single segment to compare."""
    path = "loyalty.revenue_per_customer_lifetime_by_segment[*]"
    if all(s.revenue_per_customer_lifetime == 0 for s in segments):
        return (
            claim(
                "no segment has revenue",
                Fig(f"{path}.revenue_per_customer_lifetime", Agg.MAX),
                Relation.LE,
                0,
            ),
        )
    return (claim("a single segment", Fig(f"{path}.segment", Agg.COUNT), Relation.EQ, 1),)
