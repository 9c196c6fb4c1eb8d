"""Stable identities and fingerprints of what deckgen draws, so `deckgen refresh` can find it again.

Every shape deckgen draws is named `<what it is> [deckgen:<identity>]`, e.g.
`KPI Value [deckgen:summary/kpis1/nps/kpi-value]`: the slide's key (its kind, `.2` for a second
slide of that kind), the block (its type and place on the slide), the item of the block the
shape draws when the model names one (a KPI's `key`: the figure it shows, whatever its place in
the strip) and the role (the shape's plain name, numbered when a scope has several). A table's
rows are items too: their keys (`TableSpec.row_keys`) are in its fingerprint (`k`). A shape's name is the one per-shape attribute that
both PowerPoint and LibreOffice keep on save (LibreOffice 7.4 drops `descr`, `title`, extension
lists and `p:custDataLst` tags, and renumbers shape ids); placeholders, whose names LibreOffice
replaces, are also known by their placeholder type. The deck's own record (format, deckgen
version, period, language, settings, slide keys and a fingerprint per identity) is one JSON
custom document property, `deckgen`, which both viewers keep.

A fingerprint records what deckgen wrote, as short hashes of values that survive a save:
`g` the position and size (as numbers: compared to within GEOMETRY_SLACK), `t` the text (a table: `c`, one per cell), `l` the look (run sizes,
weights, colours and fonts; fills and lines; a chart's series colours), `d` a chart's data and
`a` its value axes' scales, `k` a table's row keys (None for a row known by its place). Refresh compares them with the shape as it is now to tell
deckgen's work from the consultant's (deckgen.refresh).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from lxml import etree
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide as PptxSlide

from deckgen.model import Deck, Slide
from deckgen.render.oxml import qn

DECK_PROPERTY = "deckgen"  # the custom document property holding the deck's record
FORMAT = 2  # version of the record and identity scheme (2: item keys); refresh rejects others
GEOMETRY_SLACK = 1000  # EMU (0.03 mm): a shape closer than this to where it was has not moved
Fingerprint = dict[str, object]
_TAG = re.compile(r"^(?P<plain>.*?) ?\[deckgen:(?P<identity>[^\]\s]+)\]$")
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one every custom property uses
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_PLACEHOLDER_ROLES = {
    "title": "title",
    "ctrTitle": "title",
    "subTitle": "subtitle",
    "body": "subtitle",
    "ftr": "footer",
    "sldNum": "slide-number",
}
_BLOCK_TYPES = {
    "TextBlock": "text",
    "KpiStrip": "kpis",
    "ChartSpec": "chart",
    "ScatterSpec": "scatter",
    "FunnelSpec": "funnel",
    "TableSpec": "table",
}
# Set while a block is drawn, read and removed when its slide is tagged: never saved.
_ITEM_ATTR = "deckgenItem"
_ROWS_ATTR = "deckgenRows"
HEADER_ROW = "header"  # the key of a table's header row
# json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")), without
# building an encoder for each of the thousands of values a deck hashes.
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_RUN_TAGS = (qn("a:r"), qn("a:fld"))
_SHAPE_TAGS = (qn("p:sp"), qn("p:cxnSp"), qn("p:graphicFrame"), qn("p:pic"), qn("p:grpSp"))
_R_PR, _T, _LATIN = qn("a:rPr"), qn("a:t"), qn("a:latin")
_SOLID, _NO_FILL = qn("a:solidFill"), qn("a:noFill")
_TX_BODY, _TC_PR = qn("a:txBody"), qn("a:tcPr")


def slide_keys(kinds: Sequence[str]) -> list[str]:
    """The key of each slide: its kind, with `.N` for the N-th slide of a kind (N >= 2)."""
    seen: Counter[str] = Counter()
    keys = []
    for kind in kinds:
        seen[kind] += 1
        keys.append(kind if seen[kind] == 1 else f"{kind}.{seen[kind]}")
    return keys


def block_key(block: object, number: int) -> str:
    """A block's part of an identity: its type and its place on the slide (1-based)."""
    name = type(block).__name__
    return f"{_BLOCK_TYPES.get(name, name.lower())}{number}"


