"""Text measurement with font files: widths, wrapping, fitting, Arabic script."""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st

from deckgen import textmetrics as tm

WORDS = st.lists(
    st.sampled_from(["customer", "CAC", "12", "conversion", "loyal", "a", "retention,", "NPS"]),
    min_size=1,
    max_size=30,
)


def test_fonts_are_found() -> None:
    assert tm.font_path("Carlito") is not None
    assert tm.font_path("Calibri") == tm.font_path("Carlito")  # metric-compatible stand-in
    assert tm.font_path("Noto Sans Arabic", bold=True) is not None
    assert tm.resolved_font_path("No Such Family") == tm.font_path("DejaVu Sans")


def test_width_is_the_sum_of_advances() -> None:
    assert tm.measure_width("", 12) == 0
    one = tm.measure_width("ab", 12)
    assert tm.measure_width("abab", 12) == pytest.approx(2 * one)
    assert tm.measure_width("ab", 24) == pytest.approx(2 * one)
    font = TTFont(tm.font_path("Carlito"))
    advance = font["hmtx"][font.getBestCmap()[ord("a")]][0]
    assert tm.measure_width("a", font["head"].unitsPerEm) == pytest.approx(advance)


def test_bold_and_unknown_families_are_wider() -> None:
    text = "Customer lifecycle review"
    assert tm.measure_width(text, 12, bold=True) > tm.measure_width(text, 12)
    assert tm.measure_width(text, 12, "No Such Family") > tm.measure_width(text, 12, "Calibri")


def test_arabic_uses_joined_forms_with_slack() -> None:
    word = "مشتری"
    isolated = sum(tm._char_width_em(char, "Carlito", False) for char in word)
    assert tm.measure_width(word, 1) < isolated  # joined forms are narrower
    assert tm._contextual("سلام") == "\ufeb3\ufee0\ufe8e\ufee1"  # initial, medial, final, isolated
    assert tm._contextual("ب\u200cب") == "\ufe8f\u200c\ufe8f"  # ZWNJ stops joining


def test_zero_width_characters() -> None:
    assert tm.measure_width("\u200c\u200f\u2066\u2069", 12) == 0


@settings(max_examples=60, deadline=None)
@given(WORDS, st.floats(min_value=40, max_value=400))
def test_wrapped_lines_fit_and_keep_the_words(words: list[str], width: float) -> None:
    text = " ".join(words)
    lines = tm.wrap_text(text, width, 12)
    for line in lines:
        assert tm.measure_width(line, 12) <= width or len(line) == 1
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_wrap_keeps_paragraph_breaks() -> None:
    assert tm.wrap_text("one\ntwo", 500, 12) == ["one", "two"]


