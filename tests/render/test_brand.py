"""Brand templates: the default, a client's, and templates that cannot serve every slide kind."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pptx import Presentation

from deckgen.errors import TemplateError
from deckgen.model import Deck
from deckgen.render.brand import (
    bundled_templates_dir,
    check_template,
    default_template_path,
    inspect_template,
    layout_kind,
    load_brand,
)
from deckgen.render.writer import render_pptx
from tests.render.conftest import open_pptx


def test_default_template_is_shipped_and_16_9() -> None:
    path = default_template_path()
    assert path.parent == bundled_templates_dir() and path.is_file()
    brand = load_brand()
    prs = brand.presentation
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)
    assert {k: v.name for k, v in brand.layouts.items()} == {
        "title": "Title Slide",
        "section": "Section Header",
        "content": "Title Only",
    }
    assert brand.theme.colors["dk2"] == "14284B"
    assert brand.theme.colors["accent2"] == "00A3AD"
    assert (brand.theme.minor_font, brand.theme.cs_font) == ("Calibri", "Noto Sans Arabic")


def test_layout_kind_of_slide_kinds() -> None:
    assert [layout_kind(k) for k in ("title", "section", "summary", "appendix")] == [
        "title",
        "section",
        "content",
        "content",
    ]


def test_inspect_lists_layouts_placeholders_and_kinds() -> None:
    text = inspect_template(default_template_path())
    assert "Slide size: 13.33 x 7.50 in (16:9)" in text
    assert "idx 0   center_title  'Title 1' at (0.90, 2.30) in, 11.53 x 1.60 in" in text
    assert "content  -> layout 'Title Only'" in text
    assert text.endswith("Usable: yes")


def test_python_pptx_default_template_serves_as_a_client_template(
    tmp_path: Path, en_deck: Deck
) -> None:
    path = tmp_path / "client.pptx"
    prs = Presentation()
    prs.slides.add_slide(prs.slide_layouts[1])  # a slide the template carries: dropped
    prs.save(path)
    brand = load_brand(path)
    assert {k: v.name for k, v in brand.layouts.items()} == {
        "title": "Title Slide",
        "section": "Section Header",
        "content": "Title Only",
    }
    assert len(brand.presentation.slides) == 0
    deck = replace(en_deck, slides=en_deck.slides[:6])
    result = open_pptx(render_pptx(deck, template=path))
    assert len(result.slides) == 6
    assert result.slide_width == 9144000  # the client's 4:3 size is kept


def test_template_without_title_layouts_is_rejected(tmp_path: Path) -> None:
    prs = Presentation()
    for layout in list(prs.slide_layouts):
        if layout.name != "Blank":
            prs.slide_layouts.remove(layout)
    path = tmp_path / "blank.pptx"
    prs.save(path)
    with pytest.raises(TemplateError, match=r"title slides need .*content slides need"):
        check_template(path)
    text = inspect_template(path)
    assert "content  -> MISSING: needs a layout with a title placeholder" in text
    assert text.endswith("Usable: no (missing: title, section, content)")


def test_not_a_pptx_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "notes.pptx"
    path.write_text("not a presentation")
    with pytest.raises(TemplateError, match="not a PowerPoint presentation"):
        load_brand(path)
    with pytest.raises(TemplateError, match="no such file"):
        inspect_template(tmp_path / "missing.pptx")
