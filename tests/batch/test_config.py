"""The run config: valid files load with absolute paths; every problem is reported at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from deckgen.batch.config import load_run_config
from deckgen.data.source import DatabaseSource, PathSource
from deckgen.errors import ConfigError

Make = Callable[[str], Path]


def test_full_config_loads(make_config: Make, tmp_path: Path) -> None:
    config = load_run_config(
        make_config(
            """
            output = "reports/{client}/{period}.pptx"
            jobs = 3
            lock_timeout = 30

            [[client]]
            name = "Acme Co."
            source = "data/acme.xlsx"
            config = "acme.toml"
            lang = "fa"
            calendar = "gregorian"
            template = "brand.pptx"
            templates = "wording"
            charts = "image"
            logo = "logo.png"

            [[client]]
            name = "globex"
            [client.database]
            url = "sqlite:///crm.db"
            [client.database.queries]
            customers = "customers"
            orders = "SELECT id AS order_id FROM sales"
            """
        )
    )
    assert config.root == tmp_path / "reports"
    assert (config.jobs, config.lock_timeout) == (3, 30)
    acme, globex = config.clients
    assert (acme.name, acme.slug) == ("Acme Co.", "Acme-Co")
    assert acme.source == PathSource(tmp_path / "data/acme.xlsx")
    assert acme.config == tmp_path / "acme.toml"
    assert (acme.template, acme.templates_dir, acme.logo) == (
        tmp_path / "brand.pptx",
        tmp_path / "wording",
        tmp_path / "logo.png",
    )
    assert (acme.lang, acme.calendar, acme.charts) == ("fa", "gregorian", "image")
    assert globex.source == DatabaseSource(
        f"sqlite:///{tmp_path}/crm.db",
        (("customers", "customers"), ("orders", "SELECT id AS order_id FROM sales")),
    )
    assert (globex.config, globex.lang, globex.charts) == (None, None, "native")


def test_every_problem_is_listed(make_config: Make) -> None:
    path = make_config(
        """
        output = "reports/{period}.pptx"
        jobs = 0
        colour = "blue"

        [[client]]
        name = "acme"
        source = "a.xlsx"
        lang = "de"

        [[client]]
        name = "globex"
        """
    )
    with pytest.raises(ConfigError) as caught:
        load_run_config(path)
    message = str(caught.value)
    assert message.startswith(f"5 problem(s) in {path}:")
    assert "output: Value error, output pattern must contain {client}" in message
    assert "jobs: Input should be greater than or equal to 1 (got 0)" in message
    assert "colour: unknown key" in message
    assert "client.0.lang: Input should be 'en', 'ar' or 'fa' (got 'de')" in message
    assert (
        "client.1: Value error, give 'source' (a workbook or folder), [client.database], or a "
        "'config' whose [source] names the data"
    ) in message


def test_source_and_database_together_are_refused(make_config: Make) -> None:
    path = make_config(
        """
        output = "{client}.pptx"
        [[client]]
        name = "acme"
        source = "a.xlsx"
        [client.database]
        url = "sqlite:///crm.db"
        queries = {orders = "orders"}
        """
    )
    with pytest.raises(
        ConfigError, match=r"give one of 'source' .* or \[client.database\], not both"
    ):
        load_run_config(path)


def test_bad_database_url_and_empty_queries(make_config: Make) -> None:
    path = make_config(
        """
        output = "{client}.pptx"
        [[client]]
        name = "acme"
        [client.database]
        url = "not a url"
        queries = {}
        """
    )
    with pytest.raises(ConfigError) as caught:
        load_run_config(path)
    assert "client.0.database.url: Value error, not a SQLAlchemy database URL" in str(caught.value)
    assert "client.0.database.queries: Dictionary should have at least 1 item" in str(caught.value)


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["acme", "acme"], "client name 'acme' appears twice"),
        (["Acme", "acme"], "client name 'acme' gives the same file name as 'Acme'"),
        (["a/b", "a b"], "client name 'a b' gives the same file name as 'a/b'"),
        (["..", "ok"], "client.0.name: Value error, client name '..' has no letters or digits"),
    ],
)
def test_names_must_be_unique_and_usable(make_config: Make, names: list[str], message: str) -> None:
    clients = "".join(f'[[client]]\nname = "{n}"\nsource = "x.xlsx"\n' for n in names)
    with pytest.raises(ConfigError) as caught:
        load_run_config(make_config(f'output = "{{client}}.pptx"\n{clients}'))
    assert message in str(caught.value)


def test_no_clients(make_config: Make) -> None:
    with pytest.raises(ConfigError, match="client: Field required"):
        load_run_config(make_config('output = "{client}.pptx"\n'))


def test_missing_and_invalid_files(tmp_path: Path, make_config: Make) -> None:
    with pytest.raises(ConfigError, match="run config not found: "):
        load_run_config(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_run_config(make_config("output = "))


def test_a_run_config_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "run.toml"
    path.write_bytes(
        '\ufeffoutput = "{client}.pptx"\n[[client]]\nname = "Zoë"\nsource = "x.xlsx"\n'.encode()
    )
    assert [client.name for client in load_run_config(path).clients] == ["Zoë"]


def test_absolute_sqlite_and_server_urls_are_kept(make_config: Make) -> None:
    config = load_run_config(
        make_config(
            """
            output = "{client}.pptx"
            [[client]]
            name = "a"
            database = {url = "sqlite:////var/crm.db", queries = {orders = "orders"}}
            [[client]]
            name = "b"
            database = {url = "postgresql+psycopg://u:secret@db/crm", queries = {orders = "orders"}}
            """
        )
    )
    a, b = (client.source for client in config.clients)
    assert isinstance(a, DatabaseSource) and isinstance(b, DatabaseSource)
    assert a.url == "sqlite:////var/crm.db"
    assert b.url == "postgresql+psycopg://u:secret@db/crm"
    assert b.shown == "postgresql+psycopg://u:***@db/crm"


def test_queries_name_our_sheets(make_config: Make) -> None:
    path = make_config(
        """
        output = "{client}.pptx"
        [[client]]
        name = "acme"
        database = {url = "sqlite:///crm.db", queries = {orders = "orders", sales = "sales"}}
        """
    )
    with pytest.raises(ConfigError) as caught:
        load_run_config(path)
    assert (
        "client.0.database.queries: Value error, unknown sheet(s) ['sales']; the sheets are "
        "customers, orders, leads, channels, feedback, surveys, loyalty"
    ) in str(caught.value)


def test_sqlite_file_uris_are_anchored_like_paths_and_timeouts_read(
    make_config: Make, tmp_path: Path
) -> None:
    config = load_run_config(
        make_config(
            """
            output = "{client}.pptx"
            timeout = 90
            [[client]]
            name = "a"
            database = {url = "sqlite:///file:crm.db?mode=rwc", queries = {orders = "orders"}}
            [[client]]
            name = "b"
            [client.database]
            url = "sqlite:///file:/var/crm%20b.db"
            queries = {orders = "orders"}
            statement_timeout = 5
            """
        )
    )
    assert config.timeout == 90
    a, b = (client.source for client in config.clients)
    assert a == DatabaseSource(f"sqlite:///{tmp_path}/crm.db", (("orders", "orders"),), 120.0)
    assert b == DatabaseSource("sqlite:////var/crm b.db", (("orders", "orders"),), 5.0)


def test_timeouts_must_be_positive(make_config: Make) -> None:
    path = make_config(
        """
        output = "{client}.pptx"
        timeout = -1
        [[client]]
        name = "a"
        database = {url = "sqlite:///crm.db", queries = {orders = "orders"}, statement_timeout = 0}
        """
    )
    with pytest.raises(ConfigError) as caught:
        load_run_config(path)
    assert "  - timeout: Input should be greater than or equal to 0 (got -1)" in str(caught.value)
    assert "  - client.0.database.statement_timeout: Input should be greater than 0 (got 0)" in str(
        caught.value
    )
