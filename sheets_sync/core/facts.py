"""One index of the book, built once per sync from the validated Book and `today`.

Every fact more than one rule needs is computed here, once: classification, the touchpoint
engine, the metrics, the Referrals tab, the calendar and the report all read these instead of
working them out again, so a question about the book has one answer wherever it is shown.

* **Contact key** — the contact's ID (the one the sync assigns to a blank ID cell included), or
  "row N" for a row that has none. Every reference typed elsewhere (Interactions, Transactions,
  Referred by, the Today tab) is matched by `parse.id_key`: trimmed, NFKC-folded, casefolded.
* **Last contact** of a Contacts row — the latest of its Last contact cell, the newest
  *personal contact* logged with its contact and its newest closing (a closing is a meeting
  with the client); dates after today are plans, not contacts, and do not count. Activity,
  Days since contact, the cadences and the 90-day reconnect all read this one date.
* **Personal contact** — an Interaction, except a mass greeting (a rule with
  `counts_as_contact = false` named by the tool's marker, its label or its `done_words`), one
  on a `touchpoints.not_contact_channels` channel, and an attempt whose Outcome begins with a
  `touchpoints.not_reached_outcomes` word ("No answer"): nobody was reached.
* **Closings** of a row — every dated Transactions row of its contact and its Closing date cell.
  A contact **closed** with a Transactions row, a Closing date or Stage Closed.
* **Referral** — referrer → referred, from Referred by on Contacts and on Transactions; nobody
  refers themself. **Its date** is the earliest date known for the referred person on or before
  today (first Interaction, first closing), else their Last contact cell, else none.
* **Thank-you** — an Interaction with the referrer, on or before today, whose Touchpoint names a
  referral rule: by the tool's marker ("… [key]"), or in a person's words holding one of
  `referrals.thank_you_words` or the rule's `done_words`; or whose Notes hold a thank-you word.
  A row the tool marked for another rule ("Day-3 thank-you letter [drip_d3]") is no thank-you
  by its Touchpoint; a note kept from Today ("Typed on Today, not ticked: …") names no rule.
  A thank-you up to the referral rule's early_days (touchpoints.early_days) before a referral's
  date is for that referral, on Today and on the Referrals tab alike.
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
import operator
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import chain
from typing import Any, TypeVar

from sheets_sync.core import vocabulary
from sheets_sync.core.model import Book, Contact, Interaction, Transaction
from sheets_sync.core.parse import id_key, read_text

VISIT_CHANNEL = "visit"
# Touchpoint of a note kept from Today (today.notes_left_on_today): it quotes the item's
# Touchpoint, marker included, but says the item was not done, so it names no rule.
NOTE_PREFIX = "Typed on Today, not ticked: "
# Touchpoint of text typed on a ticked Today row after its tick was logged (today.harvest_done):
# the touch is logged already, so the note names no rule either.
EDITED_PREFIX = "Typed on Today after it was logged: "
KEPT_NOTE_PREFIXES = (NOTE_PREFIX, EDITED_PREFIX)
_KEY_SUFFIX = re.compile(r"\[\s*([^\[\]]+?)\s*\]\s*$")
_DEFAULT_THANK_YOU_WORDS = ("thank",)
# Without a config (classify.referral_stats alone) there is no referrals.lookback_days: a year.
_NO_CONFIG_WINDOW_DAYS = 365
_V = TypeVar("_V")


def rule_key_of(text: str) -> str | None:
    """The rule key a Touchpoint text ends with ("First-month check-in [drip_d30]" ->
    "drip_d30"): the tool's own marker on the rows it writes. None for other text, and for a
    note kept from Today, which quotes a marker of an item that was not done."""
    text = text or ""
    if text.startswith(KEPT_NOTE_PREFIXES):
        return None
    match = _KEY_SUFFIX.search(text)
    return match.group(1) if match else None


_WORD_GAPS = re.compile(r"[\s\-_–—‐‑‒―/·・,.;:!?()（）「」【】、。，：；！？]+")


def fold_words(text: str) -> str:
    """Text for word matching: NFKC, casefolded, dashes and punctuation as single spaces
    ("Signing — congratulations, call" -> "signing congratulations call")."""
    return _WORD_GAPS.sub(" ", unicodedata.normalize("NFKC", text or "").casefold()).strip()


@functools.lru_cache(maxsize=512)
def words_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex for a rule's `done_words`, matched against `fold_words` text. A word that
    begins or ends with a Latin letter or digit must not run on into one there ("day 1" is not
    "day 14", "1日目" is not "11日目"); CJK text has no spaces, so CJK words match anywhere."""
    parts = []
    for word in sorted({fold_words(w) for w in words if str(w).strip()}, key=len, reverse=True):
        if not word:
            continue
        pattern = re.escape(word)
        if word[0].isascii() and word[0].isalnum():
            pattern = (r"(?<!\d)" if word[0].isdigit() else r"(?<![a-z0-9])") + pattern
        if word[-1].isascii() and word[-1].isalnum():
            pattern += r"(?!\d)" if word[-1].isdigit() else r"(?![a-z0-9])"
        parts.append(pattern)
    return re.compile("|".join(parts)) if parts else None


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

    month: int
    day: int
    window_days: int
    top_n: int
    min_referrals: int
    expire_days: int | None

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
    """The first enabled `top_referrer` rule of the config, else a rule that says nothing (the
    defaults TopReferrerRule declares)."""
    # Imported here: settings -> rule_schema -> classify -> facts.
    from sheets_sync.core.rule_schema import TopReferrerRule
    from sheets_sync.core.settings import parse_settings

    unsaid = TopReferrerRule(trigger=TopReferrerRule.KIND)
    if "touchpoints" not in config or "general" not in config:
        return Recognition.from_spec(unsaid, _NO_CONFIG_WINDOW_DAYS)
    typed = parse_settings(config)
    lookback = typed.referrals.lookback_days
    for spec in typed.touchpoints.rules.values():
        if spec.KIND == "top_referrer" and spec.enabled:
            return Recognition.from_spec(spec, lookback)
    return Recognition.from_spec(unsaid, lookback)


