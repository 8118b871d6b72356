"""The monthly themes calendar (SPEC §5; seed 000 communication calendar, seed 001 "生日台历").

`calendar_tab` plans the next 12 months from today's month, one row per month: the theme and
content ideas (config `[[themes]]`, overridden by the workbook's Themes tab), seasonal maintenance
advice for the configured country's climate, and that month's holidays, solar terms, birthdays,
home anniversaries and planned client events.

Holidays and solar terms are passed in (`dict[date, str]`) by the caller, which owns the calendars;
this module computes nothing about them. Lunar birthdays are turned into this year's solar date
with lunar_python (already a project dependency).

Climates (config `[calendar]` country lists, `[calendar.seasonal]`): "north_temperate" uses the
north list month by month; "south_temperate" uses the same list shifted by six months (seasons are
reversed south of the equator, so July gets January's winter advice); "tropical" has its own list
with monsoon / rainy-season advice and no winterising.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any

from sheets_sync.core import catalogue
from sheets_sync.core.calendars import lunar_to_solar
from sheets_sync.core.facts import BookFacts, build_facts
from sheets_sync.core.model import INTEGER, TEXT, WRAP, Book, Column, Contact, OwnedTab, Table
from sheets_sync.core.parse import read_month
from sheets_sync.core.readback import read_themes
from sheets_sync.core.referrals import localized

NORTH, SOUTH, TROPICAL = "north_temperate", "south_temperate", "tropical"


def _l(en: str, zh: str, zh_hant: str, ja: str, ms: str) -> dict[str, str]:
    return {"en": en, "zh": zh, "zh-Hant": zh_hant, "ja": ja, "ms": ms}


CALENDAR_COLUMNS: dict[str, dict[str, str]] = {
    "month": _l("Month", "月份", "月份", "月", "Bulan"),
    "theme": _l("Theme", "主题", "主題", "テーマ", "Tema"),
    "ideas": _l("Content ideas", "内容创意", "內容創意", "コンテンツ案", "Idea kandungan"),
    "holidays": _l("Holidays", "节假日", "節假日", "祝日", "Cuti umum"),
    "solar_terms": _l("Solar terms", "节气", "節氣", "二十四節気", "Terma suria"),
    "birthdays": _l("Birthdays", "生日", "生日", "誕生日", "Hari lahir"),
    "anniversaries": _l("Home anniversaries", "置业周年", "置業週年", "購入記念日",
                        "Ulang tahun rumah"),
    "events": _l("Events", "活动", "活動", "イベント", "Acara"),
}
LUNAR_MARK = _l("(lunar)", "(农历)", "(農曆)", "(旧暦)", "(lunar)")
YEARS = _l("{n} yrs", "{n}年", "{n}年", "{n}年", "{n} thn")
ONE_YEAR = _l("1 yr", "1年", "1年", "1年", "1 thn")

_MONTHS_EN = [_calendar.month_name[m] for m in range(1, 13)]
_MONTHS_MS = ["Januari", "Februari", "Mac", "April", "Mei", "Jun", "Julai", "Ogos", "September",
              "Oktober", "November", "Disember"]
# A month cell (config [[themes]], calendar.events, the Themes tab): the one month reader.
parse_month = read_month


@dataclass
class Theme:
    """One month's theme and content ideas (seed 000 monthly communication calendar)."""

    month: int  # 1..12
    theme: str
    ideas: str


# ---------------------------------------------------------------------------------------------
# Themes: config, the workbook's Themes tab, and the tab written when the workbook has none.


def themes_from_config(config: Mapping[str, Any]) -> list[Theme]:
    """The `[[themes]]` of the config, one per month, in month order."""
    themes: dict[int, Theme] = {}
    for entry in config["themes"]:
        month = parse_month(entry["month"])
        if month is not None:
            themes[month] = Theme(month, str(entry["theme"]).strip(),
                                  str(entry.get("ideas", "")).strip())
    return [themes[m] for m in sorted(themes)]


def themes_from_table(table: Table | None, config: Mapping[str, Any]) -> list[Theme]:
    """Config themes overridden by the workbook's Themes tab, cell by cell where filled.

    A row of the tab names its month (1..12, a month name, "3月" …); its Theme and Content ideas
    replace the config's for that month when not blank, so a team can edit one idea and keep the
    rest. Rows without a readable month are ignored.
    """
    themes = {t.month: t for t in themes_from_config(config)}
    for row in read_themes(table, CALENDAR_COLUMNS):
        base = themes.get(row.month, Theme(row.month, "", ""))
        themes[row.month] = Theme(row.month, row.theme or base.theme, row.ideas or base.ideas)
    return [themes[m] for m in sorted(themes)]


