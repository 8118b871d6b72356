"""Issue 12 (speed): a read keeps each table by column and each distinct value once, and checks
a sheet's XML a piece at a time; what it reads is what the row-by-row read gave."""

from __future__ import annotations

from datetime import date
from xml.parsers import expat

import openpyxl
import pytest
import python_calamine

from sheets_sync.cli import main
from sheets_sync.core.model import FORMULA_WITHOUT_VALUE
from sheets_sync.core.rows import Rows, ValueMemo, by_number, last_row
from sheets_sync.core.tables import grid_to_table, used_width
from sheets_sync.stores.xlsx import XlsxStore
from sheets_sync.stores.xlsx_read import SheetScan, blank_formulas, cut, extent
from tests.package_books import TODAY, base_book, corrupt_part, parts, rewrite, sheet_part

HEADERS = ["ID", "Name", "Phone", "Last contact", "NPS"]


def test_a_table_iterates_as_rows_of_values_under_its_header() -> None:
    grid = [["My contacts", "", "", "", ""], HEADERS, ["C1", "Ann", "", date(2026, 1, 5), 9.0],
            ["", " ", "", "", ""], ["C2", "Bo", "+60123", "", ""]]
    table = grid_to_table("Contacts", "contacts", grid)
    assert table.header_row == 2 and table.headers == HEADERS
    assert list(table.rows) == [(3, ["C1", "Ann", "", date(2026, 1, 5), 9.0]),
                                (5, ["C2", "Bo", "+60123", "", ""])]
    assert table.rows[-1] == (5, ["C2", "Bo", "+60123", "", ""])


def test_equal_values_on_many_rows_and_tabs_are_one_object() -> None:
    memo = ValueMemo()
    contacts = grid_to_table("Contacts", "contacts", [
        HEADERS, ["C1", "Ann", "", date(2026, 1, 5), 9.0],
        ["C2", "Bo", "", date(2026, 1, 5), 9.0]], memo)
    interactions = grid_to_table("Interactions", "interactions", [
        ["Date", "Contact ID"], [date(2026, 1, 5), "".join(["C", "1"])]], memo)
    first, second = contacts.rows.columns[3]
    assert first is second
    assert contacts.rows.columns[4][0] is contacts.rows.columns[4][1]
    assert interactions.rows.columns[1][0] is contacts.rows.columns[0][0]
    assert interactions.rows.columns[0][0] is first


def test_values_equal_in_python_but_not_one_cell_stay_apart() -> None:
    table = grid_to_table("Contacts", "contacts",
                          [["Name", "NPS"], ["A", 1.0], ["B", True], ["C", 1], ["D", -0.0],
                           ["E", 0.0]])
    values = table.rows.columns[1]
    assert [type(v) for v in values] == [float, bool, int, float, float]
    assert str(values[3]) == "-0.0" and str(values[4]) == "0.0"


def test_a_formula_cell_showing_nothing_reads_as_blank_and_is_remembered() -> None:
    table = grid_to_table("Contacts", "contacts",
                          [["ID", "Name"], [FORMULA_WITHOUT_VALUE, "Ann"]])
    assert list(table.rows) == [(2, [None, "Ann"])]
    assert table.formula_cells == frozenset({(2, 0)})
    assert table.used_width == 2


def test_the_width_in_use_counts_every_row_the_grid_has() -> None:
    grid = [["ID", "Name", "", ""], ["C1", "Ann", "", ""], ["", "", "", " "]]
    assert grid_to_table("Contacts", "contacts", grid).used_width == used_width(grid) == 4


def test_rows_of_different_lengths_read_none_past_their_end() -> None:
    rows = Rows.of([(2, ["a", "b"]), (3, ["c"]), (4, ["d", "e", "f"])])
    assert list(rows) == [(2, ["a", "b"]), (3, ["c"]), (4, ["d", "e", "f"])]
    assert list(rows.column(1)) == ["b", None, "e"] and list(rows.column(2)) == [None, None, "f"]
    assert list(rows.column(5)) == [None, None, None]
    assert rows.select([2, 0]) == [(4, ["d", "e", "f"]), (2, ["a", "b"])]


def test_appended_rows_are_read_like_the_others() -> None:
    table = grid_to_table("Interactions", "interactions",
                          [["Date", "Contact ID"], [date(2026, 1, 5), "C1"]])
    table.rows.append((3, [date(2026, 1, 6), "C2"]))
    assert list(table.rows.column(1)) == ["C1", "C2"] and len(table.rows) == 2
    assert last_row(table.rows, table.header_row) == 3


def test_rows_by_number_are_the_later_row_with_that_number() -> None:
    rows = Rows.of([(2, ["a"]), (3, ["b"]), (2, ["c"])])
    assert dict(by_number(rows)) == dict(list(rows)) == {2: ["c"], 3: ["b"]}


