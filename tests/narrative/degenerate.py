"""Degenerate but real workbooks, rendered to .pptx and read back: the decks whose sentences
once contradicted their own figures.

Each workbook is a few hand-written rows, so the figures a sentence states can be worked out by
hand in the test that reads it. The reporting month is October 2026 (Gregorian in every
language, so that Persian decks report the same days).
"""

from __future__ import annotations

import io
from functools import cache

import pandas as pd
from pptx import Presentation

from deckgen.config import Settings
from deckgen.data.sample import generate_sample
from deckgen.data.validate import validate_frames
from deckgen.metrics.lifecycle import LifecycleMetrics, compute_metrics
from deckgen.model import Deck
from deckgen.period import Period
from deckgen.render.writer import render_pptx
from deckgen.slides.deck import build_deck
from deckgen.wording import Wording
from tests.narrative.sparse import WORKBOOKS as SPARSE
from tests.narrative.sparse import dated_from

PERIOD = Period("gregorian", 2026, 10)
Frames = dict[str, pd.DataFrame]


def _orders(rows: list[tuple[str, str, float]]) -> Frames:
    """Customers and orders sheets of (customer, order date, amount) rows."""
    ids = sorted({c for c, _, _ in rows})
    return {
        "customers": pd.DataFrame({"customer_id": ids}),
        "orders": pd.DataFrame(
            {
                "order_id": [f"O{i}" for i in range(len(rows))],
                "customer_id": [c for c, _, _ in rows],
                "order_date": pd.to_datetime([d for _, d, _ in rows]),
                "amount": [a for _, _, a in rows],
            }
        ),
    }


def same_day() -> Frames:
    """Four customers, one order each, all on 15 October 2026 (16 days before the month's end)."""
    return _orders([(f"C{i}", "2026-10-15", 10.0 * i) for i in range(1, 5)])


def same_day_pair() -> Frames:
    """Two customers, one order each, both on 15 October 2026."""
    return _orders([("C1", "2026-10-15", 10.0), ("C2", "2026-10-15", 30.0)])


def one_customer() -> Frames:
    """One customer who ordered on 2 September and 14 October 2026."""
    return _orders([("C1", "2026-09-02", 50.0), ("C1", "2026-10-14", 70.0)])


def regulars() -> Frames:
    """Three customers who each ordered once in September and once in October 2026."""
    days = (("02", "14"), ("05", "20"), ("09", "25"))
    return _orders(
        [
            (f"C{i}", f"2026-{m}-{d[k]}", 40.0)
            for i, d in enumerate(days, 1)
            for k, m in enumerate(("09", "10"))
        ]
    )


def five_months() -> Frames:
    """The slide tests' sample (300 customers to October 2026) from June 2026 on: five months of
    history, so every norm rests on the 4 months before October at most."""
    frames = generate_sample(customers=300, months=14, end="2026-10", seed=3)
    return {**frames, **dated_from(frames, "2026-06-01")}


def one_month() -> Frames:
    """The slide tests' sample cut to October 2026 (tests/narrative/sparse.py): recency ranks
    the customers, but a month is too short a history to judge lapsing."""
    return SPARSE["one_month"](generate_sample(customers=300, months=14, end="2026-10", seed=3))


def channel_gap() -> Frames:
    """The slide tests' sample (14 months to October 2026) without the channels' March 2026 rows:
    a month in the middle of the history with nobody reached, so no acquisition rate."""
    frames = generate_sample(customers=300, months=14, end="2026-10", seed=3)
    channels = frames["channels"]
    month = pd.to_datetime(channels["month"])
    return {**frames, "channels": channels[(month < "2026-03-01") | (month >= "2026-04-01")]}


def one_buyer() -> Frames:
    """One customer, interested in fitness and travel, who ordered once (27 USD, 1 October
    2026), and one who never ordered."""
    frames = _orders([("C1", "2026-10-01", 27.0)])
    customers = pd.DataFrame(
        {"customer_id": ["C1", "C2"], "interests": ["fitness;travel", "travel"]}
    )
    return {**frames, "customers": customers}


def none_won() -> Frames:
    """The slide tests' sample with every converted lead marked lost: no lead ever converted."""
    frames = generate_sample(customers=300, months=14, end="2026-10", seed=3)
    leads = frames["leads"].copy()
    leads.loc[leads["status"] == "converted", "status"] = "lost"
    leads["converted_date"] = pd.NaT
    leads["customer_id"] = None
    return {**frames, "leads": leads}


