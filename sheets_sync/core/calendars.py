"""Dates that come from calendars, not from the sheet (SPEC §4 "Greetings", "Personal dates").

- public holidays of a country, from the `holidays` package, with their names in every message
  language the package knows for that country;
- the 24 Chinese solar terms (seed 001: a health tip by SMS on each of 立春 … 大寒);
- Chinese-lunar birthdays converted to this year's solar date (seed 001, SPEC §4).

Everything here is computed once per country/year (or per lunar month/day/year) and cached, so the
engine can ask per contact without recomputing: a 100,000-contact book touches each calendar once.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import accumulate
from typing import Any

from sheets_sync.core import calendar_data

# lunar_python runs the astronomy only for years outside the shipped tables (calendar_data.py),
# and `holidays` loads every country's module on first use: both are imported where used.

MESSAGE_LANGS = ("en", "zh", "zh-Hant", "ja", "ms")


# ---------------------------------------------------------------------------------------------
# Solar terms

@dataclass(frozen=True)
class SolarTerm:
    """One of the 24 solar terms on its date (China Standard Time, as almanacs publish them)."""

    date: date
    key: str  # pinyin key, stable across languages: "lichun" … "dahan"
    names: dict[str, str] = field(compare=False, hash=False)  # message language -> name

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names["en"]


# key, simplified, traditional, Japanese, English, Malay — in calendar order from 立春.
# The English names follow the Hong Kong Observatory's renderings where they are plain words.
_TERMS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("lichun", "立春", "立春", "立春", "Start of Spring", "Permulaan Musim Bunga"),
    ("yushui", "雨水", "雨水", "雨水", "Rain Water", "Air Hujan"),
    ("jingzhe", "惊蛰", "驚蟄", "啓蟄", "Awakening of Insects", "Serangga Terjaga"),
    ("chunfen", "春分", "春分", "春分", "Spring Equinox", "Ekuinoks Musim Bunga"),
    ("qingming", "清明", "清明", "清明", "Clear and Bright", "Cerah dan Terang"),
    ("guyu", "谷雨", "穀雨", "穀雨", "Grain Rain", "Hujan Bijirin"),
    ("lixia", "立夏", "立夏", "立夏", "Start of Summer", "Permulaan Musim Panas"),
    ("xiaoman", "小满", "小滿", "小満", "Grain Buds", "Bijirin Berisi"),
    ("mangzhong", "芒种", "芒種", "芒種", "Grain in Ear", "Bijirin Berbulir"),
    ("xiazhi", "夏至", "夏至", "夏至", "Summer Solstice", "Solstis Musim Panas"),
    ("xiaoshu", "小暑", "小暑", "小暑", "Minor Heat", "Panas Kecil"),
    ("dashu", "大暑", "大暑", "大暑", "Major Heat", "Panas Besar"),
    ("liqiu", "立秋", "立秋", "立秋", "Start of Autumn", "Permulaan Musim Luruh"),
    ("chushu", "处暑", "處暑", "処暑", "End of Heat", "Akhir Panas"),
    ("bailu", "白露", "白露", "白露", "White Dew", "Embun Putih"),
    ("qiufen", "秋分", "秋分", "秋分", "Autumn Equinox", "Ekuinoks Musim Luruh"),
    ("hanlu", "寒露", "寒露", "寒露", "Cold Dew", "Embun Sejuk"),
    ("shuangjiang", "霜降", "霜降", "霜降", "Frost's Descent", "Fros Turun"),
    ("lidong", "立冬", "立冬", "立冬", "Start of Winter", "Permulaan Musim Sejuk"),
    ("xiaoxue", "小雪", "小雪", "小雪", "Minor Snow", "Salji Kecil"),
    ("daxue", "大雪", "大雪", "大雪", "Major Snow", "Salji Besar"),
    ("dongzhi", "冬至", "冬至", "冬至", "Winter Solstice", "Solstis Musim Sejuk"),
    ("xiaohan", "小寒", "小寒", "小寒", "Minor Cold", "Sejuk Kecil"),
    ("dahan", "大寒", "大寒", "大寒", "Major Cold", "Sejuk Besar"),
)
SOLAR_TERM_KEYS: tuple[str, ...] = tuple(t[0] for t in _TERMS)
_TERM_NAMES = {t[0]: dict(zip(MESSAGE_LANGS, (t[4], t[1], t[2], t[3], t[5]), strict=True))
               for t in _TERMS}
_BY_HANZI = {t[1]: t[0] for t in _TERMS}
# lunar_python names the terms that repeat at the edge of its table in upper-case pinyin.
_BY_PINYIN = {key.upper(): key for key in SOLAR_TERM_KEYS}
_BY_PINYIN.update({"LI_CHUN": "lichun", "YU_SHUI": "yushui", "JING_ZHE": "jingzhe",
                   "DA_XUE": "daxue", "DONG_ZHI": "dongzhi", "XIAO_HAN": "xiaohan",
                   "DA_HAN": "dahan"})


def solar_term_names(key: str) -> dict[str, str]:
    """Names of the solar term `key` per message language."""
    return dict(_TERM_NAMES[key])


# The standard time of a country, in minutes east of UTC, for the day a solar term falls on
# there; a country with several zones takes its capital's. Not listed: China Standard Time
# (UTC+8), the almanac's own.
CHINA_MINUTES = 480
UTC_OFFSET_MINUTES: dict[str, int] = {
    "JP": 540, "KR": 540, "KP": 540, "TH": 420, "VN": 420, "ID": 420, "KH": 420, "LA": 420,
    "MM": 390, "IN": 330, "LK": 330, "BD": 360, "NP": 345, "AU": 600, "NZ": 720,
    "GB": 0, "IE": 0, "PT": 0, "FR": 60, "DE": 60, "NL": 60, "ES": 60, "IT": 60,
    "US": -300, "CA": -300, "BR": -180, "AE": 240,
}


def utc_offset_minutes(country: str) -> int:
    """Minutes east of UTC of a country's standard time (China Standard Time when unknown)."""
    return UTC_OFFSET_MINUTES.get((country or "").upper(), CHINA_MINUTES)


