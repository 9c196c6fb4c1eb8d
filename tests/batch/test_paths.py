"""Output patterns and client file names: a client can never write outside the output folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deckgen.batch.paths import OutputPattern, check_pattern, slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Acme Co.", "Acme-Co"),
        ("../../etc", "etc"),
        ("/etc/passwd", "etc-passwd"),
        ("a\\b", "a-b"),
        ("..", None),
        ("  ", None),
        ("شرکت نمونه", "شرکت-نمونه"),
        ("Ｆｕｌｌwidth", "Fullwidth"),
        (".hidden", "hidden"),
    ],
)
def test_slugify(name: str, slug: str | None) -> None:
    if slug is None:
        with pytest.raises(ValueError, match="no letters or digits"):
            slugify(name)
    else:
        assert slugify(name) == slug


def test_root_is_the_fixed_leading_folders(tmp_path: Path) -> None:
    assert OutputPattern("reports/{client}/{period}.pptx", tmp_path).root == tmp_path / "reports"
    assert (
        OutputPattern("out/decks/{client}-{period}.pptx", tmp_path).root == tmp_path / "out/decks"
    )
    assert OutputPattern("{client}.pptx", tmp_path).root == tmp_path
    assert OutputPattern("/srv/decks/{client}.pptx", tmp_path).root == Path("/srv/decks")


def test_path_fills_placeholders(tmp_path: Path) -> None:
    pattern = OutputPattern("reports/{client}/{lang}/{period}.pptx", tmp_path)
    assert pattern.path("acme", "2026-10", "fa") == tmp_path / "reports/acme/fa/2026-10.pptx"


def test_path_outside_root_is_refused(tmp_path: Path) -> None:
    pattern = OutputPattern("reports/{client}/{period}.pptx", tmp_path)
    with pytest.raises(ValueError, match="outside the output folder"):
        pattern.path("..", "2026-10", "en")


def test_symlink_escaping_root_is_refused(tmp_path: Path) -> None:
    (tmp_path / "reports").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "reports" / "acme").symlink_to(tmp_path / "elsewhere")
    pattern = OutputPattern("reports/{client}/{period}.pptx", tmp_path)
    with pytest.raises(ValueError, match="outside the output folder"):
        pattern.path("acme", "2026-10", "en")


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("reports/{period}.pptx", "must contain {client}"),
        ("reports/{client}/{month}.pptx", "unknown placeholder(s) ['month']"),
        ("reports/{client}.pdf", "must end in .pptx"),
        ("reports/{client}/../../{period}.pptx", "'..' after its first placeholder"),
        ("reports/{client!r}.pptx", "no format spec"),
        ("reports/{client:>9}.pptx", "no format spec"),
        ("reports/{client.pptx", "malformed"),
        ("reports/{0}.pptx", "unknown placeholder(s) ['0']"),
    ],
)
def test_bad_patterns(pattern: str, message: str) -> None:
    assert any(message in problem for problem in check_pattern(pattern))


def test_good_patterns_have_no_problems() -> None:
    assert check_pattern("../shared/{client}/{lang}-{period}.pptx") == []


@given(st.text(min_size=1, max_size=120))
def test_any_client_name_stays_inside_the_output_folder(name: str) -> None:
    base = Path("/tmp/deckgen-paths-test")
    try:
        slug = slugify(name)
    except ValueError:
        return  # names with nothing usable are refused when the run config is read
    assert "/" not in slug and "\\" not in slug and slug not in (".", "..")
    path = OutputPattern("reports/{client}/{period}.pptx", base).path(slug, "2026-10", "en")
    assert path.parent.parent == base / "reports"


@pytest.mark.parametrize(
    ("name", "characters", "utf8_bytes"),
    [
        ("a" * 240, 80, 80),
        ("ب" * 240, 80, 160),  # Persian letters: 2 bytes each
        ("中" * 240, 53, 159),  # 3 bytes each
        ("\U00020000" * 80, 40, 160),  # 4 bytes each: 80 of them made a 320-byte name
    ],
)
def test_a_slug_is_capped_in_bytes_too(name: str, characters: int, utf8_bytes: int) -> None:
    slug = slugify(name)
    assert (len(slug), len(slug.encode("utf-8"))) == (characters, utf8_bytes)


def test_a_file_name_too_long_for_the_file_system_is_refused(tmp_path: Path) -> None:
    pattern = OutputPattern("{client}-{client}-{client}.pptx", tmp_path)
    slug = slugify("\U00020000" * 80)
    with pytest.raises(ValueError, match="has a name of 487 bytes; file systems allow 255"):
        pattern.path(slug, "2026-10", "en")
    OutputPattern("{client}.pptx", tmp_path).path(slug, "2026-10", "en").write_text("")  # fits
