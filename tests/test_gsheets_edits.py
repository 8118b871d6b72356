"""People keep editing a shared Google Sheet while it syncs: owned values still land on the row of
their contact, a tick made meanwhile is logged, and nothing a person typed is overwritten.

Each edit is made by the local server at the moment the sync's re-read (or write) arrives, i.e.
between the sync's read and its write — the window a shared sheet really has.
"""

from __future__ import annotations

from typing import Any

import pytest

from sheets_sync.sync import sync_workbook
from tests.gsheets_books import DAY, fast_config, sample_sheet, tab_grids
from tests.sheets_api.server import SheetsApiServer

# Real round trips (files, the local Sheets API server): in CI, not in the fast lane.
pytestmark = pytest.mark.slow

REREAD = "values:batchGet"
AFTER_READ = 1  # the read's own values:batchGet comes first; the re-read is the next one


def key_of(location: str) -> str:
    return location.split(":", 1)[1]


def by_id(grid: list[list[Any]]) -> dict[str, list[Any]]:
    return {row[0]: row for row in grid[1:] if row and row[0]}


def owned(row: list[Any], headers: list[Any]) -> list[Any]:
    start = headers.index("Tier")
    return row[start:start + 8]


def reference(api: SheetsApiServer) -> tuple[list[Any], dict[str, list[Any]]]:
    """Contacts after an undisturbed sync of an identical sheet."""
    location = sample_sheet(api)
    sync_workbook(location, fast_config(), DAY)
    grid = tab_grids(location)["Contacts"]
    return grid[0], by_id(grid)


def test_a_row_inserted_above_during_the_sync_shifts_no_owned_value(
    api: SheetsApiServer,
) -> None:
    headers, expected = reference(api)
    location = sample_sheet(api)
    person = api.person(key_of(location))
    api.on_request(REREAD, lambda _server: person.insert_rows("Contacts", 3, 2),
                   skip=AFTER_READ)
    sync_workbook(location, fast_config(), DAY)
    grid = tab_grids(location)["Contacts"]
    assert grid[2] == [] and grid[3] == []  # the person's two new rows, left empty
    for contact_id, row in by_id(grid).items():
        assert owned(row, headers) == owned(expected[contact_id], headers), contact_id


def test_contacts_sorted_during_the_sync_keep_their_own_values(api: SheetsApiServer) -> None:
    headers, expected = reference(api)
    location = sample_sheet(api)
    person = api.person(key_of(location))
    api.on_request(REREAD, lambda _server: person.sort("Contacts", "A2:W45", "B",
                                                        descending=True), skip=AFTER_READ)
    sync_workbook(location, fast_config(), DAY)
    grid = tab_grids(location)["Contacts"]
    names = [row[1] for row in grid[1:45]]
    assert names == sorted(names, reverse=True)  # the person's order stays
    for contact_id, row in by_id(grid).items():
        assert owned(row, headers) == owned(expected[contact_id], headers), contact_id


def test_a_row_deleted_during_the_sync_makes_it_plan_again_without_that_contact(
    api: SheetsApiServer,
) -> None:
    location = sample_sheet(api)
    person = api.person(key_of(location))
    gone = tab_grids(location)["Contacts"][5][0]
    api.on_request(REREAD, lambda _server: person.delete_rows("Contacts", 6),
                   skip=AFTER_READ)
    report = sync_workbook(location, fast_config(), DAY)
    assert report.written and report.contacts == 43  # planned again from the person's sheet
    grids = tab_grids(location)
    assert gone not in by_id(grids["Contacts"])
    assert gone not in [row[5] for row in grids["Today"][1:]]


def test_a_tick_made_during_the_sync_is_logged_not_lost(api: SheetsApiServer) -> None:
    location = sample_sheet(api)
    sync_workbook(location, fast_config(), DAY)
    tomorrow = DAY.fromordinal(DAY.toordinal() + 1)
    today = tab_grids(location)["Today"]
    contact = today[1][5]
    touchpoint = f"{today[1][8]} [{today[1][today[0].index('Rule')]}]"  # as the Done loop logs it
    person = api.person(key_of(location))

    def tick(_server: SheetsApiServer) -> None:
        person.tick("Today", "A2")
        person.type("Today", "Q2", "Answered, booked a viewing")

    # after the next sync read Today, before it rewrites it
    api.on_request(REREAD, tick, skip=AFTER_READ)
    sync_workbook(location, fast_config(), tomorrow)
    logged = [row for row in tab_grids(location)["Interactions"][1:]
              if row[1] == contact and row[3] == touchpoint]
    assert len(logged) == 1
    assert logged[0][4] == "Answered, booked a viewing"


def test_a_cell_typed_during_the_sync_in_a_person_column_is_kept(api: SheetsApiServer) -> None:
    location = sample_sheet(api)
    person = api.person(key_of(location))
    api.on_request(":batchUpdate", lambda _server: person.type("Contacts", "C4", "Mei"),
                   method="POST")
    sync_workbook(location, fast_config(), DAY)
    assert tab_grids(location)["Contacts"][3][2] == "Mei"


def test_a_tick_made_after_the_re_read_is_logged_by_the_next_sync(api: SheetsApiServer) -> None:
    location = sample_sheet(api)
    sync_workbook(location, fast_config(), DAY)
    later = [DAY.fromordinal(DAY.toordinal() + n) for n in (1, 2)]
    today = tab_grids(location)["Today"]
    contact = today[1][5]
    touchpoint = f"{today[1][8]} [{today[1][today[0].index('Rule')]}]"  # as the Done loop logs it
    person = api.person(key_of(location))

    def tick(_server: SheetsApiServer) -> None:
        person.tick("Today", "A2")
        person.type("Today", "R2", "left a voicemail")

    # The tick lands after the sync re-read Today, as its batch that rewrites Today arrives:
    # the batch first copies Today as it is then, so the tick survives in the copy.
    api.on_request(":batchUpdate", tick, method="POST")
    sync_workbook(location, fast_config(), later[0])
    sync_workbook(location, fast_config(), later[1])
    logged = [row for row in tab_grids(location)["Interactions"][1:]
              if row[1] == contact and row[3] == touchpoint]
    assert len(logged) == 1 and logged[0][5] == "left a voicemail"
    assert logged[0][0] == later[0]  # the day the tick was made (the list it was made on)
