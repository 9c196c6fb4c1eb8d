"""Refresh of small hand-made decks: tables, KPI strips, notes and continuation slides."""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType
from pptx.shapes.base import BaseShape
from pptx.util import Pt

from deckgen import textmetrics
from deckgen.model import (
    Cell,
    Deck,
    Kpi,
    KpiStrip,
    Paragraph,
    Slide,
    TableColumn,
    TableSpec,
    TextBlock,
)
from deckgen.refresh.deck import open_edited_deck, refresh_pages, refresh_presentation
from deckgen.refresh.report import Outcome
from deckgen.render.identity import split_name
from deckgen.render.writer import render_pptx
from tests.refresh.conftest import deck_of, keys, shape


def _table(rows: list[tuple[str, str]]) -> Slide:
    spec = TableSpec(
        columns=(TableColumn("Item"), TableColumn("Value", align="end")),
        rows=tuple((Cell(a), Cell(b)) for a, b in rows),
    )
    return Slide(kind="open_feedback", title="Open items", notes="table notes", blocks=(spec,))


def _kpis(*figures: tuple[str, str]) -> Slide:
    strip = KpiStrip(tuple(Kpi(label, value) for label, value in figures))
    return Slide(kind="summary", title="Summary", notes="summary notes", blocks=(strip,))


def _keyed_kpis(*figures: tuple[str, str, str]) -> Slide:
    strip = KpiStrip(tuple(Kpi(label, value, key=key) for key, label, value in figures))
    return Slide(kind="summary", title="Summary", notes="summary notes", blocks=(strip,))


def _keyed_table(rows: list[tuple[str, str]]) -> Slide:
    spec = TableSpec(
        columns=(TableColumn("Channel"), TableColumn("Leads", align="end")),
        rows=tuple((Cell(a), Cell(b)) for a, b in rows),
        row_keys=tuple(a for a, _ in rows),
    )
    return Slide(kind="channels", title="Channels", notes="table notes", blocks=(spec,))


def _refresh(
    tmp_path: Path,
    before: Deck,
    after: Deck,
    edit: Callable[[PresentationType], None] = lambda prs: None,
) -> tuple[PresentationType, list[Outcome]]:
    path = tmp_path / "before.pptx"
    prs = Presentation(io.BytesIO(render_pptx(before, provenance={"period": "2026-09"})))
    edit(prs)
    prs.save(str(path))
    data, outcomes = refresh_presentation(open_edited_deck(path), after, {"period": "2026-10"})
    return Presentation(io.BytesIO(data)), list(outcomes)


def _cells(prs: PresentationType, identity: str) -> list[list[str]]:
    table = shape(prs, identity).table
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_a_table_grows_and_shrinks_with_its_rows(tmp_path: Path) -> None:
    three = [("a", "1"), ("b", "2"), ("c", "3")]
    five = [("a", "10"), ("b", "20"), ("c", "30"), ("d", "40"), ("e", "50")]
    prs, _ = _refresh(tmp_path, deck_of(_table(three)), deck_of(_table(five)))
    assert _cells(prs, "open_feedback/table1/table.1") == [["Item", "Value"], *map(list, five)]
    prs, _ = _refresh(tmp_path, deck_of(_table(five)), deck_of(_table(three)))
    assert _cells(prs, "open_feedback/table1/table.1") == [["Item", "Value"], *map(list, three)]


def test_an_edited_cell_is_kept_and_the_others_refreshed_in_their_formatting(
    tmp_path: Path,
) -> None:
    def edit(prs: PresentationType) -> None:
        table = shape(prs, "open_feedback/table1/table.1").table
        table.cell(1, 1).text_frame.paragraphs[0].runs[0].text = "one (checked)"
        table.cell(2, 0).text_frame.paragraphs[0].runs[0].font.size = Pt(20)

    before = deck_of(_table([("a", "1"), ("b", "2"), ("c", "3")]))
    after = deck_of(_table([("a", "10"), ("b", "20")]))
    prs, outcomes = _refresh(tmp_path, before, after, edit)
    assert _cells(prs, "open_feedback/table1/table.1") == [
        ["Item", "Value"],
        ["a", "one (checked)"],
        ["b", "20"],
    ]
    restyled = shape(prs, "open_feedback/table1/table.1").table.cell(2, 0)
    assert restyled.text_frame.paragraphs[0].runs[0].font.size == Pt(20)
    kept = [o for o in outcomes if o.status == "kept"]
    assert [(o.detail, o.current, o.proposed) for o in kept] == [
        ("row 2, column 2 edited by hand", "one (checked)", "10")
    ]


