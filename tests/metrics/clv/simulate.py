"""Customers drawn from the BG/NBD and Gamma-Gamma models with known parameters; gradients."""

from __future__ import annotations

import numpy as np

from deckgen.metrics.clv.bgnbd import BgNbdParams
from deckgen.metrics.clv.gamma_gamma import GammaGammaParams


def simulate_bgnbd(
    params: BgNbdParams, ages: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, t_x, T) of customers observed for `ages` days (floats, whole days not required).

    Each draws lambda ~ Gamma(r, rate alpha) and p ~ Beta(a, b), buys at Poisson rate lambda
    and, after each repeat purchase, drops out with probability p (FHL 2005, section 2).
    """
    n = len(ages)
    rate = rng.gamma(params.r, 1.0 / params.alpha, n)
    dropout = rng.beta(params.a, params.b, n)
    x = np.zeros(n, dtype=np.int64)
    last = np.zeros(n)
    alive = np.ones(n, dtype=bool)
    while alive.any():
        who = np.flatnonzero(alive)
        when = last[who] + rng.exponential(1.0 / rate[who])
        late = when > ages[who]
        alive[who[late]] = False
        who, when = who[~late], when[~late]
        x[who] += 1
        last[who] = when
        alive[who[rng.random(len(who)) < dropout[who]]] = False
    return x, last, np.asarray(ages, dtype=np.float64)


def simulate_spend(params: GammaGammaParams, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Mean spend of each customer's x >= 1 purchases.

    Each purchase is worth z ~ Gamma(p, rate nu), with nu ~ Gamma(q, rate gamma) per customer.
    """
    nu = rng.gamma(params.q, 1.0 / params.gamma, len(x))
    # The mean of x independent Gamma(p, nu) draws is Gamma(p x, rate nu x).
    return rng.gamma(params.p * x, 1.0 / (nu * x))


def central_differences(objective, theta: np.ndarray, step: float = 1e-5) -> np.ndarray:
    """The gradient of objective(theta)[0] by central differences (error ~ step^2)."""
    grad = np.empty(len(theta))
    for k in range(len(theta)):
        shift = np.zeros(len(theta))
        shift[k] = step
        grad[k] = (objective(theta + shift)[0] - objective(theta - shift)[0]) / (2 * step)
    return grad
