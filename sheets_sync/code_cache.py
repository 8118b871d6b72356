"""Compiled copies of the methods `dataclasses` writes, kept between runs.

A dataclass is made by writing the source of its __init__, __repr__, __eq__, __hash__ (and,
frozen, __setattr__ and __delattr__) and compiling each: the package's ~100 record classes cost
about 470 compiles, 55 ms of every command's start-up (a fifth of `today` on the sample), the
same text compiled to the same code every time. While installed, the text dataclasses hands
to `exec` is looked up here first; a text not seen before is compiled as exec would compile it
(no inherited future flags) and kept. What runs is what the text says: the key is the whole
text, so any change of a class (or of Python's dataclasses) is a text not seen before.

The copies live in one file per Python build in the user's cache folder
(holiday_cache.cache_folder), next to the other caches. They are code, so a file is only used
when it belongs to the user and no one else may write to it (as for ~/.ssh), and a file of
another Python build is never read. A missing, unreadable or garbled file is a cold start; a
file that cannot be written is skipped; neither ever fails a command.
"""

from __future__ import annotations

import builtins
import dataclasses
import hashlib
import marshal
import os
import stat
import sys
from pathlib import Path
from types import CodeType
from typing import Any

from sheets_sync.atomic import exclusive_temp
from sheets_sync.holiday_cache import cache_folder

# Entries (the package makes ~470): beyond this the file keeps only what this run used and
# added, so the methods of classes an upgrade or an edit changed do not pile up.
LIMIT = 1500

_known: dict[str, CodeType] = {}
_added: dict[str, CodeType] = {}
_used: set[str] = set()


def cache_file() -> Path:
    """The file for this Python build (RuntimeError when the user has no home folder)."""
    build = (f"{sys.implementation.cache_tag}|{sys.version}|{marshal.version}|"
             f"{sys.flags.optimize}")
    tag = hashlib.sha256(build.encode("utf-8")).hexdigest()[:16]
    return cache_folder() / f"dataclass-code-{tag}.marshal"


def install() -> None:
    """Answer dataclasses' compiles from the cache file from now on (the file is read once)."""
    if getattr(dataclasses, "exec", None) is _exec:
        return
    _known.clear()
    _used.clear()
    try:
        _known.update(read_codes(cache_file()))
    except RuntimeError:  # no home folder to keep a cache in: compile as usual
        return
    # dataclasses calls exec by its global name: a module global of that name shadows the
    # builtin for dataclasses alone, and nothing else in the process sees a change.
    dataclasses.exec = _exec  # type: ignore[attr-defined]


def uninstall() -> None:
    if getattr(dataclasses, "exec", None) is _exec:
        del dataclasses.exec  # type: ignore[attr-defined]


def save() -> None:
    """Add the texts compiled since `install` to the file (beyond LIMIT entries, the file
    starts over from the ones this run used and added)."""
    if not _added:
        return
    try:
        path = cache_file()
    except RuntimeError:
        return
    codes = {**read_codes(path), **_added}
    if len(codes) > LIMIT:
        codes = {text: codes[text] for text in (*_used, *_added) if text in codes}
    _write(path, marshal.dumps(codes))
    _known.update(_added)
    _added.clear()


def _exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:
    if type(source) is str:
        code = _known.get(source)
        if code is not None:
            _used.add(source)
        else:
            code = _added.get(source)
        if code is None:
            code = _added[source] = compile(source, "<string>", "exec", dont_inherit=True)
        source = code
    builtins.exec(source, globals, locals)


def read_codes(path: Path) -> dict[str, CodeType]:
    try:
        with open(path, "rb") as handle:  # checked and read through one open file
            if not _trusted(os.fstat(handle.fileno())):
                return {}
            codes = marshal.loads(handle.read())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if not isinstance(codes, dict):
        return {}
    return {k: v for k, v in codes.items() if isinstance(k, str) and isinstance(v, CodeType)}


def _trusted(info: os.stat_result) -> bool:
    """The file is the user's own and only the user may write it (POSIX); on Windows the
    per-user folder is the user's own."""
    if not hasattr(os, "getuid"):
        return True
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _write(path: Path, data: bytes) -> None:
    temp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = exclusive_temp(path.parent, path.name, ".tmp", mode=0o600)
        temp.write_bytes(data)
        os.replace(temp, path)
        temp = None
    except OSError:
        pass
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)
