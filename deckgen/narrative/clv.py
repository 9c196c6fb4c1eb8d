"""Predictive-value sentences: the base's next 12 months, the valuable customers at risk, the
holdout check of the purchase model, and why the models were not fitted."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from deckgen.metrics.clv import ClvResult
from deckgen.metrics.clv.figures import ClvModel, HoldoutCheck
from deckgen.narrative.claims import Agg, Claim, Fig, Relation, claim, rounded, states
from deckgen.narrative.told import Told, told
from deckgen.period import Period

# docs/metrics.md#clv-holdout: how the deck reads the holdout's total error.
CLOSE_ERROR = 0.10  # |predicted - actual| / actual within this: close
FAIR_ERROR = 0.25  # within this: fair; beyond: poor


@dataclass(frozen=True)
class ValueHeadline:
    """The base's predicted 12-month value and the RFM segment holding most of it."""

    value: float  # client currency, discounted
    months: int  # the horizon
    segment: str | None  # the segment with the largest predicted value; None without segments
    share: float | None  # its share of the base's predicted value, 0..1
    period: Period


def tell_value(clv: ClvResult, period: Period) -> Told[ValueHeadline]:
    """The predicted-value headline and its claims (a fitted `clv` only)."""
    assert clv.predicted_value is not None
    claims: list[Claim] = [
        states("the base's predicted value", clv.predicted_value, Fig("clv.predicted_value")),
        states("the months predicted", clv.horizon_months, Fig("clv.horizon_months")),
    ]
    top = clv.by_segment[0] if clv.by_segment and clv.by_segment[0].value_share else None
    if top is not None:
        mine = Fig(f"clv.by_segment[name={top.name}].predicted_value")
        claims.append(
            states(
                f"{top.name}'s share",
                top.value_share,
                Fig(f"clv.by_segment[name={top.name}].value_share"),
            )
        )
        claims += [
            claim(
                f"{top.name} holds the most",
                mine,
                Relation.GE,
                Fig(f"clv.by_segment[{k}].predicted_value"),
            )
            for k in range(len(clv.by_segment))
        ]
    return told(
        ValueHeadline(
            clv.predicted_value,
            clv.horizon_months,
            None if top is None else top.name,
            None if top is None else top.value_share,
            period,
        ),
        claims,
    )


@dataclass(frozen=True)
class ValueKpis:
    """The KPI labels that carry a number of their own (the horizon, the customers)."""

    months: int
    customers: int


@dataclass(frozen=True)
class ValueNotes:
    """What the predicted-value notes explain."""

    period: Period
    discount_rate: float  # 0..1 a year
    months: int
    segments_shown: int
    channels_shown: int
    unknown_channel: bool  # a bar stands for the customers without a known channel
    spend_frequency_correlation: float | None  # -1..1 across repeat customers
    same_rate: bool
    same_dropout: bool


class AtRiskState(StrEnum):
    """How many valuable customers are at risk."""

    ONE = "one"
    SEVERAL = "several"


@dataclass(frozen=True)
class AtRiskHeadline:
    """A page of the valuable customers at risk (docs/metrics.md#clv-at-risk)."""

    state: AtRiskState
    total: int  # every customer meeting the rule
    stake: float  # client currency: their value at stake
    first: int  # first row on this page (1-based)
    last: int
    shown: int  # rows listed over all pages
    more: int  # customers at risk beyond the list


def tell_at_risk(clv: ClvResult, first: int, last: int) -> Told[AtRiskHeadline]:
    """One page's headline of the valuable customers at risk, and its claims."""
    assert clv.at_risk_value is not None
    total, shown = clv.at_risk_customers, len(clv.at_risk)
    claims = [
        states("customers at risk", total, Fig("clv.at_risk_customers")),
        states("their value at stake", clv.at_risk_value, Fig("clv.at_risk_value")),
        states("customers listed", shown, Fig("clv.at_risk[*].customer_id", Agg.COUNT)),
        claim(
            "the list is no longer than the count", shown, Relation.LE, Fig("clv.at_risk_customers")
        ),
    ]
    state = AtRiskState.ONE if total == 1 else AtRiskState.SEVERAL
    return told(
        AtRiskHeadline(state, total, clv.at_risk_value, first, last, shown, total - shown), claims
    )


@dataclass(frozen=True)
class AtRiskPage:
    """A page of the at-risk table."""

    page: int
    pages: int


