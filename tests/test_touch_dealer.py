"""The engine is generic (SPEC §4): seed 001's car-dealer schedule, written only as config and
templates, runs with no code change — service reminders 36/48/60 months after the purchase
(定期回访), a free service around 6 months (5000-7500 km), a yearly insurance renewal a month
ahead (续保/年检), a follow-up every 3 months (每3个月定期回访)."""

from __future__ import annotations

from datetime import date

from test_touch_fixtures import book, cls, config, contact, interaction, sale

from sheets_sync.core.messages import Templates
from sheets_sync.core.touchpoints import plan_touchpoints

DEALER_RULES = {
    "service_reminder": {
        "trigger": "after", "date": "closing_date", "offsets_months": [36, 48, 60],
        "channel": "call", "priority": 40, "expire_days": 90,
        "label": "Scheduled service call",
    },
    "free_service": {
        "trigger": "after", "date": "closing_date", "offsets_months": [6],
        "channel": "sms", "priority": 40, "expire_days": 60,
        "label": "Free 5,000-7,500 km service",
    },
    "insurance_renewal": {
        # a month ahead; gone once the policy date itself arrives
        "trigger": "yearly", "date": "closing_date", "lead_days": 30, "expire_days": 29,
        "channel": "call", "priority": 50, "label": "Insurance renewal and inspection",
    },
    "regular_followup": {
        "trigger": "cadence", "interval_days": 90, "channel": "call", "priority": 10,
        "label": "Quarterly owner follow-up",
    },
}
DEALER_TEMPLATES = Templates({
    "en": {"messages": {
        "service_reminder": "Hi {first_name}, it's {agent} from the showroom. Your car is due "
                            "for its scheduled service. Shall I book a slot?",
        "insurance_renewal": "Hi {first_name}, your car insurance renews in a month. Want me "
                             "to arrange the renewal and inspection?",
    }},
    "zh": {"labels": {"service_reminder": "定期回访：保养提醒"},
           "messages": {"service_reminder": "{name}您好，我是{agent}。您的爱车到了定期保养的时间，"
                                            "需要帮您预约吗？"}},
})


def dealer_config() -> dict:
    cfg = config()
    cfg["touchpoints"] = {**cfg["touchpoints"], "rules": DEALER_RULES}
    return cfg


def dealer_plan(the_book, today, classes=None):
    classes = classes or {c.key: cls("B", "Past client") for c in the_book.contacts}
    return plan_touchpoints(the_book, classes, today, dealer_config(), templates=DEALER_TEMPLATES)


def test_service_reminders_at_36_48_and_60_months() -> None:
    owner = contact(2, "D1", "Jason Lim", owner="Wei", last_contact=date(2026, 11, 1))
    b = book([owner], [], [sale("D1", date(2023, 11, 23))])
    items = dealer_plan(b, date(2026, 11, 23)).today
    assert [(i.rule, i.due) for i in items] == [("service_reminder", date(2026, 11, 23))]
    assert items[0].message.startswith("Hi Jason, it's Wei from the showroom")
    b.interactions.append(interaction("D1", date(2026, 11, 23), items[0].touchpoint))
    after = dealer_plan(b, date(2026, 11, 24))
    assert after.due == []
    assert after.next_touch["d1"] == ("Quarterly owner follow-up", date(2027, 2, 21))
    later = dealer_plan(b, date(2027, 11, 23), {"d1": cls("B", "Past client")})
    assert ("service_reminder", date(2027, 11, 23)) in [(i.rule, i.due) for i in later.due]


def test_a_missed_reminder_is_superseded_by_the_next_one() -> None:
    owner = contact(2, "D1", last_contact=date(2028, 11, 1))
    b = book([owner], [], [sale("D1", date(2023, 11, 23))])
    due = [(i.rule, i.due) for i in dealer_plan(b, date(2028, 11, 23)).due]
    assert due == [("service_reminder", date(2028, 11, 23))]  # 60 months; 36 and 48 not shown


def test_other_dealer_rules_and_languages() -> None:
    owner = contact(2, "D1", "林先生", language="zh", owner="王经理", last_contact=date(2024, 5, 1))
    b = book([owner], [], [sale("D1", date(2023, 11, 23))])
    free = dealer_plan(b, date(2024, 5, 23)).today
    assert [(i.rule, i.channel) for i in free] == [("free_service", "sms")]
    renewal = dealer_plan(b, date(2024, 10, 24)).due
    assert "insurance_renewal" in [i.rule for i in renewal]
    due = dealer_plan(b, date(2026, 11, 23)).due
    chinese = next(i for i in due if i.rule == "service_reminder")
    assert chinese.message.startswith("林先生您好，我是王经理")
    # No Chinese text for the renewal: the English one is used rather than nothing.
    renewal = dealer_plan(b, date(2026, 10, 24)).today[0]
    assert renewal.rule == "insurance_renewal" and renewal.message.startswith("Hi 林先生")
    follow = dealer_plan(book([contact(3, "D2", last_contact=date(2024, 1, 1))]),
                         date(2024, 3, 31)).today
    assert [i.rule for i in follow] == ["regular_followup"]


def test_real_estate_rules_are_gone_when_the_dealer_replaces_them() -> None:
    owner = contact(2, "D1", birthday=None, last_contact=date(2026, 11, 22))
    b = book([owner], [], [sale("D1", date(2026, 11, 22))])
    rules = {i.rule for i in dealer_plan(b, date(2026, 11, 23)).due}
    assert not rules & {"drip_d1", "closing_congrats", "holiday_greeting"}
