from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from deckgen.data.tables import Tables
from deckgen.metrics import satisfaction
from deckgen.metrics.common import Change
from deckgen.metrics.satisfaction import (
    QUADRANTS,
    SCATTER_LIMIT,
    Csat,
    LoyaltyAxis,
    Nps,
    compute_satisfaction,
)
from deckgen.period import Period
from tests.metrics.fixtures_lifecycle import (
    LIFECYCLE_ORDERS,
    OCT_2026,
    SEGMENTS,
    SURVEY_ROWS,
    assert_plain,
    customers,
    missing_definitions,
    orders,
    settings,
    survey_tables,
)


def _satisfaction(**overrides):
    result = compute_satisfaction(survey_tables(), OCT_2026, settings(**overrides), SEGMENTS)
    assert result is not None
    return result


def _quadrants(quadrants):
    return [
        (q.name, q.customers, q.share, q.mean_occasions_12m, q.repeat_rate_12m) for q in quadrants
    ]


def test_none_without_a_surveys_sheet():
    tables = Tables(customers=customers(["A"]), orders=orders([("A", "2026-10-01", 1.0)]))
    assert compute_satisfaction(tables, OCT_2026, settings()) is None


def test_monthly_nps_and_csat():
    result = _satisfaction()
    # Oct answers S01-S07, S13, S14 (S12 is after the period).  Recommend: 10, 9, 8, 6, 2,
    # missing, 9, 7, 10 -> 8 valid: promoters 10, 9, 9, 10; passives 8, 7; detractors 6, 2.
    assert result.nps == Nps(score=25.0, n=8, promoters=4, passives=2, detractors=2)
    # Satisfaction: 5, 4, 2, 5, 1, 3, 7 (out of 1..5), 3, 5 -> 8 valid, 4 of them 4-5.
    assert result.csat == Csat(score=0.5, n=8, satisfied=4)
    # Sep: S08-S10.  Recommend 10, 3, 11 (out) -> (1 - 1) / 2; satisfaction 4, 2, missing.
    assert result.months[-2].nps == Nps(score=0.0, n=2, promoters=1, passives=0, detractors=1)
    assert result.months[-2].csat == Csat(score=0.5, n=2, satisfied=1)
    assert result.nps_change == Change(25.0, 0.0)
    assert result.csat_change == Change(0.5, 0.5)
    # S11 (Oct 2025) is outside the 12 months; earlier months have no answers.
    assert tuple(m.month for m in result.months) == OCT_2026.trailing(12)
    assert all(m.nps.score is None and m.csat.n == 0 for m in result.months[:-2])


def test_rolling_three_month_nps():
    result = _satisfaction()
    # August to October 2026 pooled: October's 8 valid answers (promoters 10, 9, 9, 10;
    # passives 8, 7; detractors 6, 2) and September's S08 (10) and S09 (3); S10's 11 is off
    # the scale.  10 answers, 5 promoters, 3 detractors: NPS 20.
    assert result.nps_3m == Nps(score=20.0, n=10, promoters=5, passives=2, detractors=3)
    # July to September: S08 and S09 -> 0.
    assert result.months[-2].nps_3m == Nps(score=0.0, n=2, promoters=1, passives=0, detractors=1)
    assert result.nps_3m_change == Change(20.0, 0.0)
    # November 2025's window (September to November 2025) reaches back before the 12 months to
    # S11 of 20 Oct 2025, as does December's; January 2026's holds no answer.
    assert result.months[0].nps_3m == Nps(score=100.0, n=1, promoters=1, passives=0, detractors=0)
    assert result.months[1].nps_3m == result.months[0].nps_3m
    assert (result.months[2].nps_3m.score, result.months[2].nps_3m.n) == (None, 0)
    # S11 stays out of every 12-month figure.
    assert result.months[0].nps.n == 0 and result.customers == 9


def test_answers_left_out_are_counted():
    result = _satisfaction()
    month = result.answers
    assert (month.answers, month.missing_satisfaction, month.out_of_scale_satisfaction) == (9, 0, 1)
    assert (month.missing_recommend, month.out_of_scale_recommend) == (1, 0)
    people = result.customer_answers
    # Latest answers: H has no satisfaction and recommends 11; E has no recommend.
    assert (people.answers, people.missing_satisfaction, people.out_of_scale_satisfaction) == (
        9,
        1,
        0,
    )
    assert (people.missing_recommend, people.out_of_scale_recommend) == (1, 1)


