"""The deck's wording: Jinja2 templates per language, rendered in a sandbox.

Templates live in `<folder>/<lang>/<name>` (e.g. `fa/slides/funnel.j2`). A consultant's folder
(`--templates DIR`) is searched first, the shipped defaults second; there is no fallback to
English, so a missing Arabic or Persian template is an error rather than English on a Persian
slide. Templates are plain text (no HTML escaping) and may not reach Python internals.

Whitespace: a blank line separates paragraphs; inside a paragraph every run of spaces, tabs
and line breaks becomes one space, so a sentence can be spread over several template lines,
and a space before , ; : . ! ? (or the Arabic-script ، ؛ ؟) is dropped.
`render` joins the paragraphs with a single "\\n"; `paragraphs` returns them as a list.
No-break spaces, zero-width non-joiners and bidi marks are kept.

Templates see data, never objects: every context is checked by deckgen.narrative.plain
(strings, numbers, dates, enums, collections of those and the narrative's frozen records), so
an edited template can word the figures but cannot reach a file, the settings or the metrics.

Filters (all format for the Wording's language, digits and currency; see deckgen.formats):
`count`, `pct`, `money`, `dec`, `score` (one per value kind), `change(kind)` (a signed change),
`month` / `month(short=True)` (a Period's label), `label(group)` (a code's term: the client's
from deckgen.toml [vocabulary], else labels.toml [group]), `plural` (the CLDR plural category
of a count: one, two, few, many...), `and_list` ("email, SEO, and TV" in the deck's language)
and `isolate` (a left-to-right isolate for a Latin run inside RTL text).
Globals: `lang` and `unit` (the currency's unit word or code).
"""

from __future__ import annotations

import re
import shutil
import tomllib
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from babel.lists import format_list

from deckgen import formats
from deckgen.config import Vocabulary
from deckgen.errors import DeckgenError, TemplateError, describe_undecodable
from deckgen.model import ValueKind
from deckgen.narrative.plain import check_plain
from deckgen.period import Period
from deckgen.sandbox import (
    LimitedSandbox,
    TemplateLimitError,
    TemplateLimits,
    Utf8FileLoader,
)
from deckgen.template_cache import shared_cache

LANGS = ("en", "ar", "fa")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r]*\n")
_SPACES = re.compile(r"[ \t\r\n]+")
# A template's line break before punctuation ("8.6%\n{% endif %};") is no space in the text.
_SPACE_BEFORE_MARK = re.compile(r" +([,;:!?\u060c\u061b\u061f]|\.(?!\.))")


def default_templates_dir() -> Path:
    """The shipped templates folder (inside the installed package, or the checkout's templates/)."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "templates", package.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise TemplateError(f"the default templates are missing (looked in {package}/templates)")


def default_definitions_file() -> Path:
    """The English metric definitions (docs/metrics.md, installed as deckgen/docs/metrics.md)."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "docs" / "metrics.md", package.parent / "docs" / "metrics.md"):
        if candidate.is_file():
            return candidate
    raise TemplateError(f"the metric definitions are missing (looked in {package}/docs)")


def normalise_whitespace(text: str) -> list[str]:
    """The paragraphs of `text`: split at blank lines, inner whitespace runs made one space."""
    parts = (
        _SPACE_BEFORE_MARK.sub(r"\1", _SPACES.sub(" ", part)).strip()
        for part in _PARAGRAPH_BREAK.split(text)
    )
    return [part for part in parts if part]


