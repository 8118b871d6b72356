"""The file-level side of saving a workbook: the timestamped backup of the version replaced (and
pruning to this workbook's own backups), the refusal of a read-only workbook, the real file
behind a symlink, and the mode, owner and group the replacement keeps."""

from __future__ import annotations

import os
import re
import stat
from datetime import datetime
from pathlib import Path

from sheets_sync.atomic import PARTIAL_SUFFIX, exclusive_temp
from sheets_sync.errors import ConfigError, UserError
from sheets_sync.failpoints import failpoint
from sheets_sync.failures import FULL, os_error_line
from sheets_sync.locks import SIDECAR_DIR

STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"
_STAMP = r"\d{8}-\d{6}-\d{6}"


def real_file(path: Path) -> Path:
    """The file a sync replaces: the target of a symlink (so the link keeps pointing at the
    updated workbook), else `path` itself."""
    return Path(os.path.realpath(path))


def backup_name(path: Path, moment: datetime) -> str:
    return f"{path.stem}.{moment.strftime(STAMP_FORMAT)}{path.suffix}"


def own_backups(folder: Path, path: Path) -> list[Path]:
    """This workbook's backups in `folder`, oldest first: `<stem>.<stamp><suffix>` exactly, so
    `contacts.xlsx` never counts (or prunes) the backups of `contacts.2025.xlsx`."""
    pattern = re.compile(re.escape(path.stem) + r"\." + _STAMP + re.escape(path.suffix))
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(folder / n for n in names if pattern.fullmatch(n))


def keep_backup(path: Path, data: bytes, mode: int, keep: int,
                moment: datetime | None = None) -> Path:
    """Write `data` (the version about to be replaced) as a timestamped copy in the workbook's
    `.sheets-sync-backups` folder, then delete this workbook's oldest backups beyond `keep`.

    The copy is written under a temporary name and renamed, so an interrupted or failed copy
    (a full disk) never looks like a backup, and it is removed on any failure."""
    if keep < 1:
        raise ConfigError(f"backups_keep is {keep}", "set general.backups_keep to 1 or more: "
                          "the backup just made is the only way back from a bad sync")
    folder = path.parent / SIDECAR_DIR
    target = folder / backup_name(path, moment or datetime.now())
    partial: Path | None = None
    try:
        folder.mkdir(exist_ok=True)
        # Owner-writable while it is written, whatever the workbook's mode (0444 would refuse).
        partial = exclusive_temp(folder, path.name, PARTIAL_SUFFIX, 0o600)
        with open(partial, "wb") as handle:
            handle.write(data)
            failpoint("backup-write")
            handle.flush()
            os.fsync(handle.fileno())
        # Readable by the same people as the workbook, so any of them can restore it.
        carry_ownership(partial, os.stat(path), mode)
        os.replace(partial, target)
        partial = None
    except OSError as exc:
        what = "the workbook is unchanged and no backup was kept"
        line = os_error_line(exc, target, what)
        if line is not None:
            raise line from exc  # --debug shows the OS error
        raise
    finally:
        if partial is not None:
            partial.unlink(missing_ok=True)
    backups = own_backups(folder, path)
    for old in backups[: max(0, len(backups) - keep)]:
        old.unlink(missing_ok=True)
    return target


def refuse_read_only(path: Path) -> None:
    """A workbook its owner marked read-only (no write bit, or not writable by this user) is not
    replaced: the mark usually means "final, do not change"."""
    info = os.stat(path)
    if stat.S_IMODE(info.st_mode) & 0o222 == 0 or not os.access(path, os.W_OK):
        raise UserError(
            f"{path.name} is read-only (mode {stat.S_IMODE(info.st_mode):o}); nothing was written",
            f"if it should be synced, make it writable (chmod u+w {path}, or untick "
            "Read-only in its Properties) and run again")


def carry_ownership(new: Path, original: os.stat_result, mode: int | None = None) -> None:
    """Give the file that replaces `original` its mode, owner and group.

    The owner can only be kept by a process allowed to chown (root, or the owner itself); the
    group by any member of it. What cannot be kept is left as the new file has it: a shared
    `root:staff 664` file synced by a member of staff comes back `user:staff 664`, which its
    colleagues can still save."""
    chown = getattr(os, "chown", None)  # POSIX only
    if chown is not None:
        try:
            chown(new, original.st_uid, original.st_gid)
        except OSError:
            try:
                chown(new, -1, original.st_gid)
            except OSError:
                pass
    # After chown, which may clear set-id bits.
    os.chmod(new, stat.S_IMODE(original.st_mode) if mode is None else mode)


def save_error(exc: OSError, path: Path) -> UserError | None:
    """The line for an OSError while the new workbook is written beside the old one."""
    unchanged = "the workbook is unchanged"
    if exc.errno in FULL:
        unchanged += " (the backup of it was kept)"
    return os_error_line(exc, path, unchanged)
