"""Client cells converted on Arrow: text as the user sees it, numbers, dates and yes/no.

Vectorised Arrow compute does the work; where a rule needs Python (value maps, codes, amounts
with currency signs, dates in a format), it runs once per distinct value, never once per cell.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from deckgen.config import BIDI_CONTROLS

# What pandas' readers treated as an empty cell, which deckgen documents (data-format.md).
MISSING_TEXTS = (
    *("#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN"),
    *("<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"),
)
# Characters that XML (and so a deck) cannot hold, the non-characters U+FFFE and U+FFFF, and
# the direction controls a sentence cannot hold (config.BIDI_CONTROLS); in RE2 syntax for Arrow
# (whose UTF-8 text cannot hold surrogates) and for Python.
FORBIDDEN_CHARACTERS = rf"[\x00-\x08\x0b\x0c\x0e-\x1f{BIDI_CONTROLS}\x{{FFFE}}\x{{FFFF}}]"
_CONTROLS_IN_PYTHON = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
_FORBIDDEN_IN_PYTHON = re.compile(f"[{_CONTROLS_IN_PYTHON}{BIDI_CONTROLS}\ud800-\udfff]")
_CONTROL_IN_PYTHON = re.compile(f"[{_CONTROLS_IN_PYTHON}]")  # forbidden, not a direction control
# Each direction control that closes others (PDF, PDI), with those it closes (UAX #9).
_CLOSES = {"\u202c": "\u202a\u202b", "\u2069": "\u2066\u2067\u2068"}  # overrides: named
# Overrides (LRO, RLO) reverse the very letters between them: closed or not, the cell read
# without them is not the text its sheet shows (`\u202eanA\u202c` shows `Ana`).
_OVERRIDES = "\u202d\u202e"
# A cell whose only forbidden characters are embeddings and isolates each closed before the next
# opens (`\u2066SKU-12\u2069`, every cell of a column a right-to-left export isolated): judged by
# Arrow, the Python loop left for the rest (nested, crossed, open), in RE2 syntax.
_OTHER = "[^" + FORBIDDEN_CHARACTERS[1:]
_ISOLATED = rf"[\x{{2066}}-\x{{2068}}]{_OTHER}*\x{{2069}}"
_EMBEDDED = rf"[\x{{202A}}\x{{202B}}]{_OTHER}*\x{{202C}}"
_SIMPLE_PAIRS = f"^(?:{_OTHER}|{_ISOLATED}|{_EMBEDDED})*$"
MAX_MAGNITUDE = 1e15  # larger numbers are typing or export accidents, and overflow the metrics
# 1900 is left out: its dates are Excel's day numbers 1 to 366 in a date cell (60 is the
# 29 February 1900 Excel invents), a number typed into a date column, never a customer's date.
FIRST_DATE = datetime(1901, 1, 1)
LAST_DATE = datetime(2199, 12, 31)
# Seconds since 1970 of 0001-01-01 00:00:00 and 9999-12-31 23:59:59: the years Arrow's
# strftime writes right (it wraps years beyond ±32767).
_FIRST_SECOND, _LAST_SECOND = -62_135_596_800, 253_402_300_799
_PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}
# Persian and Arabic-Indic digits read as Latin ones; the Arabic decimal and thousands marks.
_NATIVE_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_ARABIC_DECIMAL, _ARABIC_GROUPING = "٫", "٬"
# Numbers as Persian and Arabic locales write them (CLDR: fa `‎−۱۲`, ar `؜-١٢`): the direction
# mark before the sign dropped, the minus sign U+2212 read as `-`.
_NUMBER_CHARACTERS = _NATIVE_DIGITS | {0x200E: None, 0x200F: None, 0x061C: None, 0x2212: "-"}
_NATIVE_PATTERN = "[۰-۹٠-٩٫٬]"
_OFFSET = r"\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$"  # a UTC offset ...
_TIME_WITH_OFFSET = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?" + _OFFSET  # ... after a time
_BOOLEANS = {"true": True, "yes": True, "y": True, "1": True}
_BOOLEANS |= {"false": False, "no": False, "n": False, "0": False}
# Numbers plain enough for Arrow's own parser, per decimal mark.
_PLAIN_NUMBER = {
    ".": r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$",
    ",": r"^[+-]?\d+(?:,\d+)?$",
}
_GROUPING = {".": ",'\u00a0\u202f ", ",": ".'\u00a0\u202f "}
_SPACES = " \u00a0\u202f"


def arrow_column(values: pd.Series, dictionary: bool = False) -> pa.ChunkedArray:
    """The cells of `values` as one Arrow column, whatever pandas holds them in (a dictionary
    column decoded unless `dictionary`)."""
    if isinstance(values.dtype, pd.ArrowDtype):
        column = values.array.__arrow_array__()
    else:
        try:
            column = chunked(pa.array(values, from_pandas=True))  # pandas' Arrow strings: no copy
        except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeEncodeError):  # mixed Python objects
            column = pa.chunked_array([pa.array([cell_text(v) for v in values], pa.string())])
    if pa.types.is_dictionary(column.type) and not dictionary:
        column = column.cast(column.type.value_type)
    return column


def utf8_replaced(table: pa.Table) -> pa.Table:
    """`table` with every text cell that is not UTF-8 decoded with U+FFFD for its bad bytes, for
    a reader that looks at every column (init) before the loader names such a cell of ours."""
    for index, column in enumerate(table.columns):
        kind = column.type
        dictionary = pa.types.is_dictionary(kind)
        text = kind.value_type if dictionary else kind
        if not (pa.types.is_string(text) or pa.types.is_large_string(text)):
            continue
        parts = [chunk.dictionary if dictionary else chunk for chunk in column.chunks]
        if all(is_utf8(part) for part in parts):
            continue
        parts = [part if is_utf8(part) else _decoded(part) for part in parts]
        if dictionary:
            parts = [
                pa.DictionaryArray.from_arrays(chunk.indices, part)
                for chunk, part in zip(column.chunks, parts, strict=True)
            ]
        table = table.set_column(index, table.field(index), pa.chunked_array(parts, kind))
    return table


def is_utf8(values: pa.Array) -> bool:
    """True when every value of the text array `values` is UTF-8."""
    try:
        values.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _decoded(values: pa.Array) -> pa.Array:
    """The text array `values`, its bytes that are not UTF-8 read as U+FFFD."""
    binary = pa.large_binary() if pa.types.is_large_string(values.type) else pa.binary()
    raw = values.view(binary).to_pylist()
    return pa.array([None if v is None else v.decode("utf-8", "replace") for v in raw], values.type)


def cell_text(value: object) -> str | None:
    """One Python cell as text (None when missing): whole floats without `.0`, dates as
    `YYYY-MM-DD` (with the time unless it is midnight)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        if np.isnan(value):
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, datetime):
        midnight = value == datetime.combine(value.date(), time())
        # isoformat, not strftime: glibc's %Y writes year 1 as "1", not "0001"
        return value.date().isoformat() if midnight else value.isoformat(sep=" ")
    return str(value).encode("utf-8", "replace").decode("utf-8")  # no lone surrogates


