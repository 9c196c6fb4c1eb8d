"""Cells read on Arrow: text as the user sees it, numbers with their marks, dates with offsets."""

from __future__ import annotations

import re
from datetime import datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from deckgen.data.cells import (
    MISSING_TEXTS,
    as_id,
    as_text,
    cell_text,
    forbidden_characters,
    left_open,
    maybe_missing,
    parse_number,
    read_booleans,
    read_dates,
    read_numbers,
    text_ends,
    to_categories,
    utf8_replaced,
    without_forbidden_characters,
)


def _column(values: list, kind: pa.DataType | None = None) -> pa.ChunkedArray:
    return pa.chunked_array([pa.array(values, kind)])


def _days(values: np.ndarray) -> list[str | None]:
    return [None if np.isnat(v) else str(v.astype("datetime64[D]")) for v in values]


@pytest.mark.parametrize(
    ("text", "decimal", "number"),
    [
        ("129.90", ".", (129.9, "")),
        ("$1,234.50", ".", (1234.5, "$")),
        ("1,234", ".", (1234.0, "")),  # a comma before three digits groups thousands
        ("1 234.50", ".", (1234.5, "")),
        ("USD 1,000", ".", (1000.0, "USD")),
        ("-$12", ".", (-12.0, "$")),
        ("$-12", ".", (-12.0, "$")),
        ("(1,234.50)", ".", (-1234.5, "")),  # accounting brackets
        ("١٬٢٣٤٫٥", ".", (1234.5, "")),
        # Negative numbers as Persian and Arabic locales write them (CLDR), and the minus sign.
        ("\u200e−۱۲۳٫۵", ".", (-123.5, "")),
        ("\u061c-١٢", ".", (-12.0, "")),
        ("\u200f-۱٬۲۳۴ ریال", ".", (-1234.0, "ریال")),
        ("−12.5", ".", (-12.5, "")),
        ("−1.234,5", ",", (-1234.5, "")),
        ("−", ".", None),
        ("1 234,50 €", ",", (1234.5, "€")),
        ("1.234,50", ",", (1234.5, "")),
        ("12,5", ",", (12.5, "")),
        ("1'234,5", ",", (1234.5, "")),
        # A value that only makes sense with the other decimal mark is refused.
        ("118.25", ",", None),
        ("1.234,50", ".", None),
        ("12,50", ".", None),
        ("1,23", ".", None),
        ("1,2,3", ".", None),
        ("1.5.5", ",", None),
        ("€ 5 €", ".", None),
        ("12 apples and more", ".", None),
        ("abc", ".", None),
    ],
)
def test_parse_number(text, decimal, number):
    assert parse_number(text, decimal) == number


def test_read_numbers_reads_plain_cells_fast_and_the_rest_once_per_value():
    column = _column(["1.5", "$1,234.50", None, " ", "12,50", "NA", "7", "$1,234.50", "1e5"])
    numbers = read_numbers(column, ".")
    assert numbers.values.tolist()[:2] == [1.5, 1234.5]
    assert np.isnan(numbers.values[[2, 3, 4, 5]]).all()
    assert numbers.values[[6, 7, 8]].tolist() == [7.0, 1234.5, 100000.0]
    assert numbers.bad.tolist() == [False] * 4 + [True] + [False] * 4
    assert numbers.other_mark.tolist() == [False] * 4 + [True] + [False] * 4
    assert numbers.currencies == ("$",)


def test_read_numbers_names_every_currency_most_used_first():
    numbers = read_numbers(_column(["€5", "$1", "€7", "3 €"]), ".")
    assert numbers.currencies == ("€", "$")


def test_a_currency_abbreviated_with_a_dot_is_a_currency_not_a_decimal_mark():
    numbers = read_numbers(
        _column(["48.13 ر.س", "ر.س 1,234.50", "٤٨٫١٣ ر.س", "5.a", "3 ر.س."]), "."
    )
    assert numbers.values[:3].tolist() == [48.13, 1234.5, 48.13]
    assert numbers.bad.tolist() == [False, False, False, True, True]
    assert numbers.currencies == ("ر.س",)


