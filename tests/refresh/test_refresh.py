"""`deckgen refresh`: October's figures into the September deck a consultant edited."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.util import Emu

import deckgen
from deckgen.refresh.deck import refresh_deck
from deckgen.refresh.report import EDITS_REPLACED
from deckgen.render.identity import (
    chart_data,
    digest,
    read_record,
    slide_key,
    split_name,
    write_record,
)
from tests.refresh.conftest import (
    BRAND_PINK,
    MOVED_BY,
    OWN_HEADLINE,
    OWN_SLIDE_TEXT,
    SHRUNK_TO,
    Decks,
    keys,
    shape,
)
from tests.test_cli import run_cli


def _texts(path: Path) -> dict[str, str]:
    """Every tagged text of a deck by identity (slide numbers left out: they follow places)."""
    found = {}
    for slide in Presentation(str(path)).slides:
        for item in slide.shapes:
            identity = split_name(item.name)[1]
            if identity and item.has_text_frame and "slide-number" not in identity:
                found[identity] = item.text_frame.text
    return found


def _chart_values(path: Path) -> dict[str, list[tuple[str, tuple]]]:
    found = {}
    for slide in Presentation(str(path)).slides:
        for item in slide.shapes:
            identity = split_name(item.name)[1]
            if identity and item.has_chart:
                found[identity] = [(s.name, tuple(s.values)) for s in item.chart.series]
    return found


@pytest.fixture(scope="module")
def untouched(decks: Decks, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("untouched") / "october.pptx"
    return out, refresh_deck(decks.september, decks.data, out, period="2026-10")


@pytest.fixture(scope="module")
def edited(decks: Decks, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("edited") / "october.pptx"
    return out, refresh_deck(decks.edited, decks.data, out, period="2026-10")


def test_an_untouched_deck_refreshes_to_the_fresh_render(decks: Decks, untouched) -> None:
    out, report = untouched
    assert _texts(out) == _texts(decks.october)
    assert _chart_values(out) == _chart_values(decks.october)
    assert keys(Presentation(str(out))) == keys(Presentation(str(decks.october)))
    statuses = report.counts()
    assert statuses.get("kept", 0) == statuses.get("failed", 0) == 0
    assert statuses["refreshed"] > 50
    record = read_record(Presentation(str(out)))
    assert record["period"] == "2026-10"


def test_the_refreshed_deck_is_byte_identical_when_repeated(
    decks: Decks, untouched, tmp_path
) -> None:
    again = tmp_path / "again.pptx"
    refresh_deck(decks.september, decks.data, again, period="2026-10")
    assert again.read_bytes() == untouched[0].read_bytes()


def test_a_moved_recoloured_chart_keeps_place_and_colour_and_gets_octobers_figures(
    decks: Decks, edited
) -> None:
    out, _ = edited
    before = shape(Presentation(str(decks.september)), "customer_profile/chart1/chart.1")
    after = shape(Presentation(str(out)), "customer_profile/chart1/chart.1")
    fresh = shape(Presentation(str(decks.october)), "customer_profile/chart1/chart.1")
    assert after.left == before.left + MOVED_BY
    assert after.width == round(before.width * SHRUNK_TO)
    assert [tuple(s.values) for s in after.chart.series] == [
        tuple(s.values) for s in fresh.chart.series
    ]
    assert after.chart.plots[0].series[0].format.fill.fore_color.rgb == BRAND_PINK
    other = after.chart.plots[0].series[1].format.fill.fore_color.rgb
    assert other == fresh.chart.plots[0].series[1].format.fill.fore_color.rgb
    # "Edit data" shows October: the embedded workbook holds the new figures.
    workbook = openpyxl.load_workbook(io.BytesIO(after.chart.part.chart_workbook.xlsx_part.blob))
    column = [row[1] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert column == pytest.approx(list(fresh.chart.plots[0].series[0].values))


def test_the_legend_key_follows_the_recoloured_series(edited) -> None:
    out, _ = edited
    prs = Presentation(str(out))
    chart = shape(prs, "customer_profile/chart1/chart.1").chart
    pink_name = chart.plots[0].series[0].name
    for number in (1, 2):
        label = shape(prs, f"customer_profile/chart1/legend.{number}")
        key = shape(prs, f"customer_profile/chart1/legend-key.{number}")
        is_pink = key.fill.fore_color.rgb == BRAND_PINK
        assert is_pink == (label.text_frame.text == pink_name)


def test_a_rewritten_headline_is_kept_and_the_report_says_what_deckgen_would_say(
    decks: Decks, edited
) -> None:
    out, report = edited
    title = Presentation(str(out)).slides[1].shapes.title
    assert title.text_frame.text == OWN_HEADLINE
    (kept,) = [o for o in report.outcomes if o.item == "summary/title"]
    assert kept.status == "kept"
    assert kept.current == OWN_HEADLINE
    assert kept.proposed == _texts(decks.october)["summary/title"]


def test_a_restyled_kpi_label_keeps_its_font_and_the_values_are_octobers(
    decks: Decks, edited
) -> None:
    out, _ = edited
    prs = Presentation(str(out))
    label = shape(prs, "summary/kpis1/revenue/kpi-label")
    runs = label.text_frame.paragraphs[0].runs
    assert [(r.font.name, r.font.size.pt) for r in runs] == [("Georgia", 13.0)]
    fresh = _texts(decks.october)
    assert label.text_frame.text == fresh["summary/kpis1/revenue/kpi-label"]
    values = [i for i in fresh if i.startswith("summary/kpis1/") and i.endswith("/kpi-value")]
    assert len(values) == 5
    for identity in values:
        assert shape(prs, identity).text_frame.text == fresh[identity]


def test_deleted_added_and_reordered_slides_stay_as_the_consultant_left_them(
    decks: Decks, edited
) -> None:
    out, report = edited
    before = keys(Presentation(str(decks.edited)))
    after = keys(Presentation(str(out)))
    assert "channels" not in after
    assert [o.status for o in report.outcomes if o.item == "channels"] == ["deleted"]
    assert after == before  # the same slides in the consultant's order
    own = Presentation(str(out)).slides[2]
    assert OWN_SLIDE_TEXT in [s.text_frame.text for s in own.shapes if s.has_text_frame]
    original = Presentation(str(decks.edited)).slides[2]
    assert etree.tostring(own._element) == etree.tostring(original._element)  # untouched


def test_the_agenda_gives_the_pages_of_the_edited_decks_order(edited) -> None:
    # The consultant put a slide of theirs third (after the summary), swapped interests and
    # rfm and deleted channels: every section from the customers on starts a page later than
    # deckgen's order would put it, channels is gone, and the two cancel from loyalty on.
    out, _ = edited
    prs = Presentation(str(out))
    (agenda,) = [slide for slide in prs.slides if slide_key(slide) == "agenda"]
    (table,) = [item.table for item in agenda.shapes if item.has_table]
    rows = [(row.cells[1].text, row.cells[3].text) for row in list(table.rows)[1:]]
    assert rows == [
        ("Customers", "5–7"),
        ("Prospects", "8–9"),
        ("Lifecycle funnel", "10"),
        ("Loyalty", "11–15"),
        ("Feedback", "16–18"),
        ("Satisfaction", "19–20"),
        ("Where to act", "21"),
        ("Appendix", "22–24"),
    ]
    assert keys(prs)[2:5] == [None, "agenda", "customer_profile"]


def test_the_report_is_printed_and_written_beside_the_deck(edited) -> None:
    out, report = edited
    written = json.loads(out.with_suffix(".refresh.json").read_text(encoding="utf-8"))
    assert written["period_before"] == "2026-09" and written["period"] == "2026-10"
    assert len(written["outcomes"]) == len(report.outcomes)
    text = report.summary()
    assert f"yours:   {OWN_HEADLINE}" in text
    assert "deleted  channels" in text


def test_refresh_twice_keeps_the_deleted_slide_deleted(decks: Decks, edited, tmp_path) -> None:
    out, _ = edited
    again = tmp_path / "again.pptx"
    report = refresh_deck(out, decks.data, again, period="2026-10")
    assert "channels" not in keys(Presentation(str(again)))
    assert report.counts().get("failed", 0) == 0
    # October again: every slide is drawn from what drew it before, so none is redrawn, and
    # the consultant's headline stays.
    slides = {o.item: o.status for o in report.outcomes if o.item == o.slide}
    assert set(slides.values()) == {"unchanged", "deleted"}
    assert Presentation(str(again)).slides[1].shapes.title.text_frame.text == OWN_HEADLINE
    assert _texts(again) == _texts(out)


def test_the_period_comes_from_the_data_when_later_than_the_decks(decks: Decks, tmp_path) -> None:
    report = refresh_deck(decks.september, decks.data, tmp_path / "next.pptx")
    assert (report.period_before, report.period) == ("2026-09", "2026-10")


def test_a_deck_not_made_by_deckgen_is_one_sentence_and_exit_2(
    decks: Decks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tmp_path / "plain.pptx"
    Presentation().save(str(plain))
    code, out, err = run_cli(["refresh", str(plain), str(decks.data), "-o", "x.pptx"], capsys)
    assert code == 2 and out == ""
    assert err == (
        f"error: {plain} was not made by deckgen (it carries no deckgen record), so there is "
        "nothing to refresh; render a new deck with `deckgen render`\n"
    )


@pytest.mark.parametrize(
    ("record_format", "version"),
    [(1, "0.9.0"), (99, "9.0")],  # 1: positional identities inside blocks (before item keys)
)
def test_a_deck_of_another_record_format_is_refused(
    decks: Decks,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    record_format: int,
    version: str,
) -> None:
    from deckgen.render.identity import write_record

    prs = Presentation(str(decks.september))
    record = read_record(prs)
    write_record(prs, {**record, "format": record_format, "version": version})
    other = tmp_path / "other.pptx"
    prs.save(str(other))
    code, out, err = run_cli(["refresh", str(other), str(decks.data), "-o", "x.pptx"], capsys)
    assert code == 2 and out == ""
    assert err == (
        f"error: {other} was made by deckgen {version}, whose deck record (format "
        f"{record_format}) this deckgen {deckgen.__version__} cannot read; render a new deck "
        "with `deckgen render`\n"
    )
    assert not Path("x.pptx").exists()


@pytest.mark.parametrize("name", ["not-a-deck.pptx", "data.xlsx"])
def test_a_file_that_is_not_a_deck_is_refused(
    decks: Decks, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    code, _, err = run_cli(["refresh", str(bad), str(decks.data), "-o", "x.pptx"], capsys)
    assert code == 2
    assert err == (
        f"error: deck {bad}: not a PowerPoint presentation (.pptx); "
        "save it from PowerPoint as .pptx and try again\n"
    )


@pytest.mark.parametrize(("make", "says"), [(False, "does not exist"), (True, "is not a file")])
def test_a_missing_deck_or_a_folder_is_named_as_such(
    decks: Decks, tmp_path: Path, capsys: pytest.CaptureFixture[str], make: bool, says: str
) -> None:
    given = tmp_path / "september.pptx"
    if make:
        given.mkdir()
    code, _, err = run_cli(["refresh", str(given), str(decks.data), "-o", "x.pptx"], capsys)
    assert (code, err) == (2, f"error: {given} {says}\n")
    assert not Path("x.pptx").exists()


def test_refresh_never_overwrites_the_deck_it_reads(
    decks: Decks, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(
        ["refresh", str(decks.september), str(decks.data), "-o", str(decks.september)], capsys
    )
    assert code == 2
    assert "refresh never overwrites the deck it reads" in err


def test_a_deck_whose_record_is_not_json_is_not_deckgens(
    decks: Decks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from deckgen.render.identity import DECK_PROPERTY, _properties_xml

    prs = Presentation(str(decks.september))
    part = prs.part.package.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
    )
    part._blob = _properties_xml({DECK_PROPERTY: "{not json"})
    broken = tmp_path / "broken.pptx"
    prs.save(str(broken))
    code, _, err = run_cli(["refresh", str(broken), str(decks.data), "-o", "x.pptx"], capsys)
    assert code == 2
    assert "was not made by deckgen" in err


def test_a_deck_with_every_deckgen_slide_deleted_keeps_only_the_consultants(
    decks: Decks, tmp_path: Path
) -> None:
    from tests.refresh.conftest import delete_slide

    prs = Presentation(str(decks.edited))
    for key in [k for k in keys(prs) if k is not None]:
        delete_slide(prs, key)
    emptied = tmp_path / "emptied.pptx"
    prs.save(str(emptied))
    report = refresh_deck(emptied, decks.data, tmp_path / "out.pptx", period="2026-10")
    assert keys(Presentation(str(tmp_path / "out.pptx"))) == [None]
    assert {o.status for o in report.outcomes} == {"deleted"}


def test_a_series_deleted_by_hand_stays_deleted_and_the_terminal_says_so(
    decks: Decks, untouched, tmp_path: Path
) -> None:
    """Regression: a chart series the consultant deleted came back on refresh (the chart listed
    as having their edits replaced). It stays deleted and is reported; the series they kept
    gets October's figures in their colour, and the workbook holds that series only."""
    prs = Presentation(str(decks.september))
    chart = shape(prs, "customer_profile/chart1/chart.1").chart
    fill = chart.plots[0].series[0].format.fill
    fill.solid()
    fill.fore_color.rgb = BRAND_PINK
    last = chart._chartSpace.xpath(".//c:ser")[-1]
    last.getparent().remove(last)
    edited_deck, out = tmp_path / "september.pptx", tmp_path / "october.pptx"
    prs.save(str(edited_deck))
    report = refresh_deck(edited_deck, decks.data, out, period="2026-10")
    identity = "customer_profile/chart1/chart.1"
    fresh = _chart_values(untouched[0])[identity]
    assert len(fresh) == 2
    assert _chart_values(out)[identity] == fresh[:1]
    deleted = f"series {fresh[1][0]}: you deleted it; not added back"
    assert [(o.status, o.detail) for o in report.outcomes if o.item == identity] == [
        ("refreshed", "your series colours kept"),
        ("deleted", deleted),
    ]
    assert f"deleted  {identity}: {deleted}" in report.summary()
    # The legend drawn under the chart names the series kept, with its one key.
    block = "customer_profile/chart1/legend"
    legend = {i: t for i, t in _texts(out).items() if i.startswith(block)}
    assert legend == {f"{block}.2": fresh[0][0], f"{block}-key.2": ""}
    after = shape(Presentation(str(out)), identity).chart
    assert after.plots[0].series[0].format.fill.fore_color.rgb == BRAND_PINK
    workbook = openpyxl.load_workbook(io.BytesIO(after.part.chart_workbook.xlsx_part.blob))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][1:] == (fresh[0][0],)  # the kept series' name, and no other column
    assert [row[1] for row in rows[1:]] == pytest.approx(list(fresh[0][1]))
    # Refreshed again (to another month) it is still deleted, and nothing else is called edited.
    again = refresh_deck(out, decks.data, tmp_path / "again.pptx", period="2026-09")
    assert [(o.status, o.detail) for o in again.outcomes if o.item == identity] == [
        ("refreshed", "your series colours kept"),
        ("deleted", deleted),
    ]
    assert len(_chart_values(tmp_path / "again.pptx")[identity]) == 1


