"""Loyalty sentences: the cohort headline on thin and solid bases, checked against its claims."""

from __future__ import annotations

from dataclasses import replace

import pytest

from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.metrics.loyalty import CohortRow
from deckgen.narrative.claims import check_claims
from deckgen.narrative.loyalty import tell_cohorts
from deckgen.period import Period


def _with_cohorts(m: LifecycleMetrics, *rows: tuple[int, float | None]) -> LifecycleMetrics:
    """`m` whose cohorts are `rows` of (customers, month-1 share), from September 2026."""
    cohorts = tuple(
        CohortRow(Period("gregorian", 2026, 9 + k), customers, (1.0, share))
        for k, (customers, share) in enumerate(rows)
    )
    return replace(m, loyalty=replace(m.loyalty, cohorts=cohorts))


def test_one_new_customer_gives_its_n_and_no_judgement(sample_metrics: LifecycleMetrics) -> None:
    m = _with_cohorts(sample_metrics, (1, 0.0), (2, None))
    said = tell_cohorts(m.loyalty, 0)
    assert said is not None
    head = said.context
    # 0% of one customer: stated with its n, never "only" (docs/metrics.md#minimum-n).
    assert (head.month_one, head.customers, head.thin, head.low, head.cohorts) == (
        0.0,
        1,
        True,
        False,
        1,
    )
    assert check_claims(said.claims, m) == []


def test_a_solid_low_share_is_called_low(sample_metrics: LifecycleMetrics) -> None:
    m = _with_cohorts(sample_metrics, (40, 0.25), (60, 0.1))
    said = tell_cohorts(m.loyalty, 0)
    assert said is not None
    head = said.context
    # (40 × 0.25 + 60 × 0.1) / 100 = 0.16, on 100 customers.
    assert head.month_one == pytest.approx(0.16)
    assert (head.customers, head.thin, head.low) == (100, False, True)
    assert (head.worst, head.best) == (0.1, 0.25)
    assert check_claims(said.claims, m) == []
    # The same sentence on other figures is caught.
    other = _with_cohorts(sample_metrics, (40, 0.5), (60, 0.5))
    assert check_claims(said.claims, other) != []


def test_no_cohort_has_a_second_month(sample_metrics: LifecycleMetrics) -> None:
    assert tell_cohorts(_with_cohorts(sample_metrics, (3, None)).loyalty, 0) is None


def test_cohorts_that_all_share_one_rate_give_no_range(sample_metrics: LifecycleMetrics) -> None:
    m = _with_cohorts(sample_metrics, (40, 0.0), (60, 0.0))
    said = tell_cohorts(m.loyalty, 0)
    assert said is not None
    assert (said.context.month_one, said.context.worst, said.context.best) == (0.0, None, None)
    assert check_claims(said.claims, m) == []
