"""Text an agent types on Today without ticking Done is never erased by the next sync."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheets_sync.config import load_config
from sheets_sync.core.facts import EDITED_PREFIX
from sheets_sync.core.today import NOTE_PREFIX
from sheets_sync.sync import sync_workbook
from tests.conftest import SAMPLE_DAY as TODAY

# Real round trips (files, the local Sheets API server): in CI, not in the fast lane.
pytestmark = pytest.mark.slow


def today_rows(path: Path) -> list[dict[str, Any]]:
    sheet = openpyxl.load_workbook(path)["Today"]
    header = [c.value for c in sheet[1]]
    rows = sheet.iter_rows(min_row=2, values_only=True)
    return [dict(zip(header, row, strict=False)) for row in rows]


def type_on_today(path: Path, row: int, outcome: str, notes: str) -> dict[str, Any]:
    """Type Outcome and Notes on Today row `row` (1 = first item), leaving Done unticked."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Today"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=row + 1, column=header.index("Outcome") + 1, value=outcome)
    sheet.cell(row=row + 1, column=header.index("Notes") + 1, value=notes)
    typed = dict(zip(header, (c.value for c in sheet[row + 1]), strict=False))
    workbook.save(path)
    return typed


def notes_logged(path: Path) -> list[tuple]:
    sheet = openpyxl.load_workbook(path)["Interactions"]
    return [r for r in sheet.iter_rows(min_row=2, values_only=True)
            if str(r[3] or "").startswith(NOTE_PREFIX)]


def test_typed_text_stays_on_the_row_of_the_same_item(synced: Path) -> None:
    typed = type_on_today(synced, 1, "Answered - wants valuation", "call back Tue 3pm")
    sync_workbook(str(synced), load_config(), TODAY)  # the item is still on the list
    same = [r for r in today_rows(synced)
            if r["Contact ID"] == typed["Contact ID"] and r["Touchpoint"] == typed["Touchpoint"]]
    assert len(same) == 1
    assert (same[0]["Outcome"], same[0]["Notes"]) == ("Answered - wants valuation",
                                                      "call back Tue 3pm")
    assert same[0]["Done"] is False  # still the agent's to tick
    assert notes_logged(synced) == []


def test_typed_text_stays_exactly_as_typed_spaces_and_all(synced: Path) -> None:
    typed = type_on_today(synced, 1, "  Answered ", "call back\nTue 3pm  ")
    sync_workbook(str(synced), load_config(), TODAY)
    same = [r for r in today_rows(synced)
            if r["Contact ID"] == typed["Contact ID"] and r["Touchpoint"] == typed["Touchpoint"]]
    assert [(r["Outcome"], r["Notes"]) for r in same] == [("  Answered ", "call back\nTue 3pm  ")]


def set_do_not_contact(path: Path, contact_id: str) -> None:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Contacts"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("ID")].value == contact_id:
            row[header.index("Do not contact")].value = "yes"
    workbook.save(path)


def test_typed_text_of_an_item_that_left_the_list_is_kept_as_a_note_once(synced: Path) -> None:
    typed = type_on_today(synced, 1, "", "asked us to stop calling")
    set_do_not_contact(synced, typed["Contact ID"])  # so the item surely leaves Today
    for _ in range(2):  # a re-run the same day logs nothing twice
        sync_workbook(str(synced), load_config(), TODAY)
    assert typed["Contact ID"] not in [r["Contact ID"] for r in today_rows(synced)]
    notes = notes_logged(synced)
    assert len(notes) == 1
    when, contact, channel, touchpoint, _outcome, text = notes[0][:6]
    assert (contact, channel, text) == (typed["Contact ID"], None, "asked us to stop calling")
    assert touchpoint == NOTE_PREFIX + typed["Touchpoint"]
    assert when.date() == TODAY


def test_typed_text_follows_its_item_to_the_next_days_list(synced: Path, tmp_path: Path) -> None:
    import shutil

    tomorrow = TODAY + timedelta(days=1)
    probe = tmp_path / "probe.xlsx"
    shutil.copy(synced, probe)
    sync_workbook(str(probe), load_config(), tomorrow)
    staying = {(r["Contact ID"], r["Touchpoint"]) for r in today_rows(probe)}
    row = next(n for n, r in enumerate(today_rows(synced), start=1)
               if (r["Contact ID"], r["Touchpoint"]) in staying)
    typed = type_on_today(synced, row, "No answer", "try after 6pm")
    sync_workbook(str(synced), load_config(), tomorrow)
    same = [r for r in today_rows(synced)
            if (r["Contact ID"], r["Touchpoint"]) == (typed["Contact ID"], typed["Touchpoint"])]
    assert [(r["Outcome"], r["Notes"], r["Done"]) for r in same] == [
        ("No answer", "try after 6pm", False)]


def tick_on_today(path: Path, row: int, notes: str, tick: bool = True) -> dict[str, Any]:
    """Tick Done on Today row `row` (1 = first item) and type its Notes."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Today"]
    header = [c.value for c in sheet[1]]
    if tick:
        sheet.cell(row=row + 1, column=header.index("Done") + 1, value=True)
    sheet.cell(row=row + 1, column=header.index("Notes") + 1, value=notes)
    typed = dict(zip(header, (c.value for c in sheet[row + 1]), strict=False))
    workbook.save(path)
    return typed


def test_notes_typed_on_a_logged_tick_reach_the_log_when_the_list_is_replaced(
        synced: Path) -> None:
    typed = tick_on_today(synced, 1, "wants a valuation")
    sync_workbook(str(synced), load_config(), TODAY)  # logged; the ticked row stays on Today
    row = next(n for n, r in enumerate(today_rows(synced), start=1)
               if r["Contact ID"] == typed["Contact ID"] and r["Done"] is True)
    tick_on_today(synced, row, "wants a valuation; send comps by Friday", tick=False)
    tomorrow = TODAY + timedelta(days=1)
    report = sync_workbook(str(synced), load_config(), tomorrow)
    assert report.done_logged == 0  # no tick is new: the text is a note
    sheet = openpyxl.load_workbook(synced)["Interactions"]
    logged = [r for r in sheet.iter_rows(min_row=2, values_only=True)
              if r[1] == typed["Contact ID"] and r[5]]
    assert [(r[3], r[5]) for r in logged][-2:] == [
        (f"{typed['Touchpoint']} [{typed['Rule']}]", "wants a valuation"),
        (EDITED_PREFIX + typed["Touchpoint"], "wants a valuation; send comps by Friday")]
    before = synced.read_bytes()
    sync_workbook(str(synced), load_config(), tomorrow)
    assert synced.read_bytes() == before  # logged once
