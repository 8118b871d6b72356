"""Pure parsers for the values people type into the sheet.

Every parser takes a cell value as the store gives it (str, int, float, bool, date, datetime or
None) and returns the normalised value, or raises `ValueProblem` with a short problem and a
suggestion for the Issues tab. People type in English, Chinese, Japanese and Malay, often with
full-width characters, so text is NFKC-folded before it is read. Nothing here reads the clock,
files or config: whatever a parser depends on (date order, default country) is an argument.
"""

from __future__ import annotations

import calendar
import difflib
import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import NamedTuple

import phonenumbers

from sheets_sync.core.model import BOOK_ROWS, PartialDate
from sheets_sync.core.vocabulary import TIERS, YES_NO, build_index, normalise

__all__ = [
    "ValueProblem",
    "is_blank",
    "parse_country",
    "parse_date",
    "parse_email",
    "parse_enum",
    "parse_int",
    "parse_nps",
    "parse_number",
    "parse_partial_date",
    "parse_phone",
    "parse_phone_number",
    "Phone",
    "parse_text",
    "parse_tier",
    "parse_yes_no",
    "id_key",
    "read_date",
    "read_int",
    "read_month",
    "read_number",
    "read_text",
    "read_tick",
]


class ValueProblem(ValueError):
    """A cell value that cannot be used: what is wrong, and what to type instead."""

    def __init__(self, problem: str, suggestion: str = "") -> None:
        # Both go into args so the exception survives pickling (worker processes).
        super().__init__(problem, suggestion)
        self.problem = problem
        self.suggestion = suggestion

    def __str__(self) -> str:
        return f"{self.problem} — {self.suggestion}" if self.suggestion else self.problem


# ---------------------------------------------------------------------------------------------
# Shared helpers


def is_blank(value: object) -> bool:
    """True for an empty cell: None, "", whitespace only (full-width spaces too), or NaN."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    # Readers built on pandas give NaN for empty numeric cells.
    return isinstance(value, float) and math.isnan(value)


def _fold(text: str) -> str:
    """NFKC (full-width digits, letters, ＠, ／ become ASCII), trimmed, casefolded."""
    folded = unicodedata.normalize("NFKC", text).strip().casefold()
    # A leading apostrophe is how spreadsheet users force a cell to stay text.
    if folded.startswith("'"):
        folded = folded[1:].strip()
    return folded


def _not(value: object, what: str) -> str:
    """The problem for a value that is not `what`. The Issues tab shows the value beside it."""
    return "is blank" if is_blank(value) else f"not {what}"


def _integral(value: float) -> int | None:
    """The int a float stands for when it is a finite whole number, else None."""
    if math.isfinite(value) and value == int(value):
        return int(value)
    return None


# ---------------------------------------------------------------------------------------------
# Dates

# The oldest year a date may have: the first Japanese era we read (Meiji) starts in 1868, and
# nothing in a contact book is older. The newest is far enough for any closing or reminder.
_MIN_YEAR = 1868
_MAX_YEAR = 2200

# Excel's 1900 date system: serial 1 is 1900-01-01 and serial 60 is 29 February 1900, a day that
# never existed (kept for Lotus 1-2-3 compatibility), so serials from 61 on are one day "late".
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 0 for serials >= 61
_EXCEL_FAKE_LEAP_DAY = 60
_EXCEL_MAX_SERIAL = (date(_MAX_YEAR, 12, 31) - _EXCEL_EPOCH).days

_ISO_HINT = "type it as 2024-03-05"
_PARTIAL_HINT = "type it as 2024-03-05, or as 5 Mar when the year is unknown"

# English names for problem messages (calendar.month_name would follow the machine's locale).
_MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")
_MONTH_WORDS: dict[int, tuple[str, ...]] = {
    1: ("january", "januari"),
    2: ("february", "februari"),
    3: ("march", "mac"),
    4: ("april",),
    5: ("may", "mei"),
    6: ("june", "jun"),
    7: ("july", "julai"),
    8: ("august", "ogos"),
    9: ("september",),
    10: ("october", "oktober"),
    11: ("november",),
    12: ("december", "disember"),
}
# Words that may sit around a day number and mean nothing: English ordinals ("5th"), Malay
# "5hb" / "5 haribulan", "the 5th of March".
_DATE_FILLERS = frozenset({"st", "nd", "rd", "th", "hb", "haribulan", "of", "the"})

_WEEKDAY_WORDS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    "mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun|"
    "isnin|selasa|rabu|khamis|jumaat|jumat|sabtu|ahad|minggu"
)
_CJK_WEEKDAY = (
    r"(?:星期|礼拜|禮拜|周|週)[一二三四五六日天]"
    r"|[月火水木金土日]曜日?"
    r"|[月火水木金土日]"
)
_WEEKDAY_IN_BRACKETS = re.compile(
    rf"[(\[]\s*(?:{_WEEKDAY_WORDS}|{_CJK_WEEKDAY})\s*\.?\s*[)\]]"
)
_WEEKDAY_CJK_TRAILING = re.compile(
    r"(?:(?:星期|礼拜|禮拜|周|週)[一二三四五六日天]|[月火水木金土日]曜日?)$"
)
_WEEKDAY_WORD = re.compile(rf"\b(?:{_WEEKDAY_WORDS})\b\.?,?")
# A time of day after the date ("2024-03-05 10:30", ISO "T10:30:00+08:00"): it is dropped.
_TIME_SUFFIX = re.compile(
    r"(?:t|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:am|pm)?\s*(?:z|[+-]\d{2}:?\d{2})?$"
)

_ERAS: dict[str, int] = {  # era -> Gregorian year of its first year (元年)
    "明治": 1868, "m": 1868,
    "大正": 1912, "t": 1912,
    "昭和": 1926, "s": 1926,
    "平成": 1989, "h": 1989,
    "令和": 2019, "r": 2019,
}  # fmt: skip
_ERA_NAMES = {"m": "明治", "t": "大正", "s": "昭和", "h": "平成", "r": "令和"}
_ERA_DATE = re.compile(
    r"(明治|大正|昭和|平成|令和|[mtshr])\s*(元|\d{1,3})\s*"
    r"(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?"
    r"|[./\-\s]\s*(\d{1,2})\s*[./\-\s]\s*(\d{1,2}))"
)
_CJK_DATE = re.compile(r"(?:(\d{2,4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]?")
_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_NUMERAL = re.compile(
    r"(?:[一二两兩三四五六七八九]?十[一二两兩三四五六七八九]?|[〇零一二两兩三四五六七八九]+)"
    r"(?=\s*[年月日号號])"
)


def _cn_to_int(numeral: str) -> int:
    """Chinese numerals as written in dates: 二〇二四 (digit by digit), 十二, 二十五, 三十一."""
    if "十" not in numeral:
        return int("".join(str(_CN_DIGITS[ch]) for ch in numeral))
    tens, _, units = numeral.partition("十")
    return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _date_problem(year: int | None, month: int, day: int) -> ValueProblem | None:
    """Why (year, month, day) is not a real date, or None when it is. No year: any leap year."""
    if year is not None and not _MIN_YEAR <= year <= _MAX_YEAR:
        return ValueProblem(f"the year {year} is out of range", f"use a year from {_MIN_YEAR} "
                            f"to {_MAX_YEAR}")
    if not 1 <= month <= 12:
        return ValueProblem(f"there is no month {month}", "check the month")
    if not 1 <= day <= 31:
        return ValueProblem(f"there is no day {day}", "check the day")
    # Without a year, 29 February is a fine birthday: check against a leap year.
    if day > calendar.monthrange(2000 if year is None else year, month)[1]:
        if month == 2 and day == 29:
            return ValueProblem(f"29 February {year} does not exist ({year} is not a leap year)",
                                "check the day or the year")
        return ValueProblem(f"{day} {_MONTH_NAMES[month]} does not exist", "check the day")
    return None


_Parts = tuple[int | None, int, int]  # (year or None, month, day)


def _first_valid(readings: list[_Parts]) -> _Parts:
    """The first reading that is a real date; when none is, the first reading's problem."""
    problems = [_date_problem(*reading) for reading in readings]
    for reading, problem in zip(readings, problems, strict=True):
        if problem is None:
            return reading
    raise problems[0]  # type: ignore[misc]  # readings is never empty


