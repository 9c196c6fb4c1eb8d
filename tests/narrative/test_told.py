"""Trends of month-on-month changes, with their claims checked on the same figures."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from deckgen.metrics.common import Change
from deckgen.narrative.claims import check_claims
from deckgen.narrative.told import Moved, Scale, Trend, moved


@dataclass(frozen=True)
class Root:
    x: Change


@pytest.mark.parametrize(
    ("change", "scale", "expected"),
    [
        (Change(110.0, 100.0), Scale.RELATIVE, Moved(Trend.UP, 110.0, 100.0, 0.1)),
        (Change(90.0, 100.0), Scale.RELATIVE, Moved(Trend.DOWN, 90.0, 100.0, 0.1)),
        (Change(100.04, 100.0), Scale.RELATIVE, Moved(Trend.FLAT, 100.04, 100.0, None)),
        (Change(5.0, 0.0), Scale.RELATIVE, Moved(Trend.FIRST, 5.0, 0.0, None)),
        (Change(5.0, None), Scale.RELATIVE, Moved(Trend.FIRST, 5.0, None, None)),
        # Nothing now and nothing before: no move to word, and no "stood at 0".
        (Change(0.0, 0.0), Scale.RELATIVE, Moved(Trend.NONE, 0.0, 0.0, None)),
        (Change(0, None), Scale.RELATIVE, Moved(Trend.NONE, 0, None, None)),
        (Change(0.0, 4.0), Scale.RELATIVE, Moved(Trend.DOWN, 0.0, 4.0, 1.0)),
        # Net revenue below zero (30 sold, 100 refunded) has no percent change: was "fell 240%".
        (Change(-70.0, 50.0), Scale.RELATIVE, Moved(Trend.NEGATIVE, -70.0, 50.0, None)),
        (Change(-70.0, -20.0), Scale.RELATIVE, Moved(Trend.NEGATIVE, -70.0, -20.0, None)),
        (Change(-70.0, None), Scale.RELATIVE, Moved(Trend.NEGATIVE, -70.0, None, None)),
        # Back above zero: no percent change from a negative amount either.
        (Change(50.0, -70.0), Scale.RELATIVE, Moved(Trend.FIRST, 50.0, -70.0, None)),
        (Change(0.0, -70.0), Scale.RELATIVE, Moved(Trend.FIRST, 0.0, -70.0, None)),
        # Rates move in points: 0.479 against 0.473 is up 0.6 pts.
        (Change(0.479, 0.473), Scale.POINTS, Moved(Trend.UP, 0.479, 0.473, 0.6)),
        (Change(0.0860, 0.0864), Scale.POINTS, Moved(Trend.FLAT, 0.0860, 0.0864, None)),
        (Change(0.0, 0.0), Scale.POINTS, Moved(Trend.FLAT, 0.0, 0.0, None)),
        # Scores move in whole points: -1.9 from 0 is down 2.
        (Change(-1.886, 0.0), Scale.SCORE, Moved(Trend.DOWN, -1.886, 0.0, 2)),
        (Change(10.4, 10.0), Scale.SCORE, Moved(Trend.FLAT, 10.4, 10.0, None)),
    ],
)
def test_moves_and_their_claims(change: Change, scale: Scale, expected: Moved) -> None:
    said = moved(change, "x", scale, "x")
    assert said.context.trend == expected.trend
    assert (said.context.current, said.context.previous) == (expected.current, expected.previous)
    if expected.by is None:
        assert said.context.by is None
    else:
        assert said.context.by == pytest.approx(expected.by)
    assert check_claims(said.claims, Root(change)) == []


def test_a_trend_claim_fails_on_other_figures() -> None:
    said = moved(Change(110.0, 100.0), "x", Scale.RELATIVE, "revenue")
    failed = check_claims(said.claims, Root(Change(90.0, 100.0)))
    assert {f.claim.says for f in failed} == {
        "states revenue",
        "revenue rose",
        "states revenue's rise",
    }
