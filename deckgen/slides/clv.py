"""Predictive customer value slides: the next 12 months by segment and channel, the valuable
customers at risk one by one, and the holdout check of the purchase model."""

from __future__ import annotations

from datetime import timedelta

from deckgen.formats import format_date
from deckgen.metrics.clv import ClvResult
from deckgen.metrics.clv.figures import AT_RISK_P_ALIVE, TOP_FREQUENCY_GROUP, AtRiskCustomer
from deckgen.model import Cell, ChartSpec, Kpi, KpiStrip, Series, TableColumn, TableSpec
from deckgen.narrative.claims import Fig
from deckgen.narrative.clv import (
    AtRiskNotes,
    AtRiskPage,
    FitNotes,
    ValueKpis,
    ValueNotes,
    refusal_claims,
    tell_at_risk,
    tell_fit,
    tell_value,
)
from deckgen.narrative.common import Sheet, Unit, source
from deckgen.narrative.outline import Built, Dropped, DropReason
from deckgen.slides.blocks import balanced_table_pages, cell, chart_or_note
from deckgen.slides.context import SlideContext

TOP_SEGMENTS = 8  # bars of the segment chart
_DASH = "–"  # a cell with no value (no segment, no known channel)


def _label(ctx: SlideContext, key: str) -> str:
    return ctx.label("clv", key)


def _channel(ctx: SlideContext, name: str | None) -> str:
    return _label(ctx, "unknown_channel") if name is None else ctx.label("channels", name)


def build_clv_value(ctx: SlideContext) -> Built:
    """Predicted 12-month value of the base, by RFM segment and by acquisition channel; when
    the models were refused, left out with the reason (the deck keeps its historical value)."""
    clv = ctx.metrics.clv
    if not clv.model.fitted:
        return Built(dropped=(_refused(ctx, clv, "clv.model"),))
    assert clv.predicted_value is not None and clv.expected_active is not None
    kpi = ValueKpis(clv.horizon_months, clv.model.customers)
    strip = KpiStrip(
        (
            Kpi(ctx.say("kpi_value", kpi), ctx.fmt(clv.predicted_value, "money"), key="value"),
            Kpi(
                ctx.say("kpi_purchases", kpi),
                ctx.fmt(clv.expected_purchases, "count"),
                key="purchases",
            ),
            Kpi(
                ctx.say("kpi_active", kpi),
                ctx.fmt(round(clv.expected_active), "count"),
                key="active",
            ),
            Kpi(_label(ctx, "kpi_at_risk"), ctx.fmt(clv.at_risk_customers, "count"), key="at_risk"),
            Kpi(_label(ctx, "kpi_at_stake"), ctx.fmt(clv.at_risk_value, "money"), key="at_stake"),
        )
    )
    segments = clv.by_segment[:TOP_SEGMENTS]
    by_segment = ChartSpec(
        kind="bar",
        title=_label(ctx, "segment_chart"),
        categories=tuple(
            _DASH if g.name is None else ctx.label("segments", g.name) for g in segments
        ),
        series=(Series(_label(ctx, "value"), tuple(g.predicted_value for g in segments), "money"),),
        area="left_bottom",
    )
    by_channel = ChartSpec(
        kind="bar",
        title=_label(ctx, "channel_chart"),
        categories=tuple(_channel(ctx, g.name) for g in clv.by_channel),
        series=(
            Series(
                _label(ctx, "value_per_customer"),
                tuple(g.value_per_customer for g in clv.by_channel),
                "money",
            ),
        ),
        area="right_bottom",
    )
    base = source(
        (Sheet.ORDERS, Sheet.CUSTOMERS),
        ctx.period,
        ctx.period,
        clv.model.customers,
        Unit.CUSTOMERS,
        Fig("clv.model.customers"),
    )
    blocks = (strip, chart_or_note(ctx, by_segment, base), chart_or_note(ctx, by_channel, base))
    spend = clv.model.spend
    purchases = clv.model.purchases
    assert spend is not None and purchases is not None
    notes = ValueNotes(
        ctx.period,
        clv.discount_rate,
        clv.horizon_months,
        len(segments),
        len(clv.by_channel),
        any(g.name is None for g in clv.by_channel),
        spend.spend_frequency_correlation,
        purchases.same_rate,
        purchases.same_dropout,
    )
    finding = ctx.say("headline", tell_value(clv, ctx.period))
    return Built((ctx.slide(blocks, finding=finding, notes=notes),))


def _refused(ctx: SlideContext, clv: ClvResult, path: str) -> Dropped:
    """The appendix's line for a refused fit at `path` (the model or the holdout calibration)."""
    main = path == "clv.model"
    model = clv.model if main else clv.holdout.calibration
    return Dropped(
        ctx.kind,
        DropReason.MODEL_REFUSED if main else DropReason.HOLDOUT_REFUSED,
        n=model.repeat_customers,
        minimum=model.min_repeat_customers,
        refusal=model.refusal,
        claims=refusal_claims(model, path),
    )


