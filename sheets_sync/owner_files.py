"""Is the workbook open in a spreadsheet program? Excel leaves `~$book.xlsx` beside a workbook it
has open, LibreOffice `.~lock.book.xlsx#`; both stay behind when the program crashes. A sync
refuses to write while one is there (the person's unsaved edits would fight its changes); the
read-only commands read the last saved version and say so. Either way the line says who has it
open and since when, so a leftover owner file can be told from a colleague at work."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sheets_sync.errors import WorkbookLocked
from sheets_sync.locks import age_words, book_lock_file, holder_alive, read_lock


@dataclass(frozen=True)
class OwnerFile:
    path: Path
    modified: datetime
    user: str  # "" when the file does not say

    def describe(self, now: datetime | None = None) -> str:
        age = age_words((now or datetime.now(timezone.utc)) - self.modified)
        who = f" by {self.user}" if self.user else ""
        return f"{self.path.name} exists: opened{who} {age} ago"


def owner_files(path: Path) -> list[Path]:
    return [path.with_name("~$" + path.name), path.with_name(f".~lock.{path.name}#")]


def find_owner(path: Path) -> OwnerFile | None:
    """The owner file of the program that has `path` open, if any."""
    for candidate in owner_files(path):
        try:
            info = os.stat(candidate)
            head = candidate.read_bytes()[:512]
        except OSError:
            continue
        modified = datetime.fromtimestamp(info.st_mtime, timezone.utc)
        return OwnerFile(candidate, modified, _user(candidate.name, head))
    return None


def _user(name: str, head: bytes) -> str:
    """The user an owner file names: Excel writes a length byte and the name; LibreOffice a
    comma-separated line `Full Name,login,host,date,…;`."""
    if name.startswith("~$") and head:
        size = head[0]
        text = head[1:1 + size].decode("latin-1", "replace") if 0 < size < 54 else ""
    else:
        fields = head.decode("utf-8", "replace").split(",")
        text = (fields[0] or (fields[1] if len(fields) > 1 else "")) if fields else ""
    text = text.strip()
    return text if text.isprintable() else ""


def refuse_if_open(path: Path) -> None:
    """WorkbookLocked (exit 3) naming the owner file, its user and age, and both ways out."""
    owner = find_owner(path)
    if owner is None:
        return
    raise WorkbookLocked(
        f"{path.name} is open in a spreadsheet program ({owner.describe()})",
        f"close it first, then run sync again; if nobody has it open (the program crashed), "
        f"delete {owner.path} and run again")


def read_only_note(path: Path) -> str | None:
    """A one-line note for a command that only reads `path` while it is open or being synced:
    what it reads is the last saved version."""
    owner = find_owner(path)
    if owner is not None:
        return (f"note: {path.name} is open in a spreadsheet program ({owner.describe()}); this "
                "reads the last saved version — unsaved edits there are not seen")
    holder = read_lock(book_lock_file(str(path)))
    if holder is not None and holder_alive(holder) is not False:
        return (f"note: a sync of {path.name} is running (pid {holder.pid}); this reads the "
                "version saved before it — its changes are not seen")
    return None
