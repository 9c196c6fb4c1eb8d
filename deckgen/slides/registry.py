"""Every slide kind, once: its builder, wording template, section and the definitions it cites.

The deck is this table in order. Adding a slide kind means a member of SlideKind, an entry
here, its builder and its templates (one per language); the deck, the agenda, the tracker,
the appendix's definitions and the golden texts follow from this table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from deckgen.narrative.outline import Built
from deckgen.slides import (
    appendix,
    channels,
    clv,
    diagnostics,
    feedback,
    funnel,
    loyalty,
    overview,
    prospects,
    satisfaction,
    segmentation,
)
from deckgen.slides.context import SlideContext


class SlideKind(StrEnum):
    """A kind of slide; its value names its wording template (slides/<value>.j2)."""

    TITLE = "title"
    SUMMARY = "summary"
    AGENDA = "agenda"
    CUSTOMER_PROFILE = "customer_profile"
    INTERESTS = "interests"
    RFM = "rfm"
    PROSPECT_PROFILE = "prospect_profile"
    TOP_PROSPECTS = "top_prospects"
    FUNNEL = "funnel"
    CHANNELS = "channels"
    CUSTOMER_FLOW = "customer_flow"
    REPEAT_CHURN = "repeat_churn"
    COHORTS = "cohorts"
    CLUB = "club"
    CLV_VALUE = "clv_value"
    CLV_AT_RISK = "clv_at_risk"
    CLV_FIT = "clv_fit"
    FEEDBACK_OVERVIEW = "feedback_overview"
    FEEDBACK_BACKLOG = "feedback_backlog"
    OPEN_FEEDBACK = "open_feedback"
    QUADRANTS = "quadrants"
    NPS_CSAT = "nps_csat"
    DIAGNOSTICS = "diagnostics"
    DATA_NOTES = "data_notes"
    DEFINITIONS = "definitions"


class Section(StrEnum):
    """A part of the deck, as the agenda lists it and the tracker names it (labels [sections])."""

    COVER = "cover"
    SUMMARY = "summary"
    CUSTOMERS = "customers"
    PROSPECTS = "prospects"
    FUNNEL = "funnel"
    CHANNELS = "channels"
    LOYALTY = "loyalty"
    FEEDBACK = "feedback"
    SATISFACTION = "satisfaction"
    ACTIONS = "actions"
    APPENDIX = "appendix"


class Phase(IntEnum):
    """When a kind is built: after the slides it describes."""

    BODY = 0  # from the metrics alone
    CLOSING = 1  # also from what the body showed and left out (the appendix)
    OPENING = 2  # also from the page numbers of everything else (the agenda)


Builder = Callable[[SlideContext], Built]


@dataclass(frozen=True)
class SlideEntry:
    """One slide kind: how it is built, worded, placed and which definitions it quotes."""

    kind: SlideKind
    section: Section
    build: Builder
    cites: tuple[str, ...] = ()  # docs/metrics.md anchors its notes quote
    phase: Phase = Phase.BODY

    @property
    def template(self) -> str:
        """The wording template of the kind, in each language's folder."""
        return f"slides/{self.kind}.j2"


