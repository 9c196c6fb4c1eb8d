"""The transforms of deckgen.toml: each key on a few hand-made rows, then the hostile cases."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from deckgen.config import Settings, load_settings
from deckgen.data.load import Source, load_tables, located
from deckgen.data.mapping import check_mapping
from deckgen.data.transform import (
    DERIVED_ATTRIBUTE,
    DERIVED_CUSTOMERS,
    LOOKUP_UNMATCHED,
    WHERE_KEPT_NONE,
    query_tables,
    sql_problem,
    transform_source,
)
from deckgen.data.validate import validate_frames, validate_read
from deckgen.errors import ConfigError, ValidationError
from deckgen.metrics.common import customer_orders
from deckgen.period import Period

LINES = pd.DataFrame(
    {
        "Invoice": ["A1", "A1", "A2", "C9", "A3", "A3", "TOTAL"],
        "Customer": ["17850", "17850", "13047", "17850", "13047", "13047", None],
        "Day": [
            "2026-10-02",
            "2026-10-01",
            "2026-10-05",
            "2026-10-07",
            "2026-10-09",
            "2026-10-08",
            None,
        ],
        "Qty": ["2", "1", "4", "-1", "3", "1", None],
        "Price": ["2.50", "10", "1.25", "10", "2", "0.5", "9999"],
        "Country": ["UK", "UK", "FR", "UK", "DE", "DE", None],
    }
)
ORDER_COLUMNS = {"order_id": "Invoice", "customer_id": "Customer", "order_date": "Day"}
CUSTOMERS = pd.DataFrame({"customer_id": ["17850", "13047"]})


def _reserved(frame: pd.DataFrame, sheet: str, first_row: int = 2) -> pd.DataFrame:
    """`frame` with the reading stage's reserved columns: its client sheet and row numbers."""
    return frame.assign(__sheet__=sheet, __row__=np.arange(first_row, first_row + len(frame)))


def _source(**frames: pd.DataFrame) -> Source:
    """A source as the reader gives it: sheets named `Orders`, ... (extra sheets `x_deals` as
    `deals`), every row located (row 2 first unless `_reserved` said otherwise)."""
    names = {name: name.capitalize() for name in frames if not name.startswith("x_")}
    extra = {
        name[2:]: located(frame, name[2:])
        for name, frame in frames.items()
        if name.startswith("x_")
    }
    ours = {
        name: located(frame, names[name])
        for name, frame in frames.items()
        if not name.startswith("x_")
    }
    return Source("test", ours, names, (*names.values(), *extra), extra=extra)


def _cells(values: pd.Series) -> list[object]:
    """The values of a column, None where empty."""
    return [None if pd.isna(v) else v for v in values]


def _settings(**sheets: dict) -> Settings:
    return Settings.model_validate({"sheets": sheets})


def _orders(**extra: object) -> dict:
    return {"columns": ORDER_COLUMNS, "compute": {"amount": "Qty * Price"}, **extra}


# -- nothing configured ------------------------------------------------------------------


def test_without_transforms_the_source_is_returned_as_read():
    source = _source(orders=LINES, customers=CUSTOMERS)
    assert transform_source(source, Settings()) is source


