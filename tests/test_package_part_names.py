"""Issue: part names are case-insensitive (OPC). A workbook whose sheets are `Sheet1.xml` never
gets a `sheet1.xml` beside them, and relationships are followed whatever their case."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.package_books import base_book, image_on, parts, rewrite, sync


def capitalised(path: Path, in_rels: bool = True) -> Path:
    """Every sheet part (and its rels) renamed Sheet<N>.xml; the workbook's relationships
    spell the new names when `in_rels`, else keep the old spelling."""

    def edit(files: dict[str, bytes]) -> dict[str, bytes]:
        out = {}
        for name, data in files.items():
            new = name.replace("worksheets/sheet", "worksheets/Sheet").replace(
                "worksheets/_rels/sheet", "worksheets/_rels/Sheet")
            if name in ("[Content_Types].xml",) or (in_rels and name.endswith(".rels")):
                data = data.replace(b"worksheets/sheet", b"worksheets/Sheet")
            out[new] = data
        return out

    return rewrite(path, edit)


def office_with_image(wb, _ws) -> None:
    office = wb.add_worksheet("Office")
    office.write(0, 0, "Our office")
    image_on(office)


def folded_clashes(path: Path) -> list[str]:
    names = list(parts(path))
    return [n for n in names if [m.casefold() for m in names].count(n.casefold()) > 1]


def test_capitalised_sheet_parts_get_no_lower_case_twin(tmp_path):
    path = capitalised(base_book(tmp_path / "book.xlsx", office_with_image))
    before = parts(path)
    assert "xl/worksheets/Sheet3.xml" in before
    assert sync(path)
    after = parts(path)
    assert folded_clashes(path) == []
    for name in ("xl/worksheets/Sheet3.xml", "xl/worksheets/_rels/Sheet3.xml.rels",
                 "xl/drawings/drawing1.xml", "xl/media/image1.png", "xl/worksheets/Sheet2.xml"):
        assert after[name] == before[name], name
    workbook = openpyxl.load_workbook(path)
    assert workbook["Office"]["A1"].value == "Our office"
    assert len(workbook["Office"]._images) == 1
    assert workbook["Contacts"]["F1"].value == "Tier"
    assert sync(path) is False  # the second sync follows the same parts and changes nothing


def test_relationships_spelled_in_another_case_than_the_zip_are_followed(tmp_path):
    path = capitalised(base_book(tmp_path / "book.xlsx", office_with_image), in_rels=False)
    before = parts(path)
    assert b"worksheets/sheet1.xml" in before["xl/_rels/workbook.xml.rels"]
    assert sync(path)
    after = parts(path)
    assert folded_clashes(path) == []
    assert b"Tier" in after["xl/worksheets/Sheet1.xml"] or b"Tier" in after[
        "xl/sharedStrings.xml"]
    for name in ("xl/worksheets/Sheet3.xml", "xl/worksheets/_rels/Sheet3.xml.rels",
                 "xl/media/image1.png"):
        assert after[name] == before[name], name
    assert sync(path) is False
