"""Customer segmentation: who the customers are (geography, demographics, interests) and RFM."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from deckgen.metrics.segments import UNKNOWN, Breakdown, GroupFigures, SegmentationResult
from deckgen.model import Area, Block, Cell, ChartSpec, Series, Slide, TableColumn, TableSpec
from deckgen.slides.blocks import cell
from deckgen.slides.context import SlideContext

KIND = "segmentation"
PROFILE_ANCHORS = ("customer-base", "segment-figures", "age-band", "trailing-12-months")
INTEREST_ANCHORS = ("interest-figures", "revenue-per-customer-12m", "trailing-12-months")
RFM_ANCHORS = ("rfm-values", "rfm-scores", "rfm-segments")
TOP_N = 8
# A group must hold this share of the customers before the headline may name it.
MIN_NAMED_SHARE = 0.05
# labels.toml tables that name an attribute's values; other values are shown as written.
_VALUE_LABELS = {"age_band": "age_bands", "gender": "genders", "income_band": "income_bands"}
# Areas of a profile slide holding one, two or three blocks.
_AREAS: dict[int, tuple[Area, ...]] = {
    1: ("full",),
    2: ("left", "right"),
    3: ("left", "right_top", "right_bottom"),
}


def build_segmentation_slides(ctx: SlideContext) -> tuple[Slide, ...]:
    """Profile (geography and demographics), interests and RFM slides; those with data."""
    seg = ctx.metrics.segmentation
    slides = [_profile_slide(ctx, seg), _interests_slide(ctx, seg), _rfm_slide(ctx, seg)]
    return tuple(slide for slide in slides if slide is not None)


def _known(breakdown: Breakdown) -> tuple[GroupFigures, ...]:
    return tuple(row for row in breakdown.rows if row.value != UNKNOWN)


def _in_label_order(
    ctx: SlideContext, group: str, rows: tuple[GroupFigures, ...]
) -> tuple[GroupFigures, ...]:
    """Rows in the order of labels.toml [group] (e.g. low, middle, high income); others after."""
    order = {key: index for index, key in enumerate(ctx.labels.get(group, {}))}
    return tuple(sorted(rows, key=lambda row: order.get(row.value, len(order))))


def _geography(seg: SegmentationResult) -> Breakdown | None:
    """The finest geographic level that still fits a top-N chart: region, else country, else city."""
    found = {b.attribute: b for b in seg.geographic if len(_known(b)) > 1}
    return next((found[a] for a in ("region", "country", "city") if a in found), None)


def _demographic(seg: SegmentationResult, attribute: str) -> Breakdown | None:
    return next((b for b in seg.demographic if b.attribute == attribute and _known(b)), None)


def _value_label(ctx: SlideContext, attribute: str, value: str) -> str:
    group = _VALUE_LABELS.get(attribute)
    return ctx.label(group, value) if group else value


def _shares_chart(
    ctx: SlideContext,
    kind: Literal["bar", "column"],
    title: str,
    rows: list[tuple[str, GroupFigures]],
) -> ChartSpec:
    """Share of customers beside share of 12-month revenue for (attribute, group) rows."""
    return ChartSpec(
        kind=kind,
        title=title,
        categories=tuple(_value_label(ctx, attribute, row.value) for attribute, row in rows),
        series=(
            Series(ctx.label(KIND, "customers_share"), tuple(r.share for _, r in rows), "percent"),
            Series(
                ctx.label(KIND, "revenue_share"),
                tuple(r.revenue_share for _, r in rows),
                "percent",
            ),
        ),
    )


def _breakdown_chart(
    ctx: SlideContext, kind: Literal["bar", "column"], breakdown: Breakdown, top: int | None = None
) -> ChartSpec:
    """One attribute's known groups (the first `top` of them) as a shares chart."""
    rows = [(breakdown.attribute, row) for row in _known(breakdown)[:top]]
    title = ctx.text(KIND, "share_chart_title", attribute=breakdown.attribute)
    return _shares_chart(ctx, kind, title, rows)


def _groups_chart(ctx: SlideContext, breakdowns: list[Breakdown]) -> ChartSpec:
    """Gender and income groups side by side in one shares chart, each in its labels' order."""
    rows = [
        (b.attribute, row)
        for b in breakdowns
        for row in _in_label_order(ctx, _VALUE_LABELS[b.attribute], _known(b))
    ]
    title = ctx.text(KIND, "groups_chart_title", attributes=[b.attribute for b in breakdowns])
    return _shares_chart(ctx, "column", title, rows)


def _standout(seg: SegmentationResult) -> tuple[str, GroupFigures] | None:
    """The demographic group whose revenue share most exceeds its customer share."""
    candidates = [
        (b.attribute, row)
        for b in seg.demographic
        for row in _known(b)
        if row.share >= MIN_NAMED_SHARE
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c[1].revenue_share / c[1].share, c[1].value))


