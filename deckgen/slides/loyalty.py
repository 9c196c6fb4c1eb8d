"""Loyalty lifecycle slides: customer flow, repeat purchase and churn, cohort retention, the club."""

from __future__ import annotations

from dataclasses import dataclass, replace

from deckgen.metrics.common import Change
from deckgen.metrics.loyalty import ClubSummary, CohortRow, LoyaltyResult
from deckgen.model import (
    Cell,
    ChartSpec,
    Kpi,
    KpiStrip,
    Series,
    Slide,
    TableColumn,
    TableSpec,
)
from deckgen.slides.blocks import change_kpi
from deckgen.slides.context import SlideContext

KIND = "loyalty"
TOP_SEGMENTS = 8  # bars of the revenue-per-customer chart
TOP_OFFERS = 8  # bars of the offers chart

_FLOW_ANCHORS = ("lifecycle-counts", "loyalty-rule", "at-risk")
_REPEAT_ANCHORS = (
    "repeat-rate-12m",
    "churn-rate",
    "churned",
    "churn-days",
    "revenue-per-customer-lifetime",
)
_COHORT_ANCHORS = ("cohort-retention",)
_CLUB_ANCHORS = ("club-members", "club-active-members", "club-joins")


@dataclass(frozen=True)
class _Stock:
    """The month-end loyalty stock the rule picks (docs/metrics.md#loyalty-rule)."""

    label: str  # "Active club members" or "Frequent buyers", never bare "loyal" (an RFM segment)
    chart_title: str
    change: Change  # customers at the month's end vs the month before's
    by_month: tuple[int, ...]  # customers at each trend month's end, oldest first


def build_loyalty_slides(ctx: SlideContext) -> tuple[Slide, ...]:
    """The loyalty lifecycle slides; the club slide only when the data has a club."""
    loyalty, stock = _since_first_customer(ctx.metrics.loyalty, _stock(ctx, ctx.metrics.loyalty))
    slides = [
        _flow_slide(ctx, loyalty, stock),
        _repeat_slide(ctx, loyalty),
        _cohort_slide(ctx, loyalty),
    ]
    if loyalty.club is not None:
        slides.append(_club_slide(ctx, loyalty.club))
    return tuple(slides)


def _stock(ctx: SlideContext, loyalty: LoyaltyResult) -> _Stock:
    """Active club members under the club rule, frequent buyers under the orders rule."""
    if loyalty.loyalty_rule == "club" and loyalty.club is not None:
        club = loyalty.club
        return _Stock(
            _label(ctx, "active_club_members"),
            _label(ctx, "stock_chart_club"),
            club.active_members,
            club.active_by_month,
        )
    return _Stock(
        _label(ctx, "frequent_buyers"),
        _label(ctx, "stock_chart_orders"),
        loyalty.frequent_buyers,
        tuple(m.frequent_buyers for m in loyalty.months),
    )


def _since_first_customer(loyalty: LoyaltyResult, stock: _Stock) -> tuple[LoyaltyResult, _Stock]:
    """The trend months and cohorts from the first month with any customer on: a client with
    under a year of history gets shorter trends, not a run of zeros before its first order."""
    started = next(
        (
            i
            for i, (m, held) in enumerate(zip(loyalty.months, stock.by_month, strict=True))
            if m.active or held or m.at_risk or m.churned
        ),
        len(loyalty.months) - 1,
    )
    return (
        replace(loyalty, months=loyalty.months[started:], cohorts=loyalty.cohorts[started:]),
        replace(stock, by_month=stock.by_month[started:]),
    )


def _label(ctx: SlideContext, key: str) -> str:
    return ctx.label(KIND, key)


def _months(ctx: SlideContext, loyalty: LoyaltyResult) -> tuple[str, ...]:
    return tuple(ctx.month(month.month, short=True) for month in loyalty.months)


