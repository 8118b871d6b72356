"""What the touchpoint rules read, derived once per evaluation: the engine's settings, the book's
facts indexed for the rules (`BookIndex`), each contact as the rules see it (`Person`), and the
dated `Occurrence` a trigger yields."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import Any

from sheets_sync.core.facts import (
    KEPT_NOTE_PREFIXES,
    BookFacts,
    Recognition,
    fold_words,
    rule_key_of,
)
from sheets_sync.core.messages import Templates, label_index
from sheets_sync.core.model import Classification, Contact, Interaction
from sheets_sync.core.rule_schema import RewardTier
from sheets_sync.core.settings import Settings
from sheets_sync.core.touch_rules import Rule
from sheets_sync.core.vocabulary import normalise

_MIN_CONTAINED = 6  # letters of a label held in longer text ("birthdaygreeting", "お礼…")


@dataclass(slots=True)
class Occurrence:
    """One dated occurrence of a rule for a contact."""

    due: date
    lo: date  # interactions from this date on may count as doing it
    variants: tuple[str, ...] = ()  # template/label variants, most specific first
    values: dict[str, Any] = field(default_factory=dict)  # placeholders (str or lang->str)
    dated: bool = True  # an undated referral: any later matching interaction does it


@dataclass
class EngineSettings:
    """The settings one evaluation reads, flattened, with the dates it looks between."""

    today: date
    until: date  # how far Next touch looks
    horizon: date  # how far the iCalendar export looks (today when not exporting)
    early_days: int
    phone_channels: frozenset[str]
    mobile_channels: frozenset[str]  # need a mobile: never offered to a landline
    email_channels: frozenset[str]
    fallback: tuple[str, ...]
    require_reachable: bool
    not_contact: frozenset[str]
    default_country: str
    default_lang: str
    label_lang: str
    office_address: str
    manager: str  # general.manager: who gets the items of rules with owner = "manager"
    tier_weight: dict[str, float]
    default_weight: float  # for a tier the table lacks
    overdue_weight: float
    overdue_cap: int
    reward_tiers: tuple[RewardTier, ...]  # [[referrals.reward_tiers]]
    referral_window: int  # referrals.lookback_days: the top-referrer year


def engine_settings(typed: Settings, today: date, until: date, horizon: date,
                    lang: str | None) -> EngineSettings:
    """The evaluation's settings from checked ones; `lang` overrides the label language."""
    section, priority = typed.touchpoints, typed.priority
    default_lang = typed.general.default_language
    weights = dict(priority.tier_weight)
    return EngineSettings(
        today=today,
        until=until,
        horizon=horizon,
        early_days=section.early_days,
        phone_channels=frozenset(section.phone_channels),
        mobile_channels=frozenset(section.mobile_channels),
        email_channels=frozenset(section.email_channels),
        fallback=section.channel_fallback,
        require_reachable=section.require_phone_or_email,
        not_contact=frozenset(section.not_contact_channels),
        default_country=typed.general.default_country,
        default_lang=default_lang,
        label_lang=lang or section.label_language or default_lang,
        office_address=section.office_address,
        manager=typed.general.manager.strip(),
        tier_weight=weights,
        default_weight=min(weights.values()),
        overdue_weight=priority.overdue_weight,
        overdue_cap=priority.overdue_cap_days,
        reward_tiers=typed.referrals.reward_tiers,
        referral_window=typed.referrals.lookback_days,
    )


