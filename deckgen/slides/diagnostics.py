"""Stage diagnostics: each funnel stage against its norm, and the playbook for the weakest."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deckgen.errors import TemplateError
from deckgen.metrics.findings import StageHealth
from deckgen.model import (
    Area,
    Cell,
    ChartSpec,
    Paragraph,
    Series,
    Slide,
    TableColumn,
    TableSpec,
    TextBlock,
)
from deckgen.slides.blocks import cell
from deckgen.slides.context import SlideContext

KIND = "diagnostics"
ANCHORS = ("stage-health", "stage-conversion", "funnel-leak")
# Bullets per list on the slide; the notes carry the whole playbook entry.
SHOWN = 3


def build_diagnostics_slides(ctx: SlideContext) -> tuple[Slide, ...]:
    """The diagnostics slide; () when no stage has a conversion to judge."""
    diagnostics = ctx.metrics.diagnostics
    rated = tuple(s for s in diagnostics.stages if s.conversion is not None)
    if not rated or diagnostics.weakest is None:
        return ()
    weakest = next(s for s in diagnostics.stages if s.stage == diagnostics.weakest)
    entry = playbook_entry(ctx, weakest.stage)
    questions, strategies = entry["questions"], entry["strategies"]
    indexed = tuple(s for s in rated if s.index is not None)
    blocks: list[TableSpec | ChartSpec | TextBlock] = [
        _table(ctx, rated, "left_top" if indexed else "left")
    ]
    if indexed:
        blocks.append(_index_chart(ctx, indexed, weakest))
    blocks += [
        TextBlock(
            tuple(Paragraph(q) for q in questions[:SHOWN]),
            area="right_top",
            style="bullets",
            title=ctx.text(KIND, "questions_title", weakest=weakest),
        ),
        TextBlock(
            tuple(Paragraph(s) for s in strategies[:SHOWN]),
            area="right_bottom",
            style="bullets",
            title=ctx.text(KIND, "strategies_title", weakest=weakest),
        ),
    ]
    variables = {"weakest": weakest, "entry": entry, "stages": rated}
    return (
        Slide(
            kind=KIND,
            title=ctx.text(KIND, "title"),
            headline=ctx.text(KIND, "headline", **variables),
            blocks=tuple(blocks),
            notes=ctx.notes(KIND, ANCHORS, **variables),
        ),
    )


def playbook_entry(ctx: SlideContext, stage: str) -> Mapping[str, Any]:
    """The playbook's entry for `stage`; TemplateError naming what is missing."""
    entry = ctx.playbook.get(stage)
    if not isinstance(entry, Mapping):
        raise TemplateError(f"{ctx.lang}/playbook.toml has no [{stage}] table")
    for key in ("questions", "strategies"):
        items = entry.get(key)
        if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
            raise TemplateError(
                f"{ctx.lang}/playbook.toml [{stage}]: {key} must be a non-empty list of strings"
            )
    return entry


def _table(ctx: SlideContext, stages: tuple[StageHealth, ...], area: Area) -> TableSpec:
    """Stage, this month's conversion, its norm, the index and the status."""
    return TableSpec(
        columns=(
            TableColumn(ctx.label(KIND, "stage"), width=1.2),
            TableColumn(ctx.label(KIND, "conversion"), "end"),
            TableColumn(ctx.label(KIND, "benchmark"), "end"),
            TableColumn(ctx.label(KIND, "index"), "end"),
            TableColumn(ctx.label(KIND, "status"), width=0.9),
        ),
        rows=tuple(
            (
                Cell(ctx.label("stages", s.stage)),
                Cell(ctx.text(KIND, "rate", r=s.conversion), s.conversion),
                Cell(ctx.text(KIND, "rate", r=s.benchmark), s.benchmark),
                cell(ctx, s.index, "percent"),
                Cell(ctx.label("health", s.status)),
            )
            for s in stages
        ),
        area=area,
        title=ctx.label(KIND, "table"),
    )


def _index_chart(
    ctx: SlideContext, stages: tuple[StageHealth, ...], weakest: StageHealth
) -> ChartSpec:
    """Each stage's conversion as a share of its norm; the weakest stage highlighted."""
    return ChartSpec(
        kind="column",
        title=ctx.label(KIND, "chart"),
        categories=tuple(ctx.label("stages", s.stage) for s in stages),
        series=(Series(ctx.label(KIND, "index"), tuple(s.index for s in stages), "percent"),),
        area="left_bottom",
        legend=False,
        highlight=stages.index(weakest) if weakest in stages else None,
    )
