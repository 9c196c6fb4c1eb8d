"""Image charts: deterministic PNGs of the same specs, right to left for RTL decks."""

from __future__ import annotations

import io

from PIL import Image

from deckgen.model import ChartSpec, ScatterSpec, Series, XYSeries
from deckgen.render.image_charts import chart_png
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
