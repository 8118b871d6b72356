"""A contact is its key, not its row: the row it was read on is only a locator beside it."""

from __future__ import annotations

from datetime import date
from typing import Any

from sheets_sync.config import load_config
from sheets_sync.core.model import Locator
from sheets_sync.core.plan import build_plan
from sheets_sync.core.validate import validate_book
from sheets_sync.stores.memory import MemoryStore
from sheets_sync.sync import describe_changes

TODAY = date(2026, 11, 23)
HEADERS = ["ID", "Name", "Phone", "Stage", "Last contact"]


def contacts_book(rows: list[list[Any]]) -> MemoryStore:
    return MemoryStore({"Contacts": [HEADERS, *rows]})


def test_the_key_is_the_id_as_matched() -> None:
    book = validate_book(contacts_book([[" C0007 ", "Alice", None, None, None]]).read().tables,
                         load_config())
    assert book.contacts[0].key == "c0007"


def test_a_blank_id_is_keyed_by_the_id_this_sync_assigns_with_where_it_was_read() -> None:
    data = contacts_book([["C0001", "Alice", None, None, None], [None, "Bob", None, None, None]])
    book = validate_book(data.read().tables, load_config())
    bob = book.contacts[1]
    assert bob.id == "C0002" and bob.key == "c0002"
    assigned = book.assigned_ids["c0002"]
    assert assigned.id == "C0002" and assigned.locator == Locator(row=3, id="", name="Bob")


def test_a_row_without_a_name_gets_no_id_and_a_locator_only_key() -> None:
    data = contacts_book([["C0001", "Alice", None, None, None], [None, None, "+60123456789"]])
    book = validate_book(data.read().tables, load_config())
    assert book.contacts[1].key == "#row3" and book.assigned_ids == {}


def test_a_repeated_id_keys_each_row_on_its_own() -> None:
    data = contacts_book([["C1", "Alice", None, "Closed", None], ["c1", "Bob", None, "Lead", None]])
    result = build_plan(data.read(), load_config(), TODAY)
    assert [c.key for c in result.book.contacts] == ["c1", "c1#row3"]
    assert result.classes["c1"].lifecycle != result.classes["c1#row3"].lifecycle
    assert [w.locator.row for w in result.changes.contacts] == [2, 3]


def test_sorting_the_rows_changes_where_a_contact_is_written_not_what_it_gets() -> None:
    rows = [
        ["C0001", "Alice", "+60123456789", "Closed", date(2026, 10, 1)],
        ["C0002", "Bob", "+60123456788", "Lead", date(2026, 11, 20)],
        ["C0003", "Chen", "+60123456787", "Prospect", None],
    ]
    config = load_config()
    before = build_plan(contacts_book(rows).read(), config, TODAY).changes
    after = build_plan(contacts_book(rows[::-1]).read(), config, TODAY).changes
    by_key = {w.key: w for w in after.contacts}
    for write in before.contacts:
        moved = by_key[write.key]
        assert moved.values == write.values
        assert moved.locator.name == write.locator.name and moved.locator.id == write.locator.id
    assert [w.locator.row for w in before.contacts] == [2, 3, 4]
    assert by_key["c0001"].locator.row == 4


def test_dry_run_lines_come_from_the_store_whatever_the_store() -> None:
    store = contacts_book([["C0001", "Alice", None, None, None], [None, "Bob", None, None, None]])
    result = build_plan(store.read(), load_config(), TODAY)
    lines = describe_changes(store.diff(result.changes))
    assert lines[0].startswith("add columns to Contacts: Tier, Lifecycle")
    assert "Contacts: assign 1 IDs (row 3 → C0002)" in lines
    assert "create tab Today (0 rows)" in lines
    assert store.writes == 0
