"""A deckgen.toml proposal from the client's tables: every guess with its evidence and confidence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import pyarrow as pa
import pyarrow.compute as pc

from deckgen.data import cells
from deckgen.data.mapping import canonical_code
from deckgen.data.schema import CUSTOMERS, SHEETS, SHEETS_BY_NAME, TEXT_KINDS, Column
from deckgen.propose.guess import HIGH, MEDIUM, Guess
from deckgen.propose.locale import (
    client_guess,
    currency_codes,
    currency_guess,
    language_guess,
    timezone_guess,
)
from deckgen.propose.match import (
    ColumnChoice,
    SheetMatch,
    SourceMatch,
    match_sheet,
    match_source,
    placed_share,
    value_group,
)
from deckgen.propose.names import compact, match_value, synonyms
from deckgen.propose.profile import ColumnProfile, shown_format
from deckgen.propose.source import ClientSource, ClientTable


@dataclass(frozen=True)
class ValueMap:
    """The client's values of one of our coded columns, placed on our codes or not."""

    column: str  # ours
    group: str  # the synonyms.toml value group
    open: bool  # an open vocabulary (channels, feedback kinds): unplaced values count as other
    mapped: tuple[tuple[str, str, str, int], ...]  # (client's value, our code, how, rows)
    unplaced: tuple[tuple[str, int], ...]  # (client's value, rows)
    as_is: int  # rows whose value deckgen already reads as one of its codes


@dataclass(frozen=True)
class Decision:
    """Something the consultant should decide, most important first (lowest priority)."""

    priority: int
    text: str


@dataclass(frozen=True)
class SheetProposal:
    """The proposal for one of our sheets."""

    sheet: str
    table: ClientTable | None  # None for customers derived from the orders
    score: float  # how well the table serves as the sheet (0..1)
    evidence: str
    runner_up: str | None = None
    header_row: Guess | None = None
    columns: tuple[ColumnChoice, ...] = ()
    date_formats: dict[str, Guess] = field(default_factory=dict)
    decimal: Guess | None = None
    values: tuple[ValueMap, ...] = ()
    compute: dict[str, Guess] = field(default_factory=dict)
    where: Guess | None = None
    returns: Guess | None = None
    order_lines: Guess | None = None
    row_ids: Guess | None = None
    from_orders: Guess | None = None


@dataclass(frozen=True)
class Proposal:
    """Everything init proposes for one client source."""

    source: ClientSource
    client: Guess
    currency: Guess
    lang: Guess
    timezone: Guess | None
    sheets: tuple[SheetProposal, ...]  # in schema order
    unused: tuple[str, ...]  # client tables that are none of our sheets
    decisions: tuple[Decision, ...]

    def sheet(self, name: str) -> SheetProposal | None:
        """The proposal for our sheet `name`, or None when none was found."""
        return next((s for s in self.sheets if s.sheet == name), None)


def propose(source: ClientSource, lang: str | None = None) -> Proposal:
    """The deckgen.toml proposal for `source`; `lang` is the deck language if given."""
    matched = match_source(source.tables)
    sheets = _email_folds([_sheet(match, matched) for match in _in_schema_order(matched)])
    orders = next((s for s in sheets if s.sheet == "orders"), None)
    if "customers" not in matched.sheets and orders is not None and orders.table is not None:
        sheets.insert(0, _customers_from_orders(orders, matched))
    written = language_guess(source, None)  # the data's own language guides currency and zone
    language = language_guess(source, lang) if lang else written
    proposal = Proposal(
        source=source,
        client=client_guess(source),
        currency=currency_guess(sheets, str(written.value)),
        lang=language,
        timezone=timezone_guess(sheets, str(written.value)),
        sheets=tuple(sheets),
        unused=tuple(t.label for t in matched.unused),
        decisions=(),
    )
    return Proposal(**{**proposal.__dict__, "decisions": _decisions(proposal)})


def _in_schema_order(matched: SourceMatch) -> list[SheetMatch]:
    return [matched.sheets[s.name] for s in SHEETS if s.name in matched.sheets]