def test_without_transforms_loading_never_imports_duckdb(tmp_path: Path):
    folder = tmp_path / "data"
    folder.mkdir()
    CUSTOMERS.to_csv(folder / "customers.csv", index=False)
    pd.DataFrame(
        {"order_id": ["1"], "customer_id": ["17850"], "order_date": ["2026-10-01"], "amount": [5]}
    ).to_csv(folder / "orders.csv", index=False)
    script = (
        "import sys; from pathlib import Path; from deckgen.config import Settings;"
        "from deckgen.data.load import load_tables;"
        f"load_tables(Path({str(folder)!r}), Settings());"
        "assert 'duckdb' not in sys.modules, 'duckdb was imported'"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


# -- compute and where -------------------------------------------------------------------


def test_compute_multiplies_text_numbers_and_keeps_the_reserved_columns():
    source = _source(orders=_reserved(LINES, "Sales"))
    orders = transform_source(source, _settings(orders=_orders())).frames["orders"]
    assert orders["amount"].tolist()[:6] == [5.0, 10.0, 5.0, -10.0, 6.0, 0.5]
    assert pd.isna(orders["amount"].iloc[6])  # the TOTAL row has no quantity
    assert orders["__row__"].tolist() == [2, 3, 4, 5, 6, 7, 8]
    assert set(orders["__sheet__"]) == {"Sales"}
    assert orders["Qty"].tolist() == LINES["Qty"].tolist()  # the client's cells are untouched


def test_computed_columns_see_the_ones_before_them():
    compute = {"net": "Qty * Price", "amount": "net * 2", "label": "'x' || Invoice"}
    orders = transform_source(_source(orders=LINES), _settings(orders={"compute": compute})).frames[
        "orders"
    ]
    assert orders["amount"].tolist()[:3] == [10.0, 20.0, 10.0]
    assert orders["label"].tolist()[:2] == ["xA1", "xA1"]


def test_where_keeps_the_rows_it_is_true_for_and_null_is_false():
    source = _source(orders=_reserved(LINES, "Sales"))
    where = "Customer IS NOT NULL AND Invoice <> 'TOTAL' AND Country <> 'FR'"
    read = transform_source(source, _settings(orders=_orders(where=where)))
    assert read.frames["orders"]["__row__"].tolist() == [2, 3, 5, 6, 7]
    assert read.notes == ("orders: where kept 5 of 7 rows",)


def test_a_where_that_drops_every_row_is_a_warning_and_an_empty_required_sheet():
    source = _source(orders=LINES, customers=CUSTOMERS)
    read = transform_source(source, _settings(orders=_orders(where="Qty > 1000")))
    assert read.frames["orders"].empty
    (warning,) = read.problems
    assert warning.rule == WHERE_KEPT_NONE
    assert warning.severity == "warning"
    assert "none of the 7 rows" in warning.expected
    report = validate_read(read, _settings(orders=_orders(where="Qty > 1000")))
    assert any(p.rule == "empty_sheet" and p.sheet == "Orders" for p in report.errors)


def test_a_where_that_is_not_true_or_false_is_a_config_error():
    with pytest.raises(ConfigError, match=r"\[sheets.orders\] where = 'Qty \* 2': gives"):
        transform_source(_source(orders=LINES), _settings(orders={"where": "Qty * 2"}))


def test_numbers_follow_the_decimal_mark_of_the_sheet():
    frame = pd.DataFrame({"Qty": ["2", "3"], "Price": ["1,25", "1.000,5"]})
    mapping = {"decimal": ",", "compute": {"amount": "Qty * Price"}}
    orders = transform_source(_source(orders=frame), _settings(orders=mapping)).frames["orders"]
    assert orders["amount"].tolist() == [2.5, 3001.5]


def test_persian_column_names_and_digits_work_in_expressions():
    frame = pd.DataFrame({"تعداد": ["۲", "۳"], "قیمت": ["۱۰٫۵", "2"], "شرح": ["الف", "جمع کل"]})
    mapping = {"compute": {"amount": 'تعداد * "قیمت"'}, "where": "شرح <> 'جمع کل'"}
    orders = transform_source(_source(orders=frame), _settings(orders=mapping)).frames["orders"]
    assert orders["amount"].tolist() == [21.0]


def test_order_lines_of_an_empty_sheet_are_no_orders():
    empty = pd.DataFrame(columns=["order_id", "customer_id", "order_date", "amount"])
    read = transform_source(_source(orders=empty), _settings(orders={"order_lines": True}))
    assert read.frames["orders"].empty
    assert read.notes == ("orders: 0 lines summed into 0 orders",)


def test_ids_with_leading_zeros_stay_text_in_expressions():
    frame = pd.DataFrame({"Code": ["007", "012"], "Qty": ["1", "2"]})
    where = "Code = '007'"
    orders = transform_source(_source(orders=frame), _settings(orders={"where": where})).frames
    assert orders["orders"]["Code"].tolist() == ["007"]


def test_mapped_dates_are_dates_in_expressions_whatever_their_format():
    frame = pd.DataFrame({"Day": ["31/12/2025", "02/01/2026"], "Qty": ["1", "2"]})
    mapping = {
        "columns": {"order_date": "Day"},
        "date_format": {"order_date": "%d/%m/%Y"},
        "where": "Day >= DATE '2026-01-01'",  # as text, '31/12/2025' would sort after it
    }
    orders = transform_source(_source(orders=frame), _settings(orders=mapping)).frames["orders"]
    assert orders["Day"].tolist() == ["02/01/2026"]


# -- configuration problems --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "problem"),
    [
        ("Qty * Price", "expression", None),
        ("Qty *", "expression", "syntax error"),
        ("1) FROM other --", "expression", "not one expression"),
        ("1; DROP TABLE orders", "expression", 'syntax error at or near ";"'),
        ("   ", "expression", "empty"),
        ("SELECT * FROM orders", "query", None),
        ("COPY orders TO '/tmp/x.csv'", "query", "not a SELECT query"),
        ("SELECT 1; SELECT 2", "query", "2 statements"),
    ],
)
def test_sql_problem(text, kind, problem):
    found = sql_problem(text, kind)
    assert found == problem if problem is None else problem in found