def slug(name: str) -> str:
    """A plain shape name as a role: lower case, words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "shape"


@lru_cache(maxsize=4096)
def split_name(name: str) -> tuple[str, str | None]:
    """A shape name's plain part and its deckgen identity (None when it has none); kept per
    name, as a refresh reads each slide's names several times (identities, slide_key)."""
    if "[deckgen:" not in (name or ""):  # most of the consultant's shapes: no pattern to try
        return name, None
    match = _TAG.match(name)
    if match is None:
        return name, None
    return match["plain"], match["identity"]


def tagged_name(plain: str, identity: str) -> str:
    """The name that carries `identity`."""
    return f"{plain} [deckgen:{identity}]"


def c_nv_pr(shape_el: etree._Element) -> etree._Element:
    """The `p:cNvPr` (id and name) of a shape element."""
    return shape_el[0][0]


def placeholder_role(shape_el: etree._Element) -> str | None:
    """The role of a placeholder by its type (title, subtitle, footer, slide-number)."""
    ph = shape_el.find(f"{qn('p:nvSpPr')}/{qn('p:nvPr')}/{qn('p:ph')}")
    if ph is None:
        return None
    return _PLACEHOLDER_ROLES.get(ph.get("type", "body"))


def shape_elements(tree: etree._Element) -> list[etree._Element]:
    """The shape elements of a slide's `p:spTree`, in z-order."""
    return [el for el in tree if el.tag in _SHAPE_TAGS]


def mark_item(shape_els: Iterable[etree._Element], key: str | None) -> None:
    """Note that `shape_els` draw the block's item `key` (a KPI's), for `tag_slide`."""
    if key:
        for shape_el in shape_els:
            c_nv_pr(shape_el).set(_ITEM_ATTR, key)


def mark_rows(shape_el: etree._Element, keys: Sequence[str]) -> None:
    """Note the key of each row of the table `shape_el` holds (header first), for `fingerprint`."""
    c_nv_pr(shape_el).set(_ROWS_ATTR, json.dumps(list(keys), ensure_ascii=False))


def _pop(props: etree._Element, attr: str) -> str | None:
    value = props.get(attr)
    if value is not None:
        del props.attrib[attr]
    return value


def tag_slide(
    slide: PptxSlide, key: str, blocks: Sequence[tuple[str, Sequence[etree._Element]]]
) -> dict[str, Fingerprint]:
    """Name every shape of a freshly drawn slide with its identity; the fingerprints by identity.

    `blocks` gives each block's key and the shape elements drawn for it; the other shapes
    belong to the slide (title, tracker, headline, footer, ...).
    """
    owner = {id(el): block for block, elements in blocks for el in elements}
    fonts = theme_fonts(slide)
    counts: Counter[str] = Counter()
    prints: dict[str, Fingerprint] = {}
    for shape_el in shape_elements(slide.shapes._spTree):
        props = c_nv_pr(shape_el)
        item = _pop(props, _ITEM_ATTR)
        role = placeholder_role(shape_el) or slug(re.sub(r" \d+$", "", props.get("name", "")))
        scope = f"{key}/{owner[id(shape_el)]}" if id(shape_el) in owner else key
        if item is not None:
            scope = f"{scope}/{slug(item)}"
        counts[f"{scope}/{role}"] += 1
        number = counts[f"{scope}/{role}"]
        single = scope == key or item is not None
        identity = f"{scope}/{role}" if single and number == 1 else f"{scope}/{role}.{number}"
        plain = re.sub(r" \d+$", "", props.get("name", "")) if placeholder_role(shape_el) else None
        props.set("name", tagged_name(plain or props.get("name", ""), identity))
        prints[identity] = fingerprint(shape_el, slide, fonts)
    if slide.has_notes_slide:
        prints[f"{key}/notes"] = {"t": digest(notes_text(slide))}
    return prints


def slide_digest(deck: Deck, slide: Slide, charts: str) -> str:
    """A hash of everything a slide is drawn from but its footer and number: equal digests,
    equal slides (refresh leaves such a slide as it is)."""
    shared = (deck.lang, deck.direction, deck.currency, deck.digits, deck.title_style, charts)
    cover = (deck.client, deck.period_label) if slide.kind == "title" else ()
    return digest(repr((slide, shared, cover)))


