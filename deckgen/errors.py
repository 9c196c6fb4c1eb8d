"""The one exception tree of deckgen; the CLI maps it to exit codes."""

from __future__ import annotations

from dataclasses import dataclass


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
        shown = [f"  - {p}" for p in problems[:limit]]
        more = len(problems) - limit
        if more > 0:
            shown.append(f"  ... and {more} more")
        super().__init__(f"{len(problems)} problem(s) in the data:\n" + "\n".join(shown))


class TemplateError(DeckgenError):
    """A wording template or a brand .pptx template cannot be used."""


class RenderError(DeckgenError):
    """The deck cannot be written (output path, disk, ...)."""
