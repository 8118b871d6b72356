"""Parsed copies of the package's TOML files (config/default.toml, templates/, locales/), kept
between runs, so a command does not parse the same ~100 kB of TOML every time it starts (about
20 ms of pure-Python parsing in each sync of the sample). Other TOML files (a --config, a
folder of templates given by a test) are parsed as before.

One JSON file per source file in the user's cache folder (holiday_cache.cache_folder), named
after the source's path and holding the SHA-256 of the bytes it was parsed from: a changed
source (an upgrade, an edit in a checkout) no longer matches and is parsed again, and its copy
is replaced. A missing, unreadable or garbled copy is a parse, a copy that cannot be written is
skipped, and a file whose data JSON cannot hold (a TOML date) is never copied: none of these
ever fails a command. The parse itself (and its errors) is tomllib's, as without the cache.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from sheets_sync.atomic import replace_quietly
from sheets_sync.core import shipped
from sheets_sync.holiday_cache import cache_folder

FORMAT = 1


def install() -> None:
    """Answer the core's `shipped.parse_toml` from the cache, for the shipped files, from now
    on."""
    folders = {str(shipped.default_config().parent), str(shipped.templates_folder()),
               str(shipped.locales_folder())}

    def parse(file: shipped.Traversable) -> dict[str, Any]:
        if isinstance(file, Path) and str(file.parent) in folders:
            return cached_toml(file)
        return shipped.read_toml_file(file)

    shipped.parse_with(parse)


def copy_file(source: Path) -> Path | None:
    """Where the copy of `source` is kept; None when there is no cache folder."""
    folder = cache_folder()
    if folder is None:
        return None
    tag = hashlib.sha256(str(source).encode("utf-8", "surrogatepass")).hexdigest()
    return folder / f"shipped-{tag[:16]}.json"


def cached_toml(file: shipped.Traversable) -> dict[str, Any]:
    """`file` parsed, from its copy when the copy was taken of these bytes."""
    if not isinstance(file, Path):  # a file inside a zip: parsed as before
        return shipped.read_toml_file(file)
    try:
        content = file.read_bytes()
    except OSError:
        return shipped.read_toml_file(file)  # fails as the parse would
    # The bytes' digest, not the size and time: a file rewritten within the same clock tick
    # at the same size is still told apart, and hashing is a hundredth of parsing.
    stamp = [FORMAT, hashlib.sha256(content).hexdigest()]
    where = copy_file(file)
    if where is None:  # no home folder to keep a cache in
        return shipped.read_toml_file(file)
    known = _read_copy(where, stamp)
    if known is not None:
        return known
    data = shipped.read_toml_file(file)
    try:
        text = json.dumps({"stamp": stamp, "data": data}, ensure_ascii=False)
    except (TypeError, ValueError):  # a TOML date or time: parsed each time
        return data
    replace_quietly(where, text, ".tmp")
    return data


def _read_copy(where: Path, stamp: list[Any]) -> dict[str, Any] | None:
    try:
        saved = json.loads(where.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("stamp") != stamp:
        return None
    data = saved.get("data")
    return data if isinstance(data, dict) else None
