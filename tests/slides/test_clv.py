"""Predicted-value slides: figures from the metrics, pages, the holdout read, refusals."""

from __future__ import annotations

from dataclasses import replace

import pytest

from deckgen.config import Settings
from deckgen.data.tables import Tables
from deckgen.metrics.clv import ClvRefusal
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.model import ChartSpec, TableSpec
from deckgen.narrative.clv import FitState, tell_fit
from deckgen.narrative.outline import DropReason
from deckgen.slides.registry import SlideKind
from deckgen.wording import LANGS
from tests.golden.decks import sample_deck
from tests.slides.conftest import build, metrics_of


def _plain(text: str) -> str:
    return text.replace("\xa0", " ")


@pytest.fixture(scope="module")
def full() -> LifecycleMetrics:
    """The 2,000-customer English sample: both models and the holdout fitted."""
    _, metrics = sample_deck("en")
    return metrics


def test_the_value_slide_shows_the_fitted_figures(full: LifecycleMetrics) -> None:
    (slide,) = build(SlideKind.CLV_VALUE, full).slides
    clv = full.clv
    strip, by_segment, by_channel = slide.blocks
    assert [_plain(k.value) for k in strip.kpis] == [
        "214,890 USD",
        "2,293",
        "1,822",
        "49",
        "7,280 USD",
    ]  # type: ignore[union-attr]
    assert isinstance(by_segment, ChartSpec) and isinstance(by_channel, ChartSpec)
    assert by_segment.categories[:2] == ("Loyal", "Champions")
    assert by_segment.series[0].values[0] == clv.by_segment[0].predicted_value
    # 63,342.03 of 214,889.83 predicted: 29.48% rounds to 29.5%.
    assert _plain(slide.title) == (
        "The customers are predicted to bring 214,890 USD over the next 12 months; "
        "Loyal customers hold 29.5% of it"
    )
    assert by_channel.series[0].values == tuple(g.value_per_customer for g in clv.by_channel)
    assert "Counting your customers the easy way" in slide.notes
    assert "RFM and CLV" in slide.notes


def test_the_at_risk_list_runs_over_even_pages(full: LifecycleMetrics) -> None:
    slides = build(SlideKind.CLV_AT_RISK, full).slides
    tables = [s.blocks[0] for s in slides]
    assert all(isinstance(t, TableSpec) for t in tables)
    assert [len(t.rows) for t in tables] == [13, 12]  # type: ignore[union-attr]
    first = tables[0].rows[0]  # type: ignore[union-attr]
    # C00752: 9 repeat purchase days (10 in all), last bought 193 days before 31 October 2026.
    assert [c.text for c in first[:7]] == [
        "1",
        "C00752",
        "Loyal",
        "SEO",
        "10",
        "April 21, 2026",
        "15.8%",
    ]
    assert _plain(slides[0].title).startswith("49 valuable customers have probably stopped buying")
    assert _plain(slides[1].title) == (
        "Valuable customers at risk 14–25 of 25, most value at stake first; "
        "24 more are in the metrics export"
    )


def test_the_holdout_read_follows_the_total_error(full: LifecycleMetrics) -> None:
    holdout = full.clv.holdout
    # 985.80 predicted against 931 made: +5.9%, within the 10% of a close fit.
    read = tell_fit(holdout, full.period).context
    assert (read.state, read.predicted, read.actual) == (FitState.CLOSE, 986, 931)
    assert read.groups_off is False  # 19.9% per group on average, under 25%
    far = replace(holdout, predicted=1400.0, total_error=(1400 - 931) / 931)
    assert tell_fit(far, full.period).context.state == FitState.POOR
    fair = replace(holdout, predicted=1100.0, total_error=(1100 - 931) / 931)
    assert tell_fit(fair, full.period).context.state == FitState.FAIR
    (slide,) = build(SlideKind.CLV_FIT, full).slides
    chart, table = slide.blocks
    assert chart.categories[-1] == "7 or more"  # type: ignore[union-attr]
    assert [c.text for c in table.rows[0]] == ["0", "884", "0.3", "0.3"]  # type: ignore[union-attr]
    assert _plain(slide.title) == (
        "Tested on May 2026–Oct 2026, the model predicted 986 purchases against 931 made "
        "(+5.9%): close enough to plan on"
    )


