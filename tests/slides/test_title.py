from __future__ import annotations

from deckgen.slides.context import SlideContext
from deckgen.slides.title import build_title_slides


def test_cover_names_the_review_and_notes_cite_the_period(sample_ctx: SlideContext) -> None:
    (slide,) = build_title_slides(sample_ctx)
    assert slide.kind == "title"
    assert slide.title == "Customer lifecycle review"
    assert slide.subtitle
    assert slide.headline is None
    assert slide.blocks == ()
    assert f"{sample_ctx.fmt(sample_ctx.metrics.customers, 'count')} customers" in slide.notes
    assert f"{sample_ctx.fmt(sample_ctx.metrics.orders, 'count')} orders" in slide.notes
    assert sample_ctx.definitions["period"].text in slide.notes


def test_footer_and_deck_title_blocks(sample_ctx: SlideContext) -> None:
    footer = sample_ctx.text("title", "footer")
    assert footer == "Sample Retail Co. · Customer lifecycle review · October 2026"
    assert sample_ctx.text("title", "title") == build_title_slides(sample_ctx)[0].title
