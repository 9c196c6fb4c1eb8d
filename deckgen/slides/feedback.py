"""Customer feedback slides: what came in, the backlog, and the open items to resolve one by one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from deckgen.data.schema import SEVERITIES
from deckgen.formats import format_date
from deckgen.metrics.feedback import CategoryCount, FeedbackResult, OpenItem
from deckgen.model import Cell, ChartSpec, KpiStrip, Series, Slide, TableColumn, TableSpec
from deckgen.slides.blocks import cell, change_kpi, table_pages
from deckgen.slides.context import SlideContext

KIND = "feedback"
TOP_TOPICS = 8  # bars of the topic chart
MAX_OPEN_ITEMS = 36  # open items listed in the deck; the full list is in the metrics export
TEXT_CHARS = 110  # feedback text longer than this is cut at a word and marked with "…"
_ELLIPSIS = "…"
# Fill of the severity cell on the table's colour scale: the most severe stand out.
_SEVERITY_HEAT = {"critical": 1.0, "high": 0.55, "medium": 0.2}

_OVERVIEW_ANCHORS = ("feedback-received", "feedback-resolved", "resolution-rate", "time-to-resolve")
_BACKLOG_ANCHORS = ("feedback-received", "feedback-resolved", "feedback-open")
_ITEMS_ANCHORS = ("open-items",)


def build_feedback_slides(ctx: SlideContext) -> tuple[Slide, ...]:
    """The feedback slides; () when the data has no feedback sheet."""
    feedback = ctx.metrics.feedback
    if feedback is None:
        return ()
    return (
        _overview_slide(ctx, feedback),
        _backlog_slide(ctx, feedback),
        *_item_slides(ctx, feedback),
    )


def _label(ctx: SlideContext, key: str) -> str:
    return ctx.label(KIND, key)


def _topic(ctx: SlideContext, name: str) -> str:
    return ctx.label("feedback_topics", name)


def _by_month(
    ctx: SlideContext, feedback: FeedbackResult, counts: tuple[CategoryCount, ...]
) -> tuple[Series, ...]:
    """The counts of the month, and of the month before when the data reaches back to it."""
    current = Series(
        ctx.month(feedback.period, short=True), tuple(float(c.count.current) for c in counts)
    )
    if any(c.count.previous is None for c in counts):
        return (current,)
    previous = Series(
        ctx.month(feedback.period.previous(), short=True),
        tuple(float(c.count.previous or 0) for c in counts),
    )
    return (current, previous)


def _leading(counts: tuple[CategoryCount, ...]) -> CategoryCount | None:
    """The category with clearly the most items this month (at least two, and no tie)."""
    ranked = sorted(counts, key=lambda c: -c.count.current)
    if not ranked or ranked[0].count.current < 2:
        return None
    if len(ranked) > 1 and ranked[1].count.current == ranked[0].count.current:
        return None
    return ranked[0]


def _overview_slide(ctx: SlideContext, feedback: FeedbackResult) -> Slide:
    received = change_kpi(ctx, KIND, _label(ctx, "received"), feedback.received, "count")
    strip = KpiStrip(
        (
            replace(received, tone="neutral"),  # more feedback is neither good nor bad news
            change_kpi(ctx, KIND, _label(ctx, "resolved"), feedback.resolved, "count"),
            change_kpi(ctx, KIND, _label(ctx, "open"), feedback.open, "count", good_when_up=False),
            change_kpi(
                ctx,
                KIND,
                ctx.text(KIND, "kpi_resolution_rate", n=feedback.resolution_n),
                feedback.resolution_rate,
                "percent",
            ),
            change_kpi(
                ctx,
                KIND,
                ctx.text(KIND, "kpi_days_to_resolve", n=feedback.median_days_n),
                feedback.median_days_to_resolve,
                "decimal",
                good_when_up=False,
                delta_block="kpi_days_delta",
            ),
        )
    )
    topics = feedback.by_topic[:TOP_TOPICS]
    kinds = ChartSpec(
        kind="bar",
        title=_label(ctx, "kind_chart"),
        categories=tuple(ctx.label("feedback_kinds", c.name) for c in feedback.by_kind),
        series=_by_month(ctx, feedback, feedback.by_kind),
        area="left_bottom",
    )
    by_topic = ChartSpec(
        kind="bar",
        title=_label(ctx, "topic_chart"),
        categories=tuple(_topic(ctx, c.name) for c in topics),
        series=_by_month(ctx, feedback, topics),
        area="right_bottom",
    )
    top = _leading(topics)
    return Slide(
        kind=KIND,
        title=ctx.text(KIND, "overview_title"),
        headline=ctx.text(
            KIND,
            "overview_headline",
            f=feedback,
            top_topic=None if top is None else _topic(ctx, top.name),
            top_count=None if top is None else top.count.current,
        ),
        notes=ctx.notes(KIND, _OVERVIEW_ANCHORS, part="overview", f=feedback),
        # No item this month or the month before: no topic to chart (a chart needs categories).
        blocks=(strip, kinds, by_topic) if topics else (strip, kinds),
    )


def _backlog_slide(ctx: SlideContext, feedback: FeedbackResult) -> Slide:
    months = feedback.months
    trend = ChartSpec(
        kind="combo",
        title=_label(ctx, "trend_chart"),
        categories=tuple(ctx.month(m.month, short=True) for m in months),
        series=(
            Series(_label(ctx, "received"), tuple(float(m.received) for m in months)),
            Series(_label(ctx, "resolved"), tuple(float(m.resolved) for m in months)),
            Series(_label(ctx, "open"), tuple(float(m.open) for m in months), plot="line"),
        ),
        area="left",
        data_labels=False,
    )
    severities = feedback.open_by_severity
    severity = ChartSpec(
        kind="bar",
        title=_label(ctx, "severity_chart"),
        categories=tuple(ctx.label("severities", c.name) for c in severities),
        series=(
            Series(_label(ctx, "open_items"), tuple(float(c.count.current) for c in severities)),
        ),
        area="right",
        highlight=0 if severities and severities[0].count.current else None,
    )
    counts = {c.name: c.count.current for c in severities}
    return Slide(
        kind=KIND,
        title=ctx.text(KIND, "backlog_title"),
        headline=ctx.text(
            KIND,
            "backlog_headline",
            f=feedback,
            counts=counts,
            top=feedback.open_items[0] if feedback.open_items else None,
        ),
        notes=ctx.notes(KIND, _BACKLOG_ANCHORS, part="backlog", f=feedback),
        blocks=(trend, severity),
    )


def shorten(text: str | None, limit: int = TEXT_CHARS) -> str:
    """`text` cut at the last word boundary before `limit` characters, marked with "…"."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + _ELLIPSIS


