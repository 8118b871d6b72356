"""The Today tab, Done harvesting, the terminal table and the iCalendar export."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import icalendar
import pytest
from test_touch_fixtures import TODAY, book, cls, contact, interaction, plan, tick_all

from sheets_sync.core.facts import EDITED_PREFIX
from sheets_sync.core.model import Interaction, Table
from sheets_sync.core.parse import read_tick as is_ticked
from sheets_sync.core.today import (
    display_width,
    format_table,
    harvest_done,
    to_ics,
    today_tab,
)
from sheets_sync.core.touchpoints import Touchpoint
from sheets_sync.core.vocabulary import TODAY_COLUMNS, label

TODAY_COLUMNS_KEYS = list(TODAY_COLUMNS)


def item(cid: str = "C1", name: str = "Sarah Tan", rule: str = "drip_d30",
         tp_label: str = "First-month check-in", due: date = TODAY, **fields) -> Touchpoint:
    values = dict(contact_row=2, contact_id=cid, rule=rule, label=tp_label, due=due,
                  days_overdue=(TODAY - due).days, channel="call", priority=240.0,
                  message="Hi Sarah, how are you settling in?", owner="Aisyah", name=name,
                  tier="A", phone="+60123456789", email="sarah@example.com")
    values.update(fields)
    return Touchpoint(**values)


# --- today_tab ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh", "zh-Hant", "ja", "ms"])
def test_today_tab_headers_in_the_workbook_language(lang: str) -> None:
    tab = today_tab([item()], lang)
    assert tab.headers == [label(entry, lang) for entry in TODAY_COLUMNS.values()]
    assert tab.key == "today" and tab.autofilter
    assert [c.key for c in tab.columns if c.kind == "bool"] == ["done"]  # the box a person ticks
    row = tab.rows[0]
    assert row[0] is False and row[1] == TODAY and row[3] == 240.0
    # The label alone; the rule's key has a (hidden) column of its own for the Done loop.
    assert row[8] == "First-month check-in"
    assert row[tab.index("rule")] == "drip_d30"
    assert row[-2:] == ["", ""]
    kinds = {c.key: c.kind for c in tab.columns}
    assert (kinds["due"], kinds["priority"], kinds["message"]) == ("date", "number", "wrap")


def test_today_tab_from_a_real_plan_keeps_priority_order() -> None:
    people = [contact(2, "C1", last_contact=TODAY - timedelta(days=40)),
              contact(3, "C2", last_contact=TODAY - timedelta(days=30))]
    items = plan(book(people), {2: cls("C", "Client"), 3: cls("A", "Client")}).today
    tab = today_tab(items, "en")
    assert [r[5] for r in tab.rows] == ["C2"]  # C2 is A-tier; C1 (C, 180 days) is not due
    assert tab.rows[0][tab.index("message")].startswith("Hi Person")


# --- harvest_done ------------------------------------------------------------------------------

def test_ticked_rows_become_interactions_with_outcome_and_notes() -> None:
    table = tick_all([item(), item("C2", "王伟", "holiday_greeting", "节日祝福 – 春节")],
                     lang="zh", outcome="Answered")
    table.rows[1][1][-1] = "Will refer a colleague"
    got = harvest_done(table, [], TODAY)
    assert got == [
        Interaction(None, TODAY, "C1", "call", "First-month check-in [drip_d30]", "Answered", "",
                    "Aisyah"),
        Interaction(None, TODAY, "C2", "call", "节日祝福 – 春节 [holiday_greeting]", "Answered",
                    "Will refer a colleague", "Aisyah"),
    ]


@pytest.mark.parametrize("value", [True, 1, 1.0, "TRUE", "true", "yes", "Y", "x", "X", "✓", "✔",
                                   "是", "はい", "ya", "Ya", "done", "完成", "済", "selesai"])
def test_done_ticks_in_any_language(value: object) -> None:
    assert is_ticked(value)


@pytest.mark.parametrize("value", [False, 0, None, "", "FALSE", "no", "否", "いいえ", "tidak",
                                   "later", 2])
def test_not_ticked(value: object) -> None:
    assert not is_ticked(value)


def test_unticked_rows_and_rows_without_id_are_left_alone() -> None:
    table = tick_all([item(), item("", "Nobody")])
    table.rows[0][1][0] = False
    assert harvest_done(table, [], TODAY) == []


def test_harvest_exactly_once_across_reruns_and_crashes() -> None:
    table = tick_all([item(due=TODAY - timedelta(days=2))])
    first = harvest_done(table, [], TODAY)
    assert len(first) == 1
    # A re-run the same day: the append already happened.
    assert harvest_done(table, first, TODAY) == []
    # A crash between the append and the rewrite, re-run tomorrow: the old tab is still there.
    assert harvest_done(table, first, TODAY + timedelta(days=1)) == []
    # An agent who also typed the touch into Interactions by hand on the due date.
    typed = [Interaction(5, TODAY - timedelta(days=2), "c1 ", "call",
                         "first-month check-in [drip_d30]")]
    assert harvest_done(table, typed, TODAY) == []
    # The same touchpoint done for an earlier occurrence does not block this one.
    older = [Interaction(5, TODAY - timedelta(days=400), "C1", "call",
                         "First-month check-in [drip_d30]")]
    assert len(harvest_done(table, older, TODAY)) == 1


def test_duplicate_ticked_rows_log_once() -> None:
    table = tick_all([item(), item()])
    assert len(harvest_done(table, [], TODAY)) == 1


def _ticked_with_notes(notes: str) -> Table:
    table = tick_all([item()])
    table.rows[0][1][TODAY_COLUMNS_KEYS.index("notes")] = notes
    return table


def test_notes_typed_on_a_ticked_row_after_it_was_logged_are_logged_as_a_note_once() -> None:
    first = harvest_done(_ticked_with_notes("wants a valuation"), [], TODAY)
    edited = _ticked_with_notes("wants a valuation; send comps by Friday")
    tomorrow = TODAY + timedelta(days=1)  # the list is replaced: its text would be gone
    note = harvest_done(edited, first, tomorrow)
    assert note == [Interaction(None, TODAY, "C1", "", EDITED_PREFIX + "First-month check-in",
                                "", "wants a valuation; send comps by Friday", "Aisyah")]
    assert harvest_done(edited, first + note, tomorrow) == []


def test_notes_on_a_ticked_row_the_new_list_carries_on_are_left_there() -> None:
    first = harvest_done(_ticked_with_notes("wants a valuation"), [], TODAY)
    edited = _ticked_with_notes("wants a valuation; send comps by Friday")
    assert harvest_done(edited, first, TODAY, carried_on=TODAY) == []


def test_notes_on_a_ticked_row_beside_the_same_touch_typed_by_hand_are_kept() -> None:
    typed = [Interaction(5, TODAY, "C1", "call", "first-month check-in [drip_d30]")]
    note = harvest_done(_ticked_with_notes("left a voicemail"), typed, TODAY)
    assert [(i.touchpoint, i.notes) for i in note] == [
        (EDITED_PREFIX + "First-month check-in", "left a voicemail")]


def test_headers_in_another_language_order_and_store_value_types() -> None:
    headers = ["メモ", "完了", "顧客ID", "タッチポイント", "期日", "結果", "チャネル", "担当者",
               "Extra"]
    rows = [
        (2, ["n1", "はい", 42.0, "Birthday greeting [birthday]", 46349.0, "ok", "sms", "Ken", 1]),
        (3, ["n2", None, "C9", "Birthday greeting [birthday]", "2026-11-23", "", "sms", "Ken", 1]),
        (4, ["n3", "✓", "C7", "Holiday greeting [holiday_greeting]",
             datetime(2026, 11, 20, 0, 0), "", "sms", "Ken"]),
    ]
    got = harvest_done(Table("今日", 1, headers, rows), [], TODAY)
    assert [(i.contact_id, i.touchpoint, i.notes, i.outcome, i.owner) for i in got] == [
        ("42", "Birthday greeting [birthday]", "n1", "ok", "Ken"),
        ("C7", "Holiday greeting [holiday_greeting]", "n3", "", "Ken"),
    ]


def test_a_table_without_the_needed_columns_gives_nothing() -> None:
    assert harvest_done(Table("Today", 1, ["Foo", "Bar"], [(2, [True, 1])]), [], TODAY) == []


def test_harvested_interactions_mark_the_touch_done_for_the_engine() -> None:
    person = contact(2, "C1", last_contact=TODAY - timedelta(days=30))
    b = book([person])
    items = plan(b, {2: cls("A", "Client")}).today
    b.interactions += harvest_done(tick_all(items), b.interactions, TODAY)
    assert plan(b, {2: cls("A", "Client")}, today=TODAY).today == []
    assert plan(b, {2: cls("A", "Client")}).next_touch["c1"] == ("Monthly check-in",
                                                             TODAY + timedelta(days=30))
    assert b.interactions[0].touchpoint == "Monthly check-in [cadence_client_a]"
    assert interaction("C1", TODAY).contact_id == "C1"


# --- format_table ------------------------------------------------------------------------------

def test_display_width_counts_cjk_as_two_columns() -> None:
    assert display_width("abc") == 3
    assert display_width("王小明") == 6
    assert display_width("ｱ") == 1 and display_width("Ａ") == 2
    assert display_width("é") == 1 and display_width("e\u0301") == 1


def test_terminal_table_aligns_columns_with_cjk_names() -> None:
    items = [item("C1", "王小明", tp_label="生日祝福"), item("C2", "Sarah Tan"),
             item("C3", "田中ひろし", tp_label="誕生日のお祝い", message="x" * 200)]
    text = format_table(items)
    lines = text.splitlines()
    assert len(lines) == 5 and lines[1].startswith("----------")

    def column_start(line: str, cell: str) -> int:
        return display_width(line[:line.index(cell)])

    starts = {column_start(line, "call") for line in lines[2:]}
    assert len(starts) == 1  # the Channel column starts at the same place on every row
    assert column_start(lines[0], "Channel") == starts.pop()
    assert lines[4].endswith("…")
    assert max(display_width(line) for line in lines) <= 220


def test_terminal_table_with_no_items_has_just_the_header() -> None:
    assert format_table([]).splitlines()[0].startswith("Due")


# --- to_ics ------------------------------------------------------------------------------------

def test_ics_reads_back_with_icalendar() -> None:
    items = [item(),
             item("C2", "王小明", "holiday_greeting", "节日祝福 – 春节",
                  due=date(2027, 2, 6),
                  message="王小明您好，新春快乐！祝您和家人身体健康、万事如意、财源广进！"
                          "——Aisyah; 地址, 路线\\"),
             item("C3", "Ana", "referral_thanks", "Referral thank-you", due=TODAY),
             item("C3", "Ana", "referral_thanks", "Referral thank-you", due=TODAY)]
    data = to_ics(items, "Aisyah – touchpoints")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == "Aisyah – touchpoints"
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 4
    first, second = events[0], events[1]
    assert first["DTSTART"].dt == TODAY and first["DTEND"].dt == TODAY + timedelta(days=1)
    assert str(first["SUMMARY"]) == "First-month check-in – Sarah Tan"
    assert str(first["DESCRIPTION"]).startswith("Hi Sarah, how are you settling in?")
    assert str(second["DESCRIPTION"]).startswith("王小明您好，新春快乐！")
    assert "地址, 路线\\" in str(second["DESCRIPTION"])
    assert second["DTSTART"].dt == date(2027, 2, 6)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == 4
    assert to_ics(items, "Aisyah – touchpoints") == data  # stable UIDs, stable bytes
    again = icalendar.Calendar.from_ical(to_ics(items[:1], "x"))
    assert str(list(again.walk("VEVENT"))[0]["UID"]) == uids[0]


def test_ics_of_an_upcoming_plan() -> None:
    person = contact(2, "C1", "Mei", birthday=None, last_contact=TODAY - timedelta(days=20))
    items = plan(book([person]), {2: cls("A", "Client")}, upcoming_days=60).upcoming
    events = list(icalendar.Calendar.from_ical(to_ics(items, "Team")).walk("VEVENT"))
    assert [e["DTSTART"].dt for e in events] == [i.due for i in items]
    assert "Monthly check-in – Mei" in [str(e["SUMMARY"]) for e in events]
