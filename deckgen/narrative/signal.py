"""When a figure carries a signal worth a sentence (docs/metrics.md#no-signal).

A chart of zeros, a comparison of one group, or a rate on a handful of cases says nothing; the
deck says so in one sentence, or leaves the slide out with a line in the appendix, instead of
drawing it. Rates on few cases are shown with their n.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from deckgen.model import ChartSpec
from deckgen.narrative.outline import DropReason

# A rate on fewer cases than deckgen.metrics.signal.MIN_N is thin: stated with its n, never
# called up or down, never a headline's claim (docs/metrics.md#minimum-n). A rate on fewer cases
# than this shows its n beside it, wherever it is quoted.
THIN_N = 100
# Customers whose attribute is unknown are named in the headline from this share on.
UNKNOWN_NAMED_SHARE = 0.10
# A month-on-month trend needs at least this many months with a value.
MIN_TREND_MONTHS = 2


@dataclass(frozen=True)
class Rate:
    """A rate as a sentence quotes it: tiny rates read "1 in N"."""

    value: float  # 0..1 (a conversion may exceed 1)
    one_in: int | None  # N of "1 in N" when 0 < value < 1%, else None


def rate(value: float) -> Rate:
    """`value` with its "1 in N" form when it is below 1%."""
    return Rate(value, round(1 / value) if 0 < value < 0.01 else None)


def chart_signal(spec: ChartSpec, trend: bool = False) -> DropReason | None:
    """Why `spec` would show nothing, or None: all zero; a comparison of one group; a `trend`
    (categories are months) with fewer than MIN_TREND_MONTHS months holding a non-zero value."""
    values = [v for series in spec.series for v in series.values if v is not None]
    if not values or all(v == 0 for v in values):
        return DropReason.ALL_ZERO
    if trend:
        # A month of zeros before the data starts is no month of data.
        months = sum(
            any(series.values[k] for series in spec.series) for k in range(len(spec.categories))
        )
        return DropReason.TOO_FEW if months < MIN_TREND_MONTHS else None
    return DropReason.ONE_CATEGORY if len(spec.categories) < 2 else None


def thin(n: int) -> bool:
    """True when a rate on `n` cases must show its n."""
    return n < THIN_N


def distinct(values: Sequence[float | None]) -> int:
    """How many different known values there are."""
    return len({v for v in values if v is not None})