def test_numeric_cells_keep_their_values_and_drop_infinities():
    numbers = read_numbers(_column([1e308, 1e-300, float("inf"), None]), ".")
    assert numbers.values[:2].tolist() == [1e308, 1e-300]
    assert np.isnan(numbers.values[2:]).all()


def test_text_as_the_user_sees_it():
    floats = as_text(_column([1.0, 0.1 + 0.2, 1e17, None, 2.5, 7.0]))
    assert floats.to_pylist() == ["1", "0.30000000000000004", "1e+17", None, "2.5", "7"]
    stamps = pa.array([pd.Timestamp("2026-10-05"), pd.Timestamp("2026-10-05 14:30"), None])
    assert as_text(pa.chunked_array([stamps])).to_pylist() == [
        "2026-10-05",
        "2026-10-05 14:30:00",
        None,
    ]
    words = as_text(_column(["  a ", "", "   ", "N/A", "#N/A", "NULL", "nan", "NAN?"]))
    assert words.to_pylist() == ["a", None, None, None, None, None, None, "NAN?"]


@pytest.mark.parametrize(
    ("kind", "values", "expected"),
    [
        # Arrow's strftime wraps years beyond ±32767 (318857 read as -8823): numpy spells them.
        (pa.timestamp("ms"), [10**16, None, 0], ["318857-05-20 17:46:40", None, "1970-01-01"]),
        (pa.timestamp("ms"), [-(10**16)], ["-314918-08-13 06:13:20"]),
        (pa.timestamp("us"), [10**18], ["33658-09-27 01:46:40"]),
        (pa.timestamp("s"), [-62_135_596_801], ["0000-12-31 23:59:59"]),
        (pa.timestamp("ms"), [253_402_300_800_000], ["10000-01-01"]),
        (pa.timestamp("ms", tz="UTC"), [10**16], ["318857-05-20 17:46:40"]),
        (pa.date32(), [2**31 - 1, None, 5], ["5881580-07-11", None, "1970-01-06"]),
        (pa.date32(), [-(2**31)], ["-5877641-06-23"]),
        # Years 1 and 9999, beyond pandas' Timestamp, by Arrow as before.
        (pa.timestamp("us"), [-62_135_596_800_000_000], ["0001-01-01"]),
        (pa.timestamp("ms"), [253_402_300_799_000], ["9999-12-31 23:59:59"]),
    ],
)
def test_dates_of_any_year_read_as_text_keep_their_date(kind, values, expected):
    assert as_text(pa.chunked_array([pa.array(values, kind)])).to_pylist() == expected


def test_a_python_date_of_year_one_has_four_digits():
    assert cell_text(datetime(1, 1, 1)) == "0001-01-01"
    assert cell_text(datetime(9999, 12, 31, 5)) == "9999-12-31 05:00:00"


def test_ids_keep_leading_zeros_and_lose_a_zero_fraction():
    ids = as_id(as_text(_column(["00002", "007", "7", "1.0", "42.00", "1.5", "C1.0"])))
    assert ids.to_pylist() == ["00002", "007", "7", "1", "42", "1.5", "C1.0"]


def test_control_characters_and_non_characters_are_found_and_removed():
    text = _column(["ok", "bad\x01char", "a\ufffeb", "tab\tand\nnewline", None, "\x0b"])
    assert forbidden_characters(text).tolist() == [False, True, True, False, False, True]
    cleaned = without_forbidden_characters(text).to_pylist()
    assert cleaned == ["ok", "badchar", "ab", "tab\tand\nnewline", None, ""]


def test_only_controls_left_open_or_other_forbidden_characters_are_named():
    """Paired direction controls are contained in their cell: removed, not named. An opener left
    open, a closer with nothing of its kind open, crossed pairs, or a control character beside
    a pair are named."""
    cells = {
        "\u202bتهران\u202c": False,
        "کد \u2066SKU-12\u2069": False,
        "\u2067a\u202bb\u202c\u2069": False,  # an embedding inside an isolate, both closed
        "\u202eChicago": True,
        "\u2066x": True,
        "x\u2069\u2066": True,  # closes before it opens
        "\u2067a\u202bb\u2069": True,  # the isolate closed over an open embedding
        "\u2066a\u202c\u2069": True,  # a PDF cannot close an isolate
        "ok\x01\u2066a\u2069": True,
        "a\ufffe": True,
    }
    text = _column(["plain", *cells, None])
    found = forbidden_characters(text)
    assert found.tolist() == [False] + [True] * len(cells) + [False]
    assert left_open(text, found).tolist() == [False, *cells.values(), False]


