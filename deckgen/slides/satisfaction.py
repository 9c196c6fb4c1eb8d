"""Satisfaction vs loyalty slides: the Jones & Sasser quadrants, NPS and CSAT, by segment."""

from __future__ import annotations

import random

from deckgen.metrics.satisfaction import LoyaltyAxis, SatisfactionResult
from deckgen.model import (
    Cell,
    ChartSpec,
    Kpi,
    KpiStrip,
    ScatterSpec,
    Series,
    TableColumn,
    TableSpec,
    TextBlock,
    XYSeries,
)
from deckgen.narrative.claims import Fig
from deckgen.narrative.common import Sheet, Unit, source
from deckgen.narrative.outline import Built, Dropped, DropReason
from deckgen.narrative.satisfaction import (
    HEADLINE_MIN_N,
    KpiScope,
    Scales,
    ScoreNotes,
    tell_correlations,
    tell_customer_scope,
    tell_quadrants,
    tell_scores,
)
from deckgen.narrative.segmentation import segment_scope
from deckgen.narrative.told import Told, told
from deckgen.slides.blocks import (
    cell,
    change_kpi,
    chart_or_note,
    paragraphs,
    segments_withheld,
    sourced,
)
from deckgen.slides.context import SlideContext

TOP_SEGMENTS = 8  # rows of the by-segment table
# Survey answers are whole points, so many customers share a point: each is drawn up to this
# many scale points away from its answer (a fixed pseudo-random offset) to show how many there
# are, and the quadrant lines sit half a point below the thresholds, between two answers.
JITTER = 0.3  # scale points
_HALF_STEP = 0.5  # scale points
_SEED = 7  # the jitter's fixed seed: the same answers always give the same picture
# Scatter corners top-left, top-right, bottom-left, bottom-right (ScatterSpec order):
# low satisfaction and high loyalty are hostages, and so on.
_CORNERS = ("hostages", "loyalists", "defectors", "mercenaries")


def _result(ctx: SlideContext) -> SatisfactionResult | None:
    return ctx.metrics.satisfaction


def _no_surveys(ctx: SlideContext) -> Built:
    return Built(dropped=(Dropped(ctx.kind, DropReason.NO_SHEET, sheet=Sheet.SURVEYS),))


def _label(ctx: SlideContext, key: str) -> str:
    return ctx.label("satisfaction", key)


def jittered(
    values: tuple[float, ...], bounds: tuple[float, float], seed: int
) -> tuple[float, ...]:
    """`values` each moved by a fixed offset of at most JITTER, reflected back inside `bounds`."""
    rng = random.Random(seed)
    low, high = bounds
    moved = []
    for value in values:
        offset = rng.uniform(-JITTER, JITTER)
        inside = low <= value + offset <= high
        moved.append(value + offset if inside else value - offset)
    return tuple(moved)


def _scales(ctx: SlideContext, result: SatisfactionResult) -> Told[Scales]:
    history = ctx.order_history  # the months of orders behind the purchase days
    scales = Scales(
        result.loyalty_axis,
        result.linked_customers,
        result.customers,
        *result.satisfaction_scale,
        *result.recommend_scale,
        result.satisfaction_threshold,
        result.recommend_threshold,
        len(result.scatter),
        result.scatter_n,
        result.scatter_sampled,
        result.quadrant_n,
        JITTER,
        result.satisfaction_vs_recommend.pearson,
        result.satisfaction_vs_occasions.pearson,
        result.recommend_vs_occasions.pearson,
        ctx.period,
        history.context,
    )
    return told(scales, history.claims)


def _year(
    ctx: SlideContext,
    result: SatisfactionResult,
    n: int,
    unit: Unit,
    path: str | None,
    sheets: tuple[Sheet, ...] = (Sheet.SURVEYS,),
) -> object:
    """The source line of a figure over the 12 months of answers, from the first month with an
    answer when the surveys begin later."""
    scope = tell_customer_scope(result, n, ctx.period)
    months = scope.context.months or 12
    line = source(
        sheets,
        ctx.period.shift(1 - months),
        ctx.period,
        n,
        unit,
        None if path is None else Fig(path),
    )
    return told(line.context, line.claims, scope.claims)


