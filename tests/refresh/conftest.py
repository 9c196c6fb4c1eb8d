"""Decks to refresh: the small client's September deck, as rendered and as a consultant edits it."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType
from pptx.shapes.base import BaseShape
from pptx.util import Emu, Pt

from deckgen.model import Deck, Slide
from deckgen.pipeline import render_deck
from deckgen.render.identity import slide_key, split_name
from tests.conftest import missing_service

MOVED_BY = 300_000  # EMU the consultant moves the chart right
SHRUNK_TO = 0.8  # and the share of its width they keep
BRAND_PINK = RGBColor(0xFF, 0x00, 0xAA)
OWN_HEADLINE = "Our own headline for the client"
OWN_SLIDE_TEXT = "Consultant's own slide"


def deck_of(*slides: Slide) -> Deck:
    """A small English deck model: a cover, then `slides`."""
    return Deck(
        title="t",
        client="c",
        period_label="September 2026",
        lang="en",
        direction="ltr",
        currency="USD",
        slides=(Slide(kind="title", title="Review", notes="cover"), *slides),
    )


def shape(prs: PresentationType, identity: str) -> BaseShape:
    """The shape carrying `identity` (the first, in slide order)."""
    for slide in prs.slides:
        for item in slide.shapes:
            if split_name(item.name)[1] == identity:
                return item
    raise AssertionError(f"no shape {identity}")


def keys(prs: PresentationType) -> list[str | None]:
    """The deckgen key of every slide, None for the consultant's."""
    return [slide_key(slide) for slide in prs.slides]


def delete_slide(prs: PresentationType, key: str) -> None:
    """Delete the slide of `key` as PowerPoint does: out of the list and out of the package."""
    for sld_id in list(prs.slides._sldIdLst):
        r_id = sld_id.get(qn("r:id"))
        if slide_key(prs.part.related_slide(r_id)) == key:
            prs.slides._sldIdLst.remove(sld_id)
            prs.part.drop_rel(r_id)


def edit_like_a_consultant(source: Path, target: Path) -> None:
    """Move and resize a chart, recolour a series, rewrite a headline, change a KPI label's
    font, delete a slide, add a slide with a text box, and swap two slides."""
    prs = Presentation(str(source))
    chart = shape(prs, "customer_profile/chart1/chart.1")
    chart.left += Emu(MOVED_BY)
    chart.width = Emu(round(chart.width * SHRUNK_TO))
    series = chart.chart.plots[0].series[0]
    series.format.fill.solid()
    series.format.fill.fore_color.rgb = BRAND_PINK
    summary = prs.slides[1]
    summary.shapes.title.text_frame.paragraphs[0].runs[0].text = OWN_HEADLINE
    label = shape(prs, "summary/kpis1/revenue/kpi-label")
    for run in label.text_frame.paragraphs[0].runs:
        run.font.name = "Georgia"
        run.font.size = Pt(13)
    own = prs.slides.add_slide(prs.slide_layouts[-1])
    box = own.shapes.add_textbox(Emu(500_000), Emu(500_000), Emu(6_000_000), Emu(1_000_000))
    box.text_frame.text = OWN_SLIDE_TEXT
    ids = prs.slides._sldIdLst
    entries = list(ids)
    ids.remove(entries[-1])
    ids.insert(2, entries[-1])  # the consultant's slide after the summary
    entries = list(ids)
    ids.remove(entries[6])
    entries[5].addprevious(entries[6])  # two slides swapped
    delete_slide(prs, "channels")
    prs.save(str(target))


@dataclass(frozen=True)
class Decks:
    """The small client's decks: September as rendered and edited, October fresh."""

    september: Path
    edited: Path
    october: Path
    data: Path


@pytest.fixture(scope="session")
def decks(tmp_path_factory: pytest.TempPathFactory, small_workbook: Path) -> Decks:
    """September rendered and edited by hand, and a fresh October deck to compare with."""
    root = tmp_path_factory.mktemp("refresh")
    september, october = root / "september.pptx", root / "october.pptx"
    render_deck(small_workbook, september, period="2026-09")
    render_deck(small_workbook, october, period="2026-10")
    edited = root / "september-edited.pptx"
    edit_like_a_consultant(september, edited)
    return Decks(september, edited, october, small_workbook)


@pytest.fixture(scope="session")
def libreoffice_pptx(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Path]:
    """Opens a deck in LibreOffice and saves it as .pptx (its own profile); the copy's path."""
    if shutil.which("libreoffice") is None:
        missing_service("needs the libreoffice binary (Debian package libreoffice-impress)")
    root = tmp_path_factory.mktemp("libreoffice")

    def convert(pptx: Path) -> Path:
        outdir = root / pptx.stem
        subprocess.run(
            [
                "libreoffice",
                f"-env:UserInstallation={(root / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                "pptx",
                "--outdir",
                str(outdir),
                str(pptx),
            ],
            check=True,
            capture_output=True,
            timeout=240,
        )
        return outdir / pptx.name

    return convert