def test_an_override_is_named_even_when_closed_in_its_cell():
    """An override reverses the letters it holds: `\u202eanA\u202c` shows `Ana` in its sheet,
    and without its controls reads `anA`. Paired, it is still not contained: named."""
    cells = ["\u202eanA\u202c", "\u202d21-UKS\u202c", "\u2067\u202eab\u202c\u2069", "\u202bx\u202c"]
    text = _column(cells)
    found = forbidden_characters(text)
    assert found.tolist() == [True] * 4
    assert left_open(text, found).tolist() == [True, True, True, False]


@given(
    st.lists(
        st.text(
            alphabet="a\n\x01\ufffe\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
            max_size=8,
        ),
        max_size=30,
    )
)
@hypothesis_settings(max_examples=300, deadline=None)
def test_left_open_names_what_the_pairing_names(values: list[str]) -> None:
    """Cells of simple pairs are judged by Arrow, the rest in Python: the same verdicts as
    judging every cell in Python (a control character, an override, or controls unpaired)."""
    text = _column(values)
    found = forbidden_characters(text)
    assert left_open(text, found).tolist() == [
        f and _named(v) for f, v in zip(found.tolist(), values, strict=True)
    ]


def _named(value: str) -> bool:
    """The rule, cell by cell: a control character, an override, or controls not nested pairs."""
    if any(c in value for c in "\x01\ufffe\u202d\u202e"):
        return True
    stack = []
    for c in value:
        if c in "\u202a\u202b\u2066\u2067\u2068":
            stack.append("\u202c" if c in "\u202a\u202b" else "\u2069")
        elif c in "\u202c\u2069" and (not stack or stack.pop() != c):
            return True
    return bool(stack)


def test_direction_controls_are_found_and_removed_marks_and_joiners_kept():
    """An override or embedding left open (U+202E in `Chicago`) turned the rest of a summary
    sentence around, figures included; isolates too. Marks, joiners and the other characters
    of the same bytes' neighbourhood (dashes, quotes: E2 80 ..) stay."""
    cells = ["\u202eChicago", "\u202bتهران\u202c", "a\u2067b\u2069", "\u2066x", "\u202a\u202d"]
    kept = ["\u200fتهران\u200e", "نام\u200cخانوادگی", "“quoted” – dash…", "\u2065\u206a"]
    text = _column([*cells, *kept])
    assert forbidden_characters(text).tolist() == [True] * 5 + [False] * 4
    assert without_forbidden_characters(text).to_pylist() == [
        "Chicago",
        "تهران",
        "ab",
        "x",
        "",
        *kept,
    ]


@pytest.mark.parametrize(
    ("cell", "found"),
    [
        ("São Paulo – تهران", False),  # bytes up to E2 (the dash) but no control
        ("São Paulo, تهران", False),  # no byte below 32 nor from E2: ruled out at a glance
        ("تهران\x1f", True),  # the lowest bytes' control, beside bytes below E2
        ("Zürich\uffff", True),  # a non-character: bytes EF BF BF
        ("id\u2069", True),  # a direction control: bytes E2 81 A9
        ("line\tbreak\n", False),  # bytes below 32 that are not controls a deck refuses
    ],
)
def test_forbidden_characters_found_whatever_the_other_bytes(cell: str, found: bool):
    """The byte scan's quick answer (no byte below 32, none from E2) never hides one."""
    text = _column(["plain", cell])
    assert forbidden_characters(text).tolist() == [False, found]


def test_offset_datetimes_keep_the_date_as_written_by_default():
    column = _column(
        [
            "2026-10-01T00:30:00+03:30",
            "2026-10-01T23:30:00-05:00",
            "2026-10-01 10:00Z",
            "2026-10-05",
            "2026-10-01",
        ]
    )
    assert _days(read_dates(column, None, None)) == [
        "2026-10-01",
        "2026-10-01",
        "2026-10-01",
        "2026-10-05",
        "2026-10-01",
    ]


