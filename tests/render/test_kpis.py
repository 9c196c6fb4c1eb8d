"""KPI cards: a row in wide boxes, a column in narrow ones, first card at the reading start."""

from __future__ import annotations

from deckgen.model import Kpi, KpiStrip
from deckgen.render.kpis import card_boxes, draw_kpis
from deckgen.render.layout import EMU_PER_PT, Box
from tests.render.conftest import make_canvas

WIDE = Box(0, 0, 1200 * EMU_PER_PT, 100 * EMU_PER_PT)
TALL = Box(0, 0 * EMU_PER_PT, 300 * EMU_PER_PT, 400 * EMU_PER_PT)


def test_cards_in_a_row_with_gaps() -> None:
    boxes = card_boxes(WIDE, 4, rtl=False)
    gap = 12 * EMU_PER_PT
    assert [b.x for b in boxes] == [i * (boxes[0].w + gap) for i in range(4)]
    assert {b.h for b in boxes} == {WIDE.h}
    assert card_boxes(WIDE, 4, rtl=True) == list(
        reversed([b.mirrored(WIDE.w) for b in boxes][::-1])
    )
    assert card_boxes(WIDE, 4, rtl=True)[0].right == WIDE.right


def test_cards_in_a_column_when_the_box_is_narrow() -> None:
    boxes = card_boxes(TALL, 2, rtl=True)
    assert [b.x for b in boxes] == [0, 0]
    assert boxes[1].y > boxes[0].bottom
    assert card_boxes(TALL, 0, rtl=False) == []


def test_kpi_texts_and_tone_colours() -> None:
    slide, ctx = make_canvas("en")
    strip = KpiStrip(kpis=(Kpi("CAC", "48 USD", "+6.5%", "bad"), Kpi("NPS", "+32")))
    draw_kpis(slide, strip, WIDE, ctx)
    texts = [s.text_frame for s in slide.shapes if s.name == "KPI"]
    assert [[p.text for p in t.paragraphs] for t in texts] == [
        ["CAC", "48 USD", "+6.5%"],
        ["NPS", "+32"],
    ]
    value, delta = texts[0].paragraphs[1].runs[0].font, texts[0].paragraphs[2].runs[0].font
    assert value.bold and value.size.pt > texts[0].paragraphs[0].runs[0].font.size.pt
    assert str(delta.color.rgb) == "C8102E"
    cards = [s for s in slide.shapes if s.name == "KPI Card"]
    assert all(
        c._element.find("{http://schemas.openxmlformats.org/presentationml/2006/main}style") is None
        for c in cards
    )
