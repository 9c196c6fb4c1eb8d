"""The recipes of docs/data-format.md: a few rows of each export, the page's own config, a deck.

The figures of October 2026 are worked out by hand next to each fixture; the config is read
from the documentation, so the page and the code cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation

from deckgen.config import load_settings
from deckgen.data.load import load_tables
from deckgen.data.sample import write_workbook
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.period import Period
from deckgen.pipeline import compute_source_metrics, render_deck

DOC = Path(__file__).parents[2] / "docs" / "data-format.md"


def recipe_config(title: str) -> str:
    """The first ```toml block after the heading `### Recipe: <title>` of the data-format page."""
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"^### Recipe: {re.escape(title)}\n.*?```toml\n(.*?)```", text, re.M | re.S)
    assert match, f"no recipe {title!r} with a toml block"
    return match.group(1)


def _figures(metrics: LifecycleMetrics) -> tuple[float, int, int, float | None]:
    """Revenue, active, new customers and repeat rate of the month."""
    loyalty = metrics.loyalty
    repeat = None if loyalty.repeat_rate_12m is None else loyalty.repeat_rate_12m.current
    return (
        metrics.segmentation.revenue.current,
        int(loyalty.active.current),
        int(loyalty.new.current),
        repeat,
    )


def _render(folder: Path, tmp_path: Path) -> tuple[LifecycleMetrics, dict[str, str], int]:
    """The metrics, the headline figures and the number of slides of the folder's deck."""
    result = render_deck(folder, tmp_path / "deck.pptx")
    assert result.period == Period.parse("2026-10")
    slides = len(Presentation(str(result.output)).slides)
    assert slides == result.slides
    return compute_source_metrics(folder), dict(result.headlines), slides


# -- (a) invoice lines -------------------------------------------------------------------

INVOICE_LINES = [
    # InvoiceNo, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country
    ("536365", "WHITE HANGING HEART", 6, "09/12/2026 08:26", "2.50", "17850", "United Kingdom"),
    ("536365", "WHITE METAL LANTERN", 4, "09/12/2026 08:26", "1.25", "17850", "United Kingdom"),
    ("536366", "HAND WARMER UNION JACK", 10, "10/02/2026 09:00", "3.00", "13047", "United Kingdom"),
    ("536366", "HAND WARMER RED POLKA", 2, "10/02/2026 09:00", "5.00", "13047", "United Kingdom"),
    ("536367", "ASSORTED BOTTLE", 3, "10/15/2026 10:30", "10.00", "17850", "United Kingdom"),
    ("C536368", "JAM MAKING SET", -1, "10/20/2026 11:00", "10.00", "17850", "United Kingdom"),
    ("536369", "POSTAGE", 5, "10/21/2026 12:00", "2.00", None, "United Kingdom"),
    ("536370", "RED WOOLLY HOTTIE", 1, "10/31/2026 12:00", "25.00", "12583", "France"),
    ("C536371", "RED WOOLLY HOTTIE", -1, "10/31/2026 13:00", "25.00", "12583", "France"),
]


def test_invoice_lines(tmp_path: Path):
    folder = tmp_path / "retail"
    folder.mkdir()
    columns = ["InvoiceNo", "Description", "Quantity", "InvoiceDate", "UnitPrice"]
    frame = pd.DataFrame(INVOICE_LINES, columns=[*columns, "CustomerID", "Country"])
    frame.insert(1, "StockCode", [f"2{k:04d}" for k in range(len(frame))])
    frame.to_csv(folder / "Online Retail.csv", index=False)
    (folder / "deckgen.toml").write_text(recipe_config("an invoice-line export"), "utf-8")
    metrics, headlines, _ = _render(folder, tmp_path)
    # October: 536366 40.00 (13047, new) + 536367 30.00 (17850, ordered in September) - the
    # cancellation C536368 10.00 + 536370 25.00 (12583, new) - C536371 25.00 = 60.00. The walk-in
    # line 536369 has no customer. Active: 13047, 17850, 12583; new: 13047, 12583. Repeat
    # purchase in the 12 months: 17850 only (536365, 536367) of 3, as cancellations are no
    # orders (counting them, 17850 and 12583 would both repeat).
    assert _figures(metrics) == (60.0, 3, 2, 1 / 3)
    assert headlines["revenue"] == "60\xa0GBP"
    assert metrics.customers == 3
    assert metrics.orders == 4  # 536365, 536366, 536367, 536370
    countries = {b.attribute: b for b in metrics.segmentation.geographic}["country"]
    assert {r.value: r.customers.current for r in countries.rows} == {
        "United Kingdom": 2,
        "France": 1,
    }


# -- (b) orders-only transaction log -----------------------------------------------------