def _profile_slide(ctx: SlideContext, seg: SegmentationResult) -> Slide | None:
    geography = _geography(seg)
    age = _demographic(seg, "age_band")
    others = [b for b in (_demographic(seg, a) for a in ("gender", "income_band")) if b]
    blocks: list[Block] = []
    if geography is not None:
        blocks.append(_breakdown_chart(ctx, "bar", geography, TOP_N))
    if age is not None:
        blocks.append(_breakdown_chart(ctx, "column", age))
    if others:
        blocks.append(_groups_chart(ctx, others))
    if not blocks:
        return None
    placed = tuple(
        replace(block, area=area) for block, area in zip(blocks, _AREAS[len(blocks)], strict=True)
    )
    largest = _known(geography)[0] if geography is not None else None
    standout = _standout(seg)
    variables = {
        "geography": geography.attribute if geography else None,
        "largest": largest,
        "standout": standout,
        "unknown": _unknown_shares(seg),
        "shown": min(len(_known(geography)), TOP_N) if geography else 0,
    }
    return Slide(
        kind=KIND,
        title=ctx.text(KIND, "profile_title"),
        headline=ctx.text(KIND, "profile_headline", **variables),
        blocks=placed,
        notes=ctx.notes(KIND, PROFILE_ANCHORS, part="profile", **variables),
    )


def _unknown_shares(seg: SegmentationResult) -> dict[str, float]:
    """Share of customers whose attribute is unknown, for the attributes that have any."""
    return {
        b.attribute: row.share
        for b in (*seg.geographic, *seg.demographic)
        for row in b.rows
        if row.value == UNKNOWN and row.share > 0
    }


def _interests_slide(ctx: SlideContext, seg: SegmentationResult) -> Slide | None:
    interests = seg.psychographic[:TOP_N]
    if not interests:
        return None
    names = tuple(i.interest for i in interests)
    spend = tuple(i.revenue_per_customer_12m for i in interests)
    top = max(range(len(interests)), key=lambda k: (spend[k], names[k]))
    average = seg.revenue_per_customer_12m
    blocks = (
        ChartSpec(
            kind="bar",
            title=ctx.label(KIND, "interest_customers"),
            categories=names,
            series=(
                Series(
                    ctx.label(KIND, "customers_share"), tuple(i.share for i in interests), "percent"
                ),
            ),
            area="left",
            legend=False,
        ),
        ChartSpec(
            kind="bar",
            title=ctx.label(KIND, "interest_spend"),
            categories=names,
            series=(Series(ctx.label(KIND, "revenue_per_customer_12m"), spend, "money"),),
            area="right",
            legend=False,
            highlight=top,
        ),
    )
    variables = {"top": interests[top], "average": average, "shown": len(interests)}
    return Slide(
        kind=KIND,
        title=ctx.text(KIND, "interests_title"),
        headline=ctx.text(KIND, "interests_headline", **variables),
        blocks=blocks,
        notes=ctx.notes(KIND, INTEREST_ANCHORS, part="interests", **variables),
    )


def _rfm_slide(ctx: SlideContext, seg: SegmentationResult) -> Slide | None:
    segments = tuple(s for s in seg.rfm.segments if s.customers.current > 0)
    if not segments:
        return None
    names = tuple(ctx.label("segments", s.name) for s in segments)
    # The same pick as the summary's top_segment finding, so the two slides name one segment.
    best = max(segments, key=lambda s: (s.revenue_share - s.share, s.name))
    chart = ChartSpec(
        kind="bar",
        title=ctx.label(KIND, "rfm_chart"),
        categories=names,
        series=(
            Series(ctx.label(KIND, "customers_share"), tuple(s.share for s in segments), "percent"),
            Series(
                ctx.label(KIND, "revenue_share_to_date"),
                tuple(s.revenue_share for s in segments),
                "percent",
            ),
        ),
        area="left",
    )
    table = TableSpec(
        columns=(
            TableColumn(ctx.label(KIND, "segment"), width=1.6),
            TableColumn(ctx.label(KIND, "customers"), "end"),
            TableColumn(ctx.label(KIND, "recency"), "end"),
            TableColumn(ctx.label(KIND, "frequency"), "end"),
            TableColumn(ctx.label(KIND, "monetary"), "end"),
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
        area="right",
        title=ctx.label(KIND, "rfm_table"),
    )
    return Slide(
        kind=KIND,
        title=ctx.text(KIND, "rfm_title"),
        headline=ctx.text(KIND, "rfm_headline", best=best),
        blocks=(chart, table),
        notes=ctx.notes(KIND, RFM_ANCHORS, part="rfm", best=best),
    )
