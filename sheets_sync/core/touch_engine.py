"""The generic evaluator: every rule for every contact, its occurrences settled against what the
book shows was done, each due one routed to a channel the contact can receive and given a
priority, and one picked per contact for Today (SPEC §4)."""

from __future__ import annotations

import fnmatch
import functools
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import phonenumbers

from sheets_sync.core import preferences
from sheets_sync.core.facts import BookFacts
from sheets_sync.core.messages import Templates
from sheets_sync.core.model import BOOK_ROWS, Book, Classification, Contact, Issue
from sheets_sync.core.parse import e164_number
from sheets_sync.core.preferences import Greeting, greeting_settings
from sheets_sync.core.settings import Settings
from sheets_sync.core.touch_index import (
    BookIndex,
    EngineSettings,
    Occurrence,
    Person,
    engine_settings,
    filter_values,
)
from sheets_sync.core.touch_rules import Rule, rules_of
from sheets_sync.core.touch_triggers import READS, has, lifespan, needs, occurrences

TIER_ORDER = {"A": 0, "B": 1, "C": 2, "D": 3}
_NONE: list[date] = []  # a rule never done (read, never appended to)


@dataclass(slots=True)
class Candidate:
    """An occurrence of a rule for a contact that is due or coming, with its route and rank."""

    rule: Rule
    occ: Occurrence
    person: Person
    channel: str
    fallback_from: str
    priority: float
    days_overdue: int


# (the contact, its due candidates, its coming ones)
ContactResult = tuple[Person, list[Candidate], list[Candidate]]


def evaluate(book: Book, classes: Mapping[str, Classification], typed: Settings,
             today: date, until: date, horizon: date, templates: Templates, lang: str | None,
             facts: BookFacts) -> tuple[BookIndex, Iterator[ContactResult], list[Issue]]:
    """Every contact that may be contacted, with its candidates, and the Issues met on the way.

    The results come one contact at a time, as each is evaluated, so a caller that keeps only
    what it writes never holds the whole book's candidates; the Issues list is complete once
    the results are exhausted."""
    rules = rules_of(typed)
    settings = engine_settings(typed, today, until, horizon, lang)
    index = BookIndex(facts, rules, templates, settings)
    greeting = greeting_settings(typed.today, typed.calendar)
    shared = Shared(rules)
    issues: list[Issue] = []

    def each() -> Iterator[ContactResult]:
        for contact in book.contacts:
            if contact.do_not_contact:
                continue  # SPEC §4 "Never": no touchpoint at all
            cid = facts.contact_id(contact)
            if settings.require_reachable and not contact.phone and not contact.email:
                issues.append(Issue(facts.contacts_tab, contact.row, "Phone", "",
                                    "No usable phone or e-mail: no touchpoint can be scheduled",
                                    "Add a mobile number or an e-mail address"))
                continue
            person = Person(contact, cid, classes.get(contact.key), index, templates)
            pending, future, blocked = _candidates(person, index, greeting, shared)
            pending = _apply_supersedes(pending)
            issues.extend(_channel_issues(contact, pending, blocked, settings,
                                          facts.contacts_tab, templates))
            yield person, pending, future

    return index, each(), issues


