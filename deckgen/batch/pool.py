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
_READY = "ready"  # sent by a worker once it has started and can take a client
_DIED = "the process rendering this client died (killed, out of memory, or a native crash)"
_NO_START = "a worker process could not start (it ended before it was ready)"


@dataclass
class _Worker:
    """A worker process, the parent's end of its pipe, and the client it is rendering."""

    process: SpawnProcess
    pipe: Connection
    ready: bool = False  # started, deckgen imported: the clock of a client starts from here
    task: ClientTask | None = None
    deadline: float = float("inf")  # time.monotonic() by which the task must be done
    gone: bool = False  # died, or killed: to be replaced


def render_in_workers(
    tasks: Sequence[ClientTask], jobs: int, render: RenderFn | None, timeout: float
) -> Iterator[ClientRecord]:
    """Each task's record as it finishes, rendered in up to `jobs` worker processes; a client
    still rendering `timeout` seconds (0: no limit) after its worker took it is killed and
    recorded as failed."""
    # spawn, not fork: forking a process that has threads (an Airflow worker, say) can deadlock.
    context = multiprocessing.get_context("spawn")
    pending = deque(tasks)
    workers: list[_Worker] = []
    try:
        while pending or any(worker.task for worker in workers):
            while pending and len(workers) < jobs:
                workers.append(_start(context, render))
            for worker in workers:
                if worker.ready and worker.task is None and pending:
                    _assign(worker, pending.popleft(), timeout)
            ready = wait(
                [w.pipe for w in workers] + [w.process.sentinel for w in workers],
                timeout=_until_next_deadline(workers),
            )
            for worker in workers:
                record = _collect(worker, ready, timeout, pending)
                if record is not None:
                    yield record
            for worker in [w for w in workers if w.gone]:
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


def _until_next_deadline(workers: list[_Worker]) -> float | None:
    deadline = min((worker.deadline for worker in workers), default=float("inf"))
    return None if deadline == float("inf") else max(0.0, deadline - time.monotonic())


def _collect(
    worker: _Worker, ready: list[object], timeout: float, pending: deque[ClientTask]
) -> ClientRecord | None:
    """What the worker has to say: the record of its task if it is done, died or overran;
    None while it starts or renders. A worker that died or was killed is marked `gone`."""
    task = worker.task
    message: object = None
    if worker.pipe in ready:
        try:
            message = worker.pipe.recv()
        except (EOFError, OSError):
            worker.gone = True
    elif worker.process.sentinel in ready:
        worker.gone = True
    if message == _READY:
        worker.ready = True
        return None
    if isinstance(message, ClientRecord):
        worker.task = None
        return message
    if worker.gone and task is not None:
        return _failed(task, _DIED)
    if worker.gone and not worker.ready and pending:
        # It died starting: fail a client with the reason, so a run whose workers cannot start
        # ends instead of starting workers for ever.
        return _failed(pending.popleft(), _NO_START)
    if task is not None and time.monotonic() >= worker.deadline:
        worker.gone = True
        error = (
            f"timed out: the client was still rendering after {timeout:g} s (the run's "
            "timeout), so its process was stopped; raise `timeout` in the run config or "
            "--timeout if its data is that large"
        )
        return _failed(task, error, duration_s=timeout)
    return None


def _failed(
    task: ClientTask, error: str, *, duration_s: float = 0.0, trace: str | None = None
) -> ClientRecord:
    return ClientRecord(
        task.client.name,
        "failed",
        task.period.key,
        task.output,
        describe_source(task.client),
        error=error,
        traceback=trace,
        duration_s=duration_s,
    )


def _stop(worker: _Worker) -> None:
    """End a worker: ask an idle one to leave, kill a busy or dead one; wait for it either way."""
    if worker.task is None and not worker.gone and worker.process.is_alive():
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
        if render is None:  # the renderer's libraries load before the first client's clock
            import deckgen.pipeline  # noqa: F401
        pipe.send(_READY)
        while (task := pipe.recv()) is not _STOP:
            pipe.send(_sendable(render_client(task, render), task))
    except (EOFError, OSError):
        return  # the run that started this worker has gone: nobody is left to tell


def _sendable(record: ClientRecord, task: ClientTask) -> ClientRecord:
    """`record`, or a failed record if it cannot be pickled back (a bug: keep its trace)."""
    try:
        pickle.dumps(record)
    except Exception as exc:
        error = f"unexpected error: {type(exc).__name__}: {exc}"
        return _failed(task, error, trace="".join(traceback.format_exception(exc)))
    return record