# -- one sheet ---------------------------------------------------------------------------


def _sheet(match: SheetMatch, matched: SourceMatch) -> SheetProposal:
    table = match.table
    runner = matched.runners_up.get(match.sheet)
    runner_text = f"{runner.table.label} ({runner.score:.2f})" if runner else None
    columns = [
        c
        for c in match.columns
        if c.ours in {col.name for col in SHEETS_BY_NAME[match.sheet].columns}
    ]
    helpers = {c.ours: c for c in match.columns if c not in columns}
    proposal = SheetProposal(
        sheet=match.sheet,
        table=table,
        score=match.score,
        evidence=_sheet_evidence(match),
        runner_up=runner_text,
        header_row=_header_row(table),
    )
    changes: dict[str, object] = {}
    sheet = SHEETS_BY_NAME[match.sheet]
    key = sheet.key
    if key in match.missing and match.sheet in ("orders", "surveys", "feedback", "leads"):
        changes["row_ids"] = Guess(
            True, f"no column holds a unique {key}: each row is numbered as one", 0.6
        )
    if match.sheet == "orders":
        columns, changes = _orders(table, columns, helpers, changes)
    changes["where"] = _where(table, columns, sheet.name)
    return _finish(proposal, table, columns, changes)


def _finish(
    proposal: SheetProposal,
    table: ClientTable,
    columns: list[ColumnChoice],
    changes: dict[str, object],
) -> SheetProposal:
    """`proposal` with its columns and what follows from their cells."""
    sheet = SHEETS_BY_NAME[proposal.sheet]
    ours = {c.name: c for c in sheet.columns}
    dates: dict[str, Guess] = {}
    for choice in columns:
        profile = table.profile(choice.theirs)
        if ours[choice.ours].kind == "date" and profile.date_format:
            dates[choice.ours] = _date_format(profile)
    numbers = [table.profile(c.theirs) for c in columns if ours[c.ours].kind in ("float", "int")]
    numbers += [table.profile(n) for n in _computed_inputs(changes)]
    values = tuple(
        vm for c in columns if (vm := value_map(ours[c.ours], table.profile(c.theirs))) is not None
    )
    return SheetProposal(
        **{
            **proposal.__dict__,
            "columns": tuple(columns),
            "date_formats": dates,
            "decimal": _decimal(numbers),
            "values": values,
            **{k: v for k, v in changes.items() if v is not None},
        }
    )


def _computed_inputs(changes: dict[str, object]) -> list[str]:
    compute = changes.get("compute")
    if not isinstance(compute, dict):
        return []
    return [
        name for guess in compute.values() for name in re.findall(r'"([^"]+)"', str(guess.value))
    ]


def _sheet_evidence(match: SheetMatch) -> str:
    table = match.table
    name = f"its name matches '{match.name.synonym}'; " if match.name.score >= 0.7 else ""
    placed = len(match.columns)
    return f"{name}{placed} of its {len(table.profiles)} columns placed; {table.rows:,} rows"


def _header_row(table: ClientTable) -> Guess | None:
    rows = set(table.header_rows)
    if rows == {1}:
        return None
    if len(rows) > 1:
        listed = ", ".join(
            f"'{n}' row {r}" for n, r in zip(table.names, table.header_rows, strict=True)
        )
        return Guess(
            None, f"the header rows differ ({listed}); deckgen finds each below its titles", 0.7
        )
    row = table.header_rows[0]
    titles = "; ".join(t[:40] for t in table.titles) or "blank"
    return Guess(row, f"rows above it are titles ({titles})", 0.9)


def _date_format(profile: ColumnProfile) -> Guess:
    fmt = profile.date_format
    shown = shown_format(fmt)
    if profile.date_alternative:
        return Guess(
            fmt,
            f"dates written {shown}; every one also reads as {shown_format(profile.date_alternative)}"
            " (no day above 12)",
            0.45,
            runner_up=profile.date_alternative,
        )
    sample = next((v for v, _ in profile.values), "")
    return Guess(fmt, f"dates written {shown}, e.g. '{sample}'", 0.9)


