"""Target prospects: hand-computed scores on `acquisition_tables`, profile on `segment_tables`."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen.config import MetricsSettings
from deckgen.data.schema import CHANNELS
from deckgen.data.tables import Tables
from deckgen.metrics.prospects import (
    ProfileTrait,
    Reason,
    _highest,
    compute_prospects,
    customer_side,
)
from deckgen.metrics.segments import compute_segments
from deckgen.period import Period
from tests.metrics.fixtures_lifecycle import make_frame

OCT = Period("gregorian", 2026, 10)
SETTINGS = MetricsSettings(prospect_shrinkage=2)

# Status at Oct 31 (L9 is captured later): converted L1, L2, L6; lost L4, L8; open L3, L5 and
# L7 (converted only on Nov 10). Base rate p0 = 3/5 = 0.6, odds 1.5. Shrunk rates, s = 2:
#   channel  email 2 of 3: (2 + 1.2)/5 = 0.64   seo 1 of 1: 2.2/3   tv 0 of 1: 1.2/3 = 0.4
#   region   north 2 of 2: 3.2/4 = 0.8          south 1 of 3: 2.2/5 = 0.44
#   age band 25-34 2 of 2: 0.8   45-54 1 of 1: 2.2/3   55-64 0 of 1: 0.4
# Odds of the open leads, each value multiplying 1.5 by odds(p_v)/1.5:
#   L3 tv, north, 45-54: (2/3)(4)(2.75)/1.5^2 = 88/27, P = 88/115
#   L5 tv, north, 25-34: (2/3)(4)(4)/1.5^2 = 128/27, P = 128/155
#   L7 email, west (never seen), no age: 16/9, P = 16/25
P_L3, P_L5, P_L7 = 88 / 115, 128 / 155, 16 / 25
# First-year value: no customer has a full year by Oct 31, so all seven count with what they
# bought by then: A1 180, A2 270, A3 60, A4 140, A5 100, A6 25, A7 45; mean 820/7.
# email A1, A5, A7 = 325: (325 + 2 * 820/7) / 5 = 783/7; tv A2, A4 = 410: (410 + 1640/7) / 4.
TV_VALUE, EMAIL_VALUE = (410 + 1640 / 7) / 4, 783 / 7


def test_scores(acquisition_tables):
    segmentation = compute_segments(acquisition_tables, OCT, SETTINGS)
    result = compute_prospects(acquisition_tables, OCT, SETTINGS, segmentation)
    assert (result.open_leads, result.history_leads, result.base_rate) == (3, 5, 0.6)
    top = [(p.lead_id, p.probability, p.first_year_value, p.expected_value) for p in result.top]
    assert top == [
        ("L5", pytest.approx(P_L5), pytest.approx(TV_VALUE), pytest.approx(P_L5 * TV_VALUE)),
        ("L3", pytest.approx(P_L3), pytest.approx(TV_VALUE), pytest.approx(P_L3 * TV_VALUE)),
        ("L7", pytest.approx(P_L7), pytest.approx(EMAIL_VALUE), pytest.approx(P_L7 * EMAIL_VALUE)),
    ]
    assert result.pipeline_value == pytest.approx((P_L5 + P_L3) * TV_VALUE + P_L7 * EMAIL_VALUE)
    assert result.expected_customers == pytest.approx(P_L3 + P_L5 + P_L7)


def test_prospect_details(acquisition_tables):
    segmentation = compute_segments(acquisition_tables, OCT, SETTINGS)
    l5, l3, l7 = compute_prospects(acquisition_tables, OCT, SETTINGS, segmentation).top
    assert (l3.name, l3.channel, l3.created, l3.days_open) == ("Ana Weber", "tv", "2026-10-07", 24)
    assert (l5.name, l5.days_open) == (None, 41)
    # Lifts p_v / p0 above 1: north 0.8/0.6, 25-34 0.8/0.6, 45-54 (2.2/3)/0.6, email 0.64/0.6;
    # tv (0.4/0.6) lowers the score and is no reason. Equal lifts go by attribute name.
    assert l5.reasons == (
        Reason("age_band", "25-34", pytest.approx(4 / 3)),
        Reason("region", "north", pytest.approx(4 / 3)),
    )
    assert l3.reasons == (
        Reason("region", "north", pytest.approx(4 / 3)),
        Reason("age_band", "45-54", pytest.approx(11 / 9)),
    )
    assert l7.reasons == (Reason("channel", "email", pytest.approx(16 / 15)),)


def test_top_n(acquisition_tables):
    segmentation = compute_segments(acquisition_tables, OCT, SETTINGS)
    top_two = MetricsSettings(prospect_shrinkage=2, prospects_top_n=2)
    result = compute_prospects(acquisition_tables, OCT, top_two, segmentation)
    assert [p.lead_id for p in result.top] == ["L5", "L3"]
    assert result.pipeline_value == pytest.approx(
        (P_L5 + P_L3) * TV_VALUE + P_L7 * EMAIL_VALUE
    )  # all open leads, not only the top


def test_no_leads_sheet(acquisition_tables):
    tables = replace(acquisition_tables, leads=None)
    segmentation = compute_segments(tables, OCT, SETTINGS)
    assert compute_prospects(tables, OCT, SETTINGS, segmentation) is None


def test_no_history(acquisition_tables):
    # Only the open leads L3, L5 (and L9, captured after October): nothing to learn from.
    leads = acquisition_tables.leads
    tables = replace(acquisition_tables, leads=leads[leads["status"] == "open"])
    segmentation = compute_segments(tables, OCT, SETTINGS)
    result = compute_prospects(tables, OCT, SETTINGS, segmentation)
    assert (result.open_leads, result.history_leads, result.base_rate) == (2, 0, None)
    assert (result.top, result.pipeline_value) == ((), 0.0)


def test_without_shrinkage_rates_stay_finite(acquisition_tables):
    # s = 0: tv converted 0 of 1 and north 2 of 2, rates of exactly 0 and 1; the odds are
    # clipped, so L3 and L5 get finite probabilities, and L7 exactly email's 2/3.
    no_shrinkage = MetricsSettings(prospect_shrinkage=0)
    segmentation = compute_segments(acquisition_tables, OCT, no_shrinkage)
    result = compute_prospects(acquisition_tables, OCT, no_shrinkage, segmentation)
    probabilities = {p.lead_id: p.probability for p in result.top}
    assert all(math.isfinite(p) and 0 <= p <= 1 for p in probabilities.values())
    assert probabilities["L7"] == pytest.approx(2 / 3)


# Profile on segment_tables: the best customers are Champions and Loyal = C1, C2 of the six;
# P(best) = 1/3 and lift = ((best_v + 2/3) / (customers_v + 2)) / (1/3), s = 2:
#   country  DE 2 of 2: 2.0; FR 0 of 2: 0.5; IT 0 of 1: 2/3 (C8's unknown country is no value)
#   interest fitness 2 of 2: 2.0; outdoor 1 of 2: 5/4; travel 0 of 1: 2/3
#   age band 25-34 1 of 1: 5/3, 35-44 1 of 1: 5/3 (tie: by name); 18-24, 65+: 2/3
#   gender   female 1 of 2: 5/4, male 1 of 2: 5/4 (tie: by name)
def test_ideal_prospect_profile(segment_tables, acquisition_tables):
    tables = replace(segment_tables, leads=acquisition_tables.leads)
    segmentation = compute_segments(tables, OCT, SETTINGS)
    result = compute_prospects(tables, OCT, SETTINGS, segmentation)
    assert result.best_segments == ("Champions", "Loyal")
    assert result.best_customers == 2
    assert result.profile == (
        ProfileTrait("country", "DE", pytest.approx(2.0), 1.0, 2 / 6),
        ProfileTrait("interest", "fitness", pytest.approx(2.0), 1.0, 2 / 6),
        ProfileTrait("age_band", "25-34", pytest.approx(5 / 3), 1 / 2, 1 / 6),
        ProfileTrait("gender", "female", pytest.approx(5 / 4), 1 / 2, 2 / 6),
    )


def test_profile_without_best_customers(acquisition_tables):
    # acquisition_tables has no Champions or Loyal customer at Oct 31.
    segmentation = compute_segments(acquisition_tables, OCT, SETTINGS)
    result = compute_prospects(acquisition_tables, OCT, SETTINGS, segmentation)
    assert (result.best_customers, result.profile) == (0, ())


# --- random data --------------------------------------------------------------------------

START = date(2025, 1, 1)
DAYS = st.integers(0, 700).map(lambda n: START + timedelta(days=n))


@st.composite
def random_tables(draw) -> Tables:
    n = draw(st.integers(1, 8))
    customers = make_frame(
        "customers",
        ["customer_id", "acquisition_channel", "country", "age"],
        [
            [f"C{i}", draw(st.sampled_from(CHANNELS[:3])), ["DE", "FR"][i % 2], 20 + 7 * i]
            for i in range(n)
        ],
    )
    order_rows = draw(
        st.lists(st.tuples(st.integers(0, n - 1), DAYS, st.floats(1, 500)), max_size=30)
    )
    orders = make_frame(
        "orders",
        ["order_id", "customer_id", "order_date", "amount"],
        [[f"O{k}", f"C{c}", d.isoformat(), a] for k, (c, d, a) in enumerate(order_rows)],
    )
    lead_rows = draw(
        st.lists(
            st.tuples(
                DAYS,
                st.sampled_from(CHANNELS[:3]),
                st.sampled_from(["open", "converted", "lost"]),
                st.sampled_from(["north", "south", None]),
                st.one_of(st.none(), st.integers(18, 80)),
            ),
            max_size=25,
        )
    )
    leads = make_frame(
        "leads",
        ["lead_id", "created_date", "channel", "status", "region", "age"],
        [[f"L{k}", d.isoformat(), c, s, r, a] for k, (d, c, s, r, a) in enumerate(lead_rows)],
    )
    return Tables(customers=customers, orders=orders, leads=leads)


@settings(max_examples=60, deadline=None)
@given(random_tables(), st.sampled_from([0.0, 2.0, 20.0]))
def test_invariants(tables, shrinkage):
    metrics = MetricsSettings(prospect_shrinkage=shrinkage, prospects_top_n=5)
    result = compute_prospects(tables, OCT, metrics, compute_segments(tables, OCT, metrics))
    assert len(result.top) <= 5
    values = [p.expected_value for p in result.top]
    assert values == sorted(values, reverse=True)
    assert result.pipeline_value >= sum(values) - 1e-9
    assert result.base_rate is None or 0 <= result.base_rate <= 1
    for prospect in result.top:
        assert 0 <= prospect.probability <= 1
        assert prospect.expected_value == pytest.approx(
            prospect.probability * prospect.first_year_value
        )
        assert all(r.lift > 1 for r in prospect.reasons)
    for trait in result.profile:
        assert trait.lift > 1
        assert 0 < trait.share_of_best <= 1 and 0 < trait.share_of_all <= 1


def test_profile_ignores_traits_too_rare_among_the_best() -> None:
    from deckgen.metrics.prospects import _trait

    # 100 customers, 20 best. Value 0 ("tiny"): 1 customer, best (lift 5 without shrinkage,
    # but 1/20 = 5% of the best, under the 10% floor). Value 1 ("broad"): 40 customers, 12 best
    # (lift 12/40 / 0.2 = 1.5, 60% of the best). Value 2: the other 59, 7 best.
    codes = np.array([0] + [1] * 40 + [2] * 59)
    is_best = np.zeros(100, dtype=bool)
    is_best[0] = True
    is_best[1:13] = True
    is_best[41:48] = True
    trait = _trait("city", codes, ("tiny", "broad", "rest"), is_best, 100, 20, 0.0)
    assert (trait.value, trait.lift) == ("broad", pytest.approx(1.5))
    assert trait.share_of_best == pytest.approx(0.6)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0, math.nan]), max_size=30),
    st.integers(0, 35),
    st.randoms(use_true_random=False),
)
def test_the_top_prospects_are_those_of_a_full_sort(values, count, rng):
    # Many equal expected values: the lead ids decide, as in a sort of all the open leads.
    expected = np.asarray(values, dtype=np.float64)
    ids = [f"L{rng.randrange(1000):03d}-{k}" for k in range(len(values))]
    rows = np.arange(len(values)) * 2  # each open lead's row among all the leads
    lead_ids = pd.Series([ids[k // 2] if k % 2 == 0 else "closed" for k in range(2 * len(ids))])
    whole = np.lexsort((np.asarray(ids, dtype=str), -expected))[:count]
    by_row = lead_ids.to_numpy(dtype=str)
    assert list(_highest(expected, rows, by_row.__getitem__, count)) == list(whole)


def test_the_customer_side_given_is_the_one_computed(acquisition_tables):
    segmentation = compute_segments(acquisition_tables, OCT, SETTINGS)
    side = customer_side(acquisition_tables, OCT, SETTINGS, segmentation)
    given = compute_prospects(acquisition_tables, OCT, SETTINGS, segmentation, customers=side)
    assert given == compute_prospects(acquisition_tables, OCT, SETTINGS, segmentation)
    assert (given.best_segments, given.best_customers, given.profile) == (
        side.best_segments,
        side.best_customers,
        side.profile,
    )
