"""The run lock: one run at a time per output folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from deckgen.errors import DeckgenError, RenderError

LOCK_NAME = ".deckgen-run.lock"


class RunLockedError(DeckgenError):
    """Another run holds the output folder's lock (exit code 3)."""

    exit_code = 3


@contextmanager
def run_lock(root: Path, timeout: float) -> Iterator[Path]:
    """Hold the lock of output folder `root`; RunLockedError if another run keeps it past `timeout` s."""
    from filelock import FileLock, Timeout

    path = root / LOCK_NAME
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(f"cannot create the output folder {root}: {exc.strerror}") from None
    try:
        # FileLock takes a folder it cannot write to for a lock held by someone else.
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o666))
    except OSError as exc:
        raise RenderError(
            f"cannot write to the output folder {root}: {exc.strerror} (deckgen writes its "
            f"lock {path.name}, the decks and the manifest there)"
        ) from None
    # An OS-level lock (flock): the kernel releases it when its process ends, even by SIGKILL,
    # so a crashed run never leaves a stale lock behind.
    lock = FileLock(path, timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        waited = f"after waiting {timeout:g} s" if timeout else "and lock_timeout is 0"
        raise RunLockedError(
            f"another deckgen run is writing to {root} (it holds {path}) {waited}; "
            "try again when it has finished"
        ) from None
    try:
        yield path
    finally:
        lock.release()
