"""Prospect sentences: the pipeline's worth, the ideal prospect, the leads to call first."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from deckgen.metrics.prospects import ProfileTrait, ProspectsResult
from deckgen.narrative.claims import Agg, Claim, Fig, Relation, claim, rounded, states
from deckgen.narrative.told import Told, told
from deckgen.period import Period


class PipelineState(StrEnum):
    """What the pipeline headline can say."""

    VALUED = "valued"  # open leads with an expected revenue
    UNVALUED = "unvalued"  # open leads, scored, but no revenue to value them by
    UNSCORED = "unscored"  # open leads, but no closed lead to learn conversion from
    # open leads, but no closed lead converted: none is expected to (whatever the revenue)
    NONE_CONVERTED = "none_converted"
    EMPTY = "empty"  # no lead is open


@dataclass(frozen=True)
class PipelineHeadline:
    """The open pipeline in one line."""

    state: PipelineState
    value: float
    open_leads: int
    expected_customers: int  # rounded
    period: Period
    closed: int  # closed leads the conversion is learned from


def tell_pipeline(p: ProspectsResult, period: Period) -> Told[PipelineHeadline]:
    """The pipeline headline and its claims."""
    claims: list[Claim] = [states("open leads", p.open_leads, Fig("prospects.open_leads"))]
    if p.open_leads == 0:
        state = PipelineState.EMPTY
    elif p.base_rate is None:
        state = PipelineState.UNSCORED
        claims.append(claim("no lead has closed", Fig("prospects.history_leads"), Relation.EQ, 0))
    elif p.base_rate == 0:
        # Was "about 0 should become customers; there is no revenue yet to value them by"
        # beside a month of revenue: the pipeline is worth nothing because no lead converted.
        state = PipelineState.NONE_CONVERTED
        claims += [
            claim("no closed lead converted", Fig("prospects.base_rate"), Relation.EQ, 0),
            states("closed leads", p.history_leads, Fig("prospects.history_leads")),
        ]
    elif p.pipeline_value <= 0:
        state = PipelineState.UNVALUED
        claims.append(
            claim("the pipeline has no value", Fig("prospects.pipeline_value"), Relation.LE, 0)
        )
    else:
        state = PipelineState.VALUED
        claims.append(states("pipeline value", p.pipeline_value, Fig("prospects.pipeline_value")))
    expected = round(p.expected_customers)
    if state in (PipelineState.VALUED, PipelineState.UNVALUED):
        claims += rounded("expected customers", expected, Fig("prospects.expected_customers"))
    return told(
        PipelineHeadline(state, p.pipeline_value, p.open_leads, expected, period, p.history_leads),
        claims,
    )


@dataclass(frozen=True)
class Trait:
    """One trait of the ideal prospect: an attribute's value and how much it lifts the odds."""

    attribute: str
    value: str
    lift: float


def tell_trait(trait: ProfileTrait) -> Told[Trait]:
    """A card line: the trait and its lift (> 1)."""
    path = f"prospects.profile[attribute={trait.attribute}]"
    return told(
        Trait(trait.attribute, trait.value, trait.lift),
        states(f"{trait.value}'s lift", trait.lift, Fig(f"{path}.lift")),
        claim(f"{trait.value} lifts the odds", Fig(f"{path}.lift"), Relation.GT, 1),
    )


@dataclass(frozen=True)
class ProfileNotes:
    """What the profile's notes explain."""

    period: Period
    open_leads: int
    history_leads: int
    base_rate: float | None
    best_segments: tuple[str, ...]
    best_customers: int


@dataclass(frozen=True)
class TopProspectsHeadline:
    """The best open leads: their worth, and the channel most of them came through; on a
    continuation page, which of them the page lists."""

    count: int
    value: float
    channel: str
    channel_count: int
    first: int  # rank of the page's first lead; 1 on the first page
    last: int  # rank of its last


def tell_top_prospects(
    p: ProspectsResult, first: int = 1, last: int | None = None
) -> Told[TopProspectsHeadline]:
    """The headline of the top-prospects page listing ranks `first` to `last`, and its claims."""
    counts = Counter(lead.channel for lead in p.top)
    # most_common keeps first-seen order on ties, and `top` is ranked: deterministic.
    channel, count = counts.most_common(1)[0]
    value = math.fsum(lead.expected_value for lead in p.top)
    return told(
        TopProspectsHeadline(
            len(p.top), value, channel, count, first, len(p.top) if last is None else last
        ),
        states("prospects listed", len(p.top), Fig("prospects.top[*].lead_id", Agg.COUNT)),
        states("their expected value", value, Fig("prospects.top[*].expected_value", Agg.SUM)),
        claim(
            "the list is a ranking",
            Fig("prospects.top[*].expected_value", Agg.DISTINCT),
            Relation.GT,
            1,
        ),
        states(
            f"leads from {channel}",
            count,
            Fig(f"prospects.top[*channel={channel}].lead_id", Agg.COUNT),
        ),
        [
            claim(
                f"{channel} brought the most of them",
                Fig(f"prospects.top[*channel={channel}].lead_id", Agg.COUNT),
                Relation.GE,
                Fig(f"prospects.top[*channel={other}].lead_id", Agg.COUNT),
            )
            for other in counts
        ],
    )


@dataclass(frozen=True)
class Reasons:
    """The attributes that raise a lead's score the most, strongest first."""

    reasons: tuple[Trait, ...]


@dataclass(frozen=True)
class TablePage:
    """A page of the top-prospects table."""

    page: int
    pages: int
