"""A render stand-in whose module cannot be imported in a worker process (for test_timeout.py):
the parent imports it first, then sets DECKGEN_TEST_NO_WORKERS, which worker processes inherit."""

from __future__ import annotations

import os

if os.environ.get("DECKGEN_TEST_NO_WORKERS"):
    raise SystemExit("this worker cannot start")


def never_called(*args: object, **kwargs: object) -> None:
    """Never runs: no worker gets far enough to call it."""
    raise AssertionError("a worker started after all")
