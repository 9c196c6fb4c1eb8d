"""Workbooks that hold less than the sample: each makes a deck whose every sentence must be true.

Each is the slide tests' sample (300 customers, 14 months to October 2026) with parts taken away
or altered, as real clients' data come: orders only, no revenue, one month of history, no club,
no surveys, every lead from one channel, half the customers without a region. Metrics are
computed once per workbook and kept for the session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cache

import pandas as pd

from deckgen.config import Settings
from deckgen.data.sample import generate_sample
from deckgen.data.validate import validate_frames
from deckgen.metrics.findings import compute_diagnostics, compute_findings
from deckgen.metrics.lifecycle import LifecycleMetrics, compute_metrics
from deckgen.period import Period

PERIOD = Period("gregorian", 2026, 10)
Frames = dict[str, pd.DataFrame]


def _sample() -> Frames:
    return generate_sample(customers=300, months=14, end="2026-10", seed=3)


def _orders_only(frames: Frames) -> Frames:
    customers = frames["customers"][["customer_id"]]
    return {"customers": customers, "orders": frames["orders"]}


def _zero_revenue(frames: Frames) -> Frames:
    orders = frames["orders"].assign(amount=0.0)
    channels = frames["channels"].assign(spend=0.0)
    return {**frames, "orders": orders, "channels": channels}


# The date column of each dated sheet.
DATED = {
    "orders": "order_date",
    "leads": "created_date",
    "channels": "month",
    "feedback": "date",
    "surveys": "date",
    "loyalty": "date",
}


def dated_from(frames: Frames, start: str) -> Frames:
    """The dated sheets' rows dated on or after `start`."""
    first = pd.Timestamp(start)
    return {
        name: frames[name][pd.to_datetime(frames[name][c]) >= first] for name, c in DATED.items()
    }


def _one_month(frames: Frames) -> Frames:
    """Every dated row of the reporting month only: a client who started in October."""
    kept = dated_from(frames, "2026-10-01")
    ids = set(kept["orders"]["customer_id"])
    customers = frames["customers"][frames["customers"]["customer_id"].isin(ids)]
    customers = customers.assign(loyalty_join_date=pd.NaT, loyalty_member=False)
    for name in ("leads", "feedback", "surveys", "loyalty"):
        frame = kept[name]
        if "customer_id" in frame.columns:
            kept[name] = frame[frame["customer_id"].isna() | frame["customer_id"].isin(ids)]
    kept["loyalty"] = kept["loyalty"].iloc[0:0]
    return {"customers": customers, **kept}


def _no_club(frames: Frames) -> Frames:
    customers = frames["customers"].drop(columns=["loyalty_member", "loyalty_join_date"])
    return {k: v for k, v in frames.items() if k != "loyalty"} | {"customers": customers}


def _no_surveys(frames: Frames) -> Frames:
    return {k: v for k, v in frames.items() if k != "surveys"}


def _one_channel(frames: Frames) -> Frames:
    leads = frames["leads"].assign(channel="email")
    channels = frames["channels"][frames["channels"]["channel"] == "email"]
    customers = frames["customers"].assign(acquisition_channel="email")
    return {**frames, "leads": leads, "channels": channels, "customers": customers}


def _half_without_region(frames: Frames) -> Frames:
    customers = frames["customers"].copy()
    customers.loc[customers.index[::2], "region"] = None
    return {**frames, "customers": customers}


def _no_repeat_buyers(frames: Frames) -> Frames:
    """Each customer's first order only: the predictive models are refused."""
    orders = frames["orders"].sort_values(["order_date", "order_id"])
    return {**frames, "orders": orders.drop_duplicates("customer_id")}


WORKBOOKS: dict[str, Callable[[Frames], Frames]] = {
    "sample": lambda frames: frames,
    "orders_only": _orders_only,
    "zero_revenue": _zero_revenue,
    "one_month": _one_month,
    "no_club": _no_club,
    "no_surveys": _no_surveys,
    "one_channel": _one_channel,
    "half_without_region": _half_without_region,
    "no_repeat_buyers": _no_repeat_buyers,
}


@cache
def sparse_metrics(name: str) -> LifecycleMetrics:
    """The October 2026 metrics of workbook `name`."""
    tables = validate_frames(WORKBOOKS[name](_sample()), Settings(), name).tables
    assert tables is not None, name
    return compute_metrics(tables, PERIOD, Settings().metrics)


@cache
def above_norm_metrics() -> LifecycleMetrics:
    """The sample with its loyalty stage above its norm and no other stage judged:
    the figures behind "Loyalty is the funnel's biggest leak … 38.1% against 26.4%"."""
    m = sparse_metrics("sample")
    steps = []
    for step in m.funnel.steps:
        if step.stage == "loyalty":
            step = replace(step, benchmark=step.conversion.current * 0.7)
        elif step.conversion is not None:
            step = replace(step, benchmark=None)
        steps.append(step)
    funnel = replace(m.funnel, steps=tuple(steps), biggest_leak="loyalty")
    findings = compute_findings(
        m.segmentation, funnel, m.loyalty, m.channels, m.prospects, m.feedback, m.satisfaction
    )
    return replace(m, funnel=funnel, findings=findings, diagnostics=compute_diagnostics(funnel))
