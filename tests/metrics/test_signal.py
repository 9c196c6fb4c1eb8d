"""Minimum sample sizes (docs/metrics.md#minimum-n)."""

from __future__ import annotations

import pytest

from deckgen.metrics import signal
from deckgen.metrics.signal import MIN_N, RateKind, is_thin
from tests.metrics.fixtures_lifecycle import missing_definitions


def test_every_kind_has_a_minimum():
    assert set(MIN_N) == set(RateKind)
    assert MIN_N[RateKind.NPS] == 30


@pytest.mark.parametrize(
    ("n", "thin"), [(None, True), (0, True), (29, True), (30, False), (53, False)]
)
def test_thin_below_the_minimum(n, thin):
    assert is_thin(RateKind.NPS, n) is thin


def test_the_minimums_cannot_be_changed_by_accident():
    with pytest.raises(TypeError):
        MIN_N[RateKind.NPS] = 5  # type: ignore[index]


def test_cited_definitions_exist():
    assert missing_definitions(signal) == set()
