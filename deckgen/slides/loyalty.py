"""Loyalty lifecycle slides: customer flow, repeat purchase and churn, cohort retention, the club."""

from __future__ import annotations

from dataclasses import replace

from deckgen.metrics.common import Change
from deckgen.metrics.loyalty import ClubSummary, LoyaltyResult
from deckgen.model import (
    Cell,
    ChartSpec,
    Kpi,
    KpiStrip,
    Series,
    TableColumn,
    TableSpec,
    ValueKind,
)
from deckgen.narrative.claims import Fig
from deckgen.narrative.common import Sheet, Unit, source
from deckgen.narrative.loyalty import (
    ClubNotes,
    CohortAge,
    CohortNotes,
    FlowNotes,
    LineWindow,
    LoyaltyStock,
    RepeatNotes,
    loyalty_stock,
    segment_value_evidence,
    tell_club,
    tell_cohorts,
    tell_flow,
    tell_repeat,
    tell_repeat_line,
)
from deckgen.narrative.outline import Built, Dropped, DropReason
from deckgen.narrative.segmentation import Windowed, segment_scope
from deckgen.slides.blocks import change_kpi, chart_or_note, segments_withheld, window_label
from deckgen.slides.context import SlideContext

TOP_SEGMENTS = 8  # bars of the revenue-per-customer chart
TOP_OFFERS = 8  # bars of the offers chart


def _trimmed(ctx: SlideContext) -> tuple[LoyaltyResult, LoyaltyStock, int]:
    """The trend months, cohorts and loyalty stock from the first month with any customer on,
    and how many months were cut: a client with under a year of history gets shorter trends,
    not a run of zeros before its first order."""
    loyalty = ctx.metrics.loyalty
    stock = loyalty_stock(loyalty)
    started = next(
        (
            i
            for i, (m, held) in enumerate(zip(loyalty.months, stock.by_month, strict=True))
            if m.active or held or m.at_risk or m.churned
        ),
        len(loyalty.months) - 1,
    )
    trimmed = replace(loyalty, months=loyalty.months[started:], cohorts=loyalty.cohorts[started:])
    return trimmed, replace(stock, by_month=stock.by_month[started:]), started


def _label(ctx: SlideContext, key: str) -> str:
    return ctx.label("loyalty", key)


def _change(
    ctx: SlideContext, name: str, change: Change | None, kind: ValueKind, good_when_up: bool = True
) -> Kpi:
    """The KPI card of the figure `name` (its label and its key)."""
    return change_kpi(ctx, _label(ctx, name), change, kind, good_when_up=good_when_up, key=name)


def _stock_label(ctx: SlideContext, stock: LoyaltyStock) -> str:
    """Active club members or frequent buyers, never "loyal" (the RFM segment)."""
    return _label(ctx, "active_club_members" if stock.rule == "club" else "frequent_buyers")


def _months(ctx: SlideContext, loyalty: LoyaltyResult) -> tuple[str, ...]:
    return tuple(ctx.month(month.month, short=True) for month in loyalty.months)


def _trend_source(
    ctx: SlideContext, loyalty: LoyaltyResult, sheets: tuple[Sheet, ...] = (Sheet.ORDERS,)
):
    return source(
        sheets,
        loyalty.months[0].month,
        ctx.period,
        ctx.metrics.loyalty.revenue_per_customer_lifetime_n,
        Unit.CUSTOMERS,
        Fig("loyalty.revenue_per_customer_lifetime_n"),
    )


