"""The cadence engine (SPEC §4): which touchpoint is due for which contact, today and next.

Rules are data (`[touchpoints.rules.<key>]` in config, see config/default.toml); this
module has one generic evaluator and no rule of its own. A rule names a *trigger* that yields
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
rule (its Touchpoint ends in "[rule_key]", or is exactly the rule's label in any language) dated
inside the occurrence's window; an undone occurrence stays due, growing overdue, until done,
expired (`expire_days`) or superseded by the rule's next occurrence. Cadences count from the last
contact (the later of the Last contact cell and the newest interaction; a rule may declare that
doing it is not contact, as mass holiday greetings do). Do-not-contact contacts get nothing; a
channel the contact cannot receive falls back to one it can, with an Issue.

Everything is computed from the arguments: no clock, no files (templates are loaded at the edge
and passed in). Interactions, closings, referrals, thank-yous and top referrers are the book's
facts (facts.py, indexed once per sync) and each calendar is built once per country/year, so the
cost grows with the number of contacts only.
"""

from __future__ import annotations

import calendar as _calendar
import fnmatch
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from . import calendars
from .facts import BookFacts, Recognition, build_facts, rule_key_of
from .messages import Templates, default_templates, first_name, label_index, render
from .model import Book, Classification, Contact, Issue
from .rule_schema import RewardTier, RuleSpec
from .settings import Settings, parse_settings
from .vocabulary import normalise

FILTERS = ("lifecycle", "tier", "circle", "stage", "side", "language", "country", "lost_reason")
TIER_ORDER = {"A": 0, "B": 1, "C": 2, "D": 3}
_FAR_PAST = date(1, 1, 1)


# ---------------------------------------------------------------------------------------------
# Public data


@dataclass
class Touchpoint:
    """One touch to make: what, for whom, when, how, and the drafted message."""

    contact_row: int
    contact_id: str
    rule: str
    label: str  # readable, in the label language ("First-month check-in, review and …")
    due: date
    days_overdue: int
    channel: str
    priority: float
    message: str
    owner: str
    name: str
    tier: str
    phone: str | None
    email: str | None
    lang: str = "en"  # the message's language
    group: str = ""
    fallback_from: str = ""  # the rule's own channel when `channel` replaced it

    @property
    def touchpoint(self) -> str:
        """The Touchpoint text written to Today and Interactions: "Label [rule_key]"."""
        return touchpoint_text(self.label, self.rule)


def touchpoint_text(label: str, rule: str) -> str:
    return f"{label} [{rule}]"


@dataclass
class Plan:
    """Everything one evaluation produces (the sync uses this; the functions below wrap it)."""

    due: list[Touchpoint]
    today: list[Touchpoint]
    next_touch: dict[str, tuple[str, date]]  # Contact.key -> (label, date)
    issues: list[Issue]
    upcoming: list[Touchpoint] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Rules


@dataclass(frozen=True)
class Rule:
    key: str
    trigger: str
    spec: RuleSpec  # the checked config of the rule; trigger-specific options are read here
    date_field: str
    offsets: tuple[tuple[int, int], ...]  # (months, days)
    interval_days: int
    lead_days: int
    min_years: int
    channel: str
    fallback: tuple[str, ...] | None
    priority: float
    template: str
    label: str
    group: str
    supersedes: tuple[str, ...]  # fnmatch patterns of rule keys this rule's item replaces
    once: bool
    counts_as_contact: bool  # false: doing it does not restart cadences (mass greetings)
    multi: bool  # every undone occurrence stays due (referrals, events), not only the latest
    expire_days: int | None
    early_days: int
    cooldown_days: int
    filters: tuple[tuple[str, frozenset[str], bool], ...]  # (field, values, exclude)
    channels: frozenset[str]
    keywords: tuple[tuple[str, re.Pattern[str]], ...]


def parse_rules(config: Mapping[str, Any]) -> list[Rule]:
    """The enabled rules of `config["touchpoints"]["rules"]`, validated (ConfigError if not)."""
    return _rules(parse_settings(config))


def _rules(settings: Settings) -> list[Rule]:
    early = settings.touchpoints.early_days
    return [_parse_rule(key, spec, early)
            for key, spec in settings.touchpoints.rules.items() if spec.enabled]


