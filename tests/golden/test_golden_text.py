"""The full text of the sample deck in each language matches the checked-in golden text.

A wording or figure change shows as a diff of tests/golden/deck-<lang>.txt; after a deliberate
change, regenerate them with `python scripts/make_golden_texts.py` and review the diff.
"""

from __future__ import annotations

import difflib
import re

import pytest

from deckgen.narrative.claims import check_claims
from deckgen.wording import LANGS
from tests.golden.deck_text import deck_text
from tests.golden.decks import golden_path, sample_deck

# A percent sign run into the next word ("1.7%of the base"): a template line break lost.
_GLUED_PERCENT = re.compile(r"[%\u066a][\u061c\u200e\u200f\u2069]*[^\W\d_]")


@pytest.mark.parametrize("lang", LANGS)
def test_the_sample_deck_reads_as_its_golden_text(lang: str) -> None:
    deck, metrics = sample_deck(lang)
    for number, slide in enumerate(deck.slides, start=1):
        assert check_claims(slide.claims, metrics, f"{lang} slide {number}") == []
    expected = golden_path(lang).read_text(encoding="utf-8")
    actual = deck_text(deck) + "\n"
    assert _GLUED_PERCENT.findall(actual) == []
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                f"golden/deck-{lang}.txt",
                "the deck now",
                n=1,
            )
        )
        pytest.fail(
            "the sample deck's text changed; if on purpose, run "
            f"python scripts/make_golden_texts.py and review the diff:\n{diff[:6000]}"
        )