class Shared:
    """What contacts alike get alike, worked out for the first of them and reused (one
    evaluation's caches; every answer is the one the functions below give, only not recomputed):

    - the rules whose filters a contact passes, by the values of the filtered fields (most
      contacts share a tier, lifecycle and stage, so `_applies` runs per kind of contact);
    - a calendar rule's occurrences for a country and Festivals cell, greeting filter applied,
      and their outcome when nothing was done (every Malaysian with a blank cell gets the same);
    - a rule's channel for a contact's reach (a phone, a landline, an e-mail);
    - a priority for a rule, tier and days overdue;
    - a rule's occurrences and how they settle, by what its trigger reads of the contact
      (touch_triggers.READS: a closing date, a last contact, a birthday) and the dates the
      rule was done (contacts who closed the same day share their drip).
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = list(rules)
        self.fields = tuple(dict.fromkeys(name for rule in rules for name, _, _ in rule.filters))
        self.filter_values = filter_values(self.fields)
        self.by_kind: dict[tuple, list[Rule]] = {}  # filter values as held and `has` -> rules
        self.calendar: dict[tuple[str, str, str], list[Occurrence]] = {}
        self.calendar_outcomes: dict[tuple[str, str, str], Outcome | None] = {}
        self.routes: dict[tuple[bool, bool, bool], dict[str, tuple[str | None, str]]] = {}
        self.priorities: dict[tuple[str, str, int], float] = {}
        self.by_reads: dict[tuple, Outcome | None] = {}
        self.reads = {rule.key: READS.get(rule.trigger) for rule in rules}
        self.needs = {rule.key: needs(rule) for rule in rules}
        self.mortal = _mortal(rules)

    def rules_for(self, person: Person, index: BookIndex) -> list[Rule]:
        """The rules whose filters the contact passes and that can have an occurrence for them
        (touch_triggers.needs: a drip step needs a closing, a thank-you a referral), less those
        the contact's closings have put out of play (`_mortal`), in config order."""
        present = has(person, index)
        over = self.over(person, index.settings.today) if "closings" in present else ()
        kind = (self.filter_values(person), present, over)
        found = self.by_kind.get(kind)
        if found is None:
            gone = {key for (keys, _, _), out in zip(self.mortal, over, strict=False) if out
                    for key in keys}
            found = self.by_kind[kind] = [
                rule for rule in self.rules
                if _applies(rule, person) and self.needs[rule.key] in (None, *present)
                and rule.key not in gone]
        return found

    def over(self, person: Person, today: date) -> tuple[bool, ...]:
        """For each of `_mortal`'s rule sets, whether the contact's anchors for it are all
        older than its lifespan (or missing): nothing of it can be due, coming or read."""
        return tuple(
            all(anchor is None or (today - anchor).days > days
                for anchor in (person.anchor(name)[0] for name in fields))
            for _, fields, days in self.mortal)

    def outcome(self, rule: Rule, person: Person, index: BookIndex, done: list[date]
                ) -> Outcome | None:
        """`outcome` of a rule for the contact, once per equal reads (touch_triggers.READS)."""
        reads = self.reads[rule.key]
        if reads is None:
            return outcome(rule, occurrences(rule, person, index), done, index.settings)
        key = (rule.key, reads(rule, person, index), tuple(done))
        try:
            return self.by_reads[key]
        except KeyError:
            found = self.by_reads[key] = outcome(rule, occurrences(rule, person, index), done,
                                                 index.settings)
            return found

    def routes_for(self, person: Person) -> dict[str, tuple[str | None, str]]:
        """The memo of `_channel` answers (rule key ->) for contacts of the person's reach: a
        phone, a landline, an e-mail."""
        contact = person.contact
        phone = bool(contact.phone)
        reach = (phone, bool(contact.email), phone and on_landline(contact))
        found = self.routes.get(reach)
        if found is None:
            found = self.routes[reach] = {}
        return found

    def route(self, rule: Rule, person: Person, settings: EngineSettings,
              routes: dict[str, tuple[str | None, str]]) -> tuple[str | None, str]:
        """`_channel`, once per rule and reach (`routes`: `routes_for` the person)."""
        found = routes.get(rule.key)
        if found is None:
            found = routes[rule.key] = _channel(rule, person, settings)
        return found

    def priority(self, rule: Rule, tier: str, overdue: int, settings: EngineSettings) -> float:
        """`_priority`, once per rule, tier and days overdue."""
        key = (rule.key, tier, overdue)
        found = self.priorities.get(key)
        if found is None:
            found = self.priorities[key] = _priority(rule, tier, overdue, settings)
        return found


