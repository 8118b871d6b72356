"""Which tabs are the tool's (core/owned_tabs.py): the mark first, the header row without one."""

from __future__ import annotations

from sheets_sync.core.owned_tabs import (
    clash_issues,
    mark_after,
    owned_tab_keys,
    owned_tab_name,
)
from sheets_sync.core.plan import issues_tab

ISSUES_HEADER = issues_tab([], "en").headers
GRIDS = {"Issues": [ISSUES_HEADER], "Today": [["My list"]], "Issues (sheets-sync)":
         [ISSUES_HEADER], "問題": [["問題", "誰"]]}


def keys(names, mark=None):
    return owned_tab_keys(names, mark, lambda name: GRIDS.get(name, []))


def test_with_a_mark_only_the_tabs_it_names_are_the_tools():
    assert keys(["Issues", "Today"], {"Today": "today"}) == {"today": "Today"}


def test_without_a_mark_a_tab_is_the_tools_only_with_its_header_row():
    assert keys(["Issues", "Today", "問題"]) == {"issues": "Issues"}


def test_without_a_mark_a_tab_renamed_for_a_clash_is_found_again():
    assert keys(["Issues (sheets-sync)"]) == {"issues": "Issues (sheets-sync)"}


def test_a_clashing_name_in_any_case_or_spacing_gets_the_suffix_then_a_number():
    assert owned_tab_name("today", "en", {}, ["TO DAY"]) == "Today (sheets-sync)"
    assert owned_tab_name("today", "en", {}, ["today", "Today (Sheets-Sync)"]) == (
        "Today (sheets-sync 2)")
    assert owned_tab_name("today", "en", {"today": "Mine"}, ["Today"]) == "Mine"
    assert owned_tab_name("issues", "zh", {}, ["Today"]) == "问题"


def test_the_mark_keeps_tabs_not_written_this_time_and_moves_a_renamed_one():
    before = {"calendar": "Calendar", "today": "Today", "contacts": "Contacts"}
    assert mark_after(before, {"today": "Today (sheets-sync)"}) == {
        "Today (sheets-sync)": "today", "Calendar": "calendar"}


def test_a_clash_is_said_on_the_issues_tab_naming_both_tabs():
    names = {"today": "Today (sheets-sync)", "issues": "Issues", "themes": "Themes"}
    [issue] = clash_issues(names, ["Contacts", "TODAY", "Today (sheets-sync)"], "en")
    assert issue.tab == "TODAY" and "'Today (sheets-sync)'" in issue.problem
    assert clash_issues({"today": "Today"}, ["Today"], "en") == []
