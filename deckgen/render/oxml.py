"""Creating DrawingML/chart XML elements with python-pptx's element classes; python-pptx's own
lookups of elements made cheaper (same results)."""

from __future__ import annotations

import inspect
from functools import cache, lru_cache
from typing import Any

import pptx.oxml.xmlchemy
from lxml import etree
from pptx.oxml.ns import _nsmap
from pptx.oxml.ns import qn as pptx_qn
from pptx.oxml.xmlchemy import BaseOxmlElement, OxmlElement


@cache
def qn(tag: str) -> str:
    """The Clark name ("{uri}r") of a prefixed tag ("a:r"), as python-pptx's `qn` gives it.

    Kept per tag: python-pptx builds it anew on every call, some 100,000 calls a deck.
    """
    return pptx_qn(tag)


@lru_cache(maxsize=1024)  # a few expressions are built per point index: bounded
def _compiled(path: str) -> etree.XPath:
    """XPath `path` compiled with python-pptx's namespace prefixes (an evaluator is thread-safe:
    lxml locks it while it runs)."""
    return etree.XPath(path, namespaces=_nsmap)


def _xpath(self: BaseOxmlElement, xpath_str: str) -> Any:
    """python-pptx's `BaseOxmlElement.xpath`, each expression compiled once."""
    return _compiled(xpath_str)(self)


# Two costs python-pptx pays on every call, paid once here for the same results (issue 16; the
# sample deck's render: 0.6 s of CPU, 85 ms less with the first, 25 ms with the second):
# - its XPath goes through lxml's `_Element.xpath`, which compiles the expression anew each
#   time: some 4,000 calls a deck (is a shape a placeholder, the next free shape id);
# - its element classes find children by `qn(tag)`, built anew in some 40,000 calls a deck.
def _install() -> bool:
    """Put both in python-pptx when what they replace is what they were checked against: its
    `xpath(self, xpath_str)` and its module global `qn`. A python-pptx that changed either (an
    `xpath` taking more arguments, say) keeps its own, slower but never wrong."""
    original = BaseOxmlElement.__dict__.get("xpath")
    if original is _xpath:
        return True
    if original is None or list(inspect.signature(original).parameters) != ["self", "xpath_str"]:
        return False
    if getattr(pptx.oxml.xmlchemy, "qn", None) is not pptx_qn:
        return False
    BaseOxmlElement.xpath = _xpath  # type: ignore[method-assign]
    pptx.oxml.xmlchemy.qn = qn  # type: ignore[assignment]  # a module global its methods look up
    return True


_install()


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
