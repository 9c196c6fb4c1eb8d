"""The proposal written and checked with the real loader and validator: what is left to decide."""

from __future__ import annotations

import os
import secrets
import shlex
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from deckgen.config import CONFIG_NAME, load_settings
from deckgen.data.source import SourceSpec, source_from_settings
from deckgen.errors import DeckgenError, InputError, Problem, problem_count
from deckgen.propose.proposal import Decision, Proposal, propose
from deckgen.propose.source import read_client_source
from deckgen.propose.write import proposal_toml

_SAID = ("missing_sheet", "derived_customers")  # validation warnings the proposal words itself
SHOWN_DECISIONS = 25  # lines of "left to decide" printed; the rest are counted


@dataclass(frozen=True)
class InitResult:
    """What `deckgen init` wrote and found."""

    output: Path
    proposal: Proposal
    errors: int  # validation errors of the data read with the proposal
    warnings: int
    failure: str | None  # why the proposal could not be checked at all (a bad config, ...)
    decisions: tuple[Decision, ...]  # the proposal's and the validation's, most important first
    next_step: str  # the command to run next

    @property
    def valid(self) -> bool:
        """True when the data validates with the proposal as written."""
        return self.failure is None and self.errors == 0

    def summary(self) -> str:
        """Readable lines for the terminal."""
        found = [
            s.sheet + (" (from the orders)" if s.table is None else "")
            for s in self.proposal.sheets
        ]
        lines = [f"wrote {self.output}: {', '.join(found) or 'no sheet of deckgen'} found"]
        if self.failure is not None:
            lines.append(f"The proposal cannot be checked yet: {self.failure}")
        elif self.errors:
            lines.append(f"Validated: {self.errors:,} error(s), {self.warnings:,} warning(s).")
        else:
            noted = f" with {self.warnings:,} warning(s)" if self.warnings else ""
            lines.append(f"Validated: valid{noted}.")
        if self.decisions:
            lines += ["", "Left to decide (most important first):"]
            for number, decision in enumerate(self.decisions[:SHOWN_DECISIONS], 1):
                lines.append(f"  {number}. {decision.text}")
            if len(self.decisions) > SHOWN_DECISIONS:
                lines.append(
                    f"  ... and {len(self.decisions) - SHOWN_DECISIONS} more (see the comments)"
                )
        lines += ["", f"Next: edit {self.output} where listed, then {self.next_step}"]
        return "\n".join(lines)


def default_output(data: str) -> Path:
    """Where deckgen looks for the config of `data`: beside a workbook, inside a folder, and
    the working folder for a database."""
    if "://" in data:
        return Path(CONFIG_NAME)
    path = Path(data)
    return (path if path.is_dir() else path.parent) / CONFIG_NAME


def init_config(
    data: str,
    output: Path | None = None,
    lang: str | None = None,
    force: bool = False,
    today: date | None = None,
) -> InitResult:
    """Propose a deckgen.toml for `data`, write it to `output` (never over an existing file
    unless `force`), and validate the data with it; InputError for unreadable data."""
    target = Path(output) if output is not None else default_output(data)
    if target.suffix.lower() != ".toml":  # even with --force, never over a workbook or a CSV
        raise InputError(f"cannot write {target}: init writes a .toml file; name one with -o")
    if target.exists() and not force:
        raise InputError(f"{target} exists; pass --force to replace it, or -o to write elsewhere")
    if target.exists() and target.is_dir():
        raise InputError(f"{target} is a folder; give a file name with -o")
    if not target.parent.is_dir():
        raise InputError(f"cannot write {target}: the folder {target.parent} does not exist")
    source = read_client_source(data)
    proposal = propose(source, lang)
    if proposal.sheet("orders") is None and proposal.sheet("customers") is None:
        raise InputError(_nothing_found(proposal))
    next_step = _next_step(data, target)
    text = proposal_toml(proposal, next_step.split(", then ")[0].strip("`"))
    errors = warnings = 0
    failure: str | None = None
    found: list[Decision] = []
    temporary = _write_temporary(target, text)
    try:
        try:
            errors, warnings, found = _validate(data, temporary, today)
        except DeckgenError as exc:
            failure = " ".join(str(exc).replace(str(temporary), str(target)).split())
            found = [Decision(5, f"the proposal does not load: {failure}")]
        _place(temporary, target, force)
    finally:
        temporary.unlink(missing_ok=True)
    decisions = tuple(sorted((*proposal.decisions, *found), key=lambda d: d.priority))
    return InitResult(target, proposal, errors, warnings, failure, decisions, next_step)


