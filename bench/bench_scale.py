"""Bench: big sample-shaped clients from a .parquet folder to a deck, stage by stage.

Targets: 1,000,000 orders in <= 4 s with peak memory <= 1 GB (issue 16); 10,000,000 orders in
<= 60 s within 3 GB (issue 17). The data is what `deckgen sample` generates, all seven sheets in
its proportions (about 2.2 orders, 6.5 leads and 1.6 loyalty events per customer): each million
orders is one generator run of 454,546 customers (seed 1, 2, ...) with its orders cut to exactly
a million, its ids prefixed by the run (`P01-C000042`) so the runs stack into one client, and
the channel-months summed across runs. The folder is written once under --cache and reused.

With --postgres URL the same client is also read from PostgreSQL (issue 17: 1,000,000 orders in
<= 60 s within 3 GB): its seven tables are loaded once by COPY into schema
`deckgen_bench_<orders>` of that database (dates as `date`, ids as primary keys; reused between
runs, dropped by hand), and a deckgen.toml whose `[source]` reads them is rendered like the folder.

Each size renders in a fresh interpreter (its peak memory, the kernel's VmHWM, is its own), with
deckgen's bytecode compiled beforehand as pip compiles an installed wheel's, once
end to end as `deckgen render` runs and once stage by stage (read, validate, metrics, slide model,
render) with wall and CPU seconds and the memory held after each stage. CPU seconds are the
steadier figure on a shared machine: the stages run on one thread, so on a quiet machine the
wall time is about the CPU time. Prints figures; asserts nothing.

A size whose sheets need more memory than the machine has available (about three times their
Arrow size, which is printed) is not rendered unless --force is given.

Since issue 17 the leads of a big folder stay in their file, aggregated there by DuckDB
(deckgen.data.pushdown; `--engine auto|memory|duckdb`, Settings.engine, default auto as
`deckgen render`); up to 1,000,000 orders the in-memory render is measured too, for reference.

With --against REVISION, the same runs are made with that revision's deckgen too (a `git archive`
of it), alternating with this checkout's, so that before and after are measured in one run.

    python bench/bench_scale.py [--orders 1000000 10000000] [--cache DIR] [--repeat 1] [--force]
                                [--against REVISION] [--postgres URL] [--engine ENGINE]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_report import row  # bench/ is the script's folder: importable by name
from check_identical import export

# Before any deckgen module is imported; with bytecode written, as an installed wheel has its
# (pip compiles it): a shell that forbids it would time deckgen's own compiling (~0.12 s).
_STARTED_WITH = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
TARGETS = {1_000_000: (4.0, 1024.0), 10_000_000: (60.0, 3072.0)}  # orders: (seconds, MB)
POSTGRES_TARGETS = {1_000_000: (60.0, 3072.0)}  # read from PostgreSQL (issue 17)
REFERENCE_ORDERS = 1_000_000  # up to this, a render in memory too (above, it needs 15 GB)
PART_ORDERS = 1_000_000  # orders per generator run
PART_CUSTOMERS = 454_546  # gives a little over a million orders, cut to exactly that
SHEET_IDS = {  # the id columns prefixed per run, by sheet
    "customers": ("customer_id",),
    "orders": ("order_id", "customer_id"),
    "leads": ("lead_id", "customer_id"),
    "feedback": ("feedback_id", "customer_id"),
    "surveys": ("response_id", "customer_id"),
    "loyalty": ("customer_id",),
}

_PEAK = """
import json, os, sys, time
from pathlib import Path

def memory_mb(field):
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1]) / 1024

def cpu():
    times = os.times()
    return times.user + times.system
"""
# `deckgen render` as a user runs it (its command group's code cache, its imports beside the
# read), in this process; the engine, when not the default, from a config of its own.
_WHOLE = """
began, began_cpu = time.perf_counter(), cpu()
from deckgen.cli import main
sys.argv = ["deckgen", "render", sys.argv[1], "-o", sys.argv[2], *sys.argv[3:]]
if sys.argv[-1] == "auto":
    sys.argv.pop()
else:  # a tree from before Settings.engine knows only its default
    config = Path(sys.argv[4]).with_suffix(".toml")
    config.write_text(f'engine = "{sys.argv.pop()}"\\n', encoding="utf-8")
    sys.argv += ["--config", str(config)]
try:
    main()
except SystemExit as exit:
    if exit.code:
        raise
