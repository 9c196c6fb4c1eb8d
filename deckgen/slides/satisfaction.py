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
    Slide,
    TableColumn,
    TableSpec,
    TextBlock,
    XYSeries,
)
from deckgen.slides.blocks import cell, change_kpi, paragraphs
from deckgen.slides.context import SlideContext

KIND = "satisfaction"
TOP_SEGMENTS = 8  # rows of the by-segment table
HEADLINE_MIN_N = 10  # surveyed customers a segment needs to be named in the headline
# Survey answers are whole points, so many customers share a point: each is drawn up to this
# many scale points away from its answer (a fixed pseudo-random offset) to show how many there
# are, and the quadrant lines sit half a point below the thresholds, between two answers.
JITTER = 0.3  # scale points
_HALF_STEP = 0.5  # scale points
_SEED = 7  # the jitter's fixed seed: the same answers always give the same picture
# Scatter corners top-left, top-right, bottom-left, bottom-right (ScatterSpec order):
# low satisfaction and high loyalty are hostages, and so on.
_CORNERS = ("hostages", "loyalists", "defectors", "mercenaries")

_QUADRANT_ANCHORS = (
    "surveyed-customers",
    "satisfaction-quadrants",
    "satisfaction-correlation",
    "satisfaction-scatter",
)
_SCORE_ANCHORS = ("nps", "csat", "survey-answers", "satisfaction-by-segment")


def build_satisfaction_slides(ctx: SlideContext) -> tuple[Slide, ...]:
    """The satisfaction vs loyalty slides; () when the data has no surveys sheet."""
    result = ctx.metrics.satisfaction
    if result is None:
        return ()
    return (_quadrant_slide(ctx, result), _score_slide(ctx, result))


def _label(ctx: SlideContext, key: str) -> str:
    return ctx.label(KIND, key)


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
    return ScatterSpec(
        title=ctx.text(KIND, "scatter_title", s=result),
        series=(XYSeries(_label(ctx, "customers"), xs, ys),),
        x_title=ctx.text(KIND, "x_title", s=result),
        y_title=ctx.text(KIND, "y_title", s=result),
        x_range=x_range,
        y_range=y_range,
        x_kind="count",
        y_kind="count",
        x_split=result.satisfaction_threshold - _HALF_STEP,
        y_split=result.loyalty_threshold - _HALF_STEP,
        quadrant_labels=(top_left, top_right, bottom_left, bottom_right),
        area="left",
    )


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
        area="right_top",
        title=ctx.text(KIND, "quadrant_table_title", s=result),
    )


def _quadrant_slide(ctx: SlideContext, result: SatisfactionResult) -> Slide:
    quadrants = {q.name: q for q in result.quadrants}
    findings = TextBlock(
        paragraphs(ctx.text(KIND, "correlation_text", s=result)),
        area="right_bottom",
        style="bullets",
    )
    return Slide(
        kind=KIND,
        title=ctx.text(KIND, "quadrant_title"),
        headline=ctx.text(KIND, "quadrant_headline", s=result, q=quadrants),
        notes=ctx.notes(KIND, _QUADRANT_ANCHORS, part="quadrants", s=result, jitter=JITTER),
        blocks=(_scatter(ctx, result), _quadrant_table(ctx, result), findings),
    )


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
        area="right_bottom",
        title=ctx.text(KIND, "segment_table_title", s=result),
    )


def _score_slide(ctx: SlideContext, result: SatisfactionResult) -> Slide:
    strip = KpiStrip(
        (
            change_kpi(
                ctx, KIND, ctx.text(KIND, "kpi_nps", n=result.nps.n), result.nps_change, "score"
            ),
            change_kpi(
                ctx,
                KIND,
                ctx.text(KIND, "kpi_csat", n=result.csat.n),
                result.csat_change,
                "percent",
            ),
            Kpi(
                ctx.text(KIND, "kpi_customer_nps", n=result.customer_nps.n),
                ctx.fmt(result.customer_nps.score, "score"),
            ),
            Kpi(
                ctx.text(KIND, "kpi_customer_csat", n=result.customer_csat.n),
                ctx.fmt(result.customer_csat.score, "percent"),
            ),
        )
    )
    months = result.months
    trend = ChartSpec(
        kind="combo",
        title=_label(ctx, "trend_chart"),
        categories=tuple(ctx.month(m.month, short=True) for m in months),
        series=(
            Series(_label(ctx, "answers"), tuple(float(m.nps.n) for m in months)),
            Series(
                _label(ctx, "nps"),
                tuple(m.nps.score for m in months),
                "score",
                axis="secondary",
                plot="line",
            ),
        ),
        area="left_bottom" if result.by_segment else "bottom",
        data_labels=False,
        value_axis_title=_label(ctx, "answers"),
        secondary_axis_title=_label(ctx, "nps"),
    )
    blocks: tuple[KpiStrip | ChartSpec | TableSpec, ...] = (strip, trend)
    if result.by_segment:
        blocks = (*blocks, _segment_table(ctx, result))
    named = [row for row in result.by_segment if row.nps.n >= HEADLINE_MIN_N]
    ranked = sorted(named, key=lambda row: (row.nps.score or 0.0, row.segment))
    return Slide(
        kind=KIND,
        title=ctx.text(KIND, "score_title"),
        headline=ctx.text(
            KIND,
            "score_headline",
            s=result,
            best=ranked[-1] if len(ranked) > 1 else None,
            worst=ranked[0] if len(ranked) > 1 else None,
            names={row.segment: ctx.label("segments", row.segment) for row in ranked},
        ),
        notes=ctx.notes(
            KIND,
            _SCORE_ANCHORS,
            part="scores",
            s=result,
            segments_shown=min(len(result.by_segment), TOP_SEGMENTS),
            min_n=HEADLINE_MIN_N,
        ),
        blocks=blocks,
    )
