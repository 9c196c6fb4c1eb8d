"""Run every bench in bench/ and regenerate the README's Speed table from what they print.

Each bench runs in a process of its own, on sample-shaped data (all seven sheets, as `deckgen
sample` makes them), and prints the reference it is compared with, measured in the same run;
its output is shown as it comes. The rows the benches print (bench_report.row) become the
Speed table of README.md, between its markers, under a line stating the machine (cores, CPU
model, memory, Python) and the load average while the benches ran.

    python bench/run_all.py            # full sizes; rewrites the README table
    python bench/run_all.py --quick    # small sizes, a few minutes; prints the table only
    python bench/run_all.py --only bench_cli bench_run [--readme]

A bench that fails is reported and the others still run; the README is then left alone.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

from bench_report import ROW_MARK

BENCH = Path(__file__).resolve().parent
README = BENCH.parent / "README.md"
BEGIN = "<!-- speed-table: begin (python bench/run_all.py writes this) -->"
END = "<!-- speed-table: end -->"

# name: (arguments at full size, arguments with --quick)
BENCHES: dict[str, tuple[list[str], list[str]]] = {
    "bench_cli": (["--repeat", "7"], ["--repeat", "3"]),
    "bench_load": (
        ["--customers", "140000", "--repeat", "3"],
        ["--customers", "7000", "--repeat", "1"],
    ),
    "bench_transforms": ([], ["--orders", "20000", "--repeat", "1"]),
    "bench_metrics": ([], ["--orders", "50000", "--repeat", "1"]),
    "bench_render": ([], ["--orders", "50000", "--repeat", "2", "--cli-repeat", "1"]),
    "bench_clv": ([], ["--customers", "20000", "--repeat", "1"]),
    "bench_run": ([], ["--clients", "6", "--rounds", "2"]),
    "bench_dask": ([], ["--clients", "8", "--rounds", "1", "--customers", "100"]),
    "bench_refresh": ([], ["--repeat", "1"]),
    "bench_init": ([], ["--no-render"]),
    "bench_scale": ([], ["--orders", "1000000"]),
}


def machine() -> str:
    """Cores, CPU model, memory and Python version of this machine, in one line."""
    model = platform.processor() or platform.machine()
    memory = ""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
        model = found.group(1).strip() if found else model
        meminfo = Path("/proc/meminfo").read_text()
        kib = int(re.search(r"^MemTotal:\s*(\d+)", meminfo, re.MULTILINE).group(1))
        memory = f", {kib / 2**20:.0f} GiB RAM"
    except (OSError, AttributeError):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"{cores} cores ({model}){memory}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def run_bench(name: str, arguments: list[str]) -> tuple[list[list[str]], bool]:
    """Run one bench, echoing its output; its README rows and whether it succeeded."""
    print(f"\n=== {name} {' '.join(arguments)}", flush=True)
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(BENCH / f"{name}.py"), *arguments],
        cwd=BENCH,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    rows = []
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith(ROW_MARK):
            rows.append(line[len(ROW_MARK) :].rstrip("\n").split("\t"))
        else:
            print(line, end="", flush=True)
    ok = process.wait() == 0
    print(f"=== {name}: {'done' if ok else 'FAILED'} in {time.perf_counter() - began:.0f} s")
    return rows, ok


def table(rows: list[list[str]], header: str) -> str:
    """The Speed table in Markdown, with the machine line above it."""
    lines = [header, "", "| what | figure | target |", "| --- | --- | --- |"]
    lines += [f"| {what} | {figure} | {target} |" for what, figure, target in rows]
    return "\n".join(lines)


def write_readme(text: str) -> None:
    """Replace what stands between the README's Speed-table markers with `text`."""
    readme = README.read_text(encoding="utf-8")
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"README.md has no {BEGIN!r} ... {END!r} markers")
    README.write_text(
        readme[: start + len(BEGIN)] + "\n" + text + "\n" + readme[end:], encoding="utf-8"
    )


def main() -> None:
    """Run the benches, print the table, and write it into the README when asked or full."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes; README left alone")
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHES), help="these benches only")
    parser.add_argument("--readme", action="store_true", help="write the README table anyway")
    args = parser.parse_args()
    names = args.only or list(BENCHES)
    loads = [os.getloadavg()[0]]
    rows: list[list[str]] = []
    failed = []
    for name in names:
        found, ok = run_bench(name, BENCHES[name][1 if args.quick else 0])
        rows += found
        loads.append(os.getloadavg()[0])
        if not ok:
            failed.append(name)
    sizes = "small sizes, `--quick`" if args.quick else "full sizes"
    header = (
        f"Measured by `python bench/run_all.py` ({sizes}, {time.strftime('%Y-%m-%d')}) on "
        f"{machine()}, shared with other work: load average {min(loads):.1f} to "
        f"{max(loads):.1f} while the benches ran. Ratios are taken within one run."
    )
    text = table(rows, header)
    print("\n" + text)
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}; README.md not changed")
    if args.readme or not (args.quick or args.only):
        write_readme(text)
        print(f"\nwrote the Speed table into {README}")


if __name__ == "__main__":
    main()
