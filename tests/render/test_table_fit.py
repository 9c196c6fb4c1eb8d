"""Table sizing without python-pptx: widths, row heights, fitting and pagination."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen import textmetrics
from deckgen.model import Cell, TableColumn, TableSpec
from deckgen.render.layout import BLOCK_GAP_PT, BLOCK_TITLE_PT, area_size_pt
from deckgen.render.table_fit import (
    CELL_INSET_Y,
    column_widths,
    fit_table,
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
    one_line = textmetrics.line_height("x", 11, "Calibri") + 2 * CELL_INSET_Y
    assert heights == (one_line, one_line, one_line)


def test_fit_table_shrinks_until_it_fits() -> None:
    fit = fit_table(_spec(15), 400.0, 300.0, "Calibri")
    assert fit.size == 10  # 16 one-line rows of 18.2 pt; at 10.5 pt they take 301 pt
    assert sum(fit.heights) <= 300.0


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