def _decimal(numbers: list[ColumnProfile]) -> Guess | None:
    comma = [p for p in numbers if p.decimal == ","]
    if not comma:
        return None
    evidence = sum(p.other_mark for p in comma)
    example = next((v for p in comma for v, _ in p.values if "," in v), "")
    confidence = 0.9 if evidence else 0.5
    how = f"{evidence:,} numbers read only with a decimal comma" if evidence else "no number tells"
    return Guess(
        ",", f"{how}, e.g. '{example}' in {', '.join(repr(p.name) for p in comma)}", confidence
    )


# -- orders ------------------------------------------------------------------------------


def _orders(
    table: ClientTable,
    columns: list[ColumnChoice],
    helpers: dict[str, ColumnChoice],
    changes: dict[str, object],
) -> tuple[list[ColumnChoice], dict[str, object]]:
    chosen = {c.ours: c for c in columns}
    quantity, price = helpers.get("quantity"), helpers.get("unit_price")
    amount = chosen.get("amount")
    compute: dict[str, Guess] = {}
    if (
        quantity
        and price
        and _usable(quantity.theirs, price.theirs)
        and (amount is None or amount.name.score < 0.55)
    ):
        columns = [c for c in columns if c.ours != "amount"]
        operands = [_sql_number(table.profile(c.theirs)) for c in (quantity, price)]
        written = [c.theirs for c in (quantity, price) if table.profile(c.theirs).currencies]
        compute["amount"] = Guess(
            " * ".join(operands),
            f"no amount column; '{quantity.theirs}' is a quantity and '{price.theirs}' a unit"
            " price" + "".join(f"; '{name}' is read past its currency sign" for name in written),
            0.8,
            runner_up=amount.theirs if amount else None,
        )
    if compute:
        changes["compute"] = compute
    order_id = chosen.get("order_id")
    if order_id is not None:
        profile = table.profile(order_id.theirs)
        if not profile.unique:
            changes["order_lines"] = _order_lines(table, order_id, chosen.get("customer_id"))
        changes["returns"] = _returns(table, profile, quantity)
    return columns, changes


def _email_folds(sheets: list[SheetProposal]) -> list[SheetProposal]:
    """`sheets` with every e-mail customer column in lower case without surrounding spaces,
    when some addresses differ from another only so (`Ann@x.com`, ` ann@x.com`: one customer),
    in one sheet or between two: folded in every sheet at once, so that a survey's `ANN@X.COM`
    still joins the orders' `ann@x.com`."""
    emails = [
        (s.table.profile(c.theirs), k)
        for k, s in enumerate(sheets)
        for c in s.columns
        if c.ours == "customer_id" and s.table is not None
    ]
    emails = [(p, k) for p, k in emails if p.emails >= 0.9 and _usable(p.name)]
    written = frozenset().union(*(p.keys for p, _ in emails))
    merged = len(written) - len({key.strip().lower() for key in written})
    if merged == 0:
        return sheets
    folded = list(sheets)
    for profile, k in emails:
        guess = Guess(
            f"lower(trim({_sql_name(profile.name)}))",
            f"{merged:,} e-mail addresses differ from another only by case or spaces: one"
            " customer each, compared in lower case in every sheet",
            0.8,
        )
        compute = {**folded[k].compute, profile.name: guess}  # the column replaced by its fold
        folded[k] = replace(folded[k], compute=compute)
    return folded


