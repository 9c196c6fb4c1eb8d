"""Target prospects: the ideal-prospect profile, the pipeline, and the ranked open leads."""

from __future__ import annotations

from deckgen.metrics.prospects import ProfileTrait, ProspectsResult
from deckgen.model import (
    Cell,
    ChartSpec,
    Kpi,
    KpiStrip,
    Paragraph,
    Series,
    TableColumn,
    TableSpec,
    TextBlock,
)
from deckgen.narrative.claims import Fig
from deckgen.narrative.common import Counted, Sheet, Unit, source
from deckgen.narrative.outline import Built, Dropped, DropReason
from deckgen.narrative.prospects import (
    ProfileNotes,
    Reasons,
    TablePage,
    Trait,
    tell_pipeline,
    tell_top_prospects,
    tell_trait,
)
from deckgen.narrative.signal import distinct, thin
from deckgen.slides.blocks import cell, sourced, table_pages
from deckgen.slides.context import SlideContext

TOP_TRAITS = 5
# A trait is worth a line on the card when it lifts the odds by this much (it shows as 1.1x).
MIN_CARD_LIFT = 1.05
_GEOGRAPHIC = frozenset({"country", "region", "city"})


def _prospects(ctx: SlideContext) -> ProspectsResult | None:
    return ctx.metrics.prospects


def _no_leads(ctx: SlideContext) -> Built:
    return Built(dropped=(Dropped(ctx.kind, DropReason.NO_SHEET, sheet=Sheet.LEADS),))


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


def build_prospect_profile(ctx: SlideContext) -> Built:
    """The pipeline's KPIs, the ideal prospect and how the best customers differ."""
    prospects = _prospects(ctx)
    if prospects is None:
        return _no_leads(ctx)
    traits = _card_traits(prospects)
    shown_n = prospects.base_rate is not None and thin(prospects.history_leads)
    rate_label = ctx.say("base_rate_label", Counted(prospects.history_leads if shown_n else None))
    kpis = KpiStrip(
        (
            Kpi(
                ctx.label("prospects", "pipeline_value"),
                ctx.fmt(prospects.pipeline_value, "money"),
                key="pipeline_value",
            ),
            Kpi(
                ctx.label("prospects", "open_leads"),
                ctx.fmt(prospects.open_leads, "count"),
                key="open_leads",
            ),
            Kpi(
                ctx.label("prospects", "expected_customers"),
                ctx.fmt(round(prospects.expected_customers), "count"),
                key="expected_customers",
            ),
            Kpi(rate_label, ctx.fmt(prospects.base_rate, "percent"), key="base_rate"),
        ),
        area="top",
    )
    blocks: list[KpiStrip | TextBlock | ChartSpec] = [kpis]
    if traits:
        card = tuple(Paragraph(ctx.say("trait", tell_trait(t))) for t in traits)
        blocks.append(
            TextBlock(
                card,
                area="left_bottom",
                style="callout",
                title=ctx.label("prospects", "profile_card"),
            )
        )
        chart = ChartSpec(
            kind="bar",
            title=ctx.label("prospects", "profile_chart"),
            categories=tuple(
                ctx.say("trait_label", Trait(t.attribute, t.value, t.lift)) for t in traits
            ),
            series=(
                Series(
                    ctx.label("prospects", "share_of_best"),
                    tuple(t.share_of_best for t in traits),
                    "percent",
                ),
                Series(
                    ctx.label("prospects", "share_of_all"),
                    tuple(t.share_of_all for t in traits),
                    "percent",
                ),
            ),
            area="right_bottom",
        )
        best = source(
            (Sheet.CUSTOMERS, Sheet.ORDERS),
            ctx.period,
            ctx.period,
            prospects.best_customers,
            Unit.CUSTOMERS,
            Fig("prospects.best_customers"),
        )
        blocks.append(sourced(ctx, chart, best))
    notes = ProfileNotes(
        ctx.period,
        prospects.open_leads,
        prospects.history_leads,
        prospects.base_rate,
        tuple(ctx.label("segments", s) for s in prospects.best_segments),
        prospects.best_customers,
    )
    finding = ctx.say("headline", tell_pipeline(prospects, ctx.period))
    return Built((ctx.slide(tuple(blocks), finding=finding, notes=notes),))


def build_top_prospects(ctx: SlideContext) -> Built:
    """The open leads with the highest expected value, over as many slides as they need;
    dropped when there is nothing to rank them by."""
    prospects = _prospects(ctx)
    if prospects is None:
        return _no_leads(ctx)
    top = prospects.top
    if not prospects.open_leads:
        return Built(dropped=(Dropped(ctx.kind, DropReason.NO_OPEN_LEADS),))
    if not top:
        return Built(dropped=(Dropped(ctx.kind, DropReason.NO_CLOSED_LEADS),))
    if distinct([p.expected_value for p in top]) < 2:
        return Built(dropped=(Dropped(ctx.kind, DropReason.NO_RANKING),))
    spec = TableSpec(
        columns=(
            TableColumn(ctx.label("prospects", "rank"), "end", width=0.35),
            TableColumn(ctx.label("prospects", "prospect"), width=1.3),
            TableColumn(ctx.label("prospects", "channel"), width=1.0),
            TableColumn(ctx.label("prospects", "days_open"), "end", width=0.7),
            TableColumn(ctx.label("prospects", "probability"), "end", width=0.8),
            TableColumn(ctx.label("prospects", "first_year_value"), "end", width=0.9),
            TableColumn(ctx.label("prospects", "expected_value"), "end", width=0.9),
            TableColumn(ctx.label("prospects", "reasons"), width=2.6),
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
                Cell(
                    ctx.say(
                        "reasons",
                        Reasons(tuple(Trait(r.attribute, r.value, r.lift) for r in p.reasons)),
                    )
                ),
            )
            for rank, p in enumerate(top, start=1)
        ),
    )
    pages = table_pages(spec)
    slides = []
    first = 1
    for number, page in enumerate(pages, start=1):
        last = first + len(page.rows) - 1
        finding = ctx.say("headline", tell_top_prospects(prospects, first, last))
        paging = TablePage(number, len(pages))
        slides.append(ctx.slide((page,), finding=finding, notes=paging, topic=paging))
        first = last + 1
    return Built(tuple(slides))
