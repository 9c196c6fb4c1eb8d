"""The cover, the executive summary and its findings: what each sentence says, with its claims."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from deckgen.metrics.findings import WEAK_INDEX, Finding, FindingKind, StageHealth
from deckgen.metrics.funnel import BELOW_NORM
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.metrics.segments import GEOGRAPHIC
from deckgen.metrics.signal import RateKind, is_thin
from deckgen.narrative.claims import Agg, Const, Fig, Relation, claim, rounded, states
from deckgen.narrative.funnel import (
    Conversion,
    NormSpan,
    conversion_of,
    focus_claims,
    focus_stage,
    funnel_step,
    tell_norm_span,
    thin_base,
)
from deckgen.narrative.signal import Rate, rate
from deckgen.narrative.told import Moved, Scale, Told, level_if_thin, moved, told
from deckgen.period import Period


@dataclass(frozen=True)
class Cover:
    """The deck's cover, footer and first notes."""

    client: str
    period: Period
    customers: int  # in the customers sheet
    orders: int  # up to the period end
    action_titles: bool  # True: each slide's title states its finding


def tell_cover(m: LifecycleMetrics, client: str, action_titles: bool) -> Told[Cover]:
    """The cover's record."""
    return told(
        Cover(client, m.period, m.customers, m.orders, action_titles),
        states("customers in the sheet", m.customers, Fig("customers")),
        states("orders to the period end", m.orders, Fig("orders")),
    )


class Focus(StrEnum):
    """What the summary's headline says about the funnel."""

    WEAK_STAGE = "weak_stage"  # a stage at or below 90% of its norm: fix it first
    ALL_NEAR = "all_near"  # every stage with a conversion is above 90% of its norm
    NONE = "none"  # not every stage has a norm: the headline leaves the funnel out


@dataclass(frozen=True)
class SummaryHeadline:
    """The month in one line: revenue and where the funnel stands."""

    period: Period
    revenue: Moved
    focus: Focus
    stage: str | None  # the weakest stage (WEAK_STAGE)
    index: float | None  # its conversion as a share of its norm
    base: int | None  # its conversion's base when thin (docs/metrics.md#minimum-n)
    span: NormSpan | None  # the history behind the norms named (WEAK_STAGE, ALL_NEAR)


def _stage_path(stage: str) -> str:
    return f"diagnostics.stages[stage={stage}]"


def weakest_stage(m: LifecycleMetrics) -> StageHealth | None:
    """The stage to work on first (focus_stage) when it is weak (at or below 90% of its norm),
    else None."""
    low = focus_stage(m.diagnostics)
    return low if low is not None and low.index <= WEAK_INDEX else None


def tell_summary_headline(m: LifecycleMetrics) -> Told[SummaryHeadline]:
    """The summary's headline and its claims."""
    revenue = moved(m.segmentation.revenue, "segmentation.revenue", Scale.RELATIVE, "revenue")
    claims = list(revenue.claims)
    weak = weakest_stage(m)
    judged = [s for s in m.diagnostics.stages if s.conversion is not None]
    rated = [s for s in judged if s.index is not None]
    if weak is not None:
        focus = Focus.WEAK_STAGE
        path = _stage_path(weak.stage)
        claims += [
            claim(f"{weak.stage} is weak", Fig(f"{path}.index"), Relation.LE, WEAK_INDEX),
            states(f"{weak.stage}'s share of its norm", weak.index, Fig(f"{path}.index")),
        ]
        claims += focus_claims(m.diagnostics, m.funnel, weak)
        base = thin_base(m.funnel, weak.stage)
        if base is not None:
            claims.append(
                states("its base", base, Fig(f"funnel.steps[stage={weak.stage}].base.current"))
            )
        span = tell_norm_span([funnel_step(m.funnel, weak.stage)])
    elif len(rated) >= 2 and len(rated) == len(judged) and all(s.index > WEAK_INDEX for s in rated):
        focus = Focus.ALL_NEAR
        claims += [
            claim(
                f"{s.stage} converts near its norm",
                Fig(f"{_stage_path(s.stage)}.index"),
                Relation.GT,
                WEAK_INDEX,
            )
            for s in judged
        ]
        claims.append(
            claim(
                "every stage with a conversion has a norm",
                Fig("diagnostics.stages[*].index", Agg.COUNT),
                Relation.EQ,
                Fig("diagnostics.stages[*].conversion", Agg.COUNT),
            )
        )
        span = tell_norm_span([funnel_step(m.funnel, s.stage) for s in rated])
    else:
        focus, span = Focus.NONE, None
    if span is not None:
        claims += span.claims
    return told(
        SummaryHeadline(
            m.period,
            revenue.context,
            focus,
            weak.stage if weak else None,
            weak.index if weak else None,
            thin_base(m.funnel, weak.stage) if weak else None,
            span.context if span is not None else None,
        ),
        claims,
    )


