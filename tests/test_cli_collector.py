"""A command pauses the cycle collector while it runs (it runs once and exits) and leaves it
as it found it, however it ends: main() is also called from code that carries on after it."""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path

import pytest

from sheets_sync.cli import main
from sheets_sync.starter import write_starter_workbook

TODAY = "2026-11-23"


def test_the_collector_is_on_again_after_a_command(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "book.xlsx"
    write_starter_workbook(path, lang="en", sample=True, today=date.fromisoformat(TODAY))
    assert main(["today", str(path), "--today", TODAY]) == 0
    assert gc.isenabled()


def test_the_collector_is_on_again_after_a_command_that_fails(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a workbook")
    assert main(["sync", str(path), "--today", TODAY]) != 0
    assert gc.isenabled()


def test_a_caller_that_paused_the_collector_finds_it_still_paused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "book.xlsx"
    write_starter_workbook(path, lang="en", sample=True, today=date.fromisoformat(TODAY))
    gc.disable()
    try:
        assert main(["today", str(path), "--today", TODAY]) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
