"""Bench: the sample deck from the command line, whole process, against the floor of its imports.

`deckgen sample` writes the sample workbook; `deckgen render` then makes its deck in a fresh
process, timed from exec to exit (target: a median of at most 1.0 s). Measured in the same
rounds, alternating with it:

- the import floor: a bare `python -c "import ..."` (cyclic collector off, as the CLI imports)
  of the libraries the deck cannot do without (pandas, pyarrow, fastexcel, scipy.optimize and scipy.special for the customer-value
  fits, through deckgen.scipy_import as a render imports them, python-pptx with its chart writer, jinja2, pydantic's BaseModel -- a bare
  `import pydantic` loads nothing --, babel, click, xlsxwriter; not fontTools, which a render
  needs only for a font whose metrics deckgen.textmetrics has not kept yet), which no deck can
  beat on this machine;
- the same with deckgen's own modules (`pipeline.RENDER_MODULES`, imported as the CLI does):
  what every render pays before it reads a cell;
- `deckgen --help`, which must stay quick.

With `--ref REVISION` the render of that revision (a `git archive` of it, run by this
environment) is timed in the same rounds, alternating, and the ratio printed. Wall seconds on a
shared machine mostly measure the other processes, so CPU seconds (user + system, of the child)
are printed beside them. The first render fills the compiled-template
cache (a private one under a temporary XDG_CACHE_HOME); it is timed apart as the cold render.
In every round a render in a child process also reports where its time goes (the libraries'
imports, deckgen's own modules, load, metrics, slide model and wording, render); the medians are
printed. Prints figures; asserts nothing.

    python bench/bench_cli.py [--repeat 7] [--ref REVISION]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from bench_report import row  # bench/ is the script's folder: importable by name

TARGET_S = 1.0
# With the cyclic collector off, as `deckgen render` imports them (deckgen.cli._Imports).
# SciPy's optimize and special come through deckgen.scipy_import, as a render imports them
# (without numpy.f2py and numpy.testing, which a plain import of SciPy brings).
FLOOR_IMPORTS = (
    "import gc; gc.disable(); "
    "import pandas, pyarrow, fastexcel, deckgen.scipy_import, pptx, pptx.chart.data, "
    "jinja2, babel, click, xlsxwriter; from pydantic import BaseModel"
)
# The floor and deckgen's own modules (as `deckgen render` imports them: its dataclasses'
# methods from the code cache, deckgen.code_cache): what any render pays before reading a cell.
FLOOR_WITH_DECKGEN = (
    "import gc; gc.disable(); import importlib; from deckgen import code_cache; "
    "code_cache.install(); from deckgen import pipeline; "
    "[importlib.import_module(name) for name in pipeline.RENDER_MODULES]"
)
_CLI = "import sys; from deckgen.cli import main; sys.argv[0] = 'deckgen'; main()"
# The CLI of the deckgen found at the path given first (a reference revision's tree).
_CLI_AT = "import sys; sys.path.insert(0, sys.argv.pop(1)); " + _CLI.removeprefix("import sys; ")
ROOT = Path(__file__).resolve().parent.parent
_STAGES = """
import json, sys, time
from pathlib import Path
marks = [(time.perf_counter(), time.process_time())]
def mark(): marks.append((time.perf_counter(), time.process_time()))
from deckgen import code_cache
code_cache.install()  # as the deckgen command group
exec(sys.argv[2])
mark()
from deckgen import pipeline
from deckgen.render.writer import render_pptx
from deckgen.slides.deck import build_deck
from deckgen.wording import Wording
import gc
gc.freeze(); gc.enable()  # as deckgen.cli._Imports
mark()
source = Path(sys.argv[1])
settings = pipeline.resolve_settings(None, None, source=source)
wording = Wording(settings.lang, None, digits=settings.effective_digits,
                  currency=settings.currency, vocabulary=settings.vocabulary)
tables = pipeline.load_source(source, settings)
mark()
metrics = pipeline.compute_metrics(tables, pipeline.resolve_period(None, tables, settings),
                                   settings.metrics)
mark()
deck = build_deck(metrics, settings, wording, warnings=tables.warnings)
mark()
render_pptx(deck)
mark()
names = ["imports: the libraries", "imports: deckgen", "load + validate", "metrics",
         "slide model + wording", "render"]
