"""A corpus of platform exports built from the sample generator, each knowing its true mapping.

The exports deckgen's users have first are the ones their shop, payment or CRM platform
writes: a Shopify `orders_export.csv`, WooCommerce's order export, Stripe's payments and
customers exports, a HubSpot deals export. Each fixture here writes the sample's orders (and
customers, leads) with those platforms' own column headers and value shapes, as their
documentation and public sample files show them: Shopify's `Name` (`#1001`, the order
number), `Email` (the customer), `Financial Status` (`paid`, `refunded`, `pending`), `Created at`
(`2026-03-04 10:12:00 +0100`), `Currency` and ISO country codes; WooCommerce's `order_id`,
`status` (`completed`, `on-hold`, ...), `customer_id` (0 for a guest) and `billing_email`;
Stripe's `id` (`py_3Q...`), `Created date (UTC)`, `Currency` written `eur`, `Status` (`Paid`,
`Refunded`, `Failed`) and `cus_...` customer ids; HubSpot's `Record ID`, `Deal Stage` (its default
pipeline's stages) and `Original Source Type`.

Rows whose status is no sale (refunded in full, pending, failed, ...) are added on top of the
sample's orders, so the orders that are sales are the sample's; `sales(platform)` gives them for
hand computations of the deck's figures. `truth(platform)` is every field `deckgen init` should
propose, scored like tests/propose/corpus.py's fixtures (`score_against`).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from deckgen.data.sample import generate_sample
from tests.propose.corpus import Expected, Score, score_against

_COUNTRY_CODES = {"United States": "US", "Canada": "CA", "United Kingdom": "GB"}
_DOMAINS = ("gmail.com", "outlook.com", "yahoo.fr", "example.org")
# Statuses added on top of the sales, by platform: (status, every how many orders one is added).
_SHOPIFY_NO_SALE = (("refunded", 7), ("pending", 11), ("voided", 29))
_WOO_NO_SALE = (("refunded", 9), ("cancelled", 13), ("failed", 17), ("on-hold", 19))
_STRIPE_NO_SALE = (("Refunded", 8), ("Failed", 12))


@dataclass(frozen=True)
class Platform:
    """One platform export: the files it writes and what init is given."""

    name: str
    write: Callable[[dict[str, pd.DataFrame]], dict[str, pd.DataFrame]]  # file -> rows
    given: str  # the path init is given, inside the fixture's folder ("." the folder)
    expected: tuple[Expected, ...]
    customers: int = 150  # the sample's size
    seed: int = 3


def sample(platform: Platform) -> dict[str, pd.DataFrame]:
    """The sample the fixture is written from."""
    return generate_sample(
        customers=platform.customers, months=14, end="2026-10", seed=platform.seed
    )


def build(platform: Platform, folder: Path) -> Path:
    """Write `platform`'s export under `folder`; the path to give `deckgen init`."""
    root = folder / platform.name
    root.mkdir(parents=True)
    for name, frame in platform.write(sample(platform)).items():
        write_csv(root / name, frame)
    return root / platform.given


def write_csv(path: Path, frame: pd.DataFrame, **options: object) -> None:
    """`frame` as a platform writes it: a header row, blanks for missing cells."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, **options)  # type: ignore[arg-type]
        writer.writerow(frame.columns)
        for row in frame.itertuples(index=False):
            writer.writerow(["" if pd.isna(v) else v for v in row])


def truth(platform: Platform) -> tuple[Expected, ...]:
    """Every field `deckgen init` should propose for `platform`."""
    return platform.expected


def score(platform: Platform, text: str) -> Score:
    """`text` (a proposed deckgen.toml) against the truth of `platform`."""
    return score_against(truth(platform), text)


# -- the sample as a shop's orders ---------------------------------------------------------


def email(customer_id: str) -> str:
    """The sample customer's e-mail address (`C00042` is customer42@...)."""
    number = int(customer_id[1:])
    return f"customer{number}@{_DOMAINS[number % len(_DOMAINS)]}"


