"""`deckgen init` on platform exports (tests/propose/platforms.py): mapped right, validated and
rendered with no edit, the deck's headline figures those of a hand computation; and the
exports' hostile variants (walk-ins without an e-mail, e-mails differing by case, tokens, one
row, a byte-order mark with CRLF)."""

from __future__ import annotations

import hashlib
import tomllib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from deckgen.propose import init_config
from tests.propose.platforms import (
    PLATFORMS,
    Platform,
    build,
    email,
    sales,
    sample,
    score,
    write_csv,
)
from tests.test_cli import run_cli

TODAY = date(2026, 12, 5)  # the sample ends in October 2026: the deck reports September
BY_NAME = {platform.name: platform for platform in PLATFORMS}


def test_the_platform_corpus_covers_the_common_exports() -> None:
    assert {"shopify_orders", "woocommerce", "stripe", "hubspot_shopify"} <= set(BY_NAME)
    assert any(p.given.endswith(".csv") for p in PLATFORMS)  # a single file, as exported
    assert any(p.given == "." for p in PLATFORMS)  # a folder of several exports


@pytest.mark.parametrize("platform", PLATFORMS, ids=lambda p: p.name)
def test_every_field_of_a_platform_export_is_right_and_the_proposal_validates(
    platform: Platform, tmp_path: Path
) -> None:
    data = build(platform, tmp_path)
    output = tmp_path / "deckgen.toml"
    result = init_config(str(data), output, today=TODAY)
    got = score(platform, output.read_text(encoding="utf-8"))
    assert got.right == got.total, got.wrong
    assert result.valid, result.summary()


def _headlines(out: str) -> dict[str, str]:
    """The headline figures `deckgen render` prints (`  revenue: 7,153 EUR`)."""
    spaced = out.replace("\u00a0", " ").replace("\u202f", " ")  # the figures' own spaces
    pairs = [line.strip().split(": ", 1) for line in spaced.splitlines() if line.startswith("  ")]
    return {name: value for name, value in (p for p in pairs if len(p) == 2)}


def _hand_figures(orders: pd.DataFrame, customer: str, month: str, currency: str) -> dict:
    """Revenue, active customers and 12-month repeat rate of `month` from the sales alone
    (docs/metrics.md: a repeat is a second purchase day within the 12 months)."""
    period = pd.Period(month, "M")
    in_month = orders[orders["order_date"].dt.to_period("M") == period]
    window = orders[
        (orders["order_date"].dt.to_period("M") > period - 12)
        & (orders["order_date"].dt.to_period("M") <= period)
    ]
    days = window.groupby(customer)["order_date"].nunique()
    return {
        "revenue": f"{in_month['amount'].sum():,.0f} {currency}",
        "active_customers": f"{in_month[customer].nunique():,}",
        "repeat_rate_12m": f"{(days >= 2).mean():.1%}",
    }


