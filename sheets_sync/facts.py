"""One index of the book, built once per sync from the validated Book and `today`.

Every fact more than one rule needs is computed here, once: classification, the touchpoint
engine, the metrics, the Referrals tab, the calendar and the report all read these instead of
working them out again, so a question about the book has one answer wherever it is shown.

* **Contact key** — the contact's ID (the one the sync assigns to a blank ID cell included), or
  "row N" for a row that has none. Every reference typed elsewhere (Interactions, Transactions,
  Referred by, the Today tab) is matched by `parse.id_key`: trimmed, NFKC-folded, casefolded.
* **Last contact** of a Contacts row — the later of its Last contact cell and the newest
  Interaction of its contact; dates after today are plans, not contacts, and do not count.
* **Closings** of a row — every dated Transactions row of its contact and its Closing date cell.
  A contact **closed** with a Transactions row, a Closing date or Stage Closed.
* **Referral** — referrer → referred, from Referred by on Contacts and on Transactions; nobody
  refers themself. **Its date** is the earliest date known for the referred person on or before
  today (first Interaction, first closing), else their Last contact cell, else none.
* **Thank-you** — an Interaction with the referrer, on or before today, whose Touchpoint or Notes
  holds one of `referrals.thank_you_words`, or whose Touchpoint names a referral rule ("… [key]").
* **Reward tier** — the highest `[[referrals.reward_tiers]]` whose min_referrals the referrals
  reach (counted as made or closed, `referrals.reward_basis`).
* **Top referrers** — for the yearly recognition (the `top_referrer` rule): the `top_n`
  referrers (ties kept) by referrals dated in the `window_days` before the recognition day, with
  at least `min_referrals`.
* **Completeness** — the share of `[completeness].fields` filled; the stage it is measured
  against is "closed" (closed), "three_visits" (visits, the larger of the Visits cell and logged
  visits, reach `three_visits_min`) or "first_contact".
"""

from __future__ import annotations

import calendar as _calendar
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from . import vocabulary
from .model import Book, Contact, Interaction, Transaction
from .parse import id_key, read_text

VISIT_CHANNEL = "visit"
_KEY_SUFFIX = re.compile(r"\[\s*([^\[\]]+?)\s*\]\s*$")
_DEFAULT_THANK_YOU_WORDS = ("thank",)


def rule_key_of(text: str) -> str | None:
    """The rule key a Touchpoint text ends with ("First-month check-in [drip_d30]" ->
    "drip_d30"), or None."""
    match = _KEY_SUFFIX.search(text or "")
    return match.group(1) if match else None


def is_thank_you(touchpoint: str, notes: str, words: Iterable[str]) -> bool:
    """True when the Touchpoint or Notes mention one of the thank-you words."""
    text = vocabulary.normalise(f"{touchpoint} {notes}")
    return any(word in text for word in _folded_words(tuple(words)))


