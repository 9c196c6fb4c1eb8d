"""Stand-ins for render_deck_bytes, in a module of their own so that worker processes can import them."""

from __future__ import annotations

import dataclasses
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
) -> tuple[bytes, FakeResult]:
    """A small deterministic 'deck' from the source's text, as render_deck_bytes returns one.

    A source saying `broken` is bad data, `bug` a bug, `die` kills its own process, `die once`
    does so the first time only (it leaves a mark beside the source), `kill parent` kills the
    process that started it too (a Dask worker), `slow` takes a second, `hang` never finishes (what no budget
    inside deckgen can catch: a stalled network drive, a driver stuck in C code), and `code cache`
    says in its deck whether the dataclasses' code cache is installed in the rendering process.
    """
    text = Path(source).read_text(encoding="utf-8").strip()
    if text == "broken":
        raise ValidationError([Problem("orders", 7, "amount", "abc", "a number")])
    if text == "bug":
        raise ZeroDivisionError("division by zero")
    if text == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    if text == "die once":
        mark = Path(f"{source}.died")
        if not mark.exists():
            mark.touch()
            os.kill(os.getpid(), signal.SIGKILL)
    if text == "kill parent":
        os.kill(os.getppid(), signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)
    if text == "hang":
        time.sleep(3600)
    if text == "code cache":  # the deck says whether the dataclasses' code cache is installed
        text = f"code cache {'exec' in vars(dataclasses)}"
    warning = Problem("leads", None, None, None, "at least one row", severity="warning")
    deck = f"{settings.client}|{settings.lang}|{period.key}|{text}".encode()
    if text == "slow":  # one second, and its deck says when (not deterministic: for overlaps)
        began = time.time()
        time.sleep(1)
        deck = f"{began} {time.time()}".encode()
    return deck, FakeResult(output, period, 12, (warning,), (("Revenue", "1,234 USD"),))
