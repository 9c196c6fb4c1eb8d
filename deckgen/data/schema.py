"""The client workbook format, declared as data: sheets, columns, types, rules.

docs/data-format.md is the human-readable form of this module; keep them in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnKind = Literal["id", "text", "category", "date", "float", "int", "bool"]
TEXT_KINDS: tuple[ColumnKind, ...] = ("id", "text", "category")  # kinds whose cells are text

CHANNELS: tuple[str, ...] = (
    "trade_show",
    "email",
    "seo",
    "social",
    "blog",
    "tv",
    "radio",
    "print",
)
FEEDBACK_KINDS: tuple[str, ...] = ("comment", "complaint", "issue", "concern")
FEEDBACK_STATUSES: tuple[str, ...] = ("open", "in_progress", "resolved")
SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "critical")
LEAD_STATUSES: tuple[str, ...] = ("open", "converted", "lost")
LOYALTY_EVENTS: tuple[str, ...] = (
    "joined",
    "tier_change",
    "points_earned",
    "points_redeemed",
    "offer_redeemed",
    "referral",
)
GENDERS: tuple[str, ...] = ("female", "male", "other", "unknown")
OTHER = "other"  # the code of values outside an open vocabulary


@dataclass(frozen=True)
class Column:
    """One column of a sheet, in deckgen's own names."""

    name: str
    kind: ColumnKind
    required: bool
    meaning: str
    example: str
    allowed: tuple[str, ...] | None = None  # for category columns
    minimum: float | None = None
    maximum: float | None = None
    references: str | None = None  # sheet whose key this id must appear in (warning if not)
    # Open vocabulary: deckgen.toml [vocabulary.<name>] adds codes to `allowed`, and other
    # values are counted as OTHER with a warning instead of failing.
    vocabulary: str | None = None


