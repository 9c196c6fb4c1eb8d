from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deckgen.errors import Problem
from deckgen.model import Slide, TableSpec, TextBlock
from deckgen.slides.appendix import (
    GLOSSARY,
    DataNote,
    build_appendix_slides,
    glossary_anchors,
    summarise_warnings,
)
from deckgen.slides.context import SlideContext
from deckgen.wording import Wording

WARNINGS = (
    *(
        Problem("orders", 10 + i, "amount", str(-i), "an amount of 0 or more", "warning")
        for i in range(7)
    ),
    Problem("customers", 4, "age", "212", "an age between 0 and 120", "warning"),
    Problem("customers", 3, "age", "-1", "an age between 0 and 120", "warning"),
    Problem("leads", None, "region", None, "a region for most leads", "warning"),
)


def test_warnings_grouped_by_sheet_column_and_rule() -> None:
    assert summarise_warnings(WARNINGS) == (
        DataNote("orders", "amount", "an amount of 0 or more", "", 7, (10, 11, 12, 13, 14), False),
        DataNote("customers", "age", "an age between 0 and 120", "", 2, (3, 4), False),
        DataNote("leads", "region", "a region for most leads", "", 1, (), True),
    )


@given(
    st.lists(
        st.builds(
            Problem,
            sheet=st.sampled_from(["orders", "leads"]),
            row=st.none() | st.integers(2, 50),
            column=st.none() | st.sampled_from(["amount", "date"]),
            value=st.none(),
            expected=st.sampled_from(["a number", "a date"]),
            severity=st.just("warning"),
            rule=st.sampled_from(["", "bad_value"]),
        ),
        max_size=40,
    )
)
def test_every_warning_is_counted_once(problems: list[Problem]) -> None:
    notes = summarise_warnings(tuple(problems))
    assert sum(n.count for n in notes) == len(problems)
    assert len({(n.sheet, n.column, n.expected, n.rule) for n in notes}) == len(notes)
    assert [n.count for n in notes] == sorted((n.count for n in notes), reverse=True)
    assert all(list(n.rows) == sorted(set(n.rows)) and len(n.rows) <= 5 for n in notes)


@pytest.fixture(scope="module")
def slides(sample_ctx: SlideContext) -> tuple[Slide, ...]:
    return build_appendix_slides(sample_ctx, ("feedback",), WARNINGS)


def test_data_notes_table_and_what_was_left_out(
    slides: tuple[Slide, ...], sample_ctx: SlideContext
) -> None:
    data = slides[0]
    assert data.title == "Appendix: data notes"
    table, side = data.blocks
    assert isinstance(table, TableSpec) and isinstance(side, TextBlock)
    assert [row[3].value for row in table.rows] == [7, 2, 1]
    assert [row[4].text for row in table.rows] == ["10, 11, 12, 13, 14 …", "3, 4", "whole sheet"]
    assert side.paragraphs[-1].text == (
        "Customer feedback: not shown, the workbook has no feedback sheet."
    )
    assert data.headline == (
        "10 data-quality warnings of 3 kinds; the figures leave the rows concerned out or use "
        "them as the notes say"
    )
    assert "orders 7." in data.notes and "customers 2," in data.notes


def test_without_warnings_a_callout_says_so(sample_ctx: SlideContext) -> None:
    data = build_appendix_slides(sample_ctx, (), ())[0]
    quality = data.blocks[0]
    assert isinstance(quality, TextBlock)
    assert quality.paragraphs[0].text == "No data-quality warnings: every row passed validation."
    assert data.headline == "The data passed every check, and every slide had the data it needs"


def test_definitions_of_the_slides_shown_over_as_many_pages_as_needed(
    slides: tuple[Slide, ...], sample_ctx: SlideContext
) -> None:
    pages = [s for s in slides if s.title.startswith("Appendix: definitions")]
    assert pages[0].title == "Appendix: definitions"
    assert all(s.title == "Appendix: definitions (continued)" for s in pages[1:])
    rows = [row for s in pages for row in s.blocks[0].rows]  # type: ignore[union-attr]
    anchors = glossary_anchors(tuple(k for k in GLOSSARY if k != "feedback"))
    assert [row[0].text for row in rows] == [sample_ctx.definitions[a].title for a in anchors]
    assert "feedback-to-resolve" not in anchors and "nps" in anchors
    assert len(pages) > 1
    assert all(s.notes for s in slides)


def test_every_glossary_anchor_is_defined(sample_ctx: SlideContext) -> None:
    anchors = glossary_anchors(tuple(GLOSSARY))
    assert len(anchors) == len(set(anchors))
    assert set(anchors) <= set(sample_ctx.definitions)


def test_the_expected_cell_is_worded_in_the_deck_language(sample_ctx: SlideContext) -> None:
    missing = Problem(
        "loyalty",
        None,
        None,
        None,
        "a sheet with this name (optional; ...)",
        "warning",
        "missing_sheet",
    )
    unnamed = WARNINGS[-1]  # no rule: the English detail, isolated inside Persian text
    persian = replace(sample_ctx, wording=Wording("fa", digits="native"))
    cells = {}
    for ctx in (sample_ctx, persian):
        table = build_appendix_slides(ctx, (), (missing, unnamed))[0].blocks[0]
        assert isinstance(table, TableSpec)
        cells[ctx.lang] = [row[2].text for row in table.rows]
    assert cells["en"] == ["a region for most leads", "a sheet with this name (optional; ...)"]
    assert cells["fa"] == [
        "\u2066a region for most leads\u2069",
        "برگه‌ای با این نام (اختیاری؛ اسلایدهای وابسته حذف شدند)",
    ]
