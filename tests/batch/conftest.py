"""Fixtures for run tests: run configs on disk and a stand-in for render_deck_bytes."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from deckgen.config import Settings


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[[str], Path]:
    """Write a run config (dedented TOML) into tmp_path and return its path."""

    def make(text: str, name: str = "run.toml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return make


@pytest.fixture
def three_clients(tmp_path: Path, make_config: Callable[[str], Path]) -> Path:
    """A run config with clients acme and globex (good data) and initech (broken data)."""
    for name, content in (("acme", "good"), ("globex", "fine"), ("initech", "broken")):
        (tmp_path / f"{name}.xlsx").write_text(content, encoding="utf-8")
    return make_config(
        """
        output = "reports/{client}/{period}.pptx"

        [[client]]
        name = "acme"
        source = "acme.xlsx"

        [[client]]
        name = "globex"
        source = "globex.xlsx"

        [[client]]
        name = "initech"
        source = "initech.xlsx"
        """
    )


@pytest.fixture
def render(monkeypatch: pytest.MonkeyPatch) -> Callable[..., object]:
    """The stand-in for render_deck_bytes, importable by name in worker processes too."""
    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    import render_stubs

    return render_stubs.fake_render


@pytest.fixture(scope="session")
def sample_frames() -> dict:
    """A small seeded sample client (the 24 months to October 2026), as frames."""
    from deckgen.data.sample import generate_sample

    return generate_sample(customers=300, months=24, end="2026-10", seed=11)


@pytest.fixture(scope="session")
def sample_workbook(tmp_path_factory: pytest.TempPathFactory, sample_frames: dict) -> Path:
    """The small sample client as an .xlsx workbook."""
    from datetime import datetime

    from deckgen.data.sample import write_workbook

    path = tmp_path_factory.mktemp("sample") / "sample.xlsx"
    write_workbook(sample_frames, path, created=datetime(2026, 11, 1))
    return path


@pytest.fixture
def database_matches_workbook(
    sample_workbook: Path, sample_frames: dict
) -> Callable[[str, Path], None]:
    """Check: the sample loaded into the database at a URL gives the workbook's tables and deck."""

    def check(url: str, folder: Path) -> None:
        import pandas as pd
        import sqlalchemy as sa

        import deckgen
        from deckgen.data.load import read_frames
        from deckgen.data.sql import read_sql_frames
        from deckgen.data.validate import validate_frames

        engine = sa.create_engine(url)
        try:
            with engine.begin() as connection:
                for sheet, frame in sample_frames.items():
                    frame.to_sql(sheet, connection, if_exists="replace", index=False)
        finally:
            engine.dispose()

        settings = Settings(client="Sample Retail Co.")
        queries = {sheet: sheet for sheet in sample_frames}
        book = validate_frames(read_frames(sample_workbook, settings), settings, "book").tables
        sql = validate_frames(read_sql_frames(url, queries), settings, "sql").tables
        assert book is not None and sql is not None
        for sheet in sample_frames:  # the same rows; a database need not keep the file's order
            pd.testing.assert_frame_equal(
                _by_content(sql.sheet(sheet)), _by_content(book.sheet(sheet))
            )

        (folder / "client.toml").write_text('client = "Sample Retail Co."\n')
        config = folder / "run.toml"
        config.write_text(
            'output = "reports/{client}.pptx"\n'
            f'[[client]]\nname = "book"\nsource = "{sample_workbook}"\nconfig = "client.toml"\n'
            '[[client]]\nname = "sql"\nconfig = "client.toml"\n'
            f'[client.database]\nurl = "{url}"\n[client.database.queries]\n'
            + "".join(f'{sheet} = "{sheet}"\n' for sheet in sample_frames)
        )
        result = deckgen.run(config, "2026-10", jobs=2)
        assert [r.status for r in result.clients] == ["ok", "ok"], result.summary()
        book_deck, sql_deck = (record.output for record in result.clients)
        assert book_deck is not None and sql_deck is not None
        assert book_deck.read_bytes() == sql_deck.read_bytes()
        assert result.clients[0].headlines == result.clients[1].headlines

    return check


def _by_content(frame):
    """The frame's rows sorted by every column, for comparisons that ignore row order."""
    return frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)
