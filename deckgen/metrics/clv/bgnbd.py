"""BG/NBD model of repeat purchases (Fader, Hardie & Lee 2005), fitted by maximum likelihood.

Notation of the paper: a customer made x repeat purchases, the last at t_x, and has been
observed for T since the first purchase. While alive, purchases follow a Poisson process of
rate lambda ~ Gamma(r, alpha); after each repeat purchase the customer drops out with
probability p ~ Beta(a, b). Time is in days (docs/metrics.md#clv-model).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from deckgen.metrics.clv.mle import MAX_ITERATIONS, ClvRefusal, Objective, distinct_rows, maximise


@dataclass(frozen=True)
class BgNbdParams:
    """BG/NBD parameters, time in days."""

    r: float  # shape of the gamma of purchase rates
    alpha: float  # days; rate of that gamma: the mean rate is r / alpha purchases a day
    a: float  # beta of the dropout probability p: first shape
    b: float  # second shape; the mean dropout probability is a / (a + b)


@dataclass(frozen=True)
class BgNbdFit:
    """A fitted BG/NBD model and what it was fitted on."""

    params: BgNbdParams
    log_likelihood: float  # natural log, summed over the customers, time in days
    customers: int  # customers fitted
    distinct_triples: int  # distinct (x, t_x, T): the likelihood's terms
    iterations: int  # L-BFGS-B iterations
    same_rate: bool  # r reached its cap: every customer buys at one rate while alive
    same_dropout: bool  # a + b reached its cap: one dropout probability for every customer


def log_likelihood(
    params: BgNbdParams, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """Each customer's log-likelihood (FHL 2005, eq. 6), x, t_x and T in days."""
    theta = np.log([params.r, params.alpha, params.a, params.b])
    return _terms(theta, _Customers.of(x, t_x, T))[0]


def fit_bgnbd(
    x: np.ndarray, t_x: np.ndarray, T: np.ndarray, max_iterations: int = MAX_ITERATIONS
) -> BgNbdFit | ClvRefusal:
    """The maximum-likelihood BG/NBD fit of customers' (x, t_x, T) in days, or why there is none."""
    (x, t_x, T), weight = distinct_rows(x, t_x, T)
    scale = float(np.average(T, weights=weight))  # days; the data is fitted in units of it
    customers = _Customers.of(x, t_x / scale, T / scale)
    total = float(weight.sum())
    rate = max(float((weight * x).sum() / (weight * customers.T).sum()), 1e-3)
    start = np.array([0.0, np.log(rate), np.log(2.0), 0.0])  # r = 1, a = b = 1
    estimate = maximise(_objective(customers, weight), start, total, _MAY_REACH_CAP, max_iterations)
    if isinstance(estimate, ClvRefusal):
        return estimate
    r, alpha, a, b = _params(np.asarray(estimate.theta))
    # Rescaling time by `scale` multiplies each purchase time's density by 1/scale.
    log_lik = estimate.log_likelihood - float((weight * x).sum()) * np.log(scale)
    return BgNbdFit(
        params=BgNbdParams(r=r, alpha=alpha * scale, a=a, b=b),
        log_likelihood=float(log_lik),
        customers=int(total),
        distinct_triples=len(x),
        iterations=estimate.iterations,
        same_rate=estimate.at_cap[0],
        same_dropout=estimate.at_cap[2],
    )


