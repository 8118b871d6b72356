"""Greetings grouped: holidays and solar terms leave Today for the Greetings tab, one row per
contact with its message and send link, outside the daily cap, with a count per agent; a
contact whose greeting was its most urgent item gets its next personal item on Today."""

from __future__ import annotations

from datetime import date, timedelta

from sheets_sync.config import load_config
from sheets_sync.core.daily_cap import never_capped_rules
from sheets_sync.core.greetings import greetings_tab, mass_rules, split_greetings
from sheets_sync.core.model import Table
from sheets_sync.core.plan import build_plan
from sheets_sync.core.today import harvest_done
from sheets_sync.core.touchpoints import Touchpoint
from sheets_sync.starter import write_starter_workbook
from sheets_sync.stores.xlsx import XlsxStore

DAY = date(2026, 12, 22)  # 冬至, the winter solstice
MASS = frozenset({"holiday_greeting", "solar_term"})


def item(cid: str, rule: str, priority: float, owner: str = "Mei", group: str = "",
         due: date = DAY) -> Touchpoint:
    return Touchpoint(contact_row=int(cid[1:]) + 1, contact_id=cid, rule=rule, label=rule,
                      due=due, days_overdue=(DAY - due).days, channel="sms",
                      priority=priority, message=f"{rule} for {cid}", owner=owner,
                      name=f"Person {cid}", tier="B", phone="+8613800138000", email=None,
                      group=group)


def test_the_mass_greetings_are_the_calendar_rules() -> None:
    assert mass_rules(load_config(None)) == MASS


def test_a_greeting_leaves_today_and_the_next_personal_item_takes_its_place() -> None:
    greeting = item("C1", "solar_term", 100)
    d3, d7 = (item("C1", "drip_d3", 60, group="drip", due=DAY - timedelta(days=5)),
              item("C1", "drip_d7", 90, group="drip", due=DAY - timedelta(days=1)))
    cadence = item("C2", "cadence_client_b", 50)
    today, greetings = split_greetings([greeting, cadence], [greeting, d7, d3, cadence], MASS)
    assert [i.rule for i in today] == ["drip_d3", "cadence_client_b"]  # the drip stays in order
    assert greetings == [greeting]


def test_one_greeting_row_per_contact() -> None:
    holiday, term = item("C1", "holiday_greeting", 140), item("C1", "solar_term", 100)
    _today, greetings = split_greetings([holiday], [holiday, term], MASS)
    assert greetings == [holiday]


def test_the_greetings_tab_counts_per_agent_and_links_every_row() -> None:
    items = [item("C1", "solar_term", 100), item("C2", "solar_term", 100, owner="Daniel"),
             item("C3", "solar_term", 100)]
    tab = greetings_tab(items, "en")
    assert tab.key == "greetings"
    owner, name = tab.index("owner"), tab.index("name")
    assert [(r[owner], r[name]) for r in tab.rows[-2:]] == [
        ("Daniel", "Greetings to send: 1"), ("Mei", "Greetings to send: 2")]
    assert sorted(row for row, key in tab.links) == [0, 1, 2]


def test_greetings_are_outside_the_daily_cap_and_ticks_on_them_are_logged(tmp_path) -> None:
    path = tmp_path / "book.xlsx"
    write_starter_workbook(path, lang="en", sample=True, today=DAY)
    config = load_config(None, {"today": {"daily_cap": 2}})
    store = XlsxStore(path)
    plan = build_plan(store.read(), config, DAY)
    tabs = {t.key: t for t in plan.changes.tabs}
    rule = tabs["today"].index("rule")
    owner = tabs["today"].index("owner")
    assert all(r[rule] not in MASS for r in tabs["today"].rows)
    events, birthdays = never_capped_rules(config)
    tier = tabs["today"].index("tier")
    capped = [r[owner] for r in tabs["today"].rows
              if r[rule] not in events and not (r[rule] in birthdays and r[tier] == "A")]
    assert max(capped.count(o) for o in set(capped)) <= 2
    per_agent = [r[owner] for r in tabs["today"].rows]
    greeted = [r for r in tabs["greetings"].rows if r[rule]]
    assert len(greeted) > 2 * len(set(per_agent))  # more greetings than the cap would allow
    # An agent ticks one greeting: the next sync logs it.
    tab = tabs["greetings"]
    rows = [(n + 2, list(r)) for n, r in enumerate(tab.rows)]
    rows[0][1][0] = True
    logged = harvest_done(Table("Greetings", 1, tab.headers, rows), [], DAY)
    assert [(i.contact_id, i.touchpoint.endswith(f"[{greeted[0][rule]}]")) for i in logged] == [
        (greeted[0][tab.index("contact_id")], True)]
