"""Failures of the machine around the workbook — a folder without write permission, a full disk,
a read-only file system, a closed output pipe — turned into one line that names the file or folder
and says what to do. The CLI uses it for any OSError that reaches it; the save and the outputs use
it where they know better what was (not) written."""

from __future__ import annotations

import errno
import os
import select
import stat
import sys
from pathlib import Path

from sheets_sync.errors import UserError

DENIED = (errno.EACCES, errno.EPERM)
FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
# Names of the tool's own temporary files: the message names their folder, not them.
_TEMP_ENDINGS = (".sheets-sync-tmp", ".part", ".tmp")


def where(exc: OSError, fallback: Path | None = None) -> tuple[Path | None, Path | None]:
    """(the file the error is about, its folder), preferring a name a person recognises."""
    name = exc.filename if isinstance(exc.filename, str) else None
    path = Path(name) if name else fallback
    if path is None:
        return None, None
    if path.name.startswith(".") and path.name.endswith(_TEMP_ENDINGS):
        return (fallback, path.parent) if fallback else (None, path.parent)
    return path, path.parent if str(path.parent) else Path(".")


def os_error_line(exc: OSError, target: Path | None = None,
                  unchanged: str = "") -> UserError | None:
    """The one line for an OSError a user can act on, or None when it is not one of those.

    `target` is the file being written (used when the error names a temporary file or nothing);
    `unchanged` says what is known to be as it was ("the workbook is unchanged")."""
    path, folder = where(exc, target)
    tail = f"; {unchanged}" if unchanged else ""
    shown = path if path is not None else folder
    if exc.errno in FULL:
        place = folder or Path(".")
        return UserError(f"the disk is full: no space left to write {shown or 'a file'}{tail}",
                         f"free some space on the disk holding {place.absolute()} (or choose "
                         "another folder), then run again")
    if exc.errno == errno.EROFS:
        return UserError(f"{folder or shown} is on a read-only file system{tail}",
                         "choose a folder on a disk you may write to")
    if exc.errno in DENIED:
        reason, fix = _denied(path, folder)
        return UserError(reason + tail, fix)
    if exc.errno == errno.ENOENT and folder is not None and not os.path.isdir(folder):
        return UserError(f"no such folder: {folder}", "create it or check the path")
    if exc.errno == errno.EISDIR and shown is not None:
        return UserError(f"{shown} is a folder", "give a file name")
    return None


def _denied(path: Path | None, folder: Path | None) -> tuple[str, str]:
    """(reason, fix) for EACCES/EPERM: a folder that cannot be entered, a file that cannot be
    read, a read-only file, or a folder that cannot be written — whichever is the case."""
    if folder is not None and os.path.isdir(folder) and not os.access(folder, os.X_OK):
        where = folder.absolute()
        return (f"permission denied: the folder {where} cannot be opened",
                f"ask its owner for access (ls -ld {where} shows who may)")
    if path is not None and os.path.exists(path):
        if not os.access(path, os.R_OK):
            return (f"permission denied: cannot read {path}",
                    f"ask its owner for read permission (ls -l {path} shows who may)")
        if not os.access(path, os.W_OK):
            return (f"permission denied: {path} is read-only",
                    f"make it writable (chmod u+w {path}) or choose another file")
    if folder is not None:
        where = folder.absolute()
        return (f"permission denied: cannot write in the folder {where}",
                "choose a folder you may write to, or ask its owner for write permission "
                f"(ls -ld {where} shows who may)")
    return (f"permission denied: cannot write {path}",
            "choose a file you may write to, or ask its owner for write permission")


def stdout_closed() -> bool:
    """Whether standard output is a pipe or socket whose reader has gone (`… | head -1`).

    Checked so a BrokenPipeError from somewhere else (a network connection) is not mistaken for
    the reader having seen enough."""
    try:
        fd = sys.stdout.fileno()
        mode = os.fstat(fd).st_mode
    except (OSError, ValueError, AttributeError):
        return True  # stdout itself is unusable: nothing more can be shown anyway
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
        return False
    if not hasattr(select, "poll"):
        return True
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))


def silence_stdout() -> None:
    """Point stdout at the null device, as Python's documentation advises after a broken pipe,
    so the interpreter's final flush does not fail a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
