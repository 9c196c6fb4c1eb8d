"""Customer segmentation: geographic, demographic, psychographic and behavioural (RFM)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from deckgen.config import MetricsSettings
from deckgen.data.tables import Tables
from deckgen.errors import ConfigError
from deckgen.metrics.common import (
    Change,
    CustomerOrders,
    code_dtype,
    covers,
    customer_orders,
    day_number,
    factorize,
    label_codes,
    money_below_zero,
    positions_in,
    revenue_shares,
    shares_given,
    taken_labels,
)
from deckgen.period import Period

UNKNOWN = "unknown"  # the label of a missing attribute value
# docs/metrics.md#age-band: lower bounds of the bands after the first.
AGE_BAND_EDGES: tuple[int, ...] = (18, 25, 35, 45, 55, 65)
AGE_BANDS: tuple[str, ...] = ("under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
GEOGRAPHIC: tuple[str, ...] = ("country", "region", "city")
DEMOGRAPHIC: tuple[str, ...] = ("age_band", "gender", "income_band")
RFM_DIMENSIONS: tuple[str, ...] = ("recency", "frequency", "monetary")

# docs/metrics.md#rfm-segments: segment -> "R:F" patterns; covers each of the 25 cells once.
DEFAULT_RFM_SEGMENTS: dict[str, tuple[str, ...]] = {
    "Champions": ("5:4-5",),
    "Loyal": ("3-4:4-5",),
    "Potential Loyalists": ("4-5:2-3",),
    "New": ("5:1",),
    "Promising": ("4:1",),
    "Need Attention": ("3:3",),
    "About to Sleep": ("3:1-2",),
    "At Risk": ("1-2:3-4",),
    "Can't Lose Them": ("1-2:5",),
    "Hibernating": ("2:1-2",),
    "Lost": ("1:1-2",),
}
# docs/metrics.md#rfm-scores: the score of every customer when all share one value.
TIED_SCORE = 3
_SCORE_PART = re.compile(r"^\s*(?:(\*)|([1-5])(?:\s*-\s*([1-5]))?)\s*$")


@dataclass(frozen=True)
class GroupFigures:
    """Customers and revenue of one attribute value (docs/metrics.md#segment-figures)."""

    value: str  # the attribute value, or "unknown"
    customers: Change  # customers with an order by the month's end (vs the previous month's end)
    share: float  # 0..1 of all customers
    revenue: Change  # client currency, orders in the month (vs the previous month)
    revenue_12m: Change  # client currency, 12 months to the month's end (vs the 12 before)
    revenue_share: float  # 0..1 of the revenue of the 12 months; 0 when the groups have no shares


@dataclass(frozen=True)
class Breakdown:
    """Customers split by one attribute; the values' customers add up to all customers."""

    attribute: str  # country, region, city, age_band, gender or income_band
    rows: tuple[GroupFigures, ...]  # age bands youngest first, else most customers first

    @property
    def revenue_shares_given(self) -> bool:
        """True when the groups have shares of the 12 months' revenue
        (docs/metrics.md#shares-of-revenue)."""
        return shares_given([row.revenue_12m.current for row in self.rows])

    @property
    def below_zero(self) -> tuple[str, ...]:
        """The groups whose returns exceed their sales over the 12 months, in row order."""
        return tuple(row.value for row in self.rows if money_below_zero(row.revenue_12m.current))


@dataclass(frozen=True)
class InterestFigures:
    """Customers sharing one interest (docs/metrics.md#interest-figures)."""

    interest: str
    customers: int  # customers naming the interest
    share: float  # 0..1 of all customers; a customer may name several interests
    revenue_per_customer_12m: float  # client currency, docs/metrics.md#revenue-per-customer-12m
    repeat_rate_lifetime: float  # 0..1 of them, docs/metrics.md#repeat-rate-lifetime


@dataclass(frozen=True)
class RfmSegment:
    """One named RFM segment at the end of the month (docs/metrics.md#rfm-segments)."""

    name: str
    customers: Change  # customers (vs the segment as of the previous month's end)
    share: float  # 0..1 of all customers
    revenue: float  # client currency, all orders to the month's end
    # 0..1 of that revenue of all customers; 0 when the segments have no shares of it
    revenue_share: float
    recency_days: float | None  # mean days since the last order; None for an empty segment
    frequency: float | None  # mean purchase occasions per customer
    monetary: float | None  # mean revenue per customer, client currency


@dataclass(frozen=True)
class ScoreBand:
    """The customers and value range behind one RFM score (docs/metrics.md#rfm-scores)."""

    dimension: str  # recency (days), frequency (purchase occasions) or monetary (currency)
    score: int  # 1..5, 5 best
    customers: int
    low: float | None  # smallest value with this score; None when no customer has it
    high: float | None  # largest value with this score


@dataclass(frozen=True)
class RfmResult:
    """Behavioural segmentation at the end of the month."""

    segments: tuple[RfmSegment, ...]  # in the order of the segment map
    grid: tuple[tuple[int, ...], ...]  # grid[r - 1][f - 1]: customers scoring R=r and F=f
    bands: tuple[ScoreBand, ...]  # recency, frequency, monetary; scores 1..5 each

    @property
    def revenue(self) -> float:
        """The revenue to date of all segments, client currency; below zero when more was
        returned than sold (every revenue_share is then 0)."""
        return sum(s.revenue for s in self.segments)

    @property
    def net_negative(self) -> bool:
        """True when the revenue to date is below zero (docs/metrics.md#shares-of-revenue)."""
        return money_below_zero(self.revenue)

    @property
    def revenue_shares_given(self) -> bool:
        """True when the segments have shares of the revenue to date
        (docs/metrics.md#shares-of-revenue)."""
        return shares_given([s.revenue for s in self.segments])

    @property
    def below_zero(self) -> tuple[str, ...]:
        """The segments whose returns exceed their sales to date, in the segment map's order."""
        return tuple(s.name for s in self.segments if money_below_zero(s.revenue))


@dataclass(frozen=True)
class SegmentationResult:
    """The four segmentation families for a month; a family without data is empty."""

    customers: Change  # docs/metrics.md#customer-base, at the month's end vs the previous end
    revenue: Change  # client currency, orders in the month vs the previous month
    revenue_12m: Change  # client currency, 12 months to the month's end vs the 12 before
    # client currency, docs/metrics.md#revenue-per-customer-12m; None without customers
    revenue_per_customer_12m: float | None
    repeat_rate_lifetime: float  # 0..1, docs/metrics.md#repeat-rate-lifetime
    geographic: tuple[Breakdown, ...]  # country, region, city: those the customers sheet has
    demographic: tuple[Breakdown, ...]  # age_band, gender, income_band: those it has
    psychographic: tuple[InterestFigures, ...]  # most customers first; empty without interests
    customers_with_interests: int  # customers naming at least one interest
    rfm: RfmResult


@dataclass(frozen=True)
class RfmScores:
    """Recency, frequency, monetary, scores and segment of each customer with an order by a day.

    One row per scored customer, as arrays in the same order (docs/metrics.md#rfm-values,
    #rfm-scores, #rfm-segments); computed once per deck and shared by the analyses.
    """

    ids: pd.Index  # customer_id of each scored customer
    codes: np.ndarray  # customer codes (into CustomerOrders.ids) of the scored customers
    recency: np.ndarray  # days from the last order to the end day
    frequency: np.ndarray  # purchase occasions (docs/metrics.md#purchase-occasions)
    monetary: np.ndarray  # client currency
    scores: tuple[np.ndarray, np.ndarray, np.ndarray]  # R, F, M: 1..5, int8
    segment: np.ndarray  # index into `names`, the narrowest type that holds it (code_dtype)
    names: tuple[str, ...]  # segment names in the map's order

    def segment_names(self) -> pd.array:
        """The segment name of each scored customer, as a string array."""
        return pd.array(np.asarray(self.names, dtype=object)[self.segment], dtype="string")

    def segment_of(self) -> pd.Series:
        """The segment name of each scored customer, indexed by customer_id."""
        return pd.Series(self.segment_names(), index=self.ids, name="segment")


def parse_rfm_segments(patterns: Mapping[str, Sequence[str]]) -> dict[tuple[int, int], str]:
    """The segment of each (R, F) score pair; ConfigError unless each pair has exactly one."""
    problems: list[str] = []
    owners: dict[tuple[int, int], list[str]] = {}
    for name, cells in patterns.items():
        for pattern in cells:
            parsed = _parse_pattern(pattern)
            if parsed is None:
                problems.append(
                    f"segment {name!r}: pattern {pattern!r} is not 'R:F' with each side a "
                    "score 1-5, a range such as 4-5, or *"
                )
                continue
            for cell in parsed:
                if name not in owners.setdefault(cell, []):
                    owners[cell].append(name)
    if not problems:
        missing = [f"{r}:{f}" for r in range(1, 6) for f in range(1, 6) if (r, f) not in owners]
        if missing:
            problems.append(f"no segment for R:F {', '.join(missing)}")
        problems += [
            f"R:F {r}:{f} is in several segments ({', '.join(repr(n) for n in names)})"
            for (r, f), names in sorted(owners.items())
            if len(names) > 1
        ]
    if problems:
        raise ConfigError("metrics.rfm_segments: " + "; ".join(problems))
    return {cell: names[0] for cell, names in sorted(owners.items())}


def age_band_codes(ages: pd.Series) -> np.ndarray:
    """Index into AGE_BANDS of each age (docs/metrics.md#age-band); -1 where it is missing."""
    edges = np.asarray(AGE_BAND_EDGES)
    if pd.api.types.is_integer_dtype(ages.dtype) and len(ages):
        # Whole ages span a few hundred values at most: each band looked up once, by age.
        missing = ages.isna().to_numpy(dtype=bool)
        whole = ages.to_numpy(dtype=np.int64, na_value=0)
        low, high = int(whole.min()), int(whole.max())
        if high - low < 1 << 16:
            bands = np.searchsorted(edges, np.arange(low, high + 1), side="right")
            codes = bands[whole - low].astype(np.int64)
            codes[missing] = -1
            return codes
    values = ages.to_numpy(dtype=np.float64, na_value=np.nan)
    codes = np.searchsorted(edges, values, side="right")
    codes[np.isnan(values)] = -1
    return codes.astype(np.int64)


def attribute_codes(customers: pd.DataFrame) -> dict[str, tuple[np.ndarray, tuple[str, ...]]]:
    """Codes (-1 unknown) and labels of each geographic and demographic attribute present."""
    found: dict[str, tuple[np.ndarray, tuple[str, ...]]] = {}
    for name in (*GEOGRAPHIC, *DEMOGRAPHIC):
        if name == "age_band" and "age" in customers.columns:
            found[name] = (age_band_codes(customers["age"]), AGE_BANDS)
        elif name in customers.columns:
            found[name] = label_codes(customers[name])
    return found


@dataclass(frozen=True)
class CustomerAttributes:
    """The customers-sheet attributes of the ordering customers, coded by customer code."""

    # attribute_codes of their rows, each in the narrowest type that holds it (code_dtype)
    codes: dict[str, tuple[np.ndarray, tuple[str, ...]]]
    interests: pd.DataFrame  # interest_pairs of their rows


def customer_attributes(
    tables: Tables, orders: CustomerOrders, customer_rows: np.ndarray | None = None
) -> CustomerAttributes:
    """The attributes of each customer of `orders`, from their row of the customers sheet
    (`customer_rows`: those rows, positions_in(orders.ids, customer ids), when known)."""
    customers = tables.customers
    if customer_rows is None:
        customer_rows = positions_in(orders.ids, customers["customer_id"])
    # Coded over the whole sheet, then taken by row: the same codes and labels as coding the
    # ordering customers' rows, without a copy of their text (some 0.4 GB at 4.5 million).
    codes = {
        name: (np.append(values, -1)[customer_rows], labels)
        if name == "age_band"
        else taken_labels(values, labels, customer_rows)
        for name, (values, labels) in attribute_codes(customers).items()
    }
    # Held from the shared figures to the prospects' end: one byte a customer, not eight.
    codes = {
        name: (values.astype(code_dtype(len(labels)), copy=False), labels)
        for name, (values, labels) in codes.items()
    }
    for values, _ in codes.values():
        values.flags.writeable = False  # shared by segments and prospects
    return CustomerAttributes(codes=codes, interests=interest_pairs(customers, customer_rows))


def rfm_table(tables: Tables, period: Period, settings: MetricsSettings) -> pd.DataFrame:
    """Per customer with an order by the period end: RFM values, scores and segment.

    Indexed by customer_id; columns recency_days, frequency, monetary (client currency),
    r, f, m (1..5) and segment (docs/metrics.md#rfm-values, #rfm-scores, #rfm-segments).
    """
    rfm = score_rfm(customer_orders(tables.orders, period, tables.returns), period, settings)
    # int64 for the reader, as before the scores were held as int8: a cell code such as
    # r * 100 + f * 10 + m must not wrap round.
    r, f, m = (score.astype(np.int64) for score in rfm.scores)
    return pd.DataFrame(
        {
            "recency_days": rfm.recency,
            "frequency": rfm.frequency,
            "monetary": rfm.monetary,
            "r": r,
            "f": f,
            "m": m,
            "segment": rfm.segment_names(),
        },
        index=rfm.ids.rename("customer_id"),
    )


def rfm_segment_of(tables: Tables, period: Period, settings: MetricsSettings) -> pd.Series:
    """The RFM segment name of each customer with an order by the period end, by customer_id."""
    return rfm_table(tables, period, settings)["segment"]


def score_rfm(orders: CustomerOrders, period: Period, settings: MetricsSettings) -> RfmScores:
    """RFM of the customers of `orders` with an order by the end of `period`."""
    names, lookup = _segment_lookup(settings)
    return _rfm(orders, day_number(period.end), names, lookup)


def compute_segments(
    tables: Tables,
    period: Period,
    settings: MetricsSettings,
    rfm: RfmScores | None = None,
    attributes: CustomerAttributes | None = None,
) -> SegmentationResult:
    """Geographic, demographic, psychographic and RFM segments as of the end of `period`.

    `rfm` and `attributes` (customer_attributes of the ordering customers): the deck's shared
    intermediates, computed here when not given.
    """
    names, lookup = _segment_lookup(settings)
    orders = customer_orders(tables.orders, period, tables.returns)
    previous = period.previous()
    has_previous = covers(orders.day, previous)
    has_previous_12m = covers(orders.day, period.shift(-23))
    month = _revenue_in(orders, period, 1)
    month_before = _revenue_in(orders, previous, 1)
    year = _revenue_in(orders, period, 12)
    year_before = _revenue_in(orders, period.shift(-12), 12)
    existed_before = orders.first_day <= day_number(previous.end)
    figures = _Figures(
        month, month_before, year, year_before, existed_before, has_previous, has_previous_12m
    )
    if rfm is None:
        rfm = _rfm(orders, day_number(period.end), names, lookup)
    if attributes is None:
        attributes = customer_attributes(tables, orders)
    interests = attributes.interests
    n = len(orders.ids)
    breakdowns = [
        _breakdown(name, codes, labels, figures)
        for name, (codes, labels) in attributes.codes.items()
    ]
    return SegmentationResult(
        customers=Change(n, int(existed_before.sum()) if has_previous else None),
        revenue=Change(float(month.sum()), float(month_before.sum()) if has_previous else None),
        revenue_12m=Change(
            float(year.sum()), float(year_before.sum()) if has_previous_12m else None
        ),
        revenue_per_customer_12m=float(year.sum()) / n if n else None,
        repeat_rate_lifetime=_share(int((rfm.frequency >= 2).sum()), n),
        geographic=tuple(b for b in breakdowns if b.attribute in GEOGRAPHIC),
        demographic=tuple(b for b in breakdowns if b.attribute in DEMOGRAPHIC),
        psychographic=_interests(interests, n, year, rfm.frequency),
        customers_with_interests=int(interests["customer"].nunique()),
        rfm=_rfm_result(orders, rfm, names, lookup, previous, has_previous),
    )


@dataclass(frozen=True)
class _Figures:
    """Per-customer figures (arrays by customer code) shared by every breakdown."""

    month: np.ndarray  # revenue in the month
    month_before: np.ndarray  # revenue in the previous month
    year: np.ndarray  # revenue in the 12 months to the month's end
    year_before: np.ndarray  # revenue in the 12 months before those
    existed_before: np.ndarray  # bool: first order by the previous month's end
    has_previous: bool  # the data covers the previous month
    has_previous_12m: bool  # the data covers the first month of the previous 12


def _revenue_in(orders: CustomerOrders, last: Period, months: int) -> np.ndarray:
    """Revenue of each customer in the `months` months ending with `last`."""
    start = day_number(last.shift(1 - months).start)
    return orders.revenue(start, day_number(last.end) + 1)


def _share(part: float, whole: float) -> float:
    """part / whole, and 0 for an empty whole (a share of nothing is no share)."""
    return float(part) / float(whole) if whole else 0.0


def _breakdown(
    attribute: str, codes: np.ndarray, labels: tuple[str, ...], figures: _Figures
) -> Breakdown:
    """Figures per value; missing values join an "unknown" value (the data's own, if any)."""
    values = list(labels)
    if UNKNOWN not in values:
        values.append(UNKNOWN)
    codes = np.where(codes < 0, values.index(UNKNOWN), codes)
    k = len(values)

    def total(weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(codes, weights=weights, minlength=k)

    customers = total()
    customers_before = np.bincount(codes[figures.existed_before], minlength=k)
    month, month_before = total(figures.month), total(figures.month_before)
    year, year_before = total(figures.year), total(figures.year_before)
    n, year_total = len(codes), float(figures.year.sum())
    shares = revenue_shares(year, year_total)
    rows = [
        GroupFigures(
            value=values[i],
            customers=Change(
                int(customers[i]), int(customers_before[i]) if figures.has_previous else None
            ),
            share=_share(customers[i], n),
            revenue=Change(
                float(month[i]), float(month_before[i]) if figures.has_previous else None
            ),
            revenue_12m=Change(
                float(year[i]), float(year_before[i]) if figures.has_previous_12m else None
            ),
            revenue_share=shares[i] or 0.0,
        )
        for i in range(k)
        if customers[i]
    ]
    if attribute == "age_band":
        order = {band: i for i, band in enumerate((*AGE_BANDS, UNKNOWN))}
        rows.sort(key=lambda row: order[row.value])
    else:
        rows.sort(key=lambda row: (row.value == UNKNOWN, -row.customers.current, row.value))
    return Breakdown(attribute=attribute, rows=tuple(rows))


def interest_pairs(attributes: pd.DataFrame, rows: np.ndarray | None = None) -> pd.DataFrame:
    """(customer, interest) rows: customer (int32) is the row position in `attributes` (with
    `rows`: the position in `rows`, each a row of `attributes` or -1 for none); interest is
    categorical, its categories in the order first named; no repeats."""
    if "interests" not in attributes.columns:
        return _pairs(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), [])
    codes, texts = factorize(attributes["interests"])
    if rows is not None:
        codes = np.append(codes, -1)[rows]
    # Each distinct text is split once; customers then pick up their text's interests.
    named: dict[str, int] = {}
    split = [
        (k, named.setdefault(interest, len(named)))
        for k, text in enumerate(texts)
        for interest in dict.fromkeys(part.strip() for part in str(text).split(";"))
        if interest
    ]
    if not split:
        return _pairs(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), [])
    of_text, interest = np.asarray(split, dtype=np.int64).T
    # Each customer's text's interests in turn, customers in order (an inner merge's order),
    # by position into `split`, whose rows run text by text.
    per_text = np.bincount(of_text, minlength=len(texts))
    customer = np.flatnonzero(codes >= 0)
    text = codes[customer]
    per_customer = per_text[text]
    starts = np.cumsum(per_text) - per_text
    offset = np.repeat(starts[text] - (np.cumsum(per_customer) - per_customer), per_customer)
    offset += np.arange(len(offset))
    return _pairs(np.repeat(customer, per_customer), interest[offset], list(named))


