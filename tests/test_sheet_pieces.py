"""A large worksheet is edited a piece at a time: unpacked from the workbook in pieces, its rows
patched as each piece comes, written out again piece by piece. Wherever a piece ends (inside a
row, a cell, an entity, a CDATA section, the cell data's end tag), the edit is byte for byte
the one made on the part held whole, and it refuses what that refuses.

The pieces are made tiny here (`zip_entries.PIECE`) so that they end at the places named."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from sheets_sync.config import load_config
from sheets_sync.errors import CannotPreserve
from sheets_sync.starter import write_starter_workbook
from sheets_sync.stores import xlsx, zip_entries
from sheets_sync.stores.ooxml import MAIN_NS, CellWrite
from sheets_sync.stores.xlsx_sheet_edit import SheetEdit
from sheets_sync.stores.zip_entries import Inflating
from sheets_sync.sync import sync_workbook

PART = "xl/worksheets/sheet1.xml"
HEAD = (f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{MAIN_NS}">'
        '<dimension ref="A1:C4"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>')
ROWS = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>Tier</t></is></c></row>'
        '<row r="2" spans="1:1"><c r="A2" s="4" t="inlineStr"><is><t>Ana &amp; Bo</t></is></c>'
        '</row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><t>Cy</t></is></c><c r="B3"><v>1</v></c>'
        '<c r="C3"><v>7</v></c></row>'
        '<row r="4"/>')
WRITES = {
    2: {1: CellWrite("x", 5), 2: CellWrite("A", 5)},
    3: {1: CellWrite("y", 5), 2: CellWrite(7, None)},
    4: {0: CellWrite("Dee", None)},
    6: {0: CellWrite("new", 2)},
}
SELECTED = re.compile(r'\s+tabSelected="(?:1|true)"')
DAY = date(2026, 11, 23)


def sheet(rows: str = ROWS, tail: str = '<pageMargins left="0.7"/>') -> bytes:
    return (HEAD + f"<sheetData>{rows}</sheetData>{tail}</worksheet>").encode()


def never_whole() -> bytes:
    raise AssertionError("the part was unpacked whole")


def packed(folder: Path, xml: bytes, whole: Callable[[], bytes] | None = None) -> Inflating:
    """`xml` as the one worksheet of a zip file in `folder`, to be read in pieces."""
    path = folder / "book.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr(PART, xml)
    data = path.read_bytes()
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(PART)
    return Inflating(data, info, whole or never_whole)


def in_pieces(monkeypatch: pytest.MonkeyPatch, folder: Path, xml: bytes, piece: int,
              writes: dict | None = None, whole: Callable[[], bytes] | None = None,
              **options: object) -> SheetEdit:
    monkeypatch.setattr(zip_entries, "PIECE", piece)
    return SheetEdit(packed(folder, xml, whole), PART, "Contacts",
                     WRITES if writes is None else writes, **options)


def held_whole(xml: bytes, writes: dict | None = None, **options: object) -> SheetEdit:
    return SheetEdit(xml, PART, "Contacts", WRITES if writes is None else writes, **options)


def written(edit: SheetEdit) -> bytes:
    out = io.BytesIO()
    edit.write(out)
    return out.getvalue()


def test_a_row_cut_between_two_pieces_is_edited_as_one_held_whole(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    xml = sheet()
    piece = xml.index(b'<row r="2"') + 5  # inside the row's start tag
    assert written(in_pieces(monkeypatch, tmp_path, xml, piece)) == held_whole(xml).xml()


def test_a_cell_cut_between_two_pieces_is_replaced_as_one_held_whole(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    xml = sheet()
    piece = xml.index(b'<c r="B3"><v>1') + 12  # between the old value's digits and </v>
    edit = in_pieces(monkeypatch, tmp_path, xml, piece)
    assert b'<c r="B3" s="5" t="inlineStr"><is><t>y</t></is></c>' in written(edit)
    assert written(edit) == held_whole(xml).xml()


def test_an_entity_cut_at_a_piece_edge_is_kept_as_it_was(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    xml = sheet()
    piece = xml.index(b"&amp;") + 1  # the piece ends after "&"
    out = written(in_pieces(monkeypatch, tmp_path, xml, piece))
    assert b"<t>Ana &amp; Bo</t>" in out
    assert out == held_whole(xml).xml()


def test_a_cdata_section_cut_at_a_piece_edge_is_kept_and_the_part_edited_whole(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    xml = sheet(ROWS.replace("<t>Cy</t>", "<t><![CDATA[Cy & <co>]]></t>"))
    piece = xml.index(b"<![CDATA[") + 4
    edit = in_pieces(monkeypatch, tmp_path, xml, piece,
                     whole=lambda: xml)  # not the plain form: read whole, as ever
    assert b"<t><![CDATA[Cy & <co>]]></t>" in written(edit)
    assert written(edit) == held_whole(xml).xml()


def test_the_end_of_the_cell_data_cut_at_a_piece_edge_gets_the_new_rows_before_it(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    xml = sheet()
    piece = xml.index(b"</sheetData>") + 5
    out = written(in_pieces(monkeypatch, tmp_path, xml, piece))
    assert out.endswith(b'<row r="6"><c r="A6" s="2" t="inlineStr"><is><t>new</t></is></c>'
                        b'</row></sheetData><pageMargins left="0.7"/></worksheet>')
    assert out == held_whole(xml).xml()


def test_the_cell_data_start_tag_cut_at_a_piece_edge_is_found(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    xml = sheet().replace(b"<sheetData>", b"<sheetData\n   >")
    piece = xml.index(b"<sheetData") + 11  # the name and the line break, not the tag's end
    assert written(in_pieces(monkeypatch, tmp_path, xml, piece)) == held_whole(xml).xml()


def test_whatever_the_piece_size_the_part_is_edited_as_one_held_whole(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    xml = sheet()
    expected = held_whole(xml).xml()
    for piece in range(1, len(xml) + 2, 3):
        assert written(in_pieces(monkeypatch, tmp_path, xml, piece)) == expected, piece


def test_the_size_given_first_is_the_length_written(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    edit = in_pieces(monkeypatch, tmp_path, sheet(), 17)
    assert edit.size() == len(written(edit)) == len(edit.xml())


def test_owned_cells_already_right_leave_a_part_read_in_pieces_unchanged(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    xml = sheet()
    edit = in_pieces(monkeypatch, tmp_path, xml, 23, {3: {2: CellWrite(7, None)}})
    assert not edit.changed()
    assert written(edit) == xml


def test_one_changed_cell_makes_a_part_read_in_pieces_changed(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    edit = in_pieces(monkeypatch, tmp_path, sheet(), 23, {3: {2: CellWrite(8, None)}})
    assert edit.changed()


def test_the_elements_after_the_cell_data_are_edited_at_their_place(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    xml = sheet()
    edits = [in_pieces(monkeypatch, tmp_path, xml, 29), held_whole(xml)]
    for edit in edits:
        edit.grow_dimension()
        edit.set_header_note("B1 C1", "owned")
        edit.ensure_column_widths({1: 12.0})
    assert written(edits[0]) == edits[1].xml()
    assert b"<dataValidations" in written(edits[0])


def test_rows_appended_to_a_log_read_in_pieces_go_below_a_row_cut_between_pieces(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rows = ROWS + '<row r="5" s="3" customFormat="1"><c r="A5" s="3"/></row>'
    xml = sheet(rows)
    piece = xml.index(b'<row r="5"') + 9  # the formatted empty row past the last read row
    records = [{0: CellWrite("call", None)}, {0: CellWrite("text", None)}]
    edits = [in_pieces(monkeypatch, tmp_path, xml, piece, {}, keep_after=3),
             held_whole(xml, {}, keep_after=3)]
    assert [edit.append_rows(records) for edit in edits] == [(4, 5), (4, 5)]
    assert written(edits[0]) == edits[1].xml()


def test_the_selected_tab_mark_leaves_a_part_read_in_pieces(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    xml = sheet()
    edit = in_pieces(monkeypatch, tmp_path, xml, 31)
    expected = SELECTED.sub("", held_whole(xml).xml().decode(), count=1).encode()
    assert edit.drop_first(SELECTED, 4000)
    assert written(edit) == expected


def test_a_sheet_with_two_rows_of_one_number_is_refused_as_when_read_whole(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    xml = sheet(ROWS + '<row r="3"/>')
    with pytest.raises(CannotPreserve, match="two rows numbered 3"):
        in_pieces(monkeypatch, tmp_path, xml, 19, whole=lambda: xml)


def test_a_malformed_piece_of_cell_data_is_refused(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    xml = sheet(ROWS.replace("<v>7</v>", "<v>7</w>"))
    with pytest.raises(CannotPreserve, match="not well-formed") as whole:
        held_whole(xml)
    with pytest.raises(CannotPreserve, match="not well-formed") as pieces:
        in_pieces(monkeypatch, tmp_path, xml, 19, whole=lambda: xml)
    assert str(pieces.value) == str(whole.value)


def sync_twice(starter: Path, folder: Path, monkeypatch: pytest.MonkeyPatch,
               streamed_from: int) -> dict[str, bytes]:
    """A copy of the starter workbook synced, three Done ticks later synced a week on
    (Interactions appended): its parts."""
    from tests.golden_books import TICKED, parts, tick_done

    monkeypatch.setattr(xlsx, "STREAMED_FROM", streamed_from)
    monkeypatch.setattr(zip_entries, "PIECE", 211)
    folder.mkdir()
    path = folder / starter.name
    shutil.copy(starter, path)
    assert sync_workbook(str(path), load_config(), DAY).written
    tick_done(path, TICKED)
    report = sync_workbook(str(path), load_config(), date(2026, 11, 30))
    assert report.written and report.done_logged == TICKED
    return parts(path)


def test_a_sync_with_its_sheets_in_pieces_writes_the_workbook_written_whole(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    starter = tmp_path / "sample.xlsx"
    write_starter_workbook(starter, lang="en", sample=True, today=DAY)
    pieces = sync_twice(starter, tmp_path / "pieces", monkeypatch, 0)
    whole = sync_twice(starter, tmp_path / "whole", monkeypatch, 1 << 40)
    assert list(pieces) == list(whole)
    assert [name for name in pieces if pieces[name] != whole[name]] == []
