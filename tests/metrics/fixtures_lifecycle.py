"""Small hand-computed tables for the loyalty, feedback and satisfaction tests.

The expected values in the tests are worked out by hand from these rows; change a row and
the comments next to the assertions must change with it.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import pandas as pd
import pyarrow as pa

from deckgen.config import MetricsSettings
from deckgen.data.cells import to_categories
from deckgen.data.schema import SHEETS_BY_NAME
from deckgen.data.tables import Tables
from deckgen.definitions import parse_definitions
from deckgen.period import Period

OCT_2026 = Period("gregorian", 2026, 10)

_DTYPES = {
    "id": "string",
    "text": "string",
    "date": "datetime64[ns]",
    "float": "float64",
    "int": "Int64",
    "bool": "boolean",
}


def make_frame(
    sheet: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> pd.DataFrame:
    """A sheet's table with `columns` (in deckgen's names) in the dtypes of deckgen.data.tables
    (category columns built as validation builds them)."""
    spec = SHEETS_BY_NAME[sheet]
    data = {}
    for position, name in enumerate(columns):
        kind = spec.column(name).kind
        values = [row[position] for row in rows]
        if kind == "date":
            data[name] = pd.to_datetime(pd.Series(values, dtype=object)).astype("datetime64[ns]")
        elif kind == "category":  # as validation holds them (deckgen.data.cells.to_categories)
            text = pa.chunked_array([pa.array(values, pa.string())])
            data[name] = to_categories(text, pd.RangeIndex(len(values)))
        else:
            data[name] = pd.Series(values, dtype=_DTYPES[kind])
    return pd.DataFrame(data, columns=list(columns))


def customers(ids: Sequence[str]) -> pd.DataFrame:
    """A customers table with ids only."""
    return make_frame("customers", ["customer_id"], [[i] for i in ids])


def orders(rows: Sequence[tuple[str, str, float]]) -> pd.DataFrame:
    """An orders table from (customer_id, order_date, amount) rows; order ids O1, O2, ..."""
    return make_frame(
        "orders",
        ["order_id", "customer_id", "order_date", "amount"],
        [[f"O{n}", c, d, a] for n, (c, d, a) in enumerate(rows, start=1)],
    )


# Customer A: three orders (Aug, Sep, Oct 2026); B: Dec 2025 and 1 Oct 2026; C: 1 Jul 2026;
# D: two orders on 1 Sep 2026; E: 31 Oct 2026 (the period's last day); F: only after the
# period (ignored); G: Nov 2024 (before the 23-month span) and 15 Aug 2026.
LIFECYCLE_ORDERS = (
    ("A", "2026-08-05", 100.0),
    ("A", "2026-09-10", 50.0),
    ("A", "2026-10-20", 30.0),
    ("B", "2025-12-15", 200.0),
    ("B", "2026-10-01", 80.0),
    ("C", "2026-07-01", 40.0),
    ("D", "2026-09-01", 10.0),
    ("D", "2026-09-01", 20.0),
    ("E", "2026-10-31", 60.0),
    ("F", "2026-11-05", 500.0),
    ("G", "2024-11-20", 70.0),
    ("G", "2026-08-15", 90.0),
)

# Club: A flagged with a join date; C flagged without one (a member throughout); D flagged
# without a date but with club events from 20 Sep; H joined through the sheet only (no
# orders); E joins after the period (not a member yet); B explicitly not a member.
LIFECYCLE_CUSTOMERS = (
    ("A", True, "2026-08-05"),
    ("B", False, None),
    ("C", True, None),
    ("D", True, None),
    ("E", None, None),
    ("F", None, None),
    ("G", None, None),
    ("H", None, None),
)

LOYALTY_EVENTS = (
    # customer_id, date, event, tier, points, offer
    ("A", "2026-08-05", "joined", "silver", None, None),
    ("A", "2026-09-10", "points_earned", None, 50.0, None),
    ("A", "2026-10-20", "tier_change", "gold", None, None),
    ("A", "2026-10-20", "points_earned", None, 30.0, None),
    ("A", "2026-10-21", "offer_redeemed", None, -20.0, "free_shipping"),
    ("H", "2026-10-10", "joined", "bronze", None, None),
    ("D", "2026-10-15", "offer_redeemed", None, -10.0, "birthday_gift"),
    ("D", "2026-09-20", "referral", None, None, None),
    ("A", "2026-11-02", "offer_redeemed", None, -15.0, "birthday_gift"),
    ("E", "2026-11-01", "joined", "bronze", None, None),
)

SEGMENTS = {"A": "Champions", "B": "Champions", "C": "Lost", "D": "New", "G": "Lost", "X": "New"}


# One month of orders (October 2026): A twice (a 10-day gap, so a derived K is the floor of 30
# days), B, C and D once; A (11 Oct) and B (2 Oct) are 15 to 29 days silent on Oct 31.
ONE_MONTH_ORDERS = (
    ("A", "2026-10-01", 5.0),
    ("A", "2026-10-11", 5.0),
    ("B", "2026-10-02", 5.0),
    ("C", "2026-10-20", 5.0),
    ("D", "2026-10-31", 5.0),
)


def one_month_tables() -> Tables:
    """Customers A-D and the one month of orders."""
    return Tables(customers=customers(["A", "B", "C", "D"]), orders=orders(ONE_MONTH_ORDERS))


def lifecycle_tables(club: bool = True, loyalty_sheet: bool = True) -> Tables:
    """The lifecycle fixture; without `club` the customers have no loyalty columns."""
    if club:
        people = make_frame(
            "customers",
            ["customer_id", "loyalty_member", "loyalty_join_date"],
            LIFECYCLE_CUSTOMERS,
        )
    else:
        people = customers([row[0] for row in LIFECYCLE_CUSTOMERS])
    loyalty = None
    if loyalty_sheet:
        loyalty = make_frame(
            "loyalty", ["customer_id", "date", "event", "tier", "points", "offer"], LOYALTY_EVENTS
        )
    return Tables(customers=people, orders=orders(LIFECYCLE_ORDERS), loyalty=loyalty)


def assert_plain(value: object, where: str = "result") -> None:
    """Fail unless `value` is built from frozen dataclasses, tuples and plain scalars only."""
    if dataclasses.is_dataclass(value):
        assert type(value).__dataclass_params__.frozen, where
        for field in dataclasses.fields(value):
            assert_plain(getattr(value, field.name), f"{where}.{field.name}")
    elif isinstance(value, tuple):
        for position, item in enumerate(value):
            assert_plain(item, f"{where}[{position}]")
    else:
        # Exact types: numpy scalars subclass float but do not serialise the same way.
        plain = type(value) in (str, int, float, bool, type(None))
        assert plain or isinstance(value, enum.StrEnum), f"{where}: {type(value)}"


_METRICS_DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"
_CITATION = re.compile(r"docs/metrics\.md#([\w-]+)((?:, #[\w-]+)*)")


def missing_definitions(module: ModuleType) -> set[str]:
    """Anchors the module cites (`docs/metrics.md#a, #b`) that docs/metrics.md does not define."""
    cited = set()
    for match in _CITATION.finditer(Path(module.__file__).read_text(encoding="utf-8")):
        cited.add(match[1])
        cited.update(re.findall(r"#([\w-]+)", match[2]))
    assert cited, f"{module.__name__} cites no definition"
    defined = parse_definitions(_METRICS_DOC.read_text(encoding="utf-8"), str(_METRICS_DOC))
    return cited - set(defined)


def settings(**overrides: object) -> MetricsSettings:
    """Metrics settings with `overrides` on the defaults."""
    return MetricsSettings(**overrides)


# Feedback received in Sep and Oct 2026 (and one in June); see test_feedback.py for the sums.
FEEDBACK_ROWS = (
    # feedback_id, date, kind, topic, severity, status, customer_id, resolved_date, text
    ("F01", "2026-09-05", "complaint", "delivery", "high", "resolved", "C1", "2026-09-08", "Late"),
    ("F02", "2026-09-20", "issue", "payment", "critical", "resolved", "C2", "2026-10-04", "Card"),
    ("F03", "2026-09-25", "comment", "product", "low", "open", "C3", None, "Nice range"),
    ("F04", "2026-10-01", "complaint", "delivery", "critical", "in_progress", "C4", None, "Broken"),
    ("F05", "2026-10-03", "concern", "privacy", "medium", "resolved", None, "2026-10-10", "Data?"),
    ("F06", "2026-10-10", "complaint", "delivery", "high", "open", "C1", None, "Late again"),
    ("F07", "2026-10-15", "issue", "payment", "high", "resolved", "C5", "2026-11-03", "Refund"),
    ("F08", "2026-10-20", "complaint", "delivery", "critical", "open", "C6", None, None),
    ("F09", "2026-10-28", "comment", "product", "low", "resolved", "C7", None, "Love it"),
    ("F10", "2026-11-02", "complaint", "delivery", "critical", "open", "C8", None, "Too late"),
    ("F11", "2026-06-15", "issue", "payment", "medium", "resolved", "C9", "2026-09-30", "Old"),
)
FEEDBACK_COLUMNS = (
    "feedback_id",
    "date",
    "kind",
    "topic",
    "severity",
    "status",
    "customer_id",
    "resolved_date",
    "text",
)


def feedback_tables(rows: Sequence[Sequence[object]] = FEEDBACK_ROWS) -> Tables:
    """Tables with a feedback sheet of `rows` (FEEDBACK_COLUMNS) and the lifecycle orders."""
    return Tables(
        customers=customers(["A"]),
        orders=orders(LIFECYCLE_ORDERS),
        feedback=make_frame("feedback", FEEDBACK_COLUMNS, rows),
    )


# Survey answers; the default scales are satisfaction 1..5 and recommend 0..10.
SURVEY_ROWS = (
    # response_id, date, satisfaction, recommend, customer_id
    ("S01", "2026-10-02", 5.0, 10.0, "A"),
    ("S02", "2026-10-25", 4.0, 9.0, "A"),
    ("S03", "2026-10-05", 2.0, 8.0, "B"),
    ("S04", "2026-10-06", 5.0, 6.0, "C"),
    ("S05", "2026-10-07", 1.0, 2.0, "D"),
    ("S06", "2026-10-08", 3.0, None, "E"),
    ("S07", "2026-10-09", 7.0, 9.0, None),
    ("S08", "2026-09-10", 4.0, 10.0, "F"),
    ("S09", "2026-09-12", 2.0, 3.0, "G"),
    ("S10", "2026-09-15", None, 11.0, "H"),
    ("S11", "2025-10-20", 5.0, 10.0, "J"),
    ("S12", "2026-11-01", 1.0, 0.0, "A"),
    ("S13", "2026-10-25", 3.0, 7.0, "K"),
    ("S14", "2026-10-25", 5.0, 10.0, "K"),
)
SURVEY_COLUMNS = ("response_id", "date", "satisfaction", "recommend", "customer_id")


def survey_tables(
    rows: Sequence[Sequence[object]] = SURVEY_ROWS, columns: Sequence[str] = SURVEY_COLUMNS
) -> Tables:
    """Tables with a surveys sheet of `rows` and the lifecycle orders."""
    return Tables(
        customers=customers(["A"]),
        orders=orders(LIFECYCLE_ORDERS),
        surveys=make_frame("surveys", columns, rows),
    )
