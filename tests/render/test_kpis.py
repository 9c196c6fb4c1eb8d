"""KPI cards: a row in wide boxes, a column in narrow ones, first card at the reading start."""

from __future__ import annotations

from deckgen import textmetrics
from deckgen.model import Kpi, KpiStrip
from deckgen.render.kpis import card_boxes, draw_kpis, value_scale
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


def test_value_shrinks_to_stay_on_one_line_in_a_narrow_card() -> None:
    value = "۲۲۳٫۳\xa0میلیون\xa0ریال"  # one word: no-break spaces
    width = textmetrics.measure_width(value, 12.0, "Calibri", bold=True)
    assert value_scale(value, 2 * width, 12.0, "Calibri") == 2.0
    assert value_scale(value, 3 * width, 12.0, "Calibri") == 2.3  # the largest it gets
    narrow = value_scale(value, 0.9 * width, 12.0, "Calibri")
    assert narrow == 0.9  # below the label's size, and still whole: a word cannot wrap
    slide, ctx = make_canvas("fa")
    box = Box(0, 0, round((2 * width + 2 * 10 + 4) * EMU_PER_PT), 100 * EMU_PER_PT)
    draw_kpis(slide, KpiStrip(kpis=(Kpi("درآمد هر مشتری", value),)), box, ctx)
    (frame,) = [s.text_frame for s in slide.shapes if s.name == "KPI"]
    label, shown = (p.runs[0].font.size.pt for p in frame.paragraphs)
    assert shown == label * 2.0  # 2.0 × the label, not 2.3: the value fits the card's width


def test_value_of_several_words_wraps_between_words_rather_than_shrink_below_the_label() -> None:
    words = "Revenue per customer"
    widest = max(textmetrics.measure_width(w, 12.0, "Calibri", bold=True) for w in words.split())
    scale = value_scale(words, 1.5 * widest, 12.0, "Calibri")
    assert scale == 1.5  # on one line it would be 0.62 × the label; each word fits at 1.5
