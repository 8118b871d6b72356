"""One catalogue of user-visible text per language (locales/<lang>.toml): every text the core
shows a person has an entry in every language, and a book is written in its own language."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from sheets_sync.config import load_config, with_book_language
from sheets_sync.core import catalogue
from sheets_sync.core.catalogue import shipped_catalogue
from sheets_sync.core.classify import CLIENT, PAST_CLIENT, UNDER_CONTRACT
from sheets_sync.core.messages import load_templates
from sheets_sync.core.metrics_catalogue import ACTIVITIES, ADVICE
from sheets_sync.core.plan import build_plan
from sheets_sync.core.vocabulary import LANGS
from sheets_sync.starter import write_starter_workbook
from sheets_sync.stores.xlsx import XlsxStore
from tests.catalogue_keys import source_keys
from tests.trust_books import TrustBook, person

TODAY = date(2026, 3, 14)
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def test_every_text_the_core_shows_has_a_catalogue_key() -> None:
    english = shipped_catalogue().langs["en"]
    for section, texts in source_keys().items():
        missing = sorted(texts - set(english[section]))
        assert not missing, f"[{section}] lacks {missing}"


@pytest.mark.parametrize("lang", LANGS[1:])
def test_every_catalogue_key_is_present_in_every_language(lang: str) -> None:
    english, other = shipped_catalogue().langs["en"], shipped_catalogue().langs[lang]
    for section in catalogue.SECTIONS:
        assert set(other[section]) == set(english[section]), (lang, section)
        assert all(other[section].values()), (lang, section)


@pytest.mark.parametrize("lang", LANGS)
def test_a_translation_fills_only_the_values_its_key_carries(lang: str) -> None:
    for section, table in shipped_catalogue().langs[lang].items():
        for key, text in table.items():
            slots = {int(n) for n in re.findall(r"\{(\d+)\}", text)}
            assert slots <= set(range(key.count("{}"))), (section, key, text)
            assert not re.search(r"\{(?!\d+\})", text), (section, key, text)


def test_the_shipped_references_themes_advice_and_values_have_entries() -> None:
    config = load_config(None)
    english = shipped_catalogue().langs["en"]
    assert set(config["metrics"]["references"].values()) <= set(english["references"])
    shipped = {t["theme"] for t in config["themes"]} | {t["ideas"] for t in config["themes"]}
    for lines in config["calendar"]["seasonal"].values():
        shipped |= set(lines)
    assert shipped <= set(english["themes"])
    assert set(ADVICE) <= set(english["advice"])
    lifecycles = {CLIENT, PAST_CLIENT, UNDER_CONTRACT, "Prospect", "Lost"}
    assert lifecycles | set(ACTIVITIES) <= set(english["values"])


def test_a_text_with_values_is_put_into_the_language_with_its_values() -> None:
    assert catalogue.text("issues", "Duplicate ID, also on row 42", "zh") == \
        "编号重复，第 42 行也在使用"
    assert catalogue.text("issues", "Duplicate ID, also on row 42", "zh-Hant") == \
        "編號重複，第 42 列也在使用"
    assert catalogue.text("issues", "use one of: Advocate, Network", "ja") == \
        "次から選んでください：支持者、人脈"
    assert catalogue.text("issues", "31 February does not exist", "zh") == "2月31日不存在"


def test_a_text_without_an_entry_stays_as_it_is() -> None:
    assert catalogue.text("themes", "Our own theme", "zh") == "Our own theme"
    assert catalogue.text("issues", "not a date", "en") == "not a date"


def _plan(tmp_path: Path, lang: str, config: dict | None = None):
    path = tmp_path / f"{lang}.xlsx"
    write_starter_workbook(path, lang=lang, sample=True, today=TODAY)
    return build_plan(XlsxStore(path).read(), config or load_config(None), TODAY,
                      templates=load_templates())


def _tab(result, key: str):
    return next(tab for tab in result.changes.tabs if tab.key == key)


@pytest.mark.parametrize("lang", ["zh", "zh-Hant", "ja"])
def test_a_cjk_book_gets_its_issues_and_metrics_in_its_language(tmp_path: Path,
                                                                lang: str) -> None:
    result = _plan(tmp_path, lang)
    for row in _tab(result, "issues").rows:
        assert CJK.search(row[4]) and CJK.search(row[5]), row
    rows = _tab(result, "metrics").rows
    for row in rows[:rows.index([])]:  # the metrics, above the breakdown tables
        assert CJK.search(row[4]), row  # the definition
    lifecycles = {w.values["lifecycle"] for w in result.changes.contacts}
    assert all(CJK.search(v) for v in lifecycles), lifecycles


def test_the_book_language_setting_overrides_the_headers_language(tmp_path: Path) -> None:
    config = with_book_language(load_config(None), "ms")
    result = _plan(tmp_path, "en", config)
    problems = [row[4] for row in _tab(result, "issues").rows]
    assert "domain example,com ada koma" in problems
    assert {w.values["activity"] for w in result.changes.contacts} <= {
        "Aktif", "Semakin dingin", "Senyap", "Dorman"}


def test_values_inside_a_text_are_put_into_the_language_too() -> None:
    assert catalogue.text(
        "issues", "Circle: suggest Core Advocate (3 referrals closed; typed Advocate)", "zh") == \
        "圈层：建议改为核心拥护者（已成交转介绍 3 个；现填写为拥护者）"
    assert catalogue.text(
        "issues", "Profile 80 % complete, target 100 %: add email, birthday", "zh") == \
        "资料完整度 80%，目标 100%：请补充邮箱、生日"
    assert catalogue.text("cli", "C: assign 2 IDs (row 30 → C0044, row 33 → C0045)", "zh") == \
        "C：分配 2 个编号（第 30 行 → C0044、第 33 行 → C0045）"


def test_a_chinese_books_landline_issue_names_the_touchpoint_as_today_does() -> None:
    birthday = date(1980, TODAY.month, TODAY.day)
    book = TrustBook([person("C1", "王建国", phone="03-2123 4567", language="zh",
                             birthday=birthday)],
                     settings={"general": {"book_language": "zh"}})
    result = book.sync(TODAY)
    problems = [row[4] for row in _tab(result, "issues").rows if "电话" in row[4]]
    assert problems == ["该号码是固定电话：「生日祝福」改用电话代替短信"]
