"""Segmentation sentences: the largest group and the unknown, who brings the revenue, RFM."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from deckgen.metrics.common import MONEY_NOISE
from deckgen.metrics.loyalty import LoyaltyResult
from deckgen.metrics.segments import (
    GEOGRAPHIC,
    UNKNOWN,
    Breakdown,
    GroupFigures,
    RfmSegment,
    SegmentationResult,
)
from deckgen.narrative.claims import Agg, Claim, Expr, Fig, Relation, claim, states
from deckgen.narrative.signal import UNKNOWN_NAMED_SHARE
from deckgen.narrative.told import Told, told
from deckgen.period import Period

# A group must hold this share of the customers before the headline may name it.
MIN_NAMED_SHARE = 0.05
# Spends closer than this (relative) read as the same in a one-decimal percent.
SAME_SPEND = 0.0005
# The recency score bands of the RFM result, as a claim path.
_RECENCY_BANDS = "segmentation.rfm.bands[*dimension=recency]"


def breakdown_path(attribute: str) -> str:
    """The claim path of one attribute's breakdown."""
    family = "geographic" if attribute in GEOGRAPHIC else "demographic"
    return f"segmentation.{family}[attribute={attribute}]"


def known(breakdown: Breakdown) -> tuple[GroupFigures, ...]:
    """The groups of a breakdown whose value is known."""
    return tuple(row for row in breakdown.rows if row.value != UNKNOWN)


def unknown_share(breakdown: Breakdown) -> float:
    """The share of customers whose value of the attribute is unknown."""
    return next((row.share for row in breakdown.rows if row.value == UNKNOWN), 0.0)


@dataclass(frozen=True)
class Unknown:
    """A share of customers whose attribute is not known, large enough to name."""

    attribute: str
    share: float


def _unknown_claims(breakdown: Breakdown, named: bool) -> tuple[Claim, ...]:
    """Why the headline names, or leaves out, the customers without the attribute."""
    share = Fig(f"{breakdown_path(breakdown.attribute)}.rows[?value={UNKNOWN}].share")
    if named:
        return (
            states(f"customers without {breakdown.attribute}", unknown_share(breakdown), share),
            claim(
                f"many customers have no {breakdown.attribute}",
                share,
                Relation.GE,
                UNKNOWN_NAMED_SHARE,
            ),
        )
    if not any(row.value == UNKNOWN for row in breakdown.rows):
        return (claim(f"every customer has a {breakdown.attribute}", share, Relation.IS_NONE),)
    return (
        claim(
            f"few customers have no {breakdown.attribute}", share, Relation.LT, UNKNOWN_NAMED_SHARE
        ),
    )


@dataclass(frozen=True)
class Largest:
    """The largest known group of the geographic level shown."""

    attribute: str
    value: str
    share: float


@dataclass(frozen=True)
class Tie:
    """Several groups of the geographic level shown share the most customers."""

    attribute: str
    groups: int  # how many groups tie
    share: float  # each one's share of the customers


@dataclass(frozen=True)
class Standout:
    """The demographic group whose revenue share most exceeds its customer share."""

    attribute: str
    value: str
    share: float
    revenue_share: float


@dataclass(frozen=True)
class NoShares:
    """An attribute shown without shares of revenue: a group's returns exceed its sales over
    the 12 months (docs/metrics.md#shares-of-revenue)."""

    attribute: str
    value: str  # the first such group


def no_shares(shown: Sequence[Breakdown]) -> tuple[NoShares, ...]:
    """The attributes of `shown` without shares of revenue for a group below zero, in order."""
    return tuple(NoShares(b.attribute, b.below_zero[0]) for b in shown if b.below_zero)


@dataclass(frozen=True)
class ProfileHeadline:
    """Who the customers are, in one line."""

    largest: Largest | None
    tie: Tie | None  # instead of a largest group when several share the most customers
    unknown: tuple[Unknown, ...]  # attributes shown with many customers unknown, largest first
    standout: Standout | None
    customers: int
    no_shares: tuple[NoShares, ...] = ()  # the charts without shares of revenue, and why


