"""Brand templates from outside (issue 9): every deck built on one is a sound, plain .pptx that
opens nothing from outside; what deckgen drops or keeps is reported by `inspect` and on render."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from deckgen.model import Deck
from deckgen.pipeline import render_deck
from deckgen.render.brand import inspect_template, load_brand
from deckgen.render.writer import render_pptx
from tests.package_check import MAIN_CONTENT_TYPE, package_problems
from tests.render import hostile_templates as hostile
from tests.render.conftest import open_pptx
from tests.test_cli import run_cli


@pytest.fixture(scope="module")
def short_deck(en_deck: Deck) -> Deck:
    """Title, a section and a few content slides: enough to use every layout."""
    return replace(en_deck, slides=en_deck.slides[:5])


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_sample_decks_are_sound_packages(en_bytes: bytes, fa_bytes: bytes) -> None:
    assert package_problems(en_bytes) == []
    assert package_problems(fa_bytes) == []


@pytest.mark.parametrize("lang", ["en", "ar", "fa"])
def test_the_sample_client_decks_are_sound_packages(
    tmp_path: Path, small_workbook: Path, lang: str
) -> None:
    output = tmp_path / f"{lang}.pptx"
    render_deck(small_workbook, output, lang=lang)
    assert package_problems(output.read_bytes()) == []


def test_an_image_chart_deck_is_a_sound_package(en_deck: Deck) -> None:
    charts = replace(en_deck, slides=en_deck.slides[:9])
    assert package_problems(render_pptx(charts, charts="image")) == []


def test_custom_shows_and_sections_go_with_the_templates_slides(
    tmp_path: Path, short_deck: Deck
) -> None:
    template = hostile.with_custom_show_and_sections(tmp_path / "shows.pptx")
    data = render_pptx(short_deck, template=template)
    assert package_problems(data) == []  # was: two ppt/slides/slide1.xml, a stale section list
    entries = _entries(data)
    presentation = entries["ppt/presentation.xml"]
    assert b"custShowLst" not in presentation and b"sectionLst" not in presentation
    assert b"<p:sldAll/>" in entries["ppt/presProps.xml"]  # the show plays every slide
    assert b"custShow" not in entries["ppt/presProps.xml"]
    assert [s.shapes.title.text for s in open_pptx(data).slides][:1] == [short_deck.slides[0].title]
    assert len(open_pptx(data).slides) == len(short_deck.slides)


def test_inspect_names_what_is_dropped(tmp_path: Path) -> None:
    text = inspect_template(hostile.with_custom_show_and_sections(tmp_path / "shows.pptx"))
    assert "Slides of its own: 3 (dropped)" in text
    assert "Custom shows: 'Board cut' (2 slides) (dropped with the slides)" in text
    assert "Sections: 'Intro' (dropped with the slides)" in text
    assert text.endswith("Usable: yes")


def test_external_links_are_dropped_with_a_warning(tmp_path: Path, short_deck: Deck) -> None:
    template = hostile.with_external_links(tmp_path / "links.pptx")
    assert load_brand(template).warnings == (
        f"template {template}: dropped 2 links to outside files or addresses "
        f"({hostile.HOMEPAGE} in ppt/slideLayouts/slideLayout1.xml); a deck opens nothing "
        "from outside",
    )
    data = render_pptx(short_deck, template=template)
    assert package_problems(data) == []
    rels = b"".join(blob for name, blob in _entries(data).items() if name.endswith(".rels"))
    assert b'TargetMode="External"' not in rels
    assert b"tracker.example" not in data and b"designer.example" not in data
    text = inspect_template(template)
    assert (
        f"External links: ppt/slideLayouts/slideLayout1.xml -> {hostile.HOMEPAGE}; "
        f"ppt/slideLayouts/slideLayout1.xml -> {hostile.TRACKER} (dropped)"
    ) in text


def test_a_potx_is_a_template_and_its_decks_are_pptx(tmp_path: Path, short_deck: Deck) -> None:
    template = hostile.as_potx(tmp_path / "brand.potx")
    data = render_pptx(short_deck, template=template)
    assert package_problems(data) == []  # the main part's content type is a presentation's
    assert MAIN_CONTENT_TYPE.encode() in _entries(data)["[Content_Types].xml"]
    assert inspect_template(template).startswith(f"Template: {template} (a template (.potx))")
    assert load_brand(template).warnings == ()


def test_macros_are_dropped_and_the_deck_is_pptx(tmp_path: Path, short_deck: Deck) -> None:
    template = hostile.macro_enabled(tmp_path / "brand.pptm")
    assert load_brand(template).warnings == (
        f"template {template}: dropped its macros (a VBA project); decks are .pptx",
    )
    data = render_pptx(short_deck, template=template)
    assert package_problems(data) == []
    entries = _entries(data)
    assert "ppt/vbaProject.bin" not in entries
    assert b"macroEnabled" not in entries["[Content_Types].xml"]
    assert b"vbaProject" not in entries["[Content_Types].xml"]
    text = inspect_template(template)
    assert text.startswith(f"Template: {template} (a macro-enabled presentation (.pptm))")
    assert "Macros: yes (dropped: decks are .pptx)" in text


def test_a_large_picture_is_kept_with_a_warning(tmp_path: Path) -> None:
    template = hostile.with_large_picture(tmp_path / "big.pptx", megabytes=6)
    (warning,) = load_brand(template).warnings
    assert warning.startswith(f"template {template}: ppt/media/image1.png is 6.0 MB and is ")
    assert warning.endswith("which makes decks slow to open and convert; make the picture smaller")
    assert (
        "Pictures over 5 MB: ppt/media/image1.png (6.0 MB) (kept, copied into every deck: "
        "make them smaller)"
    ) in inspect_template(template)
    small = hostile.with_large_picture(tmp_path / "small.pptx", megabytes=1)
    assert load_brand(small).warnings == ()
    assert "Pictures over 5 MB: none" in inspect_template(small)


def test_render_prints_the_template_warnings(
    tmp_path: Path, small_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = hostile.with_external_links(tmp_path / "links.pptx")
    output = tmp_path / "deck.pptx"
    code, out, err = run_cli(
        ["render", str(small_workbook), "-o", str(output), "--template", str(template)], capsys
    )
    assert code == 0, err
    assert f"  warning: template {template}: dropped 2 links to outside files" in out
    assert package_problems(output.read_bytes()) == []


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (
            hostile.tiny,
            "its slides are 1.00 x 1.00 in, too small to lay out a deck on (deckgen needs at "
            "least 10.00 x 5.62 in)",
        ),
        (
            hostile.with_duplicate_entry,
            "its zip holds ppt/slideLayouts/slideLayout1.xml twice, so it is damaged",
        ),
        (
            hostile.with_damaged_entry,
            "an entry of its zip is damaged or in a form deckgen cannot unpack",
        ),
    ],
)
def test_an_unusable_template_is_one_message_and_exit_2(
    tmp_path: Path,
    small_workbook: Path,
    capsys: pytest.CaptureFixture[str],
    make: object,
    expected: str,
) -> None:
    template = make(tmp_path / "brand.pptx")  # type: ignore[operator]
    output = tmp_path / "deck.pptx"
    args = ["render", str(small_workbook), "-o", str(output), "--template", str(template)]
    code, out, err = run_cli(args, capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: template {template}: {expected}")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not output.exists()


def test_inspect_calls_a_one_inch_template_unusable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = hostile.tiny(tmp_path / "tiny.pptx")
    code, out, err = run_cli(["template", "inspect", str(template)], capsys)
    assert code == 2, err  # a script can tell an unusable template by the exit code
    assert "Slide size: 1.00 x 1.00 in (not 16:9): its slides are 1.00 x 1.00 in, too small" in out
    assert out.rstrip().endswith("Usable: no (slides too small)")


@pytest.mark.parametrize("command", ["render", "inspect"])
def test_a_theme_with_a_doctype_is_refused_and_never_resolved(
    tmp_path: Path, small_workbook: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    template = hostile.with_doctype_theme(tmp_path / "brand.pptx", secret)
    output = tmp_path / "deck.pptx"
    args = (
        ["render", str(small_workbook), "-o", str(output), "--template", str(template)]
        if command == "render"
        else ["template", "inspect", str(template)]
    )
    code, out, err = run_cli(args, capsys)
    assert code == 2
    assert err == (
        f"error: template {template}: ppt/theme/theme1.xml declares a DOCTYPE, which PowerPoint "
        "never writes; deckgen does not read such a file (its entities can name files on this "
        "computer)\n"
    )
    assert "TOP-SECRET" not in out + err
    assert not output.exists()
