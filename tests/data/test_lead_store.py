"""deckgen.data.lead_store's helpers (its queries are tested with the pushdown, test_pushdown)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from deckgen.data.lead_store import _key, id_texts

TEXTS = st.lists(st.text(), unique=True, max_size=20)


@given(TEXTS)
def test_ids_held_in_arrow_are_their_text(values: list[str]):
    ids = pd.Index(values, dtype="string[pyarrow]")
    texts = id_texts(ids)
    assert isinstance(texts, pa.ChunkedArray)  # Arrow's own data, not rebuilt from Python
    assert texts.to_pylist() == list(ids.astype(str))


@given(st.lists(st.integers(-(10**12), 10**12) | st.text(), unique=True, max_size=20))
def test_ids_held_as_objects_are_spelled_as_astype_str(values: list[object]):
    ids = pd.Index(values, dtype=object)
    assert id_texts(ids).to_pylist() == list(ids.astype(str))


def test_integer_ids_are_spelled_as_astype_str():
    ids = pd.Index([7, 42, -3])
    assert id_texts(ids).to_pylist() == ["7", "42", "-3"] == list(ids.astype(str))


def test_an_empty_index_has_no_text():
    assert len(id_texts(pd.Index([], dtype="string[pyarrow]"))) == 0
    assert len(id_texts(pd.Index([], dtype=object))) == 0


def test_numbers_and_texts_are_keyed_by_value_arrays_by_identity():
    ids = pd.Index(["a", "b"])
    same, other = _key("conversion_days", (5, "x", ids)), _key("conversion_days", (5, "x", ids))
    assert same == other
    assert _key("conversion_days", (5, "x", ids.copy())) != same
    assert _key("statuses", (5,)) == ("statuses", 5)
