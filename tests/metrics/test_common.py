"""Shared metric helpers: purchase occasions (docs/metrics.md#purchase-occasions)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from deckgen.config import Settings
from deckgen.data.cells import to_categories
from deckgen.data.validate import validate_frames
from deckgen.metrics.common import (
    ALWAYS,
    NAT,
    NEVER,
    Change,
    CustomerOrders,
    _code_orders,
    as_string,
    by_code,
    club_joins,
    customer_orders,
    day_number,
    factorize,
    first_seen,
    label_codes,
    money_below_zero,
    month_edges,
    month_index,
    order_codes_of,
    revenue_shares,
    shares_given,
    sorted_distinct,
    taken_labels,
)
from deckgen.metrics.segments import AGE_BAND_EDGES, age_band_codes
from tests.metrics.fixtures_lifecycle import OCT_2026, orders


def test_purchase_occasions_are_distinct_order_days():
    # X orders twice on 3 Oct and once on 1 Oct; Y on 2 Oct; Z after the period (left out).
    coded = customer_orders(
        orders(
            [
                ("X", "2026-10-03", 10.0),
                ("Y", "2026-10-02", 5.0),
                ("X", "2026-10-01", 1.0),
                ("X", "2026-10-03", 2.0),
                ("Z", "2026-11-01", 9.0),
            ]
        ),
        OCT_2026,
    )
    assert list(coded.ids) == ["X", "Y"]
    occasions = coded.occasions
    first, second, third = (day_number(OCT_2026.start) + k for k in range(3))
    assert occasions.customer.tolist() == [0, 0, 1]
    assert occasions.day.tolist() == [first, third, second]
    assert occasions.next_day.tolist() == [third, NEVER, NEVER]
    assert occasions.counts(first, third + 1).tolist() == [2, 1]
    assert occasions.counts(second, third).tolist() == [0, 1]
    assert occasions.first_positions().tolist() == [0, 2]  # X's 1 Oct, Y's 2 Oct
    # Computed once: the analyses share one result.
    assert coded.occasions is occasions
    assert not occasions.day.flags.writeable


@given(st.lists(st.tuples(st.sampled_from("ABCDEFG"), st.integers(0, 30)), max_size=40))
def test_first_positions_are_the_former_binary_search(rows):
    coded = customer_orders(
        orders(
            [(c, str(np.datetime64("2026-10-01") + np.timedelta64(d, "D")), 1.0) for c, d in rows]
        ),
        OCT_2026,
    )
    occasions = coded.occasions
    former = np.searchsorted(occasions.customer, np.arange(occasions.customers))
    found = occasions.first_positions()
    assert found.dtype == former.dtype and found.tolist() == former.tolist()


@given(
    st.lists(
        st.tuples(st.sampled_from("ABC"), st.integers(0, 30), st.sampled_from([0.1, -0.0, 7.0])),
        max_size=30,
    ),
    st.integers(-2, 33),
    st.integers(-2, 33),
    st.booleans(),
)
def test_revenue_is_the_masked_sum_of_the_orders(rows, start, stop, cents):
    coded = customer_orders(
        orders(
            [(c, str(np.datetime64("2026-10-01") + np.timedelta64(d, "D")), a) for c, d, a in rows]
        ),
        OCT_2026,
    )
    first = day_number(OCT_2026.start)
    bounds = [(first + start, first + stop), (None, first + 31), (None, None)]
    for low, high in bounds:
        inside = np.ones(len(coded.day), dtype=bool)
        if low is not None:
            inside &= coded.day >= low
        if high is not None:
            inside &= coded.day < high
        weights = np.rint(coded.amount[inside] * 100) if cents else coded.amount[inside]
        expected = np.bincount(coded.customer[inside], weights=weights, minlength=len(coded.ids))
        found = coded.revenue(low, high, cents=cents)
        assert found.tobytes() == expected.tobytes()  # the same sums, bit for bit


def test_no_orders_no_occasions():
    coded = customer_orders(orders([]), OCT_2026)
    assert coded.occasions.counts(0, 10**6).tolist() == []
    assert coded.occasions.first_positions().tolist() == []
    assert coded.occasions.day.dtype == np.int32
    assert coded.occasions.customer.dtype == np.int32


@pytest.mark.parametrize(
    ("low", "high", "dtype"),
    [
        (0, 2**31 - 1, np.int32),
        (-(2**31), 5, np.int32),
        (0, 2**31, np.int64),
        (-(2**31) - 1, 0, np.int64),
    ],
)
def test_occasions_days_are_int32_only_when_every_day_fits(low, high, dtype):
    """Day numbers at int32's edges: kept as int32 up to them, int64 one beyond (no wrap)."""
    coded = CustomerOrders(
        ids=pd.Index(["A", "B"]),
        customer=np.array([1, 0, 0, 1], dtype=np.int64),
        day=np.array([high, low, high, low], dtype=np.int64),
        amount=np.ones(4),
        first_day=np.array([low, low], dtype=np.int64),
    )
    occasions = coded.occasions
    assert occasions.day.dtype == dtype and occasions.customer.dtype == np.int32
    assert occasions.day.tolist() == [low, high, low, high]
    assert occasions.customer.tolist() == [0, 0, 1, 1]
    assert occasions.next_day.tolist() == [high, NEVER, high, NEVER]
    assert occasions.counts(low, high + 1).tolist() == [2, 2]
    assert occasions.counts_of(np.array([1, 0]), high, high + 1).tolist() == [1, 1]


