"""The holiday tables kept in the user's cache folder (sheets_sync/holiday_cache.py) are the
`holidays` package's own answers, and a table found there is used instead of computing it.
Each test asks for a year no other test does: a process computes a table only once."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import holidays
import pytest

from sheets_sync.core.calendars import public_holidays
from sheets_sync.holiday_cache import cache_file, holiday_tables


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path


def saved_tables() -> dict:
    path = cache_file()
    assert path is not None
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_tables_a_run_computes_are_saved_as_the_package_gives_them(cache_home: Path) -> None:
    with holiday_tables():
        public_holidays("GB", 2077)
    key = json.dumps(["holidays", "GB", None, 2077, "en_US"])
    package = holidays.country_holidays("GB", years=2077, language="en_US")
    assert saved_tables()[key] == [[d.isoformat(), package.get_list(d)] for d in sorted(package)]


def test_a_table_found_in_the_cache_is_used(cache_home: Path) -> None:
    key = json.dumps(["holidays", "MY", None, 2999, "en_US"])
    path = cache_file()
    assert path is not None
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({key: [["2999-03-03", ["Cache Day"]]]}), encoding="utf-8")
    with holiday_tables():
        found = public_holidays("MY", 2999)
    assert [(h.date, h.key) for h in found] == [(date(2999, 3, 3), "Cache Day")]


def test_a_garbled_cache_file_is_a_cold_start_and_is_written_again(cache_home: Path) -> None:
    path = cache_file()
    assert path is not None
    path.parent.mkdir(parents=True)
    path.write_text('{"["holidays", ', encoding="utf-8")
    with holiday_tables():
        found = public_holidays("JP", 2078)
    assert found and json.dumps(["holidays", "JP", None, 2078, "en_US"]) in saved_tables()


def test_a_user_with_no_home_folder_gets_the_tables_without_a_cache(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("HOME", raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert cache_file() is None
    with holiday_tables():
        found = public_holidays("GB", 2078)
    package = holidays.country_holidays("GB", years=2078)
    assert found and all(h.date in package for h in found)
