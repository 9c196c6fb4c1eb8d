"""Brand templates as a hostile or careless designer hands them over (issue 9), built from
deckgen's default template."""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType

from deckgen.render.brand import default_template_path

P = "http://schemas.openxmlformats.org/presentationml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"
TRACKER = "https://tracker.example/pixel.png"
HOMEPAGE = "https://designer.example/"
MACRO_ENABLED = "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"
TEMPLATE = "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


def _edited(path: Path, edit: Callable[[PresentationType], None]) -> Path:
    prs = Presentation(str(default_template_path()))
    edit(prs)
    prs.save(path)
    return path


def with_custom_show_and_sections(path: Path) -> Path:
    """Three slides of its own, a custom show and a section listing them, and a slide show
    set to play the custom show."""

    def edit(prs: PresentationType) -> None:
        for layout in prs.slide_layouts:
            prs.slides.add_slide(layout).shapes.title.text = f"Designer's {layout.name}"
        root = prs.part._element
        slides = list(prs.slides._sldIdLst)
        show = etree.SubElement(etree.Element(qn("p:custShowLst")), qn("p:custShow"))
        show.set("name", "Board cut")
        show.set("id", "0")
        listed = etree.SubElement(show, qn("p:sldLst"))
        for sld in slides[:2]:
            etree.SubElement(listed, qn("p:sld")).set(qn("r:id"), sld.rId)
        root.find(qn("p:notesSz")).addnext(show.getparent())
        ext_list = etree.SubElement(root, qn("p:extLst"))
        ext = etree.SubElement(ext_list, qn("p:ext"), uri="{521415D9-36F7-43E2-AB2F-B90AF26B5E84}")
        sections = etree.SubElement(ext, f"{{{P14}}}sectionLst", nsmap={"p14": P14})
        section = etree.SubElement(sections, f"{{{P14}}}section", name="Intro")
        section.set("id", "{11111111-2222-3333-4444-555555555555}")
        ids = etree.SubElement(section, f"{{{P14}}}sldIdLst")
        for sld in slides:
            etree.SubElement(ids, f"{{{P14}}}sldId", id=sld.get("id"))
        props = prs.part.part_related_by(RT.PRES_PROPS)
        root_props = etree.fromstring(props.blob)
        show_pr = etree.Element(qn("p:showPr"))
        etree.SubElement(show_pr, qn("p:custShow"), id="0")
        root_props.insert(0, show_pr)
        props._blob = etree.tostring(root_props, xml_declaration=True, standalone=True)

    return _edited(path, edit)


def with_external_links(path: Path) -> Path:
    """A layout with a title hyperlink to a web page and a picture fetched from a tracker."""

    def edit(prs: PresentationType) -> None:
        layout = prs.slide_layouts[0]
        link = layout.part.relate_to(HOMEPAGE, RT.HYPERLINK, is_external=True)
        pixel = layout.part.relate_to(TRACKER, RT.IMAGE, is_external=True)
        run_properties = layout.placeholders[0]._element.find(f".//{{{A}}}rPr")
        if run_properties is None:
            paragraph = layout.placeholders[0]._element.find(f".//{{{A}}}p")
            run = etree.SubElement(paragraph, f"{{{A}}}r")
            run_properties = etree.SubElement(run, f"{{{A}}}rPr")
            etree.SubElement(run, f"{{{A}}}t").text = "Title"
        etree.SubElement(run_properties, f"{{{A}}}hlinkClick").set(f"{{{R}}}id", link)
        layout.shapes._spTree.append(_picture(pixel, "r:link", 99))

    return _edited(path, edit)


def with_large_picture(path: Path, megabytes: float = 6.0) -> Path:
    """A noisy background picture of about `megabytes` MB on the title layout."""
    side = int((megabytes * 2**20 / 3) ** 0.5)
    noise = np.random.default_rng(9).integers(0, 256, (side, side, 3), dtype=np.uint8)
    png = io.BytesIO()
    Image.fromarray(noise).save(png, format="PNG", compress_level=0)

    def edit(prs: PresentationType) -> None:
        layout = prs.slide_layouts[0]
        _, rId = layout.part.get_or_add_image_part(io.BytesIO(png.getvalue()))
        layout.shapes._spTree.append(_picture(rId, "r:embed", 98))

    return _edited(path, edit)


