"""Editing a worksheet finds its rows and cells by searching the bytes when the cell data is in
the plain form spreadsheet programs write, and parses it element by element otherwise; either
way the same cells are written, and every other byte stays as it was."""

from __future__ import annotations

import io
import re

import pytest

from sheets_sync.errors import CannotPreserve
from sheets_sync.stores.ooxml import MAIN_NS, CellWrite
from sheets_sync.stores.xlsx_sheet_edit import SheetEdit

HEAD = (f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{MAIN_NS}">'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>')
ROWS = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>Tier</t></is></c></row>'
        '<row r="2" spans="1:1"><c r="A2" s="4" t="inlineStr"><is><t>Ana</t></is></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><t>Bo</t></is></c><c r="C3"><v>7</v></c>'
        '</row>'
        '<row r="4"/>')
WRITES = {
    2: {1: CellWrite("x", 5), 2: CellWrite("A", 5)},
    3: {1: CellWrite("y", 5), 2: CellWrite(7, None)},
    4: {0: CellWrite("Cy", None)},
    6: {0: CellWrite("new", 2)},
}


def sheet(rows: str) -> bytes:
    return (HEAD + f"<sheetData>{rows}</sheetData></worksheet>").encode()


def edited(rows: str, writes: dict = WRITES) -> str:
    return SheetEdit(sheet(rows), "xl/worksheets/sheet1.xml", "Contacts", writes).xml().decode()


def test_plain_rows_get_each_write_at_its_column_and_new_rows_in_order() -> None:
    out = edited(ROWS)
    assert ('<row r="2" spans="1:3"><c r="A2" s="4" t="inlineStr"><is><t>Ana</t></is></c>'
            '<c r="B2" s="5" t="inlineStr"><is><t>x</t></is></c>'
            '<c r="C2" s="5" t="inlineStr"><is><t>A</t></is></c></row>') in out
    assert ('<c r="A3" t="inlineStr"><is><t>Bo</t></is></c>'
            '<c r="B3" s="5" t="inlineStr"><is><t>y</t></is></c><c r="C3"><v>7</v></c>') in out
    assert '<row r="4"><c r="A4" t="inlineStr"><is><t>Cy</t></is></c></row>' in out
    assert out.endswith('<row r="6"><c r="A6" s="2" t="inlineStr"><is><t>new</t></is></c>'
                        "</row></sheetData></worksheet>")


@pytest.mark.parametrize("odd, plain", [
    ("<!-- a person's note -->", ""),
    ("<?app hint?>", ""),
])
def test_a_comment_among_the_rows_changes_nothing_but_itself(odd: str, plain: str) -> None:
    rows = ROWS.replace('<row r="3">', odd + '<row r="3">')
    assert edited(rows).replace(odd, plain) == edited(ROWS)


@pytest.mark.parametrize("spelling", [
    "<c r='A3' t='inlineStr'>",
    '<c  r="A3" t="inlineStr">',
    '<c t="inlineStr" r="A3">',
    '<c r="$A3" t="inlineStr">',
])
def test_a_cell_spelled_another_way_is_written_the_same(spelling: str) -> None:
    rows = ROWS.replace('<c r="A3" t="inlineStr">', spelling)
    assert edited(rows).replace(spelling, '<c r="A3" t="inlineStr">') == edited(ROWS)


def test_cells_out_of_column_order_get_the_new_cell_before_the_first_later_column() -> None:
    rows = '<row r="2"><c r="C2"><v>1</v></c><c r="A2"><v>2</v></c></row>'
    out = edited(rows, {2: {1: CellWrite(9, None)}})
    assert '<row r="2"><c r="B2"><v>9</v></c><c r="C2"><v>1</v></c><c r="A2">' in out


def test_a_cell_already_holding_the_value_is_not_touched() -> None:
    rows = '<row r="2"><c r="A2" s="3"><v>5</v></c></row>'
    edit = SheetEdit(sheet(rows), "p", "Contacts", {2: {0: CellWrite(5, 3)}})
    assert not edit.changed()
    assert edit.xml() == sheet(rows)


def test_a_value_replaces_a_formula_and_says_so() -> None:
    rows = '<row r="2"><c r="A2"><f>1+1</f><v>2</v></c></row>'
    edit = SheetEdit(sheet(rows), "p", "Contacts", {2: {0: CellWrite(3, None)}})
    assert edit.replaced_formula
    assert '<row r="2"><c r="A2"><v>3</v></c></row>' in edit.xml().decode()


def test_a_shared_formula_in_a_written_column_is_refused() -> None:
    rows = '<row r="2"><c r="A2"><f t="shared" ref="A2:A3" si="0">1+1</f><v>2</v></c></row>'
    with pytest.raises(CannotPreserve, match="shared formula"):
        SheetEdit(sheet(rows), "p", "Contacts", {2: {0: CellWrite(3, None)}})


@pytest.mark.parametrize("rows, why", [
    ('<row r="2"/><row r="2"/>', "two rows numbered 2"),
    ('<row><c r="A1"/></row>', "rows without row numbers"),
])
def test_rows_that_cannot_be_edited_safely_are_refused(rows: str, why: str) -> None:
    with pytest.raises(CannotPreserve, match=why):
        SheetEdit(sheet(rows), "p", "Contacts", {})


def test_the_edited_part_streams_out_as_the_bytes_it_builds() -> None:
    edit = SheetEdit(sheet(ROWS), "p", "Contacts", WRITES)
    out = io.BytesIO()
    edit.write(out)
    assert out.getvalue() == edit.xml()
    assert edit.size() == len(edit.xml())


@pytest.mark.parametrize("rows", [ROWS, ROWS.replace('<row r="3">', "<!-- c --><row r=\"3\">")])
def test_the_selected_tab_mark_goes_as_a_text_substitution_would(rows: str) -> None:
    pattern = re.compile(r'\s+tabSelected="(?:1|true)"')
    edit = SheetEdit(sheet(rows), "p", "Contacts", WRITES)
    expected = pattern.sub("", edit.xml().decode(), count=1)
    assert edit.drop_first(pattern, 4000)
    assert edit.xml().decode() == expected
    assert not edit.drop_first(pattern, 4000)


def test_a_mark_inside_what_an_edit_wrote_is_dropped_from_it() -> None:
    pattern = re.compile(r'\s+spans="1:3"')
    edit = SheetEdit(sheet(ROWS), "p", "Contacts", WRITES)
    expected = pattern.sub("", edit.xml().decode(), count=1)
    assert edit.drop_first(pattern, 4000)
    assert edit.xml().decode() == expected
