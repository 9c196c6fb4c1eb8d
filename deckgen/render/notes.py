"""Speaker-notes pages, each a copy of the first blank page made from the same notes master.

python-pptx makes every notes page by cloning the notes master's placeholders one by one, which
was half the cost of writing the sample deck's notes; the pages come out equal, so the first
one's XML is kept (per notes master) and copied for the next slides. Same parts, relationships
and bytes as `slide.notes_slide`.
"""

from __future__ import annotations

from copy import deepcopy
from weakref import WeakKeyDictionary

from lxml import etree
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.parts.slide import NotesMasterPart, NotesSlidePart
from pptx.slide import NotesSlide
from pptx.slide import Slide as PptxSlide

_BLANK_PAGES: WeakKeyDictionary[NotesMasterPart, etree._Element] = WeakKeyDictionary()


def notes_page(slide: PptxSlide) -> NotesSlide:
    """`slide`'s notes page (made blank from the notes master if it has none yet)."""
    if slide.has_notes_slide:
        return slide.notes_slide
    slide_part = slide.part
    package = slide_part.package
    master = package.presentation_part.notes_master_part
    blank = _BLANK_PAGES.get(master)
    if blank is None:
        page = slide.notes_slide  # python-pptx's own way, the first time
        _BLANK_PAGES[master] = deepcopy(page._element)
        return page
    # What NotesSlidePart.new does, with the cloned placeholders copied instead.
    part = NotesSlidePart(
        package.next_partname("/ppt/notesSlides/notesSlide%d.xml"),
        CT.PML_NOTES_SLIDE,
        package,
        deepcopy(blank),
    )
    part.relate_to(master, RT.NOTES_MASTER)
    part.relate_to(slide_part, RT.SLIDE)
    slide_part.relate_to(part, RT.NOTES_SLIDE)
    return slide.notes_slide
