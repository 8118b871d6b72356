"""Owned cells given to a sheet edit as bytes (xlsx_cell_bytes) write the same part as the same
cells given one by one, and as the element-by-element reading writes, whatever the row's cells
look like: none of the written columns yet, all of them, some, out of order, with spaces, with
formulas."""

from __future__ import annotations

import gc
import io
import weakref
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_sync.errors import CannotPreserve
from sheets_sync.stores.ooxml import MAIN_NS, CellWrite, cell_tail, col_letter
from sheets_sync.stores.xlsx_cell_bytes import RowCells
from sheets_sync.stores.xlsx_sheet_edit import SheetEdit

HEAD = f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{MAIN_NS}">'
OWNED = {"tier": (3, 5), "due": (4, 6), "days": (5, 0)}  # key -> (column D.., style)


class Rows(Mapping[int, Mapping[int, CellWrite]]):
    """Rows of owned values, given both ways: as a mapping of cells and as bytes."""

    def __init__(self, values: dict[int, dict[str, Any]], date1904: bool = False) -> None:
        self._values = values
        self._cells = RowCells(OWNED, date1904)
        self.columns = self._cells.columns

    def __getitem__(self, row: int) -> dict[int, CellWrite]:
        return {OWNED[k][0]: CellWrite(v, OWNED[k][1]) for k, v in self._values[row].items()}

    def __iter__(self) -> Iterator[int]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def encoded(self, row: int) -> bytes | None:
        return self._cells.encoded(self._values[row]) if row in self._values else None


def sheet(rows: str, comment: str = "") -> bytes:
    return (HEAD + f"<sheetData>{comment}{rows}</sheetData></worksheet>").encode()


def three_ways(rows: str, values: dict[int, dict[str, Any]]) -> list[tuple[bytes, bool]]:
    """The part (and whether a formula was replaced) written from bytes, from cells, and
    element by element (a comment before the rows makes the edit parse every element)."""
    out = []
    for data, updates in [(sheet(rows), Rows(values)), (sheet(rows), dict(Rows(values))),
                          (sheet(rows, "<!--x-->"), dict(Rows(values)))]:
        edit = SheetEdit(data, "p", "Contacts", updates)
        out.append((edit.xml().replace(b"<!--x-->", b""), edit.replaced_formula))
    return out


def cell(column: int, row: int, body: str) -> str:
    return f'<c r="{col_letter(column)}{row}"{body}'


NAME = '<c r="A{0}" t="inlineStr"><is><t>Ana</t></is></c>'
TIER_A = ' s="5" t="inlineStr"><is><t>A</t></is></c>'


def test_a_first_sync_puts_every_owned_cell_at_the_end_of_the_row() -> None:
    values = {2: {"tier": "A", "due": date(2026, 12, 1), "days": 3}}
    written = three_ways('<row r="2" spans="1:1">' + NAME.format(2) + "</row>", values)
    assert written[0] == written[1] == written[2]
    assert written[0][0].endswith(
        b'<row r="2" spans="1:6"><c r="A2" t="inlineStr"><is><t>Ana</t></is></c>'
        b'<c r="D2" s="5" t="inlineStr"><is><t>A</t></is></c><c r="E2" s="6"><v>46357</v></c>'
        b'<c r="F2"><v>3</v></c></row></sheetData></worksheet>')


def test_a_later_sync_changes_only_the_cells_whose_value_changed() -> None:
    row = ('<row r="2">' + NAME.format(2) + cell(3, 2, TIER_A)
           + cell(4, 2, ' s="6"><v>46357</v></c>') + cell(5, 2, "><v>3</v></c>") + "</row>")
    values = {2: {"tier": "A", "due": date(2026, 12, 1), "days": 4}}
    written = three_ways(row, values)
    assert written[0] == written[1] == written[2]
    assert written[0][0] == sheet(row.replace("<v>3</v>", "<v>4</v>"))


def test_a_row_already_right_is_left_as_it_was() -> None:
    row = '<row r="2">' + NAME.format(2) + cell(3, 2, TIER_A) + cell(4, 2, ' s="6"/>') + "</row>"
    edit = SheetEdit(sheet(row), "p", "Contacts", Rows({2: {"tier": "A", "due": None,
                                                             "days": None}}))
    assert not edit.changed()


