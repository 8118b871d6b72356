"""A file of the public-holiday tables the `holidays` package computed, kept per installed
version of the package, so the next run reads them instead of loading the package (whose first
use imports every country's module: the largest first-use cost of a small book).

The tables are plain data the package would give again (core/calendars.py holds them while a
command runs); the file only saves computing them. It lives in the user's cache folder
(`$XDG_CACHE_HOME/sheets-sync`, else `~/.cache/sheets-sync`; `%LOCALAPPDATA%\\sheets-sync\\cache`
on Windows), named after the package's version file (its path, size and modification time), so
an upgraded package never reads an older table. A missing, unreadable or garbled file is a cold
start; a file that cannot be written is skipped. Neither ever fails a command.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sheets_sync.atomic import replace_quietly

LIMIT_BYTES = 4_000_000  # beyond this a file starts over: a bound, not a policy


def cache_folder() -> Path | None:
    """The user's cache folder for the tool; None for a user with no home folder (then no
    cache is kept, and every command runs as without one)."""
    try:
        if sys.platform == "win32":
            base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
            return Path(base) / "sheets-sync" / "cache"
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    except RuntimeError:  # Path.home(): no home folder to be found
        return None
    return Path(base) / "sheets-sync"


def cache_file() -> Path | None:
    """The file for the installed `holidays` package; None when it cannot be told apart."""
    try:
        spec = importlib.util.find_spec("holidays")
        origin = spec.origin if spec is not None else None
        if origin is None:
            return None
        version = Path(origin).parent / "version.py"
        info = os.stat(version)
    except (ImportError, OSError, ValueError):
        return None
    folder = cache_folder()
    if folder is None:
        return None
    tag = hashlib.sha256(f"{version}|{info.st_size}|{info.st_mtime_ns}".encode()).hexdigest()
    return folder / f"holidays-{tag[:16]}.json"


def read_tables(path: Path | None) -> dict[str, list[Any]]:
    if path is None:
        return {}
    try:
        tables = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(tables, dict):
        return {}
    return {k: v for k, v in tables.items() if isinstance(k, str) and isinstance(v, list)}


def write_tables(path: Path, tables: dict[str, list[Any]]) -> None:
    """Replace the file with `tables` (a temporary file renamed over it, so a reader never sees
    half of one); any OS error is ignored."""
    replace_quietly(path, json.dumps(tables, ensure_ascii=False), ".tmp")


@contextmanager
def holiday_tables() -> Iterator[None]:
    """Within the block, the holiday tables known from earlier runs are used; those computed in
    it are added to the file afterwards."""
    from sheets_sync.core import calendars

    path = cache_file()
    known = read_tables(path)
    calendars.use_holiday_tables(known)
    try:
        yield
    finally:
        added = calendars.added_holiday_tables()
        if added and path is not None:
            tables = {**read_tables(path), **added}  # another run may have added some too
            if len(json.dumps(tables)) > LIMIT_BYTES:
                tables = added
            write_tables(path, tables)
