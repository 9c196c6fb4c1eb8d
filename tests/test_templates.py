"""The default wording exists in every deck language with the same shape as the English."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from deckgen.wording import LANGS, default_templates_dir

ROOT = default_templates_dir()
SLIDE_FILES = sorted(p.name for p in (ROOT / "en" / "slides").glob("*.j2"))
BLOCK = re.compile(r"{%-?\s*block\s+(\w+)")
MACRO = re.compile(r"{%-?\s*macro\s+(\w+)")
OTHER_LANGS = [lang for lang in LANGS if lang != "en"]


# labels.toml's unit forms by plural category (the `units` filter): each language has those of
# its own grammar ([units_one] in English and Arabic, [units_two] in Arabic) beside [units].
_UNIT_FORMS = re.compile(r"units_(zero|one|two|few|many)")


def _shape(value: object) -> object:
    """The keys of nested tables and the lengths of lists: what must match across languages."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items() if not _UNIT_FORMS.fullmatch(key)}
    if isinstance(value, list):
        return len(value)
    return "text"


def _toml(lang: str, name: str) -> dict:
    return tomllib.loads((ROOT / lang / name).read_text(encoding="utf-8"))


def test_english_has_the_slide_templates() -> None:
    assert "summary.j2" in SLIDE_FILES
    assert "_phrases.j2" in SLIDE_FILES


@pytest.mark.parametrize("lang", OTHER_LANGS)
def test_every_slide_template_has_the_english_blocks(lang: str) -> None:
    assert sorted(p.name for p in (ROOT / lang / "slides").glob("*.j2")) == SLIDE_FILES
    for name in SLIDE_FILES:
        english = (ROOT / "en" / "slides" / name).read_text(encoding="utf-8")
        translated = (ROOT / lang / "slides" / name).read_text(encoding="utf-8")
        assert sorted(set(BLOCK.findall(translated))) == sorted(set(BLOCK.findall(english))), name
        # A translation may add helper macros, never drop one the slides call.
        assert set(MACRO.findall(english)) <= set(MACRO.findall(translated)), name


@pytest.mark.parametrize("lang", OTHER_LANGS)
@pytest.mark.parametrize("name", ["labels.toml", "playbook.toml"])
def test_data_files_have_the_english_keys(lang: str, name: str) -> None:
    assert _shape(_toml(lang, name)) == _shape(_toml("en", name))


@pytest.mark.parametrize("lang", LANGS)
def test_every_unit_form_names_every_unit(lang: str) -> None:
    # The parity check above skips the [units_<form>] tables, which follow each language's
    # grammar; a unit missing from one would fall back to [units] unseen ("1 customers").
    labels = _toml(lang, "labels.toml")
    forms = [key for key in labels if _UNIT_FORMS.fullmatch(key)]
    assert {form: set(labels[form]) for form in forms} == {
        form: set(labels["units"]) for form in forms
    }


@pytest.mark.parametrize("lang", LANGS)
def test_age_bands_cover_the_metric_codes(lang: str) -> None:
    from deckgen.metrics.segments import AGE_BANDS

    assert set(_toml(lang, "labels.toml")["age_bands"]) == {*AGE_BANDS, "unknown"}


def test_labels_hold_no_native_digits() -> None:
    # Labels go through the deck's digit setting, so native digits typed in a file would
    # ignore a client's choice of Latin digits.
    for lang in OTHER_LANGS:
        text = Path(ROOT / lang / "labels.toml").read_text(encoding="utf-8")
        assert not re.search("[\u06f0-\u06f9\u0660-\u0669]", text), lang


def _needs(item: object) -> list[str]:
    return item.get("needs", []) if isinstance(item, dict) else []


@pytest.mark.parametrize("lang", OTHER_LANGS)
def test_playbook_advice_needs_the_same_data_in_every_language(lang: str) -> None:
    english, translated = _toml("en", "playbook.toml"), _toml(lang, "playbook.toml")
    for stage, entry in english.items():
        for key in ("questions", "strategies"):
            assert [_needs(i) for i in translated[stage][key]] == [_needs(i) for i in entry[key]]


@pytest.mark.parametrize("lang", LANGS)
def test_every_playbook_list_keeps_advice_for_any_client(lang: str) -> None:
    # A client with no club, leads, channels, feedback or surveys still gets questions and
    # strategies for every stage.
    for stage, entry in _toml(lang, "playbook.toml").items():
        for key in ("questions", "strategies"):
            assert any(not _needs(item) for item in entry[key]), (lang, stage, key)


@pytest.mark.parametrize("lang", OTHER_LANGS)
def test_the_glossary_defines_the_english_measures(lang: str) -> None:
    assert _shape(_toml(lang, "glossary.toml")) == _shape(_toml("en", "glossary.toml"))


def test_every_glossary_entry_is_a_definition_the_deck_cites() -> None:
    from deckgen.definitions import load_definitions
    from deckgen.slides.registry import REGISTRY

    cited = {anchor for entry in REGISTRY for anchor in entry.cites}
    # Added by builders as the data has them: the club's optional figures, the orders-rule stock.
    cited |= {"club-tiers", "club-offers", "club-points", "referrals", "frequent-buyers"}
    glossary = set(_toml("en", "glossary.toml"))
    assert glossary <= cited
    assert glossary <= set(load_definitions("en"))


@pytest.mark.parametrize("lang", LANGS)
def test_every_slide_kind_has_its_template(lang: str) -> None:
    from deckgen.slides.registry import REGISTRY

    for entry in REGISTRY:
        path = ROOT / lang / entry.template
        blocks = set(BLOCK.findall(path.read_text(encoding="utf-8")))
        needed = {"notes"} | ({"title", "subtitle"} if entry.kind == "title" else {"topic"})
        assert needed <= blocks, (lang, entry.kind)