def _pairs(customer: np.ndarray, interest: np.ndarray, names: list[str]) -> pd.DataFrame:
    """The interest pairs' frame: customers as int32, interests as codes into `names` (held
    from the shared figures to the prospects' end: 5 bytes a pair, not some 30 as text)."""
    if len(customer) and int(customer[-1]) > np.iinfo(np.int32).max:  # rows ascend
        raise OverflowError("more customers than int32 can number")
    codes = interest.astype(code_dtype(len(names)))
    categories = pd.Index(names, dtype=object)
    return pd.DataFrame(
        {
            "customer": customer.astype(np.int32),
            "interest": pd.Categorical.from_codes(codes, categories=categories),
        }
    )


def _interests(
    pairs: pd.DataFrame, n: int, year: np.ndarray, frequency: np.ndarray
) -> tuple[InterestFigures, ...]:
    """Figures per interest, most customers first (docs/metrics.md#interest-figures)."""
    customer = pairs["customer"].to_numpy(dtype=np.int64)
    grouped = (
        pairs.assign(revenue=year[customer], repeat=frequency[customer] >= 2)
        .groupby("interest", sort=True, observed=True)
        .agg(customers=("customer", "size"), revenue=("revenue", "sum"), repeat=("repeat", "sum"))
    )
    rows = [
        InterestFigures(
            interest=str(interest),
            customers=int(customers),
            share=_share(customers, n),
            revenue_per_customer_12m=float(revenue) / int(customers),
            repeat_rate_lifetime=int(repeat) / int(customers),
        )
        for interest, customers, revenue, repeat in zip(
            grouped.index, grouped["customers"], grouped["revenue"], grouped["repeat"], strict=True
        )
    ]
    rows.sort(key=lambda row: (-row.customers, row.interest))
    return tuple(rows)