import hashlib
print(json.dumps({"seconds": time.perf_counter() - began, "cpu": cpu() - began_cpu,
                  "peak_mb": memory_mb("VmHWM"),
                  "sha256": hashlib.sha256(Path(sys.argv[4]).read_bytes()).hexdigest()}))
"""
# The stages of deckgen.pipeline.render_deck_bytes, timed one by one.
_STAGES = """
import scipy.optimize, scipy.special  # the fits import them where they run: kept out of "metrics"
from deckgen.data.load import read_source
from deckgen.data.transform import transform_source
from deckgen.data.validate import validate_read
from deckgen.metrics.lifecycle import compute_metrics
from deckgen.pipeline import coverage_warning, resolve_period
from deckgen.render.writer import render_pptx
from deckgen.slides.deck import build_deck
from deckgen.wording import Wording

figures = []
last = [time.perf_counter(), cpu()]

def stage(name):
    now, now_cpu = time.perf_counter(), cpu()
    figures.append((name, now - last[0], now_cpu - last[1], memory_mb("VmRSS")))
    last[:] = [time.perf_counter(), cpu()]

from deckgen.pipeline import resolve_source

from deckgen.config import Settings
given = None if sys.argv[2] == "auto" else Settings(engine=sys.argv[2])
source, settings = resolve_source(Path(sys.argv[1]), given, None)
wording = Wording(settings.lang, None, digits=settings.effective_digits,
                  currency=settings.currency, vocabulary=settings.vocabulary)
stage("start")
try:
    from deckgen.data.pushdown import load_pushed_tables, pushdown_plan
    plan = pushdown_plan(source, settings)
    options = {"plan": plan}
except ImportError:  # a tree from before the orders were checked in place
    try:
        from deckgen.data.pushdown import load_pushed_tables, pushdown_leads_file
        leads = pushdown_leads_file(source, settings)
        plan = None if leads is None else leads.parent
        options = {}
    except ImportError:  # a tree from before the leads were read in place
        plan = None
if plan is not None:
    tables = load_pushed_tables(Path(sys.argv[1]), settings, **options)
    stage("read+check")
else:
    read = transform_source(read_source(source, settings), settings)
    stage("read")
    report = validate_read(read, settings)
    del read
    assert report.ok, report.format()
    tables = report.tables
period = resolve_period(None, tables, settings)
partial = coverage_warning(period, tables)
warnings = tables.warnings if partial is None else (partial, *tables.warnings)
stage("validate")
metrics = compute_metrics(tables, period, settings.metrics)
stage("metrics")
deck = build_deck(metrics, settings, wording, warnings=warnings)
stage("slide model")
render_pptx(deck)
stage("render")
import pyarrow as pa
print(json.dumps({"stages": figures[1:], "peak_mb": memory_mb("VmHWM"),
                  "pool": pa.default_memory_pool().backend_name}))
"""


def sample_folder(orders: int, cache: Path) -> Path:
    """A folder of the seven sheets as .parquet with exactly `orders` orders, made once."""
    if orders % PART_ORDERS:
        raise SystemExit(f"--orders must be a multiple of {PART_ORDERS:,}")
    folder = cache / f"sample-{orders}-orders"
    if (folder / ".complete").exists():
        return folder
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from deckgen.data.sample import generate_sample

    began = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    writers: dict[str, pq.ParquetWriter] = {}
    channels: list[pa.Table] = []
    runs = orders // PART_ORDERS
    for run in range(1, runs + 1):
        frames = generate_sample(customers=PART_CUSTOMERS, seed=run)
        frames["orders"] = frames["orders"].sort_values("order_date", kind="stable")
        frames["orders"] = frames["orders"].iloc[:PART_ORDERS]
        for name, frame in frames.items():
            table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata()
            if name == "channels":
                channels.append(table)
                continue
            if runs > 1:
                table = _prefixed(table, SHEET_IDS.get(name, ()), f"P{run:02d}-", pc)
            if name not in writers:
                writers[name] = pq.ParquetWriter(folder / f"{name}.parquet", table.schema)
            writers[name].write_table(table)
        del frames
        print(f"  (generated run {run} of {runs}, {time.perf_counter() - began:.0f} s)")
    for writer in writers.values():
        writer.close()
    spend = pa.concat_tables(channels).group_by(["month", "channel"], use_threads=False)
    summed = spend.aggregate([("spend", "sum"), ("reach", "sum")]).rename_columns(
        ["month", "channel", "spend", "reach"]
    )
    pq.write_table(
        summed.sort_by([("month", "ascending"), ("channel", "ascending")]),
        folder / "channels.parquet",
    )
    (folder / ".complete").touch()
    return folder


def _prefixed(table, columns: tuple[str, ...], prefix: str, pc):
    """`table` with `prefix` before every value of the id `columns` (empty stays empty)."""
    for name in columns:
        column = table[name]
        joined = pc.binary_join_element_wise(
            pc.cast(prefix, column.type), column, pc.cast("", column.type)
        )
        table = table.set_column(table.schema.get_field_index(name), name, joined)
    return table


def _child(code: str, *args: str, tree: Path | None = None) -> dict:
    """Runs `code` in a fresh interpreter (with the deckgen of `tree`, a source tree, when
    given) and returns the JSON it prints."""
    # The environment the bench was started with: importing deckgen.data.pushdown here sets
    # DuckDB's allocator option (docs/scale.md), which a revision without it must not inherit.
    env = _STARTED_WITH if tree is None else _STARTED_WITH | {"PYTHONPATH": str(tree)}
    child = subprocess.run(
        [sys.executable, "-c", _PEAK + code, *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=tree,  # `-c` puts the working folder first on the path
    )
    if child.returncode != 0:
        raise SystemExit(f"the render failed:\n{child.stderr}")
    return json.loads(child.stdout.splitlines()[-1])


def arrow_mib(file: Path) -> float:
    """The size of a .parquet file's columns once read into Arrow, in MiB (read one by one)."""
    import pyarrow.parquet as pq

    names = pq.ParquetFile(file).schema_arrow.names
    return sum(pq.read_table(file, columns=[name])[name].nbytes for name in names) / 2**20


