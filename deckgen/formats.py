"""Numbers, money, months and dates as a deck in English, Arabic or Persian shows them.

Every figure in the deck goes through this module, so the conventions live here once:

- Digits: `digits="latn"` gives 0-9; `"native"` gives Persian digits (۰-۹, CLDR `arabext`) for
  `fa` and Arabic-Indic digits (٠-٩, `arab`) for `ar`; English has no native digits (latn).
  Babel's `numbering_system` only switches the separators, so the digits and the percent,
  plus and minus signs are swapped here from `Locale.number_symbols[system]` (CLDR), which
  also brings the bidi marks CLDR puts around signs (fa `‎−۳٫۱٪`, ar_SA `١٢٫٥٪؜`).
- Missing or non-finite values (None, NaN, ±inf) show as "–" (an en dash).
- Rounding is half away from zero on the decimal value (2.85 -> 2.9), as Office and
  LibreOffice round a number format, so text, tables and native chart labels agree; a value
  that rounds to zero loses its sign.
- count: whole number with grouping (`1,250,000`). percent: the value is a fraction 0..1,
  shown with one decimal (`12.5%`). decimal: one decimal (`4.2`). score: signed whole number
  (`+32`, `-5`, `0`).
- Percent in Arabic and Persian: the signed number is put in a left-to-right isolate
  (U+2066 … U+2069) followed by the percent sign, so the sign sits after the number in
  reading order (left of its digits) wherever the figure stands: alone in a KPI card or a
  table cell, after a word, with a minus. Without the isolate a Persian figure that starts a
  paragraph, or carries CLDR's left-to-right minus, showed its ٪ on the other side. Chart
  labels ignore isolates: their number formats reach the same look with Arabic letter marks
  (`excel_number_format`), and charts store rates × 100 for them (`chart_percent_scale`).
- money: number, no-break space, currency unit. The unit is the ISO code in English
  (`12 USD`, the same in every locale and short); in Arabic and Persian it is the local word
  or sign where one is in common use (ر.س, د.إ, ریال, دلار, تومان), else the ISO code. A unit
  never ends in a full stop (CLDR's ر.س. loses its last dot), so the punctuation of the
  sentence after an amount is never doubled ("ر.س.؛").
- A figure is one unbreakable phrase: the words of a unit are joined to the number and to
  each other by no-break spaces (`۱۹٫۶ میلیون ریال`, `+۰٫۱ واحد درصد`).
  Amounts of a million or more are compacted to one decimal (`1.2M USD`, `۱٫۲ میلیون تومان`);
  amounts between 0 and 10 keep the currency's minor unit (`9.50 USD`); the rest (zero too) are whole.
- toman: `currency="toman"` means the amounts are Iranian rials shown in tomans (1 toman =
  10 IRR) with the word تومان. Chart values must be scaled by `money_scale(currency)` because an
  Excel number format cannot divide by 10.
- Changes (`format_change`): rates (percent) change in percentage points (`+2.1 pts`), scores
  in points (`+4 pts`), decimals by their difference (`+0.3`), counts and money by their
  relative change, given as a fraction (`+12.5%`).
"""

from __future__ import annotations

import decimal
import math
from datetime import date
from functools import cache
from typing import Literal

import jdatetime
from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.numbers import (
    format_compact_decimal,
    format_decimal,
    get_currency_precision,
    get_currency_symbol,
    is_currency,
)

from deckgen.errors import ConfigError
from deckgen.model import Direction, ValueKind
from deckgen.period import Calendar, Period

Digits = Literal["latn", "native"]

MISSING = "–"
TOMAN = "toman"
LRI, FSI, PDI, RLM, LRM, ALM = "\u2066", "\u2068", "\u2069", "\u200f", "\u200e", "\u061c"
NBSP = "\u00a0"

