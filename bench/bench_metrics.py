"""Timings of segments, prospects, funnel and channels on 1,000,000 orders, 200,000 customers.

Run: python bench/bench_metrics.py
Uses the synthetic tables of bench_metrics_lifecycle.py, adds the customer attributes, leads and
channels sheets these analyses read, and times them; then times the other three analyses on the
same tables, so the last line is all seven together (target: under 5 s on 2 cores).
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pandas as pd
from bench_metrics_lifecycle import (
    FIRST_DAY,
    LAST_DAY,
    PERIOD,
    bench_loyalty_feedback_satisfaction,
    synthetic_tables,
)

from deckgen.config import MetricsSettings
from deckgen.data.schema import CHANNELS, GENDERS
from deckgen.data.tables import Tables
from deckgen.metrics.channels import compute_channels
from deckgen.metrics.funnel import compute_funnel
from deckgen.metrics.prospects import compute_prospects
from deckgen.metrics.segments import compute_segments

LEADS = 300_000
COUNTRIES = ("Germany", "France", "Italy", "Spain", "Austria")
INTERESTS = ("outdoor", "fitness", "travel", "fashion", "home", "tech")
INCOME_BANDS = ("low", "middle", "high")


def _pick(rng: np.random.Generator, values: tuple[str, ...], n: int) -> pd.arrays.StringArray:
    return pd.array(np.asarray(values, dtype=object)[rng.integers(0, len(values), n)], "string")


def with_acquisition_data(tables: Tables, seed: int = 1) -> Tables:
    """`tables` plus geography, demographics and interests, a leads and a channels sheet."""
    rng = np.random.default_rng(seed)
    customers = tables.customers
    n = len(customers)
    regions = tuple(f"R{k:02d}" for k in range(40))
    cities = tuple(f"City {k:03d}" for k in range(400))
    pairs = tuple(f"{a};{b}" for a in INTERESTS for b in INTERESTS if a < b)
    customers = customers.assign(
        country=_pick(rng, COUNTRIES, n),
        region=_pick(rng, regions, n),
        city=_pick(rng, cities, n),
        age=pd.array(rng.integers(16, 90, n), dtype="Int64"),
        gender=_pick(rng, GENDERS, n),
        income_band=_pick(rng, INCOME_BANDS, n),
        interests=_pick(rng, INTERESTS + pairs, n),
    )
    span = int((LAST_DAY - FIRST_DAY).astype(int)) + 1
    created = rng.integers(0, span, LEADS)
    status = np.asarray(("open", "converted", "lost"), dtype=object)[
        rng.choice(3, LEADS, p=(0.2, 0.3, 0.5))
    ]
    converted = status == "converted"
    leads = pd.DataFrame(
        {
            "lead_id": pd.array([f"L{k:07d}" for k in range(LEADS)], dtype="string"),
            "created_date": pd.Series(FIRST_DAY + created).astype("datetime64[ns]"),
            "channel": _pick(rng, CHANNELS, LEADS),
            "status": pd.array(status, dtype="string"),
            "country": _pick(rng, COUNTRIES, LEADS),
            "region": _pick(rng, regions, LEADS),
            "age": pd.array(rng.integers(18, 80, LEADS), dtype="Int64"),
            "income_band": _pick(rng, INCOME_BANDS, LEADS),
            "interest": _pick(rng, INTERESTS, LEADS),
            "converted_date": pd.Series(FIRST_DAY + created + rng.integers(0, 90, LEADS))
            .astype("datetime64[ns]")
            .where(converted),
            "customer_id": pd.Series(customers["customer_id"].take(rng.integers(0, n, LEADS)))
            .reset_index(drop=True)
            .where(converted)
            .array,
        }
    )
    months = pd.date_range(str(FIRST_DAY), str(LAST_DAY), freq="MS")
    channels = pd.DataFrame(
        {
            "month": np.repeat(months.to_numpy(), len(CHANNELS)).astype("datetime64[ns]"),
            "channel": pd.array(list(CHANNELS) * len(months), dtype="string"),
            "spend": np.round(rng.gamma(2.0, 5000.0, len(months) * len(CHANNELS)), 2),
            "reach": pd.array(rng.integers(1000, 500_000, len(months) * len(CHANNELS)), "Int64"),
        }
    )
    return replace(tables, customers=customers, leads=leads, channels=channels)


def _timed(label: str, run: object) -> tuple[float, object]:
    start = time.perf_counter()
    result = run()
    elapsed = time.perf_counter() - start
    print(f"  {label:<28} {elapsed:6.3f} s")
    return elapsed, result


def bench_segments_prospects_funnel_channels(tables: Tables) -> float:
    """Times the four acquisition-side analyses; returns their total seconds."""
    settings = MetricsSettings()
    seconds, segmentation = _timed("segments", lambda: compute_segments(tables, PERIOD, settings))
    total = seconds
    for label, run in (
        ("prospects", lambda: compute_prospects(tables, PERIOD, settings, segmentation)),
        ("funnel", lambda: compute_funnel(tables, PERIOD, settings)),
        ("channels", lambda: compute_channels(tables, PERIOD, settings)),
    ):
        total += _timed(label, run)[0]
    return total


def main() -> None:
    """Builds the tables once, times the four analyses, then all seven."""
    start = time.perf_counter()
    tables = with_acquisition_data(synthetic_tables())
    print(
        f"synthetic tables: {len(tables.orders):,} orders, {len(tables.customers):,} customers, "
        f"{len(tables.leads):,} leads ({time.perf_counter() - start:.1f} s to build)"
    )
    mine = bench_segments_prospects_funnel_channels(tables)
    print(f"segments + prospects + funnel + channels: {mine:.3f} s")
    others = bench_loyalty_feedback_satisfaction(tables)
    print(f"all seven analyses: {mine + others:.3f} s")


if __name__ == "__main__":
    main()
