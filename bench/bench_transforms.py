"""Bench: the cost of the transforms of deckgen.toml, beside the plain load of the same data.

The input is the sample generator's seven sheets with about 300,000 orders. The plain load reads
and validates them with no transform configured (the transforms then return at once, without
importing DuckDB). The same orders are then written as invoice lines, each order split into 1 to
4 lines (about 2.5 on average) with a quantity and a unit price, and loaded three ways: with
`order_lines = true` alone; with the invoice recipe's `compute`, `where` and `order_lines`; and
with `returns` added (2% of the orders have a cancellation line). Prints figures; asserts nothing.

    python bench/bench_transforms.py [--orders 300000] [--repeat 3] [--form csv|xlsx]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
from bench_report import row

from deckgen.config import Settings
from deckgen.data.load import read_source
from deckgen.data.sample import generate_sample, write_workbook
from deckgen.data.transform import transform_source
from deckgen.data.validate import validate_read

ORDERS_PER_CUSTOMER = 2.1  # about what the generator gives; the orders are then cut to size
LINE_WEIGHTS = np.array([0.2, 0.3, 0.3, 0.2])  # 1, 2, 3 or 4 lines: 2.5 on average
RETURNED = 0.02  # share of the orders cancelled by a return line
CONFIGS = {
    "order_lines only": {"orders": {"order_lines": True}},
    "compute + where + order_lines": {
        "orders": {
            "columns": {"amount": "LineAmount"},
            "where": "customer_id IS NOT NULL AND Description <> 'TOTAL'",
            "compute": {"LineAmount": "Quantity * UnitPrice"},
            "order_lines": True,
        }
    },
    "... + returns (net)": {
        "orders": {
            "columns": {"amount": "LineAmount"},
            "where": "customer_id IS NOT NULL AND Description <> 'TOTAL'",
            "compute": {"LineAmount": "Quantity * UnitPrice"},
            "returns": {"when": "Quantity < 0"},
            "order_lines": True,
        }
    },
}


def sample_frames(orders: int) -> dict[str, pd.DataFrame]:
    """The seven sample sheets, with exactly `orders` orders (the earliest ones)."""
    frames = generate_sample(customers=int(orders / ORDERS_PER_CUSTOMER) + 1, seed=1)
    if len(frames["orders"]) < orders:
        raise SystemExit(f"the generator gave {len(frames['orders']):,} orders, fewer than asked")
    return {**frames, "orders": frames["orders"].iloc[:orders].reset_index(drop=True)}


def as_lines(orders: pd.DataFrame, seed: int = 3) -> pd.DataFrame:
    """`orders` as invoice lines: 1 to 4 per order, its cents spread over them, each line's
    amount also as a quantity times a unit price."""
    rng = np.random.default_rng(seed)
    counts = rng.choice(np.arange(1, 5), size=len(orders), p=LINE_WEIGHTS)
    order = np.repeat(np.arange(len(orders)), counts)
    cents = np.rint(orders["amount"].to_numpy() * 100).astype(np.int64)
    share, rest = np.divmod(cents, counts)
    position = np.arange(len(order)) - np.repeat(np.cumsum(counts) - counts, counts)
    line_cents = share[order] + (position < rest[order])
    quantity = rng.integers(1, 4, len(order))
    lines = orders.iloc[order].reset_index(drop=True)
    lines["amount"] = line_cents / 100
    lines["Quantity"] = quantity
    lines["UnitPrice"] = lines["amount"] / quantity
    lines["Description"] = "ITEM"
    # Cancellations of 2% of the orders: a "C" invoice, a week later, the quantity negated.
    cancelled = lines.drop_duplicates("order_id").sample(frac=RETURNED, random_state=seed)
    cancelled = cancelled.assign(
        order_id="C" + cancelled["order_id"],
        order_date=cancelled["order_date"] + pd.Timedelta(days=7),
        Quantity=-cancelled["Quantity"],
        amount=-cancelled["amount"],
    )
    return pd.concat([lines, cancelled], ignore_index=True)


def write(frames: dict[str, pd.DataFrame], folder: Path, form: str) -> Path:
    """`frames` as a workbook or a folder of .csv files under `folder`."""
    folder.mkdir()
    if form == "xlsx":
        path = folder / "data.xlsx"
        write_workbook(frames, path, created=datetime(2026, 11, 1))
        return path
    for name, frame in frames.items():
        frame.to_csv(folder / f"{name}.csv", index=False, date_format="%Y-%m-%d")
    return folder


def timed_load(path: Path, settings: Settings) -> tuple[float, float, float]:
    """Seconds to read, to transform and to validate `path`."""
    began = time.perf_counter()
    read = read_source(path, settings)
    read_s = time.perf_counter() - began
    began = time.perf_counter()
    transformed = transform_source(read, settings)
    transform_s = time.perf_counter() - began
    began = time.perf_counter()
    report = validate_read(transformed, settings)
    validate_s = time.perf_counter() - began
    assert report.ok, report.format()
    return read_s, transform_s, validate_s


def median_load(path: Path, settings: Settings, repeat: int) -> tuple[float, float, float]:
    runs = [timed_load(path, settings) for _ in range(repeat)]
    return tuple(statistics.median(run[k] for run in runs) for k in range(3))  # type: ignore[return-value]


def main() -> None:
    """Write the data, time the plain load and each transform config, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--form", choices=("csv", "xlsx"), default="csv")
    args = parser.parse_args()
    frames = sample_frames(args.orders)
    lines = as_lines(frames["orders"])
    print(
        f"{args.form}: {len(frames['customers']):,} customers, {args.orders:,} orders, "
        f"{len(lines):,} lines with the cancellations ({len(lines) / args.orders:.2f} per order), "
        "all seven sheets; "
        f"median of {args.repeat}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        plain = write(frames, Path(tmp) / "plain", args.form)
        split = write({**frames, "orders": lines}, Path(tmp) / "lines", args.form)
        timed_load(plain, Settings())  # a first read pays for imports and cold caches
        read_s, transform_s, validate_s = median_load(plain, Settings(), args.repeat)
        base = read_s + transform_s + validate_s
        print(
            f"  {'plain load (no transform)':<32} read {read_s:6.2f} s  transform "
            f"{transform_s * 1000:7.2f} ms  validate {validate_s:6.2f} s  total {base:6.2f} s"
        )
        assert "duckdb" not in sys.modules, "a load without transforms imported DuckDB"
        ratios = []
        for name, sheets in CONFIGS.items():
            settings = Settings.model_validate({"sheets": sheets})
            read_s, transform_s, validate_s = median_load(split, settings, args.repeat)
            total = read_s + transform_s + validate_s
            print(
                f"  {name:<32} read {read_s:6.2f} s  transform {transform_s:6.2f} s  "
                f"validate {validate_s:6.2f} s  total {total:6.2f} s ({total / base:.2f}x plain)"
            )
            ratios.append(f"{name} {total / base:.2f}x (the step {transform_s:.2f} s)")
    row(
        f"transforms (`bench/bench_transforms.py`): {args.orders:,} orders as {len(lines):,} "
        f"invoice lines ({args.form}, all seven sheets), read + transform + validate against the "
        f"plain load of the same orders, medians of {args.repeat}",
        f"plain load {base:.1f} s; " + "; ".join(ratios) + "; no transform configured: DuckDB "
        "not imported",
        "reported",
    )


if __name__ == "__main__":
    main()
