"""Bench: loading and validating a sample-shaped client, against bare reads of the same files.

The input is what `deckgen sample --customers N` writes: all seven sheets in the sample's
proportions (140,000 customers give about 300,000 orders and 900,000 leads). Each reader runs
in a fresh process, so that its peak memory (the kernel's high-water mark) is its own; the
figures are medians of the rounds, and every ratio is taken within this one run.

- `.xlsx`: deckgen's read + validate, and the whole deck (`render_deck`: read, validate,
  metrics, slides, render, write), against a bare `fastexcel` read of every sheet to Arrow
  (target for the deck: within 1.3x its time and 1.5x its memory), and a bare
  `pandas.read_excel(engine="calamine")` of every sheet;
- the same workbook with the orders split into one sheet per year, stacked by
  `sheet = "orders *"`: the cost of stacking;
- a folder of `.csv` files of the same data: deckgen against a bare `pyarrow.csv` read.

Every reader's wall time, CPU time (all its threads) and peak are printed; a ratio is the median
of the rounds' ratios (a round's readers saw much the same load on a shared machine), and the
load average and the threads each side reads with are stated. One run (2 cores, load average
4.2, 319,417 orders, 908,029 leads): fastexcel 13.2 s, 6.6 s CPU, 887 MB; deckgen read +
validate 1.01x the time, 1.01x the CPU, 1.00x the memory; the whole deck 18.3 s, 9.3 s CPU,
943 MB: 1.24x the time, 1.39x the CPU, 1.06x the memory (before the sheets were read straight to
Arrow: 1.60x the CPU, 1.15x the memory). On a busy machine deckgen reads with one thread;
with a core idle, with two (deckgen.data.load).

Prints figures; asserts nothing.

    python bench/bench_load.py [--customers 140000] [--repeat 3] [--workbook sample.xlsx]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_report import row  # bench/ is the script's folder: importable by name

XLSX_RATIO_TARGET = 1.3
MEMORY_RATIO_TARGET = 1.5

# Every reader runs in a child of its own and prints {"seconds", "peak_mb"}. The peak is the
# kernel's high-water mark of the child's memory (VmHWM): ru_maxrss would also count what a
# child inherits from its parent at fork.
_PEAK = """
import json, resource, sys, time
def peak_mb():
    try:
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""
READERS = {
    "fastexcel": """
import fastexcel
began, cpu_began = time.perf_counter(), time.process_time()
reader = fastexcel.read_excel(sys.argv[1])
tables = [reader.load_sheet(name).to_arrow() for name in reader.sheet_names]
""",
    "pandas": """
import pandas as pd
began, cpu_began = time.perf_counter(), time.process_time()
frames = pd.read_excel(sys.argv[1], sheet_name=None, engine="calamine")
""",
    "pyarrow-csv": """
from pathlib import Path
import pyarrow.csv as pv
began, cpu_began = time.perf_counter(), time.process_time()
tables = [pv.read_csv(f) for f in sorted(Path(sys.argv[1]).glob("*.csv"))]
""",
    "deck": """
from pathlib import Path
from deckgen.data.load import reading_threads
from deckgen.pipeline import render_deck
threads = reading_threads(Path(sys.argv[1]))  # as read_source chooses: by the load average
began, cpu_began = time.perf_counter(), time.process_time()
render_deck(Path(sys.argv[1]), Path(sys.argv[2]))
""",
    "deckgen": """
from pathlib import Path
from deckgen.config import Settings, SheetMapping
from deckgen.data.load import read_source, reading_threads
from deckgen.data.validate import validate_read
threads = reading_threads(Path(sys.argv[1]))
mapping = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
settings = Settings(sheets={k: SheetMapping(**v) for k, v in mapping.items()})
began, cpu_began = time.perf_counter(), time.process_time()
report = validate_read(read_source(Path(sys.argv[1]), settings), settings)
assert report.ok, report.format()
""",
}
_REPORT = """
print(json.dumps({
    "seconds": time.perf_counter() - began,
    "cpu": time.process_time() - cpu_began,
    "peak_mb": peak_mb(),
    "threads": globals().get("threads", 1),
}))
"""


def measure(reader: str, *args: str) -> dict[str, float]:
    """One fresh-process run of `reader` on `args`: seconds (after imports) and peak MB."""
    code = _PEAK + READERS[reader] + _REPORT
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{reader} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


Figures = dict[str, float]


