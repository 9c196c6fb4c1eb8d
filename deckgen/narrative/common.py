"""Records several slide kinds word alike: the tracker, KPI deltas, chart source lines."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from deckgen.narrative.claims import Fig, states
from deckgen.narrative.outline import DropReason
from deckgen.narrative.told import Told, told
from deckgen.period import Period


class Sheet(StrEnum):
    """The workbook's sheets, as a source line names them."""

    CUSTOMERS = "customers"
    ORDERS = "orders"
    LEADS = "leads"
    CHANNELS = "channels"
    FEEDBACK = "feedback"
    SURVEYS = "surveys"
    LOYALTY = "loyalty"


class Unit(StrEnum):
    """What the n of a source line counts."""

    CUSTOMERS = "customers"
    NEW_CUSTOMERS = "new_customers"
    ORDERS = "orders"
    LEADS = "leads"
    OPEN_LEADS = "open_leads"
    CHANNELS = "channels"
    ITEMS = "items"
    OPEN_ITEMS = "open_items"
    ANSWERS = "answers"
    SURVEYED = "surveyed"
    MEMBERS = "members"
    ACTIVE_MEMBERS = "active_members"


class DeltaUnit(StrEnum):
    """A word a KPI's change needs after its number, if any."""

    NONE = "none"
    DAYS = "days"


@dataclass(frozen=True)
class Tracker:
    """The small line above a slide's title: its section, and its topic under an action title."""

    section: str
    topic: str | None


@dataclass(frozen=True)
class KpiDelta:
    """A KPI card's change: the signed change already formatted, and the month it compares with."""

    delta: str
    previous: Period
    unit: DeltaUnit = DeltaUnit.NONE


@dataclass(frozen=True)
class Source:
    """A chart's source line: the sheets, the months, and how many cases it rests on."""

    sheets: tuple[Sheet, ...]
    first: Period
    last: Period  # equal to `first` for one month
    n: int | None
    unit: Unit


def source(
    sheets: tuple[Sheet, ...],
    first: Period,
    last: Period,
    n: int | None,
    unit: Unit,
    n_figure: Fig | None,
) -> Told[Source]:
    """A source line; `n_figure` is the metrics path the n is read from (None: n is counted
    from the chart's own rows)."""
    claims = () if n_figure is None else (states(f"n of the {unit} behind the chart", n, n_figure),)
    return told(Source(sheets, first, last, n, unit), *claims)


@dataclass(frozen=True)
class NoSignal:
    """One sentence in place of a chart that would show nothing (deckgen.narrative.signal)."""

    reason: DropReason
    what: str  # the chart's title, already in the deck's language
    n: int | None = None
    minimum: int | None = None


@dataclass(frozen=True)
class Counted:
    """A label that shows the n behind a rate when the rate rests on few cases (else None)."""

    n: int | None