def _candidates(person: Person, index: BookIndex, greeting: Greeting | None, shared: Shared
                ) -> tuple[list[Candidate], list[Candidate], list[tuple[Rule, str]]]:
    """(due candidates, coming candidates, due rules no channel of the contact can carry with
    the channel each wanted). The coming candidates are those due up to the horizon, else the
    soonest: all that Next touch and the upcoming items read."""
    settings = index.settings
    today = settings.today
    pending: list[Candidate] = []
    future: list[Candidate] = []
    blocked: list[tuple[Rule, str]] = []
    fell_due: dict[str, date] = {}
    horizon = settings.horizon
    beyond: tuple[tuple, Candidate] | None = None  # the soonest coming one past the horizon
    thanked = index.facts.thank_yous.get(person.key, ())
    tier, done_by_rule = person.tier, person.done
    shared_outcome, route, priority_of = shared.outcome, shared.route, shared.priority
    routes = shared.routes_for(person)
    for rule in shared.rules_for(person, index):
        # The dates the contact did the rule, in date order. A referral is thanked by any
        # thank-you of the book (facts.thank_yous), not only by an Interaction naming this
        # rule, so the Referrals tab and Today agree.
        trigger = rule.trigger
        done = list(thanked) if trigger == "referral" else done_by_rule.get(rule.key, _NONE)
        if trigger == "calendar":
            found = _calendar_outcome(rule, person, index, greeting, shared, done)
        else:
            found = shared_outcome(rule, person, index, done)
        if found is None:
            continue
        latest, due_now, later = found
        if latest is not None and latest > fell_due.get(rule.group, date.min):
            fell_due[rule.group] = latest
        if not due_now and not later:
            continue
        channel, fallback_from = route(rule, person, settings, routes)
        if channel is None:
            if due_now:
                blocked.append((rule, fallback_from))
            continue
        for occ in due_now:
            overdue = (today - occ.due).days
            pending.append(Candidate(rule, occ, person, channel, fallback_from,
                                     priority_of(rule, tier, overdue, settings), overdue))
        if not later:
            continue
        priority = priority_of(rule, tier, 0, settings)
        for occ in later:
            if occ.due <= horizon:
                future.append(Candidate(rule, occ, person, channel, fallback_from, priority, 0))
                continue
            # Past the horizon only the soonest matters (Next touch), the first of equals
            # as `min` over them all would find it: no candidate is made for the others.
            order = (occ.due, -priority, rule.key)
            if beyond is None or order < beyond[0]:
                beyond = (order, Candidate(rule, occ, person, channel, fallback_from,
                                           priority, 0))
    if beyond is not None and not future:
        future.append(beyond[1])
    return _latest_of_groups(pending, fell_due), future, blocked


def _mortal(rules: Sequence[Rule]) -> list[tuple[frozenset[str], tuple[str, ...], int]]:
    """(rule keys, the date fields they count from, days) of the rules that a closing long past
    puts out of play (touch_triggers.lifespan): an ungrouped rule alone, a group only when every
    step of it has a lifespan, because a live step still reads the latest date its group fell
    due (`_latest_of_groups`). Most contacts closed years ago: their seven drip steps are not
    asked at all."""
    groups: dict[tuple[str, str], list[Rule]] = {}  # (group, "") or ("", an ungrouped rule)
    for rule in rules:
        groups.setdefault((rule.group, "") if rule.group else ("", rule.key), []).append(rule)
    mortal = []
    for members in groups.values():
        spans = [lifespan(rule) for rule in members]
        if all(span is not None for span in spans):
            mortal.append((frozenset(rule.key for rule in members),
                           tuple(dict.fromkeys(rule.date_field for rule in members)),
                           max(span for span in spans if span is not None)))
    return mortal


def _calendar_outcome(rule: Rule, person: Person, index: BookIndex, greeting: Greeting | None,
                     shared: Shared, done: list[date]) -> Outcome | None:
    """A calendar rule's outcome for the contact. Its occurrences — the contact's Festivals cell
    and climate decide which greetings are theirs — and, when nothing was done, their outcome
    are the same for every contact of a country and Festivals cell."""
    festivals = person.contact.festivals if greeting is not None else ""
    key = (rule.key, person.country, festivals or "")
    occs = shared.calendar.get(key)
    if occs is None:
        occs = occurrences(rule, person, index)
        if occs and greeting is not None:
            occs = [o for o in occs if preferences.wanted(rule.spec.calendar, o.values,
                                              festivals, person.country, greeting)]
        shared.calendar[key] = occs
    if done:
        return outcome(rule, occs, done, index.settings)
    if key not in shared.calendar_outcomes:
        shared.calendar_outcomes[key] = outcome(rule, occs, done, index.settings)
    return shared.calendar_outcomes[key]


