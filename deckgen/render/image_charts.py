"""The same chart specs drawn with matplotlib, as pictures (`--charts image`).

The only module that imports matplotlib. No pyplot: each chart is a `Figure` with a
`FigureCanvasAgg`, the size of its slide box, saved as a PNG without metadata, so equal specs
give equal bytes. Arabic script is shaped by matplotlib itself (3.11 bundles libraqm), so raw
strings are passed; fonts are Carlito (or the theme's font when found) for Latin text and
Noto Sans Arabic (from the fontpkg-noto-sans-arabic package) for Arabic script, with DejaVu
Sans as the last fallback. RTL charts run right to left (inverted x axis, ticks on the right).
Everything a reader compares with the native chart comes from the same functions: value-axis
scales (`charts.visible_value_axes`), number formats (`formats.format_chart_value`), series
colours, category-label wrapping or slanting, doughnut shares and the scatter's plot position;
legends and quadrant labels are slide shapes drawn around the picture (deckgen.render.legend).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache

import matplotlib
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MultipleLocator
from pptx.slide import Slide as PptxSlide
from pptx.util import Emu

from deckgen import textmetrics
from deckgen.formats import format_chart_value, rtl_mark
from deckgen.model import ChartSpec, ScatterSpec, Series, ValueKind
from deckgen.render.charts import (
    BASE_PT,
    SMALL_PT,
    AxisScale,
    axis_places,
    category_room,
    category_slant,
    category_slot,
    column_gaps,
    doughnut_shares,
    for_chart,
    hides_negative,
    line_axis_floor,
    major_unit,
    scatter_layout,
    series_color,
    visible_value_axes,
)
from deckgen.render.context import RenderContext, Role, blend, luminance
from deckgen.render.layout import EMU_PER_INCH, Box

DPI = 200
_SCATTER_DOT_PT = 5.0  # dot diameter, as the native marker size
_SCATTER_ALPHA = 0.45  # overlapping dots darken, so piles of equal answers show
_DIM = 0.55  # non-highlighted categories of a multi-series chart fade this far to white
_UPRIGHT_DEG = 90.0
_DOUGHNUT_WIDTH = 0.45  # ring width as a share of the radius: the native hole is 55%


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
    with a Latin word, or holding none (a figure: its ٪ would go to the wrong side), would
    otherwise be laid out left to right.
    """
    return rtl_mark(text) if rtl else text


class _Painter:
    """Drawing helpers bound to one chart: colours, number formatting, direction."""

    def __init__(self, ctx: RenderContext, width_pt: float) -> None:
        self.ctx = ctx
        self.rtl = ctx.rtl
        self.width_pt = width_pt

    def fmt(
        self, kind: ValueKind, places: int | None = None, hide_negative: bool = False
    ) -> Callable[[float | None], str]:
        """Values as the native chart's number format shows them (labels: one decimal)."""
        deck, largest = self.ctx.deck, self.ctx.money_max

        def text(value: float | None) -> str:
            if hide_negative and value is not None and value < 0:
                return ""
            shown = format_chart_value(
                value, kind, deck.lang, deck.digits, deck.currency, largest, places
            )
            return _label(shown, self.rtl)

        return text

    def color(self, role: Role) -> str:
        return _rgb(self.ctx.hex(role))

    def style_axes(self, ax: Axes, value_axis: str) -> None:
        """Light grid on the value axis, no box, muted ticks; RTL mirrored."""
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.spines["bottom"].set_color(self.color("rule"))
        ax.tick_params(colors=self.color("muted"), labelsize=SMALL_PT, length=0)
        ax.grid(axis=value_axis, color=self.color("rule"), linewidth=0.5)
        ax.set_axisbelow(True)
        if self.rtl:
            ax.yaxis.tick_right()
            ax.yaxis.set_label_position("right")

    def value_axis(
        self, axis: Axis, scale: AxisScale, kind: ValueKind, hide_negative: bool = False
    ) -> None:
        """The native chart's scale on `axis`: its range, step and tick decimals."""
        places = axis_places(kind, scale.unit, self.ctx)
        fmt = self.fmt(kind, places, hide_negative)
        if axis.axis_name == "x":
            axis.axes.set_xlim(scale.low, scale.high)
        else:
            axis.axes.set_ylim(scale.low, scale.high)
        axis.set_major_locator(MultipleLocator(scale.unit))
        axis.set_major_formatter(FuncFormatter(lambda value, _pos: fmt(value)))

    def category_ticks(self, ax: Axes, spec: ChartSpec) -> None:
        """Category labels under the x axis, as the native chart draws them: wrapped at spaces
        when every word fits its category, else all upright (every n-th one kept if even
        upright ones would crowd)."""
        labels = list(spec.categories)
        positions = list(range(len(labels)))
        family = self.ctx.theme.minor_font
        slot = category_slot(spec, self.width_pt, self.ctx)
        ax.tick_params(axis="x", colors=self.color("text"))
        if not category_slant(labels, slot, family):
            room = category_room(slot)
            wrapped = [textmetrics.wrap_text(label, room, SMALL_PT, family) for label in labels]
            # A mark on every line: matplotlib lays out each line of a label on its own.
            ticks = ["\n".join(_label(ln, self.rtl) for ln in lines) for lines in wrapped]
            ax.set_xticks(positions, ticks)
            return
        line = max(textmetrics.line_height(label, SMALL_PT, family) for label in labels)
        step = max(1, math.ceil(line / slot))
        shown = [_label(label, self.rtl) if i % step == 0 else "" for i, label in enumerate(labels)]
        # Anchored at the label's reading end, at the tick, and read upwards (LTR: turned
        # 90° counter-clockwise, right end at the top); its mirror in a right-to-left chart.
        rotation = -_UPRIGHT_DEG if self.rtl else _UPRIGHT_DEG
        ax.set_xticks(positions, shown, rotation=rotation, rotation_mode="anchor")
        for text in ax.get_xticklabels():
            text.set_horizontalalignment("left" if self.rtl else "right")
            text.set_verticalalignment("center")


