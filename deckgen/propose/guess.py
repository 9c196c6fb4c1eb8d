"""A guess of `deckgen init`: what it chose, why, and how sure it is."""

from __future__ import annotations

from dataclasses import dataclass

HIGH = 0.8  # confidence from which a guess is called high
MEDIUM = 0.55  # ... medium; below it, low (and listed as left to decide)


@dataclass(frozen=True)
class Guess:
    """One decision init made, with why and how sure it is."""

    value: object
    evidence: str
    confidence: float  # 0..1
    runner_up: str | None = None  # the next best choice, when it was close

    @property
    def level(self) -> str:
        """`high`, `medium` or `low`."""
        if self.confidence >= HIGH:
            return "high"
        return "medium" if self.confidence >= MEDIUM else "low"
