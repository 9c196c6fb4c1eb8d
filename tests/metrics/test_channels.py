"""Acquisition channels: hand-computed figures on `acquisition_tables`; invariants at random."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import deckgen.metrics.channels as channels_module
from deckgen.config import MetricsSettings
from deckgen.data.schema import CHANNELS
from deckgen.data.tables import Tables
from deckgen.metrics.channels import (
    acquisition_channel_of,
    channels_unnamed,
    compute_channels,
    earliest_first,
)
from deckgen.metrics.common import Change, as_string, rows_for, until_end_of
from deckgen.period import Period
from tests.metrics.fixtures_lifecycle import make_frame

OCT = Period("gregorian", 2026, 10)
SETTINGS = MetricsSettings()

# Month October, previous September, cohort July (its 90 days end by Oct 31), cohort before June.
# Channel of each customer: A1 email, A2 tv, A4 tv, A5 email, A7 email from the sheet; A3 seo
# from its converted lead L2; A6 unattributed.
# New customers: Jun A4 (tv); Jul A1 (email), A2 (tv); Sep A5 (email); Oct A3 (seo), A6, A7 (email).
# First 90 days (first day + 89): A1 Jul 5..Oct 2: 100 + 50 (not Oct 3's 30) = 150;
# A2 Jul 20..Oct 17: 200 (not Oct 25's 70); A4 Jun 10..Sep 7: 80 + 20 = 100.
# Leads by creation: Oct email L1, L7; seo L2; tv L3. Sep email L4; tv L5. (L9 is after October.)


def test_acquisition_channel_of(acquisition_tables):
    ids = pd.Index(["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A9"], dtype="string")
    channels = acquisition_channel_of(acquisition_tables, OCT, ids)
    assert list(channels.index) == list(ids)
    # A6 has neither a channel nor a converted lead; A9 is unknown.
    assert channels.tolist() == ["email", "tv", "seo", "tv", "email", pd.NA, "email", pd.NA]


def _former_channel_of(tables: Tables, period: Period, ids: pd.Index) -> list[object]:
    """acquisition_channel_of before issue 16: every customer looked up among the leads."""
    customers, leads = tables.customers, tables.leads
    channel = as_string(rows_for(ids, customers, columns=["acquisition_channel"]).iloc[:, 0])
    converted = (
        (leads["status"] == "converted") & until_end_of(leads["created_date"], period)
    ).to_numpy(dtype=bool, na_value=False)
    rows = earliest_first(leads, converted.nonzero()[0])
    first = pd.DataFrame(
        {name: leads[name].array.take(rows) for name in ("customer_id", "channel")}
    )
    return channel.fillna(as_string(rows_for(ids, first)["channel"])).tolist()


def test_the_leads_are_not_read_when_the_sheet_names_every_channel(acquisition_tables, monkeypatch):
    customers = acquisition_tables.customers.copy()
    channel = customers["acquisition_channel"].astype("string").fillna("print")
    customers["acquisition_channel"] = channel.astype("category")
    named = replace(acquisition_tables, customers=customers)

    def unread(*args: object) -> None:
        raise AssertionError("the leads were read")

    monkeypatch.setattr(channels_module, "earliest_first", unread)
    ids = pd.Index(["A3", "A1", "A6"], dtype="string")
    assert acquisition_channel_of(named, OCT, ids).tolist() == ["print", "email", "print"]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # not changed here
@given(
    named=st.lists(st.sampled_from([None, "email", "radio"]), min_size=7, max_size=7),
    order=st.permutations(["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A9"]),
)
def test_only_the_missing_channels_looked_up_give_every_channel_as_before(
    acquisition_tables, named, order
):
    # A3 (seo), A5 (email) and A7 (email) have a converted lead by October's end; A9 is unknown.
    customers = acquisition_tables.customers.copy()
    customers["acquisition_channel"] = pd.Series(named, dtype="category")
    tables = replace(acquisition_tables, customers=customers)
    ids = pd.Index(order, dtype="string")
    found = acquisition_channel_of(tables, OCT, ids)
    assert found.tolist() == _former_channel_of(tables, OCT, ids)
    assert list(found.index) == order and str(found.dtype) == "string"


def test_channel_rows(acquisition_tables):
    result = compute_channels(acquisition_tables, OCT, SETTINGS)
    assert result.total.cohort_return.cohort == Period("gregorian", 2026, 7)
    # CAC: seo 0 / 1 = 0, email 100 / 1 = 100, tv none (no new customer).
    assert [(c.channel, c.rank) for c in result.channels] == [("seo", 1), ("email", 2), ("tv", 3)]
    seo, email, tv = result.channels
    assert email.reach == Change(1000, 900)
    assert email.spend == Change(100.0, 80.0)
    assert email.leads == Change(2, 1)
    assert email.new_customers == Change(1, 1)  # A7; A5 in September
    assert email.conversion_rate == Change(1 / 2, 1 / 1)
    assert email.cac == Change(100.0, 80.0)
    assert email.cohort_return.customers == 1  # A1
    assert email.cohort_return.revenue_90d == Change(150.0, 0.0)
    assert email.cohort_return.roi_90d == Change(
        (150 - 50) / 50, (0 - 40) / 40
    )  # July spend 50, June 40

    assert tv.new_customers == Change(0, 0)
    assert tv.conversion_rate == Change(0.0, 0.0)  # one lead each month, no customer
    assert tv.cac is None
    assert tv.cohort_return.revenue_90d == Change(200.0, 100.0)  # A2; A4 in June
    assert tv.cohort_return.roi_90d == Change((200 - 300) / 300, (100 - 200) / 200)

    assert seo.reach == Change(2000, 0)  # no September row: nothing reached
    assert seo.conversion_rate == Change(1.0, None)  # no September lead
    assert seo.cac == Change(0.0, None)
    seo_return = seo.cohort_return
    assert (seo_return.customers, seo_return.revenue_90d, seo_return.roi_90d) == (
        0,
        Change(0.0, 0.0),
        None,
    )


def test_totals(acquisition_tables):
    result = compute_channels(acquisition_tables, OCT, SETTINGS)
    total = result.total
    assert (total.channel, total.rank) == ("total", 0)
    assert total.reach == Change(13000, 8900)
    assert total.spend == Change(600.0, 480.0)
    assert total.leads == Change(4, 2)
    assert total.new_customers == Change(3, 1)  # A3, A6, A7 with the unattributed A6; A5
    assert total.conversion_rate == Change(3 / 4, 1 / 2)
    assert total.cac == Change(600 / 3, 480 / 1)
    assert total.cohort_return.customers == 2
    assert total.cohort_return.revenue_90d == Change(350.0, 100.0)
    assert total.cohort_return.roi_90d == Change((350 - 350) / 350, (100 - 240) / 240)
    assert result.unattributed_new_customers == Change(1, 0)


def test_only_a_leads_sheet(acquisition_tables):
    result = compute_channels(replace(acquisition_tables, channels=None), OCT, SETTINGS)
    email = next(c for c in result.channels if c.channel == "email")
    assert (email.reach, email.spend, email.cac, email.cohort_return.roi_90d) == (
        None,
        None,
        None,
        None,
    )
    assert email.leads == Change(2, 1)
    # Without any CAC the channels rank by new customers, then name.
    assert [c.channel for c in result.channels] == ["email", "seo", "tv"]


def test_only_a_channels_sheet(acquisition_tables):
    result = compute_channels(replace(acquisition_tables, leads=None), OCT, SETTINGS)
    assert all(c.leads is None and c.conversion_rate is None for c in result.channels)
    # Without leads A3 has no channel: seo has spend and reach but no new customer.
    seo = next(c for c in result.channels if c.channel == "seo")
    assert (seo.new_customers, seo.cac) == (Change(0, 0), None)
    assert result.unattributed_new_customers == Change(2, 0)


def test_neither_sheet(acquisition_tables):
    assert (
        compute_channels(replace(acquisition_tables, leads=None, channels=None), OCT, SETTINGS)
        is None
    )


def test_later_data_is_ignored(acquisition_tables):
    # November's order of A7 and lead L9 must not change October, whatever comes after.
    extra = make_frame(
        "orders",
        ["order_id", "customer_id", "order_date", "amount"],
        [["O99", "A9", "2026-12-01", 10.0]],
    )
    grown = replace(
        acquisition_tables,
        orders=pd.concat([acquisition_tables.orders, extra], ignore_index=True),
    )
    assert compute_channels(grown, OCT, SETTINGS) == compute_channels(
        acquisition_tables, OCT, SETTINGS
    )


def test_jalali_month(acquisition_tables):
    # Mehr 1405 is 2026-09-23..2026-10-22: it holds the channel rows dated Oct 1, the leads
    # L1, L2, L3, L7 and the new customers A3 (seo) and A6 (none); A7 (Oct 28) is in Aban.
    # Its cohort month is Tir 1405 (06-22..07-22): A1 (email) and A2 (tv).
    result = compute_channels(acquisition_tables, Period("jalali", 1405, 7), SETTINGS)
    assert result.total.cohort_return.cohort == Period("jalali", 1405, 4)
    assert result.total.new_customers == Change(2, 1)  # Shahrivar: A5
    assert result.total.leads == Change(4, 2)
    assert result.total.cohort_return.customers == 2
    email = next(c for c in result.channels if c.channel == "email")
    assert (email.spend, email.new_customers, email.cac) == (
        Change(100.0, 80.0),
        Change(0, 1),
        None,
    )


# --- random data --------------------------------------------------------------------------

START = date(2026, 1, 1)
DAYS = st.integers(0, 330).map(lambda n: START + timedelta(days=n))
CHANNEL = st.sampled_from(CHANNELS[:4])


@st.composite
def random_tables(draw) -> Tables:
    n = draw(st.integers(1, 8))
    customers = make_frame(
        "customers",
        ["customer_id", "acquisition_channel"],
        [[f"C{i}", draw(st.one_of(st.none(), CHANNEL))] for i in range(n)],
    )
    order_rows = draw(
        st.lists(st.tuples(st.integers(0, n - 1), DAYS, st.floats(1, 100)), max_size=25)
    )
    orders = make_frame(
        "orders",
        ["order_id", "customer_id", "order_date", "amount"],
        [[f"O{k}", f"C{c}", d.isoformat(), a] for k, (c, d, a) in enumerate(order_rows)],
    )
    lead_rows = draw(
        st.lists(
            st.tuples(DAYS, CHANNEL, st.sampled_from(["open", "converted", "lost"])), max_size=15
        )
    )
    leads = make_frame(
        "leads",
        ["lead_id", "created_date", "channel", "status"],
        [[f"L{k}", d.isoformat(), c, s] for k, (d, c, s) in enumerate(lead_rows)],
    )
    months = [date(2026, m, 1).isoformat() for m in range(5, 12)]
    channels = make_frame(
        "channels",
        ["month", "channel", "spend", "reach"],
        [
            [m, c, draw(st.sampled_from([0.0, 50.0, 120.0])), 100]
            for m in months
            for c in CHANNELS[:4]
        ],
    )
    return Tables(customers=customers, orders=orders, leads=leads, channels=channels)


@settings(max_examples=60, deadline=None)
@given(random_tables())
def test_invariants(tables):
    result = compute_channels(tables, OCT, SETTINGS)
    rows = result.channels
    assert [c.rank for c in rows] == list(range(1, len(rows) + 1))
    total = result.total
    assert (
        sum(c.new_customers.current for c in rows) + result.unattributed_new_customers.current
        == total.new_customers.current
    )
    assert sum(c.leads.current for c in rows) == total.leads.current
    assert sum(c.spend.current for c in rows) == pytest.approx(total.spend.current)
    cacs = [c.cac.current for c in rows if c.cac is not None]
    assert cacs == sorted(cacs)
    assert all(c.cac is not None for c in rows[: len(cacs)])  # channels without a CAC come last
    for c in (*rows, total):
        assert c.conversion_rate is None or c.conversion_rate.current >= 0
        assert c.cohort_return.roi_90d is None or c.cohort_return.roi_90d.current >= -1
        assert c.cohort_return.revenue_90d.current >= 0


def test_channels_unnamed_when_the_sheet_leaves_a_customer_without_one(acquisition_tables):
    customers = acquisition_tables.customers
    named = customers.assign(acquisition_channel="email")
    assert not channels_unnamed(replace(acquisition_tables, customers=named))
    one_blank = named.astype({"acquisition_channel": "string"})
    one_blank.loc[one_blank.index[-1], "acquisition_channel"] = pd.NA
    assert channels_unnamed(replace(acquisition_tables, customers=one_blank))
    no_column = customers.drop(columns="acquisition_channel", errors="ignore")
    assert channels_unnamed(replace(acquisition_tables, customers=no_column))
