"""Worker processes for a run: one client at a time per process, killed when it overruns.

concurrent.futures cannot stop a task that has started, so a run keeps its own small pool: a
render process (deckgen.batch.child) renders one client, sends its record and deck back over
its pipe and waits for the next. A process past the client's deadline is killed (SIGKILL:
nothing in it can refuse) and replaced; a process that dies fails only the client it was
rendering.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import wait

from deckgen.batch.child import READY, RenderProcess, start_render_process
from deckgen.batch.worker import (
    DIED,
    NO_START,
    ClientTask,
    RenderedClient,
    RenderFn,
    failed_record,
    timed_out,
)


@dataclass
class _Worker:
    """A render process and the client it is rendering."""

    child: RenderProcess
    task: ClientTask | None = None
    deadline: float = float("inf")  # time.monotonic() by which the task must be done
    gone: bool = False  # died, or killed: to be replaced


def render_in_workers(
    tasks: Sequence[ClientTask], jobs: int, render: RenderFn | None, timeout: float
) -> Iterator[RenderedClient]:
    """Each task's record and deck as it finishes, rendered in up to `jobs` worker processes;
    a client still rendering `timeout` seconds (0: no limit) after its worker took it is killed
    and recorded as failed."""
    pending = deque(tasks)
    workers: list[_Worker] = []
    try:
        while pending or any(worker.task for worker in workers):
            while pending and len(workers) < jobs:
                workers.append(_Worker(start_render_process(render)))
            for worker in workers:
                if worker.child.ready and worker.task is None and pending:
                    _assign(worker, pending.popleft(), timeout)
            ready = wait([w.child.pipe for w in workers], timeout=_until_next_deadline(workers))
            for worker in workers:
                rendered = _collect(worker, ready, timeout, pending)
                if rendered is not None:
                    yield rendered
            for worker in [w for w in workers if w.gone]:
                _stop(worker)
                workers.remove(worker)
    finally:
        for worker in workers:
            _stop(worker)


def _assign(worker: _Worker, task: ClientTask, timeout: float) -> None:
    worker.task = task
    worker.deadline = time.monotonic() + timeout if timeout else float("inf")
    with contextlib.suppress(OSError):  # dead before it took the task: _collect sees its EOF
        worker.child.pipe.send(task)


def _until_next_deadline(workers: list[_Worker]) -> float | None:
    deadline = min((worker.deadline for worker in workers), default=float("inf"))
    return None if deadline == float("inf") else max(0.0, deadline - time.monotonic())


def _collect(
    worker: _Worker, ready: list[object], timeout: float, pending: deque[ClientTask]
) -> RenderedClient | None:
    """What the worker has to say: its task's outcome if it is done, died or overran; None
    while it starts or renders. A worker that died or was killed is marked `gone`."""
    task = worker.task
    message: object = None
    if worker.child.pipe in ready:
        try:
            message = worker.child.pipe.recv()
        except (EOFError, OSError):
            worker.gone = True
    if message == READY:
        worker.child.ready = True
        return None
    if isinstance(message, RenderedClient):
        worker.task = None
        return message
    if worker.gone and task is not None:
        return RenderedClient(failed_record(task, DIED))
    if worker.gone and not worker.child.ready and pending:
        # It died starting: fail a client with the reason, so a run whose workers cannot start
        # ends instead of starting workers for ever.
        return RenderedClient(failed_record(pending.popleft(), NO_START))
    if task is not None and time.monotonic() >= worker.deadline:
        worker.gone = True
        return RenderedClient(timed_out(task, timeout))
    return None


def _stop(worker: _Worker) -> None:
    worker.child.stop(idle=worker.task is None and not worker.gone)
