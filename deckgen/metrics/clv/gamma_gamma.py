"""Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005, "RFM and CLV").

A customer's purchases are worth z ~ Gamma(p, nu) each, with nu ~ Gamma(q, gamma) across
customers, so the mean of x purchases, m_x, is Gamma(p x, nu x). The model assumes spend per
purchase independent of how often a customer buys (docs/metrics.md#clv-model).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deckgen.metrics.clv.mle import (
    MAX_ITERATIONS,
    ClvRefusal,
    Objective,
    distinct_values,
    maximise,
)


@dataclass(frozen=True)
class GammaGammaParams:
    """Gamma-Gamma parameters, spend in the client's currency."""

    p: float  # shape of the gamma of one purchase's spend
    q: float  # shape of the gamma of the customers' nu
    gamma: float  # client currency; rate of that gamma (the mean spend is p gamma / (q - 1))


@dataclass(frozen=True)
class GammaGammaFit:
    """A fitted Gamma-Gamma model and what it was fitted on."""

    params: GammaGammaParams
    log_likelihood: float  # natural log, summed over the customers, spend in client currency
    customers: int  # repeat customers with a positive mean repeat spend
    iterations: int  # L-BFGS-B iterations
    same_mean_spend: bool  # q reached its cap: one mean spend per purchase for every customer
    mean_spend: float  # client currency per purchase, population mean p gamma / (q - 1)
    spend_frequency_correlation: float  # Pearson, -1..1: the model assumes it near 0


def log_likelihood(params: GammaGammaParams, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Each customer's log-density of mean spend m over x >= 1 purchases."""
    theta = np.log([params.p, params.q, params.gamma])
    return _terms(theta, _Spends.of(x, m))[0]


def fit_gamma_gamma(
    x: np.ndarray, m: np.ndarray, max_iterations: int = MAX_ITERATIONS
) -> GammaGammaFit | ClvRefusal:
    """The maximum-likelihood fit on repeat customers' x >= 1 and mean spend m > 0."""
    x = np.asarray(x, dtype=np.float64)
    scale = float(np.mean(m))  # client currency; the spend is fitted in units of it
    m = np.asarray(m, dtype=np.float64) / scale
    start = np.array([0.0, np.log(2.0), np.log(0.5)])  # p = 1, q = 2, gamma = 1: mean spend 1
    estimate = maximise(_objective(x, m), start, float(len(x)), _MAY_REACH_CAP, max_iterations)
    if isinstance(estimate, ClvRefusal):
        return estimate
    p, q, gamma = _params(np.asarray(estimate.theta))
    if q <= 1.0:
        return ClvRefusal.SPEND_MEAN_UNDEFINED
    gamma *= scale
    return GammaGammaFit(
        params=GammaGammaParams(p=p, q=q, gamma=gamma),
        # Rescaling spend by `scale` multiplies each customer's density by 1/scale.
        log_likelihood=float(estimate.log_likelihood - len(x) * np.log(scale)),
        customers=len(x),
        iterations=estimate.iterations,
        same_mean_spend=estimate.at_cap[1],
        mean_spend=p * gamma / (q - 1.0),
        spend_frequency_correlation=_correlation(x, m),
    )


def expected_spend(params: GammaGammaParams, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """E[spend per purchase | x, m_x]: m_x shrunk toward the mean; the mean when x = 0."""
    p, q, gamma = params.p, params.q, params.gamma
    x = np.asarray(x, dtype=np.float64)
    known = np.where(x > 0, np.nan_to_num(np.asarray(m, dtype=np.float64)), 0.0)
    return p * (gamma + known * x) / (p * x + q - 1.0)


def _correlation(x: np.ndarray, m: np.ndarray) -> float:
    """Pearson correlation of x and m; 0 when either does not vary."""
    if np.ptp(x) == 0 or np.ptp(m) == 0:
        return 0.0
    return float(np.corrcoef(x, m)[0, 1])


# theta = (log p, log q, log(gamma / q)): gamma / q is the reciprocal of the mean nu, so a
# data set where every customer has the same mean spend sends q alone to its cap.
_MAY_REACH_CAP = (False, True, False)


def _params(theta: np.ndarray) -> tuple[float, float, float]:
    """(p, q, gamma) of the optimiser's parameters."""
    log_p, log_q, log_ratio = theta
    return float(np.exp(log_p)), float(np.exp(log_q)), float(np.exp(log_q + log_ratio))


@dataclass(frozen=True)
class _Spends:
    """Customers' x and m, with what the likelihood reads of them that no parameter changes."""

    x: np.ndarray  # purchases, float
    m: np.ndarray  # mean spend, float
    log_m: np.ndarray
    log_x: np.ndarray
    mx: np.ndarray  # m x
    xs: np.ndarray  # distinct x values
    x_index: np.ndarray  # position of each customer's x in xs

    @classmethod
    def of(cls, x: np.ndarray, m: np.ndarray) -> _Spends:
        """The spends of arrays x and m (same length)."""
        x, m = np.asarray(x, np.float64), np.asarray(m, np.float64)
        return cls(x, m, np.log(m), np.log(x), m * x, *distinct_values(x))


def _terms(theta: np.ndarray, s: _Spends) -> tuple[np.ndarray, np.ndarray]:
    """Log-density of each customer's m and its gradient in log(p, q, gamma)."""
    from scipy.special import digamma, gammaln  # lazy: 0.25 s, only for a fit

    p, q, gamma = np.exp(theta)
    # Terms of x alone are computed once per distinct x (a few dozen values).
    xs, at = s.xs, s.x_index
    pxs = p * xs
    psi_x = digamma(pxs + q)
    px = p * s.x
    tail = gamma + s.mx
    log_tail = np.log(tail)
    px_q = px + q
    # f(m | x) = Γ(px+q) / (Γ(px) Γ(q)) γ^q m^(px-1) x^px / (γ + m x)^(px+q)
    # In place, each value by the same operations as the plain expression (the fit must not
    # move by a bit): g[x] - Γ(q) + q log γ + (px - 1) log m + px log x - (px + q) log_tail.
    ll = (gammaln(pxs + q) - gammaln(pxs))[at]
    ll -= gammaln(q)
    ll += q * np.log(gamma)
    ll += (px - 1.0) * s.log_m
    ll += px * s.log_x
    ll -= px_q * log_tail
    grad = np.empty((3, len(s.x)))
    # d_p = x ((psi_x - ψ(pxs))[x] + log m + log x - log_tail)
    d_p = np.take(psi_x - digamma(pxs), at, out=grad[0])
    d_p += s.log_m
    d_p += s.log_x
    d_p -= log_tail
    d_p *= s.x
    d_p *= p
    # d_q = psi_x[x] - ψ(q) + log γ - log_tail
    d_q = np.take(psi_x, at, out=grad[1])
    d_q -= digamma(q)
    d_q += np.log(gamma)
    d_q -= log_tail
    d_q *= q
    # d_gamma = q / γ - (px + q) / (γ + m x)
    d_gamma = np.divide(px_q, tail, out=grad[2])
    np.subtract(q / gamma, d_gamma, out=d_gamma)
    d_gamma *= gamma
    return ll, grad


def _objective(x: np.ndarray, m: np.ndarray) -> Objective:
    """Mean negative log-likelihood and its gradient in theta."""
    spends = _Spends.of(x, m)

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        p, q, gamma = _params(theta)
        ll, grad = _terms(np.log([p, q, gamma]), spends)
        g_p, g_q, g_gamma = grad.mean(axis=1)
        return -float(ll.mean()), -np.array([g_p, g_q + g_gamma, g_gamma])

    return objective
