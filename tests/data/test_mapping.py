"""Client names and codes mapped onto deckgen's, and back."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from deckgen.config import Settings, SheetMapping, load_settings
from deckgen.data.load import load_tables
from deckgen.data.mapping import (
    canonical_code,
    find_name,
    match_columns,
    normalise_name,
    to_client_frames,
)
from deckgen.data.sample import generate_sample
from deckgen.data.schema import CHANNELS, GENDERS, ORDERS, SHEETS
from deckgen.data.validate import validate_frames, validate_source
from tests.data.workbooks import write_book

SAMPLE_DATA = Path(__file__).parents[2] / "sample_data"


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("order_date", "order_date"),
        ("Order Date", "order_date"),
        ("  ORDER-DATE ", "order_date"),
        ("order.date", "order_date"),
        ("Trade Shows / Conferences", "trade_shows_conferences"),
        (42, "42"),
        ("\u200forder_id", "order_id"),  # a right-to-left mark, as Persian Excel adds
        ("\ufefforder date\u200b", "order_date"),  # a byte-order mark, a zero-width space
        ("\u202bcustomers\u202c ", "customers"),  # an embedding
        ("\u2067Order\u2069 \u2060Date", "order_date"),  # isolates, a word joiner
        ("نام\u200cمشتری", "نام\u200cمشتری"),  # the non-joiner is part of a Persian word
    ],
)
def test_normalise_name(name, normalised):
    assert normalise_name(name) == normalised


@pytest.mark.parametrize(
    ("value", "allowed", "code"),
    [
        ("email", CHANNELS, "email"),
        ("E-Mail", CHANNELS, "email"),
        ("Social Media", CHANNELS, "social"),
        ("Trade Shows", CHANNELS, "trade_show"),
        ("TV", CHANNELS, "tv"),
        ("Insta", CHANNELS, None),
        ("F", GENDERS, "female"),
        ("Male", GENDERS, "male"),
        ("prefer not to say", GENDERS, None),
        ("\u200fMale\u200e", GENDERS, "male"),
    ],
)
def test_canonical_code(value, allowed, code):
    assert canonical_code(value, allowed) == code


def test_find_name_prefers_the_exact_name():
    assert find_name("orders", ["Orders", "orders"]) == "orders"
    assert find_name("orders", ["Customers", "ORDERS "]) == "ORDERS "
    assert find_name("orders", ["Sales"]) is None


def test_match_columns_uses_the_mapping_then_the_names():
    mapping = SheetMapping(columns={"amount": "Net Amount", "order_id": "Invoice"})
    match = match_columns(
        ["Invoice", "Customer ID", "Order Date", "Net Amount", "Notes"], ORDERS, mapping
    )
    assert match.source == {
        "order_id": "Invoice",
        "customer_id": "Customer ID",
        "order_date": "Order Date",
        "amount": "Net Amount",
    }
    assert match.missing == ("product_category",)
    assert match.ignored == ("Notes",)
    assert match.renamed == tuple((k, v) for k, v in match.source.items())


def test_mapped_column_is_not_found_under_our_own_name():
    mapping = SheetMapping(columns={"amount": "Betrag"})
    match = match_columns(["order_id", "customer_id", "order_date", "amount"], ORDERS, mapping)
    assert "amount" in match.missing
    assert match.ignored == ("amount",)


def _client_settings() -> Settings:
    return load_settings(SAMPLE_DATA / "client_style.toml")


def test_a_renamed_workbook_round_trips(writers, tmp_path):
    ours = generate_sample(customers=50, months=9, seed=5)
    settings = _client_settings()
    theirs = to_client_frames(ours, settings)
    assert set(theirs) == {settings.mapping(s.name).sheet for s in SHEETS}
    assert "Insta" in set(theirs["Customer List"]["Source"])
    path = writers["xlsx"](theirs, tmp_path / "client.xlsx")
    report = validate_source(path, settings)
    assert report.ok and report.warnings == (), report.format()
    expected = validate_frames(ours, Settings(), "ours").tables
    for sheet in SHEETS:
        pd.testing.assert_frame_equal(report.tables.sheet(sheet.name), expected.sheet(sheet.name))


def test_the_checked_in_client_style_workbook_is_the_sample_renamed():
    settings = _client_settings()
    report = validate_source(SAMPLE_DATA / "client_style.xlsx", settings)
    assert report.ok and report.warnings == (), report.format()
    customers = next(s for s in report.sheets if s.sheet == "customers")
    assert customers.source == "Customer List"
    assert ("customer_id", "Cust #") in customers.renamed
    assert customers.ignored == ("Notes",)
    expected = validate_frames(generate_sample(customers=200, seed=11), Settings(), "ours").tables
    for sheet in SHEETS:
        pd.testing.assert_frame_equal(report.tables.sheet(sheet.name), expected.sheet(sheet.name))


def test_names_and_codes_with_invisible_marks_are_found(tmp_path):
    """Sheet names, column names and codes an RTL export wrapped in invisible marks match as
    they look: they were missing columns whose message showed the very name expected."""
    customers = [["customer_id", "\u200fgender"], ["C1", "\u200ffemale\u200e"]]
    orders = [
        ["\ufefforder_id", "customer_id\u200b", "\u202border_date\u202c", "amount"],
        ["A", "C1", datetime(2026, 9, 1), 5.0],
    ]
    book = write_book(
        tmp_path / "marks.xlsx", {"\u200fcustomers": customers, "orders\u200f": orders}
    )
    report = validate_source(book, Settings())
    assert report.ok and report.errors == ()
    assert {w.rule for w in report.warnings} == {"missing_sheet"}  # leads, channels, ...
    tables = load_tables(book, Settings())
    assert tables.sheet("customers")["gender"].tolist() == ["female"]
    assert tables.sheet("orders")["order_id"].tolist() == ["A"]