def _referral_rules(config: Mapping[str, Any]
                    ) -> tuple[frozenset[str], frozenset[str], tuple[re.Pattern[str], ...]]:
    """(every rule key, the referral rules' keys, their `done_words` patterns)."""
    rules = config.get("touchpoints", {}).get("rules", {})
    referral = {str(key): raw for key, raw in rules.items()
                if isinstance(raw, Mapping) and raw.get("trigger") == "referral"}
    patterns = [words_pattern(tuple(str(w) for w in raw.get("done_words", ())))
                for raw in referral.values()]
    return (frozenset(str(key) for key in rules), frozenset(referral),
            tuple(p for p in patterns if p is not None))


# ---------------------------------------------------------------------------------------------
# Contact keys (also what referrals.contacts_by_id and friends return, for the graph).


class ByRow(Mapping[int, _V]):
    """A value per Contacts row: a list in the book's order beside one row -> position index
    that every such fact shares. A dict per fact costs some fifty bytes a row; this costs
    eight. Reads as the dict {row: value} built in the book's order (a later row wins)."""

    __slots__ = ("_at", "_values")

    def __init__(self, at: Mapping[int, int], values: list[_V]) -> None:
        self._at, self._values = at, values

    def __getitem__(self, row: int) -> _V:
        return self._values[self._at[row]]

    def get(self, row: int, default: Any = None) -> Any:
        at = self._at.get(row)
        return default if at is None else self._values[at]

    def __contains__(self, row: object) -> bool:
        return row in self._at

    def __iter__(self) -> Iterator[int]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)

    def __repr__(self) -> str:
        return f"ByRow({dict(self.items())!r})"


def row_positions(book: Book) -> dict[int, int]:
    """Contacts row -> the position of the (last) contact read on it."""
    return {contact.row: position for position, contact in enumerate(book.contacts)}


