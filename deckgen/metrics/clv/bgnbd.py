"""BG/NBD model of repeat purchases (Fader, Hardie & Lee 2005), fitted by maximum likelihood.

Notation of the paper: a customer made x repeat purchases, the last at t_x, and has been
observed for T since the first purchase. While alive, purchases follow a Poisson process of
rate lambda ~ Gamma(r, alpha); after each repeat purchase the customer drops out with
probability p ~ Beta(a, b). Time is in days (docs/metrics.md#clv-model).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from deckgen.metrics.clv.mle import (
    MAX_ITERATIONS,
    ClvRefusal,
    Objective,
    distinct_rows,
    distinct_values,
    maximise,
)

_NEAR = 1e-4  # how close to a removable 0/0 of the expectation counts as on it
_SLACK = 1e-4  # relative rounding allowed at the expectation's bounds
_PAIR_CELLS = 1 << 20  # pairs counted in a table whatever the customers: 8 MB
BLOCK_ROWS = 65_536  # customers per block of expected_purchase_blocks: 6 MB a table of 12 months


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
    """Each customer's log-likelihood (FHL 2005), x, t_x and T in days."""
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
    """P(still a customer at T | x, t_x, T) under BG/NBD; 1 when x = 0."""
    from scipy.special import expit  # lazy: 0.25 s, only for a fit

    return expit(-_log_dropout_odds(params, x, t_x, T))


