"""Turn a tab's grid of values into a `Table`: find the header row, keep rows with data; and
where the owned Contacts columns are or go.

Shared by every store, so Excel, Google Sheets and memory read and place the same way.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence, Sized
from itertools import chain, compress, islice
from typing import Any

from sheets_sync.core.model import FORMULA_WITHOUT_VALUE, Table, WorkbookData
from sheets_sync.core.rows import ROW_CODE, Rows, ValueMemo
from sheets_sync.core.vocabulary import (
    CONTACT_COLUMNS,
    INTERACTION_COLUMNS,
    ISSUE_COLUMNS,
    LANGS,
    OWNED_COLUMNS,
    SETTINGS_COLUMNS,
    TABS,
    TODAY_COLUMNS,
    TRANSACTION_COLUMNS,
    build_index,
    normalise,
)
from sheets_sync.errors import UserError

READ_TABS = ("contacts", "interactions", "transactions", "today", "metrics_history", "themes",
             "settings", "greetings")
HEADER_SEARCH_ROWS = 10  # people sometimes put a title or a blank line above the header

COLUMNS_BY_TAB: dict[str, Mapping[str, Mapping[str, tuple[str, ...]]]] = {
    "contacts": {**CONTACT_COLUMNS, **OWNED_COLUMNS},
    "interactions": INTERACTION_COLUMNS,
    "transactions": TRANSACTION_COLUMNS,
    "today": TODAY_COLUMNS,
    "greetings": TODAY_COLUMNS,  # the same columns: its Done ticks are harvested the same way
    "issues": ISSUE_COLUMNS,
    "settings": SETTINGS_COLUMNS,
}
_TAB_INDEX = build_index(TABS)
_COLUMN_INDEXES = {tab: build_index(columns) for tab, columns in COLUMNS_BY_TAB.items()}


def tab_key(name: str) -> str | None:
    """The canonical key of a tab name in any supported language, or None for a person's own tab."""
    return _TAB_INDEX.get(normalise(name))


def column_keys(tab: str, headers: Sequence[Any]) -> dict[str, int]:
    """Canonical column key -> 0-based index, for the headers the tab's vocabulary knows.

    The first occurrence of a header wins; a later duplicate is left alone (and reported by
    validation) so a person's second "Phone" column is never mistaken for ours.
    """
    index = _COLUMN_INDEXES.get(tab, {})
    found: dict[str, int] = {}
    for position, header in enumerate(headers):
        key = index.get(normalise(header)) if _is_text(header) else None
        if key and key not in found:
            found[key] = position
    return found


def find_header_row(tab: str, grid: Sequence[Sequence[Any]]) -> int:
    """0-based index of the row with the most known headers among the first rows (0 if none)."""
    index = _COLUMN_INDEXES.get(tab, {})
    best, best_hits = 0, 0
    for position, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        hits = len({index[normalise(v)] for v in row if _is_text(v) and normalise(v) in index})
        if hits > best_hits:
            best, best_hits = position, hits
    return best