def _parse_rule(key: str, spec: RuleSpec, default_early: int) -> Rule:
    """The engine's view of a rule spec (rule_schema.py has already checked every value)."""
    filters = []
    for name in FILTERS:
        for negate, option in ((False, name), (True, f"not_{name}")):
            values = getattr(spec, option)
            if values is not None:
                filters.append((name, frozenset(normalise(v) for v in values), negate))
    keywords = []
    for kind, words in getattr(spec, "keywords", {}).items():
        if words:
            keywords.append((str(kind), _keyword_pattern(words)))
    # Fields a trigger does not have take the neutral value (a cadence has no lead time).
    return Rule(
        key=key,
        trigger=spec.trigger,
        spec=spec,
        date_field=getattr(spec, "date", ""),
        offsets=spec.offsets(),
        interval_days=getattr(spec, "interval_days", 0),
        lead_days=getattr(spec, "lead_days", 0),
        min_years=getattr(spec, "min_years", 0),
        channel=spec.channel,
        fallback=spec.fallback,
        priority=spec.priority,
        template=spec.template or key,
        label=spec.label or key,
        group=spec.group,
        supersedes=spec.supersedes,
        once=spec.once,
        counts_as_contact=spec.counts_as_contact,
        multi=spec.multi,
        expire_days=spec.expire_days,
        early_days=default_early if spec.early_days is None else spec.early_days,
        cooldown_days=getattr(spec, "cooldown_days", 0),
        filters=tuple(filters),
        channels=frozenset(getattr(spec, "channels", ())),
        keywords=tuple(keywords),
    )


def _keyword_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """One regex per kind. Latin words must start a word ("moved" not "removed") but may be stems
    ("promot", "relocat"); CJK words match anywhere, having no spaces to anchor on."""
    parts = []
    for word in sorted({w.casefold() for w in words if w}, key=len, reverse=True):
        escaped = re.escape(word)
        parts.append(rf"\b{escaped}" if word[0].isascii() and word[0].isalnum() else escaped)
    return re.compile("|".join(parts))


# ---------------------------------------------------------------------------------------------
# Indexes built once per evaluation


@dataclass
class _Occ:
    """One dated occurrence of a rule for a contact."""

    due: date
    lo: date  # interactions from this date on may count as doing it
    variants: tuple[str, ...] = ()  # template/label variants, most specific first
    values: dict[str, Any] = field(default_factory=dict)  # placeholders (str or lang->str)
    dated: bool = True  # an undated referral: any later matching interaction does it


@dataclass
class _Settings:
    today: date
    until: date  # how far Next touch looks
    horizon: date  # how far the iCalendar export looks (today when not exporting)
    early_days: int
    phone_channels: frozenset[str]
    email_channels: frozenset[str]
    fallback: tuple[str, ...]
    require_reachable: bool
    not_contact: frozenset[str]
    default_country: str
    default_lang: str
    label_lang: str
    office_address: str
    tier_weight: dict[str, float]
    default_weight: float  # for a tier the table lacks
    overdue_weight: float
    overdue_cap: int
    reward_tiers: tuple[RewardTier, ...]  # [[referrals.reward_tiers]]
    referral_window: int  # referrals.lookback_days: the top-referrer year


