"""The daily cap (SPEC §2 Today): at most `today.daily_cap` rows per agent per day, highest
priority first. What is held back stays queued with its due date: the engine offers it again
the next day, more overdue and so higher. Same-day events and A-tier birthdays are never held
back, whatever the cap."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sheets_sync.core.touchpoints import Touchpoint

BIRTHDAY_DATES = ("birthday", "lunar_birthday", "any_birthday")


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
