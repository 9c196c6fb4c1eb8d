"""The one line a bench prints for the README's Speed table (collected by bench/run_all.py)."""

from __future__ import annotations

ROW_MARK = "README-ROW\t"


def row(what: str, figure: str, target: str) -> None:
    """Print a Speed-table row: what was measured, the figures and ratios, the target."""
    cells = (
        cell.replace("|", "/").replace("\t", " ").replace("\n", " ")
        for cell in (what, figure, target)
    )
    print(ROW_MARK + "\t".join(cells), flush=True)