def test_a_shared_formula_in_an_owned_cell_is_refused_as_before() -> None:
    row = ('<row r="2">' + cell(3, 2, '><f t="shared" ref="D2:D3" si="0">1</f><v>1</v></c>')
           + "</row>")
    for updates in (Rows({2: {"tier": "A", "due": None, "days": None}}),
                    dict(Rows({2: {"tier": "A", "due": None, "days": None}}))):
        with pytest.raises(CannotPreserve, match="shared formula"):
            SheetEdit(sheet(row), "p", "Contacts", updates)


def test_values_that_are_not_kept_by_value_are_written_each_time() -> None:
    from decimal import Decimal

    values = {2: {"tier": Decimal("1.0"), "due": None, "days": None},
              3: {"tier": Decimal("1"), "due": None, "days": None},
              4: {"tier": ["not", "hashable"], "due": None, "days": True}}
    rows = "".join(f'<row r="{n}">' + NAME.format(n) + "</row>" for n in (2, 3, 4))
    written = three_ways(rows, values)
    assert written[0] == written[1] == written[2]
    assert b'<c r="D2" s="5" t="inlineStr"><is><t>1.0</t></is></c>' in written[0][0]
    assert b'<c r="D3" s="5" t="inlineStr"><is><t>1</t></is></c>' in written[0][0]


# Cells a person may have in a row: their own columns (A-C, G), the owned ones (D-F) holding
# anything, in any order, with spaces between.
_BODIES = st.sampled_from([
    "/>", ' s="5"/>', TIER_A, ' s="5" t="inlineStr"><is><t>B</t></is></c>',
    ' s="6"><v>46357</v></c>', "><v>3</v></c>", "><v>4</v></c>", ' t="b"><v>1</v></c>',
    "><f>1+1</f><v>2</v></c>", ' s="2"><v>3</v></c>', ' t="inlineStr"><is><t>x</t></is></c>',
])
_VALUES = st.sampled_from(["A", "B", "", None, 3, 4, 3.0, True, date(2026, 12, 1), "a & b"])


@st.composite
def _rows(draw: st.DrawFn) -> tuple[str, dict[int, dict[str, Any]]]:
    rows, values = [], {}
    owned = {column: (key, style) for key, (column, style) in OWNED.items()}
    for number in range(2, 2 + draw(st.integers(1, 4))):
        values[number] = {key: draw(_VALUES) for key in OWNED}
        columns = draw(st.lists(st.sampled_from(range(7)), unique=True, max_size=6))
        if draw(st.booleans()):
            columns.sort()
        bodies = []
        for column in columns:
            body = draw(_BODIES)
            if column in owned and draw(st.booleans()):  # the cell already as it is written
                key, style = owned[column]
                body = cell_tail(values[number][key], style) or body
            bodies.append(cell(column, number, body))
        cells = draw(st.sampled_from(["", " ", "\n  "])).join(bodies)
        rows.append(f'<row r="{number}">{cells}</row>' if cells or draw(st.booleans())
                    else f'<row r="{number}"/>')
    return "".join(rows), values


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_rows())
def test_cells_given_as_bytes_write_what_cells_given_one_by_one_write(
    case: tuple[str, dict[int, dict[str, Any]]],
) -> None:
    rows, values = case
    written = three_ways(rows, values)
    assert written[0] == written[1] == written[2]


def test_a_first_sync_edit_streams_out_the_bytes_it_builds() -> None:
    rows = "".join(f'<row r="{n}">' + NAME.format(n) + "</row>" for n in range(2, 40))
    values = {n: {"tier": "AB"[n % 2], "due": date(2026, 12, n % 28 + 1), "days": n}
              for n in range(2, 40)}
    edit = SheetEdit(sheet(rows), "p", "Contacts", Rows(values))
    out = io.BytesIO()
    edit.write(out)
    assert out.getvalue() == edit.xml() == three_ways(rows, values)[1][0]
    assert edit.size() == len(out.getvalue())
    assert edit.changed()


def test_an_edit_is_let_go_with_its_last_reference_without_the_cycle_collector() -> None:
    rows = "".join(f'<row r="{n}">' + NAME.format(n) + "</row>" for n in range(2, 5))
    values = {n: {"tier": "A", "due": None, "days": n} for n in range(2, 5)}
    enabled = gc.isenabled()
    gc.disable()  # as a sync runs
    try:
        for updates in (Rows(values), dict(Rows(values))):
            edit = SheetEdit(sheet(rows, "<!--x-->"), "p", "Contacts", updates)
            plain = SheetEdit(sheet(rows), "p", "Contacts", updates)
            gone = [weakref.ref(edit), weakref.ref(plain)]
            del edit, plain
            assert [ref() for ref in gone] == [None, None]
    finally:
        if enabled:
            gc.enable()