def _values(series: Series) -> list[float]:
    return [math.nan if v is None else v for v in series.values]


def _bar_colors(p: _Painter, spec: ChartSpec, index: int, multi: bool) -> list[str]:
    base = _rgb(series_color(spec, index, p.ctx))
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
    indexes: Sequence[int],
    chart: ChartSpec | None = None,
) -> None:
    """Clustered or stacked bars/columns of `spec.series[i]` for i in `indexes`, labelled;
    category labels laid out for the whole `chart` (a combo's bars are part of one)."""
    horizontal = spec.kind in ("bar", "stacked_bar")
    stacked = spec.kind in ("stacked_bar", "stacked_column")
    count, n = len(spec.categories), len(indexes)
    positions = list(range(count))
    gap, upright = 60, False  # the native chart's gap between clusters, percent of a bar
    if not horizontal:
        slot_pt = category_slot(chart or spec, p.width_pt, p.ctx)
        gap, upright = column_gaps(chart or spec, slot_pt, p.ctx)
    width = 1 / ((1 if stacked else n) + gap / 100)
    base = [0.0] * count
    multi = n > 1
    # Orientation first: bar_label places its labels by the orientation at the time.
    if horizontal:
        ax.invert_yaxis()  # first category on top
    if p.rtl:
        ax.invert_xaxis()
    for slot, index in enumerate(indexes):
        item = spec.series[index]
        values = _values(item)
        offset = 0.0 if stacked or n == 1 else (slot - (n - 1) / 2) * width
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
                rotation=90 if upright else 0,
                fontsize=SMALL_PT,
                color="white" if stacked and luminance(colors[0][1:]) < 0.5 else p.color("text"),
            )
        if stacked:
            base = [b + (0.0 if math.isnan(v) else v) for b, v in zip(base, values, strict=True)]
    if horizontal:
        ax.set_yticks(positions, [_label(c, p.rtl) for c in spec.categories])
        p.style_axes(ax, "x")
        ax.tick_params(axis="y", colors=p.color("text"))
        # The category axis' rule runs along the bars' base, as in the native chart.
        ax.spines["bottom"].set_visible(False)
        base = ax.spines["right" if p.rtl else "left"]
        base.set_visible(True)
        base.set_color(p.color("rule"))
    else:
        p.style_axes(ax, "y")
        p.category_ticks(ax, chart or spec)