class _Index:
    """The book's facts, the rule labels, and the per-call calendar and top-referrer caches."""

    def __init__(self, facts: BookFacts, rules: Sequence[Rule], templates: Templates,
                 settings: _Settings) -> None:
        self.settings = settings
        self.rule_keys = {rule.key for rule in rules}
        self.not_contact_rules = {rule.key for rule in rules if not rule.counts_as_contact}
        self.labels = label_index(templates, self.rule_keys)
        for rule in rules:  # the English label in config also counts when typed
            self.labels.setdefault(normalise(rule.label), rule.key)
        self._resolved: dict[str, str | None] = {}

        self.facts = facts
        # Referrals: referrer key -> [(date or None, referred key)], dated first (facts.py).
        self.referrals: dict[str, list[tuple[date | None, str]]] = {
            referrer: [(r.when, r.referred) for r in refs]
            for referrer, refs in facts.referrals.items()}
        self._top: dict[tuple[str, int], frozenset[str]] = {}
        self._calendars: dict[tuple[str, str], tuple[list[date], list[_Occ]]] = {}

    def resolve(self, text: str) -> str | None:
        """The rule an Interactions Touchpoint names: "… [key]" or an exact label in any
        language (or the key itself); None for anything else."""
        if text in self._resolved:
            return self._resolved[text]
        key = rule_key_of(text)
        if key not in self.rule_keys:
            key = None
        if key is None and text:
            key = self.labels.get(normalise(text))
        self._resolved[text] = key
        return key

    def top_referrers(self, rule: Rule, year: int) -> frozenset[str]:
        """Referrer keys the rule recognises in `year` (facts.BookFacts.top_referrers)."""
        cache_key = (rule.key, year)
        if cache_key not in self._top:
            recognition = Recognition.from_spec(rule.spec, self.settings.referral_window)
            self._top[cache_key] = self.facts.top_referrers(recognition, year)
        return self._top[cache_key]

    def calendar(self, rule: Rule, country: str) -> tuple[list[date], list[_Occ]]:
        """The rule's calendar for `country` from last year to the look-ahead's end, built once
        per (rule, country) — never per contact."""
        cache_key = (rule.key, country)
        if cache_key not in self._calendars:
            occs: list[_Occ] = []
            first_year, last_year = self.settings.today.year - 1, self.settings.until.year
            kind = rule.spec.calendar
            if kind == "solar_terms":
                for year in range(first_year, last_year + 1):
                    for term in calendars.solar_terms(year):
                        occs.append(_Occ(term.date, term.date, (term.key,),
                                         {"term": term.names, "term_key": term.key}))
            elif kind == "holidays":
                occs = _holiday_occurrences(rule, country, first_year, last_year)
            else:
                occs = _listed_dates(rule, first_year, last_year)
            for occ in occs:
                occ.lo = occ.due - timedelta(days=rule.early_days)
            occs.sort(key=lambda o: o.due)
            self._calendars[cache_key] = ([o.due for o in occs], occs)
        return self._calendars[cache_key]


def _holiday_occurrences(rule: Rule, country: str, first_year: int, last_year: int) -> list[_Occ]:
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
                occs.append(_Occ(holiday.date, holiday.date, (holiday.slug,),
                                 {"holiday": holiday.names}))
        for extra in setup.extra if setup else ():
            names = dict(extra.names)
            if not names.get("en"):
                continue
            for when in _month_day_dates(extra.date, year, extra.lunar):
                occs.append(_Occ(when, when, (calendars.slugify(names["en"]),),
                                 {"holiday": names}))
    return occs


def _listed_dates(rule: Rule, first_year: int, last_year: int) -> list[_Occ]:
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
            occs.append(_Occ(day, day, (), {"milestone": name}))
    return occs


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


# ---------------------------------------------------------------------------------------------
# One contact


class _Person:
    """A contact with what the rules need, derived once."""

    def __init__(self, contact: Contact, cid: str, cls: Classification | None, index: _Index,
                 templates: Templates) -> None:
        settings = index.settings
        self.contact = contact
        self.cid = cid
        self.key = index.facts.key(contact)
        self.cls = cls
        self.tier = (cls.tier if cls else contact.tier_override or "C") or "C"
        self.lifecycle = cls.lifecycle if cls else ""
        language = (contact.language or "").strip() or settings.default_lang
        self.lang = language if templates.has(language) else (
            settings.default_lang if templates.has(settings.default_lang) else "en")
        self.country = ((contact.country or "").strip() or settings.default_country).upper()
        self.interactions = index.facts.interactions.get(self.key, ())
        self.done: dict[str, list[date]] = defaultdict(list)
        self.resolved: list[str | None] = []
        latest = None
        for interaction in self.interactions:
            key = index.resolve(interaction.touchpoint)
            self.resolved.append(key)
            if key:
                self.done[key].append(interaction.date)
            # A mass greeting (counts_as_contact = false) is not the personal contact a
            # cadence or the 90-day flag asks for, so it does not restart their clocks.
            if key not in index.not_contact_rules and (
                    interaction.channel or "").strip().lower() not in settings.not_contact:
                latest = interaction.date
        last = contact.last_contact
        if last is not None and last > settings.today:
            last = None  # a typed future date is a plan, not a contact
        # The book's last contact (facts.last_contact) less the contacts that are no personal
        # contact: what cadences count from.
        self.last_contact = max(d for d in (latest, last) if d) if (latest or last) else None
        closings = index.facts.closings.get(contact.row, ())
        self.closings = closings
        self.side = closings[-1][1] if closings else ""
        self._attrs: dict[str, str] = {}

    def attr(self, name: str) -> str:
        """A filterable field, normalised once per contact (rules share a few fields)."""
        cached = self._attrs.get(name)
        if cached is not None:
            return cached
        contact = self.contact
        value = {
            "lifecycle": self.lifecycle,
            "tier": self.tier,
            "circle": contact.circle,
            "stage": contact.stage,
            "side": self.side,
            "language": self.lang,
            "country": self.country,
            "lost_reason": contact.lost_reason,
        }[name]
        self._attrs[name] = folded = normalise(value or "")
        return folded

    def anchor(self, name: str) -> tuple[date | None, str]:
        """The date a rule counts from, and the deal side when it is a closing."""
        if name == "closing_date":
            return self.closings[-1] if self.closings else (None, "")
        if name == "purchase_date":
            bought = [c for c in self.closings if c[1] in ("", "buy")]
            return bought[-1] if bought else (None, "")
        if name == "first_transaction":
            return self.closings[0] if self.closings else (None, "")
        if name == "first_interaction":
            return (self.interactions[0].date if self.interactions else None), ""
        if name == "last_contact":
            return self.last_contact, ""
        value = getattr(self.contact, name, None)
        if isinstance(value, datetime):
            value = value.date()
        return (value if isinstance(value, date) else None), ""