@pytest.mark.parametrize(
    ("name", "customer", "currency"),
    [("shopify_orders", "email", "EUR"), ("stripe", "customer_id", "EUR")],
)
def test_a_platform_export_renders_with_no_edit_and_its_figures_are_the_hand_computed_ones(
    name: str, customer: str, currency: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    platform = BY_NAME[name]
    data = build(platform, tmp_path)
    code, out, err = run_cli(["init", str(data)], capsys)
    assert code == 0, err
    code, out, err = run_cli(["validate", str(data)], capsys)
    assert code == 0, out + err
    deck = tmp_path / "deck.pptx"
    code, out, err = run_cli(["render", str(data), "-o", str(deck), "--period", "2026-09"], capsys)
    assert code == 0, err
    figures = _hand_figures(sales(platform), customer, "2026-09", currency)
    assert {k: _headlines(out)[k] for k in figures} == figures


def _shopify_export() -> pd.DataFrame:
    platform = BY_NAME["shopify_orders"]
    return platform.write(sample(platform))["orders_export.csv"]


def _init(tmp_path: Path, frame: pd.DataFrame, capsys: pytest.CaptureFixture[str]) -> tuple:
    """`deckgen init` on `frame` written as orders_export.csv; (exit code, output, settings)."""
    data = tmp_path / "orders_export.csv"
    write_csv(data, frame)
    code, out, err = run_cli(["init", str(data)], capsys)
    assert code == 0, err
    settings = tomllib.loads((tmp_path / "deckgen.toml").read_text(encoding="utf-8"))
    return data, out, settings


def test_walk_in_orders_without_an_email_are_left_out_with_one_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = _shopify_export()
    walk_in = frame["Source"] == "pos"
    frame.loc[walk_in, "Email"] = None
    data, out, settings = _init(tmp_path, frame, capsys)
    assert settings["sheets"]["orders"]["where"].startswith('"Email" IS NOT NULL AND ')
    warning = f"where: {int(walk_in.sum()):,} of {len(frame):,} orders name no customer"
    assert sum(warning in line for line in out.splitlines()) == 1
    deck = str(tmp_path / "deck.pptx")
    code, out, err = run_cli(["render", str(data), "-o", deck, "--period", "2026-09"], capsys)
    assert code == 0, err
    kept = frame[~walk_in & (frame["Financial Status"] == "paid")]
    in_month = kept[kept["Created at"].str.startswith("2026-09")]
    assert _headlines(out)["revenue"] == f"{in_month['Total'].sum():,.0f} EUR"


def test_emails_differing_only_by_case_or_spaces_are_one_customer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean = _shopify_export()
    frame = clean.copy()
    frame.loc[frame.index % 4 == 1, "Email"] = frame["Email"].str.upper()
    frame.loc[frame.index % 4 == 2, "Email"] = " " + frame["Email"] + " "
    data, out, settings = _init(tmp_path, frame, capsys)
    assert settings["sheets"]["orders"]["compute"] == {"Email": 'lower(trim("Email"))'}
    deck = str(tmp_path / "deck.pptx")
    code, out, err = run_cli(["render", str(data), "-o", deck, "--period", "2026-09"], capsys)
    assert code == 0, err
    figures = _hand_figures(sales(BY_NAME["shopify_orders"]), "email", "2026-09", "EUR")
    assert _headlines(out)["repeat_rate_12m"] == figures["repeat_rate_12m"]


def test_emails_differing_between_sheets_are_folded_in_every_sheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The orders write each address one way, the surveys in capitals and the tickets with a
    # space: a fold on the orders alone would leave every answer and ticket unjoined.
    data = build(BY_NAME["shopify_orders"], tmp_path)
    addresses = _shopify_export()["Email"].drop_duplicates().head(12).tolist()
    surveys = pd.DataFrame(
        {
            "Response ID": [f"R{i}" for i in range(12)],
            "Date": "2026-09-10",
            "Satisfaction": 4,
            "Recommend": 9,
            "Email": [a.upper() for a in addresses],
        }
    )
    write_csv(data.parent / "surveys.csv", surveys)
    tickets = pd.DataFrame(
        {
            "Ticket ID": [f"T{i}" for i in range(12)],
            "Date": "2026-09-12",
            "Kind": "complaint",
            "Topic": "delivery",
            "Severity": "high",
            "Status": "resolved",
            "Requester email": [" " + a.title() for a in addresses],
        }
    )
    write_csv(data.parent / "feedback.csv", tickets)
    code, out, err = run_cli(["init", str(data.parent)], capsys)
    assert code == 0, err
    sheets = tomllib.loads((data.parent / "deckgen.toml").read_text(encoding="utf-8"))["sheets"]
    assert sheets["orders"]["compute"] == {"Email": 'lower(trim("Email"))'}
    assert sheets["surveys"]["compute"] == {"Email": 'lower(trim("Email"))'}
    assert sheets["feedback"]["compute"] == {"Requester email": 'lower(trim("Requester email"))'}
    assert "expected a customer_id listed" not in out
    code, out, err = run_cli(["validate", str(data.parent)], capsys)
    assert code == 0, out + err
    assert "expected a customer_id listed" not in out


def test_a_customers_export_keyed_by_email_joins_the_orders_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Shopify's customers_export.csv has no id: its Email (here in capitals) is the key, and
    # the orders' lower-case Email joins it once both are folded.
    platform = BY_NAME["shopify_orders"]
    data = build(platform, tmp_path)
    people = sample(platform)["customers"]
    export = pd.DataFrame(
        {
            "First Name": "Jo",
            "Last Name": [f"Doe {i}" for i in range(len(people))],  # unique, like a key
            "Email": people["customer_id"].map(email).str.upper(),
            "Accepts Email Marketing": "yes",
            "Total Spent": 100.0,
        }
    )
    write_csv(data.parent / "customers_export.csv", export)
    code, out, err = run_cli(["init", str(data.parent)], capsys)
    assert code == 0, err
    sheets = tomllib.loads((data.parent / "deckgen.toml").read_text(encoding="utf-8"))["sheets"]
    assert sheets["customers"]["sheet"] == "customers_export"
    assert sheets["customers"]["columns"]["customer_id"] == "Email"
    assert sheets["orders"]["columns"]["customer_id"] == "Email"
    assert sheets["customers"]["compute"] == {"Email": 'lower(trim("Email"))'}
    assert "Validated: valid" in out
    deck = str(tmp_path / "deck.pptx")
    code, out, err = run_cli(
        ["render", str(data.parent), "-o", deck, "--period", "2026-09"], capsys
    )
    assert code == 0, err
    figures = _hand_figures(sales(platform), "email", "2026-09", "EUR")
    assert {k: _headlines(out)[k] for k in figures} == figures


def test_emails_written_one_way_are_read_as_they_are(tmp_path: Path) -> None:
    data = build(BY_NAME["shopify_orders"], tmp_path)
    init_config(str(data), tmp_path / "deckgen.toml", today=TODAY)
    settings = tomllib.loads((tmp_path / "deckgen.toml").read_text(encoding="utf-8"))
    assert "compute" not in settings["sheets"]["orders"]


def test_a_unique_column_of_random_tokens_is_no_customer_and_an_uncertain_order_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = _shopify_export().rename(columns={"Name": "Checkout Token"})
    frame["Checkout Token"] = [hashlib.sha1(str(i).encode()).hexdigest()[:20] for i in frame.index]
    _, out, settings = _init(tmp_path, frame, capsys)
    columns = settings["sheets"]["orders"]["columns"]
    assert columns["customer_id"] == "Email"
    assert columns["order_id"] == "Checkout Token"
    assert "order_id = 'Checkout Token' is uncertain" in out
    assert "not order numbers" in out


def test_order_numbers_win_over_a_unique_column_of_tokens(tmp_path: Path) -> None:
    frame = _shopify_export()
    frame.insert(1, "Payment Reference", [f"c{i * 7919:012d}.{i % 3}x" for i in frame.index])
    write_csv(tmp_path / "orders_export.csv", frame)
    init_config(str(tmp_path / "orders_export.csv"), tmp_path / "deckgen.toml", today=TODAY)
    settings = tomllib.loads((tmp_path / "deckgen.toml").read_text(encoding="utf-8"))
    assert settings["sheets"]["orders"]["columns"]["order_id"] == "Name"


def test_a_single_row_export_is_proposed_and_its_deck_asks_for_a_period(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, out, settings = _init(tmp_path, _shopify_export().head(1), capsys)
    assert settings["sheets"]["orders"]["columns"]["customer_id"] == "Email"
    assert "Validated: valid" in out
    code, out, err = run_cli(["render", str(data), "-o", str(tmp_path / "deck.pptx")], capsys)
    assert code == 2
    assert "holds no complete month; give --period 2025-09" in err
    assert "Traceback" not in err
    deck = tmp_path / "deck.pptx"
    code, out, err = run_cli(["render", str(data), "-o", str(deck), "--period", "2025-09"], capsys)
    assert code == 0, err
    assert deck.is_file()


def test_a_byte_order_mark_and_crlf_lines_change_nothing(tmp_path: Path) -> None:
    frame = _shopify_export()
    plain, marked = tmp_path / "plain", tmp_path / "marked"
    plain.mkdir()
    marked.mkdir()
    write_csv(plain / "orders_export.csv", frame)
    text = frame.to_csv(index=False, lineterminator="\r\n")
    (marked / "orders_export.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    proposals = []
    for folder in (plain, marked):
        result = init_config(
            str(folder / "orders_export.csv"), folder / "deckgen.toml", today=TODAY
        )
        assert result.valid, result.summary()
        settings = tomllib.loads((folder / "deckgen.toml").read_text(encoding="utf-8"))
        proposals.append(settings["sheets"])
    assert proposals[0] == proposals[1]
    assert proposals[1]["orders"]["columns"]["order_id"] == "Name"
