"""Predictive customer value at the period end: who is still a customer, what they will buy.

BG/NBD for purchases and Gamma-Gamma for spend, fitted on the orders up to the period end;
predicted 12-month value per customer, by RFM segment and acquisition channel, the valuable
customers at risk, and a holdout check of the purchase model (docs/metrics.md#clv-model).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray
from threadpoolctl import threadpool_limits

from deckgen.config import MetricsSettings
from deckgen.data.tables import Tables
from deckgen.metrics.channels import acquisition_channel_of
from deckgen.metrics.clv.bgnbd import (
    BgNbdFit,
    expected_purchase_blocks,
    expected_purchases,
    fit_bgnbd,
    p_alive,
)
from deckgen.metrics.clv.gamma_gamma import GammaGammaFit, expected_spend, fit_gamma_gamma
from deckgen.metrics.clv.history import (
    PurchaseHistory,
    order_days,
    purchase_history,
    purchases_between,
)
from deckgen.metrics.clv.mle import ClvRefusal
from deckgen.metrics.common import (
    CustomerOrders,
    PurchaseOccasions,
    by_code,
    customer_orders,
    day_number,
    label_codes,
    ratio,
    revenue_shares,
)
from deckgen.period import Period

# docs/metrics.md#clv-refusal. On data simulated from the model (r 0.6, alpha 40 days, a 0.8,
# b 2.5; ages up to two years), 100 repeat customers give a 12-month purchase forecast of the
# base within 18% of the true parameters' forecast in 9 data sets of 10; 30 give 30%.
MIN_REPEAT_CUSTOMERS = 100
HORIZON_MONTHS = 12  # docs/metrics.md#clv-value
DAYS_PER_MONTH = 365.25 / 12  # an average month, in days
AT_RISK_P_ALIVE = 0.5  # docs/metrics.md#clv-at-risk: below this a customer is at risk
VALUABLE_QUANTILE = 0.75  # top quartile of historical or predicted value
TOP_FREQUENCY_GROUP = 7  # the holdout groups are 0, 1, ..., 6 and 7 or more repeat purchases

_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class ClvModel:
    """The two fitted models, or why they were refused (docs/metrics.md#clv-model)."""

    time_unit: Literal["day"]  # the unit of t_x, T and the BG/NBD alpha
    cutoff: date  # fitted on the orders up to this day
    customers: int  # customers with an order by the cutoff
    repeat_customers: int  # of them, customers with at least one repeat purchase day
    min_repeat_customers: int  # fewer repeat customers than this: refused
    refusal: ClvRefusal | None  # None when the models were fitted
    refused_model: Literal["purchases", "spend"] | None  # which fit was refused
    purchases: BgNbdFit | None  # BG/NBD; None when refused before or while fitting it
    spend: GammaGammaFit | None  # Gamma-Gamma; None when it was not fitted

    @property
    def fitted(self) -> bool:
        """True when every model asked for was fitted (not refused)."""
        return self.refusal is None


@dataclass(frozen=True)
class ValueGroup:
    """Predicted value of one RFM segment's or channel's customers (docs/metrics.md#clv-value)."""

    name: str | None  # the segment or channel; None: the customers without a known channel
    customers: int  # customers with an order by the period end
    expected_active: float  # customers: the sum of their P(alive)
    expected_purchases: float  # purchase days in the next 12 months
    predicted_value: float  # client currency, discounted, the next 12 months
    value_per_customer: float  # client currency
    value_share: float | None  # 0..1 of the base's predicted value; None when no shares
    historical_revenue: float  # client currency, all orders to the period end


@dataclass(frozen=True)
class AtRiskCustomer:
    """A valuable customer who may have left (docs/metrics.md#clv-at-risk)."""

    customer_id: str
    segment: str | None  # RFM segment at the period end
    channel: str | None  # acquisition channel; None when unknown
    p_alive: float  # 0..1
    repeat_purchases: int  # purchase days after the first
    days_since_last_purchase: int  # days, to the period end
    historical_revenue: float  # client currency, all orders to the period end
    predicted_value: float  # client currency, discounted, the next 12 months
    value_if_active: float  # client currency: the same if they are still a customer
    value_at_stake: float  # client currency: value_if_active x (1 - p_alive)


@dataclass(frozen=True)
class FrequencyGroupCheck:
    """Holdout purchases of one calibration frequency group (docs/metrics.md#clv-holdout)."""

    repeat_purchases: int  # in the calibration period; the last group is this many or more
    customers: int
    predicted: float  # mean purchase days per customer in the holdout months
    actual: float  # mean purchase days per customer in the holdout months


@dataclass(frozen=True)
class HoldoutCheck:
    """The purchase model fitted N months before the period end, against what then happened."""

    months: int  # N: the holdout months at the end of the data
    holdout_days: int  # days from the calibration cutoff to the period end
    calibration: ClvModel  # the fit on the orders up to the cutoff
    groups: tuple[FrequencyGroupCheck, ...]  # 0, 1, ..., 6, 7+; empty when refused
    predicted: float | None  # purchase days in the holdout, all calibration customers
    actual: int | None  # purchase days in the holdout, all calibration customers
    total_error: float | None  # (predicted - actual) / actual, a fraction; None without actual
    mean_absolute_error: float | None  # 0..: mean of |predicted - actual| / actual over groups


@dataclass(frozen=True)
class CustomerValues:
    """Per-customer figures (arrays by row, in the order of `customer_id`); not in the JSON."""

    customer_id: pd.Index  # customers with an order by the period end
    x: np.ndarray  # repeat purchase days
    t_x: np.ndarray  # days from the first to the last purchase day
    T: np.ndarray  # days from the first purchase day to the period end
    historical_revenue: np.ndarray  # client currency, all orders to the period end
    p_alive: np.ndarray  # 0..1
    expected_purchases: np.ndarray  # purchase days in the next 12 months
    expected_spend: np.ndarray  # client currency per purchase day
    predicted_value: np.ndarray  # client currency, discounted, the next 12 months
    value_if_active: np.ndarray  # client currency: the same for a customer known to be active

    def to_frame(self) -> pd.DataFrame:
        """The figures as a table indexed by customer_id."""
        names = [n for n in self.__dataclass_fields__ if n != "customer_id"]
        return pd.DataFrame({n: getattr(self, n) for n in names}, index=self.customer_id)


@dataclass(frozen=True)
class ClvResult:
    """Predictive customer value at the period end; figures are None when the fit was refused."""

    model: ClvModel
    discount_rate: float  # 0..1 a year, docs/metrics.md#clv-value
    horizon_months: int  # the months predicted
    expected_active: float | None  # customers: the sum of P(alive)
    expected_purchases: float | None  # purchase days of the whole base in the horizon
    predicted_value: float | None  # client currency, discounted, the whole base in the horizon
    historical_revenue: float  # client currency, all orders to the period end
    by_segment: tuple[ValueGroup, ...]  # highest predicted value first; empty when refused
    by_channel: tuple[ValueGroup, ...]  # highest predicted value first, unknown channel last
    at_risk: tuple[AtRiskCustomer, ...]  # the top `clv_at_risk_top_n`, most value at stake first
    at_risk_customers: int  # all customers meeting the at-risk rule
    at_risk_value: float | None  # client currency: the value at stake of all of them
    holdout: HoldoutCheck
    customer_values: CustomerValues | None = field(
        default=None, compare=False, repr=False, metadata={"json": False}
    )


def compute_clv(
    tables: Tables,
    period: Period,
    settings: MetricsSettings,
    segment_of: Mapping[str, str] | pd.Series | None = None,
    channel_of: pd.Series | None = None,
) -> ClvResult:
    """Predictive customer value as of the end of `period` (segment_of: customer_id → segment;
    channel_of: the deck's shared acquisition channel by customer_id, looked up when not given)."""
    # The analyses' shared orders: the CLV reads their own arrays, never the returns beside them,
    # and shares their purchase occasions (computed once per deck).
    orders = customer_orders(tables.orders, period, tables.returns)
    days = order_days(orders)
    end = day_number(period.end)
    # OpenBLAS threads, woken by the optimiser's small matrix steps, spin on a busy machine and
    # slow the fit several-fold; one thread is fastest for these sizes.
    with threadpool_limits(1, user_api="blas"):
        # The holdout first: its history's temporaries are not held beside the one below.
        holdout = _holdout(orders, days, period, settings.clv_holdout_months)
        history = purchase_history(orders, days, end)
        model = fit_models(history, end)
    historical = float(history.revenue.sum())
    if not model.fitted:
        return ClvResult(
            model=model,
            discount_rate=settings.discount_rate,
            horizon_months=HORIZON_MONTHS,
            expected_active=None,
            expected_purchases=None,
            predicted_value=None,
            historical_revenue=historical,
            by_segment=(),
            by_channel=(),
            at_risk=(),
            at_risk_customers=0,
            at_risk_value=None,
            holdout=holdout,
        )
    values = _customer_values(model, history, orders.ids, settings.discount_rate)
    segments = _labels(segment_of, values.customer_id, history.customer, orders.ids)
    if channel_of is None:
        channel_of = acquisition_channel_of(tables, period, values.customer_id)
    # The deck's shared channels are taken by the same codes.
    channels = by_code(channel_of, values.customer_id, history.customer, orders.ids)
    at_risk = _at_risk_rows(values)
    top = at_risk[: settings.clv_at_risk_top_n]
    # The at-risk customers' stakes alone, in that order (not every customer's: 36 MB at 4.5
    # million customers).
    stake = values.value_if_active[at_risk] - values.predicted_value[at_risk]
    return ClvResult(
        model=model,
        discount_rate=settings.discount_rate,
        horizon_months=HORIZON_MONTHS,
        expected_active=float(values.p_alive.sum()),
        expected_purchases=float(values.expected_purchases.sum()),
        predicted_value=float(values.predicted_value.sum()),
        historical_revenue=historical,
        by_segment=() if segments is None else _groups(values, segments),
        by_channel=_groups(values, channels),
        at_risk=tuple(
            _at_risk_customer(values, k, segment, channel)
            for k, segment, channel in zip(
                top, _names_of(segments, top), _names_of(channels, top), strict=True
            )
        ),
        at_risk_customers=len(at_risk),
        at_risk_value=float(stake.sum()),
        holdout=holdout,
        customer_values=values,
    )


def fit_models(history: PurchaseHistory, cutoff: int, spend: bool = True) -> ClvModel:
    """BG/NBD and (if `spend`) Gamma-Gamma fitted on `history` up to day `cutoff`, or why not."""
    repeat = history.x > 0
    fields = {
        "time_unit": "day",
        "cutoff": _EPOCH + timedelta(days=int(cutoff)),
        "customers": len(history.x),
        "repeat_customers": int(repeat.sum()),
        "min_repeat_customers": MIN_REPEAT_CUSTOMERS,
        "purchases": None,
        "spend": None,
    }
    refusal = _data_refusal(history)
    if refusal is not None:
        return ClvModel(**fields, refusal=refusal, refused_model="purchases")
    purchases = fit_bgnbd(history.x, history.t_x, history.T)
    if isinstance(purchases, ClvRefusal):
        return ClvModel(**fields, refusal=purchases, refused_model="purchases")
    fields["purchases"] = purchases
    if not spend:
        return ClvModel(**fields, refusal=None, refused_model=None)
    paying = repeat & (history.repeat_spend > 0)
    if paying.sum() < MIN_REPEAT_CUSTOMERS:
        return ClvModel(**fields, refusal=ClvRefusal.NO_REPEAT_SPEND, refused_model="spend")
    fitted = fit_gamma_gamma(history.x[paying], history.repeat_spend[paying])
    if isinstance(fitted, ClvRefusal):
        return ClvModel(**fields, refusal=fitted, refused_model="spend")
    return ClvModel(**fields | {"spend": fitted}, refusal=None, refused_model=None)


def _data_refusal(history: PurchaseHistory) -> ClvRefusal | None:
    """Why the data of `history` (the orders up to its cut-off) cannot be fitted, if it cannot."""
    if len(history.x) == 0:
        return ClvRefusal.NO_ORDERS
    # Every order on one day: every customer's first day is that day (one T) and none has
    # another purchase day.
    repeat_customers = int((history.x > 0).sum())
    if repeat_customers == 0 and history.T.min() == history.T.max():
        return ClvRefusal.ONE_DAY
    if repeat_customers == 0:
        return ClvRefusal.NO_REPEAT_CUSTOMERS
    if repeat_customers < MIN_REPEAT_CUSTOMERS:
        return ClvRefusal.TOO_FEW_REPEAT_CUSTOMERS
    return None


def _customer_values(
    model: ClvModel, history: PurchaseHistory, ids: pd.Index, discount_rate: float
) -> CustomerValues:
    """Per-customer predictions of the fitted `model` for the next HORIZON_MONTHS."""
    purchases, spend = model.purchases, model.spend
    assert purchases is not None and spend is not None  # a fitted model has both
    # Whole days as they are: the models' arithmetic turns them into the same floats as a copy
    # would (three of 36 MB at 4.5 million customers).
    x, t_x, T = history.x, history.t_x, history.T
    alive = p_alive(purchases.params, x, t_x, T)
    months = np.arange(HORIZON_MONTHS + 1)
    # Purchases of month k are discounted to the period end as if made at the month's end.
    discount = (1.0 + discount_rate) ** (-months[1:] / 12.0)
    per_purchase = expected_spend(spend.params, x, history.repeat_spend)
    value, purchases_12m = np.empty(len(x)), np.empty(len(x))
    # By blocks of customers: the customers-by-months tables (four of them, 430 MB each at
    # 4.5 million customers) are never held whole, and the figures are the same.
    for rows, cumulative in expected_purchase_blocks(
        purchases.params, months[1:] * DAYS_PER_MONTH, x, t_x, T, alive
    ):
        monthly = np.diff(cumulative, axis=1, prepend=0.0)
        value[rows] = per_purchase[rows] * (monthly * discount).sum(axis=1)
        purchases_12m[rows] = cumulative[:, -1]
    with np.errstate(invalid="ignore", divide="ignore"):
        if_active = np.where(alive > 0, value / alive, 0.0)
    return CustomerValues(
        customer_id=ids if _every(history.customer, len(ids)) else ids[history.customer],
        x=history.x,
        t_x=history.t_x,
        T=history.T,
        historical_revenue=history.revenue,
        p_alive=alive,
        expected_purchases=purchases_12m,
        expected_spend=per_purchase,
        predicted_value=value,
        value_if_active=if_active,
    )


def _labels(
    segment_of: Mapping[str, str] | pd.Series | None,
    ids: pd.Index,
    codes: np.ndarray,
    coded: pd.Index,
) -> ExtensionArray | None:
    """The segment of each of `ids` (missing where unknown; `codes`: their positions in `coded`,
    the orders' customer ids); None without segments. Not as Python objects: a string of every
    customer's segment and channel took 0.5 GB at 4.5 million customers."""
    if segment_of is None:
        return None
    segments = segment_of if isinstance(segment_of, pd.Series) else pd.Series(segment_of)
    return by_code(segments, ids, codes, coded)


def _every(codes: np.ndarray, size: int) -> bool:
    """True when `codes` (ascending, distinct) are every code 0..size-1."""
    return len(codes) == size


def _names_of(labels: ExtensionArray | None, rows: np.ndarray) -> np.ndarray:
    """The labels of `rows` as Python objects, None where missing (all None without labels)."""
    if labels is None:
        return np.full(len(rows), None, dtype=object)
    return labels.take(rows).to_numpy(dtype=object, na_value=None)


def _groups(values: CustomerValues, labels: ExtensionArray) -> tuple[ValueGroup, ...]:
    """Predicted value of the customers sharing each label, highest first; missing last."""
    slot, names = label_codes(pd.Series(labels))
    slot[slot < 0] = len(names)  # the last slot: no label (label_codes' array is our own)

    def total(weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(slot, weights=weights, minlength=len(names) + 1)

    customers, alive, purchases = total(), total(values.p_alive), total(values.expected_purchases)
    value, revenue = total(values.predicted_value), total(values.historical_revenue)
    base = float(values.predicted_value.sum())
    shares = revenue_shares(value, base)
    rows = [
        ValueGroup(
            name=names[k] if k < len(names) else None,
            customers=int(customers[k]),
            expected_active=float(alive[k]),
            expected_purchases=float(purchases[k]),
            predicted_value=float(value[k]),
            value_per_customer=float(value[k]) / int(customers[k]),
            value_share=shares[k],
            historical_revenue=float(revenue[k]),
        )
        for k in np.flatnonzero(customers)
    ]
    return tuple(sorted(rows, key=lambda g: (g.name is None, -g.predicted_value, g.name or "")))


def _at_risk_rows(values: CustomerValues) -> np.ndarray:
    """Rows of the valuable customers at risk, most value at stake first, then by id."""
    valuable = (
        values.historical_revenue >= np.quantile(values.historical_revenue, VALUABLE_QUANTILE)
    ) | (values.predicted_value >= np.quantile(values.predicted_value, VALUABLE_QUANTILE))
    rows = np.flatnonzero(valuable & (values.p_alive < AT_RISK_P_ALIVE))
    stake = (values.value_if_active - values.predicted_value)[rows]
    ids = values.customer_id[rows].to_numpy(dtype=object)
    return rows[np.lexsort((ids, -stake))]


def _at_risk_customer(
    values: CustomerValues, k: int, segment: str | None, channel: str | None
) -> AtRiskCustomer:
    """The at-risk record of row k of `values`, in `segment` from `channel`."""
    return AtRiskCustomer(
        customer_id=str(values.customer_id[k]),
        segment=segment,
        channel=channel,
        p_alive=float(values.p_alive[k]),
        repeat_purchases=int(values.x[k]),
        days_since_last_purchase=int(values.T[k] - values.t_x[k]),
        historical_revenue=float(values.historical_revenue[k]),
        predicted_value=float(values.predicted_value[k]),
        value_if_active=float(values.value_if_active[k]),
        value_at_stake=float(values.value_if_active[k] - values.predicted_value[k]),
    )


def _holdout(
    orders: CustomerOrders, days: PurchaseOccasions, period: Period, months: int
) -> HoldoutCheck:
    """The purchase model fitted `months` before the period end, checked on those months."""
    end = day_number(period.end)
    cutoff = day_number(period.shift(-months).end)
    history = purchase_history(orders, days, cutoff)
    calibration = fit_models(history, cutoff, spend=False)
    empty = HoldoutCheck(months, end - cutoff, calibration, (), None, None, None, None)
    if calibration.purchases is None:
        return empty
    x, t_x, T = history.x, history.t_x, history.T  # whole days: see _customer_values
    predicted = expected_purchases(calibration.purchases.params, end - cutoff, x, t_x, T)[:, 0]
    actual = purchases_between(days, cutoff, end)[history.customer]
    group = np.minimum(history.x, TOP_FREQUENCY_GROUP)
    size = TOP_FREQUENCY_GROUP + 1
    customers = np.bincount(group, minlength=size)
    predicted_sum = np.bincount(group, weights=predicted, minlength=size)
    actual_sum = np.bincount(group, weights=actual, minlength=size)
    shown = np.flatnonzero(customers)
    errors = [
        abs(predicted_sum[g] - actual_sum[g]) / actual_sum[g] for g in shown if actual_sum[g] > 0
    ]
    total_actual = int(actual.sum())
    return HoldoutCheck(
        months=months,
        holdout_days=end - cutoff,
        calibration=calibration,
        groups=tuple(
            FrequencyGroupCheck(
                repeat_purchases=int(g),
                customers=int(customers[g]),
                predicted=float(predicted_sum[g] / customers[g]),
                actual=float(actual_sum[g] / customers[g]),
            )
            for g in shown
        ),
        predicted=float(predicted.sum()),
        actual=total_actual,
        total_error=ratio(float(predicted.sum()) - total_actual, total_actual),
        mean_absolute_error=float(np.mean(errors)) if errors else None,
    )
