"""`deckgen init`: a commented deckgen.toml proposed from a client's data, then validated.

The stages: read every sheet below its header row and profile its columns (source.py,
profile.py), match tables and columns to deckgen's by name and content (names.py, match.py),
decide the transforms, formats and value maps (proposal.py), write the commented TOML
(write.py), and validate it with the real loader (check.py).
"""

from __future__ import annotations

from deckgen.propose.check import InitResult, init_config

__all__ = ["InitResult", "init_config"]
