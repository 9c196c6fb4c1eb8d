"""Small types and table helpers shared by the metrics modules."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

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
        """(current - previous) / |previous| as a fraction; None when previous is 0 or missing."""
        if self.previous is None or self.previous == 0:
            return None
        return (self.current - self.previous) / abs(self.previous)


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
