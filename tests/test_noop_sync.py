"""A same-day re-sync with nothing changed is answered from the sync record beside the backups
(sheets_sync/sync_record.py); any change to the bytes or to another input gives a full sync.

"Answered from the record" is seen from outside: a record whose report was edited to say 999
issues is believed only when the record applies, and the sample has 7."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheets_sync.cli import main
from sheets_sync.config import load_config
from sheets_sync.errors import WorkbookLocked
from sheets_sync.starter import write_starter_workbook
from sheets_sync.sync import SyncReport, sync_workbook
from sheets_sync.sync_record import record_path

TODAY = date(2026, 11, 23)
FORGED = 999


@pytest.fixture(scope="module")
def first_synced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample after its first sync of TODAY (which wrote it, so it has no record yet)."""
    path = tmp_path_factory.mktemp("first") / "book.xlsx"
    write_starter_workbook(path, lang="en", sample=True, today=TODAY)
    assert sync_workbook(str(path), load_config(), TODAY).written
    return path


@pytest.fixture
def confirmed(first_synced: Path, tmp_path: Path) -> Path:
    """A copy of it synced once more the same day: nothing to change, so the record is kept."""
    path = tmp_path / "book.xlsx"
    shutil.copyfile(first_synced, path)
    assert not sync(path).written
    return path


def sync(path: Path, today: date = TODAY, config: dict[str, Any] | None = None,
         **kwargs: Any) -> SyncReport:
    return sync_workbook(str(path), config or load_config(), today, **kwargs)


def record(path: Path) -> dict[str, Any]:
    return json.loads(record_path(path).read_text(encoding="utf-8"))


def forge_issues(path: Path) -> None:
    """Edit the record's report, so an answer taken from it can be told from a full sync."""
    data = record(path)
    data["report"]["issues"] = FORGED
    record_path(path).write_text(json.dumps(data), encoding="utf-8")


def tick_done(path: Path) -> None:
    """Tick Done on the first row of Today, as an agent does in Excel."""
    book = openpyxl.load_workbook(path)
    sheet = book["Today"]
    done = [c.value for c in sheet[1]].index("Done") + 1
    sheet.cell(row=2, column=done, value=True)
    book.save(path)


def counts(report: SyncReport) -> tuple:
    return (report.contacts, report.tiers, report.issues, report.touchpoints_due,
            report.done_logged, report.ids_assigned, report.changes, report.language,
            report.written)


def test_a_same_day_resync_is_answered_from_the_record(confirmed: Path) -> None:
    forge_issues(confirmed)
    assert sync(confirmed).issues == FORGED


def test_the_answer_leaves_the_file_bytes_and_mtime_alone(confirmed: Path) -> None:
    before, stamp = confirmed.read_bytes(), confirmed.stat().st_mtime_ns
    sync(confirmed)
    assert confirmed.read_bytes() == before
    assert confirmed.stat().st_mtime_ns == stamp


