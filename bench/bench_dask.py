"""Bench: `deckgen run` on Dask against the local executor; per-client cost, per-task overhead.

Issue 17, item 5. Each kind of client is run --clients times over (default 200), once with the
local executor (--jobs worker processes) and once on a Dask LocalCluster of --jobs worker
processes of one thread each (started once, its start timed apart, warmed up per kind), in
alternating rounds so that a drift in the machine's load hits both alike:

  no-op  a render stand-in that does no work (bench/noop_render.py): the executor's own cost;
  tiny   a tiny sample-shaped client (all seven sheets, 20 customers, 3 months);
  small  sample-shaped clients (--customers, default 300, 24 months): the per-client cost.

Then what one small client costs a database (statements, rows read; SQLite, and PostgreSQL when
the test server answers) and a render process's peak memory. docs/scheduling.md turns these
figures into the bill for 1,000 and 10,000 clients. Prints figures; asserts nothing.

    python bench/bench_dask.py [--clients 200] [--customers 300] [--jobs N] [--rounds 4] [--pg URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bench_report import row  # bench/ is the script's folder: importable by name

from deckgen.batch.progress import LoggerReporter
from deckgen.batch.runner import RunResult, execute_run
from deckgen.data.sample import generate_sample, write_workbook

TODAY = date(2026, 11, 1)  # the runs report October 2026, the samples' last month
DEFAULT_PG = "postgresql+psycopg:///deckgen_test?host=/var/run/postgresql"
_PEAK_MEMORY = """
import resource, sys
from pathlib import Path
from deckgen.pipeline import render_deck_bytes
render_deck_bytes(Path(sys.argv[1]), Path("deck.pptx"), period="2026-10")
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux
"""


def _config(folder: Path, name: str, workbook: Path, clients: int) -> Path:
    """A run config of `clients` clients that all read `workbook`."""
    entries = "".join(
        f'[[client]]\nname = "client-{i:04d}"\nsource = "{workbook}"\n' for i in range(clients)
    )
    path = folder / f"{name}.toml"
    path.write_text(f'output = "{name}/{{client}}.pptx"\n{entries}', encoding="utf-8")
    return path


def _run(config: Path, jobs: int, render: Callable[..., Any] | None, **dask: Any) -> RunResult:
    result = execute_run(
        config, "2026-10", reporter=LoggerReporter(), jobs=jobs, today=TODAY, render=render, **dask
    )
    if not result.ok:
        raise SystemExit(f"bench run failed:\n{result.summary()}")
    return result


def _timed(run: Callable[[], RunResult]) -> tuple[float, RunResult]:
    began = time.perf_counter()
    result = run()
    return time.perf_counter() - began, result


def _compare(
    folder: Path, kind: str, source: Path, render: Any, args: argparse.Namespace, on_dask: dict
) -> dict[str, tuple[float, float]]:
    """Local and Dask runs of `kind` clients in alternating rounds (the machine's load drifts),
    then each executor's worker time per client, split into the render and the rest; returns
    each executor's mean render and overhead per client, in ms."""
    rounds = max(1, min(args.rounds, args.clients))
    walls = {"local": 0.0, "dask": 0.0}
    renders: dict[str, list[float]] = {"local": [], "dask": []}
    decks: list[int] = []
    for number in range(rounds):
        clients = args.clients // rounds + (number < args.clients % rounds)
        for executor, options in (("local", {}), ("dask", on_dask)):
            config = _config(folder, f"{kind}-{executor}-{number}", source, clients)
            wall, result = _timed(lambda c=config, o=options: _run(c, args.jobs, render, **o))
            walls[executor] += wall
            renders[executor] += [record.duration_s for record in result.clients]
            decks += [record.output.stat().st_size for record in result.clients if record.output]
    costs = {}
    for executor in ("local", "dask"):
        worker_s = walls[executor] * args.jobs / args.clients
        render_s = statistics.mean(renders[executor])
        costs[executor] = (render_s * 1000, (worker_s - render_s) * 1000)
        print(
            f"  {executor:<5} {walls[executor]:7.1f} s for {args.clients}: "
            f"{worker_s * 1000:6.0f} ms of a worker per client = render {render_s * 1000:5.0f} ms "
            f"(median {statistics.median(renders[executor]) * 1000:.0f}, "
            f"max {max(renders[executor]) * 1000:.0f}) + overhead {(worker_s - render_s) * 1000:4.0f} ms"
        )
    print(f"  deck {statistics.median(decks) / 1024:,.0f} KiB (median)")
    return costs


def _database_load(frames: dict[str, Any], url: str) -> str:
    """Statements, rows and seconds for one client read from `url` (tables bench_dask_*)."""
    import sqlalchemy as sa

    from deckgen.data.sql import read_sql_frames

    tables = {sheet: f"bench_dask_{sheet}" for sheet in frames}
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            for sheet, frame in frames.items():
                frame.to_sql(tables[sheet], connection, if_exists="replace", index=False)
        statements: list[str] = []

        def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
        try:
            began = time.perf_counter()
            read = read_sql_frames(url, tables)
            seconds = time.perf_counter() - began
        finally:
            sa.event.remove(sa.engine.Engine, "before_cursor_execute", count)
        rows = sum(len(frame) for frame in read.values())
        verbs = [statement.split(None, 1)[0].upper() for statement in statements]
        data = sum(
            verb == "SELECT" and "bench_dask_" in statement
            for verb, statement in zip(verbs, statements, strict=True)
        )
        settings = verbs.count("SET")
        return (
            f"{len(statements)} statements on 1 connection: {data} SELECTs of data, "
            f"{len(statements) - data - settings} catalog lookups (the tables' primary keys), "
            f"{settings} SETs (read only, time limits); {rows:,} rows in {seconds:.2f} s"
        )
    finally:
        with engine.begin() as connection:
            for table in tables.values():
                connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
        engine.dispose()


def main() -> None:
    """Run the bench and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--customers", type=int, default=300, help="per small client")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--rounds", type=int, default=4, help="alternations of local and Dask")
    parser.add_argument("--pg", default=os.environ.get("DECKGEN_TEST_PG_URL", DEFAULT_PG))
    args = parser.parse_args()

    import dask
    from distributed import LocalCluster
    from noop_render import noop_render  # bench/ is this script's folder: importable by name

    with tempfile.TemporaryDirectory(prefix="deckgen-bench-dask-") as tmp:
        folder = Path(tmp)
        small_frames = generate_sample(customers=args.customers, months=24, end="2026-10")
        workbooks = {
            "tiny": generate_sample(customers=20, months=3, end="2026-10"),
            "small": small_frames,
        }
        paths = {}
        for kind, frames in workbooks.items():
            paths[kind] = folder / f"{kind}.xlsx"
            write_workbook(frames, paths[kind], created=datetime(2026, 11, 1))
            rows = ", ".join(f"{sheet} {len(frame):,}" for sheet, frame in frames.items())
            size = paths[kind].stat().st_size / 1024
            print(f"{kind}: {size:,.0f} KiB .xlsx; rows: {rows}")
        print(f"{args.clients} clients per run, --jobs {args.jobs}; machine load {os.getloadavg()}")

        began = time.perf_counter()
        with (
            dask.config.set({"distributed.scheduler.allowed-failures": 1}),
            LocalCluster(
                n_workers=args.jobs, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
        ):
            print(
                f"LocalCluster of {args.jobs} workers started in {time.perf_counter() - began:.1f} s"
            )
            on_dask = {"executor": "dask", "scheduler": cluster.scheduler_address}
            costs = {}
            for kind, source, render in (
                ("no-op", paths["tiny"], noop_render),
                ("tiny", paths["tiny"], None),
                ("small", paths["small"], None),
            ):
                warm = _config(folder, f"warm-{kind}", source, 2 * args.jobs)
                warm_s, _ = _timed(lambda c=warm, r=render: _run(c, args.jobs, r, **on_dask))
                print(
                    f"{kind}: (Dask warm-up of {2 * args.jobs} clients, which starts the render processes: {warm_s:.1f} s)"
                )
                costs[kind] = _compare(folder, kind, source, render, args, on_dask)
        noop, small = costs["no-op"], costs["small"]
        row(
            f"`deckgen run --executor dask`: {args.clients} clients on a LocalCluster of "
            f"{args.jobs} workers, alternating with the local executor; overhead per client "
            "(worker time beyond the render)",
            f"no-op clients {noop['dask'][1]:.0f} ms (local {noop['local'][1]:.0f} ms); small "
            f"sample-shaped clients ({args.customers} customers) {small['dask'][1]:.0f} ms on a "
            f"{small['dask'][0] / 1000:.2f} s render (local {small['local'][1]:.0f} ms)",
            "reported",
        )

        print("one small client's database load:")
        sqlite_url = f"sqlite:///{folder / 'crm.db'}"
        print(f"  SQLite: {_database_load(small_frames, sqlite_url)}")
        try:
            print(f"  PostgreSQL: {_database_load(small_frames, args.pg)}")
        except Exception as exc:  # the server is optional for a bench
            print(f"  PostgreSQL: not measured ({type(exc).__name__}: {str(exc).splitlines()[0]})")

        peak = subprocess.run(
            [sys.executable, "-c", _PEAK_MEMORY, str(paths["small"])],
            capture_output=True,
            text=True,
            check=True,
            cwd=folder,
        )
        print(
            f"a render process's peak memory (one small client): {int(peak.stdout) / 1024:,.0f} MiB"
        )


if __name__ == "__main__":
    main()
