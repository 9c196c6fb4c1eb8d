"""A proposal written as a commented deckgen.toml: each guess with its evidence and confidence."""

from __future__ import annotations

import json
import re
from pathlib import Path

from deckgen.config import INVISIBLE_MARKS
from deckgen.propose.guess import HIGH, MEDIUM, Guess
from deckgen.propose.match import ColumnChoice, describe_name
from deckgen.propose.proposal import Proposal, SheetProposal, ValueMap

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# Invisible marks a name or value can carry, written as escapes so that the reader of the file
# sees them (a direction control also turns the rest of a line around).
_INVISIBLE = re.compile(f"[\x7f{INVISIBLE_MARKS}]")


def proposal_toml(proposal: Proposal, command: str) -> str:
    """The text of deckgen.toml for `proposal`; `command` is how to validate it."""
    source = proposal.source
    lines = [
        f"# deckgen.toml proposed by `deckgen init` from {_comment(source.label)}.",
        "# Each guess says why (its evidence) and how sure init is: high, medium or low, with the",
        "# score of the choice (0..1); a runner-up is the next best choice where it came close.",
        f"# Check it with `{_comment(command)}`; docs/init.md tells how init decides.",
        "",
        _setting("client", proposal.client),
        _setting("currency", proposal.currency),
        _setting("lang", proposal.lang),
    ]
    if proposal.timezone is not None and proposal.timezone.value is not None:
        lines.append(_setting("timezone", proposal.timezone))
    for sheet in proposal.sheets:
        lines += ["", *_sheet(sheet, database=source.kind == "database")]
    offers = _vocabulary_offers(proposal)
    if offers:
        lines += ["", *offers]
    if proposal.unused or source.skipped:
        lines += ["", "# Not used:"]
        lines += [f"#   {_comment(label)}: none of deckgen's sheets" for label in proposal.unused]
        lines += [f"#   '{_comment(name)}': {_comment(why)}" for name, why in source.skipped]
    if source.kind == "database":
        lines += ["", *_database_source(proposal)]
    return "\n".join(lines) + "\n"


def _setting(key: str, guess: Guess) -> str:
    return f"{key} = {_value(guess.value)}  # {_why(guess)}"


def _why(guess: Guess) -> str:
    runner = f"; runner-up: {guess.runner_up}" if guess.runner_up else ""
    return _comment(f"{guess.level}: {guess.evidence}{runner}")


def _level(score: float) -> str:
    return "high" if score >= HIGH else "medium" if score >= MEDIUM else "low"


def _sheet(proposal: SheetProposal, database: bool) -> list[str]:
    name = proposal.sheet
    lines: list[str] = []
    table = proposal.table
    if table is None:
        lines.append(f"# {name}: {_comment(proposal.evidence)}")
    else:
        lines.append(
            f"# {name}: {_comment(table.label)} ({_level(proposal.score)}, {proposal.score:.2f}): "
            f"{_comment(proposal.evidence)}"
        )
        if proposal.runner_up:
            lines.append(f"# runner-up: {_comment(proposal.runner_up)}")
    lines.append(f"[sheets.{name}]")
    if table is not None and not database:
        sources = table.names
        lines.append(f"sheet = {_value(sources[0] if len(sources) == 1 else list(sources))}")
        if len(sources) > 1:
            lines[-1] += f"  # {len(sources)} sheets of one kind, stacked"
    if proposal.header_row is not None and not database:
        if proposal.header_row.value is None:
            lines.append(f"# header_row: {_comment(proposal.header_row.evidence)}")
        else:
            lines.append(f"header_row = {proposal.header_row.value}  # {_why(proposal.header_row)}")
    for key in ("from_orders", "row_ids", "order_lines", "decimal", "where"):
        guess = getattr(proposal, key)
        if guess is not None:
            lines.append(f"{key} = {_value(guess.value)}  # {_why(guess)}")
    if proposal.columns:
        lines += ["", f"[sheets.{name}.columns]"]
        lines += [_column(choice) for choice in proposal.columns]
    if proposal.date_formats:
        lines += ["", f"[sheets.{name}.date_format]"]
        lines += [
            f"{key} = {_value(g.value)}  # {_why(g)}" for key, g in proposal.date_formats.items()
        ]
    if proposal.compute:
        lines += ["", f"[sheets.{name}.compute]"]
        lines += [
            f"{_key(key)} = {_value(g.value)}  # {_why(g)}" for key, g in proposal.compute.items()
        ]
    if proposal.returns is not None:
        lines += [
            "",
            f"[sheets.{name}.returns]",
            f"when = {_value(proposal.returns.value)}  # {_why(proposal.returns)}",
            'policy = "net"  # taken off the customer\'s revenue in the month of the return',
        ]
    for values in proposal.values:
        lines += _values(name, values)
    return lines


