"""The functional core of a sync: what was read -> the change set to write. No I/O, no clock."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sheets_sync.core import catalogue
from sheets_sync.core.book_settings import book_config, with_manager_spelling
from sheets_sync.core.calendars import holiday_dates, solar_term_dates
from sheets_sync.core.classify import classify
from sheets_sync.core.daily_cap import (
    WEEKDAYS,
    WorkingDays,
    apply_cap,
    cadence_rules,
    never_capped_rules,
    on_working_days,
    routine_rules,
    spread,
    working_days,
)
from sheets_sync.core.facts import EDITED_PREFIX, BookFacts, build_facts
from sheets_sync.core.greetings import greetings_tab, mass_rules, split_greetings
from sheets_sync.core.messages import Templates
from sheets_sync.core.metrics import list_written_on
from sheets_sync.core.model import (
    DATE,
    INTEGER,
    PERCENT,
    TEXT,
    WRAP,
    Append,
    Book,
    ChangeSet,
    Classification,
    Column,
    ContactWrite,
    Interaction,
    Issue,
    Locator,
    OwnedTab,
    WorkbookData,
)
from sheets_sync.core.owned_tabs import clash_issues, owned_tab_name
from sheets_sync.core.referrals import referrals_tab
from sheets_sync.core.today import (
    harvest_done,
    last_interactions,
    message_apps,
    notes_left_on_today,
    ticked_today,
    today_tab,
    typed_but_not_ticked,
)
from sheets_sync.core.touchpoints import Touchpoint, Wanted, plan_touchpoints
from sheets_sync.core.validate import validate_book
from sheets_sync.core.vocabulary import (
    INTERACTION_COLUMNS,
    ISSUE_COLUMNS,
    OWNED_COLUMNS,
    TABS,
    label,
)

OWNED_KINDS = {
    "days_since_contact": INTEGER,
    "next_touch_date": DATE,
    "completeness": PERCENT,
    "row_issues": TEXT,
}


@dataclass
class PlanResult:
    changes: ChangeSet
    book: Book
    classes: dict[str, Classification]  # Contact.key -> computed columns
    today_items: list[Touchpoint]
    harvested: list[Interaction]  # the Done ticks logged (notes of later edits left out)
    facts: BookFacts  # the book's index, built once: the report and the .ics export read it too
    # The config this plan used: the one given with the book's Settings tab merged in.
    config: Mapping[str, Any] = field(default_factory=dict)
    language: str = "en"  # the language the book is written in (book_language)


def build_plan(
    data: WorkbookData,
    config: Mapping[str, Any],
    today: date,
    light: bool = False,
    templates: Templates | None = None,
    release_read_cells: bool = False,
) -> PlanResult:
    """Everything a sync writes, computed from the tables read and `today`.

    `release_read_cells`: the caller's `data` serves this plan only, and the cells the Book is
    built from are let go once it is (tables.release_read_cells), before the rules run."""
    lang = book_language(data, config)
    contacts = data.tables["contacts"]
    config, setting_issues = book_config(data.tables.get("settings"), config, lang)
    book = validate_book(data.tables, config)
    if release_read_cells:
        from sheets_sync.core.tables import release_read_cells as release

        release(data)
    book.issues[:0] = setting_issues
    config = with_manager_spelling(config, (c.owner for c in book.contacts))
    harvested = (
        harvest_done(data.tables["today"], book.interactions, today,
                     config["general"]["date_order"], carried_on=today)
        if "today" in data.tables
        else []
    )
    if "greetings" in data.tables:  # ticks on the Greetings tab are logged the same way
        harvested += harvest_done(data.tables["greetings"], book.interactions + harvested,
                                  today, config["general"]["date_order"])
    book.interactions.extend(harvested)
    facts = build_facts(book, today, config, contacts_tab=contacts.name)
    classes = classify(book, today, config, facts)
    ahead = int(config.get("today", {}).get("spread_days", 0))
    mass, cadences = mass_rules(config), cadence_rules(config)
    touch = plan_touchpoints(book, classes, today, config, templates=templates, lang=lang,
                             facts=facts, upcoming_days=ahead or None,
                             wanted=Wanted(due_with=mass, coming_of=cadences))
    # Each contact's item is ranked here and most are cut by the cap below: the lists are let
    # go as soon as they are read (at 100,000 contacts they were 40 MB held to the end).
    touches, items, due, coming = touch.next_touch, touch.today, touch.due, touch.upcoming
    issues = book.issues + touch.issues
    del touch
    # Mass greetings go to their own tab, outside the cap.
    items, greeted = split_greetings(items, due, mass)
    del due
    office = office_days(config, today)
    items = on_working_days(items, today, office, routine_rules(config))[0]
    # Light days take cadence touches due in the next days, so a bunch spreads out.
    items = spread(items, coming, today, office, cadences, ahead)
    del coming
    # Per agent per day at most today.daily_cap rows; the rest stay queued and rise tomorrow.
    events, birthdays = never_capped_rules(config)
    items = apply_cap(items, int(config.get("today", {}).get("daily_cap", 25)), events,
                      birthdays)[0]

    # Issues name the row a problem was read on (what a person looks at), so Row issues are
    # gathered by that locator row.
    by_row = issues_by_row(i for i in issues if i.tab == contacts.name)
    order = config["general"]["date_order"]
    typed = {**typed_but_not_ticked(data.tables.get("greetings"), order),
             **typed_but_not_ticked(data.tables.get("today"), order)}
    # Rows ticked on today's list stay on it, so Touchpoints on time still counts them when a
    # light sync harvested them before the day's full sync.
    ticked = ticked_today(data.tables.get("today"), today, order)
    last = last_interactions(facts, lang=lang)
    apps = message_apps(book, config)
    tabs = [issues_tab(issues, lang), today_tab(items, lang, typed, ticked, last, apps),
            greetings_tab(greeted, lang, typed, last, apps)]
    # The frequent light sync only needs Today and the owned columns — except the first sync
    # to replace an earlier day's list, which is the last to read it: it measures it
    # (Touchpoints on time) before the list is gone.
    earlier = list_written_on(data.tables.get("today"), order)
    if not light or (earlier is not None and earlier < today):
        tabs += insight_tabs(data, book, classes, today, config, facts, lang)
    tab_names: dict[str, str] = {}
    for tab in tabs:  # a person's tab with the same name keeps it (core/owned_tabs.py)
        tab_names[tab.key] = owned_tab_name(tab.key, lang, data.tab_keys, data.tab_names,
                                            list(tab_names.values()))
    clashes = clash_issues(tab_names, data.tab_names, lang)
    if clashes:  # said on the Issues tab, so a person looking for "Today" finds where it went
        issues = issues + clashes
        tabs[0] = issues_tab(issues, lang)
    appends: list[Append] = []
    # Ticked rows are logged; text typed on an un-ticked row whose item left the list is kept
    # as a note, so nothing typed on Today is erased by the rewrite.
    logged = harvested + notes_left_on_today(typed, [*items, *greeted], today)
    if logged:
        if "interactions" in data.tables:
            appends.append(interaction_records(logged))
        else:
            tabs.append(interactions_tab(logged, lang))
            tab_names["interactions"] = label(TABS["interactions"], lang)
    # Built last: at 100,000 contacts they are 40 MB, held while the insight tabs were built
    # at the sync's peak.
    writes = [
        ContactWrite(
            key=c.key,
            locator=c.locator or Locator(c.row, c.id, c.name),
            values=_owned_values(
                classes[c.key],
                touches.get(c.key),
                _row_issue_text(by_row.get(c.row, ()), classes[c.key], lang),
                lang,
            ),
            assign_id=book.assigned_id(c) or None,
        )
        for c in book.contacts
    ]
    changes = ChangeSet(
        owned_columns=[
            Column(k, label(v, lang), OWNED_KINDS.get(k, TEXT)) for k, v in OWNED_COLUMNS.items()
        ],
        contacts=writes,
        tabs=tabs,
        tab_names=tab_names,
        appends=appends,
    )
    book.issues = issues
    # The report counts the Done ticks logged, not the notes of text typed after a tick was.
    done = [i for i in harvested if not i.touchpoint.startswith(EDITED_PREFIX)]
    return PlanResult(changes, book, classes, items, done, facts, config, lang)


def office_days(config: Mapping[str, Any], today: date) -> WorkingDays:
    """The office's working days around `today` (`today.working_days`, less the public
    holidays of `calendar.country` or `general.default_country` when `today.holidays_off`)."""
    section = config.get("today", {})
    country = config.get("calendar", {}).get("country") or config["general"]["default_country"]
    off = (holiday_dates(country, today - timedelta(days=40), today + timedelta(days=40))
           if section.get("holidays_off", True) else {})
    return working_days(section.get("working_days", WEEKDAYS[:5]), off)


def insight_tabs(
    data: WorkbookData,
    book: Book,
    classes: Mapping[str, Classification],
    today: date,
    config: Mapping[str, Any],
    facts: BookFacts,
    lang: str | None = None,
) -> list[OwnedTab]:
    """Calendar, Themes (first time only), Metrics, Metrics history and Referrals."""
    # Imported here: a light sync and `today` write none of these tabs.
    from sheets_sync.core.calendar_plan import calendar_tab, themes_from_table, themes_tab
    from sheets_sync.core.insights import measure
    from sheets_sync.core.metrics_layout import metrics_tab

    lang = lang or book_language(data, config)
    end = date(today.year + 1, today.month, 1) + timedelta(days=31)
    countries = sorted(
        {c.country for c in book.contacts if c.country} | {config["general"]["default_country"]}
    )
    holidays: dict[date, list[str]] = defaultdict(list)
    for country in countries:
        for day, name in holiday_dates(country, today.replace(day=1), end, lang).items():
            holidays[day].append(f"{name} ({country})" if len(countries) > 1 else name)
    terms = solar_term_dates(today.replace(day=1), end, lang)
    themes = themes_from_table(data.tables.get("themes"), config)
    calendar = calendar_tab(
        book, today, config, {d: " / ".join(n) for d, n in holidays.items()}, terms, themes, lang,
        facts,
    )
    themes_sheet = themes_tab(themes, lang)
    themes_sheet.create_only = True  # people edit it; the tool only writes the first version
    measured = measure(book, classes, facts, today, config,
                       today_table=data.tables.get("today"),
                       history_table=data.tables.get("metrics_history"), lang=lang)
    return [
        calendar,
        themes_sheet,
        metrics_tab(measured.metrics, measured.breakdowns, measured.history, lang, config),
        measured.history,
        referrals_tab(measured.referrers, lang),
    ]


def book_language(data: WorkbookData, config: Mapping[str, Any]) -> str:
    """The language the tool writes the book in: `general.book_language` (the --lang option or
    the user's TOML) when set, else the language of the Contacts headers."""
    return str(config["general"].get("book_language") or "") or data.language


def _owned_values(
    cls: Classification, touch: tuple[str, date] | None, row_issues: str, lang: str = "en"
) -> dict[str, Any]:
    return {
        "tier": cls.tier,
        "lifecycle": catalogue.text("values", cls.lifecycle, lang) if cls.lifecycle else None,
        "activity": catalogue.text("values", cls.activity, lang) if cls.activity else None,
        "days_since_contact": cls.days_since_contact,
        "next_touch": touch[0] if touch else None,
        "next_touch_date": touch[1] if touch else None,
        "completeness": round(cls.completeness, 4),
        "row_issues": row_issues or None,
    }


def _row_issue_text(issues: Sequence[Issue], cls: Classification, lang: str = "en") -> str:
    if not issues and not cls.suggestions:  # most rows: nothing to say
        return ""
    shown = [*(f"{_column(i.column, lang)}: {_issue_text(i.problem, lang)}" for i in issues),
             *(_issue_text(s, lang) for s in cls.suggestions)]
    separator = "；" if lang in ("zh", "zh-Hant", "ja") else "; "
    return separator.join(shown)


def _issue_text(english: str, lang: str) -> str:
    return catalogue.text("issues", english, lang)


def _column(name: str, lang: str) -> str:
    """A column named in an Issue: the sheet's own header as typed, or a column the tool names
    in English (a missing ID column, Phone for a touchpoint) in the book's language."""
    return (catalogue.shipped_catalogue().term(name, lang) or name) if lang != "en" else name


def issues_tab(issues: list[Issue], lang: str) -> OwnedTab:
    kinds = {"row": INTEGER, "problem": WRAP}
    columns = [Column(k, label(v, lang), kinds.get(k, TEXT)) for k, v in ISSUE_COLUMNS.items()]
    rows = [
        [i.tab, i.row, _column(i.column, lang), i.value, _issue_text(i.problem, lang),
         _issue_text(i.suggestion, lang)]
        for i in sorted(issues, key=lambda i: (i.tab, i.row or 0, i.column))
    ]
    return OwnedTab(key="issues", columns=columns, rows=rows, autofilter=True)


def interaction_records(items: list[Interaction]) -> Append:
    """New Interactions rows as records keyed by Interactions column key; the store finds each
    column by its header (any language)."""
    return Append(
        tab="interactions",
        records=[{key: getattr(item, key) for key in INTERACTION_COLUMNS} for item in items],
        kinds={"date": DATE},
    )


def interactions_tab(items: list[Interaction], lang: str) -> OwnedTab:
    """A new Interactions tab, written only when the workbook has none."""
    keys = list(INTERACTION_COLUMNS)
    return OwnedTab(
        key="interactions",
        columns=[
            Column(k, label(INTERACTION_COLUMNS[k], lang), DATE if k == "date" else TEXT)
            for k in keys
        ],
        rows=[[getattr(i, k) for k in keys] for i in items],
        create_only=True,
    )


def tier_counts(classes: Mapping[str, Classification]) -> dict[str, int]:
    counts = Counter(c.tier for c in classes.values())
    return {tier: counts.get(tier, 0) for tier in "ABCD"}


def issues_by_row(issues: Iterable[Issue]) -> dict[int, list[Issue]]:
    grouped: dict[int, list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.row is not None:
            grouped[issue.row].append(issue)
    return grouped
