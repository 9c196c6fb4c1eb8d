from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from deckgen.errors import ConfigError
from deckgen.formats import (
    chart_percent_scale,
    currency_unit,
    direction,
    excel_number_format,
    format_change,
    format_chart_value,
    format_date,
    format_month,
    format_value,
    isolate_ltr,
    locale_for,
    money_scale,
    percent_sign,
    rtl_mark,
)
from deckgen.period import Period

LRM, ALM, NBSP, MINUS = "\u200e", "\u061c", "\u00a0", "\u2212"
LRI, PDI, RLM = "\u2066", "\u2069", "\u200f"
LATIN_DIGIT = re.compile(r"[0-9]")
LANGS = ("en", "ar", "fa")
KINDS = ("count", "percent", "money", "decimal", "score")


@pytest.mark.parametrize(
    ("value", "kind", "lang", "digits", "expected"),
    [
        # RTL.md's verified strings; a right-to-left percent is its number in a left-to-right
        # isolate (without CLDR's LRM), then the sign: the sign is left of the digits anywhere.
        (0.125, "percent", "fa", "native", f"{LRI}۱۲٫۵{PDI}٪"),
        (-0.031, "percent", "fa", "native", f"{LRI}{MINUS}۳٫۱{PDI}٪"),
        (1_250_000, "count", "fa", "native", "۱٬۲۵۰٬۰۰۰"),
        (0.125, "percent", "ar", "native", f"{LRI}١٢٫٥{PDI}٪{ALM}"),
        (-0.125, "percent", "ar", "native", f"{LRI}{ALM}-١٢٫٥{PDI}٪{ALM}"),
        # English
        (0.125, "percent", "en", "latn", "12.5%"),
        (0.5, "percent", "en", "latn", "50.0%"),
        (-0.031, "percent", "en", "latn", "-3.1%"),
        (1_249_999.6, "count", "en", "latn", "1,250,000"),
        (4.25, "decimal", "en", "latn", "4.3"),  # half away from zero, as number formats do
        (4.35, "decimal", "en", "latn", "4.4"),
        (-4.25, "decimal", "en", "latn", "-4.3"),
        (0.0285, "percent", "en", "latn", "2.9%"),  # a native chart's 0.0% shows 2.9% too
        (32, "score", "en", "latn", "+32"),
        (-5, "score", "en", "latn", "-5"),
        (0.3, "score", "en", "latn", "0"),
        (-0.04, "decimal", "en", "latn", "0.0"),  # no negative zero
        # English asks for native digits: there are none
        (1234, "count", "en", "native", "1,234"),
        # Arabic with Latin digits uses ar_SA's Latin-system symbols
        (0.125, "percent", "ar", "latn", f"{LRI}12.5{PDI}٪"),
        (-0.031, "percent", "ar", "latn", f"{LRI}-3.1{PDI}٪"),
        (-5, "score", "ar", "latn", f"{LRM}-5"),
        (1234.5, "decimal", "ar", "native", "١٬٢٣٤٫٥"),
        (-5, "score", "ar", "native", f"{ALM}-٥"),
        (32, "score", "fa", "native", f"{LRM}+۳۲"),
        (1234, "count", "fa", "latn", "1,234"),
        # missing values
        (None, "count", "fa", "native", "–"),
        (float("nan"), "percent", "en", "latn", "–"),
        (float("inf"), "money", "ar", "latn", "–"),
    ],
)
def test_format_value(value, kind, lang, digits, expected):
    assert format_value(value, kind, lang, digits) == expected