def p_alive(params: BgNbdParams, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """P(still a customer at T | x, t_x, T) (FHL 2005, eq. 13); 1 when x = 0."""
    return expit(-_log_dropout_odds(params, x, t_x, T))


def expected_purchases(
    params: BgNbdParams, horizons: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """E[purchases in (T, T + t]] for each customer (rows) and horizon t in days (columns).

    FHL 2005, eq. 10; x = t_x = T = 0 gives E[X(t)] of a new customer (eq. 9).
    """
    horizons = np.atleast_1d(np.asarray(horizons, dtype=np.float64))
    (xs, Ts), inverse = _distinct_pairs(x, T)
    growth = _purchases_if_alive(params, horizons, xs, Ts)
    return growth[inverse] * p_alive(params, x, t_x, T)[:, None]


def _purchases_if_alive(
    params: BgNbdParams, horizons: np.ndarray, x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """E[purchases in (T, T + t]] of a customer known to be alive at T, by (x, T) and t.

    Eq. 10 without its P(alive) factor: c / (a - 1) (1 - (1 - z)^(r + x) F) with
    F = 2F1(r + x, b + x; c; z), c = a + b + x - 1, z = t / (alpha + T + t). scipy's 2F1
    overflows in parts of the space the fits reach, so F is first taken through Euler's
    transformation, (1 - z)^(r + x) F = (1 - z)^(a - 1) 2F1(a + b - 1 - r, a - 1; c; z), whose
    terms stay small for large x; where that fails (a in the thousands: no spread in the
    dropout probability) the direct form is used, which is well behaved there. A value is
    accepted only within the expectation's bounds, 1 - (1 + u)^-(r + x) <= E <= (r + x) u
    with u = t / (alpha + T); NaN where neither form gives one (then the fit is refused).
    """
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    if abs(a - 1.0) < 1e-7:  # a = 1 is a removable 0/0; a nudge far below any estimate's error
        a = 1.0 + 1e-7
    c = (a + b + x - 1.0)[:, None]
    rx = (r + x)[:, None]
    z = horizons[None, :] / (alpha + T[:, None] + horizons[None, :])
    u = horizons[None, :] / (alpha + T[:, None])
    low, high = -np.expm1(-rx * np.log1p(u)), rx * u
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        found = (
            c / (a - 1.0) * (1.0 - (1.0 - z) ** (a - 1.0) * hyp2f1(a + b - 1.0 - r, a - 1.0, c, z))
        )
        bad = ~((found >= low * (1 - 1e-9)) & (found <= high * (1 + 1e-9)))
        if bad.any():
            rows = np.nonzero(bad)[0]
            zb, cb, xb = z[bad], c[rows, 0], x[rows]
            direct = (
                cb / (a - 1.0) * (1.0 - (1.0 - zb) ** (r + xb) * hyp2f1(r + xb, b + xb, cb, zb))
            )
            fits = (direct >= low[bad] * (1 - 1e-9)) & (direct <= high[bad] * (1 + 1e-9))
            found[bad] = np.where(fits, direct, np.nan)
    return found


def _log_dropout_odds(
    params: BgNbdParams, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """log(P(dropped out) / P(alive)); -inf when x = 0 (no chance to drop out yet)."""
    repeat = x > 0
    odds = np.full(len(x), -np.inf)
    xr = x[repeat]
    odds[repeat] = (
        np.log(params.a)
        - np.log(params.b + xr - 1.0)
        + (params.r + xr) * (np.log(params.alpha + T[repeat]) - np.log(params.alpha + t_x[repeat]))
    )
    return odds


def _distinct_pairs(
    x: np.ndarray, T: np.ndarray
) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """The distinct (x, T) pairs and the index of each customer's pair."""
    size = float(np.max(T, initial=0.0)) + 1.0
    keys, inverse = np.unique(x * size + T, return_inverse=True)
    # T may be fractional (scaled time), so the pair is found again from its first customer.
    first = np.zeros(len(keys), dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(x))[::-1]
    return (x[first].astype(np.float64), T[first].astype(np.float64)), inverse


@dataclass(frozen=True)
class _Customers:
    """Customers' (x, t_x, T), with the distinct x values the per-x terms are computed on."""

    x: np.ndarray  # repeat purchases, float
    t_x: np.ndarray
    T: np.ndarray
    repeat: np.ndarray  # x > 0
    xs: np.ndarray  # distinct x values
    x_index: np.ndarray  # position of each customer's x in xs

    @classmethod
    def of(cls, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> _Customers:
        """The customers of arrays x, t_x, T (same length, any unit of time)."""
        xs, x_index = np.unique(x, return_inverse=True)
        x = np.asarray(x, dtype=np.float64)
        return cls(x, np.asarray(t_x, np.float64), np.asarray(T, np.float64), x > 0, xs, x_index)


def _terms(theta: np.ndarray, c: _Customers) -> tuple[np.ndarray, np.ndarray]:
    """Log-likelihood of each customer and its gradient in theta = log(r, alpha, a, b)."""
    r, alpha, a, b = np.exp(theta)
    xs, at = c.xs, c.x_index
    # L = B(a, b+x)/B(a, b) Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
    #   + [x > 0] B(a+1, b+x-1)/B(a, b) Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x))
    #   = exp(A1 + A2 + A3) (1 + [x > 0] exp(u)), with B(a+1, b+x-1)/B(a, b+x) = a/(b+x-1):
    # A1 = log Γ(r+x) - log Γ(r) + r log α, A2 = log B(a, b+x) - log B(a, b),
    # A3 = -(r+x) log(α+T), u = log a - log(b+x-1) + (r+x) (log(α+T) - log(α+t_x)).
    # Terms that depend on x alone are computed once per distinct x (a few dozen values).
    below = np.where(xs > 0, b + xs - 1.0, 1.0)
    a12 = (gammaln(r + xs) - gammaln(r) + r * np.log(alpha) + betaln(a, b + xs) - betaln(a, b))[at]
    psi_ab, psi_abx = digamma(a + b), digamma(a + b + xs)
    d_r_x = (digamma(r + xs) - digamma(r) + np.log(alpha))[at]
    d_a_x = (psi_ab - psi_abx)[at]
    d_b_x = (psi_ab + digamma(b + xs) - digamma(b) - psi_abx)[at]
    log_a_below = (np.log(a) - np.log(below))[at]
    rx = r + c.x
    log_T = np.log(alpha + c.T)
    log_t = np.log(alpha + c.t_x)
    u = np.where(c.repeat, log_a_below + rx * (log_T - log_t), -np.inf)
    share = expit(u)  # weight of the "dropped out after t_x" term; 0 when x = 0
    ll = a12 - rx * log_T + np.logaddexp(0.0, u)
    d_r = d_r_x - log_T + share * (log_T - log_t)
    d_alpha = r / alpha - rx * ((1.0 - share) / (alpha + c.T) + share / (alpha + c.t_x))
    d_a = d_a_x + share / a
    d_b = d_b_x - share / below[at]
    return ll, np.stack([d_r * r, d_alpha * alpha, d_a * a, d_b * b])


# The optimiser's parameters: theta = (log r, log(r / alpha), log(a + b), log(a / b)), the
# mean purchase rate and mean dropout odds apart from the spread around them, so that a data
# set without heterogeneity sends one parameter, r or a + b, to its cap and nothing else.
_MAY_REACH_CAP = (True, False, True, False)


def _params(theta: np.ndarray) -> tuple[float, float, float, float]:
    """(r, alpha, a, b) of the optimiser's parameters."""
    log_r, log_rate, log_size, log_odds = theta
    share = float(expit(log_odds))  # a / (a + b)
    size = float(np.exp(log_size))
    return float(np.exp(log_r)), float(np.exp(log_r - log_rate)), size * share, size * (1 - share)


def _objective(customers: _Customers, weight: np.ndarray) -> Objective:
    """Mean negative log-likelihood of weighted customers and its gradient in theta."""
    total = float(weight.sum())

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        r, alpha, a, b = _params(theta)
        ll, grad = _terms(np.log([r, alpha, a, b]), customers)
        # Weighted sums without BLAS: OpenBLAS threads on a busy machine cost more than the sums.
        g_r, g_alpha, g_a, g_b = (grad * weight).sum(axis=1)
        share = a / (a + b)
        chained = np.array([g_r + g_alpha, -g_alpha, g_a + g_b, g_a * (1 - share) - g_b * share])
        return -float((weight * ll).sum()) / total, -chained / total

    return objective
