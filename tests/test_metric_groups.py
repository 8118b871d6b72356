"""The breakdown tables from the grouped tally: a duplicated ID whose rows have different
owners, and transactions whose client is not on Contacts."""

from __future__ import annotations

from datetime import date

from sheets_sync.config import load_config
from sheets_sync.core.metrics_breakdowns import compute_breakdowns
from sheets_sync.core.model import Book, Contact, Transaction

TODAY = date(2026, 11, 23)


def _book() -> Book:
    contacts = [
        Contact(row=2, id="C1", name="Alice", owner="Ann", nps=10),
        Contact(row=3, id="c1", name="Alice again", owner="Ben", nps=3),  # the same ID
        Contact(row=4, id="C2", name="Bob", owner="Ann"),
        Contact(row=5, id="C3", name="Cy", owner="ann"),
    ]
    transactions = [
        Transaction(row=2, contact_id="C1", closing_date=date(2024, 1, 5), commission=0.1,
                    source="Referral"),
        Transaction(row=3, contact_id="C1", closing_date=date(2025, 1, 5), commission=0.2),
        Transaction(row=4, contact_id="C2", closing_date=date(2025, 3, 1), commission=0.7),
        Transaction(row=5, contact_id="NOT-ON-CONTACTS", closing_date=None, commission=5.0,
                    source="referral "),
    ]
    return Book(contacts, [], transactions)


def test_owners_count_a_duplicated_clients_deals_once_in_each_of_its_owners() -> None:
    (owners, *_) = compute_breakdowns(_book(), {}, TODAY, load_config())
    rows = {row[0]: row for row in owners.rows}
    # Owners differing in case stay apart, in the order of their first row; the blank owner
    # (transactions of a client not on Contacts) comes last.
    assert list(rows) == ["Ann", "ann", "Ben", ""]
    group, contacts, clients, transactions, commission, repeat_rate = rows["Ann"][:6]
    assert (contacts, clients, transactions, commission) == (2, 2, 3, 1.0)
    assert repeat_rate == 0.5  # C1 (two deals) and C2 (one)
    assert rows["Ben"][1:6] == [1, 1, 2, 0.3, 1.0]  # C1's deals again, under its other owner
    assert rows["Ben"][7] == -100.0  # its own row's NPS
    assert rows[""][1:6] == [0, 0, 1, 5.0, 0.0]
    assert rows[""][-1] == 0.25  # a quarter of the transactions


def test_sources_group_transactions_by_their_folded_source() -> None:
    *_, sources = compute_breakdowns(_book(), {}, TODAY, load_config())
    rows = {row[0]: row for row in sources.rows}
    # "Referral" and "referral " are one source, shown as first written; most deals first.
    assert list(rows) == ["Referral", ""]
    assert rows["Referral"][1:5] == [1, 1, 2, 5.1]  # one client on Contacts, two deals
    assert rows["Referral"][5] is None and rows["Referral"][9] is None  # no rates per source
