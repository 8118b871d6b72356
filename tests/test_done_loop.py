"""The Done loop on a real file: an agent ticks Done on Today, the next sync logs it once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar

from sheets_sync.cli import main
from sheets_sync.config import load_config
from sheets_sync.sync import sync_workbook
from tests.conftest import SAMPLE_DAY as TODAY
from tests.libreoffice import roundtrip

# Real round trips (files, the local Sheets API server): in CI, not in the fast lane.
pytestmark = pytest.mark.slow


def tick(path: Path, rows: int | None = None, outcome: str = "answered") -> list[tuple]:
    """Tick Done on the first `rows` Today rows (all when None), as an agent would in Excel."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Today"]
    header = [c.value for c in ws[1]]
    done, out = header.index("Done") + 1, header.index("Outcome") + 1
    ticked = []
    last = ws.max_row if rows is None else min(ws.max_row, rows + 1)
    for r in range(2, last + 1):
        ws.cell(row=r, column=done, value=True)
        ws.cell(row=r, column=out, value=outcome)
        ticked.append(tuple(c.value for c in ws[r]))
    wb.save(path)
    return ticked


def interactions(path: Path) -> list[tuple]:
    return list(openpyxl.load_workbook(path)["Interactions"].iter_rows(min_row=2, values_only=True))


def test_a_tick_is_logged_once_with_its_outcome(synced: Path) -> None:
    before = interactions(synced)
    ticked = tick(synced, rows=2)
    report = sync_workbook(str(synced), load_config(), TODAY)
    after = interactions(synced)
    assert report.done_logged == 2
    new = after[len(before):]
    assert [(r[1], r[4]) for r in new] == [(t[5], "answered") for t in ticked]
    assert all(r[0].date() == TODAY for r in new)


def test_a_tick_is_never_logged_twice(synced: Path) -> None:
    tick(synced, rows=3)
    sync_workbook(str(synced), load_config(), TODAY)
    count = len(interactions(synced))
    for _ in range(2):
        sync_workbook(str(synced), load_config(), TODAY)
    assert len(interactions(synced)) == count


def test_a_done_touchpoint_leaves_today_and_last_contact_is_today(synced: Path) -> None:
    ticked = tick(synced, rows=1)
    sync_workbook(str(synced), load_config(), TODAY)
    wb = openpyxl.load_workbook(synced)
    # The ticked row stays on the day's list, still ticked (for Touchpoints on time), and the
    # item is not offered again; other queued items may follow.
    today_items = [(r[5], r[8], r[0]) for r in wb["Today"].iter_rows(min_row=2, values_only=True)]
    assert (ticked[0][5], ticked[0][8], False) not in today_items
    assert (ticked[0][5], ticked[0][8], True) in today_items
    contacts = wb["Contacts"]
    header = [c.value for c in contacts[1]]
    row = next(r for r in contacts.iter_rows(min_row=2, values_only=True) if r[0] == ticked[0][5])
    assert row[header.index("Days since contact")] == 0


@pytest.mark.slow
def test_three_weeks_of_ticking_everything(synced: Path) -> None:
    """Each day: sync, tick every Today row. Nothing is logged twice, DNC never appears."""
    wb = openpyxl.load_workbook(synced)
    contacts = wb["Contacts"]
    header = [c.value for c in contacts[1]]
    dnc = {r[0] for r in contacts.iter_rows(min_row=2, values_only=True)
           if str(r[header.index("Do not contact")]).lower() in ("yes", "true")}
    assert dnc
    day = TODAY
    for _ in range(21):
        ticked = tick(synced)
        assert not dnc & {t[5] for t in ticked}
        day += timedelta(days=1)
        report = sync_workbook(str(synced), load_config(), day)
        assert report.done_logged == len(ticked)
    logged = [(r[0], r[1], r[3]) for r in interactions(synced) if r[3] and "[" in str(r[3])]
    assert len(logged) == len(set(logged))


def test_today_command_filters_by_owner(synced: Path, capsys) -> None:
    assert main(["today", str(synced), "--owner", "Daniel", "--today", TODAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "Daniel" in out and "Mei Ling" not in out


def test_ics_export_reads_back_as_a_calendar(synced: Path, tmp_path: Path) -> None:
    target = tmp_path / "mei.ics"
    assert main(["ics", str(synced), "-o", str(target), "--owner", "Mei Ling", "--days", "30",
                 "--today", TODAY.isoformat()]) == 0
    calendar = Calendar.from_ical(target.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert events and all(TODAY - timedelta(days=400) <= e.decoded("DTSTART") <=
                          TODAY + timedelta(days=30) for e in events)
    assert len({str(e["UID"]) for e in events}) == len(events)


@pytest.mark.slow
def test_today_tab_reads_back_from_libreoffice(synced: Path, tmp_path: Path) -> None:
    tabs = roundtrip(synced, tmp_path / "lo")
    today = tabs["Today"]
    assert today[0][:5] == ["Done", "Due", "Days overdue", "Priority", "Owner"]
    assert len(today) > 5 and all(row[0] in (False, 0, "FALSE") for row in today[1:])
    priorities = [row[3] for row in today[1:]]
    assert priorities == sorted(priorities, reverse=True)


def test_a_tick_harvested_the_next_morning_is_dated_the_day_it_was_made(synced: Path) -> None:
    # The nightly sync runs after midnight: Monday's ticks are Monday's contacts.
    before = interactions(synced)
    tick(synced, rows=2)
    sync_workbook(str(synced), load_config(), TODAY + timedelta(days=1))
    new = interactions(synced)[len(before):]
    assert len(new) == 2 and all(r[0].date() == TODAY for r in new)
