"""Refresh a deck the consultant edited: new figures in, their work kept, a report of each item.

The new month's slides are drawn into the edited deck itself, at its end (its own layouts and
theme), then merged into the slides they refresh item by item (deckgen.refresh.merge) and
removed; a slide the new data needs that the deck never had stays, moved after its neighbours.
Slides without a deckgen identity are the consultant's and are never touched; a deckgen slide
the consultant deleted stays deleted (the deck's record lists every slide key it has held).
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree
from pptx.exc import PackageNotFoundError
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.presentation import Presentation as PresentationType
from pptx.shapes.graphfrm import GraphicFrame
from pptx.shapes.placeholder import NotesSlidePlaceholder
from pptx.slide import Slide as PptxSlide
from pydantic import ValidationError

import deckgen
from deckgen.config import Settings, find_config, load_settings
from deckgen.data.tables import Tables
from deckgen.errors import InputError, RenderError
from deckgen.formats import localise_digits
from deckgen.model import Deck, Slide
from deckgen.period import Period
from deckgen.refresh.merge import (
    Merged,
    deleted_series,
    merge_chart,
    merge_picture,
    merge_shape,
    merge_table,
    move_relationships,
    next_shape_id,
    recolor,
    series_colors,
)
from deckgen.refresh.report import Outcome, RefreshReport
from deckgen.render.context import RenderContext
from deckgen.render.identity import (
    FORMAT,
    Fingerprint,
    body_text,
    c_nv_pr,
    chart_data,
    chart_series,
    chart_space_of,
    digest,
    first_within,
    identities,
    look_of,
    shape_elements,
    slide_digest,
    slide_ids,
    slide_key,
    split_name,
    theme_fonts,
)
from deckgen.render.identity import same_place as is_same_place
from deckgen.render.oxml import qn
from deckgen.render.package import open_presentation
from deckgen.render.template_package import read_template_package
from deckgen.render.text import measure_family

if TYPE_CHECKING:
    from deckgen.slides.deck import PageMap

_NEVER_REMOVED = ("logo",)  # roles kept even when the new rendering has none
# The elements python-pptx takes for a notes page's shapes (pptx.oxml.shapes.groupshape).
_NOTES_SHAPE_TAGS = tuple(
    qn(tag) for tag in ("p:sp", "p:grpSp", "p:graphicFrame", "p:cxnSp", "p:pic", "p:contentPart")
)


@dataclass(frozen=True)
class EditedDeck:
    """A deck deckgen made, opened, with its record and each slide's key (None: not deckgen's)."""

    prs: PresentationType
    record: dict[str, object]
    keys: tuple[str | None, ...]

    @property
    def period(self) -> str:
        """The deck's period, YYYY-MM."""
        return str(self.record.get("period", ""))

    @cached_property
    def present(self) -> dict[str, PptxSlide]:
        """The deck's deckgen slides by key, as opened (the agenda's page numbers and the
        refresh plan read them before any slide changes); of several with one key (a
        duplicated slide, or the consultant's slide holding shapes pasted from deckgen's), the
        one holding most of the key's shapes, the first of those."""
        return {key: slide for key, (slide, _) in self.items.items()}

    @cached_property
    def items(self) -> dict[str, tuple[PptxSlide, list[tuple[str, etree._Element]]]]:
        """The slide of each key `present` gives, with its items (identities) as opened."""
        found: dict[str, tuple[PptxSlide, list[tuple[str, etree._Element]]]] = {}
        for slide, key in zip(self.prs.slides, self.keys, strict=True):
            if key is None:
                continue
            items = identities(slide, key)
            if key not in found or len(items) > len(found[key][1]):
                found[key] = slide, items
        return found


