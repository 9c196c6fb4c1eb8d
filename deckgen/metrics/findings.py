"""Findings for the executive summary and per-stage health for the diagnostics slide.

Definitions: docs/metrics.md#findings, #finding-weight, #stage-health.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from deckgen.metrics.channels import ChannelsResult
from deckgen.metrics.common import Change
from deckgen.metrics.feedback import FeedbackResult
from deckgen.metrics.funnel import BELOW_NORM, FunnelResult
from deckgen.metrics.loyalty import LoyaltyResult
from deckgen.metrics.prospects import ProspectsResult
from deckgen.metrics.satisfaction import SatisfactionResult
from deckgen.metrics.segments import SegmentationResult
from deckgen.model import ValueKind

# A group must hold this share of customers before its growth counts as a finding, so that a
# city with three customers cannot be "the fastest-growing segment".
MIN_GROUP_SHARE = 0.05
# Conversion at or below this share of its benchmark is weak; at or above STRONG, strong.
WEAK_INDEX = 0.9
STRONG_INDEX = 1.1

HealthStatus = Literal["strong", "steady", "weak", "unknown"]


class FindingKind(StrEnum):
    """What a finding states (docs/metrics.md#findings lists when each is made)."""

    REVENUE_CHANGE = "revenue_change"
    ACTIVE_CHANGE = "active_change"
    NEW_CHANGE = "new_change"
    CHURN_CHANGE = "churn_change"
    FUNNEL_LEAK = "funnel_leak"  # a stage converting below its 12-month norm
    CHANNEL_CAC = "channel_cac"
    GROWTH_SEGMENT = "growth_segment"
    TOP_SEGMENT = "top_segment"  # a segment whose revenue share beats its customer share
    NPS_SHIFT = "nps_shift"
    OPEN_FEEDBACK = "open_feedback"
    PIPELINE = "pipeline"


@dataclass(frozen=True)
class Finding:
    """One ranked finding with its numbers (docs/metrics.md#findings)."""

    kind: FindingKind
    section: str  # the slide it belongs to: segmentation, prospects, funnel, channels, ...
    weight: float  # docs/metrics.md#finding-weight; higher ranks first
    subject: str  # what it is about: a figure, stage, channel code or segment name
    value: float | None
    value_kind: ValueKind
    previous: float | None = None  # the same figure the month before
    reference_subject: str | None = None  # what it is compared with
    reference_value: float | None = None
    reference_kind: ValueKind | None = None  # how reference_value is shown


@dataclass(frozen=True)
class StageHealth:
    """A funnel stage's conversion against its own benchmark (docs/metrics.md#stage-health)."""

    stage: str
    conversion: float | None  # this month's stage conversion (a ratio that can exceed 1)
    benchmark: float | None  # median of the 12 months before
    index: float | None  # conversion / benchmark
    status: HealthStatus


@dataclass(frozen=True)
class Diagnostics:
    """Health of every stage and the one to work on first."""

    stages: tuple[StageHealth, ...]  # funnel order; reach has no conversion, so it is unknown
    weakest: str | None  # the stage to work on first (#stage-health); the leak when none is rated


def compute_diagnostics(funnel: FunnelResult) -> Diagnostics:
    """Each stage's health against its benchmark, and the weakest stage."""
    stages = []
    for step in funnel.steps:
        conversion = step.conversion.current if step.conversion is not None else None
        index = None
        if conversion is not None and step.benchmark:
            index = conversion / step.benchmark
        stages.append(StageHealth(step.stage, conversion, step.benchmark, index, _status(index)))
    rated = [s for s in stages if s.index is not None]
    thin = {s.stage for s in funnel.steps if s.thin}
    solid = [s for s in rated if s.stage not in thin]
    low = min(solid, key=lambda s: (s.index, s.stage), default=None)
    if low is None or low.index > WEAK_INDEX:
        # A thin stage leads only when no stage resting on enough cases is weak (#minimum-n).
        low = min(rated, key=lambda s: (s.index, s.stage), default=None)
    return Diagnostics(tuple(stages), low.stage if low is not None else funnel.biggest_leak)


def _status(index: float | None) -> HealthStatus:
    if index is None:
        return "unknown"
    if index <= WEAK_INDEX:
        return "weak"
    return "strong" if index >= STRONG_INDEX else "steady"


def compute_findings(
    segmentation: SegmentationResult,
    funnel: FunnelResult,
    loyalty: LoyaltyResult,
    channels: ChannelsResult | None,
    prospects: ProspectsResult | None,
    feedback: FeedbackResult | None,
    satisfaction: SatisfactionResult | None,
) -> tuple[Finding, ...]:
    """Every finding the data supports, highest weight first (ties by kind and subject)."""
    found = [
        *_change_findings(segmentation, loyalty),
        *_funnel_findings(funnel),
        *_segment_findings(segmentation, loyalty.lapsing_judged),
        *_channel_findings(channels),
        *_satisfaction_findings(satisfaction),
        *_feedback_findings(feedback),
        *_prospect_findings(prospects),
    ]
    return tuple(sorted(found, key=lambda f: (-f.weight, f.kind, f.subject)))


def _relative_weight(change: Change | None) -> float | None:
    return None if change is None or change.relative is None else abs(change.relative)


def _change_findings(seg: SegmentationResult, loyalty: LoyaltyResult) -> list[Finding]:
    found = []
    for kind, subject, change, value_kind in (
        (FindingKind.REVENUE_CHANGE, "revenue", seg.revenue, "money"),
        (FindingKind.ACTIVE_CHANGE, "active_customers", loyalty.active, "count"),
        (FindingKind.NEW_CHANGE, "new_customers", loyalty.new, "count"),
    ):
        weight = _relative_weight(change)
        if weight is not None:
            found.append(
                Finding(
                    kind,
                    "loyalty" if kind != FindingKind.REVENUE_CHANGE else "segmentation",
                    weight,
                    subject,
                    change.current,
                    value_kind,
                    change.previous,
                )
            )
    churn = loyalty.churn_rate
    if churn is not None and churn.delta is not None:
        # A churn-rate move of 5 points weighs as much as a 50% move in a count.
        found.append(
            Finding(
                FindingKind.CHURN_CHANGE,
                "loyalty",
                abs(churn.delta) * 10,
                "churn_rate",
                churn.current,
                "percent",
                churn.previous,
            )
        )
    return found


def _funnel_findings(funnel: FunnelResult) -> list[Finding]:
    step = next((s for s in funnel.steps if s.stage == funnel.biggest_leak), None)
    # A leak is a stage below its own norm (docs/metrics.md#funnel-leak): a stage near or above
    # it, or without one, is none (raw conversions of different stages cannot be compared).
    if step is None or step.conversion is None or not step.benchmark:
        return []
    shortfall = 1 - step.conversion.current / step.benchmark
    if step.conversion.current / step.benchmark > BELOW_NORM:
        return []
    # The leak always deserves a line in the summary: a floor keeps it in the top findings.
    return [
        Finding(
            FindingKind.FUNNEL_LEAK,
            "funnel",
            0.5 + shortfall,
            step.stage,
            step.conversion.current,
            "percent",
            step.conversion.previous,
            "benchmark",
            step.benchmark,
            "percent",
        )
    ]


def _segment_findings(seg: SegmentationResult, lapsing_judged: bool) -> list[Finding]:
    found = []
    candidates = [
        (breakdown.attribute, row)
        for breakdown in (*seg.geographic, *seg.demographic)
        for row in breakdown.rows
        if row.value != "unknown"
        and row.share >= MIN_GROUP_SHARE
        and row.revenue_12m.relative is not None
    ]
    if candidates:
        # docs/metrics.md#segment-growth: 12 months against the 12 before, free of seasonality.
        attribute, row = max(candidates, key=lambda c: (c[1].revenue_12m.relative, c[1].value))
        if row.revenue_12m.relative > 0:
            found.append(
                Finding(
                    FindingKind.GROWTH_SEGMENT,
                    "segmentation",
                    min(row.revenue_12m.relative, 1.0),
                    row.value,
                    row.revenue_12m.current,
                    "money",
                    row.revenue_12m.previous,
                    attribute,
                    row.share,
                    "percent",
                )
            )
    ranked = [s for s in seg.rfm.segments if s.customers.current > 0]
    top = max(ranked, key=lambda s: (s.revenue_share - s.share, s.name)) if ranked else None
    # While lapsing cannot be judged the segments only rank customers by their last order, and
    # the RFM slide names none (docs/metrics.md#at-risk).
    if not lapsing_judged:
        top = None
    # Only a segment that brings more than its share of the revenue stands out (every revenue
    # share is 0 when more was returned than sold).
    if top is not None and top.revenue_share > top.share:
        # Weight: how far the segment's revenue share exceeds its customer share.
        found.append(
            Finding(
                FindingKind.TOP_SEGMENT,
                "segmentation",
                top.revenue_share - top.share,
                top.name,
                top.revenue_share,
                "percent",
                None,
                "customers",
                top.share,
                "percent",
            )
        )
    return found


def _channel_findings(channels: ChannelsResult | None) -> list[Finding]:
    if channels is None:
        return []
    priced = channels.priced
    if len(priced) < 2:
        return []
    best, worst = priced[0], priced[-1]
    weight = 1 - best.cac.current / worst.cac.current
    return [
        Finding(
            FindingKind.CHANNEL_CAC,
            "channels",
            weight,
            best.channel,
            best.cac.current,
            "money",
            best.cac.previous,
            worst.channel,
            worst.cac.current,
            "money",
        )
    ]


def _satisfaction_findings(sat: SatisfactionResult | None) -> list[Finding]:
    if sat is None or sat.nps.score is None:
        return []
    change = sat.nps_change
    delta = change.delta if change is not None else None
    # Ten NPS points weigh as much as a 50% move in a count.
    weight = abs(delta) / 20 if delta is not None else 0.1
    return [
        Finding(
            FindingKind.NPS_SHIFT,
            "satisfaction",
            weight,
            "nps",
            sat.nps.score,
            "score",
            change.previous if change is not None else None,
            "csat",
            sat.csat.score,
            "percent",
        )
    ]


def _feedback_findings(feedback: FeedbackResult | None) -> list[Finding]:
    if feedback is None:
        return []
    severe = sum(
        c.count.current for c in feedback.open_by_severity if c.name in ("critical", "high")
    )
    if severe == 0:
        return []
    total_open = feedback.open.current
    return [
        Finding(
            FindingKind.OPEN_FEEDBACK,
            "feedback",
            severe / max(total_open, 1),
            "high_severity",
            severe,
            "count",
            None,
            "open",
            total_open,
            "count",
        )
    ]


def _prospect_findings(prospects: ProspectsResult | None) -> list[Finding]:
    if prospects is None or not prospects.top or prospects.pipeline_value <= 0:
        return []
    top_value = math.fsum(p.expected_value for p in prospects.top)
    share = top_value / prospects.pipeline_value
    return [
        Finding(
            FindingKind.PIPELINE,
            "prospects",
            share,
            "pipeline_value",
            prospects.pipeline_value,
            "money",
            None,
            "top_prospects",
            top_value,
            "money",
        )
    ]
