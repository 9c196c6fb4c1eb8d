"""Target prospects: open leads ranked by expected value, and the ideal-prospect profile."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from deckgen.config import MetricsSettings
from deckgen.data.lead_store import LeadStore, has_leads, lead_store_of
from deckgen.data.tables import Tables
from deckgen.metrics.channels import acquisition_channel_of
from deckgen.metrics.common import (
    CustomerOrders,
    customer_orders,
    day_number,
    label_codes,
    until_end_of,
)
from deckgen.metrics.segments import (
    AGE_BANDS,
    UNKNOWN,
    CustomerAttributes,
    RfmScores,
    SegmentationResult,
    age_band_codes,
    customer_attributes,
    score_rfm,
)
from deckgen.period import Period

FIRST_YEAR_DAYS = 365  # docs/metrics.md#first-year-value
MAX_REASONS = 3
BEST_SEGMENTS = 2  # the first segments of the map are the best customers (Champions, Loyal)
_CLIP = 1e-9  # keeps log-odds finite when the shrinkage is 0

MIN_TRAIT_SHARE = 0.10  # docs/metrics.md#ideal-prospect


@dataclass(frozen=True)
class Reason:
    """An attribute value that lifted a lead's score (docs/metrics.md#prospect-score)."""

    attribute: str  # channel, region or country, age_band, income_band or interest
    value: str
    lift: float  # the value's shrunk conversion rate / the overall rate (> 1)


@dataclass(frozen=True)
class Prospect:
    """One open lead and its expected value (docs/metrics.md#prospect-score)."""

    lead_id: str
    name: str | None  # the prospect's name or company, when given
    channel: str
    created: str  # ISO date the lead was captured
    days_open: int  # days from capture to the period end
    probability: float  # 0..1 chance to convert
    first_year_value: float  # client currency expected in the first 365 days as a customer
    expected_value: float  # client currency: probability x first_year_value
    reasons: tuple[Reason, ...]  # up to 3, strongest lift first


@dataclass(frozen=True)
class ProfileTrait:
    """A value over-represented among the best customers (docs/metrics.md#ideal-prospect)."""

    attribute: str  # channel, country, region, city, age_band, gender, income_band or interest
    value: str
    lift: float  # shrunk P(best | value) / P(best); > 1
    share_of_best: float  # 0..1 of the best customers having the value
    share_of_all: float  # 0..1 of all customers having the value


@dataclass(frozen=True)
class ProspectsResult:
    """Open leads scored at the end of the month, the pipeline value and the ideal prospect."""

    open_leads: int  # leads open at the period end (docs/metrics.md#lead-status)
    history_leads: int  # closed leads (converted or lost) the rates are learned from
    base_rate: float | None  # 0..1 converted / closed; None without closed leads
    pipeline_value: float  # client currency: expected value summed over all open leads
    expected_customers: float  # open leads expected to convert (sum of probabilities)
    top: tuple[Prospect, ...]  # highest expected value first; empty without closed leads
    best_segments: tuple[str, ...]  # the RFM segments counted as the best customers
    best_customers: int
    profile: tuple[ProfileTrait, ...]  # one value per attribute, highest lift first


@dataclass(frozen=True)
class CustomerSide:
    """What prospect scoring reads of the customers (not of the leads)."""

    best_segments: tuple[str, ...]  # the RFM segments counted as the best customers
    best_customers: int
    profile: tuple[ProfileTrait, ...]  # docs/metrics.md#ideal-prospect
    first_year: _Value  # docs/metrics.md#first-year-value