def _full_year(text: str) -> int:
    """A typed year; two digits pivot at 70 (00–69 are 2000s, 70–99 are 1900s)."""
    year = int(text)
    if len(text) <= 2:
        return year + (2000 if year < 70 else 1900)
    return year


def _day_month(first: int, second: int, date_order: str) -> list[tuple[int, int]]:
    """(month, day) readings of two ambiguous numbers, preferred one first."""
    dm, md = (second, first), (first, second)
    return [md, dm] if date_order == "mdy" else [dm, md]


def _from_serial(value: float) -> date:
    """An Excel serial date (1900 system); the fraction (time of day) is dropped."""
    if not math.isfinite(value):
        raise ValueProblem("not a date", _ISO_HINT)
    serial = math.floor(value)
    if serial == _EXCEL_FAKE_LEAP_DAY:
        raise ValueProblem("29 February 1900 does not exist", "check the day")
    if not 1 <= serial <= _EXCEL_MAX_SERIAL:
        raise ValueProblem("the number is too small or too large to be a date", _ISO_HINT)
    if serial < _EXCEL_FAKE_LEAP_DAY:
        return _EXCEL_EPOCH + timedelta(days=serial + 1)
    return _EXCEL_EPOCH + timedelta(days=serial)


def _number_date(value: int | float) -> _Parts:
    """A date typed or stored as a number: an Excel serial, or 20240305 (YYYYMMDD)."""
    whole = _integral(value) if isinstance(value, float) else value
    if whole is not None and 10_000_000 <= whole <= 99_999_999:
        # Eight digits are far beyond any serial (2200 is ~110,000): someone typed YYYYMMDD.
        text = str(whole)
        return _first_valid([(int(text[:4]), int(text[4:6]), int(text[6:]))])
    if whole is not None and _MIN_YEAR <= whole <= _MAX_YEAR:
        # Serials 1868–2200 are days in 1905–1906; far likelier, someone typed just a year.
        raise ValueProblem(f"{whole} looks like a year, not a date", "type the full date, e.g. "
                           f"{whole}-03-05")
    day = _from_serial(value)
    return (day.year, day.month, day.day)


def _clean_date_text(text: str) -> str:
    """Fold the text and drop what may surround a date: weekdays, a time of day, commas."""
    text = _fold(text)
    text = _WEEKDAY_IN_BRACKETS.sub(" ", text).strip()
    text = _WEEKDAY_CJK_TRAILING.sub("", text).strip()
    text = _WEEKDAY_WORD.sub(" ", text).strip(" ,")
    text = _TIME_SUFFIX.sub("", text).strip(" ,")
    text = text.rstrip(".")  # "2024.3.5." and "5 Mar." end with a stray dot
    if "年" in text or "月" in text:
        text = _CN_NUMERAL.sub(lambda m: str(_cn_to_int(m.group())), text)
    return text


def _month_word(word: str) -> int | None:
    """The month an English or Malay name or abbreviation (3+ letters) stands for."""
    if len(word) < 3:
        return None
    found = {month for month, names in _MONTH_WORDS.items() for name in names
             if name.startswith(word)}
    return found.pop() if len(found) == 1 else None


def _text_date(text: str, date_order: str) -> _Parts:
    """Read a typed date; the year is None when the text has only month and day."""
    text = _clean_date_text(text)
    not_a_date = ValueProblem("not a date", _ISO_HINT)
    if not text:
        raise not_a_date

    if era := _ERA_DATE.fullmatch(text):
        return _era_date(era)
    if cjk := _CJK_DATE.fullmatch(text):
        year, month, day = cjk.groups()
        return _first_valid([(_full_year(year) if year else None, int(month), int(day))])
    if iso_md := re.fullmatch(r"--(\d{1,2})-?(\d{1,2})", text):  # ISO 8601 without a year
        return _first_valid([(None, int(iso_md[1]), int(iso_md[2]))])
    if re.search(r"[^\W\d_]", text):
        return _worded_date(text)
    if not re.fullmatch(r"\d+(?:\s*[/.\-\s]\s*\d+)*", text):
        raise not_a_date
    nums = re.findall(r"\d+", text)
    if len(nums) == 1:
        if len(nums[0]) == 8:  # 20240305
            digits = nums[0]
            return _first_valid([(int(digits[:4]), int(digits[4:6]), int(digits[6:]))])
        raise not_a_date
    if len(nums) == 2:
        return _numeric_month_day(nums, text, date_order)
    if len(nums) != 3:
        raise not_a_date
    return _numeric_full_date(nums, date_order)


