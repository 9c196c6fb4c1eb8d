"""BG/NBD: the likelihood and expectations against integration and simulation, the fit."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats
from scipy.special import betaln

from deckgen.metrics.clv.bgnbd import (
    BgNbdParams,
    _counted_pairs,
    _Customers,
    _distinct_pairs,
    _objective,
    _terms,
    expected_purchase_blocks,
    expected_purchases,
    fit_bgnbd,
    log_likelihood,
    p_alive,
)
from deckgen.metrics.clv.bgnbd import _params as _bgnbd_params
from deckgen.metrics.clv.mle import LOG_BOUND, ClvRefusal, distinct_rows
from tests.metrics.clv import former
from tests.metrics.clv.simulate import central_differences, simulate_bgnbd

TRUE = BgNbdParams(r=0.6, alpha=40.0, a=0.8, b=2.5)
# Parameter sets the fits reach: the paper's CDNOW estimates (weeks turned to days), a small a
# and b (customers polarised), and a and b in the thousands (one dropout probability for all,
# the sample data's case, where the 2F1 of the expectation needs its direct form).
SHAPES = [
    BgNbdParams(r=0.243, alpha=4.414 * 7, a=0.793, b=2.426),
    BgNbdParams(r=0.5, alpha=5.0, a=0.3, b=0.2),
    BgNbdParams(r=0.466, alpha=105.06, a=2865.0, b=37861.0),
    BgNbdParams(r=2.0, alpha=30.0, a=3.0, b=1.0),
]
CUSTOMERS = [(0, 0.0, 30.0), (1, 10.0, 200.0), (4, 380.0, 400.0), (12, 90.0, 700.0)]


def _rate_integral(params: BgNbdParams, k: int, s: float) -> float:
    """∫ lam^k exp(-lam s) over lam ~ Gamma(r, rate alpha): Γ(r+k)/Γ(r) α^r / (α+s)^(r+k)."""
    r, alpha = params.r, params.alpha
    return math.exp(
        math.lgamma(r + k) - math.lgamma(r) + r * math.log(alpha) - (r + k) * math.log(alpha + s)
    )


def _dropout_integral(params: BgNbdParams, weight) -> float:
    """∫ weight(p) over p ~ Beta(a, b), numerically.

    quad's algebraic weight p^(a-1) (1-p)^(b-1) takes singular ends; a Beta with shapes in
    the thousands is a narrow peak instead, integrated over its central 1 - 2e-13.
    """
    if max(params.a, params.b) < 100:
        value, _ = integrate.quad(
            weight, 0, 1, weight="alg", wvar=(params.a - 1, params.b - 1), epsabs=0, epsrel=1e-11
        )
        return value / math.exp(betaln(params.a, params.b))
    beta = stats.beta(params.a, params.b)
    low, high = beta.ppf(1e-13), beta.ppf(1 - 1e-13)
    return integrate.quad(
        lambda p: weight(p) * beta.pdf(p), low, high, points=[beta.mean()], epsabs=0, epsrel=1e-11
    )[0]


def _alive_part(params: BgNbdParams, p: float, x: int, T: float, s: float = 0.0) -> float:
    """E over lam of P(x purchases, still active at T) exp(-lam s): (1-p)^x K(T + s)."""
    return (1 - p) ** x * _rate_integral(params, x, T + s)


def _evidence(params: BgNbdParams, x: int, t_x: float, T: float) -> float:
    """The individual likelihood (FHL 2005) integrated over lam, then p numerically."""

    def likelihood(p: float) -> float:
        left = p * (1 - p) ** (x - 1) * _rate_integral(params, x, t_x) if x > 0 else 0.0
        return _alive_part(params, p, x, T) + left

    return _dropout_integral(params, likelihood)


def test_log_likelihood_by_hand():
    # r 0.5, alpha 10, a 1, b 2; x 2, t_x 20, T 30. B(1, 4)/B(1, 2) = 2/4; B(2, 3)/B(1, 2) = 1/6;
    # Γ(2.5) α^0.5 / Γ(0.5) = 0.75 √10.
    common = 0.75 * math.sqrt(10)
    by_hand = 0.5 * common / 40**2.5 + common / 6 / 30**2.5
    found = log_likelihood(
        BgNbdParams(0.5, 10.0, 1.0, 2.0), np.array([2]), np.array([20.0]), np.array([30.0])
    )
    assert found[0] == pytest.approx(math.log(by_hand), rel=1e-12)


@pytest.mark.parametrize("params", [*SHAPES[:2], TRUE])
@pytest.mark.parametrize(("x", "t_x", "T"), CUSTOMERS)
def test_log_likelihood_integrates_the_individual_likelihood(params, x, t_x, T):
    found = log_likelihood(params, np.array([x]), np.array([t_x]), np.array([T]))[0]
    assert found == pytest.approx(math.log(_evidence(params, x, t_x, T)), abs=1e-8)


@pytest.mark.parametrize("params", [*SHAPES[:2], TRUE])
@pytest.mark.parametrize(("x", "t_x", "T"), CUSTOMERS)
def test_p_alive_and_expected_purchases_match_integration(params, x, t_x, T):
    """P(alive) and E[Y(t) | x, t_x, T] against the posterior integrated numerically.

    An active customer with rate lam and dropout p makes (1 - exp(-lam p t)) / p purchases in t
    on average, so E[Y(t)] = E[(1-p)^x lam^x exp(-lam T) (1 - exp(-lam p t)) / p] / evidence.
    """
    horizon = 365.25
    evidence = _evidence(params, x, t_x, T)
    arrays = np.array([x]), np.array([t_x]), np.array([T])
    numeric_alive = _dropout_integral(params, lambda p: _alive_part(params, p, x, T)) / evidence

    def future(p: float) -> float:
        if p == 0:  # the limit: the rate integral's slope in s, (r + x) K(T) / (alpha + T)
            return (params.r + x) * horizon * _alive_part(params, p, x, T) / (params.alpha + T)
        return (_alive_part(params, p, x, T) - _alive_part(params, p, x, T, p * horizon)) / p

    numeric_future = _dropout_integral(params, future) / evidence
    assert p_alive(params, *arrays)[0] == pytest.approx(numeric_alive, rel=1e-6)
    assert expected_purchases(params, horizon, *arrays)[0, 0] == pytest.approx(
        numeric_future, rel=1e-6
    )


@pytest.mark.parametrize("params", SHAPES)
def test_expected_purchases_of_an_active_customer_match_a_one_dimensional_integral(params):
    """E[Y(t) | alive] = E[(1 - ((alpha+T)/(alpha+T+p t))^(r+x)) / p], p ~ Beta(a, b + x)."""
    horizons = np.array([30.4375, 365.25])
    for x, _, T in [*CUSTOMERS, (60, 0.0, 900.0)]:
        posterior = replace(params, b=params.b + x)  # of the dropout probability, when active
        numeric = []
        for t in horizons:
            k, u = params.r + x, t / (params.alpha + T)
            numeric.append(
                _dropout_integral(
                    posterior,
                    lambda p, k=k, u=u: -math.expm1(-k * math.log1p(p * u)) / p if p else k * u,
                )
            )
        customer = np.array([x]), np.array([T]), np.array([T])
        found = expected_purchases(params, horizons, *customer)[0] / p_alive(params, *customer)
        assert found == pytest.approx(numeric, rel=1e-6)


def test_expected_purchases_of_a_new_customer_match_simulation():
    """E[X(t)] (x = t_x = T = 0) against the mean of 200,000 simulated customers."""
    rng = np.random.default_rng(11)
    horizon = 365.0
    x, _, _ = simulate_bgnbd(TRUE, np.full(200_000, horizon), rng)
    zero = np.zeros(1)
    expected = expected_purchases(TRUE, horizon, zero, zero, zero)[0, 0]
    standard_error = x.std() / math.sqrt(len(x))
    assert abs(x.mean() - expected) < 3 * standard_error


def test_gradient_matches_finite_differences():
    rng = np.random.default_rng(5)
    x, t_x, T = simulate_bgnbd(TRUE, rng.integers(1, 731, 400).astype(float), rng)
    objective = _objective(_Customers.of(x, t_x / 300, T / 300), np.ones(len(x)))
    for theta in (np.array([-0.5, 0.4, 1.2, -1.1]), np.array([0.3, -1.0, 8.0, 2.0])):
        assert objective(theta)[1] == pytest.approx(central_differences(objective, theta), abs=1e-7)


def test_fit_recovers_the_parameters():
    """5,000 simulated customers; tolerances are 3 standard deviations of 30 seeded fits.

    Offline, the estimates over 30 seeds had relative standard deviations of 3% (r), 5%
    (alpha), 10% (a) and 13% (b), with means within 2% of the truth.
    """
    rng = np.random.default_rng(2026)
    x, t_x, T = simulate_bgnbd(TRUE, rng.integers(1, 731, 5000).astype(float), rng)
    fit = fit_bgnbd(x, np.floor(t_x).astype(np.int64), T.astype(np.int64))
    assert not isinstance(fit, ClvRefusal)
    assert fit.params.r == pytest.approx(TRUE.r, rel=0.09)
    assert fit.params.alpha == pytest.approx(TRUE.alpha, rel=0.15)
    assert fit.params.a == pytest.approx(TRUE.a, rel=0.30)
    assert fit.params.b == pytest.approx(TRUE.b, rel=0.40)
    assert fit.customers == 5000
    assert fit.distinct_triples <= 5000
    assert not fit.same_rate and not fit.same_dropout
    # The summed log-likelihood at the estimate beats the one at the true parameters.
    truth = log_likelihood(TRUE, x, np.floor(t_x), T).sum()
    assert fit.log_likelihood >= truth
    assert fit.log_likelihood == pytest.approx(
        log_likelihood(fit.params, x, np.floor(t_x), T).sum(), rel=1e-9
    )


def test_one_dropout_probability_for_all_is_a_limit_not_a_refusal():
    """One p for every customer (a, b in the hundreds): a + b runs to its cap, a/(a+b) holds."""
    rng = np.random.default_rng(3)
    params = BgNbdParams(r=0.6, alpha=40.0, a=800.0, b=2500.0)
    x, t_x, T = simulate_bgnbd(params, rng.integers(1, 731, 5000).astype(float), rng)
    fit = fit_bgnbd(x, np.floor(t_x).astype(np.int64), T.astype(np.int64))
    assert not isinstance(fit, ClvRefusal)
    assert fit.same_dropout
    assert fit.params.a / (fit.params.a + fit.params.b) == pytest.approx(800 / 3300, rel=0.05)


def test_everyone_leaving_after_one_repeat_purchase_is_refused():
    """Every repeat buyer came back the next day and never again: the dropout runs to 1."""
    x = np.r_[np.ones(300, np.int64), np.zeros(300, np.int64)]
    fit = fit_bgnbd(x, x.copy(), np.full(600, 700))
    assert fit is ClvRefusal.PARAMETER_AT_BOUND


def test_an_optimiser_that_stops_early_is_refused():
    rng = np.random.default_rng(1)
    x, t_x, T = simulate_bgnbd(TRUE, rng.integers(1, 731, 1000).astype(float), rng)
    fit = fit_bgnbd(x, np.floor(t_x).astype(np.int64), T.astype(np.int64), max_iterations=2)
    assert fit is ClvRefusal.NOT_CONVERGED


_params = st.builds(
    BgNbdParams,
    r=st.floats(0.05, 20),
    alpha=st.floats(0.5, 2000),
    a=st.floats(0.05, 5000),
    b=st.floats(0.05, 50000),
)


@st.composite
def _customer(draw) -> tuple[int, float, float]:
    T = draw(st.integers(0, 1500))
    x = draw(st.integers(0, min(T, 200)))
    t_x = 0 if x == 0 else draw(st.integers(x, T))
    return x, float(t_x), float(T)


@settings(max_examples=200, deadline=None)
@given(_params, _customer(), st.floats(1, 730))
def test_model_invariants(params, customer, horizon):
    """P(alive) in [0, 1], 1 without a repeat purchase, falling as the last purchase ages;
    expected purchases positive, growing with the horizon, at most P(alive) (r+x) t / (alpha+T)."""
    x, t_x, T = (np.array([v]) for v in customer)
    alive = p_alive(params, x, t_x, T)[0]
    assert 0.0 <= alive <= 1.0
    if x[0] == 0:
        assert alive == 1.0
    elif t_x[0] > x[0]:
        assert p_alive(params, x, t_x - 1, T)[0] <= alive  # a day longer since the last purchase
    found = expected_purchases(params, np.array([horizon / 2, horizon]), x, t_x, T)[0]
    assert np.all(np.isfinite(found))
    assert 0.0 <= found[0] <= found[1] * (1 + 1e-9)
    assert found[1] <= alive * (params.r + x[0]) * horizon / (params.alpha + T[0]) * (1 + 1e-7)


def test_expected_purchases_where_scipys_2f1_overflows():
    """scipy gives inf for 2F1(1, 2; 101; 10/11) (mpmath: 1.01850090868365); the expectation is then
    integrated numerically: 101/99 (1 - 1.01850090868365 / 11) for a new customer, t = 10."""
    params = BgNbdParams(r=1.0, alpha=1.0, a=100.0, b=2.0)
    zero = np.zeros(1)
    found = expected_purchases(params, np.array([10.0]), zero, zero, zero)[0, 0]
    assert found == pytest.approx(101 / 99 * (1 - 1.01850090868365 / 11), rel=1e-12)


def test_expected_purchase_blocks_equal_the_whole_table_bit_for_bit() -> None:
    """By blocks (here of 3 customers, the last one short) the same values as at once."""
    params = BgNbdParams(r=0.6, alpha=40.0, a=0.8, b=2.5)
    x = np.array([0.0, 1.0, 3.0, 3.0, 0.0, 7.0, 2.0])
    t_x = np.array([0.0, 10.0, 50.0, 50.0, 0.0, 300.0, 80.0])
    T = np.array([5.0, 30.0, 90.0, 90.0, 400.0, 310.0, 200.0])
    horizons = np.arange(1, 13) * 30.4375
    whole = expected_purchases(params, horizons, x, t_x, T)
    alive = p_alive(params, x, t_x, T)
    blocks = list(expected_purchase_blocks(params, horizons, x, t_x, T, alive, rows=3))
    assert [b.start for b, _ in blocks] == [0, 3, 6]
    assert np.array_equal(np.concatenate([v for _, v in blocks]), whole)
    assert list(expected_purchase_blocks(params, horizons, x[:0], t_x[:0], T[:0], alive[:0])) == []


_THETA = st.lists(st.floats(-LOG_BOUND, LOG_BOUND), min_size=4, max_size=4).map(np.array)


@st.composite
def _triples(draw):
    """Customers' (x, t_x, T) in whole days: t_x = 0 when x = 0, t_x <= T."""
    rows = draw(
        st.lists(
            st.tuples(st.integers(0, 30), st.integers(0, 400), st.integers(0, 400)), min_size=1
        )
    )
    x = np.array([r[0] for r in rows], dtype=np.int64)
    T = np.array([max(r[1], r[2]) for r in rows], dtype=np.int64)
    t_x = np.where(x > 0, np.array([min(r[1], r[2]) for r in rows]), 0)
    return x, t_x, T