def _applies(rule: Rule, person: _Person) -> bool:
    for name, values, negate in rule.filters:
        if (person.attr(name) in values) == negate:
            return False
    return True


# ---------------------------------------------------------------------------------------------
# Occurrences per trigger


def _occurrences(rule: Rule, person: _Person, index: _Index) -> list[_Occ]:
    settings = index.settings
    today, until = settings.today, settings.until
    trigger = rule.trigger
    if trigger == "after":
        anchor, side = person.anchor(rule.date_field)
        if anchor is None:
            return []
        occs = []
        for months, days in rule.offsets:
            due = _add_months(anchor, months) + timedelta(days=days)
            lo = max(anchor, due - timedelta(days=rule.early_days))
            occs.append(_Occ(due, lo, (side,) if side else ()))
        return occs
    if trigger in ("cadence", "stale"):
        last = person.last_contact
        if last is None:
            # Never contacted: a cadence starts today; "stale" needs a contact to go stale from.
            return [_Occ(today, today)] if trigger == "cadence" else []
        due = last + timedelta(days=rule.interval_days)
        return [_Occ(due, due)]
    if trigger == "yearly":
        return _yearly(rule, person, today, until)
    if trigger == "calendar":
        dates, occs = index.calendar(rule, person.country)
        # Two past occurrences are enough: the latest supersedes older ones, and the one before
        # it only matters for which of them an early-logged interaction belongs to.
        # Ahead, one occurrence beyond the horizon is enough for the next touch and for the
        # window of the latest past one.
        start = max(0, bisect_right(dates, today) - 2)
        return occs[start:bisect_right(dates, settings.horizon) + 1]
    if trigger == "event":
        return _events(rule, person, index)
    if trigger == "referral":
        return _referrals(rule, person, index)
    if trigger == "top_referrer":
        month, day = rule.spec.month, rule.spec.day
        occs = []
        for year in range(today.year - 1, until.year + 1):
            if person.key in index.top_referrers(rule, year):
                due = _safe_date(year, month, day)
                occs.append(_Occ(due, due - timedelta(days=rule.early_days), (), {"year": year}))
        return occs
    return []


def _yearly(rule: Rule, person: _Person, today: date, until: date) -> list[_Occ]:
    contact = person.contact
    field_name = rule.date_field
    occs = []
    birthday = contact.birthday
    anchor: date | None = None
    if field_name in ("birthday", "lunar_birthday", "any_birthday"):
        if birthday is None:
            return []
        lunar = bool(contact.lunar_birthday)
        if (field_name == "birthday" and lunar) or (field_name == "lunar_birthday" and not lunar):
            return []
    else:
        anchor, _ = person.anchor(field_name)
        if anchor is None:
            return []
    lead = timedelta(days=rule.lead_days)
    early = timedelta(days=rule.early_days)
    for year in range(today.year - 1, until.year + 2):
        values: dict[str, Any] = {}
        if birthday is not None and anchor is None:
            if contact.lunar_birthday:
                days = list(calendars.lunar_birthday_dates(birthday.month, birthday.day, year))
            else:
                one = calendars.solar_birthday(birthday.month, birthday.day, year)
                days = [one] if one else []
            if birthday.year:
                values["age"] = year - birthday.year
        elif anchor is not None:
            years = year - anchor.year
            if years < max(1, rule.min_years):
                continue
            one = calendars.solar_birthday(anchor.month, anchor.day, year)
            days = [one] if one else []
            values["years"] = years
        for day in days:
            due = day - lead
            occs.append(_Occ(due, due - early, (), dict(values, date=day)))
    return occs


