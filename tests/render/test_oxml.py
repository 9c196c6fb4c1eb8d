"""deckgen.render.oxml: python-pptx's XPath compiled once and its tag names kept (issue 16)."""

from __future__ import annotations

import threading

import pptx.oxml.ns
import pptx.oxml.xmlchemy
from lxml import etree
from pptx import Presentation
from pptx.oxml.ns import _nsmap
from pptx.oxml.xmlchemy import BaseOxmlElement
from pptx.util import Emu

from deckgen.render import oxml


def _lxml_xpath(element: etree._Element, path: str) -> list:
    """What python-pptx's own `xpath` returns: lxml's, with its prefixes, compiled per call."""
    return etree._Element.xpath(element, path, namespaces=_nsmap)


def _slide_tree() -> etree._Element:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])  # title and content: two placeholders
    for n in range(3):
        slide.shapes.add_textbox(Emu(n), Emu(n), Emu(100), Emu(100)).name = f"Box {n}"
    return slide.shapes._spTree


def test_python_pptx_uses_the_compiled_xpath_and_the_kept_tag_names() -> None:
    assert BaseOxmlElement.xpath is oxml._xpath
    assert pptx.oxml.xmlchemy.qn is oxml.qn


def test_the_compiled_xpath_gives_what_lxml_gives() -> None:
    tree = _slide_tree()
    for path in (
        "//@id",  # the next free shape id: attribute values
        "./p:sp/p:nvSpPr/p:nvPr/p:ph",  # placeholders: elements
        "p:sp[p:nvSpPr/p:cNvPr[@name='Box 1']]",
        "count(p:sp)",  # a number
        "string(p:sp[last()]/p:nvSpPr/p:cNvPr/@name)",  # a string
        "p:nothing",  # no match
    ):
        ours, theirs = tree.xpath(path), _lxml_xpath(tree, path)
        assert ours == theirs, path
        assert type(ours) is type(theirs), path
    assert [str(v) for v in tree.xpath("//@id")] == ["1", "2", "3", "4", "5", "6"]
    assert tree.xpath("count(p:sp)") == 5.0


def test_python_pptx_finds_the_same_shapes_and_ids() -> None:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    assert [p.placeholder_format.idx for p in slide.placeholders] == [0, 1]
    box = slide.shapes.add_textbox(Emu(0), Emu(0), Emu(10), Emu(10))
    assert box.shape_id == 4  # the group's id 1, the two placeholders' 2 and 3
    assert box.text_frame.paragraphs[0].runs == ()


def test_a_compiled_expression_is_shared_by_threads() -> None:
    tree = _slide_tree()
    expected = _lxml_xpath(tree, "//@id")
    found: list[list] = []

    def work() -> None:
        found.extend(tree.xpath("//@id") for _ in range(200))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 800
    assert all(result == expected for result in found)


def test_a_bad_expression_is_refused_as_lxml_refuses_it() -> None:
    tree = _slide_tree()
    for call in (lambda: tree.xpath("p:sp["), lambda: _lxml_xpath(tree, "p:sp[")):
        try:
            call()
        except etree.XPathError:  # XPathSyntaxError and XPathEvalError both derive from it
            continue
        raise AssertionError("no error")


def test_a_python_pptx_whose_xpath_changed_keeps_its_own(monkeypatch) -> None:
    """Were python-pptx's `xpath` to take more than the expression (or its `qn` to move), the
    replacement would drop what it is given: then python-pptx's own are kept."""

    def xpath(self, xpath_str, **variables):  # a later python-pptx's, say
        return etree._Element.xpath(self, xpath_str, namespaces=_nsmap, **variables)

    monkeypatch.setattr(BaseOxmlElement, "xpath", xpath)
    monkeypatch.setattr(pptx.oxml.xmlchemy, "qn", pptx.oxml.ns.qn)
    assert oxml._install() is False
    assert BaseOxmlElement.xpath is xpath
    assert pptx.oxml.xmlchemy.qn is pptx.oxml.ns.qn
    tree = _slide_tree()
    ids = tree.xpath("//@*[name()=$name]", name="id")  # what the replacement would not take
    assert [str(v) for v in ids] == ["1", "2", "3", "4", "5", "6"]

    monkeypatch.setattr(pptx.oxml.xmlchemy, "qn", lambda tag: tag)  # qn no longer pptx's
    monkeypatch.setattr(BaseOxmlElement, "xpath", lambda self, xpath_str: [])
    assert oxml._install() is False
