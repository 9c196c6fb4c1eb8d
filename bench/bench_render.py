"""Bench: the whole deck (load → metrics → slide model → render → write), sample and 1M orders.

Targets (issue 4): the sample deck end to end in under 2 s; 1,000,000 orders end to end in
under 15 s; native charts against `--charts image`, printed as a ratio. Prints figures; asserts
nothing.

- sample: sample_data/sample.xlsx rendered in this process (best of --repeat, after one cold
  run) and through the CLI in a fresh interpreter (best of --cli-repeat; with start-up and
  imports, which the 2 s target does not count).
- 1M orders: the sample generator's seven sheets with the orders cut to exactly --orders,
  written as a folder of .parquet files (one per sheet) and kept in a cache folder, rendered in
  a fresh interpreter: seconds and peak memory (RSS high-water mark).
- charts: the sample rendered with native charts and with --charts image (matplotlib).

    python bench/bench_render.py [--repeat 5] [--cli-repeat 3] [--orders 1000000]
                                 [--cache DIR] [--skip-big]
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_report import row

import deckgen

SAMPLE_SECONDS_TARGET = 2.0
BIG_SECONDS_TARGET = 15.0
ORDERS_PER_CUSTOMER = 2.2  # about what the generator gives; the orders are then cut to size
SEED = 1
SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "sample.xlsx"

# Runs in a fresh interpreter, so that its peak memory is the render's alone: VmHWM is this
# process's high-water mark (ru_maxrss would also count what a child inherits at fork).
_CHILD = """
import json, resource, sys, time
from pathlib import Path

began = time.perf_counter()
import deckgen
from deckgen.pipeline import render_deck

imported = time.perf_counter()
result = render_deck(Path(sys.argv[1]), Path(sys.argv[2]), charts=sys.argv[3])
done = time.perf_counter()

def peak_mb():
    try:
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

print(json.dumps({"import_s": imported - began, "render_s": done - imported,
                  "peak_mb": peak_mb(), "slides": result.slides}))
"""
_CLI = "import sys; from deckgen.cli import main; sys.argv[0] = 'deckgen'; main()"


def _best(action: Callable[[], object], repeat: int) -> float:
    """The fastest of `repeat` timed calls, in seconds."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return min(times)


def _verdict(seconds: float, target: float) -> str:
    return "ok" if seconds < target else "OVER TARGET"


def _render(source: Path, output: Path, charts: str = "native") -> Callable[[], object]:
    return lambda: deckgen.render_deck(source, output, charts=charts)


def bench_sample(folder: Path, repeat: int, cli_repeat: int) -> list[tuple[str, str, str]]:
    """The sample deck in this process (cold, then best of `repeat`) and through the CLI."""
    output = folder / "sample.pptx"
    began = time.perf_counter()
    pipeline = importlib.import_module("deckgen.pipeline")
    for module in pipeline.RENDER_MODULES:  # what render_deck imports on first use
        importlib.import_module(module)
    imports = time.perf_counter() - began
    cold = _best(_render(SAMPLE, output), 1)
    warm = _best(_render(SAMPLE, output), repeat)
    command = [sys.executable, "-c", _CLI, "render", str(SAMPLE), "-o", str(output)]
    cli = _best(lambda: subprocess.run(command, check=True, capture_output=True), cli_repeat)
    target = f"< {SAMPLE_SECONDS_TARGET:g} s"
    row(
        f"sample deck end to end, in process (best of {repeat}, after a first run)",
        f"{warm:.2f} s",
        target,
    )
    return [
        ("imports of the pipeline (not counted)", f"{imports:6.2f} s", ""),
        ("sample, in process, first run", f"{cold:6.2f} s", ""),
        (
            f"sample, in process, best of {repeat}",
            f"{warm:6.2f} s",
            f"{target} {_verdict(warm, SAMPLE_SECONDS_TARGET)}",
        ),
        (f"sample, CLI incl. start-up, best of {cli_repeat}", f"{cli:6.2f} s", "(reference)"),
    ]


