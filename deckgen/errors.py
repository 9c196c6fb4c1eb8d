"""The one exception tree of deckgen; the CLI maps it to exit codes."""

from __future__ import annotations

import re
from dataclasses import dataclass

_MORE_ROWS = re.compile(r" \([\d,]+ more rows like this\)$")


class DeckgenError(Exception):
    """Base of every error deckgen raises on purpose (a user error, not a bug)."""

    exit_code = 2


class InputError(DeckgenError):
    """The input path, file or database cannot be read as client data."""


class ConfigError(DeckgenError):
    """A deckgen.toml or run config is invalid."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as the user sees it."""

    sheet: str
    row: (
        int | None
    )  # spreadsheet row number as the user sees it (header is row 1); None = whole sheet
    column: str | None
    value: str | None
    expected: str
    severity: str = "error"  # "error" | "warning"
    # The check that found it (missing_sheet, duplicate_id, ...), so a deck can word it in its
    # own language; `expected` is the English detail for the terminal.
    rule: str = ""
    count: int = 1  # rows it stands for: N for the "N more rows like this" line of a rule

    @property
    def expectation(self) -> str:
        """`expected` without the count of further rows that a rule's summary line adds."""
        return _MORE_ROWS.sub("", self.expected)

    def __str__(self) -> str:
        where = [f"sheet '{self.sheet}'"]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        got = f": got {self.value!r}" if self.value is not None else ""
        return f"{', '.join(where)}{got}; expected {self.expected}"


class ValidationError(DeckgenError):
    """The data has one or more errors; carries every problem found."""

    def __init__(self, problems: list[Problem], limit: int = 20) -> None:
        self.problems = problems
        shown = sample_lines(tuple(problems), limit)
        super().__init__(
            f"{problem_count(tuple(problems)):,} problem(s) in the data:\n" + "\n".join(shown)
        )


class TemplateError(DeckgenError):
    """A wording template or a brand .pptx template cannot be used."""


class RenderError(DeckgenError):
    """The deck cannot be written (output path, disk, ...)."""


def describe_undecodable(path: object, exc: UnicodeDecodeError) -> str:
    """One sentence on a text file that is not UTF-8: the file, the line and the byte."""
    line = exc.object[: exc.start].count(b"\n") + 1
    return (
        f"{path}, line {line}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); "
        "save the file as UTF-8"
    )


def problem_count(problems: tuple[Problem, ...]) -> int:
    """The rows and sheets the problems concern (a rule's summary line counts its rows)."""
    return sum(p.count for p in problems)


def sample_lines(problems: tuple[Problem, ...], limit: int) -> list[str]:
    """Report lines for `problems`: a few examples of every sheet and column (about `limit` in
    all), each group followed by how many more it has, so no kind of problem is hidden."""
    groups: dict[tuple[str, str | None], list[Problem]] = {}
    for problem in problems:
        groups.setdefault((problem.sheet, problem.column), []).append(problem)
    each = max(1, limit // len(groups))
    lines = []
    for (sheet, column), group in groups.items():
        listed = [p for p in group if p.count == 1][:each]
        # A rule with no row listed still shows its summary line (count > 1): it is the only
        # one saying what is wrong with those rows.
        shown = {p.rule for p in listed}
        listed += [p for p in group if p.count > 1 and p.rule not in shown]
        lines += [f"  - {p}" for p in listed]
        hidden = sum(p.count for p in group) - sum(p.count for p in listed)
        if hidden:
            where = f"sheet '{sheet}'" + (f", column '{column}'" if column else "")
            lines.append(f"    ... and {hidden:,} more in {where}")
    return lines