def test_a_kpi_strip_that_gains_a_card_is_laid_out_afresh(tmp_path: Path) -> None:
    before = deck_of(_kpis(("Revenue", "100"), ("Customers", "5")))
    after = deck_of(_kpis(("Revenue", "120"), ("Customers", "6"), ("NPS", "+12")))
    prs, outcomes = _refresh(tmp_path, before, after)
    fresh = Presentation(io.BytesIO(render_pptx(after)))
    for number in (1, 2, 3):
        for role in ("kpi-card", "kpi-value"):
            identity = f"summary/kpis1/{role}.{number}"
            mine, theirs = shape(prs, identity), shape(fresh, identity)
            assert (mine.left, mine.width) == (theirs.left, theirs.width)
    assert shape(prs, "summary/kpis1/kpi-value.3").text_frame.text == "+12"
    added = {o.item for o in outcomes if o.status == "added"}
    assert added == {f"summary/kpis1/{r}.3" for r in ("kpi-card", "kpi-accent", "kpi-label")} | {
        "summary/kpis1/kpi-value.3"
    }


def test_a_card_no_longer_needed_is_removed_with_the_consultants_words_reported(
    tmp_path: Path,
) -> None:
    def edit(prs: PresentationType) -> None:
        label = shape(prs, "summary/kpis1/kpi-label.2")
        label.text_frame.paragraphs[0].runs[0].text = "Clients"

    before = deck_of(_kpis(("Revenue", "100"), ("Customers", "5")))
    after = deck_of(
        _kpis(
            ("Revenue", "120"),
        )
    )
    prs, outcomes = _refresh(tmp_path, before, after, edit)
    names = [s.name for s in prs.slides[1].shapes]
    assert not any("kpis1/kpi-label.2" in name for name in names)
    (removed,) = [o for o in outcomes if o.item == "summary/kpis1/kpi-label.2"]
    assert (removed.status, removed.current) == ("removed", "Clients")


def test_kpis_are_matched_by_their_figure_when_the_strip_changes_order_and_set(
    tmp_path: Path,
) -> None:
    def edit(prs: PresentationType) -> None:
        label = shape(prs, "summary/kpis1/customers/kpi-label")
        label.text_frame.paragraphs[0].runs[0].text = "Clients"
        value = shape(prs, "summary/kpis1/nps/kpi-value")
        value.text_frame.paragraphs[0].runs[0].font.color.rgb = RGBColor(0xFF, 0x00, 0xAA)

    before = deck_of(
        _keyed_kpis(
            ("revenue", "Revenue", "100"), ("customers", "Customers", "5"), ("nps", "NPS", "+10")
        )
    )
    after = deck_of(
        _keyed_kpis(("nps", "NPS", "+12"), ("revenue", "Revenue", "120"), ("new", "New", "7"))
    )
    prs, outcomes = _refresh(tmp_path, before, after, edit)
    fresh = Presentation(io.BytesIO(render_pptx(after)))
    values = {
        k: shape(prs, f"summary/kpis1/{k}/kpi-value").text_frame.text
        for k in ("nps", "revenue", "new")
    }
    assert values == {"nps": "+12", "revenue": "120", "new": "7"}
    # The NPS card moved to the strip's start, and its value kept the consultant's colour.
    for key in ("nps", "revenue", "new"):
        mine, theirs = (
            shape(prs, f"summary/kpis1/{key}/kpi-card"),
            shape(fresh, f"summary/kpis1/{key}/kpi-card"),
        )
        assert (mine.left, mine.width) == (theirs.left, theirs.width)
    nps = shape(prs, "summary/kpis1/nps/kpi-value").text_frame.paragraphs[0].runs[0]
    assert nps.font.color.rgb == RGBColor(0xFF, 0x00, 0xAA)
    assert not any("/customers/" in s.name for s in prs.slides[1].shapes)
    (removed,) = [o for o in outcomes if o.item == "summary/kpis1/customers/kpi-label"]
    assert (removed.status, removed.current) == ("removed", "Clients")
    added = {o.item for o in outcomes if o.status == "added"}
    roles = ("kpi-card", "kpi-accent", "kpi-label", "kpi-value")
    assert added == {f"summary/kpis1/new/{role}" for role in roles}


