"""The executive summary: headline figures and the month's top findings, one sentence each."""

from __future__ import annotations

from deckgen.metrics.findings import StageHealth
from deckgen.model import Kpi, KpiStrip, Paragraph, Slide, TextBlock
from deckgen.slides.blocks import change_kpi
from deckgen.slides.context import SlideContext

KIND = "summary"
ANCHORS = ("findings", "finding-weight", "change", "repeat-purchase-rate", "nps")
TOP_FINDINGS = 5


def build_summary_slides(ctx: SlideContext) -> tuple[Slide, ...]:
    """The summary slide: a KPI strip and the top findings (the rest go to the notes)."""
    m = ctx.metrics
    shown, rest = m.findings[:TOP_FINDINGS], m.findings[TOP_FINDINGS:]
    blocks: list[KpiStrip | TextBlock] = [KpiStrip(_kpis(ctx), area="top")]
    if shown:
        sentences = tuple(Paragraph(ctx.text(KIND, "finding", f=f)) for f in shown)
        blocks.append(
            TextBlock(
                sentences, area="bottom", style="bullets", title=ctx.label(KIND, "findings")
            )
        )
    more = [ctx.text(KIND, "finding", f=f) for f in rest]
    return (
        Slide(
            kind=KIND,
            title=ctx.text(KIND, "title"),
            headline=ctx.text(KIND, "headline", weakest=_weakest(ctx)),
            blocks=tuple(blocks),
            notes=ctx.notes(KIND, ANCHORS, shown=len(shown), more=more),
        ),
    )


def _weakest(ctx: SlideContext) -> StageHealth | None:
    diagnostics = ctx.metrics.diagnostics
    return next((s for s in diagnostics.stages if s.stage == diagnostics.weakest), None)


def _kpis(ctx: SlideContext) -> tuple[Kpi, ...]:
    """Revenue, active and new customers, repeat rate and NPS, each with its change."""
    m = ctx.metrics

    def kpi(name: str, change, kind, good_when_up: bool = True) -> Kpi:  # type: ignore[no-untyped-def]
        return change_kpi(ctx, KIND, ctx.label(KIND, name), change, kind, good_when_up=good_when_up)

    kpis = [
        kpi("revenue", m.segmentation.revenue, "money"),
        kpi("active_customers", m.loyalty.active, "count"),
        kpi("new_customers", m.loyalty.new, "count"),
    ]
    if m.loyalty.repeat_rate is not None:
        kpis.append(kpi("repeat_rate", m.loyalty.repeat_rate, "percent"))
    if m.satisfaction is not None and m.satisfaction.nps_change is not None:
        kpis.append(kpi("nps", m.satisfaction.nps_change, "score"))
    return tuple(kpis)
