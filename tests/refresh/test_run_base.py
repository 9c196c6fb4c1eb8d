"""`deckgen run` with a client's `base`: last month's edited deck refreshed, not rendered afresh."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from pptx import Presentation

from deckgen.batch.progress import LoggerReporter
from deckgen.batch.runner import execute_run
from deckgen.errors import ConfigError
from tests.refresh.conftest import OWN_HEADLINE

NOV_1 = date(2026, 11, 1)


def _run(config: Path, period: str) -> dict:
    result = execute_run(config, period, reporter=LoggerReporter(), today=NOV_1, jobs=1)
    assert result.ok, [c.error for c in result.clients]
    return json.loads(result.manifest.read_text(encoding="utf-8"))


def test_base_last_refreshes_last_months_edited_deck(small_workbook: Path, tmp_path: Path) -> None:
    shutil.copy(small_workbook, tmp_path / "acme.xlsx")
    shutil.copy(small_workbook, tmp_path / "globex.xlsx")
    config = tmp_path / "run.toml"
    config.write_text(
        'output = "reports/{client}/{period}.pptx"\n'
        '[[client]]\nname = "acme"\nsource = "acme.xlsx"\nbase = "last"\n'
        '[[client]]\nname = "globex"\nsource = "globex.xlsx"\n',
        encoding="utf-8",
    )
    september = _run(config, "2026-09")
    acme = september["clients"][0]
    # No deck of August to refresh: rendered afresh, and the manifest says where it looked.
    assert (acme["mode"], acme["base"]) == ("render", "acme/2026-08.pptx")
    deck = tmp_path / "reports/acme/2026-09.pptx"
    prs = Presentation(str(deck))
    prs.slides[1].shapes.title.text_frame.paragraphs[0].runs[0].text = OWN_HEADLINE
    prs.save(str(deck))
    october = _run(config, "2026-10")
    acme, globex = october["clients"]
    assert (acme["mode"], acme["base"]) == ("refresh", "acme/2026-09.pptx")
    assert acme["refresh"]["kept"] == 1 and "failed" not in acme["refresh"]
    assert (globex["mode"], globex["base"], globex["refresh"]) == ("render", None, {})
    refreshed = Presentation(str(tmp_path / "reports/acme/2026-10.pptx"))
    assert refreshed.slides[1].shapes.title.text_frame.text == OWN_HEADLINE
    report = json.loads((tmp_path / "reports/acme/2026-10.refresh.json").read_text("utf-8"))
    assert (report["period_before"], report["period"]) == ("2026-09", "2026-10")


def test_base_pattern_refreshes_the_deck_it_names(small_workbook: Path, tmp_path: Path) -> None:
    shutil.copy(small_workbook, tmp_path / "acme.xlsx")
    config = tmp_path / "run.toml"
    config.write_text(
        'output = "reports/{client}/{period}.pptx"\n'
        '[[client]]\nname = "acme"\nsource = "acme.xlsx"\n',
        encoding="utf-8",
    )
    _run(config, "2026-09")
    edited = tmp_path / "edited/acme-2026-09.pptx"
    edited.parent.mkdir()
    shutil.copy(tmp_path / "reports/acme/2026-09.pptx", edited)
    config.write_text(
        config.read_text(encoding="utf-8") + 'base = "edited/{client}-{period}.pptx"\n',
        encoding="utf-8",
    )
    acme = _run(config, "2026-10")["clients"][0]
    assert (acme["mode"], acme["base"]) == ("refresh", "../edited/acme-2026-09.pptx")


@pytest.mark.parametrize(
    ("base", "message"),
    [
        ("previous", 'base is "last" or a path pattern of a .pptx deck'),
        ("decks/{month}.pptx", "unknown placeholder(s) ['month']"),
    ],
)
def test_a_bad_base_is_refused_before_any_work(tmp_path: Path, base: str, message: str) -> None:
    config = tmp_path / "run.toml"
    config.write_text(
        'output = "reports/{client}/{period}.pptx"\n'
        f'[[client]]\nname = "acme"\nsource = "acme.xlsx"\nbase = "{base}"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=re.escape(message)):
        execute_run(config, "2026-10", reporter=LoggerReporter(), today=NOV_1, jobs=1)
