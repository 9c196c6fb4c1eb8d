"""Loyalty lifecycle slides built from the shared sample, checked against its metrics."""

from __future__ import annotations

from dataclasses import replace

import pytest

from deckgen.data.tables import Tables
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.model import ChartSpec, KpiStrip, Slide, TableSpec
from deckgen.narrative.outline import DropReason
from deckgen.slides.context import SlideContext
from deckgen.slides.loyalty import TOP_OFFERS, TOP_SEGMENTS
from deckgen.slides.registry import SlideKind
from tests.slides.conftest import build, metrics_of, one_slide

KINDS = (SlideKind.CUSTOMER_FLOW, SlideKind.REPEAT_CHURN, SlideKind.COHORTS, SlideKind.CLUB)


def _block(slide: Slide, kind: type, area: str | None = None):  # type: ignore[no-untyped-def]
    found = [b for b in slide.blocks if isinstance(b, kind) and area in (None, b.area)]
    assert len(found) == 1
    return found[0]


@pytest.fixture(scope="module")
def slides(sample_metrics: LifecycleMetrics) -> tuple[Slide, ...]:
    return tuple(one_slide(kind, sample_metrics) for kind in KINDS)


@pytest.fixture(scope="module")
def no_club_metrics(sample_tables: Tables) -> LifecycleMetrics:
    """The sample without the loyalty sheet or any customer flagged as a club member."""
    customers = sample_tables.customers.drop(columns=["loyalty_member", "loyalty_join_date"])
    return metrics_of(replace(sample_tables, loyalty=None, customers=customers))


def test_four_slides_with_findings_and_cited_notes(slides: tuple[Slide, ...]) -> None:
    assert [s.kind for s in slides] == list(KINDS)
    titles = {s.title for s in slides}
    assert len(titles) == 4
    for slide in slides:
        assert slide.tracker.startswith("Loyalty · ")
        assert "Definitions used on this slide:" in slide.notes
    assert "Lifecycle counts: For each of the 12 months" in slides[0].notes
    assert "Churn window K: K is the number of days" in slides[1].notes
    assert "Cohort retention: A cohort is" in slides[2].notes
    assert "Club members: Customers flagged" in slides[3].notes


def test_flow_charts_hold_the_monthly_counts(
    slides: tuple[Slide, ...], sample_ctx: SlideContext
) -> None:
    months = sample_ctx.metrics.loyalty.months
    flow = _block(slides[0], ChartSpec, "left_bottom")
    assert flow.kind == "stacked_column"
    assert flow.categories == tuple(sample_ctx.month(m.month, short=True) for m in months)
    assert flow.series[0].values == tuple(m.new for m in months)
    assert flow.series[1].values == tuple(m.returning for m in months)
    stock = _block(slides[0], ChartSpec, "right_bottom")
    # The club rule's loyalty stock: the active club members (docs/metrics.md#loyalty-rule).
    assert stock.series[0].name == "Active club members"
    assert stock.series[0].values == sample_ctx.metrics.loyalty.club.active_by_month[-len(months) :]
    # Until June a tenth of the occasions to date are not 2K days old (April: 2 of 262, the
    # first order 240 days back, K = 120): no at-risk point (#at-risk).
    assert [m.lapsing_judged for m in months] == [False] * 8 + [True] * 4
    assert stock.series[1].values == (None,) * 8 + tuple(m.at_risk for m in months[8:])


def test_flow_kpis_and_headline_state_the_figures(
    slides: tuple[Slide, ...], sample_ctx: SlideContext
) -> None:
    loyalty = sample_ctx.metrics.loyalty
    strip = _block(slides[0], KpiStrip)
    expected = [loyalty.active, loyalty.new, loyalty.returning, loyalty.club.active_members]
    assert [k.value for k in strip.kpis] == [sample_ctx.fmt(c.current, "count") for c in expected]
    assert all(k.delta and k.delta.endswith("vs Sep 2026") for k in strip.kpis)
    assert strip.kpis[3].label == "Active club members"  # not the RFM "Loyal" segment
    assert slides[0].title.startswith("Active club members ")
    members = sample_ctx.fmt(loyalty.club.active_members.current, "count")
    assert f"to {members}," in slides[0].title
    assert sample_ctx.fmt(loyalty.returning.current, "count") in slides[0].title
    assert "churn window of" in slides[0].notes
    assert f"{loyalty.churn_days} days" in slides[0].notes


def test_repeat_slide_rates_and_revenue_by_segment(
    slides: tuple[Slide, ...], sample_ctx: SlideContext
) -> None:
    loyalty = sample_ctx.metrics.loyalty
    rates = _block(slides[1], ChartSpec, "left_bottom")
    assert rates.series[0].values == tuple(m.repeat_rate_12m for m in loyalty.months)
    assert rates.series[1].values == tuple(m.churn_rate for m in loyalty.months)
    assert {s.value_kind for s in rates.series} == {"percent"}
    value = _block(slides[1], ChartSpec, "right_bottom")
    top = loyalty.revenue_per_customer_lifetime_by_segment[:TOP_SEGMENTS]
    assert value.categories == tuple(s.segment for s in top)
    assert value.series[0].values == tuple(s.revenue_per_customer_lifetime for s in top)
    assert value.series[0].value_kind == "money"
    strip = _block(slides[1], KpiStrip)
    assert strip.kpis[0].value == sample_ctx.fmt(loyalty.repeat_rate_12m.current, "percent")
    assert strip.kpis[1].tone == (
        "good" if loyalty.churn_rate.delta < 0 else "bad" if loyalty.churn_rate.delta else "neutral"
    )
    assert sample_ctx.fmt(loyalty.repeat_rate_12m.current, "percent") in slides[1].title
    assert f"churn window of {loyalty.churn_days} days" in slides[1].notes


