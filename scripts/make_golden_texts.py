"""Regenerate the golden deck texts (tests/golden/deck-*.txt): python scripts/make_golden_texts.py

Run it after a deliberate change of wording or figures, and review the diff: every changed
sentence of the sample decks shows there.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.golden.decks import write_golden_texts

if __name__ == "__main__":
    for path in write_golden_texts():
        print(f"wrote {path}")
