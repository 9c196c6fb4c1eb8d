"""End to end: the demo decks rendered and read back with python-pptx (and LibreOffice)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType

from deckgen import textmetrics
from deckgen.model import ChartSpec, Deck, ScatterSpec, TableSpec
from deckgen.render.writer import render_pptx
from tests.render.conftest import open_pptx

EMU_PER_PT = 12700


def _title_text(slide) -> str:  # type: ignore[no-untyped-def]
    for shape in slide.placeholders:
        if shape.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
            return shape.text_frame.text
    return ""


def _charts(slide) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def _chart_specs(deck: Deck, index: int) -> list[ChartSpec | ScatterSpec]:
    return [b for b in deck.slides[index].blocks if isinstance(b, ChartSpec | ScatterSpec)]


def test_slides_in_order_with_titles(en_deck: Deck, en_prs: PresentationType) -> None:
    assert [_title_text(s) for s in en_prs.slides] == [s.title for s in en_deck.slides]


def test_every_slide_has_its_notes(
    en_deck: Deck, fa_deck: Deck, en_prs: PresentationType, fa_prs: PresentationType
) -> None:
    for deck, prs in ((en_deck, en_prs), (fa_deck, fa_prs)):
        for spec, slide in zip(deck.slides, prs.slides, strict=True):
            assert slide.has_notes_slide
            assert slide.notes_slide.notes_text_frame.text == spec.notes


def test_native_chart_values_equal_the_spec(en_deck: Deck, en_prs: PresentationType) -> None:
    checked = 0
    for index, slide in enumerate(en_prs.slides):
        for spec, chart in zip(_chart_specs(en_deck, index), _charts(slide), strict=True):
            series = [s for plot in chart.plots for s in plot.series]
            if isinstance(spec, ScatterSpec):
                assert len(series) == len(spec.series) + 2  # two split lines
                for item, drawn in zip(spec.series, series, strict=False):
                    assert drawn.name == item.name
                    assert tuple(drawn.values) == item.ys
            else:
                step = -1 if spec.kind in ("bar", "stacked_bar") else 1  # bars written bottom-up
                assert {s.name: tuple(s.values) for s in series} == {
                    s.name: s.values[::step] for s in spec.series
                }
                assert tuple(chart.plots[0].categories) == spec.categories[::step]
            checked += 1
    assert checked == sum(len(_chart_specs(en_deck, i)) for i in range(len(en_deck.slides)))


def test_charts_are_native_chart_parts(en_bytes: bytes) -> None:
    names = zipfile.ZipFile(io.BytesIO(en_bytes)).namelist()
    assert sum(n.startswith("ppt/charts/chart") for n in names) == 8
    assert sum(n.startswith("ppt/embeddings/") and n.endswith(".xlsx") for n in names) == 8


def _tables(slide) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [shape.table for shape in slide.shapes if shape.has_table]


def _table_specs(deck: Deck) -> list[tuple[int, TableSpec]]:
    return [(i, b) for i, s in enumerate(deck.slides) for b in s.blocks if isinstance(b, TableSpec)]


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_tables_hold_the_cell_texts_rtl_reversed(
    lang: str,
    en_deck: Deck,
    fa_deck: Deck,
    en_prs: PresentationType,
    fa_prs: PresentationType,
) -> None:
    deck, prs = (en_deck, en_prs) if lang == "en" else (fa_deck, fa_prs)
    specs = _table_specs(deck)
    assert len(specs) == 2
    for index, spec in specs:
        (table,) = _tables(prs.slides[index])
        # An empty cell holds a zero-width space (see deckgen.render.tables).
        drawn = [[cell.text.replace("\u200b", "") for cell in row.cells] for row in table.rows]
        expected = [[c.header for c in spec.columns]] + [[c.text for c in r] for r in spec.rows]
        if lang == "fa":
            expected = [list(reversed(row)) for row in expected]
        assert drawn == expected


def test_rtl_paragraphs_languages_and_complex_script_fonts(fa_bytes: bytes) -> None:
    package = zipfile.ZipFile(io.BytesIO(fa_bytes))
    slide_names = [n for n in package.namelist() if n.startswith("ppt/slides/slide")]
    runs = 0
    for name in slide_names:
        root = etree.fromstring(package.read(name))
        for paragraph in root.iter(qn("a:p")):
            if paragraph.find(qn("a:r")) is None:
                continue
            props = paragraph.find(qn("a:pPr"))
            assert props is not None and props.get("rtl") == "1"
        for run_props in root.iter(qn("a:rPr")):
            runs += 1
            assert run_props.get("lang") == "fa-IR"
            children = [etree.QName(c).localname for c in run_props]
            assert "cs" in children
            order = ["ln", "solidFill", "latin", "ea", "cs", "sym", "hlinkClick", "rtl", "extLst"]
            ranks = [order.index(c) for c in children if c in order]
            assert ranks == sorted(ranks)
    assert runs > 100


def test_rtl_charts_carry_the_complex_script_font_and_mirror(fa_prs: PresentationType) -> None:
    mirrored = 0
    for slide in fa_prs.slides:
        for chart in _charts(slide):
            default = chart._chartSpace.find(qn("c:txPr")).find(".//" + qn("a:defRPr"))
            assert default.find(qn("a:cs")).get("typeface") == "Noto Sans Arabic"
            assert default.get("lang") == "fa-IR"
            plot_area = chart._chartSpace.find(".//" + qn("c:plotArea"))
            axes = [el for el in plot_area if el.tag in (qn("c:catAx"), qn("c:valAx"))]
            if not axes:  # doughnut
                continue
            orientations = [a.find(qn("c:scaling")).findall(qn("c:orientation")) for a in axes]
            orientations = [o[0].get("val") if o else "minMax" for o in orientations]
            assert "maxMin" in orientations
            mirrored += 1
    assert mirrored == 7


def test_rtl_mirrors_left_blocks(en_prs: PresentationType, fa_prs: PresentationType) -> None:
    width = en_prs.slide_width
    # Slide 6: a column chart in "left", a doughnut in "right".
    en_frames = [s for s in en_prs.slides[5].shapes if s.has_chart]
    fa_frames = [s for s in fa_prs.slides[5].shapes if s.has_chart]
    for en, fa in zip(en_frames, fa_frames, strict=True):
        assert fa.left == width - (en.left + en.width)
        assert (fa.top, fa.width, fa.height) == (en.top, en.width, en.height)
    assert en_frames[0].left < width / 2 < fa_frames[0].left


def test_rtl_category_axis_reversed(fa_prs: PresentationType, en_prs: PresentationType) -> None:
    column_fa = _charts(fa_prs.slides[5])[0]
    column_en = _charts(en_prs.slides[5])[0]
    assert column_fa.category_axis.reverse_order
    assert not column_en.category_axis.reverse_order


def test_two_renders_are_byte_identical(en_deck: Deck, en_bytes: bytes) -> None:
    assert render_pptx(en_deck) == en_bytes


def test_core_properties_are_fixed(en_deck: Deck, en_prs: PresentationType) -> None:
    props = en_prs.core_properties
    assert props.title == en_deck.title
    assert props.revision == 1
    assert props.created == props.modified == props.last_printed == datetime(1980, 1, 1)


def test_zip_entries_have_fixed_times(en_bytes: bytes) -> None:
    infos = zipfile.ZipFile(io.BytesIO(en_bytes)).infolist()
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_footer_slide_number_and_headline(en_deck: Deck, en_prs: PresentationType) -> None:
    for number, (spec, slide) in enumerate(zip(en_deck.slides, en_prs.slides, strict=True), 1):
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        if spec.kind == "title":
            assert en_deck.footer not in texts
            continue
        assert en_deck.footer in texts
        fields = slide._element.findall(".//" + qn("a:fld"))
        assert [(f.get("type"), f.findtext(qn("a:t"))) for f in fields] == [
            ("slidenum", str(number))
        ]
        if spec.headline:
            assert spec.headline in texts


def test_title_slide_shows_client_period_and_logo(en_deck: Deck, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (400, 100), (20, 40, 75)).save(logo)
    deck = replace(en_deck, slides=en_deck.slides[:1])
    prs = open_pptx(render_pptx(deck, logo=logo))
    slide = prs.slides[0]
    text = "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert deck.client in text and deck.period_label in text
    (picture,) = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert picture.width / picture.height == pytest.approx(4.0, rel=0.01)
    assert picture.left + picture.width <= prs.slide_width


def test_no_empty_placeholders(en_prs: PresentationType) -> None:
    for slide in en_prs.slides:
        for shape in slide.placeholders:
            assert shape.text_frame.text.strip()


def _needed_height_pt(shape) -> float:  # type: ignore[no-untyped-def]
    """Independent estimate from the saved XML: wrapped lines x line height + spacing."""
    body = shape.text_frame._txBody
    body_pr = body.find(qn("a:bodyPr"))
    insets = {k: int(body_pr.get(k, d)) for k, d in (("lIns", 91440), ("rIns", 91440))}
    tb = int(body_pr.get("tIns", 45720)) + int(body_pr.get("bIns", 45720))
    width_pt = (shape.width - insets["lIns"] - insets["rIns"]) / EMU_PER_PT
    total = tb / EMU_PER_PT
    paragraphs = body.findall(qn("a:p"))
    for number, paragraph in enumerate(paragraphs):
        props = paragraph.find(qn("a:pPr"))
        margin = int(props.get("marL", 0)) / EMU_PER_PT if props is not None else 0.0
        runs = paragraph.findall(qn("a:r"))
        if not runs:
            continue
        run_props = runs[0].find(qn("a:rPr"))
        size = int(run_props.get("sz")) / 100
        bold = run_props.get("b") == "1"
        text = "".join(r.findtext(qn("a:t")) for r in runs)
        lines = textmetrics.wrap_text(text, width_pt - margin, size, "Calibri", bold)
        total += len(lines) * textmetrics.line_height(text, size, "Calibri", bold)
        after = props.find(qn("a:spcAft")) if props is not None else None
        if after is not None and number < len(paragraphs) - 1:
            total += int(after.find(qn("a:spcPts")).get("val")) / 100
    return total


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_no_text_shape_overflows(
    lang: str, en_prs: PresentationType, fa_prs: PresentationType
) -> None:
    prs = en_prs if lang == "en" else fa_prs
    checked = 0
    for slide in prs.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            assert _needed_height_pt(shape) <= shape.height / EMU_PER_PT + 0.5, shape.name
            assert shape.top + shape.height <= prs.slide_height
            checked += 1
    assert checked > 60


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_table_rows_fit_their_text(
    lang: str, en_prs: PresentationType, fa_prs: PresentationType
) -> None:
    prs = en_prs if lang == "en" else fa_prs
    for slide in prs.slides:
        for table in _tables(slide):
            for row in table.rows:
                for column, cell in zip(table.columns, row.cells, strict=True):
                    run_props = cell._tc.find(".//" + qn("a:rPr"))
                    size = int(run_props.get("sz")) / 100
                    bold = run_props.get("b") == "1"
                    inner = (column.width - cell.margin_left - cell.margin_right) / EMU_PER_PT
                    lines = textmetrics.wrap_text(cell.text, inner, size, "Calibri", bold)
                    needed = len(lines) * textmetrics.line_height(cell.text, size, "Calibri", bold)
                    needed += (cell.margin_top + cell.margin_bottom) / EMU_PER_PT
                    assert needed <= row.height / EMU_PER_PT + 0.5


def test_image_charts_are_pictures(en_deck: Deck) -> None:
    slides = tuple(s for s in en_deck.slides if any(_is_chart(b) for b in s.blocks))
    deck = replace(en_deck, slides=slides)
    prs = open_pptx(render_pptx(deck, charts="image"))
    for spec, slide in zip(slides, prs.slides, strict=True):
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == sum(_is_chart(b) for b in spec.blocks)
        assert not _charts(slide)


def _is_chart(block: object) -> bool:
    return isinstance(block, ChartSpec | ScatterSpec)


def test_blocks_stay_inside_the_slide(en_prs: PresentationType, fa_prs: PresentationType) -> None:
    for prs in (en_prs, fa_prs):
        for slide in prs.slides:
            for shape in slide.shapes:
                assert shape.left >= 0 and shape.top >= 0
                assert shape.left + shape.width <= prs.slide_width
                assert shape.top + shape.height <= prs.slide_height


def test_persian_slide_numbers_are_persian_digits_as_text(
    fa_deck: Deck, fa_prs: PresentationType
) -> None:
    for number, (spec, slide) in enumerate(zip(fa_deck.slides, fa_prs.slides, strict=True), 1):
        if spec.kind == "title":
            continue
        (shape,) = [s for s in slide.shapes if s.name.startswith("Slide Number")]
        assert shape.text_frame.text == str(number).translate(
            str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
        )
        assert slide._element.findall(".//" + qn("a:fld")) == []  # a field would show 12, not ۱۲
        assert shape.text_frame.vertical_anchor == MSO_ANCHOR.BOTTOM
