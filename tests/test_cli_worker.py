"""`sheets-sync run` and `sheets-sync status` through the real CLI on a real workbook."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.starter import write_starter_workbook


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sheets_sync.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def office(tmp_path: Path) -> Path:
    write_starter_workbook(tmp_path / "contacts.xlsx", sample=True, today=date.today())
    config = tmp_path / "office.toml"
    config.write_text(
        '[schedule]\ntimezone = "Asia/Kuala_Lumpur"\nnightly_time = "02:30"\n'
        '[files]\nlog_file = "state/worker.log"\nstatus_file = "state/status.json"\n'
        '[[workbooks]]\nlocation = "contacts.xlsx"\nname = "Main office"\n',
        encoding="utf-8",
    )
    return config


@pytest.mark.slow
def test_run_once_syncs_every_workbook_and_status_reports_it(tmp_path: Path) -> None:
    config = office(tmp_path)
    assert cli("run", "--config", str(config), "--check", cwd=tmp_path).returncode == 0
    result = cli("run", "--config", str(config), "--once", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Today" in openpyxl.load_workbook(tmp_path / "contacts.xlsx").sheetnames
    status = cli("status", "--config", str(config), cwd=tmp_path)
    assert status.returncode == 0 and "Main office" in status.stdout
    log = (tmp_path / "state" / "worker.log").read_text(encoding="utf-8")
    assert "Main office" in log and "@" not in log and "+60" not in log


def test_run_check_reports_a_missing_workbook(tmp_path: Path) -> None:
    config = office(tmp_path)
    (tmp_path / "contacts.xlsx").unlink()
    result = cli("run", "--config", str(config), "--check", cwd=tmp_path)
    assert result.returncode != 0 and "Traceback" not in result.stderr
