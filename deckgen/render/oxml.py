"""Creating DrawingML/chart XML elements with python-pptx's element classes."""

from __future__ import annotations

from functools import cache

from lxml import etree
from pptx.oxml.ns import qn as pptx_qn
from pptx.oxml.xmlchemy import OxmlElement


@cache
def qn(tag: str) -> str:
    """The Clark name ("{uri}r") of a prefixed tag ("a:r"), as python-pptx's `qn` gives it.

    Kept per tag: python-pptx builds it anew on every call, some 100,000 calls a deck.
    """
    return pptx_qn(tag)


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
