"""A checker of .pptx packages for tests: the faults that make PowerPoint offer to repair a file.

`package_problems(data)` lists, one sentence each: duplicate zip entries; parts without a
content type and content types for missing parts; a main part that is not a plain presentation
(macro-enabled, template); relationships with duplicate ids, to missing parts, or to one part
twice with the same type; `r:` attributes (r:id, r:embed, r:link, ...) naming no relationship;
parts no relationship reaches; XML parts that do not parse or declare a DOCTYPE; and, in
presentation.xml, duplicate slide ids, and sections naming slides the deck does not have.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections import Counter

from lxml import etree

RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
P14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"
OFFICE_DOCUMENT = f"{R}/officeDocument"
MAIN_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def package_problems(data: bytes) -> list[str]:
    """Every fault found in the .pptx `data` (empty when the package is sound)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = [info.filename for info in archive.infolist()]
    problems = [f"duplicate zip entry {n}" for n, c in sorted(Counter(names).items()) if c > 1]
    parts = {name for name in names if not name.endswith("/")}
    xml: dict[str, etree._Element] = {}
    for name in sorted(parts):
        if name.endswith((".xml", ".rels")):
            try:
                tree = etree.parse(io.BytesIO(archive.read(name)), _PARSER)
            except etree.XMLSyntaxError as exc:
                problems.append(f"{name} is not well-formed XML: {exc}")
                continue
            if tree.docinfo.doctype:
                problems.append(f"{name} declares a DOCTYPE")
            xml[name] = tree.getroot()
    types = _content_types(xml.get("[Content_Types].xml"), parts, problems)
    found = (_relationships(name, root, parts, problems) for name, root in xml.items())
    rels = {info["source"]: info for info in found if info}  # source part -> its relationships
    main = rels.get("", {}).get("by_type", {}).get(OFFICE_DOCUMENT)
    if main and types.get(main[0]) != MAIN_CONTENT_TYPE:
        problems.append(f"the main part {main[0]} has content type {types.get(main[0])}")
    for name, root in xml.items():
        if name.endswith(".rels") or name == "[Content_Types].xml":
            continue
        ids = rels.get(name, {}).get("ids", set())
        for element in root.iter():
            for attribute, value in element.attrib.items():
                if attribute.startswith(f"{{{R}}}") and value not in ids:
                    local = attribute.split("}")[1]
                    problems.append(f"{name}: r:{local}={value!r} names no relationship")
    problems += _unreached(parts, rels)
    presentation = main and xml.get(main[0])
    if presentation is not None:
        problems += _presentation_problems(presentation)
    return problems


def _content_types(
    root: etree._Element | None, parts: set[str], problems: list[str]
) -> dict[str, str]:
    """Part name -> content type; problems for parts without one and types of missing parts."""
    if root is None:
        problems.append("no [Content_Types].xml")
        return {}
    defaults = {
        d.get("Extension", "").lower(): d.get("ContentType")
        for d in root.iter(f"{{{CONTENT_TYPES}}}Default")
    }
    overrides = {
        o.get("PartName", "").lstrip("/"): o.get("ContentType")
        for o in root.iter(f"{{{CONTENT_TYPES}}}Override")
    }
    problems += [
        f"content type for a missing part {n}" for n in sorted(overrides) if n not in parts
    ]
    types = {}
    for name in sorted(parts - {"[Content_Types].xml"}):
        found = overrides.get(name) or defaults.get(name.rsplit(".", 1)[-1].lower())
        if found is None:
            problems.append(f"{name} has no content type")
        else:
            types[name] = found
    return types


def _relationships(name: str, root: etree._Element, parts: set[str], problems: list[str]) -> dict:
    """For a .rels part: its source part's ids, internal targets and targets by type."""
    if not name.endswith(".rels"):
        return {}
    folder, file = posixpath.split(name)
    source = posixpath.join(posixpath.dirname(folder), file[: -len(".rels")])
    base = posixpath.dirname(source)
    ids: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    targets: set[str] = set()
    by_type: dict[str, list[str]] = {}
    for rel in root.iter(f"{{{RELS}}}Relationship"):
        ids[rel.get("Id", "")] += 1
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        path = target[1:] if target.startswith("/") else posixpath.normpath(f"{base}/{target}")
        path = path.lstrip("/")
        if path not in parts:
            problems.append(f"{name}: {rel.get('Id')} points to a missing part {path}")
        key = (rel.get("Type", ""), path)
        if key in seen:
            problems.append(f"{name}: two relationships of one type to {path}")
        seen.add(key)
        targets.add(path)
        by_type.setdefault(rel.get("Type", ""), []).append(path)
    problems += [f"{name}: relationship id {i} is used {c} times" for i, c in ids.items() if c > 1]
    return {"source": source.lstrip("/"), "ids": set(ids), "targets": targets, "by_type": by_type}


def _unreached(parts: set[str], rels: dict[str, dict]) -> list[str]:
    """Parts that no relationship reaches from the package root."""
    reached, queue = set(), [""]
    while queue:
        source = queue.pop()
        for target in rels.get(source, {}).get("targets", ()):
            if target not in reached:
                reached.add(target)
                queue.append(target)
    skip = {"[Content_Types].xml"}
    return [
        f"{name} is in the package but no relationship reaches it"
        for name in sorted(parts - reached - skip)
        if not name.endswith(".rels")
    ]


def _presentation_problems(root: etree._Element) -> list[str]:
    problems = []
    slide_ids = [s.get("id") for s in root.iter(f"{{{P}}}sldId")]
    problems += [f"slide id {i} is used {c} times" for i, c in Counter(slide_ids).items() if c > 1]
    for section in root.iter(f"{{{P14}}}section"):
        for ref in section.iter(f"{{{P14}}}sldId"):
            if ref.get("id") not in slide_ids:
                problems.append(
                    f"section {section.get('name')!r} names slide id {ref.get('id')}, "
                    "which the deck does not have"
                )
    return problems
