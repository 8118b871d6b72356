"""Issue: a cell with a formula is never blank, whether or not the file saves its result.

openpyxl, pandas and scripts write formulas with no cached value; Excel saves "" for a formula
whose result is empty. Neither is a blank ID to fill nor free room for the owned columns."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl

from sheets_sync.core.model import FORMULA_WITHOUT_VALUE
from sheets_sync.stores.xlsx import XlsxStore
from tests.package_books import HEADERS, TODAY, base_book, parts, sheet_part, sync
from tests.sheets_api.server import SheetsApiServer


def cell_xml(path: Path, ref: str, tab: str = "Contacts") -> str:
    xml = parts(path)[sheet_part(path, tab)].decode()
    match = re.search(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', xml, re.S)
    return match.group(0) if match else ""


def openpyxl_book(path: Path, id_formulas: bool, side_formulas: bool) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Contacts"
    sheet.append(HEADERS[:4])
    for n, (name, phone) in enumerate([("Alice Tan", "+60123456789"), ("Bob Lim", None)],
                                      start=2):
        sheet.append(['="C-"&TEXT(ROW(),"0000")' if id_formulas else f"C000{n}", name, phone,
                      "Network"])
        if side_formulas:
            sheet.cell(row=n, column=5, value=f"=LEN(B{n})")  # unheaded, right of the data
    workbook.save(path)
    return path


def test_id_formulas_without_a_saved_value_get_no_new_id(tmp_path):
    path = openpyxl_book(tmp_path / "book.xlsx", id_formulas=True, side_formulas=False)
    before = {ref: cell_xml(path, ref) for ref in ("A2", "A3")}
    # no value saved: no <v>, or an empty one (openpyxl's form when lxml is installed)
    assert "<f>" in before["A2"] and ("<v>" not in before["A2"] or "<v></v>" in before["A2"])
    store = XlsxStore(path)
    data = store.read()
    assert data.tables["contacts"].formula_cells == {(2, 0), (3, 0)}
    assert sync(path)
    assert {ref: cell_xml(path, ref) for ref in ("A2", "A3")} == before
    issues = openpyxl.load_workbook(path)["Issues"]
    problems = [row[4] for row in issues.iter_rows(values_only=True)]
    assert problems.count("The ID is a formula that shows no value (none saved, empty, or an "
                          "error)") == 2


def test_owned_columns_go_right_of_an_unheaded_column_of_formulas(tmp_path):
    path = openpyxl_book(tmp_path / "book.xlsx", id_formulas=False, side_formulas=True)
    before = {ref: cell_xml(path, ref) for ref in ("E2", "E3")}
    assert XlsxStore(path).read().contacts_width == 5
    assert sync(path)
    assert {ref: cell_xml(path, ref) for ref in ("E2", "E3")} == before
    header = next(openpyxl.load_workbook(path)["Contacts"].iter_rows(values_only=True))
    assert header[4] is None and header[5] == "Tier"


def test_a_formula_whose_saved_result_is_empty_or_an_error_is_not_blank(tmp_path):
    def build(_wb, sheet):
        sheet.write_formula("A3", '=IF(B3="","","C-2")', None, "")  # Excel saves <v></v>
        sheet.write_formula("F2", '=IF(C2="","","has phone")', None, "")
        sheet.write_formula("F3", "=1/0", None, "#DIV/0!")  # calamine reads errors as ""

    path = base_book(tmp_path / "book.xlsx", build)
    refs = ("A3", "F2", "F3")
    before = {ref: cell_xml(path, ref) for ref in refs}
    assert "<v></v>" in before["A3"] and 't="e"' in before["F3"]
    assert sync(path)
    assert {ref: cell_xml(path, ref) for ref in refs} == before
    header = next(openpyxl.load_workbook(path)["Contacts"].iter_rows(values_only=True))
    assert header[5] is None and header[6] == "Tier"


def test_on_a_google_sheet_a_formula_showing_nothing_is_not_blank_either(
        api: SheetsApiServer) -> None:
    from sheets_sync.config import load_config
    from sheets_sync.core.plan import build_plan
    from tests.gsheets_books import local_store, put_grids, tab_grids

    rows = [HEADERS[:4], ["C0001", "Alice Tan", "+60123456789", "Network"],
            [None, "Bob Lim", None, "Network"]]
    key = put_grids(api, {"Contacts": rows})
    person = api.person(key)
    person.type("Contacts", "A3", '=IF(C3="","",C3)')  # shows "" for Bob
    person.type("Contacts", "E2", '=IF(C2="","",C2)')  # right of the data, unheaded
    person.type("Contacts", "E3", '=IF(C3="","",C3)')  # shows ""
    store = local_store(api, key)
    data = store.read()
    assert (3, 0) in data.tables["contacts"].formula_cells and data.contacts_width == 5
    assert store.apply(build_plan(data, load_config(), TODAY).changes)
    grid = tab_grids(f"gsheet:{key}")["Contacts"]
    assert grid[0][4] in ("", None) and grid[0][5] == "Tier"
    assert grid[2][0] is FORMULA_WITHOUT_VALUE  # still the formula, not a new ID
    formula = api.spreadsheet(key).sheet_by_title("Contacts").cell(2, 0)["userEnteredValue"]
    assert formula == {"formulaValue": '=IF(C3="","",C3)'}