def test_table_rows_are_matched_by_their_key_when_rows_come_go_and_reorder(
    tmp_path: Path,
) -> None:
    def edit(prs: PresentationType) -> None:
        table = shape(prs, "channels/table1/table.1").table
        table.cell(2, 1).text_frame.paragraphs[0].runs[0].text = "20 (checked)"  # seo
        table.cell(1, 1).text_frame.paragraphs[0].runs[0].text = "10 (old)"  # email

    before = deck_of(_keyed_table([("email", "10"), ("seo", "20"), ("tv", "30")]))
    after = deck_of(_keyed_table([("tv", "33"), ("seo", "22"), ("radio", "44")]))
    prs, outcomes = _refresh(tmp_path, before, after, edit)
    assert _cells(prs, "channels/table1/table.1") == [
        ["Channel", "Leads"],
        ["tv", "33"],
        ["seo", "20 (checked)"],
        ["radio", "44"],
    ]
    found = [
        (o.status, o.detail, o.current, o.proposed) for o in outcomes if o.status != "unchanged"
    ]
    assert ("kept", "row 3 (seo), column 2 edited by hand", "20 (checked)", "22") in found
    assert ("removed", "row 2 (email) is no longer needed", "10 (old)", None) in found


def _headline(text: str) -> Slide:
    body = TextBlock((Paragraph("The month in short."),), area="bottom")
    return Slide(kind="summary", title="Summary", notes="n", headline=text, blocks=(body,))


LONGER = (
    "Revenue grew 5.2% to 30,614 USD in October, the third month in a row, while retention "
    "fell to 31% and the loyalty club lost 40 of the members it won in the summer."
)


def _fits(box: BaseShape, size: float) -> bool:
    """True when the headline's text fits its box at `size` (Calibri, measured as Carlito)."""
    frame = box.text_frame
    width = (box.width - frame.margin_left - frame.margin_right) / 12700
    height = (box.height - frame.margin_top - frame.margin_bottom) / 12700
    lines = textmetrics.wrap_text(frame.text, width, size, "Calibri")
    return len(lines) * textmetrics.line_height(frame.text, size, "Calibri") <= height


def test_a_longer_text_in_a_box_the_consultant_restyled_is_shrunk_to_fit_it(
    tmp_path: Path,
) -> None:
    def edit(prs: PresentationType) -> None:
        for run in shape(prs, "summary/headline").text_frame.paragraphs[0].runs:
            run.font.size = Pt(24)
            run.font.italic = True

    before = deck_of(_headline("Revenue grew."))
    prs, outcomes = _refresh(tmp_path, before, deck_of(_headline(LONGER)), edit)
    box = shape(prs, "summary/headline")
    (run,) = box.text_frame.paragraphs[0].runs
    size = run.font.size.pt
    assert box.text_frame.text == LONGER and run.font.italic
    assert not _fits(box, 24) and _fits(box, size) and not _fits(box, size + 0.5)
    (outcome,) = [o for o in outcomes if o.item == "summary/headline"]
    assert outcome.detail == f"your formatting kept; shrunk to {size:g} pt to fit your box"
    # A replacement that fits keeps the consultant's size.
    prs, _ = _refresh(tmp_path, before, deck_of(_headline("Revenue grew again.")), edit)
    assert shape(prs, "summary/headline").text_frame.paragraphs[0].runs[0].font.size == Pt(24)


def _refresh_notes(
    tmp_path: Path, edit: Callable[[PresentationType], None]
) -> tuple[PresentationType, list[Outcome]]:
    """A KPI slide and a table slide refreshed to new notes, after `edit`."""
    before = deck_of(_kpis(("Revenue", "100")), _table([("a", "1")]))
    after = deck_of(
        Slide(kind="summary", title="Summary", notes="new notes", blocks=before.slides[1].blocks),
        Slide(
            kind="open_feedback",
            title="Open items",
            notes="new table notes",
            blocks=before.slides[2].blocks,
        ),
    )
    return _refresh(tmp_path, before, after, edit)


