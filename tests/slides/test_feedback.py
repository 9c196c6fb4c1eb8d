"""Customer feedback slides built from the shared sample, checked against its metrics."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from deckgen.data.tables import Tables
from deckgen.metrics.feedback import FeedbackResult
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.model import ChartSpec, KpiStrip, Slide, TableSpec, TextBlock
from deckgen.narrative.outline import DropReason
from deckgen.pipeline import render_deck
from deckgen.slides.context import SlideContext
from deckgen.slides.feedback import MAX_OPEN_ITEMS, shorten
from deckgen.slides.registry import SlideKind
from tests.slides.conftest import build, metrics_of

KINDS = (SlideKind.FEEDBACK_OVERVIEW, SlideKind.FEEDBACK_BACKLOG, SlideKind.OPEN_FEEDBACK)


def _block(slide: Slide, kind: type, area: str | None = None):  # type: ignore[no-untyped-def]
    found = [b for b in slide.blocks if isinstance(b, kind) and area in (None, b.area)]
    assert len(found) == 1
    return found[0]


def _slides(metrics: LifecycleMetrics, check: bool = True) -> tuple[Slide, ...]:
    return tuple(s for kind in KINDS for s in build(kind, metrics, check=check).slides)


def _with_feedback(metrics: LifecycleMetrics, feedback: FeedbackResult) -> LifecycleMetrics:
    return replace(metrics, feedback=feedback)


@pytest.fixture(scope="module")
def feedback(sample_metrics: LifecycleMetrics) -> FeedbackResult:
    result = sample_metrics.feedback
    assert result is not None and result.to_resolve
    return result


@pytest.fixture(scope="module")
def slides(sample_metrics: LifecycleMetrics) -> tuple[Slide, ...]:
    return _slides(sample_metrics)


def test_no_feedback_sheet_no_slides(sample_tables: Tables) -> None:
    metrics = metrics_of(replace(sample_tables, feedback=None))
    for kind in KINDS:
        built = build(kind, metrics)
        assert built.slides == ()
        assert [(d.reason, d.sheet) for d in built.dropped] == [(DropReason.NO_SHEET, "feedback")]


def test_overview_backlog_then_items_with_cited_notes(
    slides: tuple[Slide, ...], feedback: FeedbackResult
) -> None:
    assert [s.kind for s in slides[:2]] == list(KINDS[:2])
    assert {s.kind for s in slides[2:]} == {KINDS[2]}
    rows = sum(len(_block(s, TableSpec).rows) for s in slides[2:])
    assert rows == min(len(feedback.to_resolve), MAX_OPEN_ITEMS)
    for slide in slides:
        assert slide.title and "Definitions used on this slide:" in slide.notes
    assert "Resolution rate: Of the items received in the month" in slides[0].notes
    assert "Open feedback: At a month's end" in slides[1].notes
    assert "Open feedback to resolve: The items open" in slides[2].notes


def test_overview_kpis_and_charts_hold_the_counts(
    slides: tuple[Slide, ...], feedback: FeedbackResult, sample_ctx: SlideContext
) -> None:
    strip = _block(slides[0], KpiStrip)
    assert [k.value for k in strip.kpis] == [
        sample_ctx.fmt(feedback.received.current, "count"),
        sample_ctx.fmt(feedback.resolved.current, "count"),
        sample_ctx.fmt(feedback.open.current, "count"),
        sample_ctx.fmt(feedback.resolution_rate.current, "percent"),
        sample_ctx.fmt(feedback.median_days_to_resolve.current, "decimal"),
    ]
    assert strip.kpis[0].tone == "neutral"
    assert f"n\u00a0=\u00a0{feedback.resolution_n}" in strip.kpis[3].label
    assert f"n\u00a0=\u00a0{feedback.median_days_n}" in strip.kpis[4].label
    days = feedback.median_days_to_resolve
    assert days is not None and days.delta is not None
    assert strip.kpis[4].delta == f"{sample_ctx.change(days, 'decimal')} days vs Sep 2026"
    kinds = _block(slides[0], ChartSpec, "left_bottom")
    assert kinds.categories == ("Comment", "Complaint", "Issue", "Concern")
    assert kinds.series[0].name == "Oct 2026"
    assert kinds.series[0].values == tuple(c.count.current for c in feedback.by_kind)
    assert kinds.series[1].values == tuple(c.count.previous for c in feedback.by_kind)
    topics = _block(slides[0], ChartSpec, "right_bottom")
    assert topics.series[0].values == tuple(c.count.current for c in feedback.by_topic[:8])
    received = sample_ctx.fmt(feedback.received.current, "count")
    assert slides[0].title.startswith(f"{received} feedback item")
    # 24 items are fewer than a resolution rate needs (#minimum-n): the title gives the counts.
    n = feedback.resolution_n
    assert n < 30
    resolved = round(feedback.resolution_rate.current * n)
    assert slides[0].title.endswith(f"; {resolved} of the {n} were resolved within the month")
    assert (
        kinds.source == f"Source: feedback sheet, Sep 2026–Oct 2026; n\u00a0=\u00a0{received} items"
    )


def test_backlog_trend_and_severity(
    slides: tuple[Slide, ...], feedback: FeedbackResult, sample_ctx: SlideContext
) -> None:
    trend = _block(slides[1], ChartSpec, "left")
    assert trend.kind == "combo"
    assert trend.series[0].values == tuple(m.received for m in feedback.months)
    assert trend.series[1].values == tuple(m.resolved for m in feedback.months)
    assert trend.series[2].values == tuple(m.open for m in feedback.months)
    assert trend.series[2].plot == "line"
    severity = _block(slides[1], ChartSpec, "right")
    assert severity.categories == ("Critical", "High", "Medium", "Low")
    assert severity.series[0].values == tuple(c.count.current for c in feedback.open_by_severity)
    assert sample_ctx.fmt(feedback.open.current, "count") in slides[1].title


def test_item_rows_follow_the_items_to_resolve_in_order(
    slides: tuple[Slide, ...], feedback: FeedbackResult, sample_ctx: SlideContext
) -> None:
    rows = [row for s in slides[2:] for row in _block(s, TableSpec).rows]
    for rank, (row, item) in enumerate(zip(rows, feedback.to_resolve, strict=False), start=1):
        assert row[0].value == rank
        assert row[1].text == item.feedback_id
        assert row[5].text == sample_ctx.label("severities", item.severity)
        assert row[6].value == item.age_days
        assert row[7].text == shorten(item.text)
    assert len(rows) == len(feedback.to_resolve)


def test_long_backlog_is_capped_and_the_rest_pointed_to_the_export(
    sample_metrics: LifecycleMetrics, feedback: FeedbackResult
) -> None:
    copies = MAX_OPEN_ITEMS // len(feedback.to_resolve) + 2
    items = tuple(
        replace(item, feedback_id=f"{item.feedback_id}-{copy}")
        for item in feedback.to_resolve
        for copy in range(copies)
    )
    assert len(items) > MAX_OPEN_ITEMS
    long = replace(feedback, to_resolve=items, open=replace(feedback.open, current=len(items)))
    slides = _slides(_with_feedback(sample_metrics, long), check=False)
    pages = slides[2:]
    assert len(pages) > 1
    assert sum(len(_block(s, TableSpec).rows) for s in pages) == MAX_OPEN_ITEMS
    assert {s.tracker for s in pages[1:]} == {"Feedback · Open feedback to resolve (continued)"}
    more = len(items) - MAX_OPEN_ITEMS
    assert f"; {more} more (" in pages[-1].title
    assert "more" not in pages[0].title
    assert f"first {MAX_OPEN_ITEMS} of the {len(items)} items to resolve" in pages[-1].notes
    assert pages[1].title.startswith("Open items ")


def test_nothing_to_resolve_no_item_slides(
    sample_metrics: LifecycleMetrics, feedback: FeedbackResult
) -> None:
    clear = replace(feedback, to_resolve=(), open=replace(feedback.open, current=0))
    slides = _slides(_with_feedback(sample_metrics, clear), check=False)
    assert len(slides) == 2
    assert "the backlog is clear" in slides[1].title


def test_shorten_cuts_at_a_word_and_marks_the_cut() -> None:
    assert shorten("Parcel arrived late.") == "Parcel arrived late."
    assert shorten("one two three four", limit=12) == "one two…"
    assert shorten("  spread\nover   lines ") == "spread over lines"
    assert shorten(None) == ""


@given(st.text(alphabet="ab ,.", max_size=200), st.integers(min_value=5, max_value=120))
def test_shorten_never_exceeds_the_limit(text: str, limit: int) -> None:
    short = shorten(text, limit)
    assert len(short) <= limit
    if short.endswith("…"):
        assert " ".join(text.split()).startswith(short[:-1])
    else:
        assert short == " ".join(text.split())


def test_feedback_only_from_earlier_months_renders_without_a_topic_chart(
    sample_tables: Tables, tmp_path: Path
) -> None:
    # Regression: the topic chart had no categories and python-pptx raised a ValueError.
    feedback = sample_tables.feedback
    assert feedback is not None
    early = feedback[feedback["date"] < pd.Timestamp("2026-09-01")].reset_index(drop=True)
    early["resolved_date"] = early["resolved_date"].where(
        early["resolved_date"] < pd.Timestamp("2026-09-01")
    )
    tables = replace(sample_tables, feedback=early)
    (overview,) = build(SlideKind.FEEDBACK_OVERVIEW, metrics_of(tables)).slides
    # Nothing came in this month or the month before: both charts give way to a sentence.
    assert not [b for b in overview.blocks if isinstance(b, ChartSpec)]
    notes = [b for b in overview.blocks if isinstance(b, TextBlock)]
    assert [b.area for b in notes] == ["left_bottom", "right_bottom"]
    assert {b.paragraphs[0].text for b in notes} == {
        "Nothing to show: every value is zero in this period."
    }
    result = render_deck(tables, tmp_path / "deck.pptx", period="2026-10")
    assert result.output.stat().st_size > 0
