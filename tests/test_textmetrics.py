"""Text measurement with font files: widths, wrapping, fitting, Arabic script."""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen import textmetrics as tm

WORDS = st.lists(
    st.sampled_from(["customer", "CAC", "12", "conversion", "loyal", "a", "retention,", "NPS"]),
    min_size=1,
    max_size=30,
)


def test_fonts_are_found() -> None:
    assert tm.font_path("Carlito") is not None
    assert tm.font_path("Calibri") == tm.font_path("Carlito")  # metric-compatible stand-in
    assert tm.font_path("Noto Sans Arabic", bold=True) is not None
    assert tm.resolved_font_path("No Such Family") == tm.font_path("DejaVu Sans")


def test_width_is_the_sum_of_advances() -> None:
    assert tm.measure_width("", 12) == 0
    one = tm.measure_width("ab", 12)
    assert tm.measure_width("abab", 12) == pytest.approx(2 * one)
    assert tm.measure_width("ab", 24) == pytest.approx(2 * one)
    font = TTFont(tm.font_path("Carlito"))
    advance = font["hmtx"][font.getBestCmap()[ord("a")]][0]
    assert tm.measure_width("a", font["head"].unitsPerEm) == pytest.approx(advance)


def test_bold_and_unknown_families_are_wider() -> None:
    text = "Customer lifecycle review"
    assert tm.measure_width(text, 12, bold=True) > tm.measure_width(text, 12)
    assert tm.measure_width(text, 12, "No Such Family") > tm.measure_width(text, 12, "Calibri")


def test_arabic_uses_joined_forms_with_slack() -> None:
    word = "مشتری"
    isolated = sum(tm._char_width_em(char, "Carlito", False) for char in word)
    assert tm.measure_width(word, 1) < isolated  # joined forms are narrower
    assert tm._contextual("سلام") == "\ufeb3\ufee0\ufe8e\ufee1"  # initial, medial, final, isolated
    assert tm._contextual("ب\u200cب") == "\ufe8f\u200c\ufe8f"  # ZWNJ stops joining


def test_zero_width_characters() -> None:
    assert tm.measure_width("\u200c\u200f\u2066\u2069", 12) == 0


@settings(max_examples=60, deadline=None)
@given(WORDS, st.floats(min_value=40, max_value=400))
def test_wrapped_lines_fit_and_keep_the_words(words: list[str], width: float) -> None:
    text = " ".join(words)
    lines = tm.wrap_text(text, width, 12)
    for line in lines:
        assert tm.measure_width(line, 12) <= width or len(line) == 1
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_wrap_keeps_paragraph_breaks() -> None:
    assert tm.wrap_text("one\ntwo", 500, 12) == ["one", "two"]


def test_fit_font_size() -> None:
    text = "Email brings the cheapest customers: CAC 12 USD, a third of TV's"
    size = tm.fit_font_size(text, 300, 40, 20, 10)
    assert size is not None and 10 <= size < 20
    lines = tm.wrap_text(text, 300, size)
    assert len(lines) * tm.line_height(text, size) <= 40
    bigger = size + 0.5
    assert len(tm.wrap_text(text, 300, bigger)) * tm.line_height(text, bigger) > 40
    assert tm.fit_font_size(text, 50, 10, 20, 10) is None
    assert tm.fit_font_size("Hi", 300, 100, 20, 10) == 20


def test_arabic_lines_are_taller() -> None:
    assert tm.line_height("مشتری", 10) == pytest.approx(14.0)
    assert tm.line_height("customer", 10) == pytest.approx(10 * 2500 / 2048)
    assert tm.text_height("a b", 1000, 10) == pytest.approx(tm.line_height("a", 10))