def build_customer_flow(ctx: SlideContext) -> Built:
    """New and returning buyers by month, and the loyalty and at-risk stocks."""
    loyalty, stock, _ = _trimmed(ctx)
    months = loyalty.months
    strip = KpiStrip(
        (
            _change(ctx, "active", loyalty.active, "count"),
            _change(ctx, "new", loyalty.new, "count"),
            _change(ctx, "returning", loyalty.returning, "count"),
            change_kpi(ctx, _stock_label(ctx, stock), stock.change, "count", key="loyal_stock"),
        )
    )
    sheets = (Sheet.ORDERS, Sheet.LOYALTY) if stock.rule == "club" else (Sheet.ORDERS,)
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
    stocks = ChartSpec(
        kind="line",
        title=_label(ctx, f"stock_chart_{stock.rule}"),
        categories=_months(ctx, loyalty),
        series=(
            Series(_stock_label(ctx, stock), tuple(float(v) for v in stock.by_month)),
            # no point where the history is too short to judge lapsing (#at-risk)
            Series(
                _label(ctx, "at_risk"),
                tuple(float(m.at_risk) if m.lapsing_judged else None for m in months),
            ),
        ),
        area="right_bottom",
        data_labels=False,
    )
    settings = ctx.settings.metrics
    notes = FlowNotes(
        ctx.period,
        stock.rule,
        settings.loyalty_rule == "club" and stock.rule != "club",
        settings.loyalty_min_orders,
        loyalty.churn_days,
        (loyalty.churn_days + 1) // 2,
        loyalty.churn_days - 1,
        loyalty.lapsing_judged,
    )
    blocks = (
        strip,
        chart_or_note(ctx, flow, _trend_source(ctx, loyalty), trend=True),
        chart_or_note(ctx, stocks, _trend_source(ctx, loyalty, sheets), trend=True),
    )
    finding = ctx.say("headline", tell_flow(loyalty, stock, settings.loyalty_min_orders))
    cites = (*ctx.cites, stock.anchor)
    return Built((ctx.slide(blocks, finding=finding, notes=notes, cites=cites),))