def tied_interests() -> Frames:
    """Three customers who ordered once on 1 October 2026: C1 (travel) and C2 (outdoors) 40 USD
    each, C3 (cooking) 10 USD. Travel and outdoors tie at the top spend."""
    frames = _orders(
        [("C1", "2026-10-01", 40.0), ("C2", "2026-10-01", 40.0), ("C3", "2026-10-01", 10.0)]
    )
    customers = pd.DataFrame(
        {"customer_id": ["C1", "C2", "C3"], "interests": ["travel", "outdoors", "cooking"]}
    )
    return {**frames, "customers": customers}


def tied_interests_unpaid() -> Frames:
    """tied_interests with every amount 0: no spend to compare, and each interest named by one
    customer of three."""
    frames = tied_interests()
    return {**frames, "orders": frames["orders"].assign(amount=0.0)}


def net_negative() -> Frames:
    """One customer who ordered 50 USD on 2 September 2026, 30 USD on 14 October, and one who
    ordered 10 USD on 5 October and was refunded 110 USD on 20 October: October's net revenue
    is 30 + 10 - 110 = -70 USD."""
    return _orders(
        [
            ("C1", "2026-09-02", 50.0),
            ("C1", "2026-10-14", 30.0),
            ("C2", "2026-10-05", 10.0),
            ("C2", "2026-10-20", -110.0),
        ]
    )


def refund_only() -> Frames:
    """C1 ordered 50 USD on 2 September 2026 and 30 USD on 14 October; C2's only row is a refund
    of 20 USD on 20 October (of a purchase before the data); C3 ordered 40 USD on 3 October and
    was refunded the 40 USD on 10 October. A refund is no purchase: C2 is no customer, and C3
    bought on one day."""
    return _orders(
        [
            ("C1", "2026-09-02", 50.0),
            ("C1", "2026-10-14", 30.0),
            ("C2", "2026-10-20", -20.0),
            ("C3", "2026-10-03", 40.0),
            ("C3", "2026-10-10", -40.0),
        ]
    )


def refunds_exceed_sales() -> Frames:
    """Seven customers who ordered 10 USD a month from January 2025: C1 for 21 months (to
    September 2026), C2 for 20, ..., C7 for 15; and C9, who ordered 10 USD on 1 October 2026
    and was refunded 5,010 USD on 20 October. Revenue to date: (21 + 20 + ... + 15) x 10 + 10 -
    5,010 = -3,740 USD, on a history long enough to judge lapsing."""
    return _orders(
        [
            (f"C{i}", f"{2025 + m // 12}-{m % 12 + 1:02d}-{3 * i + 1:02d}", 10.0)
            for i in range(1, 8)
            for m in range(22 - i)
        ]
        + [("C9", "2026-10-01", 10.0), ("C9", "2026-10-20", -5010.0)]
    )


def _segment_refund(refund: float) -> Frames:
    """refunds_exceed_sales with C9 refunded `refund` USD, not 5,010, on 20 October 2026; C1 to
    C4 live in North (aged 40), C5 to C7 in South (aged 50), C9 in East (aged 30)."""
    frames = refunds_exceed_sales()
    orders = frames["orders"]
    orders = orders.assign(amount=orders["amount"].where(orders["amount"] > -1000, -refund))
    customers = pd.DataFrame(
        {
            "customer_id": frames["customers"]["customer_id"],
            "region": ["North"] * 4 + ["South"] * 3 + ["East"],
            "age": [40] * 4 + [50] * 3 + [30],
        }
    )
    return {"customers": customers, "orders": orders}


def segment_refunds() -> Frames:
    """C9 (East, 25-34) ordered 10 USD on 1 October 2026 and was refunded 110 USD: C9's RFM
    segment (New, C9 alone), region and age band are at -100 USD, while the revenue to date is
    1,260 + 10 - 110 = 1,160 USD and that of the 12 months to October 380 + 180 - 100 = 460."""
    return _segment_refund(110.0)


def segment_refund_even() -> Frames:
    """segment_refunds with C9's 10 USD refunded in full: New and East at exactly 0 USD."""
    return _segment_refund(10.0)


