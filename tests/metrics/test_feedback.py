from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from deckgen.data.schema import FEEDBACK_KINDS, FEEDBACK_STATUSES, SEVERITIES
from deckgen.data.tables import Tables
from deckgen.metrics import feedback
from deckgen.metrics.common import Change
from deckgen.metrics.feedback import compute_feedback
from deckgen.period import Period
from tests.metrics.fixtures_lifecycle import (
    FEEDBACK_ROWS,
    OCT_2026,
    assert_plain,
    customers,
    feedback_tables,
    make_frame,
    missing_definitions,
    orders,
    settings,
)


def _feedback():
    result = compute_feedback(feedback_tables(), OCT_2026, settings())
    assert result is not None
    return result


def _counts(categories):
    return [(c.name, c.count.current, c.count.previous) for c in categories]


def test_none_without_a_feedback_sheet():
    tables = Tables(customers=customers(["A"]), orders=orders([("A", "2026-10-01", 1.0)]))
    assert compute_feedback(tables, OCT_2026, settings()) is None


def test_received_by_kind_and_topic():
    result = _feedback()
    # Oct: F04..F09 (F10 is after the period); Sep: F01..F03.
    assert result.received == Change(6, 3)
    assert _counts(result.by_kind) == [
        ("comment", 1, 1),
        ("complaint", 3, 1),
        ("issue", 1, 1),
        ("concern", 1, 0),
    ]
    # Most this month first, then most last month, then by name.
    assert _counts(result.by_topic) == [
        ("delivery", 3, 1),
        ("payment", 1, 1),
        ("product", 1, 1),
        ("privacy", 1, 0),
    ]


def test_resolved_and_open():
    result = _feedback()
    # Resolved in Oct: F02 (Oct 4), F05 (Oct 10); F07 is resolved on Nov 3, F09 has no date.
    # Resolved in Sep: F01 (Sep 8), F11 (Sep 30).
    assert result.resolved == Change(2, 2)
    # Open at Oct 31: F03, F04 (in progress), F06, F07 (resolved only in Nov), F08.
    # Open at Sep 30: F02, F03 (F11 was resolved on Sep 30 itself).
    assert result.open == Change(5, 2)
    assert _counts(result.open_by_severity) == [
        ("critical", 2, 1),
        ("high", 2, 0),
        ("medium", 0, 0),
        ("low", 1, 1),
    ]


def test_resolution_rate_and_time():
    result = _feedback()
    # Received in Oct: 6, of which F05 and F09 (resolved, no date) resolved by Oct 31.
    # Received in Sep: 3, of which F01 resolved by Sep 30 (F02 only on Oct 4).
    assert result.resolution_rate == Change(1 / 3, 1 / 3)
    assert result.resolution_n == 6
    # Oct: F02 14 days, F05 7 days -> 10.5.  Sep: F01 3, F11 107 -> 55.
    assert result.median_days_to_resolve == Change(10.5, 55.0)
    assert result.median_days_n == 2


def test_monthly_flow():
    result = _feedback()
    assert tuple(m.month for m in result.months) == OCT_2026.trailing(12)
    # F11 came in in June and stayed open until Sep 30.
    assert [m.received for m in result.months] == [0] * 7 + [1, 0, 0, 3, 6]
    assert [m.resolved for m in result.months] == [0] * 10 + [2, 2]
    assert [m.open for m in result.months] == [0] * 7 + [1, 1, 1, 2, 5]


def test_items_to_resolve_most_severe_then_oldest():
    result = _feedback()
    items = result.to_resolve
    # Open at Oct 31: F03, F04, F06, F07, F08.  F03 is a low comment ("Nice range"): praise to
    # keep, not an issue to resolve, so it is left off and counted apart.
    assert [(i.feedback_id, i.severity, i.age_days) for i in items] == [
        ("F04", "critical", 30),
        ("F08", "critical", 11),
        ("F06", "high", 21),
        ("F07", "high", 16),
    ]
    assert (result.open_comments, result.open.current) == (1, 5)
    first = items[0]
    assert (first.received, first.kind, first.topic) == ("2026-10-01", "complaint", "delivery")
    assert (first.customer_id, first.text) == ("C4", "Broken")
    assert (items[1].customer_id, items[1].text) == ("C6", None)


@pytest.mark.parametrize(
    ("kind", "severity", "listed"),
    [
        ("comment", "low", False),
        ("comment", "medium", False),
        ("comment", "high", True),
        ("comment", "critical", True),
        ("complaint", "low", True),
        ("issue", "low", True),
        ("concern", "medium", True),
    ],
)
def test_which_open_items_are_to_resolve(kind, severity, listed):
    rows = [("F1", "2026-10-05", kind, "web", severity, "open", None, None, "Lovely shop")]
    result = compute_feedback(feedback_tables(rows), OCT_2026, settings())
    assert (len(result.to_resolve), result.open_comments) == ((1, 0) if listed else (0, 1))
    assert result.open.current == 1  # the backlog still counts every open item


def test_items_to_resolve_of_equal_severity_and_age_by_id():
    rows = [
        ("F2", "2026-10-05", "issue", "web", "high", "open", None, None, None),
        ("F1", "2026-10-05", "issue", "web", "high", "open", None, None, None),
        ("F3", "2026-10-01", "issue", "web", "medium", "open", None, None, None),
    ]
    result = compute_feedback(feedback_tables(rows), OCT_2026, settings())
    assert [i.feedback_id for i in result.to_resolve] == ["F1", "F2", "F3"]