def _numeric_month_day(nums: list[str], text: str, date_order: str) -> _Parts:
    """Two numbers: a month and day without a year ("05/03", "03-05")."""
    first, second = nums
    if len(first) == 4:
        raise ValueProblem("the day is missing", _ISO_HINT)
    if len(first) > 2 or len(second) > 2:
        raise ValueProblem("not a date", _ISO_HINT)
    # "03-05" is ISO month-day (like "--03-05"); "/", "." and spaces follow the date order.
    order = "mdy" if re.fullmatch(r"\d{2}-\d{2}", text) else date_order
    readings = _day_month(int(first), int(second), order)
    return _first_valid([(None, month, day) for month, day in readings])


def _numeric_full_date(nums: list[str], date_order: str) -> _Parts:
    """Three numbers: y/m/d when the first is a 4-digit year, else d/m/y or m/d/y."""
    first, middle, last = nums
    if any(len(n) > 4 for n in nums) or len(middle) > 2:
        raise ValueProblem("not a date", _ISO_HINT)
    if len(first) == 4 or (len(first) == 2 and int(first) > 31 and len(last) <= 2):
        # 2024/3/5; or 99/12/31, where 99 can only be a year.
        return _first_valid([(_full_year(first), int(middle), int(last))])
    if len(first) > 2 or len(last) not in (2, 4):
        raise ValueProblem("not a date", _ISO_HINT)
    year = _full_year(last)
    readings = _day_month(int(first), int(middle), date_order)
    return _first_valid([(year, month, day) for month, day in readings])


def _era_date(match: re.Match[str]) -> _Parts:
    """A Japanese era date: 令和6年3月5日, 令和元年5月1日, R6.3.5, H31/4/30."""
    era, year_text, month, day, sep_month, sep_day = match.groups()
    era_name = _ERA_NAMES.get(era, era)
    year = 1 if year_text == "元" else int(year_text)
    if year == 0:
        raise ValueProblem(f"{era_name} has no year 0", "the first year is 元年 (1)")
    # Years past an era's end (平成32年 for 2020) are still how people write them: accepted.
    return _first_valid([(_ERAS[era] + year - 1, int(month or sep_month), int(day or sep_day))])


def _worded_date(text: str) -> _Parts:
    """A date with a month name: 5 Mar 2024, March 5, 2024, 5hb Mac 2024, 5-Mar-24."""
    not_a_date = ValueProblem("not a date", _ISO_HINT)
    # Between the words and numbers only separators may stand.
    if re.sub(r"\d+|[^\W\d_]+|[\s,./-]", "", text):
        raise not_a_date
    months: list[int] = []
    nums: list[str] = []
    for token in re.findall(r"\d+|[^\W\d_]+", text):
        if token.isdigit():
            nums.append(token)
        elif token in _DATE_FILLERS:
            continue
        elif (month := _month_word(token)) is not None:
            months.append(month)
        else:
            raise not_a_date
    if len(months) != 1 or not 1 <= len(nums) <= 2 or any(len(n) > 4 for n in nums):
        raise not_a_date
    (month,) = months
    if len(nums) == 1:
        if len(nums[0]) == 4:
            raise ValueProblem("the day is missing", _ISO_HINT)
        return _first_valid([(None, month, int(nums[0]))])
    first, second = nums
    # The 4-digit number is the year; with two short numbers the day comes first (5 Mar 24).
    if len(first) == 4 and len(second) <= 2:
        day, year = second, first
    elif len(first) <= 2 and len(second) in (2, 4):
        day, year = first, second
    else:
        raise not_a_date
    return _first_valid([(_full_year(year), month, int(day))])


def _date_parts(value: object, date_order: str) -> _Parts:
    """(year or None, month, day) of any supported cell value, validated."""
    if date_order not in ("dmy", "mdy"):  # a caller's mistake, not the person's: plain error
        raise ValueError(f"date_order must be 'dmy' or 'mdy', not {date_order!r}")
    if isinstance(value, bool):  # bool is an int subclass: a TRUE cell is not serial 1
        raise ValueProblem("not a date", _ISO_HINT)
    if isinstance(value, date):  # datetime too: the time of day is dropped
        parts = (value.year, value.month, value.day)
        # A date cell is a real date: only its year can be out of range (checked the long way).
        return parts if _MIN_YEAR <= value.year <= _MAX_YEAR else _first_valid([parts])
    if isinstance(value, int | float):
        return _number_date(value)
    if isinstance(value, str):
        return _text_date(value, date_order)
    raise ValueProblem("not a date", _ISO_HINT)


def parse_date(value: object, date_order: str = "dmy") -> date:
    """A full date from a date cell, an Excel serial (1900 system) or typed text.

    Text may be ISO (2024-03-05, 20240305), numeric with / . - or spaces (5/3/2024, 5/3/24),
    with an English or Malay month name (5 Mar 2024, March 5, 2024, 5hb Mac 2024), Chinese or
    Japanese (2024年3月5日, 令和6年3月5日, R6.3.5), full-width, with a weekday or time after it.
    `date_order` ("dmy" or "mdy") decides how 05/03/2024 is read; when only one reading is a
    real date (25/03/2024) that one is used whatever the order.
    """
    year, month, day = _date_parts(value, date_order)
    if year is None:
        raise ValueProblem("the year is missing", _ISO_HINT)
    return date(year, month, day)


def parse_partial_date(value: object, date_order: str = "dmy") -> PartialDate:
    """A birthday: anything parse_date reads, or a month and day alone (5 Mar, 3月5日, --03-05)."""
    try:
        year, month, day = _date_parts(value, date_order)
    except ValueProblem as problem:
        if problem.suggestion == _ISO_HINT:
            raise ValueProblem(problem.problem, _PARTIAL_HINT) from None
        raise
    return PartialDate(month=month, day=day, year=year)


# ---------------------------------------------------------------------------------------------
# Phone numbers and email addresses