def _column(choice: ColumnChoice) -> str:
    runner = (
        f"; runner-up '{choice.runner_up[0]}' ({choice.runner_up[1]:.2f})"
        if choice.runner_up
        else ""
    )
    why = f"{_level(choice.score)} ({choice.score:.2f}): {describe_name(choice.name)}; {choice.content}"
    return f"{_key(choice.ours)} = {_value(choice.theirs)}  # {_comment(why + runner)}"


def _values(sheet: str, values: ValueMap) -> list[str]:
    if not values.mapped and not values.unplaced:
        return []
    lines = ["", f"[sheets.{sheet}.values.{values.column}]"]
    if values.as_is:
        lines.append(f"# {values.as_is:,} rows already hold deckgen's codes")
    for theirs, code, how, rows in values.mapped:
        spelling = "a listed spelling" if how == "synonym" else "close to a listed spelling"
        lines.append(f"{_key(theirs)} = {_value(code)}  # {rows:,} rows; {spelling}")
    if values.unplaced:
        fate = (
            "counted as 'other' until mapped (or added to [vocabulary], below)"
            if values.open
            else "decide: an error or an empty cell until mapped"
        )
        lines.append(f"# not placed ({fate}):")
        lines += [f'# {_key(v)} = "?"  # {rows:,} rows' for v, rows in values.unplaced[:20]]
        if len(values.unplaced) > 20:
            lines.append(f"# ... and {len(values.unplaced) - 20} more values")
    return lines


def _vocabulary_offers(proposal: Proposal) -> list[str]:
    """Commented [vocabulary] entries for the values of open vocabularies init could not place."""
    groups: dict[str, dict[str, int]] = {}
    for sheet in proposal.sheets:
        for values in sheet.values:
            if values.open and values.unplaced:
                table = groups.setdefault(values.group, {})
                for value, rows in values.unplaced:
                    table[value] = table.get(value, 0) + rows
    if not groups:
        return []
    lang = str(proposal.lang.value)
    lines = [
        "# Values init could not place, offered as codes of their own: to show one as its own",
        "# channel (or kind) rather than 'other', uncomment its line and map the value to it above.",
    ]
    for group, counted in groups.items():
        lines.append(f"# [vocabulary.{group}]")
        for number, value in enumerate(sorted(counted, key=lambda v: (-counted[v], v)), 1):
            code = _code(value, group, number)
            lines.append(f"# {code} = {{ {lang} = {_value(value)} }}  # {counted[value]:,} rows")
    return lines


def _code(value: str, group: str, number: int) -> str:
    """A code for a client's value: its words in lower case with `_`, else a numbered one."""
    code = re.sub(r"[^a-z0-9]+", "_", value.casefold()).strip("_")
    if code and code.isascii() and code != "total" and code[0].isalpha():
        return code
    return f"{group.rstrip('s')}_{number}"


def _database_source(proposal: Proposal) -> list[str]:
    """The [source] table that reads these tables (docs/data-format.md#databases)."""
    import sqlalchemy as sa

    from deckgen.data.source import anchor_sqlite

    # A relative SQLite file as the working folder sees it now (a config's own paths are read
    # from its folder), and never a password: the driver takes that from the environment.
    given = sa.engine.make_url(anchor_sqlite(str(proposal.source.url), Path.cwd()))
    url = given._replace(password=None).render_as_string(hide_password=False)
    lines = ["[source]", f"database = {_value(url)}"]
    if given.password is not None:
        lines[-1] += "  # the password is left out: give it as PGPASSWORD or in ~/.pgpass"
    lines.append("[source.queries]")
    for sheet in proposal.sheets:
        if sheet.table is None:
            continue
        names = sheet.table.names
        query = (
            names[0] if len(names) == 1 else " UNION ALL ".join(f"SELECT * FROM {n}" for n in names)
        )
        lines.append(f"{sheet.sheet} = {_value(query)}")
    return lines


def _key(text: str) -> str:
    return text if _BARE_KEY.match(text) else _value(text)


def _value(value: object) -> str:
    """`value` as a TOML value: a string, a list of strings, a boolean or a number."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    text = json.dumps(str(value), ensure_ascii=False)
    return _INVISIBLE.sub(lambda mark: f"\\u{ord(mark.group()):04x}", text)


def _comment(text: str) -> str:
    """`text` fit for a one-line TOML comment."""
    return _UNPRINTABLE.sub(" ", str(text))