def grid_to_table(name: str, tab: str, grid: Iterable[Sequence[Any]],
                  memo: ValueMemo | None = None) -> Table:
    """Header row plus every non-empty row under it, values aligned with the headers.

    `grid` is read once, row by row (a store may make each row only when asked), and the rows
    are kept by column (core/rows.py), each distinct value once: `memo` is shared by the tabs
    of one read, so an ID typed on Contacts and on Interactions is one object."""
    memo = ValueMemo() if memo is None else memo
    source = iter(grid)
    head = list(islice(source, HEADER_SEARCH_ROWS))
    header_at = find_header_row(tab, head)
    headers = [_header_text(v) for v in head[header_at]] if head else []
    width = max((_row_width(values) for values in head[: header_at + 1]), default=0)
    rows = Rows()
    formulas: set[tuple[int, int]] = set()
    body = chain(head[header_at + 1:], source)
    first = header_at + 2  # the sheet row of the batch's first row
    size = len(grid) - first + 1 if isinstance(grid, Sized) else 0
    filling = _Filling(size) if size > _BATCH else None
    found = column_keys(tab, headers)
    keep = {found[key]: True for key in _SHARED.get(tab, ()) if key in found}
    while batch := list(islice(body, _BATCH)):
        if len(set(map(len, batch))) == 1:  # as every reader gives: one batch, by column
            numbers, columns, width = _by_column(first, batch, memo, formulas, width, keep)
            if filling is not None and not filling.add(numbers, columns):
                rows, filling = filling.rows(), None
            if filling is None and numbers:
                rows.extend_uniform(numbers, columns)
            del numbers, columns
        else:
            if filling is not None:
                rows, filling = filling.rows(), None
            width = _add_rows(rows, first, batch, memo, formulas, width)
        first += len(batch)
        # Let go of the batch's rows before the next batch is read: the next rows' values then
        # take the room of this batch's repeats, rather than new room beside them.
        del batch
    if filling is not None:
        rows = filling.rows()
    for col in range(rows.width - 1, width - 1, -1):
        if not _all_blank(rows.columns[col]):
            width = col + 1
            break
    width = max([width, *(col + 1 for _, col in formulas)])
    return Table(name=name, header_row=header_at + 1, headers=headers, rows=rows,
                 formula_cells=frozenset(formulas), used_width=width)


_BATCH = 4096  # rows turned column-wise at once: C-speed transposing, a bounded copy
# Columns whose values the memo keeps even when each row has its own: the IDs that the other
# tabs repeat (an Interactions row's Contact ID is then the Contacts row's string).
_SHARED = {"contacts": ("id",)}
_MARK = type(FORMULA_WITHOUT_VALUE)


class _Filling:
    """Columns of one width filled a batch at a time into lists made once, as long as the
    grid: a list grown by appending is copied each time it outgrows its room and keeps up to
    an eighth more room than it holds, which at 100,000s of rows leaves holes behind."""

    def __init__(self, size: int) -> None:
        self.size, self.count = size, 0
        self.numbers = array(ROW_CODE)
        self.columns: list[list[Any]] = []

    def add(self, numbers: Sequence[int], columns: list[list[Any]]) -> bool:
        """Add the rows; False (and nothing added) when they do not fit."""
        if not numbers:
            return True
        if not self.columns:
            self.columns = [[None] * self.size for _ in columns]
        end = self.count + len(numbers)
        if len(columns) != len(self.columns) or end > self.size:
            return False
        for column, values in zip(self.columns, columns, strict=True):
            column[self.count:end] = values
        self.numbers.extend(numbers)
        self.count = end
        return True

    def rows(self) -> Rows:
        for column in self.columns:
            del column[self.count:]
        return Rows(self.numbers, self.columns)


def _by_column(first: int, batch: list[Sequence[Any]], memo: ValueMemo,
               formulas: set[tuple[int, int]], width: int, keep: dict[int, bool]
               ) -> tuple[Sequence[int], list[list[Any]], int]:
    """The sheet rows and the columns of a batch of rows of one length, blank rows left out
    and formula cells showing nothing read as None (and remembered in `formulas`), with the
    width in use so far. The per-cell work (types, the blank test, the memo) is C-speed `map`s
    over each column; Python looks only at the few rows whose first cell is blank and at the
    cells of formulas showing nothing. `keep` says, per column, whether the memo keeps its
    new values; a column not in it yet keeps them when its values repeat in this batch (a
    column of one value per row, names or e-mails, would only grow the memo)."""
    if not batch[0]:
        return (), [], width  # rows without cells: blank, and no wider than any
    columns = zip(*batch, strict=True)  # one column at a time: one column's copy at once
    head = next(columns)
    filled = _filled(head, set(map(type, head)))
    for position in [p for p, value in enumerate(filled) if not value]:
        values = batch[position]
        if _has_value(values):  # a formula cell is never blank
            filled[position] = True
        else:
            width = max(width, _row_width(values))
    every = all(filled)
    numbers = range(first, first + len(batch)) if every else list(
        compress(range(first, first + len(batch)), filled))
    kept: list[list[Any]] = []
    if not numbers:
        return numbers, kept, width
    for col, column in enumerate(chain([head], columns)):
        kinds = set(map(type, column))
        if _MARK in kinds:  # rare: look at each cell only then
            column = list(column)
            for position, value in enumerate(column):
                if value is FORMULA_WITHOUT_VALUE:
                    formulas.add((first + position, col))
                    column[position] = None
            kinds.discard(_MARK)
            kinds.add(type(None))
        if not every:
            column = list(compress(column, filled))
        if col not in keep:
            keep[col] = _repeats(column)
        kept.append(memo.column(column, kinds, keep[col]))
    return numbers, kept, width


