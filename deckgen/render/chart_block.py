"""A chart block: its legend and quadrant labels as slide shapes, the chart native or a picture.

Both chart modes get the same box for the chart itself and the same shapes around it, so an
image-chart deck (`--charts image`) looks like the native one.
"""

from __future__ import annotations

from pptx.slide import Slide as PptxSlide

from deckgen.model import ChartSpec, ScatterSpec
from deckgen.render.charts import draw_chart, draw_quadrant_labels, draw_scatter, number_axes
from deckgen.render.context import RenderContext
from deckgen.render.layout import Box
from deckgen.render.legend import draw_legend


def draw_chart_block(
    slide: PptxSlide, spec: ChartSpec | ScatterSpec, box: Box, ctx: RenderContext
) -> None:
    """The chart of `spec` in `box`, with its legend under it and a scatter's quadrant labels."""
    box = draw_legend(slide, spec, box, ctx)
    if ctx.charts == "image":
        from deckgen.render.image_charts import draw_chart_image  # matplotlib: only when asked

        draw_chart_image(slide, spec, box, ctx)
    elif isinstance(spec, ChartSpec):
        number_axes(draw_chart(slide, spec, box, ctx).chart)
    else:
        number_axes(draw_scatter(slide, spec, box, ctx).chart)
    if isinstance(spec, ScatterSpec):
        draw_quadrant_labels(slide, spec, box, ctx)
