"""The client-wide guesses of `deckgen init`: the client's name, and the currency named by a
column of currency codes or by ISO country codes."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from deckgen.propose import init_config

TODAY = date(2026, 12, 5)


def _proposed(path: Path) -> tuple[dict, str]:
    """The deckgen.toml init writes for `path`, read and as text."""
    output = path.parent / "deckgen.toml"
    init_config(str(path), output, today=TODAY)
    text = output.read_text(encoding="utf-8")
    return tomllib.loads(text), text


@pytest.mark.parametrize(
    ("extra", "currency", "level"),
    [
        ({"Currency": ["EUR"]}, "EUR", "high"),
        ({"Currency": ["eur"]}, "EUR", "high"),  # Stripe writes its codes in lower case
        ({"Währung": ["CHF"]}, "CHF", "high"),
        ({"Paid in": ["GBP"]}, "GBP", "high"),  # a column of codes, whatever its name
        ({"Currency": ["EUR", "EUR", "USD"]}, "EUR", "low"),  # mixed: the most frequent, unsure
        ({"Country": ["FR", "DE", "IT"]}, "EUR", "medium"),  # ISO country codes, as names are
        ({"Billing Country": ["SE"]}, "SEK", "medium"),
    ],
)
def test_a_column_of_codes_names_the_currency(
    tmp_path: Path, orders_csv, extra: dict[str, list[str]], currency: str, level: str
) -> None:
    settings, text = _proposed(orders_csv(tmp_path / "data", extra))
    assert settings["currency"] == currency
    assert f'currency = "{currency}"  # {level}:' in text


def test_a_column_of_words_names_no_currency(tmp_path: Path, orders_csv) -> None:
    settings, text = _proposed(orders_csv(tmp_path / "data", {"Source": ["web", "pos", "app"]}))
    assert settings["currency"] == "USD"
    assert "nothing in the data names a currency" in text


def test_the_client_of_the_current_folder_is_the_folder_s_name(
    tmp_path: Path, orders_csv, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = orders_csv(tmp_path / "Acme Shop", {})
    monkeypatch.chdir(data.parent)  # `deckgen init .`
    init_config(".", Path("deckgen.toml"), today=TODAY)
    settings = tomllib.loads((data.parent / "deckgen.toml").read_text(encoding="utf-8"))
    assert settings["client"] == "Acme Shop"


@pytest.mark.parametrize(
    "extra",
    [  # Stripe's payout currency beside the charge's, in either order
        {"Converted Currency": ["usd"], "Currency": ["eur"]},
        {"Currency": ["eur"], "Converted Currency": ["usd"]},
    ],
)
def test_two_currency_columns_that_disagree_leave_the_currency_to_decide(
    tmp_path: Path, orders_csv, extra: dict[str, list[str]]
) -> None:
    settings, text = _proposed(orders_csv(tmp_path / "data", extra))
    assert settings["currency"] == "EUR"  # the column named Currency
    assert (
        "currency = \"EUR\"  # medium: 'Currency' says EUR on 100% of its rows, but 'Converted"
        " Currency' says USD: which currency are the amounts in?" in text
    )


def test_two_currency_columns_that_agree_name_it_surely(tmp_path: Path, orders_csv) -> None:
    extra = {"Converted Currency": ["eur"], "Currency": ["eur"]}
    _, text = _proposed(orders_csv(tmp_path / "data", extra))
    assert "currency = \"EUR\"  # high: 'Currency' says EUR on 100% of its rows" in text
