"""The trigger registry: one function per trigger, each giving a rule's dated occurrences for one
contact (SPEC §4). Whether an occurrence is done, due or superseded is the engine's business
(touch_engine.py); a trigger only says when the rule falls due and what the message can say."""

from __future__ import annotations

import operator
from bisect import bisect_left, bisect_right
from calendar import monthrange
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sheets_sync.core import calendars
from sheets_sync.core.model import Contact
from sheets_sync.core.rule_schema import HolidayExtra
from sheets_sync.core.touch_index import BookIndex, Occurrence, Person, event_text
from sheets_sync.core.touch_rules import Rule
from sheets_sync.core.vocabulary import normalise

Trigger = Callable[[Rule, Person, BookIndex], list[Occurrence]]

_FAR_PAST = date(1, 1, 1)
_BIRTHDAYS = ("birthday", "lunar_birthday", "any_birthday")


def occurrences(rule: Rule, person: Person, index: BookIndex) -> list[Occurrence]:
    """The rule's occurrences for the contact (none for a trigger nobody registered). A
    READS trigger's are the same for every contact whose reads are equal: what is the
    contact's own alone (a birthday's age) is put in when a text is rendered (`own_values`)."""
    trigger = TRIGGERS.get(rule.trigger)
    return trigger(rule, person, index) if trigger is not None else []


def own_values(rule: Rule, contact: Contact, occ: Occurrence) -> dict[str, Any]:
    """The placeholders of an occurrence that are the contact's own: a birthday's `age`. Put
    in the occurrence, the age alone would make every contact's birthday its own (its year
    differs where its day does not), and only the few rendered need it."""
    if rule.trigger != "yearly" or rule.date_field not in _BIRTHDAYS:
        return {}
    born = contact.birthday.year if contact.birthday else 0
    return {"age": occ.values["date"].year - born} if born and "date" in occ.values else {}


def _after(rule: Rule, person: Person, index: BookIndex) -> list[Occurrence]:
    """N days/months after a date of the contact (closing, first interaction, …); after the
    last contact of a contact never contacted counts from today (a Lost contact with no date
    still gets its win-back)."""
    anchor, side = person.anchor(rule.date_field)
    if anchor is None and rule.date_field == "last_contact":
        anchor = index.settings.today
    if anchor is None:
        return []
    occs = []
    for months, days in rule.offsets:
        due = _add_months(anchor, months) + timedelta(days=days)
        lo = max(anchor, due - timedelta(days=rule.early_days))
        occs.append(Occurrence(due, lo, (side,) if side else ()))
    return occs


def _cadence(rule: Rule, person: Person, index: BookIndex) -> list[Occurrence]:
    """Every N days since the last contact; a contact never contacted starts today."""
    last = person.last_contact
    if last is None:
        today = index.settings.today
        return [Occurrence(today, today)]
    due = last + timedelta(days=rule.interval_days)
    return [Occurrence(due, due)]


def _stale(rule: Rule, person: Person, index: BookIndex) -> list[Occurrence]:
    """No contact for N days: needs a contact to go stale from."""
    last = person.last_contact
    if last is None:
        return []
    due = last + timedelta(days=rule.interval_days)
    return [Occurrence(due, due)]


def _yearly(rule: Rule, person: Person, index: BookIndex) -> list[Occurrence]:
    """Each year on a date (birthday, lunar birthday, home anniversary), `lead_days` ahead."""
    settings = index.settings
    years = range(settings.today.year - 1, settings.until.year + 2)
    if rule.date_field in _BIRTHDAYS:
        days = _birthdays(rule, person.contact, years, index)
    else:
        days = _anniversaries(rule, person, years)
    if not days:
        return []
    lead = timedelta(days=rule.lead_days)
    early = timedelta(days=rule.early_days)
    return [Occurrence(day - lead, day - lead - early, (), {**values, "date": day})
            for day, values in days]


def _birthdays(rule: Rule, contact: Contact, years: range, index: BookIndex
               ) -> list[tuple[date, dict[str, Any]]]:
    """(date, placeholders) of the contact's birthdays in `years`, when the rule's kind of
    birthday (solar, lunar or either) is the contact's."""
    birthday = contact.birthday
    if birthday is None:
        return []
    lunar = bool(contact.lunar_birthday)
    if (rule.date_field == "birthday" and lunar) or (
            rule.date_field == "lunar_birthday" and not lunar):
        return []
    return [(day, {}) for _, day in _birthday_dates(birthday.month, birthday.day, lunar, years,
                                                     index)]


