"""The daily cap (SPEC §2 Today): at most `today.daily_cap` rows per agent per day, highest
priority first. What is held back stays queued with its due date: the engine offers it again
the next day, more overdue and so higher. Same-day events and A-tier birthdays are never held
back, whatever the cap. Routine touches (cadences, drip steps) wait for a working day."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sheets_sync.core.touchpoints import Touchpoint

BIRTHDAY_DATES = ("birthday", "lunar_birthday", "any_birthday")
_TIERS = {"A": 0, "B": 1, "C": 2, "D": 3}


def never_capped_rules(config: Mapping[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
    """(rule keys of same-day events, rule keys of birthday greetings) from the config."""
    rules = config.get("touchpoints", {}).get("rules", {})
    events = frozenset(k for k, r in rules.items() if r.get("trigger") == "event")
    # The greeting on the day; a gift reminder weeks ahead (lead_days) can wait a day.
    birthdays = frozenset(k for k, r in rules.items()
                          if r.get("trigger") == "yearly" and r.get("date") in BIRTHDAY_DATES
                          and not r.get("lead_days"))
    return events, birthdays


def apply_cap(items: Sequence[Touchpoint], cap: int, events: Iterable[str],
              birthdays: Iterable[str]) -> tuple[list[Touchpoint], list[Touchpoint]]:
    """(shown, queued): per owner, the uncappable items and then the highest-priority others
    up to `cap` rows in all; `items` come ranked, and both lists keep that order."""
    events, birthdays = frozenset(events), frozenset(birthdays)

    def always(item: Touchpoint) -> bool:
        return item.rule in events or (item.rule in birthdays and item.tier == "A")

    used: dict[str, int] = defaultdict(int)
    for item in items:
        if always(item):
            used[item.owner] += 1
    shown, queued = [], []
    for item in items:
        if always(item):
            shown.append(item)
        elif used[item.owner] < cap:
            used[item.owner] += 1
            shown.append(item)
        else:
            queued.append(item)
    return shown, queued


# --- Working days ------------------------------------------------------------------------------

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Triggers whose dates the tool chose (a cadence, a drip step, the 90-day flag): these move off
# days off. Birthdays, anniversaries, festivals, events and referrals keep their day.
ROUTINE_TRIGGERS = ("cadence", "stale", "after")


def routine_rules(config: Mapping[str, Any]) -> frozenset[str]:
    rules = config.get("touchpoints", {}).get("rules", {})
    return frozenset(k for k, r in rules.items() if r.get("trigger") in ROUTINE_TRIGGERS)


@dataclass(frozen=True)
class WorkingDays:
    """The office's working days: its weekdays, less its country's public holidays."""

    weekdays: frozenset[int]  # date.weekday() numbers
    holidays: frozenset[date]

    def works(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def on_or_after(self, day: date, limit: int = 31) -> date:
        for _ in range(limit):
            if self.works(day):
                return day
            day += timedelta(days=1)
        return day


def working_days(names: Iterable[str], holidays: Iterable[date]) -> WorkingDays:
    return WorkingDays(frozenset(WEEKDAYS.index(n) for n in names if n in WEEKDAYS),
                       frozenset(holidays))


def on_working_days(items: Sequence[Touchpoint], today: date, days: WorkingDays,
                    routine: Iterable[str]) -> tuple[list[Touchpoint], list[Touchpoint]]:
    """(shown, held): on a day off only date-bound items are shown, routine ones wait for the
    next working day; on a working day a routine item that fell due on a day off shows the
    working day after it as its Due (so nothing falls due on a day off)."""
    routine = frozenset(routine)
    if not days.works(today):
        return ([i for i in items if i.rule not in routine],
                [i for i in items if i.rule in routine])
    shown = []
    for item in items:
        if item.rule in routine and not days.works(item.due):
            due = min(days.on_or_after(item.due), today)
            item = item.moved(due=due, days_overdue=(today - due).days)
        shown.append(item)
    return shown, []


# --- Spreading ---------------------------------------------------------------------------------


def cadence_rules(config: Mapping[str, Any]) -> frozenset[str]:
    rules = config.get("touchpoints", {}).get("rules", {})
    return frozenset(k for k, r in rules.items() if r.get("trigger") == "cadence")


def spread(items: Sequence[Touchpoint], coming: Iterable[Touchpoint], today: date,
           days: WorkingDays, cadences: Iterable[str], ahead: int) -> list[Touchpoint]:
    """Today's items plus cadence touches pulled forward from the next `ahead` days, so each
    agent's load evens out over the working days: while an agent's Today holds fewer items than
    the mean of today and the coming working days, the touch from the heaviest coming day (the
    soonest among equals) is offered today. Done early, it counts (a cadence restarts from any
    contact), and its next occurrence falls on a different day than the bunch it came from.
    A pulled item shows its own Due and a negative Days overdue (due in that many days). One
    item per contact; nothing is pulled on a day off."""
    if not days.works(today) or ahead <= 0:
        return list(items)
    cadences = frozenset(cadences)
    end = today + timedelta(days=ahead)
    listed = {(i.contact_id, i.contact_row) for i in items}
    load: dict[str, int] = defaultdict(int)
    for item in items:
        load[item.owner] += 1
    later: dict[str, dict[date, list[Touchpoint]]] = defaultdict(lambda: defaultdict(list))
    taken: set[tuple[str, int]] = set(listed)
    for item in sorted(coming, key=lambda i: (i.due, -i.priority, i.name, i.rule)):
        who = (item.contact_id, item.contact_row)
        if item.rule in cadences and today < item.due <= end and who not in taken:
            taken.add(who)
            later[item.owner][days.on_or_after(item.due)].append(item)
    out = list(items)
    pulled_any = False
    for owner, by_day in later.items():
        working = [today + timedelta(days=n) for n in range(1, ahead + 1)
                   if days.works(today + timedelta(days=n))]
        total = load[owner] + sum(len(v) for v in by_day.values())
        target = -(-total // (1 + len(working)))  # the mean, rounded up
        while load[owner] < target:
            heaviest = max(by_day, key=lambda d: (len(by_day[d]), -d.toordinal()), default=None)
            if heaviest is None or not by_day[heaviest]:
                break
            pulled = by_day[heaviest].pop(0)
            if not by_day[heaviest]:
                del by_day[heaviest]
            out.append(pulled.moved(days_overdue=(today - pulled.due).days))
            load[owner] += 1
            pulled_any = True
    if pulled_any:  # ranked as the engine ranks: priority, tier A first, due, name, rule
        out.sort(key=lambda i: (-i.priority, _TIERS.get(i.tier, 9), i.due, i.name, i.rule))
    return out
