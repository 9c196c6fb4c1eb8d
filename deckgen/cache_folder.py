"""deckgen's folder in the user's cache, and how files are kept there and trusted again.

What is kept is run or believed by the next process (compiled templates and code, font
metrics), so a file is used only when it and its folder are this user's own and nobody else can
write to them, and when its content still matches the SHA-256 written before it."""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import tempfile
from pathlib import Path

_DIGEST_SIZE = hashlib.sha256().digest_size


def cache_home() -> Path | None:
    """`$XDG_CACHE_HOME/deckgen` (by default `~/.cache/deckgen`), or None without a home."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative path is ignored
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home directory (some service accounts)
            return None
    return Path(base) / "deckgen"


def private_folder(path: Path) -> bool:
    """Make `path` (0700) if needed; True when it is a folder only this user can write to."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and owned_and_private(info)


def owned_and_private(info: os.stat_result) -> bool:
    """True when the file or folder of `info` is this user's and nobody else can write to it."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        # Windows: the profile folder is private, and the mode is made up from the read-only
        # flag (0o666 for any writable file), so checked it would refuse every cache file.
        return True
    return not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and info.st_uid == getuid()


def read_kept(path: Path, header: bytes) -> bytes | None:
    """The content of a file `keep` wrote with `header`; None when it is missing, unreadable,
    someone else's, writable by others, or damaged (cut short, altered: its SHA-256 differs)."""
    try:
        with open(path, "rb") as handle:
            if not owned_and_private(os.fstat(handle.fileno())):
                return None
            data = handle.read()
    except OSError:
        return None
    start = len(header) + _DIGEST_SIZE
    head, digest, content = data[: len(header)], data[len(header) : start], data[start:]
    if head != header or hashlib.sha256(content).digest() != digest:
        return None
    return content


def load_kept(folder: Path, name: str, header: bytes) -> object:
    """The Python values `keep` wrote (marshalled) to `folder`/`name`; None when the folder or
    file is untrusted, missing or damaged (the caller checks the values' types)."""
    try:
        trusted = owned_and_private(os.lstat(folder))
    except OSError:
        return None
    content = read_kept(folder / name, header) if trusted else None
    if content is None:
        return None
    try:
        return marshal.loads(content)
    except (EOFError, ValueError, TypeError):
        return None


def keep(folder: Path, name: str, header: bytes, content: bytes) -> None:
    """Write `content` to `folder`/`name` behind `header` and its SHA-256, replacing the file at
    once (readers see the old file or the new one); best effort: an error writes nothing."""
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(header + hashlib.sha256(content).digest() + content)
        os.replace(tmp, folder / name)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
