"""Client data read from one workbook or a folder of .csv or .parquet files, then validated."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
from python_calamine import CalamineError

from deckgen.config import Settings
from deckgen.data.mapping import check_mapping, find_name
from deckgen.data.schema import SHEETS
from deckgen.data.tables import Tables
from deckgen.errors import InputError, Problem, ValidationError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
FOLDER_SUFFIXES = (".csv", ".parquet")
# Excel stores a password-protected .xlsx as an OLE2 container holding this stream.
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


OPEN_IN_EXCEL = "open_in_excel"  # errors.Problem.rule of the lock-file warning


@dataclass(frozen=True)
class Source:
    """Raw client sheets as read, before validation."""

    label: str  # the path as given, for messages
    frames: dict[str, pd.DataFrame]  # our sheet name -> the client's sheet (row 0 = row 2)
    names: dict[str, str]  # our sheet name -> the client's sheet or file name it came from
    available: tuple[str, ...]  # every sheet (or file stem) the source holds
    warnings: tuple[Problem, ...] = ()  # about the file itself (open in Excel)
    # Other sheets the transforms read (lookups, queries), by the client's name.
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()  # found by the transforms (errors and warnings)
    notes: tuple[str, ...] = ()  # what the transforms did, one line each


def read_frames(source: Path, settings: Settings) -> dict[str, pd.DataFrame]:
    """The client's sheets as raw frames keyed by our sheet names; InputError if unreadable."""
    return read_source(source, settings).frames


def read_source(source: Path, settings: Settings) -> Source:
    """The client's sheets as raw frames, with where each came from; InputError if unreadable."""
    path = Path(source)
    if not path.exists():
        raise InputError(f"{path} does not exist")
    if path.is_dir():
        return _read_folder(path, settings)
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return replace(_read_workbook(path, settings), warnings=_open_in_excel(path))
    if suffix in FOLDER_SUFFIXES:
        raise InputError(
            f"{path} is a single {suffix} file; put one {suffix} file per sheet "
            f"(customers{suffix}, orders{suffix}, ...) in a folder and pass the folder"
        )
    raise InputError(f"{path} is not an .xlsx workbook or a folder of .csv or .parquet files")


def _open_in_excel(path: Path) -> tuple[Problem, ...]:
    """A warning when Excel's lock file sits beside the workbook: edits may be unsaved."""
    lock = path.with_name(f"~${path.name}")
    if not lock.exists():
        return ()
    expected = "the workbook closed in Excel: it is open, so edits not yet saved are not read"
    return (Problem("(workbook)", None, None, lock.name, expected, "warning", OPEN_IN_EXCEL),)


def load_tables(source: Path, settings: Settings, strict: bool = False) -> Tables:
    """Validated tables from `source`; ValidationError on errors (and on warnings if `strict`)."""
    from deckgen.data.transform import transform_source  # both build on the readers here
    from deckgen.data.validate import validate_read

    check_mapping(settings)
    report = validate_read(transform_source(read_source(source, settings), settings), settings)
    if report.errors:
        raise ValidationError(list(report.errors))
    if strict and report.warnings:
        raise ValidationError(list(report.warnings))
    assert report.tables is not None  # no errors means tables
    return report.tables


def _wanted(settings: Settings) -> dict[str, str]:
    """Our sheet name -> the name the client's sheet or file should have."""
    return {s.name: settings.mapping(s.name).sheet or s.name for s in SHEETS}


def _located(settings: Settings, available: tuple[str, ...]) -> dict[str, str]:
    """Our sheet name -> the client's sheet found for it."""
    found = {ours: find_name(theirs, available) for ours, theirs in _wanted(settings).items()}
    return {ours: theirs for ours, theirs in found.items() if theirs is not None}


def _extra(settings: Settings, available: tuple[str, ...], names: dict[str, str]) -> list[str]:
    """The client's sheets that transforms read besides those read for our sheets."""
    if not any(m.lookup or m.query for m in settings.sheets.values()):
        return []
    from deckgen.data.transform import sheets_read_by_transforms

    found = (find_name(name, available) for name in sheets_read_by_transforms(settings))
    return list(dict.fromkeys(n for n in found if n is not None and n not in names.values()))


