from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from deckgen.config import Settings
from deckgen.errors import TemplateError
from deckgen.metrics.findings import Diagnostics, StageHealth
from deckgen.metrics.funnel import STAGES
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.model import ChartSpec, Slide, TableSpec, TextBlock
from deckgen.narrative.outline import DropReason
from deckgen.narrative.playbook import available, playbook_entry
from deckgen.slides.context import SlideContext
from deckgen.slides.deck import kind_context
from deckgen.slides.diagnostics import SHOWN
from deckgen.slides.registry import SlideKind, entry_of
from deckgen.wording import Wording, default_templates_dir
from tests.narrative.sparse import sparse_metrics
from tests.slides.conftest import build, one_slide

DIAGNOSTICS = SlideKind.DIAGNOSTICS


@pytest.fixture(scope="module")
def slide(sample_metrics: LifecycleMetrics) -> Slide:
    return one_slide(DIAGNOSTICS, sample_metrics)


def _focus(metrics: LifecycleMetrics) -> StageHealth:
    return min(
        (s for s in metrics.diagnostics.stages if s.index is not None), key=lambda s: s.index
    )


def test_table_and_chart_hold_each_stage_against_its_norm(
    slide: Slide, sample_ctx: SlideContext, sample_metrics: LifecycleMetrics
) -> None:
    diagnostics = sample_metrics.diagnostics
    judged = [s for s in diagnostics.stages if s.conversion is not None]
    rated = [s for s in judged if s.index is not None]
    table, chart = slide.blocks[:2]
    assert isinstance(table, TableSpec) and isinstance(chart, ChartSpec)
    assert [row[0].text for row in table.rows] == [
        sample_ctx.label("stages", s.stage) for s in judged
    ]
    assert [[c.value for c in row[1:4]] for row in table.rows] == [
        [s.conversion, s.benchmark, s.index] for s in judged
    ]
    assert [row[4].text for row in table.rows] == [
        sample_ctx.label("health", s.status) for s in judged
    ]
    assert chart.series[0].values == tuple(s.index for s in rated)
    assert chart.highlight == rated.index(_focus(sample_metrics))


def test_playbook_of_the_weakest_stage_on_the_slide_and_in_full_in_the_notes(
    slide: Slide, sample_ctx: SlideContext, sample_metrics: LifecycleMetrics
) -> None:
    stage = _focus(sample_metrics).stage
    entry = playbook_entry(sample_ctx.playbook, stage, available(sample_metrics), "en")
    questions, strategies = slide.blocks[2:]
    assert isinstance(questions, TextBlock) and isinstance(strategies, TextBlock)
    assert [p.text for p in questions.paragraphs] == [a.text for a in entry.questions[:SHOWN]]
    assert [p.text for p in strategies.paragraphs] == [a.text for a in entry.strategies[:SHOWN]]
    assert questions.title == f"Questions to ask about {stage}"
    for item in (*entry.questions, *entry.strategies):
        assert item.text in slide.notes
    assert sample_ctx.definitions["stage-health"].text in slide.notes


def test_the_title_names_the_stage_to_start_with(
    slide: Slide, sample_ctx: SlideContext, sample_metrics: LifecycleMetrics
) -> None:
    weakest = _focus(sample_metrics)
    assert weakest.status == "weak"
    assert slide.title.startswith(f"Start with {weakest.stage}: it converts at ")
    assert sample_ctx.fmt(weakest.index, "percent") in slide.title
    assert slide.tracker == "Where to act"


def test_the_shipped_playbook_covers_every_stage() -> None:
    playbook = tomllib.loads((default_templates_dir() / "en" / "playbook.toml").read_text("utf-8"))
    assert set(playbook) == set(STAGES)

    def text(item: object) -> str:
        return item["text"] if isinstance(item, dict) else item  # type: ignore[index]

    for entry in playbook.values():
        assert entry["focus"].endswith("?")
        assert len(entry["questions"]) >= SHOWN and len(entry["strategies"]) >= SHOWN
        assert all(text(q).endswith("?") for q in entry["questions"])
        assert all(text(s).endswith(".") for s in entry["strategies"])


def test_a_playbook_without_the_stage_is_a_template_error(
    sample_metrics: LifecycleMetrics, tmp_path: Path
) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "playbook.toml").write_text('[reach]\nquestions = ["Why?"]\n', "utf-8")
    ctx = kind_context(entry_of(DIAGNOSTICS), sample_metrics, Settings(), Wording("en", tmp_path))
    with pytest.raises(TemplateError, match=r"playbook.toml has no \["):
        entry_of(DIAGNOSTICS).build(ctx)


def _with_stages(metrics: LifecycleMetrics, stages: tuple[StageHealth, ...]) -> LifecycleMetrics:
    """`metrics` with these stage healths; the sample's stages all rest on enough cases, so the
    one to work on first is the lowest against its norm."""
    rated = [s for s in stages if s.index is not None]
    weakest = min(rated, key=lambda s: (s.index, s.stage)).stage if rated else None
    return replace(metrics, diagnostics=Diagnostics(stages, weakest))


def test_no_stage_with_a_norm_no_slide(sample_metrics: LifecycleMetrics) -> None:
    stages = (
        StageHealth("reach", None, None, None, "unknown"),
        StageHealth("loyalty", 0.30, None, None, "unknown"),
    )
    built = build(DIAGNOSTICS, _with_stages(sample_metrics, stages), check=False)
    assert built.slides == ()
    assert [d.reason for d in built.dropped] == [DropReason.NO_NORM]


def test_the_title_when_every_stage_is_near_its_norm(sample_metrics: LifecycleMetrics) -> None:
    stages = (
        StageHealth("conversion", 0.20, 0.20, 1.0, "steady"),
        StageHealth("retention", 0.38, 0.40, 0.95, "steady"),
    )
    slide = build(DIAGNOSTICS, _with_stages(sample_metrics, stages), check=False).slides[0]
    # Conversion's norm rests on 12 months, retention's on 9 (the sample's 14 months).
    assert slide.title == (
        "Every stage with a norm converts above 90% of it; retention is closest to "
        "falling below, at 95.0%"
    )
    assert len(slide.blocks) == 4


def test_the_chart_source_names_the_sheets_its_stages_are_counted_from(slide: Slide) -> None:
    (chart,) = [b for b in slide.blocks if isinstance(b, ChartSpec)]
    assert chart.source == "Source: channels, leads, orders, and loyalty sheets, Oct 2025–Oct 2026"
    # Orders only: retention and loyalty (the frequent buyers) are counted from the orders;
    # their norms rest on the 9 months from January 2026 that have a cohort (the sample's 14
    # months of orders less the 4 a cohort needs), and the line starts there.
    (sparse,) = build(DIAGNOSTICS, sparse_metrics("orders_only")).slides
    (chart,) = [b for b in sparse.blocks if isinstance(b, ChartSpec)]
    assert chart.source == "Source: orders sheet, Jan 2026–Oct 2026"
