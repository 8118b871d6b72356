"""What a change set would change in a workbook, from what was read: the same answer for every
store, because owned-column placement is the same everywhere (tables.owned_positions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sheets_sync.core.model import ChangeSet, Locator, WorkbookData
from sheets_sync.core.rows import by_number
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
    current = by_number(contacts.rows)  # a row's values made only for a written row
    diff = Diff(contacts.name, added_columns=[headers[k] for k in appended])
    for write in changes.contacts:
        values = current.get(write.locator.row, [])
        changed = sum(
            1
            for key, new in write.values.items()
            if not same_value(
                values[positions[key]] if positions[key] < len(values) else None, new
            )
        )
        diff.changed_cells += changed
        diff.changed_rows += bool(changed)
        if write.assign_id:
            diff.assigned.append((write.locator, write.assign_id))
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


def same_value(old: Any, new: Any) -> bool:
    """Equal as a sheet shows them: blank is blank, 3 is 3.0."""
    if old in (None, "") and new in (None, ""):
        return True
    if isinstance(new, float) and isinstance(old, (int, float)):
        return abs(old - new) < 1e-9
    if isinstance(new, int) and isinstance(old, float):
        return old == new
    return bool(old == new)