def test_optional_columns_absent():
    columns = ("feedback_id", "date", "kind", "topic", "severity", "status")
    rows = [
        ("F1", "2026-10-05", "issue", "web", "high", "resolved"),
        ("F2", "2026-10-06", "concern", "web", "low", "open"),
    ]
    tables = Tables(
        customers=customers(["A"]),
        orders=orders([("A", "2026-10-01", 1.0)]),
        feedback=make_frame("feedback", columns, rows),
    )
    result = compute_feedback(tables, OCT_2026, settings())
    # F1 is resolved without a date: resolved, but in no month's resolved count.
    assert (result.open, result.resolved) == (Change(1, None), Change(0, None))
    assert result.resolution_rate == Change(0.5, None)
    assert result.median_days_to_resolve is None
    assert [(i.feedback_id, i.customer_id, i.text) for i in result.to_resolve] == [
        ("F2", None, None)
    ]


def test_later_data_does_not_change_a_past_period():
    later = (
        *FEEDBACK_ROWS,
        ("F99", "2026-12-01", "issue", "web", "critical", "open", None, None, None),
    )
    assert compute_feedback(feedback_tables(later), OCT_2026, settings()) == _feedback()


def test_cited_definitions_exist():
    assert missing_definitions(feedback) == set()


def test_results_hold_plain_values():
    assert_plain(_feedback())


_BASE = date(2025, 1, 1)
_rows = st.lists(
    st.tuples(
        st.integers(0, 800),
        st.sampled_from(FEEDBACK_KINDS),
        st.sampled_from(("web", "delivery")),
        st.sampled_from(SEVERITIES),
        st.sampled_from(FEEDBACK_STATUSES),
        st.one_of(st.none(), st.integers(0, 90)),
    ),
    max_size=30,
)
_periods = st.one_of(
    st.builds(Period, st.just("gregorian"), st.integers(2025, 2027), st.integers(1, 12)),
    st.builds(Period, st.just("jalali"), st.integers(1403, 1405), st.integers(1, 12)),
)


@hypothesis_settings(max_examples=60, deadline=None)
@given(rows=_rows, period=_periods)
def test_invariants(rows, period):
    table_rows = []
    for n, (offset, kind, topic, severity, status, delay) in enumerate(rows):
        received = _BASE + timedelta(days=offset)
        resolved = None
        if status == "resolved" and delay is not None:
            resolved = (received + timedelta(days=delay)).isoformat()
        table_rows.append(
            (f"F{n:03d}", received.isoformat(), kind, topic, severity, status, None, resolved, None)
        )
    result = compute_feedback(feedback_tables(table_rows or [FEEDBACK_ROWS[0]]), period, settings())
    assert sum(c.count.current for c in result.by_kind) == result.received.current
    assert sum(c.count.current for c in result.by_topic) == result.received.current
    assert sum(c.count.current for c in result.open_by_severity) == result.open.current
    listed = result.to_resolve
    assert len(listed) + result.open_comments == result.open.current == result.months[-1].open
    ranks = [SEVERITIES.index(i.severity) for i in listed]
    assert ranks == sorted(ranks, reverse=True)
    assert all(i.age_days >= 0 for i in listed)
    # Comments are listed only when rated high or critical; every other kind always is.
    assert all(i.kind != "comment" or i.severity in ("high", "critical") for i in listed)
    if result.resolution_rate is not None:
        assert 0.0 <= result.resolution_rate.current <= 1.0
    if result.median_days_to_resolve is not None:
        assert result.median_days_to_resolve.current >= 0


def _former_counts(names, now_mask, before_mask, has_previous, fixed):
    """feedback._counts before issue 16: every name as a Python object, then value_counts."""
    values = names.to_numpy(dtype=object, na_value="")
    now = pd.Series(values[now_mask]).value_counts()
    before = pd.Series(values[before_mask]).value_counts()
    if fixed is None:
        keys = sorted(
            set(now.index) | set(before.index),
            key=lambda name: (-now.get(name, 0), -before.get(name, 0), name),
        )
    else:
        keys = [*fixed, *sorted((set(now.index) | set(before.index)) - set(fixed) - {""})]
    return [
        (str(name), int(now.get(name, 0)), int(before.get(name, 0)) if has_previous else None)
        for name in keys
    ]


@hypothesis_settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from([None, "", "price", "delivery", "comment", " x"]),
            st.booleans(),
            st.booleans(),
        ),
        max_size=30,
    ),
    dtype=st.sampled_from(["category", "string", "object"]),
    fixed=st.sampled_from([None, ("delivery", "price"), ("comment",)]),
    has_previous=st.booleans(),
)
def test_counts_on_codes_are_the_former_counts(rows, dtype, fixed, has_previous):
    names = pd.Series([r[0] for r in rows], dtype=dtype)
    now = np.asarray([r[1] for r in rows], dtype=bool)
    before = np.asarray([r[2] for r in rows], dtype=bool)
    found = [
        (c.name, c.count.current, c.count.previous)
        for c in feedback._counts(names, now, before, has_previous, fixed)
    ]
    assert found == _former_counts(names, now, before, has_previous, fixed)
    kinds = pd.Series(["issue" if r[0] == "price" else r[0] for r in rows], dtype=dtype)
    severities = pd.Series(["high" if r[1] else "low" for r in rows], dtype="category")
    former = (kinds.to_numpy(dtype=object, na_value="") != "comment") | severities.isin(
        ["high"]
    ).to_numpy(dtype=bool)
    assert feedback.needs_resolution(kinds, severities).tolist() == former.tolist()
