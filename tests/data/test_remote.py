"""Workbooks and folders by URL (fsspec): memory://, file://, http:// and a real local S3 server."""

from __future__ import annotations

import hashlib
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import fsspec
import pandas as pd
import pytest

from deckgen.config import Settings
from deckgen.data import remote
from deckgen.data.load import load_tables, read_source
from deckgen.data.source import UrlSource
from deckgen.errors import InputError
from tests.data.conftest import Frames, write_csv, write_parquet, write_xlsx
from tests.data.test_guards import _orders

SECRET = "pa55-w0rd-never-shown"


@pytest.fixture
def memory() -> Iterator[fsspec.AbstractFileSystem]:
    """fsspec's in-memory file system, emptied after the test."""
    fs = fsspec.filesystem("memory")
    yield fs
    fs.rm("/", recursive=True)


def _put(fs: fsspec.AbstractFileSystem, local: Path, remote_path: str) -> None:
    fs.pipe(remote_path, local.read_bytes())


def _tables_equal(a: object, b: object) -> None:
    for name in ("customers", "orders", "leads", "channels", "feedback", "surveys", "loyalty"):
        left, right = getattr(a, name), getattr(b, name)
        assert (left is None) == (right is None), name
        if left is not None:
            pd.testing.assert_frame_equal(left, right)


def test_a_workbook_in_memory_reads_as_the_local_one(
    memory: fsspec.AbstractFileSystem, small_frames: Frames, tmp_path: Path, settings: Settings
) -> None:
    book = write_xlsx(small_frames, tmp_path / "book.xlsx")
    _put(memory, book, "/clients/acme/book.xlsx")
    read = read_source("memory://clients/acme/book.xlsx", settings)
    assert read.label == "memory://clients/acme/book.xlsx"
    assert read.digest == hashlib.sha256(book.read_bytes()).hexdigest()
    _tables_equal(
        load_tables("memory://clients/acme/book.xlsx", settings),
        load_tables(book, settings),
    )


@pytest.mark.parametrize("write", [write_csv, write_parquet])
def test_a_folder_in_memory_lists_its_files_and_fetches_those_read(
    memory: fsspec.AbstractFileSystem,
    small_frames: Frames,
    tmp_path: Path,
    settings: Settings,
    write: object,
) -> None:
    folder = write(small_frames, tmp_path / "data")  # type: ignore[operator]
    for file in folder.iterdir():
        _put(memory, file, f"/acme/{file.name}")
    suffix = next(folder.iterdir()).suffix
    memory.pipe(f"/acme/notes{suffix}", b"never read")  # no sheet of ours: never fetched
    read = read_source(UrlSource("memory://acme/"), settings)
    assert sorted(read.available) == sorted([*small_frames, "notes"])
    files = sorted(f for f in folder.iterdir())
    combined = hashlib.sha256()
    for file in files:
        combined.update(file.name.encode() + b"\0" + hashlib.sha256(file.read_bytes()).digest())
    assert read.digest == combined.hexdigest()  # the seven files read, not notes
    _tables_equal(load_tables("memory://acme", settings), load_tables(folder, settings))


def test_a_file_url_is_read_in_place(
    small_frames: Frames, tmp_path: Path, settings: Settings
) -> None:
    book = write_xlsx(small_frames, tmp_path / "book.xlsx")
    folder = write_csv(small_frames, tmp_path / "csv")
    url = book.as_uri()
    assert read_source(url, settings).label == url
    _tables_equal(load_tables(url, settings), load_tables(book, settings))
    _tables_equal(load_tables(f"{folder.as_uri()}/", settings), load_tables(folder, settings))
    assert sorted(tmp_path.iterdir()) == sorted([book, folder])  # nothing copied


def test_a_remote_workbook_meets_the_same_size_guard_as_a_local_one(
    memory: fsspec.AbstractFileSystem, tmp_path: Path
) -> None:
    _put(memory, _orders(tmp_path / "far.xlsx", far="XFD1048576"), "/far.xlsx")
    with pytest.raises(InputError) as caught:
        read_source("memory://far.xlsx", Settings())
    assert str(caught.value).startswith(
        "sheet 'orders' has a value in cell XFD1048576, far beyond the rest of its data"
    )


def test_a_remote_file_over_the_cap_is_refused_before_and_while_it_is_fetched(
    memory: fsspec.AbstractFileSystem, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(remote, "MAX_DOWNLOAD_BYTES", 4096)
    memory.pipe("/big/customers.csv", b"customer_id\n" + b"C1\n" * 3000)
    memory.pipe("/big.xlsx", b"PK" + b"\0" * 5000)
    expected = "is larger than 4 KiB, the most deckgen fetches from a URL; copy it"
    with pytest.raises(InputError, match=f"^memory://big/customers.csv {expected}"):
        read_source("memory://big/", Settings())  # the listing gives the size: refused first
    with pytest.raises(InputError, match=f"^memory://big.xlsx {expected}"):
        read_source("memory://big.xlsx", Settings())  # no size known: stopped while copying


def test_a_single_remote_csv_file_reads_as_the_local_one(
    memory: fsspec.AbstractFileSystem, small_frames: Frames, tmp_path: Path, settings: Settings
) -> None:
    folder = write_csv(small_frames, tmp_path / "data")
    _put(memory, folder / "orders.csv", "/shop/orders.csv")
    read = read_source("memory://shop/orders.csv", settings)
    local = read_source(folder / "orders.csv", settings)
    assert read.label == "memory://shop/orders.csv"
    assert list(read.frames) == list(local.frames) == ["orders"]
    pd.testing.assert_frame_equal(read.frames["orders"], local.frames["orders"])


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("memory://nowhere/", "memory://nowhere/ does not exist"),
        ("memory://nowhere.xlsx", "memory://nowhere.xlsx does not exist"),
        ("memory://one/orders.csv", "memory://one/orders.csv does not exist"),
        ("memory://empty/", "memory://empty holds no .csv or .parquet files (one per sheet)"),
        (
            "memory://notes.txt",
            "memory://notes.txt is not an .xlsx workbook, a .csv or .parquet file, or a folder of them",
        ),
    ],
)
def test_a_url_that_names_no_data_is_one_sentence(
    memory: fsspec.AbstractFileSystem, url: str, expected: str
) -> None:
    memory.pipe("/empty/readme.txt", b"nothing here")
    memory.pipe("/notes.txt", b"nothing here")
    with pytest.raises(InputError) as caught:
        read_source(url, Settings())
    assert str(caught.value).startswith(expected)


