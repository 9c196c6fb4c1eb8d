"""What every slide builder is given: the metrics, the settings and the deck's wording."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from deckgen import formats
from deckgen.config import Settings
from deckgen.definitions import Definition, load_definitions
from deckgen.errors import TemplateError
from deckgen.metrics.common import Change
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.model import Direction, ValueKind
from deckgen.period import Period
from deckgen.wording import Wording

# Changes of counts and money are shown relative (+12%), of rates and scores in points.
_RELATIVE_KINDS: frozenset[str] = frozenset({"count", "money"})


@dataclass(frozen=True)
class SlideContext:
    """The inputs of the slide builders and the formatting helpers they share."""

    metrics: LifecycleMetrics
    settings: Settings
    wording: Wording

    @property
    def lang(self) -> str:
        """The deck language."""
        return self.wording.lang

    @property
    def direction(self) -> Direction:
        """ltr or rtl."""
        return formats.direction(self.lang)

    @property
    def period(self) -> Period:
        """The reporting period."""
        return self.metrics.period

    @cached_property
    def labels(self) -> Mapping[str, Mapping[str, str]]:
        """templates/<lang>/labels.toml: short terms by group (stages, channels, headers...)."""
        return self.wording.data("labels.toml")

    @cached_property
    def playbook(self) -> Mapping[str, Any]:
        """templates/<lang>/playbook.toml: review questions and strategies per stage."""
        return self.wording.data("playbook.toml")

    @cached_property
    def definitions(self) -> Mapping[str, Definition]:
        """Metric definitions in the deck language, by anchor (docs/metrics.md)."""
        return load_definitions(self.lang, self.wording.templates_dir, self.wording.digits)

    def fmt(self, value: float | None, kind: ValueKind) -> str:
        """`value` formatted for the deck (percent values are fractions 0..1)."""
        return formats.format_value(
            value, kind, self.lang, self.wording.digits, self.settings.currency
        )

    def change(self, change: Change | None, kind: ValueKind) -> str | None:
        """The signed month-on-month change of a figure, or None when there is no previous."""
        if change is None:
            return None
        delta = change.relative if kind in _RELATIVE_KINDS else change.delta
        if delta is None:
            return None
        return formats.format_change(
            delta, kind, self.lang, self.wording.digits, self.settings.currency
        )

    def month(self, period: Period, short: bool = False) -> str:
        """A period's label in the deck's language."""
        return formats.format_month(period, self.lang, self.wording.digits, short)

    def label(self, group: str, key: str) -> str:
        """The label of `key`: the client's from deckgen.toml [vocabulary], else labels.toml
        [group]; client values without one stay as they are."""
        configured = self.settings.vocabulary.label(group, key, self.lang)
        if configured is not None:
            return configured
        try:
            table = self.labels[group]
        except KeyError:
            raise TemplateError(f"{self.lang}/labels.toml has no [{group}] table") from None
        if key not in table:
            return key
        # Labels hold ASCII digits ("18–24", "≤ 90%") so they follow the deck's digit setting.
        return formats.localise_digits(str(table[key]), self.lang, self.wording.digits)

    def text(self, kind: str, block: str, **context: Any) -> str:
        """Block `block` of templates/<lang>/slides/<kind>.j2, given the metrics as `m`."""
        return self.wording.render_block(
            f"slides/{kind}.j2", block, m=self.metrics, c=self, **context
        )

    def notes(self, kind: str, anchors: Iterable[str], **context: Any) -> str:
        """Speaker notes: the slide's `notes` block, then the quoted definitions it uses."""
        parts = [self.text(kind, "notes", **context)]
        quoted = [self.definitions[a] for a in anchors]
        if quoted:
            parts.append(self.label("notes", "definitions"))
            parts += [f"{d.title}: {d.text}" for d in quoted]
        return "\n".join(parts)
