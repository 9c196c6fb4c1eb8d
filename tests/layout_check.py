"""A layout checker for rendered decks: what a designer would send back, found by a program.

`check_deck(pptx, pdf)` reads a deck back twice: with python-pptx (the sizes and boxes deckgen
declared) and from the PDF LibreOffice made of it (`pdftotext -bbox-layout`: where every word
really landed). It reports, per slide:

- `small-text`: a run, table cell or chart text declared smaller than the floor (10 pt on a
  slide, 9 pt in the footer);
- `overlap`: two words of different lines drawn over each other (text on text);
- `outside`: a word drawn outside every text box, table and chart of its slide (text that
  overflowed its box, a table grown past its rows);
- `footer`: a word of the slide's content drawn into the footer band (a word that is not the
  footer's own, even inside the footer's boxes);
- `broken-word`: a word of the deck's text split across two lines (LibreOffice breaks a word
  that is wider than its box or category slot);
- `table-fill`: a table continued on the next slide while its own slide is less than 60% full;
- `footer-baseline`: the footer's words (its text and the slide number) not on one baseline.

Any deck can be checked: `python -m tests.layout_check deck.pptx [deck.pdf]` prints the
findings (converting the deck with LibreOffice when no PDF is given).
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn
from pptx.slide import Slide

SLIDE_FLOOR_PT = 10.0
FOOTER_FLOOR_PT = 9.0
TABLE_FILL = 0.60  # share of the room below a table's top it must fill before continuing
EMU_PER_PT = 12700
_CONTENT_BOTTOM = 6.80 / 7.5  # the grid's content region ends here, a share of the slide height
_TOLERANCE_PT = 2.0  # glyph boxes overshoot the shape's box by about this much
_OVERLAP_SHARE = 0.25  # words overlap when this share of the smaller one's core is covered
_CORE_INSET = 0.25  # a word's core: its box less this share of its height at top and bottom
_SAME_EDGE_PT = 0.05  # words whose both side edges match this closely are one upright line
_BASELINE_PT = 1.0  # footer words whose boxes' bottoms differ more are off one baseline
_FOOTER_NAMES = ("Footer", "Slide Number")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]")
# A lone lower-case Latin letter beside Arabic letters ("c", "l"): what pdftotext reads for
# some glyphs of LibreOffice's chart text.
_STRAY_LATIN = re.compile(
    "(?<=[\u0600-\u06ff])[a-z](?![A-Za-z])|(?<![A-Za-z])[a-z](?=[\u0600-\u06ff])"
)
_ARABIC = re.compile("[\u0600-\u06ff]")
_EDGE_PUNCTUATION = "«»()[]،؛:;,.!?\"'“”‘’"
_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Finding:
    """One layout problem: slide number (1-based), rule and what was found."""

    slide: int
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"slide {self.slide}: {self.rule}: {self.detail}"


@dataclass(frozen=True)
class Rect:
    """A rectangle in points, from the slide's top left."""

    x0: float
    y0: float
    x1: float
    y1: float

    def grown(self, by: float) -> Rect:
        """This rectangle with `by` points more on every side."""
        return Rect(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)

    def contains(self, other: Rect) -> bool:
        """True if `other` lies inside this rectangle."""
        return (
            self.x0 <= other.x0
            and self.y0 <= other.y0
            and other.x1 <= self.x1
            and other.y1 <= self.y1
        )

    def overlap_area(self, other: Rect) -> float:
        """Area (pt²) the two rectangles share."""
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w * h if w > 0 and h > 0 else 0.0

    @property
    def area(self) -> float:
        """Width times height, pt²."""
        return max(self.x1 - self.x0, 0.0) * max(self.y1 - self.y0, 0.0)


@dataclass(frozen=True)
class Word:
    """A word as LibreOffice drew it: text, box, and the line and block it belongs to."""

    text: str
    box: Rect  # the font's full height (ascent to descent) over the word's advance
    line: int  # index of its line on the page
    block: int  # index of its block on the page

    @property
    def core(self) -> Rect:
        """The middle of the box, where the letters' ink is: the font box reaches well above
        and below it (an Arabic font's box is twice the size), and neighbouring lines' boxes
        touch where their letters do not."""
        inset_y = (self.box.y1 - self.box.y0) * _CORE_INSET
        inset_x = min((self.box.x1 - self.box.x0) * _CORE_INSET, inset_y)
        return Rect(
            self.box.x0 + inset_x,
            self.box.y0 + inset_y,
            self.box.x1 - inset_x,
            self.box.y1 - inset_y,
        )