def shows_revenue(chart: Sequence[Breakdown]) -> bool:
    """True when a chart of the breakdowns `chart` shows shares of revenue beside those of
    customers: only when every one of them has shares (docs/metrics.md#shares-of-revenue)."""
    return all(b.revenue_shares_given for b in chart)


def tell_profile_headline(
    seg: SegmentationResult,
    geography: Breakdown | None,
    charts: tuple[tuple[Breakdown, ...], ...],
) -> Told[ProfileHeadline]:
    """The profile headline of the slide whose charts show `charts` (the breakdowns of each):
    the largest group, the unknowns worth naming, the standout."""
    shown = tuple(b for chart in charts for b in chart)
    claims: list[Claim] = [
        states(
            "customers in the base", seg.customers.current, Fig("segmentation.customers.current")
        )
    ]
    largest = tie = None
    groups = known(geography) if geography is not None else ()
    most = [g for g in groups if g.customers.current == groups[0].customers.current]
    if geography is not None and len(most) > 1:
        # A group tied for the most customers is not "the largest": the tie is the finding.
        path = breakdown_path(geography.attribute)
        tie = Tie(geography.attribute, len(most), most[0].share)
        claims += [
            states(
                "each tied group's share", most[0].share, Fig(f"{path}.rows[value={g.value}].share")
            )
            for g in most
        ]
        claims += [
            claim(
                "the tied groups have the most customers",
                Fig(f"{path}.rows[value={most[0].value}].customers.current"),
                Relation.GT,
                Fig(f"{path}.rows[value={row.value}].customers.current"),
            )
            for row in groups[len(most) :]
        ]
    elif geography is not None:
        top = groups[0]
        path = breakdown_path(geography.attribute)
        largest = Largest(geography.attribute, top.value, top.share)
        claims.append(
            states(
                f"the largest {geography.attribute}'s share",
                top.share,
                Fig(f"{path}.rows[value={top.value}].share"),
            )
        )
        claims += [
            claim(
                f"{top.value} is the largest {geography.attribute}",
                Fig(f"{path}.rows[value={top.value}].customers.current"),
                Relation.GT,
                Fig(f"{path}.rows[value={row.value}].customers.current"),
            )
            for row in groups[1:]
        ]
    unknown = []
    for breakdown in shown:
        named = unknown_share(breakdown) >= UNKNOWN_NAMED_SHARE
        claims += _unknown_claims(breakdown, named)
        if named:
            unknown.append(Unknown(breakdown.attribute, unknown_share(breakdown)))
    unknown.sort(key=lambda u: (-u.share, u.attribute))
    missing = no_shares(shown)
    claims += [
        claim(
            f"{n.value}'s returns exceed its sales",
            Fig(f"{breakdown_path(n.attribute)}.rows[value={n.value}].revenue_12m.current"),
            Relation.LT,
            0,
        )
        for n in missing
    ]
    # A standout cites a revenue share: only of a group on a chart that shows revenue shares
    # (gender and income share a chart, shown with customer shares only when either lacks them).
    standout = _standout(
        [b for chart in charts if shows_revenue(chart) for b in chart if b is not geography]
    )
    if standout is not None:
        path = f"{breakdown_path(standout.attribute)}.rows[value={standout.value}]"
        claims += [
            states("the standout's customer share", standout.share, Fig(f"{path}.share")),
            states(
                "the standout's revenue share", standout.revenue_share, Fig(f"{path}.revenue_share")
            ),
            claim(
                "the standout brings more than its share",
                Fig(f"{path}.revenue_share"),
                Relation.GT,
                Fig(f"{path}.share"),
            ),
        ]
    return told(
        ProfileHeadline(largest, tie, tuple(unknown), standout, seg.customers.current, missing),
        claims,
    )