def test_surveyed_customers_and_their_scores():
    result = _satisfaction()
    # Latest answer per customer within Nov 2025 - Oct 2026: A S02 (not S01, nor S12 after the
    # period), B, C, D, E, F, G, H, and K S14 (same day as S13, higher response id); J's only
    # answer is from Oct 2025.  S07 has no customer id.
    assert (result.customers, result.anonymous_answers) == (9, 1)
    # Recommend of A 9, B 8, C 6, D 2, F 10, G 3, K 10 (E missing, H out of scale).
    assert result.customer_nps == Nps(score=0.0, n=7, promoters=3, passives=1, detractors=3)
    # Satisfaction of A 4, B 2, C 5, D 1, E 3, F 4, G 2, K 5 (H missing).
    assert result.customer_csat == Csat(score=0.5, n=8, satisfied=4)


def test_quadrants_use_behaviour_where_answers_link_to_orders():
    result = _satisfaction()
    # Surveyed A B C D E F G H K; in the orders by Oct 31: A B C D E G (F orders in November):
    # 6 of 9, at least half, so loyalty is repeat buying.
    assert (result.loyalty_axis, result.linked_customers) == (LoyaltyAxis.BEHAVIOUR, 6)
    assert (result.satisfaction_threshold, result.loyalty_threshold) == (4.0, 2.0)
    assert result.recommend_threshold == 7.0
    # Placed: the linked customers with a valid satisfaction (E needs no recommend answer).
    # Purchase occasions in Nov 2025 - Oct 2026: A 3, B 2, C 1, D 1 (two orders on 1 Sep),
    # E 1, G 1.  Satisfied (4+): A, C.  Loyalist A (4, 3 days); mercenary C (5, 1); hostage
    # B (2, 2); defectors D (1, 1), E (3, 1), G (2, 1).
    assert result.quadrant_n == 6
    assert _quadrants(result.quadrants) == [
        ("loyalists", 1, 1 / 6, 3.0, 1.0),
        ("mercenaries", 1, 1 / 6, 1.0, 0.0),
        ("hostages", 1, 1 / 6, 2.0, 1.0),
        ("defectors", 3, 3 / 6, 1.0, 0.0),
    ]
    # Stated intent set against behaviour: A 9; C 6; B 8; D 2 and G 3 (E gave none).
    assert [q.mean_recommend for q in result.quadrants] == [9.0, 6.0, 8.0, 2.5]


def test_quadrants_fall_back_to_intent_when_answers_do_not_link():
    # Only A and B of the nine surveyed customers are in the orders: 2 of 9, under half.
    linked = [row for row in LIFECYCLE_ORDERS if row[0] in ("A", "B")]
    tables = replace(survey_tables(), orders=orders(linked))
    result = compute_satisfaction(tables, OCT_2026, settings(), SEGMENTS)
    assert (result.loyalty_axis, result.linked_customers) == (LoyaltyAxis.INTENT, 2)
    assert result.loyalty_threshold == 7.0
    # Both answers valid: A (4, 9), B (2, 8), C (5, 6), D (1, 2), F (4, 10), G (2, 3),
    # K (5, 10).  Loyalists A, F, K; mercenary C; hostage B; defectors D, G.  Purchase days:
    # A 3, B 2, the others none.
    assert result.quadrant_n == 7
    assert _quadrants(result.quadrants) == [
        ("loyalists", 3, 3 / 7, 1.0, 1 / 3),
        ("mercenaries", 1, 1 / 7, 0.0, 0.0),
        ("hostages", 1, 1 / 7, 2.0, 1.0),
        ("defectors", 2, 2 / 7, 0.0, 0.0),
    ]
    assert [q.mean_recommend for q in result.quadrants] == [29 / 3, 6.0, 8.0, 2.5]
    assert result.scatter == (
        (4.0, 9.0),
        (2.0, 8.0),
        (5.0, 6.0),
        (1.0, 2.0),
        (4.0, 10.0),
        (2.0, 3.0),
        (5.0, 10.0),
    )