def digest(value: object) -> str:
    """A short, stable hash of a value (its JSON)."""
    return hashlib.sha1(_JSON.encode(value).encode()).hexdigest()[:10]


def _child(parent: etree._Element, tag: str) -> etree._Element | None:
    """`parent.find(tag)` for a Clark name, without ElementPath: about twice as fast, and a
    refresh fingerprints every item of the deck twice (as it was and as now drawn)."""
    return next(parent.iterchildren(tag), None)


def first_within(shape_el: etree._Element, tag: str) -> etree._Element | None:
    """The first element `tag` (a Clark name) inside a shape: `find(".//tag")` without
    ElementPath, asked of every item a deck draws or a refresh merges."""
    return next(shape_el.iter(tag), None)


def _xfrm(shape_el: etree._Element) -> etree._Element | None:
    if shape_el.tag == qn("p:graphicFrame"):
        return _child(shape_el, qn("p:xfrm"))
    sp_pr = _child(shape_el, qn("p:spPr")) if shape_el.tag != qn("p:grpSp") else None
    return None if sp_pr is None else _child(sp_pr, qn("a:xfrm"))


def geometry(shape_el: etree._Element) -> list[object]:
    """Position, size, rotation and flips of a shape, as written."""
    xfrm = _xfrm(shape_el)
    if xfrm is None:
        return []
    off, ext = _child(xfrm, qn("a:off")), _child(xfrm, qn("a:ext"))
    values: list[object] = [xfrm.get("rot", "0"), xfrm.get("flipH", "0"), xfrm.get("flipV", "0")]
    for node, names in ((off, ("x", "y")), (ext, ("cx", "cy"))):
        values += [None if node is None else int(node.get(n, "0")) for n in names]
    return values


def same_place(shape_el: etree._Element, recorded: Fingerprint | None) -> bool:
    """True when a shape is where deckgen put it and as large, to within GEOMETRY_SLACK EMU
    (LibreOffice stores positions in 1/100 mm and moves shapes by up to 450 EMU on save)."""
    return same_geometry(geometry(shape_el), recorded)


def same_geometry(now: list[object], recorded: Fingerprint | None) -> bool:
    """`same_place` for a shape whose `geometry` is `now`."""
    written = (recorded or {}).get("g")
    if not isinstance(written, list) or len(written) != len(now):
        return False
    flags_equal = now[:3] == written[:3]
    return flags_equal and all(
        a is not None and b is not None and abs(a - b) <= GEOMETRY_SLACK
        for a, b in zip(now[3:], written[3:], strict=True)
    )


def paragraph_text(paragraph: etree._Element) -> str:
    """The text of an `a:p`: runs and fields, line breaks as vertical tabs."""
    parts = []
    for node in paragraph:
        if node.tag in _RUN_TAGS:
            t = _child(node, _T)
            parts.append("" if t is None or t.text is None else t.text)
        elif node.tag == qn("a:br"):
            parts.append("\v")
    return "".join(parts)


def body_text(tx_body: etree._Element | None) -> str:
    """The text of a `p:txBody`/`a:txBody`, paragraphs joined by newlines."""
    if tx_body is None:
        return ""
    return "\n".join(paragraph_text(p) for p in tx_body.iterchildren(qn("a:p")))


def notes_text(slide: PptxSlide) -> str:
    """The speaker notes of a slide (empty without notes)."""
    if not slide.has_notes_slide:
        return ""
    placeholder = slide.notes_slide.notes_placeholder
    return "" if placeholder is None else body_text(placeholder._element.find(qn("p:txBody")))


def _color(parent: etree._Element | None) -> str | None:
    if parent is None:
        return None
    return _fill_color(parent.iterchildren(_SOLID, _NO_FILL))


def _fill_color(fills: Iterable[etree._Element]) -> str | None:
    """The colour of the first `a:solidFill` of `fills` (a parent's `a:solidFill` and
    `a:noFill` children, in order), "none" when there is none but an `a:noFill`."""
    none = None
    for fill in fills:
        if fill.tag == _NO_FILL:
            none = "none"
            continue
        node = fill[0] if len(fill) else None
        return (
            None if node is None else f"{node.tag.rpartition('}')[2]}:{node.get('val', '').upper()}"
        )
    return none


