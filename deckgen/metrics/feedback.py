"""Customer feedback: what came in, what was resolved, and the open items to work through."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from deckgen.config import MetricsSettings
from deckgen.data.schema import FEEDBACK_KINDS, SEVERITIES
from deckgen.data.tables import Tables
from deckgen.metrics.common import (
    Change,
    covers,
    day_number,
    day_numbers,
    month_edges,
    month_index,
    ratio,
    until_end_of,
)
from deckgen.period import Period

TREND_MONTHS = 12
# docs/metrics.md#feedback-to-resolve: a comment asks for no fix (it is often praise), so an open
# comment is listed to resolve only when someone rated it this severe or more.
COMMENT_MIN_SEVERITY = "high"
_NAT = np.iinfo(np.int64).min  # what day_numbers gives for an empty date


@dataclass(frozen=True)
class CategoryCount:
    """Feedback items of one kind, topic or severity, this month and the month before."""

    name: str
    count: Change  # items


@dataclass(frozen=True)
class FeedbackMonth:
    """Feedback flow of one month (docs/metrics.md#feedback-received, #feedback-open)."""

    month: Period
    received: int  # items received in the month
    resolved: int  # items resolved in the month
    open: int  # items unresolved at the month's end


@dataclass(frozen=True)
class OpenItem:
    """One unresolved feedback item at the period end (docs/metrics.md#feedback-to-resolve)."""

    feedback_id: str
    received: str  # ISO date the item came in
    age_days: int  # days from receipt to the period's last day
    kind: str
    topic: str
    severity: str
    customer_id: str | None
    text: str | None


@dataclass(frozen=True)
class FeedbackResult:
    """Feedback for the period, compared with the month before."""

    period: Period
    received: Change  # items, docs/metrics.md#feedback-received
    by_kind: tuple[CategoryCount, ...]  # the four kinds, in schema order
    by_topic: tuple[CategoryCount, ...]  # topics of this or last month, most items first
    resolved: Change  # items, docs/metrics.md#feedback-resolved
    open: Change  # items, docs/metrics.md#feedback-open
    open_by_severity: tuple[CategoryCount, ...]  # critical first
    resolution_rate: Change | None  # 0..1, docs/metrics.md#resolution-rate
    resolution_n: int  # items received in the month (the rate's base)
    median_days_to_resolve: Change | None  # days, docs/metrics.md#time-to-resolve
    median_days_n: int  # items resolved in the month with a usable duration
    months: tuple[FeedbackMonth, ...]  # the 12 months ending with the period, oldest first
    to_resolve: tuple[OpenItem, ...]  # docs/metrics.md#feedback-to-resolve: most severe first
    open_comments: int  # open comments rated below COMMENT_MIN_SEVERITY, left off to_resolve


def compute_feedback(
    tables: Tables, period: Period, settings: MetricsSettings
) -> FeedbackResult | None:
    """Feedback as of the end of `period`; None when the client has no feedback sheet."""
    if tables.feedback is None:
        return None
    items = tables.feedback[until_end_of(tables.feedback["date"], period)]
    months = period.trailing(TREND_MONTHS)
    edges = month_edges(months)
    month_ends = edges[1:] - 1
    received_day = day_numbers(items["date"])
    resolved_day = _resolved_days(items)
    is_resolved = _is(items["status"], "resolved")
    # Resolved with no date: resolved, but at an unknown time (on receipt, for these figures).
    resolved_from = np.where(
        is_resolved, np.maximum(received_day, resolved_day), np.iinfo(np.int64).max
    )
    month = month_index(received_day, months)
    dated = is_resolved & (resolved_day != _NAT)
    resolved_month = np.full(len(items), -1, dtype=np.int64)
    resolved_month[dated] = month_index(resolved_day[dated], months)
    current, previous = len(months) - 1, len(months) - 2
    has_previous = covers(received_day, period.previous())

    def change(values: np.ndarray) -> Change:
        return Change(values[current].item(), values[previous].item() if has_previous else None)

    received = np.bincount(month[month >= 0], minlength=TREND_MONTHS)
    resolved = np.bincount(resolved_month[resolved_month >= 0], minlength=TREND_MONTHS)
    open_now = _open_at(received_day, resolved_from, month_ends)
    rate, rate_n = _resolution_rates(month, resolved_from, month_ends)
    median, median_n = _median_days(received_day, resolved_day, resolved_month)

    def optional_change(values: list[float | None]) -> Change | None:
        if values[current] is None:
            return None
        return Change(values[current], values[previous] if has_previous else None)

    open_mask = resolved_from > month_ends[current]
    to_resolve = needs_resolution(items["kind"], items["severity"])
    open_before = (received_day <= month_ends[previous]) & (resolved_from > month_ends[previous])
    return FeedbackResult(
        period=period,
        received=change(received),
        by_kind=_counts(
            items["kind"], month == current, month == previous, has_previous, FEEDBACK_KINDS
        ),
        by_topic=_counts(items["topic"], month == current, month == previous, has_previous, None),
        resolved=change(resolved),
        open=change(open_now),
        open_by_severity=_counts(
            items["severity"], open_mask, open_before, has_previous, SEVERITIES[::-1]
        ),
        resolution_rate=optional_change(rate),
        resolution_n=int(rate_n),
        median_days_to_resolve=optional_change(median),
        median_days_n=int(median_n),
        months=tuple(
            FeedbackMonth(months[j], int(received[j]), int(resolved[j]), int(open_now[j]))
            for j in range(TREND_MONTHS)
        ),
        to_resolve=_open_items(items[open_mask & to_resolve], day_number(period.end)),
        open_comments=int((open_mask & ~to_resolve).sum()),
    )


def needs_resolution(kinds: pd.Series, severities: pd.Series) -> np.ndarray:
    """Whether each item, once open, is one to resolve (docs/metrics.md#feedback-to-resolve):
    every complaint, issue and concern, and comments rated COMMENT_MIN_SEVERITY or more."""
    serious = SEVERITIES[SEVERITIES.index(COMMENT_MIN_SEVERITY) :]
    return ~_is(kinds, "comment") | severities.isin(serious).to_numpy(dtype=bool, na_value=False)


def _is(values: pd.Series, value: str) -> np.ndarray:
    """Whether each of `values` is `value` (a missing one is not): compared on the column's own
    codes or Arrow text, not as a Python object per item."""
    return (values == value).to_numpy(dtype=bool, na_value=False)


def _resolved_days(items: pd.DataFrame) -> np.ndarray:
    if "resolved_date" not in items.columns:
        return np.full(len(items), _NAT, dtype=np.int64)
    return day_numbers(items["resolved_date"])


def _open_at(received: np.ndarray, resolved_from: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Items received by each end and not resolved by it (docs/metrics.md#feedback-open)."""
    came_in = np.searchsorted(np.sort(received), ends, side="right")
    done = np.searchsorted(np.sort(resolved_from), ends, side="right")
    return came_in - done


def _resolution_rates(
    month: np.ndarray, resolved_from: np.ndarray, ends: np.ndarray
) -> tuple[list[float | None], int]:
    """Per month, the share of its items resolved by its end; and the current month's base."""
    inside = month >= 0
    base = np.bincount(month[inside], minlength=TREND_MONTHS)
    done = inside & (resolved_from <= ends[np.maximum(month, 0)])
    resolved = np.bincount(month[done], minlength=TREND_MONTHS)
    return [ratio(resolved[j], base[j]) for j in range(TREND_MONTHS)], int(base[-1])


def _median_days(
    received: np.ndarray, resolved: np.ndarray, resolved_month: np.ndarray
) -> tuple[list[float | None], int]:
    """Per month, the median days from receipt to resolution of the items resolved in it."""
    usable = (resolved_month >= 0) & (resolved >= received)
    frame = pd.DataFrame(
        {"month": resolved_month[usable], "days": resolved[usable] - received[usable]}
    )
    medians = frame.groupby("month")["days"].median()
    values = [float(medians[j]) if j in medians.index else None for j in range(TREND_MONTHS)]
    return values, int((frame["month"] == TREND_MONTHS - 1).sum())


def _counts(
    names: pd.Series,
    now_mask: np.ndarray,
    before_mask: np.ndarray,
    has_previous: bool,
    fixed: tuple[str, ...] | None,
) -> tuple[CategoryCount, ...]:
    """Items per name now and the month before; `fixed` names in that order (then any others
    in the data, by name), else most first."""
    codes, uniques = pd.factorize(names)
    codes[codes < 0] = len(uniques)  # a missing name: the last slot, named ""
    labels = [*uniques, ""]
    now, before = _named_counts(codes, labels, now_mask), _named_counts(codes, labels, before_mask)
    if fixed is None:
        keys = sorted(
            set(now) | set(before),
            key=lambda name: (-now.get(name, 0), -before.get(name, 0), name),
        )
    else:
        present = (set(now) | set(before)) - set(fixed) - {""}
        keys = [*fixed, *sorted(present)]  # codes a client declared, and "other"
    return tuple(
        CategoryCount(
            str(name),
            Change(int(now.get(name, 0)), int(before.get(name, 0)) if has_previous else None),
        )
        for name in keys
    )


def _named_counts(codes: np.ndarray, labels: list[object], mask: np.ndarray) -> dict[object, int]:
    """Items per label among those of `mask` (`codes`: each item's position in `labels`), the
    labels present only: counted on codes, not as a Python object per item."""
    counts = np.bincount(codes[mask], minlength=len(labels))
    found: dict[object, int] = {}
    for name, count in zip(labels, counts.tolist(), strict=True):
        if count:
            found[name] = found.get(name, 0) + count  # "" written and missing are one name
    return found


def _open_items(items: pd.DataFrame, end_day: int) -> tuple[OpenItem, ...]:
    """The open items, most severe first, then oldest, then by id."""
    rank = {name: -position for position, name in enumerate(SEVERITIES)}
    ordered = items.assign(
        _rank=items["severity"].map(rank).astype("int64"), _day=day_numbers(items["date"])
    ).sort_values(["_rank", "_day", "feedback_id"], kind="stable")

    def optional(column: str) -> list[str | None]:
        if column not in ordered.columns:
            return [None] * len(ordered)
        return [
            None if v is None else str(v)
            for v in ordered[column].to_numpy(dtype=object, na_value=None)
        ]

    return tuple(
        OpenItem(
            feedback_id=str(fid),
            received=str(np.datetime64(int(day), "D")),
            age_days=end_day - int(day),
            kind=str(kind),
            topic=str(topic),
            severity=str(severity),
            customer_id=customer,
            text=text,
        )
        for fid, day, kind, topic, severity, customer, text in zip(
            ordered["feedback_id"].to_numpy(dtype=object),
            ordered["_day"].to_numpy(),
            ordered["kind"].to_numpy(dtype=object),
            ordered["topic"].to_numpy(dtype=object),
            ordered["severity"].to_numpy(dtype=object),
            optional("customer_id"),
            optional("text"),
            strict=True,
        )
    )
