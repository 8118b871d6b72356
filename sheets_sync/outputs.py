"""The files the read-only commands write (`ics -o`, `report -o`, `referrals --graph`): never over
the workbook or any spreadsheet, never over a file someone else made unless `--force`, and
complete or not at all (a temporary file beside it, then a rename).

"A file they wrote" is recognised by the mark each kind carries in its first bytes — the .ics
PRODID, the report's generator meta tag, the PNG's Software text chunk — so a second export over
the first needs no --force, and a person's own calendar.ics or notes.html is not replaced by
mistake."""

from __future__ import annotations

import os
from pathlib import Path

from sheets_sync.atomic import TEMP_SUFFIX, exclusive_temp, fsync_dir, new_file_mode
from sheets_sync.errors import UserError
from sheets_sync.failures import os_error_line

ICS_MARK = b"PRODID:-//sheets-sync//"
HTML_MARK = b'<meta name="generator" content="sheets-sync">'
PNG_MARK = b"Software\x00sheets-sync"
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods", ".csv",
                        ".numbers")
_SNIFF_BYTES = 64 * 1024


def is_ours(path: Path, mark: bytes) -> bool:
    try:
        with open(path, "rb") as handle:
            return mark in handle.read(_SNIFF_BYTES)
    except OSError:
        return False


def check_target(target: Path, workbook: str, mark: bytes, force: bool) -> Path:
    """The real file to write for `target`, or a UserError saying why not and what to do."""
    real = Path(os.path.realpath(target))
    if real.suffix.lower() in SPREADSHEET_SUFFIXES:
        raise UserError(f"{target} is a spreadsheet name; this command writes a "
                        f"{_kind(mark)}, never a workbook",
                        f"choose a name ending in {_suffix(mark)}")
    if real.exists():
        if real.is_dir():
            raise UserError(f"{target} is a folder", f"give a file name, e.g. "
                            f"{target / ('output' + _suffix(mark))}")
        book = Path(workbook)
        if book.exists() and os.path.samefile(real, book):
            raise UserError(f"{target} is the workbook itself", "choose another output name")
        if not force and not is_ours(real, mark):
            raise UserError(f"{target} already exists and was not written by sheets-sync",
                            "choose another name, or add --force to replace it")
    return real


def write_output(target: Path, data: bytes, *, workbook: str, mark: bytes,
                 force: bool = False) -> None:
    """Write `data` to `target` (through a symlink), refusing as `check_target` says."""
    real = check_target(target, workbook, mark, force)
    temp: Path | None = None
    try:
        mode = os.stat(real).st_mode & 0o7777 if real.exists() else new_file_mode()
        temp = exclusive_temp(real.parent, real.name, TEMP_SUFFIX, mode)
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, real)
        temp = None
    except OSError as exc:
        line = os_error_line(exc, target, f"{target} was not written")
        if line is None:
            raise
        raise line from exc  # --debug shows the OS error
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)
    fsync_dir(real.parent)


def _kind(mark: bytes) -> str:
    return {ICS_MARK: "calendar (.ics)", HTML_MARK: "web page (.html)",
            PNG_MARK: "picture (.png)"}.get(mark, "file")


def _suffix(mark: bytes) -> str:
    return {ICS_MARK: ".ics", HTML_MARK: ".html", PNG_MARK: ".png"}.get(mark, "")