@dataclass(frozen=True)
class Sheet:
    """One sheet of the client workbook."""

    name: str
    required: bool
    meaning: str
    key: str | None
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        """The column called `name`; KeyError if the sheet has none."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


CUSTOMERS = Sheet(
    name="customers",
    required=True,
    meaning="One row per customer.",
    key="customer_id",
    columns=(
        Column("customer_id", "id", True, "Unique customer identifier.", "C00042"),
        Column(
            "signup_date", "date", False, "Date the customer account was created.", "2025-03-14"
        ),
        Column("country", "category", False, "Country of residence.", "Germany"),
        Column("region", "category", False, "Region or state within the country.", "Bavaria"),
        Column("city", "category", False, "City.", "Munich"),
        Column("age", "int", False, "Age in years.", "37", minimum=0, maximum=120),
        Column("gender", "category", False, "Gender.", "female", allowed=GENDERS),
        Column("income_band", "category", False, "Household income band.", "middle"),
        Column(
            "interests",
            "text",
            False,
            "Interests or lifestyle attributes, separated by ';'.",
            "outdoor;fitness",
        ),
        Column(
            "acquisition_channel",
            "category",
            False,
            "Marketing channel that acquired the customer.",
            "email",
            allowed=CHANNELS,
            vocabulary="channels",
        ),
        Column("loyalty_member", "bool", False, "Member of the loyalty club.", "true"),
        Column(
            "loyalty_join_date", "date", False, "Date the customer joined the club.", "2025-06-01"
        ),
    ),
)

ORDERS = Sheet(
    name="orders",
    required=True,
    meaning="One row per order.",
    key="order_id",
    columns=(
        Column("order_id", "id", True, "Unique order identifier.", "O000123"),
        Column(
            "customer_id",
            "id",
            True,
            "Customer who placed the order.",
            "C00042",
            references="customers",
        ),
        Column("order_date", "date", True, "Date of the order.", "2026-10-05"),
        Column("amount", "float", True, "Order value in the client's currency.", "129.90"),
        Column("product_category", "category", False, "Main product category.", "shoes"),
    ),
)

LEADS = Sheet(
    name="leads",
    required=False,
    meaning="One row per lead (prospect) from the acquisition channels.",
    key="lead_id",
    columns=(
        Column("lead_id", "id", True, "Unique lead identifier.", "L00077"),
        Column("created_date", "date", True, "Date the lead was captured.", "2026-09-12"),
        Column(
            "channel",
            "category",
            True,
            "Channel that produced the lead.",
            "seo",
            allowed=CHANNELS,
            vocabulary="channels",
        ),
        Column("status", "category", True, "Lead status.", "open", allowed=LEAD_STATUSES),
        Column("name", "text", False, "Prospect's name or company.", "Ana Weber"),
        Column("country", "category", False, "Country.", "Germany"),
        Column("region", "category", False, "Region.", "Bavaria"),
        Column("age", "int", False, "Age in years.", "41", minimum=0, maximum=120),
        Column("income_band", "category", False, "Income band.", "high"),
        Column("interest", "category", False, "Main stated interest.", "fitness"),
        Column("converted_date", "date", False, "Date the lead became a customer.", "2026-10-02"),
        Column(
            "customer_id",
            "id",
            False,
            "Customer id once converted.",
            "C00042",
            references="customers",
        ),
    ),
)

CHANNEL_MONTHS = Sheet(
    name="channels",
    required=False,
    meaning="Marketing spend and audience reached per channel per month.",
    key=None,
    columns=(
        Column("month", "date", True, "First day of the month.", "2026-10-01"),
        Column(
            "channel",
            "category",
            True,
            "Acquisition channel.",
            "tv",
            allowed=CHANNELS,
            vocabulary="channels",
        ),
        Column("spend", "float", True, "Spend in the client's currency.", "12000", minimum=0),
        Column("reach", "int", True, "People reached (audience).", "250000", minimum=0),
    ),
)

FEEDBACK = Sheet(
    name="feedback",
    required=False,
    meaning="Customer comments, complaints, issues and concerns.",
    key="feedback_id",
    columns=(
        Column("feedback_id", "id", True, "Unique feedback identifier.", "F0009"),
        Column("date", "date", True, "Date received.", "2026-10-11"),
        Column(
            "kind",
            "category",
            True,
            "Kind of feedback.",
            "complaint",
            allowed=FEEDBACK_KINDS,
            vocabulary="feedback_kinds",
        ),
        Column("topic", "category", True, "Topic.", "delivery"),
        Column("severity", "category", True, "Severity.", "high", allowed=SEVERITIES),
        Column("status", "category", True, "Status.", "open", allowed=FEEDBACK_STATUSES),
        Column(
            "customer_id",
            "id",
            False,
            "Customer who gave the feedback.",
            "C00042",
            references="customers",
        ),
        Column("resolved_date", "date", False, "Date resolved.", "2026-10-15"),
        Column("text", "text", False, "The feedback as written.", "Parcel arrived late."),
    ),
)

SURVEYS = Sheet(
    name="surveys",
    required=False,
    meaning="Satisfaction survey answers.",
    key="response_id",
    columns=(
        Column("response_id", "id", True, "Unique response identifier.", "S0101"),
        Column("date", "date", True, "Date answered.", "2026-10-20"),
        Column("satisfaction", "float", True, "Satisfaction score (default scale 1-5).", "4"),
        Column("recommend", "float", True, "Likelihood to recommend (default scale 0-10).", "9"),
        Column(
            "customer_id",
            "id",
            False,
            "Customer who answered.",
            "C00042",
            references="customers",
        ),
    ),
)

LOYALTY = Sheet(
    name="loyalty",
    required=False,
    meaning="Loyalty-club activity, one row per event.",
    key=None,
    columns=(
        Column("customer_id", "id", True, "Club member.", "C00042", references="customers"),
        Column("date", "date", True, "Date of the event.", "2026-10-03"),
        Column(
            "event", "category", True, "What happened.", "offer_redeemed", allowed=LOYALTY_EVENTS
        ),
        Column("tier", "category", False, "Tier after the event.", "gold"),
        Column("points", "float", False, "Points earned (+) or redeemed (-).", "120"),
        Column("offer", "category", False, "Offer redeemed.", "birthday_gift"),
    ),
)

# Not a client sheet: the orders rows that `[sheets.orders] returns` sets apart, read with the
# orders' mapping (docs/metrics.md#returns). A return lowers revenue and is never an order.
RETURNS = Sheet(
    name="returns",
    required=False,
    meaning="Returns and cancellations set apart from the orders.",
    key=None,
    columns=(
        Column("order_id", "id", False, "Return or cancellation identifier.", "C536379"),
        Column("customer_id", "id", True, "Customer who returned.", "C00042"),
        Column("order_date", "date", True, "Date of the return.", "2026-10-07"),
        Column("amount", "float", True, "Value returned (its sign is ignored).", "-29.90"),
        Column("product_category", "category", False, "Main product category.", "shoes"),
    ),
)

SHEETS: tuple[Sheet, ...] = (CUSTOMERS, ORDERS, LEADS, CHANNEL_MONTHS, FEEDBACK, SURVEYS, LOYALTY)
SHEETS_BY_NAME: dict[str, Sheet] = {s.name: s for s in SHEETS}