def customer_side(
    tables: Tables,
    period: Period,
    settings: MetricsSettings,
    segmentation: SegmentationResult,
    rfm: RfmScores | None = None,
    channel_of: pd.Series | None = None,
    attributes: CustomerAttributes | None = None,
) -> CustomerSide:
    """The best customers' profile and a new customer's first-year value. `rfm`, `channel_of`
    (acquisition_channel_of the ordering customers) and `attributes` (customer_attributes of
    them): the deck's shared intermediates, computed here when not given."""
    orders = customer_orders(tables.orders, period, tables.returns)
    if channel_of is None:
        channel_of = acquisition_channel_of(tables, period, orders.ids)
    if rfm is None:
        rfm = score_rfm(orders, period, settings)
    best_segments = tuple(s.name for s in segmentation.rfm.segments[:BEST_SEGMENTS])
    # Every customer in `orders` has an order by the end, so segments align with the codes.
    best = np.isin(rfm.segment, [rfm.names.index(name) for name in best_segments])
    if attributes is None:
        attributes = customer_attributes(tables, orders)
    return CustomerSide(
        best_segments=best_segments,
        best_customers=int(best.sum()),
        profile=_profile(attributes, channel_of, best, settings.prospect_shrinkage),
        first_year=_first_year_value(orders, channel_of, period, settings.prospect_shrinkage),
    )


def compute_prospects(
    tables: Tables,
    period: Period,
    settings: MetricsSettings,
    segmentation: SegmentationResult,
    customers: CustomerSide | None = None,
) -> ProspectsResult | None:
    """Open leads by expected value and the ideal-prospect profile; None without a leads sheet.
    `customers`: customer_side of the deck (from its shared intermediates), computed here when
    not given."""
    if not has_leads(tables):
        return None
    if customers is None:
        customers = customer_side(tables, period, settings, segmentation)
    store = lead_store_of(tables)
    leads = _stored_leads(store, period) if store is not None else _frame_leads(tables, period)
    base_rate = leads.converted / leads.closed if leads.closed else None
    open_count = len(leads.open_rows)
    expected = probability = np.zeros(open_count)
    top: tuple[Prospect, ...] = ()
    if base_rate is not None:
        scored = [
            _rates(name, labels, n, k, base_rate, settings.prospect_shrinkage)
            for name, labels, n, k in leads.closed_counts
        ]
        # Scored by group of equal values; each lead then takes its group's figures.
        group_probability = _probability(scored, leads.open_codes, base_rate)
        value = customers.first_year
        channel = scored[0]
        by_code = [value.by_channel.get(label, value.overall) for label in channel.labels]
        group_first_year = np.asarray([*by_code, value.overall])[leads.open_codes[0]]
        group = leads.group if leads.group is not None else np.arange(open_count)
        probability = group_probability[group]
        first_year = group_first_year[group]
        expected = probability * first_year
        chosen = _highest(expected, leads.open_rows, leads.lead_ids, settings.prospects_top_n)
        details = leads.details(leads.open_rows[chosen])
        top = tuple(
            _prospect(
                details.iloc[n],
                period,
                float(probability[i]),
                float(first_year[i]),
                _reasons(scored, [codes[group[i]] for codes in leads.open_codes], base_rate),
            )
            for n, i in enumerate(chosen)
        )
    return ProspectsResult(
        open_leads=open_count,
        history_leads=leads.closed,
        base_rate=base_rate,
        pipeline_value=float(expected.sum()),
        expected_customers=float(probability.sum()),
        top=top,
        best_segments=customers.best_segments,
        best_customers=customers.best_customers,
        profile=customers.profile,
    )


def _highest(
    expected: np.ndarray,
    rows: np.ndarray,
    lead_ids: Callable[[np.ndarray], np.ndarray],
    count: int,
) -> np.ndarray:
    """Positions of the `count` highest `expected` values, ties by lead_id (of sheet `rows`)."""
    candidates = np.arange(len(expected))
    if 0 < count < len(expected) and not np.isnan(expected).any():
        # Only the values at or above the count-th highest can make the list: sort those alone.
        floor = np.partition(expected, len(expected) - count)[len(expected) - count]
        candidates = np.flatnonzero(expected >= floor)
    ids = lead_ids(rows[candidates])
    return candidates[np.lexsort((ids, -expected[candidates]))][:count]