def _available_mib() -> float:
    with open("/proc/meminfo") as info:
        line = next(line for line in info if line.startswith("MemAvailable:"))
    return int(line.split()[1]) / 1024


def postgres_client(url: str, orders: int, folder: Path, cache: Path) -> Path:
    """A client folder whose deckgen.toml reads the sample folder's seven sheets from schema
    `deckgen_bench_<orders>` of the database at `url` (a SQLAlchemy URL), loaded once by COPY."""
    import sqlalchemy as sa

    schema = f"deckgen_bench_{orders}"
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            found = sa.inspect(connection).has_schema(schema)
        if not found:
            began = time.perf_counter()
            _copy_into(engine, schema, folder)
            print(
                f"  (loaded into PostgreSQL schema {schema}, {time.perf_counter() - began:.0f} s)"
            )
    finally:
        engine.dispose()
    client = cache / f"postgres-{orders}-orders"
    client.mkdir(parents=True, exist_ok=True)
    parsed = sa.engine.make_url(url)
    database = parsed.update_query_dict({"options": f"-csearch_path={schema}"})
    (client / "deckgen.toml").write_text(
        f"[source]\ndatabase = {json.dumps(database.render_as_string(hide_password=False))}\n",
        encoding="utf-8",
    )
    return client


def _copy_into(engine, schema: str, folder: Path) -> None:
    """The sheets of `folder` as tables of a new `schema`, in one transaction (all or nothing):
    dates as `date`, ids as primary keys where the sheet has one (as a CRM keeps them)."""
    import io

    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    kinds = {
        "string": "text",
        "large_string": "text",
        "int64": "bigint",
        "double": "double precision",
    }
    keys = {sheet: ids[0] for sheet, ids in SHEET_IDS.items() if sheet != "loyalty"}
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        cursor = connection.connection.driver_connection.cursor()
        for file in sorted(folder.glob("*.parquet")):
            parquet = pq.ParquetFile(file)
            fields = parquet.schema_arrow
            types = [
                "date" if pa.types.is_timestamp(f.type) else kinds.get(str(f.type), str(f.type))
                for f in fields
            ]
            columns = ", ".join(f'"{f.name}" {kind}' for f, kind in zip(fields, types, strict=True))
            table = f"{schema}.{file.stem}"
            cursor.execute(f"CREATE TABLE {table} ({columns})")
            with cursor.copy(f"COPY {table} FROM STDIN (FORMAT csv)") as copy:
                for batch in parquet.iter_batches(batch_size=200_000):
                    dated = [
                        c.cast(pa.date32()) if pa.types.is_timestamp(c.type) else c
                        for c in batch.columns
                    ]
                    buffer = io.BytesIO()
                    options = pcsv.WriteOptions(include_header=False)
                    pcsv.write_csv(pa.table(dated, names=fields.names), buffer, options)
                    copy.write(buffer.getvalue())
            if file.stem in keys:
                cursor.execute(f'ALTER TABLE {table} ADD PRIMARY KEY ("{keys[file.stem]}")')
            cursor.execute(f"ANALYZE {table}")


