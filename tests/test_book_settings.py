"""Settings that travel with the workbook (issue 9, "What a user gets"; SPEC §2 Settings tab):
people own the tab, the sync reads it in any of the five languages, merges it over default.toml
below the user's own file, and reports each cell it cannot use."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheets_sync.config import load_config
from sheets_sync.core import vocabulary as v
from sheets_sync.core.book_settings import SETTINGS
from sheets_sync.core.model import Issue
from sheets_sync.core.plan import PlanResult, build_plan
from sheets_sync.starter import write_starter_workbook
from sheets_sync.stores.xlsx import XlsxStore
from sheets_sync.sync import sync_workbook

TODAY = date(2026, 11, 23)


def tab(key: str, lang: str) -> str:
    return v.label(v.TABS[key], lang)


def book(tmp_path: Path, lang: str = "en", country: str | None = None,
         contacts: tuple[tuple[str, str], ...] = (), **settings: Any) -> Path:
    """A starter book with `contacts` (name, phone) and Settings cells changed to `settings`
    (key -> value; None clears the cell)."""
    path = tmp_path / f"book-{lang}.xlsx"
    write_starter_workbook(path, lang, country=country)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[tab("settings", lang)]
    index = v.build_index(v.BOOK_SETTINGS)
    for row in sheet.iter_rows(min_row=2):
        key = index.get(v.normalise(row[0].value or ""))
        if key in settings:
            row[1].value = settings[key]
    people = workbook[tab("contacts", lang)]
    headers = [c.value for c in people[1]]
    for name, phone in contacts:
        row = [None] * len(headers)
        row[headers.index(v.label(v.CONTACT_COLUMNS["name"], lang))] = name
        row[headers.index(v.label(v.CONTACT_COLUMNS["phone"], lang))] = phone
        people.append(row)
    workbook.save(path)
    return path


def plan(path: Path, config: dict[str, Any] | None = None) -> PlanResult:
    return build_plan(XlsxStore(path).read(), config or load_config(), TODAY)


def settings_issues(result: PlanResult, lang: str = "en") -> list[Issue]:
    return [i for i in result.book.issues if i.tab == tab("settings", lang)]


def test_a_settings_cell_sets_the_books_default_country(tmp_path: Path) -> None:
    path = book(tmp_path, default_country="SG", contacts=(("Tan Ah Kow", "9123 4567"),))
    result = plan(path)
    assert result.config["general"]["default_country"] == "SG"
    assert result.book.contacts[0].phone == "+6591234567"


@pytest.mark.parametrize("lang", v.LANGS)
def test_headers_and_setting_names_are_read_in_each_language(tmp_path: Path, lang: str) -> None:
    path = book(tmp_path, lang, country="HK", daily_cap=12, manager="Mei Ling",
                office_address="1 Jalan Ampang")
    config = plan(path).config
    assert config["general"]["default_country"] == "HK"
    assert config["general"]["default_language"] == lang
    assert config["general"]["currency_format"] == '"HK$"#,##0'
    assert config["today"]["daily_cap"] == 12
    assert config["general"]["manager"] == "Mei Ling"
    assert config["touchpoints"]["office_address"] == "1 Jalan Ampang"


def test_a_country_name_in_the_tab_is_read_as_its_code(tmp_path: Path) -> None:
    path = book(tmp_path, default_country="马来西亚")
    assert plan(path).config["general"]["default_country"] == "MY"
    assert not settings_issues(plan(path))


def test_a_bad_value_is_an_issue_naming_the_cell_and_the_default_is_used(
        tmp_path: Path) -> None:
    path = book(tmp_path, daily_cap="lots", date_order="year first")
    result = plan(path)
    issues = {i.row: i for i in settings_issues(result)}
    cap_row = 2 + [s.key for s in SETTINGS].index("daily_cap")
    assert issues[cap_row].column == "Value" and issues[cap_row].value == "lots"
    assert "25" in issues[cap_row].suggestion  # says what is used meanwhile
    assert result.config["today"]["daily_cap"] == 25
    assert result.config["general"]["date_order"] == "dmy"
    assert len(issues) == 2  # one line per bad cell


def test_a_value_out_of_range_is_refused_in_the_cells_words(tmp_path: Path) -> None:
    # Not the TOML file's "'today.daily_cap' must be at least 1": the person typed a cell.
    result = plan(book(tmp_path, daily_cap=0, program_cost=-5))
    problems = sorted(i.problem for i in settings_issues(result))
    assert problems == ["not a whole number of 1 or more", "not an amount of 0 or more"]
    assert result.config["today"]["daily_cap"] == 25


def test_a_chinese_books_settings_issues_are_in_chinese(tmp_path: Path) -> None:
    path = book(tmp_path, "zh", daily_cap=0)
    workbook = openpyxl.load_workbook(path)
    workbook[tab("settings", "zh")].append(["每日上线", 10])
    workbook.save(path)
    result = plan(path)
    issues = next(t for t in result.changes.tabs if t.key == "issues")
    rows = [(row[4], row[5]) for row in issues.rows if row[0] == tab("settings", "zh")]
    assert rows == [("不是 1 或以上的整数", "请填写次数，例如 3（在此之前，同步使用 25）"),
                    ("未知的设置项", "您是不是想填 每日上限？")]


def test_an_unknown_setting_name_suggests_the_one_meant(tmp_path: Path) -> None:
    path = book(tmp_path)
    workbook = openpyxl.load_workbook(path)
    workbook["Settings"].append(["Daily capp", 10])
    workbook.save(path)
    (issue,) = settings_issues(plan(path))
    assert issue.problem == "unknown setting" and "Daily cap" in issue.suggestion


def test_the_users_file_wins_over_the_tab_and_the_cell_says_so(tmp_path: Path) -> None:
    path = book(tmp_path, default_country="SG")
    mine = tmp_path / "mine.toml"
    mine.write_text('[general]\ndefault_country = "JP"\n', encoding="utf-8")
    result = plan(path, load_config(mine))
    assert result.config["general"]["default_country"] == "JP"
    (issue,) = settings_issues(result)
    assert "config file" in issue.problem and issue.value == "SG"


def test_a_blank_value_leaves_the_setting_to_the_config(tmp_path: Path) -> None:
    result = plan(book(tmp_path, daily_cap=None))
    assert result.config["today"]["daily_cap"] == 25 and not settings_issues(result)


def test_the_sync_never_rewrites_the_settings_tab(tmp_path: Path) -> None:
    path = book(tmp_path, daily_cap="lots", manager="Daniel")
    before = [list(r) for r in openpyxl.load_workbook(path)["Settings"].iter_rows(
        values_only=True)]
    sync_workbook(str(path), load_config(), TODAY)
    after = openpyxl.load_workbook(path)
    assert [list(r) for r in after["Settings"].iter_rows(values_only=True)] == before
    issues = [r for r in after["Issues"].iter_rows(min_row=2, values_only=True)]
    assert any(r[0] == "Settings" and r[3] == "lots" for r in issues)


def test_the_tabs_currency_formats_money_cells(tmp_path: Path) -> None:
    path = tmp_path / "sample.xlsx"
    write_starter_workbook(path, "en", sample=True, today=TODAY)
    workbook = openpyxl.load_workbook(path)
    for row in workbook["Settings"].iter_rows(min_row=2):
        if row[0].value == "Currency":
            row[1].value = "JPY"
    workbook.save(path)
    sync_workbook(str(path), load_config(), TODAY)
    formats = {c.number_format for r in openpyxl.load_workbook(path)["Metrics"].iter_rows()
               for c in r}
    assert '"¥"#,##0' in formats and '"RM"#,##0' not in formats


def test_without_a_settings_tab_a_book_speaks_its_headers_language(tmp_path: Path) -> None:
    path = book(tmp_path, "zh-Hant", contacts=(("陳大文", "0912 345 678"),))
    workbook = openpyxl.load_workbook(path)
    del workbook[tab("settings", "zh-Hant")]
    workbook.save(path)
    result = plan(path)
    assert result.config["general"]["default_language"] == "zh-Hant"
    assert result.book.contacts[0].language == "zh-Hant"


def test_a_settings_tab_without_headers_is_read_from_its_first_two_columns(
        tmp_path: Path) -> None:
    path = book(tmp_path)
    workbook = openpyxl.load_workbook(path)
    del workbook["Settings"]
    sheet = workbook.create_sheet("Settings")
    sheet.append(["Default country", "TW"])
    sheet.append(["Daily cap", 7])
    workbook.save(path)
    config = plan(path).config
    assert config["general"]["default_country"] == "TW" and config["today"]["daily_cap"] == 7


def chinese_book() -> Any:
    """A Chinese book in memory: Settings say CN and zh; one contact with a Chinese mobile
    number, no Language, and a second one whose Settings-dependent cells matter."""
    from sheets_sync.sample_data import SampleData
    from sheets_sync.starter import build_workbook

    contacts = [{"name": "王建国", "phone": "13800138000", "owner": "Mei Ling"},
                {"name": "李娜", "phone": "021 6234 5678", "owner": "Mei Ling",
                 "birthday": "03/04/1985"}]
    return build_workbook("zh", SampleData(contacts, [], []), country="CN")


def test_init_on_google_writes_the_settings_tab(api: Any) -> None:
    from sheets_sync.google_cli import NEW, init_google
    from tests.gsheets_books import fast_config, tab_grids

    sheet, _ = init_google(NEW, fast_config(), "ja", False, TODAY)
    grids = tab_grids(f"gsheet:{sheet.key}")
    settings = {row[0]: row[1] for row in grids["設定"][1:] if len(row) > 1}
    assert settings["既定の国"] == "JP" and settings["言語"] == "日本語"


def test_the_same_book_syncs_the_same_on_excel_and_google_without_a_config_file(
        api: Any, tmp_path: Path) -> None:
    import python_calamine

    from tests.gsheets_books import fast_config, tab_grids, trim, upload

    path = tmp_path / "book.xlsx"
    chinese_book().save(path)
    location = upload(api, chinese_book())
    settings_before = tab_grids(location)["设置"]
    excel_report = sync_workbook(str(path), fast_config(), TODAY)
    google_report = sync_workbook(location, fast_config(), TODAY)
    # one Issue on both: 李娜's landline takes the solar-term tip by call instead of SMS
    assert excel_report.issues == google_report.issues == 1
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    excel = {name: trim(workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
             for name in workbook.sheet_names}
    google = tab_grids(location)
    for name in ("客户", "问题", "今日", "设置"):
        assert google[name] == excel[name], name
    assert google["设置"] == settings_before  # people own the tab: the sync never writes it
    message = google["今日"][0].index("消息")
    drafts = [row[message] for row in google["今日"][1:]]
    assert drafts and all("王建国" in d or "李娜" in d for d in drafts)


def test_a_file_overriding_an_unchanged_cell_is_no_issue(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text("[today]\ndaily_cap = 3\n", encoding="utf-8")
    result = plan(book(tmp_path), load_config(mine))
    assert result.config["today"]["daily_cap"] == 3 and not settings_issues(result)


def test_the_tabs_currency_formats_money_cells_on_google(api: Any) -> None:
    from sheets_sync.sample_data import build_sample
    from sheets_sync.starter import build_workbook
    from tests.gsheets_books import fast_config, upload

    workbook = build_workbook("en", build_sample(TODAY, "en"), sample_day=TODAY)
    for row in workbook["Settings"].iter_rows(min_row=2):
        if row[0].value == "Currency":
            row[1].value = "JPY"
    location = upload(api, workbook)
    sync_workbook(location, fast_config(), TODAY)
    metrics = api.spreadsheet(location.split(":", 1)[1]).sheet_by_title("Metrics")
    patterns = {cell.get("userEnteredFormat", {}).get("numberFormat", {}).get("pattern")
                for line in metrics.rows.values() for cell in line.values()}
    assert '"¥"#,##0' in patterns and '"RM"#,##0' not in patterns
