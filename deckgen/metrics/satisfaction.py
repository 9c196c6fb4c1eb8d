"""Satisfaction against loyalty: NPS, CSAT, Jones & Sasser quadrants, correlation, by segment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from deckgen.config import MetricsSettings
from deckgen.data.tables import Tables
from deckgen.metrics.common import (
    Change,
    CustomerOrders,
    by_code,
    customer_orders,
    day_number,
    day_numbers,
    month_edges,
    month_index,
    order_codes_of,
    positions_in,
    ratio,
)
from deckgen.period import Period

TREND_MONTHS = 12
ROLLING_NPS_MONTHS = 3  # docs/metrics.md#nps-3m
SCATTER_LIMIT = 2000  # points; larger samples are cut down deterministically
MIN_CORRELATION_N = 3
QUADRANTS: tuple[str, ...] = ("loyalists", "mercenaries", "hostages", "defectors")
# docs/metrics.md#satisfaction-quadrants: the loyalty axis is behaviour when at least this share
# of the surveyed customers are found in the orders (fewer: the ids do not link, use intent).
MIN_LINKED_SHARE = 0.5
REPEAT_OCCASIONS = 2  # purchase occasions in the 12 months that make behaviour "high loyalty"
# Cut-offs as fractions of the scale's range (docs/metrics.md#nps, #csat, #satisfaction-quadrants).
_PROMOTER, _DETRACTOR, _HIGH_LOYALTY = 0.9, 0.6, 0.7  # 9, 6 and 7 on 0..10
_SATISFIED = 0.75  # 4 on 1..5
_TOLERANCE = 1e-9  # absorbs rounding when rescaling an answer that sits on a cut-off


class LoyaltyAxis(StrEnum):
    """What the quadrants' loyalty axis measures (docs/metrics.md#satisfaction-quadrants)."""

    BEHAVIOUR = "behaviour"  # repeat buying: 2+ purchase occasions in the 12 months
    INTENT = "intent"  # likelihood to recommend of 70% of the scale or more


@dataclass(frozen=True)
class Nps:
    """Net Promoter Score of a set of answers (docs/metrics.md#nps)."""

    score: float | None  # -100..100; None without valid answers
    n: int  # valid recommend answers
    promoters: int
    passives: int
    detractors: int


@dataclass(frozen=True)
class Csat:
    """Customer satisfaction score of a set of answers (docs/metrics.md#csat)."""

    score: float | None  # 0..1 share satisfied; None without valid answers
    n: int  # valid satisfaction answers
    satisfied: int


@dataclass(frozen=True)
class AnswerCounts:
    """Answers considered and those left out (docs/metrics.md#survey-answers)."""

    answers: int
    missing_satisfaction: int
    out_of_scale_satisfaction: int
    missing_recommend: int
    out_of_scale_recommend: int


@dataclass(frozen=True)
class SurveyMonth:
    """NPS and CSAT of the answers given in one month."""

    month: Period
    nps: Nps
    nps_3m: Nps  # the answers of the 3 months ending with this one, docs/metrics.md#nps-3m
    csat: Csat


@dataclass(frozen=True)
class Quadrant:
    """One Jones & Sasser quadrant (docs/metrics.md#satisfaction-quadrants)."""

    name: str  # "loyalists", "mercenaries", "hostages" or "defectors"
    customers: int
    share: float | None  # 0..1 of the customers placed in a quadrant; None when none are
    mean_occasions_12m: float | None  # purchase occasions per customer, 12 months to the end
    repeat_rate_12m: float | None  # 0..1 of its customers with 2+ occasions in those 12 months
    mean_recommend: float | None  # scale units, its customers with a valid answer; None: none


@dataclass(frozen=True)
class Correlation:
    """Association of two answers across customers (docs/metrics.md#satisfaction-correlation)."""

    pearson: float | None  # -1..1; None below 3 customers or without variation
    spearman: float | None  # -1..1; same conditions
    n: int  # customers with both values


@dataclass(frozen=True)
class SegmentSatisfaction:
    """Satisfaction and loyalty of the surveyed customers of one RFM segment."""

    segment: str
    customers: int  # surveyed customers in the segment
    nps: Nps
    csat: Csat
    quadrants: tuple[Quadrant, ...]  # in QUADRANTS order
    quadrant_n: int  # customers placed in a quadrant


