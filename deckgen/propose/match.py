"""Which client table is which of deckgen's sheets, and which client column is which of its
columns: each pair scored by name (synonyms.toml) and by content, then the best one-to-one
assignment (scipy's linear_sum_assignment) with the runner-up kept as evidence."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from deckgen.data.mapping import canonical_code
from deckgen.data.schema import (
    CHANNELS,
    FEEDBACK_KINDS,
    FEEDBACK_STATUSES,
    GENDERS,
    LEAD_STATUSES,
    LOYALTY_EVENTS,
    SEVERITIES,
    SHEETS,
    Column,
    Sheet,
)
from deckgen.propose.names import NameMatch, compact, match_name, match_value
from deckgen.propose.names import synonyms as _synonyms
from deckgen.propose.profile import ColumnProfile, shown_format
from deckgen.propose.source import ClientTable

NAME_WEIGHT = 0.6  # a column's score: this much from its name, the rest from its content
# The name score of an e-mail name (`Email`, `Billing Email`) for a customer id: an address names
# the customer less surely than the client's own `Customer ID` beside it, which then wins.
EMAIL_NAME = 0.8
REQUIRED_FLOOR = 0.3  # lowest score that maps a required column (its content alone can)
OPTIONAL_FLOOR = 0.45  # ... an optional column (its name must help)
SHEET_FLOOR = 0.5  # lowest score that makes a client table one of our sheets
REQUIRED_SHEET_FLOOR = 0.2  # ... one of our required sheets (its missing columns are listed)
CLOSE = 0.12  # a runner-up column this close to the choice is reported
SHEET_CLOSE = 0.15  # ... and a runner-up table
HELPERS = {"orders": ("quantity", "unit_price")}  # columns that make a computed amount
# The value group (synonyms.toml [values.*]) of each closed or open vocabulary.
VALUE_GROUPS = {
    CHANNELS: "channels",
    FEEDBACK_KINDS: "feedback_kinds",
    GENDERS: "genders",
    LEAD_STATUSES: "lead_statuses",
    FEEDBACK_STATUSES: "feedback_statuses",
    SEVERITIES: "severities",
    LOYALTY_EVENTS: "loyalty_events",
}
_ROW_IDS = {"orders", "surveys", "feedback", "leads"}  # sheets whose key row_ids can stand for
_HELPER_COLUMNS = {
    "quantity": Column("quantity", "int", False, "Quantity of a line.", "2"),
    "unit_price": Column("unit_price", "float", False, "Price of one unit.", "9.90"),
}


def value_group(column: Column) -> str | None:
    """The synonyms.toml value group of `column` (yes/no for a yes/no column), or None."""
    if column.kind == "bool":
        return "yes_no"
    return VALUE_GROUPS.get(column.allowed) if column.allowed else None


@dataclass(frozen=True)
class ColumnChoice:
    """One of our columns placed on a client column, with the evidence."""

    ours: str
    theirs: str
    score: float  # 0..1
    name: NameMatch
    content: str  # what its cells showed, in a few words
    runner_up: tuple[str, float] | None = None  # the next best client column, when close


@dataclass(frozen=True)
class SheetMatch:
    """How one client table serves as one of our sheets."""

    sheet: str  # ours
    table: ClientTable
    score: float  # 0..1
    columns: tuple[ColumnChoice, ...]  # in schema order (helper columns last)
    missing: tuple[str, ...]  # our required columns not found
    name: NameMatch  # the table's name against our sheet's names

    def choice(self, ours: str) -> ColumnChoice | None:
        """The choice for our column `ours`, or None."""
        return next((c for c in self.columns if c.ours == ours), None)

    @property
    def used(self) -> frozenset[str]:
        """The client's columns this sheet uses."""
        return frozenset(c.theirs for c in self.columns)


def targets(sheet: Sheet) -> tuple[Column, ...]:
    """Our columns of `sheet`, plus the helper columns init looks for there."""
    return (*sheet.columns, *(_HELPER_COLUMNS[h] for h in HELPERS.get(sheet.name, ())))