def bench(
    orders: int,
    cache: Path,
    folder: Path,
    repeat: int,
    force: bool,
    against: tuple[str, Path] | None = None,
    postgres: str | None = None,
    engine: str = "auto",
) -> None:
    """Prints the end-to-end and per-stage figures of the deck of `orders` orders (and of the
    same with `against`, a revision and its source tree, alternating; and with `postgres`, a
    database URL, of the same client read from PostgreSQL); `engine`: Settings.engine of this
    checkout's runs, which up to REFERENCE_ORDERS are also made in memory for reference."""
    source = sample_folder(orders, cache)
    import pyarrow.parquet as pq

    files = sorted(source.glob("*.parquet"))
    rows = {p.stem: pq.ParquetFile(p).metadata.num_rows for p in files}
    sizes = {p.stem: arrow_mib(p) for p in files}
    print(f"\n{orders:,} orders ({source}):")
    print("  rows: " + ", ".join(f"{name} {count:,}" for name, count in rows.items()))
    print("  as Arrow: " + ", ".join(f"{name} {mib:,.0f} MiB" for name, mib in sizes.items()))
    print(f"  load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    # Read and validated, the sheets take about three times their Arrow size: a render that
    # cannot fit would only push the machine's other work out of memory.
    from deckgen.data.pushdown import PUSHDOWN_LEADS, PUSHDOWN_ORDERS

    in_memory = engine == "memory" or (
        engine == "auto" and rows.get("leads", 0) < PUSHDOWN_LEADS  # the leads' file, else
    )
    orders_in_memory = engine == "memory" or (engine == "auto" and orders < PUSHDOWN_ORDERS)
    in_place = set() if in_memory else {"leads"}
    in_place |= set() if orders_in_memory else {"orders"}  # three of its columns: not counted
    held = {name: mib for name, mib in sizes.items() if name not in in_place}
    needed, available = 3 * sum(held.values()), _available_mib()
    if needed > available and not force:
        print(f"  not rendered: it needs about {needed:,.0f} MB, {available:,.0f} MB available")
        return
    runs = {"this checkout": (source, None, engine)}
    if not in_memory and orders <= REFERENCE_ORDERS:
        runs["this checkout, in memory (reference)"] = (source, None, "memory")
    if against:
        runs[against[0]] = (source, against[1], "auto")
    if postgres:
        client = postgres_client(postgres, orders, source, cache)
        runs |= {
            f"{label}, PostgreSQL": (client, tree, "auto")
            for label, tree in {"this checkout": None, **dict([against] if against else [])}.items()
        }
    whole: dict[str, list[dict]] = {label: [] for label in runs}
    for _ in range(repeat):  # alternating, so that all see the same machine
        for label, (data, tree, kind) in runs.items():
            deck = str(folder / "deck.pptx")
            whole[label].append(_child(_WHOLE, str(data), deck, kind, tree=tree))
    staged = {
        label: _child(_STAGES, str(data), kind, tree=tree)
        for label, (data, tree, kind) in runs.items()
    }
    print(f"  load average at the end: {os.getloadavg()[0]:.1f}")
    target_s, target_mb = TARGETS.get(orders, (None, None))
    figures = {label: _figures(whole[label], staged[label]) for label in runs}
    for label in runs:
        targets = POSTGRES_TARGETS if label.endswith("PostgreSQL") else TARGETS
        _print(label, figures[label], staged[label], *targets.get(orders, (None, None)))
    mine = figures["this checkout"]
    before = ""
    reference = figures.get("this checkout, in memory (reference)")
    if reference:
        pair = ("this checkout", "this checkout, in memory (reference)")
        decks = {w["sha256"] for label in pair for w in whole[label]}
        same = "the same deck" if len(decks) == 1 else "A DIFFERENT DECK"
        print(f"  leads in place and in memory: {same} (sha256)")
        before = (
            f"; in memory (the reference, in the same run): {reference['seconds']:.1f} s wall, "
            f"{reference['cpu']:.1f} s CPU, peak {reference['peak']:,.0f} MB, {same}"
        )
    if against:
        theirs = figures[against[0]]
        before += (
            f"; before (`{against[0]}`, alternating in the same run): {theirs['seconds']:.1f} s "
            f"wall, {theirs['cpu']:.1f} s CPU, peak {theirs['peak']:,.0f} MB; CPU s by stage: "
            f"{theirs['by_stage']}"
        )
    row(
        f"{orders:,} orders, sample-shaped `.parquet` folder (`bench/bench_scale.py`: all seven "
        f"sheets, {rows.get('leads', 0):,} leads{'' if in_memory else ' read in place'}), "
        "end to end",
        f"{mine['seconds']:.1f} s wall, {mine['cpu']:.1f} s CPU, peak {mine['peak']:,.0f} MB; "
        f"CPU s by stage: {mine['by_stage']}{before}",
        f"≤ {target_s:g} s, ≤ {target_mb:,.0f} MB" if target_s else "reported",
    )
    if postgres:
        database = figures["this checkout, PostgreSQL"]
        target = POSTGRES_TARGETS.get(orders)
        row(
            f"{orders:,} orders, the same client read from PostgreSQL (`bench/bench_scale.py "
            f"--postgres URL`: its seven tables loaded by COPY, dates as `date`, ids as primary "
            f"keys), end to end, against the `.parquet` folder in the same run",
            f"{database['seconds']:.1f} s wall, {database['cpu']:.1f} s CPU, peak "
            f"{database['peak']:,.0f} MB (the folder: {mine['seconds']:.1f} s, "
            f"{mine['cpu']:.1f} s CPU, {mine['peak']:,.0f} MB); CPU s by stage: "
            f"{database['by_stage']}",
            f"≤ {target[0]:g} s, ≤ {target[1]:,.0f} MB" if target else "reported",
        )


def _figures(whole: list[dict], staged: dict) -> dict:
    """Medians of the end-to-end runs, their peak, and the CPU seconds of each stage."""
    return {
        "seconds": statistics.median(w["seconds"] for w in whole),
        "cpu": statistics.median(w["cpu"] for w in whole),
        "peak": max(w["peak_mb"] for w in whole),
        "by_stage": ", ".join(f"{name} {cpu_s:.1f}" for name, _, cpu_s, _ in staged["stages"]),
    }


def _print(
    label: str, figures: dict, staged: dict, target_s: float | None, target_mb: float | None
) -> None:
    """The figures of one tree: end to end, then stage by stage."""
    print(
        f"  {label}, end to end (deckgen render, imports included): {figures['seconds']:6.2f} s "
        f"wall, {figures['cpu']:6.2f} s CPU, peak {figures['peak']:,.0f} MB"
        + (f"   target <= {target_s:g} s, <= {target_mb:,.0f} MB" if target_s else "")
    )
    pool = staged.get("pool", "?")
    print(f"  {'stage':<12} {'wall s':>8} {'CPU s':>8} {'RSS after':>10}   (Arrow memory: {pool})")
    for name, wall, cpu_s, rss in staged["stages"]:
        print(f"  {name:<12} {wall:8.2f} {cpu_s:8.2f} {rss:8,.0f} MB")
    print(f"  {'peak':<12} {'':>8} {'':>8} {staged['peak_mb']:8,.0f} MB")


def main() -> None:
    """Generates (once) and renders each size, printing its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "deckgen-bench-scale",
        help="where the generated folders are kept between runs",
    )
    parser.add_argument("--repeat", type=int, default=1, help="end-to-end runs per size")
    parser.add_argument(
        "--force", action="store_true", help="render even when memory looks too short"
    )
    parser.add_argument(
        "--against", metavar="REVISION", help="also measure this revision, alternating"
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also read the same client from this PostgreSQL database (SQLAlchemy URL; its "
        "tables are loaded once into schema deckgen_bench_<orders>)",
    )
    parser.add_argument(
        "--engine",
        choices=("auto", "memory", "duckdb"),
        default="auto",
        help="Settings.engine of this checkout's renders (default: as `deckgen render` picks: "
        "the leads read in place from deckgen.data.pushdown.PUSHDOWN_LEADS); up to 1,000,000 "
        "orders the in-memory render is made too, for reference",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deckgen-bench-") as tmp:
        against = None
        if args.against:
            against = (args.against, export(args.against, Path(tmp) / "against"))
        for tree in (Path(__file__).resolve().parents[1], *([against[1]] if against else [])):
            compileall.compile_dir(tree / "deckgen", quiet=1)  # before the first timed run
        for orders in args.orders:
            bench(
                orders,
                args.cache,
                Path(tmp),
                args.repeat,
                args.force,
                against,
                args.postgres,
                args.engine,
            )


if __name__ == "__main__":
    main()
