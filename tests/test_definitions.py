from __future__ import annotations

import re
from pathlib import Path

import pytest

from deckgen.definitions import Definition, definitions_file, load_definitions, parse_definitions
from deckgen.errors import TemplateError

FIXTURE = """\
# Metric definitions

## Loyalty lifecycle

### Repeat rate {#repeat-rate}

> Share of the month's **active customers** who had ordered
> before the month, see [churn](#churn).
>
> Counted once per customer (`customer_id`).

### Churn {#churn}

Some prose the parser skips.

> A customer is *churned* after `churn_days` without an order (#churn-days).

Text after the quote is not part of it.
> Nor is a later quote.

## Not a definition {#section}

### A heading without anchor

> ignored
"""


def test_parse_fixture():
    found = parse_definitions(FIXTURE, "fixture.md")
    assert list(found) == ["repeat-rate", "churn"]
    assert found["repeat-rate"] == Definition(
        "repeat-rate",
        "Repeat rate",
        "Share of the month's active customers who had ordered before the month, see churn.\n"
        "Counted once per customer (customer_id).",
    )
    assert found["churn"].text == "A customer is churned after churn_days without an order."


def test_rtl_definitions_isolate_code_and_localise_digits():
    text = "### نرخ ریزش {#churn}\n\n> پس از `churn_days` روز (پیش‌فرض 90) و `R:F` برابر 5:1 (#x).\n"
    fa = parse_definitions(text, "fa.md", "fa", "native")["churn"]
    assert fa.text == "پس از \u2066churn_days\u2069 روز (پیش‌فرض ۹۰) و \u2066R:F\u2069 برابر ۵:۱."
    latin = parse_definitions(text, "fa.md", "fa", "latn")["churn"]
    assert "(پیش‌فرض 90)" in latin.text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("### Title {#a}\n\nno quote\n### Next {#b}\n> b\n", r"x\.md, line 1: .*\{#a\}.*no quoted"),
        (
            "### A {#a}\n> one\n\n### B {#a}\n> two\n",
            r"x\.md, line 4: anchor \{#a\} is defined twice",
        ),
    ],
)
def test_malformed_definitions(text, message):
    with pytest.raises(TemplateError, match=message):
        parse_definitions(text, "x.md")


def test_every_anchor_heading_of_docs_metrics_parses():
    path = definitions_file("en")
    assert path.name == "metrics.md"
    text = path.read_text(encoding="utf-8")
    headings = re.findall(r"^###\s.*\{#([A-Za-z0-9_-]+)\}\s*$", text, flags=re.MULTILINE)
    found = load_definitions("en")
    assert list(found) == headings
    assert all(d.title and d.text for d in found.values())


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_translations_cover_the_english_definitions(lang):
    english = load_definitions("en")
    translated = load_definitions(lang)
    assert set(translated) == set(english)
    assert all(d.title and d.text for d in translated.values())
    script = re.compile(r"[\u0600-\u06ff]")
    assert all(script.search(d.text) for d in translated.values())


def test_consultant_definitions_come_first(tmp_path: Path):
    custom = tmp_path / "fa" / "definitions.md"
    custom.parent.mkdir(parents=True)
    custom.write_text("### نرخ خرید تکراری {#repeat-rate}\n\n> تعریف ویرایش‌شده.\n", "utf-8")
    assert definitions_file("fa", tmp_path) == custom
    assert load_definitions("fa", tmp_path)["repeat-rate"].text == "تعریف ویرایش‌شده."
    assert definitions_file("ar", tmp_path) == definitions_file("ar")  # no copy: the default