def _token(prefix: str, *parts: object) -> str:
    """A platform's random-looking id (`py_3Qx...`), fixed for the same parts."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()
    return prefix + digest[:24]


def shop_orders(
    frames: dict[str, pd.DataFrame], no_sale: tuple[tuple[str, int], ...]
) -> pd.DataFrame:
    """The sample's orders in date order, with the customer's country and e-mail, a `status`
    (`sale`, or one of `no_sale` on extra rows), a time of day and a running number."""
    customers = frames["customers"].set_index("customer_id")
    orders = frames["orders"].sort_values(["order_date", "order_id"]).reset_index(drop=True)
    rows = []
    for i, order in enumerate(orders.itertuples(index=False)):
        rows.append({**order._asdict(), "status": "sale"})
        for status, every in no_sale:
            if i % every == every - 1:
                rows.append(
                    {**order._asdict(), "status": status, "amount": round(order.amount * 0.9, 2)}
                )
    shop = pd.DataFrame(rows)
    shop["email"] = shop["customer_id"].map(email)
    shop["country"] = shop["customer_id"].map(customers["country"]).map(_COUNTRY_CODES)
    shop["city"] = shop["customer_id"].map(customers["city"])
    shop["region"] = shop["customer_id"].map(customers["region"])
    shop["time"] = shop["order_date"] + pd.to_timedelta(9 * 60 + (shop.index * 37) % 600, unit="m")
    shop["number"] = range(1001, 1001 + len(shop))
    return shop


def sales(platform: Platform) -> pd.DataFrame:
    """The orders of `platform`'s fixture that are sales (the sample's orders), as the deck
    should count them: customer (e-mail or id as the platform names it), day and amount."""
    orders = sample(platform)["orders"]
    return orders.assign(email=orders["customer_id"].map(email))


# -- Shopify ---------------------------------------------------------------------------------


def _shopify(frames: dict[str, pd.DataFrame], *, full: bool) -> dict[str, pd.DataFrame]:
    shop = shop_orders(frames, _SHOPIFY_NO_SALE)
    status = shop["status"].where(shop["status"] != "sale", "paid")
    export = pd.DataFrame(
        {
            "Name": "#" + shop["number"].astype(str),
            "Email": shop["email"],
            "Financial Status": status,
            "Created at": shop["time"].dt.strftime("%Y-%m-%d %H:%M:%S +0100"),
            "Total": shop["amount"].round(2),
            "Currency": "EUR" if not full else "GBP",
            "Billing City": shop["city"],
            "Billing Country": shop["country"],
            "Source": ["web", "pos", "shopify_draft_order"] * (len(shop) // 3)
            + ["web"] * (len(shop) % 3),
        }
    )
    if not full:
        return {"orders_export.csv": export}
    paid = status.isin(["paid"])
    export.insert(3, "Paid at", export["Created at"].where(paid, None))
    export.insert(4, "Fulfillment Status", ["fulfilled" if p else "unfulfilled" for p in paid])
    export.insert(5, "Accepts Marketing", ["yes" if n % 3 else "no" for n in shop["number"]])
    export.insert(7, "Subtotal", (shop["amount"] / 1.2).round(2))
    export.insert(8, "Shipping", 4.9)
    export.insert(9, "Taxes", (shop["amount"] - shop["amount"] / 1.2).round(2))
    export["Billing Province"] = shop["region"]
    export["Payment Method"] = ["Shopify Payments", "PayPal Express Checkout"] * (
        len(shop) // 2
    ) + ["Shopify Payments"] * (len(shop) % 2)
    export["Payment Reference"] = [
        _token("c", n, ".1") for n in shop["number"]
    ]  # unique tokens, no order number
    export["Refunded Amount"] = shop["amount"].where(shop["status"] == "refunded", 0.0).round(2)
    export["Id"] = 5_600_000_000_000 + shop["number"] * 7919
    return {"orders_export.csv": export}


_SHOPIFY_TRUTH = (
    Expected(("orders", "sheet"), "orders_export", True),
    Expected(("orders", "columns", "customer_id"), "Email", True),
    Expected(("orders", "columns", "order_date"), "Created at", True),
    Expected(("orders", "columns", "amount"), "Total", True),
    Expected(("orders", "where"), True, True),
    Expected(("customers", "from_orders"), True, True),
    Expected(("customers", "columns", "customer_id"), "Email", True),
    Expected(("customers", "columns", "country"), "Billing Country", False),
    Expected(("customers", "columns", "city"), "Billing City", False),
    # +01:00 is Paris's offset as much as Berlin's, with the same summer time.
    Expected(("timezone",), "Europe/Paris", False, ("Europe/Berlin",)),
)


# -- WooCommerce -----------------------------------------------------------------------------


def _woocommerce(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    shop = shop_orders(frames, _WOO_NO_SALE)
    status = shop["status"].where(
        shop["status"] != "sale",
        ["completed", "processing"] * (len(shop) // 2) + ["completed"] * (len(shop) % 2),
    )
    number = shop["customer_id"].str.slice(1).astype(int)
    guest = number % 5 == 0  # guests check out without an account: customer_id 0
    export = pd.DataFrame(
        {
            "order_id": 4200 + shop["number"] * 3,
            "order_number": 4200 + shop["number"] * 3,
            "order_date": shop["time"].dt.strftime("%Y-%m-%d %H:%M:%S"),
            "status": status,
            "shipping_total": 5.0,
            "tax_total": (shop["amount"] - shop["amount"] / 1.2).round(2),
            "discount_total": 0.0,
            "order_total": shop["amount"].round(2),
            "order_currency": "EUR",
            "payment_method": ["stripe", "paypal", "cod"] * (len(shop) // 3)
            + ["stripe"] * (len(shop) % 3),
            "customer_id": (number + 17).where(~guest, 0),
            "billing_first_name": "Jo",
            "billing_last_name": "Doe " + number.astype(str),
            "billing_email": shop["email"],
            "billing_city": shop["city"],
            "billing_state": shop["region"],
            "billing_country": shop["country"],
        }
    )
    return {"orders-2026-10-31.csv": export}


_WOO_TRUTH = (
    Expected(("orders", "sheet"), "orders-2026-10-31", True),
    Expected(("orders", "columns", "order_id"), "order_id", True, ("order_number",)),
    Expected(("orders", "columns", "customer_id"), "billing_email", True),
    Expected(("orders", "columns", "order_date"), "order_date", True),
    Expected(("orders", "columns", "amount"), "order_total", True),
    Expected(("orders", "where"), True, True),
    Expected(("customers", "from_orders"), True, True),
    Expected(("customers", "columns", "customer_id"), "billing_email", True),
    Expected(("customers", "columns", "country"), "billing_country", False),
    Expected(("customers", "columns", "city"), "billing_city", False),
    Expected(("customers", "columns", "region"), "billing_state", False),
    Expected(("currency",), "EUR", False),
)


# -- Stripe ----------------------------------------------------------------------------------


def _stripe(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    shop = shop_orders(frames, _STRIPE_NO_SALE)
    status = shop["status"].where(shop["status"] != "sale", "Paid")
    customer = shop["customer_id"].map(lambda c: _token("cus_", c)[:18])
    payments = pd.DataFrame(
        {
            "id": [_token("py_", n) for n in shop["number"]],
            "Created date (UTC)": shop["time"].dt.strftime("%Y-%m-%d %H:%M:%S"),
            "Amount": shop["amount"].round(2),
            "Amount Refunded": shop["amount"].where(status == "Refunded", 0.0).round(2),
            "Currency": "eur",
            "Captured": (status != "Failed").map({True: "true", False: "false"}),
            "Converted Amount": shop["amount"].round(2),
            "Converted Currency": "eur",
            "Description": "Payment for Invoice",
            "Fee": (shop["amount"] * 0.015 + 0.25).round(2),
            "Status": status,
            "Card ID": [_token("card_", n) for n in shop["number"]],
            "Customer ID": customer,
            "Customer Description": None,
            "Customer Email": shop["email"],
        }
    )
    people = frames["customers"]
    customers = pd.DataFrame(
        {
            "id": people["customer_id"].map(lambda c: _token("cus_", c)[:18]),
            "Description": None,
            "Email": people["customer_id"].map(email),
            "Name": None,
            "Created (UTC)": people["signup_date"].dt.strftime("%Y-%m-%d %H:%M:%S"),
            "Delinquent": "false",
        }
    )
    return {"unified_payments.csv": payments, "customers.csv": customers}


_STRIPE_TRUTH = (
    Expected(("customers", "sheet"), "customers", True),
    Expected(("customers", "columns", "customer_id"), "id", True),
    Expected(("customers", "columns", "signup_date"), "Created (UTC)", False),
    Expected(("orders", "sheet"), "unified_payments", True),
    Expected(("orders", "columns", "order_id"), "id", True),
    Expected(("orders", "columns", "customer_id"), "Customer ID", True),
    Expected(("orders", "columns", "order_date"), "Created date (UTC)", True),
    Expected(("orders", "columns", "amount"), "Amount", True),
    Expected(("orders", "where"), True, True),
    Expected(("currency",), "EUR", False),
)


# -- HubSpot deals (as leads), beside a Shopify export ---------------------------------------

_DEAL_STAGES = {"converted": "Closed Won", "lost": "Closed Lost"}
_OPEN_STAGES = (
    "Appointment Scheduled",
    "Qualified To Buy",
    "Presentation Scheduled",
    "Contract Sent",
)
# HubSpot's source types name no offline medium apart: those are "Offline Sources" (other);
# deckgen reads "Social Media" as social with no value map.
_SOURCE_TYPES = {"seo": "Organic Search", "social": "Social Media", "email": "Email Marketing"}


def _hubspot(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    leads = frames["leads"]
    stage = [
        _DEAL_STAGES.get(s, _OPEN_STAGES[i % len(_OPEN_STAGES)])
        for i, s in enumerate(leads["status"])
    ]
    deals = pd.DataFrame(
        {
            "Record ID": 18_000_000_000 + leads.index * 13,
            "Deal Name": leads["name"] + " - New Deal",
            "Pipeline": "Sales Pipeline",
            "Deal Stage": stage,
            "Amount": 500.0,
            "Create Date": leads["created_date"].dt.strftime("%Y-%m-%d %H:%M"),
            # Only won deals are given a close date here: deckgen reads it as the conversion day.
            "Close Date": leads["converted_date"].dt.strftime("%Y-%m-%d %H:%M"),
            "Deal owner": "Sam Lee",
            "Original Source Type": leads["channel"].map(
                lambda c: _SOURCE_TYPES.get(c, "Offline Sources")
            ),
        }
    )
    return {**_shopify(frames, full=False), "all-deals.csv": deals}


_HUBSPOT_TRUTH = (
    *_SHOPIFY_TRUTH,
    Expected(("orders", "columns", "order_id"), "Name", True),
    Expected(("currency",), "EUR", False),
    Expected(("leads", "sheet"), "all-deals", False),
    Expected(("leads", "columns", "lead_id"), "Record ID", False),
    Expected(("leads", "columns", "created_date"), "Create Date", False),
    Expected(("leads", "columns", "status"), "Deal Stage", False),
    Expected(("leads", "columns", "channel"), "Original Source Type", False),
    Expected(("leads", "columns", "name"), "Deal Name", False),
    Expected(("leads", "columns", "converted_date"), "Close Date", False),
    *(Expected(("leads", "values", "status", s), "open", False) for s in _OPEN_STAGES),
    Expected(("leads", "values", "status", "Closed Won"), "converted", False),
    Expected(("leads", "values", "status", "Closed Lost"), "lost", False),
    Expected(("leads", "values", "channel", "Organic Search"), "seo", False),
    Expected(("leads", "values", "channel", "Email Marketing"), "email", False),
)


PLATFORMS: tuple[Platform, ...] = (
    Platform(
        "shopify_orders",  # the columns a new user's Shopify export showed
        lambda frames: _shopify(frames, full=False),
        "orders_export.csv",
        (
            *_SHOPIFY_TRUTH,
            Expected(("orders", "columns", "order_id"), "Name", True),
            Expected(("currency",), "EUR", False),
        ),
    ),
    Platform(
        "shopify_full",  # more of Shopify's columns: its own `Id`, payment references
        lambda frames: _shopify(frames, full=True),
        "orders_export.csv",
        (
            *_SHOPIFY_TRUTH,
            Expected(("orders", "columns", "order_id"), "Id", True, ("Name",)),
            Expected(("customers", "columns", "region"), "Billing Province", False),
            Expected(("currency",), "GBP", False),
        ),
        seed=5,
    ),
    Platform("woocommerce", _woocommerce, "orders-2026-10-31.csv", _WOO_TRUTH, seed=7),
    Platform("stripe", _stripe, ".", _STRIPE_TRUTH, seed=9),
    Platform("hubspot_shopify", _hubspot, ".", _HUBSPOT_TRUTH, seed=11),
)
