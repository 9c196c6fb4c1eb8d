"""Text measurement with real font files (fontTools): widths, wrapping and fitting font sizes.

PowerPoint only autofits text when a person edits it (python-pptx #1021), so deckgen measures
text itself. Widths are the sum of glyph advances (no kerning, no shaping). Arabic-script
characters are measured with Noto Sans Arabic and widened by `ARABIC_SLACK`, because the viewer
may substitute another Arabic font (RTL.md: Arabic/Persian widths vary by up to ~30%). A family
whose font file is not found is measured with DejaVu Sans, which is wider than Calibri and Arial,
so estimates err on the roomy side. docs/fonts.md lists the fonts looked for.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import marshal
import os
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import deckgen
from deckgen.cache_folder import cache_home, keep, load_kept, private_folder

ARABIC_SLACK = 1.3  # widen Arabic-script glyphs: a viewer's substitute font may be that much wider
# Line height (em) assumed for a line holding Arabic script. LibreOffice sets it at the Latin
# font's ~1.2 em; Noto Sans Arabic's own metrics (2.1 em) would apply where a viewer uses them
# for the whole line. 1.4 em keeps room without shrinking Persian text to nothing.
ARABIC_LINE_EM = 1.4
ARABIC_FAMILY = "Noto Sans Arabic"
FALLBACK_FAMILY = "DejaVu Sans"
_MISSING_GLYPH_EM = 0.6  # advance (in em) assumed for a character no known font has
# Each font's metrics are kept in the user's cache folder (deckgen.cache_folder): reading three
# or four font files with fontTools cost 25 ms of every render, importing fontTools 30 ms more.
_KEPT_FORMAT = b"deckgen-font-metrics 1\n"

# File names of each family (regular, bold), best first; metric-compatible stand-ins follow the
# original so that "Calibri" is measured with Carlito when Calibri itself is absent.
_FAMILY_FILES: dict[str, tuple[tuple[str, str], ...]] = {
    "calibri": (("calibri.ttf", "calibrib.ttf"), ("Carlito-Regular.ttf", "Carlito-Bold.ttf")),
    "carlito": (("Carlito-Regular.ttf", "Carlito-Bold.ttf"), ("calibri.ttf", "calibrib.ttf")),
    "arial": (
        ("arial.ttf", "arialbd.ttf"),
        ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    ),
    "liberation sans": (
        ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
        ("arial.ttf", "arialbd.ttf"),
    ),
    "noto sans arabic": (
        ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
        ("NotoSansArabic[wdth,wght].ttf", "NotoSansArabic[wdth,wght].ttf"),
    ),
    "dejavu sans": (("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),),
}
_ARABIC_RANGES = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)
_ARABIC_RE = re.compile(
    "[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in _ARABIC_RANGES) + "]"
)
# Wrapping results kept per (text, width, size, family, bold): tables and text boxes are
# measured again at each candidate font size, often with the same cell texts.
_WRAP_CACHE_SIZE = 8192
# Characters that take no room: joiners, bidi marks (the Arabic letter mark too) and isolates.
_ZERO_WIDTH = frozenset(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
) | frozenset("\u2066\u2067\u2068\u2069\ufeff")


@dataclass(frozen=True)
class _FontMetrics:
    """Advance widths and line height of one font file, in em."""

    advances: dict[int, float]  # code point -> advance width, em
    line_height: float  # ascender - descender + line gap, em


def is_arabic_char(char: str) -> bool:
    """True if `char` belongs to the Arabic script blocks."""
    return _ARABIC_RE.fullmatch(char) is not None


def has_arabic(text: str) -> bool:
    """True if `text` holds at least one Arabic-script character."""
    return _ARABIC_RE.search(text) is not None


@cache
def _presentation_forms() -> dict[str, dict[str, str]]:
    """Arabic letter -> {"isolated"|"final"|"initial"|"medial": presentation-form character}."""
    forms: dict[str, dict[str, str]] = {}
    for code in (*range(0xFB50, 0xFE00), *range(0xFE70, 0xFF00)):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and parts[0] in ("<isolated>", "<final>", "<initial>", "<medial>"):
            base = chr(int(parts[1], 16))
            forms.setdefault(base, {})[parts[0].strip("<>")] = chr(code)
    return forms


def _contextual(text: str) -> str:
    """`text` with each Arabic letter replaced by its joined form (lam-alef ligatures aside).

    Joined forms are narrower than isolated ones; measuring them is what shaping would give.
    """
    forms = _presentation_forms()
    chars = list(text)

    def neighbour(index: int, step: int) -> str | None:
        index += step
        while 0 <= index < len(chars) and unicodedata.category(chars[index]) == "Mn":
            index += step
        return chars[index] if 0 <= index < len(chars) else None

    def joins_forward(char: str | None) -> bool:  # dual-joining: connects to the next letter
        return char == "\u0640" or (char is not None and "initial" in forms.get(char, {}))

    def joins_back(char: str | None) -> bool:  # has a final form: connects to the previous one
        return char == "\u0640" or (char is not None and "final" in forms.get(char, {}))

    out = []
    for index, char in enumerate(chars):
        shapes = forms.get(char)
        if not shapes:
            out.append(char)
            continue
        back = joins_back(char) and joins_forward(neighbour(index, -1))
        forward = joins_forward(char) and joins_back(neighbour(index, 1))
        form = {(True, True): "medial", (True, False): "final", (False, True): "initial"}.get(
            (back, forward), "isolated"
        )
        out.append(shapes.get(form) or shapes.get("isolated") or char)
    return "".join(out)


def _font_dirs() -> list[Path]:
    """Folders searched for font files, most specific first."""
    dirs = [Path(p) for p in os.environ.get("DECKGEN_FONT_DIRS", "").split(os.pathsep) if p]
    spec = importlib.util.find_spec("fontpkg_noto_sans_arabic")
    if spec is not None and spec.origin is not None:
        dirs.append(Path(spec.origin).parent / "files")
    home = Path.home()
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", "C:/Windows"))
        dirs += [
            windir / "Fonts",
            Path(os.environ.get("LOCALAPPDATA", home)) / "Microsoft/Windows/Fonts",
        ]
    elif sys.platform == "darwin":
        dirs += [home / "Library/Fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts")]
    dirs += [
        home / ".local/share/fonts",
        home / ".fonts",
        Path("/usr/local/share/fonts"),
        Path("/usr/share/fonts"),
    ]
    # matplotlib ships DejaVu Sans, the fallback; find it without importing matplotlib.
    spec = importlib.util.find_spec("matplotlib")
    if spec is not None and spec.origin is not None:
        dirs.append(Path(spec.origin).parent / "mpl-data/fonts/ttf")
    return dirs


@cache
def _font_index() -> dict[str, Path]:
    """Lower-cased font file name -> first path found with that name."""
    index: dict[str, Path] = {}
    for folder in _font_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() in (".ttf", ".otf"):
                index.setdefault(path.name.lower(), path)
    return index


def font_path(family: str, bold: bool = False) -> Path | None:
    """The font file measured for `family` (or its metric-compatible stand-in); None if absent."""
    index = _font_index()
    key = family.strip().lower()
    candidates = _FAMILY_FILES.get(key)
    if candidates is None:
        stem = family.replace(" ", "")
        candidates = ((f"{stem}-Regular.ttf", f"{stem}-Bold.ttf"), (f"{stem}.ttf", f"{stem}.ttf"))
    for regular, bold_name in candidates:
        path = index.get((bold_name if bold else regular).lower())
        if path is not None:
            return path
    return None


def resolved_font_path(family: str, bold: bool = False) -> Path | None:
    """The font file actually used to measure `family`: its own, else the DejaVu Sans fallback."""
    return font_path(family, bold) or font_path(FALLBACK_FAMILY, bold)


@cache
def _metrics(path: Path | None) -> _FontMetrics:
    if path is None:
        return _FontMetrics(advances={}, line_height=1.2)
    place = _kept_place(path)
    kept = None if place is None else _kept_metrics(*place)
    if kept is not None:
        return kept
    metrics = read_font_metrics(path)
    if place is not None and private_folder(place[0]):
        keep(*place, _KEPT_FORMAT, marshal.dumps((metrics.advances, metrics.line_height)))
    return metrics


def read_font_metrics(path: Path) -> _FontMetrics:
    """The advances and line height of the font file `path`, read with fontTools."""
    from fontTools.ttLib import TTFont  # lazy: 30 ms, only for a font not yet kept (see above)

    # fontTools logs a harmless warning about Carlito's 'created' date; keep it off the console.
    head_log = logging.getLogger("fontTools.ttLib.tables._h_e_a_d")
    was_disabled, head_log.disabled = head_log.disabled, True
    try:
        font = TTFont(path, lazy=True)
        upm = font["head"].unitsPerEm
    finally:
        head_log.disabled = was_disabled
    # Glyphs named by their index: the advances are the same, and the glyph names of the 'post'
    # table are not decoded (half the cost of reading a font, paid by every render).
    font.setGlyphOrder([f"glyph{index}" for index in range(font["maxp"].numGlyphs)])
    hmtx = font["hmtx"].metrics
    advances = {code: hmtx[name][0] / upm for code, name in font.getBestCmap().items()}
    hhea = font["hhea"]
    line_height = (hhea.ascent - hhea.descent + hhea.lineGap) / upm
    font.close()
    return _FontMetrics(advances=advances, line_height=line_height)


def _kept_place(path: Path) -> tuple[Path, str] | None:
    """The folder and file name a font's metrics are kept under: named for the font file (path,
    size, times, inode) and for this module's code, so a font replaced or updated, or metrics
    read another way by another deckgen, are read again."""
    home = cache_home()
    try:
        info = path.stat()
    except OSError:
        return None
    if home is None:
        return None
    # The change time and inode too: a font rewritten or replaced with its size and modification
    # time kept (cp -p, tar, rsync -a, systems that give every file one time) changes them.
    stamp = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    key = f"{path.resolve()}\0{stamp}\0{_reader_digest()}"
    return home / "fonts", hashlib.sha256(key.encode()).hexdigest()[:32] + ".bin"


@cache
def _reader_digest() -> str:
    """SHA-256 of this module's source: another way of reading fonts is never given old metrics."""
    try:
        return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    except OSError:  # no source beside the module (a frozen app): the version stands for it
        return deckgen.__version__


