"""Metrics as JSON (stable schema, docs/metrics-json.md) and as a readable text summary."""

from __future__ import annotations

import dataclasses
import enum
import inspect
import json
import math
import re
import types
import typing
from datetime import date
from typing import Any

from deckgen.metrics.common import Change
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.model import ValueKind
from deckgen.period import Period

SCHEMA_VERSION = 2
# What each schema version renamed, removed or redefined; docs/metrics-json.md lists it.
SCHEMA_CHANGES: dict[int, tuple[str, ...]] = {
    2: (
        "Every frequency counts purchase occasions (days with an order, "
        "docs/metrics.md#purchase-occasions) instead of orders: "
        "`segmentation.rfm.segments[].frequency`, `segmentation.rfm.bands[]` of frequency, "
        "the repeat rates, the frequent buyers and the funnel's loyalty stage under the "
        '"orders" rule.',
        "One field per repeat rate, named for its window: `segmentation.repeat_rate` (all "
        "time) → `repeat_rate_lifetime` (docs/metrics.md#repeat-rate-lifetime), also "
        "`segmentation.psychographic[].repeat_rate` → `repeat_rate_lifetime`; "
        "`loyalty.repeat_rate` and `loyalty.months[].repeat_rate` (12 months) → "
        "`repeat_rate_12m` (docs/metrics.md#repeat-rate-12m); "
        "`satisfaction.quadrants[].repeat_rate` → `repeat_rate_12m`. The run summary's "
        "headline figure `repeat_rate` → `repeat_rate_12m`.",
        "`satisfaction.quadrants[].mean_orders_12m` → `mean_occasions_12m` (also in "
        "`satisfaction.by_segment[].quadrants[]`).",
        "`satisfaction.satisfaction_vs_orders` → `satisfaction_vs_occasions`; "
        "`satisfaction.recommend_vs_orders` → `recommend_vs_occasions`.",
        "Revenue per customer names its window (docs/metrics.md#revenue-per-customer-12m, "
        "#revenue-per-customer-lifetime): `segmentation.psychographic[].revenue_per_customer` → "
        "`revenue_per_customer_12m`; `loyalty.clv` → `revenue_per_customer_lifetime`; "
        "`loyalty.clv_customers` → `revenue_per_customer_lifetime_n`; `loyalty.clv_by_segment` "
        "→ `revenue_per_customer_lifetime_by_segment`, whose `revenue` → `revenue_lifetime` and "
        "`mean_revenue` → `revenue_per_customer_lifetime`. New: "
        "`segmentation.revenue_per_customer_12m`.",
        '"Loyal" is the RFM segment only (docs/metrics.md#loyalty-rule): `loyalty.loyal` and '
        "`loyalty.months[].loyal` (the club's active members or, under the orders rule, the "
        "frequent buyers) are replaced by `loyalty.frequent_buyers` and "
        "`loyalty.months[].frequent_buyers` (docs/metrics.md#frequent-buyers), computed under "
        "any rule; under the club rule the stock is `loyalty.club.active_members` and "
        "`loyalty.club.active_by_month`.",
        "`loyalty.months[]` churn figures (`at_risk`, `churned`, `churn_rate`) use the churn "
        "window as derived at each month's own end, shown in the new `loyalty.months[].churn_days`"
        "; past months are no longer restated with the current window "
        "(docs/metrics.md#churn-days).",
        "The funnel's rates compare one group from stage to stage "
        "(docs/metrics.md#funnel-groups): retention and loyalty follow the cohort month "
        "`funnel.cohort` (new) instead of dividing the month's flows, so their `count` and "
        "`conversion` change meaning; new per step: `group`, `base` (the conversion's n), "
        "`norm_index` and `vs_norm`. `funnel.biggest_leak` names only a stage below its norm, "
        "and is null when none is (docs/metrics.md#funnel-leak).",
        "The satisfaction quadrants' loyalty axis is behaviour (2+ purchase occasions in 12 "
        "months) where the survey answers link to orders, intent to recommend otherwise "
        "(docs/metrics.md#satisfaction-quadrants): new `satisfaction.loyalty_axis` "
        '("behaviour" | "intent"), `loyalty_threshold`, `linked_customers` and '
        "`quadrants[].mean_recommend`; `quadrants`, `quadrant_n`, `scatter` (now satisfaction "
        "against the loyalty-axis value) and `scatter_n` follow the axis.",
        "Praise is not an open issue: `feedback.open_items` → `feedback.to_resolve`, which "
        "leaves off open comments rated below high, counted in the new "
        "`feedback.open_comments` (docs/metrics.md#feedback-to-resolve).",
        "Every thin-prone rate names its n (docs/metrics.md#minimum-n): new "
        "`loyalty.churn_rate_n`, `loyalty.repeat_rate_12m_n` and the same per month; a funnel "
        "stage below its norm on a base under the minimum is not the biggest leak.",
        "The channels' 90-day figures travel with their cohort month "
        "(docs/metrics.md#channel-revenue-90d): `channels.channels[].cohort_customers`, "
        "`revenue_90d` and `roi` → `cohort_return.customers`, `cohort_return.revenue_90d` and "
        "`cohort_return.roi_90d`, beside `cohort_return.cohort`; `channels.cohort` is gone.",
        "New: the rolling 3-month NPS `satisfaction.nps_3m`, `nps_3m_change` and "
        "`satisfaction.months[].nps_3m` (docs/metrics.md#nps-3m).",
    ),
}
_FIELD_COMMENT = re.compile(r"^\s+(\w+): [^#]+#\s*(.+)$")