def match_sheet(
    table: ClientTable,
    sheet: Sheet,
    customer_keys: frozenset[str] | None = None,
    exclude: frozenset[str] = frozenset(),
    only: tuple[str, ...] | None = None,
) -> SheetMatch:
    """`table` read as `sheet`: every column of ours placed on its best client column (none
    used twice; `exclude` not at all; `only` limits our columns), and the sheet's score."""
    from scipy.optimize import linear_sum_assignment

    ours = [c for c in targets(sheet) if only is None or c.name in only]
    theirs = [p for p in table.profiles if p.name not in exclude]
    scores = np.zeros((len(ours), len(theirs)))
    notes: dict[tuple[int, int], tuple[NameMatch, str]] = {}
    for i, column in enumerate(ours):
        names = _synonyms().columns[(sheet.name, column.name)]
        for j, profile in enumerate(theirs):
            name = match_name(profile.name, names)
            if column.name == "customer_id" and name.how == "exact" and "mail" in name.synonym:
                name = replace(name, score=EMAIL_NAME)
            fit, evidence = content_fit(sheet, column, profile, customer_keys)
            scores[i, j] = _score(name.score, fit)
            notes[(i, j)] = (name, evidence)
    chosen: list[ColumnChoice] = []
    if scores.size:
        rows, cols = linear_sum_assignment(scores, maximize=True)
        for i, j in zip(rows, cols, strict=True):
            column = ours[i]
            floor = REQUIRED_FLOOR if column.required else OPTIONAL_FLOOR
            if scores[i, j] < floor:
                continue
            others = [(theirs[k].name, scores[i, k]) for k in range(len(theirs)) if k != j]
            best_other = max(others, key=lambda o: (o[1], o[0]), default=None)
            runner = (
                (best_other[0], round(float(best_other[1]), 2))
                if best_other and best_other[1] >= scores[i, j] - CLOSE and best_other[1] > 0
                else None
            )
            name, evidence = notes[(i, j)]
            chosen.append(
                ColumnChoice(
                    column.name,
                    theirs[j].name,
                    round(float(scores[i, j]), 3),
                    name,
                    evidence,
                    runner,
                )
            )
    order = {c.name: k for k, c in enumerate(ours)}
    chosen.sort(key=lambda c: order[c.ours])
    sheet_name = match_name(_stem(table), _synonyms().sheets[sheet.name])
    found = {c.ours: c.score for c in chosen}
    required = [c.name for c in sheet.columns if c.required and (only is None or c.name in only)]
    missing = tuple(c for c in required if c not in found)
    return SheetMatch(
        sheet.name,
        table,
        _sheet_score(sheet, found, required, sheet_name),
        tuple(chosen),
        missing,
        sheet_name,
    )


def _stem(table: ClientTable) -> str:
    """The table's name without years and numbers (`Sales 2025` is `Sales`)."""
    import re

    return re.sub(r"[\d_]+$", "", re.sub(r"\d{4}", "", table.names[0])).strip() or table.names[0]


def _score(name: float, fit: float) -> float:
    """A column's score from its name score and content fit (both 0..1)."""
    if fit <= 0:
        return 0.0
    score = NAME_WEIGHT * name + (1 - NAME_WEIGHT) * fit
    if name == 0:
        score *= 0.9  # content alone is weaker evidence than a name
    if fit < 0.3:  # content that contradicts the name outweighs it
        score *= fit / 0.3
    return score


def _sheet_score(
    sheet: Sheet, found: dict[str, float], required: list[str], name: NameMatch
) -> float:
    """How well a table serves as `sheet`: its required columns (or what stands for them),
    a little for the optional ones found, and its name."""
    parts = []
    for column in required:
        if column in found:
            parts.append(found[column])
        elif column == sheet.key and sheet.name in _ROW_IDS:
            parts.append(0.45)  # row_ids can number the rows
        elif column == "amount" and {"quantity", "unit_price"} <= set(found):
            parts.append(min(found["quantity"], found["unit_price"]))
        else:
            parts.append(0.0)
    required_part = sum(parts) / len(parts) if parts else 0.0
    if parts and min(parts) == 0:
        required_part *= 0.5
    optional = [c.name for c in sheet.columns if not c.required]
    optional_part = sum(1 for c in optional if c in found) / len(optional) if optional else 0.0
    return round(0.7 * required_part + 0.1 * optional_part + 0.2 * name.score, 3)


