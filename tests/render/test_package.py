"""Deterministic packaging: fixed zip times and embedded workbook dates."""

from __future__ import annotations

import io
import zipfile

import pytest
import xlsxwriter
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.presentation import Presentation as PresentationType

from deckgen.render.package import deterministic_package, open_presentation, save_deterministic


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_times_and_workbook_dates_are_fixed() -> None:
    core = (
        b'<cp:coreProperties><dcterms:created xsi:type="dcterms:W3CDTF">2026-05-01T10:11:12Z'
        b"</dcterms:created><dcterms:modified>2026-05-01T10:11:12Z</dcterms:modified>"
        b"</cp:coreProperties>"
    )
    workbook = _zip({"docProps/core.xml": core, "xl/workbook.xml": b"<w/>"})
    package = _zip({"[Content_Types].xml": b"<t/>", "ppt/embeddings/Book1.xlsx": workbook})
    result = deterministic_package(package)
    outer = zipfile.ZipFile(io.BytesIO(result))
    assert [i.filename for i in outer.infolist()] == [
        "[Content_Types].xml",
        "ppt/embeddings/Book1.xlsx",
    ]
    assert {i.date_time for i in outer.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    inner = zipfile.ZipFile(io.BytesIO(outer.read("ppt/embeddings/Book1.xlsx")))
    assert inner.read("docProps/core.xml") == core.replace(
        b"2026-05-01T10:11:12Z", b"1980-01-01T00:00:00Z"
    )
    assert {i.date_time for i in inner.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert deterministic_package(package) == result


def test_one_pass_save_equals_save_then_rewrite(en_bytes: bytes) -> None:
    """save_deterministic gives the bytes of python-pptx's save rewritten by deterministic_package."""
    prs = Presentation(io.BytesIO(en_bytes))
    saved = io.BytesIO()
    prs.save(saved)
    one_pass = save_deterministic(prs)
    assert one_pass == deterministic_package(saved.getvalue())
    names = [info.filename for info in zipfile.ZipFile(io.BytesIO(one_pass)).infolist()]
    assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert any(name.endswith(".xlsx") for name in names)  # the charts' workbooks went through


def _chart_slide(prs: PresentationType) -> None:
    """A slide with a native chart (a chart part and its workbook) and a notes page."""
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    data = CategoryChartData()
    data.categories = ["a", "b"]
    data.add_series("s", (1, 2))
    slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, 0, 0, 100, 100, data)
    slide.notes_slide.notes_text_frame.text = "n"


def _with_a_gap() -> bytes:
    """A deck whose charts are chart1 and chart3 (the slide holding chart2 was dropped)."""
    prs = Presentation()
    for _ in range(3):
        _chart_slide(prs)
    slides = prs.slides._sldIdLst
    second = slides[1]
    prs.part.drop_rel(second.rId)
    slides.remove(second)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def test_parts_are_named_as_python_pptx_names_them() -> None:
    """Charts, workbooks and notes pages added to a deck with gaps in its part names get the
    names python-pptx gives them, and the deck the same bytes."""
    data = _with_a_gap()
    ours, theirs = open_presentation(data), Presentation(io.BytesIO(data))
    for prs in (ours, theirs):
        for _ in range(3):
            _chart_slide(prs)
    names = [
        sorted(str(p.partname) for p in prs.part.package.iter_parts()) for prs in (ours, theirs)
    ]
    assert names[0] == names[1]
    assert "/ppt/charts/chart2.xml" in names[0]  # the gap is filled, as python-pptx fills it
    assert save_deterministic(ours) == save_deterministic(theirs)


def test_a_workbook_is_no_presentation() -> None:
    """An Open XML package of another kind is refused as python-pptx refuses it."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    workbook.add_worksheet().write(0, 0, 1)
    workbook.close()
    with pytest.raises(ValueError, match=r"not a PowerPoint file: the content type is .*sheet"):
        open_presentation(out.getvalue())
