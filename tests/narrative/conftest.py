"""The slide tests' sample, shared with the narrative tests."""

from tests.slides.conftest import sample_metrics, sample_settings, sample_tables

__all__ = ["sample_metrics", "sample_settings", "sample_tables"]