_LOCALES = {"en": "en_US", "ar": "ar_SA", "fa": "fa_IR"}
_NATIVE_SYSTEM = {"ar": "arab", "fa": "arabext"}
_ZERO = {"latn": "0", "arab": "٠", "arabext": "۰"}
_COMPACT_FROM = 1_000_000
_MINOR_UNITS_BELOW = 10
# Units a native reader expects where CLDR's symbol is Latin, ambiguous or missing.
_UNITS = {
    ("en", TOMAN): "toman",
    ("ar", TOMAN): "تومان",
    ("fa", TOMAN): "تومان",
    ("ar", "USD"): "دولار",
    ("ar", "EUR"): "يورو",
    ("ar", "IRR"): "ريال إيراني",
    ("fa", "USD"): "دلار",
    ("fa", "EUR"): "یورو",
    ("fa", "AED"): "درهم",
    ("fa", "SAR"): "ریال سعودی",
}
_CHANGE_UNITS = {
    ("en", "percent"): "pts",
    ("ar", "percent"): "نقطة مئوية",
    ("fa", "percent"): "واحد درصد",
    ("en", "score"): "pts",
    ("ar", "score"): "نقطة",
    ("fa", "score"): "امتیاز",
}
# OOXML number-format prefixes that make Office and LibreOffice draw native digits.
_EXCEL_NATIVE = {"ar": "[$-2000401]", "fa": "[$-3000429]"}


@cache
def locale_for(lang: str) -> Locale:
    """The Babel locale of a deck language (en → en_US, ar → ar_SA, fa → fa_IR); ValueError."""
    try:
        return Locale.parse(_LOCALES[lang])
    except KeyError:
        raise ValueError(f"unsupported language {lang!r}; expected one of en, ar, fa") from None


def direction(lang: str) -> Direction:
    """ "rtl" for Arabic and Persian, "ltr" otherwise."""
    locale_for(lang)
    return "rtl" if lang in _NATIVE_SYSTEM else "ltr"


def money_scale(currency: str) -> float:
    """Factor from the data's amounts to the displayed ones: 0.1 for toman, else 1."""
    return 0.1 if _currency_code(currency) == TOMAN else 1.0


def currency_unit(currency: str, lang: str) -> str:
    """The word or code shown after an amount of `currency` in `lang` (e.g. USD, ر.س.‏, تومان)."""
    code = _currency_code(currency)
    if (lang, code) in _UNITS:
        unit = _UNITS[lang, code]
    elif lang == "en":
        unit = code
    else:
        symbol = get_currency_symbol(code, locale=locale_for(lang))
        unit = symbol if _has_arabic_letters(symbol) else code
    # "ر.س.‏" -> "ر.س": a sentence's own "؛" or "." after the amount is not doubled.
    return unit.rstrip(RLM + LRM + ".").replace(" ", NBSP)


def percent_sign(lang: str, digits: Digits = "latn") -> str:
    """The percent sign of `lang` in `digits` (CLDR): %, ٪ or ٪ with an Arabic letter mark."""
    return locale_for(lang).number_symbols[_system(lang, digits)]["percentSign"]


def format_value(
    value: float | None,
    kind: ValueKind,
    lang: str,
    digits: Digits = "latn",
    currency: str = "USD",
    places: int | None = None,
) -> str:
    """`value` formatted as a `kind` figure for a deck in `lang` ("–" when missing);
    `places` overrides the one decimal of percent and decimal figures."""
    if value is None or not math.isfinite(value):
        return MISSING
    decimals = 1 if places is None else places
    if kind == "count":
        return _number(value, 0, lang, digits)
    if kind == "percent":
        return _percent(_number(value, decimals, lang, digits, shift=2), lang, digits)
    if kind == "decimal":
        return _number(value, decimals, lang, digits)
    if kind == "score":
        return _number(value, 0, lang, digits, signed=True)
    if kind == "money":
        return _money(value, lang, digits, currency)
    raise ValueError(f"unknown value kind {kind!r}")


def format_change(
    delta: float | None,
    kind: ValueKind,
    lang: str,
    digits: Digits = "latn",
    currency: str = "USD",
) -> str:
    """A signed change of a `kind` figure: points for percent/score, relative % for count/money.

    `delta` is `Change.relative` for count and money, `Change.delta` for the other kinds.
    """
    _currency_code(currency)  # same arguments as format_value; a relative change has no unit
    if delta is None or not math.isfinite(delta):
        return MISSING
    if kind in ("count", "money"):
        return _percent(_number(delta, 1, lang, digits, shift=2, signed=True), lang, digits)
    if kind == "decimal":
        return _number(delta, 1, lang, digits, signed=True)
    if kind == "percent":
        text = _number(delta, 1, lang, digits, shift=2, signed=True)
    elif kind == "score":
        text = _number(delta, 0, lang, digits, signed=True)
    else:
        raise ValueError(f"unknown value kind {kind!r}")
    return f"{text}{NBSP}{_CHANGE_UNITS[lang, kind].replace(' ', NBSP)}"


