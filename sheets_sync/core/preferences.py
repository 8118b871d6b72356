"""Per-contact preferences typed on Contacts (SPEC §2): Salutation, Preferred name, Preferred
channel and Festivals, read in any of the five languages, and what they change: how a message
addresses the contact, which app a message opens in, which festivals are greeted, and whether a
solar-term tip fits the contact's climate."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sheets_sync.core.messages import clean_value, first_name
from sheets_sync.core.vocabulary import normalise

# A salutation's meaning, so one typed in another language still reads right: "Mr" for a
# Chinese message is 先生, 先生 for an English one is Mr.
_SALUTATIONS: dict[str, tuple[str, ...]] = {
    "male": ("mr", "mister", "sir", "先生", "encik", "en", "tuan", "mr.", "en."),
    "female": ("ms", "mrs", "miss", "madam", "mdm", "女士", "小姐", "太太", "夫人", "puan", "pn",
               "cik", "ms.", "mrs.", "pn.", "mdm."),
    "doctor": ("dr", "dr.", "doctor", "博士", "医生", "醫生", "先生 (dr)"),
    "honorific": ("様", "さま", "さん", "殿"),
}
# What each meaning is in each message language (a typed word of the message's own language is
# kept as typed: "Mrs", "Tuan", "小姐").
_RENDER: dict[str, dict[str, str]] = {
    "male": {"en": "Mr", "zh": "先生", "zh-Hant": "先生", "ja": "様", "ms": "Encik"},
    "female": {"en": "Ms", "zh": "女士", "zh-Hant": "女士", "ja": "様", "ms": "Puan"},
    "doctor": {"en": "Dr", "zh": "博士", "zh-Hant": "博士", "ja": "先生", "ms": "Dr"},
    "honorific": {"ja": "様"},
}
_OWN = {
    "en": {"mr", "mrs", "ms", "miss", "dr", "madam", "mdm", "sir"},
    "ms": {"encik", "puan", "tuan", "cik", "dr"},
    "zh": {"先生", "女士", "小姐", "太太", "夫人", "博士"},
    "zh-Hant": {"先生", "女士", "小姐", "太太", "夫人", "博士"},
    "ja": {"様", "さま", "さん", "殿", "先生"},
}
# Chinese two-character surnames (the rest take one character).
_COMPOUND_SURNAMES = ("欧阳", "歐陽", "司马", "司馬", "诸葛", "諸葛", "上官", "东方", "東方",
                      "皇甫", "令狐", "慕容", "司徒", "公孙", "公孫")
_FAMILY_FIRST_ROMAN = {"tan", "lim", "lee", "ng", "wong", "ong", "chong", "chan", "teo", "goh",
                       "lau", "yap", "chua", "koh", "low", "leong", "cheng", "chin", "foo", "ho",
                       "khoo", "lai", "liew", "loh", "tay", "toh", "wee", "yeo", "yong", "chew",
                       "ang", "seah", "zhang", "wang", "li", "liu", "chen", "yang", "huang"}

APP_WORDS: dict[str, tuple[str, ...]] = {
    "call": ("call", "phone", "电话", "電話", "telefon", "panggilan"),
    "sms": ("sms", "text", "短信", "簡訊", "ショートメール", "mesej"),
    "whatsapp": ("whatsapp", "wa", "whats app"),
    "line": ("line", "ライン"),
    "wechat": ("wechat", "weixin", "微信"),
    "email": ("email", "e-mail", "mail", "邮件", "電郵", "郵件", "メール", "emel", "e-mel"),
}


def salutation_kind(typed: str) -> str | None:
    word = normalise(typed).rstrip(".")
    for kind, words in _SALUTATIONS.items():
        if word in {normalise(w).rstrip(".") for w in words}:
            return kind
    return None


def salutation_for(typed: str, lang: str) -> str:
    """The salutation as a message in `lang` writes it ("" when none fits)."""
    typed = clean_value(typed)
    if not typed:
        return ""
    if normalise(typed).rstrip(".") in _OWN.get(lang, set()):
        return typed.rstrip(".") if lang in ("en", "ms") else typed
    kind = salutation_kind(typed)
    if kind is None:
        return typed  # a title the tool does not know (Datuk, Prof): used as typed
    return _RENDER[kind].get(lang, "")


def _surname(name: str, lang: str) -> str:
    name = clean_value(name)
    if lang in ("zh", "zh-Hant", "ja"):
        if " " in name or "\u3000" in name:
            return re.split(r"[ \u3000]", name)[0]
        if lang != "ja" and name[:2] in _COMPOUND_SURNAMES:
            return name[:2]
        return name[:1] if lang != "ja" else name
    words = name.split()
    if not words:
        return ""
    if words[0].casefold() in _FAMILY_FIRST_ROMAN and len(words) >= 2:
        return words[0]
    return words[-1]


@dataclass(frozen=True)
class Address:
    """How a message names the contact: `name` for templates that use {name}, `first_name`
    for those that use {first_name}."""

    name: str
    first_name: str


def address(name: str, lang: str, salutation: str = "", preferred: str = "") -> Address:
    """The contact's name as a message in `lang` uses it, with the Salutation and Preferred name:

    - Chinese: surname + salutation, 王建国 + 先生 -> 王先生 (a Preferred name replaces both);
    - Japanese: family name (templates add 様), 田中 美咲 + 様 -> 田中;
    - Malay: salutation + given (or preferred) name, Encik + Ahmad bin Ali -> Encik Ahmad;
    - English: salutation + surname, Ms + Sarah Tan -> Ms Tan, Mr + Tan Wei Ming -> Mr Tan;
      a Preferred name with a salutation -> "Dr Sam".
    """
    name = clean_value(name)
    preferred = clean_value(preferred)
    said = salutation_for(salutation, lang)
    if lang in ("zh", "zh-Hant"):
        if preferred:
            return Address(preferred, preferred)
        if said:
            called = _surname(name, lang) + said
            return Address(called, called)
        return Address(name, first_name(name, lang))
    if lang == "ja":
        base = preferred or (_surname(name, lang) if said else name)
        if said and said not in ("様", "さま"):
            base += said  # さん, 先生: the template's 様 then follows a name that has its own
        return Address(base, base)
    given = preferred or first_name(name, lang)
    if not said:
        return Address(preferred or name, given)
    if lang == "ms" or preferred:
        called = f"{said} {given}"
    else:
        called = f"{said} {_surname(name, lang)}"
    return Address(called, called)


@functools.lru_cache(maxsize=1024)  # a book's Preferred channel cells hold a few words
def preferred_app(typed: str) -> str:
    """The Preferred channel as an app key (send_links.APPS), "" when blank or unknown."""
    word = normalise(typed)
    for app, words in APP_WORDS.items():
        if word in {normalise(w) for w in words}:
            return app
    return ""


# --- Festivals ---------------------------------------------------------------------------------

# Words a person may type in Festivals for each holiday (by its English key); the holiday's own
# names in every language match too.
FESTIVAL_WORDS: dict[str, tuple[str, ...]] = {
    "Chinese New Year": ("CNY", "Lunar New Year", "Spring Festival", "春节", "春節", "农历新年",
                         "農曆新年", "旧正月", "Tahun Baru Cina", "Gong Xi Fa Cai"),
    "Eid al-Fitr": ("Hari Raya", "Hari Raya Aidilfitri", "Hari Raya Puasa", "Aidilfitri", "Eid",
                    "Raya", "开斋节", "開齋節", "イード"),
    "Diwali": ("Deepavali", "Divali", "屠妖节", "屠妖節", "排灯节", "排燈節", "ディワリ"),
    "Christmas Day": ("Christmas", "Xmas", "圣诞", "圣诞节", "聖誕", "聖誕節", "クリスマス",
                      "Krismas", "Hari Krismas"),
    "National Day": ("Merdeka", "Hari Merdeka", "Hari Kebangsaan", "国庆", "国庆节", "國慶",
                     "國慶節", "建国記念日"),
    "Malaysia Day": ("Hari Malaysia",),
    "Dragon Boat Festival": ("Dragon Boat", "Duanwu", "端午", "端午节", "端午節"),
    "Mid-Autumn Festival": ("Mid-Autumn", "Mooncake", "Mooncake Festival", "中秋", "中秋节",
                            "中秋節", "Pesta Tanglung", "Pesta Kuih Bulan"),
    "Tomb-Sweeping Day": ("Qingming", "Ching Ming", "清明", "清明节", "清明節"),
    "New Year's Day": ("New Year", "元旦", "元日", "お正月", "Tahun Baru"),
    "Labor Day": ("Labour Day", "劳动节", "勞動節", "Hari Pekerja"),
    "Children's Day": ("儿童节", "兒童節", "こどもの日", "Hari Kanak-kanak"),
}
ALL_WORDS = ("all", "every", "全部", "所有", "すべて", "全て", "semua")
NONE_WORDS = ("none", "no", "无", "無", "不要", "なし", "tiada", "tidak")
_SPLIT = re.compile(r"[,;/、，；\n]+")


def festival_tokens(typed: str) -> tuple[str, ...]:
    return tuple(normalise(part) for part in _SPLIT.split(typed or "") if part.strip())


def _festival_key(holiday_names: Mapping[str, str]) -> str:
    return holiday_names.get("en", "")


def greets(typed: str, holiday_names: Mapping[str, str], country: str,
           religious: Iterable[str], national: Mapping[str, Iterable[str]],
           blank: str = "national") -> bool:
    """Whether a contact whose Festivals cell says `typed` is greeted on the holiday named
    `holiday_names` (message language -> name). Listed festivals are exactly those greeted
    ("Hari Raya, Merdeka"); "all" greets every holiday, "none" none. A blank cell greets the
    country's national days: every holiday but the religious and cultural ones (`religious`,
    by English name), except those that are national days in the country (`national`: the
    Chinese festivals in CN, TW, HK); `blank` "all" greets every holiday instead."""
    key = _festival_key(holiday_names)
    tokens = festival_tokens(typed)
    if not tokens:
        if blank == "all":
            return True
        national_here = {normalise(n) for n in national.get(country, ())}
        religious_set = {normalise(n) for n in religious}
        return normalise(key) not in religious_set or normalise(key) in national_here
    if any(t in {normalise(w) for w in ALL_WORDS} for t in tokens):
        return True
    if all(t in {normalise(w) for w in NONE_WORDS} for t in tokens):
        return False
    names = {normalise(n) for n in holiday_names.values() if n}
    names |= {normalise(w) for w in FESTIVAL_WORDS.get(key, ())}
    names.add(normalise(key))
    return any(t in names for t in tokens)


# --- Solar terms and climate -------------------------------------------------------------------


def climate_of(country: str, tropical: Iterable[str], south: Iterable[str],
               default: str) -> str:
    if country in set(tropical):
        return "tropical"
    if country in set(south):
        return "south_temperate"
    return default


# --- What the engine asks ----------------------------------------------------------------------


@dataclass(frozen=True)
class Greeting:
    """The settings the greeting filter reads (today.*, calendar.*)."""

    religious: tuple[str, ...]
    national: Mapping[str, tuple[str, ...]]
    blank: str
    tip_climates: tuple[str, ...]
    tropical: tuple[str, ...]
    south: tuple[str, ...]
    default_climate: str


def greeting_settings(today: object, calendar: object) -> Greeting:
    return Greeting(
        religious=tuple(getattr(today, "religious_festivals", ())),
        national={k: tuple(v) for k, v in getattr(today, "national_festivals", {}).items()},
        blank=str(getattr(today, "blank_festivals", "national")),
        tip_climates=tuple(getattr(today, "solar_term_climates", ("north_temperate",))),
        tropical=tuple(getattr(calendar, "tropical_countries", ())),
        south=tuple(getattr(calendar, "south_temperate_countries", ())),
        default_climate=str(getattr(calendar, "default_climate", "north_temperate")),
    )


def wanted(calendar: str, values: Mapping[str, object], festivals: str, country: str,
           greeting: Greeting) -> bool:
    """Whether a calendar occurrence (its `values`) is for this contact: a holiday the contact's
    Festivals cell greets, a solar-term tip only where the contact's climate is one the tips
    are written for (north temperate: 大雪 is no snow in Kuala Lumpur or Sydney)."""
    if calendar == "holidays":
        names = values.get("holiday")
        if not isinstance(names, Mapping):
            return True
        return greets(festivals, names, country, greeting.religious, greeting.national,
                      greeting.blank)
    if calendar == "solar_terms":
        climate = climate_of(country, greeting.tropical, greeting.south,
                             greeting.default_climate)
        return climate in greeting.tip_climates
    return True