def shown(value: object) -> str | None:
    """A cell as the user typed it, for a problem message."""
    text = cell_text(value)
    return None if text is None else clean_name(text).strip()[:80]


def python_numbers(raw: pd.Series) -> np.ndarray | None:
    """For a column of mixed Python objects, the cells that are numbers (not text), which no
    decimal mark can misread; None for any other column."""
    if raw.dtype != object:
        return None
    numbers = [
        float(v) if isinstance(v, int | float | np.number) and not isinstance(v, bool) else np.nan
        for v in raw
    ]
    return np.asarray(numbers, dtype=np.float64)


def as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Cells as trimmed text, null where empty or written as missing (`NA`, `#N/A`, ...);
    whole numbers without `.0`, dates as `YYYY-MM-DD` (with the time when it is not midnight)."""
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = column
    elif pa.types.is_floating(kind):
        values = column.to_numpy(zero_copy_only=False)
        whole = np.isfinite(values)
        whole[whole] = (np.mod(values[whole], 1) == 0) & (np.abs(values[whole]) < 2**53)
        as_int = pc.cast(pa.array(np.where(whole, values, 0).astype(np.int64)), pa.string())
        as_float = pc.cast(column, pa.string())
        text = pc.if_else(pa.array(whole), as_int, as_float.combine_chunks())
    elif pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        stamps = column.cast(pa.timestamp("ms")) if pa.types.is_date(kind) else column
        if getattr(stamps.type, "tz", None):
            stamps = pc.local_timestamp(stamps)
        stamps = _floored(stamps, "s")  # strftime's %S shows no fraction
        if _beyond_four_digit_years(stamps):
            text = _spelled_by_numpy(stamps)
        else:
            midnight = pc.equal(pc.floor_temporal(stamps, unit="day"), stamps)
            text = pc.if_else(
                midnight,
                pc.strftime(stamps, format="%Y-%m-%d"),
                pc.strftime(stamps, format="%Y-%m-%d %H:%M:%S"),
            )
    elif pa.types.is_boolean(kind):
        text = pc.if_else(column, "true", "false")
    elif pa.types.is_null(kind):
        return pa.chunked_array([pa.nulls(len(column), pa.string())])
    else:
        try:
            text = pc.cast(column, pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # nested values: not cells
            text = pa.chunked_array([pa.array([str(v) for v in column.to_pylist()], pa.string())])
    return pa.chunked_array([_trimmed(chunk) for chunk in chunked(text).chunks], text.type)


def _floored(stamps: pa.ChunkedArray, unit: str) -> pa.ChunkedArray:
    """Naive timestamps in `unit`, each floored to it when theirs is finer: a cast truncates
    toward 1970 (1969-12-31 23:59:59.5 read as 1970-01-01), and a safe one refuses a fraction."""
    factor = _PER_SECOND[stamps.type.unit] // _PER_SECOND[unit]
    if factor <= 1:
        return stamps.cast(pa.timestamp(unit))
    numbers = stamps.cast(pa.int64())
    floored = np.floor_divide(pc.fill_null(numbers, 0).to_numpy(zero_copy_only=False), factor)
    missing = pc.is_null(numbers).to_numpy(zero_copy_only=False)
    return pa.chunked_array([pa.array(floored, pa.timestamp(unit), mask=missing)])


def _beyond_four_digit_years(stamps: pa.ChunkedArray) -> bool:
    """True if a timestamp (in seconds) falls outside the years 1 to 9999."""
    seconds = stamps.cast(pa.int64())
    low, high = pc.min_max(seconds).values()
    return low.is_valid and (low.as_py() < _FIRST_SECOND or high.as_py() > _LAST_SECOND)


def _spelled_by_numpy(stamps: pa.ChunkedArray) -> pa.ChunkedArray:
    """Timestamps (in seconds) as `YYYY-MM-DD[ HH:MM:SS]` text, for any year numpy holds
    (`-8878-02-19`, `318857-05-20 17:46:40`): Arrow's strftime wraps years beyond ±32767."""
    values = stamps.to_numpy().astype("datetime64[s]")
    days = values.astype("datetime64[D]")
    text = np.where(
        values == days,
        np.datetime_as_string(days),
        np.char.replace(np.datetime_as_string(values, unit="s"), "T", " "),
    )
    return pa.chunked_array([pa.array(text, pa.string(), mask=np.isnat(values))])