def to_jsonable(value: Any) -> Any:
    """Plain JSON values for a results tree (dataclasses become objects, NaN becomes null)."""
    if isinstance(value, Period):
        return {
            "calendar": value.calendar,
            "key": value.key,
            "start": value.start.isoformat(),
            "end": value.end.isoformat(),
        }
    if isinstance(value, Change):
        return {
            "current": to_jsonable(value.current),
            "previous": to_jsonable(value.previous),
            "delta": to_jsonable(value.delta),
            "relative": to_jsonable(value.relative),
        }
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in _json_fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else round(value, 10)
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):  # a numpy scalar that slipped through
        return to_jsonable(value.item())
    return value


def to_json(metrics: LifecycleMetrics) -> str:
    """Every figure as JSON: {"schema_version": N, "metrics": {...}}, keys in declaration order."""
    payload = {"schema_version": SCHEMA_VERSION, "metrics": to_jsonable(metrics)}
    return json.dumps(payload, ensure_ascii=False, indent=2)


def schema_lines(cls: type, indent: int = 0) -> list[str]:
    """Markdown lines describing the JSON shape of a results dataclass, recursively."""
    hints = typing.get_type_hints(cls)
    comments = _field_comments(cls)
    lines = []
    for field in _json_fields(cls):
        hint = hints[field.name]
        note = f" — {comments[field.name]}" if field.name in comments else ""
        lines.append(f"{'  ' * indent}- `{field.name}`: {_type_name(hint)}{note}")
        for nested in _nested_dataclasses(hint):
            lines.extend(schema_lines(nested, indent + 1))
    return lines


def _json_fields(cls: object) -> list[dataclasses.Field]:
    """The fields of a dataclass that go into the JSON (per-customer arrays do not)."""
    return [f for f in dataclasses.fields(cls) if f.metadata.get("json", True)]


def _field_comments(cls: type) -> dict[str, str]:
    """Field name -> the comment on its line in the class source (units, meaning)."""
    found = {}
    for line in inspect.getsource(cls).splitlines():
        match = _FIELD_COMMENT.match(line)
        if match:
            found[match.group(1)] = match.group(2).strip()
    return found


def _type_name(hint: Any) -> str:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return " | ".join(json.dumps(member.value) for member in hint)
    if hint is Change:
        return "change {current, previous, delta, relative}"
    if hint is Period:
        return "period {calendar, key, start, end}"
    if hint is date:
        return "string (ISO date)"
    if origin in (types.UnionType, typing.Union):
        return " | ".join(_type_name(a) for a in args)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return f"list of {_type_name(args[0])}"
        return "[" + ", ".join(_type_name(a) for a in args) + "]"
    if origin is typing.Literal:
        return " | ".join(json.dumps(a) for a in args)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return " | ".join(json.dumps(member.value) for member in hint)
    if dataclasses.is_dataclass(hint):
        return f"object {hint.__name__}"
    if hint is type(None):
        return "null"
    return {str: "string", int: "integer", float: "number", bool: "boolean"}.get(hint, str(hint))