REGISTRY: tuple[SlideEntry, ...] = (
    SlideEntry(SlideKind.TITLE, Section.COVER, overview.build_title, ("period",)),
    SlideEntry(
        SlideKind.SUMMARY,
        Section.SUMMARY,
        overview.build_summary,
        ("findings", "change", "repeat-rate-12m", "nps"),
    ),
    SlideEntry(SlideKind.AGENDA, Section.SUMMARY, overview.build_agenda, phase=Phase.OPENING),
    SlideEntry(
        SlideKind.CUSTOMER_PROFILE,
        Section.CUSTOMERS,
        segmentation.build_customer_profile,
        ("customer-base", "segment-figures", "age-band", "trailing-12-months"),
    ),
    SlideEntry(
        SlideKind.INTERESTS,
        Section.CUSTOMERS,
        segmentation.build_interests,
        ("interest-figures", "trailing-12-months"),
    ),
    SlideEntry(
        SlideKind.RFM,
        Section.CUSTOMERS,
        segmentation.build_rfm,
        ("rfm-values", "rfm-scores", "rfm-segments"),
    ),
    SlideEntry(
        SlideKind.PROSPECT_PROFILE,
        Section.PROSPECTS,
        prospects.build_prospect_profile,
        ("ideal-prospect", "lead-status", "prospect-score"),
    ),
    SlideEntry(
        SlideKind.TOP_PROSPECTS,
        Section.PROSPECTS,
        prospects.build_top_prospects,
        ("prospect-score", "first-year-value", "lead-status"),
    ),
    SlideEntry(
        SlideKind.FUNNEL,
        Section.FUNNEL,
        funnel.build_funnel,
        (
            "lifecycle-funnel",
            "funnel-groups",
            "funnel-reach",
            "funnel-acquisition",
            "funnel-conversion",
            "funnel-retention",
            "funnel-loyalty",
            "stage-conversion",
            "funnel-leak",
            "time-to-convert",
        ),
    ),
    SlideEntry(
        SlideKind.CHANNELS,
        Section.CHANNELS,
        channels.build_channels,
        ("acquisition-channel", "acquisition-channels", "channel-revenue-90d", "channel-rank"),
    ),
    SlideEntry(
        SlideKind.CUSTOMER_FLOW,
        Section.LOYALTY,
        loyalty.build_customer_flow,
        ("lifecycle-counts", "loyalty-rule", "at-risk"),  # + the stock's own (its builder)
    ),
    SlideEntry(
        SlideKind.REPEAT_CHURN,
        Section.LOYALTY,
        loyalty.build_repeat_churn,
        (
            "repeat-rate-12m",
            "churn-rate",
            "churned",
            "churn-days",
            "revenue-per-customer-lifetime",
        ),
    ),
    SlideEntry(SlideKind.COHORTS, Section.LOYALTY, loyalty.build_cohorts, ("cohort-retention",)),
    SlideEntry(
        SlideKind.CLUB,
        Section.LOYALTY,
        loyalty.build_club,
        ("club-members", "club-active-members", "club-joins"),
    ),
    SlideEntry(
        SlideKind.CLV_VALUE,
        Section.LOYALTY,
        clv.build_clv_value,
        ("clv-model", "p-alive", "clv-value"),
    ),
    SlideEntry(
        SlideKind.CLV_AT_RISK, Section.LOYALTY, clv.build_clv_at_risk, ("clv-at-risk", "p-alive")
    ),
    SlideEntry(SlideKind.CLV_FIT, Section.LOYALTY, clv.build_clv_fit, ("clv-holdout",)),
    SlideEntry(
        SlideKind.FEEDBACK_OVERVIEW,
        Section.FEEDBACK,
        feedback.build_feedback_overview,
        ("feedback-received", "feedback-resolved", "resolution-rate", "time-to-resolve"),
    ),
    SlideEntry(
        SlideKind.FEEDBACK_BACKLOG,
        Section.FEEDBACK,
        feedback.build_feedback_backlog,
        ("feedback-received", "feedback-resolved", "feedback-open"),
    ),
    SlideEntry(
        SlideKind.OPEN_FEEDBACK,
        Section.FEEDBACK,
        feedback.build_open_feedback,
        ("feedback-to-resolve",),
    ),
    SlideEntry(
        SlideKind.QUADRANTS,
        Section.SATISFACTION,
        satisfaction.build_quadrants,
        (
            "surveyed-customers",
            "satisfaction-quadrants",
            "satisfaction-correlation",
            "satisfaction-scatter",
        ),
    ),
    SlideEntry(
        SlideKind.NPS_CSAT,
        Section.SATISFACTION,
        satisfaction.build_nps_csat,
        ("nps", "nps-3m", "csat", "survey-answers", "satisfaction-by-segment"),
    ),
    SlideEntry(
        SlideKind.DIAGNOSTICS,
        Section.ACTIONS,
        diagnostics.build_diagnostics,
        ("stage-health", "stage-conversion", "funnel-leak"),
    ),
    SlideEntry(
        SlideKind.DATA_NOTES, Section.APPENDIX, appendix.build_data_notes, phase=Phase.CLOSING
    ),
    SlideEntry(
        SlideKind.DEFINITIONS,
        Section.APPENDIX,
        appendix.build_definitions,
        ("period", "change"),
        phase=Phase.CLOSING,
    ),
)


def entry_of(kind: SlideKind) -> SlideEntry:
    """The registry entry of `kind`."""
    return next(entry for entry in REGISTRY if entry.kind == kind)