class Figure(StrEnum):
    """A headline figure a change finding is about."""

    REVENUE = "revenue"
    ACTIVE = "active"
    NEW = "new"


@dataclass(frozen=True)
class ChangeFinding:
    """Revenue, active or new customers moved against the month before."""

    kind: FindingKind
    figure: Figure
    moved: Moved
    money: bool  # True: the figure is an amount
    previous_month: Period


@dataclass(frozen=True)
class ChurnFinding:
    """The churn rate moved (in points) against the month before."""

    kind: FindingKind
    moved: Moved  # FIRST when its base is thin: the level only
    n: int  # customers the rate is a share of
    thin: bool  # fewer than the minimum n (docs/metrics.md#minimum-n): n is given
    previous_month: Period


@dataclass(frozen=True)
class LeakFinding:
    """A stage converting below its norm."""

    kind: FindingKind
    stage: str
    conversion: Conversion
    norm: Rate
    span: NormSpan  # the history behind its norm


@dataclass(frozen=True)
class CacFinding:
    """The channel with the cheapest new customers against the dearest."""

    kind: FindingKind
    cheapest: str  # channel code
    cac: float
    dearest: str
    dearest_cac: float
    times: int | None  # dearest / cheapest, rounded, when that is 2 or more ("N times less")
    below: float  # 1 - cheapest / dearest, 0..1


@dataclass(frozen=True)
class GrowthFinding:
    """The customer group whose 12-month revenue grew fastest."""

    kind: FindingKind
    attribute: str  # region, age_band, ...
    group: str  # the attribute's value
    revenue: Moved  # 12 months against the 12 before


@dataclass(frozen=True)
class TopSegmentFinding:
    """An RFM segment bringing more than its share of revenue."""

    kind: FindingKind
    segment: str
    customer_share: float
    revenue_share: float


@dataclass(frozen=True)
class NpsFinding:
    """NPS of the month, moved or not, with the share satisfied."""

    kind: FindingKind
    moved: Moved  # FIRST or FLAT when the month rests on too few answers to call a move
    n: int  # answers behind the month's NPS
    thin: bool  # fewer answers than the minimum n: the sentence gives n and calls no move
    csat: float | None
    previous_month: Period


@dataclass(frozen=True)
class OpenFeedbackFinding:
    """How many open feedback items are critical or high."""

    kind: FindingKind
    severe: int
    open: int


@dataclass(frozen=True)
class PipelineFinding:
    """The expected value of the open leads and how much the top prospects hold."""

    kind: FindingKind
    value: float
    top: int
    top_value: float


FindingRecord = (
    ChangeFinding
    | ChurnFinding
    | LeakFinding
    | CacFinding
    | GrowthFinding
    | TopSegmentFinding
    | NpsFinding
    | OpenFeedbackFinding
    | PipelineFinding
)

_CHANGE_PATHS = {
    FindingKind.REVENUE_CHANGE: ("segmentation.revenue", Figure.REVENUE),
    FindingKind.ACTIVE_CHANGE: ("loyalty.active", Figure.ACTIVE),
    FindingKind.NEW_CHANGE: ("loyalty.new", Figure.NEW),
}