def _kept_metrics(folder: Path, name: str) -> _FontMetrics | None:
    """A font's metrics as the last process kept them; None if not kept, untrusted or damaged."""
    kept = load_kept(folder, name, _KEPT_FORMAT)
    if not isinstance(kept, tuple) or len(kept) != 2:
        return None
    advances, line_height = kept
    if not isinstance(advances, dict) or type(line_height) is not float:
        return None
    if not all(type(code) is int and type(width) is float for code, width in advances.items()):
        return None
    return _FontMetrics(advances=advances, line_height=line_height)


def _char_width_em(char: str, family: str, bold: bool) -> float:
    """Advance of one character in em, from the font that would draw it."""
    widths = _char_widths(family, bold)
    width = widths.get(char)
    if width is None:
        width = widths[char] = _lookup_char_width_em(char, family, bold)
    return width


@cache
def _char_widths(family: str, bold: bool) -> dict[str, float]:
    """Character -> advance in em for `family`, filled as characters are first measured."""
    return {}


def _lookup_char_width_em(char: str, family: str, bold: bool) -> float:
    if char in _ZERO_WIDTH:
        return 0.0
    if is_arabic_char(char):
        width = _metrics(resolved_font_path(ARABIC_FAMILY, bold)).advances.get(ord(char))
        return ARABIC_SLACK * (width if width is not None else _MISSING_GLYPH_EM)
    for path in (resolved_font_path(family, bold), resolved_font_path(FALLBACK_FAMILY, bold)):
        width = _metrics(path).advances.get(ord(char))
        if width is not None:
            return width
    return _MISSING_GLYPH_EM


