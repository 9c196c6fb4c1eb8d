"""The dataclasses' generated methods compiled once and kept on disk between processes.

The `dataclasses` module makes each class's methods (`__init__`, `__repr__`, `__eq__`, `__hash__`,
frozen `__setattr__` and `__delattr__`) by running source text through `exec`: deckgen's 270
dataclasses make some 1,500 functions, whose compiling cost 0.11 s of CPU in every render, more
than half of importing deckgen's own modules (issue 16). Python 3.13 writes one text per class
instead of one per method (some 300 texts a render instead of 1,700): the same code in fewer
compilations, which the cache spares as much (0.13 s of CPU on 3.11 and 3.13 alike). The compiled
code depends only on that text and the bytecode format, so `install()` gives the dataclasses module
an `exec` that compiles each text once and reuses the code the previous process stored, in
`<cache folder>/deckgen/code/<bytecode format>/dataclasses.bin` beside the compiled wording
templates and under the same trust rules (deckgen.cache_folder: a private folder of this user's, a
SHA-256 of the content; a file damaged, foreign or unreadable is not used and never stops a
command). Code is looked up by its full source text, so a text changed by another Python or deckgen
version is compiled afresh, never mistaken for another; the function made is the one `exec` of the
text makes (same code, same file name "<string>", no inherited flags).
"""

from __future__ import annotations

import atexit
import builtins
import dataclasses
import hashlib
import importlib.util
import marshal
import sys
import threading
from pathlib import Path
from types import CodeType
from typing import Any

from deckgen.cache_folder import cache_home, keep, load_kept, private_folder

_FORMAT = b"deckgen-code-cache 1\n"
_FILE = "dataclasses.bin"
_MOST_TEXTS = 10_000  # texts kept at most (deckgen's commands use some 1,700 between them)


def code_folder() -> Path | None:
    """The folder of compiled code for this bytecode format, or None without a cache folder."""
    home = cache_home()
    if home is None:
        return None
    digest = hashlib.sha256(importlib.util.MAGIC_NUMBER + sys.implementation.cache_tag.encode())
    return home / "code" / digest.hexdigest()[:32]


class CodeCache:
    """Source text -> compiled module code: what the last process stored, else compiled here."""

    def __init__(self, folder: Path | None) -> None:
        self._folder = folder
        self._stored: dict[str, CodeType] | None = None
        self._used: dict[str, CodeType] = {}
        self._lock = threading.Lock()  # the CLI imports in two threads at once
        self.compiled = 0  # texts compiled in this process (none: the stored file had them all)

    def code(self, text: str) -> CodeType:
        """`text` compiled as `exec` compiles it (mode exec, file "<string>", flags of its own)."""
        code = self._used.get(text)
        if code is None:
            code = self._stored_code().get(text)
            if code is None:
                code = compile(text, "<string>", "exec", dont_inherit=True)
                self.compiled += 1
            self._used[text] = code
        return code

    def save(self) -> None:
        """Store the code read back and the code this process used, when some had to be
        compiled (best effort)."""
        if not self.compiled or self._folder is None:
            return
        # Kept beside what the file held: each command makes its own classes (`deckgen sample`
        # some 330, a render 1,670), and a file of one command's alone had the next command
        # compile its own again, every time the two alternated. Capped, so texts no Python or
        # deckgen makes any more cannot pile up for ever.
        kept = {**self._stored_code(), **self._used}
        if len(kept) > _MOST_TEXTS:
            kept = dict(self._used)
        if private_folder(self._folder.parent) and private_folder(self._folder):
            keep(self._folder, _FILE, _FORMAT, marshal.dumps(kept))

    def _stored_code(self) -> dict[str, CodeType]:
        if self._stored is None:
            with self._lock:
                if self._stored is None:
                    self._stored = self._read()
        return self._stored

    def _read(self) -> dict[str, CodeType]:
        stored = None if self._folder is None else load_kept(self._folder, _FILE, _FORMAT)
        if not isinstance(stored, dict) or not all(
            type(text) is str and type(code) is CodeType for text, code in stored.items()
        ):
            return {}
        return stored


_SHARED: CodeCache | None = None


def _exec(source: Any, globals: Any = None, locals: Any = None, /, **options: Any) -> None:
    """`exec`, with source text compiled through the shared cache."""
    if type(source) is str and not options and _SHARED is not None:
        source = _SHARED.code(source)
    builtins.exec(source, globals, locals, **options)


def install() -> CodeCache | None:
    """Have the dataclasses module's `exec` use the shared cache, stored when the process exits;
    the cache, or None when the module already has an `exec` of someone else's."""
    global _SHARED
    current = dataclasses.__dict__.get("exec")
    if current is _exec:
        return _SHARED
    if current is not None:
        return None
    _SHARED = CodeCache(code_folder())
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # a module global shadowing the builtin
    atexit.register(_SHARED.save)
    return _SHARED
