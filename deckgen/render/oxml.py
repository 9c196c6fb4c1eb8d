"""Creating DrawingML/chart XML elements with python-pptx's element classes."""

from __future__ import annotations

from lxml import etree
from pptx.oxml.xmlchemy import OxmlElement


def element(tag: str, **attrs: str) -> etree._Element:
    """A new element `tag` ("a:ln", "c:idx", ...) with attributes, as python-pptx would make it."""
    node = OxmlElement(tag)
    for key, value in attrs.items():
        node.set(key, value)
    return node


def child(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    """A new element `tag` appended to `parent`."""
    node = element(tag, **attrs)
    parent.append(node)
    return node