def _applies(rule: Rule, person: Person) -> bool:
    for name, values, negate in rule.filters:
        if (person.attr(name) in values) == negate:
            return False
    return True


def _coming(later: list[Occurrence], horizon: date) -> list[Occurrence]:
    """Only the soonest future occurrence matters for Next touch; the iCalendar export also
    wants the others up to its horizon."""
    coming = []
    for position, occ in enumerate(later):
        if position and occ.due > horizon:
            break
        coming.append(occ)
    return coming


# (the latest due date of a grouped rule's occurrences on or before today, or None; the due
# occurrences not done; the coming ones not done that matter: `_coming`)
Outcome = tuple[date | None, Sequence[Occurrence], Sequence[Occurrence]]
# What most outcomes hold of due or coming occurrences: nothing. One empty tuple for all of
# them, not two new lists each (an evaluation keeps a book's outcomes).
_NO_OCCURRENCES: tuple[Occurrence, ...] = ()


def outcome(rule: Rule, occs: list[Occurrence], done: list[date], settings: EngineSettings
            ) -> Outcome | None:
    """What a rule's occurrences come to for a contact who did it on `done`; None when the
    rule has no occurrence for them. Only what the engine reads is kept (an evaluation shares
    outcomes between contacts, so it holds them all), not every occurrence."""
    if not occs:
        return None
    today = settings.today
    latest = max((o.due for o in occs if o.due <= today), default=None) if rule.group else None
    due_now, later = settle(rule, occs, done, today)
    return (latest, due_now or _NO_OCCURRENCES,
            _coming(later, settings.horizon) if later else _NO_OCCURRENCES)


# ---------------------------------------------------------------------------------------------
# Done, due, next


def settle(rule: Rule, occs: list[Occurrence], done: list[date], today: date
           ) -> tuple[list[Occurrence], list[Occurrence]]:
    """Split occurrences into (pending: due and not done, future: not yet due and not done).

    Done-matching is greedy in date order: each occurrence takes the earliest unused matching
    interaction dated from its `lo` until the next occurrence falls due, so one interaction never
    does two occurrences and an early-logged greeting counts for the one it anticipated.
    """
    if (rule.once and done) or not occs:
        return [], []
    if len(occs) > 1:
        occs = sorted(occs, key=_in_order)
    if not done or rule.trigger in ("cadence", "stale"):  # cadences restart from any contact
        return _unmatched(rule, occs, today)  # nothing to match (the common case)
    return _split(rule, occs, _match(rule, occs, done, today), today)


def _in_order(occ: Occurrence) -> tuple:
    return (not occ.dated, occ.due, occ.lo)


def _unmatched(rule: Rule, occs: list[Occurrence], today: date
               ) -> tuple[list[Occurrence], list[Occurrence]]:
    """`_split` when no interaction did any occurrence, without the bookkeeping."""
    if len(occs) == 1:  # a cadence, a drip step: the usual case, said once more plainly
        occ = occs[0]
        if occ.due > today:
            return [], [occ]
        return ([] if _expired(rule, occ, today) else [occ]), []
    past = [o for o in occs if o.due <= today]
    if not rule.multi:
        past = past[-1:]
    return ([o for o in past if not _expired(rule, o, today)],
            [o for o in occs if o.due > today])


def _split(rule: Rule, occs: list[Occurrence], matched: list[bool], today: date
           ) -> tuple[list[Occurrence], list[Occurrence]]:
    """(pending, future) of the sorted occurrences, given which of them were done."""
    past = [(o, m) for o, m in zip(occs, matched, strict=True) if o.due <= today]
    future = [o for o, m in zip(occs, matched, strict=True) if o.due > today and not m]
    if not rule.multi:
        past = past[-1:]  # a newer occurrence supersedes older ones
    pending = [o for o, m in past if not m and not _expired(rule, o, today)]
    return pending, future


