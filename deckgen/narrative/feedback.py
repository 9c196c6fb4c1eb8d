"""Feedback sentences: what came in, the backlog, and the open items to work through."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from deckgen.metrics.feedback import CategoryCount, FeedbackResult, OpenItem
from deckgen.metrics.signal import MIN_N, RateKind, is_thin
from deckgen.narrative.claims import Agg, Claim, Const, Fig, Relation, claim, rounded, states
from deckgen.narrative.signal import thin
from deckgen.narrative.told import Moved, Scale, Told, moved, told
from deckgen.period import Period

URGENT = ("critical", "high")


@dataclass(frozen=True)
class OverviewHeadline:
    """What came in this month, about what, and how much was resolved within it."""

    received: Moved
    topic: str | None  # the topic with clearly the most items (at least two, no tie)
    topic_count: int
    resolution_rate: float | None
    resolution_n: int
    thin: bool  # the resolution rate rests on under 100 items: its n is given
    # Fewer items than the minimum n (docs/metrics.md#minimum-n): the counts are worded instead
    # of the rate ("18 of the 24 were resolved").
    few: bool
    resolved: int  # items received in the month and resolved by its end
    period: Period
    previous_month: Period


def leading(counts: tuple[CategoryCount, ...]) -> CategoryCount | None:
    """The category with clearly the most items this month (at least two, and no tie)."""
    ranked = sorted(counts, key=lambda c: -c.count.current)
    if not ranked or ranked[0].count.current < 2:
        return None
    if len(ranked) > 1 and ranked[1].count.current == ranked[0].count.current:
        return None
    return ranked[0]


def tell_overview(f: FeedbackResult, topics: tuple[CategoryCount, ...]) -> Told[OverviewHeadline]:
    """The overview headline and its claims."""
    received = moved(f.received, "feedback.received", Scale.RELATIVE, "feedback received")
    claims: list[Claim] = list(received.claims)
    top = leading(topics)
    if top is not None:
        mine = Fig(f"feedback.by_topic[name={top.name}].count.current")
        claims.append(states(f"items about {top.name}", top.count.current, mine))
        claims += [
            claim(
                f"{top.name} leads",
                mine,
                Relation.GT,
                Fig(f"feedback.by_topic[name={c.name}].count.current"),
            )
            for c in f.by_topic
            if c.name != top.name
        ]
    rate = f.resolution_rate.current if f.resolution_rate is not None else None
    few = is_thin(RateKind.RESOLUTION_RATE, f.resolution_n)
    resolved = round(rate * f.resolution_n) if rate is not None else 0
    if rate is not None:
        claims.append(states("items behind the rate", f.resolution_n, Fig("feedback.resolution_n")))
        if few:
            claims += [
                rounded(
                    "items resolved",
                    resolved,
                    Fig("feedback.resolution_rate.current") * Fig("feedback.resolution_n"),
                ),
                claim(
                    "the rate rests on few items",
                    Fig("feedback.resolution_n"),
                    Relation.LT,
                    MIN_N[RateKind.RESOLUTION_RATE],
                ),
            ]
        else:
            claims.append(
                states("the resolution rate", rate, Fig("feedback.resolution_rate.current"))
            )
    return told(
        OverviewHeadline(
            received.context,
            top.name if top else None,
            int(top.count.current) if top else 0,
            rate,
            f.resolution_n,
            thin(f.resolution_n),
            few,
            resolved,
            f.period,
            f.period.previous(),
        ),
        claims,
    )


@dataclass(frozen=True)
class KpiCount:
    """A KPI label with its n."""

    n: int


@dataclass(frozen=True)
class BacklogTop:
    """The most urgent open item (the first of the ranked list)."""

    severity: str
    kind: str
    topic: str
    age_days: int


@dataclass(frozen=True)
class BacklogHeadline:
    """The open backlog: its level and move, and the urgent items."""

    open: Moved
    urgent: int  # critical or high
    top: BacklogTop | None
    period: Period


def tell_backlog(f: FeedbackResult) -> Told[BacklogHeadline]:
    """The backlog headline and its claims."""
    level = moved(f.open, "feedback.open", Scale.RELATIVE, "open items")
    counts = {c.name: int(c.count.current) for c in f.open_by_severity}
    urgent = sum(counts.get(name, 0) for name in URGENT)
    present = [name for name in URGENT if name in counts]
    claims: list[Claim] = list(level.claims)
    if present:
        total = Fig(f"feedback.open_by_severity[name={present[0]}].count.current")
        for name in present[1:]:
            total = total + Fig(f"feedback.open_by_severity[name={name}].count.current")
        claims.append(states("critical or high open items", urgent, total))
    top = None
    if f.to_resolve and f.open.current:
        item: OpenItem = f.to_resolve[0]
        top = BacklogTop(item.severity, item.kind, item.topic, item.age_days)
        claims.append(
            states("the top item's age", item.age_days, Fig("feedback.to_resolve[0].age_days"))
        )
    return told(BacklogHeadline(level.context, urgent, top, f.period), claims)


@dataclass(frozen=True)
class BacklogNotes:
    """What the backlog notes explain."""

    period: Period
    open: int


class ItemsState(StrEnum):
    """What the headline of the open items to resolve says."""

    ONE = "one"  # a single open item
    URGENT = "urgent"  # several, some critical or high
    CALM = "calm"  # several, none critical or high


@dataclass(frozen=True)
class ItemsHeadline:
    """A page of the open items to resolve (docs/metrics.md#feedback-to-resolve): how many, how
    urgent, which rows this page shows."""

    state: ItemsState
    total: int
    critical: int
    high: int
    severity: str  # of the single item (ONE)
    first: int  # first row on this page (1-based)
    last: int
    shown: int  # rows listed over all pages
    more: int  # open items beyond the list
    lowest_shown: str  # severity of the last row listed


def tell_items(f: FeedbackResult, first: int, last: int, shown: int) -> Told[ItemsHeadline]:
    """One page's headline of the open items to resolve, and its claims."""
    items = f.to_resolve
    counts = {name: sum(i.severity == name for i in items) for name in ("critical", "high")}
    total = len(items)
    if total == 1:
        state = ItemsState.ONE
    elif counts["critical"] or counts["high"]:
        state = ItemsState.URGENT
    else:
        state = ItemsState.CALM
    claims = [
        states("items to resolve", total, Fig("feedback.to_resolve[*].feedback_id", Agg.COUNT)),
        claim("no more than are open", Const(total), Relation.LE, Fig("feedback.open.current")),
        *(
            states(
                f"{name} items to resolve",
                counts[name],
                Fig(f"feedback.to_resolve[*severity={name}].feedback_id", Agg.COUNT),
            )
            for name in ("critical", "high")
        ),
    ]
    return told(
        ItemsHeadline(
            state,
            total,
            counts["critical"],
            counts["high"],
            items[0].severity,
            first,
            last,
            shown,
            total - shown,
            items[shown - 1].severity,
        ),
        claims,
    )


@dataclass(frozen=True)
class ItemsNotes:
    """What the notes of the open items to resolve explain."""

    period: Period
    shown: int
    total: int
    comments: int  # open comments rated below high, left off the list


@dataclass(frozen=True)
class OverviewNotes:
    """What the overview notes explain."""

    period: Period
    compared: bool  # the charts set the month beside the month before
    resolution_n: int
    median_days_n: int