def test_correlations():
    result = _satisfaction()
    # Satisfaction x = 4, 2, 5, 1, 4, 2, 5 and recommend y = 9, 8, 6, 2, 10, 3, 10 (A B C D F G K):
    # Sxy = 180 - 23 * 48 / 7 = 156/7, Sxx = 91 - 23^2/7 = 108/7, Syy = 394 - 48^2/7 = 454/7.
    pair = result.satisfaction_vs_recommend
    assert pair.n == 7
    assert math.isclose(pair.pearson, 156 / math.sqrt(108 * 454))
    # Average ranks x: 4.5 2.5 6.5 1 4.5 2.5 6.5; y: 5 4 3 1 6.5 2 6.5 (both mean 4):
    # sum of products of deviations 17.5, squares 26.5 and 27.5.
    assert math.isclose(pair.spearman, 17.5 / math.sqrt(26.5 * 27.5))
    # Satisfaction (A B C D E F G K) 4 2 5 1 3 4 2 5 against occasions 3 2 1 1 1 0 1 0 (D's
    # two orders share a day): Sxo = 27 - 26 * 9 / 8 = -2.25, Sxx = 100 - 26^2/8 = 15.5,
    # Soo = 17 - 9^2/8 = 6.875.
    occasions_pair = result.satisfaction_vs_occasions
    assert occasions_pair.n == 8
    assert math.isclose(occasions_pair.pearson, -2.25 / math.sqrt(15.5 * 6.875))
    # Ranks x: 5.5 2.5 7.5 1 4 5.5 2.5 7.5; occasions: 8 7 4.5 4.5 4.5 1.5 4.5 1.5 (means
    # 4.5): products of deviations 3.5 - 5 - 3 - 9 = -13.5, squares 40.5 and 36.5.
    assert math.isclose(occasions_pair.spearman, -13.5 / math.sqrt(40.5 * 36.5))
    # Recommend (A B C D F G K) 9 8 6 2 10 3 10 against occasions 3 2 1 1 0 1 0:
    # Sro = 54 - 48 * 8 / 7 = -6/7, Srr = 454/7, Soo = 16 - 64/7 = 48/7.
    recommend_pair = result.recommend_vs_occasions
    assert recommend_pair.n == 7
    assert math.isclose(recommend_pair.pearson, -6 / math.sqrt(454 * 48))
    # Ranks r: 5 4 3 1 6.5 2 6.5; occasions: 7 6 4 4 1.5 4 1.5 (means 4): products
    # 3 - 6.25 - 6.25 = -9.5, squares 27.5 and 25.5.
    assert math.isclose(recommend_pair.spearman, -9.5 / math.sqrt(27.5 * 25.5))


def test_correlation_needs_three_customers_and_variation():
    rows = [
        ("S1", "2026-10-01", 4.0, 9.0, "A"),
        ("S2", "2026-10-02", 4.0, 3.0, "B"),
        ("S3", "2026-10-03", 4.0, 5.0, "C"),
    ]
    result = compute_satisfaction(survey_tables(rows), OCT_2026, settings())
    assert (result.satisfaction_vs_recommend.pearson, result.satisfaction_vs_recommend.n) == (
        None,
        3,
    )
    two = compute_satisfaction(survey_tables(rows[:2]), OCT_2026, settings())
    assert two.satisfaction_vs_recommend.spearman is None


def test_by_segment():
    result = _satisfaction()
    # Champions A (4, 9) and B (2, 8); Lost C (5, 6) and G (2, 3); New D (1, 2).
    rows = [(s.segment, s.customers, s.nps.score, s.nps.n, s.csat.score) for s in result.by_segment]
    assert rows == [
        ("Champions", 2, 50.0, 2, 0.5),
        ("Lost", 2, -100.0, 2, 0.5),
        ("New", 1, -100.0, 1, 0.0),
    ]
    champions, lost, new = result.by_segment
    assert _quadrants(champions.quadrants) == [
        ("loyalists", 1, 0.5, 3.0, 1.0),
        ("mercenaries", 0, 0.0, None, None),
        ("hostages", 1, 0.5, 2.0, 1.0),
        ("defectors", 0, 0.0, None, None),
    ]
    assert [q.customers for q in lost.quadrants] == [0, 1, 0, 1]
    assert [q.customers for q in new.quadrants] == [0, 0, 0, 1]
    assert (champions.quadrant_n, lost.quadrant_n, new.quadrant_n) == (2, 2, 1)


