"""Table rows holding Arabic script, sized as LibreOffice lays them out.

Left to itself LibreOffice grows a line holding Arabic script (Persian digits included) to the
Arabic font's own line height (Noto Sans Arabic: 2.112 em), and an empty cell to the height of
its end-of-paragraph mark (18 pt unless set). Every cell paragraph is therefore given an exact
line spacing (`table_fit.cell_line_height`), so rows are as measured and alike in every script.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pptx.oxml.ns import qn
from pptx.util import Pt

from deckgen.model import Cell, Deck, Slide, TableColumn, TableSpec
from deckgen.render.table_fit import CELL_INSET_Y, row_heights
from deckgen.render.writer import render_pptx
from tests.render.conftest import open_pptx

SIZE = 11.0


def _spec(rows: list[tuple[str, str, str]]) -> TableSpec:
    return TableSpec(
        columns=(TableColumn("ماه"), TableColumn("سهم", align="end"), TableColumn("n", "end")),
        rows=tuple(tuple(Cell(text) for text in row) for row in rows),
        font_size=SIZE,
    )


@pytest.mark.parametrize("text", ["۱۲٫۳٪", "آبان ۱۴۰۴", "12.3", "Trade shows"])
def test_one_line_rows_are_alike_in_every_script(text: str) -> None:
    spec = _spec([(text, text, text)])
    (_, body) = row_heights(spec, (100.0, 100.0, 100.0), SIZE, "Calibri")
    assert body == pytest.approx(SIZE * 1.4 + 2 * CELL_INSET_Y, abs=0.01)  # not 2.112 em


def test_every_cell_paragraph_has_the_exact_line_spacing() -> None:
    prs = open_pptx(render_pptx(_deck()))
    table = next(s for s in prs.slides[0].shapes if s.has_table).table
    spacings = {
        spc.get("val")
        for row in table.rows
        for cell in row.cells
        for spc in cell._tc.iter(qn("a:spcPts"))
        if spc.getparent().tag == qn("a:lnSpc")
    }
    assert spacings == {str(Pt(SIZE * 1.4).centipoints)}


# First cells "۱".."۵" mark the rows; the others mix Persian, Latin and empty cells.
ROWS = [
    ("۱", "آبان ۱۴۰۴", "۱۷٫۵٪"),
    ("۲", "", "۱۰۵"),  # an empty cell, as in the cohort matrix
    ("۳", "Trade shows", ""),
    ("۴", "12", "abc"),
    ("۵", "بهمن ۱۴۰۴", "۹٫۵٪"),
]


def _deck() -> Deck:
    table = _spec(ROWS)
    slide = Slide(kind="segmentation", title="جدول", notes="", blocks=(table,))
    return Deck(
        title="t",
        client="c",
        period_label="p",
        lang="fa",
        direction="rtl",
        currency="USD",
        slides=(slide,),
        digits="native",
    )


def test_an_empty_cell_holds_a_zero_width_space_at_the_table_size() -> None:
    prs = open_pptx(render_pptx(_deck()))
    table = next(s for s in prs.slides[0].shapes if s.has_table).table
    empty = table.cell(2, 1)  # reversed columns: the middle one stays in the middle
    (run,) = empty.text_frame.paragraphs[0].runs
    assert run.text == "\u200b"  # LibreOffice grows a row whose cell has no text at all
    assert (run.font.size.pt, run._r.rPr.get("lang")) == (SIZE, "fa-IR")


@pytest.mark.libreoffice
def test_libreoffice_draws_the_rows_at_the_written_heights(
    tmp_path: Path, to_pdf: Callable[[Path], Path]
) -> None:
    data = render_pptx(_deck())
    source = tmp_path / "rows.pptx"
    source.write_bytes(data)
    pdf = to_pdf(source)
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    tops = {
        word: float(top)
        for top, word in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]+)<', boxes)
        if float(top) < 480  # not the footer's slide number, "۱" too
    }
    table = next(s for s in open_pptx(data).slides[0].shapes if s.has_table).table
    written = [row.height / 12700 for row in table.rows]  # points
    # Markers are centred in their rows: from one to the next is half of each row's height.
    drawn = [tops[row[0]] for row in ROWS]
    for index in range(1, len(ROWS)):
        pitch = (written[index] + written[index + 1]) / 2  # written[0] is the header
        assert drawn[index] - drawn[index - 1] == pytest.approx(pitch, abs=0.5)
