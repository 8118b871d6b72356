"""Issue 12 (speed): the read measures a sheet with one search for what is out of the ordinary,
and turns a grid into a table a column at a time; what it finds is what a cell-by-cell look
finds."""

from __future__ import annotations

import random
from datetime import date
from xml.etree import ElementTree

from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.core.cells import col_index, col_letter
from sheets_sync.core.model import FORMULA_WITHOUT_VALUE
from sheets_sync.core.tables import grid_to_table
from sheets_sync.stores.xlsx_read import SheetScan, cut, extent

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet(cells: list[bytes], head: bytes = b"") -> bytes:
    return (b'<worksheet xmlns="' + NS.encode() + b'">' + head + b"<sheetData><row>"
            + b"".join(cells) + b"</row></sheetData></worksheet>")


def cell(ref: str, before: str = "") -> bytes:
    return f'<c {before}r="{ref}"><v>1</v></c>'.encode()


def reach(xml: bytes) -> tuple[int, int, int]:
    """How far the cells reach and how many there are, cell by cell."""
    rows = cols = cells = 0
    for element in ElementTree.fromstring(xml).iter(f"{{{NS}}}c"):
        cells += 1
        ref = element.get("r", "")
        letters = ref.rstrip("0123456789")
        rows = max(rows, int(ref[len(letters):]))
        cols = max(cols, col_index(letters) + 1)
    return rows, cols, cells


def measured_in_pieces(xml: bytes, size: int) -> tuple[int, int, int]:
    scan = SheetScan()
    start = 0
    for end in range(size, len(xml), size):
        at = cut(xml[start:end])
        if at:
            scan.feed(xml[start:start + at])
            start += at
    scan.feed(xml[start:])
    return scan.extent()


def test_a_far_cell_before_the_others_is_found() -> None:
    xml = sheet([cell("AB900")] + [cell(f"{c}{r}") for r in range(1, 50) for c in "ABC"])
    assert extent(xml) == reach(xml) == (900, 28, 148)


def test_a_far_cell_among_the_others_is_found() -> None:
    refs = [f"{c}{r}" for r in range(1, 200) for c in "ABCD"]
    refs.insert(300, "ZZ12")
    refs.insert(500, "B1000000")
    xml = sheet([cell(ref) for ref in refs])
    assert extent(xml) == reach(xml) == (1000000, 702, 798)


def test_row_numbers_with_leading_zeros_are_read_as_numbers() -> None:
    xml = sheet([cell("A1"), cell("B0000007"), cell("C2"), cell("A00000000000003")])
    assert extent(xml) == reach(xml) == (7, 3, 4)


def test_column_widths_and_cells_naming_their_style_first_are_measured_too() -> None:
    cols = b'<cols><col min="1" max="3" width="12"/></cols>'
    xml = sheet([cell("A1"), cell("D9", before='s="1" '), cell("B2")], cols)
    assert extent(xml) == reach(xml) == (9, 4, 3)
    assert extent(sheet([cell("A1"), cell("C5")], cols)) == (5, 3, 2)


REFS = st.tuples(st.sampled_from([0, 1, 2, 19, 25, 26, 27, 701, 702, 16383]),
                 st.sampled_from([1, 2, 9, 10, 99, 100, 101, 9999, 100000, 100001, 1048576]),
                 st.sampled_from(["", "", "", "0", "00"]),  # leading zeros, now and then
                 st.sampled_from(["", "", "", "", 's="2" ']))  # a style named first


@settings(max_examples=300, deadline=None)
@given(st.lists(REFS, max_size=120), st.booleans(), st.integers(min_value=40, max_value=400))
def test_a_sheet_reaches_its_farthest_cell_in_any_order(refs, widths, size) -> None:
    cells = [cell(f"{col_letter(c)}{zeros}{r}", before) for c, r, zeros, before in refs]
    xml = sheet(cells, b'<cols><col min="1" max="2"/></cols>' if widths else b"")
    assert extent(xml) == reach(xml)
    assert measured_in_pieces(xml, size) == reach(xml)


