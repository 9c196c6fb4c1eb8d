"""Write templates/default.pptx: deckgen's 16:9 brand template (run from the repository root).

    python scripts/make_default_template.py

Starts from python-pptx's default template, keeps three layouts (Title Slide, Section Header,
Title Only), places every placeholder on deckgen's grid (left, top, width and height), and sets
the theme: navy, one teal accent and greys; Calibri for Latin text (Carlito is its free,
metric-compatible twin) and Noto Sans Arabic for Arabic script. The output is byte-stable.
"""

from __future__ import annotations

import io
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.util import Emu

from deckgen.render.layout import DESIGN_H, DESIGN_W, EMU_PER_INCH, Box, grid_for
from deckgen.render.package import FIXED_TIME, deterministic_package, set_core_properties

OUTPUT = Path(__file__).resolve().parent.parent / "templates" / "default.pptx"
COLORS = {
    "dk1": "1F2933",  # body text: near-black slate
    "lt1": "FFFFFF",
    "dk2": "14284B",  # navy: titles, covers
    "lt2": "EEF1F5",  # pale grey: cards, table bands
    "accent1": "14284B",  # navy: first series
    "accent2": "00A3AD",  # teal: the one accent, highlights
    "accent3": "8C96A3",  # grey
    "accent4": "C5CCD6",  # light grey
    "accent5": "4A6FA5",  # steel blue
    "accent6": "5B6B7F",  # slate grey: captions
    "hlink": "00838C",
    "folHlink": "5B6B7F",
}
LATIN_FONT = "Calibri"
CS_FONT = "Noto Sans Arabic"
KEEP_LAYOUTS = ("Title Slide", "Section Header", "Title Only")
BAND_H = round(0.18 * EMU_PER_INCH)  # teal band at the foot of covers


def _a(tag: str, **attrs: str) -> etree._Element:
    element = etree.Element(qn(f"a:{tag}"))
    for key, value in attrs.items():
        element.set(key, value)
    return element