@lru_cache(maxsize=256)
def solar_terms(year: int, utc_offset: int = CHINA_MINUTES) -> tuple[SolarTerm, ...]:
    """The 24 solar terms falling in Gregorian `year`, in date order, on the day each begins
    at `utc_offset` minutes east of UTC (default China Standard Time, as almanacs publish
    them): 霜降 2027 begins 23:32 in Beijing, so it is 24 October in Tokyo.

    lunar_python's table for a lunar year runs from the previous 大雪 to the next 惊蛰; the tables
    of the lunar years around `year` together cover it, and duplicates collapse by (key, date).
    The years of calendar_data.py are read from its table, computed the same way.
    """
    shift = timedelta(minutes=utc_offset - CHINA_MINUTES)
    if calendar_data.FIRST_YEAR <= year <= calendar_data.LAST_YEAR:
        start, offsets = _term_table()
        first = SOLAR_TERM_KEYS.index(calendar_data.TERMS_FIRST_KEY)
        # A month either side: no time zone moves a term by more than a day.
        low = bisect_left(offsets, (datetime(year - 1, 12, 1) - start).total_seconds())
        high = bisect_left(offsets, (datetime(year + 1, 2, 1) - start).total_seconds())
        shifted = ((SOLAR_TERM_KEYS[(first + n) % 24],
                    (start + timedelta(seconds=offsets[n]) + shift).date())
                   for n in range(low, high))
        return tuple(SolarTerm(when, key, _TERM_NAMES[key]) for key, when in shifted
                     if when.year == year)
    return computed_solar_terms(year, utc_offset)


