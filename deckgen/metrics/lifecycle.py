"""All seven lifecycle analyses for one reporting period, in one frozen result."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, wait
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from deckgen.config import MetricsSettings
from deckgen.data.lead_store import has_leads
from deckgen.data.tables import Tables
from deckgen.metrics.channels import ChannelsResult, compute_channels
from deckgen.metrics.clv import ClvResult, compute_clv
from deckgen.metrics.feedback import FeedbackResult, compute_feedback
from deckgen.metrics.findings import Diagnostics, Finding, compute_diagnostics, compute_findings
from deckgen.metrics.funnel import FunnelResult, compute_funnel, lead_days_ahead
from deckgen.metrics.loyalty import LoyaltyResult, compute_loyalty
from deckgen.metrics.prospects import ProspectsResult, compute_prospects, customer_side
from deckgen.metrics.satisfaction import SatisfactionResult, compute_satisfaction
from deckgen.metrics.segments import SegmentationResult, compute_segments
from deckgen.metrics.shared import SharedFigures, compute_shared
from deckgen.model import ValueKind
from deckgen.period import Period

# Orders (to the period end) from which the analyses overlap, and up to which (issue 16): the
# CLV is computed in a thread of its own (numpy and SciPy leave the interpreter in their array
# loops), and the analyses that read no lead come before those that do, while a thread queries
# the leads in their file (deckgen.pipeline.leads_ahead). Below, a thread gains nothing; above,
# the working sets would overlap at the largest clients' peak (10M orders: within 3 GB only in
# turn, the leads' queries done before the loyalty analysis). The figures are the same bits
# in either order: the analyses beside the CLV make no BLAS call (a BLAS sum may split
# differently under the one thread the CLV's fits set for it) and share only read-only arrays.
CONCURRENT_ORDERS = range(250_000, 2_500_001)

_Result = TypeVar("_Result")


@dataclass(frozen=True)
class LifecycleMetrics:
    """Every figure of the deck for `period`; an analysis whose sheet is missing is None."""

    period: Period
    customers: int  # customers in the customers sheet
    orders: int  # orders up to the period end
    segmentation: SegmentationResult
    prospects: ProspectsResult | None
    funnel: FunnelResult
    channels: ChannelsResult | None
    loyalty: LoyaltyResult
    clv: ClvResult  # predictive customer value, docs/metrics.md#clv-model
    feedback: FeedbackResult | None
    satisfaction: SatisfactionResult | None
    findings: tuple[Finding, ...]  # highest weight first
    diagnostics: Diagnostics

    def headline_figures(self) -> tuple[tuple[str, float | None, ValueKind], ...]:
        """(name, value, kind) of the figures a run summary or manifest shows."""
        figures: list[tuple[str, float | None, ValueKind]] = [
            ("revenue", self.segmentation.revenue.current, "money"),
            ("active_customers", self.loyalty.active.current, "count"),
            ("new_customers", self.loyalty.new.current, "count"),
            ("repeat_rate_12m", _current(self.loyalty.repeat_rate_12m), "percent"),
            ("churn_rate", _current(self.loyalty.churn_rate), "percent"),
        ]
        if self.satisfaction is not None:
            figures.append(("nps", self.satisfaction.nps.score, "score"))
        return tuple(figures)


def _current(change: object) -> float | None:
    return None if change is None else change.current


def compute_metrics(tables: Tables, period: Period, settings: MetricsSettings) -> LifecycleMetrics:
    """All lifecycle metrics of `tables` for `period` (data after the period end is ignored)."""
    shared = compute_shared(tables, period, settings)
    orders = len(shared.orders.day)  # the orders to the period end
    beside = orders in CONCURRENT_ORDERS
    clv_of = partial(compute_clv, tables, period, settings, shared.segment_of, shared.channel_of)
    # From here beside the others: started after the segments, it was the last to end.
    ahead = _started(clv_of) if beside else None
    try:
        if beside:  # its answer ready when the funnel asks, not queried then
            lead_days_ahead(tables, period, shared.orders)
        segmentation = compute_segments(tables, period, settings, shared.rfm, shared.attributes)
        customers = None
        if has_leads(tables):
            customers = customer_side(
                tables,
                period,
                settings,
                segmentation,
                shared.rfm,
                shared.channel_of,
                shared.attributes,
            )
        shared = shared.without_scores()  # the heavier analyses below have no use for them
        if beside:  # those that read no lead first, while the leads' answers come
            loyalty, feedback, satisfaction = _of_customers(tables, period, settings, shared)
        prospects = compute_prospects(tables, period, settings, segmentation, customers=customers)
        funnel = compute_funnel(tables, period, settings, shared.club)
        channels = compute_channels(tables, period, settings, shared.channel_of)
        if not beside:
            loyalty, feedback, satisfaction = _of_customers(tables, period, settings, shared)
        clv = clv_of() if ahead is None else ahead.result()
    except Exception:
        # This error, once the CLV's thread is done: none left computing beside the next deck
        # of a batch (a Ctrl-C is not held up: the thread is a daemon, gone with the process).
        if ahead is not None:
            wait([ahead])
        raise
    findings = compute_findings(
        segmentation, funnel, loyalty, channels, prospects, feedback, satisfaction
    )
    return LifecycleMetrics(
        period=period,
        customers=len(tables.customers),
        orders=orders,
        segmentation=segmentation,
        prospects=prospects,
        funnel=funnel,
        channels=channels,
        loyalty=loyalty,
        clv=clv,
        feedback=feedback,
        satisfaction=satisfaction,
        findings=findings,
        diagnostics=compute_diagnostics(funnel),
    )


def _of_customers(
    tables: Tables, period: Period, settings: MetricsSettings, shared: SharedFigures
) -> tuple[LoyaltyResult, FeedbackResult | None, SatisfactionResult | None]:
    """The analyses that read no lead: loyalty, feedback and satisfaction."""
    return (
        compute_loyalty(tables, period, settings, shared.segment_of, shared.club),
        compute_feedback(tables, period, settings),
        compute_satisfaction(tables, period, settings, shared.segment_of),
    )


def _started(compute: Callable[[], _Result]) -> Future[_Result]:
    """compute()'s result (or error), computed in a daemon thread started now: a Ctrl-C stops
    the process at once, not after the thread's work (a pool's thread is waited for on exit)."""
    future: Future[_Result] = Future()

    def run() -> None:
        try:
            future.set_result(compute())
        except BaseException as error:  # raised where the result is asked for
            future.set_exception(error)

    threading.Thread(target=run, name="deckgen-clv", daemon=True).start()
    return future