def tell_finding(f: Finding, m: LifecycleMetrics) -> Told[FindingRecord]:
    """The sentence record of finding `f` with the claims that make it true."""
    before = m.period.previous()
    if f.kind in _CHANGE_PATHS:
        path, figure = _CHANGE_PATHS[f.kind]
        change = moved(_change_at(m, path), path, Scale.RELATIVE, figure)
        return told(
            ChangeFinding(f.kind, figure, change.context, f.value_kind == "money", before),
            change.claims,
        )
    if f.kind == FindingKind.CHURN_CHANGE:
        assert m.loyalty.churn_rate is not None
        n = m.loyalty.churn_rate_n
        change, thin = level_if_thin(
            moved(m.loyalty.churn_rate, "loyalty.churn_rate", Scale.POINTS, "churn"),
            "loyalty.churn_rate",
            "churn",
            RateKind.CHURN_RATE,
            n,
            "loyalty.churn_rate_n",
        )
        return told(ChurnFinding(f.kind, change.context, n, thin, before), change.claims)
    if f.kind == FindingKind.FUNNEL_LEAK:
        return _leak(f, m)
    if f.kind == FindingKind.CHANNEL_CAC:
        return _cac(f)
    if f.kind == FindingKind.GROWTH_SEGMENT:
        return _growth(f, m)
    if f.kind == FindingKind.TOP_SEGMENT:
        path = f"segmentation.rfm.segments[name={f.subject}]"
        assert f.reference_value is not None and f.value is not None
        return told(
            TopSegmentFinding(f.kind, f.subject, f.reference_value, f.value),
            states("the segment's customer share", f.reference_value, Fig(f"{path}.share")),
            states("the segment's revenue share", f.value, Fig(f"{path}.revenue_share")),
            claim(
                "the segment brings more than its share of revenue",
                Fig(f"{path}.revenue_share"),
                Relation.GT,
                Fig(f"{path}.share"),
            ),
        )
    if f.kind == FindingKind.NPS_SHIFT:
        return _nps(f, m)
    if f.kind == FindingKind.OPEN_FEEDBACK:
        severe = Fig("feedback.open_by_severity[name=critical].count.current") + Fig(
            "feedback.open_by_severity[name=high].count.current"
        )
        assert f.value is not None and f.reference_value is not None
        return told(
            OpenFeedbackFinding(f.kind, int(f.value), int(f.reference_value)),
            states("critical or high open items", f.value, severe),
            states("open items", f.reference_value, Fig("feedback.open.current")),
            claim("some open items are critical or high", severe, Relation.GT, 0),
        )
    if f.kind == FindingKind.PIPELINE:
        assert m.prospects is not None and f.value is not None and f.reference_value is not None
        return told(
            PipelineFinding(f.kind, f.value, len(m.prospects.top), f.reference_value),
            states("pipeline value", f.value, Fig("prospects.pipeline_value")),
            claim("the pipeline has value", Fig("prospects.pipeline_value"), Relation.GT, 0),
            states(
                "top prospects", len(m.prospects.top), Fig("prospects.top[*].lead_id", Agg.COUNT)
            ),
            states(
                "the top prospects' value",
                f.reference_value,
                Fig("prospects.top[*].expected_value", Agg.SUM),
            ),
        )
    raise ValueError(f"no sentence for finding kind {f.kind!r}")


def _change_at(m: LifecycleMetrics, path: str):
    value: object = m
    for name in path.split("."):
        value = getattr(value, name)
    return value


def _leak(f: Finding, m: LifecycleMetrics) -> Told[FindingRecord]:
    path = f"funnel.steps[stage={f.subject}]"
    assert f.value is not None and f.reference_value is not None
    step = funnel_step(m.funnel, f.subject)
    index = Fig(f"{path}.conversion.current") / Fig(f"{path}.benchmark")
    span = tell_norm_span([step])
    return told(
        LeakFinding(
            f.kind, f.subject, conversion_of(m.funnel, step), rate(f.reference_value), span.context
        ),
        span.claims,
        states(f"{f.subject}'s conversion", f.value, Fig(f"{path}.conversion.current")),
        states(f"{f.subject}'s norm", f.reference_value, Fig(f"{path}.benchmark")),
        claim(f"{f.subject} converts below its norm", index, Relation.LE, BELOW_NORM),
        [
            claim(
                f"{f.subject} is furthest below its norm",
                Fig(f"funnel.steps[stage={s.stage}].conversion.current")
                / Fig(f"funnel.steps[stage={s.stage}].benchmark"),
                Relation.GE,
                index,
            )
            for s in m.funnel.steps
            if s.conversion is not None
            and s.benchmark
            and s.base is not None
            and not is_thin(RateKind.CONVERSION, s.base.current)
        ],
    )