def theme_fonts(slide: PptxSlide) -> frozenset[str]:
    """The Latin fonts a slide's theme names, and their placeholders (`+mn-lt`, `+mj-lt`): a
    run naming one of them looks as one that names none (LibreOffice writes them out)."""
    theme = slide.slide_layout.slide_master.part.part_related_by(RT.THEME)
    return _theme_latin_fonts(theme.blob)


@lru_cache(maxsize=8)
def _theme_latin_fonts(blob: bytes) -> frozenset[str]:
    """The Latin fonts a theme part (its XML) names, and their placeholders; a deck's slides
    share a theme or two, parsed once."""
    root = etree.fromstring(blob, etree.XMLParser(resolve_entities=False, no_network=True))
    names = {node.get("typeface", "") for node in root.iter(qn("a:latin"))}
    return frozenset(names | {"+mn-lt", "+mj-lt"})


def run_look(r_pr: etree._Element | None, fonts: frozenset[str] = frozenset()) -> list[object]:
    """What a run looks like: size, weight, slant, underline, colour and Latin font (None for
    one of the theme's `fonts`)."""
    if r_pr is None:
        return []
    # One pass over the run's properties for its font and its fill.
    latin, fills = None, []
    for node in r_pr.iterchildren(_LATIN, _SOLID, _NO_FILL):
        if node.tag != _LATIN:
            fills.append(node)
        elif latin is None:
            latin = node
    typeface = None if latin is None else latin.get("typeface")
    return [
        r_pr.get("sz"),
        r_pr.get("b", "0") in ("1", "true"),
        r_pr.get("i", "0") in ("1", "true"),
        r_pr.get("u", "none"),
        _fill_color(fills),
        None if typeface in fonts else typeface,
    ]


def text_look(tx_body: etree._Element | None, fonts: frozenset[str] = frozenset()) -> list[object]:
    """The look of every run of a text body."""
    if tx_body is None:
        return []
    return [run_look(_child(node, _R_PR), fonts) for node in tx_body.iter(*_RUN_TAGS)]


def fill_look(shape_el: etree._Element) -> list[object]:
    """A shape's fill and line colours and line width; no fill or line written out ("none",
    width 0, as LibreOffice saves them) counts as none written."""
    sp_pr = _child(shape_el, qn("p:spPr"))
    if sp_pr is None:
        return []
    line = _child(sp_pr, qn("a:ln"))
    line_color = _color(line)
    width = None if line is None or line_color in (None, "none") else line.get("w")
    fill = _color(sp_pr)
    return [
        "none" if fill is None else fill,
        None if line_color in (None, "none") else line_color,
        width,
    ]


def look_of(shape_el: etree._Element, fonts: frozenset[str]) -> str:
    """The hash of a shape's look: its fill and line, and its runs'."""
    return digest([fill_look(shape_el), text_look(_child(shape_el, qn("p:txBody")), fonts)])


def table_cells(tbl: etree._Element) -> list[list[str]]:
    """The text of every cell of an `a:tbl`, row by row."""
    return [
        [body_text(_child(tc, _TX_BODY)) for tc in tr.iterchildren(qn("a:tc"))]
        for tr in tbl.iterchildren(qn("a:tr"))
    ]


def table_look(tbl: etree._Element, fonts: frozenset[str] = frozenset()) -> list[object]:
    """A table's cell fills and run looks."""
    return [
        [_color(_child(tc, _TC_PR)), text_look(_child(tc, _TX_BODY), fonts)]
        for tr in tbl.iterchildren(qn("a:tr"))
        for tc in tr.iterchildren(qn("a:tc"))
    ]


def chart_series(chart_space: etree._Element) -> list[etree._Element]:
    """Every `c:ser` of a chart in document order (all plots)."""
    return list(chart_space.iter(f"{{{_C}}}ser"))


def cache_points(node: etree._Element | None) -> list[str | None]:
    """The values of a chart cache (`c:cat`, `c:val`, ...) by index, None where a point is missing."""
    if node is None:
        return []
    points = {}
    for pt in node.iter(f"{{{_C}}}pt"):
        v = _child(pt, f"{{{_C}}}v")
        points[int(pt.get("idx", "0"))] = None if v is None else v.text
    count = first_within(node, f"{{{_C}}}ptCount")
    size = int(count.get("val", "0")) if count is not None else len(points)
    return [points.get(i) for i in range(size)]