@functools.lru_cache(maxsize=16)
def _folded_words(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(vocabulary.normalise(w) for w in words if str(w).strip())


def reward_tier_for(count: int, tiers: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The highest tier whose min_referrals `count` reaches (SPEC §4, seed 002), or None."""
    reached = [t for t in tiers if count >= int(t.get("min_referrals", 1))]
    return max(reached, key=lambda t: int(t.get("min_referrals", 1))) if reached else None


def _safe_date(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, _calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Referral:
    referrer: str  # contact key
    referred: str  # contact key (or the ID a Transactions row gives for someone not on Contacts)
    when: date | None


@dataclass(frozen=True)
class Recognition:
    """The yearly top-referrer recognition (SPEC §4): when, and who qualifies."""

    month: int = 12
    day: int = 1
    window_days: int = 365
    top_n: int = 3
    min_referrals: int = 2
    expire_days: int | None = None

    @classmethod
    def from_spec(cls, spec: Any, lookback_days: int) -> Recognition:
        """From a checked `top_referrer` rule (rule_schema.TopReferrerRule, which holds the
        defaults); its window defaults to referrals.lookback_days."""
        return cls(month=spec.month, day=spec.day,
                   window_days=spec.window_days or lookback_days, top_n=spec.top_n,
                   min_referrals=spec.min_referrals, expire_days=spec.expire_days)

    def day_in(self, year: int) -> date:
        return _safe_date(year, self.month, self.day)


def recognition_from_config(config: Mapping[str, Any]) -> Recognition:
    """The first enabled `top_referrer` rule of the config, else no rule's recognition."""
    from .settings import parse_settings  # here: settings -> rule_schema -> classify -> facts

    if "touchpoints" not in config or "general" not in config:
        return Recognition()  # a partial config (a rule's own test): the rule's usual defaults
    typed = parse_settings(config)
    lookback = typed.referrals.lookback_days
    for spec in typed.touchpoints.rules.values():
        if spec.KIND == "top_referrer" and spec.enabled:
            return Recognition.from_spec(spec, lookback)
    return Recognition(window_days=lookback)


def _referral_rule_keys(config: Mapping[str, Any]) -> frozenset[str]:
    rules = config.get("touchpoints", {}).get("rules", {})
    return frozenset(str(key) for key, raw in rules.items()
                     if isinstance(raw, Mapping) and raw.get("trigger") == "referral")


# ---------------------------------------------------------------------------------------------
# Contact keys (also what referrals.contacts_by_id and friends return, for the graph).


def contact_key(contact: Contact, book: Book) -> str:
    """The contact's ID, or the one the sync is assigning to its blank ID cell, or "row N"."""
    return (contact.id or "").strip() or book.assigned_id(contact) or f"row {contact.row}"


@dataclass(frozen=True)
class ContactKeys:
    """Contacts rows -> keys, keys -> the first Contacts row with that key, typed IDs -> keys."""

    by_row: Mapping[int, str]
    people: Mapping[str, Contact]
    canon: Mapping[str, str]  # id_key of an ID -> the contact key it means
    ids: Mapping[int, str]  # by row: the ID (or the one being assigned), "" for none

    def of(self, typed: object) -> str:
        """The contact key a typed ID means; an unknown ID stays as typed (trimmed)."""
        if isinstance(typed, str) and typed in self.people:
            return typed  # the common case: validation already spelled it as Contacts does
        text = read_text(typed)
        return self.canon.get(id_key(text), text) if text else ""


def contact_keys(book: Book) -> ContactKeys:
    by_row: dict[int, str] = {}
    people: dict[str, Contact] = {}
    canon: dict[str, str] = {}
    ids: dict[int, str] = {}
    for contact in book.contacts:
        ids[contact.row] = (contact.id or "").strip() or book.assigned_id(contact)
        key = contact_key(contact, book)
        key = canon.setdefault(id_key(key), key)  # a duplicate ID (reported) is the same person
        by_row[contact.row] = key
        people.setdefault(key, contact)
    return ContactKeys(by_row, people, canon, ids)


def closed_keys(book: Book, keys: ContactKeys) -> frozenset[str]:
    """Contacts who closed: a Transactions row, a Closing date on Contacts, or Stage Closed."""
    closed = {keys.of(t.contact_id) for t in book.transactions if read_text(t.contact_id)}
    closed |= {keys.by_row[c.row] for c in book.contacts
               if c.closing_date is not None or c.stage == "Closed"}
    return frozenset(closed)


def referral_pairs(book: Book, keys: ContactKeys) -> list[tuple[str, str]]:
    """(referrer, referred) from Contacts and Transactions, each pair once, in sheet order."""
    pairs: dict[tuple[str, str], None] = {}
    for contact in book.contacts:
        if contact.referred_by:
            person, referrer = keys.by_row[contact.row], keys.of(contact.referred_by)
            if referrer and referrer != person:
                pairs.setdefault((referrer, person))
    for txn in book.transactions:
        if txn.referred_by and read_text(txn.contact_id):
            person, referrer = keys.of(txn.contact_id), keys.of(txn.referred_by)
            if referrer and referrer != person:
                pairs.setdefault((referrer, person))
    return list(pairs)


def completeness_fields(config: Mapping[str, Any]) -> tuple[str, ...]:
    """The profile fields completeness counts: [completeness].fields, any Contacts column."""
    return tuple(config.get("completeness", {}).get("fields", ()))


def completeness_stage(*, closed: bool, visits: int, three_visits_min: int) -> str:
    """The stage a profile's completeness is measured against (seed 001)."""
    if closed:
        return "closed"
    return "three_visits" if visits >= three_visits_min else "first_contact"


def deal_order(txn: Transaction) -> tuple[bool, date, int]:
    """A client's deals in order: by Closing date, undated last, then sheet row."""
    return (txn.closing_date is None, txn.closing_date or date.max, txn.row or 0)


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookFacts:
    """The facts of one book on one day (see the module docstring for each definition)."""

    today: date
    contacts_tab: str  # the Contacts tab's name in this workbook, for Issues about its rows
    keys: ContactKeys
    interactions: Mapping[str, tuple[Interaction, ...]]  # by key, dated ≤ today, oldest first
    transactions: Mapping[str, tuple[Transaction, ...]]  # by client key, in deal order
    last_contact: Mapping[int, date | None]  # by Contacts row
    closings: Mapping[int, tuple[tuple[date, str], ...]]  # by row: (date, side), oldest first
    first_closing: Mapping[str, date]  # by key, clients not on Contacts included
    closed: frozenset[str]
    visits: Mapping[int, int]  # by row
    referrals: Mapping[str, tuple[Referral, ...]]  # by referrer: dated oldest first, then undated
    first_referrer: Mapping[str, str]  # referred -> who referred them (Contacts row first)
    referred_deals: Mapping[str, tuple[date, ...]]  # closings whose own Referred by names them
    thank_yous: Mapping[str, tuple[date, ...]]  # by referrer, oldest first
    completeness_fields: tuple[str, ...]
    completeness_stage: Mapping[int, str]  # by row: first_contact / three_visits / closed
    reward_tiers: tuple[Mapping[str, Any], ...]  # by min_referrals
    reward_basis: str  # "made" or "closed"
    recognition: Recognition

    # -- contacts --------------------------------------------------------------------------

    @property
    def people(self) -> Mapping[str, Contact]:
        return self.keys.people

    def key(self, contact: Contact) -> str:
        return self.keys.by_row[contact.row]

    def key_of(self, typed: object) -> str:
        return self.keys.of(typed)

    def contact_id(self, contact: Contact) -> str:
        """The ID written for the contact (Today, Interactions): "" while it has none."""
        return self.keys.ids[contact.row]

    def interactions_of(self, contact: Contact) -> tuple[Interaction, ...]:
        return self.interactions.get(self.key(contact), ())

    def closing_date(self, contact: Contact) -> date | None:
        """The newest closing of the row (Transactions or its Closing date cell)."""
        closings = self.closings.get(contact.row, ())
        return closings[-1][0] if closings else None

    # -- referrals -------------------------------------------------------------------------

    def referral_edges(self) -> dict[str, set[str]]:
        return {ref: {r.referred for r in refs} for ref, refs in self.referrals.items()}

    def last_thanked(self, referrer: str) -> date | None:
        dates = self.thank_yous.get(referrer, ())
        return dates[-1] if dates else None

    def reward_tier(self, made: int, closed: int,
                    tiers: Sequence[Mapping[str, Any]] | None = None) -> Mapping[str, Any] | None:
        """The reward tier `made` referrals of which `closed` closed reach (reward_basis)."""
        count = closed if self.reward_basis == "closed" else made
        return reward_tier_for(count, self.reward_tiers if tiers is None else tiers)

    @functools.cached_property
    def _top_cache(self) -> dict[tuple[Recognition, int], frozenset[str]]:
        return {}

    def top_referrers(self, recognition: Recognition, year: int) -> frozenset[str]:
        """Referrer keys recognised in `year` (see the module docstring)."""
        cached = self._top_cache.get((recognition, year))
        if cached is not None:
            return cached
        day = recognition.day_in(year)
        start = day - timedelta(days=recognition.window_days)
        counts = {ref: sum(1 for r in refs if r.when and start < r.when <= day)
                  for ref, refs in self.referrals.items()}
        ranked = sorted((n for n in counts.values() if n >= recognition.min_referrals),
                        reverse=True)
        cut = ranked[min(recognition.top_n, len(ranked)) - 1] if ranked else None
        top = frozenset(ref for ref, n in counts.items()
                        if cut is not None and n >= max(cut, recognition.min_referrals))
        self._top_cache[(recognition, year)] = top
        return top

    def recognised(self) -> frozenset[str]:
        """The top referrers of the recognition in play: the first recognition day not yet past
        its expiry, so the Referrals tab marks whom the touchpoint recognises."""
        rec = self.recognition
        since = self.today - timedelta(days=rec.expire_days or 0)
        year = self.today.year - 1
        while rec.day_in(year) < since:
            year += 1
        return self.top_referrers(rec, year)


def build_facts(book: Book, today: date, config: Mapping[str, Any] | None = None,
                contacts_tab: str = "Contacts") -> BookFacts:
    """Index `book` once. `config` gives the thank-you words, reward tiers, completeness fields
    and the recognition rule (defaults where it is silent)."""
    config = config or {}
    keys = contact_keys(book)
    referral_settings = config.get("referrals", {})
    completeness = config.get("completeness", {})

    interactions: dict[str, list[Interaction]] = {}
    for interaction in book.interactions:
        key = keys.of(interaction.contact_id)
        if key and interaction.date is not None and interaction.date <= today:
            interactions.setdefault(key, []).append(interaction)
    for rows in interactions.values():
        rows.sort(key=lambda i: i.date)

    transactions: dict[str, list[Transaction]] = {}
    for txn in book.transactions:
        key = keys.of(txn.contact_id)
        if key:
            transactions.setdefault(key, []).append(txn)
    for deals in transactions.values():
        deals.sort(key=deal_order)

    last_contact: dict[int, date | None] = {}
    closings: dict[int, tuple[tuple[date, str], ...]] = {}
    visits: dict[int, int] = {}
    for contact in book.contacts:
        key = keys.by_row[contact.row]
        logged = interactions.get(key, [])
        typed = contact.last_contact if contact.last_contact and contact.last_contact <= today \
            else None
        newest = logged[-1].date if logged else None
        last_contact[contact.row] = max((d for d in (typed, newest) if d), default=None)
        dated = [(t.closing_date, (t.side or "").strip().casefold())
                 for t in transactions.get(key, []) if t.closing_date is not None]
        if contact.closing_date and all(d != contact.closing_date for d, _ in dated):
            dated.append((contact.closing_date, ""))
        closings[contact.row] = tuple(sorted(dated))
        visits[contact.row] = max(contact.visits or 0, sum(
            1 for i in logged if i.channel.strip().casefold() == VISIT_CHANNEL))

    first_closing: dict[str, date] = {}

    def note_closing(key: str, when: date | None) -> None:
        if key and when is not None and (key not in first_closing or when < first_closing[key]):
            first_closing[key] = when

    for key, deals in transactions.items():
        for txn in deals:
            note_closing(key, txn.closing_date)
    for contact in book.contacts:
        note_closing(keys.by_row[contact.row], contact.closing_date)
    closed = closed_keys(book, keys)

    # When a referral was made: the referred person's earliest trace on or before today.
    earliest: dict[str, date] = {}
    for key, logged in interactions.items():
        earliest[key] = logged[0].date
    for key, deals in transactions.items():
        for txn in deals:
            if txn.closing_date is not None and txn.closing_date <= today:
                earliest[key] = min(earliest.get(key, txn.closing_date), txn.closing_date)
    for contact in book.contacts:
        key = keys.by_row[contact.row]
        if contact.closing_date is not None and contact.closing_date <= today:
            earliest[key] = min(earliest.get(key, contact.closing_date), contact.closing_date)
    for contact in book.contacts:  # the Last contact cell only when nothing else dates them
        key = keys.by_row[contact.row]
        if key not in earliest and contact.last_contact and contact.last_contact <= today:
            earliest[key] = contact.last_contact

    referrals: dict[str, list[Referral]] = {}
    first_referrer: dict[str, str] = {}
    for referrer, person in referral_pairs(book, keys):
        referrals.setdefault(referrer, []).append(Referral(referrer, person, earliest.get(person)))
        first_referrer.setdefault(person, referrer)
    names = {key: contact.name for key, contact in keys.people.items()}
    for refs in referrals.values():
        refs.sort(key=lambda r: (r.when is None, r.when or date.min, names.get(r.referred, ""),
                                 r.referred))

    referred_deals: dict[str, list[date]] = {}
    for txn in book.transactions:
        if txn.referred_by and txn.closing_date is not None:
            referrer, person = keys.of(txn.referred_by), keys.of(txn.contact_id)
            if referrer and referrer != person:
                referred_deals.setdefault(referrer, []).append(txn.closing_date)

    words = tuple(referral_settings.get("thank_you_words", _DEFAULT_THANK_YOU_WORDS))
    rule_keys = _referral_rule_keys(config)
    thank_yous: dict[str, list[date]] = {}
    for key, logged in interactions.items():
        for interaction in logged:
            if rule_key_of(interaction.touchpoint) in rule_keys or is_thank_you(
                    interaction.touchpoint, interaction.notes, words):
                thank_yous.setdefault(key, []).append(interaction.date)

    three_visits = int(completeness.get("three_visits_min", 3))
    stage = {c.row: completeness_stage(closed=keys.by_row[c.row] in closed,
                                       visits=visits[c.row], three_visits_min=three_visits)
             for c in book.contacts}

    tiers = sorted(referral_settings.get("reward_tiers", []),
                   key=lambda t: int(t.get("min_referrals", 1)))
    return BookFacts(
        today=today,
        contacts_tab=contacts_tab,
        keys=keys,
        interactions={k: tuple(v) for k, v in interactions.items()},
        transactions={k: tuple(v) for k, v in transactions.items()},
        last_contact=last_contact,
        closings=closings,
        first_closing=first_closing,
        closed=closed,
        visits=visits,
        referrals={k: tuple(v) for k, v in referrals.items()},
        first_referrer=first_referrer,
        referred_deals={k: tuple(sorted(v)) for k, v in referred_deals.items()},
        thank_yous={k: tuple(sorted(v)) for k, v in thank_yous.items()},
        completeness_fields=completeness_fields(config),
        completeness_stage=stage,
        reward_tiers=tuple(tiers),
        reward_basis=str(referral_settings.get("reward_basis", "made")),
        recognition=recognition_from_config(config),
    )
