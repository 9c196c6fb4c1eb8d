from __future__ import annotations

from pathlib import Path

import pytest

from deckgen.config import Vocabulary
from deckgen.errors import ConfigError, TemplateError
from deckgen.period import Period
from deckgen.wording import (
    LANGS,
    Wording,
    default_templates_dir,
    export_templates,
    normalise_whitespace,
)

NBSP = "\u00a0"


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_filters_per_language(tmp_path):
    text = (
        "{{ n | count }}|{{ r | pct }}|{{ a | money }}|{{ s | dec }}|{{ nps | score }}|"
        "{{ d | change('percent') }}|{{ p | month }}|{{ p | month(short=True) }}|"
        "{{ ['email', 'SEO'] | and_list }}|{{ 'CAC' | isolate }}|{{ unit }}|{{ lang }}"
    )
    for lang in LANGS:
        write(tmp_path, f"{lang}/all.j2", text)
    values = {"n": 1_250_000, "r": 0.125, "a": 1_234_567, "s": 4.25, "nps": -5, "d": 0.021}
    en = Wording("en", tmp_path).render("all.j2", p=Period("gregorian", 2026, 10), **values)
    assert en.split("|") == [
        "1,250,000",
        "12.5%",
        f"1.2M{NBSP}USD",
        "4.3",  # half away from zero, as number formats round
        "-5",
        f"+2.1{NBSP}pts",
        "October 2026",
        "Oct 2026",
        "email and SEO",
        "\u2066CAC\u2069",
        "USD",
        "en",
    ]
    fa = Wording("fa", tmp_path, digits="native", currency="toman")
    assert fa.render("all.j2", p=Period("jalali", 1405, 7), **values).split("|") == [
        "۱٬۲۵۰٬۰۰۰",
        "\u2066۱۲٫۵\u2069٪",
        f"۱۲۳٬۴۵۷{NBSP}تومان",
        "۴٫۳",
        "\u200e\u2212۵",
        f"\u200e+۲٫۱{NBSP}واحد{NBSP}درصد",
        "مهر ۱۴۰۵",
        "مهر ۱۴۰۵",
        "email و SEO",
        "\u2066CAC\u2069",
        "تومان",
        "fa",
    ]
    ar = Wording("ar", tmp_path, digits="native", currency="SAR")
    assert ar.render("all.j2", p=Period("gregorian", 2026, 10), **values).split("|")[:3] == [
        "١٬٢٥٠٬٠٠٠",
        "\u2066١٢٫٥\u2069٪\u061c",
        f"١٫٢{NBSP}مليون{NBSP}ر.س",
    ]


def test_consultant_folder_first_then_defaults(tmp_path):
    write(tmp_path, "en/kpi.j2", "Repeat rate {{ rate | pct }}")
    write(tmp_path, "en/imports.j2", '{% import "slides/_phrases.j2" as ph %}{{ ph.mid(x) }}')
    wording = Wording("en", tmp_path)
    assert wording.render("kpi.j2", rate=0.125) == "Repeat rate 12.5%"
    assert wording.render("imports.j2", x="Trade shows") == "trade shows"  # the default macro
    write(tmp_path, "en/slides/_phrases.j2", "{% macro mid(x) %}<{{ x }}>{% endmacro %}")
    assert Wording("en", tmp_path).render("imports.j2", x="Trade shows") == "<Trade shows>"


def test_the_shared_kpi_delta_in_every_language() -> None:
    sep = Period("gregorian", 2026, 9)
    shahrivar = Period("jalali", 1405, 6)
    context = {"delta": f"+2.1{NBSP}pts", "unit": "none"}
    en = Wording("en").render_block("slides/_shared.j2", "kpi_delta", previous=sep, **context)
    assert en == f"+2.1{NBSP}pts vs Sep 2026"
    fa = Wording("fa", digits="native").render_block(
        "slides/_shared.j2", "kpi_delta", previous=shahrivar, delta="۱٫۵", unit="days"
    )
    assert fa == "۱٫۵ روز نسبت به شهریور ۱۴۰۵"
    ar = Wording("ar").render_block("slides/_shared.j2", "kpi_delta", previous=sep, **context)
    assert ar == f"+2.1{NBSP}pts عن سبتمبر 2026"


def test_no_english_fallback(tmp_path):
    write(tmp_path, "en/only_english.j2", "Hello")
    assert Wording("en", tmp_path).render("only_english.j2") == "Hello"
    with pytest.raises(TemplateError, match=r"fa/only_english\.j2 not found"):
        Wording("fa", tmp_path).render("only_english.j2")


