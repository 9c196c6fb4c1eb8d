"""Formula cells without results and merged ranges, found in a worksheet's XML."""

from __future__ import annotations

import re
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from deckgen.data.guards import SheetPart
from deckgen.data.sheet_marks import (
    HEAD_BYTES,
    ErrorCell,
    Formula,
    MarkScanner,
    Merge,
    SheetMarks,
    sheet_marks,
)

_HEAD = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'


def _sheet(tmp_path: Path, cells: str, tail: str = "", filler: int = 0) -> Path:
    """A package holding one worksheet: `filler` rows of plain numbers, then `cells` (the XML
    of row 2's cells on), then `tail` after the sheet data."""
    rows = "".join(f'<row r="{3 + i}"><c r="A{3 + i}"><v>{i}</v></c></row>' for i in range(filler))
    xml = f"{_HEAD}{rows}{cells}</sheetData>{tail}</worksheet>"
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/worksheets/sheet1.xml", xml)
    return path


def _marks(path: Path):
    return sheet_marks(path, SheetPart("orders", "xl/worksheets/sheet1.xml", False))


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="D2"><f>B2*2</f><v></v></c>',  # openpyxl
        '<c r="D2"><f>B2*2</f></c>',  # Apache POI
        '<c r="D2"><f>B2*2</f><v/></c>',
        '<c r="D2" t="str"><f>B2*2</f></c>',  # text result, never calculated
    ],
    ids=["empty-v", "no-v", "closed-v", "text-no-v"],
)
def test_a_formula_without_its_result_is_found(tmp_path, cell):
    assert _marks(_sheet(tmp_path, cell)).uncached == (Formula(2, 3, "B2*2"),)


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="D2"><f>B2*2</f><v>84</v></c>',  # as Excel saves it
        '<c r="D2" t="str"><f>IF(B2="","",B2)</f><v></v></c>',  # Excel's empty text result
        '<c r="D2"><v>84</v></c>',
        '<c r="D2" s="1"/>',
    ],
    ids=["calculated", "empty-text-result", "number", "styled-blank"],
)
def test_a_calculated_formula_or_a_plain_cell_is_not(tmp_path, cell):
    assert _marks(_sheet(tmp_path, cell)).uncached == ()


def test_a_shared_formula_and_an_escaped_one_are_named_by_cell(tmp_path):
    cells = (
        '<c r="D2"><f t="shared" ref="D2:D3" si="0">B2&gt;1</f><v></v></c>'
        '<c r="D3"><f t="shared" si="0"/><v></v></c>'
    )
    found = _marks(_sheet(tmp_path, cells)).uncached
    assert found == (Formula(2, 3, "B2>1"), Formula(3, 3, ""))
    assert [f.cell for f in found] == ["D2", "D3"]


def test_merged_ranges_are_read_from_after_the_sheet_data(tmp_path):
    tail = '<mergeCells count="2"><mergeCell ref="A1:E1"/><mergeCell ref="AB2:AB40"/></mergeCells>'
    merges = _marks(_sheet(tmp_path, '<c r="A2"><v>1</v></c>', tail)).merges
    assert merges == (Merge(1, 0, 1, 4), Merge(2, 27, 40, 27))
    assert [m.ref for m in merges] == ["A1:E1", "AB2:AB40"]


def test_a_large_sheet_is_read_in_full_when_its_start_holds_a_formula(tmp_path):
    """Cells cut between the chunks read are found whole: the last of 100,000 formulas too."""
    rows = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><f>A{r}*2</f><v></v></c></row>'
        for r in range(2, 100_002)
    )
    path = _sheet(tmp_path, rows, '<mergeCells><mergeCell ref="C2:C3"/></mergeCells>')
    assert zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size > 2 * HEAD_BYTES
    marks = _marks(path)
    assert [f.row for f in marks.uncached] == list(range(2, 100_002))
    assert marks.merges == (Merge(2, 2, 3, 2),)


def test_a_large_sheet_without_a_formula_at_its_start_is_trusted(tmp_path):
    """Beyond HEAD_BYTES, a sheet whose start holds no formula is not read on (the cost of a
    read in full: the module's docstring)."""
    path = _sheet(tmp_path, '<row r="2"><c r="D2"><f>1</f><v></v></c></row>', filler=200_000)
    assert zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size > HEAD_BYTES
    assert _marks(path).uncached == ()


