from __future__ import annotations

from dataclasses import replace

import pytest

from deckgen.data.tables import Tables
from deckgen.metrics.common import Change
from deckgen.metrics.findings import Diagnostics, Finding, StageHealth
from deckgen.model import KpiStrip, Slide, TextBlock
from deckgen.slides.context import SlideContext
from deckgen.slides.summary import TOP_FINDINGS, build_summary_slides
from tests.slides.conftest import slide_context


@pytest.fixture(scope="module")
def slide(sample_ctx: SlideContext) -> Slide:
    (built,) = build_summary_slides(sample_ctx)
    return built


def _expected_figure(ctx: SlideContext, f: Finding) -> str:
    """The figure a finding's sentence must quote: its value, tiny rates as '1 in N'."""
    if f.value_kind == "percent" and f.value is not None and 0 < f.value < 0.01:
        return f"1 in {ctx.fmt(1 / f.value, 'count')}"
    return ctx.fmt(f.value, f.value_kind)


def test_kpis_are_the_headline_figures_with_their_changes(
    slide: Slide, sample_ctx: SlideContext
) -> None:
    m = sample_ctx.metrics
    strip = slide.blocks[0]
    assert isinstance(strip, KpiStrip)
    expected = [
        (m.segmentation.revenue, "money"),
        (m.loyalty.active, "count"),
        (m.loyalty.new, "count"),
        (m.loyalty.repeat_rate_12m, "percent"),
        (m.satisfaction.nps_change, "score"),
    ]
    assert [k.value for k in strip.kpis] == [sample_ctx.fmt(c.current, k) for c, k in expected]
    for kpi, (change, kind) in zip(strip.kpis, expected, strict=True):
        assert kpi.delta == f"{sample_ctx.change(change, kind)} vs Sep 2026"
        assert kpi.tone == (
            "good" if change.delta > 0 else "bad" if change.delta < 0 else "neutral"
        )


def test_top_findings_one_sentence_each_with_its_number(
    slide: Slide, sample_ctx: SlideContext
) -> None:
    findings = sample_ctx.metrics.findings[:TOP_FINDINGS]
    block = slide.blocks[1]
    assert isinstance(block, TextBlock)
    assert block.style == "bullets"
    assert len(findings) == TOP_FINDINGS
    assert len(block.paragraphs) == TOP_FINDINGS + 1
    for paragraph, finding in zip(block.paragraphs[:-1], findings, strict=True):
        assert _expected_figure(sample_ctx, finding) in paragraph.text
        assert paragraph.text.endswith(".")
        assert "\n" not in paragraph.text


def test_the_first_move_is_the_weakest_stage_s_first_strategy(
    slide: Slide, sample_ctx: SlideContext
) -> None:
    weakest = sample_ctx.metrics.diagnostics.weakest
    strategy = sample_ctx.playbook[weakest]["strategies"][0]
    step = slide.blocks[1].paragraphs[-1]  # type: ignore[union-attr]
    assert step.bold
    assert step.text == f"First move on {weakest}: {strategy[0].lower()}{strategy[1:]}"


def test_headline_states_revenue_and_the_stage_to_fix(
    slide: Slide, sample_ctx: SlideContext
) -> None:
    m = sample_ctx.metrics
    assert slide.headline is not None
    assert slide.headline.startswith("October 2026: revenue up ")
    assert sample_ctx.fmt(m.segmentation.revenue.current, "money") in slide.headline
    weakest = next(s for s in m.diagnostics.stages if s.stage == m.diagnostics.weakest)
    assert f"{weakest.stage} is the stage to fix first" in slide.headline
    assert sample_ctx.fmt(weakest.index, "percent") in slide.headline


def test_notes_carry_the_other_findings_and_the_definitions(
    slide: Slide, sample_ctx: SlideContext
) -> None:
    for finding in sample_ctx.metrics.findings[TOP_FINDINGS:]:
        assert sample_ctx.text("summary", "finding", f=finding) in slide.notes
    assert sample_ctx.definitions["findings"].text in slide.notes
    assert sample_ctx.definitions["finding-weight"].text in slide.notes


