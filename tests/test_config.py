"""deckgen.toml: every problem in one round; the keys the loader adds."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckgen.config import Settings, SheetMapping, load_settings
from deckgen.errors import ConfigError


def _load(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / "deckgen.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path)


def test_unknown_key_sheet_and_column_are_reported_together(tmp_path):
    text = (
        'curency = "EUR"\n'
        "[sheets.order]\n"
        'sheet = "Sales"\n'
        "[sheets.orders]\n"
        'columns = { amout = "Net" }\n'
        "[sheets.leads.values.channel]\n"
        'Google = "paid_search"\n'
    )
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    lines = str(caught.value).splitlines()
    assert lines[0] == f"4 problem(s) in {tmp_path / 'deckgen.toml'}:"
    assert lines[1:] == [
        "  - curency: unknown key; did you mean 'currency'?",
        "  - [sheets.order] is not a deckgen sheet (sheets: customers, orders, leads, channels, "
        "feedback, surveys, loyalty)",
        "  - [sheets.orders.columns] names 'amout', which is not a column of 'orders' (columns: "
        "order_id, customer_id, order_date, amount, product_category)",
        '  - [sheets.leads.values.channel] Google = "paid_search": not one of trade_show, email, '
        "seo, social, blog, tv, radio, print, other",
    ]


def test_a_declared_channel_can_be_mapped_to(tmp_path):
    settings = _load(
        tmp_path,
        "[vocabulary.channels]\n"
        'paid_search = { en = "Paid search", fa = "جستجوی پولی", ar = "البحث المدفوع" }\n'
        "[sheets.leads.values.channel]\n"
        'Google = "paid_search"\n',
    )
    assert settings.vocabulary.label("channels", "paid_search", "ar") == "البحث المدفوع"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('timezone = "Mars/Olympus"', "'Mars/Olympus' is not a time zone name"),
        ("[sheets.orders]\nheader_row = 0", "sheets.orders.header_row: Input should be greater"),
        ("[sheets.orders]\nsheet = []", "sheets.orders.sheet: Value error, list at least one"),
        (
            '[vocabulary.channels]\n"Paid Search" = { en = "Paid" }',
            "'Paid Search' is not a code",
        ),
        ('[vocabulary.channels]\ntotal = { en = "All" }', "'total' is reserved"),
        ('[vocabulary.channels]\nweb = { de = "Netz" }', "vocabulary.channels.web.de"),
    ],
)
def test_invalid_new_keys(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        _load(tmp_path, text)


def test_sheet_sources():
    assert SheetMapping().sources == ()
    assert SheetMapping(sheet="Sales").sources == ("Sales",)
    assert SheetMapping(sheet=["Sales 2025", "Sales 2026"]).sources == ("Sales 2025", "Sales 2026")


def test_a_code_label_falls_back_to_english_then_to_none():
    settings = Settings(vocabulary={"feedback_kinds": {"praise": {"en": "Praise"}}})
    assert settings.vocabulary.label("feedback_kinds", "praise", "fa") == "Praise"
    assert settings.vocabulary.label("feedback_kinds", "other", "fa") is None
    topics = Settings(vocabulary={"topics": {"late delivery": {"fa": "تأخیر در ارسال"}}})
    assert topics.vocabulary.label("feedback_topics", "late delivery", "fa") == "تأخیر در ارسال"
    assert topics.vocabulary.label("stages", "reach", "en") is None
