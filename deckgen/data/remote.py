"""Workbooks and folders addressed by URL, read through fsspec, only ever for reading.

A remote file is copied into a temporary folder (deleted once the sheets are read) under a size
cap, then read like a local one, the workbook size guards included; a `file://` URL is read in
place. A folder URL lists its `.csv` or `.parquet` files; only the ones a sheet needs are
fetched. Credentials come from the environment (AWS_*, GOOGLE_APPLICATION_CREDENTIALS, ...) or
the URL, and every message shows the URL masked (deckgen.masking).
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import TYPE_CHECKING

from deckgen.errors import InputError

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

MAX_DOWNLOAD_BYTES = 2 << 30  # a remote file larger than this (2 GiB) is refused
_CHUNK = 4 << 20
# fsspec protocol -> the deckgen extra that installs its implementation.
EXTRAS = {"s3": "s3", "s3a": "s3", "gs": "gcs", "gcs": "gcs", "http": "http", "https": "http"}


def check_protocol(scheme: str, shown: str) -> None:
    """Nothing if fsspec knows the URL scheme `scheme`; InputError otherwise."""
    from fsspec.registry import known_implementations, registry

    if scheme not in known_implementations and scheme not in registry:
        raise InputError(
            f"{shown}: deckgen reads no '{scheme}://' URLs; a workbook or folder is read by "
            "path or by a URL such as file://, s3://, gs:// or https://, and a database is "
            "named in deckgen.toml as [source] database"
        )


class Remote:
    """The file system of a URL, and the files fetched from it (deleted on leaving `with`)."""

    def __init__(self, url: str, shown: str, max_bytes: int | None = None) -> None:
        self.shown = shown
        self.max_bytes = MAX_DOWNLOAD_BYTES if max_bytes is None else max_bytes
        self.fs, self.path = _file_system(url, shown)
        self.suffix = PurePosixPath(self.path.rstrip("/")).suffix.lower()
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._digests: dict[str, str] = {}  # remote path of each file fetched -> its SHA-256
        self._sizes: dict[str, int] = {}  # remote path -> size, as the listing gave it

    def __enter__(self) -> Remote:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._folder is not None:
            self._folder.cleanup()

    @property
    def local(self) -> bool:
        """True for a file system on this machine (`file://`): its files are read in place."""
        from fsspec.implementations.local import LocalFileSystem

        return isinstance(self.fs, LocalFileSystem)

    def listing(self) -> dict[str, str]:
        """The files of the folder at the URL: name -> remote path."""
        try:
            entries = self.fs.ls(self.path, detail=True)
        except FileNotFoundError:
            raise InputError(f"{self.shown} does not exist") from None
        except Exception as exc:  # each file system raises its own errors (botocore, aiohttp)
            raise InputError(f"{self.shown} cannot be listed: {_reason(exc)}") from None
        itself = self.path.rstrip("/")
        if [entry["name"].rstrip("/") for entry in entries] == [itself]:  # ls of a file
            raise InputError(
                f"{self.shown} is not an .xlsx workbook, a .csv or .parquet file, or a folder of them"
            )
        files = {}
        for entry in entries:
            if entry.get("type") == "file":
                name = PurePosixPath(entry["name"]).name
                files[name] = entry["name"]
                if entry.get("size") is not None:
                    self._sizes[entry["name"]] = int(entry["size"])
        return files

    def fetch(self, path: str) -> Path:
        """The file at remote `path` on this machine: copied into the temporary folder (at most
        `max_bytes`), or itself for `file://`."""
        name = PurePosixPath(path).name
        shown = self.shown if path == self.path else f"{self.shown.rstrip('/')}/{name}"
        digest = hashlib.sha256()
        if self.local:
            local = Path(path)
            try:
                with local.open("rb") as handle:
                    while chunk := handle.read(_CHUNK):
                        digest.update(chunk)
            except FileNotFoundError:
                raise InputError(f"{shown} does not exist") from None
            self._digests[path] = digest.hexdigest()
            return local
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="deckgen-")
        # Named by number: a remote name is never a local path.
        local = Path(self._folder.name) / f"{len(self._digests)}{PurePosixPath(name).suffix}"
        self._check_size(self._sizes.get(path), shown)
        try:
            with self.fs.open(path, "rb") as source, local.open("wb") as target:
                copied = 0
                while chunk := source.read(_CHUNK):
                    copied += len(chunk)
                    self._check_size(copied, shown)
                    digest.update(chunk)
                    target.write(chunk)
        except InputError:
            raise
        except FileNotFoundError:  # fsspec's HTTP says so for a server it cannot reach, too
            raise InputError(f"{shown} does not exist (or its server cannot be reached)") from None
        except Exception as exc:  # each file system raises its own errors (botocore, aiohttp)
            raise InputError(f"{shown} cannot be read: {_reason(exc)}") from None
        self._digests[path] = digest.hexdigest()
        return local

    def digest(self) -> str:
        """SHA-256 of the files fetched: a workbook's bytes, or for a folder each file's name
        and bytes in name order (as the manifest's input_sha256 of a local folder)."""
        if self.path in self._digests:  # the URL is the workbook itself
            return self._digests[self.path]
        named = {PurePosixPath(path).name: digest for path, digest in self._digests.items()}
        combined = hashlib.sha256()
        for name in sorted(named):
            combined.update(name.encode() + b"\0" + bytes.fromhex(named[name]))
        return combined.hexdigest()

    def _check_size(self, size: int | None, shown: str) -> None:
        if size is not None and size > self.max_bytes:
            raise InputError(
                f"{shown} is larger than {_size(self.max_bytes)}, the most deckgen fetches "
                "from a URL; copy it to this machine and give its path"
            )


def _file_system(url: str, shown: str) -> tuple[AbstractFileSystem, str]:
    """fsspec's file system for `url` and the path in it; InputError naming the extra to
    install when its implementation is missing."""
    import fsspec

    protocol = url.split("://", 1)[0].lower()
    try:
        fs, path = fsspec.core.url_to_fs(url)
    except ImportError:
        extra = EXTRAS.get(protocol)
        if extra is None:
            raise InputError(
                f"reading {shown} needs the fsspec implementation of '{protocol}://', which is "
                "not installed (see fsspec's list of implementations)"
            ) from None
        raise InputError(
            f'reading {shown} needs the {extra} extra: pip install "deckgen[{extra}]"'
        ) from None
    except (ValueError, TypeError, OSError) as exc:
        raise InputError(f"{shown} cannot be opened: {_reason(exc)}") from None
    return fs, path


def _reason(exc: BaseException) -> str:
    """The first line of an error, with its kind when it says nothing by itself."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _size(size: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:,.3g} {unit}"
    return f"{size:,} bytes"