def _events(rule: Rule, person: _Person, index: _Index) -> list[_Occ]:
    today = index.settings.today
    offsets = [timedelta(days=days) + timedelta(days=30 * months) for months, days in rule.offsets]
    if rule.spec.event == "first_channel":
        for interaction, key in zip(person.interactions, person.resolved, strict=True):
            if (interaction.channel or "").strip().lower() in rule.channels:
                if key is not None:
                    return []  # the first such touch was one the tool asked for, not an event
                return [_Occ(interaction.date + off, interaction.date) for off in offsets]
        return []
    # Keywords: look back only as far as an occurrence could still be due or shadow a repeat.
    reach = (rule.expire_days if rule.expire_days is not None else 365) + rule.cooldown_days
    start = today - timedelta(days=reach + max(o.days for o in offsets))
    dates = [i.date for i in person.interactions]
    first = bisect_left(dates, start)
    occs = []
    last_seen: dict[str, date] = {}
    for interaction, key in zip(person.interactions[first:], person.resolved[first:], strict=True):
        if key == rule.key:
            continue  # our own check-in mentioning the event is not a new event
        parts = [interaction.outcome or "", interaction.notes or ""]
        if key is None:  # a person's own Touchpoint text may name the event; ours never does
            parts.append(interaction.touchpoint or "")
        text = " ".join(parts).casefold()
        if not text.strip():
            continue
        for kind, pattern in rule.keywords:
            if not pattern.search(text):
                continue
            seen = last_seen.get(kind)
            if seen is not None and (interaction.date - seen).days <= rule.cooldown_days:
                continue
            last_seen[kind] = interaction.date
            for off in offsets:
                occs.append(_Occ(interaction.date + off, interaction.date, (kind,), {"kind": kind}))
    return occs


def _referrals(rule: Rule, person: _Person, index: _Index) -> list[_Occ]:
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
                occs.append(_Occ(index.settings.today, _FAR_PAST, variants, values, dated=False))
            else:
                due = _add_months(when, months) + timedelta(days=days)
                occs.append(_Occ(due, when, variants, values))
    return occs


# ---------------------------------------------------------------------------------------------
# Done, due, next


def _settle(rule: Rule, occs: list[_Occ], done: list[date], today: date
            ) -> tuple[list[_Occ], list[_Occ]]:
    """Split occurrences into (pending: due and not done, future: not yet due and not done).

    Done-matching is greedy in date order: each occurrence takes the earliest unused matching
    interaction dated from its `lo` until the next occurrence falls due, so one interaction never
    does two occurrences and an early-logged greeting counts for the one it anticipated.
    """
    if rule.once and done:
        return [], []
    if not occs:
        return [], []
    if len(occs) > 1:
        occs = sorted(occs, key=lambda o: (not o.dated, o.due, o.lo))
    if not done or rule.trigger in ("cadence", "stale"):  # cadences restart from any contact
        # Nothing to match (the common case): no need for the windows below.
        past = [o for o in occs if o.due <= today]
        if not rule.multi:
            past = past[-1:]
        return ([o for o in past if not _expired(rule, o, today)],
                [o for o in occs if o.due > today])
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
        j = bisect_left(done, occ.lo)
        while j < len(done) and (hi is None or done[j] < hi):
            if not used[j]:
                used[j] = matched[i] = True
                break
            j += 1
    for i, occ in enumerate(occs):
        if not occ.dated:  # an undated referral: any matching interaction left over does it
            j = next((k for k, u in enumerate(used) if not u), None)
            if j is not None:
                used[j] = matched[i] = True
    past = [(o, m) for o, m in zip(occs, matched, strict=True) if o.due <= today]
    future = [o for o, m in zip(occs, matched, strict=True) if o.due > today and not m]
    if not rule.multi:
        past = past[-1:]  # a newer occurrence supersedes older ones
    pending = [o for o, m in past if not m and not _expired(rule, o, today)]
    return pending, future


