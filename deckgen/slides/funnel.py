"""The customer lifecycle funnel: five stages, their conversion, and the biggest leak."""

from __future__ import annotations

from deckgen.metrics.funnel import FunnelResult, FunnelStep
from deckgen.model import FunnelSpec, FunnelStage, Kpi, KpiStrip, Slide, TextBlock
from deckgen.period import Period
from deckgen.slides.blocks import change_kpi, paragraphs, tone
from deckgen.slides.context import SlideContext

KIND = "funnel"
ANCHORS = (
    "lifecycle-funnel",
    "funnel-groups",
    "funnel-reach",
    "funnel-acquisition",
    "funnel-conversion",
    "funnel-retention",
    "funnel-loyalty",
    "stage-conversion",
    "funnel-leak",
    "time-to-convert",
)


def build_funnel_slides(ctx: SlideContext) -> tuple[Slide, ...]:
    """The funnel slide; () when fewer than two stages have data."""
    funnel = ctx.metrics.funnel
    steps = tuple(step for step in funnel.steps if step.count is not None)
    if len(steps) < 2:
        return ()
    leak = next((s for s in steps if s.stage == funnel.biggest_leak), None)
    spec = FunnelSpec(
        stages=tuple(_stage(ctx, step, funnel.cohort) for step in steps),
        area="left",
        highlight=steps.index(leak) if leak is not None else None,
    )
    variables = {"leak": leak, "funnel": funnel}
    blocks: list[FunnelSpec | KpiStrip | TextBlock] = [
        spec,
        KpiStrip(_kpis(ctx, funnel, leak), area="right_top"),
    ]
    side = ctx.text(KIND, "side", **variables)
    if side:
        blocks.append(
            TextBlock(
                paragraphs(side),
                area="right_bottom",
                style="bullets",
                title=ctx.label(KIND, "side"),
            )
        )
    return (
        Slide(
            kind=KIND,
            title=ctx.text(KIND, "title"),
            headline=ctx.text(KIND, "headline", **variables),
            blocks=tuple(blocks),
            notes=ctx.notes(KIND, ANCHORS, **variables),
        ),
    )


def _stage(ctx: SlideContext, step: FunnelStep, cohort: Period) -> FunnelStage:
    assert step.count is not None  # only stages with data are drawn
    conversion = step.conversion.current if step.conversion is not None else None
    return FunnelStage(
        label=ctx.label("stages", step.stage),
        value=step.count.current,
        value_text=ctx.fmt(step.count.current, "count"),
        conversion_text=(
            ctx.text(KIND, "conversion_text", stage=step.stage, rate=conversion, cohort=cohort)
            if conversion is not None
            else None
        ),
    )


def _kpis(ctx: SlideContext, funnel: FunnelResult, leak: FunnelStep | None) -> tuple[Kpi, ...]:
    """The leak against its norm, the month's new customers and the days from lead to order."""
    kpis = []
    if leak is not None and leak.conversion is not None:
        kpis.append(
            Kpi(
                ctx.label(KIND, "leak"),
                ctx.label("stages", leak.stage),
                ctx.text(KIND, "leak_delta", leak=leak),
                "bad" if leak.benchmark and leak.conversion.current < leak.benchmark else "neutral",
            )
        )
    new = next((s for s in funnel.steps if s.stage == "conversion"), None)
    if new is not None and new.count is not None:
        kpis.append(change_kpi(ctx, KIND, ctx.label(KIND, "new_customers"), new.count, "count"))
    days = funnel.lead_to_customer_days
    if days is not None:
        delta = None if days.delta is None else ctx.text(KIND, "days_delta", change=days)
        kpis.append(
            Kpi(
                ctx.label(KIND, "days"),
                ctx.text(KIND, "days", days=days.current),
                delta,
                tone(days, good_when_up=False),
            )
        )
    return tuple(kpis)
