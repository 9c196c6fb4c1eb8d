"""Refresh of a Persian deck, a deck on a client's brand template, and a deck saved by LibreOffice."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation

from deckgen.data.sample import generate_sample, write_workbook
from deckgen.data.sample_words import WORDS
from deckgen.formats import localise_digits
from deckgen.pipeline import render_deck
from deckgen.refresh.deck import refresh_deck
from deckgen.refresh.report import EDITS_REPLACED
from deckgen.render.identity import GEOMETRY_SLACK, split_name
from tests.refresh.conftest import (
    BRAND_PINK,
    MOVED_BY,
    OWN_HEADLINE,
    SHRUNK_TO,
    Decks,
    delete_slide,
    keys,
    shape,
)
from tests.refresh.test_refresh import _chart_values, _texts


@pytest.fixture(scope="module")
def persian(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A small Persian client: Shahrivar 1405 rendered, and Mehr 1405 fresh."""
    root = tmp_path_factory.mktemp("persian")
    data = root / "client.xlsx"
    frames = generate_sample(customers=300, months=14, end="2026-10", seed=3, lang="fa")
    write_workbook(frames, data, created=datetime(2026, 11, 1))
    before, fresh = root / "shahrivar.pptx", root / "mehr.pptx"
    for path, period in ((before, "1405-06"), (fresh, "1405-07")):
        render_deck(data, path, period=period, lang="fa", currency=WORDS["fa"].currency)
    return data, before, fresh