def test_the_answer_carries_the_counts_of_the_full_sync_that_recorded_it(
        first_synced: Path, tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    shutil.copyfile(first_synced, path)
    full = sync(path)
    answered = sync(path)
    assert counts(answered) == counts(full)


def test_the_cli_prints_the_same_summary_as_the_full_sync(
        first_synced: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "book.xlsx"
    shutil.copyfile(first_synced, path)
    command = ["sync", str(path), "--today", TODAY.isoformat()]
    assert main(command) == 0
    full = capsys.readouterr().out
    assert main(command) == 0
    assert capsys.readouterr().out == full
    assert "Nothing changed since the last sync; the workbook was not rewritten." in full


def test_a_changed_cell_gives_a_full_sync(confirmed: Path) -> None:
    forge_issues(confirmed)
    book = openpyxl.load_workbook(confirmed)
    sheet = book["Contacts"]
    column = [c.value for c in sheet[1]].index("Lost reason") + 1
    sheet.cell(row=2, column=column, value="Bought elsewhere")
    book.save(confirmed)
    assert sync(confirmed).issues != FORGED


def test_a_ticked_done_gives_a_full_sync_that_logs_it(confirmed: Path) -> None:
    forge_issues(confirmed)
    tick_done(confirmed)
    report = sync(confirmed)
    assert report.issues != FORGED
    assert report.done_logged == 1 and report.written


def test_a_restored_backup_gives_a_full_sync(confirmed: Path, first_synced: Path) -> None:
    forge_issues(confirmed)
    backup = next((first_synced.parent / ".sheets-sync-backups").glob("book.*.xlsx"))
    shutil.copyfile(backup, confirmed)
    report = sync(confirmed)
    assert report.issues != FORGED and report.written


def test_another_day_gives_a_full_sync(confirmed: Path) -> None:
    forge_issues(confirmed)
    assert sync(confirmed, TODAY + timedelta(days=1)).issues != FORGED


def test_another_config_gives_a_full_sync(confirmed: Path) -> None:
    forge_issues(confirmed)
    other = load_config(overrides={"general": {"backups_keep": 3}})
    assert sync(confirmed, config=other).issues != FORGED


def test_another_book_language_gives_a_full_sync(
        confirmed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    forge_issues(confirmed)
    assert main(["sync", str(confirmed), "--today", TODAY.isoformat(), "--lang", "ms"]) == 0
    assert str(FORGED) not in capsys.readouterr().out


def test_a_light_sync_is_not_answered_by_the_record_of_a_full_one(confirmed: Path) -> None:
    forge_issues(confirmed)
    assert sync(confirmed, light=True).issues != FORGED


def test_a_deleted_record_gives_a_full_sync_that_writes_it_again(confirmed: Path) -> None:
    saved = record(confirmed)
    record_path(confirmed).unlink()
    assert not sync(confirmed).written
    assert record(confirmed) == saved


def test_a_garbled_record_gives_a_full_sync_that_writes_it_again(confirmed: Path) -> None:
    saved = record(confirmed)
    record_path(confirmed).write_text('{"format": 1, "report": ', encoding="utf-8")
    assert not sync(confirmed).written
    assert record(confirmed) == saved


def test_a_dry_run_is_a_full_read_and_leaves_the_record_alone(confirmed: Path) -> None:
    forge_issues(confirmed)
    before = record_path(confirmed).read_bytes()
    report = sync(confirmed, dry_run=True)
    assert report.issues != FORGED and report.changes
    assert record_path(confirmed).read_bytes() == before


def full_resync(path: Path, tmp_path: Path, today: date = TODAY) -> SyncReport:
    """What a full re-sync reports, on a copy with no record beside it."""
    alone = tmp_path / "alone"
    alone.mkdir(exist_ok=True)
    copy = alone / path.name
    shutil.copyfile(path, copy)
    report = sync(copy, today)
    assert not report.written  # the written file is a fixed point
    return report


def test_a_sync_that_writes_records_the_bytes_it_wrote(confirmed: Path) -> None:
    book = openpyxl.load_workbook(confirmed)
    book["Contacts"].cell(row=2, column=1, value=None)  # a person's edit: the sync writes
    book.save(confirmed)
    assert sync(confirmed).written
    assert record(confirmed)["content"]["bytes"] == confirmed.stat().st_size
    forge_issues(confirmed)
    assert sync(confirmed).issues == FORGED  # the very next sync is answered


def test_the_answer_after_a_writing_sync_is_what_a_full_re_sync_reports(
        first_synced: Path, tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    shutil.copyfile(first_synced, path)
    sync(path)
    tick_done(path)
    assert sync(path).done_logged == 1
    answered = sync(path)
    assert answered.done_logged == 0 and not answered.written
    assert counts(answered)[:-3] == counts(full_resync(path, tmp_path))[:-3]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_first_sync_and_a_week_later_are_answered_as_a_full_re_sync_reports(
        lang: str, tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    write_starter_workbook(path, lang=lang, sample=True, today=TODAY)
    for day in (TODAY, TODAY + timedelta(days=7)):
        assert sync(path, day).written
        answered, full = sync(path, day), full_resync(path, tmp_path, day)
        # All but the change lines (only --dry-run shows them, and it never reads the record).
        assert counts(answered)[:6] + counts(answered)[7:] == counts(full)[:6] + counts(full)[7:]


def test_a_copy_elsewhere_with_the_backups_folder_gives_a_full_sync(
        confirmed: Path, tmp_path: Path) -> None:
    forge_issues(confirmed)
    elsewhere = tmp_path / "copy"
    elsewhere.mkdir()
    shutil.copy2(confirmed, elsewhere / confirmed.name)
    shutil.copytree(confirmed.parent / ".sheets-sync-backups",
                    elsewhere / ".sheets-sync-backups")
    assert sync(elsewhere / confirmed.name).issues != FORGED


def test_a_workbook_open_in_excel_is_refused_as_by_the_full_sync(confirmed: Path) -> None:
    (confirmed.parent / f"~${confirmed.name}").write_bytes(b"\x05someone")
    with pytest.raises(WorkbookLocked):
        sync(confirmed)


def test_a_light_resync_is_answered_from_the_record_of_a_light_sync(confirmed: Path) -> None:
    sync(confirmed, light=True)  # the worker's light sync: its own record
    forge_issues(confirmed)
    assert sync(confirmed, light=True).issues == FORGED


LOCK_HOLDER = """
import sys, time
from sheets_sync.locks import hold_book
with hold_book(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(60)
"""


@pytest.mark.slow
def test_a_resync_while_another_sync_holds_the_lock_waits_for_it(confirmed: Path) -> None:
    no_wait = load_config(overrides={"general": {"lock_wait_seconds": 0}})
    sync(confirmed, config=no_wait)  # its record: the next sync with it would be answered
    forge_issues(confirmed)
    root = Path(__file__).resolve().parent.parent
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(confirmed)], cwd=root,
                              text=True, stdout=subprocess.PIPE,
                              env={**os.environ, "PYTHONPATH": str(root)})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(WorkbookLocked):
            sync(confirmed, config=no_wait)
    finally:
        holder.kill()
        holder.wait()
    assert sync(confirmed, config=no_wait).issues == FORGED  # the lock free: answered


@pytest.mark.parametrize("text", ['[general]\nlock_wait_seconds = "soon"\n', "general = 5\n"])
def test_a_config_the_schema_refuses_still_fails_with_its_line(
        confirmed: Path, tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    command = ["sync", str(confirmed), "--today", TODAY.isoformat(), "--config", str(bad)]
    assert main([*command, "--lang", "ms"]) == 5
    assert "bad.toml: 'general" in capsys.readouterr().err
