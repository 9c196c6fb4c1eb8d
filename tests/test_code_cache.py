"""The dataclasses' generated methods compiled once and reused between processes (issue 16)."""

from __future__ import annotations

import builtins
import dataclasses
import hashlib
import json
import marshal
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from deckgen import code_cache
from deckgen.code_cache import CodeCache, code_folder

_TEXT = "def __create_fn__(x):\n def twice(y)->x:\n  return 2 * y\n return twice"


def _stored(folder: Path) -> Path:
    """The file a first process leaves in `folder` after compiling _TEXT."""
    first = CodeCache(folder)
    _made(first)
    first.save()
    return folder / "dataclasses.bin"


def _made(cache: CodeCache, text: str = _TEXT) -> object:
    namespace: dict[str, object] = {}
    exec(cache.code(text), {}, namespace)  # what dataclasses does with the text
    return namespace["__create_fn__"](int)  # type: ignore[operator]


def test_code_is_compiled_once_then_read_back_by_the_next_process(tmp_path: Path) -> None:
    folder = tmp_path / "code"
    first = CodeCache(folder)
    assert _made(first)(21) == 42  # type: ignore[operator]
    assert _made(first)(1) == 2  # type: ignore[operator]
    assert first.compiled == 1  # the second use found it in memory
    first.save()
    assert (folder / "dataclasses.bin").stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700
    second = CodeCache(folder)
    twice = _made(second)
    assert twice(5) == 10  # type: ignore[operator]
    assert twice.__annotations__ == {"return": int}  # type: ignore[attr-defined]
    assert second.compiled == 0
    other = _TEXT.replace("2 * y", "3 * y")  # another text is never taken for a stored one
    assert _made(second, other)(5) == 15  # type: ignore[operator]
    assert second.compiled == 1


def _point_methods() -> dict[str, object]:
    """The generated methods of a frozen dataclass made now, as dataclasses makes them."""
    kind = dataclasses.make_dataclass(
        "Point",
        [("x", float), ("y", float, dataclasses.field(default=0.0))],
        frozen=True,
    )
    names = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")
    return {name: getattr(kind, name) for name in names}


