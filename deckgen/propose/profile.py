"""What a client's sheet holds: its header row and, per column, the kind and shape of its cells."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyarrow as pa

from deckgen.data import cells
from deckgen.propose.names import compact, synonyms

Kind = Literal["empty", "date", "number", "bool", "text"]
MIN_SHARE = 0.9  # share of a column's filled cells that must read as a kind for the column to be it
KEPT_VALUES = 200  # distinct values kept per column (the most frequent), for value maps
_SAMPLE = 2000  # distinct values looked at first, to rule a kind out quickly
# Text date formats tried, day-first before month-first (the runner-up when both read).
_DAY_MONTH = ("%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%m-%d-%Y", "%d/%m/%y", "%m/%d/%y")
_DAY_MONTH += ("%d.%m.%y", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")
_TIMES = ("", " %H:%M", " %H:%M:%S")
DATE_FORMATS = tuple(f + t for f in _DAY_MONTH for t in _TIMES)
_OFFSET = re.compile(r"(\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})$")
_WITHOUT_OFFSET = r"\1"  # the time without its UTC offset
_NUMBERISH = re.compile(r"^[\s\d.,'()+\-%٫٬۰-۹٠-٩]*\d[\s\d.,'()+\-%٫٬۰-۹٠-٩]*$")
_DATEISH = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")
_YYYYMMDD = (19000101, 21991231)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# An order or invoice number: digits after at most a `#` and a short prefix (`#1001`, `1001`,
# `SO-1001`, `WC1001`); random tokens (`ch_3Mm8Lr...`, uuids) are not.
_NUMBERED = re.compile(r"^[#№]?[^\W\d_]{0,4}[-_/ ]?\d+$")


@dataclass(frozen=True)
class HeaderRow:
    """The row of a sheet that holds its column names."""

    row: int  # spreadsheet row, 1-based
    titles: tuple[str, ...]  # the text of the rows above it (title rows)
    known: int  # its cells that are names deckgen knows
    width: int  # its filled cells


def find_header_row(head: Sequence[Sequence[str | None]]) -> HeaderRow | None:
    """The row among `head` (the first rows of a sheet, as text) that holds the column names:
    the one with the most names deckgen knows, else the first row as wide as the table whose
    cells are all words; None when no row is (a sheet of numbers, or empty)."""
    known_names = _known_names()
    rows = [[c for c in row if c is not None and str(c).strip()] for row in head]
    widest = max((len(r) for r in rows), default=0)
    best: tuple[tuple[int, int, int], HeaderRow] | None = None
    for index, row in enumerate(rows):
        if len(row) < min(2, widest) or len(set(row)) < len(row) * 0.8:
            continue
        words = sum(not _NUMBERISH.match(str(c)) and not _DATEISH.match(str(c)) for c in row)
        if words < 0.75 * len(row):
            continue
        known = sum(compact(c) in known_names for c in row)
        titles = tuple(" ".join(map(str, r)) for r in rows[:index] if r)
        header = HeaderRow(index + 1, titles, known, len(row))
        # More known names first, then a wider row, then the earlier one.
        key = (known, len(row) if known == 0 else 0, -index)
        if best is None or key > best[0]:
            best = (key, header)
    return None if best is None else best[1]


def _known_names() -> frozenset[str]:
    names = synonyms().columns.values()
    return frozenset(name.replace(" ", "") for group in names for name in group)


@dataclass(frozen=True)
class ColumnProfile:
    """The kind and shape of one client column's cells."""

    name: str
    rows: int  # rows of the sheet
    filled: int  # cells that are not blank
    kind: Kind
    distinct: int  # distinct values among the filled cells
    values: tuple[tuple[str, int], ...]  # the most frequent values as text, with their counts
    date_format: str | None = None  # strptime format of text dates; None for date cells or ISO
    date_alternative: str | None = None  # another format that reads every date as well
    offsets: tuple[str, ...] = ()  # UTC offsets written with the times, most frequent first
    decimal: str = "."  # the decimal mark of numbers written as text
    other_mark: int = 0  # text numbers that read only with `decimal` (evidence for it)
    currencies: tuple[str, ...] = ()  # signs or codes written with the numbers, most first
    minimum: float | None = None
    maximum: float | None = None
    whole: bool = False  # every number is a whole number
    negatives: int = 0  # cells holding a negative number
    mean_length: float = 0.0  # characters per filled cell, as text
    spaced: float = 0.0  # share of filled cells holding a space (free text, names)
    listed: float = 0.0  # share of filled cells holding a `;` (lists such as interests)
    leading_zero: bool = False  # an id written with leading zeros (`007`)
    prefix: str = ""  # letters that most values start with (`C` in `C00042`)
    totals: tuple[int, ...] = ()  # rows (0-based) whose cell is a TOTAL-like word
    total_labels: tuple[str, ...] = ()  # the distinct TOTAL-like words of those rows
    keys: frozenset[str] = frozenset()  # the distinct values, for id columns (overlaps)
    emails: float = 0.0  # share of the distinct values that are e-mail addresses
    numbered: bool = False  # 90% of the values are order numbers (`#1001`), not random tokens

    @property
    def unique(self) -> bool:
        """True when no filled value repeats (TOTAL rows aside)."""
        return self.filled > len(self.totals) and self.distinct - len(self.total_labels) == (
            self.filled - len(self.totals)
        )

    @property
    def scale(self) -> tuple[float, float] | None:
        """(min, max) of a column of whole numbers within 0..10 (survey answers), else None."""
        if self.kind != "number" or not self.whole or self.minimum is None:
            return None
        if self.minimum < 0 or (self.maximum or 0) > 10:
            return None
        return (self.minimum, self.maximum or 0)


