"""Predictive customer value of a client: refusals, the figures, their totals and the JSON."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from deckgen.config import MetricsSettings, Settings
from deckgen.data.sample import generate_sample
from deckgen.data.tables import Tables
from deckgen.data.validate import validate_frames
from deckgen.metrics.channels import acquisition_channel_of
from deckgen.metrics.clv import ClvRefusal, compute_clv
from deckgen.metrics.clv.figures import AT_RISK_P_ALIVE, MIN_REPEAT_CUSTOMERS, VALUABLE_QUANTILE
from deckgen.metrics.lifecycle import compute_metrics
from deckgen.metrics.report import to_json
from deckgen.metrics.segments import rfm_segment_of
from tests.metrics.fixtures_lifecycle import OCT_2026, customers, orders

SETTINGS = MetricsSettings()


@pytest.fixture(scope="module")
def sample() -> Tables:
    """The default sample client: 2,000 customers, 24 months to October 2026."""
    report = validate_frames(generate_sample(), Settings(), "sample")
    assert report.tables is not None
    return report.tables


@pytest.fixture(scope="module")
def result(sample):
    return compute_clv(sample, OCT_2026, SETTINGS, rfm_segment_of(sample, OCT_2026, SETTINGS))


def _tables(rows) -> Tables:
    return Tables(customers=customers(sorted({r[0] for r in rows})), orders=orders(rows))


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        ([("A", "2026-11-02", 10.0)], ClvRefusal.NO_ORDERS),  # only after the period
        (
            [("A", "2026-03-02", 10.0), ("A", "2026-05-02", 12.0)],
            ClvRefusal.TOO_FEW_REPEAT_CUSTOMERS,
        ),
        ([(f"C{k}", "2026-10-07", 5.0 + k) for k in range(300)] * 2, ClvRefusal.ONE_DAY),
        (
            [(f"C{k}", f"2026-{1 + k % 9:02d}-01", 5.0) for k in range(300)],
            ClvRefusal.NO_REPEAT_CUSTOMERS,
        ),
        (
            [(f"C{k}", f"2026-0{1 + k % 9}-01", 5.0) for k in range(300)]
            + [(f"C{k}", "2026-10-01", 5.0) for k in range(MIN_REPEAT_CUSTOMERS - 1)],
            ClvRefusal.TOO_FEW_REPEAT_CUSTOMERS,
        ),
        ([("A", "2026-10-05", 0.0)], ClvRefusal.ONE_DAY),  # one order, worth nothing
        # One order each on one of two days: read from the history (the first days differ).
        ([("A", "2026-10-05", 3.0), ("B", "2026-10-06", 4.0)], ClvRefusal.NO_REPEAT_CUSTOMERS),
        # Every order on one day, some customers twice that day: still one purchase day.
        (
            [("A", "2026-10-05", 3.0), ("A", "2026-10-05", 1.0), ("B", "2026-10-05", 4.0)],
            ClvRefusal.ONE_DAY,
        ),
    ],
    ids=[
        "no-orders",
        "one-customer",
        "all-on-one-day",
        "no-repeat-buyers",
        "99-repeat-buyers",
        "one-order",
        "one-order-each",
        "one-day-twice",
    ],
)
def test_degenerate_data_is_refused(rows, reason):
    found = compute_clv(_tables(rows), OCT_2026, SETTINGS)
    assert found.model.refusal is reason
    assert found.model.refused_model == "purchases"
    assert found.model.purchases is None and not found.model.fitted
    assert found.predicted_value is None and found.expected_purchases is None
    assert found.by_segment == () and found.at_risk == () and found.customer_values is None
    assert found.holdout.groups == () and found.holdout.predicted is None
    revenue = sum(a for c, d, a in rows if d <= "2026-10-31")
    assert found.historical_revenue == pytest.approx(revenue)  # history is still told


def test_free_repeat_purchases_refuse_the_spend_model(sample):
    """Repeat purchases all worth 0: purchases are fitted, spend is refused, no value."""
    coded = sample.orders.copy()
    first = coded.groupby("customer_id")["order_date"].transform("min")
    coded["amount"] = coded["amount"].where(coded["order_date"] == first, 0.0)
    found = compute_clv(replace(sample, orders=coded), OCT_2026, SETTINGS)
    assert found.model.refusal is ClvRefusal.NO_REPEAT_SPEND
    assert found.model.refused_model == "spend"
    assert found.model.purchases is not None and found.predicted_value is None


def test_sample_fit(result):
    model = result.model
    assert model.fitted and model.refusal is None and model.time_unit == "day"
    assert model.cutoff.isoformat() == "2026-10-31"
    assert model.repeat_customers >= MIN_REPEAT_CUSTOMERS
    assert model.purchases.customers == model.customers
    assert model.spend.customers <= model.repeat_customers
    assert abs(model.spend.spend_frequency_correlation) < 0.1  # the sample draws them apart


def test_totals_add_up(result):
    values = result.customer_values
    assert len(values.customer_id) == result.model.customers
    assert result.expected_active == pytest.approx(values.p_alive.sum())
    assert result.predicted_value == pytest.approx(values.predicted_value.sum())
    for groups in (result.by_segment, result.by_channel):
        assert sum(g.customers for g in groups) == result.model.customers
        assert sum(g.predicted_value for g in groups) == pytest.approx(result.predicted_value)
        assert sum(g.expected_purchases for g in groups) == pytest.approx(result.expected_purchases)
        assert sum(g.historical_revenue for g in groups) == pytest.approx(result.historical_revenue)
        assert sum(g.value_share for g in groups) == pytest.approx(1.0)
        named = [g.predicted_value for g in groups if g.name is not None]
        assert named == sorted(named, reverse=True)


def test_groups_use_the_existing_segments_and_channels(sample, result):
    values = result.customer_values
    segments = rfm_segment_of(sample, OCT_2026, SETTINGS).reindex(values.customer_id)
    channels = acquisition_channel_of(sample, OCT_2026, values.customer_id)
    for group in result.by_segment:
        chosen = (segments == group.name).to_numpy()
        assert group.customers == chosen.sum()
        assert group.predicted_value == pytest.approx(values.predicted_value[chosen].sum())
    for group in result.by_channel:
        chosen = (channels.isna() if group.name is None else channels == group.name).to_numpy()
        assert group.customers == chosen.sum()
        assert group.expected_active == pytest.approx(values.p_alive[chosen].sum())


def test_valuable_customers_at_risk(result):
    values = result.customer_values
    top_revenue = np.quantile(values.historical_revenue, VALUABLE_QUANTILE)
    top_value = np.quantile(values.predicted_value, VALUABLE_QUANTILE)
    position = {c: k for k, c in enumerate(values.customer_id)}
    rule = (values.p_alive < AT_RISK_P_ALIVE) & (
        (values.historical_revenue >= top_revenue) | (values.predicted_value >= top_value)
    )
    assert (
        result.at_risk_customers == rule.sum() > len(result.at_risk) == SETTINGS.clv_at_risk_top_n
    )
    stakes = [c.value_at_stake for c in result.at_risk]
    assert stakes == sorted(stakes, reverse=True)
    assert result.at_risk_value == pytest.approx(
        (values.value_if_active - values.predicted_value)[rule].sum()
    )
    for customer in result.at_risk:
        k = position[customer.customer_id]
        assert rule[k]
        assert customer.value_at_stake == pytest.approx(
            customer.value_if_active * (1 - customer.p_alive)
        )
        assert customer.days_since_last_purchase == values.T[k] - values.t_x[k]
        assert customer.repeat_purchases >= 1  # P(alive) < 1 needs a repeat purchase


def test_value_is_spend_times_discounted_purchases(sample):
    undiscounted = compute_clv(sample, OCT_2026, SETTINGS.model_copy(update={"discount_rate": 0.0}))
    values = undiscounted.customer_values
    assert undiscounted.by_segment == ()  # no segments given
    assert undiscounted.by_channel != ()
    assert values.predicted_value == pytest.approx(
        values.expected_spend * values.expected_purchases
    )
    discounted = compute_clv(sample, OCT_2026, SETTINGS.model_copy(update={"discount_rate": 0.5}))
    ratio = discounted.predicted_value / undiscounted.predicted_value
    # Twelve monthly discounts at 50% a year lie between 1.5^(-1/12) and 1.5^-1.
    assert 1.5**-1 < ratio < 1.5 ** (-1 / 12)


def test_holdout_check(result, sample):
    check = result.holdout
    assert check.months == 6 and check.holdout_days == 184  # 1 May to 31 October 2026
    assert check.calibration.cutoff.isoformat() == "2026-04-30"
    assert check.calibration.fitted and check.calibration.spend is None  # purchases only
    assert [g.repeat_purchases for g in check.groups] == list(range(8))
    assert sum(g.customers for g in check.groups) == check.calibration.customers
    assert sum(g.predicted * g.customers for g in check.groups) == pytest.approx(check.predicted)
    assert sum(g.actual * g.customers for g in check.groups) == pytest.approx(check.actual)
    assert check.total_error == pytest.approx((check.predicted - check.actual) / check.actual)
    errors = [abs(g.predicted - g.actual) / g.actual for g in check.groups if g.actual > 0]
    assert check.mean_absolute_error == pytest.approx(np.mean(errors))
    assert abs(check.total_error) < 0.25  # the sample is not drawn from the model, but close


def test_metrics_json_carries_the_model_but_not_the_customers(sample):
    payload = json.loads(to_json(compute_metrics(sample, OCT_2026, SETTINGS)))["metrics"]["clv"]
    assert payload["model"]["time_unit"] == "day"
    assert payload["model"]["refusal"] is None
    assert set(payload["model"]["purchases"]["params"]) == {"r", "alpha", "a", "b"}
    assert payload["model"]["spend"]["log_likelihood"] < 0
    assert "customer_values" not in payload
    refused = compute_metrics(_tables([("A", "2026-03-02", 10.0)]), OCT_2026, SETTINGS)
    payload = json.loads(to_json(refused))["metrics"]["clv"]
    assert payload["model"]["refusal"] == "one_day"  # a single order
    assert payload["predicted_value"] is None