def rounds(runs: dict[str, tuple[str, ...]], repeat: int) -> dict[str, list[Figures]]:
    """Each reader's figures round by round, the readers alternating within a round."""
    seen: dict[str, list[Figures]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, (reader, *args) in runs.items():
            seen[name].append(measure(reader, *args))
    return seen


def median(results: list[Figures]) -> Figures:
    """The median of each figure over the rounds."""
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def ratio(results: list[Figures], reference: list[Figures], key: str) -> float:
    """The median over the rounds of `key` against the reference's in the same round: on a
    shared machine, a round's readers saw much the same load."""
    return statistics.median(r[key] / ref[key] for r, ref in zip(results, reference, strict=True))


def threads_seen(results: list[Figures]) -> str:
    """The reading threads of the rounds: `1`, or `1 to 2` when the load changed between them."""
    low, high = min(r["threads"] for r in results), max(r["threads"] for r in results)
    return f"{low:.0f}" if low == high else f"{low:.0f} to {high:.0f}"


def _line(label: str, results: list[Figures], reference: list[Figures] | None = None) -> str:
    figures = median(results)
    text = (
        f"  {label:<44} {figures['seconds']:6.2f} s {figures['cpu']:6.2f} s CPU "
        f"{figures['peak_mb']:6,.0f} MB"
    )
    if reference is not None:
        text += (
            f"   {ratio(results, reference, 'seconds'):.2f}x time, "
            f"{ratio(results, reference, 'cpu'):.2f}x CPU, "
            f"{ratio(results, reference, 'peak_mb'):.2f}x memory"
        )
    return text


def sample_workbook(folder: Path, customers: int) -> Path:
    """The workbook `deckgen sample --customers N` writes."""
    from deckgen.data.sample import write_sample

    path = folder / "sample.xlsx"
    began = time.perf_counter()
    print(write_sample(path, customers=customers))
    print(f"  ({path.stat().st_size / 1e6:.1f} MB, written in {time.perf_counter() - began:.0f} s)")
    return path


def _orders(book: Path) -> int:
    import fastexcel

    return fastexcel.read_excel(book).load_sheet("orders", use_columns=[0]).height


def yearly_workbook(source: Path, folder: Path) -> Path:
    """The same data with the orders in one sheet per year ('orders 2025', 'orders 2026')."""
    from datetime import datetime

    import fastexcel

    from deckgen.data.sample import write_workbook

    reader = fastexcel.read_excel(source)
    frames = {name: reader.load_sheet(name).to_pandas() for name in reader.sheet_names}
    orders = frames.pop("orders")
    years = orders["order_date"].dt.year
    for year in sorted(years.unique()):
        frames[f"orders {year}"] = orders[years == year].reset_index(drop=True)
    path = folder / "yearly.xlsx"
    write_workbook(frames, path, created=datetime(2026, 11, 1))
    return path


def csv_folder(source: Path, folder: Path) -> Path:
    """The same data as a folder of .csv files, one per sheet (ISO dates)."""
    import fastexcel

    out = folder / "csv"
    out.mkdir()
    reader = fastexcel.read_excel(source)
    for name in reader.sheet_names:
        frame = reader.load_sheet(name).to_pandas()
        frame.to_csv(out / f"{name}.csv", index=False, date_format="%Y-%m-%d")
    return out


def main() -> None:
    """Parse the arguments and run the benches."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=140_000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds per reader (medians)")
    parser.add_argument("--workbook", type=Path, default=None, help="reuse a sample workbook")
    parser.add_argument("--skip", nargs="*", default=[], choices=["pandas", "yearly", "csv"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        book = args.workbook or sample_workbook(folder, args.customers)
        orders, size = _orders(book), f"{book.stat().st_size / 1e6:.0f} MB"
        runs: dict[str, tuple[str, ...]] = {
            "fastexcel": ("fastexcel", str(book)),
            "deckgen": ("deckgen", str(book)),
            "deck": ("deck", str(book), str(folder / "deck.pptx")),
        }
        if "pandas" not in args.skip:
            runs["pandas"] = ("pandas", str(book))
        if "yearly" not in args.skip:
            stacked = json.dumps({"orders": {"sheet": "orders *"}})
            runs["deckgen yearly"] = ("deckgen", str(yearly_workbook(book, folder)), stacked)
        if "csv" not in args.skip:
            csv = csv_folder(book, folder)
            runs["pyarrow-csv"] = ("pyarrow-csv", str(csv))
            runs["deckgen csv"] = ("deckgen", str(csv))
        figures = rounds(runs, args.repeat)
    bare, deck = figures["fastexcel"], figures["deck"]
    threads = threads_seen(deck)
    print(
        f"\n.xlsx, every sheet (medians of {args.repeat} fresh processes, after imports; ratios: "
        f"the median of each round's; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores):"
    )
    print(_line("bare fastexcel -> Arrow (1 thread)", bare))
    if "pandas" in figures:
        print(_line('bare pandas.read_excel(engine="calamine")', figures["pandas"], bare))
    print(
        _line(
            f"deckgen read + validate ({threads_seen(figures['deckgen'])} reading)",
            figures["deckgen"],
            bare,
        )
    )
    print(_line(f"deckgen: the whole deck ({threads} reading)", deck, bare))
    time_ratio, cpu_ratio = ratio(deck, bare, "seconds"), ratio(deck, bare, "cpu")
    memory = ratio(deck, bare, "peak_mb")
    verdict = "ok" if time_ratio <= XLSX_RATIO_TARGET and memory <= MEMORY_RATIO_TARGET else "OVER"
    print(
        f"  target: the deck within {XLSX_RATIO_TARGET}x the time and {MEMORY_RATIO_TARGET}x the "
        f"memory of fastexcel: {time_ratio:.2f}x ({cpu_ratio:.2f}x in CPU) and {memory:.2f}x, "
        f"{verdict}"
    )
    deck_m, bare_m = median(deck), median(bare)
    row(
        f"the workbook `deckgen sample --customers {args.customers}` writes ({orders:,} orders, "
        f"all seven sheets, {size}) to a deck, against a bare `fastexcel` read of every sheet "
        f"(1 thread; deckgen reads with {threads}, by the load average; medians of "
        f"{args.repeat} fresh processes, load average {os.getloadavg()[0]:.1f})",
        f"deck {deck_m['seconds']:.1f} s ({deck_m['cpu']:.1f} s CPU), "
        f"{deck_m['peak_mb']:,.0f} MB: {time_ratio:.2f}x the time ({cpu_ratio:.2f}x the CPU), "
        f"{memory:.2f}x the memory (fastexcel {bare_m['seconds']:.1f} s, "
        f"{bare_m['cpu']:.1f} s CPU, {bare_m['peak_mb']:,.0f} MB); read + validate alone "
        f"{ratio(figures['deckgen'], bare, 'seconds'):.2f}x, "
        f"{ratio(figures['deckgen'], bare, 'peak_mb'):.2f}x",
        f"<= {XLSX_RATIO_TARGET}x, <= {MEMORY_RATIO_TARGET}x",
    )
    if "pandas" in figures:
        pandas = figures["pandas"]
        row(
            'the same workbook: a bare `pandas.read_excel(engine="calamine")` against the bare '
            "`fastexcel` read",
            f"{ratio(pandas, bare, 'seconds'):.1f}x the time, "
            f"{ratio(pandas, bare, 'peak_mb'):.1f}x the memory",
            "reported",
        )
    if "deckgen yearly" in figures:
        print('\norders in one sheet per year, stacked (sheet = "orders *"):')
        print(_line("deckgen read + validate", figures["deckgen yearly"], figures["deckgen"]))
        row(
            'the same orders in one sheet per year, stacked by `sheet = "orders *"`, against '
            "one sheet (read + validate)",
            f"{ratio(figures['deckgen yearly'], figures['deckgen'], 'seconds'):.2f}x",
            "reported",
        )
    if "deckgen csv" in figures:
        print("\n.csv folder of the same data:")
        print(_line("bare pyarrow.csv.read_csv", figures["pyarrow-csv"]))
        print(_line("deckgen read + validate", figures["deckgen csv"], figures["pyarrow-csv"]))
        csv_figures = median(figures["deckgen csv"])
        row(
            "the same data as a `.csv` folder, read + validate, against a bare "
            "`pyarrow.csv.read_csv`",
            f"{csv_figures['seconds']:.1f} s, {csv_figures['peak_mb']:,.0f} MB peak "
            f"({ratio(figures['deckgen csv'], figures['pyarrow-csv'], 'seconds'):.1f}x the time)",
            "reported",
        )


if __name__ == "__main__":
    main()
