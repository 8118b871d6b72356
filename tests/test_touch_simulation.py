"""A year in the life of a small book (SPEC §4): advance `today` day by day through 2026, take
Today's list each morning, tick every item done and append what harvest_done produces."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from test_touch_fixtures import (
    birthday,
    cls,
    config,
    contact,
    interaction,
    sale,
    templates,
    tick_all,
)

from sheets_sync.core.model import Book, Classification, Contact, Transaction
from sheets_sync.core.today import harvest_done
from sheets_sync.core.touchpoints import parse_rules, plan_touchpoints, rule_key_of

# Real round trips (files, the local Sheets API server): in CI, not in the fast lane.
pytestmark = pytest.mark.slow

START, END = date(2026, 1, 1), date(2026, 12, 31)
DRIP = [("drip_d1", 1, 0), ("drip_d3", 3, 0), ("drip_d7", 7, 0), ("drip_d14", 14, 0),
        ("drip_d30", 30, 0), ("drip_m3", 0, 3)]

TIERS = {  # fixed tiers; Lost and do-not-contact rows are D as classification makes them
    "C01": "A", "C02": "B", "C03": "C", "C04": "A", "C05": "A", "C06": "B", "C07": "C",
    "C08": "A", "C09": "B", "C10": "C", "C11": "A", "C12": "B", "C13": "C", "C14": "D",
    "C15": "D", "C16": "D", "C17": "D", "C18": "D", "C19": "B", "C20": "B", "C21": "B",
    "C22": "C",
}


def _book() -> Book:
    c = contact
    people = [
        c(2, "C01", "Sarah Tan", birthday=birthday(3, 14), stage="Closed"),
        c(3, "C02", "王伟", language="zh", country="CN", birthday=birthday(8, 15),
          lunar_birthday=True, stage="Closed"),
        c(4, "C03", "田中ひろし", language="ja", country="JP", birthday=birthday(12, 2),
          stage="Closed"),
        c(5, "C04", "Nur Aisyah", language="ms", stage="Under contract"),
        c(6, "C05", "David Lee", country="SG", birthday=birthday(7, 7, 1980), stage="Closed",
          last_contact=date(2025, 12, 20)),
        c(7, "C06", "陳美玲", language="zh-Hant", country="HK", stage="Closed",
          last_contact=date(2025, 11, 2)),
        c(8, "C07", "Ahmad Faiz", language="ms", stage="Closed", last_contact=date(2025, 8, 1)),
        c(9, "C08", "Grace Ng", circle="Advocate", last_contact=date(2025, 12, 28)),
        c(10, "C09", "Kumar Raj", circle="Network", last_contact=date(2025, 10, 15)),
        c(11, "C10", "李娜", language="zh", country="CN", circle="Allied Resource"),
        c(12, "C11", "Tom Wong", stage="Prospect"),
        c(13, "C12", "Jenny Ho", stage="Lead", referred_by="C01"),
        c(14, "C13", "张强", language="zh", country="CN", stage="Prospect"),
        c(15, "C14", "Old Lead", stage="Lead"),
        c(16, "C15", "林先生", language="zh", stage="Lost", lost_reason="Price",
          last_contact=date(2025, 9, 1)),
        c(17, "C16", "Siti", language="ms", stage="Lost", lost_reason="Service",
          last_contact=date(2025, 10, 1)),
        c(18, "C17", "Never Me", do_not_contact=True, birthday=birthday(5, 5), stage="Closed"),
        c(19, "C18", "Not Me Either", do_not_contact=True, stage="Prospect"),
        c(20, "C19", "Email Only", phone=None, stage="Closed"),
        c(21, "C20", "Raj Kumar", stage="Closed", referred_by="C05",
          last_contact=date(2025, 12, 1)),
        c(22, "C21", "No Way", phone=None, email=None, stage="Closed"),
    ]
    transactions = [
        sale("C01", date(2026, 2, 10), "buy"), sale("C02", date(2026, 5, 5), "sell"),
        sale("C03", date(2026, 8, 20), "buy"), sale("C04", date(2026, 10, 1), "rent"),
        sale("C05", date(2023, 6, 1), "buy"), sale("C06", date(2024, 3, 15), "buy"),
        sale("C07", date(2022, 9, 9), "buy"), sale("C17", date(2026, 4, 1), "buy"),
        sale("C19", date(2025, 12, 1), "buy"), sale("C20", date(2024, 12, 1), "buy"),
        sale("C21", date(2025, 1, 5), "buy"),
    ]
    # What people type themselves during the year (dated in the future: the engine ignores an
    # interaction until its date has come).
    typed = [
        interaction("C20", date(2026, 6, 10), "Coffee", notes="They are expecting a baby in Aug"),
        interaction("C22", date(2026, 7, 1), "Walk-in enquiry", channel="visit"),
        interaction("C13", date(2026, 3, 3), "电话", notes="客户今天签约了"),
    ]
    return Book(contacts=people, interactions=typed, transactions=transactions)


# A walk-in who arrives mid-year, referred by Grace (C08).
ARRIVALS = {date(2026, 7, 1): contact(23, "C22", "Walk In", referred_by="C08", stage="Prospect")}


def _classify(person: Contact, transactions: list[Transaction], today: date) -> Classification:
    closings = [t.closing_date for t in transactions
                if t.contact_id == person.id and t.closing_date]
    past = [d for d in closings if d <= today]
    if past:
        lifecycle = "Client" if (today - max(past)).days < 365 else "Past client"
    elif closings:
        lifecycle = "Under contract"
    elif person.lost_reason:
        lifecycle = "Lost"
    else:
        lifecycle = "Prospect"
    return cls(TIERS[person.id], lifecycle)


@pytest.fixture(scope="module")
def year():
    the_book = _book()
    cfg = config()
    tmpl = templates()
    shown: dict[date, list] = {}
    issues: dict[date, list] = {}
    day = START
    while day <= END:
        if day in ARRIVALS:
            the_book.contacts.append(ARRIVALS[day])
        classes = {p.key: _classify(p, the_book.transactions, day) for p in the_book.contacts}
        result = plan_touchpoints(the_book, classes, day, cfg, templates=tmpl)
        shown[day], issues[day] = result.today, result.issues
        table = tick_all(result.today)
        new = harvest_done(table, the_book.interactions, day)
        assert len(new) == len(result.today)
        assert harvest_done(table, the_book.interactions + new, day) == []  # re-run: nothing
        the_book.interactions.extend(new)
        day += timedelta(days=1)
    logged = [i for i in the_book.interactions if rule_key_of(i.touchpoint)]
    return the_book, shown, issues, logged, {r.key: r for r in parse_rules(cfg)}


def _rule(touchpoint: str) -> str:
    key = rule_key_of(touchpoint)
    assert key
    return key


def test_every_client_closing_this_year_gets_the_drip_in_order(year) -> None:
    the_book, _shown, _issues, logged, rules = year
    for tx in the_book.transactions:
        closed = tx.closing_date
        if not (START <= closed <= END) or tx.contact_id == "C17":
            continue
        done = sorted((i.date, _rule(i.touchpoint)) for i in logged
                      if i.contact_id == tx.contact_id and _rule(i.touchpoint).startswith("drip"))
        expected = []
        for key, days, months in DRIP:
            due = date(closed.year + (closed.month + months - 1) // 12,
                       (closed.month + months - 1) % 12 + 1, closed.day) + timedelta(days=days)
            if due + timedelta(days=rules[key].expire_days) <= END:
                expected.append((key, due))
        assert [key for _when, key in done][:len(expected)] == [k for k, _ in expected], tx
        for (when, key), (_key, due) in zip(done, expected, strict=False):
            assert due <= when <= due + timedelta(days=rules[key].expire_days), (key, when, due)
    # The buyer's day-7 resources differ from the seller's.
    d7 = {i.contact_id: i.touchpoint for i in logged if _rule(i.touchpoint) == "drip_d7"}
    assert d7["C01"] != d7["C02"]


def test_no_contact_is_touched_more_often_than_its_cadence_allows(year) -> None:
    the_book, _shown, _issues, logged, rules = year
    by_contact = defaultdict(list)
    for i in the_book.interactions:
        by_contact[i.contact_id].append(i)
    checked = 0
    for rows in by_contact.values():
        rows.sort(key=lambda i: i.date)
        last = None  # the last contact a cadence counts from (mass greetings do not count)
        for this in rows:
            key = rule_key_of(this.touchpoint)
            rule = rules.get(key) if key else None
            if rule is not None and rule.trigger in ("cadence", "stale") and last is not None:
                # a cadence touch comes only once its interval has passed since the last contact
                assert (this.date - last.date).days >= rule.interval_days, (last, this)
                checked += 1
            if rule is None or rule.counts_as_contact:
                last = this
    assert checked > 100
    # and never more than one touch a day for anyone
    per_day = Counter((i.contact_id, i.date) for i in logged)
    assert max(per_day.values()) == 1


def test_nothing_is_logged_twice(year) -> None:
    _book, _shown, _issues, logged, rules = year
    assert len({(i.contact_id, i.touchpoint, i.date) for i in logged}) == len(logged)
    repeating = {k for k, r in rules.items() if r.trigger in ("cadence", "stale")}
    one_offs = Counter((i.contact_id, i.touchpoint) for i in logged
                       if _rule(i.touchpoint) not in repeating)
    assert max(one_offs.values()) == 1, [k for k, n in one_offs.items() if n > 1]


def test_do_not_contact_contacts_are_never_scheduled(year) -> None:
    the_book, shown, _issues, _logged, _rules = year
    assert not any(item.contact_id in ("C17", "C18") for items in shown.values() for item in items)
    assert not any(i.contact_id in ("C17", "C18") for i in the_book.interactions)


def test_the_year_covers_the_other_rules(year) -> None:
    _book, _shown, issues, logged, _rules = year
    when = defaultdict(list)
    for i in logged:
        when[(i.contact_id, _rule(i.touchpoint))].append(i.date)
    assert when[("C01", "referral_thanks")] == [START]  # Jenny's first contact is on day 1
    assert when[("C08", "referral_thanks")] == [date(2026, 7, 1)]
    assert when[("C22", "event_first_visit")] == [date(2026, 7, 1)]
    assert when[("C13", "event_signing")] == [date(2026, 3, 3)]
    assert when[("C20", "life_event")] == [date(2026, 6, 11)]
    assert when[("C15", "winback_price")] and when[("C16", "winback_service")]
    assert when[("C02", "lunar_birthday")] == [date(2026, 9, 25)]
    assert when[("C05", "birthday_gift")] == [date(2026, 6, 16)]
    assert when[("C05", "home_anniversary")] == [date(2026, 6, 1)]
    assert len(when[("C10", "solar_term")]) >= 20  # a Chinese reader hears each term
    assert date(2026, 2, 17) in when[("C02", "holiday_greeting")]  # Spring Festival
    assert set(when[("C11", "cadence_prospect_a")]) - {d for k, v in when.items()
                                                        if k[0] == "C11" for d in v} == set()
    assert not when[("C14", "cadence_prospect_c")]  # D prospects: milestones only
    # The e-mail-only client is reached by e-mail or note, and flagged; the unreachable one
    # gets an Issue and nothing else.
    assert {i.channel for i in logged if i.contact_id == "C19"} <= {"email", "note"}
    assert any(i.row == 20 and i.column == "Phone" for day in issues.values() for i in day)
    assert all(any(i.row == 22 for i in day) for day in issues.values())
    assert not any(i.contact_id == "C21" for i in logged)