def open_edited_deck(path: Path) -> EditedDeck:
    """The deck at `path` with deckgen's record; InputError (one sentence) for a file that is
    not a deck, was not made by deckgen, or by a deckgen whose record this one cannot read."""
    from deckgen.render.identity import read_record

    if not path.is_file():
        raise InputError(f"{path} does not exist" if not path.exists() else f"{path} is not a file")
    # The consultant's deck is read with a brand template's checks (size, zip bomb, a DOCTYPE,
    # XML that is not well-formed: one sentence, exit 2), in the render's package (it names
    # the parts a refresh adds without walking the deck for each).
    entries, _ = read_template_package(path, "deck")
    try:
        prs = open_presentation(entries)
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        etree.XMLSyntaxError,  # a part cut short or damaged
    ):
        raise InputError(f"{path} is not a PowerPoint deck (.pptx) that can be opened") from None
    record = read_record(prs)
    if record is None:
        raise InputError(
            f"{path} was not made by deckgen (it carries no deckgen record), so there is "
            "nothing to refresh; render a new deck with `deckgen render`"
        )
    slides = record.get("slides") or []
    if (
        record.get("format") != FORMAT
        or not isinstance(record.get("items"), dict)
        or not isinstance(slides, list)
        or not all(isinstance(key, str) for key in slides)
    ):
        raise InputError(
            f"{path} was made by deckgen {record.get('version', '?')}, whose deck record "
            f"(format {record.get('format')}) this deckgen {deckgen.__version__} cannot "
            "read; render a new deck with `deckgen render`"
        )
    by_id = record.get("slide_ids") or {}
    keys: list[str | None] = []
    try:
        slides = list(zip(prs.slides, prs.slides._sldIdLst, strict=True))
    except (KeyError, etree.XMLSyntaxError):
        raise InputError(
            f"{path} is a damaged deck (a slide it lists is missing or cut short); open and "
            "save it in PowerPoint or LibreOffice, or render a new deck with `deckgen render`"
        ) from None
    for number, (slide, sld_id) in enumerate(slides, start=1):
        _check_parts(path, slide, number)
        key = slide_key(slide)
        if key is None and not _has_untagged_content(slide):
            key = by_id.get(sld_id.get("id"))  # placeholders only, renamed by LibreOffice
        keys.append(key)
    return EditedDeck(prs, record, tuple(keys))


def _check_parts(path: Path, slide: PptxSlide, number: int) -> None:
    """InputError naming the shape when a chart, picture or other shape of the slide refers to
    a part the file lacks.

    Refused rather than reported as failed: the refreshed deck would carry the broken
    reference on (PowerPoint asks to repair such a deck and drops the shape), and a scheduled
    run would hand it to the client; one save in PowerPoint mends the consultant's deck.
    """
    rels = slide.part.rels
    for holder in slide._element.iter(*_REFERRING_TAGS):
        for attribute, r_id in holder.items():
            if not attribute.startswith(_R) or not r_id or r_id in rels:
                continue
            word, kind = _REFERENCE_WORDS.get(holder.tag, ("shape", "a part"))
            shape = next(holder.iterancestors(*_SHAPE_TAGS), None)
            what = (
                "the slide's background"
                if shape is None
                else f'the {word} "{c_nv_pr(shape).get("name", "")}"'
            )
            raise InputError(
                f"{path} is a damaged deck: {what} on slide {number} refers to {kind} the file "
                "does not hold; open and save the deck in PowerPoint (which offers to repair "
                f"it) or delete that {word}, then refresh again"
            )


# The elements of a slide that refer to another part (chart, image, SmartArt, media, object,
# link, tags), found by tag: a walk of every attribute would cost a refresh some 9 ms.
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_REFERRING_TAGS = (
    *(
        qn(tag)
        for tag in (
            "c:chart",
            "a:blip",
            "a:hlinkClick",
            "a:hlinkHover",
            "a:videoFile",
            "a:audioFile",
            "a:wavAudioFile",
            "a:quickTimeFile",
            "p:oleObj",
            "p:custData",
        )
    ),
    "{http://schemas.openxmlformats.org/drawingml/2006/diagram}relIds",
    "{http://schemas.microsoft.com/office/powerpoint/2010/main}media",
)
_REFERENCE_WORDS = {qn("c:chart"): ("chart", "a chart"), qn("a:blip"): ("picture", "an image")}
_SHAPE_TAGS = tuple(qn(tag) for tag in ("p:graphicFrame", "p:pic", "p:sp", "p:cxnSp"))


def _has_untagged_content(slide: PptxSlide) -> bool:
    """True when the slide holds a shape that is neither tagged nor a placeholder."""
    for el in shape_elements(slide.shapes._spTree):
        _, identity = split_name(c_nv_pr(el).get("name", ""))
        if identity is None and el.find(f".//{qn('p:ph')}") is None:
            return True
    return False


def deck_settings(
    edited: EditedDeck, data: Path | None, config_path: Path | None, client: str | None = None
) -> Settings:
    """The settings of a refresh: the given config's, else the deck's own over the config
    beside the data (which holds the sheet mapping); `client`, when given, names the client
    (checked as `deckgen render --client` checks it)."""
    from deckgen.pipeline import with_options

    return with_options(_deck_or_config_settings(edited, data, config_path, client), client=client)


def _deck_or_config_settings(
    edited: EditedDeck, data: Path | None, config_path: Path | None, client: str | None
) -> Settings:
    """deck_settings before `client`: the data's own client is checked unless it is given."""
    if config_path is not None:
        return load_settings(config_path)
    config = None if data is None else find_config(data)
    base = load_settings(config)
    stored = edited.record.get("settings")
    if not isinstance(stored, dict):
        return base
    if client is None:
        _check_same_client(stored.get("client"), base, config)
    try:
        return Settings.model_validate(base.model_dump() | stored)
    except ValidationError as exc:  # a newer deckgen's settings, say a language this one lacks
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise InputError(
            f"the deck's recorded settings cannot be used by this deckgen {deckgen.__version__} "
            f"({where}: {problem['msg']}); give them with --config"
        ) from None


