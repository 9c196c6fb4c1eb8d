"""Fixtures for the data layer: a small seeded sample, written in each input form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from deckgen.config import Settings
from deckgen.data.sample import generate_sample, write_workbook

Frames = dict[str, pd.DataFrame]


@pytest.fixture(scope="session")
def small_frames() -> Frames:
    """A small seeded sample with all seven sheets (never modify it: copy first)."""
    return generate_sample(customers=40, months=6, end="2026-10", seed=2)


@pytest.fixture
def frames(small_frames: Frames) -> Frames:
    """A private copy of the small sample, to break."""
    return {name: frame.copy() for name, frame in small_frames.items()}


@pytest.fixture
def settings() -> Settings:
    """Default settings: no mapping."""
    return Settings()


def write_xlsx(frames: Frames, path: Path) -> Path:
    """`frames` as a workbook at `path`."""
    write_workbook(frames, path, created=datetime(2026, 11, 1))
    return path


def write_csv(frames: Frames, folder: Path) -> Path:
    """`frames` as a folder of .csv files (ISO dates)."""
    folder.mkdir()
    for name, frame in frames.items():
        frame.to_csv(folder / f"{name}.csv", index=False, date_format="%Y-%m-%d")
    return folder


def write_parquet(frames: Frames, folder: Path) -> Path:
    """`frames` as a folder of .parquet files."""
    folder.mkdir()
    for name, frame in frames.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    return folder


@pytest.fixture
def writers() -> dict[str, Callable[[Frames, Path], Path]]:
    """The three input forms, each writing frames to a path it is given."""
    return {"xlsx": write_xlsx, "csv": write_csv, "parquet": write_parquet}