def _order_lines(
    table: ClientTable, order_id: ColumnChoice, customer: ColumnChoice | None
) -> Guess:
    profile = table.profile(order_id.theirs)
    repeated = profile.filled - profile.distinct
    evidence = f"{profile.distinct:,} order ids on {profile.filled:,} rows ({repeated:,} repeats)"
    if customer is None:
        return Guess(True, f"{evidence}: lines of orders", 0.7)
    ids = cells.as_text(table.table[order_id.theirs])
    owners = cells.as_text(table.table[customer.theirs])
    pairs = pa.table({"o": ids, "c": owners}).filter(pc.is_valid(pc.field("c")))
    per_order = pairs.group_by("o").aggregate([("c", "count_distinct")])
    mixed = pc.sum(pc.greater(per_order["c_count_distinct"], 1)).as_py() or 0
    if mixed:
        return Guess(
            True,
            f"{evidence}; but {mixed:,} orders name several customers: check that these are lines",
            0.45,
        )
    return Guess(True, f"{evidence}, each order's lines naming one customer: lines of orders", 0.9)


def _returns(
    table: ClientTable, order_id: ColumnProfile, quantity: ColumnChoice | None
) -> Guess | None:
    cancelled = sum(n for v, n in order_id.values if re.match(r"^[Cc]\d", v))
    if 0 < cancelled < 0.3 * order_id.filled and _usable(order_id.name):
        return Guess(
            f"{_sql_name(order_id.name)} LIKE 'C%'",
            f"{cancelled:,} rows have an order id starting with C (cancellations)",
            0.75,
            runner_up="Quantity < 0" if quantity else None,
        )
    if quantity is not None and _usable(quantity.theirs):
        negatives = table.profile(quantity.theirs).negatives
        if negatives:
            return Guess(
                f"{_sql_name(quantity.theirs)} < 0",
                f"{negatives:,} rows have a negative quantity (returns)",
                0.7,
            )
    return None


def _where(table: ClientTable, columns: list[ColumnChoice], sheet: str) -> Guess | None:
    """A row filter: TOTAL-like rows, and orders that name no customer."""
    parts: list[str] = []
    evidence: list[str] = []
    totals = sorted({row for p in table.profiles for row in p.totals})
    if totals:
        label = max(table.profiles, key=lambda p: (len(p.totals), -table.profiles.index(p)))
        words = label.total_labels
        listed = ", ".join(_sql_text(w) for w in words)
        ours = {c.theirs: c.ours for c in columns}
        kind = SHEETS_BY_NAME[sheet].column(ours[label.name]).kind if label.name in ours else "text"
        if kind in TEXT_KINDS and _usable(label.name):
            parts.append(f"coalesce({_sql_name(label.name)}, '') NOT IN ({listed})")
            evidence.append(f"{len(totals):,} row(s) labelled {listed} in '{label.name}'")
    if sheet == "orders":
        customer = next((c for c in columns if c.ours == "customer_id"), None)
        if customer is not None and (empty := _walk_ins(table, columns)):
            parts.append(f"{_sql_name(customer.theirs)} IS NOT NULL")
            evidence.append(f"{empty:,} rows name no customer (walk-in sales?)")
        status = _not_sales(table)
        if status is not None:
            parts.append(status.condition)
            evidence.append(
                f"'{status.column}' marks rows that brought no revenue ({status.listed()})"
            )
    if not parts:
        return None
    return Guess(" AND ".join(parts), "; ".join(evidence), 0.8)


def _walk_ins(table: ClientTable, columns: list[ColumnChoice]) -> int:
    """The orders that name no customer (TOTAL rows aside), when fewer than half do: rows the
    proposed `where` leaves out; 0 otherwise."""
    customer = next((c for c in columns if c.ours == "customer_id"), None)
    if customer is None or not _usable(customer.theirs):
        return 0
    profile = table.profile(customer.theirs)
    totals = {row for p in table.profiles for row in p.totals}
    empty = profile.rows - profile.filled - len(totals)
    return empty if 0 < empty < 0.5 * profile.rows else 0


