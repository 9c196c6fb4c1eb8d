from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from deckgen.errors import TemplateError
from deckgen.metrics.findings import Diagnostics, StageHealth
from deckgen.metrics.funnel import STAGES
from deckgen.model import ChartSpec, Slide, TableSpec, TextBlock
from deckgen.slides.context import SlideContext
from deckgen.slides.diagnostics import SHOWN, build_diagnostics_slides
from deckgen.wording import Wording, default_templates_dir


@pytest.fixture(scope="module")
def slide(sample_ctx: SlideContext) -> Slide:
    (built,) = build_diagnostics_slides(sample_ctx)
    return built


def test_table_and_chart_hold_each_stage_against_its_norm(
    slide: Slide, sample_ctx: SlideContext
) -> None:
    diagnostics = sample_ctx.metrics.diagnostics
    rated = [s for s in diagnostics.stages if s.conversion is not None]
    table, chart = slide.blocks[:2]
    assert isinstance(table, TableSpec) and isinstance(chart, ChartSpec)
    assert [row[0].text for row in table.rows] == [
        sample_ctx.label("stages", s.stage) for s in rated
    ]
    assert [[c.value for c in row[1:4]] for row in table.rows] == [
        [s.conversion, s.benchmark, s.index] for s in rated
    ]
    assert [row[4].text for row in table.rows] == [
        sample_ctx.label("health", s.status) for s in rated
    ]
    assert chart.series[0].values == tuple(s.index for s in rated)
    assert chart.highlight == [s.stage for s in rated].index(diagnostics.weakest)


def test_playbook_of_the_weakest_stage_on_the_slide_and_in_full_in_the_notes(
    slide: Slide, sample_ctx: SlideContext
) -> None:
    weakest = sample_ctx.metrics.diagnostics.weakest
    entry = sample_ctx.playbook[weakest]
    questions, strategies = slide.blocks[2:]
    assert isinstance(questions, TextBlock) and isinstance(strategies, TextBlock)
    assert [p.text for p in questions.paragraphs] == entry["questions"][:SHOWN]
    assert [p.text for p in strategies.paragraphs] == entry["strategies"][:SHOWN]
    assert questions.title == f"Questions to ask about {weakest}"
    for item in (*entry["questions"], *entry["strategies"]):
        assert item in slide.notes
    assert sample_ctx.definitions["stage-health"].text in slide.notes


def test_headline_names_the_stage_to_start_with(slide: Slide, sample_ctx: SlideContext) -> None:
    stages = sample_ctx.metrics.diagnostics.stages
    weakest = next(s for s in stages if s.stage == sample_ctx.metrics.diagnostics.weakest)
    assert weakest.status == "weak"
    assert slide.headline is not None
    assert slide.headline.startswith(f"Start with {weakest.stage}: it converts at ")
    assert sample_ctx.fmt(weakest.index, "percent") in slide.headline


def test_the_shipped_playbook_covers_every_stage() -> None:
    playbook = tomllib.loads((default_templates_dir() / "en" / "playbook.toml").read_text("utf-8"))
    assert set(playbook) == set(STAGES)
    for entry in playbook.values():
        assert entry["focus"].endswith("?")
        assert len(entry["questions"]) >= SHOWN and len(entry["strategies"]) >= SHOWN
        assert all(q.endswith("?") for q in entry["questions"])
        assert all(s.endswith(".") for s in entry["strategies"])


def test_a_playbook_without_the_stage_is_a_template_error(
    sample_ctx: SlideContext, tmp_path: Path
) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "playbook.toml").write_text('[reach]\nquestions = ["Why?"]\n', "utf-8")
    ctx = replace(sample_ctx, wording=Wording("en", tmp_path))
    with pytest.raises(TemplateError, match=r"playbook.toml has no \["):
        build_diagnostics_slides(ctx)


def _with_stages(
    ctx: SlideContext, stages: tuple[StageHealth, ...], weakest: str | None
) -> SlideContext:
    return replace(ctx, metrics=replace(ctx.metrics, diagnostics=Diagnostics(stages, weakest)))


def test_no_stage_with_a_conversion_no_slide(sample_ctx: SlideContext) -> None:
    ctx = _with_stages(sample_ctx, (StageHealth("reach", None, None, None, "unknown"),), None)
    assert build_diagnostics_slides(ctx) == ()


def test_headline_when_every_stage_is_near_its_norm(sample_ctx: SlideContext) -> None:
    stages = (
        StageHealth("conversion", 0.20, 0.20, 1.0, "steady"),
        StageHealth("retention", 0.38, 0.40, 0.95, "steady"),
    )
    (slide,) = build_diagnostics_slides(_with_stages(sample_ctx, stages, "retention"))
    assert slide.headline == (
        "Every stage converts within 10% of its 12-month norm or better; "
        "retention is the least strong, at 95.0%"
    )
    assert len(slide.blocks) == 4


def test_without_norms_the_table_takes_the_left_half(sample_ctx: SlideContext) -> None:
    stages = (StageHealth("loyalty", 0.30, None, None, "unknown"),)
    (slide,) = build_diagnostics_slides(_with_stages(sample_ctx, stages, "loyalty"))
    assert [b.area for b in slide.blocks] == ["left", "right_top", "right_bottom"]
    assert slide.headline == (
        "No stage has 12 months of history to judge it by yet; loyalty converts least, at 30.0%"
    )
