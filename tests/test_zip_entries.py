"""A sync copies every part it keeps compressed, as it was, and the file it writes is a zip any
reader opens: CRCs check, and openpyxl and calamine read it."""

from __future__ import annotations

import zipfile
import zlib
from datetime import date
from pathlib import Path

import openpyxl
import python_calamine

from sheets_sync.config import load_config
from sheets_sync.starter import write_starter_workbook
from sheets_sync.stores.zip_entries import WRITE_LEVEL, compressed_bytes, set_level, unpacked
from sheets_sync.sync import sync_workbook
from tests.workbooks import excel_like_workbook

TODAY = date(2026, 11, 23)


def entries(path: Path) -> dict[str, tuple[bytes, bytes | None, zipfile.ZipInfo]]:
    """Part -> (its bytes, its compressed bytes, its entry)."""
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        out = {}
        for info in archive.infolist():
            raw = compressed_bytes(data, info)
            out[info.filename] = (archive.read(info), bytes(raw) if raw is not None else None,
                                  info)
        return out


def test_every_part_a_sync_keeps_is_copied_compressed_as_it_was(tmp_path: Path) -> None:
    path = excel_like_workbook(tmp_path / "excel.xlsx")
    before = entries(path)
    assert sync_workbook(str(path), load_config(), TODAY).written
    after = entries(path)
    kept = [name for name in after if name in before and after[name][0] == before[name][0]]
    assert {"xl/worksheets/sheet2.xml", "xl/media/image1.png", "xl/comments1.xml"} <= set(kept)
    for name in kept:
        assert after[name][1] == before[name][1], name
        assert after[name][2].date_time == before[name][2].date_time, name


def test_the_written_file_checks_and_opens_in_other_readers(tmp_path: Path) -> None:
    path = tmp_path / "sample.xlsx"
    write_starter_workbook(path, lang="en", sample=True, today=TODAY)
    assert sync_workbook(str(path), load_config(), TODAY).written
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in archive.infolist())
    book = openpyxl.load_workbook(path)
    assert "Today" in book.sheetnames
    assert "Contacts" in python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names


def test_a_part_a_sync_writes_is_deflated_at_the_write_level(tmp_path: Path) -> None:
    data = b"<row/>" * 5000
    path = tmp_path / "level.zip"
    with zipfile.ZipFile(path, "w") as out:
        out.writestr(set_level(zipfile.ZipInfo("written.xml")), data)
        with out.open(set_level(zipfile.ZipInfo("streamed.xml")), "w") as stream:
            stream.write(data)
    packer = zlib.compressobj(WRITE_LEVEL, zlib.DEFLATED, -15)
    expected = packer.compress(data) + packer.flush()
    with zipfile.ZipFile(path) as archive:
        for name in ("written.xml", "streamed.xml"):
            info = archive.getinfo(name)
            assert compressed_bytes(path.read_bytes(), info) == expected, name
            assert archive.read(name) == data


def test_a_deflated_part_unpacks_into_its_bytes_and_a_stored_one_is_left_to_zipfile(
    tmp_path: Path,
) -> None:
    data = b"<row/>" * 5000
    path = tmp_path / "parts.zip"
    with zipfile.ZipFile(path, "w") as out:
        out.writestr(set_level(zipfile.ZipInfo("deflated.xml")), data)
        out.writestr(zipfile.ZipInfo("stored.xml"), data)
    with zipfile.ZipFile(path) as archive:
        assert unpacked(path.read_bytes(), archive.getinfo("deflated.xml")) == data
        assert unpacked(path.read_bytes(), archive.getinfo("stored.xml")) is None
