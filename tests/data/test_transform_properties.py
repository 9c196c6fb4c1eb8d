"""Invariants of the transforms: reshaping an export and configuring its transform gives the
same figures as the clean sheet (issue 10, item 6)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deckgen.config import MetricsSettings, Settings
from deckgen.data.sample import generate_sample
from deckgen.data.validate import validate_frames
from deckgen.metrics.lifecycle import LifecycleMetrics, compute_metrics
from deckgen.pipeline import resolve_period

Frames = dict[str, pd.DataFrame]
EIGHTHS = 8  # amounts in eighths add up exactly in binary floating point, in any order


@pytest.fixture(scope="module")
def clean() -> Frames:
    """A small sample whose amounts are whole eighths, so that sums of lines are exact."""
    frames = generate_sample(customers=60, months=8, end="2026-10", seed=5)
    orders = frames["orders"].copy()
    orders["amount"] = np.round(orders["amount"].to_numpy() * EIGHTHS) / EIGHTHS
    return {**frames, "orders": orders}


@pytest.fixture(scope="module")
def baseline(clean: Frames) -> LifecycleMetrics:
    return _metrics(clean, Settings())


def _metrics(frames: Frames, config: Settings) -> LifecycleMetrics:
    report = validate_frames({k: v.copy() for k, v in frames.items()}, config, "sample")
    assert report.errors == (), report.format()
    tables = report.tables
    return compute_metrics(tables, resolve_period(None, tables, config), MetricsSettings())


def _split(
    orders: pd.DataFrame, parts: list[int], blanks: list[bool], days: list[int]
) -> pd.DataFrame:
    """Every order as `parts[i]` lines: eighths of its amount spread over the lines, the first
    line on the order's date and later lines up to days[i] later, the customer left blank on
    the later lines where `blanks` says."""
    rows = []
    for i, order in enumerate(orders.itertuples(index=False)):
        k = parts[i % len(parts)]
        eighths = round(order.amount * EIGHTHS)
        share, rest = divmod(abs(eighths), k)
        sign = -1 if eighths < 0 else 1
        for line in range(k):
            row = order._asdict()
            row["amount"] = sign * (share + (line < rest)) / EIGHTHS
            if line:
                row["order_date"] = order.order_date + pd.Timedelta(
                    days=days[(i + line) % len(days)]
                )
                if blanks[(i + line) % len(blanks)]:
                    row["customer_id"] = None
            rows.append(row)
    return pd.DataFrame(rows, columns=orders.columns)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    parts=st.lists(st.integers(1, 4), min_size=1, max_size=7),
    blanks=st.lists(st.booleans(), min_size=1, max_size=5),
    days=st.lists(st.integers(0, 3), min_size=1, max_size=5),
)
def test_orders_split_into_lines_give_identical_metrics(clean, baseline, parts, blanks, days):
    lines = _split(clean["orders"], parts, blanks, days)
    assert len(lines) >= len(clean["orders"])
    config = Settings.model_validate({"sheets": {"orders": {"order_lines": True}}})
    assert _metrics({**clean, "orders": lines}, config) == baseline


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(position=st.floats(0, 1), label=st.sampled_from(["TOTAL", "Total", "Grand total"]))
def test_a_total_row_with_a_where_that_drops_it_changes_nothing(clean, baseline, position, label):
    orders = clean["orders"]
    at = int(position * len(orders))
    total = pd.DataFrame({"order_id": [label], "amount": [orders["amount"].sum()]})
    with_total = pd.concat([orders.iloc[:at], total, orders.iloc[at:]], ignore_index=True)
    config = Settings.model_validate(
        {"sheets": {"orders": {"where": "upper(order_id) NOT LIKE '%TOTAL'"}}}
    )
    assert _metrics({**clean, "orders": with_total}, config) == baseline