def test_a_syntax_error_is_reported_with_the_other_settings_problems(tmp_path: Path):
    config = tmp_path / "deckgen.toml"
    config.write_text(
        '[sheets.orders]\nwhere = "Qty >"\nsheeet = "x"\n[sheets.orders.compute]\namount = "Qty *"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    message = str(caught.value)
    assert "3 problem(s)" in message
    assert "sheets.orders.where: Value error, syntax error" in message
    assert "sheets.orders.compute: Value error, amount = 'Qty *': syntax error" in message
    assert "sheets.orders.sheeet: unknown key; did you mean 'sheet'?" in message


def test_unknown_columns_and_sheets_are_all_reported_in_one_round():
    settings = _settings(
        orders=_orders(where="Custmer IS NOT NULL"),
        leads={"lookup": {"won": {"sheet": "deals", "key": "lead"}}},
    )
    with pytest.raises(ConfigError) as caught:
        transform_source(_source(orders=LINES, leads=pd.DataFrame({"lead": ["1"]})), settings)
    message = str(caught.value)
    assert message.startswith("2 problem(s) in the transforms:")
    assert (
        "[sheets.orders] where = 'Custmer IS NOT NULL': no column 'Custmer' in 'Orders' (it has "
        "'Invoice', 'Customer', 'Day', 'Qty', 'Price', 'Country', 'amount'); did you mean "
        "'Customer'?" in message
    )
    assert "[sheets.leads.lookup.won] sheet = 'deals': no sheet or file 'deals'" in message


def test_an_expression_cannot_read_a_file():
    where = "(SELECT count(*) FROM read_csv('/etc/passwd')) > 0"
    with pytest.raises(ConfigError, match="reads a file or the network"):
        transform_source(_source(orders=LINES), _settings(orders={"where": where}))


def test_a_query_cannot_read_a_file_nor_python_variables():
    read_file = {"query": "SELECT * FROM read_text('/etc/passwd')"}
    with pytest.raises(ConfigError, match="reads a file or the network"):
        transform_source(_source(orders=LINES), _settings(orders=read_file))
    secret = pd.DataFrame({"x": [1]})  # noqa: F841 - a local DuckDB must not find
    with pytest.raises(ConfigError, match="no sheet or file 'secret'"):
        transform_source(_source(orders=LINES), _settings(orders={"query": "SELECT * FROM secret"}))


def test_an_aggregate_is_not_a_per_row_expression():
    with pytest.raises(ConfigError, match="one value for the whole sheet"):
        transform_source(_source(orders=LINES), _settings(orders={"compute": {"n": "sum(Qty)"}}))


def test_arithmetic_on_a_text_column_names_the_cell_that_makes_it_text():
    frame = pd.DataFrame({"Qty": ["2", "two", "3"], "Price": ["1", "2", "3"]})
    with pytest.raises(ConfigError) as caught:
        transform_source(_source(orders=frame), _settings(orders={"compute": {"a": "Qty * Price"}}))
    assert "read as text: 'Qty' (row 3 holds 'two')" in str(caught.value)
    assert "TRY_CAST(x AS DOUBLE)" in str(caught.value)


@pytest.mark.parametrize(
    ("sheets", "message"),
    [
        (
            {"customers": {"order_lines": True}},
            "[sheets.customers] order_lines: only [sheets.orders]",
        ),
        ({"leads": {"returns": {"when": "x"}}}, "[sheets.leads] returns: only [sheets.orders]"),
        ({"orders": {"from_orders": True}}, "[sheets.orders] from_orders: only [sheets.customers]"),
        ({"channels": {"row_ids": True}}, "[sheets.channels] row_ids: the sheet has no key"),
        ({"orders": {"row_ids": True, "order_lines": True}}, "order lines need real order ids"),
        ({"customers": {"from_orders": True, "where": "x"}}, "drop 'where'"),
        (
            {"customers": {"from_orders": True, "columns": {"signup_date": "Day"}}},
            "signup_date is each customer's first order date",
        ),
        ({"orders": {"compute": {"__row__": "1"}}}, "'__row__' cannot name a new column"),
    ],
)
def test_keys_in_the_wrong_place_are_mapping_errors(sheets, message):
    with pytest.raises(ConfigError, match="problem\\(s\\) in the \\[sheets\\] mapping") as caught:
        check_mapping(_settings(**sheets))
    assert message in str(caught.value)


# -- data problems -----------------------------------------------------------------------


def test_a_division_by_zero_names_the_sheet_row_and_key():
    frame = _reserved(pd.DataFrame({"Qty": ["2", "0", "0"], "Price": ["1", "2", "3"]}), "Sales", 5)
    settings = _settings(orders={"compute": {"unit": "Price // Qty"}})
    with pytest.raises(ValidationError) as caught:
        transform_source(_source(orders=frame), settings)
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.row) == ("Sales", 6)
    assert problem.expected.startswith("[sheets.orders] compute.unit = 'Price // Qty' to give")
    assert "a division by zero (NULLIF(x, 0) as the divisor leaves such rows empty)" in str(
        caught.value
    )