def _phone_example(region: str) -> str:
    """A sample number of `region` in international form; mobiles first (most contacts)."""
    sample = (phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
              or phonenumbers.example_number(region))
    if sample is None:
        sample = phonenumbers.example_number("MY")
    return phonenumbers.format_number(sample, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


_PHONE_LABEL = re.compile(r"\([^()]*[^\W\d_][^()]*\)")
_PHONE_GAPS = re.compile(r"[\s.\-()\[\]/]")


class Phone(NamedTuple):
    """A valid phone number: E.164, and whether it is a fixed line (which takes no SMS)."""

    e164: str
    landline: bool


_E164 = re.compile(r"\+([1-9][0-9]{2,19})")


def e164_number(phone: str) -> phonenumbers.PhoneNumber | None:
    """The number `phonenumbers.parse(phone, None)` gives for an E.164 string, read without
    the parse (which was most of the cost of telling landlines): see `_e164_parts`."""
    parts = _e164_parts(phone)
    if parts is None:
        return None
    code, national = parts
    return phonenumbers.PhoneNumber(country_code=code, national_number=int(national))


def _e164_parts(phone: str) -> tuple[int, str] | None:
    """(country code, national number) of an E.164 string, as `phonenumbers.parse(phone,
    None)` reads it: the country code is the digits' prefix (country codes are prefix-free),
    the rest the national number, which is also its national significant number (it has no
    leading zero). None where the parse does more than that — a national number with a
    leading zero or one its country's national prefix could be stripped from, a length it
    refuses — and then the caller parses."""
    match = _E164.fullmatch(phone)
    if match is None:
        return None
    digits = match.group(1)
    found = _code_at_start(digits[:3])
    if found is None:
        return None
    code, size = found
    national = digits[size:]
    if not 2 <= len(national) <= 17 or national[0] == "0":
        return None
    country = _calling_code(code)
    if country.metadata is None:
        return None
    if country.national_prefix is not None and country.national_prefix.match(national):
        return None
    return code, national


@functools.cache  # the first three digits of a number: at most a thousand, fixed
def _code_at_start(digits: str) -> tuple[int, int] | None:
    """(country code, its number of digits) that `digits` (an E.164 number's first three
    digits) begins with, or None: country codes are prefix-free."""
    for size in (1, 2, 3):
        code = int(digits[:size])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return code, size
    return None


class _Fit(NamedTuple):
    """phonenumbers' own test of a national number against one of its number descriptions: a
    possible length (when the description lists any) and its pattern, matched whole."""

    lengths: frozenset[int]  # empty: any length
    pattern: re.Pattern[str]

    @classmethod
    def of(cls, desc: phonenumbers.PhoneNumberDesc | None) -> _Fit | None:
        """The test of `desc`, or None where it has no pattern (no number fits it)."""
        if desc is None or not desc.national_number_pattern:
            return None
        return cls(frozenset(desc.possible_length or ()), re.compile(desc.national_number_pattern))

    def fits(self, national: str) -> bool:
        return ((not self.lengths or len(national) in self.lengths)
                and self.pattern.fullmatch(national) is not None)


class _CallingCode(NamedTuple):
    """What the phone checks read of a calling code's metadata, looked up once per code."""

    metadata: phonenumbers.PhoneMetadata | None  # of the code's main region
    national_prefix: re.Pattern[str] | None  # its national_prefix_for_parsing, compiled
    one_region: bool  # no other region shares the code (+1 and +44 are shared)
    general: _Fit | None  # its general description's test
    mobile: _Fit | None  # its mobile description's test


@functools.cache  # a few hundred calling codes, fixed
def _calling_code(code: int) -> _CallingCode:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(
        code, phonenumbers.region_code_for_country_code(code))
    prefix = metadata.national_prefix_for_parsing if metadata is not None else None
    return _CallingCode(metadata, re.compile(prefix) if prefix else None,
                        len(phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code, ())) == 1,
                        _Fit.of(metadata.general_desc) if metadata is not None else None,
                        _Fit.of(metadata.mobile) if metadata is not None else None)


# The number is only formatted or tested, never changed. Its type is found once here: a
# number is valid exactly when its type is known, and the type is what tells a fixed line (a
# number that may be either, as in the US, is not one).
def _read_phone(text: str, region: str | None) -> Phone | None:
    # Most books keep numbers as E.164 already; those are read without the general parse,
    # and are their own E.164 form (_e164_parts takes only the canonical spelling). A plain
    # mobile among them is told from its parts alone, without making the library's number.
    parts = _e164_parts(text) if text.startswith("+") else None
    if parts is not None:
        code, national = parts
        if _known_mobile(code, national):
            return Phone(text, False)
        number = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
        canonical: str | None = text
    else:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            return None
        canonical = None
        if _known_mobile(number.country_code, phonenumbers.national_significant_number(number)):
            return Phone(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
                         False)
    kind = phonenumbers.number_type(number)
    if kind == phonenumbers.PhoneNumberType.UNKNOWN:
        return None
    if canonical is None:
        canonical = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(canonical, kind == phonenumbers.PhoneNumberType.FIXED_LINE)


# A sync parses each distinct phone of the column once (columns.parse_column_with); this memo
# only spares the checks that try a cell's parts and the same number typed in two places. It
# is small on purpose: a book's worth of numbers kept from one sync to the next (the worker)
# was 25 MB at 100,000 contacts, to save half a second of a sync. A cell already in E.164 is
# read without it (`parse_phone_number`): a book's numbers would only cycle through it.
_try_phone = functools.lru_cache(maxsize=4096)(_read_phone)


def _known_mobile(code: int, national: str) -> bool:
    """True when `phonenumbers.number_type(number)` is surely neither UNKNOWN nor FIXED_LINE,
    found with two patterns instead of its up to eleven: the number fits its country's general
    pattern and its mobile one. `number_type` then answers the first type of premium rate, toll
    free, …, mobile that fits, and a fixed-line fit comes back as FIXED_LINE_OR_MOBILE because
    the mobile one fits too — a type known, and not a fixed line, in every case. Most contacts'
    numbers are mobiles; for the rest (and for calling codes several regions share, whose
    region `number_type` works out first) False sends the caller to `number_type`."""
    country = _calling_code(code)
    if not country.one_region or country.general is None or country.mobile is None:
        return False
    return country.general.fits(national) and country.mobile.fits(national)


# Letters between a number's digits: phonenumbers reads them as a phone keypad's ("1-800-FLOWERS",
# vanity numbers), so "+60 12-abc 4567" became +60122224567. In a contact's cell they are a
# typo. An extension marker ("ext 12", "x12") is no such letter; a label before or after the
# number ("HP 012…") is not between digits.
_LETTERS_AMID_DIGITS = re.compile(r"(?<=\d)[\s\-.()/]*([A-Za-z]+)\.?[\s\-.()/]*(?=\d)")
_EXTENSION_WORDS = frozenset({"ext", "x", "ex", "extn", "extension"})


def _keypad_letters(text: str) -> bool:
    return any(found.group(1).casefold() not in _EXTENSION_WORDS
               for found in _LETTERS_AMID_DIGITS.finditer(text))


def parse_phone(value: object, country: str) -> str:
    """A phone number in E.164 (+60123456789); `country` is the ISO region for local numbers."""
    return parse_phone_number(value, country).e164


