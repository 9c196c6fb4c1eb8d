"""The deck's outline: its sections and pages, and what was left out and why.

Slide builders return `Built` (their slides, and the parts they dropped for want of data or
signal); the deck gathers them into an `Outline` that the agenda and the appendix word.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from deckgen.errors import Problem
from deckgen.model import Slide
from deckgen.narrative.claims import Claim


class DropReason(StrEnum):
    """Why a slide is not in the deck (the appendix says so in one line), or a chart shows a
    sentence in its place."""

    NO_SHEET = "no_sheet"  # the sheet it needs is missing or empty (`sheet` names it)
    NO_COLUMN = "no_column"  # the sheet lacks the column it needs (`sheet`, `column`)
    NO_ATTRIBUTES = "no_attributes"  # the customers sheet has no geographic or demographic column
    NO_CLUB = "no_club"  # the data has no loyalty-club members
    TOO_FEW_STAGES = "too_few_stages"  # fewer than two funnel stages have data
    NO_NORM = "no_norm"  # no funnel stage has a conversion to judge
    NO_REVENUE = "no_revenue"  # every amount is zero: nothing to compare or rank by value
    ALL_ZERO = "all_zero"  # every value of the chart is zero
    ONE_CATEGORY = "one_category"  # a comparison with a single group
    TOO_FEW = "too_few"  # fewer cases than the documented minimum (`n`, `minimum`)
    NO_RANKING = "no_ranking"  # every item has the same value: a list in no order
    NO_COHORT_CUSTOMERS = "no_cohort_customers"  # no customer was acquired in the 12 months
    TOO_YOUNG = "too_young"  # no cohort has reached its second month yet
    NO_OPEN_LEADS = "no_open_leads"  # no lead is open at the period end
    NO_CLOSED_LEADS = "no_closed_leads"  # no lead has closed: nothing to score the open ones by
    NO_ANSWERS = "no_answers"  # no surveyed customer answered both questions
    MODEL_REFUSED = "model_refused"  # the predictive models were not fitted (`refusal` says why)
    HOLDOUT_REFUSED = "holdout_refused"  # the holdout check's calibration fit was refused


@dataclass(frozen=True)
class Dropped:
    """A slide kind left out of the deck, and why."""

    kind: str  # the SlideKind
    reason: DropReason
    sheet: str | None = None  # with NO_SHEET, NO_COLUMN: the sheet concerned
    column: str | None = None  # with NO_COLUMN: the column that is missing
    n: int | None = None  # with TOO_FEW, *_REFUSED: the cases there are
    minimum: int | None = None  # with TOO_FEW, *_REFUSED: the cases needed
    refusal: str | None = None  # with *_REFUSED: the ClvRefusal
    claims: tuple[Claim, ...] = ()  # what the appendix's line about it asserts


@dataclass(frozen=True)
class Built:
    """What a slide builder made: its slides, and what it left out."""

    slides: tuple[Slide, ...] = ()
    dropped: tuple[Dropped, ...] = ()


@dataclass(frozen=True)
class SectionPages:
    """One section of the deck and the slides it takes (1-based slide numbers)."""

    section: str  # a Section
    first: int
    last: int


@dataclass(frozen=True)
class Outline:
    """The deck without its agenda: sections in order, what was dropped, the data warnings."""

    sections: tuple[SectionPages, ...]
    dropped: tuple[Dropped, ...]
    warnings: tuple[Problem, ...]
    shown_kinds: tuple[str, ...]  # slide kinds with at least one slide, deck order
    cites: tuple[str, ...]  # definitions the shown slides quote, deck order, once each
