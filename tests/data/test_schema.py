"""The schema and its human-readable form, docs/data-format.md, say the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deckgen.data.schema import SHEETS, Sheet

DOC = (Path(__file__).parents[2] / "docs" / "data-format.md").read_text(encoding="utf-8")


def _section(sheet: Sheet) -> str:
    """The doc's text under the heading of `sheet`, up to the next heading."""
    kind = "required" if sheet.required else "optional"
    match = re.search(rf"^### `{sheet.name}` \({kind}\)\n(.*?)(?=^#)", DOC, re.M | re.S)
    assert match, f"no '### `{sheet.name}` ({kind})' section"
    return match.group(1)


@pytest.mark.parametrize("sheet", SHEETS, ids=[s.name for s in SHEETS])
def test_every_column_is_documented_with_its_rules(sheet):
    rows = {
        cells[0].strip("` "): cells
        for line in _section(sheet).splitlines()
        if line.startswith("| `")
        for cells in [[c.strip() for c in line.strip("|").split("|")]]
    }
    assert list(rows) == [c.name for c in sheet.columns]
    for column in sheet.columns:
        _, _, required, meaning, example, allowed = rows[column.name]
        assert required == ("yes" if column.required else "no"), column.name
        assert meaning.replace("`", "'") == column.meaning, column.name
        assert example == f"`{column.example}`", column.name
        for code in column.allowed or ():
            assert f"`{code}`" in allowed, (column.name, code)
        if column.references:
            assert f"`{column.references}`" in allowed, column.name