def content_fit(
    sheet: Sheet, column: Column, profile: ColumnProfile, customer_keys: frozenset[str] | None
) -> tuple[float, str]:
    """How well a client column's cells fit our `column` (0..1), and why, in a few words."""
    if profile.kind == "empty":
        return 0.05, "empty"
    return _FITS[column.kind](sheet, column, profile, customer_keys)


def _date_fit(sheet: Sheet, column: Column, p: ColumnProfile, _: object) -> tuple[float, str]:
    if p.kind != "date":
        return 0.0, f"{p.kind}, not dates"
    how = f"dates written {shown_format(p.date_format)}" if p.date_format else "dates"
    if column.name == "month":
        firsts = sum(
            n for v, n in p.values if v[8:10] == "01" or (p.date_format and v.endswith("01"))
        )
        if firsts >= 0.9 * sum(n for _, n in p.values):
            return 1.0, "dates on the first of a month"
        return 0.6, how
    return 1.0, how


def _id_fit(
    sheet: Sheet, column: Column, p: ColumnProfile, customer_keys: frozenset[str] | None
) -> tuple[float, str]:
    if p.kind in ("date", "bool") or (p.kind == "number" and not p.whole):
        return 0.0, f"{p.kind}, not ids"
    emails = p.kind == "text" and p.emails >= 0.9
    # Long cells are free text when they hold spaces; long tokens (`py_3Qx...`, uuids) are ids.
    if p.kind == "text" and (p.spaced > 0.3 or (p.mean_length > 24 and p.spaced > 0)):
        return 0.05, "free text, not ids"
    share = f"{p.distinct:,} distinct in {p.filled:,} filled cells"
    if p.totals:
        share += f", {len(p.totals):,} of them TOTAL rows"
    if column.name == sheet.key:
        if p.unique and column.name == "order_id" and not p.numbered:
            return 0.85, f"unique, but not order numbers ({share})"
        if p.unique:
            numbers = " order numbers" if column.name == "order_id" else ""
            return 1.0, f"unique{numbers} ({share})"
        if column.name == "order_id" and p.distinct >= 0.1 * p.filled:
            return 0.75, f"repeats ({share}): lines of orders?"
        return 0.05, f"repeats ({share}), so not a key"
    if column.references == "customers" and customer_keys:
        keys = compared_keys(p)
        known = len(keys & customer_keys) / max(len(keys), 1)
        if known == 0:
            return 0.1, "none of its values is a customer id"
        return 0.4 + 0.6 * known, f"{known:.0%} of its values are customer ids"
    if column.references == "customers" and emails:
        return 0.95, f"e-mail addresses, a customer each ({share})"
    guests = sum(n for v, n in p.values if _placeholder(v)) / max(p.filled, 1)
    if column.references == "customers" and guests >= 0.02:
        return 0.3, f"{guests:.0%} of its rows say 0 or guest: one customer for every guest?"
    if column.references == "customers" and sheet.name == "orders" and p.unique and p.filled >= 20:
        # Every customer with exactly one order: more likely each row's own number.
        return 0.3, f"unique on every row ({share}): order numbers, not customers?"
    return (0.7 if not p.unique or p.filled < 3 else 0.6), share


def compared_keys(profile: ColumnProfile) -> frozenset[str]:
    """The column's distinct values as customer ids are compared between sheets: e-mail
    addresses in lower case without surrounding spaces (as init's proposed fold), others as
    written."""
    if profile.kind != "text" or profile.emails < 0.9:
        return profile.keys
    return frozenset(key.strip().lower() for key in profile.keys)


def _placeholder(value: str) -> bool:
    """True for a customer id that stands for no one (WooCommerce's `0` for a guest)."""
    key = compact(value)
    return bool(key) and (key.strip("0") == "" or key in _synonyms().placeholders)


