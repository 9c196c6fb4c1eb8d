"""Table sizing without python-pptx: widths, row heights, fitting and pagination."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen import textmetrics
from deckgen.model import Cell, TableColumn, TableSpec
from deckgen.render.layout import BLOCK_GAP_PT, BLOCK_TITLE_PT, area_size_pt
from deckgen.render.table_fit import (
    CELL_INSET_X,
    CELL_INSET_Y,
    MIN_FONT_PT,
    TIGHT_INSET_Y,
    cell_line_height,
    column_widths,
    fit_table,
    loosen,
    loosened,
    paginate_table,
    row_heights,
)

COLUMNS = (TableColumn("Profile", width=3.0), TableColumn("Conversion", "end", 1.0))


def _spec(count: int, text: str = "Families in the north") -> TableSpec:
    rows = tuple((Cell(f"{text} {i}"), Cell("31.0%")) for i in range(count))
    return TableSpec(columns=COLUMNS, rows=rows, title="Prospects")


def test_column_widths_follow_the_weights() -> None:
    assert column_widths(_spec(1), 400.0) == (300.0, 100.0)


def test_one_line_rows() -> None:
    spec = _spec(2)
    heights = row_heights(spec, (300.0, 100.0), 11, "Calibri")
    assert cell_line_height(11) == pytest.approx(15.4)  # the exact spacing: 1.4 em
    assert heights == pytest.approx((21.4, 21.4, 21.4))  # and 3 pt above and below


def test_fit_table_shrinks_until_it_fits() -> None:
    assert fit_table(_spec(13), 400.0, 300.0, "Calibri").size == 11  # 14 rows of 21.4 pt
    fit = fit_table(_spec(14), 400.0, 300.0, "Calibri")
    assert fit.size == 10  # 15 rows: 321 pt at 11 pt, 310.5 at 10.5, 300 at 10
    assert sum(fit.heights) == pytest.approx(300.0)


def test_no_table_is_drawn_below_the_type_floor() -> None:
    fit = fit_table(_spec(40), 400.0, 300.0, "Calibri")
    assert fit.size == MIN_FONT_PT == 10  # too long to fit: paginate, never shrink further
    small = TableSpec(columns=COLUMNS, rows=_spec(3).rows, font_size=8)
    assert fit_table(small, 400.0, 300.0, "Calibri").size == 10  # asked for 8 pt, gets 10


@settings(max_examples=12, deadline=None)
@given(st.integers(min_value=1, max_value=80))
def test_pages_keep_every_row_and_each_fits(count: int) -> None:
    spec = _spec(count, "A longer description of the ideal prospect, with reasons")
    pages = paginate_table(spec, area="left")
    assert tuple(row for page in pages for row in page.rows) == spec.rows
    width, height = area_size_pt("left")
    for page in pages:
        assert page.columns == spec.columns and page.title == spec.title
        heights = row_heights(page, column_widths(page, width), page.font_size, "Calibri")
        assert sum(heights) <= height - BLOCK_TITLE_PT - BLOCK_GAP_PT or len(page.rows) == 1


def _page_rows(count: int, area: str = "full") -> list[int]:
    spec = TableSpec(columns=COLUMNS, rows=_spec(count).rows, area=area)  # type: ignore[arg-type]
    return [len(page.rows) for page in paginate_table(spec)]


def test_pages_are_filled_before_the_table_continues() -> None:
    # One-line rows of 21.4 pt at 11 pt: a full-width page (349.2 pt) holds 15 under its header.
    assert _page_rows(15) == [15]
    assert _page_rows(25) == [15, 10]  # the first slide full, not 13 + 12
    assert _page_rows(40) == [15, 15, 10]


def test_a_table_shrinks_a_little_to_save_a_page() -> None:
    # 16 one-line rows need two pages at 11 pt but fit one at 10 pt (20 pt rows: 16 a page).
    (page,) = paginate_table(TableSpec(columns=COLUMNS, rows=_spec(16).rows, area="full"))
    assert (len(page.rows), page.font_size) == (16, 10)
    # Never below the floor: 17 rows stay on two 11 pt pages (10 pt would not save one).
    untitled = TableSpec(columns=COLUMNS, rows=_spec(17).rows, area="full")
    assert [(len(p.rows), p.font_size) for p in paginate_table(untitled)] == [(15, 11), (2, 11)]


def test_pages_with_uneven_rows_stay_as_few_as_filling_needs() -> None:
    tall = "A long reason " * 90  # many lines in the wide column, even at a smaller size
    rows = (*_spec(12).rows, (Cell(tall), Cell("1%")), (Cell(tall), Cell("2%")))
    spec = TableSpec(columns=COLUMNS, rows=rows, area="full")
    width, height = area_size_pt("full")
    pages = paginate_table(spec)
    heights = [row_heights(p, column_widths(p, width), p.font_size, "Calibri") for p in pages]
    assert [sum(h) <= height for h in heights] == [True] * len(pages)
    assert tuple(row for page in pages for row in page.rows) == rows
    assert len(pages) == 2
    # The first page is full: its next row would not have fitted.
    first = pages[0]
    grown = TableSpec(columns=COLUMNS, rows=rows[: len(first.rows) + 1], font_size=first.font_size)
    assert sum(row_heights(grown, column_widths(grown, width), first.font_size, "Calibri")) > height


def _breaks_inside_a_word(text: str, width: float, size: float, bold: bool = False) -> bool:
    lines = textmetrics.wrap_text(text, width - 2 * CELL_INSET_X, size, "Calibri", bold)
    words = [word for line in lines for word in line.split(" ") if word]
    return words != [word for word in text.split(" ") if word]  # a split word adds a piece


def test_font_shrinks_before_a_word_or_a_no_break_space_would_break() -> None:
    columns = (TableColumn("Channel", width=4.0), TableColumn("Spend", "end", 1.0))
    spec = TableSpec(columns=columns, rows=((Cell("Trade shows"), Cell("1,234,567\xa0USD")),))
    fit = fit_table(spec, 360.0, 400.0, "Calibri")  # the money column is 72 pt wide
    assert fit.size == 10 and fit.widths == (288.0, 72.0)  # 66.9 pt at 11 pt, 60.8 at 10
    assert _breaks_inside_a_word("1,234,567\xa0USD", 72.0, 11.0)  # what 11 pt would do
    assert not _breaks_inside_a_word("1,234,567\xa0USD", fit.widths[1], fit.size)


def test_a_word_too_wide_even_at_the_floor_widens_its_column() -> None:
    columns = (TableColumn("Name", width=4.0), TableColumn("Code", width=1.0))
    word = "ABCDEFGHIJKLMNOPQRSTUV"
    spec = TableSpec(columns=columns, rows=((Cell("x"), Cell(word)),))
    fit = fit_table(spec, 300.0, 400.0, "Calibri")
    assert fit.size == MIN_FONT_PT
    need = textmetrics.measure_width(word, MIN_FONT_PT, "Calibri") + 2 * CELL_INSET_X
    assert fit.widths[1] == pytest.approx(need) and sum(fit.widths) == pytest.approx(300.0)
    assert not _breaks_inside_a_word(word, fit.widths[1], fit.size)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.text(alphabet="abcdefghij WXYZ\xa0", min_size=1, max_size=40),
        min_size=2,
        max_size=6,
    )
)
def test_no_cell_breaks_a_word_when_the_words_can_fit(texts: list[str]) -> None:
    columns = (TableColumn("A", width=1.0), TableColumn("B", width=1.0))
    rows = tuple((Cell(a), Cell(b)) for a, b in zip(texts[::2], texts[1::2], strict=False))
    spec = TableSpec(columns=columns, rows=rows)
    fit = fit_table(spec, 120.0, 1000.0, "Calibri")
    widest = max(
        textmetrics.measure_width(word, MIN_FONT_PT, "Calibri")
        for text in texts
        for word in text.split(" ")
    )
    if widest + 2 * CELL_INSET_X <= 60.0:  # every word fits a half-width column at the floor
        for row in rows:
            for cell, width in zip(row, fit.widths, strict=True):
                assert not _breaks_inside_a_word(cell.text, width, fit.size)


def test_pages_are_filled_at_the_size_the_longest_word_needs() -> None:
    # "Telecommunications" is 8.45 pt per pt of size: in a 97.8 pt column (87.8 inside) it
    # fits at 10 pt, not 11. One-line rows are 20 pt at 10 pt (21.4 at 11): a full-width page
    # of 349.2 pt holds the header and 16 rows, so 32 rows take two full pages; measured at
    # 11 pt they would have taken three pages of 15, 15 and 2, then been shrunk to 10 pt.
    columns = (TableColumn("Reason", width=8.0), TableColumn("Channel", width=1.0))
    word = "Telecommunications"
    rows = tuple((Cell(f"Families in the north {i}"), Cell(word)) for i in range(32))
    spec = TableSpec(columns=columns, rows=rows, area="full")
    width, height = area_size_pt("full")
    size = math.floor((width / 9 - 2 * CELL_INSET_X) / textmetrics.measure_width(word, 1.0) * 2)
    assert size / 2 == 10.0
    pages = paginate_table(spec)
    assert [len(page.rows) for page in pages] == [16, 16]
    assert math.floor(height / (cell_line_height(10) + 2 * CELL_INSET_Y)) - 1 == 16
    for page in pages:
        fit = fit_table(page, width, height, "Calibri")
        assert page.font_size == fit.size == 10.0
        assert sum(fit.heights) <= height


def test_pages_keep_the_spec_size_when_every_word_fits() -> None:
    pages = paginate_table(TableSpec(columns=COLUMNS, rows=_spec(25).rows, area="full"))
    assert [(len(page.rows), page.font_size) for page in pages] == [(15, 11), (10, 11)]


def test_figures_break_between_number_and_unit_only_when_no_column_has_room() -> None:
    money = "1,234,567\xa0USD"  # 60.8 pt at 10 pt: 70.8 pt with the cell insets
    columns = tuple(TableColumn(h, "end") for h in ("Spend", "CAC", "Revenue", "Margin"))
    spec = TableSpec(columns=columns, rows=((Cell(money),) * 4,))
    assert fit_table(spec, 300.0, 400.0, "Calibri").loose == (False,) * 4  # 4 × 70.8 fit
    fit = fit_table(spec, 240.0, 400.0, "Calibri")  # 283 pt of figures in 240: no room
    assert fit.size == MIN_FONT_PT and fit.loose == (True,) * 4
    assert loosen(money) == "1,234,567 USD"
    assert loosen("۱٫۳\xa0میلیارد\xa0ریال") == "۱٫۳ میلیارد\xa0ریال"  # the unit stays whole
    assert loosen("Trade\xa0shows") == "Trade\xa0shows"  # no number: nothing to loosen
    drawn = loosened(spec, fit.loose)
    for cell, width in zip(drawn.rows[0], fit.widths, strict=True):
        assert not _breaks_inside_a_word(cell.text, width, fit.size)
    assert fit.heights[1] == pytest.approx(2 * cell_line_height(10) + 2 * CELL_INSET_Y)


def test_a_table_too_tall_at_the_floor_tightens_its_rows_before_running_over() -> None:
    # 14 one-line rows of 20 pt at 10 pt (header too): 300 pt, over a 290 pt area; with 1 pt
    # above and below each text, rows are 16 pt: 240 pt.
    spec = _spec(14)
    fit = fit_table(spec, 400.0, 290.0, "Calibri")
    assert (fit.size, fit.inset_y) == (MIN_FONT_PT, TIGHT_INSET_Y)
    assert sum(fit.heights) == pytest.approx(15 * (cell_line_height(10) + 2 * TIGHT_INSET_Y))
    roomy = fit_table(spec, 400.0, 300.0, "Calibri")
    assert roomy.inset_y == CELL_INSET_Y and sum(roomy.heights) == pytest.approx(300.0)
