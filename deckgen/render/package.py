"""Deterministic packaging: fixed core properties and zip entries, so equal decks give equal bytes.

python-pptx stamps zip entries with the current time, and XlsxWriter stamps the workbook
embedded in every native chart with the time of creation; both are rewritten here.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import datetime

from pptx.presentation import Presentation as PresentationType

# The timestamp of every zip entry and core property: the zip format's own epoch.
FIXED_TIME = datetime(1980, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_XLSX_CORE_DATES = re.compile(
    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)


def set_core_properties(
    prs: PresentationType, *, title: str, subject: str, author: str, created: datetime
) -> None:
    """Write fixed document properties (no 'now'): dates from `created`, revision 1."""
    props = prs.core_properties
    props.title = title
    props.subject = subject
    props.author = author
    props.last_modified_by = author
    props.created = created
    props.modified = created
    props.last_printed = created
    props.revision = 1


def _normalize_xlsx(blob: bytes) -> bytes:
    """The embedded chart workbook with its creation dates and zip times fixed."""
    return _rezip(
        blob, lambda name, data: _fix_xlsx_core(data) if name == "docProps/core.xml" else data
    )


def _fix_xlsx_core(data: bytes) -> bytes:
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return _XLSX_CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(2), data)


def _rezip(blob: bytes, transform: Callable[[str, bytes], bytes]) -> bytes:
    """`blob` (a zip) rewritten entry by entry, in the same order, with fixed times."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(blob)) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, transform(info.filename, source.read(info.filename)))
    return out.getvalue()


def deterministic_package(pptx_bytes: bytes) -> bytes:
    """The saved .pptx with fixed zip times and normalised embedded workbooks."""
    return _rezip(
        pptx_bytes,
        lambda name, data: _normalize_xlsx(data) if name.endswith(".xlsx") else data,
    )
