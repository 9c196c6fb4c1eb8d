"""A render process: a fresh Python that renders the clients it is sent, one at a time.

It is started with subprocess, not multiprocessing: a Dask worker is a daemonic process, which
multiprocessing forbids to have children, and the local pool and the Dask executor share this
one mechanism. The two ends talk over a socket pair through multiprocessing's Connection
(length-prefixed pickles). A render process that loses its parent ends itself, so a killed
worker or run never leaves one rendering behind.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import socket
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from deckgen.batch.worker import (
    DIED,
    NO_START,
    NOT_STARTED,
    ClientTask,
    RenderedClient,
    RenderFn,
    failed_record,
    render_client,
    timed_out,
)

STOP = None  # sent to a render process: no more clients
READY = "ready"  # sent by a render process once it has started and can take a client
# Seconds a render process waits for a client before it leaves: one kept by a long-lived Dask
# worker between runs would otherwise hold its memory for a month.
IDLE_EXIT_S = 300.0
# The code cache goes in first, as in the CLI: a render process would otherwise compile its
# dataclasses' methods afresh (about 0.1 s of CPU) every time it starts.
_SERVE = (
    "import sys; from deckgen import code_cache; code_cache.install(); "
    "from deckgen.batch.child import serve; serve(int(sys.argv[1]))"
)


class RenderProcessDied(Exception):
    """The render process ended before it answered (it was killed, ran out of memory, crashed)."""


@dataclass
class RenderProcess:
    """A render process, the parent's end of its pipe, and whether it has said it is ready."""

    process: subprocess.Popen[bytes]
    pipe: Connection  # readable (EOF) once the process has ended: it holds the other end
    ready: bool = False  # started, deckgen imported: a client's clock starts from here
    last_used: float = field(default_factory=time.monotonic)  # when it last finished a client

    def alive(self) -> bool:
        """True while the process runs."""
        return self.process.poll() is None

    def reusable(self) -> bool:
        """True if it runs and is far from leaving for want of clients."""
        return self.alive() and time.monotonic() - self.last_used < IDLE_EXIT_S / 2

    def stop(self, *, idle: bool) -> None:
        """End the process: ask an idle one to leave, kill a busy or dead one; wait for it."""
        if idle and self.alive():
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                self.pipe.send(STOP)
                self.process.wait(timeout=5)
        if self.alive():
            self.process.kill()  # SIGKILL: nothing inside it can refuse
        self.process.wait()
        self.pipe.close()

    def _wait_ready(self, timeout: float) -> None:
        """Block until the process can take a client; RenderProcessDied if it ends first or
        is not ready within `timeout` s (0: no limit), a start as stuck as a client can be."""
        if self.ready:
            return
        if not self.pipe.poll(timeout or None):
            raise RenderProcessDied(f"{NOT_STARTED} (it was not ready after {timeout:g} s)")
        try:
            self.pipe.recv()  # READY: nothing else comes first
        except (EOFError, OSError):
            raise RenderProcessDied(NO_START) from None
        self.ready = True

    def render(self, task: ClientTask, timeout: float) -> RenderedClient:
        """Render `task` here, waiting for it; past `timeout` s (0: none) the process is
        killed and the record says so; RenderProcessDied if the process dies first."""
        try:
            self._wait_ready(timeout)
            self.pipe.send(task)
            if not self.pipe.poll(timeout or None):
                self.stop(idle=False)
                return RenderedClient(timed_out(task, timeout))
            message = self.pipe.recv()
        except (EOFError, OSError):
            self.stop(idle=False)
            raise RenderProcessDied(DIED) from None
        except RenderProcessDied:
            self.stop(idle=False)
            raise
        assert isinstance(message, RenderedClient)  # the only other message is READY, sent once
        self.last_used = time.monotonic()
        return message


def start_render_process(render: RenderFn | None) -> RenderProcess:
    """A new render process for `render` (None: the real renderer), starting in the background."""
    ours, theirs = socket.socketpair()
    # The child imports what this process can (an editable install, a test's stand-in module).
    path = os.pathsep.join(entry for entry in sys.path if entry)
    try:
        process = subprocess.Popen(
            # -P: the working folder is not put on the child's path (no stray deckgen/ there).
            [sys.executable, "-P", "-c", _SERVE, str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": path},
        )
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()  # the child holds it; this end then sees EOF when the child ends
    pipe = Connection(ours.detach())
    with contextlib.suppress(OSError):  # a child dead already: its EOF says so
        pipe.send(render)
    return RenderProcess(process, pipe)


def serve(fd: int) -> None:
    """A render process's life: render each client it is sent until told to stop."""
    pipe = Connection(fd)
    _exit_with_parent()
    try:
        render = pipe.recv()  # importing a stand-in's module may fail: the parent sees EOF
        if render is None:  # the renderer's libraries load before the first client's clock
            pipeline = importlib.import_module("deckgen.pipeline")
            for module in pipeline.RENDER_MODULES:
                importlib.import_module(module)
        pipe.send(READY)
        while pipe.poll(IDLE_EXIT_S) and (task := pipe.recv()) is not STOP:
            pipe.send(_sendable(render_client(task, render), task))
    except (EOFError, OSError):
        return  # the process that started this one has gone: nobody is left to tell


def _exit_with_parent() -> None:
    """End this process within a second of its parent's end, even mid-render (a parent
    killed by SIGKILL cannot stop it, and its pipe is only read between clients)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="deckgen-parent-watch", daemon=True).start()


def _sendable(rendered: RenderedClient, task: ClientTask) -> RenderedClient:
    """`rendered`, or a failed record if it cannot be pickled back (a bug: keep its trace)."""
    try:
        pickle.dumps(rendered.record)
    except Exception as exc:
        error = f"unexpected error: {type(exc).__name__}: {exc}"
        trace = "".join(traceback.format_exception(exc))
        return RenderedClient(failed_record(task, error, trace=trace))
    return rendered
