"""Findings and stage health: exact values on hand-made funnels, rules on the sample."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest

from deckgen.config import Settings
from deckgen.data.sample import generate_sample
from deckgen.data.validate import validate_frames
from deckgen.metrics.common import Change
from deckgen.metrics.findings import FindingKind, compute_diagnostics, compute_findings
from deckgen.metrics.funnel import FunnelGroup, FunnelResult, FunnelStep, NormStatus
from deckgen.metrics.lifecycle import LifecycleMetrics, compute_metrics
from deckgen.period import Period


def _step(
    stage: str, conversion: float | None, benchmark: float | None, base: int | None = None
) -> FunnelStep:
    change = None if conversion is None else Change(conversion, None)
    return FunnelStep(
        stage=stage,
        group=FunnelGroup.MONTH,
        count=Change(100, None),
        base=None if base is None else Change(base, None),
        conversion=change,
        drop_off=None,
        benchmark=benchmark,
        norm_index=None,
        vs_norm=NormStatus.UNKNOWN,
        benchmark_months=0 if benchmark is None else 12,
    )


def _funnel(steps: tuple[FunnelStep, ...], rule: str, leak: str | None) -> FunnelResult:
    return FunnelResult(
        steps=steps,
        loyalty_rule=rule,
        cohort=Period("gregorian", 2026, 6),
        retention_window_days=90,
        lead_to_customer_days=None,
        converted_leads=0,
        biggest_leak=leak,
    )


def test_diagnostics_grades_each_stage_against_its_benchmark() -> None:
    funnel = _funnel(
        (
            _step("reach", None, None),
            _step("acquisition", 0.012, 0.010),  # index 1.2 -> strong
            _step("conversion", 0.17, 0.20),  # index 0.85 -> weak
            _step("retention", 0.40, 0.50),  # index 0.8 -> weak, the weakest
            _step("loyalty", 0.30, 0.30),  # index 1.0 -> steady
        ),
        "club",
        "retention",
    )
    diagnostics = compute_diagnostics(funnel)
    assert [s.status for s in diagnostics.stages] == [
        "unknown",
        "strong",
        "weak",
        "weak",
        "steady",
    ]
    assert diagnostics.stages[3].index == pytest.approx(0.8)
    assert diagnostics.weakest == "retention"


def test_a_thin_stage_leads_only_when_no_solid_stage_is_weak() -> None:
    steps = (
        _step("reach", None, None),
        _step("acquisition", 0.012, 0.010, base=5000),  # index 1.2, solid
        _step("conversion", 0.17, 0.20, base=400),  # index 0.85, solid and weak
        _step("retention", 0.20, 0.50, base=12),  # index 0.4, lowest but thin (12 < 30)
        _step("loyalty", 0.30, 0.30, base=200),  # index 1.0
    )
    assert compute_diagnostics(_funnel(steps, "club", None)).weakest == "conversion"
    steady = tuple(
        _step(s.stage, 0.2, 0.2, base=400) if s.stage == "conversion" else s for s in steps
    )
    assert compute_diagnostics(_funnel(steady, "club", None)).weakest == "retention"


def test_diagnostics_fall_back_to_the_leak_without_benchmarks() -> None:
    funnel = _funnel(
        (_step("reach", None, None), _step("acquisition", 0.02, None)), "orders", "acquisition"
    )
    diagnostics = compute_diagnostics(funnel)
    assert diagnostics.weakest == "acquisition"
    assert diagnostics.stages[1].status == "unknown"


@cache
def _sample_metrics() -> LifecycleMetrics:
    settings = Settings()
    frames = generate_sample(customers=400, months=15, end="2026-10", seed=11)
    tables = validate_frames(frames, settings, "sample").tables
    return compute_metrics(tables, Period("gregorian", 2026, 10), settings.metrics)


def test_findings_are_ranked_by_weight_and_follow_their_formulas() -> None:
    metrics = _sample_metrics()
    weights = [f.weight for f in metrics.findings]
    assert weights == sorted(weights, reverse=True)
    by_kind = {f.kind: f for f in metrics.findings}

    revenue = metrics.segmentation.revenue
    assert by_kind["revenue_change"].weight == pytest.approx(abs(revenue.relative))
    assert by_kind["revenue_change"].value == revenue.current

    priced = [c for c in metrics.channels.channels if c.cac is not None and c.cac.current > 0]
    cheapest = min(c.cac.current for c in priced)
    dearest = max(c.cac.current for c in priced)
    cac = by_kind["channel_cac"]
    assert (cac.value, cac.reference_value) == (cheapest, dearest)
    assert cac.weight == pytest.approx(1 - cheapest / dearest)

    leak = by_kind["funnel_leak"]
    assert leak.subject == metrics.funnel.biggest_leak
    assert leak.weight >= 0.5  # the leak always has a floor so it reaches the summary


def test_growth_segment_compares_12_months_with_the_12_before() -> None:
    settings = Settings()
    frames = generate_sample(customers=400, months=26, end="2026-10", seed=11)
    tables = validate_frames(frames, settings, "sample").tables
    metrics = compute_metrics(tables, Period("gregorian", 2026, 10), settings.metrics)
    rows = [
        (breakdown.attribute, row)
        for breakdown in (*metrics.segmentation.geographic, *metrics.segmentation.demographic)
        for row in breakdown.rows
        if row.value != "unknown" and row.share >= 0.05 and row.revenue_12m.relative is not None
    ]
    attribute, best = max(rows, key=lambda r: (r[1].revenue_12m.relative, r[1].value))
    growth = {f.kind: f for f in metrics.findings}["growth_segment"]
    assert (growth.reference_subject, growth.subject) == (attribute, best.value)
    assert (growth.value, growth.previous) == (best.revenue_12m.current, best.revenue_12m.previous)
    assert growth.weight == pytest.approx(min(best.revenue_12m.relative, 1.0))


def test_findings_need_their_sheets() -> None:
    settings = Settings()
    frames = generate_sample(customers=200, months=14, end="2026-10", seed=5)
    for sheet in ("leads", "channels", "feedback", "surveys", "loyalty"):
        frames.pop(sheet)
    tables = validate_frames(frames, settings, "sample").tables
    metrics = compute_metrics(tables, Period("gregorian", 2026, 10), settings.metrics)
    kinds = {f.kind for f in metrics.findings}
    assert kinds.isdisjoint({"channel_cac", "nps_shift", "open_feedback", "pipeline"})
    assert metrics.prospects is None and metrics.feedback is None
    assert metrics.satisfaction is None


def _top_segment(metrics: LifecycleMetrics) -> list[str]:
    """The segments the findings name as out-earning their share, recomputed from `metrics`."""
    found = compute_findings(
        metrics.segmentation,
        metrics.funnel,
        metrics.loyalty,
        metrics.channels,
        metrics.prospects,
        metrics.feedback,
        metrics.satisfaction,
    )
    return [f.subject for f in found if f.kind == FindingKind.TOP_SEGMENT]


def test_the_top_segment_needs_lapsing_judged_and_revenue_above_zero() -> None:
    metrics = _sample_metrics()
    assert metrics.loyalty.lapsing_judged
    (named,) = _top_segment(metrics)
    # The same figures with a history too short to judge lapsing: the segments then only rank
    # customers by their last order (the RFM slide names none; was the summary naming one).
    short = replace(metrics, loyalty=replace(metrics.loyalty, lapsing_judged=False))
    assert _top_segment(short) == []
    # Revenue to date below zero (more refunded than sold): a share of it is no share (was "50.0%
    # of customers but has brought 500.0% of all revenue to date"), so every revenue share is 0
    # at the source (tests/metrics/test_segments.py) and no segment out-earns its weight.
    rfm = metrics.segmentation.rfm
    refunded = tuple(
        replace(s, revenue=-abs(s.revenue) - 1.0, revenue_share=0.0) for s in rfm.segments
    )
    negative = replace(metrics.segmentation, rfm=replace(rfm, segments=refunded))
    assert _top_segment(replace(metrics, segmentation=negative)) == []
    assert named in {s.name for s in rfm.segments}


def test_the_top_prospects_value_is_the_same_sum_on_every_python() -> None:
    # Python 3.12's sum() of floats compensates its rounding and 3.11's did not: ten leads of 0.1
    # summed to 0.9999999999999999 on 3.11 and 1.0 on 3.13, and the decks' records differed.
    metrics = _sample_metrics()
    assert metrics.prospects is not None and len(metrics.prospects.top) >= 10
    top = tuple(replace(p, expected_value=0.1) for p in metrics.prospects.top[:10])
    prospects = replace(metrics.prospects, top=top, pipeline_value=4.0)
    found = compute_findings(
        metrics.segmentation,
        metrics.funnel,
        metrics.loyalty,
        metrics.channels,
        prospects,
        metrics.feedback,
        metrics.satisfaction,
    )
    pipeline = {f.kind: f for f in found}["pipeline"]
    assert (pipeline.reference_value, pipeline.weight) == (1.0, 0.25)  # the top: a quarter
