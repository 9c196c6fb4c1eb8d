"""Acquisition channels: what each channel costs and brings, ranked by cost per customer."""

from __future__ import annotations

from deckgen.metrics.channels import ChannelFigures, ChannelsResult
from deckgen.metrics.common import Change
from deckgen.model import Cell, ChartSpec, Series, TableColumn, TableSpec
from deckgen.narrative.channels import ChannelsNotes, Cohort, tell_headline
from deckgen.narrative.claims import Fig
from deckgen.narrative.common import Sheet, Unit, source
from deckgen.narrative.outline import Built, Dropped, DropReason
from deckgen.slides.blocks import cell, chart_or_note
from deckgen.slides.context import SlideContext

LABELS = "channel_slide"  # labels.toml [channels] holds the channel names themselves


def build_channels(ctx: SlideContext) -> Built:
    """The channel slide: a spend-and-CAC (or customers-and-conversion) chart and the table."""
    channels = ctx.metrics.channels
    if channels is None or not channels.channels:
        return Built(dropped=(Dropped(ctx.kind, DropReason.NO_SHEET, sheet=Sheet.LEADS),))
    priced = bool(channels.priced)
    sheets = (Sheet.CHANNELS, Sheet.LEADS, Sheet.ORDERS)
    chart = chart_or_note(
        ctx,
        _chart(ctx, channels, priced),
        source(
            sheets,
            ctx.period,
            ctx.period,
            int(channels.total.new_customers.current),
            Unit.NEW_CUSTOMERS,
            Fig("channels.total.new_customers.current"),
        ),
    )
    notes = ChannelsNotes(
        ctx.period,
        channels.total.cohort_return.cohort,
        int(channels.unattributed_new_customers.current),
    )
    finding = ctx.say("headline", tell_headline(channels, ctx.period))
    return Built((ctx.slide((chart, _table(ctx, channels)), finding=finding, notes=notes),))


def _current(change: Change | None) -> float | None:
    return None if change is None else change.current


def _chart(ctx: SlideContext, result: ChannelsResult, priced: bool) -> ChartSpec:
    """Spend bars with CAC as a line; without spend, new customers with conversion as a line.
    A channel that won no customer has no CAC: its point is left out, never drawn as zero."""
    rows = result.channels
    names = tuple(ctx.label("channels", c.channel) for c in rows)
    if priced:
        bars = Series(ctx.label(LABELS, "spend"), tuple(_current(c.spend) for c in rows), "money")
        line = Series(
            ctx.label(LABELS, "cac"),
            tuple(_current(c.cac) if c.new_customers.current else None for c in rows),
            "money",
            axis="secondary",
            plot="line",
        )
        titles = ("spend_chart", "spend_axis", "cac_axis")
    else:
        bars = Series(
            ctx.label(LABELS, "new_customers"),
            tuple(c.new_customers.current for c in rows),
            "count",
        )
        line = Series(
            ctx.label(LABELS, "conversion"),
            tuple(_current(c.conversion_rate) for c in rows),
            "percent",
            axis="secondary",
            plot="line",
        )
        titles = ("customers_chart", "customers_axis", "conversion_axis")
    return ChartSpec(
        kind="combo",
        title=ctx.label(LABELS, titles[0]),
        categories=names,
        series=(bars, line),
        area="left",
        value_axis_title=ctx.label(LABELS, titles[1]),
        secondary_axis_title=ctx.label(LABELS, titles[2]),
        data_labels=False,  # bar and line labels collide; the table beside gives the figures
    )


def _row(ctx: SlideContext, figures: ChannelFigures) -> tuple[Cell, ...]:
    return (
        Cell(ctx.label("channels", figures.channel)),
        cell(ctx, _current(figures.spend), "money"),
        cell(ctx, _current(figures.leads), "count"),
        cell(ctx, figures.new_customers.current, "count"),
        cell(ctx, _current(figures.conversion_rate), "percent"),
        cell(ctx, _current(figures.cac), "money"),
        cell(ctx, _current(figures.cohort_return.roi_90d), "percent"),
    )


def _table(ctx: SlideContext, result: ChannelsResult) -> TableSpec:
    """One row per channel in rank order (lowest CAC first), then the total; the ROI column
    names the cohort month it measures."""
    return TableSpec(
        columns=(
            TableColumn(ctx.label(LABELS, "channel"), width=1.1),
            TableColumn(ctx.label(LABELS, "spend"), "end"),
            TableColumn(ctx.label(LABELS, "leads"), "end", width=0.7),
            TableColumn(ctx.label(LABELS, "new_customers"), "end", width=0.95),
            TableColumn(ctx.label(LABELS, "conversion"), "end"),
            TableColumn(ctx.label(LABELS, "cac"), "end", width=0.85),
            TableColumn(
                ctx.say("roi_header", Cohort(result.total.cohort_return.cohort)), "end", width=1.05
            ),
        ),
        rows=(*(_row(ctx, c) for c in result.channels), _row(ctx, result.total)),
        row_keys=(*(c.channel for c in result.channels), result.total.channel),
        area="right",
        title=ctx.say("table_title", Cohort(result.total.cohort_return.cohort)),
        font_size=10,  # seven columns in half the slide: the longest words must fit a column
    )
