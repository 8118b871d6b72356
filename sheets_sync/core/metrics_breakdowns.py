"""The breakdown tables below the Metrics tab (and in the report): the headline measures per
Owner, Tier, Circle and Source, each on its group's Tally (metrics_groups.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sheets_sync.core import vocabulary
from sheets_sync.core.facts import BookFacts, build_facts
from sheets_sync.core.metrics_catalogue import TIERS
from sheets_sync.core.metrics_groups import BookRows
from sheets_sync.core.metrics_measures import (
    Tally,
    conversion,
    dormant_share,
    nps,
    ratio,
    referral_share,
    repeat_client_rate,
)
from sheets_sync.core.model import Book, Classification


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


def _measure_row(group: str, tally: Tally, total_txns: int, *,
                 per_source: bool = False) -> list[Any]:
    """One breakdown row, in the order of BREAKDOWN_COLUMNS after the group."""
    score = nps(tally)[0]
    return [
        group,
        tally.contacts,
        tally.clients,
        tally.transactions,
        round(tally.commission, 2),
        None if per_source else repeat_client_rate(tally)[0],
        None if per_source else referral_share(tally)[0],
        None if score is None else round(score, 1),
        dormant_share(tally)[0],
        None if per_source else conversion(tally)[0],
        ratio(tally.transactions, total_txns),
    ]


def compute_breakdowns(book: Book, classes: Mapping[str, Classification], today: date,
                       config: Mapping[str, Any], facts: BookFacts | None = None,
                       rows: BookRows | None = None) -> list[Breakdown]:
    """Per Owner, Tier, Circle and Source: the headline measures on that group of the book.

    Owner, Tier and Circle group the contacts (and their transactions); Source groups the
    transactions (and their clients), so rates that mean nothing per source (repeat rate,
    referral share, conversion) are left blank there (metrics_groups.py).
    """
    facts = facts or build_facts(book, today, config)
    tallies = (rows or BookRows(book, facts, classes, config)).tallies
    total = len(book.transactions)

    def table(key: str, order: Callable[[Iterable[str]], list[str]]) -> Breakdown:
        groups = tallies.groups[key]
        return Breakdown(key, [_measure_row(g, groups[g], total) for g in order(groups)])

    sources = tallies.sources
    by_source = sorted(sources.tallies, key=lambda k: (-sources.tallies[k].transactions, k == "",
                                                        sources.shown[k].casefold()))
    return [
        table("owner", lambda owners: sorted(owners, key=lambda o: (o == "", o.casefold()))),
        table("tier", lambda tiers: _in_order(tiers, TIERS)),
        table("circle", lambda circles: _in_order(circles, vocabulary.CIRCLES)),
        Breakdown("source", [_measure_row(sources.shown[k], sources.tallies[k], total,
                                          per_source=True) for k in by_source]),
    ]


def _in_order(groups: Iterable[str], canonical: Iterable[str]) -> list[str]:
    """The canonical values first, in their order; any other value after them, sorted."""
    order = {value: n for n, value in enumerate(canonical)}
    return sorted(groups, key=lambda g: (order.get(g, len(order)), g))
