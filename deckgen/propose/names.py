"""Names and values matched against the synonym lists of synonyms.toml (rapidfuzz for close ones)."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rapidfuzz import fuzz, process

EXACT = 1.0  # a name that is one of the synonyms, once folded
FUZZY_CUTOFF = 85  # rapidfuzz ratio (0..100) from which a name is a close spelling of a synonym
VALUE_CUTOFF = 88  # the same for values (channels, statuses, ...): stricter, values are short
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_HARAKAT = re.compile("[\u064b-\u065f\u0670]")
_ARABIC_FORMS = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ة": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ـ": None,
        "\u200c": " ",  # zero-width non-joiner: a space in Persian compounds
        "\u200d": None,
    }
)
_WORD = re.compile(r"[^\W_]+")
_MAIN_DATES = ("order_date", "created_date", "month")


def fold(text: object) -> str:
    """`text` as words for comparing names: case, punctuation, CamelCase, `#`, Arabic letter
    forms, the article ال and diacritics folded (`Kunden-Nr.` -> `kunden nr`)."""
    text = unicodedata.normalize("NFKC", str(text))
    text = _CAMEL.sub(" ", text).replace("#", " no ").replace("№", " no ")
    text = _HARAKAT.sub("", text).translate(_ARABIC_FORMS).casefold()
    words = [w[2:] if w.startswith("ال") and len(w) > 4 else w for w in _WORD.findall(text)]
    return " ".join(words)


def compact(text: object) -> str:
    """`fold(text)` without spaces: `Customer ID`, `customer_id` and `CustomerID` agree."""
    return fold(text).replace(" ", "")


@dataclass(frozen=True)
class NameMatch:
    """How well a client's name matches one of ours."""

    score: float  # 0..1: 1 exact, about 0.55..0.9 close spelling or contained words, 0 none
    synonym: str  # the synonym it matched (folded), "" for none
    how: str  # "exact", "close", "contains" or ""


NO_MATCH = NameMatch(0.0, "", "")


@dataclass(frozen=True)
class Synonyms:
    """synonyms.toml, folded for matching."""

    sheets: dict[str, tuple[str, ...]]  # our sheet -> names
    columns: dict[tuple[str, str], tuple[str, ...]]  # (our sheet, our column) -> names
    values: dict[str, dict[str, str]]  # value group -> compact spelling -> our code
    totals: frozenset[str]  # compact words of TOTAL rows
    generic: frozenset[str]  # folded words that name a column only on their own
    placeholders: frozenset[str]  # compact customer ids that stand for no one (`guest`)
    currency_signs: dict[str, str]  # sign or code as written -> currency
    currency_columns: tuple[str, ...]  # folded names of a column of currency codes
    order_statuses: dict[str, str]  # compact order or payment status -> sale, not_sale, unpaid
    country_currencies: dict[str, str]  # compact country name -> currency
    script_currencies: dict[str, str]  # "fa"/"ar" -> currency
    zones: dict[str, dict[str, str]]  # UTC offset -> language ("any") -> zone