def _number_fit(sheet: Sheet, column: Column, p: ColumnProfile, _: object) -> tuple[float, str]:
    if p.kind != "number":
        return 0.0, f"{p.kind}, not numbers"
    low, high = p.minimum or 0.0, p.maximum or 0.0
    span = f"numbers {_number(low)} to {_number(high)}"
    scale = p.scale
    if column.name == "satisfaction":
        if scale and scale[0] >= 1 and scale[1] <= 5:
            return 1.0, f"a 1-5 scale ({span})"
        return (0.5, f"a 0-10 scale ({span})") if scale else (0.1, span)
    if column.name == "recommend":
        if scale and scale[1] > 5:
            return 1.0, f"a 0-10 scale ({span})"
        return (0.35, f"a 1-5 scale ({span})") if scale else (0.1, span)
    if column.name == "age":
        fits = p.whole and low >= 0 and high <= 120 and high > 10
        return (1.0, f"whole numbers {low:g} to {high:g}") if fits else (0.1, span)
    if column.kind == "int" and not p.whole:
        return 0.15, f"{span}, not whole"
    if column.name == "quantity":
        return (0.9 if p.whole and high <= 10_000 else 0.4), span
    if column.name in ("amount", "spend", "unit_price"):
        if scale and high <= 10:
            return 0.35, f"small whole numbers ({span})"
        if p.currencies:
            return 1.0, f"money ({span}, written with {p.currencies[0]})"
        return 0.85, f"amounts ({span})"
    if column.name == "reach":
        return (0.9 if p.whole and low >= 0 else 0.3), span
    return 0.8, span


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 or value == int(value) else f"{value:,.2f}"


def _bool_fit(sheet: Sheet, column: Column, p: ColumnProfile, _: object) -> tuple[float, str]:
    if p.kind == "bool":
        return 1.0, "yes/no"
    if (
        p.kind == "number"
        and p.whole
        and (p.minimum, p.maximum) in ((0.0, 1.0), (0.0, 0.0), (1.0, 1.0))
    ):
        return 0.8, "0/1"
    if p.kind == "text" and p.distinct <= 3:
        return 0.35, f"{p.distinct} values"
    return 0.0, f"{p.kind}, not yes/no"


def _category_fit(sheet: Sheet, column: Column, p: ColumnProfile, _: object) -> tuple[float, str]:
    if p.kind == "date":
        return 0.0, "dates, not categories"
    if p.kind == "number":
        return 0.1, "numbers, not categories"
    if column.allowed is not None:
        if p.distinct > 60:
            return 0.1, f"{p.distinct:,} distinct values"
        share = placed_share(column, p)
        return 0.25 + 0.75 * share, f"{share:.0%} of its cells are known {column.name} values"
    if p.mean_length > 30:
        return 0.2, "long free text"
    if column.name == "country":
        countries = _synonyms().country_currencies
        known = sum(n for v, n in p.values if compact(v) in countries) / p.filled
        if known >= 0.5:
            return 1.0, f"{known:.0%} of its cells are countries"
    if p.distinct <= max(60, 0.3 * p.filled):
        return 0.7, f"{p.distinct:,} categories"
    return 0.4, f"{p.distinct:,} distinct values"


def _text_fit(sheet: Sheet, column: Column, p: ColumnProfile, _: object) -> tuple[float, str]:
    if p.kind != "text":
        return 0.1, f"{p.kind}, not text"
    if column.name == "interests":
        return (1.0, "lists separated by ';'") if p.listed > 0.1 else (0.5, "text")
    if column.name == "text":
        if p.mean_length >= 20 and p.spaced >= 0.5:
            return 1.0, f"free text ({p.mean_length:.0f} characters on average)"
        return 0.3, "short text"
    if column.name == "name":
        if p.spaced >= 0.5 and p.distinct >= 0.5 * p.filled:
            return 0.9, "names (words, mostly distinct)"
        return 0.4, "text"
    return 0.5, "text"


