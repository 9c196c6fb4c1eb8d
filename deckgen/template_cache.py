"""Compiled wording templates kept for the process and on disk between processes.

Compiling the sample deck's templates costs about 0.15 s of every `deckgen render`; the compiled
code is kept in the user's cache folder (`$XDG_CACHE_HOME/deckgen/templates`, by default
`~/.cache/deckgen/templates`) and reused by the next process. What a compiled template depends
on is in its key: the template's file and source (Jinja checks both), and a namespace folder
named for Python's bytecode format, Jinja's version and deckgen's code generator (the sandbox
and the wording environment). deckgen's own filters are never folded into compiled code (see
`LimitedSandbox.wrap_filters`), so the code does not depend on the deck's language, digits,
currency or vocabulary.

Loading compiled code means running it, so the folder is trusted only when it is this user's
own and nobody else can write to it (created 0700; a folder or file owned by someone else, or
writable by group or others, is not used). Each file carries a SHA-256 of its content: a file
cut short or damaged is recompiled. A cache that cannot be created, read or written never
stops a render; the templates are then compiled in the process, as without a cache.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

import deckgen
from deckgen.cache_folder import cache_home, keep, private_folder, read_kept

_FORMAT = b"deckgen-template-cache 1\n"
# The modules whose code decides what a template compiles to.
_CODE_GENERATOR_FILES = ("sandbox.py", "wording.py", "template_cache.py")


def cache_root() -> Path | None:
    """The user's cache folder for compiled templates, or None without a home to put it in."""
    home = cache_home()
    return None if home is None else home / "templates"


def _namespace() -> str:
    """A folder name for this Python bytecode format, Jinja version and code generator."""
    digest = hashlib.sha256()
    for part in (importlib.util.MAGIC_NUMBER, jinja2.__version__, deckgen.__version__):
        digest.update(part if isinstance(part, bytes) else part.encode())
    package = Path(__file__).resolve().parent
    for name in _CODE_GENERATOR_FILES:
        digest.update((package / name).read_bytes())
    return digest.hexdigest()[:32]


class TemplateCache(jinja2.BytecodeCache):
    """Compiled templates in memory for the process, and in a private folder between processes."""

    def __init__(self, root: Path | None) -> None:
        self._code: dict[str, bytes] = {}
        self._root = root
        self._folder: Path | None = None
        self._checked = False

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill `bucket` from memory, else from disk; a missing or bad file leaves it empty."""
        code = self._code.get(bucket.key)
        if code is None:
            code = self._read(bucket.key)
            if code is None:
                return
        try:
            bucket.bytecode_from_string(code)
        except Exception:  # a damaged cache means compiling again, never failing
            bucket.reset()
            return
        if bucket.code is not None:
            self._code[bucket.key] = code

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep `bucket`'s code in memory and, when the folder is usable, on disk."""
        code = bucket.bytecode_to_string()
        self._code[bucket.key] = code
        self._write(bucket.key, code)

    def clear(self) -> None:
        """Forget the compiled templates held in memory (the files stay)."""
        self._code.clear()

    def _usable_folder(self) -> Path | None:
        if not self._checked:
            self._checked = True
            if self._root is not None:
                try:
                    folder = self._root / _namespace()
                except OSError:
                    return None
                if private_folder(self._root) and private_folder(folder):
                    self._folder = folder
        return self._folder

    def _read(self, key: str) -> bytes | None:
        folder = self._usable_folder()
        return None if folder is None else read_kept(folder / f"{key}.bin", _FORMAT)

    def _write(self, key: str, code: bytes) -> None:
        folder = self._usable_folder()
        if folder is not None:
            keep(folder, f"{key}.bin", _FORMAT, code)


_SHARED: TemplateCache | None = None


def shared_cache() -> TemplateCache:
    """The process's template cache (one per process: every Wording compiles the same way)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = TemplateCache(cache_root())
    return _SHARED


def reset_shared_cache() -> None:
    """Forget the process's cache, so the next Wording looks up the cache folder afresh."""
    global _SHARED
    _SHARED = None
