"""How a client's sheet, column and value names map onto deckgen's (the `[sheets]` of deckgen.toml)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from deckgen.config import INVISIBLE_MARKS, Settings, SheetMapping, Vocabulary, shown_key
from deckgen.data.schema import OTHER, SHEETS_BY_NAME, Column, Sheet
from deckgen.errors import ConfigError

# Spellings of canonical codes that clients commonly use, after normalisation (see
# normalise_name); anything else needs a value map in deckgen.toml.
CODE_ALIASES: dict[str, str] = {
    "f": "female",
    "w": "female",
    "woman": "female",
    "women": "female",
    "m": "male",
    "man": "male",
    "men": "male",
    "u": "unknown",
    "trade_shows": "trade_show",
    "trade_shows_and_conferences": "trade_show",
    "conference": "trade_show",
    "conferences": "trade_show",
    "e_mail": "email",
    "social_media": "social",
    "blogs": "blog",
    "television": "tv",
}
_SEPARATORS = re.compile(r"[\s\-./]+")
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE_MARKS))  # dropped from names


def normalise_name(name: object) -> str:
    """`name` lower-cased and trimmed, without invisible marks, with runs of spaces, dashes, dots
    and slashes as `_`."""
    return _SEPARATORS.sub("_", str(name).translate(_INVISIBLE).strip().casefold()).strip("_")


def canonical_code(value: str, allowed: tuple[str, ...]) -> str | None:
    """The code in `allowed` that `value` spells (case, spacing, common aliases); else None."""
    name = normalise_name(value)
    code = CODE_ALIASES.get(name, name)
    return code if code in allowed else None


def allowed_codes(column: Column, vocabulary: Vocabulary) -> tuple[str, ...] | None:
    """The codes `column` accepts: the schema's, plus for an open vocabulary the client's and
    `other`; None when any value is accepted."""
    if column.allowed is None or column.vocabulary is None:
        return column.allowed
    declared = getattr(vocabulary, column.vocabulary)
    extra = tuple(code for code in declared if code not in column.allowed)
    return (*column.allowed, *extra, *(() if OTHER in extra else (OTHER,)))


def find_name(wanted: str, available: Iterable[str]) -> str | None:
    """The entry of `available` that is `wanted`, exactly or after normalisation; else None."""
    names = list(available)
    if wanted in names:
        return wanted
    key = normalise_name(wanted)
    return next((name for name in names if normalise_name(name) == key), None)


def is_glob(name: str) -> bool:
    """True if `name` is a pattern (`orders_*`): Excel forbids `*?[` in sheet names."""
    return any(mark in name for mark in "*?[")


def locate_sheets(
    sources: Sequence[str], available: Sequence[str], passed_over: Collection[str] = ()
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The entries of `available` that `sources` name (names, or globs ignoring case, which
    pass over the entries in `passed_over`: chart sheets, which hold no rows), in the order
    given (a glob's matches in `available` order), and the sources that match nothing."""
    found: list[str] = []
    missing: list[str] = []
    for source in sources:
        name = find_name(source, available)
        if name is not None:
            matches = [name]
        elif is_glob(source):
            pattern = source.strip().casefold()
            matches = [
                a
                for a in available
                if fnmatch.fnmatchcase(a.strip().casefold(), pattern) and a not in passed_over
            ]
        else:
            matches = []
        if not matches:
            missing.append(source)
        found += [m for m in matches if m not in found]
    return tuple(found), tuple(missing)


@dataclass(frozen=True)
class ColumnMatch:
    """Where each of our columns is in a client's sheet."""

    source: dict[str, str]  # our column -> the client's column, for the columns found
    missing: tuple[str, ...]  # our columns not found, in schema order
    ignored: tuple[str, ...]  # the client's columns that deckgen does not use

    @property
    def renamed(self) -> tuple[tuple[str, str], ...]:
        """(ours, client's) for the columns found under another name."""
        return tuple((ours, theirs) for ours, theirs in self.source.items() if ours != theirs)


