"""The fewest cases a rate needs before a sentence may state it (docs/metrics.md#minimum-n)."""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType


class RateKind(StrEnum):
    """A kind of rate, by what its n counts."""

    NPS = "nps"  # valid recommend answers
    CSAT = "csat"  # valid satisfaction answers
    CONVERSION = "conversion"  # the base a funnel stage or channel converts from
    REPEAT_RATE = "repeat_rate"  # customers the repeat rate is a share of
    CHURN_RATE = "churn_rate"  # customers not churned at the start of the month
    RESOLUTION_RATE = "resolution_rate"  # feedback items received in the month


# Below 30 cases the normal approximation to a share's sampling error is unreliable, and even at
# 30 the 95% margin of a share is up to ±18 points (1.96 × √(0.25 / 30)) and of an NPS up to ±36.
MIN_N: MappingProxyType[RateKind, int] = MappingProxyType(
    {
        RateKind.NPS: 30,
        RateKind.CSAT: 30,
        RateKind.CONVERSION: 30,
        RateKind.REPEAT_RATE: 30,
        RateKind.CHURN_RATE: 30,
        RateKind.RESOLUTION_RATE: 30,
    }
)


def is_thin(kind: RateKind, n: int | None) -> bool:
    """True when a rate of `kind` rests on fewer than MIN_N[kind] cases (or on an unknown n)."""
    return n is None or n < MIN_N[kind]
