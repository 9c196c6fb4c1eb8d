"""Flat filled shapes (cards, bars, accents) without the theme's shape style."""

from __future__ import annotations

from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.shapes.autoshape import Shape
from pptx.shapes.connector import Connector
from pptx.slide import Slide as PptxSlide
from pptx.util import Emu, Pt

from deckgen.render.layout import Box
from deckgen.render.oxml import child, qn


def add_rect(
    slide: PptxSlide,
    box: Box,
    color: str,
    name: str,
    kind: MSO_SHAPE = MSO_SHAPE.RECTANGLE,
) -> Shape:
    """A shape filled with `color` (RRGGBB), no outline, no shadow."""
    shape = slide.shapes.add_shape(kind, Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h))
    shape.name = name
    # What `fill.solid()`, `fill.fore_color.rgb` and `line.fill.background()` write on a new
    # shape (after its geometry, in this order), at a tenth of their cost.
    sp_pr = shape._element.spPr
    child(child(sp_pr, "a:solidFill"), "a:srgbClr", val=str(RGBColor.from_string(color)))
    child(child(sp_pr, "a:ln"), "a:noFill")
    _drop_theme_style(shape)
    return shape


def add_rule(
    slide: PptxSlide,
    x: int,
    y: int,
    width: int,
    color: str,
    name: str,
    weight_pt: float = 0.75,
) -> Connector:
    """A horizontal line of `color` (RRGGBB) and `weight_pt` from (x, y), `width` EMU long."""
    line = slide.shapes.add_connector(
        MSO_CONNECTOR.STRAIGHT, Emu(x), Emu(y), Emu(x + width), Emu(y)
    )
    line.name = name
    line.line.color.rgb = RGBColor.from_string(color)
    line.line.width = Pt(weight_pt)
    _drop_theme_style(line)
    return line


def _drop_theme_style(shape: Shape | Connector) -> None:
    """Remove `p:style`: its effect reference draws a shadow in LibreOffice even with an empty
    effect list; without it the shape is exactly what its spPr says."""
    style = shape._element.find(qn("p:style"))
    if style is not None:
        shape._element.remove(style)