def computed_solar_terms(year: int, utc_offset: int = CHINA_MINUTES) -> tuple[SolarTerm, ...]:
    """`solar_terms` from lunar_python itself (what calendar_data.py was made from)."""
    from lunar_python import Solar

    shift = timedelta(minutes=utc_offset - CHINA_MINUTES)
    found: dict[tuple[str, date], SolarTerm] = {}
    for probe in (date(year, 1, 15), date(year, 6, 1), date(year, 12, 15)):
        table = Solar.fromYmd(probe.year, probe.month, probe.day).getLunar().getJieQiTable()
        for name, solar in table.items():
            key = _BY_HANZI.get(name) or _BY_PINYIN.get(name)
            if key is None:
                continue
            instant = datetime(solar.getYear(), solar.getMonth(), solar.getDay(),
                               solar.getHour(), solar.getMinute(), solar.getSecond())
            when = (instant + shift).date()
            if when.year == year:
                found[(key, when)] = SolarTerm(when, key, _TERM_NAMES[key])
    return tuple(sorted(found.values(), key=lambda term: term.date))


@lru_cache(maxsize=1)
def _term_table() -> tuple[datetime, list[int]]:
    """When the first solar term of calendar_data.py begins (China Standard Time), and the
    seconds from it to each term in turn."""
    return (datetime(*calendar_data.TERMS_START),
            [0, *accumulate(calendar_data.TERM_STEPS)])


# ---------------------------------------------------------------------------------------------
# Lunar birthdays

@lru_cache(maxsize=256)
def _lunar_months(lunar_year: int) -> dict[int, tuple[date, int]]:
    """Regular (non-leap) months of a lunar year: month -> (solar first day, days in month).

    One table per lunar year instead of one lunar_python conversion per date: converting a
    day is then plain date arithmetic, which keeps 100,000 lunar birthdays cheap. The years of
    calendar_data.py are read from its table."""
    at = (lunar_year - calendar_data.LUNAR_FIRST_YEAR) * 24
    if calendar_data.LUNAR_FIRST_YEAR <= lunar_year <= calendar_data.LAST_YEAR:
        numbers = calendar_data.LUNAR_MONTHS[at:at + 24]
        first = numbers[0]
        table = {}
        for month in range(1, 13):
            if month > 1:
                first += numbers[month - 1]
            table[month] = (date.fromordinal(first), numbers[11 + month])
        return table
    return computed_lunar_months(lunar_year)


def computed_lunar_months(lunar_year: int) -> dict[int, tuple[date, int]]:
    """`_lunar_months` from lunar_python itself (what calendar_data.py was made from)."""
    from lunar_python import LunarYear, Solar

    months = {}
    for month in LunarYear.fromYear(lunar_year).getMonthsInYear():
        if month.getMonth() > 0:  # leap months are negative
            first = Solar.fromJulianDay(month.getFirstJulianDay())
            months[month.getMonth()] = (date(first.getYear(), first.getMonth(), first.getDay()),
                                        month.getDayCount())
    return months


def lunar_to_solar(lunar_year: int, month: int, day: int) -> date:
    """Solar date of lunar `month`/`day` (a regular, non-leap month) in lunar year `lunar_year`.

    A 30th day in a 29-day month becomes the 29th: the birthday is kept on the month's last day
    rather than moved into the next month, which is how families usually observe it.
    """
    first, days_in_month = _lunar_months(lunar_year)[month]
    return first + timedelta(days=min(day, days_in_month) - 1)


@lru_cache(maxsize=4096)
def lunar_birthday_dates(month: int, day: int, year: int) -> tuple[date, ...]:
    """Solar dates in Gregorian `year` of the lunar birthday `month`/`day` (SPEC §4).

    Usually one date; a late-12th-month birthday can fall twice (early January and late December)
    or, in a rare year, not at all. Cached: 100,000 contacts share at most 12 × 30 keys a year.
    """
    if not (1 <= month <= 12 and 1 <= day <= 30):
        return ()
    out = []
    for lunar_year in (year - 1, year):
        solar = lunar_to_solar(lunar_year, month, day)
        if solar.year == year:
            out.append(solar)
    return tuple(sorted(out))


