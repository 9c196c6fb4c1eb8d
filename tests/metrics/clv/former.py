"""The likelihood terms and purchase history as of 4414d7d: the oracle of the exactness tests.

The fits and figures were cut for time and memory (issue 16 and 17) on the promise that every
value stays the same to the last bit (the deck shows the fitted parameters); these are the
plain expressions they were cut from, kept only to check that promise.
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln

from deckgen.metrics.clv.history import PurchaseHistory
from deckgen.metrics.clv.mle import distinct_values
from deckgen.metrics.common import CustomerOrders, PurchaseOccasions


def bgnbd_terms(
    theta: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """BG/NBD log-likelihood of each customer and its gradient in log(r, alpha, a, b)."""
    xs, at = distinct_values(np.asarray(x))
    x, t_x, T = (np.asarray(v, np.float64) for v in (x, t_x, T))
    r, alpha, a, b = np.exp(theta)
    below = np.where(xs > 0, b + xs - 1.0, 1.0)
    a12 = (gammaln(r + xs) - gammaln(r) + r * np.log(alpha) + betaln(a, b + xs) - betaln(a, b))[at]
    psi_ab, psi_abx = digamma(a + b), digamma(a + b + xs)
    d_r_x = (digamma(r + xs) - digamma(r) + np.log(alpha))[at]
    d_a_x = (psi_ab - psi_abx)[at]
    d_b_x = (psi_ab + digamma(b + xs) - digamma(b) - psi_abx)[at]
    log_a_below = (np.log(a) - np.log(below))[at]
    rx = r + x
    log_T = np.log(alpha + T)
    log_t = np.log(alpha + t_x)
    u = np.where(x > 0, log_a_below + rx * (log_T - log_t), -np.inf)
    share = expit(u)
    ll = a12 - rx * log_T + np.logaddexp(0.0, u)
    d_r = d_r_x - log_T + share * (log_T - log_t)
    d_alpha = r / alpha - rx * ((1.0 - share) / (alpha + T) + share / (alpha + t_x))
    d_a = d_a_x + share / a
    d_b = d_b_x - share / below[at]
    return ll, np.stack([d_r * r, d_alpha * alpha, d_a * a, d_b * b])


def gamma_gamma_terms(
    theta: np.ndarray, x: np.ndarray, m: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Gamma-Gamma log-density of each customer's m and its gradient in log(p, q, gamma)."""
    x, m = np.asarray(x, np.float64), np.asarray(m, np.float64)
    p, q, gamma = np.exp(theta)
    xs, at = distinct_values(x)
    pxs = p * xs
    psi_x = digamma(pxs + q)
    px = p * x
    log_m, log_x = np.log(m), np.log(x)
    log_tail = np.log(gamma + m * x)
    ll = (
        (gammaln(pxs + q) - gammaln(pxs))[at]
        - gammaln(q)
        + q * np.log(gamma)
        + (px - 1.0) * log_m
        + px * log_x
        - (px + q) * log_tail
    )
    d_p = x * ((psi_x - digamma(pxs))[at] + log_m + log_x - log_tail)
    d_q = psi_x[at] - digamma(q) + np.log(gamma) - log_tail
    d_gamma = q / gamma - (px + q) / (gamma + m * x)
    return ll, np.stack([d_p * p, d_q * q, d_gamma * gamma])


def purchase_history(
    orders: CustomerOrders, days: PurchaseOccasions, cutoff: int
) -> PurchaseHistory:
    """The repeat purchases of each customer with an order on or before day `cutoff`."""
    size = len(orders.ids)
    kept = days.day <= cutoff
    customer, day = (
        (days.customer, days.day) if kept.all() else (days.customer[kept], days.day[kept])
    )
    purchases = np.bincount(customer, minlength=size)
    codes = np.flatnonzero(purchases)
    starts = np.searchsorted(customer, codes, side="left")
    ends = np.searchsorted(customer, codes, side="right") - 1
    first, last = day[starts], day[ends]
    in_time = orders.day <= cutoff
    if in_time.all():
        who, amount, order_day = orders.customer, orders.amount, orders.day
    else:
        who, amount, order_day = (
            orders.customer[in_time],
            orders.amount[in_time],
            orders.day[in_time],
        )
    first_of = np.zeros(size, dtype=np.int64)
    first_of[codes] = first
    revenue = np.bincount(who, weights=amount, minlength=size)
    first_day_spend = np.bincount(
        who, weights=np.where(order_day == first_of[who], amount, 0.0), minlength=size
    )
    x = purchases[codes] - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        repeat_spend = np.where(x > 0, (revenue[codes] - first_day_spend[codes]) / x, np.nan)
    return PurchaseHistory(
        customer=codes,
        x=x.astype(np.int64),
        t_x=(last - first).astype(np.int64),
        T=(cutoff - first).astype(np.int64),
        repeat_spend=repeat_spend,
        revenue=revenue[codes],
    )