TRANSACTIONS = [
    ("00001", 20260905, 1, 11.77),
    ("00002", 20260912, 5, 89.00),
    ("00002", 20261003, 2, 20.50),
    ("00003", 20261010, 1, 12.49),
    ("00003", 20261010, 1, 10.00),
    ("00004", 20261031, 3, 30.00),
]


def test_orders_only_transaction_log(tmp_path: Path):
    folder = tmp_path / "cd"
    folder.mkdir()
    frame = pd.DataFrame(TRANSACTIONS, columns=["customer", "date", "items", "dollars"])
    write_workbook({"transactions": frame}, folder / "cd.xlsx", created=pd.Timestamp(2026, 11, 1))
    (folder / "deckgen.toml").write_text(recipe_config("an orders-only transaction log"), "utf-8")
    metrics, headlines, _ = _render(folder / "cd.xlsx", tmp_path)
    # October: 20.50 + 12.49 + 10.00 + 30.00 = 72.99 from 00002, 00003 (twice on the 10th: two
    # orders, one purchase occasion) and 00004; new: 00003, 00004. Repeat in the 12 months
    # (two purchase days or more, docs/metrics.md#purchase-occasions): 00002 of the four.
    assert _figures(metrics) == (pytest.approx(72.99), 3, 2, 0.25)
    assert headlines["revenue"] == "73\xa0USD"
    assert metrics.orders == 6
    assert metrics.customers == 4


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_transaction_log_keeps_leading_zeros_and_numbers_rows(tmp_path: Path, kind: str):
    folder = tmp_path / "cd"
    folder.mkdir()
    frame = pd.DataFrame(TRANSACTIONS, columns=["customer", "date", "items", "dollars"])
    if kind == "csv":
        frame.to_csv(folder / "transactions.csv", index=False)
        source = folder
    else:  # the ids are text cells, the dates number cells
        source = folder / "cd.xlsx"
        write_workbook({"transactions": frame}, source, created=pd.Timestamp(2026, 11, 1))
    (folder / "deckgen.toml").write_text(recipe_config("an orders-only transaction log"), "utf-8")
    tables = load_tables(source, load_settings(folder / "deckgen.toml"))
    assert tables.orders["order_id"].tolist() == ["2", "3", "4", "5", "6", "7"]
    assert tables.customers["customer_id"].tolist() == ["00001", "00002", "00003", "00004"]
    assert tables.customers["signup_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-09-05",
        "2026-09-12",
        "2026-10-10",
        "2026-10-31",
    ]


# -- (c) leads and a separate deals file -----------------------------------------------------


def test_leads_with_a_separate_deals_file(tmp_path: Path):
    folder = tmp_path / "marketplace"
    folder.mkdir()
    pd.DataFrame(
        {
            "mql_id": ["m1", "m2", "m3", "m4", "m5"],
            "first_contact_date": [
                "2026-09-01",
                "2026-09-15",
                "2026-10-02",
                "2026-10-05",
                "2026-10-20",
            ],
            "landing_page_id": ["p1", "p2", "p1", "p3", "p2"],
            "origin": ["organic_search", "email", "social", "organic_search", "email"],
        }
    ).to_csv(folder / "marketing_qualified_leads.csv", index=False)
    pd.DataFrame(
        {
            "mql_id": ["m1", "m3", "m9"],
            "seller_id": ["s1", "s3", "s9"],
            "won_date": ["2026-09-10 10:00:00", "2026-10-09 14:00:00", "2026-10-01 09:00:00"],
            "business_segment": ["pet", "home", "toys"],
        }
    ).to_csv(folder / "closed_deals.csv", index=False)
    pd.DataFrame(
        {
            "order_id": ["o1", "o2", "o3", "o4"],
            "seller_id": ["s1", "s1", "s3", "s7"],
            "order_date": ["2026-09-12", "2026-10-03", "2026-10-12", "2026-10-31"],
            "amount": ["100", "50", "80", "40"],
        }
    ).to_csv(folder / "orders.csv", index=False)
    (folder / "deckgen.toml").write_text(recipe_config("a lead file with a separate deals file"))
    metrics, headlines, _ = _render(folder, tmp_path)
    # October: 50 (s1, first order in September) + 80 (s3, new) + 40 (s7, new, never a lead).
    # Repeat in the 12 months: s1 of s1, s3, s7.
    assert _figures(metrics) == (170.0, 3, 2, 1 / 3)
    assert headlines["revenue"] == "170\xa0BRL"
    steps = {step.stage: step for step in metrics.funnel.steps}
    assert steps["acquisition"].count.current == 3  # m3, m4, m5 captured in October
    # m3 captured on 2 October, its seller s3 first ordered on the 12th; m1's s1 in September.
    assert metrics.funnel.lead_to_customer_days.current == 10
    assert metrics.funnel.converted_leads == 1
    assert metrics.prospects is not None
    assert metrics.prospects.open_leads == 3  # m2, m4, m5