def _sub(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    child = _a(tag, **attrs)
    parent.append(child)
    return child


def _fill(color: str, scheme: bool = True) -> etree._Element:
    fill = _a("solidFill")
    _sub(fill, "schemeClr" if scheme else "srgbClr", val=color)
    return fill


def _set_theme(prs) -> None:  # type: ignore[no-untyped-def]
    """Colours and fonts of the theme part."""
    part = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    root.set("name", "deckgen")
    scheme = root.find(qn("a:themeElements")).find(qn("a:clrScheme"))
    scheme.set("name", "deckgen")
    for name, value in COLORS.items():
        slot = scheme.find(qn(f"a:{name}"))
        for child in list(slot):
            slot.remove(child)
        _sub(slot, "srgbClr", val=value)
    fonts = root.find(qn("a:themeElements")).find(qn("a:fontScheme"))
    fonts.set("name", "deckgen")
    for group in ("a:majorFont", "a:minorFont"):
        node = fonts.find(qn(group))
        node.find(qn("a:latin")).set("typeface", LATIN_FONT)
        node.find(qn("a:cs")).set("typeface", CS_FONT)
        for script in node.findall(qn("a:font")):
            if script.get("script") == "Arab":
                script.set("typeface", CS_FONT)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _place(shape, box: Box) -> None:  # type: ignore[no-untyped-def]
    """All four coordinates: setting only some leaves the rest at 0 (RTL.md)."""
    shape.left, shape.top, shape.width, shape.height = (
        Emu(box.x),
        Emu(box.y),
        Emu(box.w),
        Emu(box.h),
    )


def _level_style(size_pt: int, color: str, bold: bool, align: str, font: str) -> etree._Element:
    """An `a:lvl1pPr` with its default run properties."""
    ppr = _a("lvl1pPr", algn=align)
    _sub(ppr, "buNone")
    rpr = _sub(ppr, "defRPr", sz=str(size_pt * 100), b="1" if bold else "0")
    rpr.append(_fill(color))
    _sub(rpr, "latin", typeface=f"+{font}-lt")
    _sub(rpr, "ea", typeface=f"+{font}-ea")
    _sub(rpr, "cs", typeface=f"+{font}-cs")
    return ppr


def _style_placeholder(shape, level: etree._Element, anchor: str) -> None:  # type: ignore[no-untyped-def]
    """Replace the placeholder's list style with one level style and set its anchor."""
    body = shape._element.txBody
    body_pr = body.find(qn("a:bodyPr"))
    body_pr.set("anchor", anchor)
    for child in list(body_pr):
        body_pr.remove(child)
    _sub(body_pr, "noAutofit")
    lst = body.find(qn("a:lstStyle"))
    for child in list(lst):
        lst.remove(child)
    lst.append(level)


def _set_background(layout_or_master, color: str) -> None:  # type: ignore[no-untyped-def]
    """A solid theme-colour background on a layout's `p:cSld`."""
    csld = layout_or_master._element.find(qn("p:cSld"))
    old = csld.find(qn("p:bg"))
    if old is not None:
        csld.remove(old)
    bg = etree.Element(qn("p:bg"))
    bg_pr = etree.SubElement(bg, qn("p:bgPr"))
    bg_pr.append(_fill(color))
    bg_pr.append(_a("effectLst"))
    csld.insert(0, bg)


def _add_band(layout, slide_w: int, slide_h: int) -> None:  # type: ignore[no-untyped-def]
    """A full-width teal band at the foot of a cover layout (symmetric, so RTL needs no mirror)."""
    tree = layout.shapes._spTree
    next_id = max(int(el.get("id")) for el in tree.iter(qn("p:cNvPr"))) + 1
    sp = etree.SubElement(tree, qn("p:sp"))
    nv = etree.SubElement(sp, qn("p:nvSpPr"))
    etree.SubElement(nv, qn("p:cNvPr"), id=str(next_id), name="Accent Band")
    etree.SubElement(nv, qn("p:cNvSpPr"))
    etree.SubElement(nv, qn("p:nvPr"), userDrawn="1")
    sp_pr = etree.SubElement(sp, qn("p:spPr"))
    xfrm = _sub(sp_pr, "xfrm")
    _sub(xfrm, "off", x="0", y=str(slide_h - BAND_H))
    _sub(xfrm, "ext", cx=str(slide_w), cy=str(BAND_H))
    geom = _sub(sp_pr, "prstGeom", prst="rect")
    _sub(geom, "avLst")
    sp_pr.append(_fill("accent2"))
    line = _sub(sp_pr, "ln")
    _sub(line, "noFill")


def _remove_placeholders(layout, kinds: set[str]) -> None:  # type: ignore[no-untyped-def]
    for shape in list(layout.placeholders):
        if _ph_key(shape) in kinds:
            shape._element.getparent().remove(shape._element)


def _style_master(prs, grid) -> None:  # type: ignore[no-untyped-def]
    master = prs.slide_master
    boxes = {
        "title": grid.title,
        "body": grid.content,
        "dt": grid.footer,
        "ftr": grid.footer,
        "sldNum": grid.slide_number,
    }
    for shape in master.placeholders:
        _place(shape, boxes[_ph_key(shape)])
    styles = master._element.find(qn("p:txStyles"))
    title = styles.find(qn("p:titleStyle"))
    for child in list(title):
        title.remove(child)
    title.append(_level_style(26, "tx2", True, "l", "mj"))
    body = styles.find(qn("p:bodyStyle"))
    for level, size in zip(range(1, 10), (20, 18, 16, 14, 14, 14, 14, 14, 14), strict=True):
        rpr = body.find(qn(f"a:lvl{level}pPr")).find(qn("a:defRPr"))
        rpr.set("sz", str(size * 100))
    for shape in master.placeholders:
        key = _ph_key(shape)
        if key == "title":
            shape._element.txBody.find(qn("a:bodyPr")).set("anchor", "b")
        if key in ("ftr", "sldNum", "dt"):
            lvl = shape._element.txBody.find(qn("a:lstStyle")).find(qn("a:lvl1pPr"))
            lvl.set("algn", "r" if key == "sldNum" else "l")
            rpr = lvl.find(qn("a:defRPr"))
            rpr.set("sz", "900")
            for child in list(rpr):
                rpr.remove(child)
            rpr.append(_fill("accent6"))


def _ph_key(shape) -> str:  # type: ignore[no-untyped-def]
    """The placeholder's `type` attribute as written in XML (title, body, dt, ftr, sldNum, ...)."""
    ph = shape._element.find(".//" + qn("p:ph"))
    return ph.get("type", "body")


def main() -> None:
    """Build the template and write it to templates/default.pptx."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(DESIGN_W), Emu(DESIGN_H)
    grid = grid_for(DESIGN_W, DESIGN_H, "ltr")
    for layout in list(prs.slide_layouts):
        if layout.name not in KEEP_LAYOUTS:
            prs.slide_layouts.remove(layout)
    _set_theme(prs)
    _style_master(prs, grid)
    layouts = {layout.name: layout for layout in prs.slide_layouts}

    cover = layouts["Title Slide"]
    _remove_placeholders(cover, {"dt", "ftr", "sldNum"})
    _set_background(cover, "tx2")
    _add_band(cover, DESIGN_W, DESIGN_H)
    for shape in cover.placeholders:
        if _ph_key(shape) == "ctrTitle":
            _place(shape, grid.cover_title)
            _style_placeholder(shape, _level_style(40, "bg1", True, "l", "mj"), "b")
        else:
            _place(shape, grid.cover_subtitle)
            _style_placeholder(shape, _level_style(20, "bg2", False, "l", "mn"), "t")

    section = layouts["Section Header"]
    _remove_placeholders(section, {"dt"})
    _set_background(section, "tx2")
    _add_band(section, DESIGN_W, DESIGN_H)
    for shape in section.placeholders:
        key = _ph_key(shape)
        if key == "title":
            _place(shape, grid.cover_title)
            _style_placeholder(shape, _level_style(36, "bg1", True, "l", "mj"), "b")
        elif key == "body":
            _place(shape, grid.cover_subtitle)
            _style_placeholder(shape, _level_style(18, "bg2", False, "l", "mn"), "t")
        else:  # footer and slide number: pale grey on the navy background
            _place(shape, grid.footer if key == "ftr" else grid.slide_number)
            align = "l" if key == "ftr" else "r"
            _style_placeholder(shape, _level_style(9, "bg2", False, align, "mn"), "ctr")

    content = layouts["Title Only"]
    _remove_placeholders(content, {"dt"})
    for shape in content.placeholders:
        key = _ph_key(shape)
        _place(shape, {"title": grid.title, "ftr": grid.footer}.get(key, grid.slide_number))

    package = prs.part.package
    for rel_id, rel in list(package._rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package._rels.pop(rel_id)
    for part in package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = part.blob.replace(b"On-screen Show (4:3)", b"Widescreen").replace(
                b"Office Theme", b"deckgen"
            )
    set_core_properties(
        prs,
        title="deckgen default template",
        subject="16:9 brand template for deckgen decks",
        author="deckgen",
        created=FIXED_TIME,
    )
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    prs.save(buffer)
    OUTPUT.write_bytes(deterministic_package(buffer.getvalue()))
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
