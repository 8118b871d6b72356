"""A table's rows kept by column: one list per column and an array of sheet row numbers.

A read table lives as long as the sync. Kept as (row, list) pairs, each of 100,000s of rows
costs a tuple, a list and an int besides its cells' pointers; kept by column, a row costs its
pointers and four bytes for its number. Validation reads a table a column at a time, which is
what it is stored as. Iterating still gives (1-based sheet row, list of values) pairs, made
when asked for, so every reader of `Table.rows` works unchanged.

Rows read from a grid share one object per distinct value (`ValueMemo`): a date, a number or a
text typed on many rows is held once.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from datetime import date
from typing import Any, overload


class ValueMemo:
    """One object per distinct text, date and number seen: readers make a new object for every
    cell, and equal values of one type are interchangeable. A type is its own memo (1.0, 1 and
    True are equal in Python but not one cell); a zero keeps its own object (-0.0 == 0.0)."""

    def __init__(self) -> None:
        # Texts, dates, None and non-zero floats never equal one another, so one dict keeps
        # them all. Ints and bools are never looked up in it (True == 1 == 1.0), nor zeros.
        self._plain: dict[Any, Any] = {}

    def column(self, values: Sequence[Any], kinds: Set[type] | None = None,
               keep: bool = True) -> list[Any]:
        """`values` with each text, date and non-zero float replaced by the one kept for it.
        `kinds`, when given, holds at least the type of every value (the caller's own
        `set(map(type, values))`, so a column's types are found once). With `keep` False the
        values not seen before are not kept (a column of one value per row: names, e-mails),
        so the memo holds only what may come again."""
        plain = self._plain.setdefault if keep else self._plain.get
        if kinds is None:
            kinds = set(map(type, values))
        if kinds <= _PLAIN or (kinds <= _PLAIN_OR_FLOAT and 0.0 not in values):
            return list(map(plain, values, values))  # the common column: one C-speed pass
        return [plain(v, v) if (kind := v.__class__) is str or kind is date
                or (kind is float and v)
                else v
                for v in values]


_PLAIN = frozenset({str, date, type(None)})
# Sheet row numbers and row lengths: four bytes each (a sheet has at most 1,048,576 rows, a
# Google Sheet 10 million cells), for the 100,000s of rows a read keeps through the sync.
ROW_CODE = "i"
_PLAIN_OR_FLOAT = _PLAIN | {float}  # `0.0 in` finds both zeros (equal), which stay apart


class Rows(Sequence[tuple[int, list[Any]]]):
    """Rows of one table by column. Every row is `width` cells wide unless `lengths` says
    otherwise (a store whose rows end at their last value); a missing cell reads as None."""

    __slots__ = ("numbers", "columns", "lengths")

    def __init__(self, numbers: Iterable[int] = (), columns: Sequence[list[Any]] = (),
                 lengths: Iterable[int] | None = None) -> None:
        self.numbers = array(ROW_CODE, numbers)
        self.columns: list[list[Any]] = list(columns)
        self.lengths: array[int] | None = array(ROW_CODE, lengths) if lengths is not None else None

    @classmethod
    def of(cls, pairs: Iterable[tuple[int, Sequence[Any]]]) -> Rows:
        """Rows from (row, values) pairs (a table built by hand, or read row by row)."""
        rows = cls()
        for pair in pairs:
            rows.append(pair)
        return rows

    @property
    def width(self) -> int:
        return len(self.columns)

    def column(self, col: int) -> Sequence[Any]:
        """Every row's cell in column `col` (0-based), None where a row has none."""
        if col < len(self.columns):
            return self.columns[col]
        return [None] * len(self.numbers)

    def length(self, position: int) -> int:
        return self.lengths[position] if self.lengths is not None else len(self.columns)

    def positions(self) -> dict[int, int]:
        """Sheet row number -> the position of its row (the last, should two share one)."""
        return {row: position for position, row in enumerate(self.numbers)}

    def values(self, position: int) -> list[Any]:
        """The cells of the row at `position`, as read."""
        width = self.length(position)
        return [column[position] for column in self.columns[:width]]

    def append(self, pair: tuple[int, Sequence[Any]]) -> None:
        row, values = pair
        count = len(self.numbers)
        width = len(values)
        if width != len(self.columns) and self.lengths is None and count:
            self.lengths = array(ROW_CODE, [len(self.columns)]) * count
        while len(self.columns) < width:
            self.columns.append([None] * count)
        for column, value in zip(self.columns, values, strict=False):  # longer: padded
            column.append(value)
        for column in self.columns[width:]:
            column.append(None)
        self.numbers.append(row)
        if self.lengths is not None:
            self.lengths.append(width)

    def extend_uniform(self, numbers: Sequence[int], columns: Sequence[Sequence[Any]]) -> None:
        """Add rows given by column, every one `len(columns)` cells wide."""
        if not numbers:
            return
        count = len(self.numbers)
        if not count and not self.columns:
            self.columns = [[] for _ in columns]
        if len(columns) != len(self.columns) or self.lengths is not None:
            for position, row in enumerate(numbers):
                self.append((row, [column[position] for column in columns]))
            return
        for column, values in zip(self.columns, columns, strict=True):
            column.extend(values)
        self.numbers.extend(numbers)

    def release(self, keep: Iterable[int]) -> None:
        """Let go of every column but those in `keep`: their cells read as None from now on,
        and the rows can no longer be appended to."""
        kept = set(keep)
        blank = (None,) * len(self.numbers)
        self.columns = [column if col in kept else blank  # type: ignore[misc]
                        for col, column in enumerate(self.columns)]

    def select(self, positions: Sequence[int]) -> Rows:
        """The rows at `positions`, in that order."""
        picked = Rows([self.numbers[p] for p in positions],
                      [[column[p] for p in positions] for column in self.columns],
                      [self.length(p) for p in positions] if self.lengths is not None else None)
        return picked

    def __len__(self) -> int:
        return len(self.numbers)

    @overload
    def __getitem__(self, index: int) -> tuple[int, list[Any]]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, list[Any]]]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[p] for p in range(*index.indices(len(self.numbers)))]
        if index < 0:
            index += len(self.numbers)
        if not 0 <= index < len(self.numbers):
            raise IndexError("row index out of range")
        return self.numbers[index], self.values(index)

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        for position, row in enumerate(self.numbers):
            yield row, self.values(position)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Rows({list(self)!r})"

    __hash__ = None  # type: ignore[assignment]


def as_rows(rows: Sequence[tuple[int, Sequence[Any]]]) -> Rows:
    """`rows` by column: itself when it already is."""
    return rows if isinstance(rows, Rows) else Rows.of(rows)


def last_row(rows: Sequence[tuple[int, Sequence[Any]]], floor: int) -> int:
    """The highest sheet row number among `rows`, or `floor` when it is higher."""
    if isinstance(rows, Rows):
        return max(floor, max(rows.numbers, default=floor))
    return max([floor, *(row for row, _ in rows)])


class _ByNumber(Mapping[int, list[Any]]):
    """Sheet row number -> that row's values, each made when asked for."""

    def __init__(self, rows: Rows) -> None:
        self._rows = rows
        self._at = rows.positions()

    def __getitem__(self, row: int) -> list[Any]:
        return self._rows.values(self._at[row])

    def __iter__(self) -> Iterator[int]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)


def by_number(rows: Sequence[tuple[int, Sequence[Any]]]) -> Mapping[int, Sequence[Any]]:
    """`dict(rows)` (a later row with the same number wins), without making every row's list."""
    return _ByNumber(rows) if isinstance(rows, Rows) else dict(rows)
