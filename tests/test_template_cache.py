"""The on-disk cache of compiled wording templates: reused, private, and never a reason to fail."""

from __future__ import annotations

import hashlib
import marshal
import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest
from jinja2.bccache import bc_magic

from deckgen.config import Vocabulary
from deckgen.sandbox import LimitedSandbox
from deckgen.template_cache import _FORMAT, cache_root, reset_shared_cache
from deckgen.wording import Wording

SOURCE = "{{ n | count }} {{ 'email' | label('channels') }} {{ 1234567 | count }}"


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty XDG cache home, seen by a fresh process-wide cache."""
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    reset_shared_cache()
    yield home
    reset_shared_cache()


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates compiled from source (not loaded from a cache)."""
    names: list[str] = []
    original = LimitedSandbox.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        names.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(LimitedSandbox, "compile", counting)
    return names


def templates(tmp_path: Path, source: str = SOURCE) -> Path:
    folder = tmp_path / "wording"
    for lang in ("en", "fa"):
        (folder / lang).mkdir(parents=True, exist_ok=True)
        (folder / lang / "t.j2").write_text(source, encoding="utf-8")
    return folder


def cached_files(home: Path) -> list[Path]:
    return sorted((home / "deckgen" / "templates").glob("*/*.bin"))


def new_process() -> None:
    """What a new process sees: no compiled template in memory."""
    reset_shared_cache()


def test_a_second_process_loads_the_compiled_template_instead_of_compiling(
    tmp_path: Path, cache_home: Path, compiles: list[str]
) -> None:
    folder = templates(tmp_path)
    assert Wording("en", folder).render("t.j2", n=5) == "5 Email 1,234,567"
    assert compiles == ["t.j2"]
    files = cached_files(cache_home)
    assert len(files) == 1
    assert files[0].stat().st_mode & 0o777 == 0o600
    assert files[0].parent.stat().st_mode & 0o777 == 0o700
    assert files[0].parent.parent.stat().st_mode & 0o777 == 0o700
    new_process()
    assert Wording("en", folder).render("t.j2", n=6) == "6 Email 1,234,567"
    assert compiles == ["t.j2"]  # loaded from disk


def test_compiled_code_holds_no_figure_formatted_for_one_deck(
    tmp_path: Path, cache_home: Path, compiles: list[str]
) -> None:
    folder = templates(tmp_path)
    latin = Wording("fa", folder).render("t.j2", n=5)
    new_process()
    # The same compiled file serves a deck with other digits and the client's own labels: the
    # constants 'email' and 1234567 are formatted when rendered, not when compiled.
    vocabulary = Vocabulary(channels={"email": {"fa": "رایانامه"}})
    native = Wording("fa", folder, digits="native", vocabulary=vocabulary).render("t.j2", n=5)
    assert latin == "5 ایمیل 1,234,567"
    assert native == "۵ رایانامه ۱٬۲۳۴٬۵۶۷"
    assert compiles == ["t.j2"]


def test_an_edited_template_is_compiled_again(
    tmp_path: Path, cache_home: Path, compiles: list[str]
) -> None:
    folder = templates(tmp_path)
    Wording("en", folder).render("t.j2", n=1)
    (folder / "en" / "t.j2").write_text("edited {{ n | count }}", encoding="utf-8")
    new_process()
    assert Wording("en", folder).render("t.j2", n=2) == "edited 2"
    assert compiles == ["t.j2", "t.j2"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data[:-40] + bytes(40),  # zeroed tail: the digest no longer matches
        lambda data: b"",
        lambda data: b"\x00garbage" * 50,
        # A right digest over a payload that is not Jinja's: rejected by Jinja's header check.
        lambda data: _FORMAT + hashlib.sha256(b"junk").digest() + b"junk",
        # Jinja's header, then bytes that do not unpickle.
        lambda data: _framed(bc_magic + b"\xff\xfe not a pickle"),
    ],
)
def test_a_damaged_cache_file_is_compiled_again_and_rewritten(
    tmp_path: Path, cache_home: Path, compiles: list[str], damage
) -> None:
    folder = templates(tmp_path)
    Wording("en", folder).render("t.j2", n=1)
    (path,) = cached_files(cache_home)
    good = path.read_bytes()
    path.write_bytes(damage(good))
    new_process()
    assert Wording("en", folder).render("t.j2", n=3) == "3 Email 1,234,567"
    assert compiles == ["t.j2", "t.j2"]
    assert path.read_bytes() == good


