"""All analyses of a deck: the CLV computed beside the others gives the same figures."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pandas as pd
import pytest

import deckgen.metrics.lifecycle as lifecycle_module
from deckgen.config import Settings
from deckgen.data.tables import Tables
from deckgen.data.validate import validate_frames
from deckgen.metrics.clv import compute_clv
from deckgen.metrics.lifecycle import CONCURRENT_ORDERS, compute_metrics
from deckgen.metrics.report import to_json
from deckgen.period import Period

OCT = Period("gregorian", 2026, 10)
SETTINGS = Settings().metrics
EVERY_SIZE = range(0, 10**12)  # any number of orders: the CLV in its own thread


@pytest.fixture(scope="module")
def tables(small_frames: dict[str, pd.DataFrame]) -> Tables:
    return validate_frames(small_frames, Settings(), "sample").tables


def _clv_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the threads compute_metrics runs compute_clv in, one per call."""
    names: list[str] = []

    def recorded(*args: object) -> object:
        names.append(threading.current_thread().name)
        return compute_clv(*args)

    monkeypatch.setattr(lifecycle_module, "compute_clv", recorded)
    return names


def test_the_clv_beside_the_analyses_gives_the_figures_in_turn(tables, monkeypatch):
    threads = _clv_threads(monkeypatch)
    monkeypatch.setattr(lifecycle_module, "CONCURRENT_ORDERS", range(0))
    in_turn = compute_metrics(tables, OCT, SETTINGS)
    monkeypatch.setattr(lifecycle_module, "CONCURRENT_ORDERS", EVERY_SIZE)
    beside = compute_metrics(tables, OCT, SETTINGS)
    assert threads[0] == threading.current_thread().name
    assert threads[1].startswith("deckgen-clv")
    assert beside == in_turn
    assert to_json(beside) == to_json(in_turn)
    # The per-customer figures too (not in the JSON, nor compared by ==).
    pd.testing.assert_frame_equal(
        beside.clv.customer_values.to_frame(), in_turn.clv.customer_values.to_frame()
    )


def test_an_error_of_the_clv_beside_is_raised_by_compute_metrics(tables, monkeypatch):
    def broken(*args: object) -> object:
        raise ZeroDivisionError("in the CLV's thread")

    monkeypatch.setattr(lifecycle_module, "compute_clv", broken)
    monkeypatch.setattr(lifecycle_module, "CONCURRENT_ORDERS", EVERY_SIZE)
    with pytest.raises(ZeroDivisionError, match="in the CLV's thread"):
        compute_metrics(tables, OCT, SETTINGS)


def test_a_small_client_s_clv_runs_in_turn(tables, monkeypatch):
    # The sample's few thousand orders: a thread would only contend for the interpreter.
    threads = _clv_threads(monkeypatch)
    metrics = compute_metrics(tables, OCT, SETTINGS)
    assert metrics.orders not in CONCURRENT_ORDERS
    assert threads == [threading.current_thread().name]


def test_the_orders_counted_are_those_to_the_period_end(tables):
    expected = int((tables.orders["order_date"] < pd.Timestamp("2026-11-01")).sum())
    assert compute_metrics(tables, OCT, SETTINGS).orders == expected
    assert 1_000_000 in CONCURRENT_ORDERS and 10_000_000 not in CONCURRENT_ORDERS


def test_the_clv_beside_starts_before_the_segments(tables, monkeypatch):
    # It was the last analysis to end at a million orders: it starts once the shared figures
    # it reads are known.
    started = threading.Event()
    segments = lifecycle_module.compute_segments

    def clv(*args: object) -> object:
        started.set()
        return compute_clv(*args)

    def after_the_clv_started(*args: object, **kwargs: object) -> object:
        assert started.wait(timeout=30)
        return segments(*args, **kwargs)

    monkeypatch.setattr(lifecycle_module, "compute_clv", clv)
    monkeypatch.setattr(lifecycle_module, "compute_segments", after_the_clv_started)
    monkeypatch.setattr(lifecycle_module, "CONCURRENT_ORDERS", EVERY_SIZE)
    beside = compute_metrics(tables, OCT, SETTINGS)
    monkeypatch.setattr(lifecycle_module, "CONCURRENT_ORDERS", range(0))
    monkeypatch.setattr(lifecycle_module, "compute_segments", segments)
    assert beside == compute_metrics(tables, OCT, SETTINGS)


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        # In the concurrent range the analyses that read no lead come while the leads' answers
        # are queried; above it (the largest clients) after the leads' analyses, whose queries
        # are then done before the loyalty analysis's working set.
        (EVERY_SIZE, ["loyalty", "feedback", "satisfaction", "prospects", "funnel", "channels"]),
        (range(0), ["prospects", "funnel", "channels", "loyalty", "feedback", "satisfaction"]),
    ],
)
def test_the_analyses_that_read_no_lead_come_first_only_in_the_concurrent_range(
    tables, monkeypatch, sizes, expected
):
    called: list[str] = []
    for name in expected:
        original = getattr(lifecycle_module, f"compute_{name}")

        def recorded(*args: object, _name: str = name, _original=original, **kwargs: object):
            called.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(lifecycle_module, f"compute_{name}", recorded)
    monkeypatch.setattr(lifecycle_module, "CONCURRENT_ORDERS", sizes)
    compute_metrics(tables, OCT, SETTINGS)
    assert called == expected


