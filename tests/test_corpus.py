"""Workbooks written by real applications (tests/corpus, see its README): each one, given a
Contacts tab, syncs or is refused cleanly.

Synced: every part the tool does not own is byte-identical, every person cell is unchanged, the
parts it edited have no new structural or schema error, LibreOffice opens the result, and a second
sync writes nothing. Refused (only the files named refused_*): exit 2 or 4 with one line, and the
file byte-identical.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
import python_calamine

from sheets_sync.cli import main
from sheets_sync.config import load_config
from sheets_sync.core.tables import classify_tabs, column_keys
from sheets_sync.stores.ooxml import parse_sheets
from sheets_sync.sync import sync_workbook
from tests.libreoffice import convert
from tests.ooxml_check import problems
from tests.schema_check import new_schema_errors

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(CORPUS.glob("*.xlsx"))
TODAY = date(2026, 11, 23)
# Parts the tool edits (by structure): styles, the tab list, content types, and the package's
# relationships and custom properties, where its mark on its own tabs lives.
PACKAGE_PARTS = {"xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                 "[Content_Types].xml", "_rels/.rels", "docProps/custom.xml"}


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def tab_parts(data: dict[str, bytes]) -> dict[str, str]:
    return {s.name: s.part for s in parse_sheets(data["xl/workbook.xml"],
                                                 data["xl/_rels/workbook.xml.rels"])}


def grids(path: Path) -> dict[str, list[list]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in book.sheet_names}


def give_contacts_tab(path: Path) -> None:
    """Rename the first tab to Contacts when the workbook has none (as a person would)."""
    data = parts(path)
    if "contacts" in classify_tabs(list(tab_parts(data))):
        return
    workbook = data["xl/workbook.xml"].decode()
    data["xl/workbook.xml"] = re.sub(r'(<(?:\w+:)?sheet\b[^>]*?\sname=")[^"]*"', r'\1Contacts"',
                                     workbook, count=1).encode()
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in infos:
            out.writestr(info, data[info.filename])


def assert_person_cells_unchanged(before: dict[str, list[list]], after: dict[str, list[list]],
                                  contacts: str) -> None:
    for tab, rows in before.items():
        id_col = column_keys("contacts", rows[0]).get("id") if tab == contacts and rows else None
        new = after[tab]
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if c == id_col and r > 0 and value in ("", None):
                    continue  # a blank ID cell receives an ID: the one person-column write
                if tab == contacts and r == 0 and value in ("", None):
                    continue
                assert new[r][c] == value, (tab, r + 1, c + 1)


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.parametrize("source", FILES, ids=[f.stem for f in FILES])
def test_a_real_application_workbook_syncs_or_is_refused_cleanly(
    source: Path, tmp_path: Path, capsys  # noqa: ANN001
) -> None:
    original = tmp_path / "original.xlsx"
    shutil.copy(source, original)
    give_contacts_tab(original)
    path = tmp_path / source.name
    shutil.copy(original, path)
    before, values_before = parts(path), grids(path)

    code = main(["sync", str(path), "--today", TODAY.isoformat()])
    err = capsys.readouterr().err
    if source.name.startswith("refused_"):
        assert code in (2, 4) and len(err.strip().splitlines()) == 1, err
        assert path.read_bytes() == original.read_bytes()
        return
    assert code == 0, err

    after = parts(path)
    tabs_before = tab_parts(before)
    keys = classify_tabs(list(tabs_before))
    edited = PACKAGE_PARTS | {tabs_before[keys[k]] for k in ("contacts", "interactions")
                              if k in keys}
    for name, data in before.items():
        if name in edited:
            continue
        assert name in after or name == "xl/calcChain.xml", f"{name} was removed"
        if name in after:
            assert after[name] == data, f"{name} changed"
    assert_person_cells_unchanged(values_before, grids(path), keys["contacts"])
    assert set(problems(path)) <= set(problems(original))
    assert not new_schema_errors(original, path)
    convert(path, tmp_path / "libreoffice")
    assert not sync_workbook(str(path), load_config(), TODAY).written
