"""The referral network (SPEC §7), reward tiers (SPEC §4, seed 002) and the graph picture."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.config import load_config, merge
from sheets_sync.core.facts import is_thank_you
from sheets_sync.core.model import Book, Contact, Interaction, Transaction
from sheets_sync.core.referrals import (
    compute_referrals,
    deepest_chain,
    downstream_of,
    referral_edges,
    referrals_tab,
)
from sheets_sync.graph import draw_referral_graph, layered_layout

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2025, 6, 30)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def make_config(**referrals: Any) -> dict[str, Any]:
    config = load_config()
    return merge(config, {"referrals": referrals}) if referrals else config


def cycle_book() -> Book:
    """A → B → C → A (a cycle) and C → D; B also referred E. Deals for B, C and E."""
    contacts = [
        Contact(row=2, id="A", name="Alice", owner="Ann", circle="Advocate", referred_by="C"),
        Contact(row=3, id="B", name="Bob", owner="Ann", referred_by="A"),
        Contact(row=4, id="C", name="Chen", owner="Ben", referred_by="B"),
        Contact(row=5, id="D", name="Dana", owner="Ben", referred_by="C"),
        Contact(row=6, id="E", name="Eve", owner="Ann", referred_by="B"),
    ]
    transactions = [
        Transaction(row=2, contact_id="B", closing_date=date(2024, 10, 1), commission=12_000),
        Transaction(row=3, contact_id="C", closing_date=date(2025, 2, 1), commission=8_000),
        Transaction(row=4, contact_id="E", closing_date=date(2023, 1, 1), commission=5_000),
    ]
    interactions = [
        Interaction(row=2, date=date(2024, 10, 3), contact_id="A", channel="gift",
                    touchpoint="Referral thank-you (within 48 hours)"),
        Interaction(row=3, date=date(2025, 1, 1), contact_id="B", channel="call",
                    notes="Called to say 谢谢 for sending Chen"),
        Interaction(row=4, date=date(2025, 5, 1), contact_id="D", channel="call"),
    ]
    return Book(contacts, interactions, transactions)


def test_edges_and_downstream_are_cycle_safe():
    book = cycle_book()
    edges = referral_edges(book)
    assert edges == {"A": {"B"}, "B": {"C", "E"}, "C": {"A", "D"}}
    assert downstream_of(edges, "A") == {"B", "C", "D", "E"}
    assert downstream_of(edges, "C") == {"A", "B", "D", "E"}
    assert deepest_chain(edges, "A") == ["A", "B", "C", "D"]


def test_self_referral_ignored_and_transaction_referrals_count():
    book = Book([Contact(row=2, id="A", name="A", referred_by="A"),
                 Contact(row=3, id="B", name="B")], [],
                [Transaction(row=2, contact_id="X", closing_date=None, referred_by="B")])
    assert referral_edges(book) == {"B": {"X"}}


def test_referrer_rows():
    referrers = {r.contact_id: r for r in compute_referrals(cycle_book(), {}, TODAY,
                                                             make_config())}
    b = referrers["B"]
    assert b.referrals == 2 and b.closed == 2 and b.conversion == pytest.approx(1.0)
    # C's and E's deals are credited to B (their Referred by).
    assert b.commission == pytest.approx(13_000)
    # First credited closing 2023-01-01: 911 days = 2.494 years.
    assert b.commission_per_year == pytest.approx(13_000 / (911 / 365.25))
    assert b.downstream == 4  # C, E, D and A (the cycle back to A)
    assert b.chain == ["Bob", "Chen", "Alice"]  # deepest, ties to the smallest ID
    assert b.last_thanked == date(2025, 1, 1)
    a = referrers["A"]
    assert a.referrals == 1 and a.closed == 1 and a.commission == pytest.approx(12_000)
    assert a.last_thanked == date(2024, 10, 3)
    # Influence = downstream contacts + downstream commission ÷ 10,000.
    assert a.influence == pytest.approx(4 + (12_000 + 8_000 + 5_000) / 10_000)


def test_reward_tiers_and_reward_due():
    referrers = {r.contact_id: r for r in compute_referrals(cycle_book(), {}, TODAY,
                                                             make_config())}
    # A: one referral -> first tier; thanked on 2024-10-03 after B was first seen 2024-10-01.
    assert referrers["A"].reward_tier["en"] == "First referral"
    assert referrers["A"].reward_due is False
    # B: two referrals -> the 75-100 / appreciation-event tier; Chen first seen 2025-02-01 came
    # after B was thanked on 2025-01-01, so a reward is due again.
    assert referrers["B"].reward_tier["en"] == "Repeat referrer"
    assert "appreciation event" in referrers["B"].reward["en"]
    assert referrers["B"].reward_due is True
    # C: never thanked -> due.
    assert referrers["C"].reward_due is True


def test_reward_basis_closed():
    referrers = {r.contact_id: r for r in compute_referrals(
        cycle_book(), {}, TODAY, make_config(reward_basis="closed"))}
    # C referred A (no deal) and D (no deal): nothing closed, no tier.
    assert referrers["C"].reward_tier == {} and referrers["C"].reward_due is False


def test_thank_you_detection():
    words = make_config()["referrals"]["thank_you_words"]
    assert is_thank_you("Referral thank-you", "", words)
    assert is_thank_you("", "THANKS for the intro", words)
    assert is_thank_you("", "已送礼感谢", words)
    assert is_thank_you("", "お礼の品を送った", words)
    assert is_thank_you("", "Terima kasih atas rujukan", words)
    assert not is_thank_you("Day-14 check-in", "talked about the garden", words)


def test_influence_ranking_and_core_advocate_candidates():
    contacts = [Contact(row=2, id="R", name="Rita", circle="Advocate")]
    contacts += [Contact(row=3 + n, id=f"K{n}", name=f"Kid {n}", referred_by="R")
                 for n in range(3)]
    transactions = [Transaction(row=2 + n, contact_id=f"K{n}", closing_date=date(2025, 1, 1),
                                commission=1_000) for n in range(3)]
    contacts.append(Contact(row=9, id="Q", name="Quinn", circle="Core Advocate"))
    contacts.append(Contact(row=10, id="Z", name="Zed", referred_by="Q"))
    ranked = compute_referrals(Book(contacts, [], transactions), {}, TODAY, make_config())
    assert [r.contact_id for r in ranked] == ["R", "Q"]
    assert [r.rank for r in ranked] == [1, 2]
    # Three closed referrals (circle_promotion.core_advocate_min_closed_referrals) -> candidate.
    assert ranked[0].core_candidate is True
    assert ranked[1].core_candidate is False  # already a Core Advocate
    assert ranked[0].expected_next_quarter == pytest.approx(3 / 4)


def test_the_top_referrer_is_whom_the_coming_recognition_names():
    """Top referrer marks the referrers the next January recognition will name (facts.py): two
    or more referrals dated in the year before it."""
    contacts = [Contact(row=2, id="R", name="Rita"), Contact(row=3, id="S", name="Sam")]
    contacts += [Contact(row=4 + n, id=f"K{n}", name=f"Kid {n}", referred_by="R",
                         last_contact=date(2025, 3, 1 + n)) for n in range(2)]
    contacts.append(Contact(row=9, id="L", name="Lone", referred_by="S",
                            last_contact=date(2025, 3, 1)))
    ranked = compute_referrals(Book(contacts, [], []), {}, TODAY, make_config())
    assert {r.contact_id: r.top_referrer for r in ranked} == {"R": True, "S": False}


def test_referrals_tab_localized():
    tab = referrals_tab(compute_referrals(cycle_book(), {}, TODAY, make_config()), "zh")
    assert tab.key == "referrals"
    assert tab.headers[:5] == ["排名", "介绍人编号", "姓名", "负责人", "转介绍人数"]
    assert [tab.columns[n].kind for n in (6, 7, 14)] == ["percent", "money", "date"]
    row = next(r for r in tab.rows if r[1] == "B")
    assert row[12] == "多次转介绍"
    assert row[13].startswith("礼品")  # reward due, in Chinese
    assert row[14] == date(2025, 1, 1)


def test_no_referrals():
    assert compute_referrals(Book([Contact(row=2, id="A", name="A")], [], []), {}, TODAY,
                             make_config()) == []
    assert referrals_tab([], "en").rows == []


def test_layout_puts_referrers_above_and_handles_cycles():
    positions = layered_layout(referral_edges(cycle_book()))
    assert set(positions) == {"A", "B", "C", "D", "E"}
    # A pure cycle has no root: it starts at the smallest ID.
    assert positions["A"][1] > positions["B"][1] > positions["C"][1] > positions["D"][1]


def test_graph_png_written(tmp_path):
    book = cycle_book()
    out = tmp_path / "graph" / "referrals.png"
    referrers = compute_referrals(book, {}, TODAY, make_config())
    draw_referral_graph(book, out, referrers=referrers)
    data = out.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 5_000
    plain = tmp_path / "plain.png"
    draw_referral_graph(book, plain)  # influence from the graph alone
    assert plain.read_bytes().startswith(PNG_SIGNATURE)


def test_graph_png_for_an_empty_network(tmp_path):
    out = tmp_path / "empty.png"
    draw_referral_graph(Book([], [], []), out)
    assert out.read_bytes().startswith(PNG_SIGNATURE) and out.stat().st_size > 1_000