print(json.dumps({n: [b[0] - a[0], b[1] - a[1]] for n, a, b in zip(names, marks, marks[1:])}))
"""


def timed(command: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of `command` run to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env, cwd=cwd)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _median(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def _export(ref: str, folder: Path) -> Path:
    """The tree of revision `ref` written to `folder`."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def _stages(python: str, workbook: Path, env: dict[str, str]) -> dict[str, list[float]]:
    """Wall and CPU seconds of each stage of one render, in a fresh process."""
    done = subprocess.run(
        [python, "-c", _STAGES, str(workbook), FLOOR_IMPORTS],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(done.stdout)


def main() -> None:
    """Run the rounds and print medians, ratios and the stage profile."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="rounds (medians)")
    parser.add_argument("--ref", help="also time this revision's render, alternating")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deckgen-bench-cli-") as tmp:
        folder = Path(tmp)
        # Bytecode of deckgen's own modules as an installed wheel has it (pip compiles it).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["XDG_CACHE_HOME"] = str(folder / "cache")
        workbook = folder / "sample.xlsx"
        deck = folder / "deck.pptx"
        python = sys.executable
        subprocess.run(
            [python, "-c", _CLI, "sample", "-o", str(workbook)],
            check=True,
            capture_output=True,
            env=env,
        )
        commands: dict[str, tuple[list[str], Path | None]] = {
            "render": ([python, "-c", _CLI, "render", str(workbook), "-o", str(deck)], None),
            "floor": ([python, "-c", FLOOR_IMPORTS], None),
            "floor+deckgen": ([python, "-c", FLOOR_WITH_DECKGEN], None),
            "help": ([python, "-c", _CLI, "--help"], None),
        }
        if args.ref:
            tree = _export(args.ref, folder / "ref")
            ref_deck = folder / "ref.pptx"
            ref_cli = [python, "-c", _CLI_AT, str(tree), "render", str(workbook), "-o"]
            # Run from its tree, so that no deckgen of this checkout is found first.
            commands["ref"] = ([*ref_cli, str(ref_deck)], tree)
        cold = timed(commands["render"][0], env)
        for command, cwd in commands.values():  # warm the file cache and template caches
            timed(command, env, cwd)
        seen: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        profiles: list[dict[str, list[float]]] = []
        for _ in range(args.repeat):
            for name, (command, cwd) in commands.items():
                seen[name].append(timed(command, env, cwd))
            profiles.append(_stages(python, workbook, env))
        same = args.ref is None or deck.read_bytes() == ref_deck.read_bytes()
    render, floor, floor_own, help_ = (
        _median(seen[name]) for name in ("render", "floor", "floor+deckgen", "help")
    )
    stages = {name: _median([tuple(p[name]) for p in profiles]) for name in profiles[0]}
    load = os.getloadavg()[0]
    print(f"sample deck, whole process (medians of {args.repeat}, load average {load:.1f}):")
    print(
        f"  deckgen render (warm template cache)  {render[0]:6.2f} s wall  {render[1]:5.2f} s CPU"
    )
    if args.ref:
        ref = _median(seen["ref"])
        print(
            f"  the same at {args.ref[:12]:<12}           {ref[0]:6.2f} s wall  {ref[1]:5.2f} s CPU"
            f"  (now {render[1] / ref[1]:.2f}x its CPU; decks {'identical' if same else 'DIFFER'})"
        )
    print(f"  deckgen render, first (cold cache)     {cold[0]:6.2f} s wall  {cold[1]:5.2f} s CPU")
    print(f"  import floor of its libraries          {floor[0]:6.2f} s wall  {floor[1]:5.2f} s CPU")
    print(
        f"  the floor and deckgen's own modules    {floor_own[0]:6.2f} s wall  "
        f"{floor_own[1]:5.2f} s CPU"
    )
    print(f"  deckgen --help                         {help_[0]:6.2f} s wall  {help_[1]:5.2f} s CPU")
    verdict = "met" if render[0] <= TARGET_S else "MISSED"
    print(
        f"  target <= {TARGET_S:g} s wall: {verdict}; the deck costs {render[1] / floor[1]:.2f}x "
        f"the CPU of importing its libraries ({render[1] - floor[1]:.2f} s of its own)"
    )
    print("  where one render's time goes (medians, wall s / CPU s):")
    for name, (wall, cpu) in stages.items():
        print(f"    {name:<24} {wall:6.2f}  {cpu:6.2f}")
    split = ", ".join(f"{name} {cpu:.2f}" for name, (_, cpu) in stages.items())
    row(
        "sample deck from the CLI (`deckgen sample`, then `deckgen render`), whole process, "
        f"median of {args.repeat} at a load average of {load:.1f}, against a bare import of "
        "the libraries it needs",
        f"{render[0]:.2f} s wall, {render[1]:.2f} s CPU (first run, compiling the wording: "
        f"{cold[1]:.2f} s CPU); import floor {floor[0]:.2f} s wall, {floor[1]:.2f} s CPU "
        f"({render[1] / floor[1]:.2f}x), with deckgen's own modules {floor_own[1]:.2f} s CPU; "
        f"by stage, CPU s: {split}; `--help` {help_[0]:.2f} s",
        f"<= {TARGET_S:g} s",
    )


if __name__ == "__main__":
    main()
