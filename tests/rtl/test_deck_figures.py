"""The same figures in every language: table cells and KPI cards compared after mapping digits back.

The Persian deck here reports the English deck's month (`calendar="gregorian"`); with Jalali
months it would report Mehr 1405, a different month with different figures.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from deckgen.model import KpiStrip, TableSpec
from tests.rtl.conftest import Rendered

# Persian and Arabic-Indic digits to ASCII; their decimal separator to "."; grouping dropped.
_TO_LATIN = {ord(ch): str(i % 10) for i, ch in enumerate("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩")} | {
    ord("٫"): ".",
    ord("٬"): None,
    ord(","): None,
}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_LATIN_DIGIT = re.compile(r"[0-9]")
_NATIVE_DIGITS = {"fa": re.compile("[۰-۹]"), "ar": re.compile("[٠-٩]")}


def numbers(text: str) -> list[str]:
    """The unsigned numbers in `text`, written with ASCII digits."""
    return _NUMBER.findall(text.translate(_TO_LATIN))


def table_numbers(deck: Rendered) -> dict[str, Counter[str]]:
    """Per slide kind (appendix and agenda aside), the numbers in the body cells of its tables."""
    found: dict[str, Counter[str]] = {}
    for model, slide in zip(deck.model.slides, deck.pptx.slides, strict=True):
        # Definitions are worded per language; the agenda's slide numbers follow pagination.
        if model.kind in ("definitions", "data_notes", "agenda"):
            continue
        for shape in slide.shapes:
            if shape.has_table:
                counter = found.setdefault(model.kind, Counter())
                for row in list(shape.table.rows)[1:]:
                    for cell in row.cells:
                        counter.update(numbers(cell.text))
    return found


def test_the_persian_tables_hold_the_english_figures(
    english_deck: Rendered, persian_gregorian_deck: Rendered
) -> None:
    english = table_numbers(english_deck)
    assert sum(sum(c.values()) for c in english.values()) > 300
    assert table_numbers(persian_gregorian_deck) == english


def test_the_arabic_tables_hold_the_english_figures(
    english_deck: Rendered, arabic_deck: Rendered
) -> None:
    assert table_numbers(arabic_deck) == table_numbers(english_deck)


def kpi_values(deck: Rendered) -> list[list[str]]:
    """The numbers of every KPI card's value, in deck order."""
    return [
        numbers(kpi.value)
        for slide in deck.model.slides
        for block in slide.blocks
        if isinstance(block, KpiStrip)
        for kpi in block.kpis
    ]


def test_kpi_cards_hold_the_english_figures(
    english_deck: Rendered, persian_gregorian_deck: Rendered, arabic_deck: Rendered
) -> None:
    english = kpi_values(english_deck)
    assert len(english) > 20
    assert kpi_values(persian_gregorian_deck) == english
    assert kpi_values(arabic_deck) == english


@pytest.mark.parametrize(
    ("fixture", "lang", "native"),
    [
        ("persian_deck", "fa", True),
        ("arabic_deck", "ar", True),
        ("arabic_english_words", "ar", False),
    ],
)
def test_figures_use_the_configured_digits(
    request: pytest.FixtureRequest, fixture: str, lang: str, native: bool
) -> None:
    deck: Rendered = request.getfixturevalue(fixture)
    figures = [
        cell.text
        for slide in deck.model.slides
        for block in slide.blocks
        if isinstance(block, TableSpec)
        for row in block.rows
        for cell in row
        if cell.value is not None
    ]
    figures += [
        kpi.value
        for slide in deck.model.slides
        for b in slide.blocks
        if isinstance(b, KpiStrip)
        for kpi in b.kpis
    ]
    assert len(figures) > 100
    for text in (t for t in figures if numbers(t)):  # "–" marks a missing value
        assert bool(_NATIVE_DIGITS[lang].search(text)) is native, text
        assert bool(_LATIN_DIGIT.search(text)) is not native, text
