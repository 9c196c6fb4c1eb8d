"""Satisfaction sentences: the quadrants, how satisfaction relates to loyalty, NPS and CSAT."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from deckgen.metrics.satisfaction import (
    MIN_LINKED_SHARE,
    Correlation,
    LoyaltyAxis,
    SatisfactionResult,
    SegmentSatisfaction,
)
from deckgen.metrics.signal import RateKind
from deckgen.narrative.claims import Claim, Expr, Fig, Relation, claim, states
from deckgen.narrative.segmentation import History, tell_first_month
from deckgen.narrative.told import Moved, Scale, Told, level_if_thin, moved, told
from deckgen.period import Period

# Surveyed customers a segment needs to be named in the headline.
HEADLINE_MIN_N = 10
# |rank correlation| from which a relation is strong, moderate (below: weak).
STRONG, MODERATE = 0.6, 0.3


def quadrant_path(name: str) -> str:
    """The claim path of one quadrant."""
    return f"satisfaction.quadrants[name={name}]"


@dataclass(frozen=True)
class QuadrantHeadline:
    """The loyalists' share, and the largest other group when there is one."""

    axis: LoyaltyAxis  # what high loyalty is: repeat buying, or intent to recommend
    placed: int  # customers placed in a quadrant
    loyalists: float | None
    other: str | None  # mercenaries, hostages or defectors
    other_share: float | None
    period: Period


def _axis_claim(s: SatisfactionResult) -> Claim:
    """Behaviour is worded only when the survey answers link to the orders."""
    linked = Fig("satisfaction.linked_customers") / Fig("satisfaction.customers")
    if s.loyalty_axis == LoyaltyAxis.BEHAVIOUR:
        return claim("the answers link to orders", linked, Relation.GE, MIN_LINKED_SHARE)
    if not s.customers:
        return claim("nobody to link", Fig("satisfaction.customers"), Relation.EQ, 0)
    return claim("too few answers link to orders", linked, Relation.LT, MIN_LINKED_SHARE)


def tell_quadrants(s: SatisfactionResult) -> Told[QuadrantHeadline]:
    """The quadrant headline and its claims."""
    claims: list[Claim] = [
        states("customers placed", s.quadrant_n, Fig("satisfaction.quadrant_n")),
        _axis_claim(s),
    ]
    if not s.quadrant_n:
        return told(QuadrantHeadline(s.loyalty_axis, 0, None, None, None, s.period), claims)
    by_name = {q.name: q for q in s.quadrants}
    loyal = by_name["loyalists"]
    claims.append(
        states("the loyalists' share", loyal.share, Fig(f"{quadrant_path('loyalists')}.share"))
    )
    others = [by_name[n] for n in ("mercenaries", "hostages", "defectors")]
    top = max(others, key=lambda q: (q.customers, q.name == "defectors"))
    if not top.customers:
        claims.append(
            claim(
                "every placed customer is a loyalist",
                Fig(f"{quadrant_path('loyalists')}.customers"),
                Relation.EQ,
                Fig("satisfaction.quadrant_n"),
            )
        )
        return told(
            QuadrantHeadline(s.loyalty_axis, s.quadrant_n, loyal.share, None, None, s.period),
            claims,
        )
    mine = Fig(f"{quadrant_path(top.name)}.customers")
    claims.append(
        states(f"the {top.name}' share", top.share, Fig(f"{quadrant_path(top.name)}.share"))
    )
    claims += [
        claim(
            f"{top.name} is the largest other group",
            mine,
            Relation.GE,
            Fig(f"{quadrant_path(q.name)}.customers"),
        )
        for q in others
    ]
    return told(
        QuadrantHeadline(s.loyalty_axis, s.quadrant_n, loyal.share, top.name, top.share, s.period),
        claims,
    )


class Strength(StrEnum):
    """How strongly two answers go together (by the rank correlation)."""

    STRONG = "strong"
    MODERATE = "moderate"
    WEAK = "weak"


@dataclass(frozen=True)
class Association:
    """A rank correlation, its strength and direction."""

    value: float
    strength: Strength
    positive: bool
    n: int


def _relation(c: Correlation, path: str, what: str) -> Told[Association] | None:
    if c.spearman is None:
        return None
    size = abs(c.spearman)
    strength = (
        Strength.STRONG
        if size >= STRONG
        else Strength.MODERATE
        if size >= MODERATE
        else Strength.WEAK
    )
    fig = Fig(f"{path}.spearman")
    bound = {Strength.STRONG: STRONG, Strength.MODERATE: MODERATE, Strength.WEAK: 0.0}[strength]
    positive = c.spearman >= 0
    claims = [states(what, c.spearman, fig), states(f"n of {what}", c.n, Fig(f"{path}.n"))]
    if positive:
        claims.append(claim(f"{what} is {strength}", fig, Relation.GE, bound))
        if strength != Strength.STRONG:
            claims.append(
                claim(
                    f"{what} is {strength}",
                    fig,
                    Relation.LT,
                    STRONG if strength == Strength.MODERATE else MODERATE,
                )
            )
    else:
        claims.append(claim(f"{what} is negative and {strength}", fig, Relation.LE, -bound))
    return told(Association(c.spearman, strength, positive, c.n), claims)


