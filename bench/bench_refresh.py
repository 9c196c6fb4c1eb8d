"""Bench: `deckgen refresh` of the sample deck against a fresh render of the same month.

Target (issue 14): a refresh no slower than a fresh render. The sample workbook's September
deck is rendered, edited as a consultant would (a moved and recoloured chart, a rewritten
title, a deleted slide), and refreshed to October; the fresh render is October's deck from
the same workbook. Both run in this process, alternating, after one cold run each, each after a
full garbage collection (so neither pays for the other's garbage: a full collection of the
render's leftovers costs some 0.1 s); prints the best and median of --repeat, wall clock and CPU
time of this process (steadier on a shared machine), the ratio of the bests and the median of
the ratios of each refresh to the render before it. Prints figures; asserts nothing.

Last figures (2026-12, load average 0.4): CPU 0.88 s against 0.89 s, best 0.99x, median of
the paired ratios 1.00x; at a load average of 3.9, best 1.02x, median 0.99x: the bench's ratios
move by about 0.04 from run to run on a shared machine (README's Speed table).

    python bench/bench_refresh.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_report import row
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.util import Emu

from deckgen.pipeline import render_deck
from deckgen.refresh.deck import refresh_deck
from deckgen.render.identity import slide_key, split_name

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "sample.xlsx"


def _edit(source: Path, target: Path) -> None:
    """A consultant's afternoon, in short."""
    prs = Presentation(str(source))
    for slide in prs.slides:
        for shape in slide.shapes:
            if split_name(shape.name)[1] == "customer_profile/chart1/chart.1":
                shape.left += Emu(300_000)
                fill = shape.chart.plots[0].series[0].format.fill
                fill.solid()
                fill.fore_color.rgb = RGBColor(0xFF, 0x00, 0xAA)
    prs.slides[1].shapes.title.text_frame.paragraphs[0].runs[0].text = "Our headline"
    for sld_id in list(prs.slides._sldIdLst):
        r_id = sld_id.get(qn("r:id"))
        if slide_key(prs.part.related_slide(r_id)) == "channels":
            prs.slides._sldIdLst.remove(sld_id)
            prs.part.drop_rel(r_id)
    prs.save(str(target))


def _timed(action: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of `action`, run after a full garbage collection."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    """Print the refresh and fresh-render times of the sample deck and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        september, edited = root / "september.pptx", root / "edited.pptx"
        render_deck(SAMPLE, september, period="2026-09")
        _edit(september, edited)

        def fresh() -> object:
            return render_deck(SAMPLE, root / "fresh.pptx", period="2026-10")

        def refresh() -> object:
            return refresh_deck(edited, SAMPLE, root / "refreshed.pptx", period="2026-10")

        fresh()
        report = refresh()  # cold runs
        renders, refreshes = [], []
        for _ in range(args.repeat):
            renders.append(_timed(fresh))
            refreshes.append(_timed(refresh))
    counts = ", ".join(f"{n} {s}" for s, n in sorted(report.counts().items()))
    print(f"sample deck, September edited -> October ({report.slides} slides; {counts})")
    medians = {}
    for clock, index in (("wall", 0), ("CPU", 1)):
        for name, runs in (("fresh render", renders), ("refresh", refreshes)):
            times = [run[index] for run in runs]
            print(
                f"  {clock:<4} {name:<13} best {min(times):.2f} s, "
                f"median {statistics.median(times):.2f} s"
            )
        ratio = min(r[index] for r in refreshes) / min(r[index] for r in renders)
        paired = statistics.median(
            a[index] / b[index] for a, b in zip(refreshes, renders, strict=True)
        )
        medians[clock] = paired
        print(
            f"  {clock:<4} refresh / fresh render: best {ratio:.2f}, median {paired:.2f} "
            "(target: at most 1.00)"
        )
    best = [min(run[i] for run in runs) for runs in (refreshes, renders) for i in (1, 0)]
    row(
        "`deckgen refresh` (`bench/bench_refresh.py`): the sample's September deck, edited "
        "(moved and recoloured chart, rewritten title, deleted slide), refreshed to October, "
        f"against a fresh October render; best of {args.repeat} in one run, each run after a "
        "full garbage collection",
        f"CPU {best[0]:.2f} s against {best[2]:.2f} s (best {best[0] / best[2]:.2f}×; median of "
        f"the paired ratios {medians['CPU']:.2f}×); wall {best[1]:.2f} s against "
        f"{best[3]:.2f} s ({best[1] / best[3]:.2f}×, median {medians['wall']:.2f}×)",
        "≤ 1.0×",
    )


if __name__ == "__main__":
    main()