def _birthday_dates(month: int, day: int, lunar: bool, years: range, index: BookIndex
                    ) -> list[tuple[int, date]]:
    """(year, date) of a month/day's birthdays in `years` (a lunar one may fall twice in a
    year or not at all), worked out once per month/day and kind for all contacts (`years` is
    the same for every contact of one evaluation)."""
    cache_key = (month, day, lunar)
    found = index.birthdays.get(cache_key)
    if found is None:
        found = []
        for year in years:
            if lunar:
                found.extend((year, d) for d in calendars.lunar_birthday_dates(month, day, year))
            else:
                one = calendars.solar_birthday(month, day, year)
                if one:
                    found.append((year, one))
        index.birthdays[cache_key] = found
    return found


def _anniversaries(rule: Rule, person: Person, years: Iterable[int]
                   ) -> list[tuple[date, dict[str, Any]]]:
    """(date, placeholders) of the yearly returns of the rule's date, from `min_years` on."""
    anchor, _ = person.anchor(rule.date_field)
    if anchor is None:
        return []
    found = []
    for year in years:
        count = year - anchor.year
        if count < max(1, rule.min_years):
            continue
        one = calendars.solar_birthday(anchor.month, anchor.day, year)
        if one:
            found.append((one, {"years": count}))
    return found


def _calendar(rule: Rule, person: Person, index: BookIndex) -> list[Occurrence]:
    """Each date of a calendar: public holidays of the contact's country, the 24 solar terms,
    or dates listed in the rule."""
    dates, occs = _calendar_of(rule, person.country, index)
    # Two past occurrences are enough: the latest supersedes older ones, and the one before
    # it only matters for which of them an early-logged interaction belongs to.
    # Ahead, one occurrence beyond the horizon is enough for the next touch and for the
    # window of the latest past one.
    start = max(0, bisect_right(dates, index.settings.today) - 2)
    return occs[start:bisect_right(dates, index.settings.horizon) + 1]


def _calendar_of(rule: Rule, country: str, index: BookIndex
                 ) -> tuple[list[date], list[Occurrence]]:
    """The rule's calendar for `country` from last year to the look-ahead's end, built once
    per (rule, country) — never per contact."""
    cache_key = (rule.key, country)
    if cache_key not in index.calendars:
        first_year, last_year = index.settings.today.year - 1, index.settings.until.year
        build = _CALENDARS.get(rule.spec.calendar, _listed_dates)
        occs = build(rule, country, first_year, last_year)
        for occ in occs:
            occ.lo = occ.due - timedelta(days=rule.early_days)
        occs.sort(key=lambda o: o.due)
        index.calendars[cache_key] = ([o.due for o in occs], occs)
    return index.calendars[cache_key]


def _solar_terms(rule: Rule, country: str, first_year: int, last_year: int) -> list[Occurrence]:
    """The solar terms on the days they begin in the contact's country's time zone."""
    return [Occurrence(term.date, term.date, (term.key,),
                       {"term": term.names, "term_key": term.key})
            for year in range(first_year, last_year + 1)
            for term in calendars.solar_terms(year, calendars.utc_offset_minutes(country))]


def _holiday_occurrences(rule: Rule, country: str, first_year: int, last_year: int
                         ) -> list[Occurrence]:
    spec = rule.spec
    setup = spec.countries.get(country)
    include = setup.include if setup and setup.include is not None else spec.include
    wanted = None if include is None else {normalise(name) for name in include}
    exclude = spec.exclude
    subdiv = (setup.subdiv if setup else None) or None
    occs = []
    for year in range(first_year, last_year + 1):
        for holiday in calendars.public_holidays(country, year, subdiv, exclude):
            if wanted is None or normalise(holiday.key) in wanted:
                occs.append(Occurrence(holiday.date, holiday.date, (holiday.slug,),
                                       {"holiday": holiday.names}))
        if setup:
            occs.extend(_extra_holidays(setup.extra, year))
    return occs


