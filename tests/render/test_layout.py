"""The grid: areas inside the content region, halves with a gutter, mirrored for RTL."""

from __future__ import annotations

from typing import get_args

from hypothesis import given
from hypothesis import strategies as st

from deckgen.model import Area
from deckgen.render.layout import (
    DESIGN_H,
    DESIGN_W,
    EMU_PER_INCH,
    Box,
    area_size_pt,
    grid_for,
)

AREAS = get_args(Area)
LTR = grid_for(DESIGN_W, DESIGN_H, "ltr")
RTL = grid_for(DESIGN_W, DESIGN_H, "rtl")


def test_content_region_and_margins() -> None:
    content = LTR.content
    assert content.x == round(0.55 * EMU_PER_INCH)
    assert content.right == DESIGN_W - content.x
    assert content.y == round(1.95 * EMU_PER_INCH)
    assert content.bottom == round(6.80 * EMU_PER_INCH)
    assert LTR.area("full") == content


def test_halves_split_the_content_with_a_gutter() -> None:
    left, right = LTR.area("left"), LTR.area("right")
    assert left.w == right.w
    assert right.x - left.right == LTR.gutter
    assert right.right == LTR.content.right
    top, bottom = LTR.area("top"), LTR.area("bottom")
    assert bottom.y - top.bottom == LTR.gutter
    assert bottom.bottom == LTR.content.bottom


def test_quarters() -> None:
    quarter = LTR.area("right_bottom")
    assert (quarter.x, quarter.w) == (LTR.area("right").x, LTR.area("right").w)
    assert (quarter.y, quarter.h) == (LTR.area("bottom").y, LTR.area("bottom").h)


def test_kpi_top_row_is_short() -> None:
    short = LTR.top_row_height(kpi_only=True)
    assert short == round(1.35 * EMU_PER_INCH)
    assert LTR.area("top", short).h == short
    assert LTR.area("bottom", short).y == LTR.content.y + short + LTR.gutter
    assert LTR.top_row_height(kpi_only=False) == LTR.area("top").h


@given(st.sampled_from(AREAS), st.booleans())
def test_rtl_mirrors_every_area(area: Area, kpi: bool) -> None:
    top = LTR.top_row_height(kpi)
    ltr, rtl = LTR.area(area, top), RTL.area(area, top)
    assert rtl.x == DESIGN_W - ltr.right
    assert (rtl.y, rtl.w, rtl.h) == (ltr.y, ltr.w, ltr.h)
    content = LTR.content
    assert content.x <= ltr.x and ltr.right <= content.right
    assert content.y <= ltr.y and ltr.bottom <= content.bottom


def test_footer_and_number_swap_sides_in_rtl() -> None:
    assert LTR.footer.x < LTR.slide_number.x
    assert RTL.footer.x > RTL.slide_number.x
    assert RTL.slide_number.x == DESIGN_W - LTR.slide_number.right


def test_grid_scales_to_a_4_3_slide() -> None:
    grid = grid_for(9144000, 6858000, "ltr")
    assert grid.content.right == 9144000 - grid.content.x
    assert grid.content.x == round(0.55 * EMU_PER_INCH * 0.75)


def test_box_helpers() -> None:
    box = Box(10, 20, 100, 50)
    assert box.mirrored(200) == Box(90, 20, 100, 50)
    head, rest = box.split_top(10, 5)
    assert head == Box(10, 20, 100, 10)
    assert rest == Box(10, 35, 100, 35)


def test_area_size_in_points_for_builders() -> None:
    width, height = area_size_pt("left")
    assert width == LTR.area("left").w / 12700
    assert height == LTR.area("left").h / 12700
