"""Image charts (`--charts image`) of Persian decks: shaped script, Persian digits, mirrored axes."""

from __future__ import annotations

from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.figure import Figure

from deckgen.model import ChartSpec, Series
from deckgen.render.image_charts import chart_figure
from tests.render.conftest import make_canvas

BEH = "ب"
ISOLATED_BEH = "\ufe8f"  # the presentation form an unshaped beh would be drawn as


def _drawn(categories: tuple[str, ...]) -> Figure:
    _, ctx = make_canvas("fa")
    spec = ChartSpec(
        kind="column",
        title="فروش",
        categories=categories,
        series=(Series("فروش", tuple(1000.0 * (i + 1) for i in range(len(categories)))),),
        data_labels=False,
    )
    figure = chart_figure(spec, 6, 3, ctx)
    figure.canvas.draw()
    return figure


def test_arabic_script_is_shaped() -> None:
    figure = _drawn((BEH * 4, BEH, ISOLATED_BEH * 4))
    renderer = figure.canvas.get_renderer()
    width = {  # labels start with U+200F in RTL decks
        label.get_text().removeprefix("\u200f"): label.get_window_extent(renderer).width
        for label in figure.axes[0].get_xticklabels()
    }
    # Joined, four behs take about twice the room of one; four isolated ones four times.
    assert width[BEH * 4] < 2.5 * width[BEH]
    assert width[ISOLATED_BEH * 4] > 3.5 * width[BEH]


def test_persian_digits_and_their_persian_forms() -> None:
    axes = _drawn(("مهر ۱۴۰۵", "آبان ۱۴۰۵")).axes[0]
    ticks = [label.get_text().removeprefix("\u200f") for label in axes.get_yticklabels()]
    assert "۱٬۰۰۰" in ticks and not any(ch.isascii() and ch.isdigit() for t in ticks for ch in t)
    family = axes.get_yticklabels()[0].get_fontfamily()[0]
    path = font_manager.findfont(font_manager.FontProperties(family=family))
    # Noto Naskh Arabic draws ۴ ۶ ۷ in their Urdu forms; Noto Sans Arabic in the Persian ones.
    assert family == "Noto Sans Arabic" and "Naskh" not in path
    assert {0x6F4, 0x6F6, 0x6F7} <= set(TTFont(path).getBestCmap())


def test_axes_are_mirrored() -> None:
    axes = _drawn(("مهر ۱۴۰۵", "آبان ۱۴۰۵")).axes[0]
    assert axes.xaxis_inverted()  # first category on the right
    assert axes.yaxis.get_ticks_position() == "right"
