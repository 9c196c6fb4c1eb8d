"""Customer feedback slides: what came in, the backlog, and the open items to resolve one by one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from deckgen.formats import format_date
from deckgen.metrics.feedback import CategoryCount, FeedbackResult, OpenItem
from deckgen.model import Cell, ChartSpec, KpiStrip, Series, TableColumn, TableSpec
from deckgen.narrative.claims import Fig
from deckgen.narrative.common import DeltaUnit, Sheet, Source, Unit, source
from deckgen.narrative.feedback import (
    BacklogNotes,
    ItemsNotes,
    KpiCount,
    OverviewNotes,
    tell_backlog,
    tell_items,
    tell_overview,
)
from deckgen.narrative.outline import Built, Dropped, DropReason
from deckgen.narrative.prospects import TablePage
from deckgen.narrative.told import Told
from deckgen.slides.blocks import cell, change_kpi, chart_or_note, table_pages
from deckgen.slides.context import SlideContext

TOP_TOPICS = 8  # bars of the topic chart
MAX_OPEN_ITEMS = 36  # open items listed in the deck; the full list is in the metrics export
TEXT_CHARS = 110  # feedback text longer than this is cut at a word and marked with "…"
_ELLIPSIS = "…"
# Fill of the severity cell on the table's colour scale: the most severe stand out.
_SEVERITY_HEAT = {"critical": 1.0, "high": 0.55, "medium": 0.2}


def _feedback(ctx: SlideContext) -> FeedbackResult | None:
    return ctx.metrics.feedback


def _no_feedback(ctx: SlideContext) -> Built:
    return Built(dropped=(Dropped(ctx.kind, DropReason.NO_SHEET, sheet=Sheet.FEEDBACK),))


def _label(ctx: SlideContext, key: str) -> str:
    return ctx.label("feedback", key)


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


def _received_source(ctx: SlideContext, feedback: FeedbackResult) -> Told[Source]:
    first = (
        ctx.period
        if len(_by_month(ctx, feedback, feedback.by_kind)) == 1
        else ctx.period.previous()
    )
    return source(
        (Sheet.FEEDBACK,),
        first,
        ctx.period,
        int(feedback.received.current),
        Unit.ITEMS,
        Fig("feedback.received.current"),
    )


def build_feedback_overview(ctx: SlideContext) -> Built:
    """KPIs of the month and what came in, by kind and by topic."""
    feedback = _feedback(ctx)
    if feedback is None:
        return _no_feedback(ctx)
    received = change_kpi(ctx, _label(ctx, "received"), feedback.received, "count", key="received")
    strip = KpiStrip(
        (
            replace(received, tone="neutral"),  # more feedback is neither good nor bad news
            change_kpi(ctx, _label(ctx, "resolved"), feedback.resolved, "count", key="resolved"),
            change_kpi(
                ctx, _label(ctx, "open"), feedback.open, "count", good_when_up=False, key="open"
            ),
            change_kpi(
                ctx,
                ctx.say("kpi_resolution_rate", KpiCount(feedback.resolution_n)),
                feedback.resolution_rate,
                "percent",
                key="resolution_rate",
            ),
            change_kpi(
                ctx,
                ctx.say("kpi_days_to_resolve", KpiCount(feedback.median_days_n)),
                feedback.median_days_to_resolve,
                "decimal",
                good_when_up=False,
                unit=DeltaUnit.DAYS,
                key="days_to_resolve",
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
    blocks = (
        strip,
        chart_or_note(ctx, kinds, _received_source(ctx, feedback)),
        chart_or_note(ctx, by_topic, _received_source(ctx, feedback)),
    )
    finding = ctx.say("headline", tell_overview(feedback, topics))
    return Built((ctx.slide(blocks, finding=finding, notes=_overview_notes(feedback)),))


def _overview_notes(feedback: FeedbackResult) -> OverviewNotes:
    return OverviewNotes(
        feedback.period,
        bool(feedback.by_kind) and feedback.by_kind[0].count.previous is not None,
        feedback.resolution_n,
        feedback.median_days_n,
    )


def build_feedback_backlog(ctx: SlideContext) -> Built:
    """Received, resolved and open by month, and the open items by severity."""
    feedback = _feedback(ctx)
    if feedback is None:
        return _no_feedback(ctx)
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
    year = source(
        (Sheet.FEEDBACK,),
        months[0].month,
        ctx.period,
        sum(m.received for m in months),
        Unit.ITEMS,
        None,
    )
    open_now = source(
        (Sheet.FEEDBACK,),
        ctx.period,
        ctx.period,
        int(feedback.open.current),
        Unit.OPEN_ITEMS,
        Fig("feedback.open.current"),
    )
    blocks = (chart_or_note(ctx, trend, year, trend=True), chart_or_note(ctx, severity, open_now))
    finding = ctx.say("headline", tell_backlog(feedback))
    notes = BacklogNotes(ctx.period, int(feedback.open.current))
    return Built((ctx.slide(blocks, finding=finding, notes=notes),))


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


def build_open_feedback(ctx: SlideContext) -> Built:
    """The open items, most severe and oldest first, over as many slides as they need."""
    feedback = _feedback(ctx)
    if feedback is None:
        return _no_feedback(ctx)
    items = feedback.to_resolve
    if not items:
        return Built()
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
    slides = []
    first = 1
    pages = table_pages(table)
    for number, spec in enumerate(pages, start=1):
        last = first + len(spec.rows) - 1
        finding = ctx.say("headline", tell_items(feedback, first, last, len(shown)))
        paging = TablePage(number, len(pages))
        notes = ItemsNotes(ctx.period, len(shown), len(items), feedback.open_comments)
        slides.append(ctx.slide((spec,), finding=finding, notes=notes, topic=paging))
        first = last + 1
    return Built(tuple(slides))
