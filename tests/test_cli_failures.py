"""Failures outside the workbook, as a new user meets them: each is one line on stderr naming the
file or folder and the fix, with a useful exit code — never "internal error" — and `--debug`
still shows the traceback.

Permission tests need permissions to apply: run as root, the command runs with the capabilities
that bypass them dropped (setpriv), so root meets a 0555 folder as any user does."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from sheets_sync.locks import FileLock, book_lock_file
from sheets_sync.starter import write_starter_workbook
from tests.conftest import SAMPLE_DAY

pytestmark = pytest.mark.slow  # every test starts the real command

ROOT = Path(__file__).resolve().parents[1]
DAY = SAMPLE_DAY.isoformat()
SETPRIV = shutil.which("setpriv")
NO_OVERRIDE = [SETPRIV or "setpriv", "--inh-caps=-all",
               "--bounding-set=-dac_override,-dac_read_search,-fowner,-linux_immutable", "--"]


def command(*args: str, unprivileged: bool = False) -> list[str]:
    base = [sys.executable, "-m", "sheets_sync.cli", *args]
    if unprivileged and os.geteuid() == 0:
        if SETPRIV is None:
            pytest.skip("running as root without setpriv: file permissions do not apply")
        return [*NO_OVERRIDE, *base]
    return base


def run(*args: str, cwd: Path, unprivileged: bool = False,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(*args, unprivileged=unprivileged), cwd=cwd,
                          capture_output=True, text=True, timeout=180,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def one_line(result: subprocess.CompletedProcess[str], code: int, *words: str) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == code, result.stderr
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    for word in words:
        assert word.lower() in lines[0].lower(), lines[0]
    return lines[0]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.xlsx"
    write_starter_workbook(path, lang="en", sample=True, today=SAMPLE_DAY)
    return path


@pytest.fixture
def locked_folder(tmp_path: Path) -> Path:
    """A folder this user may read but not write."""
    folder = tmp_path / "shared"
    folder.mkdir()
    yield folder
    folder.chmod(0o755)


def leftovers(folder: Path) -> list[str]:
    """Temporary files a failed write left behind (in the folder or its backup folder)."""
    found = [p.name for p in folder.glob(".*sheets-sync-tmp")]
    found += [p.name for p in (folder / ".sheets-sync-backups").glob("*.part")]
    return found


# -- permission denied -------------------------------------------------------------------------


def test_sync_in_a_folder_without_write_permission(book: Path, locked_folder: Path) -> None:
    shutil.move(book, locked_folder / "book.xlsx")
    locked_folder.chmod(0o555)
    before = (locked_folder / "book.xlsx").read_bytes()
    result = run("sync", "shared/book.xlsx", "--today", DAY, cwd=book.parent, unprivileged=True)
    line = one_line(result, 2, "cannot write in", "write permission")
    assert str(locked_folder) in line
    assert (locked_folder / "book.xlsx").read_bytes() == before


@pytest.mark.parametrize("args", [
    ("report", "book.xlsx", "-o", "shared/report.html"),
    ("ics", "book.xlsx", "-o", "shared/touchpoints.ics"),
    ("referrals", "book.xlsx", "--graph", "shared/referrals.png"),
], ids=["report", "ics", "referrals-graph"])
def test_an_output_into_a_folder_without_write_permission(book: Path, locked_folder: Path,
                                                          args: tuple[str, ...]) -> None:
    locked_folder.chmod(0o555)
    result = run(*args, "--today", DAY, cwd=book.parent, unprivileged=True)
    line = one_line(result, 2, "permission denied", "was not written", "write permission")
    assert str(locked_folder) in line
    assert list(locked_folder.iterdir()) == []


def test_a_workbook_that_cannot_be_read(book: Path) -> None:
    book.chmod(0o000)
    try:
        result = run("today", "book.xlsx", "--today", DAY, cwd=book.parent, unprivileged=True)
    finally:
        book.chmod(0o644)
    one_line(result, 2, "permission denied: cannot read book.xlsx", "read permission")


def test_a_workbook_in_a_folder_that_cannot_be_opened(book: Path, locked_folder: Path) -> None:
    shutil.move(book, locked_folder / "book.xlsx")
    locked_folder.chmod(0o000)
    result = run("today", "shared/book.xlsx", "--today", DAY, cwd=book.parent,
                 unprivileged=True)
    one_line(result, 2, f"the folder {locked_folder} cannot be opened", "ask its owner")


def test_debug_still_shows_the_traceback(book: Path, locked_folder: Path) -> None:
    locked_folder.chmod(0o555)
    result = run("--debug", "report", "book.xlsx", "-o", "shared/r.html", "--today", DAY,
                 cwd=book.parent, unprivileged=True)
    assert result.returncode == 2
    assert "Traceback" in result.stderr and "PermissionError" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("sheets-sync: permission denied")


def test_a_read_only_workbook_is_refused_not_replaced(book: Path) -> None:
    book.chmod(0o444)
    before, inode = book.read_bytes(), book.stat().st_ino
    result = run("sync", "book.xlsx", "--today", DAY, cwd=book.parent, unprivileged=True)
    one_line(result, 2, "book.xlsx is read-only", "chmod u+w")
    assert book.read_bytes() == before and book.stat().st_ino == inode
    assert oct(book.stat().st_mode & 0o777) == oct(0o444)


# -- disk full ---------------------------------------------------------------------------------


def test_a_full_disk_while_the_backup_is_written(book: Path) -> None:
    before = book.read_bytes()
    result = run("sync", "book.xlsx", "--today", DAY, cwd=book.parent,
                 env={"SHEETS_SYNC_FAILPOINT": "backup-write=enospc"})
    one_line(result, 2, "disk is full", "free some space", "the workbook is unchanged")
    assert book.read_bytes() == before
    assert leftovers(book.parent) == []
    assert list((book.parent / ".sheets-sync-backups").glob("book.*.xlsx")) == []


@pytest.fixture
def small_disk(tmp_path: Path) -> Path:
    """A 128 KB file system: room for the workbook and its backup, not for the new file too."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(mount)],
            capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root)")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_real_full_disk_leaves_no_partial_file(book: Path, small_disk: Path) -> None:
    path = small_disk / "book.xlsx"
    shutil.copy(book, path)
    filler = small_disk / "filler"
    free = shutil.disk_usage(small_disk).free
    # Leave room for the backup but not for the new workbook beside it.
    filler.write_bytes(b"\0" * max(0, free - path.stat().st_size - 16 * 1024))
    before = path.read_bytes()
    result = run("sync", str(path), "--today", DAY, cwd=book.parent)
    one_line(result, 2, "disk is full", "free some space")
    assert path.read_bytes() == before
    assert leftovers(small_disk) == []


