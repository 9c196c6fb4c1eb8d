"""Customer segmentation: who the customers are (geography, demographics, interests) and RFM."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from deckgen.metrics.segments import Breakdown, GroupFigures, SegmentationResult
from deckgen.model import Area, Block, Cell, ChartSpec, Series, TableColumn, TableSpec
from deckgen.narrative.claims import Fig
from deckgen.narrative.common import Sheet, Unit, source
from deckgen.narrative.outline import Built, Dropped, DropReason
from deckgen.narrative.segmentation import (
    InterestsNotes,
    InterestState,
    ProfileNotes,
    RfmNotes,
    SharesChart,
    Unknown,
    Windowed,
    known,
    shows_revenue,
    tell_interests_headline,
    tell_profile_headline,
    tell_rfm_headline,
    unknown_share,
)
from deckgen.narrative.told import Told, told
from deckgen.slides.blocks import cell, chart_or_note, sourced, window_label
from deckgen.slides.context import SlideContext

TOP_N = 8
# labels.toml tables that name an attribute's values; other values are shown as written.
_VALUE_LABELS = {"age_band": "age_bands", "gender": "genders", "income_band": "income_bands"}
# Areas of a profile slide holding one, two or three blocks.
_AREAS: dict[int, tuple[Area, ...]] = {
    1: ("full",),
    2: ("left", "right"),
    3: ("left", "right_top", "right_bottom"),
}


def _base_source(ctx: SlideContext, months: int = 12) -> Told:
    """Customers with an order by the month's end; their revenue over `months`, from the first
    order's month when the orders begin later."""
    history = ctx.order_history
    covered = min(months, history.context.months)
    line = source(
        (Sheet.CUSTOMERS, Sheet.ORDERS),
        ctx.period.shift(1 - covered),
        ctx.period,
        ctx.metrics.segmentation.customers.current,
        Unit.CUSTOMERS,
        Fig("segmentation.customers.current"),
    )
    return line if covered == months else told(line.context, line.claims, history.claims)


def _in_label_order(
    ctx: SlideContext, group: str, rows: tuple[GroupFigures, ...]
) -> tuple[GroupFigures, ...]:
    """Rows in the order of labels.toml [group] (e.g. low, middle, high income); others after."""
    order = {key: index for index, key in enumerate(ctx.labels.get(group, {}))}
    return tuple(sorted(rows, key=lambda row: order.get(row.value, len(order))))


def _geography(seg: SegmentationResult) -> Breakdown | None:
    """The finest geographic level that still fits a top-N chart: region, else country, else city."""
    found = {b.attribute: b for b in seg.geographic if len(known(b)) > 1}
    return next((found[a] for a in ("region", "country", "city") if a in found), None)


def _demographic(seg: SegmentationResult, attribute: str) -> Breakdown | None:
    """The breakdown of `attribute` when it has two known groups or more to compare."""
    return next(
        (b for b in seg.demographic if b.attribute == attribute and len(known(b)) > 1), None
    )


def _value_label(ctx: SlideContext, attribute: str, value: str) -> str:
    group = _VALUE_LABELS.get(attribute)
    return ctx.label(group, value) if group else value


def _shares_chart(
    ctx: SlideContext,
    kind: Literal["bar", "column"],
    rows: list[tuple[str, GroupFigures]],
    breakdowns: Sequence[Breakdown],
) -> ChartSpec:
    """Share of customers beside share of 12-month revenue (when `breakdowns`, those of `rows`,
    have shares of it: docs/metrics.md#shares-of-revenue) for rows."""
    with_revenue = shows_revenue(breakdowns)
    series = [
        Series(
            ctx.label("segmentation", "customers_share"), tuple(r.share for _, r in rows), "percent"
        )
    ]
    if with_revenue:
        series.append(
            Series(
                window_label(ctx, Windowed.REVENUE_SHARE),
                tuple(r.revenue_share for _, r in rows),
                "percent",
            )
        )
    attributes = tuple(dict.fromkeys(attribute for attribute, _ in rows))
    return ChartSpec(
        kind=kind,
        title=ctx.say("shares_chart", SharesChart(attributes, with_revenue)),
        categories=tuple(_value_label(ctx, attribute, row.value) for attribute, row in rows),
        series=tuple(series),
        legend=len(series) > 1,
    )


def build_customer_profile(ctx: SlideContext) -> Built:
    """Geography and demographics against revenue; dropped when no attribute has two groups."""
    seg = ctx.metrics.segmentation
    geography = _geography(seg)
    age = _demographic(seg, "age_band")
    others = [b for b in (_demographic(seg, a) for a in ("gender", "income_band")) if b]
    charts: list[ChartSpec] = []
    if geography is not None:
        rows = [(geography.attribute, row) for row in known(geography)[:TOP_N]]
        charts.append(_shares_chart(ctx, "bar", rows, (geography,)))
    if age is not None:
        charts.append(_shares_chart(ctx, "column", [("age_band", r) for r in known(age)], (age,)))
    if others:
        rows = [
            (b.attribute, row)
            for b in others
            for row in _in_label_order(ctx, _VALUE_LABELS[b.attribute], known(b))
        ]
        charts.append(_shares_chart(ctx, "column", rows, others))
    if not charts:
        no_columns = not seg.geographic and not seg.demographic
        reason = DropReason.NO_ATTRIBUTES if no_columns else DropReason.ONE_CATEGORY
        return Built(dropped=(Dropped(ctx.kind, reason, sheet=Sheet.CUSTOMERS),))
    blocks: tuple[Block, ...] = tuple(
        sourced(ctx, replace(chart, area=area), _base_source(ctx))
        for chart, area in zip(charts, _AREAS[len(charts)], strict=True)
    )
    charted = tuple(c for c in ((geography,), (age,), tuple(others)) if c and None not in c)
    headline = tell_profile_headline(seg, geography, charted)
    notes = ProfileNotes(
        ctx.period,
        seg.customers.current,
        geography.attribute if geography else None,
        min(len(known(geography)), TOP_N) if geography else 0,
        tuple(
            Unknown(b.attribute, unknown_share(b))
            for b in (*seg.geographic, *seg.demographic)
            if unknown_share(b) > 0
        ),
        any(len(chart.series) > 1 for chart in charts),
        headline.context.no_shares,
    )
    finding = ctx.say("headline", headline)
    return Built((ctx.slide(blocks, finding=finding, notes=notes),))