def _check_same_client(deck_client: object, base: Settings, config: Path | None) -> None:
    """InputError when the deckgen.toml beside the data names a client other than the deck's:
    the deck would show one client's name over another's figures."""
    if config is None or "client" not in base.model_fields_set or not isinstance(deck_client, str):
        return
    if base.client.strip() == deck_client.strip():
        return
    raise InputError(
        f"the deck was made for client {deck_client!r}, but {config} (beside the data) names "
        f"client {base.client!r}; expected the data of the deck's own client: render a deck "
        f"for {base.client!r} with `deckgen render`; if the deck was named with `deckgen render "
        f"--client`, refresh with --client {deck_client!r}; if the client's name changed, refresh "
        f"with --config {config} (its settings, the new name among them, replace the deck's)"
    )


def refresh_period(
    edited: EditedDeck,
    tables: Tables,
    settings: Settings,
    period: str | Period | None,
    today: date | None,
) -> Period:
    """The month to refresh to: the given one, else the latest complete month of the data when
    it is later than the deck's, else the deck's own month (a re-run on corrected data)."""
    from deckgen.pipeline import resolve_period

    if period is not None:
        return resolve_period(period, tables, settings, today)
    latest = resolve_period(None, tables, settings, today)
    try:
        before = Period.parse(edited.period, settings.effective_calendar)
    except ValueError:
        return latest
    if latest > before:
        return latest
    return resolve_period(before, tables, settings, today)


_Place = tuple[str | None, etree._Element | None]  # a slide's key and entry in the slide list


@dataclass(frozen=True)
class SlidePlan:
    """What a refresh does with the deck's slides, and their order once refreshed."""

    order: tuple[_Place, ...]  # each slide's key and `p:sldId` (None: a slide to add)
    removed: tuple[str, ...]  # deckgen's slides the data no longer needs
    kept: tuple[str, ...]  # such slides kept because they hold the consultant's edits


def _edited_by_hand(slide: PptxSlide, recorded: dict[str, Fingerprint]) -> bool:
    """True when a slide holds a shape of the consultant's or text they changed."""
    if _has_untagged_content(slide):
        return True
    for identity, el in identities(slide):
        written = recorded.get(identity, {})
        text = body_text(el.find(qn("p:txBody")))
        if "t" in written and digest(text) != written["t"]:
            return True
    return False


def plan_slides(edited: EditedDeck, new_keys: Sequence[str]) -> SlidePlan:
    """The slides of `edited` refreshed to a deck of `new_keys`: the consultant's order, less
    deckgen's slides no longer needed (unless edited), each added slide after the nearest
    slide that precedes it in deckgen's order (first when none does)."""
    present = edited.present
    known = set(edited.record.get("slides") or [])
    recorded: dict[str, Fingerprint] = edited.record["items"]  # type: ignore[assignment]
    gone = [key for key in present if key not in new_keys]
    kept = tuple(key for key in gone if _edited_by_hand(present[key], recorded))
    removed = tuple(key for key in gone if key not in kept)
    order: list[_Place] = [
        (key, entry)
        for key, slide, entry in zip(
            edited.keys, edited.prs.slides, edited.prs.slides._sldIdLst, strict=True
        )
        if not (key in removed and present[key] is slide)
    ]
    for key in (k for k in new_keys if k not in present and k not in known):  # to add
        before = reversed(new_keys[: new_keys.index(key)])
        at = next((i for k in before for i, (have, _) in enumerate(order) if have == k), None)
        order.insert(0 if at is None else at + 1, (key, None))
    return SlidePlan(tuple(order), removed, kept)


def refresh_pages(edited: EditedDeck) -> PageMap:
    """The page each slide of a new deck model will be on once refreshed into `edited` (the
    agenda gives these)."""
    from deckgen.render.identity import slide_keys

    def pages(kinds: Sequence[str]) -> list[int | None]:
        keys = slide_keys(kinds)
        final = [key for key, _ in plan_slides(edited, keys).order]
        return [final.index(key) + 1 if key in final else None for key in keys]

    return pages