def _match(rule: Rule, occs: list[Occurrence], done: list[date], today: date) -> list[bool]:
    """Which of the sorted occurrences an interaction did; each interaction does at most one."""
    matched = [False] * len(occs)
    used = [False] * len(done)
    dated = [i for i, o in enumerate(occs) if o.dated]
    for position, i in enumerate(dated):
        occ = occs[i]
        if _expired(rule, occ, today):
            continue  # out of play: it must not take an interaction meant for a newer occurrence
        # A yearly or calendar occurrence's window ends when the next one falls due; a referral
        # or event stands alone, so its thank-you may come late without limit.
        hi = None if rule.multi else next(
            (occs[j].due for j in dated[position + 1:] if occs[j].due > occ.due), None)
        j = _first_unused(done, used, occ.lo, hi)
        if j is not None:
            used[j] = matched[i] = True
    _match_undated(occs, matched, used)
    return matched


def _match_undated(occs: list[Occurrence], matched: list[bool], used: list[bool]) -> None:
    """An undated referral is done by any matching interaction the dated ones left over."""
    for i, occ in enumerate(occs):
        if not occ.dated:
            j = next((k for k, u in enumerate(used) if not u), None)
            if j is not None:
                used[j] = matched[i] = True


def _first_unused(done: list[date], used: list[bool], lo: date, hi: date | None) -> int | None:
    """The earliest unused interaction dated from `lo` and before `hi` (None: no end)."""
    j = bisect_left(done, lo)
    while j < len(done) and (hi is None or done[j] < hi):
        if not used[j]:
            return j
        j += 1
    return None


def _expired(rule: Rule, occ: Occurrence, today: date) -> bool:
    return rule.expire_days is not None and occ.dated and (today - occ.due).days > rule.expire_days


def _latest_of_groups(pending: list[Candidate], fell_due: dict[str, date]
                      ) -> list[Candidate]:
    """Of a group's steps (the drip) only the latest to fall due goes on, done or not: a step
    left undone expires when the next one falls due, so a missed Day-1 call never holds Day-14
    back to day 22. `fell_due`: group -> the latest due date of its steps on or before today."""
    if not fell_due:
        return pending
    return [c for c in pending if not c.rule.group or c.occ.due >= fell_due[c.rule.group]]


def _apply_supersedes(pending: list[Candidate]) -> list[Candidate]:
    """A rule's `supersedes` items that fell due before its own item are replaced by it (the
    reconnect overtakes a monthly call left undone); one of them due on or after its date means
    the routine touch already covers it, and it goes instead."""
    if not any(c.rule.supersedes for c in pending):
        return pending
    dropped: set[int] = set()
    for cand in pending:
        if not cand.rule.supersedes:
            continue
        victims = [other for other in pending if other is not cand
                   and _superseded(other.rule.key, tuple(cand.rule.supersedes))]
        if any(v.occ.due >= cand.occ.due for v in victims):
            dropped.add(id(cand))
        else:
            dropped.update(id(v) for v in victims)
    return [c for c in pending if id(c) not in dropped]


@functools.lru_cache(maxsize=4096)  # a few rule keys against a few patterns, for every contact
def _superseded(key: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(key, pattern) for pattern in patterns)


# ---------------------------------------------------------------------------------------------
# Channel and priority


def _channel(rule: Rule, person: Person, settings: EngineSettings) -> tuple[str | None, str]:
    """The rule's channel if the contact can receive it, else the first usable fallback."""
    contact = person.contact

    def usable(channel: str) -> bool:
        if channel in settings.mobile_channels and contact.phone:
            return not on_landline(contact)  # no SMS to a fixed line
        if channel in settings.phone_channels:
            return bool(contact.phone)
        if channel in settings.email_channels:
            return bool(contact.email)
        return True

    if usable(rule.channel):
        return rule.channel, ""
    for channel in rule.fallback if rule.fallback is not None else settings.fallback:
        channel = str(channel).strip().lower()
        if channel != rule.channel and usable(channel):
            return channel, rule.channel
    return None, rule.channel