def _texts_executed(make: Callable[[], object], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The source texts the dataclasses module runs through `exec` while `make()` runs."""
    texts: list[str] = []

    def counting(source: str, *args: object) -> None:
        texts.append(source)
        builtins.exec(source, *args)  # type: ignore[arg-type]

    with monkeypatch.context() as patched:
        patched.setattr(dataclasses, "exec", counting, raising=False)
        make()
    return texts


def test_the_methods_are_the_ones_dataclasses_makes_without_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # This module and deckgen.code_cache have `from __future__ import annotations`;
    # dataclasses has not: `__init__`'s return annotation must stay None, not become "None".
    monkeypatch.delattr(dataclasses, "exec", raising=False)
    plain = _point_methods()
    texts = _texts_executed(_point_methods, monkeypatch)
    monkeypatch.setattr(code_cache, "_SHARED", CodeCache(tmp_path / "code"))
    monkeypatch.setattr(dataclasses, "exec", code_cache._exec, raising=False)
    cached = _point_methods()
    # Every text dataclasses runs, compiled once: one per method up to Python 3.12 (6 here),
    # one per class since 3.13 (its _FuncBuilder runs all of a class's methods in one text).
    assert code_cache._SHARED.compiled == len(set(texts)) > 0  # type: ignore[union-attr]
    for name, method in plain.items():
        code, again = method.__code__, cached[name].__code__  # type: ignore[attr-defined]
        assert (again.co_code, again.co_flags, again.co_names, again.co_filename) == (
            code.co_code,
            code.co_flags,
            code.co_names,
            code.co_filename,
        ), name
        assert cached[name].__annotations__ == method.__annotations__, name  # type: ignore[attr-defined]
    assert cached["__init__"].__annotations__["return"] is None  # type: ignore[attr-defined]


def test_a_command_of_other_classes_keeps_what_the_file_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: the file held only the last process's texts, so `deckgen sample` (330 texts,
    # 18 of its own) between two renders had the second render compile 1,357 texts again.
    folder = tmp_path / "code"
    _stored(folder)  # a render: _TEXT
    other = _TEXT.replace("2 * y", "3 * y")
    sample = CodeCache(folder)
    assert _made(sample, other)(5) == 15  # type: ignore[operator]
    assert sample.compiled == 1
    sample.save()
    again = CodeCache(folder)
    assert _made(again)(5) == 10 and _made(again, other)(5) == 15  # type: ignore[operator]
    assert again.compiled == 0
    # Past the cap, only the texts the process used are kept (none piles up for ever).
    monkeypatch.setattr(code_cache, "_MOST_TEXTS", 1)
    third = _TEXT.replace("2 * y", "4 * y")
    capped = CodeCache(folder)
    assert _made(capped, third)(5) == 20  # type: ignore[operator]
    capped.save()
    last = CodeCache(folder)
    _made(last, third)
    assert last.compiled == 0
    _made(last)
    assert last.compiled == 1


def test_nothing_compiled_nothing_written(tmp_path: Path) -> None:
    CodeCache(tmp_path / "code").save()
    assert not (tmp_path / "code").exists()


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-7],  # cut short
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # one bit flipped
        lambda data: b"something else entirely",
        lambda data: b"",
    ],
    ids=["cut-short", "bit-flipped", "foreign", "empty"],
)
def test_a_damaged_file_is_compiled_around_and_replaced(tmp_path: Path, damage) -> None:
    folder = tmp_path / "code"
    stored = _stored(folder)
    stored.write_bytes(damage(stored.read_bytes()))
    second = CodeCache(folder)
    assert _made(second)(4) == 8  # type: ignore[operator]
    assert second.compiled == 1
    second.save()
    third = CodeCache(folder)
    _made(third)
    assert third.compiled == 0


def test_a_well_formed_file_of_other_things_is_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "code"
    stored = _stored(folder)
    data = stored.read_bytes()
    head = data[: len(code_cache._FORMAT)]
    for payload in (marshal.dumps([1, 2]), marshal.dumps({_TEXT: "not code"})):
        stored.write_bytes(head + hashlib.sha256(payload).digest() + payload)
        cache = CodeCache(folder)
        assert _made(cache)(3) == 6  # type: ignore[operator]
        assert cache.compiled == 1


def test_a_folder_others_can_write_to_is_neither_read_nor_written(tmp_path: Path) -> None:
    folder = tmp_path / "code"
    _stored(folder)
    os.chmod(folder, 0o777)
    second = CodeCache(folder)
    _made(second)
    assert second.compiled == 1  # not read
    before = (folder / "dataclasses.bin").stat().st_mtime_ns
    os.utime(folder / "dataclasses.bin", ns=(1, 1))
    second.save()
    assert (folder / "dataclasses.bin").stat().st_mtime_ns == 1 != before  # not written


def test_a_file_writable_by_others_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "code"
    os.chmod(_stored(folder), 0o666)
    second = CodeCache(folder)
    _made(second)
    assert second.compiled == 1


def test_an_unwritable_cache_never_stops_anything(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder would go")
    cache = CodeCache(blocker / "code")
    assert _made(cache)(2) == 4  # type: ignore[operator]
    cache.save()  # cannot make the folder: nothing written, nothing raised
    assert blocker.read_text() == "a file where the folder would go"


def test_the_folder_is_under_the_users_cache_and_named_for_the_bytecode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = code_folder()
    assert folder is not None and folder.parent == tmp_path / "deckgen" / "code"
    assert len(folder.name) == 32


def test_install_leaves_an_exec_of_someone_elses_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def theirs(*args: object) -> None:
        raise AssertionError("not called here")

    monkeypatch.setattr(dataclasses, "exec", theirs, raising=False)
    assert code_cache.install() is None
    assert dataclasses.exec is theirs  # type: ignore[attr-defined]


_PROBE = """
import dataclasses, json, sys, types
from deckgen.cli import main
early = set(sys.modules)  # deckgen.cli's imports (deckgen.errors): before a command installs it
sys.argv[1:] = sys.argv[2:]
try:
    main()
except SystemExit:
    pass
from deckgen import code_cache

@dataclasses.dataclass(frozen=True)
class Point:
    x: float  # EMU
    y: float = 0.0
    tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)

