"""Bench: a run of 50 sample-size clients with --jobs = cores, against --jobs 1.

Targets: 50 clients in under 60 s on 2 cores (issue 6); --jobs 2 at least 1.8x the speed of
--jobs 1 (issue 16). The clients are run in rounds that alternate the two, so that a drift in
the load of a shared machine hits both alike. Prints figures; asserts nothing.

    python bench/bench_run.py [--clients 50] [--customers 2000] [--jobs N] [--rounds 5]
                              [--skip-serial]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from bench_report import row

import deckgen
from deckgen.data.sample import write_sample

TARGET_S = 60.0  # for 50 clients on 2 cores
SPEEDUP_TARGET = 1.8  # --jobs 2 against --jobs 1 (issue 16)


def _config(folder: Path, name: str, workbook: Path, clients: int) -> Path:
    """A run config with `clients` clients that all read the same workbook."""
    entries = "".join(
        f'[[client]]\nname = "client-{i:02d}"\nsource = "{workbook}"\n'
        for i in range(1, clients + 1)
    )
    path = folder / f"{name}.toml"
    path.write_text(f'output = "{name}/{{client}}/{{period}}.pptx"\n{entries}', encoding="utf-8")
    return path


def _cpu() -> float:
    """CPU seconds of this process and its reaped children (the render processes)."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed_run(config: Path, jobs: int) -> tuple[float, float]:
    """Wall and CPU seconds of one run (the run's render processes end with it)."""
    began, cpu = time.perf_counter(), _cpu()
    result = deckgen.run(config, "2026-10", jobs=jobs)
    elapsed = time.perf_counter() - began
    if not result.ok:
        raise SystemExit(f"bench run failed:\n{result.summary()}")
    return elapsed, _cpu() - cpu


def main() -> None:
    """Run the bench and print seconds, seconds per deck and the parallel speed-up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--customers", type=int, default=2000, help="sample size per client")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument(
        "--rounds", type=int, default=5, help="alternations of --jobs N and --jobs 1"
    )
    parser.add_argument("--skip-serial", action="store_true", help="only the parallel run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="deckgen-bench-") as tmp:
        folder = Path(tmp)
        workbook = folder / "sample.xlsx"
        write_sample(workbook, customers=args.customers)
        rounds = max(1, min(args.rounds, args.clients))
        print(
            f"{args.clients} clients, each the sample workbook ({args.customers} customers, "
            f"24 months), in {rounds} rounds alternating --jobs {args.jobs} and --jobs 1 (the "
            "machine's load drifts; both see it alike)"
        )
        parallel = serial = parallel_cpu = serial_cpu = 0.0
        for number in range(rounds):
            clients = args.clients // rounds + (number < args.clients % rounds)
            # Which goes first alternates too, so neither always follows the other's tail.
            order = [args.jobs, 1] if number % 2 == 0 else [1, args.jobs]
            for jobs in order:
                if jobs == 1 and args.skip_serial:
                    continue
                name = f"jobs{jobs}-{number}"
                seconds, cpu = _timed_run(_config(folder, name, workbook, clients), jobs)
                if jobs == args.jobs:
                    parallel, parallel_cpu = parallel + seconds, parallel_cpu + cpu
                else:
                    serial, serial_cpu = serial + seconds, serial_cpu + cpu
        line = f"--jobs {args.jobs}: {parallel:6.1f} s  ({parallel / args.clients:.2f} s per deck)"
        if args.clients == 50 and args.jobs == 2:
            line += f"  target < {TARGET_S:.0f} s: {'met' if parallel < TARGET_S else 'MISSED'}"
        print(line)
        # CPU seconds over wall seconds: the cores the run got from a machine shared with others.
        print(f"  CPU {parallel_cpu:.1f} s: {parallel_cpu / parallel:.2f} cores busy on average")
        if not args.skip_serial:
            print(f"--jobs 1: {serial:6.1f} s  ({serial / args.clients:.2f} s per deck)")
            print(f"  CPU {serial_cpu:.1f} s: {serial_cpu / serial:.2f} cores busy on average")
            print(f"speed-up --jobs {args.jobs} vs --jobs 1: {serial / parallel:.2f}x")
            row(
                f"`deckgen run`: {args.clients} sample-size clients ({args.customers} customers), "
                f"`--jobs {args.jobs}` against `--jobs 1`, in {rounds} alternating rounds",
                f"{parallel:.1f} s ({parallel / args.clients:.2f} s a deck), "
                f"{serial / parallel:.2f}x `--jobs 1` ({serial:.1f} s); cores busy "
                f"{parallel_cpu / parallel:.2f} and {serial_cpu / serial:.2f}, CPU per deck "
                f"{parallel_cpu / args.clients:.2f} s and {serial_cpu / args.clients:.2f} s",
                f">= {SPEEDUP_TARGET}x",
            )


if __name__ == "__main__":
    main()