@settings(max_examples=200, deadline=None)
@given(customers=_triples(), theta=_THETA, scale=st.sampled_from([1.0, 7.0, 123.4]))
def test_the_same_terms_as_the_former_code_to_the_bit(customers, theta, scale):
    """Written in place and spread by runs of x, every value as the plain expressions gave it:
    in any order of the customers and in a fit's (distinct rows, sorted by x)."""
    x, t_x, T = customers
    (dx, dt, dT), weight = distinct_rows(x, t_x, T)
    for cx, ct, cT, w in ((x, t_x, T, np.ones(len(x))), (dx, dt, dT, weight)):
        found = _Customers.of(cx, ct / scale, cT / scale)
        with np.errstate(all="ignore"):  # as in the fit: the optimiser may probe far out
            expected_ll, expected_grad = former.bgnbd_terms(theta, cx, ct / scale, cT / scale)
            ll, grad = _terms(theta, found)
            value, gradient = _objective(found, w)(theta)
            wanted = _former_objective((cx, ct / scale, cT / scale), theta, w)
        assert ll.tobytes() == expected_ll.tobytes()
        assert grad.tobytes() == expected_grad.tobytes()
        assert np.array([value]).tobytes() == np.array([wanted[0]]).tobytes()
        assert gradient.tobytes() == wanted[1].tobytes()
    assert _Customers.of(dx, dt, dT).x_runs is not None  # the fit's rows take the runs' path


