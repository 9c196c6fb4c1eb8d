"""Segmentation: hand-computed figures on `segment_tables`, invariants on random data."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen.config import MetricsSettings
from deckgen.data.tables import Tables
from deckgen.errors import ConfigError
from deckgen.metrics.common import Change, CustomerOrders, label_codes
from deckgen.metrics.segments import (
    AGE_BANDS,
    DEFAULT_RFM_SEGMENTS,
    UNKNOWN,
    _breakdown,
    _Figures,
    age_band_codes,
    compute_segments,
    customer_attributes,
    interest_pairs,
    parse_rfm_segments,
    rfm_segment_of,
    rfm_table,
    tie_aware_scores,
)
from deckgen.period import Period
from tests.metrics.fixtures_lifecycle import make_frame

OCT = Period("gregorian", 2026, 10)
SETTINGS = MetricsSettings()

# Base at 2026-10-31: C1..C5 and C8 (n = 6); C6 never orders, C7 only after the month.
# Revenue: October 300 (C1 100+50, C2 80, C4 40, C8 30); September 110 (C1 50, C3 60);
# Nov 2025..Oct 2026: C1 300, C2 100, C3 60, C4 40, C5 100, C8 30 = 630;
# Nov 2024..Oct 2025: C5 200 (the data reaches back into Nov 2024, so it is known).


def rows(breakdown):
    return [
        (r.value, r.customers, r.share, r.revenue, r.revenue_12m, r.revenue_share)
        for r in breakdown.rows
    ]


def test_totals(segment_tables):
    result = compute_segments(segment_tables, OCT, SETTINGS)
    assert result.customers == Change(6, 4)  # C1, C2, C3, C5 had ordered by Sep 30
    assert result.revenue == Change(300.0, 110.0)
    assert result.revenue_12m == Change(630.0, 200.0)
    assert result.revenue_per_customer_12m == 630 / 6
    assert result.repeat_rate_lifetime == 3 / 6  # C1 (4 occasions), C2 (2), C5 (2)


def test_frequency_counts_purchase_occasions(segment_tables):
    # A second order of C3 on 5 Sep, the day of its first: still one purchase occasion, so C3
    # stays a one-time buyer (F = 1) and the repeat rate stays 3/6 (by orders it would be 4/6).
    extra = make_frame(
        "orders",
        ["order_id", "customer_id", "order_date", "amount"],
        [["O13", "C3", "2026-09-05", 15.0]],
    )
    orders = pd.concat([segment_tables.orders, extra], ignore_index=True)
    tables = replace(segment_tables, orders=orders)
    result = compute_segments(tables, OCT, SETTINGS)
    assert result.repeat_rate_lifetime == 3 / 6
    table = rfm_table(tables, OCT, SETTINGS)
    assert (table.loc["C3", "frequency"], table.loc["C3", "monetary"]) == (1, 75.0)


def test_geographic(segment_tables):
    result = compute_segments(segment_tables, OCT, SETTINGS)
    assert [b.attribute for b in result.geographic] == ["country"]  # no region or city column
    # DE: C1, C2; FR: C3, C4 (C4 new in Oct); IT: C5; unknown: C8 (not in the sheet).
    assert rows(result.geographic[0]) == [
        ("DE", Change(2, 2), 2 / 6, Change(230.0, 50.0), Change(400.0, 0.0), 400 / 630),
        ("FR", Change(2, 1), 2 / 6, Change(40.0, 60.0), Change(100.0, 0.0), 100 / 630),
        ("IT", Change(1, 1), 1 / 6, Change(0.0, 0.0), Change(100.0, 200.0), 100 / 630),
        ("unknown", Change(1, 0), 1 / 6, Change(30.0, 0.0), Change(30.0, 0.0), 30 / 630),
    ]


def test_demographic(segment_tables):
    result = compute_segments(segment_tables, OCT, SETTINGS)
    assert [b.attribute for b in result.demographic] == ["age_band", "gender"]
    ages, genders = result.demographic
    # C3 22, C1 30, C2 40, C5 70; C4 and C8 have no age. Bands in age order, unknown last.
    assert [(r.value, r.customers.current) for r in ages.rows] == [
        ("18-24", 1),
        ("25-34", 1),
        ("35-44", 1),
        ("65+", 1),
        ("unknown", 2),
    ]
    # female C1, C3; male C2, C5; unknown C4 (blank) and C8: ties by name, unknown last.
    assert [(r.value, r.customers.current) for r in genders.rows] == [
        ("female", 2),
        ("male", 2),
        ("unknown", 2),
    ]
    female = genders.rows[0]
    assert female.revenue == Change(150.0, 110.0)  # C1 150 in Oct; C1 50 + C3 60 in Sep
    assert female.revenue_12m == Change(360.0, 0.0)


def test_psychographic(segment_tables):
    result = compute_segments(segment_tables, OCT, SETTINGS)
    # fitness: C1, C2; outdoor: C1, C5 (" outdoor ; " trimmed); travel: C4; C6's knitting is
    # not in the base. 12-month revenue C1 300, C2 100, C5 100, C4 40.
    assert [
        (i.interest, i.customers, i.share, i.revenue_per_customer_12m, i.repeat_rate_lifetime)
        for i in result.psychographic
    ] == [
        ("fitness", 2, 2 / 6, 200.0, 1.0),
        ("outdoor", 2, 2 / 6, 200.0, 1.0),
        ("travel", 1, 1 / 6, 40.0, 0.0),
    ]
    assert result.customers_with_interests == 4  # C1, C2, C4, C5


# RFM at 2026-10-31, n = 6, so score = min(5, 1 + w) with w the customers strictly worse.
#        recency  R   frequency  F   monetary  M   segment
#   C1      1     5       4      5     300     5   Champions      (5:5)
#   C2     11     5       2      4     100     4   Champions      (5:4)
#   C8     21     4       1      1      30     1   Promising      (4:1)
#   C4     26     3       1      1      40     2   About to Sleep (3:1)
#   C3     56     2       1      1      60     3   Hibernating    (2:1)
#   C5    334     1       2      4     300     5   At Risk        (1:4)
# At 2026-09-30, n = 4, score = min(5, 1 + floor(5w/3)): C1 (15 days, 2 orders) R5 F4
# Champions; C3 (25, 1) R4 F1 Promising; C2 (60, 1) R2 F1 Hibernating; C5 (303, 2) R1 F4 At Risk.


def test_rfm_segments(segment_tables):
    rfm = compute_segments(segment_tables, OCT, SETTINGS).rfm
    by_name = {s.name: s for s in rfm.segments}
    assert [s.name for s in rfm.segments] == list(DEFAULT_RFM_SEGMENTS)
    assert {n: s.customers for n, s in by_name.items() if s.customers != Change(0, 0)} == {
        "Champions": Change(2, 1),
        "Promising": Change(1, 1),
        "About to Sleep": Change(1, 0),
        "At Risk": Change(1, 1),
        "Hibernating": Change(1, 1),
    }
    champions = by_name["Champions"]
    assert champions.share == 2 / 6
    assert champions.revenue == 400.0
    assert champions.revenue_share == 400 / 830  # all revenue to date: 830
    assert (champions.recency_days, champions.frequency, champions.monetary) == (6.0, 3.0, 200.0)
    assert by_name["Lost"].recency_days is None


def test_rfm_grid_and_bands(segment_tables):
    rfm = compute_segments(segment_tables, OCT, SETTINGS).rfm
    expected = [[0] * 5 for _ in range(5)]
    for r, f in [(5, 5), (5, 4), (4, 1), (3, 1), (2, 1), (1, 4)]:
        expected[r - 1][f - 1] += 1
    assert rfm.grid == tuple(tuple(row) for row in expected)
    bands = {(b.dimension, b.score): (b.customers, b.low, b.high) for b in rfm.bands}
    assert bands[("recency", 5)] == (2, 1.0, 11.0)
    assert bands[("recency", 1)] == (1, 334.0, 334.0)
    assert bands[("frequency", 1)] == (3, 1.0, 1.0)
    assert bands[("frequency", 2)] == (0, None, None)
    assert bands[("frequency", 4)] == (2, 2.0, 2.0)
    assert bands[("monetary", 5)] == (2, 300.0, 300.0)  # the tie C1 = C5 is one score


def test_rfm_segment_of(segment_tables):
    segment_of = rfm_segment_of(segment_tables, OCT, SETTINGS)
    assert segment_of.sort_index().to_dict() == {
        "C1": "Champions",
        "C2": "Champions",
        "C3": "Hibernating",
        "C4": "About to Sleep",
        "C5": "At Risk",
        "C8": "Promising",
    }


def test_jalali_month(segment_tables):
    # Mehr 1405 is 2026-09-23..2026-10-22: C1 50, C2 80, C4 40, C8 30 in it; Shahrivar
    # (08-23..09-22): C1 50, C3 60. Base at Oct 22: C1..C5, C8; at Sep 22: C1, C2, C3, C5.
    result = compute_segments(segment_tables, Period("jalali", 1405, 7), SETTINGS)
    assert result.revenue == Change(200.0, 110.0)
    assert result.customers == Change(6, 4)


def test_previous_month_without_data(segment_tables):
    # November 2024 holds the first order, so October 2024 has no data before it.
    result = compute_segments(segment_tables, Period("gregorian", 2024, 11), SETTINGS)
    assert result.customers == Change(1, None)
    assert result.revenue == Change(200.0, None)


def test_missing_optional_columns_leave_families_empty(segment_tables):
    bare = replace(segment_tables, customers=segment_tables.customers[["customer_id"]])
    result = compute_segments(bare, OCT, SETTINGS)
    assert (result.geographic, result.demographic, result.psychographic) == ((), (), ())
    assert sum(s.customers.current for s in result.rfm.segments) == 6


def test_no_orders_yet(segment_tables):
    result = compute_segments(segment_tables, Period("gregorian", 2020, 1), SETTINGS)
    assert result.customers == Change(0, None)
    assert result.revenue_per_customer_12m is None  # no customer to divide by
    assert all(s.customers.current == 0 and s.share == 0.0 for s in result.rfm.segments)


def test_custom_segment_map(segment_tables):
    custom = MetricsSettings(rfm_segments={"Recent": ["4-5:*"], "Earlier": ["1-3 : *"]})
    segment_of = rfm_segment_of(segment_tables, OCT, custom)
    assert segment_of.value_counts().to_dict() == {"Recent": 3, "Earlier": 3}  # R 5, 5, 4


@pytest.mark.parametrize(
    ("patterns", "message"),
    [
        ({"A": ["1-5:1-4"]}, "no segment for R:F 1:5, 2:5, 3:5, 4:5, 5:5"),
        ({"A": ["*:*"], "B": ["5:5"]}, "R:F 5:5 is in several segments ('A', 'B')"),
        ({"A": ["*:*", "6:1"]}, "pattern '6:1' is not 'R:F'"),
        ({"A": ["*:*", "5"]}, "pattern '5' is not 'R:F'"),
        ({"A": ["*:*", "5-4:1"]}, "pattern '5-4:1' is not 'R:F'"),
        ({}, "no segment for R:F 1:1"),
    ],
)
def test_bad_segment_maps(patterns, message):
    with pytest.raises(ConfigError, match=r"metrics\.rfm_segments") as caught:
        parse_rfm_segments(patterns)
    assert message in str(caught.value)


def test_bad_segment_map_from_settings(segment_tables):
    with pytest.raises(ConfigError):
        compute_segments(segment_tables, OCT, MetricsSettings(rfm_segments={"A": ["1:1"]}))


@pytest.mark.parametrize(
    ("values", "higher_is_better", "expected"),
    [
        ([7], True, [3]),  # a lone customer: nobody to rank against, the middle score
        ([16, 16, 16], False, [3, 3, 3]),  # recency all tied: the middle, not the worst
        ([250, 250], True, [3, 3]),  # monetary all tied
        ([1, 2, 3], True, [1, 3, 5]),  # small samples still span the scale
        ([1, 1, 1, 1, 2], True, [1, 1, 1, 1, 5]),  # ties together, the lowest at 1
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], True, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]),  # quintiles
        ([0, 10, 10, 30], False, [5, 2, 2, 1]),  # recency: 10 days beats 1 of 3: 1 + 5 // 3
    ],
)
def test_tie_aware_scores(values, higher_is_better, expected):
    scores = tie_aware_scores(np.asarray(values), higher_is_better=higher_is_better)
    assert scores.tolist() == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1, 1, 1], [1, 1, 1]),  # nobody bought twice: one occasion is the floor, F = 1
        ([1], [1]),  # a lone one-time buyer
        ([4, 4], [3, 3]),  # everyone bought on 4 days: tied above the floor, the middle
        ([1, 1, 2], [1, 1, 5]),  # not all tied: as without `least`
    ],
)
def test_tie_aware_scores_with_a_least_value(values, expected):
    scores = tie_aware_scores(np.asarray(values), higher_is_better=True, least=1)
    assert scores.tolist() == expected


@pytest.mark.parametrize("dtype", [np.int8, np.int64, np.float64])
def test_all_tied_scores_do_not_depend_on_the_type(dtype):
    values = np.full(1000, 37, dtype=dtype)
    assert set(tie_aware_scores(values, higher_is_better=False).tolist()) == {3}


# --- random data --------------------------------------------------------------------------

ORDER_ROWS = st.lists(
    st.tuples(
        st.integers(0, 11),  # customer
        st.dates(date(2025, 1, 1), date(2026, 12, 31)),
        st.sampled_from([5.0, 10.0, 19.99, 100.0]),
    ),
    min_size=1,
    max_size=40,
)


def random_tables(order_rows) -> Tables:
    customers = make_frame(
        "customers",
        ["customer_id", "country", "age", "interests"],
        [
            [f"C{i}", ["DE", "FR", None][i % 3], 20 + 5 * i, "a;b" if i % 2 else "b"]
            for i in range(12)
        ],
    )
    orders = make_frame(
        "orders",
        ["order_id", "customer_id", "order_date", "amount"],
        [[f"O{n}", f"C{c}", d.isoformat(), a] for n, (c, d, a) in enumerate(order_rows)],
    )
    return Tables(customers=customers, orders=orders)


def plain_rfm(order_rows, end: date) -> dict[str, tuple[int, int, float]]:
    """(recency days, frequency, monetary) per customer with plain Python; frequency counts
    purchase occasions, the distinct order days."""
    per_customer = defaultdict(list)
    for c, d, a in order_rows:
        if d <= end:
            per_customer[f"C{c}"].append((d, a))
    return {
        c: (
            (end - max(d for d, _ in rows)).days,
            len({d for d, _ in rows}),
            sum(a for _, a in rows),
        )
        for c, rows in per_customer.items()
    }


def plain_score(value, values, higher_is_better, least=None) -> int:
    if len(set(values)) == 1:  # all tied: the middle score, one occasion (least) still 1
        return 1 if value == least else 3
    worse = sum(1 for v in values if (v < value if higher_is_better else v > value))
    return min(5, 1 + (5 * worse) // max(len(values) - 1, 1))


def plain_segment(r: int, f: int) -> str:
    for name, patterns in DEFAULT_RFM_SEGMENTS.items():
        for pattern in patterns:
            rs, fs = pattern.split(":")
            r_low, _, r_high = rs.partition("-")
            f_low, _, f_high = fs.partition("-")
            if int(r_low) <= r <= int(r_high or r_low) and int(f_low) <= f <= int(f_high or f_low):
                return name
    raise AssertionError((r, f))


@settings(max_examples=60, deadline=None)
@given(ORDER_ROWS)
def test_rfm_matches_a_plain_computation(order_rows):
    tables = random_tables(order_rows)
    rfm_values = plain_rfm(order_rows, OCT.end)
    recency = [v[0] for v in rfm_values.values()]
    frequency = [v[1] for v in rfm_values.values()]
    monetary = [round(v[2], 2) for v in rfm_values.values()]
    expected = {}
    for c, (r, f, m) in rfm_values.items():
        r_score = plain_score(r, recency, higher_is_better=False)
        f_score = plain_score(f, frequency, higher_is_better=True, least=1)
        m_score = plain_score(round(m, 2), monetary, higher_is_better=True)
        expected[c] = (r, f, m, r_score, f_score, m_score, plain_segment(r_score, f_score))
    table = rfm_table(tables, OCT, SETTINGS)
    assert set(table.index) == set(expected)
    for c, row in table.iterrows():
        r, f, m, r_score, f_score, m_score, segment = expected[c]
        assert (row.recency_days, row.frequency, row.r, row.f, row.m) == (
            r,
            f,
            r_score,
            f_score,
            m_score,
        )
        assert row.monetary == pytest.approx(m)
        assert row.segment == segment
    assert rfm_segment_of(tables, OCT, SETTINGS).to_dict() == table["segment"].to_dict()
    result = compute_segments(tables, OCT, SETTINGS)
    for segment in result.rfm.segments:
        members = [v for v in expected.values() if v[-1] == segment.name]
        assert segment.customers.current == len(members)
        if members:
            assert segment.recency_days == pytest.approx(np.mean([m[0] for m in members]))
            assert segment.frequency == pytest.approx(np.mean([m[1] for m in members]))
            assert segment.monetary == pytest.approx(np.mean([m[2] for m in members]))


@settings(max_examples=60, deadline=None)
@given(ORDER_ROWS)
def test_invariants(order_rows):
    result = compute_segments(random_tables(order_rows), OCT, SETTINGS)
    n = result.customers.current
    assert sum(s.customers.current for s in result.rfm.segments) == n
    assert sum(sum(row) for row in result.rfm.grid) == n
    for dimension in ("recency", "frequency", "monetary"):
        assert sum(b.customers for b in result.rfm.bands if b.dimension == dimension) == n
    for breakdown in result.geographic + result.demographic:
        assert sum(r.customers.current for r in breakdown.rows) == n
        assert sum(r.share for r in breakdown.rows) == pytest.approx(1.0 if n else 0.0)
    shares = [s.share for s in result.rfm.segments] + [s.revenue_share for s in result.rfm.segments]
    shares += [i.share for i in result.psychographic] + [
        i.repeat_rate_lifetime for i in result.psychographic
    ]
    shares += [r.share for b in result.geographic + result.demographic for r in b.rows]
    shares += [r.revenue_share for b in result.geographic + result.demographic for r in b.rows]
    assert all(0.0 <= s <= 1.0 + 1e-12 for s in [*shares, result.repeat_rate_lifetime])


@settings(max_examples=60, deadline=None)
@given(ORDER_ROWS, st.randoms(use_true_random=False))
def test_identical_customers_get_identical_scores(order_rows, random):
    # C20 copies C0's orders in another row order, so every RFM value and score must match.
    original = [(0, date(2026, 1, 1), 10.0), *order_rows]
    copies = [(20, d, a) for c, d, a in original if c == 0]
    random.shuffle(copies)
    table = rfm_table(random_tables(original + copies), OCT, SETTINGS)
    scores = table[["recency_days", "frequency", "r", "f", "m", "segment"]]
    assert scores.loc["C0"].tolist() == scores.loc["C20"].tolist()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=30), st.booleans())
def test_scores_are_tie_aware_and_monotone(values, higher_is_better):
    scores = tie_aware_scores(np.asarray(values), higher_is_better=higher_is_better)
    assert set(scores.tolist()) <= {1, 2, 3, 4, 5}
    pairs = sorted(zip(values, scores.tolist(), strict=True), reverse=not higher_is_better)
    for (value, score), (next_value, next_score) in itertools.pairwise(pairs):
        assert next_score >= score
        if value == next_value:
            assert next_score == score


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-3, 40), min_size=1, max_size=60), st.booleans())
def test_scores_count_the_customers_strictly_worse(values, higher_is_better):
    # docs/metrics.md#rfm-scores, counted one customer at a time.
    n = len(values)
    worse = [
        sum((other < value) if higher_is_better else (other > value) for other in values)
        for value in values
    ]
    expected = [min(5, 1 + 5 * w // max(n - 1, 1)) for w in worse]
    if len(set(values)) == 1:
        expected = [3] * n  # all tied: nobody is worse, the middle score
    assert tie_aware_scores(np.asarray(values), higher_is_better).tolist() == expected


def test_monetary_ties_survive_summation_order():
    # 0.1 + 0.2 + 0.3 != 0.3 + 0.2 + 0.1 in floating point; the two customers still tie.
    rows = [(0, date(2026, 10, 1), a) for a in (0.1, 0.2, 0.3)]
    rows += [(1, date(2026, 10, 1), a) for a in (0.3, 0.2, 0.1)]
    rows += [(2, date(2026, 10, 1), 5.0)]
    tables = random_tables(rows)
    bands = compute_segments(tables, OCT, SETTINGS).rfm.bands
    monetary = {b.score: b.customers for b in bands if b.dimension == "monetary"}
    assert monetary[1] == 2 and monetary[5] == 1


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-3, 40), min_size=1, max_size=60), st.booleans())
def test_scores_counted_per_value_are_those_of_the_sort(values, higher_is_better):
    # A small range of whole numbers is counted per value; spread over 2**20 times the range
    # (kept in order) or as floats, the same values are placed by four order statistics: the
    # scores cannot differ.
    counted = tie_aware_scores(np.asarray(values), higher_is_better)
    spread = tie_aware_scores(np.asarray(values, dtype=np.int64) << 20, higher_is_better)
    as_float = tie_aware_scores(np.asarray(values, dtype=np.float64), higher_is_better)
    assert counted.dtype == spread.dtype == as_float.dtype == np.int8  # 1..5, one byte each
    assert counted.tolist() == spread.tolist() == as_float.tolist()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 6), min_size=2, max_size=40),
    st.booleans(),
    st.sampled_from([(1 << 16) - 1, 1 << 16, (1 << 16) + 1, 1 << 62]),
    st.sampled_from([np.int64, np.uint64, np.float64]),
)
def test_scores_either_side_of_the_wide_range_count_the_customers_strictly_worse(
    steps, higher_is_better, top, dtype
):
    # Seven values from 0 to `top`, both ends present: a range just under 2**16 is counted per
    # value, one of 2**16 or more is placed by four order statistics; both as a brute force.
    values = np.asarray([0, 6, *steps], dtype=np.uint64) * np.uint64(top // 6)
    values[1] = top
    values = values.astype(dtype)
    n = len(values)
    worse = [
        sum((other < value) if higher_is_better else (other > value) for other in values)
        for value in values
    ]
    expected = [min(5, 1 + 5 * w // (n - 1)) for w in worse]
    assert tie_aware_scores(values, higher_is_better).tolist() == expected


@pytest.mark.parametrize("dtype", [np.int64, np.float64])
@pytest.mark.parametrize("higher_is_better", [True, False])
def test_no_customer_no_score(dtype, higher_is_better):
    scores = tie_aware_scores(np.zeros(0, dtype=dtype), higher_is_better)
    assert scores.dtype == np.int8 and scores.tolist() == []


def test_interest_pairs_of_rows_by_hand():
    sheet = pd.DataFrame({"interests": pd.array(["a; b", None, "b;b; c", " ", "a"], "string")})
    # Customers 0..4 at rows 2, 0, -1 (not listed), 1 (no interests), 2 again.
    pairs = interest_pairs(sheet, np.asarray([2, 0, -1, 1, 2, 3]))
    assert pairs["customer"].tolist() == [0, 0, 1, 1, 4, 4]
    assert pairs["interest"].tolist() == ["b", "c", "a", "b", "b", "c"]
    assert pairs.index.equals(pd.RangeIndex(6))
    assert interest_pairs(sheet).equals(interest_pairs(sheet, np.arange(5)))


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.uint8, np.uint16, np.uint64])
def test_scores_of_narrow_whole_numbers_are_those_of_int64(dtype):
    # Counted per value from the lowest: int8's -128..127 less -128 overflows int8 unless
    # widened first (it raised "no negative elements"); the sort scored them all along.
    info = np.iinfo(dtype)
    values = np.asarray([info.min, info.max, 0, info.max, info.min + 1], dtype=dtype)
    # Higher is better, of 5: 1 + 5 * (those strictly below) // 4. Signed: min, max, 0, max,
    # min + 1 have 0, 3, 2, 3, 1 below; unsigned (min is 0): 0, 3, 0, 3, 2.
    by_hand = [1, 4, 3, 4, 2] if info.min < 0 else [1, 4, 1, 4, 3]
    assert tie_aware_scores(values, higher_is_better=True).tolist() == by_hand
    for higher_is_better in (True, False):
        expected = tie_aware_scores(values.astype(np.float64), higher_is_better)  # the sort
        assert tie_aware_scores(values, higher_is_better).tolist() == expected.tolist()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 1 << 17), min_size=1, max_size=40),
    st.sampled_from([(1 << 16) - 1, 1 << 16, (1 << 16) + 1]),
    st.integers(-(2**62), 2**62),
    st.booleans(),
)
def test_scores_either_side_of_the_counted_range_are_those_of_the_sort(
    offsets, spread, low, higher_is_better
):
    # Ranges just under, at and over 2**16 (counted per value below it, sorted from it), far
    # from zero: the lowest and highest at `low` and `low + spread`, the rest between.
    values = np.asarray([low, low + spread] + [low + k % (spread + 1) for k in offsets])
    # The same order and ties as small floats (int64 this far from 0 is not exact as float),
    # which are sorted: the reference.
    ranks = np.unique(values, return_inverse=True)[1].astype(np.float64)
    expected = tie_aware_scores(ranks, higher_is_better)
    assert tie_aware_scores(values, higher_is_better).tolist() == expected.tolist()


_WORDS = st.one_of(
    st.none(), st.sampled_from(["a", "A", " a", "a ", "b", "", " ", "ب", "a;a", ";", "b; a"])
)


@settings(max_examples=150, deadline=None)
@given(
    sheet=st.lists(
        st.tuples(_WORDS, _WORDS, st.one_of(st.none(), st.integers(0, 120))), max_size=20
    ),
    data=st.data(),
)
def test_customer_attributes_are_those_of_the_rows_taken(sheet, data):
    # Coded over the whole sheet then taken by row (memory at 10M orders): the codes and
    # labels of the ordering customers' own rows, whatever the sheet holds beyond them. The
    # sheet: categories with unused ones, blanks, case and spacing; ids unlisted, in any order.
    regions = [r for r, _, _ in sheet]
    customers = pd.DataFrame(
        {
            "customer_id": pd.array([f"C{k}" for k in range(len(sheet))], dtype="string"),
            "region": pd.Categorical(
                regions, categories=sorted({r for r in regions if r is not None} | {"zz"})
            ),
            "interests": pd.array([i for _, i, _ in sheet], dtype="string"),
            "age": pd.array([a for _, _, a in sheet], dtype="Int64"),
        }
    )
    rows = data.draw(st.lists(st.integers(-1, len(sheet) - 1), unique=True, max_size=20))
    ids = pd.Index([f"C{r}" if r >= 0 else f"X{k}" for k, r in enumerate(rows)], dtype="string")
    empty = np.zeros(0, dtype=np.int64)
    orders = CustomerOrders(ids, empty, empty, np.zeros(0), np.zeros(len(ids), np.int64))
    found = customer_attributes(Tables(customers=customers, orders=pd.DataFrame()), orders)
    taken = [sheet[r] if r >= 0 else (None, None, None) for r in rows]
    region = label_codes(pd.Series([r for r, _, _ in taken], dtype="string"))
    assert found.codes["region"][1] == region[1]
    assert found.codes["region"][0].tolist() == region[0].tolist()
    ages = age_band_codes(pd.Series([a for _, _, a in taken], dtype="Int64"))
    assert found.codes["age_band"][1] == AGE_BANDS
    assert found.codes["age_band"][0].tolist() == ages.tolist()
    pairs = [
        (k, interest)
        for k, (_, text, _) in enumerate(taken)
        if text is not None
        for interest in dict.fromkeys(part.strip() for part in text.split(";"))
        if interest
    ]
    assert list(zip(found.interests["customer"], found.interests["interest"], strict=True)) == pairs


@pytest.mark.parametrize(
    ("size", "dtype"),
    [
        (0, np.int8),
        (127, np.int8),
        (128, np.int16),
        (32767, np.int16),
        (32768, np.int32),
        (2**31 - 1, np.int32),
        (2**31, np.int64),
    ],
)
def test_code_dtype_holds_every_code_and_one_more(size, dtype):
    from deckgen.metrics.common import code_dtype

    assert code_dtype(size) == np.dtype(dtype)
    assert np.iinfo(code_dtype(size)).min <= -1 and np.iinfo(code_dtype(size)).max >= size


@pytest.mark.parametrize("distinct", [126, 127, 128])
def test_narrow_attribute_codes_count_the_unknown_after_the_last_label(distinct):
    """127 labels in int8: "unknown" takes code 127, the type's largest (no wrap to -128)."""
    cities = pd.Series([f"c{k:03d}" for k in range(distinct)] + [None, " "], dtype="string")
    codes, labels = label_codes(cities)
    narrow = codes.astype(np.int8 if distinct < 128 else np.int16)
    month = np.arange(len(cities), dtype=np.float64)
    figures = _Figures(month, month, month, month, np.ones(len(cities), bool), True, True)
    wide = _breakdown("city", codes, labels, figures)
    assert _breakdown("city", narrow, labels, figures) == wide
    unknown = next(row for row in wide.rows if row.value == UNKNOWN)
    assert unknown.customers.current == 2 and unknown.revenue.current == distinct * 2 + 1


