"""The executive summary: headline figures and the month's top findings, one sentence each."""

from __future__ import annotations

from deckgen.metrics.common import Change
from deckgen.metrics.findings import StageHealth
from deckgen.model import Kpi, KpiStrip, Paragraph, Slide, TextBlock, ValueKind
from deckgen.slides.blocks import change_kpi
from deckgen.slides.context import SlideContext
from deckgen.slides.diagnostics import playbook_entry

KIND = "summary"
ANCHORS = ("findings", "finding-weight", "change", "repeat-rate-12m", "nps")
TOP_FINDINGS = 5


def build_summary_slides(ctx: SlideContext) -> tuple[Slide, ...]:
    """The summary slide: KPIs, the top findings and the first move (other findings: notes)."""
    m = ctx.metrics
    shown, rest = m.findings[:TOP_FINDINGS], m.findings[TOP_FINDINGS:]
    blocks: list[KpiStrip | TextBlock] = [KpiStrip(_kpis(ctx), area="top")]
    weakest = _weakest(ctx)
    sentences = tuple(Paragraph(ctx.text(KIND, "finding", f=f)) for f in shown)
    if weakest is not None and weakest.status == "weak":
        strategy = playbook_entry(ctx, weakest.stage)["strategies"][0]
        step = ctx.text(KIND, "next_step", weakest=weakest, strategy=strategy)
        sentences += (Paragraph(step, bold=True),)
    if sentences:
        blocks.append(
            TextBlock(sentences, area="bottom", style="bullets", title=ctx.label(KIND, "findings"))
        )
    more = [ctx.text(KIND, "finding", f=f) for f in rest]
    return (
        Slide(
            kind=KIND,
            title=ctx.text(KIND, "title"),
            headline=ctx.text(KIND, "headline", weakest=weakest),
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
    figures: list[tuple[str, Change | None, ValueKind]] = [
        ("revenue", m.segmentation.revenue, "money"),
        ("active_customers", m.loyalty.active, "count"),
        ("new_customers", m.loyalty.new, "count"),
    ]
    if m.loyalty.repeat_rate_12m is not None:
        figures.append(("repeat_rate_12m", m.loyalty.repeat_rate_12m, "percent"))
    if m.satisfaction is not None and m.satisfaction.nps_change is not None:
        figures.append(("nps", m.satisfaction.nps_change, "score"))
    return tuple(
        change_kpi(ctx, KIND, ctx.label(KIND, name), change, kind) for name, change, kind in figures
    )
