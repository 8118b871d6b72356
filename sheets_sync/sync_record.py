"""The record a sync that found nothing to change leaves beside the workbook's backups, so the
next same-day sync of the same bytes with the same inputs is answered from it without reading
the tables or planning.

`.sheets-sync-backups/<name>.last-sync.json` (next to the lock and the backups) holds:
the workbook's resolved path, the size and SHA-256 of its bytes as that sync read them, one
digest of everything else a sync depends on (the date, --light, the effective configuration
with --lang folded in, the package version, and the names, sizes and modification times of the
package's own files: code, templates, locales, default config), and the report to give again.

Only a sync that wrote nothing records a fingerprint: those bytes are then known to be a fixed
point for those inputs, and its summary is exactly what a re-sync prints. A sync that writes
leaves the record without one (its output is not confirmed yet, and the same file name stays in
the folder, so the folder's listing does not change from one sync to the next). Nothing is ever
added to the workbook.

This module imports nothing heavy: the fast answer must cost less than loading the rules.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from sheets_sync.atomic import PARTIAL_SUFFIX, replace_quietly, sha256_of
from sheets_sync.locks import SIDECAR_DIR

FORMAT = 1
RECORD_SUFFIX = ".last-sync.json"
# The report fields the record gives back (SyncReport's, less what belongs to one run).
REPORT_FIELDS = ("contacts", "tiers", "issues", "touchpoints_due", "done_logged",
                 "ids_assigned", "changes", "language")


def record_path(workbook: Path) -> Path:
    """Where the record of `workbook` lives: beside its lock, in the real file's folder."""
    real = Path(os.path.realpath(workbook))
    return real.parent / SIDECAR_DIR / f"{real.name}{RECORD_SUFFIX}"


def inputs_digest(config: Mapping[str, Any], today: date, light: bool) -> str:
    """One digest of every input of a sync other than the workbook's bytes."""
    inputs = {
        "format": FORMAT,
        "today": today.isoformat(),
        "light": bool(light),
        "config": config,
        "tool": tool_fingerprint(),
    }
    text = json.dumps(inputs, sort_keys=True, default=repr, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tool_fingerprint() -> list[Any]:
    """The package version and the name, size and mtime of each of its files, so an upgrade,
    an edited template or locale, or a changed source file (an editable install) never matches
    a record the older tool wrote."""
    from sheets_sync import __version__

    package = Path(__file__).resolve().parent
    folders = [package, *_shipped_folders(package)]
    files: list[Any] = [__version__]
    for folder in folders:
        files.extend(_stats(folder))
    return files


def _shipped_folders(package: Path) -> list[Path]:
    """templates/, locales/ and config/ as installed: inside the package in a wheel, the
    repository's top-level folders in an editable install."""
    found = []
    for inside, outside in (("shipped_config", "config"), ("shipped_templates", "templates"),
                            ("shipped_locales", "locales")):
        for candidate in (package / inside, package.parent / outside):
            if candidate.is_dir():
                found.append(candidate)
                break
        else:  # an unusual layout: never guess, so never match
            found.append(package / inside)
    return found


def _stats(folder: Path) -> list[Any]:
    rows: list[Any] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return [str(folder), None]
    for entry in entries:
        if entry.name == "__pycache__" or entry.name.startswith("."):
            continue
        if entry.is_dir():
            rows.extend(_stats(Path(entry.path)))
        elif entry.name.endswith((".py", ".toml", ".json", ".txt", ".csv")):
            info = entry.stat()
            rows.append([entry.path, info.st_size, info.st_mtime_ns])
    return rows


def fingerprint(size: int, sha256: str) -> dict[str, Any]:
    """How the record names a workbook's bytes: their count and SHA-256."""
    return {"bytes": size, "sha256": sha256}


def recorded_report(workbook: Path, inputs: str) -> dict[str, Any] | None:
    """The report of the last sync that found nothing to change, if the record is for this
    very file, these exact bytes and these inputs; else None (a full sync is needed)."""
    try:
        record = json.loads(record_path(workbook).read_text(encoding="utf-8"))
        if (not isinstance(record, dict) or record.get("format") != FORMAT
                or record.get("workbook") != os.path.realpath(workbook)
                or record.get("inputs") != inputs):
            return None
        expected = record["content"]
        if os.stat(workbook).st_size != expected["bytes"]:
            return None  # cheaper than hashing: a save that changed the size
        if fingerprint(expected["bytes"], sha256_of(workbook)) != expected:
            return None
        report = record["report"]
        if not isinstance(report, dict) or set(report) != set(REPORT_FIELDS):
            return None
        return report
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing, unreadable or garbled: the full sync rewrites it


def remember(workbook: Path, inputs: str, content: dict[str, Any] | None,
             report: Mapping[str, Any] | None) -> None:
    """Write the record (a temporary file renamed over it); `content` None for a sync that
    wrote, whose record answers nothing. A record that cannot be written only costs the next
    sync its shortcut, so an OS error here never fails the sync."""
    record = {
        "format": FORMAT,
        "workbook": os.path.realpath(workbook),
        "content": content,
        "inputs": inputs,
        "report": None if report is None else {name: report[name] for name in REPORT_FIELDS},
    }
    replace_quietly(record_path(workbook), json.dumps(record, ensure_ascii=False, indent=1),
                    PARTIAL_SUFFIX)
