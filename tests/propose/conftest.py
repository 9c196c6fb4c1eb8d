"""Small client exports written for one test each."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def orders_csv() -> Callable[..., Path]:
    """A writer of orders.csv in a folder: order, customer, date and amount columns, then the
    columns given (each column's values repeated in turn)."""
    return _orders


def _orders(folder: Path, extra: dict[str, list[str]], rows: int = 30) -> Path:
    """An orders export of `rows` rows with the columns `extra` (each value repeated in turn)."""
    folder.mkdir(exist_ok=True)
    path = folder / "orders.csv"
    header = ["Order ID", "Customer ID", "Order Date", "Amount", *extra]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i in range(rows):
            cells = [f"O{i:03d}", f"K{i % 7:02d}", f"2026-{1 + i % 9:02d}-{1 + i % 27:02d}", "10.5"]
            writer.writerow([*cells, *(values[i % len(values)] for values in extra.values())])
    return path
