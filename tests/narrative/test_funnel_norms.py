"""Norm spans: a sentence says "12-month norm" only when all 12 months are behind the norm."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from deckgen.metrics.common import Change
from deckgen.metrics.funnel import FunnelGroup, FunnelResult, FunnelStep, NormStatus
from deckgen.narrative.claims import check_claims
from deckgen.narrative.funnel import NormSpan, NormWindow, norm_window, tell_norm_span
from deckgen.period import Period


def _step(stage: str, months: int, benchmark: float | None = 0.2) -> FunnelStep:
    return FunnelStep(
        stage=stage,
        group=FunnelGroup.MONTH,
        count=Change(10, 8),
        base=Change(100, 80),
        conversion=Change(0.1, 0.1),
        drop_off=0.9,
        benchmark=benchmark,
        norm_index=None if not benchmark else 0.1 / benchmark,
        vs_norm=NormStatus.BELOW,
        benchmark_months=months,
    )


def _root(*steps: FunnelStep) -> SimpleNamespace:
    funnel = FunnelResult(steps, "orders", Period("gregorian", 2026, 6), 90, None, 0, None)
    return SimpleNamespace(funnel=funnel)


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        ((12,), NormSpan(NormWindow.FULL, 12)),
        ((12, 12), NormSpan(NormWindow.FULL, 12)),
        ((4,), NormSpan(NormWindow.SHORT, 4)),  # five months of history: the 4 before
        ((1,), NormSpan(NormWindow.SHORT, 1)),  # two months of history
        ((4, 4), NormSpan(NormWindow.SHORT, 4)),
        ((12, 9), NormSpan(NormWindow.SHORT, None)),  # flows on 12, cohorts on 9: no months
    ],
)
def test_the_span_says_what_the_norms_rest_on(months, expected):
    steps = [
        _step(stage, m) for stage, m in zip(("acquisition", "conversion"), months, strict=False)
    ]
    told = tell_norm_span(steps)
    assert told.context == expected
    assert check_claims(told.claims, _root(*steps)) == []


def test_a_claim_of_twelve_months_fails_on_fewer():
    # The claims are read afresh: a FULL span told of 12 months fails on a step of 11.
    told = tell_norm_span([_step("acquisition", 12)])
    assert check_claims(told.claims, _root(_step("acquisition", 11))) != []


def test_the_table_window_ignores_stages_without_a_norm():
    assert norm_window(_root(_step("acquisition", 12), _step("retention", 0, None)).funnel) == (
        NormWindow.FULL
    )
    assert norm_window(_root(_step("acquisition", 12), _step("retention", 9)).funnel) == (
        NormWindow.SHORT
    )