def _shaped(text: str) -> str:
    """`text` as it is measured: Arabic letters in their joined forms."""
    return _contextual(text) if has_arabic(text) else text


def _add_em(total: float, shaped: str, family: str, bold: bool) -> float:
    """`total` plus the advances of `shaped`, added one character at a time.

    Adding in text order gives the same float as summing the whole line, so widths built up
    word by word equal those of measuring the joined line.
    """
    widths = _char_widths(family, bold)
    for char in shaped:
        width = widths.get(char)
        total += width if width is not None else _char_width_em(char, family, bold)
    return total


def measure_width(text: str, size_pt: float, family: str = "Carlito", bold: bool = False) -> float:
    """Width of one line of `text` at `size_pt`, in points."""
    return size_pt * _add_em(0, _shaped(text), family, bold)


def line_height(text: str, size_pt: float, family: str = "Carlito", bold: bool = False) -> float:
    """Height of one line of `text` at `size_pt` (single spacing), in points."""
    em = _line_em(family, bold)
    if has_arabic(text):
        em = max(em, ARABIC_LINE_EM)
    return size_pt * em


@cache
def _line_em(family: str, bold: bool) -> float:
    return _metrics(resolved_font_path(family, bold)).line_height


def font_line_height(size_pt: float, family: str, bold: bool = False) -> float:
    """Height of one line at `size_pt` by the font file's own metrics (no Arabic floor), points."""
    return size_pt * _line_em(family, bold)


