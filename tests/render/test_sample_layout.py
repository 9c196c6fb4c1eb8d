"""The full sample decks pass the layout checker: the goal every render change is held to.

Each deck is the one `deckgen sample --lang L` then `deckgen render` make (session fixture,
shared with the OOXML validation), converted by LibreOffice once, two conversions at a time.
A finding here is a real defect of the rendered deck (tests/layout_check.py says which rule,
slide and words); the `pages` rule also checks that LibreOffice draws one page per slide.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.layout_check import check_deck
from tests.render.conftest import SampleDeck

DECKS = [("en", "native"), ("fa", "native"), ("ar", "native"), ("en", "image")]


@pytest.fixture(scope="module")
def converted(sample_deck: Callable[[str, str], SampleDeck]) -> dict[tuple[str, str], SampleDeck]:
    """The sample decks with their PDFs, converted in parallel (each LibreOffice has its own
    profile, deckgen.render.pdf)."""
    decks = {case: sample_deck(*case) for case in DECKS}

    def pdf(deck: SampleDeck) -> Path:
        return deck.pdf

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(pdf, decks.values()))
    return decks


@pytest.mark.libreoffice
@pytest.mark.parametrize(("lang", "charts"), DECKS)
def test_the_sample_deck_has_no_layout_findings(
    converted: dict[tuple[str, str], SampleDeck], lang: str, charts: str
) -> None:
    deck = converted[lang, charts]
    findings = check_deck(deck.pptx, deck.pdf)
    assert not findings, "\n".join(str(f) for f in findings)
