"""The customer lifecycle funnel: five stages, their conversion, and where it leaks."""

from __future__ import annotations

from collections.abc import Iterable

from deckgen.metrics.funnel import FunnelGroup, FunnelResult, FunnelStep
from deckgen.model import FunnelSpec, FunnelStage, Kpi, KpiStrip, Paragraph, TextBlock
from deckgen.narrative.common import Sheet, Unit, source
from deckgen.narrative.funnel import (
    Days,
    StageRate,
    conversion_of,
    leak_step,
    tell_headline,
    tell_lead_time,
    tell_notes,
    tell_others,
    tell_shortfall,
    tell_unreached,
)
from deckgen.narrative.outline import Built, Dropped, DropReason
from deckgen.narrative.signal import rate
from deckgen.slides.blocks import change_kpi, sourced, tone
from deckgen.slides.context import SlideContext

# The sheets each stage is counted from (docs/metrics.md#lifecycle-funnel).
_STAGE_SHEETS = {
    "reach": Sheet.CHANNELS,
    "acquisition": Sheet.LEADS,
    "conversion": Sheet.ORDERS,
    "retention": Sheet.ORDERS,
}


def stage_sheets(stages: Iterable[str], loyalty_rule: str) -> tuple[Sheet, ...]:
    """The sheets `stages` are counted from, each once, in stage order (loyalty: the loyalty
    sheet under the club rule, else the orders)."""
    loyalty = Sheet.LOYALTY if loyalty_rule == "club" else Sheet.ORDERS
    return tuple(dict.fromkeys(_STAGE_SHEETS.get(stage, loyalty) for stage in stages))


def build_funnel(ctx: SlideContext) -> Built:
    """The funnel slide; dropped when fewer than two stages have data."""
    funnel = ctx.metrics.funnel
    steps = tuple(step for step in funnel.steps if step.count is not None)
    if len(steps) < 2:
        return Built(dropped=(Dropped(ctx.kind, DropReason.TOO_FEW_STAGES),))
    leak = leak_step(funnel)
    spec = FunnelSpec(
        stages=tuple(_stage(ctx, funnel, step) for step in steps),
        area="left",
        highlight=steps.index(leak) if leak is not None else None,
    )
    sheets = stage_sheets((s.stage for s in steps), funnel.loyalty_rule)
    # The cohort stages follow the customers acquired in the cohort month (#funnel-groups).
    cohort = any(s.group == FunnelGroup.COHORT for s in steps)
    first = funnel.cohort if cohort else ctx.period
    spec = sourced(
        ctx,
        spec,
        source(sheets, first, ctx.period, None, Unit.CUSTOMERS, None),
    )
    blocks: list[FunnelSpec | KpiStrip | TextBlock] = [
        spec,
        KpiStrip(_kpis(ctx, funnel, leak), area="right_top"),
    ]
    side = [
        ctx.say(block, said)
        for block, said in (
            ("shortfall", tell_shortfall(funnel)),
            ("others", tell_others(funnel)),
            ("lead_time", tell_lead_time(funnel)),
            ("unreached", tell_unreached(funnel)),
        )
        if said is not None
    ]
    side = [line for line in side if line]
    if side:
        blocks.append(
            TextBlock(
                tuple(Paragraph(line) for line in side),
                area="right_bottom",
                style="bullets",
                title=ctx.label("funnel", "side"),
            )
        )
    notes = tell_notes(funnel, ctx.period, ctx.settings.metrics.loyalty_min_orders)
    finding = ctx.say("headline", tell_headline(funnel))
    return Built((ctx.slide(tuple(blocks), finding=finding, notes=notes),))


def _stage(ctx: SlideContext, funnel: FunnelResult, step: FunnelStep) -> FunnelStage:
    assert step.count is not None  # only stages with data are drawn
    text = None
    if step.conversion is not None:
        text = ctx.say("conversion_text", StageRate(conversion_of(funnel, step)))
    return FunnelStage(
        label=ctx.label("stages", step.stage),
        value=step.count.current,
        value_text=ctx.fmt(step.count.current, "count"),
        conversion_text=text,
    )


def _kpis(ctx: SlideContext, funnel: FunnelResult, leak: FunnelStep | None) -> tuple[Kpi, ...]:
    """The leak against its norm, the month's new customers and the days from lead to order."""
    kpis = []
    if leak is not None:
        said = StageRate(conversion_of(funnel, leak), rate(leak.benchmark))
        kpis.append(
            Kpi(
                ctx.label("funnel", "leak"),
                ctx.label("stages", leak.stage),
                ctx.say("leak_delta", said),
                "bad",
                key="leak",
            )
        )
    new = next((s for s in funnel.steps if s.stage == "conversion"), None)
    if new is not None and new.count is not None:
        kpis.append(
            change_kpi(
                ctx, ctx.label("funnel", "new_customers"), new.count, "count", key="new_customers"
            )
        )
    days = funnel.lead_to_customer_days
    if days is not None:
        said = Days(
            days.current, float(days.current).is_integer(), days.delta, ctx.period.previous()
        )
        delta = None if days.delta is None else ctx.say("days_delta", said)
        kpis.append(
            Kpi(
                ctx.label("funnel", "days"),
                ctx.say("days", said),
                delta,
                tone(days, good_when_up=False),
                key="days",
            )
        )
    return tuple(kpis)