def _former_objective(customers, theta, weight):
    """The objective of 4414d7d on the former terms (theta: the optimiser's parameters)."""
    r, alpha, a, b = _bgnbd_params(theta)
    ll, grad = former.bgnbd_terms(np.log([r, alpha, a, b]), *customers)
    total = float(weight.sum())
    g_r, g_alpha, g_a, g_b = (grad * weight).sum(axis=1)
    share = a / (a + b)
    chained = np.array([g_r + g_alpha, -g_alpha, g_a + g_b, g_a * (1 - share) - g_b * share])
    return -float((weight * ll).sum()) / total, -chained / total


def test_the_same_fit_as_the_former_terms_on_one_customer_and_no_repeats():
    """Degenerate customers: one, or none with a repeat purchase (u = -inf throughout)."""
    theta = np.log([0.6, 40.0, 0.8, 2.5])
    for x, t_x, T in (([3], [20], [90]), ([0], [0], [0]), ([0, 0, 0], [0, 0, 0], [5, 0, 9])):
        args = [np.array(v, dtype=np.int64) for v in (x, t_x, T)]
        ll, grad = _terms(theta, _Customers.of(*args))
        expected_ll, expected_grad = former.bgnbd_terms(theta, *args)
        assert ll.tobytes() == expected_ll.tobytes()
        assert grad.tobytes() == expected_grad.tobytes()


