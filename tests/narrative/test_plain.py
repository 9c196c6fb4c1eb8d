"""Templates see data, never objects: no file, setting, metric or function is reachable."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from deckgen.config import Settings
from deckgen.errors import TemplateError
from deckgen.metrics.common import Change
from deckgen.narrative.common import Tracker
from deckgen.narrative.plain import check_plain
from deckgen.narrative.told import Moved, Trend
from deckgen.period import Period
from deckgen.slides.deck import build_deck
from deckgen.wording import LANGS, Wording
from tests.slides.conftest import metrics_of

SECRET = "deckgen-secret-line"


@pytest.mark.parametrize(
    "value",
    [
        {"p": Period("gregorian", 2026, 10), "names": ("a", "b"), "n": 3, "x": None},
        {"moved": Moved(Trend.UP, 2.0, 1.0, 1.0), "when": date(2026, 10, 31)},
        {"tracker": Tracker("Loyalty", None), "rows": [{"k": 1.5}]},
    ],
)
def test_plain_values_pass(value: dict[str, Any]) -> None:
    check_plain(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"c": Path("/etc")}, r"\['c'\] is a PosixPath"),
        ({"s": Settings()}, r"\['s'\] is a Settings"),
        ({"f": len}, r"\['f'\] is a builtin_function_or_method"),
        ({"m": Change(1.0, None)}, r"deckgen\.metrics\.common\.Change: templates are given"),
        ({"rows": [1, {"deep": open}]}, r"\['deep'\] is a builtin_function"),
        ({"bytes": b"x"}, "is a bytes"),
    ],
)
def test_objects_are_refused_with_the_path_to_them(value: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        check_plain(value, "context")


def test_a_template_cannot_read_a_file_through_the_context(
    tmp_path: Path, sample_tables: object
) -> None:
    # The expression that read any file when the context held the slide context `c`.
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    path = tmp_path / "templates" / "en" / "slides" / "title.j2"
    path.parent.mkdir(parents=True)
    path.write_text(
        "{% block title %}Review{% endblock %}{% block subtitle %}x{% endblock %}"
        "{% block footer %}f{% endblock %}"
        "{% block notes %}{{ c.wording.templates_dir.joinpath('/etc/passwd').read_text() }}"
        f"{{{{ c.wording.templates_dir.joinpath('{secret}').read_text() }}}}{{% endblock %}}",
        encoding="utf-8",
    )
    metrics = metrics_of(sample_tables)  # type: ignore[arg-type]
    wording = Wording("en", tmp_path / "templates")
    with pytest.raises(TemplateError, match=r"title\.j2, line 1: 'c' is undefined") as raised:
        build_deck(metrics, Settings(), wording)
    assert SECRET not in str(raised.value) and "root:" not in str(raised.value)


@pytest.mark.parametrize(
    "expression",
    [
        "{{ period.__class__ }}",
        "{{ period.start.__class__.__mro__ }}",
        "{{ client.__class__.__base__.__subclasses__() }}",
        "{{ lang.__class__ }}",
    ],
)
def test_the_sandbox_still_blocks_internals_of_plain_values(
    tmp_path: Path, expression: str
) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "x.j2").write_text(expression, encoding="utf-8")
    with pytest.raises(TemplateError):
        Wording("en", tmp_path).render("x.j2", period=Period("gregorian", 2026, 10), client="C")


def _walk(value: object, where: str) -> None:
    """An independent walk: what a template may be given (deckgen.narrative.plain's rule)."""
    assert not callable(value) or isinstance(value, Enum), where
    if isinstance(value, str | int | float | bool | date | Enum) or value is None:
        return
    if isinstance(value, tuple | list):
        for k, item in enumerate(value):
            _walk(item, f"{where}[{k}]")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            assert isinstance(key, str | int), where
            _walk(item, f"{where}[{key!r}]")
    else:
        kind = type(value)
        assert dataclasses.is_dataclass(value), f"{where}: {kind}"
        assert kind.__dataclass_params__.frozen, where  # type: ignore[attr-defined]
        assert kind.__module__.startswith(("deckgen.narrative.", "deckgen.period")), where
        for field in dataclasses.fields(value):
            _walk(getattr(value, field.name), f"{where}.{field.name}")


@pytest.mark.parametrize("lang", LANGS)
def test_every_template_context_of_the_sample_deck_is_plain_data(
    lang: str, sample_tables: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str, dict[str, Any]]] = []
    original = Wording.render_block

    def recording(self: Wording, name: str, block: str, /, **context: Any) -> str:
        seen.append((name, block, context))
        return original(self, name, block, **context)

    monkeypatch.setattr(Wording, "render_block", recording)
    settings = Settings(lang=lang)
    deck = build_deck(metrics_of(sample_tables), settings, Wording(lang, digits="latn"))  # type: ignore[arg-type]
    templates = {name for name, _, _ in seen}
    # Every slide kind's template was rendered, with a record in most blocks.
    assert len(templates) >= len({s.kind for s in deck.slides})
    assert sum(bool(context) for _, _, context in seen) > 100
    for name, block, context in seen:
        _walk(context, f"{lang}/{name} {block}")
