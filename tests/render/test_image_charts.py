"""Image charts: deterministic PNGs of the same specs, right to left for RTL decks."""

from __future__ import annotations

import io
from dataclasses import replace

from PIL import Image

from deckgen.model import ChartSpec, ScatterSpec, Series, XYSeries
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


def test_combo_secondary_axis_goes_below_zero_with_the_data() -> None:
    _, ctx = make_canvas("en")
    fig = chart_figure(_nps_combo((12.0, -8.0, -3.0, 5.0, 20.0, 31.0, 4.0, -1.0)), 4.5, 3.0, ctx)
    twin = fig.axes[1]
    assert twin.get_ylim() == (-10.0, 40.0)  # round steps of 10 around -8 .. 31 and zero
    fig = chart_figure(_nps_combo((12.0, 8.0, 3.0, 5.0, 20.0, 31.0, 4.0, 1.0)), 4.5, 3.0, ctx)
    assert fig.axes[1].get_ylim()[0] == 0.0


def test_month_labels_wrap_or_slant_so_they_never_overlap() -> None:
    _, ctx = make_canvas("en")
    spec = _nps_combo((1.0,) * 8)
    wide = chart_figure(spec, 6.0, 3.0, ctx).axes[0]
    assert [t.get_text() for t in wide.get_xticklabels()] == [m.replace(" ", "\n") for m in MONTHS]
    narrow = chart_figure(spec, 2.0, 3.0, ctx).axes[0]
    labels = narrow.get_xticklabels()
    assert {t.get_rotation() for t in labels} == {45.0}
    shown = [t.get_text() for t in labels]
    assert shown[0] == MONTHS[0] and "" in shown  # every other label kept when crowded


def test_slanted_labels_hang_below_the_axis_in_both_directions() -> None:
    for lang, rotation, align in (("en", 45.0, "right"), ("fa", 315.0, "left")):
        _, ctx = make_canvas(lang)
        fig = chart_figure(_nps_combo((1.0,) * 8), 2.0, 3.0, ctx)
        fig.canvas.draw()
        axis = fig.axes[0]
        bottom = axis.get_window_extent().y0
        for label in axis.get_xticklabels():
            assert (label.get_rotation(), label.get_horizontalalignment()) == (rotation, align)
            if label.get_text():
                assert label.get_window_extent().y1 <= bottom + 1  # not up into the plot


def test_combo_legend_in_series_order() -> None:
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
    (legend,) = chart_figure(spec, 4.0, 3.0, ctx).legends
    assert [t.get_text() for t in legend.get_texts()] == ["Received", "Resolved", "Open"]


def test_line_axis_starts_where_the_native_one_does() -> None:
    _, ctx = make_canvas("en")
    spec = ChartSpec(
        kind="line",
        title="t",
        categories=("a", "b", "c"),
        series=(Series("n", (310.0, 398.0, 350.0)),),
        data_labels=False,
    )
    assert chart_figure(spec, 4.0, 3.0, ctx).axes[0].get_ylim()[0] == 260.0
    low = replace(spec, series=(Series("n", (180.0, 400.0, 300.0)),))
    assert chart_figure(low, 4.0, 3.0, ctx).axes[0].get_ylim()[0] == 0.0


def test_scatter_spans_the_scales_with_see_through_dots() -> None:
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
    texts = {t.get_text(): t for t in ax.texts}
    assert texts["Hostages"].get_position()[1] > 1.0  # above the plot, in axes fraction
    assert texts["Defectors"].get_bbox_patch().get_facecolor()[:3] == (1.0, 1.0, 1.0)


def test_rtl_category_labels_and_legend_start_with_a_right_to_left_mark() -> None:
    _, ctx = make_canvas("fa")
    spec = replace(COMBO, categories=("۱۸ تا ۲۴", "آبان ۱۴۰۴", "TV"))
    fig = chart_figure(spec, 6.0, 3.0, ctx)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["\u200f۱۸ تا ۲۴", "\u200fآبان ۱۴۰۴", "\u200fTV"]
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["\u200fهزینه", "\u200fهزینه جذب"]
    narrow = chart_figure(spec, 2.0, 3.0, ctx).axes[0]  # wrapped: a mark on every line
    assert [t.get_text() for t in narrow.get_xticklabels()][:2] == [
        "\u200f۱۸ تا\n\u200f۲۴",
        "\u200fآبان\n\u200f۱۴۰۴",
    ]