@dataclass(frozen=True)
class SatisfactionResult:
    """Satisfaction against loyalty for the period (docs/metrics.md#surveyed-customers)."""

    period: Period
    satisfaction_scale: tuple[float, float]  # (low, high) answer values
    recommend_scale: tuple[float, float]  # (low, high) answer values
    nps: Nps  # the month's answers
    nps_change: Change | None  # NPS points; None when the month has no valid answer
    nps_3m: Nps  # the 3 months ending with the period, docs/metrics.md#nps-3m
    nps_3m_change: Change | None  # NPS points, vs the 3 months ending with the month before
    csat: Csat  # the month's answers
    csat_change: Change | None  # 0..1; None when the month has no valid answer
    answers: AnswerCounts  # the month's answers
    months: tuple[SurveyMonth, ...]  # the 12 months ending with the period, oldest first
    # Some answer is dated before the 12 months: they are all covered, even when their first
    # months hold no answer (docs/metrics.md#trailing-12-months).
    answered_before: bool
    customers: int  # surveyed customers: latest answer within the 12 months
    anonymous_answers: int  # answers within the 12 months without a customer id
    customer_answers: AnswerCounts  # the surveyed customers' latest answers
    customer_nps: Nps
    customer_csat: Csat
    satisfaction_threshold: float  # satisfaction answers at or above are "high" (scale units)
    recommend_threshold: float  # recommend answers at or above are high intent (scale units)
    # docs/metrics.md#satisfaction-quadrants: behaviour where the answers link to orders
    loyalty_axis: LoyaltyAxis
    loyalty_threshold: float  # loyalty-axis values at or above are high loyalty (axis units)
    linked_customers: int  # surveyed customers found in the orders by the period end
    quadrants: tuple[Quadrant, ...]  # in QUADRANTS order
    quadrant_n: int  # customers placed: satisfaction valid and a loyalty value
    satisfaction_vs_recommend: Correlation
    satisfaction_vs_occasions: Correlation  # purchase occasions in the 12 months to the end
    recommend_vs_occasions: Correlation  # same occasions
    # docs/metrics.md#satisfaction-by-segment: most customers first; empty without segments
    by_segment: tuple[SegmentSatisfaction, ...]
    # docs/metrics.md#satisfaction-scatter: (satisfaction, loyalty-axis value), by customer id
    scatter: tuple[tuple[float, float], ...]
    scatter_n: int  # customers placed in a quadrant, before any sampling
    scatter_sampled: bool  # True when scatter holds a SCATTER_LIMIT sample of them


@dataclass(frozen=True)
class _Answers:
    """Survey answers classified against the configured scales."""

    satisfaction: np.ndarray
    recommend: np.ndarray
    satisfaction_valid: np.ndarray
    recommend_valid: np.ndarray
    satisfied: np.ndarray
    promoter: np.ndarray
    detractor: np.ndarray
    high_loyalty: np.ndarray

    def subset(self, mask: np.ndarray) -> _Answers:
        """The answers selected by `mask`."""
        return _Answers(*(getattr(self, name)[mask] for name in self.__dataclass_fields__))

    def counts(self) -> AnswerCounts:
        """How many answers there are and how many were left out, by reason."""
        sat_missing, rec_missing = np.isnan(self.satisfaction), np.isnan(self.recommend)
        return AnswerCounts(
            answers=len(self.satisfaction),
            missing_satisfaction=int(sat_missing.sum()),
            out_of_scale_satisfaction=int((~sat_missing & ~self.satisfaction_valid).sum()),
            missing_recommend=int(rec_missing.sum()),
            out_of_scale_recommend=int((~rec_missing & ~self.recommend_valid).sum()),
        )


@dataclass(frozen=True)
class _Loyalty:
    """Each surveyed customer's place on the quadrants' loyalty axis."""

    axis: LoyaltyAxis
    threshold: float  # axis units: purchase occasions, or recommend scale units
    value: np.ndarray  # per customer: occasions in the 12 months, or the recommend answer
    high: np.ndarray  # bool: at or above the threshold
    placed: np.ndarray  # bool: satisfaction valid and a loyalty value known

    def subset(self, mask: np.ndarray) -> _Loyalty:
        """The customers selected by `mask`."""
        return _Loyalty(
            self.axis, self.threshold, self.value[mask], self.high[mask], self.placed[mask]
        )


