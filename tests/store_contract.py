"""The promises every store keeps, written once and run against each store.

tests/test_store_contract.py runs these tests once per `Backend` (Excel file in tmp_path, memory).
A new store joins by adding a Backend there: how to create a workbook from grids of values, open
a store on it (a new sync), read back what it holds, and make a person's edit while a sync runs.
Grids are compared as a person sees them (numbers as floats, midnight datetimes as dates, blank
text as blank), since each store reads values back in its own types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.config import load_config
from sheets_sync.core.model import (
    Append,
    ChangeSet,
    Column,
    ContactWrite,
    Locator,
    OwnedTab,
    WorkbookData,
    id_key,
    locator_key,
)
from sheets_sync.core.owned_tabs import owned_tab_name
from sheets_sync.core.plan import build_plan
from sheets_sync.core.vocabulary import OWNED_COLUMNS, TABS, label
from sheets_sync.errors import UserError, WorkbookChanged
from sheets_sync.stores.base import Store

Grid = list[list[Any]]
TODAY = date(2026, 11, 23)


@dataclass
class Backend:
    name: str
    create: Callable[[Path, dict[str, Grid]], Any]  # (folder, tab -> grid) -> a workbook handle
    open: Callable[[Any], Store]  # a store on the workbook, as a new sync opens it
    grids: Callable[[Any], dict[str, Grid]]  # every tab's values as the workbook holds them now
    person_edit: Callable[[Any, str, int, int, Any], None]  # (tab, 1-based row, column, value)
    refuses_edits: bool = True  # False: writes around a person's edit instead (a shared sheet)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# The workbook the tests start from, and change sets built by hand (no rules involved).

CONTACT_HEADERS = ["ID", "Name", "Phone", "Circle", "My notes"]


def book(contact_headers: list[str] | None = None, extra: Grid | None = None) -> dict[str, Grid]:
    """A title line above the header (people do that), three contacts (one without an ID), a
    person's unlabeled column past the headers, an Interactions log and a tab of the person's."""
    headers = contact_headers or CONTACT_HEADERS
    contacts: Grid = [
        ["Contacts of the Kuala Lumpur office"],
        headers,
        ["C0001", "Alice Tan", "+60123456789", "Network", "likes golf", None, "unlabeled"],
        [None, "Bob Lim", "+60123456788", "Advocate", None],
        ["C0003", "Chen Wei", None, "Network", "call after 6"],
    ]
    return {
        "Contacts": contacts + (extra or []),
        "Interactions": [
            ["Date", "Contact ID", "Channel", "Touchpoint", "Outcome", "Notes", "Owner"],
            [date(2026, 11, 1), "C0001", "call", "Chat", "answered", None, "Mei"],
        ],
        "My pipeline": [["Deal", "Value"], ["Condo", 450000]],
    }


def owned_columns(lang: str = "en") -> list[Column]:
    kinds = {"days_since_contact": "integer", "next_touch_date": "date", "completeness": "percent"}
    return [Column(k, label(v, lang), kinds.get(k, "text")) for k, v in OWNED_COLUMNS.items()]


def change_set(
    data: WorkbookData,
    tier: str = "A",
    tabs: list[OwnedTab] | None = None,
    appends: list[Append] | None = None,
) -> ChangeSet:
    """Owned values for every contact read, a new ID for a blank ID cell, an Issues tab."""
    contacts = data.tables["contacts"]
    writes = []
    for row, values in contacts.rows:
        typed = str(values[0] or "")
        writes.append(
            ContactWrite(
                key=id_key(typed) or locator_key(row),
                locator=Locator(row, typed, str(values[1] or "")),
                values={
                    "tier": tier,
                    "days_since_contact": 12,
                    "next_touch_date": date(2026, 12, 1),
                    "completeness": 0.5,
                    "row_issues": "=SUM(A1)",  # text that looks like a formula stays text
                },
                assign_id=None if typed else "C0004",
            )
        )
    tabs = [issues_tab([["Contacts", 3, "Phone"]])] if tabs is None else tabs
    return ChangeSet(
        owned_columns=owned_columns(data.language),
        contacts=writes,
        tabs=tabs,
        tab_names=tab_names_for(data, tabs),
        appends=appends or [],
    )


def tab_names_for(data: WorkbookData, tabs: list[OwnedTab]) -> dict[str, str]:
    """The names the plan gives owned tabs: the tool's own tab's, or a free one."""
    names: dict[str, str] = {}
    for tab in tabs:
        if tab.key in TABS:
            names[tab.key] = owned_tab_name(tab.key, data.language, data.tab_keys,
                                            data.tab_names, list(names.values()))
        else:
            names[tab.key] = tab.key.replace("_", " ").title()
    return names


def issues_tab(rows: Grid, create_only: bool = False) -> OwnedTab:
    return OwnedTab(
        key="issues",
        columns=[Column("tab", "Tab"), Column("row", "Row", "integer"), Column("column", "Column")],
        rows=rows,
        autofilter=True,
        create_only=create_only,
    )


def done_record(contact_id: str = "C0003") -> dict[str, Any]:
    return {"date": TODAY, "contact_id": contact_id, "channel": "sms",
            "touchpoint": "Monthly check-in [cadence_client_a]", "outcome": "answered",
            "notes": "", "owner": "Mei"}


# ---------------------------------------------------------------------------------------------
# Helpers


def normalised(value: Any) -> Any:
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    return value


def normalised_grids(grids: dict[str, Grid]) -> dict[str, Grid]:
    out: dict[str, Grid] = {}
    for name, grid in grids.items():
        rows = [[normalised(v) for v in row] for row in grid]
        for row in rows:
            while row and row[-1] is None:
                row.pop()
        while rows and not rows[-1]:
            rows.pop()
        out[name] = rows
    return out


def cell(grid: Grid, row: int, col: int) -> Any:
    """1-based row, 0-based column; None past the edge."""
    if row - 1 < len(grid) and col < len(grid[row - 1]):
        return grid[row - 1][col]
    return None


def header_col(grid: Grid, row: int, text: str) -> int:
    return [v for v in grid[row - 1]].index(text)


def synced(backend: Backend, tmp_path: Path, tabs: dict[str, Grid] | None = None) -> Any:
    """A workbook that has had one apply of the hand-built change set."""
    handle = backend.create(tmp_path, tabs or book())
    store = backend.open(handle)
    assert store.apply(change_set(store.read())) is True
    return handle


# ---------------------------------------------------------------------------------------------
# Reading


def test_read_finds_the_header_row_below_a_title_and_rows_by_sheet_row(backend, tmp_path):
    store = backend.open(backend.create(tmp_path, book()))
    data = store.read()
    contacts = data.tables["contacts"]
    assert contacts.header_row == 2
    assert contacts.headers[:5] == CONTACT_HEADERS
    assert [row for row, _ in contacts.rows] == [3, 4, 5]
    assert [normalised(values[1]) for _, values in contacts.rows] == [
        "Alice Tan", "Bob Lim", "Chen Wei"
    ]
    assert data.tab_keys["interactions"] == "Interactions"
    assert "My pipeline" in data.tab_names and data.language == "en"


def test_read_counts_a_persons_unlabeled_column_as_used(backend, tmp_path):
    data = backend.open(backend.create(tmp_path, book())).read()
    assert data.contacts_width == 7  # the "unlabeled" cell in column G


def test_read_knows_the_headers_in_another_language(backend, tmp_path):
    headers = ["编号", "姓名", "电话", "圈层", "我的备注"]
    data = backend.open(backend.create(tmp_path, book(headers))).read()
    assert data.language == "zh"
    assert data.tables["contacts"].header_row == 2


def test_a_workbook_without_contacts_is_refused(backend, tmp_path):
    store = backend.open(backend.create(tmp_path, {"Sheet1": [["Name"], ["Alice"]]}))
    with pytest.raises(UserError, match="no Contacts tab"):
        store.read()


# ---------------------------------------------------------------------------------------------
# Applying


def test_owned_columns_are_appended_right_of_the_last_used_column(backend, tmp_path):
    grids = normalised_grids(backend.grids(synced(backend, tmp_path)))
    header = grids["Contacts"][1]
    first = header.index("Tier")
    assert first == 7  # after the person's unlabeled column G
    assert header[first:first + len(OWNED_COLUMNS)] == [
        label(v, "en") for v in OWNED_COLUMNS.values()
    ]


def test_owned_values_land_on_the_row_each_contact_was_read_on(backend, tmp_path):
    contacts = normalised_grids(backend.grids(synced(backend, tmp_path)))["Contacts"]
    tier, due = header_col(contacts, 2, "Tier"), header_col(contacts, 2, "Next touch date")
    share, issues = header_col(contacts, 2, "Completeness"), header_col(contacts, 2, "Row issues")
    for row in (3, 4, 5):
        assert cell(contacts, row, tier) == "A"
        assert cell(contacts, row, due) == date(2026, 12, 1)
        assert cell(contacts, row, share) == 0.5
        assert cell(contacts, row, issues) == "=SUM(A1)"


def test_an_owned_column_is_found_by_its_header_in_any_language(backend, tmp_path):
    headers = ["编号", "姓名", "电话", "等级", "我的备注"]  # 等级: Tier, in Chinese
    tabs = book(headers)
    tabs["Contacts"][2][3] = "X"  # whatever is typed in an owned column is replaced
    contacts = normalised_grids(backend.grids(synced(backend, tmp_path, tabs)))["Contacts"]
    assert [cell(contacts, r, 3) for r in (3, 4, 5)] == ["A", "A", "A"]
    assert contacts[1][3] == "等级"  # the header as the person typed it
    assert contacts[1][7] == label(OWNED_COLUMNS["lifecycle"], "zh")  # the rest appended, in zh
    assert "Tier" not in contacts[1] and "等级" not in contacts[1][7:]


def test_a_blank_id_cell_gets_the_new_id_and_no_other_id_changes(backend, tmp_path):
    contacts = normalised_grids(backend.grids(synced(backend, tmp_path)))["Contacts"]
    assert [cell(contacts, r, 0) for r in (3, 4, 5)] == ["C0001", "C0004", "C0003"]


def test_person_cells_are_never_changed(backend, tmp_path):
    before = normalised_grids(book())
    after = normalised_grids(backend.grids(synced(backend, tmp_path)))
    assert after["My pipeline"] == before["My pipeline"]
    assert after["Interactions"] == before["Interactions"]
    owned_from = after["Contacts"][1].index("Tier")
    for number, row in enumerate(before["Contacts"], start=1):
        for col, value in enumerate(row[:owned_from]):
            if (number, col) == (4, 0):
                continue  # Bob's blank ID cell, which gets his new ID
            assert cell(after["Contacts"], number, col) == value, (number, col)


def test_owned_tabs_are_created_then_rewritten_and_create_only_tabs_kept(backend, tmp_path):
    handle = synced(backend, tmp_path)
    store = backend.open(handle)
    data = store.read()
    themes = OwnedTab("themes", [Column("month", "Month", "integer")], [[1]], create_only=True)
    assert store.apply(change_set(data, tabs=[issues_tab([["Contacts", 5, "Name"]]), themes]))
    store = backend.open(handle)
    data = store.read()
    themes_again = OwnedTab("themes", [Column("month", "Month", "integer")], [[12]],
                            create_only=True)
    store.apply(change_set(data, tabs=[issues_tab([]), themes_again]))
    grids = normalised_grids(backend.grids(handle))
    assert grids["Issues"] == [["Tab", "Row", "Column"]]
    assert grids["Themes"] == [["Month"], [1.0]]  # people own it once it exists
    assert list(grids).count("Issues") == 1


def test_appended_rows_go_under_the_last_row_in_columns_found_by_header(backend, tmp_path):
    tabs = book()
    # the person's Interactions tab: other column order, Chinese headers, a blank row inside
    tabs["Interactions"] = [
        ["客户编号", "日期", "渠道", "触达", "结果", "备注", "负责人"],
        ["C0001", date(2026, 11, 1), "call", "Chat", "answered", None, "Mei"],
        [None] * 7,
        ["C0003", date(2026, 11, 2), "visit", "Viewing", None, None, "Mei"],
    ]
    handle = backend.create(tmp_path, tabs)
    store = backend.open(handle)
    append = Append("interactions", [done_record()], {"date": "date"})
    assert store.apply(change_set(store.read(), appends=[append]))
    log = normalised_grids(backend.grids(handle))["Interactions"]
    assert log[:4] == normalised_grids(tabs)["Interactions"]
    assert log[4] == ["C0003", TODAY, "sms", "Monthly check-in [cadence_client_a]", "answered",
                      None, "Mei"]
    assert len(log) == 5


def test_a_second_apply_of_the_same_changes_is_a_no_op(backend, tmp_path):
    handle = synced(backend, tmp_path)
    before = normalised_grids(backend.grids(handle))
    store = backend.open(handle)
    assert store.apply(change_set(store.read())) is False
    assert normalised_grids(backend.grids(handle)) == before


def test_diff_says_what_would_change_and_nothing_once_applied(backend, tmp_path):
    handle = backend.create(tmp_path, book())
    store = backend.open(handle)
    changes = change_set(store.read())
    diff = store.diff(changes)
    assert diff.added_columns == [label(v, "en") for v in OWNED_COLUMNS.values()]
    assert (diff.changed_cells, diff.changed_rows) == (15, 3)
    assert [(where.row, new) for where, new in diff.assigned] == [(4, "C0004")]
    assert [(t.verb, t.name) for t in diff.tabs] == [("create", "Issues")]
    assert store.apply(changes)
    store = backend.open(handle)
    again = store.diff(change_set(store.read()))
    assert (again.added_columns, again.changed_cells, again.assigned) == ([], 0, [])
    assert [(t.verb, t.name) for t in again.tabs] == [("rewrite", "Issues")]


def test_a_persons_edit_after_reading_is_never_overwritten(backend, tmp_path):
    handle = backend.create(tmp_path, book())
    store = backend.open(handle)
    changes = change_set(store.read())
    backend.person_edit(handle, "Contacts", 5, 4, "moved to Penang")
    edited = normalised_grids(backend.grids(handle))
    if backend.refuses_edits:  # a file: the whole workbook is replaced, so it must refuse
        with pytest.raises(WorkbookChanged):
            store.apply(changes)
        assert normalised_grids(backend.grids(handle)) == edited
    else:  # a shared sheet: owned cells are written around the person's edit
        assert store.apply(changes)
    assert normalised_grids(backend.grids(handle))["Contacts"][4][4] == "moved to Penang"


# ---------------------------------------------------------------------------------------------
# Whose tab: the tool's mark, not the name

PERSONS_TODAY: Grid = [["My own list for today"], ["Call the bank", "before noon"]]
PERSONS_ISSUES: Grid = [["問題", "誰"], ["Leaking tap", "landlord"]]
TOOL_ISSUES_HEADER = ["Tab", "Row", "Column", "Value", "Problem", "Suggestion"]


def test_a_persons_tab_named_like_an_owned_tab_is_kept_and_the_tools_takes_another_name(
        backend, tmp_path):
    tabs = book()
    tabs["ISSUES "] = [row[:] for row in PERSONS_ISSUES]
    handle = backend.create(tmp_path, tabs)
    store = backend.open(handle)
    assert store.apply(change_set(store.read()))
    grids = normalised_grids(backend.grids(handle))
    assert grids["ISSUES "] == normalised_grids({"t": PERSONS_ISSUES})["t"]
    assert grids["Issues (sheets-sync)"] == [["Tab", "Row", "Column"], ["Contacts", 3.0, "Phone"]]
    store = backend.open(handle)  # the next sync finds its own tab by its mark
    data = store.read()
    assert data.tab_keys["issues"] == "Issues (sheets-sync)"
    assert store.apply(change_set(data)) is False
    assert normalised_grids(backend.grids(handle)) == grids


def test_a_translated_or_recased_owned_name_of_a_persons_tab_is_never_rewritten(
        backend, tmp_path):
    tabs = book()
    tabs["問題"] = [row[:] for row in PERSONS_ISSUES]
    tabs["today"] = [row[:] for row in PERSONS_TODAY]
    handle = backend.create(tmp_path, tabs)
    store = backend.open(handle)
    data = store.read()
    assert "issues" not in data.tab_keys and "today" not in data.tables
    today = OwnedTab("today", [Column("due", "Due", "date")], [[TODAY]])
    assert store.apply(change_set(data, tabs=[issues_tab([]), today]))
    grids = normalised_grids(backend.grids(handle))
    assert grids["問題"] == normalised_grids({"t": PERSONS_ISSUES})["t"]
    assert grids["today"] == normalised_grids({"t": PERSONS_TODAY})["t"]
    assert grids["Issues"] == [["Tab", "Row", "Column"]]
    assert grids["Today (sheets-sync)"] == [["Due"], [TODAY]]


def test_an_unmarked_owned_tab_with_the_tools_own_header_row_is_adopted(backend, tmp_path):
    tabs = book()  # as a workbook synced before the mark existed has it
    tabs["Issues"] = [TOOL_ISSUES_HEADER, ["Contacts", 9, "Phone", "x", "old", ""]]
    handle = backend.create(tmp_path, tabs)
    store = backend.open(handle)
    data = store.read()
    assert data.tab_keys["issues"] == "Issues"
    assert store.apply(change_set(data))
    grids = normalised_grids(backend.grids(handle))
    assert grids["Issues"] == [["Tab", "Row", "Column"], ["Contacts", 3.0, "Phone"]]
    assert not any(name.startswith("Issues (") for name in grids)


# ---------------------------------------------------------------------------------------------
# Through the real rules


def test_a_full_sync_through_the_rules_then_a_second_one_changes_nothing(backend, tmp_path):
    handle = backend.create(tmp_path, book())
    config = load_config()
    store = backend.open(handle)
    first = build_plan(store.read(), config, TODAY)
    assert store.apply(first.changes)
    store = backend.open(handle)
    data = store.read()
    second = build_plan(data, config, TODAY)
    diff = store.diff(second.changes)
    assert (diff.added_columns, diff.changed_cells, diff.assigned) == ([], 0, [])
    assert store.apply(second.changes) is False
    # the contact without an ID got one, keyed in the second sync by that ID
    assert "c0004" in second.classes and locator_key(4) not in second.classes


def test_a_full_sync_keeps_a_persons_today_tab_and_writes_its_own_beside_it(backend, tmp_path):
    tabs = book()
    tabs["Today"] = [row[:] for row in PERSONS_TODAY]
    handle = backend.create(tmp_path, tabs)
    config = load_config()
    store = backend.open(handle)
    assert store.apply(build_plan(store.read(), config, TODAY).changes)
    grids = normalised_grids(backend.grids(handle))
    assert grids["Today"] == normalised_grids({"t": PERSONS_TODAY})["t"]
    assert grids["Today (sheets-sync)"][0][:2] == ["Done", "Due"]
    store = backend.open(handle)
    assert store.apply(build_plan(store.read(), config, TODAY).changes) is False