@dataclass(frozen=True)
class ContactKeys:
    """Contacts rows -> keys, keys -> the first Contacts row with that key, typed IDs -> keys."""

    by_row: Mapping[int, str]
    people: Mapping[str, Contact]
    canon: Mapping[str, str]  # id_key of an ID -> the contact key it means
    ids: Mapping[int, str]  # by row: the ID (or the one being assigned), "" for none
    at: Mapping[int, int] = field(default_factory=dict)  # row -> position in book.contacts

    def by_rows(self, book: Book, values: list[_V]) -> Mapping[int, _V]:
        """`values` (one per contact, in the book's order) by Contacts row."""
        if len(self.at) == len(values) == len(book.contacts):
            return ByRow(self.at, values)
        return dict(zip((c.row for c in book.contacts), values, strict=True))

    def per_contact(self, book: Book, by_row: Mapping[int, _V]) -> Sequence[_V]:
        """`by_row`'s value for each contact, in the book's order: the list a `ByRow` of this
        book keeps, when every contact has a row of its own, else read row by row."""
        if (isinstance(by_row, ByRow) and by_row._at is self.at
                and len(self.at) == len(by_row._values) == len(book.contacts)):
            return by_row._values
        return [by_row[contact.row] for contact in book.contacts]

    def of(self, typed: object) -> str:
        """The contact key a typed ID means; an unknown ID stays as typed (trimmed)."""
        if isinstance(typed, str) and typed in self.people:
            return typed  # the common case: validation already spelled it as Contacts does
        text = read_text(typed)
        return self.canon.get(id_key(text), text) if text else ""


def contact_keys(book: Book) -> ContactKeys:
    contacts = book.contacts
    # Each contact's key, a column at a time: its ID, or the one the sync is assigning to its
    # blank ID cell (`ids`), or "row N".
    ids = [(contact.id or "").strip() or book.assigned_id(contact) for contact in contacts]
    spelt = [typed or f"row {contact.row}" for typed, contact in zip(ids, contacts, strict=True)]
    canon: dict[str, str] = {}
    # A duplicate ID (reported) is the same person: the first spelling is every row's key.
    by_row = list(map(canon.setdefault, map(id_key, spelt), spelt))
    people: dict[str, Contact] = {}
    for key, contact in zip(by_row, contacts, strict=True):
        people.setdefault(key, contact)
    at = row_positions(book)
    return ContactKeys(ByRow(at, by_row), people, canon, ByRow(at, ids), at)


def closed_keys(book: Book, keys: ContactKeys) -> frozenset[str]:
    """Contacts who closed: a Transactions row, a Closing date on Contacts, or Stage Closed."""
    closed = {keys.of(t.contact_id) for t in book.transactions if read_text(t.contact_id)}
    closed |= {key for key, c in zip(keys.per_contact(book, keys.by_row), book.contacts,
                                     strict=True)
               if c.closing_date is not None or c.stage == "Closed"}
    return frozenset(closed)


def referral_pairs(book: Book, keys: ContactKeys) -> list[tuple[str, str]]:
    """(referrer, referred) from Contacts and Transactions, each pair once, in sheet order."""
    pairs: dict[tuple[str, str], None] = {}
    for person, contact in zip(keys.per_contact(book, keys.by_row), book.contacts, strict=True):
        if contact.referred_by:
            referrer = keys.of(contact.referred_by)
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
    thanks_early_days: int  # a thank-you this many days before a referral's date is for it
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

    def thanked_for(self, referrer: str, when: date | None) -> bool:
        """Whether a thank-you of the referrer is dated on or after a referral made on `when`
        (less `thanks_early_days`: the referrer is often thanked before the referred person's
        first logged call); an undated referral is thanked by any thank-you."""
        last = self.last_thanked(referrer)
        if last is None or when is None:
            return last is not None
        return last >= when - timedelta(days=self.thanks_early_days)

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
    interactions = interactions_by_key(book, keys, today)
    transactions = transactions_by_key(book, keys)
    visits = visits_by_row(book, keys, interactions)
    closed = closed_keys(book, keys)
    pairs = referral_pairs(book, keys)
    referred_when = referral_dates(book, keys, interactions, transactions, today)
    closings = closings_by_row(book, keys, transactions)
    return BookFacts(
        today=today,
        contacts_tab=contacts_tab,
        keys=keys,
        interactions=interactions,
        transactions=transactions,
        last_contact=last_contact_by_row(book, keys, interactions, today, closings,
                                         PersonalContact.from_config(config)),
        closings=closings,
        first_closing=first_closing_by_key(book, keys, transactions),
        closed=closed,
        visits=visits,
        referrals=referrals_by_referrer(pairs, referred_when, keys),
        first_referrer=first_referrer_of(pairs),
        referred_deals=referred_deals_by_referrer(book, keys),
        thank_yous=thank_yous_by_key(interactions, config),
        thanks_early_days=thanks_early_days(config),
        completeness_fields=completeness_fields(config),
        completeness_stage=completeness_stage_by_row(book, keys, closed, visits, config),
        reward_tiers=reward_tiers_of(referral_settings),
        reward_basis=str(referral_settings.get("reward_basis", "made")),
        recognition=recognition_from_config(config),
    )


