"""Issue point 6: the one-item-per-contact rule never pushes a same-day item to another day,
and a missed drip step expires instead of delaying the rest of the sequence."""

from __future__ import annotations

from datetime import date, timedelta

from tests.trust_books import EVERY_DAY, TrustBook, person

SIGNING = date(2026, 12, 2)
D = timedelta


def listed(result, cid: str) -> list[tuple[str, date]]:
    return [(item.rule, item.due) for item in result.today_items if item.contact_id == cid]


def test_a_first_visit_on_signing_day_keeps_the_signing_congratulations_on_the_day() -> None:
    book = TrustBook([person("C1", "Farah", stage="Under contract")])
    book.log(SIGNING, "C1", "visit", "Site visit", outcome="Signed the contract")
    rows = listed(book.sync(SIGNING), "C1")
    assert sorted(rows) == [("event_first_visit", SIGNING), ("event_signing", SIGNING)]
    assert len(book.today_for("C1")) == 2  # one row each, so each is ticked and logged


def test_a_birthday_on_drip_day_1_is_greeted_on_the_day() -> None:
    closed = SIGNING - D(days=1)
    book = TrustBook([person("C1", "Chen", stage="Closed", closing_date=closed,
                             birthday=date(1980, SIGNING.month, SIGNING.day))])
    book.log(closed, "C1", "call", "Congratulations on closing")
    assert listed(book.sync(SIGNING), "C1") == [("drip_d1", SIGNING), ("birthday", SIGNING)]


def test_a_hand_logged_item_of_one_row_leaves_the_other_same_day_row() -> None:
    book = TrustBook([person("C1", "Farah", stage="Under contract")])
    book.log(SIGNING, "C1", "visit", "Site visit", outcome="Signed the contract")
    book.sync(SIGNING)
    book.log(SIGNING, "C1", "sms", "Congratulations on signing")
    assert listed(book.sync(SIGNING), "C1") == [("event_first_visit", SIGNING)]


def test_a_missed_drip_item_does_not_delay_day_14() -> None:
    closed = date(2026, 11, 1)  # day 14 is a Sunday: an office open every day keeps it there
    book = TrustBook([person("C1", "Chen", stage="Closed", closing_date=closed)],
                     settings=EVERY_DAY)
    book.log(closed, "C1", "call", "Congratulations on closing")
    seen: dict[str, date] = {}
    for day in range(1, 23):  # a daily sync; the agent ticks nothing
        for rule, _due in listed(book.sync(closed + D(days=day)), "C1"):
            seen.setdefault(rule, closed + D(days=day))
    assert seen["drip_d14"] == closed + D(days=14)
    assert [seen[k] - closed for k in ("drip_d1", "drip_d3", "drip_d7")] == [
        D(days=1), D(days=3), D(days=7)]


def test_same_day_items_are_one_row_per_rule() -> None:
    book = TrustBook([person("R1", "Rina", stage="Closed", closing_date=date(2025, 6, 1),
                             birthday=date(1980, SIGNING.month, SIGNING.day)),
                      person("C1", "Ali", stage="Prospect", referred_by="R1"),
                      person("C2", "Bee", stage="Prospect", referred_by="R1")])
    book.log(SIGNING, "C1", "call", "First call")
    book.log(SIGNING, "C2", "call", "First call")
    rows = [rule for rule, _ in listed(book.sync(SIGNING), "R1")]
    assert sorted(rows) == ["birthday", "referral_thanks"]
