"""The XML of Arabic and Persian decks: direction, languages, fonts, mirrored layout, charts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from lxml import etree
from pptx.oxml.ns import qn
from pptx.shapes.base import BaseShape
from pptx.slide import Slide as PptxSlide

from deckgen.formats import FSI, PDI
from deckgen.model import ChartSpec, ScatterSpec, TableSpec
from deckgen.render.identity import split_name
from tests.rtl.conftest import Rendered

CS_FONT = "Noto Sans Arabic"
RTL_DECKS = {
    # fixture name -> (language tag, prefix of every chart number format)
    "persian_deck": ("fa-IR", "[$-3000429]"),
    "arabic_deck": ("ar-SA", "[$-2000401]"),
    "arabic_english_words": ("ar-SA", ""),
}


@pytest.fixture(params=sorted(RTL_DECKS))
def rtl(request: pytest.FixtureRequest) -> tuple[Rendered, str, str]:
    """Each right-to-left deck with its language tag and chart number-format prefix."""
    return request.getfixturevalue(request.param), *RTL_DECKS[request.param]


def _text_bodies(slide: PptxSlide) -> Iterator[etree._Element]:
    """Every `a:txBody`/`p:txBody` of a slide: shapes and table cells."""
    for shape in slide.shapes:
        yield from shape._element.iter(qn("p:txBody"), qn("a:txBody"))


def _charts(deck: Rendered) -> Iterator[tuple[PptxSlide, BaseShape]]:
    for slide in deck.pptx.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                yield slide, shape


def test_every_paragraph_reads_right_to_left(rtl: tuple[Rendered, str, str]) -> None:
    deck, _, _ = rtl
    alignments: Counter[str] = Counter()
    for slide in deck.pptx.slides:
        for shape in slide.shapes:
            for paragraph in shape._element.iter(qn("a:p")):
                if not "".join(t.text or "" for t in paragraph.iter(qn("a:t"))).strip():
                    continue
                props = paragraph.find(qn("a:pPr"))
                assert props is not None and props.get("rtl") == "1"
                alignments[props.get("algn")] += 1
    assert set(alignments) == {"r", "l", "ctr"}
    assert alignments["r"] > alignments["ctr"] + alignments["l"]


def _alignments(deck: Rendered, key: tuple[str, int], rtl: bool) -> list[tuple[str, str | None]]:
    """(shape name, algn) of every text body of a slide (its paragraphs' one alignment); table
    cells in reading order.

    Tables give their header and first row only: they may be paginated differently. A text
    body counts once: a KPI change may be broken into two paragraphs in one deck only.
    """
    found = []
    for shape in _keyed(deck)[key].shapes:
        if shape.has_table:
            rows = [list(row.cells) for row in list(shape.table.rows)[:2]]
            bodies = [cell._tc for row in rows for cell in (row[::-1] if rtl else row)]
        else:
            bodies = [shape._element]
        for body in bodies:
            aligns = {p.get_or_add_pPr().get("algn") for p in body.iter(qn("a:p"))}
            if aligns:
                assert len(aligns) == 1, (shape.name, aligns)
                found.append((shape.name, aligns.pop()))
    return found


def test_alignment_is_the_english_alignment_mirrored(
    english_deck: Rendered, arabic_english_words: Rendered
) -> None:
    mirror = {"l": "r", "r": "l", "ctr": "ctr", None: None}
    for key in _keyed(english_deck):
        english = _alignments(english_deck, key, rtl=False)
        arabic = _alignments(arabic_english_words, key, rtl=True)
        assert [(name, mirror[a]) for name, a in english] == arabic, key


def test_table_cells_align_as_their_columns_mirrored(rtl: tuple[Rendered, str, str]) -> None:
    deck, _, _ = rtl
    mirrored = {"start": "r", "end": "l", "center": "ctr"}  # numbers at the end: the left
    for model, slide in zip(deck.model.slides, deck.pptx.slides, strict=True):
        specs = [b for b in model.blocks if isinstance(b, TableSpec)]
        for spec, shape in zip(specs, [s for s in slide.shapes if s.has_table], strict=True):
            expected = [mirrored[c.align] for c in reversed(spec.columns)]
            for row in shape.table.rows:
                cells = [cell.text_frame.paragraphs[0]._p.pPr.get("algn") for cell in row.cells]
                assert cells == expected


def test_titles_and_headlines_align_right(rtl: tuple[Rendered, str, str]) -> None:
    deck, _, _ = rtl
    for slide in list(deck.pptx.slides)[1:]:
        for shape in slide.shapes:
            if split_name(shape.name)[0] == "Headline" or shape == slide.shapes.title:
                for paragraph in shape.text_frame.paragraphs:
                    assert paragraph._p.pPr.get("algn") == "r"


def test_every_run_has_the_language_and_a_complex_script_font(
    rtl: tuple[Rendered, str, str],
) -> None:
    deck, tag, _ = rtl
    runs = 0
    for slide in deck.pptx.slides:
        for body in _text_bodies(slide):
            for run in body.iter(qn("a:r")):
                props = run.find(qn("a:rPr"))
                assert props.get("lang") == tag
                assert [cs.get("typeface") for cs in props.findall(qn("a:cs"))] == [CS_FONT]
                runs += 1
    assert runs > 500


def test_speaker_notes_read_right_to_left(rtl: tuple[Rendered, str, str]) -> None:
    deck, tag, _ = rtl
    for slide in deck.pptx.slides:
        frame = slide.notes_slide.notes_text_frame
        for paragraph in frame.paragraphs:
            if paragraph.text.strip():
                assert paragraph._p.pPr.get("rtl") == "1"
                assert {r._r.rPr.get("lang") for r in paragraph.runs} == {tag}


def test_table_columns_are_written_in_reverse(rtl: tuple[Rendered, str, str]) -> None:
    deck, _, _ = rtl
    tables = 0
    for model, slide in zip(deck.model.slides, deck.pptx.slides, strict=True):
        specs = [b for b in model.blocks if isinstance(b, TableSpec)]
        shapes = [s for s in slide.shapes if s.has_table]
        for spec, shape in zip(specs, shapes, strict=True):
            header = [cell.text for cell in shape.table.rows[0].cells]
            assert header == [column.header for column in reversed(spec.columns)]
            # The table-level flag stays off: PowerPoint would mirror the columns back.
            assert shape.table._tbl.tblPr.get("rtl") is None
            tables += 1
    assert tables >= 8


def _keyed(deck: Rendered) -> dict[tuple[str, int], PptxSlide]:
    """Slides by (kind, occurrence): paginated tables may add a continuation slide, and action
    titles hold figures that differ with the currency."""
    seen: Counter[str] = Counter()
    slides = {}
    for model, slide in zip(deck.model.slides, deck.pptx.slides, strict=True):
        seen[model.kind] += 1
        slides[model.kind, seen[model.kind]] = slide
    return slides


def test_layout_is_the_english_layout_mirrored(
    english_deck: Rendered, arabic_english_words: Rendered
) -> None:
    width = english_deck.pptx.slide_width
    english, arabic = _keyed(english_deck), _keyed(arabic_english_words)
    assert set(english) <= set(arabic)
    shapes = 0
    for key, slide in english.items():
        pairs = list(zip(slide.shapes, arabic[key].shapes, strict=True))
        legends = [
            (en.text_frame.text, ar.text_frame.text)
            for en, ar in pairs
            if split_name(en.name)[0] == "Legend"
        ]
        for en, ar in pairs:
            assert en.name == ar.name, key
            if en.name.startswith("Legend") and any(a != b for a, b in legends):
                continue  # month names differ ("Oct 2026", "أكتوبر 2026"): so do the legends
            assert ar.left == width - en.left - en.width, (key, en.name)
            assert ar.width == en.width, (key, en.name)
            # A strip's bands are as tall as its texts, and the Arabic figures differ from the
            # English ones ("نقطة مئوية" for "pts"): KPI texts move up or down together.
            if en.name.startswith("KPI") and not en.name.startswith("KPI Card"):
                continue
            assert ar.top == en.top, (key, en.name)
            # Table rows hold Arabic-script signs (٪, ر.س) whose lines are taller.
            if not en.has_table:
                assert ar.height == en.height, (key, en.name)
        shapes += len(pairs)
    assert shapes > 300


def test_the_client_name_is_isolated_on_the_cover(rtl: tuple[Rendered, str, str]) -> None:
    deck, _, _ = rtl
    cover = deck.pptx.slides[0]
    texts = [p.text for s in cover.shapes if s.has_text_frame for p in s.text_frame.paragraphs]
    assert f"{FSI}{deck.model.client}{PDI}" in texts


def _chart_specs(deck: Rendered) -> Iterator[tuple[ChartSpec | ScatterSpec, BaseShape]]:
    """Each native chart with the spec it was drawn from."""
    for model, slide in zip(deck.model.slides, deck.pptx.slides, strict=True):
        specs = [b for b in model.blocks if isinstance(b, ChartSpec | ScatterSpec)]
        yield from zip(specs, [s for s in slide.shapes if s.has_chart], strict=True)


def _orientation(axis: etree._Element) -> str:
    return axis.find(qn("c:scaling")).find(qn("c:orientation")).get("val")


def test_charts_are_mirrored(rtl: tuple[Rendered, str, str]) -> None:
    deck, _, _ = rtl
    kinds: Counter[str] = Counter()
    for spec, shape in _chart_specs(deck):
        plot = shape.chart._chartSpace.find(qn("c:chart")).find(qn("c:plotArea"))
        cat, val = plot.findall(qn("c:catAx")), plot.findall(qn("c:valAx"))
        if isinstance(spec, ScatterSpec):
            kinds["scatter"] += 1
            assert [_orientation(a) for a in val] == ["maxMin", "minMax"]  # x runs leftwards
        elif spec.kind in ("bar", "stacked_bar"):
            kinds[spec.kind] += 1
            assert [_orientation(a) for a in val] == ["maxMin"]  # bars grow leftwards
        elif spec.kind != "doughnut":
            kinds[spec.kind] += 1
            assert _orientation(cat[0]) == "maxMin"  # first category on the right
    assert {"bar", "column", "line", "combo", "scatter"} <= set(kinds)


def test_value_axis_titles_sit_beside_their_axes(rtl: tuple[Rendered, str, str]) -> None:
    deck, _, _ = rtl
    sides = []
    for spec, shape in _chart_specs(deck):
        axes = shape.chart._chartSpace.find(qn("c:chart")).find(qn("c:plotArea"))
        for index, axis in enumerate(axes.findall(qn("c:valAx"))):
            title = axis.find(qn("c:title"))
            if title is None or axis.find(qn("c:axPos")).get("val") == "b":
                continue
            x = float(
                title.find(qn("c:layout")).find(qn("c:manualLayout")).find(qn("c:x")).get("val")
            )
            # Scatter: the y axis is the second c:valAx; combo: the secondary is the second.
            primary = (index == 1) if isinstance(spec, ScatterSpec) else (index == 0)
            sides.append((primary, x > 0.5))
    assert sides and all(primary == right for primary, right in sides)
    assert {primary for primary, _ in sides} == {True, False}


def test_chart_text_has_the_language_and_font(rtl: tuple[Rendered, str, str]) -> None:
    deck, tag, _ = rtl
    for _, shape in _charts(deck):
        space = shape.chart._chartSpace
        defaults = space.find(qn("c:txPr")).iter(qn("a:defRPr"))
        assert [cs.get("typeface") for d in defaults for cs in d.findall(qn("a:cs"))] == [CS_FONT]
        for props in space.iter(qn("a:rPr")):
            assert props.get("lang") == tag


def test_chart_number_formats_draw_the_deck_digits(rtl: tuple[Rendered, str, str]) -> None:
    deck, _, prefix = rtl
    codes = {
        fmt.get("formatCode")
        for _, shape in _charts(deck)
        for fmt in shape.chart._chartSpace.iter(qn("c:numFmt"))
        if fmt.get("sourceLinked") == "0" and fmt.get("formatCode") != "General"
    }
    assert codes
    for code in codes:
        sections = [section for section in code.split(";") if section]  # empty: shows nothing
        if prefix:
            assert all(section.startswith(prefix) for section in sections), code
        else:
            assert not code.startswith("[$-"), code


def test_right_to_left_slide_numbers_are_text_even_in_latin_digits(
    arabic_english_words: Rendered,
) -> None:
    # A slide-number field in a right-to-left paragraph sat 8 pt above the footer's baseline
    # in LibreOffice; text sits on it.
    numbered = 0
    for number, slide in enumerate(arabic_english_words.pptx.slides, start=1):
        shapes = [s for s in slide.shapes if s.name.startswith("Slide Number")]
        for shape in shapes:
            assert shape.text_frame.text == str(number)
            assert shape._element.findall(".//" + qn("a:fld")) == []
            numbered += 1
    assert numbered == len(arabic_english_words.pptx.slides) - 1  # all but the title slide
