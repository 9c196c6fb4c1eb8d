"""deckgen: a customer-lifecycle PowerPoint deck from a company's customer data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["__version__", "render_deck", "run"]

if TYPE_CHECKING:
    from deckgen.batch.runner import run
    from deckgen.pipeline import render_deck


def __getattr__(name: str) -> Any:
    # Imported on first use so that `import deckgen` and `deckgen --help` stay quick.
    if name == "render_deck":
        from deckgen.pipeline import render_deck

        return render_deck
    if name == "run":
        from deckgen.batch.runner import run

        return run
    raise AttributeError(f"module 'deckgen' has no attribute {name!r}")