def _loyalty_range(result: SatisfactionResult) -> tuple[float, float]:
    """The loyalty axis: the recommend scale, or 0 to the most purchase days shown."""
    if result.loyalty_axis == LoyaltyAxis.INTENT:
        return result.recommend_scale
    top = max((y for _, y in result.scatter), default=0.0)
    return (0.0, max(top, result.loyalty_threshold + 1))


def _scatter(ctx: SlideContext, result: SatisfactionResult) -> ScatterSpec:
    # The axes span the scales exactly; answers at an end are spread inward only.
    x_range, y_range = result.satisfaction_scale, _loyalty_range(result)
    xs = jittered(tuple(x for x, _ in result.scatter), x_range, _SEED)
    ys = jittered(tuple(y for _, y in result.scatter), y_range, _SEED + 1)
    top_left, top_right, bottom_left, bottom_right = (
        ctx.label("quadrants", name) for name in _CORNERS
    )
    scales = _scales(ctx, result)
    spec = ScatterSpec(
        title=ctx.say("scatter_title", scales),
        series=(XYSeries(_label(ctx, "customers"), xs, ys),),
        x_title=ctx.say("x_title", scales),
        y_title=ctx.say("y_title", scales),
        x_range=x_range,
        y_range=y_range,
        x_kind="count",
        y_kind="count",
        x_split=result.satisfaction_threshold - _HALF_STEP,
        y_split=result.loyalty_threshold - _HALF_STEP,
        quadrant_labels=(top_left, top_right, bottom_left, bottom_right),
        area="left",
    )
    # Behaviour places the customers by their orders (docs/metrics.md#satisfaction-quadrants).
    sheets = (
        (Sheet.SURVEYS, Sheet.ORDERS)
        if result.loyalty_axis == LoyaltyAxis.BEHAVIOUR
        else (Sheet.SURVEYS,)
    )
    year = _year(ctx, result, result.scatter_n, Unit.SURVEYED, "satisfaction.scatter_n", sheets)
    return sourced(ctx, spec, year)


def _quadrant_table(ctx: SlideContext, result: SatisfactionResult) -> TableSpec:
    behaviour = result.loyalty_axis == LoyaltyAxis.BEHAVIOUR
    columns = (
        TableColumn(_label(ctx, "quadrant"), width=1.7),
        TableColumn(_label(ctx, "customers"), "end", 1.0),
        TableColumn(_label(ctx, "share"), "end", 0.9),
        TableColumn(_label(ctx, "occasions"), "end", 1.3),
        # Behaviour places the groups by repeat buying, so their repeat rate is 100% or 0% by
        # definition: show what they say instead, intent against behaviour.
        TableColumn(_label(ctx, "recommend_mean" if behaviour else "repeat"), "end", 1.2),
    )
    rows = tuple(
        (
            Cell(ctx.label("quadrants", q.name)),
            cell(ctx, q.customers, "count"),
            cell(ctx, q.share, "percent"),
            cell(ctx, q.mean_occasions_12m, "decimal"),
            cell(ctx, q.mean_recommend, "decimal")
            if behaviour
            else cell(ctx, q.repeat_rate_12m, "percent"),
        )
        for q in result.quadrants
    )
    return TableSpec(
        columns=columns,
        rows=rows,
        row_keys=tuple(q.name for q in result.quadrants),
        area="right_top",
        title=ctx.say("quadrant_table_title", _scales(ctx, result)),
    )


def build_quadrants(ctx: SlideContext) -> Built:
    """The scatter of satisfaction against recommendation, the four groups and how they buy."""
    result = _result(ctx)
    if result is None:
        return _no_surveys(ctx)
    if not result.quadrant_n:
        return Built(dropped=(Dropped(ctx.kind, DropReason.NO_ANSWERS),))
    findings = TextBlock(
        paragraphs(ctx.say("correlations", tell_correlations(result, ctx.order_history))),
        area="right_bottom",
        style="bullets",
    )
    finding = ctx.say("headline", tell_quadrants(result))
    blocks = (_scatter(ctx, result), _quadrant_table(ctx, result), findings)
    return Built((ctx.slide(blocks, finding=finding, notes=_scales(ctx, result)),))