def _trimmed(chunk: pa.Array) -> pa.Array:
    """One chunk of text trimmed, null where empty or missing; the bytes are looked at first, so
    that only the cells that can need it go through Arrow's string functions."""
    if len(chunk) == 0:
        return chunk
    first, last, length = text_ends(chunk)
    if ((length > 0) & (_SPACE_OR_WIDE[first] | _SPACE_OR_WIDE[last])).any():
        chunk = pc.utf8_trim_whitespace(chunk)
        first, last, length = text_ends(chunk)
    drop = length == 0
    maybe = maybe_missing(first, length)
    if maybe.any():
        missing = pc.is_in(chunk.filter(pa.array(maybe)), pa.array(MISSING_TEXTS))
        drop[maybe] |= missing.to_numpy(zero_copy_only=False).astype(bool)
    drop &= chunk.is_valid().to_numpy(zero_copy_only=False)
    return pc.if_else(pa.array(drop), pa.scalar(None, chunk.type), chunk) if drop.any() else chunk


def _layout(chunk: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of a chunk of text and where each cell starts (and the last ends)."""
    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    _, offsets, data = chunk.buffers()
    where = np.frombuffer(offsets, dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(1, np.uint8)
    return (data if data.size else np.zeros(1, np.uint8)), where.astype(np.int64)


def text_bytes(chunk: pa.Array) -> np.ndarray:
    """The UTF-8 bytes of the cells of a chunk of text, from its first cell's to its last's."""
    data, where = _layout(chunk)
    return data[where[0] : where[-1]] if len(chunk) else data[:0]


def text_ends(chunk: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each cell's first and last byte (0 for an empty cell) and its length in bytes, from a
    chunk of text's offsets (a null cell: as its offsets say)."""
    data, where = _layout(chunk)
    start, end = where[:-1], where[1:]
    length = end - start
    filled = length > 0
    first = np.where(filled, data[np.clip(start, 0, data.size - 1)], 0)
    last = np.where(filled, data[np.clip(end - 1, 0, data.size - 1)], 0)
    return first, last, length


_SPACE_OR_WIDE = np.zeros(256, dtype=bool)  # bytes that may start or end trimmable space
_SPACE_OR_WIDE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
_SPACE_OR_WIDE[128:] = True  # a multi-byte character: perhaps U+00A0 or another space
_MISSING_START = np.zeros(256, dtype=bool)
_MISSING_START[[ord(text[0]) for text in MISSING_TEXTS]] = True
_MISSING_BYTES = [len(text.encode()) for text in MISSING_TEXTS]
_SHORTEST_MISSING, _LONGEST_MISSING = min(_MISSING_BYTES), max(_MISSING_BYTES)


def maybe_missing(first: np.ndarray, length: np.ndarray) -> np.ndarray:
    """The cells (their first byte and length in bytes, as text_ends gives them) that can be
    one of MISSING_TEXTS: only those are compared with them."""
    fits = (length >= _SHORTEST_MISSING) & (length <= _LONGEST_MISSING)
    return fits & _MISSING_START[first]


def chunked(array: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    """`array` as a ChunkedArray (Arrow compute returns either)."""
    return array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])


