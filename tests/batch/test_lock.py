"""The run lock: a second run of the same output folder fails fast or waits a bounded time."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from deckgen.batch.lock import LOCK_NAME, RunLockedError, run_lock

_HOLDER = """
import sys, time
from filelock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire()
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


@contextmanager
def lock_held_elsewhere(path: Path, seconds: float) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock at `path` for up to `seconds`."""
    with subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    ) as holder:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        try:
            yield holder
        finally:
            holder.kill()


def test_lock_is_free_again_after_the_run(tmp_path: Path) -> None:
    with run_lock(tmp_path / "reports", 0) as path:
        assert path == tmp_path / "reports" / LOCK_NAME
    with run_lock(tmp_path / "reports", 0):
        pass


def test_second_run_fails_at_once(tmp_path: Path) -> None:
    with (
        lock_held_elsewhere(tmp_path / LOCK_NAME, 30),
        pytest.raises(RunLockedError) as caught,
        run_lock(tmp_path, 0),
    ):
        pass
    assert caught.value.exit_code == 3
    assert str(caught.value) == (
        f"another deckgen run is writing to {tmp_path} (it holds {tmp_path / LOCK_NAME}) "
        "and lock_timeout is 0; try again when it has finished"
    )


def test_second_run_waits_for_the_first(tmp_path: Path) -> None:
    with lock_held_elsewhere(tmp_path / LOCK_NAME, 0.5):
        began = time.monotonic()
        with run_lock(tmp_path, 20):
            waited = time.monotonic() - began
    assert 0.4 < waited < 20  # the holder sleeps 0.5 s after it reports the lock


def test_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    with lock_held_elsewhere(tmp_path / LOCK_NAME, 30) as holder:
        holder.kill()  # SIGKILL: no cleanup code runs in the holder
        holder.wait()
        with run_lock(tmp_path, 0):
            assert (tmp_path / LOCK_NAME).exists()