def compute_satisfaction(
    tables: Tables,
    period: Period,
    settings: MetricsSettings,
    segment_of: Mapping[str, str] | pd.Series | None = None,
) -> SatisfactionResult | None:
    """Satisfaction against loyalty as of the end of `period`; None without a surveys sheet."""
    if tables.surveys is None:
        return None
    months = period.trailing(TREND_MONTHS)
    # The trend months and the months before them that their rolling NPS reaches back to.
    span = period.trailing(TREND_MONTHS + ROLLING_NPS_MONTHS - 1)
    surveys = tables.surveys
    # The span's answers by position (a day after the period end is outside the span too):
    # no copies of the sheet, some 90 MB each at ten million orders.
    days = day_numbers(surveys["date"])
    span_month = month_index(days, span)
    rows = np.flatnonzero(span_month >= 0)
    span_month = span_month[rows]
    span_answers = _classify(surveys, settings, rows)
    rolling_nps = _rolling_nps(span_answers, span_month, len(span))
    month = span_month - (ROLLING_NPS_MONTHS - 1)
    rows, month = rows[month >= 0], month[month >= 0]
    answers = span_answers.subset(span_month >= ROLLING_NPS_MONTHS - 1)

    monthly_nps = _nps(answers, month, TREND_MONTHS)
    monthly_csat = _csat(answers, month, TREND_MONTHS)
    current = month == TREND_MONTHS - 1

    latest, ids, anonymous = _latest_per_customer(surveys, rows)
    people = answers.subset(latest)
    orders = customer_orders(tables.orders, period, tables.returns)
    code = _surveyed_codes(tables, orders, surveys.index[rows[latest]], ids)  # -1: never ordered
    orders_12m = _occasions_in_window(orders, months, code)
    linked = code >= 0
    loyalty = _loyalty_axis(people, linked, orders_12m, settings)
    single = np.zeros(len(ids), dtype=np.int64)
    quadrants, placed = _quadrants(people, loyalty, single, orders_12m, 1)
    low_sat, high_sat = settings.satisfaction_scale
    low_rec, high_rec = settings.recommend_scale
    both = people.satisfaction_valid & people.recommend_valid
    shown = loyalty.placed
    scatter, sampled = _scatter(ids[shown], people.satisfaction[shown], loyalty.value[shown])
    return SatisfactionResult(
        period=period,
        satisfaction_scale=(float(low_sat), float(high_sat)),
        recommend_scale=(float(low_rec), float(high_rec)),
        nps=monthly_nps[-1],
        nps_change=_change(monthly_nps[-1].score, monthly_nps[-2].score),
        nps_3m=rolling_nps[-1],
        nps_3m_change=_change(rolling_nps[-1].score, rolling_nps[-2].score),
        csat=monthly_csat[-1],
        csat_change=_change(monthly_csat[-1].score, monthly_csat[-2].score),
        answers=answers.subset(current).counts(),
        months=tuple(
            SurveyMonth(months[j], monthly_nps[j], rolling_nps[j], monthly_csat[j])
            for j in range(TREND_MONTHS)
        ),
        answered_before=bool((days < day_number(months[0].start)).any()),
        customers=len(ids),
        anonymous_answers=anonymous,
        customer_answers=people.counts(),
        customer_nps=_nps(people, single, 1)[0],
        customer_csat=_csat(people, single, 1)[0],
        satisfaction_threshold=float(low_sat + _SATISFIED * (high_sat - low_sat)),
        recommend_threshold=float(low_rec + _HIGH_LOYALTY * (high_rec - low_rec)),
        loyalty_axis=loyalty.axis,
        loyalty_threshold=loyalty.threshold,
        linked_customers=int(linked.sum()),
        quadrants=quadrants[0],
        quadrant_n=int(placed[0]),
        satisfaction_vs_recommend=_correlation(people.satisfaction[both], people.recommend[both]),
        satisfaction_vs_occasions=_correlation(
            people.satisfaction[people.satisfaction_valid],
            orders_12m[people.satisfaction_valid],
        ),
        recommend_vs_occasions=_correlation(
            people.recommend[people.recommend_valid], orders_12m[people.recommend_valid]
        ),
        by_segment=_by_segment(people, loyalty, ids, orders_12m, segment_of, code, orders.ids),
        scatter=scatter,
        scatter_n=int(shown.sum()),
        scatter_sampled=sampled,
    )