def _greedy_wrap(text: str, width: float, size: float) -> list[str]:
    """Reference wrap: every candidate line measured whole, as a person would check it."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if tm.measure_width(candidate, size) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for char in word:
                if line and tm.measure_width(line + char, size) > width:
                    lines.append(line)
                    line = ""
                line += char
        lines.append(line)
    return lines


MIXED_WORDS = st.lists(
    st.sampled_from(
        ["customer", "CAC", "12\u00a0USD", "مشتری", "سلام", "ب\u200cب", "", "x" * 40, "وفاداری" * 4]
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=80, deadline=None)
@given(MIXED_WORDS, st.floats(min_value=5, max_value=300), st.sampled_from([8.0, 10.5, 14.0]))
def test_wrap_equals_measuring_each_candidate_line(
    words: list[str], width: float, size: float
) -> None:
    text = " ".join(words)
    assert tm.wrap_text(text, width, size) == _greedy_wrap(text, width, size)


def test_wrap_result_is_the_callers_own() -> None:
    lines = tm.wrap_text("loyal customers return", 60, 12)
    lines.append("changed")
    assert tm.wrap_text("loyal customers return", 60, 12) == lines[:-1]


def test_arabic_script_ranges() -> None:
    assert tm.is_arabic_char("\u0600") and tm.is_arabic_char("\ufeff")
    assert not tm.is_arabic_char("\u05ff") and not tm.is_arabic_char("\u0780")
    assert tm.has_arabic("CAC مشتری") and not tm.has_arabic("CAC 12")


def test_fit_font_size() -> None:
    text = "Email brings the cheapest customers: CAC 12 USD, a third of TV's"
    size = tm.fit_font_size(text, 300, 40, 20, 10)
    assert size is not None and 10 <= size < 20
    lines = tm.wrap_text(text, 300, size)
    assert len(lines) * tm.line_height(text, size) <= 40
    bigger = size + 0.5
    assert len(tm.wrap_text(text, 300, bigger)) * tm.line_height(text, bigger) > 40
    assert tm.fit_font_size(text, 50, 10, 20, 10) is None
    assert tm.fit_font_size("Hi", 300, 100, 20, 10) == 20


def test_arabic_lines_are_taller() -> None:
    assert tm.line_height("مشتری", 10) == pytest.approx(14.0)
    assert tm.line_height("customer", 10) == pytest.approx(10 * 2500 / 2048)
    assert tm.text_height("a b", 1000, 10) == pytest.approx(tm.line_height("a", 10))
    # The font's own line height has no Arabic floor: Noto Sans Arabic's is about 2.1 em.
    assert tm.font_line_height(10, "Carlito") == pytest.approx(10 * 2500 / 2048)
    assert tm.font_line_height(10, tm.ARABIC_FAMILY) > tm.line_height("مشتری", 10)


@pytest.mark.parametrize("bold", [False, True])
def test_advances_by_glyph_index_equal_those_by_glyph_name(bold: bool) -> None:
    """Reading a font without its glyph names changes no advance and no line height."""
    path = tm.resolved_font_path(tm.FALLBACK_FAMILY, bold)
    assert path is not None
    font = TTFont(path, lazy=True)  # fontTools' own reading, names from the 'post' table
    upm = font["head"].unitsPerEm
    hmtx = font["hmtx"].metrics
    by_name = {code: hmtx[name][0] / upm for code, name in font.getBestCmap().items()}
    measured = tm.read_font_metrics(path)
    assert measured.advances == by_name
    hhea = font["hhea"]
    line_height = (hhea.ascent - hhea.descent + hhea.lineGap) / upm
    font.close()
    assert measured.line_height == line_height
    if not bold:  # DejaVu Sans: 'A' advances 1401 and the minus sign 1716 of 2048 units
        assert measured.advances[ord("A")] == 1401 / 2048
        assert measured.advances[0x2212] == 1716 / 2048


@pytest.fixture
def kept_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own for the kept font metrics."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "deckgen" / "fonts"


def _dejavu() -> Path:
    path = tm.resolved_font_path(tm.FALLBACK_FAMILY)
    assert path is not None
    return path


def test_font_metrics_are_kept_and_read_back_equal(kept_home: Path) -> None:
    read = tm.read_font_metrics(_dejavu())
    first = tm._metrics.__wrapped__(_dejavu())  # reads the font, keeps its metrics
    assert first == read
    (kept,) = kept_home.iterdir()
    assert kept.stat().st_mode & 0o777 == 0o600
    assert kept_home.stat().st_mode & 0o777 == 0o700
    again = tm._metrics.__wrapped__(_dejavu())
    assert again == read
    assert again.advances[ord("A")] == 1401 / 2048  # DejaVu Sans: 1401 of 2048 units


def test_a_second_process_measures_without_fonttools(kept_home: Path) -> None:
    probe = (
        "import sys; from deckgen import textmetrics as tm\n"
        "width = tm.measure_width('Customers', 10, 'DejaVu Sans')\n"
        "print(width, 'fontTools' in sys.modules)"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(2)
    ]
    assert runs[0][1] == "True" and runs[1][1] == "False"
    assert runs[0][0] == runs[1][0] == repr(tm.measure_width("Customers", 10, "DejaVu Sans"))


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-3],
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),
        lambda data: b"",
    ],
    ids=["cut-short", "bit-flipped", "empty"],
)
def test_damaged_kept_metrics_are_read_from_the_font_again(kept_home: Path, damage) -> None:
    tm._metrics.__wrapped__(_dejavu())
    (kept,) = kept_home.iterdir()
    kept.write_bytes(damage(kept.read_bytes()))
    assert tm._metrics.__wrapped__(_dejavu()) == tm.read_font_metrics(_dejavu())
    assert tm._kept_metrics(kept_home, kept.name) is not None  # written again, whole


def test_kept_metrics_others_can_change_are_not_believed(kept_home: Path) -> None:
    tm._metrics.__wrapped__(_dejavu())
    (kept,) = kept_home.iterdir()
    kept.chmod(0o666)
    assert tm._kept_metrics(kept_home, kept.name) is None
    kept.chmod(0o600)
    kept_home.chmod(0o777)
    assert tm._kept_metrics(kept_home, kept.name) is None
    kept_home.chmod(0o700)
    assert tm._kept_metrics(kept_home, kept.name) == tm.read_font_metrics(_dejavu())


def test_well_formed_kept_metrics_of_the_wrong_shape_are_not_used(kept_home: Path) -> None:
    from deckgen.cache_folder import keep

    place = tm._kept_place(_dejavu())
    assert place is not None
    folder, name = place
    folder.mkdir(parents=True, mode=0o700)
    for content in ((["not", "a", "dict"], 1.2), ({65: "wide"}, 1.2), ({65: 0.5}, 1)):
        keep(folder, name, tm._KEPT_FORMAT, marshal.dumps(content))
        assert tm._kept_metrics(folder, name) is None
        assert tm._metrics.__wrapped__(_dejavu()) == tm.read_font_metrics(_dejavu())


def test_a_font_file_changed_is_read_again(kept_home: Path, tmp_path: Path) -> None:
    copy = tmp_path / "DejaVuSans.ttf"
    copy.write_bytes(_dejavu().read_bytes())
    first = tm._kept_place(copy)
    tm._metrics.__wrapped__(copy)
    os.utime(copy, ns=(1_000_000_000, 1_000_000_000))  # the same font, touched: another key
    second = tm._kept_place(copy)
    assert first is not None and second is not None and first[1] != second[1]
    assert tm._metrics.__wrapped__(copy) == tm.read_font_metrics(_dejavu())
    assert len(list(kept_home.iterdir())) == 2


def test_a_font_rewritten_with_its_size_and_time_kept_is_read_again(
    kept_home: Path, tmp_path: Path
) -> None:
    # Regression: the key was path, size and modification time, so a font rewritten with both
    # kept (cp -p, tar, rsync -a) was measured with the old font's metrics.
    copy = tmp_path / "Font.ttf"
    copy.write_bytes(_dejavu().read_bytes())
    first = tm._metrics.__wrapped__(copy)  # reading the font takes longer than a clock tick
    before, place = copy.stat(), tm._kept_place(copy)
    bold = tm.resolved_font_path(tm.FALLBACK_FAMILY, bold=True)
    assert bold is not None
    padded = bold.read_bytes().ljust(before.st_size, b"\0")  # the bold font, at the same size
    assert len(padded) == before.st_size
    copy.write_bytes(padded)
    os.utime(copy, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = copy.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert tm._kept_place(copy) != place  # its change time moved
    metrics = tm._metrics.__wrapped__(copy)
    assert metrics == tm.read_font_metrics(copy) != first  # DejaVu Sans Bold's wider advances
    assert metrics.advances[ord("A")] == 1585 / 2048  # DejaVu Sans Bold: 1585 of 2048 units


def test_metrics_kept_by_another_reading_of_fonts_are_not_used(
    kept_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept_place = tm._kept_place(_dejavu())
    monkeypatch.setattr(tm, "_reader_digest", lambda: "another textmetrics.py")
    assert tm._kept_place(_dejavu()) not in (kept_place, None)
