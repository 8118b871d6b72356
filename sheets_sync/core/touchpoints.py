"""The cadence engine (SPEC §4): which touchpoint is due for which contact, today and next.

Rules are data (`[touchpoints.rules.<key>]` in config, see config/default.toml); the engine
has one generic evaluator and no rule of its own. A rule names a *trigger* that yields
dated occurrences for a contact:

=============  =====================================================================
after          N days/months after a date (closing, first interaction, …; a list)
cadence        every N days since the last contact
stale          no contact for N days (reconnect)
yearly         each year on a date (birthday, lunar birthday, home anniversary), with
               an optional lead time (A-tier birthday gift three weeks ahead)
calendar       each date of a calendar: public holidays of the contact's country,
               the 24 solar terms, or dates listed in the rule (marketing milestones)
event          an interaction event: the first call/visit, or keywords in Interactions
               (signing, life events: baby, promotion, job loss, move)
referral       each referral the contact made (thank within 48 hours, reward tier)
top_referrer   once a year for the contacts who referred most in the past year
=============  =====================================================================

Then, for every rule alike: an occurrence is *done* when an Interaction of that contact names the
rule dated inside the occurrence's window — by the tool's marker ("… [rule_key]"), or in a
person's words by the key, a label in any language, or the rule's `done_words`
(`touch_index.BookIndex.names`); an undone occurrence stays due, growing overdue, until done,
expired (`expire_days`) or superseded by the rule's next occurrence (of a group, the drip, only
the latest step to fall due stays). Cadences count from the book's last personal contact
(facts.last_contact: closings included; mass greetings, not-contact channels and unanswered
calls left out). Do-not-contact contacts get nothing; a channel the contact cannot receive
(SMS to a landline included) falls back to one it can, with an Issue.

Everything is computed from the arguments: no clock, no files (templates are loaded at the edge
and passed in). Interactions, closings, referrals, thank-yous and top referrers are the book's
facts (facts.py, indexed once per sync) and each calendar is built once per country/year, so the
cost grows with the number of contacts only.

This module is the engine's public face (`plan_touchpoints` and the functions that wrap it); the
parts live beside it:

- touch_rules.py     a checked rule spec (rule_schema.py) as the engine's `Rule`
- touch_index.py     what the rules read: settings, the book's facts indexed, each `Person`
- touch_triggers.py  one function per trigger, giving a rule's dated occurrences for a contact
- touch_engine.py    settling occurrences against what was done, channels, priority, picking
- touch_render.py    `Touchpoint` records: labels and drafted messages
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sheets_sync.core.facts import BookFacts, build_facts, rule_key_of
from sheets_sync.core.messages import Templates, default_templates
from sheets_sync.core.model import Book, Classification, Contact, Issue
from sheets_sync.core.settings import parse_settings
from sheets_sync.core.touch_engine import (
    TIER_ORDER,
    evaluate,
    rank,
    same_day_of_ranked,
)
from sheets_sync.core.touch_render import (
    LabelParts,
    Touchpoint,
    label,
    needs_address,
    touchpoint,
    touchpoint_text,
)
from sheets_sync.core.touch_rules import Rule, parse_rules

# The names other modules import from here, wherever they are defined.
__all__ = [
    "Plan", "Rule", "Touchpoint", "channel_issues", "contact_id", "due_touchpoints",
    "Wanted", "next_touches", "parse_rules", "plan_touchpoints", "rule_key_of", "today_list",
    "touchpoint_issues", "touchpoint_text", "upcoming",
]


@dataclass(frozen=True)
class Wanted:
    """What of `Plan.due` and `Plan.upcoming` a caller reads; None reads it all. A sync reads
    the due items only to part the mass greetings from Today (greetings.split_greetings) and
    the coming ones only to spread cadences (daily_cap.spread): at 100,000 contacts the rest
    was about 100,000 items drafted and held for nothing."""

    # `due`: the due items of a contact one of whose due items is of these rules (a contact
    # whose pick is a greeting gets its best other item instead, so those are kept too)
    due_with: frozenset[str] | None = None
    # `upcoming`: only the coming items (due after today) of these rules
    coming_of: frozenset[str] | None = None


EVERYTHING = Wanted()


@dataclass
class Plan:
    """Everything one evaluation produces (the sync uses this; the functions below wrap it)."""

    due: list[Touchpoint]
    today: list[Touchpoint]
    next_touch: dict[str, tuple[str, date]]  # Contact.key -> (label, date)
    issues: list[Issue]
    upcoming: list[Touchpoint] = field(default_factory=list)


def plan_touchpoints(book: Book, classes: Mapping[str, Classification], today: date,
                     config: Mapping[str, Any], *, templates: Templates | None = None,
                     lang: str | None = None, upcoming_days: int | None = None,
                     facts: BookFacts | None = None, wanted: Wanted = EVERYTHING) -> Plan:
    """Evaluate every rule for every contact once (SPEC §4) and return what the sync writes:
    all due items, Today's list, the Next touch columns, Issues, and (with `upcoming_days`) the
    due items plus those falling due in the days after today.

    `templates` defaults to the shipped ones (read once per process); `lang` is the language of
    Touchpoint labels (the workbook's), default `touchpoints.label_language` or
    `general.default_language`. `facts` is the book's index (facts.py), built when not given.
    `wanted` narrows `due` and `upcoming` to what the caller reads (Today and Next touch are
    the same either way).
    """
    templates = templates or default_templates()
    typed = parse_settings(config)
    horizon = today + timedelta(days=max(upcoming_days or 0, 0))
    until = max(today + timedelta(days=typed.touchpoints.lookahead_days), horizon)
    facts = facts or build_facts(book, today, config)
    index, results, issues = evaluate(book, classes, typed, today, until, horizon, templates,
                                      lang, facts)
    settings = index.settings
    due: list[Touchpoint] = []
    chosen: list[tuple[tuple, Touchpoint]] = []  # (`rank` of the candidate, its item)
    next_touch: dict[str, tuple[str, date]] = {}
    upcoming: list[Touchpoint] = []
    parts: LabelParts = {}  # the label texts of each rule and variant, picked once
    due_with, coming_of = wanted.due_with, wanted.coming_of
    address_missing = False  # a chosen item's message asks for the unset office address
    for person, pending, future in results:
        ranked = sorted(pending, key=rank)
        picked = ranked[0] if ranked else None  # `pick`: the first of the most urgent
        listed = [] if picked is None else [picked, *same_day_of_ranked(ranked, picked)]
        keep_due = due_with is None or any(c.rule.key in due_with for c in pending)
        every = keep_due or (upcoming_days is not None and coming_of is None)
        by_id: dict[int, Touchpoint] = {}
        for cand in ranked if every else listed:
            item = touchpoint(cand, templates, settings, parts)
            by_id[id(cand)] = item
            if keep_due:
                due.append(item)
        if picked is not None:
            # Ranks and items only: a candidate would keep its contact's Person alive, one
            # per contact with something due, to the end of the evaluation.
            chosen.extend((rank(cand), by_id[id(cand)]) for cand in listed)
            if not settings.office_address and not address_missing:
                address_missing = any(needs_address(cand, templates) for cand in listed)
            next_touch[person.contact.key] = (by_id[id(picked)].label, picked.occ.due)
        elif future:
            soonest = min(future, key=lambda c: (c.occ.due, -c.priority, c.rule.key))
            next_touch[person.contact.key] = (label(soonest, templates, settings, parts),
                                              soonest.occ.due)
        if upcoming_days is not None:
            if coming_of is None:
                upcoming.extend(by_id.values())
            upcoming.extend(touchpoint(cand, templates, settings, parts) for cand in future
                            if cand.occ.due <= horizon
                            and (coming_of is None or cand.rule.key in coming_of))
    if address_missing:
        issues.append(Issue(facts.contacts_tab, None, "", "",
                            "The office address is not set, so the first-call SMS with directions "
                            "is left blank",
                            "set touchpoints.office_address to the office's address and map link"))
    chosen.sort(key=lambda pair: pair[0])
    due.sort(key=_item_rank)
    upcoming.sort(key=lambda t: (t.due, _item_rank(t)))
    return Plan(due=due, today=[item for _, item in chosen], next_touch=next_touch,
                issues=issues, upcoming=upcoming)


def _item_rank(item: Touchpoint) -> tuple:
    return (-item.priority, TIER_ORDER.get(item.tier, 9), item.due, item.name, item.rule)


def due_touchpoints(book: Book, classes: Mapping[str, Classification], today: date,
                    config: Mapping[str, Any], *, templates: Templates | None = None,
                    lang: str | None = None) -> list[Touchpoint]:
    """Every touchpoint due today or overdue, for every contact, highest priority first."""
    return plan_touchpoints(book, classes, today, config, templates=templates, lang=lang).due


def today_list(book: Book, classes: Mapping[str, Classification], today: date,
               config: Mapping[str, Any], *, templates: Templates | None = None,
               lang: str | None = None) -> list[Touchpoint]:
    """The Today tab's items (SPEC §2, §4): per contact its most urgent item, and beside it its
    due `same_day` items (event-driven, birthday, referral thanks), which the one-item rule
    never pushes to another day; the rest stay queued. Sorted by priority, highest first
    (ties: tier A first, then earliest due)."""
    return plan_touchpoints(book, classes, today, config, templates=templates, lang=lang).today


def next_touches(book: Book, classes: Mapping[str, Classification], today: date,
                 config: Mapping[str, Any], *, templates: Templates | None = None,
                 lang: str | None = None) -> dict[str, tuple[str, date]]:
    """Contact.key -> (label, date) for the Next touch / Next touch date columns: the item
    Today shows (possibly overdue), else the soonest future one. Do-not-contact rows get none."""
    return plan_touchpoints(book, classes, today, config, templates=templates,
                            lang=lang).next_touch


def upcoming(book: Book, classes: Mapping[str, Classification], today: date, days: int,
             config: Mapping[str, Any], *, templates: Templates | None = None,
             lang: str | None = None, facts: BookFacts | None = None) -> list[Touchpoint]:
    """Due and overdue items plus everything falling due in the next `days` days (cadences:
    their next occurrence only), by date — for the iCalendar export."""
    return plan_touchpoints(book, classes, today, config, templates=templates, lang=lang,
                            upcoming_days=max(days, 0), facts=facts).upcoming


def channel_issues(book: Book, classes: Mapping[str, Classification], today: date,
                   config: Mapping[str, Any], *, templates: Templates | None = None
                   ) -> list[Issue]:
    """Issues (tab Contacts, column Phone/Email) for contacts a due touchpoint cannot reach on
    its channel: it fell back to another channel, or there was none (SPEC §4 "Never")."""
    return plan_touchpoints(book, classes, today, config, templates=templates).issues


touchpoint_issues = channel_issues


def contact_id(book: Book, contact: Contact) -> str:
    """The contact's ID, or the one the sync assigns to a blank ID cell."""
    return (contact.id or "").strip() or book.assigned_id(contact)
