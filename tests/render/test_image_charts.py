"""Image charts: deterministic PNGs of the same specs, right to left for RTL decks."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image

from deckgen.model import ChartSpec, ScatterSpec, Series, XYSeries
from deckgen.render.charts import AxisScale, scatter_layout, visible_value_axes
from deckgen.render.image_charts import chart_figure, chart_png
from tests.render.conftest import make_canvas

COMBO = ChartSpec(
    kind="combo",
    title="t",
    categories=("ایمیل", "سئو", "تلویزیون"),
    series=(
        Series("هزینه", (9500.0, 12000.0, 88000.0), "money"),
        Series("هزینه جذب", (12.0, 18.0, 210.0), "money", axis="secondary", plot="line"),
    ),
    highlight=0,
)


def test_png_is_deterministic_sized_and_without_metadata() -> None:
    _, ctx = make_canvas("fa")
    first = chart_png(COMBO, 6.0, 3.0, ctx)
    assert first == chart_png(COMBO, 6.0, 3.0, ctx)
    image = Image.open(io.BytesIO(first))
    assert image.size == (1200, 600)
    assert "Software" not in image.info


def test_every_kind_renders() -> None:
    _, ctx = make_canvas("en")
    series = (Series("a", (1.0, None, 3.0)), Series("b", (0.2, 0.3, 0.4), "percent"))
    for kind in ("bar", "column", "stacked_bar", "stacked_column", "line", "doughnut"):
        spec = ChartSpec(
            kind=kind, title="t", categories=("x", "y", "z"), series=series, highlight=1
        )  # type: ignore[arg-type]
        assert chart_png(spec, 4.0, 3.0, ctx).startswith(b"\x89PNG")
    scatter = ScatterSpec(
        title="t",
        series=(XYSeries("c", (1.0, 4.0), (2.0, 9.0)),),
        x_title="x",
        y_title="y",
        x_range=(1.0, 5.0),
        y_range=(0.0, 10.0),
        x_split=3.0,
        y_split=7.0,
        quadrant_labels=("a", "b", "c", "d"),
    )
    assert chart_png(scatter, 4.0, 3.0, ctx).startswith(b"\x89PNG")


MONTHS = tuple(f"{m} 2026" for m in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug"))


def _nps_combo(scores: tuple[float, ...]) -> ChartSpec:
    return ChartSpec(
        kind="combo",
        title="t",
        categories=MONTHS,
        series=(
            Series("Answers", (40.0, 52.0, 31.0, 28.0, 45.0, 50.0, 38.0, 41.0)),
            Series("NPS", scores, "score", axis="secondary", plot="line"),
        ),
        data_labels=False,
    )


def test_combo_axes_line_up_their_zeros_as_the_native_chart() -> None:
    _, ctx = make_canvas("en")
    # Answers 28..52: 0..60 by 10; NPS -8..31: -10..40 by 10. Lined up: both from one step
    # below zero to six above, and the answers axis blank below zero.
    fig = chart_figure(_nps_combo((12.0, -8.0, -3.0, 5.0, 20.0, 31.0, 4.0, -1.0)), 4.5, 3.0, ctx)
    primary, twin = fig.axes
    assert primary.get_ylim() == (-10.0, 60.0) and twin.get_ylim() == (-10.0, 60.0)
    fig.canvas.draw()
    shown = [t.get_text() for t in primary.get_yticklabels() if -10 <= t.get_position()[1] <= 60]
    assert shown[0] == "" and shown[1] == "0"
    fig = chart_figure(_nps_combo((12.0, 8.0, 3.0, 5.0, 20.0, 31.0, 4.0, 1.0)), 4.5, 3.0, ctx)
    assert fig.axes[1].get_ylim()[0] == 0.0


def test_month_labels_wrap_or_stand_upright_so_they_never_overlap() -> None:
    _, ctx = make_canvas("en")
    spec = _nps_combo((1.0,) * 8)
    # 4.5 in: categories of 34.6 pt wrap in 28.9 pt (95% less a 4 pt gap), as LibreOffice
    # does: "Jan 2026" (37.6 pt) on two lines; each word fits.
    wide = chart_figure(spec, 4.5, 3.0, ctx).axes[0]
    assert [t.get_text() for t in wide.get_xticklabels()] == [m.replace(" ", "\n") for m in MONTHS]
    roomy = chart_figure(spec, 8.0, 3.0, ctx).axes[0]
    assert [t.get_text() for t in roomy.get_xticklabels()] == list(MONTHS)
    narrow = chart_figure(spec, 2.0, 3.0, ctx).axes[0]
    labels = narrow.get_xticklabels()
    assert {t.get_rotation() for t in labels} == {90.0}
    assert {t.get_fontsize() for t in labels} == {10.5}  # never shrunk


def test_upright_labels_hang_below_the_axis_in_both_directions() -> None:
    for lang, rotation, align in (("en", 90.0, "right"), ("fa", 270.0, "left")):
        _, ctx = make_canvas(lang)
        fig = chart_figure(_nps_combo((1.0,) * 8), 2.0, 3.0, ctx)
        fig.canvas.draw()
        axis = fig.axes[0]
        bottom = axis.get_window_extent().y0
        for label in axis.get_xticklabels():
            assert (label.get_rotation(), label.get_horizontalalignment()) == (rotation, align)
            if label.get_text():
                assert label.get_window_extent().y1 <= bottom + 1  # not up into the plot


def test_charts_draw_no_legend_of_their_own() -> None:
    _, ctx = make_canvas("en")
    spec = ChartSpec(
        kind="combo",
        title="t",
        categories=("a", "b"),
        series=(
            Series("Received", (3.0, 4.0)),
            Series("Resolved", (2.0, 5.0)),
            Series("Open", (6.0, 5.0), plot="line"),
        ),
    )
    fig = chart_figure(spec, 4.0, 3.0, ctx)
    assert not fig.legends and all(ax.get_legend() is None for ax in fig.axes)


def test_line_axis_starts_where_the_native_one_does() -> None:
    _, ctx = make_canvas("en")
    spec = ChartSpec(
        kind="line",
        title="t",
        categories=("a", "b", "c"),
        series=(Series("n", (310.0, 398.0, 350.0)),),
        data_labels=False,
    )
    # line_axis_floor gives 260, down to the step of 50: the native axis' 250 .. 400.
    assert visible_value_axes(spec, ctx)[0][0] == AxisScale(250.0, 400.0, 50.0)
    assert chart_figure(spec, 4.0, 3.0, ctx).axes[0].get_ylim() == (250.0, 400.0)
    low = replace(spec, series=(Series("n", (180.0, 400.0, 300.0)),))
    assert chart_figure(low, 4.0, 3.0, ctx).axes[0].get_ylim()[0] == 0.0


def test_scatter_plot_sits_where_the_native_plot_does() -> None:
    _, ctx = make_canvas("en")
    spec = ScatterSpec(
        title="t",
        series=(XYSeries("c", (1.0, 4.0), (2.0, 9.0)),),
        x_title="x",
        y_title="y",
        x_range=(1.0, 5.0),
        y_range=(0.0, 10.0),
        x_split=3.5,
        y_split=6.5,
        quadrant_labels=("Hostages", "Loyalists", "Defectors", "Mercenaries"),
    )
    (ax,) = chart_figure(spec, 4.0, 3.0, ctx).axes
    assert (ax.get_xlim(), ax.get_ylim()) == ((1.0, 5.0), (0.0, 10.0))
    assert [t for t in ax.get_yticks() if 0 <= t <= 10] == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    assert ax.collections[0].get_alpha() == 0.45
    assert not ax.texts  # the quadrant labels are slide shapes, as for native charts
    layout = scatter_layout(spec, 288.0, 216.0, ctx)
    x0, y0, w, h = ax.get_position().bounds
    assert (x0 * 288, w * 288, h * 216) == pytest.approx(
        (layout.left, layout.plot_w, layout.plot_h)
    )
    assert (1 - y0 - h) * 216 == pytest.approx(layout.top)
    # The x title in the row kept for it (with the bottom quadrant labels), not hung lower.
    label_y = ax.xaxis.label.get_position()[1]  # axes fraction, from the plot's bottom
    assert layout.top + layout.plot_h - label_y * layout.plot_h == pytest.approx(
        layout.x_title_row + layout.line / 2
    )


def test_rtl_category_labels_and_figures_start_with_a_right_to_left_mark() -> None:
    _, ctx = make_canvas("fa")
    spec = replace(COMBO, categories=("۱۸ تا ۲۴", "آبان ۱۴۰۴", "TV"))
    fig = chart_figure(spec, 6.0, 3.0, ctx)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["\u200f۱۸ تا ۲۴", "\u200fآبان ۱۴۰۴", "\u200fTV"]
    narrow = chart_figure(spec, 3.0, 3.0, ctx).axes[0]  # wrapped: a mark on every line
    assert [t.get_text() for t in narrow.get_xticklabels()][:2] == [
        "\u200f۱۸ تا\n\u200f۲۴",
        "\u200fآبان\n\u200f۱۴۰۴",
    ]
