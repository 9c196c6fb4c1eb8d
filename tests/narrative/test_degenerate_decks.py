"""Golden read-back of the sentences that once contradicted their figures on degenerate data
(tests/narrative/degenerate.py): the rendered .pptx, read through python-pptx."""

from __future__ import annotations

import pytest

from deckgen.narrative.claims import check_claims
from deckgen.slides.registry import SlideKind
from deckgen.wording import LANGS
from tests.narrative.degenerate import WORKBOOKS, degenerate_deck

LOST = {"en": "Lost", "fa": "ازدست‌رفته‌ها", "ar": "المفقودون"}

RFM_HEADLINES = {
    # 15 October to 31 October: 16 days; 4 customers.
    ("same_day", "en"): "All 4 customers last ordered 16 days before the month's end: recency "
    "cannot rank them, so no segment tells who is lapsing",
    ("same_day", "fa"): "آخرین سفارش هر ۴ مشتری ۱۶ روز پیش از پایان ماه بوده است: تازگی خرید "
    "هیچ‌کدام را از دیگری جدا نمی‌کند، پس هیچ بخشی نشان نمی‌دهد چه کسی در حال ریزش است",
    (
        "same_day",
        "ar",
    ): "كان آخر طلب لكل العملاء، وعددهم 4، قبل نهاية الشهر بالمدة نفسها (16 يومًا): "
    "لا تميّز الحداثة بينهم، فلا تدل أي شريحة على من يتجه إلى الانقطاع",
    # 14 October to 31 October: 17 days.
    ("one_customer", "en"): "The only customer last ordered 17 days before the month's end: with "
    "no one to compare with, no segment tells who is lapsing",
    ("one_customer", "fa"): "آخرین سفارش تنها مشتری ۱۷ روز پیش از پایان ماه بوده است: بی مشتری "
    "دیگری برای مقایسه، هیچ بخشی نشان نمی‌دهد چه کسی در حال ریزش است",
}


def _slide_text(name: str, lang: str, kind: SlideKind) -> str:
    deck, _, texts = degenerate_deck(name, lang)
    (text,) = [t for s, t in zip(deck.slides, texts, strict=True) if s.kind == kind]
    return text


@pytest.mark.parametrize(("name", "lang"), list(RFM_HEADLINES))
def test_the_rfm_headline_names_no_segment_when_recency_ranks_nobody(name, lang):
    assert _slide_text(name, lang, SlideKind.RFM).startswith(RFM_HEADLINES[name, lang])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(WORKBOOKS))
def test_no_slide_calls_a_recent_base_lost(name, lang):
    # Was "Lost is the largest segment, with 100.0% of customers" beside "all 4 customers who
    # ordered in October 2026 were new" (same_day) and "churn is 0.0%" (one_customer).
    _, _, texts = degenerate_deck(name, lang)
    assert not [t for t in texts if LOST[lang] in t]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(WORKBOOKS))
def test_every_claim_of_the_degenerate_decks_holds(name, lang):
    deck, metrics, _ = degenerate_deck(name, lang)
    for number, slide in enumerate(deck.slides, start=1):
        assert check_claims(slide.claims, metrics, f"{name} {lang} slide {number}") == []


@pytest.mark.parametrize("name", list(WORKBOOKS))
def test_the_notes_show_no_bars_where_a_sentence_replaced_the_chart(name):
    # Was "The bars show the 1 RFM segments with the highest revenue per customer." beside
    # "Nothing to compare: the data has a single group." and no bars.
    deck, _, _ = degenerate_deck(name, "en")
    (slide,) = [s for s in deck.slides if s.kind == SlideKind.REPEAT_CHURN]
    assert "Nothing to compare: the data has a single group." in _slide_text(
        name, "en", SlideKind.REPEAT_CHURN
    )
    assert "The bars show" not in slide.notes