def themes_tab(themes: list[Theme], lang: str = "en") -> OwnedTab:
    """The Themes tab as first written (the caller writes it only when the workbook has none)."""
    kinds = {"month": INTEGER, "theme": TEXT, "ideas": WRAP}
    columns = [Column(k, localized(CALENDAR_COLUMNS[k], lang), kind) for k, kind in kinds.items()]
    rows: list[list[Any]] = [[t.month, _shown(t.theme, lang), _shown(t.ideas, lang)]
                             for t in sorted(themes, key=lambda t: t.month)]
    return OwnedTab(key="themes", columns=columns, rows=rows)


# ---------------------------------------------------------------------------------------------
# Climate.


def country_of(config: Mapping[str, Any]) -> str:
    """The calendar's country: calendar.country, else general.default_country."""
    return str(config["calendar"].get("country") or config["general"]["default_country"]).upper()


def climate_for(country: str, config: Mapping[str, Any]) -> str:
    """`country`'s climate: calendar.tropical_countries / south_temperate_countries, else
    calendar.default_climate (lists, so a user's config can replace them whole)."""
    settings = config["calendar"]
    code = country.strip().upper()
    if code in {str(c).upper() for c in settings["tropical_countries"]}:
        return TROPICAL
    if code in {str(c).upper() for c in settings["south_temperate_countries"]}:
        return SOUTH
    return str(settings["default_climate"])


def seasonal_advice(month: int, climate: str, config: Mapping[str, Any]) -> str:
    """Seed 000 seasonal maintenance for `month` (1..12) in `climate`.

    The southern temperate climate reads the northern list six months on: January in Sydney is
    July in London.
    """
    seasonal = config["calendar"]["seasonal"]
    if climate == SOUTH:
        return str(seasonal[NORTH][(month - 1 + 6) % 12])
    return str((seasonal.get(climate) or seasonal[NORTH])[month - 1])


# ---------------------------------------------------------------------------------------------
# The Calendar tab.


def _months(today: date, count: int) -> list[tuple[int, int]]:
    out = []
    year, month = today.year, today.month
    for _ in range(count):
        out.append((year, month))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


def month_label(year: int, month: int, lang: str) -> str:
    if lang in ("zh", "zh-Hant", "ja"):
        return f"{year}年{month}月"
    if lang == "ms":
        return f"{_MONTHS_MS[month - 1]} {year}"
    return f"{_MONTHS_EN[month - 1]} {year}"


def _lunar_to_solar(year: int, month: int, day: int) -> date | None:
    """This lunar year's month/day as a solar date; day 30 falls back to 29 in a short month.

    The months come from the shipped table (calendar_data.py, the same lunar_python answers),
    so a Calendar tab with a lunar birthday no longer loads lunar_python for 1900-2200."""
    if not 1 <= month <= 12:
        return None
    return lunar_to_solar(year, month, day)


Days = list[list[str]]  # a month's texts by day of the month (index 0 unused)


def _days() -> Days:
    return [[] for _ in range(32)]


def _dated_list(days: Days) -> str:
    """"day text" entries in the order of their days, then of their texts, comma-separated
    (a month's texts are grouped by day as they are found, so only each day's are sorted)."""
    return ", ".join(f"{day} " + f", {day} ".join(sorted(texts))
                     for day, texts in enumerate(days) if texts)


def _in_month(dated: Mapping[date, str], year: int, month: int) -> str:
    days = _days()
    for d, name in dated.items():
        if d.year == year and d.month == month and str(name).strip():
            days[d.day].append(str(name))
    return _dated_list(days)


Month = tuple[int, int]  # (year, month)
DatedEntries = dict[Month, Days]


def _birthday_entries(contacts: list[Contact], months: list[Month], mark: str) -> DatedEntries:
    """Each month's birthdays, Do not contact left out; lunar ones on their solar date in the
    window, marked."""
    window = set(months)
    birthdays: DatedEntries = {m: _days() for m in months}
    slots = _slots(birthdays)
    for contact in contacts:
        born = contact.birthday
        if (born is None or contact.do_not_contact or not (1 <= born.month <= 12)
                or not (1 <= born.day <= 31)):
            continue
        if contact.lunar_birthday:
            # The window spans parts of two or three lunar years: try each and keep what lands.
            for lunar_year in range(months[0][0] - 1, months[-1][0] + 1):
                solar = _lunar_to_solar(lunar_year, born.month, born.day)
                if solar is not None and (solar.year, solar.month) in window:
                    birthdays[(solar.year, solar.month)][solar.day].append(
                        f"{contact.name} {mark}")
        else:
            day = born.day
            for _, days, last in slots.get(born.month, ()):
                days[day if day <= last else last].append(contact.name)
    return birthdays


def _slots(entries: DatedEntries) -> dict[int, list[tuple[int, Days, int]]]:
    """The window's months by month of the year, in window order, each as its year, its
    entries and its last day: a person's date is looked up, not compared with every month of
    the window, and a 29 February birthday or anniversary is marked on the 28th in a common
    year."""
    found: dict[int, list[tuple[int, Days, int]]] = {}
    for (year, month), days in entries.items():
        found.setdefault(month, []).append((year, days, _calendar.monthrange(year, month)[1]))
    return found


