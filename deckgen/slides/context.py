"""What a slide builder is given: the metrics, the settings, the wording, and its registry entry.

A SlideContext is made per slide kind (deckgen.slides.registry), so it knows the kind's
template, section and cited definitions. Builders hand each template block a narrative
record (`say`); the claims that come with it are gathered and put on the next `slide` built.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from deckgen import formats
from deckgen.config import Settings
from deckgen.definitions import Definition, definitions_file, load_definitions
from deckgen.errors import TemplateError
from deckgen.formats import Digits
from deckgen.metrics.common import Change
from deckgen.metrics.lifecycle import LifecycleMetrics
from deckgen.model import Block, Direction, Slide, TitleStyle, ValueKind
from deckgen.narrative.claims import Claim
from deckgen.narrative.common import Tracker
from deckgen.narrative.outline import Outline
from deckgen.narrative.plain import fields_of
from deckgen.narrative.segmentation import History, tell_history
from deckgen.narrative.told import Told
from deckgen.period import Period
from deckgen.wording import Wording

SHARED_TEMPLATE = "slides/_shared.j2"  # blocks every slide kind uses: KPI deltas, source lines
# Changes of counts and money are shown relative (+12%), of rates and scores in points.
_RELATIVE_KINDS: frozenset[str] = frozenset({"count", "money"})


@dataclass(frozen=True)
class SlideContext:
    """The inputs of one slide kind's builder and the helpers it shares with the others."""

    metrics: LifecycleMetrics
    settings: Settings
    wording: Wording
    kind: str = ""  # the SlideKind being built
    section: str = ""  # its Section
    template: str = SHARED_TEMPLATE  # its wording template, e.g. "slides/funnel.j2"
    cites: tuple[str, ...] = ()  # docs/metrics.md anchors its notes quote by default
    shared_section: bool = False  # other kinds share its section: the tracker names the topic
    outline: Outline | None = None  # the rest of the deck, for the agenda and the appendix
    _claims: list[Claim] = field(default_factory=list, compare=False, repr=False)

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
    def order_history(self) -> Told[History]:
        """The months of order history within the 12 months to the month's end, worked out once
        for the slide's labels and source lines (docs/metrics.md#trailing-12-months)."""
        return tell_history(self.metrics.segmentation, self.metrics.loyalty)

    @property
    def action_titles(self) -> bool:
        """True when each slide's title states its finding (title_style = "action")."""
        return self.settings.title_style == TitleStyle.ACTION

    @cached_property
    def labels(self) -> Mapping[str, Mapping[str, str]]:
        """templates/<lang>/labels.toml: short terms by group (stages, channels, headers...)."""
        return self.wording.data("labels.toml")

    @cached_property
    def playbook(self) -> Mapping[str, Any]:
        """templates/<lang>/playbook.toml: review questions and strategies per stage."""
        return self.wording.data("playbook.toml")

    @property
    def definitions(self) -> Mapping[str, Definition]:
        """Metric definitions in the deck language, by anchor (docs/metrics.md)."""
        folder = self.wording.templates_dir
        path = definitions_file(self.lang, folder)
        return _definitions(self.lang, folder, self.wording.digits, path.stat().st_mtime_ns)

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
        return self.wording.label(group, key)

    def say(self, block: str, told: Told[Any] | object | None = None) -> str:
        """Block `block` of this kind's template, given the fields of `told`'s record."""
        return self._render(self.template, block, told)

    def shared(self, block: str, told: Told[Any] | object | None = None) -> str:
        """Block `block` of the shared template (slides/_shared.j2)."""
        return self._render(SHARED_TEMPLATE, block, told)

    def _render(self, template: str, block: str, told: Told[Any] | object | None) -> str:
        if isinstance(told, Told):
            self._claims.extend(told.claims)
            told = told.context
        variables = {} if told is None else fields_of(told)
        return self.wording.render_block(template, block, **variables)

    def note_claims(self, claims: tuple[Claim, ...]) -> None:
        """Adds claims a block makes without a sentence of its own (a chart left out, a table)."""
        self._claims.extend(claims)

    def slide(
        self,
        blocks: tuple[Block, ...],
        *,
        finding: str | None,
        notes: Told[Any] | object | None = None,
        topic: Told[Any] | object | None = None,
        cites: tuple[str, ...] | None = None,
    ) -> Slide:
        """A slide of this kind: its topic and finding placed by the title style, the notes
        with the definitions they cite, and every claim said since the last slide."""
        topic_text = self.say("topic", topic)
        anchors = self.cites if cites is None else cites
        notes_text = self._notes(self.say("notes", notes), anchors)
        action = self.action_titles and bool(finding)
        section = self.label("sections", self.section)
        topic_shown = action and self.shared_section and topic_text != section
        tracker = self.shared("tracker", Tracker(section, topic_text if topic_shown else None))
        claims = tuple(self._claims)
        self._claims.clear()
        return Slide(
            kind=self.kind,
            title=finding if action else topic_text,
            headline=None if action else finding,
            notes=notes_text,
            blocks=blocks,
            tracker=tracker,
            cites=anchors,
            claims=claims,
        )

    def cover_slide(self, told: Told[Any]) -> Slide:
        """The cover of this kind: title, subtitle and notes from its template (no tracker)."""
        title, subtitle = self.say("title"), self.say("subtitle")
        notes = self._notes(self.say("notes", told), self.cites)
        claims = tuple(self._claims)
        self._claims.clear()
        return Slide(
            kind=self.kind,
            title=title,
            subtitle=subtitle,
            notes=notes,
            cites=self.cites,
            claims=claims,
        )

    def _notes(self, text: str, anchors: tuple[str, ...]) -> str:
        """Speaker notes: the slide's own, then the quoted definitions it uses."""
        parts = [text] if text else []
        try:
            quoted = [self.definitions[a] for a in anchors]
        except KeyError as exc:
            raise TemplateError(f"the {self.lang} metric definitions have no {exc}") from None
        if quoted:
            parts.append(self.label("notes", "definitions"))
            parts += [f"{d.title}: {d.text}" for d in quoted]
        return "\n".join(parts)


@lru_cache(maxsize=16)
def _definitions(
    lang: str, folder: Path | None, digits: Digits, mtime_ns: int
) -> Mapping[str, Definition]:
    """The parsed definitions of one file version: every slide kind of a deck quotes them."""
    return load_definitions(lang, folder, digits)
