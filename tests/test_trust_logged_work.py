"""Issue point 2: work a person logs in Interactions in their own words counts for the
touchpoint it plainly is, and a person's text is never read as the tool's own marker."""

from __future__ import annotations

from datetime import date, timedelta

from tests.trust_books import EVERY_DAY, TrustBook, person

CLOSED = date(2026, 11, 27)


def rules_due(result, cid: str) -> list[str]:
    return [item.rule for item in result.today_items if item.contact_id == cid]


def referral_book() -> TrustBook:
    return TrustBook([person("C1", "Alice", stage="Closed", closing_date=date(2025, 6, 1)),
                      person("C2", "Bob", stage="Prospect", referred_by="C1")])


def test_hand_logged_referral_thanks_satisfies_the_thanks() -> None:
    book = referral_book()
    book.log(date(2026, 11, 25), "C2", "call", "First call")
    book.log(date(2026, 11, 25), "C1", "gift", "Referral thank-you gift — Replied, thanked us")
    result = book.sync(date(2026, 12, 2))
    assert "referral_thanks" not in rules_due(result, "C1")
    referrer = book.tab("Referrals")[0]
    assert (referrer["Last thanked"], referrer["Reward due"]) == (date(2026, 11, 25), "")


def test_a_thank_you_just_before_the_referred_persons_first_call_thanks_that_referral() -> None:
    book = referral_book()
    book.log(date(2026, 11, 25), "C1", "gift", "Referral thank-you gift")
    book.log(date(2026, 11, 26), "C2", "call", "First call")
    result = book.sync(date(2026, 11, 27))
    assert "referral_thanks" not in rules_due(result, "C1")
    assert book.tab("Referrals")[0]["Reward due"] == ""  # Today and Referrals agree


def test_a_row_the_tool_marked_for_another_rule_is_no_referral_thanks() -> None:
    book = referral_book()
    book.log(date(2026, 11, 26), "C2", "call", "First call")
    book.log(date(2026, 11, 26), "C1", "note", "Day-3 thank-you letter [drip_d3]")
    result = book.sync(date(2026, 11, 27))
    assert "referral_thanks" in rules_due(result, "C1")
    assert book.tab("Referrals")[0]["Last thanked"] is None


def closing_book() -> TrustBook:
    # CLOSED + 2 is a Sunday: an office open every day keeps drip day 1 on the day it is asked
    return TrustBook([person("C3", "Chen", stage="Closed", closing_date=CLOSED)],
                     settings=EVERY_DAY)


def test_hand_logged_congratulations_satisfies_the_closing_congratulations() -> None:
    book = closing_book()
    book.log(CLOSED, "C3", "call", "Signing — congratulations, call")
    result = book.sync(CLOSED)
    assert "closing_congrats" not in [item.rule for item in result.today_items]
    assert "closing_congrats" not in [i.rule for i in book.sync(CLOSED).today_items]


def test_hand_logged_day_1_call_satisfies_the_drip_day_1() -> None:
    book = closing_book()
    book.log(CLOSED, "C3", "call", "Congratulations on closing")
    book.log(CLOSED + timedelta(days=1), "C3", "call", "Day 1 personal call")
    result = book.sync(CLOSED + timedelta(days=4))
    assert rules_due(result, "C3") == ["drip_d3"]


def test_a_label_in_another_language_does_the_touchpoint() -> None:
    book = closing_book()
    book.log(CLOSED, "C3", "call", "成約当日のお祝い")
    book.log(CLOSED + timedelta(days=1), "C3", "call", "Hari 1: panggilan peribadi")
    assert rules_due(book.sync(CLOSED + timedelta(days=2)), "C3") == []


def test_day_14_words_are_not_day_1() -> None:
    book = closing_book()
    book.log(CLOSED, "C3", "call", "Congratulations on closing")
    book.log(CLOSED + timedelta(days=1), "C3", "call", "Day-14 check-in, early")
    assert rules_due(book.sync(CLOSED + timedelta(days=2)), "C3") == ["drip_d1"]


def life_event_book() -> TrustBook:
    return TrustBook([person("C5", "Eve", stage="Closed", closing_date=date(2025, 6, 1))])


def test_a_person_typing_life_event_is_not_read_as_the_tools_check_in() -> None:
    book = life_event_book()
    book.log(date(2026, 11, 20), "C5", "call", "Life event", notes="new baby girl")
    items = book.sync(date(2026, 11, 23)).today_items
    assert [(item.rule, item.label) for item in items] == [
        ("life_event", "Life-event check-in – new baby")]


def test_the_tools_own_life_event_check_in_raises_no_new_event() -> None:
    book = life_event_book()
    book.log(date(2026, 11, 20), "C5", "call", "Life event", notes="new baby girl")
    book.sync(date(2026, 11, 23))
    book.tick("C5")
    assert rules_due(book.sync(date(2026, 11, 24)), "C5") == []
    logged = book.tab("Interactions")[-1]
    assert logged["Touchpoint"] == "Life-event check-in – new baby [life_event]"


def test_a_note_kept_from_today_never_counts_as_its_touchpoint_done() -> None:
    book = closing_book()
    book.log(CLOSED, "C3", "call", "Congratulations on closing")
    book.log(CLOSED + timedelta(days=1), "C3", "",
             "Typed on Today, not ticked: Day-1 personal call or handwritten note [drip_d1]",
             notes="call back Tue 3pm")
    assert rules_due(book.sync(CLOSED + timedelta(days=2)), "C3") == ["drip_d1"]