@pytest.mark.parametrize(
    ("value", "lang", "digits", "currency", "expected"),
    [
        (12.4, "en", "latn", "USD", f"12{NBSP}USD"),
        (9.5, "en", "latn", "USD", f"9.50{NBSP}USD"),
        (9.5, "en", "latn", "IRR", f"10{NBSP}IRR"),  # no minor unit
        (125_000, "en", "latn", "EUR", f"125,000{NBSP}EUR"),
        (1_234_567, "en", "latn", "USD", f"1.2M{NBSP}USD"),
        (-2_500_000, "en", "latn", "usd", f"-2.5M{NBSP}USD"),
        (999_950_000, "en", "latn", "USD", f"1B{NBSP}USD"),  # not "1000M"
        (12_345_678_901, "en", "latn", "USD", f"12.3B{NBSP}USD"),
        (250_000, "fa", "native", "IRR", f"۲۵۰٬۰۰۰{NBSP}ریال"),
        (250_000, "fa", "native", "toman", f"۲۵٬۰۰۰{NBSP}تومان"),  # rials shown in tomans
        (250_000_000, "fa", "native", "Toman", f"۲۵{NBSP}میلیون{NBSP}تومان"),
        (250_000, "en", "latn", "toman", f"25,000{NBSP}toman"),
        # CLDR's ر.س. without its last dot: a sentence's "؛" after it is not doubled
        (1500, "ar", "native", "SAR", f"١٬٥٠٠{NBSP}ر.س"),
        (1500, "ar", "latn", "AED", f"1,500{NBSP}د.إ"),
        (1_200_000, "ar", "latn", "SAR", f"1.2{NBSP}مليون{NBSP}ر.س"),
        (1500, "fa", "native", "SAR", f"۱٬۵۰۰{NBSP}ریال{NBSP}سعودی"),  # one unbreakable phrase
        (40, "ar", "latn", "USD", f"40{NBSP}دولار"),
        (40, "fa", "native", "USD", f"۴۰{NBSP}دلار"),
        (40, "fa", "native", "GBP", f"۴۰{NBSP}GBP"),  # Latin CLDR symbol: ISO code instead
    ],
)
def test_format_money(value, lang, digits, currency, expected):
    assert format_value(value, "money", lang, digits, currency) == expected


def test_numpy_scalars_format_like_floats():
    # numpy 2 reprs a float64 as "np.float64(0.125)": it must not reach Decimal as text
    assert format_value(np.float64(0.125), "percent", "en") == "12.5%"
    assert format_value(np.int64(1234), "count", "fa", "native") == "۱٬۲۳۴"
    assert format_value(np.float64(2e6), "money", "en") == f"2M{NBSP}USD"
    assert format_change(np.float64(0.021), "percent", "en") == f"+2.1{NBSP}pts"
    assert format_value(np.float64("nan"), "count", "en") == "–"


def test_unknown_currency_is_a_config_error():
    with pytest.raises(ConfigError, match="XYZ"):
        format_value(1, "money", "en", currency="XYZ")


def test_money_scale_and_units():
    assert money_scale("toman") == 0.1
    assert money_scale("IRR") == 1.0
    assert currency_unit("toman", "fa") == "تومان"
    assert currency_unit("SAR", "en") == "SAR"


@pytest.mark.parametrize(
    ("delta", "kind", "lang", "digits", "expected"),
    [
        (0.021, "percent", "en", "latn", f"+2.1{NBSP}pts"),
        (-0.004, "percent", "en", "latn", f"-0.4{NBSP}pts"),
        (0.0, "percent", "en", "latn", f"0.0{NBSP}pts"),
        (0.125, "count", "en", "latn", "+12.5%"),
        (-0.125, "money", "en", "latn", "-12.5%"),
        (4, "score", "en", "latn", f"+4{NBSP}pts"),
        (-0.3, "decimal", "en", "latn", "-0.3"),
        (0.021, "percent", "fa", "native", f"{LRM}+۲٫۱{NBSP}واحد{NBSP}درصد"),
        (-0.125, "count", "fa", "native", f"{LRI}{MINUS}۱۲٫۵{PDI}٪"),
        (0.125, "money", "fa", "native", f"{LRI}+۱۲٫۵{PDI}٪"),
        (0.021, "percent", "ar", "native", f"{ALM}+٢٫١{NBSP}نقطة{NBSP}مئوية"),
        (None, "score", "ar", "latn", "–"),
    ],
)
def test_format_change(delta, kind, lang, digits, expected):
    assert format_change(delta, kind, lang, digits) == expected


