"""Per-contact preferences on Contacts: Salutation, Preferred name, Preferred channel and
Festivals, in all five languages, and what they change in the drafted messages and greetings."""

from __future__ import annotations

from datetime import date

import pytest

from sheets_sync.config import load_config
from sheets_sync.core.model import Table
from sheets_sync.core.plan import build_plan
from sheets_sync.core.preferences import address, greets, preferred_app, salutation_for
from sheets_sync.core.tables import column_keys
from sheets_sync.core.vocabulary import CONTACT_COLUMNS, LANGS, label

CONFIG = load_config(None)
TODAY_CFG = CONFIG["today"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_preference_columns_are_found_in_every_language(lang: str) -> None:
    keys = ("salutation", "preferred_name", "preferred_channel", "festivals")
    headers = [label(CONTACT_COLUMNS[k], lang) for k in keys]
    assert set(column_keys("contacts", headers)) == set(keys)


@pytest.mark.parametrize(("name", "lang", "salutation", "preferred", "called"), [
    ("王建国", "zh", "先生", "", "王先生"),
    ("王建国", "zh", "Mr", "", "王先生"),  # a salutation typed in English, a Chinese message
    ("李秀英", "zh", "女士", "", "李女士"),
    ("欧阳娜娜", "zh", "小姐", "", "欧阳小姐"),
    ("陳志明", "zh-Hant", "Mr", "", "陳先生"),
    ("黃美玲", "zh-Hant", "女士", "", "黃女士"),
    ("田中 美咲", "ja", "様", "", "田中"),  # the templates write 様 after the name
    ("鈴木 花子", "ja", "Ms", "", "鈴木"),
    ("佐藤 健", "ja", "Dr", "", "佐藤先生"),
    ("Ahmad bin Ali", "ms", "Encik", "", "Encik Ahmad"),
    ("Nor Azlina Kamal", "ms", "Puan", "Azlina", "Puan Azlina"),
    ("Siti Aminah binti Abdullah", "ms", "Ms", "", "Puan Siti Aminah"),
    ("Mohd Rizal bin Osman", "ms", "Tuan", "", "Tuan Mohd Rizal"),
    ("Farah Nadia", "ms", "Cik", "", "Cik Farah"),
    ("Sarah Tan", "en", "Ms", "", "Ms Tan"),
    ("Tan Wei Ming", "en", "Mr.", "", "Mr Tan"),
    ("Michael Carter", "en", "Dr", "", "Dr Carter"),
    ("Michael Carter", "en", "先生", "", "Mr Carter"),
    ("Samantha Lee", "en", "Dr", "Sam", "Dr Sam"),
])
def test_salutations_in_all_five_languages(name: str, lang: str, salutation: str,
                                           preferred: str, called: str) -> None:
    got = address(name, lang, salutation, preferred)
    assert called in (got.name, got.first_name)


def test_a_preferred_name_alone_is_how_the_message_greets() -> None:
    assert address("Nor Azlina Kamal", "ms", "", "Azlina").first_name == "Azlina"
    assert address("王建国", "zh", "", "建国").name == "建国"
    assert address("Sarah Tan", "en").first_name == "Sarah"  # nothing typed: as before


def test_an_unknown_title_is_used_as_typed() -> None:
    assert salutation_for("Datuk", "ms") == "Datuk"
    assert address("Lee Chong Wei", "ms", "Datuk").first_name == "Datuk Lee Chong Wei"


@pytest.mark.parametrize(("typed", "app"), [
    ("WhatsApp", "whatsapp"), ("whatsapp", "whatsapp"), ("LINE", "line"), ("微信", "wechat"),
    ("WeChat", "wechat"), ("e-mail", "email"), ("メール", "email"), ("SMS", "sms"),
    ("短信", "sms"), ("call", "call"), ("电话", "call"), ("", ""), ("pigeon", "")])
def test_preferred_channel_in_any_language(typed: str, app: str) -> None:
    assert preferred_app(typed) == app


CNY = {"en": "Chinese New Year", "zh": "春节", "ms": "Tahun Baru Cina"}
RAYA = {"en": "Eid al-Fitr", "zh": "开斋节", "ms": "Hari Raya Aidilfitri"}
MERDEKA = {"en": "National Day", "zh": "国庆日", "ms": "Hari Kebangsaan"}
XMAS = {"en": "Christmas Day", "ms": "Hari Krismas"}
NEW_YEAR = {"en": "New Year's Day", "ms": "Tahun Baru"}


def _greets(typed: str, holiday: dict[str, str], country: str = "MY") -> bool:
    return greets(typed, holiday, country, TODAY_CFG["religious_festivals"],
                  TODAY_CFG["national_festivals"], TODAY_CFG["blank_festivals"])


@pytest.mark.parametrize(("typed", "holiday", "greeted"), [
    ("", MERDEKA, True), ("", NEW_YEAR, True),  # blank: the secular national days
    ("", CNY, False), ("", RAYA, False), ("", XMAS, False),
    ("Hari Raya, Merdeka", RAYA, True), ("Hari Raya, Merdeka", MERDEKA, True),
    ("Hari Raya, Merdeka", CNY, False), ("Hari Raya, Merdeka", NEW_YEAR, False),
    ("CNY", CNY, True), ("春节、中秋", CNY, True), ("Tahun Baru Cina", CNY, True),
    ("Deepavali; Christmas", XMAS, True), ("Deepavali; Christmas", RAYA, False),
    ("all", CNY, True), ("semua", RAYA, True), ("none", MERDEKA, False), ("无", NEW_YEAR, False),
])
def test_festival_filtering_per_column_value(typed: str, holiday: dict[str, str],
                                             greeted: bool) -> None:
    assert _greets(typed, holiday) is greeted


def test_chinese_new_year_is_a_national_day_in_china_for_a_blank_cell() -> None:
    assert _greets("", CNY, "CN") and not _greets("", CNY, "MY")


HEADERS = ["ID", "Name", "Owner", "Phone", "Language", "Country", "Stage", "Festivals",
           "Salutation", "Preferred channel"]


def _today(rows: list[list[object]], day: date) -> list[dict[str, object]]:
    from sheets_sync.core.model import WorkbookData

    table = Table("Contacts", 1, HEADERS, [(n + 2, r) for n, r in enumerate(rows)])
    data = WorkbookData({"contacts": table}, ["Contacts"], {"contacts": "Contacts"}, "en",
                        len(HEADERS))
    plan = build_plan(data, CONFIG, day, light=True)
    out = []
    for tab in plan.changes.tabs:
        if tab.key in ("today", "greetings"):  # holiday and solar-term greetings: Greetings
            keys = [c.key for c in tab.columns]
            out += [dict(zip(keys, row, strict=True)) for row in tab.rows
                    if row[keys.index("rule")]]
    return out


def test_a_malaysian_muslim_is_greeted_on_hari_raya_not_on_chinese_new_year() -> None:
    people = [
        ["C1", "Muhammad Hafiz Rahman", "Aisyah", "+60123456789", "ms", "MY", "Closed",
         "Hari Raya, Merdeka", "Encik", ""],
        ["C2", "Tan Wei Ming", "Aisyah", "+60123456780", "en", "MY", "Closed", "CNY", "Mr", ""],
    ]
    cny = _today(people, date(2027, 2, 6))
    assert [i["name"] for i in cny if i["rule"] == "holiday_greeting"] == ["Tan Wei Ming"]
    assert any("Mr Tan" in str(i["message"]) for i in cny if i["rule"] == "holiday_greeting")
    raya = _today(people, date(2027, 3, 10))
    assert [i["name"] for i in raya if i["rule"] == "holiday_greeting"] == [
        "Muhammad Hafiz Rahman"]


def test_solar_term_tips_are_left_out_where_the_climate_does_not_fit() -> None:
    people = [
        ["C1", "王建国", "Mei", "+8613800138000", "zh", "CN", "Closed", "", "先生", ""],
        ["C2", "张伟", "Mei", "+60123456789", "zh", "MY", "Closed", "", "", ""],
        ["C3", "陈静", "Mei", "+85291234567", "zh", "HK", "Closed", "", "", ""],
        ["C4", "刘洋", "Mei", "+61412345678", "zh", "AU", "Closed", "", "", ""],
    ]
    items = _today(people, date(2026, 12, 7))  # 大雪
    tips = [i for i in items if i["rule"] == "solar_term"]
    assert [i["name"] for i in tips] == ["王建国"]
    assert str(tips[0]["message"]).startswith("王先生")