@dataclass(frozen=True)
class _StatusFilter:
    """The rows of a status column (payment or order status) that are no sale."""

    column: str  # the client's status column
    left_out: tuple[tuple[str, int, str], ...]  # (status as written, rows, not_sale or unpaid)

    @property
    def condition(self) -> str:
        """The `where` condition keeping the other rows (blank statuses too)."""
        listed = ", ".join(_sql_text(v) for v, _, _ in self.left_out)
        return f"coalesce({_sql_name(self.column)}, '') NOT IN ({listed})"

    def listed(self, kinds: tuple[str, ...] = ("not_sale", "unpaid")) -> str:
        """The statuses left out of `kinds` with their rows (`37 refunded, 23 pending`)."""
        return ", ".join(f"{n:,} {v}" for v, n, kind in self.left_out if kind in kinds)


def _not_sales(table: ClientTable) -> _StatusFilter | None:
    """The status column whose cells are payment or order statuses, with the rows it marks as
    no sale; None when no column's cells are such statuses or all are sales."""
    statuses = synonyms().order_statuses
    for profile in table.profiles:
        if profile.kind != "text" or not _usable(profile.name):
            continue
        known = [(v, n, statuses[compact(v)]) for v, n in profile.values if compact(v) in statuses]
        if sum(n for _, n, _ in known) < 0.9 * profile.filled:
            continue
        left_out = tuple(row for row in known if row[2] != "sale")
        if sum(n for _, n, _ in left_out) >= profile.rows:  # a filter keeping no order is wrong
            continue
        if left_out:  # else all sales (`Fulfillment Status`): another column may mark some
            return _StatusFilter(profile.name, left_out)
    return None


def _usable(*names: str) -> bool:
    """True when SQL expressions of deckgen.toml can name these columns: the transforms do not
    find a name holding a double quote, so init proposes no expression over one."""
    return not any('"' in name for name in names)


