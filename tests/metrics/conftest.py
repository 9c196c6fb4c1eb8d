"""Hand-computed tables for the segments, prospects, funnel and channels tests.

Two small data sets, each worked out by hand in the tests that use it; change a row and the
comments next to those assertions must change with it. The reporting month is October 2026.

`segment_tables`: customers C1..C6 (C6 never orders) plus C8, who orders but is missing from
the customers sheet; C7 orders only after the month.

`acquisition_tables`: customers A1..A7 with channels, leads L1..L9 and the channels sheet.
"""

from __future__ import annotations

import pytest

from deckgen.data.tables import Tables
from tests.metrics.fixtures_lifecycle import make_frame


@pytest.fixture
def segment_tables() -> Tables:
    """Customers with geography, age, gender and interests, and their orders."""
    customers = make_frame(
        "customers",
        ["customer_id", "country", "age", "gender", "interests"],
        [
            ["C1", "DE", 30, "female", "outdoor;fitness"],
            ["C2", "DE", 40, "male", "fitness"],
            ["C3", "FR", 22, "female", None],
            ["C4", "FR", None, None, "travel"],
            ["C5", "IT", 70, "male", " outdoor ; "],
            ["C6", "IT", 50, "male", "knitting"],
        ],
    )
    orders = make_frame(
        "orders",
        ["order_id", "customer_id", "order_date", "amount"],
        [
            ["O1", "C1", "2026-10-30", 100.0],
            ["O2", "C1", "2026-10-01", 50.0],
            ["O3", "C1", "2026-09-15", 50.0],
            ["O4", "C1", "2025-11-10", 100.0],
            ["O5", "C2", "2026-10-20", 80.0],
            ["O6", "C2", "2026-08-01", 20.0],
            ["O7", "C3", "2026-09-05", 60.0],
            ["O8", "C4", "2026-10-05", 40.0],
            ["O9", "C5", "2024-11-20", 200.0],
            ["O10", "C5", "2025-12-01", 100.0],
            ["O11", "C7", "2026-11-02", 500.0],
            ["O12", "C8", "2026-10-10", 30.0],
        ],
    )
    return Tables(customers=customers, orders=orders)


@pytest.fixture
def acquisition_tables() -> Tables:
    """Customers acquired through channels and leads, with spend, reach and club joins."""
    customers = make_frame(
        "customers",
        ["customer_id", "acquisition_channel", "loyalty_member", "loyalty_join_date"],
        [
            ["A1", "email", True, "2026-10-12"],
            ["A2", "tv", False, None],
            ["A3", None, False, None],
            ["A4", "tv", False, None],
            ["A5", "email", True, "2026-09-03"],
            ["A6", None, False, None],
            ["A7", "email", False, None],
        ],
    )
    orders = make_frame(
        "orders",
        ["order_id", "customer_id", "order_date", "amount"],
        [
            ["O1", "A1", "2026-07-05", 100.0],
            ["O2", "A1", "2026-08-01", 50.0],
            ["O3", "A1", "2026-10-03", 30.0],
            ["O4", "A2", "2026-07-20", 200.0],
            ["O5", "A2", "2026-10-25", 70.0],
            ["O6", "A3", "2026-10-10", 60.0],
            ["O7", "A4", "2026-06-10", 80.0],
            ["O8", "A4", "2026-06-10", 20.0],
            ["O9", "A4", "2026-10-01", 40.0],
            ["O10", "A5", "2026-09-03", 90.0],
            ["O11", "A5", "2026-10-15", 10.0],
            ["O12", "A6", "2026-10-20", 25.0],
            ["O13", "A7", "2026-10-28", 45.0],
            ["O14", "A7", "2026-11-05", 999.0],
        ],
    )
    leads = make_frame(
        "leads",
        [
            "lead_id",
            "created_date",
            "channel",
            "status",
            "name",
            "region",
            "age",
            "converted_date",
            "customer_id",
        ],
        [
            ["L1", "2026-10-02", "email", "converted", None, "north", 30, "2026-10-28", "A7"],
            ["L2", "2026-10-05", "seo", "converted", None, "south", 45, "2026-10-10", "A3"],
            ["L3", "2026-10-07", "tv", "open", "Ana Weber", "north", 50, None, None],
            ["L4", "2026-09-10", "email", "lost", None, "south", None, None, None],
            ["L5", "2026-09-20", "tv", "open", None, "north", 33, None, None],
            ["L6", "2026-08-15", "email", "converted", None, "north", 28, "2026-09-03", "A5"],
            ["L7", "2026-10-20", "email", "converted", None, "west", None, "2026-11-10", None],
            ["L8", "2026-06-01", "tv", "lost", None, "south", 60, None, None],
            ["L9", "2026-11-02", "email", "open", None, "north", 35, None, None],
        ],
    )
    channels = make_frame(
        "channels",
        ["month", "channel", "spend", "reach"],
        [
            ["2026-06-01", "email", 40.0, 400],
            ["2026-06-01", "tv", 200.0, 4000],
            ["2026-07-01", "email", 50.0, 500],
            ["2026-07-01", "tv", 300.0, 5000],
            ["2026-09-01", "email", 80.0, 900],
            ["2026-09-01", "tv", 400.0, 8000],
            ["2026-10-01", "email", 100.0, 1000],
            ["2026-10-01", "tv", 500.0, 10000],
            ["2026-10-01", "seo", 0.0, 2000],
        ],
    )
    return Tables(customers=customers, orders=orders, leads=leads, channels=channels)
