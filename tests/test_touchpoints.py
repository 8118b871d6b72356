"""Rule-by-rule tests of the cadence engine (SPEC §4) with a frozen today = 2026-11-23."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from test_touch_fixtures import (
    TODAY,
    birthday,
    book,
    cls,
    config,
    contact,
    interaction,
    plan,
    rules_of,
    sale,
)

from sheets_sync.core import calendars
from sheets_sync.core.touchpoints import (
    due_touchpoints,
    next_touches,
    parse_rules,
    today_list,
    upcoming,
)
from sheets_sync.errors import ConfigError

D = timedelta


def test_every_default_rule_of_spec_4_is_shipped() -> None:
    keys = {rule.key for rule in parse_rules(config())}
    assert {"drip_d1", "drip_d3", "drip_d7", "drip_d14", "drip_d30", "drip_m3"} <= keys
    assert {f"cadence_{who}_{tier}" for who in ("client", "sphere") for tier in "abc"} <= keys
    assert {f"cadence_prospect_{tier}" for tier in "abc"} | {"milestone_prospect_d"} <= keys
    assert {"reconnect", "birthday", "lunar_birthday", "birthday_gift", "home_anniversary",
            "holiday_greeting", "solar_term", "winback_price", "winback_amenities",
            "winback_service", "referral_thanks", "top_referrer", "life_event",
            "event_first_call", "event_first_visit", "event_signing", "closing_congrats"} <= keys


# --- Post-closing drip -------------------------------------------------------------------------

DRIP = [("drip_d1", 1), ("drip_d3", 3), ("drip_d7", 7), ("drip_d14", 14), ("drip_d30", 30)]


@pytest.mark.parametrize(("step", "days"), DRIP)
def test_drip_step_is_due_on_its_day_once_earlier_steps_are_done(step: str, days: int) -> None:
    closed = TODAY - D(days=days)
    done = [interaction("C1", closed, "Congratulations on closing [closing_congrats]")]
    for earlier, offset in DRIP:
        if offset < days:
            done.append(interaction("C1", closed + D(days=offset), f"x [{earlier}]"))
    b = book([contact(2, "C1")], done, [sale("C1", closed)])
    items = plan(b, {2: cls("B", "Client")}).today
    assert [(i.rule, i.due, i.days_overdue) for i in items] == [(step, TODAY, 0)]


def test_month_3_market_update_counts_calendar_months() -> None:
    closed = date(2026, 8, 23)
    done = [interaction("C1", closed + D(days=d), f"x [{k}]") for k, d in DRIP]
    b = book([contact(2, "C1")], done, [sale("C1", closed)])
    items = plan(b, {2: cls("B", "Client")}).today
    assert [(i.rule, i.due) for i in items] == [("drip_m3", date(2026, 11, 23))]


def test_a_missed_drip_step_expires_when_the_next_falls_due() -> None:
    closed = TODAY - D(days=3)  # day 1 was never done; day 3 falls due today
    b = book([contact(2, "C1")], [interaction("C1", closed, "[closing_congrats]")],
             [sale("C1", closed)])
    result = plan(b, {2: cls("A", "Client")})
    assert "drip_d1" not in rules_of(result.due)
    assert [(i.rule, i.days_overdue) for i in result.today] == [("drip_d3", 0)]


def test_day_7_resources_differ_for_buyers_and_sellers() -> None:
    closed = TODAY - D(days=7)
    done = [interaction(c, closed + D(days=d), f"[{k}]") for c in ("B1", "S1")
            for k, d in [("closing_congrats", 0), *DRIP[:2]]]
    b = book([contact(2, "B1"), contact(3, "S1")], done,
             [sale("B1", closed, "buy"), sale("S1", closed, "sell")])
    items = {i.contact_id: i for i in plan(b, {2: cls(), 3: cls()}).today}
    assert items["B1"].rule == items["S1"].rule == "drip_d7"
    assert "plumbers" in items["B1"].message and "movers" in items["S1"].message
    assert items["B1"].label != items["S1"].label


def test_day_30_asks_for_a_review_and_a_referral() -> None:
    closed = TODAY - D(days=30)
    done = [interaction("C1", closed + D(days=d), f"[{k}]") for k, d in DRIP[:4]]
    b = book([contact(2, "C1", "Sarah Tan", owner="Ali")], done, [sale("C1", closed)])
    item = plan(b, {2: cls()}).today[0]
    assert item.rule == "drip_d30"
    assert "review" in item.message and "buying or selling" in item.message
    assert item.message.startswith("Hi Sarah,") and "Ali" in item.message
    assert item.touchpoint == "First-month check-in, review and referral ask [drip_d30]"


def test_old_closings_do_not_start_a_drip() -> None:
    b = book([contact(2, "C1")], [], [sale("C1", date(2019, 5, 1))])
    assert not [r for r in rules_of(plan(b, {2: cls()}).due) if r.startswith("drip")]


# --- Cadences, reconnect -----------------------------------------------------------------------

@pytest.mark.parametrize(("tier", "lifecycle", "stage", "circle", "interval", "rule"), [
    ("A", "Client", "Closed", None, 30, "cadence_client_a"),
    ("B", "Past client", "Closed", None, 90, "cadence_client_b"),
    ("C", "Client", "Closed", None, 180, "cadence_client_c"),
    ("A", "Prospect", None, "Network", 30, "cadence_sphere_a"),
    ("C", "Prospect", None, "Advocate", 180, "cadence_sphere_c"),
    ("A", "Prospect", "Prospect", None, 1, "cadence_prospect_a"),
    ("B", "Prospect", "Lead", None, 3, "cadence_prospect_b"),
    ("C", "Prospect", "Prospect", None, 12, "cadence_prospect_c"),
])
def test_tier_cadence_counts_from_the_last_contact(tier: str, lifecycle: str, stage: str | None,
                                                   circle: str | None, interval: int,
                                                   rule: str) -> None:
    cfg = config()
    classes = {2: cls(tier, lifecycle)}
    for last, due in ((TODAY - D(days=interval), True), (TODAY - D(days=interval - 1), False)):
        person = contact(2, "C1", stage=stage, circle=circle, last_contact=last)
        result = plan(book([person]), classes, cfg=cfg)
        assert (rule in rules_of(result.due)) is due
        if not due:
            assert result.next_touch["c1"][1] == last + D(days=interval)


def test_last_contact_is_the_later_of_the_column_and_the_interactions() -> None:
    person = contact(2, "C1", last_contact=TODAY - D(days=40))
    talk = interaction("C1", TODAY - D(days=10), "Chat", channel="call")
    result = plan(book([person], [talk]), {2: cls("A", "Client")})
    assert "cadence_client_a" not in rules_of(result.due)
    assert result.next_touch["c1"] == ("Monthly check-in", TODAY + D(days=20))


def test_overdue_cadence_stays_due_and_grows_until_done() -> None:
    person = contact(2, "C1", last_contact=TODAY - D(days=35))
    b = book([person])
    for extra in (0, 1, 2):
        item = plan(b, {2: cls("A", "Client")}, today=TODAY + D(days=extra)).today[0]
        assert (item.rule, item.days_overdue) == ("cadence_client_a", 5 + extra)
    b.interactions.append(interaction("C1", TODAY + D(days=2), item.touchpoint))
    assert plan(b, {2: cls("A", "Client")}, today=TODAY + D(days=3)).today == []


def test_d_prospects_only_hear_from_us_at_marketing_milestones() -> None:
    # Contacted lately: keep_in_touch only calls once 180 days pass without contact.
    person = contact(2, "C1", stage="Prospect", last_contact=TODAY - D(days=30))
    cfg = config()
    assert plan(book([person]), {2: cls("D", "Prospect")}, cfg=cfg).due == []
    cfg["touchpoints"]["rules"]["milestone_prospect_d"]["dates"] = [
        {"date": "2026-11-23", "name": "Phase 2 launch"}]
    items = plan(book([person]), {2: cls("D", "Prospect")}, cfg=cfg).today
    assert rules_of(items) == ["milestone_prospect_d"]
    assert "Phase 2 launch" in items[0].message and "Phase 2 launch" in items[0].label


def test_reconnect_after_90_days_replaces_the_routine_cadence() -> None:
    person = contact(2, "C1", last_contact=TODAY - D(days=95))
    due = rules_of(plan(book([person]), {2: cls("A", "Client")}).due)
    assert "reconnect" in due and "cadence_client_a" not in due
    # C clients are on a 180-day cadence on purpose: no 90-day reconnect for them.
    assert rules_of(plan(book([person]), {2: cls("C", "Client")}).due) == []


# --- Personal dates ----------------------------------------------------------------------------

def test_birthday_on_the_day_stays_due_a_week_then_expires() -> None:
    cfg = config()
    for born, overdue in ((TODAY, 0), (TODAY - D(days=3), 3), (TODAY - D(days=8), None)):
        person = contact(2, "C1", "Mei Ling", birthday=birthday(born.month, born.day, 1990),
                         last_contact=TODAY)
        items = [i for i in plan(book([person]), {2: cls("B")}, cfg=cfg).due
                 if i.rule == "birthday"]
        assert [i.days_overdue for i in items] == ([] if overdue is None else [overdue])
    assert "Happy birthday, Mei!" in items[0].message if items else True


def test_29_february_birthday_falls_on_28_february_in_common_years() -> None:
    person = contact(2, "C1", birthday=birthday(2, 29), last_contact=date(2027, 2, 28))
    items = plan(book([person]), {2: cls("B")}, today=date(2027, 2, 28)).today
    assert rules_of(items) == ["birthday"]


def test_lunar_birthday_is_converted_to_this_years_solar_date() -> None:
    # Lunar 8/15 (the Mid-Autumn day) is 25 September 2026 (see test_calendars for the source).
    person = contact(2, "C1", "陈美玲", language="zh", country="MY", birthday=birthday(8, 15),
                     lunar_birthday=True, last_contact=date(2026, 9, 20))
    b = book([person])
    soon = plan(b, {2: cls("B")}, today=date(2026, 9, 21), upcoming_days=30).upcoming
    assert [i.due for i in soon if i.rule == "lunar_birthday"] == [date(2026, 9, 25)]
    items = plan(b, {2: cls("B")}, today=date(2026, 9, 25)).today
    assert rules_of(items) == ["lunar_birthday"]
    assert items[0].message.startswith("陈美玲") and "农历生日" in items[0].message
    # The solar-birthday rule ignores a lunar birthday and vice versa.
    assert "birthday" not in rules_of(plan(b, {2: cls("B")}, today=date(2026, 8, 15)).due)


def test_a_tier_gets_a_gift_reminder_three_weeks_before_the_birthday() -> None:
    coming = TODAY + D(days=21)
    person = contact(2, "C1", birthday=birthday(coming.month, coming.day), last_contact=TODAY)
    assert rules_of(plan(book([person]), {2: cls("A")}).due) == ["birthday_gift"]
    assert rules_of(plan(book([person]), {2: cls("B")}).due) == []


def test_home_anniversary_yearly_with_years_in_the_home() -> None:
    person = contact(2, "C1", "Ahmad Faiz", last_contact=TODAY)
    b = book([person], [], [sale("C1", date(2023, 11, 23), "buy")])
    items = plan(b, {2: cls("B", "Past client")}).today
    assert rules_of(items) == ["home_anniversary"]
    assert "Happy 3-year home anniversary, Ahmad!" in items[0].message
    assert items[0].label == "Home anniversary – 3 yr"
    sold = book([person], [], [sale("C1", date(2023, 11, 23), "sell")])
    assert rules_of(plan(sold, {2: cls("B", "Past client")}).due) == []


# --- Greetings ---------------------------------------------------------------------------------

def test_public_holiday_greeting_in_the_contacts_language_and_country() -> None:
    cn = contact(2, "C1", "王伟", language="zh", country="CN", last_contact=date(2026, 10, 1))
    items = plan(book([cn]), {2: cls("B")}, today=date(2026, 10, 1)).today
    assert rules_of(items) == ["holiday_greeting"]
    assert "国庆快乐" in items[0].message and items[0].label == "Holiday greeting – National Day"
    # Children's Day is no public holiday in the package; the CN rule adds it.
    items = plan(book([cn]), {2: cls("B")}, today=date(2026, 6, 1)).today
    assert "儿童节" in items[0].message
    # Malaysia: Deepavali is kept by the states (subdiv 14); a blank Country uses the default.
    my = contact(3, "C2", "Priya", country="", last_contact=date(2026, 11, 8),
                 festivals="Deepavali")  # a religious day: greeted when the cell names it
    items = plan(book([my]), {3: cls("B")}, today=date(2026, 11, 8)).today
    assert rules_of(items) == ["holiday_greeting"] and "Deepavali" in items[0].message


def test_holiday_greeting_expires_after_its_grace_days() -> None:
    cn = contact(2, "C1", language="zh", country="CN", last_contact=date(2026, 10, 1))
    assert rules_of(plan(book([cn]), {2: cls("B")}, today=date(2026, 10, 4)).due) == [
        "holiday_greeting"]
    assert rules_of(plan(book([cn]), {2: cls("B")}, today=date(2026, 10, 5)).due) == []


def test_solar_term_greeting_with_its_health_tip() -> None:
    # 小雪 2026 is on 22 November; by the 23rd it is one day overdue.
    zh = contact(2, "C1", "李娜", language="zh", country="CN", last_contact=TODAY)
    item = plan(book([zh]), {2: cls("B")}).today[0]
    assert (item.rule, item.due, item.days_overdue) == ("solar_term", date(2026, 11, 22), 1)
    assert "小雪" in item.message and "注意保暖" in item.message
    en = contact(2, "C1", language="en", country="CN", last_contact=TODAY)
    assert "solar_term" not in rules_of(plan(book([en]), {2: cls("B")}).due)


# --- Same-day events, life events ---------------------------------------------------------------

def test_first_call_gets_directions_and_first_visit_a_thank_you_same_day() -> None:
    person = contact(2, "C1", stage="Lead")
    cfg = config(office_address="12 Jalan Ampang, KL")
    call = interaction("C1", TODAY, "Inquiry about Block B", channel="call")
    items = plan(book([person], [call]), {2: cls("B", "Prospect")}, cfg=cfg).today
    assert (items[0].rule, items[0].channel) == ("event_first_call", "sms")
    assert "12 Jalan Ampang, KL" in items[0].message
    visit = interaction("C1", TODAY, "Show unit", channel="visit")
    items = plan(book([person], [call, visit]), {2: cls("B", "Prospect")}, cfg=cfg).due
    assert {"event_first_call", "event_first_visit"} <= set(rules_of(items))
    # A day later the moment has passed.
    later = plan(book([person], [call]), {2: cls("B", "Prospect")}, today=TODAY + D(days=2))
    assert "event_first_call" not in rules_of(later.due)


def test_a_call_the_tool_scheduled_is_not_a_first_call_event() -> None:
    person = contact(2, "C1", stage="Lead")
    ours = interaction("C1", TODAY, "Daily prospect follow-up [cadence_prospect_a]")
    assert "event_first_call" not in rules_of(plan(book([person], [ours]),
                                                   {2: cls("A", "Prospect")}).due)


def test_signing_noted_in_interactions_gets_congratulations_same_day() -> None:
    person = contact(2, "C1", "张强", language="zh", country="CN")
    note = interaction("C1", TODAY, "电话", channel="call", notes="今天签约了，很开心")
    items = plan(book([person], [note]), {2: cls("B", "Under contract")}).today
    assert rules_of(items) == ["event_signing"] and "签约" in items[0].message


@pytest.mark.parametrize(("lang", "note", "kind_word"), [
    ("en", "Mentioned they just had a baby girl", "new baby"),
    ("zh", "客户说老婆怀孕了", "喜得宝宝"),
    ("ja", "先月昇進されたとのこと", "ご昇進"),
    ("ms", "Dia baru diberhentikan kerja", "perubahan kerja"),
    ("en", "They are moving to Penang next year", "moving"),
])
def test_life_events_in_interactions_lead_to_a_check_in(lang: str, note: str,
                                                        kind_word: str) -> None:
    person = contact(2, "C1", "Lee", language=lang, last_contact=TODAY - D(days=1))
    noted = interaction("C1", TODAY - D(days=1), "Quarterly check-in [cadence_client_b]",
                        notes=note)
    items = plan(book([person], [noted]), {2: cls("B")}, lang=lang).today
    assert rules_of(items) == ["life_event"]
    assert items[0].label.endswith(kind_word) and items[0].lang == lang


def test_our_own_life_event_check_in_does_not_trigger_another() -> None:
    person = contact(2, "C1", last_contact=TODAY)
    notes = [interaction("C1", TODAY - D(days=5), "Call", notes="New baby arrived!"),
             interaction("C1", TODAY - D(days=4), "Life-event check-in – new baby [life_event]",
                         notes="Baby and mum doing well")]
    assert "life_event" not in rules_of(plan(book([person], notes), {2: cls("B")}).due)


# --- Referrals ---------------------------------------------------------------------------------

def test_thanks_for_a_new_referral_is_not_absorbed_by_an_old_expired_one() -> None:
    referrer = contact(2, "R1", "Sarah", last_contact=TODAY)
    old = contact(3, "N1", "Tom", referred_by="R1")
    new = contact(4, "N2", "Ana", referred_by="R1")
    b = book([referrer, old, new], [interaction("N1", TODAY - D(days=400), "Inquiry"),
                                    interaction("N2", TODAY - D(days=1), "Inquiry")])
    classes = {2: cls("B"), 3: cls("B", "Prospect"), 4: cls("B", "Prospect")}
    item = [i for i in plan(b, classes).today if i.contact_id == "R1"][0]
    assert "Ana" in item.message
    b.interactions.append(interaction("R1", TODAY, item.touchpoint))
    later = plan(b, classes, TODAY + D(days=1))
    assert "referral_thanks" not in rules_of(later.due, "R1")


def test_referral_thanks_within_48_hours_with_the_reward_tier() -> None:
    referrer = contact(2, "R1", "Sarah", last_contact=TODAY)
    first = contact(3, "N1", "Tom", referred_by="R1")
    b = book([referrer, first], [interaction("N1", TODAY - D(days=1), "Inquiry")])
    classes = {2: cls("B"), 3: cls("B", "Prospect")}
    item = [i for i in plan(b, classes).today if i.contact_id == "R1"][0]
    assert (item.rule, item.days_overdue) == ("referral_thanks", 1)
    assert "Tom" in item.message
    assert item.label.endswith("referred Tom; First referral: Thank-you gift (25–50)")
    b.interactions.append(interaction("R1", TODAY, item.touchpoint))
    second = contact(4, "N2", "Ana", referred_by="R1")
    b.contacts.append(second)
    b.interactions.append(interaction("N2", TODAY, "Inquiry"))
    classes[4] = cls("B", "Prospect")
    items = [i for i in plan(b, classes).due if i.contact_id == "R1"]
    assert [i.rule for i in items] == ["referral_thanks"]
    assert items[0].label.endswith("Repeat referrer: Gift (75–100) or invitation to the annual "
                                   "appreciation event")
    assert "Ana" in items[0].message
    cfg = config()  # the rule may carry its own tiers
    cfg["touchpoints"]["rules"]["referral_thanks"]["rewards"] = [
        {"min_referrals": 1, "name": "Any", "reward": "Coffee voucher"}]
    item = [i for i in plan(b, classes, cfg=cfg).due if i.contact_id == "R1"][0]
    assert item.label.endswith("Any: Coffee voucher")


def test_top_referrer_is_recognised_once_a_year() -> None:
    people = [contact(2, "R1", "Sarah", last_contact=date(2027, 1, 10)),
              contact(3, "R2", "Ken", last_contact=date(2027, 1, 10))]
    logs = []
    for n in range(3):
        people.append(contact(10 + n, f"N{n}", referred_by="R1"))
        logs.append(interaction(f"N{n}", date(2026, 3 + n, 1), "Inquiry"))
        logs.append(interaction("R1", date(2026, 3 + n, 1), "[referral_thanks]"))
    people.append(contact(20, "N9", referred_by="R2"))
    logs += [interaction("N9", date(2026, 5, 1), "Inquiry"),
             interaction("R2", date(2026, 5, 1), "[referral_thanks]")]
    classes = {c.row: cls("B") for c in people}
    due = plan(book(people, logs), classes, today=date(2027, 1, 10)).due
    assert [(i.contact_id, i.rule) for i in due if i.rule == "top_referrer"] == [
        ("R1", "top_referrer")]


# --- Win-back ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("reason", "rule", "words", "channel"), [
    ("Price", "winback_price", "offers", "sms"),
    ("Amenities", "winback_amenities", "schools and malls", "sms"),
    ("Service", "winback_service", "sorry", "call"),
])
def test_win_back_by_lost_reason_once(reason: str, rule: str, words: str, channel: str) -> None:
    person = contact(2, "C1", lost_reason=reason, stage="Lost", last_contact=TODAY - D(days=60))
    b = book([person])
    items = plan(b, {2: cls("D", "Lost")}).today
    assert (items[0].rule, items[0].channel) == (rule, channel) and words in items[0].message
    b.interactions.append(interaction("C1", TODAY, items[0].touchpoint))
    later = plan(b, {2: cls("D", "Lost")}, today=TODAY + D(days=200))
    assert rule not in rules_of(later.due) and rule not in str(later.next_touch)


# --- Never, fallbacks --------------------------------------------------------------------------

def test_do_not_contact_gets_nothing_at_all() -> None:
    person = contact(2, "C1", do_not_contact=True, birthday=birthday(TODAY.month, TODAY.day))
    result = plan(book([person], [], [sale("C1", TODAY - D(days=1))]), {2: cls("A")})
    assert (result.due, result.today, result.next_touch, result.issues) == ([], [], {}, [])


def test_missing_phone_falls_back_to_email_with_an_issue() -> None:
    person = contact(2, "C1", phone=None, last_contact=TODAY - D(days=30))
    result = plan(book([person]), {2: cls("A", "Client")})
    item = result.today[0]
    assert (item.rule, item.channel, item.fallback_from) == ("cadence_client_a", "email", "call")
    assert [(i.tab, i.row, i.column) for i in result.issues] == [("Contacts", 2, "Phone")]


def test_rule_fallback_order_is_configurable() -> None:
    closed = TODAY - D(days=1)
    person = contact(2, "C1", phone=None)
    b = book([person], [interaction("C1", closed, "[closing_congrats]", channel="visit")],
             [sale("C1", closed)])
    assert plan(b, {2: cls("B")}).today[0].channel == "note"  # drip_d1: handwritten note
    cfg = config()
    cfg["touchpoints"]["rules"]["drip_d1"]["fallback"] = ["email"]
    assert plan(b, {2: cls("B")}, cfg=cfg).today[0].channel == "email"


def test_no_usable_channel_means_no_touchpoint_and_an_issue() -> None:
    person = contact(2, "C1", phone=None, email=None, last_contact=TODAY - D(days=400))
    result = plan(book([person]), {2: cls("A", "Client")})
    assert result.due == [] and "c1" not in result.next_touch
    assert [(i.row, i.column) for i in result.issues] == [(2, "Phone")]
    cfg = config(phone_channels=["call", "sms"], require_phone_or_email=False)
    cfg["touchpoints"]["rules"]["cadence_client_a"]["fallback"] = ["sms"]
    result = plan(book([person]), {2: cls("A", "Client")}, cfg=cfg)
    assert result.due == [] and result.issues[0].column == "Phone"


# --- Done recognition, priority ----------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "First-month check-in, review and referral ask [drip_d30]",  # what the tool writes
    "anything at all [drip_d30]",  # the key in brackets decides
    "First-month check-in, review and referral ask",  # a person typed the exact label
    "满月回访：邀请评价及转介绍",  # … in Chinese
    "drip_d30",  # or the key itself
])
def test_a_done_step_is_not_proposed_again(typed: str) -> None:
    closed = TODAY - D(days=32)
    done = [interaction("C1", closed + D(days=d), f"[{k}]") for k, d in DRIP[:4]]
    done.append(interaction("C1", TODAY - D(days=1), typed))
    result = plan(book([contact(2, "C1")], done, [sale("C1", closed)]), {2: cls("B")})
    assert "drip_d30" not in rules_of(result.due)


def test_an_unrelated_label_does_not_count_as_done() -> None:
    closed = TODAY - D(days=30)
    done = [interaction("C1", closed + D(days=d), f"[{k}]") for k, d in DRIP[:4]]
    done.append(interaction("C1", TODAY, "Coffee catch-up, asked about the garden"))
    result = plan(book([contact(2, "C1")], done, [sale("C1", closed)]), {2: cls("B")})
    assert "drip_d30" in rules_of(result.due)


def test_one_item_per_contact_most_urgent_first_and_the_rest_queued() -> None:
    closed = TODAY - D(days=1)
    person = contact(2, "C1", birthday=birthday(TODAY.month, TODAY.day))
    b = book([person], [interaction("C1", closed, "[closing_congrats]")], [sale("C1", closed)])
    cfg = config()  # a birthday that is not same_day queues like any other item
    cfg["touchpoints"]["rules"]["birthday"]["same_day"] = False
    result = plan(b, {2: cls("A")}, cfg=cfg)
    assert set(rules_of(result.due)) == {"drip_d1", "birthday"}
    assert rules_of(result.today) == ["drip_d1"]  # rule priority 60 > 50
    b.interactions.append(interaction("C1", TODAY, result.today[0].touchpoint))
    later = plan(b, {2: cls("A")}, today=TODAY + D(days=1), cfg=cfg)
    assert rules_of(later.today) == ["birthday"]


def test_a_same_day_item_is_listed_beside_the_most_urgent_one() -> None:
    closed = TODAY - D(days=1)
    person = contact(2, "C1", birthday=birthday(TODAY.month, TODAY.day))
    b = book([person], [interaction("C1", closed, "[closing_congrats]")], [sale("C1", closed)])
    assert rules_of(plan(b, {2: cls("A")}).today) == ["drip_d1", "birthday"]


def test_priority_is_tier_weight_times_rule_priority_plus_overdue() -> None:
    people = [contact(2, "A1", last_contact=TODAY - D(days=30)),
              contact(3, "C1", last_contact=TODAY - D(days=190)),
              contact(4, "B1", last_contact=TODAY - D(days=90))]
    classes = {2: cls("A", "Client"), 3: cls("C", "Client"), 4: cls("B", "Client")}
    items = plan(book(people), classes).today
    # A: 4 × (10 + 0); B: 3 × (10 + 0); C: 2 × (10 + 0.5 × 10); B before C on the tie.
    assert [(i.contact_id, i.priority) for i in items] == [("A1", 40.0), ("B1", 30.0),
                                                           ("C1", 30.0)]
    cfg = config()
    cfg["priority"]["tier_weight"]["C"] = 10.0
    assert plan(book(people), classes, cfg=cfg).today[0].contact_id == "C1"


def test_ties_go_to_tier_a_first() -> None:
    people = [contact(2, "B1", "Zed", last_contact=TODAY - D(days=30)),
              contact(3, "A1", "Amy", last_contact=TODAY - D(days=30))]
    cfg = config()
    cfg["priority"]["tier_weight"] = {"A": 1.0, "B": 1.0, "C": 1.0, "D": 1.0}
    cfg["touchpoints"]["rules"]["cadence_client_b"]["interval_days"] = 30
    items = plan(book(people), {2: cls("B", "Client"), 3: cls("A", "Client")}, cfg=cfg).today
    assert [i.contact_id for i in items] == ["A1", "B1"]


# --- Public API wrappers, messages, config -----------------------------------------------------

def test_public_functions_agree_with_the_plan() -> None:
    # Festivals named: a blank cell would greet Malaysia's national days only.
    people = [contact(2, "C1", last_contact=TODAY - D(days=31), birthday=birthday(12, 25),
                      festivals="Christmas, New Year"),
              contact(3, "C2", do_not_contact=True)]
    b, classes, cfg = book(people), {"c1": cls("A", "Client"), "c2": cls("D")}, config()
    assert rules_of(due_touchpoints(b, classes, TODAY, cfg)) == ["cadence_client_a"]
    assert rules_of(today_list(b, classes, TODAY, cfg)) == ["cadence_client_a"]
    assert next_touches(b, classes, TODAY, cfg) == {"c1": ("Monthly check-in",
                                                          TODAY - D(days=1))}
    soon = upcoming(b, classes, TODAY, 40, cfg)
    assert [(i.rule, i.due) for i in soon] == [("cadence_client_a", TODAY - D(days=1)),
                                               ("birthday_gift", date(2026, 12, 4)),
                                               ("birthday", date(2026, 12, 25)),
                                               ("holiday_greeting", date(2026, 12, 25)),
                                               ("holiday_greeting", date(2027, 1, 1))]
    assert rules_of(upcoming(b, classes, TODAY, 0, cfg)) == ["cadence_client_a"]


def test_labels_follow_the_workbook_language_and_messages_the_contacts() -> None:
    person = contact(2, "C1", "Tanaka Hiroshi", language="ja", country="JP",
                     last_contact=TODAY - D(days=30), owner="Bob")
    due = plan(book([person]), {2: cls("A", "Client")}, lang="zh").due
    item = next(i for i in due if i.rule == "cadence_client_a")
    assert item.label == "每月回访" and item.touchpoint == "每月回访 [cadence_client_a]"
    assert item.message.startswith("Tanaka Hiroshi様") and item.lang == "ja"


def test_unknown_language_falls_back_to_english_and_text_stays_plain() -> None:
    person = contact(2, "C1", "=HYPERLINK(\"x\")", language="fr", owner="@agent",
                     last_contact=TODAY - D(days=30))
    item = plan(book([person]), {2: cls("A", "Client")}).today[0]
    assert item.lang == "en" and item.message.startswith('Hi =HYPERLINK("x"), it\'s @agent.')
    assert item.message[0] not in "=+-@" and "\n" not in item.message


def test_contact_without_owner_is_signed_by_your_agent() -> None:
    person = contact(2, "C1", "Sam Lee", owner="", last_contact=TODAY - D(days=30))
    assert "your agent" in plan(book([person]), {2: cls("A", "Client")}).today[0].message


def test_bad_rules_are_reported_as_config_errors() -> None:
    cfg = config()
    cfg["touchpoints"]["rules"]["broken"] = {"trigger": "sometimes"}
    with pytest.raises(ConfigError, match="unknown trigger"):
        parse_rules(cfg)
    cfg["touchpoints"]["rules"]["broken"] = {"trigger": "cadence"}
    with pytest.raises(ConfigError, match="interval_days"):
        parse_rules(cfg)
    cfg["touchpoints"]["rules"]["broken"] = {"trigger": "after", "date": "closing_date"}
    with pytest.raises(ConfigError, match="offsets"):
        parse_rules(cfg)


def test_a_rule_can_be_switched_off() -> None:
    cfg = config()
    cfg["touchpoints"]["rules"]["cadence_client_a"]["enabled"] = False
    person = contact(2, "C1", last_contact=TODAY - D(days=30))
    assert plan(book([person]), {2: cls("A", "Client")}, cfg=cfg).due == []


def test_calendars_are_built_once_per_country_and_year_not_per_contact() -> None:
    calendars.public_holidays.cache_clear()
    calendars.solar_terms.cache_clear()
    people = [contact(n, f"C{n}", language="zh", country="CN", last_contact=TODAY)
              for n in range(2, 302)]
    plan(book(people), {c.row: cls("B") for c in people})
    # last year, this year and the look-ahead's years: a handful of builds for 300 contacts
    assert calendars.public_holidays.cache_info().misses <= 4
    assert calendars.solar_terms.cache_info().misses <= 4
