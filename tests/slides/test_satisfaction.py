"""Satisfaction vs loyalty slides built from the shared sample, checked against its metrics."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deckgen.data.tables import Tables
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.metrics.satisfaction import LoyaltyAxis, SatisfactionResult
from deckgen.model import ChartSpec, KpiStrip, ScatterSpec, Slide, TableSpec, TextBlock
from deckgen.narrative.outline import DropReason
from deckgen.slides.context import SlideContext
from deckgen.slides.registry import SlideKind
from deckgen.slides.satisfaction import JITTER, TOP_SEGMENTS, jittered
from tests.slides.conftest import build, metrics_of, one_slide

KINDS = (SlideKind.QUADRANTS, SlideKind.NPS_CSAT)


def _block(slide: Slide, kind: type, area: str | None = None):  # type: ignore[no-untyped-def]
    found = [b for b in slide.blocks if isinstance(b, kind) and area in (None, b.area)]
    assert len(found) == 1
    return found[0]


@pytest.fixture(scope="module")
def result(sample_metrics: LifecycleMetrics) -> SatisfactionResult:
    survey = sample_metrics.satisfaction
    assert survey is not None and survey.by_segment
    return survey


@pytest.fixture(scope="module")
def slides(sample_metrics: LifecycleMetrics) -> tuple[Slide, ...]:
    return tuple(one_slide(kind, sample_metrics) for kind in KINDS)


def test_no_surveys_sheet_no_slides(sample_tables: Tables) -> None:
    metrics = metrics_of(replace(sample_tables, surveys=None))
    for kind in KINDS:
        assert [(d.reason, d.sheet) for d in build(kind, metrics).dropped] == [
            (DropReason.NO_SHEET, "surveys")
        ]


def test_two_slides_with_findings_and_cited_notes(slides: tuple[Slide, ...]) -> None:
    assert [s.kind for s in slides] == list(KINDS)
    for slide in slides:
        assert slide.title and "Definitions used on this slide:" in slide.notes
    assert "Satisfaction–loyalty quadrants: Jones & Sasser's four groups" in slides[0].notes
    assert "Net Promoter Score: Share of promoters" in slides[1].notes


def test_scatter_spreads_each_answer_within_the_jitter(
    slides: tuple[Slide, ...], result: SatisfactionResult
) -> None:
    scatter = _block(slides[0], ScatterSpec)
    (series,) = scatter.series
    assert len(series.xs) == len(result.scatter) == result.scatter_n
    for x, y, (sat, days) in zip(series.xs, series.ys, result.scatter, strict=True):
        assert abs(x - sat) <= JITTER and abs(y - days) <= JITTER
    # The sample's answers link to its orders: loyalty is repeat buying (2+ purchase days),
    # drawn as purchase days from 0 to the most any dot has.
    assert result.loyalty_axis == LoyaltyAxis.BEHAVIOUR
    assert scatter.x_split == result.satisfaction_threshold - 0.5 == 3.5
    assert scatter.y_split == result.loyalty_threshold - 0.5 == 1.5
    top = max(days for _, days in result.scatter)
    assert scatter.x_range == (1.0, 5.0) and scatter.y_range == (0.0, max(top, 3.0))
    assert min(series.xs) >= 1.0 and max(series.xs) <= 5.0
    assert min(series.ys) >= 0.0 and max(series.ys) <= max(top, 3.0)
    assert scatter.y_title == "Purchase days in 12 months"
    assert scatter.quadrant_labels == (
        "Hostages",
        "Loyalists (apostles)",
        "Defectors",
        "Mercenaries",
    )
    assert (
        scatter.source is not None
        and f"n\u00a0=\u00a0{result.scatter_n} surveyed" in scatter.source
    )


def test_quadrant_table_and_findings(
    slides: tuple[Slide, ...], result: SatisfactionResult, sample_ctx: SlideContext
) -> None:
    table = _block(slides[0], TableSpec)
    assert f"n\u00a0=\u00a0{result.quadrant_n}" in (table.title or "")
    for row, quadrant in zip(table.rows, result.quadrants, strict=True):
        assert row[0].text == sample_ctx.label("quadrants", quadrant.name)
        assert [c.value for c in row[1:]] == [
            quadrant.customers,
            quadrant.share,
            quadrant.mean_occasions_12m,
            quadrant.mean_recommend,  # behaviour places the groups: show what they say
        ]
    loyalists = result.quadrants[0]
    assert slides[0].title.startswith(sample_ctx.fmt(loyalists.share, "percent"))
    findings = _block(slides[0], TextBlock)
    spearman = result.satisfaction_vs_recommend.spearman
    assert f"rank correlation {sample_ctx.fmt(spearman, 'decimal')}" in findings.paragraphs[0].text


def test_answers_that_do_not_link_to_orders_place_customers_by_intent(
    sample_tables: Tables,
) -> None:
    surveys = sample_tables.surveys.assign(
        customer_id=("survey-" + sample_tables.surveys["customer_id"]).astype("string")
    )
    metrics = metrics_of(replace(sample_tables, surveys=surveys))
    result = metrics.satisfaction
    assert (result.loyalty_axis, result.linked_customers) == (LoyaltyAxis.INTENT, 0)
    quadrant_slide = one_slide(SlideKind.QUADRANTS, metrics)
    scatter = _block(quadrant_slide, ScatterSpec)
    assert scatter.y_range == result.recommend_scale == (0.0, 10.0)
    assert scatter.y_split == result.recommend_threshold - 0.5 == 6.5
    assert scatter.y_title == "Likelihood to recommend (0–10)"
    table = _block(quadrant_slide, TableSpec)
    assert [row[4].value for row in table.rows] == [q.repeat_rate_12m for q in result.quadrants]
    assert "stated intent stands in for behaviour" in quadrant_slide.notes
    assert quadrant_slide.title.endswith(
        (
            "neither satisfied nor willing to recommend",
            "unwilling to recommend",
            "willing to recommend despite low satisfaction",
        )
    )
    assert quadrant_slide.blocks[0].source.startswith("Source: surveys sheet, ")  # type: ignore[union-attr]


def test_score_kpis_carry_their_sample_sizes(
    slides: tuple[Slide, ...], result: SatisfactionResult, sample_ctx: SlideContext
) -> None:
    strip = _block(slides[1], KpiStrip)
    assert [k.value for k in strip.kpis] == [
        sample_ctx.fmt(result.nps.score, "score"),
        sample_ctx.fmt(result.csat.score, "percent"),
        sample_ctx.fmt(result.customer_nps.score, "score"),
        sample_ctx.fmt(result.customer_csat.score, "percent"),
    ]
    sizes = [result.nps.n, result.csat.n, result.customer_nps.n, result.customer_csat.n]
    for kpi, n in zip(strip.kpis, sizes, strict=True):
        assert kpi.label.endswith(f"(n\u00a0=\u00a0{n})")
    assert f"(n\u00a0=\u00a0{result.nps.n}" in slides[1].title


def test_trend_and_segment_table(
    slides: tuple[Slide, ...], result: SatisfactionResult, sample_ctx: SlideContext
) -> None:
    trend = _block(slides[1], ChartSpec)
    # One NPS axis: the 3-month pooled NPS and the month's own (no answers on a second axis).
    assert trend.kind == "line"
    rolling, monthly = trend.series
    assert (rolling.name, monthly.name) == ("NPS, 3 months", "NPS, month")
    assert monthly.values == tuple(m.nps.score for m in result.months)
    assert rolling.values == tuple(m.nps_3m.score for m in result.months)
    assert {s.value_kind for s in trend.series} == {"score"}
    assert {s.axis for s in trend.series} == {"primary"}
    # Pooled, not averaged: October's is the NPS of August to October's answers together.
    last = result.months[-3:]
    pooled = (
        100
        * (sum(m.nps.promoters for m in last) - sum(m.nps.detractors for m in last))
        / sum(m.nps.n for m in last)
    )
    assert rolling.values[-1] == pytest.approx(pooled)
    table = _block(slides[1], TableSpec)
    segments = result.by_segment[:TOP_SEGMENTS]
    assert len(table.rows) == len(segments)
    for row, segment in zip(table.rows, segments, strict=True):
        assert row[0].text == sample_ctx.label("segments", segment.segment)
        assert [c.value for c in row[1:]] == [
            segment.customers,
            segment.nps.score,
            segment.csat.score,
            segment.quadrants[0].share,
        ]


@given(
    st.lists(st.integers(min_value=0, max_value=10), max_size=50),
    st.integers(min_value=0, max_value=3),
)
def test_jitter_stays_within_its_reach_and_the_axis(values: list[int], seed: int) -> None:
    moved = jittered(tuple(float(v) for v in values), (0.0, 10.0), seed)
    assert moved == jittered(tuple(float(v) for v in values), (0.0, 10.0), seed)
    for before, after in zip(values, moved, strict=True):
        assert abs(after - before) <= JITTER
        assert 0.0 <= after <= 10.0