def profile_table(table: pa.Table) -> tuple[ColumnProfile, ...]:
    """A profile of every column of `table` (a sheet read below its header row)."""
    return tuple(_profile(name, table[name]) for name in table.column_names)


def _profile(name: str, column: pa.ChunkedArray) -> ColumnProfile:
    rows = len(column)
    text = cells.as_text(column)
    filled = rows - text.null_count
    if filled == 0:
        return ColumnProfile(name, rows, 0, "empty", 0, ())
    distinct, codes = cells.distinct_values(text)
    counts = np.bincount(codes[codes >= 0], minlength=len(distinct))
    order = sorted(range(len(distinct)), key=lambda i: (-counts[i], distinct[i]))
    values = tuple((distinct[i], int(counts[i])) for i in order[:KEPT_VALUES])
    lengths = np.array([len(v) for v in distinct])
    shape = {
        "mean_length": float((lengths * counts).sum() / filled),
        "spaced": float(sum(c for v, c in zip(distinct, counts, strict=True) if " " in v) / filled),
        "listed": float(sum(c for v, c in zip(distinct, counts, strict=True) if ";" in v) / filled),
        "leading_zero": any(len(v) > 1 and v[0] == "0" and v.isdigit() for v in distinct[:1000]),
        "prefix": _prefix(distinct),
        **_id_shapes(distinct),
        **_total_rows(distinct, codes),
        "keys": frozenset(distinct) if len(distinct) <= 500_000 else frozenset(),
    }
    base = ColumnProfile(name, rows, filled, "text", len(distinct), values, **shape)
    kind = column.type
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        return _as_dates(base, None)
    if pa.types.is_boolean(kind):
        return _with(base, kind="bool")
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        if _yyyymmdd(column):
            return _as_dates(base, "%Y%m%d")
        return _as_numbers(base, column, ".")
    return _from_text(base, column, distinct)


def _from_text(base: ColumnProfile, column: pa.ChunkedArray, distinct: list[str]) -> ColumnProfile:
    """A text column read as yes/no, dates, numbers or text, whichever its cells are."""
    yes_no = synonyms().values["yes_no"]
    if (
        len(distinct) <= 4
        and all(compact(v) in yes_no for v in distinct)
        and not all(v in ("0", "1") for v in distinct)
    ):
        return _with(base, kind="bool")
    dates = _text_dates(base, distinct)
    if dates is not None:
        return dates
    best: ColumnProfile | None = None
    sample = pa.chunked_array([pa.array(distinct[:_SAMPLE], pa.string())])
    for mark in (".", ","):
        if not _numbers(cells.read_numbers(sample, mark)):
            continue  # a glance at the first values is enough to rule it out
        numbers = cells.read_numbers(column, mark)
        if not all(_currency(sign) for sign in numbers.currencies):
            continue
        read = int(np.isfinite(numbers.values).sum())
        if read >= MIN_SHARE * base.filled and (best is None or read > _read(best)):
            best = _as_numbers(base, column, mark, numbers)
    return best or base