def test_a_data_problem_does_not_hide_a_configuration_problem_after_it():
    frame = pd.DataFrame({"Qty": ["0"], "Price": ["1"]})
    settings = _settings(orders={"compute": {"unit": "Price // Qty"}, "where": "Nope > 1"})
    with pytest.raises(ConfigError, match="no column 'Nope'"):
        transform_source(_source(orders=frame), settings)


# -- order lines -------------------------------------------------------------------------


def _lines_settings(**extra: object) -> Settings:
    where = "Invoice <> 'TOTAL'"
    return _settings(orders=_orders(order_lines=True, where=where, **extra))


def test_order_lines_sum_amounts_take_the_earliest_date_and_the_first_line():
    source = _source(orders=_reserved(LINES, "Sales"))
    read = transform_source(source, _lines_settings())
    orders = read.frames["orders"]
    assert orders["Invoice"].tolist() == ["A1", "A2", "C9", "A3"]
    assert orders["amount"].tolist() == [15.0, 5.0, -10.0, 6.5]
    assert orders["Day"].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-10-01",
        "2026-10-05",
        "2026-10-07",
        "2026-10-08",
    ]
    assert orders["__row__"].tolist() == [2, 4, 5, 6]  # the first line's row
    assert orders["Qty"].tolist() == ["2", "4", "-1", "3"]  # other cells: the first line's
    assert "orders: 6 lines summed into 4 orders" in read.notes


def test_order_lines_validate_into_one_order_per_id_without_duplicates():
    settings = _lines_settings()
    read = transform_source(_source(orders=LINES, customers=CUSTOMERS), settings)
    report = validate_read(read, settings)
    assert report.errors == ()
    assert not [w for w in report.warnings if w.rule == "duplicate_id"]
    orders = report.tables.orders
    assert orders["order_id"].tolist() == ["A1", "A2", "C9", "A3"]
    assert orders["amount"].sum() == pytest.approx(16.5)


def test_lines_of_one_order_naming_two_customers_are_an_error_naming_both_rows():
    lines = LINES.copy()
    lines.loc[5, "Customer"] = "99999"  # row 7: order A3, whose first line (row 6) names 13047
    read = transform_source(_source(orders=_reserved(lines, "Sales")), _lines_settings())
    (problem,) = [p for p in read.problems if p.severity == "error"]
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "Sales",
        7,
        "Customer",
        "99999",
    )
    assert problem.expected.startswith(
        "the customer of the other lines of order A3 (13047 on row 6)"
    )


def test_a_line_without_a_customer_joins_its_order():
    lines = LINES.copy()
    lines.loc[0, "Customer"] = None
    orders = transform_source(_source(orders=lines), _lines_settings()).frames["orders"]
    assert orders["Customer"].tolist()[0] == "17850"  # from the second line of A1
    assert orders["amount"].tolist()[0] == 15.0


def test_a_line_with_an_unreadable_amount_is_an_error_at_its_row():
    lines = LINES.copy()
    lines["Price"] = lines["Price"].astype(object)
    settings = _settings(
        orders={"columns": {**ORDER_COLUMNS, "amount": "Price"}, "order_lines": True}
    )
    lines.loc[1, "Price"] = "ten"
    read = transform_source(_source(orders=_reserved(lines.iloc[:6], "Sales")), settings)
    (problem,) = read.problems
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "Sales",
        3,
        "Price",
        "ten",
    )
    assert problem.expected.startswith("a number like 129.90")
    assert read.frames["orders"]["Price"].tolist()[0] == 2.5  # the other line


