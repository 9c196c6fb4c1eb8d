"""Predictive customer value: BG/NBD purchases and Gamma-Gamma spend, fitted per client."""

from deckgen.metrics.clv.figures import ClvResult, compute_clv
from deckgen.metrics.clv.mle import ClvRefusal

__all__ = ["ClvRefusal", "ClvResult", "compute_clv"]