def _repeats(column: Sequence[Any]) -> bool:
    """Whether some value comes twice in `column`."""
    try:
        return len(set(column)) < len(column)
    except TypeError:  # an unhashable value: say so, and the memo keeps the rest
        return True


def _filled(column: Sequence[Any], kinds: set[type]) -> list[bool]:
    """Per cell, whether it is not blank (None, or a text of spaces)."""
    if str not in kinds and type(None) not in kinds:
        return [True] * len(column)
    if kinds == {str}:
        return list(map(bool, map(str.strip, column)))
    return [not _blank(value) for value in column]


def _add_rows(rows: Rows, first: int, batch: list[Sequence[Any]], memo: ValueMemo,
              formulas: set[tuple[int, int]], width: int) -> int:
    """Append the rows with a value, a formula cell showing nothing read as None (and
    remembered in `formulas`); returns the width in use so far, blank rows counted."""
    numbers: list[int] = []
    kept: list[Sequence[Any]] = []
    for row, values in enumerate(batch, first):
        if not _has_value(values):  # a formula cell is never blank
            width = max(width, _row_width(values))
            continue
        if FORMULA_WITHOUT_VALUE in values:  # rare: look at each cell only then
            values = list(values)
            for col, value in enumerate(values):
                if value is FORMULA_WITHOUT_VALUE:
                    formulas.add((row, col))
                    values[col] = None
        numbers.append(row)
        kept.append(values)
    _add(rows, numbers, kept, memo)
    return width


def _add(rows: Rows, numbers: list[int], batch: list[Sequence[Any]], memo: ValueMemo) -> None:
    """Append a batch of rows, by column when they are one width (as every reader gives)."""
    if not batch:
        return
    width = len(batch[0])  # a kept row has a cell
    if all(len(values) == width for values in batch):
        rows.extend_uniform(numbers, [memo.column(column) for column in zip(*batch, strict=True)])
        return
    for row, values in zip(numbers, batch, strict=True):
        rows.append((row, memo.column(values)))


_BLANK_CELLS = frozenset({None, ""})


def _all_blank(column: Sequence[Any]) -> bool:
    """Whether every cell is None or "" (a text of spaces is not)."""
    try:
        return _BLANK_CELLS.issuperset(column)
    except TypeError:  # an unhashable value: not blank
        return False


def _has_value(values: Sequence[Any]) -> bool:
    for value in values:
        if value is None or (isinstance(value, str) and value.strip() == ""):
            continue
        return True
    return False


def _row_width(values: Sequence[Any]) -> int:
    """Cells in use in one row: up to its last cell that is not None or ""."""
    for position in range(len(values) - 1, -1, -1):
        if values[position] not in (None, ""):
            return position + 1
    return 0


def owned_positions(
    headers: Sequence[Any], width: int, keys: Iterable[str] = OWNED_COLUMNS
) -> tuple[dict[str, int], dict[str, int]]:
    """Where each owned Contacts column is (found by its header, in any language) or goes
    (appended at the right of the last used column, so a person's unlabeled data is never
    overwritten).

    Returns (positions, appended), where appended holds the columns that get a new header.
    """
    found = column_keys("contacts", headers)
    positions: dict[str, int] = {}
    appended: dict[str, int] = {}
    next_free = max(width, len(headers))
    for key in keys:
        if key in found:
            positions[key] = found[key]
        else:
            positions[key] = appended[key] = next_free
            next_free += 1
    return positions, appended