def as_id(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """Id text with a zero fraction read as the whole number (`42.0` is `42`, as a number cell
    is); anything else, leading zeros included, exactly as written."""
    chunks = []
    for chunk in text.chunks:
        if len(chunk) == 0:
            chunks.append(chunk)
            continue
        data, where = _layout(chunk)
        end = where[1:]
        last = data[np.clip(end - 1, 0, data.size - 1)]
        before = data[np.clip(end - 2, 0, data.size - 1)]
        # Only these can end in ".0": a 0 after a 0 or the point (`C000010` cannot).
        maybe = (end - where[:-1] >= 3) & (last == ord("0"))
        maybe &= (before == ord("0")) | (before == ord("."))
        if maybe.any():
            mask = pa.array(maybe)
            written = chunk.filter(mask)
            whole = pc.replace_substring_regex(written, r"^([+-]?\d+)\.0+$", r"\1")
            if not whole.equals(written):  # else no copy of the column
                chunk = pc.replace_with_mask(chunk, mask, whole)
        chunks.append(chunk)
    return pa.chunked_array(chunks, text.type)


def forbidden_characters(text: pa.ChunkedArray) -> np.ndarray:
    """Where a cell holds a character a deck cannot hold (control characters, U+FFFE, ...)."""
    if not any(_has_forbidden_bytes(chunk) for chunk in text.chunks):
        return np.zeros(len(text), dtype=bool)
    found = pc.match_substring_regex(text, FORBIDDEN_CHARACTERS)
    return found.to_numpy(zero_copy_only=False).astype(bool, copy=False) & ~null_mask(text)


def left_open(text: pa.ChunkedArray, found: np.ndarray) -> np.ndarray:
    """Of the cells `found` (forbidden_characters), those a warning names: a control character
    or non-character, an override, or a direction control left open or closing none. Balanced
    embeddings and isolates (`کد \u2066SKU-12\u2069`, as right-to-left exports isolate a code)
    are removed unnamed: contained in their cell, they turn nothing around."""
    named = found.copy()
    rows = np.flatnonzero(found)
    if not rows.size:
        return named
    cells = text.take(pa.array(rows))
    simple = pc.match_substring_regex(cells, _SIMPLE_PAIRS).to_numpy(zero_copy_only=False)
    named[rows[simple]] = False
    rows, cells = rows[~simple], cells.filter(pa.array(~simple))
    for row, value in zip(rows, cells.to_pylist(), strict=True):
        named[row] = _CONTROL_IN_PYTHON.search(value) is not None or not _balanced(value)
    return named


def _balanced(value: str) -> bool:
    """True when there is no override, and each embedding is closed by a PDF and each isolate
    by a PDI, nested, as the bidirectional algorithm pairs them (UAX #9)."""
    opened: list[str] = []
    for char in value:
        if char in _CLOSES:
            if not opened or opened[-1] not in _CLOSES[char]:
                return False
            opened.pop()
        elif char in _OVERRIDES:
            return False
        elif char in BIDI_CONTROLS:
            opened.append(char)
    return not opened


def _has_forbidden_bytes(chunk: pa.Array) -> bool:
    """True if the bytes of a chunk of text may hold a control character, a direction control,
    U+FFFE or U+FFFF (a quick scan; the cells are then searched one by one)."""
    if len(chunk) == 0:
        return False
    data, _ = _layout(chunk)
    # Most text has no byte below 32, nor one leading U+2000 and above (E2 and up): two
    # passes over the bytes without a copy rule it out.
    lowest = data.min()
    if lowest >= 32 and data.max() < 0xE2:
        return False
    if lowest < 32 and _CONTROL[data].any():
        return True
    lead = np.flatnonzero(data[:-2] == 0xEF)  # U+FFFE and U+FFFF are EF BF BE and EF BF BF
    if ((data[lead + 1] == 0xBF) & ((data[lead + 2] | 1) == 0xBF)).any():
        return True
    lead = np.flatnonzero(data[:-2] == 0xE2)  # U+202A-U+202E: E2 80 AA-AE; U+2066-9: E2 81 A6-A9
    second, third = data[lead + 1], data[lead + 2]
    embedding = (second == 0x80) & (third >= 0xAA) & (third <= 0xAE)
    return bool((embedding | ((second == 0x81) & (third >= 0xA6) & (third <= 0xA9))).any())


_CONTROL = np.zeros(256, dtype=bool)
_CONTROL[[*range(9), 11, 12, *range(14, 32)]] = True


def without_forbidden_characters(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """`text` with the characters a deck cannot hold removed."""
    return chunked(pc.replace_substring_regex(text, FORBIDDEN_CHARACTERS, ""))


def clean_name(name: str) -> str:
    """A sheet or column name (or any text) without the characters a deck cannot hold."""
    return _FORBIDDEN_IN_PYTHON.sub("", name)


def null_mask(column: pa.ChunkedArray) -> np.ndarray:
    """True where a cell is null."""
    return pc.is_null(column).to_numpy(zero_copy_only=False).astype(bool, copy=False)


def map_distinct(
    text: pa.ChunkedArray, convert: Callable[[str], object], kind: pa.DataType
) -> pa.ChunkedArray:
    """`convert` applied once per distinct value of `text`; nulls stay null."""
    encoded = pc.dictionary_encode(text).combine_chunks()
    mapped = pa.array([convert(v) for v in encoded.dictionary.to_pylist()], type=kind)
    return pa.chunked_array([mapped.take(encoded.indices)])


def to_series(column: pa.ChunkedArray, dtype: str, index: pd.Index) -> pd.Series:
    """Text or yes/no cells as a pandas Series of the Tables dtype `dtype`."""
    if dtype == "string":
        kind = column.type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            column = column.cast(pa.large_string())
        return pd.Series(pd.arrays.ArrowStringArray(column), index=index)
    values = column.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get)
    return pd.Series(values.array, index=index, dtype="boolean")


def to_categories(
    text: pa.ChunkedArray, index: pd.Index, indices: np.ndarray | None = None
) -> pd.Series:
    """Category cells as a pandas ``category`` Series: their distinct texts once, sorted (so
    the same whatever the reader), and a small integer code per cell. With `indices` (per
    cell, -1 when null), `text` holds the distinct values those indices point into."""
    encoded = pc.dictionary_encode(text).combine_chunks()
    order = pc.sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(order) + 1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    rank[-1] = -1  # a null (-1) stays missing
    codes = rank[pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)]
    if indices is not None:
        codes = np.append(codes, -1)[indices]
    categories = pd.Index(encoded.dictionary.take(pa.array(order)).to_pylist(), dtype="string")
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories), index=index)