def parse_phone_number(value: object, country: str) -> Phone:
    """`parse_phone` with the number's type: the E.164 text and whether it is a fixed line."""
    region = _region(country) if isinstance(country, str) else ""
    if value.__class__ is str and _E164.fullmatch(value):  # the common cell: nothing to fold
        number = _read_phone(value, region or None)
        if number is not None:
            return number
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueProblem("not a phone number", "type the number with its country code")
    typed_as_number = not isinstance(value, str)
    if isinstance(value, float):
        # A number typed into a number cell comes back as 60123456789.0.
        whole = _integral(value)
        value = str(whole) if whole is not None else str(value)
    text = _fold(str(value))
    if "(" in text:  # a label in brackets beside the number: "(mobile)", "（手机）", "(HP)"
        text = _PHONE_LABEL.sub(" ", text).strip()
    compact = _PHONE_GAPS.sub("", text)
    if compact.startswith("00"):  # the international prefix of most countries, typed for "+"
        text = "+" + compact[2:]
    number = _try_phone(text, region or None)
    if number is not None and _keypad_letters(text):
        raise ValueProblem("has letters among its digits, which would be read as a keypad's "
                           "(abc as 222)", "type the number in digits")
    if number is None and typed_as_number and re.fullmatch(r"[1-9]\d{6,14}", text):
        # A number cell loses the "+": 6591234567 that is no local number is +65 9123 4567.
        # Only for number cells, where the + was surely lost; typed text is taken as typed.
        number = _try_phone("+" + text, None)
    if number is None:
        parts = [p for p in re.split(r"[/,;|]|\bor\b|\batau\b|或", text) if p.strip()]
        if len(parts) > 1 and all(_try_phone(p, region or None) for p in parts):
            raise ValueProblem("has more than one phone number",
                               "keep one number in this cell and move the other to Notes")
        where = _region_of(text) or region
        if where:
            raise ValueProblem(f"not a valid {where} phone number",
                               f"include the country code, e.g. {_phone_example(where)}")
        raise ValueProblem("not a valid phone number",
                           f"include the country code, e.g. {_phone_example('MY')}")
    return number


@functools.lru_cache(maxsize=256)  # a book's few countries
def _region(country: str) -> str:
    """The region a country cell names for local numbers, "" when phonenumbers has none."""
    region = country.strip().upper()
    return region if region in phonenumbers.SUPPORTED_REGIONS else ""


def _region_of(text: str) -> str:
    """The region of a "+<country code>…" number, to name it in the problem ("" if unknown)."""
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return ""
    region = phonenumbers.region_code_for_country_code(number.country_code)
    return "" if region == phonenumbers.UNKNOWN_REGION else region


# Well-known mailbox domains in the markets served: never taken for typos.
_EMAIL_PROVIDERS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.com.my", "yahoo.com.sg", "yahoo.com.hk",
    "yahoo.com.tw", "yahoo.co.jp", "yahoo.co.uk", "yahoo.co.id", "ymail.com", "rocketmail.com",
    "hotmail.com", "hotmail.my", "hotmail.co.uk", "hotmail.com.hk", "live.com", "live.com.my",
    "outlook.com", "outlook.my", "msn.com", "icloud.com", "me.com", "mac.com", "qq.com",
    "163.com", "126.com", "yeah.net", "sina.com", "sina.cn", "sohu.com", "foxmail.com",
    "aliyun.com", "139.com", "docomo.ne.jp", "ezweb.ne.jp", "au.com", "softbank.ne.jp",
    "i.softbank.jp", "nifty.com", "biglobe.ne.jp", "streamyx.com", "tm.net.my", "singnet.com.sg",
    "netvigator.com", "mail.com", "email.com", "gmx.com", "aol.com", "proton.me",
    "protonmail.com", "zoho.com",
})  # fmt: skip
# The providers most addresses use, most common first: a domain one keystroke away from one of
# these is taken for a typo of it.
_EMAIL_TYPO_TARGETS = (
    "gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "yahoo.com.my",
    "yahoo.com.sg", "yahoo.com.hk", "yahoo.com.tw", "yahoo.co.jp", "yahoo.co.uk",
    "hotmail.co.uk", "hotmail.my", "googlemail.com", "foxmail.com", "rocketmail.com",
)  # fmt: skip
# Endings cut short or mistyped, too risky to guess by similarity ("yahoo.co" might be
# yahoo.co.jp, but as typed it is no mailbox).
_EMAIL_TYPOS = {
    "hotmail.co": "hotmail.com", "yahoo.co": "yahoo.com", "outlook.co": "outlook.com",
    "yahoo.com.m": "yahoo.com.my", "live.co": "live.com",
}  # fmt: skip
# Providers with a single domain: gmail.com.my or gmail.co is always a typo for gmail.com.
_ONE_DOMAIN = {"gmail": "gmail.com", "icloud": "icloud.com", "qq": "qq.com",
               "foxmail": "foxmail.com"}
# Endings mistyped for ".com" (none of them is a real top-level domain).
_COM_TYPOS = frozenset({"con", "cmo", "ocm", "comm", "vom", "xom", "cim", "cpm"})
_EMAIL_LOCAL = re.compile(r"[\w!#$%&'*+/=?^`{|}~.-]+")
_EMAIL_LABEL = re.compile(r"[^\W_](?:(?:[^\W_]|-)*[^\W_])?")  # letters/digits, inner hyphens
_EMAIL_HINT = "type it as name@example.com"
# The plainest address (an ASCII name of dot-separated parts, one @, dot-separated labels of
# letters, digits and inner hyphens) passes every check of parse_email but the domain's own.
_PLAIN_EMAIL = re.compile(r"([A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*)"
                          r"@([A-Za-z0-9]+(?:-+[A-Za-z0-9]+)*(?:\.[A-Za-z0-9]+(?:-+[A-Za-z0-9]+)*)+)")


def _one_edit(typed: str, known: str) -> bool:
    """True when `typed` is one keystroke from `known`: one letter wrong, missing, extra or
    swapped with its neighbour (gmial, gmai, gmaill, gnail)."""
    if typed == known or abs(len(typed) - len(known)) > 1:
        return False
    if len(typed) == len(known):
        diff = [i for i, (a, b) in enumerate(zip(typed, known, strict=True)) if a != b]
        if len(diff) == 1:
            return True
        first, second = diff[0], diff[-1]
        return (len(diff) == 2 and second == first + 1
                and typed[first] == known[second] and typed[second] == known[first])
    shorter, longer = sorted((typed, known), key=len)
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


