"""One question, one answer: places that used to answer the same question about the book in
different ways now read the same fact (facts.py) or the same cell reader (parse.py).

Each test is named for the behaviour that used to differ between two places."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from icalendar import Calendar

from sheets_sync.cli import main
from sheets_sync.config import load_config, merge
from sheets_sync.core.classify import classify, referral_stats
from sheets_sync.core.facts import build_facts
from sheets_sync.core.metrics import compute_metrics, due_items_from_today, list_written_on
from sheets_sync.core.metrics_history import merge_history
from sheets_sync.core.model import Book, Contact, Interaction, Table, Transaction
from sheets_sync.core.parse import parse_date, parse_yes_no, read_date, read_tick
from sheets_sync.core.referrals import compute_referrals
from sheets_sync.core.today import harvest_done
from sheets_sync.core.touchpoints import plan_touchpoints
from sheets_sync.core.validate import validate_book
from sheets_sync.starter import write_starter_workbook
from sheets_sync.sync import sync_workbook
from tests.conftest import SAMPLE_DAY as TODAY


def rows_of(path: Path, tab: str) -> list[dict[str, Any]]:
    sheet = openpyxl.load_workbook(path)[tab]
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row, strict=False))
            for row in sheet.iter_rows(min_row=2, values_only=True) if any(row)]


def set_cells(path: Path, tab: str, header: str, values: dict[int, Any]) -> None:
    """Type `values` (data row index -> value) into a column, as a person would in Excel."""
    book = openpyxl.load_workbook(path)
    sheet = book[tab]
    column = [c.value for c in sheet[1]].index(header) + 1
    for index, value in values.items():
        sheet.cell(row=index + 2, column=column).value = value
    book.save(path)


def metric_value(path: Path, name: str) -> float | None:
    row = next(r for r in rows_of(path, "Metrics") if r["Metric"] == name)
    return row["Value"]


# ---------------------------------------------------------------------------------------------
# "Done is ticked": the harvest and Touchpoints on time read the same tick.


def test_a_done_cell_typed_as_a_check_mark_or_done_counts_for_the_log_and_for_on_time(
        synced: Path) -> None:
    today_rows = rows_of(synced, "Today")
    marks = ["✅", "done", "完成", "x"]
    set_cells(synced, "Today", "Done", {n: marks[n % len(marks)] for n in range(len(today_rows))})
    report = sync_workbook(str(synced), load_config(), TODAY + timedelta(days=1))
    assert report.done_logged == len(today_rows)
    on_time = sum(1 for r in today_rows if r["Days overdue"] == 0)
    assert on_time  # the sample has items due on the day itself
    assert metric_value(synced, "Touchpoints on time") == pytest.approx(
        round(on_time / len(today_rows), 4))


@pytest.mark.parametrize("value", [True, 1, "TRUE", "x", "✓", "✅", "done", "完成", "済", "ok",
                                   "selesai", "是", "ya", False, 0, "", "no", "later", 2])
def test_a_tick_reads_the_same_as_a_yes_no_cell(value: object) -> None:
    try:
        expected = parse_yes_no(value)
    except ValueError:
        expected = False
    assert read_tick(value) is expected


def today_table(due: object, done: object = True, overdue: object = 0) -> Table:
    headers = ["Done", "Due", "Days overdue", "Contact ID", "Touchpoint"]
    return Table("Today", 1, headers, [(2, [done, due, overdue, "C1", "Call [call]"])])


# ---------------------------------------------------------------------------------------------
# Dates: one reader for every date cell read back.


@pytest.mark.parametrize("typed", ["2026/11/20", "20.11.2026", "2026-11-20", 46346, 46346.0,
                                   "20 Nov 2026", date(2026, 11, 20)])
def test_a_due_date_reads_the_same_for_the_harvest_the_metrics_and_the_rerun_check(
        typed: object) -> None:
    expected = parse_date(typed)
    assert read_date(typed) == expected == date(2026, 11, 20)
    table = today_table(typed, overdue=2)
    assert [i.due for i in due_items_from_today(table, TODAY)] == [expected]
    assert list_written_on(table) == expected + timedelta(days=2)
    # The harvest counts a row as already logged from its Due date on.
    logged = [Interaction(None, expected, "C1", touchpoint="Call [call]")]
    assert harvest_done(table, logged, TODAY) == []


@pytest.mark.parametrize("typed", [100, 5, 2026])
def test_a_small_number_in_a_date_cell_reads_as_the_date_parser_reads_it(typed: int) -> None:
    try:
        expected: date | None = parse_date(typed)
    except ValueError:
        expected = None  # 2026 is a year, not a date
    assert read_date(typed) == expected
    history = Table("Metrics history", 1, ["Date", "NPS"], [(2, [typed, 10.0])])
    (kept,) = [row for row in merge_history(history, TODAY, [], "en").rows if row[0] != TODAY]
    assert kept[0] == (expected if expected is not None else typed)


# ---------------------------------------------------------------------------------------------
# Contact IDs: one key for every match.


def test_an_interaction_typed_with_a_lower_case_or_spaced_id_contacts_that_contact(
        synced: Path) -> None:
    wb = openpyxl.load_workbook(synced)
    sheet = wb["Interactions"]
    two_days_ago = TODAY - timedelta(days=2)
    sheet.append([two_days_ago, "c0044", "call", "First call", "Answered", "", "Aisyah"])
    sheet.append([two_days_ago, " C0044 ", "call", "Second call", "Answered", "", "Aisyah"])
    wb.save(synced)
    sync_workbook(str(synced), load_config(), TODAY)
    contact = next(r for r in rows_of(synced, "Contacts") if r["ID"] == "C0044")
    assert (contact["Activity"], contact["Days since contact"]) == ("Active", 2)
    assert not any(r["Value"] in ("c0044", " C0044 ") for r in rows_of(synced, "Issues"))
    typed = [r["Contact ID"] for r in rows_of(synced, "Interactions")][-2:]
    assert typed == ["c0044", " C0044 "]  # the person's cells stay as typed


def test_a_contact_id_matches_by_one_key_in_validation_classification_and_touchpoints() -> None:
    config = load_config()
    contacts = Table("Contacts", 1, ["ID", "Name", "Phone", "Stage"],
                     [(2, ["C0001", "Ana", "+60123456789", "Prospect"])])
    interactions = Table("Interactions", 1, ["Date", "Contact ID", "Channel", "Touchpoint"],
                         [(2, [TODAY - timedelta(days=3), "ｃ０００１", "call", "Call"])])
    book = validate_book({"contacts": contacts, "interactions": interactions}, config)
    assert [i.contact_id for i in book.interactions] == ["C0001"]
    assert not book.issues
    facts = build_facts(book, TODAY, config)
    classes = classify(book, TODAY, config, facts)
    assert classes[book.contacts[0].key].days_since_contact == 3
    assert facts.last_contact[2] == TODAY - timedelta(days=3)


# ---------------------------------------------------------------------------------------------
# Referrals: when, thanked, top referrer, reward tier, the contact's key.


def test_a_referrer_the_referrals_tab_shows_as_thanked_is_not_asked_to_be_thanked_again(
        synced: Path) -> None:
    thanked = {r["Referrer ID"] for r in rows_of(synced, "Referrals")
               if r["Last thanked"] and r["Last referral"]
               and r["Last thanked"] >= r["Last referral"]}
    assert "C0001" in thanked  # thanked on the 17th for the referral of the 16th
    asked = {r["Contact ID"] for r in rows_of(synced, "Today")
             if r["Rule"] == "referral_thanks"}
    assert asked and not thanked & asked


def test_the_top_referrer_on_the_tab_is_the_one_the_recognition_goes_to(
        synced: Path, tmp_path: Path) -> None:
    marked = {r["Referrer ID"] for r in rows_of(synced, "Referrals") if r["Top referrer"]}
    target = tmp_path / "all.ics"
    assert main(["ics", str(synced), "-o", str(target), "--days", "60",
                 "--today", TODAY.isoformat()]) == 0
    events = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    recognised = {re.search(r"ID: (\S+)", str(e["DESCRIPTION"]))[1] for e in events
                  if str(e["CATEGORIES"].to_ical().decode()) == "top_referrer"}
    assert marked and marked == recognised


def referral_book() -> Book:
    """R referred K0 (closed long ago) and then K1 (a lead met last week)."""
    contacts = [Contact(row=2, id="R", name="Rita", phone="+60123456789"),
                Contact(row=3, id="K0", name="Kai", referred_by="R"),
                Contact(row=4, id="K1", name="Kim", referred_by="R", phone="+60123456780")]
    interactions = [Interaction(None, TODAY - timedelta(days=6), "K1", "call", "First call"),
                    Interaction(None, TODAY - timedelta(days=5), "K0", "call", "Check-in")]
    deals = [Transaction(None, "K0", TODAY - timedelta(days=900), commission=1000.0)]
    return Book(contacts, interactions, deals)


def test_a_referral_is_dated_the_same_on_the_tab_in_classification_and_in_touchpoints() -> None:
    config = load_config()
    book = referral_book()
    (rita,) = compute_referrals(book, {}, TODAY, config)
    # K0's earliest trace is the closing 900 days ago, not the check-in logged last week.
    assert rita.last_referral == TODAY - timedelta(days=6)
    assert referral_stats(book, build_facts(book, TODAY, config))["R"].newest == rita.last_referral
    plan = plan_touchpoints(book, classify(book, TODAY, config), TODAY, config)
    thanks = [t for t in plan.due if t.rule == "referral_thanks"]
    assert [(t.due, "Kim" in t.label) for t in thanks] == [(TODAY - timedelta(days=6), True)]


def test_the_reward_tier_counts_referrals_as_reward_basis_says_on_the_tab_and_in_the_thanks(
        ) -> None:
    config = merge(load_config(), {"referrals": {"reward_basis": "closed"}})
    book = referral_book()
    (rita,) = compute_referrals(book, {}, TODAY, config)
    assert rita.reward_tier["en"] == "First referral"  # one of her two referrals closed
    plan = plan_touchpoints(book, classify(book, TODAY, config), TODAY, config)
    (thanks,) = [t for t in plan.due if t.rule == "referral_thanks"]
    assert "First referral" in thanks.label


def test_a_referred_contact_without_an_id_has_one_key_everywhere() -> None:
    config = load_config()
    contacts = [Contact(row=2, id="R", name="Rita"), Contact(row=3, id="", name="",
                                                               referred_by="R")]
    book = Book(contacts, [], [])
    (rita,) = compute_referrals(book, {}, TODAY, config)
    assert referral_stats(book)["R"].referred_ids == tuple(rita.referred) == ("row 3",)


# ---------------------------------------------------------------------------------------------
# Completeness: which fields count, and which stage it is measured against.


def test_completeness_may_count_any_contacts_column() -> None:
    config = merge(load_config(), {"completeness": {"fields": ["name", "visits", "nps"]}})
    contacts = Table("Contacts", 1, ["ID", "Name", "Visits", "NPS"],
                     [(2, ["C1", "Ana", 3, ""])])
    book = validate_book({"contacts": contacts}, config)
    assert classify(book, TODAY, config)[book.contacts[0].key].completeness == pytest.approx(2 / 3)


def test_the_completeness_stage_is_the_same_for_row_issues_and_the_metrics() -> None:
    config = load_config()
    # Under contract after one visit, 40 % complete: measured against the first-contact target
    # (30 %) everywhere, not the after-three-visits one (70 %).
    contact = Contact(row=2, id="C1", name="Ana", stage="Under contract", visits=1,
                      filled_fields=frozenset({"name", "phone", "email", "owner"}))
    book = Book([contact], [], [])
    classes = classify(book, TODAY, config)
    assert classes[book.contacts[0].key].completeness == pytest.approx(0.4)
    assert not any(s.startswith("Profile") for s in classes[book.contacts[0].key].suggestions)
    groups = {m.group for m in compute_metrics(book, classes, TODAY, config)
              if m.key == "completeness" and m.group}
    assert groups == {"first_contact"}


# ---------------------------------------------------------------------------------------------
# The report and the Metrics tab on the same day.


def test_the_report_shows_the_on_time_share_the_metrics_tab_shows_on_a_same_day_rerun(
        synced: Path, tmp_path: Path) -> None:
    next_day = TODAY + timedelta(days=1)
    count = len(rows_of(synced, "Today"))
    set_cells(synced, "Today", "Done", dict.fromkeys(range(count), True))
    sync_workbook(str(synced), load_config(), next_day)
    on_time = metric_value(synced, "Touchpoints on time")
    assert on_time
    page = tmp_path / "report.html"
    assert main(["report", str(synced), "-o", str(page), "--today", next_day.isoformat()]) == 0
    card = re.search(r'Touchpoints on time</div><div class="value">([^<]+)<',
                     page.read_text(encoding="utf-8"))
    assert card and card[1] == f"{on_time * 100:.1f} %"


# ---------------------------------------------------------------------------------------------
# Issues about Contacts rows on a workbook whose Contacts tab has another name.


def test_touchpoint_issues_name_the_contacts_tab_by_its_own_name(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    write_starter_workbook(path, lang="zh", sample=True, today=TODAY)
    wb = openpyxl.load_workbook(path)
    sheet = wb["客户"]
    header = [c.value for c in sheet[1]]
    for column in ("电话", "邮箱"):  # no phone, no e-mail: no touchpoint can reach row 2
        sheet.cell(row=2, column=header.index(column) + 1).value = None
    wb.save(path)
    sync_workbook(str(path), load_config(), TODAY)
    issues = rows_of(path, "问题")
    assert {r["工作表"] for r in issues} <= {"客户", "互动记录", "成交记录"}
    # The Issues text is in the book's language (locales/zh.toml).
    assert any(r["工作表"] == "客户" and r["行"] == 2 and "没有可用的电话或邮箱" in r["问题"]
               for r in issues)
    row = rows_of(path, "客户")[0]
    assert "没有可用的电话或邮箱" in (row["行问题"] or "")