def _at_risk_row(ctx: SlideContext, rank: int, customer: AtRiskCustomer) -> tuple[Cell, ...]:
    last = ctx.period.end - timedelta(days=customer.days_since_last_purchase)
    segment = customer.segment
    return (
        cell(ctx, rank, "count"),
        Cell(customer.customer_id),
        Cell(_DASH if segment is None else ctx.label("segments", segment)),
        Cell(_channel(ctx, customer.channel)),
        cell(ctx, customer.repeat_purchases + 1, "count"),
        Cell(format_date(last, ctx.lang, ctx.wording.digits, ctx.period.calendar)),
        Cell(ctx.fmt(customer.p_alive, "percent"), customer.p_alive, 1 - customer.p_alive),
        cell(ctx, customer.predicted_value, "money"),
        cell(ctx, customer.value_at_stake, "money"),
    )


def build_clv_at_risk(ctx: SlideContext) -> Built:
    """The valuable customers who have probably left, most value at stake first, one by one
    over as many slides as they need; none when the models were refused or nobody is at risk."""
    clv = ctx.metrics.clv
    if not clv.model.fitted or not clv.at_risk:
        return Built()
    columns = (
        TableColumn(_label(ctx, "rank"), "end", 0.4),
        TableColumn(_label(ctx, "customer"), width=0.85),
        TableColumn(_label(ctx, "segment"), width=1.7),
        TableColumn(_label(ctx, "channel"), width=1.45),
        TableColumn(_label(ctx, "purchases"), "end", 0.8),
        TableColumn(_label(ctx, "last_purchase"), width=1.5),
        TableColumn(_label(ctx, "p_alive"), "end", 0.9),
        TableColumn(_label(ctx, "predicted_value"), "end", 1.45),
        TableColumn(_label(ctx, "value_at_stake"), "end", 1.45),
    )
    table = TableSpec(
        columns=columns,
        rows=tuple(_at_risk_row(ctx, rank, c) for rank, c in enumerate(clv.at_risk, start=1)),
        area="full",
        font_size=10,
    )
    slides = []
    first = 1
    pages = balanced_table_pages(table)
    notes = AtRiskNotes(ctx.period, len(clv.at_risk), clv.at_risk_customers, AT_RISK_P_ALIVE)
    for number, spec in enumerate(pages, start=1):
        last = first + len(spec.rows) - 1
        finding = ctx.say("headline", tell_at_risk(clv, first, last))
        page = AtRiskPage(number, len(pages))
        slides.append(ctx.slide((spec,), finding=finding, notes=notes, topic=page))
        first = last + 1
    return Built(tuple(slides))


def build_clv_fit(ctx: SlideContext) -> Built:
    """Predicted against actual purchases in the holdout months, by frequency group; left out
    with the reason when the calibration fit was refused (none when the models were)."""
    clv = ctx.metrics.clv
    if not clv.model.fitted:
        return Built()
    holdout = clv.holdout
    if holdout.calibration.refusal is not None or not holdout.groups:
        return Built(dropped=(_refused(ctx, clv, "clv.holdout.calibration"),))
    groups = holdout.groups
    categories = tuple(
        ctx.fmt(g.repeat_purchases, "count")
        + (_label(ctx, "or_more") if g.repeat_purchases == TOP_FREQUENCY_GROUP else "")
        for g in groups
    )
    chart = ChartSpec(
        kind="column",
        title=_label(ctx, "fit_chart"),
        categories=categories,
        series=(
            Series(_label(ctx, "predicted"), tuple(g.predicted for g in groups), "decimal"),
            Series(_label(ctx, "actual"), tuple(g.actual for g in groups), "decimal"),
        ),
        area="left",
        value_axis_title=_label(ctx, "purchases_per_customer"),
    )
    cutoff = ctx.period.shift(-holdout.months)
    calibration = source(
        (Sheet.ORDERS,),
        cutoff.shift(1),
        ctx.period,
        holdout.calibration.customers,
        Unit.CUSTOMERS,
        Fig("clv.holdout.calibration.customers"),
    )
    table = TableSpec(
        columns=(
            TableColumn(_label(ctx, "group"), width=1.3),
            TableColumn(_label(ctx, "group_customers"), "end", 1.0),
            TableColumn(_label(ctx, "predicted"), "end", 1.0),
            TableColumn(_label(ctx, "actual"), "end", 1.0),
        ),
        rows=tuple(
            (
                Cell(label),
                cell(ctx, g.customers, "count"),
                cell(ctx, g.predicted, "decimal"),
                cell(ctx, g.actual, "decimal"),
            )
            for label, g in zip(categories, groups, strict=True)
        ),
        area="right",
        title=_label(ctx, "fit_table"),
        font_size=10,
    )
    notes = FitNotes(
        holdout.months,
        holdout.holdout_days,
        cutoff,
        holdout.calibration.customers,
        TOP_FREQUENCY_GROUP,
        holdout.mean_absolute_error,
    )
    finding = ctx.say("headline", tell_fit(holdout, ctx.period))
    blocks = (chart_or_note(ctx, chart, calibration), table)
    return Built((ctx.slide(blocks, finding=finding, notes=notes),))