def build_repeat_churn(ctx: SlideContext) -> Built:
    """Repeat and churn rates by month, and revenue to date per customer by RFM segment."""
    loyalty, _, started = _trimmed(ctx)
    line = tell_repeat_line(loyalty.months, started)
    # The card's label names the months the orders cover when fewer than 12.
    card = window_label(ctx, Windowed.REPEAT_RATE)
    if line.context.window == LineWindow.FULL:
        ctx.note_claims(line.claims)
        line_label = card  # true of every point
    else:
        line_label = ctx.say("repeat_line", line)
    strip = KpiStrip(
        (
            change_kpi(
                ctx,
                card,
                loyalty.repeat_rate_12m,
                "percent",
                key="repeat_rate_12m",
            ),
            _change(ctx, "churn_rate", loyalty.churn_rate, "percent", good_when_up=False),
            _change(
                ctx,
                "churned",
                loyalty.churned if loyalty.lapsing_judged else None,
                "count",
                good_when_up=False,
            ),
            _change(
                ctx,
                "at_risk",
                loyalty.at_risk if loyalty.lapsing_judged else None,
                "count",
                good_when_up=False,
            ),
            _change(
                ctx, "revenue_per_customer_lifetime", loyalty.revenue_per_customer_lifetime, "money"
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
                line_label,
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
    blocks = [strip, chart_or_note(ctx, rates, _trend_source(ctx, loyalty), trend=True)]
    shown = 0  # bars of the revenue-per-segment chart, none when a sentence replaces it
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
        all_time = source(
            (Sheet.ORDERS,),
            ctx.period,
            ctx.period,
            loyalty.revenue_per_customer_lifetime_n,
            Unit.CUSTOMERS,
            Fig("loyalty.revenue_per_customer_lifetime_n"),
        )
        scope = segment_scope(ctx.metrics.loyalty)
        ctx.note_claims(tuple(scope.claims))
        if scope.context:
            drawn = chart_or_note(ctx, value, all_time, segment_value_evidence(segments))
        else:
            drawn = segments_withheld(ctx, value.title)
        blocks.append(drawn)
        shown = len(segments) if isinstance(drawn, ChartSpec) else 0
    notes = RepeatNotes(
        ctx.period,
        loyalty.churn_days,
        loyalty.churn_days_derived,
        int(loyalty.churned.current),
        loyalty.lapsing_judged,
        loyalty.revenue_per_customer_lifetime_n,
        shown,
    )
    finding = ctx.say("headline", tell_repeat(loyalty))
    return Built((ctx.slide(tuple(blocks), finding=finding, notes=notes),))


def build_cohorts(ctx: SlideContext) -> Built:
    """The share of each month's new customers ordering again, by months since the first order;
    dropped when no cohort of the 12 months has customers, or none is a month old yet."""
    loyalty, _, offset = _trimmed(ctx)
    if not any(row.customers for row in loyalty.cohorts):
        return Built(dropped=(Dropped(ctx.kind, DropReason.NO_COHORT_CUSTOMERS),))
    headline = tell_cohorts(loyalty, offset)
    if headline is None:
        return Built(dropped=(Dropped(ctx.kind, DropReason.TOO_YOUNG),))
    ages = range(1, len(loyalty.cohorts[0].retention))
    known = [v for row in loyalty.cohorts for v in row.retention[1:] if v is not None]
    top = max(known, default=None)
    columns = (
        TableColumn(_label(ctx, "cohort"), width=1.4),
        TableColumn(_label(ctx, "cohort_customers"), "end", width=1.3),
        *(TableColumn(ctx.say("cohort_age", CohortAge(age)), "center") for age in ages),
    )
    rows = tuple(
        (
            Cell(ctx.month(row.cohort, short=True)),
            Cell(ctx.fmt(row.customers, "count"), float(row.customers)),
            *(_retention_cell(ctx, row.retention[age], top or 0.0) for age in ages),
        )
        for row in loyalty.cohorts
    )
    table = TableSpec(
        columns=columns,
        rows=rows,
        row_keys=tuple(row.cohort.key for row in loyalty.cohorts),
        area="full",
        title=_label(ctx, "cohort_table"),
    )
    finding = ctx.say("headline", headline)
    notes = CohortNotes(top, headline.context.cohorts)
    return Built((ctx.slide((table,), finding=finding, notes=notes),))


def _retention_cell(ctx: SlideContext, value: float | None, top: float) -> Cell:
    """A retention share, its fill scaled to the highest share; blank where not reached."""
    if value is None:
        return Cell("")
    return Cell(ctx.fmt(value, "percent"), value, value / top if top > 0 else 0.0)


def build_club(ctx: SlideContext) -> Built:
    """The loyalty club: members, activity, offers and tiers; dropped without a club."""
    club = ctx.metrics.loyalty.club
    if club is None:
        return Built(dropped=(Dropped(ctx.kind, DropReason.NO_CLUB),))
    strip = KpiStrip(
        (
            Kpi(_label(ctx, "members"), ctx.fmt(club.members, "count"), key="members"),
            _change(ctx, "active_members", club.active_members, "count"),
            _change(ctx, "joins", club.joins, "count"),
            _change(ctx, "offers_redeemed", club.offers_redeemed, "count"),
            _change(ctx, "referrals", club.referrals, "count"),
        )
    )
    offers = club.offers[:TOP_OFFERS]
    trend = ctx.period.trailing(len(club.active_by_month))
    months = tuple(ctx.month(p, short=True) for p in trend)
    year = source(
        (Sheet.LOYALTY, Sheet.ORDERS),
        trend[0],
        ctx.period,
        int(club.active_members.current),
        Unit.ACTIVE_MEMBERS,
        Fig("loyalty.club.active_members.current"),
    )
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
    members = source(
        (Sheet.LOYALTY,),
        ctx.period,
        ctx.period,
        club.members,
        Unit.MEMBERS,
        Fig("loyalty.club.members"),
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
        members = replace(members, context=replace(members.context, first=trend[0]))
    notes = ClubNotes(
        ctx.period,
        bool(club.offers),
        bool(club.tiers),
        club.untiered,
        None if club.points_earned is None else club.points_earned.current,
        None if club.points_redeemed is None else club.points_redeemed.current,
    )
    blocks = (
        strip,
        chart_or_note(ctx, left, year, trend=not offers),
        chart_or_note(ctx, right, members, trend=not club.tiers),
    )
    finding = ctx.say("headline", tell_club(club))
    return Built((ctx.slide(blocks, finding=finding, notes=notes, cites=_club_cites(ctx, club)),))


def _club_cites(ctx: SlideContext, club: ClubSummary) -> tuple[str, ...]:
    """Definitions of the club figures the slide shows, given what the data holds."""
    optional = (
        ("club-tiers", bool(club.tiers)),
        ("club-offers", club.offers_redeemed is not None),
        ("club-points", club.points_earned is not None),
        ("referrals", club.referrals is not None),
    )
    return ctx.cites + tuple(anchor for anchor, shown in optional if shown)
