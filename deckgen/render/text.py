"""Text in shapes: paragraphs with language, direction, complex-script font, bullets and fitting.

Every run carries `lang` (en-US, ar-SA, fa-IR) and an `a:cs` complex-script font, and every
right-to-left paragraph `rtl="1"` with right alignment (python-pptx has no API for either,
its #851). Text is sized by measuring it with real font files (deckgen.textmetrics): the
largest size between a style's maximum and minimum at which it fits the box is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.shapes.autoshape import Shape
from pptx.slide import Slide as PptxSlide
from pptx.text.text import TextFrame, _Paragraph, _Run
from pptx.util import Emu, Pt

from deckgen import textmetrics
from deckgen.render.context import RenderContext
from deckgen.render.layout import EMU_PER_PT, Box
from deckgen.render.oxml import child, element, qn

Align = Literal["start", "end", "center"]
Anchor = Literal["top", "middle", "bottom"]
_ANCHORS = {"top": MSO_ANCHOR.TOP, "middle": MSO_ANCHOR.MIDDLE, "bottom": MSO_ANCHOR.BOTTOM}
# Elements that must follow `a:cs` inside `a:rPr` (schema order).
_AFTER_CS = ("a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst")
_BULLETS = ("\u2022", "\u2013")  # level 0 bullet, level 1 dash
_BULLET_INDENT_PT = 14.0  # hanging indent of a bullet
_LEVEL_INDENT_PT = 16.0  # extra start margin per level
_SUB_LEVEL_DROP_PT = 2.0  # sub-bullets are this much smaller


@dataclass(frozen=True)
class TextLine:
    """One paragraph to write: text, bullet level, weight and an optional colour override."""

    text: str
    level: int = 0
    bold: bool = False
    color: RGBColor | None = None
    size_scale: float = 1.0  # relative to the style's size (e.g. 2.0 for a KPI value)


@dataclass(frozen=True)
class TextStyle:
    """How a block of text looks and how far it may shrink to fit."""

    size: float  # points, the preferred size
    min_size: float  # points, the smallest size allowed when shrinking to fit
    color: RGBColor | None  # None: inherit (placeholders take the layout's colour)
    bold: bool = False
    heading: bool = False  # True: the theme's heading font
    align: Align = "start"
    anchor: Anchor = "top"
    bullets: bool = False
    space_after: float = 4.0  # points after each paragraph
    line_spacing: float = 1.0  # multiple of single spacing
    inset_x: float = 4.0  # points, left and right
    inset_y: float = 2.0  # points, top and bottom


def measure_family(ctx: RenderContext, heading: bool) -> str:
    """Font family whose metrics stand for the theme's heading or body font."""
    return ctx.theme.major_font if heading else ctx.theme.minor_font


def _line_size(style: TextStyle, line: TextLine, size: float) -> float:
    return size * line.size_scale - (_SUB_LEVEL_DROP_PT if line.level > 0 else 0.0)


def _start_margin_pt(style: TextStyle, line: TextLine) -> float:
    if not style.bullets:
        return 0.0
    return _BULLET_INDENT_PT + _LEVEL_INDENT_PT * line.level


def text_block_height(
    lines: Sequence[TextLine], style: TextStyle, width_pt: float, size: float, family: str
) -> float:
    """Height in points the lines need at `size` when wrapped to `width_pt` (insets included)."""
    inner_w = width_pt - 2 * style.inset_x
    total = 2 * style.inset_y
    for number, line in enumerate(lines):
        line_pt = _line_size(style, line, size)
        bold = style.bold or line.bold
        wrapped = textmetrics.wrap_text(
            line.text, inner_w - _start_margin_pt(style, line), line_pt, family, bold
        )
        one = textmetrics.line_height(line.text, line_pt, family, bold)
        total += len(wrapped) * one * style.line_spacing
        if number < len(lines) - 1:
            total += style.space_after
    return total


def fit_size(lines: Sequence[TextLine], style: TextStyle, box: Box, family: str) -> float:
    """The largest size from style.size down to style.min_size (0.5 pt steps) that fits `box`."""
    size = style.size
    while size > style.min_size:
        if text_block_height(lines, style, box.w_pt, size, family) <= box.h_pt:
            return size
        size -= 0.5
    return style.min_size


def set_run_language(run_props: etree._Element, ctx: RenderContext) -> None:
    """`lang` and the complex-script font on an `a:rPr`/`a:defRPr`/`a:endParaRPr`."""
    run_props.set("lang", ctx.lang_tag)
    if ctx.rtl:
        run_props.set("altLang", "en-US")
    for old in run_props.findall(qn("a:cs")):
        run_props.remove(old)
    cs = element("a:cs")
    cs.set("typeface", ctx.theme.cs_font)
    following = [run_props.find(qn(tag)) for tag in _AFTER_CS]
    anchor = next((el for el in following if el is not None), None)
    if anchor is None:
        run_props.append(cs)
    else:
        anchor.addprevious(cs)