def _standout(demographic: Sequence[Breakdown]) -> Standout | None:
    """The group of `demographic` of 5% or more of the base whose revenue share most exceeds
    its customer share; None when no group brings more than its share."""
    candidates = [
        (b.attribute, row)
        for b in demographic
        for row in known(b)
        if row.share >= MIN_NAMED_SHARE and row.revenue_share > row.share
    ]
    if not candidates:
        return None
    attribute, row = max(candidates, key=lambda c: (c[1].revenue_share / c[1].share, c[1].value))
    return Standout(attribute, row.value, row.share, row.revenue_share)


@dataclass(frozen=True)
class SharesChart:
    """A chart's title: customers (and revenue, when there is any) by attributes."""

    attributes: tuple[str, ...]
    with_revenue: bool


@dataclass(frozen=True)
class ProfileNotes:
    """What the profile's notes explain."""

    period: Period
    customers: int
    geography: str | None
    shown: int  # geographic groups on the chart
    unknown: tuple[Unknown, ...]  # every attribute with unknown customers
    with_revenue: bool = True  # some chart shows shares of revenue
    no_shares: tuple[NoShares, ...] = ()  # the charts without them for a group below zero


@dataclass(frozen=True)
class History:
    """How much of the 12 months to the month's end the orders cover: a sentence says "over 12
    months" only when they cover all of them (docs/metrics.md#trailing-12-months)."""

    full: bool
    months: int  # 1..12: from the month of the first order ever (12 when before the window)


def tell_first_month(
    counts: Sequence[int], fig: Callable[[int], Expr], named: str, before: str
) -> Told[int]:
    """The index of the first of the 12 months (oldest first) whose count is above zero, the
    last when none is; claimed as `named` (its count above zero) and `before` (none earlier),
    of the figures `fig(i)`."""
    first = next((i for i, n in enumerate(counts) if n), len(counts) - 1)
    return told(
        first,
        claim(named, fig(first), Relation.GT, 0),
        [claim(before, fig(i), Relation.EQ, 0) for i in range(first)],
    )


def tell_history(seg: SegmentationResult, loyalty: LoyaltyResult) -> Told[History]:
    """The months of order history within the 12 months to the month's end."""
    cohorts = loyalty.cohorts  # the 12 months ending with the month, oldest first
    base = Fig("segmentation.customers.current")
    acquired = Fig("loyalty.cohorts[*].customers", Agg.SUM)
    if sum(c.customers for c in cohorts) < seg.customers.current:
        return told(
            History(True, len(cohorts)),
            claim("some customer first ordered before the 12 months", acquired, Relation.LT, base),
        )
    first = tell_first_month(
        [c.customers for c in cohorts],
        lambda i: Fig(f"loyalty.cohorts[{i}].customers"),
        "the first order's month",
        "no order before it",
    )
    return told(
        History(first.context == 0, len(cohorts) - first.context),
        claim("every customer first ordered within the 12 months", acquired, Relation.EQ, base),
        first.claims,
    )


class Windowed(StrEnum):
    """A trailing-12-month figure whose label names its window (docs/metrics.md#trailing-12-months)."""

    REPEAT_RATE = "repeat_rate"  # Repeat rate (12 m)
    REVENUE_SHARE = "revenue_share"  # Share of revenue (12 m)
    REVENUE_PER_CUSTOMER = "revenue_per_customer"  # Revenue per customer (12 m)
    INTEREST_SPEND = "interest_spend"  # Revenue per customer, last 12 months (a chart title)


@dataclass(frozen=True)
class WindowLabel:
    """The label of a 12-month figure on an order history shorter than 12 months: the months the
    orders cover, not "12 m"."""

    figure: Windowed
    history: History  # not full