@settings(max_examples=150, deadline=None)
@given(customers=_triples(), shape=st.sampled_from(SHAPES))
def test_whole_days_give_the_same_predictions_as_floats_to_the_bit(customers, shape):
    """Whole days (the deck's histories) count their (x, T) pairs instead of sorting them and
    are not copied to floats: the same pairs, the same P(alive) and expectations."""
    x, t_x, T = customers
    floats = [v.astype(np.float64) for v in customers]
    pairs, inverse = _distinct_pairs(x, T)
    wanted_pairs, wanted_inverse = _distinct_pairs(floats[0], floats[2])
    assert _counted_pairs(x, T) is not None and _counted_pairs(*floats[::2]) is None
    assert inverse.tobytes() == wanted_inverse.tobytes()
    assert all(a.tobytes() == b.tobytes() for a, b in zip(pairs, wanted_pairs, strict=True))
    horizons = np.array([30.4, 365.25])
    alive = p_alive(shape, x, t_x, T)
    assert alive.tobytes() == p_alive(shape, *floats).tobytes()
    found = expected_purchases(shape, horizons, x, t_x, T)
    assert found.tobytes() == expected_purchases(shape, horizons, *floats).tobytes()
    blocks = [v for _, v in expected_purchase_blocks(shape, horizons, x, t_x, T, alive, rows=3)]
    assert np.concatenate(blocks).tobytes() == found.tobytes()


def test_pairs_spanning_too_many_cells_are_sorted():
    """A customer of 10^6 repeat purchases over 10^4 days: a table of 10^10 cells is not
    made; the sort gives the pairs."""
    x, T = np.array([0, 10**6, 0]), np.array([10**4, 10**4, 10**4])
    assert _counted_pairs(x, T) is None
    (xs, Ts), inverse = _distinct_pairs(x, T)
    assert xs.tolist() == [0.0, 1e6] and Ts.tolist() == [1e4, 1e4] and inverse.tolist() == [0, 1, 0]
