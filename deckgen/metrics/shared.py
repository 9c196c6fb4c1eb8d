"""Per-customer intermediates several analyses use, computed once per deck."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from deckgen.config import MetricsSettings
from deckgen.data.tables import Tables
from deckgen.metrics.channels import acquisition_channel_of
from deckgen.metrics.common import (
    ClubJoins,
    CustomerOrders,
    club_joins,
    customer_orders,
    positions_in,
)
from deckgen.metrics.segments import (
    CustomerAttributes,
    RfmScores,
    customer_attributes,
    score_rfm,
)
from deckgen.period import Period


@dataclass(frozen=True)
class SharedFigures:
    """What segments, prospects, channels, loyalty and satisfaction would each compute again."""

    orders: CustomerOrders  # orders to the period end, coded by customer
    rfm: RfmScores | None  # docs/metrics.md#rfm-segments, as of the period end; None: spent
    segment_of: pd.Series  # RFM segment name by customer_id
    channel_of: pd.Series  # docs/metrics.md#acquisition-channel by customer_id; NA: none
    attributes: CustomerAttributes | None  # the ordering customers' attributes, by code
    club: ClubJoins  # when each club member joined, by id and by code

    def without_scores(self) -> SharedFigures:
        """These figures without the RFM scores and the customers' attributes, which only
        segments and prospects read: some 150 bytes per ordering customer (650 MB at ten
        million orders) given back before loyalty and CLV take their most memory."""
        return replace(self, rfm=None, attributes=None)


def compute_shared(tables: Tables, period: Period, settings: MetricsSettings) -> SharedFigures:
    """The shared per-customer intermediates of `tables` as of the end of `period`."""
    orders = customer_orders(tables.orders, period, tables.returns, tables)
    rfm = score_rfm(orders, period, settings)
    rows = orders.rows_in(tables.customers)  # as validation found them; else looked up once
    if rows is None:
        rows = positions_in(orders.ids, tables.customers["customer_id"])
    return SharedFigures(
        orders=orders,
        rfm=rfm,
        segment_of=rfm.segment_of(),
        channel_of=acquisition_channel_of(tables, period, orders.ids, rows),
        attributes=customer_attributes(tables, orders, rows),
        club=club_joins(tables, period, orders),
    )
