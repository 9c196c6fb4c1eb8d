"""What every drawing function needs: the deck's language and direction, theme colours, grid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pptx.dml.color import RGBColor

from deckgen.model import Deck, Tone
from deckgen.render.brand import Theme
from deckgen.render.layout import Grid

LANG_TAGS = {"en": "en-US", "ar": "ar-SA", "fa": "fa-IR"}
# Delta colours are semantic, not brand: they stay green and red in any theme.
_TONE_COLORS = {"good": "1E8E5A", "bad": "C8102E"}
# Theme slots per role; series colours cycle through SERIES_SLOTS.
_ROLE_SLOTS = {
    "text": "dk1",
    "title": "dk2",
    "background": "lt1",
    "light": "lt2",
    "primary": "accent1",
    "accent": "accent2",
    "grey": "accent3",
    "rule": "accent4",
    "muted": "accent6",
}
SERIES_SLOTS = ("accent1", "accent2", "accent3", "accent5", "accent4", "accent6")
Role = Literal["text", "title", "background", "light", "primary", "accent", "grey", "rule", "muted"]
ChartMode = Literal["native", "image"]


def blend(color: str, other: str, t: float) -> str:
    """The RRGGBB colour a fraction `t` (0..1) of the way from `color` to `other`."""
    t = min(max(t, 0.0), 1.0)
    a = [int(color[i : i + 2], 16) for i in (0, 2, 4)]
    b = [int(other[i : i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(a, b, strict=True))


def luminance(color: str) -> float:
    """Relative luminance of an RRGGBB colour, 0 (black) .. 1 (white)."""
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@dataclass(frozen=True)
class RenderContext:
    """The deck being drawn, its theme, grid and chart mode."""

    deck: Deck
    theme: Theme
    grid: Grid
    charts: ChartMode = "native"
    money_max: float = 0.0  # the largest money amount of the chart being drawn, display units
    # A refresh merges the chart of this block into the deck's own chart, reading its figures
    # (series, value axes' scales, workbook) only: its look is not drawn.
    figures_only: bool = False

    @property
    def rtl(self) -> bool:
        """True for a right-to-left deck."""
        return self.deck.direction == "rtl"

    @property
    def lang_tag(self) -> str:
        """The language tag written on every run (en-US, ar-SA, fa-IR)."""
        return LANG_TAGS.get(self.deck.lang, self.deck.lang)

    def hex(self, role: Role) -> str:
        """RRGGBB of a colour role in this theme."""
        return self.theme.colors[_ROLE_SLOTS[role]]

    def rgb(self, role: Role) -> RGBColor:
        """A colour role as an RGBColor."""
        return RGBColor.from_string(self.hex(role))

    def tone_rgb(self, tone: Tone) -> RGBColor:
        """Colour of a KPI delta: green, red, or muted for neutral."""
        return RGBColor.from_string(_TONE_COLORS.get(tone) or self.hex("muted"))

    def series_hex(self, index: int) -> str:
        """RRGGBB of the `index`-th series colour."""
        return self.theme.colors[SERIES_SLOTS[index % len(SERIES_SLOTS)]]