class _Refresh:
    """One refresh of an opened deck to a new deck model."""

    def __init__(self, edited: EditedDeck, deck: Deck) -> None:
        self.edited = edited
        self.prs = edited.prs
        self.deck = deck
        self.recorded: dict[str, Fingerprint] = edited.record["items"]  # type: ignore[assignment]
        self.outcomes: list[Outcome] = []
        self.prints: dict[str, Fingerprint] = {}
        self.fresh_colors: dict[str, list[str | None]] = {}  # chart block -> series colours
        self.models: dict[str, str] = {}  # slide key -> digest of what it is drawn from
        self.fonts: frozenset[str] = frozenset()  # the theme fonts of the slide being merged
        self.drawn_fonts: frozenset[str] = frozenset()  # the fonts the new slides are drawn in
        self.slides_known: list[str] = []
        self.model_slides: dict[str, Slide] = {}  # slide key -> the slide it is drawn from
        self.ctx: RenderContext | None = None  # what the new slides are drawn in
        self.old_items: dict[str, list[tuple[str, etree._Element]]] = {}  # by slide key

    def note(self, slide: str, item: str, merged: Merged) -> None:
        self.outcomes.append(
            Outcome(slide, item, merged.status, merged.detail, merged.current, merged.proposed)  # type: ignore[arg-type]
        )

    def run(self, charts: str) -> None:
        from deckgen.render.brand import deck_brand
        from deckgen.render.identity import slide_keys
        from deckgen.render.writer import draw_slides, render_context

        new_keys = slide_keys([slide.kind for slide in self.deck.slides])
        self.model_slides = dict(zip(new_keys, self.deck.slides, strict=True))
        known = set(self.edited.record.get("slides") or [])
        present = self.edited.present
        for key, slide in zip(self.edited.keys, self.prs.slides, strict=True):
            if key is not None and present[key] is not slide:  # a copy: left alone
                self.note(key, key, Merged("kept", "a copy of a deckgen slide; left as it is"))
        plan = plan_slides(self.edited, new_keys)
        drawn_from = self.edited.record.get("models") or {}
        self.models = {
            key: slide_digest(self.deck, slide, charts)
            for key, slide in zip(new_keys, self.deck.slides, strict=True)
        }
        same = {k for k in new_keys if k in present and drawn_from.get(k) == self.models[k]}
        wanted = {k for k in new_keys if k in present or k not in known} - same
        for key in new_keys:
            if key in same:
                self.keep_prints(key)
                self.refresh_footer(key, present[key])
                self.note(key, key, Merged("unchanged", "drawn from the same content as before"))
            elif key not in wanted:
                self.note(key, key, Merged("deleted", "you deleted this slide; not added back"))
        brand = deck_brand(self.prs, "the deck")
        # The new slides are drawn in the deck's theme as it is now (a viewer draws them so);
        # runs naming the fonts deckgen drew in look as runs naming none (LibreOffice writes
        # them out, and may replace the theme's fonts on save).
        fonts = self.edited.record.get("fonts")
        recorded = {fonts.get("major"), fonts.get("minor")} if isinstance(fonts, dict) else set()
        self.drawn_fonts = frozenset(
            {brand.theme.major_font, brand.theme.minor_font} | {f for f in recorded if f}
        )
        self.ctx = render_context(self.prs, brand, self.deck, charts)  # type: ignore[arg-type]
        # A slide merged into the deck's own is drawn bare: its footer and notes are written
        # into the deck's slide directly (refresh_footer, merge_notes).
        bare = frozenset(k for k in wanted if k in present)
        self.old_items = {key: self.edited.items[key][1] for key in bare}
        drawn = draw_slides(
            self.prs,
            brand,  # type: ignore[arg-type]
            self.deck,
            charts=charts,  # type: ignore[arg-type]
            only=wanted,
            bare=bare,
            figures_only=self.merged_charts(),
        )
        scratch: list[PptxSlide] = []
        for key, page, prints in drawn:
            self.prints.update(prints)
            if key in present:
                self.merge_slide(key, present[key], page)
                scratch.append(page)
            else:
                self.note(key, key, Merged("added", "the new data needs this slide"))  # type: ignore[arg-type]
        for key in plan.kept:
            self.note(key, key, Merged("kept", "no longer in the data, but it holds your edits"))
            self.keep_prints(key)
        for key in plan.removed:
            scratch.append(present[key])
            self.note(key, key, Merged("removed", "the new data no longer needs this slide"))
        for key in known - set(new_keys) - set(present):
            self.keep_prints(key)
        self.drop_slides(scratch)
        self.arrange(plan.order, {key: page for key, page, _ in drawn})
        self.number_slides()
        self.slides_known = sorted((known | set(new_keys)) - set(plan.removed))

    def merged_charts(self) -> frozenset[str]:
        """The blocks (`<slide key>/<block key>`) whose new chart merge_chart merges into the
        deck's own chart: only its figures are read, so its look need not be drawn."""
        blocks = set()
        for key, items in self.old_items.items():
            first: dict[str, etree._Element] = {}
            for identity, el in items:
                first.setdefault(identity, el)
            slide = self.edited.present[key]
            for identity, el in first.items():
                block, _, role = identity.rpartition("/")
                if (
                    role.startswith("chart")
                    and el.tag == qn("p:graphicFrame")
                    and chart_space_of(el, slide) is not None
                ):
                    blocks.add(block)
        return frozenset(blocks)

    def refresh_footer(self, key: str, slide: PptxSlide) -> None:
        """The footer of a slide left as it was: the new period's, unless edited by hand."""
        identity = f"{key}/footer"
        found = dict(identities(slide, key)).get(identity)
        recorded = self.recorded.get(identity)
        if found is None or recorded is None or not self.deck.footer:
            return
        body = found.find(qn("p:txBody"))
        current = body_text(body)
        if digest(current) != recorded.get("t"):
            self.note(
                key, identity, Merged("kept", "text edited by hand", current, self.deck.footer)
            )
            return
        texts = body.findall(f".//{qn('a:t')}")
        if texts:
            texts[0].text = self.deck.footer
            for extra in texts[1:]:
                extra.text = ""
        self.prints[identity] = {**recorded, "t": digest(body_text(body))}
        status = "unchanged" if current == self.deck.footer else "refreshed"
        self.note(key, identity, Merged(status))

    def keep_prints(self, key: str) -> None:
        self.prints.update(
            {i: p for i, p in self.recorded.items() if i == key or i.startswith(f"{key}/")}
        )

    def merge_slide(self, key: str, old: PptxSlide, new: PptxSlide) -> None:
        """Merge the freshly drawn `new` into the consultant's `old` slide of the same key."""
        self.fonts = theme_fonts(old) | self.drawn_fonts
        old_items: dict[str, etree._Element] = {}
        for identity, el in self.old_items[key]:
            if identity in old_items:
                self.note(key, identity, Merged("kept", "a copy of a deckgen shape; left as it is"))
            else:
                old_items[identity] = el
        anchor: etree._Element | None = None
        charts: dict[str, tuple[etree._Element, etree._Element]] = {}
        drawn = identities(new, key)
        gone = self.legend_of_deleted_series(old, new, old_items, drawn)
        for identity, fresh in drawn:
            if identity in gone:  # goes with its series, which the consultant deleted
                mine = old_items.pop(identity, None)
                if mine is not None:
                    mine.getparent().remove(mine)
                continue
            current = old_items.pop(identity, None)
            if current is None:
                if identity in self.recorded:
                    self.note(key, identity, self.missing(old, identity, fresh))
                    self.prints[identity] = self.recorded[identity]  # what deckgen last wrote
                    continue
                placed = self.insert(old, new, fresh, anchor)
                self.note(key, identity, Merged("added", ""))  # type: ignore[arg-type]
                anchor = placed
                continue
            anchor = self.merge_item(key, identity, current, fresh, old, new, charts)
            props = c_nv_pr(anchor)
            if split_name(props.get("name", ""))[1] is None:  # a placeholder LibreOffice renamed
                props.set("name", c_nv_pr(fresh).get("name"))
        self.refresh_footer(key, old)
        for role in ("footer", "slide-number"):  # not drawn on the bare slide
            identity = f"{key}/{role}"
            if old_items.pop(identity, None) is not None and role == "slide-number":
                self.prints[identity] = self.recorded.get(identity, {})
        for identity, el in old_items.items():
            if identity.rsplit("/", 1)[-1].split(".")[0] in _NEVER_REMOVED:
                self.prints[identity] = self.recorded.get(identity, {})
                continue
            if identity not in self.recorded:  # named like deckgen's, but never drawn by it
                self.note(key, identity, Merged("kept", "not drawn by deckgen; left as it is"))
                continue
            text = body_text(el.find(qn("p:txBody")))
            recorded = self.recorded.get(identity, {})
            yours = text if "t" in recorded and digest(text) != recorded["t"] else None
            el.getparent().remove(el)  # the slide's, or a group's the consultant made
            self.note(key, identity, Merged("removed", "no longer needed", yours))
        self.follow_series_colors(old, charts)
        self.merge_notes(key, old)

    def legend_of_deleted_series(
        self,
        old: PptxSlide,
        new: PptxSlide,
        old_items: dict[str, etree._Element],
        drawn: list[tuple[str, etree._Element]],
    ) -> set[str]:
        """The legend entries (keys and names) drawn for chart series the consultant deleted
        (deckgen.refresh.merge.deleted_series)."""
        gone: set[str] = set()
        for identity, fresh in drawn:
            current = old_items.get(identity)
            if current is None or fresh.tag != qn("p:graphicFrame"):
                continue
            old_space = chart_space_of(current, old)
            styled = self.recorded.get(identity, {}).get("l") or []
            if old_space is None or len(chart_series(old_space)) >= len(styled):
                continue  # not a chart, or none of its series deleted (deleted_series)
            new_space = chart_space_of(fresh, new)
            if new_space is None:
                continue
            names = set(deleted_series(old_space, new_space, len(styled)))
            if not names:
                continue
            block = identity.rsplit("/", 1)[0]
            keys: list[str] = []  # a legend entry: its key's pieces, then its name
            for item, el in drawn:
                if item.startswith(f"{block}/legend-key"):
                    keys.append(item)
                elif item.startswith(f"{block}/legend"):
                    if body_text(el.find(qn("p:txBody"))) in names:
                        gone.update([*keys, item])
                    keys = []
        return gone

    def missing(self, old: PptxSlide, identity: str, fresh: etree._Element) -> Merged:
        """What became of an item no longer on the slide: deleted, or renamed by the consultant
        (a shape of theirs still holds the text deckgen wrote there, or, edited too, sits
        where deckgen put it and as large)."""
        recorded = self.recorded[identity]
        theirs = [
            (el, text)
            for el in shape_elements(old.shapes._spTree)
            if split_name(c_nv_pr(el).get("name", ""))[1] is None
            and (body := el.find(qn("p:txBody"))) is not None
            and (text := body_text(body)).strip()
        ]
        proposed = body_text(fresh.find(qn("p:txBody")))
        for _, text in theirs:
            if digest(text) == recorded.get("t"):
                return Merged("kept", "you renamed it: yours now, not refreshed", text, proposed)
        for el, text in theirs:
            if "t" in recorded and el.tag == fresh.tag and is_same_place(el, recorded):
                detail = "you renamed and edited it: yours now, not refreshed"
                return Merged("kept", detail, text, proposed)
        return Merged("deleted", "you deleted it; not added back")

    def insert(
        self,
        old: PptxSlide,
        new: PptxSlide,
        fresh: etree._Element,
        anchor: etree._Element | None,
    ) -> etree._Element:
        """`fresh` moved into `old` after `anchor` (else first), its parts related to `old`."""
        placed = fresh
        move_relationships(placed, new, old)
        c_nv_pr(placed).set("id", str(next_shape_id(old)))
        if anchor is None:
            tree = old.shapes._spTree
            shapes = shape_elements(tree)
            if shapes:
                shapes[0].addprevious(placed)
            else:
                tree.append(placed)
        else:
            tree = old.shapes._spTree
            while anchor.getparent() is not tree:  # not into a group the consultant made
                anchor = anchor.getparent()
            anchor.addnext(placed)
        return placed

    def merge_item(
        self,
        key: str,
        identity: str,
        current: etree._Element,
        fresh: etree._Element,
        old: PptxSlide,
        new: PptxSlide,
        charts: dict[str, tuple[etree._Element, etree._Element]],
    ) -> etree._Element:
        """Merge one item; returns the element now in its place."""
        recorded = self.recorded.get(identity)
        role = identity.rsplit("/", 1)[-1]
        if role.startswith("slide-number"):
            return current  # numbered once the slides are in their final order
        try:
            if fresh.tag == qn("p:graphicFrame") and chart_space_of(fresh, new) is not None:
                if chart_space_of(current, old) is None:
                    raise ValueError("it is no longer a chart")
                old_chart = _graphic_frame(old, current).chart
                new_chart = _graphic_frame(new, fresh).chart
                self.fresh_colors[identity.rsplit("/", 1)[0]] = series_colors(new_chart._chartSpace)
                merged = merge_chart(current, fresh, old_chart, new_chart, recorded)
                for outcome in merged:
                    self.note(key, identity, outcome)
                if any(outcome.status == "deleted" for outcome in merged):
                    # What deckgen wrote is the series kept (their count stays as drawn in
                    # `l`, so a later month still finds the series deleted).
                    written = digest(chart_data(old_chart._chartSpace))
                    self.prints[identity] = {**self.prints.get(identity, {}), "d": written}
                charts[identity.rsplit("/", 1)[0]] = (current, fresh)
                return current
            if fresh.tag == qn("p:graphicFrame") and first_within(fresh, qn("a:tbl")) is not None:
                if first_within(current, qn("a:tbl")) is None:
                    raise ValueError("it is no longer a table")
                drawn = self.prints.get(identity)
                placed, merged = merge_table(current, fresh, recorded, self.fonts, drawn)
                for outcome in merged:
                    self.note(key, identity, outcome)
                return placed
            if fresh.tag == qn("p:pic"):
                if current.tag != qn("p:pic"):
                    raise ValueError("it is no longer a picture")
                self.note(key, identity, merge_picture(current, fresh, old, new, recorded))
                return current
            if current.tag != fresh.tag:
                raise ValueError("it is no longer the same kind of shape")
            assert self.ctx is not None
            heading = identity.rsplit("/", 1)[-1] == "title"
            family = measure_family(self.ctx, heading)
            drawn = self.prints.get(identity)
            placed, merged = merge_shape(current, fresh, recorded, self.fonts, family, drawn)
            self.note(key, identity, merged)
            return placed
        except (ValueError, KeyError, AttributeError, TypeError) as exc:
            self.note(key, identity, Merged("failed", f"not refreshed: {exc}"))
            return current

    def follow_series_colors(
        self, old: PptxSlide, charts: dict[str, tuple[etree._Element, etree._Element]]
    ) -> None:
        """Legend keys drawn as shapes take the colours of their chart's series, as now drawn."""
        items = identities(old) if charts else []
        for block, (current, _) in charts.items():
            chart = _graphic_frame(old, current).chart
            fresh_colors = self.fresh_colors.get(block, [])
            colors = {
                a: b
                for a, b in zip(fresh_colors, series_colors(chart._chartSpace), strict=False)
                if a and b
            }
            for identity, el in items:
                # Only keys as deckgen drew them: a key recoloured by hand stays.
                drawn = self.prints.get(identity, {}).get("l")
                if identity.startswith(f"{block}/legend-key") and look_of(el, self.fonts) == drawn:
                    recolor(el, colors)

    def merge_notes(self, key: str, old: PptxSlide) -> None:
        """The slide's new notes, unless the consultant edited theirs."""
        from deckgen.render.writer import write_notes

        identity = f"{key}/notes"
        proposed = self.model_slides[key].notes
        self.prints[identity] = {"t": digest(proposed)}
        placeholder = _notes_placeholder(old)
        if placeholder is None:
            self.note(key, identity, Merged("kept", "the slide has no notes box any more"))
            return
        current = body_text(placeholder._element.find(qn("p:txBody")))
        if current == proposed:
            self.prints[identity] = {"t": digest(current)}
            self.note(key, identity, Merged("unchanged"))
            return
        if digest(current) != self.recorded.get(identity, {}).get("t"):
            self.note(key, identity, Merged("kept", "notes edited by hand", current, proposed))
            return
        assert self.ctx is not None
        write_notes(placeholder.text_frame, proposed, self.ctx)
        written = body_text(placeholder._element.find(qn("p:txBody")))
        self.prints[identity] = {"t": digest(written)}
        self.note(key, identity, Merged("refreshed"))

    def drop_slides(self, slides: Sequence[PptxSlide]) -> None:
        """Take slides out of the deck (their parts are then not saved)."""
        sld_ids = self.prs.slides._sldIdLst
        parts = {id(s.part) for s in slides}
        for sld_id in list(sld_ids):
            r_id = sld_id.get(qn("r:id"))
            if id(self.prs.part.related_part(r_id)) in parts:
                sld_ids.remove(sld_id)
                self.prs.part.drop_rel(r_id)

    def arrange(self, order: Sequence[_Place], pages: dict[str, PptxSlide]) -> None:
        """The deck's slides in the planned order, each added slide (in `pages`) in its place."""
        sld_ids = self.prs.slides._sldIdLst
        entries = {id(self.prs.part.related_slide(s.get(qn("r:id")))): s for s in sld_ids}
        planned = [entry if entry is not None else entries[id(pages[key])] for key, entry in order]
        for entry in list(sld_ids):
            sld_ids.remove(entry)
        for entry in planned:
            sld_ids.append(entry)

    def number_slides(self) -> None:
        """Static slide numbers (right-to-left and native-digit decks) show the final place."""
        for number, slide in enumerate(self.prs.slides, start=1):
            for identity, el in identities(slide):
                if not identity.rsplit("/", 1)[-1].startswith("slide-number"):
                    continue
                body = el.find(qn("p:txBody"))
                if body is None or body.find(f".//{qn('a:fld')}") is not None:
                    continue
                runs = body.findall(f".//{qn('a:t')}")
                if runs:
                    runs[0].text = localise_digits(str(number), self.deck.lang, self.deck.digits)
                    for extra in runs[1:]:
                        extra.text = ""

    def record(self, provenance: dict[str, object], charts: str) -> dict[str, object]:
        """The refreshed deck's record."""
        keys = [slide_key(s) or "" for s in self.prs.slides]
        return {
            "format": FORMAT,
            "version": deckgen.__version__,
            "lang": self.deck.lang,
            "direction": self.deck.direction,
            "charts": charts,
            "slides": self.slides_known,
            "models": {
                k: v
                for k, v in {**(self.edited.record.get("models") or {}), **self.models}.items()
                if k in self.slides_known
            },
            "slide_ids": {k: v for k, v in slide_ids(self.prs, keys).items() if v},
            "fonts": self.edited.record.get("fonts"),
            "items": self.prints,
            **provenance,
        }


