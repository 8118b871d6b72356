"""`sheets-sync sync` end to end on real .xlsx files."""

from __future__ import annotations

import os
import re
import stat
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.cli import main
from sheets_sync.config import load_config
from sheets_sync.core.vocabulary import OWNED_COLUMNS, label
from sheets_sync.starter import write_starter_workbook
from sheets_sync.sync import sync_workbook
from tests.libreoffice import convert, roundtrip
from tests.workbooks import excel_like_workbook

TODAY = date(2026, 11, 23)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "sample.xlsx"
    write_starter_workbook(path, lang="en", sample=True, today=TODAY)
    return path


def sync(path: Path, today: date = TODAY, **kwargs):
    return sync_workbook(str(path), load_config(), today, **kwargs)


def headers(ws) -> list:
    return [c.value for c in ws[1]]


def test_sync_writes_every_owned_column(sample: Path) -> None:
    sync(sample)
    ws = openpyxl.load_workbook(sample)["Contacts"]
    assert [label(v, "en") for v in OWNED_COLUMNS.values()] == headers(ws)[-len(OWNED_COLUMNS) :]
    tier_col = headers(ws).index("Tier") + 1
    tiers = {ws.cell(row=r, column=tier_col).value for r in range(2, ws.max_row + 1)}
    assert tiers <= {"A", "B", "C", "D"} and {"A", "D"} <= tiers


def test_second_sync_on_the_same_day_changes_nothing(sample: Path) -> None:
    assert sync(sample).written
    first = sample.read_bytes()
    backups = sorted((sample.parent / ".sheets-sync-backups").iterdir())
    report = sync(sample)
    assert not report.written
    assert sample.read_bytes() == first
    assert sorted((sample.parent / ".sheets-sync-backups").iterdir()) == backups


def test_issues_tab_has_one_line_per_bad_cell(sample: Path) -> None:
    sync(sample)
    rows = list(openpyxl.load_workbook(sample)["Issues"].iter_rows(values_only=True))
    assert rows[0] == ("Tab", "Row", "Column", "Value", "Problem", "Suggestion")
    found = {(r[2], r[3]) for r in rows[1:]}
    assert ("Birthday", "31/02/1988") in found
    assert ("Email", "nor.azlina@example,com") in found
    assert ("NPS", "11") in found
    assert ("Circle", "Advocat") in found
    assert any(r[2] == "ID" and "Duplicate" in r[4] for r in rows[1:])


def test_blank_ids_are_filled_with_new_unique_ids(sample: Path) -> None:
    before = openpyxl.load_workbook(sample)["Contacts"]
    blank_rows = [
        c.row
        for c in before["A"][1:]
        if c.value in (None, "") and before.cell(row=c.row, column=2).value
    ]
    report = sync(sample)
    after = openpyxl.load_workbook(sample)["Contacts"]
    ids = [c.value for c in after["A"][1:] if c.value]
    assert report.ids_assigned == len(blank_rows) > 0
    assert all(after.cell(row=r, column=1).value for r in blank_rows)
    new = [after.cell(row=r, column=1).value for r in blank_rows]
    assert all(ids.count(i) == 1 for i in new)


def test_dry_run_writes_nothing(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = sample.read_bytes()
    assert main(["sync", str(sample), "--dry-run", "--today", TODAY.isoformat()]) == 0
    assert sample.read_bytes() == before
    out = capsys.readouterr().out
    assert "Dry run" in out and "add columns to Contacts" in out


def test_demo_writes_a_sample_and_syncs_it(tmp_path: Path, capsys) -> None:
    target = tmp_path / "demo.xlsx"
    assert main(["demo", str(target), "--today", TODAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "contacts read" in out and str(target.resolve()) in out
    assert "Today" in openpyxl.load_workbook(target).sheetnames


@pytest.mark.parametrize("lang", ["zh", "zh-Hant", "ja", "ms"])
def test_headers_in_other_languages_are_understood(tmp_path: Path, lang: str) -> None:
    path = tmp_path / f"{lang}.xlsx"
    write_starter_workbook(path, lang=lang, sample=True, today=TODAY)
    report = sync(path)
    assert report.contacts >= 40 and report.tiers["A"] > 0
    ws = openpyxl.load_workbook(path).worksheets
    contacts = next(
        w
        for w in ws
        if w.title
        == label(
            {
                "en": ("Contacts",),
                "zh": ("客户",),
                "zh-Hant": ("客戶",),
                "ja": ("顧客",),
                "ms": ("Kenalan",),
            },
            lang,
        )
    )
    assert label(OWNED_COLUMNS["tier"], lang) in headers(contacts)


def test_person_content_of_an_excel_written_book_is_kept(tmp_path: Path) -> None:
    book = excel_like_workbook(tmp_path / "book.xlsx")
    with zipfile.ZipFile(book) as archive:
        before = {n: archive.read(n) for n in archive.namelist()}
    sync(book)
    with zipfile.ZipFile(book) as archive:
        after = {n: archive.read(n) for n in archive.namelist()}
    rewritten = {
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
        "xl/styles.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
        "_rels/.rels",  # gains the tool's mark (docProps/custom.xml, naming its tabs)
    }
    for name, data in before.items():
        if name not in rewritten:
            assert after[name] == data, name


@pytest.mark.slow
def test_the_synced_workbook_opens_in_libreoffice(sample: Path, tmp_path: Path) -> None:
    sync(sample)
    tabs = roundtrip(sample, tmp_path / "lo")
    assert {"Contacts", "Interactions", "Transactions", "Today", "Issues"} <= set(tabs)
    contacts = tabs["Contacts"]
    assert "Tier" in contacts[0] and "Row issues" in contacts[0]
    assert tabs["Issues"][0][:2] == ["Tab", "Row"]
    assert tabs["Today"][0][0] == "Done" and len(tabs["Today"]) > 1


@pytest.mark.slow
def test_a_workbook_saved_by_libreoffice_syncs_and_keeps_every_person_cell(
    sample: Path, tmp_path: Path
) -> None:
    book = convert(sample, tmp_path / "lo")  # LibreOffice writes its own flavour of SpreadsheetML
    with zipfile.ZipFile(book) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        before = {n: archive.read(n).decode() for n in sheets}
    assert sync(book).written
    with zipfile.ZipFile(book) as archive:
        after = {n: archive.read(n).decode() for n in sheets}
    cell = re.compile(r'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)
    for name in sheets:
        old = {m.group(1): m.group(0) for m in cell.finditer(before[name])}
        new = {m.group(1): m.group(0) for m in cell.finditer(after[name])}
        for ref, xml in old.items():
            blank_id_cell = re.fullmatch(r"A\d+", ref) and "<v>" not in xml
            assert new[ref] == xml or blank_id_cell, (name, ref)
    assert not sync(book).written


def test_a_synced_workbook_keeps_its_permissions(sample: Path) -> None:
    # A workbook in a shared office folder is often group-writable; the new file must be too.
    sample.chmod(0o664)
    assert sync(sample).written
    assert stat.S_IMODE(sample.stat().st_mode) == 0o664
    backup = next((sample.parent / ".sheets-sync-backups").glob("*.xlsx"))
    assert stat.S_IMODE(backup.stat().st_mode) == 0o664


def test_a_new_workbook_gets_the_usual_permissions(tmp_path: Path) -> None:
    path = tmp_path / "new.xlsx"
    mask = os.umask(0o002)
    try:
        write_starter_workbook(path, lang="en")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o664