def test_a_persian_deck_refreshes_in_persian_to_the_fresh_render(
    persian: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    data, before, fresh = persian
    out = tmp_path / "mehr.pptx"
    report = refresh_deck(before, data, out, period="1405-07")  # language from the deck
    assert (report.period_before, report.period) == ("1405-06", "1405-07")
    assert _texts(out) == _texts(fresh)
    assert _chart_values(out) == _chart_values(fresh)
    assert report.counts().get("failed", 0) == 0


def test_persian_slide_numbers_follow_a_deleted_slide(
    persian: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    data, before, _ = persian
    prs = Presentation(str(before))
    delete_slide(prs, "agenda")
    prs.slides[1].shapes.title.text_frame.paragraphs[0].runs[0].text = OWN_HEADLINE
    edited = tmp_path / "edited.pptx"
    prs.save(str(edited))
    out = tmp_path / "mehr.pptx"
    report = refresh_deck(edited, data, out, period="1405-07")
    result = Presentation(str(out))
    assert "agenda" not in keys(result)
    for number, slide in enumerate(list(result.slides)[1:], start=2):
        (number_shape,) = [s for s in slide.shapes if "slide-number" in s.name]
        assert number_shape.text_frame.text == localise_digits(str(number), "fa", "native")
    title = result.slides[1].shapes.title
    assert title.text_frame.text == OWN_HEADLINE
    assert title.text_frame.paragraphs[0]._p.pPr.get("rtl") == "1"
    assert [o.status for o in report.outcomes if o.item == "summary/title"] == ["kept"]


def test_a_deck_on_a_brand_template_refreshes_on_its_own_layouts(
    small_workbook: Path, tmp_path: Path
) -> None:
    template = tmp_path / "brand.pptx"
    Presentation().save(str(template))  # python-pptx's default: 4:3, Office theme
    before, fresh = tmp_path / "september.pptx", tmp_path / "october.pptx"
    render_deck(small_workbook, before, period="2026-09", template=template)
    render_deck(small_workbook, fresh, period="2026-10", template=template)
    prs = Presentation(str(before))
    chart = shape(prs, "customer_profile/chart1/chart.1")
    chart.left += MOVED_BY
    prs.save(str(before))
    out = tmp_path / "refreshed.pptx"
    report = refresh_deck(before, small_workbook, out, period="2026-10")
    result = Presentation(str(out))
    assert result.slide_width == 9144000  # still the brand's 4:3
    assert _texts(out) == _texts(fresh)
    assert _chart_values(out) == _chart_values(fresh)
    moved = shape(result, "customer_profile/chart1/chart.1")
    assert (
        moved.left
        == shape(Presentation(str(fresh)), "customer_profile/chart1/chart.1").left + MOVED_BY
    )
    assert report.counts().get("failed", 0) == 0


def _tables(path: Path) -> dict[str, list[list[str]]]:
    """Every tagged table's cells by identity."""
    found = {}
    for slide in Presentation(str(path)).slides:
        for item in slide.shapes:
            identity = split_name(item.name)[1]
            if identity and item.has_table:
                found[identity] = [[cell.text for cell in row.cells] for row in item.table.rows]
    return found


def test_a_deck_saved_by_libreoffice_still_refreshes(
    decks: Decks, libreoffice_pptx: Callable[[Path], Path], tmp_path: Path
) -> None:
    saved = libreoffice_pptx(decks.edited)
    out = tmp_path / "october.pptx"
    report = refresh_deck(saved, decks.data, out, period="2026-10")
    assert report.counts().get("failed", 0) == 0
    assert [o.item for o in report.outcomes if o.status == "kept"] == ["summary/title"]
    assert [o.item for o in report.outcomes if o.status == "deleted"] == ["channels"]
    # Regression: LibreOffice writes chart values with 15 digits and pads short series; that
    # is not an edit, so no chart is listed as having the consultant's figures replaced.
    assert [o.item for o in report.outcomes if EDITS_REPLACED in o.detail] == []
    texts, fresh = _texts(out), _texts(decks.october)
    # LibreOffice renames placeholders: titles are found by placeholder type and refreshed.
    assert texts["title/subtitle"] == fresh["title/subtitle"]
    assert texts["funnel/title"] == fresh["funnel/title"]
    charts, fresh_charts = _chart_values(out), _chart_values(decks.october)
    assert charts == {k: v for k, v in fresh_charts.items() if not k.startswith("channels/")}
    assert keys(Presentation(str(out))) == keys(Presentation(str(decks.edited)))
    # LibreOffice moves shapes by up to 450 EMU and writes theme fonts and "no line" out: none
    # of that counts as an edit, so a KPI change takes its new colour (its tone) with its text.
    (delta,) = [o for o in report.outcomes if o.item == "summary/kpis1/revenue/kpi-delta"]
    assert (delta.status, delta.detail) == ("refreshed", "")
    # What docs/refresh.md says survives the round trip: the consultant's chart place and
    # colour, with October's figures in the chart and its (rewritten) embedded workbook; their
    # KPI label font; every KPI and table found by its key and refreshed; the agenda's pages.
    prs, september = Presentation(str(out)), Presentation(str(decks.september))
    chart = shape(prs, "customer_profile/chart1/chart.1")
    before = shape(september, "customer_profile/chart1/chart.1")
    assert abs(chart.left - (before.left + MOVED_BY)) <= GEOMETRY_SLACK
    assert abs(chart.width - round(before.width * SHRUNK_TO)) <= GEOMETRY_SLACK
    assert chart.chart.plots[0].series[0].format.fill.fore_color.rgb == BRAND_PINK
    workbook = openpyxl.load_workbook(io.BytesIO(chart.chart.part.chart_workbook.xlsx_part.blob))
    column = [row[1] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    _, october = fresh_charts["customer_profile/chart1/chart.1"][0]
    assert column == pytest.approx(list(october))
    label = shape(prs, "summary/kpis1/revenue/kpi-label").text_frame.paragraphs[0].runs[0]
    assert label.font.name == "Georgia"
    kpis = {i: t for i, t in texts.items() if "/kpis" in i}
    assert kpis == {i: t for i, t in fresh.items() if "/kpis" in i}
    plain = tmp_path / "without-libreoffice.pptx"
    refresh_deck(decks.edited, decks.data, plain, period="2026-10")
    assert _tables(out) == _tables(plain)


def test_an_image_chart_deck_gets_new_pictures_where_the_consultant_put_them(
    small_workbook: Path, tmp_path: Path
) -> None:
    before, fresh = tmp_path / "september.pptx", tmp_path / "october.pptx"
    render_deck(small_workbook, before, period="2026-09", charts="image")
    render_deck(small_workbook, fresh, period="2026-10", charts="image")
    prs = Presentation(str(before))
    picture = shape(prs, "customer_profile/chart1/chart-picture.1")
    picture.left += MOVED_BY
    old_image = picture.image.blob
    prs.save(str(before))
    out = tmp_path / "refreshed.pptx"
    report = refresh_deck(before, small_workbook, out, period="2026-10")  # charts: the deck's
    result, expected = Presentation(str(out)), Presentation(str(fresh))
    moved = shape(result, "customer_profile/chart1/chart-picture.1")
    wanted = shape(expected, "customer_profile/chart1/chart-picture.1")
    assert moved.image.blob == wanted.image.blob != old_image
    assert moved.left == wanted.left + MOVED_BY
    other = shape(result, "interests/chart1/chart-picture.1")
    assert other.image.blob == shape(expected, "interests/chart1/chart-picture.1").image.blob
    assert report.counts().get("failed", 0) == 0