def used_width(grid: Sequence[Sequence[Any]]) -> int:
    """Columns in use: up to the last non-blank cell of any row (readers pad rows with blanks)."""
    width = 0
    for row in grid:
        for position in range(len(row) - 1, width - 1, -1):
            if row[position] not in (None, ""):
                width = position + 1
                break
    return width


def classify_tabs(names: Sequence[str]) -> dict[str, str]:
    """Canonical key -> actual tab name; the first tab matching a key wins. By name only: the
    owned tabs among them are the tool's only as `owned_tabs.owned_tab_keys` says."""
    found: dict[str, str] = {}
    for name in names:
        key = tab_key(name)
        if key and key not in found:
            found[key] = name
    return found


def detect_language(headers: Sequence[Any]) -> str:
    """The language most of the Contacts headers are written in (English on a tie)."""
    counts = dict.fromkeys(LANGS, 0)
    columns = COLUMNS_BY_TAB["contacts"]
    for header in headers:
        if not _is_text(header):
            continue
        folded = normalise(header)
        for entry in columns.values():
            for lang in LANGS:
                if folded in {normalise(label) for label in entry.get(lang, ())}:
                    counts[lang] += 1
    best = max(LANGS, key=lambda lang: (counts[lang], lang == "en"))
    return best if counts[best] else "en"


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _header_text(value: Any) -> str:
    if value is None or value is FORMULA_WITHOUT_VALUE:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def workbook_data(what: str, names: Sequence[str],
                  grid_of: Callable[[str], Sequence[Sequence[Any]]],
                  mark: Mapping[str, str] | None = None) -> WorkbookData:
    """What every store's read() returns, from its tab names and a way to get a tab's grid of
    values (rows padded to one width): the tabs the tool reads as tables, their language, and
    the Contacts width. `what` names the workbook in the two refusals (no Contacts tab, no Name
    column), which are the same for every store. `mark` is the store's record of the tool's
    tabs (tab name -> key), None when the workbook has none (see core/owned_tabs.py)."""
    from sheets_sync.core.owned_tabs import OWNED_TAB_KEYS, owned_tab_keys

    keys = {k: v for k, v in classify_tabs(names).items() if k not in OWNED_TAB_KEYS}
    keys.update(owned_tab_keys(names, mark, grid_of))
    if "contacts" not in keys:
        raise UserError(f"{what} has no Contacts tab (tabs: {', '.join(names)})",
                        "rename the tab holding your contacts to 'Contacts'")
    tables: dict[str, Table] = {}
    memo = ValueMemo()  # one per read: the tabs share their values (an ID, a date)
    for key in READ_TABS:
        if key in keys:  # one tab's grid at a time: a store may hold it only while it is read
            tables[key] = grid_to_table(keys[key], key, grid_of(keys[key]), memo)
    contacts = tables["contacts"]
    width = contacts.used_width  # readers pad rows; trailing blanks are not in use
    if "name" not in column_keys("contacts", contacts.headers):
        raise UserError(f"The Contacts tab of {what} has no Name column "
                        f"(headers: {', '.join(h for h in contacts.headers if h) or 'none'})",
                        "add a header 'Name' above the contact names")
    return WorkbookData(tables=tables, tab_names=list(names), tab_keys=keys,
                        language=detect_language(contacts.headers), contacts_width=width)


def release_read_cells(data: WorkbookData) -> None:
    """Let go of the cells of the Contacts, Interactions and Transactions tables that nothing
    reads once the Book is built from them: every column but the owned Contacts columns the
    stores compare the plan with. Headers, row numbers and formula cells stay. For the one
    sync that owns `data`: a later plan from the same tables would read them blank."""
    contacts = data.tables.get("contacts")
    if contacts is not None and isinstance(contacts.rows, Rows):
        found = column_keys("contacts", contacts.headers)
        contacts.rows.release(found[key] for key in OWNED_COLUMNS if key in found)
    for key in ("interactions", "transactions"):
        table = data.tables.get(key)
        if table is not None and isinstance(table.rows, Rows):
            table.rows.release(())
