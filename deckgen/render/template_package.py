"""A brand template as a package: checked before python-pptx reads it, stripped of what must not
reach a client's deck.

A brand template comes from outside (a client's designer; docs/security.md). Before python-pptx
opens it, deckgen reads the zip itself: a file too large, a zip that unpacks to too much, a
duplicate entry, an XML part that does not parse or that declares a DOCTYPE (which PowerPoint
never writes, and whose entities could name files on this machine) is refused in one sentence.
Templates (.potx), slide shows (.ppsx) and their macro-enabled forms are read as presentations:
the main part's content type is rewritten, so every deck is a plain .pptx.

Once opened, the template loses what deckgen must not copy into a deck: its own slides, with
the custom shows and sections that list them; every link to an outside file or web address
(a remote picture is fetched when the deck is opened: it tells the sender who opened it, and
when); and its macros (a VBA project). Pictures larger than LARGE_IMAGE_BYTES that the masters
and layouts use are kept, with a warning: they are copied into every deck.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.presentation import Presentation as PresentationType

from deckgen.errors import TemplateError
from deckgen.render.oxml import qn
from deckgen.render.package import XML_PARSER, PackageEntries

MAX_FILE_BYTES = 200 * 2**20  # a template file
MAX_UNPACKED_BYTES = 1 * 2**30  # all its parts, unpacked (a zip bomb is refused, not unpacked)
LARGE_IMAGE_BYTES = 5 * 2**20  # a picture this large in a master or layout is worth a warning
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
# The main part's content type -> what the file is; all are read as a presentation.
KINDS = {
    _MAIN: "presentation (.pptx)",
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml": (
        "template (.potx)"
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml": (
        "slide show (.ppsx)"
    ),
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": (
        "macro-enabled presentation (.pptm)"
    ),
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml": (
        "macro-enabled template (.potm)"
    ),
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml": (
        "macro-enabled slide show (.ppsm)"
    ),
}
_VBA_PROJECT = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
_SECTIONS_EXT = "{521415D9-36F7-43E2-AB2F-B90AF26B5E84}"  # p:ext holding p14:sectionLst
_P14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"
_HYPERLINKS = {qn("a:hlinkClick"), qn("a:hlinkHover"), qn("a:hlinkMouseOver")}


@dataclass(frozen=True)
class TemplateContents:
    """What a template holds that deckgen strips or warns about."""

    kind: str  # e.g. "template (.potx)"; see KINDS
    slides: int  # the template's own slides (dropped)
    custom_shows: tuple[tuple[str, int], ...]  # (name, slides listed); dropped with the slides
    sections: tuple[str, ...]  # section names; dropped with the slides
    external_links: tuple[tuple[str, str], ...]  # (part, target) left after the slides: dropped
    macros: bool  # a VBA project: dropped
    large_images: tuple[tuple[str, int], ...]  # (part, bytes) over LARGE_IMAGE_BYTES: kept


def read_template_package(path: Path, label: str = "template") -> tuple[PackageEntries, str]:
    """The template's entries as a plain .pptx package for python-pptx (`open_presentation`),
    each XML part parsed once by the checks, and its kind; TemplateError naming it as `label`
    (a refresh reads the consultant's deck through the same checks)."""
    if not path.is_file():
        raise TemplateError(f"{label} {path}: no such file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise TemplateError(
            f"{label} {path} is {size / 2**20:,.0f} MB; deckgen reads at most "
            f"{MAX_FILE_BYTES // 2**20} MB (make its pictures smaller)"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    except zipfile.BadZipFile:
        raise _not_a_presentation(path, label) from None
    with archive:
        infos = archive.infolist()
        twice = [name for name, count in Counter(i.filename for i in infos).items() if count > 1]
        if twice:
            raise TemplateError(
                f"{label} {path}: its zip holds {twice[0]} twice, so it is damaged; "
                "open it in PowerPoint and save it again"
            )
        unpacked = sum(info.file_size for info in infos)
        if unpacked > MAX_UNPACKED_BYTES:
            raise TemplateError(
                f"{label} {path} unpacks to {unpacked / 2**30:,.1f} GB; the limit is "
                f"{MAX_UNPACKED_BYTES // 2**30} GB"
            )
        try:
            entries = PackageEntries({info.filename: archive.read(info) for info in infos})
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
            raise TemplateError(
                f"{label} {path}: an entry of its zip is damaged or in a form deckgen cannot "
                f"unpack; open the {label} in PowerPoint and save it again"
            ) from None
    for name, blob in entries.blobs.items():
        if name.endswith((".xml", ".rels")):
            entries.trees[name] = _checked_xml(path, name, blob, label)
    types = entries.trees.get("[Content_Types].xml")
    if types is None:
        raise _not_a_presentation(path, label)
    main = types.find(f"{{{_CT}}}Override[@PartName='/ppt/presentation.xml']")
    if main is None or main.get("ContentType") not in KINDS:
        raise _not_a_presentation(path, label)
    kind = KINDS[main.get("ContentType", "")]
    if main.get("ContentType") != _MAIN:
        main.set("ContentType", _MAIN)
        entries.blobs["[Content_Types].xml"] = etree.tostring(types)
    return entries, kind


def _not_a_presentation(path: Path, label: str) -> TemplateError:
    return TemplateError(
        f"{label} {path}: not a PowerPoint presentation (.pptx); "
        "save it from PowerPoint as .pptx and try again"
    )


def _checked_xml(path: Path, name: str, blob: bytes, label: str) -> etree._Element:
    """The root of `blob` parsed as python-pptx parses it (XML_PARSER: no entity resolved);
    TemplateError unless it is well-formed XML without a DOCTYPE."""
    doctype = TemplateError(
        f"{label} {path}: {name} declares a DOCTYPE, which PowerPoint never writes; "
        "deckgen does not read such a file (its entities can name files on this computer)"
    )
    if b"<!DOCTYPE" in blob:  # before parsing: an entity used in an attribute fails to parse
        raise doctype
    try:
        root = etree.fromstring(blob, XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise TemplateError(
            f"{label} {path}: {name} is not well-formed XML ({exc.msg}); "
            f"open the {label} in PowerPoint and save it again"
        ) from None
    if root.getroottree().docinfo.doctype:  # one the byte search missed (a UTF-16 part)
        raise doctype
    return root


def survey_template(prs: PresentationType, kind: str) -> TemplateContents:
    """What the opened template holds (before its slides are dropped); the external links and
    pictures are those of the parts a deck keeps: masters, layouts, theme."""
    root = prs.part._element
    shows = tuple(
        (show.get("name", ""), len(show.findall(qn("p:sldLst") + "/" + qn("p:sld"))))
        for show in root.iter(qn("p:custShow"))
    )
    sections = tuple(section.get("name", "") for section in root.iter(f"{{{_P14}}}section"))
    links = tuple(
        (part.partname.lstrip("/"), rel.target_ref)
        for part in kept_parts(prs)
        for rel in part.rels.values()
        if rel.is_external
    )
    images = tuple(
        (part.partname.lstrip("/"), len(part.blob))
        for part in kept_parts(prs)
        if part.content_type.startswith("image/") and len(part.blob) > LARGE_IMAGE_BYTES
    )
    macros = any(rel.reltype == _VBA_PROJECT for rel in prs.part.rels.values())
    return TemplateContents(kind, len(prs.slides), shows, sections, links, macros, images)


def drop_slides(prs: PresentationType) -> None:
    """Remove the template's own slides, and the custom shows and sections that list them."""
    root = prs.part._element
    for shows in root.findall(qn("p:custShowLst")):
        root.remove(shows)
    for ext in root.findall(f"{qn('p:extLst')}/{qn('p:ext')}"):
        if ext.get("uri") == _SECTIONS_EXT:
            ext.getparent().remove(ext)
    for empty in root.findall(qn("p:extLst")):
        if len(empty) == 0:
            root.remove(empty)
    _drop_show_choice(prs)
    id_list = prs.slides._sldIdLst
    for sld_id in list(id_list):
        id_list.remove(sld_id)
        prs.part.drop_rel(sld_id.rId)


def _drop_show_choice(prs: PresentationType) -> None:
    """A slide show set to play a custom show (presProps.xml) plays all slides instead."""
    for rel in prs.part.rels.values():
        if rel.reltype != RT.PRES_PROPS:
            continue
        part = rel.target_part  # python-pptx has no class for it: a plain Part with a blob
        props = etree.fromstring(part.blob, _SAFE_XML)
        choices = list(props.iter(qn("p:custShow")))
        for choice in choices:
            choice.tag = qn("p:sldAll")
            choice.attrib.clear()
        if choices:
            part._blob = etree.tostring(
                props, xml_declaration=True, encoding="UTF-8", standalone=True
            )


def drop_external_links(prs: PresentationType) -> None:
    """Remove every link to an outside file or address from the parts a deck keeps."""
    for part in kept_parts(prs):
        external = [rId for rId, rel in part.rels.items() if rel.is_external]
        element = getattr(part, "_element", None)
        for rId in external:
            if element is not None:
                _unreference(element, rId)
            part.rels.pop(rId)


def _unreference(root: etree._Element, rId: str) -> None:
    """Remove the uses of relationship `rId`: a hyperlink goes, any other r: attribute is unset."""
    for node in list(root.iter()):
        names = [name for name, value in node.attrib.items() if name.startswith(f"{{{_R}}}")]
        if not any(node.get(name) == rId for name in names):
            continue
        if node.tag in _HYPERLINKS:
            node.getparent().remove(node)
            continue
        for name in names:
            if node.get(name) == rId:
                del node.attrib[name]


def drop_macros(prs: PresentationType) -> None:
    """Remove the template's VBA project (the deck is saved as a plain .pptx)."""
    for rId, rel in list(prs.part.rels.items()):
        if rel.reltype == _VBA_PROJECT:
            prs.part.rels.pop(rId)


def kept_parts(prs: PresentationType) -> list[Part]:
    """The parts every deck built on `prs` holds: all but the template's slides and their own."""
    found: list[Part] = [prs.part]
    for part in found:
        for rel in part.rels.values():
            skip = rel.is_external or (part is prs.part and rel.reltype == RT.SLIDE)
            if not skip and rel.target_part not in found:
                found.append(rel.target_part)
    return found


def template_warnings(path: Path, contents: TemplateContents) -> tuple[str, ...]:
    """The sentences a render prints about what it dropped from, or kept of, the template."""
    warnings = []
    if contents.external_links:
        count, (part, target) = len(contents.external_links), contents.external_links[0]
        warnings.append(
            f"template {path}: dropped {count} link{'s' * (count != 1)} to outside files or "
            f"addresses ({target} in {part}); a deck opens nothing from outside"
        )
    if contents.macros:
        warnings.append(f"template {path}: dropped its macros (a VBA project); decks are .pptx")
    warnings += [
        f"template {path}: {part} is {size / 2**20:.1f} MB and is copied into every deck, "
        "which makes decks slow to open and convert; make the picture smaller"
        for part, size in contents.large_images
    ]
    return tuple(warnings)


def describe_contents(contents: TemplateContents) -> list[str]:
    """Lines for `deckgen template inspect`: what deckgen drops from the template and keeps."""
    shows = ", ".join(f"{name!r} ({count} slides)" for name, count in contents.custom_shows)
    links = "; ".join(f"{part} -> {target}" for part, target in contents.external_links)
    images = "; ".join(f"{part} ({size / 2**20:.1f} MB)" for part, size in contents.large_images)
    sections = ", ".join(repr(name) for name in contents.sections)
    return [
        f"Slides of its own: {contents.slides}" + (" (dropped)" if contents.slides else ""),
        f"Custom shows: {shows or 'none'}" + (" (dropped with the slides)" if shows else ""),
        f"Sections: {sections or 'none'}" + (" (dropped with the slides)" if sections else ""),
        f"External links: {links or 'none'}" + (" (dropped)" if links else ""),
        f"Macros: {'yes (dropped: decks are .pptx)' if contents.macros else 'none'}",
        f"Pictures over {LARGE_IMAGE_BYTES // 2**20} MB: {images or 'none'}"
        + (" (kept, copied into every deck: make them smaller)" if images else ""),
    ]
