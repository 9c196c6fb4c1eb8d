"""Where a run's clients render: worker processes on this machine, or a Dask cluster.

An executor takes the run's client tasks and hands back each client's record and deck bytes as
it finishes; the run (deckgen.batch.runner) writes the decks and the manifest itself, so every
executor gets the same atomic writes, lock, manifest and exit codes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Protocol

from deckgen.batch.config import ExecutorName
from deckgen.batch.pool import render_in_workers
from deckgen.batch.worker import ClientTask, RenderedClient, RenderFn, render_client
from deckgen.errors import ConfigError


class Executor(Protocol):
    """Renders client tasks and yields each one's record and deck as it finishes."""

    @property
    def name(self) -> ExecutorName:
        """`local` or `dask`, as recorded in the manifest."""

    @property
    def slots(self) -> int:
        """Clients rendered at once (for the log and the manifest)."""

    def render(self, tasks: Sequence[ClientTask], timeout: float) -> Iterator[RenderedClient]:
        """Each task's outcome, in the order they finish; a client still rendering `timeout`
        seconds (0: no limit) after it started is stopped and recorded as failed."""


@dataclass(frozen=True)
class LocalExecutor:
    """Worker processes on this machine (deckgen.batch.pool)."""

    slots: int
    render_fn: RenderFn | None = None  # a stand-in for render_deck_bytes in tests
    name: ExecutorName = "local"

    def render(self, tasks: Sequence[ClientTask], timeout: float) -> Iterator[RenderedClient]:
        """Each task's outcome; in this process only for one job with no timeout (nothing
        could stop a client that hangs)."""
        if not tasks:
            return iter(())
        if not timeout and self.slots == 1:
            return (render_client(task, self.render_fn) for task in tasks)
        return render_in_workers(tasks, min(self.slots, len(tasks)), self.render_fn, timeout)


def open_executor(
    name: ExecutorName,
    *,
    jobs: int | None,
    scheduler: str | None,
    render: RenderFn | None = None,
) -> AbstractContextManager[Executor]:
    """The executor to enter for a run; ConfigError at once if Dask is asked for and missing.

    `jobs`: clients at once (default: this machine's CPUs; with a `scheduler`, no cap but the
    cluster's size). `scheduler`: a Dask scheduler's address; without one `dask` starts a local
    cluster of `jobs` worker processes.
    """
    if name == "local":
        return nullcontext(LocalExecutor(jobs or available_cpus(), render))
    try:
        from deckgen.batch.dask_executor import connect
    except ImportError as exc:
        raise ConfigError(
            f"--executor dask needs Dask distributed, which is not installed ({exc}); "
            'install it with: pip install "deckgen[dask]"'
        ) from None
    return connect(scheduler, jobs=jobs if scheduler else jobs or available_cpus(), render=render)


def available_cpus() -> int:
    """CPUs this process may use (respects container and taskset limits)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1