def _draw_lines(ax: Axes, p: _Painter, spec: ChartSpec, indexes: Sequence[int]) -> None:
    positions = list(range(len(spec.categories)))
    for index in indexes:
        item = spec.series[index]
        values = _values(item)
        ax.plot(
            positions,
            values,
            color=_rgb(series_color(spec, index, p.ctx)),
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
                        fontsize=SMALL_PT,
                        color=p.color("text"),
                    )


def _draw_category_chart(fig: Figure, p: _Painter, spec: ChartSpec) -> None:
    ax = fig.add_subplot()
    if spec.kind == "doughnut":
        _draw_doughnut(ax, p, doughnut_shares(spec))
        return
    everything = range(len(spec.series))
    if spec.kind == "line":
        _draw_lines(ax, p, spec, everything)
        ax.margins(x=0.05, y=0.2)
        floor = line_axis_floor(spec.series)
        if floor is not None:  # as the native chart: the trend, not a flat line at the top
            ax.set_ylim(bottom=floor)
        if p.rtl:
            ax.invert_xaxis()
        p.style_axes(ax, "y")
        p.category_ticks(ax, spec)
    elif spec.kind == "combo":
        _draw_combo(ax, p, spec)
        return
    else:
        _draw_bars(ax, p, spec, everything)
    axes = visible_value_axes(spec, p.ctx)
    horizontal = spec.kind in ("bar", "stacked_bar")
    value_axis = ax.xaxis if horizontal else ax.yaxis
    if axes:
        scale, kind, title = axes[0]
        p.value_axis(value_axis, scale, kind)
        if title:
            setter = ax.set_xlabel if horizontal else ax.set_ylabel
            setter(_label(title, p.rtl), fontsize=SMALL_PT, color=p.color("muted"))
    else:
        value_axis.set_visible(False)
        ax.grid(False)


def _draw_combo(ax: Axes, p: _Painter, spec: ChartSpec) -> None:
    bars = [i for i, s in enumerate(spec.series) if s.plot == "bar"]
    primary = [i for i, s in enumerate(spec.series) if s.plot == "line" and s.axis == "primary"]
    secondary = [i for i, s in enumerate(spec.series) if s.axis == "secondary"]
    if bars:
        _draw_bars(ax, p, replace(spec, kind="column"), bars, spec)
    else:
        p.style_axes(ax, "y")
        p.category_ticks(ax, spec)
    _draw_lines(ax, p, spec, primary)
    axes = visible_value_axes(spec, p.ctx)
    scale, kind, title = axes[0]
    primary_series = [s for s in spec.series if s.axis == "primary"]
    p.value_axis(ax.yaxis, scale, kind, hides_negative(primary_series, scale))
    if title:
        ax.set_ylabel(_label(title, p.rtl), fontsize=SMALL_PT, color=p.color("muted"))
    if not secondary:
        return
    twin = ax.twinx()
    if p.rtl:  # twinx() moved the primary ticks back to the left
        ax.yaxis.tick_right()
        ax.yaxis.set_label_position("right")
    secondary_painter = _Painter(for_chart([spec.series[i] for i in secondary], p.ctx), p.width_pt)
    _draw_lines(twin, secondary_painter, spec, secondary)
    scale, kind, title = axes[1]
    secondary_series = [spec.series[i] for i in secondary]
    secondary_painter.value_axis(twin.yaxis, scale, kind, hides_negative(secondary_series, scale))
    for side in ("top", "right", "left", "bottom"):
        twin.spines[side].set_visible(False)
    twin.tick_params(colors=p.color("muted"), labelsize=SMALL_PT, length=0)
    if p.rtl:
        twin.yaxis.tick_left()
        twin.yaxis.set_label_position("left")
    if title:
        twin.set_ylabel(_label(title, p.rtl), fontsize=SMALL_PT, color=p.color("muted"))