# -- returns -----------------------------------------------------------------------------


def test_returns_are_set_apart_and_validated_as_negative_revenue():
    settings = _lines_settings(returns={"when": "Invoice LIKE 'C%'"})
    read = transform_source(_source(orders=LINES, customers=CUSTOMERS), settings)
    assert read.frames["orders"]["Invoice"].tolist() == ["A1", "A2", "A3"]
    assert read.frames["returns"]["Invoice"].tolist() == ["C9"]
    assert read.names["returns"] == "Orders"
    tables = validate_read(read, settings).tables
    assert tables.returns["amount"].tolist() == [-10.0]
    assert tables.returns["customer_id"].tolist() == ["17850"]
    assert not [w for w in tables.warnings if w.rule == "negative_amount"]


def test_a_positive_return_amount_still_takes_revenue_back():
    frame = pd.DataFrame(
        {
            "order_id": ["1", "R1"],
            "customer_id": ["17850", "17850"],
            "order_date": ["2026-10-01", "2026-10-02"],
            "amount": ["20", "5"],
            "type": ["sale", "refund"],
        }
    )
    settings = _settings(orders={"returns": {"when": "type = 'refund'"}})
    tables = validate_frames({"orders": frame, "customers": CUSTOMERS}, settings, "t").tables
    assert tables.returns["amount"].tolist() == [-5.0]
    assert tables.orders["order_id"].tolist() == ["1"]


def test_dropped_returns_drop_the_refunds_they_mark_and_net_the_others():
    # docs/metrics.md#returns: a row below zero that the returns setting marks is a return
    # (dropped under "drop"); one it does not mark is a refund, netted whatever the policy.
    frame = pd.DataFrame(
        {
            "order_id": ["1", "R1", "R2"],
            "customer_id": ["17850", "17850", "17850"],
            "order_date": ["2026-10-01", "2026-10-02", "2026-10-03"],
            "amount": ["20", "-5", "-3"],
            "type": ["sale", "refund", "credit"],
        }
    )
    settings = _settings(orders={"returns": {"when": "type = 'refund'", "policy": "drop"}})
    tables = validate_frames({"orders": frame, "customers": CUSTOMERS}, settings, "t").tables
    assert tables.returns is None
    orders = customer_orders(tables.orders, Period("gregorian", 2026, 10), tables.returns)
    assert orders.total() == 17.0
    assert len(orders.day) == 1


def test_dropped_returns_leave_no_trace_but_a_note():
    settings = _lines_settings(returns={"when": "Qty < 0", "policy": "drop"})
    read = transform_source(_source(orders=LINES), settings)
    assert "returns" not in read.frames
    assert "orders: 1 return dropped" in read.notes


def test_a_return_of_a_customer_without_orders_is_a_warning():
    lines = LINES.copy()
    lines.loc[3, "Customer"] = "55555"
    settings = _lines_settings(returns={"when": "Invoice LIKE 'C%'"})
    customers = pd.concat([CUSTOMERS, pd.DataFrame({"customer_id": ["55555"]})])
    report = validate_read(
        transform_source(_source(orders=lines, customers=customers), settings), settings
    )
    (warning,) = [w for w in report.warnings if w.rule == "unmatched_return"]
    assert (warning.column, warning.value) == ("Customer", "55555")


# -- customers from the orders ------------------------------------------------------------


def test_customers_are_derived_from_the_orders():
    settings = _settings(
        orders=_orders(where="Invoice <> 'TOTAL'", order_lines=True),  # A1 and A3 have two lines
        customers={"from_orders": True, "columns": {"country": "Country"}},
    )
    read = transform_source(_source(orders=_reserved(LINES, "Sales")), settings)
    customers = read.frames["customers"]
    assert customers["customer_id"].tolist() == ["17850", "13047"]
    assert customers["signup_date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-10-01", "2026-10-05"]
    assert customers["Country"].tolist() == ["UK", "DE"]  # the last row's: FR, then DE, DE
    assert customers["__row__"].tolist() == [2, 4]
    assert read.names["customers"] == "Orders"
    rules = [p.rule for p in read.problems]
    assert rules == [DERIVED_ATTRIBUTE, DERIVED_CUSTOMERS]
    conflict = read.problems[0]
    assert conflict.column == "Country"
    assert conflict.expected == (
        "one Country per customer (1 customer with several in the orders: the value of their "
        "last row is used)"
    )
    tables = validate_read(read, settings).tables
    assert tables.customers["country"].tolist() == ["UK", "DE"]
    assert tables.customers["signup_date"].tolist() == [
        pd.Timestamp("2026-10-01"),
        pd.Timestamp("2026-10-05"),
    ]


