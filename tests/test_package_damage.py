"""Issue: every bad package ends in one line naming the cause (exit 2, or 4 for a valid form
the tool does not edit), the file untouched; never "internal error"."""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest

from sheets_sync.cli import main
from sheets_sync.stores.ooxml import MAIN_NS
from tests.package_books import TODAY, base_book, corrupt_part, digest, parts, rewrite
from tests.workbooks import png_bytes

SHEET = "xl/worksheets/sheet1.xml"


def refused(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Sync the workbook; the exit code and the one line it printed (the file unchanged)."""
    before = digest(path)
    code = main(["sync", str(path), "--today", TODAY.isoformat()])
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert "internal error" not in lines[0]
    assert digest(path) == before
    return code, lines[0]


def corrupt_stream(path: Path) -> Path:
    """Flip bytes in the middle of the Contacts part's deflate stream."""
    return corrupt_part(path, SHEET)


def edited(edit: Callable[[dict[str, bytes]], None]) -> Callable[[Path], Path]:
    def apply(path: Path) -> Path:
        def change(files: dict[str, bytes]) -> dict[str, bytes]:
            edit(files)
            return files
        return rewrite(path, change)
    return apply


def duplicate_entry(path: Path) -> Path:
    files = parts(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate it is asked to write
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr(SHEET, files[SHEET])
    return path


CASES = {
    "corrupt deflate stream": (corrupt_stream, 2, [SHEET, "cannot be unpacked"]),
    "a PNG in place of a sheet": (
        edited(lambda f: f.__setitem__(SHEET, png_bytes())), 2, ["Contacts", "PNG"]),
    "a missing sheet part": (edited(lambda f: f.pop(SHEET)), 2, ["Contacts", SHEET, "missing"]),
    "no [Content_Types].xml": (
        edited(lambda f: f.pop("[Content_Types].xml")), 2, ["[Content_Types].xml"]),
    "malformed sheet XML": (
        edited(lambda f: f.__setitem__(SHEET, f[SHEET].replace(b"</sheetData>", b""))), 2,
        ["Contacts", "not well-formed"]),
    "malformed styles": (
        edited(lambda f: f.__setitem__("xl/styles.xml", f["xl/styles.xml"][:-40])), 2,
        ["xl/styles.xml", "not well-formed"]),
    "duplicate zip entries": (duplicate_entry, 2, ["two parts", SHEET]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_package_is_one_line_naming_the_cause(case, tmp_path, capsys):
    damage, code, words = CASES[case]
    path = damage(base_book(tmp_path / "book.xlsx"))
    got, line = refused(path, capsys)
    assert got == code, line
    for word in words:
        assert word in line, line


def test_a_workbook_part_elsewhere_than_xl_workbook_xml_is_refused_by_name(tmp_path, capsys):
    def move(files: dict[str, bytes]) -> None:
        files["xl/main.xml"] = files.pop("xl/workbook.xml")
        files["xl/_rels/main.xml.rels"] = files.pop("xl/_rels/workbook.xml.rels")
        for name in ("_rels/.rels", "[Content_Types].xml"):
            files[name] = files[name].replace(b"xl/workbook.xml", b"xl/main.xml")

    path = edited(move)(base_book(tmp_path / "book.xlsx"))
    code, line = refused(path, capsys)
    assert code == 4 and "xl/main.xml" in line


def test_a_prefixed_workbook_part_is_refused_and_gains_no_orphan_parts(tmp_path, capsys):
    def prefix(files: dict[str, bytes]) -> None:
        ElementTree.register_namespace("x", MAIN_NS)
        root = ElementTree.fromstring(files["xl/workbook.xml"])
        files["xl/workbook.xml"] = ElementTree.tostring(root, xml_declaration=True,
                                                        encoding="UTF-8")

    path = edited(prefix)(base_book(tmp_path / "book.xlsx"))
    assert parts(path)["xl/workbook.xml"].count(b"<x:sheet ") == 2
    for _ in range(2):  # and again: never "Written" with new parts each time
        code, line = refused(path, capsys)
        assert code == 4 and "x:workbook" in line