def tiny(path: Path) -> Path:
    """A 1 x 1 inch template."""

    def edit(prs: PresentationType) -> None:
        prs.slide_width = prs.slide_height = 914400

    return _edited(path, edit)


def _picture(rId: str, attribute: str, shape_id: int) -> etree._Element:
    return etree.fromstring(
        f'<p:pic xmlns:p="{P}" xmlns:a="{A}" xmlns:r="{R}"><p:nvPicPr>'
        f'<p:cNvPr id="{shape_id}" name="Picture {shape_id}"/><p:cNvPicPr/><p:nvPr/></p:nvPicPr>'
        f'<p:blipFill><a:blip {attribute}="{rId}"/><a:stretch><a:fillRect/></a:stretch>'
        '</p:blipFill><p:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>'
    )


def _rezipped(source: Path, path: Path, edit: Callable[[dict[str, bytes]], None]) -> Path:
    """`source`'s entries, edited as a name -> bytes mapping, written to `path`."""
    with zipfile.ZipFile(source) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    edit(entries)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in entries.items():
            archive.writestr(name, blob)
    return path


def _main_type(entries: dict[str, bytes], content_type: str) -> None:
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
        MAIN.encode(), content_type.encode()
    )


def as_potx(path: Path) -> Path:
    """The default template saved as a PowerPoint template (.potx)."""
    return _rezipped(default_template_path(), path, lambda e: _main_type(e, TEMPLATE))


def macro_enabled(path: Path) -> Path:
    """The default template with a VBA project, saved as .pptm."""

    def edit(entries: dict[str, bytes]) -> None:
        _main_type(entries, MACRO_ENABLED)
        entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
            b'<Default Extension="rels"',
            b'<Override PartName="/ppt/vbaProject.bin" '
            b'ContentType="application/vnd.ms-office.vbaProject"/><Default Extension="rels"',
        )
        entries["ppt/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 Sub AutoOpen() Shell(...) End Sub"
        rels = entries["ppt/_rels/presentation.xml.rels"]
        entries["ppt/_rels/presentation.xml.rels"] = rels.replace(
            b"</Relationships>",
            b'<Relationship Id="rId99" Target="vbaProject.bin" Type="http://schemas.microsoft'
            b'.com/office/2006/relationships/vbaProject"/></Relationships>',
        )

    return _rezipped(default_template_path(), path, edit)


def with_doctype_theme(path: Path, secret: Path) -> Path:
    """A theme whose DOCTYPE declares an entity naming the file `secret`, used as a font name."""

    def edit(entries: dict[str, bytes]) -> None:
        theme = entries["ppt/theme/theme1.xml"].decode("utf-8")
        head, body = theme.split("?>", 1)
        doctype = f'<!DOCTYPE a:theme [<!ENTITY secret SYSTEM "file://{secret}">]>'
        body = body.replace('typeface="Calibri"', 'typeface="&secret;"', 1)
        entries["ppt/theme/theme1.xml"] = f"{head}?>{doctype}{body}".encode()

    return _rezipped(default_template_path(), path, edit)


def with_duplicate_entry(path: Path) -> Path:
    """A zip that holds ppt/slideLayouts/slideLayout1.xml twice (written by a broken tool)."""
    _rezipped(default_template_path(), path, lambda entries: None)
    with zipfile.ZipFile(default_template_path()) as archive:
        layout = archive.read("ppt/slideLayouts/slideLayout1.xml")
    with zipfile.ZipFile(path, "a") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name written on purpose
        archive.writestr("ppt/slideLayouts/slideLayout1.xml", layout)
    return path


def with_damaged_entry(path: Path) -> Path:
    """A zip whose theme entry fails its CRC check (a byte changed after it was written)."""
    name = "ppt/theme/theme1.xml"
    with zipfile.ZipFile(default_template_path()) as archive:
        entries = {entry: archive.read(entry) for entry in archive.namelist()}
    with zipfile.ZipFile(path, "w") as archive:  # stored: the entry's bytes are as written
        for entry, blob in entries.items():
            archive.writestr(entry, blob)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 100] ^= 0x01  # inside the XML text: still well-formed, but not what was stored
    path.write_bytes(bytes(data))
    return path
