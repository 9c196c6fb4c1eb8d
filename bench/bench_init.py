"""Bench: how much of each client export `deckgen init` maps right, and what then runs unedited.

Two corpora, each fixture knowing its true mapping: tests/propose/corpus.py, client exports
generated from the sample generator, each renamed and reshaped as one kind of client keeps its
data (English, German, Persian and Arabic names, title rows, yearly sheets, invoice lines,
decimal commas, text dates, currency signs, missing sheets, a CSV folder, orders-only exports);
and tests/propose/platforms.py, the sample written as Shopify, WooCommerce, Stripe and HubSpot
export it. For every fixture: init proposes a deckgen.toml; the fields it got right are counted
(required ones apart); the data is validated with the proposal as written and a deck rendered
from it, with no edit. Prints figures per corpus; asserts nothing.

    python bench/bench_init.py [--no-render] [--corpus generated|platforms] [FIXTURE ...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the corpus lives in tests/

from bench_report import row

from deckgen.errors import DeckgenError
from deckgen.pipeline import render_deck
from deckgen.propose import init_config
from tests.propose import corpus, platforms

TODAY = date(2026, 12, 5)  # the corpus ends in October 2026


# Each corpus: its fixtures, how one is written, how a proposal for it is scored.
CORPORA = {
    "generated": (corpus.CORPUS, corpus.build, corpus.score, "tests/propose/corpus.py"),
    "platforms": (
        platforms.PLATFORMS,
        platforms.build,
        platforms.score,
        "tests/propose/platforms.py",
    ),
}


def main() -> None:
    """Run the corpora and print one line per fixture, then the totals of each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fixtures", nargs="*", help="fixture names (default: all)")
    parser.add_argument("--no-render", action="store_true", help="skip rendering the decks")
    parser.add_argument("--corpus", choices=sorted(CORPORA), help="one corpus (default: both)")
    args = parser.parse_args()
    for name, (fixtures, build, score, where) in CORPORA.items():
        if args.corpus in (None, name):
            chosen = [f for f in fixtures if not args.fixtures or f.name in args.fixtures]
            if chosen:
                _run(chosen, build, score, where, render=not args.no_render)


def _run(specs: list, build: Callable, score: Callable, where: str, *, render: bool) -> None:
    """Init, score, validate and render every fixture of one corpus; print the figures."""
    totals = {"required": [0, 0], "all": [0, 0], "valid": 0, "rendered": 0}
    seconds: list[float] = []
    print(f"== {where}")
    with tempfile.TemporaryDirectory() as folder:
        for spec in specs:
            here = Path(folder) / spec.name
            here.mkdir()
            data = build(spec, here)
            output = here / "deckgen.toml"
            started = time.perf_counter()
            result = init_config(str(data), output, today=TODAY)
            seconds.append(time.perf_counter() - started)
            got = score(spec, output.read_text(encoding="utf-8"))
            totals["required"][0] += got.required_right
            totals["required"][1] += got.required
            totals["all"][0] += got.right
            totals["all"][1] += got.total
            totals["valid"] += result.valid
            rendered = "-"
            if result.valid and render:
                try:
                    deck = render_deck(data, here / "deck.pptx", config_path=output, today=TODAY)
                    rendered = f"{deck.slides} slides"
                    totals["rendered"] += 1
                except DeckgenError as exc:
                    rendered = f"failed: {str(exc).splitlines()[0]}"
            print(
                f"{spec.name:22} required {got.required_right:3}/{got.required:<3} "
                f"all {got.right:3}/{got.total:<3} valid {'yes' if result.valid else 'no ':3} "
                f"render {rendered:12} init {seconds[-1]:.2f} s"
            )
            for wrong in got.wrong:
                print(f"    wrong: {wrong}")
    required, every = totals["required"], totals["all"]
    print()
    print(f"fixtures: {len(specs)}")
    print(f"required fields right: {required[0]}/{required[1]} ({required[0] / required[1]:.1%})")
    print(f"all fields right: {every[0]}/{every[1]} ({every[0] / every[1]:.1%})")
    print(f"validate with no edit: {totals['valid']}/{len(specs)}")
    if render:
        print(f"render with no edit: {totals['rendered']}/{len(specs)}")
    median = sorted(seconds)[len(seconds) // 2]
    print(f"init per fixture: median {median:.2f} s, max {max(seconds):.2f} s")
    rendered = f", render {totals['rendered']}/{len(specs)}" if render else ""
    row(
        f"`deckgen init` (`bench/bench_init.py`) on the {len(specs)} fixture exports of "
        f"{where}: fields right, and workbooks that work with no edit",
        f"required {required[0]}/{required[1]} ({required[0] / required[1]:.1%}), all "
        f"{every[0]}/{every[1]} ({every[0] / every[1]:.1%}); validate {totals['valid']}/"
        f"{len(specs)}{rendered}; median {median:.2f} s per fixture",
        "required 100%, all ≥ 90%",
    )
    print()


if __name__ == "__main__":
    main()
