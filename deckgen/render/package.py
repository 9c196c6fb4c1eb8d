"""Deterministic packaging: fixed core properties and zip entries, so equal decks give equal bytes.

python-pptx stamps zip entries with the current time, and XlsxWriter stamps the workbook
embedded in every native chart with the time of creation; both are fixed here while the
presentation is written (`save_deterministic`). A package is opened from its entries as the
checks of deckgen.render.template_package read them (`open_presentation`): each entry is read
from the zip and each XML part parsed once, not again by python-pptx.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from lxml import etree
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.oxml import CT_Relationships
from pptx.opc.package import PartFactory, XmlPart, _PackageLoader
from pptx.opc.packuri import PACKAGE_URI, PackURI
from pptx.opc.serialized import PackageReader, PackageWriter
from pptx.oxml import element_class_lookup
from pptx.package import Package
from pptx.presentation import Presentation as PresentationType

# The timestamp of every zip entry and core property: the zip format's own epoch.
FIXED_TIME = datetime(1980, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_XLSX_CORE_DATES = re.compile(
    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)
# python-pptx's parser (its options and element classes), with its safe options made explicit:
# no entity resolved, no DTD loaded, nothing fetched. A part parsed with it is the element
# python-pptx would make of it.
XML_PARSER = etree.XMLParser(
    remove_blank_text=True, resolve_entities=False, no_network=True, load_dtd=False
)
XML_PARSER.set_element_class_lookup(element_class_lookup)


@dataclass(frozen=True)
class PackageEntries:
    """A package's zip entries by name: their bytes, and the XML ones already parsed (with
    XML_PARSER) by their root."""

    blobs: dict[str, bytes]
    trees: dict[str, etree._Element] = field(default_factory=dict)


def read_entries(data: bytes) -> PackageEntries:
    """The entries of the zip `data`, none parsed; zipfile.BadZipFile when it is no zip."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return PackageEntries({name: archive.read(name) for name in archive.namelist()})


class _DeckPackage(Package):
    """python-pptx's package, naming new parts from the names it had when the first was named.

    python-pptx walks every relationship of the package to name each new chart, workbook and
    notes page (quadratic in the parts: 27 ms of the sample deck). This keeps the names taken
    instead, which holds while no part leaves the package once drawing has begun (deckgen drops
    a template's slides before it draws and removes no part after). The names chosen are
    python-pptx's: the same search over the same names.
    """

    _taken: set[str] | None = None

    def next_partname(self, tmpl: str) -> PackURI:
        """The partname python-pptx would give the next part named after `tmpl`."""
        if self._taken is None:
            self._taken = {str(part.partname) for part in self.iter_parts()}
        prefix = tmpl[: (tmpl % 42).find("42")]
        count = sum(1 for name in self._taken if name.startswith(prefix))
        for number in range(count + 1, 0, -1):  # python-pptx searches down from the count
            candidate = tmpl % number
            if candidate not in self._taken:
                self._taken.add(candidate)
                return PackURI(candidate)
        raise AssertionError("no free partname")  # unreachable: count + 1 names, count taken


class _EntriesReader(PackageReader):
    """python-pptx's package reader over entries already read."""

    def __init__(self, blobs: dict[str, bytes]) -> None:
        super().__init__("")
        self._blobs = {PackURI(f"/{name}"): blob for name, blob in blobs.items()}

    @property
    def _blob_reader(self) -> dict[PackURI, bytes]:  # type: ignore[override]
        return self._blobs


