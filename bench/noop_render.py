"""A render stand-in that does no work, for bench_dask.py: a run with it costs only the executor.

In a module of its own so that render processes on the Dask workers can import it by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from deckgen.config import Settings
from deckgen.errors import Problem
from deckgen.period import Period


@dataclass(frozen=True)
class NoopResult:
    """The fields of deckgen.pipeline.RenderResult that a run reads."""

    output: Path
    period: Period
    slides: int
    warnings: tuple[Problem, ...] = ()
    headlines: tuple[tuple[str, str], ...] = ()
    template_warnings: tuple[str, ...] = ()


def noop_render(
    source: Path, output: Path, *, settings: Settings, period: Period, **_: object
) -> tuple[bytes, NoopResult]:
    """A 30-byte 'deck' naming the client: no loading, no metrics, no rendering."""
    return f"{settings.client}|{period.key}".encode(), NoopResult(output, period, 0)