def test_segment_map_may_be_a_series():
    from_series = compute_satisfaction(
        survey_tables(), OCT_2026, settings(), pd.Series(SEGMENTS, dtype="string")
    )
    assert from_series == _satisfaction()


def test_without_segments_the_breakdown_is_empty():
    result = compute_satisfaction(survey_tables(), OCT_2026, settings())
    assert result.by_segment == ()


def test_scatter_points_by_customer_id():
    result = _satisfaction()
    # Behaviour: (satisfaction, purchase days in 12 months) of A B C D E G, the placed ones.
    assert result.scatter == (
        (4.0, 3.0),
        (2.0, 2.0),
        (5.0, 1.0),
        (1.0, 1.0),
        (3.0, 1.0),
        (2.0, 1.0),
    )
    assert (result.scatter_n, result.scatter_sampled) == (6, False)


def test_scatter_is_a_stable_sample_above_the_limit():
    count = SCATTER_LIMIT + 500
    rows = [
        (f"S{n}", "2026-10-01", float(n % 5 + 1), float(n % 11), f"C{n:05d}") for n in range(count)
    ]
    result = compute_satisfaction(survey_tables(rows), OCT_2026, settings())
    assert (result.scatter_n, result.scatter_sampled, len(result.scatter)) == (count, True, 2000)
    assert compute_satisfaction(survey_tables(rows[::-1]), OCT_2026, settings()) == result
    every_point = {(float(n % 5 + 1), float(n % 11)) for n in range(count)}
    assert set(result.scatter) <= every_point


def test_scatter_sample_is_the_customers_whose_ids_hash_lowest():
    """The sample keeps the SCATTER_LIMIT ids of lowest pandas hash (as categorized hashing gives
    them: the sample of earlier decks), shown in id order."""
    count = SCATTER_LIMIT + 300
    ids = np.asarray([f"C{n:05d}" for n in range(count)], dtype=object)
    satisfaction_ = np.arange(count, dtype=np.float64)
    points, sampled = satisfaction._scatter(ids, satisfaction_, -satisfaction_)
    kept = np.sort(np.argsort(pd.util.hash_array(ids), kind="stable")[:SCATTER_LIMIT])
    assert sampled
    assert points == tuple((float(n), float(-n)) for n in kept)


def test_other_scales_are_rescaled():
    # Satisfaction on 1..10 (satisfied from 7.75: 8, 10), recommend on 1..5 (rescaled to 0..10:
    # 5 -> 10 promoter, 4 -> 7.5 passive, 3 -> 5 detractor).  0 and 6 are out of scale.
    rows = [
        ("S1", "2026-10-01", 8.0, 5.0, None),
        ("S2", "2026-10-02", 7.0, 4.0, None),
        ("S3", "2026-10-03", 10.0, 3.0, None),
        ("S4", "2026-10-04", 0.0, 6.0, None),
    ]
    result = compute_satisfaction(
        survey_tables(rows),
        OCT_2026,
        settings(satisfaction_scale=(1, 10), recommend_scale=(1, 5)),
    )
    assert result.nps == Nps(score=0.0, n=3, promoters=1, passives=1, detractors=1)
    assert result.csat == Csat(score=2 / 3, n=3, satisfied=2)
    assert (result.answers.out_of_scale_satisfaction, result.answers.out_of_scale_recommend) == (
        1,
        1,
    )
    assert (result.satisfaction_threshold, result.recommend_threshold) == (7.75, 3.8)
    assert (result.satisfaction_scale, result.recommend_scale) == ((1.0, 10.0), (1.0, 5.0))


def test_without_customer_ids():
    columns = ("response_id", "date", "satisfaction", "recommend")
    rows = [("S1", "2026-10-01", 5.0, 10.0), ("S2", "2026-10-02", 2.0, 1.0)]
    result = compute_satisfaction(survey_tables(rows, columns), OCT_2026, settings(), SEGMENTS)
    assert result.nps == Nps(score=0.0, n=2, promoters=1, passives=0, detractors=1)
    assert (result.customers, result.anonymous_answers, result.quadrant_n) == (0, 2, 0)
    assert result.customer_nps.score is None
    assert [q.share for q in result.quadrants] == [None] * 4
    assert (result.scatter, result.by_segment) == ((), ())


