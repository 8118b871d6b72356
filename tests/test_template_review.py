"""What the message templates' review (docs/i18n-review.md) promises: no placeholder survives
rendering, no sentence is said twice, a solar term is named as one, and a first-call SMS never
goes out without the office address."""

from __future__ import annotations

import re
from datetime import date

import pytest
from test_touch_fixtures import book, cls, config, contact, interaction, plan, templates

from sheets_sync.core.calendars import SOLAR_TERM_KEYS, solar_term_names
from sheets_sync.core.messages import first_name, render

LANGS = ("en", "zh", "zh-Hant", "ja", "ms")
TODAY = date(2026, 11, 23)
# A value for every placeholder the templates may use.
VALUES = {"name": "王美玲", "first_name": "美玲", "agent": "陈静", "years": 3, "age": 40,
          "holiday": "中秋节", "term": "冬至", "tip": "注意保暖。", "referred": "李娜",
          "tier": "首次转介绍", "reward": "感谢礼品", "count": 2, "milestone": "二期开盘",
          "address": "12 Jalan Ampang, KL", "kind": "搬家", "year": 2026, "date": "12-01"}
LEFT_OVER = re.compile(r"\{[^{}]*\}|\[[^\[\]]*\]|［[^［］]*］")
SENTENCE = re.compile(r"[^。！？.!?]+[。！？.!?]")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("section", ["labels", "details", "messages", "words", "tips"])
def test_no_template_placeholder_survives_rendering(lang: str, section: str) -> None:
    for key, text in templates().langs[lang][section].items():
        rendered = render(text, VALUES)
        assert not LEFT_OVER.search(rendered), (lang, section, key, rendered)


@pytest.mark.parametrize("lang", LANGS)
def test_no_solar_term_message_says_a_sentence_twice_or_names_the_term_in_its_tip(
        lang: str) -> None:
    tables = templates().langs[lang]
    for key in SOLAR_TERM_KEYS:
        term = solar_term_names(key)[lang]
        tip = tables["tips"][key]
        assert term.casefold() not in tip.casefold(), (lang, key, tip)
        message = render(tables["messages"]["solar_term"],
                         {**VALUES, "term": term, "tip": tip})
        sentences = [s.strip() for s in SENTENCE.findall(message)]
        assert len(sentences) == len(set(sentences)), message


@pytest.mark.parametrize("lang", ["zh", "zh-Hant", "ja"])
def test_a_solar_term_is_named_as_a_solar_term_not_as_the_weather(lang: str) -> None:
    # 今日は大雪です reads "it snows heavily today"; the message names the 24 solar terms.
    message = templates().langs[lang]["messages"]["solar_term"]
    assert ("二十四节气" in message or "二十四節氣" in message or "二十四節気" in message)
    assert re.search(r"[“「]\{term\}[”」]", message)


def _first_call(address: str, lang: str = "zh"):
    person = contact(2, "C1", "王美玲", stage="Lead", language=lang, owner="陈静")
    call = interaction("C1", TODAY, "询问B座", channel="call")
    return plan(book([person], [call]), {2: cls("B", "Prospect")},
                cfg=config(office_address=address))


@pytest.mark.parametrize("lang", LANGS)
def test_without_the_office_address_the_first_call_sms_is_left_blank_with_an_issue(
        lang: str) -> None:
    result = _first_call("", lang)
    item = next(i for i in result.today if i.rule == "event_first_call")
    assert item.message == ""
    assert [i.problem for i in result.issues if "office address" in i.problem] == [
        "The office address is not set, so the first-call SMS with directions is left blank"]


def test_with_the_office_address_the_first_call_sms_gives_it() -> None:
    result = _first_call("12 Jalan Ampang, KL")
    item = next(i for i in result.today if i.rule == "event_first_call")
    assert "12 Jalan Ampang, KL" in item.message
    assert not [i for i in result.issues if "office address" in i.problem]


@pytest.mark.parametrize(("name", "lang", "greeting"), [
    ("Nor Azlina Kamal", "ms", "Nor Azlina"),
    ("Nurul Huda Ismail", "ms", "Nurul Huda"),
    ("Tan Wei Ming", "zh", "Tan Wei Ming"),
    ("佐藤 健", "ja", "佐藤 健"),
])
def test_a_short_name_follows_the_culture_of_the_name(name: str, lang: str,
                                                      greeting: str) -> None:
    assert first_name(name, lang) == greeting


def test_japanese_messages_address_the_contact_with_sama() -> None:
    # The sphere (friends and partners) is addressed with さん: 様 would sound distant.
    for key, text in templates().langs["ja"]["messages"].items():
        assert ("{name}さん" if key.startswith("checkin_sphere") else "{name}様") in text, key
