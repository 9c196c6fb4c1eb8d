"""What a hostile wording template can cost: each ends in one TemplateError naming file and line."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from deckgen.errors import TemplateError
from deckgen.sandbox import MAX_TEMPLATE_BYTES, TemplateLimits
from deckgen.wording import Wording
from tests.test_wording import write

STEPS = "loop iterations and calls"
TEXT = "characters of text in one render"
NESTED_LOOPS = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"


def render_error(
    root: Path, source: str, limits: TemplateLimits | None = None, **context: object
) -> str:
    """The message of the TemplateError that rendering `source` (at line 3) raises."""
    path = write(root, "en/hostile.j2", f"Title\n\n{source}\n")
    with pytest.raises(TemplateError) as caught:
        Wording("en", root, limits=limits).render("hostile.j2", **context)
    message = str(caught.value)
    assert message.startswith(f"{path}, line 3: "), message
    return message


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (NESTED_LOOPS, STEPS),  # nothing is written: the loops themselves are counted
        (NESTED_LOOPS.replace("{% endfor %}{% endfor %}", "x{% endfor %}{% endfor %}"), STEPS),
        (
            "{% for i in range(100000) recursive %}"
            "{% if loop.depth < 4 %}{{ loop(range(100000)) }}{% endif %}{% endfor %}",
            STEPS,
        ),
        ("{% macro f(n) %}{{ f(n - 1) }}{{ f(n - 1) }}{% endmacro %}{{ f(60) }}", "nested"),
        ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "nested too deeply"),
        ("{{ 'a' * 10**9 }}", TEXT),
        ("{{ 'a' * 1000000000 }}", TEXT),  # a literal: refused at run time, not folded
        ("{{ ['a'] * 10**9 }}", TEXT),
        (
            "{% set ns = namespace(s='a') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}"
            "{% endfor %}",
            TEXT,
        ),
        (
            "{% set ns = namespace(s='a') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}"
            "{% endfor %}",
            TEXT,
        ),
        ("{% set l = [1] %}{% for i in range(64) %}{% set _ = l.extend(l) %}{% endfor %}", TEXT),
        ("{% for i in range(100000) %}{{ 'y' * 500 }}{% endfor %}", TEXT),
        ("{% for i in range(100000) %}a constant line of text{% endfor %}", TEXT),
        ("{% set s %}{% for i in range(100000) %}{{ 'y' * 500 }}{% endfor %}{% endset %}", TEXT),
        ("{% set l = ['x' * 400000] * 100000 %}{{ l }}", TEXT),  # the list's text, not its size
        ("{% set l = ['x' * 400000] * 100000 %}{{ l | join }}", TEXT),
        ("{% set l = ['x' * 400000] * 100000 %}{{ l | and_list }}", TEXT),
        ("{% set l = ['x' * 400000] * 100000 %}{{ l | format }}", TEXT),
        ("{% set l = ['x' * 400000] * 100000 %}{{ l | replace('a', 'b') }}", TEXT),
        ("{% set l = ['x' * 400000] * 100000 %}{{ l | upper }}", TEXT),
        ("{{ 'a' | center(1000000000) }}", TEXT),
        ("{{ 'a'.ljust(1000000000) }}", TEXT),
        ("{{ ('ab' * 400000).replace('a', 'x' * 1000) }}", TEXT),
        ("{{ [1] | batch(1000000000, 'x') | list }}", TEXT),
        ("{{ '{:>1000000000}'.format(1) }}", "width or precision of 1000000000"),
        ("{{ '%1000000000s' % 'a' }}", "width or precision of 1000000000"),
        ("{{ '%.*f' % (1000000000, 1.0) }}", "width or precision of *"),
        ("{{ 7 ** 100000 }}", "more than 10,000 digits"),
        (
            "{{ 10 ** (10 ** (10 ** 10)) }}",
            "more than 10,000 digits",
        ),  # Jinja reads ** left to right
        ("{{ range(10**9) | list }}", "MAX_RANGE"),
        ("{{ 'abc'.translate({97: 'x' * 900000}) }}", "unsafe"),
    ],
)
def test_a_costly_template_stops_with_its_file_and_line(
    tmp_path: Path, source: str, expected: str
) -> None:
    tracemalloc.start()  # slows rendering: a minute's time budget leaves the steps to stop it
    try:
        message = render_error(tmp_path, source, TemplateLimits(seconds=60))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert expected in message
    assert peak < 64 * 2**20  # bytes: refused before it allocates, never gigabytes


def test_the_time_budget_stops_a_render_the_step_budget_allows(tmp_path: Path) -> None:
    message = render_error(tmp_path, NESTED_LOOPS, TemplateLimits(seconds=0.2, steps=10**12))
    assert "took longer than 0.2 s to render" in message


def test_the_line_named_is_the_one_that_went_over(tmp_path: Path) -> None:
    source = "{% set n = 3 %}\nfine {{ n }}\n{% for i in range(10) %}\n{{ 'z' * 90 }}\n{% endfor %}"
    path = write(tmp_path, "en/long.j2", source)
    with pytest.raises(TemplateError, match=rf"^{path}, line 4: .*more than 500 characters"):
        Wording("en", tmp_path, limits=TemplateLimits(chars=500)).render("long.j2")


def test_every_render_has_its_own_budget_and_compiled_templates_stay_cached(
    tmp_path: Path,
) -> None:
    write(tmp_path, "en/list.j2", "{% for i in range(30) %}{{ i }} {% endfor %}")
    wording = Wording("en", tmp_path, limits=TemplateLimits(steps=40))
    first = wording.render("list.j2")
    assert first == " ".join(str(i) for i in range(30))
    assert wording.render("list.j2") == first  # 60 steps over two renders: each has 40
    environment = wording._env
    assert environment.cache is not None and len(environment.cache) == 1
    cached = environment.bytecode_cache._code  # the process-wide cache behind new Wordings
    assert any(b"budget_iter" in code for code in cached.values())
    assert Wording("en", tmp_path).render("list.j2") == first


def test_ordinary_templates_keep_working(tmp_path: Path) -> None:
    source = (
        "{{ 'a' ~ 'b' }} {{ [1, 2] | join(', ') }} {{ 'x-y'.replace('-', '') }} "
        "{{ '%5.1f' % 3.14159 }} {{ '{:>3}|'.format('q') }} {{ 'hi' * 2 }} {{ 2 ** 10 }} "
        "{{ [3, 1] | sort | list }} {{ 'Ab' | lower }} {{ [1, 2] | sum }} "
        "{% set l = [] %}{% set _ = l.append('k') %}{{ l | length }}"
    )
    write(tmp_path, "en/ok.j2", source)
    assert Wording("en", tmp_path).render("ok.j2") == "ab 1, 2 xy 3.1 q| hihi 1024 [1, 3] ab 3 1"


@pytest.mark.parametrize("name", ["tojson", "pprint", "random", "xmlattr"])
def test_unbounded_and_random_filters_are_not_available(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, "en/f.j2", f"{{{{ [1] | {name} }}}}")
    with pytest.raises(TemplateError, match=rf"{path}, line 1: No filter named '{name}'"):
        Wording("en", tmp_path).render("f.j2")


def test_lipsum_is_not_available(tmp_path: Path) -> None:
    path = write(tmp_path, "en/l.j2", "{{ lipsum(1000000) }}")
    with pytest.raises(TemplateError, match=rf"{path}, line 1: 'lipsum' is undefined"):
        Wording("en", tmp_path).render("l.j2")


def test_a_template_that_is_not_utf8_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "en" / "latin1.j2"
    path.parent.mkdir()
    path.write_bytes("Title\n\nCaf\u00e9 {{ 1 }}\n".encode("latin-1"))
    with pytest.raises(TemplateError) as caught:
        Wording("en", tmp_path).render("latin1.j2")
    assert (
        str(caught.value) == f"{path}, line 3: not UTF-8 text (byte 0xe9); save the file as UTF-8"
    )


def test_an_included_template_that_is_not_utf8_names_that_file(tmp_path: Path) -> None:
    write(tmp_path, "en/outer.j2", '{% import "macros.j2" as m %}{{ m.x() }}')
    inner = tmp_path / "en" / "macros.j2"
    inner.write_bytes(b"{% macro x() %}\xff{% endmacro %}")
    with pytest.raises(TemplateError, match=rf"^{inner}, line 1: not UTF-8 text \(byte 0xff\)"):
        Wording("en", tmp_path).render("outer.j2")


def test_labels_that_are_not_utf8_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "en" / "labels.toml"
    path.parent.mkdir()
    path.write_bytes(b'a = "x"\nb = "\xe9"\n')
    with pytest.raises(TemplateError, match=rf"^{path}, line 2: not UTF-8 text \(byte 0xe9\)"):
        Wording("en", tmp_path).data("labels.toml")


def test_a_template_file_too_large_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "en/huge.j2", "x" * (MAX_TEMPLATE_BYTES + 1))
    with pytest.raises(TemplateError, match=rf"{path} is 1,000,001 bytes; the limit is 1,000,000"):
        Wording("en", tmp_path).render("huge.j2")


def test_an_expression_nested_too_deep_to_compile(tmp_path: Path) -> None:
    write(tmp_path, "en/deep.j2", "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}")
    with pytest.raises(TemplateError, match=r"en/deep\.j2: calls or expressions nested too deeply"):
        Wording("en", tmp_path).render("deep.j2")