def _item_row(ctx: SlideContext, rank: int, item: OpenItem) -> tuple[Cell, ...]:
    received = date.fromisoformat(item.received)
    day = format_date(received, ctx.lang, ctx.wording.digits, ctx.period.calendar)
    return (
        cell(ctx, rank, "count"),
        Cell(item.feedback_id),
        Cell(day),
        Cell(ctx.label("feedback_kinds", item.kind)),
        Cell(_topic(ctx, item.topic)),
        Cell(ctx.label("severities", item.severity), heat=_SEVERITY_HEAT.get(item.severity)),
        cell(ctx, item.age_days, "count"),
        Cell(shorten(item.text)),
    )


def _item_slides(ctx: SlideContext, feedback: FeedbackResult) -> list[Slide]:
    """The open items, most severe and oldest first, over as many slides as they need."""
    items = feedback.open_items
    if not items:
        return []
    shown = items[:MAX_OPEN_ITEMS]
    columns = (
        TableColumn(_label(ctx, "rank"), "end", 0.45),
        TableColumn(_label(ctx, "id"), width=0.9),
        TableColumn(_label(ctx, "received_on"), width=1.45),
        TableColumn(_label(ctx, "kind"), width=1.0),
        TableColumn(_label(ctx, "topic"), width=1.5),
        TableColumn(_label(ctx, "severity"), "center", 0.9),
        TableColumn(_label(ctx, "age"), "end", 0.85),
        TableColumn(_label(ctx, "text"), width=4.2),
    )
    table = TableSpec(
        columns=columns,
        rows=tuple(_item_row(ctx, rank, item) for rank, item in enumerate(shown, start=1)),
        area="full",
        font_size=10,
    )
    counts = {name: sum(item.severity == name for item in items) for name in SEVERITIES}
    slides = []
    first = 1
    for page, spec in enumerate(table_pages(table)):
        last = first + len(spec.rows) - 1
        context = {
            "f": feedback,
            "counts": counts,
            "first": first,
            "last": last,
            "shown": len(shown),
            "more": len(items) - len(shown),
            "lowest_shown": ctx.label("severities", shown[-1].severity),
        }
        slides.append(
            Slide(
                kind=KIND,
                title=ctx.text(KIND, "items_title" if page == 0 else "items_continued_title"),
                headline=ctx.text(KIND, "items_headline", **context),
                notes=ctx.notes(KIND, _ITEMS_ANCHORS, part="items", **context),
                blocks=(spec,),
            )
        )
        first = last + 1
    return slides