def _flow_slide(ctx: SlideContext, loyalty: LoyaltyResult, stock: _Stock) -> Slide:
    months = loyalty.months
    strip = KpiStrip(
        (
            change_kpi(ctx, KIND, _label(ctx, "active"), loyalty.active, "count"),
            change_kpi(ctx, KIND, _label(ctx, "new"), loyalty.new, "count"),
            change_kpi(ctx, KIND, _label(ctx, "returning"), loyalty.returning, "count"),
            change_kpi(ctx, KIND, stock.label, stock.change, "count"),
        )
    )
    flow = ChartSpec(
        kind="stacked_column",
        title=_label(ctx, "flow_chart"),
        categories=_months(ctx, loyalty),
        series=(
            Series(_label(ctx, "new"), tuple(float(m.new) for m in months)),
            Series(_label(ctx, "returning"), tuple(float(m.returning) for m in months)),
        ),
        area="left_bottom",
    )
    stock_chart = ChartSpec(
        kind="line",
        title=stock.chart_title,
        categories=_months(ctx, loyalty),
        series=(
            Series(stock.label, tuple(float(v) for v in stock.by_month)),
            Series(_label(ctx, "at_risk"), tuple(float(m.at_risk) for m in months)),
        ),
        area="right_bottom",
        data_labels=False,
    )
    return Slide(
        kind=KIND,
        title=ctx.text(KIND, "flow_title"),
        headline=ctx.text(
            KIND, "flow_headline", l=loyalty, stock=stock.change, stock_label=stock.label
        ),
        notes=ctx.notes(KIND, _FLOW_ANCHORS, part="flow", l=loyalty),
        blocks=(strip, flow, stock_chart),
    )


def _repeat_slide(ctx: SlideContext, loyalty: LoyaltyResult) -> Slide:
    strip = KpiStrip(
        (
            change_kpi(
                ctx, KIND, _label(ctx, "repeat_rate_12m"), loyalty.repeat_rate_12m, "percent"
            ),
            change_kpi(
                ctx,
                KIND,
                _label(ctx, "churn_rate"),
                loyalty.churn_rate,
                "percent",
                good_when_up=False,
            ),
            change_kpi(
                ctx, KIND, _label(ctx, "churned"), loyalty.churned, "count", good_when_up=False
            ),
            change_kpi(
                ctx, KIND, _label(ctx, "at_risk"), loyalty.at_risk, "count", good_when_up=False
            ),
            change_kpi(
                ctx,
                KIND,
                _label(ctx, "revenue_per_customer_lifetime"),
                loyalty.revenue_per_customer_lifetime,
                "money",
            ),
        )
    )
    segments = loyalty.revenue_per_customer_lifetime_by_segment[:TOP_SEGMENTS]
    rates = ChartSpec(
        kind="line",
        title=_label(ctx, "rates_chart"),
        categories=_months(ctx, loyalty),
        series=(
            Series(
                _label(ctx, "repeat_rate_12m"),
                tuple(m.repeat_rate_12m for m in loyalty.months),
                "percent",
            ),
            Series(
                _label(ctx, "churn_rate"), tuple(m.churn_rate for m in loyalty.months), "percent"
            ),
        ),
        area="left_bottom" if segments else "bottom",
        data_labels=False,
    )
    blocks: tuple[KpiStrip | ChartSpec, ...] = (strip, rates)
    if segments:
        value = ChartSpec(
            kind="bar",
            title=_label(ctx, "revenue_per_customer_lifetime_chart"),
            categories=tuple(ctx.label("segments", s.segment) for s in segments),
            series=(
                Series(
                    _label(ctx, "revenue_per_customer_lifetime"),
                    tuple(s.revenue_per_customer_lifetime for s in segments),
                    "money",
                ),
            ),
            area="right_bottom",
        )
        blocks = (*blocks, value)
    return Slide(
        kind=KIND,
        title=ctx.text(KIND, "repeat_title"),
        headline=ctx.text(KIND, "repeat_headline", l=loyalty),
        notes=ctx.notes(
            KIND, _REPEAT_ANCHORS, part="repeat", l=loyalty, segments_shown=len(segments)
        ),
        blocks=blocks,
    )


def _month_one(cohorts: tuple[CohortRow, ...]) -> list[CohortRow]:
    """Cohorts with customers that have reached the month after their acquisition."""
    return [row for row in cohorts if row.customers and row.retention[1] is not None]


