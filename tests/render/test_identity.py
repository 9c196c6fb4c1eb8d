"""Identities of what deckgen draws: item keys of KPI cards and table rows."""

from __future__ import annotations

import io
import zipfile

import pytest
from pptx import Presentation

from deckgen.model import Cell, Deck, Kpi, KpiStrip, Slide, TableColumn, TableSpec
from deckgen.render.identity import read_record, split_name
from deckgen.render.writer import render_pptx
from tests.refresh.conftest import deck_of


def _deck(*blocks: KpiStrip | TableSpec) -> Deck:
    return deck_of(Slide(kind="summary", title="Summary", notes="n", blocks=blocks))


def _table(keys: tuple[str, ...] = ()) -> TableSpec:
    return TableSpec(
        columns=(TableColumn("Channel"), TableColumn("Leads", align="end")),
        rows=((Cell("Email"), Cell("10")), (Cell("SEO"), Cell("20"))),
        row_keys=keys,
    )


def test_a_kpi_with_a_key_names_its_shapes_by_it_and_one_without_by_its_place() -> None:
    strip = KpiStrip((Kpi("NPS", "+12", "+2 pts", key="nps"), Kpi("Revenue", "100")))
    prs = Presentation(io.BytesIO(render_pptx(_deck(strip))))
    names = {split_name(s.name)[1] for s in prs.slides[1].shapes}
    roles = ("kpi-card", "kpi-accent", "kpi-label", "kpi-value", "kpi-delta")
    assert {f"summary/kpis1/nps/{role}" for role in roles} <= names
    # The unkeyed card is the second card drawn: numbered in its block, as before keys.
    assert {f"summary/kpis1/{r}.1" for r in ("kpi-card", "kpi-label", "kpi-value")} <= names


def test_table_row_keys_are_in_the_record_and_no_marker_is_left_in_the_deck() -> None:
    data = render_pptx(_deck(_table(("email", "seo"))))
    record = read_record(Presentation(io.BytesIO(data)))
    assert record is not None
    assert record["items"]["summary/table1/table.1"]["k"] == ["header", "email", "seo"]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        slide = package.read("ppt/slides/slide2.xml").decode()
    assert "deckgenItem" not in slide and "deckgenRows" not in slide
    unkeyed = read_record(Presentation(io.BytesIO(render_pptx(_deck(_table())))))
    assert unkeyed is not None and "k" not in unkeyed["items"]["summary/table1/table.1"]


@pytest.mark.parametrize("keys", [("email",), ("email", "email"), ("a", "b", "c")])
def test_row_keys_must_be_one_per_row_and_unique(keys: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="one per row and unique"):
        _table(keys)


def test_a_page_of_a_table_keeps_its_rows_keys() -> None:
    page = _table(("email", "seo")).rows_between(1, 2)
    assert (page.rows, page.row_keys) == (((Cell("SEO"), Cell("20")),), ("seo",))
    assert _table().rows_between(0, 1).row_keys == ()
