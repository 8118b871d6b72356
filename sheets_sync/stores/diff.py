"""What a change set would change in a workbook, from what was read: the same answer for every
store, because owned-column placement is the same everywhere (tables.owned_positions)."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress, count, repeat
from operator import attrgetter, itemgetter, ne, not_
from typing import Any

from sheets_sync.core.model import ChangeSet, ContactWrite, Locator, WorkbookData
from sheets_sync.core.rows import Rows, by_number
from sheets_sync.core.tables import owned_positions


@dataclass
class TabChange:
    name: str
    verb: str  # "create" or "rewrite"
    rows: int


@dataclass
class Diff:
    contacts_tab: str
    added_columns: list[str] = field(default_factory=list)  # headers of appended owned columns
    changed_cells: int = 0  # owned Contacts cells whose value changes
    changed_rows: int = 0
    assigned: list[tuple[Locator, str]] = field(default_factory=list)  # blank ID cell -> new ID
    tabs: list[TabChange] = field(default_factory=list)
    appends: list[tuple[str, int]] = field(default_factory=list)  # (tab name, rows appended)


def diff_changes(data: WorkbookData, changes: ChangeSet) -> Diff:
    contacts = data.tables["contacts"]
    keys = [c.key for c in changes.owned_columns]
    headers = {c.key: c.header or c.key for c in changes.owned_columns}
    positions, appended = owned_positions(contacts.headers, data.contacts_width, keys)
    diff = Diff(contacts.name, added_columns=[headers[k] for k in appended])
    counted = _changed_by_column(contacts.rows, changes.contacts, positions)
    if counted is None:
        counted = _changed_by_row(contacts.rows, changes.contacts, positions)
    diff.changed_cells, diff.changed_rows = counted
    diff.assigned = [(w.locator, w.assign_id) for w in changes.contacts if w.assign_id]
    for tab in changes.tabs:
        name = changes.tab_names[tab.key]
        if tab.create_only and name in data.tab_names:
            continue
        verb = "rewrite" if name in data.tab_names else "create"
        diff.tabs.append(TabChange(name, verb, len(tab.rows)))
    for append in changes.appends:
        table = data.tables.get(append.tab)
        if table is not None and append.records:
            diff.appends.append((table.name, len(append.records)))
    return diff


def _changed_by_row(rows: Sequence[tuple[int, list[Any]]], writes: Sequence[ContactWrite],
                    positions: Mapping[str, int]) -> tuple[int, int]:
    """(owned cells changed, rows with one), each write's cells compared with its row's."""
    current = by_number(rows)  # a row's values made only for a written row
    cells = changed_rows = 0
    for write in writes:
        values = current.get(write.locator.row, [])
        changed = sum(
            1
            for key, new in write.values.items()
            if not same_value(
                values[positions[key]] if positions[key] < len(values) else None, new
            )
        )
        cells += changed
        changed_rows += bool(changed)
    return cells, changed_rows


def _changed_by_column(rows: Sequence[tuple[int, list[Any]]], writes: Sequence[ContactWrite],
                       positions: Mapping[str, int]) -> tuple[int, int] | None:
    """`_changed_by_row`'s count an owned column at a time, when every write holds the same
    keys (None otherwise). Cells equal as Python compares them are the same; a column the
    sheet does not have yet (a first sync) changes where the new value is not blank; only the
    other cells go through `same_value` (at 100,000 contacts the row-by-row count built each
    written row's 20-odd values to compare eight)."""
    if not writes or not isinstance(rows, Rows):
        return None
    keys = list(writes[0].values)
    values = list(map(_VALUES, writes))
    if set(map(len, values)) != {len(keys)}:
        return None
    missing = len(rows.numbers)  # the place of the None added for a write with no row read
    places = list(map(rows.positions().get, map(_ROW, writes), repeat(missing)))
    changed = bytearray(len(writes))  # 1 at each write with a changed cell
    cells = 0
    for key in keys:  # one column held at a time: the count runs at the sync's peak
        try:
            new = list(map(itemgetter(key), values))
        except KeyError:  # a write with other keys
            return None
        position = positions[key]
        if position >= rows.width:  # no row has the column: blank before
            found = list(compress(count(), map(not_, map(_BLANKS.__contains__, new))))
        else:
            column = [*rows.columns[position], None]
            old = list(map(column.__getitem__, places))
            found = [i for i in compress(count(), map(ne, old, new))
                     if not same_value(old[i], new[i])]
        cells += len(found)
        deque(map(changed.__setitem__, found, repeat(1)), maxlen=0)  # in C, nothing kept
    return cells, changed.count(1)


_VALUES, _ROW = attrgetter("values"), attrgetter("locator.row")
_BLANKS = (None, "")  # `same_value`'s blanks, asked in one C-level `in` per cell


def same_value(old: Any, new: Any) -> bool:
    """Equal as a sheet shows them: blank is blank, 3 is 3.0."""
    if old in _BLANKS and new in _BLANKS:
        return True
    if isinstance(new, float) and isinstance(old, (int, float)):
        return abs(old - new) < 1e-9
    if isinstance(new, int) and isinstance(old, float):
        return old == new
    return bool(old == new)
