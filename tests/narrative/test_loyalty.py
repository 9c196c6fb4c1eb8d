"""Loyalty sentences: the cohort headline on thin and solid bases, checked against its claims."""

from __future__ import annotations

from dataclasses import replace

import pytest

from deckgen.config import Settings
from deckgen.metrics.lifecycle import LifecycleMetrics, compute_metrics
from deckgen.metrics.loyalty import CohortRow
from deckgen.model import KpiStrip
from deckgen.narrative.claims import check_claims
from deckgen.narrative.loyalty import tell_cohorts, tell_repeat
from deckgen.period import Period
from deckgen.pipeline import build_deck_model
from tests.metrics.fixtures_lifecycle import OCT_2026, one_month_tables, settings


def _with_cohorts(m: LifecycleMetrics, *rows: tuple[int, float | None]) -> LifecycleMetrics:
    """`m` whose cohorts are `rows` of (customers, month-1 share), from September 2026."""
    cohorts = tuple(
        CohortRow(Period("gregorian", 2026, 9 + k), customers, (1.0, share))
        for k, (customers, share) in enumerate(rows)
    )
    return replace(m, loyalty=replace(m.loyalty, cohorts=cohorts))


def test_one_new_customer_gives_its_n_and_no_judgement(sample_metrics: LifecycleMetrics) -> None:
    m = _with_cohorts(sample_metrics, (1, 0.0), (2, None))
    said = tell_cohorts(m.loyalty, 0)
    assert said is not None
    head = said.context
    # 0% of one customer: stated with its n, never "only" (docs/metrics.md#minimum-n).
    assert (head.month_one, head.customers, head.thin, head.low, head.cohorts) == (
        0.0,
        1,
        True,
        False,
        1,
    )
    assert check_claims(said.claims, m) == []


def test_a_solid_low_share_is_called_low(sample_metrics: LifecycleMetrics) -> None:
    m = _with_cohorts(sample_metrics, (40, 0.25), (60, 0.1))
    said = tell_cohorts(m.loyalty, 0)
    assert said is not None
    head = said.context
    # (40 × 0.25 + 60 × 0.1) / 100 = 0.16, on 100 customers.
    assert head.month_one == pytest.approx(0.16)
    assert (head.customers, head.thin, head.low) == (100, False, True)
    assert (head.worst, head.best) == (0.1, 0.25)
    assert check_claims(said.claims, m) == []
    # The same sentence on other figures is caught.
    other = _with_cohorts(sample_metrics, (40, 0.5), (60, 0.5))
    assert check_claims(said.claims, other) != []


def test_no_cohort_has_a_second_month(sample_metrics: LifecycleMetrics) -> None:
    assert tell_cohorts(_with_cohorts(sample_metrics, (3, None)).loyalty, 0) is None


def test_cohorts_that_all_share_one_rate_give_no_range(sample_metrics: LifecycleMetrics) -> None:
    m = _with_cohorts(sample_metrics, (40, 0.0), (60, 0.0))
    said = tell_cohorts(m.loyalty, 0)
    assert said is not None
    assert (said.context.month_one, said.context.worst, said.context.best) == (0.0, None, None)
    assert check_claims(said.claims, m) == []


TOO_SHORT = {
    "en": "the order history is still too short to judge who is lapsing",
    "fa": "سابقهٔ سفارش‌ها هنوز برای تشخیص مشتریان در معرض ریزش کوتاه است",
    "ar": "وسجل الطلبات ما زال أقصر من أن يُحكم منه على انقطاع العملاء",
}


def _one_month(churn_days: int | None = None) -> LifecycleMetrics:
    return compute_metrics(one_month_tables(), OCT_2026, settings(churn_days=churn_days))


# One month of orders, K derived from one 10-day gap (floored at 30): the orders reach 30 days
# back, not 2K = 60 (docs/metrics.md#at-risk).
def test_a_one_month_history_is_too_short_to_call_anyone_at_risk() -> None:
    m = _one_month()
    said = tell_repeat(m.loyalty)
    # A (11 Oct) and B (2 Oct) are 20 and 29 days silent, "at risk" by a 30-day window that
    # one month of gaps cannot show: no count is said, nor a churn rate.
    assert m.loyalty.at_risk.current == 2
    assert (said.context.at_risk, said.context.too_short, said.context.churn) == (0, True, None)
    assert check_claims(said.claims, m) == []


def test_a_window_set_by_the_user_judges_a_one_month_history() -> None:
    m = _one_month(churn_days=30)
    said = tell_repeat(m.loyalty)
    assert (said.context.at_risk, said.context.too_short) == (2, False)
    assert check_claims(said.claims, m) == []


@pytest.mark.parametrize("lang", ["en", "fa", "ar"])
def test_the_deck_says_the_history_is_too_short_in_each_language(lang: str) -> None:
    chosen = Settings(lang=lang, calendar="gregorian")
    deck, _, _ = build_deck_model(one_month_tables(), OCT_2026, chosen)
    slide = next(s for s in deck.slides if s.kind == "repeat_churn")
    assert slide.title.endswith(TOO_SHORT[lang])
    kpis = {k.key: k.value for b in slide.blocks if isinstance(b, KpiStrip) for k in b.kpis}
    assert (kpis["at_risk"], kpis["churned"], kpis["churn_rate"]) == ("–", "–", "–")


NO_AT_RISK_LINE = {
    "en": "The at-risk line is drawn only for the months by whose end the order history reaches",
    "fa": "خط مشتریان در معرض ریزش فقط برای ماه‌هایی کشیده می‌شود که سابقهٔ سفارش‌ها تا پایانشان",
    "ar": "ولا يُرسم خط العملاء المعرّضين للخطر إلا للأشهر التي يمتد فيها سجل الطلبات حتى نهايتها",
}


@pytest.mark.parametrize("lang", ["en", "fa", "ar"])
@pytest.mark.parametrize("churn_days", [None, 30])
def test_the_flow_notes_say_why_the_at_risk_line_is_missing(
    lang: str, churn_days: int | None
) -> None:
    # The notes called the at-risk customers overdue while the line had no point: they say
    # why, unless churn_days is set (then the line is drawn).
    chosen = Settings(lang=lang, calendar="gregorian", metrics=settings(churn_days=churn_days))
    deck, _, _ = build_deck_model(one_month_tables(), OCT_2026, chosen)
    slide = next(s for s in deck.slides if s.kind == "customer_flow")
    notes = " ".join(slide.notes.split())
    assert (NO_AT_RISK_LINE[lang] in notes) is (churn_days is None)
