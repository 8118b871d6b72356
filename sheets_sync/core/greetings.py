"""Greetings grouped (SPEC §2 Greetings): the mass greetings — public holidays and solar
terms — leave Today for a Greetings tab of their own, one row per
contact with the message and its send link, outside the daily cap, and a count per agent at
the bottom. They neither crowd out personal follow-ups nor vanish; a contact whose most urgent
item was a greeting gets its next personal item on Today instead."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from sheets_sync.core.model import OwnedTab, TodayRow
from sheets_sync.core.today import today_tab
from sheets_sync.core.touchpoints import Touchpoint

_COUNT_WORDS = {"en": "Greetings to send: {n}", "zh": "待发送问候：{n} 条",
                "zh-Hant": "待發送問候：{n} 則", "ja": "送る挨拶：{n} 件",
                "ms": "Ucapan untuk dihantar: {n}"}


def mass_rules(config: Mapping[str, Any]) -> frozenset[str]:
    """Rule keys of the mass greetings: the rules on the holiday and solar-term calendars (a
    rule's own listed dates, such as the D prospects' marketing milestones, stay on Today)."""
    rules = config.get("touchpoints", {}).get("rules", {})
    return frozenset(k for k, r in rules.items() if r.get("trigger") == "calendar"
                     and r.get("calendar") in ("holidays", "solar_terms"))


def _contact(item: Touchpoint) -> tuple[str, int]:
    return item.contact_id, item.contact_row


def split_greetings(picked: Sequence[Touchpoint], due: Sequence[Touchpoint],
                    mass: frozenset[str]) -> tuple[list[Touchpoint], list[Touchpoint]]:
    """(Today's items, the greetings). `picked` is one item per contact, ranked; `due` every
    due item, ranked. A contact's greeting is its highest-ranked mass item; a contact whose
    pick was a greeting gets its best other due item on Today (a drip only its earliest step)."""
    greetings: dict[tuple[str, int], Touchpoint] = {}
    others: dict[tuple[str, int], list[Touchpoint]] = {}
    for item in due:
        if item.rule in mass:
            greetings.setdefault(_contact(item), item)
        else:
            others.setdefault(_contact(item), []).append(item)
    today: list[Touchpoint] = []
    for item in picked:
        if item.rule not in mass:
            today.append(item)
            continue
        instead = _next_personal(others.get(_contact(item), []))
        if instead is not None:
            today.append(instead)
    today.sort(key=_rank)
    return today, sorted(greetings.values(), key=_rank)


def _next_personal(items: list[Touchpoint]) -> Touchpoint | None:
    earliest: dict[str, Touchpoint] = {}
    for item in items:
        if item.group:
            held = earliest.get(item.group)
            if held is None or (item.due, item.rule) < (held.due, held.rule):
                earliest[item.group] = item
    eligible = [i for i in items if not i.group or earliest[i.group] is i]
    return min(eligible, key=_rank) if eligible else None


def _rank(item: Touchpoint) -> tuple:
    return (-item.priority, {"A": 0, "B": 1, "C": 2, "D": 3}.get(item.tier, 9), item.due,
            item.name, item.rule)


def greetings_tab(items: Sequence[Touchpoint], lang: str,
                  typed: Mapping[tuple[str, str], TodayRow] | None = None,
                  last: Mapping[str, str] | None = None,
                  apps: Mapping[str, str] | None = None) -> OwnedTab:
    """The Greetings tab: Today's columns (Done ticks are logged the same way), then a blank row
    and one row per agent with the count of greetings to send."""
    tab = today_tab(items, lang, typed, last=last, apps=apps, key="greetings")
    counts = Counter(item.owner for item in items)
    if counts:
        owner, name = tab.index("owner"), tab.index("name")
        width = len(tab.columns)
        tab.rows.append([None] * width)
        words = _COUNT_WORDS.get(lang, _COUNT_WORDS["en"])
        for agent, n in sorted(counts.items()):
            row: list[Any] = [None] * width
            row[owner], row[name] = agent, words.format(n=n)
            tab.rows.append(row)
    return tab