@dataclass(frozen=True)
class OrdersByGroup:
    """Orders per customer in 12 months of the loyalists and the defectors."""

    loyalists: float
    defectors: float


@dataclass(frozen=True)
class RecommendByGroup:
    """Mean likelihood to recommend of the loyalists and the defectors (scale units)."""

    loyalists: float
    defectors: float


@dataclass(frozen=True)
class Correlations:
    """The sentences beside the quadrant table."""

    recommend: Association | None  # satisfaction against willingness to recommend
    orders: Association | None  # satisfaction against orders in 12 months
    # The groups set against the other measure than the one that placed them: purchase days
    # under intent, stated intent under behaviour (docs/metrics.md#satisfaction-quadrants).
    orders_by_group: OrdersByGroup | None
    recommend_by_group: RecommendByGroup | None
    history: History  # the months of orders the purchase days count (#trailing-12-months)


def tell_correlations(s: SatisfactionResult, history: Told[History]) -> Told[Correlations]:
    """How satisfaction relates to recommendation and to repeat buying over the months of
    `history`."""
    rec = _relation(
        s.satisfaction_vs_recommend,
        "satisfaction.satisfaction_vs_recommend",
        "satisfaction vs recommendation",
    )
    orders = _relation(
        s.satisfaction_vs_occasions,
        "satisfaction.satisfaction_vs_occasions",
        "satisfaction vs purchase days",
    )
    by_name = {q.name: q for q in s.quadrants}
    loyal, defect = by_name["loyalists"], by_name["defectors"]
    claims: list[Claim] = [*(rec.claims if rec else ()), *(orders.claims if orders else ())]
    groups = intent = None
    behaviour = s.loyalty_axis == LoyaltyAxis.BEHAVIOUR
    if behaviour and loyal.mean_recommend is not None and defect.mean_recommend is not None:
        intent = RecommendByGroup(loyal.mean_recommend, defect.mean_recommend)
        claims += [
            states(
                "the loyalists' intent",
                loyal.mean_recommend,
                Fig(f"{quadrant_path('loyalists')}.mean_recommend"),
            ),
            states(
                "the defectors' intent",
                defect.mean_recommend,
                Fig(f"{quadrant_path('defectors')}.mean_recommend"),
            ),
        ]
    if (
        not behaviour
        and loyal.mean_occasions_12m is not None
        and defect.mean_occasions_12m is not None
    ):
        groups = OrdersByGroup(loyal.mean_occasions_12m, defect.mean_occasions_12m)
        claims += [
            states(
                "the loyalists' orders",
                loyal.mean_occasions_12m,
                Fig(f"{quadrant_path('loyalists')}.mean_occasions_12m"),
            ),
            states(
                "the defectors' orders",
                defect.mean_occasions_12m,
                Fig(f"{quadrant_path('defectors')}.mean_occasions_12m"),
            ),
        ]
    return told(
        Correlations(
            rec.context if rec else None,
            orders.context if orders else None,
            groups,
            intent,
            history.context,
        ),
        claims,
        history.claims,
    )


@dataclass(frozen=True)
class Scales:
    """The answer scales and cut-offs, and the customers on the scatter."""

    axis: LoyaltyAxis  # the loyalty axis: purchase days (behaviour) or intent to recommend
    linked: int  # surveyed customers found in the orders
    surveyed: int  # surveyed customers
    satisfaction_low: float
    satisfaction_high: float
    recommend_low: float
    recommend_high: float
    satisfaction_threshold: float
    recommend_threshold: float
    shown: int  # dots drawn
    n: int  # customers with both answers
    sampled: bool
    placed: int  # customers in a quadrant (the table's n)
    jitter: float
    pearson_recommend: float | None
    pearson_orders: float | None
    pearson_recommend_orders: float | None
    period: Period
    history: History  # the months of orders the purchase days count (#trailing-12-months)


class ScoreState(StrEnum):
    """What the NPS headline can say."""

    SCORED = "scored"  # NPS (and CSAT) of the month
    NO_ANSWERS = "no_answers"  # no valid answer in the month


@dataclass(frozen=True)
class SegmentScore:
    """A segment's NPS in the headline."""

    segment: str
    nps: float


@dataclass(frozen=True)
class ScoreHeadline:
    """The month's NPS and CSAT, moved or not, and the best and worst segment."""

    state: ScoreState
    nps: Moved | None
    csat: Moved | None
    n: int  # answers behind the month's NPS
    thin: bool  # fewer answers than the minimum n (docs/metrics.md#minimum-n): no move is called
    best: SegmentScore | None
    worst: SegmentScore | None
    period: Period


