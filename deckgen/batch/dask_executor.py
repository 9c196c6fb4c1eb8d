"""A run's clients on a Dask distributed cluster: one task per client, decks written by the run.

A task renders its client in a render process of the Dask worker (deckgen.batch.child), one per
worker thread and kept between tasks. Dask cannot stop a task's thread, but the task can kill
that process: a client still rendering at its timeout is killed on the worker and recorded
failed, and its worker slot is free for the next client. A render process that dies raises
RenderProcessDied, which Dask retries once (`retries=1`); a Dask worker that dies mid-task is
rescheduled by the scheduler and fails as KilledWorker once the scheduler's
`distributed.scheduler.allowed-failures` is spent (1 on the cluster deckgen starts itself).
The task returns the deck's bytes: the workers never write to the output folder.

Imported only for `--executor dask` (Dask is an optional extra).
"""

from __future__ import annotations

import queue
import threading
import time
import traceback
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import CancelledError
from contextlib import contextmanager
from dataclasses import dataclass

import dask
from distributed import Client, Future, KilledWorker, LocalCluster

from deckgen import __version__
from deckgen.batch.child import RenderProcessDied, start_render_process
from deckgen.batch.config import ExecutorName
from deckgen.batch.worker import ClientTask, RenderedClient, RenderFn, failed_record
from deckgen.errors import ConfigError

_WATCH_S = 5.0  # seconds between checks, while no client finishes, that a worker is connected
WORKER_DIED = (
    "the Dask worker rendering this client died (killed, out of memory, or its machine was "
    "lost), and again when the scheduler retried the client"
)
RETRIED = "; Dask retried the client once and it failed the same way"
CANCELLED = (
    "the Dask scheduler cancelled this client's task (the scheduler was restarted or the "
    "connection to it was lost)"
)


@dataclass(frozen=True)
class DaskExecutor:
    """A connected Dask client; `window` caps the clients on the cluster at once."""

    client: Client
    slots: int
    window: int | None  # None: every client is submitted at once
    render_fn: RenderFn | None = None  # a stand-in for render_deck_bytes in tests
    name: ExecutorName = "dask"

    def render(self, tasks: Sequence[ClientTask], timeout: float) -> Iterator[RenderedClient]:
        """Each task's outcome as it finishes; when no worker has been connected for `timeout`
        seconds (0: wait for ever), the clients not yet rendered fail instead of waiting."""
        run = f"deckgen-render-{uuid.uuid4().hex[:8]}"  # keys of two runs never clash
        pending = deque(tasks)
        running: dict[Future, ClientTask] = {}
        finished: queue.SimpleQueue[Future] = queue.SimpleQueue()

        def submit() -> None:
            task = pending.popleft()
            future = self.client.submit(
                render_task,
                task,
                self.render_fn,
                timeout,
                __version__,
                # The client's slug names its task on the dashboard; never its source.
                key=(run, task.client.slug),
                retries=1,
                pure=False,
            )
            running[future] = task
            future.add_done_callback(finished.put)

        watch = _WorkerWatch(self.client, timeout)
        try:
            while pending and (self.window is None or len(running) < self.window):
                submit()
            while running:
                try:
                    future = finished.get(timeout=min(_WATCH_S, timeout or _WATCH_S))
                except queue.Empty:
                    if watch.lost():
                        yield from (
                            RenderedClient(failed_record(task, watch.message()))
                            for task in (*running.values(), *pending)
                        )
                        return
                    continue
                task = running.pop(future)
                yield _outcome(future, task)
                future.release()  # its deck leaves the cluster's memory
                if pending:
                    submit()
        finally:
            if running:  # the run stopped early (no worker, an interrupt): leave nothing behind
                self.client.cancel(list(running))


@contextmanager
def connect(
    scheduler: str | None, *, jobs: int | None, render: RenderFn | None = None
) -> Iterator[DaskExecutor]:
    """A DaskExecutor on the scheduler at `scheduler`, or on a local cluster of `jobs` worker
    processes started here (and stopped on exit); ConfigError if the scheduler cannot be reached."""
    if scheduler is None:
        assert jobs is not None  # a local cluster has a size
        # A worker that dies mid-client is retried once, as the issue asks, not three times.
        with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
            cluster = LocalCluster(
                n_workers=jobs,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # any free port: 8787 may be another cluster's
            )
        with cluster, Client(cluster) as client:
            yield DaskExecutor(client, jobs, jobs, render)
        return
    try:
        client = Client(scheduler)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise ConfigError(f"cannot connect to the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        slots = jobs or sum(client.nthreads().values())
        yield DaskExecutor(client, slots, jobs, render)


def render_task(
    task: ClientTask, render: RenderFn | None, timeout: float, version: str
) -> RenderedClient:
    """The Dask task: one client rendered in this worker thread's render process; raises
    RenderProcessDied (for Dask to retry) if that process dies."""
    if version != __version__:
        error = (
            f"the Dask worker runs deckgen {__version__} and this run deckgen {version}: "
            "install the same version on the workers, so that a deck does not depend on "
            "which worker rendered it"
        )
        return RenderedClient(failed_record(task, error))
    slot = _thread_slot
    child = getattr(slot, "child", None)
    if child is None or getattr(slot, "render", None) is not render or not child.reusable():
        if child is not None:
            child.stop(idle=True)
        child = slot.child = start_render_process(render)
        slot.render = render
    return child.render(task, timeout)


_thread_slot = threading.local()  # this worker thread's render process and its renderer


def _outcome(future: Future, task: ClientTask) -> RenderedClient:
    """The task's result, or a failed record saying why the cluster could not give one."""
    try:
        rendered = future.result()
    except KilledWorker:
        return RenderedClient(failed_record(task, WORKER_DIED))
    except RenderProcessDied as exc:
        return RenderedClient(failed_record(task, f"{exc}{RETRIED}"))
    except CancelledError:
        return RenderedClient(failed_record(task, CANCELLED))
    except (
        Exception
    ) as exc:  # e.g. deckgen missing on a worker: a bug in the set-up, keep the trace
        error = f"the Dask task failed: {type(exc).__name__}: {exc}{RETRIED}"
        trace = "".join(traceback.format_exception(exc))
        return RenderedClient(failed_record(task, error, trace=trace))
    assert isinstance(rendered, RenderedClient)
    return rendered


@dataclass
class _WorkerWatch:
    """Whether the cluster has gone without a worker for longer than `limit` seconds."""

    client: Client
    limit: float  # seconds; 0: never give up
    seen: float = 0.0  # time.monotonic() a worker was last seen

    def __post_init__(self) -> None:
        self.seen = time.monotonic()

    def lost(self) -> bool:
        """True once no worker has been connected for `limit` seconds."""
        try:
            connected = bool(self.client.nthreads())
        except (OSError, TimeoutError):  # the scheduler itself is unreachable
            connected = False
        now = time.monotonic()
        if connected:
            self.seen = now
        return bool(self.limit) and now - self.seen >= self.limit

    def message(self) -> str:
        """Why the clients not rendered failed."""
        return (
            f"no Dask worker was connected to the scheduler for {self.limit:g} s (the run's "
            "timeout), so this client was not rendered; start workers (docs/scheduling.md) "
            "and re-run it with --clients"
        )