def test_derived_customers_keep_a_mapped_customer_id_name():
    settings = _settings(
        orders=_orders(where="Invoice <> 'TOTAL'", order_lines=True),
        customers={"from_orders": True, "columns": {"customer_id": "Kunde"}},
    )
    read = transform_source(_source(orders=LINES), settings)
    columns = ["Kunde", "signup_date", "__sheet__", "__row__"]  # located at the first order
    assert list(read.frames["customers"].columns) == columns
    assert validate_read(read, settings).tables.customers["customer_id"].tolist() == [
        "17850",
        "13047",
    ]


def test_a_derived_attribute_the_orders_lack_is_a_config_error():
    settings = _settings(
        orders=_orders(), customers={"from_orders": True, "columns": {"gender": "Sex"}}
    )
    with pytest.raises(ConfigError, match=r"columns.gender = 'Sex': no column 'Sex' in 'Orders'"):
        transform_source(_source(orders=LINES), settings)


def test_a_missing_customers_sheet_suggests_deriving_them():
    report = validate_read(_source(orders=LINES), Settings())
    (missing,) = [p for p in report.errors if p.sheet == "customers"]
    assert "[sheets.customers] from_orders = true" in missing.expected


# -- lookups -----------------------------------------------------------------------------

LEADS = pd.DataFrame(
    {
        "mql_id": ["m1", "m2", "m3", "m4"],
        "first_contact": ["2026-09-01", "2026-09-02", "2026-09-03", "2026-09-04"],
        "origin": ["seo", "email", "seo", "tv"],
    }
)
DEALS = pd.DataFrame(
    {"mql_id": ["m3", "m1", "m9"], "won_date": ["2026-10-02", "2026-09-20", "2026-10-03"]}
)


def test_a_lookup_takes_a_column_from_another_sheet_by_key():
    settings = _settings(leads={"lookup": {"won_date": {"sheet": "deals", "key": "mql_id"}}})
    read = transform_source(_source(leads=_reserved(LEADS, "Leads"), x_deals=DEALS), settings)
    leads = read.frames["leads"]
    assert _cells(leads["won_date"]) == ["2026-09-20", None, "2026-10-02", None]
    assert leads["__row__"].tolist() == [2, 3, 4, 5]
    (warning,) = read.problems
    assert (warning.rule, warning.severity, warning.column) == (
        LOOKUP_UNMATCHED,
        "warning",
        "mql_id",
    )
    assert "(2 of 4 rows have none, so their won_date is left empty)" in warning.expected
    assert "leads: won_date looked up in 'deals': 2 of 4 keys found" in read.notes


def test_lookups_through_one_key_share_one_warning():
    deals = DEALS.assign(seller=["s3", "s1", "s9"])
    lookup = {
        "won_date": {"sheet": "deals", "key": "mql_id"},
        "seller": {"sheet": "deals", "key": "mql_id"},
    }
    read = transform_source(
        _source(leads=LEADS, x_deals=deals), _settings(leads={"lookup": lookup})
    )
    assert _cells(read.frames["leads"]["seller"]) == ["s1", None, "s3", None]
    (warning,) = read.problems
    assert warning.expected == (
        "a mql_id listed in column 'mql_id' of 'deals' (2 of 4 rows have none, so their "
        "won_date, seller are left empty)"
    )
    assert read.notes == ("leads: won_date, seller looked up in 'deals': 2 of 4 keys found",)


def test_a_lookup_with_other_column_names_and_a_computed_status():
    deals = DEALS.rename(columns={"mql_id": "lead", "won_date": "closed"})
    settings = _settings(
        leads={
            "lookup": {
                "won": {"sheet": "Deals", "key": "mql_id", "match": "lead", "value": "closed"}
            },
            "compute": {"status": "CASE WHEN won IS NULL THEN 'open' ELSE 'converted' END"},
        }
    )
    leads = transform_source(_source(leads=LEADS, x_deals=deals), settings).frames["leads"]
    assert leads["status"].tolist() == ["converted", "open", "converted", "open"]


