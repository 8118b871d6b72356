"""Issue point 10, the smaller ones: Touchpoints on time after a light sync, one definition of
a contact (mass greetings and unanswered calls are none), a closing ahead is Under contract,
no SMS to a landline, solar terms on the day they begin where the contact lives."""

from __future__ import annotations

from datetime import date, timedelta

from tests.trust_books import TrustBook, person

TODAY = date(2026, 12, 2)
D = timedelta


def on_time(book: TrustBook) -> object:
    row = next(r for r in book.tab("Metrics") if r.get("Metric") == "Touchpoints on time")
    return row["Value"]


def test_touchpoints_on_time_counts_items_ticked_and_harvested_by_a_light_sync() -> None:
    book = TrustBook([person("C1", "Bob", stage="Prospect", tier_override="C",
                             last_contact=TODAY - D(days=12))])
    book.sync(TODAY)
    assert [(r["Touchpoint"], r["Rule"]) for r in book.today_rows()] == [
        ("Prospect follow-up (2-3 a month)", "cadence_prospect_c")]
    book.tick("C1", "Answered - viewing Sat")
    book.sync(TODAY, light=True)  # harvests the tick; the row stays, ticked, for today
    assert [(r["Done"], r["Outcome"], r["Rule"]) for r in book.today_rows()] == [
        (True, "Answered - viewing Sat", "cadence_prospect_c")]  # the ticked row keeps its Rule
    book.sync(TODAY + D(days=1))
    assert on_time(book) == 1.0
    assert [r["Touchpoint"] for r in book.tab("Interactions")] == [  # logged once, marked
        "Prospect follow-up (2-3 a month) [cadence_prospect_c]"]
    assert book.today_for("C1") == []  # yesterday's ticks are not carried on


def test_touchpoints_on_time_is_measured_when_a_light_sync_is_the_days_first() -> None:
    book = TrustBook([person("C1", "Bob", stage="Prospect", tier_override="C",
                             last_contact=TODAY - D(days=12))])
    book.sync(TODAY)
    book.tick("C1", "Answered")
    book.sync(TODAY + D(days=1), light=True)  # 00:05, before the nightly full sync
    assert on_time(book) == 1.0
    book.sync(TODAY + D(days=1))  # the night's full sync keeps the day's measure
    assert on_time(book) == 1.0


def test_a_holiday_greeting_is_no_contact_for_activity_or_the_cadence() -> None:
    book = TrustBook([person("C1", "Ana", stage="Closed", closing_date=date(2024, 1, 5),
                             last_contact=TODAY - D(days=200))])
    book.log(TODAY - D(days=2), "C1", "sms", "Holiday greeting – Merdeka [holiday_greeting]")
    book.log(TODAY - D(days=1), "C1", "sms", "节日祝福")
    result = book.sync(TODAY)
    assert book.contact_cells("C1")["Days since contact"] == 200
    assert [i.rule for i in result.today_items if i.rule.startswith("cadence")]


def test_no_answer_does_not_reset_cadences() -> None:
    book = TrustBook([person("C1", "Bob", stage="Prospect", tier_override="C",
                             last_contact=TODAY - D(days=12))])
    book.sync(TODAY)
    book.tick("C1", "No answer")
    result = book.sync(TODAY + D(days=1))
    assert [(i.rule, i.days_overdue) for i in result.today_items] == [
        ("cadence_prospect_c", 1)]
    assert book.contact_cells("C1")["Days since contact"] == 13


def test_a_future_closing_date_gives_under_contract_not_client() -> None:
    book = TrustBook([person("C1", "Chen", stage="Closed", closing_date=TODAY + D(days=10))])
    book.sync(TODAY)
    assert book.contact_cells("C1")["Lifecycle"] == "Under contract"


def test_sms_is_not_offered_to_a_landline() -> None:
    book = TrustBook([person("C1", "Office", phone="03-2123 4567",
                             birthday=date(1980, TODAY.month, TODAY.day),
                             last_contact=TODAY - D(days=5))])
    result = book.sync(TODAY)
    assert [(i.rule, i.channel) for i in result.today_items] == [("birthday", "call")]
    problems = [i.problem for i in result.book.issues if i.column == "Phone"]
    assert problems == ["The phone is a landline: 'Birthday greeting' goes by call instead of sms"]


def test_japanese_solar_terms_fall_on_their_day_in_japan() -> None:
    frost = date(2027, 10, 23)  # 霜降 2027 begins at 23:32 in Beijing, 00:32 on the 24th in Tokyo
    book = TrustBook([person("J1", "Sato", language="ja", country="JP",
                             last_contact=frost - D(days=5)),
                      person("Z1", "Wang", language="zh", country="CN",
                             last_contact=frost - D(days=5))])
    book.sync(frost)
    assert solar_terms_greeted(book) == [("Z1", frost)]
    book.sync(frost + D(days=1))
    assert ("J1", frost + D(days=1)) in solar_terms_greeted(book)


def solar_terms_greeted(book: TrustBook) -> list[tuple[str, date]]:
    """Solar-term tips are mass greetings: they are listed on the Greetings tab, not Today."""
    return [(r["Contact ID"], r["Due"]) for r in book.tab("Greetings")
            if r.get("Rule") == "solar_term"]
