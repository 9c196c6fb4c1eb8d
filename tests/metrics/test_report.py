"""The metrics JSON and its documented schema."""

from __future__ import annotations

import json
from pathlib import Path

from deckgen.config import Settings
from deckgen.data.sample import generate_sample
from deckgen.data.validate import validate_frames
from deckgen.metrics.lifecycle import compute_metrics
from deckgen.metrics.report import format_text, json_schema_markdown, to_json
from deckgen.period import Period

ROOT = Path(__file__).resolve().parents[2]


def _metrics():
    settings = Settings()
    frames = generate_sample(customers=300, months=14, end="2026-10", seed=3)
    tables = validate_frames(frames, settings, "sample").tables
    return compute_metrics(tables, Period("gregorian", 2026, 10), settings.metrics)


def test_json_holds_the_figures_and_is_strict_json() -> None:
    metrics = _metrics()
    payload = json.loads(
        to_json(metrics),
        parse_constant=lambda c: (_ for _ in ()).throw(ValueError(f"non-JSON constant {c}")),
    )
    assert payload["schema_version"] == 2
    body = payload["metrics"]
    assert body["period"] == {
        "calendar": "gregorian",
        "key": "2026-10",
        "start": "2026-10-01",
        "end": "2026-10-31",
    }
    revenue = metrics.segmentation.revenue
    assert body["segmentation"]["revenue"]["current"] == round(revenue.current, 10)
    assert body["segmentation"]["revenue"]["delta"] == round(revenue.delta, 10)
    assert [s["stage"] for s in body["funnel"]["steps"]] == [
        "reach",
        "acquisition",
        "conversion",
        "retention",
        "loyalty",
    ]
    assert body["findings"][0]["kind"] == metrics.findings[0].kind


def test_schema_doc_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "metrics-json.md").read_text(encoding="utf-8")
    assert committed == json_schema_markdown(), (
        "docs/metrics-json.md is stale: run python scripts/make_metrics_json_doc.py"
    )


def test_text_summary_names_the_period_and_weakest_stage() -> None:
    metrics = _metrics()
    text = format_text(metrics)
    assert text.startswith("Period 2026-10 (2026-10-01 to 2026-10-31)")
    assert f"weakest stage: {metrics.diagnostics.weakest}" in text
    acquisition = next(s for s in metrics.diagnostics.stages if s.stage == "acquisition")
    assert acquisition.conversion is not None and acquisition.conversion < 0.001
    assert f"conversion 1 in {round(1 / acquisition.conversion):,}" in text


def _keys(value: object) -> set[str]:
    """Every object key anywhere in a JSON value."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_one_field_per_meaning() -> None:
    metrics = _metrics()
    body = json.loads(to_json(metrics))["metrics"]
    keys = _keys(body)
    # Rates and per-customer figures say their window; the old ambiguous names are gone.
    assert not keys & {"repeat_rate", "revenue_per_customer", "mean_orders_12m", "clv_customers"}
    assert "clv" not in body["loyalty"]  # the historical figure names its window; clv is a model
    lifetime = body["segmentation"]["repeat_rate_lifetime"]
    twelve = body["loyalty"]["repeat_rate_12m"]["current"]
    assert lifetime == round(metrics.segmentation.repeat_rate_lifetime, 10)
    assert twelve == round(metrics.loyalty.repeat_rate_12m.current, 10)
    assert lifetime != twelve  # two meanings, two figures, two names
    assert "revenue_per_customer_12m" in keys and "revenue_per_customer_lifetime" in keys