def segment_refund_noise() -> Frames:
    """segment_refunds with C9 ordering 0.3 USD on 1 October 2026 and returning 0.1 USD on 10
    October and 0.2 USD on 20 October: New, East and 25-34 net to float noise, not to 0 USD."""
    frames = _segment_refund(0.2)
    orders = frames["orders"]
    bought = (orders["customer_id"] == "C9") & (orders["amount"] > 0)
    orders = orders.assign(amount=orders["amount"].mask(bought, 0.3))
    returned = pd.DataFrame(
        {
            "order_id": ["R1"],
            "customer_id": ["C9"],
            "order_date": pd.to_datetime(["2026-10-10"]),
            "amount": [-0.1],
        }
    )
    return {**frames, "orders": pd.concat([orders, returned], ignore_index=True)}


def gender_refunds() -> Frames:
    """segment_refunds with genders and income bands, not regions and ages: C9 (other gender,
    middle income) is at -100 USD, so gender has no shares of the 12 months' revenue, while C1
    and C2 (high income, 25.0% of the base) bring 210 of 460 USD (45.7%)."""
    frames = segment_refunds()
    customers = pd.DataFrame(
        {
            "customer_id": frames["customers"]["customer_id"],
            "gender": ["male"] * 4 + ["female"] * 3 + ["other"],
            "income_band": ["high"] * 2 + ["middle"] * 6,
        }
    )
    return {**frames, "customers": customers}


def unknown_refunds() -> Frames:
    """segment_refunds with C9's region and age not given: the unknown region and age band, never
    drawn, are at -100 USD."""
    frames = segment_refunds()
    customers = frames["customers"]
    c9 = customers["customer_id"] == "C9"
    customers = customers.assign(region=customers["region"].mask(c9), age=customers["age"].mask(c9))
    return {**frames, "customers": customers}


def segment_refunds_unpaid() -> Frames:
    """segment_refunds with every amount 0: no revenue, so no shares of it."""
    frames = segment_refunds()
    return {**frames, "orders": frames["orders"].assign(amount=0.0)}


def survey_pause() -> Frames:
    """The slide tests' sample (surveys from September 2025) without the answers of November
    and December 2025: the 12 months to October 2026 begin with two months of no answers, but
    the surveys go back further."""
    frames = generate_sample(customers=300, months=14, end="2026-10", seed=3)
    surveys = frames["surveys"]
    day = pd.to_datetime(surveys["date"])
    return {**frames, "surveys": surveys[(day < "2025-11-01") | (day >= "2026-01-01")]}


WORKBOOKS = {
    "same_day": same_day,
    "same_day_pair": same_day_pair,
    "one_customer": one_customer,
    "regulars": regulars,
    "five_months": five_months,
    "channel_gap": channel_gap,
    "one_month": one_month,
    "one_buyer": one_buyer,
    "none_won": none_won,
    "net_negative": net_negative,
    "refund_only": refund_only,
    "refunds_exceed_sales": refunds_exceed_sales,
    "segment_refunds": segment_refunds,
    "segment_refund_even": segment_refund_even,
    "segment_refunds_unpaid": segment_refunds_unpaid,
    "segment_refund_noise": segment_refund_noise,
    "gender_refunds": gender_refunds,
    "unknown_refunds": unknown_refunds,
    "survey_pause": survey_pause,
    "tied_interests": tied_interests,
    "tied_interests_unpaid": tied_interests_unpaid,
}


@cache
def degenerate_deck(name: str, lang: str) -> tuple[Deck, LifecycleMetrics, tuple[str, ...]]:
    """The October 2026 deck of workbook `name` in `lang`, its metrics, and the text of each
    slide read back from the rendered .pptx (one string per slide, whitespace collapsed)."""
    settings = Settings(lang=lang, calendar="gregorian")
    report = validate_frames(WORKBOOKS[name](), settings, name)
    assert report.tables is not None, report.format()
    metrics = compute_metrics(report.tables, PERIOD, settings.metrics)
    wording = Wording(lang, digits=settings.effective_digits, currency="USD")
    deck = build_deck(metrics, settings, wording)
    prs = Presentation(io.BytesIO(render_pptx(deck)))
    texts = tuple(" ".join(_shape_text(shape) for shape in slide.shapes) for slide in prs.slides)
    return deck, metrics, texts


def _shape_text(shape: object) -> str:
    """A shape's text as the slide shows it: text frames, table cells and chart categories."""
    parts: list[str] = []
    if shape.has_text_frame:
        parts.append(shape.text_frame.text)
    if getattr(shape, "has_table", False):
        parts += [cell.text for row in shape.table.rows for cell in row.cells]
    if getattr(shape, "has_chart", False):
        parts += [str(c) for c in shape.chart.plots[0].categories]
    return " ".join(" ".join(parts).split())
