from __future__ import annotations

from dataclasses import replace

import pytest

from deckgen.data.tables import Tables
from deckgen.metrics.common import Change
from deckgen.model import ChartSpec, Slide, TableSpec
from deckgen.slides.channels import build_channels_slides
from deckgen.slides.context import SlideContext
from tests.slides.conftest import slide_context


@pytest.fixture(scope="module")
def slide(sample_ctx: SlideContext) -> Slide:
    (built,) = build_channels_slides(sample_ctx)
    return built


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
        # The ROI is another month's: the header names the cohort it is for.
        "Jul 2026 cohort ROI",
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
    assert slide.headline is not None
    assert slide.headline.startswith(
        f"{sample_ctx.label('channels', cheapest.channel)} brings the cheapest customers: "
        f"CAC {sample_ctx.fmt(cheapest.cac.current, 'money')}"
    )
    assert sample_ctx.fmt(dearest.cac.current, "money") in slide.headline
    assert sample_ctx.fmt(result.total.cac.current, "money") in slide.headline
    assert sample_ctx.definitions["channel-revenue-90d"].text in slide.notes


def test_without_spend_the_chart_shows_customers_and_conversion(sample_tables: Tables) -> None:
    ctx = slide_context(replace(sample_tables, channels=None))
    (slide,) = build_channels_slides(ctx)
    chart = slide.blocks[0]
    assert isinstance(chart, ChartSpec)
    bars, line = chart.series
    result = ctx.metrics.channels
    assert result is not None
    assert bars.values == tuple(c.new_customers.current for c in result.channels)
    assert line.values == tuple(_current(c.conversion_rate) for c in result.channels)
    assert line.value_kind == "percent"
    best = max(result.channels, key=lambda c: c.new_customers.current)
    assert slide.headline is not None
    assert slide.headline.startswith(f"{ctx.label('channels', best.channel)} brought the most")


def test_no_leads_and_no_channels_sheet_no_slide(sample_tables: Tables) -> None:
    ctx = slide_context(replace(sample_tables, leads=None, channels=None))
    assert build_channels_slides(ctx) == ()


def test_a_channel_with_no_spend_is_not_the_cheapest(sample_ctx: SlideContext) -> None:
    result = sample_ctx.metrics.channels
    assert result is not None
    free, *others = result.channels
    zero = replace(free, cac=Change(0.0, None))
    metrics = replace(sample_ctx.metrics, channels=replace(result, channels=(zero, *others)))
    (built,) = build_channels_slides(replace(sample_ctx, metrics=metrics))
    cheapest = min((c for c in others if c.cac is not None), key=lambda c: c.cac.current)
    assert built.headline.startswith(sample_ctx.label("channels", cheapest.channel))