def _notes_placeholder(slide: PptxSlide) -> NotesSlidePlaceholder | None:
    """The notes box of a slide's notes page (None without one): python-pptx's
    `slide.notes_slide.notes_placeholder`, the first body placeholder of the page, found without
    making a placeholder object of each of the page's placeholders."""
    try:
        page = slide.part.part_related_by(RT.NOTES_SLIDE)
    except KeyError:
        return None
    tree = page._element.find(f"{qn('p:cSld')}/{qn('p:spTree')}")
    for el in () if tree is None else tree.iterchildren(*_NOTES_SHAPE_TAGS):
        properties = next(el.iterchildren(etree.Element), None)  # its p:nvXxPr
        ph = None if properties is None else properties.find(f"{qn('p:nvPr')}/{qn('p:ph')}")
        if ph is not None and ph.get("type") == "body":
            return NotesSlidePlaceholder(el, None)  # type: ignore[arg-type]
    return None


def _graphic_frame(slide: PptxSlide, el: etree._Element) -> GraphicFrame:
    """The graphic frame `el` of `slide` (without proxying every other shape of the slide)."""
    return GraphicFrame(el, slide.shapes)  # type: ignore[arg-type]


def refresh_presentation(
    edited: EditedDeck, model: Deck, provenance: dict[str, object]
) -> tuple[bytes, tuple[Outcome, ...]]:
    """The edited deck refreshed to `model` as .pptx bytes, and the outcome of every item."""
    from deckgen.render.identity import write_record
    from deckgen.render.package import save_deterministic

    charts = str(edited.record.get("charts") or "native")
    job = _Refresh(edited, model)
    job.run(charts)
    write_record(edited.prs, job.record(provenance, charts))
    return save_deterministic(edited.prs), tuple(job.outcomes)


