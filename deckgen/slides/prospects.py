"""Target prospects: the ideal-prospect profile, the pipeline, and the ranked open leads."""

from __future__ import annotations

from collections import Counter

from deckgen.metrics.prospects import ProfileTrait, ProspectsResult
from deckgen.model import (
    Cell,
    ChartSpec,
    Kpi,
    KpiStrip,
    Paragraph,
    Series,
    Slide,
    TableColumn,
    TableSpec,
    TextBlock,
)
from deckgen.slides.blocks import cell, table_pages
from deckgen.slides.context import SlideContext

KIND = "prospects"
PROFILE_ANCHORS = ("ideal-prospect", "lead-status", "prospect-score")
TABLE_ANCHORS = ("prospect-score", "first-year-value", "lead-status")
TOP_TRAITS = 5
# A trait is worth a line on the card when it lifts the odds by this much (it shows as 1.1x).
MIN_CARD_LIFT = 1.05
_GEOGRAPHIC = frozenset({"country", "region", "city"})


def build_prospects_slides(ctx: SlideContext) -> tuple[Slide, ...]:
    """The profile-and-pipeline slide, then the top prospects over as many slides as needed."""
    prospects = ctx.metrics.prospects
    if prospects is None:
        return ()
    return (_profile_slide(ctx, prospects), *_table_slides(ctx, prospects))


def _card_traits(prospects: ProspectsResult) -> tuple[ProfileTrait, ...]:
    """The strongest traits, one geographic level at most (a region and its city say one thing)."""
    kept: list[ProfileTrait] = []
    for trait in prospects.profile:
        if trait.lift < MIN_CARD_LIFT:
            break  # the profile is ordered by lift
        if trait.attribute in _GEOGRAPHIC and any(t.attribute in _GEOGRAPHIC for t in kept):
            continue
        kept.append(trait)
    return tuple(kept[:TOP_TRAITS])


def _trait_label(ctx: SlideContext, trait: ProfileTrait) -> str:
    return ctx.text(KIND, "trait_label", trait=trait)


def _profile_slide(ctx: SlideContext, prospects: ProspectsResult) -> Slide:
    traits = _card_traits(prospects)
    kpis = KpiStrip(
        (
            Kpi(ctx.label(KIND, "pipeline_value"), ctx.fmt(prospects.pipeline_value, "money")),
            Kpi(ctx.label(KIND, "open_leads"), ctx.fmt(prospects.open_leads, "count")),
            Kpi(
                ctx.label(KIND, "expected_customers"),
                ctx.fmt(round(prospects.expected_customers), "count"),
            ),
            Kpi(ctx.label(KIND, "base_rate"), ctx.fmt(prospects.base_rate, "percent")),
        ),
        area="top",
    )
    blocks: list[KpiStrip | TextBlock | ChartSpec] = [kpis]
    if traits:
        card = tuple(Paragraph(ctx.text(KIND, "trait", trait=t)) for t in traits)
        blocks.append(
            TextBlock(
                card, area="left_bottom", style="callout", title=ctx.label(KIND, "profile_card")
            )
        )
        blocks.append(
            ChartSpec(
                kind="bar",
                title=ctx.label(KIND, "profile_chart"),
                categories=tuple(_trait_label(ctx, t) for t in traits),
                series=(
                    Series(
                        ctx.label(KIND, "share_of_best"),
                        tuple(t.share_of_best for t in traits),
                        "percent",
                    ),
                    Series(
                        ctx.label(KIND, "share_of_all"),
                        tuple(t.share_of_all for t in traits),
                        "percent",
                    ),
                ),
                area="right_bottom",
            )
        )
    return Slide(
        kind=KIND,
        title=ctx.text(KIND, "title"),
        headline=ctx.text(KIND, "headline", p=prospects, traits=traits),
        blocks=tuple(blocks),
        notes=ctx.notes(KIND, PROFILE_ANCHORS, part="profile", p=prospects),
    )


def _table_slides(ctx: SlideContext, prospects: ProspectsResult) -> list[Slide]:
    top = prospects.top
    if not top:
        return []
    spec = TableSpec(
        columns=(
            TableColumn(ctx.label(KIND, "rank"), "end", width=0.35),
            TableColumn(ctx.label(KIND, "prospect"), width=1.3),
            TableColumn(ctx.label(KIND, "channel"), width=1.0),
            TableColumn(ctx.label(KIND, "days_open"), "end", width=0.7),
            TableColumn(ctx.label(KIND, "probability"), "end", width=0.8),
            TableColumn(ctx.label(KIND, "first_year_value"), "end", width=0.9),
            TableColumn(ctx.label(KIND, "expected_value"), "end", width=0.9),
            TableColumn(ctx.label(KIND, "reasons"), width=2.6),
        ),
        rows=tuple(
            (
                cell(ctx, rank, "count"),
                Cell(p.name or p.lead_id),
                Cell(ctx.label("channels", p.channel)),
                cell(ctx, p.days_open, "count"),
                cell(ctx, p.probability, "percent"),
                cell(ctx, p.first_year_value, "money"),
                cell(ctx, p.expected_value, "money"),
                Cell(ctx.text(KIND, "reasons", reasons=p.reasons)),
            )
            for rank, p in enumerate(top, start=1)
        ),
    )
    channels = Counter(p.channel for p in top)
    # most_common keeps first-seen order on ties, and `top` is ranked, so this is deterministic.
    lead_channel, lead_count = channels.most_common(1)[0]
    value = sum(p.expected_value for p in top)
    variables = {
        "p": prospects,
        "value": value,
        "lead_channel": lead_channel,
        "lead_count": lead_count,
    }
    pages = table_pages(spec)
    return [
        Slide(
            kind=KIND,
            title=ctx.text(KIND, "table_title", page=number, pages=len(pages)),
            headline=ctx.text(KIND, "table_headline", **variables),
            blocks=(page,),
            notes=ctx.notes(KIND, TABLE_ANCHORS, part="table", **variables),
        )
        for number, page in enumerate(pages, start=1)
    ]
