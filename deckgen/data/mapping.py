"""How a client's sheet, column and value names map onto deckgen's (the `[sheets]` of deckgen.toml)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from deckgen.config import Settings, SheetMapping
from deckgen.data.schema import SHEETS_BY_NAME, Sheet
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


def normalise_name(name: object) -> str:
    """`name` lower-cased and trimmed, with runs of spaces, dashes, dots and slashes as `_`."""
    return _SEPARATORS.sub("_", str(name).strip().casefold()).strip("_")


def canonical_code(value: str, allowed: tuple[str, ...]) -> str | None:
    """The code in `allowed` that `value` spells (case, spacing, common aliases); else None."""
    name = normalise_name(value)
    code = CODE_ALIASES.get(name, name)
    return code if code in allowed else None


def find_name(wanted: str, available: Iterable[str]) -> str | None:
    """The entry of `available` that is `wanted`, exactly or after normalisation; else None."""
    names = list(available)
    if wanted in names:
        return wanted
    key = normalise_name(wanted)
    return next((name for name in names if normalise_name(name) == key), None)


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
    problems = []
    for sheet_name, mapping in settings.sheets.items():
        sheet = SHEETS_BY_NAME.get(sheet_name)
        if sheet is None:
            known = ", ".join(SHEETS_BY_NAME)
            problems.append(f"[sheets.{sheet_name}] is not a deckgen sheet (sheets: {known})")
            continue
        ours = {c.name: c for c in sheet.columns}
        for part in ("columns", "values", "date_format"):
            for column in getattr(mapping, part):
                if column not in ours:
                    problems.append(
                        f"[sheets.{sheet_name}.{part}] names '{column}', which is not a column "
                        f"of '{sheet_name}' (columns: {', '.join(ours)})"
                    )
                elif part == "date_format" and ours[column].kind != "date":
                    problems.append(
                        f"[sheets.{sheet_name}.date_format] gives a format for '{column}', "
                        "which is not a date column"
                    )
                elif part == "values" and ours[column].allowed is not None:
                    allowed = ours[column].allowed
                    problems += [
                        f'[sheets.{sheet_name}.values.{column}] {theirs} = "{code}": '
                        f"not one of {', '.join(allowed)}"
                        for theirs, code in mapping.values[column].items()
                        if canonical_code(code, allowed) is None
                    ]
    if any(mapping.transformed for mapping in settings.sheets.values()):
        from deckgen.data.transform import transform_config_problems  # builds on this module

        problems += transform_config_problems(settings)
    if problems:
        raise ConfigError(
            f"{len(problems)} problem(s) in the [sheets] mapping:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )


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
        out[mapping.sheet or name] = client
    return out