def nested(code):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from nested(const)

given = {id(c) for top in code_cache._SHARED._used.values() for c in nested(top)}
kinds = {
    kind for name, module in list(sys.modules.items())
    if name.startswith("deckgen") and name not in early
    for kind in vars(module).values()
    if isinstance(kind, type) and dataclasses.is_dataclass(kind) and kind.__module__ == module.__name__
}
made = [  # the functions dataclasses wrote for deckgen's classes (its file name: "<string>")
    f for kind in kinds for f in (getattr(v, "__wrapped__", v) for v in vars(kind).values())
    if isinstance(f, types.FunctionType) and f.__code__.co_filename == "<string>"
]
p = Point(1.0)
print(json.dumps({
    "compiled": code_cache._SHARED.compiled,
    "classes": len(kinds),
    "methods": len(made),
    "not_given": sorted(f.__qualname__ for f in made if id(f.__code__) not in given),
    "patched": dataclasses.__dict__.get("exec") is code_cache._exec,
    "point": [repr(p), p == Point(1.0, 0.0, ()), hash(p) == hash(Point(1.0)),
              Point.__init__.__annotations__["return"] is None],
}), file=sys.stderr)
"""


def test_a_second_render_compiles_no_dataclass_and_draws_the_same_deck(
    tmp_path: Path, small_workbook: Path
) -> None:
    env = os.environ | {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    seen = []
    render = [sys.executable, "-c", _PROBE, "deckgen", "render", str(small_workbook), "-o"]
    for name in ("cold.pptx", "warm.pptx"):
        done = subprocess.run(
            [*render, str(tmp_path / name)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        seen.append(json.loads(done.stderr.strip().splitlines()[-1]))
    cold, warm = seen
    assert cold["patched"] and warm["patched"]
    # Every method dataclasses made for deckgen's classes (some 1,500, of 270 classes) has the
    # code the cache gave: texts of one method each up to Python 3.12, of one class since 3.13.
    for seen_run in (cold, warm):
        assert seen_run["methods"] > 500 and seen_run["classes"] > 100
        assert seen_run["not_given"] == []
    assert cold["compiled"] > 0
    assert warm["compiled"] == 0  # the probe's own Point too: the first process stored it
    assert warm["point"] == ["Point(x=1.0, y=0.0, tags=())", True, True, True]
    assert (tmp_path / "cold.pptx").read_bytes() == (tmp_path / "warm.pptx").read_bytes()


def _variants() -> dict[str, type]:
    """Dataclasses of every shape the dataclasses module writes different code for."""
    dc = dataclasses

    @dc.dataclass(order=True, unsafe_hash=True)
    class Ordered:
        a: int
        b: list[int] = dc.field(default_factory=list, compare=False, hash=False)

    @dc.dataclass(frozen=True, slots=True, kw_only=True)
    class Slotted:
        a: int
        b: str = "x"

    @dc.dataclass
    class Base:
        a: int
        scale: dataclasses.InitVar[int] = 1  # module names: the annotations are strings
        doubled: int = dc.field(init=False, repr=False)

        def __post_init__(self, scale: int) -> None:
            self.doubled = 2 * self.a * scale

    @dc.dataclass(eq=False)
    class Derived(Base):
        _: dataclasses.KW_ONLY
        c: tuple[int, ...] = ()

    @dc.dataclass(frozen=True)
    class Selfish:  # a field named self: the methods call their first argument otherwise
        self: int
        other: float = 0.5

    @dc.dataclass(frozen=True)
    class Empty:
        pass

    return {kind.__name__: kind for kind in (Ordered, Slotted, Base, Derived, Selfish, Empty)}


def _functions(kind: type) -> dict[str, object]:
    names = ("__init__", "__repr__", "__eq__", "__lt__", "__ge__", "__hash__", "__setattr__")
    found = {name: kind.__dict__.get(name) for name in (*names, "__delattr__")}
    return {name: getattr(f, "__wrapped__", f) for name, f in found.items() if callable(f)}


def test_every_shape_of_dataclass_gets_the_code_plain_exec_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(dataclasses, "exec", raising=False)
    plain = _variants()
    texts = _texts_executed(_variants, monkeypatch)
    monkeypatch.setattr(dataclasses, "exec", code_cache._exec, raising=False)
    first = CodeCache(tmp_path / "code")
    monkeypatch.setattr(code_cache, "_SHARED", first)
    _variants()
    first.save()
    again = CodeCache(tmp_path / "code")  # as the next process: the code read back from disk
    monkeypatch.setattr(code_cache, "_SHARED", again)
    cached = _variants()
    # One text per method up to Python 3.12 (30 here), one per class since 3.13 (6).
    assert first.compiled == len(set(texts)) >= len(plain) and again.compiled == 0
    for name, kind in plain.items():
        made = _functions(kind)
        assert made.keys() == _functions(cached[name]).keys(), name
        for method, function in made.items():
            other = _functions(cached[name])[method]
            code, code_again = function.__code__, other.__code__  # type: ignore[attr-defined]
            assert code_again == code and code_again.co_filename == code.co_filename, method
            for attribute in ("__defaults__", "__kwdefaults__", "__annotations__", "__qualname__"):
                assert getattr(other, attribute) == getattr(function, attribute), (name, method)
    ordered, slotted = cached["Ordered"], cached["Slotted"]
    assert ordered(1, [5]) == ordered(1, [6]) < ordered(2)
    assert hash(ordered(1, [5])) == hash(ordered(1))
    assert repr(slotted(a=1)) == "_variants.<locals>.Slotted(a=1, b='x')" and not hasattr(
        slotted(a=1), "__dict__"
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        slotted(a=1).a = 2  # type: ignore[misc]
    derived = cached["Derived"](3, 2, c=(1,))
    assert (derived.doubled, repr(derived)) == (12, "_variants.<locals>.Derived(a=3, c=(1,))")
    # eq=False: the base's __eq__, which compares a and doubled, not c
    assert derived == cached["Derived"](3, 2, c=(9,)) != cached["Derived"](3, 1, c=(1,))
    assert repr(cached["Selfish"](1)) == "_variants.<locals>.Selfish(self=1, other=0.5)"
    assert cached["Empty"]() == cached["Empty"]()


def test_on_windows_the_made_up_mode_bits_do_not_refuse_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: Windows reports any writable file as 0o666 (and has no getuid), so the
    # group/other write bits refused every cache file there: nothing was ever read back.
    folder = tmp_path / "code"
    _stored(folder)
    real_stat = os.stat

    def windows_stat(path, *args, **kwargs):  # what Windows' stat reports: 0o666, 0o777
        info = list(real_stat(path, *args, **kwargs))
        info[0] = (info[0] & ~0o777) | (0o777 if os.path.isdir(path) else 0o666)
        return os.stat_result(info)

    monkeypatch.delattr(os, "getuid")
    monkeypatch.setattr("deckgen.cache_folder.os.fstat", windows_stat)
    monkeypatch.setattr("deckgen.cache_folder.os.lstat", windows_stat)
    again = CodeCache(folder)
    assert _made(again)(6) == 12  # type: ignore[operator]
    assert again.compiled == 0
