from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from deckgen.metrics.common import Change
from deckgen.model import Cell, Paragraph, TableColumn, TableSpec
from deckgen.slides.blocks import cell, change_kpi, chart_or_note, paragraphs, table_pages, tone
from deckgen.slides.context import SlideContext


def test_paragraphs_split_rendered_lines_and_drop_blanks() -> None:
    assert paragraphs("One.\n\nTwo.") == (Paragraph("One."), Paragraph("Two."))
    assert paragraphs("x", level=1, bold=True) == (Paragraph("x", level=1, bold=True),)
    assert paragraphs("") == ()


def test_tone_follows_the_desired_direction() -> None:
    assert tone(Change(5, 4)) == "good"
    assert tone(Change(3, 4)) == "bad"
    assert tone(Change(3, 4), good_when_up=False) == "good"
    assert tone(Change(4, 4)) == "neutral"
    assert tone(Change(4, None)) == "neutral"
    assert tone(None) == "neutral"


def test_change_kpi_words_the_change_against_the_previous_month(sample_ctx: SlideContext) -> None:
    kpi = change_kpi(sample_ctx, "Revenue", Change(1100.0, 1000.0), "money")
    assert kpi.value == "1,100\u00a0USD"
    assert kpi.delta == "+10.0% vs Sep 2026"
    assert kpi.tone == "good"
    rate = change_kpi(sample_ctx, "Repeat", Change(0.30, 0.32), "percent")
    assert rate.delta == "-2.0\u00a0pts vs Sep 2026"
    assert rate.tone == "bad"
    first = change_kpi(sample_ctx, "New", Change(7, None), "count")
    assert (first.value, first.delta, first.tone) == ("7", None, "neutral")


def test_cell_keeps_the_raw_value(sample_ctx: SlideContext) -> None:
    assert cell(sample_ctx, 0.125, "percent") == Cell("12.5%", 0.125)
    assert cell(sample_ctx, None, "money") == Cell("–", None)


@given(st.integers(min_value=1, max_value=120))
def test_table_pages_keep_every_row_once_in_order(rows: int) -> None:
    spec = TableSpec(
        columns=(TableColumn("Name"), TableColumn("Value", "end")),
        rows=tuple((Cell(f"row {i}"), Cell(str(i), i)) for i in range(rows)),
        title="A table",
    )
    pages = table_pages(spec)
    assert [r for page in pages for r in page.rows] == list(spec.rows)
    assert pages[0].title == "A table"
    assert all(page.title is None for page in pages[1:])
    assert all(page.rows for page in pages)


def test_a_chart_without_signal_says_so_in_its_place(sample_ctx: SlideContext) -> None:
    from deckgen.model import ChartSpec, Series, TextBlock
    from deckgen.narrative.common import Sheet, Unit, source

    period = sample_ctx.period
    line = source((Sheet.ORDERS,), period, period, 3, Unit.CUSTOMERS, None)
    zeros = ChartSpec("bar", "Spend", ("a", "b"), (Series("x", (0.0, None)),), area="right")
    said = chart_or_note(sample_ctx, zeros, line)
    assert said == TextBlock(
        (Paragraph("Nothing to show: every value is zero in this period."),),
        area="right",
        style="body",
        title="Spend",
    )
    one = ChartSpec("bar", "Spend", ("a",), (Series("x", (4.0,)),))
    assert chart_or_note(sample_ctx, one, line).paragraphs[0].text.startswith("Nothing to compare")  # type: ignore[union-attr]
    months = ChartSpec("line", "Trend", ("Sep", "Oct"), (Series("x", (None, 2.0)),))
    said = chart_or_note(sample_ctx, months, line, trend=True)
    assert said.paragraphs[0].text.startswith("Too few months")  # type: ignore[union-attr]
    fine = ChartSpec("bar", "Spend", ("a", "b"), (Series("x", (1.0, 2.0)),))
    drawn = chart_or_note(sample_ctx, fine, line)
    assert isinstance(drawn, ChartSpec)
    assert drawn.source == "Source: orders sheet, Oct 2026; n\u00a0=\u00a03 customers"
