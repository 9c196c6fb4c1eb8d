"""KPI cards: a row in wide boxes, a column in narrow ones, first card at the reading start."""

from __future__ import annotations

from deckgen import textmetrics
from deckgen.model import Kpi, KpiStrip
from deckgen.render.kpis import card_boxes, draw_kpis, kpi_layout, value_size
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


def _shapes(slide, name: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [s for s in slide.shapes if s.name == name]


def _size(shape) -> float:  # type: ignore[no-untyped-def]
    return shape.text_frame.paragraphs[0].runs[0].font.size.pt


def test_kpi_texts_and_tone_colours() -> None:
    slide, ctx = make_canvas("en")
    strip = KpiStrip(kpis=(Kpi("CAC", "48 USD", "+6.5%", "bad"), Kpi("NPS", "+32")))
    draw_kpis(slide, strip, WIDE, ctx)
    assert [s.text_frame.text for s in _shapes(slide, "KPI Label")] == ["CAC", "NPS"]
    values = _shapes(slide, "KPI Value")
    assert [s.text_frame.text for s in values] == ["48 USD", "+32"]
    (delta,) = _shapes(slide, "KPI Delta")
    assert delta.text_frame.text == "+6.5%"
    value_font = values[0].text_frame.paragraphs[0].runs[0].font
    assert value_font.bold and value_font.size.pt > _size(_shapes(slide, "KPI Label")[0])
    assert str(delta.text_frame.paragraphs[0].runs[0].font.color.rgb) == "C8102E"
    cards = _shapes(slide, "KPI Card")
    assert all(
        c._element.find("{http://schemas.openxmlformats.org/presentationml/2006/main}style") is None
        for c in cards
    )


def test_value_size_keeps_each_value_on_one_line() -> None:
    value = "۲۲۳٫۳\xa0میلیون\xa0ریال"  # one word: no-break spaces
    width = textmetrics.measure_width(value, 1.0, "Calibri", bold=True)
    assert value_size([value], 20 * width, 27.6, "Calibri") == 20.0  # fits 20 pt exactly
    assert value_size([value], 40 * width, 27.6, "Calibri") == 27.5  # the largest asked, in halves
    assert value_size([value], 5 * width, 27.6, "Calibri") == 10.0  # never below the floor
    # One size for the strip: the longest value sets it.
    assert value_size(["+4", value], 20 * width, 27.6, "Calibri") == 20.0


def test_value_of_several_words_wraps_between_words_rather_than_shrink_below_the_label() -> None:
    words = "Revenue per customer"
    widest = max(textmetrics.measure_width(w, 1.0, "Calibri", bold=True) for w in words.split())
    assert value_size([words], 18 * widest, 27.6, "Calibri") == 18.0  # each word fits at 18 pt


def test_a_strip_shares_its_sizes_and_lines_values_up_whatever_wraps() -> None:
    slide, ctx = make_canvas("fa")
    strip = KpiStrip(
        kpis=(
            Kpi("درآمد", "۲۹٫۷\xa0میلیارد\xa0ریال", "\u2066−۰٫۳\u2069٪ نسبت به شهریور ۱۴۰۵", "bad"),
            Kpi("نرخ خرید مجدد در دوازده ماه گذشته برای همهٔ مشتریان", "۴۷٫۳٪"),
            Kpi("NPS", "+۴", "\u200e+۱۰\xa0امتیاز نسبت به شهریور ۱۴۰۵", "good"),
        )
    )
    box = Box(0, 0, 700 * EMU_PER_PT, 97 * EMU_PER_PT)
    draw_kpis(slide, strip, box, ctx)
    values = _shapes(slide, "KPI Value")
    assert len({_size(v) for v in values}) == 1  # one value size for the row
    assert len({v.top for v in values}) == 1  # a two-line label does not push its value down
    labels = _shapes(slide, "KPI Label")
    assert len({_size(s) for s in labels}) == 1 and len({s.top for s in labels}) == 1
    for shape in slide.shapes:  # every card text at the type floor or above
        if shape.has_text_frame and shape.text_frame.text:
            assert all(r.font.size.pt >= 10 for p in shape.text_frame.paragraphs for r in p.runs)


def test_a_long_change_breaks_after_its_figure_never_inside_a_phrase() -> None:
    slide, ctx = make_canvas("fa")
    delta = "\u200e+۰٫۱\xa0واحد\xa0درصد نسبت به شهریور ۱۴۰۵"
    strip = KpiStrip(kpis=(Kpi("نرخ خرید مجدد", "۴۷٫۳٪", delta, "good"),))
    narrow = Box(0, 0, 150 * EMU_PER_PT, 100 * EMU_PER_PT)
    draw_kpis(slide, strip, narrow, ctx)
    (shape,) = _shapes(slide, "KPI Delta")
    assert [p.text for p in shape.text_frame.paragraphs] == [
        "\u200e+۰٫۱\xa0واحد\xa0درصد",
        "نسبت به شهریور ۱۴۰۵",
    ]
    slide, ctx = make_canvas("fa")
    draw_kpis(slide, strip, Box(0, 0, 600 * EMU_PER_PT, 100 * EMU_PER_PT), ctx)
    (shape,) = _shapes(slide, "KPI Delta")
    assert [p.text for p in shape.text_frame.paragraphs] == [delta]  # fits: one line


def test_a_change_compared_with_its_norm_breaks_before_the_parenthesis() -> None:
    slide, ctx = make_canvas("fa")
    delta = "۱ از هر ۳٬۱۵۵ (معمول: ۱ از هر ۲٬۵۱۵)"
    strip = KpiStrip(kpis=(Kpi("بزرگ‌ترین ریزش", "جذب", delta, "bad"),))
    draw_kpis(slide, strip, Box(0, 0, 150 * EMU_PER_PT, 100 * EMU_PER_PT), ctx)
    (shape,) = _shapes(slide, "KPI Delta")
    # Not "۱" alone on the first line: the figure stays with its words.
    assert [p.text for p in shape.text_frame.paragraphs] == [
        "۱ از هر ۳٬۱۵۵",
        "(معمول: ۱ از هر ۲٬۵۱۵)",
    ]


def test_kpi_layout_shrinks_the_value_before_the_floor_when_cards_are_short() -> None:
    kpis = [Kpi("Repeat rate", "47.9%", "+0.6 pts vs Sep 2026")]
    tall = kpi_layout(kpis, 200.0, 90.0, "Calibri")
    short = kpi_layout(kpis, 200.0, 50.0, "Calibri")
    assert tall.value_pt > short.value_pt >= short.label_pt >= 10.0
    assert tall.height <= 90.0 and short.height <= 50.0
