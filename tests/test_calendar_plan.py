"""The monthly themes calendar (SPEC §5, seed 000) and the Themes tab."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.config import load_config, merge
from sheets_sync.core.calendar_plan import (
    Theme,
    calendar_tab,
    climate_for,
    parse_month,
    themes_from_config,
    themes_from_table,
    themes_tab,
)
from sheets_sync.core.model import Book, Contact, PartialDate, Table, Transaction

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2025, 2, 10)


def make_config(country: str) -> dict[str, Any]:
    config = load_config()
    return merge(config, {"general": {"default_country": country}})


def plan(country: str, book: Book | None = None, lang: str = "en",
         holidays: dict[date, str] | None = None, solar_terms: dict[date, str] | None = None,
         today: date = TODAY) -> dict[str, list[Any]]:
    config = make_config(country)
    tab = calendar_tab(book or Book([], [], []), today, config, holidays or {}, solar_terms or {},
                       themes_from_config(config), lang)
    return {row[0]: row for row in tab.rows}


def ideas(rows: dict[str, list[Any]], month: str) -> str:
    return rows[month][2]


def test_twelve_months_from_todays_month():
    config = make_config("MY")
    tab = calendar_tab(Book([], [], []), TODAY, config, {}, {}, themes_from_config(config), "en")
    assert tab.key == "calendar"
    assert tab.headers == ["Month", "Theme", "Content ideas", "Holidays", "Solar terms",
                           "Birthdays", "Home anniversaries", "Events"]
    assert [r[0] for r in tab.rows][:2] == ["February 2025", "March 2025"]
    assert tab.rows[-1][0] == "January 2026" and len(tab.rows) == 12


def test_tropical_country_has_no_winterising():
    rows = plan("MY")
    assert climate_for("MY", make_config("MY")) == "tropical"
    assert not any("winteris" in ideas(rows, m).lower() for m in rows)
    assert "monsoon" in ideas(rows, "November 2025").lower()


def test_north_temperate_winterises_in_autumn():
    rows = plan("US")
    assert climate_for("US", make_config("US")) == "north_temperate"
    assert "winterise" in ideas(rows, "October 2025").lower()
    assert "gutters" in ideas(rows, "March 2025").lower()
    assert "winterise" not in ideas(rows, "April 2025").lower()


def test_southern_hemisphere_shifts_seasons_by_six_months():
    rows = plan("AU")
    assert climate_for("AU", make_config("AU")) == "south_temperate"
    assert "winterise" in ideas(rows, "April 2025").lower()
    assert "winterise" not in ideas(rows, "October 2025").lower()
    assert "spring" in ideas(rows, "September 2025").lower()
    assert "gutters" in ideas(rows, "September 2025").lower()


def test_country_override_in_calendar_section():
    config = merge(make_config("MY"), {"calendar": {"country": "NZ"}})
    tab = calendar_tab(Book([], [], []), TODAY, config, {}, {}, themes_from_config(config), "en")
    assert "winterise" in next(r for r in tab.rows if r[0] == "May 2025")[2].lower()


def test_holidays_solar_terms_and_events_by_month():
    rows = plan("MY", holidays={date(2025, 3, 31): "Hari Raya Aidilfitri",
                                date(2025, 3, 1): "Awal Ramadan", date(2024, 3, 5): "old"},
                solar_terms={date(2025, 3, 20): "春分", date(2025, 4, 4): "清明"})
    assert rows["March 2025"][3] == "1 Awal Ramadan, 31 Hari Raya Aidilfitri"
    assert rows["March 2025"][4] == "20 春分"
    assert rows["April 2025"][4] == "4 清明"
    assert rows["December 2025"][7] == "Annual client appreciation event"
    assert rows["January 2026"][7] == "Top referrer of the year recognition"


def test_birthdays_and_home_anniversaries():
    contacts = [
        Contact(row=2, id="C1", name="Alice Tan", birthday=PartialDate(3, 3)),
        Contact(row=3, id="C2", name="王伟", birthday=PartialDate(3, 17, 1980),
                closing_date=date(2020, 3, 5)),
        Contact(row=4, id="C3", name="Leap", birthday=PartialDate(2, 29)),
        Contact(row=5, id="C4", name="Hidden", birthday=PartialDate(3, 9), do_not_contact=True,
                closing_date=date(2021, 3, 9)),
        # Lunar 8/15 (Mid-Autumn) falls on 2025-10-06.
        Contact(row=6, id="C5", name="Lee", birthday=PartialDate(8, 15), lunar_birthday=True),
    ]
    transactions = [Transaction(row=2, contact_id="C1", closing_date=date(2023, 3, 29)),
                    Transaction(row=3, contact_id="C1", closing_date=date(2024, 3, 12)),
                    Transaction(row=4, contact_id="X9", closing_date=date(2022, 6, 1))]
    rows = plan("MY", Book(contacts, [], transactions))
    assert rows["March 2025"][5] == "3 Alice Tan, 17 王伟"
    assert rows["February 2025"][5] == "28 Leap"  # 29 Feb in a common year
    assert rows["October 2025"][5] == "6 Lee (lunar)"
    assert rows["March 2025"][6] == "5 王伟 (5 yrs), 12 Alice Tan (1 yr), 29 Alice Tan (2 yrs)"
    assert rows["June 2025"][6] == "1 X9 (3 yrs)"  # a client only on Transactions
    assert "Hidden" not in str(rows)  # Do not contact


def test_localized_headers_and_marks():
    contacts = [Contact(row=2, id="C5", name="李", birthday=PartialDate(8, 15),
                        lunar_birthday=True, closing_date=date(2020, 10, 1))]
    rows = plan("CN", Book(contacts, [], []), lang="zh")
    assert rows["2025年10月"][5] == "6 李 (农历)"
    assert rows["2025年10月"][6] == "1 李 (5年)"
    assert rows["2025年12月"][7] == "年度客户答谢活动"


def test_themes_tab_overrides_config_where_filled():
    config = make_config("MY")
    defaults = {t.month: t for t in themes_from_config(config)}
    table = Table("主题", 1, ["月份", "主题", "内容创意", "Extra"], [
        (2, [3, "春季家居保养", "", "x"]),  # theme only: ideas stay the config's
        (3, ["April", "", "Open house weekend", None]),  # ideas only
        (4, ["十二月", "年终感恩", "写感谢卡", None]),
        (5, ["not a month", "ignored", "ignored", None]),
    ])
    themes = {t.month: t for t in themes_from_table(table, config)}
    assert len(themes) == 12
    assert themes[3] == Theme(3, "春季家居保养", defaults[3].ideas)
    assert themes[4] == Theme(4, defaults[4].theme, "Open house weekend")
    assert themes[12] == Theme(12, "年终感恩", "写感谢卡")
    assert themes[1] == defaults[1]
    tab = calendar_tab(Book([], [], []), TODAY, config, {}, {}, list(themes.values()), "zh")
    march = next(r for r in tab.rows if r[0] == "2025年3月")
    assert march[1] == "春季家居保养"


def test_themes_from_no_table_is_config():
    config = make_config("MY")
    assert themes_from_table(None, config) == themes_from_config(config)
    assert [t.month for t in themes_from_config(config)] == list(range(1, 13))


def test_themes_tab_written_in_language():
    config = make_config("MY")
    tab = themes_tab(themes_from_config(config), "ja")
    assert tab.key == "themes"
    assert tab.headers == ["月", "テーマ", "コンテンツ案"]
    assert [r[0] for r in tab.rows] == list(range(1, 13))
    # The shipped themes are written in the book's language (locales/ja.toml) …
    assert tab.rows[0][1:] == ["市況レポート：今年の見通し",
                               "地域の市況レポート、「今買うか、待つか」"]
    # … and what the tool writes, it reads back unchanged.
    table = Table("テーマ", 1, tab.headers, [(n + 2, row) for n, row in enumerate(tab.rows)])
    assert [(t.theme, t.ideas) for t in themes_from_table(table, config)] == \
        [(r[1], r[2]) for r in tab.rows]


@pytest.mark.parametrize("text, month", [(1, 1), ("03", 3), ("3月", 3), ("三月", 3),
                                          ("十一月", 11), ("March", 3), ("mar", 3), ("Ogos", 8),
                                          (date(2025, 5, 1), 5), ("13", None), ("", None),
                                          (2.5, None), (None, None)])
def test_parse_month(text, month):
    assert parse_month(text) == month


def test_climate_lists_are_user_config():
    config = merge(make_config("US"), {"calendar": {"tropical_countries": ["US"]}})
    assert climate_for("us", config) == "tropical"
    tab = calendar_tab(Book([], [], []), TODAY, config, {}, {}, themes_from_config(config), "en")
    assert not any("winteris" in row[2].lower() for row in tab.rows)
