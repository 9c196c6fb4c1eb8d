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


def test_keys_holding_terminal_controls_are_shown_escaped(tmp_path):
    # An escape sequence or a right-to-left override in a key would recolour or reorder the
    # terminal's line, and a key shown without it looks like the key it suggests.
    text = (
        '"la\\u001b[31mng" = "fa"\n'
        '"cur\\u202eency" = "EUR"\n'
        '[sheets."ord\\u0007ers"]\n'
        'sheet = "Sales"\n'
        "[sheets.orders.columns]\n"
        '"amount\\u0000" = "Net"\n'
        "[sheets.leads.values.status]\n"
        '"در\\u200cجریان\\u001b" = "op\\u0008en"\n'
    )
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    lines = str(caught.value).splitlines()
    assert lines[1:] == [
        "  - la\\x1b[31mng: unknown key; did you mean 'lang'?",
        "  - cur\\u202eency: unknown key; did you mean 'currency'?",
        "  - [sheets.ord\\x07ers] is not a deckgen sheet (sheets: customers, orders, leads, "
        "channels, feedback, surveys, loyalty)",
        "  - [sheets.orders.columns] names 'amount\\x00', which is not a column of 'orders' "
        "(columns: order_id, customer_id, order_date, amount, product_category)",
        # The zero-width non-joiner is part of the Persian word: shown as it is.
        '  - [sheets.leads.values.status] در\u200cجریان\\x1b = "op\\x08en": not one of open, '
        "converted, lost",
    ]
    assert not any(char in str(caught.value) for char in "\x1b\u202e\x07\x00\x08")


def test_a_key_of_another_table_is_not_offered_as_its_own_correction(tmp_path):
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, '[sheets.orders]\nsheet = "Sales"\n[columns]\namount = "Net"\n')
    assert str(caught.value).splitlines()[1:] == [
        "  - columns: not a key at this level (it belongs in another table)"
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


def test_a_config_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Notepad's "UTF-8" starts the file with a byte-order mark: it was `not valid TOML:
    Invalid statement (at line 1, column 1)`, on a line that looks right."""
    path = tmp_path / "deckgen.toml"
    path.write_bytes('\ufeffclient = "Müller"\ncurrency = "EUR"\n'.encode())
    settings = load_settings(path)
    assert (settings.client, settings.currency) == ("Müller", "EUR")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ('# Kunde\nclient = "Müller"\n'.encode("latin-1"), "line 2: b'\\xfc'"),
        ('client = "Acme"\n'.encode("utf-16"), "line 1: b'\\xff'"),
    ],
    ids=["latin-1", "utf-16"],
)
def test_a_config_not_in_utf8_names_its_line(tmp_path: Path, raw: bytes, shown: str) -> None:
    path = tmp_path / "deckgen.toml"
    path.write_bytes(raw)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value) == f"{path}, {shown} is not UTF-8 text; save the file as UTF-8"