def test_interest_pairs_are_int32_customers_and_categorical_interests():
    sheet = pd.DataFrame({"interests": pd.array(["a; b", None, "b;b; c", " ", "a"], "string")})
    pairs = interest_pairs(sheet)
    assert pairs["customer"].dtype == np.int32
    assert pairs["interest"].cat.codes.dtype == np.int8
    assert list(pairs["interest"].cat.categories) == ["a", "b", "c"]  # first named first
    assert pairs["interest"].tolist() == ["a", "b", "b", "c", "a"]
    assert pairs["customer"].tolist() == [0, 0, 2, 2, 4]


def test_interest_pairs_of_no_interests_and_of_one_customer():
    blank = pd.DataFrame({"interests": pd.array([None, " ; "], "string")})
    assert interest_pairs(blank).empty and interest_pairs(pd.DataFrame({"x": [1]})).empty
    one = interest_pairs(pd.DataFrame({"interests": pd.array(["golf"], "string")}))
    assert one["customer"].tolist() == [0] and one["interest"].tolist() == ["golf"]


def test_rfm_scores_and_segments_are_one_byte_each(segment_tables):
    from deckgen.metrics.common import customer_orders
    from deckgen.metrics.segments import score_rfm

    orders = customer_orders(segment_tables.orders, OCT)
    rfm = score_rfm(orders, OCT, MetricsSettings())
    assert all(score.dtype == np.int8 for score in rfm.scores) and rfm.segment.dtype == np.int8
    grid = np.bincount((rfm.scores[0] - 1) * 5 + (rfm.scores[1] - 1), minlength=25)
    assert grid.sum() == len(rfm.codes)  # (5 - 1) * 5 + 4 = 24 needs no wider type