@given(st.lists(st.integers(-(2**40), 2**40), max_size=60), st.integers(1, 4))
def test_sorted_distinct_is_numpys_unique(values, repeat):
    keys = np.asarray(values * repeat, dtype=np.int64)
    assert np.array_equal(sorted_distinct(keys), np.unique(keys))
    assert sorted_distinct(keys).dtype == np.int64


@given(
    st.lists(st.sampled_from(["a", " a", "b ", "c", "", "  ", None]), max_size=40),
    st.data(),
)
def test_label_codes_of_a_mask_are_those_of_the_rows_kept(values, data):
    where = np.asarray(
        data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values)))
    )
    column = pd.Series(values, dtype="string")
    codes, labels = label_codes(column, where.astype(bool))
    alone_codes, alone_labels = label_codes(column[where.astype(bool)].reset_index(drop=True))
    assert labels == alone_labels
    assert codes.tolist() == alone_codes.tolist()


def test_label_codes_of_a_mask_by_hand():
    column = pd.Series(["x", " y", None, "y", "z", "x"], dtype="string")
    codes, labels = label_codes(column, np.asarray([False, False, True, True, True, True]))
    assert labels == ("y", "z", "x")  # first seen among the rows kept, not the whole column
    assert codes.tolist() == [-1, 0, 1, 2]


@given(
    values=st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", " a", "c ", "ب", ""]))),
    data=st.data(),
)
def test_label_codes_of_a_category_column_are_those_of_its_text(values, data):
    """Validation holds categories as pandas categories: labelled, with or without a mask,
    they give what the same text gives."""
    where = np.asarray(
        data.draw(st.lists(st.booleans(), min_size=len(values), max_size=len(values))), bool
    )
    text = pd.Series(values, dtype="string")
    coded = to_categories(pa.chunked_array([pa.array(values, pa.string())]), text.index)
    for mask in (None, where):
        codes, labels = label_codes(coded, mask)
        text_codes, text_labels = label_codes(text, mask)
        assert labels == text_labels
        assert codes.tolist() == text_codes.tolist()


def test_label_codes_of_a_masked_category_column_by_hand():
    values = ["x", " y", None, "y", "z", "x"]
    column = to_categories(pa.chunked_array([pa.array(values)]), pd.RangeIndex(6))
    codes, labels = label_codes(column, np.asarray([False, False, True, True, True, True]))
    assert labels == ("y", "z", "x")  # first seen among the rows kept, not in category order
    assert codes.tolist() == [-1, 0, 1, 2]


