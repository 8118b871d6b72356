"""Files written so that a reader only ever sees a complete one: exclusive temporary files beside
the target, fsync, then a rename (replace) or a hard link (create, never replace)."""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
from pathlib import Path

from sheets_sync.locks import SIDECAR_DIR

TEMP_SUFFIX = ".sheets-sync-tmp"
PARTIAL_SUFFIX = ".part"  # a backup being copied


def exclusive_temp(folder: Path, name: str, suffix: str, mode: int | None = None) -> Path:
    """A new, empty file no other process has (O_EXCL), named `.NAME.<pid>.<random><suffix>` so
    a leftover says whose it was."""
    fd, temp = tempfile.mkstemp(prefix=f".{name}.{os.getpid()}.", suffix=suffix, dir=folder)
    try:
        # mkstemp makes it owner-only; the file it becomes must keep the permissions people
        # rely on (a group-writable workbook in a shared office folder stays group-writable).
        os.chmod(fd, mode if mode is not None else new_file_mode())
    except (OSError, NotImplementedError):  # os.chmod(fd) is POSIX-only
        pass
    finally:
        os.close(fd)
    return Path(temp)


def new_file_mode() -> int:
    """The mode `open(path, "w")` would give a new file: 0o666 less the process umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def remove_stale_temps(path: Path) -> list[Path]:
    """Delete temporary files a killed sync of `path` left behind (the new file being written
    beside it, a backup being copied).

    Called while holding the workbook's lock, so no live sync of this workbook is writing one;
    a file whose pid is still alive on this machine is left alone all the same (it could be a
    process that does not honour the lock).
    """
    prefix = f".{path.name}."
    candidates = [
        *path.parent.glob(f"{glob_escape(prefix)}*{TEMP_SUFFIX}"),
        *(path.parent / SIDECAR_DIR).glob(f"{glob_escape(prefix)}*{PARTIAL_SUFFIX}"),
    ]
    legacy = path.with_name(f".{path.name}{TEMP_SUFFIX}")  # the single fixed name of 0.1.0
    if legacy.exists():
        candidates.append(legacy)
    removed = []
    for candidate in candidates:
        pid_text = candidate.name[len(prefix):].split(".", 1)[0]
        if pid_text.isdigit() and _pid_alive(int(pid_text)):
            continue
        try:
            candidate.unlink()
            removed.append(candidate)
        except OSError:
            pass
    return removed


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid() or sys.platform == "win32":  # Windows: os.kill would terminate it
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def publish_new(data: bytes, path: Path) -> None:
    """Create `path` holding `data`, complete or not at all, and never over an existing file
    (FileExistsError), even one that appears while the data is written."""
    temp = exclusive_temp(path.parent, path.name, TEMP_SUFFIX)
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temp, path)  # atomic, and fails instead of replacing
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links (FAT, some network shares)
            with open(path, "xb") as handle:
                handle.write(data)
    finally:
        temp.unlink(missing_ok=True)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op where directories cannot be fsynced)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def replace_quietly(path: Path, text: str, suffix: str) -> None:
    """Replace `path` with `text` (a temporary file renamed over it, so a reader never sees half
    of it), for files that only save work later (a cache, a record): an OS error is ignored."""
    temp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = exclusive_temp(path.parent, path.name, suffix)
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, path)
        temp = None
    except OSError:
        pass
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)


def sha256_of(path: Path) -> str:
    """The file's content hash, read a megabyte at a time (not held whole a second time)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
