"""The leads of a .parquet folder left in their file (deckgen.data.pushdown, issue 17): the
deck and every figure equal those of the in-memory path, on the sample and hostile folders."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from deckgen.config import Settings
from deckgen.data.lead_store import lead_store_of
from deckgen.data.load import load_tables
from deckgen.data.pushdown import load_pushed_tables, pushdown_leads_file
from deckgen.data.sample import generate_sample
from deckgen.metrics.lifecycle import compute_metrics
from deckgen.pipeline import load_source, render_deck_bytes, resolve_period

TODAY = date(2026, 11, 15)
SECTIONS = (
    "customers",
    "orders",
    "segmentation",
    "prospects",
    "funnel",
    "channels",
    "loyalty",
    "clv",
    "feedback",
    "satisfaction",
    "findings",
    "diagnostics",
)


def _folder(frames: dict[str, pd.DataFrame], folder: Path) -> Path:
    folder.mkdir()
    for name, frame in frames.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    return folder


def _deck(folder: Path, engine: str) -> str:
    data, _ = render_deck_bytes(
        folder, folder.parent / "deck.pptx", settings=Settings(engine=engine), today=TODAY
    )
    return hashlib.sha256(data).hexdigest()


def _assert_same(folder: Path) -> None:
    """Every section's figures and the deck's bytes are the same from both paths."""
    settings = Settings()
    in_memory = load_tables(folder, settings, today=TODAY)
    pushed = load_pushed_tables(folder, settings, today=TODAY)
    assert pushed.leads is None and lead_store_of(pushed) is not None
    period = resolve_period(None, in_memory, settings, TODAY)
    expected = compute_metrics(in_memory, period, settings.metrics)
    found = compute_metrics(pushed, period, settings.metrics)
    for section in SECTIONS:
        assert getattr(found, section) == getattr(expected, section), section
    assert pushed.warnings == in_memory.warnings
    assert _deck(folder, "duckdb") == _deck(folder, "memory")


def test_the_sample_is_the_same_with_its_leads_in_their_file(tmp_path: Path):
    _assert_same(_folder(generate_sample(), tmp_path / "sample"))


@pytest.fixture
def frames(small_frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {name: frame.copy() for name, frame in small_frames.items()}


def test_one_lead(frames: dict[str, pd.DataFrame], tmp_path: Path):
    frames["leads"] = frames["leads"].iloc[:1]
    _assert_same(_folder(frames, tmp_path / "one"))


def test_no_closed_lead(frames: dict[str, pd.DataFrame], tmp_path: Path):
    leads = frames["leads"]
    leads["status"] = "open"
    leads["converted_date"] = pd.NaT
    leads["customer_id"] = None
    _assert_same(_folder(frames, tmp_path / "open"))


def test_blank_values_and_a_conversion_after_the_period(
    frames: dict[str, pd.DataFrame], tmp_path: Path
):
    leads = frames["leads"]
    converted = leads.index[leads["status"] == "converted"]
    # Converted after October: open at its end, scored with the open leads.
    leads.loc[converted[:5], "converted_date"] = pd.Timestamp("2026-11-10")
    for column in ("region", "country", "income_band", "interest"):
        leads.loc[leads.index[::7], column] = None
    leads.loc[leads.index[::5], "age"] = None
    leads.loc[leads.index[::3], "name"] = None
    _assert_same(_folder(frames, tmp_path / "blanks"))


def test_equal_scores_are_ranked_by_lead_id(frames: dict[str, pd.DataFrame], tmp_path: Path):
    leads = frames["leads"]
    for column in ("region", "country", "income_band", "interest"):
        leads[column] = leads[column].iloc[0]
    leads["age"] = 40
    leads["channel"] = "email"
    # Ids out of row order, so that ties are broken by id, not by row.
    leads["lead_id"] = [f"L{(7919 * k) % len(leads):06d}" for k in range(len(leads))]
    _assert_same(_folder(frames, tmp_path / "ties"))


def test_a_big_leads_file_is_read_in_place_and_a_small_one_in_memory(
    small_folders: dict[str, Path], monkeypatch: pytest.MonkeyPatch
):
    folder = small_folders["parquet"]
    assert pushdown_leads_file(folder, Settings()) is None
    assert pushdown_leads_file(folder, Settings(engine="duckdb")) == folder / "leads.parquet"
    assert pushdown_leads_file(small_folders["csv"], Settings(engine="duckdb")) is None
    monkeypatch.setattr("deckgen.data.pushdown.PUSHDOWN_LEADS", 10)
    assert pushdown_leads_file(folder, Settings()) == folder / "leads.parquet"
    assert pushdown_leads_file(folder, Settings(engine="memory")) is None
    tables = load_source(folder, Settings(), today=TODAY)
    assert tables.leads is None and lead_store_of(tables) is not None
