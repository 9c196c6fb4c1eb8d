"""The lifecycle funnel: people entering reach, acquisition, conversion, retention and loyalty."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import numpy as np

from deckgen.config import MetricsSettings
from deckgen.data.tables import Tables
from deckgen.metrics.common import (
    Change,
    CustomerOrders,
    PurchaseOccasions,
    club_join_days,
    customer_orders,
    day_numbers,
    month_edges,
    month_index,
    positions_in,
    ratio,
    until_end_of,
)
from deckgen.period import Period


class Stage(StrEnum):
    """A stage of the lifecycle funnel, in funnel order (docs/metrics.md#lifecycle-funnel)."""

    REACH = "reach"
    ACQUISITION = "acquisition"
    CONVERSION = "conversion"
    RETENTION = "retention"
    LOYALTY = "loyalty"


STAGES: tuple[Stage, ...] = tuple(Stage)
BENCHMARK_MONTHS = 12  # docs/metrics.md#funnel-leak
LOYALTY_WINDOW_MONTHS = 12  # docs/metrics.md#funnel-loyalty (orders rule)

# Columns of the monthly counts: the benchmark months, then the reporting month.
_MONTHS = BENCHMARK_MONTHS + 1
_CURRENT, _PREVIOUS = _MONTHS - 1, _MONTHS - 2


@dataclass(frozen=True)
class FunnelStep:
    """One funnel stage in the month (docs/metrics.md#lifecycle-funnel)."""

    stage: str  # reach, acquisition, conversion, retention or loyalty
    count: Change | None  # people entering the stage in the month; None without the data
    # count / the previous stage's count, a ratio of the month's flows that can exceed 1;
    # None for reach, a missing stage or an empty previous stage (docs/metrics.md#stage-conversion)
    conversion: Change | None
    drop_off: float | None  # 1 - conversion (negative when the stage gained more than it was fed)
    benchmark: (
        float | None
    )  # median conversion of the 12 months before (docs/metrics.md#funnel-leak)


@dataclass(frozen=True)
class FunnelResult:
    """The five stages of the month against the month before, and the biggest leak."""

    steps: tuple[FunnelStep, ...]  # the five stages in STAGES order
    loyalty_rule: str  # the rule applied: "club", or "orders" (also when there is no club data)
    lead_to_customer_days: Change | None  # median days, docs/metrics.md#time-to-convert
    converted_leads: int  # leads behind the month's median
    biggest_leak: str | None  # docs/metrics.md#funnel-leak; None when no conversion is defined


@dataclass(frozen=True)
class _Stage:
    """A stage's entries per month of the window and the first day its data covers."""

    counts: np.ndarray  # people per month, oldest first; the last is the reporting month
    start: int | None  # first day of data; None when the data is empty


def compute_funnel(tables: Tables, period: Period, settings: MetricsSettings) -> FunnelResult:
    """The five-stage funnel of `period` with stage conversions, changes and the biggest leak."""
    months = period.trailing(_MONTHS)
    orders = customer_orders(tables.orders, period)
    by_customer = orders.occasions
    joins = club_join_days(tables, period)
    use_club = settings.loyalty_rule == "club" and joins is not None and len(joins) > 0
    start = _first(orders.day)
    stages: dict[str, _Stage | None] = {
        "reach": _reach(tables, period, months),
        "acquisition": _leads_created(tables, period, months),
        "conversion": _entries(orders.first_day, months, start),
        "retention": _entries(
            _retention_days(by_customer, settings.retention_window_days), months, start
        ),
        "loyalty": _entries(joins.to_numpy(), months, _first(joins.to_numpy()))
        if use_club
        else _loyalty_by_orders(by_customer, period, settings.loyalty_min_orders),
    }
    month_ends = month_edges(months)[1:] - 1
    covered = {
        name: None if stage is None else _covered(stage, month_ends)
        for name, stage in stages.items()
    }
    steps = []
    for k, name in enumerate(STAGES):
        stage = stages[name]
        count = None
        if stage is not None:
            previous = int(stage.counts[_PREVIOUS]) if covered[name][_PREVIOUS] else None
            count = Change(int(stage.counts[_CURRENT]), previous)
        rates = _rates(stages, covered, STAGES[k - 1], name) if k else None
        conversion = None
        if rates is not None and rates[_CURRENT] is not None:
            conversion = Change(rates[_CURRENT], rates[_PREVIOUS])
        steps.append(
            FunnelStep(
                stage=name,
                count=count,
                conversion=conversion,
                drop_off=None if conversion is None else 1 - conversion.current,
                benchmark=None if rates is None else _median(rates[:_CURRENT]),
            )
        )
    days, converted_leads = _lead_to_customer_days(tables, period, orders, months)
    return FunnelResult(
        steps=tuple(steps),
        loyalty_rule="club" if use_club else "orders",
        lead_to_customer_days=days,
        converted_leads=converted_leads,
        biggest_leak=_biggest_leak(steps),
    )


def _covered(stage: _Stage, month_ends: np.ndarray) -> np.ndarray:
    """Months the stage's data reaches back to (their last day is on or after its first day)."""
    if stage.start is None:
        return np.zeros(len(month_ends), dtype=bool)
    return month_ends >= stage.start


def _first(days: np.ndarray) -> int | None:
    """The first day of some data; None when there is none."""
    return int(days.min()) if len(days) else None


def _entries(days: np.ndarray, months: tuple[Period, ...], start: int | None) -> _Stage:
    """Entries per month from one entry day per person, for data starting on day `start`."""
    index = month_index(days, months)
    return _Stage(counts=np.bincount(index[index >= 0], minlength=len(months)), start=start)


def _reach(tables: Tables, period: Period, months: tuple[Period, ...]) -> _Stage | None:
    """Audience reached per month, from the channels sheet (docs/metrics.md#funnel-reach)."""
    if tables.channels is None:
        return None
    sheet = tables.channels[until_end_of(tables.channels["month"], period)]
    days = day_numbers(sheet["month"])
    index = month_index(days, months)
    reach = sheet["reach"].to_numpy(dtype=np.float64, na_value=0.0)
    counts = np.bincount(index[index >= 0], weights=reach[index >= 0], minlength=len(months))
    return _Stage(counts=counts.astype(np.int64), start=_first(days))


def _leads_created(tables: Tables, period: Period, months: tuple[Period, ...]) -> _Stage | None:
    if tables.leads is None:
        return None
    created = tables.leads["created_date"]
    days = day_numbers(created[until_end_of(created, period)])
    return _entries(days, months, _first(days))


def _first_where(customer: np.ndarray, hit: np.ndarray) -> np.ndarray:
    """Positions of each customer's first hit in arrays sorted by customer."""
    positions = np.flatnonzero(hit)
    _, first = np.unique(customer[positions], return_index=True)
    return positions[first]


def _retention_days(orders: PurchaseOccasions, window_days: int) -> np.ndarray:
    """Each customer's first occasion within `window_days` of their previous occasion."""
    gap = np.diff(orders.day)
    same = np.diff(orders.customer) == 0
    hit = np.concatenate(([False], same & (gap <= window_days)))
    return orders.day[_first_where(orders.customer, hit)]


def _loyalty_by_orders(orders: PurchaseOccasions, period: Period, min_orders: int) -> _Stage:
    """Customers first reaching `min_orders` occasions within 12 calendar months, per month."""
    months = period.trailing(_MONTHS)
    if len(orders.day) == 0:
        return _Stage(counts=np.zeros(_MONTHS, dtype=np.int64), start=None)
    first = Period.containing(_date_of(int(orders.day.min())), period.calendar)
    span = (period.year - first.year) * 12 + period.month - first.month + 1
    history = period.trailing(max(span, _MONTHS))
    month = month_index(orders.day, history)
    lag = min_orders - 1
    hit = np.zeros(len(month), dtype=bool)
    if lag == 0:
        hit[:] = True
    elif len(month) > lag:
        same = orders.customer[lag:] == orders.customer[:-lag]
        hit[lag:] = same & (month[lag:] - month[:-lag] < LOYALTY_WINDOW_MONTHS)
    entry = month[_first_where(orders.customer, hit)] - (len(history) - _MONTHS)
    counts = np.bincount(entry[entry >= 0], minlength=len(months))
    return _Stage(counts=counts, start=_first(orders.day))


def _date_of(day: int) -> date:
    """The date of a day number."""
    return date(1970, 1, 1) + timedelta(days=day)


def _rates(
    stages: dict[str, _Stage | None],
    covered: dict[str, np.ndarray | None],
    before: str,
    name: str,
) -> list[float | None] | None:
    """Monthly conversion from stage `before` into `name`; None when either stage is missing."""
    fed, entered = stages[before], stages[name]
    if fed is None or entered is None:
        return None
    both = covered[before] & covered[name]
    return [
        ratio(int(entered.counts[m]), int(fed.counts[m])) if both[m] else None
        for m in range(_MONTHS)
    ]


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(np.median(known)) if known else None


def _biggest_leak(steps: list[FunnelStep]) -> str | None:
    """The stage whose conversion is lowest against its benchmark, else the lowest conversion."""
    against = [
        (s.conversion.current / s.benchmark, k, s.stage)
        for k, s in enumerate(steps)
        if s.conversion is not None and s.benchmark
    ]
    if against:
        return min(against)[2]
    plain = [
        (s.conversion.current, k, s.stage) for k, s in enumerate(steps) if s.conversion is not None
    ]
    return min(plain)[2] if plain else None


def _lead_to_customer_days(
    tables: Tables, period: Period, orders: CustomerOrders, months: tuple[Period, ...]
) -> tuple[Change | None, int]:
    """Median days from lead capture to first order, over leads converting in each month."""
    leads = tables.leads
    if leads is None:
        return None, 0
    leads = leads[until_end_of(leads["created_date"], period)]
    converted_on = np.full(len(leads), np.iinfo(np.int64).min, dtype=np.int64)
    if "converted_date" in leads.columns:
        converted_on = day_numbers(leads["converted_date"])
    if "customer_id" in leads.columns:
        position = positions_in(leads["customer_id"], orders.ids)
        known = position >= 0
        converted_on[known] = orders.first_day[position[known]]
    converted = (leads["status"] == "converted").to_numpy(dtype=bool, na_value=False)
    converted &= converted_on != np.iinfo(np.int64).min
    days = converted_on[converted] - day_numbers(leads["created_date"])[converted]
    month = month_index(converted_on[converted], months)
    valid = days >= 0
    current = days[valid & (month == _CURRENT)]
    previous = days[valid & (month == _PREVIOUS)]
    if len(current) == 0:
        return None, 0
    median_before = float(np.median(previous)) if len(previous) else None
    return Change(float(np.median(current)), median_before), len(current)
