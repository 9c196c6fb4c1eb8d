"""Text boxes: language tags, complex-script font in schema order, RTL, bullets, fitting."""

from __future__ import annotations

from lxml import etree
from pptx.oxml.ns import qn
from pptx.util import Pt

from deckgen.render.layout import EMU_PER_PT, Box
from deckgen.render.text import (
    TextLine,
    TextStyle,
    add_text,
    fit_size,
    set_run_language,
    text_block_height,
)
from tests.render.conftest import make_canvas

BOX = Box(0, 0, 200 * EMU_PER_PT, 60 * EMU_PER_PT)


def _children(element: etree._Element) -> list[str]:
    return [etree.QName(child).localname for child in element]


def test_cs_font_goes_before_hyperlinks_and_after_latin() -> None:
    slide, ctx = make_canvas("fa")
    shape = slide.shapes.add_textbox(0, 0, 100, 100)
    run = shape.text_frame.paragraphs[0].add_run()
    run.hyperlink.address = "https://example.com"
    run.font.name = "Calibri"
    run_props = run._r.get_or_add_rPr()
    set_run_language(run_props, ctx)
    set_run_language(run_props, ctx)  # idempotent
    assert _children(run_props) == ["latin", "cs", "hlinkClick"]
    assert run_props.get("lang") == "fa-IR"
    assert run_props.find(qn("a:cs")).get("typeface") == "Noto Sans Arabic"


def test_rtl_paragraphs_are_right_aligned() -> None:
    slide, ctx = make_canvas("fa")
    style = TextStyle(size=14, min_size=10, color=None)
    shape = add_text(slide, BOX, [TextLine("سلام"), TextLine("دنیا")], style, ctx)
    for paragraph in shape.text_frame.paragraphs:
        props = paragraph._p.pPr
        assert (props.get("rtl"), props.get("algn")) == ("1", "r")
    body = shape.text_frame._txBody.find(qn("a:bodyPr"))
    assert body.get("wrap") == "square"  # word_wrap on: LibreOffice keeps the alignment


def test_end_alignment_flips_with_direction() -> None:
    for lang, expected in (("en", "r"), ("fa", "l")):
        slide, ctx = make_canvas(lang)
        style = TextStyle(size=12, min_size=8, color=None, align="end")
        shape = add_text(slide, BOX, [TextLine("12")], style, ctx)
        assert shape.text_frame.paragraphs[0]._p.pPr.get("algn") == expected


def test_bullets_hang_from_the_start_margin() -> None:
    slide, ctx = make_canvas("fa")
    style = TextStyle(size=14, min_size=10, color=None, bullets=True)
    shape = add_text(slide, BOX, [TextLine("یک"), TextLine("دو", level=1)], style, ctx)
    first, second = (p._p.pPr for p in shape.text_frame.paragraphs)
    assert first.get("marL") == str(14 * EMU_PER_PT)
    assert second.get("marL") == str(30 * EMU_PER_PT)
    assert first.get("indent") == str(-14 * EMU_PER_PT)
    assert first.find(qn("a:buChar")).get("char") == "\u2022"
    assert second.find(qn("a:buChar")).get("char") == "\u2013"
    assert shape.text_frame.paragraphs[1].runs[0].font.size == Pt(12)  # sub-bullets 2 pt smaller


def test_plain_text_has_no_bullet() -> None:
    slide, ctx = make_canvas("en")
    shape = add_text(slide, BOX, [TextLine("x")], TextStyle(12, 8, None), ctx)
    assert shape.text_frame.paragraphs[0]._p.pPr.find(qn("a:buNone")) is not None


def test_long_text_shrinks_to_fit_but_not_below_the_minimum() -> None:
    style = TextStyle(size=18, min_size=10, color=None)
    short = [TextLine("Short")]
    assert fit_size(short, style, BOX, "Calibri") == 18
    long = [TextLine("Customers who buy again within ninety days of the first order " * 2)]
    size = fit_size(long, style, BOX, "Calibri")
    assert 10 < size < 18
    assert text_block_height(long, style, BOX.w_pt, size, "Calibri") <= BOX.h_pt
    assert text_block_height(long, style, BOX.w_pt, size + 0.5, "Calibri") > BOX.h_pt
    huge = [TextLine("word " * 400)]
    assert fit_size(huge, style, BOX, "Calibri") == 10


def test_textbox_keeps_its_size() -> None:
    slide, ctx = make_canvas("en")
    shape = add_text(slide, BOX, [TextLine("x")], TextStyle(12, 8, None), ctx)
    body = shape.text_frame._txBody.find(qn("a:bodyPr"))
    assert body.find(qn("a:spAutoFit")) is None
    assert (shape.width, shape.height) == (BOX.w, BOX.h)


def test_every_language_gets_its_tag() -> None:
    for lang, tag in (("en", "en-US"), ("ar", "ar-SA"), ("fa", "fa-IR")):
        slide, ctx = make_canvas(lang)
        shape = add_text(slide, BOX, [TextLine("x")], TextStyle(12, 8, None), ctx)
        run_props = shape.text_frame.paragraphs[0].runs[0]._r.rPr
        assert run_props.get("lang") == tag
        assert run_props.find(qn("a:cs")) is not None