@lru_cache(maxsize=8192)
def solar_birthday(month: int, day: int, year: int) -> date | None:
    """The birthday in `year`; 29 February becomes 28 February in common years. Cached: the
    engine asks for the same few hundred month/day pairs once per contact."""
    try:
        return date(year, month, day)
    except ValueError:
        if month == 2 and day == 29:
            return date(year, 2, 28)
        return None


# ---------------------------------------------------------------------------------------------
# Public holidays

@dataclass(frozen=True)
class Holiday:
    """A holiday worth a greeting: its first day, an English key and names per language."""

    date: date
    key: str  # English base name, e.g. "Chinese New Year"
    names: dict[str, str] = field(compare=False, hash=False)

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("en") or self.key

    @property
    def slug(self) -> str:
        """A template-key-friendly form of the key: "Chinese New Year" -> "chinese_new_year"."""
        return slugify(self.key)


def slugify(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", text.casefold()).strip("_")


# Holiday names the `holidays` package has in English only, for the countries the tool greets in
# (MY, SG, CN, TW, HK, JP): English base name -> (simplified, traditional, Japanese, Malay). Used
# where the package has no name in that language, so a Chinese, Japanese or Malay message never
# carries an English holiday name. A holiday in none of them gets the neutral greeting instead
# (touch_render.py, templates' holiday_greeting_neutral).
_HOLIDAY_NAMES: dict[str, tuple[str, str, str, str]] = {
    "New Year's Day": ("元旦", "元旦", "元日", "Hari Tahun Baharu"),
    "Chinese New Year": ("春节", "農曆新年", "春節", "Tahun Baharu Cina"),
    "Chinese New Year's Eve": ("除夕", "除夕", "春節の大みそか", "Malam Tahun Baharu Cina"),
    "The second day of Chinese New Year": ("农历年初二", "農曆年初二", "春節2日目",
                                           "Hari kedua Tahun Baharu Cina"),
    "The third day of Chinese New Year": ("农历年初三", "農曆年初三", "春節3日目",
                                          "Hari ketiga Tahun Baharu Cina"),
    "The fourth day of Chinese New Year": ("农历年初四", "農曆年初四", "春節4日目",
                                           "Hari keempat Tahun Baharu Cina"),
    "Tomb-Sweeping Day": ("清明节", "清明節", "清明節", "Hari Qingming"),
    "Labor Day": ("劳动节", "勞動節", "メーデー", "Hari Pekerja"),
    "Dragon Boat Festival": ("端午节", "端午節", "端午節", "Pesta Perahu Naga"),
    "Mid-Autumn Festival": ("中秋节", "中秋節", "中秋節", "Pesta Tanglung"),
    "The Day following Mid-Autumn Festival": ("中秋节翌日", "中秋節翌日", "中秋節の翌日",
                                              "Hari selepas Pesta Tanglung"),
    "Double Ninth Festival": ("重阳节", "重陽節", "重陽節", "Hari Double Ninth"),
    "National Day": ("国庆日", "國慶日", "ナショナルデー", "Hari Kebangsaan"),
    "Malaysia Day": ("马来西亚日", "馬來西亞日", "マレーシア・デー", "Hari Malaysia"),
    "Federal Territory Day": ("联邦直辖区日", "聯邦直轄區日", "連邦直轄領の日",
                              "Hari Wilayah Persekutuan"),
    "Birthday of HM Yang di-Pertuan Agong": ("最高元首诞辰", "最高元首誕辰", "国王誕生日",
                                             "Hari Keputeraan Yang di-Pertuan Agong"),
    "Thaipusam": ("大宝森节", "大寶森節", "タイプーサム", "Thaipusam"),
    "Nuzul Al-Quran Day": ("可兰经降世日", "可蘭經降世日", "ヌズル・アル・クルアーン",
                           "Hari Nuzul Al-Quran"),
    "Eid al-Fitr": ("开斋节", "開齋節", "ハリラヤ・プアサ", "Hari Raya Aidilfitri"),
    "Eid al-Adha": ("哈芝节", "哈芝節", "ハリラヤ・ハジ", "Hari Raya Haji"),
    "Islamic New Year": ("回历新年", "回曆新年", "イスラム暦新年", "Awal Muharram"),
    "Prophet Muhammad's Birthday": ("先知穆罕默德诞辰", "先知穆罕默德誕辰", "預言者生誕祭",
                                    "Maulidur Rasul"),
    "Vesak Day": ("卫塞节", "衛塞節", "ウェーサーカ祭", "Hari Wesak"),
    "Diwali": ("屠妖节", "屠妖節", "ディーパバリ", "Deepavali"),
    "Good Friday": ("耶稣受难节", "耶穌受難節", "聖金曜日", "Jumaat Agung"),
    "Easter Monday": ("复活节星期一", "復活節星期一", "イースターマンデー", "Isnin Paskah"),
    "The Buddha's Birthday": ("佛诞", "佛誕", "仏誕節", "Hari Wesak"),
    "Hong Kong S.A.R. Establishment Day": ("香港特别行政区成立纪念日", "香港特別行政區成立紀念日",
                                           "香港特別行政区設立記念日",
                                           "Hari Penubuhan Wilayah Pentadbiran Khas Hong Kong"),
    "Christmas Day": ("圣诞节", "聖誕節", "クリスマス", "Hari Krismas"),
    "The first weekday after Christmas Day": ("圣诞节后第一个工作日", "聖誕節後第一個工作日",
                                              "クリスマス翌平日", "Hari bekerja selepas Krismas"),
    "Children's Day": ("儿童节", "兒童節", "こどもの日", "Hari Kanak-kanak"),
    "Peace Memorial Day": ("和平纪念日", "和平紀念日", "和平記念日", "Hari Peringatan Keamanan"),
    "Confucius' Birthday": ("孔子诞辰纪念日", "孔子誕辰紀念日", "孔子誕生記念日",
                            "Hari Lahir Confucius"),
    "Founding Day of the Republic of China": (
        "中华民国开国纪念日", "中華民國開國紀念日", "中華民国建国記念日",
        "Hari Penubuhan Republik China"),
    "Taiwan Restoration and Guningtou Victory Memorial Day": (
        "台湾光复暨古宁头大捷纪念日", "臺灣光復暨古寧頭大捷紀念日",
        "台湾光復・古寧頭戦役勝利記念日", "Hari Pemulihan Taiwan"),
    "Constitution Day": ("宪法纪念日", "憲法紀念日", "憲法記念日", "Hari Perlembagaan"),
    "Coming of Age Day": ("成人节", "成人節", "成人の日", "Hari Dewasa"),
    "Foundation Day": ("建国纪念日", "建國紀念日", "建国記念の日", "Hari Pengasasan Negara"),
    "Emperor's Birthday": ("天皇诞辰", "天皇誕辰", "天皇誕生日", "Hari Keputeraan Maharaja"),
    "Vernal Equinox Day": ("春分日", "春分日", "春分の日", "Hari Ekuinoks Musim Bunga"),
    "Showa Day": ("昭和日", "昭和日", "昭和の日", "Hari Showa"),
    "Greenery Day": ("绿之日", "綠之日", "みどりの日", "Hari Kehijauan"),
    "Marine Day": ("海之日", "海之日", "海の日", "Hari Laut"),
    "Mountain Day": ("山之日", "山之日", "山の日", "Hari Gunung"),
    "Respect for the Aged Day": ("敬老日", "敬老日", "敬老の日", "Hari Menghormati Warga Emas"),
    "Autumnal Equinox Day": ("秋分日", "秋分日", "秋分の日", "Hari Ekuinoks Musim Luruh"),
    "Sports Day": ("体育日", "體育日", "スポーツの日", "Hari Sukan"),
    "Culture Day": ("文化日", "文化日", "文化の日", "Hari Kebudayaan"),
    "Labor Thanksgiving Day": ("勤劳感谢日", "勤勞感謝日", "勤労感謝の日",
                               "Hari Kesyukuran Pekerja"),
    "National Holiday": ("国民休息日", "國民休息日", "国民の休日", "Cuti Umum Kebangsaan"),
}
# The same English name means another day in another country.
_COUNTRY_HOLIDAY_NAMES: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("CN", "National Day"): ("国庆节", "國慶節", "国慶節", "Hari Kebangsaan China"),
    ("TW", "National Day"): ("国庆日", "國慶日", "双十節", "Hari Kebangsaan"),
    ("MY", "National Day"): ("国庆日", "國慶日", "独立記念日", "Hari Kebangsaan"),
    ("SG", "National Day"): ("国庆日", "國慶日", "ナショナルデー", "Hari Kebangsaan"),
    ("TW", "Children's Day"): ("儿童节", "兒童節", "児童節", "Hari Kanak-kanak"),
    ("CN", "Labor Day"): ("劳动节", "勞動節", "労働節", "Hari Pekerja"),
}