# ---------------------------------------------------------------------------------------------
# One builder per fact: each a pure function of the book, its keys, `today` and the config.


def interactions_by_key(book: Book, keys: ContactKeys, today: date
                        ) -> dict[str, tuple[Interaction, ...]]:
    """Interactions per contact key, dated on or before today, oldest first (ties in sheet
    order)."""
    # Each typed ID is matched once, and the columns are read in C (attrgetter, map).
    typed_ids = list(map(_CONTACT_ID, book.interactions))
    key_of = {typed: keys.of(typed) for typed in set(typed_ids)}
    logged: defaultdict[str, list[Interaction]] = defaultdict(list)  # no list made per row
    for key, when, interaction in zip(map(key_of.__getitem__, typed_ids),
                                      map(_DATE, book.interactions), book.interactions,
                                      strict=True):
        if key and when is not None and when <= today:
            logged[key].append(interaction)
    return {key: tuple(sorted(rows, key=_DATE)) if len(rows) > 1 else tuple(rows)
            for key, rows in logged.items()}


_DATE = operator.attrgetter("date")
_CONTACT_ID = operator.attrgetter("contact_id")
# What tells a personal contact, and a thank-you (see the module docstring).
_PERSONAL_SAID = operator.attrgetter("channel", "outcome", "touchpoint")
_THANKS_SAID = operator.attrgetter("touchpoint", "notes")
_LAST_CONTACT = operator.attrgetter("last_contact")
_CHANNEL = operator.attrgetter("channel")


def transactions_by_key(book: Book, keys: ContactKeys) -> dict[str, tuple[Transaction, ...]]:
    """Transactions per client key, in deal order."""
    deals: dict[str, list[Transaction]] = {}
    for txn in book.transactions:
        key = keys.of(txn.contact_id)
        if key:
            deals.setdefault(key, []).append(txn)
    return {key: tuple(sorted(rows, key=deal_order)) for key, rows in deals.items()}


