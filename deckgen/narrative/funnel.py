"""The funnel slide's sentences: where it leaks, by how much, and how the other stages stand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from deckgen.metrics.findings import WEAK_INDEX, Diagnostics, StageHealth
from deckgen.metrics.funnel import (
    BELOW_NORM,
    BENCHMARK_MONTHS,
    FunnelGroup,
    FunnelResult,
    FunnelStep,
)
from deckgen.metrics.signal import MIN_N, RateKind
from deckgen.narrative.claims import Claim, Const, Fig, Relation, claim, rounded, states
from deckgen.narrative.signal import Rate, rate
from deckgen.narrative.told import Told, told
from deckgen.period import Period


def step_path(stage: str) -> str:
    """The claim path of a funnel stage."""
    return f"funnel.steps[stage={stage}]"


class NormWindow(StrEnum):
    """How much history the norms a sentence names rest on (docs/metrics.md#funnel-leak)."""

    FULL = "full"  # every one of the 12 months before the month
    SHORT = "short"  # fewer: the months before that the data covers


@dataclass(frozen=True)
class NormSpan:
    """The months behind the norms a sentence names: "12-month norm" only when it is true."""

    window: NormWindow
    months: int | None  # SHORT: the months every norm named rests on; None when they differ


def tell_norm_span(steps: Sequence[FunnelStep]) -> Told[NormSpan]:
    """The history behind the norms of `steps`, each a stage with a norm."""
    months = {s.benchmark_months for s in steps}
    paths = {s.stage: Fig(f"{step_path(s.stage)}.benchmark_months") for s in steps}
    if months == {BENCHMARK_MONTHS}:
        return told(
            NormSpan(NormWindow.FULL, BENCHMARK_MONTHS),
            [
                claim(f"{stage}'s norm rests on 12 months", path, Relation.EQ, BENCHMARK_MONTHS)
                for stage, path in paths.items()
            ],
        )
    if len(months) == 1:
        (shared,) = months
        return told(
            NormSpan(NormWindow.SHORT, shared),
            [
                states(f"the months behind {stage}'s norm", shared, path)
                for stage, path in paths.items()
            ],
        )
    shortest = min(steps, key=lambda s: (s.benchmark_months, s.stage))
    return told(
        NormSpan(NormWindow.SHORT, None),
        claim(
            f"{shortest.stage}'s norm rests on fewer than 12 months",
            paths[shortest.stage],
            Relation.LT,
            BENCHMARK_MONTHS,
        ),
    )


def norm_window(funnel: FunnelResult) -> NormWindow:
    """FULL when every stage's norm rests on all 12 months before (or none has a norm): what a
    table of every stage's norm may call a "12-month norm"."""
    normed = [s for s in funnel.steps if s.benchmark is not None]
    return tell_norm_span(normed).context.window if normed else NormWindow.FULL


def funnel_step(funnel: FunnelResult, stage: str) -> FunnelStep:
    """The funnel step of `stage`."""
    return next(s for s in funnel.steps if s.stage == stage)


class FunnelState(StrEnum):
    """What the funnel's headline can say."""

    LEAK = "leak"  # a stage converts below its norm (docs/metrics.md#funnel-leak): the lowest
    AT_NORM = "at_norm"  # every stage with a norm converts at or above it
    NEAR = "near"  # none below its norm, but some short of it (above 90% of it)
    THIN = "thin"  # a stage below its norm, but on too few cases to call it a leak (#minimum-n)
    NO_NORM = "no_norm"  # conversions, but no stage has a norm yet
    NO_CONVERSION = "no_conversion"  # counts only


@dataclass(frozen=True)
class Conversion:
    """A stage's conversion as a sentence words it, with the group it divides
    (docs/metrics.md#funnel-groups): the month's flows, or the cohort month's new customers
    followed for `window_days`."""

    stage: str
    rate: Rate
    group: FunnelGroup
    loyalty_rule: str  # "club" or "orders": what the loyalty stage counts
    cohort: Period  # the month whose new customers the cohort stages follow
    window_days: int  # a retained customer bought again within this many days


def conversion_of(funnel: FunnelResult, step: FunnelStep) -> Conversion:
    """The Conversion record of `step`, which has a conversion."""
    assert step.conversion is not None
    return Conversion(
        step.stage,
        rate(step.conversion.current),
        step.group,
        funnel.loyalty_rule,
        funnel.cohort,
        funnel.retention_window_days,
    )


@dataclass(frozen=True)
class FunnelHeadline:
    """The funnel's finding."""

    state: FunnelState
    stage: str | None  # LEAK: the leaking stage; AT_NORM / NEAR: the one lowest against its norm
    conversion: Conversion | None  # its conversion
    norm: Rate | None  # its norm
    index: float | None  # conversion / norm
    base: int | None  # THIN: the cases its conversion rests on
    last_stage: str  # NO_NORM / NO_CONVERSION: the deepest stage with a count
    last_group: FunnelGroup  # whom it counts: the month's flow or the cohort
    last_count: int
    loyalty_rule: str
    cohort: Period  # the month whose new customers the cohort stages follow
    span: NormSpan | None  # the history behind the norms named (LEAK, THIN, AT_NORM, NEAR)


def leak_step(funnel: FunnelResult) -> FunnelStep | None:
    """The biggest leak (docs/metrics.md#funnel-leak): the stage below its norm with the lowest
    index; None when no stage is below its norm. The figures are checked here too, so a leak
    named against them is never worded."""
    step = next((s for s in funnel.steps if s.stage == funnel.biggest_leak), None)
    if step is None or step.conversion is None or not step.benchmark or step.thin:
        return None
    return step if step.conversion.current / step.benchmark <= BELOW_NORM else None


def _index(step: FunnelStep) -> float:
    """Conversion / norm of a rated stage."""
    return step.conversion.current / step.benchmark


def _enough(step: FunnelStep) -> Claim:
    return claim(
        f"{step.stage}'s conversion rests on enough cases",
        Fig(f"{step_path(step.stage)}.base.current"),
        Relation.GE,
        MIN_N[RateKind.CONVERSION],
    )


def thin_leak(funnel: FunnelResult) -> FunnelStep | None:
    """Without a leak, the stage furthest below its norm on a thin base: the headline names it
    as too thin to call a leak. None when there is a leak or no such stage."""
    if leak_step(funnel) is not None:
        return None
    below = [s for s in _rated(funnel) if s.thin and _index(s) <= BELOW_NORM]
    return min(below, key=lambda s: (_index(s), s.stage), default=None)


def _rated(funnel: FunnelResult) -> list[FunnelStep]:
    """The stages with a conversion and a non-zero norm to divide it by."""
    return [s for s in funnel.steps if s.conversion is not None and s.benchmark]


def _index_expr(stage: str) -> object:
    path = step_path(stage)
    return Fig(f"{path}.conversion.current") / Fig(f"{path}.benchmark")


def tell_headline(funnel: FunnelResult) -> Told[FunnelHeadline]:
    """The headline record and the claims behind its variant."""
    counted = [s for s in funnel.steps if s.count is not None]
    # The deepest stage anyone entered this month (the first stage when nobody entered any).
    last = next((s for s in reversed(counted) if s.count.current), counted[0])
    rated = _rated(funnel)
    leak = leak_step(funnel)
    claims: list[Claim] = [
        states(
            f"{last.stage} count", last.count.current, Fig(f"{step_path(last.stage)}.count.current")
        )
    ]
    chosen: FunnelStep | None = None
    if leak is not None:
        state, chosen = FunnelState.LEAK, leak
        claims.append(
            claim(
                f"{leak.stage} converts below its norm",
                _index_expr(leak.stage),
                Relation.LE,
                BELOW_NORM,
            )
        )
        claims += [
            claim(
                f"{leak.stage} is furthest below its norm",
                _index_expr(s.stage),
                Relation.GE,
                _index_expr(leak.stage),
            )
            for s in rated
            if not s.thin
        ]
        claims.append(_enough(leak))
    elif (thin := thin_leak(funnel)) is not None:
        state, chosen = FunnelState.THIN, thin
        path = step_path(chosen.stage)
        claims += [
            claim(
                f"{chosen.stage} is below its norm",
                _index_expr(chosen.stage),
                Relation.LE,
                BELOW_NORM,
            ),
            claim(
                f"{chosen.stage} rests on few cases",
                Fig(f"{path}.base.current"),
                Relation.LT,
                MIN_N[RateKind.CONVERSION],
            ),
            states(f"{chosen.stage}'s index", _index(chosen), _index_expr(chosen.stage)),
            states(f"{chosen.stage}'s base", chosen.base.current, Fig(f"{path}.base.current")),
        ]
    elif rated:
        chosen = min(rated, key=lambda s: (s.conversion.current / s.benchmark, s.stage))
        if chosen.conversion.current >= chosen.benchmark:
            state = FunnelState.AT_NORM
            claims += [
                claim(
                    f"{s.stage} converts at or above its norm", _index_expr(s.stage), Relation.GE, 1
                )
                for s in rated
            ]
        else:
            state = FunnelState.NEAR
            claims += [
                claim(
                    f"{s.stage} is not below its norm",
                    _index_expr(s.stage),
                    Relation.GT,
                    BELOW_NORM,
                )
                for s in rated
            ]
            claims.append(
                claim(
                    f"{chosen.stage} is short of its norm",
                    _index_expr(chosen.stage),
                    Relation.LT,
                    1,
                )
            )
        claims += [
            claim(
                f"{chosen.stage} is lowest against its norm",
                _index_expr(s.stage),
                Relation.GE,
                _index_expr(chosen.stage),
            )
            for s in rated
        ]
    elif any(s.conversion is not None for s in funnel.steps):
        state = FunnelState.NO_NORM
        claims += [
            claim(
                f"{s.stage} has no norm", Fig(f"{step_path(s.stage)}.benchmark"), Relation.IS_NONE
            )
            if s.benchmark is None
            else claim(
                f"{s.stage}'s norm is zero", Fig(f"{step_path(s.stage)}.benchmark"), Relation.EQ, 0
            )
            for s in funnel.steps
            if s.conversion is not None and not s.benchmark
        ]
    else:
        state = FunnelState.NO_CONVERSION
    span = None
    if state in (FunnelState.LEAK, FunnelState.THIN):
        span = tell_norm_span([chosen])
    elif state in (FunnelState.AT_NORM, FunnelState.NEAR):
        span = tell_norm_span(rated)
    if span is not None:
        claims += span.claims
    if chosen is not None:
        path = step_path(chosen.stage)
        claims += [
            states(
                f"{chosen.stage}'s conversion",
                chosen.conversion.current,
                Fig(f"{path}.conversion.current"),
            ),
            states(f"{chosen.stage}'s norm", chosen.benchmark, Fig(f"{path}.benchmark")),
        ]
    return told(
        FunnelHeadline(
            state=state,
            stage=chosen.stage if chosen else None,
            conversion=conversion_of(funnel, chosen) if chosen else None,
            norm=rate(chosen.benchmark) if chosen else None,
            index=chosen.conversion.current / chosen.benchmark if chosen else None,
            base=int(chosen.base.current) if state == FunnelState.THIN else None,
            last_stage=last.stage,
            last_group=last.group,
            last_count=int(last.count.current),
            loyalty_rule=funnel.loyalty_rule,
            cohort=funnel.cohort,
            span=span.context if span is not None else None,
        ),
        claims,
    )


@dataclass(frozen=True)
class Shortfall:
    """What the leaking stage would have brought at its norm: this month, or from the cohort."""

    stage: str
    loyalty_rule: str
    group: FunnelGroup
    cohort: Period
    more: int  # people short, rounded
    actual: int  # people it brought
    at_norm: int  # people it would have brought at its norm (actual + more)
    span: NormSpan  # the history behind its norm


def tell_shortfall(funnel: FunnelResult) -> Told[Shortfall] | None:
    """The shortfall of the leak against its norm, in people: the norm's conversion of the
    leak's base (its n) less its count; None without a leak, a base or a whole person short."""
    leak = leak_step(funnel)
    if leak is None or leak.base is None or leak.count is None:
        return None
    short = (leak.benchmark - leak.conversion.current) * leak.base.current
    more = round(short)
    if more < 1:
        return None
    actual = int(leak.count.current)
    path = step_path(leak.stage)
    exact = (Fig(f"{path}.benchmark") - Fig(f"{path}.conversion.current")) * Fig(
        f"{path}.base.current"
    )
    span = tell_norm_span([leak])
    return told(
        Shortfall(
            leak.stage,
            funnel.loyalty_rule,
            leak.group,
            funnel.cohort,
            more,
            actual,
            actual + more,
            span.context,
        ),
        span.claims,
        states(f"{leak.stage}'s count", actual, Fig(f"{path}.count.current")),
        rounded("the shortfall in people", more, exact),
        claim(
            "at the norm = actual + shortfall",
            Const(actual + more),
            Relation.EQ,
            Fig(f"{path}.count.current") + more,
        ),
    )


class OthersState(StrEnum):
    """What the funnel says about the stages other than the leak."""

    WEAK = "weak"  # some other stages are at or below 90% of their norm
    NEAR = "near"  # every other stage with a conversion is above 90% of its norm
    NONE = "none"  # no other stage has a norm to judge it by


@dataclass(frozen=True)
class StageIndex:
    """A stage's conversion as a share of its norm."""

    stage: str
    index: float


@dataclass(frozen=True)
class OtherStages:
    """The other stages against their norms."""

    state: OthersState
    weak: tuple[StageIndex, ...]  # WEAK: the weak ones
    near: tuple[StageIndex, ...] = ()  # NEAR: every other stage (one is named, several summed up)
    span: NormSpan | None = None  # NEAR: the history behind their norms


def tell_others(funnel: FunnelResult) -> Told[OtherStages]:
    """How the stages other than the one the headline names stand against their norms."""
    named = leak_step(funnel) or thin_leak(funnel)
    others = [
        s
        for s in funnel.steps
        if s.conversion is not None and (named is None or s.stage != named.stage)
    ]
    rated = [s for s in others if s.benchmark]
    weak = [s for s in rated if s.conversion.current / s.benchmark <= BELOW_NORM]
    if weak:
        return told(
            OtherStages(
                OthersState.WEAK,
                tuple(StageIndex(s.stage, s.conversion.current / s.benchmark) for s in weak),
            ),
            [
                claim(f"{s.stage} is weak", _index_expr(s.stage), Relation.LE, BELOW_NORM)
                for s in weak
            ],
            [
                states(
                    f"{s.stage}'s index", s.conversion.current / s.benchmark, _index_expr(s.stage)
                )
                for s in weak
            ],
        )
    if rated and len(rated) == len(others):
        near = tuple(StageIndex(s.stage, s.conversion.current / s.benchmark) for s in rated)
        span = tell_norm_span(rated)
        return told(
            OtherStages(OthersState.NEAR, (), near, span.context),
            span.claims,
            [
                claim(f"{s.stage} is near its norm", _index_expr(s.stage), Relation.GT, BELOW_NORM)
                for s in others
            ],
            [states(f"{s.stage}'s index", s.index, _index_expr(s.stage)) for s in near],
        )
    return told(OtherStages(OthersState.NONE, ()))


@dataclass(frozen=True)
class LeadTime:
    """Median days from lead to first order of the month's new customers who came as leads."""

    customers: int
    days: float
    whole: bool  # a whole number of days (shown without a decimal)


def tell_lead_time(funnel: FunnelResult) -> Told[LeadTime] | None:
    """The lead-to-order time, when some new customer of the month came through a lead."""
    days = funnel.lead_to_customer_days
    if days is None:
        return None
    return told(
        LeadTime(funnel.converted_leads, days.current, float(days.current).is_integer()),
        states("leads behind the median", funnel.converted_leads, Fig("funnel.converted_leads")),
        states("median days to convert", days.current, Fig("funnel.lead_to_customer_days.current")),
    )


@dataclass(frozen=True)
class Unreached:
    """The cohort stages left off the funnel: the orders begin after their cohort month."""

    cohort: Period


def tell_unreached(funnel: FunnelResult) -> Told[Unreached] | None:
    """Why retention and loyalty are not drawn, when the orders do not reach back to the cohort
    month (docs/metrics.md#lifecycle-funnel); None when they are drawn."""
    if funnel_step(funnel, "retention").count is not None:
        return None
    return told(
        Unreached(funnel.cohort),
        claim(
            "the orders do not reach the cohort month",
            Fig(f"{step_path('retention')}.count"),
            Relation.IS_NONE,
        ),
    )


@dataclass(frozen=True)
class StageRate:
    """A stage's conversion, as written beside its bar or in a KPI."""

    conversion: Conversion
    norm: Rate | None = None


@dataclass(frozen=True)
class HealthRate:
    """A conversion or norm in the stage-health table."""

    rate: Rate


@dataclass(frozen=True)
class Days:
    """A number of days, and its change against the month before (None without one)."""

    days: float
    whole: bool  # a whole number of days (shown without a decimal)
    delta: float | None
    previous: Period


@dataclass(frozen=True)
class FunnelNotes:
    """What the funnel's notes explain."""

    period: Period
    retention_window_days: int
    loyalty_min_orders: int
    loyalty_rule: str
    cohort: Period  # the month whose new customers retention and loyalty follow
    cohort_shown: bool  # the orders reach back to the cohort month: retention and loyalty drawn
    span: NormSpan | None  # the history behind the stages' norms; None when no stage has one


def tell_notes(funnel: FunnelResult, period: Period, min_orders: int) -> Told[FunnelNotes]:
    """The funnel's notes: the method, the cohort (when drawn) and the months the norms rest on."""
    normed = [s for s in funnel.steps if s.benchmark is not None]
    span = tell_norm_span(normed) if normed else None
    unreached = tell_unreached(funnel)
    return told(
        FunnelNotes(
            period,
            funnel.retention_window_days,
            min_orders,
            funnel.loyalty_rule,
            funnel.cohort,
            unreached is None,
            None if span is None else span.context,
        ),
        () if span is None else span.claims,
        () if unreached is None else unreached.claims,
    )


class DiagnosisState(StrEnum):
    """What the diagnostics headline can say."""

    WEAK = "weak"  # the stage furthest below its norm is at or below 90% of it
    NEAR = "near"  # every stage with a norm converts above 90% of it


@dataclass(frozen=True)
class DiagnosisHeadline:
    """The stage to work on first and how the others stand."""

    state: DiagnosisState
    stage: str
    index: float
    rate: Rate
    norm: Rate
    others: tuple[str, ...]  # other weak stages (WEAK)
    base: int | None  # set when the stage's conversion rests on a thin base (#minimum-n)
    span: NormSpan  # the history behind the norms named: the stage's (WEAK), every one's (NEAR)


def _thin_stage(funnel: FunnelResult, stage: str) -> bool:
    step = next((s for s in funnel.steps if s.stage == stage), None)
    return step is None or step.thin


def focus_stage(diagnostics: Diagnostics) -> StageHealth | None:
    """The stage to work on first (Diagnostics.weakest) when it has a norm, else None."""
    return next(
        (s for s in diagnostics.stages if s.stage == diagnostics.weakest and s.index is not None),
        None,
    )


def focus_claims(diagnostics: Diagnostics, funnel: FunnelResult, focus: StageHealth) -> list[Claim]:
    """That `focus` is the lowest against its norm of the stages it was chosen among."""
    path = f"diagnostics.stages[stage={focus.stage}]"
    thin = _thin_stage(funnel, focus.stage)
    among = [
        s
        for s in diagnostics.stages
        if s.index is not None and (thin or not _thin_stage(funnel, s.stage))
    ]
    claims = [
        claim(
            f"{focus.stage} is furthest below its norm",
            Fig(f"diagnostics.stages[stage={s.stage}].index"),
            Relation.GE,
            Fig(f"{path}.index"),
        )
        for s in among
    ]
    step_base = f"{step_path(focus.stage)}.base.current"
    if thin:
        claims.append(
            claim("its base is thin", Fig(step_base), Relation.LT, MIN_N[RateKind.CONVERSION])
        )
    else:
        claims.append(
            claim("its base is enough", Fig(step_base), Relation.GE, MIN_N[RateKind.CONVERSION])
        )
    return claims


def thin_base(funnel: FunnelResult, stage: str) -> int | None:
    """The base of `stage`'s conversion when it is thin, else None."""
    step = next((s for s in funnel.steps if s.stage == stage), None)
    if step is None or step.base is None or not step.thin:
        return None
    return int(step.base.current)


def tell_diagnosis(diagnostics: Diagnostics, funnel: FunnelResult) -> Told[DiagnosisHeadline]:
    """The diagnostics headline: the stage to work on first (focus_stage); its claims."""
    rated = [s for s in diagnostics.stages if s.index is not None]
    focus = focus_stage(diagnostics)
    assert focus is not None
    path = f"diagnostics.stages[stage={focus.stage}]"
    claims: list[Claim] = [
        states(f"{focus.stage}'s share of its norm", focus.index, Fig(f"{path}.index")),
        states(f"{focus.stage}'s conversion", focus.conversion, Fig(f"{path}.conversion")),
        states(f"{focus.stage}'s norm", focus.benchmark, Fig(f"{path}.benchmark")),
        *focus_claims(diagnostics, funnel, focus),
    ]
    base = thin_base(funnel, focus.stage)
    if base is not None:
        claims.append(states("its base", base, Fig(f"{step_path(focus.stage)}.base.current")))
    if focus.index <= WEAK_INDEX:
        state = DiagnosisState.WEAK
        others = tuple(s.stage for s in rated if s.stage != focus.stage and s.index <= WEAK_INDEX)
        claims.append(
            claim(f"{focus.stage} is weak", Fig(f"{path}.index"), Relation.LE, WEAK_INDEX)
        )
        claims += [
            claim(
                f"{s} is also weak",
                Fig(f"diagnostics.stages[stage={s}].index"),
                Relation.LE,
                WEAK_INDEX,
            )
            for s in others
        ]
        span = tell_norm_span([funnel_step(funnel, focus.stage)])
    else:
        state, others = DiagnosisState.NEAR, ()
        span = tell_norm_span([funnel_step(funnel, s.stage) for s in rated])
        claims += [
            claim(
                f"{s.stage} is above 90% of its norm",
                Fig(f"diagnostics.stages[stage={s.stage}].index"),
                Relation.GT,
                WEAK_INDEX,
            )
            for s in rated
        ]
    return told(
        DiagnosisHeadline(
            state,
            focus.stage,
            focus.index,
            rate(focus.conversion),
            rate(focus.benchmark),
            others,
            base,
            span.context,
        ),
        claims,
        span.claims,
    )


@dataclass(frozen=True)
class Playbook:
    """The playbook entry of the stage to work on: its focus, questions and strategies."""

    stage: str
    focus: str
    questions: tuple[str, ...]
    strategies: tuple[str, ...]
    period: Period
