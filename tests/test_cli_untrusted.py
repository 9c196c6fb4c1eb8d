"""Hostile inputs through the command line (issue 9): one message, exit 2, no traceback."""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from pptx import Presentation

from deckgen.wording import default_templates_dir
from tests.test_cli import run_cli


def assert_one_message(code: int, out: str, err: str, expected: str) -> None:
    """Exit 2 with `error: ...` holding `expected`, and no traceback anywhere."""
    assert code == 2, (out, err)
    assert err.startswith("error: "), err
    assert expected in err, err
    assert "Traceback" not in out + err


def render_with_wording(
    workbook: Path, folder: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """`deckgen render` of `workbook` to folder/deck.pptx with the wording in folder/wording."""
    output, wording = folder / "deck.pptx", folder / "wording"
    return run_cli(
        ["render", str(workbook), "-o", str(output), "--templates", str(wording)], capsys
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            "loop iterations and calls in one render",
        ),
        ("{{ 'a' * 10**9 }}", "characters of text in one render"),
    ],
)
def test_a_costly_wording_template_stops_the_render(
    small_workbook: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    source: str,
    expected: str,
) -> None:
    template = tmp_path / "wording" / "en" / "slides" / "title.j2"
    template.parent.mkdir(parents=True)
    default = (default_templates_dir() / "en" / "slides" / "title.j2").read_text(encoding="utf-8")
    line = 1 + next(n for n, text in enumerate(default.splitlines()) if "{% block title %}" in text)
    template.write_text(default.replace("{% block title %}", "{% block title %}" + source, 1))
    code, out, err = render_with_wording(small_workbook, tmp_path, capsys)
    assert_one_message(code, out, err, f"{template}, line {line}: ")
    assert expected in err
    assert not (tmp_path / "deck.pptx").exists()


def test_a_wording_template_that_is_not_utf8(
    small_workbook: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "wording" / "en" / "slides" / "title.j2"
    template.parent.mkdir(parents=True)
    template.write_bytes("{% block title %}Revue générale{% endblock %}\n".encode("cp1252"))
    code, out, err = render_with_wording(small_workbook, tmp_path, capsys)
    assert_one_message(code, out, err, f"{template}, line 1: not UTF-8 text (byte 0xe9)")
    assert not (tmp_path / "deck.pptx").exists()


def test_deckgen_run_never_writes_to_a_client_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "crm.db"
    with closing(sqlite3.connect(database)) as db, db:
        db.execute("CREATE TABLE victim (customer_id TEXT PRIMARY KEY)")
        db.execute("INSERT INTO victim VALUES ('C1')")
    config = tmp_path / "run.toml"
    config.write_text(
        'output = "reports/{client}.pptx"\n'
        '[[client]]\nname = "crm"\n'
        '[client.database]\nurl = "sqlite:///crm.db"\n'
        '[client.database.queries]\ncustomers = "victim"\norders = "DROP TABLE victim"\n',
        encoding="utf-8",
    )
    code, out, err = run_cli(["run", str(config), "--period", "2026-10"], capsys)
    assert code == 1  # the run went through; its one client failed
    message = (
        "sheet 'orders': the query is a DROP statement, not a SELECT; expected a single SELECT "
        "(or WITH ... SELECT) query, or a table name (deckgen only reads)"
    )
    assert "failed crm (" in err and message in err
    assert "Traceback" not in out + err
    manifest = json.loads((tmp_path / "reports/manifest-2026-10.json").read_text(encoding="utf-8"))
    assert manifest["clients"][0]["error"] == message
    with closing(sqlite3.connect(database)) as db, db:
        assert db.execute("SELECT * FROM victim").fetchall() == [("C1",)]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--period", "0000-01"], "--period: 0000-01 is out of range; give a month from 1677-11"),
        (
            ["--lang", "fa", "--period", "9999-12"],
            "--period: 9999-12 is out of range; give a Jalali month from 1056-08 to 1640-12",
        ),
        (
            ["--client", "A" * 240],
            "client: Value error, the client name is 240 characters long; the limit is 100",
        ),
        (
            ["--client", "\x07\x1b\n"],
            "the client name is empty once control characters are removed",
        ),
    ],
)
def test_out_of_range_periods_and_client_names(
    small_workbook: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: str,
) -> None:
    output = tmp_path / "deck.pptx"
    code, out, err = run_cli(["render", str(small_workbook), "-o", str(output), *args], capsys)
    assert_one_message(code, out, err, expected)
    assert not output.exists()


def test_control_characters_are_stripped_from_a_client_name(
    small_workbook: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "deck.pptx"
    name = "\u202eAcme\x07 Retail\nGmbH\x1b[31m\u2028\u2067"  # an override turned footers around
    code, out, err = run_cli(
        ["render", str(small_workbook), "-o", str(output), "--client", name], capsys
    )
    assert code == 0, err
    assert out.startswith(f"wrote {output}")
    cover = Presentation(str(output)).slides[0]
    texts = [shape.text_frame.text for shape in cover.shapes if shape.has_text_frame]
    assert "Acme Retail GmbH [31m" in "\n".join(texts)
    assert not any(char in "\n".join(texts) for char in "\x07\x1b\u2028\u202e\u2067")


def test_deckgen_run_into_an_output_folder_it_cannot_write(
    tmp_path: Path, small_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if os.geteuid() == 0:  # root writes anywhere but in sysfs, which refuses new files to all
        folder = Path("/sys")
    else:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
    config = tmp_path / "run.toml"
    config.write_text(
        f'output = "{folder}/{{client}}.pptx"\n'
        f'[[client]]\nname = "acme"\nsource = "{small_workbook}"\n',
        encoding="utf-8",
    )
    code, out, err = run_cli(["run", str(config), "--period", "2026-10"], capsys)
    assert_one_message(
        code,
        out,
        err,
        f"cannot write to the output folder {folder}: Permission denied (deckgen writes its lock "
        ".deckgen-run.lock, the decks and the manifest there)",
    )


def test_deckgen_run_refuses_a_period_out_of_every_calendar(
    tmp_path: Path, small_workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "run.toml"
    config.write_text(
        f'output = "reports/{{client}}.pptx"\n[[client]]\nname = "acme"\nsource = "{small_workbook}"\n',
        encoding="utf-8",
    )
    code, out, err = run_cli(["run", str(config), "--period", "0000-01"], capsys)
    assert_one_message(code, out, err, "--period: 0000-01 is out of range; give a month from ")
    assert not (tmp_path / "reports").exists()


def test_a_folder_given_as_dot_names_the_client_after_the_folder(
    small_folders: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = tmp_path / "Acme Retail"
    client.mkdir()
    for file in small_folders["csv"].iterdir():
        (client / file.name).write_bytes(file.read_bytes())
    monkeypatch.chdir(client)
    code, _, err = run_cli(["render", ".", "-o", str(tmp_path / "deck.pptx")], capsys)
    assert code == 0, err
    cover = Presentation(str(tmp_path / "deck.pptx")).slides[0]
    assert "Acme Retail" in "\n".join(s.text_frame.text for s in cover.shapes if s.has_text_frame)
    monkeypatch.chdir(client / "..")
    code, _, err = run_cli(["metrics", "Acme Retail/."], capsys)
    assert code == 0, err