def test_whitespace_convention(tmp_path):
    write(
        tmp_path,
        "en/notes.j2",
        "First   sentence\n  continues here.\n\n\n{% if show %}\nSecond\tparagraph{{ gap }}.\n{% endif %}\n",
    )
    text = Wording("en", tmp_path).render("notes.j2", show=True, gap=f"{NBSP}x")
    assert text == f"First sentence continues here.\nSecond paragraph{NBSP}x."
    assert Wording("en", tmp_path).paragraphs("notes.j2", show=False, gap="") == [
        "First sentence continues here."
    ]
    assert normalise_whitespace("می\u200cخواهد  \n ‏NPS") == ["می\u200cخواهد \u200fNPS"]


def test_constant_figures_follow_each_wordings_digits(tmp_path):
    (tmp_path / "fa").mkdir()
    (tmp_path / "fa" / "fixed.j2").write_text("{{ 12 | count }} {{ 5 | money }}", encoding="utf-8")
    native = Wording("fa", tmp_path, digits="native", currency="toman").render("fixed.j2")
    latin = Wording("fa", tmp_path, digits="latn", currency="IRR").render("fixed.j2")
    assert native.startswith("۱۲ ")
    assert latin.startswith("12 ")
    assert native.split(" ", 1)[1] != latin.split(" ", 1)[1]


def test_a_byte_order_mark_is_not_text(tmp_path):
    (tmp_path / "fa").mkdir()
    (tmp_path / "fa" / "bom.j2").write_bytes("\ufeffسلام {{ n | count }}".encode())
    assert Wording("fa", tmp_path, digits="native").render("bom.j2", n=12) == "سلام ۱۲"


def test_undefined_variable_names_file_and_line(tmp_path):
    path = write(tmp_path, "en/slides/funnel.j2", "Title\n\nThe leak is {{ biggest_leak }}.\n")
    with pytest.raises(TemplateError) as caught:
        Wording("en", tmp_path).render("slides/funnel.j2")
    message = str(caught.value)
    assert str(path) in message
    assert "line 3" in message
    assert "biggest_leak" in message


def test_syntax_error_names_file_and_line(tmp_path):
    path = write(tmp_path, "ar/broken.j2", "سطر\n{% if x %}\nبدون نهاية\n")
    with pytest.raises(TemplateError, match=rf"{path}, line 3"):
        Wording("ar", tmp_path).render("broken.j2", x=1)


def test_filter_misuse_names_the_template(tmp_path):
    path = write(tmp_path, "en/bad.j2", "{{ 'twelve' | pct }}")
    with pytest.raises(TemplateError, match=rf"{path}, line 1"):
        Wording("en", tmp_path).render("bad.j2")


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ p.__init__.__globals__ }}",
        "{{ p.shift.__func__.__code__ }}",
    ],
)
def test_sandbox_blocks_internals(tmp_path, source):
    path = write(tmp_path, "en/evil.j2", source)
    with pytest.raises(TemplateError, match=str(path)):
        Wording("en", tmp_path).render("evil.j2", p=Period("gregorian", 2026, 10))


def test_render_block(tmp_path):
    write(
        tmp_path,
        "en/slide.j2",
        "{% block title %}Funnel{% endblock %}\n{% block headline %}{{ n | count }} leads{% endblock %}",
    )
    wording = Wording("en", tmp_path)
    assert wording.render_block("slide.j2", "headline", n=1200) == "1,200 leads"
    with pytest.raises(TemplateError, match="no block named 'notes'"):
        wording.render_block("slide.j2", "notes")


def test_bad_settings(tmp_path):
    with pytest.raises(TemplateError, match="not found"):
        Wording("en", tmp_path / "missing")
    with pytest.raises(ConfigError, match="XYZ"):
        Wording("en", currency="XYZ")
    with pytest.raises(ValueError, match="de"):
        Wording("de")


def test_export_then_render_from_the_copy(tmp_path):
    target = tmp_path / "mine"
    written = export_templates(target)
    defaults = default_templates_dir()
    shipped = {
        p.relative_to(defaults)
        for lang in LANGS
        for p in (defaults / lang).rglob("*")
        if p.is_file()
    }
    copied = {p.relative_to(target) for p in written}
    assert shipped <= copied
    assert not any(p.suffix == ".pptx" for p in copied)  # the brand template is not wording
    assert Path("en/definitions.md") in copied
    assert all(path.is_file() for path in written)
    write(
        target,
        "fa/slides/_shared.j2",
        "{% block kpi_delta %}{{ delta }} در برابر {{ previous | month }}{% endblock %}",
    )
    fa = Wording("fa", target, digits="native")
    text = fa.render_block(
        "slides/_shared.j2", "kpi_delta", delta="+۲", previous=Period("jalali", 1405, 6)
    )
    assert text == "+۲ در برابر شهریور ۱۴۰۵"


