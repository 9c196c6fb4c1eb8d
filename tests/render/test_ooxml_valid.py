"""Every XML part of the sample decks is valid ECMA-376 transitional OOXML (issue 12, item 6)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import pytest
from lxml import etree

from tests.ooxml.validate import schema_errors, xml_parts
from tests.render.conftest import SampleDeck

DECKS = [("en", "native"), ("fa", "native"), ("ar", "native"), ("en", "image")]


@pytest.mark.parametrize(("lang", "charts"), DECKS)
def test_every_part_of_the_sample_deck_is_schema_valid(
    sample_deck: Callable[[str, str], SampleDeck], lang: str, charts: str
) -> None:
    deck = sample_deck(lang, charts)
    parts = xml_parts(deck.data)
    kinds = {re.sub(r"\d+", "N", name) for name in parts}
    assert {"ppt/slides/slideN.xml", "ppt/presentation.xml", "[Content_Types].xml"} <= kinds
    if charts == "native":
        assert "ppt/charts/chartN.xml" in kinds
    assert schema_errors(deck.data) == []


def test_chart_axis_ids_are_unsigned_unique_and_cross_each_other(
    sample_deck: Callable[[str, str], SampleDeck],
) -> None:
    c = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    charts = {
        n: d for n, d in xml_parts(sample_deck("fa", "native").data).items() if "/charts/" in n
    }
    combos = 0
    for name, data in charts.items():
        if name.endswith(".rels"):
            continue
        plot_area = etree.fromstring(data).find(f"{c}chart/{c}plotArea")
        axes = [el for el in plot_area if el.tag in (f"{c}catAx", f"{c}valAx")]
        ids = [ax.find(f"{c}axId").get("val") for ax in axes]
        assert all(i.isdigit() for i in ids), (name, ids)
        assert len(set(ids)) == len(ids), (name, ids)
        for ax in axes:  # each axis crosses another axis of the chart
            assert ax.find(f"{c}crossAx").get("val") in set(ids) - {ax.find(f"{c}axId").get("val")}
        plots = [el for el in plot_area if el.tag.endswith("Chart")]
        for plot in plots:  # and every plot names axes that exist
            assert {a.get("val") for a in plot.findall(f"{c}axId")} <= set(ids)
        combos += len(axes) == 4
    assert combos >= 1  # the dual-axis charts were checked too


def test_the_validator_catches_a_part_out_of_schema_order(
    sample_deck: Callable[[str, str], SampleDeck],
) -> None:
    """A run whose `a:cs` font comes after `a:hlinkClick` is what PowerPoint repairs."""
    data = sample_deck("en", "native").data
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "ppt/slides/slide2.xml":
                part = part.replace(b"<a:cs ", b"<a:hlinkClick r:id=''/><a:cs ", 1)
            target.writestr(info, part)
    errors = schema_errors(out.getvalue())
    assert len(errors) == 1
    assert errors[0].startswith("ppt/slides/slide2.xml:")
    assert "cs" in errors[0] and "This element is not expected" in errors[0]
