from __future__ import annotations

from dataclasses import replace

import pytest

from deckgen.config import MetricsSettings, Settings
from deckgen.data.tables import Tables
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.model import ChartSpec, KpiStrip, Slide, TableSpec, TextBlock
from deckgen.narrative.outline import DropReason
from deckgen.narrative.prospects import Reasons, Trait
from deckgen.slides.context import SlideContext
from deckgen.slides.prospects import MIN_CARD_LIFT, TOP_TRAITS
from deckgen.slides.registry import SlideKind
from tests.slides.conftest import build, context, metrics_of

KINDS = (SlideKind.PROSPECT_PROFILE, SlideKind.TOP_PROSPECTS)


def _slides(
    metrics: LifecycleMetrics, settings: Settings | None = None, check: bool = True
) -> tuple[Slide, ...]:
    return tuple(s for kind in KINDS for s in build(kind, metrics, settings, check=check).slides)


@pytest.fixture(scope="module")
def slides(sample_metrics: LifecycleMetrics) -> tuple[Slide, ...]:
    return _slides(sample_metrics)


def test_profile_slide_states_the_pipeline(
    slides: tuple[Slide, ...], sample_ctx: SlideContext
) -> None:
    p = sample_ctx.metrics.prospects
    assert p is not None
    strip = slides[0].blocks[0]
    assert isinstance(strip, KpiStrip)
    assert [k.value for k in strip.kpis] == [
        sample_ctx.fmt(p.pipeline_value, "money"),
        sample_ctx.fmt(p.open_leads, "count"),
        sample_ctx.fmt(round(p.expected_customers), "count"),
        sample_ctx.fmt(p.base_rate, "percent"),
    ]
    assert sample_ctx.fmt(p.pipeline_value, "money") in slides[0].title
    assert sample_ctx.definitions["ideal-prospect"].text in slides[0].notes


def test_card_and_chart_show_the_strongest_traits(
    slides: tuple[Slide, ...], sample_ctx: SlideContext
) -> None:
    p = sample_ctx.metrics.prospects
    assert p is not None
    _, card, chart = slides[0].blocks
    assert isinstance(card, TextBlock) and card.style == "callout"
    assert isinstance(chart, ChartSpec)
    traits = [t for t in p.profile if t.lift >= MIN_CARD_LIFT]
    geographic = [t for t in traits if t.attribute in ("country", "region", "city")]
    shown = [t for t in traits if t not in geographic[1:]][:TOP_TRAITS]
    assert len(card.paragraphs) == len(chart.categories) == len(shown)
    assert chart.series[0].values == tuple(t.share_of_best for t in shown)
    assert chart.series[1].values == tuple(t.share_of_all for t in shown)
    for paragraph, trait in zip(card.paragraphs, shown, strict=True):
        assert f"{sample_ctx.fmt(trait.lift, 'decimal')}× as likely" in paragraph.text


def test_ranked_table_holds_every_top_prospect(
    slides: tuple[Slide, ...], sample_ctx: SlideContext
) -> None:
    p = sample_ctx.metrics.prospects
    assert p is not None
    pages = [s.blocks[0] for s in slides[1:]]
    assert all(isinstance(t, TableSpec) for t in pages)
    rows = [row for table in pages for row in table.rows]  # type: ignore[union-attr]
    assert [row[0].value for row in rows] == list(range(1, len(p.top) + 1))
    assert [row[4].value for row in rows] == [x.probability for x in p.top]
    assert [row[6].value for row in rows] == [x.expected_value for x in p.top]
    assert [row[1].text for row in rows] == [x.name or x.lead_id for x in p.top]
    value = sum(x.expected_value for x in p.top)
    assert all(sample_ctx.fmt(value, "money") in s.title for s in slides[1:])


def test_reasons_read_as_short_labels(sample_ctx: SlideContext) -> None:
    reasons = (
        Trait("channel", "seo", 2.0),
        Trait("region", "Bavaria", 1.5),
        Trait("income_band", "high", 1.2),
        Trait("age_band", "25-34", 1.1),
    )
    ctx = context(SlideKind.TOP_PROSPECTS, sample_ctx.metrics)
    assert ctx.say("reasons", Reasons(reasons)) == "SEO · Bavaria · high income · aged 25–34"


def test_a_long_list_continues_on_further_slides(sample_tables: Tables) -> None:
    settings = Settings(metrics=MetricsSettings(prospects_top_n=60))
    slides = _slides(metrics_of(sample_tables, settings), settings)
    tables = slides[1:]
    assert len(tables) > 1
    assert tables[0].tracker == "Prospects · Top prospects"
    assert all(s.tracker == "Prospects · Top prospects (continued)" for s in tables[1:])
    rows = sum(len(s.blocks[0].rows) for s in tables)  # type: ignore[union-attr]
    assert rows == 60
    # Each continuation page's title says which ranks it lists, instead of repeating page one's.
    first = len(tables[0].blocks[0].rows) + 1  # type: ignore[union-attr]
    last = first + len(tables[1].blocks[0].rows) - 1  # type: ignore[union-attr]
    assert tables[0].title.startswith("The 60 best open leads hold ")
    assert tables[1].title == f"The best open leads {first}–{last} of 60, by expected value"
    assert tables[-1].title.endswith("–60 of 60, by expected value")


def test_no_leads_sheet_no_slides(sample_tables: Tables) -> None:
    metrics = metrics_of(replace(sample_tables, leads=None))
    for kind in KINDS:
        assert [(d.reason, d.sheet) for d in build(kind, metrics).dropped] == [
            (DropReason.NO_SHEET, "leads")
        ]


def test_leads_of_equal_value_are_no_ranking(sample_metrics: LifecycleMetrics) -> None:
    # Without revenue every open lead is worth nothing: fifteen identical rows are no list to
    # work down, so the table is left out and the appendix says why.
    p = sample_metrics.prospects
    assert p is not None
    flat = tuple(replace(x, first_year_value=0.0, expected_value=0.0) for x in p.top)
    metrics = replace(sample_metrics, prospects=replace(p, top=flat, pipeline_value=0.0))
    built = build(SlideKind.TOP_PROSPECTS, metrics, check=False)
    assert built.slides == ()
    assert [d.reason for d in built.dropped] == [DropReason.NO_RANKING]
    profile = build(SlideKind.PROSPECT_PROFILE, metrics, check=False).slides[0]
    assert profile.title.endswith("there is no revenue yet to value them by")
