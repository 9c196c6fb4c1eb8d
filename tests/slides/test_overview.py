"""The cover, the executive summary and the agenda."""

from __future__ import annotations

from dataclasses import replace

import pytest

from deckgen.config import Settings
from deckgen.data.tables import Tables
from deckgen.metrics.common import Change
from deckgen.metrics.findings import FindingKind
from deckgen.metrics.funnel import FunnelGroup
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.model import KpiStrip, Slide, TableSpec, TextBlock, TitleStyle
from deckgen.narrative.funnel import Conversion, NormSpan, NormWindow
from deckgen.narrative.outline import Outline, SectionPages
from deckgen.narrative.overview import (
    CacFinding,
    ChangeFinding,
    ChurnFinding,
    Figure,
    GrowthFinding,
    LeakFinding,
    NpsFinding,
    OpenFeedbackFinding,
    PipelineFinding,
    TopSegmentFinding,
    tell_finding,
)
from deckgen.narrative.signal import rate
from deckgen.narrative.told import Moved, Trend
from deckgen.period import Period
from deckgen.slides.context import SlideContext
from deckgen.slides.overview import TOP_FINDINGS, deck_footer
from deckgen.slides.registry import SlideKind
from tests.slides.conftest import build, context, metrics_of, one_slide

SEP = Period("gregorian", 2026, 9)
JUNE = Period("gregorian", 2026, 6)
FULL = NormSpan(NormWindow.FULL, 12)
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def summary(sample_metrics: LifecycleMetrics) -> Slide:
    return one_slide(SlideKind.SUMMARY, sample_metrics)


def test_cover_names_the_review_and_notes_cite_the_period(
    sample_metrics: LifecycleMetrics, sample_ctx: SlideContext
) -> None:
    slide = one_slide(SlideKind.TITLE, sample_metrics)
    assert slide.title == "Customer lifecycle review"
    assert slide.subtitle
    assert slide.headline is None and slide.tracker is None
    assert f"{sample_ctx.fmt(sample_metrics.customers, 'count')} customers" in slide.notes
    assert f"{sample_ctx.fmt(sample_metrics.orders, 'count')} orders" in slide.notes
    assert sample_ctx.definitions["period"].text in slide.notes
    assert deck_footer(sample_ctx) == "Sample Retail Co. · Customer lifecycle review · October 2026"


def test_kpis_are_the_headline_figures_with_their_changes(
    summary: Slide, sample_ctx: SlideContext, sample_metrics: LifecycleMetrics
) -> None:
    m = sample_metrics
    strip = summary.blocks[0]
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
    # The month's NPS rests on a few dozen answers: its card says how many.
    assert strip.kpis[-1].label == f"NPS (n\u00a0=\u00a0{m.satisfaction.nps.n})"
    # Each card names its figure: a refresh matches it with last month's card by it.
    keys = ["revenue", "active_customers", "new_customers", "repeat_rate", "nps"]
    assert [k.key for k in strip.kpis] == keys


def test_top_findings_one_sentence_each_then_the_first_move(
    summary: Slide, sample_metrics: LifecycleMetrics
) -> None:
    block = summary.blocks[1]
    assert isinstance(block, TextBlock)
    shown = sample_metrics.findings[:TOP_FINDINGS]
    assert len(block.paragraphs) == len(shown) + 1
    assert all(p.text.endswith(".") and not p.bold for p in block.paragraphs[:-1])
    step = block.paragraphs[-1]
    assert step.bold and step.text.startswith("First move on ")
    ctx = context(SlideKind.SUMMARY, sample_metrics)
    for finding, paragraph in zip(shown, block.paragraphs, strict=False):
        assert ctx.say("finding", tell_finding(finding, sample_metrics)) == paragraph.text
    rest = sample_metrics.findings[TOP_FINDINGS:]
    assert rest  # the sample has more findings than the slide shows: the notes tell them
    for finding in rest:
        assert ctx.say("finding", tell_finding(finding, sample_metrics)) in summary.notes


def test_the_title_states_revenue_and_the_stage_to_fix(
    summary: Slide, sample_ctx: SlideContext, sample_metrics: LifecycleMetrics
) -> None:
    assert summary.title.startswith("October 2026: revenue ")
    assert sample_ctx.fmt(sample_metrics.segmentation.revenue.current, "money") in summary.title
    weak = min(
        (s for s in sample_metrics.diagnostics.stages if s.index is not None), key=lambda s: s.index
    )
    assert f"; {weak.stage} is the stage to fix first" in summary.title
    assert summary.tracker == "Summary · Executive summary"
    assert summary.headline is None


def test_topic_titles_keep_the_finding_under_the_title(sample_metrics: LifecycleMetrics) -> None:
    slide = one_slide(
        SlideKind.SUMMARY, sample_metrics, settings=Settings(title_style=TitleStyle.TOPIC)
    )
    assert slide.title == "Executive summary"
    assert slide.headline is not None and slide.headline.startswith("October 2026: revenue ")
    assert slide.tracker == "Summary"


