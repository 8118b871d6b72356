"""The CLI speaks the book's language: the sync summary is in it, and --lang overrides it;
--help speaks the user's (SHEETS_SYNC_LANG, else the locale)."""

from __future__ import annotations

import argparse
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.cli import build_parser, help_language, main
from sheets_sync.core.catalogue import shipped_catalogue
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


def _help_texts(parser: argparse.ArgumentParser) -> list[str]:
    texts = [parser.description] if parser.description else []
    for action in parser._actions:
        if action.help and action.help != argparse.SUPPRESS:
            texts.append(action.help)
        if isinstance(action, argparse._SubParsersAction):
            texts += [choice.help for choice in action._choices_actions if choice.help]
            for sub in action.choices.values():
                texts += _help_texts(sub)
    return texts


def test_every_help_text_has_a_catalogue_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEETS_SYNC_LANG", "en")
    english = shipped_catalogue().langs["en"]["cli"]
    missing = sorted(set(_help_texts(build_parser())) - set(english))
    assert not missing, missing


@pytest.mark.parametrize(("environ", "lang"), [
    ({"SHEETS_SYNC_LANG": "zh-hant", "LANG": "ja_JP.UTF-8"}, "zh-Hant"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LC_ALL": "zh_HK.UTF-8", "LANG": "en_US.UTF-8"}, "zh-Hant"),
    ({"LANG": "ja_JP.UTF-8"}, "ja"),
    ({"LANG": "ms_MY.UTF-8"}, "ms"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({}, "en"),
])
def test_help_speaks_the_users_language(environ: dict[str, str], lang: str) -> None:
    assert help_language(environ) == lang


def test_help_in_japanese(monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SHEETS_SYNC_LANG", "ja")
    with pytest.raises(SystemExit):
        main(["sync", "--help"])
    assert "変更内容を表示し、何も書き込みません" in capsys.readouterr().out


def test_the_referrals_list_is_in_the_books_language(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = _sample(tmp_path, "zh")
    assert main(["referrals", str(path), "--today", SAMPLE_DAY.isoformat()]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("  1. ") and "：介绍 " in first and "位，成交 " in first, first
