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
from sheets_sync.core.model import Book, Classification
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
        self.unique_keys = len(facts.people) == len(self.keys)  # no duplicated ID
        self.classes = [classes.get(c.key) for c in book.contacts]
        # A client's deals: Transactions rows, or one for a contact closed only on Contacts.
        self.deals = {key: len(facts.transactions.get(key, ())) or 1 for key in facts.closed}
        self.states = row_states(self.keys, self.contacts, self.classes, self.deals)
        self.referral_sources = words(settings["referral_sources"])
        self.past_client_sources = words(settings["past_client_sources"])

        self.txns = book.transactions
        self.txn_keys = [facts.key_of(t.contact_id) for t in self.txns]
        # Per transaction: the positions of its client's Contacts rows (none for a client not
        # on Contacts; more than one for a duplicated ID).
        self.txn_rows = _rows_of_keys(self.keys, self.txn_keys, facts, self.unique_keys)
        # Sources are few and repeat on every row: each distinct text is folded once.
        folded = {text: vocabulary.normalise(text) for text in {t.source for t in self.txns}}
        self.sources = [folded[t.source] for t in self.txns]
        people = facts.people
        self.credited = [credited_referrer(t, people) for t in self.txns]
        repeats = repeat_deals(facts)
        self.first = [id(t) not in repeats for t in self.txns]
        self.referred = [is_referred(source, credited, self.referral_sources)
                         for source, credited in zip(self.sources, self.credited, strict=True)]

    @cached_property
    def tallies(self) -> GroupTallies:
        """Every group's Tally, tallied when first read (`group_tallies`)."""
        return group_tallies(self)


def _rows_of_keys(keys: Sequence[str], wanted: Sequence[str], facts: BookFacts,
                  unique: bool) -> list[tuple[int, ...]]:
    """For each of the `wanted` keys, the positions of the Contacts rows with it."""
    people, at = facts.people, facts.keys.at
    if unique:
        return [(at[people[key].row],) if key in people else () for key in wanted]
    places: dict[str, list[int]] = {}
    for place, key in enumerate(keys):
        places.setdefault(key, []).append(place)
    return [tuple(places.get(key, ())) for key in wanted]


# Each Contacts grouping: every row's group, in the book's order.
CONTACT_GROUPINGS: dict[str, Callable[[BookRows], list[str]]] = {
    "owner": lambda rows: [contact.owner.strip() for contact in rows.contacts],
    "tier": lambda rows: [found.tier if found is not None else "" for found in rows.classes],
    "circle": lambda rows: [contact.circle or "" for contact in rows.contacts],
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
    people = rows.facts.people
    book = _row_tallies(rows, [""] * len(rows.keys)).get("", Tally())
    groups: dict[str, dict[str, Tally]] = {}
    for name, labels_of in CONTACT_GROUPINGS.items():
        labels = labels_of(rows)
        tallies = groups[name] = _row_tallies(rows, labels)
        for at, places in enumerate(rows.txn_rows):
            for group in _groups_of(labels, places):
                tallies[group].add_transaction(rows.txns[at].commission, rows.first[at],
                                               rows.referred[at])
    owners = groups["owner"]
    for at in range(len(rows.txns)):
        book.add_transaction(rows.txns[at].commission, rows.first[at], rows.referred[at])
        if not rows.txn_rows[at]:
            owners.setdefault("", Tally()).add_transaction(
                rows.txns[at].commission, rows.first[at], rows.referred[at])
    for key, deals in rows.deals.items():
        if key not in people:
            book.add_dealer(deals)
            owners.setdefault("", Tally()).add_dealer(deals)
    return GroupTallies(book, groups, _sources(rows))


def _row_tallies(rows: BookRows, labels: Sequence[str]) -> dict[str, Tally]:
    """A Tally per group of the Contacts rows (in the order of each group's first row), from
    the rows counted by (group, RowState, whether the row is its key's first in the group)."""
    tallies: dict[str, Tally] = {}
    firsts = _first_of_key(rows, labels)
    for (group, state, first), count in Counter(zip(labels, rows.states, firsts,
                                                    strict=True)).items():
        tally = tallies.get(group)
        if tally is None:
            tally = tallies[group] = Tally()
        tally.add_rows(state, count, first=first)
    return tallies


def _first_of_key(rows: BookRows, labels: Sequence[str]) -> Sequence[bool]:
    """Per Contacts row: whether it is the first of its key in its group (a client's deals
    count once in a group, however many of its rows are in it)."""
    if rows.unique_keys:
        return [True] * len(labels)
    seen: set[tuple[str, str]] = set()
    firsts = []
    for label, key in zip(labels, rows.keys, strict=True):
        firsts.append((label, key) not in seen)
        seen.add((label, key))
    return firsts


def _groups_of(labels: Sequence[str], places: Sequence[int]) -> Iterable[str]:
    """The groups of a client's Contacts rows at `places`, each once, in the order of the rows."""
    if len(places) == 1:
        return (labels[places[0]],)
    return dict.fromkeys(labels[at] for at in places)


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
            tally.add_rows(state, count, first=True)  # each client once
    return sources
