"""Brand templates: the default or a client's .pptx, its layouts per slide kind, theme colours/fonts.

A layout serves a slide kind when its name is one deckgen knows (case-insensitive) and it has
the placeholders the kind needs; otherwise the first layout with those placeholders is used.
Section slides fall back to the title layout. A template without a title or content layout, or
with slides smaller than MIN_SLIDE_W x MIN_SLIDE_H, is rejected with a `TemplateError` naming
what is wrong. Templates come from outside: deckgen.render.template_package checks the file
before python-pptx reads it and strips what must not reach a deck.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.exc import PackageNotFoundError
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.presentation import Presentation as PresentationType
from pptx.slide import SlideLayout

import deckgen
from deckgen.errors import TemplateError
from deckgen.render.layout import DESIGN_H, DESIGN_W, EMU_PER_INCH
from deckgen.render.package import open_presentation
from deckgen.render.template_package import (
    describe_contents,
    drop_external_links,
    drop_macros,
    drop_slides,
    read_template_package,
    survey_template,
    template_warnings,
)

DEFAULT_CS_FONT = "Noto Sans Arabic"  # complex-script font when the theme names none
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_COLOR_NAMES = (
    "dk1",
    "lt1",
    "dk2",
    "lt2",
    "accent1",
    "accent2",
    "accent3",
    "accent4",
    "accent5",
    "accent6",
)
_TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
_SUBTITLES = (PP_PLACEHOLDER.SUBTITLE, PP_PLACEHOLDER.BODY)
# Layout names deckgen recognises per slide kind, best first.
_KIND_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("deckgen title", "title slide", "title"),
    "section": ("deckgen section", "section header", "section"),
    "content": ("deckgen content", "title only", "title and content", "content"),
}
_KIND_NEEDS = {
    "title": "a layout with a title and a subtitle (or body) placeholder",
    "section": "a layout with a title placeholder",
    "content": "a layout with a title placeholder",
}
SLIDE_KINDS = tuple(_KIND_NAMES)
# The grid scales to the slide. 3/4 of the 13.33 x 7.5 in design (10 x 5.625 in) is the smallest
# size PowerPoint offers for screens; below it titles and text no longer fit their boxes.
MIN_SLIDE_W, MIN_SLIDE_H = DESIGN_W * 3 // 4, DESIGN_H * 3 // 4
_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@dataclass(frozen=True)
class Theme:
    """A template's theme: colour scheme as RRGGBB hex and font names."""

    colors: dict[str, str]  # "dk1", "lt1", "dk2", "lt2", "accent1".."accent6" -> "RRGGBB"
    major_font: str  # headings, Latin script
    minor_font: str  # body text, Latin script
    cs_font: str  # complex script (Arabic, Persian)


@dataclass(frozen=True)
class Brand:
    """An opened template ready to add slides to, with its layout per slide kind and theme."""

    presentation: PresentationType
    layouts: dict[str, SlideLayout]  # slide kind ("title", "section", "content") -> layout
    theme: Theme
    warnings: tuple[str, ...] = ()  # what was dropped from the template, or kept but is costly


def bundled_templates_dir() -> Path:
    """The shipped `templates/` folder: inside the installed package, else the source checkout."""
    installed = Path(deckgen.__file__).resolve().parent / "templates"
    if installed.is_dir():
        return installed
    return Path(deckgen.__file__).resolve().parent.parent / "templates"


def default_template_path() -> Path:
    """The default 16:9 brand template shipped with deckgen."""
    return bundled_templates_dir() / "default.pptx"


def _open(path: Path) -> tuple[PresentationType, str]:
    """The template opened as a presentation, and what kind of file it is; TemplateError."""
    entries, kind = read_template_package(path)
    try:
        return open_presentation(entries), kind
    except (PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError):
        raise TemplateError(
            f"template {path}: not a PowerPoint presentation (.pptx); "
            "save it from PowerPoint as .pptx and try again"
        ) from None


def _size_problem(prs: PresentationType) -> str | None:
    """Why the slides are too small to lay out a deck on, if they are."""
    width, height = prs.slide_width or 0, prs.slide_height or 0
    if width >= MIN_SLIDE_W and height >= MIN_SLIDE_H:
        return None
    return (
        f"its slides are {_inches(width)} x {_inches(height)} in, too small to lay out a deck "
        f"on (deckgen needs at least {_inches(MIN_SLIDE_W)} x {_inches(MIN_SLIDE_H)} in)"
    )


def _placeholder_types(layout: SlideLayout) -> set[PP_PLACEHOLDER]:
    return {ph.placeholder_format.type for ph in layout.placeholders}


def _serves(kind: str, layout: SlideLayout) -> bool:
    types = _placeholder_types(layout)
    if not types & set(_TITLES):
        return False
    return kind != "title" or bool(types & set(_SUBTITLES))


def _other_placeholders(layout: SlideLayout) -> int:
    skip = {*_TITLES, PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER}
    return sum(ph.placeholder_format.type not in skip for ph in layout.placeholders)


def _find_layout(kind: str, layouts: list[SlideLayout]) -> SlideLayout | None:
    """The layout for `kind`: by known name first, then by placeholders."""
    usable = [layout for layout in layouts if _serves(kind, layout)]
    for name in _KIND_NAMES[kind]:
        for layout in usable:
            if layout.name.strip().lower() == name:
                return layout
    if kind == "title":
        centred = [lay for lay in usable if PP_PLACEHOLDER.CENTER_TITLE in _placeholder_types(lay)]
        return (centred or usable or [None])[0]
    if kind == "content" and usable:
        return min(usable, key=_other_placeholders)  # fewest placeholders to leave empty
    return None