def _nothing_found(proposal: Proposal) -> str:
    """Why no proposal is written: no table looks like the orders or the customers."""
    source = proposal.source
    seen = [table.label for table in source.tables]
    seen += [f"'{name}' ({why})" for name, why in source.skipped]
    return (
        f"{source.label}: no sheet looks like deckgen's orders or customers (expected columns "
        "such as an order id, a customer id, a date and an amount; docs/data-format.md); "
        f"it has {', '.join(seen) or 'no sheets'}"
    )


def _next_step(data: str, target: Path) -> str:
    if "://" in data:  # its [source] table names the database
        shown = shlex.quote(str(target))
        return f"`deckgen validate {shown}`, then `deckgen render {shown} -o deck.pptx`"
    config = (
        ""
        if target.resolve() == default_output(data).resolve()
        else f" --config {shlex.quote(str(target))}"
    )
    shown = shlex.quote(data)
    return f"`deckgen validate {shown}{config}`, then `deckgen render {shown}{config} -o deck.pptx`"


def _write_temporary(target: Path, text: str) -> Path:
    """`text` in a new file beside `target` (so that the rename is atomic)."""
    name = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
    try:
        # os.open, not mkstemp: the file gets the mode any new file gets (the umask's), not 0600.
        handle = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
    except OSError as exc:
        name.unlink(missing_ok=True)
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
    return name


def _place(temporary: Path, target: Path, force: bool) -> None:
    """Move the written proposal to `target`; without `force`, never over an existing file."""
    try:
        if force:
            os.replace(temporary, target)
        else:
            os.link(temporary, target)  # fails if `target` appeared meanwhile
    except FileExistsError:
        raise InputError(f"{target} exists; pass --force to replace it") from None
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None


def _validate(data: str, config: Path, today: date | None) -> tuple[int, int, list[Decision]]:
    """Errors, warnings and decisions from validating `data` with the proposal at `config`."""
    from deckgen.data.validate import validate_source

    settings = load_settings(config)
    spec: Path | SourceSpec = Path(data)
    if settings.source is not None and settings.source.database is not None:
        # Read as a render of the written file would, with the URL as given: the file names
        # the user but not the password.
        spec = source_from_settings(settings.source.model_copy(update={"database": data}))
    report = validate_source(spec, settings, today=today)
    if report.failure is not None:
        raise InputError(report.failure)
    # A missing optional sheet and derived customers are said already, in the proposal's words.
    warnings = tuple(w for w in report.warnings if w.rule not in _SAID)
    found = _grouped(report.errors, 20, "error") + _grouped(warnings, 80, "warning")
    return problem_count(report.errors), problem_count(report.warnings), found


def _grouped(problems: tuple[Problem, ...], priority: int, kind: str) -> list[Decision]:
    """One decision per sheet, column and rule: its first problem and how many there are."""
    groups: dict[tuple[str, str | None, str], list[Problem]] = {}
    for problem in problems:
        groups.setdefault((problem.sheet, problem.column, problem.rule), []).append(problem)
    found = []
    for group in groups.values():
        count = problem_count(tuple(group))
        more = f" ({count:,} rows like it)" if count > 1 else ""
        found.append(Decision(priority, f"validation {kind}: {group[0]}{more}"))
    return found
