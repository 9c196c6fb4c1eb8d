"""The whole deck model: the registry's slide kinds built in phases, laid out in its order."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from deckgen.config import Settings
from deckgen.errors import Problem
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.model import Deck, Slide
from deckgen.narrative.outline import Built, Outline, SectionPages
from deckgen.slides.context import SlideContext
from deckgen.slides.overview import deck_footer, deck_title
from deckgen.slides.registry import REGISTRY, Phase, Section, SlideEntry, SlideKind
from deckgen.wording import Wording

# The page each slide of the deck will be on, given the slide kinds in the deck's order (None: a
# slide that will not be in the deck). A refresh passes one: the edited deck's own order.
PageMap = Callable[[Sequence[str]], Sequence[int | None]]


def build_deck(
    metrics: LifecycleMetrics,
    settings: Settings,
    wording: Wording,
    *,
    warnings: tuple[Problem, ...] = (),
    pages: PageMap | None = None,
) -> Deck:
    """The deck model for `metrics`, worded in the wording's language; the agenda gives the
    pages of `pages` (default: the deck's own order)."""
    built: dict[SlideKind, Built] = {}
    for phase in Phase:
        outline = None if phase == Phase.BODY else _outline(built, warnings, pages)
        for entry in REGISTRY:
            if entry.phase == phase:
                built[entry.kind] = entry.build(
                    kind_context(entry, metrics, settings, wording, outline)
                )
    agenda = built.get(SlideKind.AGENDA)
    if agenda is not None and len(agenda.slides) > 1:
        raise AssertionError("the agenda must be one slide: the page numbers count it as one")
    slides: list[Slide] = [slide for entry in REGISTRY for slide in built[entry.kind].slides]
    ctx = kind_context(REGISTRY[0], metrics, settings, wording, None)
    return Deck(
        title=deck_title(ctx),
        client=settings.client,
        period_label=ctx.month(metrics.period),
        lang=ctx.lang,
        direction=ctx.direction,
        currency=settings.currency,
        slides=tuple(slides),
        footer=deck_footer(ctx),
        digits=wording.digits,
        skipped=tuple(d.kind for entry in REGISTRY for d in built[entry.kind].dropped),
        title_style=settings.title_style,
    )


def kind_context(
    entry: SlideEntry,
    metrics: LifecycleMetrics,
    settings: Settings,
    wording: Wording,
    outline: Outline | None = None,
) -> SlideContext:
    """The context a slide kind is built in."""
    return SlideContext(
        metrics,
        settings,
        wording,
        kind=entry.kind,
        section=entry.section,
        template=entry.template,
        cites=entry.cites,
        shared_section=sum(e.section == entry.section for e in REGISTRY) > 1,
        outline=outline,
    )


def _outline(
    built: dict[SlideKind, Built], warnings: tuple[Problem, ...], pages: PageMap | None = None
) -> Outline:
    """Sections and their slide numbers so far; a kind not built yet counts as one slide
    (only the agenda, built last, is ever counted so). A section spans its first to its last
    page; one with no slide in the deck (`pages` None for all) is left out."""
    counts = [len(built[e.kind].slides) if e.kind in built else 1 for e in REGISTRY]
    kinds = [str(e.kind) for e, count in zip(REGISTRY, counts, strict=True) for _ in range(count)]
    numbers = list(range(1, len(kinds) + 1)) if pages is None else list(pages(kinds))
    sections: list[SectionPages] = []
    start = 0
    for entry, count in zip(REGISTRY, counts, strict=True):
        shown = [n for n in numbers[start : start + count] if n is not None]
        start += count
        if not shown:
            continue
        first, last = min(shown), max(shown)
        if sections and sections[-1].section == entry.section:
            before = sections[-1]
            sections[-1] = SectionPages(
                entry.section, min(before.first, first), max(before.last, last)
            )
        else:
            sections.append(SectionPages(entry.section, first, last))
    return Outline(
        sections=tuple(s for s in sections if s.section != Section.COVER),
        dropped=tuple(d for b in built.values() for d in b.dropped),
        warnings=warnings,
        shown_kinds=tuple(e.kind for e in REGISTRY if e.kind in built and built[e.kind].slides),
        cites=tuple(
            dict.fromkeys(
                anchor
                for e in REGISTRY
                if e.kind in built
                for slide in built[e.kind].slides
                for anchor in slide.cites
            )
        ),
    )
