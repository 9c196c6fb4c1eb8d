"""Validated client tables: the hand-off from the load stage to the metrics stage."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from deckgen.errors import Problem

# The sheets whose customer ids validation codes (those the metrics look up).
CODED_SHEETS = ("orders", "leads", "surveys", "loyalty")


def arrow_data(values: object) -> object | None:
    """The Arrow data of a pandas array held in Arrow (None for any other): Arrow's arrays
    never change, so the same object is the same values; pandas' own array object is kept
    when a cell is set in place (its Arrow data replaced)."""
    if isinstance(values, pd.arrays.ArrowExtensionArray):
        return values.__arrow_array__()
    return None


def by_rows(rows: np.ndarray, keys: pd.Series, index: pd.Index) -> pd.Series:
    """Text ids held as the row of `keys` (unique text, in one Arrow chunk) holding each
    (int32, -1: empty): an Arrow dictionary over `keys`' own data whose indices are `rows`,
    neither copied."""
    values = arrow_data(keys.array)
    assert isinstance(values, pa.ChunkedArray) and values.num_chunks == 1
    assert rows.dtype == np.int32
    indices = pa.array(rows, mask=rows < 0)  # the same memory: 4 bytes a row
    dictionary = pa.DictionaryArray.from_arrays(indices, values.chunk(0))
    return pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array([dictionary])), index=index)


def id_text(ids: pd.Series) -> pd.Series:
    """Text ids as text: those held as rows (by_rows) decoded, any other as they are."""
    values = arrow_data(ids.array)
    if not isinstance(values, pa.ChunkedArray) or not pa.types.is_dictionary(values.type):
        return ids
    text = pa.chunked_array([chunk.dictionary_decode() for chunk in values.chunks])
    return pd.Series(pd.arrays.ArrowStringArray(text), index=ids.index)


@dataclass(frozen=True)
class CustomerRows:
    """The row of the customers sheet holding each row's customer_id in one sheet, as
    validation found them, with the two id columns' Arrow data (arrow_data) it read."""

    ids: object  # arrow_data of the sheet's customer_id array
    keys: object  # arrow_data of the customers sheet's customer_id array
    rows: np.ndarray  # int32 row in the customers sheet; -1: not listed there, or empty


@dataclass(frozen=True)
class Tables:
    """The client's data in deckgen's names and dtypes (see docs/data-format.md).

    Column dtypes: ids and text are pandas ``string``; categories are pandas ``category``
    whose categories (``string``, sorted) are the canonical codes from deckgen.data.schema
    (built by deckgen.data.cells.to_categories); dates are ``datetime64[ns]`` at midnight
    (NaT when optional and empty); floats ``float64``; ints nullable ``Int64``; bools
    nullable ``boolean``. Optional columns that the client does not have are absent.
    An optional sheet the client does not have is None.
    """

    customers: pd.DataFrame
    orders: pd.DataFrame
    leads: pd.DataFrame | None = None
    channels: pd.DataFrame | None = None
    feedback: pd.DataFrame | None = None
    surveys: pd.DataFrame | None = None
    loyalty: pd.DataFrame | None = None
    # Returns and cancellations set apart from the orders, `amount` negative: the revenue they
    # take back (docs/metrics.md#returns); None when none are configured or found.
    returns: pd.DataFrame | None = None
    warnings: tuple[Problem, ...] = field(default=())  # data-quality notes for the appendix
    # The customer ids of CODED_SHEETS as validation looked them up, by sheet (read them with
    # customer_rows); optional: without them the metrics look the ids up themselves.
    coded: dict[str, CustomerRows] = field(default_factory=dict, compare=False, repr=False)

    def sheet(self, name: str) -> pd.DataFrame | None:
        """The table for sheet `name`, or None when the client has no such sheet."""
        return getattr(self, name)

    def customer_rows(self, name: str) -> np.ndarray | None:
        """Row of the customers sheet holding each row's customer_id in sheet `name` (int32;
        -1: not listed or empty), as validation found them; None when not known, or when
        either id column is no longer the one validation read (a table replaced since, a cell
        set in place, or ids not held in Arrow)."""
        found = self.coded.get(name)
        frame = self.sheet(name)
        if found is None or frame is None or "customer_id" not in frame:
            return None
        if found.ids is None or arrow_data(frame["customer_id"].array) is not found.ids:
            return None
        if found.keys is None or arrow_data(self.customers["customer_id"].array) is not found.keys:
            return None
        return found.rows