@given(
    chunks=st.lists(
        st.lists(st.one_of(st.none(), st.sampled_from(["", "a", "b", " a", "ب", "C1"]))),
        max_size=4,
    )
)
def test_factorize_through_arrow_equals_pandas(chunks):
    """Text held in Arrow is factorized by Arrow (issue 16): the same codes, -1 for missing,
    and the same distinct values in the order first seen as pandas, over any chunking."""
    column = pa.chunked_array([pa.array(c, pa.large_string()) for c in chunks], pa.large_string())
    values = pd.Series(pd.arrays.ArrowStringArray(column))
    codes, uniques = factorize(values)
    expected_codes, expected_uniques = pd.factorize(values)
    assert codes.dtype == np.int64
    assert codes.tolist() == expected_codes.tolist()
    assert uniques.dtype == expected_uniques.dtype
    assert uniques.tolist() == expected_uniques.tolist()


def test_factorize_of_plain_values_is_pandas():
    codes, uniques = factorize(pd.Series(["b", None, "a", "b"], dtype=object))
    assert codes.tolist() == [0, -1, 1, 0]
    assert uniques.tolist() == ["b", "a"]


def _validated(order_customers: list[str], order_dates: list[str], lead_customers: list):
    """Tables of three customers C1..C3, these orders and leads, as validation leaves them."""
    frames = {
        "customers": pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "signup_date": "2026-01-05"}),
        "orders": pd.DataFrame(
            {
                "order_id": [f"O{k}" for k in range(len(order_customers))],
                "customer_id": order_customers,
                "order_date": order_dates,
                "amount": [float(k + 1) for k in range(len(order_customers))],
            }
        ),
        "leads": pd.DataFrame(
            {
                "lead_id": [f"L{k}" for k in range(len(lead_customers))],
                "created_date": "2026-02-01",
                "channel": "email",
                "status": "open",
                "customer_id": lead_customers,
            }
        ),
    }
    return validate_frames(frames, Settings(), "client", today=date(2026, 11, 15)).tables


def test_customers_coded_from_validations_rows_by_hand():
    # C3 first, then C1: codes in the order first seen, as factorizing the ids gives.
    tables = _validated(["C3", "C1", "C3"], ["2026-10-02", "2026-10-01", "2026-10-05"], ["C1"])
    coded = customer_orders(tables.orders, OCT_2026, None, tables)
    assert list(coded.ids) == ["C3", "C1"]
    assert coded.customer.tolist() == [0, 1, 0]
    assert coded.customer_rows.tolist() == [2, 0]
    assert coded.ids.dtype == tables.orders["customer_id"].dtype
    plain = _code_orders(tables.orders, OCT_2026)
    assert plain.customer_rows is None
    assert list(plain.ids) == list(coded.ids)
    assert plain.customer.tolist() == coded.customer.tolist()


def test_order_codes_of_the_leads_by_hand():
    # Leads of C2 (no order), of nobody, of C1 (code 1), of an unknown C9, of C3 (code 0).
    tables = _validated(["C3", "C1"], ["2026-10-02", "2026-10-01"], ["C2", None, "C1", "C9", "C3"])
    coded = customer_orders(tables.orders, OCT_2026, None, tables)
    assert order_codes_of(coded, tables, "leads").tolist() == [-1, -1, 1, -1, 0]
    assert order_codes_of(_code_orders(tables.orders, OCT_2026), tables, "leads") is None


def test_an_unknown_ordering_customer_falls_back_to_the_ids():
    # C9 is not a customer: rows cannot tell unknown ids apart, so the ids are factorized.
    tables = _validated(["C9", "C1", "C8"], ["2026-10-02", "2026-10-01", "2026-10-03"], ["C1"])
    coded = customer_orders(tables.orders, OCT_2026, None, tables)
    assert coded.customer_rows is None
    assert list(coded.ids) == ["C9", "C1", "C8"]
    assert order_codes_of(coded, tables, "leads") is None


