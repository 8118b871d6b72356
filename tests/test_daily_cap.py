"""The daily cap: at most `today.daily_cap` Today rows per agent per day, highest priority first;
held-back items stay queued and rise the next day; same-day events and A-tier birthdays are
never held back."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from sheets_sync.config import load_config
from sheets_sync.core.daily_cap import (
    apply_cap,
    never_capped_rules,
    on_working_days,
    routine_rules,
    spread,
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
            dataclasses.replace(i, priority=i.priority + 0.5 * (today - i.due).days)
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


def _sixty_days(config: dict, start: date = date(2026, 11, 23)) -> list[tuple[date, list]]:
    """The sample book worked for 60 days as an agent would: every morning's Today (and
    Greetings) ticked in full, the next sync logging the ticks."""
    import tempfile
    from pathlib import Path

    from sheets_sync.core.model import Table
    from sheets_sync.core.tables import column_keys

    path = Path(tempfile.mkdtemp()) / "book.xlsx"
    write_starter_workbook(path, lang="en", sample=True, today=start)
    data = XlsxStore(path).read()
    log = data.tables["interactions"]
    columns = column_keys("interactions", log.headers)
    days = []
    for offset in range(60):
        day = start + timedelta(days=offset)
        plan = build_plan(data, config, day, light=True)
        for done in plan.harvested:
            row = [""] * len(log.headers)
            for key, col in columns.items():
                row[col] = getattr(done, key, "")
            log.rows.append((len(log.rows) + 2, row))
        for tab in plan.changes.tabs:
            if tab.key in ("today", "greetings"):
                data.tables[tab.key] = Table(tab.key.title(), 1, tab.headers, [
                    (n + 2, [True, *r[1:]]) for n, r in enumerate(tab.rows) if r[tab.index(
                        "rule")]])
        days.append((day, plan.today_items))
    return days


@pytest.mark.slow
def test_sixty_days_of_the_sample_book_under_a_small_cap() -> None:
    """With a cap of 4 the sample book's agents are never given more than 4 capped rows, days
    off list nothing routine, the queue drains (nothing more than 3 days late in the last two
    weeks) and no working day of the last month is heavier than the cap."""
    config = load_config(None, {"today": {"daily_cap": 4}})
    events, birthdays = never_capped_rules(config)
    routine = routine_rules(config)
    office = working_days(config["today"]["working_days"], ())
    days = _sixty_days(config)
    for day, items in days:
        capped = [i.owner for i in items if i.rule not in events
                  and not (i.rule in birthdays and i.tier == "A")]
        assert all(capped.count(o) <= 4 for o in capped), day
        if not office.works(day):
            assert not [i for i in items if i.rule in routine], day
    for _day, items in days[-14:]:
        assert all(i.days_overdue <= 3 for i in items)
    assert max(len(items) for day, items in days[-30:] if office.works(day)) <= 3 * 4


@pytest.mark.slow
def test_spreading_evens_out_the_fortnightly_bunch() -> None:
    """The sample's prospects were all last called on the same days, so their follow-ups fall
    due together every two weeks; light days taking touches due in the next 3 days spread them."""
    def peak(spread_days: int) -> int:
        config = load_config(None, {"today": {"spread_days": spread_days}})
        days = _sixty_days(config)
        return max(len(items) for _day, items in days[-30:])

    assert peak(3) < peak(0)


def test_a_light_day_takes_a_cadence_touch_from_the_coming_bunch() -> None:
    monday, wednesday = date(2026, 12, 7), date(2026, 12, 9)
    today = [item(1, "Aisyah")]
    bunch = [item(n, "Aisyah", due=wednesday) for n in range(2, 8)]
    got = spread(today, bunch, monday, OFFICE, ROUTINE, 3)
    assert len(got) == 2  # 7 touches over 4 working days: 2 today
    assert got[1].due == wednesday and got[1].days_overdue == -2  # due in two days
    assert spread(today, bunch, date(2026, 12, 5), OFFICE, ROUTINE, 3) == today  # Saturday


def test_a_pulled_touch_ticked_today_is_logged_today() -> None:
    from sheets_sync.core.model import Table
    from sheets_sync.core.today import harvest_done, today_tab

    monday = date(2026, 12, 7)
    pulled = spread([item(1, "Aisyah", due=monday)],
                    [item(n, "Aisyah", due=monday + timedelta(days=2)) for n in range(2, 8)],
                    monday, OFFICE, ROUTINE, 3)[1]
    tab = today_tab([pulled], "en")
    rows = [(2, [True, *tab.rows[0][1:]])]
    logged = harvest_done(Table("Today", 1, tab.headers, rows), [], monday + timedelta(days=1))
    assert [(i.date, i.touchpoint) for i in logged] == [
        (monday, "cadence_client_b [cadence_client_b]")]