def _parse_pattern(pattern: str) -> list[tuple[int, int]] | None:
    """The (R, F) cells of one "R:F" pattern; None if it is malformed."""
    parts = pattern.split(":") if isinstance(pattern, str) else []
    if len(parts) != 2:
        return None
    ranges = []
    for part in parts:
        match = _SCORE_PART.match(part)
        if match is None:
            return None
        if match.group(1):
            low, high = 1, 5
        else:
            low = int(match.group(2))
            high = int(match.group(3) or low)
        if low > high:
            return None
        ranges.append(range(low, high + 1))
    return [(r, f) for r in ranges[0] for f in ranges[1]]


def _segment_lookup(settings: MetricsSettings) -> tuple[tuple[str, ...], np.ndarray]:
    """Segment names in map order and a 6x6 table: segment index of each (R, F)."""
    patterns = DEFAULT_RFM_SEGMENTS if settings.rfm_segments is None else settings.rfm_segments
    cells = parse_rfm_segments(patterns)
    names = tuple(patterns)
    lookup = np.full((6, 6), -1, dtype=code_dtype(len(names)))
    for (r, f), name in cells.items():
        lookup[r, f] = names.index(name)
    return names, lookup


def tie_aware_scores(
    values: np.ndarray, higher_is_better: bool, least: int | None = None
) -> np.ndarray:
    """1..5 scores by the share of other customers strictly worse (docs/metrics.md#rfm-scores);
    `least`: the worst value a customer can have (one purchase occasion), which scores 1."""
    n = len(values)
    if n and values.min() == values.max():
        # All tied: nobody is worse than anybody, so the middle score, not the worst.
        tied = 1 if least is not None and values[0] == least else TIED_SCORE
        return np.full(n, tied, dtype=np.int8)
    whole = n > 0 and values.dtype.kind in "iu"
    low = int(values.min()) if whole else 0
    if whole and int(values.max()) - low < max(n, 1 << 16):
        # Whole numbers of a small range (days, occasions): those strictly worse counted per
        # value, then each customer's score looked up, with no sort and no arrays of positions.
        # Signed values are widened first: int8's -128..127 less its low would overflow int8.
        signed = values.dtype.kind == "i"
        offset = (values.astype(np.int64, copy=False) if signed else values) - low
        counts = np.bincount(offset)
        up_to = np.cumsum(counts)
        worse = up_to - counts if higher_is_better else n - up_to
        return _score(worse, n)[offset]
    # Only the score is wanted, not each count: a customer scores k + 1 or more once
    # ceil(k (n - 1) / 5) others are worse, so four order statistics place every customer
    # (np.partition, not a sort: 38 ms -> 6 ms for 430k customers' cents).
    score = np.ones(n, dtype=np.int8)
    if n == 0:
        return score
    spread = max(n - 1, 1)
    least_worse = [-(-k * spread // 5) for k in range(1, 5)]
    # At least `w` others are worse than a value above the w-th smallest (below the w-th
    # largest): that order statistic is the score's bound.
    ranks = [w - 1 if higher_is_better else n - w for w in least_worse]
    for bound in np.partition(values, ranks)[ranks]:
        score += (values > bound) if higher_is_better else (values < bound)
    return score


def _score(worse: np.ndarray, n: int) -> np.ndarray:
    """The 1..5 score (int8) of each count of customers strictly worse, of `n` customers."""
    return np.minimum(5, 1 + (5 * worse) // max(n - 1, 1)).astype(np.int8)


def _recency_frequency(orders: CustomerOrders, end: int) -> tuple[np.ndarray, ...]:
    """Codes, recency (days) and frequency of the customers with an order on or before `end`."""
    inside = orders.day <= end
    frequency = orders.occasions.counts(np.iinfo(np.int64).min, end + 1)
    last = np.full(len(orders.ids), np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, orders.customer[inside], orders.day[inside])
    codes = np.flatnonzero(frequency > 0)
    return codes, end - last[codes], frequency[codes]


def _segments_at(orders: CustomerOrders, end: int, lookup: np.ndarray) -> np.ndarray:
    """_rfm(...).segment: a segment needs the R and F scores alone, not the revenue's M."""
    _, recency, frequency = _recency_frequency(orders, end)
    r = tie_aware_scores(recency, higher_is_better=False)
    return lookup[r, tie_aware_scores(frequency, higher_is_better=True, least=1)]


def _rfm(orders: CustomerOrders, end: int, names: tuple[str, ...], lookup: np.ndarray) -> RfmScores:
    """RFM of the customers with an order on or before day `end`."""
    size = len(orders.ids)
    codes, recency, frequency = _recency_frequency(orders, end)
    monetary = orders.revenue(stop=end + 1)  # net of returns (docs/metrics.md#returns)
    # Scores compare totals in whole cents so that the order of summation cannot split ties.
    cents = orders.revenue(stop=end + 1, cents=True).astype(np.int64)
    r = tie_aware_scores(recency, higher_is_better=False)
    f = tie_aware_scores(frequency, higher_is_better=True, least=1)
    m = tie_aware_scores(cents[codes], higher_is_better=True)
    return RfmScores(
        # Every customer scored (as at the orders' own end): their very ids, so that figures
        # by id (segment_of) can be read by customer code without looking the ids up.
        ids=orders.ids if len(codes) == size else orders.ids[codes],
        codes=codes,
        recency=recency,
        frequency=frequency,
        monetary=monetary[codes],
        scores=(r, f, m),
        segment=lookup[r, f],
        names=names,
    )


def _rfm_result(
    orders: CustomerOrders,
    rfm: RfmScores,
    names: tuple[str, ...],
    lookup: np.ndarray,
    previous: Period,
    has_previous: bool,
) -> RfmResult:
    k = len(names)
    counts = np.bincount(rfm.segment, minlength=k)
    before = np.bincount(_segments_at(orders, day_number(previous.end), lookup), minlength=k)
    revenue = np.bincount(rfm.segment, weights=rfm.monetary, minlength=k)
    recency = np.bincount(rfm.segment, weights=rfm.recency, minlength=k)
    frequency = np.bincount(rfm.segment, weights=rfm.frequency, minlength=k)
    n, revenue_total = len(rfm.codes), float(rfm.monetary.sum())
    shares = revenue_shares(revenue, revenue_total)

    def mean(sums: np.ndarray, i: int) -> float | None:
        return float(sums[i]) / int(counts[i]) if counts[i] else None

    segments = tuple(
        RfmSegment(
            name=names[i],
            customers=Change(int(counts[i]), int(before[i]) if has_previous else None),
            share=_share(counts[i], n),
            revenue=float(revenue[i]),
            revenue_share=shares[i] or 0.0,
            recency_days=mean(recency, i),
            frequency=mean(frequency, i),
            monetary=mean(revenue, i),
        )
        for i in range(k)
    )
    r, f, _ = rfm.scores
    grid = np.bincount((r - 1) * 5 + (f - 1), minlength=25).reshape(5, 5)
    values = (rfm.recency, rfm.frequency, rfm.monetary)
    bands = tuple(
        _band(dimension, score, values[d][rfm.scores[d] == score])
        for d, dimension in enumerate(RFM_DIMENSIONS)
        for score in range(1, 6)
    )
    return RfmResult(
        segments=segments,
        grid=tuple(tuple(int(c) for c in row) for row in grid),
        bands=bands,
    )


def _band(dimension: str, score: int, values: np.ndarray) -> ScoreBand:
    if len(values) == 0:
        return ScoreBand(dimension, score, 0, None, None)
    return ScoreBand(dimension, score, len(values), float(values.min()), float(values.max()))
