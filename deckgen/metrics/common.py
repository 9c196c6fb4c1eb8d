"""Small types and table helpers shared by the metrics modules."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from deckgen.data.tables import Tables, arrow_data, id_text
from deckgen.period import Period


@dataclass(frozen=True)
class Change:
    """A figure for the reporting month and the month before (see docs/metrics.md#change)."""

    current: float
    previous: float | None  # None when the previous month has no data

    @property
    def delta(self) -> float | None:
        """current - previous (in the figure's own unit; points for rates)."""
        return None if self.previous is None else self.current - self.previous

    @property
    def relative(self) -> float | None:
        """(current - previous) / previous as a fraction; None when previous is 0 or missing, or
        when either is below zero (docs/metrics.md#change)."""
        # A net amount below zero (more refunded than sold) has no percent change: "fell 240%
        # to -70" reads as less than nothing.
        if self.previous is None or self.previous <= 0 or money_below_zero(self.current):
            return None
        return (self.current - self.previous) / self.previous


def period_bounds(period: Period) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[start, end) of the period as Timestamps, for vectorised date filters."""
    return pd.Timestamp(period.start), pd.Timestamp(period.end) + pd.Timedelta(days=1)


def in_period(dates: pd.Series, period: Period) -> pd.Series:
    """Boolean mask of `dates` that fall within `period`."""
    start, stop = period_bounds(period)
    return (dates >= start) & (dates < stop)


def until_end_of(dates: pd.Series, period: Period) -> pd.Series:
    """Boolean mask of `dates` on or before the last day of `period` (data 'as of' the period)."""
    return dates < period_bounds(period)[1]


def ratio(part: float, whole: float) -> float | None:
    """part / whole as a float; None when whole is 0 (an undefined rate, not a zero one)."""
    return None if whole == 0 else float(part) / float(whole)


# Half a cent: amounts are money with two decimals, so a net amount above -0.005 is zero
# plus float noise (0.3 - 0.1 - 0.2 sums to about -5.6e-17), not returns exceeding sales.
MONEY_NOISE = 0.005


def money_below_zero(amount: float) -> bool:
    """True when a net amount of money is below zero by half a cent or more: more was returned
    than sold (docs/metrics.md#shares-of-revenue)."""
    return amount <= -MONEY_NOISE


def shares_given(parts: Sequence[float] | np.ndarray) -> bool:
    """True when `parts` of a revenue each have a share of it: none below zero and some above
    (docs/metrics.md#shares-of-revenue)."""
    # A part whose returns exceed its sales would take a share below 0 and lift the others past
    # 100% ("Champions bring 533.3% of all revenue"); with every part at or above zero the
    # total is above zero exactly when some part is.
    return len(parts) > 0 and not money_below_zero(min(parts)) and max(parts) >= MONEY_NOISE


def revenue_shares(parts: Sequence[float] | np.ndarray, total: float) -> tuple[float | None, ...]:
    """Each of `parts` / `total` (the revenue they make up), 0..1; every one None unless
    shares_given(parts) (docs/metrics.md#shares-of-revenue)."""
    if not shares_given(parts):
        return (None,) * len(parts)
    # A part of float noise below zero has a share of 0, not of -1e-19 ("-0.0%").
    return tuple(max(float(part), 0.0) / float(total) for part in parts)


_EPOCH = date(1970, 1, 1)


def day_number(day: date) -> int:
    """Days from 1970-01-01 to `day`: the integer day scale the vectorised helpers use."""
    return (day - _EPOCH).days


def day_numbers(dates: pd.Series) -> np.ndarray:
    """Days from 1970-01-01 of each date as int64 (NaT becomes the int64 minimum)."""
    return dates.to_numpy(dtype="datetime64[D]").view(np.int64)


def month_edges(periods: Sequence[Period]) -> np.ndarray:
    """Day numbers of each consecutive period's first day, then the day after the last one."""
    edges = [day_number(p.start) for p in periods] + [day_number(periods[-1].end) + 1]
    return np.asarray(edges, dtype=np.int64)


def month_index(days: np.ndarray, periods: Sequence[Period]) -> np.ndarray:
    """Index into consecutive `periods` (oldest first) of the month holding each day; -1 outside."""
    edges = month_edges(periods)
    # Looked up by day in a table of the span's days (a few hundred), with -1 last for any
    # day outside: some four times as fast as a binary search of the edges per day.
    table = np.append(np.repeat(np.arange(len(periods), dtype=np.int64), np.diff(edges)), -1)
    offset = np.asarray(days, dtype=np.int64) - edges[0]  # NAT wraps round: outside too
    offset[(offset < 0) | (offset >= edges[-1] - edges[0])] = len(table) - 1
    return table[offset]


def covers(days: np.ndarray, period: Period) -> bool:
    """True if the data reaches back into `period`: its earliest day is on or before the last."""
    return len(days) > 0 and int(days.min()) <= day_number(period.end)


def sorted_distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values of `values`, sorted (np.unique's result)."""
    # A sort, not np.unique: numpy 2's hashing unique is some twenty times slower on a million
    # mostly distinct integers.
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


NEVER = np.iinfo(np.int64).max // 4  # a day number after any real day
ALWAYS = np.iinfo(np.int64).min // 4  # a day number before any real day
NAT = np.iinfo(np.int64).min  # what day_numbers gives for an empty date


@dataclass(frozen=True)
class PurchaseOccasions:
    """Each customer's purchase occasions (docs/metrics.md#purchase-occasions): the distinct
    (customer, order day) pairs, sorted by customer code, then day."""

    # int32 when they fit (int64 otherwise): held from the shared figures to the deck's end,
    # so their users widen them before any product or sum that could leave int32.
    customer: np.ndarray  # customer code
    day: np.ndarray  # day number
    next_day: np.ndarray  # int64: the customer's next occasion day, or NEVER
    customers: int  # customer codes run 0..customers-1
    low: int  # the first day
    span: int  # days from the first to the last day, both included
    key: np.ndarray  # customer * span + (day - low), sorted: finds a customer's days quickly

    def counts(self, start: int, stop: int) -> np.ndarray:
        """Occasions of each customer (by code) on days start <= day < stop."""
        inside = (self.day >= start) & (self.day < stop)
        return np.bincount(self.customer[inside], minlength=self.customers)

    def counts_of(self, codes: np.ndarray, start: int, stop: int) -> np.ndarray:
        """Occasions of each of the customer `codes` on days start <= day < stop."""
        first = min(max(start, self.low), self.low + self.span) - self.low
        last = min(max(stop, self.low), self.low + self.span) - self.low
        offsets = codes * self.span
        return np.searchsorted(self.key, offsets + last) - np.searchsorted(
            self.key, offsets + first
        )

    def first_positions(self) -> np.ndarray:
        """Position of each customer's first occasion, by code (customers with an order)."""
        # The occasions of the customers before it: a count and a running sum, three times as
        # fast as a binary search per customer (430k customers, 960k occasions: 3 ms, not 11).
        runs = np.bincount(self.customer, minlength=self.customers)
        return np.cumsum(runs) - runs


@dataclass(frozen=True)
class CustomerOrders:
    """Orders up to the end of a period as numpy arrays, customers coded 0..n-1, with the
    returns of those customers to the same day (docs/metrics.md#returns): money, never orders."""

    ids: pd.Index  # customer_id of each code
    customer: np.ndarray  # int64 code of each order
    day: np.ndarray  # int64 day number of each order
    amount: np.ndarray  # float64, client currency
    first_day: np.ndarray  # int64 day number of each customer's first order, by code
    return_customer: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    return_day: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    return_amount: np.ndarray = field(default_factory=lambda: np.zeros(0))  # <= 0
    # Row of each customer (by code) in the customers sheet, when validation's lookup of the
    # ids was reused (every ordering customer listed there); None otherwise. Read it through
    # rows_in: the rows are of the customers sheet whose ids' Arrow data is `customer_keys`.
    customer_rows: np.ndarray | None = None
    customer_keys: object = field(default=None, compare=False, repr=False)

    def rows_in(self, customers: pd.DataFrame) -> np.ndarray | None:
        """customer_rows when they are rows of `customers` (its very customer_id column, the
        one they were found in); None otherwise: orders coded for another Tables' customers."""
        keys = arrow_data(customers["customer_id"].array)
        if self.customer_rows is None or keys is None or keys is not self.customer_keys:
            return None
        return self.customer_rows

    def revenue(
        self,
        start: int | np.ndarray | None = None,
        stop: int | np.ndarray | None = None,
        *,
        cents: bool = False,
    ) -> np.ndarray:
        """Revenue of each customer (by code) on days start <= day < stop, net of returns;
        `start` and `stop` are one day for all or one per customer code, None unbounded; in
        whole cents per order and return when `cents` (sums that no addition order can split)."""
        size = len(self.ids)
        total = _sum_by_customer(self.customer, self.day, self.amount, start, stop, cents, size)
        if len(self.return_day):
            total = total + _sum_by_customer(
                self.return_customer, self.return_day, self.return_amount, start, stop, cents, size
            )
        return total

    def total(self, stop: int | None = None) -> float:
        """All customers' revenue on days before `stop` (None: all), net of returns."""
        orders = self.amount if stop is None else self.amount[self.day < stop]
        returns = self.return_amount if stop is None else self.return_amount[self.return_day < stop]
        return float(orders.sum()) + float(returns.sum())

    @cached_property
    def occasions(self) -> PurchaseOccasions:
        """The customers' purchase occasions, computed once and shared by the analyses."""
        low, span = 0, 1
        if len(self.day):
            low = int(self.day.min())
            span = int(self.day.max()) - low + 1
        # Sorting one combined key gives the distinct order days in (customer, day) order.
        keys = sorted_distinct(self.customer * span + (self.day - low))
        customer = (keys // span).astype(_narrow(0, len(self.ids)))
        day = keys % span + low
        same_customer = customer[1:] == customer[:-1]
        next_day = np.full(len(day), NEVER, dtype=np.int64)
        next_day[:-1][same_customer] = day[1:][same_customer]
        day = day.astype(_narrow(low, low + span - 1))
        for shared in (customer, day, next_day, keys):
            shared.flags.writeable = False  # the result is shared between analyses
        return PurchaseOccasions(customer, day, next_day, len(self.ids), low, span, keys)


def _narrow(low: int, high: int) -> np.dtype:
    """int32 if it holds every value low..high, else int64."""
    bounds = np.iinfo(np.int32)
    return np.dtype(np.int32 if bounds.min <= low and high <= bounds.max else np.int64)


def _sum_by_customer(
    customer: np.ndarray,
    day: np.ndarray,
    amount: np.ndarray,
    start: int | np.ndarray | None,
    stop: int | np.ndarray | None,
    cents: bool,
    size: int,
) -> np.ndarray:
    """Amounts on days start <= day < stop summed by customer code."""
    inside = np.ones(len(day), dtype=bool)
    if start is not None:
        inside &= day >= (start[customer] if isinstance(start, np.ndarray) else start)
    if stop is not None:
        inside &= day < (stop[customer] if isinstance(stop, np.ndarray) else stop)
    # Every order inside (to the period end, the orders' own): summed in place, not copied.
    whole = bool(inside.all())
    weights = amount if whole else amount[inside]
    if cents:
        weights = np.rint(weights * 100)
    return np.bincount(customer if whole else customer[inside], weights=weights, minlength=size)


# The last customer_orders result: every analysis asks for the same orders, period and returns
# in a run, and coding a million orders by customer takes a few tenths of a second each time.
_CACHED_ORDERS = 1
_last_customer_orders: list[
    tuple[weakref.ref[pd.DataFrame], Period, weakref.ref[pd.DataFrame] | None, CustomerOrders]
] = []


def customer_orders(
    orders: pd.DataFrame,
    period: Period,
    returns: pd.DataFrame | None = None,
    tables: Tables | None = None,
) -> CustomerOrders:
    """The orders placed on or before the last day of `period`, coded by customer, with the
    `returns` (Tables.returns) of those customers to that day; with `tables` (those of the
    orders), the customers validation found for the orders are reused (the same codes)."""
    for entry in _last_customer_orders:
        if _is_entry_of(entry, orders, period, returns):
            return entry[3]
    kept_returns = returns  # the cache's key: the returns as given
    rows = None
    if tables is not None and tables.orders is orders:
        rows = tables.customer_rows("orders")
    purchases, refunds = _split_refunds(orders)
    if refunds is not None:
        returns = refunds if returns is None else pd.concat([returns, refunds])
    result = _code_orders(
        orders,
        period,
        rows,
        None if rows is None else tables.customers,
        None if refunds is None else purchases,
    )
    if returns is not None:
        result = _with_returns(result, returns, period)
    _remember(orders, period, kept_returns, result)
    return result


def refund_rows(orders: pd.DataFrame) -> np.ndarray:
    """A mask of the rows of `orders` whose amount is below zero: refunds, no orders
    (docs/metrics.md#purchase-occasions)."""
    return (orders["amount"] < 0).to_numpy(dtype=bool, na_value=False)


def _split_refunds(orders: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame | None]:
    """A mask of the purchases among `orders`, and the rows with an amount below zero (None
    when there are none): a refund is no purchase, only money taken back, so it counts as a
    return (docs/metrics.md#purchase-occasions, #returns)."""
    refund = refund_rows(orders)
    if not refund.any():
        return ~refund, None
    return ~refund, orders.loc[refund, ["customer_id", "order_date", "amount"]]


def _remember(
    orders: pd.DataFrame, period: Period, returns: pd.DataFrame | None, result: CustomerOrders
) -> None:
    """Keeps `result` as customer_orders(orders, period, returns), the newest first."""
    kept = None if returns is None else weakref.ref(returns)
    # None whose orders are gone (an earlier client's: not held for nothing).
    alive = [
        entry
        for entry in _last_customer_orders
        if entry[0]() is not None and not _is_entry_of(entry, orders, period, returns)
    ]
    entry = (weakref.ref(orders), period, kept, result)
    _last_customer_orders[:] = [entry, *alive][:_CACHED_ORDERS]


def _is_entry_of(
    entry: tuple, orders: pd.DataFrame, period: Period, returns: pd.DataFrame | None
) -> bool:
    """True if `entry` (of _last_customer_orders) is customer_orders(orders, period, returns)."""
    frame, seen, seen_returns, _ = entry
    # Frames by identity: == would compare their cells. A dead reference to earlier returns
    # is not `returns=None`: None is None.
    same_returns = (
        seen_returns is None
        if returns is None
        else seen_returns is not None and seen_returns() is returns
    )
    return frame() is orders and seen == period and same_returns


def _with_returns(orders: CustomerOrders, returns: pd.DataFrame, period: Period) -> CustomerOrders:
    """`orders` with the returns of its customers up to the period end (docs/metrics.md#returns);
    a return by a customer without an order by then, or dated before the customer's first
    order, has no revenue to net against."""
    keep = until_end_of(returns["order_date"], period).to_numpy(dtype=bool, na_value=False)
    kept = returns.loc[keep]
    code = positions_in(kept["customer_id"], orders.ids)
    day = day_numbers(kept["order_date"])
    # Before the first order the return takes back nothing bought in the data: netted, it
    # would lower a past month's revenue only once a later month's order made its customer
    # known, so the month reported again would change (docs/metrics.md#period).
    known = code >= 0
    known[known] = day[known] >= orders.first_day[code[known]]
    customer = code[known]
    day = day[known]
    amount = kept["amount"].to_numpy(dtype=np.float64, na_value=0.0)[known]
    for shared in (customer, day, amount):
        shared.flags.writeable = False
    return replace(orders, return_customer=customer, return_day=day, return_amount=amount)


def _code_orders(
    orders: pd.DataFrame,
    period: Period,
    rows: np.ndarray | None = None,
    customers: pd.DataFrame | None = None,
    purchases: np.ndarray | None = None,
) -> CustomerOrders:
    """`orders` to the period end coded by customer in the order first seen; `rows`: the row
    of `customers` holding each order's customer (Tables.customer_rows), when known;
    `purchases`: a mask of the rows that are orders, when some are not (refunds)."""
    keep = until_end_of(orders["order_date"], period).to_numpy(dtype=bool, na_value=False)
    if purchases is not None:  # no copy of the whole sheet without its refunds
        keep = keep & purchases
    whole = bool(keep.all())  # the usual case: no copy of the rows kept
    day = day_numbers(orders["order_date"] if whole else orders["order_date"][keep])
    amount = orders["amount"] if whole else orders["amount"][keep]
    amount = amount.to_numpy(dtype=np.float64, na_value=0.0)
    coded = None if rows is None or customers is None else _coded_by_rows(rows[keep], customers)
    text = orders["customer_id"]  # held as text, or as the customers' rows (Tables.coded)
    if coded is None:
        customer, ids = factorize(id_text(text if whole else text[keep]))
        customer_rows = None
    else:
        customer, ids, customer_rows = coded
        if ids.dtype != id_text(text.iloc[:0]).dtype:  # not the text factorize would give
            customer, ids = factorize(id_text(text[keep]))
            customer_rows = None
    first_day = np.full(len(ids), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_day, customer, day)
    for shared in (customer, day, amount, first_day):
        shared.flags.writeable = False  # the result is shared between analyses
    return CustomerOrders(
        ids=ids,
        customer=customer,
        day=day,
        amount=amount,
        first_day=first_day,
        customer_rows=customer_rows,
        customer_keys=None if customer_rows is None else arrow_data(customers["customer_id"].array),
    )


def _coded_by_rows(
    rows: np.ndarray, customers: pd.DataFrame
) -> tuple[np.ndarray, pd.Index, np.ndarray] | None:
    """factorize of the customer ids on `rows` of `customers` (codes, ids) from the rows alone,
    with each code's row; None when some id is not listed there (rows -1 do not tell ids apart)."""
    if len(rows) == 0 or int(rows.min()) < 0:
        return None
    # Distinct rows are distinct ids (the customers' key is unique): the same codes, in the
    # same first-seen order, as factorizing the text, hashing integers instead of strings.
    codes, first_rows = pd.factorize(rows)
    first_rows = first_rows.astype(np.int64)
    ids = customers["customer_id"].array.take(first_rows)
    return codes.astype(np.int64, copy=False), pd.Index(ids), first_rows


def order_codes_of(orders: CustomerOrders, tables: Tables, name: str) -> np.ndarray | None:
    """The code in `orders` of the customer of each row of sheet `name` (-1: none, or no order
    by then) from the customers validation found (Tables.customer_rows); None if not known."""
    rows = tables.customer_rows(name)
    ordering = orders.rows_in(tables.customers)
    if rows is None or ordering is None:
        return None
    return _code_of_row(orders, ordering, len(tables.customers))[rows]  # row -1: the last -1


def _code_of_row(orders: CustomerOrders, ordering: np.ndarray, customers: int) -> np.ndarray:
    """The code in `orders` of each of the `customers` rows of the customers sheet (-1: none),
    then a last -1 for row -1; `ordering`: the row of each ordering customer (rows_in)."""
    code_of_row = np.full(customers + 1, -1, dtype=np.int64)
    code_of_row[ordering] = np.arange(len(orders.ids))
    return code_of_row


def factorize(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """`pd.factorize(values)`: int64 codes (-1 where missing) into the distinct values in the
    order first seen; text held in Arrow is hashed by Arrow, three times as fast (issue 16)."""
    if not isinstance(values.array, pd.arrays.ArrowStringArray) or values.empty:
        codes, uniques = pd.factorize(values)
        return codes.astype(np.int64, copy=False), uniques
    encoded = pc.dictionary_encode(values.array.__arrow_array__())  # one memo, one dictionary
    indices = pa.chunked_array([chunk.indices for chunk in encoded.chunks])
    codes = pc.fill_null(indices, -1).to_numpy().astype(np.int64)
    last = encoded.chunk(encoded.num_chunks - 1)
    uniques = pd.arrays.ArrowStringArray(pa.chunked_array([last.dictionary]))
    return codes, pd.Index(uniques, dtype=values.dtype)


def positions_in(values: pd.Series | pd.Index, keys: pd.Series | pd.Index) -> np.ndarray:
    """Position in `keys` of each of `values` (the first match), -1 where absent."""
    found = pc.index_in(
        pa.array(values.array, from_pandas=True), value_set=pa.array(keys.array, from_pandas=True)
    )
    return pc.fill_null(found, -1).to_numpy().astype(np.int64)


def by_code(
    values: pd.Series, ids: pd.Index, codes: np.ndarray, coded: pd.Index
) -> pd.api.extensions.ExtensionArray:
    """values.reindex(ids) as an array of values' own type (NA where absent or missing; not a
    Python object per id); `codes`: the position of each of `ids` in `coded` (-1: absent),
    whose own ids they are. When `values` is indexed by `coded` itself they are taken by
    code, without looking the ids up; when `ids` are `coded` themselves, `values`' own array
    is given (not copied: some 70 MB of text at 4.5 million customers)."""
    if values.index is not coded:
        return values.reindex(ids).array
    return values.array if ids is coded else values.array.take(codes, allow_fill=True)


_STRING = pd.api.types.pandas_dtype("string")


def as_string(values: pd.Series) -> pd.Series:
    """values.astype("string"); a category column's text labels taken by code instead of
    every row converted through Python."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = values.cat.categories
        if categories.dtype == _STRING:
            taken = categories.array.take(values.cat.codes.to_numpy(), allow_fill=True)
            return pd.Series(taken, index=values.index, name=values.name)
    return values.astype("string")


def rows_for(
    ids: pd.Index,
    frame: pd.DataFrame,
    key: str = "customer_id",
    rows: np.ndarray | None = None,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The row of `frame` whose `key` is each of `ids`, in that order; all NA where none is
    (`rows`: those positions, positions_in(ids, frame[key]), when known); with `columns`,
    those columns alone (not a copy of every customer's id text too)."""
    if rows is None:
        rows = positions_in(ids, frame[key])
    return pd.DataFrame(
        {
            name: pd.api.extensions.take(frame[name].array, rows, allow_fill=True)
            for name in (frame.columns if columns is None else columns)
        }
    )


def label_codes(
    values: pd.Series, where: np.ndarray | None = None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Codes into labels (stripped text, first-seen order) of each value; -1 if missing or blank.
    With `where` (a mask): those of values[where], without copying the text."""
    if where is not None and isinstance(values.dtype, pd.CategoricalDtype):
        # The kept rows' small category codes, renumbered in the order first seen: what
        # label_codes(values[where]) gives, without building an index of the rows kept.
        kept = values.cat.codes.to_numpy()[where].astype(np.int64) + 1  # 0: missing
        categories = values.cat.categories
        seen = first_seen(kept, len(categories) + 1)
        labels, named = _labelled(
            np.arange(len(seen)), [None if k == 0 else categories[k - 1] for k in seen]
        )
        label_of_code = np.full(len(categories) + 1, -1, dtype=np.int64)
        label_of_code[seen] = labels
        return label_of_code[kept], named
    codes, uniques = factorize(values)
    coded, named = _labelled(codes, uniques)
    if where is None:
        return coded, named
    # Renumber the labels in the order the rows kept first show them (factorize keeps it).
    positions, seen = pd.factorize(coded[where])
    present = seen >= 0
    renumber = np.full(len(seen), -1, dtype=np.int64)
    renumber[present] = np.arange(int(present.sum()))
    return renumber[positions], tuple(named[k] for k in seen[present])


def taken_labels(
    codes: np.ndarray, labels: tuple[str, ...], rows: np.ndarray
) -> tuple[np.ndarray, tuple[str, ...]]:
    """label_codes of the values at `rows` (-1: none, a missing value) from label_codes of all
    the values (`codes`, `labels`): the same codes and labels, without copying the values."""
    kept = np.append(codes, -1)[rows] + 1  # 0: missing
    seen = first_seen(kept, len(labels) + 1)
    seen = seen[seen > 0]
    renumber = np.full(len(labels) + 1, -1, dtype=np.int64)
    renumber[seen] = np.arange(len(seen))
    return renumber[kept], tuple(labels[k - 1] for k in seen)


def code_dtype(size: int) -> np.dtype:
    """The narrowest signed integer type holding every code -1..size: codes into `size`
    labels, one more for a label appended later (an "unknown") and -1 for none."""
    for dtype in (np.int8, np.int16, np.int32):
        if size <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


def first_seen(values: np.ndarray, size: int) -> np.ndarray:
    """The distinct `values` (small integers 0..size-1) in the order first seen: pd.unique's
    answer, read from the first rows when they already show every value (they usually do)."""
    present = int(np.count_nonzero(np.bincount(values, minlength=size)))
    head = 4096
    while True:
        seen = pd.unique(values[:head])
        if len(seen) == present or head >= len(values):
            return seen.astype(np.int64)
        head *= 16


def _labelled(codes: np.ndarray, uniques: Sequence[object]) -> tuple[np.ndarray, tuple[str, ...]]:
    """`codes` into `uniques` as codes into their distinct stripped texts, in that order;
    -1 for a missing value (code -1 or a None unique) or a blank one."""
    labels: dict[str, int] = {}
    # Position -1 (a missing value) maps through the extra last slot to -1.
    mapping = np.full(len(uniques) + 1, -1, dtype=np.int64)
    for k, value in enumerate(uniques):
        text = "" if value is None else str(value).strip()
        if text:
            mapping[k] = labels.setdefault(text, len(labels))
    return mapping[codes], tuple(labels)


def club_member_since(tables: Tables, period: Period) -> pd.Series | None:
    """Join day number of each club member as of the period end, by customer_id; None: no club.

    As docs/metrics.md#club-members: a member is flagged `loyalty_member` or in the loyalty
    sheet, and joins on the earliest of `loyalty_join_date` and their first loyalty event; a
    member with neither date is ALWAYS (a member throughout).
    """
    found = _club_members(tables, period)
    return None if found is None else found[0]


def _club_members(tables: Tables, period: Period) -> tuple[pd.Series, np.ndarray | None] | None:
    """club_member_since, with each member's row in the customers sheet when validation's
    lookup of the loyalty sheet's ids is known (None otherwise)."""
    customers = tables.customers
    ids: list[pd.Series] = []
    days: list[np.ndarray] = []
    rows: list[np.ndarray] | None = []
    if "loyalty_member" in customers.columns:
        is_member = customers["loyalty_member"].to_numpy(dtype=bool, na_value=False)
        ids.append(customers["customer_id"][is_member])
        rows.append(np.flatnonzero(is_member))
        if "loyalty_join_date" in customers.columns:
            days.append(day_numbers(customers["loyalty_join_date"])[is_member])
        else:
            days.append(np.full(int(is_member.sum()), NAT, dtype=np.int64))
    if tables.loyalty is None and not (ids and len(ids[0])):
        return None
    if tables.loyalty is not None:
        ids.append(tables.loyalty["customer_id"])
        days.append(day_numbers(tables.loyalty["date"]))
        listed = tables.customer_rows("loyalty")
        rows = None if listed is None else [*rows, listed]
    coded = None if rows is None else _coded_by_rows(np.concatenate(rows), customers)
    if coded is not None and coded[1].dtype == ids[0].dtype:
        codes, members, member_rows = coded  # the same codes, from the rows (no text hashed)
    else:
        codes, members = factorize(pd.concat(ids, ignore_index=True))
        member_rows = None
    day = np.concatenate(days)
    # The earliest known date; a member known only by an empty join date is ALWAYS.
    known = day != NAT
    join = np.full(len(members), NEVER, dtype=np.int64)
    np.minimum.at(join, codes[known], day[known])
    join[join == NEVER] = ALWAYS
    joins = pd.Series(join, index=members)
    kept = join <= day_number(period.end)
    return joins[kept], None if member_rows is None else member_rows[kept]


@dataclass(frozen=True)
class ClubJoins:
    """When each club member joined (docs/metrics.md#club-members), as day numbers."""

    by_id: pd.Series | None  # club_member_since: by customer_id; None without a club
    by_code: np.ndarray  # member_since_by_code of the ordering customers; NEVER: no member


def club_joins(tables: Tables, period: Period, orders: CustomerOrders) -> ClubJoins:
    """The club members' join days as of the period end, by id and by ordering customer."""
    found = _club_members(tables, period)
    by_id, rows = (None, None) if found is None else found
    ordering = orders.rows_in(tables.customers)
    if rows is not None and ordering is not None:  # by row: no ids looked up
        by_code = np.full(len(orders.ids), NEVER, dtype=np.int64)
        position = _code_of_row(orders, ordering, len(tables.customers))[rows]
        found_here = position >= 0
        by_code[position[found_here]] = by_id.to_numpy()[found_here]
    else:
        by_code = member_since_by_code(by_id, orders.ids)
    by_code.flags.writeable = False  # shared by the funnel and the loyalty analysis
    return ClubJoins(by_id, by_code)


def member_since_by_code(club_join: pd.Series | None, ids: pd.Index) -> np.ndarray:
    """Join day of each ordering customer (by code); NEVER for non-members."""
    member_join = np.full(len(ids), NEVER, dtype=np.int64)
    if club_join is not None and len(club_join):
        position = positions_in(club_join.index, ids)  # Arrow's hash, not an object copy
        found = position >= 0
        member_join[position[found]] = club_join.to_numpy()[found]
    return member_join
