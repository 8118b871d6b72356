"""Issue: memory bombs. A stray value far out reads only the cells there are, and a part that
unpacks out of proportion is refused, with one line, before it is unpacked."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
import python_calamine

from sheets_sync.cli import main
from sheets_sync.stores.xlsx_package import Package
from sheets_sync.stores.xlsx_read import extent, is_dense, sparse_grid_of
from tests.package_books import TODAY, base_book, digest, parts, rewrite, sheet_part, sync
from tests.workbooks import excel_like_workbook


def trimmed(grid: list[list]) -> list[list]:
    rows = [list(r) for r in grid]
    for row in rows:
        while row and row[-1] in (None, ""):
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def test_the_sparse_read_gives_what_calamine_gives(tmp_path):
    path = excel_like_workbook(tmp_path / "book.xlsx")
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    with zipfile.ZipFile(path) as archive:
        package = Package(archive)
        for tab in ("Contacts", "Interactions", "Transactions"):
            xml = package.read(sheet_part(path, tab))
            dense = book.get_sheet_by_name(tab).to_python(skip_empty_area=False)
            assert trimmed(sparse_grid_of(package, xml)) == trimmed(dense), tab


@pytest.mark.slow  # two syncs of a 200,001-row sheet: about 2 s
def test_a_stray_value_far_out_is_read_without_a_rectangle_to_it(tmp_path):
    path = base_book(tmp_path / "book.xlsx",
                     lambda _wb, sheet: sheet.write(200000, 1000, "stray"))  # ALM200001
    part = sheet_part(path, "Contacts")
    xml = parts(path)[part]
    assert extent(xml)[:2] == (200001, 1001) and not is_dense(*extent(xml))
    stray = re.search(rb'<c r="ALM200001".*?</c>', xml).group(0)
    assert sync(path)
    after = parts(path)[part]
    assert stray in after
    assert b'<c r="ALN1"' in after  # the owned columns go past the last column in use
    assert sync(path) is False


def test_a_part_that_unpacks_out_of_proportion_is_refused_untouched(tmp_path, capsys):
    def inflate(files: dict[str, bytes]) -> dict[str, bytes]:
        files["xl/worksheets/sheet1.xml"] = files["xl/worksheets/sheet1.xml"].replace(
            b"</worksheet>", b" " * (40 << 20) + b"</worksheet>")
        return files

    path = rewrite(base_book(tmp_path / "book.xlsx"), inflate)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        assert info.file_size > 200 * info.compress_size
    before = digest(path)
    assert main(["sync", str(path), "--today", TODAY.isoformat()]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "xl/worksheets/sheet1.xml" in err[0]
    assert "out of proportion" in err[0]
    assert digest(path) == before


@pytest.mark.parametrize("size", [(1 << 30) + 1])
def test_a_part_declaring_a_gigabyte_is_refused_before_unpacking(tmp_path, capsys, size):
    path = base_book(tmp_path / "book.xlsx")
    data = bytearray(path.read_bytes())
    # Say the Contacts part unpacks to over a gigabyte, in its central directory entry.
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/worksheets/sheet1.xml") + 1)
    assert central >= 0
    data[central + 24:central + 28] = size.to_bytes(4, "little")
    assert info.file_size < size
    path.write_bytes(bytes(data))
    before = digest(path)
    assert main(["sync", str(path), "--today", TODAY.isoformat()]) == 2
    err = capsys.readouterr().err.strip()
    assert "xl/worksheets/sheet1.xml" in err and "out of proportion" in err
    assert digest(path) == before
