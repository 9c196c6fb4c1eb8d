from __future__ import annotations

from dataclasses import replace

import pytest

from deckgen.data.tables import Tables
from deckgen.metrics.common import Change
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.model import ChartSpec, Slide, TableSpec
from deckgen.narrative.outline import DropReason
from deckgen.slides.context import SlideContext
from deckgen.slides.registry import SlideKind
from tests.slides.conftest import build, context, metrics_of, one_slide

CHANNELS = SlideKind.CHANNELS


@pytest.fixture(scope="module")
def slide(sample_metrics: LifecycleMetrics) -> Slide:
    return one_slide(CHANNELS, sample_metrics)


def _current(change: Change | None) -> float | None:
    return None if change is None else change.current


def test_combo_chart_spend_bars_and_cac_line_in_rank_order(
    slide: Slide, sample_ctx: SlideContext
) -> None:
    result = sample_ctx.metrics.channels
    assert result is not None
    chart = slide.blocks[0]
    assert isinstance(chart, ChartSpec) and chart.kind == "combo"
    assert chart.categories == tuple(
        sample_ctx.label("channels", c.channel) for c in result.channels
    )
    bars, line = chart.series
    assert (bars.plot, bars.axis, bars.value_kind) == ("bar", "primary", "money")
    assert (line.plot, line.axis, line.value_kind) == ("line", "secondary", "money")
    assert bars.values == tuple(_current(c.spend) for c in result.channels)
    assert line.values == tuple(_current(c.cac) for c in result.channels)
    assert chart.secondary_axis_title == "CAC"


def test_table_holds_each_channel_then_the_total(slide: Slide, sample_ctx: SlideContext) -> None:
    result = sample_ctx.metrics.channels
    assert result is not None
    table = slide.blocks[1]
    assert isinstance(table, TableSpec)
    assert [c.header for c in table.columns] == [
        "Channel",
        "Spend",
        "Leads",
        "New customers",
        "Conversion",
        "CAC",
        f"ROI, {sample_ctx.month(result.total.cohort_return.cohort, short=True)} cohort",
    ]
    assert result.total.cohort_return.cohort.key == "2026-07"
    expected = [
        [
            _current(c.spend),
            _current(c.leads),
            c.new_customers.current,
            _current(c.conversion_rate),
            _current(c.cac),
            _current(c.cohort_return.roi_90d),
        ]
        for c in (*result.channels, result.total)
    ]
    assert [[cell.value for cell in row[1:]] for row in table.rows] == expected
    assert table.rows[-1][0].text == "All channels"
    assert table.rows[0][5].text == sample_ctx.fmt(result.channels[0].cac.current, "money")


def test_headline_sets_the_cheapest_channel_against_the_dearest(
    slide: Slide, sample_ctx: SlideContext
) -> None:
    result = sample_ctx.metrics.channels
    assert result is not None
    priced = sorted((c for c in result.channels if c.cac), key=lambda c: c.cac.current)
    cheapest, dearest = priced[0], priced[-1]
    assert slide.title.startswith(
        f"{sample_ctx.label('channels', cheapest.channel)} brings the cheapest customers: "
        f"CAC {sample_ctx.fmt(cheapest.cac.current, 'money')}"
    )
    assert sample_ctx.fmt(dearest.cac.current, "money") in slide.title
    assert sample_ctx.fmt(result.total.cac.current, "money") in slide.title
    assert sample_ctx.definitions["channel-revenue-90d"].text in slide.notes


def test_without_spend_the_chart_shows_customers_and_conversion(sample_tables: Tables) -> None:
    metrics = metrics_of(replace(sample_tables, channels=None))
    ctx = context(CHANNELS, metrics)
    slide = one_slide(CHANNELS, metrics)
    chart = slide.blocks[0]
    assert isinstance(chart, ChartSpec)
    bars, line = chart.series
    result = metrics.channels
    assert result is not None
    assert bars.values == tuple(c.new_customers.current for c in result.channels)
    assert line.values == tuple(_current(c.conversion_rate) for c in result.channels)
    assert line.value_kind == "percent"
    most = max(c.new_customers.current for c in result.channels)
    tied = [
        ctx.label("channels", c.channel) for c in result.channels if c.new_customers.current == most
    ]
    assert len(tied) == 2  # this sample's TV and email won 6 each: the title names both
    assert slide.title == f"{tied[0]} and {tied[1]} brought the most new customers this month: " + (
        f"{most} each, of {result.total.new_customers.current}"
    )


def test_no_leads_and_no_channels_sheet_no_slide(sample_tables: Tables) -> None:
    built = build(CHANNELS, metrics_of(replace(sample_tables, leads=None, channels=None)))
    assert built.slides == ()
    assert [(d.reason, d.sheet) for d in built.dropped] == [(DropReason.NO_SHEET, "leads")]


def test_a_channel_with_no_spend_is_not_the_cheapest(
    sample_metrics: LifecycleMetrics, sample_ctx: SlideContext
) -> None:
    result = sample_metrics.channels
    assert result is not None
    free, *others = result.channels
    zero = replace(free, cac=Change(0.0, None))
    metrics = replace(sample_metrics, channels=replace(result, channels=(zero, *others)))
    slide = one_slide(CHANNELS, metrics)
    cheapest = min((c for c in others if c.cac is not None), key=lambda c: c.cac.current)
    assert slide.title.startswith(sample_ctx.label("channels", cheapest.channel))


def test_the_cac_line_skips_channels_that_won_no_customer(sample_metrics: LifecycleMetrics) -> None:
    result = sample_metrics.channels
    assert result is not None
    first, *others = result.channels
    # Spend but no customer: a CAC of spend / 0 would be drawn as a point; it must be a gap.
    lost = replace(first, new_customers=Change(0, None), cac=Change(first.spend.current, None))
    metrics = replace(sample_metrics, channels=replace(result, channels=(lost, *others)))
    chart = one_slide(CHANNELS, metrics, check=False).blocks[0]
    assert isinstance(chart, ChartSpec)
    assert chart.series[1].values[0] is None
    assert chart.series[1].values[1:] == tuple(_current(c.cac) for c in others)


def test_the_table_rows_are_keyed_by_channel_and_total(
    slide: Slide, sample_ctx: SlideContext
) -> None:
    result = sample_ctx.metrics.channels
    assert result is not None
    (table,) = [b for b in slide.blocks if isinstance(b, TableSpec)]
    assert table.row_keys == (*(c.channel for c in result.channels), "total")