def _segment_table(ctx: SlideContext, result: SatisfactionResult) -> TableSpec:
    columns = (
        TableColumn(_label(ctx, "segment"), width=1.9),
        TableColumn(_label(ctx, "n"), "end", 0.7),
        TableColumn(_label(ctx, "nps"), "end", 0.8),
        TableColumn(_label(ctx, "csat"), "end", 0.9),
        TableColumn(_label(ctx, "loyalists"), "end", 1.0),
    )
    rows = tuple(
        (
            Cell(ctx.label("segments", row.segment)),
            cell(ctx, row.customers, "count"),
            cell(ctx, row.nps.score, "score"),
            cell(ctx, row.csat.score, "percent"),
            cell(ctx, row.quadrants[0].share, "percent"),
        )
        for row in result.by_segment[:TOP_SEGMENTS]
    )
    return TableSpec(
        columns=columns,
        rows=rows,
        row_keys=tuple(row.segment for row in result.by_segment[:TOP_SEGMENTS]),
        area="right_bottom",
        title=ctx.say("segment_table_title"),
    )


def build_nps_csat(ctx: SlideContext) -> Built:
    """NPS and CSAT of the month and of 12 months, the monthly trend, and by RFM segment."""
    result = _result(ctx)
    if result is None:
        return _no_surveys(ctx)
    strip = KpiStrip(
        (
            change_kpi(
                ctx,
                ctx.say("kpi_nps", KpiScope(result.nps.n, ctx.period)),
                result.nps_change,
                "score",
                key="nps",
            ),
            change_kpi(
                ctx,
                ctx.say("kpi_csat", KpiScope(result.csat.n, ctx.period)),
                result.csat_change,
                "percent",
                key="csat",
            ),
            Kpi(
                ctx.say(
                    "kpi_customer_nps",
                    tell_customer_scope(result, result.customer_nps.n, ctx.period),
                ),
                ctx.fmt(result.customer_nps.score, "score"),
                key="customer_nps",
            ),
            Kpi(
                ctx.say(
                    "kpi_customer_csat",
                    tell_customer_scope(result, result.customer_csat.n, ctx.period),
                ),
                ctx.fmt(result.customer_csat.score, "percent"),
                key="customer_csat",
            ),
        )
    )
    months = result.months
    # One NPS axis: the 3-month pooled score (docs/metrics.md#nps-3m) smooths the monthly one,
    # which rests on a few dozen answers; the answers behind them are in the source line.
    trend = ChartSpec(
        kind="line",
        title=_label(ctx, "trend_chart"),
        categories=tuple(ctx.month(m.month, short=True) for m in months),
        series=(
            Series(_label(ctx, "nps_3m"), tuple(m.nps_3m.score for m in months), "score"),
            Series(_label(ctx, "nps_month"), tuple(m.nps.score for m in months), "score"),
        ),
        area="left_bottom" if result.by_segment else "bottom",  # beside the table or its note
        data_labels=False,
    )
    answers = sum(m.nps.n for m in months)
    blocks: list[KpiStrip | ChartSpec | TableSpec | TextBlock] = [
        strip,
        chart_or_note(ctx, trend, _year(ctx, result, answers, Unit.ANSWERS, None), trend=True),
    ]
    scope = segment_scope(ctx.metrics.loyalty)
    ctx.note_claims(tuple(scope.claims))
    by_segment = bool(result.by_segment) and scope.context
    if by_segment:
        blocks.append(_segment_table(ctx, result))
    elif result.by_segment:
        # As on the RFM slide: no segment name while it may not mean what it says.
        blocks.append(segments_withheld(ctx, ctx.say("segment_table_title")))
    a = result.answers
    notes = ScoreNotes(
        ctx.period,
        a.answers,
        a.missing_satisfaction
        + a.out_of_scale_satisfaction
        + a.missing_recommend
        + a.out_of_scale_recommend,
        result.customers,
        tell_customer_scope(result, result.customers, ctx.period).context.months,
        min(len(result.by_segment), TOP_SEGMENTS) if by_segment else 0,
        HEADLINE_MIN_N,
        bool(result.by_segment) and not by_segment,
    )
    finding = ctx.say("headline", tell_scores(result, scope.context))
    return Built((ctx.slide(tuple(blocks), finding=finding, notes=notes),))