def _expired(rule: Rule, occ: _Occ, today: date) -> bool:
    return rule.expire_days is not None and occ.dated and (today - occ.due).days > rule.expire_days


@dataclass
class _Candidate:
    rule: Rule
    occ: _Occ
    person: _Person
    channel: str
    fallback_from: str
    priority: float
    days_overdue: int


def _evaluate(book: Book, classes: Mapping[str, Classification], typed: Settings,
              today: date, until: date, horizon: date, templates: Templates, lang: str | None,
              facts: BookFacts
              ) -> tuple[_Index, list[tuple[_Person, list[_Candidate], list[_Candidate]]],
                         list[Issue]]:
    rules = _rules(typed)
    settings = _settings(typed, today, until, horizon, lang)
    index = _Index(facts, rules, templates, settings)
    results = []
    issues: list[Issue] = []
    for contact in book.contacts:
        if contact.do_not_contact:
            continue  # SPEC §4 "Never": no touchpoint at all
        cid = facts.contact_id(contact)
        if settings.require_reachable and not contact.phone and not contact.email:
            issues.append(Issue(facts.contacts_tab, contact.row, "Phone", "",
                                "No usable phone or e-mail: no touchpoint can be scheduled",
                                "Add a mobile number or an e-mail address"))
            continue
        person = _Person(contact, cid, classes.get(contact.key), index, templates)
        pending: list[_Candidate] = []
        future: list[_Candidate] = []
        blocked: list[tuple[Rule, str]] = []  # due rules no channel of the contact can carry
        for rule in rules:
            if not _applies(rule, person):
                continue
            occs = _occurrences(rule, person, index)
            if not occs:
                continue
            # A referral is thanked by any thank-you of the book (facts.thank_yous), not only by
            # an Interaction naming this rule, so the Referrals tab and Today agree.
            done = (list(facts.thank_yous.get(person.key, ())) if rule.trigger == "referral"
                    else person.done.get(rule.key, []))
            due_now, later = _settle(rule, occs, done, today)
            if not due_now and not later:
                continue
            channel, fallback_from = _channel(rule, person, settings)
            if channel is None:
                if due_now:
                    blocked.append((rule, fallback_from))
                continue
            for occ in due_now:
                overdue = (today - occ.due).days
                pending.append(_Candidate(rule, occ, person, channel, fallback_from,
                                          _priority(rule, person.tier, overdue, settings), overdue))
            # Only the soonest future occurrence matters for Next touch; the iCalendar export
            # also wants the others up to its horizon.
            for position, occ in enumerate(later):
                if position and occ.due > settings.horizon:
                    break
                future.append(_Candidate(rule, occ, person, channel, fallback_from,
                                         _priority(rule, person.tier, 0, settings), 0))
        pending = _apply_supersedes(pending)
        issues.extend(_channel_issues(contact, pending, blocked, settings, facts.contacts_tab))
        results.append((person, pending, future))
    return index, results, issues


def _apply_supersedes(pending: list[_Candidate]) -> list[_Candidate]:
    """A rule's `supersedes` items that fell due before its own item are replaced by it (the
    reconnect overtakes a monthly call left undone); one of them due on or after its date means
    the routine touch already covers it, and it goes instead."""
    if not any(c.rule.supersedes for c in pending):
        return pending
    dropped: set[int] = set()
    for cand in pending:
        if not cand.rule.supersedes:
            continue
        victims = [other for other in pending if other is not cand and any(
            fnmatch.fnmatchcase(other.rule.key, p) for p in cand.rule.supersedes)]
        if any(v.occ.due >= cand.occ.due for v in victims):
            dropped.add(id(cand))
        else:
            dropped.update(id(v) for v in victims)
    return [c for c in pending if id(c) not in dropped]


def _channel(rule: Rule, person: _Person, settings: _Settings) -> tuple[str | None, str]:
    """The rule's channel if the contact can receive it, else the first usable fallback."""
    contact = person.contact

    def usable(channel: str) -> bool:
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