def test_a_lookup_key_listed_twice_with_different_values_is_an_error():
    deals = pd.concat([DEALS, pd.DataFrame({"mql_id": ["m1"], "won_date": ["2026-09-21"]})])
    deals = _reserved(deals.reset_index(drop=True), "deals")
    settings = _settings(leads={"lookup": {"won_date": {"sheet": "deals", "key": "mql_id"}}})
    read = transform_source(_source(leads=LEADS, x_deals=deals), settings)
    (error,) = [p for p in read.problems if p.severity == "error"]
    assert (error.sheet, error.row, error.column, error.value) == ("deals", 5, "mql_id", "m1")
    assert error.expected == (
        "one won_date per mql_id (row 3 has the same mql_id with '2026-09-20', this row "
        "'2026-09-21')"
    )


def test_a_lookup_column_missing_from_the_other_sheet_is_a_config_error():
    settings = _settings(leads={"lookup": {"won": {"sheet": "deals", "key": "mql_id"}}})
    with pytest.raises(ConfigError, match=r"value = 'won': no column 'won' in 'deals'"):
        transform_source(_source(leads=LEADS, x_deals=DEALS), settings)


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_a_deals_sheet_that_is_none_of_ours_is_read_for_a_lookup(tmp_path: Path, form: str):
    from deckgen.data.load import read_source
    from deckgen.data.sample import write_workbook

    source = tmp_path / "funnel"
    source.mkdir()
    if form == "csv":
        LEADS.to_csv(source / "leads.csv", index=False)
        DEALS.to_csv(source / "closed deals.csv", index=False)
    else:
        source = source / "funnel.xlsx"
        frames = {"leads": LEADS, "closed deals": DEALS, "notes": pd.DataFrame({"x": [1]})}
        write_workbook(frames, source, created=pd.Timestamp(2026, 11, 1))
    settings = _settings(leads={"lookup": {"won_date": {"sheet": "Closed Deals", "key": "mql_id"}}})
    read = read_source(source, settings)
    assert list(read.extra) == ["closed deals"]  # the unused notes sheet is not read
    leads = transform_source(read, settings).frames["leads"]
    assert _cells(leads["won_date"]) == ["2026-09-20", None, "2026-10-02", None]


# -- row ids -----------------------------------------------------------------------------


def test_rows_without_ids_are_numbered_from_their_rows():
    surveys = pd.DataFrame({"date": ["2026-10-01"] * 3, "satisfaction": [4, 5, 3]})
    read = transform_source(_source(surveys=surveys), _settings(surveys={"row_ids": True}))
    assert read.frames["surveys"]["response_id"].tolist() == ["2", "3", "4"]
    stacked = pd.concat([_reserved(surveys, "2025", 9), _reserved(surveys.iloc[:1], "2026", 2)])
    read = transform_source(_source(surveys=stacked), _settings(surveys={"row_ids": True}))
    assert read.frames["surveys"]["response_id"].tolist() == [
        "2025:09",
        "2025:10",
        "2025:11",
        "2026:02",
    ]


def test_numbering_rows_over_an_existing_id_column_is_a_config_error():
    surveys = pd.DataFrame({"response_id": ["a"], "date": ["2026-10-01"]})
    with pytest.raises(ConfigError, match="already has that column"):
        transform_source(_source(surveys=surveys), _settings(surveys={"row_ids": True}))


# -- queries -----------------------------------------------------------------------------


def test_a_query_joins_sheets_as_read():
    query = (
        "SELECT l.mql_id AS lead_id, d.won_date, l.__sheet__, l.__row__ "
        'FROM leads l LEFT JOIN "deals" d USING (mql_id) ORDER BY l.mql_id'
    )
    read = transform_source(
        _source(leads=_reserved(LEADS, "Leads", 5), x_deals=DEALS),
        _settings(leads={"query": query}),
    )
    leads = read.frames["leads"]
    assert leads["lead_id"].tolist() == ["m1", "m2", "m3", "m4"]
    assert leads["won_date"].tolist()[0] == "2026-09-20"
    assert leads["__row__"].tolist() == [5, 6, 7, 8]  # the rows it selected
    assert set(leads["__sheet__"]) == {"Leads"}
    assert read.names["leads"] == "leads (query)"
    assert query_tables(query) == ("leads", "deals")