def tell_scores(s: SatisfactionResult, segments: bool = True) -> Told[ScoreHeadline]:
    """The NPS-and-CSAT headline and its claims; it names RFM segments only when `segments`
    (lapsing can be judged: segment_scope)."""
    if s.nps_change is None:
        return told(
            ScoreHeadline(ScoreState.NO_ANSWERS, None, None, 0, True, None, None, s.period),
            claim("no NPS this month", Fig("satisfaction.nps_change"), Relation.IS_NONE),
        )
    n = s.nps.n
    nps, few = level_if_thin(
        moved(s.nps_change, "satisfaction.nps_change", Scale.SCORE, "NPS"),
        "satisfaction.nps_change",
        "NPS",
        RateKind.NPS,
        n,
        "satisfaction.nps.n",
    )
    csat = None
    if s.csat_change is not None:
        csat, _ = level_if_thin(
            moved(s.csat_change, "satisfaction.csat_change", Scale.POINTS, "CSAT"),
            "satisfaction.csat_change",
            "CSAT",
            RateKind.CSAT,
            s.csat.n,
            "satisfaction.csat.n",
        )
    claims: list[Claim] = [
        *nps.claims,
        *(csat.claims if csat else ()),
        states("NPS answers", n, Fig("satisfaction.nps.n")),
    ]
    best = worst = None
    named = [
        row for row in s.by_segment if row.nps.n >= HEADLINE_MIN_N and row.nps.score is not None
    ]
    if segments and len(named) > 1:
        ranked = sorted(named, key=lambda row: (row.nps.score, row.segment))
        low, high = ranked[0], ranked[-1]
        if high.nps.score > low.nps.score:
            best, worst = (
                SegmentScore(high.segment, high.nps.score),
                SegmentScore(low.segment, low.nps.score),
            )
            claims += _segment_claims(high, low, named)
    return told(
        ScoreHeadline(
            ScoreState.SCORED,
            nps.context,
            csat.context if csat else None,
            n,
            few,
            best,
            worst,
            s.period,
        ),
        claims,
    )


def _segment_claims(
    high: SegmentSatisfaction, low: SegmentSatisfaction, named: list[SegmentSatisfaction]
) -> list[Claim]:
    def score(row: SegmentSatisfaction) -> Fig:
        return Fig(f"satisfaction.by_segment[segment={row.segment}].nps.score")

    claims = [
        states("the best segment's NPS", high.nps.score, score(high)),
        states("the worst", low.nps.score, score(low)),
    ]
    claims += [
        claim(f"{high.segment} scores highest", score(high), Relation.GE, score(r)) for r in named
    ]
    claims += [
        claim(f"{low.segment} scores lowest", score(low), Relation.LE, score(r)) for r in named
    ]
    claims += [
        claim(
            "named segments have enough answers",
            Fig(f"satisfaction.by_segment[segment={r.segment}].nps.n"),
            Relation.GE,
            HEADLINE_MIN_N,
        )
        for r in (high, low)
    ]
    return claims


@dataclass(frozen=True)
class KpiScope:
    """A score KPI's label: the month or 12 months by customer, with its n."""

    n: int
    period: Period
    months: int | None = None  # by customer: the months the answers cover when fewer than 12


def tell_customer_scope(result: SatisfactionResult, n: int, period: Period) -> Told[KpiScope]:
    """The label record of a by-customer score: over 12 months, or over the months from the
    first with an answer when no answer is older (docs/metrics.md#trailing-12-months)."""

    def answers(i: int) -> Expr:
        return Fig(f"satisfaction.months[{i}].nps.n") + Fig(f"satisfaction.months[{i}].csat.n")

    months = result.months
    if result.answered_before:
        # A pause in the surveys at the window's start is no shorter history.
        older = claim(
            "an answer before the 12 months", Fig("satisfaction.answered_before"), Relation.EQ, 1
        )
        return told(KpiScope(n, period), older)
    counts = [m.nps.n + m.csat.n for m in months]
    if not any(counts) or counts[0]:
        full = claim("answers in the first of the 12 months", answers(0), Relation.GT, 0)
        return told(KpiScope(n, period), [full] if any(counts) else [])
    first = tell_first_month(
        counts, answers, "answers in the first month covered", "no answer before it"
    )
    return told(KpiScope(n, period, len(months) - first.context), first.claims)


@dataclass(frozen=True)
class ScoreNotes:
    """What the NPS-and-CSAT notes explain."""

    period: Period
    answers: int
    left_out: int
    customers: int
    months: int | None  # the by-customer figures' months when fewer than 12 (KpiScope.months)
    segments_shown: int
    min_n: int
    segments_withheld: bool  # the table by segment left out: lapsing cannot be judged