def _read_workbook(path: Path, settings: Settings) -> Source:
    _check_file(path)
    try:
        with pd.ExcelFile(path, engine="calamine") as book:
            available = tuple(str(name) for name in book.sheet_names)
            names = _located(settings, available)
            extra = _extra(settings, available, names)
            wanted = [*names.values(), *extra]
            sheets = pd.read_excel(book, sheet_name=wanted) if wanted else {}
            frames = {ours: _tidy(sheets[theirs]) for ours, theirs in names.items()}
    except (CalamineError, OSError, ValueError) as exc:
        raise InputError(_unreadable_workbook(path, exc)) from None
    others = {name: _tidy(sheets[name]) for name in extra}
    return Source(str(path), frames, names, available, extra=others)


def _check_file(path: Path) -> None:
    """InputError for files that are empty or that no reader could open."""
    if path.stat().st_size == 0:
        raise InputError(f"{path} is empty (0 bytes)")


def _unreadable_workbook(path: Path, exc: BaseException) -> str:
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == _OLE2_MAGIC and path.suffix.lower() != ".xls":
        if _ENCRYPTED_STREAM in path.read_bytes():
            return f"{path} is password-protected; save a copy without a password and use that"
        return f"{path} is an old-style Office file, not an .xlsx workbook; save it as .xlsx"
    detail = str(exc).strip().rstrip(".") or type(exc).__name__
    return f"{path} is not a readable {path.suffix} workbook ({detail})"


def _read_folder(path: Path, settings: Settings) -> Source:
    files: dict[str, dict[str, Path]] = {suffix: {} for suffix in FOLDER_SUFFIXES}
    for file in sorted(path.iterdir()):
        if file.is_file() and file.suffix.lower() in files:
            files[file.suffix.lower()][file.stem] = file
    kinds = [suffix for suffix, found in files.items() if found]
    if not kinds:
        raise InputError(f"{path} holds no .csv or .parquet files (one per sheet)")
    if len(kinds) > 1:
        raise InputError(f"{path} holds both .csv and .parquet files; keep one kind per folder")
    found = files[kinds[0]]
    reader = _READERS[kinds[0]]
    available = tuple(found)
    names = _located(settings, available)
    frames = {ours: _tidy(reader(found[theirs])) for ours, theirs in names.items()}
    extra = {name: _tidy(reader(found[name])) for name in _extra(settings, available, names)}
    return Source(str(path), frames, names, available, extra=extra)


def _read_csv(file: Path) -> pd.DataFrame:
    if file.stat().st_size == 0:
        return pd.DataFrame()
    try:
        with file.open(encoding="utf-8-sig") as handle:
            header = handle.readline()
        delimiter = max((",", ";", "\t"), key=header.count)  # Excel in many locales writes ';'
        # All cells as text: ids keep their leading zeros, and every kind is parsed one way.
        return pd.read_csv(file, engine="pyarrow", dtype="str", sep=delimiter, encoding="utf-8")
    except (OSError, ValueError) as exc:
        if isinstance(exc, UnicodeDecodeError) or "UTF8" in str(exc):
            raise InputError(f"{file} is not UTF-8 text; save it as 'CSV UTF-8'") from None
        raise InputError(f"{file} cannot be read as CSV: {exc}") from None


def _read_parquet(file: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(file)
    except (OSError, ValueError) as exc:
        raise InputError(f"{file} cannot be read as Parquet: {exc}") from None


_READERS: dict[str, Callable[[Path], pd.DataFrame]] = {
    ".csv": _read_csv,
    ".parquet": _read_parquet,
}


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with text headers and without the blank, unnamed columns spreadsheets leave."""
    frame.columns = [str(c).strip() for c in frame.columns]
    unnamed = [c for c in frame.columns if c.startswith("Unnamed: ") and frame[c].isna().all()]
    return frame.drop(columns=unnamed).reset_index(drop=True)
