"""The sample decks the golden texts hold: `deckgen sample --lang L` rendered in language L.

Each language's deck is built from its own sample workbook (Persian and Arabic names, cities,
interests and currencies; Jalali months for Persian), for the sample's last complete month.
"""

from __future__ import annotations

from pathlib import Path

from deckgen.config import Settings
from deckgen.data.sample import generate_sample
from deckgen.data.sample_words import WORDS
from deckgen.data.validate import validate_frames
from deckgen.metrics.lifecycle import LifecycleMetrics, compute_metrics
from deckgen.model import Deck
from deckgen.pipeline import resolve_period
from deckgen.slides.deck import build_deck
from deckgen.wording import LANGS, Wording
from tests.golden.deck_text import deck_text

GOLDEN = Path(__file__).resolve().parent
CLIENT = "Sample Retail Co."


def golden_path(lang: str) -> Path:
    """The checked-in text of the sample deck in `lang`."""
    return GOLDEN / f"deck-{lang}.txt"


def sample_deck(lang: str) -> tuple[Deck, LifecycleMetrics]:
    """The sample deck in `lang` and the metrics behind it."""
    settings = Settings(client=CLIENT, lang=lang, currency=WORDS[lang].currency)
    tables = validate_frames(generate_sample(lang=lang), settings, "sample").tables
    assert tables is not None
    metrics = compute_metrics(tables, resolve_period(None, tables, settings), settings.metrics)
    wording = Wording(lang, digits=settings.effective_digits, currency=settings.currency)
    return build_deck(metrics, settings, wording), metrics


def write_golden_texts() -> list[Path]:
    """Writes tests/golden/deck-<lang>.txt for every language; the files written."""
    written = []
    for lang in LANGS:
        deck, _ = sample_deck(lang)
        path = golden_path(lang)
        path.write_text(deck_text(deck) + "\n", encoding="utf-8")
        written.append(path)
    return written