def test_a_report_onto_a_full_disk_leaves_nothing_behind(book: Path, small_disk: Path) -> None:
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * max(0, shutil.disk_usage(small_disk).free - 4096))
    result = run("report", "book.xlsx", "-o", str(small_disk / "report.html"), "--today", DAY,
                 cwd=book.parent)
    one_line(result, 2, "disk is full", "report.html was not written")
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]


# -- broken pipe -------------------------------------------------------------------------------


def run_into_closed_pipe(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """As `… | head -0` whose reader has already gone: every write to stdout fails (EPIPE)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(command(*args), cwd=cwd, stdout=write_end, stderr=subprocess.PIPE,
                              text=True, timeout=180, env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        os.close(write_end)


def test_today_into_a_closed_pipe_exits_quietly(book: Path) -> None:
    result = run_into_closed_pipe("today", "book.xlsx", "--today", DAY, cwd=book.parent)
    assert (result.returncode, result.stderr) == (0, "")


def test_sync_into_a_closed_pipe_writes_then_exits_quietly(book: Path) -> None:
    before = book.read_bytes()
    result = run_into_closed_pipe("sync", "book.xlsx", "--today", DAY, cwd=book.parent)
    assert (result.returncode, result.stderr) == (0, "")
    assert book.read_bytes() != before  # the sync itself was done before the output failed
    assert len(list((book.parent / ".sheets-sync-backups").glob("book.*.xlsx"))) == 1


def test_today_piped_to_head(book: Path) -> None:
    shell = subprocess.run(
        ["bash", "-c", "set -o pipefail; " + " ".join(command("today", "book.xlsx", "--today",
                                                              DAY)) + " | head -1"],
        cwd=book.parent, capture_output=True, text=True, timeout=180,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert shell.returncode == 0, shell.stderr
    assert shell.stderr == "" and len(shell.stdout.splitlines()) == 1


# -- stale locks -------------------------------------------------------------------------------


def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_lock_whose_holder_died_says_it_is_stale_and_how_to_clear_it(book: Path) -> None:
    lock_file = book_lock_file(str(book))
    holder = FileLock(lock_file, str(book))
    holder.acquire()  # a file system that kept a dead process's lock
    pid = dead_pid()
    started = (datetime.now().astimezone() - timedelta(hours=3)).isoformat(timespec="seconds")
    lock_file.write_text(json.dumps({"pid": pid, "host": socket.gethostname(),
                                     "started": started, "workbook": str(book)}))
    try:
        result = run("sync", "book.xlsx", "--config", str(fast_lock(book.parent)), "--today",
                     DAY, cwd=book.parent)
    finally:
        holder.release()
    line = one_line(result, 3, f"pid {pid}", "no longer running", "stale", "3 h", "delete")
    assert str(lock_file) in line


def test_a_live_holder_is_named_with_its_age(book: Path) -> None:
    holder = FileLock(book_lock_file(str(book)), str(book))
    holder.acquire()
    try:
        result = run("sync", "book.xlsx", "--config", str(fast_lock(book.parent)), "--today",
                     DAY, cwd=book.parent)
    finally:
        holder.release()
    one_line(result, 3, f"pid {os.getpid()} on this machine, still running", "ago",
             f"kill {os.getpid()}")


def fast_lock(folder: Path) -> Path:
    config = folder / "fast.toml"
    config.write_text("[general]\nlock_wait_seconds = 0\n", encoding="utf-8")
    return config


def test_an_owner_file_left_by_a_crashed_excel_says_its_age_and_how_to_clear_it(
        book: Path) -> None:
    owner = book.with_name("~$book.xlsx")
    owner.write_bytes(bytes([3]) + b"Mei" + b" " * 50)
    two_days_ago = (datetime.now() - timedelta(days=2)).timestamp()
    os.utime(owner, (two_days_ago, two_days_ago))
    before = book.read_bytes()
    result = run("sync", "book.xlsx", "--today", DAY, cwd=book.parent)
    one_line(result, 3, "open in a spreadsheet program", "by Mei", "2 days ago",
             "close it first", "delete ~$book.xlsx")
    assert book.read_bytes() == before


# -- read-only commands on an open workbook ----------------------------------------------------


@pytest.mark.parametrize("args", [
    ("today", "book.xlsx"),
    ("report", "book.xlsx", "-o", "report.html"),
    ("ics", "book.xlsx", "-o", "touchpoints.ics"),
    ("referrals", "book.xlsx"),
], ids=["today", "report", "ics", "referrals"])
def test_a_read_only_command_reads_a_workbook_open_in_excel(book: Path,
                                                            args: tuple[str, ...]) -> None:
    book.with_name("~$book.xlsx").write_bytes(b"\x03Mei")
    result = run(*args, "--today", DAY, cwd=book.parent)
    assert result.returncode == 0, result.stderr
    note = result.stderr.strip().splitlines()
    assert len(note) == 1 and "unsaved edits there are not seen" in note[0]
    assert result.stdout


def test_a_read_only_command_reads_a_workbook_being_synced(book: Path) -> None:
    holder = FileLock(book_lock_file(str(book)), str(book))
    holder.acquire()  # this test process plays the running sync
    try:
        result = run("today", "book.xlsx", "--today", DAY, cwd=book.parent)
    finally:
        holder.release()
    assert result.returncode == 0, result.stderr
    assert f"a sync of book.xlsx is running (pid {os.getpid()})" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# -- --today out of range ----------------------------------------------------------------------


def test_a_today_beyond_the_calendar_is_a_clear_line(book: Path) -> None:
    result = run("today", "book.xlsx", "--today", "9999-12-31", cwd=book.parent)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert "between 1900-01-01 and 9899-12-31" in last and "9999-12-31" in last


# -- outputs never overwrite what is not theirs ------------------------------------------------


@pytest.mark.parametrize("args", [
    ("report", "book.xlsx", "-o", "book.xlsx"),
    ("ics", "book.xlsx", "-o", "book.xlsx"),
    ("referrals", "book.xlsx", "--graph", "book.xlsx", "--force"),
    ("report", "book.xlsx", "-o", "other.xlsx", "--force"),
], ids=["report", "ics", "graph-forced", "another-xlsx-forced"])
def test_an_output_never_overwrites_a_workbook(book: Path, args: tuple[str, ...]) -> None:
    other = book.with_name("other.xlsx")
    shutil.copy(book, other)
    before = book.read_bytes()
    one_line(run(*args, "--today", DAY, cwd=book.parent), 2, "spreadsheet name", "never")
    assert book.read_bytes() == before and other.read_bytes() == before


def test_an_output_keeps_a_file_it_did_not_write_unless_forced(book: Path) -> None:
    mine = book.with_name("notes.html")
    mine.write_text("<p>my notes</p>", encoding="utf-8")
    one_line(run("report", "book.xlsx", "-o", "notes.html", "--today", DAY, cwd=book.parent),
             2, "notes.html already exists", "not written by sheets-sync", "--force")
    assert mine.read_text(encoding="utf-8") == "<p>my notes</p>"
    forced = run("report", "book.xlsx", "-o", "notes.html", "--force", "--today", DAY,
                 cwd=book.parent)
    assert forced.returncode == 0 and "sheets-sync" in mine.read_text(encoding="utf-8")


@pytest.mark.parametrize("args", [
    ("report", "book.xlsx", "-o", "out.html"),
    ("ics", "book.xlsx", "-o", "out.ics"),
    ("referrals", "book.xlsx", "--graph", "out.png"),
], ids=["report", "ics", "referrals-graph"])
def test_an_output_replaces_its_own_earlier_file(book: Path, args: tuple[str, ...]) -> None:
    assert run(*args, "--today", DAY, cwd=book.parent).returncode == 0
    again = run(*args, "--today", DAY, cwd=book.parent)
    assert again.returncode == 0, again.stderr


# -- symlinked workbook ------------------------------------------------------------------------


def test_a_symlinked_workbook_is_updated_through_the_link(book: Path) -> None:
    real = book.parent / "real" / "contacts.xlsx"
    real.parent.mkdir()
    shutil.move(book, real)
    book.symlink_to(real)
    before = real.read_bytes()
    result = run("sync", "book.xlsx", "--today", DAY, cwd=book.parent)
    assert result.returncode == 0, result.stderr
    assert book.is_symlink() and book.resolve() == real.resolve()
    assert real.read_bytes() != before
    assert len(list((real.parent / ".sheets-sync-backups").glob("contacts.*.xlsx"))) == 1
