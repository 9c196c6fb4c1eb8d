"""Claims read figures by path and hold or fail on hand-made results."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from deckgen.narrative.claims import (
    Agg,
    ClaimPathError,
    Const,
    Fig,
    Relation,
    check_claims,
    claim,
    evaluate,
    resolve,
    rounded,
    states,
)


@dataclass(frozen=True)
class Count:
    current: float
    previous: float | None


@dataclass(frozen=True)
class Step:
    stage: str
    count: Count
    benchmark: float | None


@dataclass(frozen=True)
class Root:
    steps: tuple[Step, ...]
    label: str | None


ROOT = Root(
    steps=(
        Step("reach", Count(1000, 900), None),
        Step("acquisition", Count(40, 30), 0.05),
        Step("St. Louis", Count(8, None), 0.2),
    ),
    label=None,
)


def test_paths_select_by_key_index_and_spread() -> None:
    assert resolve(ROOT, "steps[stage=acquisition].count.current") == 40
    assert resolve(ROOT, "steps[0].count.previous") == 900
    assert resolve(ROOT, "steps[-1].stage") == "St. Louis"
    # A selected value may hold a dot; a missing optional item is None.
    assert resolve(ROOT, "steps[stage=St. Louis].benchmark") == 0.2
    assert resolve(ROOT, "steps[?stage=loyalty]") is None
    assert resolve(ROOT, "steps[*].count.current") == [1000, 40, 8]
    assert resolve(ROOT, "steps[*count.previous=None].stage") == ["St. Louis"]


@pytest.mark.parametrize(
    ("agg", "expected"),
    [(Agg.SUM, 1048), (Agg.MAX, 1000), (Agg.MIN, 8), (Agg.COUNT, 3), (Agg.DISTINCT, 3)],
)
def test_aggregates_fold_a_spread(agg: Agg, expected: float) -> None:
    assert evaluate(Fig("steps[*].count.current", agg), ROOT) == expected
    assert evaluate(Fig("steps[*].benchmark", Agg.COUNT), ROOT) == 2


def test_arithmetic_and_missing_figures() -> None:
    share = Fig("steps[stage=acquisition].count.current") / Fig("steps[stage=reach].count.current")
    assert evaluate(share, ROOT) == pytest.approx(0.04)
    assert evaluate(Fig("steps[0].benchmark") * 2, ROOT) is None  # None propagates
    assert evaluate(Const(3) / Const(0), ROOT) is None


@pytest.mark.parametrize(
    "path",
    ["steps[stage=loyalty].count", "steps[7]", "steps[0].colour", "steps[0]._x", "steps[x]"],
)
def test_a_bad_path_is_an_error_not_a_silent_pass(path: str) -> None:
    with pytest.raises(ClaimPathError):
        resolve(ROOT, path)


def test_check_reports_only_the_false_claims() -> None:
    leak = "steps[stage=acquisition]"
    claims = [
        claim(
            "acquisition grew",
            Fig(f"{leak}.count.current"),
            Relation.GT,
            Fig(f"{leak}.count.previous"),
        ),
        states("the count", 40, Fig(f"{leak}.count.current")),
        # "(22 instead of 29)": the sentence stated the figures the wrong way round.
        states("the count", 30, Fig(f"{leak}.count.current")),
        claim("reach has no norm", Fig("steps[0].benchmark"), Relation.IS_NONE),
        claim("the label is set", Fig("label"), Relation.NOT_NONE),
        claim("no order between missing figures", Fig("steps[0].benchmark"), Relation.LT, 1),
        *rounded("the reach in thousands", 1, Fig("steps[0].count.current") / 1000),
    ]
    failed = check_claims(claims, ROOT, "slide 3")
    assert [f.claim.says for f in failed] == [
        "states the count",
        "the label is set",
        "no order between missing figures",
    ]
    assert str(failed[0]) == (
        "slide 3: claim 'states the count' is false: 30 == steps[stage=acquisition].count.current "
        "(found 30 vs 40)"
    )


def test_equality_allows_float_noise_only() -> None:
    assert check_claims([states("x", 0.1 + 0.2, Const(0.3))], ROOT) == []
    assert check_claims([states("x", 0.3001, Const(0.3))], ROOT) != []