def tell_window_label(figure: Windowed, history: Told[History]) -> Told[WindowLabel] | None:
    """The label record of `figure` when the orders cover fewer than the 12 months to the
    month's end (`history`, tell_history's); None when they cover all 12 (labels.toml's "12 m"
    label is then true)."""
    if history.context.full:
        return None
    return told(WindowLabel(figure, history.context), history.claims)


class InterestState(StrEnum):
    """What the interests headline can say."""

    SPEND = "spend"  # one interest's customers spend the most over 12 months
    EVEN = "even"  # every interest shown: its customers spend the same (one buyer, say)
    NAMED = "named"  # no revenue to compare: the interest named most


@dataclass(frozen=True)
class InterestsHeadline:
    """The interest whose customers spend the most (or are the most, without revenue)."""

    state: InterestState
    interest: str
    share: float  # of customers naming it
    spend: float  # revenue per customer over 12 months
    average: float | None  # revenue per customer of the whole base over 12 months
    gap: float | None  # |spend / average - 1|
    above: bool
    history: History  # the months the 12-month spend rests on
    # SPEND: the other interests shown whose spend ties with it; NAMED: those named as often
    tied: tuple[str, ...] = ()


def tell_interests_headline(
    seg: SegmentationResult, shown: int, history: Told[History]
) -> Told[InterestsHeadline]:
    """The interests headline and its claims."""
    interests = seg.psychographic[:shown]
    spends = [i.revenue_per_customer_12m for i in interests]
    # "Whatever their interest": every interest, shown or not, as the claims below check.
    every = [i.revenue_per_customer_12m for i in seg.psychographic]
    if max(spends) > 0 and len(interests) > 1 and min(every) == max(every):
        # Was "Customers interested in travel spend the most" with every interest tied.
        top = interests[0]
        path = f"segmentation.psychographic[interest={top.interest}]"
        per_customer = "segmentation.psychographic[*].revenue_per_customer_12m"
        return told(
            InterestsHeadline(
                InterestState.EVEN,
                top.interest,
                top.share,
                spends[0],
                None,
                None,
                False,
                history.context,
            ),
            history.claims,
            states("the spend of each", spends[0], Fig(f"{path}.revenue_per_customer_12m")),
            claim("every interest alike", Fig(per_customer, Agg.MAX), Relation.EQ, spends[0]),
            claim("every interest alike", Fig(per_customer, Agg.MIN), Relation.EQ, spends[0]),
        )
    if max(spends) > 0:
        top = max(interests, key=lambda i: i.revenue_per_customer_12m)  # the first of any tied
        path = f"segmentation.psychographic[interest={top.interest}]"
        # Was "Customers interested in travel spend the most" beside outdoors spending as much.
        tied = tuple(
            i.interest
            for i in interests
            if i is not top and i.revenue_per_customer_12m == top.revenue_per_customer_12m
        )
        average = seg.revenue_per_customer_12m
        claims = [
            claim(
                f"{name} spends as much",
                Fig(f"segmentation.psychographic[interest={name}].revenue_per_customer_12m"),
                Relation.EQ,
                Fig(f"{path}.revenue_per_customer_12m"),
            )
            for name in tied
        ]
        claims += [
            states(
                f"{top.interest}'s spend",
                top.revenue_per_customer_12m,
                Fig(f"{path}.revenue_per_customer_12m"),
            ),
            claim(
                f"{top.interest}'s customers spend something",
                Fig(f"{path}.revenue_per_customer_12m"),
                Relation.GT,
                0,
            ),
        ]
        claims += [
            claim(
                f"{top.interest}'s customers spend the most",
                Fig(f"{path}.revenue_per_customer_12m"),
                Relation.GE,
                Fig(f"segmentation.psychographic[interest={i.interest}].revenue_per_customer_12m"),
            )
            for i in interests
        ]
        gap = None
        # A gap that a one-decimal percent shows as 0.0% is no gap ("0.0% above the average").
        if average and abs(top.revenue_per_customer_12m / average - 1) >= SAME_SPEND:
            gap = abs(top.revenue_per_customer_12m / average - 1)
            per_head = Fig("segmentation.revenue_12m.current") / Fig(
                "segmentation.customers.current"
            )
            claims.append(states("the average spend", average, per_head))
            claims.append(
                claim(
                    "above or below the average as said",
                    Fig(f"{path}.revenue_per_customer_12m"),
                    Relation.GE if top.revenue_per_customer_12m >= average else Relation.LT,
                    per_head,
                )
            )
        elif average:
            ratio = Fig(f"{path}.revenue_per_customer_12m") / (
                Fig("segmentation.revenue_12m.current") / Fig("segmentation.customers.current")
            )
            claims += [
                claim("it spends as the average does", ratio, Relation.LT, 1 + SAME_SPEND),
                claim("it spends as the average does", ratio, Relation.GT, 1 - SAME_SPEND),
            ]
        return told(
            InterestsHeadline(
                InterestState.SPEND,
                top.interest,
                top.share,
                top.revenue_per_customer_12m,
                average,
                gap,
                average is None or top.revenue_per_customer_12m >= average,
                history.context,
                tied,
            ),
            claims,
            history.claims,
        )
    top = interests[0]
    path = f"segmentation.psychographic[interest={top.interest}]"
    tied = tuple(i.interest for i in interests[1:] if i.customers == top.customers)
    return told(
        InterestsHeadline(
            InterestState.NAMED,
            top.interest,
            top.share,
            0.0,
            None,
            None,
            False,
            history.context,
            tied,
        ),
        history.claims,
        [
            claim(
                f"{name} is named as often",
                Fig(f"segmentation.psychographic[interest={name}].customers"),
                Relation.EQ,
                Fig(f"{path}.customers"),
            )
            for name in tied
        ],
        states(f"{top.interest}'s share", top.share, Fig(f"{path}.share")),
        claim(
            "no interest's customers spent anything",
            Fig("segmentation.psychographic[*].revenue_per_customer_12m", Agg.MAX),
            Relation.EQ,
            0,
        ),
        [
            claim(
                f"{top.interest} is named most",
                Fig(f"{path}.customers"),
                Relation.GE,
                Fig(f"segmentation.psychographic[interest={i.interest}].customers"),
            )
            for i in interests
        ],
    )


