"""Issue points 3, 5 and 7: a closing is a contact, Lost is a label and not a mute, and a
win-back leads on to a cadence (with the Service apology on the manager's list)."""

from __future__ import annotations

from datetime import date, timedelta

from tests.trust_books import TrustBook, person

TODAY = date(2026, 12, 2)
D = timedelta


def items_of(result, cid: str) -> list[str]:
    return [item.rule for item in result.today_items if item.contact_id == cid]


# --- Point 5: the closing is a contact ---------------------------------------------------------

def test_a_closing_counts_as_the_last_contact() -> None:
    book = TrustBook([person("C1", "Chen", stage="Closed", closing_date=TODAY - D(days=5))])
    book.sync(TODAY)
    cells = book.contact_cells("C1")
    assert (cells["Activity"], cells["Days since contact"]) == ("Active", 5)


def test_a_closing_restarts_the_cadence_so_no_check_in_rolls_due_every_day() -> None:
    closed = TODAY - D(days=5)
    book = TrustBook([person("C1", "Chen", stage="Closed", closing_date=closed)])
    for step, offset in (("closing_congrats", 0), ("drip_d1", 1), ("drip_d3", 3)):
        book.log(closed + D(days=offset), "C1", "call", f"x [{step}]")
    for day in range(3):
        result = book.sync(TODAY + D(days=day))
        assert not [r for r in items_of(result, "C1") if r.startswith("cadence")]


# --- Point 3: nobody silently dropped ----------------------------------------------------------

def lost_advocate(last_contact: date, **cells: object) -> list:
    values = {"nps": 10, "circle": "Advocate", **cells}
    return person("C1", "Ana", stage="Closed", closing_date=date(2023, 11, 1),
                  last_contact=last_contact, **values)


def test_a_lost_client_keeps_a_long_term_tracking_cadence() -> None:
    book = TrustBook([lost_advocate(TODAY - D(days=6))])
    book.sync(TODAY)
    cells = book.contact_cells("C1")
    assert cells["Lifecycle"] == "Lost" and cells["Tier"] != "D"
    later = book.sync(TODAY + D(days=84))
    assert items_of(later, "C1") == ["cadence_lost"]
    assert later.today_items[0].label == "Long-term tracking update (quarterly)"


def test_a_lost_client_gets_the_90_day_reconnect() -> None:
    slower = {"touchpoints": {"rules": {"cadence_lost": {"interval_days": 180}}}}
    book = TrustBook([lost_advocate(TODAY - D(days=114), nps=9, circle="Core Advocate")],
                     settings=slower)
    assert items_of(book.sync(TODAY), "C1") == ["reconnect"]


def test_a_contact_no_cadence_reaches_is_still_touched_within_180_days() -> None:
    book = TrustBook([person("C1", "Walk-in", circle="General Public",
                             last_contact=TODAY - D(days=180)),
                      person("C2", "In a deal", stage="Under contract",
                             last_contact=TODAY - D(days=180))])
    result = book.sync(TODAY)
    assert items_of(result, "C1") == items_of(result, "C2") == ["keep_in_touch"]


def test_do_not_contact_still_gets_nothing() -> None:
    book = TrustBook([lost_advocate(TODAY - D(days=200), do_not_contact="yes")])
    result = book.sync(TODAY)
    assert items_of(result, "C1") == [] and book.contact_cells("C1")["Next touch"] is None


# --- Point 7: win-back leads on ----------------------------------------------------------------

def test_a_lost_contact_with_no_contact_date_still_gets_a_win_back() -> None:
    book = TrustBook([person("C1", "Pricey", stage="Prospect", lost_reason="Price")])
    assert items_of(book.sync(TODAY), "C1") == ["winback_price"]


def test_after_the_win_back_the_contact_is_followed_as_a_prospect_with_a_cadence() -> None:
    book = TrustBook([person("C1", "Pricey", stage="Prospect", lost_reason="Price")])
    book.sync(TODAY)
    book.tick("C1", "Answered - will look at the offers")
    book.sync(TODAY + D(days=1))
    cells = book.contact_cells("C1")
    assert cells["Days since contact"] == 1
    assert items_of(book.sync(TODAY + D(days=90)), "C1") == ["cadence_lost"]


def test_a_service_win_back_goes_to_the_manager() -> None:
    book = TrustBook([person("C1", "Angry", stage="Lost", lost_reason="Service",
                             last_contact=TODAY - D(days=20))],
                     settings={"general": {"manager": "Puan Rosnah"}})
    result = book.sync(TODAY)
    assert [(i.rule, i.owner) for i in result.today_items] == [("winback_service",
                                                                "Puan Rosnah")]
    assert [row["Owner"] for row in book.today_rows()] == ["Puan Rosnah"]


def test_a_service_win_back_stays_with_the_agent_while_no_manager_is_set() -> None:
    book = TrustBook([person("C1", "Angry", stage="Lost", lost_reason="Service",
                             last_contact=TODAY - D(days=20))])
    assert [i.owner for i in book.sync(TODAY).today_items] == ["Mei"]