def match_columns(columns: Iterable[str], sheet: Sheet, mapping: SheetMapping) -> ColumnMatch:
    """Our columns located among the client's `columns`, by the mapping or else by name."""
    available = [str(c) for c in columns]
    source: dict[str, str] = {}
    for column in sheet.columns:
        found = find_name(mapping.columns.get(column.name, column.name), available)
        if found is not None and found not in source.values():
            source[column.name] = found
    used = set(source.values())
    return ColumnMatch(
        source=source,
        missing=tuple(c.name for c in sheet.columns if c.name not in source),
        ignored=tuple(name for name in available if name not in used),
    )


def check_mapping(settings: Settings) -> None:
    """Raise ConfigError listing every sheet or column in `[sheets]` that deckgen does not have."""
    dumped = settings.model_dump()
    problems = mapping_problems(dumped["sheets"], dumped["vocabulary"])
    problems += transform_problems(settings)
    if problems:
        raise ConfigError(
            f"{len(problems)} problem(s) in the [sheets] mapping:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )


def mapping_problems(sheets: object, vocabulary: object = None) -> list[str]:
    """Every sheet or column named in a `[sheets]` table (as parsed from TOML) that deckgen does
    not have, and every value mapped to an unknown code; entries of the wrong shape are left to
    the settings model, which reports them."""
    if not isinstance(sheets, dict):
        return []
    try:
        codes = Vocabulary.model_validate(vocabulary or {})
    except ValueError:  # reported by the settings model; check against the default codes
        codes = Vocabulary()
    problems = []
    for sheet_name, mapping in sheets.items():
        sheet = SHEETS_BY_NAME.get(sheet_name)
        if sheet is None:
            known = ", ".join(SHEETS_BY_NAME)
            problems.append(
                f"[sheets.{shown_key(sheet_name)}] is not a deckgen sheet (sheets: {known})"
            )
            continue
        if not isinstance(mapping, dict):
            continue
        ours = {c.name: c for c in sheet.columns}
        for part in ("columns", "values", "date_format"):
            entries = mapping.get(part)
            for column, value in entries.items() if isinstance(entries, dict) else ():
                if column not in ours:
                    problems.append(
                        f"[sheets.{sheet_name}.{part}] names '{shown_key(column)}', which is not a "
                        f"column of '{sheet_name}' (columns: {', '.join(ours)})"
                    )
                elif part == "date_format" and ours[column].kind != "date":
                    problems.append(
                        f"[sheets.{sheet_name}.date_format] gives a format for '{column}', "
                        "which is not a date column"
                    )
                elif part == "values" and isinstance(value, dict):
                    allowed = allowed_codes(ours[column], codes)
                    problems += [
                        f"[sheets.{sheet_name}.values.{column}] "
                        f'{shown_key(theirs)} = "{shown_key(code)}": '
                        f"not one of {', '.join(allowed)}"
                        for theirs, code in value.items()
                        if allowed is not None
                        and isinstance(code, str)
                        and canonical_code(code, allowed) is None
                    ]
    return problems


def transform_problems(settings: Settings) -> list[str]:
    """What is wrong with the transform keys of `[sheets]`, whatever the data (one line each)."""
    if not any(mapping.transformed for mapping in settings.sheets.values()):
        return []
    from deckgen.data.transform import transform_config_problems  # builds on this module

    return transform_config_problems(settings)


def to_client_frames(
    frames: dict[str, pd.DataFrame], settings: Settings
) -> dict[str, pd.DataFrame]:
    """Our `frames` written the client's way: the inverse of the mapping (examples and tests)."""
    out: dict[str, pd.DataFrame] = {}
    for name, frame in frames.items():
        mapping = settings.mapping(name)
        client = frame.copy()
        for column, to_ours in mapping.values.items():
            if column in client:
                to_theirs = {ours.casefold(): theirs for theirs, ours in to_ours.items()}
                text = client[column].astype("string")
                client[column] = text.str.casefold().map(to_theirs).fillna(text)
        for column, fmt in mapping.date_format.items():
            if column in client:
                client[column] = client[column].dt.strftime(fmt)
        client = client.rename(columns=mapping.columns)
        out[(mapping.sources or (name,))[0]] = client
    return out
