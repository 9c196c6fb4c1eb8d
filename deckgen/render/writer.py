"""Draw a `deckgen.model.Deck` into a deterministic, editable .pptx (returned as bytes).

Every slide is built fresh from a template layout (never cloned: python-pptx #688): title on
the layout's title placeholder, the headline under it, each block in its grid area (see
deckgen.render.layout), footer text and slide number, and the speaker notes. Empty
placeholders are removed. The bytes are identical for identical decks and options.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Literal

from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.presentation import Presentation as PresentationType
from pptx.shapes.autoshape import Shape
from pptx.shapes.placeholder import LayoutPlaceholder
from pptx.slide import Slide as PptxSlide
from pptx.text.text import TextFrame
from pptx.util import Emu

import deckgen
from deckgen.errors import TemplateError
from deckgen.formats import isolate_first_strong, localise_digits
from deckgen.model import (
    Block,
    ChartSpec,
    Deck,
    FunnelSpec,
    KpiStrip,
    ScatterSpec,
    Slide,
    TableSpec,
    TextBlock,
    TitleStyle,
)
from deckgen.render.brand import Brand, layout_kind, load_brand
from deckgen.render.chart_block import draw_chart_block
from deckgen.render.context import RenderContext
from deckgen.render.funnel import draw_funnel
from deckgen.render.identity import (
    FORMAT,
    Fingerprint,
    block_key,
    slide_digest,
    slide_ids,
    slide_keys,
    tag_slide,
    write_record,
)
from deckgen.render.kpis import draw_kpis
from deckgen.render.layout import BLOCK_GAP_PT, BLOCK_TITLE_PT, EMU_PER_PT, Box, grid_for
from deckgen.render.notes import notes_page
from deckgen.render.oxml import child, element, qn
from deckgen.render.package import FIXED_TIME, save_deterministic, set_core_properties
from deckgen.render.shapes import add_rect, add_rule
from deckgen.render.tables import draw_table
from deckgen.render.text import (
    Align,
    TextLine,
    TextStyle,
    add_text,
    fill_frame,
    place,
    set_run_language,
    style_paragraph,
)
from deckgen.render.titles import (
    action_title_box,
    action_title_style,
    draw_source,
    draw_tracker,
    split_source,
)

_SLIDE_NUMBER_FIELD_ID = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"  # any fixed GUID: deterministic
_TITLE_KINDS = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
_SUBTITLE_KINDS = (PP_PLACEHOLDER.SUBTITLE, PP_PLACEHOLDER.BODY)
_CALLOUT_BAR_PT = 4.0


def _title_style(kind: str) -> TextStyle:
    sizes = {"title": (40.0, 26.0), "section": (36.0, 24.0)}.get(kind, (26.0, 18.0))
    return TextStyle(
        size=sizes[0],
        min_size=sizes[1],
        color=None,  # from the layout: navy on white slides, white on the navy covers
        bold=True,
        heading=True,
        anchor="bottom",
        inset_x=0,
        inset_y=0,
    )


def _text_styles(ctx: RenderContext) -> dict[str, TextStyle]:
    text, muted, title = ctx.rgb("text"), ctx.rgb("muted"), ctx.rgb("title")
    return {
        # No side insets: text lines up with titles, rules and charts on the grid.
        "body": TextStyle(size=14, min_size=10, color=text, space_after=6, inset_x=0),
        "bullets": TextStyle(
            size=14, min_size=10, color=text, bullets=True, space_after=6, inset_x=0
        ),
        "callout": TextStyle(
            size=16,
            min_size=11,
            color=title,
            bold=True,
            anchor="middle",
            inset_x=14,
            inset_y=8,
            space_after=6,
        ),
        "caption": TextStyle(size=11, min_size=8, color=muted, space_after=2, inset_x=0),
    }


def _remove_shape(shape: Shape) -> None:
    element_ = shape._element
    element_.getparent().remove(element_)


def _placeholder(slide: PptxSlide, kinds: tuple[PP_PLACEHOLDER, ...]) -> Shape | None:
    for shape in slide.placeholders:
        if shape.placeholder_format.type in kinds:
            return shape
    return None


def _write_placeholder(
    shape: Shape, box: Box, lines: list[TextLine], style: TextStyle, ctx: RenderContext
) -> None:
    """Place a placeholder on the grid and fill it; its colour comes from the layout."""
    place(shape, box)
    fill_frame(shape.text_frame, box, lines, style, ctx)


def _draw_block_title(slide: PptxSlide, title: str, box: Box, ctx: RenderContext) -> Box:
    """A bold block heading at the top of `box`; returns the box left for the content."""
    title_h = round(BLOCK_TITLE_PT * EMU_PER_PT)
    head, rest = box.split_top(title_h, round(BLOCK_GAP_PT * EMU_PER_PT))
    style = TextStyle(
        size=14,
        min_size=10,
        color=ctx.rgb("title"),
        bold=True,
        anchor="bottom",
        inset_x=0,
        inset_y=1,
    )
    add_text(slide, head, [TextLine(title)], style, ctx, name="Block Title")
    add_rule(slide, head.x, head.bottom, head.w, ctx.hex("rule"), "Block Rule")
    return rest


def _draw_text_block(slide: PptxSlide, block: TextBlock, box: Box, ctx: RenderContext) -> None:
    style = _text_styles(ctx)[block.style]
    lines = [TextLine(p.text, level=p.level, bold=p.bold) for p in block.paragraphs]
    if block.style == "callout":
        add_rect(slide, box, ctx.hex("light"), "Callout")
        bar_w = round(_CALLOUT_BAR_PT * EMU_PER_PT)
        bar_x = box.right - bar_w if ctx.rtl else box.x
        add_rect(slide, Box(bar_x, box.y, bar_w, box.h), ctx.hex("accent"), "Callout Accent")
        box = Box(box.x if ctx.rtl else box.x + bar_w, box.y, box.w - bar_w, box.h)
    add_text(slide, box, lines, style, ctx, name="Text")


def _draw_block(slide: PptxSlide, block: Block, box: Box, ctx: RenderContext) -> None:
    title = getattr(block, "title", None)
    if title:
        box = _draw_block_title(slide, title, box, ctx)
    source = getattr(block, "source", None)
    if source:
        box, foot = split_source(box, source, ctx)
        draw_source(slide, source, foot, ctx)
    if isinstance(block, TextBlock):
        _draw_text_block(slide, block, box, ctx)
    elif isinstance(block, KpiStrip):
        draw_kpis(slide, block, box, ctx)
    elif isinstance(block, FunnelSpec):
        draw_funnel(slide, block, box, ctx)
    elif isinstance(block, TableSpec):
        draw_table(slide, block, box, ctx)
    elif isinstance(block, ChartSpec | ScatterSpec):
        draw_chart_block(slide, block, box, ctx)


def _top_row_height(slide: Slide, ctx: RenderContext) -> int:
    """A short top row when it holds only KPI strips, else half the content region."""
    top = [b for b in slide.blocks if b.area in ("top", "left_top", "right_top")]
    kpi_only = bool(top) and all(isinstance(b, KpiStrip) for b in top)
    return ctx.grid.top_row_height(kpi_only)


def _footer_shape(
    page: PptxSlide, layout_shape: LayoutPlaceholder | None, box: Box, name: str
) -> tuple[Shape, bool]:
    """The layout's footer/slide-number placeholder placed on the grid, else a text box.

    Returns the shape and whether it is a placeholder (which takes its colour from the layout).
    """
    if layout_shape is not None:
        page.shapes.clone_placeholder(layout_shape)
        # The clone is the last shape (looking it up by idx in `page.placeholders` made a
        # placeholder object of every shape on the slide, twice a slide).
        shape = page.shapes[-1]
        place(shape, box)
        return shape, True
    shape = page.shapes.add_textbox(Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h))
    shape.name = name
    return shape, False


def _add_footer(page: PptxSlide, number: int, ctx: RenderContext) -> None:
    """Footer text at the reading start and the slide number (a live field) at the end."""
    grid = ctx.grid
    layout_shapes: dict[PP_PLACEHOLDER, LayoutPlaceholder] = {}
    for layout_shape in page.slide_layout.placeholders:  # the first of each kind, as drawn
        layout_shapes.setdefault(layout_shape.placeholder_format.type, layout_shape)
    if ctx.deck.footer:
        footer = layout_shapes.get(PP_PLACEHOLDER.FOOTER)
        shape, inherits = _footer_shape(page, footer, grid.footer, "Footer")
        style = _footer_style(ctx, inherits, "start")
        fill_frame(shape.text_frame, grid.footer, [TextLine(ctx.deck.footer)], style, ctx)
    number_shape = layout_shapes.get(PP_PLACEHOLDER.SLIDE_NUMBER)
    shape, inherits = _footer_shape(page, number_shape, grid.slide_number, "Slide Number")
    style = _footer_style(ctx, inherits, "end")
    shown = localise_digits(str(number), ctx.deck.lang, ctx.deck.digits)
    fill_frame(shape.text_frame, grid.slide_number, [TextLine(shown)], style, ctx)
    if shown != str(number) or ctx.rtl:
        # Viewers draw a slide-number field with Latin digits: Persian and Arabic digits are
        # written as text (the number no longer updates if slides are moved by hand). So is
        # any number of a right-to-left deck: LibreOffice drew a field in a right-to-left
        # paragraph 8 pt above the footer's baseline.
        return
    paragraph = shape.text_frame.paragraphs[0]._p
    run = paragraph.find(qn("a:r"))
    field = element("a:fld", id=_SLIDE_NUMBER_FIELD_ID, type="slidenum")
    field.append(run.find(qn("a:rPr")))
    child(field, "a:t").text = str(number)
    run.addprevious(field)
    paragraph.remove(run)


def _footer_style(ctx: RenderContext, inherits: bool, align: Align) -> TextStyle:
    color = None if inherits else ctx.rgb("muted")
    # Anchored at the bottom (not the middle): footer text and number of different scripts
    # and line heights then share the box's bottom edge, so their baselines stay close.
    return TextStyle(size=9, min_size=9, color=color, align=align, anchor="bottom", inset_x=0)


def write_notes(frame: TextFrame, notes: str, ctx: RenderContext) -> None:
    """`notes` in a notes page's text frame, one paragraph a line, in the deck's direction."""
    frame.clear()
    for number, text in enumerate(notes.split("\n")):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        style_paragraph(paragraph, ctx, "start")
        run = paragraph.add_run()
        run.text = text
        set_run_language(run._r.get_or_add_rPr(), ctx)


def _draw_logo(slide: PptxSlide, logo: Path, ctx: RenderContext) -> None:
    box = ctx.grid.logo
    try:
        picture = slide.shapes.add_picture(str(logo), Emu(box.x), Emu(box.y), height=Emu(box.h))
    except (OSError, ValueError) as exc:
        # Pillow's "cannot identify image file <BytesIO ...>" means nothing to a user.
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else None
        raise TemplateError(
            f"logo {logo}: {reason or 'not a PNG, JPEG, GIF, BMP or TIFF image'}"
        ) from None
    picture.name = "Logo"
    if picture.width > box.w:  # too wide: fit the width instead, keep the aspect ratio
        picture.height = Emu(round(picture.height * box.w / picture.width))
        picture.width = Emu(box.w)
    if ctx.rtl:
        picture.left = Emu(box.x)
    else:
        picture.left = Emu(box.right - picture.width)


def _draw_slide(
    prs: PresentationType,
    brand: Brand,
    slide: Slide,
    number: int,
    ctx: RenderContext,
    logo: Path | None,
    key: str,
    bare: bool = False,
    figures_only: frozenset[str] = frozenset(),
) -> tuple[PptxSlide, dict[str, Fingerprint]]:
    kind = layout_kind(slide.kind)
    page = prs.slides.add_slide(brand.layouts[kind])
    blocks: list[tuple[str, list]] = []  # each block's key and the shapes drawn for it
    grid = ctx.grid
    title_shape = _placeholder(page, _TITLE_KINDS)
    cover = kind in ("title", "section")
    title_box = grid.cover_title if cover else grid.title
    title_style = _title_style(kind)
    if not cover and ctx.deck.title_style == TitleStyle.ACTION and not slide.headline:
        title_box = action_title_box(grid)
        title_style = action_title_style(slide.title, title_box, ctx)
    title_lines = [TextLine(slide.title)]
    if title_shape is None:  # brand.load_brand guarantees one; kept for safety of edits
        add_text(page, title_box, title_lines, title_style, ctx, name="Title")
    else:
        _write_placeholder(title_shape, title_box, title_lines, title_style, ctx)
    if not cover and slide.tracker:
        draw_tracker(page, slide.tracker, ctx)
    if cover:
        subtitle = [slide.subtitle] if slide.subtitle else []
        # A Latin client name in a right-to-left deck keeps its own order ("Co." not ".Co").
        client = isolate_first_strong(ctx.deck.client) if ctx.rtl else ctx.deck.client
        if kind == "title":
            subtitle += [client, ctx.deck.period_label]
        shape = _placeholder(page, _SUBTITLE_KINDS)
        if shape is not None and subtitle:
            lines = [TextLine(text, bold=(kind == "title" and text == client)) for text in subtitle]
            style = TextStyle(
                size=20 if kind == "title" else 18,
                min_size=12,
                color=None,
                inset_x=0,
                inset_y=0,
                space_after=4,
            )
            _write_placeholder(shape, grid.cover_subtitle, lines, style, ctx)
        if kind == "title" and logo is not None:
            _draw_logo(page, logo, ctx)
    else:
        if slide.headline:
            style = TextStyle(
                size=16,
                min_size=12,
                color=ctx.rgb("muted"),
                inset_x=0,
                inset_y=2,
            )
            add_text(page, grid.headline, [TextLine(slide.headline)], style, ctx, name="Headline")
        top_h = _top_row_height(slide, ctx)
        for index, block in enumerate(slide.blocks, start=1):
            first = len(page.shapes._spTree)
            name = block_key(block, index)
            lean = f"{key}/{name}" in figures_only
            block_ctx = replace(ctx, figures_only=True) if lean else ctx
            _draw_block(page, block, grid.area(block.area, top_h), block_ctx)
            blocks.append((name, list(page.shapes._spTree)[first:]))
    for shape in list(page.placeholders):
        if not shape.has_text_frame or not shape.text_frame.text.strip():
            _remove_shape(shape)
    if not bare:
        if kind != "title":
            _add_footer(page, number, ctx)
        write_notes(notes_page(page).notes_text_frame, slide.notes, ctx)
    return page, tag_slide(page, key, blocks)


def draw_slides(
    prs: PresentationType,
    brand: Brand,
    deck: Deck,
    *,
    charts: Literal["native", "image"] = "native",
    logo: Path | None = None,
    only: set[str] | None = None,
    bare: frozenset[str] = frozenset(),
    figures_only: frozenset[str] = frozenset(),
) -> list[tuple[str, PptxSlide, dict[str, Fingerprint]]]:
    """Draw the deck's slides (those whose key is in `only`, if given) at the end of `prs`;
    each slide's key, the slide and its shapes' fingerprints (deckgen.render.identity). The
    slides of `bare` keys get no footer and no notes, and the charts of the blocks in
    `figures_only` (`<slide key>/<block key>`) no look (refresh merges them into slides and
    charts that have theirs)."""
    ctx = render_context(prs, brand, deck, charts)
    drawn = []
    keys = slide_keys([slide.kind for slide in deck.slides])
    for number, (slide, key) in enumerate(zip(deck.slides, keys, strict=True), start=1):
        if only is None or key in only:
            page, prints = _draw_slide(
                prs, brand, slide, number, ctx, logo, key, key in bare, figures_only
            )
            drawn.append((key, page, prints))
    return drawn


def render_context(
    prs: PresentationType, brand: Brand, deck: Deck, charts: Literal["native", "image"]
) -> RenderContext:
    """The context `deck` is drawn in on `prs` with `brand`."""
    grid = grid_for(prs.slide_width, prs.slide_height, deck.direction)
    return RenderContext(deck=deck, theme=brand.theme, grid=grid, charts=charts)


def deck_record(
    brand: Brand,
    deck: Deck,
    keys: list[str],
    prints: dict[str, Fingerprint],
    charts: str,
    provenance: dict[str, object] | None,
) -> dict[str, object]:
    """deckgen's record of a deck (deckgen.render.identity): what made it and what it holds."""
    theme = brand.theme
    return {
        "format": FORMAT,
        "version": deckgen.__version__,
        "lang": deck.lang,
        "direction": deck.direction,
        "charts": charts,
        "slides": keys,
        "models": {
            key: slide_digest(deck, slide, charts)
            for key, slide in zip(keys, deck.slides, strict=True)
        },
        "slide_ids": slide_ids(brand.presentation, keys),
        # LibreOffice rewrites the theme's fonts on save: refresh draws in the ones measured.
        "fonts": {"major": theme.major_font, "minor": theme.minor_font, "cs": theme.cs_font},
        "items": prints,
        **(provenance or {}),
    }


def render_pptx(
    deck: Deck,
    *,
    template: Path | None = None,
    charts: Literal["native", "image"] = "native",
    logo: Path | None = None,
    provenance: dict[str, object] | None = None,
) -> bytes:
    """The deck as .pptx bytes, built on `template` (default: deckgen's); TemplateError.

    `provenance` (period, settings, ...) is stored in the deck's record for `deckgen refresh`.
    """
    brand = load_brand(template)
    prs = brand.presentation
    drawn = draw_slides(prs, brand, deck, charts=charts, logo=logo)
    prints = {identity: p for _, _, slide_prints in drawn for identity, p in slide_prints.items()}
    keys = [key for key, _, _ in drawn]
    write_record(prs, deck_record(brand, deck, keys, prints, charts, provenance))
    set_core_properties(
        prs,
        title=deck.title,
        subject=f"{deck.client} — {deck.period_label}",
        author="deckgen",
        created=FIXED_TIME,  # the deck has no clock: equal decks give equal bytes
    )
    return save_deterministic(prs)
