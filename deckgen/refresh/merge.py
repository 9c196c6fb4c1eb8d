"""Merge one freshly drawn item into the consultant's copy of it, aspect by aspect.

Each aspect of an item (deckgen.render.identity fingerprints) is compared with what deckgen
wrote last time: an aspect still as deckgen wrote it takes the new rendering's; an aspect the
consultant changed is kept. Position and size (`g`), look (`l`: fonts, colours, fills) and text
(`t`, a table's cells `c`) are judged apart, so a moved chart gets new figures and a restyled
KPI label gets the new label in the consultant's font. Text the consultant rewrote is never
replaced: the outcome carries what deckgen would now say.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from lxml import etree
from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.chart.xmlwriter import SeriesXmlRewriterFactory
from pptx.slide import Slide as PptxSlide

from deckgen import textmetrics
from deckgen.refresh.report import EDITS_REPLACED
from deckgen.render.identity import (
    Fingerprint,
    axis_scales,
    body_text,
    c_nv_pr,
    cache_points,
    chart_data,
    chart_series,
    digest,
    first_within,
    geometry,
    look_of,
    paragraph_text,
    same_geometry,
    series_look,
    series_name,
    table_cells,
    table_look,
)
from deckgen.render.identity import (
    same_place as is_same_place,
)
from deckgen.render.oxml import qn

_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_REL_ATTRS = (qn("r:id"), qn("r:embed"), qn("r:link"))


@dataclass(frozen=True)
class Merged:
    """What became of one item: its status, a note, and for kept text both wordings."""

    status: str  # refreshed, unchanged, kept, failed
    detail: str = ""
    current: str | None = None  # the consultant's text, where kept
    proposed: str | None = None  # what deckgen would now say there


def _c(tag: str) -> str:
    return f"{{{_C}}}{tag}"


def move_relationships(el: etree._Element, source: PptxSlide, target: PptxSlide) -> None:
    """Relate the parts `el` refers to (charts, pictures) from `target` instead of `source`."""
    for node in el.iter():
        for attr in _REL_ATTRS:
            r_id = node.get(attr)
            if r_id is None or r_id not in source.part.rels:
                continue
            rel = source.part.rels[r_id]
            if rel.is_external:
                new_id = target.part.relate_to(rel.target_ref, rel.reltype, is_external=True)
            else:
                new_id = target.part.relate_to(rel.target_part, rel.reltype)
            node.set(attr, new_id)


def next_shape_id(slide: PptxSlide) -> int:
    """An id no shape of `slide` has yet."""
    ids = [int(v) for v in slide.shapes._spTree.xpath(".//p:cNvPr/@id") if v.isdigit()]
    return max(ids, default=1) + 1


def _xfrm_parent(el: etree._Element) -> etree._Element | None:
    if el.tag == qn("p:graphicFrame"):
        return el
    return el.find(qn("p:spPr"))


def _xfrm(el: etree._Element) -> etree._Element | None:
    parent = _xfrm_parent(el)
    if parent is None:
        return None
    return parent.find(qn("p:xfrm") if el.tag == qn("p:graphicFrame") else qn("a:xfrm"))


def take_geometry(target: etree._Element, source: etree._Element) -> None:
    """Give `target` the position and size of `source`."""
    new, old = _xfrm(source), _xfrm(target)
    if new is not None and old is not None:
        old.getparent().replace(old, copy.deepcopy(new))


def replace_shape(old: etree._Element, new: etree._Element) -> etree._Element:
    """Move `new` (out of the scratch slide it was drawn on) to where `old` is, keeping `old`'s
    id and name; returns it."""
    fresh = new
    old_props, new_props = c_nv_pr(old), c_nv_pr(fresh)
    new_props.set("id", old_props.get("id"))
    new_props.set("name", old_props.get("name"))
    # lxml's move of a subtree into another document, or out of its own, takes time growing
    # faster than the subtree: a table's rows move apart (the sample deck's tables: 28 ms
    # whole, 22 by row), and the old table's rows leave it apart (14 ms whole, 5 by row).
    # deckgen draws its tables in graphic frames (and nothing else in those).
    tbl = first_within(fresh, qn("a:tbl")) if fresh.tag == qn("p:graphicFrame") else None
    rows = [] if tbl is None else tbl.findall(qn("a:tr"))
    after = rows[-1].getnext() if rows else None
    for row in rows:
        tbl.remove(row)
    mine = first_within(old, qn("a:tbl")) if rows else None
    for row in [] if mine is None else mine.findall(qn("a:tr")):
        mine.remove(row)
    old.getparent().replace(old, fresh)
    for row in rows:
        if after is None:
            tbl.append(row)
        else:
            after.addprevious(row)
    return fresh


def write_text_keeping_format(old_body: etree._Element, new_body: etree._Element) -> None:
    """Put the paragraphs of `new_body` into `old_body`, each in the formatting of the old
    paragraph in its place (its first run's), so the consultant's fonts and colours stay."""
    old_ps, new_ps = old_body.findall(qn("a:p")), new_body.findall(qn("a:p"))
    if not old_ps:
        return
    for number, new_p in enumerate(new_ps):
        if number < len(old_ps):
            paragraph = old_ps[number]
        else:
            paragraph = copy.deepcopy(old_ps[-1])
            old_body.findall(qn("a:p"))[-1].addnext(paragraph)
        runs = [n for n in paragraph if n.tag in (qn("a:r"), qn("a:fld"))]
        r_pr = next((n.find(qn("a:rPr")) for n in runs if n.find(qn("a:rPr")) is not None), None)
        if r_pr is None:
            r_pr = paragraph.find(qn("a:endParaRPr"))
        for node in [n for n in paragraph if n.tag in (qn("a:r"), qn("a:fld"), qn("a:br"))]:
            paragraph.remove(node)
        run = etree.SubElement(paragraph, qn("a:r"))
        if r_pr is not None:
            props = copy.deepcopy(r_pr)
            props.tag = qn("a:rPr")
            run.append(props)
        etree.SubElement(run, qn("a:t")).text = paragraph_text(new_p)
        end = paragraph.find(qn("a:endParaRPr"))
        if end is not None:
            end.addprevious(run)
    for paragraph in old_body.findall(qn("a:p"))[len(new_ps) :]:
        old_body.remove(paragraph)


def _kept_text(current: str, proposed: str) -> Merged:
    if current == proposed:
        return Merged("unchanged", "your text is what deckgen would write")
    return Merged("kept", "text edited by hand", current, proposed)


def merge_shape(
    old: etree._Element,
    new: etree._Element,
    recorded: Fingerprint | None,
    fonts: frozenset[str] = frozenset(),
    family: str = textmetrics.FALLBACK_FAMILY,
    drawn: Fingerprint | None = None,
) -> tuple[etree._Element, Merged]:
    """A text box, placeholder, card, rule or key (`fonts`: the theme's; `family` measures
    text whose runs name none of their own; `drawn`: the new shape's fingerprint, whose text
    and geometry need not be read again): see the module doc."""
    old_body, new_body = old.find(qn("p:txBody")), new.find(qn("p:txBody"))
    current = body_text(old_body)
    if recorded is None:
        proposed = body_text(new_body)
        return old, Merged("kept", "no record of what deckgen wrote here", current, proposed)
    written = digest(current) if "t" in recorded or "t" in (drawn or {}) else None
    if "t" in recorded and written != recorded["t"]:
        return old, _kept_text(current, body_text(new_body))
    now = geometry(old)
    same_place = same_geometry(now, recorded)
    same_look = look_of(old, fonts) == recorded.get("l")
    if drawn is not None and "g" in drawn:  # the new text: its digest ("t"), else none
        text_changed = written != drawn["t"] if "t" in drawn else current != ""
        changed = text_changed or now != drawn["g"]
    else:
        changed = current != body_text(new_body) or now != geometry(new)
    if same_look:
        fresh = replace_shape(old, new)
        if not same_place:
            take_geometry(fresh, old)
        return fresh, Merged(
            "refreshed" if changed else "unchanged",
            "" if same_place else "your position and size kept",
        )
    if same_place:
        take_geometry(old, new)
    kept = "your formatting" + ("" if same_place else ", position and size") + " kept"
    if old_body is not None and new_body is not None:
        shrunk = fit_to_box(old, new_body, family)
        if shrunk is not None:
            kept += f"; shrunk to {shrunk:g} pt to fit your box"
    return old, Merged("refreshed" if changed else "unchanged", kept)


FIT_FLOOR_PT = 8.0  # the least a refit shrinks text to (the consultant's own size if smaller)
_INSETS_EMU = {"lIns": 91440, "rIns": 91440, "tIns": 45720, "bIns": 45720}  # OOXML defaults
_EMU_PER_PT = 12700


def _run_size(paragraph: etree._Element, fallback: float) -> float:
    r_pr = paragraph.find(f"{qn('a:r')}/{qn('a:rPr')}")
    size = None if r_pr is None else r_pr.get("sz")
    return int(size) / 100 if size else fallback


def _spacing(paragraph: etree._Element) -> tuple[float, float]:
    """A paragraph's line spacing (a multiple) and the points before and after it."""
    p_pr = paragraph.find(qn("a:pPr"))
    if p_pr is None:
        return 1.0, 0.0
    percent = p_pr.find(f"{qn('a:lnSpc')}/{qn('a:spcPct')}")
    spacing = 1.0 if percent is None else int(percent.get("val", "100000")) / 100000
    gap = sum(
        int(points.get("val", "0")) / 100
        for tag in ("a:spcBef", "a:spcAft")
        if (points := p_pr.find(f"{qn(tag)}/{qn('a:spcPts')}")) is not None
    )
    return spacing, gap


def _paragraph_font(paragraph: etree._Element, family: str) -> tuple[str, bool]:
    """The family a paragraph's run is measured in (its own, when deckgen knows its metrics)
    and whether it is bold."""
    r_pr = paragraph.find(f"{qn('a:r')}/{qn('a:rPr')}")
    if r_pr is None:
        return family, False
    latin = r_pr.find(qn("a:latin"))
    typeface = None if latin is None else latin.get("typeface", "")
    if typeface and not typeface.startswith("+") and textmetrics.font_path(typeface):
        family = typeface
    return family, r_pr.get("b", "0") in ("1", "true")


@dataclass(frozen=True)
class _TextBox:
    """The room a shape gives its text: inner width and height (points), and whether it wraps."""

    width: float
    height: float
    wraps: bool


def _text_box(shape_el: etree._Element) -> _TextBox | None:
    body, now = shape_el.find(qn("p:txBody")), geometry(shape_el)
    if body is None or len(now) < 7 or None in now[5:7]:
        return None
    body_pr = body.find(qn("a:bodyPr"))
    insets = {
        name: int(body_pr.get(name, default)) if body_pr is not None else default
        for name, default in _INSETS_EMU.items()
    }
    return _TextBox(
        (now[5] - insets["lIns"] - insets["rIns"]) / _EMU_PER_PT,
        (now[6] - insets["tIns"] - insets["bIns"]) / _EMU_PER_PT,
        body_pr is None or body_pr.get("wrap") != "none",
    )


def _sizes(body: etree._Element, drawn: etree._Element) -> list[float]:
    """The size of each paragraph's run; one that inherits its size has deckgen's (`drawn`)."""
    defaults = [_run_size(p, 18.0) for p in drawn.findall(qn("a:p"))] or [18.0]
    return [
        _run_size(p, defaults[min(n, len(defaults) - 1)])
        for n, p in enumerate(body.findall(qn("a:p")))
    ]


def _needs(
    body: etree._Element, sizes: list[float], box: _TextBox, family: str, scale: float = 1.0
) -> tuple[float, float]:
    """The height and the widest line (points) the text of `body` takes in `box`, its runs at
    `sizes` times `scale`."""
    height = widest = 0.0
    for paragraph, size in zip(body.findall(qn("a:p")), sizes, strict=True):
        text = paragraph_text(paragraph).replace("\v", "\n")
        face, bold = _paragraph_font(paragraph, family)
        spacing, gap = _spacing(paragraph)
        size = _scaled(size, scale)
        lines = (
            textmetrics.wrap_text(text, box.width, size, face, bold)
            if box.wraps
            else text.split("\n")
        )
        widest = max([widest, *(textmetrics.measure_width(x, size, face, bold) for x in lines)])
        height += len(lines) * textmetrics.line_height(text, size, face, bold) * spacing + gap
    return height, widest


def fit_to_box(shape_el: etree._Element, new_body: etree._Element, family: str) -> float | None:
    """Write deckgen's new text (`new_body`) into a shape the consultant restyled, in their
    formatting (write_text_keeping_format), shrunk until it takes no more room than the box,
    or than their own text took if that was more (all runs by one factor, to half points, not
    below FIT_FLOOR_PT); the largest size it was shrunk to, or None when it was not."""
    body = shape_el.find(qn("p:txBody"))
    box = _text_box(shape_el)
    if box is None:
        write_text_keeping_format(body, new_body)
        return None
    room_h, room_w = _needs(body, _sizes(body, new_body), box, family)
    room_h, room_w = max(room_h, box.height), max(room_w, box.width)
    write_text_keeping_format(body, new_body)
    sizes = _sizes(body, new_body)
    largest, scale = max(sizes), 1.0
    while True:
        height, widest = _needs(body, sizes, box, family, scale)
        if height <= room_h and widest <= room_w:
            break
        smaller = _scaled(largest, scale) - 0.5
        if smaller < min(FIT_FLOOR_PT, largest):
            break
        scale = smaller / largest
    if scale == 1.0:
        return None
    for paragraph, size in zip(body.findall(qn("a:p")), sizes, strict=True):
        for r_pr in paragraph.iter(qn("a:rPr"), qn("a:endParaRPr")):
            r_pr.set("sz", str(round(_scaled(size, scale) * 100)))
    return _scaled(largest, scale)


def _scaled(size: float, scale: float) -> float:
    """`size` times `scale`, rounded down to half a point (never below 1 pt)."""
    return max(1.0, int(size * scale * 2 + 1e-9) / 2)


def _number(text: str | None) -> float | None:
    return None if text is None else float(text)


def _format_code(ser: etree._Element, part: str) -> str | None:
    return ser.findtext(f"{_c(part)}/{_c('numRef')}/{_c('numCache')}/{_c('formatCode')}")


def chart_data_of(
    chart_space: etree._Element, names: Sequence[str] | None = None
) -> CategoryChartData | XyChartData:
    """The chart data (categories, series, number formats) a drawn chart holds; with `names`,
    those series only, in that order."""
    sers = chart_space.find(_c("chart")).find(_c("plotArea")).xpath("./*/c:ser")
    sers = sorted(sers, key=lambda s: int(s.find(_c("order")).get("val")))
    if names is not None:
        by_name = {series_name(ser): ser for ser in sers}
        sers = [by_name[name] for name in names if name in by_name]
    if sers and sers[0].find(_c("xVal")) is not None:
        data = XyChartData()
        for ser in sers:
            series = data.add_series(series_name(ser), number_format=_format_code(ser, "yVal"))
            xs, ys = cache_points(ser.find(_c("xVal"))), cache_points(ser.find(_c("yVal")))
            for x, y in zip(xs, ys, strict=False):
                series.add_data_point(_number(x), _number(y))
        return data
    data = CategoryChartData()
    data.categories = [c or "" for c in cache_points(sers[0].find(_c("cat")))] if sers else []
    for ser in sers:
        data.add_series(
            series_name(ser),
            [_number(v) for v in cache_points(ser.find(_c("val")))],
            number_format=_format_code(ser, "val"),
        )
    return data


def _plot_kinds(chart_space: etree._Element) -> list[str]:
    plot_area = chart_space.find(_c("chart")).find(_c("plotArea"))
    return [etree.QName(el).localname for el in plot_area if el.find(_c("ser")) is not None]


def _is_xy(chart_space: etree._Element) -> bool:
    """True when the chart plots x against y (scatter, bubble) rather than by category."""
    return chart_space.find(f".//{_c('xVal')}") is not None


def _label_format(ser: etree._Element) -> etree._Element | None:
    return ser.find(f"{_c('dLbls')}/{_c('numFmt')}")


def merge_chart(
    old: etree._Element,
    new: etree._Element,
    old_chart: Chart,
    new_chart: Chart,
    recorded: Fingerprint | None,
) -> list[Merged]:
    """New figures in the consultant's chart; untouched series, axes and place follow deckgen;
    series they deleted stay deleted (each reported)."""
    old_space, new_space = old_chart._chartSpace, new_chart._chartSpace
    notes = []
    retyped = _plot_kinds(old_space) != _plot_kinds(new_space)
    if retyped:  # the consultant changed the type: their type kept, if the data fits it
        if _is_xy(old_space) or _is_xy(new_space):
            return [Merged("failed", "the chart is now another kind of chart; left as it was")]
        notes.append("your chart type kept")
    recorded = recorded or {}
    looks = [digest(series_look(ser)) for ser in chart_series(old_space)]
    styled = recorded.get("l") or []
    deleted = deleted_series(old_space, new_space, len(styled))
    written = recorded.get("d")
    # With a series deleted the data differs from what deckgen wrote whatever else was done:
    # edits to the other series' figures cannot be told apart (docs/refresh.md, Limits).
    if (
        not deleted
        and written != digest(chart_data(old_space))
        and written != digest(chart_data(old_space, as_kept=False))  # drawn before rounding
    ):
        notes.append(EDITS_REPLACED)
    if deleted:
        # Each series the consultant kept gets its new figures in their formatting, in their
        # order; the workbook holds those series only (PowerPoint's Edit data shows them).
        kept = [series_name(ser) for ser in chart_series(old_space)]
        old_chart.replace_data(chart_data_of(new_space, kept))
    elif retyped or looks != styled or len(looks) != len(chart_series(new_space)):
        # What Chart.replace_data does, with the new chart's workbook instead of writing
        # another; when every series is as deckgen drew it, each is replaced whole below.
        rewriter = SeriesXmlRewriterFactory(old_chart.chart_type, chart_data_of(new_space))
        rewriter.replace_series_data(old_space)
    if not deleted:
        old_chart.part.chart_workbook.update_from_xlsx_blob(
            new_chart.part.chart_workbook.xlsx_part.blob
        )
    new_series = chart_series(new_space)
    by_name = {series_name(ser): ser for ser in new_series}
    for number, ser in enumerate(chart_series(old_space)):
        # By name where series were deleted, else by place (as the rewriter matched them).
        if deleted:
            fresh = by_name.get(series_name(ser))
        else:
            fresh = new_series[number] if number < len(new_series) else None
        if fresh is None:
            continue
        untouched = number < len(looks) and number < len(styled) and looks[number] == styled[number]
        if untouched and not retyped and not deleted:
            ser.getparent().replace(ser, fresh)  # the new chart is discarded
            continue
        old_format, new_format = _label_format(ser), _label_format(fresh)
        if old_format is not None and new_format is not None:
            old_format.set("formatCode", new_format.get("formatCode"))
    if len(styled) != len(looks) or any(a != b for a, b in zip(looks, styled, strict=False)):
        notes.append("your series colours kept")
    if digest(axis_scales(old_space)) == recorded.get("a"):
        for axis, fresh in zip(
            old_space.iter(_c("valAx")), new_space.iter(_c("valAx")), strict=False
        ):
            for tag in ("scaling", "numFmt", "majorUnit"):
                mine, theirs = axis.find(_c(tag)), fresh.find(_c(tag))
                if mine is not None and theirs is not None:
                    axis.replace(mine, copy.deepcopy(theirs))
                elif mine is not None:
                    axis.remove(mine)
                elif theirs is not None and tag == "majorUnit":
                    _insert_major_unit(axis, copy.deepcopy(theirs))
    else:
        notes.append("your axis scale kept")
    if is_same_place(old, recorded):
        take_geometry(old, new)
    else:
        notes.append("your position and size kept")
    return [
        Merged("refreshed", "; ".join(notes)),
        *(Merged("deleted", f"series {name}: you deleted it; not added back") for name in deleted),
    ]


def deleted_series(old_space: etree._Element, new_space: etree._Element, drawn: int) -> list[str]:
    """The new chart's series the consultant deleted from theirs: when their chart holds fewer
    series than deckgen drew (`drawn`), those of the new chart whose names theirs lacks (a
    series the data gains the same month is counted among them: the report lists it)."""
    mine = [series_name(ser) for ser in chart_series(old_space)]
    if len(mine) >= drawn or len(set(mine)) != len(mine):
        return []
    return [name for ser in chart_series(new_space) if (name := series_name(ser)) not in mine]


def _insert_major_unit(axis: etree._Element, unit: etree._Element) -> None:
    """Put `c:majorUnit` where the schema wants it: after `c:crossBetween`."""
    anchor = axis.find(_c("crossBetween"))
    if anchor is None:
        axis.append(unit)
    else:
        anchor.addnext(unit)


def series_colors(chart_space: etree._Element) -> list[str | None]:
    """The colour (RRGGBB) each series, or each point of a one-series doughnut, is drawn in."""
    sers = chart_series(chart_space)
    if len(sers) == 1 and sers[0].findall(_c("dPt")):
        return [_first_rgb(pt) for pt in sers[0].findall(_c("dPt"))]
    return [_first_rgb(ser.find(_c("spPr"))) for ser in sers]


def _first_rgb(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    node = next(el.iter(qn("a:srgbClr")), None)
    return None if node is None else node.get("val", "").upper()


def recolor(el: etree._Element, colors: dict[str, str]) -> bool:
    """Swap colours of a legend key's fill and line by `colors`; True when one changed."""
    changed = False
    sp_pr = el.find(qn("p:spPr"))
    for node in [] if sp_pr is None else sp_pr.iter(qn("a:srgbClr")):
        value = node.get("val", "").upper()
        if value in colors and colors[value] != value:
            node.set("val", colors[value])
            changed = True
    return changed


def merge_table(
    old: etree._Element,
    new: etree._Element,
    recorded: Fingerprint | None,
    fonts: frozenset[str] = frozenset(),
    drawn: Fingerprint | None = None,
) -> tuple[etree._Element, list[Merged]]:
    """New values in the consultant's table: rows added or removed, edited cells kept. Rows
    with keys (last month's in `recorded`, this month's in `drawn`, the new table's
    fingerprint) are matched by them, so a channel's row keeps its edits wherever it now
    ranks; others by their place."""
    old_tbl, new_tbl = old.find(f".//{qn('a:tbl')}"), new.find(f".//{qn('a:tbl')}")
    recorded, drawn = recorded or {}, drawn or {}
    current = table_cells(old_tbl)
    now = [[digest(text) for text in row] for row in current]
    written = recorded.get("c") or []
    origin = _origins(now, written)
    edited = {
        (r, c)
        for r, (row, o) in enumerate(zip(now, origin, strict=True))
        for c, cell in enumerate(row)
        if o is None or o >= len(written) or c >= len(written[o]) or cell != written[o][c]
    }
    same_place = is_same_place(old, recorded)
    same_look = digest(table_look(old_tbl, fonts)) == recorded.get("l")
    if not edited and same_look:
        fresh = replace_shape(old, new)
        if not same_place:
            take_geometry(fresh, old)
        status = "unchanged" if now == drawn.get("c") and same_place else "refreshed"
        return fresh, [Merged(status, "" if same_place else "your position and size kept")]
    proposed = table_cells(new_tbl)
    width = {len(row) for row in current} | {len(row) for row in proposed}
    if len(width) != 1:
        return old, [Merged("failed", "the table's columns changed; left as it was")]
    old_rows, new_rows = old_tbl.findall(qn("a:tr")), new_tbl.findall(qn("a:tr"))
    keys = _row_keys(recorded.get("k"), len(written)), _row_keys(drawn.get("k"), len(new_rows))
    outcomes: list[Merged] = []
    if keys[0] is not None and keys[1] is not None:
        old_keys = [None if o is None else keys[0][o] for o in origin]
        places = {key: number for number, key in enumerate(old_keys) if key is not None}
        deleted = set(keys[0]) - set(places)  # rows the consultant deleted stay deleted
        outcomes += [
            Merged("deleted", f"row {key}: you deleted it; not added back")
            for key in keys[1]
            if key in deleted
        ]
        wanted = [n for n, key in enumerate(keys[1]) if key not in deleted]
        kept = [places.get(keys[1][n]) for n in wanted]
        names = [f"{n + 1} ({key})" if key else str(n + 1) for n, key in enumerate(old_keys)]
    else:  # rows are places: each row deckgen wrote stays in its place, the last go or come
        places = {o: number for number, o in enumerate(origin) if o is not None}
        wanted = list(range(len(new_rows)))
        kept = [places.get(n) for n in wanted]
        names = [str(n + 1) for n in range(len(old_rows))]
    new_rows, proposed = [new_rows[n] for n in wanted], [proposed[n] for n in wanted]
    # Each row of the new table: the consultant's row it is written into (None: a new row),
    # and its row of the new table (None: a row the consultant added, kept after its neighbour).
    slots: list[tuple[int | None, int | None]] = [(n, fresh) for fresh, n in enumerate(kept)]
    for yours in (n for n, o in enumerate(origin) if o is None):
        above = max((n for n, _ in slots if n is not None and n < yours), default=None)
        at = next((at for at, (n, _) in enumerate(slots) if n == above), -1)
        slots.insert(at + 1, (yours, None))
        outcomes.append(Merged("kept", f"row {names[yours]}: a row you added; left as it is"))
    still = set(kept)
    gone = [n for n in range(len(old_rows)) if n not in still and origin[n] is not None]
    for number in gone:
        lost = [current[number][c] for c in range(len(current[number])) if (number, c) in edited]
        if lost:
            outcomes.append(
                Merged("removed", f"row {names[number]} is no longer needed", " | ".join(lost))
            )
    pattern = old_rows[max((n for n in kept if n is not None), default=len(old_rows) - 1)]
    for row in old_rows:
        old_tbl.remove(row)
    for place, r in slots:
        row = copy.deepcopy(pattern) if place is None else old_rows[place]
        old_tbl.append(row)  # rows are the table's last children (a:tblPr, a:tblGrid first)
        if r is None:
            continue
        fresh_row = new_rows[r]
        if same_place:
            row.set("h", fresh_row.get("h"))
        for c, (cell, fresh) in enumerate(
            zip(row.findall(qn("a:tc")), fresh_row.findall(qn("a:tc")), strict=True)
        ):
            if place is not None and (place, c) in edited:
                merged = _kept_text(current[place][c], proposed[r][c])
                if merged.status == "kept":
                    outcomes.append(
                        Merged(
                            "kept",
                            f"row {names[place]}, column {c + 1} edited by hand",
                            merged.current,
                            merged.proposed,
                        )
                    )
                continue
            if same_look:
                row.replace(cell, fresh)  # the new table is discarded
            else:
                write_text_keeping_format(cell.find(qn("a:txBody")), fresh.find(qn("a:txBody")))
    if same_place:
        for column, fresh in zip(
            old_tbl.iter(qn("a:gridCol")), new_tbl.iter(qn("a:gridCol")), strict=False
        ):
            column.set("w", fresh.get("w"))
        take_geometry(old, new)
    detail = ", ".join(
        part
        for part, keep in (
            ("your formatting", not same_look),
            ("position and size", not same_place),
        )
        if keep
    )
    outcomes.insert(0, Merged("refreshed", f"{detail} kept" if detail else ""))
    return old, outcomes


def _origins(now: list[list[str]], written: list[list[str]]) -> list[int | None]:
    """Each row of the table as it is, the row deckgen wrote it as (None: a row the consultant
    added), matched by their cells: rows the consultant deleted or added shift the others."""
    if not written or now == written:  # nothing to match: each row is the one written there
        return list(range(len(now)))
    origin: list[int | None] = [None] * len(now)
    rows = SequenceMatcher(None, list(map(tuple, now)), list(map(tuple, written)), autojunk=False)
    for tag, i1, i2, j1, j2 in rows.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):  # edited in place
            origin[i1:i2] = range(j1, j2)
        elif tag == "replace":  # rows edited by hand: each the written row it most resembles
            start = j1
            for i in range(i1, i2):
                alike = [sum(map(str.__eq__, now[i], written[j])) for j in range(start, j2)]
                if alike and max(alike) > 0:  # else a row the consultant wrote
                    match = start + alike.index(max(alike))
                    origin[i], start = match, match + 1
    return origin


def _row_keys(keys: object, rows: int) -> list[str] | None:
    """`keys` when they name each of `rows` rows once, else None (rows known by place)."""
    if not isinstance(keys, list) or len(keys) != rows or len(set(keys)) != rows:
        return None
    return [str(key) for key in keys]


def merge_picture(
    old: etree._Element,
    new: etree._Element,
    old_slide: PptxSlide,
    new_slide: PptxSlide,
    recorded: Fingerprint | None,
) -> Merged:
    """A chart picture: the new image, in the consultant's place and crop when moved."""
    blip, fresh = old.find(f".//{qn('a:blip')}"), new.find(f".//{qn('a:blip')}")
    if blip is None or fresh is None:
        return Merged("failed", "no picture to replace")
    holder = copy.deepcopy(fresh)
    move_relationships(holder, new_slide, old_slide)
    blip.set(qn("r:embed"), holder.get(qn("r:embed")))
    if is_same_place(old, recorded):
        take_geometry(old, new)
        return Merged("refreshed")
    return Merged("refreshed", "your position and size kept")
