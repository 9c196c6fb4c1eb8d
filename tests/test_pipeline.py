"""The whole pipeline on a small client: the rendered deck read back holds the metrics' figures."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
from calendar import monthrange
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide

from deckgen.config import Settings
from deckgen.data.tables import Tables
from deckgen.errors import InputError, ValidationError
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.period import Period
from deckgen.pipeline import (
    PARTIAL_PERIOD,
    RenderResult,
    compute_source_metrics,
    render_deck,
    resolve_period,
)
from deckgen.template_cache import reset_shared_cache


@pytest.fixture(scope="module")
def rendered(
    small_workbook: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[RenderResult, PresentationType]:
    result = render_deck(small_workbook, tmp_path_factory.mktemp("deck") / "deck.pptx")
    return result, Presentation(str(result.output))


@pytest.fixture(scope="module")
def metrics(small_workbook: Path) -> LifecycleMetrics:
    return compute_source_metrics(small_workbook)


def _slide_text(slide: Slide) -> str:
    """Every text frame of a rendered slide, joined."""
    return " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def _cover_text(path: Path) -> str:
    return _slide_text(Presentation(str(path)).slides[0])


def _chart_series(prs: PresentationType, series_name: str) -> tuple[tuple[str, ...], tuple]:
    """Categories and values of the first native chart series named `series_name`."""
    for slide in prs.slides:
        for shape in slide.shapes:
            if not shape.has_chart:
                continue
            plot = shape.chart.plots[0]
            for series in plot.series:
                if series.name == series_name:
                    return tuple(plot.categories), tuple(series.values)
    raise AssertionError(f"no chart series named {series_name!r}")


def test_result_counts_the_slides_and_names_the_period(
    rendered: tuple[RenderResult, PresentationType],
) -> None:
    result, prs = rendered
    assert result.slides == len(prs.slides)
    assert result.period == Period.parse("2026-10")
    assert dict(result.headlines)["new_customers"].isdigit()


def test_monthly_new_customers_chart_equals_the_metrics(
    rendered: tuple[RenderResult, PresentationType], metrics: LifecycleMetrics
) -> None:
    categories, values = _chart_series(rendered[1], "New customers")
    assert len(categories) == 12
    assert values == tuple(float(month.new) for month in metrics.loyalty.months)


def test_headline_revenue_is_on_the_summary_slide(
    rendered: tuple[RenderResult, PresentationType],
) -> None:
    result, prs = rendered
    assert dict(result.headlines)["revenue"] in _slide_text(prs.slides[1])


def test_the_deck_gets_the_mode_of_a_new_file(
    rendered: tuple[RenderResult, PresentationType],
) -> None:
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(rendered[0].output.stat().st_mode) == 0o666 & ~mask


def test_two_renders_are_byte_identical(small_workbook: Path, tmp_path: Path) -> None:
    digests = set()
    for name in ("a.pptx", "b.pptx"):
        render_deck(small_workbook, tmp_path / name, charts="image")
        digests.add(hashlib.sha256((tmp_path / name).read_bytes()).hexdigest())
    assert len(digests) == 1


def test_wording_compiled_in_an_earlier_process_gives_the_same_bytes(
    small_workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 16: the on-disk template cache is a speed-up only. Compiled fresh (and written),
    # then loaded from disk as a new process would, the deck is the same to the byte.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    digests = []
    for name in ("cold.pptx", "warm.pptx"):
        reset_shared_cache()  # what a new process starts with
        render_deck(small_workbook, tmp_path / name, lang="fa")
        digests.append(hashlib.sha256((tmp_path / name).read_bytes()).hexdigest())
    reset_shared_cache()
    assert list((tmp_path / "cache" / "deckgen" / "templates").glob("*/*.bin"))
    assert digests[0] == digests[1]


def test_settings_and_period_override(small_workbook: Path, tmp_path: Path) -> None:
    settings = Settings(client="Initech")
    result = render_deck(
        small_workbook,
        tmp_path / "d.pptx",
        settings=settings,
        client="Globex Ltd",
        period="2026-06",
    )
    text = _cover_text(result.output)
    assert "Globex Ltd" in text
    assert "June 2026" in text


@pytest.mark.parametrize("period", ["2025-08", "2026-11"])
def test_a_month_without_orders_is_refused(
    small_workbook: Path, tmp_path: Path, period: str
) -> None:
    with pytest.raises(InputError, match="choose a month from 2025-09 to 2026-10"):
        render_deck(small_workbook, tmp_path / "d.pptx", period=period)
    assert not (tmp_path / "d.pptx").exists()


def test_a_part_month_is_rendered_with_a_warning_and_refused_when_strict(
    small_frames: dict, tmp_path: Path
) -> None:
    folder = tmp_path / "client"
    folder.mkdir()
    for name, frame in small_frames.items():
        if name == "orders":
            frame = frame[frame["order_date"] <= "2026-10-15"]
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    result = render_deck(folder, tmp_path / "d.pptx", period="2026-10")
    partial = result.warnings[0]
    assert (partial.rule, partial.sheet, partial.value) == (PARTIAL_PERIOD, "orders", "2026-10-15")
    assert "  warning: sheet 'orders', column 'order_date'" in result.summary()
    with pytest.raises(ValidationError, match="rest on the orders to 2026-10-15 only"):
        render_deck(folder, tmp_path / "strict.pptx", period="2026-10", strict=True)
    assert not (tmp_path / "strict.pptx").exists()


def test_the_deckgen_toml_beside_the_data_is_used_and_the_client_named(
    small_workbook: Path, tmp_path: Path
) -> None:
    unnamed = render_deck(small_workbook, tmp_path / "unnamed.pptx")
    assert "client" in _cover_text(unnamed.output).split("\n")  # the workbook's name
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "acme-export.xlsx").write_bytes(small_workbook.read_bytes())
    (folder / "deckgen.toml").write_text('client = "Acme Ltd"\ncurrency = "EUR"\n')
    named = render_deck(folder / "acme-export.xlsx", tmp_path / "named.pptx")
    assert "Acme Ltd" in _cover_text(named.output)
    assert dict(named.headlines)["revenue"].endswith("EUR")


# -- the default period ------------------------------------------------------------------


def _orders_on(*days: str) -> Tables:
    """Tables with one order (of customer C1) on each of `days`."""
    dates = pd.to_datetime(list(days))
    orders = pd.DataFrame(
        {
            "order_id": pd.array([f"O{i}" for i in range(len(days))], dtype="string"),
            "customer_id": pd.array(["C1"] * len(days), dtype="string"),
            "order_date": dates.astype("datetime64[ns]"),
            "amount": [10.0] * len(days),
        }
    )
    customers = pd.DataFrame({"customer_id": pd.array(["C1"], dtype="string")})
    return Tables(customers=customers, orders=orders)


# Orders on the 3rd and the last day of each month, January to October 2026.
MONTHLY = [f"2026-{m:02d}-{d:02d}" for m in range(1, 11) for d in (3, monthrange(2026, m)[1])]


@pytest.mark.parametrize(
    ("days", "today", "expected"),
    [
        (MONTHLY, date(2026, 12, 4), "2026-10"),  # the data ends before today
        (MONTHLY, date(2026, 10, 20), "2026-09"),  # October is not over yet
        (MONTHLY, date(2026, 11, 1), "2026-10"),
        ([*MONTHLY, "2062-09-14"], date(2026, 12, 4), "2026-10"),  # a mistyped year
        ([*MONTHLY, "2026-12-24"], date(2026, 12, 4), "2026-10"),  # an order after today
        ([d for d in MONTHLY if not d.startswith("2026-10")], date(2026, 12, 4), "2026-09"),
        ([d for d in MONTHLY if not d.startswith("2026-09")], date(2026, 10, 2), "2026-08"),
    ],
    ids=["ended", "month-not-over", "first-of-month", "typo-2062", "after-today", "last", "gap"],
)
def test_the_default_period_is_the_last_complete_month_with_orders(days, today, expected):
    assert resolve_period(None, _orders_on(*days), Settings(), today).key == expected


def test_a_given_month_without_orders_is_refused_even_inside_the_data():
    tables = _orders_on(*[d for d in MONTHLY if not d.startswith("2026-05")])
    with pytest.raises(InputError) as caught:
        resolve_period("2026-05", tables, Settings(), date(2026, 12, 4))
    assert str(caught.value) == (
        "--period 2026-05: no order is dated in that month (the orders run from 2026-01-03 to "
        "2026-10-31); choose a month from 2026-01 to 2026-10 that has orders"
    )


def _refunded_on(tables: Tables, *days: str) -> Tables:
    """`tables` with a refund (an amount below zero) of customer C1 on each of `days`."""
    refunds = _orders_on(*days).orders.assign(amount=-10.0, order_id=lambda f: "R" + f["order_id"])
    return dataclasses.replace(
        tables, orders=pd.concat([tables.orders, refunds], ignore_index=True)
    )


def test_a_month_of_refunds_alone_is_no_period():
    # docs/metrics.md#purchase-occasions: a refund is no order. Was: the refunds of November
    # made it the default period, and --period 2026-11 was let through: a deck of no orders.
    tables = _refunded_on(_orders_on(*MONTHLY), "2026-11-03", "2026-11-30")
    assert resolve_period(None, tables, Settings(), date(2026, 12, 4)).key == "2026-10"
    with pytest.raises(InputError, match="--period 2026-11: no order is dated in that month"):
        resolve_period("2026-11", tables, Settings(), date(2026, 12, 4))
    only_refunds = _refunded_on(_orders_on(), "2026-10-03")
    with pytest.raises(InputError, match=r"has no dated orders \(a row with an amount below zero"):
        resolve_period(None, only_refunds, Settings(), date(2026, 12, 4))


def test_orders_only_in_the_future_give_no_default_period():
    with pytest.raises(InputError, match="every order is dated today"):
        resolve_period(None, _orders_on("2027-01-05", "2027-02-01"), Settings(), date(2026, 12, 4))


def test_render_picks_the_month_before_today(small_workbook: Path, tmp_path: Path) -> None:
    result = render_deck(small_workbook, tmp_path / "d.pptx", today=date(2026, 10, 20))
    assert result.period.key == "2026-09"


# -- open vocabularies end to end --------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "period", "paid", "other", "praise"),
    [
        ("en", "2026-10", "Paid search", "Other", "Praise"),
        ("fa", "1405-07", "جستجوی پولی", "سایر", "ستایش"),
    ],
)
def test_client_channels_and_other_reach_the_slides(
    small_frames: dict, tmp_path: Path, lang: str, period: str, paid: str, other: str, praise: str
) -> None:
    from deckgen.data.sample import write_workbook

    frames = {name: frame.copy() for name, frame in small_frames.items()}
    leads, customers = frames["leads"], frames["customers"]
    leads.loc[leads.index % 3 == 0, "channel"] = "paid_search"
    leads.loc[leads.index % 3 == 1, "channel"] = "Referral"  # undeclared: counted as other
    customers.loc[customers.index % 2 == 0, "acquisition_channel"] = "paid_search"
    frames["feedback"].loc[frames["feedback"].index % 2 == 0, "kind"] = "praise"
    path = tmp_path / "client.xlsx"
    write_workbook(frames, path, created=datetime(2026, 11, 1))
    settings = Settings(
        lang=lang,
        vocabulary={
            "channels": {"paid_search": {"en": "Paid search", "fa": "جستجوی پولی"}},
            "feedback_kinds": {"praise": {"en": "Praise", "fa": "ستایش"}},
        },
    )
    result = render_deck(path, tmp_path / "deck.pptx", settings=settings, period=period)
    texts = [_all_text(slide) for slide in Presentation(str(result.output)).slides]
    assert any(paid in text and other in text for text in texts)  # the channels slide
    assert any(praise in text for text in texts)  # the feedback slide
    (warning,) = [w for w in result.warnings if w.rule == "unknown_code"]
    assert (warning.sheet, warning.column, warning.value) == ("leads", "channel", "'Referral'")
    assert warning.count == int((leads.index % 3 == 1).sum())


def _all_text(slide: Slide) -> str:
    """Every text of a slide: text frames, table cells and chart categories."""
    parts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
    for shape in slide.shapes:
        if shape.has_table:
            parts += [c.text for row in shape.table.rows for c in row.cells]
        if shape.has_chart:
            parts += [str(c) for c in shape.chart.plots[0].categories]
    return " ".join(parts)


def test_recipe_crm_export_with_titles_yearly_sheets_and_money_as_text(
    small_frames: dict, small_workbook: Path, tmp_path: Path
) -> None:
    """docs/data-format.md, 'Recipe: a CRM export ...': the same deck figures as the plain data."""
    orders = small_frames["orders"]
    crm = pd.DataFrame(
        {
            "Invoice": orders["order_id"],
            "Account": orders["customer_id"],
            "Date": orders["order_date"].dt.strftime("%d/%m/%Y"),
            "Total": orders["amount"].map(lambda a: f"${a:,.2f}"),
        }
    )
    titles = pd.DataFrame([["Sales export"], ["Generated by the CRM"]])
    path = tmp_path / "crm.xlsx"
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        for name, frame in small_frames.items():
            if name != "orders":
                frame.to_excel(writer, sheet_name=name, index=False)
        for year in (2025, 2026):
            titles.to_excel(writer, sheet_name=f"Sales {year}", index=False, header=False)
            rows = crm[orders["order_date"].dt.year == year]
            rows.to_excel(writer, sheet_name=f"Sales {year}", index=False, startrow=2)
    config = tmp_path / "deckgen.toml"
    config.write_text(
        "[sheets.orders]\n"
        'sheet = ["Sales 2025", "Sales 2026"]\n'
        'columns = { order_id = "Invoice", customer_id = "Account", order_date = "Date", '
        'amount = "Total" }\n'
        'date_format = { order_date = "%d/%m/%Y" }\n',
        encoding="utf-8",
    )
    today = date(2026, 12, 1)
    crm_deck = render_deck(path, tmp_path / "crm.pptx", config_path=config, today=today)
    plain = render_deck(small_workbook, tmp_path / "plain.pptx", today=today)
    assert crm_deck.period == plain.period
    assert crm_deck.headlines == plain.headlines
    assert [w for w in crm_deck.warnings if w.rule != "partial_period"] == []