def test_the_shared_attribute_codes_are_narrow_and_count_as_wide(segment_tables):
    from deckgen.metrics.common import customer_orders

    orders = customer_orders(segment_tables.orders, OCT)
    attributes = customer_attributes(segment_tables, orders)
    assert {codes.dtype for codes, _ in attributes.codes.values()} == {np.dtype(np.int8)}
    result = compute_segments(segment_tables, OCT, SETTINGS, attributes=attributes)
    wide = {
        name: (codes.astype(np.int64), labels) for name, (codes, labels) in attributes.codes.items()
    }
    assert result == compute_segments(
        segment_tables, OCT, SETTINGS, attributes=replace(attributes, codes=wide)
    )


def test_rfm_table_scores_are_int64(segment_tables):
    # Regression: the table's r, f, m came out as int8 (the scores' own type since c824bf0),
    # so the usual RFM cell code wrapped round (C1's 555 read 43). Scores of 6 customers:
    # 1 + 5 * (customers strictly worse) // 5, capped at 5.
    table = rfm_table(segment_tables, OCT, SETTINGS)
    assert {table[score].dtype for score in "rfm"} == {np.dtype(np.int64)}
    code = table["r"] * 100 + table["f"] * 10 + table["m"]
    assert code.to_dict() == {"C1": 555, "C2": 544, "C3": 213, "C4": 312, "C5": 145, "C8": 411}


