"""The PDF beside a deck, converted by LibreOffice (`deckgen render --pdf`, `pdf = true` in runs).

Each conversion runs LibreOffice headless with its own throw-away user profile
(`-env:UserInstallation`): two conversions sharing a profile would block each other, and a
profile left locked by a crash would stop every later one. A conversion that runs past its
timeout is killed with every process it started. The pipeline writes the PDF beside the deck
through a temporary file and a rename, like the deck itself.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from deckgen.errors import RenderError

TIMEOUT_S = 300.0  # a 30-slide deck converts in about 15 s on a shared 2-core machine
BINARY_ENV = "DECKGEN_LIBREOFFICE"  # names the LibreOffice program when it is not on PATH
_NAMES = ("soffice", "libreoffice")
_MAC_APP = Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")


def find_libreoffice() -> Path:
    """The LibreOffice program that converts decks; RenderError saying how to get one."""
    named = os.environ.get(BINARY_ENV)
    if named:
        path = shutil.which(named)
        if path is None:
            raise RenderError(f"{BINARY_ENV}={named!r} is not an executable program")
        return Path(path)
    for name in _NAMES:
        path = shutil.which(name)
        if path is not None:
            return Path(path)
    if _MAC_APP.is_file():
        return _MAC_APP
    raise RenderError(
        "writing a PDF needs LibreOffice, which was not found (looked for soffice and "
        "libreoffice on PATH); install it (Debian/Ubuntu: apt-get install libreoffice-impress) "
        f"or name the program in {BINARY_ENV}, or leave out --pdf"
    )


def pdf_bytes(deck: Path, *, timeout_s: float = TIMEOUT_S, data: bytes | None = None) -> bytes:
    """`deck` (a .pptx file) converted to PDF by LibreOffice; RenderError. With `data`, those
    bytes are the deck and `deck` only names it (a run's worker converts a deck that the run
    writes afterwards)."""
    deck = Path(deck)
    program = find_libreoffice()
    with tempfile.TemporaryDirectory(prefix="deckgen-pdf-") as work:
        profile = Path(work, "profile")
        outdir = Path(work, "out")
        outdir.mkdir()
        source = deck.absolute()
        if data is not None:
            source = Path(work, deck.name)
            source.write_bytes(data)
        command = [
            str(program),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(source),
        ]
        _run(command, timeout_s, deck)
        produced = outdir / f"{deck.stem}.pdf"
        if not produced.is_file():
            raise RenderError(f"LibreOffice did not convert {deck} to PDF (it wrote no file)")
        return produced.read_bytes()


def _run(command: list[str], timeout_s: float, deck: Path) -> None:
    """Run LibreOffice in its own process group, killed whole when it runs past `timeout_s`."""
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: the timeout kills soffice.bin too
        )
    except OSError as exc:
        raise RenderError(f"cannot start LibreOffice ({command[0]}): {exc.strerror}") from None
    try:
        output, _ = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise RenderError(
            f"LibreOffice did not finish converting {deck} to PDF within {timeout_s:g} s; "
            "the deck itself was written"
        ) from None
    except BaseException:
        _kill_group(process)
        raise
    if process.returncode != 0:
        said = output.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise RenderError(
            f"LibreOffice failed to convert {deck} to PDF (exit code {process.returncode}: "
            f"{said[0]})"
        )


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the process and every process in its group, then reap it."""
    with contextlib.suppress(ProcessLookupError):  # it ended on its own meanwhile
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
