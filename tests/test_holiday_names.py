"""Holiday names inside Chinese, Japanese and Malay messages are in that language, or the
message greets without a name: never an English holiday name mid-sentence."""

from __future__ import annotations

import copy
import re
from datetime import date

import pytest
from test_touch_fixtures import book, cls, config, contact, plan

from sheets_sync.core import calendars

COUNTRIES = ("MY", "SG", "CN", "TW", "HK", "JP")
CJK_LANGS = ("zh", "zh-Hant", "ja")
START = date(2026, 1, 1)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _every_holiday_config() -> dict:
    """The default rules, greeting on every public holiday of every country."""
    cfg = copy.deepcopy(config())
    rule = cfg["touchpoints"]["rules"]["holiday_greeting"]
    rule.pop("include", None)
    for setup in rule.get("countries", {}).values():
        setup.pop("include", None)
    cfg["today"]["blank_festivals"] = "all"  # a blank Festivals cell greets every holiday too
    return cfg


@pytest.mark.parametrize("country", COUNTRIES)
def test_no_ascii_holiday_name_inside_a_cjk_message(country: str) -> None:
    people = [contact(n + 2, f"C{n}", "王美玲", language=lang, country=country, owner="陈静",
                      last_contact=START)
              for n, lang in enumerate(CJK_LANGS)]
    classes = {p.row: cls("B") for p in people}
    items = plan(book(people), classes, today=START, cfg=_every_holiday_config(),
                 upcoming_days=366).upcoming
    greetings = [i for i in items if i.rule == "holiday_greeting"]
    assert len(greetings) >= 3 * 5  # every language hears of several holidays a year
    for item in greetings:
        assert not LATIN_WORD.search(item.message), (item.lang, item.due, item.message)


@pytest.mark.parametrize("country", COUNTRIES)
@pytest.mark.parametrize("lang", [*CJK_LANGS, "ms"])
def test_every_holiday_of_the_greeted_countries_has_a_name_in_every_language(
        country: str, lang: str) -> None:
    for holiday in calendars.public_holidays(country, 2026, "14" if country == "MY" else None,
                                             calendars.DEFAULT_EXCLUDE):
        name = holiday.names.get(lang)
        assert name, (country, holiday.key, lang)
        if lang != "ms":
            assert not LATIN_WORD.search(name), (country, holiday.key, name)


def test_a_holiday_without_a_name_in_the_language_gets_the_neutral_greeting() -> None:
    # Thanksgiving: the package and the tool's table name it in English only.
    person = contact(2, "C1", "王美玲", language="zh", country="US", owner="陈静",
                     last_contact=date(2026, 11, 26))
    items = plan(book([person]), {2: cls("B")}, today=date(2026, 11, 26),
                 cfg=_every_holiday_config()).today
    assert [i.rule for i in items] == ["holiday_greeting"]
    assert items[0].message == "王美玲您好，值此佳节，祝您和家人节日愉快、阖家安康。——陈静"
    # In a Chinese book its Today label names no English holiday either.
    items = plan(book([person]), {2: cls("B")}, today=date(2026, 11, 26),
                 cfg=_every_holiday_config(), lang="zh").today
    assert items[0].label == "节日祝福"