HEADERS = ["ID", "Name", "Phone", "Last contact", "NPS", "Notes"]


def row_by_row(grid: list[list]) -> tuple[list[tuple[int, list]], set[tuple[int, int]], int]:
    """The table's rows, formula cells and width in use, looked at one cell at a time."""
    rows, formulas, width = [], set(), len(HEADERS)
    for number, values in enumerate(grid[1:], 2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            width = max([width] + [i + 1 for i, v in enumerate(values) if v not in (None, "")])
            continue
        for col, value in enumerate(values):
            if value is FORMULA_WITHOUT_VALUE:
                formulas.add((number, col))
        rows.append((number, [None if v is FORMULA_WITHOUT_VALUE else v for v in values]))
    for values in (v for _, v in rows):
        width = max([width] + [i + 1 for i, v in enumerate(values) if v not in (None, "")])
    return rows, formulas, width


def test_a_long_grid_reads_as_it_reads_one_cell_at_a_time() -> None:
    pick = random.Random(12)
    kinds = ["C1", "Ann", "", "", " ", None, 9.0, 0.0, -0.0, 1, True, False,
             date(2026, 1, 5), FORMULA_WITHOUT_VALUE]
    grid = [HEADERS + ["", ""]]
    for number in range(9000):  # more than two batches
        values = [pick.choice(kinds) for _ in range(len(HEADERS) + 2)]
        if number % 7 == 0:
            values = ["", " ", "", None, "", "", "", " " if number % 2 else ""]  # blank
        elif number % 11 == 0:
            values[0] = " "  # a blank first cell, a value further on
        grid.append(values)
    table = grid_to_table("Contacts", "contacts", grid)
    rows, formulas, width = row_by_row(grid)
    assert [(n, [(type(v), v) for v in vs]) for n, vs in table.rows] == [
        (n, [(type(v), v) for v in vs]) for n, vs in rows]
    assert [str(v) for _, vs in table.rows for v in vs] == [str(v) for _, vs in rows for v in vs]
    assert table.formula_cells == frozenset(formulas)
    assert table.used_width == width


def test_a_row_whose_first_cell_is_blank_is_kept_for_a_value_further_on() -> None:
    grid = [HEADERS, ["C1", "Ann", "", "", "", ""], [" ", "", "", "", 7.0, ""],
            ["", "", "", "", "", ""]]
    table = grid_to_table("Contacts", "contacts", grid)
    assert [n for n, _ in table.rows] == [2, 3]


def test_a_grid_read_by_its_length_or_row_by_row_gives_one_table() -> None:
    grid = [HEADERS] + [[f"C{n}", f"Name {n}", "", date(2026, 1, 1 + n % 28), float(n % 11), ""]
                        for n in range(6000)]
    grid[4500] = ["", "", "", "", "", ""]
    sized = grid_to_table("Contacts", "contacts", grid)
    streamed = grid_to_table("Contacts", "contacts", iter(grid))
    assert list(sized.rows) == list(streamed.rows) and len(sized.rows) == 5999
    assert [len(column) for column in sized.rows.columns] == [5999] * len(HEADERS)


def test_ids_of_many_contacts_are_one_object_on_every_tab() -> None:
    from sheets_sync.core.rows import ValueMemo

    memo = ValueMemo()
    contacts = grid_to_table("Contacts", "contacts", [HEADERS] + [
        [f"C{n}", f"Name {n}", "", "", "", ""] for n in range(5000)], memo)
    interactions = grid_to_table("Interactions", "interactions", [["Date", "Contact ID"]] + [
        [date(2026, 1, 5), "".join(["C", str(n)])] for n in range(4999, -1, -1)], memo)
    ids = contacts.rows.columns[0]
    assert all(a is b for a, b in zip(interactions.rows.columns[1], reversed(ids), strict=True))