class BookIndex:
    """The book's facts, the rule labels, and the per-call calendar and top-referrer caches."""

    def __init__(self, facts: BookFacts, rules: Sequence[Rule], templates: Templates,
                 settings: EngineSettings) -> None:
        self.settings = settings
        self.rules = {rule.key: rule for rule in rules}
        self.rule_keys = set(self.rules)
        self.labels = label_index(templates, self.rule_keys)
        for rule in rules:  # the English label in config also counts when typed
            self.labels.setdefault(normalise(rule.label), rule.key)
        # Labels (not bare keys) a person's longer text may hold: "Congratulations on closing,
        # called" names closing_congrats. Labels shorter than a few letters would match by chance.
        self._contained = sorted(((text, key) for text, key in self.labels.items()
                                  if len(text) >= _MIN_CONTAINED and text != normalise(key)),
                                 key=lambda pair: -len(pair[0]))
        self._worded = [(rule.key, rule.done_words) for rule in rules if rule.done_words]
        self._named: dict[str, tuple[str, ...]] = {}
        self._kinds: dict[tuple[str, str], tuple[str, ...]] = {}

        self.facts = facts
        # Referrals: referrer key -> [(date or None, referred key)], dated first (facts.py).
        self.referrals: dict[str, list[tuple[date | None, str]]] = {
            referrer: [(r.when, r.referred) for r in refs]
            for referrer, refs in facts.referrals.items()}
        self._top: dict[tuple[str, int], frozenset[str]] = {}
        self._any_top: frozenset[str] | None = None
        # (rule key, country) -> (sorted due dates, occurrences): built once per calendar and
        # country by the calendar trigger, never per contact.
        self.calendars: dict[tuple[str, str], tuple[list[date], list[Occurrence]]] = {}
        # Per evaluation, for the triggers: an event rule's offsets as timedeltas (rule key ->),
        # and the (year, date) birthdays of a month/day, solar or lunar, in the years looked at.
        self.event_offsets: dict[str, list[timedelta]] = {}
        self._markers: dict[str, str | None] = {}
        self.birthdays: dict[tuple[int, int, bool], list[tuple[int, date]]] = {}
        # Keyword event rule key -> the contacts some recent interaction tells such an event
        # of (touch_triggers.has): set by the first contact's `has`.
        self.named_events: dict[str, frozenset[str]] | None = None

    def marker(self, text: str) -> str | None:
        """The rule the tool's own marker names ("Label [rule_key]", written on Today and
        harvested from it), or None: a person's text is never read as the marker. Once per
        text: every contact's interactions are read, and their Touchpoint texts recur."""
        try:
            return self._markers[text]
        except KeyError:
            key = rule_key_of(text)
            found = self._markers[text] = key if key in self.rule_keys else None
            return found

    def names(self, text: str) -> tuple[str, ...]:
        """The rules an Interactions Touchpoint names: the tool's marker; else, in a person's
        words, a rule key or a label in any language (exactly, or held in longer text, the
        longest label winning where labels overlap), and every rule whose `done_words` it
        holds. Empty for anything else."""
        if text in self._named:
            return self._named[text]
        marker = self.marker(text)
        if marker is not None:
            named: tuple[str, ...] = (marker,)
        elif not text or text.startswith(KEPT_NOTE_PREFIXES):
            named = ()
        else:
            folded = normalise(text)
            exact = self.labels.get(folded)
            found: list[str] = [exact] if exact else []
            if not found:
                taken: list[str] = []
                for label_text, key in self._contained:
                    if label_text in folded and not any(label_text in t for t in taken):
                        taken.append(label_text)
                        found.append(key)
            words = fold_words(text)
            found += [key for key, pattern in self._worded if pattern.search(words)]
            named = tuple(dict.fromkeys(found))
        self._named[text] = named
        return named

    def kinds_named(self, rule: Rule, text: str) -> tuple[str, ...]:
        """The kinds of a keyword event rule whose words `text` holds, in the rule's order;
        once per text (Outcome words such as "answered" recur on most rows)."""
        cache_key = (rule.key, text)
        found = self._kinds.get(cache_key)
        if found is None:
            found = self._kinds[cache_key] = tuple(
                kind for kind, pattern in rule.keywords if pattern.search(text))
        return found

    def top_referrers(self, rule: Rule, year: int) -> frozenset[str]:
        """Referrer keys the rule recognises in `year` (facts.BookFacts.top_referrers)."""
        cache_key = (rule.key, year)
        if cache_key not in self._top:
            recognition = Recognition.from_spec(rule.spec, self.settings.referral_window)
            self._top[cache_key] = self.facts.top_referrers(recognition, year)
        return self._top[cache_key]

    def recognition_years(self) -> range:
        """The years whose top referrers the evaluation looks at: last year to the look-ahead's
        end."""
        return range(self.settings.today.year - 1, self.settings.until.year + 1)

    def any_top_referrer(self) -> frozenset[str]:
        """Referrer keys some top-referrer rule recognises in one of `recognition_years`."""
        if self._any_top is None:
            self._any_top = frozenset().union(*(
                self.top_referrers(rule, year) for rule in self.rules.values()
                if rule.trigger == "top_referrer" for year in self.recognition_years()))
        return self._any_top


