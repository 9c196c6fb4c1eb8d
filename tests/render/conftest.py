"""Demo decks rendered once per test session, and helpers to read them back."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide as PptxSlide

from deckgen.data.sample import write_sample
from deckgen.model import Deck
from deckgen.pipeline import render_deck
from deckgen.render.brand import load_brand
from deckgen.render.context import RenderContext
from deckgen.render.layout import grid_for
from deckgen.render.pdf import pdf_bytes
from deckgen.render.writer import render_pptx
from tests.conftest import missing_service
from tests.render.demo_deck import demo_deck


def open_pptx(data: bytes) -> PresentationType:
    """The rendered bytes read back with python-pptx."""
    return Presentation(io.BytesIO(data))


@pytest.fixture(scope="session")
def en_deck() -> Deck:
    """The English (LTR) demo deck model."""
    return demo_deck("en")


@pytest.fixture(scope="session")
def fa_deck() -> Deck:
    """The Persian (RTL) demo deck model."""
    return demo_deck("fa")


@pytest.fixture(scope="session")
def en_bytes(en_deck: Deck) -> bytes:
    """The English demo deck rendered with native charts."""
    return render_pptx(en_deck)


@pytest.fixture(scope="session")
def fa_bytes(fa_deck: Deck) -> bytes:
    """The Persian demo deck rendered with native charts."""
    return render_pptx(fa_deck)


@pytest.fixture(scope="session")
def en_prs(en_bytes: bytes) -> PresentationType:
    """The English deck read back."""
    return open_pptx(en_bytes)


@pytest.fixture(scope="session")
def fa_prs(fa_bytes: bytes) -> PresentationType:
    """The Persian deck read back."""
    return open_pptx(fa_bytes)


def make_canvas(lang: str = "en") -> tuple[PptxSlide, RenderContext]:
    """A blank content slide of the default template and a drawing context for `lang`."""
    brand = load_brand()
    prs = brand.presentation
    rtl = lang in ("ar", "fa")
    deck = Deck(
        title="t",
        client="c",
        period_label="p",
        lang=lang,
        direction="rtl" if rtl else "ltr",
        currency="USD",
        slides=(),
        digits="native" if rtl else "latn",
    )
    grid = grid_for(prs.slide_width, prs.slide_height, deck.direction)
    ctx = RenderContext(deck=deck, theme=brand.theme, grid=grid)
    return prs.slides.add_slide(brand.layouts["content"]), ctx


@dataclass
class SampleDeck:
    """A sample deck as `deckgen sample --lang L` then `deckgen render` make it, on disk."""

    lang: str
    charts: str
    pptx: Path
    _pdf: Path | None = None

    @property
    def data(self) -> bytes:
        """The .pptx bytes."""
        return self.pptx.read_bytes()

    @property
    def pdf(self) -> Path:
        """The deck converted by LibreOffice (once per session)."""
        if self._pdf is None:
            if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
                missing_service("needs the libreoffice binary (Debian package libreoffice-impress)")
            self._pdf = self.pptx.with_suffix(".pdf")
            self._pdf.write_bytes(pdf_bytes(self.pptx))
        return self._pdf


@pytest.fixture(scope="session")
def sample_deck(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], SampleDeck]:
    """The full-size sample deck of a language (en, fa, ar) and chart mode, made once."""
    made: dict[tuple[str, str], SampleDeck] = {}

    def make(lang: str, charts: str = "native") -> SampleDeck:
        if (lang, charts) not in made:
            folder = tmp_path_factory.mktemp(f"sample-{lang}-{charts}")
            write_sample(folder / "sample.xlsx", lang=lang)  # with its deckgen.toml
            deck = folder / f"sample-{lang}-{charts}.pptx"
            render_deck(folder / "sample.xlsx", deck, charts=charts)
            made[lang, charts] = SampleDeck(lang, charts, deck)
        return made[lang, charts]

    return make