def test_a_deck_whose_charts_were_fingerprinted_exactly_reports_no_chart_edited(
    decks: Decks, tmp_path: Path
) -> None:
    """Decks drawn before chart values were fingerprinted to 10 digits recorded them exactly:
    their untouched charts are not reported as edited by hand."""
    prs = Presentation(str(decks.september))
    record = read_record(prs)
    exact = 0
    for slide in prs.slides:
        for item in slide.shapes:
            identity = split_name(item.name)[1]
            if identity and item.has_chart:
                data = chart_data(item.chart._chartSpace, as_kept=False)
                record["items"][identity]["d"] = digest(data)
                exact += 1
    write_record(prs, record)
    old = tmp_path / "september-old.pptx"
    prs.save(str(old))
    report = refresh_deck(old, decks.data, tmp_path / "october.pptx", period="2026-10")
    assert exact > 10
    assert [o.item for o in report.outcomes if EDITS_REPLACED in o.detail] == []


def test_a_chart_the_consultant_changed_to_lines_keeps_its_type_and_gets_the_new_figures(
    decks: Decks, untouched, tmp_path: Path
) -> None:
    """Regression: a bar chart changed to a line chart (PowerPoint's Change Chart Type) was
    reported as failed and kept last month's figures."""
    identity = "customer_profile/chart1/chart.1"
    prs = Presentation(str(decks.september))
    plot = shape(prs, identity).chart._chartSpace.xpath(".//c:barChart")[0]
    plot.tag = plot.tag.replace("barChart", "lineChart")
    for child in plot.xpath("c:barDir | c:gapWidth | c:overlap | c:ser/c:invertIfNegative"):
        child.getparent().remove(child)
    plot.xpath("c:grouping")[0].set("val", "standard")
    edited_deck = tmp_path / "september.pptx"
    prs.save(str(edited_deck))
    report = refresh_deck(edited_deck, decks.data, tmp_path / "october.pptx", period="2026-10")
    (chart,) = [o for o in report.outcomes if o.item == identity]
    assert (chart.status, chart.detail) == ("refreshed", "your chart type kept")
    out = Presentation(str(tmp_path / "october.pptx"))
    assert [type(p).__name__ for p in shape(out, identity).chart.plots] == ["LinePlot"]
    assert (
        _chart_values(tmp_path / "october.pptx")[identity] == _chart_values(untouched[0])[identity]
    )