def test_offset_datetimes_are_converted_to_the_configured_time_zone():
    column = _column(["2026-10-01T00:30:00+03:30", "2026-10-01T23:30:00-05:00", "2026-10-05"])
    assert _days(read_dates(column, None, "Asia/Tehran")) == [
        "2026-10-01",  # already Tehran time
        "2026-10-02",  # 04:30 UTC on the 2nd is 08:00 in Tehran
        "2026-10-05",  # no offset: the client's own wall clock
    ]
    assert _days(read_dates(column, None, "UTC")) == ["2026-09-30", "2026-10-02", "2026-10-05"]


def test_zone_aware_parquet_timestamps_follow_the_same_rule():
    tehran = pd.Timestamp("2026-10-01 00:30", tz="Asia/Tehran")
    column = pa.chunked_array([pa.array([tehran])])
    assert _days(read_dates(column, None, None)) == ["2026-10-01"]
    assert _days(read_dates(column, None, "UTC")) == ["2026-09-30"]


def test_dates_in_a_format_native_digits_and_out_of_range_years():
    column = _column(
        ["05/10/2026", "2026-10-07", "x", None, "۲۰۲۶-۱۰-۰۱", "2262-01-01", "1899-12-31"]
    )
    assert _days(read_dates(column, "%d/%m/%Y", None)) == [
        "2026-10-05",
        "2026-10-07",
        None,
        None,
        "2026-10-01",
        None,
        None,
    ]


def test_yes_no_cells():
    flags = read_booleans(_column(["Yes", "n", "TRUE", "0", "maybe", None]))
    assert flags.to_pylist() == [True, False, True, False, None, None]


@given(
    st.lists(st.one_of(st.none(), st.from_regex(r"[+-]?[0-9.C]{0,6}(\.0{1,3})?", fullmatch=True)))
)
def test_ids_lose_a_zero_fraction_exactly_where_the_pattern_says(cells):
    """The bytes only pick the cells to look at (issue 16): the result is the rule's."""
    rule = re.compile(r"^([+-]?\d+)\.0+$")
    expected = [None if c is None else rule.sub(r"\1", c) for c in cells]
    assert as_id(pa.chunked_array([pa.array(cells, pa.large_string())])).to_pylist() == expected


@pytest.mark.parametrize(
    ("cells", "indices", "categories", "codes"),
    [
        (["open", "lost", None, "open"], None, ["lost", "open"], [1, 0, -1, 1]),
        ([None, None], None, [], [-1, -1]),
        ([], None, [], []),
        # A dictionary-encoded column: its distinct values (two map to "open"), then per cell.
        (
            ["open", "lost", "open", None],
            [2, 0, -1, 1, 3, 0],
            ["lost", "open"],
            [1, 1, -1, 0, -1, 1],
        ),
    ],
)
def test_category_cells_become_sorted_categories_and_a_code_per_cell(
    cells, indices, categories, codes
):
    text = pa.chunked_array([pa.array(cells, pa.string())])
    rows = len(cells) if indices is None else len(indices)
    index = pd.RangeIndex(rows)
    positions = None if indices is None else np.asarray(indices, dtype=np.int64)
    values = to_categories(text, index, positions)
    assert isinstance(values.dtype, pd.CategoricalDtype)
    assert values.cat.categories.dtype == "string"
    assert list(values.cat.categories) == categories
    assert values.cat.codes.tolist() == codes
    assert values.index.equals(index)


def test_date_cells_at_midnight_by_hand():
    written = [
        "1899-12-31T23:59:59",  # before the first date: empty
        "1900-02-28T00:00:00",  # Excel's day number 59 (60 is its 29 February 1900): empty
        "1900-12-31T23:59:59",  # day number 366: empty
        "1901-01-01T00:00:00",
        "1969-12-31T18:30:00",  # before 1970: floored to its own day
        "2026-10-05T23:59:59",
        "2199-12-31T00:00:00",
        "2199-12-31T00:00:01",  # after the last date's start: empty
        "NaT",
    ]
    values = np.asarray(written, dtype="datetime64[s]").astype("datetime64[ns]")
    stamps = pa.chunked_array([pa.array(values, pa.timestamp("ns"))])
    days = read_dates(stamps, None, None)
    assert days.dtype == np.dtype("datetime64[ns]")
    assert [str(d)[:10] if not np.isnat(d) else None for d in days] == [
        None,
        None,
        None,
        "1901-01-01",
        "1969-12-31",
        "2026-10-05",
        "2199-12-31",
        None,
        None,
    ]