def _sql_name(name: str) -> str:
    """A client's column name as a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


_NATIVE_DIGITS = "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩"
_SPACES = r" \x{a0}\x{202f}"  # thousands separators besides the other mark (RE2 escapes)


def _sql_number(profile: ColumnProfile) -> str:
    """SQL reading `profile`'s column as a number: its name where the transforms read it so,
    else (numbers written with a currency, which they keep as text) the number in each cell,
    without its currency and thousands separators, in its decimal mark."""
    name = _sql_name(profile.name)
    if not profile.currencies:
        return name
    mark = profile.decimal
    thousands = "." if mark == "," else ","
    latin = f"translate({name}, '{_NATIVE_DIGITS}٬٫', '{'0123456789' * 2}{thousands}{mark}')"
    group = f"[{thousands}{_SPACES}]"
    pattern = f"-?[0-9](?:[0-9]|{group}[0-9])*(?:{re.escape(mark)}[0-9]+)?"
    digits = f"regexp_replace(regexp_extract({latin}, {_sql_text(pattern)}), {_sql_text(group)}, '', 'g')"
    if mark == ",":
        digits = f"replace({digits}, ',', '.')"
    return f"TRY_CAST({digits} AS DOUBLE)"


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# -- customers from the orders -------------------------------------------------------------


def _customers_from_orders(orders: SheetProposal, matched: SourceMatch) -> SheetProposal:
    assert orders.table is not None
    customer = next((c for c in orders.columns if c.ours == "customer_id"), None)
    guess = Guess(
        True,
        "no sheet looks like a list of customers: one customer per customer id of the orders",
        0.85 if customer else 0.3,
    )
    proposal = SheetProposal(
        sheet="customers",
        table=None,
        score=0.0,
        evidence="derived from the orders",
        from_orders=guess,
    )
    if customer is None:
        return proposal
    used = frozenset(c.theirs for c in orders.columns) | frozenset(
        name for g in orders.compute.values() for name in re.findall(r'"([^"]+)"', str(g.value))
    )
    attributes = tuple(c.name for c in CUSTOMERS.columns if c.name != "customer_id")
    extra = match_sheet(orders.table, CUSTOMERS, exclude=used, only=attributes)
    columns = [customer, *(c for c in extra.columns if c.name.score > 0 and _placed(c, orders))]
    values = tuple(
        vm
        for c in columns
        if (vm := value_map(CUSTOMERS.column(c.ours), orders.table.profile(c.theirs))) is not None
    )
    return SheetProposal(**{**proposal.__dict__, "columns": tuple(columns), "values": values})


def _placed(choice: ColumnChoice, orders: SheetProposal) -> bool:
    """False for a coded attribute none of whose values deckgen places (Shopify's `Source`,
    `web` and `pos`, is a sales channel, not how the customer was acquired)."""
    column = CUSTOMERS.column(choice.ours)
    if value_group(column) is None or orders.table is None:
        return True
    return placed_share(column, orders.table.profile(choice.theirs)) > 0


# -- values --------------------------------------------------------------------------------


def value_map(column: Column, profile: ColumnProfile) -> ValueMap | None:
    """The client's values of a coded column (closed or open vocabulary, yes/no) placed on our
    codes; None for other columns."""
    group = value_group(column)
    if group is None:
        return None
    codes = column.allowed or ("true", "false")
    mapped: list[tuple[str, str, str, int]] = []
    unplaced: list[tuple[str, int]] = []
    as_is = 0
    for value, rows in profile.values:
        if _read_as_is(column, value, codes):
            as_is += rows
        elif (match := match_value(value, group, codes)) is not None:
            mapped.append((value, match.code, match.how, rows))
        else:
            unplaced.append((value, rows))
    return ValueMap(
        column.name, group, column.vocabulary is not None, tuple(mapped), tuple(unplaced), as_is
    )


def _read_as_is(column: Column, value: str, codes: tuple[str, ...]) -> bool:
    """True when deckgen reads `value` as one of its codes without a value map."""
    if column.kind == "bool":
        read = cells.read_booleans(pa.chunked_array([pa.array([value])]))
        return read.null_count == 0
    return canonical_code(value, codes) is not None


# -- what is left ------------------------------------------------------------------------


def _decisions(proposal: Proposal) -> tuple[Decision, ...]:
    found: list[Decision] = []
    names = {s.sheet for s in proposal.sheets}
    for sheet in SHEETS:
        if sheet.name in names:
            continue
        if sheet.required:
            found.append(
                Decision(
                    0,
                    f"no client sheet looks like '{sheet.name}': name it under "
                    f'[sheets.{sheet.name}] sheet = "..." and map its columns',
                )
            )
        else:
            found.append(Decision(70, f"no sheet for '{sheet.name}': its slides are left out"))
    for proposal_sheet in proposal.sheets:
        found += _sheet_decisions(proposal_sheet)
    for guess, what, priority in (
        (proposal.currency, "currency", 50),
        (proposal.client, "client", 55),
        (proposal.timezone, "timezone", 58),
    ):
        if guess is not None and guess.confidence < HIGH:
            found.append(Decision(priority, f"{what} = {guess.value!s}: {guess.evidence}"))
    found += [
        Decision(75, f"{label} is none of deckgen's sheets (left out)") for label in proposal.unused
    ]
    found += [
        Decision(76, f"sheet '{name}' was not read: {why}") for name, why in proposal.source.skipped
    ]
    return tuple(sorted(found, key=lambda d: d.priority))


def _status_decision(status: _StatusFilter, rows: int) -> Decision:
    """The orders a status filter leaves out, counted; unpaid ones may be sales billed later."""
    left = sum(n for _, n, _ in status.left_out)
    text = (
        f"[sheets.orders] where: {left:,} of {rows:,} orders are left out as no sale by "
        f"'{status.column}' ({status.listed()})"
    )
    if unpaid := status.listed(("unpaid",)):
        text += (
            f"; the {unpaid} are not paid yet: if the client bills later or takes cash on"
            " delivery they are sales, so take them out of where to count them"
        )
    return Decision(46, text)


def _currency_mixes(table: ClientTable) -> list[Decision]:
    """A column of currency codes that names more than one: deckgen adds every amount as one
    currency, so a mix must be converted or filtered first."""
    found = []
    for profile in table.profiles:
        tally = currency_codes(profile)
        if len(tally) < 2:
            continue
        ranked = sorted(tally, key=lambda c: (-tally[c], c))
        shares = ", ".join(f"{c} on {tally[c]:,} rows" for c in ranked)
        keep = f"{_sql_name(profile.name)} = {_sql_text(_written(profile, ranked[0]))}"
        found.append(
            Decision(
                20,
                f"[sheets.orders] '{profile.name}' names several currencies ({shares}): deckgen"
                " adds every amount as one currency; convert the amounts to one (compute) or keep"
                f" one currency with where: {keep}",
            )
        )
    return found


def _written(profile: ColumnProfile, code: str) -> str:
    """The most frequent spelling of currency `code` in `profile` (`eur` for EUR)."""
    return next((v for v, _ in profile.values if v.strip().upper() == code), code)


def _sheet_decisions(proposal: SheetProposal) -> list[Decision]:
    sheet = SHEETS_BY_NAME[proposal.sheet]
    found: list[Decision] = []
    chosen = {c.ours for c in proposal.columns}
    computed = set(proposal.compute)
    for column in sheet.columns:
        if not column.required or column.name in chosen | computed:
            continue
        if column.name == sheet.key and proposal.row_ids is not None:
            continue
        if proposal.from_orders is not None:
            continue
        found.append(
            Decision(
                10,
                f"[sheets.{sheet.name}.columns] {column.name}: no column found; "
                f"name the client's column for it",
            )
        )
    for choice in proposal.columns:
        required = sheet.column(choice.ours).required
        if choice.score < MEDIUM or (choice.runner_up and required):
            runner = (
                f"; runner-up '{choice.runner_up[0]}' ({choice.runner_up[1]:.2f})"
                if choice.runner_up
                else ""
            )
            found.append(
                Decision(
                    30 if required else 62,
                    f"[sheets.{sheet.name}.columns] {choice.ours} = "
                    f"'{choice.theirs}' is uncertain ({choice.score:.2f}: {choice.content}){runner}",
                )
            )
    for column, guess in proposal.date_formats.items():
        if guess.confidence < MEDIUM:
            found.append(
                Decision(32, f"[sheets.{sheet.name}] date format of {column}: {guess.evidence}")
            )
    if proposal.runner_up:
        found.append(
            Decision(
                35,
                f"[sheets.{sheet.name}] '{', '.join(proposal.table.names) if proposal.table else ''}'"
                f" chosen; {proposal.runner_up} looks like '{sheet.name}' too",
            )
        )
    table = proposal.table
    if proposal.sheet == "orders" and table and (left := _walk_ins(table, list(proposal.columns))):
        found.append(
            Decision(
                45,
                f"[sheets.orders] where: {left:,} of {table.rows:,} orders name no customer"
                " (walk-in sales?) and are left out of every figure, revenue too; give them a"
                " customer id to count them",
            )
        )
    if proposal.sheet == "orders" and table and (status := _not_sales(table)):
        found.append(_status_decision(status, table.rows))
    if proposal.sheet == "orders" and table:
        found += _currency_mixes(table)
    for guess, what in ((proposal.order_lines, "order_lines"), (proposal.decimal, "decimal")):
        if guess is not None and guess.confidence < MEDIUM:
            found.append(Decision(36, f"[sheets.{sheet.name}] {what}: {guess.evidence}"))
    for values in proposal.values:
        if not values.unplaced:
            continue
        listed = ", ".join(f"'{v}' ({n:,} rows)" for v, n in values.unplaced[:6])
        more = f" and {len(values.unplaced) - 6} more" if len(values.unplaced) > 6 else ""
        required = sheet.column(values.column).required
        if values.open:
            text = "counted as 'other' unless mapped or added to [vocabulary]"
            priority = 60
        else:
            text = "map each to one of " + ", ".join(
                sheet.column(values.column).allowed or ("true", "false")
            )
            priority = 40 if required else 61
        found.append(
            Decision(
                priority,
                f"[sheets.{sheet.name}.values.{values.column}] not placed: {listed}{more}; {text}",
            )
        )
    return found