def test_later_data_does_not_change_a_past_period():
    later = (
        *SURVEY_ROWS,
        ("S99", "2026-12-01", 1.0, 0.0, "A"),
        ("S98", "2026-11-30", 5.0, 10.0, "Z"),
    )
    assert compute_satisfaction(survey_tables(later), OCT_2026, settings(), SEGMENTS) == (
        _satisfaction()
    )


def test_jalali_period():
    # Mehr 1405 is 2026-09-23 .. 2026-10-22: S02, S13, S14 (Oct 25) fall in Aban.
    result = compute_satisfaction(survey_tables(), Period("jalali", 1405, 7), settings())
    # Mehr answers: S01, S03-S07 (Oct 2-9).  Recommend valid 10, 8, 6, 2, 9 -> (2 - 2) / 5.
    assert result.nps == Nps(score=0.0, n=5, promoters=2, passives=1, detractors=2)
    # Shahrivar (Aug 23 - Sep 22): S08, S09, S10.
    assert result.months[-2].month == Period("jalali", 1405, 6)
    assert result.months[-2].nps.n == 2


def test_cited_definitions_exist():
    assert missing_definitions(satisfaction) == set()


def test_results_hold_plain_values():
    assert_plain(_satisfaction())


_BASE = date(2025, 6, 1)
_answers = st.lists(
    st.tuples(
        st.integers(0, 600),
        st.one_of(st.none(), st.integers(-1, 7).map(float), st.floats(0, 6)),
        st.one_of(st.none(), st.integers(-1, 12).map(float)),
        st.one_of(st.none(), st.sampled_from("ABCDPQ")),  # A-D are in the orders
    ),
    max_size=40,
)
_periods = st.one_of(
    st.builds(Period, st.just("gregorian"), st.integers(2025, 2027), st.integers(1, 12)),
    st.builds(Period, st.just("jalali"), st.integers(1404, 1405), st.integers(1, 12)),
)


@hypothesis_settings(max_examples=60, deadline=None)
@given(answers=_answers, period=_periods)
def test_invariants(answers, period):
    rows = [
        (f"S{n:03d}", (_BASE + timedelta(days=d)).isoformat(), sat, rec, customer)
        for n, (d, sat, rec, customer) in enumerate(answers)
    ]
    result = compute_satisfaction(survey_tables(rows), period, settings(), {"P": "x", "Q": "y"})
    scores = [result.nps, result.customer_nps] + [m.nps for m in result.months]
    scores += [s.nps for s in result.by_segment]
    scores += [m.nps_3m for m in result.months] + [result.nps_3m]
    for nps in scores:
        assert nps.promoters + nps.passives + nps.detractors == nps.n
        assert (nps.score is None) == (nps.n == 0)
        assert nps.score is None or -100.0 <= nps.score <= 100.0
    for csat in [result.csat, result.customer_csat] + [m.csat for m in result.months]:
        assert 0 <= csat.satisfied <= csat.n
        assert csat.score is None or 0.0 <= csat.score <= 1.0
    groups = [(result.quadrants, result.quadrant_n)]
    groups += [(s.quadrants, s.quadrant_n) for s in result.by_segment]
    for quadrants, n in groups:
        assert tuple(q.name for q in quadrants) == QUADRANTS
        assert sum(q.customers for q in quadrants) == n
        for q in quadrants:
            assert q.share is None or 0.0 <= q.share <= 1.0
        if result.loyalty_axis == LoyaltyAxis.BEHAVIOUR:
            # Loyalty is repeat buying, so the loyal quadrants are exactly the repeat buyers:
            # hostages can never reorder less than mercenaries.
            rates = [q.repeat_rate_12m for q in quadrants]
            assert rates[0] in (None, 1.0) and rates[2] in (None, 1.0)
            assert rates[1] in (None, 0.0) and rates[3] in (None, 0.0)
    assert result.quadrant_n == result.scatter_n == len(result.scatter)
    # A rolling window pools at least the answers of its own month.
    assert all(m.nps_3m.n >= m.nps.n for m in result.months)
    month = result.answers
    assert month.answers == result.nps.n + month.missing_recommend + month.out_of_scale_recommend
    assert (
        month.answers
        == result.csat.n + month.missing_satisfaction + month.out_of_scale_satisfaction
    )
    for pair in (result.satisfaction_vs_recommend, result.satisfaction_vs_occasions):
        for value in (pair.pearson, pair.spearman):
            assert value is None or -1.0 <= value <= 1.0


