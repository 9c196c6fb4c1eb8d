"""Client names and output patterns from a run config that someone else may have written."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from deckgen.batch.progress import LogLines
from deckgen.batch.runner import execute_run
from tests.batch.test_runner import NOV_1

LONG_CHARACTER = "\U00020000"  # a CJK letter of 4 bytes in UTF-8


def _run(config: Path, render: Callable[..., Any]) -> tuple[Any, str]:
    log = io.StringIO()
    result = execute_run(
        config, None, reporter=LogLines(log, io.StringIO()), render=render, today=NOV_1, jobs=1
    )
    return result, log.getvalue()


def test_a_newline_in_a_client_name_cannot_forge_log_lines(
    tmp_path: Path, make_config: Callable[[str], Path], render: Callable[..., Any]
) -> None:
    (tmp_path / "acme.xlsx").write_text("good")
    forged = "2026-11-01T03:00:00+00:00 deckgen: ok Globex (0.1s): wrote forged.pptx"
    config = make_config(
        f"""
        output = "reports/{{client}}.pptx"
        [[client]]
        name = "Acme\\n{forged}\\u0007"
        source = "acme.xlsx"
        """
    )
    result, log = _run(config, render)
    (record,) = result.clients
    assert record.name == f"Acme {forged}"  # one line: the newline became a space
    lines = log.splitlines()
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 deckgen: ")
    assert all(stamp.match(line) or line.startswith("    ") for line in lines), log
    assert sum(line.startswith(forged) for line in lines) == 0
    assert record.ok and record.output is not None and record.output.is_file()


def test_a_name_of_80_four_byte_characters_gives_a_file_name_that_fits(
    tmp_path: Path, make_config: Callable[[str], Path], render: Callable[..., Any]
) -> None:
    (tmp_path / "acme.xlsx").write_text("good")
    config = make_config(
        f"""
        output = "reports/{{client}}/{{period}}-{{lang}}.pptx"
        [[client]]
        name = "{LONG_CHARACTER * 80}"
        source = "acme.xlsx"
        """
    )
    result, _ = _run(config, render)
    (record,) = result.clients
    assert record.ok, record.error
    assert record.output == tmp_path / "reports" / ("\U00020000" * 40) / "2026-10-en.pptx"
    assert record.output.is_file()


def test_a_tilde_in_the_output_pattern_is_the_home_folder(
    tmp_path: Path,
    make_config: Callable[[str], Path],
    render: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    (tmp_path / "acme.xlsx").write_text("good")
    config = make_config(
        """
        output = "~/reports/{client}.pptx"
        [[client]]
        name = "acme"
        source = "acme.xlsx"
        """
    )
    result, _ = _run(config, render)
    assert result.clients[0].output == home / "reports/acme.pptx"
    assert (home / "reports/acme.pptx").is_file()
    assert result.manifest == home / "reports/manifest-2026-10.json"
    assert not (tmp_path / "~").exists()