def translated_holiday(country: str, key: str, lang: str) -> str | None:
    """The tool's own name of holiday `key` (English base name) in `lang`, or None."""
    names = _COUNTRY_HOLIDAY_NAMES.get((country, key)) or _HOLIDAY_NAMES.get(key)
    if names is None or lang not in MESSAGE_LANGS[1:]:
        return None
    return names[MESSAGE_LANGS.index(lang) - 1]


# Which of the package's languages to use for each message language, best first.
_PACKAGE_LANGS = {
    "en": ("en_US", "en_GB", "en_SG", "en_HK", "en_MY"),
    "zh": ("zh_CN", "zh_TW", "zh_HK"),
    "zh-Hant": ("zh_TW", "zh_HK", "zh_CN"),
    "ja": ("ja",),
    "ms": ("ms_MY", "ms"),
}
_PAREN = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")


def _base_name(name: str) -> str:
    """Drop trailing parentheticals: "Chinese New Year (Second Day)" -> "Chinese New Year"."""
    previous = None
    while previous != name:
        previous, name = name, _PAREN.sub("", name).strip()
    return name


# What the `holidays` package answered, as plain data: '["holidays", country, subdiv, year,
# language]' -> [[ISO date, [names]], …] and '["languages", country]' -> [languages]. The
# shell may fill it from a file it keeps for the installed version of the package
# (holiday_cache.py) and save what was added, so a run that finds every table known never
# loads the package (whose first use loads every country's module).
_TABLES: dict[str, list[Any]] = {}
_ADDED: set[str] = set()


