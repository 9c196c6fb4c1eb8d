"""`deckgen render --pdf` and `pdf = true` in runs: the PDF beside the deck (issue 12, item 5)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation

from deckgen.batch.config import load_run_config
from deckgen.batch.progress import LoggerReporter
from deckgen.batch.runner import execute_run
from deckgen.cli import cli
from deckgen.errors import RenderError
from deckgen.render.pdf import BINARY_ENV, find_libreoffice, pdf_bytes
from tests.batch import render_stubs
from tests.conftest import missing_service
from tests.test_cli import run_cli


def _needs_libreoffice() -> None:
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        missing_service("needs the libreoffice binary (Debian package libreoffice-impress)")


def _fake_program(folder: Path, script: str) -> Path:
    """An executable shell script standing in for soffice."""
    path = folder / "fake-soffice"
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _one_slide_deck(path: Path, text: str) -> Path:
    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = text
    prs.save(path)
    return path


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.libreoffice
def test_render_pdf_writes_the_pdf_beside_the_deck(small_workbook: Path, tmp_path: Path) -> None:
    _needs_libreoffice()
    deck = tmp_path / "out" / "acme.pptx"
    args = ["render", str(small_workbook), "-o", str(deck), "--client", "Acme", "--pdf"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    pdf = deck.with_suffix(".pdf")
    assert f"wrote {pdf}" in result.output
    assert pdf.read_bytes().startswith(b"%PDF-")
    pages = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    slides = len(Presentation(str(deck)).slides)
    assert re.search(rf"^Pages:\s+{slides}$", pages.stdout, re.MULTILINE)
    assert "Customer lifecycle review" in _pdf_text(pdf)
    # No temporary file left behind.
    assert {p.name for p in pdf.parent.iterdir()} == {"acme.pptx", "acme.pdf"}


@pytest.mark.libreoffice
def test_two_conversions_at_once_each_get_their_pdf(tmp_path: Path) -> None:
    _needs_libreoffice()
    decks = [_one_slide_deck(tmp_path / f"d{i}.pptx", f"Deck number {i}") for i in range(2)]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(pdf_bytes, decks))
    for index, data in enumerate(results):
        pdf = tmp_path / f"d{index}.pdf"
        pdf.write_bytes(data)
        assert f"Deck number {index}" in _pdf_text(pdf)


def test_no_libreoffice_is_one_message_exit_2_and_no_deck(
    small_workbook: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv(BINARY_ENV, raising=False)
    monkeypatch.setattr("deckgen.render.pdf._MAC_APP", tmp_path / "nowhere")
    deck = tmp_path / "deck.pptx"
    code, out, err = run_cli(["render", str(small_workbook), "-o", str(deck), "--pdf"], capsys)
    assert code == 2
    assert err.startswith("error: writing a PDF needs LibreOffice, which was not found")
    assert "Traceback" not in err and out == ""
    assert not deck.exists()  # checked before any work


def test_a_named_program_that_is_missing_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BINARY_ENV, str(tmp_path / "no-such-soffice"))
    with pytest.raises(RenderError, match="is not an executable program"):
        find_libreoffice()


def test_a_hung_conversion_is_killed_at_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "child.pid"
    # The stand-in starts a child (as soffice starts soffice.bin) and both hang.
    program = _fake_program(tmp_path, f"sleep 60 & echo $! > {marker}\nwait\n")
    monkeypatch.setenv(BINARY_ENV, str(program))
    deck = _one_slide_deck(tmp_path / "d.pptx", "x")
    started = time.monotonic()
    with pytest.raises(RenderError, match=r"did not finish converting .* within 1 s"):
        pdf_bytes(deck, timeout_s=1)
    assert time.monotonic() - started < 10
    child = int(marker.read_text())
    for _ in range(50):  # the kill is asynchronous; give the child a moment to go
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the converter's child process outlived the timeout")


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("echo 'Error: source file could not be loaded' >&2\nexit 1\n", "exit code 1: Error"),
        ("exit 0\n", "wrote no file"),
    ],
)
def test_a_failed_conversion_says_what_libreoffice_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str, message: str
) -> None:
    monkeypatch.setenv(BINARY_ENV, str(_fake_program(tmp_path, script)))
    deck = _one_slide_deck(tmp_path / "d.pptx", "x")
    with pytest.raises(RenderError, match=message):
        pdf_bytes(deck)


def test_the_converter_gets_a_private_profile_and_the_deck(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "args.txt"
    # Records its arguments and writes a PDF where --outdir says, as soffice would.
    script = (
        f'printf "%s\\n" "$@" > {log}\n'
        'while [ "$1" != "--outdir" ]; do shift; done\n'
        'printf "%%PDF-1.7 fake" > "$2/d.pdf"\n'
    )
    monkeypatch.setenv(BINARY_ENV, str(_fake_program(tmp_path, script)))
    deck = _one_slide_deck(tmp_path / "d.pptx", "x")
    assert pdf_bytes(deck) == b"%PDF-1.7 fake"
    args = log.read_text().splitlines()
    assert args[0].startswith("-env:UserInstallation=file://")
    assert "deckgen-pdf-" in args[0]  # a throw-away folder, not the user's profile
    assert args[1:3] == ["--headless", "--norestore"]
    assert args[-1] == str(deck.absolute())


def test_run_config_pdf_setting_with_a_client_override(tmp_path: Path) -> None:
    config = tmp_path / "run.toml"
    config.write_text(
        'output = "out/{client}.pptx"\npdf = true\n'
        '[[client]]\nname = "a"\nsource = "a.xlsx"\n'
        '[[client]]\nname = "b"\nsource = "b.xlsx"\npdf = false\n',
        encoding="utf-8",
    )
    clients = load_run_config(config).clients
    assert [c.pdf for c in clients] == [True, False]
    config.write_text(
        'output = "out/{client}.pptx"\n[[client]]\nname = "a"\nsource = "a.xlsx"\n',
        encoding="utf-8",
    )
    assert [c.pdf for c in load_run_config(config).clients] == [False]


def test_a_run_writes_each_clients_pdf_beside_its_deck(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker converts the deck it rendered and the run writes both; a client whose PDF fails
    keeps its deck and fails, as `deckgen render --pdf` does."""
    script = (
        'while [ "$1" != "--outdir" ]; do shift; done\n'
        'out="$2"; name=$(basename "$3" .pptx)\n'
        '[ "$name" = b ] && { echo "Error: b is broken"; exit 1; }\n'
        'printf "%%PDF-1.7 %s" "$name" > "$out/$name.pdf"\n'
    )
    monkeypatch.setenv(BINARY_ENV, str(_fake_program(tmp_path, script)))
    config = tmp_path / "run.toml"
    config.write_text(
        'output = "out/{client}.pptx"\npdf = true\n'
        + "".join(f'[[client]]\nname = "{n}"\nsource = "{n}.txt"\n' for n in "ab")
        + '[[client]]\nname = "c"\nsource = "c.txt"\npdf = false\n',
        encoding="utf-8",
    )
    for name in "abc":
        (tmp_path / f"{name}.txt").write_text("fine", encoding="utf-8")
    result = execute_run(
        config,
        None,
        reporter=LoggerReporter(),
        render=render_stubs.fake_render,
        today=date(2026, 11, 1),
        jobs=2,
    )
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "a.pdf",
        "a.pptx",
        "b.pptx",
        "c.pptx",
        "manifest-2026-10.json",
    ]
    assert (out / "a.pdf").read_bytes() == b"%PDF-1.7 a"
    assert [(r.name, r.status) for r in result.clients] == [
        ("a", "ok"),
        ("b", "failed"),
        ("c", "ok"),
    ]
    b = result.clients[1]
    assert b.error == (
        f"LibreOffice failed to convert {out / 'b.pptx'} to PDF (exit code 1: Error: b is broken)"
    )
    assert b.output_sha256 == hashlib.sha256((out / "b.pptx").read_bytes()).hexdigest()
