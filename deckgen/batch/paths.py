"""Where a run writes: the output pattern, safe file names for clients, the output root."""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePath

PLACEHOLDERS = ("client", "period", "lang")
_UNSAFE = re.compile(r"[^\w.-]+")  # \w is Unicode-aware: Persian and Arabic names stay readable
_MAX_SLUG = 80  # characters, and
_MAX_SLUG_BYTES = 160  # in UTF-8 (file systems count bytes: 255 per name), so a slug leaves
# room for the rest of a file name: Persian letters take 2 bytes, CJK 3, rarer letters 4
_MAX_NAME_BYTES = 255  # one file or folder name


def slugify(name: str) -> str:
    """A file-name-safe form of a client name (no separators, no leading dots); ValueError if empty."""
    text = unicodedata.normalize("NFKC", name).strip()
    text = _UNSAFE.sub("-", text)
    text = re.sub(r"-{2,}", "-", text).strip("-.")[:_MAX_SLUG]
    while len(text.encode("utf-8")) > _MAX_SLUG_BYTES:
        text = text[:-1]
    text = text.strip("-.")
    if not text:
        raise ValueError(f"client name {name!r} has no letters or digits to name its files after")
    return text


@dataclass(frozen=True)
class OutputPattern:
    """A checked output pattern such as `reports/{client}/{period}.pptx`, anchored at a folder."""

    text: str
    base: Path  # the run config's folder; relative patterns start here

    @property
    def root(self) -> Path:
        """The output folder: the pattern's fixed leading folders (every deck lands inside it)."""
        fixed: list[str] = []
        for part in PurePath(self.text).parent.parts:
            if "{" in part:
                break
            fixed.append(part)
        return Path(self.base, *fixed)

    def path(self, client_slug: str, period: str, lang: str) -> Path:
        """The deck path for one client; ValueError if it would land outside the output root."""
        rendered = self.text.format(client=client_slug, period=period, lang=lang)
        target = Path(self.base, rendered)
        for name in Path(rendered).parts:
            if len(name.encode("utf-8")) > _MAX_NAME_BYTES:
                raise ValueError(
                    f"the deck path {target} has a name of {len(name.encode('utf-8'))} bytes; "
                    f"file systems allow {_MAX_NAME_BYTES}"
                )
        root = self.root.resolve()
        if not target.resolve().is_relative_to(root):
            raise ValueError(f"the deck path {target} falls outside the output folder {root}")
        return target


def check_pattern(text: str) -> list[str]:
    """Every problem with an output pattern, as sentences (empty when it is usable)."""
    problems: list[str] = []
    try:
        parsed = [
            (f, spec or conv)
            for _, f, spec, conv in string.Formatter().parse(text)
            if f is not None
        ]
    except ValueError as exc:
        return [f"output pattern {text!r} is malformed ({exc}); write placeholders as {{client}}"]
    fields = [f for f, _ in parsed]
    unknown = sorted({f for f in fields if f not in PLACEHOLDERS})
    if unknown:
        allowed = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
        problems.append(f"output pattern uses unknown placeholder(s) {unknown}; allowed: {allowed}")
    if any(extra for _, extra in parsed):
        problems.append("output pattern placeholders take no format spec or conversion")
    if "client" not in fields:
        problems.append(
            "output pattern must contain {client}, so that clients do not overwrite each other"
        )
    if not text.lower().endswith(".pptx"):
        problems.append("output pattern must end in .pptx")
    parts = PurePath(text).parts
    first_variable = next((i for i, part in enumerate(parts) if "{" in part), len(parts))
    if ".." in parts[first_variable:]:
        problems.append("output pattern may not use '..' after its first placeholder")
    return problems