def _cac(f: Finding) -> Told[FindingRecord]:
    assert f.value is not None and f.reference_value is not None and f.reference_subject
    cheap = Fig(f"channels.channels[channel={f.subject}].cac.current")
    dear = Fig(f"channels.channels[channel={f.reference_subject}].cac.current")
    times = f.reference_value / f.value
    below = 1 - f.value / f.reference_value
    return told(
        CacFinding(
            f.kind,
            f.subject,
            f.value,
            f.reference_subject,
            f.reference_value,
            round(times) if times >= 2 else None,
            below,
        ),
        states("the cheapest CAC", f.value, cheap),
        states("the dearest CAC", f.reference_value, dear),
        claim("the cheapest CAC is below the dearest", cheap, Relation.LT, dear),
        rounded("how many times cheaper", round(times), dear / cheap)
        if times >= 2
        else states("how much cheaper", below, Const(1) - cheap / dear),
        claim(
            "no priced channel is cheaper",
            Fig("channels.channels[*].cac.current", Agg.MIN),
            Relation.GE,
            cheap,
        ),
    )


def _growth(f: Finding, m: LifecycleMetrics) -> Told[FindingRecord]:
    assert f.reference_subject is not None
    family = "geographic" if f.reference_subject in GEOGRAPHIC else "demographic"
    path = f"segmentation.{family}[attribute={f.reference_subject}].rows[value={f.subject}]"
    row = next(
        r
        for b in (*m.segmentation.geographic, *m.segmentation.demographic)
        if b.attribute == f.reference_subject
        for r in b.rows
        if r.value == f.subject
    )
    change = moved(row.revenue_12m, f"{path}.revenue_12m", Scale.RELATIVE, "the group's revenue")
    return told(
        GrowthFinding(f.kind, f.reference_subject, f.subject, change.context),
        change.claims,
        claim(
            "the group grew",
            Fig(f"{path}.revenue_12m.current"),
            Relation.GT,
            Fig(f"{path}.revenue_12m.previous"),
        ),
    )


def _nps(f: Finding, m: LifecycleMetrics) -> Told[FindingRecord]:
    sat = m.satisfaction
    assert sat is not None and sat.nps_change is not None
    n = sat.nps.n
    # Too few answers to call a move: only the level is stated (docs/metrics.md#minimum-n).
    change, thin = level_if_thin(
        moved(sat.nps_change, "satisfaction.nps_change", Scale.SCORE, "NPS"),
        "satisfaction.nps_change",
        "NPS",
        RateKind.NPS,
        n,
        "satisfaction.nps.n",
    )
    record = change.context
    claims = list(change.claims)
    claims.append(states("NPS answers", n, Fig("satisfaction.nps.n")))
    if sat.csat.score is not None:
        claims.append(states("CSAT", sat.csat.score, Fig("satisfaction.csat.score")))
    return told(NpsFinding(f.kind, record, n, thin, sat.csat.score, m.period.previous()), claims)


@dataclass(frozen=True)
class NextStep:
    """The first move on the weakest stage: the first strategy its playbook entry allows."""

    stage: str
    strategy: str


@dataclass(frozen=True)
class SummaryNotes:
    """The summary's speaker notes."""

    period: Period
    previous: Period
    shown: int  # findings on the slide
    more: tuple[str, ...]  # the other findings' sentences, already worded
    nps: bool  # the KPI strip shows the NPS (the workbook has survey answers for both months)


@dataclass(frozen=True)
class KpiLabel:
    """A summary KPI's label: which figure, and its n when the rate rests on few cases."""

    figure: str  # revenue, active_customers, new_customers, repeat_rate, nps
    n: int | None


@dataclass(frozen=True)
class AgendaRow:
    """One row of the agenda: a section and its slides (1-based slide numbers)."""

    section: str  # a Section
    first: int
    last: int
