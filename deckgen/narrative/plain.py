"""What a wording template may be given: plain values only, never objects that can act.

A template context holds strings, numbers, booleans, None, dates, enums, tuples/lists and
mappings of those, and frozen dataclasses whose fields are such values: the narrative step's
records (deckgen.narrative) and Period. No Path, settings, metrics result or function: a
template edited by a consultant can word the figures but never read, write or run anything,
and never compute a figure of its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from enum import Enum
from typing import Any

_SCALARS = (str, int, float, bool, date, Enum, type(None))
# Modules whose frozen dataclasses a template may see: the narrative's records and Period.
_RECORD_MODULES = ("deckgen.narrative", "deckgen.period")


def check_plain(value: Any, where: str = "context") -> None:
    """Raise TypeError naming the first value under `where` that is not plain data."""
    if isinstance(value, _SCALARS):
        return
    if isinstance(value, tuple | list):
        for index, item in enumerate(value):
            check_plain(item, f"{where}[{index}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str | int | Enum):
                raise TypeError(f"{where}: key {key!r} is a {type(key).__name__}, not plain data")
            check_plain(item, f"{where}[{key!r}]")
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        kind = type(value)
        if not kind.__dataclass_params__.frozen:  # type: ignore[attr-defined]
            raise TypeError(f"{where}: {kind.__name__} is not a frozen dataclass")
        if not kind.__module__.startswith(_RECORD_MODULES):
            raise TypeError(
                f"{where} is a {kind.__module__}.{kind.__name__}: templates are given the "
                "narrative's records, never the metrics or settings"
            )
        for field in dataclasses.fields(value):
            check_plain(getattr(value, field.name), f"{where}.{field.name}")
        return
    raise TypeError(f"{where} is a {type(value).__name__}, not plain data")


def fields_of(context: object) -> dict[str, Any]:
    """The fields of a frozen dataclass context as template variables (shallow)."""
    if not dataclasses.is_dataclass(context) or isinstance(context, type):
        raise TypeError(
            f"a template context must be a frozen dataclass, not {type(context).__name__}"
        )
    return {field.name: getattr(context, field.name) for field in dataclasses.fields(context)}