def test_coded_customers_with_no_orders_in_the_period_and_one_customer():
    # Every order after the period: nothing to code.
    later = _validated(["C1", "C2"], ["2026-11-02", "2026-11-03"], ["C1"])
    coded = customer_orders(later.orders, OCT_2026, None, later)
    assert len(coded.ids) == 0 and coded.customer.tolist() == []
    # One customer, one of two orders in the period.
    one = _validated(["C2", "C2"], ["2026-10-09", "2026-11-01"], ["C2"])
    coded = customer_orders(one.orders, OCT_2026, None, one)
    assert list(coded.ids) == ["C2"]
    assert coded.customer_rows.tolist() == [1]
    assert coded.amount.tolist() == [1.0]


def test_age_bands_of_whole_ages_are_those_of_their_numbers():
    ages = pd.Series([17, 18, 24, 25, None, 64, 65, 90, -3], dtype="Int64")
    expected = [
        -1 if a is pd.NA else int(np.searchsorted(AGE_BAND_EDGES, a, side="right")) for a in ages
    ]
    assert age_band_codes(ages).tolist() == expected == [0, 1, 1, 2, -1, 5, 6, 6, 0]
    assert age_band_codes(ages.astype("Float64")).tolist() == expected
    assert age_band_codes(pd.Series([], dtype="Int64")).tolist() == []
    assert age_band_codes(pd.Series([None, None], dtype="Int64")).tolist() == [-1, -1]


def test_first_seen_by_hand():
    assert first_seen(np.asarray([2, 0, 2, 1, 0]), 3).tolist() == [2, 0, 1]
    assert first_seen(np.zeros(0, dtype=np.int64), 4).tolist() == []
    # A value first seen after the first rows looked at is still found, in its place.
    late = np.concatenate([np.full(5000, 3), [1], np.full(70000, 3), [0]])
    assert first_seen(late, 4).tolist() == [3, 1, 0]


@given(st.lists(st.integers(0, 5), max_size=80), st.integers(0, 9000))
def test_first_seen_is_pandas_unique(values, padding):
    array = np.concatenate([np.zeros(padding, dtype=np.int64), np.asarray(values, np.int64)])
    assert first_seen(array, 6).tolist() == pd.unique(array).tolist()


def test_by_code_is_reindex_by_id():
    coded = pd.Index(pd.array(["C1", "C2", "C3"], dtype="string"))
    values = pd.Series(pd.array(["gold", None, "new"], dtype="string"), index=coded)
    ids = pd.Index(["C3", "C9", "C2", "C1"], dtype=object)
    codes = np.asarray([2, -1, 1, 0])
    expected = ["new", None, None, "gold"]  # C9 absent, C2 missing: NA
    taken = by_code(values, ids, codes, coded)  # taken by code
    assert taken.dtype == values.dtype  # text stays Arrow's, no Python string per id
    assert taken.to_numpy(dtype=object, na_value=None).tolist() == expected
    copied = values.set_axis(pd.Index(list(coded), dtype="string"))  # equal ids, other index
    looked_up = by_code(copied, ids, codes, coded)  # looked up by id
    assert looked_up.to_numpy(dtype=object, na_value=None).tolist() == expected
    assert by_code(values, ids[:0], codes[:0], coded).tolist() == []
    # The coded ids themselves: every code in order, the values' own array (no copy).
    assert by_code(values, coded, np.arange(3), coded) is values.array
    assert by_code(values, coded.copy(), np.arange(3), coded) is not values.array
    assert by_code(values, coded.copy(), np.arange(3), coded).tolist() == values.tolist()


def test_every_customer_scored_keeps_the_orders_ids():
    """RFM of every ordering customer is indexed by the orders' very ids (read by code)."""
    from deckgen.config import MetricsSettings
    from deckgen.metrics.segments import score_rfm

    coded = customer_orders(orders([("A", "2026-10-01", 5.0), ("B", "2026-10-02", 7.0)]), OCT_2026)
    rfm = score_rfm(coded, OCT_2026, MetricsSettings())
    assert rfm.ids is coded.ids
    assert rfm.segment_of().index is coded.ids


