"""Flat shapes: the fill and outline written directly equal python-pptx's setters' output."""

from __future__ import annotations

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_FILL
from pptx.enum.shapes import MSO_SHAPE
from pptx.util import Emu

from deckgen.render.brand import load_brand
from deckgen.render.layout import Box
from deckgen.render.shapes import add_rect


def test_rect_equals_python_pptx_setters() -> None:
    brand = load_brand()
    slide = brand.presentation.slides.add_slide(brand.layouts["content"])
    for kind in (MSO_SHAPE.RECTANGLE, MSO_SHAPE.ROUNDED_RECTANGLE):
        ours = add_rect(slide, Box(10, 20, 300, 400), "1f3a5c", "Card", kind)
        theirs = slide.shapes.add_shape(kind, Emu(10), Emu(20), Emu(300), Emu(400))
        theirs.name = "Card"
        theirs.fill.solid()
        theirs.fill.fore_color.rgb = RGBColor.from_string("1f3a5c")
        theirs.line.fill.background()
        theirs._element.remove(
            theirs._element.find(
                "{http://schemas.openxmlformats.org/presentationml/2006/main}style"
            )
        )
        theirs._element.nvSpPr.cNvPr.id = ours.shape_id  # ids differ only by order of adding
        assert etree.tostring(ours._element) == etree.tostring(theirs._element)
        assert ours.fill.fore_color.rgb == RGBColor(0x1F, 0x3A, 0x5C)
        assert ours.line.fill.type == MSO_FILL.BACKGROUND  # no outline
