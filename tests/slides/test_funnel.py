from __future__ import annotations

from dataclasses import replace

import pytest

from deckgen.data.tables import Tables
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.model import FunnelSpec, KpiStrip, Slide, TextBlock
from deckgen.narrative.outline import DropReason
from deckgen.period import Period
from deckgen.slides.context import SlideContext
from deckgen.slides.registry import SlideKind
from tests.slides.conftest import build, metrics_of, one_slide

FUNNEL = SlideKind.FUNNEL


@pytest.fixture(scope="module")
def slide(sample_metrics: LifecycleMetrics) -> Slide:
    return one_slide(FUNNEL, sample_metrics)


def _leak(metrics: LifecycleMetrics):  # type: ignore[no-untyped-def]
    below = [
        s
        for s in metrics.funnel.steps
        if s.conversion is not None and s.benchmark and s.conversion.current / s.benchmark <= 0.9
    ]
    return min(below, key=lambda s: s.conversion.current / s.benchmark)


def test_five_stages_with_counts_conversions_and_the_leak(
    slide: Slide, sample_ctx: SlideContext, sample_metrics: LifecycleMetrics
) -> None:
    funnel = sample_metrics.funnel
    spec = slide.blocks[0]
    assert isinstance(spec, FunnelSpec)
    assert [s.label for s in spec.stages] == [
        "Reach",
        "Acquisition",
        "Conversion",
        "Retention",
        "Loyalty",
    ]
    assert [s.value for s in spec.stages] == [step.count.current for step in funnel.steps]
    assert spec.stages[0].conversion_text is None
    for stage, step in zip(spec.stages[2:], funnel.steps[2:], strict=True):
        assert stage.conversion_text.startswith(sample_ctx.fmt(step.conversion.current, "percent"))
    # Reach to lead is a fraction of a percent: shown as "1 in N reached".
    acquisition = funnel.steps[1].conversion.current
    one_in = sample_ctx.fmt(round(1 / acquisition), "count")
    assert spec.stages[1].conversion_text == f"1 in {one_in} reached"
    assert spec.highlight == funnel.steps.index(_leak(sample_metrics))
    # Retention and loyalty follow the June cohort to October (docs/metrics.md#funnel-groups).
    assert funnel.cohort == Period("gregorian", 2026, 6)
    assert spec.source == "Source: channels, leads, orders, and loyalty sheets, Jun 2026–Oct 2026"
    assert spec.stages[3].conversion_text.endswith(" of the Jun 2026 cohort")
    assert spec.stages[4].conversion_text.endswith(" of its repeat buyers")


def test_the_title_names_the_leak_below_its_norm(
    slide: Slide, sample_ctx: SlideContext, sample_metrics: LifecycleMetrics
) -> None:
    leak = _leak(sample_metrics)
    assert slide.title.startswith(f"The funnel leaks most at {leak.stage}:")
    norm = leak.benchmark
    shown = (
        f"1 in {sample_ctx.fmt(round(1 / norm), 'count')}"
        if norm < 0.01
        else sample_ctx.fmt(norm, "percent")
    )
    assert slide.title.endswith(f"against a 12-month norm of {shown}")
    assert slide.tracker == "Lifecycle funnel"
    strip = slide.blocks[1]
    assert isinstance(strip, KpiStrip)
    assert [k.label for k in strip.kpis] == ["Biggest leak", "New customers", "Lead to first order"]
    assert strip.kpis[0].value == sample_ctx.label("stages", leak.stage)
    assert strip.kpis[0].tone == "bad"
    for anchor in ("stage-conversion", "funnel-leak", "time-to-convert"):
        assert sample_ctx.definitions[anchor].text in slide.notes


def test_the_shortfall_reads_the_norm_figure_first(
    slide: Slide, sample_ctx: SlideContext, sample_metrics: LifecycleMetrics
) -> None:
    leak = _leak(sample_metrics)
    # The shortfall is the norm's conversion of the leak's own base (its n), less its count.
    short = round((leak.benchmark - leak.conversion.current) * leak.base.current)
    actual = leak.count.current
    group = "this month" if leak.group == "month" else "among the customers acquired in June 2026"
    side = slide.blocks[2]
    assert isinstance(side, TextBlock)
    # "(29 instead of 22)": what the norm would have brought, then what the stage brought.
    text = side.paragraphs[0].text
    assert text.startswith(
        f"At its 12-month norm, {leak.stage} would have brought about {short:,} more"
    )
    assert text.endswith(f"{group} ({actual + short:,} instead of {actual:,}).")


def test_stages_above_their_norm_are_no_leak(sample_metrics: LifecycleMetrics) -> None:
    # Every stage at 120% of its norm: the headline says so, and no bar is highlighted.
    steps = tuple(
        replace(s, benchmark=s.conversion.current / 1.2) if s.conversion is not None else s
        for s in sample_metrics.funnel.steps
    )
    metrics = replace(sample_metrics, funnel=replace(sample_metrics.funnel, steps=steps))
    slide = one_slide(FUNNEL, metrics)
    # The sample's 14 months: the cohort stages' norms rest on 9 months, the flows' on 12, so
    # no sentence calls them all 12-month norms.
    assert slide.title.startswith("Every stage with a norm converts at or above it")
    assert "leak" not in slide.title
    assert slide.blocks[0].highlight is None  # type: ignore[union-attr]
    side = slide.blocks[2]
    assert isinstance(side, TextBlock)
    assert "would have brought" not in side.paragraphs[0].text
    assert side.paragraphs[0].text == "Every other stage converts at or above 90% of its norm."


def test_stages_short_of_their_norm_but_above_90_percent_are_no_leak(
    sample_metrics: LifecycleMetrics,
) -> None:
    # Every stage at 95% of its norm: not below it (docs/metrics.md#funnel-leak), but short.
    steps = tuple(
        replace(s, benchmark=s.conversion.current / 0.95) if s.conversion is not None else s
        for s in sample_metrics.funnel.steps
    )
    metrics = replace(sample_metrics, funnel=replace(sample_metrics.funnel, steps=steps))
    slide = one_slide(FUNNEL, metrics)
    # The sample's 14 months: the cohort stages' norms rest on 9 months, the flows' on 12, so
    # no sentence calls them all 12-month norms.
    assert slide.title.startswith("No stage converts below 90% of its norm; ")
    assert slide.title.endswith(", at 95.0% of it")
    assert slide.blocks[0].highlight is None  # type: ignore[union-attr]


def test_without_leads_and_channels_only_the_customer_stages_remain(
    sample_tables: Tables,
) -> None:
    metrics = metrics_of(replace(sample_tables, leads=None, channels=None))
    slide = one_slide(FUNNEL, metrics)
    spec = slide.blocks[0]
    assert isinstance(spec, FunnelSpec)
    assert [s.label for s in spec.stages] == ["Conversion", "Retention", "Loyalty"]
    assert spec.stages[0].conversion_text is None
    labels = [k.label for k in slide.blocks[1].kpis]  # type: ignore[union-attr]
    assert "Lead to first order" not in labels


def test_with_one_stage_the_slide_is_left_out_with_a_reason(sample_tables: Tables) -> None:
    orders_only = replace(sample_tables, leads=None, channels=None, loyalty=None)
    steps = metrics_of(orders_only).funnel.steps
    metrics = metrics_of(orders_only)
    one = replace(
        metrics.funnel, steps=tuple(replace(s, count=None) for s in steps[:-1]) + steps[-1:]
    )
    built = build(FUNNEL, replace(metrics, funnel=one))
    assert built.slides == ()
    assert [d.reason for d in built.dropped] == [DropReason.TOO_FEW_STAGES]