def test_edited_notes_are_kept_and_untouched_notes_refreshed(tmp_path: Path) -> None:
    def edit(prs: PresentationType) -> None:
        prs.slides[1].notes_slide.notes_text_frame.text = "My talking points"

    prs, outcomes = _refresh_notes(tmp_path, edit)
    assert prs.slides[1].notes_slide.notes_text_frame.text == "My talking points"
    assert prs.slides[2].notes_slide.notes_text_frame.text == "new table notes"
    (kept,) = [o for o in outcomes if o.item == "summary/notes"]
    assert (kept.status, kept.proposed) == ("kept", "new notes")


def test_notes_whose_box_the_consultant_deleted_are_reported_and_the_others_refreshed(
    tmp_path: Path,
) -> None:
    def edit(prs: PresentationType) -> None:
        box = prs.slides[1].notes_slide.notes_placeholder._element
        box.getparent().remove(box)  # the notes page keeps its slide image

    prs, outcomes = _refresh_notes(tmp_path, edit)
    assert prs.slides[1].notes_slide.notes_placeholder is None
    assert prs.slides[2].notes_slide.notes_text_frame.text == "new table notes"
    found = {o.item: (o.status, o.detail) for o in outcomes if o.item.endswith("/notes")}
    assert found == {
        "summary/notes": ("kept", "the slide has no notes box any more"),
        "open_feedback/notes": ("refreshed", ""),
    }


def test_a_continuation_slide_is_inserted_after_its_neighbour(tmp_path: Path) -> None:
    before = deck_of(
        _table([("a", "1")]),
        _kpis(
            ("Revenue", "1"),
        ),
    )
    after = deck_of(
        _table([("a", "1")]),
        _table([("b", "2")]),
        _kpis(
            ("Revenue", "2"),
        ),
    )
    prs, outcomes = _refresh(tmp_path, before, after)
    assert keys(prs) == ["title", "open_feedback", "open_feedback.2", "summary"]
    assert _cells(prs, "open_feedback.2/table1/table.1")[1] == ["b", "2"]
    assert [o.status for o in outcomes if o.item == "open_feedback.2"] == ["added"]


def test_pages_follow_the_consultants_order_their_slides_and_added_ones(tmp_path: Path) -> None:
    path = tmp_path / "before.pptx"
    before = deck_of(_table([("a", "1")]), _kpis(("Revenue", "1")))
    prs = Presentation(io.BytesIO(render_pptx(before, provenance={"period": "2026-09"})))
    prs.slides.add_slide(prs.slide_layouts[-1])  # the consultant's, last
    ids = prs.slides._sldIdLst
    summary = list(ids)[2]
    ids.remove(summary)
    ids.insert(1, summary)  # the summary before the table
    prs.save(str(path))
    pages = refresh_pages(open_edited_deck(path))
    # Final order: title, summary, open_feedback, open_feedback.2 (added after its
    # neighbour), the consultant's slide.
    kinds = ["title", "open_feedback", "open_feedback", "summary"]
    assert list(pages(kinds)) == [1, 3, 4, 2]
    assert list(pages(["title", "summary"])) == [1, 2]  # the table slide no longer needed


def test_a_slide_no_longer_needed_goes_unless_the_consultant_edited_it(
    tmp_path: Path,
) -> None:
    before = deck_of(_table([("a", "1")]), _table([("b", "2")]))
    after = deck_of(_table([("a", "3")]))
    prs, outcomes = _refresh(tmp_path, before, after)
    assert keys(prs) == ["title", "open_feedback"]
    assert [o.status for o in outcomes if o.item == "open_feedback.2"] == ["removed"]

    def edit(prs: PresentationType) -> None:
        prs.slides[2].shapes.title.text_frame.paragraphs[0].runs[0].text = "Still open"

    prs, outcomes = _refresh(tmp_path, before, after, edit)
    assert keys(prs) == ["title", "open_feedback", "open_feedback.2"]
    assert [o.status for o in outcomes if o.item == "open_feedback.2"] == ["kept"]


