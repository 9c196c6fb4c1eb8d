"""Tables.customer_rows: the customers validation found for the orders' and leads' ids."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa

from deckgen.config import Settings
from deckgen.data.tables import arrow_data, by_rows, id_text
from deckgen.data.validate import validate_frames


def _client(order_customers: list[str | None], lead_customers: list[str | None]) -> dict:
    customers = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "signup_date": "2026-01-05"})
    orders = pd.DataFrame(
        {
            "order_id": [f"O{k}" for k in range(len(order_customers))],
            "customer_id": order_customers,
            "order_date": "2026-03-01",
            "amount": 10.0,
        }
    )
    leads = pd.DataFrame(
        {
            "lead_id": [f"L{k}" for k in range(len(lead_customers))],
            "created_date": "2026-02-01",
            "channel": "email",
            "status": "open",
            "customer_id": lead_customers,
        }
    )
    return {"customers": customers, "orders": orders, "leads": leads}


def _tables(frames: dict):
    return validate_frames(frames, Settings(), "client", today=date(2026, 11, 15)).tables


def test_the_row_of_each_customer_by_hand():
    tables = _tables(_client(["C3", "C1", "C3", " C2 "], ["C2", None, "C9", "C1"]))
    assert tables.customer_rows("orders").tolist() == [2, 0, 2, 1]  # trimmed, as validated
    assert tables.customer_rows("leads").tolist() == [1, -1, -1, 0]  # empty, unknown: -1


def test_an_unknown_customer_of_an_order_is_minus_one():
    tables = _tables(_client(["C9", "C1"], ["C1"]))
    assert tables.customer_rows("orders").tolist() == [-1, 0]


def test_only_the_sheets_the_metrics_look_up_are_coded():
    tables = _tables(_client(["C1"], ["C1"]))
    assert tables.customer_rows("customers") is None
    assert tables.customer_rows("feedback") is None  # no such sheet


def test_a_replaced_table_has_no_rows():
    """Rows found for other columns are never handed out: a table replaced since (or its
    customers) is looked up again by the metrics."""
    tables = _tables(_client(["C3", "C1"], ["C2"]))
    orders = tables.orders.iloc[::-1].reset_index(drop=True)
    assert replace(tables, orders=orders).customer_rows("orders") is None
    customers = tables.customers.iloc[::-1].reset_index(drop=True)
    assert replace(tables, customers=customers).customer_rows("leads") is None
    # A copy holds the same Arrow data (the same ids on the same rows): its rows still hold.
    assert replace(tables, orders=tables.orders.copy()).customer_rows("orders").tolist() == [2, 0]
    assert replace(tables, coded={}).customer_rows("orders") is None
    assert replace(tables, warnings=()).customer_rows("orders").tolist() == [2, 0]


def test_tables_made_by_hand_have_no_rows():
    tables = _tables(_client(["C1"], ["C1"]))
    bare = type(tables)(customers=tables.customers, orders=tables.orders)
    assert bare.customer_rows("orders") is None


def test_an_id_column_edited_in_place_has_no_rows():
    """A cell of a validated id column set in place keeps pandas' array object (its Arrow data
    replaced): the rows found before are of other ids, so none are handed out."""
    tables = _tables(_client(["C3", "C1"], ["C2"]))
    tables.orders.loc[0, "customer_id"] = "C2"
    assert tables.customer_rows("orders") is None
    assert tables.customer_rows("leads").tolist() == [1]  # the leads and customers as read
    tables.customers.loc[1, "customer_id"] = "C7"
    assert tables.customer_rows("leads") is None


def test_the_metrics_of_an_id_edited_in_place_are_those_of_the_ids():
    """An order moved to another customer in place: the figures are those the ids give."""
    from deckgen.metrics.common import customer_orders
    from deckgen.period import Period

    tables = _tables(_client(["C3", "C1", "C3"], ["C2"]))
    tables.orders.loc[2, "customer_id"] = "C2"
    coded = customer_orders(tables.orders, Period("gregorian", 2026, 3), None, tables)
    assert list(coded.ids) == ["C3", "C1", "C2"]
    assert coded.customer.tolist() == [0, 1, 2]


def _keys(*chunks: list[str]) -> pd.Series:
    text = pa.chunked_array([pa.array(c, pa.large_string()) for c in chunks])
    return pd.Series(pd.arrays.ArrowStringArray(text))


def test_ids_held_as_rows_read_as_the_text_by_hand():
    keys = _keys(["C1", "C2", "C3"])  # one chunk, as pushdown._orders_coded makes them
    rows = np.array([2, 0, -1, 2, 1], np.int32)
    ids = by_rows(rows, keys, pd.RangeIndex(5))
    assert ids.tolist() == ["C3", "C1", pd.NA, "C3", "C2"]
    text = id_text(ids)
    assert text.dtype == keys.dtype and text.tolist() == ids.tolist()
    assert text[[True, False, False, True, True]].tolist() == ["C3", "C3", "C2"]


def test_ids_held_as_rows_share_the_rows_and_a_single_chunk_of_keys():
    keys = _keys(["C1", "C2", "C3"])
    rows = np.array([1, 1, 0], np.int32)
    dictionary = arrow_data(by_rows(rows, keys, pd.RangeIndex(3)).array).chunk(0)
    assert dictionary.indices.buffers()[1].address == rows.ctypes.data  # not copied
    assert (
        dictionary.dictionary.buffers()[2].address
        == arrow_data(keys.array).chunk(0).buffers()[2].address
    )


def test_text_ids_are_their_own_text():
    ids = pd.Series(["C1", None], dtype="string")
    assert id_text(ids) is ids
    categories = pd.Series(["a", "b"], dtype="category")
    assert id_text(categories) is categories


def test_an_empty_column_of_rows_reads_as_empty_text():
    ids = by_rows(np.zeros(0, np.int32), _keys(["C1"]), pd.RangeIndex(0))
    assert id_text(ids).tolist() == [] and id_text(ids).dtype == _keys(["C1"]).dtype