def build_interests(ctx: SlideContext) -> Built:
    """Interests by customers and by 12-month spend; dropped without interests."""
    seg = ctx.metrics.segmentation
    interests = seg.psychographic[:TOP_N]
    if len(interests) < 2:
        if interests:
            return Built(dropped=(Dropped(ctx.kind, DropReason.ONE_CATEGORY),))
        missing = Dropped(ctx.kind, DropReason.NO_COLUMN, sheet=Sheet.CUSTOMERS, column="interests")
        return Built(dropped=(missing,))
    names = tuple(i.interest for i in interests)
    spend = tuple(i.revenue_per_customer_12m for i in interests)
    headline = tell_interests_headline(seg, len(interests), ctx.order_history)
    # The bar of the interest the headline names as spending most; none when it names none or
    # several tied.
    top = None
    if headline.context.state == InterestState.SPEND and not headline.context.tied:
        top = names.index(headline.context.interest)
    shares = ChartSpec(
        kind="bar",
        title=ctx.label("segmentation", "interest_customers"),
        categories=names,
        series=(
            Series(
                ctx.label("segmentation", "customers_share"),
                tuple(i.share for i in interests),
                "percent",
            ),
        ),
        area="left",
        legend=False,
    )
    spending = ChartSpec(
        kind="bar",
        title=window_label(ctx, Windowed.INTEREST_SPEND),
        categories=names,
        series=(
            Series(
                window_label(ctx, Windowed.REVENUE_PER_CUSTOMER),
                spend,
                "money",
            ),
        ),
        area="right",
        legend=False,
        highlight=top,
    )
    blocks = (
        sourced(ctx, shares, _base_source(ctx, 1)),
        chart_or_note(ctx, spending, _base_source(ctx)),
    )
    notes = InterestsNotes(len(interests), seg.revenue_12m.current, seg.customers.current)
    finding = ctx.say("headline", headline)
    return Built((ctx.slide(blocks, finding=finding, notes=notes),))


def build_rfm(ctx: SlideContext) -> Built:
    """RFM segments: shares of customers and revenue, and the average customer of each."""
    seg = ctx.metrics.segmentation
    segments = tuple(s for s in seg.rfm.segments if s.customers.current > 0)
    if not segments:
        return Built(dropped=(Dropped(ctx.kind, DropReason.NO_SHEET, sheet=Sheet.ORDERS),))
    # Every revenue share is 0 when a segment's returns exceed its sales, or all of them do.
    with_revenue = seg.rfm.revenue_shares_given
    series = [
        Series(
            ctx.label("segmentation", "customers_share"),
            tuple(s.share for s in segments),
            "percent",
        )
    ]
    if with_revenue:
        series.append(
            Series(
                ctx.label("segmentation", "revenue_share_to_date"),
                tuple(s.revenue_share for s in segments),
                "percent",
            )
        )
    chart = ChartSpec(
        kind="bar",
        title=ctx.say("rfm_chart", SharesChart(("segment",), with_revenue)),
        categories=tuple(ctx.label("segments", s.name) for s in segments),
        series=tuple(series),
        area="left",
        legend=with_revenue,
    )
    all_time = source(
        (Sheet.ORDERS,),
        ctx.period,
        ctx.period,
        seg.customers.current,
        Unit.CUSTOMERS,
        Fig("segmentation.customers.current"),
    )
    table = TableSpec(
        columns=(
            TableColumn(ctx.label("segmentation", "segment"), width=1.6),
            TableColumn(ctx.label("segmentation", "customers"), "end"),
            TableColumn(ctx.label("segmentation", "recency"), "end"),
            TableColumn(ctx.label("segmentation", "frequency"), "end"),
            TableColumn(ctx.label("segmentation", "monetary"), "end"),
        ),
        rows=tuple(
            (
                Cell(ctx.label("segments", s.name)),
                cell(ctx, s.customers.current, "count"),
                cell(ctx, s.recency_days, "count"),
                cell(ctx, s.frequency, "decimal"),
                cell(ctx, s.monetary, "money"),
            )
            for s in segments
        ),
        row_keys=tuple(s.name for s in segments),
        area="right",
        title=ctx.label("segmentation", "rfm_table"),
    )
    headline = tell_rfm_headline(seg, ctx.metrics.loyalty)
    h = headline.context
    notes = RfmNotes(
        h.state,
        h.segment,
        h.share,
        h.revenue_share,
        h.monetary,
        with_revenue,
        seg.rfm.net_negative,
        seg.rfm.below_zero,
    )
    finding = ctx.say("headline", headline)
    return Built((ctx.slide((sourced(ctx, chart, all_time), table), finding=finding, notes=notes),))