def _classify(surveys: pd.DataFrame, settings: MetricsSettings, rows: np.ndarray) -> _Answers:
    """Validity and class of the answers at positions `rows` (docs/metrics.md#survey-answers)."""
    sat = surveys["satisfaction"].to_numpy(dtype=np.float64, na_value=np.nan)[rows]
    rec = surveys["recommend"].to_numpy(dtype=np.float64, na_value=np.nan)[rows]
    low_sat, high_sat = settings.satisfaction_scale
    low_rec, high_rec = settings.recommend_scale
    with np.errstate(invalid="ignore"):
        sat_valid = (sat >= low_sat) & (sat <= high_sat)
        rec_valid = (rec >= low_rec) & (rec <= high_rec)
        # Compare on the 0..1 position within the scale, multiplying rather than dividing so
        # that answers on a cut-off (9 of 0..10, 4 of 1..5) are classified exactly.
        sat_span, rec_span = high_sat - low_sat, high_rec - low_rec
        satisfied = (sat - low_sat) >= _SATISFIED * sat_span - _TOLERANCE
        promoter = (rec - low_rec) >= _PROMOTER * rec_span - _TOLERANCE
        detractor = (rec - low_rec) <= _DETRACTOR * rec_span + _TOLERANCE
        high_loyalty = (rec - low_rec) >= _HIGH_LOYALTY * rec_span - _TOLERANCE
    return _Answers(
        satisfaction=sat,
        recommend=rec,
        satisfaction_valid=sat_valid,
        recommend_valid=rec_valid,
        satisfied=satisfied & sat_valid,
        promoter=promoter & rec_valid,
        detractor=detractor & rec_valid,
        high_loyalty=high_loyalty & rec_valid,
    )


def _nps(answers: _Answers, group: np.ndarray, groups: int) -> list[Nps]:
    """NPS of each group of answers (group codes 0..groups-1)."""
    n, promoters, detractors = _nps_counts(answers, group, groups)
    return _nps_of(n, promoters, detractors)


def _rolling_nps(answers: _Answers, month: np.ndarray, months: int) -> list[Nps]:
    """NPS of the answers of each ROLLING_NPS_MONTHS months ending with a trend month, pooled
    (month codes 0..months-1; the first ROLLING_NPS_MONTHS - 1 only feed the later windows)."""
    pooled = []
    for counts in _nps_counts(answers, month, months):
        running = np.concatenate(([0], np.cumsum(counts)))
        pooled.append(running[ROLLING_NPS_MONTHS:] - running[: months - ROLLING_NPS_MONTHS + 1])
    return _nps_of(*pooled)


