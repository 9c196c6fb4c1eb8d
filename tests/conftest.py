"""Session fixtures shared by the pipeline and CLI tests: one small sample client on disk."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from deckgen.data.sample import generate_sample, write_workbook


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