def wrap_text(
    text: str, width_pt: float, size_pt: float, family: str = "Carlito", bold: bool = False
) -> list[str]:
    """`text` broken into lines no wider than `width_pt` (at spaces; over-long words split)."""
    return list(_wrap(text, width_pt, size_pt, family, bold))


@lru_cache(maxsize=_WRAP_CACHE_SIZE)
def _wrap(text: str, width_pt: float, size_pt: float, family: str, bold: bool) -> tuple[str, ...]:
    # Each word is shaped once and the line's width grows by its advances; spaces stop Arabic
    # joining, so shaping word by word gives the forms that shaping the whole line would.
    space_em = _add_em(0, " ", family, bold)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, line_em = "", 0.0
        for word in paragraph.split(" "):
            shaped = _shaped(word)
            start = line_em + space_em if line else 0
            candidate_em = _add_em(start, shaped, family, bold)
            if size_pt * candidate_em <= width_pt:
                line = f"{line} {word}" if line else word
                line_em = candidate_em
                continue
            if line:
                lines.append(line)
            *pieces, line = _split_word(word, has_arabic(word), width_pt, size_pt, family, bold)
            lines += pieces
            line_em = _add_em(0, _shaped(line), family, bold)
        lines.append(line)
    return tuple(lines)


def _split_word(
    word: str, arabic: bool, width_pt: float, size_pt: float, family: str, bold: bool
) -> list[str]:
    """An over-long `word` cut into pieces no wider than `width_pt` (the last may be shorter)."""
    pieces: list[str] = []
    line, line_em = "", 0
    for char in word:
        grown_em = _add_em(line_em, char, family, bold)
        if arabic:  # a piece's last letter takes another joined form, so shape each piece anew
            too_wide = measure_width(line + char, size_pt, family, bold) > width_pt
        else:
            too_wide = size_pt * grown_em > width_pt
        if line and too_wide:
            pieces.append(line)
            line, grown_em = "", _add_em(0, char, family, bold)
        line, line_em = line + char, grown_em
    pieces.append(line)
    return pieces


def text_height(
    text: str,
    width_pt: float,
    size_pt: float,
    family: str = "Carlito",
    bold: bool = False,
    spacing: float = 1.0,
) -> float:
    """Height of `text` wrapped to `width_pt`, in points; `spacing` multiplies the line height."""
    lines = wrap_text(text, width_pt, size_pt, family, bold)
    return len(lines) * line_height(text, size_pt, family, bold) * spacing


def fit_font_size(
    text: str,
    box_w_pt: float,
    box_h_pt: float,
    max_pt: float,
    min_pt: float,
    family: str = "Carlito",
    bold: bool = False,
    spacing: float = 1.0,
    step_pt: float = 0.5,
) -> float | None:
    """The largest size in [min_pt, max_pt] (in `step_pt` steps) at which `text` fits the box."""
    size = max_pt
    while size >= min_pt - 1e-9:
        lines = wrap_text(text, box_w_pt, size, family, bold)
        too_wide = any(measure_width(line, size, family, bold) > box_w_pt for line in lines)
        height = len(lines) * line_height(text, size, family, bold) * spacing
        if not too_wide and height <= box_h_pt:
            return size
        size -= step_pt
    return None
