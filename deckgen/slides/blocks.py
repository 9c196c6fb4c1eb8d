"""Small pieces several slide builders share: KPI cards, cells, paragraphs, table pages, charts
that say so when they would show nothing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from deckgen.metrics.common import Change
from deckgen.model import (
    Cell,
    ChartSpec,
    Kpi,
    Paragraph,
    TableSpec,
    TextBlock,
    Tone,
    ValueKind,
)
from deckgen.narrative.claims import Claim
from deckgen.narrative.common import DeltaUnit, KpiDelta, NoSignal, Source
from deckgen.narrative.segmentation import Windowed, tell_window_label
from deckgen.narrative.signal import chart_signal
from deckgen.narrative.told import Told
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
    label: str,
    change: Change | None,
    value_kind: ValueKind,
    *,
    good_when_up: bool = True,
    unit: DeltaUnit = DeltaUnit.NONE,
    key: str | None = None,
) -> Kpi:
    """A KPI card for `change`: its current value, and its change against the month before;
    `key` names the figure (Kpi.key)."""
    value = None if change is None else change.current
    delta = ctx.change(change, value_kind)
    delta_text = (
        None
        if delta is None
        else ctx.shared("kpi_delta", KpiDelta(delta, ctx.period.previous(), unit))
    )
    return Kpi(label, ctx.fmt(value, value_kind), delta_text, tone(change, good_when_up), key)


# Each windowed figure's label in labels.toml, true when the orders cover all 12 months.
_FULL_WINDOW_LABELS = {
    Windowed.REPEAT_RATE: ("loyalty", "repeat_rate_12m"),
    Windowed.REVENUE_SHARE: ("segmentation", "revenue_share"),
    Windowed.REVENUE_PER_CUSTOMER: ("segmentation", "revenue_per_customer_12m"),
    Windowed.INTEREST_SPEND: ("segmentation", "interest_spend"),
}


def window_label(ctx: SlideContext, figure: Windowed, full: str | None = None) -> str:
    """The label of a trailing-12-month figure: naming the months the orders cover when fewer
    than 12 (the shared window_label block), else `full` or its "12 m" label in labels.toml."""
    said = tell_window_label(figure, ctx.order_history)
    if said is not None:
        return ctx.shared("window_label", said)
    return full if full is not None else ctx.label(*_FULL_WINDOW_LABELS[figure])


def segments_withheld(ctx: SlideContext, title: str) -> TextBlock:
    """In place of a breakdown by RFM segment titled `title`, the sentence saying why there is
    none: as on the RFM slide, no segment is named while lapsing cannot be judged."""
    sentence = ctx.shared("segments_withheld")
    return TextBlock(paragraphs(sentence), area="right_bottom", style="body", title=title)


def cell(ctx: SlideContext, value: float | None, kind: ValueKind) -> Cell:
    """A table cell showing `value` formatted as `kind`."""
    return Cell(ctx.fmt(value, kind), value)


def table_pages(spec: TableSpec) -> list[TableSpec]:
    """`spec` split into the tables that fit its area, the first keeping its title."""
    pages = paginate_table(spec, TABLE_FAMILY)
    return [pages[0], *(replace(page, title=None) for page in pages[1:])]


def balanced_table_pages(spec: TableSpec) -> list[TableSpec]:
    """`spec` split into as few tables as `table_pages` makes, with the rows spread evenly over
    them (no last page of one row), unless an even page would not fit its area."""
    pages = table_pages(spec)
    count = len(pages)
    if count == 1:
        return pages
    size = -(-len(spec.rows) // count)
    even = [
        replace(spec.rows_between(k, k + size), title=spec.title if k == 0 else None)
        for k in range(0, len(spec.rows), size)
    ]
    if len(even) != count or any(len(table_pages(page)) > 1 for page in even):
        return pages
    return even


def sourced(ctx: SlideContext, chart: Any, source: Told[Source]) -> Any:
    """`chart` (a ChartSpec, ScatterSpec or FunnelSpec) with its source line."""
    return replace(chart, source=ctx.shared("source", source))


def chart_or_note(
    ctx: SlideContext,
    chart: ChartSpec,
    source: Told[Source],
    evidence: tuple[Claim, ...] = (),
    *,
    trend: bool = False,
) -> ChartSpec | TextBlock:
    """The chart with its source line, or, when it would show nothing (all zero, one group,
    too few months of a `trend`), one sentence saying so in its place; `evidence` claims why."""
    reason = chart_signal(chart, trend)
    if reason is None:
        return sourced(ctx, chart, source)
    ctx.note_claims(evidence)
    sentence = ctx.shared("no_signal", NoSignal(reason, chart.title))
    return TextBlock((Paragraph(sentence),), area=chart.area, style="body", title=chart.title)
