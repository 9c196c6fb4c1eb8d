"""The full text of a deck model as plain lines: what the golden files hold.

Every slide's tracker, title, headline, blocks (text, KPI cards, chart titles, categories,
series and values, source lines, tables cell by cell) and speaker notes, in slide order.
"""

from __future__ import annotations

from deckgen.model import (
    ChartSpec,
    Deck,
    FunnelSpec,
    KpiStrip,
    ScatterSpec,
    Slide,
    TableSpec,
    TextBlock,
)


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.6g}"


def _block(block: object) -> list[str]:
    lines: list[str] = []
    title = getattr(block, "title", None)
    kind = type(block).__name__
    lines.append(f"  [{kind} {getattr(block, 'area', '')}]" + (f" {title}" if title else ""))
    if isinstance(block, TextBlock):
        lines += [
            f"    {'  ' * p.level}- {p.text}" + (" (bold)" if p.bold else "")
            for p in block.paragraphs
        ]
    elif isinstance(block, KpiStrip):
        for kpi in block.kpis:
            delta = f" | {kpi.delta} ({kpi.tone})" if kpi.delta else ""
            lines.append(f"    {kpi.label}: {kpi.value}{delta}")
    elif isinstance(block, ChartSpec):
        lines.append(f"    {block.kind}: " + " | ".join(block.categories))
        for series in block.series:
            values = ", ".join(_number(v) for v in series.values)
            lines.append(f"    {series.name} ({series.value_kind}, {series.plot}): {values}")
        for axis in (block.value_axis_title, block.secondary_axis_title):
            if axis:
                lines.append(f"    axis: {axis}")
    elif isinstance(block, ScatterSpec):
        lines.append(f"    x: {block.x_title}; y: {block.y_title}")
        if block.quadrant_labels:
            lines.append("    quadrants: " + " | ".join(block.quadrant_labels))
        lines += [f"    {s.name}: {len(s.xs)} points" for s in block.series]
    elif isinstance(block, FunnelSpec):
        for stage in block.stages:
            beside = f" ({stage.conversion_text})" if stage.conversion_text else ""
            lines.append(f"    {stage.label}: {stage.value_text}{beside}")
    elif isinstance(block, TableSpec):
        lines.append("    | " + " | ".join(c.header for c in block.columns) + " |")
        lines += ["    | " + " | ".join(c.text for c in row) + " |" for row in block.rows]
    source = getattr(block, "source", None)
    if source:
        lines.append(f"    source: {source}")
    return lines


def slide_text(number: int, slide: Slide) -> list[str]:
    """The lines of one slide."""
    lines = [f"=== slide {number}: {slide.kind} ==="]
    if slide.tracker:
        lines.append(f"tracker: {slide.tracker}")
    lines.append(f"title: {slide.title}")
    if slide.subtitle:
        lines.append(f"subtitle: {slide.subtitle}")
    if slide.headline:
        lines.append(f"headline: {slide.headline}")
    for block in slide.blocks:
        lines += _block(block)
    lines.append("notes:")
    lines += [f"  {line}" for line in slide.notes.split("\n")]
    return lines


def deck_text(deck: Deck) -> str:
    """The deck's full text, one slide after another."""
    lines = [
        f"deck: {deck.title} | {deck.client} | {deck.period_label} | {deck.lang}",
        f"footer: {deck.footer}",
        "",
    ]
    for number, slide in enumerate(deck.slides, start=1):
        lines += [*slide_text(number, slide), ""]
    return "\n".join(lines)
