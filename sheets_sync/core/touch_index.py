"""What the touchpoint rules read, derived once per evaluation: the engine's settings, the book's
facts indexed for the rules (`BookIndex`), each contact as the rules see it (`Person`), and the
dated `Occurrence` a trigger yields."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sheets_sync.core.facts import BookFacts, Recognition, rule_key_of
from sheets_sync.core.messages import Templates, label_index
from sheets_sync.core.model import Classification, Contact, Interaction
from sheets_sync.core.rule_schema import RewardTier
from sheets_sync.core.settings import Settings
from sheets_sync.core.touch_rules import Rule
from sheets_sync.core.vocabulary import normalise


@dataclass
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


class BookIndex:
    """The book's facts, the rule labels, and the per-call calendar and top-referrer caches."""

    def __init__(self, facts: BookFacts, rules: Sequence[Rule], templates: Templates,
                 settings: EngineSettings) -> None:
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
        # (rule key, country) -> (sorted due dates, occurrences): built once per calendar and
        # country by the calendar trigger, never per contact.
        self.calendars: dict[tuple[str, str], tuple[list[date], list[Occurrence]]] = {}

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


class Person:
    """A contact with what the rules need, derived once."""

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
        self.done, self.resolved, latest = _tally(self.interactions, index)
        # The book's last contact (facts.last_contact) less the contacts that are no personal
        # contact: what cadences count from.
        self.last_contact = _last_contact(latest, contact.last_contact, settings.today)
        self.closings = index.facts.closings.get(contact.row, ())
        self.side = self.closings[-1][1] if self.closings else ""
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


def _language(contact: Contact, settings: EngineSettings, templates: Templates) -> str:
    """The contact's language when templates speak it, else the book's default, else English."""
    language = (contact.language or "").strip() or settings.default_lang
    if templates.has(language):
        return language
    return settings.default_lang if templates.has(settings.default_lang) else "en"


def _tally(interactions: Sequence[Interaction], index: BookIndex
           ) -> tuple[dict[str, list[date]], list[str | None], date | None]:
    """(rule key -> dates it was done, the rule each interaction names, the latest personal
    contact among them)."""
    done: dict[str, list[date]] = defaultdict(list)
    resolved: list[str | None] = []
    latest = None
    not_contact = index.settings.not_contact
    for interaction in interactions:
        key = index.resolve(interaction.touchpoint)
        resolved.append(key)
        if key:
            done[key].append(interaction.date)
        # A mass greeting (counts_as_contact = false) is not the personal contact a
        # cadence or the 90-day flag asks for, so it does not restart their clocks.
        if key not in index.not_contact_rules and (
                interaction.channel or "").strip().lower() not in not_contact:
            latest = interaction.date
    return done, resolved, latest


def _last_contact(latest: date | None, typed: date | None, today: date) -> date | None:
    """The later of the newest personal interaction and the typed Last contact cell."""
    if typed is not None and typed > today:
        typed = None  # a typed future date is a plan, not a contact
    return max(d for d in (latest, typed) if d) if (latest or typed) else None