def on_landline(contact: Contact) -> bool:
    """Whether the contact's phone is a fixed line: as validation read it (one parse per
    number), else worked out here for a Contact built without validation."""
    if contact.landline is not None:
        return contact.landline
    return is_landline(contact.phone)


@functools.lru_cache(maxsize=BOOK_ROWS)  # one entry per distinct phone of a book
def is_landline(phone: str) -> bool:
    """Whether a (validated, E.164) phone is a fixed line, which takes no SMS. A number that
    may be either (the US, Canada) or cannot be told is not."""
    number = e164_number(phone)
    if number is None:
        try:
            number = phonenumbers.parse(phone, None)
        except phonenumbers.NumberParseException:
            return False
    return phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.FIXED_LINE


def _channel_issues(contact: Contact, pending: list[Candidate], blocked: list[tuple[Rule, str]],
                    settings: EngineSettings, tab: str, templates: Templates) -> list[Issue]:
    """One Issue per missing column that made a due touchpoint change channel or drop out; the
    touchpoint is named as Today names it, in the label language."""
    issues = []
    seen = set()
    reasons = [(c.rule, c.fallback_from, c.channel) for c in pending if c.fallback_from]
    reasons += [(rule, channel, None) for rule, channel in blocked]
    for rule, wanted, used in reasons:
        landline = wanted in settings.mobile_channels and bool(contact.phone)
        column = "Phone" if landline or wanted in settings.phone_channels else "Email"
        if column in seen:
            continue
        seen.add(column)
        effect = f"goes by {used} instead of {wanted}" if used else f"cannot be sent ({wanted})"
        shown = templates.pick("labels", settings.label_lang, [rule.key]) or rule.label
        if landline:
            problem = f"The phone is a landline: '{shown}' {effect}"
        else:
            what = "phone" if column == "Phone" else "e-mail"
            problem = f"No usable {what}: '{shown}' {effect}"
        issues.append(Issue(
            tab, contact.row, column, contact.phone if landline else "", problem,
            "Add a mobile number" if column == "Phone" else "Add an e-mail address"))
    return issues


def _priority(rule: Rule, tier: str, overdue: int, settings: EngineSettings) -> float:
    """tier_weight[tier] × (rule priority + overdue_weight × min(days overdue, cap))."""
    weight = settings.tier_weight.get(tier, settings.default_weight)
    late = min(max(overdue, 0), settings.overdue_cap)
    return round(weight * (rule.priority + settings.overdue_weight * late), 2)


def rank(candidate: Candidate) -> tuple:
    """Highest priority first; ties: tier A first, then earliest due, name, rule."""
    return (-candidate.priority, TIER_ORDER.get(candidate.person.tier, 9), candidate.occ.due,
            candidate.person.contact.name, candidate.rule.key)


def pick(pending: list[Candidate]) -> Candidate | None:
    """A contact's most urgent item (a group has one due step left, `_latest_of_groups`)."""
    return min(pending, key=rank) if pending else None


def same_day(pending: list[Candidate], picked: Candidate | None) -> list[Candidate]:
    """The contact's due `same_day` items besides its pick (the first-visit thank-you on
    signing day, a birthday on drip day 1): the one-item rule never pushes them to another
    day, so they go on Today as rows of their own, the most urgent first — one per rule (a
    referrer owed three thank-yous gets one row; the others follow as each is logged)."""
    return same_day_of_ranked(sorted(pending, key=rank), picked)


def same_day_of_ranked(ranked: list[Candidate], picked: Candidate | None) -> list[Candidate]:
    """`same_day` of candidates already in `rank` order."""
    listed = {picked.rule.key} if picked is not None else set()
    extra = []
    for cand in ranked:
        if cand.rule.same_day and cand is not picked and cand.rule.key not in listed:
            listed.add(cand.rule.key)
            extra.append(cand)
    return extra
