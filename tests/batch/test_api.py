"""The public API: deckgen.run and deckgen.render_deck, imported lazily."""

from __future__ import annotations

import subprocess
import sys

import pytest

import deckgen


def test_import_is_light_and_run_stays_a_function() -> None:
    # deckgen.run is a function whatever was imported first; a subpackage named `run` would
    # replace it with a module as soon as anything imported one of its submodules.
    script = (
        "import sys, deckgen\n"
        "heavy = sorted(m for m in ('pandas', 'pptx', 'matplotlib', 'sqlalchemy') if m in sys.modules)\n"
        "import deckgen.batch.config\n"
        "print(heavy, callable(deckgen.run), deckgen.run.__module__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout == "[] True deckgen.batch.runner\n"


def test_public_names() -> None:
    from deckgen.batch.runner import run
    from deckgen.pipeline import render_deck

    assert deckgen.__all__ == ["__version__", "render_deck", "run"]
    assert deckgen.run is run
    assert deckgen.render_deck is render_deck
    with pytest.raises(AttributeError, match="module 'deckgen' has no attribute 'nope'"):
        deckgen.nope  # noqa: B018