def test_a_consultants_slide_with_a_pasted_card_does_not_take_the_real_slides_place(
    tmp_path: Path,
) -> None:
    """Regression: a slide of the consultant's, before deckgen's, holding a KPI card pasted
    from it (PowerPoint keeps the names) was refreshed in its stead, the real slide left stale."""

    def edit(prs: PresentationType) -> None:
        own = prs.slides.add_slide(prs.slide_layouts[-1])
        pasted = shape(prs, "summary/kpis1/revenue/kpi-value")._element
        own.shapes._spTree.append(copy.deepcopy(pasted))
        own.shapes.add_textbox(Pt(20), Pt(200), Pt(300), Pt(40)).text_frame.text = "Our view"
        ids = prs.slides._sldIdLst
        mine = list(ids)[-1]
        ids.remove(mine)
        ids.insert(1, mine)  # before the summary

    before = deck_of(_keyed_kpis(("revenue", "Revenue", "100"), ("nps", "NPS", "+10")))
    after = deck_of(_keyed_kpis(("revenue", "Revenue", "120"), ("nps", "NPS", "+12")))
    prs, outcomes = _refresh(tmp_path, before, after, edit)
    real = prs.slides[2]
    values = {
        split_name(s.name)[1]: s.text_frame.text for s in real.shapes if "kpi-value" in s.name
    }
    assert values == {
        "summary/kpis1/revenue/kpi-value": "120",
        "summary/kpis1/nps/kpi-value": "+12",
    }
    own = prs.slides[1]
    assert [s.text_frame.text for s in own.shapes][-2:] == ["100", "Our view"]
    assert not [o for o in outcomes if o.status == "deleted"]
    assert [
        (o.item, o.status) for o in outcomes if o.slide == "summary" and o.item == "summary"
    ] == [("summary", "kept")]


def test_a_shape_named_like_deckgens_but_never_drawn_by_it_is_kept(tmp_path: Path) -> None:
    """Regression: a consultant's box named `... [deckgen:summary/sticky/note]` was removed."""

    def edit(prs: PresentationType) -> None:
        box = prs.slides[1].shapes.add_textbox(Pt(20), Pt(20), Pt(200), Pt(30))
        box.text_frame.text = "Call the client first"
        box.name = "Sticky [deckgen:summary/sticky/note]"

    before = deck_of(_keyed_kpis(("revenue", "Revenue", "100")))
    after = deck_of(_keyed_kpis(("revenue", "Revenue", "120")))
    prs, outcomes = _refresh(tmp_path, before, after, edit)
    assert shape(prs, "summary/sticky/note").text_frame.text == "Call the client first"
    assert shape(prs, "summary/kpis1/revenue/kpi-value").text_frame.text == "120"
    (note,) = [o for o in outcomes if o.item == "summary/sticky/note"]
    assert (note.status, note.detail) == ("kept", "not drawn by deckgen; left as it is")


def _delete_row(prs: PresentationType, identity: str, number: int) -> None:
    tbl = shape(prs, identity).table._tbl
    tbl.remove(tbl.tr_lst[number])


def test_a_keyed_row_deleted_by_hand_stays_deleted_and_the_rows_after_it_are_current(
    tmp_path: Path,
) -> None:
    """Regression: deleting a row shifted every later row against last month's, so each was
    reported as edited and kept with last month's figures."""

    def edit(prs: PresentationType) -> None:
        _delete_row(prs, "channels/table1/table.1", 2)  # seo
        table = shape(prs, "channels/table1/table.1").table
        table.cell(2, 1).text_frame.paragraphs[0].runs[0].text = "30 (checked)"  # tv, now row 3

    before = deck_of(_keyed_table([("email", "10"), ("seo", "20"), ("tv", "30"), ("print", "5")]))
    after = deck_of(_keyed_table([("tv", "33"), ("seo", "22"), ("print", "6"), ("email", "11")]))
    prs, outcomes = _refresh(tmp_path, before, after, edit)
    assert _cells(prs, "channels/table1/table.1") == [
        ["Channel", "Leads"],
        ["tv", "30 (checked)"],
        ["print", "6"],
        ["email", "11"],
    ]
    table = [o for o in outcomes if o.item == "channels/table1/table.1"]
    assert [(o.status, o.detail, o.current, o.proposed) for o in table] == [
        ("refreshed", "your formatting kept", None, None),
        ("deleted", "row seo: you deleted it; not added back", None, None),
        ("kept", "row 3 (tv), column 2 edited by hand", "30 (checked)", "33"),
    ]


