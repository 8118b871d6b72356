"""Solar terms, lunar birthdays and public holidays against published tables."""

from __future__ import annotations

from datetime import date

import pytest

from sheets_sync.core.calendars import (
    SOLAR_TERM_KEYS,
    lunar_birthday_dates,
    lunar_to_solar,
    public_holidays,
    solar_birthday,
    solar_term_names,
    solar_terms,
)

# Hong Kong Observatory, "2013 年二十四节气的日期及时间资料"
# https://www.hko.gov.hk/sc/gts/astron2013/Solar_Term_2013.htm (Hong Kong time = UTC+8, the
# same clock as Beijing time, which is how almanacs date the terms).
HKO_2013 = {
    "小寒": (1, 5), "大寒": (1, 20), "立春": (2, 4), "雨水": (2, 18), "惊蛰": (3, 5),
    "春分": (3, 20), "清明": (4, 4), "谷雨": (4, 20), "立夏": (5, 5), "小满": (5, 21),
    "芒种": (6, 5), "夏至": (6, 21), "小暑": (7, 7), "大暑": (7, 22), "立秋": (8, 7),
    "处暑": (8, 23), "白露": (9, 7), "秋分": (9, 23), "寒露": (10, 8), "霜降": (10, 23),
    "立冬": (11, 7), "小雪": (11, 22), "大雪": (12, 7), "冬至": (12, 22),
}

# Chinese Calendar Online, "Date and Time Information of 24 Solar Terms"
# https://www.chinesecalendaronline.com/solar-terms/ — the first ten terms of 2023-2026.
CCO = {
    2023: ["01-05", "01-20", "02-04", "02-19", "03-06", "03-21", "04-05", "04-20", "05-06",
           "05-21"],
    2024: ["01-06", "01-20", "02-04", "02-19", "03-05", "03-20", "04-04", "04-19", "05-05",
           "05-20"],
    2025: ["01-05", "01-20", "02-03", "02-18", "03-05", "03-20", "04-04", "04-20", "05-05",
           "05-21"],
    2026: ["01-05", "01-20", "02-04", "02-18", "03-05", "03-20", "04-05", "04-20", "05-05",
           "05-21"],
}

# 冬至 2020-2030, "2020-2030冬至时间表", https://www.wubuwen.com/answer/268835.html
DONGZHI = {2020: 21, 2021: 21, 2022: 22, 2023: 22, 2024: 21, 2025: 21, 2026: 22, 2027: 22,
           2028: 21, 2029: 21, 2030: 22}


def test_all_24_terms_of_2013_match_the_hong_kong_observatory() -> None:
    terms = solar_terms(2013)
    assert len(terms) == 24
    got = {term.name("zh"): (term.date.month, term.date.day) for term in terms}
    assert got == HKO_2013


@pytest.mark.parametrize("year", sorted(CCO))
def test_first_ten_terms_2023_to_2026(year: int) -> None:
    got = [term.date.strftime("%m-%d") for term in solar_terms(year)[:10]]
    assert got == CCO[year]
    assert [t.key for t in solar_terms(year)[:3]] == ["xiaohan", "dahan", "lichun"]


@pytest.mark.parametrize(("year", "day"), sorted(DONGZHI.items()))
def test_winter_solstice_2020_to_2030(year: int, day: int) -> None:
    dongzhi = [t.date for t in solar_terms(year) if t.key == "dongzhi"]
    assert dongzhi == [date(year, 12, day)]


def test_lichun_2024_and_2025_and_every_year_has_24_terms_in_order() -> None:
    assert [t.date for t in solar_terms(2024) if t.key == "lichun"] == [date(2024, 2, 4)]
    assert [t.date for t in solar_terms(2025) if t.key == "lichun"] == [date(2025, 2, 3)]
    for year in range(2000, 2051):
        terms = solar_terms(year)
        assert len(terms) == 24 and len({t.key for t in terms}) == 24
        assert [t.date for t in terms] == sorted(t.date for t in terms)


def test_term_names_in_every_message_language() -> None:
    assert solar_term_names("jingzhe") == {"en": "Awakening of Insects", "zh": "惊蛰",
                                           "zh-Hant": "驚蟄", "ja": "啓蟄",
                                           "ms": "Serangga Terjaga"}
    assert len(SOLAR_TERM_KEYS) == 24