def _match_layouts(prs: PresentationType) -> tuple[dict[str, SlideLayout], list[str]]:
    """Layouts per slide kind and the kinds no layout serves."""
    layouts = list(prs.slide_layouts)
    found: dict[str, SlideLayout] = {}
    missing: list[str] = []
    for kind in SLIDE_KINDS:
        layout = _find_layout(kind, layouts)
        if layout is None and kind == "section" and "title" in found:
            layout = found["title"]
        if layout is None:
            missing.append(kind)
        else:
            found[kind] = layout
    return found, missing


def _theme_xml(prs: PresentationType) -> etree._Element:
    master_part = prs.slide_master.part
    theme_part = master_part.part_related_by(RT.THEME)
    return etree.fromstring(theme_part.blob, _SAFE_XML)


def read_theme(prs: PresentationType) -> Theme:
    """The theme of the presentation's first slide master."""
    root = _theme_xml(prs)
    ns = {"a": _A}
    colors: dict[str, str] = {}
    scheme = root.find(".//a:clrScheme", ns)
    for name in _COLOR_NAMES:
        node = scheme.find(f"a:{name}/*", ns) if scheme is not None else None
        value = None if node is None else node.get("lastClr") or node.get("val")
        colors[name] = (value or "000000").upper()

    def font(group: str, child: str) -> str:
        node = root.find(f".//a:fontScheme/a:{group}/a:{child}", ns)
        return "" if node is None else node.get("typeface", "")

    return Theme(
        colors=colors,
        major_font=font("majorFont", "latin") or "Calibri",
        minor_font=font("minorFont", "latin") or "Calibri",
        cs_font=font("minorFont", "cs") or DEFAULT_CS_FONT,
    )


def load_brand(path: Path | None = None) -> Brand:
    """The template at `path` (default: deckgen's own) opened with no slides, no outside links
    and no macros; TemplateError if it cannot serve a deck."""
    path = default_template_path() if path is None else path
    prs, kind = _open(path)
    too_small = _size_problem(prs)
    if too_small:
        raise TemplateError(f"template {path}: {too_small}")
    layouts, missing = _match_layouts(prs)
    if missing:
        needs = "; ".join(f"{kind} slides need {_KIND_NEEDS[kind]}" for kind in missing)
        raise TemplateError(f"template {path} cannot serve every slide kind: {needs}")
    contents = survey_template(prs, kind)
    # deckgen builds every slide fresh from a layout (python-pptx #688: copies share charts).
    drop_slides(prs)
    drop_external_links(prs)
    drop_macros(prs)
    return Brand(prs, layouts, read_theme(prs), template_warnings(path, contents))


def deck_brand(prs: PresentationType, name: str) -> Brand:
    """The brand of a deck deckgen made (its own layouts and theme), to draw more slides into it;
    TemplateError when its layouts can no longer serve every slide kind."""
    layouts, missing = _match_layouts(prs)
    if missing:
        needs = "; ".join(f"{kind} slides need {_KIND_NEEDS[kind]}" for kind in missing)
        raise TemplateError(f"{name} cannot serve every slide kind any more: {needs}")
    return Brand(prs, layouts, read_theme(prs))


def check_template(path: Path) -> tuple[str, ...]:
    """The warnings of the template at `path`; TemplateError unless it can serve every kind."""
    return load_brand(path).warnings


def layout_kind(slide_kind: str) -> str:
    """The layout kind a slide of `slide_kind` is built on: title, section or content."""
    return slide_kind if slide_kind in ("title", "section") else "content"


def _inches(emu: int | None) -> str:
    return "?" if emu is None else f"{emu / EMU_PER_INCH:.2f}"


def inspect_template(path: Path) -> str:
    """A readable listing of a template's layouts, placeholders, theme and servable slide kinds,
    and of what deckgen drops from it or keeps with a warning."""
    return template_report(path)[0]


def template_report(path: Path) -> tuple[str, bool]:
    """The listing of `inspect_template` and whether deckgen can render with the template."""
    prs, kind = _open(path)
    theme = read_theme(prs)
    width, height = prs.slide_width or 0, prs.slide_height or 0
    ratio = "16:9" if abs(width / max(height, 1) - 16 / 9) < 0.01 else "not 16:9"
    too_small = _size_problem(prs)
    lines = [
        f"Template: {path} (a {kind})",
        f"Slide size: {_inches(width)} x {_inches(height)} in ({ratio})"
        + (f": {too_small}" if too_small else ""),
        "Theme colours: " + ", ".join(f"{k} #{v}" for k, v in theme.colors.items()),
        f"Theme fonts: headings {theme.major_font}, body {theme.minor_font}, "
        f"complex script {theme.cs_font}",
        "Layouts:",
    ]
    for number, layout in enumerate(prs.slide_layouts, start=1):
        lines.append(f"  {number}. {layout.name}")
        for ph in layout.placeholders:
            fmt = ph.placeholder_format
            lines.append(
                f"       idx {fmt.idx:<3} {fmt.type.name.lower():<13} {ph.name!r} at "
                f"({_inches(ph.left)}, {_inches(ph.top)}) in, "
                f"{_inches(ph.width)} x {_inches(ph.height)} in"
            )
    layouts, missing = _match_layouts(prs)
    lines.append("Slide kinds:")
    for kind in SLIDE_KINDS:
        if kind in layouts:
            lines.append(f"  {kind:<8} -> layout {layouts[kind].name!r}")
        else:
            lines.append(f"  {kind:<8} -> MISSING: needs {_KIND_NEEDS[kind]}")
    lines += describe_contents(survey_template(prs, kind))
    problems = [f"missing: {', '.join(missing)}"] if missing else []
    problems += ["slides too small"] if too_small else []
    lines.append(f"Usable: no ({'; '.join(problems)})" if problems else "Usable: yes")
    return "\n".join(lines), not problems
