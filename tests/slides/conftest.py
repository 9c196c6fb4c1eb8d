"""The sample the slide-builder tests share: a small deterministic workbook and its metrics.

Built once per session (about a second). `build` makes one slide kind from any metrics, e.g. of
the sample with one sheet removed (`dataclasses.replace(sample_tables, leads=None)`).
"""

from __future__ import annotations

import pytest

from deckgen.config import Settings
from deckgen.data.sample import generate_sample
from deckgen.data.tables import Tables
from deckgen.data.validate import validate_frames
from deckgen.metrics.lifecycle import LifecycleMetrics, compute_metrics
from deckgen.model import Slide
from deckgen.narrative.claims import check_claims
from deckgen.narrative.outline import Built, Outline
from deckgen.period import Period
from deckgen.slides.context import SlideContext
from deckgen.slides.deck import kind_context
from deckgen.slides.registry import SlideKind, entry_of
from deckgen.wording import Wording

SAMPLE_PERIOD = Period("gregorian", 2026, 10)


def metrics_of(tables: Tables, settings: Settings | None = None) -> LifecycleMetrics:
    """The metrics of `tables` for October 2026."""
    return compute_metrics(tables, SAMPLE_PERIOD, (settings or Settings()).metrics)


def context(
    kind: SlideKind,
    metrics: LifecycleMetrics,
    settings: Settings | None = None,
    lang: str = "en",
    outline: Outline | None = None,
) -> SlideContext:
    """The context slide kind `kind` is built in, in `lang`."""
    settings = settings or Settings()
    wording = Wording(lang, currency=settings.currency)
    return kind_context(entry_of(kind), metrics, settings, wording, outline)


def build(
    kind: SlideKind,
    metrics: LifecycleMetrics,
    settings: Settings | None = None,
    lang: str = "en",
    outline: Outline | None = None,
    check: bool = True,
) -> Built:
    """What the builder of `kind` makes from `metrics`; every claim it makes must hold
    (`check=False` for metrics edited by hand, whose figures need not be consistent)."""
    built = entry_of(kind).build(context(kind, metrics, settings, lang, outline))
    if check:
        for slide in built.slides:
            assert check_claims(slide.claims, metrics, kind) == []
    return built


def one_slide(kind: SlideKind, metrics: LifecycleMetrics, **options: object) -> Slide:
    """The single slide `kind` makes."""
    (slide,) = build(kind, metrics, **options).slides  # type: ignore[arg-type]
    return slide


@pytest.fixture(scope="session")
def sample_settings() -> Settings:
    """Default settings (client "Sample Retail Co.", USD, English)."""
    return Settings()


@pytest.fixture(scope="session")
def sample_tables(sample_settings: Settings) -> Tables:
    """300 customers over 14 months to October 2026, every sheet present."""
    frames = generate_sample(customers=300, months=14, end="2026-10", seed=3)
    tables = validate_frames(frames, sample_settings, "sample").tables
    assert tables is not None
    return tables


@pytest.fixture(scope="session")
def sample_metrics(sample_tables: Tables, sample_settings: Settings) -> LifecycleMetrics:
    """The sample's metrics for October 2026."""
    return metrics_of(sample_tables, sample_settings)


@pytest.fixture(scope="session")
def sample_ctx(sample_metrics: LifecycleMetrics) -> SlideContext:
    """A context of the sample (of the summary kind) for its formatting helpers."""
    return context(SlideKind.SUMMARY, sample_metrics)