def refresh_deck_bytes(
    deck_path: Path,
    source: Path | Tables,
    output: Path,
    *,
    settings: Settings | None = None,
    config_path: Path | None = None,
    period: str | Period | None = None,
    templates_dir: Path | None = None,
    strict: bool = False,
    today: date | None = None,
    client: str | None = None,
) -> tuple[bytes, RefreshReport]:
    """The deck at `deck_path` refreshed with `source`, as the bytes `refresh_deck` would write
    to `output`, and its report; settings are the given ones, else the deck's (see
    `deck_settings`)."""
    from deckgen.pipeline import build_deck_model, check_output, deck_provenance, load_source

    deck_path, output = Path(deck_path), Path(output)
    check_output(output)
    if output.resolve() == deck_path.resolve():
        raise RenderError(
            f"the output {output} is the deck being refreshed; give a new file name "
            "(refresh never overwrites the deck it reads)"
        )
    edited = open_edited_deck(deck_path)
    if settings is None:
        data_path = source if isinstance(source, Path) else None
        settings = deck_settings(edited, data_path, config_path, client)
    tables = load_source(source, settings, strict=strict, today=today)
    chosen = refresh_period(edited, tables, settings, period, today)
    model, _, _ = build_deck_model(
        tables,
        chosen,
        settings,
        templates_dir=templates_dir,
        strict=strict,
        pages=refresh_pages(edited),
    )
    data, outcomes = refresh_presentation(edited, model, deck_provenance(settings, chosen))
    report = RefreshReport(
        deck=str(deck_path),
        data=str(source) if isinstance(source, Path) else "tables",
        output=str(output),
        period_before=edited.period,
        period=chosen.key,
        slides=len(edited.prs.slides),
        outcomes=outcomes,
    )
    return data, report


def report_path(output: Path) -> Path:
    """Where the report of a refresh to `output` is written: `<output stem>.refresh.json`."""
    return output.with_suffix(".refresh.json")


def refresh_deck(
    deck_path: Path,
    data: Path,
    output: Path,
    *,
    period: str | None = None,
    config_path: Path | None = None,
    templates_dir: Path | None = None,
    strict: bool = False,
    today: date | None = None,
    client: str | None = None,
) -> RefreshReport:
    """Refresh the edited deck at `deck_path` with `data` into `output` (atomically) and write
    its report beside it (`report_path`); returns the report."""
    from deckgen.pipeline import write_atomically

    deck, report = refresh_deck_bytes(
        deck_path,
        Path(data),
        Path(output),
        config_path=config_path,
        period=period,
        templates_dir=templates_dir,
        strict=strict,
        today=today,
        client=client,
    )
    write_atomically(Path(output), deck)
    write_atomically(report_path(Path(output)), report.to_json())
    return report
