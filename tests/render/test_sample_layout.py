"""The full sample decks pass the layout checker: the goal every render change is held to.

Each deck is the one `deckgen sample --lang L` then `deckgen render` make (session fixture,
shared with the OOXML validation), converted by LibreOffice once. A finding here is a real
defect of the rendered deck (tests/layout_check.py says which rule, slide and words); the
`pages` rule also checks that LibreOffice draws one page per slide.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.layout_check import check_deck
from tests.render.conftest import SampleDeck


@pytest.mark.libreoffice
@pytest.mark.parametrize(
    ("lang", "charts"), [("en", "native"), ("fa", "native"), ("ar", "native"), ("en", "image")]
)
def test_the_sample_deck_has_no_layout_findings(
    sample_deck: Callable[[str, str], SampleDeck], lang: str, charts: str
) -> None:
    deck = sample_deck(lang, charts)
    findings = check_deck(deck.pptx, deck.pdf)
    assert not findings, "\n".join(str(f) for f in findings)