def use_holiday_tables(tables: dict[str, list[Any]]) -> None:
    """Start from these tables (read by the shell for the installed `holidays` version)."""
    _TABLES.update(tables)


def added_holiday_tables() -> dict[str, list[Any]]:
    """The tables computed since the last call, for the shell to keep; then forgets them."""
    added = {key: _TABLES[key] for key in sorted(_ADDED)}
    _ADDED.clear()
    return added


def _table(key: str, compute: Any) -> list[Any]:
    if key not in _TABLES:
        _TABLES[key] = compute()
        _ADDED.add(key)
    return _TABLES[key]


@lru_cache(maxsize=1024)
def _package_holidays(country: str, subdiv: str | None, year: int,
                      language: str | None) -> dict[date, list[str]]:
    def compute() -> list[Any]:
        try:
            table = _country_holidays(country, subdiv=subdiv, years=year, language=language)
        except (NotImplementedError, KeyError, AttributeError):
            return []
        return [[day.isoformat(), list(table.get_list(day))] for day in sorted(table)]

    key = json.dumps(["holidays", country, subdiv, year, language])
    return {date.fromisoformat(day): list(names) for day, names in _table(key, compute)}


@lru_cache(maxsize=256)
def _package_languages(country: str) -> tuple[str, ...]:
    def compute() -> list[Any]:
        try:
            return list(_country_holidays(country).supported_languages)
        except (NotImplementedError, KeyError, AttributeError):
            return []

    return tuple(_table(json.dumps(["languages", country]), compute))


