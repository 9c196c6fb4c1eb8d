"""Accuracy of `deckgen init` on the generated corpus: every required field right on every
fixture, and at least 90% of all fields right overall (bench/bench_init.py prints the figures)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from deckgen.propose import init_config
from tests.propose.corpus import CORPUS, Score, build, score

TODAY = date(2026, 12, 5)  # the corpus ends in October 2026
_SCORES: dict[str, Score] = {}


def test_the_corpus_has_at_least_fifteen_fixtures_of_every_kind() -> None:
    assert len(CORPUS) >= 15
    assert {spec.lang for spec in CORPUS} == {"en", "fa", "ar"}
    assert any(spec.form == "csv" for spec in CORPUS)
    assert any(spec.lines for spec in CORPUS) and any(spec.yearly for spec in CORPUS)
    assert any(spec.decimal_comma for spec in CORPUS) and any(spec.titles for spec in CORPUS)
    assert any("customers" not in spec.sheets for spec in CORPUS)  # orders-only exports
    assert {"%d/%m/%Y", "yyyymmdd"} <= {fmt for spec in CORPUS for fmt in spec.dates.values()}


@pytest.mark.parametrize("spec", CORPUS, ids=lambda spec: spec.name)
def test_every_required_field_is_right_and_the_proposal_validates(spec, tmp_path: Path) -> None:
    data = build(spec, tmp_path)
    output = tmp_path / "deckgen.toml"
    result = init_config(str(data), output, today=TODAY)
    result_score = score(spec, output.read_text(encoding="utf-8"))
    _SCORES[spec.name] = result_score
    wrong_required = [w for w in result_score.wrong if w.split(":")[0] in _required(spec)]
    assert result_score.required_right == result_score.required, wrong_required
    assert result.valid, result.summary()


def _required(spec) -> set[str]:
    from tests.propose.corpus import truth

    return {".".join(e.key) for e in truth(spec) if e.required}


def test_ninety_percent_of_all_fields_are_right(tmp_path: Path) -> None:
    missing = [spec for spec in CORPUS if spec.name not in _SCORES]
    for spec in missing:  # when run alone
        data = build(spec, tmp_path)
        output = tmp_path / f"{spec.name}.toml"
        init_config(str(data), output, today=TODAY)
        _SCORES[spec.name] = score(spec, output.read_text(encoding="utf-8"))
    right = sum(s.right for s in _SCORES.values())
    total = sum(s.total for s in _SCORES.values())
    assert right / total >= 0.9, [w for s in _SCORES.values() for w in s.wrong]
