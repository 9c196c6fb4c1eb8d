"""Stage diagnostics: each funnel stage against its norm, and the playbook for the weakest."""

from __future__ import annotations

from deckgen.metrics.findings import StageHealth
from deckgen.metrics.funnel import STAGES
from deckgen.model import (
    Area,
    Cell,
    ChartSpec,
    Paragraph,
    Series,
    TableColumn,
    TableSpec,
    TextBlock,
)
from deckgen.narrative.common import Unit, source
from deckgen.narrative.funnel import (
    HealthRate,
    NormWindow,
    Playbook,
    funnel_step,
    norm_window,
    tell_diagnosis,
)
from deckgen.narrative.outline import Built, Dropped, DropReason
from deckgen.narrative.playbook import available, need_claims, playbook_entry
from deckgen.narrative.signal import rate
from deckgen.narrative.told import told
from deckgen.slides.blocks import cell, sourced
from deckgen.slides.context import SlideContext
from deckgen.slides.funnel import stage_sheets

# Bullets per list on the slide; the notes carry the whole playbook entry.
SHOWN = 3


def _counted_stages(rated: tuple[StageHealth, ...]) -> tuple[str, ...]:
    """The stages the rated conversions are counted from, in funnel order: each rated stage
    and the one before it (a conversion divides a stage's count by the previous stage's)."""
    counted: set[str] = set()
    for health in rated:
        index = STAGES.index(health.stage)
        counted.update(STAGES[max(index - 1, 0) : index + 1])
    return tuple(stage for stage in STAGES if stage in counted)


def build_diagnostics(ctx: SlideContext) -> Built:
    """The diagnostics slide; dropped when no stage has a 12-month norm to judge it by."""
    diagnostics = ctx.metrics.diagnostics
    judged = tuple(s for s in diagnostics.stages if s.conversion is not None)
    rated = tuple(s for s in judged if s.index is not None)
    if not rated:
        return Built(dropped=(Dropped(ctx.kind, DropReason.NO_NORM),))
    headline = tell_diagnosis(diagnostics, ctx.metrics.funnel)
    stage = headline.context.stage
    entry = playbook_entry(ctx.playbook, stage, available(ctx.metrics), ctx.lang)
    questions, strategies = entry.questions[:SHOWN], entry.strategies[:SHOWN]
    for advice in (*questions, *strategies):
        ctx.note_claims(need_claims(advice))
    playbook = Playbook(
        stage,
        entry.focus,
        tuple(a.text for a in entry.questions),
        tuple(a.text for a in entry.strategies),
        ctx.period,
    )
    blocks: list[TableSpec | ChartSpec | TextBlock] = [_table(ctx, judged, "left_top")]
    chart = _index_chart(ctx, rated, stage)
    # From the first month behind any norm shown: 12 back, fewer on a shorter history.
    back = max(funnel_step(ctx.metrics.funnel, s.stage).benchmark_months for s in rated)
    year = source(
        stage_sheets(_counted_stages(rated), ctx.metrics.funnel.loyalty_rule),
        ctx.period.shift(-back),
        ctx.period,
        None,
        Unit.CUSTOMERS,
        None,
    )
    blocks.append(sourced(ctx, chart, year))
    blocks += [
        TextBlock(
            tuple(Paragraph(q.text) for q in questions),
            area="right_top",
            style="bullets",
            title=ctx.say("questions_title", told(playbook)),
        ),
        TextBlock(
            tuple(Paragraph(s.text) for s in strategies),
            area="right_bottom",
            style="bullets",
            title=ctx.say("strategies_title", told(playbook)),
        ),
    ]
    finding = ctx.say("headline", headline)
    return Built((ctx.slide(tuple(blocks), finding=finding, notes=playbook),))


def _table(ctx: SlideContext, stages: tuple[StageHealth, ...], area: Area) -> TableSpec:
    """Stage, this month's conversion, its norm, the index and the status."""
    # "12-month norm" only when every norm rests on the 12 months before.
    short = "" if norm_window(ctx.metrics.funnel) == NormWindow.FULL else "_short"
    return TableSpec(
        columns=(
            TableColumn(ctx.label("diagnostics", "stage"), width=1.2),
            TableColumn(ctx.label("diagnostics", "conversion"), "end"),
            TableColumn(ctx.label("diagnostics", "benchmark" + short), "end"),
            TableColumn(ctx.label("diagnostics", "index"), "end"),
            TableColumn(ctx.label("diagnostics", "status"), width=0.9),
        ),
        rows=tuple(
            (
                Cell(ctx.label("stages", s.stage)),
                Cell(ctx.say("rate", HealthRate(rate(s.conversion))), s.conversion),
                Cell(
                    ctx.say("rate", HealthRate(rate(s.benchmark)))
                    if s.benchmark is not None
                    else ctx.fmt(None, "percent"),
                    s.benchmark,
                ),
                cell(ctx, s.index, "percent"),
                Cell(ctx.label("health", s.status)),
            )
            for s in stages
        ),
        row_keys=tuple(s.stage for s in stages),
        area=area,
        title=ctx.label("diagnostics", "table" + short),
    )


def _index_chart(ctx: SlideContext, stages: tuple[StageHealth, ...], focus: str) -> ChartSpec:
    """Each stage's conversion as a share of its norm; the stage to work on highlighted."""
    return ChartSpec(
        kind="column",
        title=ctx.label("diagnostics", "chart"),
        categories=tuple(ctx.label("stages", s.stage) for s in stages),
        series=(
            Series(ctx.label("diagnostics", "index"), tuple(s.index for s in stages), "percent"),
        ),
        area="left_bottom",
        legend=False,
        highlight=[s.stage for s in stages].index(focus),
    )
