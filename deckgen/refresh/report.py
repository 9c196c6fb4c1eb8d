"""The report of a refresh: what became of every item and slide, for the terminal and as JSON."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

from pydantic import TypeAdapter

Status = Literal["refreshed", "unchanged", "kept", "added", "removed", "deleted", "failed"]
# Statuses listed one by one in the terminal; the others are counted.
_LISTED = ("kept", "added", "removed", "deleted", "failed")
# A refreshed item that overwrote the consultant's edits: listed in the terminal too.
EDITS_REPLACED = "the chart's figures or series you edited were replaced with the data's"
_SHOWN_CHARS = 160  # a kept text is cut to this in the terminal (the JSON has all of it)


@dataclass(frozen=True)
class Outcome:
    """What became of one item (a shape, the notes) or a whole slide."""

    slide: str  # the slide's key, e.g. "funnel" or "open_feedback.2"
    item: str  # the item's identity; the slide's key for the whole slide
    status: Status
    detail: str = ""
    current: str | None = None  # the consultant's text, where it was kept or removed
    proposed: str | None = None  # what deckgen would now say there


@dataclass(frozen=True)
class RefreshReport:
    """Every outcome of one refresh, and what it read and wrote."""

    deck: str
    data: str
    output: str
    period_before: str  # the deck's period, YYYY-MM
    period: str  # the refreshed period
    slides: int  # slides in the refreshed deck
    outcomes: tuple[Outcome, ...]

    def counts(self) -> dict[str, int]:
        """How many items ended in each status."""
        return dict(Counter(o.status for o in self.outcomes))

    def summary(self) -> str:
        """A readable account for the terminal: counts, then every item that needs an eye."""
        counts = self.counts()
        lines = [
            f"wrote {self.output} ({self.slides} slides, period {self.period_before} -> "
            f"{self.period})",
            "  "
            + ", ".join(
                f"{counts.get(s, 0)} {s}"
                for s in (*_LISTED[:1], "refreshed", "unchanged", *_LISTED[1:])
            ),
        ]
        for outcome in self.outcomes:
            if outcome.status not in _LISTED and EDITS_REPLACED not in outcome.detail:
                continue
            line = f"  {outcome.status:<8} {outcome.item}"
            if outcome.detail:
                line += f": {outcome.detail}"
            lines.append(line)
            if outcome.current is not None:
                lines.append(f"             yours:   {_short(outcome.current)}")
            if outcome.proposed is not None:
                lines.append(f"             deckgen: {_short(outcome.proposed)}")
        return "\n".join(lines)

    def to_json(self) -> bytes:
        """The report as JSON (UTF-8)."""
        return _ADAPTER.dump_json(self, indent=2)


def _short(text: str) -> str:
    flat = " / ".join(line for line in text.splitlines() if line.strip())
    return flat if len(flat) <= _SHOWN_CHARS else flat[: _SHOWN_CHARS - 1] + "…"


_ADAPTER = TypeAdapter(RefreshReport)