def _shape_rect(shape) -> Rect:
    x, y = shape.left / EMU_PER_PT, shape.top / EMU_PER_PT
    return Rect(x, y, x + shape.width / EMU_PER_PT, y + shape.height / EMU_PER_PT)


def _is_footer(shape) -> bool:
    if shape.name.startswith(_FOOTER_NAMES):
        return True
    if shape.is_placeholder:
        kind = shape.placeholder_format.type
        return kind in (PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER)
    return False


def _table_rect(shape) -> Rect:
    """A table's box with its rows' declared heights (LibreOffice may still grow them)."""
    rect = _shape_rect(shape)
    height = sum(row.height for row in shape.table.rows) / EMU_PER_PT
    return Rect(rect.x0, rect.y0, rect.x1, rect.y0 + height)


def _run_sizes(element: etree._Element) -> Iterator[tuple[float, str]]:
    """(size in pt, text) of every run and field under `element` that holds text and a size."""
    for run in element.iter(qn("a:r"), qn("a:fld")):
        text = (run.findtext(qn("a:t")) or "").strip()
        props = run.find(qn("a:rPr"))
        if text and props is not None and props.get("sz"):
            yield int(props.get("sz")) / 100, text


def _chart_sizes(chart_space: etree._Element) -> Iterator[tuple[float, str]]:
    """(size in pt, where) of every text size a chart declares (defaults and runs)."""
    for props in chart_space.iter(qn("a:defRPr"), qn("a:rPr")):
        if props.get("sz"):
            owner = props.getparent()
            while owner is not None and not etree.QName(owner).localname.endswith(
                ("Ax", "legend", "dLbls", "dLbl", "title", "chartSpace")
            ):
                owner = owner.getparent()
            where = "chart" if owner is None else etree.QName(owner).localname
            yield int(props.get("sz")) / 100, f"chart {where} text"


def _small_text(number: int, slide: Slide) -> Iterator[Finding]:
    for shape in slide.shapes:
        floor = FOOTER_FLOOR_PT if _is_footer(shape) else SLIDE_FLOOR_PT
        sizes: Iterable[tuple[float, str]] = ()
        if shape.has_text_frame or shape.has_table:
            sizes = _run_sizes(shape._element)
        elif getattr(shape, "has_chart", False) and shape.has_chart:
            sizes = _chart_sizes(shape.chart._chartSpace)
        for size, text in sizes:
            if size < floor - 1e-6:
                yield Finding(
                    number,
                    "small-text",
                    f"{size:g} pt < {floor:g} pt in {shape.name}: {text[:40]!r}",
                )


def _table_fill(slides: list[Slide], height_pt: float) -> Iterator[Finding]:
    """A table whose header repeats on the next slide must fill TABLE_FILL of its room first."""
    bottom = height_pt * _CONTENT_BOTTOM
    tables = [[s for s in slide.shapes if s.has_table] for slide in slides]
    for number, (here, after) in enumerate(itertools.pairwise(tables), start=1):
        headers_after = {_header(t) for t in after}
        for shape in here:
            if _header(shape) not in headers_after:
                continue
            rect = _table_rect(shape)
            fill = (rect.y1 - rect.y0) / max(bottom - rect.y0, 1.0)
            if fill < TABLE_FILL:
                yield Finding(
                    number,
                    "table-fill",
                    f"{shape.name} fills {fill:.0%} of its slide before it continues "
                    f"(at least {TABLE_FILL:.0%})",
                )


def _header(shape) -> tuple[str, ...]:
    return tuple(cell.text for cell in shape.table.rows[0].cells)


def _vocabulary(prs) -> set[str]:
    """Every whitespace-separated word of the deck's text: slides, tables and chart XML."""
    words: set[str] = set()
    for slide in prs.slides:
        for shape in slide.shapes:
            texts = list(shape._element.itertext())
            if getattr(shape, "has_chart", False) and shape.has_chart:
                texts += list(shape.chart._chartSpace.itertext())
            for text in texts:
                words.update(_normalise(w) for w in text.split())
    words.discard("")
    return words


