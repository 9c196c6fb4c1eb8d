"""The client-wide settings a proposal guesses: the client's name, the language of the data,
the currency and the time zone, each from what the data shows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from deckgen.propose.guess import Guess
from deckgen.propose.names import compact, fold, synonyms
from deckgen.propose.source import ClientSource

if TYPE_CHECKING:
    from deckgen.propose.profile import ColumnProfile
    from deckgen.propose.proposal import SheetProposal

_PERSIAN_LETTERS = set("پچژگکی")  # letters Persian writes and Arabic does not
_ARABIC_LETTERS = set("يكةى")  # letters Arabic writes and Persian does not


def client_guess(source: ClientSource) -> Guess:
    """The client's name, from the file or database name (always to be checked)."""
    if source.kind == "database":
        name = Path(source.label.rsplit("/", 1)[-1].split("?")[0]).stem or "client"
    else:
        name = Path(source.label).resolve().stem  # `deckgen init .` names the folder
    return Guess(
        name, "from the file name: write the client's name as the deck should show it", 0.2
    )


def language_guess(source: ClientSource, lang: str | None) -> Guess:
    """The deck language: `lang` if given, else the script the data's text is written in."""
    persian = arabic = letters = 0
    for table in source.tables:
        for profile in table.profiles:
            if profile.kind != "text":
                continue
            for value, _ in profile.values[:50]:
                for char in value:
                    if "\u0600" <= char <= "\u06ff":
                        letters += 1
                        persian += char in _PERSIAN_LETTERS
                        arabic += char in _ARABIC_LETTERS
    script = "fa" if letters and persian >= arabic else "ar" if letters else "en"
    if lang is not None:
        return Guess(lang, "given with --lang", 1.0)
    if letters == 0:
        return Guess("en", "the data is written in Latin script", 0.6)
    named = {"fa": "Persian", "ar": "Arabic"}[script]
    return Guess(script, f"the data's text is {named} ({letters:,} Arabic-script letters)", 0.75)


def currency_guess(sheets: list[SheetProposal], lang: str) -> Guess:
    """The currency: a sign in the amounts or the amount column's name, else the countries,
    else the script of the data (`lang`)."""
    signs = synonyms().currency_signs
    found: list[tuple[str, str, float]] = []  # (currency, evidence, confidence)
    for proposal in sheets:
        if proposal.table is None:
            continue
        for choice in proposal.columns:
            if choice.ours not in ("amount", "spend"):
                continue
            profile = proposal.table.profile(choice.theirs)
            for sign in profile.currencies[:1]:
                code = signs.get(sign) or signs.get(sign.upper())
                if code:
                    sure = 0.7 if sign == "$" else 0.9
                    found.append(
                        (code, f"amounts in '{choice.theirs}' are written with {sign}", sure)
                    )
            for word in re.split(r"[\s()\[\]/]+", choice.theirs):
                code = signs.get(word) or signs.get(word.upper())
                if code:
                    found.append((code, f"the column is named '{choice.theirs}'", 0.85))
    found += _currency_columns(sheets)
    countries = synonyms().country_currencies
    for proposal in sheets:
        country = next((c for c in proposal.columns if c.ours == "country"), None)
        if country is None:
            continue
        table = proposal.table or next(s.table for s in sheets if s.sheet == "orders")
        assert table is not None
        tally: dict[str, int] = {}
        for value, rows in table.profile(country.theirs).values:
            code = countries.get(compact(value))
            if code:
                tally[code] = tally.get(code, 0) + rows
        if tally:
            code = max(sorted(tally), key=lambda c: tally[c])
            share = tally[code] / sum(tally.values())
            found.append((code, f"{share:.0%} of the countries in '{country.theirs}' use it", 0.6))
    script = synonyms().script_currencies.get(lang)
    if script:
        found.append(
            (script, f"the data is written in {'Persian' if lang == 'fa' else 'Arabic'}", 0.35)
        )
    if not found:
        return Guess("USD", "nothing in the data names a currency: write the client's", 0.1)
    found.sort(key=lambda f: -f[2])
    best = found[0]
    runner = next((f[0] for f in found if f[0] != best[0]), None)
    return Guess(best[0], best[1], best[2], runner_up=runner)


def _currency_columns(sheets: list[SheetProposal]) -> list[tuple[str, str, float]]:
    """The currency a column of currency codes names (`Currency`: `EUR` on every row; Stripe
    writes `eur`), whatever its name if its cells are codes, as (currency, evidence, confidence)."""
    columns = []  # (currency, column, share, named)
    for proposal in sheets:
        for profile in proposal.table.profiles if proposal.table is not None else ():
            tally = currency_codes(profile)
            if not tally:
                continue
            code = max(sorted(tally), key=lambda c: tally[c])
            named = fold(profile.name) in synonyms().currency_columns
            columns.append((code, profile.name, tally[code] / profile.filled, named))
    # A column named `Currency` before one that only holds codes (Stripe's `Converted
    # Currency`, the payout's); two that disagree leave the currency to decide.
    columns.sort(key=lambda c: not c[3])
    found = []
    for code, name, share, named in columns:
        evidence = f"'{name}' says {code} on {share:.0%} of its rows"
        others = [f"'{n}' says {c}" for c, n, _, _ in columns if c != code]
        if others:
            evidence += f", but {', '.join(others)}: which currency are the amounts in?"
        sure = 0.5 if share < 0.95 else 0.65 if others else 0.9 if named else 0.8
        found.append((code, evidence, sure))
    return found


def currency_codes(profile: ColumnProfile) -> dict[str, int]:
    """The rows of each currency a column of currency codes names (named as one, or 90% of its
    cells codes); empty for any other column."""
    if profile.kind != "text" or profile.filled == 0:
        return {}
    signs = synonyms().currency_signs
    tally: dict[str, int] = {}
    for value, rows in profile.values:
        code = signs.get(value.strip().upper()) if len(value.strip()) == 3 else None
        if code:
            tally[code] = tally.get(code, 0) + rows
    named = fold(profile.name) in synonyms().currency_columns
    return tally if named or sum(tally.values()) >= 0.9 * profile.filled else {}


def timezone_guess(sheets: list[SheetProposal], lang: str) -> Guess | None:
    """The time zone the UTC offsets written with the times name; None when there are none."""
    tally: dict[str, int] = {}
    for proposal in sheets:
        if proposal.table is None:
            continue
        for choice in proposal.columns:
            profile = proposal.table.profile(choice.theirs)
            for offset in profile.offsets:
                tally[offset] = tally.get(offset, 0) + 1
    if not tally:
        return None
    offset = max(sorted(tally), key=lambda o: tally[o])
    zones = synonyms().zones.get(offset)
    if not zones:
        return Guess(
            None, f"times carry the UTC offset {offset}, which names no zone init knows", 0.2
        )
    zone = zones.get(lang) or zones["any"]
    others = [z for z in zones.values() if z != zone]
    evidence = f"times are written with the UTC offset {offset}"
    if offset == "+00:00" and zone != "UTC":
        evidence += f" (UTC); the client's zone from its language is {zone}"
    return Guess(zone, evidence, 0.5, runner_up=others[0] if others else None)