def _draw_doughnut(ax: Axes, p: _Painter, spec: ChartSpec) -> None:
    """The doughnut of shares (`doughnut_shares`), first slice from the top, clockwise in LTR."""
    shares = [0.0 if v is None else v for v in spec.series[0].values]
    colors = [_rgb(p.ctx.series_hex(i)) for i in range(len(shares))]
    wedges, _ = ax.pie(
        shares,
        colors=colors,
        startangle=90,
        counterclock=p.rtl,
        radius=1.0,
        wedgeprops={"width": _DOUGHNUT_WIDTH, "edgecolor": "white", "linewidth": 1.5},
    )
    fmt = p.fmt("percent")
    middle = 1.0 - _DOUGHNUT_WIDTH / 2
    for wedge, share, color in zip(wedges, shares, colors, strict=True):
        if not spec.data_labels:
            break
        angle = math.radians((wedge.theta1 + wedge.theta2) / 2)
        dark = luminance(color[1:]) < 0.5
        ax.text(
            middle * math.cos(angle),
            middle * math.sin(angle),
            fmt(share),
            ha="center",
            va="center",
            fontsize=SMALL_PT,
            fontweight="bold",
            color="white" if dark else p.color("text"),
            clip_on=False,
        )
    ax.set_aspect("equal")
    ax.set_xlim(-1.05, 1.05)
    ax.set_ylim(-1.05, 1.05)


def _draw_scatter(fig: Figure, p: _Painter, spec: ScatterSpec) -> None:
    """As the native scatter: the plot at the same place (`scatter_layout`), exact ranges, round
    steps, see-through dots; its quadrant labels are slide shapes around the picture."""
    width_pt, height_pt = (v * 72 for v in fig.get_size_inches())
    layout = scatter_layout(spec, width_pt, height_pt, p.ctx)
    ax = fig.add_axes(
        (
            layout.left / width_pt,
            1 - (layout.top + layout.plot_h) / height_pt,
            layout.plot_w / width_pt,
            layout.plot_h / height_pt,
        )
    )
    for index, item in enumerate(spec.series):
        ax.scatter(
            item.xs,
            item.ys,
            s=_SCATTER_DOT_PT**2,
            color=_rgb(p.ctx.series_hex(index)),
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
    for axis, (low, high), kind in (
        (ax.xaxis, spec.x_range, spec.x_kind),
        (ax.yaxis, spec.y_range, spec.y_kind),
    ):
        p.value_axis(axis, AxisScale(low, high, major_unit(low, high)), kind)
    ax.set_xlabel(_label(spec.x_title, p.rtl), fontsize=SMALL_PT, color=p.color("muted"))
    ax.set_ylabel(_label(spec.y_title, p.rtl), fontsize=SMALL_PT, color=p.color("muted"))
    if p.rtl:
        ax.invert_xaxis()
    p.style_axes(ax, "both")
    ax.spines["right" if p.rtl else "left"].set_visible(True)  # the y axis line, at x minimum
    ax.spines["right" if p.rtl else "left"].set_color(p.color("rule"))
    ax.grid(False)
    # The axis titles in the rows the layout keeps for them (matplotlib would hang the x title
    # below the tick labels' own height, off a short picture): x title centred in its row,
    # y title in the outer line of the y axis' margin (the right one in RTL).
    title_y = layout.x_title_row + layout.line / 2
    ax.xaxis.set_label_coords(0.5, (layout.top + layout.plot_h - title_y) / layout.plot_h)
    ax.xaxis.label.set_verticalalignment("center")
    title_x = width_pt - layout.line / 2 if p.rtl else layout.line / 2
    ax.yaxis.set_label_coords((title_x - layout.left) / layout.plot_w, 0.5)
    ax.yaxis.label.set_verticalalignment("center")


def _rc(ctx: RenderContext) -> dict[str, object]:
    """matplotlib settings of this deck's charts: fonts, sizes and text colours."""
    return {
        "font.family": _families(ctx.rtl),
        "font.size": BASE_PT,
        "axes.unicode_minus": False,
        "text.color": _rgb(ctx.hex("text")),
        "axes.labelcolor": _rgb(ctx.hex("muted")),
    }


def chart_figure(
    spec: ChartSpec | ScatterSpec, width_in: float, height_in: float, ctx: RenderContext
) -> Figure:
    """`spec` drawn on a new figure of the given size (inches), not yet laid out or saved."""
    scatter = isinstance(spec, ScatterSpec)
    if not scatter:
        ctx = for_chart(spec.series, ctx)
    painter = _Painter(ctx, width_in * 72)
    with matplotlib.rc_context(_rc(ctx)):
        # A scatter's plot is placed by hand, as in the native chart.
        fig = Figure(
            figsize=(width_in, height_in), dpi=DPI, layout=None if scatter else "constrained"
        )
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