@pytest.mark.parametrize(
    ("part", "damage", "message"),
    [
        (
            "ppt/slides/slide3.xml",
            "cut",
            "deck {bad}: ppt/slides/slide3.xml is not well-formed XML (",
        ),
        (
            "ppt/charts/chart1.xml",
            "cut",
            "deck {bad}: ppt/charts/chart1.xml is not well-formed XML (",
        ),
        (  # a character XML 1.0 forbids, in deckgen's own record
            "docProps/custom.xml",
            "char",
            "deck {bad}: docProps/custom.xml is not well-formed XML (xmlParseCharRef: invalid "
            "xmlChar value 7",
        ),
        (
            "ppt/slides/slide3.xml",
            "drop",
            "{bad} is a damaged deck (a slide it lists is missing or cut short); open and save it "
            "in PowerPoint or LibreOffice, or render a new deck with `deckgen render`\n",
        ),
        (  # regression: was a refreshed deck with the chart "failed: no relationship with key"
            "ppt/charts/chart1.xml",
            "drop",
            '{bad} is a damaged deck: the chart "Chart [deckgen:customer_profile/chart1/chart.1]" '
            "on slide 4 refers to a chart the file does not hold; open and save the deck in "
            "PowerPoint (which offers to repair it) or delete that chart, then refresh again\n",
        ),
    ],
)
def test_a_damaged_deck_is_one_sentence_and_exit_2(
    decks: Decks,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    part: str,
    damage: str,
    message: str,
) -> None:
    """Regression: a part cut short or missing inside a valid zip raised a traceback."""
    bad, out = tmp_path / "damaged.pptx", tmp_path / "out.pptx"
    with zipfile.ZipFile(decks.september) as src, zipfile.ZipFile(bad, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == part and damage == "drop":
                continue
            if name == part:
                data = (
                    data.replace(b"2026-09", b"2026-09&#7;", 1) if damage == "char" else data[:200]
                )
            dst.writestr(name, data)
    code, _, err = run_cli(["refresh", str(bad), str(decks.data), "-o", str(out)], capsys)
    assert code == 2
    assert err.startswith("error: " + message.format(bad=bad)) and err.count("\n") == 1
    assert not out.exists()


def test_a_picture_whose_image_is_missing_is_one_sentence_and_exit_2(
    decks: Decks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: a picture without its image was refreshed into a deck PowerPoint must
    repair; a link to a web page (an external relationship) is not a missing part."""
    prs = Presentation(str(decks.september))
    slide = prs.slides[1]
    png = io.BytesIO()
    Image.new("RGB", (40, 20), (20, 90, 160)).save(png, format="PNG")
    picture = slide.shapes.add_picture(png, Emu(100_000), Emu(100_000))
    box = slide.shapes.add_textbox(Emu(100_000), Emu(900_000), Emu(2_000_000), Emu(400_000))
    run = box.text_frame.paragraphs[0].add_run()
    run.text = "client site"
    run.hyperlink.address = "https://example.com/"
    good, bad = tmp_path / "good.pptx", tmp_path / "bad.pptx"
    prs.save(good)
    media = next(n for n in zipfile.ZipFile(good).namelist() if n.startswith("ppt/media/"))
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for name in src.namelist():
            if name != media:
                dst.writestr(name, src.read(name))

    code, _, err = run_cli(
        ["refresh", str(good), str(decks.data), "-o", str(tmp_path / "ok.pptx")], capsys
    )
    assert (code, err) == (0, "")
    kept = Presentation(str(tmp_path / "ok.pptx")).slides[1]
    links = [
        r.hyperlink.address
        for s in kept.shapes
        if s.has_text_frame
        for p in s.text_frame.paragraphs
        for r in p.runs
        if r.hyperlink.address
    ]
    assert links == ["https://example.com/"]

    out = tmp_path / "out.pptx"
    code, _, err = run_cli(["refresh", str(bad), str(decks.data), "-o", str(out)], capsys)
    assert code == 2
    assert err == (
        f'error: {bad} is a damaged deck: the picture "{picture.name}" on slide 2'
        " refers to an image the file does not hold; open and save the deck in "
        "PowerPoint (which offers to repair it) or delete that picture, then refresh again\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "settings",
            {"lang": "tr"},
            "error: the deck's recorded settings cannot be used by this deckgen "
            f"{deckgen.__version__} (lang: Input should be 'en', 'ar' or 'fa'); give them "
            "with --config\n",
        ),
        (
            "slides",
            [5],
            "error: {deck} was made by deckgen {version}, whose deck record (format 2) this "
            "deckgen {version} cannot read; render a new deck with `deckgen render`\n",
        ),
    ],
)
def test_a_record_this_deckgen_cannot_use_is_one_sentence_and_exit_2(
    decks: Decks,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    field: str,
    value: object,
    message: str,
) -> None:
    """Regression: a record with settings this deckgen rejects (a newer deckgen's language)
    or a slide list that is not keys raised a traceback."""
    prs = Presentation(str(decks.september))
    record = read_record(prs)
    record[field] = record[field] | value if isinstance(value, dict) else value
    write_record(prs, record)
    deck, out = tmp_path / "september.pptx", tmp_path / "out.pptx"
    prs.save(str(deck))
    code, _, err = run_cli(["refresh", str(deck), str(decks.data), "-o", str(out)], capsys)
    assert code == 2
    assert err == message.format(deck=deck, version=deckgen.__version__)
    assert not out.exists()


def test_a_chart_merged_into_the_consultants_is_drawn_without_its_look_to_the_same_bytes(
    decks: Decks, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chart merged into the deck's own is drawn with only what the merge reads (series,
    value axes' scales and number formats, workbook): the refreshed deck is, byte for byte,
    the one fully drawn charts give."""
    import deckgen.refresh.deck as refresh_module

    lean = tmp_path / "lean.pptx"
    refresh_deck(decks.edited, decks.data, lean, period="2026-10")
    found: list[frozenset[str]] = []
    merged_charts = refresh_module._Refresh.merged_charts

    def draw_every_look(job: object) -> frozenset[str]:
        found.append(merged_charts(job))  # type: ignore[arg-type]
        return frozenset()

    monkeypatch.setattr(refresh_module._Refresh, "merged_charts", draw_every_look)
    full = tmp_path / "full.pptx"
    refresh_deck(decks.edited, decks.data, full, period="2026-10")
    (blocks,) = found
    assert "customer_profile/chart1" in blocks  # the chart the consultant moved and recoloured
    assert not any(block.startswith("channels/") for block in blocks)  # a slide they deleted
    assert lean.read_bytes() == full.read_bytes()


def test_another_clients_data_is_refused_and_a_rename_goes_through_config(
    decks: Decks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regression: a deck refreshed with data whose deckgen.toml names another client kept
    the first client's name over the second's figures."""
    client = read_record(Presentation(str(decks.september)))["settings"]["client"]
    other = tmp_path / "globex"
    other.mkdir()
    data = other / "data.xlsx"
    data.write_bytes(decks.data.read_bytes())
    config = other / "deckgen.toml"
    config.write_text('client = "Globex"\n')
    out = tmp_path / "out.pptx"
    code, _, err = run_cli(["refresh", str(decks.september), str(data), "-o", str(out)], capsys)
    assert code == 2
    assert err == (
        f"error: the deck was made for client {client!r}, but {config} (beside the data) names "
        "client 'Globex'; expected the data of the deck's own client: render a deck for "
        "'Globex' with `deckgen render`; if the deck was named with `deckgen render --client`, "
        f"refresh with --client {client!r}; if the client's name changed, refresh with "
        f"--config {config} (its settings, the new name among them, replace the deck's)\n"
    )
    assert not out.exists()
    code, _, err = run_cli(
        ["refresh", str(decks.september), str(data), "-o", str(out), "--config", str(config)],
        capsys,
    )
    assert (code, err) == (0, "")
    assert read_record(Presentation(str(out)))["settings"]["client"] == "Globex"
    assert any("Globex" in text for text in _texts(out).values())


def test_the_deck_clients_own_config_beside_the_data_refreshes(
    decks: Decks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client = read_record(Presentation(str(decks.september)))["settings"]["client"]
    data = tmp_path / "data.xlsx"
    data.write_bytes(decks.data.read_bytes())
    (tmp_path / "deckgen.toml").write_text(f'client = " {client} "\n')
    out = tmp_path / "out.pptx"
    code, _, err = run_cli(["refresh", str(decks.september), str(data), "-o", str(out)], capsys)
    assert (code, err) == (0, "")
    assert read_record(Presentation(str(out)))["settings"]["client"] == client


def test_a_deck_named_with_client_refreshes_with_the_same_client(
    decks: Decks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A deck rendered with --client over the config's name is refused, then refreshes when
    --client names it again (the message says so), keeping its name."""
    folder = tmp_path / "acme"
    folder.mkdir()
    data = folder / "data.xlsx"
    data.write_bytes(decks.data.read_bytes())
    (folder / "deckgen.toml").write_text('client = "Acme"\n')
    deck = tmp_path / "deck.pptx"
    render = ["render", str(data), "-o", str(deck), "--period", "2026-09"]
    code, _, err = run_cli([*render, "--client", "Acme Holdings"], capsys)
    assert (code, err) == (0, "")
    out = tmp_path / "out.pptx"
    code, _, err = run_cli(["refresh", str(deck), str(data), "-o", str(out)], capsys)
    assert code == 2
    assert "refresh with --client 'Acme Holdings'" in err
    assert not out.exists()
    code, _, err = run_cli(
        ["refresh", str(deck), str(data), "-o", str(out), "--client", "Acme Holdings"], capsys
    )
    assert (code, err) == (0, "")
    assert read_record(Presentation(str(out)))["settings"]["client"] == "Acme Holdings"
    assert any("Acme Holdings" in text for text in _texts(out).values())


@pytest.mark.parametrize("config", [False, True])
def test_a_bad_client_name_given_to_refresh_is_one_message(
    config: bool, decks: Decks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--client is checked as render checks it, with the deck's settings or a config's."""
    out = tmp_path / "out.pptx"
    args = ["refresh", str(decks.september), str(decks.data), "-o", str(out), "--client", "  "]
    if config:
        toml = tmp_path / "deckgen.toml"
        toml.write_text('client = "Acme"\n')
        args += ["--config", str(toml)]
    code, _, err = run_cli(args, capsys)
    assert code == 2
    assert err.startswith("error: ") and "the command-line options" in err
    assert "Traceback" not in err and err.count("\n") <= 3
    assert not out.exists()
