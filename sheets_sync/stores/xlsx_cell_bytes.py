"""A row's owned cells as the bytes `ooxml.cell_xml` writes, made without a Python step per cell.

A sync writes the same few columns on every Contacts row, and each column repeats a few values
(a tier, a lifecycle, a date) down the sheet. Each column keeps the bytes of a cell by value,
with the row number left as a placeholder; a row's cells are then two C-level lookups per cell
(its value's type, then the value), one join and one replace. `SheetEdit` takes rows given
this way (`encoded`) on its plain path.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sheets_sync.stores.ooxml import SAME_WHEN_EQUAL, TEXT_KEPT, cell_tail, col_letter

ROW = b"\x00"  # stands for a cell's row number and the reference's closing quote
SEPARATOR = b"\x01"  # between a row's cells
# Neither byte can be in a cell's XML: xml_spans.escape drops every control character XML
# forbids, and numbers and dates print none.

_KEPT = 20_000  # distinct values a column keeps; more are made again when asked


class _Room:
    """How many more cells a column may keep, shared by the dicts of its values' types."""

    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = _KEPT


class _TypeCells(dict[Any, bytes]):
    """value -> the cell's bytes with ROW for its row, for the values of one type in one column.
    Only values whose equal ones are written alike are kept (cell_xml's rule); a Decimal or an
    aware datetime is made each time it is asked for. When the column has no room left, this
    type's cells are let go first."""

    def __init__(self, head: bytes, kind: type, style: int, date1904: bool, room: _Room) -> None:
        super().__init__()
        self._head, self._kind, self._style, self._date1904 = head, kind, style, date1904
        self._room = room

    def __missing__(self, value: Any) -> bytes:
        tail = cell_tail(value, self._style, self._date1904)
        cell = self._head + tail.encode() if tail else b""
        kind = self._kind
        if (kind in SAME_WHEN_EQUAL and (kind is not str or len(value) <= TEXT_KEPT)) or (
                kind is datetime and value.tzinfo is None):
            room = self._room
            if not room.left:
                room.left += len(self)
                self.clear()
            if room.left:
                room.left -= 1
                self[value] = cell
        return cell


class _ColumnCells(dict[type, _TypeCells]):
    """value's type -> that type's cells in the column. The type keeps 1, 1.0 and True apart;
    a cell is then two lookups by keys that exist already (a (type, value) key made for each
    cell took a third of the time of making a row's cells)."""

    def __init__(self, column: int, style: int, date1904: bool) -> None:
        super().__init__()
        self._head = b'<c r="' + col_letter(column).encode() + ROW
        self._style, self._date1904 = style, date1904
        self._room = _Room()

    def __missing__(self, kind: type) -> _TypeCells:
        cells = self[kind] = _TypeCells(self._head, kind, self._style, self._date1904,
                                        self._room)
        return cells


class RowCells:
    """The owned cells of rows given as {column key: value}, in column order."""

    def __init__(self, places: Mapping[str, tuple[int, int]], date1904: bool) -> None:
        """`places`: column key -> (0-based column, style index)."""
        keys = sorted(places, key=lambda key: places[key][0])
        self.keys = keys
        self.columns = tuple(places[key][0] for key in keys)
        self._cells = [_ColumnCells(*places[key], date1904) for key in keys]
        self._pick: Callable[[Mapping[str, Any]], Sequence[Any]]
        if len(keys) > 1:
            self._pick = operator.itemgetter(*keys)
        else:
            self._pick = lambda values: tuple(values[key] for key in keys)

    def encoded(self, values: Mapping[str, Any]) -> bytes | None:
        """The row's cells joined by SEPARATOR (b"" for a cell not written), each with ROW where
        its row number goes; None unless `values` has exactly these keys and every value can
        be looked up (is hashable)."""
        if len(values) != len(self.keys):
            return None
        try:
            row = self._pick(values)
            by_type = map(dict.__getitem__, self._cells, map(type, row))
            return SEPARATOR.join(map(dict.__getitem__, by_type, row))
        except (KeyError, TypeError):
            return None