@functools.lru_cache(maxsize=4096)  # a book has few domains and many addresses at each
def _email_domain_fix(domain: str) -> str | None:
    """The domain meant when `domain` looks like a typo of a common one, else None."""
    if domain in _EMAIL_PROVIDERS:
        return None
    if domain in _EMAIL_TYPOS:
        return _EMAIL_TYPOS[domain]
    name, _, ending = domain.partition(".")
    if name in _ONE_DOMAIN:
        return _ONE_DOMAIN[name]
    stem, _, tld = domain.rpartition(".")
    if tld in _COM_TYPOS:
        return _email_domain_fix(stem + ".com") or stem + ".com"
    # One keystroke off a big provider's name with the same ending. Short names (qq, me) and
    # small providers are no targets: too many real domains sit one letter from them.
    for known in _EMAIL_TYPO_TARGETS:
        known_name, _, known_ending = known.partition(".")
        if known_ending == ending and _one_edit(name, known_name):
            return known
    return None


def parse_email(value: object) -> str:
    """An email address, trimmed, with the domain lower-cased; common typos are flagged."""
    if not isinstance(value, str) or not value.strip():
        raise ValueProblem("not an email address", _EMAIL_HINT)
    raw = value.strip()
    if plain := _PLAIN_EMAIL.fullmatch(raw):  # most addresses: only the domain needs a look
        return _checked_domain(plain[1], plain[2].lower())
    # Chinese and Japanese input methods give ＠ and 。: flag them with the fixed address.
    ascii_form = unicodedata.normalize("NFKC", raw.replace("。", ".").replace("．", "."))
    if ascii_form != raw:
        bad = "".join(sorted({ch for ch in raw if unicodedata.normalize("NFKC", ch) != ch
                              or ch == "。"}))
        raise ValueProblem(f"has full-width characters ({bad})", f"did you mean {ascii_form}?")
    if bracketed := re.search(r"<([^<>\s]+@[^<>\s]+)>", raw):
        raise ValueProblem("has a name or brackets around the address",
                           f"type only the address: {bracketed[1]}")
    if raw.lower().startswith("mailto:"):
        raise ValueProblem("starts with mailto:", f"type only the address: {raw[7:]}")
    if re.search(r"\s", raw):
        joined = re.sub(r"\s+", "", raw)
        hint = f"did you mean {joined}?" if joined.count("@") == 1 else "remove the spaces"
        raise ValueProblem("has a space in it", hint)
    if "@" not in raw:
        raise ValueProblem("has no @", _EMAIL_HINT)
    if raw.count("@") > 1:
        raise ValueProblem("has more than one @", "keep one address per cell")
    local, domain = raw.split("@")
    if not local:
        raise ValueProblem("has nothing before the @", _EMAIL_HINT)
    if not domain:
        raise ValueProblem("has nothing after the @", _EMAIL_HINT)
    domain = domain.lower()
    for part, what in ((local, "name before the @"), (domain, "domain")):
        if part.startswith(".") or part.endswith("."):
            fixed = f"{local.strip('.')}@{domain.strip('.')}"
            raise ValueProblem(f"the {what} starts or ends with a dot", f"did you mean {fixed}?")
        if ".." in part:
            raise ValueProblem(f"the {what} has two dots in a row", "remove one of the dots")
    if not _EMAIL_LOCAL.fullmatch(local):
        bad = "".join(sorted(set(_EMAIL_LOCAL.sub("", local))))
        raise ValueProblem(f"the name before the @ has characters not allowed ({bad})",
                           _EMAIL_HINT)
    if "," in domain:  # a slip of the finger beside the full stop
        raise ValueProblem(f"the domain {domain} has a comma",
                           f"did you mean {local}@{domain.replace(',', '.')}?")
    if "." not in domain:
        guess = domain + ".com"
        fixed = guess if guess in _EMAIL_PROVIDERS else _email_domain_fix(guess)
        hint = f"did you mean {local}@{fixed}?" if fixed else "add the ending, e.g. .com"
        raise ValueProblem(f"the domain {domain} has no dot", hint)
    if not all(_EMAIL_LABEL.fullmatch(lab) for lab in domain.split(".")):
        raise ValueProblem(f"the domain {domain} has characters not allowed", _EMAIL_HINT)
    return _checked_domain(local, domain)


def _checked_domain(local: str, domain: str) -> str:
    """The address, once its domain passes the last checks: no known typo, a real ending."""
    if fixed := _email_domain_fix(domain):
        raise ValueProblem(f"the domain {domain} looks mistyped",
                           f"did you mean {local}@{fixed}?")
    tld = domain.rpartition(".")[2]
    if len(tld) < 2 or tld.isdigit():
        raise ValueProblem(f"the domain ending .{tld} is not valid", "check the part after the "
                           "last dot, e.g. .com")
    return f"{local}@{domain}"


# ---------------------------------------------------------------------------------------------
# Choices from the vocabulary

_Table = Mapping[str, Mapping[str, Iterable[str]]]
# Indexes of the vocabulary tables, built once per table object (they are module constants).
_INDEXES: dict[int, tuple[_Table, dict[str, str]]] = {}


def _index(table: _Table) -> dict[str, str]:
    cached = _INDEXES.get(id(table))
    if cached is None or cached[0] is not table:
        cached = (table, build_index(table))
        _INDEXES[id(table)] = cached
    return cached[1]


def parse_enum(value: object, table: _Table) -> str:
    """The canonical key of `table` (a vocabulary dict) whose label in any language was typed."""
    text = parse_text(value)
    allowed = ", ".join(table)
    if not text:
        # Checked first: some labels ("-" for no) normalise to "" and must not match a blank.
        raise ValueProblem("is blank", f"use one of: {allowed}")
    index = _index(table)
    key = index.get(normalise(text))
    if key is not None:
        return key
    close = difflib.get_close_matches(normalise(text), list(index), n=1, cutoff=0.6)
    hint = f"did you mean {index[close[0]]}?" if close else f"use one of: {allowed}"
    raise ValueProblem("not one of the allowed values", hint)


# What people type into a box they tick besides the yes-words of every language: a Done cell
# reading "done", "✅" or "完成" is ticked, and so is any other yes/no cell reading so.
_DONE_WORDS = frozenset(normalise(word) for word in (
    "done", "ok", "☑", "✅", "完成", "已完成", "完了", "済", "済み", "selesai", "sudah"))