def style_run(
    run: _Run, ctx: RenderContext, size: float, bold: bool, color: RGBColor | None
) -> None:
    """Size, weight, colour, language and complex-script font of a new run."""
    run.font.size = Pt(size)
    run.font.bold = bold
    run_props = run._r.get_or_add_rPr()
    if color is not None:
        # What `run.font.color.rgb = color` writes on a new run, at a tenth of its cost.
        child(child(run_props, "a:solidFill"), "a:srgbClr", val=str(color))
    set_run_language(run_props, ctx)


def _algn(ctx: RenderContext, align: Align) -> PP_ALIGN:
    if align == "center":
        return PP_ALIGN.CENTER
    left = (align == "start") != ctx.rtl
    return PP_ALIGN.LEFT if left else PP_ALIGN.RIGHT


def style_paragraph(paragraph: _Paragraph, ctx: RenderContext, align: Align) -> None:
    """Alignment and, in a right-to-left deck, `rtl="1"`."""
    paragraph.alignment = _algn(ctx, align)
    if ctx.rtl:
        paragraph._p.get_or_add_pPr().set("rtl", "1")


def _set_bullet(
    paragraph: _Paragraph, style: TextStyle, line: TextLine, ctx: RenderContext
) -> None:
    """A bullet character with a hanging indent, or explicitly none."""
    ppr = paragraph._p.get_or_add_pPr()
    for tag in ("a:buClr", "a:buFont", "a:buNone", "a:buChar"):
        for old in ppr.findall(qn(tag)):
            ppr.remove(old)
    if not style.bullets:
        child(ppr, "a:buNone")
        return
    margin = round(_start_margin_pt(style, line) * EMU_PER_PT)
    # marL is the start margin: in an rtl="1" paragraph it is measured from the right edge.
    ppr.set("marL", str(margin))
    ppr.set("indent", str(-round(_BULLET_INDENT_PT * EMU_PER_PT)))
    color = child(ppr, "a:buClr")
    child(color, "a:srgbClr").set("val", ctx.hex("accent"))
    child(ppr, "a:buFont").set("typeface", "Arial")
    child(ppr, "a:buChar").set("char", _BULLETS[min(line.level, 1)])


def write_lines(
    frame: TextFrame, lines: Sequence[TextLine], style: TextStyle, ctx: RenderContext, size: float
) -> None:
    """Replace the frame's text with `lines`, styled, at `size` points."""
    frame.clear()
    for number, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        style_paragraph(paragraph, ctx, style.align)
        if number < len(lines) - 1:
            paragraph.space_after = Pt(style.space_after)
        if style.line_spacing != 1.0:
            paragraph.line_spacing = style.line_spacing
        _set_bullet(paragraph, style, line, ctx)
        run = paragraph.add_run()
        run.text = line.text
        style_run(
            run,
            ctx,
            _line_size(style, line, size),
            style.bold or line.bold,
            line.color or style.color,
        )


def prepare_frame(frame: TextFrame, style: TextStyle) -> None:
    """Fixed size, wrapping, insets and anchor: the shape keeps the box deckgen measured."""
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = Pt(style.inset_x)
    frame.margin_top = frame.margin_bottom = Pt(style.inset_y)
    frame.vertical_anchor = _ANCHORS[style.anchor]
    body_pr = frame._txBody.find(qn("a:bodyPr"))
    body_pr.set("rtlCol", "0")


def place(shape: Shape, box: Box) -> None:
    """Set left, top, width and height together (setting only some leaves others at 0)."""
    shape.left, shape.top, shape.width, shape.height = (
        Emu(box.x),
        Emu(box.y),
        Emu(box.w),
        Emu(box.h),
    )


def fill_frame(
    frame: TextFrame, box: Box, lines: Sequence[TextLine], style: TextStyle, ctx: RenderContext
) -> float:
    """Write `lines` into a frame the size of `box`, shrunk to fit; returns the size used."""
    prepare_frame(frame, style)
    family = measure_family(ctx, style.heading)
    size = fit_size(lines, style, box, family)
    write_lines(frame, lines, style, ctx, size)
    return size


def add_text(
    slide: PptxSlide,
    box: Box,
    lines: Sequence[TextLine],
    style: TextStyle,
    ctx: RenderContext,
    name: str | None = None,
) -> Shape:
    """A text box at `box` holding `lines`, shrunk within the style's limits to fit."""
    shape = slide.shapes.add_textbox(Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h))
    if name:
        shape.name = name
    fill_frame(shape.text_frame, box, lines, style, ctx)
    return shape