def test_a_row_deleted_by_hand_from_a_table_of_places_leaves_the_others_current(
    tmp_path: Path,
) -> None:
    before = deck_of(_table([("a", "1"), ("b", "2"), ("c", "3"), ("d", "4")]))
    after = deck_of(_table([("w", "10"), ("x", "20"), ("y", "30"), ("z", "40")]))
    prs, outcomes = _refresh(
        tmp_path, before, after, lambda prs: _delete_row(prs, "open_feedback/table1/table.1", 2)
    )
    assert _cells(prs, "open_feedback/table1/table.1") == [
        ["Item", "Value"],
        ["w", "10"],
        ["x", "20"],
        ["y", "30"],
        ["z", "40"],
    ]
    assert not [o for o in outcomes if o.status in ("kept", "removed", "failed")]


def test_a_row_the_consultant_added_is_kept_after_its_neighbour(tmp_path: Path) -> None:
    def edit(prs: PresentationType) -> None:
        tbl = shape(prs, "channels/table1/table.1").table._tbl
        mine = copy.deepcopy(tbl.tr_lst[1])
        tbl.tr_lst[1].addnext(mine)  # after email
        for cell, text in zip(mine.iter(qn("a:t")), ("partners", "7 (our count)"), strict=True):
            cell.text = text

    before = deck_of(_keyed_table([("email", "10"), ("seo", "20")]))
    after = deck_of(_keyed_table([("seo", "22"), ("email", "11"), ("tv", "5")]))
    prs, outcomes = _refresh(tmp_path, before, after, edit)
    assert _cells(prs, "channels/table1/table.1") == [
        ["Channel", "Leads"],
        ["seo", "22"],
        ["email", "11"],
        ["partners", "7 (our count)"],
        ["tv", "5"],
    ]
    assert [(o.status, o.detail) for o in outcomes if o.status != "unchanged"][:2] == [
        ("refreshed", "your formatting kept"),
        ("kept", "row 3: a row you added; left as it is"),
    ]


def test_shapes_the_consultant_grouped_are_refreshed_in_their_group(tmp_path: Path) -> None:
    """Regression: shapes in a group were not found, so reported as deleted and left stale."""

    def edit(prs: PresentationType) -> None:
        parts = [shape(prs, f"summary/kpis1/revenue/{role}") for role in ("kpi-card", "kpi-value")]
        prs.slides[1].shapes.add_group_shape(parts).name = "Group 1"

    before = deck_of(_keyed_kpis(("revenue", "Revenue", "100"), ("nps", "NPS", "+10")))
    after = deck_of(
        _keyed_kpis(("revenue", "Revenue", "120"), ("nps", "NPS", "+12"), ("new", "New", "7"))
    )
    prs, outcomes = _refresh(tmp_path, before, after, edit)
    group = next(s for s in prs.slides[1].shapes if s.name == "Group 1")
    grouped = {split_name(s.name)[1]: s.text_frame.text for s in group.shapes}
    assert grouped == {
        "summary/kpis1/revenue/kpi-card": "",
        "summary/kpis1/revenue/kpi-value": "120",
    }
    assert shape(prs, "summary/kpis1/new/kpi-value").text_frame.text == "7"  # not in the group
    assert shape(prs, "summary/kpis1/nps/kpi-value").text_frame.text == "+12"
    assert not [o for o in outcomes if o.status in ("deleted", "failed", "kept")]


def test_a_row_deleted_and_one_added_by_hand_leave_the_others_current(tmp_path: Path) -> None:
    """Regression: as many rows as deckgen wrote, so rows were matched by place: every row
    after the deleted one was reported as edited and kept with last month's figures."""

    def edit(prs: PresentationType) -> None:
        _delete_row(prs, "channels/table1/table.1", 1)  # email
        tbl = shape(prs, "channels/table1/table.1").table._tbl
        mine = copy.deepcopy(tbl.tr_lst[-1])
        tbl.append(mine)
        for cell, text in zip(mine.iter(qn("a:t")), ("partners", "7"), strict=True):
            cell.text = text

    before = deck_of(_keyed_table([("email", "10"), ("seo", "20"), ("tv", "30")]))
    after = deck_of(_keyed_table([("tv", "33"), ("email", "11"), ("seo", "22")]))
    prs, outcomes = _refresh(tmp_path, before, after, edit)
    assert _cells(prs, "channels/table1/table.1") == [
        ["Channel", "Leads"],
        ["tv", "33"],
        ["partners", "7"],
        ["seo", "22"],
    ]
    assert [(o.status, o.detail) for o in outcomes if o.status in ("kept", "deleted")] == [
        ("deleted", "row email: you deleted it; not added back"),
        ("kept", "row 4: a row you added; left as it is"),
    ]