# Lunar dates: Spring Festival (1/1), Dragon Boat (5/5) and Mid-Autumn (8/15) as published in
# the State Council holiday notices that the `holidays` package encodes for CN, and the
# well-known dates: Spring Festival 10 Feb 2024, 29 Jan 2025, 17 Feb 2026; Mid-Autumn 17 Sep
# 2024, 6 Oct 2025, 25 Sep 2026.
@pytest.mark.parametrize(("month", "day", "year", "expected"), [
    (1, 1, 2024, date(2024, 2, 10)),
    (1, 1, 2025, date(2025, 1, 29)),
    (1, 1, 2026, date(2026, 2, 17)),
    (8, 15, 2024, date(2024, 9, 17)),
    (8, 15, 2025, date(2025, 10, 6)),
    (8, 15, 2026, date(2026, 9, 25)),
    (5, 5, 2025, date(2025, 5, 31)),
    (5, 5, 2026, date(2026, 6, 19)),
])
def test_lunar_birthday_to_this_years_solar_date(month: int, day: int, year: int,
                                                 expected: date) -> None:
    assert lunar_birthday_dates(month, day, year) == (expected,)


def test_lunar_dates_agree_with_the_holidays_package() -> None:
    names = {"Chinese New Year": (1, 1), "Dragon Boat Festival": (5, 5),
             "Mid-Autumn Festival": (8, 15)}
    for year in range(2022, 2028):
        for holiday in public_holidays("CN", year, None, ("observed", "day off", "'s eve")):
            if holiday.key in names:
                assert lunar_birthday_dates(*names[holiday.key], year) == (holiday.date,)


def test_lunar_30th_in_a_short_month_and_late_twelfth_month_birthdays() -> None:
    # Lunar 2023's twelfth month has 29 days: a "30th" birthday is kept on the 29th, which is
    # the eve of the Spring Festival, 9 February 2024.
    assert lunar_to_solar(2023, 12, 30) == date(2024, 2, 9)
    assert lunar_birthday_dates(12, 30, 2024) == (date(2024, 2, 9),)
    # Lunar 12/1 fell on 31 Dec 2024 and falls on 19 Jan 2026: not at all in 2025.
    assert lunar_birthday_dates(12, 1, 2025) == ()
    assert lunar_birthday_dates(12, 1, 2026) == (date(2026, 1, 19),)
    assert lunar_birthday_dates(13, 1, 2026) == ()


def test_solar_birthday_handles_29_february() -> None:
    assert solar_birthday(2, 29, 2027) == date(2027, 2, 28)
    assert solar_birthday(2, 29, 2028) == date(2028, 2, 29)
    assert solar_birthday(4, 31, 2027) is None


def test_public_holidays_one_greeting_per_holiday_with_local_names() -> None:
    exclude = ("observed", "day off", "substitut", "additional", "'s eve")
    cn = {h.key: h for h in public_holidays("CN", 2026, None, exclude)}
    assert cn["Chinese New Year"].date == date(2026, 2, 17)  # three days off, one greeting
    assert cn["Chinese New Year"].name("zh") == "春节"
    assert cn["Mid-Autumn Festival"].name("zh-Hant") == "中秋節"
    # The package has no Japanese names for CN; the tool's own table fills them in.
    assert cn["National Day"].name("ja") == "国慶節"
    assert not any("Day off" in key for key in cn)
    my = {h.key: h for h in public_holidays("MY", 2026, "14", exclude)}
    assert my["Eid al-Fitr"].date == date(2026, 3, 21)  # not the "additional holiday" before
    assert my["Eid al-Fitr"].name("ms") == "Hari Raya Puasa"
    assert my["Diwali"].date == date(2026, 11, 8)
    assert public_holidays("XX", 2026) == ()
    assert public_holidays("", 2026) == ()


def test_fast_lunar_conversion_agrees_with_lunar_python_day_by_day() -> None:
    from lunar_python import Lunar, LunarMonth

    for lunar_year in range(2010, 2036):
        for month in range(1, 13):
            days = LunarMonth.fromYm(lunar_year, month).getDayCount()
            for day in (1, days):
                solar = Lunar.fromYmd(lunar_year, month, day).getSolar()
                assert lunar_to_solar(lunar_year, month, day) == date(
                    solar.getYear(), solar.getMonth(), solar.getDay())