@dataclass(frozen=True)
class AtRiskNotes:
    """What the at-risk notes explain."""

    period: Period
    shown: int
    total: int
    threshold: float  # P(alive) below this is at risk, 0..1


class FitState(StrEnum):
    """How close the purchase model came on the holdout months."""

    CLOSE = "close"  # total error within CLOSE_ERROR
    FAIR = "fair"  # within FAIR_ERROR
    POOR = "poor"  # beyond
    NO_PURCHASES = "no_purchases"  # nobody bought in the holdout months: no error to state


@dataclass(frozen=True)
class FitHeadline:
    """The one-line read of the holdout check (docs/metrics.md#clv-holdout)."""

    state: FitState
    predicted: int  # purchase days predicted for the holdout months, rounded
    actual: int  # purchase days the same customers made
    error: float | None  # (predicted - actual) / actual
    group_error: float | None  # mean absolute error over the frequency groups
    groups_off: bool  # the groups miss by more than FAIR_ERROR on average: said too
    cutoff: Period  # the last month of the calibration data
    first: Period  # the first and last holdout months
    last: Period


def tell_fit(holdout: HoldoutCheck, period: Period) -> Told[FitHeadline]:
    """The holdout headline and its claims (a fitted calibration only)."""
    assert holdout.predicted is not None and holdout.actual is not None
    predicted = round(holdout.predicted)
    error, path = holdout.total_error, Fig("clv.holdout.total_error")
    claims: list[Claim] = [
        *rounded("the predicted purchases", predicted, Fig("clv.holdout.predicted")),
        states("the actual purchases", holdout.actual, Fig("clv.holdout.actual")),
        states("the months held out", holdout.months, Fig("clv.holdout.months")),
    ]
    if error is None:
        state = FitState.NO_PURCHASES
        claims.append(
            claim("nobody bought in the holdout", Fig("clv.holdout.actual"), Relation.EQ, 0)
        )
    else:
        claims.append(states("the total error", error, path))
        if abs(error) <= CLOSE_ERROR:
            state = FitState.CLOSE
            claims += _within(path, CLOSE_ERROR, "close")
        elif abs(error) <= FAIR_ERROR:
            state = FitState.FAIR
            claims += _within(path, FAIR_ERROR, "fair")
            claims.append(claim("not close", path * path, Relation.GT, CLOSE_ERROR**2))
        else:
            state = FitState.POOR
            claims.append(claim("poor", path * path, Relation.GT, FAIR_ERROR**2))
    group_error = holdout.mean_absolute_error
    groups_off = group_error is not None and group_error > FAIR_ERROR
    if group_error is not None:
        mae = Fig("clv.holdout.mean_absolute_error")
        claims.append(states("the mean group error", group_error, mae))
        relation = Relation.GT if groups_off else Relation.LE
        claims.append(claim("the groups' miss against fair", mae, relation, FAIR_ERROR))
    cutoff = period.shift(-holdout.months)
    return told(
        FitHeadline(
            state,
            predicted,
            holdout.actual,
            error,
            group_error,
            groups_off,
            cutoff,
            cutoff.shift(1),
            period,
        ),
        claims,
    )


def _within(path: Fig, bound: float, what: str) -> tuple[Claim, Claim]:
    return (
        claim(what, path, Relation.LE, bound),
        claim(what, path, Relation.GE, -bound),
    )


@dataclass(frozen=True)
class FitNotes:
    """What the holdout notes explain."""

    months: int
    holdout_days: int
    cutoff: Period
    customers: int  # customers with an order by the calibration cut-off
    top_group: int  # the last frequency group holds this many repeat purchases or more
    group_error: float | None  # mean absolute error over the groups


def refusal_claims(model: ClvModel, path: str) -> tuple[Claim, ...]:
    """What a refusal line asserts about `model` (at `path` in the metrics): refused, and the
    repeat customers it states against the minimum."""
    repeat, minimum = Fig(f"{path}.repeat_customers"), Fig(f"{path}.min_repeat_customers")
    claims = [
        claim("the fit was refused", Fig(f"{path}.refusal"), Relation.NOT_NONE),
        states("the repeat customers", model.repeat_customers, repeat),
        states("the minimum", model.min_repeat_customers, minimum),
    ]
    if model.refusal == "too_few_repeat_customers":
        claims.append(claim("too few", repeat, Relation.LT, minimum))
    elif model.refusal == "no_repeat_customers":
        claims.append(claim("none", repeat, Relation.EQ, 0))
    return tuple(claims)
