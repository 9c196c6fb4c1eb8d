"""Session fixtures shared by the pipeline and CLI tests: one small sample client on disk."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import NoReturn

import pandas as pd
import pytest

from deckgen.data.sample import generate_sample, write_workbook
from deckgen.template_cache import reset_shared_cache


@pytest.fixture(scope="session", autouse=True)
def private_template_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Compiled templates cached in a folder of the test session's, never the user's own."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)  # CLI tests' subprocesses inherit it too
    reset_shared_cache()
    yield folder
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before
    reset_shared_cache()


@pytest.fixture(scope="session")
def small_frames() -> dict[str, pd.DataFrame]:
    """A small seeded client (300 customers, 14 months to October 2026), all seven sheets."""
    return generate_sample(customers=300, months=14, end="2026-10", seed=3)


@pytest.fixture(scope="session")
def small_workbook(tmp_path_factory: pytest.TempPathFactory, small_frames: dict) -> Path:
    """The small client as an .xlsx workbook."""
    path = tmp_path_factory.mktemp("small") / "client.xlsx"
    write_workbook(small_frames, path, created=datetime(2026, 11, 1))
    return path


@pytest.fixture(scope="session")
def small_folders(tmp_path_factory: pytest.TempPathFactory, small_frames: dict) -> dict[str, Path]:
    """The small client as a folder of .csv files and as a folder of .parquet files."""
    root = tmp_path_factory.mktemp("folders")
    (root / "csv").mkdir()
    (root / "parquet").mkdir()
    for name, frame in small_frames.items():
        frame.to_csv(root / "csv" / f"{name}.csv", index=False)
        frame.to_parquet(root / "parquet" / f"{name}.parquet", index=False)
    return {"csv": root / "csv", "parquet": root / "parquet"}


def missing_service(reason: str) -> NoReturn:
    """Skip a test whose outside tool or server is missing, but fail under CI (.ci/run installs
    them), so a green CI run never hides a skipped check."""
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def to_pdf(tmp_path: Path) -> Callable[[Path], Path]:
    """Converts a .pptx to PDF with LibreOffice (its own profile) and returns the PDF's path."""
    if shutil.which("libreoffice") is None:
        missing_service("needs the libreoffice binary (Debian package libreoffice-impress)")

    def convert(pptx: Path) -> Path:
        subprocess.run(
            [
                "libreoffice",
                f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(pptx.parent),
                str(pptx),
            ],
            check=True,
            capture_output=True,
            timeout=240,
        )
        return pptx.with_suffix(".pdf")

    return convert