def _refresh_revenue(
    tmp_path: Path, edit: Callable[[PresentationType], None]
) -> tuple[PresentationType, Outcome]:
    """A summary of revenue and NPS refreshed from a revenue of 100 to 120 after `edit`, and
    the outcome of the revenue figure."""
    before = deck_of(_keyed_kpis(("revenue", "Revenue", "100"), ("nps", "NPS", "+10")))
    after = deck_of(_keyed_kpis(("revenue", "Revenue", "120"), ("nps", "NPS", "+12")))
    prs, outcomes = _refresh(tmp_path, before, after, edit)
    (outcome,) = [o for o in outcomes if o.item == "summary/kpis1/revenue/kpi-value"]
    return prs, outcome


def test_a_renamed_shape_is_reported_as_renamed_with_deckgens_new_text(tmp_path: Path) -> None:
    """Regression: a shape the consultant renamed (no longer deckgen's) was reported as
    deleted, though it is still on the slide with last month's figure."""

    def edit(prs: PresentationType) -> None:
        shape(prs, "summary/kpis1/revenue/kpi-value").name = "Revenue figure"

    prs, renamed = _refresh_revenue(tmp_path, edit)
    assert (renamed.status, renamed.detail, renamed.current, renamed.proposed) == (
        "kept",
        "you renamed it: yours now, not refreshed",
        "100",
        "120",
    )
    mine = next(s for s in prs.slides[1].shapes if s.name == "Revenue figure")
    assert mine.text_frame.text == "100"
    # A month later it is still reported as renamed, not deleted.
    october = tmp_path / "october.pptx"
    prs.save(str(october))
    later = deck_of(_keyed_kpis(("revenue", "Revenue", "130"), ("nps", "NPS", "+14")))
    _, outcomes = refresh_presentation(open_edited_deck(october), later, {"period": "2026-11"})
    (renamed,) = [o for o in outcomes if o.item == "summary/kpis1/revenue/kpi-value"]
    assert (renamed.status, renamed.current, renamed.proposed) == ("kept", "100", "130")


def test_a_renamed_and_edited_shape_is_reported_as_renamed_not_deleted(tmp_path: Path) -> None:
    """Regression: a shape the consultant renamed and rewrote was reported as deleted; it
    sits where deckgen put it, so it is theirs now. A shape deleted, with a text box of theirs
    elsewhere, is still deleted."""

    def rename_and_edit(prs: PresentationType) -> None:
        mine = shape(prs, "summary/kpis1/revenue/kpi-value")
        mine.name = "Revenue figure"
        mine.text_frame.paragraphs[0].runs[0].text = "about 100"

    def delete_and_add(prs: PresentationType) -> None:
        gone = shape(prs, "summary/kpis1/revenue/kpi-value")
        gone._element.getparent().remove(gone._element)
        prs.slides[1].shapes.add_textbox(0, 0, Pt(100), Pt(20)).text_frame.text = "a note"

    prs, renamed = _refresh_revenue(tmp_path, rename_and_edit)
    assert (renamed.status, renamed.detail, renamed.current, renamed.proposed) == (
        "kept",
        "you renamed and edited it: yours now, not refreshed",
        "about 100",
        "120",
    )
    mine = next(s for s in prs.slides[1].shapes if s.name == "Revenue figure")
    assert mine.text_frame.text == "about 100"
    assert [s.text_frame.text for s in prs.slides[1].shapes if s.name.endswith("kpi-value]")] == [
        "+12"
    ]
    _, deleted = _refresh_revenue(tmp_path, delete_and_add)
    assert (deleted.status, deleted.detail) == ("deleted", "you deleted it; not added back")