def _held_clv(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, list[str]]:
    """An event the CLV waits for in compute_metrics (its thread beside the analyses), and
    "done" noted once it went on."""
    go_on, noted = threading.Event(), []

    def held(*args: object) -> object:
        go_on.wait(timeout=60)
        noted.append("done")
        return compute_clv(*args)

    monkeypatch.setattr(lifecycle_module, "compute_clv", held)
    monkeypatch.setattr(lifecycle_module, "CONCURRENT_ORDERS", EVERY_SIZE)
    return go_on, noted


def _raising(error: BaseException, then: threading.Event | None = None) -> object:
    def analysis(*args: object) -> object:
        if then is not None:
            then.set()  # the CLV may go on: this error is raised before it ends
        raise error

    return analysis


def test_a_ctrl_c_beside_the_clv_is_raised_at_once_and_nothing_waits_for_the_clv(
    tables, monkeypatch
):
    go_on, noted = _held_clv(monkeypatch)
    monkeypatch.setattr(lifecycle_module, "compute_loyalty", _raising(KeyboardInterrupt()))
    try:
        with pytest.raises(KeyboardInterrupt):
            compute_metrics(tables, OCT, SETTINGS)
        assert noted == []  # raised while the CLV still waits
        (clv,) = [t for t in threading.enumerate() if t.name == "deckgen-clv"]
        assert clv.daemon  # the interpreter's exit does not wait for it
    finally:
        go_on.set()
    clv.join(timeout=60)
    assert noted == ["done"]


@pytest.mark.parametrize("analysis", ["segments", "loyalty"])
def test_an_error_beside_the_clv_is_raised_once_the_clv_s_thread_is_done(
    tables, monkeypatch, analysis
):
    go_on, noted = _held_clv(monkeypatch)
    broken = _raising(ValueError(f"in the {analysis} analysis"), then=go_on)
    monkeypatch.setattr(lifecycle_module, f"compute_{analysis}", broken)
    with pytest.raises(ValueError, match=f"in the {analysis} analysis"):
        compute_metrics(tables, OCT, SETTINGS)
    # Nothing of this deck computes on beside a batch's next one.
    assert noted == ["done"]
    assert not [t for t in threading.enumerate() if t.name == "deckgen-clv"]


def test_a_ctrl_c_beside_a_clv_that_never_ends_stops_the_process(tmp_path):
    # A process of its own: the CLV's thread blocks for ever, and a Ctrl-C (KeyboardInterrupt
    # in the loyalty analysis) still ends the process, with the exit code the CLI gives.
    script = tmp_path / "interrupted.py"
    script.write_text(
        textwrap.dedent(
            """
            import sys, threading
            import deckgen.metrics.lifecycle as lifecycle
            from deckgen.config import Settings
            from deckgen.data.sample import generate_sample
            from deckgen.data.validate import validate_frames
            from deckgen.period import Period

            def pressed(*args):
                raise KeyboardInterrupt

            lifecycle.compute_clv = lambda *args: threading.Event().wait()
            lifecycle.compute_loyalty = pressed
            lifecycle.CONCURRENT_ORDERS = range(0, 10**12)
            tables = validate_frames(generate_sample(customers=60), Settings(), "s").tables
            try:
                lifecycle.compute_metrics(tables, Period("gregorian", 2026, 10), Settings().metrics)
            except KeyboardInterrupt:
                print("interrupted", flush=True)
                sys.exit(130)
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stdout, done.stderr) == (130, "interrupted\n", "")
