"""Timings of the lifecycle metrics on synthetic data: 1,000,000 orders, 200,000 customers.

Run: python bench/bench_metrics_lifecycle.py
Every module-level function named bench_* is run on the same tables and prints its timings;
all seven analyses together must fit in 5 s on 2 cores.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from deckgen.config import MetricsSettings
from deckgen.data.schema import CHANNELS, FEEDBACK_KINDS, FEEDBACK_STATUSES, SEVERITIES
from deckgen.data.tables import Tables
from deckgen.period import Period

PERIOD = Period("gregorian", 2026, 10)
FIRST_DAY = np.datetime64("2023-11-01")  # three years of history before the period ends
LAST_DAY = np.datetime64("2026-10-31")


def synthetic_tables(orders: int = 1_000_000, customers: int = 200_000, seed: int = 0) -> Tables:
    """Seeded synthetic Tables of the given size, in the dtypes of deckgen.data.tables."""
    rng = np.random.default_rng(seed)
    span = int((LAST_DAY - FIRST_DAY).astype(int)) + 1
    ids = pd.array([f"C{n:07d}" for n in range(customers)], dtype="string")
    joined_offset = rng.integers(0, span, customers)
    # Skewed order counts: many customers buy once, a few buy very often.
    weights = rng.lognormal(0.0, 1.2, customers)
    buyer = rng.choice(customers, orders, p=weights / weights.sum())
    room = span - joined_offset[buyer]
    day_offset = joined_offset[buyer] + (room * rng.random(orders) ** 2).astype(np.int64)
    member = rng.random(customers) < 0.3
    join = FIRST_DAY + joined_offset + rng.integers(0, 60, customers)
    customer_frame = pd.DataFrame(
        {
            "customer_id": ids,
            "signup_date": pd.Series(FIRST_DAY + joined_offset).astype("datetime64[ns]"),
            "acquisition_channel": pd.array(
                np.asarray(CHANNELS, dtype=object)[rng.integers(0, len(CHANNELS), customers)],
                dtype="string",
            ),
            "loyalty_member": pd.array(member, dtype="boolean"),
            "loyalty_join_date": pd.Series(np.where(member, join, np.datetime64("NaT"))).astype(
                "datetime64[ns]"
            ),
        }
    )
    order_frame = pd.DataFrame(
        {
            "order_id": pd.array([f"O{n:08d}" for n in range(orders)], dtype="string"),
            "customer_id": pd.Series(ids).take(buyer).reset_index(drop=True),
            "order_date": pd.Series(FIRST_DAY + day_offset).astype("datetime64[ns]"),
            "amount": np.round(rng.gamma(2.0, 40.0, orders), 2),
        }
    )
    return Tables(
        customers=customer_frame,
        orders=order_frame,
        feedback=_feedback(rng, ids, span, 50_000),
        surveys=_surveys(rng, ids, span, 100_000),
        loyalty=_loyalty(rng, ids[member], span, 300_000),
    )


def _pick(rng: np.random.Generator, values: tuple[str, ...], n: int) -> pd.arrays.StringArray:
    return pd.array(np.asarray(values, dtype=object)[rng.integers(0, len(values), n)], "string")


def _dates(offsets: np.ndarray) -> pd.Series:
    return pd.Series(FIRST_DAY + offsets).astype("datetime64[ns]")


def _feedback(rng: np.random.Generator, ids: pd.array, span: int, n: int) -> pd.DataFrame:
    received = rng.integers(0, span, n)
    status = _pick(rng, FEEDBACK_STATUSES, n)
    resolved = np.where(
        np.asarray(status == "resolved"),
        received + rng.integers(0, 40, n),
        -1,
    )
    return pd.DataFrame(
        {
            "feedback_id": pd.array([f"F{k:07d}" for k in range(n)], dtype="string"),
            "date": _dates(received),
            "kind": _pick(rng, FEEDBACK_KINDS, n),
            "topic": _pick(rng, ("delivery", "payment", "product", "service", "website"), n),
            "severity": _pick(rng, SEVERITIES, n),
            "status": status,
            "customer_id": pd.Series(ids).take(rng.integers(0, len(ids), n)).array,
            "resolved_date": _dates(resolved).where(resolved >= 0),
            "text": pd.array(["Some words about the order."] * n, dtype="string"),
        }
    )


def _surveys(rng: np.random.Generator, ids: pd.array, span: int, n: int) -> pd.DataFrame:
    satisfaction = rng.integers(1, 6, n).astype(np.float64)
    recommend = np.clip(satisfaction * 2 + rng.integers(-3, 3, n), 0, 10)
    return pd.DataFrame(
        {
            "response_id": pd.array([f"S{k:07d}" for k in range(n)], dtype="string"),
            "date": _dates(rng.integers(0, span, n)),
            "satisfaction": satisfaction,
            "recommend": recommend,
            "customer_id": pd.Series(ids).take(rng.integers(0, len(ids), n)).array,
        }
    )


def _loyalty(rng: np.random.Generator, members: pd.array, span: int, n: int) -> pd.DataFrame:
    events = (
        "joined",
        "tier_change",
        "points_earned",
        "points_redeemed",
        "offer_redeemed",
        "referral",
    )
    event = _pick(rng, events, n)
    points = np.where(np.asarray(event == "points_earned"), rng.integers(10, 200, n), 0)
    points = np.where(np.asarray(event == "points_redeemed"), -rng.integers(10, 200, n), points)
    offer = _pick(rng, ("birthday_gift", "free_shipping", "double_points", "vip_event"), n)
    return pd.DataFrame(
        {
            "customer_id": pd.Series(members).take(rng.integers(0, len(members), n)).array,
            "date": _dates(rng.integers(0, span, n)),
            "event": event,
            "tier": _pick(rng, ("bronze", "silver", "gold"), n),
            "points": points.astype(np.float64),
            "offer": pd.Series(offer).where(np.asarray(event == "offer_redeemed")).array,
        }
    )


def _timed(label: str, run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    elapsed = time.perf_counter() - start
    print(f"  {label:<28} {elapsed:6.3f} s")
    return elapsed


def bench_loyalty_feedback_satisfaction(tables: Tables) -> float:
    """Times the loyalty, feedback and satisfaction analyses; returns their total seconds."""
    from deckgen.metrics.feedback import compute_feedback
    from deckgen.metrics.loyalty import compute_loyalty
    from deckgen.metrics.satisfaction import compute_satisfaction

    settings = MetricsSettings()
    # A stand-in for the RFM segments: the analyses only need a customer_id -> name map.
    ids = tables.customers["customer_id"]
    names = np.asarray(["Champions", "Loyal", "At Risk", "Lost"], dtype=object)
    segment_of = pd.Series(names[np.arange(len(ids)) % len(names)], index=ids.array)
    return sum(
        (
            _timed("loyalty", lambda: compute_loyalty(tables, PERIOD, settings, segment_of)),
            _timed("feedback", lambda: compute_feedback(tables, PERIOD, settings)),
            _timed(
                "satisfaction",
                lambda: compute_satisfaction(tables, PERIOD, settings, segment_of),
            ),
        )
    )


def main() -> None:
    """Builds the synthetic tables once and runs every bench_* function on them."""
    start = time.perf_counter()
    tables = synthetic_tables()
    print(
        f"synthetic tables: {len(tables.orders):,} orders, {len(tables.customers):,} customers "
        f"({time.perf_counter() - start:.1f} s to build)"
    )
    total = 0.0
    for name, function in sorted(globals().items()):
        if name.startswith("bench_") and callable(function):
            print(name)
            total += function(tables)
    print(f"total {total:.3f} s")


if __name__ == "__main__":
    main()