@pytest.mark.parametrize(
    ("finding", "expected"),
    [
        (
            Finding("revenue_change", "segmentation", 0.1, "revenue", 1100.0, "money", 1000.0),
            "Revenue rose 10.0% to 1,100\u00a0USD (September 2026: 1,000\u00a0USD).",
        ),
        (
            Finding("active_change", "loyalty", 0.2, "active_customers", 40, "count", 50),
            "Active customers fell 20.0% to 40 (September 2026: 50).",
        ),
        (
            Finding("new_change", "loyalty", 0.0, "new_customers", 12, "count", 12),
            "New customers held steady at 12.",
        ),
        (
            Finding("churn_change", "loyalty", 0.2, "churn_rate", 0.05, "percent", 0.07),
            "Churn eased to 5.0% of the customer base, 2.0 pts better than in September 2026.",
        ),
        (
            Finding(
                "funnel_leak", "funnel", 0.7, "conversion", 0.1, "percent", 0.2, "benchmark", 0.2
            ),
            "Conversion is the funnel's biggest leak: new customers were 10.0% of leads, "
            "against a 12-month median of 20.0%.",
        ),
        (
            Finding("channel_cac", "channels", 0.9, "email", 10.0, "money", None, "tv", 120.0),
            "Email brings the cheapest customers: CAC 10\u00a0USD, 12 times less than TV "
            "(120\u00a0USD).",
        ),
        (
            Finding("channel_cac", "channels", 0.2, "seo", 40.0, "money", None, "print", 50.0),
            "SEO brings the cheapest customers: CAC 40\u00a0USD, 20.0% below print (50\u00a0USD).",
        ),
        (
            Finding(
                "growth_segment",
                "segmentation",
                0.5,
                "35-44",
                150.0,
                "money",
                100.0,
                "age_band",
                0.2,
            ),
            "Fastest-growing age band: customers aged 35-44, 12-month revenue up 50.0% to "
            "150\u00a0USD (the 12 months before: 100\u00a0USD).",
        ),
        (
            Finding(
                "top_segment",
                "segmentation",
                0.2,
                "Champions",
                0.3,
                "percent",
                None,
                "customers",
                0.1,
            ),
            "The Champions segment is 10.0% of customers but has brought 30.0% of all revenue "
            "to date.",
        ),
        (
            Finding("nps_shift", "satisfaction", 0.5, "nps", 30.0, "score", 20.0, "csat", 0.8),
            "NPS rose 10 pts to +30 (September 2026: +20); 80.0% of respondents are satisfied.",
        ),
        (
            Finding("nps_shift", "satisfaction", 0.1, "nps", -5.0, "score", None, "csat", None),
            "NPS stands at -5.",
        ),
        (
            Finding(
                "open_feedback", "feedback", 0.3, "high_severity", 3, "count", None, "open", 10
            ),
            "3 of the 10 open feedback items are of high or critical severity.",
        ),
    ],
)
def test_every_finding_kind_reads_as_one_sentence(
    sample_ctx: SlideContext, finding: Finding, expected: str
) -> None:
    assert sample_ctx.text("summary", "finding", f=finding) == expected


def test_without_surveys_the_strip_has_no_nps(sample_tables: Tables) -> None:
    ctx = slide_context(replace(sample_tables, surveys=None))
    (slide,) = build_summary_slides(ctx)
    strip = slide.blocks[0]
    assert isinstance(strip, KpiStrip)
    assert [k.label for k in strip.kpis] == [
        "Revenue",
        "Active customers",
        "New customers",
        "Repeat rate (12 m)",
    ]
    assert all(f.kind != "nps_shift" for f in ctx.metrics.findings)


@pytest.mark.parametrize(
    ("weakest", "expected"),
    [
        (
            StageHealth("loyalty", 0.3, None, None, "unknown"),
            "October 2026: revenue up 10.0% to 1,100\u00a0USD",
        ),
        (
            StageHealth("retention", 0.38, 0.4, 0.95, "steady"),
            "October 2026: revenue up 10.0% to 1,100\u00a0USD; every funnel stage converts at or "
            "near its 12-month norm",
        ),
    ],
)
def test_headline_without_a_weak_stage(
    sample_ctx: SlideContext, weakest: StageHealth, expected: str
) -> None:
    metrics = replace(
        sample_ctx.metrics,
        segmentation=replace(sample_ctx.metrics.segmentation, revenue=Change(1100.0, 1000.0)),
        diagnostics=Diagnostics((weakest,), weakest.stage),
    )
    (slide,) = build_summary_slides(replace(sample_ctx, metrics=metrics))
    assert slide.headline == expected
    findings = slide.blocks[1]
    assert isinstance(findings, TextBlock)
    assert not any(p.bold for p in findings.paragraphs)  # no first move without a weak stage