class _EntriesLoader(_PackageLoader):
    """python-pptx's package loader over entries already read, taking each XML part already
    parsed instead of parsing it again (what `XmlPart.load` does with the bytes)."""

    def __init__(self, entries: PackageEntries, package: Package) -> None:
        super().__init__("", package)
        self._entries = entries

    @cached_property
    def _package_reader(self) -> PackageReader:  # type: ignore[override]
        return _EntriesReader(self._entries.blobs)

    def _xml_rels_for(self, partname: PackURI) -> CT_Relationships:
        tree = self._entries.trees.get(partname.rels_uri.membername)
        return super()._xml_rels_for(partname) if tree is None else tree  # type: ignore[return-value]

    @cached_property
    def _parts(self) -> dict[PackURI, object]:  # type: ignore[override]
        types, reader, trees = self._content_types, self._package_reader, self._entries.trees
        parts = {}
        for partname in (p for p in self._xml_rels if p != PACKAGE_URI and p in reader):
            content_type = types[partname]
            kind = PartFactory._part_cls_for(content_type)
            tree = trees.get(partname.membername)
            parts[partname] = (
                kind(partname, content_type, self._package, element=tree)  # type: ignore[call-arg]
                if tree is not None and issubclass(kind, XmlPart)
                else PartFactory(partname, content_type, self._package, blob=reader[partname])
            )
        return parts


def open_presentation(entries: PackageEntries) -> PresentationType:
    """The package of `entries` opened as python-pptx's `Presentation(...)` opens it; ValueError
    when it is not a presentation (python-pptx's own errors otherwise)."""
    package = _DeckPackage("")
    parts_rels, parts = _EntriesLoader(entries, package)._load()
    package._rels.load_from_xml(PACKAGE_URI, parts_rels, parts)
    part = package.main_document_part
    if part.content_type not in (CT.PML_PRESENTATION_MAIN, CT.PML_PRES_MACRO_MAIN):
        raise ValueError(f"not a PowerPoint file: the content type is {part.content_type}")
    return part.presentation


def set_core_properties(
    prs: PresentationType, *, title: str, subject: str, author: str, created: datetime
) -> None:
    """Write fixed document properties (no 'now'): dates from `created`, revision 1."""
    props = prs.core_properties
    props.title = title
    props.subject = subject
    props.author = author
    props.last_modified_by = author
    props.created = created
    props.modified = created
    props.last_printed = created
    props.revision = 1


def _normalize_xlsx(blob: bytes) -> bytes:
    """The embedded chart workbook with its creation dates and zip times fixed."""
    return _rezip(
        blob, lambda name, data: _fix_xlsx_core(data) if name == "docProps/core.xml" else data
    )


def _fix_xlsx_core(data: bytes) -> bytes:
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return _XLSX_CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(2), data)


def _write_entry(target: zipfile.ZipFile, name: str, data: bytes) -> None:
    entry = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o600 << 16
    target.writestr(entry, data)


def _rezip(blob: bytes, transform: Callable[[str, bytes], bytes]) -> bytes:
    """`blob` (a zip) rewritten entry by entry, in the same order, with fixed times."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(blob)) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            _write_entry(
                target, info.filename, transform(info.filename, source.read(info.filename))
            )
    return out.getvalue()


def _package_entry(name: str, data: bytes) -> bytes:
    return _normalize_xlsx(data) if name.endswith(".xlsx") else data


class _DeterministicWriter(PackageWriter):
    """python-pptx's package writer (same entries, same order) into a zip of fixed entries."""

    def __init__(self, target: zipfile.ZipFile, prs: PresentationType) -> None:
        package = prs.part.package
        super().__init__("", package._rels, tuple(package.iter_parts()))
        self._target = target

    def _write(self) -> None:
        self._write_content_types_stream(self)  # type: ignore[arg-type]
        self._write_pkg_rels(self)  # type: ignore[arg-type]
        self._write_parts(self)  # type: ignore[arg-type]

    def write(self, pack_uri: PackURI, blob: bytes) -> None:  # type: ignore[override]
        """Add one part (or rels item) as a fixed zip entry."""
        _write_entry(self._target, pack_uri.membername, _package_entry(pack_uri.membername, blob))


def save_deterministic(prs: PresentationType) -> bytes:
    """`prs` as .pptx bytes with fixed zip entries and workbook dates, each part compressed once."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        _DeterministicWriter(target, prs)._write()
    return out.getvalue()
