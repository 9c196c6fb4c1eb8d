"""Action titles of at most two lines, the section tracker above them, chart source lines."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation

from deckgen import textmetrics
from deckgen.model import ChartSpec, Deck, Series, Slide, TitleStyle
from deckgen.render.identity import split_name
from deckgen.render.layout import DESIGN_H, DESIGN_W, EMU_PER_PT, Box, grid_for
from deckgen.render.titles import (
    ACTION_TITLE_MIN_PT,
    ACTION_TITLE_PT,
    SOURCE_PT,
    action_title_box,
    action_title_size,
    split_source,
    tracker_box,
)
from deckgen.render.writer import render_pptx
from deckgen.wording import LANGS
from tests.golden.decks import sample_deck
from tests.render.conftest import make_canvas

FAMILY = "Calibri"
WIDTH = action_title_box(grid_for(DESIGN_W, DESIGN_H, "ltr")).w_pt


def test_a_short_title_keeps_its_size_a_long_one_shrinks_to_two_lines() -> None:
    assert action_title_size("Agenda", WIDTH, FAMILY) == ACTION_TITLE_PT
    long = " ".join(["Revenue rose 5.2% to 30,614 USD and loyalty is the stage to fix"] * 3)
    size = action_title_size(long, WIDTH, FAMILY)
    assert ACTION_TITLE_MIN_PT < size < ACTION_TITLE_PT
    assert len(textmetrics.wrap_text(long, WIDTH, size, FAMILY, True)) == 2
    assert len(textmetrics.wrap_text(long, WIDTH, size + 0.5, FAMILY, True)) > 2
    endless = " ".join(["word"] * 400)
    assert action_title_size(endless, WIDTH, FAMILY) == ACTION_TITLE_MIN_PT


@pytest.mark.parametrize("lang", LANGS)
def test_every_title_of_the_sample_deck_fits_two_lines_without_shrinking_far(lang: str) -> None:
    deck, _ = sample_deck(lang)
    for slide in deck.slides[1:]:
        size = action_title_size(slide.title, WIDTH, FAMILY)
        assert size >= 20, (slide.kind, slide.title)
        assert len(textmetrics.wrap_text(slide.title, WIDTH, size, FAMILY, True)) <= 2


def _deck(style: TitleStyle) -> Deck:
    chart = ChartSpec(
        "bar",
        "Spend",
        ("a", "b"),
        (Series("x", (1.0, 2.0)), Series("y", (2.0, 1.0))),
        source="Source: orders sheet, Oct 2026",
    )
    action = style == TitleStyle.ACTION
    slide = Slide(
        kind="channels",
        title="SEO brings the cheapest customers" if action else "Acquisition channels",
        headline=None if action else "SEO brings the cheapest customers",
        notes="n",
        blocks=(chart,),
        tracker="Acquisition channels",
    )
    return Deck(
        title="t",
        client="c",
        period_label="October 2026",
        lang="en",
        direction="ltr",
        currency="USD",
        slides=(slide,),
        title_style=style,
    )


@pytest.mark.parametrize("style", list(TitleStyle))
def test_the_tracker_sits_above_the_title_and_the_source_under_the_chart(
    style: TitleStyle,
) -> None:
    prs = Presentation(io.BytesIO(render_pptx(_deck(style))))
    (slide,) = prs.slides
    shapes = {split_name(shape.name)[0]: shape for shape in slide.shapes}
    tracker, title, source = shapes["Tracker"], slide.shapes.title, shapes["Source"]
    assert tracker.text_frame.text == "Acquisition channels"
    assert tracker.top + tracker.height <= title.top
    box = tracker_box(grid_for(prs.slide_width, prs.slide_height, "ltr"))
    assert (tracker.left, tracker.top) == (box.x, box.y)
    chart = next(s for s in slide.shapes if s.has_chart)
    assert source.text_frame.text == "Source: orders sheet, Oct 2026"
    legend = [s for s in slide.shapes if s.name.startswith("Legend")]
    assert {s.text_frame.text for s in legend if split_name(s.name)[0] == "Legend"} == {"x", "y"}
    # The legend band sits under the chart, the source line under the legend band.
    assert all(chart.top + chart.height <= s.top for s in legend)
    assert max(s.top + s.height for s in legend) <= source.top
    size = source.text_frame.paragraphs[0].runs[0].font.size.pt
    assert size == 10  # the slide text floor
    if style == TitleStyle.ACTION:
        assert title.top == action_title_box(grid_for(prs.slide_width, prs.slide_height, "ltr")).y
        assert "Headline" not in shapes
        assert title.top + title.height < chart.top - 20 * EMU_PER_PT
    else:
        assert shapes["Headline"].text_frame.text == "SEO brings the cheapest customers"


def test_the_source_line_gets_the_height_its_script_and_length_need() -> None:
    _, en = make_canvas("en")
    _, ar = make_canvas("ar")
    box = Box(0, 0, round(400 * EMU_PER_PT), round(300 * EMU_PER_PT))
    rest, foot = split_source(box, "Source: orders sheet, Oct 2026", en)
    # One Latin line of 10 pt (14 pt tall in Carlito) fits the 0.22 in minimum (15.84 pt).
    assert foot.h == round(0.22 * 914400) and rest.h + foot.h == box.h
    assert foot.y == rest.bottom
    # Arabic script is measured on a taller line (textmetrics.ARABIC_LINE_EM); it still fits.
    _, arabic = split_source(box, "المصدر: ورقة الطلبات، أكتوبر 2026", ar)
    assert arabic == foot
    # A line too long for the width wraps, and its foot holds both lines.
    long_source = "Source: " + ", ".join(["orders sheet"] * 30)
    _, wrapped = split_source(box, long_source, en)
    assert wrapped.h_pt >= 2 * textmetrics.line_height(long_source, SOURCE_PT, "Carlito")
