"""The sample the slide-builder tests share: a small deterministic workbook and its metrics.

Built once per session (about a second). `slide_context` builds a context for other tables,
e.g. the sample with one sheet removed (`dataclasses.replace(sample_tables, leads=None)`).
"""

from __future__ import annotations

import pytest

from deckgen.config import Settings
from deckgen.data.sample import generate_sample
from deckgen.data.tables import Tables
from deckgen.data.validate import validate_frames
from deckgen.metrics.lifecycle import LifecycleMetrics, compute_metrics
from deckgen.period import Period
from deckgen.slides.context import SlideContext
from deckgen.wording import Wording

SAMPLE_PERIOD = Period("gregorian", 2026, 10)


def slide_context(tables: Tables, settings: Settings | None = None) -> SlideContext:
    """An English slide context for `tables` in October 2026."""
    settings = settings or Settings()
    metrics = compute_metrics(tables, SAMPLE_PERIOD, settings.metrics)
    return SlideContext(metrics, settings, Wording("en", currency=settings.currency))


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
def sample_ctx(sample_tables: Tables, sample_settings: Settings) -> SlideContext:
    """The slide context of the sample for October 2026."""
    return slide_context(sample_tables, sample_settings)


@pytest.fixture(scope="session")
def sample_metrics(sample_ctx: SlideContext) -> LifecycleMetrics:
    """The sample's metrics for October 2026."""
    return sample_ctx.metrics
