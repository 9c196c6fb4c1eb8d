"""Shared intermediates: computed once per deck, and the same figures as the analyses alone."""

from __future__ import annotations

import gc
import weakref
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import deckgen.metrics.channels as channels_module
import deckgen.metrics.clv.figures as clv_module
import deckgen.metrics.common as common_module
import deckgen.metrics.funnel as funnel_module
import deckgen.metrics.loyalty as loyalty_module
import deckgen.metrics.prospects as prospects_module
import deckgen.metrics.segments as segments_module
import deckgen.metrics.shared as shared_module
from deckgen.config import Settings
from deckgen.data.tables import Tables
from deckgen.data.validate import validate_frames
from deckgen.metrics.channels import compute_channels
from deckgen.metrics.clv import compute_clv
from deckgen.metrics.funnel import compute_funnel
from deckgen.metrics.lifecycle import compute_metrics
from deckgen.metrics.loyalty import compute_loyalty
from deckgen.metrics.prospects import compute_prospects
from deckgen.metrics.satisfaction import compute_satisfaction
from deckgen.metrics.segments import compute_segments, rfm_segment_of, rfm_table
from deckgen.metrics.shared import compute_shared
from deckgen.period import Period

OCT = Period("gregorian", 2026, 10)
SETTINGS = Settings().metrics


@pytest.fixture(scope="module")
def tables(small_frames: dict[str, pd.DataFrame]) -> Tables:
    return validate_frames(small_frames, Settings(), "sample").tables


def _count_calls(monkeypatch: pytest.MonkeyPatch, name: str, modules: tuple) -> list[int]:
    """Wrap function `name` wherever `modules` hold it; the list counts the calls."""
    calls = [0]
    original = getattr(modules[0], name)

    def counted(*args, **kwargs):
        calls[0] += 1
        return original(*args, **kwargs)

    for module in modules:
        monkeypatch.setattr(module, name, counted)
    return calls


def test_each_intermediate_is_computed_once_per_deck(tables, monkeypatch):
    channel_calls = _count_calls(
        monkeypatch,
        "acquisition_channel_of",
        (channels_module, prospects_module, shared_module, clv_module),
    )
    # RFM is scored once a deck, at the month's end; at the month before's end (the segments'
    # previous counts) only the segments, from R and F. Before sharing, prospects and the
    # segment lookup of loyalty and satisfaction scored the month's end twice more.
    rfm_calls = _count_calls(monkeypatch, "_rfm", (segments_module,))
    segment_calls = _count_calls(monkeypatch, "_segments_at", (segments_module,))
    # The customers sheet's rows of the ordering customers, coded: segments and prospects.
    attribute_calls = _count_calls(
        monkeypatch, "customer_attributes", (segments_module, prospects_module, shared_module)
    )
    # The club members' join days: the funnel and the loyalty analysis.
    club_calls = _count_calls(
        monkeypatch, "club_joins", (funnel_module, loyalty_module, shared_module)
    )
    # The customers sheet's row of each ordering customer: the channel and the attributes;
    # validation found them already (Tables.customer_rows), so they are not looked up again.
    lookups = _count_calls(monkeypatch, "positions_in", (shared_module,))
    compute_metrics(tables, OCT, SETTINGS)
    assert channel_calls == [1]
    assert rfm_calls == [1] and segment_calls == [1]
    assert attribute_calls == [1]
    assert club_calls == [1]
    assert lookups == [0]


def _assert_coded_as_looked_up(tables: Tables, period: Period, monkeypatch) -> None:
    """The metrics from validation's customer codes equal those of the ids looked up anew."""
    monkeypatch.setattr(common_module, "_last_customer_orders", [])
    coded = compute_metrics(tables, period, SETTINGS)
    monkeypatch.setattr(common_module, "_last_customer_orders", [])
    looked_up = compute_metrics(replace(tables, coded={}), period, SETTINGS)
    assert coded == looked_up


