"""Where the Excel store cannot write without losing something, it refuses and writes nothing."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from sheets_sync.cli import main
from tests.workbooks import excel_like_workbook


def rewrite_part(path: Path, part: str, change) -> None:
    with zipfile.ZipFile(path) as archive:
        items = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in items:
            if info.filename == part:
                data = change(data.decode()).encode()
            archive.writestr(info, data)


def refused(path: Path, capsys, *words: str) -> None:
    before = path.read_bytes()
    assert main(["sync", str(path), "--today", "2026-11-23"]) == 4
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    for word in words:
        assert word in err
    assert path.read_bytes() == before
    assert not list((path.parent / ".sheets-sync-backups").glob("*.xlsx"))  # no backup taken


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return excel_like_workbook(tmp_path / "book.xlsx")


def test_rows_without_row_numbers(book: Path, capsys) -> None:
    rewrite_part(book, "xl/worksheets/sheet1.xml", lambda xml: re.sub(r'<row r="\d+"', "<row", xml))
    refused(book, capsys, "rows without row numbers")


def test_a_shared_formula_in_a_column_the_tool_writes(book: Path, capsys) -> None:
    # A person typed formulas into the tool's Tier column (Y) as a shared formula.
    def add(xml: str) -> str:
        xml = re.sub(
            r'(<row r="1"[^>]*>.*?)</row>',
            r'\1<c r="Y1" t="inlineStr"><is><t>Tier</t></is></c></row>',
            xml,
            count=1,
            flags=re.S,
        )
        return xml.replace(
            '<c r="A2"',
            '<c r="Y2"><f t="shared" ref="Y2:Y3" si="0">N2*2</f><v>18</v></c><c r="A2"',
            1,
        )

    rewrite_part(book, "xl/worksheets/sheet1.xml", _sorted_cells(add))
    refused(book, capsys, "shared formula")


def test_a_worksheet_in_prefixed_form(book: Path, capsys) -> None:
    def prefixed(xml: str) -> str:
        xml = re.sub(r"<(/?)(?!\?)([a-zA-Z]+)", r"<\1x:\2", xml)
        return xml.replace('xmlns="', 'xmlns:x="', 1)

    rewrite_part(book, "xl/worksheets/sheet1.xml", prefixed)
    refused(book, capsys, "cannot edit safely")


def _sorted_cells(change):
    """Apply `change`, then put row 2's cells back in column order (as Excel requires)."""
    from sheets_sync.stores.ooxml import col_index

    def run(xml: str) -> str:
        xml = change(xml)
        row = re.search(r'<row r="2"[^>]*>(.*?)</row>', xml, re.S)
        cells = re.findall(r'<c r="[A-Z]+2".*?(?:/>|</c>)', row.group(1), re.S)
        cells.sort(key=lambda c: col_index(re.match(r'<c r="([A-Z]+)', c).group(1)))
        return xml[: row.start(1)] + "".join(cells) + xml[row.end(1) :]

    return run


def test_a_style_sheet_in_a_form_it_cannot_edit(book: Path, capsys) -> None:
    rewrite_part(
        book, "xl/styles.xml", lambda xml: re.sub(r"<cellXfs.*?</cellXfs>", "", xml, flags=re.S)
    )
    refused(book, capsys, "style sheet")