@dataclass(frozen=True)
class PersonalContact:
    """Which Interactions are a personal contact (see the module docstring)."""

    mass_rules: frozenset[str] = frozenset()  # rule keys with counts_as_contact = false
    mass_labels: frozenset[str] = frozenset()  # their keys and labels, normalised
    mass_words: tuple[re.Pattern[str], ...] = ()  # their done_words
    channels: frozenset[str] = frozenset()  # touchpoints.not_contact_channels
    not_reached: tuple[str, ...] = ()  # touchpoints.not_reached_outcomes, normalised

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PersonalContact:
        touchpoints = config.get("touchpoints", {})
        mass = {str(key): raw for key, raw in touchpoints.get("rules", {}).items()
                if isinstance(raw, Mapping) and raw.get("counts_as_contact") is False
                and raw.get("enabled", True)}
        labels = {vocabulary.normalise(text) for key, raw in mass.items()
                  for text in (key, raw.get("label") or key)}
        patterns = (words_pattern(tuple(str(w) for w in raw.get("done_words", ())))
                    for raw in mass.values())
        return cls(
            mass_rules=frozenset(mass), mass_labels=frozenset(labels),
            mass_words=tuple(p for p in patterns if p is not None),
            channels=frozenset(str(c).strip().lower()
                               for c in touchpoints.get("not_contact_channels", ())),
            not_reached=tuple(w for w in (vocabulary.normalise(o) for o in touchpoints.get(
                "not_reached_outcomes", ())) if w))

    def __call__(self, interaction: Interaction) -> bool:
        if (interaction.channel or "").strip().lower() in self.channels:
            return False
        outcome = vocabulary.normalise(interaction.outcome or "")
        if outcome and any(outcome.startswith(word) for word in self.not_reached):
            return False
        return not self.is_mass_greeting(interaction.touchpoint or "")

    def is_mass_greeting(self, touchpoint: str) -> bool:
        marker = rule_key_of(touchpoint)
        if marker is not None:
            return marker in self.mass_rules
        if touchpoint.startswith(KEPT_NOTE_PREFIXES):
            return False
        if vocabulary.normalise(touchpoint) in self.mass_labels:
            return True
        folded = fold_words(touchpoint)
        return any(pattern.search(folded) for pattern in self.mass_words)


def last_contact_by_row(book: Book, keys: ContactKeys,
                        interactions: Mapping[str, Sequence[Interaction]], today: date,
                        closings: Mapping[int, Sequence[tuple[date, str]]] | None = None,
                        personal: PersonalContact | None = None) -> Mapping[int, date | None]:
    """Per Contacts row: the latest of its Last contact cell (unless after today), its newest
    logged personal contact (`personal`; without it every Interaction) and its newest closing
    on or before today (`closings`, by row)."""
    personal = personal or PersonalContact()
    # Whether a row is a personal contact depends on its Channel, Outcome and Touchpoint only,
    # and the same few combinations fill the whole tab: each is decided once.
    decided: dict[tuple[str, str, str], bool] = {}

    def is_personal(interaction: Interaction) -> bool:
        said = _PERSONAL_SAID(interaction)
        found = decided.get(said)
        if found is None:
            found = decided[said] = personal(interaction)
        return found

    newest: dict[str, date] = {}
    for key, logged in interactions.items():
        for interaction in reversed(logged):  # the newest is most often personal
            if is_personal(interaction):
                newest[key] = interaction.date
                break
    # The later of the typed cell and the newest logged contact, a column at a time; then the
    # few rows with a closing are given it where it is later still.
    typed = [when if when and when <= today else None
             for when in map(_LAST_CONTACT, book.contacts)]
    logged = list(map(newest.get, keys.per_contact(book, keys.by_row)))
    last = [met if cell is None else cell if met is None or cell >= met else met
            for cell, met in zip(typed, logged, strict=True)]
    if closings is not None:
        for position, deals in enumerate(keys.per_contact(book, closings)):
            if deals and (closed := newest_closing(deals, today)) is not None and (
                    last[position] is None or closed > last[position]):
                last[position] = closed
    return keys.by_rows(book, last)


def newest_closing(closings: Sequence[tuple[date, str]], today: date) -> date | None:
    """The newest of a row's closings on or before today: the last time the client was met
    for certain (a closing after today is a plan)."""
    past = [when for when, _ in closings if when <= today]
    return max(past) if past else None


def closings_by_row(book: Book, keys: ContactKeys,
                    transactions: Mapping[str, Sequence[Transaction]]
                    ) -> Mapping[int, tuple[tuple[date, str], ...]]:
    """Per Contacts row: (date, side) of each dated deal of its contact and of its Closing date
    cell (when no deal already has that date), oldest first."""
    closings: list[tuple[tuple[date, str], ...]] = []
    for contact, key in zip(book.contacts, keys.per_contact(book, keys.by_row), strict=True):
        if contact.closing_date is None and key not in transactions:
            closings.append(())  # most contacts: no deal, no Closing date
            continue
        dated = [(t.closing_date, vocabulary.side_key(t.side))
                 for t in transactions.get(key, ())
                 if t.closing_date is not None]
        if contact.closing_date and all(d != contact.closing_date for d, _ in dated):
            dated.append((contact.closing_date, ""))
        closings.append(tuple(sorted(dated)))
    return keys.by_rows(book, closings)