class Person:
    """A contact with what the rules need, derived once."""

    __slots__ = ("contact", "cid", "key", "cls", "tier", "lifecycle", "lang", "country",
                 "interactions", "done", "resolved", "named", "closings",
                 "last_contact", "side", "_attrs", "_event_texts")

    def __init__(self, contact: Contact, cid: str, cls: Classification | None, index: BookIndex,
                 templates: Templates) -> None:
        settings = index.settings
        self.contact = contact
        self.cid = cid
        self.key = index.facts.key(contact)
        self.cls = cls
        self.tier = (cls.tier if cls else contact.tier_override or "C") or "C"
        self.lifecycle = cls.lifecycle if cls else ""
        self.lang = _language(contact, settings, templates)
        self.country = ((contact.country or "").strip() or settings.default_country).upper()
        self.interactions = index.facts.interactions.get(self.key, ())
        self.done, self.resolved, self.named = _tally(self.interactions, index)
        # The book's last personal contact (facts.last_contact: the Last contact cell, logged
        # personal contacts, closings): what Activity shows and the cadences count from.
        self.closings = index.facts.closings.get(contact.row, ())
        self.last_contact = index.facts.last_contact.get(contact.row)
        self.side = self.closings[-1][1] if self.closings else ""
        self._attrs: dict[str, str] = {}
        self._event_texts: dict[int, str] = {}

    def event_text(self, position: int) -> str:
        """`event_text` of the contact's interaction at `position`, once for all keyword rules."""
        text = self._event_texts.get(position)
        if text is None:
            text = self._event_texts[position] = event_text(self.interactions[position],
                                                            self.resolved[position])
        return text

    def attr(self, name: str) -> str:
        """A filterable field, normalised once per contact (rules share a few fields)."""
        cached = self._attrs.get(name)
        if cached is not None:
            return cached
        owner, field_name = _ATTRS[name]
        value = getattr(self.contact if owner else self, field_name)
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


# A rule filter's field -> (whether it is the Contact's, the attribute that holds it).
_ATTRS: dict[str, tuple[bool, str]] = {
    "lifecycle": (False, "lifecycle"),
    "tier": (False, "tier"),
    "circle": (True, "circle"),
    "stage": (True, "stage"),
    "side": (False, "side"),
    "language": (False, "lang"),
    "country": (False, "country"),
    "lost_reason": (True, "lost_reason"),
}


def filter_values(names: Sequence[str]) -> Callable[[Person], tuple]:
    """A function giving a contact's filter fields `names` as they are held, before `Person.attr`
    normalises them: contacts with equal values pass the same filters, so the engine can tell
    contacts alike without normalising every field of every contact."""
    of_contact = [_ATTRS[name][1] for name in names if _ATTRS[name][0]]
    of_person = [_ATTRS[name][1] for name in names if not _ATTRS[name][0]]
    contact_values = attrgetter(*of_contact) if of_contact else _nothing
    person_values = attrgetter(*of_person) if of_person else _nothing

    def values(person: Person) -> tuple:
        return contact_values(person.contact), person_values(person)

    return values


def _nothing(_: object) -> None:
    return None


def _language(contact: Contact, settings: EngineSettings, templates: Templates) -> str:
    """The contact's language when templates speak it, else the book's default, else English."""
    language = (contact.language or "").strip() or settings.default_lang
    if templates.has(language):
        return language
    return settings.default_lang if templates.has(settings.default_lang) else "en"


def _tally(interactions: Sequence[Interaction], index: BookIndex
           ) -> tuple[dict[str, list[date]], list[str | None], list[tuple[str, ...]]]:
    """(rule key -> dates it was done, the rule the tool's marker names on each interaction,
    the rules each interaction names)."""
    done: dict[str, list[date]] = defaultdict(list)
    resolved: list[str | None] = []
    named: list[tuple[str, ...]] = []
    for interaction in interactions:
        marker = index.marker(interaction.touchpoint)
        keys = index.names(interaction.touchpoint)
        resolved.append(marker)
        named.append(keys)
        for key in keys:
            # A person's row that tells of a life event ("Life event: new baby") is the
            # event, not its check-in done.
            if marker is None and raises_event(index.rules[key], interaction, index):
                continue
            done[key].append(interaction.date)
    return done, resolved, named


def event_text(interaction: Interaction, marker: str | None) -> str:
    """The words an interaction tells an event in: Outcome and Notes, and a person's own
    Touchpoint (the tool's marked Touchpoint is its own label, never news)."""
    parts = [interaction.outcome or "", interaction.notes or ""]
    if marker is None:
        parts.append(interaction.touchpoint or "")
    return " ".join(parts).casefold()


def raises_event(rule: Rule, interaction: Interaction, index: BookIndex) -> bool:
    """Whether a person's interaction names one of a keyword event rule's kinds (the same
    search as the event trigger's, `BookIndex.kinds_named`)."""
    if rule.trigger != "event" or not rule.keywords:
        return False
    return bool(index.kinds_named(rule, event_text(interaction, None)))