def _extra_holidays(extras: Iterable[HolidayExtra], year: int) -> list[Occurrence]:
    """The rule's own holidays of a country in `year` (one without an English name is none)."""
    occs = []
    for extra in extras:
        names = dict(extra.names)
        if not names.get("en"):
            continue
        for when in _month_day_dates(extra.date, year, extra.lunar):
            occs.append(Occurrence(when, when, (calendars.slugify(names["en"]),),
                                   {"holiday": names}))
    return occs


def _listed_dates(rule: Rule, country: str, first_year: int, last_year: int
                  ) -> list[Occurrence]:
    occs = []
    for entry in rule.spec.dates:
        text, name = entry.date, entry.name
        try:
            when = date.fromisoformat(text)
        except ValueError:
            when = None
        whens = [when] if when else [d for y in range(first_year, last_year + 1)
                                     for d in _month_day_dates(text, y, False)]
        for day in whens:
            occs.append(Occurrence(day, day, (), {"milestone": name}))
    return occs


_CALENDARS: dict[str, Callable[[Rule, str, int, int], list[Occurrence]]] = {
    "solar_terms": _solar_terms,
    "holidays": _holiday_occurrences,
}


def _month_day_dates(text: str, year: int, lunar: bool) -> tuple[date, ...]:
    """Dates in `year` of a yearly "MM-DD" (a Chinese-lunar month/day when `lunar`)."""
    try:
        month, day = (int(part) for part in text.split("-"))
    except ValueError:
        return ()
    if lunar:
        return calendars.lunar_birthday_dates(month, day, year)
    one = calendars.solar_birthday(month, day, year)
    return (one,) if one else ()


def _event(rule: Rule, person: Person, index: BookIndex) -> list[Occurrence]:
    """An interaction event: the first call/visit, or keywords in Interactions."""
    offsets = _event_offsets(rule, index)
    if rule.spec.event == "first_channel":
        return _first_channel(rule, person, offsets)
    return _keyword_events(rule, person, index, offsets)


def _event_offsets(rule: Rule, index: BookIndex) -> list[timedelta]:
    offsets = index.event_offsets.get(rule.key)
    if offsets is None:
        offsets = index.event_offsets[rule.key] = [
            timedelta(days=days) + timedelta(days=30 * months) for months, days in rule.offsets]
    return offsets


def _looks_back_to(rule: Rule, index: BookIndex, offsets: Sequence[timedelta]) -> date:
    """The earliest interaction a keyword event rule reads: only as far back as an occurrence
    could still be due or shadow a repeat."""
    reach = (rule.expire_days if rule.expire_days is not None else 365) + rule.cooldown_days
    return index.settings.today - timedelta(days=reach + max(o.days for o in offsets))


def _first_channel(rule: Rule, person: Person, offsets: Sequence[timedelta]
                   ) -> list[Occurrence]:
    for interaction, keys in zip(person.interactions, person.named, strict=True):
        if (interaction.channel or "").strip().lower() in rule.channels:
            if keys:
                return []  # the first such touch was one the tool asked for, not an event
            return [Occurrence(interaction.date + off, interaction.date) for off in offsets]
    return []


def _keyword_events(rule: Rule, person: Person, index: BookIndex,
                    offsets: Sequence[timedelta]) -> list[Occurrence]:
    """One occurrence per offset for each interaction whose words name a kind of event, a
    repeat of the same kind inside `cooldown_days` being the same event."""
    first = bisect_left(person.interactions, _looks_back_to(rule, index, offsets), key=_dated)
    occs = []
    last_seen: dict[str, date] = {}
    for position in range(first, len(person.interactions)):
        interaction, key = person.interactions[position], person.resolved[position]
        if key == rule.key:
            continue  # our own check-in mentioning the event is not a new event
        text = person.event_text(position)
        if not text.strip():
            continue
        for kind in _new_kinds(rule, index.kinds_named(rule, text), interaction.date, last_seen):
            for off in offsets:
                occs.append(Occurrence(interaction.date + off, interaction.date, (kind,),
                                       {"kind": kind}))
    return occs


_dated = operator.attrgetter("date")  # an interaction's date, to bisect a contact's by


