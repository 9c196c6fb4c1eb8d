"""The appendix: data notes (quality warnings, slides left out) and the definitions used."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from deckgen.errors import Problem, problem_count
from deckgen.model import Cell, Paragraph, Slide, TableColumn, TableSpec, TextBlock
from deckgen.slides.blocks import cell, table_pages
from deckgen.slides.context import SlideContext

KIND = "appendix"
ANCHORS = ("period", "change")
# The definitions each slide kind relies on (docs/metrics.md anchors), in deck order. The
# appendix defines those of the slides the deck shows.
GLOSSARY: dict[str, tuple[str, ...]] = {
    "title": ("period", "trailing-12-months", "change"),
    "summary": ("findings", "finding-weight"),
    "segmentation": (
        "customer-base",
        "segment-figures",
        "age-band",
        "interest-figures",
        "rfm-values",
        "rfm-scores",
        "rfm-segments",
    ),
    "prospects": ("lead-status", "prospect-score", "first-year-value", "ideal-prospect"),
    "funnel": (
        "lifecycle-funnel",
        "funnel-reach",
        "funnel-acquisition",
        "funnel-conversion",
        "funnel-retention",
        "funnel-loyalty",
        "stage-conversion",
        "time-to-convert",
        "funnel-leak",
    ),
    "channels": (
        "acquisition-channel",
        "acquisition-channels",
        "channel-revenue-90d",
        "channel-rank",
    ),
    "loyalty": (
        "lifecycle-counts",
        "loyal-customers",
        "churn-days",
        "at-risk",
        "churned",
        "churn-rate",
        "repeat-purchase-rate",
        "cohort-retention",
        "club-members",
        "club-active-members",
        "club-joins",
        "club-tiers",
        "club-points",
        "club-offers",
        "referrals",
        "historical-clv",
    ),
    "feedback": (
        "feedback-received",
        "feedback-resolved",
        "feedback-open",
        "resolution-rate",
        "time-to-resolve",
        "open-items",
    ),
    "satisfaction": (
        "survey-answers",
        "nps",
        "csat",
        "surveyed-customers",
        "satisfaction-quadrants",
        "satisfaction-correlation",
        "satisfaction-by-segment",
        "satisfaction-scatter",
    ),
    "diagnostics": ("stage-health",),
}
EXAMPLE_ROWS = 5  # row numbers quoted per data-quality note


@dataclass(frozen=True)
class DataNote:
    """Data-quality warnings of one kind: the same sheet, column and expectation."""

    sheet: str
    column: str | None
    expected: str  # the English detail (errors.Problem.expected)
    rule: str  # the check that found them (errors.Problem.rule); "" when not given
    count: int  # warnings of this kind
    rows: tuple[int, ...]  # the first EXAMPLE_ROWS row numbers, ascending
    whole_sheet: bool  # some warnings concern the whole sheet or column, not a row


def summarise_warnings(warnings: tuple[Problem, ...]) -> tuple[DataNote, ...]:
    """Warnings grouped by sheet, column and expectation; most frequent first."""
    groups: dict[tuple[str, str, str, str], list[Problem]] = {}
    for problem in warnings:
        key = (problem.sheet, problem.column or "", problem.expectation, problem.rule)
        groups.setdefault(key, []).append(problem)
    notes = [
        DataNote(
            sheet=sheet,
            column=column or None,
            expected=expected,
            rule=rule,
            count=problem_count(tuple(problems)),
            rows=tuple(sorted({p.row for p in problems if p.row is not None}))[:EXAMPLE_ROWS],
            whole_sheet=any(p.row is None for p in problems),
        )
        for (sheet, column, expected, rule), problems in groups.items()
    ]
    return tuple(sorted(notes, key=lambda n: (-n.count, n.sheet, n.column or "", n.expected)))


def build_appendix_slides(
    ctx: SlideContext, skipped: tuple[str, ...], warnings: tuple[Problem, ...]
) -> tuple[Slide, ...]:
    """The data-notes slide(s), then the definitions over as many slides as they need."""
    return (*_data_slides(ctx, skipped, warnings), *_definition_slides(ctx, skipped))


def _data_slides(
    ctx: SlideContext, skipped: tuple[str, ...], warnings: tuple[Problem, ...]
) -> list[Slide]:
    notes = summarise_warnings(warnings)
    sheets: Counter[str] = Counter()
    for problem in warnings:
        sheets[problem.sheet] += problem.count
    count = problem_count(warnings)  # rows, as validate, the terminal and the manifest count
    variables = {"skipped": skipped, "notes": notes, "warnings": count, "sheets": sheets}
    side = TextBlock(
        tuple(
            Paragraph(line) for line in ctx.text(KIND, "coverage", **variables).split("\n") if line
        ),
        area="right",
        style="bullets",
        title=ctx.label(KIND, "coverage"),
    )
    if not notes:
        quality = [
            TextBlock(
                (Paragraph(ctx.text(KIND, "no_warnings")),),
                area="left",
                style="body",
                title=ctx.label(KIND, "quality"),
            )
        ]
    else:
        table = TableSpec(
            columns=(
                TableColumn(ctx.label(KIND, "sheet"), width=0.8),
                TableColumn(ctx.label(KIND, "column"), width=0.8),
                TableColumn(ctx.label(KIND, "expected"), width=1.8),
                TableColumn(ctx.label(KIND, "count"), "end", width=0.6),
                TableColumn(ctx.label(KIND, "rows"), width=1.0),
            ),
            rows=tuple(
                (
                    Cell(n.sheet),
                    Cell(n.column or ctx.label(KIND, "whole_sheet")),
                    Cell(ctx.text(KIND, "expected_text", note=n)),
                    cell(ctx, n.count, "count"),
                    Cell(ctx.text(KIND, "rows_text", note=n)),
                )
                for n in notes
            ),
            area="left",
            title=ctx.label(KIND, "quality"),
            font_size=10,
        )
        quality = table_pages(table)
    return [
        Slide(
            kind=KIND,
            title=ctx.text(KIND, "data_title", page=number),
            headline=ctx.text(KIND, "data_headline", **variables),
            blocks=(page, side) if number == 1 else (page,),
            notes=ctx.notes(KIND, ANCHORS, part="data", **variables),
        )
        for number, page in enumerate(quality, start=1)
    ]


def glossary_anchors(shown_kinds: tuple[str, ...]) -> tuple[str, ...]:
    """The anchors defined in the appendix for a deck showing `shown_kinds`, deck order, once each."""
    seen: dict[str, None] = {}
    for kind, anchors in GLOSSARY.items():
        if kind in shown_kinds:
            seen.update(dict.fromkeys(anchors))
    return tuple(seen)


def _definition_slides(ctx: SlideContext, skipped: tuple[str, ...]) -> list[Slide]:
    shown = tuple(kind for kind in GLOSSARY if kind not in skipped)
    definitions = [ctx.definitions[anchor] for anchor in glossary_anchors(shown)]
    table = TableSpec(
        columns=(
            TableColumn(ctx.label(KIND, "term"), width=0.8),
            TableColumn(ctx.label(KIND, "definition"), width=4.2),
        ),
        rows=tuple((Cell(d.title), Cell(d.text.replace("\n", " "))) for d in definitions),
        font_size=9,
    )
    pages = table_pages(table)
    return [
        Slide(
            kind=KIND,
            title=ctx.text(KIND, "definitions_title", page=number),
            headline=ctx.text(KIND, "definitions_headline", count=len(definitions)),
            blocks=(page,),
            notes=ctx.notes(KIND, (), part="definitions"),
        )
        for number, page in enumerate(pages, start=1)
    ]