@dataclass(frozen=True)
class Dictionary:
    """A dictionary-encoded column as its values and, per cell, the position of its value."""

    values: pa.ChunkedArray  # each distinct value once (perhaps null)
    indices: np.ndarray  # int64 into `values` per cell, -1 when the cell is null

    def rows(self, mask: np.ndarray, null: bool) -> np.ndarray:
        """A per-value `mask` spread over the cells (`null` for the null cells)."""
        return np.append(np.asarray(mask, dtype=bool), null)[self.indices]

    def cells(self, values: pa.ChunkedArray) -> pa.ChunkedArray:
        """Per-value `values` (converted `values` of this column) spread over the cells."""
        indices = pa.array(self.indices, mask=self.indices < 0)
        return pa.chunked_array([values.combine_chunks().take(indices)])


def dictionary_of(column: pa.ChunkedArray) -> Dictionary | None:
    """The values and indices of a dictionary-encoded column; None for any other column."""
    if not pa.types.is_dictionary(column.type):
        return None
    unified = column.unify_dictionaries()
    values = unified.chunk(0).dictionary if unified.num_chunks else pa.array([], pa.string())
    if unified.num_chunks:
        indices = pa.chunked_array([chunk.indices for chunk in unified.chunks])
    else:
        indices = pa.chunked_array([], pa.int32())
    codes = pc.fill_null(indices, -1).to_numpy().astype(np.int64)
    return Dictionary(chunked(values), codes)