def _new_kinds(rule: Rule, named: tuple[str, ...], when: date, last_seen: dict[str, date]
               ) -> list[str]:
    """The kinds of `named` (those an interaction's words name) not seen within the cooldown;
    notes them as seen."""
    kinds = []
    for kind in named:
        seen = last_seen.get(kind)
        if seen is not None and (when - seen).days <= rule.cooldown_days:
            continue
        last_seen[kind] = when
        kinds.append(kind)
    return kinds


def _referral(rule: Rule, person: Person, index: BookIndex) -> list[Occurrence]:
    """One thank-you per referral the contact made (seed 002: within 48 hours), carrying the
    reward tier the n-th referral earns (facts.BookFacts.reward_tier, shared with the Referrals
    tab: first referral a 25-50 gift, more than one a 75-100 gift or the appreciation event),
    or the rule's own `rewards` list of the same shape. Its referral date and thank-yous are the
    book's (facts.py)."""
    facts = index.facts
    entries = index.referrals.get(person.key, [])
    # The rule's own rewards, else [[referrals.reward_tiers]] (the facts' tiers, as the
    # Referrals tab shows them).
    tiers = None if rule.spec.rewards is None else [
        {"min_referrals": t.min_referrals, "name": t.name, "reward": t.reward}
        for t in rule.spec.rewards]
    occs = []
    closed = 0
    for count, (when, referred) in enumerate(entries, start=1):
        closed += referred in facts.closed
        reward = facts.reward_tier(count, closed, tiers) or {}
        known = facts.people.get(referred)
        values = {"referred": known.name if known is not None and known.name else referred,
                  "count": count, "tier": reward.get("name", ""),
                  "reward": reward.get("reward", "")}
        variants = (f"tier{int(reward.get('min_referrals', 1))}",) if reward else ()
        for months, days in rule.offsets:
            if when is None:
                occs.append(Occurrence(index.settings.today, _FAR_PAST, variants, values,
                                       dated=False))
            else:
                due = _add_months(when, months) + timedelta(days=days)
                # A thank-you a little before the referred person's first trace is for them
                # (facts.BookFacts.thanked_for: the Referrals tab reads the same window).
                lo = when - timedelta(days=facts.thanks_early_days)
                occs.append(Occurrence(due, lo, variants, values))
    return occs


def _top_referrer(rule: Rule, person: Person, index: BookIndex) -> list[Occurrence]:
    """Once a year for the contacts who referred most in the past year."""
    month, day = rule.spec.month, rule.spec.day
    occs = []
    for year in index.recognition_years():
        if person.key in index.top_referrers(rule, year):
            due = _safe_date(year, month, day)
            occs.append(Occurrence(due, due - timedelta(days=rule.early_days), (), {"year": year}))
    return occs


def _anchor_read(rule: Rule, person: Person, index: BookIndex) -> Any:
    return person.anchor(rule.date_field)


def _last_contact_read(rule: Rule, person: Person, index: BookIndex) -> Any:
    return person.last_contact


def _yearly_read(rule: Rule, person: Person, index: BookIndex) -> Any:
    if rule.date_field in _BIRTHDAYS:  # the day, not the year: the age is put in after
        birthday = person.contact.birthday
        return birthday and (birthday.month, birthday.day, bool(person.contact.lunar_birthday))
    return person.anchor(rule.date_field)[0]


# What a trigger reads of a contact, as one hashable value: contacts whose values are equal get
# equal occurrences, so the engine works them out once for all of them (touch_engine.Shared).
# A trigger missing here reads more of the contact (interactions, referrals) and is asked per
# contact. Keep each entry in step with its trigger above.
READS: dict[str, Callable[[Rule, Person, BookIndex], Any]] = {
    "after": _anchor_read,
    "cadence": _last_contact_read,
    "stale": _last_contact_read,
    "yearly": _yearly_read,
}


# What a rule needs of a contact to have any occurrence at all, as the name of one of `HAS`'s
# facts (None: nothing, or more than these cheap facts tell). A contact without it gets no
# occurrence from the trigger above, so the engine does not ask the rule for them. Keep each
# entry in step with its trigger.
_CLOSING_ANCHORS = ("closing_date", "purchase_date", "first_transaction")