def _cohort_slide(ctx: SlideContext, loyalty: LoyaltyResult) -> Slide:
    ages = range(1, len(loyalty.cohorts[0].retention)) if loyalty.cohorts else range(0)
    known = [v for row in loyalty.cohorts for v in row.retention[1:] if v is not None]
    top = max(known, default=0.0)
    columns = (
        TableColumn(_label(ctx, "cohort"), width=1.4),
        TableColumn(_label(ctx, "cohort_customers"), "end", width=1.3),
        *(TableColumn(ctx.text(KIND, "cohort_age", age=age), "center") for age in ages),
    )
    rows = tuple(
        (
            Cell(ctx.month(row.cohort, short=True)),
            Cell(ctx.fmt(row.customers, "count"), float(row.customers)),
            *(_retention_cell(ctx, row.retention[age], top) for age in ages),
        )
        for row in loyalty.cohorts
    )
    reached = _month_one(loyalty.cohorts)
    base = sum(row.customers for row in reached)
    returned = sum(row.customers * (row.retention[1] or 0.0) for row in reached)
    ranked = sorted(reached, key=lambda row: (row.retention[1] or 0.0, row.cohort))
    table = TableSpec(
        columns=columns,
        rows=rows,
        area="full",
        title=_label(ctx, "cohort_table"),
    )
    context = {
        "l": loyalty,
        "reached": len(reached),
        "month_one": returned / base if base else None,
        "worst": ranked[0] if ranked else None,
        "best": ranked[-1] if ranked else None,
    }
    return Slide(
        kind=KIND,
        title=ctx.text(KIND, "cohort_title"),
        headline=ctx.text(KIND, "cohort_headline", **context),
        notes=ctx.notes(KIND, _COHORT_ANCHORS, part="cohort", top=top, **context),
        blocks=(table,),
    )


def _retention_cell(ctx: SlideContext, value: float | None, top: float) -> Cell:
    """A retention share, its fill scaled to the highest share; blank where not reached."""
    if value is None:
        return Cell("")
    return Cell(ctx.fmt(value, "percent"), value, value / top if top > 0 else 0.0)


def _club_slide(ctx: SlideContext, club: ClubSummary) -> Slide:
    members = Kpi(_label(ctx, "members"), ctx.fmt(club.members, "count"))
    strip = KpiStrip(
        (
            members,
            change_kpi(ctx, KIND, _label(ctx, "active_members"), club.active_members, "count"),
            change_kpi(ctx, KIND, _label(ctx, "joins"), club.joins, "count"),
            change_kpi(ctx, KIND, _label(ctx, "offers_redeemed"), club.offers_redeemed, "count"),
            change_kpi(ctx, KIND, _label(ctx, "referrals"), club.referrals, "count"),
        )
    )
    offers = club.offers[:TOP_OFFERS]
    months = tuple(ctx.month(p, short=True) for p in ctx.period.trailing(len(club.active_by_month)))
    if offers:
        left = ChartSpec(
            kind="bar",
            title=_label(ctx, "offers_chart"),
            categories=tuple(ctx.label("offers", o.offer) for o in offers),
            series=(Series(_label(ctx, "offer_share"), tuple(o.share for o in offers), "percent"),),
            area="left_bottom",
        )
    else:
        left = ChartSpec(
            kind="line",
            title=_label(ctx, "active_members_chart"),
            categories=months,
            series=(
                Series(
                    _label(ctx, "active_members"), tuple(float(v) for v in club.active_by_month)
                ),
            ),
            area="left_bottom",
            data_labels=False,
        )
    if club.tiers:
        right = ChartSpec(
            kind="doughnut",
            title=_label(ctx, "tiers_chart"),
            categories=tuple(ctx.label("tiers", t.tier) for t in club.tiers),
            series=(Series(_label(ctx, "members"), tuple(float(t.members) for t in club.tiers)),),
            area="right_bottom",
        )
    else:
        right = ChartSpec(
            kind="column",
            title=_label(ctx, "joins_chart"),
            categories=months,
            series=(Series(_label(ctx, "joins"), tuple(float(v) for v in club.joins_by_month)),),
            area="right_bottom",
        )
    context = {
        "club": club,
        "top_offer": ctx.label("offers", offers[0].offer) if offers else None,
        "tier_names": {t.tier: ctx.label("tiers", t.tier) for t in club.tiers},
    }
    return Slide(
        kind=KIND,
        title=ctx.text(KIND, "club_title"),
        headline=ctx.text(KIND, "club_headline", **context),
        notes=ctx.notes(KIND, _club_anchors(club), part="club", **context),
        blocks=(strip, left, right),
    )


def _club_anchors(club: ClubSummary) -> tuple[str, ...]:
    """Definitions of the club figures the slide shows, given what the data holds."""
    optional = (
        ("club-tiers", bool(club.tiers)),
        ("club-offers", club.offers_redeemed is not None),
        ("club-points", club.points_earned is not None),
        ("referrals", club.referrals is not None),
    )
    return _CLUB_ANCHORS + tuple(anchor for anchor, shown in optional if shown)
