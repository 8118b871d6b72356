"""The Settings tab: the per-book settings that travel with the workbook (SPEC §2).

People own the tab (`init` writes it; a sync only reads it): two columns, Setting | Value (an
About column beside them is theirs to keep), headers and setting names in any of the five
languages. `book_config` merges the valid cells over the config and reports every bad cell as
an Issue naming it; a bad cell leaves that setting at its config value.

Precedence, lowest first: config/default.toml, the Settings tab, the user's TOML file (or any
value a caller set that differs from default.toml). The file is what the person running the sync
chose on purpose for this book, so it wins; a tab cell it overrides is reported (when the cell
was changed from the shipped value), so whoever edits the tab sees why it has no effect.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sheets_sync.core import parse
from sheets_sync.core.model import Issue, Table
from sheets_sync.core.owners import owner_key, owner_spellings
from sheets_sync.core.schema import SettingError, field_converter
from sheets_sync.core.settings import General, Metrics, Today, Touchpoints
from sheets_sync.core.shipped import default_config, parse_toml
from sheets_sync.core.tables import column_keys
from sheets_sync.core.vocabulary import (
    BOOK_SETTINGS,
    MESSAGE_LANGUAGES,
    SETTINGS_COLUMNS,
    build_index,
    label,
    normalise,
)

Config = Mapping[str, Any]

# ISO 4217 code -> the symbol a money cell shows; a Currency cell may hold either.
CURRENCIES: dict[str, str] = {
    "MYR": "RM", "SGD": "S$", "CNY": "¥", "RMB": "¥", "JPY": "¥", "TWD": "NT$", "HKD": "HK$",
    "USD": "$", "EUR": "€", "GBP": "£", "AUD": "A$", "NZD": "NZ$", "CAD": "C$", "IDR": "Rp",
    "THB": "฿", "PHP": "₱", "VND": "₫", "KRW": "₩", "INR": "₹", "BND": "B$", "MOP": "MOP$",
}
# A country's own currency: what `init --country` writes on the Settings tab.
COUNTRY_CURRENCY: dict[str, str] = {
    "MY": "MYR", "SG": "SGD", "CN": "CNY", "JP": "JPY", "TW": "TWD", "HK": "HKD", "US": "USD",
    "GB": "GBP", "AU": "AUD", "NZ": "NZD", "CA": "CAD", "ID": "IDR", "TH": "THB", "PH": "PHP",
    "VN": "VND", "KR": "KRW", "IN": "INR", "BN": "BND", "MO": "MOP",
}


def money_format(currency: str) -> str:
    """The number format for a currency code or symbol ("MYR", "RM" -> '"RM"#,##0')."""
    symbol = CURRENCIES.get(currency.strip().upper(), currency.strip())
    return f'"{symbol}"#,##0'


# ---------------------------------------------------------------------------------------------
# Reading one cell: each returns the TOML value or raises parse.ValueProblem.


def _country(value: object) -> str:
    return parse.parse_country(value)


def _language(value: object) -> str:
    return parse.parse_enum(value, MESSAGE_LANGUAGES)


_ORDER_WORDS = {"dmy": "dmy", "ddmmyyyy": "dmy", "ddmmyy": "dmy", "dmyy": "dmy",
                "dayfirst": "dmy", "日月年": "dmy", "haribulantahun": "dmy",
                "mdy": "mdy", "mmddyyyy": "mdy", "mmddyy": "mdy", "mdyy": "mdy",
                "monthfirst": "mdy", "月日年": "mdy", "bulanharitahun": "mdy"}


def _date_order(value: object) -> str:
    word = re.sub(r"[/.\-\s]", "", normalise(parse.parse_text(value)))
    if word in _ORDER_WORDS:
        return _ORDER_WORDS[word]
    raise parse.ValueProblem(
        "not a date order", "type DD/MM/YYYY (day first) or MM/DD/YYYY (month first); dates "
        "typed year first (2024-03-05) are always read year-month-day")


def _currency(value: object) -> str:
    text = parse.parse_text(value)
    if re.search(r"[0#]", text):
        return text  # already a number format: '"RM"#,##0.00'
    if text.upper() in CURRENCIES or (len(text) <= 4 and not re.search(r"\d", text)):
        return money_format(text)
    raise parse.ValueProblem("not a currency", "type a currency code such as MYR, or a symbol "
                             "such as RM")


def _text(value: object) -> str:
    return parse.parse_text(value)


def _whole(value: object) -> int:
    # Refused here, in the cell's words, what the schema would refuse in a TOML file's
    # ("'today.daily_cap' must be at least 1"), which a person filling a cell cannot place.
    count = parse.parse_int(value)
    if count < 1:
        raise parse.ValueProblem("not a whole number of 1 or more", "type a count, e.g. 3")
    return count


def _amount(value: object) -> float:
    amount = parse.parse_number(value)
    if amount < 0:
        raise parse.ValueProblem("not an amount of 0 or more", "type digits only, e.g. 1234.50")
    return amount


@dataclass(frozen=True)
class BookSetting:
    """A row of the Settings tab: where its value goes in the config, and how a cell is read."""

    key: str  # vocabulary.BOOK_SETTINGS key
    section: str
    name: str
    read: Callable[[object], Any]
    schema: type  # the settings.py table that checks the value, as for a TOML file


SETTINGS: tuple[BookSetting, ...] = (  # in the order init writes them
    BookSetting("default_country", "general", "default_country", _country, General),
    BookSetting("default_language", "general", "default_language", _language, General),
    BookSetting("date_order", "general", "date_order", _date_order, General),
    BookSetting("currency", "general", "currency_format", _currency, General),
    BookSetting("office_address", "touchpoints", "office_address", _text, Touchpoints),
    BookSetting("manager", "general", "manager", _text, General),
    BookSetting("daily_cap", "today", "daily_cap", _whole, Today),
    BookSetting("program_cost", "metrics", "program_cost_per_year", _amount, Metrics),
    BookSetting("id_prefix", "general", "id_prefix", _text, General),
)
BY_KEY = {s.key: s for s in SETTINGS}
_NAME_INDEX = build_index(BOOK_SETTINGS)


@functools.lru_cache(maxsize=1)
def shipped_defaults() -> Mapping[str, Any]:
    """config/default.toml as shipped, read once (the layer the Settings tab sits on)."""
    return parse_toml(default_config())


def book_config(table: Table | None, config: Config, book_language: str = "en",
                defaults: Config | None = None) -> tuple[dict[str, Any], list[Issue]]:
    """The config with the Settings tab merged in, and an Issue per cell that was not used.

    `defaults` is default.toml (shipped_defaults() when not given): a config value that differs
    from it was set by the user's file and wins over the tab. A book whose Settings give no
    language (and whose file sets none) speaks the language of its headers, `book_language`.
    """
    defaults = shipped_defaults() if defaults is None else defaults
    merged = {key: dict(value) if isinstance(value, Mapping) else value
              for key, value in config.items()}
    issues: list[Issue] = []
    seen: set[str] = set()
    used: set[str] = set()  # settings the tab's value was taken for
    tab_name = table.name if table is not None else ""
    for setting, row, value, where in _cells(table, issues, book_language):
        if setting.key in seen:
            issues.append(Issue(tab_name, row, where, _shown(value),
                                f"{_name(setting, book_language)} is set twice",
                                "delete one of the rows; the first one is used"))
            continue
        seen.add(setting.key)
        current = config.get(setting.section, {}).get(setting.name)
        tab_value, issue = _checked(setting, value)
        if issue is not None:
            problem, suggestion = issue
            # Spelt out whole in both forms, so each is one catalogue text, not "{} ({})".
            issues.append(Issue(tab_name, row, where, _shown(value), problem,
                                f"{suggestion} (until then the sync uses {current!r})"
                                if suggestion else f"until then the sync uses {current!r}"))
            continue
        shipped = defaults.get(setting.section, {}).get(setting.name)
        if current != shipped:
            # Only a cell someone changed from the shipped value is worth a line: a fresh
            # book's cells all hold it, and a file overriding those is no news.
            if tab_value not in (current, shipped):
                issues.append(Issue(
                    tab_name, row, where, _shown(value),
                    f"the config file sets {setting.section}.{setting.name} = {current!r}, "
                    "which is used instead",
                    "change it in the config file, or remove it there to use this cell"))
            continue
        merged.setdefault(setting.section, {})[setting.name] = tab_value
        used.add(setting.key)
    language = config.get("general", {}).get("default_language")
    if "default_language" not in used and language == defaults.get("general", {}).get(
            "default_language"):
        merged.setdefault("general", {})["default_language"] = book_language
    return merged, issues


def with_manager_spelling(config: dict[str, Any], owners: Iterable[str]) -> dict[str, Any]:
    """The config with `general.manager` spelt as the Contacts' Owner column spells that agent
    ("mei ling" on the Settings tab is the "Mei Ling" of the Today list)."""
    manager = str(config.get("general", {}).get("manager") or "")
    shown = owner_spellings(owners).get(owner_key(manager)) if manager else None
    if not shown or shown == manager:
        return config
    return {**config, "general": {**config["general"], "manager": shown}}


def _cells(table: Table | None, issues: list[Issue],
           lang: str = "en") -> list[tuple[BookSetting, int, Any, str]]:
    """(setting, row, value, value column header) for each filled Value cell of a known setting;
    unknown setting names are Issues."""
    if table is None:
        return []
    found = column_keys("settings", table.headers)
    rows: Sequence[tuple[int, list[Any]]] = table.rows
    if "setting" in found and "value" in found:
        name_at, value_at = found["setting"], found["value"]
        value_header = table.headers[value_at]
    else:
        # No headers: the first two columns, from the top row (which then holds a setting).
        name_at, value_at, value_header = 0, 1, "B"
        rows = [(table.header_row, list(table.headers)), *rows]
    out = []
    for row, values in rows:
        name = values[name_at] if name_at < len(values) else None
        value = values[value_at] if value_at < len(values) else None
        if parse.is_blank(name):
            continue
        key = _NAME_INDEX.get(normalise(parse.parse_text(name)))
        if key is None:
            close = difflib.get_close_matches(normalise(parse.parse_text(name)),
                                              list(_NAME_INDEX), n=1, cutoff=0.6)
            # The names as the book's own Settings tab spells them.
            hint = (f"did you mean {label(BOOK_SETTINGS[_NAME_INDEX[close[0]]], lang)}?"
                    if close else "use one of: " + ", ".join(
                        label(entry, lang) for entry in BOOK_SETTINGS.values()))
            where = table.headers[name_at] if name_at < len(table.headers) and found else "A"
            issues.append(Issue(table.name, row, where or "A", _shown(name),
                                "unknown setting", hint))
            continue
        if parse.is_blank(value):
            continue  # a blank Value leaves the setting to the config
        out.append((BY_KEY[key], row, value, value_header or "B"))
    return out


def _checked(setting: BookSetting, value: object) -> tuple[Any, tuple[str, str] | None]:
    """The cell as a config value, checked by the same schema as a TOML file."""
    try:
        converted = setting.read(value)
    except parse.ValueProblem as problem:
        return None, (problem.problem, problem.suggestion)
    try:
        field_converter(setting.schema, setting.name)(
            converted, f"{setting.section}.{setting.name}")
    except SettingError as error:
        return None, (error.reason, error.fix)
    return converted, None


def _name(setting: BookSetting, lang: str) -> str:
    return label(BOOK_SETTINGS[setting.key], lang)


def _shown(value: object) -> str:
    return parse.parse_text(value)


def settings_header(lang: str) -> list[str]:
    """The Settings tab's header row in `lang`."""
    return [label(entry, lang) for entry in SETTINGS_COLUMNS.values()]