def _prospect(
    lead: pd.Series,
    period: Period,
    probability: float,
    first_year_value: float,
    reasons: tuple[Reason, ...],
) -> Prospect:
    """The Prospect of an open lead (`lead`: its lead_id, name, channel and created_date)."""
    created = pd.Timestamp(lead["created_date"]).date()
    name = lead["name"]
    return Prospect(
        lead_id=str(lead["lead_id"]),
        name=None if pd.isna(name) else str(name),
        channel=str(lead["channel"]),
        created=created.isoformat(),
        days_open=(period.end - created).days,
        probability=probability,
        first_year_value=first_year_value,
        expected_value=probability * first_year_value,
        reasons=reasons,
    )


@dataclass(frozen=True)
class _AttributeRates:
    """Shrunk conversion rates of one lead attribute's values (docs/metrics.md#prospect-score)."""

    name: str
    labels: tuple[str, ...]
    rate: np.ndarray  # shrunk rate of each value, 0..1
    log_odds: np.ndarray  # logit(rate) - logit(base rate), then 0 for code -1


@dataclass(frozen=True)
class _Value:
    """Expected first-year revenue of a new customer (docs/metrics.md#first-year-value)."""

    overall: float  # client currency
    by_channel: dict[str, float]  # client currency, shrunk toward overall


@dataclass(frozen=True)
class _Leads:
    """The leads captured by the period end as scoring reads them (docs/metrics.md#lead-status)."""

    converted: int  # converted by the period end
    closed: int  # converted or lost
    # Per scored attribute: name, labels, and closed (n) and converted (k) leads of each label
    closed_counts: tuple[tuple[str, tuple[str, ...], np.ndarray, np.ndarray], ...]
    open_codes: list[np.ndarray]  # per attribute, the label code (-1 none) of each open group
    group: np.ndarray | None  # the group of each open lead; None: one group per open lead
    open_rows: np.ndarray  # sheet row (0-based) of each open lead
    lead_ids: Callable[[np.ndarray], np.ndarray]  # lead_id (str) of sheet rows
    details: Callable[[np.ndarray], pd.DataFrame]  # lead_id, name, channel, created_date of rows


def _frame_leads(tables: Tables, period: Period) -> _Leads:
    """The leads of `tables` (in memory) as scoring reads them, one group per open lead."""
    leads = tables.leads
    assert leads is not None
    # The leads captured by the period end, as a mask: the text columns are never copied.
    kept = until_end_of(leads["created_date"], period).to_numpy(dtype=bool)
    converted, closed, still_open = (status[kept] for status in _status_at(leads, period))
    counts = []
    open_codes = []
    for name, (codes, labels) in _lead_attributes(leads, kept).items():
        known = closed & (codes >= 0)
        n = np.bincount(codes[known], minlength=len(labels))
        k = np.bincount(codes[known & converted], minlength=len(labels))
        counts.append((name, labels, n, k))
        open_codes.append(codes[still_open])
    shown = [c for c in ("lead_id", "name", "channel", "created_date") if c in leads.columns]

    def details(rows: np.ndarray) -> pd.DataFrame:
        found = leads.iloc[rows][shown].reset_index(drop=True)
        return found if "name" in found.columns else found.assign(name=None)

    return _Leads(
        converted=int(converted.sum()),
        closed=int(closed.sum()),
        closed_counts=tuple(counts),
        open_codes=open_codes,
        group=None,
        open_rows=np.flatnonzero(kept)[still_open],
        lead_ids=lambda rows: leads["lead_id"].take(rows).to_numpy(dtype=str),
        details=details,
    )