def test_no_revenue_share_of_a_revenue_to_date_below_zero():
    # A share of a net revenue below zero is no share: was -400% and 500% of -20 USD, guarded
    # in the findings and on the RFM slide instead of at the source.
    from deckgen.config import Settings
    from deckgen.data.validate import validate_frames
    from deckgen.metrics.lifecycle import compute_metrics
    from tests.narrative.degenerate import PERIOD, WORKBOOKS

    settings = Settings(lang="en", calendar="gregorian")
    report = validate_frames(WORKBOOKS["refunds_exceed_sales"](), settings, "refunds")
    metrics = compute_metrics(report.tables, PERIOD, settings.metrics)
    rfm = metrics.segmentation.rfm
    assert rfm.revenue == -3740
    assert [s.revenue_share for s in rfm.segments] == [0.0] * len(rfm.segments)
    by_segment = metrics.loyalty.revenue_per_customer_lifetime_by_segment
    assert by_segment and all(s.revenue_share is None for s in by_segment)


def _workbook_metrics(name: str):
    """The October 2026 metrics of tests/narrative/degenerate.py's workbook `name`."""
    from deckgen.config import Settings
    from deckgen.data.validate import validate_frames
    from deckgen.metrics.lifecycle import compute_metrics
    from tests.narrative.degenerate import PERIOD, WORKBOOKS

    settings = Settings(lang="en", calendar="gregorian")
    report = validate_frames(WORKBOOKS[name](), settings, name)
    return compute_metrics(report.tables, PERIOD, settings.metrics)


