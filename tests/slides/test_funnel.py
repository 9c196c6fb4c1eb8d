from __future__ import annotations

from dataclasses import replace

import pytest

from deckgen.data.tables import Tables
from deckgen.model import FunnelSpec, KpiStrip, Slide, TextBlock
from deckgen.slides.context import SlideContext
from deckgen.slides.funnel import build_funnel_slides
from tests.slides.conftest import slide_context


@pytest.fixture(scope="module")
def slide(sample_ctx: SlideContext) -> Slide:
    (built,) = build_funnel_slides(sample_ctx)
    return built


def test_five_stages_with_counts_conversions_and_the_leak(
    slide: Slide, sample_ctx: SlideContext
) -> None:
    funnel = sample_ctx.metrics.funnel
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
    assert [s.value_text for s in spec.stages] == [
        sample_ctx.fmt(step.count.current, "count") for step in funnel.steps
    ]
    assert spec.stages[0].conversion_text is None
    for stage, step in zip(spec.stages[2:], funnel.steps[2:], strict=True):
        assert stage.conversion_text is not None
        assert stage.conversion_text.startswith(sample_ctx.fmt(step.conversion.current, "percent"))
    # Reach to lead is a fraction of a percent: shown as "1 in N reached".
    acquisition = funnel.steps[1].conversion.current
    assert (
        spec.stages[1].conversion_text == f"1 in {sample_ctx.fmt(1 / acquisition, 'count')} reached"
    )
    assert spec.highlight == [s.stage for s in funnel.steps].index(funnel.biggest_leak)


def test_headline_and_kpis_name_the_leak_against_its_norm(
    slide: Slide, sample_ctx: SlideContext
) -> None:
    funnel = sample_ctx.metrics.funnel
    leak = next(s for s in funnel.steps if s.stage == funnel.biggest_leak)
    assert slide.headline is not None
    assert slide.headline.startswith(f"The funnel leaks most at {leak.stage}:")
    strip = slide.blocks[1]
    assert isinstance(strip, KpiStrip)
    assert [k.label for k in strip.kpis] == ["Biggest leak", "New customers", "Lead to first order"]
    assert strip.kpis[0].value == sample_ctx.label("stages", leak.stage)
    assert strip.kpis[0].tone == "bad"
    days = funnel.lead_to_customer_days
    assert strip.kpis[2].value == f"{sample_ctx.fmt(days.current, 'count')} days"
    side = slide.blocks[2]
    assert isinstance(side, TextBlock)
    assert any(
        f"the {sample_ctx.fmt(funnel.converted_leads, 'count')} who came through a lead took"
        in p.text
        for p in side.paragraphs
    )
    for anchor in ("stage-conversion", "funnel-leak", "time-to-convert"):
        assert sample_ctx.definitions[anchor].text in slide.notes


def test_the_size_of_the_leak_is_the_shortfall_against_the_norm(
    slide: Slide, sample_ctx: SlideContext
) -> None:
    steps = sample_ctx.metrics.funnel.steps
    index = [s.stage for s in steps].index(sample_ctx.metrics.funnel.biggest_leak)
    leak, feeder = steps[index], steps[index - 1]
    short = (leak.benchmark - leak.conversion.current) * feeder.count.current
    side = slide.blocks[2]
    assert isinstance(side, TextBlock)
    assert f"about {sample_ctx.fmt(round(short), 'count')} more" in side.paragraphs[0].text


def test_without_leads_and_channels_only_the_customer_stages_remain(
    sample_tables: Tables,
) -> None:
    ctx = slide_context(replace(sample_tables, leads=None, channels=None))
    (slide,) = build_funnel_slides(ctx)
    spec = slide.blocks[0]
    assert isinstance(spec, FunnelSpec)
    assert [s.label for s in spec.stages] == ["Conversion", "Retention", "Loyalty"]
    assert spec.stages[0].conversion_text is None
    labels = [k.label for k in slide.blocks[1].kpis]  # type: ignore[union-attr]
    assert "Lead to first order" not in labels
