"""The daily cap: at most `today.daily_cap` Today rows per agent per day, highest priority first;
held-back items stay queued and rise the next day; same-day events and A-tier birthdays are
never held back."""

from __future__ import annotations

from datetime import date, timedelta

from sheets_sync.config import load_config
from sheets_sync.core.daily_cap import (
    apply_cap,
    never_capped_rules,
    on_working_days,
    routine_rules,
    working_days,
)
from sheets_sync.core.plan import build_plan
from sheets_sync.core.touchpoints import Touchpoint
from sheets_sync.starter import write_starter_workbook
from sheets_sync.stores.xlsx import XlsxStore

DAY = date(2026, 12, 7)


def item(n: int, owner: str, rule: str = "cadence_client_b", tier: str = "B",
         priority: float = 10.0, due: date = DAY) -> Touchpoint:
    return Touchpoint(contact_row=n + 2, contact_id=f"C{n:04d}", rule=rule, label=rule, due=due,
                      days_overdue=(DAY - due).days, channel="call", priority=priority,
                      message="Hi", owner=owner, name=f"Person {n}", tier=tier,
                      phone="+60123456789", email=None)


def ranked(items: list[Touchpoint]) -> list[Touchpoint]:
    return sorted(items, key=lambda i: -i.priority)


def test_the_default_cap_is_25_and_events_and_birthdays_are_known() -> None:
    config = load_config(None)
    events, birthdays = never_capped_rules(config)
    assert config["today"]["daily_cap"] == 25
    assert "event_first_call" in events and "birthday" in birthdays


def test_no_agent_gets_more_than_the_cap_and_the_highest_priority_go_first() -> None:
    items = ranked([item(n, "Aisyah" if n % 2 else "Daniel", priority=n) for n in range(80)])
    shown, queued = apply_cap(items, 25, (), ())
    for owner in ("Aisyah", "Daniel"):
        mine = [i for i in shown if i.owner == owner]
        assert len(mine) == 25
        assert min(i.priority for i in mine) > max(
            i.priority for i in queued if i.owner == owner)
    assert len(shown) + len(queued) == 80


def test_same_day_events_and_a_tier_birthdays_are_never_capped_out() -> None:
    items = ranked([item(n, "Aisyah", priority=100 + n) for n in range(30)]
                   + [item(100, "Aisyah", "event_first_call", priority=1),
                      item(101, "Aisyah", "birthday", tier="A", priority=1),
                      item(102, "Aisyah", "birthday", tier="C", priority=0.5)])
    shown, queued = apply_cap(items, 25, {"event_first_call"}, {"birthday"})
    rules = [(i.rule, i.tier) for i in shown]
    assert ("event_first_call", "B") in rules and ("birthday", "A") in rules
    assert ("birthday", "C") in [(i.rule, i.tier) for i in queued]
    assert len(shown) == 25  # the two that always go count towards the cap


OFFICE = working_days(("mon", "tue", "wed", "thu", "fri"), {date(2026, 12, 25)})
ROUTINE = {"cadence_client_b"}


def test_sixty_days_under_the_cap_the_queue_drains_and_nothing_is_lost() -> None:
    """Each day brings new work (every day of the week: cadences fall on weekends too); what is
    held back is offered again the next day, a day more overdue (so higher). Over 60 days no
    agent goes over the cap, nothing routine is shown on a day off, every item is shown once,
    and the queue is empty at the end."""
    cap, owners = 25, ("Aisyah", "Daniel", "Mei Ling")
    queue: list[Touchpoint] = []
    seen: set[str] = set()
    made = 0
    for offset in range(60):
        today = DAY + timedelta(days=offset)
        burst = 60 if offset in (0, 18) else (12 if offset < 50 else 0)  # a festival, a Monday
        for n in range(burst):
            queue.append(item(made, owners[n % 3], priority=5 + n % 7, due=today))
            made += 1
        offered = ranked([
            Touchpoint(**{**i.__dict__, "priority": i.priority + 0.5 * (today - i.due).days})
            for i in queue])
        offered, held = on_working_days(offered, today, OFFICE, ROUTINE)
        shown, queue = apply_cap(offered, cap, (), ())
        queue += held
        if not OFFICE.works(today):
            assert shown == []
        for owner in owners:
            assert sum(1 for i in shown if i.owner == owner) <= cap
        for i in shown:
            assert OFFICE.works(i.due)  # nothing falls due on a day off
            assert i.contact_id not in seen
            seen.add(i.contact_id)
    assert queue == [] and len(seen) == made


def test_a_routine_touch_due_on_a_day_off_shows_the_next_working_day_as_due() -> None:
    saturday, monday = date(2026, 12, 5), date(2026, 12, 7)
    shown, held = on_working_days([item(1, "Aisyah", due=saturday)], monday, OFFICE, ROUTINE)
    assert held == [] and (shown[0].due, shown[0].days_overdue) == (monday, 0)


def test_on_a_day_off_only_date_bound_items_show() -> None:
    christmas = date(2026, 12, 25)  # a Friday, the office's public holiday
    items = [item(1, "Aisyah", due=christmas), item(2, "Aisyah", "birthday", due=christmas)]
    shown, held = on_working_days(items, christmas, OFFICE, ROUTINE)
    assert [i.rule for i in shown] == ["birthday"] and [i.rule for i in held] == [
        "cadence_client_b"]


def test_a_saturday_sync_lists_no_cadence_or_drip(tmp_path) -> None:
    path = tmp_path / "book.xlsx"
    saturday = date(2026, 11, 28)
    write_starter_workbook(path, lang="en", sample=True, today=saturday)
    config = load_config(None)
    plan = build_plan(XlsxStore(path).read(), config, saturday)
    routine = routine_rules(config)
    assert plan.today_items and not [i for i in plan.today_items if i.rule in routine]
    monday = build_plan(XlsxStore(path).read(), config, saturday + timedelta(days=2))
    assert [i for i in monday.today_items if i.rule in routine]
