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

from deckgen.render.brand import default_template_path
from deckgen.render.package import open_presentation, read_entries, save_deterministic
from deckgen.render.template_package import read_template_package


def test_times_and_workbook_dates_are_fixed() -> None:
    """Every zip entry, and every entry and creation date of the charts' workbooks, is fixed
    (XlsxWriter stamps a chart's workbook with the time it was made)."""
    prs = Presentation()
    _chart_slide(prs)
    result = save_deterministic(prs)
    outer = zipfile.ZipFile(io.BytesIO(result))
    names = [info.filename for info in outer.infolist()]
    assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]  # python-pptx's order
    assert {info.date_time for info in outer.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    workbooks = [name for name in names if name.endswith(".xlsx")]
    assert workbooks  # the charts' workbooks went through
    for name in workbooks:
        inner = zipfile.ZipFile(io.BytesIO(outer.read(name)))
        assert {info.date_time for info in inner.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = inner.read("docProps/core.xml")
        assert core.count(b">1980-01-01T00:00:00Z<") == 2  # created and modified
    again = Presentation()
    _chart_slide(again)
    assert save_deterministic(again) == result


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
    ours, theirs = open_presentation(read_entries(data)), Presentation(io.BytesIO(data))
    for prs in (ours, theirs):
        for _ in range(3):
            _chart_slide(prs)
    names = [
        sorted(str(p.partname) for p in prs.part.package.iter_parts()) for prs in (ours, theirs)
    ]
    assert names[0] == names[1]
    assert "/ppt/charts/chart2.xml" in names[0]  # the gap is filled, as python-pptx fills it
    assert save_deterministic(ours) == save_deterministic(theirs)


def test_the_checked_parts_are_the_parts_opened() -> None:
    """The XML the package checks parsed is the presentation's own (not parsed a second time),
    and the deck is the one python-pptx opens."""
    path = default_template_path()
    entries, _ = read_template_package(path)
    prs = open_presentation(entries)
    master = "ppt/slideMasters/slideMaster1.xml"
    assert prs.slide_masters[0].part._element is entries.trees[master]
    assert prs.part._element is entries.trees["ppt/presentation.xml"]
    assert save_deterministic(prs) == save_deterministic(Presentation(str(path)))


def test_a_workbook_is_no_presentation() -> None:
    """An Open XML package of another kind is refused as python-pptx refuses it."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    workbook.add_worksheet().write(0, 0, 1)
    workbook.close()
    with pytest.raises(ValueError, match=r"not a PowerPoint file: the content type is .*sheet"):
        open_presentation(read_entries(out.getvalue()))