def test_as_string_of_a_category_column_is_its_text():
    coded = to_categories(pa.chunked_array([pa.array(["b", None, "a", "b"])]), pd.RangeIndex(4))
    text = as_string(coded)
    pd.testing.assert_series_equal(text, coded.astype("string"))
    assert text.tolist() == ["b", pd.NA, "a", "b"]
    assert as_string(coded[:0]).tolist() == []
    plain = pd.Series(["x", None], dtype=object)
    pd.testing.assert_series_equal(as_string(plain), plain.astype("string"))


def test_club_joins_from_validations_rows_by_hand():
    """C1 flagged, joined 3 Oct; C3 in the loyalty sheet from 5 Oct (and flagged without a date:
    the event dates it); C2 no member. Coded by row or by id, the same joins."""
    frames = {
        "customers": pd.DataFrame(
            {
                "customer_id": ["C1", "C2", "C3"],
                "signup_date": "2026-01-05",
                "loyalty_member": ["yes", "no", "yes"],
                "loyalty_join_date": ["2026-10-03", None, None],
            }
        ),
        "orders": pd.DataFrame(
            {
                "order_id": ["O1", "O2", "O3"],
                "customer_id": ["C3", "C2", "C1"],
                "order_date": ["2026-10-01", "2026-10-02", "2026-10-04"],
                "amount": [1.0, 2.0, 3.0],
            }
        ),
        "loyalty": pd.DataFrame(
            {"customer_id": ["C3", "C3"], "date": ["2026-10-07", "2026-10-05"], "event": "joined"}
        ),
    }
    tables = validate_frames(frames, Settings(), "client", today=date(2026, 11, 15)).tables
    assert tables.customer_rows("loyalty").tolist() == [2, 2]
    coded = customer_orders(tables.orders, OCT_2026, None, tables)
    joins = club_joins(tables, OCT_2026, coded)
    start = day_number(OCT_2026.start)
    assert joins.by_id.to_dict() == {"C1": start + 2, "C3": start + 4}
    assert joins.by_code.tolist() == [start + 4, NEVER, start + 2]  # C3, C2, C1
    plain = club_joins(tables, OCT_2026, _code_orders(tables.orders, OCT_2026))
    assert plain.by_code.tolist() == joins.by_code.tolist()
    assert plain.by_id.to_dict() == joins.by_id.to_dict()


def test_month_index_by_hand():
    months = OCT_2026.trailing(3)  # August, September, October 2026
    aug, sep, octo = (day_number(m.start) for m in months)
    days = np.asarray([aug - 1, aug, sep - 1, sep, octo + 30, octo + 31, NAT, NEVER, ALWAYS])
    assert month_index(days, months).tolist() == [-1, 0, 0, 1, 2, -1, -1, -1, -1]
    assert month_index(np.zeros(0, dtype=np.int64), months).tolist() == []


@given(st.lists(st.integers(-(2**62), 2**62) | st.integers(20_000, 21_000), max_size=60))
def test_month_index_is_a_search_of_the_month_edges(days):
    months = OCT_2026.trailing(25)
    edges = month_edges(months)
    values = np.asarray(days, dtype=np.int64)
    expected = np.searchsorted(edges, values, side="right") - 1
    expected[(values < edges[0]) | (values >= edges[-1])] = -1
    assert month_index(values, months).tolist() == expected.tolist()


@given(
    values=st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", " a", "c ", "ب", ""]))),
    data=st.data(),
)
def test_taken_labels_are_the_label_codes_of_the_rows_taken(values, data):
    rows = np.asarray(
        data.draw(st.lists(st.integers(-1, len(values) - 1), max_size=30)), dtype=np.int64
    )
    column = pd.Series(values, dtype="string")
    taken = pd.Series([None if r < 0 else values[r] for r in rows], dtype="string")
    codes, labels = taken_labels(*label_codes(column), rows)
    alone_codes, alone_labels = label_codes(taken)
    assert labels == alone_labels
    assert codes.tolist() == alone_codes.tolist()


def test_taken_labels_by_hand():
    codes, labels = label_codes(pd.Series(["x", " y", None, "y", "z"], dtype="string"))
    assert labels == ("x", "y", "z")
    codes, labels = taken_labels(codes, labels, np.asarray([4, -1, 2, 3, 0, 4]))
    assert labels == ("z", "y", "x")  # first seen among the rows taken
    assert codes.tolist() == [0, -1, -1, 1, 2, 0]