# Each finding record worded, with hand-written expectations.
FINDINGS = [
    (
        ChangeFinding(
            FindingKind.REVENUE_CHANGE,
            Figure.REVENUE,
            Moved(Trend.UP, 1100.0, 1000.0, 0.1),
            True,
            SEP,
        ),
        f"Revenue rose 10.0% to 1,100{NBSP}USD (September 2026: 1,000{NBSP}USD).",
    ),
    (
        ChangeFinding(
            FindingKind.ACTIVE_CHANGE, Figure.ACTIVE, Moved(Trend.DOWN, 40, 50, 0.2), False, SEP
        ),
        "Active customers fell 20.0% to 40 (September 2026: 50).",
    ),
    (
        ChangeFinding(
            FindingKind.NEW_CHANGE, Figure.NEW, Moved(Trend.FLAT, 12, 12, None), False, SEP
        ),
        "New customers held steady at 12.",
    ),
    (
        ChurnFinding(FindingKind.CHURN_CHANGE, Moved(Trend.DOWN, 0.05, 0.07, 2.0), 400, False, SEP),
        "Churn eased to 5.0% of the customer base, 2.0 pts better than in September 2026.",
    ),
    (
        ChurnFinding(FindingKind.CHURN_CHANGE, Moved(Trend.FIRST, 0.1, 0.07, None), 20, True, SEP),
        "Churn stands at 10.0% of the customer base (n\u00a0=\u00a020).",
    ),
    (
        LeakFinding(
            FindingKind.FUNNEL_LEAK,
            "conversion",
            Conversion("conversion", rate(0.1), FunnelGroup.MONTH, "club", JUNE, 90),
            rate(0.2),
            FULL,
        ),
        "Conversion is the stage furthest below its norm: new customers were 10.0% of the "
        "month's leads, against a 12-month median of 20.0%.",
    ),
    (
        LeakFinding(
            FindingKind.FUNNEL_LEAK,
            "retention",
            Conversion("retention", rate(0.3), FunnelGroup.COHORT, "club", JUNE, 90),
            rate(0.4),
            FULL,
        ),
        "Retention is the stage furthest below its norm: 30.0% of the customers acquired in "
        "June 2026 bought again within 90 days, against a 12-month median of 40.0%.",
    ),
    (
        LeakFinding(
            FindingKind.FUNNEL_LEAK,
            "loyalty",
            Conversion("loyalty", rate(0.25), FunnelGroup.COHORT, "orders", JUNE, 90),
            rate(0.5),
            FULL,
        ),
        "Loyalty is the stage furthest below its norm: 25.0% of the June 2026 customers who "
        "bought again are frequent buyers now, against a 12-month median of 50.0%.",
    ),
    (
        LeakFinding(
            FindingKind.FUNNEL_LEAK,
            "conversion",
            Conversion("conversion", rate(0.1), FunnelGroup.MONTH, "club", JUNE, 90),
            rate(0.2),
            NormSpan(NormWindow.SHORT, 4),
        ),
        "Conversion is the stage furthest below its norm: new customers were 10.0% of the "
        "month's leads, against a median of 20.0% over the 4 months before.",
    ),
    (
        LeakFinding(
            FindingKind.FUNNEL_LEAK,
            "conversion",
            Conversion("conversion", rate(0.1), FunnelGroup.MONTH, "club", JUNE, 90),
            rate(0.2),
            NormSpan(NormWindow.SHORT, 1),
        ),
        "Conversion is the stage furthest below its norm: new customers were 10.0% of the "
        "month's leads, against a median of 20.0% from the month before.",
    ),
    (
        CacFinding(FindingKind.CHANNEL_CAC, "email", 10.0, "tv", 120.0, 12, 0.917),
        f"Email brings the cheapest customers: CAC 10{NBSP}USD, 12 times less than TV (120{NBSP}USD).",
    ),
    (
        CacFinding(FindingKind.CHANNEL_CAC, "seo", 40.0, "print", 50.0, None, 0.2),
        f"SEO brings the cheapest customers: CAC 40{NBSP}USD, 20.0% below print (50{NBSP}USD).",
    ),
    (
        GrowthFinding(
            FindingKind.GROWTH_SEGMENT, "age_band", "35-44", Moved(Trend.UP, 150.0, 100.0, 0.5)
        ),
        f"Fastest-growing age band: customers aged 35–44, 12-month revenue up 50.0% to 150{NBSP}USD "
        f"(the 12 months before: 100{NBSP}USD).",
    ),
    (
        TopSegmentFinding(FindingKind.TOP_SEGMENT, "Champions", 0.1, 0.3),
        "The Champions segment is 10.0% of customers but has brought 30.0% of all revenue to date.",
    ),
    (
        NpsFinding(FindingKind.NPS_SHIFT, Moved(Trend.UP, 30.0, 20.0, 10), 120, False, 0.8, SEP),
        "NPS rose 10 pts to +30 (September 2026: +20, n\u00a0=\u00a0120); 80.0% of respondents are satisfied.",
    ),
    (
        NpsFinding(
            FindingKind.NPS_SHIFT, Moved(Trend.FIRST, -5.0, 10.0, None), 12, True, None, SEP
        ),
        "NPS stands at -5 (n\u00a0=\u00a012).",
    ),
    (
        OpenFeedbackFinding(FindingKind.OPEN_FEEDBACK, 3, 10),
        "3 of the 10 open feedback items are of high or critical severity.",
    ),
    (
        PipelineFinding(FindingKind.PIPELINE, 5000.0, 15, 1200.0),
        f"Open leads are worth 5,000{NBSP}USD in expected revenue; the top 15 prospects hold "
        f"1,200{NBSP}USD of it.",
    ),
]


