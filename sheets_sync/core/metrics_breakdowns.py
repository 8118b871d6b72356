"""The breakdown tables below the Metrics tab (and in the report): the headline measures per
Owner, Tier, Circle and Source, each on its slice of the book."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sheets_sync.core import vocabulary
from sheets_sync.core.facts import BookFacts, build_facts
from sheets_sync.core.metrics_catalogue import TIERS
from sheets_sync.core.metrics_measures import (
    BookRows,
    BookSlice,
    Keyed,
    PersonRow,
    conversion,
    dormant_share,
    nps,
    ratio,
    referral_share,
    repeat_client_rate,
    repeat_deals,
)
from sheets_sync.core.model import Book, Classification, Contact, Transaction


@dataclass
class Breakdown:
    """A table below the main metrics: one row per owner, tier, circle or source.

    Each row: [group, contacts, clients, transactions, commission, repeat client rate, referral
    share of new deals, NPS, dormant share, conversion (clients ÷ contacts), share of
    transactions]; a cell is None where the measure does not apply or has no data.
    """

    key: str  # "owner", "tier", "circle" or "source"
    rows: list[list[Any]] = field(default_factory=list)


BREAKDOWN_COLUMNS = ("contacts", "clients", "transactions", "commission", "repeat_client_rate",
                     "referral_share", "nps", "dormant_share", "conversion",
                     "share_of_transactions")
BREAKDOWN_FORMATS = ("number", "integer", "integer", "money", "percent", "percent", "number",
                     "percent", "percent", "percent")


def _measure_row(group: str, facts: BookSlice, repeats: set[int], total_txns: int, *,
                 per_source: bool = False) -> list[Any]:
    """One breakdown row, in the order of BREAKDOWN_COLUMNS after the group."""
    commission = sum(t.commission or 0.0 for t in facts.txns)
    score = nps(facts.contacts)[0]
    clients = sum(1 for key, _, _ in facts.rows if key in facts.deals)
    return [
        group,
        len(facts.rows),
        clients,
        len(facts.txns),
        round(commission, 2),
        None if per_source else repeat_client_rate(facts)[0],
        None if per_source else referral_share(facts, repeats)[0],
        None if score is None else round(score, 1),
        dormant_share(facts)[0],
        None if per_source else conversion(facts)[0],
        ratio(len(facts.txns), total_txns),
    ]


def compute_breakdowns(book: Book, classes: Mapping[str, Classification], today: date,
                       config: Mapping[str, Any], facts: BookFacts | None = None,
                       rows: BookRows | None = None) -> list[Breakdown]:
    """Per Owner, Tier, Circle and Source: the headline measures on that slice of the book.

    Owner, Tier and Circle slice the contacts (and their transactions and interactions); Source
    slices the transactions (and their clients), so rates that mean nothing per source (repeat
    rate, referral share, conversion) are left blank there.
    """
    facts = facts or build_facts(book, today, config)
    slicer = _Slicer(book, facts, classes, config, rows or BookRows(book, facts, classes))
    return [_by_owner(slicer), _by_tier(slicer), _by_circle(slicer), _by_source(slicer)]


class _Slicer:
    """The book, cut into the slices of the breakdowns; what every slice shares is worked out
    once."""

    def __init__(self, book: Book, facts: BookFacts, classes: Mapping[str, Classification],
                 config: Mapping[str, Any], rows: BookRows) -> None:
        self.book = book
        self.facts = facts
        self.classes = classes
        self.config = config
        self.repeats = repeat_deals(facts)
        self.rows = rows
        self.txns = rows.txns
        self.interactions = rows.interactions
        self.total = len(book.transactions)

    def groups(self, label: Callable[[Contact], str]) -> dict[str, list[PersonRow]]:
        """The Contacts rows by `label`, in sheet order within a group."""
        groups: dict[str, list[PersonRow]] = {}
        for row in self.rows.people:
            groups.setdefault(label(row[1]), []).append(row)
        return groups

    def cut(self, members: Sequence[PersonRow], txns: Keyed) -> BookSlice:
        return BookSlice(self.book, self.facts, self.classes, self.config, rows=members,
                         txns=txns, interactions=self.interactions)

    def row(self, group: str, members: list[PersonRow], extra_txns: Keyed = ()) -> list[Any]:
        """The measures on `members`, their transactions and `extra_txns`."""
        txns = self.rows.txns_of(key for key, _, _ in members) + list(extra_txns)
        return _measure_row(group, self.cut(members, txns), self.repeats, self.total)


def _in_order(groups: Iterable[str], canonical: Iterable[str]) -> list[str]:
    """The canonical values first, in their order; any other value after them, sorted."""
    order = {value: n for n, value in enumerate(canonical)}
    return sorted(groups, key=lambda g: (order.get(g, len(order)), g))


def _by_owner(slicer: _Slicer) -> Breakdown:
    # Transactions whose client is not on Contacts belong to no owner, tier or circle: they go to
    # the "(none)" group so the groups still add up to the whole.
    orphans = [(k, t) for k, t in slicer.txns if k not in slicer.facts.people]
    owners = slicer.groups(lambda c: c.owner.strip())
    if orphans:
        owners.setdefault("", [])
    return Breakdown("owner", [slicer.row(o, owners[o], orphans if o == "" else ())
                               for o in sorted(owners, key=lambda o: (o == "", o.casefold()))])


def _by_tier(slicer: _Slicer) -> Breakdown:
    classes = slicer.classes
    tiers = slicer.groups(lambda c: classes[c.key].tier if c.key in classes else "")
    return Breakdown("tier", [slicer.row(t, tiers[t]) for t in _in_order(tiers, TIERS)])


def _by_circle(slicer: _Slicer) -> Breakdown:
    circles = slicer.groups(lambda c: c.circle or "")
    return Breakdown("circle", [slicer.row(c, circles[c])
                                for c in _in_order(circles, vocabulary.CIRCLES)])


def _by_source(slicer: _Slicer) -> Breakdown:
    """Sources as written first (matched after vocabulary.normalise), most transactions first."""
    sources: dict[str, list[tuple[str, Transaction]]] = {}
    shown: dict[str, str] = {}
    for client, txn in slicer.txns:
        key = vocabulary.normalise(txn.source)
        shown.setdefault(key, txn.source.strip())
        sources.setdefault(key, []).append((client, txn))
    people = slicer.facts.people
    rows = []
    for key in sorted(sources, key=lambda k: (-len(sources[k]), k == "", shown[k].casefold())):
        clients = [people[k] for k, _ in sources[key] if k in people]
        unique = [(slicer.facts.key(c), c, slicer.classes.get(c.key))
                  for c in {id(c): c for c in clients}.values()]
        rows.append(_measure_row(shown[key], slicer.cut(unique, sources[key]), slicer.repeats,
                                 slicer.total, per_source=True))
    return Breakdown("source", rows)