def expected_purchases(
    params: BgNbdParams, horizons: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """E[purchases in (T, T + t]] for each customer (rows) and horizon t in days (columns).

    FHL 2005's conditional expectation; x = t_x = T = 0 gives E[X(t)] of a new customer.
    """
    growth, inverse = _growth_by_pair(params, horizons, x, T)
    return growth[inverse] * p_alive(params, x, t_x, T)[:, None]


def expected_purchase_blocks(
    params: BgNbdParams,
    horizons: np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    alive: np.ndarray,
    rows: int = BLOCK_ROWS,
) -> Iterator[tuple[slice, np.ndarray]]:
    """expected_purchases by blocks of `rows` customers, the same values (`alive`: their
    p_alive): the table of every customer by horizon is never held at once."""
    growth, inverse = _growth_by_pair(params, horizons, x, T)
    for start in range(0, len(x), rows):
        block = slice(start, start + rows)
        yield block, growth[inverse[block]] * alive[block, None]


def _growth_by_pair(
    params: BgNbdParams, horizons: np.ndarray, x: np.ndarray, T: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """_purchases_if_alive of each distinct (x, T) pair (rows) and horizon, and each
    customer's pair."""
    horizons = np.atleast_1d(np.asarray(horizons, dtype=np.float64))
    (xs, Ts), inverse = _distinct_pairs(x, T)
    return _purchases_if_alive(params, horizons, xs, Ts), inverse


def _purchases_if_alive(
    params: BgNbdParams, horizons: np.ndarray, x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """E[purchases in (T, T + t]] of a customer known to be alive at T, by (x, T) and t.

    The conditional expectation without its P(alive) factor. The formula has two removable
    0/0 points, a = 1 and c = a + b + x - 1 = 0 (x = 0 and a + b = 1); near them it is
    interpolated between points 1e-4 either side, an error of order 1e-8, where evaluating it
    there would lose every digit.
    """
    if abs(params.a - 1.0) >= _NEAR:
        return _away_from_c_zero(params, horizons, x, T)
    below = _away_from_c_zero(replace(params, a=1.0 - _NEAR), horizons, x, T)
    above = _away_from_c_zero(replace(params, a=1.0 + _NEAR), horizons, x, T)
    return below + (params.a - 1.0 + _NEAR) / (2 * _NEAR) * (above - below)


def _away_from_c_zero(
    params: BgNbdParams, horizons: np.ndarray, x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """The expectation without P(alive), interpolated in b where c = a + b + x - 1 is near 0."""
    found = _closed_form_if_alive(params, horizons, x, T)
    c = params.a + params.b - 1.0  # the rows near c = 0 all have x = 0
    near = (x == 0) & (abs(c) < _NEAR)
    if near.any():
        below = _closed_form_if_alive(
            replace(params, b=params.b - c - _NEAR), horizons, x[near], T[near]
        )
        above = _closed_form_if_alive(
            replace(params, b=params.b - c + _NEAR), horizons, x[near], T[near]
        )
        found[near] = below + (c + _NEAR) / (2 * _NEAR) * (above - below)
    return found


def _closed_form_if_alive(
    params: BgNbdParams, horizons: np.ndarray, x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """The expectation without P(alive) away from a = 1 and c = 0: c/(a-1) (1 - (1-z)^(r+x) F).

    F = 2F1(r + x, b + x; c; z), c = a + b + x - 1, z = t / (alpha + T + t). scipy's 2F1
    overflows or returns inf in parts of the space the fits reach, so three equal forms of
    (1 - z)^(r + x) F are tried in turn: Euler's transformation (1 - z)^(a - 1)
    2F1(a + b - 1 - r, a - 1; c; z), whose terms stay small for large x; the direct form,
    well behaved for a in the thousands; and Pfaff's, 2F1(r + x, a - 1; c; -u) with
    u = t / (alpha + T). A value is accepted only within the expectation's bounds,
    1 - (1 + u)^-(r + x) <= E <= (r + x) u, give or take the rounding of c / (a - 1) times a
    difference (up to 1e-5 near a = 1 with b at its cap). Where no form gives one (scipy
    returns inf for 2F1(1, 2; 101; 0.909)), the expectation is integrated numerically.
    """
    from scipy.special import hyp2f1  # lazy: 0.25 s, only for a fit

    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    horizons, x, T = np.broadcast_arrays(horizons[None, :], x[:, None], T[:, None])
    c = a + b + x - 1.0
    z = horizons / (alpha + T + horizons)
    u = horizons / (alpha + T)
    forms = (
        lambda k: (1.0 - z[k]) ** (a - 1.0) * hyp2f1(a + b - 1.0 - r, a - 1.0, c[k], z[k]),
        lambda k: (1.0 - z[k]) ** (r + x[k]) * hyp2f1(r + x[k], b + x[k], c[k], z[k]),
        lambda k: hyp2f1(r + x[k], a - 1.0, c[k], -u[k]),
    )
    low, high = -np.expm1(-(r + x) * np.log1p(u)), (r + x) * u
    found = np.full(c.shape, np.nan)
    todo = np.ones(c.shape, dtype=bool)
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        for form in forms:
            value = c[todo] / (a - 1.0) * (1.0 - form(todo))
            fits = (value >= low[todo] * (1 - _SLACK)) & (value <= high[todo] * (1 + _SLACK))
            rows = np.flatnonzero(todo.ravel())[fits]
            found.ravel()[rows] = value[fits]
            todo.ravel()[rows] = False
            if not todo.any():
                break
    if todo.any():
        found[todo] = _integrated(params, horizons[todo], x[todo], T[todo])
    return np.clip(found, low, high)


def _integrated(
    params: BgNbdParams, horizons: np.ndarray, x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """E[(1 - (1 + p u)^-(r + x)) / p] over p ~ Beta(a, b + x), u = t / (alpha + T).

    The active customer's expected purchases, by tanh-sinh quadrature over the Beta's
    quantiles v, p = F^-1(v): the integrand is bounded and smooth inside (0, 1), and the
    quadrature takes the ends, where the quantile function may be singular, in its stride.
    """
    from scipy.special import betaincinv  # lazy: 0.25 s, only for a fit

    step = 1.0 / 16
    s = np.arange(-4.0, 4.0 + step / 2, step)
    inner = 0.5 * np.pi * np.sinh(s)
    v = 0.5 * (1.0 + np.tanh(inner))
    weight = step * 0.25 * np.pi * np.cosh(s) / np.cosh(inner) ** 2
    p = betaincinv(params.a, params.b + x[:, None], v[None, :])
    k = (params.r + x)[:, None]
    u = (horizons / (params.alpha + T))[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.where(p > 0, -np.expm1(-k * np.log1p(p * u)) / p, k * u)
    return (g * weight).sum(axis=1) / weight.sum()


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
    """The distinct (x, T) pairs, ordered by x then T, and the index of each customer's pair."""
    counted = _counted_pairs(x, T)
    if counted is not None:
        return counted
    size = float(np.max(T, initial=0.0)) + 1.0
    keys, inverse = distinct_values(x * size + T)
    # T may be fractional (scaled time), so each pair is read back from its first customer.
    first = np.zeros(len(keys), dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(x))[::-1]
    return (x[first].astype(np.float64), T[first].astype(np.float64)), inverse


def _counted_pairs(
    x: np.ndarray, T: np.ndarray
) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray] | None:
    """_distinct_pairs of whole days by counting each pair, without a sort; None when they
    are not whole days or span more pairs than a few arrays of customers."""
    if x.dtype.kind not in "iu" or T.dtype.kind not in "iu" or len(x) == 0:
        return None
    if min(int(x.min()), int(T.min())) < 0:
        return None
    width = int(T.max()) + 1
    cells = (int(x.max()) + 1) * width
    if cells > 4 * len(x) + _PAIR_CELLS:
        return None
    key = x.astype(np.int64, copy=False) * width + T.astype(np.int64, copy=False)
    present = np.bincount(key, minlength=cells) > 0
    pairs = np.flatnonzero(present)
    rank = np.cumsum(present) - 1
    inverse = rank[key]
    return ((pairs // width).astype(np.float64), (pairs % width).astype(np.float64)), inverse


@dataclass(frozen=True)
class _Customers:
    """Customers' (x, t_x, T), with the distinct x values the per-x terms are computed on."""

    x: np.ndarray  # repeat purchases, float
    t_x: np.ndarray
    T: np.ndarray
    repeat: np.ndarray  # x > 0
    xs: np.ndarray  # distinct x values
    x_index: np.ndarray  # position of each customer's x in xs
    # Customers of each distinct x when they come sorted by x (a fit's distinct rows do):
    # a per-x term is then repeated into place, not gathered. None otherwise.
    x_runs: np.ndarray | None

    @classmethod
    def of(cls, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> _Customers:
        """The customers of arrays x, t_x, T (same length, any unit of time)."""
        xs, x_index = distinct_values(np.asarray(x))
        runs = None
        if np.all(x_index[1:] >= x_index[:-1]):
            runs = np.bincount(x_index, minlength=len(xs))
        x = np.asarray(x, dtype=np.float64)
        return cls(
            x, np.asarray(t_x, np.float64), np.asarray(T, np.float64), x > 0, xs, x_index, runs
        )

    def spread(self, per_x: np.ndarray) -> np.ndarray:
        """Each customer's value of `per_x` (rows: values by distinct x, in the last axis)."""
        if self.x_runs is None:
            return per_x[..., self.x_index]
        return np.repeat(per_x, self.x_runs, axis=-1)


def _terms(theta: np.ndarray, c: _Customers) -> tuple[np.ndarray, np.ndarray]:
    """Log-likelihood of each customer and its gradient in theta = log(r, alpha, a, b)."""
    from scipy.special import betaln, digamma, expit, gammaln  # lazy: 0.25 s, only for a fit

    r, alpha, a, b = np.exp(theta)
    xs = c.xs
    # L = B(a, b+x)/B(a, b) Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
    #   + [x > 0] B(a+1, b+x-1)/B(a, b) Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x))
    #   = exp(A1 + A2 + A3) (1 + [x > 0] exp(u)), with B(a+1, b+x-1)/B(a, b+x) = a/(b+x-1):
    # A1 = log Γ(r+x) - log Γ(r) + r log α, A2 = log B(a, b+x) - log B(a, b),
    # A3 = -(r+x) log(α+T), u = log a - log(b+x-1) + (r+x) (log(α+T) - log(α+t_x)).
    # Terms that depend on x alone are computed once per distinct x (a few dozen values).
    # The customers' arrays are written in place, each value by the same operations as the
    # plain expressions in the comments (the fits must not move by a bit: the deck shows them).
    below = np.where(xs > 0, b + xs - 1.0, 1.0)
    psi_ab, psi_abx = digamma(a + b), digamma(a + b + xs)
    a12, d_r_x, d_a_x, d_b_x, log_a_below, below_x = c.spread(
        np.stack(
            [
                gammaln(r + xs) - gammaln(r) + r * np.log(alpha) + betaln(a, b + xs) - betaln(a, b),
                digamma(r + xs) - digamma(r) + np.log(alpha),
                psi_ab - psi_abx,
                psi_ab + digamma(b + xs) - digamma(b) - psi_abx,
                np.log(a) - np.log(below),
                below,
            ]
        )
    )
    rx = r + c.x
    big_T = alpha + c.T
    big_t = alpha + c.t_x
    log_T = np.log(big_T)
    gap = np.log(big_t)
    np.subtract(log_T, gap, out=gap)  # log(α+T) - log(α+t_x)
    u = rx * gap
    u += log_a_below  # u = log_a_below + rx * gap
    np.copyto(u, -np.inf, where=~c.repeat)
    share = expit(u)  # weight of the "dropped out after t_x" term; 0 when x = 0
    ll = np.logaddexp(0.0, u, out=u)
    ll += np.subtract(a12, rx * log_T, out=a12)  # a12 - rx * log_T + logaddexp(0, u)
    grad = np.empty((4, len(c.x)))
    d_r = np.subtract(d_r_x, log_T, out=grad[0])
    d_r += np.multiply(share, gap, out=gap)  # d_r_x - log_T + share * gap
    d_r *= r
    # d_alpha = r / alpha - rx * ((1 - share) / (α+T) + share / (α+t_x))
    d_alpha = np.subtract(1.0, share, out=grad[1])
    d_alpha /= big_T
    d_alpha += np.divide(share, big_t, out=big_t)
    d_alpha *= rx
    np.subtract(r / alpha, d_alpha, out=d_alpha)
    d_alpha *= alpha
    d_a = np.divide(share, a, out=grad[2])
    np.add(d_a_x, d_a, out=d_a)  # d_a_x + share / a
    d_a *= a
    d_b = np.divide(share, below_x, out=grad[3])
    np.subtract(d_b_x, d_b, out=d_b)  # d_b_x - share / below
    d_b *= b
    return ll, grad


# The optimiser's parameters: theta = (log r, log(r / alpha), log(a + b), log(a / b)), the
# mean purchase rate and mean dropout odds apart from the spread around them, so that a data
# set without heterogeneity sends one parameter, r or a + b, to its cap and nothing else.
_MAY_REACH_CAP = (True, False, True, False)


def _params(theta: np.ndarray) -> tuple[float, float, float, float]:
    """(r, alpha, a, b) of the optimiser's parameters."""
    from scipy.special import expit  # lazy: 0.25 s, only for a fit

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
        grad *= weight
        g_r, g_alpha, g_a, g_b = grad.sum(axis=1)
        share = a / (a + b)
        chained = np.array([g_r + g_alpha, -g_alpha, g_a + g_b, g_a * (1 - share) - g_b * share])
        return -float((weight * ll).sum()) / total, -chained / total

    return objective