def test_without_validations_codes_the_customers_are_looked_up_once(tables, monkeypatch):
    monkeypatch.setattr(common_module, "_last_customer_orders", [])
    lookups = _count_calls(monkeypatch, "positions_in", (shared_module,))
    compute_metrics(replace(tables, coded={}), OCT, SETTINGS)
    assert lookups == [1]


def test_validations_customer_codes_give_the_same_figures(tables, monkeypatch):
    """Customers coded from validation's lookup (issue 16) or from their ids: the same deck."""
    for sheet in ("orders", "leads", "surveys", "loyalty"):
        assert tables.customer_rows(sheet) is not None
    _assert_coded_as_looked_up(tables, OCT, monkeypatch)


def test_shared_figures_match_the_analyses_computed_alone(tables):
    metrics = compute_metrics(tables, OCT, SETTINGS)
    alone = compute_segments(tables, OCT, SETTINGS)
    assert metrics.segmentation == alone
    assert metrics.prospects == compute_prospects(tables, OCT, SETTINGS, alone)
    assert metrics.channels == compute_channels(tables, OCT, SETTINGS)
    segment_of = rfm_segment_of(tables, OCT, SETTINGS)
    assert metrics.loyalty == compute_loyalty(tables, OCT, SETTINGS, segment_of)
    assert metrics.funnel == compute_funnel(tables, OCT, SETTINGS)
    assert metrics.satisfaction == compute_satisfaction(tables, OCT, SETTINGS, segment_of)
    assert metrics.clv == compute_clv(tables, OCT, SETTINGS, segment_of)


def test_shared_rfm_is_the_rfm_table(tables):
    shared = compute_shared(tables, OCT, SETTINGS)
    table = rfm_table(tables, OCT, SETTINGS)
    pd.testing.assert_series_equal(shared.segment_of, table["segment"], check_names=False)
    assert list(shared.rfm.ids) == list(table.index)
    assert (shared.rfm.frequency == table["frequency"].to_numpy()).all()
    assert shared.channel_of.index.equals(shared.orders.ids)


def test_a_client_without_orders_shares_empty_intermediates(tables):
    empty = Tables(customers=tables.customers, orders=tables.orders.iloc[0:0])
    shared = compute_shared(empty, OCT, SETTINGS)
    assert len(shared.rfm.ids) == 0 and len(shared.segment_of) == 0
    assert len(shared.channel_of) == 0


def test_orders_coded_for_one_customers_sheet_are_not_reused_with_another(tables, monkeypatch):
    """The orders' coding cached with validation's rows for one Tables is not read against
    another Tables' customers sheet (the same orders frame, its customers in another order):
    the figures are those of the second Tables computed alone."""
    reordered = replace(tables, customers=tables.customers.iloc[::-1].reset_index(drop=True))
    monkeypatch.setattr(common_module, "_last_customer_orders", [])
    alone = compute_metrics(reordered, OCT, SETTINGS)
    channels_alone = compute_shared(reordered, OCT, SETTINGS).channel_of
    monkeypatch.setattr(common_module, "_last_customer_orders", [])
    compute_shared(tables, OCT, SETTINGS)  # caches the orders coded by `tables`' rows
    shared = compute_shared(reordered, OCT, SETTINGS)
    assert shared.channel_of.tolist() == channels_alone.tolist()
    rows = shared.orders.rows_in(reordered.customers)  # None: the rows are `tables`'
    assert rows is None or reordered.customers["customer_id"].array[rows].tolist() == list(
        shared.orders.ids
    )
    assert shared.orders.rows_in(tables.customers) is not None  # those of the first Tables
    assert compute_metrics(reordered, OCT, SETTINGS) == alone


