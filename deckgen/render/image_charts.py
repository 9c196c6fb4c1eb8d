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
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache

import matplotlib
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MultipleLocator
from pptx.slide import Slide as PptxSlide
from pptx.util import Emu

from deckgen import textmetrics
from deckgen.formats import format_value, rtl_mark
from deckgen.model import ChartSpec, ScatterSpec, Series, ValueKind
from deckgen.render.charts import line_axis_floor, major_unit
from deckgen.render.context import RenderContext, Role, blend, luminance
from deckgen.render.layout import EMU_PER_INCH, Box

DPI = 200
_BASE_PT, _SMALL_PT = 11.0, 10.0
_TICK_GAP_PT = 4.0  # least room between two category labels
_PLOT_SHARE = 0.82  # rough share of the chart width inside the axes (one value axis)
_TWIN_PLOT_SHARE = 0.72  # ... with a secondary value axis too
_SCATTER_DOT_PT = 5.0  # dot diameter, as the native marker size
_SCATTER_ALPHA = 0.45  # overlapping dots darken, so piles of equal answers show
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
    """A label; in RTL decks prefixed with U+200F, so its base direction is right to left.

    matplotlib takes the direction from the first strong letter (RTL.md): a label starting
    with a Latin word, or holding none, would otherwise be laid out left to right.
    """
    return rtl_mark(text) if rtl else text


