"""Facts and tiers read by column give what the row-by-row reading gave."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sheets_sync.config import load_config
from sheets_sync.core import parse
from sheets_sync.core.classify import _cut_count, _descending, pareto_tiers
from sheets_sync.core.facts import build_facts
from sheets_sync.core.model import Book, Contact, Interaction


def plain_sort_tiers(scores: dict[Any, float], config: dict[str, Any],
                     tiebreak: dict[Any, tuple[Any, ...]]) -> dict[Any, str]:
    """The Pareto tiers as one sort over (score, tie-breakers, key) states them."""
    ranked = sorted(scores, key=lambda key: (-scores[key], _descending(tiebreak.get(key, ())),
                                             str(key)))
    a_count = _cut_count(float(config["tiers"]["a_share"]), len(ranked))
    ab_count = _cut_count(float(config["tiers"]["a_share"])
                          + float(config["tiers"]["b_share"]), len(ranked))
    return {key: "A" if place < a_count and scores[key] > 0
            else "B" if place < ab_count and scores[key] > 0 else "C"
            for place, key in enumerate(ranked)}


def test_pareto_tiers_rank_as_one_sort_over_score_tiebreak_and_key() -> None:
    config = load_config()
    draw = random.Random(7)
    for _ in range(200):
        size = draw.randint(0, 60)
        keys: list[Any] = [draw.choice([f"C{n}", n, f"c{n:03d}"]) for n in range(size)]
        scores = {key: draw.choice([0.0, -0.0, -1.0, 2.5, 2.5, 7.0, 10.0]) for key in keys}
        tiebreak = {key: (draw.randint(0, 2), draw.randint(0, 2),
                          date(2026, 1, 1) + timedelta(days=draw.randint(0, 3)))
                    for key in scores if draw.random() < 0.8}  # some keys have none
        got = pareto_tiers(scores, config, tiebreak)
        want = plain_sort_tiers(scores, config, tiebreak)
        assert got == want and list(got) == list(want)


def test_facts_per_contact_follow_the_row_when_rows_repeat() -> None:
    # Two contacts read on one row (a book built by hand): every fact by row reads the last
    # one, and the per-contact lists read it for both, as `facts.last_contact[row]` does.
    first = Contact(row=2, id="C1", name="Ann", last_contact=date(2026, 1, 5))
    second = Contact(row=2, id="C2", name="Bea", last_contact=date(2026, 3, 1))
    other = Contact(row=3, id="C3", name="Cy")
    book = Book([first, second, other], [Interaction(5, date(2026, 2, 1), "C3", "visit")], [])
    facts = build_facts(book, date(2026, 11, 23))
    lasts = facts.keys.per_contact(book, facts.last_contact)
    assert list(lasts) == [facts.last_contact[c.row] for c in book.contacts]
    assert list(lasts) == [date(2026, 3, 1), date(2026, 3, 1), date(2026, 2, 1)]
    assert list(facts.keys.per_contact(book, facts.visits)) == [0, 0, 1]


def test_id_keys_are_remembered_up_to_a_sheet_of_rows(monkeypatch: Any) -> None:
    monkeypatch.setattr(parse, "BOOK_ROWS", 3)
    monkeypatch.setattr(parse, "_ID_KEYS", {})
    for number in range(10):
        assert parse.id_key(f" Ｃ{number:04d} ") == f"c{number:04d}"
        assert len(parse._ID_KEYS) <= 3
    assert parse.id_key("'C0001") == "c0001" and parse.id_key(12.0) == "12"