@dataclass(frozen=True)
class InterestsNotes:
    """What the interests notes explain."""

    shown: int
    revenue_12m: float
    customers: int


class RfmState(StrEnum):
    """What the RFM headline can say."""

    OUTEARNS = "outearns"  # a segment brings more than its share of revenue
    LARGEST = "largest"  # no revenue to compare: the largest segment
    # Every customer last ordered the same number of days ago: recency ranks nobody, so no
    # segment name may say who is lapsing (docs/metrics.md#rfm-scores).
    SAME_RECENCY = "same_recency"
    ONE_CUSTOMER = "one_customer"  # a lone customer: nobody to rank against
    # Recency ranks the customers, but the history is too short to judge lapsing (the churn
    # slide's rule, docs/metrics.md#at-risk): Lost or At Risk only means "ordered earlier".
    SHORT_HISTORY = "short_history"
    # More returned than sold to date: no segment has a share of the revenue to name.
    NET_NEGATIVE = "net_negative"
    # More sold than returned to date, but not in every segment: a segment below zero would
    # lift the others past 100%, so no segment has a share (docs/metrics.md#shares-of-revenue).
    PART_NEGATIVE = "part_negative"


@dataclass(frozen=True)
class RfmHeadline:
    """The RFM segment to note: the one that out-earns its weight, else the largest; or,
    when recency ranks nobody, the one recency every customer shares."""

    state: RfmState
    segment: str
    share: float
    revenue_share: float
    times: float | None  # revenue_share / share (OUTEARNS)
    monetary: float | None  # mean revenue per customer to date
    customers: int = 0  # the base (SAME_RECENCY, ONE_CUSTOMER, SHORT_HISTORY)
    # Days since every customer's last order (SAME_RECENCY, ONE_CUSTOMER); the most days since
    # any customer's (SHORT_HISTORY).
    recency_days: int | None = None
    below: tuple[str, ...] = ()  # the segments whose returns exceed their sales (PART_NEGATIVE)


