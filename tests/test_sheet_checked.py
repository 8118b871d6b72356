"""A sheet the read already found well-formed is not parsed again inside its cell data, and the
edit is the same; what expat's namespace processing would refuse there is still refused."""

from __future__ import annotations

import pytest

from sheets_sync.errors import CannotPreserve
from sheets_sync.stores.ooxml import MAIN_NS, CellWrite
from sheets_sync.stores.xlsx_sheet_edit import SheetEdit

X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
ROWS = ('<row r="1" x14ac:dyDescent="0.25"><c r="A1" t="inlineStr"><is>'
        '<t xml:space="preserve"> Ana</t></is></c></row>'
        '<row r="2" x14ac:dyDescent="0.25"><c r="A2"><v>1</v></c></row>')
WRITES = {1: {1: CellWrite("x", 3)}, 2: {0: CellWrite(2, None)}}


def sheet(rows: str, declared: str = f' xmlns:x14ac="{X14AC}"') -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{MAIN_NS}"{declared}>'
            f"<sheetData>{rows}</sheetData><pageMargins left=\"0.7\"/></worksheet>").encode()


def test_a_checked_sheet_is_edited_as_one_parsed_again() -> None:
    again = SheetEdit(sheet(ROWS), "p", "Contacts", WRITES)
    checked = SheetEdit(sheet(ROWS), "p", "Contacts", WRITES, checked=True)
    assert checked.xml() == again.xml()
    assert [c.name for c in checked.root.children] == ["sheetData", "pageMargins"]
    assert checked.child("pageMargins").start == again.child("pageMargins").start


@pytest.mark.parametrize("rows", [
    ROWS.replace("x14ac:", "p:"),  # a prefix nobody declared
    ROWS.replace("x14ac:dyDescent", "x14ac:a:b"),  # a name with two colons
])
def test_what_namespace_processing_refuses_is_refused_on_a_checked_sheet(rows: str) -> None:
    for checked in (False, True):
        with pytest.raises(CannotPreserve, match="not well-formed"):
            SheetEdit(sheet(rows), "p", "Contacts", WRITES, checked=checked)


def test_text_that_only_looks_like_a_prefixed_name_is_parsed_again_and_kept() -> None:
    rows = ROWS.replace("> Ana<", "> ratio:x=1<")
    checked = SheetEdit(sheet(rows), "p", "Contacts", WRITES, checked=True)
    assert checked.xml() == SheetEdit(sheet(rows), "p", "Contacts", WRITES).xml()
    assert b"ratio:x=1" in checked.xml()
