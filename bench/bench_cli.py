"""Bench: the sample deck from the command line, whole process, against the floor of its imports.

`deckgen sample` writes the sample workbook; `deckgen render` then makes its deck in a fresh
process, timed from exec to exit (target: a median of at most 1.0 s). Measured in the same
rounds, alternating with it:

- the import floor: a bare `python -c "import ..."` of the libraries the deck cannot do
  without (pandas, pyarrow, fastexcel, scipy.optimize and scipy.special for the customer-value
  fits, python-pptx, jinja2, pydantic, babel, click, xlsxwriter, fontTools), which no deck can
  beat on this machine;
- `deckgen --help`, which must stay quick.

Wall seconds on a shared machine mostly measure the other processes, so CPU seconds (user +
system, of the child) are printed beside them. The first render fills the compiled-template
cache (a private one under a temporary XDG_CACHE_HOME); it is timed apart as the cold render.
Then one render in a child process reports where its time goes (imports, load, metrics, slide
model and wording, render). Prints figures; asserts nothing.

    python bench/bench_cli.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_report import row  # bench/ is the script's folder: importable by name

TARGET_S = 1.0
FLOOR_IMPORTS = (
    "pandas, pyarrow, fastexcel, scipy.optimize, scipy.special, pptx, jinja2, pydantic, "
    "babel, click, xlsxwriter, fontTools.ttLib"
)
_CLI = "import sys; from deckgen.cli import main; sys.argv[0] = 'deckgen'; main()"
_STAGES = """
import json, sys, time
from pathlib import Path
marks = [(time.perf_counter(), time.process_time())]
def mark(): marks.append((time.perf_counter(), time.process_time()))
from deckgen import pipeline
from deckgen.render.writer import render_pptx
from deckgen.slides.deck import build_deck
from deckgen.wording import Wording
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
names = ["imports", "load + validate", "metrics", "slide model + wording", "render"]
print(json.dumps({n: [b[0] - a[0], b[1] - a[1]] for n, a, b in zip(names, marks, marks[1:])}))
"""


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of `command` run to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _median(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def main() -> None:
    """Run the rounds and print medians, ratios and the stage profile."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="rounds (medians)")
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
        commands = {
            "render": [python, "-c", _CLI, "render", str(workbook), "-o", str(deck)],
            "floor": [python, "-c", f"import {FLOOR_IMPORTS}"],
            "help": [python, "-c", _CLI, "--help"],
        }
        cold = timed(commands["render"], env)
        seen: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, command in commands.items():
                seen[name].append(timed(command, env))
        stages = json.loads(
            subprocess.run(
                [python, "-c", _STAGES, str(workbook)],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            ).stdout
        )
    render, floor, help_ = (_median(seen[name]) for name in ("render", "floor", "help"))
    load = os.getloadavg()[0]
    print(f"sample deck, whole process (medians of {args.repeat}, load average {load:.1f}):")
    print(
        f"  deckgen render (warm template cache)  {render[0]:6.2f} s wall  {render[1]:5.2f} s CPU"
    )
    print(f"  deckgen render, first (cold cache)     {cold[0]:6.2f} s wall  {cold[1]:5.2f} s CPU")
    print(f"  import floor of its libraries          {floor[0]:6.2f} s wall  {floor[1]:5.2f} s CPU")
    print(f"  deckgen --help                         {help_[0]:6.2f} s wall  {help_[1]:5.2f} s CPU")
    verdict = "met" if render[0] <= TARGET_S else "MISSED"
    print(
        f"  target <= {TARGET_S:g} s wall: {verdict}; the deck costs {render[1] / floor[1]:.2f}x "
        f"the CPU of importing its libraries ({render[1] - floor[1]:.2f} s of its own)"
    )
    print("  where one render's time goes (wall s / CPU s):")
    for name, (wall, cpu) in stages.items():
        print(f"    {name:<24} {wall:6.2f}  {cpu:6.2f}")
    row(
        "sample deck from the CLI (`deckgen sample`, then `deckgen render`), whole process, "
        f"median of {args.repeat}, against a bare import of the libraries it needs",
        f"{render[0]:.2f} s wall, {render[1]:.2f} s CPU (first run, compiling the wording: "
        f"{cold[1]:.2f} s CPU); import floor {floor[1]:.2f} s CPU ({render[1] / floor[1]:.2f}x); "
        f"`--help` {help_[0]:.2f} s",
        f"<= {TARGET_S:g} s",
    )


if __name__ == "__main__":
    main()
