"""`init --lang` gives a book the country and language it is for (issue 9, point 9): a Chinese
book reads its own phone numbers and drafts in Chinese; a country name in a config file is
refused up front, naming the code meant."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.cli import main
from sheets_sync.config import load_config
from sheets_sync.core import vocabulary as v
from sheets_sync.core.plan import PlanResult, build_plan
from sheets_sync.errors import ConfigError, UserError
from sheets_sync.starter import write_starter_workbook
from sheets_sync.stores.xlsx import XlsxStore
from sheets_sync.sync import sync_workbook

TODAY = date(2026, 11, 23)


def tab(key: str, lang: str) -> str:
    return v.label(v.TABS[key], lang)


def settings_of(path: Path, lang: str) -> dict[str, object]:
    sheet = openpyxl.load_workbook(path)[tab("settings", lang)]
    index = v.build_index(v.BOOK_SETTINGS)
    return {index[v.normalise(name)]: value
            for name, value, *_ in sheet.iter_rows(min_row=2, values_only=True)}


def add_contact(path: Path, lang: str, name: str, phone: str) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book[tab("contacts", lang)]
    headers = [c.value for c in sheet[1]]
    row = [None] * len(headers)
    row[headers.index(v.label(v.CONTACT_COLUMNS["name"], lang))] = name
    row[headers.index(v.label(v.CONTACT_COLUMNS["phone"], lang))] = phone
    sheet.append(row)
    book.save(path)


def synced(path: Path) -> PlanResult:
    """The plan of the book after a sync (what the sync wrote, read back as the next one)."""
    sync_workbook(str(path), load_config(), TODAY)
    return build_plan(XlsxStore(path).read(), load_config(), TODAY)


@pytest.mark.parametrize(("lang", "country"), [
    ("zh", "CN"), ("zh-Hant", "TW"), ("ja", "JP"), ("ms", "MY"), ("en", "MY")])
def test_init_gives_each_language_its_country(tmp_path: Path, lang: str, country: str) -> None:
    path = tmp_path / "book.xlsx"
    write_starter_workbook(path, lang)
    settings = settings_of(path, lang)
    assert settings["default_country"] == country
    assert settings["default_language"] == v.label(v.MESSAGE_LANGUAGES[lang], lang)


def test_init_country_flag_takes_a_code_or_a_name(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "hk.xlsx"), "--lang", "zh-Hant", "--country", "HK"]) == 0
    assert settings_of(tmp_path / "hk.xlsx", "zh-Hant")["default_country"] == "HK"
    assert settings_of(tmp_path / "hk.xlsx", "zh-Hant")["currency"] == "HKD"
    write_starter_workbook(tmp_path / "sg.xlsx", "zh", country="新加坡")
    assert settings_of(tmp_path / "sg.xlsx", "zh")["default_country"] == "SG"


def test_init_says_the_country_and_language_it_chose(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "my.xlsx"), "--lang", "en"]) == 0
    assert "Default country MY, language en: change them on the Settings tab." in (
        capsys.readouterr().out)


def test_init_says_it_in_the_new_books_language(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "jp.xlsx"
    assert main(["init", str(path), "--lang", "ja"]) == 0
    assert capsys.readouterr().out.strip() == (
        f"{path} を作成しました。既定の国は JP、言語は ja です。「設定」シートで変更できます。"
        f"次の手順：sheets-sync sync {path}")


def test_init_refuses_an_unknown_country(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        write_starter_workbook(tmp_path / "x.xlsx", "en", country="Malasia")
    assert "MY" in caught.value.fix
    assert not (tmp_path / "x.xlsx").exists()


def test_the_sample_stays_in_malaysia_whatever_its_language(tmp_path: Path) -> None:
    write_starter_workbook(tmp_path / "s.xlsx", "zh", sample=True, today=TODAY)
    assert settings_of(tmp_path / "s.xlsx", "zh")["default_country"] == "MY"


def test_a_chinese_book_reads_a_chinese_mobile_number(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    write_starter_workbook(path, "zh")
    add_contact(path, "zh", "王建国", "13800138000")
    result = synced(path)
    (contact,) = result.book.contacts
    assert contact.phone == "+8613800138000"
    assert not [i for i in result.book.issues if i.value == "13800138000"]


def test_contacts_without_a_language_get_the_books_language(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    write_starter_workbook(path, "ja")
    add_contact(path, "ja", "山田太郎", "090-1234-5678")
    (contact,) = synced(path).book.contacts
    assert contact.language == "ja"
    assert contact.phone == "+819012345678"


def test_a_country_name_in_a_config_file_is_refused_naming_the_code(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[general]\ndefault_country = "Malaysia"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert 'did you mean default_country = "MY"?' in str(caught.value)


def test_a_code_no_phone_belongs_to_is_refused_naming_the_code(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[general]\ndefault_country = "UK"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert '"GB"' in str(caught.value)


def test_a_country_name_as_the_calendars_country_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[calendar]\ncountry = "Singapore"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert 'did you mean country = "SG"?' in str(caught.value)
