"""The layout checker finds what it is for: one slide per planted defect, and a clean slide.

The planted deck is converted by LibreOffice once per session; every rule is asserted on its
own slide, and the clean slide must give nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Emu, Pt

from deckgen.model import Cell, TableColumn, TableSpec
from deckgen.render.layout import EMU_PER_PT, Box
from deckgen.render.pdf import pdf_bytes
from deckgen.render.tables import draw_table
from deckgen.render.text import TextLine, TextStyle, add_text
from tests.conftest import missing_service
from tests.layout_check import Finding, check_deck
from tests.render.conftest import make_canvas

STYLE = TextStyle(size=14, min_size=14, color=None, inset_x=0, inset_y=0)
WORDS = "Customers who ordered again within twelve months of their first order"
# Slides of the planted deck, in order, and the one rule each must break (None: clean).
PLANTED = (
    "clean",
    "small-text",
    "overlap",
    "outside",
    "footer",
    "broken-word",
    "footer-baseline",
    "table-fill",
)


def _box(x: float, y: float, w: float, h: float) -> Box:
    return Box(*(round(v * EMU_PER_PT) for v in (x, y, w, h)))


def _text(slide, box: Box, text: str, ctx, style: TextStyle = STYLE) -> None:  # type: ignore[no-untyped-def]
    add_text(slide, box, [TextLine(text)], style, ctx, name="Text")


def _table(rows: int) -> TableSpec:
    return TableSpec(
        columns=(TableColumn("Channel"), TableColumn("Customers", "end")),
        rows=tuple((Cell(f"Channel {i}"), Cell(str(i))) for i in range(rows)),
        font_size=12,
    )


def _planted_deck(path: Path) -> None:
    """A slide per rule on the default template, one defect on each but the first."""
    first, ctx = make_canvas("en")
    prs = first.part.package.presentation_part.presentation
    layout = first.slide_layout
    slides = [first, *(prs.slides.add_slide(layout) for _ in PLANTED[1:])]
    for slide in slides:  # the layout's empty placeholders would hold no text anyway
        for shape in list(slide.placeholders):
            shape._element.getparent().remove(shape._element)
    clean, small, overlap, outside, footer, broken, baseline, fill = slides
    _text(clean, _box(40, 140, 600, 30), "A finding stated in one clear sentence.", ctx)
    draw_table(clean, _table(3), _box(40, 200, 400, 200), ctx)
    _text(small, _box(40, 140, 600, 30), "Eight point text is below the floor.", ctx)
    small.shapes[-1].text_frame.paragraphs[0].runs[0].font.size = Pt(8)
    _text(overlap, _box(40, 140, 400, 30), "Revenue grew in every region", ctx)
    _text(overlap, _box(40, 142, 400, 30), "Churn fell in most segments", ctx)
    _text(outside, _box(40, 140, 200, 20), WORDS, ctx)  # four lines in a one-line box
    # A footer text box, and content above it whose lines run down into it.
    footer_box = _box(40, 504, 600, 22)
    _footer_text(footer, footer_box, "Footer", "Sample Retail Co.", MSO_ANCHOR.BOTTOM)
    _text(footer, _box(300, 470, 200, 30), WORDS, ctx)
    # Footer text at the bottom of its box, the slide number at the top of its own.
    _footer_text(baseline, footer_box, "Footer", "Sample Retail Co.", MSO_ANCHOR.BOTTOM)
    _footer_text(baseline, _box(840, 504, 80, 22), "Slide Number", "7", MSO_ANCHOR.TOP)
    _text(broken, _box(40, 140, 50, 60), "Extraordinarily", ctx)  # wider than its box
    draw_table(fill, _table(2), _box(40, 140, 400, 340), ctx)  # 3 rows, then continued
    extra = prs.slides.add_slide(layout)
    for shape in list(extra.placeholders):
        shape._element.getparent().remove(shape._element)
    draw_table(extra, _table(2), _box(40, 140, 400, 340), ctx)
    prs.save(str(path))


def _footer_text(slide, box: Box, name: str, text: str, anchor: MSO_ANCHOR) -> None:  # type: ignore[no-untyped-def]
    shape = slide.shapes.add_textbox(Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h))
    shape.name = name
    shape.text_frame.text = text
    shape.text_frame.vertical_anchor = anchor
    shape.text_frame.paragraphs[0].runs[0].font.size = Pt(9)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The planted deck and its PDF (one LibreOffice conversion)."""
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        missing_service("needs the libreoffice binary (Debian package libreoffice-impress)")
    deck = tmp_path_factory.mktemp("planted") / "planted.pptx"
    _planted_deck(deck)
    pdf = deck.with_suffix(".pdf")
    pdf.write_bytes(pdf_bytes(deck))
    return deck, pdf


@pytest.fixture(scope="module")
def findings(planted: tuple[Path, Path]) -> list[Finding]:
    """What the checker says about the planted deck."""
    return check_deck(*planted)


def _rules(findings: list[Finding], slide: int) -> set[str]:
    return {f.rule for f in findings if f.slide == slide}


@pytest.mark.libreoffice
@pytest.mark.parametrize(("number", "rule"), list(enumerate(PLANTED, start=1))[1:])
def test_each_planted_defect_is_found_on_its_slide(
    findings: list[Finding], number: int, rule: str
) -> None:
    assert rule in _rules(findings, number), [str(f) for f in findings]


@pytest.mark.libreoffice
def test_the_clean_slide_and_the_continuation_give_nothing(findings: list[Finding]) -> None:
    assert _rules(findings, 1) == set()
    assert _rules(findings, len(PLANTED) + 1) == set()  # the continued table's own slide


@pytest.mark.libreoffice
def test_each_defect_is_told_precisely(findings: list[Finding]) -> None:
    details = {f.rule: f.detail for f in findings}
    assert details["small-text"].startswith("8 pt < 10 pt in Text")
    assert "'Extraord" in details["broken-word"] or "Extraordinarily" in details["broken-word"]
    assert details["table-fill"].startswith("Table fills")
    # Only the planted rules: nothing else fires anywhere in the deck.
    assert {f.rule for f in findings} <= set(PLANTED[1:])


@pytest.mark.libreoffice
def test_a_pdf_of_another_deck_is_a_page_count_finding(
    planted: tuple[Path, Path], tmp_path: Path
) -> None:
    deck, pdf = planted
    longer = Presentation(str(deck))
    longer.slides.add_slide(longer.slide_layouts[0])
    path = tmp_path / "longer.pptx"
    longer.save(str(path))
    pages = [f for f in check_deck(path, pdf) if f.rule == "pages"]
    assert [str(f) for f in pages] == ["slide 0: pages: 9 PDF pages for 10 slides"]


def test_text_below_the_floor_is_found_without_a_pdf(tmp_path: Path) -> None:
    slide, ctx = make_canvas("fa")
    _text(slide, _box(40, 140, 600, 30), "متن کوچک", ctx, TextStyle(size=9, min_size=9, color=None))
    path = tmp_path / "small.pptx"
    slide.part.package.presentation_part.presentation.save(str(path))
    assert [(f.slide, f.rule) for f in check_deck(path)] == [(1, "small-text")]
