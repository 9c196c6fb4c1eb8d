"""Regenerate client_style.xlsx: the sample as a client might keep it (see client_style.toml).

python sample_data/make_client_style.py
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from deckgen.config import load_settings
from deckgen.data.mapping import to_client_frames
from deckgen.data.sample import generate_sample, write_workbook

HERE = Path(__file__).parent


def main() -> None:
    """Write client_style.xlsx next to this script."""
    settings = load_settings(HERE / "client_style.toml")
    frames = to_client_frames(generate_sample(customers=200, seed=11), settings)
    # A column deckgen does not use, as client sheets always have: listed as ignored.
    customers = frames["Customer List"]
    customers["Notes"] = ""
    customers.loc[customers.index[::7], "Notes"] = "prefers phone contact"
    write_workbook(frames, HERE / "client_style.xlsx", created=datetime(2026, 11, 1))


if __name__ == "__main__":
    main()
