"""The title slide: what the deck is, for whom, for which month."""

from __future__ import annotations

from deckgen.model import Slide
from deckgen.slides.context import SlideContext

KIND = "title"
ANCHORS = ("period",)


def build_title_slides(ctx: SlideContext) -> tuple[Slide, ...]:
    """The cover slide (the renderer adds the client and the month under the subtitle)."""
    return (
        Slide(
            kind=KIND,
            title=ctx.text(KIND, "title"),
            subtitle=ctx.text(KIND, "subtitle"),
            notes=ctx.notes(KIND, ANCHORS),
        ),
    )
