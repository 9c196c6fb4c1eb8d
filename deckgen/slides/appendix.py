"""The appendix: a glossary of the measures the deck shows, and data notes when there are any."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from deckgen import formats
from deckgen.errors import TemplateError, problem_count
from deckgen.model import Block, Cell, Paragraph, TableColumn, TableSpec, TextBlock
from deckgen.narrative.appendix import (
    DataNotesHeadline,
    DataNotesNotes,
    DefinitionsPage,
    DroppedLine,
    GlossaryEntry,
    NoteCell,
    summarise_warnings,
)
from deckgen.narrative.outline import Built, Dropped, Outline
from deckgen.slides.blocks import cell, table_pages
from deckgen.slides.context import SlideContext

MAX_DEFINITION_SLIDES = 2  # the glossary's promise: a reader's page or two, not a manual


def _outline(ctx: SlideContext) -> Outline:
    assert ctx.outline is not None, "the appendix is built after the body (Phase.CLOSING)"
    return ctx.outline


def _dropped_line(ctx: SlideContext, dropped: Dropped) -> DroppedLine:
    name = ctx.label("slide_kinds", dropped.kind)
    ctx.note_claims(dropped.claims)
    return DroppedLine(
        name,
        dropped.reason,
        dropped.sheet,
        dropped.column,
        dropped.n,
        dropped.minimum,
        dropped.refusal,
    )


def build_data_notes(ctx: SlideContext) -> Built:
    """The data-quality warnings and what the deck left out; no slide when there are neither."""
    outline = _outline(ctx)
    notes = summarise_warnings(outline.warnings)
    dropped = outline.dropped
    if not notes and not dropped:
        return Built()
    rules = ctx.labels.get("data_rules", {})
    blocks: list[Block] = []
    pages: list[TableSpec] = []
    if notes:
        table = TableSpec(
            columns=(
                TableColumn(ctx.label("appendix", "sheet"), width=0.8),
                TableColumn(ctx.label("appendix", "column"), width=0.8),
                TableColumn(ctx.label("appendix", "expected"), width=1.8),
                TableColumn(ctx.label("appendix", "count"), "end", width=0.6),
                TableColumn(ctx.label("appendix", "rows"), width=1.0),
            ),
            rows=tuple(
                (
                    Cell(n.sheet),
                    Cell(n.column or ctx.label("appendix", "whole_sheet")),
                    Cell(ctx.say("expected_text", NoteCell(n, rules.get(n.rule)))),
                    cell(ctx, n.count, "count"),
                    Cell(ctx.say("rows_text", NoteCell(n, rules.get(n.rule)))),
                )
                for n in notes
            ),
            area="left" if dropped else "full",
            title=ctx.label("appendix", "quality"),
            font_size=10,
        )
        pages = table_pages(table)
    if dropped:
        lines = tuple(Paragraph(ctx.say("dropped", _dropped_line(ctx, d))) for d in dropped)
        blocks.append(
            TextBlock(
                lines,
                area="right" if notes else "full",
                style="bullets",
                title=ctx.label("appendix", "left_out"),
            )
        )
    # Rows, as validate, the terminal and the manifest count them.
    headline = DataNotesHeadline(problem_count(outline.warnings), len(notes), len(dropped))
    per_sheet: Counter[str] = Counter()
    for problem in outline.warnings:
        per_sheet[problem.sheet] += problem.count
    sheets = tuple(sorted(per_sheet.items()))
    finding = ctx.say("headline", headline)
    first = (pages[0], *blocks) if pages else tuple(blocks)
    slides = [ctx.slide(first, finding=finding, notes=DataNotesNotes(sheets))]
    slides += [
        ctx.slide((page,), finding=finding, notes=DataNotesNotes(sheets)) for page in pages[1:]
    ]
    return Built(tuple(slides))


def glossary(ctx: SlideContext, anchors: tuple[str, ...]) -> tuple[GlossaryEntry, ...]:
    """The plain-language entries of templates/<lang>/glossary.toml for `anchors`, in order;
    anchors without an entry are left out (their full definition stays in the notes). An entry
    may word itself for a funnel that starts at a later stage (`from_conversion = "..."`)."""
    entries = ctx.wording.data("glossary.toml")
    counted = [s.stage for s in ctx.metrics.funnel.steps if s.count is not None]
    variant = f"from_{counted[0]}" if counted else None
    found = []
    for anchor in anchors:
        entry = entries.get(anchor)
        if entry is None:
            continue
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) for k in ("term", "text")
        ):
            raise TemplateError(f"{ctx.lang}/glossary.toml [{anchor}] needs a term and a text")
        text = entry.get(variant, entry["text"]) if variant else entry["text"]
        if not isinstance(text, str):
            raise TemplateError(f"{ctx.lang}/glossary.toml [{anchor}] {variant} must be a text")
        found.append(
            GlossaryEntry(
                formats.localise_digits(entry["term"], ctx.lang, ctx.wording.digits),
                formats.localise_digits(text, ctx.lang, ctx.wording.digits),
            )
        )
    return tuple(found)


def build_definitions(ctx: SlideContext) -> Built:
    """The measures the deck shows, in plain words, two tables a slide; the full definitions
    of each slide's measures are in its speaker notes."""
    outline = _outline(ctx)
    anchors = tuple(dict.fromkeys((*ctx.cites, *outline.cites)))
    entries = glossary(ctx, anchors)
    if not entries:
        return Built()
    table = TableSpec(
        columns=(
            TableColumn(ctx.label("appendix", "term"), width=1.1),
            TableColumn(ctx.label("appendix", "definition"), width=2.5),
        ),
        rows=tuple((Cell(e.term), Cell(e.text)) for e in entries),
        area="left",
        font_size=11,
    )
    halves = table_pages(table)
    pairs = [halves[k : k + 2] for k in range(0, len(halves), 2)]
    slides = []
    for number, pair in enumerate(pairs, start=1):
        blocks = tuple(
            replace(half, area=area) for half, area in zip(pair, ("left", "right"), strict=False)
        )
        page = DefinitionsPage(number, len(pairs), len(entries))
        slides.append(
            ctx.slide(
                blocks, finding=None, notes=page, topic=page, cites=anchors if number == 1 else ()
            )
        )
    return Built(tuple(slides))