def needs(rule: Rule) -> str | None:
    if rule.trigger == "after" and rule.date_field in _CLOSING_ANCHORS:
        return "closings"  # _after: no anchor without a closing
    if rule.trigger == "after" and rule.date_field == "first_interaction":
        return "interactions"
    if rule.trigger == "yearly":
        if rule.date_field == "birthday":
            return "solar_birthday"  # _birthdays: a solar rule takes no lunar birthday
        if rule.date_field == "lunar_birthday":
            return "lunar_birthday"
        if rule.date_field == "any_birthday":
            return "birthday"
        if rule.date_field in _CLOSING_ANCHORS:
            return "closings"  # _anniversaries: no anchor without a closing
    if _keyword_rule(rule):
        return _event_need(rule.key)  # _keyword_events: an interaction naming a kind
    if rule.trigger == "event":
        return "interactions"  # _first_channel reads only interactions
    if rule.trigger == "referral":
        return "referrals"  # one occurrence per referral made
    if rule.trigger == "top_referrer":
        return "top_referrer"  # _top_referrer: only in a year the contact is recognised
    return None


def lifespan(rule: Rule) -> int | None:
    """Days after its anchor past which every occurrence of the rule has fallen due and expired:
    for an `after` rule counted from a closing and given `expire_days` (`_after`: each due date
    is at most 31 days a month and the days after the anchor). None for any other rule, which
    may have a live occurrence whenever it is asked. Keep in step with `_after`."""
    if (rule.trigger != "after" or rule.date_field not in _CLOSING_ANCHORS
            or rule.expire_days is None or not rule.offsets):
        return None
    return max(31 * months + days for months, days in rule.offsets) + rule.expire_days


def has(person: Person, index: BookIndex) -> tuple[str, ...]:
    """The facts of `needs` the contact has, in a fixed order (a key of contacts alike)."""
    found = []
    if person.closings:
        found.append("closings")
    if person.interactions:
        found.append("interactions")
    if person.contact.birthday is not None:
        found.append("birthday")
        found.append("lunar_birthday" if person.contact.lunar_birthday else "solar_birthday")
    if index.referrals.get(person.key):
        found.append("referrals")
    if person.key in index.any_top_referrer():
        found.append("top_referrer")
    if person.interactions:
        found.extend(_event_need(rule_key) for rule_key, keys in _named_events(index).items()
                     if person.key in keys)
    return tuple(found)


def _event_need(rule_key: str) -> str:
    """The fact `needs` asks of a keyword event rule and `has` finds: a recent interaction
    naming one of its kinds."""
    return f"events:{rule_key}"


def _keyword_rule(rule: Rule) -> bool:
    return rule.trigger == "event" and rule.spec.event != "first_channel"


def _named_events(index: BookIndex) -> dict[str, frozenset[str]]:
    """Keyword event rule key -> the contacts with an interaction, in the days the rule looks
    back over, whose words name one of its kinds (the reading of `_keyword_events`, cooldown
    aside): no other contact can have an occurrence of it. Worked out once per evaluation over
    the few recent interactions, rather than by the trigger for every contact."""
    if index.named_events is not None:
        return index.named_events
    rules = [rule for rule in index.rules.values() if _keyword_rule(rule)]
    since = {rule.key: _looks_back_to(rule, index, _event_offsets(rule, index))
             for rule in rules}
    found: dict[str, set[str]] = {rule.key: set() for rule in rules}
    earliest = min(since.values(), default=None)
    for key, interactions in index.facts.interactions.items() if earliest else ():
        for position in range(bisect_left(interactions, earliest, key=_dated),
                              len(interactions)):
            interaction = interactions[position]
            marker = index.marker(interaction.touchpoint)
            text = event_text(interaction, marker)
            if not text.strip():
                continue
            for rule in rules:
                if (marker != rule.key and interaction.date >= since[rule.key]
                        and index.kinds_named(rule, text)):
                    found[rule.key].add(key)
    index.named_events = {rule_key: frozenset(keys) for rule_key, keys in found.items()}
    return index.named_events


TRIGGERS: dict[str, Trigger] = {
    "after": _after,
    "cadence": _cadence,
    "stale": _stale,
    "yearly": _yearly,
    "calendar": _calendar,
    "event": _event,
    "referral": _referral,
    "top_referrer": _top_referrer,
}


def _add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month: 28/29 Feb)."""
    if not months:
        return day
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _safe_date(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, monthrange(year, month)[1]))
