"""Notes pages copied from the first blank page equal python-pptx's own, part for part."""

from __future__ import annotations

from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from deckgen.render.brand import load_brand
from deckgen.render.notes import notes_page
from deckgen.render.package import save_deterministic


def _deck(make_notes: bool) -> bytes:
    brand = load_brand()
    prs = brand.presentation
    for number in range(3):
        slide = prs.slides.add_slide(brand.layouts["content"])
        page = notes_page(slide) if make_notes else slide.notes_slide
        page.notes_text_frame.text = f"notes of slide {number + 1}"
    return save_deterministic(prs)


def test_copied_pages_give_the_same_bytes_as_python_pptx() -> None:
    assert _deck(make_notes=True) == _deck(make_notes=False)


def test_each_slide_gets_its_own_page_related_both_ways() -> None:
    brand = load_brand()
    prs = brand.presentation
    slides = [prs.slides.add_slide(brand.layouts["content"]) for _ in range(3)]
    pages = [notes_page(slide) for slide in slides]
    names = [str(page.part.partname) for page in pages]
    assert names == [f"/ppt/notesSlides/notesSlide{n}.xml" for n in (1, 2, 3)]
    for slide, page in zip(slides, pages, strict=True):
        assert slide.part.part_related_by(RT.NOTES_SLIDE) is page.part
        assert page.part.part_related_by(RT.SLIDE) is slide.part
    pages[0].notes_text_frame.text = "first"
    assert pages[1].notes_text_frame.text == ""  # a copy, not the same element


def test_a_slide_with_notes_keeps_its_page() -> None:
    brand = load_brand()
    slide = brand.presentation.slides.add_slide(brand.layouts["content"])
    first = notes_page(slide)
    first.notes_text_frame.text = "kept"
    again = notes_page(slide)
    assert again.part is first.part
    assert again.notes_text_frame.text == "kept"