def _cli(
    *args: str, env: dict[str, str] | None = None, prelude: str = ""
) -> subprocess.CompletedProcess:
    code = f"{prelude}from deckgen.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )


@pytest.mark.parametrize(
    ("url", "extra"),
    [("s3://clients/acme.xlsx", "s3"), ("gs://clients/acme/", "gcs"), ("https://h/a.xlsx", "http")],
)
def test_a_missing_extra_names_the_pip_command(url: str, extra: str) -> None:
    # The implementation's modules made unimportable, as on an install without the extra.
    hidden = "import sys; sys.modules.update(dict.fromkeys(['s3fs', 'gcsfs', 'aiohttp']));"
    done = _cli("validate", url, prelude=hidden)
    assert done.returncode == 2, done.stderr
    assert (
        done.stderr
        == f'error: reading {url} needs the {extra} extra: pip install "deckgen[{extra}]"\n'
    )


def test_an_unknown_scheme_and_a_database_url_as_data() -> None:
    done = _cli("validate", "ftps2://host/a.xlsx")
    assert done.returncode == 2
    assert done.stderr.startswith("error: ftps2://host/a.xlsx: deckgen reads no 'ftps2://' URLs")
    done = _cli("metrics", f"postgresql+psycopg://u:{SECRET}@db/crm")
    assert done.returncode == 2
    assert done.stderr.startswith(
        "error: postgresql+psycopg://u:***@db/crm is a database URL; name it in the client's "
        'deckgen.toml as [source] database = "..."'
    )
    assert SECRET not in done.stdout + done.stderr


# -- http ----------------------------------------------------------------------------------


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local HTTP server of a folder (read only); yields its base URL and the folder."""
    root = tmp_path / "web"
    root.mkdir()
    handler = partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        """No access log on the test's output."""


def test_a_workbook_over_http_with_credentials_in_the_url(
    web: tuple[str, Path], small_frames: Frames, settings: Settings
) -> None:
    base, root = web
    book = write_xlsx(small_frames, root / "book.xlsx")
    url = f"{base.replace('http://', f'http://reports:{SECRET}@')}/book.xlsx"
    read = read_source(url, settings)
    assert read.label == url.replace(SECRET, "***")
    assert read.digest == hashlib.sha256(book.read_bytes()).hexdigest()
    _tables_equal(load_tables(url, settings), load_tables(book, settings))
    gone = url.replace("book.xlsx", "gone.xlsx")
    with pytest.raises(InputError) as caught:
        read_source(gone, settings)
    assert str(caught.value) == (
        f"{gone.replace(SECRET, '***')} does not exist (or its server cannot be reached)"
    )


# -- S3 ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def s3() -> Iterator[dict[str, str]]:
    """A real S3-compatible server on localhost (moto's), with a bucket `clients`; yields the
    environment that points deckgen at it, credentials included."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "AKIDDECKGENTEST",
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
    }
    try:
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=env["AWS_ENDPOINT_URL"],
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=SECRET,
            region_name="us-east-1",
        )
        client.create_bucket(Bucket="clients")
        yield env
    finally:
        server.stop()


def test_render_from_s3_gives_the_local_deck(
    s3: dict[str, str], small_frames: Frames, tmp_path: Path
) -> None:
    import boto3

    book = write_xlsx(small_frames, tmp_path / "book.xlsx")
    folder = write_parquet(small_frames, tmp_path / "parquet")
    client = boto3.client(
        "s3",
        endpoint_url=s3["AWS_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id=s3["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=SECRET,
    )
    client.upload_file(str(book), "clients", "acme/book.xlsx")
    for file in folder.iterdir():
        client.upload_file(str(file), "clients", f"acme/parquet/{file.name}")
    decks = {}
    for name, data in (
        ("local", str(book)),
        ("s3", "s3://clients/acme/book.xlsx"),
        ("s3-folder", "s3://clients/acme/parquet/"),
        ("local-folder", str(folder)),
    ):
        out = tmp_path / f"{name}.pptx"
        done = _cli(
            "render", data, "-o", str(out), "--client", "Acme", "--period", "2026-10", env=s3
        )
        assert done.returncode == 0, done.stderr
        assert SECRET not in done.stdout + done.stderr
        decks[name] = hashlib.sha256(out.read_bytes()).hexdigest()
    assert decks["s3"] == decks["local"]
    assert decks["s3-folder"] == decks["local-folder"]
    missing = _cli("validate", "s3://clients/acme/nope.xlsx", env=s3)
    assert missing.returncode == 2
    assert missing.stderr == (
        "error: s3://clients/acme/nope.xlsx does not exist (or its server cannot be reached)\n"
    )