def _shared_recency(seg: SegmentationResult) -> int | None:
    """The days since the last order when every scored customer has the same, else None."""
    bands = [b for b in seg.rfm.bands if b.dimension == "recency" and b.customers]
    if len(bands) != 1 or bands[0].low != bands[0].high or bands[0].low is None:
        return None
    return int(bands[0].low)


def _naming_no_segment(seg: SegmentationResult, state: RfmState, days: int) -> RfmHeadline:
    """A headline record that names no segment: the base, `days` (RfmHeadline.recency_days)
    and, for the notes, the largest segment."""
    largest = max(seg.rfm.segments, key=lambda s: (s.customers.current, s.name))
    return RfmHeadline(
        state,
        largest.name,
        largest.share,
        largest.revenue_share,
        None,
        largest.monetary,
        seg.customers.current,
        days,
    )


def _tell_unranked(seg: SegmentationResult, days: int) -> Told[RfmHeadline]:
    """The headline when recency ranks nobody: the base and the days every customer shares."""
    recency = _RECENCY_BANDS
    alone = seg.customers.current == 1
    return told(
        _naming_no_segment(seg, RfmState.ONE_CUSTOMER if alone else RfmState.SAME_RECENCY, days),
        states(
            "customers in the base", seg.customers.current, Fig("segmentation.customers.current")
        ),
        states("the days since the last order", days, Fig(f"{recency}.low", Agg.MIN)),
        claim("every customer has them", Fig(f"{recency}.high", Agg.MAX), Relation.EQ, days),
        claim(
            "one customer" if alone else "more than one customer",
            Fig("segmentation.customers.current"),
            Relation.EQ if alone else Relation.GT,
            1,
        ),
    )


def _tell_short_history(seg: SegmentationResult) -> Told[RfmHeadline]:
    """The headline when the history is too short to judge lapsing: the base and how far back
    its last orders reach."""
    bands = [b for b in seg.rfm.bands if b.dimension == "recency" and b.high is not None]
    oldest = int(max(b.high for b in bands))
    return told(
        _naming_no_segment(seg, RfmState.SHORT_HISTORY, oldest),
        claim("too short to judge lapsing", Fig("loyalty.lapsing_judged"), Relation.EQ, 0),
        states(
            "customers in the base", seg.customers.current, Fig("segmentation.customers.current")
        ),
        states("the most days since a last order", oldest, Fig(f"{_RECENCY_BANDS}.high", Agg.MAX)),
    )


def _largest(segments: list[RfmSegment]) -> tuple[RfmSegment, list[Claim]]:
    """The segment with the most customers, with the claims that it is the largest."""
    largest = max(segments, key=lambda s: (s.customers.current, s.name))
    path = f"segmentation.rfm.segments[name={largest.name}]"
    return largest, [
        states("the segment's customer share", largest.share, Fig(f"{path}.share")),
        *(
            claim(
                f"{largest.name} is the largest segment",
                Fig(f"{path}.customers.current"),
                Relation.GE,
                Fig(f"segmentation.rfm.segments[name={s.name}].customers.current"),
            )
            for s in segments
        ),
    ]