@pytest.mark.parametrize("labels", [[0], [1]], ids=["same-labels", "other-labels"])
def test_customer_orders_with_another_returns_sheet_of_the_same_orders(labels):
    # Regression: remembering a second, different returns sheet of the same orders compared
    # the two sheets with == (a ValueError), not by identity.
    placed = orders([("A", "2026-10-01", 10.0), ("B", "2026-10-02", 7.0)])
    first = placed.iloc[[0]].assign(amount=-4.0)
    second = placed.iloc[[1]].assign(amount=-3.0).set_axis(labels)
    with_first = customer_orders(placed, OCT_2026, first)
    with_second = customer_orders(placed, OCT_2026, second)
    assert with_first.return_customer.tolist() == [0]
    assert with_first.return_amount.tolist() == [-4.0]
    assert with_second.return_customer.tolist() == [1]
    assert with_second.return_amount.tolist() == [-3.0]
    assert customer_orders(placed, OCT_2026, first).return_amount.tolist() == [-4.0]
    assert customer_orders(placed, OCT_2026).return_amount.tolist() == []


@pytest.mark.parametrize(
    ("current", "previous", "relative"),
    [
        (30.0, 50.0, -0.4),
        (50.0, 0.0, None),
        (50.0, None, None),
        # A net amount below zero (more refunded than sold) has no percent change to or from it:
        # was -2.4 ("fell 240.0% to -70 USD") and 2.4 ("rose 240.0% to 50 USD" from -70).
        (-70.0, 50.0, None),
        (50.0, -70.0, None),
        (-70.0, -20.0, None),
    ],
)
def test_relative_change_only_between_amounts_at_or_above_zero(current, previous, relative):
    assert Change(current, previous).relative == (
        None if relative is None else pytest.approx(relative)
    )


@pytest.mark.parametrize(
    ("parts", "total", "shares"),
    [
        ([30.0, 10.0], 40.0, (0.75, 0.25)),  # every part above zero: unchanged
        ([30.0, 0.0], 30.0, (1.0, 0.0)),  # a part of exactly zero has a share of 0
        ([0.0, 0.0], 0.0, (None, None)),  # nothing to share
        # A part below zero beside a total above it: was 1.33 and -0.33 of 30.
        ([40.0, -10.0], 30.0, (None, None)),
        ([-40.0, 10.0], -30.0, (None, None)),  # more returned than sold in all
        ([], 0.0, ()),
        # 0.3 sold, 0.1 and 0.2 returned nets to -5.6e-17, float noise: a share of 0, not "-0.0%"
        # and not a part whose returns exceed its sales (was no shares at all).
        ([380.0, 180.0, -0.1 + -0.2 + 0.3], 560.0, (380 / 560, 180 / 560, 0.0)),
        ([40.0, -0.01], 39.99, (None, None)),  # a cent below zero is below zero
        ([0.1 + 0.2 - 0.3, 0.0], 0.1 + 0.2 - 0.3, (None, None)),  # noise alone is no revenue
    ],
)
def test_revenue_shares_only_when_no_part_is_below_zero(parts, total, shares):
    assert revenue_shares(np.array(parts), total) == shares
    assert shares_given(parts) == (shares != () and None not in shares)


@pytest.mark.parametrize(
    ("amount", "below"),
    [(-0.01, True), (-0.005, True), (-0.1 + -0.2 + 0.3, False), (-1e-9, False), (0.0, False)],
)
def test_money_below_zero_by_half_a_cent_or_more(amount, below):
    assert money_below_zero(amount) is below


@given(st.lists(st.integers(-1000, 1000), min_size=1, max_size=8))
def test_a_revenue_share_is_never_outside_zero_to_one(cents):
    parts = [c / 100 for c in cents]
    shares = revenue_shares(parts, sum(parts))
    given_ = [s for s in shares if s is not None]
    assert all(0 <= s <= 1 + 1e-12 for s in given_)
    assert len(given_) in (0, len(parts))