def test_export_refuses_a_non_empty_folder(tmp_path):
    export_templates(tmp_path / "empty_is_fine")
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "mine.j2").write_text("edited", encoding="utf-8")
    with pytest.raises(TemplateError, match="not an empty folder"):
        export_templates(tmp_path / "used")
    assert (tmp_path / "used" / "mine.j2").read_text(encoding="utf-8") == "edited"


def test_persian_lists_have_no_comma_before_and(tmp_path):
    write(tmp_path, "fa/list.j2", "{{ items | and_list }}")
    fa = Wording("fa", tmp_path)
    assert fa.render("list.j2", items=["ایمیل", "سئو", "وبلاگ"]) == "ایمیل، سئو و وبلاگ"
    assert fa.render("list.j2", items=["ایمیل", "سئو"]) == "ایمیل و سئو"


def test_an_error_in_a_block_names_the_template_line(tmp_path):
    write(tmp_path, "en/blk.j2", "x\n{% block b %}\nline 3\n{{ 1 / n }}\n{% endblock %}\n")
    with pytest.raises(TemplateError, match=r"blk\.j2, line 4: division by zero"):
        Wording("en", tmp_path).render_block("blk.j2", "b", n=0)


def test_the_clients_vocabulary_labels_its_codes_in_templates(tmp_path: Path) -> None:
    vocabulary = Vocabulary(
        channels={"paid_search": {"en": "Paid search", "fa": "جستجوی پولی"}},
        feedback_kinds={"praise": {"en": "Praise"}},
    )
    for lang in ("en", "fa", "ar"):
        write(
            tmp_path,
            f"{lang}/codes.j2",
            '{{ c | label("channels") }}|{{ "praise" | label("feedback_kinds") }}|{{ "email" | label("channels") }}',
        )
    en = Wording("en", tmp_path, vocabulary=vocabulary)
    assert en.render("codes.j2", c="paid_search") == "Paid search|Praise|Email"
    fa = Wording("fa", tmp_path, vocabulary=vocabulary)
    assert fa.render("codes.j2", c="paid_search") == "جستجوی پولی|Praise|ایمیل"
    # No Arabic label given: the English one, never the bare code.
    ar = Wording("ar", tmp_path, vocabulary=vocabulary)
    assert ar.render("codes.j2", c="paid_search").split("|")[:2] == ["Paid search", "Praise"]
    # The literal "praise" is folded into the compiled template: a Wording without the client's
    # vocabulary must not reuse that compiled code.
    assert Wording("en", tmp_path).render("codes.j2", c="paid_search") == "paid_search|praise|Email"


@pytest.mark.parametrize(
    ("n", "said"),
    [
        (1, "يوم واحد"),
        (2, "يومان"),
        (3, "3 أيام"),
        (11, "11 يومًا"),
        # CLDR's "other" (100 to 102, 200, ...): the singular noun, without the numeral "one".
        (100, "100 يوم"),
        (102, "102 يوم"),
        (0, "0 يوم"),
    ],
)
def test_arabic_counts_agree_with_their_number(tmp_path, n, said):
    # Was "100 يوم واحد" ("100 one day") for a churn window of 100 days.
    write(
        tmp_path,
        "ar/t.j2",
        '{% block b %}{% import "slides/_phrases.j2" as ph %}'
        '{{ ph.counted(n, "يوم واحد", "يومان", "أيام", "يومًا") }}{% endblock %}',
    )
    assert Wording("ar", tmp_path).render_block("t.j2", "b", n=n) == said


@pytest.mark.parametrize(
    ("lang", "counts", "said"),
    [
        ("en", (0, 1, 2, 3), ("customers", "customer", "customers", "customers")),
        ("ar", (0, 1, 2, 3, 11, 100), ("عملاء", "عميل", "عميلان", "عملاء", "عملاء", "عملاء")),
        ("fa", (0, 1, 2), ("مشتری", "مشتری", "مشتری")),
    ],
)
def test_units_take_the_plural_form_of_their_count(tmp_path, lang, counts, said):
    # labels.toml [units_<form>] where the language has the form ([units_one] in English and
    # Arabic, [units_two] in Arabic), else [units]: Persian has the one form only.
    write(tmp_path, f"{lang}/unit.j2", "{{ 'customers' | units(n) }}|{{ 'unknown' | units(n) }}")
    wording = Wording(lang, tmp_path)
    shown = [wording.render("unit.j2", n=n).split("|") for n in counts]
    assert shown == [[form, "unknown"] for form in said]