def test_no_revenue_share_when_one_part_is_below_zero():
    # C9 (New, East, 25-34) bought 10 USD and was refunded 110: was New -8.6% and Loyal 33.6% of
    # the 1,160 USD to date, East -21.7% and North 82.6% of the 460 USD of the 12 months.
    metrics = _workbook_metrics("segment_refunds")
    seg = metrics.segmentation
    revenue = {s.name: s.revenue for s in seg.rfm.segments if s.customers.current}
    assert revenue == {
        "Champions": 210,
        "Loyal": 390,
        "New": -100,
        "Need Attention": 180,
        "At Risk": 170,
        "Lost": 310,
    }
    assert seg.rfm.revenue == 1160
    assert not seg.rfm.revenue_shares_given
    assert seg.rfm.below_zero == ("New",)
    assert {s.revenue_share for s in seg.rfm.segments} == {0.0}
    by = {b.attribute: b for b in (*seg.geographic, *seg.demographic)}
    assert [(r.value, r.revenue_12m.current) for r in by["region"].rows] == [
        ("North", 380),
        ("South", 180),
        ("East", -100),
    ]
    assert (by["region"].below_zero, by["age_band"].below_zero) == (("East",), ("25-34",))
    for breakdown in by.values():
        assert not breakdown.revenue_shares_given
        assert {r.revenue_share for r in breakdown.rows} == {0.0}
    lifetime = metrics.loyalty.revenue_per_customer_lifetime_by_segment
    assert len(lifetime) == 6 and {s.revenue_share for s in lifetime} == {None}
    assert "top_segment" not in {f.kind for f in metrics.findings}