def test_cohort_matrix_cells_hold_retention_with_blanks_not_zeros(
    slides: tuple[Slide, ...], sample_ctx: SlideContext
) -> None:
    cohorts = sample_ctx.metrics.loyalty.cohorts
    table = _block(slides[2], TableSpec)
    assert len(table.columns) == 2 + 11  # cohort, customers, M1..M11
    assert [c.header for c in table.columns[2:]] == [f"M{k}" for k in range(1, 12)]
    assert len(table.rows) == len(cohorts)
    heats = []
    for row, cohort in zip(table.rows, cohorts, strict=True):
        assert row[0].text == sample_ctx.month(cohort.cohort, short=True)
        assert row[1].value == cohort.customers
        for cell, share in zip(row[2:], cohort.retention[1:], strict=True):
            assert cell.value == share
            if share is None:
                assert (cell.text, cell.heat) == ("", None)
            else:
                assert cell.text == sample_ctx.fmt(share, "percent")
                heats.append(cell.heat)
    assert heats and max(heats) == 1.0 and min(heats) >= 0.0
    assert table.rows[-1][2].text == ""  # the newest cohort has not reached month 1


def test_cohort_headline_weights_month_one_by_cohort_size(
    slides: tuple[Slide, ...], sample_ctx: SlideContext
) -> None:
    reached = [
        c for c in sample_ctx.metrics.loyalty.cohorts if c.customers and c.retention[1] is not None
    ]
    weighted = sum(c.customers * c.retention[1] for c in reached) / sum(
        c.customers for c in reached
    )
    assert sample_ctx.fmt(weighted, "percent") in slides[2].title
    assert f"across {len(reached)} cohorts" in slides[2].title


def test_club_slide_shows_members_offers_and_tiers(
    slides: tuple[Slide, ...], sample_ctx: SlideContext
) -> None:
    club = sample_ctx.metrics.loyalty.club
    assert club is not None
    strip = _block(slides[3], KpiStrip)
    assert strip.kpis[0].value == sample_ctx.fmt(club.members, "count")
    assert strip.kpis[1].value == sample_ctx.fmt(club.active_members.current, "count")
    offers = _block(slides[3], ChartSpec, "left_bottom")
    assert offers.series[0].values == tuple(o.share for o in club.offers[:TOP_OFFERS])
    assert offers.categories[0] == sample_ctx.label("offers", club.offers[0].offer)
    tiers = _block(slides[3], ChartSpec, "right_bottom")
    assert tiers.kind == "doughnut"
    assert tiers.series[0].values == tuple(t.members for t in club.tiers)
    assert sample_ctx.fmt(club.offers[0].share, "percent") in slides[3].title
    assert "Referrals: " in slides[3].notes


def test_without_club_data_the_club_slide_is_dropped(no_club_metrics: LifecycleMetrics) -> None:
    loyalty = no_club_metrics.loyalty
    assert loyalty.club is None and loyalty.loyalty_rule == "orders"
    built = [build(kind, no_club_metrics) for kind in KINDS]
    assert [len(b.slides) for b in built] == [1, 1, 1, 0]
    assert [d.reason for d in built[3].dropped] == [DropReason.NO_CLUB]
    flow = built[0].slides[0]
    assert "(the data has no loyalty club, so the order rule is used)" in flow.notes
    assert _block(flow, KpiStrip).kpis[3].label == "Frequent buyers"
    assert flow.title.startswith("Frequent buyers ")
    stock = _block(flow, ChartSpec, "right_bottom")
    months = loyalty.months[-len(stock.categories) :]
    assert stock.series[0].values == tuple(m.frequent_buyers for m in months)
    assert stock.title.startswith("Frequent buyers")
    assert "Frequent buyers: " in flow.notes  # its definition is cited, not the club's


def test_a_churn_rate_on_a_thin_base_states_its_level_and_n(
    sample_metrics: LifecycleMetrics, sample_ctx: SlideContext
) -> None:
    # 20 customers at the start of the month: fewer than the minimum n of a churn rate (30,
    # docs/metrics.md#minimum-n), so its move is not called; the level comes with its n.
    loyalty = replace(sample_metrics.loyalty, churn_rate_n=20)
    slide = one_slide(SlideKind.REPEAT_CHURN, replace(sample_metrics, loyalty=loyalty))
    churn = sample_ctx.fmt(loyalty.churn_rate.current, "percent")
    assert f"and churn is {churn} (n\u00a0=\u00a020)" in slide.title
    assert "churn fell" not in slide.title and "churn rose" not in slide.title
