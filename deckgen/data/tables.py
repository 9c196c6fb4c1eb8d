"""Validated client tables: the hand-off from the load stage to the metrics stage."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from deckgen.errors import Problem


@dataclass(frozen=True)
class Tables:
    """The client's data in deckgen's names and dtypes (see docs/data-format.md).

    Column dtypes: ids and text are pandas ``string``; categories are pandas ``category``
    whose categories (``string``, sorted) are the canonical codes from deckgen.data.schema
    (built by deckgen.data.cells.to_categories); dates are ``datetime64[ns]`` at midnight
    (NaT when optional and empty); floats ``float64``; ints nullable ``Int64``; bools
    nullable ``boolean``. Optional columns that the client does not have are absent.
    An optional sheet the client does not have is None.
    """

    customers: pd.DataFrame
    orders: pd.DataFrame
    leads: pd.DataFrame | None = None
    channels: pd.DataFrame | None = None
    feedback: pd.DataFrame | None = None
    surveys: pd.DataFrame | None = None
    loyalty: pd.DataFrame | None = None
    # Returns and cancellations set apart from the orders, `amount` negative: the revenue they
    # take back (docs/metrics.md#returns); None when none are configured or found.
    returns: pd.DataFrame | None = None
    warnings: tuple[Problem, ...] = field(default=())  # data-quality notes for the appendix

    def sheet(self, name: str) -> pd.DataFrame | None:
        """The table for sheet `name`, or None when the client has no such sheet."""
        return getattr(self, name)
