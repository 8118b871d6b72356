"""One lock per workbook, so two workers (or a worker and an overlapping cron run) never sync the
same book at once.

Why OS file locks (flock / msvcrt.locking) rather than "create the file exclusively, then check
whether the pid inside is alive": the kernel drops the lock the moment its holder dies — kill -9,
a crash, a power cut — so a stale lock can never block anyone, there is no race between two
processes both deciding a lock is stale, and a pid re-used by an unrelated process after a reboot
cannot keep a book locked forever. The file still records pid, host and start time of the holder,
for the "busy" log line and so that taking over a dead holder's lock is reported.

The lock file is never deleted, only emptied on release: deleting it would let a process that
opened the old file and one that creates a new file both hold "the" lock. An empty lock file means
free. Keep the lock directory on a local disk: file locks on network shares are unreliable.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import TracebackType

from sheets_sync.errors import UserError, WorkbookLocked
from sheets_sync.failures import DENIED, os_error_line

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    # Lock one byte far past the content, so the pid/host/time stay readable while locked
    # (Windows byte-range locks block reads of the locked range).
    _WIN_LOCK_OFFSET = 1 << 30

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        finally:
            os.lseek(fd, 0, os.SEEK_SET)
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        os.lseek(fd, 0, os.SEEK_SET)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


@dataclass(frozen=True)
class LockInfo:
    pid: int
    host: str
    started: str  # ISO 8601 with offset
    workbook: str

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host} since {self.started}"


class LockBusy(WorkbookLocked):
    """Another live process holds the lock."""

    def __init__(self, path: Path, holder: LockInfo | None) -> None:
        self.path = path
        self.holder = holder
        who = holder.describe() if holder else "another process"
        super().__init__(f"busy: locked by {who}", f"lock file {path}")


def lock_path(lock_dir: Path, key: str) -> Path:
    """A stable file name per workbook: readable slug + hash of the full identity."""
    tail = key.replace("\\", "/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", tail)[:40].strip("._") or "workbook"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    return lock_dir / f"{slug}-{digest}.lock"


def read_lock(path: Path) -> LockInfo | None:
    """Who holds (or last held without releasing) this lock; None when free or unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    return _parse(text)


def _parse(text: str) -> LockInfo | None:
    try:
        data = json.loads(text)
        return LockInfo(int(data["pid"]), str(data["host"]), str(data["started"]),
                        str(data.get("workbook", "")))
    except (ValueError, KeyError, TypeError):
        return None


class FileLock:
    """An exclusive lock on `path`. `acquire()` returns the info of a dead previous holder whose
    lock it took over (None if the lock was cleanly free) or raises LockBusy."""

    def __init__(self, path: Path, workbook: str = "") -> None:
        self.path = path
        self.workbook = workbook
        self._fd: int | None = None
        self.recovered: LockInfo | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, timeout: float = 0.0, poll: float = 0.05) -> LockInfo | None:
        if self._fd is not None:
            raise RuntimeError(f"{self.path} is already held by this object")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + timeout
        try:
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise LockBusy(self.path, _parse(_read_fd(fd)))
                time.sleep(poll)
            leftover = _read_fd(fd)
            # Content left in a lock we could take means its holder died without releasing.
            self.recovered = _parse(leftover) if leftover.strip() else None
            info = LockInfo(os.getpid(), socket.gethostname(),
                            datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
                            self.workbook)
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, json.dumps(asdict(info)).encode("utf-8"))
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return self.recovered

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)  # empty = free; see the module docstring for why not unlink
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def _read_fd(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 4096):
        chunks.append(chunk)
        if len(chunks) > 16:  # a lock file is ~150 bytes; do not read a huge foreign file
            break
    os.lseek(fd, 0, os.SEEK_SET)
    return b"".join(chunks).decode("utf-8", "replace")


# ---------------------------------------------------------------------------------------------
# The one lock every writer of a workbook takes: the CLI (`sync`, `init`, `demo`), the worker and
# the library's `sync_workbook`.

# Beside the workbook, so every process that can write the file contends for the same lock,
# whichever machine or user runs it and whatever office config it read. The backups live there
# too; one hidden folder is all the tool adds next to a person's file.
SIDECAR_DIR = ".sheets-sync-backups"

_held: dict[Path, int] = {}  # lock files this process holds -> nesting depth
_held_guard = threading.Lock()


def is_local(location: str) -> bool:
    return not location.startswith(("https://", "http://", "gsheet:"))