def _channel_issues(contact: Contact, pending: list[_Candidate], blocked: list[tuple[Rule, str]],
                    settings: _Settings, tab: str) -> list[Issue]:
    """One Issue per missing column that made a due touchpoint change channel or drop out."""
    issues = []
    seen = set()
    reasons = [(c.rule, c.fallback_from, c.channel) for c in pending if c.fallback_from]
    reasons += [(rule, channel, None) for rule, channel in blocked]
    for rule, wanted, used in reasons:
        column = "Phone" if wanted in settings.phone_channels else "Email"
        if column in seen:
            continue
        seen.add(column)
        what = "phone" if column == "Phone" else "e-mail"
        effect = f"goes by {used} instead of {wanted}" if used else f"cannot be sent ({wanted})"
        issues.append(Issue(
            tab, contact.row, column, "",
            f"No usable {what}: '{rule.label}' {effect}",
            "Add a mobile number" if column == "Phone" else "Add an e-mail address"))
    return issues


def _priority(rule: Rule, tier: str, overdue: int, settings: _Settings) -> float:
    """tier_weight[tier] × (rule priority + overdue_weight × min(days overdue, cap))."""
    weight = settings.tier_weight.get(tier, settings.default_weight)
    late = min(max(overdue, 0), settings.overdue_cap)
    return round(weight * (rule.priority + settings.overdue_weight * late), 2)


def _rank(candidate: _Candidate) -> tuple:
    return (-candidate.priority, TIER_ORDER.get(candidate.person.tier, 9), candidate.occ.due,
            candidate.person.contact.name, candidate.rule.key)


def _pick(pending: list[_Candidate]) -> _Candidate | None:
    """A contact's most urgent item: within a group (the drip) only the earliest due may go."""
    first_of_group: dict[str, _Candidate] = {}
    for cand in pending:
        group = cand.rule.group
        if group:
            best = first_of_group.get(group)
            if best is None or (cand.occ.due, cand.rule.key) < (best.occ.due, best.rule.key):
                first_of_group[group] = cand
    eligible = [c for c in pending if not c.rule.group or first_of_group[c.rule.group] is c]
    return min(eligible, key=_rank) if eligible else None


# ---------------------------------------------------------------------------------------------
# Rendering


def _localise(value: Any, lang: str) -> Any:
    if isinstance(value, Mapping):
        return value.get(lang) or value.get("en") or next(iter(value.values()), "")
    return value


def _keys(base: str, variants: Sequence[str]) -> list[str]:
    return [f"{base}_{v}" for v in variants if v] + [base]


def _values(cand: _Candidate, lang: str, templates: Templates, settings: _Settings) -> dict:
    contact = cand.person.contact
    values = {k: _localise(v, lang) for k, v in cand.occ.values.items()}
    term_key = cand.occ.values.get("term_key")
    if term_key:
        values["tip"] = templates.pick("tips", lang, [term_key]) or ""
    kind = cand.occ.values.get("kind")
    if kind:
        values["kind"] = templates.pick("words", lang, [f"event_{kind}"]) or kind
    values["name"] = contact.name
    values["first_name"] = first_name(contact.name, lang)
    values["agent"] = contact.owner or templates.pick("words", lang, ["your_agent"]) or ""
    values["address"] = settings.office_address or templates.pick(
        "words", lang, ["address_missing"]) or ""
    return values


def _label(cand: _Candidate, templates: Templates, settings: _Settings) -> str:
    lang = settings.label_lang
    keys = _keys(cand.rule.key, cand.occ.variants)
    base = templates.pick("labels", lang, keys) or cand.rule.label
    detail = templates.pick("details", lang, keys)
    values = _values(cand, lang, templates, settings)
    text = render(base, values)
    if detail:
        rendered = render(detail, values)
        if rendered:
            text = f"{text} – {rendered}"
    return text


def _touchpoint(cand: _Candidate, templates: Templates, settings: _Settings) -> Touchpoint:
    person = cand.person
    contact = person.contact
    message = ""
    text = templates.pick("messages", person.lang, _keys(cand.rule.template, cand.occ.variants))
    if text:
        message = render(text, _values(cand, person.lang, templates, settings))
    return Touchpoint(
        contact_row=contact.row,
        contact_id=person.cid,
        rule=cand.rule.key,
        label=_label(cand, templates, settings),
        due=cand.occ.due,
        days_overdue=cand.days_overdue,
        channel=cand.channel,
        priority=cand.priority,
        message=message,
        owner=contact.owner,
        name=contact.name,
        tier=person.tier,
        phone=contact.phone,
        email=contact.email,
        lang=person.lang,
        group=cand.rule.group,
        fallback_from=cand.fallback_from,
    )