def visits_by_row(book: Book, keys: ContactKeys,
                  interactions: Mapping[str, Sequence[Interaction]]) -> Mapping[int, int]:
    """Per Contacts row: the larger of its Visits cell and its logged visits."""
    # A visit is told by its Channel alone, and a tab has a handful of channels typed.
    typed = set(map(_CHANNEL, chain.from_iterable(interactions.values())))
    visit = {channel for channel in typed if channel.strip().casefold() == VISIT_CHANNEL}
    logged_visits = {key: count for key, logged in interactions.items()
                     if (count := sum(map(visit.__contains__, map(_CHANNEL, logged))))}
    return keys.by_rows(book, [max(contact.visits or 0, logged_visits.get(key, 0))
                               for contact, key in zip(book.contacts,
                                                       keys.per_contact(book, keys.by_row),
                                                       strict=True)])


def first_closing_by_key(book: Book, keys: ContactKeys,
                         transactions: Mapping[str, Sequence[Transaction]]) -> dict[str, date]:
    """Per key, clients not on Contacts included: the earliest deal or Closing date cell."""
    first: dict[str, date] = {}
    dated = [(key, txn.closing_date) for key, deals in transactions.items() for txn in deals]
    dated += [(key, c.closing_date) for key, c in zip(keys.per_contact(book, keys.by_row),
                                                       book.contacts, strict=True)
              if c.closing_date is not None]
    for key, when in dated:
        if key and when is not None and (key not in first or when < first[key]):
            first[key] = when
    return first


def referral_dates(book: Book, keys: ContactKeys,
                   interactions: Mapping[str, Sequence[Interaction]],
                   transactions: Mapping[str, Sequence[Transaction]], today: date
                   ) -> dict[str, date]:
    """When each person was referred: their earliest trace on or before today (first
    Interaction, first closing), else their Last contact cell."""
    earliest = {key: logged[0].date for key, logged in interactions.items()}
    closings = [(key, txn.closing_date) for key, deals in transactions.items() for txn in deals]
    by_row = keys.per_contact(book, keys.by_row)
    closings += [(key, c.closing_date) for key, c in zip(by_row, book.contacts, strict=True)
                 if c.closing_date is not None]
    for key, when in closings:
        if when is not None and when <= today:
            earliest[key] = min(earliest.get(key, when), when)
    # the Last contact cell only when nothing else dates them
    for key, contact in zip(by_row, book.contacts, strict=True):
        if key not in earliest and contact.last_contact and contact.last_contact <= today:
            earliest[key] = contact.last_contact
    return earliest


def referrals_by_referrer(pairs: Iterable[tuple[str, str]], referred_when: Mapping[str, date],
                          keys: ContactKeys) -> dict[str, tuple[Referral, ...]]:
    """Per referrer: their referrals, dated oldest first, then undated; ties by name, then key."""
    referrals: dict[str, list[Referral]] = {}
    for referrer, person in pairs:
        referrals.setdefault(referrer, []).append(
            Referral(referrer, person, referred_when.get(person)))
    names = {key: contact.name for key, contact in keys.people.items()}

    def order(r: Referral) -> tuple[bool, date, str, str]:
        return (r.when is None, r.when or date.min, names.get(r.referred, ""), r.referred)

    return {referrer: tuple(sorted(refs, key=order)) for referrer, refs in referrals.items()}


