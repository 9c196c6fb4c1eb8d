"""`deckgen sample` writes a deckgen.toml beside the workbook, so its printed hint renders the
sample as the sample company (issue 12, item 7); an existing deckgen.toml is never overwritten."""

from __future__ import annotations

import io
import shlex
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation

from deckgen.cli import cli

SMALL = ["--customers", "120", "--months", "4"]


def _sample(folder: Path, lang: str, name: str = "book.xlsx") -> str:
    result = CliRunner().invoke(cli, ["sample", "-o", str(folder / name), "--lang", lang, *SMALL])
    assert result.exit_code == 0, result.output
    return result.output


def _render_as_hinted(output: str, deck: Path) -> Presentation:
    """Run the `deckgen render ...` command the sample's summary suggests, writing `deck`."""
    command = shlex.split(output.split("render it with: ", 1)[1].strip())
    assert command[:2] == ["deckgen", "render"]
    args = command[1:]
    args[args.index("-o") + 1] = str(deck)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return Presentation(io.BytesIO(deck.read_bytes()))


def _cover_text(prs: Presentation) -> str:
    return "\n".join(
        shape.text_frame.text for shape in prs.slides[0].shapes if shape.has_text_frame
    )


@pytest.mark.parametrize(
    ("lang", "client", "currency"),
    [("fa", "فروشگاه نمونه", "IRR"), ("ar", "شركة التجزئة النموذجية", "SAR")],
)
def test_the_hint_renders_the_sample_company_in_its_language(tmp_path, lang, client, currency):
    output = _sample(tmp_path, lang)
    config = tomllib.loads((tmp_path / "deckgen.toml").read_text(encoding="utf-8"))
    assert config == {"client": client, "currency": currency, "lang": lang}
    assert "--lang" not in output  # the config carries the settings
    prs = _render_as_hinted(output, tmp_path / "deck.pptx")
    cover = _cover_text(prs)
    assert client in cover
    assert "book" not in cover  # not named after the file, as before the config was written
    assert prs.core_properties.subject.startswith(client)


def test_an_existing_config_is_kept_byte_for_byte_and_the_hint_carries_flags(tmp_path):
    mine = '# my edits\nclient = "Acme"\ncurrency = "EUR"\nlang = "en"\n'
    (tmp_path / "deckgen.toml").write_text(mine, encoding="utf-8")
    output = _sample(tmp_path, "fa")
    assert (tmp_path / "deckgen.toml").read_text(encoding="utf-8") == mine
    assert "left the existing" in output and "unchanged" in output
    assert "--lang fa --currency IRR --client 'فروشگاه نمونه'" in output
    prs = _render_as_hinted(output, tmp_path / "deck.pptx")
    assert "فروشگاه نمونه" in _cover_text(prs)


def test_a_second_sample_with_the_same_settings_keeps_the_config_quietly(tmp_path):
    _sample(tmp_path, "ar", "first.xlsx")
    written = (tmp_path / "deckgen.toml").read_bytes()
    output = _sample(tmp_path, "ar", "second.xlsx")
    assert (tmp_path / "deckgen.toml").read_bytes() == written
    assert "already in" in output
    assert "--client" not in output


def test_an_unreadable_existing_config_is_kept_and_flags_are_given(tmp_path):
    (tmp_path / "deckgen.toml").write_text("client = [unclosed\n", encoding="utf-8")
    output = _sample(tmp_path, "en")
    assert (tmp_path / "deckgen.toml").read_text(encoding="utf-8") == "client = [unclosed\n"
    assert "--lang en --currency USD --client 'Sample Retail Co.'" in output


def test_english_sample_config_names_the_sample_company(tmp_path):
    output = _sample(tmp_path, "en")
    config = tomllib.loads((tmp_path / "deckgen.toml").read_text(encoding="utf-8"))
    assert config == {"client": "Sample Retail Co.", "currency": "USD", "lang": "en"}
    assert output.rstrip().endswith(f"deckgen render {tmp_path / 'book.xlsx'} -o deck.pptx")
