"""The book's `Tally` per group — the whole book, and each Owner, Tier, Circle and Source — in
one pass over the Contacts rows and one over the Transactions rows, for the headline metrics and
the breakdown tables alike (no slice of the book is built per group).

Owner, Tier and Circle group the Contacts rows, and a client's transactions go with their
contact's group. Transactions whose client is not on Contacts belong to no owner, tier or circle:
they go to the blank owner ("(none)"), after the rest, so the owners still add up to the whole.
Source groups the transactions (by their folded Source); its Contacts rows are those clients,
each once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sheets_sync.core import vocabulary
from sheets_sync.core.facts import BookFacts
from sheets_sync.core.metrics_measures import (
    RowState,
    Tally,
    is_referred,
    repeat_deals,
    row_states,
    words,
)
from sheets_sync.core.model import Book, Classification, Contact
from sheets_sync.core.referrals import credited_referrer


class BookRows:
    """The book's Contacts and Transactions rows as the metrics read them, worked out once per
    sync for the headline metrics and every breakdown: each Contacts row's key, classification
    and `RowState`; each transaction's client key, folded Source, credited referrer, whether it
    is its client's first deal and whether it was referred."""

    def __init__(self, book: Book, facts: BookFacts, classes: Mapping[str, Classification],
                 config: Mapping[str, Any]) -> None:
        settings = config["metrics"]
        self.book = book
        self.facts = facts
        self.contacts = book.contacts
        by_row = facts.keys.by_row
        self.keys = [by_row[c.row] for c in book.contacts]
        self.classes = [classes.get(c.key) for c in book.contacts]
        self.states = row_states(self.keys, self.contacts, self.classes, facts.closed)
        self.referral_sources = words(settings["referral_sources"])
        self.past_client_sources = words(settings["past_client_sources"])

        self.txns = book.transactions
        self.txn_keys = [facts.key_of(t.contact_id) for t in self.txns]
        # Sources are few and repeat on every row: each distinct text is folded once.
        folded = {text: vocabulary.normalise(text) for text in {t.source for t in self.txns}}
        self.sources = [folded[t.source] for t in self.txns]
        people = facts.people
        self.credited = [credited_referrer(t, people) for t in self.txns]
        repeats = repeat_deals(facts)
        self.first = [id(t) not in repeats for t in self.txns]
        self.referred = [is_referred(source, credited, self.referral_sources)
                         for source, credited in zip(self.sources, self.credited, strict=True)]

    def deals(self, key: str) -> int:
        """A client's deals: Transactions rows, or one for a contact closed only on Contacts."""
        return len(self.facts.transactions.get(key, ())) or 1

    @cached_property
    def tallies(self) -> GroupTallies:
        """Every group's Tally, tallied when first read (`group_tallies`)."""
        return group_tallies(self)


# A Contacts row's group in one grouping, from the row's contact and classification.
Label = Callable[[Contact, Classification | None], str]

CONTACT_GROUPINGS: dict[str, Label] = {
    "owner": lambda contact, _: contact.owner.strip(),
    "tier": lambda _, found: found.tier if found is not None else "",
    "circle": lambda contact, _: contact.circle or "",
}


@dataclass
class Sources:
    """The Source grouping: a Tally per folded Source, with the Source as first written."""

    tallies: dict[str, Tally] = field(default_factory=dict)  # first written first
    shown: dict[str, str] = field(default_factory=dict)


@dataclass
class GroupTallies:
    """The Tally of the whole book, per group of each Contacts grouping (groups in the order of
    their first row), and per Source."""

    book: Tally
    groups: dict[str, dict[str, Tally]]  # grouping -> group -> Tally
    sources: Sources


def group_tallies(rows: BookRows) -> GroupTallies:
    """Every group's Tally (module docstring)."""
    book = Tally()
    for state, count in Counter(rows.states).items():
        book.add_rows(state, count)
    groups: dict[str, dict[str, Tally]] = {}
    labels_of: dict[str, _Labels] = {}
    for name, label in CONTACT_GROUPINGS.items():
        labels = [label(c, found) for c, found in zip(rows.contacts, rows.classes, strict=True)]
        tallies: dict[str, Tally] = {}
        for (group, state), count in Counter(zip(labels, rows.states, strict=True)).items():
            tally = tallies.get(group)
            if tally is None:
                tally = tallies[group] = Tally()
            tally.add_rows(state, count)
        groups[name] = tallies
        labels_of[name] = _Labels(rows.keys, labels)

    people = rows.facts.people
    owners = groups["owner"]
    orphans: list[int] = []  # positions of transactions whose client is not on Contacts
    for key in rows.facts.closed:
        deals = rows.deals(key)
        book.add_dealer(deals)
        if key in people:
            for name, labels in labels_of.items():
                for group in labels.of(key):
                    groups[name][group].add_dealer(deals)
        else:
            owners.setdefault("", Tally()).add_dealer(deals)
    for at, key in enumerate(rows.txn_keys):
        commission, first, referred = rows.txns[at].commission, rows.first[at], rows.referred[at]
        book.add_transaction(commission, first, referred)
        if key in people:
            for name, labels in labels_of.items():
                for group in labels.of(key):
                    groups[name][group].add_transaction(commission, first, referred)
        else:
            orphans.append(at)
    for at in orphans:
        owners.setdefault("", Tally()).add_transaction(rows.txns[at].commission, rows.first[at],
                                                       rows.referred[at])
    return GroupTallies(book, groups, _sources(rows))


class _Labels:
    """A contact key's groups in one grouping: one, or, for a duplicated ID whose rows sit in
    different groups, each of them once (in the order of their rows)."""

    def __init__(self, keys: Sequence[str], labels: Sequence[str]) -> None:
        self._one = dict(zip(keys, labels, strict=True))
        self._many: dict[str, tuple[str, ...]] = {}
        if len(self._one) < len(keys):
            seen: dict[str, list[str]] = {}
            for key, label in zip(keys, labels, strict=True):
                found = seen.setdefault(key, [])
                if label not in found:
                    found.append(label)
            self._many = {key: tuple(found) for key, found in seen.items() if len(found) > 1}

    def of(self, key: str) -> Iterable[str]:
        return self._many.get(key) or (self._one[key],)


def _sources(rows: BookRows) -> Sources:
    sources = Sources()
    clients: dict[str, dict[str, None]] = {}  # folded Source -> its clients' keys, each once
    people = rows.facts.people
    for at, source in enumerate(rows.sources):
        tally = sources.tallies.get(source)
        if tally is None:
            tally = sources.tallies[source] = Tally()
            sources.shown[source] = rows.txns[at].source.strip()
            clients[source] = {}
        tally.add_transaction(rows.txns[at].commission, rows.first[at], rows.referred[at])
        key = rows.txn_keys[at]
        if key in people:
            clients[source][key] = None
    # A client's row is the first Contacts row with its key (facts.people).
    first_state: dict[str, RowState] = dict(zip(reversed(rows.keys), reversed(rows.states),
                                                 strict=True))
    for source, keys in clients.items():
        tally = sources.tallies[source]
        for state, count in Counter(first_state[key] for key in keys).items():
            tally.add_rows(state, count)
    return sources