def test_a_sheet_whose_tags_have_a_namespace_prefix_is_read_as_well(tmp_path):
    """<x:c><x:f>..</x:f><x:v></x:v></x:c> (as .NET's Open XML SDK may write): its formulas
    without results were never looked for, and read as blank cells; a chunk's cut too."""
    rows = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><f>A{r}*2</f><v></v></c></row>'
        for r in range(2, 60_002)
    )
    path = _sheet(tmp_path, rows, '<mergeCells><mergeCell ref="C2:C3"/></mergeCells>')
    with zipfile.ZipFile(path) as package:
        xml = package.read("xl/worksheets/sheet1.xml").decode()
    xml = re.sub(r"<(/?)(\w+)\b", r"<\1x:\2", xml).replace("xmlns=", "xmlns:x=")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/worksheets/sheet1.xml", xml)
    assert xml.startswith("<x:worksheet xmlns:x=") and len(xml) > 2 * HEAD_BYTES
    marks = _marks(path)
    assert [f.row for f in marks.uncached] == list(range(2, 60_002))
    assert marks.uncached[0] == Formula(2, 1, "A2*2")
    assert marks.merges == (Merge(2, 2, 3, 2),)


def test_a_cell_of_hundreds_of_megabytes_is_not_carried_whole(tmp_path):
    """A zip bomb's one huge text cell (400 KB of .xlsx, 400 MB of XML) was carried from chunk
    to chunk whole, copied and searched again each time: 26 s of CPU, two copies in memory.
    Here 64 MB of it, fed as read, take no more memory than a few chunks; what follows is read."""
    scanner = MarkScanner()
    scanner.feed(_HEAD.encode() + b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
    tracemalloc.start()
    for _ in range(64):
        scanner.feed(b"a" * (1 << 20))
    scanner.feed(b'</t></is></c><c r="B2"><f>1+1</f></c></row></sheetData></worksheet>')
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 16 << 20
    assert scanner.result().uncached == (Formula(2, 1, "1+1"),)


@pytest.mark.parametrize(
    ("cells", "found"),
    [
        ('<c r="D2" t="e"><v>#N/A</v></c>', ErrorCell(2, 3, "#N/A", None)),  # typed or pasted
        ('<c r="D2" s="3" t="e"><f>1/0</f><v>#DIV/0!</v></c>', ErrorCell(2, 3, "#DIV/0!", "1/0")),
        ('<c t="e" r="AB7"><f t="shared" si="0"/><v>#REF!</v></c>', ErrorCell(7, 27, "#REF!", "")),
        (
            '<c r="D2" t="e"><f>A2&amp;"&lt;"</f><v>#VALUE!</v></c>',
            ErrorCell(2, 3, "#VALUE!", 'A2&"<"'),
        ),
        ('<c r="D2" t="e"><f>SEQUENCE(3)</f></c>', None),  # a formula without its result
        ('<c r="D2" t="e"/>', None),  # read as blank
    ],
    ids=["value", "formula", "shared-formula", "escaped", "no-value", "empty"],
)
def test_an_error_cell_is_found_with_its_value_and_formula(tmp_path, cells, found):
    plain = (
        '<c r="A2"><v>1</v></c><c r="B2" t="s"><v>0</v></c><c r="C2" t="str"><f>"e"</f><v>e</v></c>'
    )
    errors = _marks(_sheet(tmp_path, f'<row r="2">{plain}{cells}</row>')).errors
    assert errors == (() if found is None else (found,))
    assert found is None or found.cell in ("D2", "AB7")


def test_error_cells_cut_between_chunks_and_with_prefixed_tags_are_found(tmp_path):
    """Fed in chunks cut anywhere, as the size guard reads the sheet: each error cell once."""
    rows = "".join(
        f'<x:row r="{r}"><x:c r="A{r}"><x:v>{r}</x:v></x:c><x:c r="B{r}" t="e"><x:f>1/0</x:f>'
        f"<x:v>#DIV/0!</x:v></x:c></x:row>"
        for r in range(2, 3002)
    )
    xml = f'<x:worksheet xmlns:x="main"><x:sheetData>{rows}</x:sheetData></x:worksheet>'.encode()
    scanner = MarkScanner()
    for start in range(0, len(xml), 1013):
        scanner.feed(xml[start : start + 1013])
    errors = scanner.result().errors
    assert errors[0] == ErrorCell(2, 1, "#DIV/0!", "1/0")
    assert [e.row for e in errors] == list(range(2, 3002))


def test_a_large_sheet_is_read_in_full_when_its_start_holds_an_error_cell(tmp_path):
    """A pasted error, without a formula in the sheet: the rest is read for its marks too."""
    cells = '<row r="2"><c r="D2" t="e"><v>#N/A</v></c></row>'
    late = '<row r="300000"><c r="D300000" t="e"><v>#NUM!</v></c></row>'
    big = _sheet(tmp_path, "", filler=200_000)
    with zipfile.ZipFile(big) as package:
        xml = package.read("xl/worksheets/sheet1.xml").decode()
    xml = xml.replace("<sheetData>", "<sheetData>" + cells).replace(
        "</sheetData>", late + "</sheetData>"
    )
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/worksheets/sheet1.xml", xml)
    assert len(xml) > HEAD_BYTES
    assert [e.cell for e in _marks(path).errors] == ["D2", "D300000"]


def test_where_the_formula_cells_are_is_found_when_asked(tmp_path):
    """Each column's first and last formula row whose stored result is xlsxwriter's 0, a shared
    formula's later cells too."""
    cells = (
        '<row r="1"><c r="D1"><f>TODAY()</f><v>{}</v></c></row>'
        '<row r="2"><c r="A2"><v>1</v></c><c r="D2"><f t="shared" si="0">A2*2</f><v>{}</v></c></row>'
        '<row r="9"><c r="D9"><f t="shared" si="0"/><v>0</v></c><c r="F9"><f>1</f><v>{}</v></c></row>'
    )
    part = SheetPart("orders", "xl/worksheets/sheet1.xml", False)
    path = _sheet(tmp_path, cells.format(0, 0, 0))
    assert sheet_marks(path, part, formulas=True).formulas == ((1, 9, 3), (9, 9, 5))
    assert sheet_marks(path, part).formulas == ()
    # A result other than 0 was calculated (by the writer, or given to it): a false alarm.
    path = _sheet(tmp_path, cells.format(46000, 2, 1))
    assert sheet_marks(path, part, formulas=True).formulas == ((9, 9, 3),)


def test_a_part_missing_from_the_package_gives_nothing(tmp_path):
    path = _sheet(tmp_path, '<c r="D2"><f>1</f></c>')
    assert sheet_marks(path, SheetPart("x", "xl/worksheets/sheet9.xml", False)) == SheetMarks()
    assert sheet_marks(path, SheetPart("x", None, False)) == SheetMarks()


@pytest.mark.parametrize(
    "rows",
    [
        # No `r` at all (allowed by the spec; the reader counts rows and cells).
        '<row><c t="s"><v>0</v></c></row><row><c><v>1</v></c><c t="e"><v>#N/A</v></c></row>'
        '<row/><row><c/><c/><c t="e"><f>1/0</f><v>#DIV/0!</v></c></row>',
        # Rows numbered, cells not: a gap of rows, and a cell placed after a numbered one.
        '<row r="1"><c t="s"><v>0</v></c></row><row r="2"><c><v>1</v></c><c t="e"><v>#N/A</v>'
        '</c></row><row r="4"><c r="B4"/><c t="e"><f>1/0</f><v>#DIV/0!</v></c></row>',
        # Only the error cells without it, among numbered cells.
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>1</v></c>'
        '<c t="e"><v>#N/A</v></c></row><row r="4"><c r="B4"/>'
        '<c t="e"><f>1/0</f><v>#DIV/0!</v></c></row>',
    ],
    ids=["none", "rows-only", "error-cells-only"],
)
def test_error_cells_written_without_their_place_are_placed(tmp_path, rows):
    """They were passed over (the reader read them as blanks): an amount of #N/A was said to be
    missing, an optional column's error dropped without a word."""
    xml = f"{_HEAD}{rows}</sheetData></worksheet>"
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("xl/worksheets/sheet1.xml", xml)
    marks = _marks(path)
    assert marks.errors == (ErrorCell(2, 1, "#N/A", None), ErrorCell(4, 2, "#DIV/0!", "1/0"))
    assert not marks.unplaced
    scanner = MarkScanner()  # fed as the size guard feeds it: says to read the sheet again
    scanner.feed(xml.encode())
    assert scanner.result().unplaced


def test_a_formula_without_its_result_written_without_its_place_is_placed(tmp_path):
    """A writer that leaves out every `r`: the formula was passed over, its cell read as blank."""
    rows = '<row><c t="s"><v>0</v></c></row><row><c><v>1</v></c><c><f>A2*2</f></c></row>'
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("xl/worksheets/sheet1.xml", f"{_HEAD}{rows}</sheetData></worksheet>")
    assert _marks(path).uncached == (Formula(2, 1, "A2*2"),)
