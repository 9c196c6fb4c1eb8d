"""Check: this checkout's sample decks are byte-identical to a reference revision's (issue 16).

Speed work must not change a deck. The sample workbooks (`sample_data/sample.xlsx`, and the
Persian and Arabic samples `deckgen sample --lang fa|ar` makes) are rendered by this checkout
and by the reference revision (a `git archive` of it; by default where this branch left `main`, so
that wording changed on main since does not count), each in a fresh
interpreter of this environment and with an empty template cache, then again by this checkout
with the cache it just filled; the sha256 of every deck is printed and compared. Exits 1 when
any differs.

    python bench/check_identical.py [--ref REVISION] [--charts native]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "sample.xlsx"
LANGS = ("en", "fa", "ar")
_CLI = "import sys; sys.path.insert(0, sys.argv.pop(1)); from deckgen.cli import main; main()"


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def export(ref: str, folder: Path) -> Path:
    """The tree of `ref` written to `folder` (its deckgen package imports from there)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def _render(code: Path, workbook: Path, output: Path, cache: Path, charts: str) -> str:
    """The sha256 of the deck `code`'s deckgen renders from `workbook`, in a fresh interpreter."""
    env = os.environ | {"XDG_CACHE_HOME": str(cache)}
    subprocess.run(
        [
            sys.executable,
            "-c",
            _CLI,
            str(code),
            "render",
            str(workbook),
            "-o",
            str(output),
            "--charts",
            charts,
        ],
        check=True,
        capture_output=True,
        env=env,
        cwd=code,
    )
    return hashlib.sha256(output.read_bytes()).hexdigest()


def _workbooks(folder: Path) -> dict[str, Path]:
    """The sample workbook of each language (with its deckgen.toml beside it)."""
    books = {"en": SAMPLE}
    for lang in LANGS[1:]:
        target = folder / lang / "sample.xlsx"
        target.parent.mkdir()
        subprocess.run(
            [sys.executable, "-m", "deckgen.cli", "sample", "--lang", lang, "-o", str(target)],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        books[lang] = target
    return books


def check(ref: str, charts: str) -> bool:
    """Print the digests of each language's deck; True when all three renders agree."""
    with tempfile.TemporaryDirectory(prefix="deckgen-identical-") as tmp:
        folder = Path(tmp)
        reference = export(ref, folder / "ref")
        books = _workbooks(folder)
        same = True
        print(f"sample decks ({charts} charts): this checkout against {ref}")
        for lang, book in books.items():
            out = folder / f"{lang}.pptx"
            theirs = _render(reference, book, out, folder / f"cache-ref-{lang}", charts)
            cold = _render(ROOT, book, out, folder / f"cache-{lang}", charts)
            warm = _render(ROOT, book, out, folder / f"cache-{lang}", charts)
            agree = theirs == cold == warm
            same &= agree
            print(
                f"  {lang}: {ref} {theirs[:16]}  this (cold cache) {cold[:16]}  "
                f"(warm cache) {warm[:16]}  {'identical' if agree else 'DIFFERENT'}"
            )
        return same


def main() -> None:
    """Compare, print, and exit 1 when a deck differs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", help="the reference revision (default: merge-base with main)")
    parser.add_argument("--charts", default="native", choices=("native", "image"))
    args = parser.parse_args()
    ref = args.ref or _git("merge-base", "HEAD", "main")
    if not check(ref, args.charts):
        sys.exit(1)


if __name__ == "__main__":
    main()
