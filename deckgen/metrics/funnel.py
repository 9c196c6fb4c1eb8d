"""The lifecycle funnel: reach, acquisition, conversion, retention and loyalty, stage by stage."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from deckgen.config import MetricsSettings
from deckgen.data.lead_store import LeadStore, lead_store_of
from deckgen.data.tables import Tables
from deckgen.metrics.common import (
    NEVER,
    Change,
    ClubJoins,
    CustomerOrders,
    PurchaseOccasions,
    club_joins,
    customer_orders,
    day_number,
    day_numbers,
    month_edges,
    month_index,
    order_codes_of,
    positions_in,
    ratio,
    until_end_of,
)
from deckgen.metrics.signal import RateKind, is_thin
from deckgen.period import Period


class Stage(StrEnum):
    """A stage of the lifecycle funnel, in funnel order (docs/metrics.md#lifecycle-funnel)."""

    REACH = "reach"
    ACQUISITION = "acquisition"
    CONVERSION = "conversion"
    RETENTION = "retention"
    LOYALTY = "loyalty"


STAGES: tuple[Stage, ...] = tuple(Stage)
COHORT_STAGES: tuple[Stage, ...] = (Stage.RETENTION, Stage.LOYALTY)  # #funnel-groups
BENCHMARK_MONTHS = 12  # docs/metrics.md#funnel-leak
LOYALTY_WINDOW_MONTHS = 12  # docs/metrics.md#frequent-buyers, #club-active-members
SHORTEST_MONTH_DAYS = 28  # no month of either calendar is shorter: the cohort lag's unit
# docs/metrics.md#funnel-leak: conversion / norm at or below BELOW_NORM is below its norm, at or
# above ABOVE_NORM above it, in between near it.
BELOW_NORM = 0.9
ABOVE_NORM = 1.1

# Columns of the monthly counts: the benchmark months, then the reporting month.
_MONTHS = BENCHMARK_MONTHS + 1
_CURRENT, _PREVIOUS = _MONTHS - 1, _MONTHS - 2


class FunnelGroup(StrEnum):
    """Whom a stage's conversion follows (docs/metrics.md#funnel-groups)."""

    MONTH = "month"  # the month's flow, divided by the stage before's flow of the same month
    COHORT = "cohort"  # the cohort month's new customers, followed to the month's end


class NormStatus(StrEnum):
    """A stage's conversion against its 12-month norm (docs/metrics.md#funnel-leak)."""

    BELOW = "below"  # at most BELOW_NORM of the norm
    NEAR = "near"
    ABOVE = "above"  # at least ABOVE_NORM of the norm
    UNKNOWN = "unknown"  # no conversion this month or no norm yet


@dataclass(frozen=True)
class FunnelStep:
    """One funnel stage in the month (docs/metrics.md#lifecycle-funnel)."""

    stage: str  # reach, acquisition, conversion, retention or loyalty
    group: FunnelGroup  # whose conversion this is: the month's flow or the cohort
    # A cohort stage the orders do not reach (they begin after the cohort month) cannot be
    # judged: count and base None, not 0.
    count: Change | None  # people in the stage (see group); None without the data
    base: Change | None  # the n the conversion divides by: the group in the stage before
    # count / base, docs/metrics.md#stage-conversion; None for reach or an empty base
    conversion: Change | None
    drop_off: float | None  # 1 - conversion (negative when a month flow gained more than fed)
    benchmark: (
        float | None
    )  # median conversion of the 12 months before, docs/metrics.md#funnel-leak
    norm_index: float | None  # conversion / benchmark; None without either or a zero benchmark
    vs_norm: NormStatus  # docs/metrics.md#funnel-leak
    # A month inside the window without a rate (not covered, or an empty base) is skipped by the
    # median, as in a full 12; a month converting no one is a rate of 0 and counts.
    benchmark_months: int  # months back to the first of the 12 before with a conversion; 0: none

    @property
    def thin(self) -> bool:
        """The conversion rests on fewer cases than a conversion needs (#minimum-n)."""
        return self.base is None or is_thin(RateKind.CONVERSION, self.base.current)


@dataclass(frozen=True)
class FunnelResult:
    """The five stages of the month against the month before, and the biggest leak."""

    steps: tuple[FunnelStep, ...]  # the five stages in STAGES order
    loyalty_rule: str  # "club" or "orders" (also when there is no club data), #loyalty-rule
    cohort: Period  # the month whose new customers the cohort stages follow
    retention_window_days: int  # W: a retained customer bought again within W days
    lead_to_customer_days: Change | None  # median days, docs/metrics.md#time-to-convert
    converted_leads: int  # leads behind the month's median
    biggest_leak: str | None  # docs/metrics.md#funnel-leak; None when no stage is a leak


@dataclass(frozen=True)
class _Stage:
    """A stage's people per month of the window and its base, with the months its data covers."""

    counts: np.ndarray  # people per month, oldest first; the last is the reporting month
    covered: np.ndarray  # bool per month: the stage's data reaches into it
    base: np.ndarray | None = None  # the cohort stages' own base per month; None: the stage before


def cohort_lag_months(window_days: int) -> int:
    """Months from the cohort to the reporting month: every cohort customer has had
    `window_days` days after their first order by the reporting month's end."""
    return max(1, math.ceil(window_days / SHORTEST_MONTH_DAYS))


def compute_funnel(
    tables: Tables, period: Period, settings: MetricsSettings, club: ClubJoins | None = None
) -> FunnelResult:
    """The five-stage funnel of `period` with stage conversions, changes and the biggest leak
    (`club`: the deck's shared club_joins, computed here when not given)."""
    months = period.trailing(_MONTHS)
    month_ends = month_edges(months)[1:] - 1
    orders = customer_orders(tables.orders, period, tables.returns)
    if club is None:
        club = club_joins(tables, period, orders)
    use_club = settings.loyalty_rule == "club" and club.by_id is not None
    lag = cohort_lag_months(settings.retention_window_days)
    stages: dict[str, _Stage | None] = {
        "reach": _reach(tables, period, months, month_ends),
        "acquisition": _leads_created(tables, period, months, month_ends),
        "conversion": _entries(orders.first_day, months, month_ends, _first(orders.day)),
        **_cohort_stages(orders, months, lag, settings, club.by_code if use_club else None),
    }
    steps = [_step(stages, k) for k in range(len(STAGES))]
    days, converted_leads = _lead_to_customer_days(tables, period, orders, months)
    return FunnelResult(
        steps=tuple(steps),
        loyalty_rule="club" if use_club else "orders",
        cohort=period.shift(-lag),
        retention_window_days=settings.retention_window_days,
        lead_to_customer_days=days,
        converted_leads=converted_leads,
        biggest_leak=_biggest_leak(steps),
    )


def _step(stages: dict[str, _Stage | None], k: int) -> FunnelStep:
    """Stage number `k` of STAGES, with its conversion against its base and its norm."""
    name = STAGES[k]
    stage = stages[name]
    group = FunnelGroup.COHORT if name in COHORT_STAGES else FunnelGroup.MONTH
    if stage is None:
        return FunnelStep(name, group, None, None, None, None, None, None, NormStatus.UNKNOWN, 0)
    cohort = stages[Stage.RETENTION]
    # The orders begin after the cohort month: neither the stage nor the cohort it divides by
    # is judged, not 0.
    unreached = group == FunnelGroup.COHORT and cohort is not None and not cohort.covered[_CURRENT]
    count = None if unreached else _change(stage.counts, stage.covered)
    base_counts, covered = _base(stages, k)
    base = None if base_counts is None or unreached else _change(base_counts, covered)
    rates: list[float | None] = [None] * _MONTHS
    if base_counts is not None:
        rates = [
            ratio(int(stage.counts[m]), int(base_counts[m])) if covered[m] else None
            for m in range(_MONTHS)
        ]
    conversion = None
    if rates[_CURRENT] is not None:
        conversion = Change(rates[_CURRENT], rates[_PREVIOUS])
    benchmark = _median(rates[:_CURRENT])
    index = None
    if conversion is not None and benchmark:
        index = conversion.current / benchmark
    return FunnelStep(
        stage=name,
        group=group,
        count=count,
        base=base,
        conversion=conversion,
        drop_off=None if conversion is None else 1 - conversion.current,
        benchmark=benchmark,
        norm_index=index,
        vs_norm=_vs_norm(conversion, benchmark, index),
        benchmark_months=_norm_span(rates[:_CURRENT]),
    )


def _base(stages: dict[str, _Stage | None], k: int) -> tuple[np.ndarray | None, np.ndarray]:
    """The group stage `k` converts from, per month, and the months both cover."""
    stage = stages[STAGES[k]]
    assert stage is not None
    if stage.base is not None:
        return stage.base, stage.covered
    before = stages[STAGES[k - 1]] if k else None
    if before is None:
        return None, np.zeros(_MONTHS, dtype=bool)
    return before.counts, before.covered & stage.covered


def _change(counts: np.ndarray, covered: np.ndarray) -> Change:
    """The reporting month's count against the month before's, when the data covers it."""
    previous = int(counts[_PREVIOUS]) if covered[_PREVIOUS] else None
    return Change(int(counts[_CURRENT]), previous)


def _vs_norm(conversion: Change | None, benchmark: float | None, index: float | None) -> NormStatus:
    """Below, near or above the norm (docs/metrics.md#funnel-leak)."""
    if conversion is None or benchmark is None:
        return NormStatus.UNKNOWN
    if index is None:  # a zero norm: any conversion is above it, none is at it
        return NormStatus.ABOVE if conversion.current > 0 else NormStatus.NEAR
    if index <= BELOW_NORM:
        return NormStatus.BELOW
    return NormStatus.ABOVE if index >= ABOVE_NORM else NormStatus.NEAR


def _first(days: np.ndarray) -> int | None:
    """The first day of some data; None when there is none."""
    return int(days.min()) if len(days) else None


def _covered(start: int | None, month_ends: np.ndarray) -> np.ndarray:
    """Months the data reaches back to (their last day is on or after its first day)."""
    if start is None:
        return np.zeros(len(month_ends), dtype=bool)
    return month_ends >= start


def _entries(
    days: np.ndarray,
    months: tuple[Period, ...],
    month_ends: np.ndarray,
    start: int | None,
    people: np.ndarray | None = None,
) -> _Stage:
    """Entries per month from one entry day per person (or `people` entries on each of the
    `days`), for data starting on day `start`."""
    index = month_index(days, months)
    inside = index >= 0
    weights = None if people is None else people[inside]
    counts = np.bincount(index[inside], weights=weights, minlength=len(months))
    return _Stage(counts=counts.astype(np.int64), covered=_covered(start, month_ends))


def _reach(
    tables: Tables, period: Period, months: tuple[Period, ...], month_ends: np.ndarray
) -> _Stage | None:
    """Audience reached per month, from the channels sheet (docs/metrics.md#funnel-reach)."""
    if tables.channels is None:
        return None
    sheet = tables.channels[until_end_of(tables.channels["month"], period)]
    days = day_numbers(sheet["month"])
    index = month_index(days, months)
    reach = sheet["reach"].to_numpy(dtype=np.float64, na_value=0.0)
    counts = np.bincount(index[index >= 0], weights=reach[index >= 0], minlength=len(months))
    return _Stage(counts=counts.astype(np.int64), covered=_covered(_first(days), month_ends))


def _leads_created(
    tables: Tables, period: Period, months: tuple[Period, ...], month_ends: np.ndarray
) -> _Stage | None:
    store = lead_store_of(tables)
    if store is not None:
        days, people = store.created(day_number(period.end))
        return _entries(days, months, month_ends, _first(days), people)
    if tables.leads is None:
        return None
    created = tables.leads["created_date"]
    days = day_numbers(created)  # masked as numbers: a masked Series indexes its rows first
    days = days[until_end_of(created, period).to_numpy(dtype=bool)]
    return _entries(days, months, month_ends, _first(days))


def _cohort_stages(
    orders: CustomerOrders,
    months: tuple[Period, ...],
    lag: int,
    settings: MetricsSettings,
    member_since: np.ndarray | None,
) -> dict[str, _Stage]:
    """Retention and loyalty of each month's cohort (docs/metrics.md#funnel-groups).

    For each month m, the cohort is the customers whose first order falls `lag` months
    earlier; retained: their second purchase occasion came within W days of the first;
    loyal: retained and, at m's end, in the loyalty stock (docs/metrics.md#loyalty-rule);
    `member_since`: each customer's club join day (ClubJoins.by_code), None: not the club rule.
    """
    occasions = orders.occasions
    window = settings.retention_window_days
    cohorts = tuple(m.shift(-lag) for m in months)
    cohort_of = month_index(orders.first_day, cohorts)
    # Each customer's second occasion: the next day after their first (NEVER for one-timers).
    second = occasions.next_day[occasions.first_positions()]
    retained = second - orders.first_day <= window
    ends = month_edges(months)[1:] - 1
    sizes = np.zeros(len(months), dtype=np.int64)
    kept = np.zeros(len(months), dtype=np.int64)
    loyal = np.zeros(len(months), dtype=np.int64)
    for m, month in enumerate(months):
        cohort = np.flatnonzero(cohort_of == m)
        stayed = cohort[retained[cohort]]
        sizes[m], kept[m] = len(cohort), len(stayed)
        stock = _in_loyalty_stock(stayed, occasions, month, ends[m], settings, member_since)
        loyal[m] = int(stock.sum())
    start = _first(orders.day)
    cohort_ends = month_edges(cohorts)[1:] - 1
    covered = _covered(start, cohort_ends)
    club_covered = covered
    if member_since is not None:
        joined = member_since[member_since != NEVER]
        club_start = int(joined.min()) if len(joined) else None
        club_covered = covered & _covered(club_start, ends)
    return {
        "retention": _Stage(counts=kept, covered=covered, base=sizes),
        "loyalty": _Stage(counts=loyal, covered=club_covered, base=kept),
    }


def _in_loyalty_stock(
    codes: np.ndarray,
    occasions: PurchaseOccasions,
    month: Period,
    end: int,
    settings: MetricsSettings,
    member_since: np.ndarray | None,
) -> np.ndarray:
    """Which of the customer `codes` are in the loyalty stock at day `end`: active club members,
    or frequent buyers without a club (docs/metrics.md#loyalty-rule)."""
    start = day_number(month.shift(1 - LOYALTY_WINDOW_MONTHS).start)
    recent = occasions.counts_of(codes, start, end + 1)
    if member_since is None:
        return recent >= settings.loyalty_min_orders
    return (member_since[codes] <= end) & (recent >= 1)


def _norm_span(rates: list[float | None]) -> int:
    """Months from the earliest month with a rate to the last of `rates` (oldest first)."""
    first = next((m for m, r in enumerate(rates) if r is not None), len(rates))
    return len(rates) - first


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(np.median(known)) if known else None


def _biggest_leak(steps: list[FunnelStep]) -> str | None:
    """The stage furthest below its norm, of those whose base is not thin; None when none is."""
    below = [
        (s.norm_index, k, s.stage)
        for k, s in enumerate(steps)
        if s.vs_norm == NormStatus.BELOW and s.norm_index is not None and not s.thin
    ]
    return min(below)[2] if below else None


def _lead_to_customer_days(
    tables: Tables, period: Period, orders: CustomerOrders, months: tuple[Period, ...]
) -> tuple[Change | None, int]:
    """Median days from lead capture to first order, over leads converting in each month."""
    store = lead_store_of(tables)
    if store is not None:
        on_day, days = store.conversion_days(*_conversion_query(period, orders))
        return _median_days(days, month_index(on_day, months))
    leads = tables.leads
    if leads is None:
        return None, 0
    # The leads captured by the period end, as a mask: the text columns are never copied.
    kept = until_end_of(leads["created_date"], period).to_numpy(dtype=bool)
    converted_on = np.full(int(kept.sum()), np.iinfo(np.int64).min, dtype=np.int64)
    if "converted_date" in leads.columns:
        converted_on = day_numbers(leads["converted_date"])[kept]
    if "customer_id" in leads.columns:
        position = order_codes_of(orders, tables, "leads")
        if position is None:
            position = positions_in(leads["customer_id"], orders.ids)
        position = position[kept]
        known = position >= 0
        converted_on[known] = orders.first_day[position[known]]
    converted = (leads["status"] == "converted").to_numpy(dtype=bool, na_value=False)[kept]
    converted &= converted_on != np.iinfo(np.int64).min
    days = converted_on[converted] - day_numbers(leads["created_date"])[kept][converted]
    return _median_days(days, month_index(converted_on[converted], months))


def lead_days_ahead(tables: Tables, period: Period, orders: CustomerOrders) -> None:
    """Start the leads' query of the lead-to-customer days (LeadStore.conversion_days) in the
    store's worker (LeadStore.prefetch) as soon as the customers' first days are known, for
    compute_funnel's to take its answer (`orders`: the very customer_orders it reads)."""
    store = lead_store_of(tables)
    if store is not None:
        store.ask_ahead(LeadStore.conversion_days, *_conversion_query(period, orders))


def _conversion_query(
    period: Period, orders: CustomerOrders
) -> tuple[int, int, pd.Index, np.ndarray]:
    """LeadStore.conversion_days's arguments for `period`: the conversions of the reporting
    month and the month before, to its end."""
    start = period.trailing(_MONTHS)[_PREVIOUS].start
    return day_number(period.end), day_number(start), orders.ids, orders.first_day


def _median_days(days: np.ndarray, month: np.ndarray) -> tuple[Change | None, int]:
    """Median `days` of the conversions in the reporting month against the month before
    (`month`: window month of each), and how many the reporting month has."""
    valid = days >= 0
    current = days[valid & (month == _CURRENT)]
    previous = days[valid & (month == _PREVIOUS)]
    if len(current) == 0:
        return None, 0
    median_before = float(np.median(previous)) if len(previous) else None
    return Change(float(np.median(current)), median_before), len(current)
