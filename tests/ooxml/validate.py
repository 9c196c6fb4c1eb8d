"""Validate every XML part of a .pptx against the ECMA-376 / ISO/IEC 29500 transitional schemas.

The nearest check for PowerPoint's "found a problem ... Repair" prompt without PowerPoint
(python-pptx #87, #862, #896). The schemas under schemas/ are vendored unmodified (see
schemas/README.md); one driver schema imports the namespace of every root element a deck has,
and the remote Dublin Core and xml: imports resolve to the vendored copies.
"""

from __future__ import annotations

import io
import zipfile
from functools import cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).parent / "schemas"
# Root namespaces of the parts a deck holds, and the schema that declares each.
ROOT_SCHEMAS = {
    "http://schemas.openxmlformats.org/presentationml/2006/main": "pml.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "dml-main.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "dml-chart.xsd",
    "http://schemas.openxmlformats.org/package/2006/content-types": "opc-contentTypes.xsd",
    "http://schemas.openxmlformats.org/package/2006/relationships": "opc-relationships.xsd",
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties": (
        "opc-coreProperties.xsd"
    ),
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties": (
        "shared-documentPropertiesExtended.xsd"
    ),
    "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties": (
        "shared-documentPropertiesCustom.xsd"
    ),
}
# Imports the schemas make by URL, served from the vendored copies (no network in tests).
_REMOTE = {
    "http://dublincore.org/schemas/xmls/qdc/2003/04/02/dc.xsd": "dc.xsd",
    "http://dublincore.org/schemas/xmls/qdc/2003/04/02/dcterms.xsd": "dcterms.xsd",
    "http://dublincore.org/schemas/xmls/qdc/2003/04/02/dcmitype.xsd": "dcmitype.xsd",
    "http://www.w3.org/2001/03/xml.xsd": "xml.xsd",
    "http://www.w3.org/2001/xml.xsd": "xml.xsd",
}


class _Vendored(etree.Resolver):
    """Resolves the schemas' remote imports to the files under schemas/."""

    def resolve(self, url, id, context):
        name = _REMOTE.get(url)
        if name is None:
            return None
        return self.resolve_filename(str(SCHEMAS / name), context)


@cache
def ooxml_schema() -> etree.XMLSchema:
    """One compiled schema accepting any root element of ROOT_SCHEMAS' namespaces."""
    imports = "".join(
        f'<xs:import namespace="{namespace}" schemaLocation="{(SCHEMAS / name).as_uri()}"/>'
        for namespace, name in ROOT_SCHEMAS.items()
    )
    driver = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_Vendored())
    return etree.XMLSchema(etree.fromstring(driver.encode(), parser, base_url=SCHEMAS.as_uri()))


def xml_parts(pptx: bytes) -> dict[str, bytes]:
    """Every XML part of the package (and its relationship parts), by part name."""
    with zipfile.ZipFile(io.BytesIO(pptx)) as package:
        return {
            name: package.read(name)
            for name in package.namelist()
            if name.endswith((".xml", ".rels"))
        }


def schema_errors(pptx: bytes) -> list[str]:
    """One line per schema violation in any XML part of `pptx` ("part:line: message")."""
    schema = ooxml_schema()
    errors: list[str] = []
    for name, data in xml_parts(pptx).items():
        root = etree.fromstring(data)
        namespace = etree.QName(root).namespace
        if namespace not in ROOT_SCHEMAS:
            errors.append(f"{name}: no schema for a <{etree.QName(root).localname}> root")
            continue
        if not schema.validate(root):
            errors += [f"{name}:{e.line}: {e.message}" for e in schema.error_log]
    return errors
