"""Source descriptions: how DATA, deckgen.toml's [source] and a run config name the data, which
one a command reads, and credentials masked in everything shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckgen.config import load_settings
from deckgen.data.source import (
    DatabaseSource,
    PathSource,
    UrlSource,
    default_client_name,
    parse_location,
)
from deckgen.errors import ConfigError, InputError
from deckgen.masking import mask_credentials
from deckgen.pipeline import resolve_source

PW = "Tr1cky/p@ss:word"  # a password with the characters that break naive masking
PW_IN_URL = "Tr1cky%2Fp%40ss%3Aword"  # as a URL holds it


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see postgresql://reports:s3cret@db/crm now", "see postgresql://reports:***@db/crm now"),
        ("https://u:p%40ss@host/a.xlsx", "https://u:***@host/a.xlsx"),
        (
            "https://b.s3.amazonaws.com/a.xlsx?X-Amz-Credential=AK%2F1&X-Amz-Signature=9f2c&v=1",
            "https://b.s3.amazonaws.com/a.xlsx?X-Amz-Credential=***&X-Amz-Signature=***&v=1",
        ),
        (
            "https://acct.blob.core.windows.net/c/a.xlsx?sv=2024&sig=abc%3D",
            "https://acct.blob.core.windows.net/c/a.xlsx?sv=2024&sig=***",
        ),
        (
            "sqlite:////tmp/crm.db and s3://bucket/acme/",
            "sqlite:////tmp/crm.db and s3://bucket/acme/",
        ),
        ("ratio 3:2 @ noon", "ratio 3:2 @ noon"),
    ],
)
def test_credentials_in_any_text_are_masked(text: str, expected: str) -> None:
    assert mask_credentials(text) == expected


def test_a_database_url_with_an_awkward_password_is_shown_and_masked_whole() -> None:
    url = f"postgresql+psycopg://reports:{PW_IN_URL}@db.internal:5432/crm?sslmode=require"
    source = DatabaseSource(url)
    assert source.shown == "postgresql+psycopg://reports:***@db.internal:5432/crm?sslmode=require"
    driver = f'connection to {url} failed: password "{PW}" rejected for user "reports"'
    masked = source.mask(driver)
    assert PW not in masked and PW_IN_URL not in masked and "p@ss" not in masked
    assert masked == (
        f'connection to {source.shown} failed: password "***" rejected for user "reports"'
    )
    assert source.stem == "crm"


def test_a_url_source_masks_a_token_user_and_a_signature() -> None:
    token = UrlSource("https://ghp_Abc123Token@host/acme/book.xlsx")
    assert token.shown == "https://***@host/acme/book.xlsx"
    assert token.stem == "book"
    signed = UrlSource("https://host/a.xlsx?X-Amz-Signature=deadbeef")
    assert signed.mask("GET https://host/a.xlsx?X-Amz-Signature=deadbeef gave 403; deadbeef") == (
        "GET https://host/a.xlsx?X-Amz-Signature=*** gave 403; ***"
    )
    assert UrlSource("s3://bucket/clients/acme/").stem == "acme"


def test_locations_are_paths_or_urls(tmp_path: Path) -> None:
    assert parse_location("data/acme.xlsx", tmp_path) == PathSource(tmp_path / "data/acme.xlsx")
    assert parse_location("s3://bucket/acme/") == UrlSource("s3://bucket/acme/")
    assert parse_location("file:///srv/acme.xlsx", tmp_path) == UrlSource("file:///srv/acme.xlsx")
    with pytest.raises(InputError, match=r"^sqlite:///crm.db is a database URL; name it"):
        parse_location("sqlite:///crm.db")
    with pytest.raises(InputError, match=r"^mysql\+pymysql://u:\*\*\*@h/db is a database URL"):
        parse_location("mysql+pymysql://u:secret@h/db")


# -- [source] in deckgen.toml -----------------------------------------------------------------


def _config(folder: Path, text: str, name: str = "deckgen.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_source_paths_and_sqlite_files_are_relative_to_the_config(tmp_path: Path) -> None:
    book = load_settings(_config(tmp_path / "acme", '[source]\npath = "../data/acme.xlsx"\n'))
    assert book.source is not None and book.source.path == str(tmp_path / "data/acme.xlsx")
    db = load_settings(
        _config(
            tmp_path / "globex",
            '[source]\ndatabase = "sqlite:///crm.db"\nstatement_timeout = 5\n'
            '[source.queries]\nsales = "SELECT * FROM sales"\n',
        )
    )
    assert db.source is not None
    assert db.source.database == f"sqlite:///{tmp_path}/globex/crm.db"
    assert (db.source.queries, db.source.statement_timeout) == ({"sales": "SELECT * FROM sales"}, 5)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[source]\n", "source: Value error, give exactly one of path"),
        ('[source]\npath = "a.xlsx"\nurl = "s3://b/a.xlsx"\n', "got path and url"),
        (
            '[source]\npath = "a.xlsx"\nqueries = {orders = "orders"}\n',
            "source: Value error, queries: only for a database source",
        ),
        ('[source]\nurl = "acme.xlsx"\n', "source.url: Value error, not a URL"),
        (
            f'[source]\nurl = "postgresql://u:{PW}@h/db"\n',
            "source.url: Value error, postgresql://u:***@h/db is a database URL",
        ),
        (f'[source]\ndatabase = "nonsense:{PW}"\n', "database: not a SQLAlchemy URL"),
        (
            f'[source]\ndatabase = "postgresql://u:{PW_IN_URL}@db:port/crm"\n',
            "not a SQLAlchemy URL",
        ),
        (
            '[source]\ndatabase = "sqlite:///crm.db"\n[source.queries]\norders = "DROP TABLE x"\n',
            "sheet 'orders': the query is a DROP statement, not a SELECT",
        ),
        (
            '[source]\ndatabase = "sqlite:///crm.db"\nstatment_timeout = 3\n',
            "did you mean 'statement_timeout'",
        ),
    ],
)
def test_a_bad_source_table_is_a_config_error_that_never_repeats_a_url(
    tmp_path: Path, text: str, problem: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_config(tmp_path, text))
    assert problem in str(caught.value)
    assert PW not in str(caught.value) and PW_IN_URL not in str(caught.value)


# -- which source a command reads ---------------------------------------------------------


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """acme/ (a deckgen.toml naming a SQLite file), book/ (a workbook and a plain deckgen.toml),
    csv/ (a data folder whose deckgen.toml names the folder itself), clash/ (a data folder
    whose deckgen.toml names a database)."""
    _config(tmp_path / "acme", '[source]\ndatabase = "sqlite:///crm.db"\n')
    _config(tmp_path / "book", 'currency = "EUR"\n')
    (tmp_path / "book/acme.xlsx").write_bytes(b"")
    _config(tmp_path / "csv", '[source]\npath = "."\n')
    (tmp_path / "csv/orders.csv").write_text("order_id\n")
    _config(tmp_path / "clash", '[source]\ndatabase = "sqlite:///crm.db"\n')
    (tmp_path / "clash/orders.csv").write_text("order_id\n")
    _config(tmp_path / "other", '[source]\nurl = "s3://bucket/acme/"\n', "other.toml")
    return tmp_path


def test_the_folder_of_a_config_with_a_source_reads_its_source(layout: Path) -> None:
    crm = DatabaseSource(f"sqlite:///{layout}/acme/crm.db")
    for data in (layout / "acme", str(layout / "acme"), layout / "acme/deckgen.toml"):
        spec, settings = resolve_source(data, None, None)
        assert spec == crm
        assert settings.client == "acme"  # named after the folder the user gave


def test_the_data_given_is_read_when_the_config_names_none(layout: Path) -> None:
    spec, settings = resolve_source(layout / "book/acme.xlsx", None, None)
    assert spec == PathSource(layout / "book/acme.xlsx")
    assert (settings.currency, settings.client) == ("EUR", "acme")


def test_a_config_naming_the_data_folder_itself_agrees_with_it(layout: Path) -> None:
    spec, _ = resolve_source(layout / "csv", None, None)
    assert spec == PathSource(layout / "csv")


def test_a_url_with_a_config_naming_the_same_url(layout: Path) -> None:
    spec, settings = resolve_source("s3://bucket/acme", None, layout / "other/other.toml")
    assert spec == UrlSource("s3://bucket/acme")
    assert settings.client == "acme"
    spec, settings = resolve_source(layout / "other/other.toml", None, None)
    assert (spec, settings.client) == (UrlSource("s3://bucket/acme/"), "other")


@pytest.mark.parametrize(
    ("data", "config", "expected"),
    [
        (
            "clash",
            None,
            "two sources: the command line names {root}/clash and {root}/clash/deckgen.toml "
            "names sqlite:///{root}/clash/crm.db under [source]; name the data in one place "
            "(give the config, or its folder, as DATA to read its [source], or remove [source] "
            "from it to read DATA)",
        ),
        (
            "book/acme.xlsx",
            "acme/deckgen.toml",
            "two sources: the command line names {root}/book/acme.xlsx and "
            "{root}/acme/deckgen.toml names sqlite:///{root}/acme/crm.db under [source]; ",
        ),
        (
            "s3://bucket/globex/",
            "other/other.toml",
            "two sources: the command line names s3://bucket/globex/ and {root}/other/other.toml",
        ),
        (
            "book/deckgen.toml",
            None,
            "{root}/book/deckgen.toml names no data: add a [source] table to it",
        ),
        (
            "acme/deckgen.toml",
            "other/other.toml",
            "the data {root}/acme/deckgen.toml is a config file and --config names another, "
            "{root}/other/other.toml; give one of them",
        ),
    ],
)
def test_two_sources_or_none_are_refused_in_one_sentence(
    layout: Path, data: str, config: str | None, expected: str
) -> None:
    named = data if "://" in data else str(layout / data)
    with pytest.raises(InputError) as caught:
        resolve_source(named, None, None if config is None else layout / config)
    assert str(caught.value).startswith(expected.format(root=layout))
    assert "\n" not in str(caught.value)


def test_default_client_names() -> None:
    assert default_client_name("https://host/exports/Acme%20Retail.xlsx") == "Acme%20Retail"
    assert default_client_name(DatabaseSource("sqlite:////srv/globex.db")) == "globex"
    assert default_client_name(Path("/srv/clients/initech/")) == "initech"


def test_a_command_taking_any_source_reads_a_database_url_too(tmp_path: Path) -> None:
    """parse_source, for `deckgen init URL`: a database URL is a source of its own there."""
    from deckgen.data.source import parse_source

    assert parse_source("sqlite:///crm.db", tmp_path) == DatabaseSource(
        f"sqlite:///{tmp_path}/crm.db"
    )
    url = f"postgresql+psycopg://reports:{PW_IN_URL}@db/crm"
    assert parse_source(url) == DatabaseSource(url)
    assert parse_source("acme.xlsx", tmp_path) == PathSource(tmp_path / "acme.xlsx")
    assert parse_source("s3://bucket/acme/") == UrlSource("s3://bucket/acme/")
    with pytest.raises(InputError) as caught:
        parse_source(f"postgresql://reports:{PW_IN_URL}@db:port/crm")
    assert str(caught.value) == (
        "postgresql://reports:***@db:port/crm is not a SQLAlchemy URL (e.g. sqlite:///crm.db)"
    )