def distinct_values(text: pa.ChunkedArray) -> tuple[list[str], np.ndarray]:
    """The distinct values of `text` and, per cell, the position of its value (-1 when null)."""
    encoded = pc.dictionary_encode(text).combine_chunks()
    indices = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    return encoded.dictionary.to_pylist(), indices.astype(np.int64)


# -- numbers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Numbers:
    """Cells read as numbers."""

    values: np.ndarray  # float64, NaN where blank or unreadable
    bad: np.ndarray  # the cell holds text that is not a number under the decimal mark
    other_mark: np.ndarray  # ... but would be one under the other decimal mark
    currencies: tuple[str, ...]  # currency signs or codes written with the amounts, most first


def read_numbers(
    column: pa.ChunkedArray, decimal: str, numeric: np.ndarray | None = None
) -> Numbers:
    """Numbers from numeric cells, or from text written with `decimal` as the decimal mark
    (grouping marks and a currency sign or code allowed; see parse_number); `numeric` gives
    the cells of a mixed column that were numbers already (NaN elsewhere)."""
    n = len(column)
    if numeric is not None and not np.isnan(numeric).all():
        text_only = pc.if_else(pa.array(np.isnan(numeric)), column, pa.scalar(None, column.type))
        rest = read_numbers(chunked(text_only), decimal)
        values = np.where(np.isnan(numeric), rest.values, numeric)
        values = np.where(np.isfinite(values), values, np.nan)
        return Numbers(values, rest.bad, rest.other_mark, rest.currencies)
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        values = column.to_numpy(zero_copy_only=False).astype(np.float64)
        none = np.zeros(n, dtype=bool)
        return Numbers(np.where(np.isfinite(values), values, np.nan), none, none, ())
    text = as_text(column)
    plain = pc.fill_null(pc.match_substring_regex(text, _PLAIN_NUMBER[decimal]), False)
    plain_mask = plain.to_numpy(zero_copy_only=False).astype(bool)
    values = np.full(n, np.nan)
    if plain_mask.any():
        quick = pc.filter(text, plain)
        if decimal == ",":
            quick = pc.replace_substring(quick, ",", ".")
        values[plain_mask] = pc.cast(quick, pa.float64()).to_numpy(zero_copy_only=False)
    rest = ~plain_mask & ~null_mask(text)
    bad = np.zeros(n, dtype=bool)
    other_mark = np.zeros(n, dtype=bool)
    currencies: dict[str, int] = {}
    if rest.any():
        positions = np.flatnonzero(rest)
        distinct, codes = distinct_values(pc.take(text, pa.array(positions)))
        parsed = [parse_number(v, decimal) for v in distinct]
        numbers = np.array([np.nan if p is None else p[0] for p in parsed])
        values[positions] = numbers[codes]
        failed = np.isnan(numbers)
        bad[positions] = failed[codes]
        other = "." if decimal == "," else ","
        elsewhere = [
            f and parse_number(v, other) is not None for v, f in zip(distinct, failed, strict=True)
        ]
        other_mark[positions] = np.array(elsewhere, dtype=bool)[codes]
        counts = np.bincount(codes, minlength=len(distinct))
        for parsed_value, count in zip(parsed, counts, strict=True):
            if parsed_value is not None and parsed_value[1]:
                currency = parsed_value[1]
                currencies[currency] = currencies.get(currency, 0) + int(count)
    values = np.where(np.isfinite(values), values, np.nan)
    ranked = tuple(sorted(currencies, key=lambda c: (-currencies[c], c)))
    return Numbers(values, bad, other_mark, ranked)


