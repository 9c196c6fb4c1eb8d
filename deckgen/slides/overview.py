"""The opening slides: the cover, the executive summary and the agenda."""

from __future__ import annotations

from deckgen.metrics.common import Change
from deckgen.model import (
    Cell,
    Kpi,
    KpiStrip,
    Paragraph,
    TableColumn,
    TableSpec,
    TextBlock,
    ValueKind,
)
from deckgen.narrative.claims import Fig, states
from deckgen.narrative.outline import Built
from deckgen.narrative.overview import (
    AgendaRow,
    Focus,
    KpiLabel,
    NextStep,
    SummaryNotes,
    tell_cover,
    tell_finding,
    tell_summary_headline,
    weakest_stage,
)
from deckgen.narrative.plain import fields_of
from deckgen.narrative.playbook import available, need_claims, playbook_entry
from deckgen.narrative.segmentation import Windowed
from deckgen.narrative.signal import thin
from deckgen.narrative.told import told
from deckgen.slides.blocks import change_kpi, window_label
from deckgen.slides.context import SlideContext

TOP_FINDINGS = 5
# The summary's KPIs whose definitions its notes quote: docs/metrics.md anchor -> figure.
_KPI_ANCHORS = {"repeat-rate-12m": "repeat_rate", "nps": "nps"}


def deck_title(ctx: SlideContext) -> str:
    """The deck's title (its document property), from the cover's template."""
    return ctx.wording.render_block("slides/title.j2", "title")


def deck_footer(ctx: SlideContext) -> str:
    """The footer on every slide but the cover."""
    cover = tell_cover(ctx.metrics, ctx.settings.client, ctx.action_titles).context
    return ctx.wording.render_block("slides/title.j2", "footer", **fields_of(cover))


def build_title(ctx: SlideContext) -> Built:
    """The cover (the renderer adds the client and the month under the subtitle)."""
    cover = tell_cover(ctx.metrics, ctx.settings.client, ctx.action_titles)
    return Built((ctx.cover_slide(cover),))


def build_summary(ctx: SlideContext) -> Built:
    """The summary slide: KPIs, the top findings and the first move (other findings: notes)."""
    m = ctx.metrics
    findings = [tell_finding(f, m) for f in m.findings]
    shown, rest = findings[:TOP_FINDINGS], findings[TOP_FINDINGS:]
    sentences = [Paragraph(ctx.say("finding", f)) for f in shown]
    headline = tell_summary_headline(m)
    weak = weakest_stage(m)
    if headline.context.focus == Focus.WEAK_STAGE and weak is not None:
        entry = playbook_entry(ctx.playbook, weak.stage, available(m), ctx.lang)
        first = entry.strategies[0]
        step = told(NextStep(weak.stage, first.text), need_claims(first))
        sentences.append(Paragraph(ctx.say("next_step", step), bold=True))
    kpis = _kpis(ctx)
    blocks: list[KpiStrip | TextBlock] = [KpiStrip(tuple(k for k, _ in kpis), area="top")]
    if sentences:
        blocks.append(
            TextBlock(
                tuple(sentences),
                area="bottom",
                style="bullets",
                title=ctx.label("summary", "findings"),
            )
        )
    more = tuple(ctx.say("finding", f) for f in rest)
    figures = {name for _, name in kpis}
    notes = SummaryNotes(m.period, m.period.previous(), len(shown), more, "nps" in figures)
    # The notes define the KPI strip's rates only when it shows them.
    cites = tuple(a for a in ctx.cites if a not in _KPI_ANCHORS or _KPI_ANCHORS[a] in figures)
    finding = ctx.say("headline", headline)
    return Built((ctx.slide(tuple(blocks), finding=finding, notes=notes, cites=cites),))


def _kpis(ctx: SlideContext) -> tuple[tuple[Kpi, str], ...]:
    """Revenue, active and new customers, repeat rate and NPS (with its n when thin), each
    with the name of its figure."""
    m = ctx.metrics
    figures: list[tuple[str, Change | None, ValueKind, int | None]] = [
        ("revenue", m.segmentation.revenue, "money", None),
        ("active_customers", m.loyalty.active, "count", None),
        ("new_customers", m.loyalty.new, "count", None),
    ]
    if m.loyalty.repeat_rate_12m is not None:
        figures.append(("repeat_rate", m.loyalty.repeat_rate_12m, "percent", None))
    sat = m.satisfaction
    if sat is not None and sat.nps_change is not None:
        n = sat.nps.n
        figures.append(("nps", sat.nps_change, "score", n if thin(n) else None))
        if thin(n):
            ctx.note_claims((states("NPS answers", n, Fig("satisfaction.nps.n")),))
    return tuple(
        (change_kpi(ctx, _kpi_label(ctx, name, n), change, kind, key=name), name)
        for name, change, kind, n in figures
    )


def _kpi_label(ctx: SlideContext, name: str, n: int | None) -> str:
    """A summary KPI's label; the repeat rate's names the months the orders cover when fewer
    than its 12."""
    label = ctx.say("kpi_label", KpiLabel(name, n))
    return window_label(ctx, Windowed.REPEAT_RATE, label) if name == "repeat_rate" else label


def build_agenda(ctx: SlideContext) -> Built:
    """One slide listing the deck's sections, what each answers and where it starts."""
    outline = ctx.outline
    assert outline is not None
    rows = [s for s in outline.sections if s.section not in ("summary",)]
    table = TableSpec(
        columns=(
            TableColumn(ctx.label("agenda", "number"), "end", 0.35),
            TableColumn(ctx.label("agenda", "section"), width=1.6),
            TableColumn(ctx.label("agenda", "question"), width=4.0),
            TableColumn(ctx.label("agenda", "slides"), "end", 0.9),
        ),
        rows=tuple(
            (
                Cell(ctx.fmt(number, "count"), number),
                Cell(ctx.label("sections", row.section)),
                Cell(ctx.say("question", AgendaRow(row.section, row.first, row.last))),
                Cell(ctx.say("pages", AgendaRow(row.section, row.first, row.last))),
            )
            for number, row in enumerate(rows, start=1)
        ),
        row_keys=tuple(row.section for row in rows),
        area="full",
        font_size=14,
    )
    return Built((ctx.slide((table,), finding=None),))
