"""The CLI speaks the book's language: the sync summary is in it, and --lang overrides it."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from sheets_sync.cli import main
from sheets_sync.starter import write_starter_workbook
from tests.golden_books import SAMPLE_DAY


def _sample(tmp_path: Path, lang: str) -> Path:
    path = tmp_path / f"{lang}.xlsx"
    write_starter_workbook(path, lang=lang, sample=True, today=SAMPLE_DAY)
    return path


def test_the_sync_summary_is_in_the_books_language(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = _sample(tmp_path, "zh")
    assert main(["sync", str(path), "--today", SAMPLE_DAY.isoformat()]) == 0
    first = capsys.readouterr().out.splitlines()
    assert "位联系人" in first[0] and "个问题" in first[0]
    assert first[1].startswith("已写入 ")
    assert main(["sync", str(path), "--today", SAMPLE_DAY.isoformat()]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "自上次同步以来没有变化，工作簿未重写。"


def test_lang_writes_the_book_in_another_language(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = _sample(tmp_path, "en")
    assert main(["sync", str(path), "--lang", "ms", "--today", SAMPLE_DAY.isoformat()]) == 0
    assert "kenalan dibaca" in capsys.readouterr().out
    book = openpyxl.load_workbook(path)
    assert "Isu" in book.sheetnames  # the owned tabs a sync creates are named in Malay
    problems = [row[4] for row in book["Isu"].iter_rows(min_row=2, values_only=True)]
    assert "domain example,com ada koma" in problems


def test_an_unknown_lang_is_refused_by_the_parser(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["sync", str(_sample(tmp_path, "en")), "--lang", "fr"])