@pytest.mark.parametrize(
    ("kind", "lang", "digits", "currency", "expected"),
    [
        ("count", "en", "latn", "USD", "#,##0"),
        ("percent", "en", "latn", "USD", "0.0%"),
        ("decimal", "ar", "latn", "USD", "#,##0.0"),
        ("score", "en", "latn", "USD", "+#,##0;-#,##0;0"),
        ("money", "en", "latn", "USD", '#,##0"\u00a0USD"'),
        ("count", "fa", "native", "USD", "[$-3000429]#,##0"),
        # Chart text ignores isolates: Arabic letter marks around the figure put the sign
        # left of the digits as in text; the chart stores the rate × 100.
        (
            "percent",
            "ar",
            "native",
            "USD",
            f'[$-2000401]"{ALM}"0.0"٪{ALM}";[$-2000401]"{ALM}-"0.0"٪{ALM}"',
        ),
        ("percent", "fa", "latn", "USD", f'"{ALM}"0.0"%{ALM}";"{ALM}"0.0"{MINUS}%{ALM}"'),
        # A right-to-left money label starts with an RLM: the amount is read first.
        ("money", "fa", "native", "toman", '[$-3000429]"\u200f"#,##0"\u00a0تومان"'),
        ("score", "fa", "native", "USD", "[$-3000429]+#,##0;[$-3000429]-#,##0;[$-3000429]0"),
        ("count", "en", "native", "USD", "#,##0"),
    ],
)
def test_excel_number_format(kind, lang, digits, currency, expected):
    assert excel_number_format(kind, lang, digits, currency) == expected


@pytest.mark.parametrize(
    ("period", "lang", "digits", "short", "expected"),
    [
        (Period("gregorian", 2026, 10), "en", "latn", False, "October 2026"),
        (Period("gregorian", 2026, 10), "en", "latn", True, "Oct 2026"),
        (Period("gregorian", 2026, 10), "ar", "latn", False, "أكتوبر 2026"),
        (Period("gregorian", 2026, 10), "ar", "native", False, "أكتوبر ٢٠٢٦"),
        (Period("gregorian", 2026, 10), "fa", "native", False, "اکتبر ۲۰۲۶"),
        (Period("jalali", 1405, 7), "fa", "native", False, "مهر ۱۴۰۵"),
        (Period("jalali", 1405, 7), "fa", "native", True, "مهر ۱۴۰۵"),
        (Period("jalali", 1405, 7), "en", "latn", False, "Mehr 1405"),
        (Period("jalali", 1405, 7), "en", "latn", True, "Meh 1405"),
        (Period("jalali", 1403, 12), "fa", "latn", False, "اسفند 1403"),
    ],
)
def test_format_month(period, lang, digits, short, expected):
    assert format_month(period, lang, digits, short) == expected


def test_jalali_month_bounds_and_labels():
    mehr = Period("jalali", 1405, 7)
    assert (mehr.start, mehr.end) == (date(2026, 9, 23), date(2026, 10, 22))
    assert Period("jalali", 1405, 1).start == date(2026, 3, 21)
    assert Period("jalali", 1403, 12).days == 30  # leap Esfand
    # Every day of Mehr is labelled Mehr; the days around it are not.
    for offset in range(mehr.days):
        day = mehr.start + timedelta(days=offset)
        assert format_month(Period.containing(day, "jalali"), "fa", "native") == "مهر ۱۴۰۵"
    outside = [mehr.start - timedelta(days=1), mehr.end + timedelta(days=1)]
    assert [format_month(Period.containing(d, "jalali"), "en") for d in outside] == [
        "Shahrivar 1405",
        "Aban 1405",
    ]


@pytest.mark.parametrize(
    ("day", "lang", "digits", "calendar", "expected"),
    [
        (date(2026, 10, 5), "en", "latn", "gregorian", "October 5, 2026"),
        (date(2026, 10, 5), "ar", "native", "gregorian", "٥ أكتوبر ٢٠٢٦"),
        (date(2026, 3, 21), "fa", "native", "jalali", "۱ فروردین ۱۴۰۵"),
        (date(2026, 10, 5), "en", "latn", "jalali", "13 Mehr 1405"),
    ],
)
def test_format_date(day, lang, digits, calendar, expected):
    assert format_date(day, lang, digits, calendar) == expected


def test_locale_direction_and_marks():
    assert [str(locale_for(lang)) for lang in LANGS] == ["en_US", "ar_SA", "fa_IR"]
    assert [direction(lang) for lang in LANGS] == ["ltr", "rtl", "rtl"]
    assert isolate_ltr("CAC") == "\u2066CAC\u2069"
    assert rtl_mark("NPS بالا") == "\u200fNPS بالا"
    with pytest.raises(ValueError, match="de"):
        locale_for("de")
    with pytest.raises(ValueError, match="digits"):
        format_value(1, "count", "fa", "arabext")