def series_name(ser: etree._Element) -> str:
    """A chart series' name as its cache holds it (empty when it has none)."""
    return ser.findtext(f"{{{_C}}}tx//{{{_C}}}v") or ""


def chart_data(chart_space: etree._Element, *, as_kept: bool = True) -> list[object]:
    """A chart's series names, categories and values as its caches hold them; `as_kept`, as
    LibreOffice keeps them: values to 10 significant digits (it writes 15, rounded not always
    as Python rounds), no missing points at the end (it pads every series to the longest).
    Decks drawn before 2026-12 were fingerprinted exactly (`as_kept=False`)."""
    data = []
    for ser in chart_series(chart_space):
        parts = [
            cache_points(ser.find(f"{{{_C}}}{part}")) for part in ("cat", "val", "xVal", "yVal")
        ]
        if as_kept:
            for points in parts:
                while points and points[-1] is None:
                    points.pop()
            parts[1:] = [[_figure(v) for v in points] for points in parts[1:]]
        data.append([series_name(ser), *parts])
    return data


def _figure(value: str | None) -> str | None:
    """A cached chart value as a number to 10 significant digits (as it is, if not a number)."""
    try:
        return f"{float(value):.10g}" if value is not None else None
    except ValueError:
        return value


def series_look(ser: etree._Element) -> list[object]:
    """The colours a chart series is drawn in: fill, line, marker and each data point's."""
    sp_pr = ser.find(f"{{{_C}}}spPr")
    marker = ser.find(f"{{{_C}}}marker/{{{_C}}}spPr")
    points = [
        [pt.find(f"{{{_C}}}idx").get("val"), _color(pt.find(f"{{{_C}}}spPr"))]
        for pt in ser.findall(f"{{{_C}}}dPt")
    ]
    line = None if sp_pr is None else sp_pr.find(qn("a:ln"))
    return [_color(sp_pr), _color(line), _color(marker), points]


def axis_scales(chart_space: etree._Element) -> list[list[str | None]]:
    """Minimum, maximum and major unit of each value axis, as written (None when automatic)."""
    scales = []
    for axis in chart_space.iter(f"{{{_C}}}valAx"):
        scaling = axis.find(f"{{{_C}}}scaling")
        unit = axis.find(f"{{{_C}}}majorUnit")
        scales.append(
            [
                _val(scaling, "min"),
                _val(scaling, "max"),
                None if unit is None else unit.get("val"),
            ]
        )
    return scales


def _val(parent: etree._Element | None, tag: str) -> str | None:
    node = None if parent is None else parent.find(f"{{{_C}}}{tag}")
    return None if node is None else node.get("val")


def chart_space_of(shape_el: etree._Element, slide: PptxSlide) -> etree._Element | None:
    """The `c:chartSpace` of a chart graphic frame on `slide`, else None."""
    chart = first_within(shape_el, f"{{{_C}}}chart")
    if chart is None:
        return None
    part = slide.part.related_part(chart.get(qn("r:id")))
    return part._element


def fingerprint(
    shape_el: etree._Element, slide: PptxSlide, fonts: frozenset[str] = frozenset()
) -> Fingerprint:
    """What deckgen wrote in a shape, as the short hashes refresh compares (see the module doc);
    `fonts` are the theme's (`theme_fonts`)."""
    prints: Fingerprint = {"g": geometry(shape_el)}
    rows = _pop(c_nv_pr(shape_el), _ROWS_ATTR)
    tbl = first_within(shape_el, qn("a:tbl"))
    chart_space = chart_space_of(shape_el, slide) if shape_el.tag == qn("p:graphicFrame") else None
    if tbl is not None:
        cells = table_cells(tbl)
        prints["c"] = [[digest(text) for text in row] for row in cells]
        if rows is not None:
            prints["k"] = json.loads(rows)
        prints["l"] = digest(table_look(tbl, fonts))
    elif chart_space is not None:
        prints["d"] = digest(chart_data(chart_space))
        prints["l"] = [digest(series_look(ser)) for ser in chart_series(chart_space)]
        prints["a"] = digest(axis_scales(chart_space))
    else:
        tx_body = shape_el.find(qn("p:txBody"))
        if tx_body is not None:
            prints["t"] = digest(body_text(tx_body))
        prints["l"] = look_of(shape_el, fonts)
    return prints


