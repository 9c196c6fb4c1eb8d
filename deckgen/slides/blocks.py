"""Small pieces several slide builders share: KPI cards, cells, paragraphs, table pages."""

from __future__ import annotations

from dataclasses import replace

from deckgen.metrics.common import Change
from deckgen.model import Cell, Kpi, Paragraph, TableSpec, Tone, ValueKind
from deckgen.render.table_fit import paginate_table
from deckgen.slides.context import SlideContext

# The deck's body font on the default template; table pages are measured with its metrics.
TABLE_FAMILY = "Calibri"


def paragraphs(text: str, *, level: int = 0, bold: bool = False) -> tuple[Paragraph, ...]:
    """One Paragraph per line of rendered template text."""
    return tuple(Paragraph(line, level=level, bold=bold) for line in text.split("\n") if line)


def tone(change: Change | None, good_when_up: bool = True) -> Tone:
    """good when the figure moved the desired way, bad when the other, neutral when flat."""
    delta = None if change is None else change.delta
    if not delta:
        return "neutral"
    return "good" if (delta > 0) == good_when_up else "bad"


def change_kpi(
    ctx: SlideContext,
    kind: str,
    label: str,
    change: Change | None,
    value_kind: ValueKind,
    *,
    good_when_up: bool = True,
    delta_block: str = "kpi_delta",
) -> Kpi:
    """A KPI card for `change`: its current value and its change worded by `kind`'s template
    (block `delta_block`, e.g. one that names the unit)."""
    value = None if change is None else change.current
    delta = ctx.change(change, value_kind)
    delta_text = None if delta is None else ctx.text(kind, delta_block, delta=delta)
    return Kpi(label, ctx.fmt(value, value_kind), delta_text, tone(change, good_when_up))


def cell(ctx: SlideContext, value: float | None, kind: ValueKind) -> Cell:
    """A table cell showing `value` formatted as `kind`."""
    return Cell(ctx.fmt(value, kind), value)


def table_pages(spec: TableSpec) -> list[TableSpec]:
    """`spec` split into the tables that fit its area, the first keeping its title."""
    pages = paginate_table(spec, TABLE_FAMILY)
    return [pages[0], *(replace(page, title=None) for page in pages[1:])]
