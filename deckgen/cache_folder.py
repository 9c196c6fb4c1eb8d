"""deckgen's folder in the user's cache, and the rule for trusting what is kept there."""

from __future__ import annotations

import os
import stat
from pathlib import Path


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
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    getuid = getattr(os, "getuid", None)  # not on Windows, where the profile folder is private
    return getuid is None or info.st_uid == getuid()