def identities(slide: PptxSlide, key: str | None = None) -> list[tuple[str, etree._Element]]:
    """Each tagged shape of a slide with its identity, in z-order, those in groups the
    consultant made included; a placeholder that lost its name (LibreOffice renames them) is
    known by its type, on a slide whose key is known (given, else from its other shapes)."""
    found: list[tuple[str, etree._Element]] = []
    untagged: list[tuple[str, etree._Element]] = []
    shapes = shape_elements(slide.shapes._spTree)
    while shapes:
        shape_el = shapes.pop(0)
        _, identity = split_name(c_nv_pr(shape_el).get("name", ""))
        if identity is not None:
            found.append((identity, shape_el))
        elif shape_el.tag == qn("p:grpSp"):
            shapes[:0] = shape_elements(shape_el)
        elif (role := placeholder_role(shape_el)) is not None:
            untagged.append((role, shape_el))
    keys = Counter(identity.split("/")[0] for identity, _ in found)
    key = key or (keys.most_common(1)[0][0] if keys else None)
    if key is not None and untagged:
        known = {identity for identity, _ in found}
        found += [(f"{key}/{role}", el) for role, el in untagged if f"{key}/{role}" not in known]
    return found


def slide_key(slide: PptxSlide) -> str | None:
    """The key of the slide deckgen drew, from its shapes' identities (None: not deckgen's)."""
    keys = Counter(
        identity.split("/")[0]
        for shape_el in shape_elements(slide.shapes._spTree)
        if (identity := split_name(c_nv_pr(shape_el).get("name", ""))[1]) is not None
    )
    return keys.most_common(1)[0][0] if keys else None


def _properties_xml(properties: Mapping[str, str]) -> bytes:
    root = etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS, "vt": _VT_NS})
    for pid, (name, value) in enumerate(properties.items(), start=2):
        prop = etree.SubElement(root, f"{{{_CUSTOM_NS}}}property", fmtid=_FMTID, pid=str(pid))
        prop.set("name", name)
        etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _custom_part(prs: PresentationType) -> Part | None:
    try:
        return prs.part.package.part_related_by(RT.CUSTOM_PROPERTIES)
    except KeyError:
        return None


def read_properties(prs: PresentationType) -> dict[str, str]:
    """The deck's custom document properties that hold text, by name."""
    part = _custom_part(prs)
    if part is None:
        return {}
    root = etree.fromstring(part.blob, etree.XMLParser(resolve_entities=False, no_network=True))
    found = {}
    for prop in root.findall(f"{{{_CUSTOM_NS}}}property"):
        value = prop.find(f"{{{_VT_NS}}}lpwstr")
        if value is not None and prop.get("name"):
            found[prop.get("name")] = value.text or ""
    return found


def write_record(prs: PresentationType, record: Mapping[str, object]) -> None:
    """Store deckgen's record as the `deckgen` custom property, keeping the deck's others."""
    properties = {k: v for k, v in read_properties(prs).items() if k != DECK_PROPERTY}
    properties[DECK_PROPERTY] = json.dumps(
        record, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    blob = _properties_xml(properties)
    part = _custom_part(prs)
    if part is None:
        package = prs.part.package
        part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, package, blob)
        package.relate_to(part, RT.CUSTOM_PROPERTIES)
    else:
        part._blob = blob  # python-pptx's generic Part has no setter


def read_record(prs: PresentationType) -> dict[str, object] | None:
    """deckgen's record of the deck, or None when it has none (or it is not JSON)."""
    text = read_properties(prs).get(DECK_PROPERTY)
    if text is None:
        return None
    try:
        record = json.loads(text)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def slide_ids(prs: PresentationType, keys: Iterable[str]) -> dict[str, str]:
    """The deck's slide ids (`p:sldId/@id`) with the key of each slide, in order."""
    ids = [sld_id.get("id") for sld_id in prs.slides._sldIdLst]
    return dict(zip(ids, keys, strict=False))
