"""Maximum likelihood on log-parameters with L-BFGS-B, and the reasons a fit is refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

# Log-parameters live in [-LOG_BOUND, LOG_BOUND]: every parameter is fitted on data scaled to
# a mean of 1 (time by the mean age, spend by the mean spend), so e^±12 (1.6e5 either way) is
# far beyond any plausible estimate, and an estimate that ends there is not identified.
LOG_BOUND = 12.0
_AT_BOUND = 1e-3  # within this of a log-bound counts as on it
MAX_ITERATIONS = 500


class ClvRefusal(StrEnum):
    """Why the predictive models were not fitted (docs/metrics.md#clv-refusal)."""

    NO_ORDERS = "no_orders"  # no order by the cut-off day
    ONE_DAY = "one_day"  # every order is dated the same day
    NO_REPEAT_CUSTOMERS = "no_repeat_customers"  # nobody ordered on two different days
    TOO_FEW_REPEAT_CUSTOMERS = "too_few_repeat_customers"  # fewer than MIN_REPEAT_CUSTOMERS
    NO_REPEAT_SPEND = "no_repeat_spend"  # too few repeat customers with a positive spend
    NOT_CONVERGED = "not_converged"  # the optimiser stopped without converging
    PARAMETER_AT_BOUND = "parameter_at_bound"  # an estimate runs off to 0 or infinity
    SPEND_MEAN_UNDEFINED = "spend_mean_undefined"  # Gamma-Gamma q <= 1: no finite mean spend


@dataclass(frozen=True)
class Estimate:
    """A converged maximum-likelihood estimate in the optimiser's parameters (mostly logs)."""

    theta: tuple[float, ...]  # the optimiser's parameters at the maximum
    at_cap: tuple[bool, ...]  # per parameter: True when it ended on its upper cap
    log_likelihood: float  # natural log, summed over the customers
    iterations: int  # L-BFGS-B iterations


# f(theta) -> (mean negative log-likelihood, its gradient in theta)
Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]


def maximise(
    objective: Objective,
    start: np.ndarray,
    total_weight: float,
    may_reach_cap: tuple[bool, ...],
    max_iterations: int = MAX_ITERATIONS,
) -> Estimate | ClvRefusal:
    """The maximum of a likelihood given as `objective` on theta in [-LOG_BOUND, LOG_BOUND].

    A parameter may end on its upper cap only where `may_reach_cap` says so (a limit of the
    model that still predicts, such as no heterogeneity); any other bound is a refusal.
    `total_weight` (the customers) turns the mean log-likelihood back into a sum.
    """
    from scipy.optimize import minimize  # lazy: 0.25 s, only for a fit

    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        result = minimize(
            objective,
            np.clip(start, -LOG_BOUND + 1, LOG_BOUND - 1),
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": max_iterations},
        )
    theta = np.asarray(result.x, dtype=np.float64)
    if not result.success or not np.all(np.isfinite(theta)) or not np.isfinite(result.fun):
        return ClvRefusal.NOT_CONVERGED
    at_upper = theta > LOG_BOUND - _AT_BOUND
    at_lower = theta < -LOG_BOUND + _AT_BOUND
    if np.any(at_lower) or np.any(at_upper & ~np.asarray(may_reach_cap)):
        return ClvRefusal.PARAMETER_AT_BOUND
    return Estimate(
        theta=tuple(float(v) for v in theta),
        at_cap=tuple(bool(v) for v in at_upper),
        log_likelihood=-float(result.fun) * total_weight,
        iterations=int(result.nit),
    )


def distinct_values(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct values of `keys` and the position of each key among them."""
    # A sort, not np.unique: numpy 2's hashing unique is many times slower on these arrays.
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    inverse = np.empty(len(keys), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def distinct_rows(*columns: np.ndarray) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """The distinct rows of equal-length non-negative integer `columns`, and their counts."""
    # One mixed-radix int64 key per row; days and purchase counts are far too small to overflow.
    sizes = [int(c.max()) + 1 if len(c) else 1 for c in columns]
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for column, size in zip(columns, sizes, strict=True):
        key = key * size + column
    keys, inverse = distinct_values(key)
    counts = np.bincount(inverse, minlength=len(keys)).astype(np.float64)
    rows = []
    for size in reversed(sizes):
        rows.append(keys % size)
        keys = keys // size
    return tuple(reversed(rows)), counts