def _nps_counts(
    answers: _Answers, group: np.ndarray, groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Valid answers, promoters and detractors of each group."""
    return (
        np.bincount(group[answers.recommend_valid], minlength=groups),
        np.bincount(group[answers.promoter], minlength=groups),
        np.bincount(group[answers.detractor], minlength=groups),
    )


def _nps_of(n: np.ndarray, promoters: np.ndarray, detractors: np.ndarray) -> list[Nps]:
    """An Nps per position of the count arrays."""
    return [
        Nps(
            score=None if n[g] == 0 else 100.0 * int(promoters[g] - detractors[g]) / int(n[g]),
            n=int(n[g]),
            promoters=int(promoters[g]),
            passives=int(n[g] - promoters[g] - detractors[g]),
            detractors=int(detractors[g]),
        )
        for g in range(len(n))
    ]


def _csat(answers: _Answers, group: np.ndarray, groups: int) -> list[Csat]:
    """CSAT of each group of answers (group codes 0..groups-1)."""
    n = np.bincount(group[answers.satisfaction_valid], minlength=groups)
    satisfied = np.bincount(group[answers.satisfied], minlength=groups)
    return [Csat(ratio(satisfied[g], n[g]), int(n[g]), int(satisfied[g])) for g in range(groups)]


def _change(current: float | None, previous: float | None) -> Change | None:
    return None if current is None else Change(current, previous)


def _latest_per_customer(
    surveys: pd.DataFrame, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, int]:
    """Positions (in `rows`, the answers looked at; None: all) and customer ids of each
    customer's latest answer; the answers without an id.

    The latest answer is the one with the last date, then the highest response id.
    """
    if rows is None:
        rows = np.arange(len(surveys))
    if "customer_id" not in surveys.columns:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=object), len(rows)
    known = surveys["customer_id"].notna().to_numpy()[rows]
    position = np.flatnonzero(known)
    taken = rows[position]
    # Sorted by Arrow (a stable sort; text by code point, as Python compares it), not as a
    # frame of a Python string per id: 0.3 GB less at ten million orders, and faster.
    frame = pa.table(
        {
            name: pa.array(surveys[name].to_numpy()[taken], from_pandas=True)
            if name == "date"
            else _arrow(surveys[name]).take(taken)
            for name in ("customer_id", "date", "response_id")
        }
    )
    order = pc.sort_indices(frame, [(name, "ascending") for name in frame.column_names])
    ids = frame["customer_id"].take(order)
    last = np.ones(len(ids), dtype=bool)  # each customer's last row: their latest answer
    if len(ids) > 1:
        later = pc.not_equal(ids.slice(1), ids.slice(0, len(ids) - 1))
        last[:-1] = later.to_numpy(zero_copy_only=False)
    latest = order.to_numpy()[last]
    return (
        position[latest],
        ids.filter(pa.array(last)).to_numpy(zero_copy_only=False).astype(object),
        int((~known).sum()),
    )


def _arrow(values: pd.Series) -> pa.ChunkedArray:
    """The column as one Arrow array of text (its own Arrow data when it holds any)."""
    found = pa.array(values.array, from_pandas=True)
    return found if isinstance(found, pa.ChunkedArray) else pa.chunked_array([found])


def _surveyed_codes(
    tables: Tables, orders: CustomerOrders, labels: pd.Index, ids: np.ndarray
) -> np.ndarray:
    """The code in `orders` of the customers `ids` of the survey rows `labels` (the surveys
    sheet's index); -1 for those who never ordered. From validation's lookup when known."""
    codes = order_codes_of(orders, tables, "surveys")
    index = tables.surveys.index
    positional = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
    if codes is not None and positional:  # the labels are row positions
        return codes[labels.to_numpy(dtype=np.int64)]
    # Arrow's hash, not Index.get_indexer: that one keeps a table of every ordering customer's
    # id as a Python string cached on orders.ids (some 450 MB at 4.5 million customers).
    return positions_in(pd.Index(ids, dtype=orders.ids.dtype), orders.ids)


def _occasions_in_window(
    orders: CustomerOrders, months: tuple[Period, ...], code: np.ndarray
) -> np.ndarray:
    """Purchase occasions within `months` of the customers with these codes of `orders`
    (-1: never ordered) (docs/metrics.md#surveyed-customers)."""
    edges = month_edges(months)
    counts = np.append(orders.occasions.counts(int(edges[0]), int(edges[-1])), 0)
    # Customers who never ordered take the trailing 0.
    return counts[code].astype(np.int64)


def _loyalty_axis(
    people: _Answers, linked: np.ndarray, occasions_12m: np.ndarray, settings: MetricsSettings
) -> _Loyalty:
    """Behaviour (repeat buying) when the answers link to orders, else intent to recommend."""
    if len(linked) and linked.mean() >= MIN_LINKED_SHARE:
        value = occasions_12m.astype(np.float64)
        return _Loyalty(
            axis=LoyaltyAxis.BEHAVIOUR,
            threshold=float(REPEAT_OCCASIONS),
            value=value,
            high=value >= REPEAT_OCCASIONS,
            placed=people.satisfaction_valid & linked,
        )
    low, high = settings.recommend_scale
    return _Loyalty(
        axis=LoyaltyAxis.INTENT,
        threshold=float(low + _HIGH_LOYALTY * (high - low)),
        value=people.recommend,
        high=people.high_loyalty,
        placed=people.satisfaction_valid & people.recommend_valid,
    )


def _quadrants(
    answers: _Answers, loyalty: _Loyalty, group: np.ndarray, orders_12m: np.ndarray, groups: int
) -> tuple[list[tuple[Quadrant, ...]], np.ndarray]:
    """Jones & Sasser quadrants of each group's customers, and how many were placed."""
    placed = loyalty.placed
    # 0 loyalists, 1 mercenaries, 2 hostages, 3 defectors (the order of QUADRANTS).
    quadrant = 2 * (~answers.satisfied).astype(np.int64) + (~loyalty.high)
    cell = (group * 4 + quadrant)[placed]
    size = groups * 4

    def per_cell(mask: np.ndarray | None = None, weights: np.ndarray | None = None) -> np.ndarray:
        chosen = np.ones(len(cell), dtype=bool) if mask is None else mask
        summed = np.bincount(
            cell[chosen], weights=None if weights is None else weights[chosen], minlength=size
        )
        return summed.reshape(groups, 4)

    counts = per_cell()
    orders = per_cell(weights=orders_12m[placed])
    repeaters = per_cell(orders_12m[placed] >= REPEAT_OCCASIONS)
    answered = answers.recommend_valid[placed]
    recommend = np.where(answered, answers.recommend[placed], 0.0)
    recommenders, recommend_sum = per_cell(answered), per_cell(weights=recommend)
    totals = counts.sum(axis=1)
    result = [
        tuple(
            Quadrant(
                name=name,
                customers=int(counts[g, q]),
                share=ratio(counts[g, q], totals[g]),
                mean_occasions_12m=ratio(orders[g, q], counts[g, q]),
                repeat_rate_12m=ratio(repeaters[g, q], counts[g, q]),
                mean_recommend=ratio(recommend_sum[g, q], recommenders[g, q]),
            )
            for q, name in enumerate(QUADRANTS)
        )
        for g in range(groups)
    ]
    return result, totals


def _correlation(x: np.ndarray, y: np.ndarray) -> Correlation:
    """Pearson and Spearman (Pearson of average ranks) correlation of x and y."""
    n = len(x)
    if n < MIN_CORRELATION_N:
        return Correlation(None, None, n)
    x_rank = pd.Series(x).rank(method="average").to_numpy()
    y_rank = pd.Series(y).rank(method="average").to_numpy()
    return Correlation(_pearson(x, y), _pearson(x_rank, y_rank), n)


def _pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    dx, dy = x - x.mean(), y - y.mean()
    denominator = float(np.sqrt((dx * dx).sum() * (dy * dy).sum()))
    if denominator == 0:
        return None
    return float(np.clip((dx * dy).sum() / denominator, -1.0, 1.0))


def _by_segment(
    answers: _Answers,
    loyalty: _Loyalty,
    ids: np.ndarray,
    orders_12m: np.ndarray,
    segment_of: Mapping[str, str] | pd.Series | None,
    codes: np.ndarray,
    coded: pd.Index,
) -> tuple[SegmentSatisfaction, ...]:
    """NPS, CSAT and quadrants of the surveyed customers of each segment, most customers first
    (`codes`: the position of each of `ids` in `coded`, the orders' customer ids; -1: none)."""
    if segment_of is None or len(ids) == 0:
        return ()
    segments = segment_of if isinstance(segment_of, pd.Series) else pd.Series(segment_of)
    # The names in the segments' own array type: a Python string per surveyed customer was
    # some 60 MB at ten million orders, and factorizing Arrow's text is faster.
    if segments.index is coded:
        names = by_code(segments, pd.Index(ids, dtype=object), codes, coded)
    else:  # looked up by Arrow: reindexing builds a Python string of every customer's id
        rows = positions_in(pd.Index(ids, dtype=object), segments.index)
        names = segments.array.take(rows, allow_fill=True)  # -1: missing
    known = ~np.asarray(pd.isna(names), dtype=bool)
    codes, labels = pd.factorize(names[known], sort=True)
    answers = answers.subset(known)
    groups = len(labels)
    nps = _nps(answers, codes, groups)
    csat = _csat(answers, codes, groups)
    quadrants, placed = _quadrants(answers, loyalty.subset(known), codes, orders_12m[known], groups)
    sizes = np.bincount(codes, minlength=groups)
    rows = [
        SegmentSatisfaction(
            segment=str(labels[g]),
            customers=int(sizes[g]),
            nps=nps[g],
            csat=csat[g],
            quadrants=quadrants[g],
            quadrant_n=int(placed[g]),
        )
        for g in range(groups)
    ]
    return tuple(sorted(rows, key=lambda row: (-row.customers, row.segment)))


def _scatter(
    ids: np.ndarray, satisfaction: np.ndarray, loyalty: np.ndarray
) -> tuple[tuple[tuple[float, float], ...], bool]:
    """(satisfaction, loyalty) points ordered by customer id; a stable sample above the limit.

    The sample keeps the customers whose id hashes lowest, so adding customers changes it little.
    """
    sampled = len(ids) > SCATTER_LIMIT
    keep = np.arange(len(ids))
    if sampled:
        # Each id is one customer's: categorizing first (the default) only adds a hash table of
        # them, the same hashes (some 0.1 GB at ten million orders, the render's peak then).
        hashes = pd.util.hash_array(ids.astype(object, copy=False), categorize=False)
        keep = np.argsort(hashes, kind="stable")[:SCATTER_LIMIT]
    keep = keep[np.argsort(ids[keep].astype(str), kind="stable")]
    points = tuple(
        (float(s), float(v)) for s, v in zip(satisfaction[keep], loyalty[keep], strict=True)
    )
    return points, sampled
