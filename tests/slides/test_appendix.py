from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deckgen.errors import Problem
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.model import Slide, TableSpec, TextBlock
from deckgen.narrative.appendix import DataNote, summarise_warnings
from deckgen.narrative.outline import Dropped, DropReason, Outline, SectionPages
from deckgen.slides.appendix import MAX_DEFINITION_SLIDES
from deckgen.slides.registry import REGISTRY, SlideKind
from deckgen.wording import LANGS
from tests.slides.conftest import build, context

WARNINGS = (
    *(
        Problem("orders", 10 + i, "amount", str(-i), "an amount of 0 or more", "warning")
        for i in range(7)
    ),
    Problem("customers", 4, "age", "212", "an age between 0 and 120", "warning"),
    Problem("customers", 3, "age", "-1", "an age between 0 and 120", "warning"),
    Problem("leads", None, "region", None, "a region for most leads", "warning"),
)


def outline(
    warnings: tuple[Problem, ...] = (),
    dropped: tuple[Dropped, ...] = (),
    cites: tuple[str, ...] = (),
) -> Outline:
    return Outline((SectionPages("summary", 2, 3),), dropped, warnings, (), cites)


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
def data(sample_metrics: LifecycleMetrics) -> Slide:
    dropped = (Dropped(SlideKind.QUADRANTS, DropReason.NO_SHEET, sheet="surveys"),)
    (slide,) = build(
        SlideKind.DATA_NOTES, sample_metrics, outline=outline(WARNINGS, dropped)
    ).slides
    return slide


def test_data_notes_table_and_what_was_left_out(data: Slide) -> None:
    assert (
        data.title
        == "10 data-quality warnings of 3 kinds; 1 slide left out for want of data or signal"
    )
    assert data.tracker == "Appendix · Data notes"
    table, side = data.blocks
    assert isinstance(table, TableSpec) and isinstance(side, TextBlock)
    assert [row[3].value for row in table.rows] == [7, 2, 1]
    assert [row[4].text for row in table.rows] == ["10, 11, 12, 13, 14 …", "3, 4", "whole sheet"]
    assert side.title == "Left out of this deck"
    assert side.paragraphs[-1].text == (
        "Satisfaction vs loyalty: not shown, the workbook has no surveys sheet."
    )
    assert "orders 7." in data.notes and "customers 2," in data.notes


def test_no_warnings_and_nothing_left_out_no_data_notes(sample_metrics: LifecycleMetrics) -> None:
    assert build(SlideKind.DATA_NOTES, sample_metrics, outline=outline()).slides == ()


def test_the_expected_cell_is_worded_in_the_deck_language(sample_metrics: LifecycleMetrics) -> None:
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
    cells = {}
    for lang in ("en", "fa"):
        built = build(
            SlideKind.DATA_NOTES, sample_metrics, lang=lang, outline=outline((missing, unnamed))
        )
        table = built.slides[0].blocks[0]
        assert isinstance(table, TableSpec)
        cells[lang] = [row[2].text for row in table.rows]
    assert cells["en"] == ["a region for most leads", "a sheet with this name (optional; ...)"]
    assert cells["fa"] == [
        "\u2066a region for most leads\u2069",
        "برگه‌ای با این نام (اختیاری؛ اسلایدهای وابسته حذف شدند)",
    ]


def _every_cite() -> tuple[str, ...]:
    """The registry's cites and those builders add as the data has them (the loyalty stock
    under the orders rule, the club's optional figures)."""
    added = ("frequent-buyers", "club-tiers", "club-offers", "club-points", "referrals")
    return tuple(dict.fromkeys((*(a for e in REGISTRY for a in e.cites), *added)))


@pytest.mark.parametrize("lang", LANGS)
def test_the_glossary_of_a_full_deck_takes_at_most_two_slides(
    sample_metrics: LifecycleMetrics, lang: str
) -> None:
    built = build(
        SlideKind.DEFINITIONS, sample_metrics, lang=lang, outline=outline(cites=_every_cite())
    )
    assert 1 <= len(built.slides) <= MAX_DEFINITION_SLIDES
    rows = [row for s in built.slides for b in s.blocks for row in b.rows]  # type: ignore[union-attr]
    glossary = context(SlideKind.DEFINITIONS, sample_metrics, lang=lang).wording.data(
        "glossary.toml"
    )
    assert len(rows) == len(glossary)
    # Every measure the deck cites and the glossary explains, in deck order, once.
    ordered = [a for a in ("period", "change", *_every_cite()) if a in glossary]
    assert len(rows) == len(dict.fromkeys(ordered))


def test_the_glossary_shows_only_the_measures_of_the_slides_shown(
    sample_metrics: LifecycleMetrics,
) -> None:
    cites = ("nps", "csat", "feedback-to-resolve")
    built = build(SlideKind.DEFINITIONS, sample_metrics, outline=outline(cites=cites))
    (slide,) = built.slides
    rows = [row for b in slide.blocks for row in b.rows]  # type: ignore[union-attr]
    assert [row[0].text for row in rows] == ["Reporting month", "Change", "NPS", "CSAT"]
    assert slide.title == "What the measures mean"
    # The full, code-level definitions of every measure cited are in the speaker notes.
    ctx = context(SlideKind.DEFINITIONS, sample_metrics)
    for anchor in ("period", "change", *cites):
        assert ctx.definitions[anchor].text in slide.notes


@pytest.mark.parametrize(
    ("without", "starts_with"),
    [
        ((), "People reached, leads captured"),
        (("reach",), "Leads captured and new customers"),
        (("reach", "acquisition"), "New customers in the month;"),
    ],
)
def test_the_funnel_entry_names_only_the_stages_the_data_counts(
    sample_metrics: LifecycleMetrics, without: tuple[str, ...], starts_with: str
) -> None:
    steps = tuple(
        replace(s, count=None) if s.stage in without else s for s in sample_metrics.funnel.steps
    )
    m = replace(sample_metrics, funnel=replace(sample_metrics.funnel, steps=steps))
    for lang in LANGS:
        term = context(SlideKind.DEFINITIONS, m, lang=lang).wording.data("glossary.toml")[
            "lifecycle-funnel"
        ]["term"]
        out = outline(cites=("lifecycle-funnel",))
        built = build(SlideKind.DEFINITIONS, m, lang=lang, outline=out)
        rows = [row for s in built.slides for b in s.blocks for row in b.rows]  # type: ignore[union-attr]
        (text,) = [row[1].text for row in rows if row[0].text == term]
        if lang == "en":
            assert text.startswith(starts_with)
        else:
            # Persian and Arabic name the reached audience only where it is counted.
            assert ("مخاطبان" in text or "وصلتهم" in text) == (not without)