def test_a_query_naming_an_unknown_sheet_is_a_config_error():
    settings = _settings(orders={"query": "WITH x AS (SELECT 1) SELECT * FROM x, nowhere"})
    with pytest.raises(ConfigError, match="no sheet or file 'nowhere'"):
        transform_source(_source(orders=LINES), settings)


def test_transforms_apply_to_frames_from_a_database_too():
    settings = _lines_settings()
    report = validate_frames({"orders": LINES, "customers": CUSTOMERS}, settings, "db")
    assert report.tables.orders["amount"].tolist() == [15.0, 5.0, -10.0, 6.5]
    assert "orders: 6 lines summed into 4 orders" in report.notes


def test_load_tables_applies_the_transforms(tmp_path: Path):
    folder = tmp_path / "data"
    folder.mkdir()
    LINES.to_csv(folder / "orders.csv", index=False)
    CUSTOMERS.to_csv(folder / "customers.csv", index=False)
    tables = load_tables(folder, _lines_settings(returns={"when": "Qty < 0"}))
    assert tables.orders["amount"].tolist() == [15.0, 5.0, 6.5]
    assert tables.returns["amount"].tolist() == [-10.0]


# -- the command line --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            '[sheets.orders]\nwhere = "Nope > 1"\n[sheets.orders.compute]\namount = "Qty * Prce"\n',
            "error: 2 problem(s) in the transforms:",
        ),
        ('[sheets.orders]\nwhere = "Qty >"\n', "sheets.orders.where: Value error, syntax error"),
        (
            '[sheets.orders.compute]\namount = "Price // (Qty - 2)"\n',
            "error: 1 problem(s) in the data:\n  - sheet 'orders', row 2; expected [sheets.orders]",
        ),
    ],
)
def test_transform_errors_are_one_message_and_exit_2(
    config: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    from tests.test_cli import run_cli

    folder = tmp_path / "data"
    folder.mkdir()
    LINES.to_csv(folder / "orders.csv", index=False)
    CUSTOMERS.to_csv(folder / "customers.csv", index=False)
    (folder / "deckgen.toml").write_text(config)
    output = tmp_path / "deck.pptx"
    for command in (["render", str(folder), "-o", str(output)], ["validate", str(folder)]):
        code, out, err = run_cli(command, capsys)
        assert code == 2
        assert expected in err
        assert "Traceback" not in out + err
    assert not output.exists()


def test_validate_lists_conflicting_order_lines_with_the_other_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    from tests.test_cli import run_cli

    folder = tmp_path / "data"
    folder.mkdir()
    lines = LINES.copy()
    lines.loc[5, "Customer"] = "99999"
    lines.loc[2, "Day"] = "someday"
    lines.to_csv(folder / "orders.csv", index=False)
    CUSTOMERS.to_csv(folder / "customers.csv", index=False)
    (folder / "deckgen.toml").write_text(
        "[sheets.orders]\norder_lines = true\nwhere = \"Invoice <> 'TOTAL'\"\n"
        'columns = { order_id = "Invoice", customer_id = "Customer", order_date = "Day" }\n'
        '[sheets.orders.compute]\namount = "Qty * Price"\n'
    )
    code, out, _ = run_cli(["validate", str(folder)], capsys)
    assert code == 2
    assert "Transforms (deckgen.toml):\n  orders: where kept 6 of 7 rows\n" in out
    assert "orders: 5 lines summed into 3 orders" in out
    assert (
        "sheet 'orders', row 4, column 'Day': got 'someday'; expected a date like 2026-10-05" in out
    )
    assert "sheet 'orders', row 7, column 'Customer': got '99999'; expected the customer" in out
    assert "Result: 2 error(s); fix them and run again." in out


def test_a_sheet_without_its_key_column_is_told_about_row_ids():
    surveys = pd.DataFrame({"date": ["2026-10-01"], "satisfaction": [4], "recommend": [9]})
    report = validate_read(_source(orders=LINES, customers=CUSTOMERS, surveys=surveys), Settings())
    (missing,) = [p for p in report.errors if p.column == "response_id"]
    assert missing.expected.endswith("[sheets.surveys] row_ids = true")
    settings = _settings(surveys={"row_ids": True})
    read = transform_source(_source(surveys=surveys, customers=CUSTOMERS), settings)
    tables = validate_read(read, settings)
    assert not [p for p in tables.errors if p.sheet == "Surveys"]
