"""Unusable input: one line on stderr saying what to do, a non-zero exit, never a traceback."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from tests.workbooks import excel_like_workbook

# Each test runs the real command in a new process (about 0.7 s): CI runs them, the
# fast lane skips them.
pytestmark = pytest.mark.slow


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sheets_sync.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word.lower() in lines[0].lower(), lines[0]


def test_missing_file(tmp_path: Path) -> None:
    assert_one_line_error(run("sync", "nope.xlsx", cwd=tmp_path), "no such file", "init")


@pytest.mark.parametrize("name", ["contacts.csv", "contacts.ods", "contacts.xls"])
def test_other_formats_are_refused_with_the_fix(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("ID,Name\n1,Alice\n")
    assert_one_line_error(run("sync", name, cwd=tmp_path), "save it as", ".xlsx")


def test_a_text_file_named_xlsx_is_not_a_workbook(tmp_path: Path) -> None:
    (tmp_path / "fake.xlsx").write_text("hello")
    assert_one_line_error(run("sync", "fake.xlsx", cwd=tmp_path), "not an excel workbook")


def test_a_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "fake.xlsx", "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert_one_line_error(run("sync", "fake.xlsx", cwd=tmp_path), "not an excel workbook")


def test_a_password_protected_workbook(tmp_path: Path) -> None:
    # Excel stores an encrypted workbook as an OLE compound file holding an EncryptedPackage.
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    (tmp_path / "secret.xlsx").write_bytes(header + "EncryptedPackage".encode("utf-16-le"))
    assert_one_line_error(run("sync", "secret.xlsx", cwd=tmp_path), "password")


def test_a_workbook_open_in_excel(tmp_path: Path) -> None:
    excel_like_workbook(tmp_path / "book.xlsx")
    (tmp_path / "~$book.xlsx").write_bytes(b"owner")
    result = run("sync", "book.xlsx", cwd=tmp_path)
    assert_one_line_error(result, "close it first")
    assert result.returncode == 3


def test_no_contacts_tab(tmp_path: Path) -> None:
    wb = xlsxwriter.Workbook(str(tmp_path / "book.xlsx"))
    wb.add_worksheet("Sheet1").write_row(0, 0, ["Name", "Phone"])
    wb.close()
    assert_one_line_error(run("sync", "book.xlsx", cwd=tmp_path), "no contacts tab", "rename")


def test_no_name_column(tmp_path: Path) -> None:
    wb = xlsxwriter.Workbook(str(tmp_path / "book.xlsx"))
    wb.add_worksheet("Contacts").write_row(0, 0, ["ID", "Phone"])
    wb.close()
    assert_one_line_error(run("sync", "book.xlsx", cwd=tmp_path), "no name column")


def test_a_bad_config_file(tmp_path: Path) -> None:
    excel_like_workbook(tmp_path / "book.xlsx")
    (tmp_path / "office.toml").write_text("[tiers]\na_shar = 0.1\n")
    result = run("sync", "book.xlsx", "--config", "office.toml", cwd=tmp_path)
    assert_one_line_error(result, "unknown setting", "did you mean 'tiers.a_share'")
    assert result.returncode == 5


def test_a_bad_date_argument(tmp_path: Path) -> None:
    result = run("sync", "book.xlsx", "--today", "tomorrow", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_a_strict_open_xml_workbook(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "strict.xlsx", "w") as archive:
        archive.writestr("xl/workbook.xml", '<workbook xmlns="http://purl.oclc.org/ooxml/'
                         'spreadsheetml/main"><sheets/></workbook>')
    assert_one_line_error(run("sync", "strict.xlsx", cwd=tmp_path), "strict open xml")
