"""Per-workbook locks: exclusive between processes, released by the OS when the holder dies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sheets_sync.locks import FileLock, LockBusy, lock_path, read_lock

ROOT = Path(__file__).resolve().parent.parent

HOLDER = """
import sys, time
from pathlib import Path
from sheets_sync.locks import FileLock
lock = FileLock(Path(sys.argv[1]), "book")
lock.acquire()
print("locked", flush=True)
time.sleep(60)
"""


def _holder(path: Path) -> subprocess.Popen[str]:
    """A real process holding the lock until killed."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_lock_path_is_stable_readable_and_distinct(tmp_path: Path) -> None:
    a = lock_path(tmp_path, "/srv/office/Contacts 2026.xlsx")
    assert a == lock_path(tmp_path, "/srv/office/Contacts 2026.xlsx")
    assert a.name.startswith("Contacts_2026.xlsx-") and a.suffix == ".lock"
    assert a != lock_path(tmp_path, "/srv/other/Contacts 2026.xlsx")  # same name, other folder
    sheet = lock_path(tmp_path, "gsheet:1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789")
    assert sheet.parent == tmp_path and sheet.name.startswith("1AbCdEfGhI")
    assert lock_path(tmp_path, "C:\\Users\\Mei\\x.xlsx").name.startswith("x.xlsx-")


def test_acquire_records_holder_and_release_empties_the_file(tmp_path: Path) -> None:
    path = tmp_path / "locks" / "a.lock"
    lock = FileLock(path, "/srv/a.xlsx")
    assert lock.acquire() is None  # free, nobody to recover from
    info = read_lock(path)
    assert info is not None and info.pid == os.getpid() and info.workbook == "/srv/a.xlsx"
    assert info.started[:4].isdigit() and ("+" in info.started[10:] or "-" in info.started[10:])
    lock.release()
    assert path.exists() and path.read_text() == ""  # kept, emptied: empty means free
    assert read_lock(path) is None
    lock.release()  # idempotent


def test_second_holder_in_the_same_process_is_busy(tmp_path: Path) -> None:
    path = tmp_path / "a.lock"
    with FileLock(path, "a"):
        with pytest.raises(LockBusy) as caught:
            FileLock(path, "a").acquire()
        assert caught.value.holder is not None and caught.value.holder.pid == os.getpid()
        assert "busy: locked by pid" in str(caught.value)
    with FileLock(path, "a") as again:  # free again after the with-block
        assert again.recovered is None


def test_other_process_holds_then_dies_and_the_lock_is_recovered(tmp_path: Path) -> None:
    path = tmp_path / "a.lock"
    proc = _holder(path)
    try:
        with pytest.raises(LockBusy) as caught:
            FileLock(path, "a").acquire()
        assert caught.value.holder is not None and caught.value.holder.pid == proc.pid
        began = time.monotonic()
        with pytest.raises(LockBusy):
            FileLock(path, "a").acquire(timeout=0.2)
        assert 0.15 < time.monotonic() - began < 2
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    lock = FileLock(path, "a")
    recovered = lock.acquire()  # the OS dropped the dead holder's lock; its note is left over
    try:
        assert recovered is not None and recovered.pid == proc.pid
        assert read_lock(path).pid == os.getpid()  # type: ignore[union-attr]
    finally:
        lock.release()


def test_leftover_note_with_a_live_unrelated_pid_does_not_block(tmp_path: Path) -> None:
    # After a reboot the pid in a leftover lock file may belong to some other live process
    # (here: pid 1). Only the OS lock counts, so the book is not blocked forever.
    path = tmp_path / "a.lock"
    path.write_text(json.dumps({"pid": 1, "host": "old", "started": "2026-01-01T00:00:00+00:00",
                                "workbook": "a"}))
    with FileLock(path, "a") as lock:
        assert lock.recovered is not None and lock.recovered.pid == 1


def test_garbage_lock_file_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "a.lock"
    path.write_bytes(b"\x00garbage")
    assert read_lock(path) is None
    with FileLock(path, "a") as lock:
        assert lock.recovered is None
        assert read_lock(path) is not None