_FITS = {
    "date": _date_fit,
    "id": _id_fit,
    "float": _number_fit,
    "int": _number_fit,
    "bool": _bool_fit,
    "category": _category_fit,
    "text": _text_fit,
}


def placed_share(column: Column, p: ColumnProfile) -> float:
    """Share of a column's filled cells whose value is one of our codes or a known spelling."""
    group = value_group(column)
    codes = column.allowed or ("true", "false")
    placed = 0
    for value, count in p.values:
        if canonical_code(value, codes) or (group and match_value(value, group, codes)):
            placed += count
    return placed / p.filled if p.filled else 0.0


@dataclass(frozen=True)
class SourceMatch:
    """Which client table is which of our sheets."""

    sheets: dict[str, SheetMatch]  # our sheet -> its match, for the sheets found
    runners_up: dict[str, SheetMatch]  # our sheet -> the next best table, when close
    unused: tuple[ClientTable, ...]  # client tables that are none of our sheets


def match_source(tables: tuple[ClientTable, ...]) -> SourceMatch:
    """Every client table matched to at most one of our sheets (and each of ours to at most one
    table), the best total score; then the customer-id columns checked against the customers."""
    first = _assign(tables, None)
    customers = first[0].get("customers")
    keys = None
    if customers is not None and (key := customers.choice("customer_id")) is not None:
        keys = compared_keys(customers.table.profile(key.theirs))
    sheets, runners, unused = _assign(tables, keys) if keys else first
    if not _customers_confirmed(sheets):
        unused = (*unused, sheets.pop("customers").table)
    return SourceMatch(sheets, runners, unused)


def _customers_confirmed(sheets: dict[str, SheetMatch]) -> bool:
    """False when the customers were found by their cells alone (no name of sheet or id
    column known) and the orders do not name them: any list of unique words looks alike."""
    customers = sheets.get("customers")
    if customers is None:
        return True
    key = customers.choice("customer_id")
    if customers.name.score >= 0.7 or (key is not None and key.name.score > 0):
        return True
    orders = sheets.get("orders")
    theirs = orders.choice("customer_id") if orders is not None else None
    if key is None or orders is None or theirs is None:
        return False
    ours = customers.table.profile(key.theirs).keys
    named = orders.table.profile(theirs.theirs).keys
    return len(named & ours) >= 0.5 * max(len(named), 1)


def _assign(
    tables: tuple[ClientTable, ...], customer_keys: frozenset[str] | None
) -> tuple[dict[str, SheetMatch], dict[str, SheetMatch], tuple[ClientTable, ...]]:
    from scipy.optimize import linear_sum_assignment

    matches = [[match_sheet(t, s, customer_keys) for s in SHEETS] for t in tables]
    scores = np.array([[m.score for m in row] for row in matches]).reshape(len(tables), len(SHEETS))
    chosen: dict[str, SheetMatch] = {}
    if scores.size:
        rows, cols = linear_sum_assignment(scores, maximize=True)
        for i, j in zip(rows, cols, strict=True):
            if scores[i, j] >= (REQUIRED_SHEET_FLOOR if SHEETS[j].required else SHEET_FLOOR):
                chosen[SHEETS[j].name] = matches[i][j]
    used = {id(m.table) for m in chosen.values()}
    runners: dict[str, SheetMatch] = {}
    for j, sheet in enumerate(SHEETS):
        if sheet.name not in chosen:
            continue
        others = [
            matches[i][j]
            for i in range(len(tables))
            if matches[i][j].table is not chosen[sheet.name].table
            and scores[i, j] >= max(SHEET_FLOOR, chosen[sheet.name].score - SHEET_CLOSE)
        ]
        if others:
            runners[sheet.name] = max(others, key=lambda m: m.score)
    unused = tuple(t for t in tables if id(t) not in used)
    return chosen, runners, unused


def describe_name(name: NameMatch) -> str:
    """The name evidence in a few words."""
    if name.how == "exact":
        return f"name is '{name.synonym}'"
    if name.how == "close":
        return f"name close to '{name.synonym}'"
    if name.how == "contains":
        return f"name holds '{name.synonym}'"
    return "name unknown"
