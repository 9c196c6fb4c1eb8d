"""Worker processes for a run: one client at a time per process, killed when it overruns.

concurrent.futures cannot stop a task that has started, so a run keeps its own small pool: a
worker renders one client, sends its record back over a pipe and waits for the next. A worker
past the client's deadline is killed (SIGKILL: nothing in it can refuse) and replaced; a worker
that dies fails only the client it was rendering.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import time
import traceback
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.context import SpawnContext, SpawnProcess

from deckgen.batch.worker import ClientRecord, ClientTask, RenderFn, describe_source, render_client

_STOP = None  # sent to a worker: no more clients


@dataclass
class _Worker:
    """A worker process, the parent's end of its pipe, and the client it is rendering."""

    process: SpawnProcess
    pipe: Connection
    task: ClientTask | None = None
    deadline: float = 0.0  # time.monotonic() by which the task must be done


def render_in_workers(
    tasks: Sequence[ClientTask], jobs: int, render: RenderFn | None, timeout: float
) -> Iterator[ClientRecord]:
    """Each task's record as it finishes, rendered in up to `jobs` worker processes; a client
    still rendering after `timeout` seconds (0: no limit) is killed and recorded as failed."""
    # spawn, not fork: forking a process that has threads (an Airflow worker, say) can deadlock.
    context = multiprocessing.get_context("spawn")
    pending = deque(tasks)
    workers: list[_Worker] = []
    try:
        while pending or any(worker.task for worker in workers):
            while pending and len(workers) < jobs:
                workers.append(_start(context, render))
            for worker in workers:
                if worker.task is None and pending:
                    _assign(worker, pending.popleft(), timeout)
            busy = [worker for worker in workers if worker.task is not None]
            ready = wait(
                [w.pipe for w in busy] + [w.process.sentinel for w in busy],
                timeout=_until_next_deadline(busy, timeout),
            )
            for worker in busy:
                record = _collect(worker, ready, timeout)
                if record is None:
                    continue
                yield record
                if not worker.process.is_alive() or worker.task is not None:
                    _stop(worker)
                    workers.remove(worker)
    finally:
        for worker in workers:
            _stop(worker)


def _start(context: SpawnContext, render: RenderFn | None) -> _Worker:
    parent, child = context.Pipe()
    process = context.Process(target=_serve, args=(child, render), daemon=True)
    process.start()
    child.close()  # the worker holds it; the parent sees EOF when the worker dies
    return _Worker(process, parent)


def _assign(worker: _Worker, task: ClientTask, timeout: float) -> None:
    worker.task = task
    worker.deadline = time.monotonic() + timeout if timeout else float("inf")
    with contextlib.suppress(OSError):  # a worker dead before it took the task: _collect says so
        worker.pipe.send(task)


def _until_next_deadline(busy: list[_Worker], timeout: float) -> float | None:
    if not timeout:
        return None
    return max(0.0, min(worker.deadline for worker in busy) - time.monotonic())


def _collect(worker: _Worker, ready: list[object], timeout: float) -> ClientRecord | None:
    """The record of the worker's task if it is done, died or overran; None while it runs.

    The worker is idle (task None) after a record it sent, and still holds its task otherwise,
    telling the caller to replace it.
    """
    task = worker.task
    assert task is not None  # only busy workers are collected
    if worker.pipe in ready:
        try:
            record: ClientRecord = worker.pipe.recv()
        except (EOFError, OSError):
            return _failed(task, "died")
        worker.task = None
        return record
    if worker.process.sentinel in ready:
        return _failed(task, "died")
    if time.monotonic() >= worker.deadline:
        return _failed(task, "timeout", timeout)
    return None


def _failed(task: ClientTask, why: str, timeout: float = 0.0) -> ClientRecord:
    if why == "timeout":
        error = (
            f"timed out: the client was still rendering after {timeout:g} s (the run's "
            "timeout), so its process was stopped; raise `timeout` in the run config or "
            "--timeout if its data is that large"
        )
    else:
        error = "the process rendering this client died (killed, out of memory, or a native crash)"
    return ClientRecord(
        task.client.name,
        "failed",
        task.period.key,
        task.output,
        describe_source(task.client),
        error=error,
        duration_s=timeout if why == "timeout" else 0.0,
    )


def _stop(worker: _Worker) -> None:
    """End a worker: ask an idle one to leave, kill a busy or dead one; wait for it either way."""
    if worker.task is None and worker.process.is_alive():
        try:
            worker.pipe.send(_STOP)
            worker.process.join(timeout=5)
        except OSError:
            pass
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join()
    worker.pipe.close()


def _serve(pipe: Connection, render: RenderFn | None) -> None:
    """A worker's life: render each client it is sent until told to stop."""
    try:
        while (task := pipe.recv()) is not _STOP:
            pipe.send(_sendable(render_client(task, render), task))
    except (EOFError, OSError):
        return  # the run that started this worker has gone: nobody is left to tell


def _sendable(record: ClientRecord, task: ClientTask) -> ClientRecord:
    """`record`, or a failed record if it cannot be pickled back (a bug: keep its trace)."""
    try:
        pickle.dumps(record)
    except Exception as exc:
        return ClientRecord(
            task.client.name,
            "failed",
            task.period.key,
            task.output,
            describe_source(task.client),
            error=f"unexpected error: {type(exc).__name__}: {exc}",
            traceback="".join(traceback.format_exception(exc)),
        )
    return record