def first_referrer_of(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Referred -> the first referrer the pairs name (Contacts rows come first)."""
    first: dict[str, str] = {}
    for referrer, person in pairs:
        first.setdefault(person, referrer)
    return first


def referred_deals_by_referrer(book: Book, keys: ContactKeys) -> dict[str, tuple[date, ...]]:
    """Per referrer: the closing dates of deals whose own Referred by names them, oldest
    first."""
    deals: dict[str, list[date]] = {}
    for txn in book.transactions:
        if txn.referred_by and txn.closing_date is not None:
            referrer, person = keys.of(txn.referred_by), keys.of(txn.contact_id)
            if referrer and referrer != person:
                deals.setdefault(referrer, []).append(txn.closing_date)
    return {referrer: tuple(sorted(dates)) for referrer, dates in deals.items()}


def thank_yous_by_key(interactions: Mapping[str, Sequence[Interaction]],
                      config: Mapping[str, Any]) -> dict[str, tuple[date, ...]]:
    """Per contact key: the dates of their thank-you Interactions, oldest first."""
    words = tuple(config.get("referrals", {}).get("thank_you_words", _DEFAULT_THANK_YOU_WORDS))
    all_keys, referral_keys, patterns = _referral_rules(config)
    # A thank-you is told by its Touchpoint and Notes alone: each pair typed is read once.
    decided: dict[tuple[str, str], bool] = {}
    for interaction in chain.from_iterable(interactions.values()):
        said = _THANKS_SAID(interaction)
        if said not in decided:
            decided[said] = _thanks(interaction, words, all_keys, referral_keys, patterns)
    thankful = {said for said, found in decided.items() if found}
    if not thankful:  # a tab where no Touchpoint and Notes say thanks
        return {}
    thanks: dict[str, tuple[date, ...]] = {}
    for key, logged in interactions.items():
        dates = [interaction.date for interaction in logged
                 if _THANKS_SAID(interaction) in thankful]
        if dates:
            thanks[key] = tuple(sorted(dates))
    return thanks


def _thanks(interaction: Interaction, words: tuple[str, ...], all_keys: frozenset[str],
            referral_keys: frozenset[str], patterns: Sequence[re.Pattern[str]]) -> bool:
    """Whether the interaction is a thank-you (see the module docstring)."""
    marker = rule_key_of(interaction.touchpoint)
    if marker in all_keys:  # the tool's row: its Touchpoint is the tool's, the Notes a person's
        return marker in referral_keys or is_thank_you("", interaction.notes, words)
    touchpoint = interaction.touchpoint
    if touchpoint.startswith(KEPT_NOTE_PREFIXES):
        touchpoint = ""  # an item not done: only what the person typed may say thanks
    folded = fold_words(touchpoint)
    return (is_thank_you(touchpoint, interaction.notes, words)
            or any(p.search(folded) for p in patterns))


def thanks_early_days(config: Mapping[str, Any]) -> int:
    """How early a thank-you may come for a referral: the first referral rule's early_days,
    else touchpoints.early_days, else 0 (no config)."""
    touchpoints = config.get("touchpoints", {})
    for raw in touchpoints.get("rules", {}).values():
        if isinstance(raw, Mapping) and raw.get("trigger") == "referral" \
                and raw.get("enabled", True):
            if raw.get("early_days") is not None:
                return int(raw["early_days"])
            break
    return int(touchpoints.get("early_days", 0))


def completeness_stage_by_row(book: Book, keys: ContactKeys, closed: frozenset[str],
                              visits: Mapping[int, int], config: Mapping[str, Any]
                              ) -> Mapping[int, str]:
    """Per Contacts row: the stage its completeness is measured against."""
    three_visits = int(config.get("completeness", {}).get("three_visits_min", 3))
    facts = list(zip([key in closed for key in keys.per_contact(book, keys.by_row)],
                     keys.per_contact(book, visits), strict=True))
    # A stage reads only (closed, visits), and a book has few such pairs: each decided once.
    stage_of = {(was_closed, count): completeness_stage(closed=was_closed, visits=count,
                                                        three_visits_min=three_visits)
                for was_closed, count in set(facts)}
    return keys.by_rows(book, list(map(stage_of.__getitem__, facts)))


def reward_tiers_of(referral_settings: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    """The `[[referrals.reward_tiers]]`, lowest min_referrals first."""
    return tuple(sorted(referral_settings.get("reward_tiers", []),
                        key=lambda t: int(t.get("min_referrals", 1))))