@pytest.mark.parametrize(("record", "expected"), FINDINGS)
def test_every_finding_kind_reads_as_one_sentence(
    sample_ctx: SlideContext, record: object, expected: str
) -> None:
    assert sample_ctx.say("finding", record) == expected


def test_without_surveys_the_strip_has_no_nps(sample_tables: Tables) -> None:
    metrics = metrics_of(replace(sample_tables, surveys=None))
    slide = one_slide(SlideKind.SUMMARY, metrics)
    strip = slide.blocks[0]
    assert isinstance(strip, KpiStrip)
    assert [k.label for k in strip.kpis] == [
        "Revenue",
        "Active customers",
        "New customers",
        "Repeat rate (12 m)",
    ]
    assert all(f.kind != FindingKind.NPS_SHIFT for f in metrics.findings)
    # Nor do its notes explain or define an NPS the slide does not show.
    assert slide.cites == ("findings", "change", "repeat-rate-12m")
    figures = slide.notes.split("\n")[0]  # what the strip's figures are
    assert "NPS" not in figures
    assert figures.endswith(
        "and the repeat rate is the share of the last 12 months' buyers who "
        "bought on two or more days."
    )
    for lang in ("fa", "ar"):
        figures = one_slide(SlideKind.SUMMARY, metrics, lang=lang).notes.split("\n")[0]
        assert "NPS" not in figures and "صافي نقاط الترويج" not in figures


def test_without_a_weak_stage_there_is_no_first_move(sample_metrics: LifecycleMetrics) -> None:
    # Every stage at 95% of its norm or better: near, not weak.
    stages = tuple(
        replace(s, index=max(s.index, 0.95), status="steady") if s.index is not None else s
        for s in sample_metrics.diagnostics.stages
    )
    metrics = replace(
        sample_metrics,
        segmentation=replace(sample_metrics.segmentation, revenue=Change(1100.0, 1000.0)),
        diagnostics=replace(sample_metrics.diagnostics, stages=stages),
    )
    slide = build(SlideKind.SUMMARY, metrics, check=False).slides[0]
    # The sample's 14 months: the cohort stages' norms rest on 9 months, the flows' on 12, so
    # no sentence calls them all 12-month norms.
    assert slide.title == (
        f"October 2026: revenue up 10.0% to 1,100{NBSP}USD; every funnel stage converts at or near "
        "its norm"
    )
    findings = slide.blocks[1]
    assert isinstance(findings, TextBlock)
    assert not any(p.bold for p in findings.paragraphs)


def test_the_agenda_lists_the_sections_and_their_slides(sample_metrics: LifecycleMetrics) -> None:
    outline = Outline(
        sections=(
            SectionPages("summary", 2, 3),
            SectionPages("customers", 4, 6),
            SectionPages("funnel", 7, 7),
            SectionPages("appendix", 8, 9),
        ),
        dropped=(),
        warnings=(),
        shown_kinds=(),
        cites=(),
    )
    slide = one_slide(SlideKind.AGENDA, sample_metrics, outline=outline)
    assert slide.title == "Agenda"
    (table,) = slide.blocks
    assert isinstance(table, TableSpec)
    assert [[c.text for c in row] for row in table.rows] == [
        ["1", "Customers", "Who are the customers, and which of them bring the revenue?", "4–6"],
        [
            "2",
            "Lifecycle funnel",
            "Where do people drop out between first contact and loyalty?",
            "7",
        ],
        ["3", "Appendix", "How the measures are defined, and notes on the data.", "8–9"],
    ]
    assert table.row_keys == ("customers", "funnel", "appendix")


def test_the_first_move_on_loyalty_without_a_club_is_no_club_advice(
    sample_tables: Tables,
) -> None:
    customers = sample_tables.customers.drop(columns=["loyalty_member", "loyalty_join_date"])
    metrics = metrics_of(replace(sample_tables, loyalty=None, customers=customers))
    ctx = context(SlideKind.SUMMARY, metrics)
    from deckgen.narrative.playbook import available, playbook_entry

    entry = playbook_entry(ctx.playbook, "loyalty", available(metrics), "en")
    assert entry.strategies[0].text.startswith("Reward the third order")
    assert all("club" not in a.text for a in (*entry.questions, *entry.strategies))