@given(
    value=st.floats(allow_nan=True, allow_infinity=True),
    kind=st.sampled_from(KINDS),
    lang=st.sampled_from(("ar", "fa")),
    currency=st.sampled_from(("USD", "SAR", "AED", "IRR", "toman", "EUR")),
)
@example(value=1.7976931348623157e308, kind="percent", lang="fa", currency="IRR")
@example(value=-1e307, kind="money", lang="ar", currency="toman")
@example(value=5e-324, kind="count", lang="fa", currency="USD")
def test_native_values_never_raise_nor_show_latin_digits(value, kind, lang, currency):
    text = format_value(value, kind, lang, "native", currency)
    assert text
    assert not LATIN_DIGIT.search(text)
    assert not LATIN_DIGIT.search(format_change(value, kind, lang, "native", currency))


@given(
    value=st.floats(min_value=-1e12, max_value=1e12),
    kind=st.sampled_from(("count", "decimal", "score", "percent")),
    lang=st.sampled_from(LANGS),
)
def test_native_and_latin_digits_say_the_same_number(value, kind, lang):
    latin = format_value(value, kind, lang, "latn")
    native = format_value(value, kind, lang, "native")
    to_latin = {ord(ch): str(i % 10) for i, ch in enumerate("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")}
    assert re.sub(r"\D", "", native.translate(to_latin)) == re.sub(r"\D", "", latin)


def test_zero_money_is_whole() -> None:
    # Regression: a chart's zero gridline read "0.00 USD" while 9.5 reads "9.50 USD".
    assert format_value(0, "money", "en") == f"0{NBSP}USD"
    assert format_value(9.5, "money", "en") == f"9.50{NBSP}USD"


@pytest.mark.parametrize(
    ("lang", "digits", "currency", "largest", "expected"),
    [
        ("en", "latn", "USD", 999_999, '#,##0"\u00a0USD"'),
        ("en", "latn", "USD", 1_000_000, '#,##0.0,,"M\u00a0USD"'),
        ("en", "latn", "USD", -4.9e9, '#,##0.0,,,"B\u00a0USD"'),
        ("fa", "native", "IRR", 3.5e8, '[$-3000429]"\u200f"#,##0.0,,"\u00a0میلیون\u00a0ریال"'),
        ("ar", "latn", "SAR", 1600, '"\u200f"#,##0"\u00a0ر.س"'),
    ],
)
def test_money_chart_formats_scale_large_amounts(lang, digits, currency, largest, expected):
    assert excel_number_format("money", lang, digits, currency, largest) == expected


def test_right_to_left_charts_store_rates_times_a_hundred() -> None:
    assert chart_percent_scale("en") == 1.0  # "0.0%" multiplies by 100 itself
    assert chart_percent_scale("fa") == chart_percent_scale("ar") == 100.0
    assert percent_sign("fa", "native") == "٪" and percent_sign("en") == "%"
    assert percent_sign("ar", "native") == f"٪{ALM}"


@pytest.mark.parametrize(
    ("value", "kind", "lang", "digits", "largest", "places", "expected"),
    [
        # a chart in millions shows every amount in millions, as its number format does
        (5e5, "money", "en", "latn", 3.5e8, 1, f"0.5M{NBSP}USD"),
        (5e7, "money", "en", "latn", 3.5e8, 0, f"50M{NBSP}USD"),
        (2.5e9, "money", "fa", "native", 4.9e9, 1, f"۲٫۵{NBSP}میلیارد{NBSP}ریال"),
        (1234, "money", "en", "latn", 5000, None, f"1,234{NBSP}USD"),
        (0.25, "percent", "en", "latn", 0, 0, "25%"),
        (0.25, "percent", "fa", "native", 0, None, f"{LRI}۲۵٫۰{PDI}٪"),
        (2.0, "decimal", "en", "latn", 0, 0, "2"),
        (12, "count", "en", "latn", 0, None, "12"),
        (None, "percent", "en", "latn", 0, None, "–"),
    ],
)
def test_chart_values_read_as_the_chart_formats_show_them(
    value, kind, lang, digits, largest, places, expected
):
    currency = "IRR" if lang == "fa" else "USD"
    shown = format_chart_value(value, kind, lang, digits, currency, largest, places)
    assert shown == expected


def test_small_chart_amounts_are_whole_as_their_number_format_shows_them() -> None:
    # Text keeps the minor unit below 10 ("9.50 USD"); a chart's "#,##0" format does not.
    assert format_value(9.5, "money", "en") == f"9.50{NBSP}USD"
    assert format_chart_value(9.5, "money", "en", largest=500.0) == f"10{NBSP}USD"