def parse_number(text: str, decimal: str) -> tuple[float, str] | None:
    """`text` as a number and the currency written with it ("" if none), or None.

    Accepted: a sign (`-`, `+`, the minus sign `−`, after a direction mark as Persian and Arabic
    software writes it) or accounting brackets, a currency sign or code before or after
    (`$`, `€`, `USD`), digits grouped in threes by the grouping marks of `decimal` (`,` `'` and
    spaces for a decimal point; `.` `'` and spaces for a decimal comma), then the decimal mark
    and digits. Anything else (two decimal marks, groups not of three) is refused.
    """
    text = text.translate(_NUMBER_CHARACTERS).strip()
    text = text.replace(_ARABIC_DECIMAL, decimal).replace(_ARABIC_GROUPING, "")
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1].strip()
    text, sign = _take_sign(text)
    text, before = _strip_currency(text, leading=True)
    if not sign:
        text, sign = _take_sign(text)
    text, after = _strip_currency(text, leading=False)
    number = _grouped_number(text, decimal)
    if number is None or (before and after):
        return None
    if sign == "-":
        number = -number
    return (-number if negative else number), before or after


def _take_sign(text: str) -> tuple[str, str]:
    """`text` without a leading + or -, and that sign."""
    if text[:1] in ("+", "-"):
        return text[1:].strip(), text[0]
    return text, ""


def _strip_currency(text: str, leading: bool) -> tuple[str, str]:
    """`text` without a currency sign or code at its start (or end), and that currency."""
    ends = range(len(text)) if leading else range(len(text) - 1, -1, -1)
    cut = next((i for i in ends if not _currency_character(text, i)), None)
    if cut is None:
        return text, ""
    currency = text[:cut] if leading else text[cut + 1 :]
    rest = text[cut:] if leading else text[: cut + 1]
    if len(currency) > 5:
        return text, ""
    return rest.strip(), currency.strip()


def _currency_character(text: str, at: int) -> bool:
    character = text[at]
    if character == "." and 0 < at < len(text) - 1:  # an abbreviation's dot: ر.س, د.إ
        return text[at - 1].isalpha() and text[at + 1].isalpha()
    return unicodedata.category(character) == "Sc" or character.isalpha() or character in _SPACES


def _grouped_number(text: str, decimal: str) -> float | None:
    """Digits grouped in threes by one grouping mark, then `decimal` and digits; else None."""
    whole, mark, fraction = text.partition(decimal)
    if (mark and not fraction.isdigit()) or not whole or not fraction.isascii():
        return None
    for grouping in _GROUPING[decimal]:
        if grouping in whole:
            groups = whole.split(grouping)
            if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
                return None
            whole = "".join(groups)
            break
    if not (whole.isdigit() and whole.isascii()):
        return None
    return float(f"{whole}.{fraction or 0}")


# -- dates -------------------------------------------------------------------------------


def read_dates(column: pa.ChunkedArray, fmt: str | None, timezone: str | None) -> np.ndarray:
    """datetime64[ns] dates at midnight (NaT where blank or unreadable) from date cells or text
    (ISO, or `fmt` in strptime codes); a time with a UTC offset is taken in `timezone`, or at
    its own offset (the date as written) when there is none; years 1901 to 2199 only."""
    kind = column.type
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        stamps = column.cast(pa.timestamp("ms")) if pa.types.is_date(kind) else column
        if kind.tz if pa.types.is_timestamp(kind) else None:
            if timezone is not None:
                stamps = stamps.cast(pa.timestamp(stamps.type.unit, tz=timezone))
            stamps = pc.local_timestamp(stamps)
        values = _floored(_within_microseconds(stamps), "us")
        values = values.to_numpy(zero_copy_only=False)
    elif fmt is not None or pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = as_text(column)
        if pc.any(pc.match_substring_regex(text, _NATIVE_PATTERN)).as_py():
            text = map_distinct(text, lambda v: v.translate(_NATIVE_DIGITS), pa.string())
        distinct, codes = distinct_values(text)
        parsed = _parse_dates(pd.Series(distinct, dtype=object), fmt, timezone)
        with_null = np.append(parsed, np.datetime64("NaT", "us"))
        values = with_null[codes]  # code -1 (a blank cell) takes the NaT at the end
    else:
        return np.full(len(column), np.datetime64("NaT", "ns"), dtype="datetime64[ns]")
    return _midnights(values)


