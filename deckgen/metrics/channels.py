"""Acquisition channels: reach, leads, new customers, cost and return of each channel."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from deckgen.config import MetricsSettings
from deckgen.data.cells import arrow_column
from deckgen.data.lead_store import has_leads, lead_store_of
from deckgen.data.tables import Tables
from deckgen.metrics.common import (
    Change,
    as_string,
    covers,
    customer_orders,
    day_number,
    day_numbers,
    label_codes,
    month_index,
    ratio,
    rows_for,
    until_end_of,
)
from deckgen.period import Period

TOTAL = "total"  # the channel name of the totals row
REVENUE_DAYS = 90  # docs/metrics.md#channel-revenue-90d
COHORT_LAG = 3  # months back to the latest cohort with REVENUE_DAYS of history by the end

# Columns of the window: the cohort month before, the cohort month, ..., the month.
_WINDOW = COHORT_LAG + 2
_CURRENT, _PREVIOUS, _COHORT, _COHORT_BEFORE = _WINDOW - 1, _WINDOW - 2, 1, 0


@dataclass(frozen=True)
class CohortReturn:
    """What a channel's customers of the cohort month brought in their first 90 days.

    docs/metrics.md#channel-revenue-90d: the cohort is three months before the reporting
    month, so these figures are for another month than the rest of the channel's row.
    """

    cohort: Period  # the month these customers were acquired in
    customers: int  # customers acquired in the cohort month
    revenue_90d: Change  # client currency, their first 90 days (vs the cohort month before)
    roi_90d: Change | None  # (revenue_90d - the cohort month's spend) / that spend; None: no spend


@dataclass(frozen=True)
class ChannelFigures:
    """One acquisition channel in the month (docs/metrics.md#acquisition-channels)."""

    channel: str  # a channel code, or "total"
    rank: int  # 1 = lowest CAC (docs/metrics.md#channel-rank); 0 for the total
    reach: Change | None  # people reached; None without the channels sheet
    spend: Change | None  # client currency; None without the channels sheet
    leads: Change | None  # leads created; None without the leads sheet
    new_customers: Change  # docs/metrics.md#acquisition-channel
    conversion_rate: Change | None  # new customers per lead (may exceed 1); None without leads
    cac: Change | None  # client currency per new customer; None without spend or new customers
    cohort_return: CohortReturn  # the cohort month's customers, docs/metrics.md#channel-revenue-90d


@dataclass(frozen=True)
class ChannelsResult:
    """Every channel with activity in the window, ranked, and the totals."""

    channels: tuple[ChannelFigures, ...]  # by rank
    total: ChannelFigures  # all channels; new customers include the unattributed ones
    unattributed_new_customers: Change  # new customers with no known channel

    @property
    def priced(self) -> tuple[ChannelFigures, ...]:
        """Channels with a CAC above zero, cheapest first (ties by channel code)."""
        return tuple(
            sorted(
                (c for c in self.channels if c.cac is not None and c.cac.current > 0),
                key=lambda c: (c.cac.current, c.channel),
            )
        )


def channels_unnamed(tables: Tables) -> bool:
    """True when some customer has no acquisition channel in the customers sheet, so that the
    leads are asked for it (acquisition_channel_of)."""
    customers = tables.customers
    if "acquisition_channel" not in customers.columns:
        return True
    return bool(customers["acquisition_channel"].isna().any())


def acquisition_channel_of(
    tables: Tables, period: Period, ids: pd.Index, customer_rows: np.ndarray | None = None
) -> pd.Series:
    """The channel that acquired each of `ids`; NA if none (docs/metrics.md#acquisition-channel).
    `customer_rows`: the row of each of `ids` in the customers sheet, when known (positions_in)."""
    channel = pd.Series(pd.NA, index=range(len(ids)), dtype="string")
    customers = tables.customers
    if "acquisition_channel" in customers.columns:
        taken = rows_for(ids, customers, rows=customer_rows, columns=["acquisition_channel"])
        channel = as_string(taken["acquisition_channel"])
    # The leads name the channel of the customers the sheet leaves without one, if any (the
    # sample's shape names every one: a million orders' customers not looked up, issue 16).
    missing = np.flatnonzero(channel.isna().to_numpy())
    if len(missing):
        channel = _filled(channel, missing, _first_converted(tables, period, ids[missing]))
    return pd.Series(channel.array, index=ids, name="channel")


def _first_converted(tables: Tables, period: Period, ids: pd.Index) -> pd.Series:
    """The channel of the first lead of each of `ids` converted by the period end (NA: none)."""
    leads = tables.leads
    store = lead_store_of(tables)
    if store is not None and "customer_id" in store.columns:
        first = store.first_converted(day_number(period.end))
        return as_string(rows_for(ids, first, columns=["channel"])["channel"])
    if leads is None or "customer_id" not in leads.columns:
        return pd.Series(pd.NA, index=range(len(ids)), dtype="string")
    converted = (
        (leads["status"] == "converted") & until_end_of(leads["created_date"], period)
    ).to_numpy(dtype=bool, na_value=False)
    # The earliest converted lead is the first match, so it is the one that counts.
    rows = earliest_first(leads, np.flatnonzero(converted))
    first = pd.DataFrame(
        {name: leads[name].array.take(rows) for name in ("customer_id", "channel")}
    )
    return as_string(rows_for(ids, first)["channel"])


def _filled(channel: pd.Series, missing: np.ndarray, found: pd.Series) -> pd.Series:
    """`channel` with its `missing` positions given the `found` channels, in turn."""
    filled = channel.array.copy()
    filled[missing] = found.array
    return pd.Series(filled)


def earliest_first(leads: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """`rows` of `leads` (none without a created_date) by created_date, then lead_id: a stable
    sort by Arrow, as pandas' sort_values, without copying the leads' text columns first."""
    keys = pa.table(
        {
            "day": day_numbers(leads["created_date"])[rows],
            "lead": arrow_column(leads["lead_id"]).take(rows),
        }
    )
    order = pc.sort_indices(keys, [("day", "ascending"), ("lead", "ascending")])
    return rows[order.to_numpy()]


def compute_channels(
    tables: Tables,
    period: Period,
    settings: MetricsSettings,
    channel_of: pd.Series | None = None,
) -> ChannelsResult | None:
    """Per-channel figures for `period` against the month before; None without leads or spend.

    `channel_of`: the deck's shared acquisition_channel_of the ordering customers, computed
    here when not given.
    """
    if not has_leads(tables) and tables.channels is None:
        return None
    months = period.trailing(_WINDOW)
    orders = customer_orders(tables.orders, period, tables.returns)
    if channel_of is None:
        channel_of = acquisition_channel_of(tables, period, orders.ids)
    first_month = month_index(orders.first_day, months)
    in_cohort = np.isin(first_month, (_COHORT, _COHORT_BEFORE))
    window_end = np.where(in_cohort, orders.first_day + REVENUE_DAYS, orders.first_day)
    revenue_90d = orders.revenue(orders.first_day, window_end)
    codes, labels = label_codes(channel_of)
    sources = {
        "new": _Source(codes, labels, first_month, None),
        "revenue_90d": _Source(codes, labels, first_month, revenue_90d),
    }
    has_previous = {"new": covers(orders.day, months[_PREVIOUS])}
    has_previous["revenue_90d"] = covers(orders.day, months[_COHORT_BEFORE])
    if tables.channels is not None:
        sheet = tables.channels[until_end_of(tables.channels["month"], period)]
        days = day_numbers(sheet["month"])
        codes, labels = label_codes(sheet["channel"])
        month = month_index(days, months)
        for key in ("reach", "spend"):
            weights = sheet[key].to_numpy(np.float64, na_value=0.0)
            sources[key] = _Source(codes, labels, month, weights)
        has_previous["reach"] = has_previous["spend"] = covers(days, months[_PREVIOUS])
        has_previous["spend_cohort"] = has_previous["revenue_90d"] and covers(
            days, months[_COHORT_BEFORE]
        )
    store = lead_store_of(tables)
    if store is not None:
        found = store.channel_days(day_number(period.end))
        days = found["day"].to_numpy(np.int64)
        codes, labels = label_codes(found["channel"].astype("string"))
        people = found["n"].to_numpy(np.float64)
        sources["leads"] = _Source(codes, labels, month_index(days, months), people)
        has_previous["leads"] = covers(days, months[_PREVIOUS])
    elif tables.leads is not None:
        kept = until_end_of(tables.leads["created_date"], period).to_numpy(dtype=bool)
        days = day_numbers(tables.leads["created_date"])[kept]
        codes, labels = label_codes(tables.leads["channel"], kept)
        sources["leads"] = _Source(codes, labels, month_index(days, months), None)
        has_previous["leads"] = covers(days, months[_PREVIOUS])
    names = _active_channels(sources)
    grids = {key: _by_channel(source, names) for key, source in sources.items()}
    cohort = months[_COHORT]
    rows = [_figures(name, i, grids, has_previous, cohort) for i, name in enumerate(names)]
    rows.sort(key=_rank_key)
    ranked = tuple(replace(row, rank=rank) for rank, row in enumerate(rows, 1))
    totals = {key: grid.sum(axis=0, keepdims=True) for key, grid in grids.items()}
    unattributed = grids["new"][-1]
    return ChannelsResult(
        channels=ranked,
        total=_figures(TOTAL, 0, totals, has_previous, cohort),
        unattributed_new_customers=Change(
            int(unattributed[_CURRENT]),
            int(unattributed[_PREVIOUS]) if has_previous["new"] else None,
        ),
    )


@dataclass(frozen=True)
class _Source:
    """One measure's rows: channel codes into labels (-1 none), window month, weights."""

    codes: np.ndarray
    labels: tuple[str, ...]
    month: np.ndarray  # index into the window; -1 outside it
    weights: np.ndarray | None  # None: count rows


def _active_channels(sources: dict[str, _Source]) -> list[str]:
    """Channels with a non-zero figure in the window, sorted by name."""
    seen: set[str] = set()
    for source in sources.values():
        active = (source.month >= 0) & (source.codes >= 0)
        if source.weights is not None:
            active &= source.weights != 0
        seen.update(source.labels[c] for c in np.unique(source.codes[active]))
    return sorted(seen)


def _by_channel(source: _Source, names: list[str]) -> np.ndarray:
    """Sums by channel (rows in `names` order, then one for no channel) and window month."""
    position = {name: i for i, name in enumerate(names)}
    # The extra last entry takes code -1 (no channel) to the last row.
    row_of = np.asarray([position.get(label, len(names)) for label in source.labels] + [len(names)])
    inside = source.month >= 0
    flat = row_of[source.codes[inside]] * _WINDOW + source.month[inside]
    sums = np.bincount(
        flat,
        weights=None if source.weights is None else source.weights[inside],
        minlength=(len(names) + 1) * _WINDOW,
    )
    return sums.astype(np.float64).reshape(len(names) + 1, _WINDOW)


def _figures(
    name: str,
    row: int,
    grids: dict[str, np.ndarray],
    has_previous: dict[str, bool],
    cohort: Period,
) -> ChannelFigures:
    """The figures of row `row` of the grids (rank 0: the caller ranks)."""

    def value(key: str, column: int) -> float | None:
        grid = grids.get(key)
        return None if grid is None else float(grid[row, column])

    def change(key: str, current: float | None, previous: float | None) -> Change | None:
        if current is None:
            return None
        return Change(current, previous if has_previous.get(key, False) else None)

    def pair(key: str) -> Change | None:
        return change(key, value(key, _CURRENT), value(key, _PREVIOUS))

    def cac(column: int) -> float | None:
        spend, new = value("spend", column), value("new", column)
        return None if spend is None or not new else spend / new

    def conversion(column: int) -> float | None:
        leads = value("leads", column)
        return None if leads is None else ratio(value("new", column) or 0.0, leads)

    def roi(column: int) -> float | None:
        spend = value("spend", column)
        if not spend:
            return None
        return (value("revenue_90d", column) - spend) / spend

    new_previous_known = has_previous["new"]
    return ChannelFigures(
        channel=name,
        rank=0,
        reach=_count(pair("reach")),
        spend=pair("spend"),
        leads=_count(pair("leads")),
        new_customers=_count(pair("new")),
        conversion_rate=change(
            "leads", conversion(_CURRENT), conversion(_PREVIOUS) if new_previous_known else None
        ),
        cac=change("spend", cac(_CURRENT), cac(_PREVIOUS) if new_previous_known else None),
        cohort_return=CohortReturn(
            cohort=cohort,
            customers=int(grids["new"][row, _COHORT]),
            revenue_90d=change(
                "revenue_90d", value("revenue_90d", _COHORT), value("revenue_90d", _COHORT_BEFORE)
            ),
            roi_90d=change("spend_cohort", roi(_COHORT), roi(_COHORT_BEFORE)),
        ),
    )


def _count(change: Change | None) -> Change | None:
    """A Change of whole counts as ints."""
    if change is None:
        return None
    previous = None if change.previous is None else int(change.previous)
    return Change(int(change.current), previous)


def _rank_key(row: ChannelFigures) -> tuple[bool, float, int, str]:
    """Lowest CAC first, then no CAC; ties by most new customers (docs/metrics.md#channel-rank)."""
    cac = None if row.cac is None else row.cac.current
    return (cac is None, cac or 0.0, -int(row.new_customers.current), row.channel)