class _Painter:
    """Drawing helpers bound to one deck: colours, number formatting, direction."""

    def __init__(self, ctx: RenderContext, width_pt: float) -> None:
        self.ctx = ctx
        self.rtl = ctx.rtl
        self.width_pt = width_pt

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

    def category_ticks(self, ax: Axes, categories: Sequence[str], plot_share: float) -> None:
        """Category labels under the x axis that never overlap, in the text colour.

        Like the native chart, a label too wide for its slot wraps onto two lines; one that
        still does not fit is slanted, and every n-th label is kept if even slanted ones crowd.
        """
        labels = list(categories)
        positions = list(range(len(labels)))
        family = self.ctx.theme.minor_font
        slot = self.width_pt * plot_share / max(len(labels), 1) - _TICK_GAP_PT
        wrapped = [textmetrics.wrap_text(label, slot, _SMALL_PT, family) for label in labels]
        if any(len(lines) > 1 for lines in wrapped):  # then all wrap alike
            widest = max(
                textmetrics.measure_width(ln, _SMALL_PT, family)
                for lines in wrapped
                if len(lines) > 1
                for ln in lines
            )
            wrapped = [textmetrics.wrap_text(label, widest, _SMALL_PT, family) for label in labels]
        fits = all(
            len(lines) <= 2
            and " ".join(lines).split() == label.split()  # broken at spaces, never in a word
            and all(textmetrics.measure_width(ln, _SMALL_PT, family) <= slot for ln in lines)
            for label, lines in zip(labels, wrapped, strict=True)
        )
        ax.tick_params(axis="x", colors=self.color("text"))
        if fits:
            # A mark on every line: matplotlib lays out each line of a label on its own.
            ticks = ["\n".join(_label(ln, self.rtl) for ln in lines) for lines in wrapped]
            ax.set_xticks(positions, ticks)
            return
        line = textmetrics.line_height("0", _SMALL_PT, family)
        step = max(1, math.ceil(line * math.sqrt(2) / (slot + _TICK_GAP_PT)))  # 45° labels
        shown = [_label(label, self.rtl) if i % step == 0 else "" for i, label in enumerate(labels)]
        # Anchored at the label's end nearest the tick and slanted down, away from the plot:
        # right end and 45° in a left-to-right chart, its mirror in a right-to-left one.
        ax.set_xticks(positions, shown, rotation=-45 if self.rtl else 45, rotation_mode="anchor")
        for text in ax.get_xticklabels():
            text.set_horizontalalignment("left" if self.rtl else "right")

    def legend(self, ax: Axes, handles: Sequence[Artist] | None = None, cols: int = 6) -> None:
        """The legend centred under the axes and their labels, whatever their height."""
        if handles is None:
            handles = ax.get_legend_handles_labels()[0]
        legend = ax.get_figure().legend(
            handles=handles,
            loc="outside lower center",  # constrained layout keeps room for it
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


def _draw_bars(
    ax: Axes,
    p: _Painter,
    spec: ChartSpec,
    series: Sequence[Series],
    plot_share: float = _PLOT_SHARE,
) -> None:
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
        ax.tick_params(axis="y", colors=p.color("text"))
    else:
        ax.yaxis.set_major_formatter(p.axis_formatter(kind))
        p.style_axes(ax, "y")
        p.category_ticks(ax, spec.categories, plot_share)
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
        ax.yaxis.set_major_formatter(p.axis_formatter(spec.series[0].value_kind))
        ax.margins(x=0.05, y=0.2)
        values = [v for item in spec.series for v in item.values if v is not None]
        if values and min(values) >= 0:  # as the native chart: zero or a round floor
            ax.set_ylim(bottom=line_axis_floor(spec.series) or 0.0)
        if p.rtl:
            ax.invert_xaxis()
        p.style_axes(ax, "y")
        p.category_ticks(ax, spec.categories, _PLOT_SHARE)
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
    share = _TWIN_PLOT_SHARE if any(s.axis == "secondary" for s in lines) else _PLOT_SHARE
    if bars:
        _draw_bars(ax, p, replace(spec, kind="column", series=tuple(bars)), bars, share)
    else:
        p.style_axes(ax, "y")
        p.category_ticks(ax, spec.categories, share)
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
        _round_limits(twin, [v for s in secondary for v in s.values if v is not None])
        if p.rtl:
            twin.yaxis.tick_left()
            twin.yaxis.set_label_position("left")
        if spec.secondary_axis_title:
            twin.set_ylabel(
                _label(spec.secondary_axis_title, p.rtl), fontsize=_SMALL_PT, color=p.color("muted")
            )
        handles += twin.get_legend_handles_labels()[0]
    if spec.legend:
        by_name = {handle.get_label(): handle for handle in handles}
        p.legend(ax, [by_name[s.name] for s in spec.series if s.name in by_name])  # spec order


def _round_limits(ax: Axes, values: Sequence[float]) -> None:
    """Y limits on round steps around `values` and zero; below zero when the data are."""
    low, high = min((0.0, *values)), max((0.0, *values))
    if high == low:
        high = low + 1.0
    step = major_unit(low, high)
    ax.set_ylim(math.floor(low / step) * step, math.ceil(high / step) * step)
    ax.yaxis.set_major_locator(MultipleLocator(step))


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
    """As the native scatter: exact ranges, round steps, see-through dots, labels off the data."""
    ax = fig.add_subplot()
    for index, item in enumerate(spec.series):
        ax.scatter(
            item.xs,
            item.ys,
            s=_SCATTER_DOT_PT**2,
            color=p.series_color(index),
            alpha=_SCATTER_ALPHA,
            linewidths=0,
            label=item.name,
            zorder=3,
            clip_on=False,  # dots at the scale's ends are drawn whole, as native markers
        )
    line = {"color": p.color("grey"), "linewidth": 1.2, "linestyle": "--", "zorder": 2}
    if spec.x_split is not None:
        ax.axvline(spec.x_split, **line)
    if spec.y_split is not None:
        ax.axhline(spec.y_split, **line)
    (x0, x1), (y0, y1) = spec.x_range, spec.y_range
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.xaxis.set_major_locator(MultipleLocator(major_unit(x0, x1)))
    ax.yaxis.set_major_locator(MultipleLocator(major_unit(y0, y1)))
    if spec.quadrant_labels is not None:
        _quadrant_labels(ax, p, spec.quadrant_labels)
    ax.xaxis.set_major_formatter(p.axis_formatter(spec.x_kind))
    ax.yaxis.set_major_formatter(p.axis_formatter(spec.y_kind))
    ax.set_xlabel(_label(spec.x_title, p.rtl), fontsize=_SMALL_PT, color=p.color("muted"))
    ax.set_ylabel(_label(spec.y_title, p.rtl), fontsize=_SMALL_PT, color=p.color("muted"))
    if p.rtl:
        ax.invert_xaxis()
    p.style_axes(ax, "both")
    ax.spines["right" if p.rtl else "left"].set_visible(True)  # the y axis line, at x minimum
    ax.spines["right" if p.rtl else "left"].set_color(p.color("rule"))
    ax.grid(False)
    if len(spec.series) > 1:
        p.legend(ax)


def _quadrant_labels(ax: Axes, p: _Painter, labels: Sequence[str]) -> None:
    """Top labels above the plot at its corners; bottom ones in its lower corners on white."""
    style = {"fontsize": _SMALL_PT, "fontweight": "bold", "color": p.color("muted")}
    low_x, high_x = (1.0, 0.0) if p.rtl else (0.0, 1.0)  # axes fraction of the low-x side
    for text, x in zip(labels[:2], (low_x, high_x), strict=True):
        ax.text(
            x,
            1.02,
            _label(text, p.rtl),
            transform=ax.transAxes,
            ha="left" if x == 0.0 else "right",
            va="bottom",
            **style,
        )
    chip = {"boxstyle": "square,pad=0.2", "facecolor": "white", "alpha": 0.85, "linewidth": 0}
    for text, x in zip(labels[2:], (low_x, high_x), strict=True):
        inset = 0.015 if x == 0.0 else -0.015
        ax.text(
            x + inset,
            0.03,
            _label(text, p.rtl),
            transform=ax.transAxes,
            ha="left" if x == 0.0 else "right",
            va="bottom",
            bbox=chip,
            zorder=4,
            **style,
        )


def _rc(ctx: RenderContext) -> dict[str, object]:
    """matplotlib settings of this deck's charts: fonts, sizes and text colours."""
    return {
        "font.family": _families(ctx.rtl),
        "font.size": _BASE_PT,
        "axes.unicode_minus": False,
        "text.color": _rgb(ctx.hex("text")),
        "axes.labelcolor": _rgb(ctx.hex("muted")),
    }


def chart_figure(
    spec: ChartSpec | ScatterSpec, width_in: float, height_in: float, ctx: RenderContext
) -> Figure:
    """`spec` drawn on a new figure of the given size (inches), not yet laid out or saved."""
    painter = _Painter(ctx, width_in * 72)
    with matplotlib.rc_context(_rc(ctx)):
        fig = Figure(figsize=(width_in, height_in), dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        if isinstance(spec, ScatterSpec):
            _draw_scatter(fig, painter, spec)
        else:
            _draw_category_chart(fig, painter, spec)
    return fig


def chart_png(
    spec: ChartSpec | ScatterSpec, width_in: float, height_in: float, ctx: RenderContext
) -> bytes:
    """`spec` drawn at the given size (inches) as PNG bytes, byte-identical for equal input."""
    fig = chart_figure(spec, width_in, height_in, ctx)
    buffer = io.BytesIO()
    with matplotlib.rc_context(_rc(ctx)):
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