def _normalise(word: str) -> str:
    """A word as compared: compatibility forms folded, bidi marks and joiners and edge
    punctuation dropped (LibreOffice's PDF keeps Arabic letters unjoined, so folding the
    presentation forms makes both sides alike), and the stray Latin letters pdftotext
    reads between the Arabic letters of LibreOffice's chart text; combining marks go too
    (pdftotext places a hamza or vowel sign as a word of its own)."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", word))
    text = _STRAY_LATIN.sub("", text.replace("\u200c", ""))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.strip(_EDGE_PUNCTUATION)


def _is_mark(text: str) -> bool:
    """True for a 'word' that is only combining marks (LibreOffice's PDF places an Arabic
    hamza or vowel sign on its own)."""
    return all(unicodedata.category(ch) in ("Mn", "Me", "Cf") for ch in text)


def pdf_words(pdf: Path) -> list[list[Word]]:
    """The words of every page of `pdf`, in points from the page's top left."""
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], check=True, capture_output=True
    ).stdout
    root = etree.fromstring(out, etree.XMLParser(recover=True, huge_tree=True))
    pages = []
    for page in root.iter(f"{_XHTML}page"):
        words: list[Word] = []
        line_index = 0
        for block_index, block in enumerate(page.iter(f"{_XHTML}block")):
            for line in block.iter(f"{_XHTML}line"):
                line_index += 1
                for word in line.iter(f"{_XHTML}word"):
                    box = Rect(*(float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
                    words.append(Word(word.text or "", box, line_index, block_index))
        pages.append(words)
    return pages


def _word_findings(
    number: int,
    slide: Slide,
    words: list[Word],
    scale: float,
    vocabulary: set[str],
) -> Iterator[Finding]:
    drawn = [w for w in words if w.text.strip() and not _is_mark(w.text)]
    boxes, footer, charts = [], [], []
    footer_words = {
        _normalise(word)
        for shape in slide.shapes
        if _is_footer(shape) and shape.has_text_frame
        for word in shape.text_frame.text.split()
    }
    for shape in slide.shapes:
        is_chart = getattr(shape, "has_chart", False) and shape.has_chart
        if shape.has_table:
            rect = _table_rect(shape)
        elif shape.has_text_frame or is_chart:
            rect = _shape_rect(shape)
        else:
            continue
        rect = Rect(rect.x0 * scale, rect.y0 * scale, rect.x1 * scale, rect.y1 * scale)
        (footer if _is_footer(shape) else boxes).append(rect)
        if is_chart:
            charts.append(rect)
    footer_top = min((r.y0 for r in footer), default=None)
    baselines: list[Word] = []
    for word in drawn:
        core = word.core
        in_footer = any(r.grown(_TOLERANCE_PT).contains(core) for r in footer)
        shown = _normalise(word.text)
        # The footer's own words (pdftotext gives Arabic letters in visual order, reversed).
        if in_footer and (shown in footer_words or shown[::-1] in footer_words):
            baselines.append(word)
            continue
        if footer_top is not None and core.y1 > footer_top:
            yield Finding(number, "footer", f"{word.text!r} reaches into the footer band")
        elif not any(r.grown(_TOLERANCE_PT).contains(core) for r in boxes):
            yield Finding(number, "outside", f"{word.text!r} is drawn outside every text box")
    yield from _overlaps(number, drawn)
    yield from _broken_words(number, drawn, charts, vocabulary)
    yield from _footer_baseline(number, baselines)


def _footer_baseline(number: int, words: list[Word]) -> Iterator[Finding]:
    """The footer's words must share a baseline: pdftotext boxes of one size and font family
    share their bottom edge when their baselines do."""
    if not words:
        return
    low = min(words, key=lambda w: w.box.y1)
    high = max(words, key=lambda w: w.box.y1)
    if high.box.y1 - low.box.y1 > _BASELINE_PT:
        yield Finding(
            number,
            "footer-baseline",
            f"{low.text!r} sits {high.box.y1 - low.box.y1:.1f} pt above {high.text!r}",
        )


def _overlaps(number: int, words: list[Word]) -> Iterator[Finding]:
    ordered = sorted(words, key=lambda w: w.core.y0)
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second.core.y0 >= first.core.y1:
                break
            if first.line == second.line:
                continue
            shared = first.core.overlap_area(second.core)
            if shared > _OVERLAP_SHARE * min(first.core.area, second.core.area):
                yield Finding(
                    number,
                    "overlap",
                    f"{first.text!r} and {second.text!r} are drawn over each other",
                )


def _broken_words(
    number: int, words: list[Word], charts: list[Rect], vocabulary: set[str]
) -> Iterator[Finding]:
    """A deck word drawn in two pieces on two lines: the edge words of a paragraph's lines,
    or a chart label's word and the piece right under it."""
    stacked = [
        pair for chart in charts for pair in _stacked([w for w in words if chart.contains(w.core)])
    ]
    seen: set[tuple[str, str]] = set()
    for end, start in [*_line_edges(words), *stacked]:
        if _one_upright_line(end, start):
            continue
        joined = _joined(end.text, start.text, vocabulary)
        if joined and (end.text, start.text) not in seen:
            seen.add((end.text, start.text))
            yield Finding(
                number, "broken-word", f"{joined!r} is split as {end.text!r} / {start.text!r}"
            )


def _one_upright_line(first: Word, second: Word) -> bool:
    """True for two pieces of one line of text turned upright (an axis title, upright category
    labels): pdftotext splits it into words one above the other with exactly the same left
    and right edges, which two wrapped lines of horizontal text never have."""
    return (
        abs(first.box.x0 - second.box.x0) < _SAME_EDGE_PT
        and abs(first.box.x1 - second.box.x1) < _SAME_EDGE_PT
    )


def _stacked(words: list[Word]) -> Iterator[tuple[Word, Word]]:
    """Pairs of words of one size, one right under the other (a label wrapped in its
    category slot: centred, so its lines' edges do not line up)."""
    for upper in words:
        height = upper.box.y1 - upper.box.y0
        for lower in words:
            below = lower.core.y0 - upper.core.y1
            beside = min(upper.box.x1, lower.box.x1) - max(upper.box.x0, lower.box.x0)
            same_size = abs((lower.box.y1 - lower.box.y0) - height) <= 0.15 * height
            if 0 <= below <= 1.5 * height and beside > 0 and same_size:
                yield upper, lower


def _line_edges(words: list[Word]) -> Iterator[tuple[Word, Word]]:
    """The edge words of consecutive lines of one block (a paragraph wrapped in its box)."""
    lines: dict[tuple[int, int], list[Word]] = {}
    for word in words:
        lines.setdefault((word.block, word.line), []).append(word)
    by_block: dict[int, list[list[Word]]] = {}
    for (block, _), line in lines.items():
        by_block.setdefault(block, []).append(sorted(line, key=lambda w: w.box.x0))
    for block_lines in by_block.values():
        block_lines.sort(key=lambda line: line[0].box.y0)
        for upper, lower in itertools.pairwise(block_lines):
            if lower[0].core.y0 < upper[0].core.y1:
                continue  # one line that pdftotext split (a raised Arabic mark), not two
            if _ARABIC.search(upper[0].text + lower[-1].text):
                yield upper[0], lower[-1]  # right to left: a line ends at its left
            else:
                yield upper[-1], lower[0]


def _joined(end: str, start: str, vocabulary: set[str]) -> str | None:
    """The deck word that the pieces `end` + `start` make (in either reading order), if one
    of them is not a word by itself."""
    a, b = _normalise(end), _normalise(start)
    if not a or not b or not any(ch.isalpha() for ch in a + b):
        return None  # numbers stacked in a chart (labels of neighbouring bars) make no word
    if _ARABIC.search(a + b):  # pdftotext writes Arabic letters in visual order
        a, b = a[::-1], b[::-1]
    if a in vocabulary and b in vocabulary:
        return None  # two words, broken between them
    if a.endswith("-"):
        return None  # a line may break after a hyphen ("naive-" / "Bayes")
    return a + b if a + b in vocabulary else None


def check_deck(pptx: Path, pdf: Path | None = None) -> list[Finding]:
    """Every layout problem of the deck at `pptx`; the word checks need its PDF."""
    prs = Presentation(str(pptx))
    slides = list(prs.slides)
    height_pt = prs.slide_height / EMU_PER_PT
    findings: list[Finding] = []
    for number, slide in enumerate(slides, start=1):
        findings += _small_text(number, slide)
    findings += _table_fill(slides, height_pt)
    if pdf is not None:
        pages = pdf_words(pdf)
        if len(pages) != len(slides):
            findings.append(Finding(0, "pages", f"{len(pages)} PDF pages for {len(slides)} slides"))
        vocabulary = _vocabulary(prs)
        scale = 1.0  # LibreOffice writes a page of the slide's size in points
        for number, (slide, words) in enumerate(zip(slides, pages, strict=False), start=1):
            findings += _word_findings(number, slide, words, scale, vocabulary)
    return sorted(findings, key=lambda f: (f.slide, f.rule, f.detail))


def main(argv: list[str]) -> int:
    """`python -m tests.layout_check DECK.pptx [DECK.pdf]`: print the findings; 1 if any."""
    pptx = Path(argv[0])
    if len(argv) > 1:
        pdf = Path(argv[1])
    else:
        from deckgen.render.pdf import pdf_bytes

        pdf = pptx.with_suffix(".pdf")
        pdf.write_bytes(pdf_bytes(pptx))
    findings = check_deck(pptx, pdf)
    for finding in findings:
        print(finding)
    print(f"{len(findings)} finding(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
