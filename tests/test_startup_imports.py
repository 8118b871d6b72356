"""What a command loads is what it needs (docs/design.md, "The no-op sync and start-up"): the
CLI itself loads no library and no rules, `today` and a sync of the sample with warm caches
load neither calendar library nor a writer they do not use, and a same-day re-sync loads no
rules at all. Each case runs in a fresh interpreter, since this one has imported everything."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from sheets_sync.starter import write_starter_workbook

TODAY = "2026-12-01"
# Libraries a command loads only where it uses them.
LIBRARIES = {"openpyxl", "gspread", "google", "requests", "matplotlib", "holidays",
             "lunar_python"}
PROBE = """
import json, sys
from sheets_sync.cli import main
code = main(sys.argv[2:])
with open(sys.argv[1], "w", encoding="utf-8") as out:
    json.dump({"code": code, "modules": sorted(sys.modules)}, out)
"""


def loaded(folder: Path, cache: Path, *args: str) -> set[str]:
    """The top-level packages and the sheets_sync modules a `sheets-sync *args` run loads."""
    report = folder / "modules.json"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    subprocess.run([sys.executable, "-c", PROBE, str(report), *args], cwd=folder, env=env,
                   check=True, capture_output=True, timeout=120)
    result = json.loads(report.read_text(encoding="utf-8"))
    assert result["code"] == 0
    names: set[str] = set()
    for name in result["modules"]:
        names.add(name if name.startswith("sheets_sync") else name.split(".")[0])
    return names


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A sample book synced once, with the user cache (holidays, shipped files) warm."""
    book = tmp_path / "book.xlsx"
    write_starter_workbook(book, lang="en", sample=True, today=date.fromisoformat(TODAY))
    shutil.copy(book, tmp_path / "fresh.xlsx")
    loaded(tmp_path, tmp_path / "cache", "sync", "book.xlsx", "--today", TODAY)
    return book


@pytest.mark.slow
def test_importing_the_cli_loads_no_library_and_no_rules(tmp_path: Path) -> None:
    report = tmp_path / "modules.json"
    code = ("import json, sys, sheets_sync.cli; "
            f"json.dump(sorted(sys.modules), open({str(report)!r}, 'w'))")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    modules = set(json.loads(report.read_text(encoding="utf-8")))
    tops = {name.split(".")[0] for name in modules}
    assert not tops & (LIBRARIES | {"phonenumbers", "python_calamine"})
    ours = {name for name in modules if name.startswith("sheets_sync.")}
    assert not {n for n in ours if n.startswith(("sheets_sync.stores", "sheets_sync.sync"))}
    assert not ours & {"sheets_sync.core.plan", "sheets_sync.core.settings",
                       "sheets_sync.core.rule_schema", "sheets_sync.core.model"}


@pytest.mark.slow
def test_today_on_the_sample_loads_no_calendar_library_and_no_insight_tab(
        sample: Path, tmp_path: Path) -> None:
    modules = loaded(tmp_path, tmp_path / "cache", "today", sample.name, "--today", TODAY)
    assert not modules & LIBRARIES
    # The light plan writes no Calendar, Metrics or Referrals tab: their modules stay unloaded.
    assert not modules & {"sheets_sync.core.insights", "sheets_sync.core.calendar_plan",
                          "sheets_sync.core.metrics_layout", "sheets_sync.outputs"}


@pytest.mark.slow
def test_a_first_sync_of_the_sample_with_warm_caches_loads_no_calendar_library(
        sample: Path, tmp_path: Path) -> None:
    # lunar_python: the lunar months ship as a table; holidays: the cache knows the tables.
    modules = loaded(tmp_path, tmp_path / "cache", "sync", "fresh.xlsx", "--today", TODAY)
    assert "sheets_sync.core.calendar_plan" in modules  # it did write the Calendar tab
    assert not modules & LIBRARIES


@pytest.mark.slow
def test_a_same_day_resync_of_the_sample_loads_no_rules(sample: Path, tmp_path: Path) -> None:
    loaded(tmp_path, tmp_path / "cache", "sync", sample.name, "--today", TODAY)  # wrote nothing
    modules = loaded(tmp_path, tmp_path / "cache", "sync", sample.name, "--today", TODAY)
    assert not modules & (LIBRARIES | {"phonenumbers", "python_calamine"})
    assert not modules & {"sheets_sync.core.plan", "sheets_sync.core.settings",
                          "sheets_sync.core.rule_schema", "sheets_sync.core.validate"}