def test_a_part_of_exactly_zero_has_a_share_of_zero():
    # C9's 10 USD refunded in full: New and East at 0, the others share 1,260 USD to date and
    # 560 USD over the 12 months.
    seg = _workbook_metrics("segment_refund_even").segmentation
    assert seg.rfm.revenue_shares_given and seg.rfm.below_zero == ()
    shares = {s.name: s.revenue_share for s in seg.rfm.segments if s.customers.current}
    assert shares["New"] == 0.0
    assert shares["Loyal"] == 390 / 1260
    (region,) = seg.geographic
    assert [(r.value, r.revenue_share) for r in region.rows] == [
        ("North", 380 / 560),
        ("South", 180 / 560),
        ("East", 0.0),
    ]


def test_no_revenue_share_when_every_part_is_zero():
    metrics = _workbook_metrics("segment_refunds_unpaid")
    seg = metrics.segmentation
    assert not seg.rfm.revenue_shares_given and seg.rfm.below_zero == ()
    assert {s.revenue_share for s in seg.rfm.segments} == {0.0}
    assert all(not b.revenue_shares_given and b.below_zero == () for b in seg.geographic)
    lifetime = metrics.loyalty.revenue_per_customer_lifetime_by_segment
    assert lifetime and {s.revenue_share for s in lifetime} == {None}