def _stored_leads(store: LeadStore, period: Period) -> _Leads:
    """The leads left in their file (deckgen.data.lead_store) as scoring reads them, the open
    ones grouped by their combination of values."""
    end = day_number(period.end)
    converted, closed, _ = store.statuses(end)
    combos = store.open_combos(end)
    counts = []
    open_codes = []
    for attribute, column in store.present.items():
        found = store.closed_counts(end, attribute)
        if attribute == "age":
            name, labels = "age_band", AGE_BANDS
            codes = age_band_codes(found["value"].astype("Float64"))
        else:
            name = column
            codes, labels = label_codes(found["value"].astype("string"))
        known = codes >= 0
        size = len(labels)
        n = np.bincount(codes[known], weights=found["closed"][known], minlength=size)
        k = np.bincount(codes[known], weights=found["converted"][known], minlength=size)
        counts.append((name, labels, n.astype(np.int64), k.astype(np.int64)))
        values = combos.values[f"a_{attribute}"]
        if attribute == "age":
            position = pd.Index(found["value"].astype("Float64")).get_indexer(
                values.astype("Float64")
            )
        else:
            position = pd.Index(found["value"].astype("string")).get_indexer(
                values.astype("string")
            )
        open_codes.append(codes[position])
    return _Leads(
        converted=converted,
        closed=closed,
        closed_counts=tuple(counts),
        open_codes=open_codes,
        group=combos.combo,
        open_rows=combos.rows,
        lead_ids=store.lead_ids,
        details=store.rows,
    )