def _tell_no_shares(seg: SegmentationResult, segments: list[RfmSegment]) -> Told[RfmHeadline]:
    """The headline when the segments have no shares of the revenue to date for returns that
    exceed sales, in all (NET_NEGATIVE) or in some segments (PART_NEGATIVE): the largest
    segment, and no revenue share (docs/metrics.md#shares-of-revenue)."""
    largest, claims = _largest(segments)
    net_negative = seg.rfm.net_negative
    below = () if net_negative else seg.rfm.below_zero
    state = RfmState.NET_NEGATIVE if net_negative else RfmState.PART_NEGATIVE
    return told(
        RfmHeadline(state, largest.name, largest.share, 0.0, None, largest.monetary, below=below),
        claims,
        claim(
            "the revenue to date is below zero" if net_negative else "it is not below zero",
            Fig("segmentation.rfm.segments[*].revenue", Agg.SUM),
            Relation.LE if net_negative else Relation.GT,
            -MONEY_NOISE,
        ),
        [
            claim(
                f"{name}'s returns exceed its sales",
                Fig(f"segmentation.rfm.segments[name={name}].revenue"),
                Relation.LT,
                0,
            )
            for name in below
        ],
    )


def tell_rfm_headline(seg: SegmentationResult, loyalty: LoyaltyResult) -> Told[RfmHeadline]:
    """The RFM headline: the same segment as the summary's top_segment finding when one
    out-earns its share of customers; no segment when recency ranks nobody or when the history
    is too short to judge lapsing (as the repeat-and-churn slide says)."""
    days = _shared_recency(seg)
    if days is not None:
        return _tell_unranked(seg, days)
    if not loyalty.lapsing_judged:
        return _tell_short_history(seg)
    segments = [s for s in seg.rfm.segments if s.customers.current > 0]
    if seg.rfm.below_zero:  # some segment's returns exceed its sales, or all do
        return _tell_no_shares(seg, segments)
    best = max(segments, key=lambda s: (s.revenue_share - s.share, s.name))
    path = f"segmentation.rfm.segments[name={best.name}]"
    if best.revenue_share > best.share:
        times = best.revenue_share / best.share
        return told(
            RfmHeadline(
                RfmState.OUTEARNS, best.name, best.share, best.revenue_share, times, best.monetary
            ),
            states("the segment's customer share", best.share, Fig(f"{path}.share")),
            states("the segment's revenue share", best.revenue_share, Fig(f"{path}.revenue_share")),
            states(
                "how many times its weight",
                times,
                Fig(f"{path}.revenue_share") / Fig(f"{path}.share"),
            ),
            claim(
                "it out-earns its weight",
                Fig(f"{path}.revenue_share"),
                Relation.GT,
                Fig(f"{path}.share"),
            ),
        )
    largest, claims = _largest(segments)
    return told(
        RfmHeadline(
            RfmState.LARGEST,
            largest.name,
            largest.share,
            largest.revenue_share,
            None,
            largest.monetary,
        ),
        claims,
        [
            claim(
                f"{s.name} does not out-earn its weight",
                Fig(f"segmentation.rfm.segments[name={s.name}].revenue_share"),
                Relation.LE,
                Fig(f"segmentation.rfm.segments[name={s.name}].share"),
            )
            for s in segments
        ],
    )


def segment_scope(loyalty: LoyaltyResult) -> Told[bool]:
    """True when figures may be broken down by RFM segment: as on the RFM slide, not while the
    history is too short to judge lapsing, when a segment such as Lost only holds the customers
    who ordered earliest (docs/metrics.md#at-risk)."""
    judged = loyalty.lapsing_judged
    return told(
        judged, claim("lapsing judged", Fig("loyalty.lapsing_judged"), Relation.EQ, int(judged))
    )


@dataclass(frozen=True)
class RfmNotes:
    """What the RFM notes explain."""

    state: RfmState
    segment: str
    share: float
    revenue_share: float
    monetary: float | None
    # The chart shows the segments' revenue shares (docs/metrics.md#shares-of-revenue).
    with_revenue: bool
    below_zero: bool  # the revenue to date is below zero: more returned than sold
    below: tuple[str, ...] = ()  # the segments whose returns exceed their sales to date
