"""Appendix records: data-quality notes, what the deck left out, and the glossary."""

from __future__ import annotations

from dataclasses import dataclass

from deckgen.errors import Problem, problem_count

EXAMPLE_ROWS = 5  # row numbers quoted per data-quality note


@dataclass(frozen=True)
class DataNote:
    """Data-quality warnings of one kind: the same sheet, column and expectation."""

    sheet: str
    column: str | None
    expected: str  # the English detail (errors.Problem.expected)
    rule: str  # the check that found them (errors.Problem.rule); "" when not given
    count: int  # rows warned of this kind (a rule's summary line counts its rows)
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


@dataclass(frozen=True)
class NoteCell:
    """A data note as its table cells word it: the note, and its check's term if it has one."""

    note: DataNote
    rule_label: str | None  # labels.toml [data_rules] term of the note's check


@dataclass(frozen=True)
class DataNotesHeadline:
    """How many warnings of how many kinds, and how many slides were left out."""

    warnings: int  # rows warned, as validate, the terminal and the manifest count
    kinds: int
    dropped: int  # slides left out


@dataclass(frozen=True)
class DroppedLine:
    """One line of the appendix: what was left out and why (an outline.Dropped, named)."""

    name: str  # the slide's name in the deck's language
    reason: str  # a DropReason
    sheet: str | None
    column: str | None
    n: int | None
    minimum: int | None
    refusal: str | None  # with model_refused: the ClvRefusal


@dataclass(frozen=True)
class DataNotesNotes:
    """What the data-notes notes explain."""

    sheets: tuple[tuple[str, int], ...]  # warnings per sheet, by sheet name


@dataclass(frozen=True)
class GlossaryEntry:
    """A measure in plain words (templates/<lang>/glossary.toml)."""

    term: str
    text: str


@dataclass(frozen=True)
class DefinitionsPage:
    """A page of the glossary."""

    page: int
    pages: int
    measures: int  # measures defined over all pages