def default_state_dir() -> Path:
    """Where status, log and locks live when no office config says (and where `status` looks)."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "sheets-sync"
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "sheets-sync"


def default_lock_dir() -> Path:
    """Where locks of books without a folder (Google Sheets) live when no office config says:
    the same `locks/` an office config without files.lock_dir uses."""
    return default_state_dir() / "locks"


def book_lock_file(location: str, lock_dir: Path | None = None) -> Path:
    """The lock file of one workbook: `.sheets-sync-backups/NAME.lock` beside a local file, else
    a file named after the sheet in `lock_dir`."""
    if is_local(location):
        # The real file, so a symlink and its target (or two links to one file) share one lock.
        path = Path(location).resolve()
        return path.parent / SIDECAR_DIR / f"{path.name}.lock"
    return lock_path(lock_dir or default_lock_dir(), location)


@contextmanager
def hold_book(location: str, *, wait: float = 0.0, lock_dir: Path | None = None,
              ) -> Iterator[LockInfo | None]:
    """Hold the workbook's lock for the block; yields a dead previous holder's info, if any.

    Re-entrant within one process (the worker holds it while it calls `sync_workbook`, which
    takes it too). A busy lock is waited for up to `wait` seconds, then WorkbookLocked (exit 3)
    names the holder. A lock that cannot even be created is a UserError with the fix.
    """
    path = book_lock_file(location, lock_dir)
    if is_local(location) and not path.parent.parent.is_dir():
        raise UserError(f"No such folder: {path.parent.parent}",
                        "check the path; the folder must exist")
    with _held_guard:
        if path in _held:
            _held[path] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield None
        finally:
            with _held_guard:
                _held[path] -= 1
        return
    lock = FileLock(path, location)
    try:
        recovered = lock.acquire(timeout=wait, poll=0.2)
    except LockBusy as busy:
        raise BookBusy(location, busy.holder, path) from None
    except OSError as exc:
        folder = path.parent.parent if is_local(location) else path.parent
        line = None if exc.errno in DENIED else os_error_line(exc, path, "nothing was written")
        if line is not None:  # a full disk, a read-only file system: their own line
            raise line from exc
        raise UserError(f"cannot write in {folder} ({exc.strerror or exc}): a sync keeps its "
                        f"lock and backups in {path.parent}",
                        "ask for write permission on that folder, or sync a copy in a folder "
                        "you may write to") from exc
    with _held_guard:
        _held[path] = 1
    try:
        yield recovered
    finally:
        with _held_guard:
            del _held[path]
        lock.release()


class BookBusy(WorkbookLocked):
    """Another process holds this workbook's lock (exit 3). The line says who, since when,
    whether that process still runs (when it can be checked from here) and what to do."""

    def __init__(self, location: str, holder: LockInfo | None,
                 lock_file: Path | None = None, now: datetime | None = None) -> None:
        self.holder = holder
        self.lock_file = lock_file
        name = Path(location).name if is_local(location) else location
        alive = holder_alive(holder)
        since = _since(holder, now or datetime.now(timezone.utc))
        if holder is not None and alive is False:
            super().__init__(
                f"{name} is locked by pid {holder.pid}, which is no longer running{since}: "
                "the lock is stale (the folder's file system kept a dead process's lock)",
                f"delete {lock_file or 'its lock file'} and run again")
            return
        if holder is None:
            who = "another process"
            fix = "wait for it to finish, then run again"
        elif alive is None:
            who = f"pid {holder.pid} on {holder.host}{since}"
            fix = (f"wait for it to finish; if nothing runs on {holder.host} any more, delete "
                   f"{lock_file or 'its lock file'} and run again")
        else:
            who = f"pid {holder.pid} on this machine, still running{since}"
            fix = (f"wait for it to finish; if it is stuck, stop it (kill {holder.pid}) and "
                   "run again")
        super().__init__(f"another sync of {name} is running ({who})", fix)


def holder_alive(holder: LockInfo | None) -> bool | None:
    """Whether the lock's holder still runs: None when it is on another machine or cannot be
    checked here."""
    if holder is None or holder.host != socket.gethostname() or sys.platform == "win32":
        return None
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by another user
        return True
    return True


def _since(holder: LockInfo | None, now: datetime) -> str:
    if holder is None:
        return ""
    try:
        started = datetime.fromisoformat(holder.started)
    except ValueError:
        return f", since {holder.started}"
    if started.tzinfo is None:
        started = started.astimezone()
    return f", started {started.astimezone():%Y-%m-%d %H:%M}, {age_words(now - started)} ago"


def age_words(age: timedelta) -> str:
    """'40 s', '12 min', '3 h 5 min', '2 days' — how long ago, to the unit that matters."""
    seconds = max(0, int(age.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        hours, minutes = divmod(seconds // 60, 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days = seconds // 86400
    return f"{days} day" + ("s" if days > 1 else "")
