"""The same chart specs drawn with matplotlib, as pictures (`--charts image`).

The only module that imports matplotlib. No pyplot: each chart is a `Figure` with a
`FigureCanvasAgg`, the size of its slide box, saved as a PNG without metadata, so equal specs
give equal bytes. Arabic script is shaped by matplotlib itself (3.11 bundles libraqm), so raw
strings are passed; fonts are Carlito (or the theme's font when found) for Latin text and
Noto Sans Arabic (from the fontpkg-noto-sans-arabic package) for Arabic script, with DejaVu
Sans as the last fallback. RTL charts run right to left (inverted x axis, ticks on the right).
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache

import matplotlib
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from pptx.slide import Slide as PptxSlide
from pptx.util import Emu

from deckgen import textmetrics
from deckgen.formats import format_value, rtl_mark
from deckgen.model import ChartSpec, ScatterSpec, Series, ValueKind
from deckgen.render.context import RenderContext, Role, blend, luminance
from deckgen.render.layout import EMU_PER_INCH, Box

DPI = 200
_BASE_PT, _SMALL_PT = 11.0, 10.0
_DIM = 0.55  # non-highlighted categories of a multi-series chart fade this far to white


@cache
def _register_fonts() -> tuple[str, ...]:
    """Register the Latin and Arabic font files deckgen measures with; their family names."""
    names: list[str] = []
    for family in ("Carlito", textmetrics.ARABIC_FAMILY):
        for bold in (False, True):
            path = textmetrics.font_path(family, bold)
            if path is not None:
                font_manager.fontManager.addfont(str(path))
                name = font_manager.FontProperties(fname=str(path)).get_name()
                if name not in names:
                    names.append(name)
    try:
        import fontpkg_noto_sans_arabic as noto

        for path in sorted(noto.ROOT.glob("files/*.ttf")):
            font_manager.fontManager.addfont(str(path))
    except ImportError:
        pass
    return tuple(names)


def _families(rtl: bool) -> list[str]:
    registered = _register_fonts()
    latin = [n for n in registered if n != textmetrics.ARABIC_FAMILY]
    arabic = [textmetrics.ARABIC_FAMILY]
    # Debian's Noto Sans Arabic has no Latin letters, % or parentheses: fall back per glyph.
    return [*(arabic + latin if rtl else latin + arabic), "DejaVu Sans"]


def _rgb(hex_color: str) -> str:
    return f"#{hex_color}"


def _label(text: str, rtl: bool) -> str:
    """A label; in RTL decks one starting with a Latin word gets U+200F (RTL.md)."""
    if not rtl:
        return text
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return text
        if kind == "L":
            return rtl_mark(text)
    return text


class _Painter:
    """Drawing helpers bound to one deck: colours, number formatting, direction."""

    def __init__(self, ctx: RenderContext) -> None:
        self.ctx = ctx
        self.rtl = ctx.rtl

    def fmt(self, kind: ValueKind) -> Callable[[float | None], str]:
        deck = self.ctx.deck
        return lambda v: format_value(v, kind, deck.lang, deck.digits, deck.currency)

    def axis_formatter(self, kind: ValueKind) -> FuncFormatter:
        fmt = self.fmt(kind)
        return FuncFormatter(lambda value, _pos: fmt(value))

    def color(self, role: Role) -> str:
        return _rgb(self.ctx.hex(role))

    def series_color(self, index: int) -> str:
        return _rgb(self.ctx.series_hex(index))

    def style_axes(self, ax: Axes, value_axis: str) -> None:
        """Light grid on the value axis, no box, muted ticks; RTL mirrored."""
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.spines["bottom"].set_color(self.color("rule"))
        ax.tick_params(colors=self.color("muted"), labelsize=_SMALL_PT, length=0)
        ax.grid(axis=value_axis, color=self.color("rule"), linewidth=0.5)
        ax.set_axisbelow(True)
        if self.rtl:
            ax.yaxis.tick_right()
            ax.yaxis.set_label_position("right")

    def legend(self, ax: Axes, handles: Sequence[Artist] | None = None, cols: int = 6) -> None:
        kwargs = {"handles": handles} if handles is not None else {}
        legend = ax.legend(
            **kwargs,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12),
            ncols=cols,
            frameon=False,
            fontsize=_SMALL_PT,
            markerfirst=not self.rtl,
        )
        for text in legend.get_texts():
            text.set_text(_label(text.get_text(), self.rtl))


def _values(series: Series) -> list[float]:
    return [math.nan if v is None else v for v in series.values]


def _bar_colors(p: _Painter, spec: ChartSpec, index: int, multi: bool) -> list[str]:
    base = p.series_color(index) if multi else p.color("primary")
    colors = [base] * len(spec.categories)
    if spec.highlight is not None and 0 <= spec.highlight < len(colors):
        if multi:
            colors = [_rgb(blend(base[1:], "FFFFFF", _DIM))] * len(colors)
            colors[spec.highlight] = base
        else:
            colors[spec.highlight] = p.color("accent")
    return colors


def _draw_bars(ax: Axes, p: _Painter, spec: ChartSpec, series: Sequence[Series]) -> None:
    """Clustered or stacked bars/columns with value labels."""
    horizontal = spec.kind in ("bar", "stacked_bar")
    stacked = spec.kind in ("stacked_bar", "stacked_column")
    count, n = len(spec.categories), len(series)
    positions = list(range(count))
    width = 0.62 if stacked or n == 1 else 0.8 / n
    base = [0.0] * count
    multi = n > 1
    # Orientation first: bar_label places its labels by the orientation at the time.
    if horizontal:
        ax.invert_yaxis()  # first category on top
    if p.rtl:
        ax.invert_xaxis()
    for index, item in enumerate(series):
        values = _values(item)
        offset = 0.0 if stacked or n == 1 else (index - (n - 1) / 2) * width
        where = [x + offset for x in positions]
        colors = _bar_colors(p, spec, index, multi)
        draw = ax.barh if horizontal else ax.bar
        kwargs = {"left" if horizontal else "bottom": base} if stacked else {}
        bars = draw(
            where,
            [0.0 if math.isnan(v) else v for v in values],
            width,
            color=colors,
            label=item.name,
            **kwargs,
        )
        if spec.data_labels:
            fmt = p.fmt(item.value_kind)
            labels = ["" if math.isnan(v) else fmt(v) for v in values]
            ax.bar_label(
                bars,
                labels=labels,
                label_type="center" if stacked else "edge",
                padding=2,
                fontsize=_SMALL_PT,
                color="white" if stacked and luminance(colors[0][1:]) < 0.5 else p.color("text"),
            )
        if stacked:
            base = [b + (0.0 if math.isnan(v) else v) for b, v in zip(base, values, strict=True)]
    labels = [_label(c, p.rtl) for c in spec.categories]
    kind = series[0].value_kind
    if horizontal:
        ax.set_yticks(positions, labels)
        ax.xaxis.set_major_formatter(p.axis_formatter(kind))
        p.style_axes(ax, "x")
    else:
        ax.set_xticks(positions, labels)
        ax.yaxis.set_major_formatter(p.axis_formatter(kind))
        p.style_axes(ax, "y")
    if spec.data_labels:
        (ax.xaxis if horizontal else ax.yaxis).set_visible(False)
        ax.grid(False)


def _draw_lines(
    ax: Axes, p: _Painter, spec: ChartSpec, series: Sequence[Series], start: int = 0
) -> None:
    positions = list(range(len(spec.categories)))
    for index, item in enumerate(series, start=start):
        values = _values(item)
        color = p.series_color(index)
        ax.plot(
            positions,
            values,
            color=color,
            linewidth=2.25,
            marker="o",
            markersize=6,
            label=item.name,
        )
        if spec.data_labels:
            fmt = p.fmt(item.value_kind)
            for x, v in zip(positions, values, strict=True):
                if not math.isnan(v):
                    ax.annotate(
                        fmt(v),
                        (x, v),
                        textcoords="offset points",
                        xytext=(0, 7),
                        ha="center",
                        fontsize=_SMALL_PT,
                        color=p.color("text"),
                    )


def _draw_category_chart(fig: Figure, p: _Painter, spec: ChartSpec) -> None:
    ax = fig.add_subplot()
    if spec.kind == "doughnut":
        _draw_doughnut(ax, p, spec)
        return
    if spec.kind == "line":
        _draw_lines(ax, p, spec, spec.series)
        ax.set_xticks(range(len(spec.categories)), [_label(c, p.rtl) for c in spec.categories])
        ax.yaxis.set_major_formatter(p.axis_formatter(spec.series[0].value_kind))
        ax.margins(x=0.05, y=0.2)
        if p.rtl:
            ax.invert_xaxis()
        p.style_axes(ax, "y")
        if spec.data_labels:
            ax.yaxis.set_visible(False)
            ax.grid(False)
    elif spec.kind == "combo":
        _draw_combo(ax, p, spec)
    else:
        _draw_bars(ax, p, spec, spec.series)
    if spec.value_axis_title and not (spec.data_labels and spec.kind != "combo"):
        setter = ax.set_xlabel if spec.kind in ("bar", "stacked_bar") else ax.set_ylabel
        setter(_label(spec.value_axis_title, p.rtl), fontsize=_SMALL_PT, color=p.color("muted"))
    if spec.legend and len(spec.series) > 1 and spec.kind != "combo":
        p.legend(ax)


def _draw_combo(ax: Axes, p: _Painter, spec: ChartSpec) -> None:
    bars = [s for s in spec.series if s.plot == "bar"]
    lines = [s for s in spec.series if s.plot == "line"]
    if bars:
        _draw_bars(ax, p, replace(spec, kind="column", series=tuple(bars)), bars)
    else:
        ax.set_xticks(range(len(spec.categories)), [_label(c, p.rtl) for c in spec.categories])
        p.style_axes(ax, "y")
    primary = [s for s in lines if s.axis == "primary"]
    secondary = [s for s in lines if s.axis == "secondary"]
    _draw_lines(ax, p, spec, primary, start=max(len(bars), 1))
    handles, _ = ax.get_legend_handles_labels()
    if secondary:
        twin = ax.twinx()
        if p.rtl:  # twinx() moved the primary ticks back to the left
            ax.yaxis.tick_right()
            ax.yaxis.set_label_position("right")
        _draw_lines(twin, p, spec, secondary, start=max(len(bars), 1) + len(primary))
        twin.yaxis.set_major_formatter(p.axis_formatter(secondary[0].value_kind))
        for side in ("top", "right", "left", "bottom"):
            twin.spines[side].set_visible(False)
        twin.tick_params(colors=p.color("muted"), labelsize=_SMALL_PT, length=0)
        twin.set_ylim(bottom=0)
        if p.rtl:
            twin.yaxis.tick_left()
            twin.yaxis.set_label_position("left")
        if spec.secondary_axis_title:
            twin.set_ylabel(
                _label(spec.secondary_axis_title, p.rtl), fontsize=_SMALL_PT, color=p.color("muted")
            )
        handles += twin.get_legend_handles_labels()[0]
    if spec.legend:
        p.legend(ax, handles)


def _draw_doughnut(ax: Axes, p: _Painter, spec: ChartSpec) -> None:
    values = [0.0 if v is None else v for v in spec.series[0].values]
    total = sum(values) or 1.0
    colors = [p.series_color(i) for i in range(len(values))]
    wedges, _ = ax.pie(
        values,
        colors=colors,
        startangle=90,
        counterclock=p.rtl,
        wedgeprops={"width": 0.45, "edgecolor": "white", "linewidth": 1.5},
    )
    fmt = p.fmt("percent")
    for wedge, value, color in zip(wedges, values, colors, strict=True):
        angle = math.radians((wedge.theta1 + wedge.theta2) / 2)
        dark = luminance(color[1:]) < 0.5
        ax.text(
            0.775 * math.cos(angle),
            0.775 * math.sin(angle),
            fmt(value / total),
            ha="center",
            va="center",
            fontsize=_SMALL_PT,
            fontweight="bold",
            color="white" if dark else p.color("text"),
        )
    ax.set_aspect("equal")
    if spec.legend:
        for wedge, category in zip(wedges, spec.categories, strict=True):
            wedge.set_label(category)
        p.legend(ax, wedges, cols=3)


def _draw_scatter(fig: Figure, p: _Painter, spec: ScatterSpec) -> None:
    ax = fig.add_subplot()
    for index, item in enumerate(spec.series):
        ax.scatter(
            item.xs,
            item.ys,
            s=40,
            color=p.series_color(index),
            edgecolors="white",
            linewidths=0.8,
            label=item.name,
            zorder=3,
        )
    line = {"color": p.color("grey"), "linewidth": 1.2, "linestyle": "--", "zorder": 2}
    if spec.x_split is not None:
        ax.axvline(spec.x_split, **line)
    if spec.y_split is not None:
        ax.axhline(spec.y_split, **line)
    (x0, x1), (y0, y1) = spec.x_range, spec.y_range
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    if spec.quadrant_labels is not None:
        dx, dy = (x1 - x0) * 0.03, (y1 - y0) * 0.04
        corners = (
            (x0 + dx, y1 - dy, "left", "top"),
            (x1 - dx, y1 - dy, "right", "top"),
            (x0 + dx, y0 + dy, "left", "bottom"),
            (x1 - dx, y0 + dy, "right", "bottom"),
        )
        for (x, y, ha, va), text in zip(corners, spec.quadrant_labels, strict=True):
            if p.rtl:  # the low-x side is on the right
                ha = "right" if ha == "left" else "left"
            ax.text(
                x,
                y,
                _label(text, p.rtl),
                ha=ha,
                va=va,
                fontsize=_SMALL_PT,
                fontweight="bold",
                color=p.color("muted"),
            )
    ax.xaxis.set_major_formatter(p.axis_formatter(spec.x_kind))
    ax.yaxis.set_major_formatter(p.axis_formatter(spec.y_kind))
    ax.set_xlabel(_label(spec.x_title, p.rtl), fontsize=_SMALL_PT, color=p.color("muted"))
    ax.set_ylabel(_label(spec.y_title, p.rtl), fontsize=_SMALL_PT, color=p.color("muted"))
    if p.rtl:
        ax.invert_xaxis()
    p.style_axes(ax, "both")
    ax.grid(False)
    if len(spec.series) > 1:
        p.legend(ax)


def chart_png(
    spec: ChartSpec | ScatterSpec, width_in: float, height_in: float, ctx: RenderContext
) -> bytes:
    """`spec` drawn at the given size (inches) as PNG bytes, byte-identical for equal input."""
    painter = _Painter(ctx)
    rc = {
        "font.family": _families(ctx.rtl),
        "font.size": _BASE_PT,
        "axes.unicode_minus": False,
        "text.color": _rgb(ctx.hex("text")),
        "axes.labelcolor": _rgb(ctx.hex("muted")),
    }
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(width_in, height_in), dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        if isinstance(spec, ScatterSpec):
            _draw_scatter(fig, painter, spec)
        else:
            _draw_category_chart(fig, painter, spec)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, transparent=True)
    return buffer.getvalue()


def draw_chart_image(
    slide: PptxSlide, spec: ChartSpec | ScatterSpec, box: Box, ctx: RenderContext
) -> None:
    """The chart as a picture filling `box`."""
    png = chart_png(spec, box.w / EMU_PER_INCH, box.h / EMU_PER_INCH, ctx)
    picture = slide.shapes.add_picture(
        io.BytesIO(png), Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h)
    )
    picture.name = "Chart Picture"
    picture._element.nvPicPr.cNvPr.set("descr", spec.title)
