"""Funnels from shapes: bar widths in stage order, the leak highlighted, RTL mirrored."""

from __future__ import annotations

from pptx.oxml.ns import qn

from deckgen.model import FunnelSpec, FunnelStage
from deckgen.render.funnel import bar_shares, draw_funnel
from deckgen.render.layout import Box
from tests.render.conftest import make_canvas

BOX = Box(457200, 1783080, 5600000, 4400000)
SPEC = FunnelSpec(
    stages=(
        FunnelStage("Reach", 1000.0, "1,000"),
        FunnelStage("Acquisition", 500.0, "500", "50.0% convert"),
        FunnelStage("Conversion", 100.0, "100", "20.0% convert"),
        FunnelStage("Retention", 0.0, "0", "0.0% convert"),
    ),
    highlight=2,
)


def _named(slide, name: str) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [s for s in slide.shapes if s.name == name]


def _fill(shape) -> str:  # type: ignore[no-untyped-def]
    return shape._element.find(".//" + qn("a:solidFill") + "/" + qn("a:srgbClr")).get("val")


def test_bar_shares_keep_the_order_and_a_floor() -> None:
    assert bar_shares(SPEC) == [1.0, 0.3 + 0.7 * 0.5, 0.3 + 0.7 * 0.1, 0.3]


def test_funnel_shapes_texts_and_highlight() -> None:
    slide, ctx = make_canvas("en")
    draw_funnel(slide, SPEC, BOX, ctx)
    bars = _named(slide, "Funnel Stage")
    assert [b.width for b in bars] == sorted((b.width for b in bars), reverse=True)
    centres = {b.left + b.width // 2 for b in bars}
    assert max(centres) - min(centres) <= 1  # centred on one axis
    assert [_fill(b) for b in bars] == [ctx.hex("primary")] * 2 + [ctx.hex("accent")] + [
        ctx.hex("primary")
    ]
    assert [s.text_frame.text for s in _named(slide, "Funnel Value")] == [
        "1,000",
        "500",
        "100",
        "0",
    ]
    conversions = _named(slide, "Funnel Conversion")
    assert [s.text_frame.text for s in conversions] == [
        "50.0% convert",
        "20.0% convert",
        "0.0% convert",
    ]
    leak = conversions[1].text_frame.paragraphs[0].runs[0].font
    assert leak.bold and str(leak.color.rgb) == "C8102E"
    assert len(_named(slide, "Funnel Step")) == 3
    for shape in (s for s in slide.shapes if s.name.startswith("Funnel")):
        assert BOX.x <= shape.left and shape.left + shape.width <= BOX.right


def test_rtl_funnel_puts_labels_on_the_right() -> None:
    ltr_slide, ltr = make_canvas("en")
    rtl_slide, rtl = make_canvas("fa")
    draw_funnel(ltr_slide, SPEC, BOX, ltr)
    draw_funnel(rtl_slide, SPEC, BOX, rtl)
    for name in ("Funnel Label", "Funnel Conversion", "Funnel Stage"):
        for a, b in zip(_named(ltr_slide, name), _named(rtl_slide, name), strict=True):
            assert b.left == BOX.x + BOX.right - (a.left + a.width)
    label = _named(rtl_slide, "Funnel Label")[0]
    assert label.left > BOX.x + BOX.w // 2