_PADS = ("", " ", "  ", "\u00a0", "\t")


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_hostile_clients_give_the_same_figures_coded_or_looked_up(small_frames, monkeypatch, data):
    """Ids padded as the validator trims them, customers dropped (their orders and answers
    unknown), one to three orders, empty sheets, the customers shuffled: the figures from
    validation's rows are those of the ids looked up (as before issue 16), in a Jalali month
    too."""
    frames = {name: frame.copy() for name, frame in small_frames.items()}
    for name in ("orders", "leads", "surveys", "loyalty"):
        ids = frames[name]["customer_id"]
        pads = data.draw(st.lists(st.sampled_from(_PADS), min_size=1, max_size=4))
        frames[name]["customer_id"] = [
            x if pd.isna(x) else pads[k % len(pads)] + x + pads[-1 - k % len(pads)]
            for k, x in enumerate(ids)
        ]
    customers = frames["customers"]
    if data.draw(st.booleans()):  # some customers not listed: their rows elsewhere unknown
        customers = customers.iloc[data.draw(st.integers(1, 40)) :]
    if data.draw(st.booleans()):
        customers = customers.sample(frac=1, random_state=data.draw(st.integers(0, 9)))
    frames["customers"] = customers
    orders = frames["orders"]
    if data.draw(st.booleans()):  # a few orders, all in October
        orders = orders[orders["order_date"] >= "2026-10-01"]
        orders = orders.iloc[: data.draw(st.integers(1, 3))]
    frames["orders"] = orders
    for name in ("leads", "surveys", "loyalty"):
        if data.draw(st.booleans()):
            frames[name] = frames[name].iloc[:0]
    calendar = data.draw(st.sampled_from(["gregorian", "jalali"]))
    tables = validate_frames(frames, Settings(calendar=calendar), "client").tables
    period = Period.containing(date(2026, 10, 31), calendar)
    _assert_coded_as_looked_up(tables, period, monkeypatch)


def test_the_scores_spent_are_given_back_and_nothing_else(tables):
    # compute_metrics drops the RFM scores and attributes once segments and prospects have
    # read them: nothing else may still hold them (their memory would not come back).
    shared = compute_shared(tables, OCT, SETTINGS)
    scores = weakref.ref(shared.rfm.scores[0])
    codes = weakref.ref(next(iter(shared.attributes.codes.values()))[0])
    spent = shared.without_scores()
    assert spent.rfm is None and spent.attributes is None
    assert spent.orders is shared.orders and spent.club is shared.club
    assert spent.segment_of is shared.segment_of and spent.channel_of is shared.channel_of
    del shared
    gc.collect()
    assert scores() is None and codes() is None


@pytest.mark.parametrize("back", [0, 20, 60, 400])
def test_the_segments_before_are_those_of_a_whole_scoring(tables, back):
    # _segments_at scores R and F alone: the segment of each customer as _rfm gives it, at any
    # day (400 days back: no order yet, nobody scored).
    from deckgen.metrics.common import customer_orders, day_number
    from deckgen.metrics.segments import _rfm, _segment_lookup, _segments_at

    orders = customer_orders(tables.orders, OCT, tables.returns, tables)
    names, lookup = _segment_lookup(SETTINGS)
    end = day_number(OCT.end) - back
    expected = _rfm(orders, end, names, lookup).segment
    np.testing.assert_array_equal(_segments_at(orders, end, lookup), expected)


def test_the_clv_reads_the_shared_orders_arrays(tables, monkeypatch):
    """The CLV takes the shared orders, their returns beside them (it reads only the orders' own
    arrays): not coded again, and those arrays equal to the orders coded without returns."""
    from deckgen.metrics.common import customer_orders

    returns = tables.orders.iloc[:3].assign(amount=-1.0)
    with_returns = replace(tables, returns=returns)
    monkeypatch.setattr(common_module, "_last_customer_orders", [])
    shared = compute_shared(with_returns, OCT, SETTINGS).orders
    assert len(shared.return_day) == 3
    taken = []
    monkeypatch.setattr(
        clv_module, "customer_orders", lambda *a: taken.append(customer_orders(*a)) or taken[-1]
    )
    clv_module.compute_clv(with_returns, OCT, SETTINGS)
    assert len(taken) == 1 and taken[0] is shared
    monkeypatch.setattr(common_module, "_last_customer_orders", [])
    alone = customer_orders(tables.orders, OCT)
    assert list(shared.ids) == list(alone.ids)
    for name in ("customer", "day", "amount", "first_day"):
        np.testing.assert_array_equal(getattr(shared, name), getattr(alone, name))