def _framed(payload: bytes) -> bytes:
    return _FORMAT + hashlib.sha256(payload).digest() + payload


def _planted(tmp_path: Path, cache_home: Path, folder: Path) -> Path:
    """A cache file whose code is another template's, with the real source's checksum."""
    Wording("en", folder).render("t.j2", n=1)
    (path,) = cached_files(cache_home)
    environment = LimitedSandbox()
    code = environment.compile("PLANTED", "t.j2", str(folder / "en" / "t.j2"))
    checksum = hashlib.sha1(SOURCE.encode("utf-8")).hexdigest()  # Jinja's source checksum
    path.write_bytes(_framed(bc_magic + pickle.dumps(checksum, 2) + marshal.dumps(code)))
    return path


def test_a_file_in_the_private_folder_is_trusted(tmp_path: Path, cache_home: Path) -> None:
    # The control for the two tests below: a planted file is used when the folder is private.
    folder = templates(tmp_path)
    _planted(tmp_path, cache_home, folder)
    new_process()
    assert Wording("en", folder).render("t.j2", n=1) == "PLANTED"


def test_a_cache_file_owned_by_someone_else_is_not_loaded(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = templates(tmp_path)
    _planted(tmp_path, cache_home, folder)
    real_fstat = os.fstat

    def someone_elses(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        return os.stat_result(
            (
                info.st_mode,
                info.st_ino,
                info.st_dev,
                info.st_nlink,
                info.st_uid + 1,
                info.st_gid,
                info.st_size,
                int(info.st_atime),
                int(info.st_mtime),
                int(info.st_ctime),
            )
        )

    monkeypatch.setattr("deckgen.cache_folder.os.fstat", someone_elses)
    new_process()
    assert Wording("en", folder).render("t.j2", n=1) == "1 Email 1,234,567"


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o702])
def test_a_folder_others_can_write_to_is_not_used(
    tmp_path: Path, cache_home: Path, compiles: list[str], mode: int
) -> None:
    folder = templates(tmp_path)
    path = _planted(tmp_path, cache_home, folder)
    path.parent.chmod(mode)
    new_process()
    assert Wording("en", folder).render("t.j2", n=1) == "1 Email 1,234,567"
    root = cache_home / "deckgen" / "templates"
    root.chmod(mode)
    path.parent.chmod(0o700)
    new_process()
    assert Wording("en", folder).render("t.j2", n=1) == "1 Email 1,234,567"


def test_a_cache_that_cannot_be_made_does_not_stop_a_render(
    tmp_path: Path, cache_home: Path, compiles: list[str]
) -> None:
    cache_home.parent.mkdir(parents=True, exist_ok=True)
    cache_home.write_text("a file where the cache folder would go")
    folder = templates(tmp_path)
    assert Wording("en", folder).render("t.j2", n=4) == "4 Email 1,234,567"
    new_process()
    assert Wording("en", folder).render("t.j2", n=4) == "4 Email 1,234,567"
    assert compiles == ["t.j2", "t.j2"]  # no cache: compiled in each process


def test_a_full_or_read_only_cache_folder_does_not_stop_a_render(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = templates(tmp_path)

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("deckgen.cache_folder.tempfile.mkstemp", no_space)
    assert Wording("en", folder).render("t.j2", n=4) == "4 Email 1,234,567"
    assert cached_files(cache_home) == []


def test_the_cache_follows_xdg_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_root() == tmp_path / "deckgen" / "templates"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_root() == tmp_path / "home" / ".cache" / "deckgen" / "templates"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache_root() == tmp_path / "home" / ".cache" / "deckgen" / "templates"