def test_a_sheet_starting_right_of_a1_reads_as_from_a1(tmp_path) -> None:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "Contacts"
    sheet["C3"], sheet["D3"], sheet["E3"] = "ID", "Name", "Phone"
    sheet["C4"], sheet["D4"], sheet["E4"] = "C1", "Ann", "+60123456789"
    sheet["D6"] = "Bo"
    path = tmp_path / "book.xlsx"
    wb.save(path)
    table = XlsxStore(path).read().tables["contacts"]
    grid = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(
        "Contacts").to_python(skip_empty_area=False)
    assert table.header_row == 3 and table.headers == ["", "", "ID", "Name", "Phone"]
    assert list(table.rows) == [(4, grid[3]), (6, grid[5])]
    assert table.used_width == 5


def test_a_sheet_measured_in_pieces_measures_as_a_whole(tmp_path) -> None:
    def formulas(_wb, sheet) -> None:
        for row in range(1, 6):
            sheet.write_formula(row, 25, "=A1&B1", None, "")

    path = base_book(tmp_path / "book.xlsx", formulas)
    xml = parts(path)[sheet_part(path, "Contacts")]
    scan = SheetScan()
    start = 0
    for end in range(0, len(xml), 97):  # pieces ending at each cell or row end found
        at = cut(xml[start:end])
        if at:
            scan.feed(xml[start:start + at])
            start += at
    scan.feed(xml[start:])
    assert scan.extent() == extent(xml)
    assert scan.formulas == list(blank_formulas(xml)) and scan.formulas


def test_a_malformed_sheet_longer_than_a_piece_names_the_place_a_whole_parse_names(
        tmp_path, capsys) -> None:
    path = base_book(tmp_path / "book.xlsx")
    part = sheet_part(path, "Contacts")
    padding = b"<!--" + b" " * (3 << 20) + b"-->"

    def break_it(files: dict[str, bytes]) -> dict[str, bytes]:
        files[part] = files[part].replace(b"<sheetData>", padding + b"<sheetData>").replace(
            b"</sheetData>", b"")
        return files

    rewrite(path, break_it)
    xml = parts(path)[part]
    with pytest.raises(expat.ExpatError) as whole:
        expat.ParserCreate().Parse(xml, True)
    assert main(["sync", str(path), "--today", TODAY.isoformat()]) == 2
    line = capsys.readouterr().err
    assert f"(line {whole.value.lineno}, column {whole.value.offset})" in line



@pytest.mark.parametrize("tab", ["Contacts", "My notes"])
def test_a_tab_whose_part_cannot_be_unpacked_is_refused_read_or_not(tmp_path, capsys, tab):
    def notes(wb, _sheet) -> None:
        extra = wb.add_worksheet("My notes")
        for row in range(400):
            extra.write_row(row, 0, [f"note {row * 7919 % 1000}", row * 31 % 97, "kept"])

    path = base_book(tmp_path / "book.xlsx", notes)
    part = sheet_part(path, tab)
    corrupt_part(path, part)
    assert main(["sync", str(path), "--today", TODAY.isoformat()]) == 2
    line = capsys.readouterr().err
    assert part in line and "cannot be unpacked" in line


def test_a_sync_lets_go_of_the_cells_it_built_the_book_from(tmp_path) -> None:
    from sheets_sync.config import load_config
    from sheets_sync.core.plan import build_plan
    from sheets_sync.core.vocabulary import OWNED_COLUMNS

    path = base_book(tmp_path / "book.xlsx")
    data = XlsxStore(path).read()
    result = build_plan(data, load_config(), TODAY, release_read_cells=True)
    contacts = data.tables["contacts"]
    assert contacts.headers and len(contacts.rows) == len(result.book.contacts)
    assert all(value is None for _, values in contacts.rows for value in values)
    assert not set(OWNED_COLUMNS) & {h.casefold() for h in contacts.headers}
    interactions = data.tables["interactions"]
    assert all(value is None for _, values in interactions.rows for value in values)


def test_a_plan_that_does_not_release_the_cells_can_be_made_again(tmp_path) -> None:
    from sheets_sync.config import load_config
    from sheets_sync.core.plan import build_plan

    data = XlsxStore(base_book(tmp_path / "book.xlsx")).read()
    first = build_plan(data, load_config(), TODAY)
    again = build_plan(data, load_config(), TODAY)
    assert first.changes == again.changes


def test_the_owned_columns_stay_for_the_store_to_compare_the_plan_with(tmp_path) -> None:
    from sheets_sync.config import load_config
    from sheets_sync.core.plan import build_plan
    from sheets_sync.core.tables import column_keys

    path = base_book(tmp_path / "book.xlsx")
    store = XlsxStore(path)
    assert store.apply(build_plan(store.read(), load_config(), TODAY).changes)
    store = XlsxStore(path)
    data = store.read()
    tiers = column_keys("contacts", data.tables["contacts"].headers)["tier"]
    before = list(data.tables["contacts"].rows.column(tiers))
    result = build_plan(data, load_config(), TODAY, release_read_cells=True)
    assert list(data.tables["contacts"].rows.column(tiers)) == before and any(before)
    assert not store.apply(result.changes)  # nothing changed: the same day's plan again