@cache
def synonyms() -> Synonyms:
    """The synonym lists shipped with deckgen, folded."""
    data = tomllib.loads(resources.files(__package__).joinpath("synonyms.toml").read_text("utf-8"))
    columns: dict[tuple[str, str], tuple[str, ...]] = {}
    shared = data["columns"]["any"]
    from deckgen.data.schema import SHEETS  # the sheets whose columns share [columns.any]

    for sheet in SHEETS:
        own = data["columns"].get(sheet.name, {})
        for column in dict.fromkeys([*(c.name for c in sheet.columns), *own]):
            entries = [column.replace("_", " "), *own.get(column, []), *shared.get(column, [])]
            if column in _MAIN_DATES:  # a sheet's one date is often just "Date"
                entries += shared["date"]
            columns[(sheet.name, column)] = tuple(dict.fromkeys(fold(e) for e in entries))
    values = {
        group: {
            _value_key(spelling): code
            for code, spellings in table.items()
            for spelling in spellings
        }
        for group, table in data["values"].items()
    }
    return Synonyms(
        sheets={
            name: tuple(dict.fromkeys(fold(n) for n in [name, *names]))
            for name, names in data["sheets"].items()
        },
        columns=columns,
        values=values,
        totals=frozenset(compact(w) for w in data["totals"]["words"]),
        generic=frozenset(fold(w) for w in data["generic"]["words"]),
        placeholders=frozenset(compact(w) for w in data["placeholders"]["words"]),
        currency_signs=dict(data["currencies"]["signs"]),
        currency_columns=tuple(fold(n) for n in data["currencies"]["columns"]["names"]),
        order_statuses={
            compact(word): kind for kind, words in data["order_statuses"].items() for word in words
        },
        country_currencies={
            compact(country): code
            for code, countries in data["currencies"]["countries"].items()
            for country in countries
        },
        script_currencies=dict(data["currencies"]["scripts"]),
        zones={offset: dict(zones) for offset, zones in data["zones"].items()},
    )


def match_name(name: str, candidates: tuple[str, ...]) -> NameMatch:
    """How well `name` matches the best of `candidates` (folded synonyms)."""
    return _match_name(fold(name), candidates)


@cache
def _match_name(folded: str, candidates: tuple[str, ...]) -> NameMatch:
    joined = folded.replace(" ", "")
    if not joined:
        return NO_MATCH
    for candidate in candidates:
        if candidate.replace(" ", "") == joined:
            return NameMatch(EXACT, candidate, "exact")
    best = NO_MATCH
    close = process.extractOne(
        joined,
        [c.replace(" ", "") for c in candidates],
        scorer=fuzz.ratio,
        score_cutoff=FUZZY_CUTOFF,
    )
    if close is not None and len(joined) >= 4:
        score = 0.55 + (close[1] - FUZZY_CUTOFF) / (100 - FUZZY_CUTOFF) * 0.35
        best = NameMatch(round(score, 3), candidates[close[2]], "close")
    words = folded.split()
    generic = synonyms().generic
    for candidate in candidates:
        wanted = candidate.split()
        if candidate in generic or (len(wanted) == 1 and len(wanted[0]) < 4):
            continue  # `no`, `id`, `date` inside a longer name say nothing
        if len(wanted) < len(words) and _contains(words, wanted):
            score = round(0.6 + 0.2 * len(wanted) / len(words), 3)
            if score > best.score:
                best = NameMatch(score, candidate, "contains")
    return best


def _contains(words: list[str], wanted: list[str]) -> bool:
    """True if `wanted` occurs in `words` as consecutive words."""
    size = len(wanted)
    return any(words[i : i + size] == wanted for i in range(len(words) - size + 1))


def _value_key(value: str) -> str:
    """A value as compared: folded, or as written when it has no letters or digits (`?`)."""
    return compact(value) or value.strip()


@dataclass(frozen=True)
class ValueMatch:
    """One of the client's values placed on one of our codes."""

    code: str
    how: str  # "synonym" (listed in synonyms.toml) or "close" (a close spelling of one)
    spelling: str  # the listed spelling it matched


def match_value(value: str, group: str, codes: tuple[str, ...]) -> ValueMatch | None:
    """The code of `codes` that `value` names in value group `group`, or None."""
    table = {k: v for k, v in synonyms().values.get(group, {}).items() if v in codes}
    key = _value_key(value)
    if not key:
        return None
    if key in table:
        return ValueMatch(table[key], "synonym", key)
    if len(key) < 4:
        return None  # `d`, `tv`, `x`: only an exact spelling says what they are
    choices = [k for k in table if len(k) >= 4]
    close = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=VALUE_CUTOFF)
    if close is None:
        return None
    return ValueMatch(table[close[0]], "close", close[0])