class Wording:
    """Renders the wording templates of one deck language with its number formats."""

    def __init__(
        self,
        lang: str,
        templates_dir: Path | None = None,
        *,
        digits: formats.Digits = "latn",
        currency: str = "USD",
        limits: TemplateLimits | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        if lang not in LANGS:
            raise ValueError(f"unsupported language {lang!r}; expected one of {', '.join(LANGS)}")
        formats.currency_unit(currency, lang)  # ConfigError now rather than mid-deck
        self.lang = lang
        self.digits = digits
        self.currency = currency
        self.vocabulary = vocabulary or Vocabulary()  # the client's own codes and their labels
        self.templates_dir = Path(templates_dir) if templates_dir is not None else None
        self.search_path: tuple[Path, ...] = (default_templates_dir() / lang,)
        if templates_dir is not None:
            if not Path(templates_dir).is_dir():
                raise TemplateError(f"templates folder not found: {templates_dir}")
            self.search_path = (Path(templates_dir) / lang, *self.search_path)
        self._env = LimitedSandbox(
            limits=limits,  # a render's time, steps and text: see deckgen.sandbox
            loader=Utf8FileLoader([str(p) for p in self.search_path], encoding="utf-8-sig"),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
            # Compiled templates are shared by every Wording and kept on disk between
            # processes (deckgen.template_cache): compiling costs about 0.15 s a deck.
            bytecode_cache=shared_cache(),
        )  # utf-8-sig: Windows editors may save the consultant's copy with a BOM
        self._label_tables: dict[str, Any] | None = None
        self._env.filters.update(self._env.wrap_filters(self._filters()))
        self._env.globals.update(lang=lang, unit=formats.currency_unit(currency, lang))

    def label(self, group: str, key: str) -> str:
        """The term for `key`: the client's from deckgen.toml [vocabulary], else labels.toml
        [group]; a code without one is shown as written."""
        configured = self.vocabulary.label(group, key, self.lang)
        if configured is not None:
            return configured
        table = self._labels.get(group)
        if not isinstance(table, dict):
            raise TemplateError(f"{self.lang}/labels.toml has no [{group}] table")
        if key not in table:
            return key
        # Labels hold ASCII digits ("18–24", "≤ 90%") so they follow the deck's digit setting.
        return formats.localise_digits(str(table[key]), self.lang, self.digits)

    @property
    def _labels(self) -> dict[str, Any]:
        if self._label_tables is None:
            self._label_tables = self.data("labels.toml")
        return self._label_tables

    def render(self, name: str, /, **context: Any) -> str:
        """The template `name` rendered with `context`: paragraphs joined by "\\n"; TemplateError."""
        return "\n".join(self.paragraphs(name, **context))

    def paragraphs(self, name: str, /, **context: Any) -> list[str]:
        """The template `name` rendered with `context`, as whitespace-normalised paragraphs."""
        check_plain(context, name)
        return self._run(name, lambda template: template.render(**context))

    def render_block(self, name: str, block: str, /, **context: Any) -> str:
        """One `{% block %}` of the template `name` rendered with `context`; TemplateError."""
        check_plain(context, f"{name} {block}")

        def run(template: jinja2.Template) -> str:
            if block not in template.blocks:
                raise TemplateError(f"{template.filename}: no block named {block!r}")
            try:
                return "".join(template.blocks[block](template.new_context(context)))
            except Exception:
                # Maps the compiled code's lines back to the template's, as Template.render does.
                self._env.handle_exception()

        return "\n".join(self._run(name, run))

    def data(self, name: str) -> dict[str, Any]:
        """The TOML file `name` (labels, playbook) from the search path; TemplateError."""
        for folder in self.search_path:
            path = folder / name
            if path.is_file():
                try:
                    return tomllib.loads(path.read_text(encoding="utf-8-sig"))
                except tomllib.TOMLDecodeError as exc:
                    raise TemplateError(f"{path}: {exc}") from None
                except UnicodeDecodeError as exc:
                    raise TemplateError(describe_undecodable(path, exc)) from None
        searched = " or ".join(str(p) for p in self.search_path)
        raise TemplateError(f"wording file {self.lang}/{name} not found in {searched}")

    def _run(self, name: str, render: Callable[[jinja2.Template], str]) -> list[str]:
        try:
            template = self._env.get_template(name)
            self._env.start_render()  # the budget is the render's; compiling is not counted
            return normalise_whitespace(render(template))
        except DeckgenError:
            raise
        except jinja2.TemplateNotFound as exc:
            searched = " or ".join(str(p) for p in self.search_path)
            raise TemplateError(
                f"wording template {self.lang}/{exc.name} not found in {searched}"
            ) from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"{exc.filename}, line {exc.lineno}: {exc.message}") from None
        except Exception as exc:
            where = self._template_frame(exc)
            if isinstance(exc, RecursionError):  # macros calling themselves, or deep nesting
                exc = TemplateLimitError("calls or expressions nested too deeply")
            if where is None and isinstance(exc, TemplateLimitError):
                where = f"wording template {self.lang}/{name}"
            if where is None:
                raise
            raise TemplateError(f"{where}: {exc}") from exc

    def _template_frame(self, exc: BaseException) -> str | None:
        """ "file, line n" of the innermost template line in `exc`'s traceback, if any."""
        roots = [p.resolve() for p in self.search_path]
        frames = [
            frame
            for frame in traceback.extract_tb(exc.__traceback__)
            if any(Path(frame.filename).resolve().is_relative_to(root) for root in roots)
        ]
        return f"{frames[-1].filename}, line {frames[-1].lineno}" if frames else None

    def _filters(self) -> dict[str, Callable[..., str]]:
        lang, digits, currency = self.lang, self.digits, self.currency

        def kind_filter(kind: ValueKind) -> Callable[[float | None], str]:
            return lambda value: formats.format_value(value, kind, lang, digits, currency)

        def change(delta: float | None, kind: ValueKind) -> str:
            return formats.format_change(delta, kind, lang, digits, currency)

        def month(period: Period, short: bool = False) -> str:
            if not isinstance(period, Period):
                raise TypeError(f"month: expected a month, got {type(period).__name__}")
            return formats.format_month(period, lang, digits, short)

        def label(key: str, group: str) -> str:
            return self.label(group, str(key))

        def plural(count: float) -> str:
            # CLDR's plural category in the deck's language (Arabic: zero, one, two, few, many,
            # other), so a template picks the noun form without arithmetic of its own.
            return str(formats.locale_for(lang).plural_form(abs(count)))

        def units(key: str, count: float) -> str:
            # The unit in the plural form `count` takes: labels.toml [units_<form>] where the
            # language has that form of it ([units_one], Arabic's [units_two]), else [units].
            group = f"units_{plural(count)}"
            table = self._labels.get(group)
            found = isinstance(table, dict) and str(key) in table
            return self.label(group if found else "units", str(key))

        def and_list(items: list[str]) -> str:
            texts = [str(item) for item in items]
            if lang == "fa" and len(texts) > 2:
                # CLDR puts a comma before «و»; Persian prose does not ("الف، ب و ج").
                return f"{'، '.join(texts[:-1])} و {texts[-1]}"
            return format_list(texts, locale=formats.locale_for(lang))

        return {
            "and_list": and_list,
            "count": kind_filter("count"),
            "pct": kind_filter("percent"),
            "money": kind_filter("money"),
            "dec": kind_filter("decimal"),
            "score": kind_filter("score"),
            "change": change,
            "month": month,
            "isolate": formats.isolate_ltr,
            "label": label,
            "plural": plural,
            "units": units,
        }


def export_templates(directory: Path) -> list[Path]:
    """Copies the default wording (every language) into a new or empty `directory`; the files."""
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise TemplateError(
            f"{directory} already exists and is not an empty folder; "
            "export into a new or empty folder so no edited template is overwritten"
        )
    source = default_templates_dir()
    pairs = [
        (path, directory / path.relative_to(source))
        for lang in LANGS
        for path in sorted((source / lang).rglob("*"))
        if path.is_file()
    ]
    english = directory / "en" / "definitions.md"
    if all(dst != english for _, dst in pairs):  # English definitions live in docs/metrics.md
        pairs.append((default_definitions_file(), english))
    if (source / "README.md").is_file():
        pairs.append((source / "README.md", directory / "README.md"))
    for src, dst in pairs:
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    return sorted(dst for _, dst in pairs)