def test_nanosecond_date_cells_are_floored_not_refused():
    # pandas writes datetime64[ns] to Parquet as is: a fraction below a microsecond made the
    # cast to microseconds raise ArrowInvalid, a traceback out of `deckgen validate`.
    written = ["2023-11-14T23:59:59.999999999", "1969-12-31T23:59:59.999999999", "NaT"]
    values = np.asarray(written, dtype="datetime64[ns]")
    stamps = pa.chunked_array([pa.array(values, pa.timestamp("ns"))])
    days = read_dates(stamps, None, None)
    assert [str(d)[:10] if not np.isnat(d) else None for d in days] == [
        "2023-11-14",
        "1969-12-31",
        None,
    ]
    aware = pa.chunked_array([pa.array(values[:1].view(np.int64), pa.timestamp("ns", tz="UTC"))])
    assert str(read_dates(aware, None, "Asia/Tehran")[0])[:10] == "2023-11-15"


@pytest.mark.parametrize(
    ("kind", "values", "expected"),
    [
        # Before 1970 a cast truncated toward 1970: 23:59:59.5 on the 31st became the 1st.
        (pa.timestamp("ns"), [-1], ["1969-12-31 23:59:59"]),
        (pa.timestamp("ms"), [-1_500, 1_500], ["1969-12-31 23:59:58", "1970-01-01 00:00:01"]),
        (pa.timestamp("us"), [-142_128_000_000_001], ["1965-06-30 23:59:59"]),
    ],
)
def test_date_cells_as_text_floor_a_fraction_of_a_second(kind, values, expected):
    assert as_text(pa.chunked_array([pa.array(values, kind)])).to_pylist() == expected


@given(st.lists(st.integers(-(2**62), 2**62), max_size=50))
def test_date_cells_at_midnight_are_numpys_day_casts(micros):
    """Midnights worked out in integers (issue 16) are numpy's casts to days and back."""
    values = np.asarray(micros, dtype=np.int64).view("datetime64[us]")
    stamps = pa.chunked_array([pa.array(values, pa.timestamp("us"))], pa.timestamp("us"))
    inside = (values >= np.datetime64("1901-01-01")) & (values <= np.datetime64("2199-12-31"))
    expected = np.where(inside, values, np.datetime64("NaT", "us")).astype("datetime64[D]")
    assert np.array_equal(
        read_dates(stamps, None, None), expected.astype("datetime64[ns]"), equal_nan=True
    )


@pytest.mark.parametrize("kind", [pa.binary(), pa.large_binary()])
def test_utf8_replaced_reads_bad_bytes_as_replacement_characters(kind: pa.DataType) -> None:
    text = pa.large_string() if kind == pa.large_binary() else pa.string()
    bad = pa.array([b"caf\xe9", None, "م".encode()], kind).view(text)
    table = pa.table({"notes": bad, "amount": [1.0, 2.0, 3.0], "city": ["a", "b", "c"]})
    replaced = utf8_replaced(table)
    assert replaced.column("notes").to_pylist() == ["caf\ufffd", None, "م"]
    assert replaced.column("notes").type == text
    assert replaced.column("city").equals(table.column("city"))
    assert replaced.column("amount").equals(table.column("amount"))


def test_maybe_missing_keeps_every_missing_text_and_rules_out_others_by_their_bytes():
    # Where a chunk's cells are compared with the missing texts: the multi-byte "Ν/Α" (Greek,
    # 5 bytes), a missing text's first letter at another length, and a one-letter cell are not.
    texts = [*MISSING_TEXTS, "Ν/Α", "Nobody at all", "N", "", "Lost"]
    first, _, length = text_ends(pa.array(texts))
    assert maybe_missing(first, length).tolist() == [True] * len(MISSING_TEXTS) + [False] * 5
