"""Deterministic packaging: fixed zip times and embedded workbook dates."""

from __future__ import annotations

import io
import zipfile

from pptx import Presentation

from deckgen.render.package import deterministic_package, save_deterministic


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_times_and_workbook_dates_are_fixed() -> None:
    core = (
        b'<cp:coreProperties><dcterms:created xsi:type="dcterms:W3CDTF">2026-05-01T10:11:12Z'
        b"</dcterms:created><dcterms:modified>2026-05-01T10:11:12Z</dcterms:modified>"
        b"</cp:coreProperties>"
    )
    workbook = _zip({"docProps/core.xml": core, "xl/workbook.xml": b"<w/>"})
    package = _zip({"[Content_Types].xml": b"<t/>", "ppt/embeddings/Book1.xlsx": workbook})
    result = deterministic_package(package)
    outer = zipfile.ZipFile(io.BytesIO(result))
    assert [i.filename for i in outer.infolist()] == [
        "[Content_Types].xml",
        "ppt/embeddings/Book1.xlsx",
    ]
    assert {i.date_time for i in outer.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    inner = zipfile.ZipFile(io.BytesIO(outer.read("ppt/embeddings/Book1.xlsx")))
    assert inner.read("docProps/core.xml") == core.replace(
        b"2026-05-01T10:11:12Z", b"1980-01-01T00:00:00Z"
    )
    assert {i.date_time for i in inner.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert deterministic_package(package) == result


def test_one_pass_save_equals_save_then_rewrite(en_bytes: bytes) -> None:
    """save_deterministic gives the bytes of python-pptx's save rewritten by deterministic_package."""
    prs = Presentation(io.BytesIO(en_bytes))
    saved = io.BytesIO()
    prs.save(saved)
    one_pass = save_deterministic(prs)
    assert one_pass == deterministic_package(saved.getvalue())
    names = [info.filename for info in zipfile.ZipFile(io.BytesIO(one_pass)).infolist()]
    assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert any(name.endswith(".xlsx") for name in names)  # the charts' workbooks went through
