"""Problems found after the transforms still name the spreadsheet row the user sees: the
reader's __sheet__ and __row__ go through where, order_lines, returns, lookups and queries."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from deckgen.config import Settings
from deckgen.data.validate import DUPLICATE_KEY, validate_source
from deckgen.errors import Problem
from tests.data.workbooks import write_book

TODAY = date(2026, 12, 1)
CUSTOMERS = [["customer_id"], ["C1"], ["C2"]]
SALES = {"order_id": "Invoice", "customer_id": "Customer", "order_date": "Day", "amount": "Amount"}
HEADER = ["Invoice", "Customer", "Day", "Amount", "Status"]


def _settings(**sheets: dict) -> Settings:
    return Settings.model_validate({"sheets": sheets})


def _where(problems: tuple[Problem, ...]) -> list[tuple[str, int | None, str | None, str | None]]:
    """Where each problem with a row is: sheet, row, column, value."""
    return [(p.sheet, p.row, p.column, p.value) for p in problems if p.row is not None]


def test_a_problem_after_a_where_names_the_row_below_the_title_rows(tmp_path: Path):
    book = write_book(
        tmp_path / "sales.xlsx",
        {
            "customers": CUSTOMERS,
            "Sales": [
                ["Sales export, October 2026"],
                [],
                HEADER,  # row 3: found below the title
                ["T1", "C1", datetime(2026, 10, 1), 10.0, "test"],  # rows 4 and 5 dropped
                ["T2", "C1", datetime(2026, 10, 1), 10.0, "test"],
                ["A1", "C1", datetime(2026, 10, 3), 10.0, "ok"],
                ["A2", "C2", datetime(2026, 10, 4), "ten", "ok"],  # row 7
                ["A3", "C2", "2026-13-01", 5.0, "ok"],  # row 8
            ],
        },
    )
    settings = _settings(orders={"sheet": "Sales", "columns": SALES, "where": "Status = 'ok'"})
    report = validate_source(book, settings, today=TODAY)
    assert _where(report.errors) == [
        ("Sales", 7, "Amount", "ten"),
        ("Sales", 8, "Day", "2026-13-01"),
    ]
    assert report.notes == ("orders: where kept 3 of 5 rows",)
    assert report.sheets[1].headers_found == (("Sales", 3),)


def test_order_lines_name_the_line_or_the_order_first_line(tmp_path: Path):
    book = write_book(
        tmp_path / "lines.xlsx",
        {
            "customers": CUSTOMERS,
            "Lines": [
                HEADER[:4],
                ["INV1", "C1", datetime(2026, 10, 1), 10.0],
                ["INV1", "C1", datetime(2026, 10, 1), 5.0],
                ["INV2", "C9", datetime(2026, 10, 2), 7.0],  # row 4: an unknown customer
                ["INV2", None, datetime(2026, 10, 2), 3.0],
                ["INV3", "C1", "someday", 4.0],  # row 6: the line's own date
                ["INV4", "C2", datetime(2027, 1, 6), 1.0],  # row 7: after today ...
                ["INV4", "C2", datetime(2027, 1, 5), 1.0],  # ... its earliest line
            ],
        },
    )
    settings = _settings(orders={"sheet": "Lines", "columns": SALES, "order_lines": True})
    report = validate_source(book, settings, today=TODAY)
    assert _where(report.errors) == [("Lines", 6, "Day", "someday")]
    assert _where(report.warnings) == [
        ("Lines", 4, "Customer", "C9"),
        ("Lines", 7, "Day", "2027-01-05"),  # the order's date, on its first line's row
    ]


def test_stacked_sheets_keep_their_own_names_and_rows_through_a_where(tmp_path: Path):
    book = write_book(
        tmp_path / "years.xlsx",
        {
            "customers": CUSTOMERS,
            "Sales 2025": [HEADER[:4], ["O1", "C1", datetime(2025, 11, 5), 10.0]],
            "Sales 2026": [
                HEADER[:4],
                ["TOTAL", None, None, 99.0],
                ["O2", "C2", datetime(2026, 10, 7), 20.0],
                ["O3", "C2", datetime(2026, 10, 8), "12,5,0"],  # row 4
                ["O1", "C1", datetime(2026, 10, 9), 1.0],  # row 5: O1 again
            ],
        },
    )
    orders = {"sheet": ["Sales 2025", "Sales 2026"], "columns": SALES}
    settings = _settings(orders={**orders, "where": "Invoice <> 'TOTAL'"})
    errors = validate_source(book, settings, today=TODAY).errors
    assert _where(errors) == [
        ("Sales 2026", 4, "Amount", "12,5,0"),
        ("Sales 2026", 5, "Invoice", "O1"),
    ]
    assert "(row 2 of sheet 'Sales 2025' has it too)" in errors[1].expected


def test_returns_are_checked_at_their_own_rows(tmp_path: Path):
    book = write_book(
        tmp_path / "returns.xlsx",
        {
            "customers": CUSTOMERS,
            "Sales": [
                HEADER[:4],
                ["A1", "C1", datetime(2026, 10, 1), 30.0],
                ["CA1", "C1", "31/31/2026", -10.0],  # row 3: a return with no date
                ["A2", "C2", datetime(2026, 10, 2), 20.0],
                ["CA2", "C7", datetime(2026, 10, 3), -5.0],  # row 5: a customer without orders
            ],
        },
    )
    returns = {"when": "Invoice LIKE 'C%'"}
    settings = _settings(orders={"sheet": "Sales", "columns": SALES, "returns": returns})
    report = validate_source(book, settings, today=TODAY)
    assert _where(report.errors) == [("Sales", 3, "Day", "31/31/2026")]
    assert ("Sales", 5, "Customer", "C7") in _where(report.warnings)


def test_looked_up_cells_are_checked_at_the_rows_of_the_sheet_they_join(tmp_path: Path):
    leads = ["mql", "created", "origin", "state"]
    book = write_book(
        tmp_path / "leads.xlsx",
        {
            "customers": CUSTOMERS,
            "orders": [
                ["order_id", "customer_id", "order_date", "amount"],
                ["O1", "C1", datetime(2026, 10, 1), 10.0],
            ],
            "Leads": [
                leads,
                ["m0", datetime(2026, 9, 1), "seo", "test"],  # dropped
                ["m1", datetime(2026, 9, 2), "seo", "open"],
                ["m2", datetime(2026, 9, 3), "email", "converted"],  # row 4
            ],
            "deals": [["mql", "won"], ["m2", "soon"], ["m1", None]],
        },
    )
    mapping = {
        "sheet": "Leads",
        "columns": {
            "lead_id": "mql",
            "created_date": "created",
            "channel": "origin",
            "status": "state",
            "converted_date": "won",
        },
        "lookup": {"won": {"sheet": "deals", "key": "mql"}},
        "where": "state <> 'test'",
    }
    report = validate_source(book, _settings(leads=mapping), today=TODAY)
    assert report.ok
    assert _where(report.warnings) == [("Leads", 4, "won", "soon")]


def test_a_query_keeps_the_rows_it_selects_or_numbers_its_own(tmp_path: Path):
    book = write_book(
        tmp_path / "query.xlsx",
        {
            "customers": CUSTOMERS,
            "Sales": [
                HEADER,
                ["A1", "C1", datetime(2026, 10, 1), 10.0, "test"],
                ["A2", "C2", datetime(2026, 10, 2), "lots", "ok"],  # row 3
            ],
        },
    )
    kept = "SELECT * FROM Sales WHERE Status = 'ok'"
    report = validate_source(book, _settings(orders={"query": kept, "columns": SALES}), TODAY)
    assert _where(report.errors) == [("Sales", 3, "Amount", "lots")]
    picked = "SELECT Invoice, Customer, Day, Amount FROM Sales WHERE Status = 'ok'"
    report = validate_source(book, _settings(orders={"query": picked, "columns": SALES}), TODAY)
    assert _where(report.errors) == [("orders (query)", 2, "Amount", "lots")]


INVOICE = [
    HEADER[:4],
    ["536365", "C1", datetime(2026, 10, 1), 15.0],
    ["536365", "C1", datetime(2026, 10, 1), 5.0],
    ["536366", "C2", datetime(2026, 10, 2), 7.0],
    ["536366", "C2", datetime(2026, 10, 2), 3.0],
]


def test_invoice_lines_validate_with_order_lines_and_are_duplicates_without(tmp_path: Path):
    book = write_book(tmp_path / "invoices.xlsx", {"customers": CUSTOMERS, "Sales": INVOICE})
    orders = {"sheet": "Sales", "columns": SALES}
    report = validate_source(book, _settings(orders={**orders, "order_lines": True}), TODAY)
    assert report.ok and not _where(report.warnings)
    assert report.tables.orders["amount"].tolist() == [20.0, 10.0]
    report = validate_source(book, _settings(orders=orders), TODAY)
    assert _where(report.errors) == [
        ("Sales", 3, "Invoice", "536365"),
        ("Sales", 5, "Invoice", "536366"),
    ]
    assert {p.rule for p in report.errors} == {DUPLICATE_KEY}
    assert report.errors[0].expected == (
        "a unique order_id (row 2 has it too); if an order spans several rows (invoice lines), "
        "set order_lines = true under [sheets.orders] to add them up"
    )


def test_a_lookup_into_an_empty_file_is_one_config_error(tmp_path: Path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id\nC1\n", encoding="utf-8")
    (folder / "orders.csv").write_text(
        "order_id,customer_id,order_date,amount\nO1,C1,2026-10-01,5\n", encoding="utf-8"
    )
    (folder / "deals.csv").write_bytes(b"")
    lookup = {"deal": {"sheet": "deals", "key": "order_id", "value": "won"}}
    report = validate_source(folder, _settings(orders={"lookup": lookup}), TODAY)
    assert report.failure == (
        "2 problem(s) in the transforms:\n"
        "  - [sheets.orders.lookup.deal] match = 'order_id': no column 'order_id' in 'deals' "
        "(it has no columns)\n"
        "  - [sheets.orders.lookup.deal] value = 'won': no column 'won' in 'deals' "
        "(it has no columns)"
    )