def parse_yes_no(value: object) -> bool:
    """True/False from a tick box, 1/0, or yes/no in any language (是/否, はい/いいえ, ya, ✓);
    a done-word ("done", "✅", "完成", "済", "selesai") is a yes."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return value == 1
        raise ValueProblem("not yes or no", "type yes or no")
    if isinstance(value, str) and re.fullmatch(r"[+-]\d+(?:\.\d*)?|\d+\.\d*", _fold(value)):
        # Matching ignores dashes, so "-1" would read as "1": signed or decimal numbers are no
        # answer at all.
        raise ValueProblem("not yes or no", "type yes or no")
    if isinstance(value, str) and normalise(_fold(value)) in _DONE_WORDS:
        return True
    try:
        return parse_enum(value, YES_NO) == "yes"
    except ValueProblem:
        raise ValueProblem(_not(value, "yes or no"), "type yes or no") from None


def parse_tier(value: object) -> str:
    """A tier letter A–D, any case or width; "Tier B", "B级", "Bランク" are read too."""
    if isinstance(value, str):
        text = _fold(value)
        text = re.sub(r"^(?:tier|rank|等级|等級)\s*|\s*(?:级|級|等|ランク|tier)$", "", text)
        if text.upper() in TIERS:
            return text.upper()
    raise ValueProblem(_not(value, "a tier"), "use A, B, C or D")


# ---------------------------------------------------------------------------------------------
# Numbers

_NUMBER_HINT = "type digits only, e.g. 1234.50"
# Currency marks typed around money amounts in the markets served (after NFKC and casefold).
_CURRENCIES = ("us$", "s$", "hk$", "nt$", "a$", "rm", "myr", "sgd", "usd", "hkd", "twd", "aud",
               "cny", "rmb", "jpy", "idr", "rp", "thb", "gbp", "eur", "$", "¥", "円", "元", "€",
               "£", "฿", "人民币", "人民幣")  # fmt: skip
_CURRENCY_PREFIX = re.compile(
    "^(?:" + "|".join(re.escape(c) for c in sorted(_CURRENCIES, key=len, reverse=True)) + r")\s*"
)
_CURRENCY_SUFFIX = re.compile(
    r"\s*(?:" + "|".join(re.escape(c) for c in sorted(_CURRENCIES, key=len, reverse=True)) + ")$"
)
# Size words: English k/m/bn, Malay ribu/juta/bilion, Chinese and Japanese 千/万/亿.
_MULTIPLIERS = {
    "k": 1e3, "thousand": 1e3, "ribu": 1e3, "千": 1e3,
    "m": 1e6, "mil": 1e6, "mio": 1e6, "million": 1e6, "juta": 1e6,
    "b": 1e9, "bn": 1e9, "billion": 1e9, "bil": 1e9, "bilion": 1e9,
    "万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8,
}  # fmt: skip
_DIGITS = re.compile(
    r"(?P<int>\d{1,3}(?:(?P<sep>[, '])\d{3})(?:(?P=sep)\d{3})*|\d+)?(?P<frac>\.\d+)?"
)


def _number_text(text: str) -> float | None:
    """A typed amount (currency, separators, k/m/万 suffix) as a float, or None."""
    text = _fold(text).replace("\u00a0", " ").replace("\u202f", " ")
    negative = False
    if text.startswith("(") and text.endswith(")"):  # accounting style for a negative amount
        negative, text = True, text[1:-1].strip()
    for _ in range(2):  # "-RM 5" and "RM -5" both occur
        if text.startswith(("-", "−")):
            negative, text = not negative, text[1:].strip()
        elif text.startswith("+"):
            text = text[1:].strip()
        text = _CURRENCY_PREFIX.sub("", text)
    text = _CURRENCY_SUFFIX.sub("", text)
    multiplier = 1.0
    if word := re.search(r"\s*([^\W\d_]+|[千万萬亿億])$", text):
        if word[1] not in _MULTIPLIERS:
            return None
        multiplier, text = _MULTIPLIERS[word[1]], text[: word.start()]
    digits = _DIGITS.fullmatch(text)
    if not text or digits is None or not (digits["int"] or digits["frac"]):
        return None
    number = float(re.sub(r"[, ']", "", text)) * multiplier
    return -number if negative else number


def parse_number(value: object) -> float:
    """An amount or count: RM 1,234.50, $1,200, ¥1,000,000, 1 234, 12.5k, 1.2m, 1200万円."""
    if isinstance(value, bool):
        raise ValueProblem("not a number", _NUMBER_HINT)
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueProblem("not a number", _NUMBER_HINT)
        return float(value)
    number = _number_text(value) if isinstance(value, str) else None
    if number is None:
        raise ValueProblem(_not(value, "a number"), _NUMBER_HINT)
    return number


def parse_int(value: object) -> int:
    """A whole number 0 or more (a count such as visits); "3", 3.0, "3次", "3 kali" are read."""
    if isinstance(value, str):
        # Counting words typed after the number: 3次 / 3回 / 3 kali / 3 times / 3x.
        text = re.sub(r"\s*(?:次|回|kali|times|x)$", "", _fold(value))
        number = _number_text(text)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        number = None
    whole = _integral(number) if number is not None else None
    if whole is None or whole < 0:
        raise ValueProblem(_not(value, "a whole number of 0 or more"), "type a count, e.g. 3")
    return whole


def parse_nps(value: object) -> int:
    """A 0–10 answer to "how likely are you to recommend us"; 9, 9.0 and "9" are read."""
    problem = ValueProblem(_not(value, "a whole number from 0 to 10"),
                           "type a score from 0 (not likely) to 10 (very likely)")
    if isinstance(value, bool):
        raise problem
    if isinstance(value, str):
        text = _fold(value)
        if not re.fullmatch(r"[+-]?\d+(?:\.\d+)?", text):
            raise problem
        number = float(text)
    elif isinstance(value, int | float):
        number = float(value)
    else:
        raise problem
    whole = _integral(number)
    if whole is None or not 0 <= whole <= 10:
        raise problem
    return whole


# ---------------------------------------------------------------------------------------------
# Countries and free text

# Names per country: English, simplified Chinese, traditional Chinese, Japanese, Malay, aliases.
_COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "MY": ("Malaysia", "马来西亚", "馬來西亞", "マレーシア", "Malaysia", "大马", "大馬", "MYS"),
    "SG": ("Singapore", "新加坡", "新加坡", "シンガポール", "Singapura", "星洲", "SGP"),
    "CN": ("China", "中国", "中國", "中国", "China", "中国大陆", "中國大陸", "大陆", "大陸",
           "Mainland China", "PRC", "People's Republic of China", "中华人民共和国", "CHN"),
    "HK": ("Hong Kong", "香港", "香港", "香港", "Hong Kong", "HKSAR", "中国香港", "中國香港",
           "HKG"),
    "TW": ("Taiwan", "台湾", "台灣", "台湾", "Taiwan", "臺灣", "TWN"),
    "JP": ("Japan", "日本", "日本", "日本", "Jepun", "Nippon", "Nihon", "JPN"),
    "US": ("United States", "美国", "美國", "アメリカ", "Amerika Syarikat", "USA", "U.S.A.",
           "U.S.", "United States of America", "America", "米国", "アメリカ合衆国", "Amerika"),
    "GB": ("United Kingdom", "英国", "英國", "イギリス", "United Kingdom", "UK", "U.K.",
           "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland",
           "英国", "Kerajaan Bersatu", "GBR"),
    "AU": ("Australia", "澳大利亚", "澳大利亞", "オーストラリア", "Australia", "澳洲", "豪州",
           "AUS"),
    "ID": ("Indonesia", "印度尼西亚", "印度尼西亞", "インドネシア", "Indonesia", "印尼", "IDN"),
    "TH": ("Thailand", "泰国", "泰國", "タイ", "Thailand", "Siam", "タイ王国", "THA"),
    "BN": ("Brunei", "文莱", "汶萊", "ブルネイ", "Brunei", "Brunei Darussalam", "BRN"),
    "PH": ("Philippines", "菲律宾", "菲律賓", "フィリピン", "Filipina", "PHL"),
    "VN": ("Vietnam", "越南", "越南", "ベトナム", "Vietnam", "Viet Nam", "VNM"),
    "KR": ("South Korea", "韩国", "韓國", "韓国", "Korea Selatan", "Korea", "KOR"),
    "IN": ("India", "印度", "印度", "インド", "India", "IND"),
    "MO": ("Macau", "澳门", "澳門", "マカオ", "Macau", "Macao", "MAC"),
    "NZ": ("New Zealand", "新西兰", "紐西蘭", "ニュージーランド", "New Zealand", "纽西兰", "NZL"),
    "CA": ("Canada", "加拿大", "加拿大", "カナダ", "Kanada", "CAN"),
}
_COUNTRY_INDEX: dict[str, str] = {}
for _code, _names in _COUNTRY_NAMES.items():
    for _name in _names:
        _COUNTRY_INDEX.setdefault(normalise(_name).replace(".", ""), _code)


def parse_country(value: object) -> str:
    """An ISO 3166 alpha-2 code from a code (my, MY) or a country name in any of the languages."""
    text = parse_text(value)
    key = normalise(text).replace(".", "")
    if key in _COUNTRY_INDEX:
        return _COUNTRY_INDEX[key]
    code = key.upper()
    if len(code) == 2 and code in phonenumbers.SUPPORTED_REGIONS:
        return code
    close = difflib.get_close_matches(key, list(_COUNTRY_INDEX), n=1, cutoff=0.75)
    if close:
        code = _COUNTRY_INDEX[close[0]]
        name = _COUNTRY_NAMES[code][0]
        raise ValueProblem("not a known country", f"did you mean {name} ({code})?")
    raise ValueProblem(_not(text, "a known country"), "type the 2-letter country code, e.g. MY")


def parse_text(value: object) -> str:
    """The cell as text, trimmed; 12.0 reads "12", dates read ISO, blanks read ""."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and (whole := _integral(value)) is not None:
        return str(whole)
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