def _numbers(numbers: cells.Numbers) -> bool:
    """True when most cells read as numbers, with currency signs that are currencies (`C00042`
    is an id, not 42 in currency `C`)."""
    read = np.isfinite(numbers.values).mean() >= MIN_SHARE if numbers.values.size else False
    return bool(read) and all(_currency(sign) for sign in numbers.currencies)


def _currency(sign: str) -> bool:
    """True if `sign`, written with a number, is a currency sign or a known currency code."""
    known = synonyms().currency_signs
    return (
        sign in known or sign.upper() in known or all(unicodedata.category(c) == "Sc" for c in sign)
    )


def _read(profile: ColumnProfile) -> int:
    return profile.filled - profile.other_mark if profile.kind == "number" else 0


def _text_dates(base: ColumnProfile, distinct: list[str]) -> ColumnProfile | None:
    """`base` as a date column when its texts are dates (ISO, or one of DATE_FORMATS)."""
    sample = [v for v in distinct[:_SAMPLE] if any(ch.isdigit() for ch in v.translate(_DIGITS))]
    if len(sample) < MIN_SHARE * min(len(distinct), _SAMPLE) or not sample:
        return None
    texts = pa.chunked_array([pa.array(sample, pa.string())])
    iso = _date_share(texts, None)
    if iso >= MIN_SHARE:
        return _with(base, kind="date", offsets=_offsets(base))
    shares = {fmt: _date_share(texts, fmt) for fmt in DATE_FORMATS if _plausible(fmt, sample)}
    if not shares:
        return None
    ranked = sorted(shares, key=lambda f: -shares[f])  # stable: day-first wins a tie
    best = ranked[0]
    if shares[best] < MIN_SHARE:
        return None
    tied = [
        f for f in ranked[1:] if shares[f] >= shares[best] - 1e-9 and _family(f) != _family(best)
    ]
    return _with(
        base,
        kind="date",
        date_format=best,
        date_alternative=tied[0] if tied else None,
        offsets=_offsets(base),
    )


_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def _plausible(fmt: str, sample: list[str]) -> bool:
    """True if `fmt` has the separator and time the first dates are written with."""
    first = sample[0].translate(_DIGITS)
    separator = next((c for c in "/.-" if c in fmt.split(" ")[0]), "")
    if separator and separator not in first:
        return False
    if not separator and not first[:8].isdigit():
        return False
    return ("%H" in fmt) == (":" in first)


def shown_format(fmt: str | None) -> str:
    """A strptime format as people write it: `%d/%m/%Y` is `dd/mm/yyyy`."""
    if fmt is None:
        return "as dates"
    words = {"%d": "dd", "%m": "mm", "%Y": "yyyy", "%y": "yy", "%H": "HH", "%M": "MM", "%S": "SS"}
    for code, word in words.items():
        fmt = fmt.replace(code, word)
    return fmt


def _family(fmt: str) -> str:
    """A format without its time: the formats of one reading of the digits."""
    return fmt.split(" ")[0]


def _date_share(texts: pa.ChunkedArray, fmt: str | None) -> float:
    """Share of `texts` that read as dates in `fmt` only (None: ISO)."""
    if fmt is None:
        days = cells.read_dates(texts, None, None)
        return float((~np.isnat(days)).mean())
    plain = pd_dates(texts, fmt)
    return float((~np.isnat(plain)).mean())


def pd_dates(texts: pa.ChunkedArray, fmt: str) -> np.ndarray:
    """Dates read from `texts` in `fmt` alone (no ISO fallback), NaT where they do not read."""
    import pandas as pd

    values = pd.Series(texts.to_pylist(), dtype=object).map(
        lambda v: v.translate(_DIGITS) if isinstance(v, str) else v
    )
    stripped = values.str.replace(_OFFSET, _WITHOUT_OFFSET, regex=True)
    parsed = pd.to_datetime(stripped, format=fmt, errors="coerce")
    # Compared in pandas' own unit (microseconds since pandas 3): a date past 2262 does not fit
    # in nanoseconds, where NumPy 2.5 refuses it and NumPy 2.4 wrapped it round (2600 to 2016).
    days = parsed.to_numpy()
    inside = (days >= np.datetime64(cells.FIRST_DATE)) & (days <= np.datetime64(cells.LAST_DATE))
    days = np.where(inside, days, np.array("NaT", days.dtype))
    return days.astype("datetime64[ns]", copy=False)


