"""Combo charts: bars and a line on a secondary axis, still one editable chart."""

from __future__ import annotations

from dataclasses import replace

from lxml import etree
from pptx.oxml.ns import qn

from deckgen.model import ChartSpec, Series
from deckgen.render.charts import draw_chart
from deckgen.render.layout import Box
from tests.render.conftest import make_canvas

BOX = Box(457200, 1783080, 8000000, 4000000)
SPEC = ChartSpec(
    kind="combo",
    title="Spend vs CAC",
    categories=("Email", "SEO", "TV"),
    series=(
        Series("CAC", (12.0, 18.0, 210.0), "money", axis="secondary", plot="line"),
        Series("Spend", (9500.0, 12000.0, 88000.0), "money"),
    ),
    value_axis_title="Spend",
    secondary_axis_title="CAC",
)


def _plot_area(chart) -> etree._Element:  # type: ignore[no-untyped-def]
    return chart._chartSpace.find(qn("c:chart")).find(qn("c:plotArea"))


def test_bar_and_line_on_a_secondary_axis() -> None:
    slide, ctx = make_canvas("en")
    chart = draw_chart(slide, SPEC, BOX, ctx).chart
    plot_area = _plot_area(chart)
    children = [etree.QName(c).localname for c in plot_area if c.tag != qn("c:layout")]
    assert children == ["barChart", "lineChart", "catAx", "valAx", "catAx", "valAx", "spPr"]
    assert [p.series[0].name for p in chart.plots] == ["Spend", "CAC"]
    assert chart.plots[0].series[0].values == (9500.0, 12000.0, 88000.0)
    assert chart.plots[1].series[0].values == (12.0, 18.0, 210.0)
    line_ids = [a.get("val") for a in plot_area.find(qn("c:lineChart")).findall(qn("c:axId"))]
    cat2, val2 = plot_area.findall(qn("c:catAx"))[1], plot_area.findall(qn("c:valAx"))[1]
    assert line_ids == [cat2.find(qn("c:axId")).get("val"), val2.find(qn("c:axId")).get("val")]
    assert cat2.find(qn("c:delete")).get("val") == "1"
    assert val2.find(qn("c:axPos")).get("val") == "r"
    assert val2.find(qn("c:crosses")).get("val") == "max"
    assert val2.find(qn("c:numFmt")).get("formatCode") == '#,##0"\u00a0USD"'
    assert "".join(t.text for t in val2.iter(qn("a:t"))) == "CAC"


def test_line_series_is_valid_line_chart_xml() -> None:
    slide, ctx = make_canvas("en")
    chart = draw_chart(slide, SPEC, BOX, ctx).chart
    ser = _plot_area(chart).find(qn("c:lineChart")).find(qn("c:ser"))
    names = [etree.QName(c).localname for c in ser]
    order = ["idx", "order", "tx", "spPr", "marker", "dPt", "dLbls", "cat", "val", "smooth"]
    assert [n for n in names if n in order] == sorted(names, key=order.index)
    assert "invertIfNegative" not in names
    # The formula still points at the embedded workbook's column of this series.
    assert ser.find(qn("c:val")).find(".//" + qn("c:f")).text == "Sheet1!$C$2:$C$4"


def test_rtl_combo_mirrors_both_category_axes() -> None:
    slide, ctx = make_canvas("fa")
    chart = draw_chart(slide, SPEC, BOX, ctx).chart
    plot_area = _plot_area(chart)
    orientations = [
        ax.find(qn("c:scaling")).find(qn("c:orientation")).get("val")
        for ax in plot_area.findall(qn("c:catAx"))
    ]
    assert orientations == ["maxMin", "maxMin"]
    assert plot_area.findall(qn("c:valAx"))[1].find(qn("c:axPos")).get("val") == "l"


def test_each_value_axis_picks_its_own_money_unit() -> None:
    """Spend in billions of rials on one axis, CAC in millions on the other (issue 12): the
    CAC axis was drawn as 0.0-0.4 billion for values of 20-290 million."""
    spec = ChartSpec(
        kind="combo",
        title="Spend vs CAC",
        categories=("Email", "SEO", "TV"),
        series=(
            Series("Spend", (2.2e8, 4.0e8, 4.9e9), "money"),
            Series("CAC", (2.0e7, 6.1e7, 2.9e8), "money", axis="secondary", plot="line"),
        ),
    )
    slide, ctx = make_canvas("fa")
    ctx = replace(ctx, deck=replace(ctx.deck, currency="IRR", digits="native"))
    plot_area = _plot_area(draw_chart(slide, spec, BOX, ctx).chart)
    primary, secondary = (
        ax.find(qn("c:numFmt")).get("formatCode") for ax in plot_area.findall(qn("c:valAx"))
    )
    assert "میلیارد" in primary and ",,," in primary  # billions: three thousands-commas
    assert "میلیون" in secondary and ",,," not in secondary
    line = plot_area.find(qn("c:lineChart")).find(qn("c:ser"))
    # The series keeps a decimal for its labels (29.0); the axis' whole steps need none.
    labels = line.find(qn("c:val")).find(".//" + qn("c:formatCode")).text
    assert labels == secondary.replace("#,##0,,", "#,##0.0,,")
