from __future__ import annotations

from dataclasses import replace

import pytest

from deckgen.data.tables import Tables
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.metrics.segments import UNKNOWN, Breakdown
from deckgen.model import ChartSpec, Slide, TableSpec
from deckgen.slides.context import SlideContext
from deckgen.slides.registry import SlideKind
from deckgen.slides.segmentation import TOP_N
from tests.slides.conftest import build, metrics_of, one_slide

KINDS = (SlideKind.CUSTOMER_PROFILE, SlideKind.INTERESTS, SlideKind.RFM)


@pytest.fixture(scope="module")
def slides(sample_metrics: LifecycleMetrics) -> tuple[Slide, ...]:
    return tuple(one_slide(kind, sample_metrics) for kind in KINDS)


def _breakdown(ctx: SlideContext, attribute: str) -> Breakdown:
    seg = ctx.metrics.segmentation
    return next(b for b in (*seg.geographic, *seg.demographic) if b.attribute == attribute)


def test_three_slides_each_with_a_finding_and_cited_notes(
    slides: tuple[Slide, ...], sample_ctx: SlideContext
) -> None:
    assert [s.kind for s in slides] == list(KINDS)
    assert [s.tracker for s in slides] == [
        "Customers · Who the customers are",
        "Customers · What the customers care about",
        "Customers · Behavioural segments (RFM)",
    ]
    anchors = ("segment-figures", "interest-figures", "rfm-segments")
    for slide, anchor in zip(slides, anchors, strict=True):
        assert slide.title
        assert sample_ctx.definitions[anchor].text in slide.notes


def test_profile_charts_hold_the_group_shares(
    slides: tuple[Slide, ...], sample_ctx: SlideContext
) -> None:
    region, age, groups = slides[0].blocks
    assert [b.area for b in slides[0].blocks] == ["left", "right_top", "right_bottom"]
    assert isinstance(region, ChartSpec) and isinstance(age, ChartSpec)
    rows = [r for r in _breakdown(sample_ctx, "region").rows if r.value != UNKNOWN][:TOP_N]
    assert region.categories == tuple(r.value for r in rows)
    assert region.series[0].values == tuple(r.share for r in rows)
    assert region.series[1].values == tuple(r.revenue_share for r in rows)
    assert all(s.value_kind == "percent" for s in region.series)
    assert (
        region.source
        == "Source: customers and orders sheets, Nov 2025–Oct 2026; n\u00a0=\u00a0"
        + (f"{sample_ctx.metrics.segmentation.customers.current:,} customers")
    )
    bands = [r for r in _breakdown(sample_ctx, "age_band").rows if r.value != UNKNOWN]
    assert age.categories == tuple(r.value.replace("-", "\u2013") for r in bands)
    assert age.series[0].values == tuple(r.share for r in bands)
    assert isinstance(groups, ChartSpec)
    assert groups.categories[-3:] == ("Low income", "Middle income", "High income")
    income = {r.value: r for r in _breakdown(sample_ctx, "income_band").rows}
    assert groups.series[1].values[-3:] == tuple(
        income[v].revenue_share for v in ("low", "middle", "high")
    )


def test_profile_headline_names_the_largest_region_and_the_richest_group(
    slides: tuple[Slide, ...], sample_ctx: SlideContext
) -> None:
    largest = _breakdown(sample_ctx, "region").rows[0]
    headline = slides[0].title
    assert headline.startswith(f"Largest region: {largest.value}, with ")
    assert sample_ctx.fmt(largest.share, "percent") in headline
    # In this sample the high-income band's revenue share beats its customer share the most.
    high = next(r for r in _breakdown(sample_ctx, "income_band").rows if r.value == "high")
    assert "high-income customers bring " in headline
    assert sample_ctx.fmt(high.revenue_share, "percent") in headline


def test_a_tie_for_the_most_customers_names_no_largest_region(
    sample_metrics: LifecycleMetrics,
) -> None:
    seg = sample_metrics.segmentation
    region = next(b for b in seg.geographic if b.attribute == "region")
    first, second, *rest = region.rows
    tie = replace(second, customers=first.customers, share=first.share)
    tied = replace(region, rows=(first, tie, *rest))
    geographic = tuple(tied if b is region else b for b in seg.geographic)
    m = replace(sample_metrics, segmentation=replace(seg, geographic=geographic))
    slide = one_slide(SlideKind.CUSTOMER_PROFILE, m)
    assert "Largest region" not in slide.title
    assert first.value not in slide.title


def test_interest_charts_share_one_order_and_highlight_the_top_spender(
    slides: tuple[Slide, ...], sample_ctx: SlideContext
) -> None:
    interests = sample_ctx.metrics.segmentation.psychographic[:TOP_N]
    share, spend = slides[1].blocks
    assert isinstance(share, ChartSpec) and isinstance(spend, ChartSpec)
    assert share.categories == spend.categories == tuple(i.interest for i in interests)
    assert share.series[0].values == tuple(i.share for i in interests)
    assert spend.series[0].values == tuple(i.revenue_per_customer_12m for i in interests)
    top = max(interests, key=lambda i: i.revenue_per_customer_12m)
    assert spend.highlight == interests.index(top)
    assert slides[1].title.startswith(f"Customers interested in {top.interest} spend the most")
    assert sample_ctx.fmt(top.revenue_per_customer_12m, "money") in slides[1].title


def test_rfm_chart_and_table_hold_the_segment_figures(
    slides: tuple[Slide, ...], sample_ctx: SlideContext
) -> None:
    segments = [s for s in sample_ctx.metrics.segmentation.rfm.segments if s.customers.current]
    chart, table = slides[2].blocks
    assert isinstance(chart, ChartSpec) and isinstance(table, TableSpec)
    assert chart.categories == tuple(s.name for s in segments)
    assert chart.series[0].values == tuple(s.share for s in segments)
    assert chart.series[1].values == tuple(s.revenue_share for s in segments)
    values = [[c.value for c in row[1:]] for row in table.rows]
    assert values == [
        [s.customers.current, s.recency_days, s.frequency, s.monetary] for s in segments
    ]
    assert [row[0].text for row in table.rows] == [s.name for s in segments]
    best = max(segments, key=lambda s: s.revenue_share - s.share)
    assert slides[2].title.startswith(
        f"The {best.name} segment brings {sample_ctx.fmt(best.revenue_share, 'percent')} of all "
        f"revenue to date from {sample_ctx.fmt(best.share, 'percent')} of customers"
    )


def test_without_demographics_or_interests_only_geography_and_rfm_remain(
    sample_tables: Tables,
) -> None:
    customers = sample_tables.customers.drop(columns=["age", "gender", "income_band", "interests"])
    metrics = metrics_of(replace(sample_tables, customers=customers))
    built = [build(kind, metrics) for kind in KINDS]
    assert [len(b.slides) for b in built] == [1, 0, 1]
    assert [(d.reason, d.sheet, d.column) for d in built[1].dropped] == [
        ("no_column", "customers", "interests")
    ]
    (region,) = built[0].slides[0].blocks
    assert isinstance(region, ChartSpec) and region.area == "full"
    assert built[0].slides[0].title.endswith("of customers")
