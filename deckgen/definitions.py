"""Metric definitions for speaker notes and the appendix, read from markdown.

English comes from docs/metrics.md, Arabic and Persian from templates/<lang>/definitions.md; a
consultant's templates folder may override any of them with `<folder>/<lang>/definitions.md`.
A definition is a level-3 heading with an anchor, then a quoted paragraph:

    ### Repeat rate {#repeat-rate}

    > Share of the month's customers who had ordered before,
    > counted once each.

The first quote after the heading is the text (prose in between is skipped); its lines are
joined with spaces, a bare `>` line starts a new paragraph ("\\n"), and inline markdown is
reduced to plain text: links and emphasis keep their text, cross-references such as
"(#churn-days)" are dropped, and code spans keep their text, wrapped in a left-to-right isolate
in Arabic and Persian so config keys and formulas (`churn_days`, `R:F`) keep their order. Digits
outside code spans follow the deck's `digits`, so translations are written with Latin digits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from deckgen.errors import TemplateError, describe_undecodable
from deckgen.formats import Digits, direction, isolate_ltr, localise_digits
from deckgen.wording import LANGS, default_definitions_file, default_templates_dir

_HEADING = re.compile(r"^###\s+(?P<title>.+?)\s*\{#(?P<anchor>[A-Za-z0-9_-]+)\}\s*$")
_ANY_HEADING = re.compile(r"^#{1,6}\s")
_QUOTE = re.compile(r"^\s{0,3}>\s?(?P<text>.*)$")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_CODE = re.compile(r"`([^`]*)`")
_ANCHOR_REF = re.compile(r"\s*\(#[A-Za-z0-9_-]+\)")
_EMPHASIS = re.compile(r"(\*\*|\*)(?=\S)(.+?)(?<=\S)\1")


@dataclass(frozen=True)
class Definition:
    """One metric definition: its anchor in docs/metrics.md, title and plain text."""

    anchor: str  # e.g. "repeat-rate", cited as docs/metrics.md#repeat-rate
    title: str
    text: str  # plain text; paragraphs separated by "\n"


def definitions_file(lang: str, templates_dir: Path | None = None) -> Path:
    """The markdown file holding the definitions for `lang` (a consultant's copy first)."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}; expected one of {', '.join(LANGS)}")
    if templates_dir is not None:
        custom = Path(templates_dir) / lang / "definitions.md"
        if custom.is_file():
            return custom
    if lang == "en":
        return default_definitions_file()
    return default_templates_dir() / lang / "definitions.md"


def load_definitions(
    lang: str, templates_dir: Path | None = None, digits: Digits = "latn"
) -> Mapping[str, Definition]:
    """Anchor → Definition for `lang`, in file order; TemplateError if the file is malformed."""
    path = definitions_file(lang, templates_dir)
    try:
        text = path.read_text(encoding="utf-8-sig")  # tolerate a BOM from Windows editors
    except OSError as exc:
        raise TemplateError(f"cannot read the {lang} metric definitions {path}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise TemplateError(describe_undecodable(path, exc)) from None
    return parse_definitions(text, str(path), lang, digits)


def parse_definitions(
    text: str, source: str, lang: str = "en", digits: Digits = "latn"
) -> Mapping[str, Definition]:
    """Anchor → Definition from markdown `text` (`source` names it in errors), in order."""
    found: dict[str, Definition] = {}
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        heading = _HEADING.match(line)
        if heading is None:
            continue
        anchor = heading["anchor"]
        if anchor in found:
            raise TemplateError(f"{source}, line {number}: anchor {{#{anchor}}} is defined twice")
        body = "\n".join(_plain(part, lang, digits) for part in _quote_after(lines, number))
        if not body:
            raise TemplateError(
                f"{source}, line {number}: definition {{#{anchor}}} has no quoted paragraph "
                "('> ...') below its heading"
            )
        found[anchor] = Definition(anchor, _plain(heading["title"], lang, digits), body)
    return MappingProxyType(found)


def _quote_after(lines: list[str], heading_line: int) -> list[str]:
    """The paragraphs of the first `>` block after the heading on `heading_line` (1-based)."""
    paragraphs: list[list[str]] = []
    for line in lines[heading_line:]:
        quote = _QUOTE.match(line)
        if quote is None:
            if paragraphs or _ANY_HEADING.match(line):
                break
            continue
        content = quote["text"].strip()
        if not paragraphs or (not content and paragraphs[-1]):
            paragraphs.append([])
        if content:
            paragraphs[-1].append(content)
    return [" ".join(words) for words in paragraphs if words]


def _plain(markdown: str, lang: str, digits: Digits) -> str:
    """Inline markdown as plain text for a deck in `lang` (see the module docstring)."""
    rtl = direction(lang) == "rtl"
    parts = _CODE.split(_ANCHOR_REF.sub("", _LINK.sub(r"\1", markdown)))  # prose, code, ...
    plain = []
    for index, part in enumerate(parts):
        if index % 2:
            plain.append(isolate_ltr(part) if rtl else part)
        else:
            plain.append(localise_digits(_EMPHASIS.sub(r"\2", part), lang, digits))
    return "".join(plain)