def _within_microseconds(stamps: pa.ChunkedArray) -> pa.ChunkedArray:
    """Timestamps in seconds or milliseconds null where microseconds cannot hold them (years
    beyond 294,000, outside 1901 to 2199 anyway): the cast would fail, not give no date."""
    unit = stamps.type.unit
    if unit not in ("s", "ms"):
        return stamps
    bound = np.iinfo(np.int64).max // (1_000_000 if unit == "s" else 1_000)
    numbers = stamps.cast(pa.int64())
    fits = pc.and_(pc.greater_equal(numbers, -bound), pc.less_equal(numbers, bound))
    return chunked(pc.if_else(fits, stamps, pa.scalar(None, stamps.type)))


_US_PER_DAY = 86_400_000_000
_NS_PER_US = 1_000


def _midnights(values: np.ndarray) -> np.ndarray:
    """datetime64 `values` as datetime64[ns] at midnight (the day's start), NaT outside
    FIRST_DATE to LAST_DATE; in integers, with one new array (numpy's casts copy three)."""
    micro = values.astype("datetime64[us]", copy=False).view(np.int64)
    low = np.datetime64(FIRST_DATE, "us").astype(np.int64)
    high = np.datetime64(LAST_DATE, "us").astype(np.int64)
    outside = (micro < low) | (micro > high)  # NaT, the int64 minimum, is outside too
    nanos = np.floor_divide(micro, _US_PER_DAY)  # the day, floored as a cast to days floors
    nanos *= _US_PER_DAY * _NS_PER_US
    nanos[outside] = np.iinfo(np.int64).min
    return nanos.view("datetime64[ns]")


def _parse_dates(texts: pd.Series, fmt: str | None, timezone: str | None) -> np.ndarray:
    """Distinct date texts as naive datetime64[us] in the client's wall-clock time."""
    result = np.full(len(texts), np.datetime64("NaT", "us"), dtype="datetime64[us]")
    if texts.empty:
        return result
    offset = texts.str.contains(_TIME_WITH_OFFSET, regex=True).to_numpy(dtype=bool)
    plain_format = fmt.replace("%z", "").strip() if fmt else None
    result[~offset] = _to_datetime(texts[~offset], plain_format)
    if offset.any():
        written = texts[offset]
        if timezone is None:  # the wall-clock date as written, whatever the offset
            result[offset] = _to_datetime(
                written.str.replace(_OFFSET, "", regex=True), plain_format
            )
        else:
            aware = pd.to_datetime(written, format=fmt or "ISO8601", errors="coerce", utc=True)
            local = aware.dt.tz_convert(timezone).dt.tz_localize(None)
            result[offset] = local.to_numpy(dtype="datetime64[us]")
    return result


def _to_datetime(texts: pd.Series, fmt: str | None) -> np.ndarray:
    """Naive datetime64[us] from `texts` in `fmt` (ISO texts, such as date cells, as well)."""
    values = _datetimes(texts, fmt or "ISO8601")
    if fmt is not None:
        retry = np.isnat(values) & texts.notna().to_numpy()
        if retry.any():
            values[retry] = _datetimes(texts[retry], "ISO8601")
    return values


def _datetimes(texts: pd.Series, fmt: str) -> np.ndarray:
    parsed = pd.to_datetime(texts, format=fmt, errors="coerce")
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):  # a format with %z
        parsed = parsed.dt.tz_localize(None)
    return np.array(parsed.to_numpy(dtype="datetime64[us]"))  # writable


# -- yes/no ------------------------------------------------------------------------------


def read_booleans(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Yes/no cells: real TRUE/FALSE, 1/0, or the words of docs/data-format.md; null otherwise."""
    if pa.types.is_boolean(column.type):
        return column
    return map_distinct(as_text(column), lambda v: _BOOLEANS.get(v.casefold()), pa.bool_())
