"""The narrative step's building blocks: a sentence's context with its claims, and trends.

`Told` pairs the frozen record a template block words with the claims that make it true.
`moved` turns a month-on-month `Change` into a `Moved` record (up, down, flat, or first with
nothing to compare) with the magnitude already computed, so no template does arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from deckgen.metrics.common import Change, money_below_zero
from deckgen.metrics.signal import MIN_N, RateKind, is_thin
from deckgen.narrative.claims import Claim, Const, Fig, Relation, claim, rounded, states

C = TypeVar("C")


@dataclass(frozen=True)
class Told(Generic[C]):
    """What one template block words (`context`) and what its sentence asserts (`claims`)."""

    context: C
    claims: tuple[Claim, ...] = ()


ClaimTree = Claim | Iterable["ClaimTree"]


def told(context: C, *claims: ClaimTree) -> Told[C]:
    """A Told of `context`; claims may be given one by one or in (nested) iterables."""
    return Told(context, tuple(_flat(claims)))


def _flat(claims: ClaimTree) -> list[Claim]:
    if isinstance(claims, Claim):
        return [claims]
    return [one for item in claims for one in _flat(item)]


class Trend(StrEnum):
    """Which way a figure moved against the month before."""

    UP = "up"
    DOWN = "down"
    FLAT = "flat"  # the move rounds to nothing at the precision shown
    FIRST = "first"  # no earlier figure to compare with (or, for a relative move, it was zero or
    # below zero: no percent change from it)
    NEGATIVE = "negative"  # a relative move's amount is below zero now: no percent change to it
    NONE = "none"  # a count or amount that is zero now and was zero or unknown before


class Scale(StrEnum):
    """How a move is measured: relative (counts, money), in points (rates 0..1), in score points."""

    RELATIVE = "relative"
    POINTS = "points"
    SCORE = "score"


# A move smaller than this shows as no move at the precision the deck prints.
_FLAT = {Scale.RELATIVE: 0.0005, Scale.POINTS: 0.0005, Scale.SCORE: 0.5}


@dataclass(frozen=True)
class Moved:
    """A figure this month against the month before."""

    trend: Trend
    current: float
    previous: float | None
    # How far it moved, always >= 0: a fraction of the previous value (RELATIVE), percentage
    # points (POINTS: 1.2 means 1.2 pts) or whole score points (SCORE); None unless UP or DOWN.
    by: float | None


def moved(change: Change, path: str, scale: Scale, what: str) -> Told[Moved]:
    """The trend of the Change at `path` (a claim path to a Change) and its claims."""
    now, before = Fig(f"{path}.current"), Fig(f"{path}.previous")
    stated = states(what, change.current, now)
    previous = change.previous
    if scale == Scale.RELATIVE and change.current == 0 and not previous:
        claims = [
            claim(f"{what} is zero", now, Relation.EQ, 0),
            claim(f"{what} was zero or unknown", before, Relation.IS_NONE)
            if previous is None
            else claim(f"{what} was zero", before, Relation.EQ, 0),
        ]
        return told(Moved(Trend.NONE, change.current, previous, None), claims)
    if scale == Scale.RELATIVE and money_below_zero(change.current):
        return told(
            Moved(Trend.NEGATIVE, change.current, previous, None),
            stated,
            claim(f"{what} is below zero", now, Relation.LT, 0),
        )
    if previous is None or (scale == Scale.RELATIVE and previous <= 0):
        if previous is None:
            missing = claim(f"{what} has no earlier figure", before, Relation.IS_NONE)
        elif previous == 0:
            missing = claim(f"{what} was zero the month before", before, Relation.EQ, 0)
        else:
            missing = claim(f"{what} was below zero the month before", before, Relation.LT, 0)
        return told(Moved(Trend.FIRST, change.current, previous, None), stated, missing)
    delta = change.current - previous
    if scale == Scale.RELATIVE:
        size, move = abs(delta) / abs(previous), (now - before) / before
    elif scale == Scale.POINTS:
        size, move = abs(delta) * 100, (now - before) * 100
    else:
        size, move = abs(delta), now - before
    flat = _FLAT[scale] * (100 if scale == Scale.POINTS else 1)
    if size < flat:
        trend = Trend.FLAT
        checks = [
            claim(f"{what} held", move, Relation.LT, flat),
            claim(f"{what} held", move, Relation.GT, -flat),
        ]
    elif scale == Scale.SCORE:
        # Scores are shown in whole points: the move is stated rounded.
        trend = Trend.UP if delta > 0 else Trend.DOWN
        size = round(size)
        checks = [
            claim(
                f"{what} {'rose' if delta > 0 else 'fell'}",
                now,
                Relation.GT if delta > 0 else Relation.LT,
                before,
            ),
            *rounded(f"{what}'s move", size, move if delta > 0 else Const(0) - move),
        ]
    elif delta > 0:
        trend = Trend.UP
        checks = [
            claim(f"{what} rose", now, Relation.GT, before),
            states(f"{what}'s rise", size, move),
        ]
    else:
        trend = Trend.DOWN
        checks = [
            claim(f"{what} fell", now, Relation.LT, before),
            states(f"{what}'s fall", size, Const(0) - move),
        ]
    return told(
        Moved(trend, change.current, previous, None if trend == Trend.FLAT else size),
        stated,
        checks,
    )


def level_if_thin(
    said: Told[Moved], path: str, what: str, kind: RateKind, n: int, n_path: str
) -> tuple[Told[Moved], bool]:
    """`said` (a rate's move from `moved`), or on a thin base (fewer than MIN_N[kind] cases,
    docs/metrics.md#minimum-n) its level only, worded as FIRST; and whether the base is thin.
    The claims say which, against the n at `n_path`."""
    size = Fig(n_path)
    if not is_thin(kind, n):
        return told(
            said.context,
            said.claims,
            claim(f"{what} rests on enough cases", size, Relation.GE, MIN_N[kind]),
        ), False
    record = said.context
    return (
        told(
            Moved(Trend.FIRST, record.current, record.previous, None),
            states(what, record.current, Fig(f"{path}.current")),
            claim(f"{what} rests on few cases", size, Relation.LT, MIN_N[kind]),
        ),
        True,
    )
