"""The stage playbook (templates/<lang>/playbook.toml): advice fitted to the client's data.

Each stage has a focus line, questions and strategies. An item is a sentence, or a table
`{ text = "...", needs = ["club"] }` when it only makes sense for a client whose data has that
part: advice about the club is never given to a client without one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from deckgen.errors import TemplateError
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.narrative.claims import Claim, Fig, Relation, claim


class Need(StrEnum):
    """A part of the data a piece of advice presumes."""

    CLUB = "club"  # loyalty-club members
    LEADS = "leads"  # the leads sheet (prospects)
    CHANNELS = "channels"  # channel spend or leads by channel
    FEEDBACK = "feedback"  # the feedback sheet
    SURVEYS = "surveys"  # the surveys sheet


# Where each need is found in the metrics: the analysis is None without it.
_NEED_FIGURES = {
    Need.CLUB: "loyalty.club",
    Need.LEADS: "prospects",
    Need.CHANNELS: "channels",
    Need.FEEDBACK: "feedback",
    Need.SURVEYS: "satisfaction",
}


@dataclass(frozen=True)
class Advice:
    """One question or strategy and what it presumes."""

    text: str
    needs: tuple[Need, ...] = ()


@dataclass(frozen=True)
class PlaybookEntry:
    """A stage's playbook entry, keeping only the advice the client's data fits."""

    stage: str
    focus: str
    questions: tuple[Advice, ...]
    strategies: tuple[Advice, ...]


def available(metrics: LifecycleMetrics) -> frozenset[Need]:
    """The parts of the data this client has."""
    return frozenset(need for need, path in _NEED_FIGURES.items() if _present(metrics, path))


def _present(metrics: LifecycleMetrics, path: str) -> bool:
    value: Any = metrics
    for name in path.split("."):
        value = getattr(value, name)
    return value is not None


def need_claims(advice: Advice) -> tuple[Claim, ...]:
    """The claims that giving `advice` makes: the data has what it presumes."""
    return tuple(
        claim(
            f"the data has {need} data for: {advice.text[:40]}",
            Fig(_NEED_FIGURES[need]),
            Relation.NOT_NONE,
        )
        for need in advice.needs
    )


def playbook_entry(
    playbook: Mapping[str, Any], stage: str, have: frozenset[Need], lang: str
) -> PlaybookEntry:
    """The entry for `stage` with the advice `have` allows; TemplateError naming what is wrong."""
    entry = playbook.get(stage)
    if not isinstance(entry, Mapping) or not isinstance(entry.get("focus"), str):
        raise TemplateError(f"{lang}/playbook.toml has no [{stage}] table with a focus line")
    lists = {}
    for key in ("questions", "strategies"):
        items = entry.get(key)
        if not isinstance(items, list) or not items:
            raise TemplateError(f"{lang}/playbook.toml [{stage}]: {key} must be a non-empty list")
        advice = [_advice(item, f"{lang}/playbook.toml [{stage}] {key}") for item in items]
        kept = tuple(a for a in advice if set(a.needs) <= have)
        if not kept:
            raise TemplateError(
                f"{lang}/playbook.toml [{stage}]: no {key} item fits data without "
                f"{', '.join(sorted(set(Need) - have))}; add one without `needs`"
            )
        lists[key] = kept
    return PlaybookEntry(stage, entry["focus"], lists["questions"], lists["strategies"])


def _advice(item: object, where: str) -> Advice:
    if isinstance(item, str):
        return Advice(item)
    if isinstance(item, Mapping) and isinstance(item.get("text"), str):
        needs = item.get("needs", [])
        known = {need.value for need in Need}
        if not isinstance(needs, list) or not all(n in known for n in needs):
            raise TemplateError(f"{where}: needs must be a list of {', '.join(sorted(known))}")
        return Advice(item["text"], tuple(Need(n) for n in needs))
    raise TemplateError(f"{where}: each item is a sentence or {{ text = ..., needs = [...] }}")