def chart_percent_scale(lang: str) -> float:
    """Factor from a rate (0..1) to the value a chart stores: 100 in Arabic and Persian.

    Their percent format is a literal sign after the number (`excel_number_format`), which
    cannot multiply by 100 as the `%` of a number format does: the chart holds 12.5 for 12.5٪.
    """
    return 100.0 if direction(lang) == "rtl" else 1.0


def excel_number_format(
    kind: ValueKind,
    lang: str,
    digits: Digits = "latn",
    currency: str = "USD",
    largest: float = 0.0,
    *,
    places: int | None = None,
    hide_negative: bool = False,
) -> str:
    """The Excel/OOXML number format code for `kind` figures on chart axes and data labels.

    `largest` is the chart's largest money amount (display units): from a million up, amounts
    are shown in millions or billions ("4.9M USD", "۴٫۹ میلیارد ریال") so axes stay narrow.
    Right-to-left percent formats take values scaled by `chart_percent_scale`. `places` sets
    the decimals of percent, decimal and compact money figures (default one); with
    `hide_negative` negative values show nothing (axis ticks below a lined-up zero).
    """
    decimals = "." + "0" * (1 if places is None else places) if places != 0 else ""
    codes = {
        "count": "#,##0",
        "percent": f"0{decimals}%",
        "decimal": f"#,##0{decimals}",
        "score": "+#,##0;-#,##0;0",
    }
    rtl = direction(lang) == "rtl"
    if kind == "money":
        unit = currency_unit(currency, lang).replace('"', "")
        code = f'#,##0"{NBSP}{unit}"'
        exponent = _chart_power(largest)
        if exponent:
            scaled = "," * (exponent // 3)  # each trailing comma divides by 1000
            code = f'#,##0{decimals}{scaled}"{_power_word(exponent, lang)}{NBSP}{unit}"'
    elif kind == "percent" and rtl:
        code = _rtl_chart_percent(lang, digits, f"0{decimals}")
    elif kind in codes:
        code = codes[kind]
    else:
        raise ValueError(f"unknown value kind {kind!r}")
    if hide_negative:
        positive = code.split(";")[0]
        code = f"{positive};;{positive}"
    prefix = _EXCEL_NATIVE.get(lang, "") if _system(lang, digits) != "latn" else ""
    if kind == "money" and rtl:
        # Viewers lay chart text out left to right; a leading RLM makes the label right to
        # left, so the amount comes first for its reader ("۱۳۶٫۷ میلیون ریال"), as in text.
        prefix += f'"{RLM}"'
    return ";".join(prefix + section if section else section for section in code.split(";"))


def _rtl_chart_percent(lang: str, digits: Digits, number: str) -> str:
    """A right-to-left percent format that chart text shows as the text does (٪ left of the
    digits, the minus on its locale's side).

    Viewers lay chart labels out in a left-to-right paragraph and ignore isolates, so the
    text's isolate cannot be used: Arabic letter marks (ALM) around the figure make its
    digits Arabic numbers and the signs after it right to left. The minus is written after
    the number where the locale puts it left of the digits (Persian, Latin-digit Arabic),
    before it where it goes right of them (Arabic-Indic digits).
    """
    symbols = locale_for(lang).number_symbols[_system(lang, digits)]
    sign = symbols["percentSign"].replace(ALM, "")
    minus = symbols["minusSign"]
    bare_minus = minus.replace(LRM, "").replace(ALM, "")
    positive = f'"{ALM}"{number}"{sign}{ALM}"'
    if minus.startswith(LRM):
        negative = f'"{ALM}"{number}"{bare_minus}{sign}{ALM}"'
    else:
        negative = f'"{ALM}{bare_minus}"{number}"{sign}{ALM}"'
    return f"{positive};{negative}"


def format_chart_value(
    value: float | None,
    kind: ValueKind,
    lang: str,
    digits: Digits = "latn",
    currency: str = "USD",
    largest: float = 0.0,
    places: int | None = None,
) -> str:
    """`value` as a chart label with `excel_number_format(kind, ..., largest, places=places)`
    shows it: money of a chart in millions is in millions even below one ("0.5M USD")."""
    if kind != "money" or value is None or not math.isfinite(value):
        return format_value(value, kind, lang, digits, currency, places)
    amount, unit = value * money_scale(currency), currency_unit(currency, lang)
    exponent = _chart_power(largest)
    if not exponent:  # whole amounts, as "#,##0" shows them ("10 USD" for 9.50)
        return f"{_number(amount, 0, lang, digits)}{NBSP}{unit}"
    number = _number(amount / 10**exponent, 1 if places is None else places, lang, digits)
    return f"{number}{_power_word(exponent, lang)}{NBSP}{unit}"


def _chart_power(largest: float) -> int:
    """The power of ten a chart's money is shown in: 9 (billions), 6 (millions) or 0."""
    return next((e for e in (9, 6) if abs(largest) >= 10**e), 0)


def _power_word(exponent: int, lang: str) -> str:
    """CLDR's word for 10**`exponent` as it follows a number: "M", " میلیون" (no-break space)."""
    return format_compact_decimal(10**exponent, locale=locale_for(lang))[1:].replace(" ", NBSP)


def format_month(period: Period, lang: str, digits: Digits = "latn", short: bool = False) -> str:
    """The month's label: "October 2026" / "Oct 2026", "مهر ۱۴۰۵", "Mehr 1405", "أكتوبر 2026"."""
    if period.calendar == "gregorian":
        skeleton = "yMMM" if short else "yMMMM"
        text = format_skeleton(skeleton, period.start, locale=locale_for(lang))
    else:
        text = f"{_jalali_month_name(period.month, lang, short)} {period.year}"
    return localise_digits(text, lang, digits)


def format_date(
    day: date, lang: str, digits: Digits = "latn", calendar: Calendar = "gregorian"
) -> str:
    """A day in full: "October 5, 2026", "5 أكتوبر 2026", "۱۳ مهر ۱۴۰۵", "13 Mehr 1405"."""
    if calendar == "gregorian":
        text = babel_format_date(day, "long", locale=locale_for(lang))
    else:
        j = jdatetime.date.fromgregorian(date=day)
        text = f"{j.day} {_jalali_month_name(j.month, lang, short=False)} {j.year}"
    return localise_digits(text, lang, digits)


def localise_digits(text: str, lang: str, digits: Digits = "latn") -> str:
    """`text` with its ASCII digits written in the deck's digits (nothing else changes)."""
    return text.translate(_digit_table(_system(lang, digits)))


def isolate_ltr(text: str) -> str:
    """`text` wrapped in a left-to-right isolate (U+2066 … U+2069) for embedding in RTL text."""
    return f"{LRI}{text}{PDI}"


def isolate_first_strong(text: str) -> str:
    """`text` in a first-strong isolate (U+2068 … U+2069): its direction set by its first letter."""
    return f"{FSI}{text}{PDI}"


def rtl_mark(text: str) -> str:
    """`text` prefixed with U+200F so a label starting with a Latin word keeps an RTL base."""
    return f"{RLM}{text}"


def _system(lang: str, digits: Digits) -> str:
    locale_for(lang)
    if digits == "native":
        return _NATIVE_SYSTEM.get(lang, "latn")
    if digits == "latn":
        return "latn"
    raise ValueError(f"digits must be 'latn' or 'native', got {digits!r}")


def _babel(lang: str, digits: Digits) -> dict[str, object]:
    return {"locale": locale_for(lang), "numbering_system": _system(lang, digits)}


def _number(
    value: float,
    places: int,
    lang: str,
    digits: Digits,
    *,
    shift: int = 0,
    signed: bool = False,
) -> str:
    """`value` × 10**`shift`, grouped with `places` decimals (+/- when `signed`), localised."""
    with decimal.localcontext(prec=400):  # Babel quantizes; a float can have 309 digits
        exact = _rounded(value, places, shift)
        pattern = "#,##0." + "0" * places if places else "#,##0"
        if signed and exact:  # zero is shown unsigned
            pattern = f"+{pattern};-{pattern}"
        text = format_decimal(exact, pattern, **_babel(lang, digits))
    return _localised(text, lang, digits)


def _percent(number: str, lang: str, digits: Digits) -> str:
    """A formatted number (already × 100) with the percent sign after it in reading order."""
    # The sign stays out of the Babel pattern: a "%" there would multiply by 100 again.
    if direction(lang) == "rtl":
        # No LRM in the isolate: it is left to right already, and LibreOffice draws the digits
        # after an LRM in the Latin font, beside figures in the Arabic one.
        return f"{isolate_ltr(number.replace(LRM, ''))}{percent_sign(lang, digits)}"
    return number + percent_sign(lang, digits)


def _digit_table(system: str) -> dict[int, str]:
    return {ord(str(d)): chr(ord(_ZERO[system]) + d) for d in range(10)}


@cache
def _translation(lang: str, system: str) -> dict[int, str]:
    """Maps Babel's Latin digits and plain signs onto the locale's `system` (CLDR symbols)."""
    symbols = locale_for(lang).number_symbols[system]
    return _digit_table(system) | {
        ord("%"): symbols["percentSign"],
        ord("-"): symbols["minusSign"],
        ord("+"): symbols["plusSign"],
    }


def _localised(text: str, lang: str, digits: Digits) -> str:
    return text.translate(_translation(lang, _system(lang, digits)))


def _rounded(value: float, places: int, shift: int = 0) -> decimal.Decimal:
    """`value` (its shortest repr) × 10**`shift`, rounded half away from zero to `places`;
    never -0."""
    exact = (
        decimal.Decimal(repr(float(value)))
        .scaleb(shift)
        .quantize(decimal.Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP)
    )
    return exact if exact else abs(exact)


def _compact_rounded(amount: float) -> decimal.Decimal:
    """`amount` rounded to one decimal of its thousands unit, so 999.95M becomes 1B, not 1000M."""
    exact = decimal.Decimal(repr(float(amount)))
    unit_exponent = 3 * (exact.adjusted() // 3)
    return exact.quantize(decimal.Decimal(1).scaleb(unit_exponent - 1), decimal.ROUND_HALF_UP)


def _money(value: float, lang: str, digits: Digits, currency: str) -> str:
    amount = value * money_scale(currency)
    unit = currency_unit(currency, lang)
    if abs(amount) >= _COMPACT_FROM:
        with decimal.localcontext(prec=400):
            compact = format_compact_decimal(
                _compact_rounded(amount), fraction_digits=1, **_babel(lang, digits)
            )
        text = _localised(compact, lang, digits)
    elif 0 < abs(amount) < _MINOR_UNITS_BELOW and _minor_units(currency):
        text = _number(amount, 2, lang, digits)
    else:
        text = _number(amount, 0, lang, digits)
    return f"{text}{NBSP}{unit}"


def _minor_units(currency: str) -> bool:
    code = _currency_code(currency)
    return code != TOMAN and get_currency_precision(code) > 0


def _currency_code(currency: str) -> str:
    """The ISO 4217 code (upper case) or "toman"; ConfigError for anything else."""
    code = currency.strip()
    if code.lower() == TOMAN:
        return TOMAN
    if is_currency(code.upper()):
        return code.upper()
    raise ConfigError(
        f"unknown currency {currency!r}: expected an ISO 4217 code (USD, EUR, SAR, AED, IRR, ...) "
        "or 'toman' (amounts in rials shown in tomans)"
    )


def _has_arabic_letters(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" and ch.isalpha() for ch in text)


def _jalali_month_name(month: int, lang: str, short: bool) -> str:
    if lang == "en":
        names = jdatetime.date.j_months_short_en if short else jdatetime.date.j_months_en
    else:
        # Persian has no customary month abbreviations; Arabic readers use the Persian names.
        names = jdatetime.date.j_months_fa
    return names[month - 1]