def _status_at(leads: pd.DataFrame, period: Period) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Converted, closed and open masks of the leads (docs/metrics.md#lead-status)."""
    status = leads["status"]

    def has(value: str) -> np.ndarray:
        return (status == value).to_numpy(dtype=bool, na_value=False)

    if "converted_date" in leads.columns:
        later = ~until_end_of(leads["converted_date"], period).to_numpy(dtype=bool, na_value=False)
        later &= leads["converted_date"].notna().to_numpy(dtype=bool)
    else:
        later = np.zeros(len(leads), dtype=bool)
    marked = has("converted")
    converted = marked & ~later
    return converted, converted | has("lost"), has("open") | (marked & later)


def _lead_attributes(
    leads: pd.DataFrame, kept: np.ndarray
) -> dict[str, tuple[np.ndarray, tuple[str, ...]]]:
    """Codes (-1: no value, no evidence either way) and labels of the attributes scored, for
    the `kept` leads, each in the smallest integer type that holds them."""
    found = {"channel": label_codes(leads["channel"], kept)}
    geography = "region" if "region" in leads.columns else "country"
    if geography in leads.columns:
        found[geography] = label_codes(leads[geography], kept)
    if "age" in leads.columns:
        found["age_band"] = (age_band_codes(leads["age"])[kept], AGE_BANDS)
    for name in ("income_band", "interest"):
        if name in leads.columns:
            found[name] = label_codes(leads[name], kept)
    # Held while every lead is scored: one byte a lead, not eight (2.9M leads: 20 MB, not 160).
    return {
        name: (codes.astype(np.min_scalar_type(-max(len(labels), 1))), labels)
        for name, (codes, labels) in found.items()
    }


def _logit(p: np.ndarray | float) -> np.ndarray | float:
    p = np.clip(p, _CLIP, 1 - _CLIP)
    return np.log(p / (1 - p))


def _rates(
    name: str,
    labels: tuple[str, ...],
    n: np.ndarray,
    k: np.ndarray,
    base_rate: float,
    shrinkage: float,
) -> _AttributeRates:
    """Each value's rate (converted + s x base) / (closed + s) (docs/metrics.md#prospect-score),
    from its closed (`n`) and converted (`k`) leads."""
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = (k + shrinkage * base_rate) / (n + shrinkage)
    # A value never seen closed (possible only without shrinkage) says nothing: the base rate.
    rate = np.where(n + shrinkage > 0, rate, base_rate)
    log_odds = np.append(_logit(rate) - _logit(base_rate), 0.0)
    return _AttributeRates(name, labels, rate, log_odds)


def _probability(
    attributes: list[_AttributeRates], codes: list[np.ndarray], base_rate: float
) -> np.ndarray:
    """P(convert) of each lead: the base odds times each known value's odds ratio."""
    n = len(codes[0])
    if base_rate in (0.0, 1.0):
        return np.full(n, base_rate)
    log_odds = np.full(n, _logit(base_rate))
    for attribute, lead_codes in zip(attributes, codes, strict=True):
        log_odds += attribute.log_odds[lead_codes]  # code -1 takes the trailing 0
    return 1 / (1 + np.exp(-log_odds))


def _reasons(
    attributes: list[_AttributeRates], codes: list[int], base_rate: float
) -> tuple[Reason, ...]:
    """The lead's values with a lift above 1, strongest first, at most MAX_REASONS."""
    if base_rate == 0:
        return ()
    found = [
        Reason(attribute.name, attribute.labels[code], float(attribute.rate[code]) / base_rate)
        for attribute, code in zip(attributes, codes, strict=True)
        if code >= 0 and attribute.rate[code] > base_rate
    ]
    found.sort(key=lambda r: (-r.lift, r.attribute))
    return tuple(found[:MAX_REASONS])


def _first_year_value(
    orders: CustomerOrders, channel_of: pd.Series, period: Period, shrinkage: float
) -> _Value:
    """Mean first-year revenue per new customer, overall and by acquisition channel."""
    if len(orders.ids) == 0:
        return _Value(0.0, {})
    revenue = orders.revenue(orders.first_day, orders.first_day + FIRST_YEAR_DAYS)
    complete = orders.first_day + FIRST_YEAR_DAYS <= day_number(period.end) + 1
    pool = complete if complete.any() else np.ones(len(orders.ids), dtype=bool)
    overall = float(revenue[pool].mean())
    codes, labels = label_codes(channel_of)
    known = pool & (codes >= 0)
    n = np.bincount(codes[known], minlength=len(labels))
    total = np.bincount(codes[known], weights=revenue[known], minlength=len(labels))
    return _Value(
        overall,
        {
            label: float((total[i] + shrinkage * overall) / (n[i] + shrinkage))
            for i, label in enumerate(labels)
            if n[i] + shrinkage > 0
        },
    )


def _profile(
    customers: CustomerAttributes, channel_of: pd.Series, best: np.ndarray, shrinkage: float
) -> tuple[ProfileTrait, ...]:
    """The value of each attribute with the highest lift among the best customers, if > 1."""
    if not best.any():
        return ()
    interests = customers.interests
    owner = interests["customer"].to_numpy(dtype=np.int64)
    attributes = {
        name: (codes, labels, best)
        for name, (codes, labels) in {"channel": label_codes(channel_of), **customers.codes}.items()
    }
    attributes["interest"] = (*label_codes(interests["interest"]), best[owner])
    found = [
        _trait(name, codes, labels, is_best, len(best), int(best.sum()), shrinkage)
        for name, (codes, labels, is_best) in attributes.items()
    ]
    return tuple(sorted((t for t in found if t is not None), key=lambda t: (-t.lift, t.attribute)))


def _trait(
    name: str,
    codes: np.ndarray,
    labels: tuple[str, ...],
    is_best: np.ndarray,
    n: int,
    n_best: int,
    shrinkage: float,
) -> ProfileTrait | None:
    """The value with the highest shrunk lift if above 1 (docs/metrics.md#ideal-prospect)."""
    q = n_best / n
    known = codes >= 0
    size = np.bincount(codes[known], minlength=len(labels))
    in_best = np.bincount(codes[known & is_best], minlength=len(labels))
    with np.errstate(invalid="ignore", divide="ignore"):
        lift = (in_best + shrinkage * q) / (size + shrinkage) / q
    candidates = [i for i, label in enumerate(labels) if label != UNKNOWN and size[i]]
    # A trait a salesperson can target: held by a real share of the best customers.
    candidates = [i for i in candidates if lift[i] > 1 and in_best[i] >= MIN_TRAIT_SHARE * n_best]
    if not candidates:
        return None
    # Equal lifts: the value more of the best customers have, then by name.
    i = min(candidates, key=lambda i: (-lift[i], -in_best[i], labels[i]))
    return ProfileTrait(
        attribute=name,
        value=labels[i],
        lift=float(lift[i]),
        share_of_best=int(in_best[i]) / n_best,
        share_of_all=int(size[i]) / n,
    )
