"""Gamma-Gamma: the density and conditional spend against integration, the fit."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from deckgen.metrics.clv.gamma_gamma import (
    GammaGammaParams,
    _objective,
    _params,
    _Spends,
    _terms,
    expected_spend,
    fit_gamma_gamma,
    log_likelihood,
)
from deckgen.metrics.clv.mle import LOG_BOUND, ClvRefusal
from tests.metrics.clv import former
from tests.metrics.clv.simulate import central_differences, simulate_spend

TRUE = GammaGammaParams(p=6.0, q=4.0, gamma=60.0)


def _nu_integral(params: GammaGammaParams, weight) -> float:
    """∫ weight(nu) g(nu) dnu over the gamma of the customers' nu, numerically."""
    nu = stats.gamma(params.q, scale=1 / params.gamma)
    return integrate.quad(
        lambda v: weight(v) * nu.pdf(v), 0, nu.ppf(1 - 1e-14), epsabs=0, epsrel=1e-11, limit=200
    )[0]


@pytest.mark.parametrize(("x", "m"), [(1, 35.0), (3, 120.0), (10, 80.0)])
def test_density_and_expected_spend_match_integration(x, m):
    """f(m | x) = ∫ Gamma(m; p x, rate nu x) g(nu) dnu; E[M | x, m] = E[p / nu | x, m]."""
    mean = lambda v: stats.gamma(TRUE.p * x, scale=1 / (v * x)).pdf(m)  # noqa: E731
    density = _nu_integral(TRUE, mean)
    found = log_likelihood(TRUE, np.array([x]), np.array([m]))[0]
    assert found == pytest.approx(math.log(density), abs=1e-8)
    spend = _nu_integral(TRUE, lambda v: mean(v) * TRUE.p / v) / density
    assert expected_spend(TRUE, np.array([x]), np.array([m]))[0] == pytest.approx(spend, rel=1e-8)


def test_expected_spend_by_hand():
    # p (gamma + m x) / (p x + q - 1): 6 (60 + 2 x 50) / (12 + 3) = 64; with no repeat
    # purchase the population mean p gamma / (q - 1) = 360 / 3 = 120, whatever m says.
    found = expected_spend(TRUE, np.array([2, 0]), np.array([50.0, np.nan]))
    assert found.tolist() == pytest.approx([64.0, 120.0])


def test_gradient_matches_finite_differences():
    rng = np.random.default_rng(4)
    x = rng.integers(1, 8, 300)
    m = simulate_spend(TRUE, x, rng) / 100
    objective = _objective(x.astype(np.float64), m)
    for theta in (np.array([1.5, 1.2, -1.0]), np.array([0.2, 6.0, -3.0])):
        assert objective(theta)[1] == pytest.approx(central_differences(objective, theta), abs=1e-7)


def test_fit_recovers_the_parameters():
    """3,000 repeat customers; tolerances are 3 standard deviations of 30 seeded fits.

    Offline (3,400 customers a seed) the relative standard deviations were 12% (p), 3% (q)
    and 15% (gamma); p and gamma move together, so the mean spend is much tighter.
    """
    rng = np.random.default_rng(2026)
    x = 1 + rng.poisson(2.0, 3000)
    m = simulate_spend(TRUE, x, rng)
    fit = fit_gamma_gamma(x, m)
    assert not isinstance(fit, ClvRefusal)
    assert fit.params.p == pytest.approx(TRUE.p, rel=0.36)
    assert fit.params.q == pytest.approx(TRUE.q, rel=0.10)
    assert fit.params.gamma == pytest.approx(TRUE.gamma, rel=0.45)
    assert fit.mean_spend == pytest.approx(120.0, rel=0.05)
    assert fit.customers == 3000
    assert abs(fit.spend_frequency_correlation) < 3 / math.sqrt(3000)  # independent by design
    assert fit.log_likelihood == pytest.approx(log_likelihood(fit.params, x, m).sum(), rel=1e-9)


def test_fit_is_the_same_in_any_currency_unit():
    """Spend in rials instead of dollars: gamma scales, p and q do not."""
    rng = np.random.default_rng(8)
    x = 1 + rng.poisson(2.0, 2000)
    m = simulate_spend(TRUE, x, rng)
    dollars, rials = fit_gamma_gamma(x, m), fit_gamma_gamma(x, m * 420_000)
    assert rials.params.p == pytest.approx(dollars.params.p, rel=1e-5)
    assert rials.params.q == pytest.approx(dollars.params.q, rel=1e-5)
    assert rials.params.gamma == pytest.approx(dollars.params.gamma * 420_000, rel=1e-5)
    assert rials.log_likelihood == pytest.approx(
        dollars.log_likelihood - len(x) * math.log(420_000), rel=1e-9
    )


def test_spend_without_a_finite_mean_is_refused():
    """q below 1: the customers' mean spend has no finite average, so no value is predicted."""
    rng = np.random.default_rng(3)
    x = rng.integers(1, 6, 3000)
    m = simulate_spend(GammaGammaParams(p=3.0, q=0.6, gamma=20.0), x, rng)
    assert fit_gamma_gamma(x, m) is ClvRefusal.SPEND_MEAN_UNDEFINED


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(1, 40), st.floats(1e-6, 1e6, allow_subnormal=False)), min_size=1
    ),
    theta=st.lists(st.floats(-LOG_BOUND, LOG_BOUND), min_size=3, max_size=3).map(np.array),
)
def test_the_same_terms_as_the_former_code_to_the_bit(rows, theta):
    """The per-customer logs and products computed once per fit, not per step: same values."""
    x = np.array([r[0] for r in rows], dtype=np.float64)
    m = np.array([r[1] for r in rows])
    with np.errstate(all="ignore"):  # as in the fit: the optimiser may probe far out
        ll, grad = _terms(theta, _Spends.of(x, m))
        expected_ll, expected_grad = former.gamma_gamma_terms(theta, x, m)
        value, gradient = _objective(x, m)(theta)
        p, q, gamma = _params(theta)
        wanted_ll, wanted_grad = former.gamma_gamma_terms(np.log([p, q, gamma]), x, m)
    assert ll.tobytes() == expected_ll.tobytes()
    assert grad.tobytes() == expected_grad.tobytes()
    g_p, g_q, g_gamma = wanted_grad.mean(axis=1)
    assert value == -float(wanted_ll.mean()) or (np.isnan(value) and np.isnan(wanted_ll.mean()))
    assert gradient.tobytes() == (-np.array([g_p, g_q + g_gamma, g_gamma])).tobytes()
    params = GammaGammaParams(*np.exp(theta))
    with np.errstate(all="ignore"):
        public = log_likelihood(params, x, m)
        wanted = former.gamma_gamma_terms(np.log([params.p, params.q, params.gamma]), x, m)[0]
    assert public.tobytes() == wanted.tobytes()
