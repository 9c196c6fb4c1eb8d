"""Tables: header, heat fills, reversed columns in RTL, rows sized to their text."""

from __future__ import annotations

from pptx.oxml.ns import qn

from deckgen.model import Cell, TableColumn, TableSpec
from deckgen.render.layout import Box
from deckgen.render.tables import NO_STYLE_NO_GRID, draw_table
from tests.render.conftest import make_canvas

BOX = Box(457200, 1783080, 6000000, 4000000)
SPEC = TableSpec(
    columns=(
        TableColumn("Cohort", width=2.0),
        TableColumn("M1", "center"),
        TableColumn("M2", "end"),
    ),
    rows=(
        (Cell("June"), Cell("100%", 1.0, 1.0), Cell("40%", 0.4, 0.0)),
        (Cell("July"), Cell("100%", 1.0, 1.0), Cell("")),
    ),
    title="Retention",
)


def _fill(cell) -> str | None:  # type: ignore[no-untyped-def]
    color = cell._tc.tcPr.find(qn("a:solidFill") + "/" + qn("a:srgbClr"))
    return None if color is None else color.get("val")


def _table(slide):  # type: ignore[no-untyped-def]
    (shape,) = [s for s in slide.shapes if s.has_table]
    return shape


def test_header_heat_and_plain_cells() -> None:
    slide, ctx = make_canvas("en")
    draw_table(slide, SPEC, BOX, ctx)
    shape = _table(slide)
    table = shape.table
    assert [c.text for c in table.rows[0].cells] == ["Cohort", "M1", "M2"]
    assert _fill(table.cell(0, 0)) == ctx.hex("title")
    assert _fill(table.cell(1, 1)) == ctx.hex("primary")  # heat 1
    assert _fill(table.cell(1, 2)) == "F4F6F9"  # heat 0
    assert _fill(table.cell(1, 0)) is None and _fill(table.cell(2, 2)) is None
    assert str(table.cell(1, 1).text_frame.paragraphs[0].runs[0].font.color.rgb) == "FFFFFF"
    assert table._tbl.tblPr.find(qn("a:tableStyleId")).text == NO_STYLE_NO_GRID
    widths = [c.width for c in table.columns]
    assert sum(widths) == BOX.w
    assert widths[0] == 2 * widths[1]
    assert shape.height == sum(r.height for r in table.rows) <= BOX.h
    assert table.cell(1, 2).text_frame.paragraphs[0]._p.pPr.get("algn") == "r"


def test_rtl_reverses_columns_without_the_table_flag() -> None:
    slide, ctx = make_canvas("fa")
    draw_table(slide, SPEC, BOX, ctx)
    table = _table(slide).table
    assert [c.text for c in table.rows[0].cells] == ["M2", "M1", "Cohort"]
    assert table._tbl.tblPr.get("rtl") is None  # PowerPoint would mirror the columns back
    first = table.cell(1, 2).text_frame.paragraphs[0]._p.pPr
    assert (first.get("rtl"), first.get("algn")) == ("1", "r")  # start = right
    assert table.cell(1, 0).text_frame.paragraphs[0]._p.pPr.get("algn") == "l"  # end = left


def test_long_tables_shrink_their_font() -> None:
    slide, ctx = make_canvas("en")
    rows = tuple((Cell(f"Customer segment {i}"), Cell("1"), Cell("2")) for i in range(13))
    spec = TableSpec(columns=SPEC.columns, rows=rows, font_size=12)
    draw_table(slide, spec, BOX, ctx)
    table = _table(slide).table
    size = table.cell(1, 0).text_frame.paragraphs[0].runs[0].font.size.pt
    # 14 rows of 1.4 em + 6 pt in 315 pt: 319 pt at 12 pt, 309.4 at 11.5.
    assert size == 11.5
    assert sum(r.height for r in table.rows) <= BOX.h


def test_rtl_cells_with_latin_letters_are_first_strong_isolates() -> None:
    columns = (TableColumn("Comment", width=3.0), TableColumn("ID"))
    rows = ((Cell("The courier left."), Cell("F00271")), (Cell("پیک رفت."), Cell("۱۲")))
    spec = TableSpec(columns=columns, rows=rows)
    slide, ctx = make_canvas("fa")
    draw_table(slide, spec, BOX, ctx)
    table = _table(slide).table  # columns reversed: the comment is the last one
    assert [table.cell(1, 1).text, table.cell(1, 0).text] == [
        "\u2068The courier left.\u2069",
        "\u2068F00271\u2069",
    ]
    assert [table.cell(2, 1).text, table.cell(2, 0).text] == ["پیک رفت.", "۱۲"]
    assert table.cell(0, 1).text == "Comment"  # headers come isolated from the templates
    slide, ctx = make_canvas("en")
    draw_table(slide, spec, BOX, ctx)
    assert _table(slide).table.cell(1, 0).text == "The courier left."
