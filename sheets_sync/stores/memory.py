"""A workbook held in memory: tabs as grids of plain values (str, int, float, bool, date, None).

The reference store: it keeps every promise of the store interface (stores/base.py) with no file
format in the way, so the contract suite (tests/store_contract.py) runs against it beside the
Excel store, and tests of the sync can run without files. `edit` is a person typing while a sync
runs, which the store then refuses to overwrite.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sheets_sync.core.model import ChangeSet, WorkbookData
from sheets_sync.core.owned_tabs import mark_after
from sheets_sync.core.tables import (
    column_keys,
    owned_positions,
    workbook_data,
)
from sheets_sync.errors import WorkbookChanged
from sheets_sync.stores.diff import Diff, diff_changes

Grid = list[list[Any]]


class MemoryStore:
    def __init__(
        self, tabs: Mapping[str, Sequence[Sequence[Any]]], location: str = "memory"
    ) -> None:
        """`tabs`: tab name -> rows of cell values, in tab order."""
        self.location = location
        self.tabs: dict[str, Grid] = {name: [list(r) for r in grid] for name, grid in tabs.items()}
        # (tab name, 1-based row, 0-based column) -> kind, for every cell the tool wrote
        self.kinds: dict[tuple[str, int, int], str] = {}
        self.version = 0  # bumped by every change, the tool's or a person's
        self.writes = 0  # applies that changed something
        self._read_version: int | None = None
        self._data: WorkbookData | None = None
        # The tool's tabs (tab name -> key), kept by every apply; None until the first one, like
        # a workbook synced before the mark existed (core/owned_tabs.py).
        self.mark: dict[str, str] | None = None

    # -- reading ---------------------------------------------------------------------------

    def read(self) -> WorkbookData:
        data = workbook_data(self.location, list(self.tabs),
                             lambda name: _rectangular(self.tabs[name]), self.mark)
        self._read_version = self.version
        self._data = data
        return self._data

    def edit(self, tab: str, row: int, col: int, value: Any) -> None:
        """A person's edit (1-based row, 0-based column), as if typed while a sync runs."""
        _set(self.tabs[tab], row, col, value)
        self.version += 1

    # -- writing ---------------------------------------------------------------------------

    def diff(self, changes: ChangeSet) -> Diff:
        return diff_changes(self._require_read(), changes)

    def apply(self, changes: ChangeSet) -> bool:
        data = self._require_read()
        if self.version != self._read_version:
            raise WorkbookChanged(f"{self.location} was changed by someone else while it was "
                                  "being synced; nothing was written", "run sync again")
        # A copy of every row: cells are plain values (text, numbers, dates), so the rows are
        # all that an apply changes, and a row copy costs a fraction of a deep copy.
        tabs = {name: [list(row) for row in grid] for name, grid in self.tabs.items()}
        kinds = dict(self.kinds)
        self._write_contacts(data, changes, tabs, kinds)
        for append in changes.appends:
            table = data.tables.get(append.tab)
            if table is None or not append.records:
                continue
            columns = column_keys(append.tab, table.headers)
            start = max([table.header_row, *(r for r, _ in table.rows)])
            for offset, record in enumerate(append.records):
                for key, value in record.items():
                    if key in columns and value not in (None, ""):
                        where = (table.name, start + 1 + offset, columns[key])
                        _set(tabs[table.name], where[1], where[2], value)
                        kinds[where] = append.kinds.get(key, "text")
        for tab in changes.tabs:
            name = changes.tab_names[tab.key]
            if name in tabs and tab.create_only:
                continue
            grid: Grid = [list(tab.headers)] if tab.headers else []
            grid += [list(row) for row in tab.rows]
            tabs[name] = grid
            kinds = {k: v for k, v in kinds.items() if k[0] != name}
            header = 1 if tab.headers else 0
            for n, row in enumerate(tab.rows):
                for c, value in enumerate(row):
                    if value is not None:
                        key = tab.columns[c].key if c < len(tab.columns) else ""
                        kind = tab.cell_kinds.get((n, key)) or (
                            tab.columns[c].kind if c < len(tab.columns) else "text"
                        )
                        kinds[(name, header + 1 + n, c)] = kind
        tabs = {name: _trimmed(grid) for name, grid in tabs.items()}
        mark = mark_after(data.tab_keys, {t.key: changes.tab_names[t.key]
                                          for t in changes.tabs if not t.create_only})
        if (tabs == {n: _trimmed(g) for n, g in self.tabs.items()} and kinds == self.kinds
                and mark == self.mark):
            return False
        self.tabs, self.kinds, self.mark = tabs, kinds, mark
        self.version += 1
        self.writes += 1
        self._read_version = None  # a second apply needs a fresh read, as with a file
        return True

    def _write_contacts(
        self,
        data: WorkbookData,
        changes: ChangeSet,
        tabs: dict[str, Grid],
        kinds: dict[tuple[str, int, int], str],
    ) -> None:
        table = data.tables["contacts"]
        grid = tabs[table.name]
        owned = changes.owned_columns
        positions, appended = owned_positions(
            table.headers, data.contacts_width, [c.key for c in owned]
        )
        for column in owned:
            if column.key in appended:
                _set(grid, table.header_row, positions[column.key], column.header or column.key)
        kind = {c.key: c.kind for c in owned}
        id_col = column_keys("contacts", table.headers).get("id")
        for write in changes.contacts:
            # The tabs are as read (apply checked the version), so the locator's row is the row.
            row = write.locator.row
            for key, value in write.values.items():
                _set(grid, row, positions[key], value)
                kinds[(table.name, row, positions[key])] = kind.get(key, "text")
            if write.assign_id and id_col is not None:
                _set(grid, row, id_col, write.assign_id)

    def _require_read(self) -> WorkbookData:
        if self._data is None or self._read_version is None:
            raise RuntimeError("read() must come before diff() and apply()")
        return self._data


def _set(grid: Grid, row: int, col: int, value: Any) -> None:
    while len(grid) < row:
        grid.append([])
    cells = grid[row - 1]
    while len(cells) <= col:
        cells.append(None)
    cells[col] = None if value == "" else value


def _rectangular(grid: Grid) -> Grid:
    """Every row padded to the widest, as spreadsheet readers return a used range."""
    width = max((len(row) for row in grid), default=0)
    return [list(row) + [None] * (width - len(row)) for row in grid]


def _trimmed(grid: Grid) -> Grid:
    """Trailing blank cells and rows dropped: they are not content."""
    rows = [list(row) for row in grid]
    for row in rows:
        while row and row[-1] in (None, ""):
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows
