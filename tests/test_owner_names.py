"""Owner names (issue 9, point 10; issue 10, `today --owner`): "mei ling", "MeiLing" and
"Mei Ling" are one agent, shown in the spelling most rows use, and each other spelling is an
Issue saying which one was meant; `today --owner` forgives case, spaces and a prefix."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.cli import main
from sheets_sync.config import load_config
from sheets_sync.core.owners import match_owners, owner_spellings
from sheets_sync.core.plan import PlanResult, build_plan
from sheets_sync.starter import write_starter_workbook
from sheets_sync.stores.xlsx import XlsxStore

TODAY = date(2026, 11, 23)


def sample(tmp_path: Path, spellings: dict[int, str] | None = None) -> Path:
    """The sample book with the Owner of its first "Mei Ling" rows retyped as `spellings`
    (n-th Mei Ling row -> spelling)."""
    path = tmp_path / "sample.xlsx"
    write_starter_workbook(path, "en", sample=True, today=TODAY)
    book = openpyxl.load_workbook(path)
    sheet = book["Contacts"]
    owner = [c.value for c in sheet[1]].index("Owner")
    rows = [r for r in sheet.iter_rows(min_row=2) if r[owner].value == "Mei Ling"]
    for n, spelling in (spellings or {}).items():
        rows[n][owner].value = spelling
    book.save(path)
    return path


def plan(path: Path) -> PlanResult:
    return build_plan(XlsxStore(path).read(), load_config(), TODAY)


def test_three_spellings_are_one_owner_and_each_variant_is_an_issue(tmp_path: Path) -> None:
    result = plan(sample(tmp_path, {0: "mei ling", 1: "MeiLing"}))
    owners = {c.owner for c in result.book.contacts}
    assert owners == {"Aisyah", "Daniel", "Mei Ling"}
    variants = [i for i in result.book.issues if i.column == "Owner"]
    assert sorted(i.value for i in variants) == ["MeiLing", "mei ling"]
    assert all(i.suggestion == "did you mean Mei Ling?" for i in variants)


def test_the_spelling_most_rows_use_is_the_one_shown() -> None:
    assert owner_spellings(["mei ling", "mei ling", "Mei Ling"]) == {"meiling": "mei ling"}


def test_a_tie_goes_to_the_spelling_that_looks_like_a_name() -> None:
    assert owner_spellings(["mei ling", "MeiLing", "Mei Ling"]) == {"meiling": "Mei Ling"}


def test_today_rows_carry_the_common_spelling(tmp_path: Path) -> None:
    result = plan(sample(tmp_path, {0: "mei ling", 1: "MEI LING", 2: "MeiLing"}))
    assert {i.owner for i in result.today_items} <= {"Aisyah", "Daniel", "Mei Ling"}


@pytest.mark.parametrize("query", ["Mei Ling", "mei ling", "meiling", "MEI", "ling", "Me"])
def test_an_owner_is_found_by_case_spaces_or_a_prefix(query: str) -> None:
    assert match_owners(query, ["Aisyah", "Daniel", "Mei Ling"]) == ["Mei Ling"]


def test_a_prefix_of_several_owners_finds_them_all() -> None:
    assert match_owners("a", ["Aisyah", "Daniel", "Ahmad"]) == ["Aisyah", "Ahmad"]


def test_today_owner_lists_only_that_agents_items(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = sample(tmp_path)
    assert main(["today", str(path), "--owner", "meiling", "--today", TODAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "Mei Ling" in out and "Daniel" not in out and "Aisyah" not in out


def test_today_owner_that_matches_nobody_lists_the_real_owners(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = sample(tmp_path)
    assert main(["today", str(path), "--owner", "Bob", "--today", TODAY.isoformat()]) == 2
    err = capsys.readouterr().err
    assert "no owner in this book matches 'Bob'" in err
    assert "owners: Aisyah, Daniel, Mei Ling" in err


def with_manager(path: Path, manager: str) -> Path:
    book = openpyxl.load_workbook(path)
    for row in book["Settings"].iter_rows(min_row=2):
        if row[0].value == "Manager":
            row[1].value = manager
    book.save(path)
    return path


def test_the_manager_setting_is_spelt_as_the_owner_column_spells_them(tmp_path: Path) -> None:
    result = plan(with_manager(sample(tmp_path), "mei ling"))
    assert result.config["general"]["manager"] == "Mei Ling"


def test_a_manager_without_contacts_is_an_owner_today_accepts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = with_manager(sample(tmp_path), "Siti Rahman")
    assert main(["today", str(path), "--owner", "siti", "--today", TODAY.isoformat()]) == 0
    assert "Siti Rahman" in capsys.readouterr().out