def _without_repeat_buyers(tables: Tables) -> Tables:
    """Each customer's first order only: nobody bought on two days."""
    orders = tables.orders.sort_values(["order_date", "order_id"])
    return replace(tables, orders=orders.drop_duplicates("customer_id"))


def _one_customer(tables: Tables) -> Tables:
    customer = tables.orders["customer_id"].iloc[0]
    orders = tables.orders[tables.orders["customer_id"] == customer]
    customers = tables.customers[tables.customers["customer_id"] == customer]
    return replace(tables, orders=orders, customers=customers)


@pytest.mark.parametrize(
    ("shrink", "refusal"),
    [
        (_without_repeat_buyers, ClvRefusal.NO_REPEAT_CUSTOMERS),
        (_one_customer, None),
    ],
)
@pytest.mark.parametrize("lang", LANGS)
def test_a_refused_fit_leaves_the_slides_out_with_its_reason(
    sample_tables: Tables, shrink, refusal, lang: str
) -> None:
    metrics = metrics_of(shrink(sample_tables))
    model = metrics.clv.model
    assert not model.fitted
    if refusal is not None:
        assert model.refusal == refusal
    built = build(SlideKind.CLV_VALUE, metrics, lang=lang)
    assert built.slides == ()
    (dropped,) = built.dropped
    assert dropped.reason == DropReason.MODEL_REFUSED
    assert dropped.refusal == model.refusal and dropped.n == model.repeat_customers
    assert build(SlideKind.CLV_AT_RISK, metrics, lang=lang).slides == ()
    assert build(SlideKind.CLV_FIT, metrics, lang=lang) == build(SlideKind.CLV_FIT, metrics)
    assert build(SlideKind.CLV_FIT, metrics, lang=lang).slides == ()


def test_the_refusal_is_one_sentence_in_the_data_notes(sample_tables: Tables) -> None:
    from deckgen.slides.deck import build_deck
    from deckgen.wording import Wording

    metrics = metrics_of(_without_repeat_buyers(sample_tables))
    deck = build_deck(metrics, Settings(), Wording("en"))
    kinds = [s.kind for s in deck.slides]
    assert not any(k.startswith("clv") for k in kinds)
    assert "repeat_churn" in kinds  # the historical value stays
    (notes,) = [s for s in deck.slides if s.kind == "data_notes"]
    lines = [p.text for b in notes.blocks for p in getattr(b, "paragraphs", ())]
    assert (
        "Predicted customer value: not shown, the purchase and spend models could not both be fitted: "
        "no customer bought on two different days, so a customer who left cannot be told from "
        "a slow one; revenue per customer is shown as history only." in map(_plain, lines)
    )


def test_a_refused_holdout_leaves_only_the_check_out(sample_tables: Tables) -> None:
    # The 300-customer sample: 115 repeat customers now, 58 six months before.
    metrics = metrics_of(sample_tables)
    assert metrics.clv.model.fitted
    built = build(SlideKind.CLV_FIT, metrics)
    (dropped,) = built.dropped
    assert (dropped.reason, dropped.n, dropped.minimum) == (DropReason.HOLDOUT_REFUSED, 58, 100)
    assert len(build(SlideKind.CLV_VALUE, metrics).slides) == 1


def test_the_persian_refusal_says_not_both_rather_than_neither(sample_tables: Tables) -> None:
    """With no repeat spend the purchase model is fitted: 'هر دو مدل ... ممکن نشد' (c8c9421) reads
    as neither model fitted; 'با هم' (together) says what the English 'could not both' says."""
    from deckgen.slides.deck import build_deck
    from deckgen.wording import Wording

    metrics = metrics_of(_without_repeat_buyers(sample_tables))
    deck = build_deck(metrics, Settings(lang="fa"), Wording("fa"))
    (notes,) = [s for s in deck.slides if s.kind == "data_notes"]
    lines = [_plain(p.text) for b in notes.blocks for p in getattr(b, "paragraphs", ())]
    (line,) = [line for line in lines if "برازش" in line]
    assert line.startswith(
        "ارزش پیش‌بینی‌شدهٔ مشتری: نمایش داده نشد؛ برازش مدل‌های خرید و مبلغ خرید با هم ممکن نشد: "
    )
    assert "هر دو" not in line
