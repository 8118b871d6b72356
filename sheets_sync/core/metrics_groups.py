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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sheets_sync.core import vocabulary
from sheets_sync.core.facts import BookFacts
from sheets_sync.core.metrics_measures import (
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
        self.deals = dict.fromkeys(facts.closed, 1)
        self.deals.update({key: len(deals) for key, deals in facts.transactions.items()
                           if key in self.deals})
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
        self.commissions = [t.commission or 0.0 for t in self.txns]  # a blank one is 0

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
    labels = {name: labels_of(rows) for name, labels_of in CONTACT_GROUPINGS.items()}
    groups = _row_tallies(rows, {WHOLE: [""] * len(rows.keys), **labels})
    book = groups.pop(WHOLE).get("", Tally())
    _add_transactions({"": book}, [[""] * len(rows.txns)], rows)
    for name, tallies in groups.items():
        _add_transactions(tallies, _transaction_groups(rows, labels[name]), rows)
    # Clients not on Contacts, after the rest: to the blank owner and the whole book.
    orphans = ["" if not places else None for places in rows.txn_rows]
    if "" in orphans:
        owners = groups["owner"]
        owners.setdefault("", Tally())
        _add_transactions(owners, [orphans], rows)
        for key, deals in rows.deals.items():
            if key not in people:
                book.add_dealer(deals)
                owners[""].add_dealer(deals)
    return GroupTallies(book, groups, _sources(rows))


def _transaction_groups(rows: BookRows, labels: Sequence[str]) -> list[list[str | None]]:
    """Each transaction's groups in one grouping, those of its client's Contacts rows: one list
    with every transaction's first group (None for a client not on Contacts), then, for a
    duplicated ID whose rows sit in different groups, one more list per further group."""
    if rows.unique_keys:
        return [[labels[places[0]] if places else None for places in rows.txn_rows]]
    found = [list(dict.fromkeys(labels[at] for at in places)) for places in rows.txn_rows]
    depth = max(map(len, found), default=1)
    return [[groups[n] if n < len(groups) else None for groups in found] for n in range(depth)]


def _add_transactions(tallies: Mapping[str, Tally], layers: Sequence[Sequence[str | None]],
                      rows: BookRows) -> None:
    """The transactions into the Tally of each of their groups (`_transaction_groups`; None: no
    group), their commissions in sheet order."""
    for groups in layers:
        for (group, first, referred), count in Counter(zip(groups, rows.first, rows.referred,
                                                           strict=True)).items():
            if group is not None:
                tallies[group].add_transactions(count, first=first, referred=referred)
    if len(layers) == 1:
        for group, amount in zip(layers[0], rows.commissions, strict=True):
            if group is not None:
                tallies[group].commissions.append(amount)
        return
    for at, amount in enumerate(rows.commissions):
        for groups in layers:
            if groups[at] is not None:
                tallies[groups[at]].commissions.append(amount)


WHOLE = "book"  # the grouping of every Contacts row in one group, ""


def _row_tallies(rows: BookRows, groupings: Mapping[str, Sequence[str]]
                 ) -> dict[str, dict[str, Tally]]:
    """Per grouping (each Contacts row's group), a Tally per group in the order of the group's
    first row, from the rows counted at once by their groups, their RowState and whether each
    is its key's first in its group (`_first_of_key`; always, without a duplicated ID)."""
    columns = list(groupings.values())
    firsts = [] if rows.unique_keys else [_first_of_key(rows, labels) for labels in columns]
    width = len(columns)
    tallies: dict[str, dict[str, Tally]] = {name: {} for name in groupings}
    found = [tallies[name] for name in groupings]
    for counted, count in Counter(zip(rows.states, *columns, *firsts, strict=True)).items():
        state = counted[0]
        for n in range(width):
            group = counted[1 + n]
            tally = found[n].get(group)
            if tally is None:
                tally = found[n][group] = Tally()
            tally.add_rows(state, count, first=counted[1 + width + n] if firsts else True)
    return tallies


def _first_of_key(rows: BookRows, labels: Sequence[str]) -> Sequence[bool]:
    """Per Contacts row: whether it is the first of its key in its group (a client's deals
    count once in a group, however many of its rows are in it); read for a duplicated ID."""
    seen: set[tuple[str, str]] = set()
    firsts = []
    for label, key in zip(labels, rows.keys, strict=True):
        firsts.append((label, key) not in seen)
        seen.add((label, key))
    return firsts


def _sources(rows: BookRows) -> Sources:
    """The Source grouping's Tallies (module docstring)."""
    sources = Sources()
    for source in dict.fromkeys(rows.sources):  # in the order first written
        sources.tallies[source] = Tally()
    # Each Source as first written: the first of its transactions wins.
    shown = dict(zip(reversed(rows.sources), reversed(rows.txns), strict=True))
    sources.shown = {source: shown[source].source.strip() for source in sources.tallies}
    _add_transactions(sources.tallies, [rows.sources], rows)
    # Each client once per Source, as its first Contacts row (facts.people).
    clients = Counter((source, rows.states[places[0]])
                      for source, places in dict.fromkeys(zip(rows.sources, rows.txn_rows,
                                                               strict=True))
                      if places)
    for (source, state), count in clients.items():
        sources.tallies[source].add_rows(state, count, first=True)
    return sources