# ---------------------------------------------------------------------------------------------
# Readers: one per kind of cell, for every place that reads a cell without reporting on it (the
# tool's own tabs read back, references between tabs). Each gives what the parser above gives,
# or a neutral value where the parser would report a problem, so a cell never means one thing in
# one place and another elsewhere.


def read_date(value: object, date_order: str = "dmy") -> date | None:
    """The date `parse_date` reads in the cell, or None."""
    if is_blank(value):
        return None
    try:
        return parse_date(value, date_order)
    except ValueProblem:
        return None


def read_tick(value: object) -> bool:
    """True when the cell is a yes as `parse_yes_no` reads it (TRUE, 1, x, ✓, done, 是 …)."""
    if is_blank(value):
        return False
    try:
        return parse_yes_no(value)
    except ValueProblem:
        return False


def read_number(value: object) -> float | None:
    """The number `parse_number` reads in the cell, or None."""
    if is_blank(value):
        return None
    try:
        return parse_number(value)
    except ValueProblem:
        return None


def read_int(value: object) -> int | None:
    """A whole number (negative too: days early), or None for anything else."""
    number = read_number(value)
    return _integral(number) if number is not None else None


def read_text(value: object) -> str:
    """The cell as text, as `parse_text` reads it ("" for a blank)."""
    return parse_text(value)


def id_key(value: object) -> str:
    """The key a contact ID is matched by everywhere: the text, NFKC-folded, trimmed and
    casefolded, so " C0001 ", "c0001" and "Ｃ０００１" all mean contact C0001."""
    if value.__class__ is str:
        key = _ID_KEYS.get(value)
        if key is None:
            if len(_ID_KEYS) >= BOOK_ROWS:  # bounded by a sheet's rows, as an LRU would be
                _ID_KEYS.clear()
            key = _ID_KEYS[value] = _fold(value.strip())
        return key
    return _fold(parse_text(value))


# IDs recur on every Interactions and Transactions row, and each is looked up several times a
# sync (the Contacts read, the Book, the references): a plain dict, cleared at the bound. An
# LRU also moves every hit to the front of its list: 400,000 look-ups of 100,000 IDs took
# 0.33 s through one and 0.19-0.23 s through a dict.
_ID_KEYS: dict[str, str] = {}


_MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december")
_MONTHS_MS = ("januari", "februari", "mac", "april", "mei", "jun", "julai", "ogos", "september",
              "oktober", "november", "disember")
_ZH_MONTHS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")


def read_month(value: object) -> int | None:
    """1..12 from a number, "3", "03", "3月", "三月", "March", "Mar", "Mac", or a date cell."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, date):
        return value.month
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() and 1 <= value <= 12 else None
    text = str(value).strip()
    digits = re.match(r"^\s*(\d{1,2})", text)
    if digits:
        month = int(digits.group(1))
        return month if 1 <= month <= 12 else None
    folded = text.casefold()
    for names in (_MONTHS_EN, _MONTHS_MS):
        for number, name in enumerate(names, start=1):
            if folded == name or (len(folded) >= 3 and name.startswith(folded)):
                return number
    bare = text.rstrip("月")
    if bare in _ZH_MONTHS:
        return _ZH_MONTHS.index(bare) + 1
    return None
