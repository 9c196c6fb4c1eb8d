"""The slide grid: named areas and fixed boxes as EMU rectangles, mirrored for right-to-left.

Pure arithmetic (no python-pptx), so slide builders can ask how big an area is. The grid is
designed on a 13.333 x 7.5 in (16:9) slide and scaled to the template's slide size:

    title     0.55 in from the sides, 0.35 in from the top, 0.80 in high
    headline  below the title, 0.60 in high
    content   1.95 in .. 6.80 in from the top; areas split it in halves/quarters with a
              0.35 in gutter; a top row holding only KPI strips is 1.35 in high instead of half
    footer    7.00 in from the top, 0.30 in high: footer text at the start, slide number at the end

Right-to-left decks mirror every box around the vertical centre line (x' = W - x - w).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from deckgen.model import Area, Direction

EMU_PER_INCH = 914400
EMU_PER_PT = 12700
DESIGN_W = 12192000  # 13.333 in: the 16:9 slide the grid is designed on
DESIGN_H = 6858000  # 7.5 in
BLOCK_TITLE_PT = 30.0  # a block's title band at the top of its area
BLOCK_GAP_PT = 4.0  # between a block's title band and its content

_MARGIN_X = 0.55  # inches, on the design slide
_TITLE_Y, _TITLE_H = 0.35, 0.80
_HEADLINE_Y, _HEADLINE_H = 1.15, 0.60
_CONTENT_Y, _CONTENT_BOTTOM = 1.95, 6.80
_FOOTER_Y, _FOOTER_H = 7.00, 0.30
_GUTTER = 0.35
_KPI_ROW_H = 1.35
_NUMBER_W = 1.0  # slide-number box width
_COVER_X = 0.90  # title and section slides: text starts further in
_COVER_TITLE_Y, _COVER_TITLE_H = 2.30, 1.60
_COVER_SUBTITLE_Y, _COVER_SUBTITLE_H = 4.05, 1.30
_LOGO_W, _LOGO_H = 2.0, 0.80

_TOP_ROW: frozenset[Area] = frozenset({"top", "left_top", "right_top"})
_LEFT: frozenset[Area] = frozenset({"left", "left_top", "left_bottom"})
_RIGHT: frozenset[Area] = frozenset({"right", "right_top", "right_bottom"})
_BOTTOM_ROW: frozenset[Area] = frozenset({"bottom", "left_bottom", "right_bottom"})


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide, in EMU."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        """x + w."""
        return self.x + self.w

    @property
    def bottom(self) -> int:
        """y + h."""
        return self.y + self.h

    @property
    def w_pt(self) -> float:
        """Width in points."""
        return self.w / EMU_PER_PT

    @property
    def h_pt(self) -> float:
        """Height in points."""
        return self.h / EMU_PER_PT

    def mirrored(self, slide_w: int) -> Box:
        """This box reflected around the slide's vertical centre line."""
        return replace(self, x=slide_w - self.x - self.w)

    def split_top(self, h: int, gap: int = 0) -> tuple[Box, Box]:
        """The top `h` of this box and what is left below it after `gap`."""
        h = min(h, self.h)
        rest = max(self.h - h - gap, 0)
        return replace(self, h=h), Box(self.x, self.y + h + gap, self.w, rest)


@dataclass(frozen=True)
class Grid:
    """Boxes of one slide size and direction; every public box is already mirrored for RTL."""

    slide_w: int
    slide_h: int
    direction: Direction

    def _x(self, inches: float) -> int:
        return round(inches * EMU_PER_INCH * self.slide_w / DESIGN_W)

    def _y(self, inches: float) -> int:
        return round(inches * EMU_PER_INCH * self.slide_h / DESIGN_H)

    def _place(self, box: Box) -> Box:
        return box.mirrored(self.slide_w) if self.direction == "rtl" else box

    def _band(self, y: float, h: float, inset: float = _MARGIN_X) -> Box:
        left = self._x(inset)
        return Box(left, self._y(y), self.slide_w - 2 * left, self._y(h))

    @property
    def gutter(self) -> int:
        """Space between two areas, EMU."""
        return self._x(_GUTTER)

    @property
    def title(self) -> Box:
        """Title of a content slide."""
        return self._band(_TITLE_Y, _TITLE_H)

    @property
    def headline(self) -> Box:
        """The finding sentence under the title."""
        return self._band(_HEADLINE_Y, _HEADLINE_H)

    @property
    def content(self) -> Box:
        """The whole region the areas divide."""
        return self._band(_CONTENT_Y, _CONTENT_BOTTOM - _CONTENT_Y)

    @property
    def footer(self) -> Box:
        """Footer text, at the reading start of the bottom line."""
        band = self._band(_FOOTER_Y, _FOOTER_H)
        number_w = self._x(_NUMBER_W)
        return self._place(Box(band.x, band.y, band.w - number_w - self.gutter, band.h))

    @property
    def slide_number(self) -> Box:
        """Slide number, at the reading end of the bottom line."""
        band = self._band(_FOOTER_Y, _FOOTER_H)
        number_w = self._x(_NUMBER_W)
        return self._place(Box(band.right - number_w, band.y, number_w, band.h))

    @property
    def cover_title(self) -> Box:
        """Title of a title or section slide."""
        return self._band(_COVER_TITLE_Y, _COVER_TITLE_H, _COVER_X)

    @property
    def cover_subtitle(self) -> Box:
        """Subtitle of a title or section slide."""
        return self._band(_COVER_SUBTITLE_Y, _COVER_SUBTITLE_H, _COVER_X)

    @property
    def logo(self) -> Box:
        """The largest box a logo may take on the title slide (top corner at the reading end)."""
        w, h = self._x(_LOGO_W), self._y(_LOGO_H)
        return self._place(Box(self.slide_w - self._x(_MARGIN_X) - w, self._y(0.45), w, h))

    def top_row_height(self, kpi_only: bool) -> int:
        """Height of the top row: a KPI strip's when it holds only KPI strips, else half."""
        content = self.content
        if kpi_only:
            return self._y(_KPI_ROW_H)
        return (content.h - self.gutter) // 2

    def area(self, area: Area, top_row_h: int | None = None) -> Box:
        """The box of a named area; `top_row_h` overrides the height of the top row."""
        content = self.content
        gutter = self.gutter
        top_h = (content.h - gutter) // 2 if top_row_h is None else top_row_h
        half_w = (content.w - gutter) // 2
        x, w = content.x, content.w
        if area in _LEFT:
            w = half_w
        elif area in _RIGHT:
            x, w = content.right - half_w, half_w
        y, h = content.y, content.h
        if area in _TOP_ROW:
            h = top_h
        elif area in _BOTTOM_ROW:
            y, h = content.y + top_h + gutter, content.h - top_h - gutter
        return self._place(Box(x, y, w, h))


def grid_for(slide_w: int, slide_h: int, direction: Direction) -> Grid:
    """The grid of a slide of this size (EMU) and reading direction."""
    return Grid(slide_w=slide_w, slide_h=slide_h, direction=direction)


def area_size_pt(area: Area, kpi_top_row: bool = False) -> tuple[float, float]:
    """Width and height (points) of an area on the default 16:9 slide, for slide builders."""
    grid = grid_for(DESIGN_W, DESIGN_H, "ltr")
    box = grid.area(area, grid.top_row_height(kpi_top_row))
    return box.w_pt, box.h_pt
