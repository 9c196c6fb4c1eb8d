"""The whole deck model: every slide builder in order, then the appendix."""

from __future__ import annotations

from collections.abc import Callable

from deckgen.config import Settings
from deckgen.errors import Problem
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.model import Deck, Slide
from deckgen.slides.appendix import build_appendix_slides
from deckgen.slides.channels import build_channels_slides
from deckgen.slides.context import SlideContext
from deckgen.slides.diagnostics import build_diagnostics_slides
from deckgen.slides.feedback import build_feedback_slides
from deckgen.slides.funnel import build_funnel_slides
from deckgen.slides.loyalty import build_loyalty_slides
from deckgen.slides.prospects import build_prospects_slides
from deckgen.slides.satisfaction import build_satisfaction_slides
from deckgen.slides.segmentation import build_segmentation_slides
from deckgen.slides.summary import build_summary_slides
from deckgen.slides.title import build_title_slides
from deckgen.wording import Wording

Builder = Callable[[SlideContext], tuple[Slide, ...]]

# The deck's order. A builder returns () when its data is absent; the appendix lists those.
SLIDE_BUILDERS: tuple[tuple[str, Builder], ...] = (
    ("title", build_title_slides),
    ("summary", build_summary_slides),
    ("segmentation", build_segmentation_slides),
    ("prospects", build_prospects_slides),
    ("funnel", build_funnel_slides),
    ("channels", build_channels_slides),
    ("loyalty", build_loyalty_slides),
    ("feedback", build_feedback_slides),
    ("satisfaction", build_satisfaction_slides),
    ("diagnostics", build_diagnostics_slides),
)


def build_deck(
    metrics: LifecycleMetrics,
    settings: Settings,
    wording: Wording,
    *,
    warnings: tuple[Problem, ...] = (),
) -> Deck:
    """The deck model for `metrics`, worded in the wording's language."""
    ctx = SlideContext(metrics, settings, wording)
    slides: list[Slide] = []
    skipped: list[str] = []
    for kind, builder in SLIDE_BUILDERS:
        built = builder(ctx)
        if not built:
            skipped.append(kind)
        slides.extend(built)
    slides.extend(build_appendix_slides(ctx, tuple(skipped), warnings))
    return Deck(
        title=ctx.text("title", "title"),
        client=settings.client,
        period_label=ctx.month(metrics.period),
        lang=ctx.lang,
        direction=ctx.direction,
        currency=settings.currency,
        slides=tuple(slides),
        footer=ctx.text("title", "footer"),
        digits=wording.digits,
        skipped=tuple(skipped),
    )
