"""Decks rendered once per session for the right-to-left tests.

`english_words` is a templates folder whose Arabic and Persian wording is the English one:
an Arabic deck built from it (Latin digits, Gregorian months) holds exactly the English text,
so its layout must be the English layout mirrored, shape for shape.
"""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.presentation import Presentation as PresentationType

from deckgen.config import Settings
from deckgen.data.sample import generate_sample
from deckgen.data.tables import Tables
from deckgen.data.validate import validate_frames
from deckgen.metrics.lifecycle import compute_metrics
from deckgen.model import Deck
from deckgen.period import Period
from deckgen.render.writer import render_pptx
from deckgen.slides.deck import build_deck
from deckgen.wording import Wording, export_templates


@dataclass(frozen=True)
class Rendered:
    """A deck's slide model and the .pptx it was written as."""

    model: Deck
    pptx: PresentationType


@pytest.fixture(scope="session")
def sample_tables() -> Tables:
    """A small seeded client (300 customers, 14 months to October 2026), validated."""
    frames = generate_sample(customers=300, months=14, end="2026-10", seed=3)
    report = validate_frames(frames, Settings(), "sample")
    assert report.tables is not None, report.format()
    return report.tables


@pytest.fixture(scope="session")
def english_words(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A templates folder whose ar/ and fa/ hold the English wording."""
    root = tmp_path_factory.mktemp("english_words") / "templates"
    export_templates(root)
    for lang in ("ar", "fa"):
        shutil.rmtree(root / lang)
        shutil.copytree(root / "en", root / lang)
    return root


def render(
    tables: Tables,
    lang: str,
    *,
    calendar: str | None = None,
    digits: str | None = None,
    templates: Path | None = None,
    charts: str = "native",
) -> Rendered:
    """The deck of `tables` in `lang` as the pipeline builds it, re-read from its bytes."""
    settings = Settings(lang=lang, calendar=calendar, digits=digits)
    wording = Wording(lang, templates, digits=settings.effective_digits, currency="USD")
    last = tables.orders["order_date"].max().date()
    period = Period.last_complete(last, settings.effective_calendar)
    metrics = compute_metrics(tables, period, settings.metrics)
    deck = build_deck(metrics, settings, wording, warnings=tables.warnings)
    data = render_pptx(deck, charts=charts)
    return Rendered(model=deck, pptx=Presentation(io.BytesIO(data)))


@pytest.fixture(scope="session")
def english_deck(sample_tables: Tables) -> Rendered:
    """The English deck (October 2026)."""
    return render(sample_tables, "en")


@pytest.fixture(scope="session")
def arabic_english_words(sample_tables: Tables, english_words: Path) -> Rendered:
    """An Arabic deck holding the English wording, Latin digits, Gregorian months."""
    return render(sample_tables, "ar", templates=english_words)


@pytest.fixture(scope="session")
def persian_deck(sample_tables: Tables) -> Rendered:
    """The Persian deck with its own wording (Persian digits, Jalali months: Mehr 1405)."""
    return render(sample_tables, "fa")


@pytest.fixture(scope="session")
def persian_gregorian_deck(sample_tables: Tables) -> Rendered:
    """The Persian deck over the English deck's month (October 2026), Persian digits."""
    return render(sample_tables, "fa", calendar="gregorian")


@pytest.fixture(scope="session")
def arabic_deck(sample_tables: Tables) -> Rendered:
    """The Arabic deck with its own wording and Arabic-Indic digits."""
    return render(sample_tables, "ar", digits="native")
