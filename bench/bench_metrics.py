"""Bench: every analysis of the deck on a sample-shaped client of 1,000,000 orders.

The data is what the sample generator makes (all seven sheets in the sample's proportions: about
455,000 customers, 2.9 million leads, the channels, feedback, surveys and loyalty club for 1M
orders), written once as a folder of .parquet files (cached, shared with bench_render.py) and
loaded through deckgen's loader, so the analyses see the tables a render gives them. Times the
shared per-customer intermediates, each analysis, and `compute_metrics` as a whole (target:
under 5 s on 2 cores), best of --repeat. Prints figures; asserts nothing.

    python bench/bench_metrics.py [--orders 1000000] [--repeat 3] [--cache DIR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_render import _best, big_source
from bench_report import row

from deckgen.config import Settings
from deckgen.data.load import load_tables
from deckgen.metrics.channels import compute_channels
from deckgen.metrics.clv import compute_clv
from deckgen.metrics.feedback import compute_feedback
from deckgen.metrics.funnel import compute_funnel
from deckgen.metrics.lifecycle import compute_metrics
from deckgen.metrics.loyalty import compute_loyalty
from deckgen.metrics.prospects import compute_prospects
from deckgen.metrics.satisfaction import compute_satisfaction
from deckgen.metrics.segments import compute_segments
from deckgen.metrics.shared import compute_shared
from deckgen.pipeline import resolve_period

TARGET_S = 5.0


def main() -> None:
    """Load the client once, time each analysis and all of them together."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "deckgen-bench-cache",
        help="where the generated data is kept between runs",
    )
    args = parser.parse_args()
    source = big_source(args.orders, args.cache)
    settings = Settings()
    began = time.perf_counter()
    tables = load_tables(source, settings)
    period = resolve_period(None, tables, settings)
    sizes = ", ".join(
        f"{name} {len(getattr(tables, name)):,}"
        for name in ("customers", "orders", "leads", "channels", "feedback", "surveys", "loyalty")
        if getattr(tables, name, None) is not None
    )
    print(
        f"sample-shaped client, {period.key}: {sizes} (loaded in {time.perf_counter() - began:.1f} s)"
    )
    metrics = settings.metrics
    shared = compute_shared(tables, period, metrics)
    segmentation = compute_segments(tables, period, metrics, shared.rfm)
    parts: dict[str, Callable[[], object]] = {
        "shared intermediates": lambda: compute_shared(tables, period, metrics),
        "segments": lambda: compute_segments(tables, period, metrics, shared.rfm),
        "prospects": lambda: compute_prospects(
            tables, period, metrics, segmentation, shared.rfm, shared.channel_of
        ),
        "funnel": lambda: compute_funnel(tables, period, metrics),
        "channels": lambda: compute_channels(tables, period, metrics, shared.channel_of),
        "loyalty": lambda: compute_loyalty(tables, period, metrics, shared.segment_of),
        "customer value (CLV)": lambda: compute_clv(
            tables, period, metrics, shared.segment_of, shared.channel_of
        ),
        "feedback": lambda: compute_feedback(tables, period, metrics),
        "satisfaction": lambda: compute_satisfaction(tables, period, metrics, shared.segment_of),
    }
    for label, action in parts.items():
        print(f"  {label:<24} {_best(action, args.repeat):6.3f} s")
    total = _best(lambda: compute_metrics(tables, period, metrics), args.repeat)
    verdict = "ok" if total < TARGET_S else "OVER TARGET"
    print(f"  {'all (compute_metrics)':<24} {total:6.3f} s  < {TARGET_S:g} s {verdict}")
    row(
        f"all the analyses (`compute_metrics`, with the customer-value fits), a sample-shaped "
        f"client of {len(tables.orders):,} orders, {len(tables.customers):,} customers and "
        f"{len(tables.leads):,} leads, best of {args.repeat}",
        f"{total:.1f} s",
        f"< {TARGET_S:g} s",
    )


if __name__ == "__main__":
    main()