def _country_holidays(country: str, **options: Any) -> Any:
    import holidays

    return holidays.country_holidays(country, **options)


def _language_for(country: str, lang: str) -> str | None:
    supported = _package_languages(country)
    for candidate in _PACKAGE_LANGS.get(lang, ()):
        if candidate in supported:
            return candidate
    return None


@lru_cache(maxsize=1024)
def public_holidays(country: str, year: int, subdiv: str | None = None,
                    exclude: tuple[str, ...] = ()) -> tuple[Holiday, ...]:
    """Greetable holidays of `country` in `year`: one entry per holiday, on its first day.

    Days whose English name contains one of `exclude` (case-insensitive: "observed", "day off",
    "'s eve", …) are dropped first — a substitute day off or an eve is not the day to greet on.
    A holiday spanning several days ("Chinese New Year", "… (Second Day)") keeps its first day.
    Unknown countries give an empty tuple. Cached per country/subdivision/year.
    """
    country = (country or "").upper()
    if not country:
        return ()
    english_lang = _language_for(country, "en")
    english = _package_holidays(country, subdiv, year, english_lang)
    if not english:
        return ()
    localised: dict[str, dict[date, list[str]]] = {}
    for lang in MESSAGE_LANGS:
        if lang == "en":
            continue
        package_lang = _language_for(country, lang)
        if package_lang:
            localised[lang] = _package_holidays(country, subdiv, year, package_lang)
    folded_exclude = tuple(word.casefold() for word in exclude)
    seen: dict[str, Holiday] = {}
    for day, names in english.items():
        for name in names:
            if any(word in name.casefold() for word in folded_exclude):
                continue
            key = _base_name(name)
            if not key or key in seen:
                continue
            names_by_lang = {"en": key}
            for lang, table in localised.items():
                other = table.get(day, [])
                # The package sorts same-day names per language, so only a lone name is known
                # to be the same holiday; otherwise keep the English one.
                if len(names) == 1 and len(other) == 1:
                    names_by_lang[lang] = _base_name(other[0])
            for lang in MESSAGE_LANGS[1:]:  # names the package lacks: the tool's own table
                if lang not in names_by_lang:
                    own = translated_holiday(country, key, lang)
                    if own:
                        names_by_lang[lang] = own
            seen[key] = Holiday(day, key, names_by_lang)
    return tuple(sorted(seen.values(), key=lambda holiday: (holiday.date, holiday.key)))


# ---------------------------------------------------------------------------------------------
# Date -> name views (the Calendar tab lists each month's holidays and solar terms)

DEFAULT_EXCLUDE = ("observed", "day off", "substitut", "additional", "'s eve", "christmas eve")


def holiday_dates(country: str, start: date, end: date, lang: str = "en",
                  subdiv: str | None = None,
                  exclude: tuple[str, ...] = DEFAULT_EXCLUDE) -> dict[date, str]:
    """Public holidays of `country` from `start` to `end` (inclusive), named in `lang`; two
    holidays on one day are joined with " / "."""
    out: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        for holiday in public_holidays(country, year, subdiv, exclude):
            if start <= holiday.date <= end:
                name = holiday.name(lang)
                out[holiday.date] = f"{out[holiday.date]} / {name}" if holiday.date in out else name
    return out


def solar_term_dates(start: date, end: date, lang: str = "zh") -> dict[date, str]:
    """The solar terms from `start` to `end` (inclusive), named in `lang`."""
    return {term.date: term.name(lang)
            for year in range(start.year, end.year + 1) for term in solar_terms(year)
            if start <= term.date <= end}