# ---------------------------------------------------------------------------------------------
# Public API


def plan_touchpoints(book: Book, classes: Mapping[str, Classification], today: date,
                     config: Mapping[str, Any], *, templates: Templates | None = None,
                     lang: str | None = None, upcoming_days: int | None = None,
                     facts: BookFacts | None = None) -> Plan:
    """Evaluate every rule for every contact once (SPEC §4) and return what the sync writes:
    all due items, Today's list, the Next touch columns, Issues, and (with `upcoming_days`) the
    due items plus those falling due in the days after today.

    `templates` defaults to the shipped ones (read once per process); `lang` is the language of
    Touchpoint labels (the workbook's), default `touchpoints.label_language` or
    `general.default_language`. `facts` is the book's index (facts.py), built when not given.
    """
    templates = templates or default_templates()
    typed = parse_settings(config)
    horizon = today + timedelta(days=max(upcoming_days or 0, 0))
    until = max(today + timedelta(days=typed.touchpoints.lookahead_days), horizon)
    facts = facts or build_facts(book, today, config)
    index, results, issues = _evaluate(book, classes, typed, today, until, horizon, templates,
                                       lang, facts)
    settings = index.settings
    due: list[Touchpoint] = []
    chosen: list[tuple[_Candidate, Touchpoint]] = []
    next_touch: dict[str, tuple[str, date]] = {}
    upcoming: list[Touchpoint] = []
    for person, pending, future in results:
        pick = _pick(pending)
        by_id: dict[int, Touchpoint] = {}
        for cand in sorted(pending, key=_rank):
            item = _touchpoint(cand, templates, settings)
            by_id[id(cand)] = item
            due.append(item)
        if pick is not None:
            chosen.append((pick, by_id[id(pick)]))
            next_touch[person.contact.key] = (by_id[id(pick)].label, pick.occ.due)
        elif future:
            soonest = min(future, key=lambda c: (c.occ.due, -c.priority, c.rule.key))
            next_touch[person.contact.key] = (_label(soonest, templates, settings),
                                              soonest.occ.due)
        if upcoming_days is not None:
            upcoming.extend(by_id.values())
            upcoming.extend(_touchpoint(cand, templates, settings)
                            for cand in future if cand.occ.due <= horizon)
    chosen.sort(key=lambda pair: _rank(pair[0]))
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
    """The Today tab's items (SPEC §2, §4): at most one per contact — its most urgent; the rest
    stay queued — sorted by priority, highest first (ties: tier A first, then earliest due)."""
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


# ---------------------------------------------------------------------------------------------
# Helpers


def contact_id(book: Book, contact: Contact) -> str:
    """The contact's ID, or the one the sync assigns to a blank ID cell."""
    return (contact.id or "").strip() or book.assigned_id(contact)


def _id_key(value: object) -> str:
    return str(value or "").strip().casefold()


def _settings(typed: Settings, today: date, until: date, horizon: date,
              lang: str | None) -> _Settings:
    section, priority = typed.touchpoints, typed.priority
    default_lang = typed.general.default_language
    weights = dict(priority.tier_weight)
    return _Settings(
        today=today,
        until=until,
        horizon=horizon,
        early_days=section.early_days,
        phone_channels=frozenset(section.phone_channels),
        email_channels=frozenset(section.email_channels),
        fallback=section.channel_fallback,
        require_reachable=section.require_phone_or_email,
        not_contact=frozenset(section.not_contact_channels),
        default_country=typed.general.default_country,
        default_lang=default_lang,
        label_lang=lang or section.label_language or default_lang,
        office_address=section.office_address,
        tier_weight=weights,
        default_weight=min(weights.values()),
        overdue_weight=priority.overdue_weight,
        overdue_cap=priority.overdue_cap_days,
        reward_tiers=typed.referrals.reward_tiers,
        referral_window=typed.referrals.lookback_days,
    )


def _add_months(day: date, months: int) -> date:
    if not months:
        return day
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def _safe_date(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, _calendar.monthrange(year, month)[1]))