def _closings_by_person(book: Book,
                        facts: BookFacts) -> tuple[dict[str, set[date]], dict[str, str]]:
    """Closing dates per contact key (Transactions, then Contacts), Do not contact left out;
    and the name to show per key."""
    closings: dict[str, set[date]] = {}
    for key, deals in facts.transactions.items():
        closings[key] = {t.closing_date for t in deals if t.closing_date is not None}
    names: dict[str, str] = {}
    excluded: set[str] = set()
    by_row = facts.keys.by_row
    closed = facts.closed  # a row with a closing is a client's; the others have none to read
    for contact in book.contacts:
        key = by_row[contact.row]
        names[key] = contact.name or key
        if contact.do_not_contact:
            excluded.add(key)
        elif key in closed and (own := facts.closings[contact.row]):
            found = closings.get(key)
            if found is None:
                found = closings[key] = set()
            found.update(map(itemgetter(0), own))  # the dates of its (date, side) pairs
    return {k: v for k, v in closings.items() if k not in excluded}, names


def _years_text(years: int, lang: str) -> str:
    return localized(ONE_YEAR, lang) if years == 1 else localized(YEARS, lang).format(n=years)


def _anniversary_entries(book: Book, facts: BookFacts, months: list[Month],
                         lang: str) -> DatedEntries:
    """Each month's home anniversaries: a closing at least a year back, with the years."""
    anniversaries: DatedEntries = {m: _days() for m in months}
    closings, names = _closings_by_person(book, facts)
    slots = _slots(anniversaries)
    years_texts: dict[int, str] = {}  # the same few counts of years for every person
    for person, dates in closings.items():
        name = names.get(person, person)
        for closed in dates:
            day = closed.day
            for year, days, last in slots.get(closed.month, ()):
                years = year - closed.year
                if years >= 1:
                    shown = years_texts.get(years)
                    if shown is None:
                        shown = years_texts[years] = _years_text(years, lang)
                    days[day if day <= last else last].append(f"{name} ({shown})")
    return anniversaries


def _events_in(events: list[Mapping[str, Any]], month: int, lang: str) -> str:
    """calendar.events of `month`, "day name" when a day is given."""
    shown = []
    for event in events:
        if parse_month(event["month"]) == month:
            name = localized(event["name"], lang)
            day = event.get("day")
            shown.append(f"{day} {name}" if day else name)
    return ", ".join(shown)


def _shown(text: str, lang: str) -> str:
    """A shipped theme, content idea or seasonal line in `lang`; a person's own text as typed."""
    return catalogue.text("themes", text, lang)


CALENDAR_KEYS = ("month", "theme", "ideas", "holidays", "solar_terms", "birthdays",
                 "anniversaries", "events")


def calendar_tab(book: Book, today: date, config: Mapping[str, Any], holidays: dict[date, str],
                 solar_terms: dict[date, str], themes: list[Theme], lang: str = "en",
                 facts: BookFacts | None = None) -> OwnedTab:
    """The owned Calendar tab: the next `calendar.months` months starting with today's month.

    Columns: Month, Theme, Content ideas (the theme's ideas, then the climate's seasonal advice),
    Holidays, Solar terms, Birthdays ("3 Alice Tan, 17 王伟"; lunar ones on this year's solar date
    with a "(lunar)" mark), Home anniversaries (closing dates from Transactions and Contacts, with
    the years in the home), Events (calendar.events). Contacts marked Do not contact are left out.
    Closings and contact keys are the book's (facts.py).
    """
    facts = facts or build_facts(book, today, config)
    settings = config["calendar"]
    months = _months(today, int(settings["months"]))
    climate = climate_for(country_of(config), config)
    by_month = {t.month: t for t in themes}
    birthdays = _birthday_entries(book.contacts, months, localized(LUNAR_MARK, lang))
    anniversaries = _anniversary_entries(book, facts, months, lang)

    rows: list[list[Any]] = []
    for year, month in months:
        theme = by_month.get(month, Theme(month, "", ""))
        ideas = "\n".join(_shown(p, lang) for p in
                          (theme.ideas, seasonal_advice(month, climate, config)) if p)
        rows.append([
            month_label(year, month, lang),
            _shown(theme.theme, lang),
            ideas,
            _in_month(holidays, year, month),
            _in_month(solar_terms, year, month),
            _dated_list(birthdays[(year, month)]),
            _dated_list(anniversaries[(year, month)]),
            _events_in(settings["events"], month, lang),
        ])
    return OwnedTab(
        key="calendar",
        columns=[Column(k, localized(CALENDAR_COLUMNS[k], lang), WRAP if n >= 2 else TEXT)
                 for n, k in enumerate(CALENDAR_KEYS)],
        rows=rows,
    )