def bench_charts(folder: Path, repeat: int) -> list[tuple[str, str, str]]:
    """The sample deck with native charts against --charts image, in this process."""
    output = folder / "charts.pptx"
    _render(SAMPLE, output, "image")()  # matplotlib's import and font cache, outside the timing
    native = _best(_render(SAMPLE, output, "native"), repeat)
    image = _best(_render(SAMPLE, output, "image"), repeat)
    row("`--charts image` against native charts", f"{image / native:.1f}x slower", "reported")
    return [
        (f"sample, --charts native, best of {repeat}", f"{native:6.2f} s", ""),
        (f"sample, --charts image, best of {repeat}", f"{image:6.2f} s", ""),
        ("ratio image / native", f"{image / native:6.2f}x", "(reported)"),
    ]


def big_source(orders: int, cache: Path) -> Path:
    """A folder of .parquet sheets with exactly `orders` orders, generated once into `cache`."""
    folder = cache / f"sample-{orders}-orders-seed-{SEED}"
    done = folder / ".complete"
    if done.exists():
        return folder
    from deckgen.data.sample import generate_sample

    began = time.perf_counter()
    frames = generate_sample(customers=int(orders / ORDERS_PER_CUSTOMER) + 1, seed=SEED)
    if len(frames["orders"]) < orders:
        raise SystemExit(f"the generator gave {len(frames['orders']):,} orders, fewer than asked")
    frames["orders"] = frames["orders"].sort_values("order_date", kind="stable").iloc[:orders]
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    done.touch()
    print(f"(generated {folder} in {time.perf_counter() - began:.1f} s)")
    return folder


def bench_big(orders: int, cache: Path, folder: Path) -> list[tuple[str, str, str]]:
    """The deck of `orders` orders from .parquet, in a fresh interpreter: time and peak memory."""
    source = big_source(orders, cache)
    rows = {p.stem: f"{_rows(p):,}" for p in sorted(source.glob("*.parquet"))}
    print(f"{orders:,}-order data (.parquet folder, {source}):")
    print("  " + ", ".join(f"{name} {count}" for name, count in rows.items()))
    command = [sys.executable, "-c", _CHILD, str(source), str(folder / "big.pptx"), "native"]
    began = time.perf_counter()
    child = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - began
    if child.returncode != 0:
        raise SystemExit(f"the render failed:\n{child.stderr}")
    figures = json.loads(child.stdout)
    seconds = figures["render_s"]
    row(
        f"{orders:,} orders end to end (sample-shaped .parquet folder, load → metrics → deck)",
        f"{seconds:.1f} s after imports, {wall:.1f} s whole process, "
        f"{figures['peak_mb']:,.0f} MB peak",
        f"< {BIG_SECONDS_TARGET:g} s",
    )
    return [
        (
            f"{orders:,} orders (.parquet), end to end",
            f"{seconds:6.2f} s",
            f"< {BIG_SECONDS_TARGET:g} s {_verdict(seconds, BIG_SECONDS_TARGET)}",
        ),
        ("  same, whole process incl. start-up", f"{wall:6.2f} s", "(reference)"),
        ("  peak memory (RSS)", f"{figures['peak_mb']:6.0f} MB", "(reported)"),
    ]


def _rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def main() -> None:
    """Run the benches and print one table of figures against the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed in-process rounds")
    parser.add_argument("--cli-repeat", type=int, default=3, help="timed CLI rounds")
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "deckgen-bench-cache",
        help="where the generated big data is kept between runs",
    )
    parser.add_argument("--skip-big", action="store_true", help="only the sample benches")
    args = parser.parse_args()
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="deckgen-bench-") as tmp:
        folder = Path(tmp)
        rows += bench_sample(folder, args.repeat, args.cli_repeat)
        rows += bench_charts(folder, args.repeat)
        if not args.skip_big:
            rows += bench_big(args.orders, args.cache, folder)
    width = max(len(label) for label, _, _ in rows)
    print(f"{'what':<{width}}  {'figure':>8}  target")
    for label, figure, target in rows:
        print(f"{label:<{width}}  {figure:>8}  {target}")


if __name__ == "__main__":
    main()
