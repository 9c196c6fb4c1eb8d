"""Stand-ins for render_deck, in a module of their own so that worker processes can import them."""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from deckgen.config import Settings
from deckgen.errors import Problem, ValidationError
from deckgen.period import Period


@dataclass(frozen=True)
class FakeResult:
    """The fields of deckgen.pipeline.RenderResult that the runner reads."""

    output: Path
    period: Period
    slides: int
    warnings: tuple[Problem, ...]
    headlines: tuple[tuple[str, str], ...]
    template_warnings: tuple[str, ...] = ()


def fake_render(
    source: Path, output: Path, *, settings: Settings, period: Period, **_: object
) -> FakeResult:
    """Write a small deterministic 'deck' from the source's text.

    A source saying `broken` is bad data, `bug` a bug, `die` kills its own process, and `hang`
    starts writing its deck and never finishes (what no budget inside deckgen can catch: a
    stalled network drive, a driver stuck in C code).
    """
    text = Path(source).read_text(encoding="utf-8").strip()
    if text == "broken":
        raise ValidationError([Problem("orders", 7, "amount", "abc", "a number")])
    if text == "bug":
        raise ZeroDivisionError("division by zero")
    if text == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    if text == "hang":
        output.parent.mkdir(parents=True, exist_ok=True)
        (output.parent / f".{output.name}.half.tmp").write_bytes(b"half a deck")
        time.sleep(3600)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(f"{settings.client}|{settings.lang}|{period.key}|{text}".encode())
    warning = Problem("leads", None, None, None, "at least one row", severity="warning")
    return FakeResult(output, period, 12, (warning,), (("Revenue", "1,234 USD"),))