def _latest_by_pandas(surveys: pd.DataFrame) -> tuple[list[int], list[str], int]:
    """The former frame of Python strings, sorted and deduplicated: what Arrow must match."""
    known = surveys["customer_id"].notna().to_numpy()
    frame = pd.DataFrame(
        {
            "customer_id": surveys["customer_id"].to_numpy(dtype=object),
            "date": surveys["date"].to_numpy(),
            "response_id": surveys["response_id"].to_numpy(dtype=object),
            "position": range(len(surveys)),
        }
    )[known]
    latest = frame.sort_values(["customer_id", "date", "response_id"]).drop_duplicates(
        "customer_id", keep="last"
    )
    return latest["position"].tolist(), latest["customer_id"].tolist(), int((~known).sum())


_SURVEY_IDS = st.sampled_from(["C1", "C10", "C2", "c1", "Z", "é", "ز", "C1 ", None])


@hypothesis_settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(_SURVEY_IDS, st.integers(0, 3), st.sampled_from(["S1", "S10", "S2", "s", "ش"])),
        max_size=14,
        unique_by=lambda row: row[2] + str(row[1]),
    )
)
def test_latest_answer_per_customer_is_the_frame_sorts(rows):
    """Arrow's sort picks each customer's latest answer as the frame of Python strings did:
    by date, then response id, ids by code point (accents, Arabic script, case, a space)."""
    surveys = pd.DataFrame(
        {
            "response_id": pd.array([f"{r}-{d}" for _, d, r in rows], dtype="string"),
            "date": pd.to_datetime([date(2026, 10, 1 + d) for _, d, _ in rows]),
            "customer_id": pd.array([c for c, _, _ in rows], dtype="string"),
        }
    )
    for held in (surveys, surveys.astype({"customer_id": object, "response_id": object})):
        positions, ids, anonymous = satisfaction._latest_per_customer(held)
        assert (positions.tolist(), ids.tolist(), anonymous) == _latest_by_pandas(surveys)
        assert ids.dtype == object


def test_latest_answer_of_one_customer_and_of_no_customer():
    one = pd.DataFrame(
        {
            "response_id": pd.array(["S2", "S1", "S3"], dtype="string"),
            "date": pd.to_datetime([date(2026, 10, 2), date(2026, 10, 2), date(2026, 10, 1)]),
            "customer_id": pd.array(["C1", "C1", "C1"], dtype="string"),
        }
    )
    positions, ids, anonymous = satisfaction._latest_per_customer(one)
    assert positions.tolist() == [0] and ids.tolist() == ["C1"] and anonymous == 0  # S2 > S1
    nobody = one.assign(customer_id=pd.array([None, None, None], dtype="string"))
    positions, ids, anonymous = satisfaction._latest_per_customer(nobody)
    assert positions.tolist() == [] and ids.tolist() == [] and anonymous == 3


def test_latest_answer_among_the_rows_looked_at():
    """With `rows`, positions are into those rows and the others are not seen: C1's later
    answer at row 1 is left out, so its answer at row 2 (position 1 of the rows) is the latest."""
    surveys = pd.DataFrame(
        {
            "response_id": pd.array(["S1", "S2", "S3", "S4"], dtype="string"),
            "date": pd.to_datetime([date(2026, 10, d) for d in (1, 9, 3, 2)]),
            "customer_id": pd.array(["C2", "C1", "C1", None], dtype="string"),
        }
    )
    positions, ids, anonymous = satisfaction._latest_per_customer(surveys, np.array([0, 2, 3]))
    assert positions.tolist() == [1, 0] and ids.tolist() == ["C1", "C2"] and anonymous == 1
    nothing = satisfaction._latest_per_customer(surveys, np.array([], dtype=np.int64))
    assert (nothing[0].tolist(), nothing[1].tolist(), nothing[2]) == ([], [], 0)


def test_a_labelled_surveys_index_gives_the_same_figures():
    """Answers taken by position, labels looked up by position: a sheet indexed by labels (not
    0..n-1) and shuffled gives the same figures as the plain one."""
    tables = survey_tables()
    shuffled = tables.surveys.iloc[::-1]
    shuffled.index = shuffled.index * 10 + 7
    labelled = replace(tables, surveys=shuffled)
    assert compute_satisfaction(labelled, OCT_2026, settings(), SEGMENTS) == _satisfaction()
