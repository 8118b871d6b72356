"""Only the Contacts part is parsed in full when a workbook is read; any other worksheet is
parsed by the writer if and when the sync edits it. A malformed Interactions part that calamine
still reads is therefore never written over: a sync that would log a Done tick to it refuses in
one line and leaves the file as it was, and a sync that leaves it alone keeps its bytes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sheets_sync.cli import main
from sheets_sync.starter import write_starter_workbook
from tests.golden_books import tick_done
from tests.package_books import digest, parts, rewrite, sheet_part

DAY = date(2026, 11, 23)


def _synced_sample(folder: Path) -> Path:
    path = folder / "contacts.xlsx"
    write_starter_workbook(path, sample=True, today=DAY)
    assert main(["sync", str(path), "--today", DAY.isoformat()]) == 0
    return path


def _cut_after_sheet_data(path: Path) -> str:
    """Drop everything after the Interactions part's </sheetData>: not well-formed XML (no end
    tag for the worksheet), but every cell is still there to read."""
    part = sheet_part(path, "Interactions")

    def cut(files: dict[str, bytes]) -> dict[str, bytes]:
        xml = files[part]
        files[part] = xml[: xml.index(b"</sheetData>") + len(b"</sheetData>")]
        return files

    rewrite(path, cut)
    return part


def test_a_done_tick_is_not_logged_into_a_malformed_interactions_part(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _synced_sample(tmp_path)
    tick_done(path, 2)
    _cut_after_sheet_data(path)
    before = digest(path)
    capsys.readouterr()
    code = main(["sync", str(path), "--today", DAY.isoformat()])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code != 0
    assert len(lines) == 1 and "not well-formed" in lines[0], lines
    assert digest(path) == before


def test_a_malformed_part_the_sync_does_not_edit_keeps_its_bytes(tmp_path: Path) -> None:
    path = _synced_sample(tmp_path)
    part = _cut_after_sheet_data(path)
    kept = parts(path)[part]
    assert main(["sync", str(path), "--today", date(2026, 11, 24).isoformat()]) == 0
    assert parts(path)[part] == kept