def _nested_dataclasses(hint: Any) -> list[type]:
    if dataclasses.is_dataclass(hint) and hint not in (Change, Period):
        return [hint]
    found: list[type] = []
    for arg in typing.get_args(hint):
        for cls in _nested_dataclasses(arg):
            if cls not in found:
                found.append(cls)
    return found


def format_text(metrics: LifecycleMetrics, currency: str = "USD") -> str:
    """A readable summary for the terminal: headline figures, findings and stage health."""
    from deckgen.formats import format_value

    def fmt(value: float | None, kind: ValueKind) -> str:
        if kind == "percent" and value is not None and 0 < value < 0.001:
            return f"1 in {round(1 / value):,}"  # reach to lead: 0.0% would read as none
        return format_value(value, kind, "en", currency=currency)

    lines = [
        f"Period {metrics.period.key} ({metrics.period.start} to {metrics.period.end}): "
        f"{metrics.customers:,} customers, {metrics.orders:,} orders to date",
        "",
        "Headline figures",
    ]
    lines += [
        f"  {name:<18} {fmt(value, kind)}" for name, value, kind in metrics.headline_figures()
    ]
    lines += ["", "Findings (highest weight first)"]
    for finding in metrics.findings:
        line = f"  {finding.kind:<15} {finding.subject}: {fmt(finding.value, finding.value_kind)}"
        if finding.previous is not None:
            line += f" (previous {fmt(finding.previous, finding.value_kind)})"
        if finding.reference_subject is not None:
            kind = finding.reference_kind or finding.value_kind
            line += f" vs {finding.reference_subject} {fmt(finding.reference_value, kind)}"
        lines.append(line)
    lines += ["", "Stage health (conversion vs its 12-month benchmark)"]
    for stage in metrics.diagnostics.stages:
        lines.append(
            f"  {stage.stage:<12} {stage.status:<8} conversion {fmt(stage.conversion, 'percent')}"
            f", benchmark {fmt(stage.benchmark, 'percent')}"
        )
    lines.append(f"  weakest stage: {metrics.diagnostics.weakest or 'unknown'}")
    skipped = [
        name
        for name, part in (
            ("prospects", metrics.prospects),
            ("channels", metrics.channels),
            ("feedback", metrics.feedback),
            ("satisfaction", metrics.satisfaction),
        )
        if part is None
    ]
    if skipped:
        lines.append(f"\nNot computed for missing sheets: {', '.join(skipped)}")
    lines.append("\nEvery figure: deckgen metrics DATA --json (schema: docs/metrics-json.md)")
    return "\n".join(lines)


def json_schema_markdown() -> str:
    """docs/metrics-json.md: the JSON layout of `deckgen metrics --json`, from the dataclasses."""
    header = f"""# `deckgen metrics --json` schema

Generated from the results dataclasses by `python scripts/make_metrics_json_doc.py`; a test
fails when this file is out of date. The output is one object
`{{"schema_version": {SCHEMA_VERSION}, "metrics": {{...}}}}`. `schema_version` changes only
when a field is renamed or removed or its meaning changes; new fields may appear in any
version. Rates are fractions 0..1, money is in the client's currency, NaN and infinities are
`null`. Every figure is defined in docs/metrics.md.

A `change` is `{{"current", "previous", "delta", "relative"}}`: the month and the month
before, their difference, and the relative difference (null when previous is 0 or missing).
A `period` is `{{"calendar", "key", "start", "end"}}` with ISO dates.

Added in version 1: `clv` (predictive customer value: the BG/NBD and Gamma-Gamma fits under
`clv.model`, with their time unit and any refusal reason).

## metrics
"""
    changes = ["", "## Changes by version", ""]
    for version, notes in sorted(SCHEMA_CHANGES.items(), reverse=True):
        changes.append(f"### {version}")
        changes.append("")
        changes += [f"- {note}" for note in notes]
        changes.append("")
    return header + "\n".join(schema_lines(LifecycleMetrics)) + "\n" + "\n".join(changes)
