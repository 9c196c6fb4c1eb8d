"""Claims: what a sentence asserts about the figures, checkable against the metrics.

The narrative step records, beside each sentence it hands to a template, the claims that make
the sentence true: the numbers it states are the figures they stand for, and the variant it
chose holds ("below its norm" needs conversion < norm). A claim names its figures by a path
into `LifecycleMetrics`, so `check_claims` reads them afresh, independent of the code that
chose the words, and a sentence that no longer matches its figures is caught.

Paths are dotted attribute names; `[key=value]` picks the item of a tuple whose attribute
`key` equals `value` (`funnel.steps[stage=loyalty].count.current`), `[?key=value]` the same or
None when there is no such item, `[3]` an index, `[*]` every item and `[*key=value]` every item
whose `key` (which may be dotted: `count.current`) is `value` (then an aggregate folds them: `Fig("loyalty.cohorts[*].customers",
Agg.SUM)`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

_STEP = re.compile(r"^(?P<name>\w+)(?:\[(?P<select>.+)\])?$", re.DOTALL)
REL_TOLERANCE = 1e-9  # a stated figure equals its source up to float noise


class ClaimPathError(LookupError):
    """A claim names a figure the metrics do not have (a bug in the narrative step)."""


class Agg(StrEnum):
    """How the values a `[*]` path reaches are folded into one."""

    SUM = "sum"
    MAX = "max"
    MIN = "min"
    COUNT = "count"  # values that are not None
    DISTINCT = "distinct"  # distinct values that are not None


class Relation(StrEnum):
    """How the two sides of a claim compare."""

    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    IS_NONE = "is none"
    NOT_NONE = "is not none"


class Expr:
    """A number computed from figures; `+ - * /` build larger expressions."""

    def __add__(self, other: Expr | float) -> Expr:
        return BinOp("+", self, _expr(other))

    def __sub__(self, other: Expr | float) -> Expr:
        return BinOp("-", self, _expr(other))

    def __mul__(self, other: Expr | float) -> Expr:
        return BinOp("*", self, _expr(other))

    def __truediv__(self, other: Expr | float) -> Expr:
        return BinOp("/", self, _expr(other))


@dataclass(frozen=True, eq=False)
class Fig(Expr):
    """A figure of the metrics, read by its path; `agg` folds a path through `[*]`."""

    path: str
    agg: Agg | None = None

    def __str__(self) -> str:
        return f"{self.agg}({self.path})" if self.agg else self.path


@dataclass(frozen=True, eq=False)
class Const(Expr):
    """A number the sentence states (or a fixed threshold)."""

    value: float | None

    def __str__(self) -> str:
        return repr(self.value)


@dataclass(frozen=True, eq=False)
class BinOp(Expr):
    """Two expressions combined by + - * or /."""

    op: str
    left: Expr
    right: Expr

    def __str__(self) -> str:
        return f"({self.left} {self.op} {self.right})"


def _expr(value: Expr | float | None) -> Expr:
    return value if isinstance(value, Expr) else Const(value)


@dataclass(frozen=True)
class Claim:
    """`left relation right`, and what it means in words (for a failure message)."""

    says: str
    left: Expr
    relation: Relation
    right: Expr | None = None


def claim(
    says: str, left: Expr | float | None, relation: Relation, right: Expr | float | None = None
) -> Claim:
    """A Claim; plain numbers on either side become constants."""
    return Claim(
        says, _expr(left), relation, None if right is None and relation in _UNARY else _expr(right)
    )


def states(what: str, value: float | None, figure: Expr) -> Claim:
    """The sentence states `value` for `what`, which must be `figure`."""
    return claim(f"states {what}", Const(value), Relation.EQ, figure)


def rounded(what: str, value: int, figure: Expr) -> tuple[Claim, Claim]:
    """The sentence states `value` for `what`: `figure` rounded to a whole number."""
    gap = Const(value) - figure
    return (
        claim(f"states {what}, rounded", gap, Relation.LE, 0.5),
        claim(f"states {what}, rounded", gap, Relation.GE, -0.5),
    )


_UNARY = (Relation.IS_NONE, Relation.NOT_NONE)


@dataclass(frozen=True)
class FalseClaim:
    """A claim the figures do not bear out, with the values found."""

    where: str  # e.g. "slide 9 (funnel)"
    claim: Claim
    left: Any
    right: Any

    def __str__(self) -> str:
        shown = f"{self.claim.left} {self.claim.relation}"
        if self.claim.right is not None:
            shown += f" {self.claim.right}"
        found = f"{self.left!r}" + ("" if self.claim.right is None else f" vs {self.right!r}")
        return f"{self.where}: claim '{self.claim.says}' is false: {shown} (found {found})"


def check_claims(claims: Iterable[Claim], root: object, where: str = "") -> list[FalseClaim]:
    """The claims that do not hold for the figures of `root` (a LifecycleMetrics)."""
    failed = []
    for one in claims:
        left = evaluate(one.left, root)
        right = None if one.right is None else evaluate(one.right, root)
        if not _holds(left, one.relation, right):
            failed.append(FalseClaim(where, one, left, right))
    return failed


def evaluate(expr: Expr, root: object) -> Any:
    """The value of `expr` for the figures of `root`; None propagates through arithmetic."""
    if isinstance(expr, Const):
        return expr.value
    if isinstance(expr, Fig):
        values = resolve(root, expr.path)
        return values if expr.agg is None else _fold(expr.agg, values, expr.path)
    if isinstance(expr, BinOp):
        left, right = evaluate(expr.left, root), evaluate(expr.right, root)
        if left is None or right is None:
            return None
        if expr.op == "/":
            return None if right == 0 else left / right
        return {"+": left + right, "-": left - right, "*": left * right}[expr.op]
    raise TypeError(f"not a claim expression: {expr!r}")


def resolve(root: object, path: str) -> Any:
    """The value at `path` under `root` (a list of values after a `[*]`); ClaimPathError."""
    current: list[Any] = [root]
    spread = False
    for step in _steps(path):
        match = _STEP.match(step)
        if match is None:
            raise ClaimPathError(f"{path}: bad step {step!r}")
        name, select = match["name"], match["select"]
        current = [_attribute(item, name, path) if item is not None else None for item in current]
        if select is None:
            continue
        if select.startswith("*"):
            spread = True
            current = [x for item in current if item is not None for x in item]
            if select != "*":  # [*key=value]: every item whose key is value
                key, _, value = select[1:].partition("=")
                current = [x for x in current if str(_key(x, key, path)) == value]
        else:
            current = [
                _select(item, select, path) if item is not None else None for item in current
            ]
    return current if spread else current[0]


def _steps(path: str) -> list[str]:
    """`path` split at the dots outside brackets (a selected value may hold a dot)."""
    steps, start, depth = [], 0, 0
    for index, char in enumerate(path):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "." and depth == 0:
            steps.append(path[start:index])
            start = index + 1
    steps.append(path[start:])
    return steps


def _key(item: object, key: str, path: str) -> Any:
    """The value a selector compares: `key` may itself be dotted (`count.current`)."""
    for name in key.split("."):
        item = _attribute(item, name, path)
    return item


def _attribute(item: object, name: str, path: str) -> Any:
    if isinstance(item, dict):
        if name not in item:
            raise ClaimPathError(f"{path}: no key {name!r}")
        return item[name]
    if name.startswith("_") or not hasattr(item, name):
        raise ClaimPathError(f"{path}: {type(item).__name__} has no {name!r}")
    return getattr(item, name)


def _select(items: Sequence[Any], select: str, path: str) -> Any:
    if select.lstrip("-").isdigit():
        index = int(select)
        if not -len(items) <= index < len(items):
            raise ClaimPathError(f"{path}: index {index} outside {len(items)} items")
        return items[index]
    optional = select.startswith("?")
    key, _, value = select.removeprefix("?").partition("=")
    found = [item for item in items if str(_key(item, key, path)) == value]
    if optional and not found:
        return None
    if len(found) != 1:
        raise ClaimPathError(f"{path}: {len(found)} items with {key} = {value!r}")
    return found[0]


def _fold(agg: Agg, values: Any, path: str) -> Any:
    if not isinstance(values, list):
        raise ClaimPathError(f"{path}: {agg} needs a [*] step")
    known = [v for v in values if v is not None]
    if agg == Agg.COUNT:
        return len(known)
    if agg == Agg.DISTINCT:
        return len(set(known))
    if not known:
        return 0.0 if agg == Agg.SUM else None
    return {Agg.SUM: sum, Agg.MAX: max, Agg.MIN: min}[agg](known)


def _holds(left: Any, relation: Relation, right: Any) -> bool:
    if relation == Relation.IS_NONE:
        return left is None
    if relation == Relation.NOT_NONE:
        return left is not None
    if left is None or right is None:
        # Only "none equals none" can hold; an order between missing figures never does.
        return relation == Relation.EQ and left is right
    if relation == Relation.EQ:
        return _equal(left, right)
    if relation == Relation.NE:
        return not _equal(left, right)
    return {
        Relation.LT: left < right and not _equal(left, right),
        Relation.LE: left <= right or _equal(left, right),
        Relation.GT: left > right and not _equal(left, right),
        Relation.GE: left >= right or _equal(left, right),
    }[relation]


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, int | float) and isinstance(right, int | float):
        return math.isclose(left, right, rel_tol=REL_TOLERANCE, abs_tol=1e-12)
    return left == right
