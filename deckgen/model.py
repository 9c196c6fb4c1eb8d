"""The slide model: a format-free description of the deck, drawn by deckgen.render.

Plain frozen dataclasses only; no pandas, python-pptx or matplotlib here. Text is final
(already worded and formatted for the deck's language); chart values are raw numbers with
a `ValueKind` that tells the renderer how to format them. Positions are named areas of a
grid, written for a left-to-right deck; the renderer mirrors them for right-to-left decks.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from deckgen.narrative.claims import Claim

Direction = Literal["ltr", "rtl"]
# Areas of the content region below the title: full width, halves, and quarters.
Area = Literal[
    "full",
    "top",
    "bottom",
    "left",
    "right",
    "left_top",
    "left_bottom",
    "right_top",
    "right_bottom",
]
# How a number is shown: counts (thousands separators), percent (value is a fraction 0..1),
# money (client currency), decimal (one decimal), score (NPS-style signed integer).
ValueKind = Literal["count", "percent", "money", "decimal", "score"]
Tone = Literal["good", "bad", "neutral"]


class TitleStyle(StrEnum):
    """What a slide's title says: its finding (an action title) or its topic."""

    ACTION = "action"  # the finding is the title; the topic moves to the tracker above it
    TOPIC = "topic"  # the topic is the title; the finding is the line under it


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of text; level 0 is a top bullet, 1 a sub-bullet."""

    text: str
    level: int = 0
    bold: bool = False


@dataclass(frozen=True)
class TextBlock:
    """Paragraphs of text in one area."""

    paragraphs: tuple[Paragraph, ...]
    area: Area = "full"
    style: Literal["body", "bullets", "callout", "caption"] = "body"
    title: str | None = None


@dataclass(frozen=True)
class Kpi:
    """One headline figure: label, formatted value and its change."""

    label: str
    value: str
    delta: str | None = None  # e.g. "+4.2 pts vs Sep"
    tone: Tone = "neutral"  # colour of the delta
    # The figure it shows (e.g. "new_customers"), the same every month: `deckgen refresh`
    # matches a card to last month's by it, wherever it stands in the strip.
    key: str | None = None


@dataclass(frozen=True)
class KpiStrip:
    """A row of headline figures."""

    kpis: tuple[Kpi, ...]
    area: Area = "top"


@dataclass(frozen=True)
class Series:
    """One data series of a category chart; None is a missing value."""

    name: str
    values: tuple[float | None, ...]
    value_kind: ValueKind = "count"
    axis: Literal["primary", "secondary"] = "primary"  # secondary only in combo charts
    plot: Literal["bar", "line"] = "bar"  # in combo charts: how this series is drawn


@dataclass(frozen=True)
class ChartSpec:
    """A category chart (bar, column, stacked, line, doughnut, or bar+line combo)."""

    kind: Literal["bar", "column", "stacked_bar", "stacked_column", "line", "doughnut", "combo"]
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    area: Area = "full"
    value_axis_title: str | None = None
    secondary_axis_title: str | None = None  # combo only
    data_labels: bool = True
    legend: bool = True
    highlight: int | None = None  # index of a category to emphasise (bar/column only)
    source: str | None = None  # the small line under the chart: sheet, period, n


@dataclass(frozen=True)
class XYSeries:
    """One series of points of a scatter chart."""

    name: str
    xs: tuple[float, ...]
    ys: tuple[float, ...]


@dataclass(frozen=True)
class ScatterSpec:
    """An XY scatter, optionally split into four named quadrants."""

    title: str
    series: tuple[XYSeries, ...]
    x_title: str
    y_title: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    x_kind: ValueKind = "decimal"
    y_kind: ValueKind = "decimal"
    x_split: float | None = None  # quadrant boundary on x
    y_split: float | None = None  # quadrant boundary on y
    # Quadrant labels in the order: top-left, top-right, bottom-left, bottom-right (LTR).
    quadrant_labels: tuple[str, str, str, str] | None = None
    area: Area = "full"
    source: str | None = None  # the small line under the chart: sheet, period, n


@dataclass(frozen=True)
class FunnelStage:
    """One stage of a funnel drawn from shapes."""

    label: str
    value: float
    value_text: str
    conversion_text: str | None = None  # conversion from the previous stage, e.g. "23% convert"


@dataclass(frozen=True)
class FunnelSpec:
    """A funnel of stages, widest first; `highlight` marks the biggest leak."""

    stages: tuple[FunnelStage, ...]
    area: Area = "full"
    highlight: int | None = None  # index of the stage whose entry conversion is the worst
    source: str | None = None  # the small line under the funnel: sheets, period, n


@dataclass(frozen=True)
class Cell:
    """One table cell: display text, the number behind it, an optional heat fill 0..1."""

    text: str
    value: float | None = None
    heat: float | None = None  # 0..1 position on the table's colour scale; None = no fill


@dataclass(frozen=True)
class TableColumn:
    """A table column: header, alignment and relative width."""

    header: str
    align: Literal["start", "end", "center"] = "start"  # start = left in LTR, right in RTL
    width: float = 1.0  # relative weight


@dataclass(frozen=True)
class TableSpec:
    """A table; rows of cells in column order (written for LTR; the renderer mirrors)."""

    columns: tuple[TableColumn, ...]
    rows: tuple[tuple[Cell, ...], ...]
    area: Area = "full"
    title: str | None = None
    font_size: float = 11  # points
    # What each row is (a channel, a segment), the same every month: `deckgen refresh` matches
    # rows by them; empty when rows are places (a ranking), else one unique key per row.
    row_keys: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.row_keys and (
            len(self.row_keys) != len(self.rows) or len(set(self.row_keys)) != len(self.rows)
        ):
            raise ValueError("a table's row keys must be one per row and unique")

    def rows_between(self, start: int, stop: int) -> TableSpec:
        """The table of rows `start` to `stop` (a page of it), their keys with them."""
        keys = self.row_keys[start:stop]
        return replace(self, rows=self.rows[start:stop], row_keys=keys)


Block = TextBlock | KpiStrip | ChartSpec | ScatterSpec | FunnelSpec | TableSpec


@dataclass(frozen=True)
class Slide:
    """One slide: its kind, title, finding, content, speaker notes and the claims it makes."""

    kind: str  # a deckgen.slides.registry.SlideKind
    title: str  # the finding (action titles) or the topic
    notes: str
    headline: str | None = None  # the finding under a topic title; None under an action title
    blocks: tuple[Block, ...] = ()
    subtitle: str | None = None  # title and section slides only
    tracker: str | None = None  # the small line above the title: section (and topic)
    cites: tuple[str, ...] = ()  # docs/metrics.md anchors its notes quote
    # What the slide's sentences assert about the figures (deckgen.narrative.claims).
    claims: tuple[Claim, ...] = ()


@dataclass(frozen=True)
class Deck:
    """The whole deck, ready to render."""

    title: str
    client: str
    period_label: str
    lang: str  # "en", "ar", "fa"
    direction: Direction
    currency: str
    slides: tuple[Slide, ...]
    footer: str = ""
    digits: Literal["latn", "native"] = "latn"
    skipped: tuple[str, ...] = field(default=())  # slide kinds left out (see the data notes)
    title_style: TitleStyle = TitleStyle.ACTION