def _offsets(base: ColumnProfile) -> tuple[str, ...]:
    """The UTC offsets written after the times of a column's values, most frequent first."""
    found: dict[str, int] = {}
    for value, count in base.values:
        match = _OFFSET.search(value)
        if match:
            offset = match.group(2)
            offset = "+00:00" if offset == "Z" else offset
            if ":" not in offset:
                offset = f"{offset[:3]}:{offset[3:]}"
            found[offset] = found.get(offset, 0) + count
    return tuple(sorted(found, key=lambda o: (-found[o], o)))


def _yyyymmdd(column: pa.ChunkedArray) -> bool:
    """True for whole numbers that are all dates written as yyyymmdd (20261005)."""
    values = column.to_numpy(zero_copy_only=False).astype(float)
    values = values[np.isfinite(values)]
    if values.size == 0 or (np.mod(values, 1) != 0).any():
        return False
    if values.min() < _YYYYMMDD[0] or values.max() > _YYYYMMDD[1]:
        return False
    texts = pa.chunked_array([pa.array([str(int(v)) for v in np.unique(values)], pa.string())])
    return bool((~np.isnat(pd_dates(texts, "%Y%m%d"))).mean() >= 0.99)


def _as_dates(base: ColumnProfile, fmt: str | None) -> ColumnProfile:
    return _with(base, kind="date", date_format=fmt)


def _as_numbers(
    base: ColumnProfile, column: pa.ChunkedArray, mark: str, numbers: cells.Numbers | None = None
) -> ColumnProfile:
    numbers = numbers or cells.read_numbers(column, mark)
    values = numbers.values[np.isfinite(numbers.values)]
    if values.size == 0:
        return base
    other = "," if mark == "." else "."
    only_this = 0
    if not (pa.types.is_integer(column.type) or pa.types.is_floating(column.type)):
        elsewhere = cells.read_numbers(column, other)
        only_this = int((np.isfinite(numbers.values) & ~np.isfinite(elsewhere.values)).sum())
    return _with(
        base,
        kind="number",
        decimal=mark,
        other_mark=only_this,
        currencies=numbers.currencies,
        minimum=float(values.min()),
        maximum=float(values.max()),
        whole=bool((np.mod(values, 1) == 0).all()),
        negatives=int((values < 0).sum()),
    )


def _with(base: ColumnProfile, **changes: object) -> ColumnProfile:
    from dataclasses import replace

    return replace(base, **changes)


def _prefix(distinct: list[str]) -> str:
    """The letters most values start with, when at least 90% do (`C` of `C00042`)."""
    heads: dict[str, int] = {}
    sample = distinct[:_SAMPLE]
    for value in sample:
        match = re.match(r"[^\W\d_]+", value)
        if match and len(match.group()) <= 4 and any(ch.isdigit() for ch in value):
            heads[match.group()] = heads.get(match.group(), 0) + 1
    if not heads:
        return ""
    head = max(sorted(heads), key=lambda h: heads[h])
    return head if heads[head] >= 0.9 * len(sample) else ""


def _id_shapes(distinct: list[str]) -> dict[str, object]:
    """The share of e-mail addresses among the first distinct values, and whether they are
    order numbers."""
    sample = distinct[:_SAMPLE]
    emails = sum(bool(_EMAIL.match(v.strip())) for v in sample) / len(sample)
    numbered = sum(bool(_NUMBERED.match(v.strip())) for v in sample) >= 0.9 * len(sample)
    return {"emails": emails, "numbered": numbered}


def _total_rows(distinct: list[str], codes: np.ndarray) -> dict[str, tuple]:
    """The rows whose value is a TOTAL-like word (`Total`, `Grand total`, `جمع کل`), and the
    words, looked for among all the distinct values (not only the most frequent)."""
    hits = [i for i, v in enumerate(distinct) if is_total_word(v)]
    if not hits:
        return {}
    rows = tuple(int(r) for r in np.flatnonzero(np.isin(codes, hits)))
    return {"totals": rows, "total_labels": tuple(sorted(distinct[i] for i in hits))}


def is_total_word(value: str) -> bool:
    """True for a cell that labels a TOTAL row (`Total`, `Total 2025:`, `جمع کل`)."""
    if len(value) > 30 or 2 * sum(ch.isdigit() for ch in value) > len(value):
        return False  # ids, numbers and sentences are no labels (and are many)
    return compact(re.sub(r"[\d\s:]+$", "", value)) in synonyms().totals
