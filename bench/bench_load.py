"""Bench: loading and validating client data, against a bare pandas read of the same file.

Targets (issue 2): 300,000 orders from .xlsx load and validate within 1.3x of a bare
`pandas.read_excel(engine="calamine")` of the same file, measured in the same run; 1,000,000
orders from a folder of .csv files load and validate in under 10 s with peak memory under 2 GB.
Prints figures; asserts nothing. The input is the sample generator's customers and orders.

    python bench/bench_load.py [--xlsx-orders 300000] [--csv-orders 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import pandas as pd

from deckgen.config import Settings
from deckgen.data.load import read_source
from deckgen.data.sample import generate_sample, write_workbook
from deckgen.data.validate import validate_read

XLSX_RATIO_TARGET = 1.3
CSV_SECONDS_TARGET = 10.0
CSV_MEMORY_TARGET_MB = 2048
ORDERS_PER_CUSTOMER = 2.1  # about what the generator gives; the orders are then cut to size

# Runs in a fresh interpreter so that its peak memory is the load's alone. The peak is the
# kernel's high-water mark of this process's memory (VmHWM): ru_maxrss would also count the
# parent's memory, which a child inherits at fork and keeps across exec on Linux.
_CHILD = """
import json, resource, sys, time
from pathlib import Path
from deckgen.config import Settings
from deckgen.data.load import read_source
from deckgen.data.validate import validate_read

def peak_mb():
    try:
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

began = time.perf_counter()
read = read_source(Path(sys.argv[1]), Settings())
read_s = time.perf_counter() - began
report = validate_read(read, Settings())
total_s = time.perf_counter() - began
assert report.ok, report.format()
print(json.dumps({"read_s": read_s, "total_s": total_s, "peak_mb": peak_mb()}))
"""


def _customers_and_orders(orders: int) -> dict[str, pd.DataFrame]:
    """Sample customers and exactly `orders` orders (the earliest ones)."""
    frames = generate_sample(customers=int(orders / ORDERS_PER_CUSTOMER) + 1, seed=1)
    if len(frames["orders"]) < orders:
        raise SystemExit(f"the generator gave {len(frames['orders']):,} orders, fewer than asked")
    return {"customers": frames["customers"], "orders": frames["orders"].iloc[:orders]}


def _timed(action) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def bench_xlsx(orders: int, folder: Path, repeat: int) -> None:
    """Bare pandas read against deckgen's load + validate, alternating, of one workbook."""
    frames = _customers_and_orders(orders)
    path = folder / "bench.xlsx"
    began = time.perf_counter()
    write_workbook(frames, path, created=datetime(2026, 11, 1))
    print(
        f"xlsx: {len(frames['customers']):,} customers, {orders:,} orders, "
        f"{path.stat().st_size / 1e6:.1f} MB (written in {time.perf_counter() - began:.1f} s)"
    )
    settings = Settings()
    bare, reads, loads = [], [], []
    for _ in range(repeat):
        bare.append(_timed(lambda: pd.read_excel(path, sheet_name=None, engine="calamine")))
        began = time.perf_counter()
        read = read_source(path, settings)
        reads.append(time.perf_counter() - began)
        report = validate_read(read, settings)
        loads.append(time.perf_counter() - began)
        assert report.ok, report.format()
    bare_s, read_s, load_s = (statistics.median(x) for x in (bare, reads, loads))
    ratio = load_s / bare_s
    verdict = "ok" if ratio <= XLSX_RATIO_TARGET else "OVER TARGET"
    print(f"  bare pandas.read_excel(calamine), all sheets: {bare_s:6.2f} s  (median of {repeat})")
    print(f"  deckgen read:                                 {read_s:6.2f} s")
    print(f"  deckgen read + validate:                      {load_s:6.2f} s")
    print(f"  validation alone:                             {load_s - read_s:6.2f} s")
    print(f"  ratio load/bare: {ratio:.2f}x (target <= {XLSX_RATIO_TARGET}x) {verdict}")


def bench_csv(orders: int, folder: Path) -> None:
    """Load + validate of a folder of .csv files in a fresh process: time and peak memory."""
    frames = _customers_and_orders(orders)
    csv = folder / "csv"
    csv.mkdir()
    for name, frame in frames.items():
        frame.to_csv(csv / f"{name}.csv", index=False, date_format="%Y-%m-%d")
    size = sum(f.stat().st_size for f in csv.iterdir()) / 1e6
    print(f"csv: {len(frames['customers']):,} customers, {orders:,} orders, {size:.1f} MB")
    del frames
    began = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, str(csv)], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - began
    if child.returncode != 0:
        raise SystemExit(f"the load failed:\n{child.stderr}")
    figures = json.loads(child.stdout)
    time_ok = "ok" if figures["total_s"] < CSV_SECONDS_TARGET else "OVER TARGET"
    memory_ok = "ok" if figures["peak_mb"] < CSV_MEMORY_TARGET_MB else "OVER TARGET"
    print(f"  read:            {figures['read_s']:6.2f} s")
    print(
        f"  read + validate: {figures['total_s']:6.2f} s (target < {CSV_SECONDS_TARGET:g} s) {time_ok}"
    )
    print(f"  whole process, with interpreter start and imports: {wall:.2f} s")
    print(
        f"  peak memory (RSS): {figures['peak_mb']:,.0f} MB (target < {CSV_MEMORY_TARGET_MB:,} MB) {memory_ok}"
    )


def main() -> None:
    """Parse the arguments and run both benches."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xlsx-orders", type=int, default=300_000)
    parser.add_argument("--csv-orders", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds of the xlsx bench")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.xlsx_orders:
            bench_xlsx(args.xlsx_orders, Path(tmp), args.repeat)
        if args.csv_orders:
            bench_csv(args.csv_orders, Path(tmp))


if __name__ == "__main__":
    main()
