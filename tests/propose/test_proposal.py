"""What init proposes from the orders' cells: rows that are no sale (a payment or order status)
left out by `where`."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from deckgen.propose import init_config

TODAY = date(2026, 12, 5)


def _where(path: Path) -> tuple[str | None, bool]:
    """The orders' proposed `where`, and whether the proposal validates."""
    output = path.parent / "deckgen.toml"
    result = init_config(str(path), output, today=TODAY)
    settings = tomllib.loads(output.read_text(encoding="utf-8"))
    return settings["sheets"]["orders"].get("where"), result.valid


@pytest.mark.parametrize(
    ("name", "values", "where"),
    [
        (
            "Financial Status",
            ["paid", "paid", "refunded", "pending", "partially_refunded"],
            "coalesce(\"Financial Status\", '') NOT IN ('pending', 'refunded')",
        ),
        (  # WooCommerce's statuses: on-hold is awaiting payment
            "status",
            ["completed", "processing", "on-hold", "cancelled", "failed"],
            "coalesce(\"status\", '') NOT IN ('cancelled', 'failed', 'on-hold')",
        ),
        (  # Stripe's, capitalised; kept as written
            "Status",
            ["Paid", "Paid", "Paid", "Refunded", "Failed"],
            "coalesce(\"Status\", '') NOT IN ('Failed', 'Refunded')",
        ),
        (  # blank statuses are kept (coalesce), whatever the column's name
            "State",
            ["paid", "paid", "", "voided", "paid"],
            "coalesce(\"State\", '') NOT IN ('voided')",
        ),
    ],
)
def test_a_status_column_leaves_out_the_rows_that_are_no_sale(
    tmp_path: Path, orders_csv, name: str, values: list[str], where: str
) -> None:
    proposed, valid = _where(orders_csv(tmp_path / "data", {name: values}))
    assert proposed == where
    assert valid


@pytest.mark.parametrize(
    "extra",
    [
        {"Financial Status": ["paid", "partially_refunded", "paid"]},  # every row a sale
        {"Fulfillment": ["fulfilled", "unfulfilled", "refunded"]},  # not 90% statuses
        {"Note": ["refunded later", "pending review", "ok"]},  # sentences, not statuses
        {"Payment Status": ["pending"]},  # every order unpaid: invoices billed later, not none
    ],
)
def test_no_filter_without_rows_that_are_no_sale(
    tmp_path: Path, orders_csv, extra: dict[str, list[str]]
) -> None:
    assert _where(orders_csv(tmp_path / "data", extra)) == (None, True)


def test_a_status_column_of_sales_only_does_not_hide_the_next_one(
    tmp_path: Path, orders_csv
) -> None:
    extra = {
        "Fulfillment Status": ["fulfilled", "shipped", "delivered"],  # every row a sale
        "Payment Status": ["paid", "paid", "refunded", "paid", "failed"],
    }
    proposed, valid = _where(orders_csv(tmp_path / "data", extra))
    assert proposed == "coalesce(\"Payment Status\", '') NOT IN ('failed', 'refunded')"
    assert valid


def _columns(path: Path) -> tuple[dict[str, str], str]:
    """The orders' proposed columns, and what init lists."""
    output = path.parent / "deckgen.toml"
    result = init_config(str(path), output, today=TODAY)
    settings = tomllib.loads(output.read_text(encoding="utf-8"))
    return settings["sheets"]["orders"]["columns"], result.summary()


def test_a_customer_id_column_wins_over_an_email_column_beside_it(
    tmp_path: Path, orders_csv
) -> None:
    # A CRM's orders with both: the id is the customer's own; the address is the runner-up.
    emails = [f"k{n:02d}@example.org" for n in range(7)]  # one per customer, as the ids cycle
    columns, listed = _columns(orders_csv(tmp_path / "data", {"Email": emails}))
    assert columns["customer_id"] == "Customer ID"
    assert "customer_id = 'Customer ID' is uncertain" in listed
    assert "runner-up 'Email'" in listed


def test_an_email_column_wins_over_a_customer_id_of_zeros_for_guests(tmp_path: Path) -> None:
    # WooCommerce writes customer_id 0 for a guest checkout: every guest would be one customer.
    folder = tmp_path / "data"
    folder.mkdir()
    lines = ["Order ID,Customer ID,Email,Order Date,Amount"]
    for i in range(40):
        customer = 0 if i % 10 == 0 else 100 + i % 7
        lines.append(f"O{i:03d},{customer},p{i % 9}@example.org,2026-{1 + i % 9:02d}-03,10.5")
    (folder / "orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    columns, _ = _columns(folder / "orders.csv")
    assert columns["customer_id"] == "Email"


def test_the_orders_a_status_filter_leaves_out_are_listed_and_unpaid_ones_flagged(
    tmp_path: Path, orders_csv
) -> None:
    statuses = ["paid", "paid", "refunded", "pending", "paid", "voided"]  # 30 rows: 5 of each
    _, listed = _columns(orders_csv(tmp_path / "data", {"Financial Status": statuses}))
    assert (
        "where: 15 of 30 orders are left out as no sale by 'Financial Status' (5 pending, 5"
        " refunded, 5 voided); the 5 pending are not paid yet" in listed
    )


def test_refunds_alone_are_listed_without_the_unpaid_caveat(tmp_path: Path, orders_csv) -> None:
    _, listed = _columns(orders_csv(tmp_path / "data", {"Status": ["Paid", "Paid", "Refunded"]}))
    assert "where: 10 of 30 orders are left out as no sale by 'Status' (10 Refunded)" in listed
    assert "not paid yet" not in listed


def test_a_currency_column_naming_two_currencies_is_listed_first_with_a_filter(
    tmp_path: Path, orders_csv
) -> None:
    # Summing EUR and USD amounts as one currency is wrong whatever currency init then names.
    _, listed = _columns(orders_csv(tmp_path / "data", {"Currency": ["eur", "eur", "usd"]}))
    mixed = next(line for line in listed.splitlines() if "names several currencies" in line)
    assert mixed.startswith("  1. [sheets.orders] 'Currency' names several currencies")
    assert "(EUR on 20 rows, USD on 10 rows)" in mixed
    assert "keep one currency with where: \"Currency\" = 'eur'" in mixed


@pytest.mark.parametrize(
    "extra",
    [
        {"Currency": ["EUR"]},  # one currency
        {"SKU": ["ABC", "CAD", "XYZ"]},  # product codes, some spelt like currencies
        {"Country": ["USA", "DEU", "GBR"]},  # ISO alpha-3 countries
    ],
)
def test_no_currency_mix_is_listed_for_one_currency_or_other_codes(
    tmp_path: Path, orders_csv, extra: dict[str, list[str]]
) -> None:
    _, listed = _columns(orders_csv(tmp_path / "data", extra))
    assert "names several currencies" not in listed
