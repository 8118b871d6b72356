"""Two writers of one workbook, and a person saving it while a sync runs: real processes.

The file on disk is always a complete workbook (the old one, the person's or the synced one),
a person's save is never thrown away, and only one process writes at a time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.failpoints import FAILPOINT_ENV
from sheets_sync.locks import FileLock, book_lock_file, read_lock
from sheets_sync.starter import write_starter_workbook
from tests.conftest import SAMPLE_DAY

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fresh_sample(tmp_path_factory) -> Path:
    """The bundled sample, never synced: every first sync of a copy writes."""
    path = tmp_path_factory.mktemp("fresh") / "book.xlsx"
    write_starter_workbook(path, lang="en", sample=True, today=SAMPLE_DAY)
    return path


def start_sync(path: Path, *extra: str, failpoint: str = "") -> subprocess.Popen[str]:
    env = dict(os.environ)
    env.pop(FAILPOINT_ENV, None)
    if failpoint:
        env[FAILPOINT_ENV] = failpoint
    return subprocess.Popen(
        [sys.executable, "-m", "sheets_sync.cli", "sync", str(path),
         "--today", SAMPLE_DAY.isoformat(), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out + err


def wait_for(path: Path, process: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"the sync ended before {path.name}: {finish(process)}")
        if time.monotonic() > deadline:
            raise AssertionError(f"the sync never reached {path.name}")
        time.sleep(0.02)


def assert_complete_workbook(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
    openpyxl.load_workbook(path, read_only=True).close()


def person_saves(path: Path, cell: str, value: str) -> None:
    """Save the workbook the way editors and file-sync clients do: a new file, then a rename."""
    workbook = openpyxl.load_workbook(path)
    workbook["Contacts"][cell] = value
    temp = path.with_name("~person-save.xlsx")
    workbook.save(temp)
    os.replace(temp, path)


def contacts_cell(path: Path, cell: str) -> object:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return workbook["Contacts"][cell].value
    finally:
        workbook.close()


def backups(path: Path) -> list[Path]:
    return sorted((path.parent / ".sheets-sync-backups").glob(f"{path.stem}.*{path.suffix}"))


def temp_files(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f".{path.name}*"))


def is_synced(path: Path) -> bool:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return "Today" in workbook.sheetnames
    finally:
        workbook.close()


@pytest.mark.parametrize("round_", range(10))
def test_two_syncs_started_together_write_one_after_the_other(
    fresh_sample: Path, tmp_path: Path, round_: int
) -> None:
    path = tmp_path / "book.xlsx"
    shutil.copy(fresh_sample, path)
    first, second = start_sync(path), start_sync(path)
    results = [finish(first), finish(second)]
    assert [code for code, _ in results] == [0, 0], results
    said = [text for _, text in results]
    assert sum("Written" in text for text in said) == 1, said  # the other found nothing new
    assert sum("Nothing changed" in text for text in said) == 1, said
    assert len(backups(path)) == 1
    assert_complete_workbook(path)
    assert is_synced(path)
    assert temp_files(path) == []


def test_a_second_writer_gives_up_after_the_wait_and_names_the_holder(
    fresh_sample: Path, tmp_path: Path
) -> None:
    path = tmp_path / "book.xlsx"
    shutil.copy(fresh_sample, path)
    before = path.read_bytes()
    config = tmp_path / "office.toml"
    config.write_text("[general]\nlock_wait_seconds = 0.5\n", encoding="utf-8")
    holder = FileLock(book_lock_file(str(path)), str(path))
    holder.acquire()  # this test process plays the other sync
    try:
        code, text = finish(start_sync(path, "--config", str(config)))
    finally:
        holder.release()
    assert code == 3
    # The holder's pid, that it still runs, and since when (the stale-lock line says more).
    assert (f"another sync of book.xlsx is running (pid {os.getpid()} on this machine, still "
            "running, started ") in text
    assert len(text.strip().splitlines()) == 1
    assert path.read_bytes() == before


@pytest.mark.parametrize("moment", ["read-done", "before-rename"])
def test_a_person_saving_during_the_sync_keeps_their_edit(
    fresh_sample: Path, tmp_path: Path, moment: str
) -> None:
    path = tmp_path / "book.xlsx"
    shutil.copy(fresh_sample, path)
    go = tmp_path / "go"
    sync = start_sync(path, failpoint=f"{moment}=pause:{go}")
    wait_for(tmp_path / "go.reached.1", sync)
    person_saves(path, "B2", "Edited while syncing")
    go.touch()
    code, text = finish(sync)
    assert code == 0, text
    assert contacts_cell(path, "B2") == "Edited while syncing"  # the person's save survived
    assert is_synced(path)  # and the sync started over from it
    assert_complete_workbook(path)
    assert temp_files(path) == []


def test_a_person_saving_twice_during_the_sync_wins_and_the_sync_exits_3(
    fresh_sample: Path, tmp_path: Path
) -> None:
    path = tmp_path / "book.xlsx"
    shutil.copy(fresh_sample, path)
    go = tmp_path / "go"
    sync = start_sync(path, failpoint=f"before-rename=pause:{go}")
    for arrival, text in ((1, "first edit"), (2, "second edit")):
        wait_for(tmp_path / f"go.reached.{arrival}", sync)
        person_saves(path, "B2", text)
        mine = path.read_bytes()
        (tmp_path / f"go.{arrival}").touch()
    code, said = finish(sync)
    assert code == 3
    assert "was saved by someone else while it was being synced" in said
    assert path.read_bytes() == mine  # the person's last save, byte for byte
    assert temp_files(path) == []


def test_a_stale_lock_and_temp_file_from_a_kill_are_recovered_by_the_next_run(
    fresh_sample: Path, tmp_path: Path
) -> None:
    path = tmp_path / "book.xlsx"
    shutil.copy(fresh_sample, path)
    old = path.read_bytes()
    victim = start_sync(path, failpoint="before-rename=kill")
    code, _ = finish(victim)
    assert code == -9  # it really died with its new file complete but not yet renamed
    assert path.read_bytes() == old
    lock = book_lock_file(str(path))
    assert read_lock(lock).pid == victim.pid  # type: ignore[union-attr]  # stale, left behind
    leftover = temp_files(path)
    assert [p.name.split(".")[3] for p in leftover] == [str(victim.pid)]  # whose it was

    code, text = finish(start_sync(path))
    assert code == 0, text
    assert is_synced(path)
    assert temp_files(path) == []  # the killed run's temporary file was cleaned up
    assert read_lock(lock) is None  # released by the run that recovered it
